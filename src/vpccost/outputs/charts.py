"""Plotly figures of a comparison, shared by notebooks and the HTML report.

Money is exact `Decimal` everywhere else in vpccost; it becomes `float` only here, at the last step, to be
drawn. Sums are taken exactly first (per bar segment, per Sankey link) and each sum is converted once, so a
bar's height differs from the exact total by float rounding only. Hover texts show amounts rounded to cents.

Text that comes from user data (VPC names and ids, accounts, resource names, label values) is HTML-escaped
before it is handed to plotly: plotly.js reads a small set of HTML tags in labels, legends and hover texts,
so a VPC named `<img src=x onerror=alert(1)>` must reach it as `&lt;img …&gt;` (which it shows as typed).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import Any, TypeVar

import plotly.colors
import plotly.graph_objects as go

from vpccost.model.usage import Settings
from vpccost.pricing.items import ITEMS
from vpccost.results import BreakEven, Comparison, DatedComparison, DesignResult, LineItem, ServiceAccess
from vpccost.units import (
    HOURS_PER_MONTH,
    cents_text,
    exact_arithmetic,
    format_decimal,
    fraction_text,
    fraction_to_decimal,
    rounding_arithmetic,
)

__all__ = [
    "UNLABELLED",
    "breakeven_curve",
    "breakeven_lines",
    "cost_by_account",
    "cost_by_design",
    "cost_by_label",
    "forecast_lines",
    "plot_text",
    "sankey",
]

UNLABELLED = "(unlabelled: hourly resources)"
"""The bar of `cost_by_label` for line items no label owns (hourly resources)."""

SANKEY_MAX_SOURCES = 25
"""The Sankey shows this many resource owners (VPCs, transit gateways…) by cost; the rest become one node."""

TEMPLATE = "plotly_white"
PALETTE: list[str] = list(plotly.colors.qualitative.Dark24) + list(plotly.colors.qualitative.Light24)


K = TypeVar("K", bound=Hashable)


PATH_COLOR = "rgba(143, 163, 191, 0.45)"


def path_of(item: str) -> str:
    """The part of the network an item pays for (the registry says), for the Sankey's middle column."""
    found = ITEMS.get(item)
    return found.path if found is not None else "Other"


def plot_text(text: str) -> str:
    """User text made inert for plotly: `&`, `<` and `>` as entities (which plotly shows as the characters).
    Quotes stay as they are: plotly.js does not decode `&quot;`, and with no `<` left there is no tag."""
    return html.escape(text, quote=False)


def usd(amount: Decimal) -> str:
    """Money for hover texts and labels, rounded to the cent: `1,234.56 USD`."""
    return f"{cents_text(amount)} USD"


def cost_by_design(comparison: Comparison) -> go.Figure:
    """One stacked bar per design, cheapest first (as `comparison.ranked`), stacked by component group.
    Infeasible designs are marked in their label; designs with missing prices have no bar and are named in
    a note under the title."""
    ranked = comparison.ranked
    cheapest = comparison.cheapest
    priced = [result for result in ranked if result.priced]
    unpriced = [result for result in ranked if not result.priced]
    labels = {result.design: _design_label(result) for result in priced}
    items = [item for result in priced for item in result.line_items]
    per = _per_period(comparison.settings)
    fig = _stacked_bars(
        comparison,
        items,
        key=lambda item: item.design,
        keys=[result.design for result in priced],
        label=labels.__getitem__,
        category_title="Design",
        per=per,
    )
    for result in priced:
        total = result.total_usd
        assert total is not None
        text = f"<b>{usd(total)}</b>" + ("<br>cheapest" if result is cheapest else "")
        fig.add_annotation(
            x=labels[result.design], y=float(total), text=text, showarrow=False, yanchor="bottom", yshift=2
        )
    notes = []
    if unpriced:
        names = ", ".join(plot_text(result.design) for result in unpriced)
        notes.append(f"Not priced (missing prices), no bar: {names}")
    if any(not result.feasible for result in priced):
        notes.append("(infeasible): the design cannot be built as is; see its problems")
    _titles(
        fig,
        f"Cost per {per} by design, prices {plot_text(comparison.catalog.name)}",
        "<br>".join(notes) or None,
        x="Design",
        y=f"Cost (USD/{per})",
    )
    return fig


