"""The optimizer: hand-checked optima (examples/optimizer, arithmetic in its README), agreement with an
exhaustive enumeration of every mix on small random estates, and never worse than the pure designs.

Prices: us-east-1 of the bundled snapshot, 730 h: TGW attachment $36.50/month, $0.02/GB;
interface endpoint $7.30 per AZ-month, $0.01/GB; NLB $16.425/month, NLCU $0.006/GB; NAT gateway + IPv4
$36.50/month, $0.045/GB; hosted zone $0.50/month; peering within one AZ free.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, by_design, run_cli, run_json, vpc
from vpccost.errors import InputError
from vpccost.optimizer import optimize, parse_allow

OPTIMIZER = EXAMPLES / "optimizer"


def optimized_total(document: dict[str, Any]) -> Decimal:
    design = by_design(document)["optimized"]
    assert design["priced"] and design["feasible"], design["problems"]
    assert Decimal(design["total_usd"]) == sum((Decimal(li["cost_usd"]) for li in design["line_items"]), Decimal(0))
    return Decimal(design["total_usd"])


def run_optimize(example: str, *args: str) -> dict[str, Any]:
    folder = OPTIMIZER / example
    return run_json(
        "optimize", folder / "traffic.csv", "--topology", folder / "topology.yaml", *args, "--pricing", SNAPSHOT
    )


def test_the_smallest_spokes_go_through_the_tgw_when_the_hub_is_out_of_peerings() -> None:
    # 3 attachments (hub, spoke-a, spoke-b) × $36.50 + (100 + 200) GB × $0.02 = $115.50
    document = run_optimize("hub-peering-quota", "--allow", "peering,transit-gateway", "--peering-quota", "3")
    assert optimized_total(document) == Decimal("115.50")
    chosen = {tuple(pair["vpcs"]): pair["option"] for pair in document["optimization"]["pairs"]}
    hub = "vpc-0a00000000000hub"
    assert {spoke[-1]: chosen[(spoke, hub)] for spoke in (f"vpc-0a0000000000000{x}" for x in "abcde")} == {
        "a": "transit-gateway", "b": "transit-gateway", "c": "peering", "d": "peering", "e": "peering",
    }  # fmt: skip
    assert document["optimization"]["optimal"] is True


def test_privatelink_undercuts_the_tgw_for_the_small_spokes() -> None:
    # endpoints 2 × $7.30 + NLB $16.425 + 300 GB × ($0.01 + $0.006) = $35.825
    document = run_optimize(
        "hub-peering-quota", "--allow", "peering,transit-gateway,privatelink", "--peering-quota", "3"
    )
    assert optimized_total(document) == Decimal("35.825")


def test_the_default_quota_peers_every_spoke_for_free() -> None:
    assert optimized_total(run_optimize("hub-peering-quota", "--allow", "peering,transit-gateway")) == Decimal("0")


@pytest.mark.parametrize(
    ("allow", "expected_usd", "option"),
    [
        ("nat", "591.20", "nat"),  # 8 × (2 × $36.50 + 20 GB × $0.045)
        ("endpoints,nat", "468.80", "interface-endpoint"),  # 32 endpoints × 2 AZs × $7.30 + 160 GB × $0.01
        # 9 attachments × $36.50 + 4 endpoints × 2 AZs × $7.30 + 4 zones × $0.50 + 160 GB × ($0.01 + $0.02)
        ("endpoints,transit-gateway,nat", "393.70", "central-endpoint"),
        (
            "peering,transit-gateway,sharing,privatelink,endpoints,nat",
            "80.20",
            "nat",
        ),  # shared VPC: 2 NAT + 160 × $0.045
    ],
)
def test_many_small_vpcs_calling_the_same_services(allow: str, expected_usd: str, option: str) -> None:
    document = run_optimize("shared-services", "--allow", allow)
    assert optimized_total(document) == Decimal(expected_usd)
    assert {call["option"] for call in document["optimization"]["services"]} == {option}


def test_savings_are_against_each_pure_design_priced_alike() -> None:
    document = run_optimize("shared-services")
    designs = by_design(document)
    best = Decimal(designs["optimized"]["total_usd"])
    for name, saving in document["optimization"]["saving_vs_usd"].items():
        assert Decimal(saving) == Decimal(designs[name]["total_usd"]) - best
    assert document["recommendation"]["design"] == "optimized"


def test_bad_options_are_input_errors() -> None:
    folder = OPTIMIZER / "shared-services"
    result = run_cli("optimize", folder / "traffic.csv", "--allow", "peering,teleport")
    assert result.exit_code == 2
    assert "teleport" in result.stderr
    with pytest.raises(InputError, match="126"):
        optimize(folder / "traffic.csv", folder / "topology.yaml", peering_quota=126)
    assert parse_allow(None) == parse_allow("peering,transit-gateway,sharing,privatelink,endpoints,nat")


def test_a_pure_design_over_the_given_peering_quota_is_marked_infeasible() -> None:
    """The hub has five spokes; under --peering-quota 3 pure peering cannot be built, so its $0 total is not a
    saving the optimizer missed."""
    hub = EXAMPLES / "optimizer" / "hub-peering-quota"
    result = vpccost.optimize(
        hub / "traffic.csv", hub / "topology.yaml", allow="peering,transit-gateway", peering_quota=3, pricing=SNAPSHOT
    )
    peering = result.comparison.design("peering")
    assert not peering.feasible
    assert any(
        "needs 5 peering connections" in problem and "quota given is 3" in problem for problem in peering.problems
    )
    # with the default quota of 50 the same design stays feasible
    default = vpccost.optimize(
        hub / "traffic.csv", hub / "topology.yaml", allow="peering,transit-gateway", pricing=SNAPSHOT
    )
    assert default.comparison.design("peering").feasible


def test_a_vpc_reaches_at_most_one_of_two_look_alike_vpcs_through_the_transit_gateway(
    write_estate: WriteEstate,
) -> None:
    # b and c share 10.0.0.0/16; the hub sends 5,000 GB to each. A TGW route table holds one route per CIDR, so the
    # pure transit-gateway design (3 attachments × $36.50 + 10,000 GB × $0.02 = $309.50) is infeasible. Optimum:
    # one pair through the TGW, 2 × $36.50 + 5,000 × $0.02 = $173.00, the other over public addresses through the
    # hub's NAT gateway, $36.50 + 5,000 × ($0.045 + $0.01 out + $0.01 in) = $361.50: $534.50 (both over NAT: $686.50)
    vpcs = [vpc("hub", cidrs=["10.9.0.0/16"]), vpc("b", cidrs=["10.0.0.0/16"]), vpc("c", cidrs=["10.0.0.0/16"])]
    traffic, topology = write_estate(vpcs, "src,dst,gb\nhub,b,5000\nhub,c,5000")
    result = optimize(traffic, topology, pricing=SNAPSHOT, allow="transit-gateway,nat")
    assert not result.comparison.design("transit-gateway").feasible
    assert result.result.feasible and result.result.total_usd == Decimal("534.50")
    assert sorted(decision.option or "" for decision in result.pairs) == ["nat", "transit-gateway"]


def test_optimize_ranks_only_what_allow_permits_and_holds_the_pure_designs_to_it() -> None:
    # --allow sharing,nat: no endpoints, so the mix and the pure designs alike reach S3 and DynamoDB through NAT;
    # sharing then costs what the mix does ($2,003.51), and peering, transit-gateway and privatelink are priced
    # apart, never ranked against the mix
    found = optimize(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        allow="sharing,nat", pricing=SNAPSHOT,
    )  # fmt: skip
    assert [design.design for design in found.comparison.ranked] == ["optimized", "sharing", "nat"]
    assert [design.design for design in found.not_allowed] == ["peering", "transit-gateway", "privatelink"]
    assert {service.option for service in found.services} == {"nat"}
    assert found.result.total_usd == found.comparison.design("sharing").total_usd == Decimal("2003.5075")
    assert set(found.savings) == {"sharing", "nat"}
    document = run_json(
        "optimize", EXAMPLES / "multi-account" / "traffic.csv", "--topology",
        EXAMPLES / "multi-account" / "topology.yaml", "--allow", "sharing,nat", "--pricing", SNAPSHOT,
    )  # fmt: skip
    assert [row["design"] for row in document["optimization"]["not_allowed"]] == [
        "peering", "transit-gateway", "privatelink"
    ]  # fmt: skip
    assert document["recommendation"]["headline"] == (
        "Optimized mix: $2,003.51/month, the same as the cheapest allowed design, sharing: no mix of the allowed "
        "options costs less."
    )


@pytest.mark.parametrize("limit", [0.0, -1.0, float("nan"), float("inf")])
def test_a_time_limit_must_be_a_positive_finite_number_of_seconds(limit: float) -> None:
    with pytest.raises(InputError, match="the time limit must be a positive, finite number of seconds"):
        optimize(EXAMPLES / "s3-access" / "traffic.csv", EXAMPLES / "s3-access" / "topology.yaml", time_limit_s=limit)
