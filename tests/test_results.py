"""The results layer: design results, comparisons, cost lines and line parts as data (totals, ranking, savings,
costs at a volume), and how a notebook shows a comparison."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT
from tests.support.comparisons import comparison, line, result
from vpccost.results import AccountCost, ChargebackRow, DesignResult, LabelCost


def test_comparison_in_jupyter() -> None:
    result = vpccost.compare(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml", pricing=SNAPSHOT
    )
    table = result._repr_html_()
    assert "<table" in table
    assert "sharing" in table
    assert result.plot.by_design().data
    assert result.plot.by_account().data


def test_a_designs_total_is_the_exact_sum_of_its_lines_or_none_when_a_price_is_missing() -> None:
    assert result("x", "0.1", "0.2").total_usd == Decimal("0.3")
    unpriced = result("x", "0.1", missing=("no price for …",))
    assert (unpriced.priced, unpriced.total_usd) == (False, None)
    assert not result("x", problems=("p",)).feasible


def test_designs_rank_priced_and_feasible_first_then_infeasible_then_unpriced() -> None:
    designs = [
        result("unpriced", "1", missing=("m",)),
        result("infeasible", "0.5", problems=("p",)),
        result("dear", "30"),
        result("cheap", "20"),
        result("also-cheap", "20"),
    ]
    ranked = comparison(*designs).ranked
    assert [design.design for design in ranked] == ["also-cheap", "cheap", "dear", "infeasible", "unpriced"]
    assert comparison(*designs).cheapest is designs[4]
    assert comparison(designs[0], designs[1]).cheapest is None
    assert comparison(*designs).design("dear") is designs[2]


def test_savings_against_the_estate_as_it_is() -> None:
    as_is, cheaper = result("as-is", "79"), result("peering", "30")
    compared = comparison(as_is, cheaper, result("nat", "100"), result("bad", "1", problems=("p",)))
    assert compared.as_is is as_is
    assert compared.saving_vs_as_is(cheaper) == Decimal(49)
    assert compared.saving_vs_as_is(compared.design("nat")) == Decimal(-21)
    assert compared.saving_vs_as_is(compared.design("bad")) is None
    assert comparison(cheaper).saving_vs_as_is(cheaper) is None


GROWING = vpccost.forecast(
    EXAMPLES / "multi-account" / "traffic.csv",
    EXAMPLES / "multi-account" / "topology.yaml",
    months=14,
    growth="7%",
    start="2027-06",
    pricing=SNAPSHOT,
    service_access="design",
)
"""The multi-account example growing 7 % a month from June 2027, each design reaching AWS services its own way
(NAT; interface endpoints for privatelink): sharing leads until privatelink's flatter per-GB cost overtakes it."""


def month_usd(period: int, design: str) -> Decimal:
    total = GROWING.periods[period].comparison.design(design).total_usd
    assert total is not None
    return total


def test_a_forecast_ranks_only_designs_that_can_be_built() -> None:
    # peering and transit-gateway are infeasible in this estate every month (see `vpccost compare` on it)
    assert {design: GROWING.buildable(design) for design in GROWING.designs} == {
        "nat": True, "peering": False, "transit-gateway": False, "privatelink": True, "sharing": True,
    }  # fmt: skip
    for period, (month, cheapest) in zip(GROWING.periods, GROWING.cheapest_by_month(), strict=True):
        built = [result for result in period.comparison.designs if GROWING.buildable(result.design)]
        assert month == period.month
        assert cheapest == min(built, key=lambda result: result.total_usd or 0).design


def test_a_forecast_says_the_month_the_cheapest_design_changes() -> None:
    by_month = dict(GROWING.cheapest_by_month())
    # September: sharing $2,405.10 < privatelink $2,414.58; October: privatelink $2,500.17 < sharing $2,558.13
    assert round(month_usd(3, "sharing"), 2) == Decimal("2405.10")
    assert round(month_usd(3, "privatelink"), 2) == Decimal("2414.58")
    assert round(month_usd(4, "privatelink"), 2) == Decimal("2500.17")
    assert round(month_usd(4, "sharing"), 2) == Decimal("2558.13")
    assert (by_month["2027-09"], by_month["2027-10"]) == ("sharing", "privatelink")
    assert [(c.month, c.before, c.after) for c in GROWING.cheapest_changes()] == [("2027-10", "sharing", "privatelink")]


