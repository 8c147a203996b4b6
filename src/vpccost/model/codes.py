"""Integer codes for strings, and grouping over coded columns.

The estate stores every flow's VPCs, regions, accounts and AZs as integer codes into small tables, so designs
meter hundreds of thousands of flows with array operations. These are the few mechanisms that coding needs:
a table of distinct values, exact sums per combination of codes, the first row of each combination, and
unordered pairs packed into one integer.
"""

from __future__ import annotations

import math

import numpy as np

NONE = -1
"""The code of an absent value (the other side of a flow to the internet has no VPC)."""


class Codes:
    """A growing table of distinct strings and their integer codes, in order of first appearance."""

    def __init__(self, values: list[str] | None = None) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}
        for value in values or []:
            self.code(value)

    def code(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


DENSE_KEYS_PER_ROW = 8
"""`sum_by_key` marks the keys present in a table of every possible key when that table has at most this many
entries per row (and at least 65,536): cheaper than sorting the rows."""


def sum_by_key(keys: list[np.ndarray], sizes: list[int], volume: np.ndarray) -> tuple[list[list[int]], list[int]]:
    """Exact sums of `volume` per distinct combination of integer codes (each in [-1, size)), in key order:
    the distinct codes column by column, and the sums.

    The codes are packed into one int64 per row. When every possible key fits a small table, the keys present
    are marked in it and int64 volumes added per key (`np.add.at`); otherwise rows are sorted by key and runs
    summed with `np.add.reduceat`. Both are exact for int64 volumes (the sort, also for Python ints in an object
    array)."""
    packed = np.zeros(len(volume), dtype=np.int64)
    for codes, size in zip(keys, sizes, strict=True):
        packed = packed * (size + 1) + (codes.astype(np.int64) + 1)
    space = math.prod(size + 1 for size in sizes)
    if volume.dtype == np.int64 and space <= max(DENSE_KEYS_PER_ROW * len(volume), 1 << 16):
        unique = _marked(packed, space)
        position = np.empty(space, dtype=np.int64)  # read only where a key is present
        position[unique] = np.arange(len(unique))
        sums = np.zeros(len(unique), dtype=np.int64)
        np.add.at(sums, position[packed], volume)
    else:
        order = np.argsort(packed, kind="stable")
        ordered = packed[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        sums = np.add.reduceat(volume[order], starts)
        unique = ordered[starts]
    columns: list[list[int]] = []
    for size in reversed(sizes):
        columns.insert(0, (unique % (size + 1) - 1).tolist())
        unique = unique // (size + 1)
    return columns, [int(value) for value in sums.tolist()]


def distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of integer codes, ascending: marked in a table when they are non-negative and the
    table is small (as in `sum_by_key`), else found by `np.unique`."""
    if not len(codes) or int(codes.min()) < 0 or int(codes.max()) >= max(DENSE_KEYS_PER_ROW * len(codes), 1 << 16):
        return np.unique(codes)
    return _marked(codes, int(codes.max()) + 1)


def _marked(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct values of codes in [0, size), ascending, marked in a table of `size` entries."""
    present = np.zeros(size, dtype=bool)
    present[codes] = True
    return np.flatnonzero(present)


def versions_by_key(keys: np.ndarray, ipv6: np.ndarray) -> dict[int, frozenset[int]]:
    """For each distinct integer key, the IP versions (4, 6) of its rows (`ipv6`: per row)."""
    versions: dict[int, frozenset[int]] = {}
    for version, rows in ((4, ~ipv6), (6, ipv6)):
        for key in np.unique(keys[rows]).tolist():
            versions[key] = versions.get(key, frozenset()) | {version}
    return versions


def first_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct combination of integer codes (NONE allowed) across `columns`: the position of its
    first row, and how many rows have it, in order of first row. Checks then run once per combination, not
    once per row."""
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        size = int(column.max()) + 2 if len(column) else 1
        packed = packed * size + (column.astype(np.int64) + 1)
    _, first, counts = np.unique(packed, return_index=True, return_counts=True)
    order = np.argsort(first)
    return first[order], counts[order]


def pack_pairs(first: np.ndarray, second: np.ndarray, width: int) -> np.ndarray:
    """Each row's unordered pair of codes in [0, width) as one integer, the lower code first: the same
    integer whichever way round the pair is given."""
    low = np.minimum(first, second).astype(np.int64)
    high = np.maximum(first, second).astype(np.int64)
    packed: np.ndarray = low * max(1, width) + high
    return packed


def unpack_pairs(packed: np.ndarray, width: int) -> np.ndarray:
    """The (n, 2) array of (lower, higher) codes of packed pairs."""
    width = max(1, width)
    return np.stack([packed // width, packed % width], axis=1)
