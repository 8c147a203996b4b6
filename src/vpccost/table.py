"""The terminal rendering of a comparison: designs ranked, the biggest line items, service access, and
the assumptions. Amounts are rounded to the cent for reading (half up); the JSON keeps them exact."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from vpccost.catalog import Catalog, PriceChange
from vpccost.units import cents_text, format_decimal

if TYPE_CHECKING:
    from vpccost.compare import Comparison
    from vpccost.forecasting import Forecast

TOP_LINE_ITEMS = 5
SERVICE_ACCESS_ROWS = 15


def usd(amount: Decimal | None) -> str:
    return "—" if amount is None else f"${cents_text(amount)}"


def signed_usd(amount: Decimal | None) -> str:
    """`-$2.25` rather than `$-2.25`."""
    return f"-{usd(-amount)}" if amount is not None and amount < 0 else usd(amount)


def render_comparison(comparison: Comparison, console: Console) -> None:
    console.print(_designs_table(comparison))
    for result in comparison.ranked:
        if result.line_items:
            console.print(_top_items(comparison, result.design))
    if comparison.service_access:
        console.print(_service_access_table(comparison))
    console.print(Group(Text("Assumptions", style="bold"), *(Text(f"• {note}") for note in comparison.assumptions)))
    for warning in comparison.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))


def _designs_table(comparison: Comparison) -> Table:
    hours = format_decimal(comparison.options.period_hours)
    table = Table(
        title=f"Designs ranked — {hours} h, prices {comparison.catalog.name}",
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("design")
    table.add_column("total", justify="right")
    table.add_column("vs cheapest", justify="right")
    baseline = comparison.as_is
    if baseline is not None:
        table.add_column("saving vs as-is", justify="right")
    table.add_column("status")
    cheapest = comparison.cheapest
    for rank, result in enumerate(comparison.ranked, start=1):
        marker = " ★ cheapest" if result is cheapest else ""
        delta = ""
        if cheapest is not None and result.total_usd is not None and result is not cheapest:
            delta = f"+{usd(result.total_usd - cheapest.total_usd)}" if cheapest.total_usd is not None else ""
        if not result.priced:
            status = "not priced: " + "; ".join(message.split(";")[0] for message in result.missing_prices)
        elif not result.feasible:
            status = "infeasible: " + "; ".join(result.problems)
        else:
            status = "feasible" + (
                f" (quota increases: {len(result.quota_increases)})" if result.quota_increases else ""
            )
        cells = [str(rank), f"{result.design}{marker}", usd(result.total_usd), delta]
        if baseline is not None:
            saving = comparison.saving_vs_as_is(result)
            cells.append("" if saving is None or result is baseline else signed_usd(saving))
        table.add_row(*cells, escape(status))
    return table


def _top_items(comparison: Comparison, design: str) -> Table:
    result = comparison.design(design)
    items = sorted(result.line_items, key=lambda item: -item.cost_usd)[:TOP_LINE_ITEMS]
    table = Table(
        title=f"{design}: biggest line items ({len(result.line_items)} in all)",
        box=box.SIMPLE,
        title_justify="left",
    )
    for column, justify in (("component", "left"), ("resource", "left"), ("usage type", "left"), ("quantity", "right"),
                            ("rate", "right"), ("cost", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for item in items:
        table.add_row(
            escape(item.component),
            escape(item.resource),
            item.usage_type,
            f"{format_decimal(item.quantity.quantize(Decimal('0.001')))} {item.unit}",
            f"${format_decimal(item.rate_usd)}",
            usd(item.cost_usd),
        )
    return table


def _service_access_table(comparison: Comparison) -> Table:
    rows = sorted(comparison.service_access, key=lambda row: -(row.nat_usd or Decimal(0)))[:SERVICE_ACCESS_ROWS]
    table = Table(
        title="AWS-service access per VPC: NAT gateway vs gateway endpoint vs interface endpoint",
        box=box.SIMPLE,
        title_justify="left",
    )
    for column in ("VPC", "service", "GB", "NAT", "gateway ep.", "interface ep.", "cheapest", "break-even GB"):
        table.add_column(column, justify="left" if column in {"VPC", "service", "cheapest"} else "right")
    for row in rows:
        breakeven = "never" if row.breakeven_gb is None else format_decimal(row.breakeven_gb)
        table.add_row(
            escape(row.vpc_name or row.vpc),
            row.service,
            format_decimal(row.gb),
            usd(row.nat_usd),
            usd(row.gateway_endpoint_usd),
            usd(row.interface_endpoint_usd),
            (row.cheapest or "—").replace("_", " "),
            breakeven,
        )
    return table


def render_pricing(catalog: Catalog, console: Console, region: str | None = None) -> None:
    table = Table(title=f"Price snapshot {catalog.name}", box=box.SIMPLE, title_justify="left")
    for column in ("region", "item", "usage type", "unit", "price (USD)", "evidence", "verified", "source"):
        table.add_column(column, overflow="fold")
    for entry in catalog.entries(region):
        tiers = " / ".join(format_decimal(tier.price_usd) for tier in entry.tiers)
        item = entry.item + (f" → {entry.to_region}" if entry.to_region else "")
        table.add_row(
            entry.region,
            item,
            entry.usage_type,
            entry.unit,
            tiers,
            entry.evidence,
            "yes" if entry.verified else "NO",
            escape(entry.source),
        )
    console.print(table)


def render_forecast(forecast: Forecast, console: Console) -> None:
    """Total per month (rows) and design (columns), rounded to the cent."""
    periods = forecast.periods
    designs = [result.design for result in periods[0].comparison.designs] if periods else []
    table = Table(
        title=f"Forecast — {len(periods)} months, growth: {forecast.growth.description}",
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    table.add_column("month")
    table.add_column("factor", justify="right")
    for design in designs:
        table.add_column(design, justify="right")
    for period, factor in zip(periods, forecast.growth.factors, strict=True):
        totals = [usd(result.total_usd) for result in period.comparison.designs]
        table.add_row(period.month, format_decimal(factor), *totals)
    sums = []
    for design in designs:
        values = [period.comparison.design(design).total_usd for period in periods]
        priced = [value for value in values if value is not None]
        sums.append(usd(sum(priced, Decimal(0))) if len(priced) == len(values) else "—")
    table.add_row("total", "", *sums, style="bold")
    console.print(table)
    if periods:
        notes = periods[0].comparison.assumptions
        console.print(Group(Text("Assumptions", style="bold"), *(Text(f"• {note}") for note in notes)))


def render_price_changes(changes: list[PriceChange], console: Console) -> None:
    if not changes:
        console.print("No price changed.")
        return
    table = Table(title=f"{len(changes)} price changes", box=box.SIMPLE, title_justify="left")
    for column in ("region", "item", "change", "before", "after"):
        table.add_column(column, overflow="fold")
    for change in changes:
        item = change.item + (f" → {change.to_region}" if change.to_region else "")
        table.add_row(change.region, item, change.change, escape(change.before or "—"), escape(change.after or "—"))
    console.print(table)
