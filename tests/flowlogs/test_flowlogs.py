"""`vpccost flowlogs aggregate` on generated estates gives the generator's ground truth, byte for byte.

The ground truth comes from the generated connections and the counting rules of `vpccost.flowlogs`, never from the
aggregator (see `tests.support.synthetic_flowlogs`). Estates with and without the `interfaces` inventory: without it,
middleboxes are known from `interface-type` or address translation and the local side from `flow-direction`.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.support.synthetic_flowlogs import SyntheticFlowLogs, generate
from vpccost.cli import app


def aggregate_command_exists() -> bool:
    groups = {group.name: group.typer_instance for group in app.registered_groups}
    flowlogs = groups.get("flowlogs")
    return flowlogs is not None and any(command.name == "aggregate" for command in flowlogs.registered_commands)


pytestmark = pytest.mark.skipif(
    not aggregate_command_exists(), reason="`vpccost flowlogs aggregate` is not registered in this checkout"
)


def matrix(path: Path) -> Counter[tuple[str, str, str, str, str]]:
    """Bytes per (src, dst, src_az, dst_az, initiator): the ground truth's key. The aggregate may split a key
    further (by `ip_version`, which decides whether internet traffic needs a NAT gateway)."""
    totals: Counter[tuple[str, str, str, str, str]] = Counter()
    with path.open() as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            key = (row["src"], row["dst"], row["src_az"] or "", row["dst_az"] or "", row["initiator"])
            totals[key] += int(row["bytes"])
    return totals


def integers(document: Any) -> set[int]:
    """Every integer in a JSON document, wherever the report puts it."""
    if isinstance(document, bool):
        return set()
    if isinstance(document, int):
        return {document}
    if isinstance(document, dict):
        return set().union(*(integers(value) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(integers(value) for value in document))
    return set()


@pytest.mark.parametrize(
    ("seed", "inventory"),
    [(101, True), (102, True), (103, False), (104, False)],
    ids=["inventory-101", "inventory-102", "no-inventory-103", "no-inventory-104"],
)
def test_the_cli_matrix_equals_the_ground_truth(tmp_path: Path, seed: int, inventory: bool) -> None:
    estate: SyntheticFlowLogs = generate(tmp_path / "estate", records=5000, seed=seed, hours=0.5, inventory=inventory)
    output, report = tmp_path / "traffic.csv", tmp_path / "report.json"
    result = CliRunner().invoke(
        app,
        [
            "flowlogs",
            "aggregate",
            str(estate.logs),
            "--topology",
            str(estate.topology),
            "--output",
            str(output),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    ours, expected = matrix(output), matrix(estate.ground_truth)
    assert ours - expected == Counter() and expected - ours == Counter()
    numbers = integers(json.loads(report.read_text()))
    # the reconciliation names these totals: bytes used (the matrix), bytes read (every record and copy),
    # the duplicate copies from the overlapping flow logs, and the planted malformed lines
    assert {
        estate.bytes["used"],
        estate.bytes["read"],
        estate.counts["duplicate"],
        estate.counts["malformed"],
    } <= numbers
