"""Metered usage: resource names, hourly resources billed whole hours (and monthly ones whole months) over the period,
per-GB meters summed exactly and split by a label."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from tests.support.estates import context, estate, every_flow, flows
from vpccost.model.usage import DesignUsage, Fixed, PerGb, Resource, ResourceNames, Settings, UsageBuilder
from vpccost.options.base import Context


def test_period_hours_scale_hourly_charges(write_estate: WriteEstate) -> None:
    # A TGW over 24 h: 2 attachments × 24 h × $0.05 = $2.40, plus 10 GB × $0.02 = $0.20
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours=24, pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("2.60")


def test_split_by_a_label_charges_back_per_gb_costs(write_estate: WriteEstate) -> None:
    # Two teams send 100 GB and 300 GB to the internet from one VPC (answers to inbound connections):
    # egress 400 GB × $0.09 = $36.00, split by team: x $9.00, y $27.00. No hourly resource is involved.
    traffic, topology = write_estate(
        [vpc("web")], "src,dst,initiator,gb,team\nweb,internet,dst,100,x\nweb,internet,dst,300,y"
    )
    split = vpccost.compare(traffic, topology, designs=["peering"], split_by="team", pricing=SNAPSHOT).design("peering")
    assert {item.label: item.cost_usd for item in split.line_items} == {"x": Decimal("9.00"), "y": Decimal("27.00")}
    assert split.total_usd == Decimal("36.00")


def test_split_keeps_totals_and_leaves_hourly_items_unlabelled() -> None:
    traffic, topology = EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml"
    plain = vpccost.compare(traffic, topology, pricing=SNAPSHOT)
    split = vpccost.compare(traffic, topology, split_by="application", pricing=SNAPSHOT)
    for before, after in zip(plain.designs, split.designs, strict=True):
        assert before.total_usd == after.total_usd
        assert all((item.label is None) == (item.unit == "Hrs") for item in after.line_items)


def test_a_partial_hour_is_billed_as_a_full_hour(write_estate: WriteEstate) -> None:
    # --hours 0.5: 2 attachments × 1 billed hour × $0.05 = $0.10, plus 10 GB × $0.02 = $0.20 → $0.30
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours="0.5", pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("0.30")


# ---- the parts, one by one ---------------------------------------------------------------------------------
def test_resource_names_of_a_kind() -> None:
    assert ResourceNames("nat-gateway", ["vpc-a", "vpc-b"])[1] == Resource("vpc-b", "nat-gateway", "vpc-b/nat-gateway")
    assert ResourceNames("vpc", ["vpc-a"], [""])[0].name == "vpc-a"  # no part after the holder: the holder alone
    endpoints = ResourceNames("interface-endpoint", ["vpc-a", "vpc-a"], ["vpce:s3", "vpce:sqs"])
    assert [endpoints[code].name for code in range(len(endpoints))] == ["vpc-a/vpce:s3", "vpc-a/vpce:sqs"]


@pytest.mark.parametrize(
    ("period_hours", "hours", "months"),
    [
        ("730", 730, 1),  # AWS's month
        ("0.5", 1, 1),  # a partial hour is billed as a full hour, a started month in full
        ("24.2", 25, 1),
        ("731", 731, 2),  # one hour into a second month
        ("1460", 1460, 2),
    ],
)
def test_billed_hours_and_months(period_hours: str, hours: int, months: int) -> None:
    settings = Settings(period_hours=Decimal(period_hours))
    assert (settings.billed_hours, settings.billed_months) == (Decimal(hours), Decimal(months))


def test_a_fixed_charge_counts_its_number_for_every_billed_hour_or_month() -> None:
    resource = Resource("vpc-a", "nat-gateway", "vpc-a/nat-gateway")
    settings = Settings(period_hours=Decimal("24.5"))
    assert Fixed("NAT gateway", "nat_gateway_hours", "us-east-1", "1", resource, 3).quantity(settings) == 75
    zone = Fixed("zone", "route53_hosted_zone_months", "global", "1", resource, per="month")
    assert zone.quantity(Settings(period_hours=Decimal(1000))) == 2


# a sends 1.5 GB and 2.25 GB (team x) and 4 GB (team y) to b; b sends 0.25 GB to a
ROWS = [
    {"src": "a", "dst": "b", "gb": "1.5", "team": "x"},
    {"src": "a", "dst": "b", "gb": "2.25", "team": "x"},
    {"src": "a", "dst": "b", "gb": "4", "team": "y"},
    {"src": "b", "dst": "a", "gb": "0.25", "team": "x"},
]


def sent(ctx: Context) -> PerGb:
    """A per-GB charge on every flow, metered on the sending VPC and paid by its account."""
    f = ctx.flows
    return PerGb("Sent", "vpc_peering_out_bytes", every_flow(ctx), f.src.region, f.src.account, f.src.vpc,
                 ctx.vpc_transfer)  # fmt: skip


def test_per_gb_meters_sum_exactly_per_region_payer_and_resource() -> None:
    ctx = context(estate([vpc("a"), vpc("b", account="222222222222")], ROWS))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    builder.per_gb(sent(ctx))
    meters = {(m.payer_account, m.resource.name, m.label): m.quantity for m in builder.build().meters}
    # a: 1.5 + 2.25 + 4 = 7.75 GB; b: 0.25 GB
    assert meters == {("111111111111", "a", None): Decimal("7.75"), ("222222222222", "b", None): Decimal("0.25")}


def test_charges_of_one_kind_from_two_paths_become_one_meter_per_key() -> None:
    # the same charge declared twice (say NAT processing of service calls and of internet traffic), over
    # alternate flows: one meter per payer and resource, 1.5 + 2.25 + 4 = 7.75 GB for a, 0.25 GB for b
    ctx = context(estate([vpc("a"), vpc("b", account="222222222222")], ROWS))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    charge = sent(ctx)
    first = np.arange(len(ctx.flows)) % 2 == 0
    for rows in (first, ~first):
        builder.per_gb(PerGb(charge.component, charge.item, rows, charge.region, charge.payer, charge.resource,
                             charge.resources))  # fmt: skip
    meters = [(m.resource.name, m.quantity) for m in builder.build().meters]
    assert sorted(meters) == [("a", Decimal("7.75")), ("b", Decimal("0.25"))]


def test_split_by_a_label_meters_each_value_apart() -> None:
    ctx = context(estate([vpc("a"), vpc("b")], ROWS), Settings(split_by="team"))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    builder.per_gb(sent(ctx))
    meters = {(m.resource.name, m.label): m.quantity for m in builder.build().meters}
    assert meters == {("a", "x"): Decimal("3.75"), ("a", "y"): Decimal("4"), ("b", "x"): Decimal("0.25")}


def test_a_charge_on_no_flow_meters_nothing() -> None:
    ctx = context(estate([vpc("a"), vpc("b")], ROWS))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    nothing = sent(ctx)
    builder.per_gb(PerGb(nothing.component, nothing.item, flows(ctx), nothing.region, nothing.payer,
                         nothing.resource, nothing.resources))  # fmt: skip
    assert builder.build().meters == []


def test_fixed_meters_and_the_whole_hours_assumption_stated_once() -> None:
    ctx = context(estate([vpc("a"), vpc("b")], ROWS), Settings(period_hours=Decimal("0.5")))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    resource = Resource("a", "nat-gateway", "a/nat-gateway")
    for _ in range(2):
        builder.fixed(Fixed("NAT gateway", "nat_gateway_hours", "us-east-1", "111111111111", resource, 2))
    assert [meter.quantity for meter in builder.build().meters] == [Decimal(2), Decimal(2)]  # 2 gateways × 1 hour
    assert builder.build().assumptions == ["Hourly resources are billed 1 whole hours for the 0.5 h period."]


def test_problems_quota_increases_and_assumptions_are_collected() -> None:
    ctx = context(estate([vpc("a"), vpc("b")], ROWS))
    builder = UsageBuilder("d", ctx.estate, ctx.settings)
    builder.problem("p")
    builder.quota_increase("q")
    builder.assume("x")
    builder.assume("x")
    assert builder.build() == DesignUsage("d", [], ["p"], ["q"], ["x"])
