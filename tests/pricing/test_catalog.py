"""The price catalog: one lookup by item and region (the `*` destination as the fallback), and a missing price an
error naming it and how to supply it."""

from __future__ import annotations

from decimal import Decimal

import pytest

import vpccost
from tests.conftest import SNAPSHOT
from tests.support.catalogs import catalog, entry
from vpccost.errors import InputError, MissingPriceError
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import DATA_TRANSFER_INTER_REGION_BYTES, NAT_GATEWAY_HOURS
from vpccost.pricing.snapshot import Snapshot

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_a_missing_price_is_an_error_naming_it_and_how_to_supply_it() -> None:
    with pytest.raises(MissingPriceError) as raised:
        CATALOG.get("nat_gateway_hours", "ap-northeast-1")
    message = str(raised.value)
    assert "nat_gateway_hours in ap-northeast-1" in message
    assert "--overrides" in message


# ---- a hand-built catalog (prices invented for the test) -------------------------------------------------------
TO_OHIO = entry(DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", (None, "0.01"), to_region="us-east-2")
TO_ANY = entry(DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", (None, "0.02"), to_region="*")
NAT = entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.045"))
NAT_WEST = entry(NAT_GATEWAY_HOURS, "us-west-2", (None, "0.045"))


def test_inter_region_transfer_falls_back_to_the_entry_for_any_other_region() -> None:
    prices = catalog([TO_OHIO, TO_ANY, NAT])
    assert prices.get(DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", "us-east-2") is TO_OHIO  # its own entry first
    assert prices.get(DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", "eu-west-2") is TO_ANY
    with pytest.raises(MissingPriceError):
        prices.get(DATA_TRANSFER_INTER_REGION_BYTES, "us-west-2", "us-east-1")  # no entry from us-west-2 at all


def test_a_price_is_never_borrowed_from_another_region() -> None:
    prices = catalog([NAT])
    assert prices.find(NAT_GATEWAY_HOURS, "us-east-1") is NAT
    assert prices.find(NAT_GATEWAY_HOURS, "us-east-2") is None
    with pytest.raises(MissingPriceError, match="no price for nat_gateway_hours in us-east-2 in snapshot hand"):
        prices.get(NAT_GATEWAY_HOURS, "us-east-2")


def test_entries_by_region_then_item_and_a_duplicate_is_refused() -> None:
    prices = catalog([NAT_WEST, TO_ANY, NAT])
    assert list(prices.entries()) == [TO_ANY, NAT, NAT_WEST]  # us-east-1: data_transfer… before nat…, then us-west-2
    assert list(prices.entries("us-west-2")) == [NAT_WEST]
    assert prices.currency == "USD"
    with pytest.raises(InputError, match="duplicate price entry for"):
        Catalog(Snapshot(date="2026-01-01", entries=[NAT, NAT]), name="twice")
    assert NAT.flat_price_usd == Decimal("0.045")
