"""Every sample file (tests/flowlogs/samples, see its SOURCES.txt) is read without a crash: each record is parsed
or rejected for a counted reason. Expected counts are the lines of each file, read by eye."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flowlogs.builders import SAMPLES, sample_topology
from vpccost.flowlogs import aggregate_flowlogs

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


def test_the_parquet_sample_reads_its_text_numbers(tmp_path: Path) -> None:
    result = aggregate_flowlogs(SAMPLES / "flowlogs-reader/flows.parquet", sample_topology(tmp_path))
    # the one accepted record carries 840 bytes; 'None' bytes on the NODATA rows are missing values
    assert result.report.bytes_read == 840


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
