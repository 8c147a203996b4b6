"""Forecasts: the same traffic priced month by month as it grows, with tiers re-applied to each month.

Growth is uniform across the traffic: month m (from 0) carries the first month's volumes times a factor,
compounded from monthly growth rates (`3%/month`) or read from a growth file. Every month is 730 hours,
AWS's month, so traffic that records another period (`flowlogs aggregate` without `--monthly`) is refused.
Because the factor scales every row alike, a month is the first month's estate with its GB per volume unit
multiplied by the factor — exact, with no volume re-read or rounded.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from vpccost.analyses.compare import compare
from vpccost.analyses.estimate import compare_estate
from vpccost.errors import InputError
from vpccost.inputs.load import PricingInput, TopologyInput, TrafficInput, collector_paused, period_hours_for
from vpccost.inputs.suggest import closest
from vpccost.inputs.traffic import Traffic, load_traffic
from vpccost.outputs.periods import first_month, next_month, period_of
from vpccost.results import Comparison, Forecast, Growth
from vpccost.units import HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

MAX_FACTOR = Decimal(10**6)
"""Far beyond any plan, and small enough that every volume stays an ordinary decimal."""

FACTOR_QUANTUM = Decimal("1E-12")
"""Monthly volume factors are kept to 12 decimal places: a relative error below 1e-12 of a month's volume."""

MAX_MONTHS = 600

GROWTH_COLUMNS = ("month", "growth", "factor")
"""The columns a growth file may have."""

_RATE = re.compile(r"^\s*(?P<number>[+-]?\d+(\.\d+)?)\s*(?P<percent>%)?\s*(/\s*month)?\s*$")


def parse_rate(text: str) -> Decimal:
    """A monthly growth rate: `3%`, `3%/month`, `0.03` or `-1.5%`, as a fraction (0.03). A bare number of 1 or
    more is refused as ambiguous (`3` would be 300 %): write `3%`."""
    match = _RATE.match(text)
    if match is None:
        raise InputError(f"'{text}' is not a growth rate such as 3%/month or 0.03", field="growth")
    number = Decimal(match.group("number"))
    if not match.group("percent") and abs(number) >= 1:
        raise InputError(f"'{text}' would be {number * 100}% a month: write it with % (e.g. {number}%)", field="growth")
    with exact_arithmetic():
        rate = number / 100 if match.group("percent") else number
    if rate <= -1:
        raise InputError(f"a growth rate of {text} would make traffic negative", field="growth")
    return rate


def constant_growth(rate: Decimal, months: int) -> Growth:
    with rounding_arithmetic():
        raw = [(1 + rate) ** month for month in range(months)]
    _check_factors(raw, f"growing {(rate * 100).normalize():f}% a month, ", field="growth")
    with rounding_arithmetic():
        factors = tuple(_factor(value) for value in raw)
    return Growth(factors, f"{(rate * 100).normalize():f}% per month, compounded from month 1")


def growth_from_file(path: Path, months: int) -> Growth:
    """A CSV with a `month` column (1…N) and either `growth` (that month's rate over the previous month, e.g.
    3% or 0.03; month 1 has none) or `factor` (the volume multiplier against the traffic as given). A month not
    listed keeps the previous month's volume."""
    source = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = [name.strip() for name in reader.fieldnames or []]
    except OSError as error:
        raise InputError(f"cannot read the growth file: {error.strerror}", source=source) from None
    except UnicodeDecodeError:
        raise InputError("the growth file is not UTF-8 text", source=source) from None
    repeated = next((name for index, name in enumerate(columns) if name in columns[:index]), None)
    if repeated is not None:
        raise InputError("the column appears twice in the header", source=source, line=1, field=repeated)
    kinds = [kind for kind in ("growth", "factor") if kind in columns]
    if "month" not in columns or len(kinds) != 1:
        hints = [
            f"'{column}': did you mean '{meant}'?"
            for column in columns
            if column not in GROWTH_COLUMNS and (meant := closest(column, GROWTH_COLUMNS)) is not None
        ]
        hint = f"; the file has {', '.join(hints)}" if hints else ""
        raise InputError(
            f"the growth file needs a 'month' column and one of 'growth' or 'factor'{hint}",
            source=source,
            line=1,
        )
    kind = kinds[0]
    given: dict[int, Decimal] = {}
    for line, raw in enumerate(rows, start=2):
        row = {(key or "").strip(): (value or "").strip() for key, value in raw.items()}
        try:
            month = int(row.get("month", ""))
        except ValueError:
            raise InputError(
                f"'{row.get('month')}' is not a month number", source=source, line=line, field="month"
            ) from None
        if not 1 <= month <= months:
            raise InputError(f"month {month} is outside 1…{months}", source=source, line=line, field="month")
        if month in given:
            raise InputError(f"month {month} is listed twice", source=source, line=line, field="month")
        if kind == "growth" and month == 1:
            raise InputError(
                "month 1 is the traffic as given: growth starts in month 2", source=source, line=line, field=kind
            )
        given[month] = _growth_value(row.get(kind, ""), kind, source, line)
    factors: list[Decimal] = []
    with rounding_arithmetic():
        for month in range(1, months + 1):
            if kind == "factor":
                factors.append(given.get(month, factors[-1] if factors else Decimal(1)))
            else:
                factors.append(factors[-1] * (1 + given.get(month, Decimal(0))) if factors else Decimal(1))
    _check_factors(factors, "", field=kind, source=source)
    return Growth(tuple(_factor(value) for value in factors), f"monthly {kind}s from {path.name}")


