"""What every analysis loads through: the estate from a file, a DataFrame or a Traffic; the prices; the period."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLES, SNAPSHOT, SNAPSHOT_NAME
from tests.support.catalogs import catalog, entry
from vpccost.errors import InputError
from vpccost.inputs.load import (
    catalog_from,
    collector_paused,
    load_estate,
    period_assumption,
    period_hours_for,
    period_hours_from,
    topology_from,
)
from vpccost.inputs.topology import Topology, load_topology
from vpccost.inputs.traffic import load_traffic

PEERING = EXAMPLES / "peering-two-vpcs"


@pytest.mark.parametrize(("hours", "expected"), [("730", "730"), (24, "24"), ("0.5", "0.5"), (Decimal("1e3"), "1000")])
def test_the_period_is_a_positive_number_of_hours(hours: str | int | Decimal, expected: str) -> None:
    assert period_hours_from(hours) == Decimal(expected)


@pytest.mark.parametrize("hours", ["0", "-5", "many", "inf", "NaN"])
def test_a_period_that_is_not_a_positive_finite_number_is_bad_input(hours: str) -> None:
    with pytest.raises(InputError) as raised:
        period_hours_from(hours)
    assert raised.value.field == "hours"


def test_the_traffic_as_a_file_a_dataframe_or_a_traffic_gives_the_same_estate() -> None:
    topology = load_topology(PEERING / "topology.yaml")
    frame = pd.read_csv(PEERING / "traffic.csv", dtype=str, keep_default_na=False)
    estates = [
        load_estate(PEERING / "traffic.csv", PEERING / "topology.yaml"),
        load_estate(frame, topology),
        load_estate(load_traffic(PEERING / "traffic.csv"), str(PEERING / "topology.yaml")),
    ]
    assert len({tuple(vpc.id for vpc in estate.vpcs) for estate in estates}) == 1
    assert len({estate.traffic.total_gb for estate in estates}) == 1


def test_a_topology_file_is_read_and_a_topology_used_as_it_is() -> None:
    topology = Topology(vpcs=[])
    assert topology_from(topology) is topology
    assert topology_from(None) is None
    assert isinstance(topology_from(PEERING / "topology.yaml"), Topology)


def test_prices_from_a_catalog_or_a_snapshot_with_overrides(tmp_path: Path) -> None:
    hand = catalog([entry("nat_gateway_hours", "us-east-1", (None, "0.045"))])
    assert catalog_from(hand, None) is hand
    assert catalog_from(SNAPSHOT, None).name == SNAPSHOT_NAME
    overrides = tmp_path / "o.yaml"
    overrides.write_text("overrides:\n  - {item: nat_gateway_hours, price_usd: '0.05'}\n")
    assert catalog_from(hand, overrides).get("nat_gateway_hours", "us-east-1").flat_price_usd == Decimal("0.05")


def test_the_garbage_collector_is_paused_and_restored_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def recorded(tmp_path: Path, hours: str | None) -> Path:
    path = tmp_path / "traffic.csv"
    comment = "" if hours is None else f"# vpccost-period-hours: {hours}\n"
    path.write_text(comment + "src,dst,gb\na,b,1\n")
    return path


@pytest.mark.parametrize(
    ("file_hours", "hours", "expected"),
    [
        (None, None, "730"),  # nothing recorded, nothing asked: a month, as always
        (None, "24", "24"),
        ("0.5", None, "0.5"),  # the recorded period, when --hours is not given
        ("0.5", "0.50", "0.5"),  # --hours equal to it
        ("730", 730, "730"),
    ],
)
def test_the_period_is_the_one_asked_for_else_the_recorded_one_else_a_month(
    tmp_path: Path, file_hours: str | None, hours: str | int | None, expected: str
) -> None:
    assert period_hours_for(load_traffic(recorded(tmp_path, file_hours)), hours) == Decimal(expected)


def test_hours_that_disagree_with_the_recorded_period_are_refused(tmp_path: Path) -> None:
    path = recorded(tmp_path, "0.5")
    with pytest.raises(InputError) as raised:
        period_hours_for(load_traffic(path), "730")
    assert str(raised.value) == (
        f"{path}, line 1, field 'hours': the traffic covers 0.5 hours (recorded by flowlogs aggregate), but --hours "
        "is 730: give --hours 0.5 (or leave --hours out) to price those 0.5 hours, or aggregate the flow logs with "
        "--monthly to scale them to a 730-hour month"
    )
    with pytest.raises(InputError, match="but a forecast prices months: aggregate the flow logs with --monthly"):
        period_hours_for(load_traffic(path), 730, months_only="a forecast prices months")
    with pytest.raises(InputError, match="'soon' is not a number of hours"):
        period_hours_for(load_traffic(path), "soon")


def test_the_period_assumption_says_where_the_period_comes_from(tmp_path: Path) -> None:
    path = recorded(tmp_path, "0.5")
    traffic = load_traffic(path)
    assert period_assumption(Decimal("0.5"), traffic) == (
        f"Period: 0.5 hours, recorded by flowlogs aggregate in {path} (730 = one month); monthly tier bounds scale "
        "by hours/730."
    )
    plain = load_traffic(recorded(tmp_path, None))
    assert period_assumption(Decimal(730), plain).startswith("Period: 730 hours (730 = one month);")
