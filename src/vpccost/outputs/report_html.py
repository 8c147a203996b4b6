"""The HTML report: one self-contained file that opens offline in any browser.

plotly.js is embedded once in a `<script>`; each figure is a `<div>` with its data; there is no external
URL, font or stylesheet. Money is shown rounded to the cent (the JSON output keeps exact amounts); unit
prices are shown exactly. Every string that comes from user data (VPC ids and names, accounts, resources,
labels, assumptions and problems that quote them) is HTML-escaped here, and escaped again for plotly by
`vpccost.outputs.charts`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline

from vpccost._version import __version__
from vpccost.outputs import charts
from vpccost.outputs.explain import headline, why
from vpccost.outputs.files import write_text_atomically
from vpccost.pricing.snapshot import PriceEntry
from vpccost.pricing.tiers import tier_scale
from vpccost.results import (
    BreakEven,
    Comparison,
    DatedComparison,
    DesignResult,
    Forecast,
    LineItem,
    Optimization,
    ServiceAccess,
)
from vpccost.units import HOURS_PER_MONTH, cents_text, exact_arithmetic, format_decimal

__all__ = ["breakeven_page", "forecast_report", "optimization_report", "render_html", "write_html"]

BIGGEST_LINE_ITEMS = 10
"""Line items listed per design in the 'biggest line items' tables."""

BREAKEVEN_CHARTS = 3
"""Break-even curves drawn for this many service-access rows (the ones with the most at stake)."""

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False}

EVIDENCE = {
    "C": "confirmed by AWS",
    "C2": "careful secondary source",
    "D": "derived from confirmed totals",
    "U": "unconfirmed",
    "override": "set by the user",
}

SERVICE_OPTIONS = {
    "nat": "NAT gateway",
    "gateway_endpoint": "gateway endpoint",
    "interface_endpoint": "interface endpoint",
}

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --soft: #f5f7fa; --accent: #1f6feb; --good: #1a7f37;
  --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 16px; padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 2px 0; }
nav { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
nav a { color: var(--accent); margin-right: 16px; text-decoration: none; white-space: nowrap; }
.callout { border-left: 4px solid var(--good); background: #eef8f0; padding: 10px 14px; margin: 16px 0;
  border-radius: 0 6px 6px 0; }
.callout.warn { border-left-color: var(--warn); background: #fff8e6; }
.callout.bad { border-left-color: var(--bad); background: #fdecea; }
.facts { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.fact { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
.fact b { display: block; font-size: 18px; }
.fact span { color: var(--muted); font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; position: sticky; top: 0; }
tr:hover td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr.cheapest td { background: #eef8f0; }
tr.infeasible td, tr.unpriced td { color: var(--muted); }
td ul { margin: 0; padding-left: 18px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.badge.good { background: #d2f4dc; color: var(--good); }
.badge.bad { background: #fde2df; color: var(--bad); }
.badge.warn { background: #fff1c2; color: var(--warn); }
.badge.plain { background: var(--soft); color: var(--muted); border: 1px solid var(--line); }
.sub { color: var(--muted); font-size: 12px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.mono, .nowrap { white-space: nowrap; }
td.text { overflow-wrap: anywhere; min-width: 220px; }
.chart { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0 20px; padding: 4px; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 4px 12px; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--line);
  padding-top: 8px; }
"""


def e(value: object) -> str:
    """Text for HTML: every `&`, `<`, `>` and quote escaped."""
    return html.escape(str(value), quote=True)


def render_html(comparison: Comparison, *, periods: Sequence[DatedComparison] | None = None) -> str:
    """The report of `comparison` (and, when given, a monthly forecast) as one self-contained HTML page."""
    return _Report(comparison, periods).render()


def forecast_report(forecast: Forecast) -> str:
    """The report of a forecast's first month, with every month's totals."""
    return render_html(forecast.periods[0].comparison, periods=forecast.periods)


