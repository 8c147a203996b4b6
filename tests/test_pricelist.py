"""The Price List API reader: records shaped like AWS's, served by botocore's Stubber (no network)."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import botocore.exceptions  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

import vpccost
from vpccost.aws.pricelist import (
    ITEMS,
    Query,
    fetch_snapshot,
    parse_price_record,
    plan_queries,
    snapshot_from_offer_files,
)
from vpccost.errors import InputError
from vpccost.pricing.snapshot import PriceEntry, Tier
from vpccost.pricing.tiers import tiered_cost_usd

from .conftest import SNAPSHOT

PUBLISHED = "2026-11-20T18:32:11Z"
TERM = "JRTCKXETXF"
USE1_ONLY = {"us-east-1": "USE1"}


def price_record(
    *,
    sku: str,
    service_code: str,
    family: str,
    attributes: Mapping[str, str],
    unit: str,
    dimensions: Sequence[tuple[str, str, str, str]],
) -> str:
    """A PriceList item as `get_products` returns it: a JSON string. `dimensions` are (rate, begin, end, USD)."""
    term_code = f"{sku}.{TERM}"
    price_dimensions = {
        f"{term_code}.{rate}": {
            "unit": unit,
            "endRange": end,
            "description": f"${usd} per {unit} ({begin} to {end})",
            "appliesTo": [],
            "rateCode": f"{term_code}.{rate}",
            "beginRange": begin,
            "pricePerUnit": {"USD": usd},
        }
        for rate, begin, end, usd in dimensions
    }
    return json.dumps(
        {
            "product": {
                "productFamily": family,
                "attributes": {"servicecode": service_code, **attributes},
                "sku": sku,
            },
            "serviceCode": service_code,
            "terms": {
                "OnDemand": {
                    term_code: {
                        "priceDimensions": price_dimensions,
                        "sku": sku,
                        "effectiveDate": "2026-11-01T00:00:00Z",
                        "offerTermCode": TERM,
                        "termAttributes": {},
                    }
                }
            },
            "version": "20261120183211",
            "publicationDate": PUBLISHED,
        }
    )


NAT_HOURS = price_record(
    sku="M2YSHUBETB3JX4M4",
    service_code="AmazonEC2",
    family="NAT Gateway",
    attributes={
        "regionCode": "us-east-1",
        "location": "US East (N. Virginia)",
        "locationType": "AWS Region",
        "usagetype": "NatGateway-Hours",
        "operation": "NatGateway",
        "group": "NGW:NatGateway",
        "servicename": "Amazon Elastic Compute Cloud",
    },
    unit="Hrs",
    dimensions=[("6YS6EN2CT7", "0", "Inf", "0.0450000000")],
)

# Dimensions deliberately out of order: the reader sorts them by beginRange.
ENDPOINT_BYTES = price_record(
    sku="DQYYEZBCWSW5XS2R",
    service_code="AmazonVPC",
    family="VpcEndpoint",
    attributes={
        "regionCode": "us-east-1",
        "location": "US East (N. Virginia)",
        "locationType": "AWS Region",
        "usagetype": "USE1-VpcEndpoint-Bytes",
        "operation": "VpcEndpoint",
        "group": "VpcEndpoint",
        "servicename": "Amazon Virtual Private Cloud",
    },
    unit="GB",
    dimensions=[
        ("VF6VHMDQG3", "5242880", "Inf", "0.0040000000"),
        ("PGHJ3S3EYE", "0", "1048576", "0.0100000000"),
        ("3WD4F7W8QD", "1048576", "5242880", "0.0060000000"),
    ],
)

TGW_ATTACHMENT_HOURS = price_record(
    sku="3G4UYCG4RJ7AHX9N",
    service_code="AmazonVPC",
    family="Transit Gateway",
    attributes={
        "regionCode": "us-east-1",
        "location": "US East (N. Virginia)",
        "locationType": "AWS Region",
        "usagetype": "USE1-TransitGateway-Hours",
        "operation": "TransitGatewayVPC",
        "group": "AWSTransitGateway",
        "servicename": "Amazon Virtual Private Cloud",
    },
    unit="Hrs",
    dimensions=[("6YS6EN2CT7", "0", "Inf", "0.0500000000")],
)


def client() -> Any:
    return boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def expect(stubber: Any, query: Query, records: Sequence[str]) -> None:
    stubber.add_response(
        "get_products",
        {"PriceList": list(records), "FormatVersion": "aws_v1"},
        {"ServiceCode": query.service_code, "Filters": query.filters, "FormatVersion": "aws_v1"},
    )


def stub_all(stubber: Any, queries: Sequence[Query], records: Mapping[str, Sequence[str]]) -> None:
    """One response per planned query, in order: the records given for its label, else an empty PriceList."""
    for query in queries:
        expect(stubber, query, records.get(query.label, []))


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Any]]:
    pricing = client()
    with Stubber(pricing) as stubber:
        yield pricing, stubber
        stubber.assert_no_pending_responses()


def tiers(*steps: tuple[str, str | None, str]) -> tuple[Tier, ...]:
    return tuple(
        Tier(begin=Decimal(b), end=None if e is None else Decimal(e), price_usd=Decimal(p)) for b, e, p in steps
    )


def test_nat_gateway_hours_record_parses_exactly() -> None:
    entry = parse_price_record(
        NAT_HOURS, item="nat_gateway_hours", region="us-east-1", filter_text="ServiceCode=AmazonEC2, usagetype=X"
    )
    assert entry.model_dump() == {
        "item": "nat_gateway_hours",
        "region": "us-east-1",
        "to_region": None,
        "service_code": "AmazonEC2",
        "usage_type": "NatGateway-Hours",
        "operation": "NatGateway",
        "unit": "Hrs",
        "tiers": (Tier(begin=Decimal(0), end=None, price_usd=Decimal("0.045")).model_dump(),),
        "tier_period": "month",
        "sku": "M2YSHUBETB3JX4M4",
        "rate_code": "M2YSHUBETB3JX4M4.JRTCKXETXF.6YS6EN2CT7",
        "source": f"AWS Price List API (publicationDate {PUBLISHED}, filter ServiceCode=AmazonEC2, usagetype=X)",
        "evidence": "C",
        "verified": True,
        "note": None,
    }
    assert str(entry.tiers[0].price_usd) == "0.045"


def test_tiered_endpoint_bytes_record_sorted_by_begin_range() -> None:
    entry = parse_price_record(
        json.loads(ENDPOINT_BYTES), item="vpc_endpoint_bytes", region="us-east-1", filter_text="f"
    )
    assert entry.tiers == tiers(("0", "1048576", "0.01"), ("1048576", "5242880", "0.006"), ("5242880", None, "0.004"))
    assert [str(t.begin) for t in entry.tiers] == ["0", "1048576", "5242880"]
    assert [str(t.price_usd) for t in entry.tiers] == ["0.01", "0.006", "0.004"]
    assert entry.rate_code == (
        "DQYYEZBCWSW5XS2R.JRTCKXETXF.PGHJ3S3EYE,DQYYEZBCWSW5XS2R.JRTCKXETXF.3WD4F7W8QD,"
        "DQYYEZBCWSW5XS2R.JRTCKXETXF.VF6VHMDQG3"
    )
    assert (entry.usage_type, entry.unit, entry.service_code, entry.operation) == (
        "USE1-VpcEndpoint-Bytes",
        "GB",
        "AmazonVPC",
        None,
    )


def test_whole_number_bounds_have_no_exponent() -> None:
    record = price_record(
        sku="AAAAAAAAAAAAAAAA",
        service_code="AWSDataTransfer",
        family="Data Transfer",
        attributes={"usagetype": "DataTransfer-Out-Bytes", "fromRegionCode": "us-east-1"},
        unit="GB",
        dimensions=[("R1", "0", "10240", "0.0900000000"), ("R2", "10240", "Inf", "0.0850000000")],
    )
    entry = parse_price_record(record, item="data_transfer_internet_out_bytes", region="us-east-1", filter_text="f")
    assert str(entry.tiers[0].end) == "10240"
    assert str(entry.tiers[1].begin) == "10240"


def test_unusable_records_are_refused() -> None:
    broken = json.loads(NAT_HOURS)
    broken["terms"]["OnDemand"] = {}
    with pytest.raises(ValueError, match="0 on-demand terms"):
        parse_price_record(broken, item="nat_gateway_hours", region="us-east-1", filter_text="f")
    with pytest.raises(ValueError, match="lacks"):
        parse_price_record("{}", item="nat_gateway_hours", region="us-east-1", filter_text="f")
    with pytest.raises(ValueError, match="unknown item"):
        parse_price_record(NAT_HOURS, item="nat_gateway_minutes", region="us-east-1", filter_text="f")


def test_queries_use_us_east_1_exceptions_and_operation_filters() -> None:
    queries = {q.label: q for q in plan_queries(["us-east-1", "eu-west-1"], {"us-east-1": "USE1", "eu-west-1": "EU"})}
    assert len(queries) == 2 * len(ITEMS) + 2
    usage = {label: q.usage_type for label, q in queries.items()}
    assert usage["nat_gateway_hours in us-east-1"] == "NatGateway-Hours"
    assert usage["nat_gateway_hours in eu-west-1"] == "EU-NatGateway-Hours"
    assert usage["data_transfer_internet_out_bytes in us-east-1"] == "DataTransfer-Out-Bytes"
    assert usage["nlb_hours in us-east-1"] == "LoadBalancerUsage"
    assert usage["nlb_nlcu_hours in eu-west-1"] == "EU-LCUUsage"
    assert usage["vpc_endpoint_bytes in us-east-1"] == "USE1-VpcEndpoint-Bytes"
    assert usage["data_transfer_inter_region_bytes in us-east-1 -> eu-west-1"] == "USE1-EU-AWS-Out-Bytes"
    assert usage["data_transfer_inter_region_bytes in eu-west-1 -> us-east-1"] == "EU-USE1-AWS-Out-Bytes"
    assert queries["transit_gateway_peering_hours in eu-west-1"].filters == [
        {"Type": "TERM_MATCH", "Field": "usagetype", "Value": "EU-TransitGateway-Hours"},
        {"Type": "TERM_MATCH", "Field": "operation", "Value": "TransitGatewayPeering"},
    ]
    assert queries["nlb_hours in us-east-1"].filters[-1] == {
        "Type": "TERM_MATCH",
        "Field": "productFamily",
        "Value": "Load Balancer-Network",
    }
    assert queries["nat_gateway_hours in us-east-1"].filter_text == "ServiceCode=AmazonEC2, usagetype=NatGateway-Hours"
    with pytest.raises(InputError, match="ap-south-2"):
        plan_queries(["ap-south-2"], USE1_ONLY)


def test_fetch_snapshot_parses_records_and_reports_missing(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    queries = plan_queries(["us-east-1"], USE1_ONLY)
    stub_all(
        stubber,
        queries,
        {
            "nat_gateway_hours in us-east-1": [NAT_HOURS],
            "vpc_endpoint_bytes in us-east-1": [ENDPOINT_BYTES],
            "transit_gateway_attachment_hours in us-east-1": [TGW_ATTACHMENT_HOURS],
        },
    )
    snapshot, missing = fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="2026-12-01")
    catalog = vpccost.Catalog(snapshot, name="fetched")
    assert {(e.item, e.sku) for e in snapshot.entries} == {
        ("nat_gateway_hours", "M2YSHUBETB3JX4M4"),
        ("vpc_endpoint_bytes", "DQYYEZBCWSW5XS2R"),
        ("transit_gateway_attachment_hours", "3G4UYCG4RJ7AHX9N"),
    }
    tgw = catalog.get("transit_gateway_attachment_hours", "us-east-1")
    assert (tgw.usage_type, tgw.operation, tgw.tiers) == (
        "USE1-TransitGateway-Hours",
        "TransitGatewayVPC",
        tiers(("0", None, "0.05")),
    )
    assert tgw.source == (
        f"AWS Price List API (publicationDate {PUBLISHED}, filter ServiceCode=AmazonVPC, "
        "usagetype=USE1-TransitGateway-Hours, operation=TransitGatewayVPC)"
    )
    processing = tiered_cost_usd(catalog.get("vpc_endpoint_bytes", "us-east-1"), Decimal(2_000_000))
    assert processing == Decimal("1048576") * Decimal("0.01") + Decimal(2_000_000 - 1048576) * Decimal("0.006")
    assert missing == [
        f"{item} in us-east-1"
        for item in ITEMS
        if item not in {"nat_gateway_hours", "vpc_endpoint_bytes", "transit_gateway_attachment_hours"}
    ]
    assert "nat_gateway_bytes in us-east-1" in missing
    with pytest.raises(vpccost.MissingPriceError):
        catalog.get("nat_gateway_bytes", "us-east-1")
    assert snapshot.usage_type_prefixes == USE1_ONLY
    assert snapshot.date == "2026-12-01"


def test_throttled_call_is_retried_with_backoff(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    queries = plan_queries(["us-east-1"], USE1_ONLY)
    stubber.add_client_error("get_products", service_error_code="ThrottlingException", http_status_code=400)
    stubber.add_client_error("get_products", service_error_code="ThrottlingException", http_status_code=400)
    stub_all(stubber, queries, {"nat_gateway_hours in us-east-1": [NAT_HOURS]})
    sleeps = Sleeps()
    snapshot, missing = fetch_snapshot(
        pricing, ["us-east-1"], prefixes=USE1_ONLY, date="2026-12-01", base_delay=0.5, sleep=sleeps
    )
    assert sleeps.delays == [0.5, 1.0]
    assert [e.item for e in snapshot.entries] == ["nat_gateway_hours"]
    assert len(missing) == len(ITEMS) - 1


def test_throttling_gives_up_after_the_last_attempt(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    for _ in range(3):
        stubber.add_client_error("get_products", service_error_code="ThrottlingException", http_status_code=400)
    sleeps = Sleeps()
    with pytest.raises(botocore.exceptions.ClientError, match="ThrottlingException"):
        fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="d", attempts=3, sleep=sleeps)
    assert sleeps.delays == [1.0, 2.0]


def test_other_client_errors_are_not_retried(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    stubber.add_client_error("get_products", service_error_code="AccessDeniedException", http_status_code=400)
    sleeps = Sleeps()
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="d", sleep=sleeps)
    assert sleeps.delays == []


def test_every_page_is_read(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    first, *rest = plan_queries(["us-east-1"], USE1_ONLY)
    params = {"ServiceCode": first.service_code, "Filters": first.filters, "FormatVersion": "aws_v1"}
    stubber.add_response("get_products", {"PriceList": [], "FormatVersion": "aws_v1", "NextToken": "page2"}, params)
    stubber.add_response("get_products", {"PriceList": [NAT_HOURS]}, {**params, "NextToken": "page2"})
    stub_all(stubber, rest, {})
    snapshot, _ = fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert [e.sku for e in snapshot.entries] == ["M2YSHUBETB3JX4M4"]


def test_disagreeing_records_are_reported_not_guessed(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    other = NAT_HOURS.replace("M2YSHUBETB3JX4M4", "ZZZZZZZZZZZZZZZZ").replace("0.0450000000", "0.0500000000")
    stub_all(stubber, plan_queries(["us-east-1"], USE1_ONLY), {"nat_gateway_hours in us-east-1": [NAT_HOURS, other]})
    snapshot, problems = fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert snapshot.entries == []
    assert problems[0] == "nat_gateway_hours in us-east-1: 2 records disagree (M2YSHUBETB3JX4M4, ZZZZZZZZZZZZZZZZ)"


def test_records_for_another_region_are_ignored(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    elsewhere = NAT_HOURS.replace('"regionCode": "us-east-1"', '"regionCode": "us-east-2"')
    stub_all(stubber, plan_queries(["us-east-1"], USE1_ONLY), {"nat_gateway_hours in us-east-1": [elsewhere]})
    snapshot, missing = fetch_snapshot(pricing, ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert snapshot.entries == []
    assert "nat_gateway_hours in us-east-1" in missing


def _record_like(entry: PriceEntry, attributes: Mapping[str, str], family: str) -> str:
    """A Price List record carrying a bundled entry's usage type, unit and tiers (prices padded like AWS's)."""
    return price_record(
        sku=entry.sku or "TESTSKU000000000",
        service_code=entry.service_code,
        family=family,
        attributes={
            "usagetype": entry.usage_type,
            **({"operation": entry.operation} if entry.operation else {}),
            **attributes,
        },
        unit=entry.unit,
        dimensions=[
            (
                f"RATE{index}",
                str(tier.begin),
                "Inf" if tier.end is None else str(tier.end),
                f"{tier.price_usd:.10f}",
            )
            for index, tier in enumerate(entry.tiers)
        ],
    )


def test_fetched_and_bundled_snapshots_agree_on_shared_items(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    bundled = vpccost.load_pricing(SNAPSHOT)
    regions = ["us-east-1", "us-west-2"]
    prefixes = {region: bundled.snapshot.usage_type_prefixes[region] for region in regions}
    shared = {
        "nat_gateway_hours": "NAT Gateway",
        "nat_gateway_bytes": "NAT Gateway",
        "vpc_endpoint_hours": "VpcEndpoint",
        "vpc_endpoint_bytes": "VpcEndpoint",
        "transit_gateway_attachment_hours": "Transit Gateway",
        "data_transfer_regional_bytes": "Data Transfer",
        "nlb_hours": "Load Balancer-Network",
    }
    records = {
        f"{item} in us-east-1": [_record_like(bundled.get(item, "us-east-1"), {"regionCode": "us-east-1"}, family)]
        for item, family in shared.items()
    }
    inter = bundled.get("data_transfer_inter_region_bytes", "us-east-1", "us-west-2")
    records["data_transfer_inter_region_bytes in us-east-1 -> us-west-2"] = [
        _record_like(inter, {"fromRegionCode": "us-east-1", "toRegionCode": "us-west-2"}, "Data Transfer")
    ]
    stub_all(stubber, plan_queries(regions, prefixes), records)

    snapshot, missing = fetch_snapshot(pricing, regions, prefixes=prefixes, date="2026-12-01")

    fetched = vpccost.Catalog(snapshot, name="fetched")
    for item in shared:
        want, got = bundled.get(item, "us-east-1"), fetched.get(item, "us-east-1")
        assert (got.usage_type, got.service_code, got.operation, got.unit, got.tiers) == (
            want.usage_type,
            want.service_code,
            want.operation,
            want.unit,
            want.tiers,
        ), item
    got_inter = fetched.get("data_transfer_inter_region_bytes", "us-east-1", "us-west-2")
    assert (got_inter.usage_type, got_inter.tiers) == (inter.usage_type, inter.tiers)
    assert len(snapshot.entries) == len(shared) + 1
    assert len(missing) == 2 * len(ITEMS) + 2 - len(snapshot.entries)
    assert "data_transfer_inter_region_bytes in us-west-2 -> us-east-1" in missing


def test_pricing_update_writes_a_snapshot_only_when_nothing_is_missing(
    stubbed: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vpccost import cli

    from .conftest import run_cli

    pricing, stubber = stubbed
    monkeypatch.setattr(cli, "pricing_client", lambda profile: pricing)
    bundled = vpccost.load_pricing(SNAPSHOT)
    prefixes = {"us-east-1": bundled.snapshot.usage_type_prefixes["us-east-1"]}
    families = {"nlb_hours": "Load Balancer-Network", "nlb_nlcu_hours": "Load Balancer-Network"}
    every = {
        f"{item} in us-east-1": [
            _record_like(bundled.get(item, "us-east-1"), {"regionCode": "us-east-1"}, families.get(item, "Other"))
        ]
        for item in ITEMS
    }
    queries = plan_queries(["us-east-1"], prefixes)
    without_nat = {key: value for key, value in every.items() if not key.startswith("nat_gateway_hours")}
    stub_all(stubber, queries, without_nat)
    refused = run_cli("pricing", "update", "--regions", "us-east-1", "--output-dir", tmp_path / "partial")
    assert refused.exit_code == 1
    assert "nat_gateway_hours in us-east-1" in refused.stderr
    assert not (tmp_path / "partial").exists()

    stub_all(stubber, queries, every)
    written = run_cli("pricing", "update", "--regions", "us-east-1", "--output-dir", tmp_path / "fresh")
    assert written.exit_code == 0, written.stderr
    fresh = vpccost.load_pricing(tmp_path / "fresh")
    for item in ITEMS:
        assert fresh.get(item, "us-east-1").tiers == bundled.get(item, "us-east-1").tiers, item


# --- Bulk offer files -------------------------------------------------------------------------------------------

VERSION = "20261120183211"
RESERVED_TERM = "4NA7Y494T4"


@dataclass(frozen=True)
class OfferProduct:
    """One product of an offer file and one of its terms; `dimensions` are (rate, begin, end, USD)."""

    sku: str
    family: str
    attributes: Mapping[str, str]
    unit: str
    dimensions: Sequence[tuple[str, str, str, str]]
    term_type: str = "OnDemand"

    @property
    def term(self) -> str:
        return TERM if self.term_type == "OnDemand" else RESERVED_TERM


def _region_attributes(region: str, usage_type: str, operation: str, group: str) -> dict[str, str]:
    return {
        "regionCode": region,
        "location": "US East (N. Virginia)" if region == "us-east-1" else "EU (Ireland)",
        "locationType": "AWS Region",
        "usagetype": usage_type,
        "operation": operation,
        "group": group,
    }


EC2_PRODUCTS = [
    OfferProduct(
        "M2YSHUBETB3JX4M4",
        "NAT Gateway",
        _region_attributes("us-east-1", "NatGateway-Hours", "NatGateway", "NGW:NatGateway"),
        "Hrs",
        [("6YS6EN2CT7", "0", "Inf", "0.0450000000")],
    ),
    # A Reserved term of the same product, at another price: must be ignored.
    OfferProduct(
        "M2YSHUBETB3JX4M4",
        "NAT Gateway",
        _region_attributes("us-east-1", "NatGateway-Hours", "NatGateway", "NGW:NatGateway"),
        "Hrs",
        [("38NPMPTW36", "0", "Inf", "0.0300000000")],
        term_type="Reserved",
    ),
    OfferProduct(
        "3K2KN7UTGBB7XKD6",
        "NAT Gateway",
        _region_attributes("us-east-1", "NatGateway-Bytes", "NatGateway", "NGW:NatGateway"),
        "GB",
        [("6YS6EN2CT7", "0", "Inf", "0.0450000000")],
    ),
    # Another region's product: not asked for, must be ignored.
    OfferProduct(
        "Q4WQ7XSKRU3EWZFP",
        "NAT Gateway",
        _region_attributes("eu-west-1", "EU-NatGateway-Hours", "NatGateway", "NGW:NatGateway"),
        "Hrs",
        [("6YS6EN2CT7", "0", "Inf", "0.0480000000")],
    ),
]

VPC_PRODUCTS = [
    # Dimensions out of order, as in ENDPOINT_BYTES.
    OfferProduct(
        "DQYYEZBCWSW5XS2R",
        "VpcEndpoint",
        _region_attributes("us-east-1", "USE1-VpcEndpoint-Bytes", "VpcEndpoint", "VpcEndpoint"),
        "GB",
        [
            ("VF6VHMDQG3", "5242880", "Inf", "0.0040000000"),
            ("PGHJ3S3EYE", "0", "1048576", "0.0100000000"),
            ("3WD4F7W8QD", "1048576", "5242880", "0.0060000000"),
        ],
    ),
]


def offer_json(path: Path, offer_code: str, products: Sequence[OfferProduct]) -> Path:
    """An offer file in the bulk API's JSON format."""
    document: dict[str, Any] = {
        "formatVersion": "v1.0",
        "disclaimer": "This pricing list is for informational purposes only.",
        "offerCode": offer_code,
        "version": VERSION,
        "publicationDate": PUBLISHED,
        "products": {},
        "terms": {"OnDemand": {}, "Reserved": {}},
    }
    for product in products:
        attributes = {"servicecode": offer_code, **product.attributes, "servicename": offer_code}
        document["products"][product.sku] = {
            "sku": product.sku,
            "productFamily": product.family,
            "attributes": attributes,
        }
        term_code = f"{product.sku}.{product.term}"
        document["terms"][product.term_type].setdefault(product.sku, {})[term_code] = {
            "offerTermCode": product.term,
            "sku": product.sku,
            "effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {
                f"{term_code}.{rate}": {
                    "rateCode": f"{term_code}.{rate}",
                    "description": f"${usd} per {product.unit}",
                    "beginRange": begin,
                    "endRange": end,
                    "unit": product.unit,
                    "pricePerUnit": {"USD": usd},
                    "appliesTo": [],
                }
                for rate, begin, end, usd in product.dimensions
            },
            "termAttributes": {"LeaseContractLength": "1yr"} if product.term_type == "Reserved" else {},
        }
    path.write_text(json.dumps(document, indent=4))
    return path


