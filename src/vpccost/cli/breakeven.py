"""`vpccost breakeven`: where two options' cost lines cross, for one VPC pair or one VPC and AWS service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpccost.cli.options import (
    HoursOption,
    OutputOption,
    OverridesOption,
    PricingOption,
    SheetOption,
    TopologyOption,
    parse_list,
)
from vpccost.cli.output import ResultOutput, check_outputs, fail, run
from vpccost.outputs.formats import BREAKEVEN
from vpccost.outputs.paths import inputs, snapshot_input

OUTPUT = ResultOutput("breakeven", BREAKEVEN)
FormatOption = Annotated[str | None, OUTPUT.option()]


def breakeven_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV, .xlsx or Parquet): src, dst, gb or bytes, …")],
    options: Annotated[str, typer.Option(help="The two options to compare, e.g. transit-gateway,peering.")],
    topology: TopologyOption = None,
    sheet: SheetOption = None,
    pair: Annotated[str | None, typer.Option(help="A VPC pair (ids or names), e.g. web,orders.")] = None,
    vpc: Annotated[str | None, typer.Option(help="A VPC (id or name) calling --service.")] = None,
    service: Annotated[str | None, typer.Option(help="An AWS service the VPC calls, e.g. aws:s3.")] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    hours: HoursOption = None,
    html: Annotated[Path | None, typer.Option(help="Also write the plotly chart of both cost lines (HTML).")] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """The volume where two options' monthly cost lines cross, for one VPC pair or one VPC and AWS service."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.analyses.breakeven import breakeven

    chosen = OUTPUT.choose(output_format, output)
    check_outputs(
        {"--output": output, "--html": html},
        [
            *inputs("the traffic file", [traffic]),
            *inputs("the topology", [topology]),
            *inputs("the overrides file", [overrides]),
            *snapshot_input(pricing),
        ],
    )
    names = parse_list(options)
    pair_ids = parse_list(pair) if pair is not None else None
    if pair_ids is not None and len(pair_ids) != 2:
        fail("--pair takes two VPCs, e.g. --pair web,orders")
    result = run(
        lambda: breakeven(
            traffic,
            topology,
            options=(names[0], names[1]) if len(names) == 2 else (options, ""),
            pair=None if pair_ids is None else (pair_ids[0], pair_ids[1]),
            vpc=vpc,
            service=service,
            pricing=pricing,
            overrides=overrides,
            hours=hours,
            sheet=sheet,
        )
    )
    OUTPUT.emit(chosen, result, output, html=html)


def register(app: typer.Typer) -> None:
    app.command(
        "breakeven",
        epilog="Example: vpccost breakeven examples/s3-access/traffic.csv --topology examples/s3-access/topology.yaml "
        "--vpc ingest --service aws:s3 --options nat,interface-endpoint --html breakeven.html",
    )(breakeven_command)
