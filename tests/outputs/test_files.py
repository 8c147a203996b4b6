"""Output files written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pytest

from vpccost.outputs.files import write_atomically, write_text_atomically


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
