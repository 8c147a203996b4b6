"""The options several commands share, declared once, and the parsing of comma-separated lists and regions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from vpccost.errors import InputError
from vpccost.model.aws_facts import is_region
from vpccost.names import AS_IS, PURE_DESIGNS


def _designs_help() -> str:
    pure = [name for name in PURE_DESIGNS if name != AS_IS]
    return (
        f"Comma-separated designs to price (default: {','.join(pure)}, and {AS_IS} when the topology records "
        "existing connectivity)."
    )


SheetOption = Annotated[
    str | None, typer.Option(help="The sheet of an Excel (.xlsx) traffic file (default: the first).")
]
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
DetailOption = Annotated[
    bool,
    typer.Option("--detail", help="Every line item of every design (table and markdown), not only what differs."),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the result to this file instead of stdout.")
]
DesignsOption = Annotated[str | None, typer.Option(help=_designs_help())]
HoursOption = Annotated[
    str | None,
    typer.Option(
        help="Length of the period the traffic covers, in hours; 730 is a month (default: the period the traffic "
        "file records, as flowlogs aggregate writes it, else 730).",
        show_default=False,
    ),
]
NatPerVpcOption = Annotated[bool, typer.Option("--nat-per-vpc", help="One NAT gateway per VPC instead of one per AZ.")]
FreeTierOption = Annotated[
    bool, typer.Option("--free-tier", help="Apply the 100 GB/month free internet egress allowance.")
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

# ---- flow logs (`flowlogs aggregate` and `flowlogs athena`) ---------------------------------------------------

FlowLogTopologyOption = Annotated[
    Path, typer.Option("--topology", "-t", help="Topology file (YAML or JSON): VPCs, CIDRs, subnets, ENIs.")
]
MatrixOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the traffic matrix here (Parquet for a .parquet name, else CSV) instead of stdout (CSV).",
    ),
]
ReportOption = Annotated[Path | None, typer.Option(help="Also write the aggregation report (JSON) here.")]
StartTimeOption = Annotated[
    str | None, typer.Option(help="Keep records starting at or after this ISO-8601 time or date (UTC).")
]
EndTimeOption = Annotated[str | None, typer.Option(help="Keep records starting before this ISO-8601 time or date.")]
MonthlyOption = Annotated[
    bool, typer.Option("--monthly", help="Scale volumes to a 730-hour month over the window (gb per month).")
]


def parse_list(text: str) -> list[str]:
    """`a, b,,c` -> `["a", "b", "c"]`: comma-separated names, blanks dropped."""
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_regions(text: str) -> list[str]:
    """A comma-separated list of AWS region codes, at least one; an `InputError` names those that are not."""
    wanted = parse_list(text)
    unknown = [region for region in wanted if not is_region(region)]
    if unknown or not wanted:
        raise InputError(f"not AWS region codes: {', '.join(unknown) or '(none given)'}")
    return wanted


def parse_region_codes(text: str) -> list[str]:
    """A comma-separated list of well-formed region codes, at least one, known to vpccost or not (for a refresh,
    where the price data says which regions AWS has); an `InputError` names those that are not region codes."""
    wanted = parse_list(text)
    malformed = [region for region in wanted if not _REGION_CODE.fullmatch(region)]
    if malformed or not wanted:
        raise InputError(f"not AWS region codes: {', '.join(malformed) or '(none given)'}", field="regions")
    return wanted


_REGION_CODE = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")


def check_region(region: str) -> str:
    """`region` when it is an AWS region code; else an `InputError`."""
    if not is_region(region):
        raise InputError(f"'{region}' is not an AWS region code (e.g. us-east-1)")
    return region


ServiceAccessOption = Annotated[
    str,
    typer.Option(
        "--service-access",
        help="How the designs reach AWS services: best (the cheapest way each design allows, per VPC and service), "
        "design (each design's own: NAT, or interface endpoints for privatelink), nat, or interface.",
    ),
]
