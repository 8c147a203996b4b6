"""Build a price snapshot from the AWS Price List API (the `pricing` service, queried in us-east-1).

Every item of the registry (`vpccost.pricing.items`) is found by its service code and its usage type for the
region (plus the operation or product family where several records share a usage type): one query per regional
item and region, one per ordered pair of regions for inter-region transfer, and one for each global item. Usage
types are formed from the snapshot's usage-type prefixes, which are not derivable from region codes (eu-west-1 is
`EU`); in us-east-1 some usage types carry no prefix at all. A region whose prefix is unknown is queried by its
region attribute (`regionCode`; `fromRegionCode`/`toRegionCode` for transfer) and the item's usage type without
prefix instead, and the records found teach the prefix: `EUW2-NatGateway-Hours` in eu-west-2 gives `EUW2`.

`answers` decides whether a record is one a query asks for; the API and the bulk offer files
(`vpccost.aws.offer_files`) both go through it. A query that matches nothing is reported as missing, never priced
at zero, and listed in the snapshot's `missing`. An item whose records a query cannot turn into its price is not
queried; `price_list_gaps` says where its price comes from instead.

Usage (network and AWS credentials needed; the tests use botocore's Stubber instead):

    client = boto3.client("pricing", region_name="us-east-1")
    snapshot, problems = fetch_snapshot(client, ["us-east-1", "eu-west-1"], prefixes=bundled.usage_type_prefixes,
                                        date="2026-12-01")
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

import botocore.exceptions  # type: ignore[import-untyped,unused-ignore]

from vpccost.errors import InputError
from vpccost.model.aws_facts import REGIONS
from vpccost.outputs.files import write_text_atomically
from vpccost.pricing.items import GLOBAL_REGION, ITEMS, Item, Scope
from vpccost.pricing.items import item as registered_item
from vpccost.pricing.snapshot import PriceEntry, Snapshot, Tier

FORMAT_VERSION = "aws_v1"
API_ORIGIN = "AWS Price List API"
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"})


class PricingClient(Protocol):
    """The part of a boto3 `pricing` client used here."""

    def get_paginator(self, operation_name: str) -> Any: ...


REGION_FIELDS = ("regionCode", "fromRegionCode", "toRegionCode")
"""The record attributes that name a region."""


@dataclass(frozen=True)
class Query:
    """One Price List query: what it prices and the filters that find it."""

    item: str
    region: str
    to_region: str | None
    service_code: str
    usage_type: str | None
    """The usage type the known prefixes give; None where a region's prefix is unknown: the filters then name the
    region by its attributes and the records found must carry `<prefix>-<the item's usage type>`."""
    filters: list[dict[str, str]]

    @property
    def label(self) -> str:
        target = f" -> {self.to_region}" if self.to_region else ""
        return f"{self.item} in {self.region}{target}"

    @property
    def filter_text(self) -> str:
        terms = ", ".join(
            f"{f['Field']}={f['Value']}" if f["Type"] == "TERM_MATCH" else f"{f['Field']} contains {f['Value']}"
            for f in self.filters
        )
        return f"ServiceCode={self.service_code}, {terms}"

    @property
    def spec(self) -> Item:
        return _registered(self.item)


def _region_field(item: Item) -> str:
    """The attribute a regional item's records name their region by: AWSDataTransfer writes `fromRegionCode`."""
    return "fromRegionCode" if item.service_code == "AWSDataTransfer" else "regionCode"


def _query(item: Item, region: str, to_region: str | None, prefixes: Mapping[str, str]) -> Query:
    """The query for `item` in `region` (to `to_region`): its usage type there and the registry's filters; where
    a prefix is unknown, the region's attributes and the usage type's unprefixed part instead."""
    try:
        usage_type: str | None = item.usage_type_for(region, prefixes, to_region)
    except KeyError:
        usage_type = None
    if usage_type is not None:
        terms = [("TERM_MATCH", "usagetype", usage_type)]
    else:
        named = [("fromRegionCode", region), ("toRegionCode", to_region or "")] if to_region else []
        terms = [("CONTAINS", "usagetype", f"-{item.usage_type}")]
        terms += [("TERM_MATCH", field, value) for field, value in named or [(_region_field(item), region)]]
    if item.filter_on_operation and item.operation is not None:
        terms.append(("TERM_MATCH", "operation", item.operation))
    if item.product_family is not None:
        terms.append(("TERM_MATCH", "productFamily", item.product_family))
    filters = [{"Type": kind, "Field": field, "Value": value} for kind, field, value in terms]
    return Query(item.key, region, to_region, item.service_code, usage_type, filters)


