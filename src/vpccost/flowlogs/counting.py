"""Stage B of flow-log aggregation: FLOWLOGS.md's rule for counting each byte once, applied to Stage A's grouped
rows (`sql.flow_rows_sql`), and the addresses resolved against the topology. The result is the traffic matrix
and the report; the same function serves local files and Athena.

The rule, in the order it is applied here:

- Middlebox ENIs (rule 3): an ENI is a NAT gateway, TGW attachment, endpoint or load balancer when the topology's
  `interfaces` inventory says so, else when the v11 `interface-type` field does, else when one of its records
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

Stage A may return millions of rows for a large input, so the rule runs on arrays: every text value is coded
as an integer into one vocabulary, each distinct address is resolved once (`AddressBook.resolve`), and rows are
handled by array operations, never one by one. `FlowCounter` takes the rows in batches (the local reader's
partitions), keeps them compact, and makes three passes: what each ENI is and which addresses are its own; each
record's direction and the logged senders; the edges. Only per-ENI and per-address summaries are global.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vpccost.errors import InputError
from vpccost.flowlogs.addresses import MIDDLEBOX_TYPES, AddressBook, AddressTable, KnownInterface, service_endpoint
from vpccost.flowlogs.report import (
    FlowLogReport,
    Middlebox,
    Tally,
    TransitGatewayAttachmentTraffic,
    utc_seconds_text,
)
from vpccost.flowlogs.sql import DESCRIBED_COLUMNS, FLOW_ROW_COLUMNS, STATUSES, TRANSIT_GATEWAY_ROW_COLUMNS
from vpccost.flowlogs.staging import Vocabulary
from vpccost.topology import Topology
from vpccost.traffic import INTERNET
from vpccost.units import BYTES_PER_GB, GB_PER_BYTE, HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

MATRIX_COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "ip_version", "bytes", "gb")

MONTHLY_GB_QUANTUM = Decimal("1E-9")
"""Monthly volumes are rounded (half to even) to a billionth of a GB, about one byte: scaling by 730 hours
over the observed period is rarely a finite decimal."""

EXAMPLES_PER_CAUSE = 5

MEASURES = ("records", "bytes", "duplicate_records", "duplicate_bytes")

"""Text columns coded into one vocabulary for the rule (addresses of any column compare equal)."""

EVIDENCE = ("none", "tcp_flags", "ports")

_STATUS_REASONS = {
    "MALFORMED": "malformed",
    "OUTSIDE_WINDOW": "outside_window",
    "NODATA": "nodata",
    "SKIPDATA": "skipdata",
    "REJECT": "reject",
}

_INTERFACE_TYPES = {
    "natgateway": "nat_gateway",
    "nat": "nat_gateway",
    "transitgateway": "transit_gateway_attachment",
    "transitgatewayattachment": "transit_gateway_attachment",
    "tgwattachment": "transit_gateway_attachment",
    "vpcendpoint": "vpc_endpoint",
    "interfaceendpoint": "vpc_endpoint",
    "gatewayloadbalancerendpoint": "vpc_endpoint",
    "loadbalancer": "load_balancer",
    "networkloadbalancer": "load_balancer",
    "applicationloadbalancer": "load_balancer",
    "gatewayloadbalancer": "gateway_load_balancer",
}
"""v11 `interface-type` values (EC2's network-interface types, any spelling) that mean a middlebox; any other
value (`interface`, `lambda`, `efa`, `trunk`, `branch`…) is a workload."""

LOCAL_SIDE_UNDECIDED = "local side undecided"
OUTSIDE_TOPOLOGY = "logged ENI outside the topology"
OVERLAPPING = "overlapping CIDRs"
PRIVATE_OUTSIDE = "private address outside the topology"
ENDPOINT_UNKNOWN = "endpoint without a known service (give the endpoint's service in the topology)"
PROVIDER_OUTSIDE = "endpoint's provider VPC outside the topology"

EGRESS, INGRESS, UNDECIDED = 1, -1, 0

CAUSES = ("", LOCAL_SIDE_UNDECIDED, OUTSIDE_TOPOLOGY, OVERLAPPING, PRIVATE_OUTSIDE, ENDPOINT_UNKNOWN, PROVIDER_OUTSIDE)
"""Why a side cannot be placed, by code (0: it can)."""


@dataclass
class CountedTraffic:
    """The traffic matrix (`MATRIX_COLUMNS`: VPCs by topology id, `bytes` exact as observed, `gb` a Decimal —
    exactly bytes / 2^30, or scaled to a 730-hour month) and the report."""

    traffic: pd.DataFrame
    report: FlowLogReport


def count_flows(
    rows: pd.DataFrame | pa.Table,
    topology: Topology,
    *,
    transit_gateway_rows: pd.DataFrame | pa.Table | None = None,
    report: FlowLogReport | None = None,
    window_start: int | None = None,
    window_end: int | None = None,
    monthly: bool = False,
) -> CountedTraffic:
    """Apply the counting rule to Stage A's rows (`flow_rows_sql`, and `transit_gateway_rows_sql` for Transit
    Gateway flow logs) and resolve them against the topology.

    `rows` may hold text as strings or as dictionary arrays. `report` may come filled with what reading the
    files found (malformed lines, files, formats); the counts of the rows are added to it.
    `window_start`/`window_end` (Unix seconds) are the window the rows were filtered to; with both, `monthly`
    scales by 730 hours over that window, else over the observed one."""
    counter = FlowCounter(topology, report=report)
    counter.add(rows)
    if transit_gateway_rows is not None:
        counter.add_transit_gateway(transit_gateway_rows)
    return counter.finish(window_start=window_start, window_end=window_end, monthly=monthly)


def normalised_interface_type(value: str) -> str | None:
    """The topology's type of a v11 `interface-type` value, None when it is not a middlebox."""
    key = re.sub(r"[^a-z]", "", value.lower())
    return _INTERFACE_TYPES.get(key)


