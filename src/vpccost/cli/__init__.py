"""The `vpccost` command line: a thin layer that parses options, calls the library, and renders results.

Exit codes: 0 success, 2 bad input (the message names the file, line or row, and field), 1 unexpected
error. Results go to stdout or `--output FILE` (written whole, or not at all); progress, warnings and errors
go to stderr.
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]
from rich.console import Console

from vpccost.aws.clients import pricing_client
from vpccost.aws.pricelist import fetch_snapshot, snapshot_from_offer_files, write_snapshot
from vpccost.compare import compare as compare_designs
from vpccost.errors import ExportWarning, InputError, VpccostError
from vpccost.forecasting import forecast
from vpccost.inputs.topology import Topology
from vpccost.inputs.traffic import TrafficRow
from vpccost.model.aws_facts import is_region
from vpccost.outputs.documents import comparison_document, forecast_document, price_changes_document, pricing_document
from vpccost.outputs.files import write_text_atomically
from vpccost.outputs.focus import focus_csv
from vpccost.outputs.frames import line_items_csv, periods_csv
from vpccost.outputs.parquet import write_parquet
from vpccost.outputs.periods import period_of
from vpccost.outputs.report_html import write_html
from vpccost.outputs.table import render_comparison, render_forecast, render_price_changes, render_pricing
from vpccost.outputs.xlsx import write_xlsx
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.diff import diff_catalogs
from vpccost.pricing.load import load_pricing
from vpccost.pricing.snapshot import Snapshot
from vpccost.results import DatedComparison, PriceChanges, PriceList

app = typer.Typer(
    name="vpccost",
    help="What AWS inter-VPC network traffic costs under peering, Transit Gateway, PrivateLink, NAT and VPC "
    "sharing, and which design is cheapest.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
pricing_app = typer.Typer(help="Inspect the price snapshot.", no_args_is_help=True)
app.add_typer(pricing_app, name="pricing")


TABLE_WIDTH_OFF_TERMINAL = 200
"""Tables written to a pipe or a file are laid out this wide, so that nothing is cut."""


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"
    focus = "focus"


BINARY_FORMATS = frozenset({OutputFormat.parquet, OutputFormat.xlsx})
"""Formats written only to a file (`--output`)."""


class SchemaName(StrEnum):
    topology = "topology"
    traffic = "traffic"
    pricing = "pricing"


TopologyOption = Annotated[
    Path | None, typer.Option("--topology", "-t", help="Topology file (YAML or JSON): accounts, VPCs, CIDRs, AZs.")
]
PricingOption = Annotated[
    Path | None,
    typer.Option("--pricing", help="Price snapshot folder or prices.json (default: the newest bundled snapshot)."),
]
OverridesOption = Annotated[
    Path | None,
    typer.Option("--overrides", help="Overrides file (YAML or JSON) that sets or scales prices."),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the result to this file instead of stdout.")
]
DesignsOption = Annotated[
    str | None,
    typer.Option(help="Comma-separated designs to price (default: nat,peering,transit-gateway,privatelink,sharing)."),
]
HoursOption = Annotated[str, typer.Option(help="Length of the period the traffic covers, in hours; 730 is a month.")]
NatPerVpcOption = Annotated[bool, typer.Option("--nat-per-vpc", help="One NAT gateway per VPC instead of one per AZ.")]
FreeTierOption = Annotated[
    bool, typer.Option("--free-tier", help="Apply the 100 GB/month free internet egress allowance.")
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table (default), json, csv (line items), parquet, xlsx (workbook for finance) or focus (FOCUS 1.2 "
        "CSV); inferred from --output's suffix.",
    ),
]
SplitByOption = Annotated[
    str | None, typer.Option(help="A label column of the traffic: split per-GB line items by its values.")
]
HtmlOption = Annotated[
    Path | None, typer.Option(help="Also write a self-contained HTML report (charts, line items) to this file.")
]
StartOption = Annotated[
    str | None, typer.Option(help="Month the estimate is dated in finance exports, YYYY-MM (default: next month).")
]


@app.command(
    epilog="Example: vpccost compare examples/multi-account/traffic.csv "
    "--topology examples/multi-account/topology.yaml --format json"
)
def compare(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV or Parquet): src, dst, gb or bytes, …")],
    topology: TopologyOption = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    designs: DesignsOption = None,
    hours: HoursOption = "730",
    nat_per_vpc: NatPerVpcOption = False,
    free_tier: FreeTierOption = False,
    split_by: SplitByOption = None,
    start: StartOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    html: HtmlOption = None,
) -> None:
    """Price the traffic under every design and rank them, cheapest feasible first."""
    chosen = _format(output_format, output)
    _check_destination(chosen, output)
    result = _run(
        lambda: compare_designs(
            traffic,
            topology,
            pricing=pricing,
            overrides=overrides,
            designs=_design_names(designs),
            hours=hours,
            nat_per_vpc=nat_per_vpc,
            free_tier=free_tier,
            split_by=split_by,
        )
    )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if html is not None:
        _write_file(html, lambda: write_html(result, html))
    if chosen is OutputFormat.json:
        _emit(json.dumps(comparison_document(result), indent=2) + "\n", output)
    elif chosen is OutputFormat.csv:
        _emit(line_items_csv(result), output)
    elif not _export(chosen, lambda: [period_of(result, start)], output):
        _emit_table(lambda console: render_comparison(result, console), output)


@app.command(
    "forecast",
    epilog="Example: vpccost forecast examples/multi-account/traffic.csv "
    "--topology examples/multi-account/topology.yaml --months 36 --growth 3%/month --start 2027-01",
)
def forecast_command(
    traffic: Annotated[Path, typer.Argument(help="Traffic file (CSV or Parquet) of the first month.")],
    months: Annotated[int, typer.Option(help="Number of months to forecast.")],
    growth: Annotated[str, typer.Option(help="Monthly growth of every volume, e.g. 3%/month or 0.03.")] = "0%",
    growth_file: Annotated[
        Path | None, typer.Option(help="CSV with month and growth (rate over the previous month) or factor columns.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First month, YYYY-MM (default: next month).")] = None,
    topology: TopologyOption = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    designs: DesignsOption = None,
    nat_per_vpc: NatPerVpcOption = False,
    free_tier: FreeTierOption = False,
    split_by: SplitByOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    html: HtmlOption = None,
) -> None:
    """Price the traffic month by month as it grows, with tiers re-applied to each month's volume."""
    chosen = _format(output_format, output)
    _check_destination(chosen, output)
    result = _run(
        lambda: forecast(
            traffic,
            topology,
            months=months,
            growth=growth,
            growth_file=growth_file,
            start=start,
            pricing=pricing,
            overrides=overrides,
            designs=_design_names(designs),
            nat_per_vpc=nat_per_vpc,
            free_tier=free_tier,
            split_by=split_by,
        )
    )
    if html is not None:
        _write_file(html, lambda: write_html(result.periods[0].comparison, html, periods=result.periods))
    if chosen is OutputFormat.json:
        _emit(json.dumps(forecast_document(result), indent=2) + "\n", output)
    elif chosen is OutputFormat.csv:
        _emit(periods_csv(result.periods), output)
    elif not _export(chosen, lambda: result.periods, output):
        _emit_table(lambda console: render_forecast(result, console), output)


