"""Where each side of a record is placed: the logged side from the inventory, the other side an endpoint's
service, a topology VPC, `aws:<service>` or `internet`, and why a side cannot be placed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.flowlogs.builders import (
    A1,
    A2,
    ENDPOINT_ENI,
    ENI_A1,
    V2_FIELDS,
    VPC_A,
    record,
    rows,
    run,
    topology,
)


def test_the_inventory_gives_a_single_peer_its_local_side(tmp_path: Path) -> None:
    document = topology()
    document["vpcs"][0]["interfaces"] = [{"id": ENI_A1, "ips": [A1], "type": "workload"}]
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40000, dstport=443, bytes=100),
        record(version=2, interface_id=ENI_A1, srcaddr=A2, dstaddr=A1, srcport=443, dstport=40000, bytes=200),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS, topology_document=document)
    assert rows(result) == {
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 100),
        (VPC_A, VPC_A, "use1-az2", "use1-az1", "dst", 200),
    }


def endpoint_records() -> list[dict[str, Any]]:
    """A1 calls SQS through the interface endpoint ENI 10.1.2.50: 300 bytes out, 900 back; the endpoint ENI
    (v11 interface-type) logs the same bytes."""
    return [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr="10.1.2.50",
            srcport=40000,
            dstport=443,
            bytes=300,
            flow_direction="egress",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr="10.1.2.50",
            dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=900,
            flow_direction="ingress",
        ),
        record(
            interface_id=ENDPOINT_ENI,
            srcaddr=A1,
            dstaddr="10.1.2.50",
            srcport=40000,
            dstport=443,
            bytes=300,
            flow_direction="ingress",
            interface_type="vpc_endpoint",
        ),
        record(
            interface_id=ENDPOINT_ENI,
            srcaddr="10.1.2.50",
            dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=900,
            flow_direction="egress",
            interface_type="vpc_endpoint",
        ),
    ]


def test_traffic_to_an_endpoint_eni_the_inventory_knows_is_the_service(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(tmp_path, {"a.log": endpoint_records()}, fields=fields, inventory=True)
    assert rows(result) == {
        (VPC_A, "aws:sqs", "use1-az1", "", "src", 300),
        ("aws:sqs", VPC_A, "", "use1-az1", "dst", 900),
    }
    # the endpoint ENI's records (300 + 900 bytes) are middlebox records; it processed the 300 that entered it
    (box,) = result.report.middleboxes
    assert (box.kind, box.processed_bytes, box.resource) == ("vpc_endpoint", 300, "vpce-0sqs000000000001")


def test_without_the_inventory_an_endpoint_eni_is_only_an_address_of_its_vpc(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(tmp_path, {"a.log": endpoint_records()}, fields=fields)
    # interface-type still makes the endpoint ENI a middlebox; its address is A's own (use1-az2)
    assert rows(result) == {
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 300),
        (VPC_A, VPC_A, "use1-az2", "use1-az1", "dst", 900),
    }
    assert result.report.middleboxes[0].known_from == "interface-type"


def test_an_endpoint_without_a_known_service_is_unattributed(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(
        tmp_path,
        {"a.log": endpoint_records()},
        fields=fields,
        topology_document=topology(inventory=True, endpoint_service=None),
    )
    assert rows(result) == set()
    (cause,) = result.report.unattributed_by_cause
    assert cause.startswith("endpoint without a known service")
    assert result.report.unattributed_by_cause[cause].bytes == 1200


def test_public_and_unknown_private_addresses(tmp_path: Path) -> None:
    s3_address, unknown_private = "52.216.1.2", "172.31.5.5"
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=s3_address,
            srcport=40000,
            dstport=443,
            bytes=111,
            flow_direction="egress",
            pkt_dst_aws_service="S3",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=unknown_private,
            srcport=40001,
            dstport=443,
            bytes=222,
            flow_direction="egress",
        ),
    ]
    result = run(tmp_path, {"a.log": records})
    assert rows(result) == {(VPC_A, "aws:s3", "use1-az1", "", "src", 111)}
    assert result.report.unattributed_by_cause["private address outside the topology"].bytes == 222
    assert result.report.unattributed_examples["private address outside the topology"] == [unknown_private]
