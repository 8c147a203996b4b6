"""How every command writes its result: one behaviour for a format that does not fit, checked before any work;
`--format` help and suffix inference read from the format registry; exit codes of library calls."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import typer.main

from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, run_cli, vpc
from vpccost.cli import app, breakeven, compare, forecast, optimize, pricing
from vpccost.cli.output import ResultOutput, run
from vpccost.errors import InputError, VpccostError
from vpccost.outputs.formats import FORMATS

OUTPUTS: dict[str, ResultOutput] = {
    output.command: output
    for output in (compare.OUTPUT, forecast.OUTPUT, optimize.OUTPUT, breakeven.OUTPUT, pricing.SHOW, pricing.DIFF)
}


# Arguments each command needs to parse; the files do not exist, so any work done would fail on them first.
ARGUMENTS: dict[str, list[str]] = {
    "compare": ["absent.csv"],
    "forecast": ["absent.csv", "--months", "2"],
    "optimize": ["absent.csv"],
    "breakeven": ["absent.csv", "--options", "nat,interface-endpoint", "--vpc", "a", "--service", "aws:s3"],
    "pricing show": ["--pricing", "absent"],
    "pricing diff": ["absent-old", "absent-new"],
}


def refused(command: str) -> list[str]:
    """The registered formats that do not fit the command's result, or an unknown name when every one fits."""
    unfitting = [name for name, entry in FORMATS.items() if entry not in OUTPUTS[command].formats]
    return unfitting or ["yaml"]


CASES = [(command, name) for command in ARGUMENTS for name in refused(command)]


def test_every_command_that_writes_a_result_is_covered() -> None:
    assert set(ARGUMENTS) == set(OUTPUTS)


@pytest.mark.parametrize(("command", "name"), CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_a_format_that_does_not_fit_exits_2_before_any_work(tmp_path: Path, command: str, name: str) -> None:
    target = tmp_path / f"result.{name}"
    html = command in {"compare", "forecast", "breakeven"}
    extra: list[str | Path] = ["--html", tmp_path / "page.html"] if html else []
    result = run_cli(*command.split(), *ARGUMENTS[command], "--format", name, "--output", target, *extra)
    fitting = ", ".join(entry.name for entry in OUTPUTS[command].formats)
    assert result.exit_code == 2
    assert result.stderr == f"error: vpccost {command} does not write {name}; choose from {fitting}\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["pricing show", "pricing diff", "breakeven"])
def test_a_suffix_naming_a_format_that_does_not_fit_is_refused_the_same_way(tmp_path: Path, command: str) -> None:
    target = tmp_path / "result.xlsx"
    result = run_cli(*command.split(), *ARGUMENTS[command], "--output", target)
    assert result.exit_code == 2
    assert f"error: vpccost {command} does not write xlsx (inferred from --output {target}); choose from" in (
        result.stderr
    )
    assert result.stdout == ""
    assert not target.exists()


def test_an_unknown_suffix_writes_a_table(tmp_path: Path) -> None:
    target = tmp_path / "prices.txt"
    result = run_cli("pricing", "show", "--region", "us-east-2", "--output", target)
    assert result.exit_code == 0, result.stderr
    assert "Price snapshot" in target.read_text()


@pytest.mark.parametrize("command", list(ARGUMENTS))
def test_format_help_lists_the_formats_that_fit(command: str) -> None:
    found = typer.main.get_command(app)
    for word in command.split():
        found = found.commands[word]  # type: ignore[attr-defined]
    (option,) = [param for param in found.params if param.name == "output_format"]
    names = [entry.name for entry in OUTPUTS[command].formats]
    assert option.metavar == "<" + "|".join(names) + ">"
    assert all(name in str(getattr(option, "help", "")) for name in names)


def test_run_turns_library_errors_into_exit_codes() -> None:
    def bad_input() -> int:
        raise InputError("no such thing", field="designs")

    def failure() -> int:
        raise VpccostError("broken")

    assert run(lambda: 7) == 7
    with pytest.raises(typer.Exit) as exited:
        run(bad_input)
    assert exited.value.exit_code == 2
    with pytest.raises(typer.Exit) as exited:
        run(failure)
    assert exited.value.exit_code == 1


def test_what_an_output_leaves_out_is_a_warning_on_stderr(write_estate: WriteEstate) -> None:
    # the 2026-11-26 snapshot has no ap-northeast-1 NAT prices: internet traffic leaves peering unpriced there
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    result = run_cli(
        "compare", traffic, "-t", topology, "--designs", "peering", "--format", "focus", "--pricing", SNAPSHOT
    )
    assert result.exit_code == 0, result.stderr
    assert "warning: design peering is not priced and is left out of the FOCUS export\n" in result.stderr
    assert result.stdout.count("\n") == 1  # the header alone


def test_a_file_that_cannot_be_written_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "prices.json"
    result = run_cli("pricing", "show", "--region", "us-east-2", "--output", target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {target}: ")


MULTI: list[str | Path] = [
    EXAMPLES / "multi-account" / "traffic.csv",
    "--topology",
    EXAMPLES / "multi-account" / "topology.yaml",
    "--pricing",
    SNAPSHOT,
]


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_binary_exports_need_an_output_file(tmp_path: Path, suffix: str) -> None:
    refused = run_cli("compare", *MULTI, "--format", suffix)
    assert refused.exit_code == 2
    assert "give --output FILE" in refused.stderr
    output = tmp_path / f"estimate.{suffix}"
    written = run_cli("compare", *MULTI, "--output", output)
    assert written.exit_code == 0, written.stderr
    assert output.stat().st_size > 0


def test_a_binary_format_without_output_writes_nothing(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = run_cli("compare", *MULTI, "--format", "xlsx", "--html", html)
    assert result.exit_code == 2
    assert not html.exists()
