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

from vpccost.errors import InputError
from vpccost.flowlogs.addresses import (
    MIDDLEBOX_TYPES,
    AddressBook,
    Candidate,
    ip_version,
    is_private,
    service_endpoint,
)
from vpccost.flowlogs.report import (
    FlowLogReport,
    Middlebox,
    Tally,
    TransitGatewayAttachmentTraffic,
    utc_seconds_text,
)
from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS, TRANSIT_GATEWAY_ROW_COLUMNS
from vpccost.topology import Topology
from vpccost.traffic import INTERNET
from vpccost.units import BYTES_PER_GB, GB_PER_BYTE, HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

MATRIX_COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "ip_version", "bytes", "gb")

MONTHLY_GB_QUANTUM = Decimal("1E-9")
"""Monthly volumes are rounded (half to even) to a billionth of a GB, about one byte: scaling by 730 hours
over the observed period is rarely a finite decimal."""

EXAMPLES_PER_CAUSE = 5

_TEXT_COLUMNS = tuple(
    name
    for name in FLOW_ROW_COLUMNS
    if name
    not in {
        "traffic_path",
        "records",
        "packets",
        "bytes",
        "duplicate_records",
        "duplicate_bytes",
        "first_start",
        "last_end",
    }
)

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

    `report` may come filled with what reading the files found (malformed lines, files, formats); the counts
    of the rows are added to it. `window_start`/`window_end` (Unix seconds) are the window the rows were
    filtered to; with both, `monthly` scales by 730 hours over that window, else over the observed one."""
    report = report if report is not None else FlowLogReport()
    frame = _frame(rows, FLOW_ROW_COLUMNS)
    book = AddressBook(topology)
    _count_statuses(frame, report)
    if transit_gateway_rows is not None:
        _count_transit_gateway(_frame(transit_gateway_rows, TRANSIT_GATEWAY_ROW_COLUMNS), report)
    _observe_window(frame, transit_gateway_rows, report, window_start, window_end)

    seen = frame[frame["status"].isin(["ACCEPT", "REJECT"])].reset_index(drop=True)
    translated = _translated(seen, book)
    kinds = _classify_interfaces(seen, translated, book)
    seen["kind"] = seen["interface_id"].map(lambda eni: kinds[eni][0] if eni else "workload")
    # without an interface-id, a record is judged alone
    seen.loc[seen["interface_id"].eq("") & translated, "kind"] = "middlebox"
    seen["direction"] = _directions(seen, book)
    middlebox = seen["kind"].ne("workload")
    accepted = seen["status"].eq("ACCEPT")

    _report_middleboxes(seen[middlebox & accepted], kinds, book, report)
    report.skipped["middlebox"].add(*_sums(seen[middlebox & accepted]))

    workload = seen[~middlebox]
    logged = _logged_addresses(workload)
    candidates = workload[workload["status"].eq("ACCEPT")]
    undecided = candidates["direction"].eq("")
    _unattributed(report, "local side undecided", candidates[undecided], "interface_id")
    candidates = candidates[~undecided]
    sender = _identity(candidates, "src")
    copy = candidates["direction"].eq("ingress") & sender.isin(logged)
    report.skipped["sender_logged"].add(*_sums(candidates[copy]))
    traffic = _edges(candidates[~copy].reset_index(drop=True), book, report)

    _finish_window(report, monthly)
    matrix = _matrix(traffic, report)
    report.records_parsed = report.records_read - report.unparsed_lines
    return CountedTraffic(traffic=matrix, report=report)


def normalised_interface_type(value: str) -> str | None:
    """The topology's type of a v11 `interface-type` value, None when it is not a middlebox."""
    key = re.sub(r"[^a-z]", "", value.lower())
    return _INTERFACE_TYPES.get(key)


