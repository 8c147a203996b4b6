"""What differs between the top designs: equal lines left out, grouped by resource, biggest first, adding up to the
gaps between the totals."""

from __future__ import annotations

from decimal import Decimal

from tests.support.comparisons import comparison, line
from vpccost.outputs.differences import differences
from vpccost.results import DesignResult


def design(name: str, *lines: tuple[str, str]) -> DesignResult:
    return DesignResult(name, [line(name, cost, resource=resource) for resource, cost in lines], [], [], [], [])


def test_equal_lines_are_left_out_and_the_rest_add_up_to_the_gap() -> None:
    found = differences(comparison(design("a", ("same", "5"), ("x", "1")), design("b", ("same", "5"), ("y", "4"))))
    assert found is not None and found.designs == ["a", "b"]
    assert [resource.resource for resource in found.resources] == ["y", "x"]  # $4 apart before $1 apart
    assert found.resources[0].costs_usd == {"a": None, "b": Decimal(4)}
    differing = found.differing_usd
    assert differing["b"] - differing["a"] == found.totals_usd["b"] - found.totals_usd["a"] == Decimal(3)
    kept, left_out = found.shown(rows=2)
    assert [resource.resource for resource in kept] == ["y"] and left_out == 1


def test_one_priced_design_has_nothing_to_compare() -> None:
    assert differences(comparison(design("a", ("x", "1")))) is None
