"""Local flow-log aggregation: the format of headerless records taken from the flow logs the topology records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from tests.flowlogs.builders import rows, sample_vpc, write, write_topology
from vpccost.errors import InputError
from vpccost.flowlogs import aggregate_flowlogs
from vpccost.flowlogs.aggregate import parse_time, parse_window


def test_headerless_records_take_the_format_the_topology_records(tmp_path: Path) -> None:
    """`vpccost discover` records each flow log's LogFormat: a CloudWatch Logs stream's records are then read in
    it without --log-format, and the report says whose format it used."""
    fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${bytes} ${flow-direction}"
    line = "5 eni-1235b8ca123456789 10.0.0.62 198.51.100.7 40000 443 777 egress\n"
    path = write(tmp_path / "stream.log", line.encode())
    flow_log = {
        "id": "fl-0123456789abcdef0",
        "resource": "vpc-abcdefab012345678",
        "destination_type": "cloud-watch-logs",
        "destination": "arn:aws:logs:us-east-1:123456789010:log-group:flows",
        "log_format": fields,
    }
    topology = write_topology(tmp_path / "topology.yaml", {"vpcs": [sample_vpc()], "flow_logs": [flow_log]})
    result = aggregate_flowlogs(path, topology)
    assert rows(result) == {("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 777)}
    assert any("fl-0123456789abcdef0" in warning for warning in result.report.warnings)
    # two CloudWatch Logs flow logs of different formats: ambiguous, so the default format and a warning
    other = {**flow_log, "id": "fl-0123456789abcdef1", "log_format": ""}
    ambiguous = write_topology(tmp_path / "two.yaml", {"vpcs": [sample_vpc()], "flow_logs": [flow_log, other]})
    fallback = aggregate_flowlogs(path, ambiguous)
    assert fallback.report.skipped["malformed"].records == 1
    assert any("2 formats" in warning for warning in fallback.report.warnings)


def test_times_and_dates_are_utc_and_a_time_without_an_offset_is_utc() -> None:
    assert parse_time("2026-11-02", "--start") == datetime(2026, 11, 2, tzinfo=UTC)
    assert parse_time("2026-11-02T08:00:00Z", "--start") == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert parse_time("2026-11-02T10:00:00+02:00", "--start") == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert parse_time(date(2026, 11, 2), "--start") == datetime(2026, 11, 2, tzinfo=UTC)
    paris = datetime(2026, 11, 2, 9, tzinfo=timezone(timedelta(hours=1)))
    assert parse_time(paris, "--start") == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert parse_time(None, "--start") is None
    with pytest.raises(InputError, match="'yesterday' is not an ISO-8601 time or date") as raised:
        parse_time("yesterday", "--start")
    assert raised.value.field == "--start"


def test_the_window_may_be_open_but_never_inverted() -> None:
    assert parse_window(None, "2026-11-03") == (None, datetime(2026, 11, 3, tzinfo=UTC))
    with pytest.raises(InputError, match="the end must come after the start"):
        parse_window("2026-11-03", "2026-11-03")


EXAMPLE = Path(__file__).parents[2] / "examples" / "flowlogs"


@pytest.mark.parametrize(("monthly", "hours", "scaled_from"), [(False, "0.5", None), (True, "730", "0.5")])
def test_the_matrix_records_the_period_its_volumes_cover_in_csv_and_parquet(
    tmp_path: Path, monthly: bool, hours: str, scaled_from: str | None
) -> None:
    import pyarrow.parquet as pq

    from vpccost.inputs.traffic import load_traffic

    result = aggregate_flowlogs(EXAMPLE / "AWSLogs", EXAMPLE / "topology.yaml", monthly=monthly)
    assert result.period is not None
    entries = result.period.entries()
    assert entries["vpccost-period-hours"] == hours
    assert (entries["vpccost-window-start"], entries["vpccost-window-end"]) == (
        "2026-11-02T09:00:00Z",
        "2026-11-02T09:30:00Z",
    )
    assert entries.get("vpccost-scaled-from-hours") == scaled_from
    csv_path, parquet_path = tmp_path / "traffic.csv", tmp_path / "traffic.parquet"
    csv_path.write_text(result.to_csv())
    result.to_parquet(parquet_path)
    assert pq.read_schema(parquet_path).metadata[b"vpccost-period-hours"] == hours.encode()
    from_csv, from_parquet = load_traffic(csv_path), load_traffic(parquet_path)
    assert from_csv.period is not None and from_parquet.period is not None
    assert from_csv.period.hours == from_parquet.period.hours == Decimal(hours)
    # the same volumes, exactly, from either file
    assert from_csv.total_gb == from_parquet.total_gb


@pytest.mark.parametrize(
    ("value", "cell"), [("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("vpc-1", "vpc-1"), (3, "3")]
)
def test_every_text_cell_of_the_matrix_is_neutralised(value: object, cell: str) -> None:
    from vpccost.flowlogs.aggregate import _cell

    assert _cell(value) == cell