def test_a_forecast_totals_each_calendar_year_and_the_horizon_exactly() -> None:
    spans = GROWING.spans()
    assert [(span.label, len(span.months)) for span in spans] == [
        ("2027", 7), ("2028", 7), ("2027-06 to 2028-07", 14)
    ]  # fmt: skip
    for design in GROWING.designs:
        monthly = [month_usd(period, design) for period in range(14)]
        year_2027, year_2028 = sum(monthly[:7], Decimal(0)), sum(monthly[7:], Decimal(0))
        assert (spans[0].totals_usd[design], spans[1].totals_usd[design]) == (year_2027, year_2028)
        assert spans[2].totals_usd[design] == year_2027 + year_2028
    short = vpccost.forecast(
        EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml",
        months=3, start="2027-01", pricing=SNAPSHOT,
    )  # fmt: skip
    assert [span.label for span in short.spans()] == ["2027-01 to 2027-03"]  # within one year: the horizon alone


NAMED = [{"id": "111111111111", "name": "network", "cost_center": "CC-1"}, {"id": "222222222222", "name": "prod"}]


def split_design(name: str, *costs: tuple[str, str, str | None]) -> DesignResult:
    """A design with one line per (payer, cost, label)."""
    lines = [line(name, cost, payer=payer, label=label) for payer, cost, label in costs]
    return DesignResult(name, lines, [], [], [], [])


def test_accounts_have_the_topologys_names_and_cost_centers_where_it_gives_them() -> None:
    compared = comparison(result("x", "1"), accounts=NAMED)
    assert compared.account_name("111111111111") == "network"
    assert compared.cost_center("111111111111") == "CC-1"
    assert (compared.account_name("222222222222"), compared.cost_center("222222222222")) == ("prod", None)
    assert (compared.account_name("333333333333"), compared.cost_center("333333333333")) == (None, None)
    assert compared.account_label("222222222222") == "222222222222 (prod)"
    assert compared.account_label("333333333333") == "333333333333"


def test_cost_by_account_and_label_adds_up_to_the_design() -> None:
    design = split_design(
        "sharing",
        ("222222222222", "0.10", "web"),
        ("111111111111", "2.00", None),
        ("222222222222", "0.20", "web"),
        ("222222222222", "1.00", "api"),
        ("111111111111", "0.05", "web"),
    )
    compared = comparison(design, accounts=NAMED, split_by="team")
    # 111…: 0.05 (web) and 2.00 unlabelled; 222…: 1.00 (api), 0.10 + 0.20 = 0.30 (web)
    assert compared.by_account("sharing") == [
        AccountCost("sharing", "111111111111", "network", "CC-1", "web", Decimal("0.05")),
        AccountCost("sharing", "111111111111", "network", "CC-1", None, Decimal("2.00")),
        AccountCost("sharing", "222222222222", "prod", None, "api", Decimal("1.00")),
        AccountCost("sharing", "222222222222", "prod", None, "web", Decimal("0.30")),
    ]
    assert compared.by_account("sharing", by_label=False) == [
        AccountCost("sharing", "111111111111", "network", "CC-1", None, Decimal("2.05")),
        AccountCost("sharing", "222222222222", "prod", None, None, Decimal("1.30")),
    ]
    # api 1.00; web 0.10 + 0.20 + 0.05 = 0.35; unlabelled 2.00; together 3.35, the design's total
    assert compared.by_label("sharing") == [
        LabelCost("sharing", "api", Decimal("1.00")),
        LabelCost("sharing", "web", Decimal("0.35")),
        LabelCost("sharing", None, Decimal("2.00")),
    ]
    assert sum(row.cost_usd for row in compared.by_label("sharing")) == design.total_usd == Decimal("3.35")


def test_an_estimate_not_split_has_no_cost_by_label() -> None:
    assert comparison(result("x", "1")).by_label("x") == []


def test_chargeback_puts_each_account_beside_every_priced_design() -> None:
    compared = comparison(
        split_design("dear", ("111111111111", "3", None), ("222222222222", "4", None)),
        split_design("cheap", ("222222222222", "2", None)),
        result("unpriced", "1", missing=("no price for x",)),
        accounts=NAMED,
    )
    # ranked: cheap ($2), dear ($7); the unpriced design is left out; 111… pays nothing in cheap
    assert compared.chargeback() == [
        ChargebackRow("111111111111", "network", "CC-1", None, {"cheap": Decimal(0), "dear": Decimal(3)}),
        ChargebackRow("222222222222", "prod", None, None, {"cheap": Decimal(2), "dear": Decimal(4)}),
    ]
