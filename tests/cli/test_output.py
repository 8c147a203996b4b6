"""How every command writes its result: one behaviour for a format that does not fit, checked before any work;
`--format` help and suffix inference read from the format registry; exit codes of library calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, run_cli, vpc
from vpccost.cli import app, breakeven, compare, forecast, optimize, pricing
from vpccost.cli.output import ResultOutput, run
from vpccost.errors import InputError, VpccostError
from vpccost.outputs import formats
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
    assert result.stderr == f"error: --output {target}: no such folder {target.parent}\n"


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


def _copy_run(tmp_path: Path) -> dict[str, Path]:
    """The multi-account example's traffic and topology, a growth file and a flow-log folder, copied where a
    run may write beside them."""
    files = {
        "traffic": tmp_path / "traffic.csv",
        "topology": tmp_path / "topology.yaml",
        "growth": tmp_path / "growth.csv",
    }
    files["traffic"].write_bytes((EXAMPLES / "multi-account" / "traffic.csv").read_bytes())
    files["topology"].write_bytes((EXAMPLES / "multi-account" / "topology.yaml").read_bytes())
    files["growth"].write_text("month,growth\n2,0.01\n")
    return files


# (command and arguments, with {traffic} etc. standing for the run's files; the message expected)
REFUSALS: list[tuple[str, list[str], str]] = [
    ("compare over its traffic", ["compare", "{traffic}", "-t", "{topology}", "--output", "{traffic}"],
     "--output {traffic} is the traffic file this run reads"),
    ("compare's html over its topology", ["compare", "{traffic}", "-t", "{topology}", "--html", "{topology}"],
     "--html {topology} is the topology this run reads"),
    ("compare, two outputs one file", ["compare", "{traffic}", "--output", "{dir}/x.html", "--html", "{dir}/x.html"],
     "--output {dir}/x.html and --html {dir}/x.html name the same file"),
    ("compare over its snapshot", ["compare", "{traffic}", "--pricing", "{snapshot}", "--output",
                                   "{snapshot}/prices.json"], "is the pricing snapshot this run reads"),
    ("forecast over its growth file", ["forecast", "{traffic}", "--months", "2", "--growth-file", "{growth}",
                                       "--output", "{growth}"], "--output {growth} is the growth file this run reads"),
    ("optimize over its traffic", ["optimize", "{traffic}", "--output", "{traffic}"],
     "--output {traffic} is the traffic file this run reads"),
    ("breakeven's html over its traffic", ["breakeven", "{traffic}", "--options", "nat,interface-endpoint",
                                           "--vpc", "a", "--service", "aws:s3", "--html", "{traffic}"],
     "--html {traffic} is the traffic file this run reads"),
    ("pricing show over its overrides", ["pricing", "show", "--overrides", "{topology}", "--output", "{topology}"],
     "--output {topology} is the overrides file this run reads"),
    ("pricing diff over a snapshot", ["pricing", "diff", "{snapshot}", "{snapshot}", "--output",
                                      "{snapshot}/prices.json"], "is the older snapshot this run reads"),
    ("flowlogs over a log", ["flowlogs", "aggregate", "{traffic}", "-t", "{topology}", "--output", "{traffic}"],
     "--output {traffic} is a flow-log file this run reads"),
    ("flowlogs report over the topology", ["flowlogs", "aggregate", "{traffic}", "-t", "{topology}", "--report",
                                           "{topology}"], "--report {topology} is the topology this run reads"),
    ("flowlogs, two outputs one file", ["flowlogs", "aggregate", "{traffic}", "-t", "{topology}", "--report",
                                        "{dir}/r.json", "--output", "{dir}/r.json"], "name the same file"),
    ("pricing update onto a file", ["pricing", "update", "--regions", "us-east-1", "--output-dir", "{traffic}"],
     "--output-dir {traffic} is a file, not a folder"),
    ("a read-only output", ["compare", "{traffic}", "--output", "{dir}/locked.csv"],
     "--output {dir}/locked.csv is read-only"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "message"), [case[1:] for case in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_an_output_that_would_overwrite_an_input_is_refused_before_any_work(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    files = _copy_run(tmp_path)
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "prices.json").write_bytes((SNAPSHOT / "prices.json").read_bytes())
    (tmp_path / "locked.csv").write_text("kept")
    (tmp_path / "locked.csv").chmod(0o444)
    names = {**{name: str(path) for name, path in files.items()}, "snapshot": str(snapshot), "dir": str(tmp_path)}
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    result = run_cli(*[argument.format(**names) for argument in arguments])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert message.format(**names) in result.stderr
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()} == before


def test_the_html_report_is_not_left_behind_when_the_output_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails_for_csv(name: str, result: object, **options: Any) -> str | bytes:
        if name == "csv":
            raise InputError("the csv could not be rendered")
        return formats.render(name, result, **options)

    monkeypatch.setattr("vpccost.cli.output.render", fails_for_csv)
    html, output = tmp_path / "report.html", tmp_path / "out.csv"
    result = run_cli("compare", *MULTI, "--html", html, "--output", output)
    assert result.exit_code == 2
    assert "the csv could not be rendered" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_every_output_of_a_run_is_written_at_its_end(tmp_path: Path) -> None:
    html, output = tmp_path / "report.html", tmp_path / "out.csv"
    result = run_cli("compare", *MULTI, "--html", html, "--output", output)
    assert result.exit_code == 0, result.stderr
    assert html.read_text().startswith("<!DOCTYPE html>") or "<html" in html.read_text()
    assert output.read_text().startswith("design,")


@pytest.mark.parametrize("stream", ["/dev/stdout", "/dev/null"])
def test_a_stream_is_written_to_not_replaced(stream: str) -> None:
    result = run_cli("pricing", "show", "--region", "us-east-2", "--format", "csv", "--output", stream)
    assert result.exit_code == 0, result.stderr
    assert Path("/dev/null").is_char_device()
    assert Path("/dev/stdout").is_symlink()


def test_a_symlinked_output_keeps_its_link_and_the_targets_mode(tmp_path: Path) -> None:
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("before")
    real.chmod(0o640)
    link.symlink_to(real)
    result = run_cli("pricing", "show", "--region", "us-east-2", "--format", "csv", "--output", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and real.read_text().startswith("region,")
    assert real.stat().st_mode & 0o777 == 0o640


HOSTILE = "web\x1b[2J\u202egnp"
SHOWN = "web\\x1b[2J\\u202egnp"


def test_an_error_quoting_user_text_shows_its_controls_as_escapes(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text(f"src,dst,gb\n{HOSTILE},internet,1\n", encoding="utf-8")
    result = run_cli("compare", traffic, "--topology", EXAMPLES / "multi-account" / "topology.yaml")
    assert result.exit_code == 2
    assert SHOWN in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


@pytest.mark.parametrize("output_format", ["table", "csv"])
def test_pricing_show_prints_a_snapshots_text_safely(tmp_path: Path, output_format: str) -> None:
    document = json.loads((SNAPSHOT / "prices.json").read_text())
    for entry in document["entries"]:
        entry["source"] = f"={HOSTILE}[red]"
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "prices.json").write_text(json.dumps(document))
    result = run_cli("pricing", "show", "--pricing", snapshot, "--format", output_format)
    assert result.exit_code == 0, result.stderr
    if output_format == "table":  # a table is for the terminal; a CSV holds the text as it is, neutralised
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert (SHOWN if output_format == "table" else f"'={HOSTILE}") in result.stdout
