"""Build a price snapshot from downloaded AWS Price List bulk offer files, JSON or CSV, instead of the API.

An offer file (`/offers/v1.0/aws/<ServiceCode>/current/[<region>/]index.json` or `index.csv`) holds every product
of a service; AmazonEC2's runs to hundreds of megabytes. Both formats are read streaming: the CSV row by row, the
JSON by its parse events (`ijson`), and only the products whose service code and usage type could answer one of
the refresh's queries are kept, with their on-demand terms (a JSON file whose terms come before its products keeps
every on-demand term until the products are read). The records kept are shaped as the API returns them and go
through the same matching and parsing (`vpccost.aws.pricelist.answers`, `resolve_query`), so a region whose
usage-type prefix is unknown is priced, and its prefix learned, from the records that name it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson  # type: ignore[import-untyped,unused-ignore]

from vpccost.aws.pricelist import (
    REGION_FIELDS,
    Query,
    assemble,
    check_regions_named,
    named_regions,
    plan_queries,
    resolve_query,
)
from vpccost.errors import InputError
from vpccost.pricing.items import ITEMS
from vpccost.pricing.snapshot import PriceEntry, Snapshot

OFFER_ORIGIN = "AWS Price List offer file"

OFFER_CSV_METADATA = ("FormatVersion", "Disclaimer", "Publication Date", "Version", "OfferCode")
"""The rows an offer CSV opens with, one name and value each, before its header."""

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
    """What the offer files read hold for the wanted queries: records keyed by (service code, the item's usage type
    without prefix), then SKU (the first file wins), and every region any record names."""

    wanted: Mapping[str, frozenset[str]]
    """Service code -> the unprefixed usage types of its queried items."""
    regions: frozenset[str]
    records: dict[tuple[str, str], dict[str, _OfferRecord]] = field(default_factory=dict)
    versions: dict[str, set[str]] = field(default_factory=dict)
    """Offer code -> the versions of its files read."""
    named: set[str] = field(default_factory=set)

    def stems(self, service_code: str, attributes: Mapping[str, Any]) -> list[str]:
        """The wanted unprefixed usage types a product of `service_code` with `attributes` may be a record of:
        its usage type is one, or one behind one or two prefixes, and every region it names is wanted."""
        self.named.update(named_regions({"product": {"attributes": attributes}}))
        usage_type = attributes.get("usagetype")
        stems = self.wanted.get(service_code)
        if not stems or not isinstance(usage_type, str):
            return []
        if any(attributes.get(name) and attributes[name] not in self.regions for name in REGION_FIELDS):
            return []
        parts = usage_type.split("-", 2)
        candidates = {usage_type, *("-".join(parts[index:]) for index in (1, 2) if len(parts) > index)}
        return sorted(candidates & stems)

    def add(self, stems: Sequence[str], service_code: str, sku: str, record: _OfferRecord) -> None:
        for stem in stems:
            self.records.setdefault((service_code, stem), {}).setdefault(sku, record)


def snapshot_from_offer_files(
    paths: Sequence[Path],
    regions: Sequence[str],
    *,
    prefixes: Mapping[str, str],
    date: str,
) -> tuple[Snapshot, list[str]]:
    """The snapshot `fetch_snapshot` builds, read from downloaded AWS bulk offer files instead of the API.

    `paths` are offer files (JSON or CSV, any mix): a query is answered by the on-demand products of its service
    code that `answer` it (usage type, operation, product family, region attributes); Reserved terms are ignored.
    Problems, `missing` and learned prefixes are as `fetch_snapshot` gives them; each entry's `refresh` is
    `AWS Price List offer files <offer code> <version>, ...` (every file read). Raises `InputError` naming the file
    (and the line and field, where there is one) when a file cannot be read, is not an offer file, or holds an
    unusable price, and for a region vpccost does not list that no record names."""
    queries = plan_queries(regions, prefixes)
    wanted: dict[str, set[str]] = {}
    for query in queries:
        wanted.setdefault(query.service_code, set()).add(ITEMS[query.item].usage_type)
    index = _OfferIndex({code: frozenset(stems) for code, stems in wanted.items()}, frozenset(regions))
    for path in paths:
        _read_offer_file(Path(path), index)
    check_regions_named(regions, index.named, "the offer files")
    versions = ", ".join(f"{code} {'/'.join(sorted(found))}" for code, found in sorted(index.versions.items()))
    refresh = f"AWS Price List offer files {versions}"
    outcomes = [(query, _resolve(query, index, refresh)) for query in queries]
    return assemble(
        outcomes,
        prefixes=prefixes,
        date=date,
        description=f"AWS on-demand list prices (USD) from AWS Price List offer files ({versions}), gathered {date}.",
    )


def _resolve(query: Query, index: _OfferIndex, refresh: str) -> PriceEntry | str:
    read = "/".join(sorted(index.versions.get(query.service_code, ())))
    candidates = list(index.records.get((query.service_code, ITEMS[query.item].usage_type), {}).values())
    try:
        return resolve_query(
            query,
            [found.record for found in candidates],
            origin=f"{OFFER_ORIGIN} {query.service_code} {read}",
            refresh=refresh,
        )
    except ValueError as error:
        lines = {found.line for found in candidates}
        raise InputError(
            f"{query.label}: {error}",
            source=", ".join(sorted({str(found.path) for found in candidates})),
            line=lines.pop() if len(candidates) == 1 else None,
        ) from None


def _read_offer_file(path: Path, index: _OfferIndex) -> None:
    try:
        with path.open("rb") as raw:
            start = raw.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
            raw.seek(0)
            if start.startswith(b"{"):
                _read_offer_json(path, _CountingReader(raw), index)
                return
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            if start.startswith((b'"FormatVersion"', b"FormatVersion")):
                _read_offer_csv(path, text, index)
            elif start.startswith((b'"SKU"', b"SKU,")):
                raise InputError(
                    "offer CSV lacks its five metadata rows (FormatVersion, Disclaimer, Publication Date, Version, "
                    "OfferCode) before the SKU header: not an AWS price list offer file as AWS publishes it",
                    source=str(path),
                    line=1,
                    field="FormatVersion",
                )
            else:
                raise InputError("not an AWS price list offer file (expected its JSON or CSV format)", source=str(path))
    except OSError as error:
        raise InputError(f"cannot read offer file: {error.strerror or error}", source=str(path)) from None
    except UnicodeDecodeError as error:
        raise InputError(f"offer file is not UTF-8 text: {error.reason}", source=str(path)) from None


class _CountingReader:
    """A binary stream that counts the lines handed out, so a JSON file cut short can be named at its last line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.newlines = 0
        self.ends_with_newline = True

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if chunk:
            self.newlines += chunk.count(b"\n")
            self.ends_with_newline = chunk.endswith(b"\n")
        return chunk

    @property
    def last_line(self) -> int:
        return self.newlines if self.ends_with_newline else self.newlines + 1


