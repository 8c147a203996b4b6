"""The counting rules of `vpccost.flowlogs` over a `FlowCounter`'s batches, in three passes: what each ENI is and which
addresses are its own; each record's direction and the logged senders; the edges.

The rule, in the order it is applied here:

- Middlebox ENIs (rule 3): an ENI is a NAT gateway, TGW attachment, endpoint or load balancer when the topology's
  `interfaces` inventory says so, else when the v11 `interface-type` field does (both types read through
  `vpccost.model.aws_facts.INTERFACE_TYPES`, the field's in any case and punctuation), else when one of its records
  shows address translation (a `pkt-*` address that differs from `srcaddr`/`dstaddr` and does not lie in the same
  VPC — a pod's secondary address on its node's ENI is not translation). All of a middlebox's records are then
  left out of the matrix and reported as the bytes it processed.
- The local side of each record (rule 6): `flow-direction` when the format has it; else the address the ENI
  has in every one of its records (per IP version), or its inventory addresses; when an ENI talks to a single
  peer, the one of the two addresses inside its subnet or VPC. A record whose side cannot be decided is
  unattributed, not guessed.
- Logged senders (rules 1 and 2): an address is logged when it is the local side of some workload record
  (accepted or rejected). An egress record of a workload counts; an ingress record counts only when its sender
  is not logged, since otherwise the sender's egress record counted the same bytes.
- Endpoints and load balancers (rule 4): traffic to (or from) an interface-endpoint ENI the inventory knows is
  attributed to the AWS service (`aws:<service>`) or provider VPC of its endpoint; a load balancer's to its VPC.
- Addresses: the local side's VPC is the record's `vpc-id` (when the topology has it), else the inventory's or
  the subnet's, else the longest CIDR match; its AZ the record's `az-id`, else its subnet's. The remote side is
  the longest match among the topology's subnets and VPC CIDRs (the local VPC first when CIDRs overlap); outside
  them, a public address is `aws:<service>` when `pkt-*-aws-service` names it, else `internet`, and a private
  one is unattributed (an unlogged network the matrix cannot name).
- The initiator (rule 7) comes from Stage A; without evidence the row says `src`, the traffic file's default.

Each side is placed by `places.py` (the addresses, and rule 4's endpoints and load balancers); the edges become
the matrix in `matrix.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vpccost.flowlogs.addresses import AddressBook, AddressTable, service_endpoint
from vpccost.flowlogs.arrays import Registry, codes_at, dense_codes, in_sorted_set, mask_at, sum_by_group
from vpccost.flowlogs.matrix import decode_edges, edge_keys
from vpccost.flowlogs.places import (
    CAUSES,
    EXAMPLES_PER_CAUSE,
    LOCAL_SIDE_UNDECIDED,
    address_azs,
    behind_interface,
    local_places,
    remote_places,
)
from vpccost.flowlogs.report import FlowLogReport, Middlebox, Tally
from vpccost.model.aws_facts import FRONT_KINDS, interface_kind_of_any_spelling

if TYPE_CHECKING:
    from vpccost.flowlogs.counting import FlowCounter

EVIDENCE = ("none", "tcp_flags", "ports")

EGRESS, INGRESS, UNDECIDED = 1, -1, 0


@dataclass
class Batch:
    """Accepted and rejected rows of one batch, compact: text as codes into the vocabulary (-1 for NULL)."""

    codes: dict[str, np.ndarray]
    records: np.ndarray
    bytes: np.ndarray
    accepted: np.ndarray
    initiator_dst: np.ndarray
    evidence: np.ndarray
    direction: np.ndarray | None = None
    middlebox: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.records)


class Rule:
    """The three passes of the counting rule over a counter's batches."""

    def __init__(self, counter: FlowCounter) -> None:
        self.book = counter.book
        self.report = counter.report
        self.batches = counter.batches
        self.values = np.asarray(counter.vocabulary.values, dtype=object)
        self.lookup = counter.vocabulary.codes
        self.width = len(self.values)
        self.places = self._places()
        self.names = Registry(vpc.id for vpc in self.book.topology.vpcs)
        self.azs = Registry([""])
        self.address_az = address_azs(self.places, self.azs)
        self.per_value_cache: dict[tuple[str, int], np.ndarray] = {}
        self.behind_cache: tuple[np.ndarray, list[tuple[str, str, str]]] | None = None
        self.services_cache: np.ndarray | None = None

    def text(self, code: int) -> str:
        return "" if code < 0 else str(self.values[code])

    def code(self, value: str) -> int:
        return self.lookup.get(value, -1)

    def per_value(self, key: str, function: Any, default: int) -> np.ndarray:
        """`function(text)` for every vocabulary value (index code + 1; index 0 is NULL), computed once."""
        cached = self.per_value_cache.get((key, default))
        if cached is None:
            present = np.zeros(self.width, dtype=bool)
            column = key.split(":")[0]
            for batch in self.batches:
                codes = batch.codes[column]
                present[codes[codes >= 0]] = True
            cached = np.full(self.width + 1, default, dtype=np.int64)
            for code in np.flatnonzero(present).tolist():
                cached[code + 1] = function(self.text(code))
            self.per_value_cache[(key, default)] = cached
        return cached

    def behind(self) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
        """Per vocabulary value, the index of what it stands for when it is the address of an endpoint or load
        balancer ENI the inventory knows (rule 4), else -1; and those meanings."""
        if self.behind_cache is None:
            marks = np.full(self.width, -1, dtype=np.int64)
            results: list[tuple[str, str, str]] = []
            for address, interface in self.book.interface_addresses.items():
                if interface.interface.kind in FRONT_KINDS:
                    code = self.code(address)
                    if code >= 0:
                        marks[code] = len(results)
                        results.append(behind_interface(self.book, interface))
            self.behind_cache = (marks, results)
        return self.behind_cache

    def service_names(self) -> np.ndarray:
        """Per vocabulary value (index code + 1), the matrix endpoint code of the AWS service it names in
        `pkt-*-aws-service` (`aws:s3`), -1 for others."""
        if self.services_cache is None:
            present = np.zeros(self.width, dtype=bool)
            for batch in self.batches:
                for column in ("pkt_src_aws_service", "pkt_dst_aws_service"):
                    codes = batch.codes[column]
                    present[codes[codes >= 0]] = True
            mapping = np.full(self.width + 1, -1, dtype=np.int64)
            for code in np.flatnonzero(present).tolist():
                mapping[code + 1] = self.names.code(service_endpoint(self.text(code)))
            self.services_cache = mapping
        return self.services_cache

    def run(self) -> pd.DataFrame:
        self._summarise()
        self._decide()
        return self._place()

    def _places(self) -> AddressTable:
        """Every vocabulary value some row uses as an address, resolved (others are left empty)."""
        used = np.zeros(self.width, dtype=bool)
        for batch in self.batches:
            for name in ("srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr"):
                codes = batch.codes[name]
                used[codes[codes >= 0]] = True
        positions = np.flatnonzero(used)
        resolved = self.book.resolve([str(value) for value in self.values[positions].tolist()])
        table = AddressTable(
            vpc=np.full(self.width, -1, dtype=np.int32),
            unique_vpc=np.full(self.width, -1, dtype=np.int32),
            az=np.full(self.width, "", dtype=object),
            multiple=np.zeros(self.width, dtype=bool),
            private=np.zeros(self.width, dtype=bool),
            version=np.zeros(self.width, dtype=np.int8),
        )
        for name in ("vpc", "unique_vpc", "az", "multiple", "private", "version"):
            getattr(table, name)[positions] = getattr(resolved, name)
        return table

    def _stated(self, batch: Batch) -> np.ndarray:
        mapping = self.per_value(
            "flow_direction", lambda text: {"egress": EGRESS, "ingress": INGRESS}.get(text.lower(), UNDECIDED), 0
        )
        stated: np.ndarray = mapping[batch.codes["flow_direction"] + 1].astype(np.int8)
        return stated

    def _translated(self, batch: Batch) -> np.ndarray:
        codes = batch.codes
        translated: np.ndarray = _translated(codes["srcaddr"], codes["pkt_srcaddr"], self.places) | _translated(
            codes["dstaddr"], codes["pkt_dstaddr"], self.places
        )
        return translated

    def _summarise(self) -> None:
        """Pass 1: per ENI its `interface-type`, whether it translates, its first subnet and VPC, the addresses
        its directed records name as its own, and for the others the candidates for the address common to all
        its records (at most the two of its first record) with how many records hold each."""
        width = self.width
        self.field_type = np.full(width, -1, dtype=np.int64)
        self.translating = np.zeros(width, dtype=bool)
        self.present = np.zeros(width, dtype=bool)
        self.first_subnet = np.full(width, -1, dtype=np.int64)
        self.first_vpc = np.full(width, -1, dtype=np.int64)
        self.decided = np.zeros(width, dtype=bool)
        groups = 2 * width
        self.candidates = np.full((2, groups), -1, dtype=np.int64)
        self.holding = np.zeros((2, groups), dtype=np.int64)
        self.group_rows = np.zeros(groups, dtype=np.int64)
        directed: list[np.ndarray] = []
        for batch in self.batches:
            codes = batch.codes
            eni = codes["interface_id"].astype(np.int64)
            with_eni = eni >= 0
            self.present[eni[with_eni]] = True
            self.translating[eni[with_eni & self._translated(batch)]] = True
            for target, column in (
                (self.field_type, "interface_type"),
                (self.first_subnet, "subnet_id"),
                (self.first_vpc, "vpc_id"),
            ):
                rows = np.flatnonzero(with_eni & (codes[column] >= 0))[::-1]
                unset = target[eni[rows]] < 0
                target[eni[rows[unset]]] = codes[column][rows[unset]]
            stated = self._stated(batch)
            for direction, column in ((EGRESS, "srcaddr"), (INGRESS, "dstaddr")):
                chosen = with_eni & (stated == direction) & (codes[column] >= 0)
                directed.append(np.unique(eni[chosen] * width + codes[column][chosen]))
            self.decided[eni[with_eni & (stated != UNDECIDED)]] = True
            self._count_candidates(batch, eni, with_eni & (stated == UNDECIDED))
        self.directed = np.unique(np.concatenate(directed)) if directed else np.zeros(0, dtype=np.int64)
        self._classify()
        self.own = self._own_addresses()

    def _count_candidates(self, batch: Batch, eni: np.ndarray, open_rows: np.ndarray) -> None:
        src, dst = batch.codes["srcaddr"].astype(np.int64), batch.codes["dstaddr"].astype(np.int64)
        rows = np.flatnonzero(open_rows & (src >= 0) & (dst >= 0))
        if not len(rows):
            return
        group = eni[rows] * 2 + (self.places.version[src[rows]] == 6)
        backwards = np.arange(len(rows))[::-1]
        unset = self.candidates[0, group[backwards]] < 0
        first = backwards[unset]
        self.candidates[0, group[first]] = src[rows][first]
        self.candidates[1, group[first]] = np.where(dst[rows][first] != src[rows][first], dst[rows][first], -1)
        self.group_rows += np.bincount(group, minlength=len(self.group_rows))
        for slot in (0, 1):
            candidate = self.candidates[slot, group]
            holds = (candidate >= 0) & ((src[rows] == candidate) | (dst[rows] == candidate))
            self.holding[slot] += np.bincount(group[holds], minlength=len(self.group_rows))

    def _classify(self) -> None:
        """Each ENI's type and what said so: the inventory, the `interface-type` field, address translation,
        or nothing (a workload)."""
        self.kinds: dict[int, tuple[str, str]] = {}
        self.middlebox_eni = np.zeros(self.width, dtype=bool)
        for code in np.flatnonzero(self.present).tolist():
            name = self.text(code)
            known = self.book.interfaces.get(name)
            kind: str
            if known is not None:
                kind, known_from = known.interface.kind, "inventory"
            elif self.field_type[code] >= 0:
                kind = interface_kind_of_any_spelling(self.text(int(self.field_type[code]))) or "workload"
                known_from = "interface-type"
            elif self.translating[code]:
                kind, known_from = "middlebox", "address translation"
            else:
                kind, known_from = "workload", ""
            self.kinds[code] = (kind, known_from)
            self.middlebox_eni[code] = kind != "workload"

    def _own_addresses(self) -> np.ndarray:
        """The (ENI, address) pairs, as `eni * width + address`, that are an ENI's own addresses: from its
        records with `flow-direction`, else from the inventory, else the address in all its records of one IP
        version (of two such addresses, the one in the ENI's subnet or VPC)."""
        width = self.width
        keys = [self.directed]
        decided = self.decided.copy()
        for code in np.flatnonzero(self.present & ~decided).tolist():
            known = self.book.interfaces.get(self.text(code))
            if known is None or not known.interface.ips:
                continue
            addresses = [self.code(str(address)) for address in known.interface.ips]
            keys.append(np.array([code * width + address for address in addresses if address >= 0], dtype=np.int64))
            decided[code] = True
        groups = np.flatnonzero(self.group_rows > 0)
        groups = groups[~decided[groups // 2]]
        common = (self.candidates[:, groups] >= 0) & (self.holding[:, groups] == self.group_rows[groups])
        single = common.sum(axis=0) == 1
        chosen = np.where(common[0], self.candidates[0, groups], self.candidates[1, groups])
        keys.append((groups[single] // 2) * width + chosen[single])
        for group in groups[common.sum(axis=0) == 2].tolist():
            code = group // 2
            name = self.text(code)
            subnet, vpc = self.text(int(self.first_subnet[code])), self.text(int(self.first_vpc[code]))
            addresses = self.candidates[:, group].tolist()
            inside = [a for a in addresses if _inside_own_network(self.book, subnet, vpc, name, self.text(a))]
            if len(inside) == 1:
                keys.append(np.array([code * width + inside[0]], dtype=np.int64))
        return np.unique(np.concatenate(keys))

    def _decide(self) -> None:
        """Pass 2: each row's direction and whether it is a middlebox's; middleboxes reported; the logged
        senders (the local side of a workload record); accepted workload rows without a side unattributed."""
        width = self.width
        report = self.report
        self.logged = np.zeros(width, dtype=bool)
        box_records = np.zeros(width, dtype=np.int64)
        box_processed = np.zeros(width, dtype=np.int64)
        box_sent = np.zeros(width, dtype=np.int64)
        translated_box = np.zeros(3, dtype=np.int64)
        for batch in self.batches:
            codes = batch.codes
            eni = codes["interface_id"].astype(np.int64)
            with_eni = eni >= 0
            direction = self._stated(batch)
            open_rows = (direction == UNDECIDED) & with_eni
            if open_rows.any():
                src_own = in_sorted_set(eni * width + codes["srcaddr"], self.own) & open_rows
                dst_own = in_sorted_set(eni * width + codes["dstaddr"], self.own) & open_rows
                direction[src_own & ~dst_own] = EGRESS
                direction[dst_own & ~src_own] = INGRESS
            translated = self._translated(batch)
            middlebox = np.where(with_eni, self.middlebox_eni[np.maximum(eni, 0)], translated)
            batch.direction, batch.middlebox = direction, middlebox
            boxed = middlebox & batch.accepted
            report.skipped["middlebox"].add(*_sums(batch, boxed))
            ingress_bytes = np.where(direction == INGRESS, batch.bytes, 0)
            egress_bytes = np.where(direction == EGRESS, batch.bytes, 0)
            on_eni = boxed & with_eni
            box_records += sum_by_group(eni[on_eni], batch.records[on_eni], width)
            box_processed += sum_by_group(eni[on_eni], ingress_bytes[on_eni], width)
            box_sent += sum_by_group(eni[on_eni], egress_bytes[on_eni], width)
            loose = boxed & ~with_eni
            translated_box += [
                int(batch.records[loose].sum()),
                int(ingress_bytes[loose].sum()),
                int(egress_bytes[loose].sum()),
            ]
            workload = ~middlebox
            src, dst = codes["srcaddr"], codes["dstaddr"]
            original_src = np.where(codes["pkt_srcaddr"] >= 0, codes["pkt_srcaddr"], src)
            original_dst = np.where(codes["pkt_dstaddr"] >= 0, codes["pkt_dstaddr"], dst)
            for side, addresses in ((EGRESS, (original_src, src)), (INGRESS, (original_dst, dst))):
                chosen = workload & (direction == side)
                for address in addresses:
                    self.logged[address[chosen & (address >= 0)]] = True
            undecided = workload & batch.accepted & (direction == UNDECIDED)
            _unattributed(report, LOCAL_SIDE_UNDECIDED, batch, undecided, codes["interface_id"], self)
        self._report_middleboxes(box_records, box_processed, box_sent, translated_box)

    def _report_middleboxes(
        self, records: np.ndarray, processed: np.ndarray, sent: np.ndarray, loose: np.ndarray
    ) -> None:
        boxes = []
        for code in np.flatnonzero(records | processed | sent).tolist():
            name = self.text(code)
            known = self.book.interfaces.get(name)
            kind, known_from = self.kinds.get(code, ("middlebox", "address translation"))
            vpc = known.vpc.id if known else (self.text(int(self.first_vpc[code])) or None)
            boxes.append(
                Middlebox(
                    interface_id=name,
                    kind=kind,
                    known_from=known_from or "address translation",
                    vpc=vpc,
                    resource=known.interface.resource if known else None,
                    records=int(records[code]),
                    processed_bytes=int(processed[code]),
                    sent_bytes=int(sent[code]),
                )
            )
        if loose[0]:
            boxes.append(
                Middlebox(
                    interface_id="(no interface-id)",
                    kind="middlebox",
                    known_from="address translation",
                    vpc=None,
                    resource=None,
                    records=int(loose[0]),
                    processed_bytes=int(loose[1]),
                    sent_bytes=int(loose[2]),
                )
            )
        self.report.middleboxes.extend(sorted(boxes, key=lambda box: box.interface_id))

    def _place(self) -> pd.DataFrame:
        """Pass 3: copies at the receiver of logged senders' bytes skipped; the rest placed as edges (summed
        per batch as packed integer keys) or unattributed."""
        report = self.report
        edges = []
        evidence_bytes = np.zeros(len(EVIDENCE), dtype=np.int64)
        for batch in self.batches:
            assert batch.direction is not None and batch.middlebox is not None
            codes = batch.codes
            original_src = np.where(codes["pkt_srcaddr"] >= 0, codes["pkt_srcaddr"], codes["srcaddr"])
            original_dst = np.where(codes["pkt_dstaddr"] >= 0, codes["pkt_dstaddr"], codes["dstaddr"])
            decided = ~batch.middlebox & batch.accepted & (batch.direction != UNDECIDED)
            copy = decided & (batch.direction == INGRESS) & (original_src >= 0)
            copy &= self.logged[np.maximum(original_src, 0)]
            report.skipped["sender_logged"].add(*_sums(batch, copy))
            used = np.flatnonzero(decided & ~copy)
            key, volume, records, evidence = self._edges(batch, used, original_src, original_dst)
            report.used.add(int(records.sum()), int(volume.sum()))
            evidence_bytes += sum_by_group(evidence, volume, len(EVIDENCE))
            if len(key):
                inverse, distinct = pd.factorize(key)
                edges.append(
                    (np.asarray(distinct, dtype=np.int64), sum_by_group(inverse, volume, len(distinct)), records)
                )
            batch.direction = batch.middlebox = None
        report.initiator_evidence_bytes = {
            label: int(total) for label, total in zip(EVIDENCE, evidence_bytes.tolist(), strict=True) if total
        }
        return decode_edges(edges, self.names, self.azs)

    def _edges(
        self, batch: Batch, used: np.ndarray, original_src: np.ndarray, original_dst: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The used rows of a batch as packed edge keys (src, dst, AZs, initiator, IP version), with their bytes,
        records and initiator evidence; rows with a side that cannot be placed are unattributed."""
        assert batch.direction is not None
        egress = batch.direction[used] == EGRESS
        local = np.where(egress, original_src[used], original_dst[used]).astype(np.int64)
        remote = np.where(egress, original_dst[used], original_src[used]).astype(np.int64)
        service = np.where(egress, batch.codes["pkt_dst_aws_service"][used], batch.codes["pkt_src_aws_service"][used])
        local_vpc, local_az, local_cause = local_places(self, batch, used, local)
        remote_name, remote_az, remote_cause = remote_places(self, local_vpc, remote, service.astype(np.int64))
        remote_cause = np.where(local_cause > 0, 0, remote_cause)
        for causes, address in ((local_cause, local), (remote_cause, remote)):
            for cause in np.flatnonzero(np.bincount(causes, minlength=len(CAUSES))[1:]).tolist():
                chosen = causes == cause + 1
                _unattributed(
                    self.report,
                    CAUSES[cause + 1],
                    batch,
                    mask_at(len(batch), used[chosen]),
                    codes_at(len(batch), used, address),
                    self,
                )
        placed = (local_cause == 0) & (remote_cause == 0)
        kept = used[placed]
        egress, local_vpc, local_az = egress[placed], local_vpc[placed], local_az[placed]
        remote_name, remote_az = remote_name[placed], remote_az[placed]
        src = np.where(egress, local_vpc, remote_name)
        dst = np.where(egress, remote_name, local_vpc)
        src_az = np.where(egress, local_az, remote_az)
        dst_az = np.where(egress, remote_az, local_az)
        version6 = self.places.version[np.maximum(remote[placed], 0)] == 6
        key = edge_keys(src, dst, src_az, dst_az, batch.initiator_dst[kept], version6)
        return key, batch.bytes[kept], batch.records[kept], batch.evidence[kept].astype(np.int64)


def _sums(batch: Batch, mask: np.ndarray) -> tuple[int, int]:
    return int(batch.records[mask].sum()), int(batch.bytes[mask].sum())


def _translated(raw: np.ndarray, packet: np.ndarray, places: AddressTable) -> np.ndarray:
    """Rows whose `pkt-*` address differs from the ENI-level one across VPCs (or outside the topology): a pod's
    secondary address on its node's ENI, in the node's VPC, is not translation."""
    differs = (packet >= 0) & (packet != raw)
    raw_vpc, packet_vpc = places.vpc[np.maximum(raw, 0)], places.vpc[np.maximum(packet, 0)]
    same = (raw_vpc >= 0) & (raw_vpc == packet_vpc)
    translated: np.ndarray = differs & ~same
    return translated


def _inside_own_network(book: AddressBook, subnet: str, vpc: str, eni: str, address: str) -> bool:
    """Whether the address lies in the ENI's subnet (the record's `subnet-id`), else in its VPC."""
    if subnet:
        contained = book.subnet_contains(subnet, address)
        if contained is not None:
            return contained
    known = book.interfaces.get(eni)
    vpc = vpc or (known.vpc.id if known else "")
    if vpc:
        contained = book.vpc_contains(vpc, address)
        if contained is not None:
            return contained
    return False


def _unattributed(
    report: FlowLogReport, cause: str, batch: Batch, mask: np.ndarray, examples: np.ndarray, rule: Rule
) -> None:
    """Count the rows under `cause`, with the values of `examples` (codes) that carry the most bytes."""
    if not mask.any():
        return
    records, volume = _sums(batch, mask)
    report.skipped["unattributed"].add(records, volume)
    report.unattributed_by_cause.setdefault(cause, Tally()).add(records, volume)
    listed = report.unattributed_examples.setdefault(cause, [])
    codes = examples[mask]
    present = codes >= 0
    if not present.any() or len(listed) >= EXAMPLES_PER_CAUSE:
        return
    distinct, inverse = dense_codes(codes[present], rule.width)
    weight = np.bincount(inverse, weights=batch.bytes[mask][present])
    for position in np.argsort(-weight, kind="stable").tolist():
        value = rule.text(int(distinct[position]))
        if len(listed) >= EXAMPLES_PER_CAUSE:
            break
        if value and value not in listed:
            listed.append(value)
