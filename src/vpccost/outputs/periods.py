"""Calendar periods of an estimate: what finance exports (FOCUS, XLSX, forecasts) date their rows with.

An estimate covers `period_hours`; 730 hours is AWS's month, so a 730-hour estimate is dated as one calendar
month. A forecast is a sequence of such months, each with its own comparison.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from vpccost.errors import InputError
from vpccost.results import Comparison, DatedComparison
from vpccost.units import HOURS_PER_MONTH

MAX_YEAR = 9999


def month_start(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def parse_month(text: str) -> date:
    """`YYYY-MM` as the first day of that month."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InputError(f"'{text}' is not a month such as 2027-01", field="start") from None


def first_month(start: date | str | None) -> datetime:
    """The month an estimate is dated from: `start`'s month, or next month (UTC) when not given."""
    if start is None:
        return next_month(month_start(datetime.now(UTC).date()))
    day = parse_month(start) if isinstance(start, str) else start
    if day.year >= MAX_YEAR:
        raise InputError(f"{day.year} is too far ahead to date an estimate", field="start")
    return month_start(day)


def period_of(comparison: Comparison, start: date | str | None = None) -> DatedComparison:
    """Date an estimate from the first day of `start`'s month (default: next month, UTC). A 730-hour estimate
    is AWS's month and ends with its calendar month; any other length ends `period_hours` after its start and
    must fit in that month, since a FOCUS charge period lies within its billing period."""
    first = first_month(start)
    billing_end = next_month(first)
    hours: Decimal = comparison.settings.period_hours
    if hours == HOURS_PER_MONTH:
        end = billing_end
    else:
        end = first + timedelta(seconds=int(hours * 3600))
        if end > billing_end:
            month_hours = int((billing_end - first).total_seconds()) // 3600
            raise InputError(
                f"a {hours}-hour estimate does not fit in {first:%Y-%m} ({month_hours} h): dated exports need "
                "--hours 730 (one month) or no more than the month's hours",
                field="hours",
            )
    return DatedComparison(start=first, end=end, billing_start=first, billing_end=billing_end, comparison=comparison)
