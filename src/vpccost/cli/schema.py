"""`vpccost schema`: the JSON Schema of each input file."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from pydantic import BaseModel

from vpccost.inputs.topology import Topology
from vpccost.inputs.traffic import TrafficRow
from vpccost.pricing.snapshot import Snapshot


class SchemaName(StrEnum):
    topology = "topology"
    traffic = "traffic"
    pricing = "pricing"


MODELS: dict[SchemaName, type[BaseModel]] = {
    SchemaName.topology: Topology,
    SchemaName.traffic: TrafficRow,
    SchemaName.pricing: Snapshot,
}


def schema(
    name: Annotated[SchemaName, typer.Argument(help="topology, traffic (one row of a traffic file), or pricing.")],
) -> None:
    """Print the JSON Schema of an input file."""
    typer.echo(json.dumps(MODELS[name].model_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.command("schema", epilog="Example: vpccost schema topology > topology.schema.json")(schema)
