"""Calendar periods of an estimate: a 730-hour estimate is one calendar month; shorter ones end their hours after
the month starts and must fit in it (FOCUS 1.2: a charge period lies within its billing period)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.support.comparisons import comparison, result
from vpccost.errors import InputError
from vpccost.outputs.periods import first_month, next_month, parse_month, period_of


def test_months_are_written_yyyy_mm() -> None:
    assert parse_month("2027-01") == parse_month(" 2027-1 ") == date(2027, 1, 1)
    for text in ("March", "2027-13", "27-01", "2027/01"):
        with pytest.raises(InputError, match="is not a month such as 2027-01") as raised:
            parse_month(text)
        assert raised.value.field == "start"


def test_the_month_after_december_is_january() -> None:
    assert next_month(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert next_month(datetime(2027, 1, 1, tzinfo=UTC)) == datetime(2027, 2, 1, tzinfo=UTC)


def test_without_a_start_an_estimate_is_dated_from_next_month() -> None:
    today = datetime.now(UTC).date()
    expected = datetime(today.year + today.month // 12, today.month % 12 + 1, 1, tzinfo=UTC)
    assert first_month(None) == expected
    assert first_month(date(2027, 3, 15)) == datetime(2027, 3, 1, tzinfo=UTC)
    with pytest.raises(InputError, match="9999 is too far ahead"):
        first_month("9999-01")


def test_a_730_hour_estimate_is_its_calendar_month() -> None:
    dated = period_of(comparison(result("peering", "1")), "2027-02")
    assert (dated.start, dated.end) == (datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
    assert (dated.billing_start, dated.billing_end, dated.month) == (dated.start, dated.end, "2027-02")


def test_a_shorter_estimate_ends_its_hours_after_the_start_and_a_longer_one_must_fit() -> None:
    dated = period_of(comparison(result("peering", "1"), hours="36"), "2027-02")
    assert dated.end == datetime(2027, 2, 2, 12, tzinfo=UTC)
    assert dated.billing_end == datetime(2027, 3, 1, tzinfo=UTC)
    # February 2027 has 28 × 24 = 672 hours
    with pytest.raises(InputError, match=r"a 700-hour estimate does not fit in 2027-02 \(672 h\)"):
        period_of(comparison(result("peering", "1"), hours="700"), "2027-02")
    # March has 744 hours: 700 hours from March 1 end on March 30 at 04:00 (29 days × 24 h = 696 h, plus 4)
    march = period_of(comparison(result("peering", "1"), hours="700"), "2027-03")
    assert march.end == datetime(2027, 3, 30, 4, tzinfo=UTC)
