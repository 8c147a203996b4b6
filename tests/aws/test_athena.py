"""Stage A in Athena: the boto3 call sequence (against moto, and botocore's Stubber for what moto cannot do:
FAILED and CANCELLED queries, paged results, GetTableMetadata), the partition predicates, and the SQL itself
run by DuckDB over a generated estate loaded as a table shaped like AWS's documented Athena table, giving the
same Stage A rows as the local path."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from tests.support.athena_results import ACCEPTED, HEADER_ROW, NODATA, column_info, result_row
from tests.support.synthetic_flowlogs import generate
from vpccost.aws.athena import (
    DOCUMENTED_COLUMNS,
    DOCUMENTED_TABLE,
    AthenaQueryError,
    TableSchema,
    athena_flow_rows,
    flow_rows_query,
    partition_predicate,
    query_results,
    run_query,
    table_schema,
)
from vpccost.flowlogs.records import RecordReader
from vpccost.flowlogs.sources import fetch, list_sources
from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS, flow_rows_sql

START = datetime(2026, 11, 2, tzinfo=UTC)
END = datetime(2026, 11, 3, tzinfo=UTC)


@pytest.fixture(autouse=True)
def offline_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_runs_stage_a_and_reads_typed_rows_against_moto() -> None:
    from moto import mock_aws
    from moto.athena.models import QueryResults, athena_backends
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]

    with mock_aws():
        backend = athena_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        backend.query_results_queue.append(
            QueryResults(rows=[HEADER_ROW, result_row(ACCEPTED), result_row(NODATA)], column_info=column_info())
        )
        client = boto3.client("athena", region_name="us-east-1")
        client.create_work_group(Name="flowlogs-wg", Configuration={})
        sleeps: list[float] = []
        result = athena_flow_rows(
            client,
            database="flowlogs",
            table="vpc_flow_logs",
            workgroup="flowlogs-wg",
            output_location="s3://query-results-bucket/vpccost/",
            start=START,
            end=END,
            schema=DOCUMENTED_TABLE,
            sleep=sleeps.append,
        )
        execution = backend.executions[result.query_id]
        assert execution.query == result.sql
        assert execution.workgroup is not None and execution.workgroup.name == "flowlogs-wg"
        assert execution.config["OutputLocation"].startswith("s3://query-results-bucket/vpccost/")
    # files are dated by delivery, up to an hour after their records: 2026-11-01 23:00 to 2026-11-03 01:00
    assert "\"date\" >= DATE '2026-11-01' AND \"date\" <= DATE '2026-11-03'" in result.sql
    assert result.rows.column_names == list(FLOW_ROW_COLUMNS)
    rows = result.rows.to_pylist()
    assert rows[0]["bytes"] == 9_000_000_000 and rows[0]["srcaddr"] == "10.0.1.5" and rows[0]["subnet_id"] is None
    assert rows[1]["status"] == "NODATA" and rows[1]["records"] == 2
    assert result.rows.schema.field("bytes").type == pa.int64()


def stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("athena", region_name="eu-west-1")
    return client, Stubber(client)


def execution(query_id: str, state: str, reason: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"State": state}
    if reason:
        status["StateChangeReason"] = reason
    return {"QueryExecution": {"QueryExecutionId": query_id, "Status": status}}


def test_a_failed_query_names_its_id_and_athenas_reason_after_backing_off() -> None:
    client, stubber = stubbed()
    stubber.add_response("start_query_execution", {"QueryExecutionId": "q-failed-1"})
    for state in ("QUEUED", "RUNNING", "RUNNING", "RUNNING"):
        stubber.add_response("get_query_execution", execution("q-failed-1", state))
    reason = "TABLE_NOT_FOUND: line 23:8: Table 'awsdatacatalog.flowlogs.vpc_flow_logs' does not exist"
    stubber.add_response("get_query_execution", execution("q-failed-1", "FAILED", reason))
    sleeps: list[float] = []
    with stubber, pytest.raises(AthenaQueryError) as raised:
        run_query(
            client, "SELECT 1", database="flowlogs", workgroup="primary", output_location=None, sleep=sleeps.append
        )
    assert str(raised.value) == f"Athena query q-failed-1 FAILED: {reason}"
    assert sleeps == [0.25, 0.5, 1.0, 2.0]  # exponential backoff, one sleep per unfinished poll
    stubber.assert_no_pending_responses()


def test_a_cancelled_query_and_a_query_that_outlasts_the_timeout() -> None:
    client, stubber = stubbed()
    stubber.add_response("start_query_execution", {"QueryExecutionId": "q-2"})
    stubber.add_response("get_query_execution", execution("q-2", "CANCELLED", "Query cancelled by user"))
    with stubber, pytest.raises(AthenaQueryError, match=r"^Athena query q-2 CANCELLED: Query cancelled by user$"):
        run_query(client, "SELECT 1", database="d", workgroup="w", output_location=None, sleep=lambda _: None)

    client, stubber = stubbed()
    stubber.add_response("start_query_execution", {"QueryExecutionId": "q-3"})
    for _ in range(3):
        stubber.add_response("get_query_execution", execution("q-3", "RUNNING"))
    ticks = iter([0.0, 5.0, 11.0, 100.0])
    with stubber, pytest.raises(AthenaQueryError, match=r"q-3 still RUNNING after 10 s.*stop-query-execution"):
        run_query(
            client,
            "SELECT 1",
            database="d",
            workgroup="w",
            output_location=None,
            timeout_s=10,
            sleep=lambda _: None,
            clock=lambda: next(ticks),
        )


def test_results_are_read_page_by_page_and_only_the_first_row_is_a_header() -> None:
    client, stubber = stubbed()
    metadata = {"ColumnInfo": column_info()}
    first = {
        "ResultSet": {"Rows": [HEADER_ROW, result_row(ACCEPTED)], "ResultSetMetadata": metadata},
        "NextToken": "p2",
    }
    second = {"ResultSet": {"Rows": [result_row(NODATA), result_row(ACCEPTED)], "ResultSetMetadata": metadata}}
    stubber.add_response("get_query_results", first, {"QueryExecutionId": "q-4"})
    stubber.add_response("get_query_results", second, {"QueryExecutionId": "q-4", "NextToken": "p2"})
    with stubber:
        table = query_results(client, "q-4")
    assert table.column("status").to_pylist() == ["ACCEPT", "NODATA", "ACCEPT"]
    assert table.column("bytes").to_pylist() == [9_000_000_000, 0, 9_000_000_000]


def test_the_table_columns_and_partitions_come_from_get_table_metadata() -> None:
    client, stubber = stubbed()
    columns = [{"Name": name, "Type": kind} for name, kind in DOCUMENTED_COLUMNS[:14]]
    stubber.add_response(
        "get_table_metadata",
        {
            "TableMetadata": {
                "Name": "vpc_flow_logs_hive",
                "Columns": columns,
                "PartitionKeys": [{"Name": key, "Type": "string"} for key in ("year", "month", "day", "hour")],
                "Parameters": {"skip.header.line.count": "1"},
            }
        },
        {"CatalogName": "AwsDataCatalog", "DatabaseName": "flowlogs", "TableName": "vpc_flow_logs_hive"},
    )
    with stubber:
        schema = table_schema(client, "flowlogs", "vpc_flow_logs_hive")
    assert schema.column_names[:3] == ("version", "account_id", "interface_id")
    predicate = partition_predicate(schema, START, END)
    assert predicate is not None and predicate.endswith(">= '2026/11/01' AND " + predicate.split(" AND ")[1])
    assert "<= '2026/11/03'" in predicate


def test_partition_predicates_for_each_documented_layout() -> None:
    projected = TableSchema(
        DOCUMENTED_COLUMNS,
        (("accid", "string"), ("region", "string"), ("day", "string")),
        (("projection.day.format", "yyyy/MM/dd"),),
    )
    assert partition_predicate(projected, START, None) == "\"day\" >= '2026/11/01'"
    dashed = TableSchema(DOCUMENTED_COLUMNS, (("date", "string"),), (("projection.date.format", "yyyy-MM-dd"),))
    assert partition_predicate(dashed, None, END) == "\"date\" <= '2026-11-03'"
    assert partition_predicate(TableSchema(DOCUMENTED_COLUMNS), START, END) is None  # nothing to prune on
    assert partition_predicate(DOCUMENTED_TABLE, None, None) is None


def test_a_table_name_that_is_not_an_identifier_is_refused_before_any_call() -> None:
    client, stubber = stubbed()
    with stubber, pytest.raises(ValueError, match="is not a table name"):
        athena_flow_rows(client, database="flowlogs", table="logs; DROP TABLE x", workgroup="w", output_location=None)


_DATED = re.compile(r"(?:/|=)(?P<y>\d{4})/(?:month=)?(?P<m>\d{2})/(?:day=)?(?P<d>\d{2})/")


def athena_shaped_table(root: Path) -> pa.Table:
    """Every record of the generated files in the documented table's columns (plus `interface_type`, a column
    a v11 table has), typed as the DDL says, with the `date` partition of its file's key. Lines with the wrong
    field count are left out, as the local reader sets them aside."""
    names = [name for name, _ in DOCUMENTED_COLUMNS] + ["interface_type"]
    kinds = dict(DOCUMENTED_COLUMNS) | {"interface_type": "string"}
    columns: dict[str, list[Any]] = {name: [] for name in [*names, "date"]}
    for path in sorted(root.rglob("*.log.gz")):
        match = _DATED.search(path.as_posix())
        assert match is not None
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        fields = [field.replace("-", "_") for field in lines[0].split()]
        for line in lines[1:]:
            values = line.split()
            if len(values) != len(fields):
                continue
            record = dict(zip(fields, values, strict=True))
            for name in names:
                text = record.get(name)
                number = None if kinds[name] == "string" or text in (None, "-") else int(str(text))
                columns[name].append(text if kinds[name] == "string" else number)
            columns["date"].append(day)
    types = {name: pa.string() if kinds[name] == "string" else pa.int64() for name in names} | {"date": pa.date32()}
    return pa.table({name: pa.array(values, type=types[name]) for name, values in columns.items()})


class DuckDbAsAthena:
    """Answers `get_query_results` pages as Athena would (text values, a header row first, 3 rows a page)
    from a DuckDB result, so that the rows go through the same conversion as real Athena results."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def get_paginator(self, name: str) -> DuckDbAsAthena:
        assert name == "get_query_results"
        return self

    def paginate(self, QueryExecutionId: str) -> Iterator[dict[str, Any]]:
        info = [
            {"Name": f.name, "Type": "bigint" if pa.types.is_integer(f.type) else "varchar"} for f in self.table.schema
        ]
        rows = [{"Data": [{"VarCharValue": f.name} for f in self.table.schema]}]
        for record in self.table.to_pylist():
            rows.append({"Data": [{} if v is None else {"VarCharValue": str(v)} for v in record.values()]})
        for offset in range(0, len(rows), 3):
            yield {"ResultSet": {"Rows": rows[offset : offset + 3], "ResultSetMetadata": {"ColumnInfo": info}}}


