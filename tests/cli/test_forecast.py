"""`vpccost forecast`: months, growth and the document it writes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, SNAPSHOT, run_cli

MULTI: list[str | Path] = [
    EXAMPLES / "multi-account" / "traffic.csv",
    "--topology",
    EXAMPLES / "multi-account" / "topology.yaml",
    "--pricing",
    SNAPSHOT,
]


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
