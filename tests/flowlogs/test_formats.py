"""Flow-log record formats: fields a later version adds pass through, and headerless records need their format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
from vpccost.errors import InputError
from vpccost.flowlogs import aggregate_flowlogs
from vpccost.flowlogs.formats import DEFAULT_FORMAT, LogKind, column_name, field_name, header_format, parse_log_format


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


# ---- formats on their own (AWS's "Flow log records" page: the fields of each version, ${field} in LogFormat) -----
def test_a_header_line_names_fields_and_a_record_line_does_not() -> None:
    header = header_format("version account-id interface-id srcaddr dstaddr bytes")
    assert header is not None and header.fields[:2] == ("version", "account-id")
    assert header_format("2 123456789010 eni-1235b8ca123456789 10.0.0.62 198.51.100.7 5000") is None
    assert header_format("colour shape") is None  # field names, but none vpccost knows
    tgw = header_format("version resource-type account-id tgw-id tgw-attachment-id bytes")
    assert tgw is not None and tgw.kind is LogKind.transit_gateway


def test_a_log_format_as_describe_flow_logs_gives_it_or_plain_names() -> None:
    assert parse_log_format("${version} ${interface-id} ${bytes}").fields == ("version", "interface-id", "bytes")
    assert parse_log_format("version interface-id bytes").fields == ("version", "interface-id", "bytes")
    assert parse_log_format("  ") == DEFAULT_FORMAT  # as DescribeFlowLogs gives the default format
    assert parse_log_format("${bytes} ${next-field}").unknown_fields == ("next-field",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${version} ${Bytes}", "field 2 '${Bytes}' is not a flow-log field"),
        ("${bytes} ${bytes}", "field 2 'bytes' appears twice"),
        ("${colour}", "none of the fields is a known flow-log field"),
    ],
)
def test_what_is_not_a_log_format_is_bad_input(text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_log_format(text)


def test_fields_and_columns() -> None:
    assert column_name("pkt-srcaddr") == "pkt_srcaddr" and field_name("pkt_srcaddr") == "pkt-srcaddr"
    assert DEFAULT_FORMAT.text.startswith("version account-id interface-id srcaddr dstaddr")
