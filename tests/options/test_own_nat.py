"""Own NAT: NAT gateways per AZ or per VPC, their hours, public IPv4 addresses and processing."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, charged, context, estate, every_flow, flows, needed
from tests.support.line_items import cost
from vpccost.designs.mix import Mix, usage
from vpccost.model.usage import Settings
from vpccost.options.base import RecordedLayout
from vpccost.options.own_nat import OPTION
from vpccost.pricing.engine import price
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
)

THROUGH_NAT = "nat"
"""These tests are about the NAT gateway's own charges: the designs send AWS-service calls through it."""


def test_one_nat_gateway_per_vpc_adds_cross_az_transfer(write_estate: WriteEstate) -> None:
    # A VPC in 2 AZs sends 100 GB to SQS from use1-az2; with one NAT gateway (in use1-az1, the first AZ) the
    # bytes cross AZs: $0.01 on the workload's side + $0.01 on the NAT side = $2.00. NAT: 730 h × $0.045 =
    # $32.85, its IPv4 address 730 h × $0.005 = $3.65, processing 100 GB × $0.045 = $4.50. Total $43.00.
    # One NAT gateway per AZ instead: 2 × ($32.85 + $3.65) + $4.50 = $77.50, no cross-AZ transfer.
    traffic, topology = write_estate(
        [vpc("app", azs=["use1-az1", "use1-az2"])], "src,dst,src_az,gb\napp,aws:sqs,use1-az2,100"
    )
    single = vpccost.compare(
        traffic, topology, designs=["peering"], nat_per_vpc=True, pricing=SNAPSHOT, service_access=THROUGH_NAT
    ).design("peering")
    per_az = vpccost.compare(
        traffic, topology, designs=["peering"], pricing=SNAPSHOT, service_access=THROUGH_NAT
    ).design("peering")
    assert single.total_usd == Decimal("43.00")
    assert per_az.total_usd == Decimal("77.50")


def test_e1_nat_gateway_to_s3_in_ohio(write_estate: WriteEstate) -> None:
    # E1, AWS VPC pricing page: US East (Ohio); EC2 sends 1 GB to S3 in the same region through a NAT gateway
    # in the same AZ: $0.045 for the NAT gateway-hour + $0.045 for the GB processed + $0 data transfer.
    traffic, topology = write_estate(
        [vpc("app", region="us-east-2", azs=["use2-az1"])], "src,dst,src_az,gb\napp,aws:s3,use2-az1,1"
    )
    peering = vpccost.compare(
        traffic, topology, designs=["peering"], hours=1, pricing=SNAPSHOT, service_access=THROUGH_NAT
    ).design("peering")
    assert cost(peering, "NatGateway-Hours") == Decimal("0.045")
    assert cost(peering, "NatGateway-Bytes") == Decimal("0.045")
    assert not [item for item in peering.line_items if "DataTransfer" in item.usage_type]
    # Since 2024 the NAT gateway's public IPv4 address is billed too ($0.005/h), which E1 predates.
    assert cost(peering, "PublicIPv4:InUseAddress") == Decimal("0.005")


def test_i1_nat_gateway_month_and_100_gb(write_estate: WriteEstate) -> None:
    # I1, infracost expected output: NAT gateway, 730 h, 100 GB processed (us-east-1): $32.85 + $4.50.
    traffic, topology = write_estate([vpc("app")], "src,dst,gb\napp,aws:dynamodb,100")
    peering = vpccost.compare(
        traffic, topology, designs=["peering"], pricing=SNAPSHOT, service_access=THROUGH_NAT
    ).design("peering")
    assert cost(peering, "NatGateway-Hours") == Decimal("32.85")
    assert cost(peering, "NatGateway-Bytes") == Decimal("4.50")


# ---- the option's declarations, on estates built in memory -------------------------------------------------
# The rules are the module's (vpccost/options/own_nat.py), from AWS's VPC pricing page: NAT processing on both
# directions of the connections a VPC opens over IPv4, paid by the gateway's owner; a gateway with its public
# IPv4 address in each AZ of the VPC (or one per VPC); transfer as `options.transfer.outside` states it.
A, B, NETWORK = "111111111111", "222222222222", "999999999999"
TWO_AZS = vpc("a", account=A, azs=["use1-az1", "use1-az2"])
OUTSIDE_ROWS = [
    {"src": "a", "dst": "internet", "gb": "10"},  # flow 0: a opens, a sends to the internet
    {"src": "internet", "dst": "a", "gb": "4", "initiator": "dst"},  # flow 1: the answers to flow 0's connections
    {"src": "a", "dst": "aws:s3", "gb": "20"},  # flow 2: a named service in a's region
    {"src": "a", "dst": "aws:ec2", "gb": "2"},  # flow 3: an AWS public address in a's region
    {"src": "a", "dst": "aws:sqs@us-west-2", "gb": "3"},  # flow 4: a service in another region
    {"src": "internet", "dst": "a", "gb": "7"},  # flow 5: opened from the internet: no NAT gateway
]
GATEWAYS = (
    ("NAT gateway", NAT_GATEWAY_HOURS, "us-east-1", A, "a/nat-gateway", 2, "hour"),
    ("Public IPv4 address (NAT gateway)", PUBLIC_IPV4_IN_USE_HOURS, "us-east-1", A, "a/nat-gateway", 2, "hour"),
)


