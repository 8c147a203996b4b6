"""Writing output files whole or not at all: a failed export never leaves a half-written file behind.

A symlink is written through (the link stays, the file it points to is replaced); a FIFO or a character device
(`/dev/stdout`, `/dev/null`) is streamed to rather than replaced by a regular file; an existing file keeps its
mode, and a read-only one is refused rather than replaced. Several files of one run are written together
(`write_all`): each to a temporary file beside it, then all renamed into place, so that a failure while writing
any of them leaves none of them changed.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from vpccost.errors import InputError

Writer = Callable[[IO[bytes]], object]


def is_stream(path: Path) -> bool:
    """Whether `path` is something written as a stream rather than replaced: a FIFO, a character device, or a
    name under `/dev` or `/proc` (`/dev/stdout` may stand for a regular file the shell redirected to)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    absolute = os.path.abspath(path)
    return absolute.startswith(("/dev/", "/proc/"))


def is_read_only(path: Path) -> bool:
    """Whether `path` is an existing regular file that may not be written: no write permission bit at all, or
    none for this user."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and (stat.S_IMODE(mode) & 0o222 == 0 or not os.access(path, os.W_OK))


def write_atomically(path: Path, write: Writer) -> None:
    """Call `write` on a new temporary file next to `path`, then rename it to `path`; on any error (or an
    interruption) the temporary file is removed and `path` is left as it was. A new file gets the usual
    permissions (umask), an existing one keeps its mode; a read-only file is refused (`InputError`)."""
    write_all([(path, write)])


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))


def write_all(files: Sequence[tuple[Path, Writer]]) -> None:
    """Write each `(path, write)` of `files` as `write_atomically` does, all together: every regular file to a
    temporary file first, then every one renamed into place and every stream written, so that a failure
    while writing any of them leaves every file as it was."""
    prepared: list[tuple[Path, Path | None, Writer]] = []
    try:
        for path, write in files:
            if is_stream(path):
                prepared.append((Path(path), None, write))
                continue
            target = Path(os.path.realpath(path))
            if is_read_only(target):
                raise InputError(f"{path} is read-only: not replaced")
            prepared.append((target, _write_temporary(target, write), write))
        for target, temporary, write in prepared:
            if temporary is None:
                with open(target, "wb") as handle:
                    write(handle)
            else:
                os.replace(temporary, target)
    except BaseException:
        for _, temporary, _ in prepared:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
        raise


def _write_temporary(target: Path, write: Writer) -> Path:
    """`write` into a new temporary file beside `target`, flushed to disk, with `target`'s mode if it exists."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
