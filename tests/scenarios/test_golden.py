"""Whole-scenario golden files for the examples: tests/scenarios/golden/<example>/ holds `compare.json`, the
`compare --format json` document, and `compare.txt`, the terminal table of the same comparison, which is the file to
read in a review. A mismatch prints a unified diff of each; `pytest --update-golden` rewrites both after a
deliberate change.

The totals of peering-two-vpcs were checked by hand (tests/scenarios/hand/ has hand-checked cases of every rule);
the golden files guard everything else against unnoticed change. The JSON leaves out what changes for reasons
other than the estimate: the vpccost version, the assumption sentences (they are in compare.txt), each price's
provenance (tests/outputs/test_documents.py checks it against the snapshot; the golden names the prices used).
"""

from __future__ import annotations

import difflib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import vpccost
from tests.conftest import EXAMPLE_ESTATES, EXAMPLES, REPO, SNAPSHOT, run_json
from vpccost.outputs.table import render_comparison
from vpccost.results import LineItem

GOLDEN = Path(__file__).parent / "golden"
TABLE_WIDTH = 200
LINE_ITEM_FIELDS = (*(name for name in LineItem._fields if name != "label"), "payer_account_name", "payer_cost_center")
"""Every line-item field (the examples are not split by a label), and the payer account's name and cost center."""
DIFF_LINES = 400


def golden_json(document: dict[str, Any]) -> str:
    """The document as its golden file holds it."""
    kept = {key: value for key, value in document.items() if key not in {"vpccost_version", "assumptions"}}
    pricing = dict(document["pricing"])
    pricing["prices_used"] = [
        f"{entry['item']} {entry['region']}" + (f" → {entry['to_region']}" if entry["to_region"] else "")
        for entry in pricing["prices_used"]
    ]
    kept["pricing"] = pricing
    kept["designs"] = [
        {**design, "line_items": [{key: item[key] for key in LINE_ITEM_FIELDS} for item in design["line_items"]]}
        for design in document["designs"]
    ]
    return json.dumps(kept, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def golden_table(name: str) -> str:
    """`render_comparison` of the example, as a terminal of TABLE_WIDTH columns without colour shows it."""
    comparison = vpccost.compare(EXAMPLES / name / "traffic.csv", EXAMPLES / name / "topology.yaml", pricing=SNAPSHOT)
    buffer = io.StringIO()
    render_comparison(comparison, Console(file=buffer, width=TABLE_WIDTH, color_system=None, force_terminal=False))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def unified_diff(path: Path, expected: str, actual: str) -> str:
    name = str(path.relative_to(REPO))
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), name, f"{name} (now)", lineterm=""))
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"… {len(lines) - DIFF_LINES} more diff lines"]
    return "\n".join(lines)


@pytest.mark.parametrize("name", EXAMPLE_ESTATES)
def test_golden(name: str, update_golden: bool) -> None:
    example = EXAMPLES / name
    document = run_json("compare", example / "traffic.csv", "--topology", example / "topology.yaml",
                        "--pricing", SNAPSHOT)  # fmt: skip
    actual = {GOLDEN / name / "compare.json": golden_json(document), GOLDEN / name / "compare.txt": golden_table(name)}
    if update_golden:
        for path, text in actual.items():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    missing = [str(path.relative_to(REPO)) for path in actual if not path.is_file()]
    assert not missing, f"no golden file {missing}: check the output by hand, then run pytest --update-golden"
    diffs = []
    for path, text in actual.items():
        expected = path.read_text(encoding="utf-8")
        same = json.loads(expected) == json.loads(text) if path.suffix == ".json" else expected == text
        if not same:
            diffs.append(unified_diff(path, expected, text))
    if diffs:
        pytest.fail("\n\n".join([*diffs, "If the change is intended, run: pytest --update-golden"]), pytrace=False)
