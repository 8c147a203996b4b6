"""Hand-calculated scenarios, checked against `vpccost compare --format json` to the cent.

Every expected figure below was worked out by hand from the rules in DESIGN.md ("The designs" and the rules
under its table, "Interfaces") and the prices and payers in PRICING-FACTS.md (§1, §2), not from the code.
The inputs live in tests/hand_scenarios/<scenario>/{topology.yaml,traffic.csv}.

Prices used (us-east-1 and us-east-2 are the same for all of these), a month = 730 h:
  NAT gateway            730 h × $0.045 = $32.85 per gateway; $0.045/GB processed (both directions, initiator's side)
  NAT's public IPv4      730 h × $0.005 = $3.65 per gateway          → one NAT gateway + its address = $36.50/month
  TGW attachment         730 h × $0.05  = $36.50 (VPC or peering, each side); $0.02/GB entering from a VPC attachment
  Interface endpoint     730 h × $0.01  = $7.30 per AZ; $0.01/GB processed (both directions)
  NLB                    730 h × $0.0225 = $16.425; NLCU-hours = processed GB (1 GB per NLCU-hour) × $0.006
  Cross-AZ / public IP   $0.01/GB out (sender) + $0.01/GB in (receiver) = $0.02 per GB within a region
  Inter-region           us-east-1 ↔ us-east-2 $0.01/GB, sender only
  Internet egress        $0.09/GB first 10,240 GB, $0.085 next 40,960 GB; ingress free
Totals are compared after rounding half up to cents.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import by_design, cents, totals

SCENARIOS = Path(__file__).resolve().parent / "hand_scenarios"
DESIGNS = ("nat", "peering", "transit-gateway", "privatelink", "sharing")


def run_vpccost(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpccost.cli", *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def compare(scenario: str, *extra: str) -> dict[str, Any]:
    folder = SCENARIOS / scenario
    result = run_vpccost(
        "compare", folder / "traffic.csv", "--topology", folder / "topology.yaml", "--format", "json", *extra
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def expected(**figures: str) -> dict[str, Decimal]:
    return {name.replace("_", "-"): Decimal(value) for name, value in figures.items()}


def items(design: dict[str, Any], usage_suffix: str, *, payer: str | None = None) -> list[dict[str, Any]]:
    return [
        li
        for li in design["line_items"]
        if li["usage_type"].endswith(usage_suffix) and (payer is None or li["payer_account"] == payer)
    ]


def cost(design: dict[str, Any], usage_suffix: str, *, payer: str | None = None) -> Decimal:
    return cents(sum((Decimal(li["cost_usd"]) for li in items(design, usage_suffix, payer=payer)), Decimal(0)))


def quantity(design: dict[str, Any], usage_suffix: str, *, payer: str | None = None) -> Decimal:
    return sum((Decimal(li["quantity"]) for li in items(design, usage_suffix, payer=payer)), Decimal(0))


# ---------------------------------------------------------------------------------------------------------------
# 1. Two VPCs, one region, one account, cross-AZ (client use1-az1 → server use1-az2); client spans 2 AZs.
#    client→server 100 GB (initiator src), server→client 300 GB (initiator dst): one connection opened by client.
# ---------------------------------------------------------------------------------------------------------------


def test_s1_two_vpcs_cross_az() -> None:
    document = compare("s1_cross_az")
    assert totals(document) == expected(
        # nat: client's NAT gateways, one per AZ of client: 2 × ($32.85 + $3.65) = $73.00;
        #      NAT processing on the initiator's side, both rows: 400 GB × $0.045 = $18.00;
        #      public-address transfer, $0.01 out + $0.01 in: 400 GB × $0.02 = $8.00;  total $99.00
        nat="99.00",
        # peering: no hourly charge; cross-AZ 400 GB × ($0.01 out + $0.01 in) = $8.00
        peering="8.00",
        # TGW: 2 attachments × 730 h × $0.05 = $73.00; processing 100 + 300 = 400 GB × $0.02 = $8.00 (cross-AZ free);
        #      total $81.00
        transit_gateway="81.00",
        # privatelink: endpoint in each of client's 2 AZs: 2 × 730 × $0.01 = $14.60; processing 400 GB × $0.01 = $4.00;
        #      server's NLB 730 × $0.0225 = $16.425; 400 NLCU-h × $0.006 = $2.40; total $37.425 → $37.43
        privatelink="37.43",
        # sharing: both in one shared VPC, cross-AZ 400 GB × $0.02 = $8.00; no NAT (no internet traffic)
        sharing="8.00",
    )
    designs = by_design(document)
    assert quantity(designs["nat"], "NatGateway-Hours") == Decimal(1460)  # 2 gateways × 730 h
    assert quantity(designs["nat"], "PublicIPv4:InUseAddress") == Decimal(1460)  # one address per gateway
    assert quantity(designs["nat"], "NatGateway-Bytes") == Decimal(400)
    assert not [li for li in designs["peering"]["line_items"] if li["unit"] == "Hrs"]  # peering has no hourly charge
    assert quantity(designs["transit-gateway"], "USE1-TransitGateway-Hours") == Decimal(1460)
    assert quantity(designs["transit-gateway"], "USE1-TransitGateway-Bytes") == Decimal(400)
    assert quantity(designs["privatelink"], "USE1-VpcEndpoint-Hours") == Decimal(1460)  # 2 AZs × 730 h


# ---------------------------------------------------------------------------------------------------------------
# 2. As 1, but both VPCs in the same AZ ID use1-az1 (one AZ each).
# ---------------------------------------------------------------------------------------------------------------


def test_s2_two_vpcs_same_az() -> None:
    document = compare("s2_same_az")
    assert totals(document) == expected(
        # nat: 1 NAT gateway in client ($36.50) + 400 GB × $0.045 = $18.00 + public-address transfer is regional
        #      whatever the AZ: 400 GB × $0.02 = $8.00;  total $62.50
        nat="62.50",
        # peering: same AZ ID is free → $0.00
        peering="0.00",
        # TGW: attachments still $73.00 and processing still 400 GB × $0.02 = $8.00 → $81.00
        transit_gateway="81.00",
        # privatelink: 1 AZ × $7.30 + $4.00 + NLB $16.425 + NLCU $2.40 = $30.125 → $30.13
        privatelink="30.13",
        # sharing: same AZ inside one VPC → $0.00
        sharing="0.00",
    )
    designs = by_design(document)
    for name in ("peering", "sharing"):
        assert all(Decimal(li["cost_usd"]) == 0 for li in designs[name]["line_items"])


# ---------------------------------------------------------------------------------------------------------------
# 3. Two regions: client in us-east-1 (use1-az1), server in us-east-2 (use2-az1).
#    client→server 100 GB (initiator src), server→client 300 GB (initiator dst).
# ---------------------------------------------------------------------------------------------------------------


def test_s3_two_regions() -> None:
    document = compare("s3_two_regions")
    assert totals(document) == expected(
        # nat: 1 NAT gateway in client $36.50; processing 400 GB × $0.045 = $18.00;
        #      sender's inter-region rate: 100 GB × $0.01 (USE1→USE2) + 300 GB × $0.01 (USE2→USE1) = $4.00;  $58.50
        nat="58.50",
        # peering: sender pays inter-region, receiving free: $1.00 + $3.00 = $4.00
        peering="4.00",
        # TGW: VPC attachments 2 × $36.50 = $73.00; TGW peering attachment billed on both sides 2 × $36.50 = $73.00;
        #      processing only bytes entering from a VPC attachment: 100 GB × $0.02 (USE1) + 300 GB × $0.02 (USE2)
        #      = $8.00; inter-region once, sender's rate: $4.00;  total $158.00
        transit_gateway="158.00",
        # privatelink: client's endpoint 1 AZ $7.30 + processing 400 × $0.01 = $4.00; server's NLB (us-east-2)
        #      $16.425 + 400 NLCU-h × $0.006 = $2.40; inter-region $4.00;  total $34.125 → $34.13
        privatelink="34.13",
        # sharing: one shared VPC per region, peered: inter-region $1.00 + $3.00 = $4.00
        sharing="4.00",
    )
    designs = by_design(document)
    tgw = designs["transit-gateway"]
    assert quantity(tgw, "USE1-TransitGateway-Hours") == Decimal(1460)  # VPC attachment + peering attachment
    assert quantity(tgw, "USE2-TransitGateway-Hours") == Decimal(1460)  # VPC attachment + peering attachment
    assert quantity(tgw, "USE1-TransitGateway-Bytes") == Decimal(100)
    assert quantity(tgw, "USE2-TransitGateway-Bytes") == Decimal(300)
    for name in DESIGNS:
        assert cost(designs[name], "USE1-USE2-AWS-Out-Bytes") == Decimal("1.00"), name
        assert cost(designs[name], "USE2-USE1-AWS-Out-Bytes") == Decimal("3.00"), name


# ---------------------------------------------------------------------------------------------------------------
# 4. One VPC in use1-az1 + use1-az2 and S3 in its region: ingest→aws:s3 20 GB (initiator src),
#    aws:s3→ingest 500 GB (initiator dst: a download the VPC opened). No other traffic.
# ---------------------------------------------------------------------------------------------------------------

S4_EXPECTED = expected(
    # nat / peering / TGW: NAT gateway for the service: one per AZ, 2 × $36.50 = $73.00;
    #      processing both directions 520 GB × $0.045 = $23.40; same-region S3 transfer $0;  total $96.40
    #      (no VPC-to-VPC traffic: no TGW attachments, no peering)
    nat="96.40",
    peering="96.40",
    transit_gateway="96.40",
    # privatelink: interface endpoint in each of the 2 AZs: 2 × $7.30 = $14.60; 520 GB × $0.01 = $5.20; no NAT
    #      (no internet traffic), no NLB (AWS's own service);  total $19.80
    privatelink="19.80",
    # sharing: NAT gateways in the shared VPC (AZs use1-az1, use1-az2) as for nat: $96.40
    sharing="96.40",
)


def test_s4_s3_through_nat_vs_interface_endpoint_csv() -> None:
    folder = SCENARIOS / "s4_s3_access"
    result = run_vpccost("compare", folder / "traffic.csv", "--topology", folder / "topology.yaml", "--format", "csv")
    assert result.returncode == 0, result.stderr
    sums: dict[str, Decimal] = defaultdict(Decimal)
    nat_hours: dict[str, Decimal] = defaultdict(Decimal)
    for row in csv.DictReader(io.StringIO(result.stdout)):
        sums[row["design"]] += Decimal(row["cost_usd"])
        if row["usage_type"] == "NatGateway-Hours":
            nat_hours[row["design"]] += Decimal(row["quantity"])
    assert {name: cents(value) for name, value in sums.items()} == S4_EXPECTED
    assert nat_hours == {name: Decimal(1460) for name in DESIGNS if name != "privatelink"}


def test_s4_s3_through_nat_vs_interface_endpoint_json() -> None:
    document = compare("s4_s3_access")
    assert totals(document) == S4_EXPECTED
    access = document["service_access"][0]
    assert access["service"] == "s3"
    assert cents(access["gateway_endpoint_usd"]) == Decimal("0.00")  # a gateway endpoint is free
    assert cents(access["interface_endpoint_usd"]) == Decimal("19.80")  # 2 × $7.30 + 520 GB × $0.01
    # NAT exists only for S3 here, so its whole cost counts against it: 2 × $36.50 + 520 × $0.045 = $96.40
    assert cents(access["nat_usd"]) == Decimal("96.40")
    assert access["nat_needed_for_other_traffic"] is False
    assert access["cheapest"] == "gateway_endpoint"


def test_s4b_s3_plus_internet() -> None:
    # As 4 plus ingest→internet 10 GB (initiator src), so every design keeps the NAT gateways.
    document = compare("s4b_s3_and_internet")
    assert totals(document) == expected(
        # NAT designs: 2 × $36.50 = $73.00; processing (20 + 500 + 10) GB × $0.045 = $23.85; egress 10 × $0.09 = $0.90
        #      total $97.75
        nat="97.75",
        peering="97.75",
        transit_gateway="97.75",
        sharing="97.75",
        # privatelink: S3 endpoint 2 × $7.30 = $14.60 + 520 × $0.01 = $5.20; NAT for the internet: $73.00 +
        #      10 × $0.045 = $0.45; egress $0.90;  total $94.15
        privatelink="94.15",
    )
    access = document["service_access"][0]
    assert (access["vpc_name"], access["service"]) == ("ingest", "s3")
    assert cents(access["gateway_endpoint_usd"]) == Decimal("0.00")
    assert cents(access["interface_endpoint_usd"]) == Decimal("19.80")
    # the NAT gateways stay for the internet row, so S3 through NAT costs only its processing: 520 × $0.045
    assert cents(access["nat_usd"]) == Decimal("23.40")
    assert access["cheapest"] == "gateway_endpoint"


# ---------------------------------------------------------------------------------------------------------------
# 5. Internet: web (use1-az1): 50 GB out opened by web, 200 GB in opened by web (download), 30 GB in opened from
#    the internet (initiator src), 400 GB of responses out (initiator dst), 80 GB out over IPv6.
#    v6only (use1-az1): 10 GB out and 40 GB in over IPv6 only.
# ---------------------------------------------------------------------------------------------------------------


def test_s5_internet_egress_ingress_ipv6() -> None:
    document = compare("s5_internet")
    # Same in every design (internet always via NAT; shared VPC has the single AZ use1-az1):
    #   NAT gateway only for web (v6only has no IPv4 internet traffic): 1 × $36.50
    #   NAT processing: rows of connections web opened, IPv4: 50 + 200 = 250 GB × $0.045 = $11.25
    #     (internet-initiated 30 GB in / 400 GB out pass IGW + public LB: no NAT; IPv6 rows: egress-only IGW, no NAT)
    #   Internet egress: 50 + 400 + 80 + 10 = 540 GB × $0.09 = $48.60; ingress free
    #   total $36.50 + $11.25 + $48.60 = $96.35
    assert totals(document) == {name: Decimal("96.35") for name in DESIGNS}
    for design in by_design(document).values():
        assert quantity(design, "NatGateway-Hours") == Decimal(730)
        assert quantity(design, "NatGateway-Bytes") == Decimal(250)
        assert quantity(design, "DataTransfer-Out-Bytes") == Decimal(540)
        assert cost(design, "DataTransfer-Out-Bytes") == Decimal("48.60")


# ---------------------------------------------------------------------------------------------------------------
# 6. Inside one VPC: app→app use1-az1→use1-az2 250 GB (src), use1-az2→use1-az1 50 GB (dst), same AZ 100 GB;
#    plus app→logs 10 GB, both use1-az1 (initiator src). app spans use1-az1 + use1-az2, logs use1-az1.
# ---------------------------------------------------------------------------------------------------------------


def test_s6_rows_inside_one_vpc() -> None:
    document = compare("s6_intra_vpc")
    # intra-VPC cross-AZ, every design: (250 + 50) GB × ($0.01 out + $0.01 in) = $6.00; same-AZ 100 GB free
    assert totals(document) == expected(
        # nat: app's 2 NAT gateways $73.00 + 10 GB × $0.045 = $0.45 + public 10 GB × $0.02 = $0.20 + $6.00 = $79.65
        nat="79.65",
        # peering: same AZ free; $6.00
        peering="6.00",
        # TGW: 2 attachments $73.00 + 10 GB × $0.02 = $0.20 (intra-VPC rows never enter the TGW) + $6.00 = $79.20
        transit_gateway="79.20",
        # privatelink: app's endpoint 2 AZs $14.60 + 10 × $0.01 = $0.10 + NLB $16.425 + 10 NLCU-h × $0.006 = $0.06
        #      + $6.00 = $37.185 → $37.19
        privatelink="37.19",
        # sharing: $6.00
        sharing="6.00",
    )
    designs = by_design(document)
    assert quantity(designs["transit-gateway"], "TransitGateway-Bytes") == Decimal(10)
    intra = {
        name: cost(designs[name], "DataTransfer-Regional-Bytes")
        for name in ("peering", "transit-gateway", "privatelink", "sharing")
    }
    assert intra == {name: Decimal("6.00") for name in intra}


# ---------------------------------------------------------------------------------------------------------------
# 7. Three accounts: network account 111111111111 (no workload VPC), app 222222222222, data 333333333333, both
#    in use1-az1 + use1-az2. app→data az1→az2 100 GB (src), data→app 400 GB (dst); app→internet 20 GB (src),
#    internet→app 80 GB (dst: a download app opened).
# ---------------------------------------------------------------------------------------------------------------

NETWORK, APP, DATA = "111111111111", "222222222222", "333333333333"


def test_s7_three_accounts_and_payers() -> None:
    document = compare("s7_three_accounts")
    assert totals(document) == expected(
        # nat: app's 2 NAT gateways $73.00; processing (500 VPC + 100 internet) GB × $0.045 = $27.00;
        #      public-address transfer 500 GB × $0.02 = $10.00; egress 20 × $0.09 = $1.80;  total $111.80
        nat="111.80",
        # peering: cross-AZ 500 × $0.02 = $10.00; NAT for internet $73.00 + 100 × $0.045 = $4.50; egress $1.80 → $89.30
        peering="89.30",
        # TGW: 2 attachments $73.00 + 500 × $0.02 = $10.00; NAT $73.00 + $4.50; egress $1.80 → $162.30
        transit_gateway="162.30",
        # privatelink: app's endpoint 2 AZs $14.60 + 500 × $0.01 = $5.00; data's NLB $16.425 + 500 × $0.006 = $3.00;
        #      NAT $77.50; egress $1.80 → $118.325 → $118.33
        privatelink="118.33",
        # sharing: shared VPC (use1-az1, use1-az2) NAT 2 × $36.50 = $73.00 + $4.50; cross-AZ $10.00; egress $1.80
        #      → $89.30
        sharing="89.30",
    )
    designs = by_design(document)
    sharing = designs["sharing"]
    # §2: the shared VPC's owner (the network account) pays its NAT gateways and their addresses...
    assert {li["payer_account"] for li in items(sharing, "NatGateway-Hours")} == {NETWORK}
    assert cost(sharing, "NatGateway-Hours", payer=NETWORK) == Decimal("65.70")  # 1,460 h × $0.045
    assert cost(sharing, "PublicIPv4:InUseAddress", payer=NETWORK) == Decimal("7.30")
    assert cost(sharing, "NatGateway-Bytes", payer=NETWORK) == Decimal("4.50")
    # ...participants pay their own internet and cross-AZ transfer: app sends 100 out + receives 400 in = $5.00,
    # data sends 400 out + receives 100 in = $5.00; egress 20 GB × $0.09 = $1.80 by app.
    assert cost(sharing, "DataTransfer-Out-Bytes", payer=APP) == Decimal("1.80")
    assert cost(sharing, "DataTransfer-Regional-Bytes", payer=APP) == Decimal("5.00")
    assert cost(sharing, "DataTransfer-Regional-Bytes", payer=DATA) == Decimal("5.00")
    assert not [li for li in items(sharing, "Bytes", payer=NETWORK) if "DataTransfer" in li["usage_type"]]
    tgw = designs["transit-gateway"]
    # §2: a TGW VPC attachment is paid by the VPC owner; processing by the owner of the sending attachment
    assert cost(tgw, "TransitGateway-Hours", payer=APP) == Decimal("36.50")
    assert cost(tgw, "TransitGateway-Hours", payer=DATA) == Decimal("36.50")
    assert cost(tgw, "TransitGateway-Bytes", payer=APP) == Decimal("2.00")  # 100 GB × $0.02
    assert cost(tgw, "TransitGateway-Bytes", payer=DATA) == Decimal("8.00")  # 400 GB × $0.02
    privatelink = designs["privatelink"]
    # §2: interface endpoint paid by the consumer (app); NLB by the provider (data)
    assert cost(privatelink, "VpcEndpoint-Hours", payer=APP) == Decimal("14.60")
    assert cost(privatelink, "LoadBalancerUsage", payer=DATA) == Decimal("16.43")  # $16.425 half up
    assert cost(privatelink, "LCUUsage", payer=DATA) == Decimal("3.00")


# ---------------------------------------------------------------------------------------------------------------
# 8. Overlapping CIDRs: alpha and beta both 10.0.0.0/16, alpha→beta 10 GB in use1-az1 (initiator src).
# ---------------------------------------------------------------------------------------------------------------

S8_EXPECTED = expected(
    # nat: alpha's NAT $36.50 + 10 × $0.045 = $0.45 + public 10 × $0.02 = $0.20 → $37.15
    nat="37.15",
    # peering: same AZ, free
    peering="0.00",
    # TGW: 2 × $36.50 + 10 × $0.02 = $73.20
    transit_gateway="73.20",
    # privatelink: $7.30 + 10 × $0.01 = $0.10 + NLB $16.425 + 10 × $0.006 = $0.06 → $23.885 → $23.89
    privatelink="23.89",
    # sharing: same AZ in one VPC, free
    sharing="0.00",
)


def test_s8_overlapping_cidrs_make_peering_and_tgw_infeasible() -> None:
    document = compare("s8_overlap")
    assert totals(document) == S8_EXPECTED  # infeasible designs are still priced
    designs = by_design(document)
    for name in ("peering", "transit-gateway"):
        assert designs[name]["feasible"] is False, name
        problems = " ".join(designs[name]["problems"])
        for vpc_id, vpc_name in (("vpc-0000000000000a008", "alpha"), ("vpc-0000000000000b008", "beta")):
            assert vpc_id in problems or vpc_name in problems, (name, problems)
    for name in ("nat", "privatelink", "sharing"):
        assert designs[name]["feasible"] is True, name
        assert designs[name]["problems"] == [], name


def test_s8b_overlap_without_traffic_between_them_is_feasible() -> None:
    # alpha and beta overlap but do not exchange traffic; alpha→gamma 10 GB same AZ: the same figures as S8.
    document = compare("s8b_overlap_silent")
    assert totals(document) == S8_EXPECTED
    for design in document["designs"]:
        assert design["feasible"] is True, design["design"]
        assert design["problems"] == [], design["design"]


# ---------------------------------------------------------------------------------------------------------------
# 9. Both VPCs open connections: a (use1-az1 + use1-az2), b (use1-az1).
#    a→b 40 GB az1→az1 (src) + b→a 60 GB (dst): a's connection; b→a 20 GB az1→az2 (src) + a→b 10 GB (dst): b's.
# ---------------------------------------------------------------------------------------------------------------


def test_s9_both_sides_initiate() -> None:
    document = compare("s9_both_initiate")
    assert totals(document) == expected(
        # nat: a's 2 NAT gateways $73.00 + b's 1 NAT gateway $36.50; processing at a (40 + 60) × $0.045 = $4.50,
        #      at b (20 + 10) × $0.045 = $1.35; public-address transfer 130 GB × $0.02 = $2.60 → $117.95
        nat="117.95",
        # peering: only the cross-AZ rows (20 + 10) × $0.02 = $0.60
        peering="0.60",
        # TGW: 2 attachments $73.00 + 130 GB × $0.02 = $2.60 → $75.60
        transit_gateway="75.60",
        # privatelink: one endpoint per (initiator, provider) pair, in every AZ of the initiator:
        #      a→b: 2 AZs × $7.30 = $14.60; b→a: 1 AZ × $7.30 = $7.30; processing 130 × $0.01 = $1.30;
        #      one NLB per provider VPC: 2 × $16.425 = $32.85; NLCU-h: b's NLB 100, a's NLB 30 → 130 × $0.006 = $0.78
        #      total $56.83
        privatelink="56.83",
        # sharing: cross-AZ rows only, $0.60
        sharing="0.60",
    )
    privatelink = by_design(document)["privatelink"]
    assert quantity(privatelink, "VpcEndpoint-Hours") == Decimal(2190)  # 3 endpoint-AZs × 730 h
    assert quantity(privatelink, "LoadBalancerUsage") == Decimal(1460)  # 2 NLBs × 730 h


# ---------------------------------------------------------------------------------------------------------------
# 10. Internet egress tiers across accounts: video (222222222222) sends 8,000 GB, backup (333333333333) 4,000 GB,
#     both initiator src from use1-az1 (NAT in each VPC; in sharing, one NAT in the shared VPC).
# ---------------------------------------------------------------------------------------------------------------


def test_s10_egress_tiers_across_accounts() -> None:
    document = compare("s10_egress_tiers")
    # Tiers apply to the region's total across accounts: 12,000 GB = 10,240 × $0.09 = $921.60 + 1,760 × $0.085
    # = $149.60 → $1,071.20; processing 12,000 × $0.045 = $540.00;
    # NAT gateways: one per VPC (each has one AZ) 2 × $36.50 = $73.00 → $1,684.20;
    # sharing: one shared VPC with the single AZ use1-az1 → 1 × $36.50 → $1,647.70
    assert totals(document) == {**{name: Decimal("1684.20") for name in DESIGNS}, "sharing": Decimal("1647.70")}
    nat = by_design(document)["nat"]
    assert cost(nat, "DataTransfer-Out-Bytes") == Decimal("1071.20")
    # allocated pro rata: video 8,000/12,000 × $1,071.20 = $714.1333… → $714.13; backup $357.0666… → $357.07
    assert cost(nat, "DataTransfer-Out-Bytes", payer="222222222222") == Decimal("714.13")
    assert cost(nat, "DataTransfer-Out-Bytes", payer="333333333333") == Decimal("357.07")


def test_s10_egress_tiers_scale_with_hours() -> None:
    document = compare("s10_egress_tiers", "--hours", "365")
    # 365 h = half a month: tier bounds × 365/730 → first tier 5,120 GB: 5,120 × $0.09 = $460.80;
    # next 6,880 × $0.085 = $584.80 → $1,045.60; NAT 2 × 365 h × ($0.045 + $0.005) = $36.50; processing $540.00
    # → $1,622.10; sharing has one NAT gateway: 365 × $0.05 = $18.25 → $1,603.85
    assert totals(document) == {**{name: Decimal("1622.10") for name in DESIGNS}, "sharing": Decimal("1603.85")}


def test_s10_free_tier_allowance() -> None:
    document = compare("s10_egress_tiers", "--free-tier")
    # 100 GB free first: 11,900 billable = 10,240 × $0.09 = $921.60 + 1,660 × $0.085 = $141.10 → $1,062.70;
    # + NAT $73.00 + processing $540.00 → $1,675.70; sharing (one NAT gateway, $36.50) → $1,639.20
    assert totals(document) == {**{name: Decimal("1675.70") for name in DESIGNS}, "sharing": Decimal("1639.20")}


# ---------------------------------------------------------------------------------------------------------------
# 11. --nat-per-vpc: edge (use1-az1 + use1-az2) sends 50 GB to the internet from each AZ and downloads 30 GB into
#     each AZ (initiator dst). Whichever AZ holds the single NAT gateway, the other AZ's 80 GB cross AZs.
# ---------------------------------------------------------------------------------------------------------------


def test_s11_nat_per_vpc_adds_cross_az_to_the_nat() -> None:
    document = compare("s11_nat_per_vpc", "--nat-per-vpc")
    # 1 NAT gateway $36.50; processing (100 + 60) GB × $0.045 = $7.20; egress 100 × $0.09 = $9.00;
    # the other AZ's (50 + 30) GB cross AZs to/from the NAT: 80 × ($0.01 + $0.01) = $1.60;  total $54.30,
    # in every design (internet always through NAT; the shared VPC has the same two AZs).
    assert totals(document) == {name: Decimal("54.30") for name in DESIGNS}
    for design in by_design(document).values():
        assert quantity(design, "NatGateway-Hours") == Decimal(730)
        assert cost(design, "DataTransfer-Regional-Bytes") == Decimal("1.60")


# ---------------------------------------------------------------------------------------------------------------
# 12. A bucket in another region: reader (us-east-1, use1-az1) → aws:s3@us-east-2 10 GB (src), 200 GB back (dst).
# ---------------------------------------------------------------------------------------------------------------


def test_s12_s3_in_another_region() -> None:
    document = compare("s12_s3_other_region")
    # No gateway endpoint across regions: NAT gateway $36.50 + (10 + 200) GB × $0.045 = $9.45; sender's inter-region
    # rate on top: 10 GB × $0.01 (USE1→USE2) + 200 GB × $0.01 (USE2→USE1) = $2.10;  total $48.05.
    # privatelink: DESIGN's table gives interface endpoints only for a service in the same region, so this flow
    # stays on NAT there too (a reading of the rules, see the report).
    assert totals(document) == {name: Decimal("48.05") for name in DESIGNS}
    for design in by_design(document).values():
        assert cost(design, "USE1-USE2-AWS-Out-Bytes") == Decimal("0.10")
        assert cost(design, "USE2-USE1-AWS-Out-Bytes") == Decimal("2.00")


# ---------------------------------------------------------------------------------------------------------------
# 13. S1's rows without a topology (regions given in src_region / dst_region): AZs come from the traffic, so
#     client has only use1-az1 and server use1-az2.
# ---------------------------------------------------------------------------------------------------------------


def test_s13_without_topology_azs_from_traffic() -> None:
    traffic = SCENARIOS / "s13_no_topology" / "traffic.csv"
    result = run_vpccost("compare", traffic, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert totals(document) == expected(
        # nat: 1 NAT gateway (client seen in 1 AZ) $36.50 + 400 × $0.045 = $18.00 + 400 × $0.02 = $8.00 → $62.50
        nat="62.50",
        peering="8.00",  # cross-AZ 400 × $0.02
        transit_gateway="81.00",  # $73.00 + 400 × $0.02
        # privatelink: 1 AZ $7.30 + $4.00 + $16.425 + $2.40 = $30.125 → $30.13
        privatelink="30.13",
        sharing="8.00",
    )
    assert any("AZ" in assumption and "traffic" in assumption for assumption in document["assumptions"])


def test_s14_bytes_column_is_gib() -> None:
    # S1 with `bytes`: 107,374,182,400 B = 100 GB and 322,122,547,200 B = 300 GB of 2^30 bytes → S1's figures.
    assert totals(compare("s14_bytes")) == expected(
        nat="99.00", peering="8.00", transit_gateway="81.00", privatelink="37.43", sharing="8.00"
    )


def test_s15_header_only_traffic_is_zero() -> None:
    # A header-only traffic file is valid: nothing flows, nothing is provisioned, every design $0.00.
    folder = SCENARIOS / "s15_header_only"
    result = run_vpccost(
        "compare", folder / "traffic.csv", "--topology", SCENARIOS / "s1_cross_az" / "topology.yaml", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert totals(json.loads(result.stdout)) == {name: Decimal("0.00") for name in DESIGNS}


# ---------------------------------------------------------------------------------------------------------------
# Bad input (DESIGN.md, Interfaces): exit 2, a message naming file, line and field, no output file written.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traffic", "line", "field"),
    [
        ("negative_volume.csv", 3, "gb"),  # line 3: gb = -5
        ("unknown_vpc.csv", 3, "dst"),  # line 3: dst = ghost, not in the topology
        ("non_numeric.csv", 3, "gb"),  # line 3: gb = lots
        ("malformed_endpoint.csv", 3, "dst"),  # line 3: dst = "aws:" with no service
    ],
)
def test_bad_input_exit_2_without_output(tmp_path: Path, traffic: str, line: int, field: str) -> None:
    output = tmp_path / "out.json"
    result = run_vpccost(
        "compare",
        SCENARIOS / "bad_inputs" / traffic,
        "--topology",
        SCENARIOS / "s1_cross_az" / "topology.yaml",
        "--format",
        "json",
        "--output",
        output,
    )
    assert result.returncode == 2, result.stderr
    assert traffic in result.stderr
    assert f"line {line}" in result.stderr
    assert re.search(rf"\b{field}\b", result.stderr.replace(traffic, "")), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not output.exists()
