"""Stage B of flow-log aggregation: the rules of `vpccost.flowlogs` for counting each byte once, applied to
Stage A's grouped rows (`sql.flow_rows_sql`), and the addresses resolved against the topology. The result is the
traffic matrix and the report; the same function serves local files and Athena.

Stage A may return millions of rows for a large input, so the rule runs on arrays: every text value is coded
as an integer into one vocabulary, each distinct address is resolved once (`AddressBook.resolve`), and rows are
handled by array operations, never one by one. `FlowCounter` takes the rows in batches (the local reader's
partitions), keeps them compact, and makes three passes: what each ENI is and which addresses are its own; each
record's direction and the logged senders; the edges. Only per-ENI and per-address summaries are global.

The rule itself (its three passes, and the order in which it applies its parts) is in `rule.py`; where each side
of a record is, in `places.py`; the matrix and its volumes, in `matrix.py`; the array helpers they share, in
`arrays.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vpccost.errors import InputError
from vpccost.flowlogs.addresses import AddressBook
from vpccost.flowlogs.matrix import finish_window, traffic_matrix
from vpccost.flowlogs.report import FlowLogReport, TransitGatewayAttachmentTraffic, utc_seconds_text
from vpccost.flowlogs.rule import EVIDENCE, Batch, Rule
from vpccost.flowlogs.sql import DESCRIBED_COLUMNS, FLOW_ROW_COLUMNS, STATUSES, TRANSIT_GATEWAY_ROW_COLUMNS
from vpccost.flowlogs.staging import Vocabulary
from vpccost.inputs.topology import Topology

MEASURES = ("records", "bytes", "duplicate_records", "duplicate_bytes")

_STATUS_REASONS = {
    "MALFORMED": "malformed",
    "OUTSIDE_WINDOW": "outside_window",
    "NODATA": "nodata",
    "SKIPDATA": "skipdata",
    "REJECT": "reject",
}


@dataclass
class CountedTraffic:
    """The traffic matrix (`matrix.MATRIX_COLUMNS`: VPCs by topology id, `bytes` exact as observed, `gb` a Decimal —
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
        self.batches: list[Batch] = []
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
            Batch(
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
        edges = Rule(self).run()
        finish_window(report, monthly)
        matrix = traffic_matrix(edges, report)
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


def _utc(seconds: Any) -> str | None:
    return None if seconds is None else utc_seconds_text(int(seconds))
