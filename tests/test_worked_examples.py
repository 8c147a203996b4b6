"""AWS's and infracost's published worked examples (PRICING-FACTS.md §4), reproduced through the public
API to the cent. Each test names its source and writes out the published figures."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from vpccost.pricing.tiers import tiered_cost_usd
from vpccost.results import DesignResult, LineItem

from .conftest import SNAPSHOT, WriteEstate, cents, vpc


def items(result: DesignResult, usage_type_suffix: str) -> list[LineItem]:
    return [item for item in result.line_items if item.usage_type.endswith(usage_type_suffix)]


def cost(result: DesignResult, usage_type_suffix: str) -> Decimal:
    return sum((item.cost_usd for item in items(result, usage_type_suffix)), Decimal(0))


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


def test_e4_vpc_lattice_example_1() -> None:
    # E4, AWS VPC Lattice pricing, example 1: us-east-1, 100 services, 100 GB/month each, 200,000 requests per
    # hour each, 730 h: $1,825.00 service-hours + $250.00 data processing + $0 requests = $2,075.00.
    catalog = vpccost.load_pricing(SNAPSHOT)
    service_hours = tiered_cost_usd(catalog.get("vpc_lattice_service_hours", "us-east-1"), Decimal(100 * 730))
    data = tiered_cost_usd(catalog.get("vpc_lattice_bytes", "us-east-1"), Decimal(100 * 100))
    # the first 300,000 requests per hour of a service are free: 200,000/h for 730 h stays inside that tier
    requests_per_service = tiered_cost_usd(catalog.get("vpc_lattice_requests", "us-east-1"), Decimal(200_000 * 730))
    assert service_hours == Decimal("1825.00")
    assert data == Decimal("250.00")
    assert requests_per_service == 0
    assert service_hours + data + 100 * requests_per_service == Decimal("2075.00")


def test_i1_nat_gateway_month_and_100_gb(write_estate: WriteEstate) -> None:
    # I1, infracost expected output: NAT gateway, 730 h, 100 GB processed (us-east-1): $32.85 + $4.50.
    traffic, topology = write_estate([vpc("app")], "src,dst,gb\napp,aws:dynamodb,100")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert cost(peering, "NatGateway-Hours") == Decimal("32.85")
    assert cost(peering, "NatGateway-Bytes") == Decimal("4.50")


def test_i2_transit_gateway_attachment_month(write_estate: WriteEstate) -> None:
    # I2, infracost expected output: one TGW VPC attachment for 730 h: $36.50.
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,1")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], pricing=SNAPSHOT).design("transit-gateway")
    attachments = items(tgw, "TransitGateway-Hours")
    assert [item.cost_usd for item in attachments] == [Decimal("36.50"), Decimal("36.50")]


def test_i3_interface_endpoint_one_and_two_azs_and_1000_gb(write_estate: WriteEstate) -> None:
    # I3, infracost expected output: an interface endpoint in 1 AZ for 730 h: $7.30; in 2 AZs: $14.60;
    # 1,000 GB processed: $10.00.
    traffic, topology = write_estate(
        [vpc("one", azs=["use1-az1"]), vpc("two", azs=["use1-az1", "use1-az2"])],
        "src,dst,gb\none,aws:sqs,1000\ntwo,aws:sqs,1",
    )
    privatelink = vpccost.compare(traffic, topology, designs=["privatelink"], pricing=SNAPSHOT).design("privatelink")
    hours = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Hours")}
    assert hours == {"one/vpce:sqs": Decimal("7.30"), "two/vpce:sqs": Decimal("14.60")}
    processing = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Bytes")}
    assert processing["one/vpce:sqs"] == Decimal("10.00")


def test_i4_internet_egress_tiers_57000_gb(write_estate: WriteEstate) -> None:
    # I4, infracost expected output: us-east-1 internet egress of 57,000 GB in a month:
    # first 10,240 GB × $0.09 = $921.60; next 40,960 GB × $0.085 = $3,481.60; 5,800 GB × $0.07 = $406.00.
    # The row answers a connection opened from the internet (initiator dst), so no NAT gateway is involved.
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,57000")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    tiers = [(item.quantity, item.cost_usd) for item in items(peering, "DataTransfer-Out-Bytes")]
    assert tiers == [
        (Decimal(10240), Decimal("921.60")),
        (Decimal(40960), Decimal("3481.60")),
        (Decimal(5800), Decimal("406.00")),
    ]
    assert peering.total_usd == Decimal("4809.20")


def test_i5_inter_region_and_intra_region_transfer(write_estate: WriteEstate) -> None:
    # I5, infracost expected output: us-east-1 -> other regions 750 GB: $15.00; -> us-east-2 500 GB: $5.00;
    # intra-region 1,000 GB each way: $20.00.
    traffic, topology = write_estate(
        [
            vpc("east", azs=["use1-az1", "use1-az2"]),
            vpc("west", region="us-west-2", azs=["usw2-az1"]),
            vpc("ohio", region="us-east-2", azs=["use2-az1"]),
        ],
        "src,dst,src_az,dst_az,gb\neast,west,,,750\neast,ohio,,,500\neast,east,use1-az1,use1-az2,1000",
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert cost(peering, "USE1-USW2-AWS-Out-Bytes") == Decimal("15.00")
    assert cost(peering, "USE1-USE2-AWS-Out-Bytes") == Decimal("5.00")
    assert cost(peering, "USE1-DataTransfer-Regional-Bytes") == Decimal("20.00")
    assert cents(peering.total_usd) == Decimal("40.00")
