"""The `as-is` design: the existing connectivity a topology records, priced from the traffic, with every
design's saving against it. Prices from the bundled snapshot (us-east-1): peering cross-AZ $0.01/GB each side,
TGW attachment $0.05/h and processing $0.02/GB, NAT gateway $0.045/h and $0.045/GB, public IPv4 $0.005/h,
interface endpoint $0.01/AZ-hour and $0.01/GB (first tier)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, SNAPSHOT, by_design, run_cli, run_json, total

AS_IS = EXAMPLES / "as-is"
ORDERS, PAYMENTS, REPORTING = "vpc-0a000000000000001", "vpc-0b000000000000002", "vpc-0c000000000000003"


def example_topology() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((AS_IS / "topology.yaml").read_text())
    return loaded


def write_topology(tmp_path: Path, topology: dict[str, Any]) -> Path:
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(topology, sort_keys=False))
    return path


def vpc_entry(topology: dict[str, Any], vpc_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(vpc for vpc in topology["vpcs"] if vpc["id"] == vpc_id)
    return entry


def usage_cost(design: dict[str, Any], usage_type: str) -> Decimal:
    """The cost of a design's line items of one usage type."""
    return sum((Decimal(item["cost_usd"]) for item in design["line_items"] if item["usage_type"] == usage_type),
               Decimal(0))  # fmt: skip


def test_the_example_as_it_is_costs_79_usd() -> None:
    document = run_json("compare", AS_IS / "traffic.csv", "--topology", AS_IS / "topology.yaml", "--pricing", SNAPSHOT)
    designs = by_design(document)
    assert designs["as-is"]["feasible"] is True
    # orders → payments over the peering, across AZs: 100 GB × ($0.01 out + $0.01 in) = $2.00
    # orders → reporting over the TGW: 2 attachments × 730 h × $0.05 = $73.00, plus 200 GB × $0.02 = $4.00
    # orders → S3 through its gateway endpoint: free, and so no NAT gateway at all
    assert total(document, "as-is") == Decimal("79.00")
    components = {item["component"] for item in designs["as-is"]["line_items"]}
    assert not any("NAT" in component for component in components)
    # pure peering reaches S3 the cheapest way, a gateway endpoint, too; it pays only the 300 GB across AZs
    # × $0.02 = $6.00 and drops the TGW: $73.00 less than today
    assert total(document, "peering") == Decimal("6.00")
    savings = document["recommendation"]["saving_vs_as_is_usd"]
    assert savings["peering"] == "73.00"
    assert set(savings) == set(designs) - {"as-is"}  # every other design's saving
    # with each design's own service access, pure peering sends S3 through NAT: 2 AZs × 730 h × ($0.045 + $0.005
    # IPv4) = $73.00 + 50 GB × $0.045 = $2.25, and the $6.00 across AZs: $81.25, $2.25 more than today
    own = run_json("compare", AS_IS / "traffic.csv", "--topology", AS_IS / "topology.yaml", "--pricing", SNAPSHOT,
                   "--service-access", "design")  # fmt: skip
    assert total(own, "peering") == Decimal("81.25")
    assert own["recommendation"]["saving_vs_as_is_usd"]["peering"] == "-2.25"


def test_the_table_shows_the_saving_against_as_is() -> None:
    result = run_cli("compare", AS_IS / "traffic.csv", "--topology", AS_IS / "topology.yaml", "--pricing", SNAPSHOT)
    assert result.exit_code == 0, result.stderr
    assert "saving vs as-is" in result.stdout


def test_the_longest_prefix_decides(tmp_path: Path) -> None:
    topology = example_topology()
    # reporting gains a more specific route to orders over a peering that does not exist: /16 beats /8
    vpc_entry(topology, REPORTING)["route_tables"][0]["routes"].append(
        {"destination": "10.0.0.0/16", "target": "pcx-0ac0000000000009"}
    )
    vpc_entry(topology, ORDERS)["route_tables"][0]["routes"] = [
        route
        for route in vpc_entry(topology, ORDERS)["route_tables"][0]["routes"]
        if route["destination"] != "10.2.0.0/16"
    ]
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    as_is = by_design(document)["as-is"]
    assert as_is["feasible"] is False
    assert any(
        "pcx-0ac0000000000009" in problem and "not an active peering" in problem for problem in as_is["problems"]
    )