def _frame(rows: pd.DataFrame | pa.Table, columns: Iterable[str]) -> pd.DataFrame:
    frame = rows.to_pandas() if isinstance(rows, pa.Table) else rows.copy()
    out = pd.DataFrame(index=range(len(frame)))
    for name in columns:
        if name not in frame.columns:
            raise InputError(f"Stage A rows lack the column '{name}'", source="flow-log rows", field=name)
        column = frame[name].reset_index(drop=True)
        if name in _TEXT_COLUMNS or name.startswith("tgw_") or name == "status":
            out[name] = column.astype("string").fillna("").astype(str)
        else:
            out[name] = pd.to_numeric(column, errors="coerce")
    for name in ("records", "packets", "bytes", "duplicate_records", "duplicate_bytes", "packets_lost"):
        if name in out.columns:
            out[name] = out[name].fillna(0).astype("int64")
    return out


def _sums(rows: pd.DataFrame) -> tuple[int, int]:
    return int(rows["records"].sum()), int(rows["bytes"].sum())


def _count_statuses(frame: pd.DataFrame, report: FlowLogReport) -> None:
    report.records_read += int(frame["records"].sum() + frame["duplicate_records"].sum())
    report.bytes_read += int(frame["bytes"].sum() + frame["duplicate_bytes"].sum())
    report.skipped["duplicate"].add(int(frame["duplicate_records"].sum()), int(frame["duplicate_bytes"].sum()))
    for status, reason in _STATUS_REASONS.items():
        report.skipped[reason].add(*_sums(frame[frame["status"].eq(status)]))
    skipped = frame[frame["status"].eq("SKIPDATA")].sort_values(["interface_id", "first_start"])
    report.skipdata_intervals = [
        {"interface_id": eni, "start": _utc(start), "end": _utc(end), "records": int(records)}
        for eni, start, end, records in zip(
            skipped["interface_id"], skipped["first_start"], skipped["last_end"], skipped["records"], strict=True
        )
    ]


def _count_transit_gateway(frame: pd.DataFrame, report: FlowLogReport) -> None:
    report.records_read += int(frame["records"].sum() + frame["duplicate_records"].sum())
    report.bytes_read += int(frame["bytes"].sum() + frame["duplicate_bytes"].sum())
    report.skipped["duplicate"].add(int(frame["duplicate_records"].sum()), int(frame["duplicate_bytes"].sum()))
    for status, reason in {**_STATUS_REASONS, "ACCEPT": "transit_gateway_log"}.items():
        report.skipped[reason].add(*_sums(frame[frame["status"].eq(status)]))
    accepted = frame[frame["status"].eq("ACCEPT")]
    keys = ["tgw_id", "tgw_attachment_id", "tgw_src_vpc_id", "tgw_dst_vpc_id"]
    grouped = accepted.groupby(keys, sort=True)[["records", "bytes"]].sum().reset_index()
    report.transit_gateway_attachments = [
        TransitGatewayAttachmentTraffic(
            tgw_id=str(tgw) or None,
            attachment_id=str(attachment) or None,
            src_vpc=str(src) or None,
            dst_vpc=str(dst) or None,
            records=int(records),
            bytes=int(volume),
        )
        for tgw, attachment, src, dst, records, volume in zip(
            *(grouped[column].tolist() for column in [*keys, "records", "bytes"]), strict=True
        )
    ]
    if len(accepted):
        report.warnings.append(
            f"{int(accepted['records'].sum()):,} Transit Gateway flow-log records are reported by attachment, "
            "not counted: the VPC flow-log records of the same packets are"
        )


def _observe_window(
    frame: pd.DataFrame,
    transit_gateway_rows: pd.DataFrame | pa.Table | None,
    report: FlowLogReport,
    window_start: int | None,
    window_end: int | None,
) -> None:
    timed = frame[~frame["status"].isin(["MALFORMED", "OUTSIDE_WINDOW"])]
    starts = [timed["first_start"].min()]
    ends = [timed["last_end"].max()]
    if transit_gateway_rows is not None:
        gateway = _frame(transit_gateway_rows, TRANSIT_GATEWAY_ROW_COLUMNS)
        gateway = gateway[~gateway["status"].isin(["MALFORMED", "OUTSIDE_WINDOW"])]
        starts.append(gateway["first_start"].min())
        ends.append(gateway["last_end"].max())
    known_starts = [int(value) for value in starts if not pd.isna(value)]
    known_ends = [int(value) for value in ends if not pd.isna(value)]
    report.observed_start = min(known_starts) if known_starts else None
    report.observed_end = max(known_ends) if known_ends else None
    report.window_start, report.window_end = window_start, window_end


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


