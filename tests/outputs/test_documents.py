"""The `compare --format json` contract (README.md, "JSON output"), on every example: the shape of the document, exact
money, and the provenance of each price used. The examples' golden files are in tests/scenarios/test_golden.py."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

import vpccost
from tests.conftest import EXAMPLE_ESTATES, EXAMPLES, SNAPSHOT, SNAPSHOT_NAME, cents, run_cli, run_json
from vpccost.outputs.documents import forecast_document
from vpccost.pricing.load import load_pricing

DECIMAL = re.compile(r"^\d+(\.\d+)?$")
MONEY = re.compile(r"^\d+\.\d{2,}$")
LINE_ITEM_KEYS = {
    "design", "component", "service_code", "usage_type", "region", "resource", "payer_account",
    "quantity", "unit", "rate_usd", "cost_usd",
}  # fmt: skip


def example_json(name: str) -> dict[str, Any]:
    example = EXAMPLES / name
    return run_json("compare", example / "traffic.csv", "--topology", example / "topology.yaml", "--pricing", SNAPSHOT)


@pytest.mark.parametrize("name", EXAMPLE_ESTATES)
def test_document_shape(name: str) -> None:
    document = example_json(name)
    assert set(document) >= {
        "vpccost_version", "pricing", "period_hours", "assumptions", "designs", "service_access", "recommendation",
    }  # fmt: skip
    assert document["pricing"]["snapshot"] == SNAPSHOT_NAME
    assert document["pricing"]["currency"] == "USD"
    names = [design["design"] for design in document["designs"]]
    assert len(names) == len(set(names)), names  # each design once
    # the design `as-is` is there when the topology records existing connectivity (only examples/as-is does)
    assert ("as-is" in names) == (name == "as-is"), names
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


@pytest.mark.parametrize("name", EXAMPLE_ESTATES)
def test_each_price_used_carries_the_snapshots_provenance(name: str) -> None:
    snapshot = load_pricing(SNAPSHOT).snapshot
    entries = {(entry.item, entry.region, entry.to_region): entry for entry in snapshot.entries}
    used = example_json(name)["pricing"]["prices_used"]
    assert used
    for price in used:
        entry = entries[(price["item"], price["region"], price["to_region"])]
        assert (price["service_code"], price["usage_type"], price["unit"], price["sku"]) == (
            entry.service_code, entry.usage_type, entry.unit, entry.sku,
        )  # fmt: skip
        assert (price["source"], price["evidence"], price["verified"]) == (entry.source, entry.evidence, entry.verified)
        assert [(Decimal(t["begin"]), None if t["end"] is None else Decimal(t["end"]), Decimal(t["price_usd"]))
                for t in price["tiers"]] == [(t.begin, t.end, t.price_usd) for t in entry.tiers]  # fmt: skip


def test_a_forecast_document_names_the_cheapest_design_each_month_and_the_totals() -> None:
    growing = vpccost.forecast(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        months=14, growth="7%", start="2027-06", pricing=SNAPSHOT, service_access="design",
    )  # fmt: skip
    document = forecast_document(growing)
    assert document["buildable"]["peering"] is False
    assert document["cheapest_by_month"]["2027-09"] == "sharing"
    assert document["cheapest_changes"] == [{"month": "2027-10", "before": "sharing", "after": "privatelink"}]
    horizon = document["totals"][-1]
    assert (horizon["span"], horizon["months"]) == ("2027-06 to 2028-07", 14)
    assert Decimal(horizon["total_usd"]["nat"]) == sum(
        (period.comparison.design("nat").total_usd or Decimal("NaN") for period in growing.periods), Decimal(0)
    )


def test_line_items_and_the_cost_by_account_carry_each_accounts_name_and_cost_center() -> None:
    document = example_json("multi-account")
    names = {"111111111111": "network", "222222222222": "prod", "333333333333": "data"}
    centers = {"111111111111": "CC-100 Platform", "222222222222": "CC-200 Retail", "333333333333": "CC-300 Analytics"}
    for design in document["designs"]:
        for item in design["line_items"]:
            assert item["payer_account_name"] == names[item["payer_account"]]
            assert item["payer_cost_center"] == centers[item["payer_account"]]
        by_account = design["by_account"]
        assert [row["payer_account"] for row in by_account] == sorted(names)
        for row in by_account:
            assert (row["payer_account_name"], row["payer_cost_center"]) == (
                names[row["payer_account"]],
                centers[row["payer_account"]],
            )
            assert "label" not in row
            assert Decimal(row["cost_usd"]) == sum(
                (Decimal(i["cost_usd"]) for i in design["line_items"] if i["payer_account"] == row["payer_account"]),
                Decimal(0),
            )
    sharing = next(design for design in document["designs"] if design["design"] == "sharing")
    # 296.89 + 459.28 + 4.56 = 760.73 to the cent (sharing's total is 760.7275)
    assert [cents(Decimal(row["cost_usd"])) for row in sharing["by_account"]] == [
        Decimal("296.89"),
        Decimal("459.28"),
        Decimal("4.56"),
    ]


def test_an_account_without_a_name_has_null_name_and_cost_center() -> None:
    document = example_json("peering-two-vpcs")
    for design in document["designs"]:
        for row in [*design["line_items"], *design["by_account"]]:
            assert row["payer_account_name"] is None and row["payer_cost_center"] is None


def test_a_split_estimates_cost_by_account_is_per_label_value() -> None:
    example = EXAMPLES / "multi-account"
    document = run_json("compare", example / "traffic.csv", "--topology", example / "topology.yaml",
                        "--pricing", SNAPSHOT, "--split-by", "team", "--designs", "sharing")  # fmt: skip
    (sharing,) = document["designs"]
    rows = sharing["by_account"]
    assert all("label" in row for row in rows)
    assert {row["label"] for row in rows if row["payer_account"] == "333333333333"} == {"data"}
    assert None in {row["label"] for row in rows}  # the hourly resources no label owns
    assert sum((Decimal(row["cost_usd"]) for row in rows), Decimal(0)) == Decimal(sharing["total_usd"])
