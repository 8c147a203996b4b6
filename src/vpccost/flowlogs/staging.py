"""How records wait for Stage A on one machine: text coded as integers, and partitioned by address pair.

Two choices keep a large input within a fixed memory and fast:

- The text Stage A only groups and compares (`sql.CODED_COLUMNS`: ENIs, addresses, VPC and subnet ids…) is
  replaced by integer codes into one `Vocabulary`: grouping integers is several times faster than grouping text,
  and the codes take a fraction of the memory. Stage A's rows keep the codes, and Stage B reads them with the
  same vocabulary.
- Records are split into partitions by the unordered pair of their original addresses (`pkt-*`, else
  `srcaddr`/`dstaddr`). Everything Stage A relates lies within one pair: a record and its duplicates, both
  directions of a connection (TCP flags on one decide the other), and every record of one output group. So each
  partition runs through Stage A on its own, in memory, and Stage B takes the partitions' rows one after the
  other (a row kept per ENI, for malformed records say, may then come once per partition: it is only counted).
  Large inputs are spilled to uncompressed Arrow files in a temporary directory (about 130 bytes a record:
  writing and reading them back costs less than compressing them would); small ones stay in memory, as one
  partition.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from vpccost.flowlogs.sql import CODED_COLUMNS

SPILL_ABOVE_BYTES = 32 * 2**20
"""Inputs stored in more than this (compressed) are partitioned and spilled; smaller ones stay in memory."""

STORED_BYTES_PER_PARTITION = 24 * 2**20
"""About a million records of gzip text: a partition's codes and Stage A's work on them stay in a few hundred
MB."""

MAX_PARTITIONS = 512

FLUSH_ROWS = 32_768
"""A partition's records are gathered to this many before they are written: fewer, larger writes."""