def _classify_interfaces(seen: pd.DataFrame, translated: pd.Series, book: AddressBook) -> dict[str, tuple[str, str]]:
    """Each ENI's type and what said so: the inventory, the `interface-type` field, address translation, or
    nothing (a workload)."""
    result: dict[str, tuple[str, str]] = {}
    named = seen[seen["interface_type"].ne("")].drop_duplicates("interface_id")
    field_types = dict(zip(named["interface_id"], named["interface_type"], strict=True))
    translating = set(seen.loc[translated, "interface_id"])
    for eni in seen["interface_id"].unique():
        if not eni:
            continue
        known = book.interfaces.get(eni)
        if known is not None:
            result[eni] = (known.interface.type, "inventory")
        elif eni in field_types:
            kind = normalised_interface_type(field_types[eni])
            result[eni] = (kind, "interface-type") if kind else ("workload", "interface-type")
        elif eni in translating:
            result[eni] = ("middlebox", "address translation")
        else:
            result[eni] = ("workload", "")
    return result


def _translated(seen: pd.DataFrame, book: AddressBook) -> pd.Series:
    """Rows whose `pkt-*` address differs from the ENI-level address across VPCs (or outside the topology)."""
    result = pd.Series(False, index=seen.index)
    for raw, packet in (("srcaddr", "pkt_srcaddr"), ("dstaddr", "pkt_dstaddr")):
        differs = seen[packet].ne("") & seen[packet].ne(seen[raw])
        if not differs.any():
            continue
        pairs = seen.loc[differs, [raw, packet]].drop_duplicates()
        across = {
            (a, b): not _same_vpc(book.candidates(a), book.candidates(b))
            for a, b in zip(pairs[raw], pairs[packet], strict=True)
        }
        keys = pd.Series(
            list(zip(seen.loc[differs, raw], seen.loc[differs, packet], strict=True)), index=seen.index[differs]
        )
        result.loc[differs] = keys.map(across).astype(bool)
    return result


def _same_vpc(first: tuple[Candidate, ...], second: tuple[Candidate, ...]) -> bool:
    return bool(first) and bool(second) and first[0].vpc == second[0].vpc


def _directions(seen: pd.DataFrame, book: AddressBook) -> pd.Series:
    """`egress`, `ingress`, or '' when the local side cannot be decided (rule 6)."""
    direction = (
        seen["flow_direction"].str.lower().where(seen["flow_direction"].str.lower().isin(["egress", "ingress"]), "")
    )
    open_rows = direction.eq("")
    if not open_rows.any():
        return direction
    local = _local_addresses(seen, book)
    if not local:
        return direction
    pairs = set(local)
    subset = seen[open_rows]
    src_local = pd.Series(
        [(eni, address) in pairs for eni, address in zip(subset["interface_id"], subset["srcaddr"], strict=True)],
        index=subset.index,
    )
    dst_local = pd.Series(
        [(eni, address) in pairs for eni, address in zip(subset["interface_id"], subset["dstaddr"], strict=True)],
        index=subset.index,
    )
    direction.loc[subset.index[src_local & ~dst_local]] = "egress"
    direction.loc[subset.index[dst_local & ~src_local]] = "ingress"
    return direction


