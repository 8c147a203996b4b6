"""The recommendation in words: the headline and why the winner wins, from line items written by hand (the
figures in each test add up on paper)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.comparisons import comparison, line
from vpccost.outputs.explain import differences, headline, why
from vpccost.results import DesignResult, Optimum


def design(name: str, *lines: tuple[str, str, str]) -> DesignResult:
    """A design with one hourly line per (component, resource, cost)."""
    items = [line(name, cost, component=component, resource=resource) for component, resource, cost in lines]
    return DesignResult(name, items, [], [], [], [])


# peering: two NAT gateways ($32.85 each) and $4.00 of transfer; tgw: one attachment per VPC ($36.50 × 2) and
# $2.00 of processing, no NAT gateway. peering = $69.70, transit-gateway = $75.00
PEERING = design(
    "peering",
    ("NAT gateway", "vpc-a/nat", "32.85"),
    ("NAT gateway", "vpc-b/nat", "32.85"),
    ("Transfer", "vpc-a", "4.00"),
)
TGW = design(
    "transit-gateway", ("TGW attachment", "tgw/vpc-a", "36.50"), ("TGW attachment", "tgw/vpc-b", "36.50"),
    ("Transfer", "vpc-a", "2.00"),
)  # fmt: skip


def test_the_reason_names_the_charges_that_decide_it_against_the_runner_up() -> None:
    # peering wins by $75.00 − $69.70 = $5.30: it pays no TGW attachments ($73.00 less, 2 fewer), and pays for
    # the two NAT gateways ($65.70 more, 2 more) and $2.00 more transfer ($4.00 against $2.00)
    compared = comparison(TGW, PEERING)
    assert why(compared) == (
        "peering wins by $5.30/month against transit-gateway: it pays $73.00 less for TGW attachment on 2 fewer "
        "resources, and pays $65.70 more for NAT gateway on 2 more resources and $2.00 more for Transfer."
    )
    found = {difference.component: difference.saving_usd for difference in differences(PEERING, TGW)}
    assert found == {"TGW attachment": Decimal("73.00"), "NAT gateway": Decimal("-65.70"), "Transfer": Decimal("-2.00")}
    assert sum(found.values()) == Decimal("5.30")  # the differences add up to the margin


def test_a_tie_a_lone_design_and_none_are_said_plainly() -> None:
    twin = replace(
        PEERING, design="sharing", line_items=[item._replace(design="sharing") for item in PEERING.line_items]
    )
    assert why(comparison(PEERING, twin)) == "peering and sharing cost the same, $69.70/month."
    assert headline(comparison(PEERING, twin)).startswith("Cheapest designs, tied: peering and sharing at $69.70/month")
    assert why(comparison(PEERING, twin, TGW)).startswith(
        "peering and sharing cost the same, $69.70/month; peering wins by $5.30/month against transit-gateway: it "
        "pays $73.00 less for TGW attachment"
    )
    assert why(comparison(PEERING)) == "peering is the only design that is priced and feasible."
    blocked = replace(PEERING, problems=["overlapping CIDRs"])
    assert why(comparison(blocked)) == "No design is both priced and feasible."
    assert why(comparison(TGW, PEERING, hours="24")).startswith("peering wins by $5.30 over 24 h against")


def test_the_headline_says_what_the_optimizer_saves_or_that_the_design_is_optimal() -> None:
    compared = comparison(TGW, PEERING)
    assert headline(compared) == (
        "Cheapest design: peering at $69.70/month; run vpccost optimize to look for a cheaper mix of options."
    )
    cheaper = replace(compared, optimum=Optimum(Decimal("40.10"), True, 0.0))
    assert headline(cheaper) == (
        "Cheapest design: peering at $69.70/month; a mix of options (vpccost optimize) costs $40.10, $29.60 less."
    )
    same = replace(compared, optimum=Optimum(Decimal("69.70"), True, 0.0))
    assert headline(same) == "Cheapest design: peering at $69.70/month: already optimal, no mix of options costs less."


def test_compare_checks_its_headline_against_the_optimizer_on_the_examples() -> None:
    # multi-account: with every design reaching AWS services the cheapest way, sharing ($760.73) is what optimize
    # finds; s3-access: every design takes the S3 gateway endpoint and costs $74.17, the optimum too
    for name, design_name, total in (("multi-account", "sharing", "760.73"), ("s3-access", "nat", "74.17")):
        found = vpccost.compare(EXAMPLES / name / "traffic.csv", EXAMPLES / name / "topology.yaml", pricing=SNAPSHOT)
        assert found.cheapest is not None and found.optimum is not None
        assert (found.cheapest.design, round(found.cheapest.total_usd or 0, 2)) == (design_name, Decimal(total))
        assert round(found.optimum.total_usd, 2) == Decimal(total) and found.optimum.optimal
        assert headline(found).endswith("already optimal, no mix of options costs less.")
        skipped = vpccost.compare(
            EXAMPLES / name / "traffic.csv", EXAMPLES / name / "topology.yaml", pricing=SNAPSHOT, optimize=False
        )
        assert skipped.optimum is None
