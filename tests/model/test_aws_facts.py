"""Facts about AWS: regions with their AZ ID prefixes, and the services gateway endpoints reach (AWS's
documentation: "AZ IDs for your resources", and "Gateway endpoints" — S3 and DynamoDB only)."""

from __future__ import annotations

import pytest

from vpccost.model.aws_facts import (
    GATEWAY_ENDPOINT_SERVICES,
    PUBLIC_ADDRESS_SERVICES,
    REGIONS,
    az_id_region,
    is_region,
    region_name,
)


@pytest.mark.parametrize(
    ("az_id", "region"),
    [
        ("use1-az4", "us-east-1"),
        ("euw1-az2", "eu-west-1"),
        ("apse2-az3", "ap-southeast-2"),
        ("cac1-az1", "ca-central-1"),
    ],
)
def test_an_az_id_names_its_region_by_its_prefix(az_id: str, region: str) -> None:
    assert az_id_region(az_id) == region


@pytest.mark.parametrize("text", ["us-east-1a", "use1", "zzz9-az1", "USE1-AZ1", ""])
def test_what_is_not_an_az_id_of_a_known_region_names_none(text: str) -> None:
    assert az_id_region(text) is None


def test_each_region_has_its_own_prefix() -> None:
    prefixes = [prefix for _, prefix in REGIONS.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_region_codes_and_names() -> None:
    assert is_region("eu-central-1") and not is_region("mars-1")
    assert region_name("us-east-2") == "US East (Ohio)"
    assert region_name("mars-1") == "mars-1"


def test_gateway_endpoints_reach_s3_and_dynamodb_and_no_endpoint_reaches_public_addresses() -> None:
    assert frozenset({"s3", "dynamodb"}) == GATEWAY_ENDPOINT_SERVICES
    assert frozenset({"ec2", "amazon"}) == PUBLIC_ADDRESS_SERVICES