@dataclass
class _Batch:
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


class FlowCounter:
    """Stage B fed batch by batch: `add` each batch of Stage A's rows (and `add_transit_gateway`), then
    `finish`. With a `vocabulary`, the text columns of `sql.CODED_COLUMNS` arrive as its codes (the local
    reader's Stage A); otherwise as text, coded here."""

    def __init__(
        self, topology: Topology, *, report: FlowLogReport | None = None, vocabulary: Vocabulary | None = None
    ) -> None:
        self.book = AddressBook(topology)
        self.report = report if report is not None else FlowLogReport()
        self.coded = vocabulary is not None
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary()
        self.batches: list[_Batch] = []
        self.first_start: int | None = None
        self.last_end: int | None = None
        self.skipdata: list[tuple[str, int | None, int | None, int]] = []

    def add(self, rows: pd.DataFrame | pa.Table) -> None:
        """Count a batch's statuses and keep its accepted and rejected rows for `finish`."""
        table = _table(rows, FLOW_ROW_COLUMNS)
        masks = _status_masks(table.column("status"))
        measures = {name: _integers(table.column(name)) for name in MEASURES}
        self._count_statuses(table, masks, measures)
        self._observe(table, masks)
        seen = np.flatnonzero(masks["ACCEPT"] | masks["REJECT"])
        if not len(seen):
            return
        part = table.take(pa.array(seen)) if len(seen) < table.num_rows else table
        codes = {name: self._codes(part.column(name)) for name in DESCRIBED_COLUMNS}
        self.batches.append(
            _Batch(
                codes=codes,
                records=measures["records"][seen],
                bytes=measures["bytes"][seen],
                accepted=masks["ACCEPT"][seen],
                initiator_dst=_labels(part.column("initiator"), ("src", "dst")) == 1,
                evidence=np.maximum(_labels(part.column("initiator_evidence"), EVIDENCE), 0),
            )
        )

    def add_transit_gateway(self, rows: pd.DataFrame | pa.Table) -> None:
        table = _table(rows, TRANSIT_GATEWAY_ROW_COLUMNS)
        _count_transit_gateway(table, self.report)
        self._observe(table, _status_masks(table.column("status")))

    def finish(
        self, *, window_start: int | None = None, window_end: int | None = None, monthly: bool = False
    ) -> CountedTraffic:
        report = self.report
        report.observed_start, report.observed_end = self.first_start, self.last_end
        report.window_start, report.window_end = window_start, window_end
        report.skipdata_intervals = [
            {"interface_id": eni, "start": _utc(start), "end": _utc(end), "records": count}
            for eni, start, end, count in sorted(self.skipdata, key=lambda item: (item[0], item[1] or -1))
        ]
        edges = _Rule(self).run()
        _finish_window(report, monthly)
        matrix = _matrix(edges, report)
        report.records_parsed = report.records_read - report.unparsed_lines
        return CountedTraffic(traffic=matrix, report=report)

    def _codes(self, column: pa.ChunkedArray) -> np.ndarray:
        array = column.combine_chunks()
        if self.coded and pa.types.is_integer(array.type):
            codes: np.ndarray = np.asarray(pc.fill_null(array.cast(pa.int32()), -1).to_numpy(), dtype=np.int32)
            return codes
        encoded = self.vocabulary.encode(array)
        coded: np.ndarray = np.asarray(pc.fill_null(encoded, -1).to_numpy(), dtype=np.int32)
        return coded

    def _count_statuses(self, table: pa.Table, masks: dict[str, np.ndarray], measures: dict[str, np.ndarray]) -> None:
        report = self.report
        records, volume = measures["records"], measures["bytes"]
        duplicate_records, duplicate_bytes = measures["duplicate_records"], measures["duplicate_bytes"]
        report.records_read += int(records.sum() + duplicate_records.sum())
        report.bytes_read += int(volume.sum() + duplicate_bytes.sum())
        report.skipped["duplicate"].add(int(duplicate_records.sum()), int(duplicate_bytes.sum()))
        for name, reason in _STATUS_REASONS.items():
            mask = masks[name]
            report.skipped[reason].add(int(records[mask].sum()), int(volume[mask].sum()))
        skipped = np.flatnonzero(masks["SKIPDATA"])
        if len(skipped):
            part = table.take(pa.array(skipped))
            interfaces = part.column("interface_id")
            if self.coded and pa.types.is_integer(interfaces.type):
                names = [self.vocabulary.values[code] if code is not None else "" for code in interfaces.to_pylist()]
            else:
                names = _texts(interfaces)
            self.skipdata.extend(
                zip(
                    names,
                    part.column("first_start").to_pylist(),
                    part.column("last_end").to_pylist(),
                    [int(count) for count in records[skipped].tolist()],
                    strict=True,
                )
            )

    def _observe(self, table: pa.Table, masks: dict[str, np.ndarray]) -> None:
        timed = pa.array(~(masks["MALFORMED"] | masks["OUTSIDE_WINDOW"]))
        first = pc.min(table.column("first_start").filter(timed)).as_py()
        last = pc.max(table.column("last_end").filter(timed)).as_py()
        if first is not None:
            self.first_start = int(first) if self.first_start is None else min(self.first_start, int(first))
        if last is not None:
            self.last_end = int(last) if self.last_end is None else max(self.last_end, int(last))


