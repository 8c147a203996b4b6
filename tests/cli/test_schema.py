"""`vpccost schema`: the JSON Schemas of the input files."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("name", ["topology", "traffic", "pricing"])
def test_schema(name: str) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and schema["properties"]


def test_the_schema_command_describes_the_connectivity_fields() -> None:
    result = run_cli("schema", "topology")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"peering_connections", "transit_gateways", "flow_logs"} <= set(schema["properties"])
    assert {"route_tables", "nat_gateways", "endpoints"} <= set(schema["$defs"]["Vpc"]["properties"])
    assert schema["$defs"]["Endpoint"]["properties"]["type"]["enum"] == [
        "gateway",
        "interface",
        "gateway_load_balancer",
    ]


def test_the_topology_schema_describes_the_accounts_list() -> None:
    schema = json.loads(run_cli("schema", "topology").stdout)
    assert schema["properties"]["accounts"]["items"] == {"$ref": "#/$defs/Account"}
    account = schema["$defs"]["Account"]
    assert set(account["properties"]) == {"id", "name", "cost_center"}
    assert account["required"] == ["id", "name"]
