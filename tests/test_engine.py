"""The engine's rules, each on a case small enough to check by hand."""

from __future__ import annotations

from decimal import Decimal

import vpccost

from .conftest import SNAPSHOT, WriteEstate, vpc


def test_tiers_apply_across_accounts_then_are_allocated_pro_rata(write_estate: WriteEstate) -> None:
    # Two accounts send 12,000 GB and 8,000 GB to the internet from us-east-1: 20,000 GB together.
    # Tiers on the total: 10,240 GB × $0.09 = $921.60 and 9,760 GB × $0.085 = $829.60; total $1,751.20.
    # Pro rata (60 % / 40 %): A gets 6,144 + 5,856 GB -> $552.96 + $497.76 = $1,050.72,
    #                         B gets 4,096 + 3,904 GB -> $368.64 + $331.84 = $700.48.
    traffic, topology = write_estate(
        [vpc("a", account="111111111111"), vpc("b", account="222222222222")],
        "src,dst,initiator,gb\na,internet,dst,12000\nb,internet,dst,8000",
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    by_payer: dict[str, Decimal] = {}
    for item in peering.line_items:
        by_payer[item.payer_account] = by_payer.get(item.payer_account, Decimal(0)) + item.cost_usd
    assert by_payer == {"111111111111": Decimal("1050.72"), "222222222222": Decimal("700.48")}
    assert peering.total_usd == Decimal("1751.20")


def test_free_tier_is_applied_only_when_asked(write_estate: WriteEstate) -> None:
    # 300 GB of internet egress: $27.00; with --free-tier the first 100 GB are free: 200 × $0.09 = $18.00
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,300")
    plain = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    free = vpccost.compare(traffic, topology, designs=["peering"], free_tier=True, pricing=SNAPSHOT).design("peering")
    assert plain.total_usd == Decimal("27.00")
    assert free.total_usd == Decimal("18.00")


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


def test_period_hours_scale_hourly_charges(write_estate: WriteEstate) -> None:
    # A TGW over 24 h: 2 attachments × 24 h × $0.05 = $2.40, plus 10 GB × $0.02 = $0.20
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours=24, pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("2.60")


def test_ipv6_internet_traffic_skips_the_nat_gateway(write_estate: WriteEstate) -> None:
    # 50 GB out over IPv6 through an egress-only internet gateway: only egress, 50 × $0.09 = $4.50
    traffic, topology = write_estate([vpc("app")], "src,dst,ip_version,gb\napp,internet,6,50")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.total_usd == Decimal("4.50")


def test_service_access_break_even(write_estate: WriteEstate) -> None:
    # VPC in 2 AZs calling SQS, and also the internet (so it keeps a NAT gateway anyway).
    # Interface endpoint: 2 AZ × 730 h × $0.01 = $14.60 a month, $0.01/GB; NAT: $0.045/GB.
    # Break-even: 14.60 / (0.045 - 0.01) = 417.142857… GB, rounded up to 417.15 GB.
    # At 1,000 GB: NAT $45.00; endpoint $14.60 + $10.00 = $24.60.
    traffic, topology = write_estate(
        [vpc("app", azs=["use1-az1", "use1-az2"])], "src,dst,gb\napp,aws:sqs,1000\napp,internet,1"
    )
    (row,) = vpccost.compare(traffic, topology, pricing=SNAPSHOT).service_access
    assert (row.service, row.gb, row.nat_usd, row.interface_endpoint_usd) == (
        "sqs", Decimal(1000), Decimal("45.00"), Decimal("24.60"),
    )  # fmt: skip
    assert row.gateway_endpoint_usd is None
    assert row.breakeven_gb == Decimal("417.15")
    assert row.cheapest == "interface_endpoint"


def test_service_access_counts_nat_hours_when_nothing_else_needs_nat(write_estate: WriteEstate) -> None:
    # S3 is the only NAT traffic of a 1-AZ VPC: NAT 730 × ($0.045 + $0.005 IPv4) = $36.50 + 10 GB × $0.045
    # = $36.95; the gateway endpoint is free; an interface endpoint costs $7.30 + $0.10 = $7.40.
    traffic, topology = write_estate([vpc("app")], "src,dst,gb\napp,aws:s3,10")
    (row,) = vpccost.compare(traffic, topology, pricing=SNAPSHOT).service_access
    assert (row.nat_usd, row.gateway_endpoint_usd, row.interface_endpoint_usd) == (
        Decimal("36.95"), Decimal(0), Decimal("7.40"),
    )  # fmt: skip
    assert row.cheapest == "gateway_endpoint"
    assert row.breakeven_gb == 0


def test_peering_quotas(write_estate: WriteEstate) -> None:
    # A hub that talks to 60 spokes needs 60 peerings: over the default 50, within the maximum 125
    spokes = [vpc(f"s{i}", cidrs=[f"10.{i}.0.0/16"]) for i in range(60)]
    rows = "\n".join(f"hub,s{i},1" for i in range(60))
    traffic, topology = write_estate([vpc("hub", cidrs=["172.16.0.0/16"]), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.feasible
    assert any("hub: 60 active peering connections" in text for text in peering.quota_increases)
    assert any("hub: 60 peering routes" in text for text in peering.quota_increases)


def test_peering_over_the_maximum_is_infeasible(write_estate: WriteEstate) -> None:
    spokes = [vpc(f"s{i}") for i in range(130)]
    rows = "\n".join(f"hub,s{i},1" for i in range(130))
    traffic, topology = write_estate([vpc("hub"), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert not peering.feasible
    assert "hub needs 130 peering connections; at most 125 per VPC" in peering.problems


def test_split_by_a_label_charges_back_per_gb_costs(write_estate: WriteEstate) -> None:
    # Two teams send 100 GB and 300 GB to the internet from one VPC (answers to inbound connections):
    # egress 400 GB × $0.09 = $36.00, split by team: x $9.00, y $27.00. No hourly resource is involved.
    traffic, topology = write_estate(
        [vpc("web")], "src,dst,initiator,gb,team\nweb,internet,dst,100,x\nweb,internet,dst,300,y"
    )
    split = vpccost.compare(traffic, topology, designs=["peering"], split_by="team", pricing=SNAPSHOT).design("peering")
    assert {item.label: item.cost_usd for item in split.line_items} == {"x": Decimal("9.00"), "y": Decimal("27.00")}
    assert split.total_usd == Decimal("36.00")


def test_split_keeps_totals_and_leaves_hourly_items_unlabelled() -> None:
    from .conftest import EXAMPLES

    traffic, topology = EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml"
    plain = vpccost.compare(traffic, topology, pricing=SNAPSHOT)
    split = vpccost.compare(traffic, topology, split_by="application", pricing=SNAPSHOT)
    for before, after in zip(plain.designs, split.designs, strict=True):
        assert before.total_usd == after.total_usd
        assert all((item.label is None) == (item.unit == "Hrs") for item in after.line_items)


def test_rows_without_azs_in_single_az_vpcs_do_not_cross_azs(write_estate: WriteEstate) -> None:
    # Both VPCs have one AZ, use1-az1: traffic between them and inside one stays in that AZ, so peering and
    # sharing cost $0.00 (DESIGN.md: AZs of a VPC come from the topology; same AZ ID is free).
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,100\na,a,10")
    result = vpccost.compare(traffic, topology, designs=["peering", "sharing"], pricing=SNAPSHOT)
    assert [design.total_usd for design in result.designs] == [Decimal(0), Decimal(0)]


def test_shared_vpc_counts_only_known_azs(write_estate: WriteEstate) -> None:
    # One VPC lists use1-az1 and use1-az2, the other lists none: the shared VPC spans the 2 known AZs, so
    # 2 NAT gateways: 2 × 730 h × ($0.045 + $0.005 IPv4) = $73.00, plus 10 GB × $0.045 = $0.45.
    traffic, topology = write_estate(
        [vpc("a", azs=["use1-az1", "use1-az2"]), vpc("b", azs=[])], "src,dst,gb\nb,aws:sqs,10"
    )
    sharing = vpccost.compare(traffic, topology, designs=["sharing"], pricing=SNAPSHOT).design("sharing")
    assert sharing.total_usd == Decimal("73.45")


def test_a_partial_hour_is_billed_as_a_full_hour(write_estate: WriteEstate) -> None:
    # --hours 0.5: 2 attachments × 1 billed hour × $0.05 = $0.10, plus 10 GB × $0.02 = $0.20 → $0.30
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours="0.5", pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("0.30")
