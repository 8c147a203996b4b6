"""Interface endpoints: per-AZ hours and processing, paid by the consumer VPC."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, by_kind, charged, context, estate, every_flow, needed
from tests.support.line_items import items
from vpccost.designs.mix import Mix, service_key, usage
from vpccost.model.usage import Fixed, Resource, Settings
from vpccost.options import subjects
from vpccost.options.base import Blocked, Findings, FixedResource, RecordedLayout
from vpccost.options.interface_endpoint import OPTION, check_endpoints, processing
from vpccost.pricing.engine import price
from vpccost.pricing.items import VPC_ENDPOINT_BYTES, VPC_ENDPOINT_HOURS


def test_i3_interface_endpoint_one_and_two_azs_and_1000_gb(write_estate: WriteEstate) -> None:
    # I3, infracost expected output: an interface endpoint in 1 AZ for 730 h: $7.30; in 2 AZs: $14.60;
    # 1,000 GB processed: $10.00.
    traffic, topology = write_estate(
        [vpc("one", azs=["use1-az1"]), vpc("two", azs=["use1-az1", "use1-az2"])],
        "src,dst,gb\none,aws:sqs,1000\ntwo,aws:sqs,1",
    )
    privatelink = vpccost.compare(traffic, topology, designs=["privatelink"], pricing=SNAPSHOT).design("privatelink")
    hours = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Hours")}
    assert hours == {"one/vpce:sqs": Decimal("7.30"), "two/vpce:sqs": Decimal("14.60")}
    processing = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Bytes")}
    assert processing["one/vpce:sqs"] == Decimal("10.00")


# ---- the option's declarations, on estates built in memory -------------------------------------------------
# The rules are the module's (vpccost/options/interface_endpoint.py), from AWS's PrivateLink pricing page: an
# endpoint per (VPC, service) in every AZ of the VPC, billed per AZ-hour, and processing on both directions, both
# paid by the consumer VPC's owner.
A, B = "111111111111", "222222222222"
VPCS = [vpc("a", account=A, azs=["use1-az1", "use1-az2"]), vpc("b", account=B)]
ROWS = [
    {"src": "a", "dst": "aws:sqs", "gb": "10"},  # flow 0
    {"src": "a", "dst": "aws:s3", "gb": "5"},  # flow 1
    {"src": "b", "dst": "aws:sqs", "gb": "2"},  # flow 2
    {"src": "aws:sqs", "dst": "a", "gb": "1", "initiator": "dst"},  # flow 3: SQS answering a
]


def test_one_endpoint_per_vpc_and_service_processing_both_directions() -> None:
    ctx = context(estate(VPCS, ROWS))
    used = OPTION.usage(ctx, subjects.services(ctx).rows)
    processed = "Data processed (Interface endpoint)"
    assert charged(ctx, used) == [
        Charged(processed, VPC_ENDPOINT_BYTES, "us-east-1", A, "a/vpce:sqs", None, (0, 3)),
        Charged(processed, VPC_ENDPOINT_BYTES, "us-east-1", A, "a/vpce:s3", None, (1,)),
        Charged(processed, VPC_ENDPOINT_BYTES, "us-east-1", B, "b/vpce:sqs", None, (2,)),
    ]
    per_az = "Interface endpoint (per AZ)"
    assert needed(ctx, used) == {
        ("interface-endpoint", 0, "service", "sqs"): ((per_az, VPC_ENDPOINT_HOURS, "us-east-1", A, "a/vpce:sqs", 2,
                                                       "hour"),),
        ("interface-endpoint", 0, "service", "s3"): ((per_az, VPC_ENDPOINT_HOURS, "us-east-1", A, "a/vpce:s3", 2,
                                                      "hour"),),
        ("interface-endpoint", 1, "service", "sqs"): ((per_az, VPC_ENDPOINT_HOURS, "us-east-1", B, "b/vpce:sqs", 1,
                                                       "hour"),),
    }  # fmt: skip


def test_a_vpc_in_the_shared_vpc_cannot_hold_its_own_endpoints() -> None:
    ctx = context(estate(VPCS, ROWS), members=["b"])
    calls = subjects.services(ctx).keys  # a → sqs, a → s3, b → sqs
    assert OPTION.blocked(ctx, calls) == {
        2: Blocked(
            "b sits in the shared VPC: its calls to aws:sqs use the shared VPC's NAT gateways or a gateway "
            "endpoint, not interface-endpoint; not priced"
        )
    }


def test_over_50_endpoints_in_one_vpc_need_a_quota_increase() -> None:
    # interface endpoints per VPC: 50 by default, adjustable (the AWS PrivateLink quotas page)
    ctx = context(estate(VPCS, ROWS))
    hours = Fixed("endpoint", VPC_ENDPOINT_HOURS, "us-east-1", A, Resource("a", "interface-endpoint", "a/vpce"))
    endpoints = [FixedResource(("interface-endpoint", 0, "service", f"s{n}"), (hours,)) for n in range(51)]
    findings = Findings()
    check_endpoints(ctx, by_kind(endpoints), findings)
    assert findings.quota_increases == ["a needs 51 interface endpoints (default quota 50 per VPC, adjustable)"]
    within = Findings()
    check_endpoints(ctx, by_kind(endpoints[:50]), within)
    assert within == Findings()


def test_endpoints_reported_together_count_as_many_as_they_stand_for() -> None:
    # 40 endpoints to endpoint services reported as one resource, plus 11 to AWS services: 51 in the VPC
    ctx = context(estate(VPCS, ROWS))
    hours = Fixed("endpoint", VPC_ENDPOINT_HOURS, "us-east-1", A, Resource("a", "interface-endpoint", "a/vpce"))
    grouped = FixedResource(("interface-endpoint", 0, "vpc", "*endpoint-services"), (hours,), stands_for=40)
    services = [FixedResource(("interface-endpoint", 0, "service", f"s{n}"), (hours,)) for n in range(11)]
    findings = Findings()
    check_endpoints(ctx, by_kind([grouped, *services]), findings)
    assert findings.quota_increases == ["a needs 51 interface endpoints (default quota 50 per VPC, adjustable)"]


# ---- endpoints where the topology records them (`Context.layout`, as `as-is` reads it) ----------------------
# AWS's VPC pricing page (https://aws.amazon.com/vpc/pricing/, PrivateLink): an interface endpoint is billed per
# hour in each AZ it is provisioned in.
THREE_AZS = vpc("a", account=A, azs=["use1-az1", "use1-az2", "use1-az3"])
SQS_IN_ONE_AZ = RecordedLayout(interface_endpoints={("a", "service", "sqs"): ("use1-az1",)})
PER_AZ = "Interface endpoint (per AZ)"


def test_a_recorded_endpoint_in_one_az_of_three_pays_one_az_hour_per_hour() -> None:
    # snapshot, us-east-1, 730 h: 1 AZ × $0.01 × 730 = $7.30 (not 3 AZs: $21.90), and 100 GB × $0.01 = $1.00
    state = estate([THREE_AZS], [{"src": "a", "dst": "aws:sqs", "gb": "100"}])
    catalog = vpccost.load_pricing(SNAPSHOT)
    hours = {}
    for name, layout in (("recorded", SQS_IN_ONE_AZ), ("built", RecordedLayout())):
        mix = Mix(pairs={}, services={service_key("a", "sqs"): "interface-endpoint"}, layout=layout)
        result = price(usage(state, Settings(), mix), catalog, period_hours=Decimal(730))
        hours[name] = sum(item.cost_usd for item in items(result, "VpcEndpoint-Hours"))
        assert sum(item.cost_usd for item in items(result, "VpcEndpoint-Bytes")) == Decimal("1.00")
    assert hours == {"recorded": Decimal("7.30"), "built": Decimal("21.90")}


def test_only_the_recorded_endpoint_takes_its_azs_and_contexts_do_not_share_it() -> None:
    # the sqs endpoint is recorded in 1 AZ; the s3 one is not: every AZ of a. The same estate priced without a
    # recorded layout (a pure design) still has its sqs endpoint in all 3 AZs.
    state = estate([THREE_AZS], [{"src": "a", "dst": "aws:sqs", "gb": "1"}, {"src": "a", "dst": "aws:s3", "gb": "1"}])
    for layout, sqs_azs in ((SQS_IN_ONE_AZ, 1), (None, 3)):
        ctx = context(state, layout=layout)
        found = needed(ctx, OPTION.usage(ctx, subjects.services(ctx).rows))
        assert found == {
            ("interface-endpoint", 0, "service", "sqs"): ((PER_AZ, VPC_ENDPOINT_HOURS, "us-east-1", A, "a/vpce:sqs",
                                                           sqs_azs, "hour"),),
            ("interface-endpoint", 0, "service", "s3"): ((PER_AZ, VPC_ENDPOINT_HOURS, "us-east-1", A, "a/vpce:s3", 3,
                                                          "hour"),),
        }  # fmt: skip


def test_endpoints_reported_together_add_up_the_azs_of_each() -> None:
    # a (3 AZs) holds endpoints to b's endpoint service (recorded in 1 AZ) and to c's (not recorded: 3 AZs): one
    # grouped resource standing for 2 endpoints, 1 + 3 = 4 AZ-hours per hour
    vpcs = [THREE_AZS, vpc("b", account=B), vpc("c", account=B)]
    state = estate(vpcs, [{"src": "a", "dst": "b", "gb": "1"}, {"src": "a", "dst": "c", "gb": "1"}])
    ctx = context(state, layout=RecordedLayout(interface_endpoints={("a", "vpc", "b"): ("use1-az2",)}))
    f = ctx.flows
    used = processing(ctx, every_flow(ctx), f.initiator("vpc"), f.responder("vpc"), ctx.vpc_ids, target_kind="vpc",
                      grouped_as="endpoint-services")  # fmt: skip
    (need,) = used.needs
    assert need.together is not None
    (grouped,) = need.together(np.unique(need.codes[need.rows]))
    assert grouped.stands_for == 2
    assert [(charge.resource.name, charge.number) for charge in grouped.charges] == [("a/vpce:endpoint-services", 4)]
    assert [need.resource(code).charges[0].number for code in (0, 1)] == [1, 3]
