"""Price coverage: which items a snapshot prices in which regions, and how sure it is of each.

A user whose VPCs are in Frankfurt wants to know before running an estimate whether the snapshot can price
it. `coverage` answers with a matrix of items × regions: each cell is `verified` (the figure comes from an
AWS price record or page), `unverified` (a secondary source; estimates that use it say so), `partial`
(inter-region transfer priced to some destinations only, with no rate for the others) or `missing` (no price:
a design that needs it is reported unpriced, never priced at zero).

The core items are the ones every design in vpccost reads; `every_item=True` covers the whole item registry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from vpccost.model.aws_facts import REGIONS
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    GLOBAL_REGION,
    ITEMS,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
    NLB_HOURS,
    NLB_NLCU_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
    TRANSIT_GATEWAY_ATTACHMENT_HOURS,
    TRANSIT_GATEWAY_BYTES,
    VPC_ENDPOINT_BYTES,
    VPC_ENDPOINT_HOURS,
)
from vpccost.pricing.snapshot import ANY_REGION, PriceEntry

Status = Literal["verified", "unverified", "partial", "missing"]
STATUSES: Final[tuple[Status, ...]] = ("verified", "unverified", "partial", "missing")

CORE_ITEMS: Final = (
    NAT_GATEWAY_HOURS,
    NAT_GATEWAY_BYTES,
    TRANSIT_GATEWAY_ATTACHMENT_HOURS,
    TRANSIT_GATEWAY_BYTES,
    VPC_ENDPOINT_HOURS,
    VPC_ENDPOINT_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    PUBLIC_IPV4_IN_USE_HOURS,
    NLB_HOURS,
    NLB_NLCU_HOURS,
)
"""The items the designs read in every region: NAT gateway hours and GB, TGW attachment hours and GB,
interface endpoint hours and GB, internet, inter-region and cross-AZ transfer, public IPv4, NLB hours and
capacity units."""


@dataclass(frozen=True)
class Cell:
    """How one item is priced in one region."""

    item: str
    region: str
    status: Status
    usage_type: str | None = None
    """The usage type of the entry (of the rate to any other region, for inter-region transfer)."""
    destinations: int = 0
    """Inter-region transfer: the destinations with a rate of their own (`*` excluded)."""


@dataclass(frozen=True)
class Coverage:
    """A snapshot's coverage: a cell per (item, region), items and regions in display order."""

    snapshot: str
    items: tuple[str, ...]
    regions: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]

    def cell(self, item: str, region: str) -> Cell:
        return self.cells[(item, region)]

    def counts(self, region: str | None = None) -> dict[Status, int]:
        """How many cells have each status, over every region or one."""
        found = Counter(cell.status for cell in self.cells.values() if region is None or cell.region == region)
        return {status: found[status] for status in STATUSES}

    def ready(self, region: str) -> bool:
        """Whether every item is priced in `region` (verified or not; a partial inter-region entry is not)."""
        return all(self.cell(item, region).status in ("verified", "unverified") for item in self.items)


def coverage(catalog: Catalog, *, every_item: bool = False, regions: Sequence[str] | None = None) -> Coverage:
    """The coverage of `catalog` over `regions` (default: every region vpccost lists and every region the
    snapshot prices) for the core items, or every regional and inter-region item of the registry."""
    keys = tuple(key for key, item in ITEMS.items() if item.scope != "global") if every_item else CORE_ITEMS
    entries = list(catalog.entries())
    chosen = tuple(regions) if regions is not None else _regions(entries)
    priced: dict[tuple[str, str], list[PriceEntry]] = defaultdict(list)
    for entry in entries:
        priced[(entry.item, entry.region)].append(entry)
    cells = {(key, region): _cell(key, region, priced.get((key, region), [])) for key in keys for region in chosen}
    return Coverage(catalog.name, keys, chosen, cells)


def _regions(entries: Iterable[PriceEntry]) -> tuple[str, ...]:
    """Every region vpccost lists, in its order, then any other region the snapshot prices, sorted."""
    priced = {entry.region for entry in entries if entry.region != GLOBAL_REGION}
    return (*REGIONS, *sorted(priced - set(REGIONS)))


def _cell(key: str, region: str, found: Sequence[PriceEntry]) -> Cell:
    """The cell of `key` in `region` from the snapshot's entries for that item and region."""
    if not found:
        return Cell(key, region, "missing")
    if ITEMS[key].scope != "inter-region":
        (entry,) = found
        return Cell(key, region, _sureness(entry), entry.usage_type)
    default = next((entry for entry in found if entry.to_region == ANY_REGION), None)
    destinations = sum(1 for entry in found if entry.to_region != ANY_REGION)
    if default is None:
        return Cell(key, region, "partial", None, destinations)
    return Cell(key, region, _sureness(default), default.usage_type, destinations)


def _sureness(entry: PriceEntry) -> Status:
    return "verified" if entry.verified else "unverified"
