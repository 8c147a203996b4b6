"""Results as terminal tables: a comparison (designs ranked, the biggest line items, service access, and the
assumptions), a forecast, an optimization, a break-even, and price snapshots. Amounts are rounded to the cent
for reading (half up); the JSON keeps them exact."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from vpccost.outputs.differences import differences
from vpccost.outputs.documents import breakeven_document
from vpccost.outputs.explain import headline, why
from vpccost.outputs.fitting import Cell, Column, Fitted, Legend, fit_table, prose, shorten, token
from vpccost.outputs.text import safe_markup, terminal_safe
from vpccost.pricing import items
from vpccost.pricing.coverage import Coverage
from vpccost.results import BreakEven, Comparison, DesignResult, Forecast, Optimization, PriceChanges, PriceList
from vpccost.units import cents_text, format_decimal

SERVICE_ACCESS_ROWS = 15
DECISION_ROWS = 30


def usd(amount: Decimal | None) -> str:
    return "—" if amount is None else f"${cents_text(amount)}"


def signed_usd(amount: Decimal | None) -> str:
    """`-$2.25` rather than `$-2.25`."""
    return f"-{usd(-amount)}" if amount is not None and amount < 0 else usd(amount)


def render_comparison(comparison: Comparison, console: Console, *, detail: bool = False) -> None:
    """The designs ranked, then what differs between the top designs (`detail`: every line item of every
    design), the chargeback, service access and the assumptions, laid out to fit the console's width."""
    _print_recommendation(comparison, console)
    legend = Legend()
    _designs_table(comparison, console.width, detail=detail).print(console, legend)
    if detail:
        for result in comparison.ranked:
            if result.line_items:
                _line_items_table(comparison, result, console.width, legend).print(console, legend)
    else:
        _print_differences(comparison, console, legend)
    _print_chargeback(comparison, console)
    if comparison.service_access:
        _service_access_table(comparison, console.width, legend, detail=detail).print(console, legend)
    console.print(
        Group(Text("Assumptions", style="bold"), *(Text(terminal_safe(f"• {note}")) for note in comparison.assumptions))
    )
    for warning in comparison.warnings:
        console.print(Text(terminal_safe(f"warning: {warning}"), style="yellow"))


def _print_recommendation(comparison: Comparison, console: Console) -> None:
    """The headline and why the winner wins, above the ranking."""
    console.print(Text(terminal_safe(headline(comparison)), style="bold"))
    console.print(Text(terminal_safe(why(comparison))))
    console.print()


def _designs_table(comparison: Comparison, width: int, *, detail: bool = False) -> Fitted:
    """Rank, design, total, the gap to the cheapest (and the saving against as-is), and the status: in full
    with `detail`, else each design's first problem shortened to about two lines of its column."""
    hours = format_decimal(comparison.settings.period_hours)
    title = f"Designs ranked — {hours} h, prices {comparison.catalog.name}"
    columns = [Column("#", "right"), Column("design"), Column("total", "right"), Column("vs cheapest", "right")]
    baseline = comparison.as_is
    if baseline is not None:
        columns.append(Column("saving vs as-is", "right"))
    columns.append(Column("status"))
    cheapest = comparison.cheapest
    rows: list[list[Cell]] = []
    for rank, result in enumerate(comparison.ranked, start=1):
        marker = [prose(" ★ cheapest")] if result is cheapest else []
        delta = ""
        if cheapest is not None and result.total_usd is not None and result is not cheapest:
            delta = f"+{usd(result.total_usd - cheapest.total_usd)}" if cheapest.total_usd is not None else ""
        cells: list[Cell] = [[token(str(rank))], [token(result.design), *marker], [token(usd(result.total_usd))],
                             [token(delta)]]  # fmt: skip
        if baseline is not None:
            saving = comparison.saving_vs_as_is(result)
            cells.append([token("" if saving is None or result is baseline else signed_usd(saving))])
        rows.append(cells)
    legend = Legend()
    full = [[prose(status_text(result))] for result in comparison.ranked]
    fitted = fit_table(columns, [[*row, status] for row, status in zip(rows, full, strict=True)], width, legend,
                       title=title)  # fmt: skip
    if detail:
        return fitted
    room = 2 * fitted.widths[-1]
    short = [[prose(status_text(result, room))] for result in comparison.ranked]
    fitted = fit_table(columns, [[*row, status] for row, status in zip(rows, short, strict=True)], width, legend,
                       title=title)  # fmt: skip
    if not fitted.fits:  # a word of the first problem is wider than the room left: the count alone
        terse = [[prose(status_text(result, 0))] for result in comparison.ranked]
        fitted = fit_table(columns, [[*row, status] for row, status in zip(rows, terse, strict=True)], width,
                           legend, title=title)  # fmt: skip
    return fitted


