"""Mixed architectures (`vpccost.designs.mix`): hand-checked mixes of options.

Prices (us-east-1 of the bundled snapshot, a month = 730 h): NAT gateway $0.045/h + its IPv4 address $0.005/h =
$36.50/month each, $0.045/GB processed; TGW attachment $0.05/h = $36.50/month, $0.02/GB entering from a VPC;
interface endpoint $0.01 per AZ-hour = $7.30/month per AZ, $0.01/GB; Route 53 hosted zone $0.50/month;
internet egress $0.09/GB (first tier); gateway endpoints free.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from tests.support.estates import estate as in_memory
from vpccost.designs.mix import Mix, pair_key, service_key, usage
from vpccost.errors import InputError
from vpccost.model.estate import Estate, build_estate
from vpccost.model.usage import DesignUsage, Settings
from vpccost.pricing.engine import price
from vpccost.results import DesignResult

CATALOG = vpccost.load_pricing(SNAPSHOT)


def estate_of(traffic: Path, topology: Path) -> Estate:
    return build_estate(vpccost.load_traffic(traffic), vpccost.load_topology(topology))


def priced(estate: Estate, mix: Mix, options: Settings | None = None) -> DesignResult:
    options = options or Settings()
    return price(usage(estate, options, mix), CATALOG, period_hours=options.period_hours)


def s3_access() -> Estate:
    return estate_of(EXAMPLES / "s3-access" / "traffic.csv", EXAMPLES / "s3-access" / "topology.yaml")


def test_a_gateway_endpoint_removes_nat_processing_of_s3() -> None:
    # examples/s3-access: ingest (2 AZs) reads 15 + 1,200 GB from S3 and 2 + 20 GB from the internet, all opened
    # by the VPC. With an S3 gateway endpoint only the 22 internet GB pass the NAT gateways:
    #   2 NAT gateways × $36.50 = $73.00; 22 GB × $0.045 = $0.99; 2 GB egress × $0.09 = $0.18 → $74.17
    estate = s3_access()
    mix = Mix(pairs={}, services={service_key("vpc-02bad821df997d529", "s3"): "gateway-endpoint"})
    result = priced(estate, mix)
    assert result.total_usd == Decimal("74.17")
    assert result.feasible


def test_a_central_endpoint_adds_a_hub_its_attachments_and_a_hosted_zone() -> None:
    # The same S3 traffic through an interface endpoint in a new hub VPC (2 AZs), over the transit gateway:
    #   endpoint 2 AZs × $7.30 = $14.60; processing 1,215 GB × $0.01 = $12.15;
    #   TGW processing 1,215 GB × $0.02 = $24.30 (15 GB from the spoke, 1,200 GB from the hub);
    #   attachments (ingest, hub) 2 × $36.50 = $73.00; hosted zone $0.50;
    #   NAT for the internet: $73.00 + 22 × $0.045 = $73.99; egress $0.18
    #   total 14.60 + 12.15 + 24.30 + 73.00 + 0.50 + 73.99 + 0.18 = $198.72
    estate = s3_access()
    mix = Mix(pairs={}, services={service_key("vpc-02bad821df997d529", "aws:s3"): "central-endpoint"})
    result = priced(estate, mix)
    assert result.total_usd == Decimal("198.72")
    resources = {item.resource for item in result.line_items}
    assert {"hub-us-east-1/vpce:s3", "hub-us-east-1/tgw-attachment", "hub-us-east-1/phz:s3"} <= resources
    zone = next(item for item in result.line_items if item.item == "route53_hosted_zone_months")
    assert (zone.usage_type, zone.quantity, zone.payer_account) == ("HostedZone", Decimal(1), "111111111111")


def test_an_absent_pair_is_unroutable_and_named(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(
        [vpc("vpc-a", cidrs=["10.0.0.0/16"]), vpc("vpc-b", cidrs=["10.1.0.0/16"]), vpc("vpc-c", cidrs=["10.2.0.0/16"])],
        "src,dst,gb\nvpc-a,vpc-b,10\nvpc-a,vpc-c,30\n",
    )
    estate = estate_of(traffic, topology)
    result = priced(estate, Mix(pairs={pair_key("vpc-b", "vpc-a"): "peering"}))
    assert not result.feasible
    assert result.problems == [
        "vpc-a and vpc-c exchange traffic (30 GB) but no connection between them is chosen: unroutable, not priced"
    ]
    assert result.total_usd == Decimal(0)  # one AZ each, same AZ: peering is free and vpc-c's traffic is not priced


def test_mixed_pair_options_price_each_pair_its_own_way(write_estate: WriteEstate) -> None:
    # vpc-a ↔ vpc-b over peering across AZs: 100 GB × ($0.01 out + $0.01 in) = $2.00;
    # vpc-a ↔ vpc-c through the TGW: 2 attachments × $36.50 + 50 GB × $0.02 = $74.00 → $76.00
    traffic, topology = write_estate(
        [
            vpc("vpc-a", azs=["use1-az1"], cidrs=["10.0.0.0/16"]),
            vpc("vpc-b", azs=["use1-az2"], cidrs=["10.1.0.0/16"]),
            vpc("vpc-c", azs=["use1-az1"], cidrs=["10.2.0.0/16"]),
        ],
        "src,dst,gb\nvpc-a,vpc-b,100\nvpc-c,vpc-a,50\n",
    )
    mix = Mix(pairs={pair_key("vpc-a", "vpc-b"): "peering", pair_key("vpc-a", "vpc-c"): "transit-gateway"})
    result = priced(estate_of(traffic, topology), mix)
    assert result.total_usd == Decimal("76.00")
    attachments = sorted(item.resource for item in result.line_items if item.item == "transit_gateway_attachment_hours")
    assert attachments == ["vpc-a/tgw-attachment", "vpc-c/tgw-attachment"]


def test_sharing_needs_both_vpcs_in_the_shared_vpc(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(
        [vpc("vpc-a", cidrs=["10.0.0.0/16"]), vpc("vpc-b", cidrs=["10.1.0.0/16"])], "src,dst,gb\nvpc-a,vpc-b,10\n"
    )
    estate = estate_of(traffic, topology)
    result = priced(estate, Mix(pairs={pair_key("vpc-a", "vpc-b"): "sharing"}, shared=frozenset({"vpc-a"})))
    assert result.problems == ["vpc-a and vpc-b are to share a VPC, but vpc-b is not placed in the shared VPC"]
    result = priced(estate, Mix(pairs={pair_key("vpc-a", "vpc-b"): "peering"}, shared=frozenset({"vpc-a"})))
    assert result.problems == ["vpc-a sits in the shared VPC, so its traffic with vpc-b must use sharing, not peering"]


def test_overlapping_cidrs_make_peering_infeasible_but_not_privatelink(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(
        [vpc("vpc-a", cidrs=["10.0.0.0/16"]), vpc("vpc-b", cidrs=["10.0.0.0/16"])], "src,dst,gb\nvpc-a,vpc-b,10\n"
    )
    estate = estate_of(traffic, topology)
    assert not priced(estate, Mix(pairs={pair_key("vpc-a", "vpc-b"): "peering"})).feasible
    assert priced(estate, Mix(pairs={pair_key("vpc-a", "vpc-b"): "privatelink"})).feasible


def test_a_hub_vpc_must_carry_traffic() -> None:
    with pytest.raises(InputError, match="hub VPC 'vpc-nowhere'"):
        usage(s3_access(), Settings(), Mix(pairs={}, hub_vpc="vpc-nowhere"))


# ---- the rules of an assignment, metered on estates built in memory (no price needed) ----------------------------
VPCS = [vpc("a", azs=["use1-az1", "use1-az2"]), vpc("b"), vpc("c")]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},
    {"src": "a", "dst": "c", "gb": "30"},
    {"src": "a", "dst": "aws:sqs", "gb": "5"},
]


def meters(metered: DesignUsage) -> dict[tuple[str, str], Decimal]:
    """Quantity by (item, resource name), summed over payers and labels."""
    found: dict[tuple[str, str], Decimal] = {}
    for meter in metered.meters:
        key = (meter.item, meter.resource.name)
        found[key] = found.get(key, Decimal(0)) + meter.quantity
    return found


def test_keys_of_pairs_and_service_calls() -> None:
    assert pair_key("vpc-b", "vpc-a") == pair_key("vpc-a", "vpc-b") == ("vpc-a", "vpc-b")
    assert service_key("vpc-a", "s3") == service_key("vpc-a", "aws:s3") == ("vpc-a", "aws:s3")


def test_an_absent_service_call_takes_the_default_route_through_nat() -> None:
    # every pair over peering; a's 5 GB to SQS through its 2 NAT gateways (one per AZ): 730 h each, 5 GB processed
    metered = usage(in_memory(VPCS, ROWS), Settings(), Mix(pairs={}, every_pair="peering"))
    assert metered.problems == []
    found = meters(metered)
    assert found[("nat_gateway_hours", "a/nat-gateway")] == Decimal(1460)
    assert found[("nat_gateway_bytes", "a/nat-gateway")] == Decimal(5)


def test_pairs_absent_from_the_mix_take_every_pair_or_are_unroutable() -> None:
    estate = in_memory(VPCS, ROWS)
    some = Mix(pairs={pair_key("a", "b"): "transit-gateway"}, every_pair="peering")
    assert usage(estate, Settings(), some).problems == []
    none = usage(estate, Settings(), Mix(pairs={pair_key("a", "b"): "transit-gateway"}))
    assert none.problems == [
        "a and c exchange traffic (30 GB) but no connection between them is chosen: unroutable, not priced"
    ]
    # only a ↔ b goes through the TGW: its 10 GB processed at a's attachment, and a and b attached
    assert meters(none)[("transit_gateway_bytes", "a/tgw-attachment")] == Decimal(10)
    assert ("transit_gateway_attachment_hours", "c/tgw-attachment") not in meters(none)


def test_a_pair_or_call_that_carries_no_traffic_is_ignored() -> None:
    mix = Mix(pairs={pair_key("b", "c"): "transit-gateway"}, services={service_key("b", "s3"): "gateway-endpoint"},
              every_pair="peering")  # fmt: skip
    metered = usage(in_memory(VPCS, ROWS), Settings(), mix)
    assert metered.problems == []
    assert not any(item.startswith("transit_gateway") for item, _ in meters(metered))


def test_an_unknown_option_is_a_programming_error() -> None:
    estate = in_memory(VPCS, ROWS)
    with pytest.raises(ValueError, match="unknown pair option 'mesh'"):
        usage(estate, Settings(), Mix(pairs={pair_key("a", "b"): "mesh"}, every_pair="peering"))
    with pytest.raises(ValueError, match="unknown service option 'carrier-pigeon'"):
        usage(estate, Settings(), Mix(pairs={}, every_pair="peering", every_service="carrier-pigeon"))


def test_a_refused_service_call_is_a_problem_and_is_not_priced() -> None:
    mix = Mix(pairs={}, services={service_key("a", "sqs"): "gateway-endpoint"}, every_pair="peering")
    metered = usage(in_memory(VPCS, ROWS), Settings(), mix)
    assert metered.problems == ["a: aws:sqs has no gateway endpoint (only S3 and DynamoDB do); not priced"]
    assert not any(item.startswith("nat_gateway") for item, _ in meters(metered))


def test_a_member_of_the_shared_vpc_must_share_with_every_peer() -> None:
    mix = Mix(pairs={pair_key("a", "b"): "sharing"}, shared=frozenset({"a", "b"}), every_pair="peering")
    metered = usage(in_memory(VPCS, ROWS), Settings(), mix)
    assert metered.problems == ["a sits in the shared VPC, so its traffic with c must use sharing, not peering"]


def test_endpoints_billed_alike_become_one_meter() -> None:
    # privatelink: a's endpoints to b's and c's endpoint services are one resource, a/vpce:endpoint-services, in a's
    # 2 AZs: 2 endpoints × 2 AZs × 730 h = 2,920 endpoint-hours on one meter
    metered = usage(in_memory(VPCS, ROWS[:2]), Settings(), Mix(pairs={}, every_pair="privatelink"))
    hours = [m for m in metered.meters if m.item == "vpc_endpoint_hours"]
    assert [(m.resource.name, m.quantity) for m in hours] == [("a/vpce:endpoint-services", Decimal(2920))]


def test_a_resource_several_subjects_need_is_counted_once() -> None:
    # b ↔ a and c ↔ a both through the TGW: a is attached once, 730 attachment-hours
    metered = usage(in_memory(VPCS, ROWS[:2]), Settings(), Mix(pairs={}, every_pair="transit-gateway"))
    assert meters(metered)[("transit_gateway_attachment_hours", "a/tgw-attachment")] == Decimal(730)
