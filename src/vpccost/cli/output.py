"""What every command shares to report: library calls run with vpccost's exit codes, and results written in
the chosen format, to stdout or whole to a file.

Every output of a run is checked (`check_outputs`, before any work) and written together at its end
(`write_files`): an output naming an input, two outputs naming one file, or a read-only file exits 2 with
nothing written.

`--format`'s choices, help and inference from `--output`'s suffix come from the format registry
(`vpccost.outputs.formats`), so a new format reaches every command whose result it fits.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from vpccost.errors import ExportWarning, InputError, VpccostError
from vpccost.outputs import paths
from vpccost.outputs.files import Writer, write_all, write_text_atomically
from vpccost.outputs.formats import (
    FORMATS,
    TABLE_WIDTH,
    Format,
    formats_for,
    inferred_from,
    print_table,
    render,
    takes_detail,
)
from vpccost.outputs.text import terminal_lines

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
    """`error: message` on stderr (control and reordering characters shown as escapes), then exit with `code`
    (2: bad input)."""
    typer.echo(f"error: {terminal_lines(message)}", err=True)
    raise typer.Exit(code)


def check_outputs(
    outputs: Mapping[str, Path | None],
    read: Sequence[paths.Input] = (),
    *,
    folders: Mapping[str, Path | None] | None = None,
) -> None:
    """Every output option of a run checked before any work (`vpccost.outputs.paths.check_outputs`): one that
    names an input, the same file as another, or a read-only file exits 2."""
    run(lambda: paths.check_outputs(outputs, read, folders=folders))


def write_files(files: Sequence[tuple[Path, str | bytes | Writer]]) -> None:
    """Write every output of a run together at its end (`vpccost.outputs.files.write_all`): text, bytes, or a
    function writing to a binary handle; a file that cannot be written exits 2, and none of them is changed."""
    prepared: list[tuple[Path, Writer]] = [(path, _writer(content)) for path, content in files]
    try:
        run(lambda: write_all(prepared))
    except OSError as error:
        fail(f"cannot write {_failed(error, [path for path, _ in files])}: {error.strerror}")


def _writer(content: str | bytes | Writer) -> Writer:
    if isinstance(content, str):
        data = content.encode("utf-8")
        return lambda handle: handle.write(data)
    if isinstance(content, bytes):
        raw = content
        return lambda handle: handle.write(raw)
    return content


def _failed(error: OSError, written: Sequence[Path]) -> str:
    """The output a failed write was writing (its temporary file is named `.<name>.<random>.tmp` beside it)."""
    name = Path(str(error.filename)).name if error.filename else ""
    for path in written:
        if name == path.name or name.startswith(f".{path.name}."):
            return str(path)
    return ", ".join(str(path) for path in written)


def warn(message: str) -> None:
    """`warning: message` on stderr, control and reordering characters shown as escapes."""
    typer.echo(f"warning: {terminal_lines(message)}", err=True)


def say(message: str) -> None:
    """A line of progress or summary on stderr, control and reordering characters shown as escapes."""
    typer.echo(terminal_lines(message), err=True)


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

    def __init__(self, command: str, result: type | str) -> None:
        self.command = command
        """The command as typed after `vpccost`, e.g. `pricing show`."""
        self.result = result
        """The result's type, or its "module:class" key (`vpccost.outputs.formats.COMPARISON`…), which needs no
        import of the result: the CLI declares `--format` without loading the library."""
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
        html: Path | None = None,
    ) -> None:
        """Write `result` in `chosen` to `output` (whole, or not at all) or to stdout, and as an HTML report to
        `html`: everything is rendered first, then the files are written together, so a failure leaves none
        behind. A table on a terminal takes its width and colours, on a pipe the width `COLUMNS` gives (else
        `TABLE_WIDTH`). Warnings about what the output leaves out go to stderr."""
        files: list[tuple[Path, str | bytes | Writer]] = []
        text: str | None = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            if output is not None:
                files.append((output, run(lambda: render(chosen.name, result, start=start, detail=detail))))
            elif chosen.kind != "table":
                rendered = run(lambda: render(chosen.name, result, start=start, detail=detail))
                assert isinstance(rendered, str)  # `choose` sends binary formats to a file
                text = rendered
            if html is not None:
                files.append((html, run(lambda: render("html", result))))
        for warning in caught:
            if issubclass(warning.category, ExportWarning):
                warn(str(warning.message))
            else:
                warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
        write_files(files)
        if text is not None:
            sys.stdout.write(text)
        elif output is None:
            console = Console(soft_wrap=False)
            if not console.is_terminal:
                columns = os.environ.get("COLUMNS", "")
                width = int(columns) if columns.isdigit() and int(columns) > 0 else TABLE_WIDTH
                console = Console(width=width, color_system=None)
            print_table(result, console, detail=detail)