def cost_by_account(comparison: Comparison, design: str | DesignResult) -> go.Figure:
    """Chargeback: one stacked bar per payer account for one design, stacked by component group."""
    result = _design_result(comparison, design)
    per = _per_period(comparison.settings)
    totals = _sums(result.line_items, lambda item: item.payer_account)
    accounts = sorted(totals, key=lambda account: (-totals[account], account))
    fig = _stacked_bars(
        comparison,
        result.line_items,
        key=lambda item: item.payer_account,
        keys=accounts,
        label=lambda account: plot_text(comparison.account_label(account)),
        category_title="Payer account",
        per=per,
    )
    _titles(
        fig,
        f"Cost per {per} by payer account (chargeback): {plot_text(result.design)} design",
        _design_note(result),
        x="Payer account",
        y=f"Cost (USD/{per})",
    )
    return fig


def cost_by_label(comparison: Comparison, design: str | DesignResult) -> go.Figure:
    """Chargeback by a traffic label: one stacked bar per value of the comparison's `split_by` column, and
    one for the hourly resources that no label owns. Needs `compare(..., split_by=<label column>)`."""
    column = comparison.settings.split_by
    if column is None:
        available = ", ".join(comparison.estate.traffic.labels) or "none in this traffic"
        raise ValueError(
            "cost_by_label needs a comparison split by a label column: call vpccost.compare(..., "
            f"split_by=<column>) (label columns: {available})"
        )
    result = _design_result(comparison, design)
    per = _per_period(comparison.settings)
    totals = _sums(result.line_items, attrgetter("label"))
    values = sorted((value for value in totals if value is not None), key=lambda value: (-totals[value], value))
    keys: list[str | None] = [*values, None] if None in totals else list(values)

    def label(value: str | None) -> str:
        return UNLABELLED if value is None else plot_text(value) if value else "(empty)"

    fig = _stacked_bars(
        comparison,
        result.line_items,
        key=attrgetter("label"),
        keys=keys,
        label=label,
        category_title=plot_text(column),
        per=per,
    )
    _titles(
        fig,
        f"Cost per {per} by {plot_text(column)}: {plot_text(result.design)} design",
        _design_note(result),
        x=plot_text(column),
        y=f"Cost (USD/{per})",
    )
    return fig


