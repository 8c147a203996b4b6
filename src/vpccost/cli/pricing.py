"""`vpccost pricing show|diff|update`: the price snapshot listed, two snapshots compared, a new one built."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

from vpccost.aws.clients import pricing_client
from vpccost.aws.offer_files import snapshot_from_offer_files
from vpccost.aws.pricelist import fetch_snapshot, price_list_gaps, write_snapshot
from vpccost.cli.options import OutputOption, OverridesOption, PricingOption, check_region, parse_regions
from vpccost.cli.output import ResultOutput, fail, run
from vpccost.pricing.diff import diff_catalogs
from vpccost.pricing.load import load_pricing
from vpccost.results import PriceChanges, PriceList

SHOW = ResultOutput("pricing show", PriceList)
DIFF = ResultOutput("pricing diff", PriceChanges)
ShowFormatOption = Annotated[str | None, SHOW.option()]
DiffFormatOption = Annotated[str | None, DIFF.option()]


def show(
    region: Annotated[str | None, typer.Option(help="Only this region's prices.")] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    output_format: ShowFormatOption = None,
    output: OutputOption = None,
) -> None:
    """List the prices of the snapshot, with their usage types and provenance."""
    chosen = SHOW.choose(output_format, output)
    if region is not None:
        run(lambda: check_region(region))
    catalog = run(lambda: load_pricing(pricing, overrides=overrides))
    SHOW.emit(chosen, PriceList(catalog, region), output)


def diff(
    old: Annotated[Path, typer.Argument(help="The older snapshot (folder or prices.json).")],
    new: Annotated[Path, typer.Argument(help="The newer snapshot (folder or prices.json).")],
    output_format: DiffFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show what changed between two price snapshots, by item and region."""
    chosen = DIFF.choose(output_format, output)
    changes = run(lambda: diff_catalogs(load_pricing(old), load_pricing(new)))
    DIFF.emit(chosen, PriceChanges(changes), output)


def update(
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
    wanted = run(lambda: parse_regions(regions))
    today = datetime.now(UTC).date().isoformat()
    prefixes = run(lambda: load_pricing().snapshot.usage_type_prefixes)
    try:
        if from_offer_file:
            files = from_offer_file
            snapshot, missing = run(lambda: snapshot_from_offer_files(files, wanted, prefixes=prefixes, date=today))
        else:
            client = pricing_client(profile)
            snapshot, missing = run(lambda: fetch_snapshot(client, wanted, prefixes=prefixes, date=today))
    except (BotoCoreError, ClientError) as error:
        fail(f"the AWS Price List API failed: {error}", code=1)
    typer.echo(f"{len(snapshot.entries)} prices found for {', '.join(wanted)}", err=True)
    for gap in price_list_gaps():
        typer.echo(f"not queried: {gap}", err=True)
    if missing:
        typer.echo("missing (no snapshot written):\n  " + "\n  ".join(missing), err=True)
        raise typer.Exit(1)
    directory = output_dir or Path("pricing") / "aws" / today
    typer.echo(str(write_snapshot(snapshot, directory)))


def register(app: typer.Typer) -> None:
    pricing_app = typer.Typer(help="Inspect the price snapshot.", no_args_is_help=True)
    pricing_app.command("show", epilog="Example: vpccost pricing show --region us-east-2")(show)
    pricing_app.command("diff", epilog="Example: vpccost pricing diff pricing/aws/2026-11-26 pricing/aws/2027-01-05")(
        diff
    )
    pricing_app.command(
        "update",
        epilog="Example: vpccost pricing update --regions us-east-1,us-east-2 --profile billing-readonly",
    )(update)
    app.add_typer(pricing_app, name="pricing")