def _local_addresses(seen: pd.DataFrame, book: AddressBook) -> list[tuple[str, str]]:
    """(ENI, address) pairs that are an ENI's own addresses: from `flow-direction` where its records have it,
    from the inventory, else the address present in all its records of one IP version."""
    pairs: set[tuple[str, str]] = set()
    directed = seen[seen["flow_direction"].str.lower().isin(["egress", "ingress"]) & seen["interface_id"].ne("")]
    egress = directed["flow_direction"].str.lower().eq("egress")
    pairs.update(zip(directed.loc[egress, "interface_id"], directed.loc[egress, "srcaddr"], strict=True))
    pairs.update(zip(directed.loc[~egress, "interface_id"], directed.loc[~egress, "dstaddr"], strict=True))
    decided = {eni for eni, _ in pairs}
    for eni, known in book.interfaces.items():
        if known.interface.ips and eni not in decided:
            pairs.update((eni, str(address)) for address in known.interface.ips)
            decided.add(eni)
    rest = seen[seen["interface_id"].ne("") & ~seen["interface_id"].isin(decided)]
    if rest.empty:
        return sorted(pairs)
    rest = rest[["interface_id", "srcaddr", "dstaddr", "subnet_id", "vpc_id"]].reset_index(drop=True)
    rest["family"] = rest["srcaddr"].str.contains(":", regex=False)
    totals = rest.groupby(["interface_id", "family"]).size().rename("rows")
    both = pd.concat(
        [
            rest[["interface_id", "family", "srcaddr"]].rename(columns={"srcaddr": "address"}).assign(row=rest.index),
            rest[["interface_id", "family", "dstaddr"]].rename(columns={"dstaddr": "address"}).assign(row=rest.index),
        ]
    ).drop_duplicates(["row", "address"])
    counts = both.groupby(["interface_id", "family", "address"]).size().rename("count").reset_index()
    counts = counts.join(totals, on=["interface_id", "family"])
    common = counts[counts["count"].eq(counts["rows"])]
    firsts = rest.drop_duplicates("interface_id")
    places = {
        str(eni): (str(subnet), str(vpc))
        for eni, subnet, vpc in zip(firsts["interface_id"], firsts["subnet_id"], firsts["vpc_id"], strict=True)
    }
    for (interface, _), group in common.groupby(["interface_id", "family"]):
        name = str(interface)
        addresses = [str(address) for address in group["address"]]
        if len(addresses) == 1:
            pairs.add((name, addresses[0]))
            continue
        inside = [address for address in addresses if _inside_own_network(book, *places[name], name, address)]
        if len(inside) == 1:
            pairs.add((name, inside[0]))
    return sorted(pairs)


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


def _identity(rows: pd.DataFrame, side: str) -> pd.Series:
    """The original address of a side: `pkt-*` when present, else `srcaddr`/`dstaddr`."""
    packet, raw = f"pkt_{side}addr", f"{side}addr"
    return rows[packet].where(rows[packet].ne(""), rows[raw])


def _logged_addresses(workload: pd.DataFrame) -> set[str]:
    egress = workload["direction"].eq("egress")
    ingress = workload["direction"].eq("ingress")
    logged: set[str] = set()
    logged.update(_identity(workload[egress], "src"))
    logged.update(workload.loc[egress, "srcaddr"])
    logged.update(_identity(workload[ingress], "dst"))
    logged.update(workload.loc[ingress, "dstaddr"])
    logged.discard("")
    return logged


def _report_middleboxes(
    rows: pd.DataFrame, kinds: dict[str, tuple[str, str]], book: AddressBook, report: FlowLogReport
) -> None:
    if rows.empty:
        return
    frame = rows.assign(
        processed=np.where(rows["direction"].eq("ingress"), rows["bytes"], 0),
        sent=np.where(rows["direction"].eq("egress"), rows["bytes"], 0),
    )
    grouped = frame.groupby("interface_id", sort=True).agg(
        records=("records", "sum"), processed=("processed", "sum"), sent=("sent", "sum"), vpc_id=("vpc_id", "max")
    )
    for eni, row in grouped.iterrows():
        name = str(eni)
        known = book.interfaces.get(name)
        kind, known_from = kinds.get(name, ("middlebox", "address translation"))
        vpc = known.vpc.id if known else (str(row["vpc_id"]) or None)
        report.middleboxes.append(
            Middlebox(
                interface_id=name or "(no interface-id)",
                kind=kind,
                known_from=known_from or "address translation",
                vpc=vpc,
                resource=known.interface.resource if known else None,
                records=int(row["records"]),
                processed_bytes=int(row["processed"]),
                sent_bytes=int(row["sent"]),
            )
        )


