"""Traffic inside one VPC: regional transfer each way when it crosses AZs, the same in every design
(`vpccost.options.intra_vpc`; AWS's EC2 pricing page: $0.01/GB in each direction between AZs)."""

from __future__ import annotations

from tests.conftest import vpc
from tests.support.estates import Charged, charged, context, estate
from vpccost.options import intra_vpc
from vpccost.pricing.items import DATA_TRANSFER_REGIONAL_BYTES

A, B = "111111111111", "222222222222"
TWO_AZS = vpc("a", account=A, azs=["use1-az1", "use1-az2"])
WITHIN = "Cross-AZ data transfer within a VPC"


def test_crossing_azs_pays_out_and_in_and_the_same_az_nothing() -> None:
    rows = [
        # flow 0: across AZs, sent by a workload of account 2…2 (a shared subnet) to one of a's owner
        {"src": "a", "dst": "a", "gb": "10", "src_az": "use1-az1", "dst_az": "use1-az2", "src_account": B},
        {"src": "a", "dst": "a", "gb": "99", "src_az": "use1-az2", "dst_az": "use1-az2"},  # flow 1: one AZ
        {"src": "a", "dst": "b", "gb": "5", "src_az": "use1-az1"},  # flow 2: between VPCs, not this rule's
    ]
    ctx = context(estate([TWO_AZS, vpc("b")], rows))
    used = intra_vpc.usage(ctx)
    assert charged(ctx, used) == [
        Charged(f"{WITHIN} (out)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "a", None, (0,)),
        Charged(f"{WITHIN} (in)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a", None, (0,)),
    ]
    assert used.assumptions == []


def test_an_unknown_az_counts_as_crossing_and_says_how_many_gb() -> None:
    rows = [{"src": "a", "dst": "a", "gb": "2.5"}, {"src": "a", "dst": "a", "gb": "0.5", "src_az": "use1-az1"}]
    ctx = context(estate([TWO_AZS], rows))
    used = intra_vpc.usage(ctx)
    assert [charge.flows for charge in charged(ctx, used)] == [(0, 1), (0, 1)]
    assert used.assumptions == [
        "3 GB of traffic between VPC resources without a known AZ on both sides is priced as crossing AZs."
    ]


def test_a_vpc_with_one_az_never_crosses() -> None:
    ctx = context(estate([vpc("a")], [{"src": "a", "dst": "a", "gb": "10"}]))  # use1-az1 only
    assert charged(ctx, intra_vpc.usage(ctx)) == []
