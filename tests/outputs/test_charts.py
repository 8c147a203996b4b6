"""The plotly figures: they build for every example, and what they draw adds up to the exact totals."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from vpccost.analyses.forecast import forecast
from vpccost.model.usage import RESOURCE_KINDS
from vpccost.outputs import charts
from vpccost.outputs.periods import period_of
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.load import load_pricing
from vpccost.results import Comparison

EXAMPLE_NAMES = sorted(path.name for path in EXAMPLES.iterdir() if (path / "traffic.csv").is_file())
EVIL = "<img src=x onerror=alert(1)>"


def example(name: str, **options: Any) -> Comparison:
    options.setdefault("pricing", SNAPSHOT)
    return vpccost.compare(EXAMPLES / name / "traffic.csv", EXAMPLES / name / "topology.yaml", **options)


@pytest.fixture(scope="module")
def multi() -> Comparison:
    return example("multi-account", split_by="team")


def bar_sums(fig: go.Figure) -> dict[str, float]:
    """Height of each bar: the sum of its stacked segments, keyed by the bar's key (customdata[0])."""
    sums: dict[str, float] = defaultdict(float)
    for trace in fig.data:
        assert trace.type == "bar"
        for custom, height in zip(trace.customdata, trace.y, strict=True):
            sums[custom[0]] += height
    return dict(sums)


def all_text(fig: go.Figure) -> str:
    """Every string in the figure, as plotly.js receives it."""
    return json.dumps(json.loads(fig.to_json()))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_figures_build_for_every_example(name: str) -> None:
    comparison = example(name)
    ranked = comparison.ranked[0]
    figures = [
        charts.cost_by_design(comparison),
        charts.cost_by_account(comparison, ranked.design),
        charts.sankey(comparison, ranked),
        charts.forecast_lines([period_of(comparison, date(2027, 1, 1)), period_of(comparison, date(2027, 2, 1))]),
    ]
    figures += [charts.breakeven_curve(row, comparison.settings) for row in comparison.service_access]
    for fig in figures:
        assert isinstance(fig, go.Figure)
        assert fig.layout.title.text
        if fig.data[0].type != "sankey":
            assert "USD/month" in fig.layout.yaxis.title.text
            assert fig.layout.xaxis.title.text


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_cost_by_design_bars_add_up_to_each_design_total(name: str) -> None:
    comparison = example(name)
    fig = charts.cost_by_design(comparison)
    sums = bar_sums(fig)
    assert set(sums) == {result.design for result in comparison.designs}
    for result in comparison.designs:
        assert result.total_usd is not None
        assert sums[result.design] == pytest.approx(float(result.total_usd), abs=0.005)


def test_cost_by_design_is_ranked_and_marks_infeasible_designs(multi: Comparison) -> None:
    fig = charts.cost_by_design(multi)
    order = list(fig.layout.xaxis.categoryarray)
    assert order == [
        result.design + ("" if result.feasible else " (infeasible)") for result in multi.ranked if result.priced
    ]
    assert order[0] == "sharing"
    assert "peering (infeasible)" in order
    cheapest = [a.text for a in fig.layout.annotations if "cheapest" in a.text]
    assert cheapest == ["<b>760.73 USD</b><br>cheapest"]  # sharing, S3 and DynamoDB through gateway endpoints


def test_an_unpriced_design_is_a_note_not_a_bar() -> None:
    snapshot = load_pricing(SNAPSHOT).snapshot
    entries = [entry for entry in snapshot.entries if entry.item != "transit_gateway_bytes"]
    catalog = Catalog(snapshot.model_copy(update={"entries": entries}), name="test/no-tgw-bytes")
    comparison = example("peering-two-vpcs", pricing=catalog)
    assert not comparison.design("transit-gateway").priced
    fig = charts.cost_by_design(comparison)
    assert "transit-gateway" not in bar_sums(fig)
    assert "transit-gateway" in fig.layout.title.subtitle.text
    assert "Not priced" in fig.layout.title.subtitle.text


def test_line_items_carry_the_parts_charts_group_by(multi: Comparison) -> None:
    # charts group by what is consumed and by what holds the resource: fields of the line item, not text taken
    # apart — the component is the base component, then its destination region and its tier, when it has them
    for result in multi.designs:
        for item in result.line_items:
            suffix = (f" (to {item.to_region})" if item.to_region else "") + (f" ({item.tier})" if item.tier else "")
            assert item.component == item.base_component + suffix
            assert item.resource_kind in RESOURCE_KINDS
            assert item.resource == item.resource_owner or item.resource.startswith(f"{item.resource_owner}/")
    peerings = [item for item in multi.design("transit-gateway").line_items if item.resource_kind == "tgw-peering"]
    assert {(item.resource, item.resource_owner) for item in peerings} == {
        ("tgw-us-east-1/peering-us-east-2", "tgw-us-east-1"),
        ("tgw-us-east-2/peering-us-east-1", "tgw-us-east-2"),
    }