def status_text(result: DesignResult, room: int | None = None) -> str:
    """`feasible`, `infeasible: …` or `not priced: …`; within `room` cells (None: in full), the first
    problem's first clause, cut after a whole word, and how many problems `--detail` lists."""
    if result.priced and result.feasible:
        return "feasible" + (f" (quota increases: {len(result.quota_increases)})" if result.quota_increases else "")
    if not result.priced:
        head, problems = "not priced", [message.split(";")[0] for message in result.missing_prices]
        noun = "missing price"
    else:
        head, problems, noun = "infeasible", list(result.problems), "problem"
    if room is None:
        return f"{head}: " + "; ".join(problems)
    count = f"({len(problems)} {noun}{'' if len(problems) == 1 else 's'}: see --detail)"
    terse = f"{head} {count}"
    clause = re.split(r": |; ", problems[0], maxsplit=1)[0] if problems else ""
    clause = re.sub(r" \([^()]*\)", "", clause)  # the names and CIDRs in parentheses: --detail has them
    whole = f"{head}: {clause}"
    if len(problems) == 1 and clause == problems[0] and cell_len(whole) <= room:
        return whole
    kept = room - cell_len(count) - 1
    cut = shorten(whole, kept)
    return terse if cut.split()[1:2] == ["…"] else f"{cut} {count}"


def _print_differences(comparison: Comparison, console: Console, legend: Legend) -> None:
    """What differs between the cheapest design and the next ones: a row per resource (the subtotal of its lines
    that differ) and per line, biggest difference first, then the sum of every line that differs."""
    found = differences(comparison)
    if found is None:
        return
    kept, left_out = found.shown()
    title = f"What differs between the top designs ({', '.join(found.designs)}): the line items whose cost differs"
    columns_of = {
        True: [Column("resource / line item"), Column("usage type")],
        False: [Column("resource / line item · usage type")],
    }
    layouts = []
    for apart in (True, False):
        rows: list[list[Cell]] = []
        styles: list[str] = []
        for resource in kept:
            rows.append([[token(resource.resource, "R")], *([[]] if apart else []),
                         *([token(usd(resource.costs_usd[name]))] for name in found.designs)])  # fmt: skip
            styles.append("bold")
            for line in resource.lines:
                usage = token(line.usage_type, "U", style="dim")
                item: list[Cell] = (
                    [[prose("  " + line.component)], [usage]]
                    if apart
                    else [[prose("  " + line.component + " · "), usage]]
                )
                rows.append([*item, *([token(usd(line.costs_usd[name]))] for name in found.designs)])
                styles.append("")
        blank: list[Cell] = [[]] if apart else []
        if left_out:
            rows.append([[prose(f"… {left_out} more line items (see --detail)")], *blank, *([] for _ in found.designs)])
            styles.append("dim")
        rows.append([[prose("every line that differs")], *blank,
                     *([token(usd(found.differing_usd[name]))] for name in found.designs)])  # fmt: skip
        styles.append("bold")
        columns = [*columns_of[apart], *(Column(name, "right") for name in found.designs)]
        layouts.append(fit_table(columns, rows, console.width, legend, title=title, row_styles=styles))
    apart_layout, inline_layout = layouts
    best = apart_layout if len(set(apart_layout.shortened)) <= len(set(inline_layout.shortened)) else inline_layout
    best.print(console, legend)


def _line_items_table(comparison: Comparison, result: DesignResult, width: int, legend: Legend) -> Fitted:
    """Every line item of a design, biggest first."""
    columns = [Column("component"), Column("resource"), Column("usage type"), Column("quantity", "right"),
               Column("rate", "right"), Column("cost", "right")]  # fmt: skip
    if comparison.settings.split_by is not None:
        columns.append(Column(comparison.settings.split_by))
    rows: list[list[Cell]] = []
    for item in sorted(result.line_items, key=lambda item: -item.cost_usd):
        label = (
            [] if comparison.settings.split_by is None else [[prose(UNLABELLED if item.label is None else item.label)]]
        )
        rows.append([
            [prose(item.component)],
            [token(item.resource, "R")],
            [token(item.usage_type, "U")],
            [token(f"{format_decimal(item.quantity.quantize(Decimal('0.001')))}"), prose(f" {item.unit}")],
            [token(f"${format_decimal(item.rate_usd)}")],
            [token(usd(item.cost_usd))],
            *label,
        ])  # fmt: skip
    title = f"{result.design}: every line item ({len(result.line_items)})"
    return fit_table(columns, rows, width, legend, title=title)


