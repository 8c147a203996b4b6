"""Units and exact arithmetic: a block that refuses to round, the money formats, and fractions as decimals."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from vpccost.units import (
    BYTES_PER_GB,
    GB_PER_BYTE,
    HOURS_PER_MONTH,
    cents_text,
    exact_arithmetic,
    format_decimal,
    format_usd,
    fraction_text,
    fraction_to_decimal,
    rounding_arithmetic,
    to_cents,
    utc_text,
)


def test_exact_arithmetic_raises_instead_of_rounding() -> None:
    with exact_arithmetic():
        assert Decimal(1) / Decimal(4) == Decimal("0.25")
        with pytest.raises(decimal.Inexact):
            _ = Decimal(1) / Decimal(3)


def test_exact_arithmetic_inside_itself_keeps_going_and_restores_the_context_after() -> None:
    outside = decimal.getcontext()
    with exact_arithmetic() as first:
        with exact_arithmetic() as second:
            assert second is first
        with pytest.raises(decimal.Inexact):
            _ = Decimal(2) / Decimal(3)
    assert decimal.getcontext() is outside
    assert Decimal(1) / Decimal(3) == Decimal("0.3333333333333333333333333333")  # the default 28 digits again


def test_rounding_arithmetic_rounds_at_80_digits() -> None:
    with rounding_arithmetic():
        third = Decimal(1) / Decimal(3)
    assert len(third.as_tuple().digits) == 80


def test_money_is_rounded_half_up_to_the_cent_only_when_presented() -> None:
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("2.675")) == Decimal("2.68")
    assert to_cents(Decimal("-1.005")) == Decimal("-1.01")
    assert cents_text(Decimal("1234.565")) == "1,234.57"


@pytest.mark.parametrize(
    ("value", "text"),
    [("1E+3", "1000"), ("0.000001", "0.000001"), ("2.50", "2.5"), ("0E-12", "0"), ("-0.10", "-0.1")],
)
def test_decimals_are_written_plainly_without_trailing_zeros(value: str, text: str) -> None:
    assert format_decimal(Decimal(value)) == text


def test_usd_has_at_least_two_decimals() -> None:
    assert [format_usd(Decimal(value)) for value in ("28", "0.045", "1.5", "0")] == ["28.00", "0.045", "1.50", "0.00"]


def test_a_fraction_is_exact_when_it_terminates_else_rounded_up_at_the_12th_decimal() -> None:
    assert fraction_to_decimal(Fraction(1, 4)) == Decimal("0.25")
    assert fraction_to_decimal(Fraction(3, 80)) == Decimal("0.0375")  # 80 = 2^4 × 5: terminates
    assert fraction_to_decimal(Fraction(1, 3)) == Decimal("0.333333333334")
    assert fraction_text(Fraction(2920, 7)) == "417.142857142858"  # 417.142857142857142…, rounded up
    assert fraction_to_decimal(Fraction(-1, 3)) == Decimal("-0.333333333333")  # up is towards +∞


def test_a_gb_is_two_to_the_thirty_bytes_and_a_month_730_hours() -> None:
    # AWS bills data transfer in GB of 2^30 bytes; a month is 8,760 hours a year / 12
    assert BYTES_PER_GB == 1_073_741_824
    with exact_arithmetic():
        assert GB_PER_BYTE * BYTES_PER_GB == 1
    assert Decimal(8760) / 12 == HOURS_PER_MONTH


def test_utc_moments_in_the_focus_format() -> None:
    assert utc_text(datetime(2027, 3, 1, tzinfo=UTC)) == "2027-03-01T00:00:00Z"
    with pytest.raises(ValueError, match="not a UTC moment"):
        utc_text(datetime(2027, 3, 1, tzinfo=timezone(timedelta(hours=1))))
    with pytest.raises(ValueError, match="not a UTC moment"):
        utc_text(datetime(2027, 3, 1))