def test_cost_by_account_bars_add_up_to_the_design_total(multi: Comparison) -> None:
    for result in multi.designs:
        sums = bar_sums(charts.cost_by_account(multi, result.design))
        assert set(sums) == {item.payer_account for item in result.line_items}
        assert result.total_usd is not None
        assert sum(sums.values()) == pytest.approx(float(result.total_usd), abs=0.005)
    fig = charts.cost_by_account(multi, "sharing")
    assert fig.layout.xaxis.type == "category"  # account ids are text, not numbers
    # examples/multi-account/topology.yaml names the accounts: each bar shows the name beside the id
    assert {x for trace in fig.data for x in trace.x} == {
        "111111111111 (network)",
        "222222222222 (prod)",
        "333333333333 (data)",
    }


def test_cost_by_label_needs_a_split_comparison() -> None:
    comparison = example("multi-account")
    with pytest.raises(ValueError, match=r"split_by=.*team, application"):
        charts.cost_by_label(comparison, "sharing")


def test_cost_by_label_has_a_bar_per_label_value_and_one_for_hourly_resources(multi: Comparison) -> None:
    result = multi.design("sharing")
    fig = charts.cost_by_label(multi, result)
    labels = list(fig.layout.xaxis.categoryarray)
    assert labels[-1] == charts.UNLABELLED
    assert set(labels[:-1]) == {item.label for item in result.line_items if item.label is not None}
    sums = bar_sums(fig)
    hourly = sum((item.cost_usd for item in result.line_items if item.label is None), Decimal(0))
    assert sums["None"] == pytest.approx(float(hourly), abs=0.005)
    assert result.total_usd is not None
    assert sum(sums.values()) == pytest.approx(float(result.total_usd), abs=0.005)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_sankey_links_add_up_to_the_design_total(name: str) -> None:
    comparison = example(name)
    for result in comparison.designs:
        fig = charts.sankey(comparison, result)
        assert result.total_usd is not None
        link = fig.data[0].link
        paths = {target for target in link.target if target in set(link.source)}  # the middle column
        into_paths = sum(value for value, target in zip(link.value, link.target, strict=True) if target in paths)
        out_of_paths = sum(value for value, source in zip(link.value, link.source, strict=True) if source in paths)
        assert into_paths == pytest.approx(float(result.total_usd), abs=0.01)
        assert out_of_paths == pytest.approx(float(result.total_usd), abs=0.01)


def test_sankey_names_vpcs_and_groups_small_owners(multi: Comparison) -> None:
    fig = charts.sankey(multi, "transit-gateway")
    labels = list(fig.data[0].node.label)
    assert "web" in labels  # a VPC by its name, not vpc-0f2ffbf3e0b6e9aba
    assert "tgw-us-east-1" in labels
    assert any(label.startswith("Transit gateway attachment (VPC): ") for label in labels)
    original = charts.SANKEY_MAX_SOURCES
    try:
        charts.SANKEY_MAX_SOURCES = 3
        fig = charts.sankey(multi, "transit-gateway")
    finally:
        charts.SANKEY_MAX_SOURCES = original
    labels = list(fig.data[0].node.label)
    assert any(label.endswith("other resource owners") for label in labels)
    total = multi.design("transit-gateway").total_usd
    assert total is not None
    assert sum(fig.data[0].link.value) == pytest.approx(2 * float(total), abs=0.02)  # two columns of links
    assert any(label.startswith("Transit gateway: ") for label in labels)  # the path column


