"""The price catalog: a dated snapshot of AWS list prices, each entry with its provenance, plus overrides.

The catalog answers one question — what does `item` cost in `region` — and knows nothing of designs.
Prices are looked up by a stable item name (`nat_gateway_bytes`) and a region (plus the destination region
for inter-region transfer); the entry found carries AWS's own usage type, the tiers as the price data gives
them, and where the number came from. A price that is not there is a `MissingPriceError`, never a zero.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from vpccost.datafiles import validate_document
from vpccost.errors import InputError, MissingPriceError
from vpccost.units import HOURS_PER_MONTH, exact_arithmetic, format_decimal, rounding_arithmetic

ANY_REGION = "*"


def _decimal_from_text(value: Any) -> Any:
    """Prices and tier bounds are decimal strings in the files; a float would already have lost digits."""
    if isinstance(value, float):
        raise ValueError('write prices and quantities as decimal strings (e.g. "0.045"), not numbers')
    if isinstance(value, str) and value.strip().lower() in {"inf", "infinity"}:
        return None
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(_decimal_from_text)]
OptionalExactDecimal = Annotated[Decimal | None, BeforeValidator(_decimal_from_text)]


class Tier(BaseModel):
    """One price step: `price_usd` per unit for the part of the period's quantity in [begin, end)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    begin: ExactDecimal = Field(description="Start of the tier, in the entry's unit per tier period")
    end: OptionalExactDecimal = Field(default=None, description="End of the tier; null means no upper bound")
    price_usd: ExactDecimal = Field(description="USD per unit, as a decimal string")


class PriceEntry(BaseModel):
    """One priced item in one region, with its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(description="vpccost's stable name of the priced thing, e.g. nat_gateway_bytes")
    region: str = Field(description="Region code where the usage is metered (or 'global')")
    to_region: str | None = Field(
        default=None, description="Inter-region transfer only: destination region, '*' for any other region"
    )
    service_code: str = Field(description="AWS Price List service code, e.g. AmazonVPC")
    usage_type: str = Field(description="AWS usage type as it appears on the bill for this region")
    operation: str | None = Field(default=None, description="AWS operation, where it tells entries apart")
    unit: str = Field(description="Price List unit: Hrs, GB, LCU-Hrs, HostedZone, Requests")
    tiers: tuple[Tier, ...] = Field(min_length=1, description="Price steps, lowest first")
    tier_period: Literal["month", "hour"] = Field(
        default="month", description="Tier bounds count usage per month (AWS's usual) or per hour"
    )
    sku: str | None = None
    rate_code: str | None = None
    source: str = Field(description="Where the price comes from: a page, a Price List record, a file")
    evidence: Literal["C", "C2", "D", "U", "override"] = Field(
        description="C confirmed by AWS, C2 careful secondary source, D derived from confirmed totals, "
        "U unconfirmed, override set by the user"
    )
    verified: bool = Field(description="False when the figure is not confirmed; outputs say so")
    note: str | None = None

    @model_validator(mode="after")
    def _tiers_are_contiguous(self) -> PriceEntry:
        expected_begin = Decimal(0)
        for index, tier in enumerate(self.tiers):
            if tier.begin != expected_begin:
                raise ValueError(f"tier {index} begins at {tier.begin}, expected {expected_begin}")
            last = index == len(self.tiers) - 1
            if tier.end is None and not last:
                raise ValueError(f"tier {index} has no end but is not the last tier")
            if tier.end is not None and tier.end <= tier.begin:
                raise ValueError(f"tier {index} ends at {tier.end}, not after its begin {tier.begin}")
            if tier.price_usd < 0:
                raise ValueError(f"tier {index} has a negative price")
            expected_begin = tier.end if tier.end is not None else expected_begin
        if self.tiers[-1].end is not None:
            raise ValueError("the last tier must have no end (the Price List's 'Inf')")
        return self

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.item, self.region, self.to_region)

    @property
    def label(self) -> str:
        target = f" -> {self.to_region}" if self.to_region else ""
        return f"{self.item} in {self.region}{target}"

    @property
    def is_tiered(self) -> bool:
        return len(self.tiers) > 1

    @property
    def flat_price_usd(self) -> Decimal:
        """The price of the first tier: the marginal price of the first unit."""
        return self.tiers[0].price_usd


class Snapshot(BaseModel):
    """A dated price file, `pricing/aws/<date>/prices.json`."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["aws"] = "aws"
    date: str = Field(description="ISO date the prices were gathered")
    currency: Literal["USD"] = "USD"
    description: str = ""
    usage_type_prefixes: dict[str, str] = Field(
        default_factory=dict, description="Region code -> usage-type prefix (not derivable: eu-west-1 is EU)"
    )
    entries: list[PriceEntry]


