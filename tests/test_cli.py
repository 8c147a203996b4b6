"""The command line: every command documented with an example, outputs written whole, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import typer.main

import vpccost
from vpccost.cli import app

from .conftest import EXAMPLES, REPO, SNAPSHOT, SNAPSHOT_NAME, run_cli

README = (REPO / "README.md").read_text()
MULTI: list[str | Path] = [
    EXAMPLES / "multi-account" / "traffic.csv",
    "--topology",
    EXAMPLES / "multi-account" / "topology.yaml",
    "--pricing",
    SNAPSHOT,
]


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


def test_table_output_ranks_designs_and_lists_assumptions() -> None:
    result = run_cli("compare", *MULTI)
    assert result.exit_code == 0
    assert "cheapest" in result.stdout
    assert "Assumptions" in result.stdout
    assert "break-even" in result.stdout


def test_csv_output_to_a_file(tmp_path: Path) -> None:
    output = tmp_path / "items.csv"
    result = run_cli("compare", *MULTI, "--output", output)
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    multi = EXAMPLES / "multi-account"
    priced = vpccost.compare(multi / "traffic.csv", multi / "topology.yaml", pricing=SNAPSHOT).designs
    assert {row["design"] for row in rows} == {result.design for result in priced if result.line_items}
    assert all(re.match(r"^\d+\.\d{2,}$", row["cost_usd"]) for row in rows)


def test_csv_neutralises_formulas_in_user_text(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text('src,dst,gb,src_region\n"=HYPERLINK(""http://x"")",internet,5,us-east-1\n')
    result = run_cli("compare", traffic, "--format", "csv", "--designs", "peering", "--pricing", SNAPSHOT)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row["resource"].startswith("'=HYPERLINK") for row in rows)


def test_designs_option_and_unknown_design() -> None:
    document = json.loads(run_cli("compare", *MULTI, "--designs", "peering,sharing", "--format", "json").stdout)
    assert [design["design"] for design in document["designs"]] == ["peering", "sharing"]
    result = run_cli("compare", *MULTI, "--designs", "mesh")
    assert result.exit_code == 2
    assert "unknown design mesh" in result.stderr


@pytest.mark.parametrize("hours", ["0", "-5", "many"])
def test_bad_hours(hours: str) -> None:
    result = run_cli("compare", *MULTI, "--hours", hours)
    assert result.exit_code == 2
    assert "hours" in result.stderr


@pytest.mark.parametrize("name", ["topology", "traffic", "pricing"])
def test_schema(name: str) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and schema["properties"]


def test_pricing_show_lists_provenance() -> None:
    result = run_cli("pricing", "show", "--region", "us-east-2", "--format", "json", "--pricing", SNAPSHOT)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["snapshot"] == SNAPSHOT_NAME
    assert document["entries"] and {entry["region"] for entry in document["entries"]} == {"us-east-2"}
    assert all(entry["source"] and isinstance(entry["verified"], bool) for entry in document["entries"])
    table = run_cli("pricing", "show", "--region", "us-east-1", "--pricing", SNAPSHOT)
    assert "NatGateway-Hours" in table.stdout


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = run_cli("compare", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_readme_python_snippet_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    section = README.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    (snippet,) = re.findall(r"```python\n(.+?)\n```", section, flags=re.DOTALL)
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    assert namespace["frame"] is not None


def test_forecast_command(tmp_path: Path) -> None:
    output = tmp_path / "forecast.json"
    result = run_cli(
        "forecast", *MULTI, "--months", "3", "--growth", "3%/month", "--start", "2027-01", "--output", output
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(output.read_text())
    assert [month["month"] for month in document["months"]] == ["2027-01", "2027-02", "2027-03"]
    assert document["growth"]["factors"] == ["1", "1.03", "1.0609"]
    assert all(design["total_usd"] for month in document["months"] for design in month["designs"])
    table = run_cli("forecast", *MULTI, "--months", "2", "--growth", "fast")
    assert table.exit_code == 2
    assert "'fast' is not a growth rate" in table.stderr


def test_pricing_show_refuses_an_unknown_region() -> None:
    result = run_cli("pricing", "show", "--region", "xx-9")
    assert result.exit_code == 2
    assert "'xx-9' is not an AWS region code" in result.stderr


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_binary_exports_need_an_output_file(tmp_path: Path, suffix: str) -> None:
    refused = run_cli("compare", *MULTI, "--format", suffix)
    assert refused.exit_code == 2
    assert "give --output FILE" in refused.stderr
    output = tmp_path / f"estimate.{suffix}"
    written = run_cli("compare", *MULTI, "--output", output)
    assert written.exit_code == 0, written.stderr
    assert output.stat().st_size > 0


def test_focus_export_and_html_report(tmp_path: Path) -> None:
    focus, html = tmp_path / "focus.csv", tmp_path / "report.html"
    result = run_cli("compare", *MULTI, "--format", "focus", "--start", "2027-03", "--output", focus, "--html", html)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(focus.read_text())))
    assert {row["BillingPeriodStart"] for row in rows} == {"2027-03-01T00:00:00Z"}
    assert "<html" in html.read_text()[:500].lower()
    bad_month = run_cli("compare", *MULTI, "--format", "focus", "--start", "March")
    assert bad_month.exit_code == 2
    assert "'March' is not a month" in bad_month.stderr


def test_comparison_in_jupyter() -> None:
    import vpccost

    result = vpccost.compare(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml", pricing=SNAPSHOT
    )
    table = result._repr_html_()
    assert "<table" in table
    assert "sharing" in table
    assert result.plot.by_design().data
    assert result.plot.by_account().data


def test_public_api() -> None:
    import vpccost

    for name in vpccost.__all__:
        assert getattr(vpccost, name) is not None, name
    assert callable(vpccost.forecast)
    assert callable(vpccost.compare)


def test_an_estimate_longer_than_its_billing_month_is_not_dated(tmp_path: Path) -> None:
    # FOCUS charge periods lie within their billing period: 1,000 hours do not fit in February 2027 (672 h)
    result = run_cli("compare", *MULTI, "--hours", "1000", "--format", "focus", "--start", "2027-02")
    assert result.exit_code == 2
    assert "does not fit in 2027-02 (672 h)" in result.stderr
    assert run_cli("compare", *MULTI, "--hours", "1000").exit_code == 0  # undated outputs are fine


def test_a_binary_format_without_output_writes_nothing(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = run_cli("compare", *MULTI, "--format", "xlsx", "--html", html)
    assert result.exit_code == 2
    assert not html.exists()
