"""Where flow logs come from: local files, directories and globs, or S3 prefixes, and what each file holds.

S3 delivery writes one file per flow log every five minutes under a dated key, in either layout:

    AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/[<HH>/]<file>
    AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=<yyyy>/month=<mm>/day=<dd>/[hour=<HH>/]<file>

so a time window prunes files by their key before anything is downloaded. The files' content is recognised
by its bytes, not its name: gzip, Parquet, CloudWatch Logs subscription payloads (JSON, base64, or the Lambda
`{"awslogs": {"data": …}}` event), Firehose `{"message": …}` lines, CloudWatch Logs exports (a timestamp before
each record), or plain text records with or without a header line.
"""

from __future__ import annotations

import base64
import binascii
import glob
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from vpccost.errors import InputError
from vpccost.flowlogs.formats import header_format

DELIVERY_SLACK = timedelta(hours=1)
"""How long before its dated key's period a file's records may have started: a file holds the records of the
five minutes before it was written, each aggregated over up to ten minutes; an hour is a wide margin. Records
never start after their file was written, so nothing later than the key's period is possible."""

SKIPPED_SUFFIXES = (".yaml", ".yml", ".csv", ".md", ".html", ".ipynb", ".py", ".xlsx", ".sql", ".toml", ".cfg")
"""Files in a directory or prefix with these suffixes are not flow logs (a topology or a README beside
them); a file named on the command line is always read."""

SKIPPED_NAMES = ("readme", "license", "sources", "notice")
"""Nor are files so named (compared in lower case)."""

S3_WRITE_TEST = "aws-logs-write-test"
"""The object AWS writes at the prefix root to check its permissions when a flow log is created."""

_SLASH_DATE = re.compile(r"/(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?:(?P<hour>\d{2})/)?")
_HIVE_DATE = re.compile(
    r"year=(?P<year>\d{4})/month=(?P<month>\d{1,2})/day=(?P<day>\d{1,2})/(?:hour=(?P<hour>\d{1,2})/)?"
)
_EXPORT_TIMESTAMP = re.compile(rb"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?\s")
_GLOB_CHARACTERS = re.compile(r"[*?\[]")

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
BASE64_GZIP_PREFIX = b"H4sI"
"""How base64 text of gzip data begins (the gzip magic bytes, encoded)."""


@dataclass(frozen=True)
class Source:
    """One file to read: a local path or an S3 object, with its size (for progress) and where it came from."""

    name: str
    size_bytes: int
    path: Path | None = None
    bucket: str | None = None
    key: str | None = None


@dataclass
class Listing:
    """The files an aggregation reads, and those it left out before reading (by date, or not flow logs)."""

    sources: list[Source]
    pruned_by_date: int = 0
    skipped_not_logs: int = 0


@dataclass(frozen=True)
class Content:
    """What one file turned out to hold, decoded to something a reader can parse."""

    kind: str
    """`text` (records, `header` set when the file has a header line), `messages` (headerless records from
    CloudWatch Logs or Firehose), `parquet`, or `empty`."""
    data: bytes
    header: str | None = None


def list_sources(
    paths: list[str],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    s3_client: Any | None = None,
) -> Listing:
    """Every file the paths name: a file, a directory (recursive), a glob, or `s3://bucket/prefix`. Files
    whose dated key lies outside the window (with `DELIVERY_SLACK`) are left out and counted."""
    listing = Listing(sources=[])
    for text in paths:
        found = _list_s3(text, s3_client) if text.startswith("s3://") else _list_local(text)
        for source, explicit in found:
            if not explicit and _not_a_log(source.name):
                listing.skipped_not_logs += 1
            elif not in_window(source.name, start, end):
                listing.pruned_by_date += 1
            else:
                listing.sources.append(source)
    return listing


def key_period(key: str) -> tuple[datetime, datetime] | None:
    """The day (or hour) a dated S3 key is filed under, in either delivery layout, or None."""
    match = _HIVE_DATE.search(key) or _SLASH_DATE.search("/" + key)
    if match is None:
        return None
    try:
        hour = match.group("hour")
        begin = datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            int(hour) if hour is not None else 0,
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return begin, begin + (timedelta(hours=1) if hour is not None else timedelta(days=1))


def in_window(key: str, start: datetime | None, end: datetime | None) -> bool:
    """Whether a file filed under this key can hold records that start inside [start, end): its records
    started in [period begin - DELIVERY_SLACK, period end)."""
    if start is None and end is None:
        return True
    period = key_period(key)
    if period is None:
        return True
    begin, finish = period
    if start is not None and finish <= start:
        return False
    return not (end is not None and begin - DELIVERY_SLACK >= end)


def fetch(source: Source, s3_client: Any | None = None) -> bytes:
    """The file's bytes, as stored (still compressed)."""
    if source.path is not None:
        try:
            return source.path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read the file: {error.strerror}", source=source.name) from None
    client = s3_client or _default_s3_client()
    response = client.get_object(Bucket=source.bucket, Key=source.key)
    data: bytes = response["Body"].read()
    return data


def decode(data: bytes) -> list[Content]:
    """What the bytes of one file hold. Gzip (also several members, as concatenated deliveries) is
    decompressed; JSON is read as CloudWatch Logs payloads or Firehose records."""
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    if data.startswith(PARQUET_MAGIC):
        return [Content("parquet", data)]
    stripped = data.lstrip()
    if not stripped:
        return [Content("empty", b"")]
    if stripped.startswith(BASE64_GZIP_PREFIX):
        try:
            return decode(base64.b64decode(stripped, validate=False))
        except (binascii.Error, OSError):
            pass  # not base64 after all: read it as text
    if stripped[:1] in (b"{", b"["):
        messages = json_messages(stripped)
        if messages is not None:
            return [Content("messages", b"\n".join(messages) + b"\n" if messages else b"")]
    return [_text_content(data)]