def test_a_pair_without_a_route_is_unroutable(tmp_path: Path) -> None:
    topology = example_topology()
    for vpc_id in (ORDERS, PAYMENTS):
        table = vpc_entry(topology, vpc_id)["route_tables"][0]
        table["routes"] = [route for route in table["routes"] if not route["target"].startswith("pcx-")]
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    as_is = by_design(document)["as-is"]
    assert as_is["feasible"] is False
    assert any(ORDERS in problem and PAYMENTS in problem for problem in as_is["problems"])


def test_a_default_route_to_a_nat_gateway_is_the_public_path(tmp_path: Path) -> None:
    topology = example_topology()
    orders, payments = vpc_entry(topology, ORDERS), vpc_entry(topology, PAYMENTS)
    for entry in (orders, payments):
        table = entry["route_tables"][0]
        table["routes"] = [route for route in table["routes"] if not route["target"].startswith("pcx-")]
    orders["route_tables"][0]["routes"].append({"destination": "0.0.0.0/0", "target": "nat-0a000000000000001"})
    orders["nat_gateways"] = [{"id": "nat-0a000000000000001", "az": "use1-az1"}]
    topology["peering_connections"] = []
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    as_is = by_design(document)["as-is"]
    assert as_is["feasible"] is True
    nat_items = [item for item in as_is["line_items"] if item["usage_type"] == "NatGateway-Bytes"]
    # orders → payments' public address through orders' NAT gateway: 100 GB × $0.045 = $4.50
    assert sum(Decimal(item["cost_usd"]) for item in nat_items) == Decimal("4.50")
    # the one NAT gateway that exists, in use1-az1 where the traffic starts: 730 h × $0.045 = $32.85
    assert usage_cost(as_is, "NatGateway-Hours") == Decimal("32.85")


def test_an_interface_endpoint_to_the_other_vpc_is_privatelink(tmp_path: Path) -> None:
    topology = example_topology()
    vpc_entry(topology, ORDERS)["endpoints"].append(
        {
            "id": "vpce-0a00000000000000b",
            "type": "interface",
            "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0b00000000000000b",
            "provider_vpc": PAYMENTS,
            "azs": ["use1-az1", "use1-az2"],
        }
    )
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    as_is = by_design(document)["as-is"]
    components = {item["component"] for item in as_is["line_items"]}
    assert any("endpoint" in component.lower() for component in components)
    assert not any("peering" in component.lower() for component in components)


def test_an_interface_endpoint_for_a_service_is_used(tmp_path: Path) -> None:
    topology = example_topology()
    orders = vpc_entry(topology, ORDERS)
    orders["endpoints"] = [
        {
            "id": "vpce-0a00000000000000c",
            "type": "interface",
            "service_name": "com.amazonaws.us-east-1.s3",
            "service": "s3",
            "azs": ["use1-az1", "use1-az2"],
        }
    ]
    orders["route_tables"][0]["routes"] = [
        route for route in orders["route_tables"][0]["routes"] if route["destination"] != "pl-63a5400a"
    ]
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    # 2 AZs × 730 h × $0.01 = $14.60 and 50 GB × $0.01 = $0.50 on top of the $79.00 above
    assert total(document, "as-is") == Decimal("94.10")


def test_without_recorded_connectivity_there_is_no_as_is(tmp_path: Path) -> None:
    topology = copy.deepcopy(example_topology())
    for entry in topology["vpcs"]:
        entry.pop("route_tables", None)
        entry.pop("endpoints", None)
    topology.pop("peering_connections")
    topology.pop("transit_gateways")
    path = write_topology(tmp_path, topology)
    document = run_json("compare", AS_IS / "traffic.csv", "--topology", path, "--pricing", SNAPSHOT)
    assert "as-is" not in by_design(document)
    assert "saving_vs_as_is_usd" not in document["recommendation"]
    result = run_cli("compare", AS_IS / "traffic.csv", "--topology", path, "--designs", "as-is", "--pricing", SNAPSHOT)
    assert result.exit_code == 2
    assert "existing connectivity" in result.stderr


