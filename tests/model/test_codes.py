"""Integer codes for strings, and grouping over coded columns: each result small enough to check by eye."""

from __future__ import annotations

import numpy as np

from vpccost.model.codes import NONE, Codes, distinct, first_rows, pack_pairs, sum_by_key, unpack_pairs


def test_codes_are_given_in_order_of_first_appearance() -> None:
    regions = Codes(["us-east-1", "eu-west-1"])
    assert [regions.code("eu-west-1"), regions.code("us-west-2"), regions.code("us-east-1")] == [1, 2, 0]
    assert regions.values == ["us-east-1", "eu-west-1", "us-west-2"]
    assert Codes().values == []


def test_sums_per_combination_of_codes_in_key_order_with_none_first() -> None:
    # rows (region, payer): (1, 0) 5, (0, NONE) 2, (1, 0) 7, (0, 1) 1 → (0, NONE) 2, (0, 1) 1, (1, 0) 12
    regions = np.array([1, 0, 1, 0])
    payers = np.array([0, NONE, 0, 1])
    volume = np.array([5, 2, 7, 1], dtype=np.int64)
    columns, sums = sum_by_key([regions, payers], [2, 2], volume)
    assert columns == [[0, 0, 1], [NONE, 1, 0]]
    assert sums == [2, 1, 12]


def test_sums_of_python_integers_stay_exact_beyond_64_bits() -> None:
    volume = np.array([10**20, 1, 10**20], dtype=object)  # 2^63 ≈ 9.2 × 10^18
    _, sums = sum_by_key([np.array([0, 0, 0])], [1], volume)
    assert sums == [2 * 10**20 + 1]


def test_sums_by_marking_a_small_key_table_equal_sums_by_sorting() -> None:
    # the int64 volumes of the first test take the table path (2 x 2 keys); the same volumes as Python ints take
    # the sorting path; a key space wider than the table allows (10^6 codes for 4 rows) sorts too
    regions = np.array([1, 0, 1, 0])
    payers = np.array([0, NONE, 0, 1])
    volume = np.array([5, 2, 7, 1], dtype=np.int64)
    marked = sum_by_key([regions, payers], [2, 2], volume)
    assert marked == sum_by_key([regions, payers], [2, 2], volume.astype(object))
    wide = sum_by_key([np.array([999_999, 3, 999_999, 3])], [1_000_000], volume)
    assert wide == ([[3, 999_999]], [3, 12])


def test_distinct_codes_ascending_and_with_none_among_them() -> None:
    assert distinct(np.array([4, 1, 4, 0])).tolist() == [0, 1, 4]
    assert distinct(np.array([2, NONE, 2])).tolist() == [NONE, 2]
    assert distinct(np.array([10**9, 5])).tolist() == [5, 10**9]
    assert distinct(np.array([], dtype=np.int64)).tolist() == []


def test_first_rows_and_counts_of_each_combination_in_order_of_first_row() -> None:
    vpc = np.array([3, 1, 3, NONE, 1, 3])
    az = np.array([0, 0, 0, NONE, 1, 0])
    rows, counts = first_rows(vpc, az)
    # (3, 0) first at row 0, three times; (1, 0) at row 1; (NONE, NONE) at row 3; (1, 1) at row 4
    assert rows.tolist() == [0, 1, 3, 4]
    assert counts.tolist() == [3, 1, 1, 1]


def test_a_pair_packs_to_the_same_integer_whichever_way_round() -> None:
    packed = pack_pairs(np.array([2, 0, 4]), np.array([0, 2, 1]), 5)
    assert packed.tolist() == [2, 2, 9]  # low × 5 + high: 0 × 5 + 2, 0 × 5 + 2, 1 × 5 + 4
    assert unpack_pairs(packed, 5).tolist() == [[0, 2], [0, 2], [1, 4]]
    assert pack_pairs(np.array([0]), np.array([0]), 0).tolist() == [0]  # a width of 0 counts as 1
