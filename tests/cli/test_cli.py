"""The command line as a whole: every command documented with an example, in the README with the formats it
writes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
import typer.main

import vpccost.cli
from tests.conftest import REPO, run_cli
from vpccost.cli import app, main
from vpccost.outputs.files import write_atomically

README = (REPO / "README.md").read_text()


def command_paths() -> list[list[str]]:
    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths += [[name, sub] for sub in subcommands]
        else:
            paths.append([name])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(path: list[str]) -> None:
    result = run_cli(*path, "--help")
    assert result.exit_code == 0
    assert f"Example: vpccost {' '.join(path)}" in result.stdout
    assert f"vpccost {' '.join(path)}" in README


def test_readme_lists_every_format_each_command_writes() -> None:
    from vpccost.cli import breakeven, compare, forecast, optimize, pricing
    from vpccost.outputs.formats import FORMATS

    listed: set[str] = set()
    for output in (compare.OUTPUT, forecast.OUTPUT, optimize.OUTPUT, breakeven.OUTPUT, pricing.SHOW, pricing.DIFF):
        (row,) = [line for line in README.splitlines() if line.startswith(f"| `vpccost {output.command} ")]
        found = re.search(r"\[--format ([a-z\\|]+)\]", row)
        assert found, f"the README row of {output.command} lists no --format"
        names = found.group(1).replace("\\", "").split("|")
        assert names == [entry.name for entry in output.formats], output.command
        listed.update(names)
    assert listed == set(FORMATS)


def test_readme_quickstart_is_two_commands_and_ci_runs_the_test_command() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quickstart)
    assert len(commands) == 2
    assert "vpccost compare examples/" in commands[0]
    assert commands[1] in (REPO / ".ci" / "run").read_text()


def test_an_unexpected_failure_exits_1_with_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(vpccost.cli, "app", broken)
    monkeypatch.delenv("VPCCOST_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert capsys.readouterr().err == "error: unexpected RuntimeError: boom (set VPCCOST_DEBUG=1 for details)\n"
    monkeypatch.setenv("VPCCOST_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main()


def test_version_prints_the_installed_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"vpccost {vpccost.__version__}\n"


def test_the_quickstart_says_how_to_run_the_command_after_set_up() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert "`.venv/bin/vpccost …`" in quickstart and "`source .venv/bin/activate`" in quickstart
    assert "`vpccost --version`" in quickstart


@pytest.mark.parametrize(("number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_run_exits_128_plus_the_signal_with_one_line_and_no_temporary_file(
    tmp_path: Path, number: int, code: int
) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_bytes((REPO / "examples" / "multi-account" / "traffic.csv").read_bytes())
    topology = tmp_path / "topology.yaml"
    os.mkfifo(topology)  # the run blocks reading it until it is interrupted
    output = tmp_path / "out.csv"
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "vpccost.cli", "compare", str(traffic), "-t", str(topology), "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    )
    time.sleep(2.0)
    process.send_signal(number)
    _, stderr = process.communicate(timeout=5)
    assert process.returncode == code
    assert stderr == f"error: interrupted by {signal.Signals(number).name}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["topology.yaml", "traffic.csv"]


def test_a_signal_during_a_write_removes_the_temporary_file(tmp_path: Path) -> None:
    def interrupted(handle: IO[bytes]) -> None:
        handle.write(b"half")
        os.kill(os.getpid(), signal.SIGTERM)

    target = tmp_path / "out.csv"
    previous = signal.signal(signal.SIGTERM, vpccost.cli._interrupt)
    try:
        with pytest.raises(vpccost.cli.Interrupted):
            write_atomically(target, interrupted)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    # `vpccost --help` only declares the commands: the library behind them (pandas, pyarrow and DuckDB for
    # traffic and flow logs, HiGHS and SciPy for the optimizer, plotly and openpyxl for reports, boto3 for AWS)
    # loads when a command runs
    code = (
        "import vpccost.cli, sys\n"
        "print(sorted(m for m in ('pandas', 'duckdb', 'highspy', 'scipy', 'plotly', 'boto3', 'pyarrow', 'openpyxl')"
        " if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert completed.stdout.strip() == "[]"