class Override(BaseModel):
    """A user's change to the snapshot: set a price, or scale matching prices (a negotiated discount)."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(description="Item name, or a glob such as 'data_transfer_*'")
    region: str = Field(default=ANY_REGION, description="Region code, or '*' for every region")
    to_region: str | None = Field(default=None, description="Inter-region transfer: destination region")
    price_usd: ExactDecimal | None = Field(default=None, description="Set a flat price per unit")
    tiers: tuple[Tier, ...] | None = Field(default=None, description="Set tiered prices")
    scale: ExactDecimal | None = Field(default=None, description="Multiply every tier price (0.88 = 12 % off)")
    usage_type: str | None = Field(default=None, description="Needed when adding a price the snapshot lacks")
    unit: str | None = None
    service_code: str | None = None
    source: str | None = Field(default=None, description="Where this rate comes from (contract, rate card)")

    @model_validator(mode="after")
    def _exactly_one_change(self) -> Override:
        changes = [self.price_usd is not None, self.tiers is not None, self.scale is not None]
        if sum(changes) != 1:
            raise ValueError("give exactly one of price_usd, tiers or scale")
        if self.scale is not None and self.scale < 0:
            raise ValueError("scale must not be negative")
        if self.price_usd is not None and self.price_usd < 0:
            raise ValueError("price_usd must not be negative")
        return self

    def new_tiers(self, entry_tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        if self.tiers is not None:
            return self.tiers
        if self.price_usd is not None:
            return (Tier(begin=Decimal(0), end=None, price_usd=self.price_usd),)
        assert self.scale is not None
        scale = self.scale
        with exact_arithmetic():
            return tuple(tier.model_copy(update={"price_usd": tier.price_usd * scale}) for tier in entry_tiers)


class OverridesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overrides: list[Override]


@dataclass(frozen=True)
class TierCharge:
    """The part of a quantity that falls in one tier, and its price."""

    label: str | None
    quantity: Decimal
    price_usd: Decimal


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
        """The entry for `item` in `region` (to `to_region`), or `MissingPriceError` naming what is missing."""
        entry = self._entries.get((item, region, to_region))
        if entry is None and to_region is not None:
            entry = self._entries.get((item, region, ANY_REGION))
        if entry is None:
            raise MissingPriceError(item, region, to_region, self.name)
        return entry

    def cost(
        self,
        item: str,
        region: str,
        quantity: Decimal,
        *,
        to_region: str | None = None,
        period_hours: Decimal = HOURS_PER_MONTH,
    ) -> Decimal:
        """What `quantity` (in the item's unit, over `period_hours`) of `item` costs in `region`, tiers applied."""
        entry = self.get(item, region, to_region)
        with exact_arithmetic():
            return sum(
                (charge.quantity * charge.price_usd for charge in split_into_tiers(entry, quantity, period_hours)),
                Decimal(0),
            )

    def with_overrides(self, overrides: Iterable[Override], *, source: str) -> Catalog:
        """A new catalog with the overrides applied in order; each changed entry names `source`."""
        entries = dict(self._entries)
        for number, override in enumerate(overrides, start=1):
            matched = [
                key
                for key, entry in entries.items()
                if fnmatch.fnmatchcase(entry.item, override.item)
                and (override.region == ANY_REGION or entry.region == override.region)
                and (override.to_region is None or entry.to_region == override.to_region)
            ]
            if not matched:
                if override.scale is not None:
                    raise InputError(
                        f"override {number} scales {override.item} in {override.region}, which the snapshot does "
                        "not price: give price_usd or tiers to add it",
                        source=source,
                        field=f"overrides[{number - 1}].scale",
                    )
                entries[self._new_key(override, source, number)] = self._new_entry(override, entries, source)
                continue
            for key in matched:
                entry = entries[key]
                entries[key] = entry.model_copy(
                    update={
                        "tiers": override.new_tiers(entry.tiers),
                        "source": override.source or f"overrides file {source}",
                        "evidence": "override",
                        "verified": False,
                        "note": f"overridden (was {_describe_tiers(entry.tiers)}; {entry.source})",
                    }
                )
        snapshot = self.snapshot.model_copy(update={"entries": list(entries.values())})
        return Catalog(snapshot, name=f"{self.name} + {source}", overrides_source=source)

    @staticmethod
    def _new_key(override: Override, source: str, number: int) -> tuple[str, str, str | None]:
        if override.region == ANY_REGION or any(ch in override.item for ch in "*?["):
            raise InputError(
                f"override {number} ({override.item} in {override.region}) matches no price in the snapshot; "
                "to add a price, name one item and one region",
                source=source,
                field="overrides",
            )
        return (override.item, override.region, override.to_region)

    @staticmethod
    def _new_entry(
        override: Override, entries: dict[tuple[str, str, str | None], PriceEntry], source: str
    ) -> PriceEntry:
        """A price the snapshot lacks, added by the user: the usage type must be given; the rest may be
        taken from the same item in another region."""
        sibling = next((e for e in entries.values() if e.item == override.item), None)
        if override.usage_type is None:
            raise InputError(
                f"{override.item} in {override.region} is not in the snapshot: add usage_type "
                "(AWS's usage type for that region) to create it",
                source=source,
                field="usage_type",
            )
        service_code = override.service_code or (sibling.service_code if sibling else None)
        unit = override.unit or (sibling.unit if sibling else None)
        if service_code is None or unit is None:
            raise InputError(
                f"{override.item} is not a known item: give service_code and unit to add it",
                source=source,
                field="item",
            )
        try:
            return _added_entry(override, sibling, service_code, unit, source)
        except ValidationError as error:
            raise InputError(
                f"cannot add {override.item} in {override.region}: {error.errors()[0]['msg']}", source=source
            ) from None


def _added_entry(
    override: Override, sibling: PriceEntry | None, service_code: str, unit: str, source: str
) -> PriceEntry:
    assert override.usage_type is not None
    return PriceEntry(
        item=override.item,
        region=override.region,
        to_region=override.to_region,
        service_code=service_code,
        usage_type=override.usage_type,
        operation=sibling.operation if sibling else None,
        unit=unit,
        tiers=override.new_tiers(()),  # price_usd or tiers: a scale was refused above
        tier_period=sibling.tier_period if sibling else "month",
        source=override.source or f"overrides file {source}",
        evidence="override",
        verified=False,
        note="added by overrides file",
    )


def _describe_tiers(tiers: tuple[Tier, ...]) -> str:
    return " / ".join(format_decimal(tier.price_usd) for tier in tiers)


def tier_scale(entry: PriceEntry, period_hours: Decimal) -> Decimal:
    """How many tier periods the estimate's period holds: tier bounds are multiplied by this."""
    return _tier_scale(entry.tier_period, period_hours)


@functools.lru_cache(maxsize=64)
def _tier_scale(tier_period: str, period_hours: Decimal) -> Decimal:
    if tier_period == "hour":
        return period_hours
    # Monthly bounds scale by hours/730, which need not be a finite decimal: rounded to 1e-12 here.
    with rounding_arithmetic():
        return (period_hours / HOURS_PER_MONTH).quantize(Decimal("1E-12")).normalize()


def split_into_tiers(entry: PriceEntry, quantity: Decimal, period_hours: Decimal) -> list[TierCharge]:
    """Split the period's total `quantity` of `entry`'s unit over its tiers (bounds from the price data).

    Only tiers that receive some quantity are returned; an untiered entry gives one charge."""
    if not entry.is_tiered:
        return [TierCharge(None, quantity, entry.tiers[0].price_usd)]
    scale = tier_scale(entry, period_hours)
    charges: list[TierCharge] = []
    with exact_arithmetic():
        for tier in entry.tiers:
            begin = tier.begin * scale
            end = None if tier.end is None else tier.end * scale
            if quantity <= begin and not (begin == 0 and quantity == 0):
                break
            upper = quantity if end is None else min(quantity, end)
            charges.append(TierCharge(_tier_label(tier, entry.unit, entry.tier_period), upper - begin, tier.price_usd))
    return charges


@functools.lru_cache(maxsize=256)
def _tier_label(tier: Tier, unit: str, period: str) -> str:
    per = "/hour" if period == "hour" else "/month"
    if tier.begin == 0 and tier.end is not None:
        return f"first {format_decimal(tier.end)} {unit}{per}"
    if tier.end is None:
        return f"over {format_decimal(tier.begin)} {unit}{per}"
    return f"next {format_decimal(tier.end - tier.begin)} {unit}{per}"


def bundled_snapshot_dir() -> Path:
    """The newest snapshot bundled with vpccost (`pricing/aws/<date>/`)."""
    roots = [Path(str(resources.files("vpccost") / "_pricing" / "aws")), Path(__file__).parents[2] / "pricing" / "aws"]
    for root in roots:
        if root.is_dir():
            dated = sorted(path for path in root.iterdir() if (path / "prices.json").is_file())
            if dated:
                return dated[-1]
    raise FileNotFoundError("no bundled price snapshot found under pricing/aws/")


def load_pricing(snapshot: str | Path | None = None, *, overrides: str | Path | None = None) -> Catalog:
    """Load a price snapshot (a `pricing/aws/<date>/` folder or its `prices.json`; the newest bundled one
    when None) and apply an overrides file (YAML or JSON) if given."""
    path = Path(snapshot) if snapshot is not None else bundled_snapshot_dir()
    if path.is_dir():
        path = path / "prices.json"
    parsed = _parsed_snapshot(path.resolve(), path.stat().st_mtime_ns if path.is_file() else 0)
    catalog = Catalog(parsed, name=f"{parsed.provider}/{parsed.date}")
    return catalog if overrides is None else apply_overrides_file(catalog, overrides)


@functools.lru_cache(maxsize=8)
def _parsed_snapshot(path: Path, mtime_ns: int) -> Snapshot:
    """Snapshots are read once per process (per file version): they are immutable data."""
    return validate_document(Snapshot, path)


def apply_overrides_file(catalog: Catalog, overrides: str | Path) -> Catalog:
    """The catalog with the overrides of a YAML or JSON file applied."""
    parsed = validate_document(OverridesFile, Path(overrides))
    return catalog.with_overrides(parsed.overrides, source=str(overrides))


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
