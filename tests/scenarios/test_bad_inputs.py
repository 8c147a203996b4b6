"""Bad traffic files: exit 2 and a message naming the file, the line and the field, with no output file written
and no traceback. The files are in bad_inputs/, read against bad_inputs/topology.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOT, run_cli

BAD_INPUTS = Path(__file__).parent / "bad_inputs"


@pytest.mark.parametrize(
    ("traffic", "line", "field"),
    [
        ("negative_volume.csv", 3, "gb"),  # line 3: gb = -5
        ("unknown_vpc.csv", 3, "dst"),  # line 3: dst = ghost, not in the topology
        ("non_numeric.csv", 3, "gb"),  # line 3: gb = lots
        ("malformed_endpoint.csv", 3, "dst"),  # line 3: dst = "aws:" with no service
    ],
)
def test_bad_input_exit_2_without_output(tmp_path: Path, traffic: str, line: int, field: str) -> None:
    output = tmp_path / "out.json"
    result = run_cli("compare", BAD_INPUTS / traffic, "--topology", BAD_INPUTS / "topology.yaml",
                     "--pricing", SNAPSHOT, "--format", "json", "--output", output)  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert traffic in result.stderr
    assert f"line {line}" in result.stderr
    assert re.search(rf"\b{field}\b", result.stderr.replace(traffic, "")), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not output.exists()
