"""`vpccost forecast`: the traffic priced month by month as it grows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpccost.cli.options import (
    DesignsOption,
    FreeTierOption,
    HtmlOption,
    NatPerVpcOption,
    OutputOption,
    OverridesOption,
    PricingOption,
    ServiceAccessOption,
    SheetOption,
    SplitByOption,
    TopologyOption,
    parse_list,
)
from vpccost.cli.output import ResultOutput, check_outputs, run
from vpccost.outputs.formats import FORECAST
from vpccost.outputs.paths import inputs, snapshot_input

OUTPUT = ResultOutput("forecast", FORECAST)
FormatOption = Annotated[str | None, OUTPUT.option()]


def forecast_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV, .xlsx or Parquet) of the first month.")],
    months: Annotated[int, typer.Option(help="Number of months to forecast.")],
    growth: Annotated[str, typer.Option(help="Monthly growth of every volume, e.g. 3%/month or 0.03.")] = "0%",
    growth_file: Annotated[
        Path | None, typer.Option(help="CSV with month and growth (rate over the previous month) or factor columns.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First month, YYYY-MM (default: next month).")] = None,
    topology: TopologyOption = None,
    sheet: SheetOption = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    designs: DesignsOption = None,
    nat_per_vpc: NatPerVpcOption = False,
    service_access: ServiceAccessOption = "best",
    free_tier: FreeTierOption = False,
    split_by: SplitByOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    html: HtmlOption = None,
) -> None:
    """Price the traffic month by month as it grows, with tiers re-applied to each month's volume."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.analyses.forecast import forecast
    from vpccost.inputs.traffic import load_traffic

    chosen = OUTPUT.choose(output_format, output)
    check_outputs(
        {"--output": output, "--html": html},
        [
            *inputs("the traffic file", [traffic]),
            *inputs("the growth file", [growth_file]),
            *inputs("the topology", [topology]),
            *inputs("the overrides file", [overrides]),
            *snapshot_input(pricing),
        ],
    )
    result = run(
        lambda: forecast(
            traffic if sheet is None else load_traffic(traffic, sheet=sheet),
            topology,
            months=months,
            growth=growth,
            growth_file=growth_file,
            start=start,
            pricing=pricing,
            overrides=overrides,
            designs=parse_list(designs) if designs else None,
            nat_per_vpc=nat_per_vpc,
            service_access=service_access,
            free_tier=free_tier,
            split_by=split_by,
        )
    )
    OUTPUT.emit(chosen, result, output, html=html)


def register(app: typer.Typer) -> None:
    app.command(
        "forecast",
        epilog="Example: vpccost forecast examples/multi-account/traffic.csv "
        "--topology examples/multi-account/topology.yaml --months 36 --growth 3%/month --start 2027-01",
    )(forecast_command)