def _unattributed(report: FlowLogReport, cause: str, rows: pd.DataFrame, example_column: str | None) -> None:
    if rows.empty:
        return
    records, bytes_ = _sums(rows)
    report.skipped["unattributed"].add(records, bytes_)
    report.unattributed_by_cause.setdefault(cause, Tally()).add(records, bytes_)
    if example_column is not None:
        examples = report.unattributed_examples.setdefault(cause, [])
        ranked = rows.groupby(example_column)["bytes"].sum().sort_values(ascending=False)
        for value in ranked.index[:EXAMPLES_PER_CAUSE]:
            if value and str(value) not in examples and len(examples) < EXAMPLES_PER_CAUSE:
                examples.append(str(value))


@dataclass(frozen=True)
class _Place:
    endpoint: str
    az: str
    cause: str = ""


def _edges(rows: pd.DataFrame, book: AddressBook, report: FlowLogReport) -> pd.DataFrame:
    """The used rows as matrix edges; rows with a side that cannot be placed are unattributed."""
    egress = rows["direction"].eq("egress")
    local_address = _identity(rows, "src").where(egress, _identity(rows, "dst"))
    remote_address = _identity(rows, "dst").where(egress, _identity(rows, "src"))
    remote_service = rows["pkt_dst_aws_service"].where(egress, rows["pkt_src_aws_service"])
    local_keys: list[tuple[str, str, str, str, str]] = list(
        zip(
            _texts(rows["vpc_id"]),
            _texts(rows["subnet_id"]),
            _texts(rows["az_id"]),
            _texts(rows["interface_id"]),
            _texts(local_address),
            strict=True,
        )
    )
    local_places = {key: _local_place(book, *key) for key in set(local_keys)}
    local = [local_places[key] for key in local_keys]
    remote_keys: list[tuple[str, str, str]] = list(
        zip([place.endpoint for place in local], _texts(remote_address), _texts(remote_service), strict=True)
    )
    remote_places = {key: _remote_place(book, report, *key) for key in set(remote_keys)}
    remote = [remote_places[key] for key in remote_keys]
    frame = rows.assign(
        local=[place.endpoint for place in local],
        local_az=[place.az for place in local],
        local_cause=[place.cause for place in local],
        remote=[place.endpoint for place in remote],
        remote_az=[place.az for place in remote],
        remote_cause=[place.cause for place in remote],
        remote_address=remote_address,
        local_address=local_address,
    )
    for column, example in (("local_cause", "local_address"), ("remote_cause", "remote_address")):
        failed = frame[column].ne("")
        for cause, group in frame[failed].groupby(column):
            _unattributed(report, str(cause), group, example)
        frame = frame[~failed]
    egress = frame["direction"].eq("egress")
    edges = pd.DataFrame(
        {
            "src": np.where(egress, frame["local"], frame["remote"]),
            "dst": np.where(egress, frame["remote"], frame["local"]),
            "src_az": np.where(egress, frame["local_az"], frame["remote_az"]),
            "dst_az": np.where(egress, frame["remote_az"], frame["local_az"]),
            "initiator": frame["initiator"].where(frame["initiator"].isin(["src", "dst"]), "src"),
            "ip_version": [ip_version(address) for address in frame["remote_address"]],
            "bytes": frame["bytes"].astype("int64"),
            "records": frame["records"].astype("int64"),
            "evidence": frame["initiator_evidence"].where(frame["initiator_evidence"].ne(""), "none"),
        }
    )
    report.used.add(int(edges["records"].sum()), int(edges["bytes"].sum()))
    report.initiator_evidence_bytes = {
        str(key): int(value) for key, value in edges.groupby("evidence")["bytes"].sum().items()
    }
    return edges


