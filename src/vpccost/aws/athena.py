"""Stage A of flow-log aggregation in Amazon Athena, for logs too large to read on one machine.

The same engine-neutral SQL that runs locally in DuckDB (`vpccost.flowlogs.sql.flow_rows_sql`) runs in Athena
over a table of flow logs in S3; only its grouped rows (a few per ENI, address pair and status) come back, and
Stage B turns them into the traffic matrix and the report exactly as it does for local files.

The table is the one AWS documents (text with `skip.header.line.count=1`, or Parquet; columns with underscores,
`pkt_srcaddr`), with whatever columns its flow-log format has: they are read from Athena's `GetTableMetadata`, or,
when that is not allowed, assumed to be the documented DDL (`DOCUMENTED_COLUMNS`, partitioned by `date`). A time
window becomes a predicate on the table's date partitions (`date` of type date, `date`/`day` text as
`yyyy/MM/dd`, or Hive-style `year`/`month`/`day`), so that Athena reads only the files of those days, and a
filter on each record's `start` in the SQL itself.

The calls: `StartQueryExecution`, then `GetQueryExecution` polled with exponential backoff until the query
succeeds (a FAILED or CANCELLED query raises `AthenaQueryError` with Athena's reason and the query id), then
`GetQueryResults` page by page (the first row of the first page is the header).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from vpccost.aws.clients import athena_client
from vpccost.errors import InputError, VpccostError
from vpccost.flowlogs.aggregate import FlowLogAggregate, parse_window
from vpccost.flowlogs.counting import count_flows
from vpccost.flowlogs.report import FlowLogReport
from vpccost.flowlogs.sources import DELIVERY_SLACK
from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS, epoch_seconds, flow_rows_sql, quote_table
from vpccost.inputs.topology import Topology, load_topology

DOCUMENTED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("version", "int"),
    ("account_id", "string"),
    ("interface_id", "string"),
    ("srcaddr", "string"),
    ("dstaddr", "string"),
    ("srcport", "int"),
    ("dstport", "int"),
    ("protocol", "bigint"),
    ("packets", "bigint"),
    ("bytes", "bigint"),
    ("start", "bigint"),
    ("end", "bigint"),
    ("action", "string"),
    ("log_status", "string"),
    ("vpc_id", "string"),
    ("subnet_id", "string"),
    ("instance_id", "string"),
    ("tcp_flags", "int"),
    ("type", "string"),
    ("pkt_srcaddr", "string"),
    ("pkt_dstaddr", "string"),
    ("region", "string"),
    ("az_id", "string"),
    ("sublocation_type", "string"),
    ("sublocation_id", "string"),
    ("pkt_src_aws_service", "string"),
    ("pkt_dst_aws_service", "string"),
    ("flow_direction", "string"),
    ("traffic_path", "int"),
)
"""The columns of the flow-log table in the Athena user guide ("Create a table for Amazon VPC flow logs"):
versions 2 to 5, in the default order, partitioned by `date` (type date)."""

DOCUMENTED_PARTITIONS: tuple[tuple[str, str], ...] = (("date", "date"),)

INTEGER_TYPES = frozenset({"tinyint", "smallint", "int", "integer", "bigint"})
TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})

FIRST_POLL_S = 0.25
MAX_POLL_S = 8.0
DEFAULT_TIMEOUT_S = 3600.0
"""An hour: a scan of months of flow logs may queue and run for many minutes."""


class AthenaQueryError(VpccostError):
    """An Athena query that failed, was cancelled or did not finish in time; names the query id."""


@dataclass(frozen=True)
class TableSchema:
    """Columns and partition keys of a flow-log table, with their Athena types, and its table properties."""

    columns: tuple[tuple[str, str], ...]
    partitions: tuple[tuple[str, str], ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def parameter(self, name: str) -> str | None:
        return dict(self.parameters).get(name)


DOCUMENTED_TABLE = TableSchema(DOCUMENTED_COLUMNS, DOCUMENTED_PARTITIONS)


@dataclass(frozen=True)
class AthenaResult:
    """Stage A's rows as Athena returned them, typed, and what the query was."""

    rows: pa.Table
    """One row per group, columns `FLOW_ROW_COLUMNS` (text as strings, counts and times as int64)."""
    query_id: str
    sql: str
    data_scanned_bytes: int | None


