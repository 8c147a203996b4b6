"""The results layer: comparisons, design results and line items as data, and how a notebook shows them."""

from __future__ import annotations

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT


def test_comparison_in_jupyter() -> None:

    result = vpccost.compare(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml", pricing=SNAPSHOT
    )
    table = result._repr_html_()
    assert "<table" in table
    assert "sharing" in table
    assert result.plot.by_design().data
    assert result.plot.by_account().data
