"""VPC peering: cross-AZ and inter-region transfer, overlapping CIDRs, and its quotas (peerings per VPC, routes per
route table)."""

from __future__ import annotations

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, charged, context, estate, every_flow
from vpccost.model.usage import Settings
from vpccost.options import subjects
from vpccost.options.base import Blocked, Context, Findings, QuotaRow
from vpccost.options.peering import OPTION, peerings_allowed, route_blocks
from vpccost.pricing.items import DATA_TRANSFER_INTER_REGION_BYTES, VPC_PEERING_IN_BYTES, VPC_PEERING_OUT_BYTES


def test_peering_quotas(write_estate: WriteEstate) -> None:
    # A hub that talks to 60 spokes needs 60 peerings: over the default 50, within the maximum 125
    spokes = [vpc(f"s{i}", cidrs=[f"10.{i}.0.0/16"]) for i in range(60)]
    rows = "\n".join(f"hub,s{i},1" for i in range(60))
    traffic, topology = write_estate([vpc("hub", cidrs=["172.16.0.0/16"]), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.feasible
    assert any("hub: 60 active peering connections" in text for text in peering.quota_increases)
    assert any("hub: 60 IPv4 peering routes" in text for text in peering.quota_increases)


def test_peering_over_the_maximum_is_infeasible(write_estate: WriteEstate) -> None:
    spokes = [vpc(f"s{i}") for i in range(130)]
    rows = "\n".join(f"hub,s{i},1" for i in range(130))
    traffic, topology = write_estate([vpc("hub"), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert not peering.feasible
    assert "hub needs 130 peering connections; at most 125 per VPC" in peering.problems


# ---- the option's declarations, on estates built in memory -------------------------------------------------
# a (us-east-1, use1-az1, account 1…1) and b (us-east-1, use1-az2, account 2…2) exchange traffic across AZs; c is
# in us-west-2. The rules are the module's (vpccost/options/peering.py), from AWS's VPC peering pricing: cross-AZ
# bytes pay $/GB out at the sender and in at the receiver, inter-region bytes the sender's inter-region rate.
A, B, C = "111111111111", "222222222222", "333333333333"
VPCS = [
    vpc("a", account=A, azs=["use1-az1"], cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, azs=["use1-az2"], cidrs=["10.0.128.0/17"]),
    vpc("c", account=C, region="us-west-2", azs=["usw2-az1"], cidrs=["10.1.0.0/16"]),
]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},  # flow 0: crosses AZs
    {"src": "b", "dst": "a", "gb": "4"},  # flow 1: crosses AZs the other way
    {"src": "a", "dst": "c", "gb": "5"},  # flow 2: us-east-1 → us-west-2
]


def test_cross_az_bytes_pay_out_at_the_sender_and_in_at_the_receiver_and_inter_region_the_sender() -> None:
    ctx = context(estate(VPCS, ROWS))
    used = OPTION.usage(ctx, every_flow(ctx))
    out, into = "Cross-AZ data transfer over VPC peering (out)", "Cross-AZ data transfer over VPC peering (in)"
    inter = "Inter-region data transfer over VPC peering"
    assert charged(ctx, used) == [
        Charged(out, VPC_PEERING_OUT_BYTES, "us-east-1", A, "a", None, (0,)),
        Charged(out, VPC_PEERING_OUT_BYTES, "us-east-1", B, "b", None, (1,)),
        Charged(into, VPC_PEERING_IN_BYTES, "us-east-1", B, "b", None, (0,)),
        Charged(into, VPC_PEERING_IN_BYTES, "us-east-1", A, "a", None, (1,)),
        Charged(inter, DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", A, "a", "us-west-2", (2,)),
    ]
    assert used.needs == []  # a peering connection has no hourly charge


def test_the_same_az_costs_nothing() -> None:
    ctx = context(estate([vpc("a"), vpc("b")], [{"src": "a", "dst": "b", "gb": "10"}]))  # both in use1-az1
    assert charged(ctx, OPTION.usage(ctx, every_flow(ctx))) == []


def test_overlapping_cidrs_block_the_pair_but_it_is_still_priced() -> None:
    ctx = context(estate(VPCS, ROWS))
    pairs = subjects.pairs(ctx).keys  # (a, b), (a, c): codes 0, 1 and 2 in the order the rows name them
    assert pairs.tolist() == [[0, 1], [0, 2]]
    assert OPTION.blocked(ctx, pairs) == {
        0: Blocked(
            "a and b have overlapping CIDRs (10.0.0.0/16 / 10.0.128.0/17) and exchange traffic: VPC peering cannot "
            "route between them",
            priced=True,
        )
    }


def hub_and_spokes(spokes: int, cidrs_per_spoke: int = 1, ipv6_per_spoke: int = 0) -> Context:
    """A hub (10.255.0.0/16) sending 1 GB to each spoke; spoke i holds `cidrs_per_spoke` /24 blocks 10.i.j.0/24 and
    `ipv6_per_spoke` /56 blocks 2600:1f18:i:j00::/56."""
    vpcs = [vpc("hub", cidrs=["10.255.0.0/16"])]
    vpcs += [
        vpc(f"s{i}", cidrs=[f"10.{i}.{j}.0/24" for j in range(cidrs_per_spoke)]
            + [f"2600:1f18:{i:x}:{j:x}00::/56" for j in range(ipv6_per_spoke)])
        for i in range(spokes)
    ]  # fmt: skip
    return context(estate(vpcs, [{"src": "hub", "dst": f"s{i}", "gb": "1"} for i in range(spokes)]))


def test_fifty_one_peerings_and_routes_need_quota_increases() -> None:
    # 51 peerings at the hub: over the default 50, within the maximum 125; one route per spoke CIDR: 51 routes in
    # the hub's table, over the default 50, within the maximum 1,000 (the Amazon VPC quotas page,
    # https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)
    ctx = hub_and_spokes(51)
    findings = Findings()
    OPTION.check(ctx, subjects.pairs(ctx).keys, findings)
    assert findings.problems == []
    assert findings.quota_increases == [
        "hub: 51 active peering connections (default quota 50, maximum 125)",
        "hub: 51 IPv4 peering routes per route table (default quota 50, maximum 1000)",
    ]


def test_fifty_peerings_need_nothing() -> None:
    ctx = hub_and_spokes(50)
    findings = Findings()
    OPTION.check(ctx, subjects.pairs(ctx).keys, findings)
    assert findings == Findings()
    assert OPTION.quota_rows(ctx, subjects.pairs(ctx).keys) == []


def test_over_125_peerings_is_a_problem_and_a_quota_row() -> None:
    ctx = hub_and_spokes(126)
    pairs = subjects.pairs(ctx).keys
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == ["hub needs 126 peering connections; at most 125 per VPC"]
    assert findings.quota_increases == ["hub: 126 IPv4 peering routes per route table (default quota 50, maximum 1000)"]
    # for the optimizer: the hub's 126 pairs, at most 125 of them peered (the hub is VPC code 0)
    assert OPTION.quota_rows(ctx, pairs) == [QuotaRow(0, list(range(126)), [1] * 126, 125)]


def test_over_1000_routes_is_a_problem_and_a_quota_row() -> None:
    # 20 spokes × 51 CIDRs = 1,020 routes in the hub's table (> 1,000); 20 peerings stay under the default 50
    ctx = hub_and_spokes(20, cidrs_per_spoke=51)
    pairs = subjects.pairs(ctx).keys
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == ["hub needs 1020 IPv4 peering routes in a route table; at most 1000"]
    assert findings.quota_increases == []
    assert OPTION.quota_rows(ctx, pairs) == [QuotaRow(0, list(range(20)), [51] * 20, 1000)]


def test_a_stricter_peering_quota_binds_where_it_is_exceeded() -> None:
    ctx = hub_and_spokes(5)
    strict = context(ctx.estate, Settings(peering_quota=3))
    pairs = subjects.pairs(strict).keys
    findings = Findings()
    OPTION.check(strict, pairs, findings)
    assert findings.problems == ["hub needs 5 peering connections; the peering quota given is 3"]
    assert peerings_allowed(strict.settings) == 3
    assert peerings_allowed(Settings()) == 125
    assert OPTION.quota_rows(strict, pairs) == [QuotaRow(0, [0, 1, 2, 3, 4], [1] * 5, 3)]


def test_a_vpc_without_known_cidrs_needs_one_route() -> None:
    ctx = context(
        estate([vpc("a", cidrs=["10.0.0.0/16", "10.1.0.0/16"]), vpc("b")], [{"src": "a", "dst": "b", "gb": "1"}])
    )
    assert route_blocks(ctx).tolist() == [[2, 0], [1, 0]]  # (IPv4, IPv6) routes: b's CIDRs are not known


# AWS counts a route table's routes per IP family: "This quota is enforced separately for IPv4 routes and IPv6
# routes" (50 by default, adjustable up to 1,000; the Amazon VPC quotas page,
# https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
def test_routes_are_counted_per_ip_family() -> None:
    # 100 spokes with 6 IPv4 and 5 IPv6 blocks each: 600 IPv4 and 500 IPv6 routes at the hub, each within 1,000
    # (1,100 together would not be): quota increases, not a problem
    ctx = hub_and_spokes(100, cidrs_per_spoke=6, ipv6_per_spoke=5)
    pairs = subjects.pairs(ctx).keys
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == []
    assert findings.quota_increases == [
        "hub: 100 active peering connections (default quota 50, maximum 125)",
        "hub: 600 IPv4 peering routes per route table (default quota 50, maximum 1000)",
        "hub: 500 IPv6 peering routes per route table (default quota 50, maximum 1000)",
    ]
    assert OPTION.quota_rows(ctx, pairs) == []


def test_thirty_ipv4_and_thirty_ipv6_routes_need_no_increase() -> None:
    ctx = hub_and_spokes(30, cidrs_per_spoke=1, ipv6_per_spoke=1)
    findings = Findings()
    OPTION.check(ctx, subjects.pairs(ctx).keys, findings)
    assert findings == Findings()


def test_over_1000_ipv6_routes_is_a_problem_and_a_quota_row_of_its_family() -> None:
    # 20 spokes × 51 IPv6 blocks = 1,020 IPv6 routes; 20 IPv4 routes stay under the default 50
    ctx = hub_and_spokes(20, cidrs_per_spoke=1, ipv6_per_spoke=51)
    pairs = subjects.pairs(ctx).keys
    findings = Findings()
    OPTION.check(ctx, pairs, findings)
    assert findings.problems == ["hub needs 1020 IPv6 peering routes in a route table; at most 1000"]
    assert OPTION.quota_rows(ctx, pairs) == [QuotaRow(0, list(range(20)), [51] * 20, 1000)]