def gunzip(data: bytes) -> bytes:
    """Decompress every gzip member (Arrow's decoder: faster than Python's zlib, and it releases the GIL, so
    files decompress in parallel threads). A truncated file raises OSError."""
    with pa.CompressedInputStream(pa.BufferReader(data), "gzip") as stream:
        decompressed: bytes = stream.read()
    return decompressed


def json_messages(data: bytes) -> list[bytes] | None:
    """Flow-log records inside JSON documents (one, several concatenated, or one per line): CloudWatch Logs
    subscription payloads (`logEvents[].message`), the Lambda event around one (`awslogs.data`, base64 of a
    gzip payload), `filter-log-events` output (`events[].message`), and Firehose records (`{"message": …}`).
    None when the bytes are not JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    messages: list[bytes] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return messages or None
        messages.extend(_document_messages(document))
    return messages


def _document_messages(document: Any) -> list[bytes]:
    if isinstance(document, list):
        return [message for item in document for message in _document_messages(item)]
    if not isinstance(document, dict):
        return []
    if isinstance(document.get("awslogs"), dict) and isinstance(document["awslogs"].get("data"), str):
        try:
            payload = gunzip(base64.b64decode(document["awslogs"]["data"]))
        except (binascii.Error, OSError):
            return []
        return json_messages(payload) or []
    for events_key in ("logEvents", "events"):
        events = document.get(events_key)
        if isinstance(events, list):
            if document.get("messageType") == "CONTROL_MESSAGE":
                return []
            return [
                str(event["message"]).encode("utf-8")
                for event in events
                if isinstance(event, dict) and "message" in event
            ]
    if "message" in document:
        return [str(document["message"]).rstrip("\n").encode("utf-8")]
    return []


def _text_content(data: bytes) -> Content:
    """Text records: a header line names the fields; a CloudWatch Logs export puts a timestamp before each
    record, which is dropped. A UTF-8 byte-order mark (an editor's or a Windows tool's) is not part of the
    header."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data[:4096]:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    first_end = data.find(b"\n")
    first = data if first_end < 0 else data[:first_end]
    rest = b"" if first_end < 0 else data[first_end + 1 :]
    line = first.decode("utf-8", errors="replace")
    if header_format(line) is not None:
        return Content("text", rest, header=" ".join(line.split()))
    if _EXPORT_TIMESTAMP.match(first):
        lines = [_EXPORT_TIMESTAMP.sub(b"", record, count=1) for record in data.split(b"\n") if record.strip()]
        return Content("messages", b"\n".join(lines) + b"\n")
    return Content("text", data)


def _not_a_log(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    if not base or base.startswith(".") or base == S3_WRITE_TEST:
        return True
    lowered = base.lower()
    return lowered.startswith(SKIPPED_NAMES) or any(lowered.endswith(suffix) for suffix in SKIPPED_SUFFIXES)


def _list_local(text: str) -> list[tuple[Source, bool]]:
    path = Path(text).expanduser()
    if path.is_file():
        return [(_local_source(path), True)]
    if path.is_dir():
        found: list[tuple[Source, bool]] = []
        for directory, subdirectories, names in os.walk(path):
            subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
            found.extend((_local_source(Path(directory) / name), False) for name in sorted(names))
        return found
    if _GLOB_CHARACTERS.search(text):
        matches = [Path(match) for match in sorted(glob.glob(os.path.expanduser(text), recursive=True))]
        files = [match for match in matches if match.is_file()]
        if files:
            return [(_local_source(file), False) for file in files]
        raise InputError("the pattern matches no file", source=text)
    raise InputError("no such file or directory", source=text)


def _local_source(path: Path) -> Source:
    return Source(name=str(path), size_bytes=path.stat().st_size, path=path)


def _list_s3(url: str, client: Any | None) -> list[tuple[Source, bool]]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError("an S3 location is s3://bucket/prefix", source=url)
    client = client or _default_s3_client()
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            if key.endswith("/"):
                continue
            source = Source(name=f"s3://{bucket}/{key}", size_bytes=int(item.get("Size", 0)), bucket=bucket, key=key)
            found.append((source, False))
    if not found:
        raise InputError("no object under this prefix", source=url)
    return found


def _default_s3_client() -> Any:
    """`vpccost.aws.clients.s3_client_for()`, imported here so that boto3 is loaded only when S3 is read."""
    from vpccost.aws.clients import s3_client_for

    return s3_client_for()


FetchFunction = Callable[[Source], bytes]
"""Reads a source's bytes: `fetch` bound to a client."""


def iterate_decoded(
    sources: list[Source], fetcher: FetchFunction, *, threads: int, lookahead: int
) -> Iterator[tuple[Source, list[Content] | BaseException]]:
    """Each source with its decoded content (or the error reading it), in order, fetched and decompressed in
    `threads` threads with at most `lookahead` files in flight, so memory stays bounded."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    def work(source: Source) -> list[Content] | BaseException:
        try:
            return decode(fetcher(source))
        except (InputError, OSError, EOFError) as error:
            return error
        except Exception as error:  # botocore and friends raise their own types
            return error

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="flowlogs-read") as pool:
        pending: deque[tuple[Source, Future[list[Content] | BaseException]]] = deque()
        position = 0
        while position < len(sources) or pending:
            while position < len(sources) and len(pending) < lookahead:
                pending.append((sources[position], pool.submit(work, sources[position])))
                position += 1
            source, future = pending.popleft()
            yield source, future.result()
