"""Overrides: a user's changes to the snapshot's prices — a negotiated discount (scale matching prices), a
custom rate (set a price or tiers), or a price the snapshot lacks (add it, with AWS's usage type)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vpccost.errors import InputError
from vpccost.inputs.documents import validate_document
from vpccost.inputs.suggest import did_you_mean
from vpccost.model.aws_facts import REGIONS
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.items import GLOBAL_REGION, ITEMS
from vpccost.pricing.snapshot import ANY_REGION, ExactDecimal, PriceEntry, Tier, check_tiers
from vpccost.pricing.tiers import describe_tiers
from vpccost.units import exact_arithmetic


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
        if self.tiers is not None:
            if not self.tiers:
                raise ValueError("tiers must list at least one tier")
            check_tiers(self.tiers)
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


def with_overrides(catalog: Catalog, overrides: Iterable[Override], *, source: str) -> Catalog:
    """A new catalog with the overrides applied in order; each changed entry names `source`."""
    entries = {entry.key: entry for entry in catalog.entries()}
    for number, override in enumerate(overrides, start=1):
        matched = [
            key
            for key, entry in entries.items()
            if fnmatch.fnmatchcase(entry.item, override.item)
            and (override.region == ANY_REGION or entry.region == override.region)
            and (override.to_region is None or entry.to_region == override.to_region)
        ]
        if not matched:
            _check_names(override, source, number)
            if override.scale is not None:
                raise InputError(
                    f"override {number} scales {override.item} in {override.region}, which the snapshot does "
                    "not price: give price_usd or tiers to add it",
                    source=source,
                    field=f"overrides[{number - 1}].scale",
                )
            key = _new_key(override, source, number)
            entries[key] = _new_entry(override, entries, source)
            continue
        for key in matched:
            entry = entries[key]
            entries[key] = entry.model_copy(
                update={
                    "tiers": override.new_tiers(entry.tiers),
                    "source": override.source or f"overrides file {source}",
                    "evidence": "override",
                    "verified": False,
                    "note": f"overridden (was {describe_tiers(entry.tiers)}; {entry.source})",
                }
            )
    snapshot = catalog.snapshot.model_copy(update={"entries": list(entries.values())})
    return Catalog(snapshot, name=f"{catalog.name} + {source}", overrides_source=source)


def _check_names(override: Override, source: str, number: int) -> None:
    """An override that matches no price names a registered item and AWS regions, or it is misspelt."""
    field = f"overrides[{number - 1}]"
    if not any(ch in override.item for ch in "*?[") and override.item not in ITEMS:
        raise InputError(
            f"override {number}: unknown item '{override.item}'{did_you_mean(override.item, ITEMS)}",
            source=source,
            field=f"{field}.item",
        )
    for key, region in (("region", override.region), ("to_region", override.to_region)):
        if region is not None and region not in (ANY_REGION, GLOBAL_REGION) and region not in REGIONS:
            raise InputError(
                f"override {number}: '{region}' is not an AWS region{did_you_mean(region, REGIONS)}",
                source=source,
                field=f"{field}.{key}",
            )


def _new_key(override: Override, source: str, number: int) -> tuple[str, str, str | None]:
    if override.region == ANY_REGION or any(ch in override.item for ch in "*?["):
        raise InputError(
            f"override {number} ({override.item} in {override.region}) matches no price in the snapshot; "
            "to add a price, name one item and one region",
            source=source,
            field="overrides",
        )
    return (override.item, override.region, override.to_region)


def _new_entry(override: Override, entries: dict[tuple[str, str, str | None], PriceEntry], source: str) -> PriceEntry:
    """A price the snapshot lacks, added by the user for a registered item: the usage type must be given; the
    service code and unit come from the item registry unless the override gives them."""
    sibling = next((e for e in entries.values() if e.item == override.item), None)
    known = ITEMS[override.item]
    if override.usage_type is None:
        raise InputError(
            f"{override.item} in {override.region} is not in the snapshot: add usage_type "
            "(AWS's usage type for that region) to create it",
            source=source,
            field="usage_type",
        )
    service_code = override.service_code or known.service_code
    unit = override.unit or known.unit
    try:
        return _added_entry(override, sibling, service_code, unit, source)
    except ValidationError as error:
        raise InputError(
            f"cannot add {override.item} in {override.region}: {error.errors()[0]['msg']}", source=source
        ) from None


def apply_overrides_file(catalog: Catalog, overrides: str | Path) -> Catalog:
    """The catalog with the overrides of a YAML or JSON file applied."""
    parsed = validate_document(OverridesFile, Path(overrides), what="the overrides file")
    return with_overrides(catalog, parsed.overrides, source=str(overrides))