def _local_place(book: AddressBook, vpc_id: str, subnet_id: str, az_id: str, eni: str, address: str) -> _Place:
    """The logged side: the record's VPC and AZ fields first, then the inventory, the subnet, the address."""
    known = book.interfaces.get(eni)
    subnet = book.subnets.get(subnet_id)
    if vpc_id in book.vpcs:
        vpc = vpc_id
    elif known is not None:
        vpc = known.vpc.id
    elif subnet is not None:
        vpc = subnet[0].id
    else:
        candidates = book.candidates(address)
        longest = (
            [entry for entry in candidates if entry.prefix_length == candidates[0].prefix_length] if candidates else []
        )
        if len(longest) != 1:
            cause = "logged ENI outside the topology" if not candidates else "overlapping CIDRs"
            return _Place("", "", cause)
        vpc = longest[0].vpc
    az = az_id
    if not az and subnet is not None and subnet[0].id == vpc:
        az = subnet[2]
    if not az and known is not None and known.interface.az:
        az = known.interface.az
    if not az:
        az = next((entry.az or "" for entry in book.candidates(address) if entry.vpc == vpc), "")
    return _Place(vpc, az)


def _remote_place(book: AddressBook, report: FlowLogReport, local_vpc: str, address: str, service: str) -> _Place:
    known = book.interface_addresses.get(address)
    if known is not None and known.interface.type in MIDDLEBOX_TYPES - {"nat_gateway", "transit_gateway_attachment"}:
        return _behind(book, known.interface.type, known.interface.resource, known.vpc.id, known.interface.az)
    candidates = book.candidates(address)
    if candidates:
        own = next((entry for entry in candidates if entry.vpc == local_vpc), None)
        if own is not None:
            chosen = own
        else:
            longest = [entry for entry in candidates if entry.prefix_length == candidates[0].prefix_length]
            if len(longest) > 1:
                _note_overlap(report, address, [entry.vpc for entry in longest], None)
                return _Place("", "", "overlapping CIDRs")
            chosen = longest[0]
        if len(candidates) > 1:
            _note_overlap(report, address, [entry.vpc for entry in candidates], chosen.vpc)
        return _Place(chosen.vpc, chosen.az or "")
    if is_private(address):
        return _Place("", "", "private address outside the topology")
    if service:
        return _Place(service_endpoint(service), "")
    return _Place(INTERNET, "")


def _behind(book: AddressBook, kind: str, resource: str | None, vpc_id: str, az: str | None) -> _Place:
    """Rule 4: what an endpoint or load balancer ENI stands for."""
    if kind == "vpc_endpoint":
        endpoint = next(
            (item for item in getattr(book.vpcs[vpc_id], "endpoints", []) if resource and item.id == resource), None
        )
        service = getattr(endpoint, "service", None)
        provider = getattr(endpoint, "provider_vpc", None)
        if service:
            return _Place(f"aws:{service}", "")
        if provider:
            if provider in book.vpcs:
                return _Place(provider, "")
            return _Place("", "", "endpoint's provider VPC outside the topology")
        return _Place("", "", "endpoint without a known service (give the endpoint's service in the topology)")
    return _Place(vpc_id, az or "")


def _note_overlap(report: FlowLogReport, address: str, vpcs: list[str], chosen: str | None) -> None:
    entry = {"vpcs": sorted(set(vpcs)), "resolved_to": chosen}
    for existing in report.overlapping_cidrs:
        if existing["vpcs"] == entry["vpcs"] and existing["resolved_to"] == chosen:
            existing["addresses"] += 1
            if len(existing["examples"]) < EXAMPLES_PER_CAUSE:
                existing["examples"].append(address)
            return
    report.overlapping_cidrs.append({**entry, "addresses": 1, "examples": [address]})


def _matrix(edges: pd.DataFrame, report: FlowLogReport) -> pd.DataFrame:
    keys = ["src", "dst", "src_az", "dst_az", "initiator", "ip_version"]
    if edges.empty:
        empty = pd.DataFrame({column: pd.Series(dtype=object) for column in MATRIX_COLUMNS})
        empty["bytes"] = empty["bytes"].astype("int64")
        return empty
    grouped = edges.groupby(keys, sort=True)["bytes"].sum().reset_index()
    grouped = grouped[grouped["bytes"].gt(0)].reset_index(drop=True)
    grouped["bytes"] = grouped["bytes"].astype("int64")
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


def _texts(series: pd.Series) -> list[str]:
    return [str(value) for value in series.tolist()]


def _utc(seconds: Any) -> str | None:
    return None if pd.isna(seconds) else utc_seconds_text(int(seconds))
