"""What every command shares to report: library calls run with vpccost's exit codes, and results written in
the chosen format, to stdout or whole to a file.

`--format`'s choices, help and inference from `--output`'s suffix come from the format registry
(`vpccost.outputs.formats`), so a new format reaches every command whose result it fits.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from vpccost.errors import ExportWarning, InputError, VpccostError
from vpccost.outputs.files import write_text_atomically
from vpccost.outputs.formats import (
    FORMATS,
    TABLE_WIDTH,
    Format,
    formats_for,
    inferred_from,
    print_table,
    render,
    takes_detail,
    write,
)

T = TypeVar("T")


def run(action: Callable[[], T]) -> T:
    """Run a library call; bad input exits 2 with its message, any other failure exits 1."""
    try:
        return action()
    except InputError as error:
        fail(str(error))
    except VpccostError as error:
        fail(str(error), code=1)


def fail(message: str, *, code: int = 2) -> NoReturn:
    """`error: message` on stderr, then exit with `code` (2: bad input)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def emit(text: str, output: Path | None) -> None:
    """Write the whole text to `output` atomically (a temporary file renamed into place), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    write_file(output, lambda: write_text_atomically(output, text))


def write_file(path: Path, write_it: Callable[[], object]) -> None:
    """Run `write_it`, which writes `path`, as a library call; a file that cannot be written exits 2."""
    try:
        run(write_it)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


class ResultOutput:
    """How one command writes its result: in any format that fits the result's type, chosen with `--format`
    or by `--output`'s suffix (table otherwise)."""

    def __init__(self, command: str, result: type) -> None:
        self.command = command
        """The command as typed after `vpccost`, e.g. `pricing show`."""
        self.result = result
        self.formats = formats_for(result)

    def option(self) -> Any:
        """The `--format` option: every registered name is accepted, so that one that does not fit is refused
        by `choose` with the command's own message."""
        names = [f"{chosen.name} ({chosen.note})" if chosen.note else chosen.name for chosen in self.formats]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        suffixes = ", ".join(chosen.suffix for chosen in self.formats if chosen.suffix)
        return typer.Option(
            "--format",
            "-f",
            metavar="<" + "|".join(chosen.name for chosen in self.formats) + ">",
            help=f"{listed}; inferred from --output's suffix ({suffixes}).",
        )

    def choose(self, name: str | None, output: Path | None, *, detail: bool = False) -> Format:
        """The format to write, checked before any work is done: one that does not fit the result, a binary
        one without `--output`, or `--detail` with a format that has no detail, exits 2."""
        if name is not None:
            chosen, asked = FORMATS.get(name), name
        else:
            chosen = inferred_from(output) or FORMATS["table"]
            asked = f"{chosen.name} (inferred from --output {output})"
        if chosen is None or not chosen.fits(self.result):
            fitting = ", ".join(fitting.name for fitting in self.formats)
            fail(f"vpccost {self.command} does not write {asked}; choose from {fitting}")
        if chosen.binary and output is None:
            fail(f"--format {chosen.name} writes a file: give --output FILE")
        if detail and not takes_detail(chosen, self.result):
            fitting = ", ".join(entry.name for entry in self.formats if takes_detail(entry, self.result))
            fail(f"--detail does not change --format {chosen.name}; it fits {fitting}")
        return chosen

    def emit(
        self,
        chosen: Format,
        result: object,
        output: Path | None,
        *,
        start: date | str | None = None,
        detail: bool = False,
    ) -> None:
        """Write `result` in `chosen` to `output` (whole, or not at all) or to stdout; a table on a terminal
        takes its width and colours, on a pipe the width `COLUMNS` gives (else `TABLE_WIDTH`). Warnings about
        what the output leaves out go to stderr."""
        if chosen.kind == "table" and output is None:
            console = Console(soft_wrap=False)
            if not console.is_terminal:
                columns = os.environ.get("COLUMNS", "")
                width = int(columns) if columns.isdigit() and int(columns) > 0 else TABLE_WIDTH
                console = Console(width=width, color_system=None)
            print_table(result, console, detail=detail)
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            if output is None:
                text = run(lambda: render(chosen.name, result, start=start, detail=detail))
                assert isinstance(text, str)  # `choose` sends binary formats to a file
                sys.stdout.write(text)
            else:
                write_file(output, lambda: write(chosen.name, result, output, start=start, detail=detail))
        for warning in caught:
            if issubclass(warning.category, ExportWarning):
                typer.echo(f"warning: {warning.message}", err=True)
            else:
                warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