def sorted_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted((tuple(row.values()) for row in table.to_pylist()), key=repr)


def test_stage_a_over_the_athena_shaped_table_equals_the_local_path(tmp_path: Path) -> None:
    estate = generate(tmp_path, records=4000, seed=21, hours=0.5, malformed_lines=0, double_space_lines=0)
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA flowlogs")
    athena_table = athena_shaped_table(estate.logs)
    connection.register("athena_records", athena_table)
    connection.execute("CREATE TABLE flowlogs.vpc_flow_logs AS SELECT * FROM athena_records")
    typed = tuple(
        (f.name, "bigint" if pa.types.is_integer(f.type) else "string") for f in athena_table.schema if f.name != "date"
    )
    schema = TableSchema(typed, (("date", "date"),))
    sql = flow_rows_query("flowlogs", "vpc_flow_logs", schema, start=START, end=END)
    athena_rows = query_results(DuckDbAsAthena(connection.sql(sql).to_arrow_table()), "duckdb")

    listing = list_sources([str(estate.logs)])
    reader = RecordReader(listing.sources, fetch, threads=2)
    local = pa.Table.from_batches(list(reader.vpc_batches()))
    assert reader.error is None
    connection.register("local_records", local)
    local_rows = connection.sql(
        flow_rows_sql("local_records", local.column_names, start=START, end=END)
    ).to_arrow_table()

    assert athena_rows.num_rows > 100
    assert sorted_rows(athena_rows) == sorted_rows(local_rows.cast(athena_rows.schema))
    accepted = [row for row in athena_rows.to_pylist() if row["status"] == "ACCEPT"]
    assert sum(row["duplicate_records"] for row in athena_rows.to_pylist()) == estate.counts["duplicate"]
    assert sum(row["records"] for row in accepted) == estate.counts["workload"] + estate.counts["middlebox"]


