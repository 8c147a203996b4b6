"""What changed between two price snapshots, entry by entry: prices and tier bounds, usage types, verified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vpccost.pricing.catalog import Catalog
from vpccost.pricing.snapshot import PriceEntry
from vpccost.units import format_decimal


@dataclass(frozen=True)
class PriceChange:
    """One difference between two snapshots: an entry added, removed, or changed (and what changed)."""

    item: str
    region: str
    to_region: str | None
    change: Literal["added", "removed", "changed"]
    before: str | None
    """The old tiers' prices (`0.09 / 0.085 / …`), usage type and verified flag, as text; None when added."""
    after: str | None

    @property
    def label(self) -> str:
        target = f" -> {self.to_region}" if self.to_region else ""
        return f"{self.item} in {self.region}{target}"


def diff_catalogs(old: Catalog, new: Catalog) -> list[PriceChange]:
    """What changed from `old` to `new`, by item and region: prices and tier bounds, usage types, verified."""
    before = {entry.key: entry for entry in old.entries()}
    after = {entry.key: entry for entry in new.entries()}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[0], k[2] or "")):
        item, region, to_region = key
        was, now = before.get(key), after.get(key)
        if was is None:
            changes.append(PriceChange(item, region, to_region, "added", None, _summary(now)))
        elif now is None:
            changes.append(PriceChange(item, region, to_region, "removed", _summary(was), None))
        elif _summary(was) != _summary(now):
            changes.append(PriceChange(item, region, to_region, "changed", _summary(was), _summary(now)))
    return changes


def _summary(entry: PriceEntry | None) -> str | None:
    if entry is None:
        return None
    tiers = " / ".join(
        f"{format_decimal(tier.price_usd)}" + (f" to {format_decimal(tier.end)}" if tier.end is not None else "")
        for tier in entry.tiers
    )
    verified = "verified" if entry.verified else "unverified"
    return f"{tiers} USD/{entry.unit} ({entry.usage_type}, {verified})"
