"""Build a price snapshot from the AWS Price List API (the `pricing` service, queried in us-east-1).

Every item of the registry (`vpccost.pricing.items`) is found by an exact match on its service code and its
usage type for the region (plus the operation or product family where several records share a usage type):
one query per regional item and region, one per ordered pair of regions for inter-region transfer, and one for
each global item. Usage types are formed from the snapshot's usage-type prefixes, which are not derivable from
region codes (eu-west-1 is `EU`); in us-east-1 some usage types carry no prefix at all. A region whose prefix is
unknown cannot be queried: its usage types would be guesses, so the refresh refuses it. A query that matches
nothing is reported as missing, never priced at zero. An item whose records a query cannot turn into its price
is not queried; `price_list_gaps` says where its price comes from instead.

Usage (network and AWS credentials needed; the tests use botocore's Stubber instead):

    client = boto3.client("pricing", region_name="us-east-1")
    snapshot, missing = fetch_snapshot(client, ["us-east-1", "eu-west-1"], prefixes=bundled.usage_type_prefixes,
                                       date="2026-12-01")
"""

from __future__ import annotations

import csv
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
from vpccost.outputs.files import write_text_atomically
from vpccost.pricing.items import GLOBAL_REGION, ITEMS, Item, Scope, regions_without_prefix
from vpccost.pricing.items import item as registered_item
from vpccost.pricing.snapshot import PriceEntry, Snapshot, Tier

FORMAT_VERSION = "aws_v1"
API_ORIGIN = "AWS Price List API"
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"})


class PricingClient(Protocol):
    """The part of a boto3 `pricing` client used here."""

    def get_paginator(self, operation_name: str) -> Any: ...


@dataclass(frozen=True)
class Query:
    """One Price List query: what it prices and the filters that find it."""

    item: str
    region: str
    to_region: str | None
    service_code: str
    usage_type: str
    filters: list[dict[str, str]]

    @property
    def label(self) -> str:
        target = f" -> {self.to_region}" if self.to_region else ""
        return f"{self.item} in {self.region}{target}"

    @property
    def filter_text(self) -> str:
        terms = ", ".join(f"{f['Field']}={f['Value']}" for f in self.filters)
        return f"ServiceCode={self.service_code}, {terms}"


def _query(item: Item, region: str, to_region: str | None, prefixes: Mapping[str, str]) -> Query:
    """The query for `item` in `region` (to `to_region`): its usage type there and the registry's filters."""
    usage_type = item.usage_type_for(region, prefixes, to_region)
    fields = [("usagetype", usage_type)]
    if item.filter_on_operation and item.operation is not None:
        fields.append(("operation", item.operation))
    if item.product_family is not None:
        fields.append(("productFamily", item.product_family))
    filters = [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in fields]
    return Query(item.key, region, to_region, item.service_code, usage_type, filters)


def _queried(scope: Scope) -> list[Item]:
    return [item for item in ITEMS.values() if item.scope == scope and item.price_source is None]