CSV_HEADER = [
    "SKU",
    "OfferTermCode",
    "RateCode",
    "TermType",
    "PriceDescription",
    "EffectiveDate",
    "StartingRange",
    "EndingRange",
    "Unit",
    "PricePerUnit",
    "Currency",
    "LeaseContractLength",
    "PurchaseOption",
    "OfferingClass",
    "Product Family",
    "serviceCode",
    "Location",
    "Location Type",
    "Group",
    "usageType",
    "operation",
    "Region Code",
    "serviceName",
]


def offer_csv(path: Path, offer_code: str, products: Sequence[OfferProduct]) -> Path:
    """The same offer file in the bulk API's CSV format: five metadata rows, the header, a row per dimension."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(["FormatVersion", "v1.0"])
        writer.writerow(["Disclaimer", "This pricing list is for informational purposes only."])
        writer.writerow(["Publication Date", PUBLISHED])
        writer.writerow(["Version", VERSION])
        writer.writerow(["OfferCode", offer_code])
        writer.writerow(CSV_HEADER)
        for product in products:
            reserved = product.term_type == "Reserved"
            for rate, begin, end, usd in product.dimensions:
                attributes = product.attributes
                writer.writerow(
                    [
                        product.sku,
                        product.term,
                        f"{product.sku}.{product.term}.{rate}",
                        product.term_type,
                        f"${usd} per {product.unit}",
                        "2026-11-01",
                        begin,
                        end,
                        product.unit,
                        usd,
                        "USD",
                        "1yr" if reserved else "",
                        "No Upfront" if reserved else "",
                        "standard" if reserved else "",
                        product.family,
                        offer_code,
                        attributes["location"],
                        attributes["locationType"],
                        attributes["group"],
                        attributes["usagetype"],
                        attributes["operation"],
                        attributes["regionCode"],
                        offer_code,
                    ]
                )
    return path


def offer_files(directory: Path, kind: str) -> list[Path]:
    write = offer_json if kind == "json" else offer_csv
    return [
        write(directory / f"AmazonEC2.{kind}", "AmazonEC2", EC2_PRODUCTS),
        write(directory / f"AmazonVPC.{kind}", "AmazonVPC", VPC_PRODUCTS),
    ]


def offer_source(service_code: str, filter_text: str) -> str:
    return f"AWS Price List offer file {service_code} {VERSION} (publicationDate {PUBLISHED}, filter {filter_text})"


EXPECTED_OFFER_ENTRIES = [
    {
        "item": "nat_gateway_hours",
        "region": "us-east-1",
        "to_region": None,
        "service_code": "AmazonEC2",
        "usage_type": "NatGateway-Hours",
        "operation": "NatGateway",
        "unit": "Hrs",
        "tiers": tiers(("0", None, "0.045")),
        "tier_period": "month",
        "sku": "M2YSHUBETB3JX4M4",
        "rate_code": f"M2YSHUBETB3JX4M4.{TERM}.6YS6EN2CT7",
        "source": offer_source("AmazonEC2", "ServiceCode=AmazonEC2, usagetype=NatGateway-Hours"),
        "evidence": "C",
        "verified": True,
        "note": None,
    },
    {
        "item": "nat_gateway_bytes",
        "region": "us-east-1",
        "to_region": None,
        "service_code": "AmazonEC2",
        "usage_type": "NatGateway-Bytes",
        "operation": "NatGateway",
        "unit": "GB",
        "tiers": tiers(("0", None, "0.045")),
        "tier_period": "month",
        "sku": "3K2KN7UTGBB7XKD6",
        "rate_code": f"3K2KN7UTGBB7XKD6.{TERM}.6YS6EN2CT7",
        "source": offer_source("AmazonEC2", "ServiceCode=AmazonEC2, usagetype=NatGateway-Bytes"),
        "evidence": "C",
        "verified": True,
        "note": None,
    },
    {
        "item": "vpc_endpoint_bytes",
        "region": "us-east-1",
        "to_region": None,
        "service_code": "AmazonVPC",
        "usage_type": "USE1-VpcEndpoint-Bytes",
        "operation": None,
        "unit": "GB",
        "tiers": tiers(("0", "1048576", "0.01"), ("1048576", "5242880", "0.006"), ("5242880", None, "0.004")),
        "tier_period": "month",
        "sku": "DQYYEZBCWSW5XS2R",
        "rate_code": f"DQYYEZBCWSW5XS2R.{TERM}.PGHJ3S3EYE,DQYYEZBCWSW5XS2R.{TERM}.3WD4F7W8QD,"
        f"DQYYEZBCWSW5XS2R.{TERM}.VF6VHMDQG3",
        "source": offer_source("AmazonVPC", "ServiceCode=AmazonVPC, usagetype=USE1-VpcEndpoint-Bytes"),
        "evidence": "C",
        "verified": True,
        "note": None,
    },
]


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_offer_files_give_exact_entries_and_report_missing(tmp_path: Path, kind: str) -> None:
    snapshot, missing = snapshot_from_offer_files(
        offer_files(tmp_path, kind), ["us-east-1"], prefixes=USE1_ONLY, date="2026-12-01"
    )
    assert snapshot.entries == [PriceEntry(**entry) for entry in EXPECTED_OFFER_ENTRIES]
    assert [[str(tier.price_usd) for tier in entry.tiers] for entry in snapshot.entries] == [
        ["0.045"],
        ["0.045"],
        ["0.01", "0.006", "0.004"],
    ]
    found = {"nat_gateway_hours", "nat_gateway_bytes", "vpc_endpoint_bytes"}
    assert missing == [f"{item} in us-east-1" for item in ITEMS if item not in found]
    assert "transit_gateway_bytes in us-east-1" in missing
    assert snapshot.date == "2026-12-01"
    assert snapshot.usage_type_prefixes == USE1_ONLY
    assert snapshot.description == (
        f"AWS on-demand list prices (USD) from AWS Price List offer files (AmazonEC2 {VERSION}, "
        f"AmazonVPC {VERSION}), gathered 2026-12-01."
    )


TGW_PRODUCTS = [
    OfferProduct(
        sku,
        "Transit Gateway",
        _region_attributes("us-east-1", "USE1-TransitGateway-Hours", operation, "AWSTransitGateway"),
        "Hrs",
        [("6YS6EN2CT7", "0", "Inf", usd)],
    )
    for sku, operation, usd in [
        ("3G4UYCG4RJ7AHX9N", "TransitGatewayVPC", "0.0500000000"),
        ("8WVCHAMJ4T8A2ZWA", "TransitGatewayPeering", "0.0600000000"),
    ]
]


def test_json_and_csv_offer_files_give_equal_snapshots(tmp_path: Path) -> None:
    prefixes = {"us-east-1": "USE1", "eu-west-1": "EU"}
    snapshots = {}
    for kind in ("json", "csv"):
        directory = tmp_path / kind
        directory.mkdir()
        write = offer_json if kind == "json" else offer_csv
        paths = [
            write(directory / f"ec2.{kind}", "AmazonEC2", EC2_PRODUCTS),
            write(directory / f"vpc.{kind}", "AmazonVPC", [*VPC_PRODUCTS, *TGW_PRODUCTS]),
        ]
        snapshots[kind] = snapshot_from_offer_files(paths, ["us-east-1", "eu-west-1"], prefixes=prefixes, date="d")
    assert snapshots["json"] == snapshots["csv"]
    snapshot, missing = snapshots["json"]
    catalog = vpccost.Catalog(snapshot, name="offers")
    assert catalog.get("nat_gateway_hours", "eu-west-1").tiers == tiers(("0", None, "0.048"))
    attachment = catalog.get("transit_gateway_attachment_hours", "us-east-1")
    peering = catalog.get("transit_gateway_peering_hours", "us-east-1")
    assert (attachment.sku, attachment.tiers) == ("3G4UYCG4RJ7AHX9N", tiers(("0", None, "0.05")))
    assert (peering.sku, peering.tiers) == ("8WVCHAMJ4T8A2ZWA", tiers(("0", None, "0.06")))
    assert "data_transfer_inter_region_bytes in us-east-1 -> eu-west-1" in missing
    assert "nat_gateway_bytes in eu-west-1" in missing
    assert len(snapshot.entries) + len(missing) == 2 * len(ITEMS) + 2


def test_offer_products_naming_another_region_are_ignored(tmp_path: Path) -> None:
    elsewhere = OfferProduct(
        "ZZZZZZZZZZZZZZZZ",
        "NAT Gateway",
        _region_attributes("us-east-2", "NatGateway-Bytes", "NatGateway", "NGW:NatGateway"),
        "GB",
        [("6YS6EN2CT7", "0", "Inf", "0.0450000000")],
    )
    path = offer_csv(tmp_path / "ec2.csv", "AmazonEC2", [elsewhere])
    snapshot, missing = snapshot_from_offer_files([path], ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert snapshot.entries == []
    assert "nat_gateway_bytes in us-east-1" in missing


def test_disagreeing_offer_products_are_reported(tmp_path: Path) -> None:
    twin = OfferProduct(
        "ZZZZZZZZZZZZZZZZ",
        "NAT Gateway",
        _region_attributes("us-east-1", "NatGateway-Hours", "NatGateway", "NGW:NatGateway"),
        "Hrs",
        [("6YS6EN2CT7", "0", "Inf", "0.0500000000")],
    )
    path = offer_json(tmp_path / "ec2.json", "AmazonEC2", [*EC2_PRODUCTS, twin])
    snapshot, problems = snapshot_from_offer_files([path], ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert [entry.item for entry in snapshot.entries] == ["nat_gateway_bytes"]
    assert problems[0] == "nat_gateway_hours in us-east-1: 2 records disagree (M2YSHUBETB3JX4M4, ZZZZZZZZZZZZZZZZ)"


def _replace_line(path: Path, number: int, text: str) -> Path:
    lines = path.read_text().splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")
    return path


def test_unreadable_or_unrecognised_offer_files_are_input_errors(tmp_path: Path) -> None:
    def refused(path: Path) -> InputError:
        with pytest.raises(InputError) as caught:
            snapshot_from_offer_files([path], ["us-east-1"], prefixes=USE1_ONLY, date="d")
        assert caught.value.source == str(path)
        return caught.value

    assert "cannot read" in refused(tmp_path / "absent.json").message
    (tmp_path / "notes.txt").write_text("NAT gateway: 4.5 cents an hour\n")
    assert "not an AWS price list offer file" in refused(tmp_path / "notes.txt").message
    (tmp_path / "broken.json").write_text('{\n  "offerCode": "AmazonEC2",\n  "products": {\n')
    assert refused(tmp_path / "broken.json").line is not None
    (tmp_path / "other.json").write_text('{"formatVersion": "v1.0"}')
    assert "needs offerCode" in refused(tmp_path / "other.json").message

    short_row = _replace_line(offer_csv(tmp_path / "short.csv", "AmazonEC2", EC2_PRODUCTS), 8, '"M2YSHUBETB3JX4M4"')
    error = refused(short_row)
    assert (error.line, "1 columns" in error.message) == (8, True)
    no_usage = _replace_line(
        offer_csv(tmp_path / "header.csv", "AmazonEC2", EC2_PRODUCTS),
        6,
        ",".join(f'"{column}"' for column in CSV_HEADER if column != "usageType"),
    )
    error = refused(no_usage)
    assert (error.line, error.field) == (6, "usageType")
    bad_price = offer_csv(
        tmp_path / "price.csv", "AmazonEC2", [dataclasses.replace(EC2_PRODUCTS[2], dimensions=[("R", "0", "Inf", "")])]
    )
    error = refused(bad_price)
    assert error.line == 7
    assert "nat_gateway_bytes in us-east-1" in error.message
    assert str(error).startswith(f"{bad_price}, line 7: ")


def test_pricing_update_from_offer_files(tmp_path: Path) -> None:
    from .conftest import run_cli

    files = [str(path) for path in offer_files(tmp_path, "json")]
    args = [arg for path in files for arg in ("--from-offer-file", path)]
    partial = run_cli("pricing", "update", "--regions", "us-east-1", *args, "--output-dir", tmp_path / "out")
    assert partial.exit_code == 1
    assert "transit_gateway_bytes in us-east-1" in partial.stderr
    assert not (tmp_path / "out").exists()
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    broken = run_cli("pricing", "update", "--regions", "us-east-1", "--from-offer-file", garbage)
    assert broken.exit_code == 2
    assert "garbage.json" in broken.stderr
