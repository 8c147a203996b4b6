"""Central endpoints: a VPC's calls to a service through the interface endpoint in its region's hub VPC, over the
transit gateway, and the hub's rules (vpccost/options/central_endpoint.py; AWS's PrivateLink, Transit Gateway and
Route 53 pricing pages)."""

from __future__ import annotations

from tests.conftest import vpc
from tests.support.estates import Charged, charged, context, estate, needed
from vpccost.options import subjects
from vpccost.options.base import Blocked
from vpccost.options.central_endpoint import ASSUMPTION, OPTION, endpoint
from vpccost.pricing.items import (
    ROUTE53_HOSTED_ZONE_MONTHS,
    TRANSIT_GATEWAY_ATTACHMENT_HOURS,
    TRANSIT_GATEWAY_BYTES,
    VPC_ENDPOINT_BYTES,
    VPC_ENDPOINT_HOURS,
)

A, B, C, NETWORK = "111111111111", "222222222222", "333333333333", "999999999999"
VPCS = [
    vpc("a", account=A, azs=["use1-az1", "use1-az2"], cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, cidrs=["10.1.0.0/16"]),
    vpc("hub", account=C, azs=["use1-az1", "use1-az2", "use1-az4"], cidrs=["10.0.0.0/24"]),  # overlaps a
]
ROWS = [
    {"src": "a", "dst": "aws:s3", "gb": "10"},  # flow 0: a sends to S3
    {"src": "aws:s3", "dst": "a", "gb": "30", "initiator": "dst"},  # flow 1: S3 answers a
    {"src": "b", "dst": "aws:sqs", "gb": "2"},  # flow 2
    {"src": "hub", "dst": "aws:s3", "gb": "1"},  # flow 3: the hub's own call
]
ATTACHMENT = "Transit gateway attachment (VPC)"
PER_AZ = "Interface endpoint (per AZ)"
ZONE = "Route 53 private hosted zone"


def test_without_a_hub_vpc_a_new_hub_per_region_belongs_to_the_network_account() -> None:
    ctx = context(estate(VPCS, ROWS[:3], network_account=NETWORK))
    used = OPTION.usage(ctx, subjects.services(ctx).rows)
    processed_tgw = "Data processed (Transit gateway)"
    # the endpoint processes both directions; the TGW processes the spoke's bytes at the spoke's attachment (its
    # owner pays) and the service's at the hub's attachment (the hub's owner pays)
    assert charged(ctx, used) == [
        Charged("Data processed (Interface endpoint, central)", VPC_ENDPOINT_BYTES, "us-east-1", NETWORK,
                "hub-us-east-1/vpce:s3", None, (0, 1)),
        Charged("Data processed (Interface endpoint, central)", VPC_ENDPOINT_BYTES, "us-east-1", NETWORK,
                "hub-us-east-1/vpce:sqs", None, (2,)),
        Charged(processed_tgw, TRANSIT_GATEWAY_BYTES, "us-east-1", A, "a/tgw-attachment", None, (0,)),
        Charged(processed_tgw, TRANSIT_GATEWAY_BYTES, "us-east-1", B, "b/tgw-attachment", None, (2,)),
        Charged(processed_tgw, TRANSIT_GATEWAY_BYTES, "us-east-1", NETWORK, "hub-us-east-1/tgw-attachment", None,
                (1,)),
    ]  # fmt: skip
    hub = "hub-us-east-1"
    assert needed(ctx, used) == {
        ("tgw-attachment", 0): ((ATTACHMENT, TRANSIT_GATEWAY_ATTACHMENT_HOURS, "us-east-1", A, "a/tgw-attachment", 1,
                                 "hour"),),
        ("tgw-attachment", 1): ((ATTACHMENT, TRANSIT_GATEWAY_ATTACHMENT_HOURS, "us-east-1", B, "b/tgw-attachment", 1,
                                 "hour"),),
        ("tgw-attachment", "hub", 0): ((ATTACHMENT, TRANSIT_GATEWAY_ATTACHMENT_HOURS, "us-east-1", NETWORK,
                                        f"{hub}/tgw-attachment", 1, "hour"),),
        # a new hub spans 2 AZs; the hosted zone is billed per started month, in no region
        ("central-endpoint", 0, "s3"): (
            (PER_AZ, VPC_ENDPOINT_HOURS, "us-east-1", NETWORK, f"{hub}/vpce:s3", 2, "hour"),
            (ZONE, ROUTE53_HOSTED_ZONE_MONTHS, "global", NETWORK, f"{hub}/phz:s3", 1, "month"),
        ),
        ("central-endpoint", 0, "sqs"): (
            (PER_AZ, VPC_ENDPOINT_HOURS, "us-east-1", NETWORK, f"{hub}/vpce:sqs", 2, "hour"),
            (ZONE, ROUTE53_HOSTED_ZONE_MONTHS, "global", NETWORK, f"{hub}/phz:sqs", 1, "month"),
        ),
    }  # fmt: skip


