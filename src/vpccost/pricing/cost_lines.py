"""Cost lines: what an option costs one subject as a function of its volume — a fixed part, then per-GB segments
where the flat rate and each tiered price's steps apply. Break-even analysis and the service-access comparison
find where two lines cross; the parts of a line (`LineParts`) give its cost at the subject's own volume exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, NamedTuple, TypeVar

from vpccost.pricing.snapshot import PriceEntry
from vpccost.pricing.tiers import tier_scale, tiered_cost_usd
from vpccost.units import exact_arithmetic

Amount = TypeVar("Amount", Fraction, Decimal)


@dataclass(frozen=True)
class CostLine(Generic[Amount]):
    """fixed_usd + per-GB segments [(begin GB, end GB or None, USD per GB)]: exact fractions, or exact decimals
    where every rate terminates (the service-access comparison prices thousands of lines so)."""

    option: str
    fixed_usd: Amount
    segments: tuple[tuple[Amount, Amount | None, Amount], ...]

    def cost_at(self, gb: Amount) -> Amount:
        """The option's cost at a volume [GB per period]: the fixed part plus each segment's part."""
        total = self.fixed_usd
        for begin, end, rate in self.segments:
            if gb <= begin:
                break
            upper = gb if end is None else min(gb, end)
            total += (upper - begin) * rate
        return total


class LineParts(NamedTuple):
    """An option's cost for one subject, in its parts: what the option's resources cost over the period, the
    subject's flat per-GB charges at its volume, and the volume it sends through each tiered price — all exact
    decimals. `usd` is the cost at the subject's volume; `line` the cost line against any volume."""

    option: str
    fixed_usd: Decimal
    gb: Decimal
    """The subject's volume [GB per period]."""
    flat_usd: Decimal
    """The flat per-GB charges over that volume [USD per period]."""
    tiered: tuple[tuple[PriceEntry, Decimal], ...]
    """Each tiered price and the volume through it [GB per period], as if the subject were its only user."""
    period_hours: Decimal

    def usd(self) -> Decimal:
        """The cost at the subject's volume."""
        with exact_arithmetic():
            total = self.fixed_usd + self.flat_usd
            for entry, gb in self.tiered:
                total += tiered_cost_usd(entry, gb, self.period_hours)
            return total

    def line(self) -> CostLine[Fraction]:
        """The cost line: the fixed part, then the flat rate plus each tiered price's steps at the subject's share
        of it, segment by segment (exact fractions)."""
        return self._line(Fraction)

    def decimal_line(self) -> CostLine[Decimal]:
        """The cost line in exact decimals; `decimal.Inexact` when a rate does not terminate (use `line`)."""
        with exact_arithmetic():
            return self._line(Decimal)

    def shape(self, number: type[Amount]) -> tuple[Amount, Amount, tuple[tuple[PriceEntry, Amount], ...]]:
        """What the cost line depends on, in `number`s: the fixed part, the flat rate per GB, and each tiered
        price's share of the volume. Subjects of one shape have one line, whatever their volumes."""
        gb = number(self.gb)
        rate = number(self.flat_usd) / gb if gb else number(0)
        return number(self.fixed_usd), rate, tuple((entry, number(tier_gb) / gb) for entry, tier_gb in self.tiered)

    def _line(self, number: type[Amount]) -> CostLine[Amount]:
        fixed, rate, shares = self.shape(number)
        return CostLine(self.option, fixed, _segments(rate, shares, self.period_hours, number))


_SEGMENTS: dict[tuple[object, ...], tuple[tuple[Any, Any, Any], ...]] = {}
"""Segments of cost lines by their parts: many subjects share a rate and a tiered price's shape."""


def _segments(
    rate: Amount, shares: tuple[tuple[PriceEntry, Amount], ...], period_hours: Decimal, number: type[Amount]
) -> tuple[tuple[Amount, Amount | None, Amount], ...]:
    """The per-GB segments of a line: the flat rate, plus each tiered price's steps at its share of the volume."""
    key = (number, rate, period_hours, *((entry.key, entry.tiers, share) for entry, share in shares))
    found = _SEGMENTS.get(key)
    if found is not None:
        return found
    steps_of = []
    for entry, share in shares:
        scale = number(tier_scale(entry, period_hours))
        steps_of.append((share, [(number(t.begin) * scale / share, number(t.price_usd)) for t in entry.tiers]))
    breaks = sorted({number(0)} | {begin for _, steps in steps_of for begin, _ in steps})
    segments = []
    for index, begin in enumerate(breaks):
        end = breaks[index + 1] if index + 1 < len(breaks) else None
        slope = rate + sum(
            (share * next(price for start, price in reversed(steps) if start <= begin) for share, steps in steps_of),
            number(0),
        )
        segments.append((begin, end, slope))
    if len(_SEGMENTS) > 4096:
        _SEGMENTS.clear()
    _SEGMENTS[key] = found = tuple(segments)
    return found
