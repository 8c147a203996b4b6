"""Quotas that decide feasibility, on estates built here because they are too large to write
out: a hub sending 1 GB to each of many VPCs, all in use1-az1. The quotas, from the AWS documentation's quota pages
for Amazon VPC (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html), PrivateLink and Transit
Gateway: active peering connections per VPC 50 by default, 125 at most; routes per route table 50 by default,
1,000 at most; interface endpoints per VPC 50 by default; attachments per transit gateway 5,000."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import WriteEstate, by_design, cents, vpc
from tests.support.scenarios import Document, compare

NETWORK = "111111111111"


def hub_and_spokes(write_estate: WriteEstate, hub: str, spokes: dict[str, list[str]]) -> dict[str, Document]:
    """`compare` of a hub (10.0.0.0/16) sending 1 GB to each spoke (name → CIDRs), all in use1-az1."""
    vpcs = [vpc(f"vpc-{hub}", name=hub, account=NETWORK, cidrs=["10.0.0.0/16"])]
    vpcs += [vpc(f"vpc-{name}", name=name, account=NETWORK, cidrs=cidrs) for name, cidrs in spokes.items()]
    rows = "".join(f"{hub},{name},use1-az1,use1-az1,src,1\n" for name in spokes)
    traffic, _ = write_estate(vpcs, "src,dst,src_az,dst_az,initiator,gb\n" + rows)
    return by_design(compare(traffic.parent))


def test_fifty_one_peers_need_quota_increases(write_estate: WriteEstate) -> None:
    designs = hub_and_spokes(write_estate, "hub", {f"spoke{i}": [f"10.{i}.0.0/16"] for i in range(1, 52)})
    peering = designs["peering"]
    # 51 peering connections on hub (> 50, ≤ 125) and 51 routes in its table (> 50, ≤ 1,000): feasible, both listed
    assert peering["feasible"] is True, peering["problems"]
    assert cents(peering["total_usd"]) == Decimal("0.00")  # all in use1-az1: peering free
    text = json.dumps(peering["quota_increases"]).lower()
    assert "peer" in text, peering["quota_increases"]
    assert "route" in text, peering["quota_increases"]
    assert "hub" in text, peering["quota_increases"]
    # interface endpoints per VPC, default 50: hub opens 51 → privatelink lists an increase, still feasible
    privatelink = designs["privatelink"]
    assert privatelink["feasible"] is True
    assert any("endpoint" in entry.lower() and "51" in entry for entry in privatelink["quota_increases"])


def test_routes_over_fifty_from_several_cidrs_per_peer(write_estate: WriteEstate) -> None:
    spokes = {f"leaf{i}": [f"10.{i}.0.0/16", f"172.16.{i}.0/24", f"192.168.{i}.0/24"] for i in range(1, 21)}
    peering = hub_and_spokes(write_estate, "hub2", spokes)["peering"]
    # 20 peers (≤ 50: no peering quota) but 20 × 3 = 60 routes in hub2's table (> 50): a route quota increase
    assert peering["feasible"] is True, peering["problems"]
    increases = peering["quota_increases"]
    assert any("route" in json.dumps(entry).lower() for entry in increases), increases
    assert not any(
        "peer" in json.dumps(entry).lower() and "route" not in json.dumps(entry).lower() for entry in increases
    ), increases


def test_over_125_peers_is_infeasible(write_estate: WriteEstate) -> None:
    designs = hub_and_spokes(write_estate, "hub3", {f"s{i}": [f"10.{i}.0.0/16"] for i in range(1, 127)})
    # 126 peering connections on hub3 > 125 (the maximum): peering infeasible, the problem names hub3; TGW (127
    # attachments ≤ 5,000) stays feasible
    assert designs["peering"]["feasible"] is False
    assert "hub3" in json.dumps(designs["peering"]["problems"])
    assert designs["transit-gateway"]["feasible"] is True
