"""Edge scenarios, checked against `vpccost compare --format json` to the cent.

Independent of tests/test_hand_scenarios.py (which it does not repeat): every expected figure was worked out by
hand from /work/shared/DESIGN.md ("The designs", the rules under the table, "Interfaces") and the prices and
payers of /work/shared/PRICING-FACTS.md §1-§3, never from src/. Inputs are written inline into tmp_path.

Prices (us-east-1 = us-east-2 for all of these), a month = 730 h:
  NAT gateway        $0.045/h + its public IPv4 $0.005/h → 730 h × $0.05 = $36.50 per gateway; $0.045/GB processed
  TGW attachment     730 × $0.05 = $36.50 (VPC or peering, each side); $0.02/GB entering from a VPC attachment
  Interface endpoint 730 × $0.01 = $7.30 per AZ; $0.01 / $0.006 / $0.004 per GB, bounds 1,048,576 / 5,242,880 GB
  NLB                730 × $0.0225 = $16.425; NLCU-hours = processed GB × $0.006
  Regional           $0.01/GB out (sender) + $0.01/GB in (receiver); inter-region USE1 ↔ USE2 $0.01/GB, sender only
  Internet egress    $0.09 ≤ 10,240 GB, $0.085 ≤ 51,200 GB, $0.07 ≤ 153,600 GB, then $0.05; ingress free
  ap-northeast-1     TGW $0.07/h, $0.02/GB; peering $0.01 out + $0.01 in; no NAT, NLB or endpoint-bytes price
Snapshot entries used here that are `verified: false`: USE2-DataTransfer-Out-Bytes (egress tiers, us-east-2) and
USE2-VpcEndpoint-Bytes (endpoint processing, us-east-2); the us-east-1 ↔ us-east-2 rates themselves are verified.
Totals are compared after rounding half up to cents.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from .conftest import by_design, cents, totals

DESIGNS = ("nat", "peering", "transit-gateway", "privatelink", "sharing")
NETWORK, APP, DATA, OTHER = "111111111111", "222222222222", "333333333333", "444444444444"
COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "gb", "ip_version")

Row = tuple[str, str, str, str, str, int, int]


def vpc(name: str, account: str, region: str, azs: list[str], cidrs: list[str]) -> dict[str, Any]:
    return {"id": f"vpc-{name}", "name": name, "account": account, "region": region, "cidrs": cidrs, "azs": azs}


def run(
    tmp_path: Path, vpcs: list[dict[str, Any]], rows: list[Row], *extra: str, network: str | None = None
) -> subprocess.CompletedProcess[str]:
    topology: dict[str, Any] = {"vpcs": vpcs}
    if network is not None:
        topology["network_account"] = network
    (tmp_path / "topology.json").write_text(json.dumps(topology), encoding="utf-8")
    with (tmp_path / "traffic.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vpccost.cli",
            "compare",
            str(tmp_path / "traffic.csv"),
            "--topology",
            str(tmp_path / "topology.json"),
            "--format",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def compare(tmp_path: Path, vpcs: list[dict[str, Any]], rows: list[Row], *extra: str, **kw: str) -> dict[str, Any]:
    result = run(tmp_path, vpcs, rows, *extra, network=kw.get("network"))
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def items(design: dict[str, Any], usage: str, payer: str | None = None) -> list[dict[str, Any]]:
    """Line items whose usage type is `usage` or ends with `-usage` (an exact AWS usage type or its suffix)."""
    return [
        li
        for li in design["line_items"]
        if (li["usage_type"] == usage or li["usage_type"].endswith("-" + usage))
        and (payer is None or li["payer_account"] == payer)
    ]


def cost(design: dict[str, Any], usage: str, payer: str | None = None) -> Decimal:
    return cents(sum((Decimal(li["cost_usd"]) for li in items(design, usage, payer)), Decimal(0)))


def quantity(design: dict[str, Any], usage: str, payer: str | None = None) -> Decimal:
    return sum((Decimal(li["quantity"]) for li in items(design, usage, payer)), Decimal(0))


def payer_total(design: dict[str, Any], payer: str) -> Decimal:
    return cents(
        sum((Decimal(li["cost_usd"]) for li in design["line_items"] if li["payer_account"] == payer), Decimal(0))
    )


def figures(**values: str) -> dict[str, Decimal]:
    return {name.replace("_", "-"): Decimal(value) for name, value in values.items()}


# ---------------------------------------------------------------------------------------------------------------
# E1. AWS services in another region, from a us-east-1 VPC spanning two AZs; plus S3 named with its own region.
# ---------------------------------------------------------------------------------------------------------------

E1_VPCS = [vpc("reader", NETWORK, "us-east-1", ["use1-az1", "use1-az2"], ["10.1.0.0/16"])]
E1_ROWS: list[Row] = [
    ("reader", "aws:s3@us-east-2", "use1-az1", "", "src", 40, 4),
    ("aws:s3@us-east-2", "reader", "", "use1-az2", "dst", 600, 4),  # download the VPC opened
    ("reader", "aws:dynamodb@us-east-2", "use1-az2", "", "src", 10, 4),
    ("aws:dynamodb@us-east-2", "reader", "", "use1-az2", "dst", 50, 4),
    ("reader", "aws:s3@us-east-1", "use1-az1", "", "src", 100, 4),  # the VPC's own region, spelled out
]


def test_e1_services_in_another_region(tmp_path: Path) -> None:
    document = compare(tmp_path, E1_VPCS, E1_ROWS)
    got = totals(document)
    # nat / peering / TGW / sharing: NAT in each of reader's 2 AZs 2 × $36.50 = $73.00 (sharing: the shared VPC has
    #   the same 2 AZs); processing on the initiator's side, both directions: (40+600+10+50+100) = 800 GB × $0.045
    #   = $36.00; no gateway endpoint across regions, sender's inter-region rate on top: USE1→USE2 (40+10) × $0.01
    #   = $0.50, USE2→USE1 (600+50) × $0.01 = $6.50; same-region S3 transfer $0;  total $116.00.
    #   No VPC-to-VPC traffic: no TGW attachment, no peering.
    for name in ("nat", "peering", "transit-gateway", "sharing"):
        assert got[name] == Decimal("116.00"), name
    designs = by_design(document)
    for name in DESIGNS:
        assert cost(designs[name], "USE1-USE2-AWS-Out-Bytes") == Decimal("0.50"), name
        assert cost(designs[name], "USE2-USE1-AWS-Out-Bytes") == Decimal("6.50"), name
    assert quantity(designs["transit-gateway"], "TransitGateway-Hours") == 0
    assert quantity(designs["nat"], "NatGateway-Bytes") == Decimal(800)
    # privatelink: only the same-region S3 gets an interface endpoint: 2 AZs × $7.30 = $14.60, 100 × $0.01 = $1.00.
    #   The cross-region rows stay on NAT (DESIGN's table gives an interface endpoint only for a service in the same
    #   region; a reading, flagged in the report): $73.00 + 700 × $0.045 = $31.50 + $7.00 → total $127.10.
    assert quantity(designs["privatelink"], "VpcEndpoint-Hours") == Decimal(1460)
    assert quantity(designs["privatelink"], "VpcEndpoint-Bytes") == Decimal(100)
    assert got["privatelink"] == Decimal("127.10")
    # the service-access comparison covers the same-region S3 only (no gateway endpoint to a bucket in us-east-2):
    #   NAT stays for the cross-region rows, so S3 via NAT costs its processing 100 × $0.045 = $4.50; interface
    #   endpoint 2 × $7.30 + 100 × $0.01 = $15.60; gateway endpoint $0.00
    access = document["service_access"]
    assert [(a["service"], a["region"], Decimal(a["gb"])) for a in access] == [("s3", "us-east-1", Decimal(100))]
    assert cents(access[0]["nat_usd"]) == Decimal("4.50")
    assert cents(access[0]["interface_endpoint_usd"]) == Decimal("15.60")
    assert cents(access[0]["gateway_endpoint_usd"]) == Decimal("0.00")
    assert access[0]["nat_needed_for_other_traffic"] is True


# ---------------------------------------------------------------------------------------------------------------
# E2. aws:ec2 / aws:amazon public addresses in the VPC's region.
# ---------------------------------------------------------------------------------------------------------------

E2_VPCS = [vpc("app", NETWORK, "us-east-1", ["use1-az1"], ["10.2.0.0/16"])]
E2_ROWS: list[Row] = [
    ("app", "aws:ec2", "use1-az1", "", "src", 100, 4),
    ("aws:ec2", "app", "", "use1-az1", "dst", 300, 4),  # responses to app's connection
    ("aws:amazon", "app", "", "use1-az1", "src", 20, 4),  # opened from the AWS side: IGW, no NAT
    ("app", "aws:amazon", "use1-az1", "", "dst", 5, 4),  # its responses
]


def test_e2_aws_public_addresses_same_region(tmp_path: Path) -> None:
    document = compare(tmp_path, E2_VPCS, E2_ROWS)
    got = totals(document)
    # "Public/Elastic IPv4, same region: $0.01/GB each direction (billed as regional transfer)". Only app's side is
    # in the estimate: it pays $0.01 on what it sends (100 + 5) and $0.01 on what it receives (300 + 20):
    #   425 GB × $0.01 = $4.25.  NAT: 1 AZ → 1 gateway $36.50; processing only app's connection (100 + 300) × $0.045
    #   = $18.00 (the aws:amazon-initiated rows enter through the internet gateway);  total $58.75.
    # privatelink too: aws:ec2 / aws:amazon are public addresses, not a service with an interface endpoint, so the
    #   only path is NAT (a reading: DESIGN's table says "interface endpoint" for "AWS service")
    for name in DESIGNS:
        assert got[name] == Decimal("58.75"), name
    for name in DESIGNS:
        design = by_design(document)[name]
        assert cost(design, "USE1-DataTransfer-Regional-Bytes") == Decimal("4.25"), name
        assert quantity(design, "DataTransfer-Out-Bytes") == 0, name  # not internet egress


# ---------------------------------------------------------------------------------------------------------------
# E3. PrivateLink with the initiator on the dst side of a row (no row of that connection has initiator src), across
#     accounts; and a pair in two regions where both sides open connections.
#     consumer (APP) us-east-1 az1/az2/az3; api (DATA) us-east-1 az1; peer2 (DATA) us-east-2 az1/az2.
# ---------------------------------------------------------------------------------------------------------------

E3_VPCS = [
    vpc("consumer", APP, "us-east-1", ["use1-az1", "use1-az2", "use1-az3"], ["10.31.0.0/16"]),
    vpc("api", DATA, "us-east-1", ["use1-az1"], ["10.32.0.0/16"]),
    vpc("peer2", DATA, "us-east-2", ["use2-az1", "use2-az2"], ["10.33.0.0/16"]),
]
E3_ROWS: list[Row] = [
    ("api", "consumer", "use1-az1", "use1-az2", "dst", 500, 4),  # consumer opened; only the download is recorded
    ("consumer", "peer2", "use1-az1", "use2-az1", "src", 100, 4),  # consumer's connection
    ("peer2", "consumer", "use2-az1", "use1-az1", "dst", 20, 4),
    ("peer2", "consumer", "use2-az2", "use1-az3", "src", 60, 4),  # peer2's connection
    ("consumer", "peer2", "use1-az3", "use2-az2", "dst", 10, 4),
]


def test_e3_privatelink_initiator_on_dst_and_both_sides(tmp_path: Path) -> None:
    document = compare(tmp_path, E3_VPCS, E3_ROWS, network=NETWORK)
    assert totals(document) == figures(
        # nat: NAT at the initiators: consumer 3 AZs + peer2 2 AZs = 5 × $36.50 = $182.50 (api opens nothing);
        #   processing consumer (500 + 120) × $0.045 = $27.90, peer2 70 × $0.045 = $3.15; api↔consumer public
        #   address 500 × $0.02 = $10.00; inter-region USE1→USE2 110 × $0.01 = $1.10, USE2→USE1 80 × $0.01 = $0.80
        #   → $225.45
        nat="225.45",
        # peering: api→consumer cross-AZ 500 × $0.02 = $10.00 + inter-region $1.90 → $11.90
        peering="11.90",
        # TGW: 3 VPC attachments $109.50 + peering attachment both sides $73.00; processing from VPC attachments
        #   (500 + 110 + 80) × $0.02 = $13.80; inter-region $1.90 → $198.20
        transit_gateway="198.20",
        # privatelink: endpoints (consumer→api) 3 AZs $21.90, (consumer→peer2) 3 AZs $21.90, (peer2→consumer) 2 AZs
        #   $14.60 = $58.40; processing USE1 (500 + 120) × $0.01 = $6.20, USE2 70 × $0.01 = $0.70; NLBs on api,
        #   peer2, consumer 3 × $16.425 = $49.275; NLCU-h 690 × $0.006 = $4.14; inter-region $1.90; cross-AZ free
        #   → $120.615 → $120.62
        privatelink="120.62",
        # sharing: api and consumer in the us-east-1 shared VPC: cross-AZ 500 × $0.02 = $10.00; shared VPCs peered
        #   across regions: $1.90 → $11.90
        sharing="11.90",
    )
    pl = by_design(document)["privatelink"]
    # §2: the consumer (initiator) holds and pays the endpoints; the provider pays its NLB
    assert cost(pl, "VpcEndpoint-Hours", APP) == Decimal("43.80")  # 6 AZ-endpoints × 730 h × $0.01
    assert cost(pl, "VpcEndpoint-Hours", DATA) == Decimal("14.60")  # peer2's endpoint, 2 AZs, us-east-2
    assert cost(pl, "VpcEndpoint-Bytes", APP) == Decimal("6.20")
    assert cost(pl, "VpcEndpoint-Bytes", DATA) == Decimal("0.70")
    assert cost(pl, "LoadBalancerUsage", DATA) == Decimal("32.85")  # api's and peer2's NLBs
    assert cost(pl, "LoadBalancerUsage", APP) == Decimal("16.43")  # consumer's NLB, $16.425 half up
    assert cost(pl, "LCUUsage", DATA) == Decimal("3.72")  # api 500 + peer2 120 NLCU-h × $0.006
    assert cost(pl, "LCUUsage", APP) == Decimal("0.42")  # consumer's NLB: 70 NLCU-h
    holders = {(li["usage_type"], li["resource"].split("/")[0]) for li in items(pl, "VpcEndpoint-Hours")}
    assert holders == {("USE1-VpcEndpoint-Hours", "vpc-consumer"), ("USE2-VpcEndpoint-Hours", "vpc-peer2")}
    nlbs = {li["resource"].split("/")[0] for li in pl["line_items"] if li["usage_type"].endswith("LoadBalancerUsage")}
    assert nlbs == {"vpc-api", "vpc-peer2", "vpc-consumer"}
    assert any("vpc_endpoint_bytes in us-east-2" in a for a in document["assumptions"])  # `verified: false`
    assert cost(pl, "USE1-USE2-AWS-Out-Bytes", APP) == Decimal("1.10")  # sender pays
    assert cost(pl, "USE2-USE1-AWS-Out-Bytes", DATA) == Decimal("0.80")
    assert quantity(pl, "DataTransfer-Regional-Bytes") == 0  # cross-AZ through PrivateLink is free
    nat = by_design(document)["nat"]
    assert quantity(nat, "NatGateway-Hours", DATA) == Decimal(1460)  # peer2's 2 gateways; api has none
    assert cost(nat, "USE2-NatGateway-Bytes", DATA) == Decimal("3.15")
    tgw = by_design(document)["transit-gateway"]
    assert cost(tgw, "TransitGateway-Bytes", DATA) == Decimal("11.60")  # (500 + 80) × $0.02, sending attachments
    assert cost(tgw, "TransitGateway-Bytes", APP) == Decimal("2.20")  # 110 × $0.02


# ---------------------------------------------------------------------------------------------------------------
# E4. The nat design across two regions, with IPv4 and IPv6 VPC-to-VPC rows.
#     east1 us-east-1 az1/az2; near us-east-1 az1 (IPv6 traffic only); east2 us-east-2 az1.
# ---------------------------------------------------------------------------------------------------------------

E4_VPCS = [
    vpc("east1", NETWORK, "us-east-1", ["use1-az1", "use1-az2"], ["10.41.0.0/16", "2600:1f18:aaaa:4100::/56"]),
    vpc("near", NETWORK, "us-east-1", ["use1-az1"], ["10.42.0.0/16", "2600:1f18:aaaa:4200::/56"]),
    vpc("east2", NETWORK, "us-east-2", ["use2-az1"], ["10.43.0.0/16", "2600:1f16:aaaa:4300::/56"]),
]
E4_ROWS: list[Row] = [
    ("east1", "east2", "use1-az1", "use2-az1", "src", 100, 4),
    ("east2", "east1", "use2-az1", "use1-az1", "dst", 200, 4),
    ("east1", "east2", "use1-az2", "use2-az1", "src", 300, 6),
    ("east2", "east1", "use2-az1", "use1-az2", "dst", 400, 6),
    ("near", "east1", "use1-az1", "use1-az2", "src", 50, 6),
    ("east1", "near", "use1-az2", "use1-az1", "dst", 70, 6),
]


def test_e4_nat_design_two_regions_and_ipv6(tmp_path: Path) -> None:
    document = compare(tmp_path, E4_VPCS, E4_ROWS)
    assert totals(document) == figures(
        # nat: IPv6 leaves through the egress-only IGW, no NAT: only east1's IPv4 connection needs NAT → 2 AZs
        #   $73.00 (near has only IPv6: no gateway); processing (100 + 200) × $0.045 = $13.50; inter-region,
        #   sender's rate, v4 and v6: USE1→USE2 (100 + 300) × $0.01 = $4.00, USE2→USE1 (200 + 400) × $0.01 = $6.00;
        #   near↔east1 public IPv6 in one region (50 + 70) × $0.02 = $2.40 → $98.90
        nat="98.90",
        # peering: inter-region $10.00 + near↔east1 cross-AZ 120 × $0.02 = $2.40 → $12.40
        peering="12.40",
        # TGW: 3 attachments $109.50 + peering both sides $73.00; processing USE1 (400 + 50 + 70) × $0.02 = $10.40,
        #   USE2 600 × $0.02 = $12.00; inter-region $10.00 → $214.90
        transit_gateway="214.90",
        # privatelink: endpoints east1→east2 2 AZs $14.60, near→east1 1 AZ $7.30; processing (1,000 + 120) × $0.01
        #   = $11.20; NLBs east2 + east1 $32.85; NLCU-h 1,120 × $0.006 = $6.72; inter-region $10.00 → $82.67
        privatelink="82.67",
        # sharing: near↔east1 cross-AZ in the us-east-1 shared VPC $2.40 + inter-region $10.00 → $12.40
        sharing="12.40",
    )
    nat = by_design(document)["nat"]
    assert quantity(nat, "NatGateway-Hours") == Decimal(1460)
    assert quantity(nat, "NatGateway-Bytes") == Decimal(300)
    assert cost(nat, "USE1-USE2-AWS-Out-Bytes") == Decimal("4.00")
    assert cost(nat, "USE2-USE1-AWS-Out-Bytes") == Decimal("6.00")
    assert cost(nat, "USE1-DataTransfer-Regional-Bytes") == Decimal("2.40")


# ---------------------------------------------------------------------------------------------------------------
# E5. sharing across two regions: web (APP, us-east-1 az1/az2), db (DATA, us-east-2 az1/az2/az3), etl (DATA,
#     us-east-2 az1); internet, S3 and inter-region traffic; network account NETWORK owns the shared VPCs.
# ---------------------------------------------------------------------------------------------------------------

E5_VPCS = [
    vpc("web", APP, "us-east-1", ["use1-az1", "use1-az2"], ["10.51.0.0/16"]),
    vpc("db", DATA, "us-east-2", ["use2-az1", "use2-az2", "use2-az3"], ["10.52.0.0/16"]),
    vpc("etl", DATA, "us-east-2", ["use2-az1"], ["10.53.0.0/16"]),
]
E5_ROWS: list[Row] = [
    ("web", "internet", "use1-az1", "", "src", 1000, 4),
    ("internet", "web", "", "use1-az2", "dst", 2000, 4),
    ("db", "internet", "use2-az1", "", "src", 500, 4),
    ("web", "db", "use1-az1", "use2-az1", "src", 100, 4),
    ("db", "web", "use2-az1", "use1-az1", "dst", 300, 4),
    ("etl", "aws:s3", "use2-az1", "", "src", 200, 4),
    ("db", "etl", "use2-az2", "use2-az1", "src", 50, 4),
]


def test_e5_sharing_two_regions_payers(tmp_path: Path) -> None:
    document = compare(tmp_path, E5_VPCS, E5_ROWS, network=NETWORK)
    got = totals(document)
    # sharing: shared VPC us-east-1 (use1-az1, use1-az2) 2 NAT gateways $73.00; shared VPC us-east-2 (3 AZs)
    #   3 × $36.50 = $109.50; processing USE1 (1,000 + 2,000) × $0.045 = $135.00, USE2 (500 + 200) × $0.045
    #   = $31.50; egress USE1 1,000 × $0.09 = $90.00, USE2 500 × $0.09 = $45.00; inter-region via the shared VPCs'
    #   peering 100 × $0.01 + 300 × $0.01 = $4.00; db→etl cross-AZ 50 × $0.02 = $1.00 → $489.00
    assert got["sharing"] == Decimal("489.00")
    # nat: NAT in web (2), db (3), etl (1) = $219.00; processing USE1 (3,000 + 400) × $0.045 = $153.00, USE2
    #   (500 + 50 + 200) × $0.045 = $33.75; egress $135.00; inter-region $4.00; db→etl public 50 × $0.02 = $1.00
    #   → $545.75
    assert got["nat"] == Decimal("545.75")
    # peering: NAT $219.00 + processing $135.00 + $31.50 + egress $135.00 + inter-region $4.00 + cross-AZ $1.00
    #   → $525.50
    assert got["peering"] == Decimal("525.50")
    # privatelink: NAT for the internet only: web 2 AZs $73.00 + 3,000 × $0.045 = $135.00, db 3 AZs $109.50
    #   + 500 × $0.045 = $22.50; egress $135.00; etl→S3 interface endpoint 1 AZ $7.30 + 200 × $0.01 = $2.00 (no NAT in
    #   etl); web→db: web's endpoint 2 AZs $14.60 + 400 × $0.01 = $4.00, db's NLB $16.425 + 400 × $0.006 = $2.40,
    #   inter-region $4.00; db→etl: db's endpoint 3 AZs $21.90 + 50 × $0.01 = $0.50, etl's NLB $16.425 + 50 × $0.006
    #   = $0.30 (cross-AZ free) → $564.85
    assert got["privatelink"] == Decimal("564.85")
    # TGW: attachments web, db, etl $109.50 + peering both sides $73.00; processing USE1 100 × $0.02 = $2.00, USE2
    #   (300 + 50) × $0.02 = $7.00; inter-region $4.00; NAT as in peering $219.00 + $166.50; egress $135.00 → $716.00
    assert got["transit-gateway"] == Decimal("716.00")
    # the us-east-2 egress tiers are `verified: false` in the snapshot: the output must say so (PRICING-FACTS [U])
    assert any("data_transfer_internet_out_bytes in us-east-2" in a for a in document["assumptions"])
    sharing = by_design(document)["sharing"]
    # §2: the VPC owner pays NAT gateways and their addresses in both shared VPCs, and NAT processing
    assert {li["payer_account"] for li in items(sharing, "NatGateway-Hours")} == {NETWORK}
    assert cost(sharing, "NatGateway-Hours", NETWORK) == Decimal("164.25")  # 5 × 730 h × $0.045
    assert cost(sharing, "PublicIPv4:InUseAddress", NETWORK) == Decimal("18.25")  # 5 × 730 h × $0.005
    assert cost(sharing, "NatGateway-Bytes", NETWORK) == Decimal("166.50")  # $135.00 + $31.50
    assert quantity(sharing, "USE2-NatGateway-Hours") == Decimal(2190)
    # participants pay their own internet and inter-region transfer
    assert cost(sharing, "DataTransfer-Out-Bytes", APP) == Decimal("90.00")
    assert cost(sharing, "DataTransfer-Out-Bytes", DATA) == Decimal("45.00")
    assert cost(sharing, "USE1-USE2-AWS-Out-Bytes", APP) == Decimal("1.00")
    assert cost(sharing, "USE2-USE1-AWS-Out-Bytes", DATA) == Decimal("3.00")
    assert payer_total(sharing, NETWORK) == Decimal("349.00")  # $73.00 + $109.50 + $135.00 + $31.50
    assert payer_total(sharing, APP) == Decimal("91.00")  # $90.00 + $1.00
    assert payer_total(sharing, DATA) == Decimal("49.00")  # $45.00 + $3.00 + cross-AZ $1.00 (db out + etl in)


# ---------------------------------------------------------------------------------------------------------------
# E6. Interface-endpoint tiers across accounts, bounds scaled by --hours 73 (a tenth of a month):
#     1,048,576 × 73/730 = 104,857.6 GB and 5,242,880 × 73/730 = 524,288 GB.
#     a (APP), b (DATA), c (OTHER) each use1-az1 only, all → svc (NETWORK, use1-az1), initiator src.
# ---------------------------------------------------------------------------------------------------------------

E6_VPCS = [
    vpc("a", APP, "us-east-1", ["use1-az1"], ["10.61.0.0/16"]),
    vpc("b", DATA, "us-east-1", ["use1-az1"], ["10.62.0.0/16"]),
    vpc("c", OTHER, "us-east-1", ["use1-az1"], ["10.63.0.0/16"]),
    vpc("svc", NETWORK, "us-east-1", ["use1-az1"], ["10.64.0.0/16"]),
]
E6_ROWS: list[Row] = [
    ("a", "svc", "use1-az1", "use1-az1", "src", 60_000, 4),
    ("b", "svc", "use1-az1", "use1-az1", "src", 100_000, 4),
    ("c", "svc", "use1-az1", "use1-az1", "src", 440_000, 4),
]


def test_e6_endpoint_tiers_across_accounts_scaled_hours(tmp_path: Path) -> None:
    document = compare(tmp_path, E6_VPCS, E6_ROWS, "--hours", "73")
    assert document["period_hours"] in (73, "73")
    got = totals(document)
    # privatelink: endpoint processing over 600,000 GB in the region, all accounts together:
    #   104,857.6 × $0.01 = $1,048.576; (524,288 − 104,857.6) = 419,430.4 × $0.006 = $2,516.5824;
    #   (600,000 − 524,288) = 75,712 × $0.004 = $302.848 → $3,868.0064
    #   endpoints 3 × 1 AZ × 73 h × $0.01 = $2.19; NLB 73 × $0.0225 = $1.6425; NLCU-h 600,000 × $0.006 = $3,600.00
    #   → $7,471.8389 → $7,471.84
    assert got["privatelink"] == Decimal("7471.84")
    # TGW: 4 attachments × 73 h × $0.05 = $14.60 + 600,000 × $0.02 = $12,000.00 → $12,014.60
    assert got["transit-gateway"] == Decimal("12014.60")
    # nat: NAT at a, b, c: 3 × 73 h × $0.05 = $10.95; 600,000 × $0.045 = $27,000.00; public address 600,000 × $0.02
    #   = $12,000.00 → $39,010.95
    assert got["nat"] == Decimal("39010.95")
    assert got["peering"] == Decimal("0.00")  # same AZ ID
    assert got["sharing"] == Decimal("0.00")
    pl = by_design(document)["privatelink"]
    assert cost(pl, "USE1-VpcEndpoint-Bytes") == Decimal("3868.01")
    # pro rata on volume: a 60/600 × $3,868.0064 = $386.80064; b 100/600 → $644.66773…; c 440/600 → $2,836.53802…
    assert cost(pl, "USE1-VpcEndpoint-Bytes", APP) == Decimal("386.80")
    assert cost(pl, "USE1-VpcEndpoint-Bytes", DATA) == Decimal("644.67")
    assert cost(pl, "USE1-VpcEndpoint-Bytes", OTHER) == Decimal("2836.54")
    # the volume behind c's share, summed over its three tier lines (pro-rata quantities carry ~1e-12 rounding)
    assert cents(quantity(pl, "USE1-VpcEndpoint-Bytes", OTHER)) == Decimal(440_000)
    assert cents(quantity(pl, "USE1-VpcEndpoint-Bytes")) == Decimal(600_000)


def test_e6b_endpoint_tiers_full_month_over_one_pib(tmp_path: Path) -> None:
    rows: list[Row] = [
        ("a", "svc", "use1-az1", "use1-az1", "src", 700_000, 4),
        ("b", "svc", "use1-az1", "use1-az1", "src", 500_000, 4),
    ]
    document = compare(tmp_path, E6_VPCS[:2] + E6_VPCS[3:], rows, "--designs", "privatelink")
    pl = by_design(document)["privatelink"]
    # 1,200,000 GB in one month: 1,048,576 × $0.01 = $10,485.76; 151,424 × $0.006 = $908.544 → $11,394.304
    #   (tier bounds from the price data, not infracost's decimal 1,000,000)
    assert cost(pl, "USE1-VpcEndpoint-Bytes") == Decimal("11394.30")
    # pro rata: a 7/12 × $11,394.304 = $6,646.6773… → $6,646.68; b 5/12 → $4,747.6266… → $4,747.63
    assert cost(pl, "USE1-VpcEndpoint-Bytes", APP) == Decimal("6646.68")
    assert cost(pl, "USE1-VpcEndpoint-Bytes", DATA) == Decimal("4747.63")
    # + endpoints 2 × $7.30 = $14.60 + NLB $16.425 + NLCU-h 1,200,000 × $0.006 = $7,200.00 → $18,625.329 → $18,625.33
    assert totals(document) == {"privatelink": Decimal("18625.33")}


# ---------------------------------------------------------------------------------------------------------------
# E7. --nat-per-vpc with sharing: x (APP) only use1-az1, y (DATA) only use1-az2; the same internet traffic from each,
#     so whichever AZ of the shared VPC holds its one NAT gateway, the other AZ's traffic crosses AZs.
# ---------------------------------------------------------------------------------------------------------------

E7_VPCS = [
    vpc("x", APP, "us-east-1", ["use1-az1"], ["10.71.0.0/16"]),
    vpc("y", DATA, "us-east-1", ["use1-az2"], ["10.72.0.0/16"]),
]
E7_ROWS: list[Row] = [
    ("x", "internet", "use1-az1", "", "src", 100, 4),
    ("internet", "x", "", "use1-az1", "dst", 40, 4),
    ("y", "internet", "use1-az2", "", "src", 100, 4),
    ("internet", "y", "", "use1-az2", "dst", 40, 4),
]


def test_e7_nat_per_vpc_with_sharing(tmp_path: Path) -> None:
    per_vpc = totals(compare(tmp_path, E7_VPCS, E7_ROWS, "--nat-per-vpc", network=NETWORK))
    # sharing: one NAT gateway in the shared VPC $36.50; processing 280 × $0.045 = $12.60; egress 200 × $0.09
    #   = $18.00; the other AZ's (100 + 40) GB crosses to/from it: 140 × ($0.01 + $0.01) = $2.80 → $69.90
    # other designs: x and y have one AZ each, so one NAT each anyway: $73.00 + $12.60 + $18.00 → $103.60
    assert per_vpc == {**{name: Decimal("103.60") for name in DESIGNS}, "sharing": Decimal("69.90")}
    per_az = totals(compare(tmp_path, E7_VPCS, E7_ROWS, network=NETWORK))
    # without the flag the shared VPC has a NAT gateway in each of its 2 AZs: $73.00 + $12.60 + $18.00 → $103.60
    assert per_az == {name: Decimal("103.60") for name in DESIGNS}
    sharing = by_design(compare(tmp_path, E7_VPCS, E7_ROWS, "--nat-per-vpc", network=NETWORK))["sharing"]
    assert quantity(sharing, "NatGateway-Hours", NETWORK) == Decimal(730)
    assert cost(sharing, "DataTransfer-Regional-Bytes") == Decimal("2.80")
    # which AZ holds the NAT gateway is not fixed by DESIGN; vpccost put it in use1-az1 (x's AZ), so y's traffic
    #   crosses: y pays 100 GB out + 40 GB in = $1.40 (participant's own cross-AZ, §2), the NAT side (owned by the
    #   network account) 40 out + 100 in = $1.40 — a reading of "sender pays OUT, receiver pays IN"
    regional_payers = {li["payer_account"] for li in items(sharing, "DataTransfer-Regional-Bytes")}
    assert NETWORK in regional_payers and len(regional_payers) == 2, regional_payers
    assert cost(sharing, "DataTransfer-Regional-Bytes", NETWORK) == Decimal("1.40")
    assert cost(sharing, "DataTransfer-Out-Bytes", APP) == Decimal("9.00")
    assert cost(sharing, "DataTransfer-Out-Bytes", DATA) == Decimal("9.00")


# ---------------------------------------------------------------------------------------------------------------
# E8. Internet-initiated traffic only: site (us-east-1 az1/az2) serves the internet; requests in (initiator src),
#     60,000 GB of responses out (initiator dst). No connection is opened by the VPC: no NAT gateway at all.
# ---------------------------------------------------------------------------------------------------------------

E8_VPCS = [vpc("site", NETWORK, "us-east-1", ["use1-az1", "use1-az2"], ["10.81.0.0/16"])]
E8_ROWS: list[Row] = [
    ("internet", "site", "", "use1-az1", "src", 500, 4),
    ("site", "internet", "use1-az1", "", "dst", 60_000, 4),
]


def test_e8_internet_initiated_no_nat_egress_tiers(tmp_path: Path) -> None:
    document = compare(tmp_path, E8_VPCS, E8_ROWS)
    # egress tiers: 10,240 × $0.09 = $921.60; 40,960 × $0.085 = $3,481.60; (60,000 − 51,200) = 8,800 × $0.07
    #   = $616.00 → $5,019.20; ingress free; no NAT gateway, no NAT processing — in every design
    assert totals(document) == {name: Decimal("5019.20") for name in DESIGNS}
    for design in by_design(document).values():
        assert quantity(design, "NatGateway-Hours") == 0
        assert quantity(design, "NatGateway-Bytes") == 0
        assert quantity(design, "DataTransfer-Out-Bytes") == Decimal(60_000)
    half = compare(tmp_path, E8_VPCS, E8_ROWS, "--hours", "365")
    # 365 h: bounds × 1/2 = 5,120 / 25,600 / 76,800 GB: 5,120 × $0.09 = $460.80; 20,480 × $0.085 = $1,740.80;
    #   34,400 × $0.07 = $2,408.00 → $4,609.60
    assert totals(half) == {name: Decimal("4609.60") for name in DESIGNS}


# ---------------------------------------------------------------------------------------------------------------
# E9. ap-northeast-1 (no NAT, NLB or endpoint-bytes price in the snapshot): p (apne1-az1/az2) → q (apne1-az2).
# ---------------------------------------------------------------------------------------------------------------

E9_VPCS = [
    vpc("p", NETWORK, "ap-northeast-1", ["apne1-az1", "apne1-az2"], ["10.91.0.0/16"]),
    vpc("q", NETWORK, "ap-northeast-1", ["apne1-az2"], ["10.92.0.0/16"]),
]
E9_ROWS: list[Row] = [
    ("p", "q", "apne1-az1", "apne1-az2", "src", 100, 4),
    ("q", "p", "apne1-az2", "apne1-az1", "dst", 300, 4),
]


def test_e9_missing_prices_unpriced_designs(tmp_path: Path) -> None:
    result = run(tmp_path, E9_VPCS, E9_ROWS)
    assert result.returncode == 0, result.stderr
    designs = by_design(json.loads(result.stdout))
    assert set(designs) >= set(DESIGNS)
    # nat needs APN1 NAT gateway prices; privatelink needs the APN1 endpoint-bytes and NLB prices: none in the data.
    # The missing prices are named (vpccost puts them under an extra key, `missing_prices`, beside `problems`).
    for name, missing in (
        ("nat", ("nat_gateway_hours", "nat_gateway_bytes")),
        ("privatelink", ("vpc_endpoint_bytes", "nlb")),
    ):
        design = designs[name]
        assert design["priced"] is False, name
        assert design["total_usd"] is None, name
        named = json.dumps(design.get("problems", []) + design.get("missing_prices", []))
        for item in missing:
            assert item in named and "ap-northeast-1" in named, (name, item, named)
    # peering: cross-AZ 400 × ($0.01 + $0.01) = $8.00
    # TGW: 2 attachments × 730 h × $0.07 = $102.20 + 400 × $0.02 = $8.00 → $110.20
    # sharing: cross-AZ in one shared VPC 400 × $0.02 = $8.00
    recommended = json.loads(result.stdout)["recommendation"]["design"]
    assert recommended in ("peering", "sharing"), recommended  # never an unpriced design
    for name, figure in (("peering", "8.00"), ("transit-gateway", "110.20"), ("sharing", "8.00")):
        assert designs[name]["priced"] is True, (name, designs[name]["problems"])
        assert cents(designs[name]["total_usd"]) == Decimal(figure), name


# ---------------------------------------------------------------------------------------------------------------
# E10. Quotas. (a) hub with 51 peers (one CIDR each); (b) hub2 with 20 peers of 3 CIDRs each = 60 routes.
# ---------------------------------------------------------------------------------------------------------------


def test_e10a_fifty_one_peers_needs_quota_increase(tmp_path: Path) -> None:
    vpcs = [vpc("hub", NETWORK, "us-east-1", ["use1-az1"], ["10.0.0.0/16"])]
    rows: list[Row] = []
    for i in range(1, 52):
        vpcs.append(vpc(f"spoke{i}", NETWORK, "us-east-1", ["use1-az1"], [f"10.{i}.0.0/16"]))
        rows.append(("hub", f"spoke{i}", "use1-az1", "use1-az1", "src", 1, 4))
    document = compare(tmp_path, vpcs, rows)
    peering = by_design(document)["peering"]
    # 51 peering connections on hub (> 50, ≤ 125) and 51 routes in its table (> 50, ≤ 1,000): feasible, both listed
    assert peering["feasible"] is True, peering["problems"]
    assert cents(peering["total_usd"]) == Decimal("0.00")  # all in use1-az1: peering free
    text = json.dumps(peering["quota_increases"]).lower()
    assert "peer" in text, peering["quota_increases"]
    assert "route" in text, peering["quota_increases"]
    assert "hub" in text, peering["quota_increases"]
    # §3: interface endpoints per VPC, default 50: hub opens 51 → privatelink lists an increase, still feasible
    privatelink = by_design(document)["privatelink"]
    assert privatelink["feasible"] is True
    assert any("endpoint" in entry.lower() and "51" in entry for entry in privatelink["quota_increases"])


def test_e10b_routes_over_fifty_from_several_cidrs_per_peer(tmp_path: Path) -> None:
    vpcs = [vpc("hub2", NETWORK, "us-east-1", ["use1-az1"], ["10.0.0.0/16"])]
    rows: list[Row] = []
    for i in range(1, 21):
        cidrs = [f"10.{i}.0.0/16", f"172.16.{i}.0/24", f"192.168.{i}.0/24"]
        vpcs.append(vpc(f"leaf{i}", NETWORK, "us-east-1", ["use1-az1"], cidrs))
        rows.append(("hub2", f"leaf{i}", "use1-az1", "use1-az1", "src", 1, 4))
    peering = by_design(compare(tmp_path, vpcs, rows))["peering"]
    # 20 peers (≤ 50: no peering quota) but 20 × 3 = 60 routes in hub2's table (> 50): a route quota increase
    assert peering["feasible"] is True, peering["problems"]
    increases = peering["quota_increases"]
    assert any("route" in json.dumps(entry).lower() for entry in increases), increases
    assert not any(
        "peer" in json.dumps(entry).lower() and "route" not in json.dumps(entry).lower() for entry in increases
    ), increases


def test_e10c_over_125_peers_is_infeasible(tmp_path: Path) -> None:
    vpcs = [vpc("hub3", NETWORK, "us-east-1", ["use1-az1"], ["10.0.0.0/16"])]
    rows: list[Row] = []
    for i in range(1, 127):
        vpcs.append(vpc(f"s{i}", NETWORK, "us-east-1", ["use1-az1"], [f"10.{i}.0.0/16"]))
        rows.append(("hub3", f"s{i}", "use1-az1", "use1-az1", "src", 1, 4))
    designs = by_design(compare(tmp_path, vpcs, rows))
    # 126 peering connections on hub3 > 125 (§3 maximum): peering infeasible, the problem names hub3; TGW (127
    # attachments ≤ 5,000) stays feasible
    assert designs["peering"]["feasible"] is False
    assert "hub3" in json.dumps(designs["peering"]["problems"])
    assert designs["transit-gateway"]["feasible"] is True
