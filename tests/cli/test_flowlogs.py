"""`vpccost flowlogs aggregate` from the command line: the traffic file `compare` reads unchanged, the report,
and bad input stopping with exit code 2, a message naming the file, line and field, and no output written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOT, run_cli
from tests.flowlogs.builders import (
    A1,
    B1,
    NAT_ENI,
    VPC_A,
    VPC_B,
    nat_records,
    record,
    topology,
    without_comments,
    write_log,
    write_topology,
)


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, Path]:
    """A's instance talks to B (logged at both ends) and to the internet through A's NAT gateway."""
    logs = tmp_path / "AWSLogs" / "111111111111" / "vpcflowlogs" / "us-east-1" / "2026" / "11" / "02"
    to_b = record(
        interface_id="eni-0a1", srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=2000, flow_direction="egress"
    )
    at_b = {**to_b, "interface-id": "eni-0b1", "flow-direction": "ingress", "vpc-id": VPC_B}
    write_log(logs / "111111111111_vpcflowlogs_us-east-1_fl-0a_20261102T0005Z_a1.log.gz", [to_b, *nat_records()])
    write_log(logs / "111111111111_vpcflowlogs_us-east-1_fl-0b_20261102T0005Z_b1.log.gz", [at_b])
    return tmp_path / "AWSLogs", write_topology(tmp_path / "topology.yaml", topology(inventory=True))


def test_the_traffic_file_loads_in_compare_unchanged(tmp_path: Path, estate: tuple[Path, Path]) -> None:
    logs, topology_file = estate
    output, report = tmp_path / "traffic.csv", tmp_path / "report.json"
    result = run_cli("flowlogs", "aggregate", logs, "--topology", topology_file, "--output", output, "--report", report)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(without_comments(output.read_text()))))
    # A → B 2,000 bytes (B's ingress copy counted at A), A ↔ internet 500 and 4,000 bytes through the NAT gateway
    assert {(row["src"], row["dst"], row["initiator"], row["bytes"]) for row in rows} == {
        (VPC_A, VPC_B, "src", "2000"),
        (VPC_A, "internet", "src", "500"),
        ("internet", VPC_A, "dst", "4000"),
    }
    document = json.loads(report.read_text())
    assert document["reconciles"] is True
    # read: 2,000 × 2 + the instance's 4,500 + the NAT ENI's 9,000
    assert document["bytes"]["read"] == 17500
    assert document["bytes"]["used"] == 6500
    assert [box["interface_id"] for box in document["middleboxes"]] == [NAT_ENI]
    # one record to B, its copy at B, and the six of the NAT example
    assert "flow logs: 8 records read" in result.stderr
    # the file records the minute the records cover: compare prices that minute without being told
    compared = run_cli("compare", output, "--topology", topology_file, "--format", "json", "--pricing", SNAPSHOT)
    assert compared.exit_code == 0, compared.stderr
    assert json.loads(compared.stdout)["designs"]
    assert json.loads(compared.stdout)["period_hours"] == document["window"]["period_hours"]


def test_without_output_the_matrix_goes_to_stdout(estate: tuple[Path, Path]) -> None:
    logs, topology_file = estate
    result = run_cli("flowlogs", "aggregate", logs, "--topology", topology_file)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# vpccost-period-hours: ")
    assert without_comments(result.stdout).splitlines()[0] == (
        "src,dst,src_az,dst_az,initiator,ip_version,bytes,observed_gb"
    )


def test_monthly_output_gives_gb_per_month(tmp_path: Path, estate: tuple[Path, Path]) -> None:
    logs, topology_file = estate
    output = tmp_path / "monthly.csv"
    window = ["--start", "2026-11-02T00:00:00Z", "--end", "2026-11-02T01:00:00Z", "--monthly"]
    result = run_cli("flowlogs", "aggregate", logs, "--topology", topology_file, "--output", output, *window)
    assert result.exit_code == 0, result.stderr
    rows = {row["dst"]: row for row in csv.DictReader(io.StringIO(without_comments(output.read_text())))}
    # 2,000 bytes in one hour: 2,000 × 730 / 2^30 = 1,460,000 / 1,073,741,824 = 0.0013597309… GB a month
    assert rows[VPC_B]["gb"] == "0.001359731"
    assert rows[VPC_B]["observed_bytes"] == "2000"
    assert run_cli("compare", output, "--topology", topology_file, "--pricing", SNAPSHOT).exit_code == 0


def test_a_bad_topology_names_its_file_line_and_field_and_writes_nothing(
    tmp_path: Path, estate: tuple[Path, Path]
) -> None:
    logs, _ = estate
    bad = tmp_path / "bad.yaml"
    bad.write_text("vpcs:\n  - id: vpc-1\n    account: '1'\n    region: us-east-1\n    cidrs: [10.0.0.0/33]\n")
    output = tmp_path / "traffic.csv"
    result = run_cli("flowlogs", "aggregate", logs, "--topology", bad, "--output", output)
    assert result.exit_code == 2
    assert f"{bad}, line 5, field 'vpcs[0].cidrs'" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--log-format", "${version} ${account id}", "--log-format, field '${account': field 2"),
        ("--log-format", "${version} ${version}", "field 'version': field 2 'version' appears twice"),
        ("--start", "yesterday", "--start, field '--start': 'yesterday' is not an ISO-8601 time or date"),
        ("--end", "2026-13-01", "--end, field '--end': '2026-13-01' is not an ISO-8601 time or date"),
    ],
)
def test_bad_options_exit_2_before_reading(
    tmp_path: Path, estate: tuple[Path, Path], option: str, value: str, message: str
) -> None:
    logs, topology_file = estate
    output = tmp_path / "traffic.csv"
    result = run_cli("flowlogs", "aggregate", logs, "--topology", topology_file, "--output", output, option, value)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert not output.exists()


def test_a_missing_path_and_an_inverted_window_are_bad_input(tmp_path: Path, estate: tuple[Path, Path]) -> None:
    _, topology_file = estate
    missing = run_cli("flowlogs", "aggregate", tmp_path / "nowhere", "--topology", topology_file)
    assert missing.exit_code == 2
    assert "nowhere: no such file or directory" in missing.stderr
    inverted = run_cli(
        "flowlogs", "aggregate", tmp_path, "--topology", topology_file, "--start", "2026-11-03", "--end", "2026-11-02"
    )
    assert inverted.exit_code == 2
    assert "the end must come after the start" in inverted.stderr


def test_the_bundled_example_gives_the_matrix_its_readme_states(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "flowlogs"
    output = tmp_path / "traffic.csv"
    result = run_cli(
        "flowlogs", "aggregate", example / "AWSLogs", "--topology", example / "topology.yaml", "--output", output
    )
    assert result.exit_code == 0, result.stderr
    orders, billing = "vpc-0f1e2d3c4b5a69788", "vpc-0a9b8c7d6e5f40312"
    rows = {
        (row["src"], row["dst"], row["src_az"], row["dst_az"], row["initiator"], int(row["bytes"]))
        for row in csv.DictReader(io.StringIO(without_comments(output.read_text())))
    }
    # examples/flowlogs/README.md: each connection's bytes per minute × 30 minutes
    assert rows == {
        (orders, billing, "use1-az1", "use1-az1", "src", 2_000_000 * 30),
        (orders, billing, "use1-az2", "use1-az1", "src", 500_000 * 30),
        (billing, orders, "use1-az1", "use1-az1", "dst", 8_000_000 * 30),
        (billing, orders, "use1-az1", "use1-az2", "dst", 1_500_000 * 30),
        (orders, "internet", "use1-az1", "", "src", 300_000 * 30),
        ("internet", orders, "", "use1-az1", "dst", 3_000_000 * 30),
        (orders, "aws:s3", "use1-az2", "", "src", 100_000 * 30),
        ("aws:s3", orders, "", "use1-az2", "dst", 10_000_000 * 30),
    }
    compared = run_cli(
        "compare", output, "--topology", example / "topology.yaml", "--hours", "0.5", "--pricing", SNAPSHOT
    )
    assert compared.exit_code == 0, compared.stderr


def test_a_parquet_matrix_records_its_period_and_compare_prices_it(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "flowlogs"
    output = tmp_path / "traffic.parquet"
    result = run_cli(
        "flowlogs", "aggregate", example / "AWSLogs", "--topology", example / "topology.yaml", "--output", output
    )
    assert result.exit_code == 0, result.stderr
    assert "the matrix covers 0.5 hours, recorded with it" in result.stderr
    compared = run_cli(
        "compare", output, "--topology", example / "topology.yaml", "--format", "json", "--pricing", SNAPSHOT
    )
    assert compared.exit_code == 0, compared.stderr
    assert json.loads(compared.stdout)["period_hours"] == "0.5"
    refused = run_cli(
        "breakeven", output, "-t", example / "topology.yaml", "--vpc", "orders", "--service", "aws:s3",
        "--options", "nat,interface-endpoint", "--hours", "730", "--pricing", SNAPSHOT,
    )  # fmt: skip
    assert refused.exit_code == 2
    assert f"{output}, field 'hours': the traffic covers 0.5 hours" in refused.stderr