def _table(rows: pd.DataFrame | pa.Table, columns: Iterable[str]) -> pa.Table:
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    for name in columns:
        if name not in table.column_names:
            raise InputError(f"Stage A rows lack the column '{name}'", source="flow-log rows", field=name)
    return table


def _status_masks(column: pa.ChunkedArray) -> dict[str, np.ndarray]:
    array = column.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.cast(pa.string())
    return {
        status: np.asarray(pc.fill_null(pc.equal(array, status), False).to_numpy(zero_copy_only=False), dtype=bool)
        for status in STATUSES
    }


def _texts(column: pa.ChunkedArray | pa.Array) -> list[str]:
    """A short column as Python strings, '' for NULL."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.cast(pa.string())
    return [str(value) for value in pc.fill_null(array.cast(pa.string()), "").to_pylist()]


def _integers(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(column.cast(pa.int64()), 0).to_numpy(), dtype=np.int64)


def _labels(column: pa.ChunkedArray, labels: tuple[str, ...]) -> np.ndarray:
    """A column of a few known labels as their index in `labels` (-1 for NULL or another text)."""
    array = column.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.cast(pa.string())
    index = pc.index_in(array.cast(pa.string()), value_set=pa.array(labels, type=pa.string()))
    codes: np.ndarray = np.asarray(pc.fill_null(index, -1).to_numpy(), dtype=np.int8)
    return codes


class _Registry:
    """Short lists of names (matrix endpoints, AZs) as integer codes, so that rows carry integers."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self.codes: dict[str, int] = {}
        for name in names:
            self.code(name)

    def code(self, name: str) -> int:
        code = self.codes.get(name)
        if code is None:
            code = self.codes[name] = len(self.names)
            self.names.append(name)
        return code

    def codes_of(self, values: np.ndarray) -> np.ndarray:
        """Codes of an array of names (each distinct name looked up once)."""
        distinct, inverse = np.unique(values.astype(str), return_inverse=True)
        return np.array([self.code(str(name)) for name in distinct], dtype=np.int64)[inverse]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(self.names, dtype=object)[codes.astype(np.int64)]


