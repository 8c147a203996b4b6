"""Transit Gateway: attachments, processing, TGW peering between regions, and overlapping CIDRs."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.line_items import cost, items


def test_e2_transit_gateway_two_attachments_in_ohio(write_estate: WriteEstate) -> None:
    # E2, AWS Transit Gateway pricing page: US East (Ohio), 2 VPC attachments, 1 GB sent VPC1 -> VPC2:
    # $0.10 per hour ($0.05 per attachment) + $0.02 data processing.
    traffic, topology = write_estate(
        [vpc("vpc1", region="us-east-2", azs=["use2-az1"]), vpc("vpc2", region="us-east-2", azs=["use2-az1"])],
        "src,dst,gb\nvpc1,vpc2,1",
    )
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours=1, pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert cost(tgw, "TransitGateway-Hours") == Decimal("0.10")
    assert cost(tgw, "TransitGateway-Bytes") == Decimal("0.02")
    assert tgw.total_usd == Decimal("0.12")


def test_e3_one_gb_across_inter_region_tgw_peering(write_estate: WriteEstate) -> None:
    # E3, AWS Transit Gateway pricing page: 1 GB across an inter-region TGW peering costs $0.04 in all:
    # $0.02 processing (only where it enters from the VPC) + $0.02 inter-region transfer.
    traffic, topology = write_estate(
        [vpc("east", region="us-east-1", azs=["use1-az1"]), vpc("west", region="us-west-2", azs=["usw2-az1"])],
        "src,dst,gb\neast,west,1",
    )
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], pricing=SNAPSHOT).design("transit-gateway")
    per_gb = [item for item in tgw.line_items if item.unit == "GB"]
    assert sum(item.cost_usd for item in per_gb) == Decimal("0.04")
    assert cost(tgw, "USE1-TransitGateway-Bytes") == Decimal("0.02")
    assert cost(tgw, "USE1-USW2-AWS-Out-Bytes") == Decimal("0.02")


def test_i2_transit_gateway_attachment_month(write_estate: WriteEstate) -> None:
    # I2, infracost expected output: one TGW VPC attachment for 730 h: $36.50.
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,1")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], pricing=SNAPSHOT).design("transit-gateway")
    attachments = items(tgw, "TransitGateway-Hours")
    assert [item.cost_usd for item in attachments] == [Decimal("36.50"), Decimal("36.50")]


def test_overlapping_cidrs_are_a_feasibility_problem_not_an_error(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(
        [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.0.128.0/17"])], "src,dst,gb\na,b,10"
    )
    result = vpccost.compare(traffic, topology, pricing=SNAPSHOT)
    # peering and a transit gateway route by CIDR, so they cannot join overlapping VPCs; the other designs can
    assert not result.design("peering").feasible and not result.design("transit-gateway").feasible
    assert all(result.design(name).feasible for name in ("nat", "privatelink", "sharing"))
    assert "10.0.0.0/16 / 10.0.128.0/17" in result.design("peering").problems[0]