def test_the_vpcs_own_connections_are_processed_and_transfer_is_paid_by_the_vpc_side() -> None:
    ctx = context(estate([TWO_AZS], OUTSIDE_ROWS))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert charged(ctx, used) == [
        Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", A, "a/nat-gateway", None,
                (0, 1, 2, 3, 4)),
        Charged("Data transfer out to the internet", DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", A, "a", None,
                (0,)),
        Charged("Data transfer to AWS public addresses (same region)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A,
                "a", None, (3,)),
        Charged("Inter-region data transfer (AWS service)", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", A, "a",
                "us-west-2", (4,)),
    ]  # fmt: skip
    assert needed(ctx, used) == {("nat-gateway", 0): GATEWAYS}


def test_a_connection_opened_from_the_internet_needs_no_nat_gateway() -> None:
    ctx = context(estate([TWO_AZS], OUTSIDE_ROWS))
    used = OPTION.usage(ctx, flows(ctx, 5))
    assert charged(ctx, used) == []  # inbound bytes: no processing, and transfer in is free
    assert needed(ctx, used) == {}


def test_one_gateway_per_vpc_in_its_first_az_and_transfer_to_it_from_the_others() -> None:
    # with --nat-per-vpc the gateway sits in use1-az1; bytes from use1-az2 cross AZs to it: regional transfer on
    # the workload's side (the row's account) and on the gateway's side (its owner)
    rows = [
        {"src": "a", "dst": "aws:s3", "gb": "10", "src_az": "use1-az1"},
        {"src": "a", "dst": "aws:s3", "gb": "6", "src_az": "use1-az2", "src_account": B},
    ]
    ctx = context(estate([TWO_AZS], rows), Settings(nat_per_vpc=True))
    used = OPTION.usage(ctx, every_flow(ctx))
    to_nat = "Cross-AZ data transfer to the NAT gateway"
    assert charged(ctx, used) == [
        Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", A, "a/nat-gateway", None, (0, 1)),
        Charged(f"{to_nat} (workload side)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "a/nat-gateway", None,
                (1,)),
        Charged(f"{to_nat} (NAT gateway side)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a/nat-gateway", None,
                (1,)),
    ]  # fmt: skip
    assert [charge[5] for charge in needed(ctx, used)[("nat-gateway", 0)]] == [1, 1]  # one gateway, one address
    assert used.assumptions == []


def test_with_one_gateway_per_vpc_an_unknown_az_counts_as_crossing() -> None:
    ctx = context(estate([TWO_AZS], [{"src": "a", "dst": "aws:s3", "gb": "10"}]), Settings(nat_per_vpc=True))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert [charge.flows for charge in charged(ctx, used)] == [(0,), (0,), (0,)]
    assert used.assumptions == [
        "With one NAT gateway per VPC, traffic whose AZ is not known is priced as crossing AZs to it."
    ]


def test_a_member_of_the_shared_vpc_uses_the_shared_vpcs_gateways_paid_by_the_network_account() -> None:
    # the shared VPC of us-east-1 spans the AZs known for its region's VPCs: use1-az1 and use1-az2
    vpcs = [TWO_AZS, vpc("b", account=B)]
    rows = [{"src": "b", "dst": "internet", "gb": "5"}, {"src": "a", "dst": "internet", "gb": "1"}]
    ctx = context(estate(vpcs, rows, network_account=NETWORK), members=["b"])
    used = OPTION.usage(ctx, flows(ctx, 0))
    shared = "shared-vpc-us-east-1/nat-gateway"
    assert charged(ctx, used)[0] == Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", NETWORK,
                                            shared, None, (0,))  # fmt: skip
    # home codes: the VPCs' own (b 0, a 1), then one shared VPC per region (us-east-1: 2)
    assert needed(ctx, used) == {
        ("nat-gateway", 2): (
            ("NAT gateway", NAT_GATEWAY_HOURS, "us-east-1", NETWORK, shared, 2, "hour"),
            ("Public IPv4 address (NAT gateway)", PUBLIC_IPV4_IN_USE_HOURS, "us-east-1", NETWORK, shared, 2, "hour"),
        )
    }


