"""Traffic: rows of directional volume over one period, from CSV (comma, semicolon or tab separated), an Excel
workbook (.xlsx), Parquet or a pandas DataFrame.

A file may record the period its volumes cover (`vpccost.inputs.period`: comment lines before a CSV header or
a sheet's header row, a Parquet file's key-value metadata); `Traffic.period` holds it.

Volumes are kept exact. Each row's volume becomes a whole number of a *volume unit* — one byte when the
input gives `bytes`, 10^-k GB when it gives `gb` with at most k decimals — so that sums are exact integer
sums however many rows there are; a unit count times `gb_per_unit` is the exact GB.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vpccost.errors import InputError
from vpccost.inputs.period import RecordedPeriod, from_comments, from_metadata, is_comment
from vpccost.inputs.suggest import closest, did_you_mean
from vpccost.model.aws_facts import is_region
from vpccost.outputs.text import restore_formula
from vpccost.units import GB_PER_BYTE, exact_arithmetic

INTERNET = "internet"
SERVICE_PREFIX = "aws:"

_SERVICE = re.compile(r"^aws:(?P<service>[a-z0-9][a-z0-9.\-]*)(@(?P<region>[a-z0-9\-]+))?$")


class TrafficRow(BaseModel):
    """One row of a traffic file. Columns not named here are labels (team, application…) carried into
    reports. Give `gb` or `bytes`; an empty cell is a value not given.

    This model is the published schema of a row (`vpccost schema traffic`). Files are checked column-wise
    by `load_traffic` for speed; a test holds the two to the same verdict on a table of rows."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _empty_cells_are_not_given(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}
        return data

    @field_validator("ip_version", mode="before")
    @classmethod
    def _ip_version_from_text(cls, value: Any) -> Any:
        return int(value) if isinstance(value, str) and value.strip() in {"4", "6"} else value

    @model_validator(mode="after")
    def _one_volume(self) -> TrafficRow:
        if (self.gb is None) == (self.bytes is None):
            raise ValueError("give the volume as gb or as bytes (one of them)")
        return self

    src: str = Field(description="VPC id or name, 'internet', or 'aws:<service>[@<region>]'")
    dst: str = Field(description="VPC id or name, 'internet', or 'aws:<service>[@<region>]'")
    gb: Decimal | None = Field(default=None, ge=0, description="Volume over the period [GB of 2^30 bytes]")
    bytes: int | None = Field(default=None, ge=0, description="Volume over the period [bytes]")
    src_region: str | None = Field(default=None, description="Region of the src VPC (when no topology)")
    dst_region: str | None = Field(default=None, description="Region of the dst VPC or service")
    src_az: str | None = Field(default=None, description="AZ ID of the src side, e.g. use1-az1")
    dst_az: str | None = Field(default=None, description="AZ ID of the dst side")
    src_account: str | None = Field(default=None, description="Account of the src workload")
    dst_account: str | None = Field(default=None, description="Account of the dst workload")
    initiator: Literal["src", "dst"] = Field(default="src", description="Which side opened the connection")
    ip_version: Literal[4, 6] = Field(default=4, description="4 or 6")


KNOWN_COLUMNS: tuple[str, ...] = tuple(TrafficRow.model_fields)
OPTIONAL_TEXT_COLUMNS = ("src_region", "dst_region", "src_az", "dst_az", "src_account", "dst_account")
KEY_COLUMNS = ("src", "dst", *OPTIONAL_TEXT_COLUMNS, "initiator", "ip_version")


class _Fail(Protocol):
    """Makes the InputError for a row position and column."""

    def __call__(self, position: int, column: str, message: str) -> InputError: ...


@dataclass(frozen=True)
class Endpoint:
    """One side of a row: a VPC (by reference, resolved against the topology later), the internet, or an
    AWS service (with its region, when the row names one)."""

    kind: Literal["vpc", "internet", "service"]
    name: str
    region: str | None = None


def parse_endpoint(text: str) -> Endpoint:
    """`internet`, `aws:<service>[@<region>]`, or a VPC reference. Raises ValueError on a malformed one."""
    value = text.strip()
    if not value:
        raise ValueError("is empty")
    if value.lower() == INTERNET:
        return Endpoint("internet", INTERNET)
    if value.lower().startswith(SERVICE_PREFIX):
        match = _SERVICE.match(value.lower())
        if match is None:
            raise ValueError(f"'{value}' is not 'aws:<service>' or 'aws:<service>@<region>'")
        region = match.group("region")
        if region is not None and not is_region(region):
            raise ValueError(f"'{region}' in '{value}' is not an AWS region code")
        return Endpoint("service", match.group("service"), region)
    return Endpoint("vpc", value)


