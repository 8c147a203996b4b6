"""Local flow-log aggregation: files (or S3 objects) → DuckDB running Stage A in-process → Stage B.

The records stream from the reader into DuckDB as Arrow batches and are never held whole: Stage A's first
step (removing exact duplicates) is a grouping DuckDB spills to disk past its memory limit, and what comes
back is already grouped. Memory therefore follows the matrix and the distinct connections, not the input.
"""

from __future__ import annotations

import csv
import io
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vpccost.errors import InputError
from vpccost.flowlogs.counting import CountedTraffic, FlowCounter
from vpccost.flowlogs.formats import LogFormat, parse_log_format
from vpccost.flowlogs.records import TRANSIT_GATEWAY_SCHEMA, VPC_SCHEMA, ReadingStats, RecordReader
from vpccost.flowlogs.report import FlowLogReport, utc_seconds_text
from vpccost.flowlogs.sources import Listing, fetch, list_sources
from vpccost.flowlogs.sql import (
    CODED_COLUMNS,
    TRANSIT_GATEWAY_INPUT_COLUMNS,
    VPC_INPUT_COLUMNS,
    epoch_seconds,
    flow_rows_sql,
    transit_gateway_rows_sql,
)
from vpccost.flowlogs.staging import Staging, Vocabulary, coded, partition_count
from vpccost.inputs.period import RecordedPeriod
from vpccost.inputs.topology import Topology, load_topology
from vpccost.outputs.text import neutralize_formula
from vpccost.units import HOURS_PER_MONTH, format_decimal

DUCKDB_MEMORY_LIMIT = "768MB"
"""DuckDB's share of the memory goal (1.5 GiB for the whole run): past it, Stage A's groupings spill to a
temporary directory."""

KEY_COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "ip_version")

OUTPUT_COLUMNS = (*KEY_COLUMNS, "bytes", "observed_gb")
"""The traffic file's columns: `bytes`, exact as observed, is the volume `compare` reads; `compare` takes `gb` or
`bytes`, never both, so the same volume in GB travels as the label `observed_gb`."""

MONTHLY_OUTPUT_COLUMNS = (*KEY_COLUMNS, "gb", "observed_bytes")
"""With `--monthly`, the volume `compare` reads is `gb` per 730-hour month; the bytes observed are a label."""

PARQUET_TYPES = {
    **{column: pa.string() for column in ("src", "dst", "src_az", "dst_az", "initiator")},
    "ip_version": pa.int64(),
    "bytes": pa.int64(),
    "observed_bytes": pa.int64(),
    "gb": pa.decimal128(38, 9),
    "observed_gb": pa.string(),
}
"""The Parquet matrix's column types: monthly GB are rounded to 9 decimals (`MONTHLY_GB_QUANTUM`) and fit a
decimal; the exact observed GB (up to 30 decimals) travel as text, as in the CSV."""

PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class Progress:
    """Hooks a caller may give to follow a run: `total` once the files are listed (their stored size in
    bytes), then `advance` with each file's stored size as it is read; then `aggregating` with the number of
    partitions, and `advance(1)` as each is aggregated."""

    total: Callable[[int], None]
    advance: Callable[[int], None]
    aggregating: Callable[[int], None] | None = None


