"""Break-even volumes between two options, checked by hand (prices: us-east-1 of the bundled snapshot, 730 h)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.conftest import EXAMPLES, SNAPSHOT, run_cli
from vpccost.analyses.breakeven import breakeven, crossing
from vpccost.errors import InputError
from vpccost.pricing.cost_lines import CostLine
from vpccost.units import fraction_text

S3 = EXAMPLES / "s3-access"
HUB = EXAMPLES / "optimizer" / "hub-peering-quota"


def test_nat_against_an_interface_endpoint_for_s3() -> None:
    # ingest keeps its NAT gateways for internet traffic, so NAT costs $0.045/GB and nothing fixed; the endpoint
    # costs 2 AZs × $7.30 = $14.60 + $0.01/GB: they cross at 14.60 / 0.035 = 2920/7 = 417.142857… GB
    result = breakeven(S3 / "traffic.csv", S3 / "topology.yaml", vpc="ingest", service="aws:s3",
                       options=("nat", "interface-endpoint"), pricing=SNAPSHOT)  # fmt: skip
    assert result.breakeven_gb == Fraction(2920, 7)
    assert result.to_dict()["breakeven_gb"] == "417.142857142858"  # rounded up at the 12th decimal
    assert result.cheaper_now == "interface-endpoint"  # 1,215 GB: $54.675 by NAT, $26.75 by the endpoint


def test_tgw_against_peering_for_a_spoke() -> None:
    # one AZ: peering free; the TGW costs 2 attachments × $36.50 + $0.02/GB: peering is cheaper at any volume
    result = breakeven(HUB / "traffic.csv", HUB / "topology.yaml", pair=("spoke-a", "hub"),
                       options=("transit-gateway", "peering"), pricing=SNAPSHOT)  # fmt: skip
    assert result.breakeven_gb is None
    assert result.to_dict()["options"][0]["fixed_usd"] == "73.00"


def test_lines_crossing_inside_a_tier() -> None:
    # a = 10 + 0.05 g; b = 0.06 g up to 100 GB ($6 there), then 6 + 0.20 (g − 100). Below 100 GB a stays above b
    # (at 100 GB: $15 against $6); above, 6 + 0.2 (g − 100) = 10 + 0.05 g gives 0.15 g = 24, g = 160 GB.
    first = CostLine("a", Fraction(10), ((Fraction(0), None, Fraction(5, 100)),))
    second = CostLine("b", Fraction(0), ((Fraction(0), Fraction(100), Fraction(6, 100)),
                                         (Fraction(100), None, Fraction(20, 100))))  # fmt: skip
    assert crossing(first, second) == Fraction(160)
    assert fraction_text(Fraction(1, 3)) == "0.333333333334"  # does not terminate: rounded up at the 12th decimal


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="two different options"):
        breakeven(S3 / "traffic.csv", S3 / "topology.yaml", vpc="ingest", service="aws:s3", options=("nat", "nat"))
    result = run_cli("breakeven", S3 / "traffic.csv", "--topology", S3 / "topology.yaml", "--vpc", "ingest",
                     "--service", "aws:sqs", "--options", "nat,interface-endpoint")  # fmt: skip
    assert result.exit_code == 2