def _queried(scope: Scope) -> list[Item]:
    return [item for item in ITEMS.values() if item.scope == scope and item.price_source is None]


def plan_queries(regions: Sequence[str], prefixes: Mapping[str, str]) -> list[Query]:
    """Every query a snapshot of `regions` needs: each regional item per region, then inter-region transfer for
    each ordered region pair, then each global item once (region `global`). Items the Price List cannot price
    (`price_list_gaps`) are left out. A region without a prefix in `prefixes` is queried by its attributes."""
    ordered = list(dict.fromkeys(regions))
    queries = [_query(item, region, None, prefixes) for region in ordered for item in _queried("regional")]
    queries += [
        _query(item, source, target, prefixes)
        for source in ordered
        for target in ordered
        if source != target
        for item in _queried("inter-region")
    ]
    queries += [_query(item, GLOBAL_REGION, None, prefixes) for item in _queried("global")]
    return queries


def price_list_gaps() -> list[str]:
    """One sentence per registered item `plan_queries` leaves out, saying where its price comes from instead."""
    return [
        f"{item.key} is not read from the AWS Price List; its price comes from {item.price_source}: add it "
        "with an overrides file (--overrides) or keep the entry of an earlier snapshot"
        for item in ITEMS.values()
        if item.price_source is not None
    ]


def _registered(key: str) -> Item:
    try:
        return registered_item(key)
    except KeyError as error:
        raise ValueError(error.args[0]) from None


def _exact(text: Any, what: str) -> Decimal:
    """A Price List number as an exact, normalized Decimal (no exponent for whole numbers: 10240, not 1.024E+4)."""
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a decimal string, got {text!r}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} is not a decimal: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} is not finite: {text!r}")
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    return normalized.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normalized


def parse_price_record(
    record: str | Mapping[str, Any],
    *,
    item: str,
    region: str,
    to_region: str | None = None,
    filter_text: str,
    origin: str = API_ORIGIN,
    refresh: str | None = None,
) -> PriceEntry:
    """One Price List record (the JSON string `get_products` returns, or its parsed dict) as a `PriceEntry`.

    The record must have exactly one on-demand term; its price dimensions become the tiers, sorted by
    `beginRange` (`Inf` ends the last tier). `origin` opens the entry's `source` (where the record came from);
    `refresh` names the refresh that wrote it (`origin` when not given).
    Raises `ValueError` when the record is not a usable price."""
    data: Any = json.loads(record) if isinstance(record, str) else record
    spec = _registered(item)
    try:
        product = data["product"]
        attributes = product["attributes"]
        sku = product["sku"]
        terms = data["terms"]["OnDemand"]
    except (KeyError, TypeError) as error:
        raise ValueError(f"Price List record for {item} in {region} lacks {error}") from None
    if len(terms) != 1:
        raise ValueError(f"record {sku} has {len(terms)} on-demand terms, expected 1")
    (term,) = terms.values()
    dimensions = sorted(
        term.get("priceDimensions", {}).items(), key=lambda pair: _exact(pair[1].get("beginRange", "0"), "beginRange")
    )
    if not dimensions:
        raise ValueError(f"record {sku} has no price dimensions")
    units = {dimension.get("unit") for _, dimension in dimensions}
    if len(units) != 1 or None in units:
        raise ValueError(f"record {sku} mixes units {sorted(map(str, units))}")
    tiers = tuple(
        Tier(
            begin=_exact(dimension.get("beginRange", "0"), "beginRange"),
            end=None
            if str(dimension.get("endRange", "Inf")).lower() == "inf"
            else _exact(dimension["endRange"], "endRange"),
            price_usd=_exact(dimension.get("pricePerUnit", {}).get("USD"), f"price of {rate_code}"),
        )
        for rate_code, dimension in dimensions
    )
    publication = data.get("publicationDate", "unknown")
    return PriceEntry(
        item=item,
        region=region,
        to_region=to_region,
        service_code=data.get("serviceCode") or attributes.get("servicecode") or spec.service_code,
        usage_type=attributes["usagetype"],
        operation=spec.operation,
        unit=units.pop(),
        tiers=tiers,
        sku=sku,
        rate_code=",".join(rate_code for rate_code, _ in dimensions),
        source=f"{origin} (publicationDate {publication}, filter {filter_text})",
        source_date=_iso_date(publication),
        refresh=refresh or origin,
        evidence="C",
        verified=True,
    )


