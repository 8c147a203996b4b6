"""Flow-log record formats: fields a later version adds pass through, and headerless records need their format."""

from __future__ import annotations

from pathlib import Path

from tests.flowlogs.builders import (
    A1,
    B1,
    ENI_A1,
    V2_FIELDS,
    VPC_A,
    VPC_B,
    record,
    rows,
    run,
    sample_topology,
    write,
)
from vpccost.flowlogs import aggregate_flowlogs


def test_fields_vpccost_does_not_know_pass_through(tmp_path: Path) -> None:
    # a later version's field, anywhere in the header: read, reported, and ignored
    fields = ["next-version-field", *V2_FIELDS, "flow-direction"]
    one = record(
        next_version_field="anything",
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40000,
        dstport=443,
        bytes=77,
        flow_direction="egress",
    )
    result = run(tmp_path, {"a.log": [one]}, fields=fields)
    assert rows(result) == {(VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 77)}
    (seen,) = result.report.formats
    assert seen["unknown_fields"] == ["next-version-field"]


def test_headerless_records_in_a_custom_format_need_log_format(tmp_path: Path) -> None:
    fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${bytes} ${flow-direction}"
    line = "5 eni-1235b8ca123456789 10.0.0.62 198.51.100.7 40000 443 777 egress\n"
    path = write(tmp_path / "stream.log", line.encode())
    topology = sample_topology(tmp_path)
    assert rows(aggregate_flowlogs(path, topology, log_format=fields)) == {
        ("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 777)
    }
    # read as the default format, its 8 fields are not 14: malformed, counted, and a hint given
    default = aggregate_flowlogs(path, topology)
    assert default.report.skipped["malformed"].records == 1
    assert any("--log-format" in warning for warning in default.report.warnings)
