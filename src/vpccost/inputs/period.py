"""The period a traffic file records: how many hours its volumes cover, written by `flowlogs aggregate` with
the matrix so that `compare` prices those hours and not, silently, a month.

In a CSV file the record is a run of comment lines before the header, one `key: value` each:

    # vpccost-period-hours: 0.5
    # vpccost-window-start: 2026-11-02T09:00:00Z
    # vpccost-window-end: 2026-11-02T09:30:00Z
    src,dst,src_az,…

`vpccost-period-hours` is the period the volumes cover; the window is the time the flow logs were observed
over. With `--monthly` the volumes cover a 730-hour month, and `vpccost-scaled-from-hours` says how long the
window was. Other comment lines before the header are the user's own and are ignored; pandas reads the file
with `pd.read_csv(path, comment="#")`. A comment line that an Excel round trip has padded with delimiters
(`# vpccost-period-hours: 0.5,,,`) reads the same. In a Parquet file the same keys are entries of the file's
key-value metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from vpccost.errors import InputError
from vpccost.units import format_decimal

PERIOD_HOURS = "vpccost-period-hours"
WINDOW_START = "vpccost-window-start"
WINDOW_END = "vpccost-window-end"
SCALED_FROM_HOURS = "vpccost-scaled-from-hours"
KEYS = (PERIOD_HOURS, WINDOW_START, WINDOW_END, SCALED_FROM_HOURS)
KEY_PREFIX = "vpccost-"
RECORDED_BY = "flowlogs aggregate"
"""What writes the record: the messages that quote it say so."""

_PADDING = ",;\t "
"""What an Excel round trip adds at the end of a one-cell line: the delimiters of the empty cells."""


@dataclass(frozen=True)
class RecordedPeriod:
    """The period a traffic file's volumes cover [h], the window observed (UTC, ISO-8601 text) and, for volumes
    scaled to a month, the hours of that window. `line` is where the hours are recorded (CSV, a sheet's row)."""

    hours: Decimal
    start: str | None = None
    end: str | None = None
    scaled_from_hours: Decimal | None = None
    line: int | None = None

    def entries(self) -> dict[str, str]:
        """The record as keys and texts, in their order, the window and scale only where known."""
        entries = {PERIOD_HOURS: format_decimal(self.hours)}
        if self.start is not None:
            entries[WINDOW_START] = self.start
        if self.end is not None:
            entries[WINDOW_END] = self.end
        if self.scaled_from_hours is not None:
            entries[SCALED_FROM_HOURS] = format_decimal(self.scaled_from_hours)
        return entries

    def comment_lines(self) -> list[str]:
        """The record as the comment lines that open a CSV file (without line ends)."""
        return [f"# {key}: {value}" for key, value in self.entries().items()]

    def metadata(self) -> dict[bytes, bytes]:
        """The record as Parquet key-value metadata."""
        return {key.encode(): value.encode() for key, value in self.entries().items()}


def is_comment(text: str) -> bool:
    """A line (or a sheet's first cell) that is a comment: it starts with `#`."""
    return text.lstrip("\ufeff").lstrip().startswith("#")


def from_comments(lines: Iterable[tuple[int, str]], source: str) -> RecordedPeriod | None:
    """The period recorded in a file's leading comment lines (each with its line number), or None when they
    record none. A `vpccost-` line that is not a known key with a valid value is bad input naming its line."""
    found: dict[str, tuple[str, int]] = {}
    for number, text in lines:
        body = text.lstrip("\ufeff").strip().removeprefix("#").rstrip(_PADDING).strip()
        if not body.lower().startswith(KEY_PREFIX):
            continue
        key, colon, value = body.partition(":")
        key = key.strip().lower()
        if not colon:
            raise InputError(f"'{body}' is not 'key: value'", source=source, line=number, field=key)
        _add(found, key, value.strip(), number, source)
    return _period(found, source)


def from_metadata(metadata: Mapping[bytes, bytes] | None, source: str) -> RecordedPeriod | None:
    """The period recorded in a Parquet file's key-value metadata, or None."""
    found: dict[str, tuple[str, int]] = {}
    for raw_key, raw_value in (metadata or {}).items():
        key = raw_key.decode("utf-8", errors="replace")
        if key.lower().startswith(KEY_PREFIX):
            _add(found, key.lower(), raw_value.decode("utf-8", errors="replace").strip(), 0, source)
    return _period(found, source)


def _add(found: dict[str, tuple[str, int]], key: str, value: str, number: int, source: str) -> None:
    line = number or None
    if key not in KEYS:
        raise InputError(
            f"unknown period record '{key}': vpccost records {', '.join(KEYS)}", source=source, line=line, field=key
        )
    if key in found:
        raise InputError(f"'{key}' is recorded twice", source=source, line=line, field=key)
    found[key] = (value, number)


def _period(found: dict[str, tuple[str, int]], source: str) -> RecordedPeriod | None:
    if not found:
        return None
    if PERIOD_HOURS not in found:
        key, (_, number) = next(iter(found.items()))
        raise InputError(
            f"the file records '{key}' but not the period's hours ('{PERIOD_HOURS}: …')",
            source=source,
            line=number or None,
            field=PERIOD_HOURS,
        )
    hours_text, hours_line = found[PERIOD_HOURS]
    start = _time(found, WINDOW_START, source)
    end = _time(found, WINDOW_END, source)
    if start is not None and end is not None and _moment(end) <= _moment(start):
        raise InputError(
            "the window ends before it starts", source=source, line=found[WINDOW_END][1] or None, field=WINDOW_END
        )
    scaled = found.get(SCALED_FROM_HOURS)
    return RecordedPeriod(
        hours=_hours(hours_text, PERIOD_HOURS, hours_line, source),
        start=start,
        end=end,
        scaled_from_hours=None if scaled is None else _hours(scaled[0], SCALED_FROM_HOURS, scaled[1], source),
        line=hours_line or None,
    )


def _hours(text: str, key: str, number: int, source: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise InputError(f"'{text}' is not a positive number of hours", source=source, line=number or None, field=key)
    return value


def _time(found: dict[str, tuple[str, int]], key: str, source: str) -> str | None:
    if key not in found:
        return None
    text, number = found[key]
    try:
        _moment(text)
    except ValueError:
        raise InputError(
            f"'{text}' is not an ISO-8601 time with its offset (e.g. 2026-11-02T09:00:00Z)",
            source=source,
            line=number or None,
            field=key,
        ) from None
    return text


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment
