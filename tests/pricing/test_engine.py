"""The engine: tiers on each item's total across payers, then allocated pro rata; the free tier; missing prices
collected. Each figure checked by hand from the pinned snapshot (pricing/aws/2026-11-26)."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import vpccost
from tests.conftest import NEWEST_SNAPSHOT, SNAPSHOT, WriteEstate, vpc
from tests.support import line_items
from tests.support.catalogs import catalog, entry
from tests.support.strategies import PROPERTY_SETTINGS, estates
from vpccost.errors import MissingPriceError
from vpccost.inputs.topology import Topology
from vpccost.model.aws_facts import REGIONS
from vpccost.model.usage import DesignUsage, Meter, Resource
from vpccost.outputs.focus import focus_frame
from vpccost.outputs.frames import line_items_csv
from vpccost.outputs.periods import period_of
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.engine import allocate, price
from vpccost.pricing.items import (
    DATA_TRANSFER_INTER_REGION_BYTES,
    DATA_TRANSFER_INTERNET_OUT_BYTES,
    ITEMS,
    NAT_GATEWAY_BYTES,
    NAT_GATEWAY_HOURS,
)
from vpccost.pricing.tiers import split_into_tiers
from vpccost.results import DesignResult, LineItem
from vpccost.units import HOURS_PER_MONTH


def test_tiers_apply_across_accounts_then_are_allocated_pro_rata(write_estate: WriteEstate) -> None:
    # Two accounts send 12,000 GB and 8,000 GB to the internet from us-east-1: 20,000 GB together.
    # Tiers on the total: 10,240 GB × $0.09 = $921.60 and 9,760 GB × $0.085 = $829.60; total $1,751.20.
    # Pro rata (60 % / 40 %): A gets 6,144 + 5,856 GB -> $552.96 + $497.76 = $1,050.72,
    #                         B gets 4,096 + 3,904 GB -> $368.64 + $331.84 = $700.48.
    traffic, topology = write_estate(
        [vpc("a", account="111111111111"), vpc("b", account="222222222222")],
        "src,dst,initiator,gb\na,internet,dst,12000\nb,internet,dst,8000",
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    by_payer: dict[str, Decimal] = {}
    for item in peering.line_items:
        by_payer[item.payer_account] = by_payer.get(item.payer_account, Decimal(0)) + item.cost_usd
    assert by_payer == {"111111111111": Decimal("1050.72"), "222222222222": Decimal("700.48")}
    assert peering.total_usd == Decimal("1751.20")


def test_free_tier_is_applied_only_when_asked(write_estate: WriteEstate) -> None:
    # 300 GB of internet egress: $27.00; with --free-tier the first 100 GB are free: 200 × $0.09 = $18.00
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,300")
    plain = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    free = vpccost.compare(traffic, topology, designs=["peering"], free_tier=True, pricing=SNAPSHOT).design("peering")
    assert plain.total_usd == Decimal("27.00")
    assert free.total_usd == Decimal("18.00")


def test_a_design_missing_a_price_is_listed_unpriced(write_estate: WriteEstate) -> None:
    # the pinned snapshot has no NAT gateway price for ap-northeast-1, but has its TGW and peering prices
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    result = vpccost.compare(traffic, topology, designs=["peering", "transit-gateway"], pricing=SNAPSHOT)
    for design in result.designs:
        assert not design.priced and design.total_usd is None
        assert any("nat_gateway_hours in ap-northeast-1" in missing for missing in design.missing_prices)


def test_i4_internet_egress_tiers_57000_gb(write_estate: WriteEstate) -> None:
    # I4, infracost expected output: us-east-1 internet egress of 57,000 GB in a month:
    # first 10,240 GB × $0.09 = $921.60; next 40,960 GB × $0.085 = $3,481.60; 5,800 GB × $0.07 = $406.00.
    # The row answers a connection opened from the internet (initiator dst), so no NAT gateway is involved.
    traffic, topology = write_estate([vpc("web")], "src,dst,initiator,gb\nweb,internet,dst,57000")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    tiers = [(item.quantity, item.cost_usd) for item in line_items.items(peering, "DataTransfer-Out-Bytes")]
    assert tiers == [
        (Decimal(10240), Decimal("921.60")),
        (Decimal(40960), Decimal("3481.60")),
        (Decimal(5800), Decimal("406.00")),
    ]
    assert peering.total_usd == Decimal("4809.20")


CATALOG = vpccost.load_pricing(SNAPSHOT)


@PROPERTY_SETTINGS
@given(estates(egress_rows=3))
def test_each_items_total_in_a_region_is_charged_its_tiers_once_across_payers(
    estate: tuple[Topology, pd.DataFrame],
) -> None:
    """Tiers apply to an item's total in a region across accounts (consolidated billing), and allocating the charge to
    payers neither loses money nor moves it between items or regions: the line items of each (item, region) cost
    exactly the tiered charge of their summed quantity. Charging each payer its own tiers would cost more; moving
    money between regions or items would break the sum of one group or another."""
    topology, traffic = estate
    for design in vpccost.compare(traffic, topology, pricing=SNAPSHOT).designs:
        groups: dict[tuple[str, str, str | None], list[LineItem]] = defaultdict(list)
        for item in design.line_items:
            groups[(item.item, item.region, item.to_region)].append(item)
        for (name, region, to_region), items in groups.items():
            entry = CATALOG.get(name, region, to_region)
            charges = split_into_tiers(entry, sum((item.quantity for item in items), Decimal(0)), HOURS_PER_MONTH)
            assert {item.rate_usd for item in items} <= {tier.price_usd for tier in entry.tiers}
            assert sum((item.cost_usd for item in items), Decimal(0)) == sum(
                (charge.quantity * charge.price_usd for charge in charges), Decimal(0)
            ), (design.design, name, region, to_region)


@given(
    st.lists(st.decimals(0, 10_000, places=6, allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
    st.decimals(0, 50_000, places=4, allow_nan=False, allow_infinity=False),
)
def test_allocation_adds_up_exactly(weights: list[Decimal], amount: Decimal) -> None:
    assume(sum(weights) > 0)  # nothing to allocate by
    parts = allocate(amount, weights)
    assert sum(parts, Decimal(0)) == amount
    assert all(part >= 0 for part in parts)


# ---- a hand-built usage priced against a hand-built catalog ------------------------------------------------
# The prices are invented for these tests (tests/support/catalogs.py): internet egress in us-east-1 $0.10/GB for
# the first 100 GB of a month and $0.05/GB over; a NAT gateway-hour $0.04. No snapshot is read.
A, B, C = "111111111111", "222222222222", "333333333333"
EGRESS = entry(DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", ("100", "0.10"), (None, "0.05"))
NAT_HOURS = entry(NAT_GATEWAY_HOURS, "us-east-1", (None, "0.04"))
TWO_ENTRIES = catalog([EGRESS, NAT_HOURS])


def meter(item: str, payer: str, quantity: str, *, region: str = "us-east-1", to_region: str | None = None) -> Meter:
    resource = Resource(f"vpc-{payer[0]}", "vpc", f"vpc-{payer[0]}")
    return Meter(f"Metered {item}", item, region, to_region, payer, resource, None, Decimal(quantity))


def priced(*meters: Meter, free_tier: bool = False, prices: Catalog = TWO_ENTRIES) -> DesignResult:
    return price(DesignUsage("hand", list(meters)), prices, period_hours=Decimal(730), free_tier=free_tier)


def test_tiers_apply_to_the_total_across_payers_then_each_tier_is_shared_pro_rata() -> None:
    # 60 + 90 = 150 GB: the first 100 GB at $0.10 = $10.00, the next 50 GB at $0.05 = $2.50; A sends 60/150 = 40 %:
    # 40 GB ($4.00) + 20 GB ($1.00); B 60 % of each: 60 GB ($6.00) + 30 GB ($1.50)
    result = priced(meter(DATA_TRANSFER_INTERNET_OUT_BYTES, A, "60"), meter(DATA_TRANSFER_INTERNET_OUT_BYTES, B, "90"))
    lines = [(item.payer_account, item.tier, item.quantity, item.rate_usd, item.cost_usd) for item in result.line_items]
    assert lines == [
        (A, "first 100 GB/month", Decimal(40), Decimal("0.10"), Decimal("4.00")),
        (B, "first 100 GB/month", Decimal(60), Decimal("0.10"), Decimal("6.00")),
        (A, "over 100 GB/month", Decimal(20), Decimal("0.05"), Decimal("1.00")),
        (B, "over 100 GB/month", Decimal(30), Decimal("0.05"), Decimal("1.50")),
    ]
    assert result.total_usd == Decimal("12.50")
    assert any("shared among payers and resources pro rata" in note for note in result.assumptions)


def test_shares_that_do_not_divide_still_add_up_exactly() -> None:
    # three payers of 50 GB: each third of the first 100 GB is 33.333… GB, rounded down to 1e-12 GB, the one quantum
    # left over to the first; each third of the next 50 GB is 16.666… GB, two quanta left over
    result = priced(*(meter(DATA_TRANSFER_INTERNET_OUT_BYTES, payer, "50") for payer in (A, B, C)))
    first = [item.quantity for item in result.line_items if item.tier == "first 100 GB/month"]
    over = [item.quantity for item in result.line_items if item.tier == "over 100 GB/month"]
    assert first == [Decimal("33.333333333334"), Decimal("33.333333333333"), Decimal("33.333333333333")]
    assert over == [Decimal("16.666666666667"), Decimal("16.666666666667"), Decimal("16.666666666666")]
    assert sum(first, Decimal(0)) == 100 and sum(over, Decimal(0)) == 50
    assert result.total_usd == Decimal("12.50")  # $10.00 + $2.50, to the last digit


def test_a_missing_price_is_collected_not_raised_and_the_rest_is_still_priced() -> None:
    result = priced(meter(NAT_GATEWAY_HOURS, A, "730"), meter(NAT_GATEWAY_BYTES, A, "10"))
    assert result.missing_prices == [str(MissingPriceError(NAT_GATEWAY_BYTES, "us-east-1", None, "hand"))]
    assert not result.priced and result.total_usd is None
    # 730 h × $0.04 = $29.20, the line the catalog can price
    assert [(item.item, item.cost_usd) for item in result.line_items] == [(NAT_GATEWAY_HOURS, Decimal("29.20"))]
    assert result.prices_used == [NAT_HOURS]


def test_meters_of_the_same_thing_become_one_line() -> None:
    # two paths metering the same NAT gateway's hours (365 h each): one line of 730 h
    result = priced(meter(NAT_GATEWAY_HOURS, A, "365"), meter(NAT_GATEWAY_HOURS, A, "365"))
    assert [(item.quantity, item.cost_usd) for item in result.line_items] == [(Decimal(730), Decimal("29.20"))]


def test_the_free_allowance_goes_to_the_highest_first_tier_price_first() -> None:
    # 100 GB/month free over all regions (the item registry): eu-west-1's $0.12 before us-east-1's $0.10. eu-west-1's
    # 80 GB are all free; us-east-1 gets the other 20 GB free and pays 30 GB × $0.10 = $3.00
    prices = catalog([EGRESS, entry(DATA_TRANSFER_INTERNET_OUT_BYTES, "eu-west-1", ("100", "0.12"), (None, "0.06"))])
    result = priced(
        meter(DATA_TRANSFER_INTERNET_OUT_BYTES, A, "80", region="eu-west-1"),
        meter(DATA_TRANSFER_INTERNET_OUT_BYTES, A, "50"),
        free_tier=True,
        prices=prices,
    )
    lines = [(item.region, item.tier, item.quantity, item.cost_usd) for item in result.line_items]
    free = "free tier, 100 GB/month across regions"
    assert lines == [
        ("eu-west-1", free, Decimal(80), Decimal(0)),
        ("us-east-1", free, Decimal(20), Decimal(0)),
        ("us-east-1", "first 100 GB/month", Decimal(30), Decimal("3.00")),
    ]
    assert result.total_usd == Decimal("3.00")


def test_inter_region_transfer_to_any_other_region_names_its_destination() -> None:
    # the catalog's '*' entry (any other region) prices us-east-1 → eu-west-2 at $0.02; its usage type gets the
    # destination's prefix from the snapshot
    to_any = entry(DATA_TRANSFER_INTER_REGION_BYTES, "us-east-1", (None, "0.02"), to_region="*",
                   usage_type="USE1-*-AWS-Out-Bytes")  # fmt: skip
    prices = catalog([to_any], prefixes={"us-east-1": "USE1", "eu-west-2": "EUW2"})
    (line,) = priced(meter(DATA_TRANSFER_INTER_REGION_BYTES, A, "10", to_region="eu-west-2"), prices=prices).line_items
    assert (line.usage_type, line.to_region, line.cost_usd) == ("USE1-EUW2-AWS-Out-Bytes", "eu-west-2", Decimal("0.20"))
    assert line.component == f"Metered {DATA_TRANSFER_INTER_REGION_BYTES} (to eu-west-2)"


# ---- usage types of inter-region transfer against the pinned snapshot --------------------------------------
# The snapshot prices us-east-1 to any other region at $0.02/GB (its USE1-*-AWS-Out-Bytes entry), so 10 GB cost
# 10 × $0.02 = $0.20 whatever the destination; only the usage type names the destination.


def to_region_from_us_east_1(to_region: str) -> DesignResult:
    """10 GB sent from us-east-1 to `to_region`, priced with the pinned snapshot."""
    meters = [meter(DATA_TRANSFER_INTER_REGION_BYTES, A, "10", to_region=to_region)]
    return price(DesignUsage("hand", meters), CATALOG, period_hours=Decimal(730))


def test_transfer_from_us_east_1_to_il_central_1_is_billed_under_ilc1() -> None:
    # AWS Price List, AWSDataTransfer: the record for us-east-1 to il-central-1 has usage type USE1-ILC1-AWS-Out-Bytes
    result = to_region_from_us_east_1("il-central-1")
    (line,) = result.line_items
    assert (line.usage_type, line.to_region, line.cost_usd) == ("USE1-ILC1-AWS-Out-Bytes", "il-central-1",
                                                                Decimal("0.20"))  # fmt: skip
    assert not any("are not known" in note for note in result.assumptions)


@pytest.mark.parametrize(
    ("to_region", "prefix"),
    [
        ("ca-west-1", "CAN2"),
        ("eu-central-2", "EUC2"),
        ("eu-south-2", "EUS2"),
        ("il-central-1", "ILC1"),
        ("me-central-1", "MEC1"),
        ("ap-south-2", "APS5"),
        ("ap-southeast-3", "APS4"),
    ],
)
def test_each_newly_known_prefix_names_its_destination(to_region: str, prefix: str) -> None:
    # The prefixes AWS bills these regions under, as the AWS Price List's AWSDataTransfer records and AWS bills
    # write them (USE1-<prefix>-AWS-Out-Bytes); none follows from the region code (ap-southeast-3 is APS4)
    (line,) = to_region_from_us_east_1(to_region).line_items
    assert (line.usage_type, line.cost_usd) == (f"USE1-{prefix}-AWS-Out-Bytes", Decimal("0.20"))


def test_a_destination_without_a_known_prefix_gets_no_invented_usage_type() -> None:
    # No public price record shows ap-east-2's usage-type prefix: the line keeps the entry's '*' (still priced at
    # the entry's $0.02/GB: 10 GB = $0.20, and 5 GB from a second payer = $0.10), names ap-east-2 as its
    # destination, and one assumption says so for the design
    sent = [(A, "10"), (B, "5")]
    meters = [meter(DATA_TRANSFER_INTER_REGION_BYTES, payer, gb, to_region="ap-east-2") for payer, gb in sent]
    result = price(DesignUsage("hand", meters), CATALOG, period_hours=Decimal(730))
    lines = [(line.usage_type, line.to_region, line.component, line.cost_usd) for line in result.line_items]
    component = f"Metered {DATA_TRANSFER_INTER_REGION_BYTES} (to ap-east-2)"
    assert lines == [
        ("USE1-*-AWS-Out-Bytes", "ap-east-2", component, Decimal("0.20")),
        ("USE1-*-AWS-Out-Bytes", "ap-east-2", component, Decimal("0.10")),
    ]
    assert result.total_usd == Decimal("0.30")
    assert [note for note in result.assumptions if "are not known" in note] == [
        "Usage types for transfer to ap-east-2 are not known (no public AWS price record shows its usage-type "
        "prefix): its line items keep '*' in place of that prefix (e.g. USE1-*-AWS-Out-Bytes) and name ap-east-2 "
        "as their destination."
    ]


def test_a_comparison_states_an_unknown_prefix_once_and_its_exports_keep_the_star(write_estate: WriteEstate) -> None:
    # 10 GB from a us-east-1 VPC to an ap-east-2 VPC: each design sends them at $0.02/GB = $0.20 under
    # USE1-*-AWS-Out-Bytes; the comparison says once, not once per design, that ap-east-2's prefix is unknown
    traffic, topology = write_estate(
        [vpc("a"), vpc("b", region="ap-east-2", azs=["ape2-az1"])], "src,dst,initiator,gb\na,b,src,10"
    )
    result = vpccost.compare(traffic, topology, designs=["peering", "nat"], pricing=SNAPSHOT)
    assert len([note for note in result.assumptions if "transfer to ap-east-2 are not known" in note]) == 1
    for design in result.designs:
        lines = [(line.usage_type, line.cost_usd) for line in design.line_items if line.to_region == "ap-east-2"]
        assert lines == [("USE1-*-AWS-Out-Bytes", Decimal("0.20"))], design.design
    rows = list(csv.DictReader(io.StringIO(line_items_csv(result))))
    assert {row["usage_type"] for row in rows if row["to_region"] == "ap-east-2"} == {"USE1-*-AWS-Out-Bytes"}
    focus = focus_frame([period_of(result, date(2027, 1, 1))])
    assert (focus.loc[focus["x_UsageType"] == "USE1-*-AWS-Out-Bytes", "SkuMeter"] == "USE1-*-AWS-Out-Bytes").sum() == 2


def test_allocating_a_tier_gives_the_weights_themselves_when_they_add_up_to_it() -> None:
    assert allocate(Decimal("7.5"), [Decimal("2.5"), Decimal(5)]) == [Decimal("2.5"), Decimal(5)]
    assert allocate(Decimal(100), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.333333333334"), Decimal("33.333333333333"), Decimal("33.333333333333"),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="zero weights"):
        allocate(Decimal(1), [Decimal(0)])


def test_every_line_item_in_every_priced_region_carries_the_usage_type_aws_bills(write_estate: WriteEstate) -> None:
    # two VPCs in two AZs of every region vpccost lists, each sending to the other, to the internet, to S3 and to
    # us-east-1; every design priced wherever the newest snapshot can price it
    newest = vpccost.load_pricing(NEWEST_SNAPSHOT)
    prefixes = newest.snapshot.usage_type_prefixes
    vpcs, rows = [], []
    for region, (_, az_prefix) in REGIONS.items():
        azs = [f"{az_prefix}-az1", f"{az_prefix}-az2"]
        vpcs += [vpc(f"a-{region}", region=region, azs=azs), vpc(f"b-{region}", region=region, azs=azs[::-1])]
        rows += [f"a-{region},b-{region},10", f"a-{region},internet,5", f"b-{region},aws:s3,3"]
        if region != "us-east-1":
            rows.append(f"a-{region},a-us-east-1,2")
    traffic, topology = write_estate(vpcs, "src,dst,gb\n" + "\n".join(rows))
    comparison = vpccost.compare(traffic, topology, pricing=newest)
    seen = 0
    for result in comparison.designs:
        for line in result.line_items:
            registered = ITEMS[line.item]
            if registered.scope == "inter-region" and line.to_region not in prefixes:
                expected = f"{prefixes[line.region]}-*-{registered.usage_type}"  # the destination's is unknown
            else:
                expected = registered.usage_type_for(line.region, prefixes, line.to_region)
            assert line.usage_type == expected, line
            assert not re.search(r"[a-z]{2}-[a-z]+-[0-9]", line.usage_type), line  # never a region code
            seen += 1
    regions = {line.region for result in comparison.designs for line in result.line_items}
    # line items in each of the 30 regions a source prices (`vpccost pricing coverage`: the other four have none)
    assert sorted(set(REGIONS) - regions) == ["ap-east-2", "ap-southeast-4", "ap-southeast-6", "mx-central-1"]
    assert seen > 700
