"""The optimizer: hand-checked optima (examples/optimizer, arithmetic in its README), agreement with an
exhaustive enumeration of every mix on small random estates, and never worse than the pure designs.

Prices: us-east-1 of the bundled snapshot, 730 h (PRICING-FACTS §1): TGW attachment $36.50/month, $0.02/GB;
interface endpoint $7.30 per AZ-month, $0.01/GB; NLB $16.425/month, NLCU $0.006/GB; NAT gateway + IPv4
$36.50/month, $0.045/GB; hosted zone $0.50/month; peering within one AZ free.
"""

from __future__ import annotations

import itertools
import os
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpccost
from vpccost.designs.mix import Mix, pair_key, service_key, usage
from vpccost.errors import InputError
from vpccost.inputs.topology import Topology, Vpc
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.estate import Estate, build_estate
from vpccost.model.usage import Settings
from vpccost.optimizer import optimize, optimize_estate, parse_allow
from vpccost.options import subjects
from vpccost.options.base import Context
from vpccost.pricing.engine import price

from .conftest import EXAMPLES, SNAPSHOT, by_design, run_cli, run_json

OPTIMIZER = EXAMPLES / "optimizer"
CATALOG = vpccost.load_pricing(SNAPSHOT)


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


def test_the_table_shows_decisions() -> None:
    folder = OPTIMIZER / "hub-peering-quota"
    result = run_cli("optimize", folder / "traffic.csv", "-t", folder / "topology.yaml", "--peering-quota", "3",
                     "--pricing", SNAPSHOT)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "optimized" in result.stdout
    assert "Decisions" in result.stdout


# ---- exhaustive enumeration on small random estates ------------------------------------------------------

REGIONS = {"us-east-1": ["use1-az1", "use1-az2"], "us-east-2": ["use2-az1", "use2-az2"]}
SERVICES = ["aws:s3", "aws:sqs"]
PAIR_OPTIONS: tuple[str, ...] = ("peering", "transit-gateway", "privatelink", "nat")
ENUMERATION_EXAMPLES = int(os.environ.get("VPCCOST_OPTIMIZER_EXAMPLES", "12"))
"""Random estates the enumeration checks; raise it (e.g. VPCCOST_OPTIMIZER_EXAMPLES=300) after changing the model."""


@st.composite
def small_estates(draw: st.DrawFn) -> tuple[Topology, pd.DataFrame]:
    count = draw(st.integers(2, 4))
    vpcs = []
    for index in range(count):
        region = draw(st.sampled_from(sorted(REGIONS)))
        azs = draw(st.lists(st.sampled_from(REGIONS[region]), min_size=1, max_size=2, unique=True))
        block = draw(st.sampled_from([index, index, index, 0]))  # sometimes overlapping CIDRs
        vpcs.append(Vpc(id=f"vpc-{index}", account=f"11111111111{index % 2}", region=region, azs=azs,
                        cidrs=[f"10.{block}.0.0/16"]))  # fmt: skip
    names = [vpc.id for vpc in vpcs]
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1]),
                          max_size=3))  # fmt: skip
    calls = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from([*SERVICES, "internet"])), max_size=2))
    rows = []
    volume = st.decimals(0, 2000, places=1, allow_nan=False, allow_infinity=False)
    for src, dst in pairs + calls:
        row = {"src": src, "dst": dst, "gb": str(draw(volume)), "initiator": draw(st.sampled_from(["src", "dst"])),
               "ip_version": draw(st.sampled_from(["4", "4", "6"]))}  # fmt: skip
        if dst.startswith("aws:") or dst == "internet":
            row["initiator"] = "src"
        vpc = next(v for v in vpcs if v.id == src)
        row["src_az"] = draw(st.sampled_from(vpc.azs))
        rows.append(row)
    return Topology(vpcs=vpcs), pd.DataFrame(rows, columns=["src", "dst", "gb", "initiator", "ip_version", "src_az"])


