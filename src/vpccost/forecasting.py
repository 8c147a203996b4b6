"""Forecasts: the same traffic priced month by month as it grows, with tiers re-applied to each month.

Growth is uniform across the traffic: month m (from 0) carries the first month's volumes times a factor,
compounded from monthly growth rates (`3%/month`) or read from a growth file. Every month is 730 hours,
AWS's month. Because the factor scales every row alike, a month is the first month's estate with its GB per
volume unit multiplied by the factor — exact, with no volume re-read or rounded.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from vpccost.compare import Comparison, PricingInput, TopologyInput, TrafficInput, compare, compare_estate
from vpccost.errors import InputError
from vpccost.periods import Period, month_start, next_month, period_of
from vpccost.units import exact_arithmetic, rounding_arithmetic

FACTOR_QUANTUM = Decimal("1E-12")
"""Monthly volume factors are kept to 12 decimal places: a relative error below 1e-12 of a month's volume."""

_RATE = re.compile(r"^\s*(?P<number>[+-]?\d+(\.\d+)?)\s*(?P<percent>%)?\s*(/\s*month)?\s*$")


@dataclass(frozen=True)
class Growth:
    """Monthly volume factors relative to the first month, and how they were stated."""

    factors: tuple[Decimal, ...]
    description: str


@dataclass
class Forecast:
    periods: list[Period]
    growth: Growth

    @property
    def months(self) -> list[str]:
        return [period.month for period in self.periods]

    def totals(self) -> dict[str, dict[str, Decimal | None]]:
        """Total USD per month per design (None where a design is not priced)."""
        return {
            period.month: {result.design: result.total_usd for result in period.comparison.designs}
            for period in self.periods
        }


def parse_rate(text: str) -> Decimal:
    """A monthly growth rate: `3%`, `3%/month`, `0.03` or `-1.5%`, as a fraction (0.03)."""
    match = _RATE.match(text)
    if match is None:
        raise InputError(f"'{text}' is not a growth rate such as 3%/month or 0.03", field="growth")
    number = Decimal(match.group("number"))
    with exact_arithmetic():
        rate = number / 100 if match.group("percent") else number
    if rate <= -1:
        raise InputError(f"a growth rate of {text} would make traffic negative", field="growth")
    return rate


def constant_growth(rate: Decimal, months: int) -> Growth:
    with rounding_arithmetic():
        factors = tuple(_factor((1 + rate) ** month) for month in range(months))
    return Growth(factors, f"{(rate * 100).normalize():f}% per month, compounded from month 1")


def growth_from_file(path: Path, months: int) -> Growth:
    """A CSV with a `month` column (1…N) and either `growth` (that month's rate over the previous month,
    e.g. 3% or 0.03) or `factor` (the volume multiplier against month 1). Months not listed grow by 0."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise InputError(f"cannot read the growth file: {error.strerror}", source=str(path)) from None
    if not rows:
        raise InputError("the growth file has no rows", source=str(path))
    columns = set(rows[0])
    kind = "factor" if "factor" in columns else "growth" if "growth" in columns else None
    if "month" not in columns or kind is None:
        raise InputError("the growth file needs a 'month' column and a 'growth' or 'factor' column", source=str(path))
    given: dict[int, Decimal] = {}
    for line, row in enumerate(rows, start=2):
        try:
            month = int(row["month"])
        except ValueError:
            raise InputError(
                f"'{row['month']}' is not a month number", source=str(path), line=line, field="month"
            ) from None
        if not 1 <= month <= months:
            raise InputError(f"month {month} is outside 1…{months}", source=str(path), line=line, field="month")
        try:
            value = parse_rate(row[kind]) if kind == "growth" else Decimal(row[kind])
        except (InputError, InvalidOperation):
            raise InputError(f"'{row[kind]}' is not a {kind}", source=str(path), line=line, field=kind) from None
        if kind == "factor" and value < 0:
            raise InputError("a factor cannot be negative", source=str(path), line=line, field=kind)
        given[month] = value
    if kind == "factor":
        factors = tuple(given.get(month, Decimal(1)) for month in range(1, months + 1))
        return Growth(factors, f"volume factors from {path}")
    compounded = [Decimal(1)]
    with rounding_arithmetic():
        for month in range(2, months + 1):
            compounded.append(compounded[-1] * (1 + given.get(month, Decimal(0))))
        factors = tuple(_factor(value) for value in compounded)
    return Growth(factors, f"monthly growth from {path}")


def _factor(value: Decimal) -> Decimal:
    """Compounded factors grow digits every month: they are rounded to FACTOR_QUANTUM (half even)."""
    return value.quantize(FACTOR_QUANTUM).normalize()


def forecast(
    traffic: TrafficInput,
    topology: TopologyInput = None,
    *,
    months: int,
    growth: str | Decimal = "0%",
    growth_file: str | Path | None = None,
    start: date | str | None = None,
    pricing: PricingInput = None,
    overrides: str | Path | None = None,
    designs: Sequence[str] | None = None,
    nat_per_vpc: bool = False,
    free_tier: bool = False,
) -> Forecast:
    """Price `designs` for each of `months` months from `start` (default: next month), the traffic growing
    as `growth` (a monthly rate) or `growth_file` says."""
    if months < 1:
        raise InputError("a forecast needs at least one month", field="months")
    stated = Growth((), "")
    if growth_file is not None:
        stated = growth_from_file(Path(growth_file), months)
    else:
        stated = constant_growth(growth if isinstance(growth, Decimal) else parse_rate(growth), months)
    first = _first_month(start)
    base = compare(
        traffic,
        topology,
        pricing=pricing,
        overrides=overrides,
        designs=designs,
        nat_per_vpc=nat_per_vpc,
        free_tier=free_tier,
    )
    periods = []
    month = first
    for factor in stated.factors:
        periods.append(period_of(_scaled(base, factor, stated.description), month.date()))
        month = next_month(month)
    return Forecast(periods=periods, growth=stated)


def _first_month(start: date | str | None) -> datetime:
    if start is None:
        return next_month(month_start(datetime.now(UTC).date()))
    if isinstance(start, str):
        try:
            year, month = (int(part) for part in start.split("-")[:2])
            return month_start(date(year, month, 1))
        except ValueError:
            raise InputError(f"'{start}' is not a month such as 2027-01", field="start") from None
    return month_start(start)


def _scaled(base: Comparison, factor: Decimal, description: str) -> Comparison:
    """The base month's comparison re-priced with every volume multiplied by `factor`."""
    if factor == 1:
        return _with_growth_note(base, factor, description)
    with exact_arithmetic():
        estate = replace(base.estate, gb_per_unit=base.estate.gb_per_unit * factor)
    month = compare_estate(estate, base.catalog, base.options, [result.design for result in base.designs])
    return _with_growth_note(month, factor, description)


def _with_growth_note(comparison: Comparison, factor: Decimal, description: str) -> Comparison:
    note = f"Growth: {description}; this month's volumes are {factor.normalize():f} × month 1."
    return replace(comparison, assumptions=[*comparison.assumptions, note])