class DuckDbAthenaClient(DuckDbAsAthena):
    """The whole Athena call sequence answered by DuckDB: the query runs there, succeeds on the second poll, and
    its result comes back in Athena's pages."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        super().__init__(pa.table({}))
        self.connection = connection
        self.polls = 0
        self.queries: list[str] = []

    def start_query_execution(self, **request: Any) -> dict[str, Any]:
        self.queries.append(request["QueryString"])
        self.table = self.connection.sql(request["QueryString"]).to_arrow_table()
        return {"QueryExecutionId": f"query-{len(self.queries)}"}

    def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        self.polls += 1
        state = "SUCCEEDED" if self.polls % 2 == 0 else "RUNNING"
        return {"QueryExecution": {"Status": {"State": state}, "Statistics": {"DataScannedInBytes": 1234}}}


def test_the_athena_path_gives_the_local_matrix_and_the_ground_truth(tmp_path: Path) -> None:
    from vpccost.aws.athena import aggregate_athena
    from vpccost.flowlogs import aggregate_flowlogs

    estate = generate(tmp_path, records=3000, seed=5, hours=0.5, malformed_lines=0, double_space_lines=0)
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA flowlogs")
    athena_table = athena_shaped_table(estate.logs)
    connection.register("athena_records", athena_table)
    connection.execute("CREATE TABLE flowlogs.vpc_flow_logs AS SELECT * FROM athena_records")
    typed = tuple(
        (f.name, "bigint" if pa.types.is_integer(f.type) else "string") for f in athena_table.schema if f.name != "date"
    )
    client = DuckDbAthenaClient(connection)
    remote = aggregate_athena(
        estate.topology,
        database="flowlogs",
        table="vpc_flow_logs",
        workgroup="primary",
        output_location="s3://results/",
        client=client,
        schema=TableSchema(typed, (("date", "date"),)),
        sleep=lambda seconds: None,
    )
    local = aggregate_flowlogs(estate.logs, estate.topology)
    assert remote.to_csv() == local.to_csv()
    truth = pd.read_csv(estate.ground_truth)
    assert int(remote.to_frame()["bytes"].sum()) == int(truth["bytes"].sum())
    assert remote.report.reconciles
    assert remote.report.files["athena_query_id"] == "query-1"
    assert remote.report.to_dict()["records"]["used"] == local.report.to_dict()["records"]["used"]