@dataclass
class FlowLogAggregate:
    """The traffic matrix from flow logs and the report of how it was counted.

    `traffic` has `src dst src_az dst_az initiator ip_version` (VPCs by topology id), `bytes` (exact, as
    observed) and `gb` (a Decimal: bytes / 2^30 exactly, or per 730-hour month with `monthly`)."""

    traffic: pd.DataFrame
    report: FlowLogReport

    @property
    def columns(self) -> tuple[str, ...]:
        return MONTHLY_OUTPUT_COLUMNS if self.report.monthly else OUTPUT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        """The matrix as `compare` reads it (`OUTPUT_COLUMNS`, or `MONTHLY_OUTPUT_COLUMNS` with `monthly`)."""
        renamed = {"bytes": "observed_bytes"} if self.report.monthly else {"gb": "observed_gb"}
        return self.traffic.rename(columns=renamed)[list(self.columns)].reset_index(drop=True)

    @property
    def period(self) -> RecordedPeriod | None:
        """The period the matrix's volumes cover, as the traffic file records it: the window's hours, or 730 with
        `monthly` (the volumes are scaled to a month); None when the records cover no period."""
        report = self.report
        if not report.period_seconds or report.period_seconds <= 0:
            return None
        windowed = report.window_start is not None and report.window_end is not None
        start, end = (
            (report.window_start, report.window_end) if windowed else (report.observed_start, report.observed_end)
        )
        return RecordedPeriod(
            hours=HOURS_PER_MONTH if report.monthly else report.period_hours,
            start=utc_seconds_text(start),
            end=utc_seconds_text(end),
            scaled_from_hours=report.period_hours if report.monthly else None,
        )

    def to_csv(self) -> str:
        """The traffic file: loads with `vpccost compare traffic.csv --topology …` unchanged, which prices the
        period recorded in its opening comment lines (`vpccost.inputs.period`)."""
        buffer = io.StringIO()
        if self.period is not None:
            buffer.write("".join(f"{line}\n" for line in self.period.comment_lines()))
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        frame = self.to_frame()
        for values in zip(*(frame[column].tolist() for column in self.columns), strict=True):
            writer.writerow([_cell(value) for value in values])
        return buffer.getvalue()

    def to_parquet(self, target: str | Path | IO[bytes]) -> None:
        """The traffic file as Parquet, the period recorded in its key-value metadata."""
        frame = self.to_frame()
        if "observed_gb" in frame.columns:
            frame["observed_gb"] = frame["observed_gb"].map(format_decimal)
        schema = pa.schema([(column, PARQUET_TYPES[column]) for column in self.columns])
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        if self.period is not None:
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), **self.period.metadata()})
        pq.write_table(table, target)


def aggregate_flowlogs(
    paths: str | Path | Sequence[str | Path],
    topology: Topology | str | Path,
    *,
    log_format: str | LogFormat | None = None,
    start: datetime | date | str | None = None,
    end: datetime | date | str | None = None,
    monthly: bool = False,
    s3_client: Any | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
) -> FlowLogAggregate:
    """Read flow logs (files, directories, globs, `s3://bucket/prefix`), count each byte once, and return the
    traffic matrix and the report.

    `log_format` is the format of headerless records (CloudWatch Logs, Firehose, files without a header):
    `${version} ${account-id} …` as `DescribeFlowLogs` gives it; the default format otherwise. `start` and
    `end` (ISO-8601 times or dates, UTC unless they say otherwise) keep the records whose start lies in
    [start, end) and prune S3 keys by their date before downloading. `monthly` scales volumes to a 730-hour
    month over [start, end), or over the observed period when either is missing."""
    loaded = topology if isinstance(topology, Topology) else load_topology(topology)
    chosen_format = parse_log_format(log_format) if isinstance(log_format, str) else log_format
    recorded_note = None
    if chosen_format is None:
        chosen_format, recorded_note = recorded_log_format(loaded)
    window_start, window_end = parse_window(start, end)
    listed = [str(path) for path in ([paths] if isinstance(paths, str | Path) else paths)]
    if not listed:
        raise InputError("give at least one file, directory, glob or s3:// location", source="PATH")
    listing = list_sources(listed, start=window_start, end=window_end, s3_client=s3_client)
    if progress is not None:
        progress.total(sum(source.size_bytes for source in listing.sources))
    workers = threads or max(2, min(8, os.cpu_count() or 2))
    reader = RecordReader(
        listing.sources,
        lambda source: fetch(source, s3_client),
        log_format=chosen_format,
        threads=workers if not any(source.bucket for source in listing.sources) else max(workers, 16),
        progress=progress.advance if progress is not None else None,
    )
    stored_bytes = sum(source.size_bytes for source in listing.sources)
    counted = _count(
        reader,
        listing,
        loaded,
        start=window_start,
        end=window_end,
        monthly=monthly,
        threads=workers,
        memory_limit=memory_limit,
        stored_bytes=stored_bytes,
        progress=progress,
    )
    _add_warnings(counted.report, reader.stats, loaded, chosen_format)
    if recorded_note is not None:
        counted.report.warnings.append(recorded_note)
    return FlowLogAggregate(traffic=counted.traffic, report=counted.report)