def breakeven_curve(row: ServiceAccess, settings: Settings) -> go.Figure:
    """What reaching one AWS service from one VPC costs against the volume, through a NAT gateway and through
    an interface endpoint (and a gateway endpoint at 0 USD for S3 and DynamoDB), with the break-even volume
    marked. The lines are the row's own cost lines, so they pass through the row's costs at its volume."""
    per = _per_period(settings)
    volumes = _volumes(row)
    fig = go.Figure()
    notes: list[str] = []
    for way, name, color in (
        ("nat", "NAT gateway", PALETTE[0]),
        ("interface_endpoint", "Interface endpoint", PALETTE[1]),
    ):
        costs = [row.usd_at(way, volume) for volume in volumes]
        if way not in row.lines:
            notes.append(f"{name} not priced in this region")
        else:
            _add_line(fig, name, volumes, [cost or Decimal(0) for cost in costs], color=color, per=per)
    if row.gateway_endpoint_usd is not None:
        _add_line(fig, "Gateway endpoint (free)", volumes, [row.gateway_endpoint_usd] * len(volumes), PALETTE[2], per)
    fig.add_vline(x=float(row.gb), line={"dash": "dot", "color": "#555", "width": 1})
    fig.add_annotation(
        x=float(row.gb),
        y=1,
        yref="paper",
        text=f"this VPC: {format_decimal(row.gb)} GB/{per}",
        showarrow=False,
        xanchor="left",
        xshift=4,
        yanchor="top",
    )
    both = "nat" in row.lines and "interface_endpoint" in row.lines
    if both and row.breakeven_gb is None:
        notes.append("the interface endpoint never costs less than the NAT gateway")
    elif both and row.breakeven_gb == 0:
        notes.append("the interface endpoint costs less than the NAT gateway at any volume")
    elif both and row.breakeven_gb is not None:
        fig.add_vline(x=float(row.breakeven_gb), line={"dash": "dash", "color": "#c0392b", "width": 2})
        fig.add_annotation(
            x=float(row.breakeven_gb),
            y=0.5,
            yref="paper",
            text=f"break-even {format_decimal(row.breakeven_gb)} GB/{per}",
            showarrow=False,
            textangle=-90,
            xanchor="right",
            xshift=-4,
            font={"color": "#c0392b"},
        )
    if not row.nat_needed_for_other_traffic:
        notes.append("NAT gateway hours count: this is the VPC's only traffic through NAT")
    vpc = plot_text(f"{row.vpc_name} ({row.vpc})" if row.vpc_name and row.vpc_name != row.vpc else row.vpc)
    _titles(
        fig,
        f"Reaching {plot_text(row.service)} from {vpc}, {plot_text(row.region)}",
        "; ".join(notes) or None,
        x=f"Volume (GB/{per})",
        y=f"Cost (USD/{per})",
    )
    fig.update_xaxes(rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    return fig


def sankey(comparison: Comparison, design: str | DesignResult) -> go.Figure:
    """Where a design's money goes: resource owners (VPCs by name when known, transit gateways, shared VPCs)
    on the left, the path the traffic takes (NAT gateway, transit gateway, peering, endpoint, internet…) in the
    middle, component groups on the right. Each column's links add up to the design's total (USD)."""
    result = _design_result(comparison, design)
    per = _per_period(comparison.settings)
    names = {vpc.id: vpc.name or vpc.id for vpc in comparison.estate.vpcs}
    flows: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    with exact_arithmetic():
        for item in result.line_items:
            key = (item.resource_owner, path_of(item.item), item.base_component)
            flows[key] += item.cost_usd
    owner_totals = _sums_of(flows.items(), lambda key: key[0])
    owners = sorted(owner_totals, key=lambda owner: (-owner_totals[owner], owner))
    shown = set(owners[:SANKEY_MAX_SOURCES])
    rest = len(owners) - len(shown)
    other = f"{rest} other resource owners"
    first: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    second: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    with exact_arithmetic():
        for (owner, path, group), cost in flows.items():
            first[(owner if owner in shown else other, path)] += cost
            second[(path, group)] += cost
    path_totals = _sums_of(second.items(), lambda key: key[0])
    paths = sorted(path_totals, key=lambda path: (-path_totals[path], path))
    group_totals = _sums_of(second.items(), lambda key: key[1])
    groups = sorted(group_totals, key=lambda group: (-group_totals[group], group))
    sources = [owner for owner in owners if owner in shown] + ([other] if rest else [])
    source_totals = _sums_of(first.items(), lambda key: key[0])
    colors = _group_colors(comparison)
    node_labels = [plot_text(names.get(owner, owner)) for owner in sources]
    node_labels += [f"{path}: {usd(path_totals[path])}" for path in paths]
    node_labels += [f"{plot_text(group)}: {usd(group_totals[group])}" for group in groups]
    node_hover = [
        plot_text(f"{names[owner]} ({owner})" if names.get(owner, owner) != owner else owner)
        + f"<br>{usd(source_totals[owner])}"
        for owner in sources
    ]
    node_hover += [f"{path}<br>{usd(path_totals[path])}" for path in paths]
    node_hover += [f"{plot_text(group)}<br>{usd(group_totals[group])}" for group in groups]
    index = {("source", owner): n for n, owner in enumerate(sources)}
    index.update({("path", path): len(sources) + n for n, path in enumerate(paths)})
    index.update({("group", group): len(sources) + len(paths) + n for n, group in enumerate(groups)})
    links = [(index[("source", a)], index[("path", b)], cost, PATH_COLOR) for (a, b), cost in first.items() if cost]
    links += [
        (index[("path", a)], index[("group", b)], cost, _translucent(colors[b]))
        for (a, b), cost in second.items()
        if cost
    ]
    links.sort(key=lambda link: (link[0], link[1]))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.2f",
            valuesuffix=" USD",
            node={
                "label": node_labels,
                "customdata": node_hover,
                "hovertemplate": "%{customdata}<extra></extra>",
                "color": ["#8fa3bf"] * len(sources) + ["#b9c4d4"] * len(paths) + [colors[group] for group in groups],
                "pad": 12,
                "thickness": 16,
            },
            link={
                "source": [source for source, _, _, _ in links],
                "target": [target for _, target, _, _ in links],
                "value": [float(cost) for _, _, cost, _ in links],
                "customdata": [usd(cost) for _, _, cost, _ in links],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
                "color": [color for _, _, _, color in links],
            },
        )
    )
    total = result.total_usd
    subtitle = f"total {usd(total)}" if total is not None else "incomplete: missing prices"
    note = _design_note(result)
    _titles(
        fig,
        f"Where the money goes: {plot_text(result.design)} design, cost per {per} by resource owner and component",
        subtitle + (f"; {note}" if note else ""),
    )
    fig.update_layout(height=max(450, 24 * max(len(sources), len(groups)) + 150))
    return fig