def test_breakeven_curve_passes_through_the_row_and_crosses_at_the_breakeven(multi: Comparison) -> None:
    azs = {info.id: len(info.azs) for info in multi.estate.vpcs}
    rows = [row for row in multi.service_access if row.breakeven_gb and row.nat_usd and row.interface_endpoint_usd]
    assert rows
    for row in rows:
        assert row.nat_usd is not None and row.interface_endpoint_usd is not None and row.breakeven_gb is not None
        fig = charts.breakeven_curve(row, multi.settings)
        assert row.az_count == azs[row.vpc]
        lines = {trace.name: dict(zip(trace.x, trace.y, strict=True)) for trace in fig.data}
        gb, breakeven = float(row.gb), float(row.breakeven_gb)
        assert lines["NAT gateway"][gb] == pytest.approx(float(row.nat_usd), abs=1e-9)
        assert lines["Interface endpoint"][gb] == pytest.approx(float(row.interface_endpoint_usd), abs=1e-9)
        # rounded up to 0.01 GB: the endpoint is already no dearer there, and was dearer 0.01 GB before
        assert lines["Interface endpoint"][breakeven] <= lines["NAT gateway"][breakeven]
        assert lines["Interface endpoint"][breakeven] == pytest.approx(lines["NAT gateway"][breakeven], abs=0.001)
        assert ("Gateway endpoint (free)" in lines) == (row.gateway_endpoint_usd is not None)
        assert any(f"break-even {row.breakeven_gb} GB/month" == a.text for a in fig.layout.annotations)
        assert fig.layout.xaxis.title.text == "Volume (GB/month)"


def test_forecast_lines_follow_a_growing_forecast() -> None:
    months = forecast(
        EXAMPLES / "multi-account" / "traffic.csv",
        EXAMPLES / "multi-account" / "topology.yaml",
        months=3,
        growth="10%",
        start="2027-01",
        pricing=SNAPSHOT,
    ).periods
    fig = charts.forecast_lines(months)
    assert fig.layout.xaxis.type == "category"
    for trace in fig.data:
        assert list(trace.x) == ["2027-01", "2027-02", "2027-03"]
        totals = [period.comparison.design(trace.name).total_usd for period in months]
        assert list(trace.y) == [float(total) for total in totals if total is not None]
        assert trace.y[0] < trace.y[1] < trace.y[2]


def test_forecast_lines_one_line_per_design(multi: Comparison) -> None:
    periods = [period_of(multi, date(2026, 12, 1)), period_of(multi, date(2027, 1, 1))]
    fig = charts.forecast_lines(periods)
    assert [trace.name for trace in fig.data] == [result.design for result in multi.ranked]
    for trace in fig.data:
        assert list(trace.x) == ["2026-12", "2027-01"]
        total = multi.design(trace.name).total_usd
        assert total is not None
        assert list(trace.y) == [float(total)] * 2


def test_user_text_reaches_plotly_escaped(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(
        [
            vpc("vpc-0evil", name=EVIL, azs=("use1-az1", "use1-az2"), cidrs=["10.0.0.0/16"]),
            vpc("vpc-1", name="ok", account="<b>222</b>", azs=("use1-az1", "use1-az2"), cidrs=["10.1.0.0/16"]),
        ],
        "src,dst,src_az,dst_az,initiator,gb,team\n"
        "vpc-0evil,vpc-1,use1-az1,use1-az2,src,500,<script>alert(2)</script>\n"
        "vpc-0evil,aws:kinesis,use1-az1,,src,400,<i>x</i>\n"
        "vpc-1,internet,use1-az1,,src,100,<i>x</i>\n",
    )
    comparison = vpccost.compare(traffic, topology, split_by="team", pricing=SNAPSHOT)
    figures = [
        charts.cost_by_design(comparison),
        charts.cost_by_account(comparison, "peering"),
        charts.cost_by_label(comparison, "peering"),
        charts.sankey(comparison, "peering"),
        *(charts.breakeven_curve(row, comparison.settings) for row in comparison.service_access),
    ]
    text = "".join(all_text(fig) for fig in figures)
    for raw in (EVIL, "<b>222</b>", "<script>", "<i>x</i>"):
        assert raw not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;222&lt;/b&gt;" in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text


def test_breakeven_curve_without_an_interface_endpoint_price() -> None:
    snapshot = load_pricing(SNAPSHOT).snapshot
    entries = [entry for entry in snapshot.entries if entry.item != "vpc_endpoint_hours"]
    catalog = Catalog(snapshot.model_copy(update={"entries": entries}), name="test/no-endpoint-hours")
    comparison = example("multi-account", pricing=catalog)
    azs = {info.id: len(info.azs) for info in comparison.estate.vpcs}
    for row in comparison.service_access:
        assert row.interface_endpoint_usd is None
        fig = charts.breakeven_curve(row, comparison.settings)
        assert "Interface endpoint" not in {trace.name for trace in fig.data}
        assert "NAT gateway" in {trace.name for trace in fig.data}
        assert "Interface endpoint not priced" in fig.layout.title.subtitle.text
        assert row.az_count == azs[row.vpc]
