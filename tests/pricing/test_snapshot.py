"""The price snapshot: every entry carries its provenance."""

from __future__ import annotations

import vpccost
from tests.conftest import SNAPSHOT

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_every_entry_carries_its_provenance() -> None:
    entries = list(CATALOG.entries())
    assert len(entries) > 50
    for entry in entries:
        assert entry.source and entry.service_code and entry.usage_type and entry.unit
        assert entry.tiers[0].begin == 0 and entry.tiers[-1].end is None
        if entry.evidence == "U":
            assert not entry.verified, f"{entry.label}: an unconfirmed figure must be marked unverified"
