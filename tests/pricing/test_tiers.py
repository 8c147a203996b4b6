"""Tiers: bounds from the price data, scaled by the period, and the tiered cost monotonic and continuous."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

import vpccost
from tests.conftest import SNAPSHOT
from tests.support.catalogs import entry
from vpccost.pricing.items import DATA_TRANSFER_INTERNET_OUT_BYTES, NAT_GATEWAY_HOURS, VPC_LATTICE_REQUESTS
from vpccost.pricing.tiers import TierCharge, describe_tiers, split_into_tiers, tier_scale, tiered_cost_usd

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_tier_bounds_come_from_the_price_data() -> None:
    # interface endpoint processing tiers are 0–1,048,576–5,242,880 GB in the Price List (SKU DQYYEZBCWSW5XS2R)
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


EGRESS = CATALOG.get("data_transfer_internet_out_bytes", "us-east-1")
BOUNDS = [tier.end for tier in EGRESS.tiers if tier.end is not None]
TOP_RATE = max(tier.price_usd for tier in EGRESS.tiers)


def egress_cost(gb: Decimal) -> Decimal:
    return sum((c.quantity * c.price_usd for c in split_into_tiers(EGRESS, gb, Decimal(730))), Decimal(0))


@given(
    st.decimals(0, 300_000, places=3, allow_nan=False, allow_infinity=False),
    st.decimals(0, 300_000, places=3, allow_nan=False, allow_infinity=False),
)
def test_tiered_cost_is_monotonic(first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    assert egress_cost(low) <= egress_cost(high)


@given(st.sampled_from(BOUNDS), st.decimals(Decimal("0.001"), 5, places=3, allow_nan=False, allow_infinity=False))
def test_tiered_cost_is_continuous_at_tier_boundaries(bound: Decimal, step: Decimal) -> None:
    at = egress_cost(bound)
    assert 0 <= at - egress_cost(bound - step) <= step * TOP_RATE
    assert 0 <= egress_cost(bound + step) - at <= step * TOP_RATE


def test_e4_vpc_lattice_example_1() -> None:
    # E4, AWS VPC Lattice pricing, example 1: us-east-1, 100 services, 100 GB/month each, 200,000 requests per
    # hour each, 730 h: $1,825.00 service-hours + $250.00 data processing + $0 requests = $2,075.00.
    catalog = vpccost.load_pricing(SNAPSHOT)
    service_hours = tiered_cost_usd(catalog.get("vpc_lattice_service_hours", "us-east-1"), Decimal(100 * 730))
    data = tiered_cost_usd(catalog.get("vpc_lattice_bytes", "us-east-1"), Decimal(100 * 100))
    # the first 300,000 requests per hour of a service are free: 200,000/h for 730 h stays inside that tier
    requests_per_service = tiered_cost_usd(catalog.get("vpc_lattice_requests", "us-east-1"), Decimal(200_000 * 730))
    assert service_hours == Decimal("1825.00")
    assert data == Decimal("250.00")
    assert requests_per_service == 0
    assert service_hours + data + 100 * requests_per_service == Decimal("2075.00")


# ---- hand-built entries (the bounds are AWS's internet egress tiers; the prices rounded) ------------------------
EGRESS = entry(DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", ("10240", "0.09"), ("51200", "0.085"), (None, "0.07"))


def test_tiers_are_named_first_next_over() -> None:
    # 60,000 GB: the first 10,240; the next 40,960 (to 51,200); 8,800 over
    assert split_into_tiers(EGRESS, Decimal(60_000), Decimal(730)) == [
        TierCharge("first 10240 GB/month", Decimal(10240), Decimal("0.09")),
        TierCharge("next 40960 GB/month", Decimal(40960), Decimal("0.085")),
        TierCharge("over 51200 GB/month", Decimal(8800), Decimal("0.07")),
    ]
    # $921.60 + $3,481.60 + $616.00
    assert tiered_cost_usd(EGRESS, Decimal(60_000)) == Decimal("5019.20")
    assert describe_tiers(EGRESS.tiers) == "0.09 / 0.085 / 0.07"


def test_an_untiered_price_is_one_charge_and_zero_is_a_charge_of_zero() -> None:
    flat = entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.045"))
    assert split_into_tiers(flat, Decimal(730), Decimal(730)) == [TierCharge(None, Decimal(730), Decimal("0.045"))]
    assert split_into_tiers(EGRESS, Decimal(0), Decimal(730)) == [
        TierCharge("first 10240 GB/month", Decimal(0), Decimal("0.09"))
    ]


def test_monthly_bounds_scale_by_hours_over_730_rounded_to_1e_12() -> None:
    assert tier_scale(EGRESS, Decimal(365)) == Decimal("0.5")
    assert tier_scale(EGRESS, Decimal(1460)) == Decimal(2)
    assert tier_scale(EGRESS, Decimal(1000)) == Decimal("1.369863013699")  # 1000 / 730 = 1.36986301369863…


def test_hourly_bounds_scale_by_the_hours_of_the_period() -> None:
    # VPC Lattice: the first 300,000 requests of every hour are free (https://aws.amazon.com/vpc/lattice/pricing/);
    # over 2 hours, 600,000
    requests = entry(VPC_LATTICE_REQUESTS, "us-east-1", ("300000", "0"), (None, "0.0000001"), tier_period="hour")
    assert split_into_tiers(requests, Decimal(700_000), Decimal(2)) == [
        TierCharge("first 300000 Requests/hour", Decimal(600_000), Decimal(0)),
        TierCharge("over 300000 Requests/hour", Decimal(100_000), Decimal("0.0000001")),
    ]
    assert tiered_cost_usd(requests, Decimal(700_000), Decimal(2)) == Decimal("0.01")