class Vocabulary:
    """Every text value of the coded columns, numbered in order of appearance."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.values: list[str] = []

    def encode(self, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """The column's codes (int32), NULL where the text is missing."""
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_dictionary(array.type):
            array = array.cast(pa.string())
        encoded = pc.dictionary_encode(array)
        mapping = np.fromiter(
            (self._code(value) for value in encoded.dictionary.to_pylist()),
            dtype=np.int32,
            count=len(encoded.dictionary),
        )
        return pc.take(pa.array(mapping, type=pa.int32()), encoded.indices)

    def mapping(self, dictionary: pa.Array) -> pa.Array:
        """Each value of a dictionary as its code (int32), new values numbered as they come."""
        values = dictionary.cast(pa.string()).to_pylist()
        return pa.array(np.fromiter((self._code(value) for value in values), dtype=np.int32, count=len(values)))

    def _code(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def dictionary(self) -> pa.Array:
        return pa.array(self.values, type=pa.string())


def coded(table: pa.Table, vocabulary: Vocabulary) -> pa.Table:
    """The table with its `CODED_COLUMNS` as codes: all of them encoded in one pass, so that each distinct
    text of the batch is looked up in the vocabulary once."""
    names = [name for name in CODED_COLUMNS if name in table.column_names]
    if not names or not table.num_rows:
        return table
    if all(pa.types.is_dictionary(table.schema.field(name).type) for name in names):
        return _coded_dictionaries(table.unify_dictionaries(), names, vocabulary)
    arrays = [_text(table.column(name)) for name in names]
    codes = vocabulary.encode(pa.concat_arrays(arrays))
    offset = 0
    for name, array in zip(names, arrays, strict=True):
        table = table.set_column(table.column_names.index(name), name, codes.slice(offset, len(array)))
        offset += len(array)
    return table


def _coded_dictionaries(table: pa.Table, names: list[str], vocabulary: Vocabulary) -> pa.Table:
    """Dictionary columns (one dictionary per column) to codes: each column's dictionary mapped once."""
    for name in names:
        column = table.column(name)
        if not column.num_chunks:
            codes = pa.chunked_array([], type=pa.int32())
        else:
            mapping = vocabulary.mapping(column.chunk(0).dictionary).to_numpy()
            codes = pa.chunked_array([_mapped(mapping, chunk.indices) for chunk in column.chunks], type=pa.int32())
        table = table.set_column(table.column_names.index(name), name, codes)
    return table


def _mapped(mapping: np.ndarray, indices: pa.Array) -> pa.Array:
    """`mapping[indices]` keeping the indices' NULLs: numpy's gather on the raw index buffer is several times
    faster than Arrow's `take`. The slots under a NULL hold unspecified indices, so they are clipped into range
    (their codes are never read: the validity bitmap is the indices' own)."""
    if not len(mapping):
        return pc.take(pa.array(mapping, type=pa.int32()), indices)
    validity, data = indices.buffers()
    offset, length = indices.offset, len(indices)
    raw = np.frombuffer(data, dtype=np.int32, count=offset + length)[offset:]
    codes = np.take(mapping.astype(np.int32, copy=False), raw, mode="clip")
    if validity is None or not indices.null_count:
        return pa.Array.from_buffers(pa.int32(), length, [None, pa.py_buffer(codes)], 0)
    # the bitmap is shared from its byte; the codes are shifted by the bits left before the array's first
    shift = offset % 8
    if shift:
        codes = np.concatenate([np.zeros(shift, dtype=np.int32), codes])
    return pa.Array.from_buffers(
        pa.int32(), length, [validity.slice(offset // 8), pa.py_buffer(codes)], indices.null_count, shift
    )


def _text(column: pa.ChunkedArray) -> pa.Array:
    array = column.combine_chunks()
    return array if pa.types.is_string(array.type) else array.cast(pa.string())


def partition_count(stored_bytes: int) -> int:
    if stored_bytes <= SPILL_ABOVE_BYTES:
        return 1
    return min(MAX_PARTITIONS, math.ceil(stored_bytes / STORED_BYTES_PER_PARTITION))


def partition_of(table: pa.Table, partitions: int) -> np.ndarray:
    """Each record's partition: a hash of the unordered pair of its original addresses' codes."""
    if partitions == 1:
        return np.zeros(table.num_rows, dtype=np.int64)

    def original(packet: str, raw: str) -> np.ndarray:
        values = pc.fill_null(pc.coalesce(table.column(packet), table.column(raw)), -1)
        return np.asarray(values.to_numpy(), dtype=np.int64).astype(np.uint64)

    first, second = original("pkt_srcaddr", "srcaddr"), original("pkt_dstaddr", "dstaddr")
    low, high = np.minimum(first, second), np.maximum(first, second)
    with np.errstate(over="ignore"):
        mixed = low * np.uint64(0x9E3779B97F4A7C15) ^ (high + np.uint64(0x632BE59BD9B4E019)) * np.uint64(
            0xC2B2AE3D27D4EB4F
        )
        mixed ^= mixed >> np.uint64(31)
    parts: np.ndarray = (mixed % np.uint64(partitions)).astype(np.int64)
    return parts


class Staging:
    """Coded record batches, kept in memory as one partition or spilled to one Arrow file per partition."""

    def __init__(self, schema: pa.Schema, partitions: int, directory: Path) -> None:
        self.schema = schema
        self.partitions = partitions
        self.directory = directory
        self.in_memory: list[pa.RecordBatch] = []
        self.writers: dict[int, ipc.RecordBatchFileWriter] = {}
        self.pending: dict[int, list[pa.Table]] = {}
        self.pending_rows: dict[int, int] = {}
        self.spilled_bytes = 0

    def add(self, table: pa.Table) -> None:
        if self.partitions == 1:
            self.in_memory.extend(table.to_batches())
            return
        parts = partition_of(table, self.partitions).astype(np.uint16)  # small integers sort by radix
        order = np.argsort(parts, kind="stable")
        ordered = table.take(pa.array(order))
        bounds = np.searchsorted(parts[order], np.arange(self.partitions + 1, dtype=np.uint16))
        for part in range(self.partitions):
            begin, end = int(bounds[part]), int(bounds[part + 1])
            if end > begin:
                waiting = self.pending.setdefault(part, [])
                waiting.append(ordered.slice(begin, end - begin))
                self.pending_rows[part] = self.pending_rows.get(part, 0) + end - begin
                if self.pending_rows[part] >= FLUSH_ROWS:
                    self._flush(part)

    def _flush(self, part: int) -> None:
        waiting = self.pending.pop(part, [])
        self.pending_rows.pop(part, None)
        if waiting:
            self._writer(part).write_table(pa.concat_tables(waiting).combine_chunks())

    def _writer(self, part: int) -> ipc.RecordBatchFileWriter:
        writer = self.writers.get(part)
        if writer is None:
            writer = ipc.new_file(str(self._path(part)), self.schema)
            self.writers[part] = writer
        return writer

    def _path(self, part: int) -> Path:
        return self.directory / f"partition-{part:04d}.arrow"

    def parts(self) -> Iterator[pa.Table]:
        """Each partition's records in turn (one partition's memory at a time); spilled files are removed as
        they are read."""
        if self.partitions == 1:
            yield pa.Table.from_batches(self.in_memory, schema=self.schema)
            self.in_memory = []
            return
        for part in list(self.pending):
            self._flush(part)
        for writer in self.writers.values():
            writer.close()
        for part in sorted(self.writers):
            path = self._path(part)
            self.spilled_bytes += path.stat().st_size
            with ipc.open_file(str(path)) as reader:
                table = reader.read_all()
            path.unlink()
            yield table