Events = Iterator[tuple[str, str, Any]]


def _value(events: Events, event: str, value: Any) -> Any:
    """The JSON value that starts with (`event`, `value`), built from the events that follow it."""
    builder = ijson.ObjectBuilder()
    depth = 0
    while True:
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return builder.value
        _, event, value = next(events)


def _skip(events: Events, event: str) -> None:
    """Consume the JSON value that starts with `event`."""
    depth = 0
    while True:
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return
        _, event, _ = next(events)


_HEADER_KEYS = ("formatVersion", "offerCode", "version", "publicationDate")


def _read_offer_json(path: Path, stream: _CountingReader, index: _OfferIndex) -> None:
    header: dict[str, str] = {}
    products: dict[str, tuple[list[str], dict[str, Any]]] = {}
    """SKU -> the wanted usage types it may answer and its product, for the products kept."""
    terms: dict[str, Any] = {}
    """SKU -> its on-demand terms, for the products kept (every SKU's while no product has been read)."""
    products_read = False
    seen: set[str] = set()
    events: Events = iter(ijson.parse(stream))
    try:
        _, event, _ = next(events)
        if event != "start_map":
            raise InputError("not an AWS price list offer file (expected a JSON object)", source=str(path))
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                seen.add(value)
                if value == "product":
                    raise InputError(
                        "holds a Price List API record (a GetProducts item: product, terms), not an offer file "
                        "(offerCode, products, terms)",
                        source=str(path),
                        line=1,
                        field="offerCode",
                    )
            elif prefix in _HEADER_KEYS and event in ("string", "number"):
                header[prefix] = str(value)
            elif prefix == "products" and event == "map_key":
                _, event, product = next(events)
                _keep_product(path, value, _value(events, event, product), header, index, products)
            elif prefix == "products" and event == "end_map":
                products_read = True
                terms = {sku: term for sku, term in terms.items() if sku in products}
            elif prefix == "terms.OnDemand" and event == "map_key":
                _, event, term = next(events)
                if products_read and value not in products:
                    _skip(events, event)
                else:
                    terms[value] = _value(events, event, term)
            elif prefix == "" and event == "end_map":
                break
    except ijson.JSONError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        cut_short = "premature EOF" in reason or "Incomplete JSON" in reason
        line = stream.last_line if cut_short else None
        raise InputError(f"invalid JSON: {reason}", source=str(path), line=line) from None
    except StopIteration:
        raise InputError(
            "invalid JSON: the file ends inside a value", source=str(path), line=stream.last_line
        ) from None
    offer_code = header.get("offerCode")
    if offer_code is None or not {"products", "terms"} <= seen:
        raise InputError(
            "not an AWS price list offer file (needs offerCode, products and terms)",
            source=str(path),
            field="offerCode",
        )
    index.versions.setdefault(offer_code, set()).add(header.get("version", "unknown"))
    for sku, (stems, product) in products.items():
        service_code = product["attributes"].get("servicecode") or offer_code
        if not terms.get(sku) or not (stems := [stem for stem in stems if stem in index.wanted.get(service_code, ())]):
            continue
        record = {
            "product": {"productFamily": product.get("productFamily"), "attributes": product["attributes"], "sku": sku},
            "serviceCode": service_code,
            "terms": {"OnDemand": terms[sku]},
            "version": header.get("version"),
            "publicationDate": header.get("publicationDate", "unknown"),
        }
        index.add(stems, service_code, sku, _OfferRecord(record, path))