def _count_transit_gateway(table: pa.Table, report: FlowLogReport) -> None:
    masks = _status_masks(table.column("status"))
    records, volume = _integers(table.column("records")), _integers(table.column("bytes"))
    duplicate_records = _integers(table.column("duplicate_records"))
    duplicate_bytes = _integers(table.column("duplicate_bytes"))
    report.records_read += int(records.sum() + duplicate_records.sum())
    report.bytes_read += int(volume.sum() + duplicate_bytes.sum())
    report.skipped["duplicate"].add(int(duplicate_records.sum()), int(duplicate_bytes.sum()))
    for name, reason in {**_STATUS_REASONS, "ACCEPT": "transit_gateway_log"}.items():
        mask = masks[name]
        report.skipped[reason].add(int(records[mask].sum()), int(volume[mask].sum()))
    keys = ["tgw_id", "tgw_attachment_id", "tgw_src_vpc_id", "tgw_dst_vpc_id"]
    accepted = masks["ACCEPT"]
    part = table.filter(pa.array(accepted))
    frame = pd.DataFrame({key: _texts(part.column(key)) for key in keys})
    frame["records"], frame["bytes"] = records[accepted], volume[accepted]
    grouped = frame.groupby(keys, sort=True)[["records", "bytes"]].sum().reset_index()
    report.transit_gateway_attachments.extend(
        TransitGatewayAttachmentTraffic(
            tgw_id=str(tgw) or None,
            attachment_id=str(attachment) or None,
            src_vpc=str(src) or None,
            dst_vpc=str(dst) or None,
            records=int(count),
            bytes=int(total),
        )
        for tgw, attachment, src, dst, count, total in zip(
            *(grouped[column].tolist() for column in [*keys, "records", "bytes"]), strict=True
        )
    )
    if accepted.any():
        report.warnings.append(
            f"{int(records[accepted].sum()):,} Transit Gateway flow-log records are reported by attachment, "
            "not counted: the VPC flow-log records of the same packets are"
        )


def _finish_window(report: FlowLogReport, monthly: bool) -> None:
    if report.window_start is not None and report.window_end is not None:
        report.period_seconds = report.window_end - report.window_start
    elif report.observed_start is not None and report.observed_end is not None:
        report.period_seconds = report.observed_end - report.observed_start
    report.monthly = monthly
    if not monthly:
        return
    if not report.period_seconds or report.period_seconds <= 0:
        raise InputError(
            "cannot scale to a month: the records cover no period (give --start and --end)", field="--monthly"
        )
    with rounding_arithmetic():
        report.monthly_factor = HOURS_PER_MONTH * 3600 / Decimal(report.period_seconds)


