"""Calendar periods of an estimate: what finance exports (FOCUS, XLSX, forecasts) date their rows with.

An estimate covers `period_hours`; 730 hours is AWS's month, so a 730-hour estimate is dated as one calendar
month. A forecast is a sequence of such months, each with its own comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from vpccost.units import HOURS_PER_MONTH

if TYPE_CHECKING:
    from vpccost.compare import Comparison


@dataclass(frozen=True)
class Period:
    """One dated estimate. `start`/`end` bound the charges (FOCUS ChargePeriod); `billing_start`/`billing_end`
    the calendar month they would be billed in (FOCUS BillingPeriod). All UTC."""

    start: datetime
    end: datetime
    billing_start: datetime
    billing_end: datetime
    comparison: Comparison

    @property
    def month(self) -> str:
        """`YYYY-MM` of the billing month."""
        return self.billing_start.strftime("%Y-%m")


def month_start(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def period_of(comparison: Comparison, start: date | None = None) -> Period:
    """Date an estimate: from the first day of `start`'s month (default: next month, UTC). A 730-hour
    estimate ends with its calendar month; any other length ends `period_hours` after its start."""
    first = month_start(start) if start is not None else next_month(month_start(datetime.now(UTC).date()))
    hours: Decimal = comparison.options.period_hours
    end = next_month(first) if hours == HOURS_PER_MONTH else first + timedelta(hours=float(hours))
    return Period(start=first, end=end, billing_start=first, billing_end=next_month(first), comparison=comparison)
