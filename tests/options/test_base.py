"""What every option reads: the context, its shared-VPC members and the AZs of a shared VPC."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import context, estate, flows
from vpccost.model.codes import NONE
from vpccost.options.base import Option, OptionUsage


def test_shared_vpc_counts_only_known_azs(write_estate: WriteEstate) -> None:
    # One VPC lists use1-az1 and use1-az2, the other lists none: the shared VPC spans the 2 known AZs, so
    # 2 NAT gateways: 2 × 730 h × ($0.045 + $0.005 IPv4) = $73.00, plus 10 GB × $0.045 = $0.45.
    traffic, topology = write_estate(
        [vpc("a", azs=["use1-az1", "use1-az2"]), vpc("b", azs=[])], "src,dst,gb\nb,aws:sqs,10"
    )
    sharing = vpccost.compare(traffic, topology, designs=["sharing"], pricing=SNAPSHOT).design("sharing")
    assert sharing.total_usd == Decimal("73.45")


# ---- the context, on an estate built in memory -----------------------------------------------------------------
VPCS = [vpc("a", azs=["use1-az2", "use1-az1"]), vpc("b", azs=[]), vpc("w", region="us-west-2", azs=[])]
ROWS = [
    {"src": "a", "dst": "b", "gb": "1.5"},
    {"src": "b", "dst": "w", "gb": "0.25"},
    {"src": "a", "dst": "internet", "gb": "0.125"},
]


def test_a_side_that_is_no_vpc_is_never_a_member() -> None:
    ctx = context(estate(VPCS, ROWS), members=["b"])
    assert ctx.member.tolist() == [False, True, False, False]  # a, b, w, and NONE at the end
    assert bool(ctx.member[NONE]) is False
    assert ctx.with_members(np.array([True, False, False])).member.tolist() == [True, False, False, False]


def test_resource_names_of_each_vpc() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert ctx.vpc_resources("nat-gateway")[0].name == "a/nat-gateway"
    assert ctx.vpc_resources("interface-endpoint", "vpce:endpoint-services")[1].name == "b/vpce:endpoint-services"
    assert ctx.vpc_transfer[2].name == "w"  # transfer is metered on the VPC itself


def test_a_shared_vpc_spans_the_azs_known_in_its_region_or_the_default_two() -> None:
    # us-east-1: a lists use1-az1 and use1-az2, b none; us-west-2: w lists none, so two placeholders
    ctx = context(estate(VPCS, ROWS))
    assert ctx.shared_vpc_azs == [("use1-az1", "use1-az2"), ("(AZ 1)", "(AZ 2)")]


def test_gb_is_exact() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert ctx.gb(flows(ctx, 0, 1, 2)) == Decimal("1.875")


def test_tables_are_built_once_per_context_or_once_per_estate() -> None:
    ctx = context(estate(VPCS, ROWS))
    built: list[str] = []

    def build() -> str:
        built.append("built")
        return "table"

    assert ctx.memo("t", build) == ctx.memo("t", build) == "table"
    other = ctx.with_members(ctx.member[:-1])
    other.memo("t", build)
    assert len(built) == 2  # a new context builds its own
    ctx.memo("e", build, per_estate=True)
    other.memo("e", build, per_estate=True)
    assert len(built) == 3  # the estate's table is shared


def test_option_usages_add_up_and_state_each_assumption_once() -> None:
    first = OptionUsage(assumptions=["x"])
    second = OptionUsage(assumptions=["x", "y"])
    assert first.add(second).assumptions == ["x", "y"]


def test_an_option_is_always_possible_and_without_quota_unless_it_says() -> None:
    ctx = context(estate(VPCS, ROWS))
    pairs = np.array([[0, 1]])
    assert Option().blocked(ctx, pairs) == {}
    assert Option().quota_rows(ctx, pairs) == []
    with pytest.raises(NotImplementedError):
        Option().usage(ctx, flows(ctx, 0))
