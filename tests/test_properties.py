"""Invariants of the estimate, checked on random small estates (Hypothesis)."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from decimal import Decimal

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import vpccost
from vpccost.inputs.topology import Topology, Vpc
from vpccost.model.estate import build_estate
from vpccost.pricing.engine import allocate
from vpccost.pricing.tiers import split_into_tiers
from vpccost.results import Comparison, LineItem
from vpccost.units import HOURS_PER_MONTH

from .conftest import SNAPSHOT

REGIONS = {"us-east-1": ["use1-az1", "use1-az2", "use1-az4"], "us-east-2": ["use2-az1", "use2-az2"]}
OUTSIDE = ["internet", "aws:s3", "aws:sqs", "aws:dynamodb@us-east-2", "aws:ec2"]
CATALOG = vpccost.load_pricing(SNAPSHOT)
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def estates(
    draw: st.DrawFn, *, outside: bool = True, max_gb: int = 5000, egress_rows: int = 0
) -> tuple[Topology, pd.DataFrame]:
    """2 to 5 VPCs and 1 to 8 rows of up to `max_gb`, plus `egress_rows` of 2,000 to 12,000 GB to the internet
    (enough for two of them to cross the first egress tier, 10,240 GB)."""
    count = draw(st.integers(2, 5))
    vpcs = []
    for index in range(count):
        region = draw(st.sampled_from(sorted(REGIONS)))
        azs = draw(st.lists(st.sampled_from(REGIONS[region]), min_size=1, max_size=3, unique=True))
        account = draw(st.sampled_from(["111111111111", "222222222222", "333333333333"]))
        vpcs.append(Vpc(id=f"vpc-{index}", account=account, region=region, azs=azs, cidrs=[f"10.{index}.0.0/16"]))
    names = [v.id for v in vpcs]
    ends = names + (OUTSIDE if outside else [])
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        src = draw(st.sampled_from(names))
        dst = draw(st.sampled_from(ends))
        if draw(st.booleans()):
            src, dst = dst, src
        row = {
            "src": src,
            "dst": dst,
            "gb": str(draw(st.decimals(0, max_gb, places=3, allow_nan=False, allow_infinity=False))),
            "initiator": draw(st.sampled_from(["src", "dst"])),
            "ip_version": draw(st.sampled_from(["4", "4", "6"])),
        }
        for side in ("src", "dst"):
            vpc = next((v for v in vpcs if v.id == row[side]), None)
            row[f"{side}_az"] = draw(st.sampled_from(vpc.azs)) if vpc is not None and draw(st.booleans()) else ""
        rows.append(row)
    for _ in range(egress_rows):
        gb = draw(st.decimals(2000, 12_000, places=3, allow_nan=False, allow_infinity=False))
        initiator = draw(st.sampled_from(["src", "dst"]))
        rows.append({"src": draw(st.sampled_from(names)), "dst": "internet", "gb": str(gb), "initiator": initiator,
                     "ip_version": "4", "src_az": "", "dst_az": ""})  # fmt: skip
    return Topology(vpcs=vpcs), pd.DataFrame(rows)


def totals(result: Comparison) -> dict[str, Decimal | None]:
    return {design.design: design.total_usd for design in result.designs}


def hourly_items(result: Comparison) -> set[tuple[str, str, str, Decimal]]:
    return {
        (item.design, item.usage_type, item.resource, item.cost_usd)
        for design in result.designs
        for item in design.line_items
        if item.unit != "GB" and item.unit != "LCU-Hrs"
    }


@PROPERTY_SETTINGS
@given(estates(egress_rows=3))
def test_each_items_total_in_a_region_is_charged_its_tiers_once_across_payers(
    estate: tuple[Topology, pd.DataFrame],
) -> None:
    """Tiers apply to an item's total in a region across accounts (PRICING-FACTS §1), and allocating the charge to
    payers neither loses money nor moves it between items or regions: the line items of each (item, region) cost
    exactly the tiered charge of their summed quantity. Charging each payer its own tiers would cost more; moving
    money between regions or items would break the sum of one group or another."""
    topology, traffic = estate
    for design in vpccost.compare(traffic, topology, pricing=SNAPSHOT).designs:
        groups: dict[tuple[str, str, str | None], list[LineItem]] = defaultdict(list)
        for item in design.line_items:
            groups[(item.item, item.region, item.to_region)].append(item)
        for (name, region, to_region), items in groups.items():
            entry = CATALOG.get(name, region, to_region)
            charges = split_into_tiers(entry, sum((item.quantity for item in items), Decimal(0)), HOURS_PER_MONTH)
            assert {item.rate_usd for item in items} <= {tier.price_usd for tier in entry.tiers}
            assert sum((item.cost_usd for item in items), Decimal(0)) == sum(
                (charge.quantity * charge.price_usd for charge in charges), Decimal(0)
            ), (design.design, name, region, to_region)


@PROPERTY_SETTINGS
@given(estates())
def test_row_order_and_row_splitting_do_not_change_totals(estate: tuple[Topology, pd.DataFrame]) -> None:
    topology, traffic = estate
    expected = totals(vpccost.compare(traffic, topology, pricing=SNAPSHOT))
    shuffled = traffic.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert totals(vpccost.compare(shuffled, topology, pricing=SNAPSHOT)) == expected
    # split every row in two parts with different labels, so they stay separate rows up to the engine
    first = traffic.assign(gb=[str(Decimal(gb) / 4) for gb in traffic["gb"]], team="a")
    second = traffic.assign(gb=[str(Decimal(gb) - Decimal(gb) / 4) for gb in traffic["gb"]], team="b")
    assert (
        totals(vpccost.compare(pd.concat([first, second], ignore_index=True), topology, pricing=SNAPSHOT)) == expected
    )


@PROPERTY_SETTINGS
@given(estates())
def test_zero_traffic_costs_only_the_fixed_charges(estate: tuple[Topology, pd.DataFrame]) -> None:
    topology, traffic = estate
    zero = vpccost.compare(traffic.assign(gb="0"), topology, pricing=SNAPSHOT)
    for design in zero.designs:
        assert all(item.unit in {"Hrs"} for item in design.line_items), "only hourly charges remain"
    assert hourly_items(zero) == hourly_items(vpccost.compare(traffic, topology, pricing=SNAPSHOT))


@PROPERTY_SETTINGS
@given(estates(outside=False, max_gb=1000), st.sampled_from([2, 3, 7]))
def test_untiered_cost_is_linear_in_volume(estate: tuple[Topology, pd.DataFrame], factor: int) -> None:
    # without internet rows, and far below the first 1 PB endpoint tier, every per-GB price is flat
    topology, traffic = estate
    fixed = totals(vpccost.compare(traffic.assign(gb="0"), topology, pricing=SNAPSHOT))
    base = totals(vpccost.compare(traffic, topology, pricing=SNAPSHOT))
    scaled = totals(
        vpccost.compare(
            traffic.assign(gb=[str(Decimal(gb) * factor) for gb in traffic["gb"]]), topology, pricing=SNAPSHOT
        )
    )
    for name, total in base.items():
        if total is None:
            continue
        fixed_usd, scaled_usd = fixed[name], scaled[name]
        assert fixed_usd is not None and scaled_usd is not None
        assert scaled_usd - fixed_usd == factor * (total - fixed_usd)


EGRESS = CATALOG.get("data_transfer_internet_out_bytes", "us-east-1")
BOUNDS = [tier.end for tier in EGRESS.tiers if tier.end is not None]
TOP_RATE = max(tier.price_usd for tier in EGRESS.tiers)


def egress_cost(gb: Decimal) -> Decimal:
    return sum((c.quantity * c.price_usd for c in split_into_tiers(EGRESS, gb, Decimal(730))), Decimal(0))


@given(
    st.decimals(0, 300_000, places=3, allow_nan=False, allow_infinity=False),
    st.decimals(0, 300_000, places=3, allow_nan=False, allow_infinity=False),
)
def test_tiered_cost_is_monotonic(first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    assert egress_cost(low) <= egress_cost(high)


@given(st.sampled_from(BOUNDS), st.decimals(Decimal("0.001"), 5, places=3, allow_nan=False, allow_infinity=False))
def test_tiered_cost_is_continuous_at_tier_boundaries(bound: Decimal, step: Decimal) -> None:
    at = egress_cost(bound)
    assert 0 <= at - egress_cost(bound - step) <= step * TOP_RATE
    assert 0 <= egress_cost(bound + step) - at <= step * TOP_RATE


@given(
    st.lists(st.decimals(0, 10_000, places=6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
    st.decimals(0, 50_000, places=4, allow_nan=False, allow_infinity=False),
)
def test_allocation_adds_up_exactly(weights: list[Decimal], amount: Decimal) -> None:
    assume(sum(weights) > 0)  # nothing to allocate by
    parts = allocate(amount, weights)
    assert sum(parts, Decimal(0)) == amount
    assert all(part >= 0 for part in parts)


@st.composite
def networks(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        prefix = draw(st.integers(8, 28))
        address = draw(st.integers(0, 2**32 - 1)) >> (32 - prefix) << (32 - prefix)
        return f"{ipaddress.IPv4Address(address)}/{prefix}"
    prefix = draw(st.integers(40, 64))
    address = draw(st.integers(0, 2**64 - 1)) >> (64 - prefix) << (128 - prefix)
    return f"{ipaddress.IPv6Address(address)}/{prefix}"


@given(st.lists(st.lists(networks(), min_size=1, max_size=3), min_size=2, max_size=8))
def test_cidr_overlaps_match_a_pairwise_check(blocks: list[list[str]]) -> None:
    vpcs = [Vpc(id=f"v{i}", account="1", region="us-east-1", cidrs=cidrs) for i, cidrs in enumerate(blocks)]
    rows = pd.DataFrame({"src": [v.id for v in vpcs], "dst": "internet", "gb": "1"})
    estate = build_estate(vpccost.load_traffic(rows), Topology(vpcs=vpcs))
    expected = {
        (x, y)
        for x in range(len(vpcs))
        for y in range(x + 1, len(vpcs))
        if any(
            a.version == b.version and a.overlaps(b) for a in estate.vpcs[x].networks for b in estate.vpcs[y].networks
        )
    }
    assert set(estate.overlapping_cidrs) == expected
