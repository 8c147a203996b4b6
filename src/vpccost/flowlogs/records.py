"""Reading flow-log files into typed Arrow record batches, the relation Stage A runs over.

Speed comes from three choices (figures in `benchmarks/README.md`): files are fetched and decompressed in parallel
threads (zlib releases the GIL); files of the same format are joined into large buffers, so many small files
cost no more than a few large ones; and Arrow's multi-threaded CSV parser reads only the columns Stage A needs,
typed. Records are split on single spaces there; a line whose field count is wrong (a double space, a
trailing blank, a bogus line) is set aside by the parser and split again on runs of whitespace here, and
counted as malformed if it still does not fit. Batches are handed on as they are parsed, so memory holds a
few buffers, never the whole input.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from vpccost.errors import InputError
from vpccost.flowlogs.formats import DEFAULT_FORMAT, LogFormat, LogKind, column_name
from vpccost.flowlogs.sources import Content, FetchFunction, Source, iterate_decoded
from vpccost.flowlogs.sql import CODED_COLUMNS, TRANSIT_GATEWAY_INPUT_COLUMNS, VPC_INPUT_COLUMNS, integer_column

TEXT_CODES = pa.dictionary(pa.int32(), pa.string())
"""How the parser hands over the text `staging.coded` turns into codes: dictionary-encoded while parsing, in
the parser's threads, so that coding only maps each batch's few distinct values."""

VPC_SCHEMA = pa.schema(
    [
        (name, pa.int64() if integer_column(name) else TEXT_CODES if name in CODED_COLUMNS else pa.string())
        for name in VPC_INPUT_COLUMNS
    ]
)
"""The relation Stage A reads locally: every column it uses, typed, NULL where a format lacks it."""

TRANSIT_GATEWAY_SCHEMA = pa.schema(
    [(name, pa.int64() if integer_column(name) else pa.string()) for name in TRANSIT_GATEWAY_INPUT_COLUMNS]
)

UNPARSABLE_STATUS = "UNPARSABLE"
"""Put in `log_status` of a record whose numeric field is not a number, so that Stage A counts it as
malformed with the rest."""

MISSING_TOKENS = ("-", "", "None", "null")
"""How a missing value is written: `-` by AWS, the others by tools that re-wrote flow logs."""

BATCH_BYTES = 48 * 2**20
"""Text of one format is parsed once this much has gathered: large enough that per-file costs vanish, small
enough that a few buffers in flight stay well under the memory goal."""

MALFORMED_EXAMPLES = 5

ProgressCallback = Callable[[int], None]
"""Called with the stored (compressed) size of each file once it is read."""


@dataclass
class FormatSeen:
    """A record format met in the input, and how much of the input had it."""

    fields: str
    kind: str
    origin: str
    files: int = 0
    records: int = 0


@dataclass
class ReadingStats:
    """What the reader met: the part of the report that only reading the files can know."""

    files_listed: int = 0
    files_read: int = 0
    files_pruned_by_date: int = 0
    files_skipped_not_logs: int = 0
    files_unreadable: list[tuple[str, str]] = field(default_factory=list)
    stored_bytes_read: int = 0
    text_bytes_read: int = 0
    lines_read: int = 0
    malformed_lines: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    formats: dict[tuple[str, str], FormatSeen] = field(default_factory=dict)

    def saw(self, log_format: LogFormat, origin: str, *, files: int = 0, records: int = 0) -> None:
        key = (log_format.text, origin)
        seen = self.formats.setdefault(key, FormatSeen(log_format.text, log_format.kind.value, origin))
        seen.files += files
        seen.records += records


class RecordReader:
    """Reads sources into typed tables. Iterate `vpc_tables()` (or `vpc_batches()`) once (Stage A consumes it as a
    stream); Transit Gateway records are kept aside in `transit_gateway_tables`, and `stats` fills as it goes.

    Errors while reading a file (unreadable, corrupt) are recorded and the run goes on; an error of the
    reader itself is kept in `error` and the stream ends, because the engine pulling the stream would
    otherwise replace it with its own."""

    def __init__(
        self,
        sources: list[Source],
        fetcher: FetchFunction,
        *,
        log_format: LogFormat | None = None,
        threads: int = 4,
        batch_bytes: int = BATCH_BYTES,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.sources = sources
        self.fetcher = fetcher
        self.headerless_format = log_format or DEFAULT_FORMAT
        self.threads = max(1, threads)
        self.batch_bytes = batch_bytes
        self.progress = progress
        self.stats = ReadingStats(files_listed=len(sources))
        self.transit_gateway_tables: list[pa.Table] = []
        self.error: BaseException | None = None
        self._lock = threading.Lock()

    def vpc_batches(self) -> Iterator[pa.RecordBatch]:
        for table in self.vpc_tables():
            yield from table.to_batches()

    def vpc_tables(self) -> Iterator[pa.Table]:
        """The records as one table per parse (up to `batch_bytes` of text each): coding a whole table looks
        each distinct text up once, where batch by batch it would be looked up again in every batch."""
        try:
            yield from self._tables()
        except Exception as error:  # handed to the caller after the engine stops pulling
            self.error = error

    def _tables(self) -> Iterator[pa.Table]:
        pending: dict[tuple[LogFormat, str], list[bytes]] = {}
        pending_bytes: dict[tuple[LogFormat, str], int] = {}
        lookahead = max(4 * self.threads, 32)
        for source, outcome in iterate_decoded(self.sources, self.fetcher, threads=self.threads, lookahead=lookahead):
            if self.progress is not None:
                self.progress(source.size_bytes)
            if isinstance(outcome, BaseException):
                self.stats.files_unreadable.append((source.name, _error_text(outcome)))
                continue
            self.stats.files_read += 1
            self.stats.stored_bytes_read += source.size_bytes
            for content in outcome:
                if content.kind == "parquet":
                    yield from self._parquet(content.data, source.name)
                    continue
                if content.kind == "empty" or not content.data:
                    continue
                log_format = LogFormat(tuple(content.header.split())) if content.header else self.headerless_format
                origin = _origin(content)
                self.stats.saw(log_format, origin, files=1)
                key = (log_format, origin)
                body = content.data if content.data.endswith(b"\n") else content.data + b"\n"
                pending.setdefault(key, []).append(body)
                pending_bytes[key] = pending_bytes.get(key, 0) + len(body)
                if pending_bytes[key] >= self.batch_bytes:
                    yield from self._text(key, b"".join(pending.pop(key)))
                    del pending_bytes[key]
        for key, bodies in pending.items():
            yield from self._text(key, b"".join(bodies))

    def _text(self, key: tuple[LogFormat, str], data: bytes) -> Iterator[pa.Table]:
        log_format, origin = key
        self.stats.text_bytes_read += len(data)
        table, lines, malformed = parse_text(data, log_format, self._note_malformed)
        self.stats.lines_read += lines
        self.stats.malformed_lines += malformed
        self.stats.saw(log_format, origin, records=lines - malformed)
        yield from self._route(table, log_format.kind)

    def _parquet(self, data: bytes, name: str) -> Iterator[pa.Table]:
        try:
            table = pq.read_table(io.BytesIO(data))
        except (pa.ArrowException, OSError) as error:
            self.stats.files_unreadable.append((name, f"not a readable Parquet file: {error}"))
            return
        table = table.rename_columns([column_name(str(name)) for name in table.column_names])
        log_format = LogFormat(tuple(name.replace("_", "-") for name in table.column_names))
        self.stats.lines_read += table.num_rows
        self.stats.saw(log_format, "parquet", files=1, records=table.num_rows)
        yield from self._route(table, log_format.kind)

    def _route(self, table: pa.Table, kind: LogKind) -> Iterator[pa.Table]:
        if kind is LogKind.transit_gateway:
            self.transit_gateway_tables.append(conform(table, TRANSIT_GATEWAY_SCHEMA))
            return
        if table.num_rows:
            yield conform(table, VPC_SCHEMA)

    def _note_malformed(self, text: str) -> None:
        with self._lock:
            if len(self.stats.malformed_examples) < MALFORMED_EXAMPLES:
                self.stats.malformed_examples.append(text[:300])


def parse_text(data: bytes, log_format: LogFormat, note_malformed: Callable[[str], None]) -> tuple[pa.Table, int, int]:
    """Records of one format (no header line) as a table of the columns Stage A reads, the number of lines
    read, and the number of them that were malformed (not counted in the table)."""
    columns = _unique(log_format.columns)
    wanted = set(VPC_INPUT_COLUMNS) | set(TRANSIT_GATEWAY_INPUT_COLUMNS)
    include = [name for name in columns if name in wanted] or [columns[0]]
    set_aside: list[str] = []

    def handle(row: pa_csv.InvalidRow) -> str:
        set_aside.append(row.text)
        return "skip"

    read_options = pa_csv.ReadOptions(column_names=list(columns), block_size=4 * 2**20)
    parse_options = pa_csv.ParseOptions(delimiter=" ", quote_char=False, invalid_row_handler=handle)
    typed = {
        name: pa.int64() if integer_column(name) else TEXT_CODES
        for name in include
        if name not in ("action", "log_status")
    }
    try:
        table = _read_csv(data, read_options, parse_options, include, typed)
    except pa.ArrowInvalid:
        # a numeric field that is not a number somewhere: read text and convert value by value
        set_aside.clear()
        table = _integers_from_text(_read_csv(data, read_options, parse_options, include, {}), include)
    malformed = 0
    repaired: list[list[str]] = []
    for text in set_aside:
        values = text.split()
        if len(values) == len(columns):
            repaired.append(values)
        elif values:
            malformed += 1
            note_malformed(text)
    lines = table.num_rows + len(repaired) + malformed
    if repaired:
        positions = [columns.index(name) for name in include]
        extra = pa.table({name: [row[at] for row in repaired] for name, at in zip(include, positions, strict=True)})
        extra = _integers_from_text(_nulls_for_missing(extra), include)
        table = pa.concat_tables([conform(table, extra.schema), extra])
    return table, lines, malformed


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with exactly the schema's columns: cast, or NULL where absent. A record format without
    `action` is taken as accepted (a flow log of traffic type ACCEPT), one without `log_status` as OK."""
    rows = table.num_rows
    arrays = []
    for target in schema:
        if target.name in table.column_names:
            arrays.append(_cast(table.column(target.name), target.type))
        elif target.name == "action":
            arrays.append(pa.repeat(pa.scalar("ACCEPT"), rows))
        elif target.name == "log_status":
            arrays.append(pa.repeat(pa.scalar("OK"), rows))
        else:
            arrays.append(pa.nulls(rows, target.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _cast(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    if column.type == target:
        return column
    textual = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    if pa.types.is_dictionary(column.type):
        column, textual = pc.cast(column, pa.string()), True
    if pa.types.is_integer(target) and textual:
        values, _ = _integers(column)
        return values
    if pa.types.is_string(target) or pa.types.is_dictionary(target):
        text = pc.cast(column, pa.string())
        if not textual:
            text = pc.if_else(pc.is_in(text, pa.array(MISSING_TOKENS)), pa.scalar(None, pa.string()), text)
        return pc.dictionary_encode(text) if pa.types.is_dictionary(target) else text
    return pc.cast(column, target)


def _read_csv(
    data: bytes,
    read_options: pa_csv.ReadOptions,
    parse_options: pa_csv.ParseOptions,
    include: list[str],
    types: dict[str, pa.DataType],
) -> pa.Table:
    convert_options = pa_csv.ConvertOptions(
        include_columns=include,
        column_types={name: types.get(name, pa.string()) for name in include},
        null_values=["-"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pa_csv.read_csv(
        pa.BufferReader(data), read_options=read_options, parse_options=parse_options, convert_options=convert_options
    )


def _integers(column: pa.ChunkedArray | pa.Array) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Text to whole numbers: missing values become NULL; the second result marks values that are neither
    missing nor a number (up to 18 digits, so that int64 holds them)."""
    text = pc.utf8_trim_whitespace(column)
    missing = pc.or_kleene(pc.is_null(text), pc.is_in(text, pa.array(MISSING_TOKENS)))
    number = pc.fill_null(pc.match_substring_regex(text, r"^[+-]?\d{1,18}$"), False)
    values = pc.cast(pc.if_else(number, text, pa.scalar(None, pa.string())), pa.int64())
    bad = pc.and_(pc.invert(pc.fill_null(missing, True)), pc.invert(number))
    return values, bad


def _integers_from_text(table: pa.Table, include: list[str]) -> pa.Table:
    """Integer columns converted value by value; a record with a value that is not a number keeps its
    other fields and gets `UNPARSABLE_STATUS` as its log status."""
    bad_rows = pa.repeat(pa.scalar(False), table.num_rows)
    for name in include:
        if integer_column(name) and name in table.column_names:
            values, bad = _integers(table.column(name))
            table = table.set_column(table.column_names.index(name), name, values)
            bad_rows = pc.or_(bad_rows, bad)
    if pc.any(bad_rows).as_py():
        status = (
            table.column("log_status")
            if "log_status" in table.column_names
            else pa.repeat(pa.scalar("OK"), table.num_rows)
        )
        marked = pc.if_else(bad_rows, pa.scalar(UNPARSABLE_STATUS), status)
        if "log_status" in table.column_names:
            table = table.set_column(table.column_names.index("log_status"), "log_status", marked)
        else:
            table = table.append_column("log_status", marked)
    return table


def _nulls_for_missing(table: pa.Table) -> pa.Table:
    for position, name in enumerate(table.column_names):
        column = table.column(name)
        if not integer_column(name):
            cleaned = pc.if_else(pc.equal(column, "-"), pa.scalar(None, pa.string()), column)
            table = table.set_column(position, name, cleaned)
    return table


def _unique(columns: tuple[str, ...]) -> tuple[str, ...]:
    """Column names made distinct (a header that names a field twice keeps the first as the field)."""
    seen: dict[str, int] = {}
    result = []
    for name in columns:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name}__{count + 1}")
    return tuple(result)


def _origin(content: Content) -> str:
    if content.kind == "messages":
        return "messages"
    return "text with header" if content.header else "text without header"


def _error_text(error: BaseException) -> str:
    if isinstance(error, InputError):
        return error.message
    return f"{type(error).__name__}: {error}"
