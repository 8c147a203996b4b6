"""Topology files: a full example with existing connectivity loads, ENIs typed as EC2 reports them (or by the
names files used before) load with their kind, and each kind of mistake is refused naming the line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.bad_input import compare_fails
from vpccost.errors import InputError
from vpccost.inputs.topology import load_topology, topology_yaml


@pytest.mark.parametrize(
    ("topology_text", "expected"),
    [
        (
            "vpcs:\n  - id: a\n    account: '1'\n    region: us-east-1\n    cidrs: [10.0.0.0/33]\n",
            ["line 5", "vpcs[0].cidrs", "invalid CIDR"],
        ),
        (
            "vpcs:\n  - id: a\n    account: '1'\n    region: us-east-1\n    azs: [use1-az1, euw1-az2]\n",
            ["line 5", "vpcs[0].azs[1]", "euw1-az2", "eu-west-1"],
        ),
        (
            "vpcs:\n  - {id: a, account: '1', region: us-east-1}\n  - {id: a, account: '2', region: us-east-1}\n",
            ["line 3", "vpcs[1].id", "duplicate VPC id 'a'"],
        ),
        ("vpcs:\n  - id: a\n    account: 012345\n    region: us-east-1\n", ["line 3", "vpcs[0].account", "quote"]),
        ("vpcs:\n  - id: a\n    account: '1'\n    region: mars-1\n", ["line 4", "vpcs[0].region"]),
        (
            "accounts:\n  - {id: '1', name: a}\n  - {id: '1', name: b}\n"
            "vpcs:\n  - {id: a, account: '1', region: us-east-1}\n",
            ["line 3", "accounts[1].id", "'1' is listed twice"],
        ),
        (
            "accounts:\n  - {id: 012345, name: a}\nvpcs:\n  - {id: a, account: '1', region: us-east-1}\n",
            ["line 2", "accounts[0].id", "quote"],
        ),
        (
            "accounts:\n  - {id: '1', cost_center: x}\nvpcs:\n  - {id: a, account: '1', region: us-east-1}\n",
            ["line 2", "accounts[0].name"],
        ),
        ("", ["empty"]),
        (
            "vpcs:\n  - id: a\n    acount: '1'\n    region: us-east-1\n",
            ["line 3", "vpcs[0].acount", "unknown key 'acount'; allowed: account, azs, cidrs, endpoints, id,",
             "(did you mean 'account'?)"],
        ),
        ("- id: a\n  account: '1'\n", ["line 1", "the topology must be a mapping with a 'vpcs' list, not a list"]),
    ],
)  # fmt: skip
def test_bad_topology(tmp_path: Path, topology_text: str, expected: list[str]) -> None:
    topology = tmp_path / "topology.yaml"
    topology.write_text(topology_text)
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\na,internet,1\n")
    compare_fails(tmp_path, traffic, topology, str(topology), *expected)


def test_accounts_name_ids_with_an_optional_cost_center_even_ids_no_vpc_uses(tmp_path: Path) -> None:
    path = tmp_path / "topology.yaml"
    path.write_text(
        "accounts:\n"
        "  - {id: '111111111111', name: network, cost_center: CC-100}\n"
        "  - {id: '999999999999', name: unused}\n"
        "vpcs:\n  - {id: a, account: '111111111111', region: us-east-1}\n"
    )
    topology = load_topology(path)
    assert [(a.id, a.name, a.cost_center) for a in topology.accounts] == [
        ("111111111111", "network", "CC-100"),
        ("999999999999", "unused", None),
    ]
    assert topology.account_details["111111111111"].name == "network"
    assert "accounts:" in topology_yaml(topology)
    assert load_topology(path).accounts == topology.accounts


def test_duplicate_azs_are_bad_input(tmp_path: Path) -> None:
    topology = tmp_path / "topology.yaml"
    topology.write_text("vpcs:\n  - id: a\n    account: '1'\n    region: us-east-1\n    azs: [use1-az1, use1-az1]\n")
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\na,internet,1\n")
    compare_fails(tmp_path, traffic, topology, "line 5", "vpcs[0].azs[1]", "listed twice")


CONNECTED = """\
network_account: "111111111111"
vpcs:
  - id: vpc-a
    account: "111111111111"
    region: us-east-1
    cidrs: [10.0.0.0/16, "2600:1f18:aaaa:bb00::/56"]
    subnets:
      - {id: subnet-0a1, cidr: 10.0.1.0/24, az: use1-az1, ipv6_cidr: "2600:1f18:aaaa:bb01::/64"}
      - {id: subnet-0a2, cidr: 10.0.2.0/24, az: use1-az2}
    interfaces:
      - {id: eni-0n1, ips: [10.0.1.9], type: nat_gateway, az: use1-az1, resource: nat-0123}
    route_tables:
      - id: rtb-0123
        main: true
        subnets: [subnet-0a1]
        routes:
          - {destination: 10.0.0.0/16, target: local}
          - {destination: 10.1.0.0/16, target: pcx-0abc}
          - {destination: pl-63a5400a, target: vpce-0s3}
          - {destination: 0.0.0.0/0, target: nat-0123}
          - {destination: "::/0", target: eigw-0e1}
          - {destination: 10.9.0.0/16, target: tgw-0123, state: blackhole}
    nat_gateways:
      - {id: nat-0123, az: use1-az1, subnet: subnet-0a1, connectivity: public, availability_mode: zonal}
      - {id: nat-0r1, az: null, connectivity: public, availability_mode: regional, azs: [use1-az1, use1-az2]}
    endpoints:
      - id: vpce-0s3
        type: gateway
        service_name: com.amazonaws.us-east-1.s3
        service: s3
        route_tables: [rtb-0123]
      - id: vpce-0sqs
        type: interface
        service_name: com.amazonaws.us-east-1.sqs
        service: sqs
        azs: [use1-az1, use1-az2]
        subnets: [subnet-0a1, subnet-0a2]
        private_dns: true
  - id: vpc-b
    account: "222222222222"
    region: eu-west-1
    cidrs: [10.1.0.0/16]
