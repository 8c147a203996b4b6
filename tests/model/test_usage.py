"""Metered usage: hourly resources billed whole hours over the period, and per-GB meters split by a label."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc


def test_period_hours_scale_hourly_charges(write_estate: WriteEstate) -> None:
    # A TGW over 24 h: 2 attachments × 24 h × $0.05 = $2.40, plus 10 GB × $0.02 = $0.20
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours=24, pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("2.60")


def test_split_by_a_label_charges_back_per_gb_costs(write_estate: WriteEstate) -> None:
    # Two teams send 100 GB and 300 GB to the internet from one VPC (answers to inbound connections):
    # egress 400 GB × $0.09 = $36.00, split by team: x $9.00, y $27.00. No hourly resource is involved.
    traffic, topology = write_estate(
        [vpc("web")], "src,dst,initiator,gb,team\nweb,internet,dst,100,x\nweb,internet,dst,300,y"
    )
    split = vpccost.compare(traffic, topology, designs=["peering"], split_by="team", pricing=SNAPSHOT).design("peering")
    assert {item.label: item.cost_usd for item in split.line_items} == {"x": Decimal("9.00"), "y": Decimal("27.00")}
    assert split.total_usd == Decimal("36.00")


def test_split_keeps_totals_and_leaves_hourly_items_unlabelled() -> None:
    traffic, topology = EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml"
    plain = vpccost.compare(traffic, topology, pricing=SNAPSHOT)
    split = vpccost.compare(traffic, topology, split_by="application", pricing=SNAPSHOT)
    for before, after in zip(plain.designs, split.designs, strict=True):
        assert before.total_usd == after.total_usd
        assert all((item.label is None) == (item.unit == "Hrs") for item in after.line_items)


def test_a_partial_hour_is_billed_as_a_full_hour(write_estate: WriteEstate) -> None:
    # --hours 0.5: 2 attachments × 1 billed hour × $0.05 = $0.10, plus 10 GB × $0.02 = $0.20 → $0.30
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    tgw = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours="0.5", pricing=SNAPSHOT).design(
        "transit-gateway"
    )
    assert tgw.total_usd == Decimal("0.30")
