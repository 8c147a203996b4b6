"""`vpccost optimize`: the cheapest feasible mix of connection options, priced beside the pure designs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpccost.cli.options import (
    DetailOption,
    HoursOption,
    NatPerVpcOption,
    OutputOption,
    OverridesOption,
    PricingOption,
    ServiceAccessOption,
    SheetOption,
    TopologyOption,
)
from vpccost.cli.output import ResultOutput, check_outputs, run, warn
from vpccost.names import ALLOW_TOKENS, PEERING_QUOTA_DEFAULT
from vpccost.outputs.formats import OPTIMIZATION
from vpccost.outputs.paths import inputs, snapshot_input

OUTPUT = ResultOutput("optimize", OPTIMIZATION)
FormatOption = Annotated[str | None, OUTPUT.option()]


def optimize_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV, .xlsx or Parquet): src, dst, gb or bytes, …")],
    topology: TopologyOption = None,
    sheet: SheetOption = None,
    allow: Annotated[
        str | None,
        typer.Option(help=f"Comma-separated options the optimizer may use (default: all of {','.join(ALLOW_TOKENS)})."),
    ] = None,
    peering_quota: Annotated[
        int, typer.Option(help="Active peering connections allowed per VPC (AWS default 50, at most 125).")
    ] = PEERING_QUOTA_DEFAULT,
    hub_vpc: Annotated[
        str | None, typer.Option(help="VPC (id or name) that hosts central endpoints (default: a new hub VPC).")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Stop the solver after this many seconds and report the gap.")
    ] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    hours: HoursOption = None,
    nat_per_vpc: NatPerVpcOption = False,
    service_access: ServiceAccessOption = "best",
    output_format: FormatOption = None,
    output: OutputOption = None,
    detail: DetailOption = False,
) -> None:
    """Choose the cheapest feasible mix of peering, Transit Gateway, PrivateLink, sharing, endpoints and NAT."""
    # the library (and the solver) is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.optimizer import optimize

    chosen = OUTPUT.choose(output_format, output, detail=detail)
    check_outputs(
        {"--output": output},
        [
            *inputs("the traffic file", [traffic]),
            *inputs("the topology", [topology]),
            *inputs("the overrides file", [overrides]),
            *snapshot_input(pricing),
        ],
    )
    result = run(
        lambda: optimize(
            traffic,
            topology,
            pricing=pricing,
            overrides=overrides,
            allow=allow,
            peering_quota=peering_quota,
            hub_vpc=hub_vpc,
            hours=hours,
            nat_per_vpc=nat_per_vpc,
            service_access=service_access,
            time_limit_s=time_limit,
            sheet=sheet,
        )
    )
    if not result.optimal:
        gap = "unknown" if result.gap is None else f"{result.gap:.4%}"
        warn(f"not proven optimal ({result.status}); gap {gap}")
    OUTPUT.emit(chosen, result, output, detail=detail)


def register(app: typer.Typer) -> None:
    app.command(
        "optimize",
        epilog="Example: vpccost optimize examples/optimizer/hub-peering-quota/traffic.csv "
        "--topology examples/optimizer/hub-peering-quota/topology.yaml --allow peering,transit-gateway "
        "--peering-quota 3 --format json",
    )(optimize_command)