peering_connections:
  - {id: pcx-0abc, requester: vpc-a, accepter: vpc-b, status: active, accepter_region: eu-west-1}
transit_gateways:
  - id: tgw-0123
    account: "111111111111"
    region: us-east-1
    attachments:
      - {id: tgw-attach-01, type: vpc, vpc: vpc-a, account: "222222222222", state: available, subnets: [subnet-0a1]}
      - {id: tgw-attach-02, type: peering, peer_transit_gateway: tgw-0456, peer_region: eu-west-1, state: available}
flow_logs:
  - {id: fl-0123, resource: vpc-a, traffic_type: ALL, destination_type: s3, destination: "arn:aws:s3:::bucket/prefix",
     log_format: "${version} ${account-id} ${interface-id}", max_aggregation_interval_s: 60}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topology.yaml"
    path.write_text(text)
    return path


def test_the_connectivity_fields_load(tmp_path: Path) -> None:
    topology = load_topology(write(tmp_path, CONNECTED))
    vpc_a = topology.vpcs[0]
    table = vpc_a.route_tables[0]
    assert table.main
    assert vpc_a.subnets[0].ipv6_cidr == "2600:1f18:aaaa:bb01::/64"
    assert table.subnets == ["subnet-0a1"]
    assert [route.target_kind for route in table.routes] == ["local", "pcx", "vpce", "nat", "eigw", "tgw"]
    assert table.routes[-1].state == "blackhole"
    assert [gateway.availability_mode for gateway in vpc_a.nat_gateways] == ["zonal", "regional"]
    assert vpc_a.nat_gateways[1].az is None
    assert vpc_a.nat_gateways[1].azs == ["use1-az1", "use1-az2"]  # where the regional one is active
    assert vpc_a.endpoints[0].route_tables == ["rtb-0123"]
    assert vpc_a.endpoints[1].azs == ["use1-az1", "use1-az2"]
    assert vpc_a.endpoints[1].private_dns
    assert vpc_a.interfaces[0].resource == "nat-0123"
    assert topology.peering_connections[0].accepter == "vpc-b"
    assert topology.peering_connections[0].requester_region is None
    attachments = topology.transit_gateways[0].attachments
    assert [attachment.type for attachment in attachments] == ["vpc", "peering"]
    assert attachments[1].peer_transit_gateway == "tgw-0456"
    assert topology.flow_logs[0].max_aggregation_interval_s == 60
    assert topology.discovery_warnings == []


def test_a_topology_without_connectivity_has_empty_lists(tmp_path: Path) -> None:
    topology = load_topology(write(tmp_path, "vpcs:\n  - {id: a, account: '1', region: us-east-1}\n"))
    vpc = topology.vpcs[0]
    lists: list[list[Any]] = [topology.peering_connections, topology.transit_gateways, topology.flow_logs]
    lists += [vpc.route_tables, vpc.nat_gateways, vpc.endpoints, topology.discovery_warnings]
    assert all(entries == [] for entries in lists)


