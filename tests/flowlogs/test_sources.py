"""Where flow logs are read from: S3 prefixes in both key layouts (pruned by date before any download, checked
against moto's S3), local directories and globs, and files that cannot be read."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from moto import mock_aws

import vpccost
from tests.flowlogs.builders import (
    A1,
    B1,
    ENI_A1,
    SAMPLES,
    START,
    VPC_A,
    VPC_B,
    record,
    rows,
    sample_topology,
    sample_vpc,
    topology,
    write,
    write_log,
    write_topology,
)
from vpccost.errors import InputError
from vpccost.flowlogs import aggregate_flowlogs
from vpccost.flowlogs.sources import in_window, key_period

BUCKET = "flow-log-bucket"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3, with fake credentials so that botocore never looks further."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


class CountingClient:
    """An S3 client that counts the objects it downloads."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.downloaded: list[str] = []

    def get_object(self, **arguments: Any) -> Any:
        self.downloaded.append(arguments["Key"])
        return self.client.get_object(**arguments)

    def get_paginator(self, name: str) -> Any:
        return self.client.get_paginator(name)


def gzip_log(volume: int, start: int) -> bytes:
    item = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40000,
        dstport=443,
        bytes=volume,
        flow_direction="egress",
        start=start,
        end=start + 60,
    )
    fields = list(item)
    text = " ".join(fields) + "\n" + " ".join(str(item[name]) for name in fields) + "\n"
    return gzip.compress(text.encode())