def _iso_date(publication: object) -> str | None:
    """The day of a Price List `publicationDate` (`2026-08-31T12:14:48Z` -> `2026-08-31`), None if it is not one."""
    text = str(publication)[:10]
    return text if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None


def _text(value: Any) -> str | None:
    """An attribute's value, None when absent or empty (offer CSVs leave cells empty, JSON writes "")."""
    return value if isinstance(value, str) and value else None


def named_regions(record: Mapping[str, Any]) -> set[str]:
    """The regions a record's attributes name (`regionCode`, `fromRegionCode`, `toRegionCode`)."""
    attributes = record.get("product", {}).get("attributes", {})
    return {text for field in REGION_FIELDS if (text := _text(attributes.get(field))) is not None}


def answers(record: Mapping[str, Any], query: Query) -> bool:
    """Whether a Price List record (an API item, or a product and its terms from an offer file) is one `query`
    asks for (of the query's service: the API asks for no other, and offer files are read by service code): its
    operation and product family are the query's, the regions its attributes name are the query's, and its usage
    type is the item's there. A record naming every region of the query may carry any
    prefix (`EUW2-NatGateway-Hours`: the record tells the prefix, and wins over the table); one naming none must
    carry the usage type the known prefixes give (a global item's names no region)."""
    product = record.get("product", {})
    attributes = product.get("attributes", {})
    for term in query.filters:
        field = term["Field"]
        if field == "usagetype" or field in REGION_FIELDS:
            continue
        value = product.get("productFamily") if field == "productFamily" else attributes.get(field)
        if value != term["Value"]:
            return False
    usage_type = attributes.get("usagetype")
    if not isinstance(usage_type, str):
        return False
    if query.region == GLOBAL_REGION:
        return usage_type == query.usage_type
    if query.to_region is None:
        wanted = {"region": query.region}
        named = {"region": _text(attributes.get("regionCode")) or _text(attributes.get("fromRegionCode"))}
    else:
        wanted = {"from": query.region, "to": query.to_region}
        named = {"from": _text(attributes.get("fromRegionCode")), "to": _text(attributes.get("toRegionCode"))}
    if any(region is not None and region != wanted[side] for side, region in named.items()):
        return False
    if usage_type == query.usage_type:
        return True
    return None not in named.values() and query.spec.prefixes_of(usage_type, query.region) is not None


def _is_throttling(error: Exception) -> bool:
    if not isinstance(error, botocore.exceptions.ClientError):
        return False
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in THROTTLING_CODES


