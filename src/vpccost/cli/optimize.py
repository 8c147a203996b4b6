"""`vpccost optimize` and `vpccost breakeven`: the cheapest mixed architecture, and where two options cross."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vpccost.cli import (
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
    app,
)
from vpccost.optimizer import ALLOW_TOKENS, PEERING_QUOTA_DEFAULT, Optimization, optimize
from vpccost.table import render_comparison, usd

DECISION_ROWS = 30

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
    hours: Annotated[
        str, typer.Option(help="Length of the period the traffic covers, in hours; 730 is a month.")
    ] = "730",
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
        _emit(json.dumps(result.to_dict(), indent=2) + "\n", output)
    else:
        _emit_table(lambda console: render_optimization(result, console), output)


def render_optimization(result: Optimization, console: Console) -> None:
    """The ranked designs (with `optimized`), then the decisions and the solver's status."""
    render_comparison(result.comparison, console)
    table = Table(title=f"Decisions ({len(result.pairs)} pairs, {len(result.services)} service calls)")
    for column in ("subject", "chosen", "GB", "why"):
        table.add_column(column, overflow="fold")
    for pair in sorted(result.pairs, key=lambda p: -p.gb)[:DECISION_ROWS]:
        table.add_row(escape(" ↔ ".join(pair.vpcs)), pair.option or "unroutable", str(pair.gb), escape(pair.reason))
    for service in sorted(result.services, key=lambda s: -s.gb)[:DECISION_ROWS]:
        table.add_row(escape(f"{service.vpc} → {service.service}"), service.option, str(service.gb),
                      escape(service.reason))  # fmt: skip
    console.print(table)
    savings = ", ".join(f"{name} {usd(value)}" for name, value in result.savings.items())
    gap = "" if result.optimal or result.gap is None else f", gap {result.gap:.4%}"
    console.print(
        f"optimized: {usd(result.result.total_usd)} — {result.status}{gap}, {result.solve_seconds:.2f} s, "
        f"{result.model_variables} variables, {result.model_constraints} constraints; saving against {savings}"
    )