@pricing_app.command(
    "show",
    epilog="Example: vpccost pricing show --region us-east-2",
)
def pricing_show(
    region: Annotated[str | None, typer.Option(help="Only this region's prices.")] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    output_format: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="table (default) or json.")
    ] = None,
    output: OutputOption = None,
) -> None:
    """List the prices of the snapshot, with their usage types and provenance."""
    chosen = _format(output_format, output)
    if region is not None and not is_region(region):
        typer.echo(f"error: '{region}' is not an AWS region code (e.g. us-east-1)", err=True)
        raise typer.Exit(2)
    catalog: Catalog = _run(lambda: load_pricing(pricing, overrides=overrides))
    if chosen is OutputFormat.json:
        _emit(json.dumps(pricing_document(PriceList(catalog, region)), indent=2) + "\n", output)
    elif chosen is OutputFormat.csv:
        raise typer.BadParameter("pricing show writes table or json", param_hint="--format")
    else:
        _emit_table(lambda console: render_pricing(PriceList(catalog, region), console), output)


@pricing_app.command(
    "diff",
    epilog="Example: vpccost pricing diff pricing/aws/2026-11-26 pricing/aws/2027-01-05",
)
def pricing_diff(
    old: Annotated[Path, typer.Argument(help="The older snapshot (folder or prices.json).")],
    new: Annotated[Path, typer.Argument(help="The newer snapshot (folder or prices.json).")],
    output_format: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="table (default) or json.")
    ] = None,
    output: OutputOption = None,
) -> None:
    """Show what changed between two price snapshots, by item and region."""
    chosen = _format(output_format, output)
    changes = _run(lambda: diff_catalogs(load_pricing(old), load_pricing(new)))
    if chosen is OutputFormat.json:
        _emit(json.dumps(price_changes_document(PriceChanges(changes)), indent=2) + "\n", output)
    elif chosen is OutputFormat.table:
        _emit_table(lambda console: render_price_changes(PriceChanges(changes), console), output)
    else:
        typer.echo("error: pricing diff writes table or json", err=True)
        raise typer.Exit(2)