HEADERLESS_DESTINATIONS = frozenset({"cloud-watch-logs", "kinesis-data-firehose"})
"""Flow-log destinations whose records come without a header line (S3 text files start with one)."""


def recorded_log_format(topology: Topology) -> tuple[LogFormat | None, str | None]:
    """The format of headerless records when the topology's `flow_logs` (as `vpccost discover` records them)
    give one unambiguously: every flow log delivering to CloudWatch Logs or Firehose has the same format. Then
    (that format, a note saying so); when they differ, (None, a warning asking for `--log-format`)."""
    formats: dict[str, list[str]] = {}
    for flow_log in topology.flow_logs:
        if flow_log.destination_type in HEADERLESS_DESTINATIONS:
            text = parse_log_format(flow_log.log_format or "", source=f"flow_logs {flow_log.id}").text
            formats.setdefault(text, []).append(flow_log.id)
    if not formats:
        return None, None
    if len(formats) > 1:
        return None, (
            f"the topology's CloudWatch Logs and Firehose flow logs use {len(formats)} formats; headerless records "
            "are read in the default format unless --log-format gives theirs"
        )
    ((text, ids),) = formats.items()
    return parse_log_format(text), (
        f"headerless records read in the format of flow log {', '.join(sorted(ids))} (from the topology): {text}"
    )


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(int(value)) if isinstance(value, int | np.integer) else neutralize_formula(str(value))


def parse_window(
    start: datetime | date | str | None, end: datetime | date | str | None
) -> tuple[datetime | None, datetime | None]:
    """`--start` and `--end` as UTC datetimes (either may be open); the end must come after the start."""
    window_start = parse_time(start, "--start")
    window_end = parse_time(end, "--end")
    if window_start is not None and window_end is not None and window_end <= window_start:
        raise InputError("the end must come after the start", source="--end", field="--end")
    return window_start, window_end