@dataclass(frozen=True)
class RowLocator:
    """Where a data row is, in the terms a user can find it: its line in a CSV file (blank lines and quoted
    line breaks counted), its row in a spreadsheet (`lines`), else its row number from `first_row`. `skip` is
    the number of comment lines before a CSV file's header."""

    csv_path: Path | None
    first_row: int
    delimiter: str = ","
    lines: tuple[int, ...] | None = None
    skip: int = 0

    def __call__(self, position: int) -> dict[str, int]:
        if self.lines is not None:
            return {"line": self.lines[position]}
        if self.csv_path is None:
            return {"row": position + self.first_row}
        lines = _csv_record_lines(self.csv_path, self.delimiter, self.skip)
        return {"line": lines[position] if position < len(lines) else position + 2 + self.skip}


def _csv_record_lines(path: Path, delimiter: str, skip: int = 0) -> list[int]:
    """The line on which each data record of a CSV file starts (comment lines and header excluded, blank lines
    skipped)."""
    starts = []
    with _open_text(path, errors="replace") as handle:
        _skip_lines(handle, skip)
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            if record:
                starts.append(previous_end + 1 + skip)
            previous_end = reader.line_num
    return starts


_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
"""The compressions a CSV traffic file may use (pandas reads the same by suffix)."""


def _open_text(path: Path, *, errors: str = "strict") -> IO[str]:
    """A CSV traffic file as UTF-8 text, decompressed as its suffix says, so the checks made before pandas reads
    it (header, comments, delimiter, line numbers) see what pandas will."""
    opener = _COMPRESSED.get(path.suffix.lower())
    if opener is None:
        return path.open(encoding="utf-8", errors=errors, newline="")
    return opener(path, "rt", encoding="utf-8", errors=errors, newline="")  # type: ignore[operator,no-any-return]


def _skip_lines(handle: Any, count: int) -> None:
    for _ in range(count):
        handle.readline()


def _leading_comments(path: Path) -> list[tuple[int, str]]:
    """The comment lines (`#` …) before a CSV file's header, with their line numbers."""
    comments: list[tuple[int, str]] = []
    try:
        with _open_text(path) as handle:
            for number, text in enumerate(handle, start=1):
                if not is_comment(text):
                    break
                comments.append((number, text.rstrip("\r\n")))
    except UnicodeDecodeError:
        return comments  # reported with its position when the file is parsed
    return comments


@dataclass
class Traffic:
    """Validated traffic rows (rows with the same key summed).

    `rows` holds the key columns as strings ('' where not given), `initiator`, `ip_version`, the label
    columns, and `volume` in whole volume units; `gb_per_unit` converts units to GB exactly. Rows with the
    same key are summed wherever volumes are aggregated (and in `to_frame()`); `rows` keeps them as read.
    `period` is the period the file records its volumes cover (`flowlogs aggregate` writes it), else None."""

    rows: pd.DataFrame
    gb_per_unit: Decimal
    labels: tuple[str, ...]
    source: str
    locate: RowLocator
    """Turns a row's position into what errors name: its CSV line, or its row number."""
    period: RecordedPeriod | None = None

    @property
    def total_gb(self) -> Decimal:
        with exact_arithmetic():
            return Decimal(int(self.rows["volume"].sum())) * self.gb_per_unit

    def to_frame(self) -> pd.DataFrame:
        """The rows, those with the same key summed, with their exact volume in GB (Decimal)."""
        summed = _sum_same_keys(self.rows, self.labels)
        frame = summed.drop(columns=["volume"])
        with exact_arithmetic():
            frame["gb"] = summed["volume"].map(lambda units: Decimal(int(units)) * self.gb_per_unit)
        return frame


