"""`vpccost schema`: the JSON Schema of each input file."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pydantic import BaseModel


class SchemaName(StrEnum):
    topology = "topology"
    traffic = "traffic"
    pricing = "pricing"


def models() -> dict[SchemaName, type[BaseModel]]:
    """The model of each input file, imported when asked, so that `vpccost --help` stays quick."""
    from vpccost.inputs.topology import Topology
    from vpccost.inputs.traffic import TrafficRow
    from vpccost.pricing.snapshot import Snapshot

    return {SchemaName.topology: Topology, SchemaName.traffic: TrafficRow, SchemaName.pricing: Snapshot}


def schema(
    name: Annotated[SchemaName, typer.Argument(help="topology, traffic (one row of a traffic file), or pricing.")],
) -> None:
    """Print the JSON Schema of an input file."""
    typer.echo(json.dumps(models()[name].model_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.command("schema", epilog="Example: vpccost schema topology > topology.schema.json")(schema)
