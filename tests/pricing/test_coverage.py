"""Price coverage: which items a snapshot prices where. The expected cells are read off the snapshot files
themselves (pricing/aws/<date>/prices.json: find the entry for the item and region, look at `verified`)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import vpccost
from tests.conftest import NEWEST_SNAPSHOT, SNAPSHOT
from tests.support.catalogs import catalog, entry
from vpccost.model.aws_facts import REGIONS
from vpccost.outputs.table import render_coverage
from vpccost.pricing.coverage import CORE_ITEMS, coverage
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    VPC_ENDPOINT_BYTES,
)


def test_a_cell_is_verified_unverified_partial_or_missing() -> None:
    hand = catalog(
        [
            entry(NAT_GATEWAY_HOURS, "eu-west-2", (None, "0.05")).model_copy(update={"verified": True}),
            entry(NAT_GATEWAY_BYTES, "eu-west-2", (None, "0.05")),
            entry(DATA_TRANSFER_INTER_REGION_BYTES, "eu-west-2", (None, "0.02"), to_region="eu-west-1"),
            entry(DATA_TRANSFER_INTER_REGION_BYTES, "eu-west-1", (None, "0.02"), to_region="*"),
        ]
    )
    found = coverage(hand, regions=["eu-west-1", "eu-west-2"])
    assert found.cell(NAT_GATEWAY_HOURS, "eu-west-2").status == "verified"
    assert found.cell(NAT_GATEWAY_BYTES, "eu-west-2").status == "unverified"
    # a rate to one destination only: transfer to any other region has no price
    partial = found.cell(DATA_TRANSFER_INTER_REGION_BYTES, "eu-west-2")
    assert (partial.status, partial.destinations) == ("partial", 1)
    assert found.cell(DATA_TRANSFER_INTER_REGION_BYTES, "eu-west-1").status == "unverified"
    assert found.cell(NAT_GATEWAY_HOURS, "eu-west-1").status == "missing"
    assert found.counts("eu-west-2") == {"verified": 1, "unverified": 1, "partial": 1, "missing": 9}
    assert not found.ready("eu-west-2")


def test_the_newest_snapshot_covers_every_region_vpccost_lists() -> None:
    found = coverage(vpccost.load_pricing(NEWEST_SNAPSHOT))
    assert found.regions == tuple(REGIONS)
    assert len(found.regions) == 34
    assert found.items == CORE_ITEMS
    # us-east-1 and us-east-2 hold every core item; no source prices mx-central-1 at all
    assert [region for region in found.regions if found.ready(region)] == ["us-east-1", "us-east-2"]
    assert found.counts("mx-central-1")["missing"] == len(CORE_ITEMS)
    # eu-west-2's NAT gateway hour comes from a verbatim AWS offer record (SKU D8BXG95NJW6MV3B3)
    london = found.cell(NAT_GATEWAY_HOURS, "eu-west-2")
    assert (london.status, london.usage_type) == ("verified", "EUW2-NatGateway-Hours")
    # Frankfurt's endpoint processing is known for its first tier only: left missing, never cut short
    assert found.cell(VPC_ENDPOINT_BYTES, "eu-central-1").status == "missing"
    assert found.counts() == {"verified": 27, "unverified": 142, "partial": 19, "missing": 220}


def test_the_older_snapshot_priced_far_fewer_regions() -> None:
    found = coverage(vpccost.load_pricing(SNAPSHOT))
    assert found.counts() == {"verified": 50, "unverified": 12, "partial": 0, "missing": 346}
    assert sum(1 for region in found.regions if found.counts(region)["missing"] < len(CORE_ITEMS)) == 8


def test_every_item_covers_the_registry_but_global_items() -> None:
    found = coverage(vpccost.load_pricing(NEWEST_SNAPSHOT), every_item=True)
    assert "route53_hosted_zone_months" not in found.items
    assert len(found.items) == 29


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_coverage_table_fits_the_terminal(width: int) -> None:
    buffer = io.StringIO()
    render_coverage(coverage(vpccost.load_pricing(NEWEST_SNAPSHOT)), Console(file=buffer, width=width))
    lines = buffer.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert not any("…" in line for line in lines)  # nothing cut
    row = next(line for line in lines if line.startswith("us-east-1 "))
    assert row.split() == ["us-east-1", "✓", "✓", "✓", "✓", "✓", "✓", "~", "~", "✓", "✓", "✓", "✓", "-"]