def test_s3_keys_of_both_layouts_are_pruned_by_date_before_downloading(aws: Any, tmp_path: Path) -> None:
    day = 86_400
    objects = {
        # the slash layout, one file a day from 1 to 3 November, 1, 10 and 100 bytes
        "AWSLogs/111111111111/vpcflowlogs/us-east-1/2026/11/01/a_20261101T1200Z.log.gz": gzip_log(1, START - day // 2),
        "AWSLogs/111111111111/vpcflowlogs/us-east-1/2026/11/02/a_20261102T1200Z.log.gz": gzip_log(10, START + day // 2),
        "AWSLogs/111111111111/vpcflowlogs/us-east-1/2026/11/03/a_20261103T1200Z.log.gz": gzip_log(
            100, START + day + day // 2
        ),
        # Hive-style, per hour: 05:00 on 2 November (1,000 bytes) and 23:00 on 3 November (10,000 bytes)
        "AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/aws-region=us-east-1/"
        "year=2026/month=11/day=02/hour=05/b.log.gz": gzip_log(1000, START + 5 * 3600),
        "AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/aws-region=us-east-1/"
        "year=2026/month=11/day=03/hour=23/b.log.gz": gzip_log(10_000, START + day + 23 * 3600),
        "AWSLogs/aws-logs-write-test": b"Permission Check Successful",
    }
    for key, body in objects.items():
        aws.put_object(Bucket=BUCKET, Key=key, Body=body)
    client = CountingClient(aws)
    result = aggregate_flowlogs(
        f"s3://{BUCKET}/AWSLogs/",
        write_topology(tmp_path / "topology.yaml", topology()),
        start="2026-11-02",
        end="2026-11-03",
        s3_client=client,
    )
    # 1 November's file holds records that started before 2 November: never downloaded; 3 November's day file
    # may hold records of 2 November's last minutes: downloaded (its record is then outside the window); its
    # 23:00 hour file cannot: never downloaded
    downloaded = sorted(key.rsplit("/", 1)[-1] for key in client.downloaded)
    assert downloaded == ["a_20261102T1200Z.log.gz", "a_20261103T1200Z.log.gz", "b.log.gz"]
    assert (result.report.files["pruned_by_date"], result.report.files["not_flow_logs"]) == (2, 1)
    assert result.report.skipped["outside_window"].bytes == 100
    assert result.traffic["bytes"].tolist() == [1010]
    assert (result.traffic["src"].item(), result.traffic["dst"].item()) == (VPC_A, VPC_B)


def test_an_empty_prefix_is_bad_input(aws: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no object under this prefix"):
        aggregate_flowlogs(f"s3://{BUCKET}/nothing/", write_topology(tmp_path / "t.yaml", topology()), s3_client=aws)


@pytest.mark.parametrize(
    ("key", "period"),
    [
        ("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/02/x.log.gz", ("2026-11-02T00", "2026-11-03T00")),
        ("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/02/07/x.log.gz", ("2026-11-02T07", "2026-11-02T08")),
        ("a/year=2026/month=1/day=9/x.parquet", ("2026-01-09T00", "2026-01-10T00")),
        ("a/year=2026/month=11/day=02/hour=23/x.parquet", ("2026-11-02T23", "2026-11-03T00")),
    ],
)
def test_key_periods(key: str, period: tuple[str, str]) -> None:
    found = key_period(key)
    assert found is not None
    assert tuple(moment.strftime("%Y-%m-%dT%H") for moment in found) == period


def test_a_file_filed_after_the_window_may_hold_its_last_records_never_one_filed_before() -> None:
    start, end = datetime(2026, 11, 2, 10, tzinfo=UTC), datetime(2026, 11, 2, 12, tzinfo=UTC)
    # filed in the hour after the end: records that started just before it may be in it
    assert in_window("AWSLogs/1/vpcflowlogs/r/2026/11/02/12/x.log.gz", start, end)
    assert not in_window("AWSLogs/1/vpcflowlogs/r/2026/11/02/13/x.log.gz", start, end)
    # filed in the hour before the start: its records all started before the start
    assert not in_window("AWSLogs/1/vpcflowlogs/r/2026/11/02/09/x.log.gz", start, end)
    assert in_window("no/date/in/this/key.log.gz", start, end)


def test_directories_and_globs_read_logs_and_leave_other_files(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    one = record(interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=1, dstport=443, bytes=5, flow_direction="egress")
    write_log(logs / "a" / "one.log.gz", [one])
    write_log(logs / "b" / "two.log", [{**one, "srcport": 2, "bytes": 7}])
    (logs / "README.md").write_text("# notes\n")
    (logs / "b" / "topology.yaml").write_text("vpcs: []\n")
    topology_file = write_topology(tmp_path / "topology.yaml", topology())
    from_directory = aggregate_flowlogs(logs, topology_file)
    assert from_directory.traffic["bytes"].tolist() == [12]
    assert from_directory.report.files["not_flow_logs"] == 2
    from_glob = aggregate_flowlogs(str(logs / "**" / "*.log*"), topology_file)
    assert from_glob.traffic["bytes"].tolist() == [12]
    with pytest.raises(InputError, match="the pattern matches no file"):
        aggregate_flowlogs(str(logs / "*.parquet"), topology_file)


def test_a_corrupt_file_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    one = record(interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=1, dstport=443, bytes=5, flow_direction="egress")
    write_log(tmp_path / "logs" / "good.log.gz", [one])
    (tmp_path / "logs" / "bad.log.gz").write_bytes(gzip.compress(bytes(range(256)) * 40)[:100])
    topology_file = write_topology(tmp_path / "topology.yaml", topology())
    result = aggregate_flowlogs(tmp_path / "logs", topology_file)
    assert result.traffic["bytes"].tolist() == [5]
    (unreadable,) = result.report.files["unreadable"]
    assert unreadable["file"].endswith("bad.log.gz")
    assert any("bad.log.gz: not read" in warning for warning in result.report.warnings)
    with pytest.raises(InputError, match="no flow-log record could be read"):
        aggregate_flowlogs(tmp_path / "logs" / "bad.log.gz", topology_file)


def test_a_lambda_event_holds_the_same_record_as_its_decoded_payload(tmp_path: Path) -> None:
    topology = sample_topology(tmp_path)
    event = aggregate_flowlogs(SAMPLES / "cloudwatch-subscription/lambda_event_awslogs.json", topology)
    payload = aggregate_flowlogs(SAMPLES / "cloudwatch-subscription/decoded_payload.json", topology)
    assert event.report.to_dict()["bytes"] == payload.report.to_dict()["bytes"]
    # the record: 2 packets, 120 bytes
    assert event.report.bytes_read == 120


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
    assert rows(result) == {("vpc-abcdefab012345678", "internet", "use1-az1", "", "src", 5000)}


def test_a_byte_order_mark_before_the_header_is_not_part_of_it(tmp_path: Path) -> None:
    # a custom field order: read from the header, so a header hidden behind a BOM would misread every record
    header = (
        "srcaddr dstaddr bytes version account-id interface-id srcport dstport protocol packets start end action "
        "log-status"
    )
    record = "10.0.0.1 10.1.0.1 1000 2 111111111111 eni-0a 443 5000 6 10 1700000000 1700000060 ACCEPT OK"
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").write_bytes(b"\xef\xbb\xbf" + f"{header}\n{record}\n{record}\n".encode())
    topology = tmp_path / "topology.yaml"
    topology.write_text(
        "vpcs:\n"
        '  - {id: vpc-0a, account: "111111111111", region: us-east-1, azs: [use1-az1], cidrs: [10.0.0.0/16]}\n'
        '  - {id: vpc-0b, account: "111111111111", region: us-east-1, azs: [use1-az1], cidrs: [10.1.0.0/16]}\n'
    )
    records = vpccost.aggregate_flowlogs(logs, topology).report.to_dict()["records"]
    assert (records["read"], records["parsed"], records["skipped"]["malformed"]) == (2, 2, 0)
