"""Between VPCs over public addresses: NAT processing at the initiator's VPC on both directions, regional transfer
each way within a region, the sender's inter-region rate across regions, IPv6 without NAT (the rules of
vpccost/options/nat_public.py, from AWS's VPC pricing page)."""

from __future__ import annotations

from tests.conftest import vpc
from tests.support.estates import Charged, charged, context, estate, every_flow, needed
from vpccost.options import subjects
from vpccost.options.nat_public import OPTION, PUBLIC_PATH_ASSUMPTION
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
)

A, B, C = "111111111111", "222222222222", "333333333333"
VPCS = [
    vpc("a", account=A, azs=["use1-az1", "use1-az2"], cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, cidrs=["10.0.0.0/16"]),  # overlaps a: public addresses do not mind
    vpc("c", account=C, region="us-west-2", azs=["usw2-az1"]),
]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},  # flow 0: a opens, a sends
    {"src": "b", "dst": "a", "gb": "4", "initiator": "dst"},  # flow 1: a opened, b answers
    {"src": "a", "dst": "c", "gb": "5"},  # flow 2: across regions
    {"src": "a", "dst": "b", "gb": "3", "ip_version": "6"},  # flow 3: IPv6, no NAT
]


def test_nat_processing_at_the_initiator_and_transfer_between_public_addresses() -> None:
    ctx = context(estate(VPCS, ROWS))
    used = OPTION.usage(ctx, every_flow(ctx))
    between = "Data transfer between public addresses (same region)"
    out, into = f"{between} (out)", f"{between} (in)"
    assert charged(ctx, used) == [
        Charged("Data processed (NAT gateway)", NAT_GATEWAY_BYTES, "us-east-1", A, "a/nat-gateway", None, (0, 1, 2)),
        Charged(out, DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a", None, (0, 3)),
        Charged(out, DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "b", None, (1,)),
        Charged(into, DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "b", None, (0, 3)),
        Charged(into, DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a", None, (1,)),
        Charged("Inter-region data transfer (internet path)", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", A, "a",
                "us-west-2", (2,)),
    ]  # fmt: skip
    assert used.assumptions == [PUBLIC_PATH_ASSUMPTION]


def test_the_initiators_nat_gateways_one_in_each_of_its_azs() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert needed(ctx, OPTION.usage(ctx, every_flow(ctx))) == {
        ("nat-gateway", 0): (
            ("NAT gateway", NAT_GATEWAY_HOURS, "us-east-1", A, "a/nat-gateway", 2, "hour"),
            ("Public IPv4 address (NAT gateway)", PUBLIC_IPV4_IN_USE_HOURS, "us-east-1", A, "a/nat-gateway", 2, "hour"),
        )
    }


def test_public_addresses_are_never_blocked() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert OPTION.blocked(ctx, subjects.pairs(ctx).keys) == {}