@pytest.mark.parametrize(
    ("old", "new", "at", "field", "message"),
    [
        # (text of CONNECTED, its replacement, the text on the line the error must point at, field, message)
        ("target: pcx-0abc}", "target: pxc-0abc}", "pxc-0abc", "routes[1].target", "not a route target"),
        ("10.1.0.0/16, target", "10.1.0.0/33, target", "10.1.0.0/33", "routes[1].destination", "invalid CIDR"),
        ("destination: pl-63a5400a", "destination: pl-", "pl-,", "routes[2].destination", "not a pl- id"),
        ("  - id: rtb-0123", "  - id: rt-0123", "rt-0123", "route_tables[0].id", "not a rtb- id"),
        ("aaaa:bb01::/64", "aaaa:cc01::/64", "cc01", "subnets[0].ipv6_cidr", "outside the VPC's CIDRs"),
        (
            "subnets: [subnet-0a1]\n        routes",
            "subnets: [subnet-0zz]\n        routes",
            "subnet-0zz",
            "route_tables[0].subnets",
            "subnet-0zz is not among the VPC's subnets",
        ),
        (
            "az: use1-az1, subnet: subnet-0a1, conn",
            "az: euw1-az1, subnet: subnet-0a1, conn",
            "euw1-az1",
            "nat_gateways[0].az",
            "belongs to eu-west-1",
        ),
        (
            "az: null, connectivity: public",
            "az: use1-az2, connectivity: public",
            "nat-0r1",
            "nat_gateways[1].availability_mode",
            "regional NAT gateway has no single AZ",
        ),
        (
            "availability_mode: regional, azs",
            "availability_mode: zonal, azs",
            "nat-0r1",
            "nat_gateways[1].azs",
            "only a regional NAT gateway lists the AZs",
        ),
        (
            "azs: [use1-az1, use1-az2]}",
            "azs: [use1-az1, euw1-az2]}",
            "euw1-az2",
            "nat_gateways[1].azs",
            "belongs to eu-west-1",
        ),
        (
            "azs: [use1-az1, use1-az2]}",
            "azs: [use1-az1, use1-az1]}",
            "use1-az1, use1-az1",
            "nat_gateways[1].azs[1]",
            "listed twice",
        ),
        (
            "route_tables: [rtb-0123]",
            "route_tables: [rtb-0999]",
            "rtb-0999",
            "endpoints[0].route_tables",
            "rtb-0999 is not among the VPC's route tables",
        ),
        ("type: interface", "type: interfaces", "type: interfaces", "endpoints[1].type", "Input should be"),
        (
            "type: interface\n",
            "type: interface\n        route_tables: [rtb-0456]\n",
            "rtb-0456",
            "endpoints[1].route_tables",
            "only gateway endpoints",
        ),
        ("status: active", "status: up", "status: up", "peering_connections[0].status", "Input should be"),
        (
            "accepter_region: eu-west-1",
            "accepter_region: eu-west-9",
            "eu-west-9",
            "peering_connections[0].accepter_region",
            "not an AWS region code",
        ),
        (
            "type: vpc, vpc: vpc-a,",
            "type: vpc,",
            "tgw-attach-01",
            "transit_gateways[0].attachments[0]",
            "a vpc attachment names its VPC",
        ),
        (
            "peer_transit_gateway: tgw-0456, ",
            "",
            "tgw-attach-02",
            "transit_gateways[0].attachments[1]",
            "names the other transit gateway",
        ),
        (
            "{id: tgw-attach-02",
            "{id: tgw-attach-01",
            "type: peering",
            "transit_gateways[0].attachments[1].id",
            "listed twice",
        ),
        (
            'account: "111111111111"\n    region: us-east-1\n    attach',
            "account: 111111111111\n    region: us-east-1\n    attach",
            "account: 111111111111\n    region",
            "transit_gateways[0].account",
            "quote",
        ),
        (
            "max_aggregation_interval_s: 60",
            "max_aggregation_interval_s: 300",
            "interval_s: 300",
            "flow_logs[0].max_aggregation_interval_s",
            "Input should be",
        ),
        ("{id: fl-0123", "{id: flow-0123", "flow-0123", "flow_logs[0].id", "not a fl- id"),
    ],
)
def test_connectivity_mistakes_name_the_line_and_field(
    tmp_path: Path, old: str, new: str, at: str, field: str, message: str
) -> None:
    assert CONNECTED.count(old) == 1
    text = CONNECTED.replace(old, new)
    assert text.count(at) == 1
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_topology(path)
    assert caught.value.field is not None
    assert caught.value.field.endswith(field), caught.value
    assert message in caught.value.message
    assert caught.value.line == 1 + text[: text.index(at)].count("\n"), caught.value


