"""Local flow-log aggregation: the format of headerless records taken from the flow logs the topology records."""

from __future__ import annotations

from pathlib import Path

from tests.flowlogs.builders import rows, sample_vpc, write, write_topology
from vpccost.flowlogs import aggregate_flowlogs


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
