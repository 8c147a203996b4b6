"""The price catalog: provenance on every entry, missing prices as errors, overrides."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import vpccost
from vpccost.errors import MissingPriceError
from vpccost.pricing.tiers import split_into_tiers

from .conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_every_entry_carries_its_provenance() -> None:
    entries = list(CATALOG.entries())
    assert len(entries) > 50
    for entry in entries:
        assert entry.source and entry.service_code and entry.usage_type and entry.unit
        assert entry.tiers[0].begin == 0 and entry.tiers[-1].end is None
        if entry.evidence == "U":
            assert not entry.verified, f"{entry.label}: an unconfirmed figure must be marked unverified"


def test_tier_bounds_come_from_the_price_data() -> None:
    # PRICING-FACTS §1: interface endpoint processing tiers are 0–1,048,576–5,242,880 GB in the Price List
    # (infracost splits at 1,000,000; vpccost follows the price data)
    endpoint = CATALOG.get("vpc_endpoint_bytes", "us-east-1")
    assert [tier.end for tier in endpoint.tiers] == [Decimal(1048576), Decimal(5242880), None]
    charges = split_into_tiers(endpoint, Decimal(1_048_577), Decimal(730))
    # exactly one GB past the 1 PB boundary: 1,048,576 GB × $0.01 + 1 GB × $0.006
    assert [(c.quantity, c.price_usd) for c in charges] == [
        (Decimal(1048576), Decimal("0.01")),
        (Decimal(1), Decimal("0.006")),
    ]


def test_monthly_tier_bounds_scale_with_the_period() -> None:
    # 365 h is half of 730 h: the first internet egress tier ends at 10,240 / 2 = 5,120 GB
    egress = CATALOG.get("data_transfer_internet_out_bytes", "us-east-1")
    charges = split_into_tiers(egress, Decimal(6000), Decimal(365))
    assert [(c.quantity, c.price_usd) for c in charges] == [
        (Decimal(5120), Decimal("0.09")),
        (Decimal(880), Decimal("0.085")),
    ]


def test_a_missing_price_is_an_error_naming_it_and_how_to_supply_it() -> None:
    with pytest.raises(MissingPriceError) as raised:
        CATALOG.get("nat_gateway_hours", "ap-northeast-1")
    message = str(raised.value)
    assert "nat_gateway_hours in ap-northeast-1" in message
    assert "--overrides" in message


def test_a_design_missing_a_price_is_listed_unpriced(write_estate: WriteEstate) -> None:
    # PRICING-FACTS has no NAT gateway price for ap-northeast-1, but has its TGW and peering prices
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    result = vpccost.compare(traffic, topology, designs=["peering", "transit-gateway"], pricing=SNAPSHOT)
    for design in result.designs:
        assert not design.priced and design.total_usd is None
        assert any("nat_gateway_hours in ap-northeast-1" in missing for missing in design.missing_prices)


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


def test_pricing_diff_names_what_changed(tmp_path: Path) -> None:
    import json

    from .conftest import run_cli

    bundled = json.loads((SNAPSHOT / "prices.json").read_text())
    entries = bundled["entries"]
    nat_hours = next(e for e in entries if (e["item"], e["region"]) == ("nat_gateway_hours", "us-east-1"))
    nat_hours["tiers"][0]["price_usd"] = "0.05"
    entries.remove(next(e for e in entries if (e["item"], e["region"]) == ("vpn_connection_hours", "us-east-1")))
    entries.append({**nat_hours, "region": "ap-northeast-1", "usage_type": "APN1-NatGateway-Hours"})
    newer = tmp_path / "prices.json"
    newer.write_text(json.dumps(bundled))
    result = run_cli("pricing", "diff", SNAPSHOT, newer, "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = {(c["item"], c["region"]): (c["change"], c["before"], c["after"]) for c in json.loads(result.stdout)}
    assert changes == {
        ("nat_gateway_hours", "us-east-1"): (
            "changed",
            "0.045 USD/Hrs (NatGateway-Hours, verified)",
            "0.05 USD/Hrs (NatGateway-Hours, verified)",
        ),
        ("vpn_connection_hours", "us-east-1"): ("removed", "0.05 USD/Hrs (VPN-Usage-Hours:ipsec.1, verified)", None),
        ("nat_gateway_hours", "ap-northeast-1"): ("added", None, "0.05 USD/Hrs (APN1-NatGateway-Hours, verified)"),
    }
    assert "No price changed." in run_cli("pricing", "diff", newer, newer).stdout
