"""`vpccost flowlogs …`: VPC Flow Logs turned into a traffic matrix that `compare` reads."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vpccost.cli.options import (
    EndTimeOption,
    FlowLogTopologyOption,
    MatrixOutputOption,
    MonthlyOption,
    ReportOption,
    StartTimeOption,
)
from vpccost.cli.output import check_outputs, run, say, write_files
from vpccost.outputs.files import Writer
from vpccost.outputs.paths import inputs

if TYPE_CHECKING:
    from rich.progress import Progress

    from vpccost.flowlogs import FlowLogAggregate

flowlogs_app = typer.Typer(help="Turn VPC Flow Logs into a traffic matrix.", no_args_is_help=True)

PROGRESS_AFTER_S = 2.0
"""The progress bar appears only when reading lasts longer than this: short runs stay quiet."""


def aggregate(
    paths: Annotated[
        list[str],
        typer.Argument(help="Flow-log files, directories (read recursively), globs, or s3://bucket/prefix locations."),
    ],
    topology: FlowLogTopologyOption,
    output: MatrixOutputOption = None,
    report: ReportOption = None,
    log_format: Annotated[
        str | None,
        typer.Option(
            help="Format of records without a header line (CloudWatch Logs, Firehose), as DescribeFlowLogs gives it: "
            "'${version} ${account-id} …'. Default: the version 2 default format."
        ),
    ] = None,
    start: StartTimeOption = None,
    end: EndTimeOption = None,
    monthly: MonthlyOption = False,
    profile: Annotated[str | None, typer.Option(help="AWS profile for s3:// locations.", envvar="AWS_PROFILE")] = None,
) -> None:
    """Count each byte of the flow logs once and write the traffic matrix (src, dst, AZs, initiator, volume)."""
    # the library is imported when the command runs, so that `vpccost --help` stays quick
    from vpccost.aws.clients import s3_client_for
    from vpccost.flowlogs import Progress as ProgressHooks
    from vpccost.flowlogs import aggregate_flowlogs

    run(lambda: _check_options(log_format, start, end))
    check_outputs(
        {"--output": output, "--report": report},
        [*inputs("a flow-log file", paths, recursive=True), *inputs("the topology", [topology])],
    )
    s3_client = s3_client_for(profile) if any(path.startswith("s3://") for path in paths) else None
    bar = _LazyProgress()
    try:
        result = run(
            lambda: aggregate_flowlogs(
                paths,
                topology,
                log_format=log_format,
                start=start,
                end=end,
                monthly=monthly,
                s3_client=s3_client,
                progress=ProgressHooks(total=bar.total, advance=bar.advance, aggregating=bar.aggregating),
            )
        )
    finally:
        bar.stop()
    write_aggregate(result, output, report)


def write_aggregate(result: FlowLogAggregate, output: Path | None, report: Path | None) -> None:
    """The report's summary on stderr, the report (JSON) to `report`, the matrix to `output` (Parquet for a
    `.parquet` name, else CSV) or stdout (CSV); the matrix records the period its volumes cover. Both files
    are written together, at the end."""
    from vpccost.flowlogs.aggregate import PARQUET_SUFFIXES

    say(result.report.summary())
    files: list[tuple[Path, str | bytes | Writer]] = []
    if report is not None:
        files.append((report, json.dumps(result.report.to_dict(), indent=2) + "\n"))
    matrix: str | Writer = (
        result.to_parquet
        if output is not None and output.suffix.lower() in PARQUET_SUFFIXES
        else run(lambda: result.to_csv())
    )
    if output is not None:
        files.append((output, matrix))
    write_files(files)
    if output is None:
        assert isinstance(matrix, str)
        sys.stdout.write(matrix)


def register(app: typer.Typer) -> None:
    """`flowlogs aggregate` on the `flowlogs` group (`flowlogs athena` joins it from its own module)."""
    flowlogs_app.command(
        "aggregate",
        epilog="Example: vpccost flowlogs aggregate examples/flowlogs/AWSLogs "
        "--topology examples/flowlogs/topology.yaml --output traffic.csv --report report.json",
    )(aggregate)
    app.add_typer(flowlogs_app, name="flowlogs")


def _check_options(log_format: str | None, start: str | None, end: str | None) -> None:
    """The options a user types, checked before any file is listed or read."""
    from vpccost.flowlogs.aggregate import parse_window
    from vpccost.flowlogs.formats import parse_log_format

    if log_format is not None:
        parse_log_format(log_format)
    parse_window(start, end)


class _LazyProgress:
    """A rich progress bar on stderr, only on a terminal and only once the run has lasted `PROGRESS_AFTER_S`:
    first the bytes of the files read, then the partitions aggregated."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.goal = 0
        self.done = 0
        self.label = "reading flow logs"
        self.progress: Progress | None = None
        self.task: Any = None

    def total(self, size_bytes: int) -> None:
        self.goal = size_bytes

    def aggregating(self, partitions: int) -> None:
        self.label, self.goal, self.done = "aggregating", partitions, 0
        if self.progress is not None:
            self.progress.update(self.task, description=self.label, total=partitions, completed=0)

    def advance(self, amount: int) -> None:
        self.done += amount
        if self.progress is None:
            if time.monotonic() - self.began < PROGRESS_AFTER_S or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=self.goal or None)
        self.progress.update(self.task, completed=self.done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