def every_mix(estate: Estate) -> list[Mix]:
    """Every mix the optimizer may choose: each group of VPCs that exchange traffic shared or not; each other
    pair any option; each service call any option open to its VPC."""
    ids = [vpc.id for vpc in estate.vpcs]
    ctx = Context(estate, Settings())
    pairs = [(x, y) for x, y in subjects.pairs(ctx).keys.tolist()]
    calls = [(v, s) for v, s in subjects.services(ctx).keys.tolist()]
    group = list(range(len(ids)))
    for x, y in pairs:  # tiny union-find
        gx, gy = group[x], group[y]
        group = [min(gx, gy) if g in (gx, gy) else g for g in group]
    groups = sorted(set(group))
    mixes = []
    for shared_groups in itertools.chain.from_iterable(
        itertools.combinations(groups, n) for n in range(len(groups) + 1)
    ):
        shared = frozenset(ids[v] for v in range(len(ids)) if group[v] in shared_groups)
        free_pairs = [(x, y) for x, y in pairs if group[x] not in shared_groups]
        call_options: list[list[str]] = []
        for vpc, service in calls:
            gateway = estate.services[service] in GATEWAY_ENDPOINT_SERVICES
            if ids[vpc] in shared:
                call_options.append(["nat", "gateway-endpoint"] if gateway else ["nat"])
            else:
                own: list[str] = ["nat", "interface-endpoint", "central-endpoint"]
                call_options.append([*own, "gateway-endpoint"] if gateway else own)
        for pair_choice in itertools.product(PAIR_OPTIONS, repeat=len(free_pairs)):
            chosen: dict[tuple[str, str], str] = {pair_key(ids[x], ids[y]): "sharing" for x, y in pairs}
            chosen.update(
                {pair_key(ids[x], ids[y]): option for (x, y), option in zip(free_pairs, pair_choice, strict=True)}
            )
            for call_choice in itertools.product(*call_options):
                services = {
                    service_key(ids[v], estate.services[s]): option
                    for (v, s), option in zip(calls, call_choice, strict=True)
                }
                mixes.append(Mix(pairs=chosen, services=services, shared=shared))
    return mixes


def peerings_within(mix: Mix, quota: int) -> bool:
    count: dict[str, int] = {}
    for key, option in mix.pairs.items():
        if option == "peering":
            for vpc_id in key:
                count[vpc_id] = count.get(vpc_id, 0) + 1
    return all(value <= quota for value in count.values())


@settings(max_examples=ENUMERATION_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_estates(), st.integers(0, 2), st.booleans(), st.booleans())
def test_enumerating_every_mix_finds_exactly_the_optimizers_cost(
    estate_input: tuple[Topology, pd.DataFrame], quota: int, nat_per_vpc: bool, sharing: bool
) -> None:
    # without sharing, the peering quota decides which pairs need attachments or NAT gateways: the model's
    # strengthened relaxation (quota cuts) must still find the enumeration's optimum
    topology, traffic = estate_input
    estate = build_estate(vpccost.load_traffic(traffic), topology)
    options = Settings(nat_per_vpc=nat_per_vpc)
    allow = parse_allow(None if sharing else "peering,transit-gateway,privatelink,endpoints,nat")
    optimization = optimize_estate(estate, CATALOG, options, allow=allow, peering_quota=quota)
    best = None
    for mix in every_mix(estate):
        if not peerings_within(mix, quota) or (mix.shared and not sharing):
            continue
        result = price(usage(estate, options, mix), CATALOG, period_hours=options.period_hours)
        if result.feasible and result.total_usd is not None and (best is None or result.total_usd < best):
            best = result.total_usd
    assert optimization.result.feasible, optimization.result.problems
    assert optimization.result.total_usd == best


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_estates())
def test_the_optimum_is_never_above_the_cheapest_feasible_pure_design(
    estate_input: tuple[Topology, pd.DataFrame],
) -> None:
    topology, traffic = estate_input
    optimization = optimize(traffic, topology, pricing=SNAPSHOT)
    pure = [d for d in optimization.comparison.designs if d.design != "optimized" and d.feasible and d.priced]
    assert optimization.result.total_usd is not None
    assert all(optimization.result.total_usd <= d.total_usd for d in pure if d.total_usd is not None)


def test_json_on_stdout_is_the_document_alone_in_a_real_process() -> None:
    """HiGHS prints a banner on file descriptor 1 when a solver is created; in a real process (not the in-process
    test runner, which captures only Python's stdout) it must not reach the JSON."""
    import json
    import subprocess
    import sys

    hub = EXAMPLES / "optimizer" / "hub-peering-quota"
    completed = subprocess.run(
        [sys.executable, "-m", "vpccost.cli", "optimize", str(hub / "traffic.csv"), "--topology",
         str(hub / "topology.yaml"), "--allow", "peering,transit-gateway", "--peering-quota", "3", "--format", "json",
         "--pricing", str(SNAPSHOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    # examples/optimizer/README.md: 3 attachments × $36.50 + 300 GB × $0.02
    assert next(d for d in document["designs"] if d["design"] == "optimized")["total_usd"] == "115.50"


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
