"""Overrides: the seeds' assumptions, a negotiated discount, an added price, and the errors that name the file and
field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc


def test_seed_assumptions_overrides(write_estate: WriteEstate) -> None:
    # The seeds' notes: "$0.36 per hour per attached VPC" and "$0.05 per GB for inter-VPC data transfer".
    # Two attached VPCs for 730 h: 2 × 730 × $0.36 = $525.60; 100 GB × $0.05 = $5.00; total $530.60.
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,100")
    overrides = EXAMPLES / "overrides" / "seed-assumptions.yaml"
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], overrides=overrides, pricing=SNAPSHOT)
    assert tgw.design("transit-gateway").total_usd == Decimal("530.60")
    assert all(item.price_verified is False for item in tgw.design("transit-gateway").line_items)
    # Peering across AZs: the course's one $0.05 per GB: 100 GB × $0.05 = $5.00
    traffic, topology = write_estate([vpc("a", azs=["use1-az1"]), vpc("b", azs=["use1-az2"])], "src,dst,gb\na,b,100")
    peering = vpccost.compare(traffic, topology, designs=["peering"], overrides=overrides, pricing=SNAPSHOT).design(
        "peering"
    )
    assert peering.total_usd == Decimal("5.00")


def test_negotiated_discount_scales_data_transfer(write_estate: WriteEstate) -> None:
    # 12 % off data transfer: 1,000 GB internet egress × $0.09 × 0.88 = $79.20
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,1000")
    overrides = EXAMPLES / "overrides" / "negotiated-discount.yaml"
    result = vpccost.compare(traffic, topology, designs=["peering"], overrides=overrides, pricing=SNAPSHOT).design(
        "peering"
    )
    assert result.total_usd == Decimal("79.20")


def test_override_adds_a_missing_price(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "overrides:\n  - item: nat_gateway_hours\n    region: ap-northeast-1\n"
        "    usage_type: APN1-NatGateway-Hours\n    price_usd: '0.062'\n    source: rate card\n"
    )
    catalog = vpccost.load_pricing(SNAPSHOT, overrides=overrides)
    entry = catalog.get("nat_gateway_hours", "ap-northeast-1")
    assert (entry.usage_type, entry.flat_price_usd, entry.service_code, entry.verified) == (
        "APN1-NatGateway-Hours", Decimal("0.062"), "AmazonEC2", False,
    )  # fmt: skip
    assert entry.source == "rate card"


def test_override_errors_name_the_file_and_field(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("overrides:\n  - item: nat_gateway_hours\n    price_usd: 0.05\n")
    with pytest.raises(vpccost.InputError) as raised:
        vpccost.load_pricing(SNAPSHOT, overrides=overrides)
    assert raised.value.field == "overrides[0].price_usd"
    assert raised.value.line == 3
    assert "decimal strings" in str(raised.value)


def test_scaling_a_price_the_snapshot_lacks_is_bad_input(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "overrides:\n  - item: data_transfer_internet_out_bytes\n    region: eu-west-2\n    scale: '0.5'\n"
    )
    with pytest.raises(vpccost.InputError, match="does not price"):
        vpccost.load_pricing(SNAPSHOT, overrides=overrides)
