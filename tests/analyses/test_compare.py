"""`compare`: every design priced from one estate; invariants of the estimate checked on random small estates
(Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import vpccost
from tests.conftest import SNAPSHOT
from tests.support.strategies import PROPERTY_SETTINGS, estates
from vpccost.inputs.topology import Topology
from vpccost.results import Comparison


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
    # with each design's own service access: the cheapest way ("best") depends on the volume, by design
    topology, traffic = estate
    zero = vpccost.compare(traffic.assign(gb="0"), topology, pricing=SNAPSHOT, service_access="design")
    for design in zero.designs:
        assert all(item.unit in {"Hrs"} for item in design.line_items), "only hourly charges remain"
    same = vpccost.compare(traffic, topology, pricing=SNAPSHOT, service_access="design")
    assert hourly_items(zero) == hourly_items(same)


@PROPERTY_SETTINGS
@given(estates(outside=False, max_gb=1000), st.sampled_from([2, 3, 7]))
def test_untiered_cost_is_linear_in_volume(estate: tuple[Topology, pd.DataFrame], factor: int) -> None:
    # without internet rows, and far below the first 1 PB endpoint tier, every per-GB price is flat; each design
    # reaches AWS services its own way, so the routes do not change with the volume
    topology, traffic = estate
    fixed = totals(vpccost.compare(traffic.assign(gb="0"), topology, pricing=SNAPSHOT, service_access="design"))
    base = totals(vpccost.compare(traffic, topology, pricing=SNAPSHOT, service_access="design"))
    scaled = totals(
        vpccost.compare(
            traffic.assign(gb=[str(Decimal(gb) * factor) for gb in traffic["gb"]]),
            topology,
            pricing=SNAPSHOT,
            service_access="design",
        )
    )
    for name, total in base.items():
        if total is None:
            continue
        fixed_usd, scaled_usd = fixed[name], scaled[name]
        assert fixed_usd is not None and scaled_usd is not None
        assert scaled_usd - fixed_usd == factor * (total - fixed_usd)