@pricing_app.command(
    "update",
    epilog="Example: vpccost pricing update --regions us-east-1,us-east-2 --profile billing-readonly",
)
def pricing_update(
    regions: Annotated[str, typer.Option(help="Comma-separated regions to price (inter-region pairs included).")],
    profile: Annotated[
        str | None, typer.Option(help="AWS profile for the Price List API.", envvar="AWS_PROFILE")
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Where to write prices.json (default: pricing/aws/<today>).")
    ] = None,
    from_offer_file: Annotated[
        list[Path] | None,
        typer.Option(help="Build from downloaded bulk offer files (JSON or CSV, repeatable) instead of the API."),
    ] = None,
) -> None:
    """Build a new dated snapshot from the AWS Price List API; fails, writing nothing, if a price is missing."""
    wanted = [region.strip() for region in regions.split(",") if region.strip()]
    unknown = [region for region in wanted if not is_region(region)]
    if unknown or not wanted:
        typer.echo(f"error: not AWS region codes: {', '.join(unknown) or '(none given)'}", err=True)
        raise typer.Exit(2)
    today = datetime.now(UTC).date().isoformat()
    prefixes = load_pricing().snapshot.usage_type_prefixes
    try:
        if from_offer_file:
            snapshot, missing = snapshot_from_offer_files(from_offer_file, wanted, prefixes=prefixes, date=today)
        else:
            snapshot, missing = fetch_snapshot(pricing_client(profile), wanted, prefixes=prefixes, date=today)
    except InputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except (BotoCoreError, ClientError) as error:
        typer.echo(f"error: the AWS Price List API failed: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{len(snapshot.entries)} prices found for {', '.join(wanted)}", err=True)
    if missing:
        typer.echo("missing (no snapshot written):\n  " + "\n  ".join(missing), err=True)
        raise typer.Exit(1)
    directory = output_dir or Path("pricing") / "aws" / today
    typer.echo(str(write_snapshot(snapshot, directory)))


@app.command(epilog="Example: vpccost schema topology > topology.schema.json")
def schema(
    name: Annotated[SchemaName, typer.Argument(help="topology, traffic (one row of a traffic file), or pricing.")],
) -> None:
    """Print the JSON Schema of an input file."""
    models: dict[SchemaName, Any] = {
        SchemaName.topology: Topology,
        SchemaName.traffic: TrafficRow,
        SchemaName.pricing: Snapshot,
    }
    typer.echo(json.dumps(models[name].model_json_schema(), indent=2))


def _check_destination(chosen: OutputFormat, output: Path | None) -> None:
    """Binary formats go to a file: say so before any work is done or any file written."""
    if chosen in BINARY_FORMATS and output is None:
        typer.echo(f"error: --format {chosen} writes a file: give --output FILE", err=True)
        raise typer.Exit(2)


def _export(chosen: OutputFormat, dated: Callable[[], list[DatedComparison]], output: Path | None) -> bool:
    """Write the finance formats, dating the estimate only then; False when `chosen` is not one of them."""
    if chosen not in BINARY_FORMATS and chosen is not OutputFormat.focus:
        return False
    periods: list[DatedComparison] = _run(dated)
    if chosen is OutputFormat.focus:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            text = _run(lambda: focus_csv(periods))
        for warning in caught:
            typer.echo(f"warning: {warning.message}", err=True)
        _emit(text, output)
        return True
    assert output is not None
    writer = write_xlsx if chosen is OutputFormat.xlsx else write_parquet
    _write_file(output, lambda: writer(periods, output))
    return True


def _write_file(path: Path, write: Any) -> None:
    try:
        _run(write)
    except OSError as error:
        typer.echo(f"error: cannot write {path}: {error.strerror}", err=True)
        raise typer.Exit(2) from None


def _design_names(designs: str | None) -> list[str] | None:
    return [name.strip() for name in designs.split(",") if name.strip()] if designs else None


def _format(chosen: OutputFormat | None, output: Path | None) -> OutputFormat:
    if chosen is not None:
        return chosen
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if suffix in {"json", "csv", "parquet", "xlsx"}:
        return OutputFormat(suffix)
    return OutputFormat.table


def _run(action: Any) -> Any:
    """Run a library call; bad input exits 2 with its message, any other failure exits 1."""
    try:
        return action()
    except InputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except VpccostError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def _emit(text: str, output: Path | None) -> None:
    """Write the whole text to `output` atomically (a temporary file renamed into place), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_text_atomically(output, text)
    except OSError as error:
        typer.echo(f"error: cannot write {output}: {error.strerror}", err=True)
        raise typer.Exit(2) from None


def _emit_table(render: Any, output: Path | None) -> None:
    if output is None:
        console = Console(soft_wrap=False)
        if not console.is_terminal:
            console = Console(width=TABLE_WIDTH_OFF_TERMINAL, color_system=None)
        render(console)
        return
    buffer = io.StringIO()
    render(Console(file=buffer, width=TABLE_WIDTH_OFF_TERMINAL, color_system=None))
    _emit(buffer.getvalue(), output)


def main() -> None:
    """Entry point: an unexpected failure exits 1 with a one-line message (VPCCOST_DEBUG=1 shows the trace)."""
    try:
        app()
    except Exception as error:
        if os.environ.get("VPCCOST_DEBUG"):
            raise
        typer.echo(f"error: unexpected {type(error).__name__}: {error} (set VPCCOST_DEBUG=1 for details)", err=True)
        sys.exit(1)


# the command modules register their commands on `app` when imported
from vpccost.cli import (  # noqa: E402
    athena,  # noqa: F401
    aws,  # noqa: F401
    flowlogs,  # noqa: F401
    optimize,  # noqa: F401
)