@pytest.mark.parametrize("direction", ["orders-first", "payments-first"])
def test_asymmetric_routes_follow_the_bigger_initiator(tmp_path: Path, direction: str) -> None:
    topology = example_topology()
    payments = vpc_entry(topology, PAYMENTS)
    payments["route_tables"][0]["routes"] = [
        {"destination": "10.1.0.0/16", "target": "local"},
        {"destination": "10.0.0.0/16", "target": "tgw-0f000000000000001"},
    ]
    topology["transit_gateways"][0]["attachments"].append(
        {"id": "tgw-attach-0b00000000000002", "type": "vpc", "vpc": PAYMENTS}
    )
    traffic = tmp_path / "traffic.csv"
    if direction == "orders-first":
        traffic.write_text("src,dst,gb\norders,payments,100\npayments,orders,10\n")
    else:
        traffic.write_text("src,dst,gb\norders,payments,10\npayments,orders,100\n")
    document = run_json("compare", traffic, "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT)
    as_is = by_design(document)["as-is"]
    usage_types = {item["usage_type"] for item in as_is["line_items"]}
    expected = "USE1-VpcPeering-Out-Bytes" if direction == "orders-first" else "USE1-TransitGateway-Bytes"
    assert expected in usage_types
    assert any("routes to" in note for note in document["assumptions"])


# ---- existing NAT gateways and interface endpoints in the AZs the topology records ---------------------------
# Prices: AWS's VPC pricing page (https://aws.amazon.com/vpc/pricing/) and the Amazon VPC NAT gateway docs (a
# regional NAT gateway is billed per hour in each AZ where it is active, at the zonal unit prices), us-east-1 of
# the bundled snapshot: NAT gateway $0.045/h = $32.85 a month (730 h) + its IPv4 address $0.005/h = $3.65, so
# $36.50 per gateway-AZ; $0.045/GB processed; regional transfer $0.01/GB each way; endpoint $7.30 per AZ-month.
NAT_TRAFFIC = "src,dst,gb,src_az\norders,aws:s3,100,use1-az2\norders,aws:s3,50,use1-az1\n"


def orders_through_nat(tmp_path: Path, gateways: list[dict[str, Any]], *, azs: list[str] | None = None) -> Any:
    """compare on orders alone calling S3 through its NAT gateways (its gateway endpoint removed)."""
    topology = example_topology()
    orders = vpc_entry(topology, ORDERS)
    orders["endpoints"], orders["nat_gateways"] = [], gateways
    orders["route_tables"][0]["routes"] = [
        route for route in orders["route_tables"][0]["routes"] if route["destination"] != "pl-63a5400a"
    ]
    if azs is not None:
        orders["azs"] = azs
    traffic = tmp_path / "traffic.csv"
    traffic.write_text(NAT_TRAFFIC)
    # the pure designs keep their own rule (through NAT gateways, in every AZ), for comparison with as-is's
    return run_json("compare", traffic, "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT,
                    "--service-access", "design")  # fmt: skip


def test_one_nat_gateway_in_one_of_two_azs_is_one_gateway_and_the_other_az_crosses_to_it(tmp_path: Path) -> None:
    # orders (2 AZs) has one NAT gateway, in its use1-az1 subnet (its AZ read from the subnet): $36.50; processing
    # 150 GB × $0.045 = $6.75; the 100 GB from use1-az2 cross AZs: 100 × ($0.01 + $0.01) = $2.00. $45.25 as it is;
    # before, priced as a gateway in each AZ: 2 × $36.50 + $6.75 = $79.75, which pure designs still build.
    document = orders_through_nat(tmp_path, [{"id": "nat-0a000000000000001", "subnet": "subnet-0a000000000000011"}])
    as_is = by_design(document)["as-is"]
    assert usage_cost(as_is, "NatGateway-Hours") == Decimal("32.85")
    assert usage_cost(as_is, "USE1-PublicIPv4:InUseAddress") == Decimal("3.65")
    assert usage_cost(as_is, "USE1-DataTransfer-Regional-Bytes") == Decimal("2.00")
    assert total(document, "as-is") == Decimal("45.25")
    assert total(document, "peering") == Decimal("79.75")


def test_a_regional_nat_gateway_pays_in_each_az_where_it_is_active(tmp_path: Path) -> None:
    # orders spans 3 AZs; its regional NAT gateway is active in 2: 2 × $36.50 = $73.00 and processing $6.75, no
    # traffic from use1-az3: $79.75 (not 3 × $36.50 + $6.75 = $116.25)
    regional = {"id": "nat-0a00000000000000r", "availability_mode": "regional", "azs": ["use1-az1", "use1-az2"]}
    document = orders_through_nat(tmp_path, [regional], azs=["use1-az1", "use1-az2", "use1-az3"])
    assert usage_cost(by_design(document)["as-is"], "NatGateway-Hours") == Decimal("65.70")
    assert total(document, "as-is") == Decimal("79.75")
    assert total(document, "peering") == Decimal("116.25")


def test_service_access_prices_the_nat_gateways_as_they_are(tmp_path: Path) -> None:
    # the same estate: S3 is orders' only NAT traffic, so an endpoint would remove its one recorded gateway: NAT
    # $36.50 + $6.75 + $2.00 cross-AZ = $45.25 (a gateway in each AZ would be $79.75); the endpoint, a new one in
    # both AZs: 2 × $7.30 + 150 GB × $0.01 = $16.10
    document = orders_through_nat(tmp_path, [{"id": "nat-0a000000000000001", "subnet": "subnet-0a000000000000011"}])
    (row,) = document["service_access"]
    assert (row["service"], row["nat_usd"], row["interface_endpoint_usd"]) == ("s3", "45.25", "16.10")


def test_a_nat_gateway_without_a_recorded_az_keeps_a_gateway_in_each_az_and_says_so(tmp_path: Path) -> None:
    document = orders_through_nat(tmp_path, [{"id": "nat-0a000000000000001"}])
    assert total(document, "as-is") == Decimal("79.75")  # 2 × $36.50 + $6.75, no cross-AZ transfer
    assert (
        f"As-is: the topology does not record its AZ for NAT gateway nat-0a000000000000001 of {ORDERS}; the NAT "
        "gateways of the VPC are priced as vpccost lays them out (one in each AZ of the VPC, or one per VPC with "
        "--nat-per-vpc)."
    ) in document["assumptions"]


@pytest.mark.parametrize(
    ("where", "as_is_usd"),
    [
        # 1 AZ × $7.30 + 50 GB × $0.01 = $7.80 on top of the example's $79.00 (in 3 AZs: $21.90 → $101.40)
        ({"azs": ["use1-az1"]}, "86.80"),
        ({"subnets": ["subnet-0a000000000000012"]}, "86.80"),  # its AZ read from its subnet
        ({}, "101.40"),  # no AZ recorded: every AZ of orders, as vpccost lays endpoints out (stated)
    ],
    ids=["azs", "subnets", "none"],
)
def test_an_interface_endpoint_is_priced_in_its_recorded_azs(
    tmp_path: Path, where: dict[str, Any], as_is_usd: str
) -> None:
    topology = example_topology()
    orders = vpc_entry(topology, ORDERS)
    orders["azs"] = ["use1-az1", "use1-az2", "use1-az3"]
    orders["endpoints"] = [
        {"id": "vpce-0a00000000000000c", "type": "interface", "service_name": "com.amazonaws.us-east-1.s3",
         "service": "s3", **where}
    ]  # fmt: skip
    orders["route_tables"][0]["routes"] = [
        route for route in orders["route_tables"][0]["routes"] if route["destination"] != "pl-63a5400a"
    ]
    document = run_json(
        "compare", AS_IS / "traffic.csv", "--topology", write_topology(tmp_path, topology), "--pricing", SNAPSHOT
    )
    assert total(document, "as-is") == Decimal(as_is_usd)
    unrecorded = any("records no AZ for interface endpoint vpce-0a00000000000000c" in note
                     for note in document["assumptions"])  # fmt: skip
    assert unrecorded == (not where)
