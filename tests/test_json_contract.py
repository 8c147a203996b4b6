"""The `compare --format json` contract of DESIGN.md (Interfaces), and golden files for the examples."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES, REPO, SNAPSHOT, SNAPSHOT_NAME, run_cli, run_json

GOLDEN = Path(__file__).parent / "golden"
DECIMAL = re.compile(r"^\d+(\.\d+)?$")
MONEY = re.compile(r"^\d+\.\d{2,}$")
LINE_ITEM_KEYS = {
    "design", "component", "service_code", "usage_type", "region", "resource", "payer_account",
    "quantity", "unit", "rate_usd", "cost_usd",
}  # fmt: skip
EXAMPLE_DIRS = sorted(path.name for path in EXAMPLES.iterdir() if (path / "traffic.csv").is_file())


def example_json(name: str) -> dict[str, Any]:
    return run_json(
        "compare",
        EXAMPLES / name / "traffic.csv",
        "--topology",
        EXAMPLES / name / "topology.yaml",
        "--pricing",
        SNAPSHOT,
    )


@pytest.mark.parametrize("name", EXAMPLE_DIRS)
def test_document_shape(name: str) -> None:
    document = example_json(name)
    assert set(document) >= {
        "vpccost_version", "pricing", "period_hours", "assumptions", "designs", "service_access", "recommendation",
    }  # fmt: skip
    assert document["pricing"]["snapshot"] == SNAPSHOT_NAME
    assert document["pricing"]["currency"] == "USD"
    pure = ["nat", "peering", "transit-gateway", "privatelink", "sharing"]
    # the design `as-is` follows when the topology records existing connectivity
    assert [design["design"] for design in document["designs"]] == pure + (["as-is"] if name == "as-is" else [])
    for design in document["designs"]:
        assert isinstance(design["priced"], bool)
        assert isinstance(design["feasible"], bool)
        assert isinstance(design["problems"], list)
        assert isinstance(design["quota_increases"], list)
        if design["priced"]:
            assert MONEY.match(design["total_usd"])
            total = sum((Decimal(item["cost_usd"]) for item in design["line_items"]), Decimal(0))
            assert total == Decimal(design["total_usd"]), "line items sum exactly to the total"
        else:
            assert design["total_usd"] is None
        for item in design["line_items"]:
            assert set(item) >= LINE_ITEM_KEYS
            assert DECIMAL.match(item["quantity"])
            assert MONEY.match(item["rate_usd"]) or DECIMAL.match(item["rate_usd"])
            assert MONEY.match(item["cost_usd"])
            assert Decimal(item["quantity"]) * Decimal(item["rate_usd"]) == Decimal(item["cost_usd"])
            assert item["payer_account"] and item["region"] and item["usage_type"]
    for row in document["service_access"]:
        assert DECIMAL.match(row["gb"])


def test_stdout_holds_the_json_document_alone() -> None:
    result = run_cli(
        "compare", EXAMPLES / "s3-access" / "traffic.csv", "--topology", EXAMPLES / "s3-access" / "topology.yaml",
        "--format", "json", "--pricing", SNAPSHOT,
    )  # fmt: skip
    assert result.exit_code == 0
    json.loads(result.stdout)


@pytest.mark.parametrize("name", EXAMPLE_DIRS)
def test_golden(name: str, update_golden: bool) -> None:
    """Whole-scenario golden files: `pytest --update-golden` rewrites them after a deliberate change. The totals
    of peering-two-vpcs were checked by hand (see tests/test_hand_scenarios.py for hand-checked cases of every
    rule); the golden files guard everything else against unnoticed change."""
    document = example_json(name)
    document.pop("vpccost_version")
    path = GOLDEN / f"{name}.json"
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if update_golden:
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: check the output by hand, then run pytest --update-golden"
    expected = json.loads(path.read_text())
    for design, want in zip(document["designs"], expected["designs"], strict=True):
        assert (design["design"], design["total_usd"]) == (want["design"], want["total_usd"])
    assert document == expected, f"{path.relative_to(REPO)} differs: run pytest --update-golden if intended"