def load_traffic(source: str | Path | pd.DataFrame, *, name: str | None = None, sheet: str | None = None) -> Traffic:
    """Read traffic from a CSV, Excel (.xlsx: the first sheet, or `sheet`) or Parquet file, or a DataFrame, and
    validate it. Errors name the file, the line (files; a sheet's row number) or row (DataFrames), and the
    column."""
    if isinstance(source, pd.DataFrame):
        return _validate(source.copy(), name or "DataFrame", RowLocator(None, first_row=0))
    path = Path(source)
    label = name or str(path)
    if not path.is_file():
        raise InputError("no such file", source=label)
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in _EXCEL:
        raise InputError(
            f"a sheet ('{sheet}') is named, but this is not an Excel workbook", source=label, field="sheet"
        )
    if suffix in _UNREAD_COMPRESSIONS:
        raise InputError(
            f"a {suffix} file is not read: decompress it, or compress it with gzip (.gz), bzip2 (.bz2) or xz (.xz)",
            source=label,
        )
    if suffix in _EXCEL:
        frame, lines, period = _read_workbook(path, label, sheet)
        return _validate(frame, label, RowLocator(None, first_row=2, lines=lines), period)
    if path.stat().st_size == 0:
        raise InputError("the file is empty (a traffic file needs at least a header line)", source=label)
    if suffix in {".parquet", ".pq"}:
        try:
            frame = pd.read_parquet(path)
            metadata = pq.read_schema(path).metadata
        except Exception as error:  # pyarrow raises many types for a damaged file
            raise InputError(f"cannot read Parquet: {error}", source=label) from None
        return _validate(frame, label, RowLocator(None, first_row=1), from_metadata(metadata, label))
    comments = _leading_comments(path)
    period = from_comments(comments, label)
    skip = len(comments)
    delimiter = _sniff_delimiter(path, skip)
    frame = _read_csv(path, label, delimiter, skip)
    # CSV: errors name the line each record starts on
    return _validate(frame, label, RowLocator(path, first_row=1, delimiter=delimiter, skip=skip), period)


_EXCEL = {".xlsx", ".xlsm"}
_UNREAD_COMPRESSIONS = {".zst", ".zstd", ".lz4", ".7z", ".rar"}
"""Compressions the traffic reader has no decoder for (pandas' zstd needs a package vpccost does not install)."""
_DELIMITERS = (",", ";", "\t")


def _sniff_delimiter(path: Path, skip: int = 0) -> str:
    """The delimiter that splits the header into the most columns: comma, semicolon or tab (comma on a tie).
    Only the delimiter is guessed: a decimal comma in a semicolon file is a volume that is not a number."""
    try:
        with _open_text(path) as handle:
            _skip_lines(handle, skip)
            header = handle.readline()
    except UnicodeDecodeError:
        return ","
    counts = {delimiter: len(next(csv.reader([header], delimiter=delimiter), [])) for delimiter in _DELIMITERS}
    return max(_DELIMITERS, key=lambda delimiter: counts[delimiter])


def _read_csv(path: Path, label: str, delimiter: str, skip: int = 0) -> pd.DataFrame:
    _check_csv_header(path, label, delimiter, skip)
    try:
        # every column as text: volumes are parsed exactly later, never through a float
        return pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow", sep=delimiter, skiprows=skip)
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty (a traffic file needs at least a header line)", source=label) from None
    except (pd.errors.ParserError, UnicodeDecodeError, pa.ArrowInvalid) as error:
        problem = _csv_problem(path, delimiter, skip)
        raise InputError(f"cannot parse CSV: {problem or error}", source=label) from None


def _read_workbook(
    path: Path, label: str, sheet: str | None
) -> tuple[pd.DataFrame, tuple[int, ...], RecordedPeriod | None]:
    """A sheet's cells as text (the header the first row that is not a comment; empty rows skipped), the sheet
    row of each data row, and the period the comment rows before the header record."""
    import openpyxl  # only for workbooks

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise InputError(f"cannot read the Excel workbook: {error}", source=label) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                f"no sheet '{sheet}'{did_you_mean(sheet, workbook.sheetnames)}; "
                f"the workbook has {', '.join(workbook.sheetnames)}",
                source=label,
                field="sheet",
            )
        rows = workbook[sheet or workbook.sheetnames[0]].iter_rows(values_only=True)
        comments: list[tuple[int, str]] = []
        header = [_cell_text(value) for value in next(rows, ())]
        while header and is_comment(header[0]):
            comments.append((len(comments) + 1, header[0]))
            header = [_cell_text(value) for value in next(rows, ())]
        period = from_comments(comments, label)
        while header and not header[-1]:
            header.pop()
        _check_header(header, label, line=len(comments) + 1)
        records, lines = [], []
        accounts = [index for index, name in enumerate(header) if name.endswith("_account")]
        for number, values in enumerate(rows, start=len(comments) + 2):
            texts = [_cell_text(value) for value in values[: len(header)]]
            numeric = next((i for i in accounts if i < len(values) and isinstance(values[i], int | float)), None)
            if numeric is not None:
                raise InputError(
                    "account ids must be text: as numbers their leading zeros are lost",
                    source=label,
                    line=number,
                    field=header[numeric],
                )
            if any(texts):
                records.append(texts + [""] * (len(header) - len(texts)))
                lines.append(number)
    finally:
        workbook.close()
    if not header:
        raise InputError("the sheet is empty (a traffic sheet needs at least a header row)", source=label)
    return pd.DataFrame(records, columns=header, dtype=str), tuple(lines), period


