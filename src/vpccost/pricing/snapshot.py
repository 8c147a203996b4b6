"""The price snapshot: a dated file of AWS list prices, `pricing/aws/<date>/prices.json`, each entry with
its provenance.

An entry prices one registered item (`vpccost.pricing.items`) in one region (plus the destination region for
inter-region transfer) and carries AWS's own usage type, the tiers as the price data gives them, and where the
number came from. Snapshots are data, never code; tests name the snapshot they mean by its path.
"""

from __future__ import annotations

import difflib
import functools
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from vpccost.inputs.documents import validate_document
from vpccost.model.aws_facts import REGIONS
from vpccost.pricing.items import GLOBAL_REGION, ITEMS

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


def check_tiers(tiers: tuple[Tier, ...]) -> None:
    """Tiers start at 0, each begins where the one before ends, the last has no end, none has a negative price: a
    `ValueError` says which tier breaks the rule (a gap or an overlap would bill some quantity twice or not at all)."""
    expected_begin = Decimal(0)
    for index, tier in enumerate(tiers):
        if tier.begin != expected_begin:
            raise ValueError(f"tier {index} begins at {tier.begin}, expected {expected_begin}")
        last = index == len(tiers) - 1
        if tier.end is None and not last:
            raise ValueError(f"tier {index} has no end but is not the last tier")
        if tier.end is not None and tier.end <= tier.begin:
            raise ValueError(f"tier {index} ends at {tier.end}, not after its begin {tier.begin}")
        if tier.price_usd < 0:
            raise ValueError(f"tier {index} has a negative price")
        expected_begin = tier.end if tier.end is not None else expected_begin
    if tiers and tiers[-1].end is not None:
        raise ValueError("the last tier must have no end (the Price List's 'Inf')")


class PriceEntry(BaseModel):
    """One priced item in one region, with its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(
        description="vpccost's stable name of the priced thing (its item registry key), e.g. nat_gateway_bytes"
    )
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
    source: str = Field(min_length=1, description="Where the price comes from: a page, a Price List record, a file")
    source_date: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$",
        description="The date of the source (ISO date; the year alone where the source is undated)",
    )
    refresh: str | None = Field(
        default=None,
        description="The refresh that wrote this entry (e.g. 'AWS Price List API 2026-12-04'); kept when a later "
        "refresh merges with this snapshot and does not reprice the entry",
    )
    evidence: Literal["C", "C2", "D", "U", "override"] = Field(
        description="C confirmed by AWS, C2 careful secondary source, D derived from confirmed totals, "
        "U unconfirmed, override set by the user"
    )
    verified: bool = Field(description="False when the figure is not confirmed; outputs say so")
    note: str | None = None

    @field_validator("item")
    @classmethod
    def _registered_item(cls, key: str) -> str:
        if key not in ITEMS:
            close = difflib.get_close_matches(key, ITEMS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"unknown item '{key}'{hint}")
        return key

    @model_validator(mode="after")
    def _tiers_are_contiguous(self) -> PriceEntry:
        check_tiers(self.tiers)
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
    missing: list[str] = Field(
        default_factory=list,
        description="What the refresh that wrote the snapshot found no record for, as '<item> in <region>' "
        "('... -> <to_region>' for inter-region transfer); those prices are simply absent, so an estimate "
        "reports the designs that need them unpriced, as for any missing price",
    )

    @field_validator("usage_type_prefixes")
    @classmethod
    def _prefixes_are_aws_forms(cls, prefixes: dict[str, str]) -> dict[str, str]:
        for region, prefix in prefixes.items():
            if not _REGION_CODE.match(region):
                raise ValueError(f"{region!r} is not an AWS region code{_close_region(region)}")
            if not _PREFIX.match(prefix):
                raise ValueError(f"{region}: {prefix!r} is not a usage-type prefix (capital letters and digits)")
        return prefixes

    @field_validator("entries")
    @classmethod
    def _entries_name_aws_regions_and_usage_types(
        cls, entries: list[PriceEntry], info: ValidationInfo
    ) -> list[PriceEntry]:
        """Every entry's region is one AWS has (one vpccost lists, or one the snapshot's price data gives a
        usage-type prefix for), and its usage type is the registry's for that region."""
        prefixes: dict[str, str] = info.data.get("usage_type_prefixes", {})
        for index, entry in enumerate(entries):
            for field, region in (("region", entry.region), ("to_region", entry.to_region)):
                if region is None or region == ANY_REGION or (region == GLOBAL_REGION and field == "region"):
                    continue
                if region not in REGIONS and region not in prefixes:
                    raise ValueError(
                        f"entries[{index}].{field}: {region!r} is not an AWS region{_close_region(region)}"
                    )
            expected = _expected_usage_type(entry, prefixes)
            if expected is not None and entry.usage_type != expected:
                raise ValueError(
                    f"entries[{index}].usage_type: {entry.label} is billed as {expected!r} (the item's usage type "
                    f"with the region's prefix from usage_type_prefixes), not {entry.usage_type!r}"
                )
        return entries


_REGION_CODE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
_PREFIX = re.compile(r"^[A-Z0-9]+$")


def _close_region(region: str) -> str:
    close = difflib.get_close_matches(region, REGIONS, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _expected_usage_type(entry: PriceEntry, prefixes: dict[str, str]) -> str | None:
    """The usage type AWS bills `entry` under, or None where the prefixes do not say (an unknown prefix; a
    rate to any other region, written with `*` for the destination's prefix)."""
    item = ITEMS[entry.item]
    to_region = entry.to_region
    if to_region == ANY_REGION:
        prefix = prefixes.get(entry.region)
        return None if prefix is None else f"{prefix}-{ANY_REGION}-{item.usage_type}"
    try:
        return item.usage_type_for(entry.region, prefixes, to_region)
    except KeyError:
        return None


def bundled_snapshot_dir() -> Path:
    """The newest snapshot bundled with vpccost (`pricing/aws/<date>/`)."""
    roots = [Path(str(resources.files("vpccost") / "_pricing" / "aws")), Path(__file__).parents[3] / "pricing" / "aws"]
    for root in roots:
        if root.is_dir():
            dated = sorted(path for path in root.iterdir() if (path / "prices.json").is_file())
            if dated:
                return dated[-1]
    raise FileNotFoundError("no bundled price snapshot found under pricing/aws/")


@functools.lru_cache(maxsize=8)
def parsed_snapshot(path: Path, mtime_ns: int) -> Snapshot:
    """Snapshots are read once per process (per file version): they are immutable data."""
    return validate_document(Snapshot, path)
