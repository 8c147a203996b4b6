"""`vpccost flowlogs athena`: the same aggregation as `flowlogs aggregate`, run in Amazon Athena."""

from __future__ import annotations

from typing import Annotated

import typer

from vpccost.cli.flowlogs import write_aggregate
from vpccost.cli.options import (
    EndTimeOption,
    FlowLogTopologyOption,
    MatrixOutputOption,
    MonthlyOption,
    ReportOption,
    StartTimeOption,
)
from vpccost.cli.output import check_outputs, run
from vpccost.outputs.paths import inputs


def athena(
    database: Annotated[str, typer.Option(help="Athena (Glue) database of the flow-log table.")],
    table: Annotated[str, typer.Option(help="The flow-log table, as the Athena user guide creates it.")],
    topology: FlowLogTopologyOption,
    workgroup: Annotated[str, typer.Option(help="Athena workgroup to run the query in.")] = "primary",
    output_location: Annotated[
        str | None,
        typer.Option(help="s3:// location for Athena's query results (default: the workgroup's setting)."),
    ] = None,
    start: StartTimeOption = None,
    end: EndTimeOption = None,
    monthly: MonthlyOption = False,
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
    output: MatrixOutputOption = None,
    report: ReportOption = None,
) -> None:
    """Run the flow-log aggregation as SQL in Athena; only the grouped rows come back, counted here."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.aws.athena import DOCUMENTED_TABLE, aggregate_athena
    from vpccost.aws.clients import athena_client
    from vpccost.flowlogs.aggregate import parse_window

    run(lambda: parse_window(start, end))
    check_outputs({"--output": output, "--report": report}, inputs("the topology", [topology]))
    result = run(
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
    write_aggregate(result, output, report)


def register(flowlogs_app: typer.Typer) -> None:
    flowlogs_app.command(
        "athena",
        epilog="Example: vpccost flowlogs athena --database flowlogs --table vpc_flow_logs --workgroup primary "
        "--output-location s3://my-athena-results/vpccost/ --start 2026-11-01 --end 2026-12-01 "
        "--topology topology.yaml --output traffic.csv",
    )(athena)
