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
handled by array operations, never one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS, STATUSES, TRANSIT_GATEWAY_ROW_COLUMNS
from vpccost.topology import Topology
from vpccost.traffic import INTERNET
from vpccost.units import BYTES_PER_GB, GB_PER_BYTE, HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

MATRIX_COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "ip_version", "bytes", "gb")

MONTHLY_GB_QUANTUM = Decimal("1E-9")
"""Monthly volumes are rounded (half to even) to a billionth of a GB, about one byte: scaling by 730 hours
over the observed period is rarely a finite decimal."""

EXAMPLES_PER_CAUSE = 5

MEASURES = ("records", "packets", "bytes", "duplicate_records", "duplicate_bytes")

TEXT_COLUMNS = (
    "interface_id",
    "interface_type",
    "vpc_id",
    "subnet_id",
    "az_id",
    "flow_direction",
    "srcaddr",
    "dstaddr",
    "pkt_srcaddr",
    "pkt_dstaddr",
    "pkt_src_aws_service",
    "pkt_dst_aws_service",
    "initiator",
    "initiator_evidence",
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
    report = report if report is not None else FlowLogReport()
    table = _table(rows, FLOW_ROW_COLUMNS)
    book = AddressBook(topology)
    masks = _status_masks(table.column("status"))
    measures = {name: _integers(table.column(name)) for name in MEASURES}
    _count_statuses(table, masks, measures, report)
    gateway = None if transit_gateway_rows is None else _table(transit_gateway_rows, TRANSIT_GATEWAY_ROW_COLUMNS)
    if gateway is not None:
        _count_transit_gateway(gateway, report)
    _observe_window(table, masks, gateway, report, window_start, window_end)

    seen = np.flatnonzero(masks["ACCEPT"] | masks["REJECT"])
    rows_seen = _Rows.of(table, measures, seen, masks["ACCEPT"][seen])
    del table
    edges = _count_seen(rows_seen, book, report)

    _finish_window(report, monthly)
    matrix = _matrix(edges, report)
    report.records_parsed = report.records_read - report.unparsed_lines
    return CountedTraffic(traffic=matrix, report=report)


def normalised_interface_type(value: str) -> str | None:
    """The topology's type of a v11 `interface-type` value, None when it is not a middlebox."""
    key = re.sub(r"[^a-z]", "", value.lower())
    return _INTERFACE_TYPES.get(key)


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


@dataclass
class _Rows:
    """Accepted and rejected Stage A rows as arrays: text as codes into `values` (-1 for NULL)."""

    values: np.ndarray
    codes: dict[str, np.ndarray]
    records: np.ndarray
    bytes: np.ndarray
    accepted: np.ndarray
    lookup: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, table: pa.Table, measures: dict[str, np.ndarray], positions: np.ndarray, accepted: np.ndarray) -> _Rows:
        values, codes = _shared_codes(table, TEXT_COLUMNS, positions)
        return cls(
            values=values,
            codes=codes,
            records=measures["records"][positions],
            bytes=measures["bytes"][positions],
            accepted=accepted,
        )

    def __len__(self) -> int:
        return len(self.records)

    def code(self, value: str) -> int:
        """The code of a text value, -1 when no row has it."""
        if not self.lookup:
            self.lookup = {str(text): index for index, text in enumerate(self.values.tolist())}
        return self.lookup.get(value, -1)

    def text(self, code: int) -> str:
        return "" if code < 0 else str(self.values[code])

    def per_value(self, column: str, function: Any, default: int) -> np.ndarray:
        """`function(text)` (an integer) for each row's value of `column`, computed once per distinct value."""
        codes = self.codes[column]
        result = np.full(len(codes), default, dtype=np.int64)
        present = codes >= 0
        if present.any():
            distinct, inverse = np.unique(codes[present], return_inverse=True)
            mapped = np.array([function(str(self.values[code])) for code in distinct], dtype=np.int64)
            result[present] = mapped[inverse]
        return result


