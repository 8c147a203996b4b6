"""The price catalog: a missing price is an error naming it and how to supply it."""

from __future__ import annotations

import pytest

import vpccost
from tests.conftest import SNAPSHOT
from vpccost.errors import MissingPriceError

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_a_missing_price_is_an_error_naming_it_and_how_to_supply_it() -> None:
    with pytest.raises(MissingPriceError) as raised:
        CATALOG.get("nat_gateway_hours", "ap-northeast-1")
    message = str(raised.value)
    assert "nat_gateway_hours in ap-northeast-1" in message
    assert "--overrides" in message
