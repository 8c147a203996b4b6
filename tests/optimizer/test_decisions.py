"""The optimizer's decisions and their reasons: the subject's volume, what each allowed choice would charge it alone,
what was chosen and why a cheaper choice was not. Prices: us-east-1 of the pinned snapshot, 730 h:
TGW attachment $0.05/h = $36.50/month, $0.02/GB; NAT gateway $0.045/h and its IPv4 address $0.005/h = $36.50/month,
$0.045/GB; interface endpoint $0.01 per AZ-hour = $7.30/month, $0.01/GB; peering within one AZ free."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np

from tests.conftest import SNAPSHOT, vpc
from tests.support.estates import estate
from vpccost.model.usage import Settings
from vpccost.optimizer.decisions import pair_decisions, service_decisions
from vpccost.optimizer.model import Model
from vpccost.optimizer.solver import solve
from vpccost.pricing.load import load_pricing
from vpccost.results import PairDecision, ServiceDecision

CATALOG = load_pricing(SNAPSHOT)


def decide(vpcs: list[dict[str, Any]], rows: list[dict[str, str]], allow: set[str], **settings: Any) -> Decided:
    """The model of the estate, solved."""
    model = Model(estate(vpcs, rows), CATALOG, Settings(**settings), frozenset(allow), None)
    return Decided(model, solve(model.milp, None, model.quota_cuts if model.cut_rows else None).x)


class Decided(NamedTuple):
    model: Model
    x: np.ndarray

    def pairs(self) -> list[PairDecision]:
        return pair_decisions(self.model, self.x, self.model.mix(self.x))

    def services(self) -> list[ServiceDecision]:
        return service_decisions(self.model, self.x, self.model.mix(self.x))


def test_a_pair_names_its_volume_each_choices_own_charges_and_the_choice() -> None:
    # one AZ: peering free; the TGW 2 attachments × $36.50 + 10 GB × $0.02 = $73.20
    model = decide([vpc("a"), vpc("b")], [{"src": "a", "dst": "b", "gb": "10"}], {"peering", "transit-gateway"})
    (decision,) = model.pairs()
    assert (decision.vpcs, decision.option, decision.gb) == (("a", "b"), "peering", Decimal(10))
    assert decision.reason == (
        "a ↔ b: 10 GB; this pair's own charges: peering $0.00; transit-gateway $73.20; chose peering"
    )


def test_a_cheaper_choice_refused_by_the_peering_quota_says_so() -> None:
    # with one peering allowed per VPC, the hub peers its bigger spoke and sends the other's 100 GB through the TGW.
    # That pair's own charges: its spoke's attachment $36.50 + 100 GB × $0.02 = $38.50 (the hub's attachment would be
    # shared with the other pair's TGW choice, so it is not the pair's own)
    rows = [{"src": "hub", "dst": "s1", "gb": "100"}, {"src": "hub", "dst": "s2", "gb": "200"}]
    model = decide([vpc("hub"), vpc("s1"), vpc("s2")], rows, {"peering", "transit-gateway"}, peering_quota=1)
    by_pair = {decision.vpcs: decision for decision in model.pairs()}
    assert by_pair[("hub", "s2")].option == "peering"
    assert by_pair[("hub", "s1")].reason == (
        "hub ↔ s1: 100 GB; this pair's own charges: peering $0.00; transit-gateway $38.50; chose transit-gateway "
        "(peering is cheaper alone, but hub already has 1 peerings (the quota))"
    )


def test_a_pair_no_allowed_option_can_route_is_named() -> None:
    vpcs = [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.0.0.0/16"])]
    model = decide(vpcs, [{"src": "a", "dst": "b", "gb": "10"}], {"peering"})
    (decision,) = model.pairs()
    assert decision.option is None
    assert decision.reason == "a ↔ b: 10 GB; no allowed option can route this pair (overlapping CIDRs or --allow)"


def test_a_service_call_names_each_ways_own_charges() -> None:
    # S3 from a one-AZ VPC with nothing else to send: NAT 730 h × ($0.045 + $0.005) + 10 GB × $0.045 = $36.95; the
    # gateway endpoint is free; an interface endpoint $7.30 + 10 GB × $0.01 = $7.40
    model = decide([vpc("a")], [{"src": "a", "dst": "aws:s3", "gb": "10"}], {"endpoints", "nat"})
    (decision,) = model.services()
    assert (decision.vpc, decision.service, decision.option) == ("a", "aws:s3", "gateway-endpoint")
    assert decision.reason == (
        "a → aws:s3: 10 GB; own charges: nat $36.95; gateway-endpoint $0.00; interface-endpoint $7.40; "
        "chose gateway-endpoint"
    )


def test_nat_chosen_for_a_vpc_whose_gateways_stay_for_its_internet_traffic() -> None:
    # only NAT is allowed, and a's internet traffic needs its NAT gateways anyway: the call's own charge is its
    # processing, 10 GB × $0.045 = $0.45
    rows = [{"src": "a", "dst": "aws:s3", "gb": "10"}, {"src": "a", "dst": "internet", "gb": "1"}]
    (decision,) = decide([vpc("a")], rows, {"nat"}).services()
    assert decision.reason == (
        "a → aws:s3: 10 GB; own charges: nat $0.45; chose nat (its NAT gateways stay for other traffic)"
    )
