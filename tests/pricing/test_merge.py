"""A refreshed snapshot merged into an earlier one: the refresh's entries win, the earlier ones stay, each naming
the refresh that wrote it."""

from __future__ import annotations

import pytest

import vpccost
from tests.conftest import NEWEST_SNAPSHOT
from vpccost.errors import InputError
from vpccost.pricing.items import NAT_GATEWAY_BYTES, NAT_GATEWAY_HOURS
from vpccost.pricing.merge import merge_snapshots
from vpccost.pricing.snapshot import Snapshot

EARLIER = vpccost.load_pricing(NEWEST_SNAPSHOT).snapshot


def _refreshed(**changes: object) -> Snapshot:
    hours = EARLIER.entries[0].model_copy(update={"refresh": "AWS Price List API 2027-01-05", "sku": "NEWSKU"})
    fields: dict[str, object] = {
        "date": "2027-01-05",
        "description": "AWS on-demand list prices.",
        "usage_type_prefixes": {"us-east-1": "USE1"},
        "entries": [hours],
        "missing": [f"{NAT_GATEWAY_BYTES} in us-east-1", f"{NAT_GATEWAY_HOURS} in xx-nowhere-1"],
    }
    return Snapshot.model_validate({**fields, **changes})


def test_the_refresh_replaces_its_entries_and_keeps_every_other() -> None:
    refreshed = _refreshed()
    merged = merge_snapshots(refreshed, EARLIER)
    entries = merged.snapshot.entries
    assert entries[0] == refreshed.entries[0]
    assert [entry.key for entry in entries[1:]] == [entry.key for entry in EARLIER.entries[1:]]
    assert len(entries) == len(EARLIER.entries)
    for kept, before in zip(entries[1:], EARLIER.entries[1:], strict=True):
        assert kept.refresh == (before.refresh or "snapshot aws/2026-12-04")
        assert kept.model_copy(update={"refresh": before.refresh}) == before
    # what the refresh found no record for keeps the earlier entry; what neither has stays missing
    assert merged.kept_for_missing == [f"{NAT_GATEWAY_BYTES} in us-east-1"]
    assert merged.snapshot.missing == [f"{NAT_GATEWAY_HOURS} in xx-nowhere-1"]
    assert merged.snapshot.date == "2027-01-05"
    assert merged.snapshot.usage_type_prefixes == EARLIER.usage_type_prefixes
    assert "Merged with aws/2026-12-04" in merged.snapshot.description


def test_kept_entries_that_contradict_the_refreshed_prefixes_are_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot be merged with snapshot aws/2026-12-04") as caught:
        merge_snapshots(_refreshed(entries=[], usage_type_prefixes={"eu-west-1": "EUW1"}), EARLIER)
    assert "EUW1" in caught.value.message
