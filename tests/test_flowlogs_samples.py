"""Every sample file (tests/flowlogs/samples, see its SOURCES.txt) is read without a crash: each record is parsed
or rejected for a counted reason. Expected counts are the lines of each file, read by eye."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.flowlogs.builders import write_topology
from vpccost.flowlogs import FlowLogAggregate, aggregate_flowlogs

SAMPLES = Path(__file__).parent / "flowlogs" / "samples"

ACCEPTED = ("used", "middlebox", "sender_logged", "unattributed")

# file: (records read, {reason: records}, records accepted (used or set aside by the counting rule))
EXPECTED: dict[str, tuple[int, dict[str, int], int]] = {
    # no bytes field in these custom formats: nothing can be counted
    "aws-blog/vpc-encryption-controls-blog-v10-encryption-status.log": (8, {"malformed": 8}, 0),
    "aws-docs/custom_nat_gateway_eni.log": (4, {"malformed": 4}, 0),
    "aws-docs/custom_nat_source_instance_eni.log": (2, {"malformed": 2}, 0),
    "aws-docs/v3_custom_traffic_via_transit_gateway.log": (4, {"malformed": 4}, 0),
    "aws-docs/v2_accepted_rejected.log": (2, {"reject": 1}, 1),
    "aws-docs/v2_ipv6.log": (1, {}, 1),
    "aws-docs/v2_nodata_skipdata.log": (2, {"nodata": 1, "skipdata": 1}, 0),
    "aws-docs/v2_sg_nacl_icmp.log": (2, {"reject": 1}, 1),
    # the last line has a double space: still a record
    "aws-docs/v3_custom_tcp_flag_sequence.log": (8, {}, 8),
    "aws-docs/v5_custom_service_trafficpath_direction.log": (2, {}, 2),
    "cloudwatch-subscription/decoded_payload.json": (1, {}, 1),
    "cloudwatch-subscription/lambda_event_awslogs.json": (1, {}, 1),
    # numbers stored as text, 'None' for missing ones
    "flowlogs-reader/flows.parquet": (3, {"nodata": 2}, 1),
    "flowlogs-reader/v2_records_cwl_messages.log": (5, {"reject": 1, "nodata": 1, "skipdata": 1}, 2),
    "flowlogs-reader/v3_s3_text_file.log": (2, {}, 2),
    "flowlogs-reader/v4_s3_text_file.log": (2, {}, 2),
    # ends with "bogus line"
    "flowlogs-reader/v5_s3_text_file.log": (3, {"malformed": 1}, 2),
    # Transit Gateway fields only, without bytes
    "flowlogs-reader/v6_s3_text_file.log": (1, {"malformed": 1}, 0),
    "otel-collector-contrib/valid_tgw_flow_log.log": (1, {"transit_gateway_log": 1}, 0),
    "otel-collector-contrib/valid_vpc_flow_cw.json": (2, {"reject": 1}, 1),
    "otel-collector-contrib/valid_vpc_flow_log.log": (1, {"nodata": 1}, 0),
    "otel-collector-contrib/valid_vpc_flow_log_ecs.log": (1, {}, 1),
}

COUNTED_REASONS = ("malformed", "nodata", "skipdata", "reject", "transit_gateway_log", "duplicate", "outside_window")


def sample_vpc(region: str = "us-east-1", az: str = "use1-az1") -> dict[str, Any]:
    """The documentation examples' VPC (10.0.0.0/16, its subnet 10.0.0.0/24)."""
    return {
        "id": "vpc-abcdefab012345678",
        "account": "123456789010",
        "region": region,
        "cidrs": ["10.0.0.0/16"],
        "azs": [az],
        "subnets": [{"id": "subnet-aaaaaaaa012345678", "cidr": "10.0.0.0/24", "az": az}],
    }


def sample_topology(tmp_path: Path, region: str = "us-east-1", az: str = "use1-az1") -> Path:
    return write_topology(tmp_path / "topology.yaml", {"vpcs": [sample_vpc(region, az)]})


