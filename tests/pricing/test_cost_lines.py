"""Cost lines: a fixed part and per-GB segments, and the parts of an option's cost for one subject (prices
invented for the test; each figure added up in a comment)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from tests.support.catalogs import entry
from vpccost.pricing.cost_lines import CostLine, LineParts


def test_a_cost_line_adds_its_segments_up_to_the_volume() -> None:
    # $10 fixed; $0.05/GB to 100 GB, then $0.02/GB: at 150 GB, 10 + 100 × 0.05 + 50 × 0.02 = $16
    cost = CostLine("x", Fraction(10), ((Fraction(0), Fraction(100), Fraction(5, 100)),
                                        (Fraction(100), None, Fraction(2, 100))))  # fmt: skip
    assert cost.cost_at(Fraction(150)) == Fraction(16)
    assert cost.cost_at(Fraction(0)) == Fraction(10)


def test_line_parts_price_a_subjects_volume_and_draw_its_line() -> None:
    # $14.60 of endpoints, 100 GB at $0.01 flat, and the same 100 GB through a tier of $0.02 to 1,000 GB then $0.01
    tiered = entry("vpc_endpoint_bytes", "us-east-1", ("1000", "0.02"), (None, "0.01"))
    parts = LineParts("interface-endpoint", Decimal("14.60"), Decimal(100), Decimal(1), ((tiered, Decimal(100)),),
                      Decimal(730))  # fmt: skip
    assert parts.usd() == Decimal("17.60")  # 14.60 + 1.00 + 100 × 0.02
    drawn = parts.decimal_line()
    # the subject sends all of its volume through the tier: $0.01 + $0.02 per GB to 1,000 GB, $0.01 + $0.01 after
    assert drawn.segments == ((Decimal(0), Decimal(1000), Decimal("0.03")), (Decimal(1000), None, Decimal("0.02")))
    assert parts.line().cost_at(Fraction(2000)) == Fraction("14.60") + 1000 * Fraction("0.03") + 1000 * Fraction("0.02")
