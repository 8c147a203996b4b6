"""The item registry against the bundled 2026-11-26 snapshot and the Price List queries.

The registry is the one place an item's service code, usage type and unit are written; the snapshot carries
them again per entry, as AWS bills them. These tests hold the two to each other, and hold `pricing update` to
querying every item the snapshot prices (or saying where that item's price comes from instead).
"""

from __future__ import annotations

import pytest

from tests import conftest
from vpccost.aws.pricelist import plan_queries, price_list_gaps
from vpccost.pricing.items import DATA_TRANSFER_INTER_REGION_BYTES, GLOBAL_REGION, ITEMS, regions_without_prefix
from vpccost.pricing.snapshot import ANY_REGION, PriceEntry, Snapshot

SNAPSHOT_PATH = conftest.SNAPSHOT / "prices.json"
SNAPSHOT = Snapshot.model_validate_json(SNAPSHOT_PATH.read_text(encoding="utf-8"))
REGIONS = sorted({entry.region for entry in SNAPSHOT.entries} - {GLOBAL_REGION})
"""The regions the snapshot prices (the global entry aside)."""


def _usage_type(entry: PriceEntry) -> str:
    """The registry's usage type for the entry's region (and destination). An inter-region entry for "any other
    region" (`to_region` `*`) keeps `*` where the destination's prefix goes (`APS1-*-AWS-Out-Bytes`): the engine
    fills it in per destination, so `*` stands as its own prefix here."""
    prefixes = {**SNAPSHOT.usage_type_prefixes, ANY_REGION: ANY_REGION}
    return ITEMS[entry.item].usage_type_for(entry.region, prefixes, entry.to_region)


@pytest.mark.parametrize("entry", SNAPSHOT.entries, ids=lambda entry: entry.label)
def test_each_snapshot_entry_agrees_with_its_registered_item(entry: PriceEntry) -> None:
    assert entry.item in ITEMS
    item = ITEMS[entry.item]
    assert (entry.usage_type, entry.service_code, entry.unit) == (_usage_type(entry), item.service_code, item.unit)
    if item.operation is not None:
        assert entry.operation == item.operation
    if item.scope == "global":
        assert (entry.region, entry.to_region) == (GLOBAL_REGION, None)
    elif item.scope == "inter-region":
        assert entry.to_region is not None
    else:
        assert entry.to_region is None


def test_the_any_region_destination_is_spelled_with_a_star() -> None:
    # us-east-1 to any other region: usage type USE1-*-AWS-Out-Bytes, beside the pair-specific USE1-USE2-AWS-Out-Bytes
    to_other = [e for e in SNAPSHOT.entries if e.region == "us-east-1" and e.to_region == ANY_REGION]
    assert [(entry.usage_type, _usage_type(entry)) for entry in to_other] == [("USE1-*-AWS-Out-Bytes",) * 2]


def test_queries_for_the_snapshot_regions_cover_every_item_it_prices() -> None:
    queries = plan_queries(REGIONS, SNAPSHOT.usage_type_prefixes)
    planned = {(query.item, query.region, query.to_region): query.usage_type for query in queries}
    gaps = {item.key for item in ITEMS.values() if item.price_source is not None}
    for entry in SNAPSHOT.entries:
        if entry.item in gaps:
            continue
        if entry.to_region == ANY_REGION:
            # queried per destination: one query for each other region the snapshot prices
            destinations = {to for item, region, to in planned if (item, region) == (entry.item, entry.region)}
            assert destinations == set(REGIONS) - {entry.region}, entry.label
        else:
            assert planned.get(entry.key) == entry.usage_type, entry.label
    assert {entry.item for entry in SNAPSHOT.entries} <= {query.item for query in queries} | gaps


def test_an_item_that_is_not_queried_says_where_its_price_comes_from() -> None:
    gaps = [item for item in ITEMS.values() if item.price_source is not None]
    queried = {query.item for query in plan_queries(REGIONS, SNAPSHOT.usage_type_prefixes)}
    assert not queried & {item.key for item in gaps}
    assert queried | {item.key for item in gaps} == set(ITEMS)
    notes = price_list_gaps()
    assert len(notes) == len(gaps)
    for item, note in zip(gaps, notes, strict=True):
        assert note.startswith(f"{item.key} is not read from the AWS Price List")
        assert item.price_source is not None
        assert item.price_source in note
        # the snapshot's own entry names the same page as its source
        sources = [entry.source for entry in SNAPSHOT.entries if entry.item == item.key]
        assert sources
        assert all(source.split(" ")[0] in note for source in sources)


def test_the_snapshot_regions_take_273_queries() -> None:
    # 8 regions x 27 regional items + 8 x 7 ordered region pairs + 1 global item (Route 53 hosted zones)
    assert len(REGIONS) == 8
    assert len(plan_queries(REGIONS, SNAPSHOT.usage_type_prefixes)) == 8 * 27 + 8 * 7 + 1 == 273


def test_a_usage_type_is_never_formed_from_a_region_code() -> None:
    # ap-east-2's prefix is not known: no usage type is made for it (ap-east-2 would not be APE2 just because
    # ap-east-1 is APE1)
    prefixes = {"us-east-1": "USE1", "ap-east-1": "APE1"}
    transfer = ITEMS[DATA_TRANSFER_INTER_REGION_BYTES]
    assert transfer.usage_type_for("us-east-1", prefixes, "ap-east-1") == "USE1-APE1-AWS-Out-Bytes"
    with pytest.raises(KeyError, match="no usage-type prefix is known for ap-east-2"):
        transfer.usage_type_for("us-east-1", prefixes, "ap-east-2")
    assert regions_without_prefix(["ap-east-2", "us-east-1", "ap-east-2"], prefixes) == ["ap-east-2"]


@pytest.mark.parametrize(
    ("key", "region", "usage_type", "prefixes"),
    [
        ("nat_gateway_hours", "eu-west-2", "EUW2-NatGateway-Hours", ("EUW2",)),
        ("nat_gateway_hours", "us-east-1", "NatGateway-Hours", ()),
        ("nat_gateway_hours", "us-east-1", "USE1-NatGateway-Hours", None),
        ("regional_nat_gateway_hours", "eu-west-2", "EUW2-NatGateway-Hours", None),
        ("nat_gateway_hours", "eu-west-2", "EUW2-RegionalNatGateway-Hours", None),
        ("regional_nat_gateway_bytes", "us-east-1", "USE1-RegionalNatGateway-Bytes", ("USE1",)),
        ("nlb_hours", "eu-west-2", "EUW2-TS-LoadBalancerUsage", None),
        ("data_transfer_inter_region_bytes", "eu-west-2", "EUW2-EU-AWS-Out-Bytes", ("EUW2", "EU")),
        ("data_transfer_internet_out_bytes", "eu-west-2", "Global-DataTransfer-Out-Bytes", None),
        ("route53_hosted_zone_months", GLOBAL_REGION, "HostedZone", ()),
    ],
)
def test_prefixes_of_reads_a_usage_type_back(
    key: str, region: str, usage_type: str, prefixes: tuple[str, ...] | None
) -> None:
    item = ITEMS[key]
    assert item.prefixes_of(usage_type, region) == prefixes
    if prefixes:
        to_region = "eu-west-1" if len(prefixes) == 2 else None
        table = dict(zip([region, to_region], prefixes, strict=False))
        assert item.usage_type_for(region, {k: v for k, v in table.items() if k}, to_region) == usage_type
