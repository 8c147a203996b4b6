"""`compare`: every design priced from one estate; invariants of the estimate checked on random small estates
(Hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.strategies import PROPERTY_SETTINGS, estates
from vpccost.errors import InputError
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


FLOWLOGS = EXAMPLES / "flowlogs"


@pytest.fixture(scope="module")
def flowlog_traffic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled flow logs (09:00 to 09:30 UTC) aggregated in Python, as they are and scaled to a month."""
    folder = tmp_path_factory.mktemp("flowlogs")
    files = {}
    for monthly in (False, True):
        result = vpccost.aggregate_flowlogs(FLOWLOGS / "AWSLogs", FLOWLOGS / "topology.yaml", monthly=monthly)
        path = files["monthly" if monthly else "window"] = folder / f"{'monthly' if monthly else 'window'}.csv"
        path.write_text(result.to_csv())
    return files


def test_compare_in_python_prices_the_recorded_period(flowlog_traffic: dict[str, Path]) -> None:
    window = flowlog_traffic["window"]
    result = vpccost.compare(window, FLOWLOGS / "topology.yaml", pricing=SNAPSHOT)
    assert result.settings.period_hours == Decimal("0.5")
    assert result.assumptions[0].startswith(f"Period: 0.5 hours, recorded by flowlogs aggregate in {window}")
    assert vpccost.compare(window, FLOWLOGS / "topology.yaml", pricing=SNAPSHOT, hours="0.5").settings.period_hours == (
        Decimal("0.5")
    )
    # a Traffic loaded first keeps its record
    traffic = vpccost.load_traffic(window)
    assert traffic.period is not None and traffic.period.hours == Decimal("0.5")
    with pytest.raises(InputError, match=r"the traffic covers 0.5 hours .* but --hours is 730"):
        vpccost.compare(traffic, FLOWLOGS / "topology.yaml", pricing=SNAPSHOT, hours=730)


@pytest.mark.parametrize("hours", [None, 730])
def test_compare_in_python_accepts_a_monthly_matrix(flowlog_traffic: dict[str, Path], hours: int | None) -> None:
    result = vpccost.compare(flowlog_traffic["monthly"], FLOWLOGS / "topology.yaml", pricing=SNAPSHOT, hours=hours)
    assert result.settings.period_hours == Decimal(730)


def test_the_largest_volume_is_priced_exactly_even_where_the_solver_cannot_check_it(tmp_path: Path) -> None:
    # 10^15 GB to the internet: beyond what the solver's floating point can weigh, so the headline's optimizer
    # check is skipped, never the estimate; every design's line items add up to its total exactly
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,src_region,gb\na,internet,us-east-1,1000000000000000\n")
    found = vpccost.compare(traffic, pricing=SNAPSHOT)
    for design in found.designs:
        assert design.total_usd == sum((item.cost_usd for item in design.line_items), Decimal(0))
    assert found.cheapest is not None and found.cheapest.total_usd is not None
    assert found.cheapest.total_usd > Decimal(10**13)
