"""Data transfer rules: cross-AZ, inter-region and to the internet, written once for every option."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, cents, vpc
from tests.support.estates import Charged, charged, context, estate, every_flow, flows
from tests.support.line_items import cost
from vpccost.options import transfer
from vpccost.options.base import OptionUsage
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
)


def test_i5_inter_region_and_intra_region_transfer(write_estate: WriteEstate) -> None:
    # I5, infracost expected output: us-east-1 -> other regions 750 GB: $15.00; -> us-east-2 500 GB: $5.00;
    # intra-region 1,000 GB each way: $20.00.
    traffic, topology = write_estate(
        [
            vpc("east", azs=["use1-az1", "use1-az2"]),
            vpc("west", region="us-west-2", azs=["usw2-az1"]),
            vpc("ohio", region="us-east-2", azs=["use2-az1"]),
        ],
        "src,dst,src_az,dst_az,gb\neast,west,,,750\neast,ohio,,,500\neast,east,use1-az1,use1-az2,1000",
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert cost(peering, "USE1-USW2-AWS-Out-Bytes") == Decimal("15.00")
    assert cost(peering, "USE1-USE2-AWS-Out-Bytes") == Decimal("5.00")
    assert cost(peering, "USE1-DataTransfer-Regional-Bytes") == Decimal("20.00")
    assert cents(peering.total_usd) == Decimal("40.00")


# ---- the rules one by one, on an estate built in memory ------------------------------------------------------
# vpccost/options/transfer.py, from AWS's EC2 on-demand pricing page (data transfer): cross-AZ bytes pay $/GB out
# at the sender and in at the receiver; inter-region bytes the sending region's rate to the receiving region.
A, B = "111111111111", "222222222222"
VPCS = [vpc("a", account=A, azs=["use1-az1", "use1-az2"]), vpc("b", account=B, azs=["use1-az2"]),
        vpc("w", region="us-west-2", azs=["usw2-az1"])]  # fmt: skip
ROWS = [
    {"src": "a", "dst": "b", "gb": "10", "src_az": "use1-az1"},  # flow 0: crosses AZs
    {"src": "a", "dst": "b", "gb": "1", "src_az": "use1-az2"},  # flow 1: one AZ
    {"src": "a", "dst": "b", "gb": "2"},  # flow 2: a's AZ unknown
    {"src": "a", "dst": "a", "gb": "3", "src_az": "use1-az1", "dst_az": "use1-az2"},  # flow 3: inside a
    {"src": "b", "dst": "w", "gb": "4"},  # flow 4: us-east-1 → us-west-2
    {"src": "a", "dst": "internet", "gb": "5"},  # flow 5
    {"src": "a", "dst": "aws:s3", "gb": "6"},  # flow 6: a service in a's region
]


def test_vpc_to_vpc_is_between_two_different_vpcs() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert np.flatnonzero(transfer.vpc_to_vpc(ctx)).tolist() == [0, 1, 2, 4]


def test_an_unknown_az_crosses_and_is_stated_once() -> None:
    ctx = context(estate(VPCS, ROWS))
    usage = OptionUsage()
    assert np.flatnonzero(transfer.crosses_az(ctx, flows(ctx, 0, 1, 2), usage)).tolist() == [0, 2]
    transfer.crosses_az(ctx, flows(ctx, 2), usage)
    assert usage.assumptions == [
        "2 GB of traffic between VPC resources without a known AZ on both sides is priced as crossing AZs."
    ]


def test_regional_transfer_both_ways_on_each_sides_vpc_and_account() -> None:
    ctx = context(estate(VPCS, ROWS))
    declared = OptionUsage(charges=transfer.regional_both_ways(ctx, flows(ctx, 0), component="Cross-AZ"))
    assert charged(ctx, declared) == [
        Charged("Cross-AZ (out)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a", None, (0,)),
        Charged("Cross-AZ (in)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "b", None, (0,)),
    ]


def test_inter_region_only_where_the_regions_differ_at_the_senders_rate() -> None:
    ctx = context(estate(VPCS, ROWS))
    payer = ctx.flows.src.account
    declared = OptionUsage(charges=[transfer.inter_region(ctx, every_flow(ctx), component="Inter", payer=payer)])
    # flow 5 goes to the internet (no region) and flow 6 stays in us-east-1: only flow 4 crosses regions
    assert charged(ctx, declared) == [
        Charged("Inter", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", B, "b", "us-west-2", (4,))
    ]


def test_a_named_service_in_the_vpcs_region_costs_no_transfer() -> None:
    ctx = context(estate(VPCS, ROWS))
    assert charged(ctx, OptionUsage(charges=transfer.outside(ctx, flows(ctx, 6)))) == []
    assert [charge.flows for charge in charged(ctx, OptionUsage(charges=transfer.outside(ctx, flows(ctx, 5))))] == [
        (5,)
    ]


def test_transfer_outside_is_the_workload_accounts_unless_the_path_names_a_payer() -> None:
    # straight through the internet gateway the VPC side's workload account pays (b's row says B); a path
    # through NAT gateways names their owner instead (`own_nat.transfer_payer`: Amazon VPC User Guide, "Billing
    # and metering for owner and participants")
    rows = [*ROWS, {"src": "a", "dst": "internet", "gb": "8", "src_account": B}]  # flow 7: a workload of B in a
    ctx = context(estate(VPCS, rows))
    direct = OptionUsage(charges=transfer.outside(ctx, flows(ctx, 5, 7)))
    egress = "Data transfer out to the internet"
    assert charged(ctx, direct) == [
        Charged(egress, DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", A, "a", None, (5,)),
        Charged(egress, DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", B, "a", None, (7,)),
    ]
    owner = np.full(len(ctx.flows), ctx.estate.accounts.index(A), dtype=np.int32)
    named = OptionUsage(charges=transfer.outside(ctx, flows(ctx, 5, 7), payer=owner))
    assert charged(ctx, named) == [Charged(egress, DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", A, "a", None, (5, 7))]
