"""Forecasts: month-by-month estimates with growth, tiers re-applied to each month."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import vpccost
from tests.conftest import EXAMPLES, SNAPSHOT, WriteEstate, vpc
from vpccost.analyses.forecast import forecast, parse_rate
from vpccost.errors import InputError

MULTI = (EXAMPLES / "multi-account" / "traffic.csv", EXAMPLES / "multi-account" / "topology.yaml")


def test_zero_growth_repeats_the_single_month_estimate() -> None:
    single = vpccost.compare(*MULTI, pricing=SNAPSHOT)
    months = forecast(*MULTI, months=3, growth="0%", start="2027-01", pricing=SNAPSHOT)
    assert months.months == ["2027-01", "2027-02", "2027-03"]
    for period in months.periods:
        assert [d.total_usd for d in period.comparison.designs] == [d.total_usd for d in single.designs]


def test_tiers_are_crossed_in_the_month_a_hand_calculation_says(write_estate: WriteEstate) -> None:
    # 9,000 GB/month of internet egress growing 5 % a month: 9,000; 9,450; 9,922.5; 10,418.625 GB.
    # The first tier ends at 10,240 GB, so month 4 is the first with GB in the second tier:
    # 10,240 × $0.09 = $921.60 and 178.625 × $0.085 = $15.183125, total $936.783125.
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,9000")
    months = forecast(
        traffic, topology, months=4, growth="5%/month", designs=["peering"], start="2027-01", pricing=SNAPSHOT
    )
    egress = [
        [item for item in period.comparison.design("peering").line_items if "DataTransfer-Out" in item.usage_type]
        for period in months.periods
    ]
    assert [len(items) for items in egress] == [1, 1, 1, 2]
    assert [items[0].quantity for items in egress[:3]] == [Decimal(9000), Decimal(9450), Decimal("9922.5")]
    assert [(item.quantity, item.cost_usd) for item in egress[3]] == [
        (Decimal(10240), Decimal("921.60")),
        (Decimal("178.625"), Decimal("15.183125")),
    ]
    assert months.periods[3].comparison.design("peering").total_usd == Decimal("936.783125")


def test_growth_file_with_rates(tmp_path: Path, write_estate: WriteEstate) -> None:
    # month 2 grows 10 %, month 3 does not grow, month 4 grows 50 %: factors 1, 1.1, 1.1, 1.65
    growth = tmp_path / "growth.csv"
    growth.write_text("month,growth\n2,10%\n4,0.5\n")
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,100")
    months = forecast(
        traffic, topology, months=4, growth_file=growth, designs=["peering"], start="2027-01", pricing=SNAPSHOT
    )
    totals = [period.comparison.design("peering").total_usd for period in months.periods]
    # 100 GB × $0.09 = $9.00, then × 1.1, × 1.1, × 1.65
    assert totals == [Decimal("9.00"), Decimal("9.900"), Decimal("9.900"), Decimal("14.8500")]


def test_growth_file_errors_name_line_and_field(tmp_path: Path) -> None:
    growth = tmp_path / "growth.csv"
    growth.write_text("month,factor\n1,1\n2,lots\n")
    with pytest.raises(InputError) as raised:
        forecast(*MULTI, months=3, growth_file=growth)
    assert (raised.value.line, raised.value.field) == (3, "factor")


@pytest.mark.parametrize(
    ("text", "rate"), [("3%", "0.03"), ("3%/month", "0.03"), ("0.03", "0.03"), ("-1.5%", "-0.015"), ("0", "0")]
)
def test_growth_rates(text: str, rate: str) -> None:
    assert parse_rate(text) == Decimal(rate)


@pytest.mark.parametrize("text", ["fast", "3 percent", "-100%", "3"])
def test_bad_growth_rates(text: str) -> None:
    with pytest.raises(InputError):
        parse_rate(text)


def test_factor_file_months_not_listed_keep_the_previous_volume(tmp_path: Path, write_estate: WriteEstate) -> None:
    # factors 1, 1.5, (not listed: stays 1.5), 2 → 100 GB × $0.09 = $9.00 × each factor
    growth = tmp_path / "growth.csv"
    growth.write_bytes("\ufeffmonth,factor\n2,1.5\n4,2\n".encode())  # saved by Excel: with a byte-order mark
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,100")
    months = forecast(
        traffic, topology, months=4, growth_file=growth, designs=["peering"], start="2027-01", pricing=SNAPSHOT
    )
    totals = [period.comparison.design("peering").total_usd for period in months.periods]
    assert totals == [Decimal("9.00"), Decimal("13.50"), Decimal("13.50"), Decimal("18.00")]
    assert [period.volume_factor for period in months.periods] == [1, Decimal("1.5"), Decimal("1.5"), 2]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("month,growth\n1,50%\n", "growth starts in month 2"),
        ("month,growth\n2,5%\n2,6%\n", "listed twice"),
        ("month,growth,factor\n2,5%,1\n", "one of 'growth' or 'factor'"),
        ("month,factor\n2,NaN\n", "not a usable factor"),
        ("month,factor\n2\n", "is not a factor"),
        ("month,growth\n2,3\n", "is not a growth"),
        ("month,grwoth\n2,3%\n", "the file has 'grwoth': did you mean 'growth'?"),
        ("mnth,factor\n2,1.5\n", "the file has 'mnth': did you mean 'month'?"),
        ("month,growth,growth\n2,3%,4%\n", "the column appears twice in the header"),
    ],
)
def test_growth_file_mistakes(tmp_path: Path, content: str, expected: str) -> None:
    growth = tmp_path / "growth.csv"
    growth.write_text(content)
    with pytest.raises(InputError, match=expected):
        forecast(*MULTI, months=3, growth_file=growth)


def test_growth_and_growth_file_together_are_refused(tmp_path: Path) -> None:
    growth = tmp_path / "growth.csv"
    growth.write_text("month,growth\n2,5%\n")
    with pytest.raises(InputError, match="not both"):
        forecast(*MULTI, months=3, growth="3%", growth_file=growth)


@pytest.mark.parametrize("start", ["2027-13", "2027-01-31", "9999-12", "soon"])
def test_bad_start_months(start: str) -> None:
    with pytest.raises(InputError):
        forecast(*MULTI, months=1, start=start)


def test_forecast_refuses_a_matrix_that_covers_less_than_a_month(tmp_path: Path) -> None:
    flowlogs = EXAMPLES / "flowlogs"
    topology = flowlogs / "topology.yaml"
    window, monthly = tmp_path / "window.csv", tmp_path / "monthly.csv"
    for path, scaled in ((window, False), (monthly, True)):
        path.write_text(vpccost.aggregate_flowlogs(flowlogs / "AWSLogs", topology, monthly=scaled).to_csv())
    with pytest.raises(InputError, match=r"but a forecast prices 730-hour months: aggregate the flow logs with"):
        forecast(window, topology, months=2, pricing=SNAPSHOT)
    periods = forecast(monthly, topology, months=2, pricing=SNAPSHOT).periods
    assert [period.comparison.settings.period_hours for period in periods] == [Decimal(730)] * 2


def test_growth_past_a_million_times_month_one_is_refused(tmp_path: Path) -> None:
    # 1.5^35 = 1.46 × 10^6: month 36 is the first past 10^6 (1.5^34 = 9.7 × 10^5)
    with pytest.raises(InputError, match="growing 50% a month, month 36's traffic would be more than 1,000,000"):
        forecast(*MULTI, months=600, growth="50%", pricing=SNAPSHOT)
    rates = tmp_path / "growth.csv"
    # 1,000 × month 1 in month 2, 10^6 in month 3, 10^9 in month 4
    rates.write_text("month,growth\n2,99900%\n3,99900%\n4,99900%\n")
    with pytest.raises(InputError, match="month 4's traffic would be more than 1,000,000 times") as refused:
        forecast(*MULTI, months=4, growth_file=rates, pricing=SNAPSHOT)
    assert refused.value.source == str(rates)
