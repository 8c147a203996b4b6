"""`vpccost pricing show`, `pricing coverage` and `pricing diff`: prices with their provenance, what a snapshot prices
where, and what changed between two snapshots, as tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import NEWEST_SNAPSHOT, REPO, SNAPSHOT, SNAPSHOT_NAME, run_cli


def test_pricing_show_lists_provenance() -> None:
    result = run_cli("pricing", "show", "--region", "us-east-2", "--format", "json", "--pricing", SNAPSHOT)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["snapshot"] == SNAPSHOT_NAME
    assert document["entries"] and {entry["region"] for entry in document["entries"]} == {"us-east-2"}
    assert all(entry["source"] and isinstance(entry["verified"], bool) for entry in document["entries"])
    table = run_cli("pricing", "show", "--region", "us-east-1", "--pricing", SNAPSHOT)
    assert "NatGateway-Hours" in table.stdout


def test_pricing_show_refuses_an_unknown_region() -> None:
    result = run_cli("pricing", "show", "--region", "xx-9")
    assert result.exit_code == 2
    assert "'xx-9' is not an AWS region code" in result.stderr


def test_pricing_diff_names_what_changed(tmp_path: Path) -> None:
    bundled = json.loads((SNAPSHOT / "prices.json").read_text())
    entries = bundled["entries"]
    nat_hours = next(e for e in entries if (e["item"], e["region"]) == ("nat_gateway_hours", "us-east-1"))
    nat_hours["tiers"][0]["price_usd"] = "0.05"
    entries.remove(next(e for e in entries if (e["item"], e["region"]) == ("vpn_connection_hours", "us-east-1")))
    entries.append({**nat_hours, "region": "ap-northeast-1", "usage_type": "APN1-NatGateway-Hours"})
    newer = tmp_path / "prices.json"
    newer.write_text(json.dumps(bundled))
    result = run_cli("pricing", "diff", SNAPSHOT, newer, "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = {(c["item"], c["region"]): (c["change"], c["before"], c["after"]) for c in json.loads(result.stdout)}
    assert changes == {
        ("nat_gateway_hours", "us-east-1"): (
            "changed",
            "0.045 USD/Hrs (NatGateway-Hours, verified)",
            "0.05 USD/Hrs (NatGateway-Hours, verified)",
        ),
        ("vpn_connection_hours", "us-east-1"): ("removed", "0.05 USD/Hrs (VPN-Usage-Hours:ipsec.1, verified)", None),
        ("nat_gateway_hours", "ap-northeast-1"): ("added", None, "0.05 USD/Hrs (APN1-NatGateway-Hours, verified)"),
    }
    assert "No price changed." in run_cli("pricing", "diff", newer, newer).stdout


SNAPSHOTS = REPO / "pricing" / "aws"


def newest_snapshot() -> Path:
    return max(path for path in SNAPSHOTS.iterdir() if (path / "prices.json").is_file())


def test_pricing_show_as_csv_inferred_from_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "prices.csv"
    result = run_cli("pricing", "show", "--region", "us-east-2", "--output", target, "--pricing", SNAPSHOT)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    shown = run_cli("pricing", "show", "--region", "us-east-2", "--format", "json", "--pricing", SNAPSHOT)
    document = json.loads(shown.stdout)
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


def test_pricing_coverage_lists_each_region_as_json_and_csv() -> None:
    result = run_cli("pricing", "coverage", "--pricing", NEWEST_SNAPSHOT, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["snapshot"] == "aws/2026-12-04"
    frankfurt = next(region for region in document["regions"] if region["region"] == "eu-central-1")
    assert frankfurt["name"] == "Europe (Frankfurt)"
    assert frankfurt["items"]["nat_gateway_hours"] == {"status": "unverified", "usage_type": "EUC1-NatGateway-Hours"}
    assert frankfurt["items"]["transit_gateway_bytes"] == {"status": "missing"}
    assert not frankfurt["ready"]
    rows = list(csv.DictReader(io.StringIO(run_cli("pricing", "coverage", "--format", "csv").stdout)))
    assert len(rows) == 34 * 12
    london = next(row for row in rows if (row["region"], row["item"]) == ("eu-west-2", "nat_gateway_hours"))
    assert london["status"] == "verified"


def test_pricing_coverage_table_names_the_gaps() -> None:
    result = run_cli("pricing", "coverage", "--pricing", NEWEST_SNAPSHOT)
    assert result.exit_code == 0
    assert "12 items × 34 regions: 27 verified, 142 unverified, 19 partial, 220 missing" in result.stdout
    assert run_cli("pricing", "coverage", "--format", "xlsx", "--output", "x.xlsx").exit_code == 2


def test_pricing_update_names_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    occupied = tmp_path / "taken"
    occupied.write_text("not a folder\n")
    onto_a_file = run_cli("pricing", "update", "--regions", "us-east-1", "--output-dir", occupied)
    assert onto_a_file.exit_code == 2
    assert f"--output-dir {occupied} is a file, not a folder" in " ".join(onto_a_file.stderr.split())

    notes = tmp_path / "notes.txt"
    notes.write_text("NAT gateway: 4.5 cents an hour\n")
    not_an_offer = run_cli("pricing", "update", "--regions", "us-east-1", "--from-offer-file", notes,
                           "--output-dir", tmp_path / "out")  # fmt: skip
    assert not_an_offer.exit_code == 2
    assert "notes.txt" in not_an_offer.stderr and "not an AWS price list offer file" in not_an_offer.stderr

    nowhere = tmp_path / "aws" / "2026-01-01"
    no_snapshot = run_cli("pricing", "update", "--regions", "us-east-1", "--from-offer-file", notes,
                          "--merge-with", nowhere, "--output-dir", tmp_path / "out")  # fmt: skip
    assert no_snapshot.exit_code == 2
    assert f"--merge-with {nowhere}: no such snapshot" in " ".join(no_snapshot.stderr.split())

    malformed = run_cli("pricing", "update", "--regions", "us-east-1,mars-1", "--output-dir", tmp_path / "out")
    assert malformed.exit_code == 2
    assert "not AWS region codes: mars-1" in malformed.stderr
    assert not (tmp_path / "out").exists()
