"""VPC sharing: traffic between members is traffic inside one VPC, the sender's inter-region rate between the
regions' shared VPCs, and the rules of the assignment — both VPCs of a pair placed, a member's pairs all shared,
participant accounts, overlapping members (vpccost/options/shared_vpc.py; AWS's VPC sharing documentation)."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, charged, context, estate, every_flow
from vpccost.options import subjects
from vpccost.options.base import Blocked, Findings
from vpccost.options.shared_vpc import OPTION, check_members, misplaced
from vpccost.pricing.items import DATA_TRANSFER_INTER_REGION_BYTES, DATA_TRANSFER_REGIONAL_BYTES

A, B, C = "111111111111", "222222222222", "333333333333"
VPCS = [
    vpc("a", account=A, cidrs=["10.0.0.0/16"]),
    vpc("b", account=B, azs=["use1-az2"], cidrs=["10.1.0.0/16"]),
    vpc("c", account=C, region="us-west-2", azs=["usw2-az1"], cidrs=["10.2.0.0/16"]),
    vpc("d", account=A, cidrs=["10.3.0.0/16"]),
]
ROWS = [
    {"src": "a", "dst": "b", "gb": "10"},  # flow 0: use1-az1 → use1-az2
    {"src": "a", "dst": "d", "gb": "7"},  # flow 1: both in use1-az1
    {"src": "b", "dst": "c", "gb": "5"},  # flow 2: us-east-1 → us-west-2
]


def test_members_pay_regional_transfer_across_azs_and_the_senders_rate_across_regions() -> None:
    ctx = context(estate(VPCS, ROWS), members=["a", "b", "c", "d"])
    within = "Cross-AZ data transfer within the shared VPC"
    assert charged(ctx, OPTION.usage(ctx, every_flow(ctx))) == [
        Charged(f"{within} (out)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", A, "a", None, (0,)),
        Charged(f"{within} (in)", DATA_TRANSFER_REGIONAL_BYTES, "us-east-1", B, "b", None, (0,)),
        Charged("Inter-region data transfer over shared-VPC peering", DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", B,
                "b", "us-west-2", (2,)),
    ]  # fmt: skip


def test_a_pair_shares_only_when_both_vpcs_are_placed() -> None:
    ctx = context(estate(VPCS, ROWS), members=["a", "d"])
    # VPC codes in the order the src column, then the dst column, first name them: a 0, b 1, d 2, c 3
    pairs = subjects.pairs(ctx).keys
    assert pairs.tolist() == [[0, 1], [0, 2], [1, 3]]  # (a, b), (a, d), (b, c)
    assert OPTION.blocked(ctx, pairs) == {
        0: Blocked("a and b are to share a VPC, but b is not placed in the shared VPC", priced=True),
        2: Blocked("b and c are to share a VPC, but b, c is not placed in the shared VPC", priced=True),
    }


def test_a_members_pairs_must_all_use_sharing() -> None:
    ctx = context(estate(VPCS, ROWS), members=["a", "d"])
    pairs = subjects.pairs(ctx).keys
    assert misplaced(ctx, pairs, "peering") == {
        0: Blocked("a sits in the shared VPC, so its traffic with b must use sharing, not peering", priced=True),
        1: Blocked("a sits in the shared VPC, so its traffic with d must use sharing, not peering", priced=True),
    }


def test_over_100_participant_accounts_need_a_quota_increase() -> None:
    # the workload accounts of the members' flows, per region; 100 participants by default (the Amazon VPC
    # quotas page, VPC sharing)
    rows = [{"src": "a", "dst": "internet", "gb": "1", "src_account": f"{n:012d}"} for n in range(101)]
    ctx = context(estate([vpc("a")], rows), members=["a"])
    findings = Findings()
    assert check_members(ctx, findings) == []
    assert findings.quota_increases == [
        "shared VPC in us-east-1: 101 participant accounts (default quota 100, adjustable)"
    ]
    fewer = context(estate([vpc("a")], rows[:100]), members=["a"])
    within = Findings()
    check_members(fewer, within)
    assert within == Findings()


def test_overlapping_members_of_one_region_need_new_addresses() -> None:
    vpcs = [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.0.0.0/24"]), vpc("c", cidrs=["10.0.0.0/8"])]
    rows = [{"src": "a", "dst": "b", "gb": "1"}, {"src": "a", "dst": "c", "gb": "1"}]
    ctx = context(estate(vpcs, rows), members=["a", "b"])  # c overlaps both but is not placed
    assert check_members(ctx, Findings()) == [
        "sharing design: a and b overlap; their subnets need new addresses in the shared VPC."
    ]


# A participant's internet traffic in the shared VPC, priced through `compare` (us-east-1 prices of the bundled
# snapshot, from the AWS VPC pricing page and the EC2 on-demand pricing page's data transfer section). Payers as the
# Amazon VPC User Guide states them ("Billing and metering for owner and participants",
# https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-billing.html): the VPC owner pays the NAT gateways,
# their data processing and the data transfer across them; participants pay inter-AZ transfer and the transfer
# across internet gateways (an egress-only internet gateway is one).
PARTICIPANT_TRAFFIC = """src,dst,src_az,dst_az,initiator,gb,ip_version
app,internet,use1-az1,,src,100,4
app,db,use1-az1,use1-az2,src,10,4
app,internet,use1-az1,,src,10,6
"""


def test_a_participants_ipv4_egress_is_paid_by_the_shared_vpcs_owner(write_estate: WriteEstate) -> None:
    # network account A owns the shared VPC (use1-az1 and use1-az2: 2 NAT gateways); app and db are account B's.
    # A: NAT 2 × 730 h × $0.045 = $65.70, their addresses 2 × 730 h × $0.005 = $7.30, processing 100 GB × $0.045
    # = $4.50, egress through the NAT gateways 100 GB × $0.09 (first tier) = $9.00 → $86.50.
    # B: cross-AZ app → db 10 GB × ($0.01 out + $0.01 in) = $0.20, IPv6 egress through the egress-only internet
    # gateway 10 GB × $0.09 = $0.90 → $1.10. Total $87.60.
    traffic, topology = write_estate(
        [vpc("app", account=B, azs=["use1-az1"]), vpc("db", account=B, azs=["use1-az2"])],
        PARTICIPANT_TRAFFIC,
        network_account=A,
    )
    sharing = vpccost.compare(traffic, topology, designs=["sharing"], pricing=SNAPSHOT).design("sharing")

    def paid(usage_type: str, payer: str) -> Decimal:
        return sum(
            (item.cost_usd for item in sharing.line_items
             if item.usage_type == usage_type and item.payer_account == payer),
            Decimal(0),
        )  # fmt: skip

    assert paid("NatGateway-Bytes", A) == Decimal("4.50")
    assert paid("DataTransfer-Out-Bytes", A) == Decimal("9.00")
    assert paid("DataTransfer-Out-Bytes", B) == Decimal("0.90")
    assert paid("USE1-DataTransfer-Regional-Bytes", B) == Decimal("0.20")
    assert paid("USE1-DataTransfer-Regional-Bytes", A) == Decimal(0)
    by_account = {
        account: sum((item.cost_usd for item in sharing.line_items if item.payer_account == account), Decimal(0))
        for account in (A, B)
    }
    assert by_account == {A: Decimal("86.50"), B: Decimal("1.10")}
    assert sharing.total_usd == Decimal("87.60")
