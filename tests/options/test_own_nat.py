"""Own NAT: NAT gateways per AZ or per VPC, their hours, public IPv4 addresses and processing."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.line_items import cost


def test_one_nat_gateway_per_vpc_adds_cross_az_transfer(write_estate: WriteEstate) -> None:
    # A VPC in 2 AZs sends 100 GB to SQS from use1-az2; with one NAT gateway (in use1-az1, the first AZ) the
    # bytes cross AZs: $0.01 on the workload's side + $0.01 on the NAT side = $2.00. NAT: 730 h × $0.045 =
    # $32.85, its IPv4 address 730 h × $0.005 = $3.65, processing 100 GB × $0.045 = $4.50. Total $43.00.
    # One NAT gateway per AZ instead: 2 × ($32.85 + $3.65) + $4.50 = $77.50, no cross-AZ transfer.
    traffic, topology = write_estate(
        [vpc("app", azs=["use1-az1", "use1-az2"])], "src,dst,src_az,gb\napp,aws:sqs,use1-az2,100"
    )
    single = vpccost.compare(traffic, topology, designs=["peering"], nat_per_vpc=True, pricing=SNAPSHOT).design(
        "peering"
    )
    per_az = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert single.total_usd == Decimal("43.00")
    assert per_az.total_usd == Decimal("77.50")


def test_e1_nat_gateway_to_s3_in_ohio(write_estate: WriteEstate) -> None:
    # E1, AWS VPC pricing page: US East (Ohio); EC2 sends 1 GB to S3 in the same region through a NAT gateway
    # in the same AZ: $0.045 for the NAT gateway-hour + $0.045 for the GB processed + $0 data transfer.
    traffic, topology = write_estate(
        [vpc("app", region="us-east-2", azs=["use2-az1"])], "src,dst,src_az,gb\napp,aws:s3,use2-az1,1"
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], hours=1, pricing=SNAPSHOT).design("peering")
    assert cost(peering, "NatGateway-Hours") == Decimal("0.045")
    assert cost(peering, "NatGateway-Bytes") == Decimal("0.045")
    assert not [item for item in peering.line_items if "DataTransfer" in item.usage_type]
    # Since 2024 the NAT gateway's public IPv4 address is billed too ($0.005/h), which E1 predates.
    assert cost(peering, "PublicIPv4:InUseAddress") == Decimal("0.005")


def test_i1_nat_gateway_month_and_100_gb(write_estate: WriteEstate) -> None:
    # I1, infracost expected output: NAT gateway, 730 h, 100 GB processed (us-east-1): $32.85 + $4.50.
    traffic, topology = write_estate([vpc("app")], "src,dst,gb\napp,aws:dynamodb,100")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert cost(peering, "NatGateway-Hours") == Decimal("32.85")
    assert cost(peering, "NatGateway-Bytes") == Decimal("4.50")
