"""The period a traffic file records: comment lines and Parquet metadata, written and read back, and bad records
named by file, line and key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vpccost.errors import InputError
from vpccost.inputs.period import RecordedPeriod, from_comments, from_metadata, is_comment

HALF_HOUR = RecordedPeriod(Decimal("0.5"), start="2026-11-02T09:00:00Z", end="2026-11-02T09:30:00Z")


def numbered(*lines: str) -> list[tuple[int, str]]:
    return list(enumerate(lines, start=1))


def test_the_comment_lines_read_back_as_the_period() -> None:
    lines = HALF_HOUR.comment_lines()
    assert lines == [
        "# vpccost-period-hours: 0.5",
        "# vpccost-window-start: 2026-11-02T09:00:00Z",
        "# vpccost-window-end: 2026-11-02T09:30:00Z",
    ]
    assert from_comments(numbered(*lines), "traffic.csv") == RecordedPeriod(
        Decimal("0.5"), start="2026-11-02T09:00:00Z", end="2026-11-02T09:30:00Z", line=1
    )


def test_a_monthly_record_says_how_long_the_window_was() -> None:
    monthly = RecordedPeriod(Decimal(730), scaled_from_hours=Decimal("0.5"))
    assert monthly.comment_lines() == ["# vpccost-period-hours: 730", "# vpccost-scaled-from-hours: 0.5"]
    read = from_comments(numbered(*monthly.comment_lines()), "traffic.csv")
    assert read is not None and read.scaled_from_hours == Decimal("0.5")


def test_the_users_own_comments_and_excel_padding_are_accepted() -> None:
    period = from_comments(
        numbered("# exported for the Q4 review", "# vpccost-period-hours: 2,,,,", "\ufeff#note"), "traffic.csv"
    )
    assert period == RecordedPeriod(Decimal(2), line=2)
    assert from_comments(numbered("# just a note"), "traffic.csv") is None
    assert is_comment("\ufeff# a") and is_comment("  # a") and not is_comment("src,dst")


def test_the_parquet_metadata_reads_back_as_the_period() -> None:
    metadata = {b"pandas": b"{}", **HALF_HOUR.metadata()}
    assert from_metadata(metadata, "traffic.parquet") == HALF_HOUR
    assert from_metadata(None, "traffic.parquet") is None
    with pytest.raises(InputError, match=r"^traffic.parquet, field 'vpccost-period-hours': '0' is not a positive"):
        from_metadata({b"vpccost-period-hours": b"0"}, "traffic.parquet")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["# note", "# vpccost-period-hours: half an hour"],
            "traffic.csv, line 2, field 'vpccost-period-hours': 'half an hour' is not a positive number of hours",
        ),
        (["# vpccost-period-hours: -1"], "line 1, field 'vpccost-period-hours': '-1' is not a positive number"),
        (["# vpccost-period-hours: NaN"], "line 1, field 'vpccost-period-hours': 'NaN' is not a positive number"),
        (["# vpccost-period-hours 0.5"], "line 1, field 'vpccost-period-hours 0.5': 'vpccost-period-hours 0.5' is"),
        (
            ["# vpccost-period-hours: 0.5", "# vpccost-period-minutes: 30"],
            "line 2, field 'vpccost-period-minutes': unknown period record 'vpccost-period-minutes'",
        ),
        (
            ["# vpccost-period-hours: 0.5", "# vpccost-period-hours: 1"],
            "line 2, field 'vpccost-period-hours': 'vpccost-period-hours' is recorded twice",
        ),
        (
            ["# vpccost-window-start: 2026-11-02T09:00:00Z"],
            "line 1, field 'vpccost-period-hours': the file records 'vpccost-window-start' but not the period's hours",
        ),
        (
            ["# vpccost-period-hours: 0.5", "# vpccost-window-start: 2026-11-02 09:00"],
            "line 2, field 'vpccost-window-start': '2026-11-02 09:00' is not an ISO-8601 time with its offset",
        ),
        (
            [
                "# vpccost-period-hours: 0.5",
                "# vpccost-window-start: 2026-11-02T09:30:00Z",
                "# vpccost-window-end: 2026-11-02T09:00:00Z",
            ],
            "line 3, field 'vpccost-window-end': the window ends before it starts",
        ),
    ],
)
def test_a_malformed_record_is_bad_input_naming_its_line(lines: list[str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        from_comments(numbered(*lines), "traffic.csv")
    assert message in str(raised.value)
    assert str(raised.value).startswith("traffic.csv, line ")
