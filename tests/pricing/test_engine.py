"""The engine: tiers on each item's total across payers, then allocated pro rata; the free tier; missing prices
collected. Each figure checked by hand from the pinned snapshot (PRICING-FACTS §1)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support import line_items
from tests.support.strategies import PROPERTY_SETTINGS, estates
from vpccost.inputs.topology import Topology
from vpccost.pricing.engine import allocate
from vpccost.pricing.tiers import split_into_tiers
from vpccost.results import LineItem
from vpccost.units import HOURS_PER_MONTH


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


def test_a_design_missing_a_price_is_listed_unpriced(write_estate: WriteEstate) -> None:
    # PRICING-FACTS has no NAT gateway price for ap-northeast-1, but has its TGW and peering prices
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    result = vpccost.compare(traffic, topology, designs=["peering", "transit-gateway"], pricing=SNAPSHOT)
    for design in result.designs:
        assert not design.priced and design.total_usd is None
        assert any("nat_gateway_hours in ap-northeast-1" in missing for missing in design.missing_prices)


def test_i4_internet_egress_tiers_57000_gb(write_estate: WriteEstate) -> None:
    # I4, infracost expected output: us-east-1 internet egress of 57,000 GB in a month:
    # first 10,240 GB × $0.09 = $921.60; next 40,960 GB × $0.085 = $3,481.60; 5,800 GB × $0.07 = $406.00.
    # The row answers a connection opened from the internet (initiator dst), so no NAT gateway is involved.
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,57000")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    tiers = [(item.quantity, item.cost_usd) for item in line_items.items(peering, "DataTransfer-Out-Bytes")]
    assert tiers == [
        (Decimal(10240), Decimal("921.60")),
        (Decimal(40960), Decimal("3481.60")),
        (Decimal(5800), Decimal("406.00")),
    ]
    assert peering.total_usd == Decimal("4809.20")


CATALOG = vpccost.load_pricing(SNAPSHOT)


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


@given(
    st.lists(st.decimals(0, 10_000, places=6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
    st.decimals(0, 50_000, places=4, allow_nan=False, allow_infinity=False),
)
def test_allocation_adds_up_exactly(weights: list[Decimal], amount: Decimal) -> None:
    assume(sum(weights) > 0)  # nothing to allocate by
    parts = allocate(amount, weights)
    assert sum(parts, Decimal(0)) == amount
    assert all(part >= 0 for part in parts)
