"""Staging for Stage A: partitioning by address pair and coding text as integers change nothing in the result."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from tests.support.synthetic_flowlogs import generate
from vpccost.flowlogs import aggregate_flowlogs, staging


@pytest.mark.parametrize("inventory", [True, False])
def test_many_spilled_partitions_give_what_one_in_memory_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inventory: bool
) -> None:
    estate = generate(tmp_path / "estate", records=3000, seed=7, hours=0.5, inventory=inventory)
    whole = aggregate_flowlogs(estate.logs, estate.topology)
    monkeypatch.setattr(staging, "SPILL_ABOVE_BYTES", 0)
    monkeypatch.setattr(staging, "STORED_BYTES_PER_PARTITION", 4096)
    split = aggregate_flowlogs(estate.logs, estate.topology)
    assert staging.partition_count(sum(path.stat().st_size for path in estate.logs.rglob("*.gz"))) > 10
    assert split.traffic.equals(whole.traffic)
    assert split.report.to_dict() == whole.report.to_dict()


def test_codes_round_trip_and_null_stays_null() -> None:
    vocabulary = staging.Vocabulary()
    first = vocabulary.encode(pa.array(["10.0.0.1", None, "10.0.0.2", "10.0.0.1"]))
    second = vocabulary.encode(pa.array(["10.0.0.2", "eni-1"]))
    assert first.to_pylist() == [0, None, 1, 0]
    assert second.to_pylist() == [1, 2]
    assert vocabulary.values == ["10.0.0.1", "10.0.0.2", "eni-1"]


def test_both_directions_of_a_pair_share_a_partition() -> None:
    table = pa.table(
        {
            "srcaddr": pa.array([1, 2, 3, 4], pa.int32()),
            "dstaddr": pa.array([2, 1, 4, 3], pa.int32()),
            "pkt_srcaddr": pa.array([None, None, None, 9], pa.int32()),
            "pkt_dstaddr": pa.array([None, None, 9, None], pa.int32()),
        }
    )
    parts = staging.partition_of(table, 64)
    # rows 0 and 1 are the pair {1, 2}; rows 2 and 3 the pair {3, 9} by their original addresses
    assert parts[0] == parts[1]
    assert parts[2] == parts[3]


@pytest.mark.parametrize("start", [0, 1, 3, 8, 11])
def test_dictionary_columns_code_as_their_text_with_nulls_at_any_offset(start: int) -> None:
    # a dictionary column sliced at offsets inside and on a byte of its validity bitmap codes exactly like
    # its text: the same codes, NULL where the text is missing
    text = ["a", None, "b", "a", None, "c", "b", None, "a", "c", "c", None, "b", "a", None, "a"]
    sliced = pa.array(text).dictionary_encode().slice(start)
    table = pa.table({"srcaddr": pa.chunked_array([sliced, sliced.slice(2)])})
    vocabulary = staging.Vocabulary()
    result = staging.coded(table, vocabulary).column("srcaddr").to_pylist()
    expected = [None if value is None else vocabulary.codes[value] for value in text[start:] + text[start + 2 :]]
    assert result == expected
    assert None in result