def optimization_report(optimization: Optimization) -> str:
    """The report of the designs an optimization priced, `optimized` among them."""
    return render_html(optimization.comparison)


def breakeven_page(result: BreakEven) -> str:
    """The break-even chart (both cost lines, today's volume and the crossing) as a self-contained page."""
    page: str = charts.breakeven_lines(result).to_html(include_plotlyjs=True, full_html=True)
    return page


def write_html(comparison: Comparison, path: str | Path, *, periods: Sequence[DatedComparison] | None = None) -> Path:
    """Write the report to `path` atomically: a temporary file in the same folder, renamed over `path`
    (a failure leaves `path` as it was)."""
    target = Path(path)
    write_text_atomically(target, render_html(comparison, periods=periods))
    return target


class _Report:
    def __init__(self, comparison: Comparison, periods: Sequence[DatedComparison] | None) -> None:
        self.comparison = comparison
        self.periods = list(periods or [])
        self.vpc_names = {vpc.id: vpc.name for vpc in comparison.estate.vpcs if vpc.name and vpc.name != vpc.id}
        self.vpc_azs = {vpc.id: len(vpc.azs) for vpc in comparison.estate.vpcs}
        hours = comparison.settings.period_hours
        self.per = "month" if hours == HOURS_PER_MONTH else f"{format_decimal(hours)} h"
        self.charts = 0

    # ---- page -------------------------------------------------------------------------------------------

    def render(self) -> str:
        c = self.comparison
        sections = [
            ("summary", "Summary", self._summary()),
            ("designs", "Designs", self._designs()),
            ("charts", "Charts", self._charts()),
            ("chargeback", "Chargeback", self._chargeback()),
        ]
        if self.periods:
            sections.append(("forecast", "Forecast", self._forecast()))
        sections += [
            ("line-items", "Line items", self._line_items()),
            ("service-access", "Service access", self._service_access()),
            ("assumptions", "Assumptions", self._assumptions()),
            ("prices", "Prices used", self._prices()),
        ]
        nav = "".join(f'<a href="#{anchor}">{e(title)}</a>' for anchor, title, _ in sections)
        body = "\n".join(
            f'<section id="{anchor}">\n<h2>{e(title)}</h2>\n{content}\n</section>'
            for anchor, title, content in sections
        )
        title = f"vpccost report: {c.catalog.name}, {self._period_text()}"
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{CSS}</style>
<script>{plotly.offline.get_plotlyjs()}</script>
</head>
<body>
<main>
<header>
<h1>AWS inter-VPC networking cost estimate</h1>
<p class="meta">Prices: snapshot <b>{e(c.catalog.name)}</b> (snapshot date {e(c.catalog.snapshot.date)}),
on-demand list prices in {e(c.catalog.currency)}</p>
<p class="meta">Period: <b>{e(self._period_text())}</b></p>
</header>
<nav>{nav}</nav>
{body}
<footer>Made by vpccost {e(__version__)}. Amounts are rounded to the cent for display; unit prices are exact;
<code>vpccost compare --format json</code> gives exact amounts.</footer>
</main>
</body>
</html>
"""

    def _period_text(self) -> str:
        hours = self.comparison.settings.period_hours
        text = f"{format_decimal(hours)} hours" + (" (one month)" if hours == HOURS_PER_MONTH else "")
        if self.periods:
            first, last = self.periods[0].month, self.periods[-1].month
            text += f", billing month {first}" if first == last else f", billing months {first} to {last}"
        return text

    def _money(self, amount: Decimal | None) -> str:
        return "—" if amount is None else cents_text(amount)

    def _vpc(self, vpc_id: str) -> str:
        """A VPC id with its name under it (both escaped)."""
        name = self.vpc_names.get(vpc_id)
        return f'<span class="mono">{e(vpc_id)}</span>' + (f'<br><span class="sub">{e(name)}</span>' if name else "")

    def _account(self, account: str) -> str:
        """An account id with its name and cost center under it, where the topology gives them (escaped)."""
        c = self.comparison
        name, center = c.account_name(account), c.cost_center(account)
        under = " · ".join(text for text in (name, None if center is None else f"cost center {center}") if text)
        return f'<span class="mono">{e(account)}</span>' + (f'<br><span class="sub">{e(under)}</span>' if under else "")

    def _resource(self, item: LineItem) -> str:
        name = self.vpc_names.get(item.resource_owner)
        resource = f'<span class="mono">{e(item.resource)}</span>'
        return resource + (f'<br><span class="sub">{e(name)}</span>' if name else "")

    def _figure(self, fig: go.Figure) -> str:
        self.charts += 1
        height = fig.layout.height or 480
        markup = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{self.charts}",
            config=PLOTLY_CONFIG,
            default_width="100%",
            default_height=f"{height}px",
        )
        return f'<div class="chart">{markup}</div>'

    # ---- sections -----------------------------------------------------------------------------------------

    def _summary(self) -> str:
        c = self.comparison
        estate = c.estate
        accounts = {vpc.account for vpc in estate.vpcs}
        with exact_arithmetic():
            gb = int(estate.flows.volume.sum()) * estate.gb_per_unit
        facts = [
            (f"{len(estate.vpcs):,}", "VPCs"),
            (f"{len(accounts):,}", "accounts"),
            (f"{len(estate.regions):,}", "regions"),
            (f"{len(estate.flows):,}", "traffic rows"),
            (f"{gb.normalize():,f}", f"GB per {self.per}"),
        ]
        parts = ['<div class="facts">']
        parts += [f'<div class="fact"><b>{e(value)}</b><span>{e(what)}</span></div>' for value, what in facts]
        parts.append("</div>")
        cheapest = c.cheapest
        if cheapest is None or cheapest.total_usd is None:
            parts.append(
                '<div class="callout bad"><b>No design is both priced and feasible.</b> See the problems and '
                "missing prices below.</div>"
            )
        else:
            parts.append(f'<div class="callout"><b>{e(headline(c))}</b><br>{e(why(c))}</div>')
        if c.settings.split_by:
            parts.append(f"<p>Per-GB costs are split by the traffic label <b>{e(c.settings.split_by)}</b>.</p>")
        if c.warnings:
            items = "".join(f"<li>{e(w)}</li>" for w in c.warnings)
            parts.append(f'<div class="callout warn"><b>Warnings</b><ul>{items}</ul></div>')
        return "\n".join(parts)

    def _designs(self) -> str:
        c = self.comparison
        cheapest = c.cheapest
        best = cheapest.total_usd if cheapest is not None else None
        rows = []
        for rank, result in enumerate(c.ranked, start=1):
            total = result.total_usd
            if result is cheapest:
                status, css = '<span class="badge good">✓ cheapest</span>', "cheapest"
            elif not result.priced:
                status, css = '<span class="badge warn">not priced</span>', "unpriced"
            elif not result.feasible:
                status, css = '<span class="badge bad">infeasible</span>', "infeasible"
            else:
                status, css = '<span class="badge plain">feasible</span>', ""
            delta = ""
            if best is not None and total is not None and result is not cheapest:
                with exact_arithmetic():
                    difference = total - best
                delta = f"+{self._money(difference)}"
            rows.append(
                f'<tr class="{css}"><td class="num">{rank}</td><td class="nowrap"><b>{e(result.design)}</b></td>'
                f'<td class="num">{self._money(total)}</td><td class="num">{delta}</td><td>{status}</td>'
                f'<td class="text">{_list(result.problems)}</td><td class="text">{_list(result.quota_increases)}</td>'
                f'<td class="text">{_list(result.missing_prices)}</td></tr>'
            )
        head = (
            f'<tr><th class="num">Rank</th><th>Design</th><th class="num">Total (USD/{e(self.per)})</th>'
            '<th class="num">vs cheapest</th><th>Status</th><th>Problems</th><th>Quota increases</th>'
            "<th>Missing prices</th></tr>"
        )
        return (
            "<p>Designs ranked cheapest first; infeasible designs (which cannot be built as the estate is) and designs "
            "with missing prices come after the feasible ones.</p>"
            f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'
        )

    def _charts(self) -> str:
        c = self.comparison
        parts = [self._figure(charts.cost_by_design(c))]
        focus = self._focus_design()
        if focus is None:
            return parts[0] + "<p>No design is priced: nothing more to chart.</p>"
        note = "the cheapest feasible design" if focus is c.cheapest else "the best-ranked priced design"
        parts.append(f"<h3>{e(focus.design)} design ({note})</h3>")
        parts.append(self._figure(charts.cost_by_account(c, focus)))
        if c.settings.split_by is not None:
            parts.append(self._figure(charts.cost_by_label(c, focus)))
        parts.append(self._figure(charts.sankey(c, focus)))
        return "\n".join(parts)

    def _chargeback(self) -> str:
        """What each payer account (and label value, when split) pays in each priced design, and the totals."""
        c = self.comparison
        split = c.settings.split_by
        designs = [result for result in c.ranked if result.priced]
        if not designs:
            return "<p>No design is priced: nothing to charge back.</p>"
        names = ["Payer account"] + ([split] if split is not None else [])
        head = "".join(f"<th>{e(name)}</th>" for name in names)
        head += "".join(f'<th class="num">{e(result.design)}</th>' for result in designs)
        body = []
        for row in c.chargeback():
            cells = [f"<td>{self._account(row.account)}</td>"]
            if split is not None:
                cells.append(f"<td>{e(charts.UNLABELLED if row.label is None else row.label)}</td>")
            cells += [f'<td class="num">{self._money(row.costs_usd[r.design])}</td>' for r in designs]
            body.append(f"<tr>{''.join(cells)}</tr>")
        totals = "".join(f'<td class="num"><b>{self._money(result.total_usd)}</b></td>' for result in designs)
        body.append(f'<tr><td colspan="{len(names)}"><b>Total</b></td>{totals}</tr>')
        unpriced = [result.design for result in c.ranked if not result.priced]
        note = f" Not priced, left out: {e(', '.join(unpriced))}." if unpriced else ""
        return (
            f"<p>What each payer account would pay in each priced design, in USD per {e(self.per)}; each design's "
            f"column adds up to its total.{note}</p>" + _table(f"<tr>{head}</tr>", body)
        )

    def _focus_design(self) -> DesignResult | None:
        c = self.comparison
        if c.cheapest is not None:
            return c.cheapest
        return next((result for result in c.ranked if result.priced), None)

    def _forecast(self) -> str:
        parts = [self._figure(charts.forecast_lines(self.periods))]
        designs: list[str] = []
        for period in self.periods:
            designs += [r.design for r in period.comparison.ranked if r.design not in designs]
        head = "<tr><th>Billing month</th>" + "".join(f'<th class="num">{e(d)}</th>' for d in designs) + "</tr>"
        rows = []
        for period in self.periods:
            totals = {r.design: r.total_usd for r in period.comparison.designs}
            cells = "".join(f'<td class="num">{self._money(totals.get(d))}</td>' for d in designs)
            rows.append(f"<tr><td>{e(period.month)}</td>{cells}</tr>")
        parts.append(f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>')
        return "\n".join(parts)

    def _line_items(self) -> str:
        split = self.comparison.settings.split_by
        parts = [
            f"<p>Each design's {BIGGEST_LINE_ITEMS} biggest line items; open a design to see all of them. Costs in USD "
            f"per {e(self.per)}, rounded to the cent; rates exact.</p>"
        ]
        for result in self.comparison.ranked:
            items = sorted(result.line_items, key=lambda item: -item.cost_usd)
            total = self._money(result.total_usd)
            parts.append(f"<h3>{e(result.design)} <span class='sub'>total {total} USD</span></h3>")
            if not items:
                parts.append("<p>No line items.</p>")
                continue
            parts.append(
                _table(
                    _line_item_head(split), (self._line_item_row(item, split) for item in items[:BIGGEST_LINE_ITEMS])
                )
            )
            full = sorted(result.line_items, key=lambda item: (item.region, item.component, item.resource))
            parts.append(
                f"<details><summary>All {len(full):,} line items of {e(result.design)}</summary>"
                f"{_table(_line_item_head(split, full=True), (self._line_item_row(i, split, full=True) for i in full))}"
                "</details>"
            )
        return "\n".join(parts)

    def _line_item_row(self, item: LineItem, split: str | None, *, full: bool = False) -> str:
        cells = [
            e(item.component),
            self._resource(item),
            self._account(item.payer_account),
            f'<span class="nowrap">{e(item.region)}</span>',
        ]
        if full:
            cells += [f'<span class="mono">{e(item.usage_type)}</span>']
        if split is not None:
            cells.append(e("—" if item.label is None else item.label))
        text = "".join(f"<td>{cell}</td>" for cell in cells)
        verified = "" if item.price_verified else ' <span class="badge warn">unverified</span>'
        text += (
            f'<td class="num">{e(format_decimal(item.quantity))} {e(item.unit)}</td>'
            f'<td class="num">{e(format_decimal(item.rate_usd))}{verified}</td>'
            f'<td class="num"><b>{self._money(item.cost_usd)}</b></td>'
        )
        return f"<tr>{text}</tr>"

    def _service_access(self) -> str:
        rows = self.comparison.service_access
        if not rows:
            return "<p>No VPC calls an AWS service in its own region over IPv4: nothing to compare.</p>"
        per = e(self.per)
        head = (
            f'<tr><th>VPC</th><th>Region</th><th>Service</th><th class="num">GB/{per}</th>'
            f'<th class="num">NAT gateway</th><th class="num">Gateway endpoint</th>'
            f'<th class="num">Interface endpoint</th><th>Cheapest</th><th class="num">Break-even GB/{per}</th>'
            "<th>Notes</th></tr>"
        )
        body = []
        for row in rows:
            cheapest = SERVICE_OPTIONS.get(row.cheapest, row.cheapest) if row.cheapest else "—"
            breakeven = "never" if row.breakeven_gb is None else format_decimal(row.breakeven_gb)
            body.append(
                f'<tr><td>{self._vpc(row.vpc)}</td><td class="nowrap">{e(row.region)}</td>'
                f"<td>{e(row.service)}</td>"
                f'<td class="num">{e(format_decimal(row.gb))}</td><td class="num">{self._money(row.nat_usd)}</td>'
                f'<td class="num">{self._money(row.gateway_endpoint_usd)}</td>'
                f'<td class="num">{self._money(row.interface_endpoint_usd)}</td>'
                f'<td><span class="badge good">{e(cheapest)}</span></td><td class="num">{e(breakeven)}</td>'
                f'<td class="text">{_list(row.notes)}</td></tr>'
            )
        parts = [
            "<p>For each VPC and AWS service it calls in its own region: what the traffic costs through a NAT gateway, "
            f"a gateway endpoint (S3, DynamoDB) or an interface endpoint, in USD/{per}. The break-even is the volume "
            "above which an interface endpoint costs less than the NAT gateway.</p>",
            _table(head, body),
        ]
        chosen = sorted(
            (row for row in rows if row.nat_usd is not None and row.interface_endpoint_usd is not None),
            key=lambda row: (not row.breakeven_gb, -_at_stake(row), row.vpc, row.service),
        )[:BREAKEVEN_CHARTS]
        if chosen:
            parts.append(f"<h3>Break-even curves ({len(chosen)} with the most at stake)</h3>")
            c = self.comparison
            for row in chosen:
                fig = charts.breakeven_curve(row, c.settings)
                parts.append(self._figure(fig))
        return "\n".join(parts)

    def _assumptions(self) -> str:
        return "<ul>" + "".join(f"<li>{e(note)}</li>" for note in self.comparison.assumptions) + "</ul>"

    def _prices(self) -> str:
        hours = self.comparison.settings.period_hours
        head = (
            "<tr><th>Item, usage type, SKU</th><th>Region</th><th>Unit</th><th>Price (USD per unit)</th>"
            "<th>Source</th><th>Evidence</th></tr>"
        )
        body = []
        for entry in self.comparison.prices_used:
            verified = (
                '<span class="badge good">verified</span>'
                if entry.verified
                else '<span class="badge warn">not verified</span>'
            )
            region = e(entry.region) + (f" → {e(entry.to_region)}" if entry.to_region else "")
            sku = f'<br><span class="sub mono">SKU {e(entry.sku)}</span>' if entry.sku else ""
            body.append(
                f'<tr><td><span class="mono">{e(entry.item)}</span><br><span class="sub mono">{e(entry.usage_type)}'
                f'</span>{sku}</td><td class="nowrap">{region}</td><td class="nowrap">{e(entry.unit)}</td>'
                f'<td class="nowrap">{_tiers(entry, hours)}</td><td class="text">{e(entry.source)}{_dated(entry)}'
                f"{_note(entry)}</td>"
                f'<td class="nowrap"><b title="{e(EVIDENCE.get(entry.evidence, ""))}">{e(entry.evidence)}</b> '
                f"{verified}</td></tr>"
            )
        legend = "; ".join(f"<b>{e(code)}</b> {e(meaning)}" for code, meaning in EVIDENCE.items())
        return (
            f"<p>Every price the designs used, from snapshot {e(self.comparison.catalog.name)}, with where it comes "
            f"from. Evidence: {legend}.</p>" + _table(head, body)
        )


def _list(values: Iterable[str]) -> str:
    items = [f"<li>{e(value)}</li>" for value in values]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _table(head: str, rows: Iterable[str]) -> str:
    return f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


def _line_item_head(split: str | None, *, full: bool = False) -> str:
    names = ["Component", "Resource", "Payer account", "Region"] + (["Usage type"] if full else [])
    names += [split] if split is not None else []
    cells = "".join(f"<th>{e(name)}</th>" for name in names)
    return (
        f'<tr>{cells}<th class="num">Quantity</th><th class="num">Rate (USD)</th><th class="num">Cost (USD)</th></tr>'
    )


def _tiers(entry: PriceEntry, hours: Decimal) -> str:
    if not entry.is_tiered:
        return e(format_decimal(entry.flat_price_usd))
    per = "hour" if entry.tier_period == "hour" else "month"
    lines = []
    for tier in entry.tiers:
        upto = f"up to {format_decimal(tier.end)}" if tier.end is not None else f"over {format_decimal(tier.begin)}"
        lines.append(f"{format_decimal(tier.price_usd)} ({upto} {entry.unit}/{per})")
    scale = tier_scale(entry, hours)
    note = "" if scale == 1 else f'<br><span class="sub">bounds × {e(format_decimal(scale))} for this period</span>'
    return "<br>".join(e(line) for line in lines) + note


def _dated(entry: PriceEntry) -> str:
    return f'<br><span class="sub">source date {e(entry.source_date)}</span>' if entry.source_date else ""


def _note(entry: PriceEntry) -> str:
    return f'<br><span class="sub">{e(entry.note)}</span>' if entry.note else ""


def _at_stake(row: ServiceAccess) -> Decimal:
    """How much the NAT gateway and the interface endpoint differ for this row."""
    if row.nat_usd is None or row.interface_endpoint_usd is None:
        return Decimal(0)
    with exact_arithmetic():
        return abs(row.nat_usd - row.interface_endpoint_usd)
