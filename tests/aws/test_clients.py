"""The boto3 sessions and clients: retries in botocore's standard mode, one session per account read once, and
errors reported by their code and message. AWS is moto's, in process (`mock_aws`); its default account is
123456789012."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]
from moto import mock_aws

from vpccost.aws.clients import (
    DISCOVERY_CONFIG,
    ROLE_SESSION_NAME,
    S3_CONFIG,
    account_sessions,
    error_reason,
    home_region,
    s3_client_for,
    standard_retries,
)

MOTO_ACCOUNT = "123456789012"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Fake credentials and no ~/.aws files, with every call answered by moto."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_aws():
        yield


def test_standard_retries_with_the_attempts_given() -> None:
    assert standard_retries(3).retries == {"mode": "standard", "max_attempts": 3}
    assert DISCOVERY_CONFIG.retries["max_attempts"] == 10 and DISCOVERY_CONFIG.user_agent_extra == "vpccost-discover"
    assert S3_CONFIG.retries == {"mode": "standard", "max_attempts": 8}


@pytest.mark.usefixtures("aws")
def test_the_default_credentials_are_one_account() -> None:
    warnings: list[str] = []
    (found,) = account_sessions([], [], warnings)
    assert (found.account, found.label, warnings) == (MOTO_ACCOUNT, "default credentials", [])


@pytest.mark.usefixtures("aws")
def test_the_same_account_through_several_sources_is_read_once_and_a_bad_profile_is_a_warning() -> None:
    warnings: list[str] = []
    role = f"arn:aws:iam::{MOTO_ACCOUNT}:role/audit"
    found = account_sessions([boto3.Session(region_name="eu-west-1"), "absent-profile"], [role], warnings)
    assert [(session.account, session.label) for session in found] == [(MOTO_ACCOUNT, "session")]
    assert warnings == [
        "profile absent-profile: cannot be used (The config profile (absent-profile) could not be found)"
    ]
    assert ROLE_SESSION_NAME == "vpccost-discover"


@pytest.mark.usefixtures("aws")
def test_an_s3_client_retries_and_reaches_the_objects() -> None:
    client = s3_client_for()
    client.create_bucket(Bucket="flow-logs")
    client.put_object(Bucket="flow-logs", Key="AWSLogs/x.log.gz", Body=b"x")
    assert [item["Key"] for item in client.list_objects_v2(Bucket="flow-logs")["Contents"]] == ["AWSLogs/x.log.gz"]
    assert client.meta.config.retries["mode"] == "standard"


def test_account_wide_calls_go_to_the_sessions_region_else_us_east_1() -> None:
    assert home_region(boto3.Session(region_name="eu-west-2")) == "eu-west-2"

    class NoRegion:
        region_name = None

    assert home_region(NoRegion()) == "us-east-1"


def test_an_error_is_its_code_and_message() -> None:
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "AssumeRole")
    assert error_reason(denied) == "AccessDenied: not allowed"
    assert error_reason(ClientError({"Error": {"Code": "Throttling"}}, "DescribeVpcs")) == "Throttling"
    assert error_reason(RuntimeError("boom")) == "boom"
