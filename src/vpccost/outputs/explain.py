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

SAVING_FLOOR_USD = Decimal("0.005")
"""Half a cent: a smaller saving rounds to $0.00, so the design is already optimal."""


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


def buildable(comparison: Comparison) -> list[DesignResult]:
    """The designs that are priced and feasible, cheapest first (the ranking's head)."""
    return [
        result for result in comparison.ranked if result.priced and result.feasible and result.total_usd is not None
    ]


def saves(saving_usd: Decimal) -> bool:
    """Whether a saving shows once rounded to the cent: less than half a cent is no saving."""
    return saving_usd >= SAVING_FLOOR_USD


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
    built = buildable(comparison)
    if not built:
        return "No design is both priced and feasible."
    winner, least = built[0], built[0].total_usd or Decimal(0)
    tied = [result for result in built if result.total_usd == least]
    costlier = built[len(tied) :]
    period = per_period(comparison)
    same = f"{_and([result.design for result in tied])} cost the same, ${cents_text(least)}{period}"
    if not costlier:
        return f"{same}." if len(tied) > 1 else f"{winner.design} is the only design that is priced and feasible."
    other = costlier[0]  # the runner-up; for a tie, the first design that costs more
    head = f"{same}; {winner.design} wins by " if len(tied) > 1 else f"{winner.design} wins by "
    margin = (other.total_usd or Decimal(0)) - least
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
    built = buildable(comparison)
    if not built:
        return "No design is both priced and feasible: see each design's problems and missing prices."
    mixed = next((result for result in comparison.designs if result.design == OPTIMIZED), None)
    if mixed is not None and mixed.total_usd is not None:
        return _optimized_headline(comparison, mixed.total_usd)
    winner = built[0]
    total = winner.total_usd or Decimal(0)
    tied = [result.design for result in built if result.total_usd == total]
    named = f"Cheapest design: {winner.design}" if len(tied) == 1 else f"Cheapest designs, tied: {_and(tied)}"
    line = f"{named} at ${cents_text(total)}{per_period(comparison)}"
    found = comparison.optimum
    if found is None:
        return f"{line}; run vpccost optimize to look for a cheaper mix of options."
    saving = total - found.total_usd
    proven = "" if found.optimal else f" (the solver stopped within {found.gap or 0:.2%} of the optimum)"
    if saves(saving):
        return (
            f"{line}; a mix of options (vpccost optimize) costs ${cents_text(found.total_usd)}, "
            f"${cents_text(saving)} less{proven}."
        )
    return f"{line}: already optimal, no mix of options costs less{proven}."


def _optimized_headline(comparison: Comparison, mixed_usd: Decimal) -> str:
    """`optimize`'s headline: the mix's total against the cheapest pure design it was allowed to rank against."""
    line = f"Optimized mix: ${cents_text(mixed_usd)}{per_period(comparison)}"
    pure = [result for result in buildable(comparison) if result.design not in (OPTIMIZED, AS_IS)]
    if not pure:
        return f"{line}; no allowed pure design is both priced and feasible."
    best = pure[0]
    saving = (best.total_usd or Decimal(0)) - mixed_usd
    if saves(saving):
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
