"""Transit Gateway: attachments, processing, TGW peering between regions, and overlapping CIDRs."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, by_kind, charged, context, estate, every_flow, needed
from tests.support.line_items import cost, items
from vpccost.model.usage import Fixed, Resource
from vpccost.options import subjects
from vpccost.options.base import Blocked, Findings, FixedResource, QuotaRow
from vpccost.options.registry import PAIR_OPTIONS
from vpccost.options.transit_gateway import OPTION, attachment_of, check_attachments
from vpccost.pricing.items import DATA_TRANSFER_INTER_REGION_BYTES, TRANSIT_GATEWAY_BYTES
from vpccost.pricing.items import TRANSIT_GATEWAY_ATTACHMENT_HOURS as ATTACHMENT_HOURS
from vpccost.pricing.items import TRANSIT_GATEWAY_PEERING_HOURS as PEERING_HOURS


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


# ---- the option's declarations, on estates built in memory -------------------------------------------------
# The rules are the module's (vpccost/options/transit_gateway.py), from AWS's Transit Gateway pricing page:
# processing on every byte entering from a VPC attachment, paid by the sending attachment's owner; one
# attachment per VPC; across regions the sending region's inter-region rate once, billed to the TGW owner, and a
# peering attachment on each side.
A, B, C, NETWORK = "111111111111", "222222222222", "333333333333", "999999999999"
VPCS = [
    vpc("a", account=A, cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, azs=["use1-az2"], cidrs=["10.1.0.0/16"]),
    vpc("c", account=C, region="us-west-2", azs=["usw2-az1"], cidrs=["10.2.0.0/16"]),
]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},  # flow 0
    {"src": "b", "dst": "a", "gb": "4", "initiator": "dst"},  # flow 1: opened by a, sent by b
    {"src": "a", "dst": "c", "gb": "5"},  # flow 2: us-east-1 → us-west-2
]


def test_processing_is_paid_by_the_sending_attachments_owner_and_inter_region_by_the_network_account() -> None:
    ctx = context(estate(VPCS, ROWS, network_account=NETWORK))
    used = OPTION.usage(ctx, every_flow(ctx))
    processed = "Data processed (Transit gateway)"
    assert charged(ctx, used) == [
        Charged(processed, TRANSIT_GATEWAY_BYTES, "us-east-1", A, "a/tgw-attachment", None, (0, 2)),
        Charged(processed, TRANSIT_GATEWAY_BYTES, "us-east-1", B, "b/tgw-attachment", None, (1,)),
        Charged("Inter-region data transfer over TGW peering", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", NETWORK,
                "a", "us-west-2", (2,)),
    ]  # fmt: skip
    assert used.assumptions == [
        "Inter-region transfer over TGW peering is billed to the transit gateways' owner (network account)."
    ]


def test_each_vpc_is_attached_once_and_regions_are_joined_by_a_peering_billed_on_both_sides() -> None:
    ctx = context(estate(VPCS, ROWS, network_account=NETWORK))
    vpc_attachment = "Transit gateway attachment (VPC)"
    peering = "Transit gateway attachment (peering)"
    assert needed(ctx, OPTION.usage(ctx, every_flow(ctx))) == {
        ("tgw-attachment", 0): ((vpc_attachment, ATTACHMENT_HOURS, "us-east-1", A, "a/tgw-attachment", 1, "hour"),),
        ("tgw-attachment", 1): ((vpc_attachment, ATTACHMENT_HOURS, "us-east-1", B, "b/tgw-attachment", 1, "hour"),),
        ("tgw-attachment", 2): ((vpc_attachment, ATTACHMENT_HOURS, "us-west-2", C, "c/tgw-attachment", 1, "hour"),),
        ("tgw-peering", "us-east-1", "us-west-2"): (
            (peering, PEERING_HOURS, "us-east-1", NETWORK, "tgw-us-east-1/peering-us-west-2", 1, "hour"),
            (peering, PEERING_HOURS, "us-west-2", NETWORK, "tgw-us-west-2/peering-us-east-1", 1, "hour"),
        ),
    }


def test_pairs_within_one_region_need_no_peering_and_no_inter_region_transfer() -> None:
    ctx = context(estate(VPCS, ROWS[:2], network_account=NETWORK))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert set(needed(ctx, used)) == {("tgw-attachment", 0), ("tgw-attachment", 1)}
    assert [charge.item for charge in charged(ctx, used)] == [TRANSIT_GATEWAY_BYTES, TRANSIT_GATEWAY_BYTES]
    assert used.assumptions == []


def test_overlapping_cidrs_block_the_pair_but_it_is_still_priced() -> None:
    vpcs = [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.0.0.0/24"])]
    ctx = context(estate(vpcs, [{"src": "a", "dst": "b", "gb": "1"}]))
    assert OPTION.blocked(ctx, subjects.pairs(ctx).keys) == {
        0: Blocked(
            "a and b have overlapping IPv4 CIDRs (10.0.0.0/16 / 10.0.0.0/24) and exchange IPv4 traffic: a transit "
            "gateway cannot route it between them",
            priced=True,
        )
    }


# A TGW route table holds one route per CIDR (the AWS Transit Gateway guide, "How transit gateways work": routes
# to VPCs with identical or overlapping CIDRs are not propagated), and a route's family is its CIDR's.
def test_only_the_overlapping_family_is_unroutable() -> None:
    # IPv6 blocks overlap, IPv4 blocks do not: IPv4 traffic routes through the TGW; peering still refuses the pair
    vpcs = [vpc("a", cidrs=["10.0.0.0/16", "2600:1f18:1::/56"]), vpc("b", cidrs=["10.1.0.0/16", "2600:1f18:1::/56"])]
    ipv4_only = context(estate(vpcs, [{"src": "a", "dst": "b", "gb": "1"}]))
    pairs = subjects.pairs(ipv4_only).keys
    assert OPTION.blocked(ipv4_only, pairs) == {}
    assert list(PAIR_OPTIONS["peering"].blocked(ipv4_only, pairs)) == [0]
    both = context(estate(vpcs, [{"src": "a", "dst": "b", "gb": "1"}, {"src": "b", "dst": "a", "gb": "1",
                                                                           "ip_version": "6"}]))  # fmt: skip
    (reason,) = (block.reason for block in OPTION.blocked(both, subjects.pairs(both).keys).values())
    assert reason.startswith("a and b have overlapping IPv6 CIDRs (2600:1f18:1::/56 / 2600:1f18:1::/56)")


def test_a_vpc_cannot_reach_two_look_alike_vpcs_through_the_transit_gateway() -> None:
    # hub exchanges traffic with b and c, whose CIDRs are the same; b and c never talk to each other
    vpcs = [vpc("hub", cidrs=["10.9.0.0/16"]), vpc("b", cidrs=["10.0.0.0/16"]), vpc("c", cidrs=["10.0.0.0/16"])]
    ctx = context(estate(vpcs, [{"src": "hub", "dst": "b", "gb": "1"}, {"src": "hub", "dst": "c", "gb": "1"}]))
    pairs = subjects.pairs(ctx).keys
    assert pairs.tolist() == [[0, 1], [0, 2]]
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == [
        "hub reaches b and c through a transit gateway, but their CIDRs overlap (IPv4 10.0.0.0/16 / 10.0.0.0/16): "
        "a TGW route table holds one route per CIDR"
    ]
    # for the optimizer: at most one of the hub's two pairs takes the transit gateway
    assert OPTION.quota_rows(ctx, pairs) == [QuotaRow(0, [0, 1], [1, 1], 1)]
    # two look-alikes reached from different VPCs are no conflict of one route table's
    rows = [{"src": "hub", "dst": "b", "gb": "1"}, {"src": "other", "dst": "c", "gb": "1"}]
    apart = context(estate([*vpcs, vpc("other", cidrs=["10.8.0.0/16"])], rows))
    findings = Findings()
    OPTION.check(apart, subjects.pairs(apart).keys, findings)
    assert findings == Findings()


def test_many_look_alikes_are_one_problem_and_one_limit() -> None:
    # four default VPCs (172.31.0.0/16 in every account) reached from one hub: 6 look-alike pairs, reported once,
    # and for the optimizer one limit over the hub's four pairs (at most one through the TGW), not six
    vpcs = [vpc("hub", cidrs=["10.9.0.0/16"])] + [vpc(f"d{i}", cidrs=["172.31.0.0/16"]) for i in range(4)]
    ctx = context(estate(vpcs, [{"src": "hub", "dst": f"d{i}", "gb": "1"} for i in range(4)]))
    pairs = subjects.pairs(ctx).keys
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == [
        "hub reaches 6 pairs of look-alike VPCs, among them d0 and d1, through a transit gateway, but their CIDRs "
        "overlap (IPv4 172.31.0.0/16 / 172.31.0.0/16): a TGW route table holds one route per CIDR"
    ]
    assert OPTION.quota_rows(ctx, pairs) == [QuotaRow(0, [0, 1, 2, 3], [1, 1, 1, 1], 1)]


def peering_between(first: str, second: str) -> FixedResource:
    """A TGW peering resource: one peering attachment-hour in each region."""
    resource = Resource("tgw", "tgw-peering", "tgw/peering")
    charges = tuple(Fixed("peering", PEERING_HOURS, region, NETWORK, resource) for region in (first, second))
    return FixedResource(("tgw-peering", first, second), charges)


def test_attachments_over_5000_are_a_problem_and_peerings_over_50_a_quota_increase() -> None:
    # the AWS Transit Gateway quotas page: 5,000 attachments per TGW at most; 50 peering attachments by default
    ctx = context(estate(VPCS, ROWS))
    attachments = [
        attachment_of(ctx, ("tgw-attachment", code), "us-east-1", A, Resource(f"v{code}", "tgw-attachment", "x"))
        for code in range(5001)
    ]
    peerings = [peering_between("us-east-1", f"r{n}") for n in range(51)]
    findings = Findings()
    check_attachments(ctx, by_kind([*attachments, *peerings]), findings)
    assert findings.problems == ["5001 VPC attachments on the us-east-1 transit gateway; at most 5000"]
    assert findings.quota_increases == [
        "51 peering attachments on the us-east-1 transit gateway (default quota 50, adjustable)"
    ]
    within = Findings()
    check_attachments(ctx, by_kind([*attachments[:5000], *peerings[:50]]), within)
    assert within == Findings()