def parse_time(value: datetime | date | str | None, option: str) -> datetime | None:
    """An ISO-8601 time or date as an aware UTC datetime (a time without an offset is UTC, as flow logs are)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(
                f"'{value}' is not an ISO-8601 time or date (e.g. 2026-11-02 or 2026-11-02T08:00:00Z)",
                source=option,
                field=option,
            ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _count(
    reader: RecordReader,
    listing: Listing,
    topology: Topology,
    *,
    start: datetime | None,
    end: datetime | None,
    monthly: bool,
    threads: int,
    memory_limit: str,
    stored_bytes: int,
    progress: Progress | None,
) -> CountedTraffic:
    """Read every record into staging (coded, partitioned), then run Stage A on each partition in DuckDB and
    hand its rows, still coded, to Stage B; Transit Gateway records go through their own query."""
    vocabulary = Vocabulary()
    schema = pa.schema(
        [(field.name, pa.int32() if field.name in CODED_COLUMNS else field.type) for field in VPC_SCHEMA]
    )
    with tempfile.TemporaryDirectory(prefix="vpccost-flowlogs-") as directory:
        staging = Staging(schema, partition_count(stored_bytes), Path(directory))
        for table in _in_background(coded(table, vocabulary) for table in reader.vpc_tables()):
            staging.add(table)
        if reader.error is not None:
            raise reader.error
        if reader.stats.lines_read == 0 and reader.stats.files_unreadable:
            name, reason = reader.stats.files_unreadable[0]
            raise InputError(f"no flow-log record could be read ({reason})", source=name)
        counter = FlowCounter(topology, report=_reading_report(reader.stats, listing), vocabulary=vocabulary)
        connection = duckdb.connect(
            ":memory:",
            config={
                "threads": threads,
                "memory_limit": memory_limit,
                "temp_directory": directory,
                "preserve_insertion_order": False,
            },
        )
        try:
            query = flow_rows_sql("flow_log_records", VPC_INPUT_COLUMNS, start=start, end=end, coded=CODED_COLUMNS)
            if progress is not None and progress.aggregating is not None:
                progress.aggregating(staging.partitions)
            for part in staging.parts():
                connection.register("flow_log_records", part)
                counter.add(connection.sql(query).to_arrow_table())
                connection.unregister("flow_log_records")
                del part
                if progress is not None:
                    progress.advance(1)
            if reader.transit_gateway_tables:
                records = pa.concat_tables(reader.transit_gateway_tables).cast(TRANSIT_GATEWAY_SCHEMA)
                reader.transit_gateway_tables.clear()
                connection.register("transit_gateway_records", records)
                gateway_query = transit_gateway_rows_sql(
                    "transit_gateway_records", TRANSIT_GATEWAY_INPUT_COLUMNS, start=start, end=end
                )
                counter.add_transit_gateway(connection.sql(gateway_query).to_arrow_table())
        finally:
            connection.close()
    return counter.finish(
        window_start=None if start is None else epoch_seconds(start),
        window_end=None if end is None else epoch_seconds(end),
        monthly=monthly,
    )


BATCHES_AHEAD = 2
"""Parsed batches the reading thread may hold ready while the caller codes and stages the previous one."""


def _in_background(batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """The batches, made (parsed and coded) in a thread of their own: parsing and coding (Arrow) and decompressing
    (zlib) release the GIL, so they go on while this thread stages the previous batch (Arrow and numpy, which
    release it too)."""
    ready: queue.Queue[pa.Table | BaseException | None] = queue.Queue(maxsize=BATCHES_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        ready.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(None)
        except BaseException as error:
            ready.put(error)

    worker = threading.Thread(target=produce, name="flowlogs-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _reading_report(stats: ReadingStats, listing: Listing) -> FlowLogReport:
    report = FlowLogReport()
    report.unparsed_lines = stats.malformed_lines
    report.records_read = stats.malformed_lines
    report.skipped["malformed"].add(stats.malformed_lines, 0)
    report.malformed_examples = list(stats.malformed_examples)
    report.files = {
        "listed": len(listing.sources) + listing.pruned_by_date + listing.skipped_not_logs,
        "read": stats.files_read,
        "pruned_by_date": listing.pruned_by_date,
        "not_flow_logs": listing.skipped_not_logs,
        "unreadable": [{"file": name, "reason": reason} for name, reason in stats.files_unreadable],
        "stored_bytes": stats.stored_bytes_read,
        "text_bytes": stats.text_bytes_read,
    }
    report.formats = [
        {
            "fields": seen.fields,
            "kind": seen.kind,
            "origin": seen.origin,
            "files": seen.files,
            "records": seen.records,
            "unknown_fields": list(LogFormat(tuple(seen.fields.split())).unknown_fields),
        }
        for seen in sorted(stats.formats.values(), key=lambda item: (-item.records, item.fields))
    ]
    for name, reason in stats.files_unreadable[:5]:
        report.warnings.append(f"{name}: not read ({reason})")
    return report


def _add_warnings(report: FlowLogReport, stats: ReadingStats, topology: Topology, log_format: LogFormat | None) -> None:
    vpc_formats = [seen for seen in stats.formats.values() if seen.kind == "vpc"]
    fields = [set(seen.fields.split()) for seen in vpc_formats]
    if stats.malformed_lines and any(seen.origin != "text with header" for seen in vpc_formats) and log_format is None:
        report.warnings.append(
            f"{stats.malformed_lines:,} lines did not fit their format; headerless records are read in the default "
            "format unless --log-format gives theirs (as DescribeFlowLogs shows it)"
        )
    for seen, names in zip(vpc_formats, fields, strict=True):
        missing = [name for name in ("bytes", "srcaddr", "dstaddr") if name not in names]
        if missing and seen.records:
            report.warnings.append(
                f"{seen.records:,} records of format '{seen.fields}' lack {', '.join(missing)}: they cannot be counted"
            )
        if "action" not in names and seen.records:
            report.warnings.append(f"format '{seen.fields}' has no action field: its records are taken as accepted")
    has_inventory = any(vpc.interfaces for vpc in topology.vpcs)
    has_packet_fields = any({"pkt-srcaddr", "pkt-dstaddr"} <= names for names in fields)
    has_interface_type = any("interface-type" in names for names in fields)
    if fields and not (has_inventory or has_packet_fields or has_interface_type):
        report.warnings.append(
            "no interfaces inventory in the topology and no pkt-srcaddr/pkt-dstaddr or interface-type fields in "
            "the flow logs: NAT gateway, TGW attachment and endpoint ENIs cannot be told from workloads, and their "
            "records may count twice"
        )