def _keep_product(
    path: Path,
    sku: str,
    product: Any,
    header: Mapping[str, str],
    index: _OfferIndex,
    products: dict[str, tuple[list[str], dict[str, Any]]],
) -> None:
    attributes = product.get("attributes") if isinstance(product, dict) else None
    if not isinstance(attributes, dict):
        raise InputError(f"product {sku} has no attributes", source=str(path), field=f"products.{sku}")
    service_code = attributes.get("servicecode") or header.get("offerCode")
    codes = [service_code] if isinstance(service_code, str) else list(index.wanted)
    stems = sorted({stem for code in codes for stem in index.stems(code, attributes)})
    if stems:
        products[sku] = (stems, product)


def _read_offer_csv(path: Path, stream: Any, index: _OfferIndex) -> None:
    reader = csv.reader(stream)
    metadata: dict[str, str] = {}
    header: list[str] | None = None
    try:
        for row in reader:
            if row and row[0] == "SKU":
                header = row
                break
            if len(row) != 2 or reader.line_num > len(OFFER_CSV_METADATA):
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
            sku = cells["SKU"]
            found = building.get(sku)
            if found is None:
                service_code = cells.get("serviceCode") or offer_code
                attributes = {name: cells[column] for column, name in OFFER_CSV_ATTRIBUTES.items() if cells.get(column)}
                stems = index.stems(service_code, attributes)
                if not stems:
                    continue
                record: dict[str, Any] = {
                    "product": {"productFamily": cells.get("Product Family"), "attributes": attributes, "sku": sku},
                    "serviceCode": service_code,
                    "terms": {"OnDemand": {}},
                    "version": metadata.get("Version"),
                    "publicationDate": publication,
                }
                found = building[sku] = _OfferRecord(record, path, reader.line_num)
                index.add(stems, service_code, sku, found)
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
