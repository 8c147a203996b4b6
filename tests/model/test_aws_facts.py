"""Facts about AWS: regions with their AZ ID prefixes, the services gateway endpoints reach (AWS's
documentation: "AZ IDs for your resources", and "Gateway endpoints" — S3 and DynamoDB only), and what each
network-interface type is to flow-log counting (the EC2 API reference, NetworkInterface data type)."""

from __future__ import annotations

import pytest

from vpccost.model.aws_facts import (
    GATEWAY_ENDPOINT_SERVICES,
    INTERFACE_TYPE_OF_KIND,
    INTERFACE_TYPES,
    MIDDLEBOX_KINDS,
    PUBLIC_ADDRESS_SERVICES,
    REGIONS,
    az_id_region,
    interface_kind,
    interface_kind_of_any_spelling,
    is_region,
    region_name,
)


@pytest.mark.parametrize(
    ("az_id", "region"),
    [
        ("use1-az4", "us-east-1"),
        ("euw1-az2", "eu-west-1"),
        ("apse2-az3", "ap-southeast-2"),
        ("cac1-az1", "ca-central-1"),
    ],
)
def test_an_az_id_names_its_region_by_its_prefix(az_id: str, region: str) -> None:
    assert az_id_region(az_id) == region


@pytest.mark.parametrize("text", ["us-east-1a", "use1", "zzz9-az1", "USE1-AZ1", ""])
def test_what_is_not_an_az_id_of_a_known_region_names_none(text: str) -> None:
    assert az_id_region(text) is None


def test_each_region_has_its_own_prefix() -> None:
    prefixes = [prefix for _, prefix in REGIONS.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_region_codes_and_names() -> None:
    assert is_region("eu-central-1") and not is_region("mars-1")
    assert region_name("us-east-2") == "US East (Ohio)"
    assert region_name("mars-1") == "mars-1"


def test_gateway_endpoints_reach_s3_and_dynamodb_and_no_endpoint_reaches_public_addresses() -> None:
    assert frozenset({"s3", "dynamodb"}) == GATEWAY_ENDPOINT_SERVICES
    assert frozenset({"ec2", "amazon"}) == PUBLIC_ADDRESS_SERVICES


EC2_INTERFACE_TYPES = [
    "interface", "natGateway", "efa", "efa-only", "efs", "trunk", "load_balancer", "network_load_balancer",
    "vpc_endpoint", "branch", "transit_gateway", "lambda", "quicksight", "global_accelerator_managed",
    "api_gateway_managed", "gateway_load_balancer", "gateway_load_balancer_endpoint", "iot_rules_managed",
    "aws_codestar_connections_managed",
]  # fmt: skip
"""The InterfaceType values the EC2 API reference lists for the NetworkInterface data type
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html)."""


def test_every_interface_type_ec2_reports_is_read_and_the_middleboxes_are_the_ones_flow_logs_pass_through() -> None:
    kinds = {name: interface_kind(name) for name in EC2_INTERFACE_TYPES}
    assert None not in kinds.values()
    # the ENIs a packet crosses on its way (not its ends): NAT gateway, TGW attachment, endpoints, load balancers
    assert {name: kind for name, kind in kinds.items() if kind != "workload"} == {
        "natGateway": "nat_gateway",
        "load_balancer": "load_balancer",
        "network_load_balancer": "load_balancer",
        "vpc_endpoint": "vpc_endpoint",
        "transit_gateway": "transit_gateway_attachment",
        "gateway_load_balancer": "gateway_load_balancer",
        "gateway_load_balancer_endpoint": "vpc_endpoint",
    }


def test_the_other_names_read_are_the_flow_log_fields_and_the_names_topology_files_used_before() -> None:
    others = {name: kind for name, kind in INTERFACE_TYPES.items() if name not in EC2_INTERFACE_TYPES}
    assert others == {
        "nat_gateway": "nat_gateway",
        "regional_nat_gateway": "nat_gateway",
        "workload": "workload",
        "transit_gateway_attachment": "transit_gateway_attachment",
    }
    # every kind but `workload` is also a name, as topology files wrote it
    assert all(interface_kind(kind) == kind for kind in MIDDLEBOX_KINDS | {"workload"})


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("nat_gateway", "nat_gateway"),
        ("regional_nat_gateway", "nat_gateway"),
        ("NAT-Gateway", "nat_gateway"),
        ("transit_gateway", "transit_gateway_attachment"),
        ("vpc_endpoint", "vpc_endpoint"),
        ("network_load_balancer", "load_balancer"),
        ("EFA-only", "workload"),
        ("interface", "workload"),
        ("router", None),
        # shorter names some pipelines write, read as the middleboxes they name
        ("nat", "nat_gateway"),
        ("tgw_attachment", "transit_gateway_attachment"),
        ("interface_endpoint", "vpc_endpoint"),
        ("application_load_balancer", "load_balancer"),
    ],
)
def test_a_flow_log_interface_type_maps_in_any_case_and_punctuation(value: str, kind: str | None) -> None:
    assert interface_kind_of_any_spelling(value) == kind


def test_names_spelled_alike_have_one_kind_and_an_exact_name_is_needed_otherwise() -> None:
    kinds: dict[str, set[str]] = {}
    for name, kind in INTERFACE_TYPES.items():
        kinds.setdefault("".join(c for c in name.lower() if c.isalnum()), set()).add(kind)
    assert all(len(found) == 1 for found in kinds.values()), kinds
    assert interface_kind("NatGateway") is None
    assert interface_kind("natGateway") == "nat_gateway"


def test_the_type_written_for_each_kind_is_ec2s_and_says_that_kind() -> None:
    assert set(INTERFACE_TYPE_OF_KIND) == MIDDLEBOX_KINDS | {"workload"}
    assert all(
        name in EC2_INTERFACE_TYPES and interface_kind(name) == kind for kind, name in INTERFACE_TYPE_OF_KIND.items()
    )