def table_schema(client: Any, database: str, table: str, *, catalog: str = "AwsDataCatalog") -> TableSchema:
    """The table's columns and partition keys from Athena's `GetTableMetadata`."""
    response = client.get_table_metadata(CatalogName=catalog, DatabaseName=database, TableName=table)
    metadata = response["TableMetadata"]

    def pairs(entries: Iterable[dict[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((entry["Name"].lower(), entry.get("Type", "string").lower()) for entry in entries)

    return TableSchema(
        columns=pairs(metadata.get("Columns", [])),
        partitions=pairs(metadata.get("PartitionKeys", [])),
        parameters=tuple(sorted((metadata.get("Parameters") or {}).items())),
    )


def partition_predicate(schema: TableSchema, start: datetime | None, end: datetime | None) -> str | None:
    """SQL on the table's date partitions that keeps the days the window's records can be filed under (files
    are dated by delivery, up to `DELIVERY_SLACK` after their records), or None when the table has no date
    partition Athena can prune on, or there is no window."""
    if start is None and end is None:
        return None
    first = _utc(start - DELIVERY_SLACK).date() if start is not None else None
    last = _utc(end + DELIVERY_SLACK).date() if end is not None else None
    partitions = dict(schema.partitions)

    def bounds(expression: str, literal: Callable[[date], str]) -> str:
        conditions = []
        if first is not None:
            conditions.append(f"{expression} >= {literal(first)}")
        if last is not None:
            conditions.append(f"{expression} <= {literal(last)}")
        return " AND ".join(conditions)

    for name in ("date", "day", "dt"):
        kind = partitions.get(name)
        if kind == "date":
            return bounds(f'"{name}"', lambda day: f"DATE '{day.isoformat()}'")
        if kind in ("string", "varchar"):
            text_format = _java_date_format(schema.parameter(f"projection.{name}.format") or "yyyy/MM/dd")

            def text_literal(day: date, text_format: str = text_format) -> str:
                return f"'{day.strftime(text_format)}'"

            return bounds(f'"{name}"', text_literal)
    if {"year", "month", "day"} <= partitions.keys():
        # Hive-style keys (year=2026/month=11/day=02): compare the zero-padded date text
        expression = (
            "CONCAT(LPAD(CAST(\"year\" AS VARCHAR), 4, '0'), '/', LPAD(CAST(\"month\" AS VARCHAR), 2, '0'), '/', "
            "LPAD(CAST(\"day\" AS VARCHAR), 2, '0'))"
        )
        return bounds(expression, lambda day: f"'{day.strftime('%Y/%m/%d')}'")
    return None


def flow_rows_query(
    database: str, table: str, schema: TableSchema, *, start: datetime | None = None, end: datetime | None = None
) -> str:
    """Stage A's SQL for this table, with partition pruning for the window."""
    if "interface_id" not in schema.column_names and "resource_id" not in schema.column_names:
        raise InputError(
            "the table has no interface_id column: is it a VPC flow-log table?", source=f"{database}.{table}"
        )
    return flow_rows_sql(
        f"{database}.{table}",
        schema.column_names,
        start=start,
        end=end,
        where=partition_predicate(schema, start, end),
    )


def run_query(
    client: Any,
    sql: str,
    *,
    database: str,
    workgroup: str,
    output_location: str | None,
    catalog: str = "AwsDataCatalog",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[str, dict[str, Any]]:
    """Start the query and wait for it: (query id, the final `QueryExecution`). Polls after 0.25 s, doubling
    up to 8 s between polls; raises `AthenaQueryError` naming the query id when it fails, is cancelled, or
    outlasts `timeout_s`."""
    request: dict[str, Any] = {
        "QueryString": sql,
        "QueryExecutionContext": {"Database": database, "Catalog": catalog},
        "WorkGroup": workgroup,
    }
    if output_location:
        request["ResultConfiguration"] = {"OutputLocation": output_location}
    query_id = str(client.start_query_execution(**request)["QueryExecutionId"])
    began = clock()
    delay = FIRST_POLL_S
    while True:
        execution = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        status = execution.get("Status", {})
        state = status.get("State")
        if state == "SUCCEEDED":
            return query_id, execution
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get("ErrorMessage")
            raise AthenaQueryError(f"Athena query {query_id} {state}: {reason or 'no reason given'}")
        if clock() - began > timeout_s:
            raise AthenaQueryError(
                f"Athena query {query_id} still {state or 'pending'} after {timeout_s:.0f} s; "
                f"stop it with: aws athena stop-query-execution --query-execution-id {query_id}"
            )
        sleep(delay)
        delay = min(delay * 2, MAX_POLL_S)


def query_results(client: Any, query_id: str) -> pa.Table:
    """All rows of a finished query, typed from Athena's column types (integers as int64, the rest as text;
    an absent value is NULL). The first row of the first page is the header, and is dropped."""
    names: list[str] | None = None
    types: list[str] = []
    columns: list[list[Any]] = []
    first_page = True
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        result_set = page["ResultSet"]
        if names is None:
            info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
            names = [column["Name"] for column in info]
            types = [column.get("Type", "varchar").lower() for column in info]
            columns = [[] for _ in names]
        rows = result_set.get("Rows", [])
        if first_page:
            rows = rows[1:]
            first_page = False
        for row in rows:
            data = row.get("Data", [])
            if len(data) != len(names):
                raise AthenaQueryError(
                    f"Athena query {query_id}: a result row has {len(data)} values, not {len(names)}"
                )
            for index, cell in enumerate(data):
                columns[index].append(_value(cell.get("VarCharValue"), types[index], query_id))
    if names is None:
        return pa.table({})
    fields = [
        pa.field(name, pa.int64() if kind in INTEGER_TYPES else pa.string())
        for name, kind in zip(names, types, strict=True)
    ]
    return pa.Table.from_arrays(
        [pa.array(values, type=field.type) for values, field in zip(columns, fields, strict=True)],
        schema=pa.schema(fields),
    )


def athena_flow_rows(
    client: Any,
    *,
    database: str,
    table: str,
    workgroup: str,
    output_location: str | None,
    start: datetime | None = None,
    end: datetime | None = None,
    schema: TableSchema | None = None,
    catalog: str = "AwsDataCatalog",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sleep: Callable[[float], None] = time.sleep,
) -> AthenaResult:
    """Run Stage A in Athena over `database.table` and return its rows, typed as the local path has them.
    `schema` None reads the table's columns with `GetTableMetadata`; `DOCUMENTED_TABLE` assumes AWS's DDL."""
    quote_table(f"{database}.{table}")  # refuses names that are not plain identifiers before any call
    if schema is None:
        schema = table_schema(client, database, table, catalog=catalog)
    sql = flow_rows_query(database, table, schema, start=start, end=end)
    query_id, execution = run_query(
        client,
        sql,
        database=database,
        workgroup=workgroup,
        output_location=output_location,
        catalog=catalog,
        timeout_s=timeout_s,
        sleep=sleep,
    )
    rows = query_results(client, query_id)
    if tuple(rows.column_names) != FLOW_ROW_COLUMNS:
        raise AthenaQueryError(
            f"Athena query {query_id} returned columns {', '.join(rows.column_names) or '(none)'}, "
            f"not Stage A's {', '.join(FLOW_ROW_COLUMNS)}"
        )
    scanned = execution.get("Statistics", {}).get("DataScannedInBytes")
    return AthenaResult(rows=rows, query_id=query_id, sql=sql, data_scanned_bytes=scanned)


def _value(text: str | None, kind: str, query_id: str) -> Any:
    if text is None:
        return None
    if kind in INTEGER_TYPES:
        try:
            return int(text)
        except ValueError:
            raise AthenaQueryError(f"Athena query {query_id}: '{text}' is not a {kind}") from None
    return text


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _java_date_format(pattern: str) -> str:
    """`yyyy/MM/dd` (partition projection's Java pattern) as a strftime format."""
    result = pattern
    for java, python in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H")):
        result = result.replace(java, python)
    return result


def aggregate_athena(
    topology: Topology | str | Path,
    *,
    database: str,
    table: str,
    workgroup: str = "primary",
    output_location: str | None = None,
    start: datetime | date | str | None = None,
    end: datetime | date | str | None = None,
    monthly: bool = False,
    client: Any | None = None,
    schema: TableSchema | None = None,
    catalog: str = "AwsDataCatalog",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sleep: Callable[[float], None] = time.sleep,
) -> FlowLogAggregate:
    """The traffic matrix and report of the flow logs in an Athena table: Stage A in Athena, Stage B here, so
    the result is what `aggregate_flowlogs` gives for the same records. `client` None builds one from the usual
    credential chain. The report names the query (`files.athena_query_id`) and the bytes Athena scanned."""
    loaded = topology if isinstance(topology, Topology) else load_topology(topology)
    window_start, window_end = parse_window(start, end)
    result = athena_flow_rows(
        client if client is not None else athena_client(),
        database=database,
        table=table,
        workgroup=workgroup,
        output_location=output_location,
        start=window_start,
        end=window_end,
        schema=schema,
        catalog=catalog,
        timeout_s=timeout_s,
        sleep=sleep,
    )
    report = FlowLogReport()
    report.files = {
        "athena_query_id": result.query_id,
        "athena_table": f"{database}.{table}",
        "athena_data_scanned_bytes": result.data_scanned_bytes,
    }
    counted = count_flows(
        result.rows,
        loaded,
        report=report,
        window_start=None if window_start is None else epoch_seconds(window_start),
        window_end=None if window_end is None else epoch_seconds(window_end),
        monthly=monthly,
    )
    return FlowLogAggregate(traffic=counted.traffic, report=counted.report)