def breakeven_lines(result: BreakEven) -> go.Figure:
    """Two options' cost lines against the subject's volume, the input's volume and the crossing marked."""
    top = max(Fraction(result.gb), result.breakeven_gb or Fraction(0)) * 2 or Fraction(100)
    breaks = {Fraction(0), top, Fraction(result.gb)} | ({result.breakeven_gb} if result.breakeven_gb else set())
    for line in (result.first, result.second):
        breaks |= {begin for begin, _, _ in line.segments if begin < top}
    volumes = sorted(breaks)
    fig = go.Figure()
    for line in (result.first, result.second):
        fig.add_trace(go.Scatter(x=[float(v) for v in volumes], y=[float(line.cost_at(v)) for v in volumes],
                                 mode="lines", name=plot_text(line.option)))  # fmt: skip
    fig.add_vline(x=float(result.gb), line={"dash": "dot", "color": "#555", "width": 1})
    if result.breakeven_gb is not None:
        fig.add_vline(x=float(result.breakeven_gb), line={"dash": "dash", "color": "#c0392b", "width": 2})
        label = f"break-even {fraction_text(result.breakeven_gb)} GB"
        fig.add_annotation(x=float(result.breakeven_gb), y=0.5, yref="paper", showarrow=False, textangle=-90,
                           text=label, font={"color": "#c0392b"})  # fmt: skip
    monthly = result.period_hours == HOURS_PER_MONTH
    fig.update_layout(
        title=f"{plot_text(result.first.option)} vs {plot_text(result.second.option)}: {plot_text(result.subject)}",
        xaxis_title="Volume (GB/month)" if monthly else "Volume (GB/period)",
        yaxis_title="Cost (USD/month)" if monthly else "Cost (USD/period)",
        template=TEMPLATE,
    )
    fig.update_xaxes(rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    return fig


def forecast_lines(periods: Sequence[DatedComparison]) -> go.Figure:
    """Total cost per billing month, one line per design (gaps where a design is not priced)."""
    fig = go.Figure()
    months = [period.month for period in periods]
    designs: list[str] = []
    for period in periods:
        designs += [result.design for result in period.comparison.ranked if result.design not in designs]
    for number, design in enumerate(designs):
        totals: list[Decimal | None] = []
        for period in periods:
            found = [result for result in period.comparison.designs if result.design == design]
            totals.append(found[0].total_usd if found else None)
        fig.add_trace(
            go.Scatter(
                x=months,
                y=[None if total is None else float(total) for total in totals],
                customdata=["not priced" if total is None else usd(total) for total in totals],
                mode="lines+markers",
                name=plot_text(design),
                line={"color": PALETTE[number % len(PALETTE)]},
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    span = f"{months[0]} to {months[-1]}" if months else "no periods"
    _titles(fig, f"Forecast: total cost per month by design, {span}", None, x="Billing month", y="Cost (USD/month)")
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero")
    return fig


# ---- helpers --------------------------------------------------------------------------------------------


def _design_result(comparison: Comparison, design: str | DesignResult) -> DesignResult:
    return design if isinstance(design, DesignResult) else comparison.design(design)


def _design_label(result: DesignResult) -> str:
    return plot_text(result.design) + ("" if result.feasible else " (infeasible)")


def _design_note(result: DesignResult) -> str | None:
    notes = []
    if not result.feasible:
        notes.append("infeasible as is (see its problems)")
    if not result.priced:
        notes.append(f"incomplete: {len(result.missing_prices)} missing price(s), their usage is not shown")
    return "; ".join(notes) or None


def _per_period(options: Settings) -> str:
    hours = options.period_hours
    return "month" if hours == HOURS_PER_MONTH else f"{format_decimal(hours)} h"


def _sums(items: Iterable[LineItem], key: Callable[[LineItem], K]) -> dict[K, Decimal]:
    return _sums_of(((key(item), item.cost_usd) for item in items), lambda k: k)


def _sums_of(pairs: Iterable[tuple[Any, Decimal]], key: Callable[[Any], K]) -> dict[K, Decimal]:
    sums: dict[K, Decimal] = defaultdict(Decimal)
    with exact_arithmetic():
        for k, amount in pairs:
            sums[key(k)] += amount
    return dict(sums)


def _group_colors(comparison: Comparison) -> dict[str, str]:
    """One color per component group, the same in every figure of a comparison (biggest groups first)."""
    totals = _sums(
        (item for result in comparison.designs for item in result.line_items),
        lambda item: item.base_component,
    )
    groups = sorted(totals, key=lambda group: (-totals[group], group))
    return {group: PALETTE[n % len(PALETTE)] for n, group in enumerate(groups)}


def _stacked_bars(
    comparison: Comparison,
    items: Sequence[LineItem],
    *,
    key: Callable[[LineItem], K],
    keys: Sequence[K],
    label: Callable[[K], str],
    category_title: str,
    per: str,
) -> go.Figure:
    """Bars per `key` value (in the order of `keys`), one trace per component group, biggest group at the
    bottom. Each segment is the exact sum of its line items, converted to float once."""
    cells: dict[str, dict[K, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with exact_arithmetic():
        for item in items:
            cells[item.base_component][key(item)] += item.cost_usd
    with exact_arithmetic():
        group_totals = {group: sum(by_key.values(), Decimal(0)) for group, by_key in cells.items()}
    groups = sorted(cells, key=lambda group: (-group_totals[group], group))
    colors = _group_colors(comparison)
    categories = [label(k) for k in keys]
    fig = go.Figure()
    for group in groups:
        present = [k for k in keys if k in cells[group]]
        fig.add_trace(
            go.Bar(
                x=[label(k) for k in present],
                y=[float(cells[group][k]) for k in present],
                customdata=[[plot_text(str(k)), usd(cells[group][k])] for k in present],
                name=plot_text(group),
                marker_color=colors.get(group),
                hovertemplate=f"%{{x}}<br>{plot_text(group)}: %{{customdata[1]}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend={"title": {"text": "Component"}, "traceorder": "normal"})
    fig.update_layout(height=max(480, 21 * len(groups) + 160))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=categories, title_text=category_title)
    return fig


def _titles(fig: go.Figure, title: str, subtitle: str | None, *, x: str | None = None, y: str | None = None) -> None:
    title_layout: dict[str, Any] = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle:
        title_layout["subtitle"] = {"text": subtitle}
    fig.update_layout(
        template=TEMPLATE,
        title=title_layout,
        height=fig.layout.height or 480,
        margin={"t": 90 if subtitle else 70, "l": 70, "r": 30, "b": 70},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    )
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y, tickformat=",~f")


def _translucent(color: str, alpha: float = 0.45) -> str:
    red, green, blue = plotly.colors.hex_to_rgb(color)
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _add_line(
    fig: go.Figure, name: str, volumes: Sequence[Decimal], costs: Sequence[Decimal], color: str, per: str
) -> None:
    fig.add_trace(
        go.Scatter(
            x=[float(volume) for volume in volumes],
            y=[float(cost) for cost in costs],
            customdata=[[format_decimal(volume), usd(cost)] for volume, cost in zip(volumes, costs, strict=True)],
            mode="lines",
            name=name,
            line={"color": color, "width": 2.5},
            hovertemplate=f"%{{customdata[0]}} GB/{per}: %{{customdata[1]}}<extra>{name}</extra>",
        )
    )


def _volumes(row: ServiceAccess) -> list[Decimal]:
    """Volumes to draw at: 0 to well past both the VPC's volume and the break-even, plus both of them and every
    bound where a line changes slope in between (the lines are straight between these)."""
    top = max(row.gb, row.breakeven_gb or Decimal(0)) * Decimal("1.6")
    top = max(top, Decimal(100))
    with rounding_arithmetic():
        step = (top / 40).quantize(Decimal("0.01"))
        bounds = {fraction_to_decimal(begin) for line in row.lines.values() for begin, _, _ in line.segments}
    points = {step * n for n in range(41)}
    points |= {row.gb} | ({row.breakeven_gb} if row.breakeven_gb else set())
    points |= {bound for bound in bounds if 0 < bound < top}
    return sorted(points)