UNLABELLED = "(unlabelled: hourly)"
"""The label cell of lines no label applies to (hourly resources)."""


def _add_label_column(comparison: Comparison, table: Table) -> None:
    """The label column of an estimate split by a label (`--split-by team`), headed by the label's name."""
    if comparison.settings.split_by is not None:
        table.add_column(safe_markup(comparison.settings.split_by))


def _label_cells(comparison: Comparison, label: str | None) -> list[str]:
    if comparison.settings.split_by is None:
        return []
    return [UNLABELLED if label is None else safe_markup(label)]


def _print_chargeback(comparison: Comparison, console: Console) -> None:
    """What each payer account (and label value, when split) pays in each priced design, with the account's
    name and cost center where the topology gives them, and each design's total."""
    designs = [result for result in comparison.ranked if result.priced]
    rows = comparison.chargeback()
    if not designs or not rows:
        return
    named = any(row.name for row in rows)
    centered = any(row.cost_center for row in rows)
    title = f"Chargeback: cost per payer account, {format_decimal(comparison.settings.period_hours)} h"
    table = Table(title=title, box=box.SIMPLE, title_justify="left", min_width=len(title))
    table.add_column("payer account")
    if named:
        table.add_column("account name")
    if centered:
        table.add_column("cost center")
    _add_label_column(comparison, table)
    for result in designs:
        table.add_column(result.design, justify="right")
    for row in rows:
        table.add_row(
            safe_markup(row.account),
            *([safe_markup(row.name or "")] if named else []),
            *([safe_markup(row.cost_center or "")] if centered else []),
            *_label_cells(comparison, row.label),
            *(usd(row.costs_usd[result.design]) for result in designs),
        )
    blanks = [""] * (named + centered + (comparison.settings.split_by is not None))
    table.add_row("total", *blanks, *(usd(result.total_usd) for result in designs), style="bold")
    console.print(table)


def _service_access_table(comparison: Comparison, width: int, legend: Legend, *, detail: bool = False) -> Fitted:
    rows = sorted(comparison.service_access, key=lambda row: -(row.nat_usd or Decimal(0)))
    rows = rows if detail else rows[:SERVICE_ACCESS_ROWS]
    used = {
        "best": "each design takes the cheapest way (--service-access best)",
        "design": "each design goes its own way (--service-access design)",
        "nat": "every design goes through NAT (--service-access nat)",
        "interface": "every design uses interface endpoints (--service-access interface)",
    }[comparison.settings.service_access]
    columns = [
        Column(column, "left" if column in {"VPC", "service", "cheapest"} else "right", min_prose=0)
        for column in ("VPC", "service", "GB", "NAT", "gateway ep.", "interface ep.", "cheapest", "break-even GB")
    ]
    cells: list[list[Cell]] = []
    for row in rows:
        breakeven = "never" if row.breakeven_gb is None else format_decimal(row.breakeven_gb)
        cells.append([
            [token(row.vpc_name or row.vpc, "V")],
            [token(row.service, "S")],
            [token(format_decimal(row.gb))],
            [token(usd(row.nat_usd))],
            [token(usd(row.gateway_endpoint_usd))],
            [token(usd(row.interface_endpoint_usd))],
            [prose((row.cheapest or "—").replace("_", " "))],
            [token(breakeven)],
        ])  # fmt: skip
    title = f"AWS-service access per VPC: NAT gateway vs gateway endpoint vs interface endpoint; {used}"
    return fit_table(columns, cells, width, legend, title=title)


def render_pricing(prices: PriceList, console: Console) -> None:
    """The snapshot's prices, one row per entry, laid out to the console's width: a source too long for its
    column is shown as a short name (`S1`) that the legend below the table gives in full."""
    columns = [
        Column(header, "left", min_prose=0)
        for header in ("region", "item", "usage type", "unit", "price (USD)", "evidence", "verified", "source")
    ]
    rows: list[list[Cell]] = []
    for entry in prices.entries:
        item = entry.item + (f" → {entry.to_region}" if entry.to_region else "")
        rows.append([
            [token(entry.region)],
            [token(item, "I")],
            [token(entry.usage_type, "U")],
            [token(entry.unit)],
            [prose(" / ".join(format_decimal(tier.price_usd) for tier in entry.tiers))],
            [token(entry.evidence)],
            [token("yes" if entry.verified else "NO")],
            [token(entry.source, "S")],
        ])  # fmt: skip
    legend = Legend()
    fit_table(columns, rows, console.width, legend, title=f"Price snapshot {prices.catalog.name}").print(
        console, legend
    )


