"""Array helpers for Stage B: short lists of names as integer codes (`Registry`), and linear-time operations on
arrays of such codes (distinct values, dense ranks, exact sums per group, membership, masks).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class Registry:
    """Short lists of names (matrix endpoints, AZs) as integer codes, so that rows carry integers."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self.codes: dict[str, int] = {}
        for name in names:
            self.code(name)

    def code(self, name: str) -> int:
        code = self.codes.get(name)
        if code is None:
            code = self.codes[name] = len(self.names)
            self.names.append(name)
        return code

    def codes_of(self, values: np.ndarray) -> np.ndarray:
        """Codes of an array of names (each distinct name looked up once)."""
        distinct, inverse = np.unique(values.astype(str), return_inverse=True)
        return np.array([self.code(str(name)) for name in distinct], dtype=np.int64)[inverse]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(self.names, dtype=object)[codes.astype(np.int64)]


def distinct_codes(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes (0 … size-1) present, ascending; -1 (NULL) left out. Linear, no sorting."""
    present = np.bincount(codes[codes >= 0], minlength=size) > 0
    distinct: np.ndarray = np.flatnonzero(present)
    return distinct


def dense_codes(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (-1 … size-1) present, ascending, and each element's index among them: what
    `np.unique(codes, return_inverse=True)` gives, in linear time for codes bounded by `size`."""
    shifted = codes.astype(np.int64) + 1
    present = np.bincount(shifted, minlength=size + 1) > 0
    rank = np.cumsum(present) - 1
    distinct: np.ndarray = np.flatnonzero(present) - 1
    inverse: np.ndarray = rank[shifted]
    return distinct, inverse


def sum_by_group(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Exact integer sums of `values` per group (0 … count-1): sorted, then added run by run."""
    totals = np.zeros(count, dtype=np.int64)
    if not len(groups):
        return totals
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    totals[ordered[starts]] = np.add.reduceat(values[order].astype(np.int64), starts)
    return totals


def mask_at(length: int, positions: np.ndarray) -> np.ndarray:
    """A boolean array of `length`, True at `positions`."""
    mask = np.zeros(length, dtype=bool)
    mask[positions] = True
    return mask


def codes_at(length: int, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """An array of `length` codes, -1 (none) except `values` at `positions`."""
    full = np.full(length, -1, dtype=np.int64)
    full[positions] = values
    return full


def in_sorted_set(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which keys are in the sorted set: a binary search per key (the set is small, the keys many)."""
    if not len(sorted_set):
        return np.zeros(len(keys), dtype=bool)
    found = np.searchsorted(sorted_set, keys)
    member: np.ndarray = sorted_set[np.minimum(found, len(sorted_set) - 1)] == keys
    return member
