"""The rules of `vpccost.flowlogs` on hand-built flow logs: one small case per rule, every expected volume a sum
of the bytes written in the case (the comments add them up), and the report reconciling in every case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flowlogs.builders import (
    A1,
    A2,
    B1,
    ENI_A1,
    ENI_B1,
    NAT_ENI,
    SAMPLES,
    V2_FIELDS,
    V5_FIELDS,
    VPC_A,
    VPC_B,
    nat_records,
    record,
    rows,
    run,
    sample_topology,
    topology,
)
from vpccost.flowlogs import aggregate_flowlogs


def test_a_flow_logged_at_both_ends_counts_once_from_the_sender(tmp_path: Path) -> None:
    # A → B: 1,000 bytes egress at A's ENI and the same 1,000 bytes ingress at B's ENI; B → A: 3,000 bytes
    result = run(
        tmp_path,
        {
            "a.log": [
                record(
                    interface_id=ENI_A1,
                    srcaddr=A1,
                    dstaddr=B1,
                    srcport=40000,
                    dstport=443,
                    bytes=1000,
                    flow_direction="egress",
                    vpc_id=VPC_A,
                    subnet_id="subnet-0a1",
                    az_id="use1-az1",
                ),
                record(
                    interface_id=ENI_A1,
                    srcaddr=B1,
                    dstaddr=A1,
                    srcport=443,
                    dstport=40000,
                    bytes=3000,
                    flow_direction="ingress",
                    vpc_id=VPC_A,
                    subnet_id="subnet-0a1",
                    az_id="use1-az1",
                ),
            ],
            "b.log": [
                record(
                    interface_id=ENI_B1,
                    srcaddr=A1,
                    dstaddr=B1,
                    srcport=40000,
                    dstport=443,
                    bytes=1000,
                    flow_direction="ingress",
                    vpc_id=VPC_B,
                    subnet_id="subnet-0b1",
                    az_id="use1-az1",
                ),
                record(
                    interface_id=ENI_B1,
                    srcaddr=B1,
                    dstaddr=A1,
                    srcport=443,
                    dstport=40000,
                    bytes=3000,
                    flow_direction="egress",
                    vpc_id=VPC_B,
                    subnet_id="subnet-0b1",
                    az_id="use1-az1",
                ),
            ],
        },
    )
    # the responder is on port 443: A opened the connection
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 1000),
        (VPC_B, VPC_A, "use1-az1", "use1-az1", "dst", 3000),
    }
    # the two ingress copies (1,000 + 3,000 bytes) were counted at their senders
    assert (result.report.skipped["sender_logged"].records, result.report.skipped["sender_logged"].bytes) == (2, 4000)
    assert result.report.bytes_read == 8000


def test_without_flow_direction_the_local_side_is_the_address_in_every_record(tmp_path: Path) -> None:
    # default format: A1's ENI talks to B1 and to A2, so A1 is the address its records share
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=700),
        record(version=2, interface_id=ENI_A1, srcaddr=B1, dstaddr=A1, srcport=443, dstport=40000, bytes=7000),
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40001, dstport=5432, bytes=50),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS)
    # AZs come from the subnets of the topology: 10.1.1.0/24 is use1-az1, 10.1.2.0/24 use1-az2, 10.2.1.0/24 use1-az1
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 700),
        (VPC_B, VPC_A, "use1-az1", "use1-az1", "dst", 7000),
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 50),
    }


def test_a_single_peer_without_direction_or_inventory_is_unattributed_not_guessed(tmp_path: Path) -> None:
    # both addresses appear in every record of the ENI, and both lie in VPC A: rule 6 refuses to guess
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40000, dstport=443, bytes=100),
        record(version=2, interface_id=ENI_A1, srcaddr=A2, dstaddr=A1, srcport=443, dstport=40000, bytes=200),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS)
    assert rows(result) == set()
    assert result.report.unattributed_by_cause["local side undecided"].bytes == 300
    assert result.report.unattributed_examples["local side undecided"] == [ENI_A1]


@pytest.mark.parametrize(
    ("interface_type", "known_from"),
    [
        ("natGateway", "inventory"),  # EC2's InterfaceType for a NAT gateway's ENI (EC2 API reference)
        ("nat_gateway", "inventory"),  # the name topology files used before
        (None, "address translation"),  # not in the inventory
    ],
)
def test_nat_gateway_records_are_not_edges_but_are_reported(
    tmp_path: Path, interface_type: str | None, known_from: str
) -> None:
    document = topology(inventory=interface_type is not None)
    for item in document["vpcs"][0].get("interfaces", []):
        if item["id"] == NAT_ENI:
            item["type"] = interface_type
    result = run(tmp_path, {"a.log": nat_records()}, topology_document=document)
    # the instance's own records: 500 bytes to the internet (SYN from A1), 4,000 back (its SYN-ACK)
    assert rows(result) == {
        (VPC_A, "internet", "use1-az1", "", "src", 500),
        ("internet", VPC_A, "", "use1-az1", "dst", 4000),
    }
    # the NAT ENI's four records: 500 + 500 + 4,000 + 4,000 bytes; it processed what entered it, 500 + 4,000
    assert result.report.skipped["middlebox"].bytes == 9000
    (box,) = result.report.middleboxes
    assert (box.interface_id, box.known_from, box.processed_bytes, box.sent_bytes) == (NAT_ENI, known_from, 4500, 4500)
    assert box.kind == ("nat_gateway" if interface_type else "middlebox")


@pytest.mark.parametrize("field_value", ["nat_gateway", "regional_nat_gateway", "natGateway"])
def test_the_interface_type_field_maps_through_the_same_types_as_the_inventory(
    tmp_path: Path, field_value: str
) -> None:
    """The v11 `interface-type` field writes `nat_gateway` (`regional_nat_gateway` for a regional one); EC2's
    `natGateway` is read too. Without an inventory, the field says what the NAT ENI is."""
    records = [
        {**item, "interface-type": field_value if item["interface-id"] == NAT_ENI else "interface"}
        for item in nat_records()
    ]
    result = run(tmp_path, {"a.log": records}, fields=[*V5_FIELDS, "interface-type"])
    assert rows(result) == {
        (VPC_A, "internet", "use1-az1", "", "src", 500),
        ("internet", VPC_A, "", "use1-az1", "dst", 4000),
    }
    (box,) = result.report.middleboxes
    assert (box.interface_id, box.kind, box.known_from, box.processed_bytes) == (
        NAT_ENI,
        "nat_gateway",
        "interface-type",
        4500,
    )


def test_the_tcp_flag_example_gives_its_matrix(tmp_path: Path) -> None:
    """The AWS user guide's TCP-flag sequence: 52.213.180.42 opens four connections to 10.0.0.62:5001."""
    result = aggregate_flowlogs(SAMPLES / "aws-docs/v3_custom_tcp_flag_sequence.log", sample_topology(tmp_path))
    vpc = "vpc-abcdefab012345678"
    # in: 568 + 100,701 + 23,294,588 + 1,260 bytes; out: 376 + 632 + 63,388 + 967 (the double-spaced line)
    assert rows(result) == {
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
    assert rows(result) == {
        ("aws:s3", vpc, "", "apse2-az3", "dst", 15044),
        (vpc, "aws:s3", "apse2-az3", "", "src", 471),
    }
