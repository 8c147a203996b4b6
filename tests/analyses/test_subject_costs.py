"""What an option would charge each subject, priced against a two-entry catalog written in the test (the prices are
invented; tests/support/catalogs.py): per-GB charges at flat prices, the volume through tiered prices, the fixed
resources each subject needs, and the first price a subject is missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import vpc
from tests.support.catalogs import catalog, entry
from tests.support.estates import context, estate
from vpccost.analyses.subject_costs import Prices, subject_costs
from vpccost.errors import MissingPriceError
from vpccost.options import gateway_endpoint, interface_endpoint, own_nat, subjects
from vpccost.options.base import Context
from vpccost.pricing.items import (
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
    VPC_ENDPOINT_BYTES,
    VPC_ENDPOINT_HOURS,
)

# a (two AZs) sends 10 GB to SQS, b (one AZ) 4 GB: two (VPC, service) subjects, a's first
ROWS = [{"src": "a", "dst": "aws:sqs", "gb": "10"}, {"src": "b", "dst": "aws:sqs", "gb": "4"}]


def services() -> tuple[Context, subjects.Subjects]:
    ctx = context(estate([vpc("a", azs=["use1-az1", "use1-az2"]), vpc("b")], ROWS))
    return ctx, subjects.services(ctx)


def test_flat_per_gb_charges_at_each_subjects_volume_and_a_missing_fixed_price() -> None:
    # NAT processing $0.045/GB: a 10 × 0.045 = $0.45, b 4 × 0.045 = $0.18. The gateways' public IPv4 addresses have
    # no price in this catalog: each subject's first missing price
    ctx, found = services()
    prices = Prices(ctx, catalog([entry(NAT_GATEWAY_BYTES, "us-east-1", (None, "0.045")),
                                  entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.045"))]))  # fmt: skip
    costs = subject_costs(prices, found, own_nat.OPTION)
    assert [units * ctx.estate.gb_per_unit for units in costs.units] == [Decimal(10), Decimal(4)]
    assert list(costs.per_gb_usd) == [Decimal("0.450"), Decimal("0.180")]
    assert costs.tiered_units == {}
    assert costs.needs == [[("nat-gateway", 0)], [("nat-gateway", 1)]]
    missing = MissingPriceError(PUBLIC_IPV4_IN_USE_HOURS, "us-east-1", None, "hand")
    assert [str(error) for error in costs.missing] == [str(missing)] * 2
    with pytest.raises(MissingPriceError):
        prices.fixed_usd(costs.resources[("nat-gateway", 0)])


def test_floats_when_asked_for() -> None:
    ctx, found = services()
    prices = Prices(ctx, catalog([entry(NAT_GATEWAY_BYTES, "us-east-1", (None, "0.045"))]))
    costs = subject_costs(prices, found, own_nat.OPTION, exact=False)
    assert costs.per_gb_usd.tolist() == pytest.approx([0.45, 0.18])


def test_a_tiered_price_gives_each_subjects_volume_through_it_and_the_endpoints_cost_once_each() -> None:
    # endpoint processing is tiered (its tiers span the region's total): each subject's volume through it instead
    # of a price. a's endpoint in 2 AZs: 2 × 730 h × $0.01 = $14.60; b's in 1 AZ: $7.30
    ctx, found = services()
    prices = Prices(ctx, catalog([entry(VPC_ENDPOINT_BYTES, "us-east-1", ("1048576", "0.01"), (None, "0.006")),
                                  entry(VPC_ENDPOINT_HOURS, "us-east-1", (None, "0.01"))]))  # fmt: skip
    costs = subject_costs(prices, found, interface_endpoint.OPTION)
    assert list(costs.per_gb_usd) == [0, 0]
    assert {
        key: [units * ctx.estate.gb_per_unit for units in values] for key, values in costs.tiered_units.items()
    } == {
        (VPC_ENDPOINT_BYTES, 0): [Decimal(10), Decimal(4)]  # region code 0: us-east-1
    }
    a, b = ("interface-endpoint", 0, "service", "sqs"), ("interface-endpoint", 1, "service", "sqs")
    assert costs.needs == [[a], [b]]
    assert [prices.fixed_usd(costs.resources[key]) for key in (a, b)] == [Decimal("14.60"), Decimal("7.30")]
    assert costs.missing == [None, None]


def test_a_missing_per_gb_price_is_the_subjects_missing_price() -> None:
    ctx, found = services()
    costs = subject_costs(Prices(ctx, catalog([entry(VPC_ENDPOINT_HOURS, "us-east-1", (None, "0.01"))])), found,
                          interface_endpoint.OPTION)  # fmt: skip
    assert [error.item if error else None for error in costs.missing] == [VPC_ENDPOINT_BYTES, VPC_ENDPOINT_BYTES]


def test_the_subjects_the_option_refuses_are_named() -> None:
    ctx, found = services()
    costs = subject_costs(Prices(ctx, catalog([])), found, gateway_endpoint.OPTION)
    assert sorted(costs.blocked) == [0, 1]  # SQS has no gateway endpoint
    assert costs.needs == [[], []] and list(costs.per_gb_usd) == [0, 0]
