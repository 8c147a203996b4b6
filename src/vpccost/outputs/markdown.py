"""Results as GitHub-flavoured Markdown, for pull requests and wikis: a comparison's (or an optimization's)
ranked designs, what differs between the top designs, and the assumptions as a list; a forecast's totals per
month. `detail` adds every line item of every design.

Every text is escaped for Markdown: the punctuation Markdown reads (pipes, backticks, `*`, `_`, `#`, `>`, `$`,
`~`, brackets; a leading `-`, `+` or `1.`) gets a backslash, `<` and `&` become entities, so nothing a topology
names is read as markup, a table cell boundary or raw HTML; control characters and line breaks become spaces.
"""

from __future__ import annotations

import re
from decimal import Decimal

from vpccost.outputs.differences import differences
from vpccost.outputs.table import UNLABELLED, factor_text, signed_usd, status_text, usd
from vpccost.results import Comparison, DesignResult, Forecast, Optimization
from vpccost.units import format_decimal

STATUS_CELLS = 160
"""A status is shortened to about this many characters (its first problem's first clause), as in the table."""
_PUNCTUATION = re.compile(r"([\\`*_\[\]|#>~$])")
_LEADING = re.compile(r"^(\s*(?:\d+)?)([-+.)])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def md(text: str) -> str:
    """`text` as literal Markdown text: nothing in it is read as markup or HTML, and it stays on one line."""
    text = _CONTROL.sub(" ", text).replace("&", "&amp;").replace("<", "&lt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    return _LEADING.sub(r"\1\\\2", text, count=1)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(heads: list[str], aligns: str, rows: list[list[str]]) -> list[str]:
    """`aligns`: one letter a column, `l` or `r`."""
    rule = ["---:" if align == "r" else "---" for align in aligns]
    return [_row([md(head) for head in heads]), _row(rule), *(_row(row) for row in rows)]


def comparison_markdown(comparison: Comparison, *, detail: bool = False) -> str:
    lines = [*_designs(comparison, detail), *_differences(comparison)]
    if detail:
        for result in comparison.ranked:
            if result.line_items:
                lines += _line_items(comparison, result)
    lines += ["", "### Assumptions", "", *(f"- {md(note)}" for note in comparison.assumptions)]
    lines += [f"- warning: {md(warning)}" for warning in comparison.warnings]
    return "\n".join(lines) + "\n"


def optimization_markdown(result: Optimization, *, detail: bool = False) -> str:
    """The comparison with design `optimized`, then the solver's status."""
    gap = "" if result.optimal or result.gap is None else f", gap {result.gap:.4%}"
    status = f"optimized: {usd(result.result.total_usd)} — {result.status}{gap}"
    return comparison_markdown(result.comparison, detail=detail) + f"\n{md(status)}\n"


def forecast_markdown(forecast: Forecast) -> str:
    """Each month's total per design and the cheapest design that can be built, then the assumptions."""
    designs = forecast.designs
    rows = [
        [md(period.month), md(factor_text(period.volume_factor)),
         *(md(usd(result.total_usd)) for result in period.comparison.designs), md(cheapest or "none can be built")]
        for period, (_, cheapest) in zip(forecast.periods, forecast.cheapest_by_month(), strict=True)
    ]  # fmt: skip
    for span in forecast.spans():
        rows.append([f"**{md('total ' + span.label)}**", "", *(md(usd(span.totals_usd[name])) for name in designs), ""])
    lines = [f"## {md('Forecast — ' + str(len(forecast.periods)) + ' months, growth: ' + forecast.growth.description)}",
             "", *_table(["month", "factor", *designs, "cheapest"], "lr" + "r" * len(designs) + "l", rows)]  # fmt: skip
    if forecast.periods:
        notes = forecast.periods[0].comparison.assumptions
        lines += ["", "### Assumptions", "", *(f"- {md(note)}" for note in notes)]
    return "\n".join(lines) + "\n"


def _designs(comparison: Comparison, detail: bool) -> list[str]:
    hours = format_decimal(comparison.settings.period_hours)
    heads = ["#", "design", "total", "vs cheapest"]
    baseline = comparison.as_is
    if baseline is not None:
        heads.append("saving vs as-is")
    heads.append("status")
    cheapest = comparison.cheapest
    rows = []
    for rank, result in enumerate(comparison.ranked, start=1):
        delta = ""
        if cheapest is not None and cheapest.total_usd is not None and result.total_usd is not None:
            delta = "" if result is cheapest else f"+{usd(result.total_usd - cheapest.total_usd)}"
        cells = [str(rank), md(result.design) + (" ★ cheapest" if result is cheapest else ""),
                 md(usd(result.total_usd)), md(delta)]  # fmt: skip
        if baseline is not None:
            saving = comparison.saving_vs_as_is(result)
            cells.append("" if saving is None or result is baseline else md(signed_usd(saving)))
        cells.append(md(status_text(result, None if detail else STATUS_CELLS)))
        rows.append(cells)
    aligns = "rlrr" + ("r" if baseline is not None else "") + "l"
    return [f"## {md(f'Designs ranked — {hours} h, prices {comparison.catalog.name}')}", "",
            *_table(heads, aligns, rows)]  # fmt: skip


def _differences(comparison: Comparison) -> list[str]:
    found = differences(comparison)
    if found is None:
        return []
    kept, left_out = found.shown()
    rows = []
    for resource in kept:
        rows.append([f"**{md(resource.resource)}**", "", *(_cost(resource.costs_usd[name]) for name in found.designs)])
        for line in resource.lines:
            rows.append([f"└ {md(line.component)}", md(line.usage_type),
                         *(_cost(line.costs_usd[name]) for name in found.designs)])  # fmt: skip
    if left_out:
        rows.append([md(f"… {left_out} more line items (see --detail)"), "", *("" for _ in found.designs)])
    rows.append(["**every line that differs**", "", *(_cost(found.differing_usd[name]) for name in found.designs)])
    heads = ["resource / line item", "usage type", *found.designs]
    return ["", f"### What differs between the top designs ({md(', '.join(found.designs))})", "",
            *_table(heads, "ll" + "r" * len(found.designs), rows)]  # fmt: skip


def _cost(amount: Decimal | None) -> str:
    return md(usd(amount))


def _line_items(comparison: Comparison, result: DesignResult) -> list[str]:
    split = comparison.settings.split_by
    heads = ["component", "resource", "usage type", "quantity", "rate", "cost", *([split] if split else [])]
    rows = []
    for item in sorted(result.line_items, key=lambda item: -item.cost_usd):
        label = [md(UNLABELLED if item.label is None else item.label)] if split else []
        rows.append([md(item.component), md(item.resource), md(item.usage_type),
                     md(f"{format_decimal(item.quantity.quantize(Decimal('0.001')))} {item.unit}"),
                     md(f"${format_decimal(item.rate_usd)}"), md(usd(item.cost_usd)), *label])  # fmt: skip
    return ["", f"### {md(result.design)}: every line item ({len(result.line_items)})", "",
            *_table(heads, "lllrrr" + ("l" if split else ""), rows)]  # fmt: skip
