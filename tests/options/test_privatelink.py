"""PrivateLink between VPCs: the initiator's interface endpoints to the responder's endpoint service, one NLB per
provider VPC and its NLCU-hours, and the sender's inter-region rate (the rules of vpccost/options/privatelink.py,
from AWS's PrivateLink and Elastic Load Balancing pricing pages)."""

from __future__ import annotations

import numpy as np

from tests.conftest import vpc
from tests.support.estates import Charged, charged, context, estate, every_flow, needed
from vpccost.options.privatelink import OPTION
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    NLB_HOURS,
    NLB_NLCU_HOURS,
    VPC_ENDPOINT_BYTES,
    VPC_ENDPOINT_HOURS,
)

A, B, C = "111111111111", "222222222222", "333333333333"
# a, the consumer, spans two AZs; b (us-east-1) and c (us-west-2) provide endpoint services
VPCS = [
    vpc("a", account=A, azs=["use1-az1", "use1-az2"], cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, cidrs=["10.0.0.0/16"]),  # the same CIDR as a: PrivateLink does not mind
    vpc("c", account=C, region="us-west-2", azs=["usw2-az1"]),
]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},  # flow 0: a calls b
    {"src": "b", "dst": "a", "gb": "4", "initiator": "dst"},  # flow 1: b's answers to a's calls
    {"src": "a", "dst": "c", "gb": "5"},  # flow 2: a calls c in another region
]


def test_the_consumer_pays_the_endpoints_processing_and_the_provider_the_nlcu_hours() -> None:
    ctx = context(estate(VPCS, ROWS))
    used = OPTION.usage(ctx, every_flow(ctx))
    # a's endpoints to other VPCs' services are one resource, a/vpce:endpoint-services, processing both directions
    assert charged(ctx, used) == [
        Charged("Data processed (Interface endpoint)", VPC_ENDPOINT_BYTES, "us-east-1", A, "a/vpce:endpoint-services",
                None, (0, 1, 2)),
        Charged("Network Load Balancer capacity (NLCU-hours)", NLB_NLCU_HOURS, "us-east-1", B, "b/nlb", None, (0, 1)),
        Charged("Network Load Balancer capacity (NLCU-hours)", NLB_NLCU_HOURS, "us-west-2", C, "c/nlb", None, (2,)),
        Charged("Inter-region data transfer (PrivateLink)", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", A, "a",
                "us-west-2", (2,)),
    ]  # fmt: skip
    assert len(used.assumptions) == 2
    assert "NLCU-hours equal the GB each NLB processes" in used.assumptions[1]


def test_an_endpoint_in_each_az_of_the_consumer_per_provider_and_one_nlb_per_provider() -> None:
    ctx = context(estate(VPCS, ROWS))
    endpoint = ("Interface endpoint (per AZ)", VPC_ENDPOINT_HOURS, "us-east-1", A, "a/vpce:endpoint-services", 2,
                "hour")  # fmt: skip
    assert needed(ctx, OPTION.usage(ctx, every_flow(ctx))) == {
        ("interface-endpoint", 0, "vpc", "b"): (endpoint,),
        ("interface-endpoint", 0, "vpc", "c"): (endpoint,),
        ("nlb", 1): (("Network Load Balancer", NLB_HOURS, "us-east-1", B, "b/nlb", 1, "hour"),),
        ("nlb", 2): (("Network Load Balancer", NLB_HOURS, "us-west-2", C, "c/nlb", 1, "hour"),),
    }


def test_no_flow_declares_nothing() -> None:
    ctx = context(estate(VPCS, ROWS))
    used = OPTION.usage(ctx, ~every_flow(ctx))
    assert (charged(ctx, used), needed(ctx, used), used.assumptions) == ([], {}, [])
    assert OPTION.blocked(ctx, ctx.estate.flows.src.vpc[:0].reshape(0, 2)) == {}


def test_the_endpoints_to_endpoint_services_are_metered_together_as_the_ones_they_stand_for() -> None:
    # a's two endpoints (to b and to c), 2 AZs each: one resource standing for 2 endpoints, 2 × 2 = 4 AZ-hours
    ctx = context(estate(VPCS, ROWS))
    (endpoints, _) = OPTION.usage(ctx, every_flow(ctx)).needs
    assert endpoints.together is not None
    codes = np.unique(endpoints.codes[endpoints.rows])
    (together,) = endpoints.together(codes)
    one_by_one = [endpoints.resource(code) for code in codes.tolist()]
    assert (together.key, together.stands_for) == (("interface-endpoint", 0, "vpc", "*endpoint-services"), 2)
    assert together.charges[0].number == sum(resource.charges[0].number for resource in one_by_one) == 4
    assert together.charges[0]._replace(number=1) == one_by_one[0].charges[0]._replace(number=1)
