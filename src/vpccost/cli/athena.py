"""`vpccost flowlogs athena`: the same aggregation as `flowlogs aggregate`, run in Amazon Athena."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from vpccost.athena import DOCUMENTED_TABLE, aggregate_athena, athena_client
from vpccost.cli import _emit, _run
from vpccost.cli.flowlogs import flowlogs_app
from vpccost.flowlogs import FlowLogAggregate, parse_time


@flowlogs_app.command(
    "athena",
    epilog="Example: vpccost flowlogs athena --database flowlogs --table vpc_flow_logs --workgroup primary "
    "--output-location s3://my-athena-results/vpccost/ --start 2026-11-01 --end 2026-12-01 --topology topology.yaml "
    "--output traffic.csv",
)
def athena(
    database: Annotated[str, typer.Option(help="Athena (Glue) database of the flow-log table.")],
    table: Annotated[str, typer.Option(help="The flow-log table, as the Athena user guide creates it.")],
    topology: Annotated[
        Path, typer.Option("--topology", "-t", help="Topology file (YAML or JSON): VPCs, CIDRs, subnets, ENIs.")
    ],
    workgroup: Annotated[str, typer.Option(help="Athena workgroup to run the query in.")] = "primary",
    output_location: Annotated[
        str | None,
        typer.Option(help="s3:// location for Athena's query results (default: the workgroup's setting)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="Keep records starting at or after this ISO-8601 time or date (UTC).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Keep records starting before this ISO-8601 time or date.")] = None,
    monthly: Annotated[
        bool, typer.Option("--monthly", help="Scale volumes to a 730-hour month over the window (gb per month).")
    ] = False,
    documented_table: Annotated[
        bool,
        typer.Option(
            "--documented-table",
            help="Assume the table has the Athena user guide's columns, partitioned by date, instead of reading "
            "them with GetTableMetadata.",
        ),
    ] = False,
    region: Annotated[str | None, typer.Option(help="AWS region of the Athena workgroup.")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS profile to use.", envvar="AWS_PROFILE")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the traffic matrix (CSV) here instead of stdout.")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the aggregation report (JSON) here.")] = None,
) -> None:
    """Run the flow-log aggregation as SQL in Athena; only the grouped rows come back, counted here."""
    _run(lambda: (parse_time(start, "--start"), parse_time(end, "--end")))
    result: FlowLogAggregate = _run(
        lambda: aggregate_athena(
            topology,
            database=database,
            table=table,
            workgroup=workgroup,
            output_location=output_location,
            start=start,
            end=end,
            monthly=monthly,
            client=athena_client(region=region, profile=profile),
            schema=DOCUMENTED_TABLE if documented_table else None,
        )
    )
    typer.echo(result.report.summary(), err=True)
    if report is not None:
        _emit(json.dumps(result.report.to_dict(), indent=2) + "\n", report)
    _emit(result.to_csv(), output)
