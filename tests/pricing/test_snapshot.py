"""The price snapshot: every entry carries its provenance, and a malformed entry is refused saying why."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import vpccost
from tests.conftest import NEWEST_SNAPSHOT, REPO, SNAPSHOT
from tests.support import catalogs
from vpccost.pricing.snapshot import PriceEntry, Snapshot, bundled_snapshot_dir

CATALOG = vpccost.load_pricing(SNAPSHOT)


def test_every_entry_carries_its_provenance() -> None:
    entries = list(CATALOG.entries())
    assert len(entries) > 50
    for entry in entries:
        assert entry.source and entry.service_code and entry.usage_type and entry.unit
        assert entry.tiers[0].begin == 0 and entry.tiers[-1].end is None
        if entry.evidence == "U":
            assert not entry.verified, f"{entry.label}: an unconfirmed figure must be marked unverified"


def entry_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "item": "nat_gateway_hours", "region": "us-east-1", "service_code": "AmazonEC2",
        "usage_type": "NatGateway-Hours", "unit": "Hrs", "tiers": [{"begin": "0", "end": None, "price_usd": "0.045"}],
        "source": "https://aws.amazon.com/vpc/pricing/", "evidence": "C", "verified": True,
    }  # fmt: skip
    return {**document, **changes}


def test_an_entry_reads_its_prices_as_exact_decimals() -> None:
    parsed = PriceEntry.model_validate(entry_document())
    assert parsed.flat_price_usd == Decimal("0.045")
    assert (parsed.key, parsed.label, parsed.is_tiered) == (("nat_gateway_hours", "us-east-1", None),
                                                            "nat_gateway_hours in us-east-1", False)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tiers": [{"begin": "0", "end": None, "price_usd": 0.045}]}, "decimal strings"),
        ({"item": "nat_gateway_hour"}, "unknown item 'nat_gateway_hour' (did you mean nat_gateway_hours?)"),
        ({"tiers": [{"begin": "1", "end": None, "price_usd": "0.1"}]}, "tier 0 begins at 1, expected 0"),
        ({"tiers": [{"begin": "0", "end": "10", "price_usd": "0.1"}]}, "the last tier must have no end"),
        (
            {"tiers": [{"begin": "0", "end": None, "price_usd": "0.1"}, {"begin": "0", "end": None, "price_usd": "1"}]},
            "tier 0 has no end but is not the last tier",
        ),
        ({"tiers": [{"begin": "0", "end": None, "price_usd": "-0.1"}]}, "tier 0 has a negative price"),
        ({"tiers": []}, "at least 1 item"),
    ],
    ids=["float", "unknown-item", "gap", "bounded-last", "unbounded-first", "negative", "no-tiers"],
)
def test_a_malformed_entry_is_refused_saying_why(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        PriceEntry.model_validate(entry_document(**changes))


def test_an_infinite_end_is_no_end() -> None:
    tiers = [
        {"begin": "0", "end": "10240", "price_usd": "0.09"},
        {"begin": "10240", "end": "Inf", "price_usd": "0.085"},
    ]
    parsed = PriceEntry.model_validate(entry_document(tiers=tiers))
    assert [tier.end for tier in parsed.tiers] == [Decimal(10240), None]
    assert parsed.is_tiered


def test_the_bundled_snapshot_is_the_newest_dated_folder() -> None:
    dated = sorted(path.name for path in (REPO / "pricing" / "aws").iterdir() if (path / "prices.json").is_file())
    assert bundled_snapshot_dir().name == dated[-1]


def test_a_snapshot_file_round_trips(tmp_path: Path) -> None:
    snapshot = Snapshot(date="2026-01-01", entries=[catalogs.entry("vpc_endpoint_hours", "us-east-1", (None, "0.01"))])
    path = tmp_path / "prices.json"
    path.write_text(snapshot.model_dump_json())
    assert Snapshot.model_validate(json.loads(path.read_text())) == snapshot


# Usage-type prefixes AWS bills these regions under, as the AWS Price List's records and AWS bills show them
# (AWS Price List, AWSDataTransfer: USE1-ILC1-AWS-Out-Bytes is us-east-1 to il-central-1)
NEWLY_KNOWN_PREFIXES = {
    "ca-west-1": "CAN2", "eu-central-2": "EUC2", "eu-south-2": "EUS2", "il-central-1": "ILC1", "me-central-1": "MEC1",
    "ap-south-2": "APS5", "ap-southeast-3": "APS4",
}  # fmt: skip
UNKNOWN_PREFIXES = ("ap-east-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1")
"""Regions whose prefix no public price record shows, or that only one source gives while others disagree."""


def test_the_bundled_snapshot_knows_the_prefixes_price_records_show_and_guesses_none() -> None:
    prefixes = CATALOG.snapshot.usage_type_prefixes
    assert {region: prefixes.get(region) for region in NEWLY_KNOWN_PREFIXES} == NEWLY_KNOWN_PREFIXES
    assert prefixes["us-east-1"] == "USE1"  # us-east-1 also bills some usage types unprefixed; the prefix is USE1
    assert [region for region in UNKNOWN_PREFIXES if region in prefixes] == []


@pytest.mark.parametrize(
    ("changes", "prefixes", "field", "message"),
    [
        ({"region": "eu-westt-1", "usage_type": "EU-NatGateway-Hours"}, {}, "entries[0].region",
         "'eu-westt-1' is not an AWS region (did you mean eu-west-1?)"),
        ({"region": "eu-west-1", "usage_type": "EUW1-NatGateway-Hours"}, {"eu-west-1": "EU"}, "entries[0].usage_type",
         "nat_gateway_hours in eu-west-1 is billed as 'EU-NatGateway-Hours'"),
        ({"item": "data_transfer_inter_region_bytes", "to_region": "mars-north-1", "service_code": "AWSDataTransfer",
          "usage_type": "USE1-MRS1-AWS-Out-Bytes", "unit": "GB"}, {}, "entries[0].to_region",
         "'mars-north-1' is not an AWS region"),
        ({}, {"Europe": "EU"}, "usage_type_prefixes", "'Europe' is not an AWS region code"),
        ({}, {"eu-west-1": "eu"}, "usage_type_prefixes", "'eu' is not a usage-type prefix"),
        ({"source_date": "last year"}, {}, "entries[0].source_date", "String should match pattern"),
        ({"source": ""}, {}, "entries[0].source", "at least 1 character"),
    ],
    ids=["unknown-region", "prefix-disagrees", "unknown-destination", "bad-region-key", "bad-prefix", "bad-date",
         "no-source"],
)  # fmt: skip
def test_a_snapshot_file_naming_what_aws_does_not_have_is_refused(
    tmp_path: Path, changes: dict[str, Any], prefixes: dict[str, str], field: str, message: str
) -> None:
    path = tmp_path / "prices.json"
    document = {"date": "2026-12-04", "usage_type_prefixes": prefixes, "entries": [entry_document(**changes)]}
    path.write_text(json.dumps(document, indent=2))
    with pytest.raises(vpccost.InputError, match=re.escape(message)) as refused:
        vpccost.load_pricing(path)
    assert (refused.value.source, refused.value.field) == (str(path), field)
    assert refused.value.line is not None


def test_a_region_the_price_data_gives_a_prefix_is_accepted() -> None:
    # a region AWS opens after this release: its price records name it and its prefix
    document = {
        "date": "2027-01-01",
        "usage_type_prefixes": {"xx-newland-1": "XXN1"},
        "entries": [entry_document(region="xx-newland-1", usage_type="XXN1-NatGateway-Hours")],
    }
    assert Snapshot.model_validate(document).entries[0].region == "xx-newland-1"


NEWEST = vpccost.load_pricing(NEWEST_SNAPSHOT)


def test_the_newest_snapshot_dates_and_sources_every_figure_publicly() -> None:
    entries = list(NEWEST.entries())
    assert len(entries) == 299
    for entry in entries:
        assert entry.source_date is not None, entry.label
        assert "https://" in entry.source, entry.label  # a public address to check it at
        for unpublished in ("stored public file", "offer-files", "PRICING-FACTS", "find_string"):
            assert unpublished not in entry.source and unpublished not in (entry.note or ""), entry.label
        # only a figure read from an AWS price record or an AWS page is verified
        assert entry.verified == (entry.evidence == "C"), entry.label


def test_the_newest_snapshot_leaves_out_prices_known_for_their_first_tier_only() -> None:
    # Frankfurt's interface-endpoint processing is published for its first PB only (0.01 USD/GB): the price of
    # later tiers is unknown, so the entry is missing rather than a first tier stretched to infinity
    assert NEWEST.find("vpc_endpoint_bytes", "eu-central-1") is None
    assert NEWEST.get("vpc_endpoint_hours", "eu-central-1").flat_price_usd == Decimal("0.012")


def test_the_newest_snapshot_knows_the_prefixes_its_price_records_show() -> None:
    prefixes = NEWEST.snapshot.usage_type_prefixes
    assert len(prefixes) == 30
    assert (prefixes["ap-southeast-5"], prefixes["ap-southeast-7"]) == ("APS7", "APS9")
    assert [
        region for region in ("ap-east-2", "ap-southeast-4", "ap-southeast-6", "mx-central-1") if region in prefixes
    ] == []


def test_missing_lists_what_a_refresh_found_no_record_for_and_defaults_to_none() -> None:
    document = json.loads((SNAPSHOT / "prices.json").read_text())
    assert Snapshot.model_validate(document).missing == []
    label = "data_transfer_regional_bytes in eu-west-2"
    partial = Snapshot.model_validate({**document, "missing": [label]})
    assert partial.missing == [label]
    assert Snapshot.model_validate_json(partial.model_dump_json()).missing == [label]
