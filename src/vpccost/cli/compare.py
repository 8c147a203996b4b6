"""`vpccost compare`: every design priced for the traffic, ranked cheapest feasible first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpccost.cli.options import (
    DesignsOption,
    DetailOption,
    FreeTierOption,
    HoursOption,
    HtmlOption,
    NatPerVpcOption,
    OutputOption,
    OverridesOption,
    PricingOption,
    ServiceAccessOption,
    SheetOption,
    SplitByOption,
    StartOption,
    TopologyOption,
    parse_list,
)
from vpccost.cli.output import ResultOutput, check_outputs, run, warn
from vpccost.outputs.formats import COMPARISON
from vpccost.outputs.paths import inputs, snapshot_input

OUTPUT = ResultOutput("compare", COMPARISON)
FormatOption = Annotated[str | None, OUTPUT.option()]


def compare_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV, .xlsx or Parquet): src, dst, gb or bytes, …")],
    topology: TopologyOption = None,
    sheet: SheetOption = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    designs: DesignsOption = None,
    hours: HoursOption = None,
    nat_per_vpc: NatPerVpcOption = False,
    service_access: ServiceAccessOption = "best",
    free_tier: FreeTierOption = False,
    split_by: SplitByOption = None,
    start: StartOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    detail: DetailOption = False,
    html: HtmlOption = None,
    no_optimize: Annotated[
        bool,
        typer.Option(
            "--no-optimize",
            help="Do not check the recommendation against the optimizer's cheapest mix (it runs for estates of up "
            "to 100 VPCs).",
        ),
    ] = False,
) -> None:
    """Price the traffic under every design and rank them, cheapest feasible first."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.analyses.compare import compare

    chosen = OUTPUT.choose(output_format, output, detail=detail)
    check_outputs(
        {"--output": output, "--html": html},
        [
            *inputs("the traffic file", [traffic]),
            *inputs("the topology", [topology]),
            *inputs("the overrides file", [overrides]),
            *snapshot_input(pricing),
        ],
    )
    result = run(
        lambda: compare(
            traffic,
            topology,
            pricing=pricing,
            overrides=overrides,
            designs=parse_list(designs) if designs else None,
            hours=hours,
            nat_per_vpc=nat_per_vpc,
            service_access=service_access,
            optimize=False if no_optimize else None,
            free_tier=free_tier,
            split_by=split_by,
            sheet=sheet,
        )
    )
    for warning in result.warnings:
        warn(warning)
    OUTPUT.emit(chosen, result, output, start=start, detail=detail, html=html)


def register(app: typer.Typer) -> None:
    app.command(
        "compare",
        epilog="Example: vpccost compare examples/multi-account/traffic.csv "
        "--topology examples/multi-account/topology.yaml --format json",
    )(compare_command)