def _shared_codes(
    table: pa.Table, names: Iterable[str], positions: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One vocabulary for the text columns, and each column's codes into it (-1 for NULL) at `positions`:
    addresses in `srcaddr` and `pkt_dstaddr` get the same code. Dictionary columns over one dictionary (the
    local reader's vocabulary) keep their indices."""
    parts: dict[str, tuple[pa.Array, pa.Array]] = {}
    for name in names:
        array = table.column(name).combine_chunks()
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array.cast(pa.string()))
        parts[name] = (array.dictionary.cast(pa.string()), array.indices)
    dictionaries = [dictionary for dictionary, _ in parts.values()]
    shared = dictionaries[0]
    if not all(dictionary.equals(shared) for dictionary in dictionaries[1:]):
        shared = pc.unique(pa.concat_arrays(dictionaries))
    codes = {}
    for name, (dictionary, indices) in parts.items():
        mapped = indices if dictionary.equals(shared) else pc.take(pc.index_in(dictionary, value_set=shared), indices)
        full = np.asarray(pc.fill_null(mapped.cast(pa.int32()), -1).to_numpy(), dtype=np.int32)
        codes[name] = full[positions].astype(np.int64)
    return np.asarray(shared.to_pylist(), dtype=object), codes


def _count_statuses(
    table: pa.Table, masks: dict[str, np.ndarray], measures: dict[str, np.ndarray], report: FlowLogReport
) -> None:
    records, volume = measures["records"], measures["bytes"]
    duplicate_records, duplicate_bytes = measures["duplicate_records"], measures["duplicate_bytes"]
    report.records_read += int(records.sum() + duplicate_records.sum())
    report.bytes_read += int(volume.sum() + duplicate_bytes.sum())
    report.skipped["duplicate"].add(int(duplicate_records.sum()), int(duplicate_bytes.sum()))
    for name, reason in _STATUS_REASONS.items():
        mask = masks[name]
        report.skipped[reason].add(int(records[mask].sum()), int(volume[mask].sum()))
    skipped = np.flatnonzero(masks["SKIPDATA"])
    if not len(skipped):
        report.skipdata_intervals = []
        return
    part = table.take(pa.array(skipped))
    intervals = sorted(
        zip(
            _texts(part.column("interface_id")),
            part.column("first_start").to_pylist(),
            part.column("last_end").to_pylist(),
            records[skipped].tolist(),
            strict=True,
        ),
        key=lambda item: (item[0], item[1] if item[1] is not None else -1),
    )
    report.skipdata_intervals = [
        {"interface_id": eni, "start": _utc(start), "end": _utc(end), "records": int(count)}
        for eni, start, end, count in intervals
    ]


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
    report.transit_gateway_attachments = [
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
    ]
    if accepted.any():
        report.warnings.append(
            f"{int(records[accepted].sum()):,} Transit Gateway flow-log records are reported by attachment, "
            "not counted: the VPC flow-log records of the same packets are"
        )


def _observe_window(
    table: pa.Table,
    masks: dict[str, np.ndarray],
    gateway: pa.Table | None,
    report: FlowLogReport,
    window_start: int | None,
    window_end: int | None,
) -> None:
    starts: list[int] = []
    ends: list[int] = []
    parts = [(table, masks)]
    if gateway is not None:
        parts.append((gateway, _status_masks(gateway.column("status"))))
    for part, part_masks in parts:
        timed = pa.array(~(part_masks["MALFORMED"] | part_masks["OUTSIDE_WINDOW"]))
        first = pc.min(part.column("first_start").filter(timed)).as_py()
        last = pc.max(part.column("last_end").filter(timed)).as_py()
        if first is not None:
            starts.append(int(first))
        if last is not None:
            ends.append(int(last))
    report.observed_start = min(starts) if starts else None
    report.observed_end = max(ends) if ends else None
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


@dataclass
class _Interfaces:
    """The distinct ENIs of the rows: per ENI its type and what said so, and each row's ENI index."""

    codes: np.ndarray
    of_row: np.ndarray
    kinds: list[str]
    known_from: list[str]
    known: list[KnownInterface | None]


def _count_seen(rows: _Rows, book: AddressBook, report: FlowLogReport) -> pd.DataFrame:
    """The counting rule on accepted and rejected rows: middleboxes reported, copies at the receiver skipped,
    the rest placed as matrix edges (or unattributed)."""
    places = _places(rows, book)
    src, dst = rows.codes["srcaddr"], rows.codes["dstaddr"]
    original_src = np.where(rows.codes["pkt_srcaddr"] >= 0, rows.codes["pkt_srcaddr"], src)
    original_dst = np.where(rows.codes["pkt_dstaddr"] >= 0, rows.codes["pkt_dstaddr"], dst)
    translated = _translated(src, rows.codes["pkt_srcaddr"], places) | _translated(
        dst, rows.codes["pkt_dstaddr"], places
    )
    interfaces = _classify_interfaces(rows, translated, book)
    workload_interface = np.array([kind == "workload" for kind in interfaces.kinds], dtype=bool)
    has_interface = rows.codes["interface_id"] >= 0
    middlebox = np.where(has_interface, ~workload_interface[interfaces.of_row], translated)
    direction = _directions(rows, interfaces, places, book)

    accepted = rows.accepted
    _report_middleboxes(rows, interfaces, middlebox & accepted, direction, report)
    report.skipped["middlebox"].add(*_sums(rows, middlebox & accepted))

    workload = ~middlebox
    logged = np.zeros(len(rows.values), dtype=bool)
    egress, ingress = workload & (direction == EGRESS), workload & (direction == INGRESS)
    for chosen, addresses in ((egress, (original_src, src)), (ingress, (original_dst, dst))):
        for codes in addresses:
            logged[codes[chosen & (codes >= 0)]] = True
    candidates = workload & accepted
    undecided = candidates & (direction == UNDECIDED)
    _unattributed(report, LOCAL_SIDE_UNDECIDED, rows, undecided, rows.codes["interface_id"])
    decided = candidates & ~undecided
    copy = decided & (direction == INGRESS) & (original_src >= 0) & logged[np.maximum(original_src, 0)]
    report.skipped["sender_logged"].add(*_sums(rows, copy))
    used = decided & ~copy
    return _edges(rows, used, direction, original_src, original_dst, places, book, report)


def _sums(rows: _Rows, mask: np.ndarray) -> tuple[int, int]:
    return int(rows.records[mask].sum()), int(rows.bytes[mask].sum())


def _places(rows: _Rows, book: AddressBook) -> AddressTable:
    """Every value of the vocabulary that some row uses as an address, resolved (others are left empty)."""
    used = np.zeros(len(rows.values), dtype=bool)
    for name in ("srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr"):
        codes = rows.codes[name]
        used[codes[codes >= 0]] = True
    positions = np.flatnonzero(used)
    resolved = book.resolve([str(value) for value in rows.values[positions].tolist()])
    count = len(rows.values)
    table = AddressTable(
        vpc=np.full(count, -1, dtype=np.int32),
        unique_vpc=np.full(count, -1, dtype=np.int32),
        az=np.full(count, "", dtype=object),
        multiple=np.zeros(count, dtype=bool),
        private=np.zeros(count, dtype=bool),
        version=np.zeros(count, dtype=np.int8),
    )
    for name in ("vpc", "unique_vpc", "az", "multiple", "private", "version"):
        getattr(table, name)[positions] = getattr(resolved, name)
    return table


def _translated(raw: np.ndarray, packet: np.ndarray, places: AddressTable) -> np.ndarray:
    """Rows whose `pkt-*` address differs from the ENI-level one across VPCs (or outside the topology): a pod's
    secondary address on its node's ENI, in the node's VPC, is not translation."""
    differs = (packet >= 0) & (packet != raw)
    raw_vpc, packet_vpc = places.vpc[np.maximum(raw, 0)], places.vpc[np.maximum(packet, 0)]
    same = (raw_vpc >= 0) & (raw_vpc == packet_vpc)
    translated: np.ndarray = differs & ~same
    return translated


def _classify_interfaces(rows: _Rows, translated: np.ndarray, book: AddressBook) -> _Interfaces:
    """Each ENI's type and what said so: the inventory, the `interface-type` field, address translation, or
    nothing (a workload). Rows without an ENI share one index and are judged row by row."""
    codes, of_row = np.unique(rows.codes["interface_id"], return_inverse=True)
    count = len(codes)
    field_type = np.full(count, -1, dtype=np.int64)
    typed = rows.codes["interface_type"] >= 0
    if typed.any():
        first_rows = np.unique(of_row[typed], return_index=True)
        field_type[first_rows[0]] = rows.codes["interface_type"][np.flatnonzero(typed)[first_rows[1]]]
    translating = np.zeros(count, dtype=bool)
    translating[np.unique(of_row[translated])] = True
    kinds, known_from, known_list = [], [], []
    for index, code in enumerate(codes.tolist()):
        name = rows.text(code)
        known = book.interfaces.get(name) if name else None
        known_list.append(known)
        if not name:
            kinds.append("workload")
            known_from.append("")
        elif known is not None:
            kinds.append(known.interface.type)
            known_from.append("inventory")
        elif field_type[index] >= 0:
            kind = normalised_interface_type(rows.text(int(field_type[index])))
            kinds.append(kind or "workload")
            known_from.append("interface-type")
        elif translating[index]:
            kinds.append("middlebox")
            known_from.append("address translation")
        else:
            kinds.append("workload")
            known_from.append("")
    return _Interfaces(codes=codes, of_row=of_row, kinds=kinds, known_from=known_from, known=known_list)


def _directions(rows: _Rows, interfaces: _Interfaces, places: AddressTable, book: AddressBook) -> np.ndarray:
    """EGRESS, INGRESS or UNDECIDED per row (rule 6): `flow-direction` where records have it, else whichever
    address is one of the ENI's own."""
    stated = rows.per_value(
        "flow_direction", lambda text: {"egress": EGRESS, "ingress": INGRESS}.get(text.lower(), UNDECIDED), UNDECIDED
    )
    open_rows = (stated == UNDECIDED) & (rows.codes["interface_id"] >= 0)
    if not open_rows.any():
        return stated
    width = len(rows.values)
    own = _own_addresses(rows, interfaces, stated, places, book)
    eni = rows.codes["interface_id"]
    src_own = np.isin(eni * width + rows.codes["srcaddr"], own) & open_rows
    dst_own = np.isin(eni * width + rows.codes["dstaddr"], own) & open_rows
    direction = stated.copy()
    direction[src_own & ~dst_own] = EGRESS
    direction[dst_own & ~src_own] = INGRESS
    return direction


def _own_addresses(
    rows: _Rows, interfaces: _Interfaces, stated: np.ndarray, places: AddressTable, book: AddressBook
) -> np.ndarray:
    """The (ENI, address) pairs, as `eni * width + address`, that are an ENI's own addresses: from its records
    with `flow-direction`, else from the inventory, else the address in all its records of one IP version (of
    two such addresses, the one in the ENI's subnet or VPC)."""
    width = len(rows.values)
    eni, src, dst = rows.codes["interface_id"], rows.codes["srcaddr"], rows.codes["dstaddr"]
    with_eni = eni >= 0
    keys = [eni[with_eni & (stated == EGRESS)] * width + src[with_eni & (stated == EGRESS)]]
    keys.append(eni[with_eni & (stated == INGRESS)] * width + dst[with_eni & (stated == INGRESS)])
    decided = np.zeros(len(interfaces.codes), dtype=bool)
    decided[np.unique(interfaces.of_row[with_eni & (stated != UNDECIDED)])] = True
    for index, known in enumerate(interfaces.known):
        if decided[index] or known is None or not known.interface.ips:
            continue
        codes = [rows.code(str(address)) for address in known.interface.ips]
        keys.append(np.array([interfaces.codes[index] * width + code for code in codes if code >= 0], dtype=np.int64))
        decided[index] = True
    rest = with_eni & ~decided[interfaces.of_row] & (src >= 0) & (dst >= 0)
    if rest.any():
        keys.append(_common_addresses(rows, interfaces, np.flatnonzero(rest), places, book))
    return np.unique(np.concatenate(keys))


def _common_addresses(
    rows: _Rows, interfaces: _Interfaces, positions: np.ndarray, places: AddressTable, book: AddressBook
) -> np.ndarray:
    """For ENIs without direction or inventory: per ENI and IP version, the address present in every row."""
    width = len(rows.values)
    eni = interfaces.of_row[positions]
    src, dst = rows.codes["srcaddr"][positions], rows.codes["dstaddr"][positions]
    group = eni * 2 + (places.version[src] == 6)
    rows_per_group = np.bincount(group, minlength=2 * len(interfaces.codes))
    pair_group = np.concatenate([group, group[dst != src]])
    pair_address = np.concatenate([src, dst[dst != src]])
    pairs, counts = np.unique(pair_group * width + pair_address, return_counts=True)
    pair_group, pair_address = pairs // width, pairs % width
    common = counts == rows_per_group[pair_group]
    pair_group, pair_address = pair_group[common], pair_address[common]
    per_group = np.bincount(pair_group, minlength=len(rows_per_group))
    single = per_group[pair_group] == 1
    keys = [interfaces.codes[pair_group[single] // 2] * width + pair_address[single]]
    firsts = np.unique(eni, return_index=True)
    first_row = dict(zip(firsts[0].tolist(), positions[firsts[1]].tolist(), strict=True))
    for group_index in np.unique(pair_group[per_group[pair_group] == 2]).tolist():
        index = group_index // 2
        row = first_row[index]
        subnet = rows.text(int(rows.codes["subnet_id"][row]))
        vpc = rows.text(int(rows.codes["vpc_id"][row]))
        name = rows.text(int(interfaces.codes[index]))
        inside = [
            code
            for code in pair_address[pair_group == group_index].tolist()
            if _inside_own_network(book, subnet, vpc, name, rows.text(code))
        ]
        if len(inside) == 1:
            keys.append(np.array([interfaces.codes[index] * width + inside[0]], dtype=np.int64))
    return np.concatenate(keys)


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


def _report_middleboxes(
    rows: _Rows, interfaces: _Interfaces, mask: np.ndarray, direction: np.ndarray, report: FlowLogReport
) -> None:
    if not mask.any():
        return
    index = interfaces.of_row[mask]
    count = len(interfaces.codes)
    volume, going = rows.bytes[mask], direction[mask]
    records = _sum_by(index, rows.records[mask], count)
    processed = _sum_by(index, np.where(going == INGRESS, volume, 0), count)
    sent = _sum_by(index, np.where(going == EGRESS, volume, 0), count)
    vpc_codes = rows.codes["vpc_id"][mask]
    with_vpc = vpc_codes >= 0
    first_vpc_of, first_at = np.unique(index[with_vpc], return_index=True)
    first_vpc = dict(zip(first_vpc_of.tolist(), vpc_codes[with_vpc][first_at].tolist(), strict=True))
    boxes = []
    for position in np.unique(index).tolist():
        name = rows.text(int(interfaces.codes[position]))
        known = interfaces.known[position]
        vpc = known.vpc.id if known else (rows.text(first_vpc[position]) if position in first_vpc else None)
        boxes.append(
            Middlebox(
                interface_id=name or "(no interface-id)",
                kind=interfaces.kinds[position] if name else "middlebox",
                known_from=interfaces.known_from[position] or "address translation",
                vpc=vpc,
                resource=known.interface.resource if known else None,
                records=int(records[position]),
                processed_bytes=int(processed[position]),
                sent_bytes=int(sent[position]),
            )
        )
    report.middleboxes.extend(sorted(boxes, key=lambda box: box.interface_id))


def _unattributed(report: FlowLogReport, cause: str, rows: _Rows, mask: np.ndarray, examples: np.ndarray) -> None:
    """Count the rows under `cause`, with the values of `examples` (codes) that carry the most bytes."""
    if not mask.any():
        return
    records, volume = _sums(rows, mask)
    report.skipped["unattributed"].add(records, volume)
    report.unattributed_by_cause.setdefault(cause, Tally()).add(records, volume)
    listed = report.unattributed_examples.setdefault(cause, [])
    codes = examples[mask]
    present = codes >= 0
    if not present.any():
        return
    distinct, inverse = np.unique(codes[present], return_inverse=True)
    weight = np.bincount(inverse, weights=rows.bytes[mask][present])
    for position in np.argsort(-weight, kind="stable").tolist():
        value = rows.text(int(distinct[position]))
        if len(listed) >= EXAMPLES_PER_CAUSE:
            break
        if value and value not in listed:
            listed.append(value)


def _edges(
    rows: _Rows,
    used: np.ndarray,
    direction: np.ndarray,
    original_src: np.ndarray,
    original_dst: np.ndarray,
    places: AddressTable,
    book: AddressBook,
    report: FlowLogReport,
) -> pd.DataFrame:
    """The used rows as matrix edges, summed: endpoint names and AZs; rows with a side that cannot be placed
    are unattributed."""
    names = _Registry(vpc.id for vpc in book.topology.vpcs)
    azs = _Registry([""])
    positions = np.flatnonzero(used)
    egress = direction[positions] == EGRESS
    local = np.where(egress, original_src[positions], original_dst[positions])
    remote = np.where(egress, original_dst[positions], original_src[positions])
    service = np.where(
        egress, rows.codes["pkt_dst_aws_service"][positions], rows.codes["pkt_src_aws_service"][positions]
    )
    address_az = _address_azs(places, azs)
    local_vpc, local_az, local_cause = _local_places(rows, positions, local, places, address_az, book, azs)
    remote_name, remote_az, remote_cause = _remote_places(
        rows, local_vpc, remote, service, places, address_az, book, names, azs, report
    )
    for cause_code in np.unique(local_cause[local_cause > 0]).tolist():
        chosen = positions[local_cause == cause_code]
        _unattributed(report, CAUSES[cause_code], rows, _mask(len(rows), chosen), _at(len(rows), positions, local))
    remote_cause = np.where(local_cause > 0, 0, remote_cause)
    for cause_code in np.unique(remote_cause[remote_cause > 0]).tolist():
        chosen = positions[remote_cause == cause_code]
        _unattributed(report, CAUSES[cause_code], rows, _mask(len(rows), chosen), _at(len(rows), positions, remote))
    placed = (local_cause == 0) & (remote_cause == 0)
    kept = positions[placed]
    egress, local_vpc, local_az = egress[placed], local_vpc[placed], local_az[placed]
    remote_name, remote_az = remote_name[placed], remote_az[placed]
    initiator_dst = rows.codes["initiator"][kept] == rows.code("dst")
    version6 = places.version[np.maximum(remote[placed], 0)] == 6
    src = np.where(egress, local_vpc, remote_name)
    dst = np.where(egress, remote_name, local_vpc)
    src_az = np.where(egress, local_az, remote_az)
    dst_az = np.where(egress, remote_az, local_az)
    volume, records = rows.bytes[kept], rows.records[kept]
    report.used.add(int(records.sum()), int(volume.sum()))
    evidence = rows.codes["initiator_evidence"][kept]
    report.initiator_evidence_bytes = {}
    for code in np.unique(evidence).tolist():
        label = rows.text(code) or "none"
        total = int(volume[evidence == code].sum())
        report.initiator_evidence_bytes[label] = report.initiator_evidence_bytes.get(label, 0) + total
    width_names, width_azs = len(names.names) + 1, len(azs.names) + 1
    key = ((src * width_names + dst) * width_azs + src_az) * width_azs + dst_az
    key = key * 4 + initiator_dst * 2 + version6
    distinct, inverse = np.unique(key, return_inverse=True)
    totals = _sum_by(inverse, volume, len(distinct))
    version6_out, rest = distinct % 2, distinct // 2
    initiator_out, rest = rest % 2, rest // 2
    dst_az_out, rest = rest % width_azs, rest // width_azs
    src_az_out, rest = rest % width_azs, rest // width_azs
    dst_out, src_out = rest % width_names, rest // width_names
    return pd.DataFrame(
        {
            "src": names.decode(src_out),
            "dst": names.decode(dst_out),
            "src_az": azs.decode(src_az_out),
            "dst_az": azs.decode(dst_az_out),
            "initiator": np.where(initiator_out == 1, "dst", "src"),
            "ip_version": np.where(version6_out == 1, 6, 4),
            "bytes": totals,
        }
    )


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


def _address_azs(places: AddressTable, azs: _Registry) -> np.ndarray:
    """Each address's AZ as a code of `azs` (0: none)."""
    codes = np.zeros(len(places.az), dtype=np.int64)
    named = np.flatnonzero(places.az != "")
    if len(named):
        codes[named] = azs.codes_of(places.az[named])
    return codes


def _local_places(
    rows: _Rows,
    positions: np.ndarray,
    local: np.ndarray,
    places: AddressTable,
    address_az: np.ndarray,
    book: AddressBook,
    azs: _Registry,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The logged side (VPC index, AZ code, cause code): the record's VPC and AZ fields first, then the
    inventory, the subnet, the address."""
    vpc_index, subnets, interfaces = book.vpc_index, book.subnets, book.interfaces

    def at(column: str, function: Any, default: int) -> np.ndarray:
        values: np.ndarray = rows.per_value(column, function, default)[positions]
        return values

    record_vpc = at("vpc_id", lambda text: vpc_index.get(text, -1), -1)
    subnet_vpc = at("subnet_id", lambda text: vpc_index[subnets[text][0].id] if text in subnets else -1, -1)
    subnet_az = at("subnet_id", lambda text: azs.code(subnets[text][2]) if text in subnets else 0, 0)
    inventory_vpc = at(
        "interface_id", lambda text: vpc_index[interfaces[text].vpc.id] if text in interfaces else -1, -1
    )
    inventory_az = at(
        "interface_id", lambda text: azs.code(interfaces[text].interface.az or "") if text in interfaces else 0, 0
    )
    record_az = at("az_id", azs.code, 0)
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
    take = (az == 0) & (vpc >= 0)
    if take.any():
        simple = take & ~places.multiple[safe] & (places.vpc[safe] == vpc) & (local >= 0)
        az[simple] = address_az[safe][simple]
        for row in np.flatnonzero(take & places.multiple[safe] & (local >= 0)).tolist():
            address, vpc_id = rows.text(int(local[row])), book.topology.vpcs[int(vpc[row])].id
            az[row] = azs.code(next((entry.az or "" for entry in book.candidates(address) if entry.vpc == vpc_id), ""))
    return np.where(vpc >= 0, vpc, 0), az, cause


def _remote_places(
    rows: _Rows,
    local_vpc: np.ndarray,
    remote: np.ndarray,
    service: np.ndarray,
    places: AddressTable,
    address_az: np.ndarray,
    book: AddressBook,
    names: _Registry,
    azs: _Registry,
    report: FlowLogReport,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The other side (name code, AZ code, cause code): an endpoint or load balancer ENI the inventory knows
    (rule 4), else a topology VPC by the longest match (the local VPC first where CIDRs overlap), else
    `aws:<service>` or `internet` for a public address; a private address outside the topology is
    unattributed."""
    count = len(remote)
    name = np.zeros(count, dtype=np.int64)
    az = np.zeros(count, dtype=np.int64)
    cause = np.zeros(count, dtype=np.int64)
    safe = np.maximum(remote, 0)
    behind = np.full(len(rows.values), -1, dtype=np.int64)
    results: list[tuple[str, str, str]] = []
    for address, interface in book.interface_addresses.items():
        if interface.interface.type in MIDDLEBOX_TYPES - {"nat_gateway", "transit_gateway_attachment"}:
            code = rows.code(address)
            if code >= 0:
                behind[code] = len(results)
                results.append(_behind(book, interface))
    which = np.where(remote >= 0, behind[safe], -1)
    known = which >= 0
    if known.any():
        result_names = np.array([names.code(item[0]) if item[0] else 0 for item in results], dtype=np.int64)
        result_azs = np.array([azs.code(item[1]) for item in results], dtype=np.int64)
        result_causes = np.array([CAUSES.index(item[2]) for item in results], dtype=np.int64)
        name[known], az[known], cause[known] = (
            result_names[which[known]],
            result_azs[which[known]],
            result_causes[which[known]],
        )
    open_rows = ~known
    inside = open_rows & (remote >= 0) & (places.vpc[safe] >= 0)
    simple = inside & ~places.multiple[safe]
    name[simple] = places.vpc[safe][simple]
    az[simple] = address_az[safe][simple]
    overlapping = np.flatnonzero(inside & places.multiple[safe])
    if len(overlapping):
        resolved: dict[tuple[int, int], tuple[int, int, int]] = {}
        for row in overlapping.tolist():
            key = (int(local_vpc[row]), int(remote[row]))
            if key not in resolved:
                resolved[key] = _overlapping_place(book, report, names, azs, key[0], rows.text(key[1]))
            name[row], az[row], cause[row] = resolved[key]
    outside = open_rows & ~inside
    private = outside & (remote >= 0) & places.private[safe]
    cause[private] = CAUSES.index(PRIVATE_OUTSIDE)
    public = outside & ~private
    service_name = _service_names(rows, service, names)
    name[public] = np.where(service_name[public] >= 0, service_name[public], names.code(INTERNET))
    return name, az, cause


def _service_names(rows: _Rows, service: np.ndarray, names: _Registry) -> np.ndarray:
    result = np.full(len(service), -1, dtype=np.int64)
    present = service >= 0
    if present.any():
        distinct, inverse = np.unique(service[present], return_inverse=True)
        codes = np.array([names.code(service_endpoint(rows.text(code))) for code in distinct], dtype=np.int64)
        result[present] = codes[inverse]
    return result


def _overlapping_place(
    book: AddressBook, report: FlowLogReport, names: _Registry, azs: _Registry, local_vpc: int, address: str
) -> tuple[int, int, int]:
    """An address several VPCs hold: the local VPC's own, else the only most specific, else unattributed."""
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
    return names.code(chosen.vpc), azs.code(chosen.az or ""), 0


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
