"""The public Python API (`import vpccost`): each function works on the bundled examples and on DataFrames, and
a bad DataFrame gives an error that names the column and the row; the README's Python snippet runs."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import vpccost
from tests.conftest import EXAMPLES, REPO, SNAPSHOT

PEERING = EXAMPLES / "peering-two-vpcs"
MULTI = EXAMPLES / "multi-account"


def test_the_public_names_are_exported_and_typed() -> None:
    for name in ("load_traffic", "load_topology", "load_pricing", "compare", "forecast"):
        assert callable(getattr(vpccost, name)), name
        assert name in vpccost.__all__
    assert (EXAMPLES.parent / "src" / "vpccost" / "py.typed").is_file()


def test_load_traffic_from_a_dataframe_keeps_volumes_exact() -> None:
    frame = pd.DataFrame({"src": ["a", "b"], "dst": ["b", "a"], "gb": ["0.1", "0.2"], "src_region": "us-east-1"})
    frame["dst_region"] = "us-east-1"
    traffic = vpccost.load_traffic(frame)
    result = vpccost.compare(traffic, designs=["peering"], pricing=SNAPSHOT)
    # two directions, same region, no AZs known: 0.3 GB priced as cross-AZ at $0.01/GB out + $0.01/GB in
    # (https://aws.amazon.com/vpc/pricing/) = $0.006
    assert result.design("peering").total_usd == Decimal("0.006")


@pytest.mark.parametrize(
    ("frame", "row", "field", "words"),
    [
        (pd.DataFrame({"src": ["a"], "gb": [1]}), None, "dst", "missing required column 'dst'"),
        (pd.DataFrame({"src": ["a", "a"], "dst": ["b", "c"], "gb": [1, -2]}), 1, "gb", "negative volume"),
        (pd.DataFrame({"src": ["a", "a"], "dst": ["b", "c"], "gb": ["1", "ten"]}), 1, "gb", "ten"),
        (pd.DataFrame({"src": ["a"], "dst": ["aws:"], "gb": [1]}), 0, "dst", "aws:<service>"),
    ],
    ids=["missing-column", "negative-volume", "non-numeric-volume", "malformed-endpoint"],
)
def test_a_bad_dataframe_names_the_column_and_the_row(
    frame: pd.DataFrame, row: int | None, field: str, words: str
) -> None:
    with pytest.raises(vpccost.InputError) as raised:
        vpccost.load_traffic(frame)
    error = raised.value
    assert error.field == field
    assert error.row == row
    assert words in str(error)
    assert f"field '{field}'" in str(error)
    if row is not None:
        assert f"row {row}" in str(error)


def test_compare_accepts_a_dataframe_directly_and_names_its_bad_rows() -> None:
    frame = pd.DataFrame({"src": ["vpc-a"], "dst": ["vpc-b"], "gb": ["-1"]})
    with pytest.raises(vpccost.InputError, match=r"row 0, field 'gb'"):
        vpccost.compare(frame)


def test_load_topology_and_a_bad_topology(tmp_path: Path) -> None:
    topology = vpccost.load_topology(MULTI / "topology.yaml")
    assert len(topology.vpcs) == 12
    bad = tmp_path / "topology.yaml"
    bad.write_text("vpcs:\n  - id: a\n    account: '1'\n    region: us-east-1\n    cidrs: [10.0.0.0/33]\n")
    with pytest.raises(vpccost.InputError, match=r"line 5.*cidrs"):
        vpccost.load_topology(bad)


def test_load_pricing_gives_prices_with_provenance() -> None:
    catalog = vpccost.load_pricing(SNAPSHOT)
    entry = catalog.get("transit_gateway_attachment_hours", "us-east-1")
    # https://aws.amazon.com/transit-gateway/pricing/: $0.05 per attachment-hour in us-east-1
    assert entry.tiers[0].price_usd == Decimal("0.05")
    assert entry.source


def test_without_a_snapshot_the_newest_bundled_one_prices() -> None:
    dated = [path for path in (REPO / "pricing" / "aws").iterdir() if (path / "prices.json").is_file()]
    assert vpccost.load_pricing().name == f"aws/{max(dated).name}"


def test_compare_results_as_frames_and_figures() -> None:
    result = vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT)
    frame = result.to_frame()
    assert {"design", "usage_type", "cost_usd"} <= set(frame.columns)
    for name in frame["design"].unique():
        costs = frame.loc[frame["design"] == name, "cost_usd"]
        assert all(isinstance(cost, Decimal) for cost in costs)
        assert sum(costs, Decimal(0)) == result.design(name).total_usd
    assert "<table" in result._repr_html_()
    assert result.plot.by_design().data


def test_forecast_through_the_api() -> None:
    outlook = vpccost.forecast(
        PEERING / "traffic.csv", PEERING / "topology.yaml", months=3, start="2027-01", pricing=SNAPSHOT
    )
    frame = outlook.to_frame()
    assert len(frame["month"].unique()) == 3
    with pytest.raises(vpccost.InputError, match="months"):
        vpccost.forecast(PEERING / "traffic.csv", months=0)


def test_forecast_results_as_a_frame_a_figure_and_a_table() -> None:
    outlook = vpccost.forecast(
        MULTI / "traffic.csv", MULTI / "topology.yaml", months=2, growth="10%", start="2027-01", pricing=SNAPSHOT
    )
    frame = outlook.to_frame()
    first = frame[(frame["month"] == "2027-01") & (frame["design"] == "peering")]
    second = frame[(frame["month"] == "2027-02") & (frame["design"] == "peering")]
    # month 2 carries 1.1 × month 1's volumes (10 %/month compounded from month 1)
    assert second["volume_factor"].item() == Decimal("1.1")
    assert first["total_usd"].item() == outlook.totals()["2027-01"]["peering"]
    assert outlook.plot().data
    assert "2027-02" in outlook._repr_html_()


def test_optimize_through_the_api() -> None:
    hub = EXAMPLES / "optimizer" / "hub-peering-quota"
    result = vpccost.optimize(
        hub / "traffic.csv", hub / "topology.yaml", allow="peering,transit-gateway", peering_quota=3, pricing=SNAPSHOT
    )
    # examples/optimizer/README.md: 3 TGW attachments × $36.50 + 300 GB × $0.02 = $115.50
    assert result.optimal
    assert result.result.total_usd == Decimal("115.50")
    frame = result.to_frame()
    assert set(frame["option"]) == {"peering", "transit-gateway"}
    assert "optimized" in result._repr_html_()
    with pytest.raises(vpccost.InputError, match="allow"):
        vpccost.optimize(hub / "traffic.csv", hub / "topology.yaml", allow="wormhole")


def test_optimize_shows_the_saving_against_the_estate_as_it_is() -> None:
    result = vpccost.optimize(
        EXAMPLES / "as-is" / "traffic.csv", EXAMPLES / "as-is" / "topology.yaml", pricing=SNAPSHOT
    )
    assert "as-is" in result.savings
    as_is = result.comparison.design("as-is").total_usd
    assert as_is is not None and result.result.total_usd is not None
    assert result.savings["as-is"] == as_is - result.result.total_usd
    assert result.result.total_usd <= as_is


def test_breakeven_through_the_api() -> None:
    crossing = vpccost.breakeven(
        MULTI / "traffic.csv",
        MULTI / "topology.yaml",
        vpc="orders",
        service="aws:s3",
        options=("nat", "interface-endpoint"),
        pricing=SNAPSHOT,
    )
    document = crossing.to_dict()
    nat, endpoint = document["options"]
    # orders' calls to DynamoDB, SQS, ECR and Secrets Manager keep its NAT gateways whatever S3 does, so only
    # processing is at stake: 148 GB × $0.045 = $6.66; interface endpoints in its 3 AZs 3 × 730 h × $0.01 =
    # $21.90, plus 148 GB × $0.01 = $1.48 (us-east-1 of the bundled snapshot)
    assert (nat["fixed_usd"], nat["cost_usd_now"]) == ("0.00", "6.66")
    assert (endpoint["fixed_usd"], endpoint["cost_usd_now"]) == ("21.90", "23.38")
    # the endpoint pays for itself past $21.90 / ($0.045 − $0.01) = 625.714285… GB (rounded up at 12 decimals)
    assert document["breakeven_gb"] == "625.714285714286"
    assert document["cheaper_now"] == "nat"
    assert crossing.figure().data


def test_aggregate_flowlogs_through_the_api() -> None:
    flowlogs = EXAMPLES / "flowlogs"
    result = vpccost.aggregate_flowlogs(flowlogs / "AWSLogs", flowlogs / "topology.yaml")
    frame = result.to_frame()
    # examples/flowlogs/README.md: eight rows; orders → billing from use1-az1 is 2,000,000 bytes a minute × 30
    assert len(frame) == 8
    assert int(frame["bytes"].sum()) == 762_000_000
    assert result.report.reconciles
    assert result.report.to_dict()["records"]["read"] == 606
    comparison = vpccost.compare(vpccost.load_traffic(frame), flowlogs / "topology.yaml", hours="0.5", pricing=SNAPSHOT)
    assert comparison.cheapest is not None
    with pytest.raises(vpccost.InputError, match="--start"):
        vpccost.aggregate_flowlogs(flowlogs / "AWSLogs", flowlogs / "topology.yaml", start="yesterday")


README = (REPO / "README.md").read_text()


def test_readme_python_snippet_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    section = README.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    (snippet,) = re.findall(r"```python\n(.+?)\n```", section, flags=re.DOTALL)
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)
    assert namespace["frame"] is not None


def test_public_api() -> None:
    for name in vpccost.__all__:
        assert getattr(vpccost, name) is not None, name
    assert callable(vpccost.forecast)
    assert callable(vpccost.compare)
