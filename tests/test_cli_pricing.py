"""`vpccost pricing show` and `pricing diff` as CSV: one row per price tier, one row per change."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .conftest import REPO, run_cli

SNAPSHOTS = REPO / "pricing" / "aws"


def newest_snapshot() -> Path:
    return max(path for path in SNAPSHOTS.iterdir() if (path / "prices.json").is_file())


def test_pricing_show_as_csv_inferred_from_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "prices.csv"
    result = run_cli("pricing", "show", "--region", "us-east-2", "--output", target)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    document = json.loads(run_cli("pricing", "show", "--region", "us-east-2", "--format", "json").stdout)
    assert {row["region"] for row in rows} == {"us-east-2"}
    assert len(rows) == sum(len(entry["tiers"]) for entry in document["entries"])
    nat = [row for row in rows if row["item"] == "nat_gateway_hours"]
    expected = next(entry for entry in document["entries"] if entry["item"] == "nat_gateway_hours")
    assert [(row["usage_type"], row["price_usd"], row["verified"]) for row in nat] == [
        (expected["usage_type"], expected["tiers"][0]["price_usd"], "true")
    ]


def test_pricing_diff_as_csv(tmp_path: Path) -> None:
    base = newest_snapshot()
    snapshot = json.loads((base / "prices.json").read_text())
    nat_hours = next(e for e in snapshot["entries"] if (e["item"], e["region"]) == ("nat_gateway_hours", "us-east-1"))
    nat_hours["tiers"][0]["price_usd"] = "1.5"
    newer = tmp_path / "prices.json"
    newer.write_text(json.dumps(snapshot))
    result = run_cli("pricing", "diff", base, newer, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["region"], row["item"], row["to_region"], row["change"]) for row in rows] == [
        ("us-east-1", "nat_gateway_hours", "", "changed")
    ]
    assert rows[0]["after"].startswith("1.5 USD/Hrs")
    unchanged = run_cli("pricing", "diff", newer, newer, "--format", "csv")
    assert unchanged.stdout == "region,item,to_region,change,before,after\n"