def test_two_main_route_tables_and_a_subnet_in_two_tables_are_refused(tmp_path: Path) -> None:
    second_table = "      - {id: rtb-0456, main: true}\n    nat_gateways:"
    path = write(tmp_path, CONNECTED.replace("    nat_gateways:", second_table))
    with pytest.raises(InputError, match="one main route table") as caught:
        load_topology(path)
    assert caught.value.field == "vpcs[0].route_tables[1].main"
    path = write(
        tmp_path,
        CONNECTED.replace("    nat_gateways:", "      - {id: rtb-0456, subnets: [subnet-0a1]}\n    nat_gateways:"),
    )
    with pytest.raises(InputError, match="also associated with route_tables"):
        load_topology(path)


def interfaces_text(*types: str) -> str:
    """A VPC whose `interfaces` has one ENI of each type, in that order (eni-00, eni-01, …)."""
    lines = [
        f"      - {{id: eni-{index:02}, ips: [10.0.0.{index + 10}], type: {kind}}}" for index, kind in enumerate(types)
    ]
    return "vpcs:\n  - id: a\n    account: '1'\n    region: us-east-1\n    interfaces:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("interface_type", "kind"),
    [
        # EC2's InterfaceType as DescribeNetworkInterfaces reports it (EC2 API reference, NetworkInterface)
        ("transit_gateway", "transit_gateway_attachment"),
        ("natGateway", "nat_gateway"),
        ("vpc_endpoint", "vpc_endpoint"),
        ("network_load_balancer", "load_balancer"),
        ("gateway_load_balancer", "gateway_load_balancer"),
        ("gateway_load_balancer_endpoint", "vpc_endpoint"),
        ("lambda", "workload"),
        ("interface", "workload"),
        ("efa-only", "workload"),
        # the names topology files used before, still read
        ("nat_gateway", "nat_gateway"),
        ("transit_gateway_attachment", "transit_gateway_attachment"),
        ("load_balancer", "load_balancer"),
        ("workload", "workload"),
    ],
)
def test_an_interface_type_as_ec2_reports_it_or_as_files_wrote_it_loads_with_its_kind(
    tmp_path: Path, interface_type: str, kind: str
) -> None:
    (interface,) = load_topology(write(tmp_path, interfaces_text(interface_type))).vpcs[0].interfaces
    assert (interface.type, interface.kind) == (interface_type, kind)


def test_an_interface_keeps_the_type_it_was_given_when_written_back(tmp_path: Path) -> None:
    topology = load_topology(write(tmp_path, interfaces_text("natGateway", "interface", "nat_gateway")))
    document = yaml.safe_load(topology_yaml(topology))
    # `interface` is the default, left out like every default
    assert [entry.get("type") for entry in document["vpcs"][0]["interfaces"]] == ["natGateway", None, "nat_gateway"]
    untyped = "vpcs:\n  - {id: a, account: '1', region: us-east-1, interfaces: [{id: eni-00}]}\n"
    (interface,) = load_topology(write(tmp_path, untyped)).vpcs[0].interfaces
    assert (interface.type, interface.kind) == ("interface", "workload")


@pytest.mark.parametrize(
    ("interface_type", "message"),
    [
        ("nat_gatway", "'nat_gatway' is not a network interface type (did you mean 'nat_gateway'?)"),
        ("transit_gatway", "did you mean 'transit_gateway'?"),
        ("router", "'router' is not a network interface type: give EC2's InterfaceType"),
    ],
)
def test_an_unknown_interface_type_names_the_line_and_field_and_a_close_name(
    tmp_path: Path, interface_type: str, message: str
) -> None:
    text = interfaces_text("interface", interface_type)
    with pytest.raises(InputError) as caught:
        load_topology(write(tmp_path, text))
    error, line = caught.value, 1 + text[: text.index("eni-01")].count("\n")
    assert (error.field, error.line) == ("vpcs[0].interfaces[1].type", line)
    assert str(error).startswith(f"{tmp_path / 'topology.yaml'}, line {line}, field 'vpcs[0].interfaces[1].type': ")
    assert message in error.message
