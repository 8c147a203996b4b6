"""Every output path of one run checked together, before any work is written: an output that names a file the
run reads, two outputs naming the same file, a read-only file, a folder where a file is written (or a file where
a folder is), or a folder that does not exist, is refused with an `InputError` naming the option.

Paths are compared as the files they name: through symlinks, and with `os.path.samefile` when both exist, so
`./traffic.csv`, a link to it, and its absolute path are one file. A stream (`/dev/stdout`, a FIFO) is never
the same as another name: writing to it replaces nothing.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpccost.errors import InputError
from vpccost.outputs.files import is_read_only, is_stream

GLOB_CHARACTERS = ("*", "?", "[")


@dataclass(frozen=True)
class Input:
    """A file or folder the run reads, as the message names it (`the traffic file`, `a flow-log file`)."""

    path: Path
    what: str
    folder_read: bool = False
    """A folder read recursively (flow logs): an output inside it is refused, since the run would read it next
    time."""


def inputs(what: str, paths: Iterable[str | Path | None], *, recursive: bool = False) -> list[Input]:
    """The local files `paths` name, as `Input`s described by `what` (`a flow-log file`): globs expanded,
    `s3://` locations and Nones left out; with `recursive`, a folder is read with everything under it (`a
    flow-log folder`)."""
    found: list[Input] = []
    for given in paths:
        if given is None or str(given).startswith("s3://"):
            continue
        text = str(given)
        matches = (
            [Path(match) for match in glob.glob(os.path.expanduser(text), recursive=True)]
            if any(character in text for character in GLOB_CHARACTERS)
            else [Path(os.path.expanduser(text))]
        )
        for path in matches:
            folder = recursive and path.is_dir()
            found.append(Input(path, what.replace(" file", " folder") if folder else what, folder_read=folder))
    return found


def snapshot_input(path: Path | None, what: str = "the pricing snapshot") -> list[Input]:
    """A price snapshot given as a folder or its `prices.json`: both name the file read."""
    if path is None:
        return []
    return [Input(path, what), *([Input(path / "prices.json", what)] if path.is_dir() else [])]


def check_outputs(
    outputs: Mapping[str, Path | None],
    read: Sequence[Input] = (),
    *,
    folders: Mapping[str, Path | None] | None = None,
) -> None:
    """Refuse, with an `InputError` naming the option, any of `outputs` (option -> file, None when not given)
    or `folders` (option -> folder written into) that names one of the files `read`, the same file as another
    output, a read-only file, or the wrong kind of thing (a folder for a file, a file for a folder)."""
    given = [(option, path) for option, path in outputs.items() if path is not None]
    for option, folder in (folders or {}).items():
        if folder is not None and folder.exists() and not folder.is_dir():
            raise InputError(f"{option} {folder} is a file, not a folder: name the folder to write into")
    for option, path in given:
        _check_one(option, path)
        for source in read:
            if _same(path, source.path):
                raise InputError(f"{option} {path} is {source.what} this run reads")
            if source.folder_read and _inside(path, source.path):
                raise InputError(f"{option} {path} is inside {source.path}, {source.what} this run reads")
    for index, (option, path) in enumerate(given):
        for other, other_path in given[index + 1 :]:
            if _same_output(path, other_path):
                raise InputError(f"{option} {path} and {other} {other_path} name the same file: give each its own")


def _check_one(option: str, path: Path) -> None:
    if is_stream(path):
        return
    if path.is_dir():
        raise InputError(f"{option} {path} is a folder, not a file")
    parent = Path(os.path.realpath(path)).parent
    if not parent.is_dir():
        raise InputError(f"{option} {path}: no such folder {path.parent}")
    if is_read_only(path):
        raise InputError(f"{option} {path} is read-only")


def _same(output: Path, source: Path) -> bool:
    """Whether `output` names the file `source` is (never, for a stream)."""
    if is_stream(output):
        return False
    if output.exists() and source.exists():
        try:
            return os.path.samefile(output, source)
        except OSError:
            return False
    return os.path.normcase(os.path.realpath(output)) == os.path.normcase(os.path.realpath(source))


def _inside(output: Path, folder: Path) -> bool:
    return Path(os.path.realpath(output)).is_relative_to(os.path.realpath(folder))


def _same_output(one: Path, other: Path) -> bool:
    """Whether two outputs name one file; two streams only when they are one name (`/dev/stdout` and
    `/dev/stderr` may be the same terminal, yet are two outputs)."""
    if is_stream(one) or is_stream(other):
        return os.path.abspath(one) == os.path.abspath(other)
    return _same(one, other)