_COVERAGE_HEADS = {
    items.NAT_GATEWAY_HOURS: "NAT\nh",
    items.NAT_GATEWAY_BYTES: "NAT\nGB",
    items.TRANSIT_GATEWAY_ATTACHMENT_HOURS: "TGW\nh",
    items.TRANSIT_GATEWAY_BYTES: "TGW\nGB",
    items.VPC_ENDPOINT_HOURS: "VPCE\nh",
    items.VPC_ENDPOINT_BYTES: "VPCE\nGB",
    items.DATA_TRANSFER_INTERNET_OUT_BYTES: "inet\nout",
    items.DATA_TRANSFER_INTER_REGION_BYTES: "x-reg\nGB",
    items.DATA_TRANSFER_REGIONAL_BYTES: "x-AZ\nGB",
    items.PUBLIC_IPV4_IN_USE_HOURS: "IPv4\nh",
    items.NLB_HOURS: "NLB\nh",
    items.NLB_NLCU_HOURS: "NLCU\nh",
}
"""Column heads of the coverage table's core items; other items are headed by their key."""
_COVERAGE_MARKS = {"verified": "✓", "unverified": "~", "partial": "½", "missing": "—"}


def render_coverage(found: Coverage, console: Console) -> None:
    """Regions (rows) × items (columns): ✓ verified, ~ unverified, ½ some destinations only, — missing."""
    table = Table(
        title=safe_markup(f"Price coverage of snapshot {found.snapshot}"),
        box=None,  # no separator columns: 12 item columns fit 80 with one space between them
        title_justify="left",
        pad_edge=False,
        padding=(0, 1) if console.width >= 100 else (0, 0, 0, 1),
        header_style="bold",
    )
    table.add_column("region", no_wrap=True)
    for item in found.items:
        table.add_column(_COVERAGE_HEADS.get(item, item), justify="center", no_wrap=True)
    table.add_column("gaps", justify="right", no_wrap=True)
    for region in found.regions:
        counts = found.counts(region)
        marks = [_COVERAGE_MARKS[found.cell(item, region).status] for item in found.items]
        gaps = counts["missing"] + counts["partial"]
        table.add_row(safe_markup(region), *marks, str(gaps) if gaps else "-")
    console.print(table)
    total = found.counts()
    ready = sum(1 for region in found.regions if found.ready(region))
    console.print(
        f"{len(found.items)} items × {len(found.regions)} regions: {total['verified']} verified, "
        f"{total['unverified']} unverified, {total['partial']} partial, {total['missing']} missing; "
        f"{ready} regions have every price."
    )
    console.print("✓ verified (an AWS price record or page)   ~ unverified (a secondary source; estimates flag it)")
    console.print("½ to some regions only   — missing (a design that needs it is reported unpriced)")


def render_forecast(forecast: Forecast, console: Console) -> None:
    """Total per month (rows) and design (columns), rounded to the cent; the cheapest design that can be built
    each month; totals per calendar year and over the horizon; and the months the cheapest design changes."""
    periods = forecast.periods
    designs = forecast.designs
    table = Table(
        title=safe_markup(f"Forecast — {len(periods)} months, growth: {forecast.growth.description}"),
        box=box.SIMPLE_HEAVY,
        title_justify="left",
    )
    table.add_column("month")
    table.add_column("factor", justify="right")
    buildable = {design: forecast.buildable(design) for design in designs}
    for design in designs:
        table.add_column(design if buildable[design] else f"{design} ✗", justify="right")
    table.add_column("cheapest")
    for period, (_, cheapest) in zip(periods, forecast.cheapest_by_month(), strict=True):
        totals = [usd(result.total_usd) for result in period.comparison.designs]
        table.add_row(period.month, factor_text(period.volume_factor), *totals, cheapest or "none can be built")
    for span in forecast.spans():
        best = min(
            (design for design in designs if buildable[design] and span.totals_usd[design] is not None),
            key=lambda design: (span.totals_usd[design], design),
            default=None,
        )
        table.add_row(
            f"total {span.label}",
            "",
            *(usd(span.totals_usd[design]) for design in designs),
            best or "",
            style="bold",
        )
    console.print(table)
    if not all(buildable.values()):
        console.print("✗ cannot be built in every month (infeasible or not priced): never ranked cheapest")
    changes = forecast.cheapest_changes()
    if changes:
        for change in changes:
            console.print(
                f"In {change.month} the cheapest design that can be built changes: "
                f"{change.before or 'none'} → {change.after or 'none'}"
            )
    elif periods:
        cheapest = forecast.cheapest_by_month()[0][1]
        console.print(
            f"The cheapest design that can be built is {cheapest} in every month"
            if cheapest
            else "No design can be built in any month"
        )
    if periods:
        notes = periods[0].comparison.assumptions
        console.print(Group(Text("Assumptions", style="bold"), *(Text(terminal_safe(f"• {note}")) for note in notes)))