def test_a_members_transfer_through_the_shared_vpcs_gateways_is_paid_by_the_network_account() -> None:
    # Amazon VPC User Guide, "Billing and metering for owner and participants": the owner of a shared VPC pays
    # the data processing and the data transfer across its NAT gateways. b (account B) sits in the shared VPC, so
    # its egress, its transfer to AWS public addresses and to services in other regions are the network
    # account's; the IPv6 call leaves through the egress-only internet gateway, not NAT: b's own.
    rows = [{**row, "src": "b"} if row["src"] == "a" else {**row, "dst": "b"} for row in OUTSIDE_ROWS]
    rows.append({"src": "b", "dst": "aws:sqs@us-west-2", "gb": "1", "ip_version": "6"})  # flow 6: IPv6
    ctx = context(estate([vpc("b", account=B)], rows, network_account=NETWORK), members=["b"])
    used = OPTION.usage(ctx, every_flow(ctx))
    shared = "shared-vpc-us-east-1/nat-gateway"
    assert charged(ctx, used) == [
        Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", NETWORK, shared, None,
                (0, 1, 2, 3, 4)),
        Charged("Data transfer out to the internet", DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", NETWORK, "b",
                None, (0,)),
        Charged("Data transfer to AWS public addresses (same region)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1",
                NETWORK, "b", None, (3,)),
        Charged("Inter-region data transfer (AWS service)", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", NETWORK,
                "b", "us-west-2", (4,)),
        Charged("Inter-region data transfer (AWS service)", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", B, "b",
                "us-west-2", (6,)),
    ]  # fmt: skip


def test_a_participants_egress_through_the_vpc_owners_gateways_is_paid_by_the_owner() -> None:
    # a workload of account B in a's subnets (a VPC already shared, as `as-is` reads it): its egress crosses a's
    # NAT gateways, so a's owner pays it as it pays their processing
    rows = [{"src": "a", "dst": "internet", "gb": "10", "src_account": B}]
    ctx = context(estate([TWO_AZS], rows))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert [(charge.component, charge.payer) for charge in charged(ctx, used)] == [
        ("Data processed (NAT gateway)", A),
        ("Data transfer out to the internet", A),
    ]


# ---- NAT gateways where the topology records them (`Context.layout`, as `as-is` reads it) -------------------
# AWS's VPC pricing page (https://aws.amazon.com/vpc/pricing/) bills each NAT gateway per hour, and the Amazon VPC
# NAT gateway docs bill a regional NAT gateway per hour in each AZ where it is active, at the zonal unit prices.
THREE_AZS = vpc("a", account=A, azs=["use1-az1", "use1-az2", "use1-az3"])
TO_RECORDED = "Cross-AZ data transfer to the NAT gateway"
RECORDED_LAYOUT = (
    "NAT layout: the NAT gateways the topology records, in their AZs (a regional one in each AZ it is active in), "
    "each with a public IPv4 address."
)


def test_one_recorded_gateway_in_two_azs_is_priced_like_one_gateway_per_vpc() -> None:
    # a (2 AZs) has one NAT gateway, in use1-az1; 100 GB to SQS from use1-az2 cross AZs to it. Snapshot, us-east-1,
    # 730 h: the gateway $0.045 × 730 = $32.85, its IPv4 address $0.005 × 730 = $3.65, processing 100 GB × $0.045
    # = $4.50, regional transfer 100 GB × ($0.01 workload side + $0.01 gateway side) = $2.00: $43.00, the figure of
    # `nat_per_vpc` (test_one_nat_gateway_per_vpc_adds_cross_az_transfer), not the $77.50 of a gateway per AZ.
    state = estate([TWO_AZS], [{"src": "a", "dst": "aws:sqs", "gb": "100", "src_az": "use1-az2"}])
    mix = Mix(pairs={}, layout=RecordedLayout(nat_gateways={"a": ("use1-az1",)}))
    result = price(usage(state, Settings(), mix), vpccost.load_pricing(SNAPSHOT), period_hours=Decimal(730))
    assert cost(result, "NatGateway-Hours") == Decimal("32.85")
    assert cost(result, "PublicIPv4:InUseAddress") == Decimal("3.65")
    assert cost(result, "NatGateway-Bytes") == Decimal("4.50")
    assert cost(result, "DataTransfer-Regional-Bytes") == Decimal("2.00")
    assert result.total_usd == Decimal("43.00")


