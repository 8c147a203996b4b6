"""The service-access comparison: NAT against gateway and interface endpoints per (VPC, service), with the
break-even volume, each figure checked by hand (us-east-1 prices of the bundled snapshot, 730 h)."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from vpccost.analyses.service_access import _breakeven_gb
from vpccost.pricing.cost_lines import LineParts


def test_service_access_break_even(write_estate: WriteEstate) -> None:
    # VPC in 2 AZs calling SQS, and also the internet (so it keeps a NAT gateway anyway).
    # Interface endpoint: 2 AZ × 730 h × $0.01 = $14.60 a month, $0.01/GB; NAT: $0.045/GB.
    # Break-even: 14.60 / (0.045 - 0.01) = 417.142857… GB, rounded up to 417.15 GB.
    # At 1,000 GB: NAT $45.00; endpoint $14.60 + $10.00 = $24.60.
    traffic, topology = write_estate(
        [vpc("app", azs=["use1-az1", "use1-az2"])], "src,dst,gb\napp,aws:sqs,1000\napp,internet,1"
    )
    (row,) = vpccost.compare(traffic, topology, pricing=SNAPSHOT).service_access
    assert (row.service, row.gb, row.nat_usd, row.interface_endpoint_usd) == (
        "sqs", Decimal(1000), Decimal("45.00"), Decimal("24.60"),
    )  # fmt: skip
    assert row.gateway_endpoint_usd is None
    assert row.breakeven_gb == Decimal("417.15")
    assert row.cheapest == "interface_endpoint"


def test_service_access_counts_nat_hours_when_nothing_else_needs_nat(write_estate: WriteEstate) -> None:
    # S3 is the only NAT traffic of a 1-AZ VPC: NAT 730 × ($0.045 + $0.005 IPv4) = $36.50 + 10 GB × $0.045
    # = $36.95; the gateway endpoint is free; an interface endpoint costs $7.30 + $0.10 = $7.40.
    traffic, topology = write_estate([vpc("app")], "src,dst,gb\napp,aws:s3,10")
    (row,) = vpccost.compare(traffic, topology, pricing=SNAPSHOT).service_access
    assert (row.nat_usd, row.gateway_endpoint_usd, row.interface_endpoint_usd) == (
        Decimal("36.95"), Decimal(0), Decimal("7.40"),
    )  # fmt: skip
    assert row.cheapest == "gateway_endpoint"
    assert row.breakeven_gb == 0


def test_break_even_in_fractions_when_a_rate_does_not_terminate_and_once_per_shape() -> None:
    # an endpoint line $7.30 + $0.01/GB against a NAT line of $0.10 over 3 GB ($1/30 per GB, no finite decimal):
    # 7.30 / (1/30 - 1/100) = 7.30 × 300 / 7 = 312.857142… GB, rounded up to 312.86 GB. Against $0.135 over
    # 3 GB ($0.045/GB): 7.30 / 0.035 = 208.571428… GB → 208.58 GB, in decimals. A second subject of the same
    # shapes (6 GB, $0.20) reads the first answer: the cache holds one entry per pair of shapes.
    hours = Decimal(730)
    endpoint = LineParts("interface_endpoint", Decimal("7.30"), Decimal(3), Decimal("0.03"), (), hours)
    known: dict[Hashable, Decimal | None] = {}
    nat = LineParts("nat", Decimal(0), Decimal(3), Decimal("0.10"), (), hours)
    assert _breakeven_gb(endpoint, nat, known) == Decimal("312.86")
    assert _breakeven_gb(endpoint, nat._replace(flat_usd=Decimal("0.135")), known) == Decimal("208.58")
    twice = endpoint._replace(gb=Decimal(6), flat_usd=Decimal("0.06"))
    assert _breakeven_gb(twice, nat._replace(gb=Decimal(6), flat_usd=Decimal("0.20")), known) == Decimal("312.86")
    assert len(known) == 2