FACTOR_DECIMALS = Decimal("0.0001")
"""Growth factors are shown to four decimals (0.01 % of a month's volume); the data keeps them exact."""


def factor_text(factor: Decimal) -> str:
    return f"{factor.quantize(FACTOR_DECIMALS, rounding=ROUND_HALF_UP):f}"


def render_price_changes(changes: PriceChanges, console: Console) -> None:
    if not changes.changes:
        console.print("No price changed.")
        return
    table = Table(title=f"{len(changes.changes)} price changes", box=box.SIMPLE, title_justify="left")
    for column in ("region", "item", "change", "before", "after"):
        table.add_column(column, overflow="fold")
    for change in changes.changes:
        item = change.item + (f" → {change.to_region}" if change.to_region else "")
        table.add_row(
            safe_markup(change.region),
            safe_markup(item),
            change.change,
            safe_markup(change.before or "—"),
            safe_markup(change.after or "—"),
        )
    console.print(table)


def render_optimization(result: Optimization, console: Console, *, detail: bool = False) -> None:
    """The ranked designs (with `optimized`), then the decisions and the solver's status; `detail`: every line
    item of every design, as `render_comparison`."""
    render_comparison(result.comparison, console, detail=detail)
    table = Table(title=f"Decisions ({len(result.pairs)} pairs, {len(result.services)} service calls)")
    for column in ("subject", "chosen", "GB", "why"):
        table.add_column(column, overflow="fold")
    for pair in sorted(result.pairs, key=lambda p: -p.gb)[:DECISION_ROWS]:
        table.add_row(
            safe_markup(" ↔ ".join(pair.vpcs)), pair.option or "unroutable", str(pair.gb), safe_markup(pair.reason)
        )
    for service in sorted(result.services, key=lambda s: -s.gb)[:DECISION_ROWS]:
        table.add_row(safe_markup(f"{service.vpc} → {service.service}"), service.option, str(service.gb),
                      safe_markup(service.reason))  # fmt: skip
    console.print(table)
    feasible = {design.design: design.feasible for design in result.comparison.designs}
    savings = ", ".join(
        f"{name} {signed_usd(value)}{'' if feasible.get(name, True) else ' (infeasible)'}"
        for name, value in result.savings.items()
    )
    if result.not_allowed:
        apart = ", ".join(f"{design.design} {usd(design.total_usd)}" for design in result.not_allowed)
        console.print(f"not allowed by --allow, so not ranked: {apart}")
    gap = "" if result.optimal or result.gap is None else f", gap {result.gap:.4%}"
    console.print(
        f"optimized: {usd(result.result.total_usd)} — {result.status}{gap}, {result.solve_seconds:.2f} s, "
        f"{result.model_variables} variables, {result.model_constraints} constraints; saving against {savings}"
    )


def render_breakeven(result: BreakEven, console: Console) -> None:
    """Both options' cost lines, where they cross, and which is cheaper at the input's volume."""
    document = breakeven_document(result)
    table = Table(title=safe_markup(f"{result.subject}: {document['gb']} GB now"))
    for column in ("option", "fixed (USD)", "USD per GB", "cost now (USD)"):
        table.add_column(column)
    for line in document["options"]:
        rates = " / ".join(segment["usd_per_gb"] for segment in line["usd_per_gb"])
        table.add_row(line["option"], line["fixed_usd"], rates, line["cost_usd_now"])
    console.print(table)
    crossing = document["breakeven_gb"]
    console.print("the lines never cross" if crossing is None else f"break-even at {crossing} GB per period")
    console.print(f"cheaper at today's volume: {document['cheaper_now']}")