class _Rule:
    """The three passes of the counting rule over a counter's batches."""

    def __init__(self, counter: FlowCounter) -> None:
        self.book = counter.book
        self.report = counter.report
        self.batches = counter.batches
        self.values = np.asarray(counter.vocabulary.values, dtype=object)
        self.lookup = counter.vocabulary.codes
        self.width = len(self.values)
        self.places = self._places()
        self.names = _Registry(vpc.id for vpc in self.book.topology.vpcs)
        self.azs = _Registry([""])
        self.address_az = _address_azs(self.places, self.azs)
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
                if interface.interface.type in MIDDLEBOX_TYPES - {"nat_gateway", "transit_gateway_attachment"}:
                    code = self.code(address)
                    if code >= 0:
                        marks[code] = len(results)
                        results.append(_behind(self.book, interface))
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

    def _stated(self, batch: _Batch) -> np.ndarray:
        mapping = self.per_value(
            "flow_direction", lambda text: {"egress": EGRESS, "ingress": INGRESS}.get(text.lower(), UNDECIDED), 0
        )
        stated: np.ndarray = mapping[batch.codes["flow_direction"] + 1].astype(np.int8)
        return stated

    def _translated(self, batch: _Batch) -> np.ndarray:
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

    def _count_candidates(self, batch: _Batch, eni: np.ndarray, open_rows: np.ndarray) -> None:
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
                kind, known_from = known.interface.type, "inventory"
            elif self.field_type[code] >= 0:
                kind = normalised_interface_type(self.text(int(self.field_type[code]))) or "workload"
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
                src_own = _member(eni * width + codes["srcaddr"], self.own) & open_rows
                dst_own = _member(eni * width + codes["dstaddr"], self.own) & open_rows
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
            box_records += _sum_by(eni[on_eni], batch.records[on_eni], width)
            box_processed += _sum_by(eni[on_eni], ingress_bytes[on_eni], width)
            box_sent += _sum_by(eni[on_eni], egress_bytes[on_eni], width)
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
            evidence_bytes += _sum_by(evidence, volume, len(EVIDENCE))
            if len(key):
                inverse, distinct = pd.factorize(key)
                edges.append((np.asarray(distinct, dtype=np.int64), _sum_by(inverse, volume, len(distinct)), records))
            batch.direction = batch.middlebox = None
        report.initiator_evidence_bytes = {
            label: int(total) for label, total in zip(EVIDENCE, evidence_bytes.tolist(), strict=True) if total
        }
        return self._decode(edges)

    def _edges(
        self, batch: _Batch, used: np.ndarray, original_src: np.ndarray, original_dst: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The used rows of a batch as packed edge keys (src, dst, AZs, initiator, IP version), with their bytes,
        records and initiator evidence; rows with a side that cannot be placed are unattributed."""
        assert batch.direction is not None
        egress = batch.direction[used] == EGRESS
        local = np.where(egress, original_src[used], original_dst[used]).astype(np.int64)
        remote = np.where(egress, original_dst[used], original_src[used]).astype(np.int64)
        service = np.where(egress, batch.codes["pkt_dst_aws_service"][used], batch.codes["pkt_src_aws_service"][used])
        local_vpc, local_az, local_cause = _local_places(self, batch, used, local)
        remote_name, remote_az, remote_cause = _remote_places(self, local_vpc, remote, service.astype(np.int64))
        remote_cause = np.where(local_cause > 0, 0, remote_cause)
        for causes, address in ((local_cause, local), (remote_cause, remote)):
            for cause in np.flatnonzero(np.bincount(causes, minlength=len(CAUSES))[1:]).tolist():
                chosen = causes == cause + 1
                _unattributed(
                    self.report,
                    CAUSES[cause + 1],
                    batch,
                    _mask(len(batch), used[chosen]),
                    _at(len(batch), used, address),
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
        key = ((src * EDGE_NAMES + dst) * EDGE_AZS + src_az) * EDGE_AZS + dst_az
        key = key * 4 + batch.initiator_dst[kept] * 2 + version6
        return key, batch.bytes[kept], batch.records[kept], batch.evidence[kept].astype(np.int64)

    def _decode(self, edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> pd.DataFrame:
        if len(self.names.names) >= EDGE_NAMES or len(self.azs.names) >= EDGE_AZS:
            raise InputError("more matrix endpoints or AZs than the edge keys hold", source="flow-log rows")
        if not edges:
            return pd.DataFrame({column: [] for column in MATRIX_COLUMNS[:-1]})
        keys = np.concatenate([key for key, _, _ in edges])
        volume = np.concatenate([total for _, total, _ in edges])
        inverse, distinct = pd.factorize(keys, sort=True)
        distinct = np.asarray(distinct, dtype=np.int64)
        totals = _sum_by(inverse, volume, len(distinct))
        version6, rest = distinct % 2, distinct // 2
        initiator, rest = rest % 2, rest // 2
        dst_az, rest = rest % EDGE_AZS, rest // EDGE_AZS
        src_az, rest = rest % EDGE_AZS, rest // EDGE_AZS
        dst, src = rest % EDGE_NAMES, rest // EDGE_NAMES
        return pd.DataFrame(
            {
                "src": self.names.decode(src),
                "dst": self.names.decode(dst),
                "src_az": self.azs.decode(src_az),
                "dst_az": self.azs.decode(dst_az),
                "initiator": np.where(initiator == 1, "dst", "src"),
                "ip_version": np.where(version6 == 1, 6, 4),
                "bytes": totals,
            }
        )


EDGE_NAMES = 1 << 20
"""Room for matrix endpoints (VPCs, services, the internet) in a packed edge key."""

EDGE_AZS = 1 << 10
"""Room for AZ IDs in a packed edge key (the key stays below 2^63)."""


def _sums(batch: _Batch, mask: np.ndarray) -> tuple[int, int]:
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


def _member(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which keys are in the sorted set: a binary search per key (the set is small, the keys many)."""
    if not len(sorted_set):
        return np.zeros(len(keys), dtype=bool)
    found = np.searchsorted(sorted_set, keys)
    member: np.ndarray = sorted_set[np.minimum(found, len(sorted_set) - 1)] == keys
    return member


def _unattributed(
    report: FlowLogReport, cause: str, batch: _Batch, mask: np.ndarray, examples: np.ndarray, rule: _Rule
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
    distinct, inverse = _dense(codes[present], rule.width)
    weight = np.bincount(inverse, weights=batch.bytes[mask][present])
    for position in np.argsort(-weight, kind="stable").tolist():
        value = rule.text(int(distinct[position]))
        if len(listed) >= EXAMPLES_PER_CAUSE:
            break
        if value and value not in listed:
            listed.append(value)


def _address_azs(places: AddressTable, azs: _Registry) -> np.ndarray:
    """Each address's AZ as a code of `azs` (0: none)."""
    codes = np.zeros(len(places.az), dtype=np.int64)
    named = np.flatnonzero(places.az != "")
    if len(named):
        codes[named] = azs.codes_of(places.az[named])
    return codes


def _local_places(
    rule: _Rule, batch: _Batch, positions: np.ndarray, local: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The logged side (VPC index, AZ code, cause code): the record's VPC and AZ fields first, then the
    inventory, the subnet, the address."""
    book, places, azs = rule.book, rule.places, rule.azs
    vpc_index, subnets, interfaces = book.vpc_index, book.subnets, book.interfaces

    def at(column: str, key: str, function: Any, default: int) -> np.ndarray:
        mapping = rule.per_value(f"{column}:{key}", function, default)
        values: np.ndarray = mapping[batch.codes[column][positions] + 1]
        return values

    record_vpc = at("vpc_id", "vpc", lambda text: vpc_index.get(text, -1), -1)
    subnet_vpc = at("subnet_id", "vpc", lambda text: vpc_index[subnets[text][0].id] if text in subnets else -1, -1)
    subnet_az = at("subnet_id", "az", lambda text: azs.code(subnets[text][2]) if text in subnets else 0, 0)
    inventory_vpc = at(
        "interface_id", "vpc", lambda text: vpc_index[interfaces[text].vpc.id] if text in interfaces else -1, -1
    )
    inventory_az = at(
        "interface_id",
        "az",
        lambda text: azs.code(interfaces[text].interface.az or "") if text in interfaces else 0,
        0,
    )
    record_az = at("az_id", "az", azs.code, 0)
    safe = np.maximum(local, 0)
    address_vpc = np.where(local >= 0, places.unique_vpc[safe], -1)
    vpc = np.where(
        record_vpc >= 0,
        record_vpc,
        np.where(inventory_vpc >= 0, inventory_vpc, np.where(subnet_vpc >= 0, subnet_vpc, address_vpc)),
    )
    cause = np.where(vpc >= 0, 0, np.where(vpc == -2, CAUSES.index(OVERLAPPING), CAUSES.index(OUTSIDE_TOPOLOGY)))
    az = record_az.copy()
    take = (az == 0) & (subnet_vpc >= 0) & (subnet_vpc == vpc)
    az[take] = subnet_az[take]
    take = az == 0
    az[take] = inventory_az[take]
    take = (az == 0) & (vpc >= 0) & (local >= 0)
    if take.any():
        simple = take & ~places.multiple[safe] & (places.vpc[safe] == vpc)
        az[simple] = rule.address_az[safe][simple]
        for row in np.flatnonzero(take & places.multiple[safe]).tolist():
            address, vpc_id = rule.text(int(local[row])), book.topology.vpcs[int(vpc[row])].id
            az[row] = azs.code(next((entry.az or "" for entry in book.candidates(address) if entry.vpc == vpc_id), ""))
    return np.where(vpc >= 0, vpc, 0), az, cause


def _remote_places(
    rule: _Rule, local_vpc: np.ndarray, remote: np.ndarray, service: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The other side (name code, AZ code, cause code): an endpoint or load balancer ENI the inventory knows
    (rule 4), else a topology VPC by the longest match (the local VPC first where CIDRs overlap), else
    `aws:<service>` or `internet` for a public address; a private address outside the topology is
    unattributed."""
    places, names, azs = rule.places, rule.names, rule.azs
    count = len(remote)
    name = np.zeros(count, dtype=np.int64)
    az = np.zeros(count, dtype=np.int64)
    cause = np.zeros(count, dtype=np.int64)
    safe = np.maximum(remote, 0)
    behind, results = rule.behind()
    which = np.where(remote >= 0, behind[safe], -1)
    known = which >= 0
    if known.any():
        result_names = np.array([names.code(item[0]) if item[0] else 0 for item in results], dtype=np.int64)
        result_azs = np.array([azs.code(item[1]) for item in results], dtype=np.int64)
        result_causes = np.array([CAUSES.index(item[2]) for item in results], dtype=np.int64)
        name[known] = result_names[which[known]]
        az[known] = result_azs[which[known]]
        cause[known] = result_causes[which[known]]
    open_rows = ~known
    inside = open_rows & (remote >= 0) & (places.vpc[safe] >= 0)
    simple = inside & ~places.multiple[safe]
    name[simple] = places.vpc[safe][simple]
    az[simple] = rule.address_az[safe][simple]
    overlapping = np.flatnonzero(inside & places.multiple[safe])
    if len(overlapping):
        resolved: dict[tuple[int, int], tuple[int, int, int]] = {}
        for row in overlapping.tolist():
            key = (int(local_vpc[row]), int(remote[row]))
            if key not in resolved:
                resolved[key] = _overlapping_place(rule, key[0], rule.text(key[1]))
            name[row], az[row], cause[row] = resolved[key]
    outside = open_rows & ~inside
    private = outside & (remote >= 0) & places.private[safe]
    cause[private] = CAUSES.index(PRIVATE_OUTSIDE)
    public = outside & ~private
    service_name = rule.service_names()[service + 1]
    name[public] = np.where(service_name[public] >= 0, service_name[public], names.code(INTERNET))
    return name, az, cause


def _overlapping_place(rule: _Rule, local_vpc: int, address: str) -> tuple[int, int, int]:
    """An address several VPCs hold: the local VPC's own, else the only most specific, else unattributed."""
    book, report = rule.book, rule.report
    candidates = book.candidates(address)
    local_id = book.topology.vpcs[local_vpc].id
    own = next((entry for entry in candidates if entry.vpc == local_id), None)
    if own is not None:
        chosen = own
    else:
        longest = [entry for entry in candidates if entry.prefix_length == candidates[0].prefix_length]
        if len(longest) > 1:
            _note_overlap(report, address, [entry.vpc for entry in longest], None)
            return 0, 0, CAUSES.index(OVERLAPPING)
        chosen = longest[0]
    _note_overlap(report, address, [entry.vpc for entry in candidates], chosen.vpc)
    return rule.names.code(chosen.vpc), rule.azs.code(chosen.az or ""), 0


def _behind(book: AddressBook, known: KnownInterface) -> tuple[str, str, str]:
    """Rule 4: what an endpoint or load balancer ENI stands for: (endpoint name, AZ, cause if unattributed)."""
    interface, vpc = known.interface, known.vpc
    if interface.type == "vpc_endpoint":
        endpoint = next(
            (item for item in getattr(vpc, "endpoints", []) if interface.resource and item.id == interface.resource),
            None,
        )
        service = getattr(endpoint, "service", None)
        provider = getattr(endpoint, "provider_vpc", None)
        if service:
            return f"aws:{service}", "", ""
        if provider:
            if provider in book.vpcs:
                return provider, "", ""
            return "", "", PROVIDER_OUTSIDE
        return "", "", ENDPOINT_UNKNOWN
    return vpc.id, interface.az or "", ""


def _note_overlap(report: FlowLogReport, address: str, vpcs: list[str], chosen: str | None) -> None:
    entry = {"vpcs": sorted(set(vpcs)), "resolved_to": chosen}
    for existing in report.overlapping_cidrs:
        if existing["vpcs"] == entry["vpcs"] and existing["resolved_to"] == chosen:
            existing["addresses"] += 1
            if len(existing["examples"]) < EXAMPLES_PER_CAUSE:
                existing["examples"].append(address)
            return
    report.overlapping_cidrs.append({**entry, "addresses": 1, "examples": [address]})


def _distinct(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes (0 … size-1) present, ascending; -1 (NULL) left out. Linear, no sorting."""
    present = np.bincount(codes[codes >= 0], minlength=size) > 0
    distinct: np.ndarray = np.flatnonzero(present)
    return distinct


def _dense(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (-1 … size-1) present, ascending, and each element's index among them: what
    `np.unique(codes, return_inverse=True)` gives, in linear time for codes bounded by `size`."""
    shifted = codes.astype(np.int64) + 1
    present = np.bincount(shifted, minlength=size + 1) > 0
    rank = np.cumsum(present) - 1
    distinct: np.ndarray = np.flatnonzero(present) - 1
    inverse: np.ndarray = rank[shifted]
    return distinct, inverse


def _sum_by(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Exact integer sums of `values` per group (0 … count-1): sorted, then added run by run."""
    totals = np.zeros(count, dtype=np.int64)
    if not len(groups):
        return totals
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    totals[ordered[starts]] = np.add.reduceat(values[order].astype(np.int64), starts)
    return totals


def _mask(length: int, positions: np.ndarray) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    mask[positions] = True
    return mask


def _at(length: int, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    full = np.full(length, -1, dtype=np.int64)
    full[positions] = values
    return full


def _matrix(edges: pd.DataFrame, report: FlowLogReport) -> pd.DataFrame:
    keys = ["src", "dst", "src_az", "dst_az", "initiator", "ip_version"]
    if edges.empty:
        empty = pd.DataFrame({column: pd.Series(dtype=object) for column in MATRIX_COLUMNS})
        empty["bytes"] = empty["bytes"].astype("int64")
        return empty
    grouped = edges.groupby(keys, sort=True)["bytes"].sum().reset_index()
    grouped = grouped[grouped["bytes"].gt(0)].reset_index(drop=True)
    grouped["bytes"] = grouped["bytes"].astype("int64")
    grouped["ip_version"] = grouped["ip_version"].astype("int64")
    grouped["gb"] = pd.Series(
        [_gb(int(value), report) for value in grouped["bytes"]], index=grouped.index, dtype=object
    )
    return grouped[list(MATRIX_COLUMNS)]


def _gb(bytes_: int, report: FlowLogReport) -> Decimal:
    """Exactly bytes / 2^30; with --monthly, scaled to 730 hours and rounded to `MONTHLY_GB_QUANTUM`."""
    if not report.monthly or report.period_seconds is None:
        with exact_arithmetic():
            return Decimal(bytes_) * GB_PER_BYTE
    with rounding_arithmetic():
        scaled = Decimal(bytes_) * HOURS_PER_MONTH * 3600 / (Decimal(report.period_seconds) * BYTES_PER_GB)
        return scaled.quantize(MONTHLY_GB_QUANTUM, rounding=ROUND_HALF_EVEN)


def _utc(seconds: Any) -> str | None:
    return None if seconds is None else utc_seconds_text(int(seconds))
