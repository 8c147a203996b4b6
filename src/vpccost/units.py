"""Units and exact arithmetic shared by every module.

Money and quantities are `decimal.Decimal` end to end. Arithmetic that must be exact runs inside
`exact_arithmetic()`, which raises instead of rounding silently; rounding happens only where a rule says so
(presentation, pro-rata allocation), and that rule is named where it happens.
"""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

BYTES_PER_GB = 2**30
"""AWS bills data transfer in GB of 2^30 bytes."""

HOURS_PER_MONTH = Decimal(730)
"""AWS's own convention for a month: 8,760 hours / 12."""

GB_PER_BYTE = Decimal(1) / Decimal(BYTES_PER_GB)
"""Exactly 2^-30 (a finite decimal: 9.31322574615478515625E-10)."""

CENT = Decimal("0.01")

_EXACT_TRAPS = (decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow)
_EXACT = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_EVEN, traps=list(_EXACT_TRAPS))


class exact_arithmetic:
    """Run the block with a decimal context that refuses to round: any inexact result raises. Inside a block
    that already runs so, the same context goes on (entering one costs more than much of the arithmetic)."""

    __slots__ = ("_local",)

    def __init__(self) -> None:
        self._local: contextlib.AbstractContextManager[decimal.Context] | None = None

    def __enter__(self) -> decimal.Context:
        current = decimal.getcontext()
        if current.prec == _EXACT.prec and current.traps[decimal.Inexact]:
            return current
        self._local = decimal.localcontext(_EXACT)
        return self._local.__enter__()

    def __exit__(self, *exception: object) -> None:
        if self._local is not None:
            self._local.__exit__(*exception)  # type: ignore[arg-type]


_ROUNDING = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation])


@contextmanager
def rounding_arithmetic() -> Iterator[decimal.Context]:
    """Run the block where a stated rule rounds (pro-rata shares, scaled tier bounds, break-even volumes):
    80 significant digits, and the caller quantizes explicitly."""
    with decimal.localcontext(_ROUNDING) as context:
        yield context


def to_cents(amount_usd: Decimal) -> Decimal:
    """Round money for presentation: to the cent, half up (as AWS invoices present amounts)."""
    return amount_usd.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def cents_text(amount_usd: Decimal) -> str:
    """Money for reading: rounded to the cent (half up), with thousands separators: `1,234.56`."""
    return f"{to_cents(amount_usd):,.2f}"


def format_decimal(value: Decimal) -> str:
    """An exact decimal as a plain string, never in exponent notation, without trailing zeros."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def format_usd(amount_usd: Decimal) -> str:
    """An exact money amount as a string with at least two decimals (`"28.00"`, `"0.045"`)."""
    text = format_decimal(amount_usd)
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


FRACTION_QUANTUM = Decimal("1E-12")


def fraction_to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a decimal: exact when it terminates (its denominator has no prime factor but 2 and
    5), else rounded up at the 12th decimal, so a break-even volume shown is never below the true one."""
    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    with rounding_arithmetic():
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    if denominator == 1:
        return exact
    return exact.quantize(FRACTION_QUANTUM, rounding=decimal.ROUND_CEILING)


def fraction_text(value: Fraction) -> str:
    """A fraction as decimal text (see `fraction_to_decimal`)."""
    return format_decimal(fraction_to_decimal(value))


def utc_text(moment: datetime) -> str:
    """A UTC moment as `YYYY-MM-DDTHH:mm:ssZ` (the FOCUS format)."""
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise ValueError(f"not a UTC moment: {moment.isoformat()}")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
