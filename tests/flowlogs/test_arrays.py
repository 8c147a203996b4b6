"""Stage B's array helpers, each on arrays small enough to check by eye."""

from __future__ import annotations

import numpy as np

from vpccost.flowlogs.arrays import (
    Registry,
    codes_at,
    dense_codes,
    distinct_codes,
    in_sorted_set,
    mask_at,
    sum_by_group,
)


def test_a_registry_codes_names_in_order_of_first_sight() -> None:
    azs = Registry(["use1-az1"])
    codes = azs.codes_of(np.array(["use1-az4", "use1-az1", "use1-az4"], dtype=object))
    assert codes.tolist() == [1, 0, 1]
    assert azs.names == ["use1-az1", "use1-az4"]
    assert azs.decode(np.array([1, 0])).tolist() == ["use1-az4", "use1-az1"]


def test_distinct_and_dense_codes_as_unique_gives_them() -> None:
    codes = np.array([3, -1, 0, 3, 5])
    assert distinct_codes(codes, 6).tolist() == [0, 3, 5]  # -1 (NULL) left out
    distinct, inverse = dense_codes(codes, 6)
    expected_distinct, expected_inverse = np.unique(codes, return_inverse=True)
    assert distinct.tolist() == expected_distinct.tolist() == [-1, 0, 3, 5]
    assert inverse.tolist() == expected_inverse.tolist() == [2, 0, 1, 2, 3]


def test_exact_sums_per_group() -> None:
    # group 0: 2^40 + 1; group 1: nothing; group 2: 5 + 7
    sums = sum_by_group(np.array([2, 0, 2, 0]), np.array([5, 2**40, 7, 1]), 3)
    assert sums.tolist() == [2**40 + 1, 0, 12]
    assert sum_by_group(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 2).tolist() == [0, 0]


def test_masks_codes_and_membership() -> None:
    assert mask_at(4, np.array([1, 3])).tolist() == [False, True, False, True]
    assert codes_at(4, np.array([0, 2]), np.array([7, 9])).tolist() == [7, -1, 9, -1]
    assert in_sorted_set(np.array([5, 1, 9, 4]), np.array([1, 4, 8])).tolist() == [False, True, False, True]
    assert in_sorted_set(np.array([1]), np.array([], dtype=np.int64)).tolist() == [False]