def test_an_existing_hub_vpc_holds_the_endpoints_in_its_azs_and_its_own_attachment() -> None:
    ctx = context(estate(VPCS, ROWS, network_account=NETWORK), hub="hub")
    # services s3 0, sqs 1; the code of (us-east-1, s3) packs region 0 and service 0
    s3 = endpoint(ctx, 0)
    assert s3.key == ("central-endpoint", 0, "s3")
    # the hub's owner pays, and its endpoint spans the hub's 3 AZs
    assert [(c.payer, c.resource.name, c.number) for c in s3.charges] == [(C, "hub/vpce:s3", 3), (C, "hub/phz:s3", 1)]
    assert s3.assumption == ASSUMPTION
    flows_of_a = subjects.services(ctx).of_flow == 0
    assert ("tgw-attachment", 2) in needed(ctx, OPTION.usage(ctx, flows_of_a))  # the hub VPC's own attachment


def test_the_hub_itself_a_vpc_overlapping_it_and_members_cannot_use_it() -> None:
    ctx = context(estate(VPCS, ROWS), hub="hub", members=["b"])
    calls = subjects.services(ctx).keys  # a → s3, b → sqs, hub → s3
    assert calls.tolist() == [[0, 0], [1, 1], [2, 0]]
    assert OPTION.blocked(ctx, calls) == {
        0: Blocked(
            "a overlaps the hub hub (10.0.0.0/16 / 10.0.0.0/24): the transit gateway cannot route to its central "
            "endpoints",
            priced=True,
        ),
        1: Blocked(
            "b sits in the shared VPC: its calls to aws:sqs use the shared VPC's NAT gateways or a gateway endpoint, "
            "not central-endpoint; not priced"
        ),
        2: Blocked("hub is the hub: its own calls to aws:s3 cannot use a central endpoint"),
    }


def test_an_overlap_in_a_family_the_calls_do_not_use_keeps_nothing_from_the_hub() -> None:
    # a and the hub share an IPv6 block only; a's calls to SQS are IPv4: the TGW routes them to the hub's
    # endpoints (one route per CIDR, per family). Calling over IPv6 too, they are refused.
    vpcs = [vpc("a", cidrs=["10.0.0.0/16", "2600:1f18:1::/56"]), vpc("hub", cidrs=["10.9.0.0/16", "2600:1f18:1::/56"])]
    ipv4 = [{"src": "a", "dst": "aws:sqs", "gb": "1"}, {"src": "a", "dst": "hub", "gb": "1"}]
    ctx = context(estate(vpcs, ipv4), hub="hub")
    assert OPTION.blocked(ctx, subjects.services(ctx).keys) == {}
    both = context(estate(vpcs, [*ipv4, {"src": "a", "dst": "aws:sqs", "gb": "1", "ip_version": "6"}]), hub="hub")
    (block,) = OPTION.blocked(both, subjects.services(both).keys).values()
    assert block.reason.startswith("a overlaps the hub hub (2600:1f18:1::/56 / 2600:1f18:1::/56)")


def test_without_a_hub_vpc_only_members_are_refused() -> None:
    ctx = context(estate(VPCS, ROWS), members=["b"])
    assert list(OPTION.blocked(ctx, subjects.services(ctx).keys)) == [1]
