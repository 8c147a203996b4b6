"""The `vpccost` command line: a thin layer that parses options, calls the library, and renders results.

Exit codes: 0 success, 2 bad input (the message names the file, line or row, and field), 1 unexpected
error. Results go to stdout or `--output FILE` (written whole, or not at all); progress, warnings and errors
go to stderr.

Each command family is a module that registers its commands here; options several commands share are in
`options`, and writing results in the chosen format is in `output`.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from vpccost._version import __version__
from vpccost.cli import athena, breakeven, compare, discover, flowlogs, forecast, optimize, pricing, schema

app = typer.Typer(
    name="vpccost",
    help="What AWS inter-VPC network traffic costs under peering, Transit Gateway, PrivateLink, NAT and VPC "
    "sharing, and which design is cheapest.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"vpccost {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


compare.register(app)
forecast.register(app)
pricing.register(app)
schema.register(app)
flowlogs.register(app)
athena.register(flowlogs.flowlogs_app)
discover.register(app)
optimize.register(app)
breakeven.register(app)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: raised where the run is, so that temporary files are removed on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def main() -> None:
    """Entry point: an unexpected failure exits 1 with a one-line message (VPCCOST_DEBUG=1 shows the trace);
    SIGINT and SIGTERM stop the run, leaving no temporary file, with one line on stderr and exit code 130 or
    143 (128 + the signal)."""
    previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        app()
    except (Interrupted, KeyboardInterrupt) as interruption:
        number = interruption.signum if isinstance(interruption, Interrupted) else signal.SIGINT
        typer.echo(f"error: interrupted by {signal.Signals(number).name}", err=True)
        sys.exit(128 + number)
    except Exception as error:
        if os.environ.get("VPCCOST_DEBUG"):
            raise
        typer.echo(f"error: unexpected {type(error).__name__}: {error} (set VPCCOST_DEBUG=1 for details)", err=True)
        sys.exit(1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
