"""The price catalog: one snapshot's prices (with any overrides applied), looked up by item and region.

The catalog answers one question — what does `item` cost in `region` (to `to_region`) — and knows nothing of
designs. A price that is not there is a `MissingPriceError`, never a zero, and never a price borrowed from
another region.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpccost.errors import InputError, MissingPriceError
from vpccost.pricing.snapshot import ANY_REGION, PriceEntry, Snapshot


class Catalog:
    """Prices by (item, region, to_region), from one snapshot and optional overrides."""

    def __init__(self, snapshot: Snapshot, *, name: str, overrides_source: str | None = None) -> None:
        self.snapshot = snapshot
        self.name = name
        self.overrides_source = overrides_source
        self._entries: dict[tuple[str, str, str | None], PriceEntry] = {}
        for entry in snapshot.entries:
            if entry.key in self._entries:
                raise InputError(f"duplicate price entry for {entry.key}", source=name, field="entries")
            self._entries[entry.key] = entry

    @property
    def currency(self) -> str:
        return self.snapshot.currency

    def entries(self, region: str | None = None) -> Iterator[PriceEntry]:
        for entry in sorted(self._entries.values(), key=lambda e: (e.region, e.item, e.to_region or "")):
            if region is None or entry.region == region:
                yield entry

    def get(self, item: str, region: str, to_region: str | None = None) -> PriceEntry:
        """The entry for `item` in `region` (to `to_region`), or `MissingPriceError` naming what is missing.
        Inter-region transfer falls back to the entry for any other region (`to_region` `*`)."""
        entry = self._entries.get((item, region, to_region))
        if entry is None and to_region is not None:
            entry = self._entries.get((item, region, ANY_REGION))
        if entry is None:
            raise MissingPriceError(item, region, to_region, self.name)
        return entry

    def find(self, item: str, region: str, to_region: str | None = None) -> PriceEntry | None:
        """`get`, or None when the price is missing."""
        try:
            return self.get(item, region, to_region)
        except MissingPriceError:
            return None
