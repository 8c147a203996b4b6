"""Bad input through `vpccost compare`: exit 2, the message naming what is wrong, and nothing written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def compare_fails(tmp_path: Path, traffic: Path, topology: Path | None, *expected: str) -> None:
    """`vpccost compare` exits 2, names every `expected` fragment on stderr, and writes no output file."""
    output = tmp_path / "out.json"
    args: list[str | Path] = [traffic, "--format", "json", "--output", output]
    if topology is not None:
        args += ["--topology", topology]
    result = run_cli("compare", *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert not output.exists()
    assert result.stdout == ""