def _cell_text(value: object) -> str:
    """A cell as the text it shows: whole numbers without '.0', other numbers at their shortest form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def _check_csv_header(path: Path, label: str, delimiter: str, skip: int = 0) -> None:
    try:
        with _open_text(path) as handle:
            _skip_lines(handle, skip)
            header = [name.strip() for name in next(csv.reader(handle, delimiter=delimiter), [])]
    except UnicodeDecodeError:
        return  # reported with its position when the file is parsed
    _check_header(header, label, line=skip + 1)


def _check_header(header: list[str], label: str, *, line: int = 1) -> None:
    """Column names must be present and distinct (pandas would rename a repeated one and invent a name for an
    empty one, turning both into labels)."""
    for index, name in enumerate(header):
        if not name:
            raise InputError(f"column {index + 1} of the header has no name", source=label, line=line)
        if name in header[:index]:
            raise InputError("the column appears twice in the header", source=label, line=line, field=name)


def _csv_problem(path: Path, delimiter: str, skip: int = 0) -> str | None:
    """The first line whose field count differs from the header's, or that is not UTF-8: the fast reader's
    own message does not say which line it is."""
    try:
        with _open_text(path) as handle:
            _skip_lines(handle, skip)
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, [])
            for row in reader:
                if row and len(row) != len(header):
                    return f"line {reader.line_num + skip} has {len(row)} fields, the header has {len(header)}"
    except UnicodeDecodeError as error:
        return f"not UTF-8 text ({error.reason} at byte {error.start})"
    except csv.Error as error:
        return str(error)
    return None


def _validate(frame: pd.DataFrame, source: str, locate: RowLocator, period: RecordedPeriod | None = None) -> Traffic:
    frame.columns = [str(column).strip() for column in frame.columns]
    _check_columns(frame, source)
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)

    def fail(position: int, column: str, message: str) -> InputError:
        return InputError(message, source=source, field=column, **locate(position))

    rows = pd.DataFrame(index=frame.index)
    for column in ("src", "dst"):
        rows[column] = _text_column(frame[column])
        for value, position in _first_positions(rows[column]).items():
            try:
                parse_endpoint(value)
            except ValueError as error:
                raise fail(position, column, f"endpoint {error}") from None
    for column in OPTIONAL_TEXT_COLUMNS:
        if column.endswith("_account") and column in frame.columns and frame[column].dtype.kind in "iuf":
            raise InputError(
                "account ids must be text: as numbers their leading zeros are lost", source=source, field=column
            )
        rows[column] = _text_column(frame[column]) if column in frame.columns else ""
    for column in ("src_region", "dst_region"):
        for value, position in _first_positions(rows[column]).items():
            if value and not is_region(value):
                raise fail(position, column, f"'{value}' is not an AWS region code (e.g. us-east-1)")
    rows["initiator"] = _choice_column(frame, "initiator", {"src", "dst"}, "src", fail)
    rows["ip_version"] = _choice_column(frame, "ip_version", {"4", "6"}, "4", fail).astype("int8")
    labels = tuple(column for column in frame.columns if column not in KNOWN_COLUMNS)
    for column in labels:
        rows[column] = _text_column(frame[column])
    volume, gb_per_unit = _volume_units(frame, fail)
    rows["volume"] = volume
    both_ends_outside = _both_ends_outside_vpcs(rows)
    if both_ends_outside is not None:
        raise fail(both_ends_outside, "dst", "at least one side of a row must be a VPC")
    return Traffic(
        rows=rows,
        gb_per_unit=gb_per_unit,
        labels=labels,
        source=source,
        locate=locate,
        period=period,
    )


def _check_columns(frame: pd.DataFrame, source: str) -> None:
    columns = list(frame.columns)
    for required in ("src", "dst"):
        if required not in columns:
            hint = _misspelt(columns, required)
            raise InputError(f"missing required column '{required}'{hint}", source=source, field=required)
    if "gb" not in columns and "bytes" not in columns:
        hint = _misspelt(columns, "gb") or _misspelt(columns, "bytes")
        raise InputError(f"missing the volume column: give 'gb' or 'bytes'{hint}", source=source, field="gb")
    if "gb" in columns and "bytes" in columns:
        raise InputError("give the volume as 'gb' or as 'bytes', not both", source=source, field="bytes")
    if len(set(columns)) != len(columns):
        duplicate = next(column for column in columns if columns.count(column) > 1)
        raise InputError("the column appears twice", source=source, field=duplicate)


def _misspelt(columns: list[str], wanted: str) -> str:
    """`; the file has 'sorce': did you mean 'src'?` when a column that is not a known one is closest to
    `wanted`."""
    for column in columns:
        if column not in KNOWN_COLUMNS and closest(column, KNOWN_COLUMNS) == wanted:
            return f"; the file has '{column}': did you mean '{wanted}'?"
    return ""


def label_column_warnings(traffic: Traffic) -> list[str]:
    """Label columns whose name is close to a known column: probably a typo."""
    warnings = []
    for label in traffic.labels:
        close = closest(label, KNOWN_COLUMNS, cutoff=0.8)
        if close:
            warnings.append(f"column '{label}' is read as a label; did you mean '{close}'?")
    return warnings


def _text_column(series: pd.Series) -> pd.Series:
    """Text of any column (nullable integers, categoricals with nulls…), empty where missing; a cell a CSV
    writer neutralised (`'=…`) reads as the text it was given."""
    return series.astype("string").fillna("").astype(str).str.strip().map(restore_formula)


def _first_positions(series: pd.Series) -> dict[str, int]:
    """Each distinct value and the position of its first row: checks run once per distinct value."""
    first = series.drop_duplicates()
    return {str(value): int(series.index.get_loc(index)) for index, value in first.items()}  # type: ignore[arg-type]


def _choice_column(frame: pd.DataFrame, column: str, allowed: set[str], default: str, fail: _Fail) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index)
    values = _text_column(frame[column]).replace({"": default, "4.0": "4", "6.0": "6"})
    bad = ~values.isin(allowed)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        choices = " or ".join(sorted(allowed))
        raise fail(position, column, f"'{frame[column].iloc[position]}' is not {choices}")
    return values


MAX_GB_PER_ROW = Decimal(10**15)
"""The largest volume one traffic row may hold [GB per period]: a million PB, far beyond any estate."""
MAX_GB_DECIMALS = 18
"""The most decimal places a volume in GB may have (10^-18 GB is a billionth of a byte)."""

_PLAIN_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$")
_MAX_EXACT_INT64_DIGITS = 18


def _volume_units(frame: pd.DataFrame, fail: _Fail) -> tuple[np.ndarray, Decimal]:
    """Volumes as whole units (int64 when sums cannot overflow, Python ints otherwise) and GB per unit."""
    column = "bytes" if "bytes" in frame.columns else "gb"
    texts = _volume_texts(frame[column], column, fail)
    if column == "bytes":
        fractional = texts.str.contains(".", regex=False)
        if fractional.any():
            position = int(np.flatnonzero(fractional.to_numpy())[0])
            raise fail(position, "bytes", f"'{frame['bytes'].iloc[position]}' is not a whole number of bytes")
        units, _ = _scaled_integers(texts)
        _check_range(units, GB_PER_BYTE, frame[column], column, fail)
        return units, GB_PER_BYTE
    fine = texts.astype(str).str.partition(".")[2].str.len() > MAX_GB_DECIMALS if _any_long(texts) else None
    if fine is not None and fine.any():
        position = int(np.flatnonzero(fine.to_numpy())[0])
        raise fail(
            position,
            column,
            f"'{frame[column].iloc[position]}' has more than {MAX_GB_DECIMALS} decimal places (below a byte): "
            "give volumes in bytes, or round them",
        )
    units, decimals = _scaled_integers(texts)
    gb_per_unit = Decimal(1).scaleb(-decimals)
    _check_range(units, gb_per_unit, frame[column], column, fail)
    return units, gb_per_unit


def _any_long(texts: pd.Series) -> bool:
    """Whether any volume text is long enough to have more decimals than `MAX_GB_DECIMALS` (cheap to rule out)."""
    return bool(texts.empty is False and texts.str.len().max() > MAX_GB_DECIMALS + 1)


def _check_range(units: np.ndarray, gb_per_unit: Decimal, raw: pd.Series, column: str, fail: _Fail) -> None:
    """No row holds more than `MAX_GB_PER_ROW`: beyond it, a volume is a mistake (a unit, a column), and exact
    arithmetic on it would need more digits than prices carry."""
    if not len(units):
        return
    position = int(np.argmax(units))
    if Decimal(int(units[position])) * gb_per_unit > MAX_GB_PER_ROW:
        raise fail(
            position,
            column,
            f"'{raw.iloc[position]}' is more than {MAX_GB_PER_ROW:,} GB in one row (the most vpccost prices)",
        )


def _scaled_integers(texts: pd.Series) -> tuple[np.ndarray, int]:
    """Plain decimal strings as whole numbers of 10^-k, where k is the most decimals any value has."""
    if texts.empty:
        return np.zeros(0, dtype=np.int64), 0
    strings = pa.array(texts.to_numpy(dtype=object), type=pa.string())
    dot = pc.find_substring(strings, ".")
    fraction_digits = pc.if_else(pc.less(dot, 0), 0, pc.subtract(pc.subtract(pc.utf8_length(strings), dot), 1))
    decimals = int(pc.max(fraction_digits).as_py())
    digits = pc.replace_substring(strings, ".", "")
    shift = (decimals - fraction_digits.to_numpy()).astype(np.int64)
    longest = int(pc.max(pc.utf8_length(digits)).as_py()) + decimals
    if longest <= _MAX_EXACT_INT64_DIGITS and len(texts) < 10 ** (_MAX_EXACT_INT64_DIGITS - longest + 1):
        # every value < 10^longest and their sum < 2^63: int64 arithmetic is exact
        whole = pc.cast(digits, pa.int64()).to_numpy()
        return whole * np.power(10, shift, dtype=np.int64), decimals
    values = [int(text) * 10 ** int(extra) for text, extra in zip(digits.to_pylist(), shift.tolist(), strict=True)]
    return np.array(values, dtype=object), decimals


def _volume_texts(series: pd.Series, column: str, fail: _Fail) -> pd.Series:
    """Volumes as plain non-negative decimal strings. Numbers read as floats (a DataFrame or Parquet
    column) are taken at their shortest decimal form, which is the number as written."""
    if series.dtype.kind == "f":
        texts = series.map(lambda value: "" if pd.isna(value) else repr(float(value))).astype(object)
    elif pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        texts = series.fillna("").str.strip()
    else:
        texts = series.map(lambda value: "" if value is None or value is pd.NA else str(value)).str.strip()
    plain = texts.str.fullmatch(_PLAIN_DECIMAL)
    if plain.all():
        return texts
    converted = texts.astype(object)
    for position in np.flatnonzero(~plain.to_numpy()):
        text = texts.iloc[position]
        try:
            if not text.isascii():
                raise InvalidOperation  # Decimal reads other scripts' digits; a traffic file writes 0-9
            value = Decimal(text)
        except InvalidOperation:
            comma = " (write decimals with a point and no thousands separators)" if "," in text else ""
            raise fail(
                int(position), column, f"'{text}' is not a number{comma}" if text else "no volume given"
            ) from None
        if not value.is_finite():
            raise fail(int(position), column, f"'{text}' is not a finite number")
        if value < 0:
            raise fail(int(position), column, f"negative volume '{text}'")
        converted.iloc[int(position)] = format(value, "f")
    return converted


def _both_ends_outside_vpcs(rows: pd.DataFrame) -> int | None:
    outside = _outside_vpc(rows["src"]) & _outside_vpc(rows["dst"])
    return int(np.flatnonzero(outside.to_numpy())[0]) if outside.any() else None


def _outside_vpc(series: pd.Series) -> pd.Series:
    lowered = series.str.lower()
    return (lowered == INTERNET) | lowered.str.startswith(SERVICE_PREFIX)


def _sum_same_keys(rows: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    keys = [*KEY_COLUMNS, *labels]
    if rows.empty:
        return rows.reset_index(drop=True)
    grouped = rows.groupby(keys, sort=False, dropna=False).agg(volume=("volume", "sum"))
    return grouped.reset_index()
