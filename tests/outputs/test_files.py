"""Output files written whole or not at all."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import IO

import pytest

from vpccost.errors import InputError
from vpccost.outputs.files import is_stream, write_all, write_atomically, write_text_atomically


def test_the_file_is_written_whole_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_text_atomically(target, "a,b\n1,€\n")
    assert target.read_bytes() == "a,b\n1,€\n".encode()
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before")

    def fails(handle: IO[bytes]) -> None:
        handle.write(b"half of it")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(target, fails)
    assert target.read_text() == "before"
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv"]


def test_an_interrupted_write_is_cleaned_up_too(tmp_path: Path) -> None:
    def interrupted(handle: IO[bytes]) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "out.csv", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("before")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text_atomically(link, "after")
    assert link.is_symlink()
    assert real.read_text() == "after"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.csv", "real.csv"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before")
    target.chmod(mode)
    write_text_atomically(target, "after")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text() == "after"


def test_a_read_only_file_is_refused_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before")
    target.chmod(0o444)
    with pytest.raises(InputError, match="is read-only"):
        write_text_atomically(target, "after")
    assert target.read_text() == "before"
    assert [path.name for path in tmp_path.iterdir()] == ["out.csv"]


def test_a_fifo_is_streamed_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_text_atomically(fifo, "streamed\n")
    reader.join(timeout=5)
    assert received == [b"streamed\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["pipe"]


def test_a_character_device_is_streamed_to() -> None:
    write_text_atomically(Path("/dev/null"), "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("path", "stream"),
    [("/dev/null", True), ("/dev/stdout", True), ("fifo", True), ("file", False), ("absent", False)],
)
def test_what_is_a_stream(tmp_path: Path, path: str, stream: bool) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "file").write_text("")
    assert is_stream(tmp_path / path if not path.startswith("/") else Path(path)) is stream


def test_several_files_are_all_written_or_none_is(tmp_path: Path) -> None:
    first, second = tmp_path / "page.html", tmp_path / "out.csv"

    def fails(handle: IO[bytes]) -> None:
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        write_all([(first, lambda handle: handle.write(b"html")), (second, fails)])
    assert list(tmp_path.iterdir()) == []
    write_all([(first, lambda handle: handle.write(b"html")), (second, lambda handle: handle.write(b"csv"))])
    assert (first.read_bytes(), second.read_bytes()) == (b"html", b"csv")
