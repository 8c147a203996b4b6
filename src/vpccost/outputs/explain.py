"""The recommendation in words: the headline (the cheapest design, and what the optimizer's mix would save) and
why the winner wins (the charges that decide it against the runner-up), built from the line items. Every output
that states a recommendation reads these: the terminal table, the JSON `recommendation`, the HTML report and the
workbook's Summary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from vpccost.designs import AS_IS, OPTIMIZED
from vpccost.results import Comparison, DesignResult
from vpccost.units import HOURS_PER_MONTH, cents_text, format_decimal

WHY_CHARGES = 2
"""The charges a reason names on each side: the biggest the winner avoids, and the biggest it pays more."""

HOURLY_UNITS = frozenset({"Hrs", "hour", "LCU-Hrs"})


@dataclass(frozen=True)
class ChargeDifference:
    """What one kind of charge (a line item's `base_component`) costs under two designs, and how many resources
    it is billed on in each."""

    component: str
    winner_usd: Decimal
    other_usd: Decimal
    winner_resources: int
    other_resources: int
    hourly: bool

    @property
    def saving_usd(self) -> Decimal:
        """What the winner pays less for this charge (negative: more)."""
        return self.other_usd - self.winner_usd


def runner_up(comparison: Comparison) -> DesignResult | None:
    """The next design that is priced and feasible after the cheapest one."""
    buildable = [result for result in comparison.ranked if result.priced and result.feasible]
    return buildable[1] if len(buildable) > 1 else None


def differences(winner: DesignResult, other: DesignResult) -> list[ChargeDifference]:
    """Each charge whose cost differs between the two designs, the biggest difference first."""
    usd: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    resources: dict[str, list[set[str]]] = defaultdict(lambda: [set(), set()])
    hourly: dict[str, bool] = {}
    for side, result in enumerate((winner, other)):
        for item in result.line_items:
            usd[item.base_component][side] += item.cost_usd
            resources[item.base_component][side].add(item.resource)
            hourly[item.base_component] = item.unit in HOURLY_UNITS
    found = [
        ChargeDifference(component, costs[0], costs[1], len(resources[component][0]), len(resources[component][1]),
                         hourly[component])
        for component, costs in usd.items()
        if costs[0] != costs[1]
    ]  # fmt: skip
    return sorted(found, key=lambda difference: (-abs(difference.saving_usd), difference.component))


def per_period(comparison: Comparison) -> str:
    """`/month` for a month's estimate, else `over N h`."""
    hours = comparison.settings.period_hours
    return "/month" if hours == HOURS_PER_MONTH else f" over {format_decimal(hours)} h"


def why(comparison: Comparison) -> str:
    """One or two sentences: why the cheapest design wins, from the charges that differ against the runner-up."""
    winner = comparison.cheapest
    if winner is None or winner.total_usd is None:
        return "No design is both priced and feasible."
    other = runner_up(comparison)
    if other is None or other.total_usd is None:
        return f"{winner.design} is the only design that is priced and feasible."
    tied = [result for result in comparison.ranked
            if result.priced and result.feasible and result.total_usd == winner.total_usd]  # fmt: skip
    period = per_period(comparison)
    if len(tied) > 1:
        costlier = next((result for result in comparison.ranked[len(tied):]
                         if result.priced and result.feasible and result.total_usd is not None), None)  # fmt: skip
        same = f"{_and([result.design for result in tied])} cost the same, ${cents_text(winner.total_usd)}{period}"
        if costlier is None or costlier.total_usd is None:
            return f"{same}."
        other, head = costlier, f"{same}; {winner.design} wins by "  # against the first design that costs more
    else:
        head = f"{winner.design} wins by "
    margin = (other.total_usd or Decimal(0)) - winner.total_usd
    head += f"${cents_text(margin)}{period} against {other.design}"
    found = differences(winner, other)
    avoided = [difference for difference in found if difference.saving_usd > 0][:WHY_CHARGES]
    extra = [difference for difference in found if difference.saving_usd < 0][:WHY_CHARGES]
    if not avoided and not extra:
        return f"{head}: the same charges, priced alike."
    parts = []
    if avoided:
        parts.append("it pays " + _and([_charge(difference, fewer=True) for difference in avoided]))
    if extra:
        parts.append("and pays " + _and([_charge(difference, fewer=False) for difference in extra]))
    return f"{head}: {', '.join(parts)}."


def headline(comparison: Comparison) -> str:
    """The recommendation in one line: the cheapest design and its total, and what the optimizer's mix saves
    against it (or that it is already optimal)."""
    winner = comparison.cheapest
    if winner is None or winner.total_usd is None:
        return "No design is both priced and feasible: see each design's problems and missing prices."
    total = winner.total_usd
    mixed = next((result for result in comparison.designs if result.design == OPTIMIZED), None)
    if mixed is not None and mixed.total_usd is not None:
        return _optimized_headline(comparison, mixed.total_usd)
    tied = [result.design for result in comparison.ranked
            if result.priced and result.feasible and result.total_usd == total]  # fmt: skip
    named = f"Cheapest design: {winner.design}" if len(tied) == 1 else f"Cheapest designs, tied: {_and(tied)}"
    line = f"{named} at ${cents_text(total)}{per_period(comparison)}"
    found = comparison.optimum
    if found is None:
        return f"{line}; run vpccost optimize to look for a cheaper mix of options."
    saving = total - found.total_usd
    proven = "" if found.optimal else f" (the solver stopped within {found.gap or 0:.2%} of the optimum)"
    if saving >= Decimal("0.005"):
        return (
            f"{line}; a mix of options (vpccost optimize) costs ${cents_text(found.total_usd)}, "
            f"${cents_text(saving)} less{proven}."
        )
    return f"{line}: already optimal, no mix of options costs less{proven}."


def _optimized_headline(comparison: Comparison, mixed_usd: Decimal) -> str:
    """`optimize`'s headline: the mix's total against the cheapest pure design it was allowed to rank against."""
    line = f"Optimized mix: ${cents_text(mixed_usd)}{per_period(comparison)}"
    pure = [result for result in comparison.ranked
            if result.design not in (OPTIMIZED, AS_IS) and result.priced and result.feasible]  # fmt: skip
    if not pure or pure[0].total_usd is None:
        return f"{line}; no allowed pure design is both priced and feasible."
    best = pure[0]
    saving = (best.total_usd or Decimal(0)) - mixed_usd
    if saving >= Decimal("0.005"):
        return f"{line}, ${cents_text(saving)} less than the cheapest allowed design, {best.design}."
    return f"{line}, the same as the cheapest allowed design, {best.design}: no mix of the allowed options costs less."


def _charge(difference: ChargeDifference, *, fewer: bool) -> str:
    amount = f"${cents_text(abs(difference.saving_usd))} {'less' if fewer else 'more'} for {difference.component}"
    counts = difference.other_resources - difference.winner_resources
    if difference.hourly and counts:
        plural = "" if abs(counts) == 1 else "s"
        amount += f" on {abs(counts)} {'fewer' if counts > 0 else 'more'} resource{plural}"
    return amount


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