def _check_factors(factors: Sequence[Decimal], cause: str, *, field: str, source: str | None = None) -> None:
    """No month's traffic may grow past `MAX_FACTOR` times month 1's (the numeric range exact arithmetic holds)."""
    too_much = next((month for month, factor in enumerate(factors, start=1) if factor > MAX_FACTOR), None)
    if too_much is not None:
        raise InputError(
            f"{cause}month {too_much}'s traffic would be more than {MAX_FACTOR:,} times month 1's: give fewer months "
            "or less growth",
            source=source,
            field=field,
        )


def _growth_value(text: str, kind: str, source: str, line: int) -> Decimal:
    try:
        value = parse_rate(text) if kind == "growth" else Decimal(text)
    except (InputError, InvalidOperation):
        raise InputError(f"'{text}' is not a {kind}", source=source, line=line, field=kind) from None
    if not value.is_finite() or (kind == "factor" and value < 0) or abs(value) > MAX_FACTOR:
        raise InputError(f"'{text}' is not a usable {kind}", source=source, line=line, field=kind)
    return value


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
    split_by: str | None = None,
    service_access: str = "best",
) -> Forecast:
    """Price `designs` for each of `months` months from `start` (default: next month), the traffic growing
    as `growth` (a monthly rate) or `growth_file` says."""
    if not 1 <= months <= MAX_MONTHS:
        raise InputError(f"a forecast covers 1 to {MAX_MONTHS} months, not {months}", field="months")
    if growth_file is not None:
        if growth not in ("0%", Decimal(0)):
            raise InputError("give --growth or --growth-file, not both", field="growth")
        stated = growth_from_file(Path(growth_file), months)
    else:
        stated = constant_growth(growth if isinstance(growth, Decimal) else parse_rate(growth), months)
    first = first_month(start)
    with collector_paused():
        loaded = traffic if isinstance(traffic, Traffic) else load_traffic(traffic)
    period_hours_for(loaded, HOURS_PER_MONTH, months_only="a forecast prices 730-hour months")
    base = compare(
        loaded,
        topology,
        hours=HOURS_PER_MONTH,
        pricing=pricing,
        overrides=overrides,
        designs=designs,
        nat_per_vpc=nat_per_vpc,
        free_tier=free_tier,
        split_by=split_by,
        service_access=service_access,
        optimize=False,
    )
    periods = []
    month = first
    for factor in stated.factors:
        periods.append(
            replace(period_of(_scaled(base, factor, stated.description), month.date()), volume_factor=factor)
        )
        month = next_month(month)
    return Forecast(periods=periods, growth=stated)


def _scaled(base: Comparison, factor: Decimal, description: str) -> Comparison:
    """The base month's comparison re-priced with every volume multiplied by `factor`."""
    with exact_arithmetic():
        estate = replace(base.estate, gb_per_unit=base.estate.gb_per_unit * factor)
    month = compare_estate(estate, base.catalog, base.settings, [result.design for result in base.designs])
    return _with_growth_note(month, factor, description)


def _with_growth_note(comparison: Comparison, factor: Decimal, description: str) -> Comparison:
    note = f"Growth: {description}; this month's volumes are {factor.normalize():f} × month 1."
    return replace(comparison, assumptions=[*comparison.assumptions, note])