def query_records(
    client: PricingClient,
    query: Query,
    *,
    attempts: int = 5,
    base_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str | dict[str, Any]]:
    """All PriceList records one query returns (every page), retrying throttling with exponential backoff."""
    for attempt in range(attempts):
        try:
            return list(_pages(client, query))
        except botocore.exceptions.ClientError as error:
            if not _is_throttling(error) or attempt == attempts - 1:
                raise
            sleep(base_delay * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _pages(client: PricingClient, query: Query) -> Iterator[str | dict[str, Any]]:
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(ServiceCode=query.service_code, Filters=query.filters, FormatVersion=FORMAT_VERSION):
        yield from page.get("PriceList", [])


def fetch_snapshot(
    client: PricingClient,
    regions: Sequence[str],
    *,
    prefixes: Mapping[str, str],
    date: str,
    attempts: int = 5,
    base_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Snapshot, list[str]]:
    """A snapshot of every item `plan_queries` asks for: each regional item in `regions`, inter-region transfer
    between each ordered pair of them, and the global items (region `global`).

    Returns the snapshot and the problems: `"<item> in <region>"` (`... -> <to>` for inter-region) for each
    query that found no record, which the caller must treat as missing prices, never as zero. A query whose
    records disagree on their usage type, tiers or unit is reported too (`"<item> in <region>: N records disagree
    (SKUs)"`) and left out of the snapshot; records that agree are taken once, from the lowest SKU. The snapshot's
    `missing` lists the label of every query left without an entry; its `usage_type_prefixes` are `prefixes` with
    what the records taught. Each entry's `refresh` is `AWS Price List API <date>`. Raises `InputError` for a
    region vpccost does not list that no record names."""
    refresh = f"{API_ORIGIN} {date}"
    outcomes: list[tuple[Query, PriceEntry | str]] = []
    named: set[str] = set()
    for query in plan_queries(regions, prefixes):
        records = query_records(client, query, attempts=attempts, base_delay=base_delay, sleep=sleep)
        decoded = [json.loads(record) if isinstance(record, str) else record for record in records]
        named.update(region for record in decoded for region in named_regions(record))
        outcomes.append((query, resolve_query(query, decoded, refresh=refresh)))
    check_regions_named(regions, named, "the AWS Price List API")
    return assemble(
        outcomes,
        prefixes=prefixes,
        date=date,
        description=f"AWS on-demand list prices (USD) from the AWS Price List API, gathered {date}.",
    )


def check_regions_named(regions: Sequence[str], named: set[str], where: str) -> None:
    """An `InputError` for the regions vpccost does not list (`model.aws_facts.REGIONS`) that no price record
    names: AWS may publish a region vpccost does not know yet, but only its price data can say so."""
    unknown = [region for region in dict.fromkeys(regions) if region not in REGIONS and region not in named]
    if unknown:
        raise InputError(
            f"{', '.join(unknown)}: not a region vpccost lists, and no record of {where} names it "
            "(regionCode); check the spelling",
            field="regions",
        )


def resolve_query(
    query: Query, records: Sequence[Mapping[str, Any]], *, origin: str = API_ORIGIN, refresh: str | None = None
) -> PriceEntry | str:
    """The entry `query` prices from `records` (PriceList items as dicts), or the problem to report.

    Records that do not `answer` the query are ignored; where some carry the usage type the known prefixes give,
    only those count. No record left: the query's label (a missing price, never zero). Records that disagree on
    usage type, unit or tiers: `"<label>: N records disagree (SKUs)"`. Otherwise the entry from the lowest SKU.
    Raises `ValueError` when a record is not a usable price."""
    found = [record for record in records if answers(record, query)]
    exact = [record for record in found if record["product"]["attributes"]["usagetype"] == query.usage_type]
    parsed = [
        parse_price_record(
            record,
            item=query.item,
            region=query.region,
            to_region=query.to_region,
            filter_text=query.filter_text,
            origin=origin,
            refresh=refresh,
        )
        for record in exact or found
    ]
    if not parsed:
        return query.label
    parsed.sort(key=lambda entry: entry.sku or "")
    if len({(entry.usage_type, entry.unit, entry.tiers) for entry in parsed}) > 1:
        skus = ", ".join(entry.sku or "?" for entry in parsed)
        return f"{query.label}: {len(parsed)} records disagree ({skus})"
    return parsed[0]


def assemble(
    outcomes: Sequence[tuple[Query, PriceEntry | str]],
    *,
    prefixes: Mapping[str, str],
    date: str,
    description: str,
) -> tuple[Snapshot, list[str]]:
    """The snapshot of the queries' outcomes and the problems (see `fetch_snapshot`).

    The prefix an entry's usage type carries is learned for its region(s) and wins over `prefixes`; an entry whose
    prefix contradicts one learned from an earlier entry of its region is left out and reported."""
    learned: dict[str, tuple[str, str]] = {}
    """Region -> (prefix, the label of the entry that taught it)."""
    entries: list[PriceEntry] = []
    problems: list[str] = []
    missing: list[str] = []
    for query, outcome in outcomes:
        if isinstance(outcome, str):
            problems.append(outcome)
            missing.append(query.label)
            continue
        taught = (query.region,) if query.to_region is None else (query.region, query.to_region)
        carried = dict(zip(taught, query.spec.prefixes_of(outcome.usage_type, query.region) or (), strict=False))
        clash = [
            f"{region} is {learned[region][0]} in {learned[region][1]}"
            for region, prefix in carried.items()
            if region in learned and learned[region][0] != prefix
        ]
        if clash:
            problems.append(f"{query.label}: usage type {outcome.usage_type} contradicts the prefix of {clash[0]}")
            missing.append(query.label)
            continue
        for region, prefix in carried.items():
            learned.setdefault(region, (prefix, query.label))
        entries.append(outcome)
    snapshot = Snapshot(
        date=date,
        description=description,
        usage_type_prefixes={**prefixes, **{region: prefix for region, (prefix, _) in learned.items()}},
        entries=entries,
        missing=missing,
    )
    return snapshot, problems


def write_snapshot(snapshot: Snapshot, directory: Path) -> Path:
    """Write `snapshot` as `directory/prices.json` (whole or not at all); prices stay decimal strings."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "prices.json"
    document = snapshot.model_dump(mode="json", exclude_none=True)
    write_text_atomically(path, json.dumps(document, indent=2) + "\n")
    return path