def test_recorded_gateways_are_counted_in_their_azs_and_the_other_azs_cross_to_them() -> None:
    rows = [
        {"src": "a", "dst": "aws:s3", "gb": "10", "src_az": "use1-az1"},  # flow 0: the gateway's AZ
        {"src": "a", "dst": "aws:s3", "gb": "6", "src_az": "use1-az2", "src_account": B},  # flow 1: crosses
    ]
    ctx = context(estate([TWO_AZS], rows), layout=RecordedLayout(nat_gateways={"a": ("use1-az1",)}))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert charged(ctx, used) == [
        Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", A, "a/nat-gateway", None, (0, 1)),
        Charged(f"{TO_RECORDED} (workload side)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "a/nat-gateway",
                None, (1,)),
        Charged(f"{TO_RECORDED} (NAT gateway side)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a/nat-gateway",
                None, (1,)),
    ]  # fmt: skip
    assert [charge[5] for charge in needed(ctx, used)[("nat-gateway", 0)]] == [1, 1]  # one gateway, one address
    assert used.assumptions == []
    (gateways,) = [need.resource(0) for need in used.needs]
    assert gateways.assumption == RECORDED_LAYOUT


def test_a_regional_gateway_pays_in_each_active_az_and_traffic_from_an_unknown_az_crosses() -> None:
    # active in use1-az1 and use1-az2 of a's 3 AZs: 2 gateway-hours and 2 addresses per hour; use1-az3 crosses, and
    # so does traffic whose AZ is not known (it may come from use1-az3), as stated
    rows = [
        {"src": "a", "dst": "internet", "gb": "5", "src_az": "use1-az2"},  # flow 0: an active AZ
        {"src": "a", "dst": "internet", "gb": "3", "src_az": "use1-az3"},  # flow 1: crosses
        {"src": "a", "dst": "internet", "gb": "2"},  # flow 2: AZ not known
    ]
    layout = RecordedLayout(nat_gateways={"a": ("use1-az1", "use1-az2")})
    ctx = context(estate([THREE_AZS], rows), layout=layout)
    used = OPTION.usage(ctx, every_flow(ctx))
    crossing = [charge.flows for charge in charged(ctx, used) if charge.component.startswith(TO_RECORDED)]
    assert crossing == [(1, 2), (1, 2)]
    assert [charge[5] for charge in needed(ctx, used)[("nat-gateway", 0)]] == [2, 2]
    assert used.assumptions == [
        "Where the recorded NAT gateways of a VPC do not sit in all its AZs, traffic whose AZ is not known is priced "
        "as crossing AZs to them."
    ]


def test_recorded_gateways_in_every_az_of_the_vpc_leave_nothing_to_cross() -> None:
    ctx = context(
        estate([TWO_AZS], [{"src": "a", "dst": "aws:s3", "gb": "10"}]),
        layout=RecordedLayout(nat_gateways={"a": ("use1-az2", "use1-az1")}),
    )
    used = OPTION.usage(ctx, every_flow(ctx))
    assert [charge.component for charge in charged(ctx, used)] == ["Data processed (NAT gateway)"]
    assert [charge[5] for charge in needed(ctx, used)[("nat-gateway", 0)]] == [2, 2]
    assert used.assumptions == []


def test_a_vpc_the_layout_does_not_name_keeps_the_layout_vpccost_builds() -> None:
    # a's gateway is recorded in use1-az1; b (2 AZs) has none recorded: a gateway in each of its AZs, or one with
    # --nat-per-vpc, which leaves a's recorded gateway as it is
    vpcs = [TWO_AZS, vpc("b", account=B, azs=["use1-az1", "use1-az2"])]
    rows = [{"src": "a", "dst": "internet", "gb": "1", "src_az": "use1-az1"},
            {"src": "b", "dst": "internet", "gb": "1", "src_az": "use1-az1"}]  # fmt: skip
    layout = RecordedLayout(nat_gateways={"a": ("use1-az1",)})
    for settings, b_gateways in ((Settings(), 2), (Settings(nat_per_vpc=True), 1)):
        ctx = context(estate(vpcs, rows), settings, layout=layout)
        found = needed(ctx, OPTION.usage(ctx, every_flow(ctx)))
        assert [charge[5] for charge in found[("nat-gateway", 0)]] == [1, 1]
        assert [charge[5] for charge in found[("nat-gateway", 1)]] == [b_gateways, b_gateways]
