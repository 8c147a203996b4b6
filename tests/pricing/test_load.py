"""Loading prices: a snapshot folder or its prices.json, with an overrides file applied (the pinned snapshot's
prices)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import SNAPSHOT, SNAPSHOT_NAME
from vpccost.pricing.load import load_pricing


def test_a_folder_and_its_prices_file_load_the_same_catalog() -> None:
    by_folder, by_file = load_pricing(SNAPSHOT), load_pricing(SNAPSHOT / "prices.json")
    assert by_folder.name == by_file.name == SNAPSHOT_NAME
    assert list(by_folder.entries()) == list(by_file.entries())
    # the snapshot's NAT gateway-hour in us-east-1: $0.045 (AWS's VPC pricing page)
    assert by_folder.get("nat_gateway_hours", "us-east-1").flat_price_usd == Decimal("0.045")


def test_an_overrides_file_is_applied_and_named(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("overrides:\n  - {item: nat_gateway_hours, region: us-east-1, price_usd: '0.04'}\n")
    changed = load_pricing(SNAPSHOT, overrides=overrides)
    assert changed.name == f"{SNAPSHOT_NAME} + {overrides}"
    assert changed.get("nat_gateway_hours", "us-east-1").flat_price_usd == Decimal("0.04")
    assert load_pricing(SNAPSHOT).get("nat_gateway_hours", "us-east-1").flat_price_usd == Decimal("0.045")