def plan_queries(regions: Sequence[str], prefixes: Mapping[str, str]) -> list[Query]:
    """Every query a snapshot of `regions` needs: each regional item per region, then inter-region transfer for
    each ordered region pair, then each global item once (region `global`). Items the Price List cannot price
    (`price_list_gaps`) are left out. An `InputError` names the regions whose usage-type prefix is unknown."""
    unknown = regions_without_prefix(regions, prefixes)
    if unknown:
        raise InputError(
            f"no usage-type prefix is known for {', '.join(unknown)}: the Price List queries match usage types "
            "exactly and cannot be formed without it. Add the prefix AWS bills the region under to "
            'usage_type_prefixes in the snapshot (pricing/aws/<date>/prices.json, as in "eu-west-1": "EU"), or '
            "leave the region out; prefixes are not derivable from region codes",
            field="usage_type_prefixes",
        )
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
) -> PriceEntry:
    """One Price List record (the JSON string `get_products` returns, or its parsed dict) as a `PriceEntry`.

    The record must have exactly one on-demand term; its price dimensions become the tiers, sorted by
    `beginRange` (`Inf` ends the last tier). `origin` opens the entry's `source` (where the record came from).
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
        refresh=origin,
        evidence="C",
        verified=True,
    )


def _iso_date(publication: object) -> str | None:
    """The day of a Price List `publicationDate` (`2026-08-31T12:14:48Z` -> `2026-08-31`), None if it is not one."""
    text = str(publication)[:10]
    return text if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None


def _matches_region(record: Mapping[str, Any], query: Query) -> bool:
    """False when the record names a different region than the query (attributes absent: trust the usage type).
    A global item's usage type names no region, so neither does the match."""
    attributes = record.get("product", {}).get("attributes", {})
    if query.region == GLOBAL_REGION:
        return True
    if query.to_region is None:
        named = attributes.get("regionCode")
        return named is None or named == query.region
    source, target = attributes.get("fromRegionCode"), attributes.get("toRegionCode")
    return (source is None or source == query.region) and (target is None or target == query.to_region)


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
    records disagree on their tiers or unit is reported too (`"<item> in <region>: N records disagree (SKUs)"`)
    and left out of the snapshot; records that agree are taken once, from the lowest SKU."""
    entries: list[PriceEntry] = []
    problems: list[str] = []
    for query in plan_queries(regions, prefixes):
        records = query_records(client, query, attempts=attempts, base_delay=base_delay, sleep=sleep)
        decoded = [json.loads(record) if isinstance(record, str) else record for record in records]
        _collect(resolve_query(query, decoded), entries, problems)
    snapshot = Snapshot(
        date=date,
        description=f"AWS on-demand list prices (USD) from the AWS Price List API, gathered {date}.",
        usage_type_prefixes={region: prefixes[region] for region in prefixes},
        entries=entries,
    )
    return snapshot, problems


def resolve_query(query: Query, records: Sequence[Mapping[str, Any]], *, origin: str = API_ORIGIN) -> PriceEntry | str:
    """The entry `query` prices from `records` (PriceList items as dicts), or the problem to report.

    Records naming another region are ignored. No record left: the query's label (a missing price, never zero).
    Records that disagree on unit or tiers: `"<label>: N records disagree (SKUs)"`. Otherwise the entry from the
    lowest SKU. Raises `ValueError` when a record is not a usable price."""
    parsed = [
        parse_price_record(
            record,
            item=query.item,
            region=query.region,
            to_region=query.to_region,
            filter_text=query.filter_text,
            origin=origin,
        )
        for record in records
        if _matches_region(record, query)
    ]
    if not parsed:
        return query.label
    parsed.sort(key=lambda entry: entry.sku or "")
    if len({(entry.unit, entry.tiers) for entry in parsed}) > 1:
        skus = ", ".join(entry.sku or "?" for entry in parsed)
        return f"{query.label}: {len(parsed)} records disagree ({skus})"
    return parsed[0]


def _collect(outcome: PriceEntry | str, entries: list[PriceEntry], problems: list[str]) -> None:
    if isinstance(outcome, str):
        problems.append(outcome)
    else:
        entries.append(outcome)


OFFER_CSV_REQUIRED = (
    "SKU",
    "OfferTermCode",
    "RateCode",
    "TermType",
    "StartingRange",
    "EndingRange",
    "Unit",
    "PricePerUnit",
    "Currency",
    "usageType",
)
"""Columns an offer CSV must have (after its five metadata rows) to be read."""

OFFER_CSV_ATTRIBUTES = {
    "usageType": "usagetype",
    "operation": "operation",
    "serviceCode": "servicecode",
    "Location": "location",
    "Region Code": "regionCode",
    "From Region Code": "fromRegionCode",
    "To Region Code": "toRegionCode",
}
"""Offer CSV columns kept as product attributes, under their JSON (and API) attribute names."""


@dataclass
class _OfferRecord:
    """A PriceList-item-shaped record built from an offer file, and where it was read."""

    record: dict[str, Any]
    path: Path
    line: int | None = None


@dataclass
class _OfferIndex:
    """The records of every offer file read, keyed by (service code, usage type), then SKU (first file wins)."""

    wanted: frozenset[tuple[str, str]]
    records: dict[tuple[str, str], dict[str, _OfferRecord]]
    versions: dict[str, set[str]]
    """Offer code -> the versions of its files read."""

    def add(self, key: tuple[str, str], sku: str, record: _OfferRecord) -> None:
        self.records.setdefault(key, {}).setdefault(sku, record)


def snapshot_from_offer_files(
    paths: Sequence[Path],
    regions: Sequence[str],
    *,
    prefixes: Mapping[str, str],
    date: str,
) -> tuple[Snapshot, list[str]]:
    """The snapshot `fetch_snapshot` builds, read from downloaded AWS bulk offer files instead of the API.

    `paths` are offer files (`/offers/v1.0/aws/<ServiceCode>/current/[<region>/]index.json` or `index.csv`, any
    mix): a query is answered by the on-demand products of its service code whose usage type, operation and
    product family match its filters and whose region attributes name its region(s); Reserved terms are ignored.
    Problems are reported exactly as `fetch_snapshot` reports them. Raises `InputError` naming the file (and the
    line, for CSV) when a file cannot be read, is not an offer file, or holds an unusable price."""
    queries = plan_queries(regions, prefixes)
    index = _OfferIndex(frozenset((q.service_code, q.usage_type) for q in queries), {}, {})
    for path in paths:
        _read_offer_file(Path(path), index)
    entries: list[PriceEntry] = []
    problems: list[str] = []
    for query in queries:
        read = "/".join(sorted(index.versions.get(query.service_code, ())))
        origin = f"AWS Price List offer file {query.service_code} {read}"
        candidates = [
            found
            for found in index.records.get((query.service_code, query.usage_type), {}).values()
            if _matches_filters(found.record, query.filters)
        ]
        try:
            outcome = resolve_query(query, [found.record for found in candidates], origin=origin)
        except ValueError as error:
            lines = {found.line for found in candidates}
            raise InputError(
                f"{query.label}: {error}",
                source=", ".join(sorted({str(found.path) for found in candidates})),
                line=lines.pop() if len(candidates) == 1 else None,
            ) from None
        _collect(outcome, entries, problems)
    versions = ", ".join(f"{code} {'/'.join(sorted(found))}" for code, found in sorted(index.versions.items()))
    snapshot = Snapshot(
        date=date,
        description=f"AWS on-demand list prices (USD) from AWS Price List offer files ({versions}), gathered {date}.",
        usage_type_prefixes={region: prefixes[region] for region in prefixes},
        entries=entries,
    )
    return snapshot, problems


def _matches_filters(record: Mapping[str, Any], filters: Sequence[Mapping[str, str]]) -> bool:
    """Whether a record passes a query's TERM_MATCH filters (`productFamily` is the product's; others attributes)."""
    product = record["product"]
    for term in filters:
        field = term["Field"]
        value = product.get("productFamily") if field == "productFamily" else product["attributes"].get(field)
        if value != term["Value"]:
            return False
    return True


def _read_offer_file(path: Path, index: _OfferIndex) -> None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            start = stream.read(64).lstrip()
            stream.seek(0)
            if start.startswith("{"):
                _read_offer_json(path, stream, index)
            elif start.startswith(('"FormatVersion"', "FormatVersion")):
                _read_offer_csv(path, stream, index)
            else:
                raise InputError("not an AWS price list offer file (expected its JSON or CSV format)", source=str(path))
    except OSError as error:
        raise InputError(f"cannot read offer file: {error.strerror or error}", source=str(path)) from None
    except UnicodeDecodeError as error:
        raise InputError(f"offer file is not UTF-8 text: {error.reason}", source=str(path)) from None


def _read_offer_json(path: Path, stream: Any, index: _OfferIndex) -> None:
    try:
        document = json.load(stream)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON: {error.msg}", source=str(path), line=error.lineno) from None
    if not isinstance(document, dict):
        raise InputError("not an AWS price list offer file (expected a JSON object)", source=str(path))
    offer_code, products, terms = document.get("offerCode"), document.get("products"), document.get("terms")
    if not isinstance(offer_code, str) or not isinstance(products, dict) or not isinstance(terms, dict):
        raise InputError(
            "not an AWS price list offer file (needs offerCode, products and terms)",
            source=str(path),
            field="offerCode",
        )
    on_demand = terms.get("OnDemand", {})
    if not isinstance(on_demand, dict):
        raise InputError("terms.OnDemand is not an object", source=str(path), field="terms.OnDemand")
    index.versions.setdefault(offer_code, set()).add(str(document.get("version", "unknown")))
    for sku, product in products.items():
        attributes = product.get("attributes") if isinstance(product, dict) else None
        if not isinstance(attributes, dict):
            raise InputError(f"product {sku} has no attributes", source=str(path), field=f"products.{sku}")
        key = (offer_code, attributes.get("usagetype"))
        if key not in index.wanted or not on_demand.get(sku):
            continue
        record = {
            "product": {"productFamily": product.get("productFamily"), "attributes": attributes, "sku": sku},
            "serviceCode": offer_code,
            "terms": {"OnDemand": on_demand[sku]},
            "version": document.get("version"),
            "publicationDate": document.get("publicationDate", "unknown"),
        }
        index.add((offer_code, attributes["usagetype"]), sku, _OfferRecord(record, path))


def _read_offer_csv(path: Path, stream: Any, index: _OfferIndex) -> None:
    reader = csv.reader(stream)
    metadata: dict[str, str] = {}
    header: list[str] | None = None
    try:
        for row in reader:
            if row and row[0] == "SKU":
                header = row
                break
            if len(row) != 2 or reader.line_num > 10:
                raise InputError(
                    "not an AWS price list offer file (expected metadata rows, then the SKU header)",
                    source=str(path),
                    line=reader.line_num,
                )
            metadata[row[0]] = row[1]
        if header is None:
            raise InputError("offer CSV has no header row (SKU, OfferTermCode, ...)", source=str(path))
        header_line = reader.line_num
        absent = [column for column in OFFER_CSV_REQUIRED if column not in header]
        if absent:
            raise InputError(
                f"offer CSV header lacks {', '.join(absent)}", source=str(path), line=header_line, field=absent[0]
            )
        offer_code = metadata.get("OfferCode")
        if not offer_code:
            raise InputError("offer CSV metadata lacks OfferCode", source=str(path), field="OfferCode")
        index.versions.setdefault(offer_code, set()).add(metadata.get("Version", "unknown"))
        publication = metadata.get("Publication Date", "unknown")
        building: dict[str, _OfferRecord] = {}
        for row in reader:
            if len(row) != len(header):
                raise InputError(
                    f"row has {len(row)} columns, the header {len(header)}", source=str(path), line=reader.line_num
                )
            cells = dict(zip(header, row, strict=True))
            if cells["TermType"] != "OnDemand":
                continue
            service_code = cells.get("serviceCode") or offer_code
            key = (service_code, cells["usageType"])
            if key not in index.wanted:
                continue
            sku = cells["SKU"]
            found = building.get(sku)
            if found is None:
                attributes = {name: cells[column] for column, name in OFFER_CSV_ATTRIBUTES.items() if cells.get(column)}
                record: dict[str, Any] = {
                    "product": {"productFamily": cells.get("Product Family"), "attributes": attributes, "sku": sku},
                    "serviceCode": service_code,
                    "terms": {"OnDemand": {}},
                    "version": metadata.get("Version"),
                    "publicationDate": publication,
                }
                found = building[sku] = _OfferRecord(record, path, reader.line_num)
                index.add(key, sku, found)
            term = found.record["terms"]["OnDemand"].setdefault(
                f"{sku}.{cells['OfferTermCode']}",
                {
                    "sku": sku,
                    "offerTermCode": cells["OfferTermCode"],
                    "effectiveDate": cells.get("EffectiveDate"),
                    "priceDimensions": {},
                    "termAttributes": {},
                },
            )
            term["priceDimensions"][cells["RateCode"]] = {
                "rateCode": cells["RateCode"],
                "description": cells.get("PriceDescription", ""),
                "beginRange": cells["StartingRange"],
                "endRange": cells["EndingRange"],
                "unit": cells["Unit"],
                "pricePerUnit": {cells["Currency"]: cells["PricePerUnit"]},
                "appliesTo": [],
            }
    except csv.Error as error:
        raise InputError(f"invalid CSV: {error}", source=str(path), line=reader.line_num) from None


def write_snapshot(snapshot: Snapshot, directory: Path) -> Path:
    """Write `snapshot` as `directory/prices.json` (whole or not at all); prices stay decimal strings."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "prices.json"
    document = snapshot.model_dump(mode="json", exclude_none=True)
    write_text_atomically(path, json.dumps(document, indent=2) + "\n")
    return path
