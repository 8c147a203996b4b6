"""Flow-log addresses resolved against the topology: longest prefix over subnet and VPC CIDRs, IPv4 and IPv6,
and overlapping CIDRs decided by the logged ENI's own VPC."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path

from tests.flowlogs.builders import (
    A1,
    A2,
    ENI_A1,
    VPC_A,
    record,
    rows,
    run,
    topology,
)
from vpccost.flowlogs.addresses import is_private, parse_address, service_endpoint


def test_ipv6_addresses_resolve_by_longest_prefix(tmp_path: Path) -> None:
    local, remote = "2600:1f18:aaaa:bb01::10", "2001:db8::1"
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=local,
            dstaddr=remote,
            srcport=40000,
            dstport=443,
            bytes=900,
            flow_direction="egress",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=remote,
            dstaddr=local,
            srcport=443,
            dstport=40000,
            bytes=9000,
            flow_direction="ingress",
        ),
    ]
    result = run(tmp_path, {"a.log": records})
    # the /64 subnet (use1-az1) is longer than the VPC's /56
    assert rows(result) == {
        (VPC_A, "internet", "use1-az1", "", "src", 900),
        ("internet", VPC_A, "", "use1-az1", "dst", 9000),
    }
    assert set(result.traffic["ip_version"]) == {6}


def test_overlapping_cidrs_resolve_to_the_logged_enis_own_vpc_and_are_reported(tmp_path: Path) -> None:
    twin = {
        "id": "vpc-0ccccccccccccccc3",
        "account": "333333333333",
        "region": "us-east-1",
        "cidrs": ["10.1.0.0/16"],
        "azs": ["use1-az1"],
    }
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=A2,
            srcport=40000,
            dstport=443,
            bytes=64,
            flow_direction="egress",
            vpc_id=VPC_A,
        ),
    ]
    result = run(tmp_path, {"a.log": records}, topology_document=topology(extra_vpcs=[twin]))
    assert rows(result) == {(VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 64)}
    assert result.report.overlapping_cidrs[0]["vpcs"] == sorted([VPC_A, "vpc-0ccccccccccccccc3"])
    assert result.report.overlapping_cidrs[0]["resolved_to"] == VPC_A


def test_addresses_private_ranges_and_service_names() -> None:
    # RFC 1918 and RFC 4193 (unique local IPv6) are private; a public address is the internet or an AWS service
    assert parse_address("10.1.1.10") == ip_address("10.1.1.10") and parse_address("-") is None
    assert [is_private(text) for text in ("10.1.1.10", "172.31.5.5", "192.168.0.1", "fd00::1")] == [True] * 4
    assert [is_private(text) for text in ("52.216.1.2", "2600:1f18::1", "not an address")] == [False] * 3
    assert service_endpoint("S3") == "aws:s3" and service_endpoint("AMAZON") == "aws:amazon"
    assert service_endpoint(" ROUTE53_HEALTHCHECKS ") == "aws:route53-healthchecks"
