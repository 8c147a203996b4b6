"""Overrides: the seeds' assumptions, a negotiated discount, an added price, and the errors that name the file and
field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from tests.support.catalogs import catalog, entry
from vpccost.errors import InputError
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import (
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    NAT_GATEWAY_HOURS,
    VPN_CONNECTION_HOURS,
)
from vpccost.pricing.overrides import Override, with_overrides
from vpccost.pricing.snapshot import Tier


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


def test_an_unknown_key_in_an_overrides_file_is_named_with_the_allowed_ones(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("overrides:\n  - item: nat_gateway_hours\n    regoin: us-east-1\n    price_usd: '0.05'\n")
    with pytest.raises(vpccost.InputError) as raised:
        vpccost.load_pricing(SNAPSHOT, overrides=overrides)
    assert (raised.value.line, raised.value.field) == (3, "overrides[0].regoin")
    assert raised.value.message == (
        "unknown key 'regoin'; allowed: item, price_usd, region, scale, service_code, source, tiers, to_region, unit, "
        "usage_type (did you mean 'region'?)"
    )
    overrides.write_text("- item: nat_gateway_hours\n")
    with pytest.raises(vpccost.InputError, match="the overrides file must be a mapping with an 'overrides' list"):
        vpccost.load_pricing(SNAPSHOT, overrides=overrides)


def test_scaling_a_price_the_snapshot_lacks_is_bad_input(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "overrides:\n  - item: data_transfer_internet_out_bytes\n    region: eu-west-2\n    scale: '0.5'\n"
    )
    with pytest.raises(vpccost.InputError, match="does not price"):
        vpccost.load_pricing(SNAPSHOT, overrides=overrides)


# ---- overrides applied to a hand-built catalog (prices invented for the test) ------------------------------------
EGRESS = entry(DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", ("10240", "0.09"), (None, "0.085"))
REGIONAL = entry(DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", (None, "0.01"))
REGIONAL_WEST = entry(DATA_TRANSFER_REGIONAL_BYTES, "us-west-2", (None, "0.01"))
NAT = entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.045"))
PRICES = catalog([EGRESS, REGIONAL, REGIONAL_WEST, NAT])


def prices_of(changed: Catalog) -> dict[tuple[str, str], list[Decimal]]:
    return {(e.item, e.region): [tier.price_usd for tier in e.tiers] for e in changed.entries()}


def test_a_scale_multiplies_every_tier_of_every_matching_price() -> None:
    # 12 % off data transfer everywhere: $0.09 × 0.88 = $0.0792, $0.085 × 0.88 = $0.0748, $0.01 × 0.88 = $0.0088
    changed = with_overrides(PRICES, [Override(item="data_transfer_*", scale=Decimal("0.88"))], source="deal.yaml")
    assert prices_of(changed) == {
        (DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1"): [Decimal("0.0792"), Decimal("0.0748")],
        (DATA_TRANSFER_REGIONAL_BYTES, "us-east-1"): [Decimal("0.0088")],
        (DATA_TRANSFER_REGIONAL_BYTES, "us-west-2"): [Decimal("0.0088")],
        (NAT_GATEWAY_HOURS, "us-east-1"): [Decimal("0.045")],
    }
    scaled = changed.get(DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1")
    assert (scaled.evidence, scaled.verified, scaled.source) == ("override", False, "overrides file deal.yaml")
    assert scaled.note == "overridden (was 0.09 / 0.085; written by hand for a test)"
    assert changed.name == "hand + deal.yaml" and changed.overrides_source == "deal.yaml"
    assert PRICES.get(NAT_GATEWAY_HOURS, "us-east-1") is NAT  # the original catalog is left as it was


def test_a_price_or_tiers_set_in_one_region_and_later_overrides_win() -> None:
    tiers = (Tier(begin=Decimal(0), end=Decimal(100), price_usd=Decimal("0.02")),
             Tier(begin=Decimal(100), end=None, price_usd=Decimal("0.01")))  # fmt: skip
    changed = with_overrides(
        PRICES,
        [
            Override(item=DATA_TRANSFER_REGIONAL_BYTES, region="us-west-2", price_usd=Decimal("0.005")),
            Override(item=NAT_GATEWAY_HOURS, price_usd=Decimal("0.05"), source="rate card"),
            Override(item=NAT_GATEWAY_HOURS, tiers=tiers),
        ],
        source="o.yaml",
    )
    assert prices_of(changed)[(DATA_TRANSFER_REGIONAL_BYTES, "us-west-2")] == [Decimal("0.005")]
    assert prices_of(changed)[(DATA_TRANSFER_REGIONAL_BYTES, "us-east-1")] == [Decimal("0.01")]
    assert prices_of(changed)[(NAT_GATEWAY_HOURS, "us-east-1")] == [Decimal("0.02"), Decimal("0.01")]


def test_a_price_the_snapshot_lacks_is_added_from_its_sibling_in_another_region() -> None:
    added = with_overrides(
        PRICES,
        [Override(item=NAT_GATEWAY_HOURS, region="eu-west-2", usage_type="EUW2-NatGateway-Hours",
                  price_usd=Decimal("0.05"))],
        source="o.yaml",
    ).get(NAT_GATEWAY_HOURS, "eu-west-2")  # fmt: skip
    assert (added.usage_type, added.service_code, added.unit, added.flat_price_usd, added.note) == (
        "EUW2-NatGateway-Hours", "AmazonEC2", "Hrs", Decimal("0.05"), "added by overrides file",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            Override(item=VPN_CONNECTION_HOURS, region="*", usage_type="VPN-Usage-Hours:ipsec.1",
                     service_code="AmazonVPC", unit="Hrs", price_usd=Decimal("0.05")),
            "to add a price, name one item and one region",
        ),
        (Override(item=NAT_GATEWAY_HOURS, region="eu-west-2", price_usd=Decimal(1)), "add usage_type"),
    ],
    ids=["every-region", "no-usage-type"],
)  # fmt: skip
def test_an_override_that_cannot_add_a_price_says_what_it_needs(override: Override, message: str) -> None:
    with pytest.raises(InputError, match=message):
        with_overrides(PRICES, [override], source="o.yaml")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"item": "nat_gateway_hour", "region": "eu-west-2"}, "overrides[0].item",
         "override 1: unknown item 'nat_gateway_hour' (did you mean 'nat_gateway_hours'?)"),
        ({"item": "firewall_endpoint_hours", "region": "us-east-1", "service_code": "AWSNetworkFirewall",
          "unit": "Hrs"}, "overrides[0].item",
         "override 1: unknown item 'firewall_endpoint_hours' (did you mean 'gwlb_endpoint_hours'?)"),
        ({"item": NAT_GATEWAY_HOURS, "region": "eu-westt-2"}, "overrides[0].region",
         "override 1: 'eu-westt-2' is not an AWS region (did you mean 'eu-west-2'?)"),
        ({"item": DATA_TRANSFER_REGIONAL_BYTES, "region": "us-east-1", "to_region": "us-wset-2"},
         "overrides[0].to_region", "override 1: 'us-wset-2' is not an AWS region (did you mean 'us-west-2'?)"),
    ],
    ids=["misspelt-item", "unregistered-item", "misspelt-region", "misspelt-to-region"],
)  # fmt: skip
def test_a_misspelt_item_or_region_is_told_so_not_to_add_a_usage_type(
    fields: dict[str, str], field: str, message: str
) -> None:
    override = Override.model_validate({**fields, "usage_type": "X", "price_usd": "1"})
    with pytest.raises(InputError) as raised:
        with_overrides(PRICES, [override], source="o.yaml")
    assert (raised.value.message, raised.value.field, raised.value.source) == (message, field, "o.yaml")
    scaled = Override.model_validate({**fields, "scale": "0.5"})
    with pytest.raises(InputError) as raised:
        with_overrides(PRICES, [scaled], source="o.yaml")
    assert raised.value.message == message


def test_a_glob_that_matches_nothing_is_told_to_name_one_item() -> None:
    with pytest.raises(InputError) as raised:
        with_overrides(PRICES, [Override(item="nat_*", region="eu-west-2", price_usd=Decimal(1))], source="o.yaml")
    assert "to add a price, name one item and one region" in str(raised.value)


def test_a_registered_item_the_snapshot_lacks_is_added_with_the_registry_service_code_and_unit() -> None:
    # VPN connections are in the item registry (AmazonVPC, Hrs) but no bundled snapshot prices them.
    override = Override(
        item=VPN_CONNECTION_HOURS, region="us-east-1", usage_type="VPN-Usage-Hours:ipsec.1", price_usd=Decimal("0.05")
    )
    added = with_overrides(PRICES, [override], source="o.yaml").get(VPN_CONNECTION_HOURS, "us-east-1")
    assert (added.service_code, added.unit, added.usage_type) == ("AmazonVPC", "Hrs", "VPN-Usage-Hours:ipsec.1")
    assert added.tiers[0].price_usd == Decimal("0.05") and added.verified is False


@pytest.mark.parametrize(
    "fields",
    [{}, {"price_usd": "1", "scale": "0.5"}, {"scale": "-0.5"}, {"price_usd": "-1"}],
    ids=["no-change", "two-changes", "negative-scale", "negative-price"],
)
def test_an_override_makes_exactly_one_change_and_never_a_negative_one(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Override.model_validate({"item": NAT_GATEWAY_HOURS, **fields})


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        # 0-100 then 95-: the 5 GB from 95 to 100 would be billed twice (105 GB for 100)
        ([{"begin": "0", "end": "100", "price_usd": "0.09"}, {"begin": "95", "end": None, "price_usd": "0.05"}],
         "tier 1 begins at 95, expected 100"),
        ([{"begin": "0", "end": "100", "price_usd": "0.09"}, {"begin": "120", "end": None, "price_usd": "0.05"}],
         "tier 1 begins at 120, expected 100"),
        ([{"begin": "0", "end": "100", "price_usd": "0.09"}], "the last tier must have no end"),
        ([], "tiers must list at least one tier"),
    ],
    ids=["overlap", "gap", "bounded", "none"],
)  # fmt: skip
def test_override_tiers_are_checked_like_the_snapshots(tiers: list[dict[str, str | None]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Override.model_validate({"item": "data_transfer_internet_out_bytes", "region": "us-east-1", "tiers": tiers})
