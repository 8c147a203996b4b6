"""What changed between two snapshots, entry by entry (prices invented for the test)."""

from __future__ import annotations

from tests.support.catalogs import catalog, entry
from vpccost.pricing.diff import PriceChange, diff_catalogs
from vpccost.pricing.items import NAT_GATEWAY_BYTES, NAT_GATEWAY_HOURS, VPC_ENDPOINT_BYTES

HOURS = entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.045"))
BYTES = entry(NAT_GATEWAY_BYTES, "us-east-1", (None, "0.045"))
ENDPOINT = entry(VPC_ENDPOINT_BYTES, "us-east-1", ("1048576", "0.01"), (None, "0.006"))


def test_added_removed_and_changed_entries_by_region_then_item() -> None:
    old = catalog([HOURS, BYTES, ENDPOINT])
    new = catalog([
        HOURS.model_copy(update={"tiers": entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.05")).tiers}),
        ENDPOINT,
        entry(NAT_GATEWAY_HOURS, "eu-west-2", (None, "0.05")),
    ])  # fmt: skip
    assert diff_catalogs(old, new) == [
        PriceChange(NAT_GATEWAY_HOURS, "eu-west-2", None, "added", None, "0.05 USD/Hrs (NatGateway-Hours, unverified)"),
        PriceChange(NAT_GATEWAY_BYTES, "us-east-1", None, "removed", "0.045 USD/GB (NatGateway-Bytes, unverified)",
                    None),
        PriceChange(NAT_GATEWAY_HOURS, "us-east-1", None, "changed", "0.045 USD/Hrs (NatGateway-Hours, unverified)",
                    "0.05 USD/Hrs (NatGateway-Hours, unverified)"),
    ]  # fmt: skip


def test_tier_bounds_and_the_verified_flag_are_changes_too() -> None:
    verified = catalog([ENDPOINT.model_copy(update={"verified": True})])
    (change,) = diff_catalogs(catalog([ENDPOINT]), verified)
    assert change.before == "0.01 to 1048576 / 0.006 USD/GB (VpcEndpoint-Bytes, unverified)"
    assert change.after == "0.01 to 1048576 / 0.006 USD/GB (VpcEndpoint-Bytes, verified)"
    assert change.label == "vpc_endpoint_bytes in us-east-1"


def test_the_same_prices_change_nothing() -> None:
    assert diff_catalogs(catalog([HOURS, ENDPOINT]), catalog([ENDPOINT, HOURS])) == []
