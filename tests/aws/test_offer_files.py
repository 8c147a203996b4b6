"""The bulk offer-file reader: offer files written in AWS's JSON and CSV formats, and real slices of AWS's files."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import vpccost
from tests.aws.test_pricelist import PUBLISHED, TERM, USE1_ONLY, tiers
from tests.conftest import NEWEST_SNAPSHOT
from vpccost.aws.offer_files import snapshot_from_offer_files
from vpccost.aws.pricelist import plan_queries
from vpccost.errors import InputError
from vpccost.pricing.items import (
    CLOUD_WAN_ATTACHMENT_HOURS,
    CLOUD_WAN_BYTES,
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    DATA_TRANSFER_REGIONAL_BYTES,
    DATA_TRANSFER_XAZ_OUT_BYTES,
    NLB_HOURS,
    NLB_NLCU_HOURS,
    PUBLIC_IPV4_IDLE_HOURS,
    PUBLIC_IPV4_IN_USE_HOURS,
)
from vpccost.pricing.snapshot import PriceEntry

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


REFRESH = f"AWS Price List offer files AmazonEC2 {VERSION}, AmazonVPC {VERSION}"
"""The refresh that reads `offer_files`: every entry it writes names it."""
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
        "source_date": PUBLISHED[:10],
        "refresh": REFRESH,
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
        "source_date": PUBLISHED[:10],
        "refresh": REFRESH,
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
        "source_date": PUBLISHED[:10],
        "refresh": REFRESH,
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
    queries = plan_queries(["us-east-1"], USE1_ONLY)
    assert missing == [query.label for query in queries if query.item not in found]
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
    assert len(snapshot.entries) + len(missing) == len(plan_queries(["us-east-1", "eu-west-1"], prefixes))


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
    from tests.conftest import run_cli

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


def test_a_region_no_file_names_is_missing_whole(tmp_path: Path) -> None:
    # ap-east-2 has no usage-type prefix in the table: it is asked for by its region attributes, and files that
    # hold no record of it leave every one of its items missing, naming them, and write nothing
    from tests.conftest import run_cli

    args = [arg for path in offer_files(tmp_path, "json") for arg in ("--from-offer-file", str(path))]
    out = tmp_path / "out"
    refused = run_cli("pricing", "update", "--regions", "us-east-1,ap-east-2", *args, "--output-dir", out)
    assert refused.exit_code == 1
    assert "nat_gateway_hours in ap-east-2" in refused.stderr
    assert "data_transfer_inter_region_bytes in us-east-1 -> ap-east-2" in refused.stderr
    assert not out.exists()


OFFER_FILES = Path(__file__).parent / "offer_files"


def _with_metadata(source: Path, directory: Path, *, offer_code: str, version: str, published: str) -> Path:
    """A copy of a headless offer CSV (the Hugging Face dataset strips the five metadata rows) with them put back."""
    rows = [("FormatVersion", "v1.0"), ("Disclaimer", "(restored for the test)"), ("Publication Date", published)]
    rows += [("Version", version), ("OfferCode", offer_code)]
    target = directory / source.name
    target.write_text("".join(f'"{name}","{value}"\n' for name, value in rows) + source.read_text())
    return target


def test_real_cloud_wan_rows_price_attachments_by_operation(tmp_path: Path) -> None:
    head = _with_metadata(
        OFFER_FILES / "hf-labofsahil-AWSCloudWAN-head-20241101.csv",
        tmp_path,
        offer_code="AWSCloudWAN",
        version="20241101000000",
        published="2024-11-01T00:00:00Z",
    )
    # A Connect attachment shares the usage type (as il-central-1's SKU 23NKVEFF9BS5RGVJ does): derived from the
    # VPC row with the operation, attachment type and price changed; the operation filter must leave it out.
    vpc_row = head.read_text().splitlines()[6]
    connect_row = (
        vpc_row.replace("237RZZHK3CHHFHBT", "TESTCONNECTATTCH")
        .replace(":CloudWANVPC", ":CloudWANConnect")
        .replace('"CloudWANVPC","VPC"', '"CloudWANConnect","Connect"')
        .replace("0.0650000000", "0.0750000000")
        .replace("$0.065", "$0.075")
    )
    head.write_text(head.read_text() + connect_row + "\n")
    prefixes = vpccost.load_pricing().snapshot.usage_type_prefixes
    regions = ["us-east-2", "ap-southeast-2"]
    snapshot, missing = snapshot_from_offer_files([head], regions, prefixes=prefixes, date="2026-12-01")
    catalog = vpccost.Catalog(snapshot, name="offer")
    attachment = catalog.get(CLOUD_WAN_ATTACHMENT_HOURS, "us-east-2")
    assert (attachment.sku, attachment.usage_type, attachment.operation, attachment.unit, attachment.tiers) == (
        "237RZZHK3CHHFHBT",
        "USE2-CloudWAN-Attachment-Hours",
        "CloudWANVPC",
        "hour",
        tiers(("0", None, "0.065")),
    )
    assert attachment.source.endswith(
        "(publicationDate 2024-11-01T00:00:00Z, filter ServiceCode=AWSCloudWAN, "
        "usagetype=USE2-CloudWAN-Attachment-Hours, operation=CloudWANVPC)"
    )
    data = catalog.get(CLOUD_WAN_BYTES, "ap-southeast-2")
    assert (data.sku, data.usage_type, data.unit, data.tiers) == (
        "238E7JSGVP24BSXA",
        "APS2-CloudWAN-Bytes",
        "GigaBytes",
        tiers(("0", None, "0.02")),
    )
    assert f"{CLOUD_WAN_ATTACHMENT_HOURS} in ap-southeast-2" in missing
    assert len(snapshot.entries) + len(missing) == len(plan_queries(regions, prefixes))


@pytest.mark.parametrize(
    ("name", "region", "hours", "nlcu"),
    [
        # NLB rows of AWSELB offer 20260831092255: YKBGGP5EBGDU9T5W $0.0225/h, XZ2DR556MD28P9WJ $0.006/NLCU-h
        ("togen-AWSELB-us-east-1-20260831092255.csv", "us-east-1", ("YKBGGP5EBGDU9T5W", "0.0225"), "XZ2DR556MD28P9WJ"),
        # QSWHNGUEGEPBSPC6 $0.02646/h, T9SXURTB56US7RTF $0.006/NLCU-h
        ("togen-AWSELB-eu-west-2-20260831092255.csv", "eu-west-2", ("QSWHNGUEGEPBSPC6", "0.02646"), "T9SXURTB56US7RTF"),
    ],
)
def test_real_elb_rows_give_the_network_load_balancer(
    name: str, region: str, hours: tuple[str, str], nlcu: str
) -> None:
    prefixes = vpccost.load_pricing().snapshot.usage_type_prefixes
    snapshot, _ = snapshot_from_offer_files([OFFER_FILES / name], [region], prefixes=prefixes, date="2026-12-01")
    catalog = vpccost.Catalog(snapshot, name="offer")
    hour, capacity = catalog.get(NLB_HOURS, region), catalog.get(NLB_NLCU_HOURS, region)
    assert (hour.sku, hour.tiers, hour.operation) == (hours[0], tiers(("0", None, hours[1])), "LoadBalancing:Network")
    assert (capacity.sku, capacity.unit, capacity.tiers) == (nlcu, "LCU-Hrs", tiers(("0", None, "0.006")))
    assert [entry.item for entry in snapshot.entries] == [NLB_HOURS, NLB_NLCU_HOURS]


DATA_TRANSFER = OFFER_FILES / "togen-AWSDataTransfer-eu-west-2-20260831121448.csv"
ELB_EU_WEST_2 = OFFER_FILES / "togen-AWSELB-eu-west-2-20260831092255.csv"
EC2_PROJECTED = OFFER_FILES / "togen-ec2Slice-AmazonEC2-20260904231117-projected.csv"
CLOUD_WAN_HEAD = OFFER_FILES / "hf-labofsahil-AWSCloudWAN-head-20241101.csv"
ELB_HEAD = OFFER_FILES / "hf-labofsahil-AWSELB-head-20241001.csv"
API_RECORDS = OFFER_FILES / "pricelist-api-AmazonVPC-ap-south-1-publicipv4-20240709.jsonl"
BUNDLED_PREFIXES = vpccost.load_pricing(NEWEST_SNAPSHOT).snapshot.usage_type_prefixes


def _without(prefixes: Mapping[str, str], *regions: str) -> dict[str, str]:
    return {region: prefix for region, prefix in prefixes.items() if region not in regions}


@pytest.mark.parametrize("table", ["bundled", "without eu-west-1 and eu-west-2"])
def test_real_data_transfer_rows_give_internet_tiers_inter_region_and_xaz(table: str) -> None:
    # AWSDataTransfer offer 20260831121448: EUW2-DataTransfer-Out-Bytes QZ73H5RGR5JYYB4D $0.09/0.085/0.07/0.05 from
    # 0/10 TB/50 TB/150 TB, EUW2-EU-AWS-Out-Bytes TZSWRRM2EWTHHHRZ $0.02, EUW2-DataTransfer-xAZ-Out-Bytes $0.00.
    # Without the two regions' prefixes in the table, the rows' From/To Region Code teach them (EUW2, EU).
    prefixes = BUNDLED_PREFIXES if table == "bundled" else _without(BUNDLED_PREFIXES, "eu-west-1", "eu-west-2")
    regions = ["eu-west-2", "eu-west-1"]
    snapshot, missing = snapshot_from_offer_files([DATA_TRANSFER], regions, prefixes=prefixes, date="2026-12-04")
    catalog = vpccost.Catalog(snapshot, name="offer")
    internet = catalog.get(DATA_TRANSFER_INTERNET_OUT_BYTES, "eu-west-2")
    assert (internet.sku, internet.usage_type, internet.unit) == (
        "QZ73H5RGR5JYYB4D",
        "EUW2-DataTransfer-Out-Bytes",
        "GB",
    )
    assert internet.tiers == tiers(
        ("0", "10240", "0.09"), ("10240", "51200", "0.085"), ("51200", "153600", "0.07"), ("153600", None, "0.05")
    )
    assert internet.refresh == "AWS Price List offer files AWSDataTransfer 20260831121448"
    assert internet.source_date == "2026-08-31"
    transfer = catalog.get(DATA_TRANSFER_INTER_REGION_BYTES, "eu-west-2", "eu-west-1")
    assert (transfer.sku, transfer.usage_type, transfer.tiers) == (
        "TZSWRRM2EWTHHHRZ",
        "EUW2-EU-AWS-Out-Bytes",
        tiers(("0", None, "0.02")),
    )
    xaz = catalog.get(DATA_TRANSFER_XAZ_OUT_BYTES, "eu-west-2")
    assert (xaz.sku, xaz.tiers) == ("6VMMMYUXJN87WBSX", tiers(("0", None, "0")))
    assert [entry.label for entry in snapshot.entries] == [
        f"{DATA_TRANSFER_INTERNET_OUT_BYTES} in eu-west-2",
        f"{DATA_TRANSFER_XAZ_OUT_BYTES} in eu-west-2",
        f"{DATA_TRANSFER_INTER_REGION_BYTES} in eu-west-2 -> eu-west-1",
    ]
    # the slice holds no EUW2-DataTransfer-Regional-Bytes row, nor the free-tier Global-* rows as regional prices
    assert f"{DATA_TRANSFER_REGIONAL_BYTES} in eu-west-2" in missing
    assert snapshot.missing == missing
    assert (snapshot.usage_type_prefixes["eu-west-2"], snapshot.usage_type_prefixes["eu-west-1"]) == ("EUW2", "EU")


def test_real_elb_rows_teach_the_prefix_and_skip_outposts_and_trust_store_rows() -> None:
    # eu-west-2 unknown to the table: the rows naming it with Region Code eu-west-2 give EUW2; EUW2-TS- and
    # EUW2-Outposts- usage types are not an NLB's, and Classic/ALB/GWLB rows differ by product family
    prefixes = _without(BUNDLED_PREFIXES, "eu-west-2")
    snapshot, _ = snapshot_from_offer_files([ELB_EU_WEST_2], ["eu-west-2"], prefixes=prefixes, date="2026-12-04")
    catalog = vpccost.Catalog(snapshot, name="offer")
    hour, capacity = catalog.get(NLB_HOURS, "eu-west-2"), catalog.get(NLB_NLCU_HOURS, "eu-west-2")
    assert (hour.sku, hour.usage_type, hour.tiers) == (
        "QSWHNGUEGEPBSPC6",
        "EUW2-LoadBalancerUsage",
        tiers(("0", None, "0.02646")),
    )
    assert (capacity.sku, capacity.tiers) == ("T9SXURTB56US7RTF", tiers(("0", None, "0.006")))
    assert hour.source.endswith(
        "filter ServiceCode=AWSELB, usagetype contains -LoadBalancerUsage, regionCode=eu-west-2, "
        "productFamily=Load Balancer-Network)"
    )
    assert snapshot.usage_type_prefixes["eu-west-2"] == "EUW2"


def test_a_region_vpccost_does_not_list_is_accepted_when_the_records_name_it(tmp_path: Path) -> None:
    # A test copy of the eu-west-2 ELB slice moved to a region code vpccost does not list (eu-west-9, EUW9-): the
    # records name it, so it is priced and its prefix learned; a region no record names is refused
    moved = tmp_path / "AWSELB-eu-west-9.csv"
    moved.write_text(ELB_EU_WEST_2.read_text().replace("eu-west-2", "eu-west-9").replace("EUW2-", "EUW9-"))
    snapshot, _ = snapshot_from_offer_files([moved], ["eu-west-9"], prefixes=BUNDLED_PREFIXES, date="2026-12-04")
    assert [(entry.label, entry.usage_type) for entry in snapshot.entries] == [
        (f"{NLB_HOURS} in eu-west-9", "EUW9-LoadBalancerUsage"),
        (f"{NLB_NLCU_HOURS} in eu-west-9", "EUW9-LCUUsage"),
    ]
    assert snapshot.usage_type_prefixes["eu-west-9"] == "EUW9"
    with pytest.raises(InputError, match="eu-west-8: not a region vpccost lists") as caught:
        snapshot_from_offer_files([moved], ["eu-west-9", "eu-west-8"], prefixes=BUNDLED_PREFIXES, date="d")
    assert caught.value.field == "regions"


def test_the_column_projected_ec2_slice_is_refused_naming_the_columns_it_lacks() -> None:
    with pytest.raises(InputError) as caught:
        snapshot_from_offer_files([EC2_PROJECTED], ["eu-west-2"], prefixes=BUNDLED_PREFIXES, date="d")
    error = caught.value
    assert (error.source, error.line, error.field) == (str(EC2_PROJECTED), 6, "OfferTermCode")
    assert error.message == "offer CSV header lacks OfferTermCode, RateCode, StartingRange, EndingRange"


@pytest.mark.parametrize("head", [CLOUD_WAN_HEAD, ELB_HEAD])
def test_heads_without_metadata_rows_are_refused_naming_them(head: Path) -> None:
    with pytest.raises(InputError) as caught:
        snapshot_from_offer_files([head], ["us-east-2"], prefixes=BUNDLED_PREFIXES, date="d")
    error = caught.value
    assert (error.source, error.line, error.field) == (str(head), 1, "FormatVersion")
    assert "lacks its five metadata rows (FormatVersion, Disclaimer, Publication Date, Version, OfferCode)" in (
        error.message
    )


def test_the_classic_load_balancer_row_does_not_price_an_nlb(tmp_path: Path) -> None:
    # APE1-LoadBalancerUsage 224ASX5MQ9RVZDJG is a Classic Load Balancer's (product family "Load Balancer")
    head = _with_metadata(ELB_HEAD, tmp_path, offer_code="AWSELB", version="20241001000000", published="2024-10-01")
    snapshot, missing = snapshot_from_offer_files([head], ["ap-east-1"], prefixes=BUNDLED_PREFIXES, date="d")
    assert snapshot.entries == []
    assert f"{NLB_HOURS} in ap-east-1" in missing


def test_api_records_are_not_an_offer_file_but_an_offer_built_from_them_is(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Price List API record") as caught:
        snapshot_from_offer_files([API_RECORDS], ["ap-south-1"], prefixes=BUNDLED_PREFIXES, date="d")
    assert caught.value.source == str(API_RECORDS)
    # The two GetProducts records (AmazonVPC 20240709181629) as the products and terms of a JSON offer file
    records = [json.loads(line) for line in API_RECORDS.read_text().splitlines()]
    document = {
        "formatVersion": "v1.0",
        "offerCode": "AmazonVPC",
        "version": records[0]["version"],
        "publicationDate": records[0]["publicationDate"],
        "products": {record["product"]["sku"]: record["product"] for record in records},
        "terms": {"OnDemand": {record["product"]["sku"]: record["terms"]["OnDemand"] for record in records}},
    }
    offer = tmp_path / "AmazonVPC.json"
    offer.write_text(json.dumps(document, indent=2))
    prefixes = _without(BUNDLED_PREFIXES, "ap-south-1")
    snapshot, _ = snapshot_from_offer_files([offer], ["ap-south-1"], prefixes=prefixes, date="2026-12-04")
    catalog = vpccost.Catalog(snapshot, name="offer")
    in_use, idle = (
        catalog.get(PUBLIC_IPV4_IN_USE_HOURS, "ap-south-1"),
        catalog.get(PUBLIC_IPV4_IDLE_HOURS, "ap-south-1"),
    )
    assert (in_use.sku, in_use.usage_type, in_use.tiers) == (
        "H6SHSM3KDNNZRM9E",
        "APS3-PublicIPv4:InUseAddress",
        tiers(("0", None, "0.005")),
    )
    assert (idle.sku, idle.tiers) == ("CSRJTKHMAVNJSJAK", tiers(("0", None, "0.005")))
    assert snapshot.usage_type_prefixes["ap-south-1"] == "APS3"


def test_a_json_offer_whose_terms_come_before_its_products_reads_the_same(tmp_path: Path) -> None:
    written = offer_json(tmp_path / "ec2.json", "AmazonEC2", EC2_PRODUCTS)
    document = json.loads(written.read_text())
    reordered = {key: document[key] for key in ("terms", "version", "publicationDate", "products", "offerCode")}
    swapped = tmp_path / "swapped.json"
    swapped.write_text(json.dumps(reordered))
    expected = snapshot_from_offer_files([written], ["us-east-1"], prefixes=USE1_ONLY, date="d")
    assert snapshot_from_offer_files([swapped], ["us-east-1"], prefixes=USE1_ONLY, date="d") == expected


def test_pricing_update_over_real_slices(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    update: list[str | Path] = [
        "pricing",
        "update",
        "--regions",
        "eu-west-2,eu-west-1",
        "--from-offer-file",
        DATA_TRANSFER,
    ]
    refused = run_cli(*update, "--output-dir", tmp_path / "refused")
    assert refused.exit_code == 1
    assert f"{DATA_TRANSFER_REGIONAL_BYTES} in eu-west-2" in refused.stderr
    assert not (tmp_path / "refused").exists()

    written = run_cli(*update, "--output-dir", tmp_path / "partial", "--allow-missing")
    assert written.exit_code == 0, written.stderr
    assert "listed in the snapshot's 'missing'" in written.stderr
    partial = vpccost.load_pricing(tmp_path / "partial")
    assert f"{DATA_TRANSFER_REGIONAL_BYTES} in eu-west-2" in partial.snapshot.missing
    assert len(partial.snapshot.entries) == 3
    assert len(partial.snapshot.entries) + len(partial.snapshot.missing) == len(
        plan_queries(["eu-west-2", "eu-west-1"], BUNDLED_PREFIXES)
    )
    with pytest.raises(vpccost.MissingPriceError):
        partial.get(DATA_TRANSFER_REGIONAL_BYTES, "eu-west-2")

    for bad, message in [(EC2_PROJECTED, "lacks OfferTermCode"), (CLOUD_WAN_HEAD, "lacks its five metadata rows")]:
        result = run_cli("pricing", "update", "--regions", "eu-west-2", "--from-offer-file", bad,
                         "--output-dir", tmp_path / "bad", "--allow-missing")  # fmt: skip
        assert result.exit_code == 2
        assert bad.name in result.stderr and message in " ".join(result.stderr.split())
        assert not (tmp_path / "bad").exists()


def test_pricing_update_merged_with_a_snapshot_keeps_what_the_refresh_does_not_reprice(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    earlier = vpccost.load_pricing(NEWEST_SNAPSHOT)
    update: list[str | Path] = [
        "pricing",
        "update",
        "--regions",
        "eu-west-2,eu-west-1",
        "--from-offer-file",
        DATA_TRANSFER,
    ]
    result = run_cli(*update, "--merge-with", NEWEST_SNAPSHOT, "--allow-missing", "--output-dir", tmp_path / "merged")
    assert result.exit_code == 0, result.stderr
    merged = vpccost.load_pricing(tmp_path / "merged")
    refreshed = {entry.label for entry in merged.snapshot.entries if entry.refresh and "offer files" in entry.refresh}
    assert refreshed == {
        f"{DATA_TRANSFER_INTERNET_OUT_BYTES} in eu-west-2",
        f"{DATA_TRANSFER_XAZ_OUT_BYTES} in eu-west-2",
        f"{DATA_TRANSFER_INTER_REGION_BYTES} in eu-west-2 -> eu-west-1",
    }
    # the refresh's price replaces the earlier one; every other earlier entry is kept, naming its own refresh
    assert merged.get(DATA_TRANSFER_INTERNET_OUT_BYTES, "eu-west-2").sku == "QZ73H5RGR5JYYB4D"
    refreshed_keys = {entry.key for entry in merged.snapshot.entries if entry.label in refreshed}
    assert {entry.key for entry in merged.snapshot.entries} == {
        e.key for e in earlier.snapshot.entries
    } | refreshed_keys
    kept = [entry for entry in merged.snapshot.entries if entry.label not in refreshed]
    assert kept == [
        entry if entry.refresh else entry.model_copy(update={"refresh": "snapshot aws/2026-12-04"})
        for entry in earlier.snapshot.entries
        if entry.label not in refreshed
    ]
    # an entry the refresh could not find keeps the earlier one, and the command says so
    assert f"{DATA_TRANSFER_REGIONAL_BYTES} in eu-west-2" not in merged.snapshot.missing
    regional, before = (c.get(DATA_TRANSFER_REGIONAL_BYTES, "eu-west-2") for c in (merged, earlier))
    assert (regional.sku, regional.tiers, regional.source) == (before.sku, before.tiers, before.source)
    assert regional.refresh == (before.refresh or "snapshot aws/2026-12-04")
    assert f"kept from aws/2026-12-04 (this refresh found no record): {DATA_TRANSFER_REGIONAL_BYTES} in eu-west-2" in (
        result.stderr
    )
