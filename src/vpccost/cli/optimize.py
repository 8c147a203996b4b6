"""`vpccost optimize` and `vpccost breakeven`: the cheapest mixed architecture, and where two options cross."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from vpccost.analyses.breakeven import breakeven
from vpccost.cli import (
    HoursOption,
    NatPerVpcOption,
    OutputFormat,
    OutputOption,
    OverridesOption,
    PricingOption,
    TopologyOption,
    _emit,
    _emit_table,
    _format,
    _run,
    _write_file,
    app,
)
from vpccost.optimizer import ALLOW_TOKENS, PEERING_QUOTA_DEFAULT, optimize
from vpccost.outputs.documents import breakeven_document, optimization_document
from vpccost.outputs.table import render_breakeven, render_optimization
from vpccost.results import BreakEven, Optimization

TextFormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="table (default) or json; inferred from --output's suffix."),
]


@app.command(
    "optimize",
    epilog="Example: vpccost optimize examples/optimizer/hub-peering-quota/traffic.csv "
    "--topology examples/optimizer/hub-peering-quota/topology.yaml --allow peering,transit-gateway "
    "--peering-quota 3 --format json",
)
def optimize_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV or Parquet): src, dst, gb or bytes, …")],
    topology: TopologyOption = None,
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
    hours: HoursOption = "730",
    nat_per_vpc: NatPerVpcOption = False,
    output_format: TextFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Choose the cheapest feasible mix of peering, Transit Gateway, PrivateLink, sharing, endpoints and NAT."""
    chosen = _format(output_format, output)
    if chosen not in (OutputFormat.table, OutputFormat.json):
        typer.echo("error: optimize writes table or json", err=True)
        raise typer.Exit(2)
    result: Optimization = _run(
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
            time_limit_s=time_limit,
        )
    )
    if not result.optimal:
        gap = "unknown" if result.gap is None else f"{result.gap:.4%}"
        typer.echo(f"warning: not proven optimal ({result.status}); gap {gap}", err=True)
    if chosen is OutputFormat.json:
        _emit(json.dumps(optimization_document(result), indent=2) + "\n", output)
    else:
        _emit_table(lambda console: render_optimization(result, console), output)


@app.command(
    "breakeven",
    epilog="Example: vpccost breakeven examples/s3-access/traffic.csv --topology examples/s3-access/topology.yaml "
    "--vpc ingest --service aws:s3 --options nat,interface-endpoint --html breakeven.html",
)
def breakeven_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV or Parquet): src, dst, gb or bytes, …")],
    options: Annotated[str, typer.Option(help="The two options to compare, e.g. transit-gateway,peering.")],
    topology: TopologyOption = None,
    pair: Annotated[str | None, typer.Option(help="A VPC pair (ids or names), e.g. web,orders.")] = None,
    vpc: Annotated[str | None, typer.Option(help="A VPC (id or name) calling --service.")] = None,
    service: Annotated[str | None, typer.Option(help="An AWS service the VPC calls, e.g. aws:s3.")] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    hours: HoursOption = "730",
    html: Annotated[Path | None, typer.Option(help="Also write the plotly chart of both cost lines (HTML).")] = None,
    output_format: TextFormatOption = None,
    output: OutputOption = None,
) -> None:
    """The volume where two options' monthly cost lines cross, for one VPC pair or one VPC and AWS service."""
    chosen = _format(output_format, output)
    names = [name.strip() for name in options.split(",") if name.strip()]
    pair_ids = [name.strip() for name in pair.split(",")] if pair else None
    if pair_ids is not None and len(pair_ids) != 2:
        typer.echo("error: --pair takes two VPCs, e.g. --pair web,orders", err=True)
        raise typer.Exit(2)
    result: BreakEven = _run(
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
        )
    )
    if html is not None:
        _write_file(html, lambda: result.write_html(html))
    if chosen is OutputFormat.json:
        _emit(json.dumps(breakeven_document(result), indent=2) + "\n", output)
    else:
        _emit_table(lambda console: render_breakeven(result, console), output)
