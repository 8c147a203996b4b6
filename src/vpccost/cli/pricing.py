"""`vpccost pricing show|coverage|diff|update`: the price snapshot listed, what it prices where, two snapshots
compared, a new one built."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from vpccost.cli.options import OutputOption, OverridesOption, PricingOption, check_region, parse_region_codes
from vpccost.cli.output import ResultOutput, check_outputs, fail, run, say, write_file
from vpccost.outputs import formats
from vpccost.outputs.paths import inputs, snapshot_input

SHOW = ResultOutput("pricing show", formats.PRICE_LIST)
DIFF = ResultOutput("pricing diff", formats.PRICE_CHANGES)
COVERAGE = ResultOutput("pricing coverage", formats.COVERAGE)
ShowFormatOption = Annotated[str | None, SHOW.option()]
DiffFormatOption = Annotated[str | None, DIFF.option()]
CoverageFormatOption = Annotated[str | None, COVERAGE.option()]


def show(
    region: Annotated[str | None, typer.Option(help="Only this region's prices.")] = None,
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    output_format: ShowFormatOption = None,
    output: OutputOption = None,
) -> None:
    """List the prices of the snapshot, with their usage types and provenance."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.pricing.load import load_pricing
    from vpccost.results import PriceList

    chosen = SHOW.choose(output_format, output)
    check_outputs({"--output": output}, [*snapshot_input(pricing), *inputs("the overrides file", [overrides])])
    if region is not None:
        run(lambda: check_region(region))
    catalog = run(lambda: load_pricing(pricing, overrides=overrides))
    SHOW.emit(chosen, PriceList(catalog, region), output)


def coverage(
    pricing: PricingOption = None,
    overrides: OverridesOption = None,
    every_item: Annotated[
        bool, typer.Option("--every-item", help="Every item of the registry, not only the core ones.")
    ] = False,
    output_format: CoverageFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show which items the snapshot prices in each region: verified, unverified or missing."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.pricing.coverage import coverage as price_coverage
    from vpccost.pricing.load import load_pricing

    chosen = COVERAGE.choose(output_format, output)
    check_outputs({"--output": output}, [*snapshot_input(pricing), *inputs("the overrides file", [overrides])])
    catalog = run(lambda: load_pricing(pricing, overrides=overrides))
    COVERAGE.emit(chosen, price_coverage(catalog, every_item=every_item), output)


def diff(
    old: Annotated[Path, typer.Argument(help="The older snapshot (folder or prices.json).")],
    new: Annotated[Path, typer.Argument(help="The newer snapshot (folder or prices.json).")],
    output_format: DiffFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show what changed between two price snapshots, by item and region."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.pricing.diff import diff_catalogs
    from vpccost.pricing.load import load_pricing
    from vpccost.results import PriceChanges

    chosen = DIFF.choose(output_format, output)
    check_outputs(
        {"--output": output},
        [*snapshot_input(old, "the older snapshot"), *snapshot_input(new, "the newer snapshot")],
    )
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
    allow_missing: Annotated[
        bool,
        typer.Option(help="Write the snapshot even when prices are missing; it lists them under 'missing'."),
    ] = False,
    merge_with: Annotated[
        Path | None,
        typer.Option(help="Keep every entry of this snapshot (folder or prices.json) the refresh does not reprice."),
    ] = None,
) -> None:
    """Build a new dated snapshot from the AWS Price List API; fails, writing nothing, if a price is missing."""
    # the library (and boto3) is imported when the command runs, so that `vpccost --help` stays quick
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

    from vpccost.aws.clients import pricing_client
    from vpccost.aws.offer_files import snapshot_from_offer_files
    from vpccost.aws.pricelist import fetch_snapshot, price_list_gaps, write_snapshot
    from vpccost.pricing.load import load_pricing
    from vpccost.pricing.merge import merge_snapshots

    wanted = run(lambda: parse_region_codes(regions))
    today = datetime.now(UTC).date().isoformat()
    directory = output_dir or Path("pricing") / "aws" / today
    check_outputs(
        {"--output-dir": directory / "prices.json"} if directory.is_dir() else {},
        [
            *snapshot_input(merge_with, "the snapshot --merge-with names"),
            *inputs("an offer file", from_offer_file or ()),
        ],
        folders={"--output-dir": directory},
    )
    earlier = None
    if merge_with is not None:
        base = merge_with
        if not base.exists():
            fail(f"--merge-with {base}: no such snapshot (a pricing/aws/<date> folder or its prices.json)")
        earlier = run(lambda: load_pricing(base).snapshot)
    bundled = run(lambda: load_pricing().snapshot.usage_type_prefixes)
    prefixes = {**bundled, **(earlier.usage_type_prefixes if earlier else {})}
    try:
        if from_offer_file:
            files = from_offer_file
            snapshot, problems = run(lambda: snapshot_from_offer_files(files, wanted, prefixes=prefixes, date=today))
        else:
            client = pricing_client(profile)
            snapshot, problems = run(lambda: fetch_snapshot(client, wanted, prefixes=prefixes, date=today))
    except (BotoCoreError, ClientError) as error:
        fail(f"the AWS Price List API failed: {error}", code=1)
    say(f"{len(snapshot.entries)} prices found for {', '.join(wanted)}")
    for region, prefix in snapshot.usage_type_prefixes.items():
        if prefixes.get(region) != prefix:
            say(f"usage-type prefix of {region} learned from its price records: {prefix}")
    for gap in price_list_gaps():
        say(f"not queried: {gap}")
    if earlier is not None:
        previous = earlier
        merged = run(lambda: merge_snapshots(snapshot, previous))
        snapshot = merged.snapshot
        for label in merged.kept_for_missing:
            say(f"kept from {earlier.provider}/{earlier.date} (this refresh found no record): {label}")
    unresolved = set(snapshot.missing)
    shown = [problem for problem in problems if problem.split(":")[0] in unresolved]
    if shown and not allow_missing:
        say("missing (no snapshot written):\n  " + "\n  ".join(shown))
        raise typer.Exit(1)
    if shown:
        say("missing (listed in the snapshot's 'missing'):\n  " + "\n  ".join(shown))
    final = snapshot
    write_file(directory / "prices.json", lambda: typer.echo(str(write_snapshot(final, directory))))


def register(app: typer.Typer) -> None:
    pricing_app = typer.Typer(help="Inspect the price snapshot.", no_args_is_help=True)
    pricing_app.command("show", epilog="Example: vpccost pricing show --region us-east-2")(show)
    pricing_app.command("coverage", epilog="Example: vpccost pricing coverage --format csv --output coverage.csv")(
        coverage
    )
    pricing_app.command("diff", epilog="Example: vpccost pricing diff pricing/aws/2026-11-26 pricing/aws/2027-01-05")(
        diff
    )
    pricing_app.command(
        "update",
        epilog="Example: vpccost pricing update --regions us-east-1,us-east-2 --profile billing-readonly "
        "--merge-with pricing/aws/2026-12-04",
    )(update)
    app.add_typer(pricing_app, name="pricing")
