"""The optimizer's model: its optimum agrees with an exhaustive enumeration of every mix on small random estates,
and is never above the cheapest feasible pure design (us-east-1 and us-east-2 prices of the pinned snapshot)."""

from __future__ import annotations

import itertools
import os

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vpccost
from tests import conftest
from tests.conftest import SNAPSHOT
from tests.support.estates import estate
from vpccost.designs.mix import Mix, pair_key, service_key, usage
from vpccost.inputs.topology import Topology, Vpc
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.estate import Estate, build_estate
from vpccost.model.usage import Settings
from vpccost.optimizer import model as kinds
from vpccost.optimizer import optimize, optimize_estate, parse_allow
from vpccost.optimizer.model import Model
from vpccost.options import subjects
from vpccost.options.base import Context
from vpccost.pricing.engine import price

CATALOG = vpccost.load_pricing(SNAPSHOT)
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


# ---- what the model offers each subject -------------------------------------------------------------------------
def model_of(allow: set[str]) -> Model:
    rows = [
        {"src": "a", "dst": "b", "gb": "1"},
        {"src": "c", "dst": "d", "gb": "1"},
        {"src": "a", "dst": "aws:s3", "gb": "1"},
    ]
    return Model(estate([conftest.vpc(name) for name in "abcd"], rows), CATALOG, Settings(), frozenset(allow), None)


def test_the_choices_allow_permits_for_each_kind_of_subject() -> None:
    every = model_of({"peering", "transit-gateway", "sharing", "privatelink", "endpoints", "nat"})
    assert [o.name for o in every.own_options(kinds.PAIRS)] == ["peering", "transit-gateway", "privatelink", "nat"]
    assert [o.name for o in every.own_options(kinds.SERVICES)] == ["nat", "gateway-endpoint", "interface-endpoint",
                                                             "central-endpoint"]  # fmt: skip
    assert [o.name for o in every.own_options(kinds.INTERNET)] == ["nat"]
    # NAT is the default route: without `nat` and without `endpoints` a call still goes through NAT
    assert [o.name for o in model_of({"peering"}).own_options(kinds.SERVICES)] == ["nat"]
    # a central endpoint is reached over the TGW
    assert [o.name for o in model_of({"endpoints"}).own_options(kinds.SERVICES)] == [
        "gateway-endpoint",
        "interface-endpoint",
    ]


def test_vpcs_joined_by_traffic_form_one_sharing_group() -> None:
    # a ↔ b and c ↔ d: two groups, each named by its lowest VPC code (a 0, c 1, b 2, d 3 in the rows' order)
    model = model_of({"sharing"})
    assert [vpc.id for vpc in model.estate.vpcs] == ["a", "c", "b", "d"]
    assert model.component.tolist() == [0, 1, 0, 1]
    assert sorted(model.groups) == [0, 1]