def test_every_sample_has_an_expectation() -> None:
    files = {str(path.relative_to(SAMPLES)) for path in SAMPLES.rglob("*") if path.is_file()}
    assert files - {"SOURCES.txt"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_read_and_every_record_accounted_for(tmp_path: Path, name: str) -> None:
    result = aggregate_flowlogs(SAMPLES / name, sample_topology(tmp_path))
    read, reasons, accepted = EXPECTED[name]
    report = result.report
    assert report.records_read == read
    assert {reason: report.skipped[reason].records for reason in COUNTED_REASONS if report.skipped[reason].records} == (
        reasons
    )
    counted = report.used.records + sum(report.skipped[reason].records for reason in ACCEPTED[1:])
    assert counted == accepted
    assert report.reconciles


def matrix(result: FlowLogAggregate) -> set[tuple[Any, ...]]:
    columns = ["src", "dst", "src_az", "dst_az", "initiator", "bytes"]
    return {tuple(values) for values in result.traffic[columns].itertuples(index=False, name=None)}


def test_the_tcp_flag_example_gives_its_matrix(tmp_path: Path) -> None:
    """The AWS user guide's TCP-flag sequence: 52.213.180.42 opens four connections to 10.0.0.62:5001."""
    result = aggregate_flowlogs(SAMPLES / "aws-docs/v3_custom_tcp_flag_sequence.log", sample_topology(tmp_path))
    vpc = "vpc-abcdefab012345678"
    # in: 568 + 100,701 + 23,294,588 + 1,260 bytes; out: 376 + 632 + 63,388 + 967 (the double-spaced line)
    assert matrix(result) == {
        ("internet", vpc, "", "use1-az1", "src", 23_397_117),
        (vpc, "internet", "use1-az1", "", "dst", 65_363),
    }
    # no flow-direction: the ENI talks to one peer, and 10.0.0.62 is the one inside its subnet
    assert result.report.unattributed_by_cause == {}


def test_the_traffic_path_example_names_s3(tmp_path: Path) -> None:
    topology = sample_topology(tmp_path, region="ap-southeast-2", az="apse2-az3")
    result = aggregate_flowlogs(SAMPLES / "aws-docs/v5_custom_service_trafficpath_direction.log", topology)
    vpc = "vpc-abcdefab012345678"
    # S3's SYN-ACK (19) comes in: the instance opened both directions' connection
    assert matrix(result) == {
        ("aws:s3", vpc, "", "apse2-az3", "dst", 15044),
        (vpc, "aws:s3", "apse2-az3", "", "src", 471),
    }


def test_a_lambda_event_holds_the_same_record_as_its_decoded_payload(tmp_path: Path) -> None:
    topology = sample_topology(tmp_path)
    event = aggregate_flowlogs(SAMPLES / "cloudwatch-subscription/lambda_event_awslogs.json", topology)
    payload = aggregate_flowlogs(SAMPLES / "cloudwatch-subscription/decoded_payload.json", topology)
    assert event.report.to_dict()["bytes"] == payload.report.to_dict()["bytes"]
    # the record: 2 packets, 120 bytes
    assert event.report.bytes_read == 120


def test_the_parquet_sample_reads_its_text_numbers(tmp_path: Path) -> None:
    result = aggregate_flowlogs(SAMPLES / "flowlogs-reader/flows.parquet", sample_topology(tmp_path))
    # the one accepted record carries 840 bytes; 'None' bytes on the NODATA rows are missing values
    assert result.report.bytes_read == 840


def test_transit_gateway_records_are_reported_by_attachment(tmp_path: Path) -> None:
    result = aggregate_flowlogs(SAMPLES / "otel-collector-contrib/valid_tgw_flow_log.log", sample_topology(tmp_path))
    (attachment,) = result.report.transit_gateway_attachments
    assert (attachment.attachment_id, attachment.src_vpc, attachment.dst_vpc, attachment.bytes) == (
        "tgw-attach-0abc12345def67890",
        "vpc-0abc12345def67890",
        "vpc-0def12345abc67890",
        1000,
    )
    assert result.traffic.empty


def test_a_directory_of_samples_in_mixed_formats_reads_in_one_run(tmp_path: Path) -> None:
    result = aggregate_flowlogs(SAMPLES, sample_topology(tmp_path))
    # SOURCES.txt is not a flow log; the other files' records all count as read, and 6 are exact copies across
    # files: the two records of flowlogs-reader's v3 file in its v4 file, the CloudWatch payload's record in the
    # Lambda event, the first record of flows.parquet in v2_records_cwl_messages.log, and the AWS guide's two
    # accepted/rejected records in the OpenTelemetry CloudWatch sample
    assert result.report.records_read == sum(read for read, _, _ in EXPECTED.values())
    assert result.report.skipped["duplicate"].records == 6
    assert result.report.files["not_flow_logs"] == 1
    assert result.report.reconciles


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


RECORD = (
    "2 123456789010 eni-1235b8ca123456789 10.0.0.62 198.51.100.7 40000 443 6 10 5000 1793577600 1793577660 ACCEPT OK"
)


@pytest.mark.parametrize(
    "data",
    [
        # a Kinesis record of a CloudWatch Logs subscription: base64 of the gzip payload
        base64.b64encode(
            gzip.compress(json.dumps({"messageType": "DATA_MESSAGE", "logEvents": [{"message": RECORD}]}).encode())
        ),
        # Firehose lines
        (json.dumps({"message": RECORD}) + "\n").encode(),
        # a CloudWatch Logs export: a timestamp before each record, gzip in two members (two deliveries appended)
        gzip.compress(f"2026-11-02T00:01:00.000Z {RECORD}\n".encode()) + gzip.compress(b""),
    ],
    ids=["kinesis-base64", "firehose", "export"],
)
def test_other_deliveries_give_the_same_record(tmp_path: Path, data: bytes) -> None:
    # one record, one peer: the inventory names the ENI's address
    eni = {"id": "eni-1235b8ca123456789", "ips": ["10.0.0.62"], "type": "workload"}
    topology = write_topology(tmp_path / "topology.yaml", {"vpcs": [{**sample_vpc(), "interfaces": [eni]}]})
    result = aggregate_flowlogs(write(tmp_path / "delivery", data), topology)
    assert matrix(result) == {("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 5000)}


def test_headerless_records_in_a_custom_format_need_log_format(tmp_path: Path) -> None:
    fields = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${bytes} ${flow-direction}"
    line = "5 eni-1235b8ca123456789 10.0.0.62 198.51.100.7 40000 443 777 egress\n"
    path = write(tmp_path / "stream.log", line.encode())
    topology = sample_topology(tmp_path)
    assert matrix(aggregate_flowlogs(path, topology, log_format=fields)) == {
        ("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 777)
    }
    # read as the default format, its 8 fields are not 14: malformed, counted, and a hint given
    default = aggregate_flowlogs(path, topology)
    assert default.report.skipped["malformed"].records == 1
    assert any("--log-format" in warning for warning in default.report.warnings)


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
    assert matrix(result) == {("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 777)}
    assert any("fl-0123456789abcdef0" in warning for warning in result.report.warnings)
    # two CloudWatch Logs flow logs of different formats: ambiguous, so the default format and a warning
    other = {**flow_log, "id": "fl-0123456789abcdef1", "log_format": ""}
    ambiguous = write_topology(tmp_path / "two.yaml", {"vpcs": [sample_vpc()], "flow_logs": [flow_log, other]})
    fallback = aggregate_flowlogs(path, ambiguous)
    assert fallback.report.skipped["malformed"].records == 1
    assert any("2 formats" in warning for warning in fallback.report.warnings)
