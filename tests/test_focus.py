"""The FOCUS 1.2 export: columns, formats, allowed values and exact money, checked row by row."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

import vpccost
from vpccost.errors import ExportWarning, InputError
from vpccost.model.usage import RESOURCE_KINDS
from vpccost.outputs.focus import (
    CUSTOM_COLUMNS,
    DATETIME_COLUMNS,
    FOCUS_COLUMNS,
    LABEL_COLUMN,
    NULL_COLUMNS,
    NUMERIC_COLUMNS,
    RESOURCE_TYPES,
    focus_csv,
    focus_frame,
    resource_type,
)
from vpccost.outputs.periods import period_of
from vpccost.results import Comparison, DatedComparison
from vpccost.units import exact_arithmetic

from .conftest import EXAMPLES, SNAPSHOT, SNAPSHOT_NAME, WriteEstate, vpc

MULTI = EXAMPLES / "multi-account"
JANUARY = date(2027, 1, 1)

MANDATORY = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)
"""The columns FOCUS 1.2 requires in every dataset."""

CONDITIONAL = (
    "ChargeFrequency",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedUnitPrice",
    "InvoiceId",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
)
"""Conditional and recommended columns that apply to AWS and that an estimate fills (or, InvoiceId, nulls)."""

NOT_NULL = (
    *(column for column in MANDATORY if column != "ChargeClass"),
    *(column for column in CONDITIONAL if column not in {"InvoiceId", "ResourceName"}),
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
)
"""Never null on an estimated row (usage, not a correction, not a tax): ChargeClass is null (no correction),
ResourceName is null where the resource has no display name, InvoiceId is null (no invoice)."""

COST_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingCurrencyEffectiveCost")
UNIT_PRICE_COLUMNS = ("ListUnitPrice", "ContractedUnitPrice", "PricingCurrencyListUnitPrice")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
PLAIN_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
NETWORKING_SUBCATEGORIES = {
    "Application Networking",
    "Content Delivery",
    "Network Connectivity",
    "Network Infrastructure",
    "Network Routing",
    "Network Security",
    "Other (Networking)",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://x")'


def decimals(frame: pd.DataFrame, column: str) -> list[Decimal]:
    return [Decimal(str(value)) for value in frame[column]]


@pytest.fixture(scope="module")
def multi() -> Comparison:
    return vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT)


@pytest.fixture(scope="module")
def frame(multi: Comparison) -> pd.DataFrame:
    return focus_frame([period_of(multi, JANUARY)])


def test_every_focus_column_is_present_before_the_custom_columns(frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    for column in (*MANDATORY, *CONDITIONAL, *CUSTOM_COLUMNS):
        assert column in columns, column
    focus = [column for column in columns if not column.startswith("x_")]
    assert focus == sorted(focus) == list(FOCUS_COLUMNS)
    assert columns[len(focus) :] == list(CUSTOM_COLUMNS)  # no label column: the estimate is not split
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", column) for column in focus)


def test_one_row_per_line_item_of_every_priced_design(multi: Comparison, frame: pd.DataFrame) -> None:
    priced = [result for result in multi.designs if result.priced]
    assert priced
    assert len(frame) == sum(len(result.line_items) for result in priced)
    assert list(frame["x_Design"].unique()) == [result.design for result in priced]


def test_values_are_strings_or_null(frame: pd.DataFrame) -> None:
    for column in frame.columns:
        assert all(value is None or isinstance(value, str) for value in frame[column]), column


def test_mandatory_and_filled_columns_are_never_null_or_blank(frame: pd.DataFrame) -> None:
    for column in NOT_NULL:
        values = frame[column]
        assert values.notna().all(), column
        assert all(value.strip() for value in values), column


def test_null_columns_are_null(frame: pd.DataFrame) -> None:
    assert "ChargeClass" in NULL_COLUMNS
    for column in NULL_COLUMNS:
        assert frame[column].isna().all(), column


def test_dates_are_utc_focus_datetimes_of_the_period(multi: Comparison, frame: pd.DataFrame) -> None:
    for column in DATETIME_COLUMNS:
        assert all(DATETIME.match(value) for value in frame[column]), column
    assert set(frame["ChargePeriodStart"]) == set(frame["BillingPeriodStart"]) == {"2027-01-01T00:00:00Z"}
    assert set(frame["ChargePeriodEnd"]) == set(frame["BillingPeriodEnd"]) == {"2027-02-01T00:00:00Z"}


def test_currency_is_the_catalog_iso_4217_code(multi: Comparison, frame: pd.DataFrame) -> None:
    assert multi.catalog.currency == "USD"
    assert set(frame["BillingCurrency"]) == set(frame["PricingCurrency"]) == {"USD"}


def test_numbers_are_plain_exact_decimals(frame: pd.DataFrame) -> None:
    for column in NUMERIC_COLUMNS - NULL_COLUMNS:
        for value in frame[column]:
            assert PLAIN_DECIMAL.match(value), (column, value)
            assert Decimal(value).is_finite()
    assert (frame["BilledCost"].map(Decimal) >= 0).all()


def test_list_unit_price_times_pricing_quantity_is_list_cost_exactly(frame: pd.DataFrame) -> None:
    quantities = decimals(frame, "PricingQuantity")
    pairs = [
        ("ListUnitPrice", "ListCost"),
        ("ContractedUnitPrice", "ContractedCost"),
        ("PricingCurrencyListUnitPrice", "PricingCurrencyEffectiveCost"),
    ]
    with exact_arithmetic():
        for price_column, cost_column in pairs:
            prices, costs = decimals(frame, price_column), decimals(frame, cost_column)
            for price, quantity, cost in zip(prices, quantities, costs, strict=True):
                assert price * quantity == cost, (price_column, price, quantity, cost)


def test_list_prices_are_what_is_billed(frame: pd.DataFrame) -> None:
    # On-demand list prices with no discount: every cost and unit price column carries the same value.
    for column in COST_COLUMNS:
        assert (frame[column] == frame["BilledCost"]).all(), column
    for column in UNIT_PRICE_COLUMNS:
        assert (frame[column] == frame["ContractedUnitPrice"]).all(), column
    assert (frame["ConsumedQuantity"] == frame["PricingQuantity"]).all()
    assert (frame["ConsumedUnit"] == frame["PricingUnit"]).all()


def test_billed_cost_per_design_adds_up_to_the_design_total(multi: Comparison, frame: pd.DataFrame) -> None:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    with exact_arithmetic():
        for design, cost in zip(frame["x_Design"], frame["BilledCost"], strict=True):
            sums[design] += Decimal(cost)
    assert sums == {result.design: result.total_usd for result in multi.designs}


def test_allowed_values(frame: pd.DataFrame) -> None:
    assert set(frame["ChargeCategory"]) == {"Usage"}
    assert set(frame["ChargeFrequency"]) == {"Usage-Based"}
    assert set(frame["PricingCategory"]) == {"Standard"}
    assert set(frame["ServiceCategory"]) == {"Networking"}
    assert set(frame["ServiceSubcategory"]) <= NETWORKING_SUBCATEGORIES
    assert set(frame["PricingUnit"]) == {"GB", "Hours", "LCU-Hours"}
    assert set(frame["ProviderName"]) == set(frame["PublisherName"]) == set(frame["InvoiceIssuerName"])


def test_services_have_names_and_one_subcategory_each(frame: pd.DataFrame) -> None:
    assert set(frame["ServiceName"]) == {
        "AWS Data Transfer",
        "Amazon Elastic Compute Cloud",
        "Amazon Virtual Private Cloud",
        "Elastic Load Balancing",
    }
    assert (frame.groupby("ServiceName")["ServiceSubcategory"].nunique() == 1).all()
    assert set(frame.loc[frame["x_UsageType"] == "NatGateway-Bytes", "ServiceName"]) == {"Amazon Elastic Compute Cloud"}


def test_accounts_default_to_the_network_account(frame: pd.DataFrame, multi: Comparison) -> None:
    assert set(frame["BillingAccountId"]) == set(frame["BillingAccountName"]) == {"111111111111"}
    assert set(frame["SubAccountId"]) == {"111111111111", "222222222222", "333333333333"}
    assert (frame["SubAccountName"] == frame["SubAccountId"]).all()
    given = focus_frame(
        [period_of(multi, JANUARY)], designs=["sharing"], billing_account_id="999999999999", billing_account_name="Org"
    )
    assert set(given["BillingAccountId"]) == {"999999999999"}
    assert set(given["BillingAccountName"]) == {"Org"}


def test_regions_resources_and_skus(frame: pd.DataFrame) -> None:
    assert set(frame["RegionId"]) == {"us-east-1", "us-east-2"}
    names = dict(zip(frame["RegionId"], frame["RegionName"], strict=True))
    assert names == {"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)"}
    nat = frame[frame["ResourceId"] == "vpc-0f2ffbf3e0b6e9aba/nat-gateway"]
    assert set(nat["ResourceType"]) == {"NAT Gateway"}
    assert set(nat["ResourceName"]) == {"web/nat-gateway"}
    assert set(frame.loc[frame["ResourceId"] == "vpc-0f2ffbf3e0b6e9aba", "ResourceName"]) == {"web"}
    shared = frame[frame["ResourceId"] == "shared-vpc-us-east-1/nat-gateway"]
    assert set(shared["ResourceType"]) == {"NAT Gateway"}
    assert shared["ResourceName"].isna().all()  # no display name, and FOCUS wants no copy of the id
    # The snapshot records the SKU of NAT gateway processing in us-east-1; other prices fall back to the usage type.
    nat_bytes = frame[(frame["x_UsageType"] == "NatGateway-Bytes") & (frame["RegionId"] == "us-east-1")]
    assert set(nat_bytes["SkuId"]) == {"59S5R83GFPUAGVR5"}
    assert set(nat_bytes["SkuPriceId"]) == {"59S5R83GFPUAGVR5@0.045"}
    tgw = frame[frame["x_UsageType"] == "USE1-TransitGateway-Bytes"]
    assert set(tgw["SkuId"]) == {"USE1-TransitGateway-Bytes"}
    assert (frame["SkuMeter"] == frame["x_UsageType"]).all()
    assert (frame.groupby("SkuPriceId")["SkuId"].nunique() == 1).all()  # one parent SKU per SKU price


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("vpc", "VPC"),
        ("nat-gateway", "NAT Gateway"),
        ("tgw-attachment", "Transit Gateway Attachment"),
        ("tgw-peering", "Transit Gateway Peering Attachment"),
        ("interface-endpoint", "VPC Endpoint"),
        ("nlb", "Network Load Balancer"),
        ("hosted-zone", "Route 53 Hosted Zone"),
        ("something-new", "Something New"),
    ],
)
def test_resource_types(kind: str, expected: str) -> None:
    assert resource_type(kind) == expected


def test_every_kind_of_resource_has_a_focus_type() -> None:
    assert set(RESOURCE_TYPES) == set(RESOURCE_KINDS)


def test_tags_are_json_objects_naming_the_design(frame: pd.DataFrame) -> None:
    for tags, design in zip(frame["Tags"], frame["x_Design"], strict=True):
        parsed = json.loads(tags)
        assert parsed == {"vpccost:design": design}


def test_custom_columns_describe_the_estimate(multi: Comparison, frame: pd.DataFrame) -> None:
    assert set(frame["x_Estimate"]) == {"estimate, not a bill"}
    assert set(frame["x_PriceSource"]) == {SNAPSHOT_NAME}
    assert set(frame["x_Assumptions"]) == {" | ".join(multi.assumptions)}
    assert set(frame["x_PriceVerified"]) == {"true", "false"}
    assert all(
        description.startswith("Estimate (not a bill), vpccost design ") for description in frame["ChargeDescription"]
    )
    assert "Estimate (not a bill), vpccost design nat: Data processed (NAT gateway)" in set(frame["ChargeDescription"])
    assert (frame["x_UsageType"] != "").all()


def test_a_formula_label_arrives_neutralised(write_estate: WriteEstate) -> None:
    label = HYPERLINK.replace('"', '""')
    traffic, topology = write_estate(
        [vpc("a", name="=cmd|' /C calc'!A0"), vpc("b")],
        f'src,dst,gb,team\na,b,100,"{label}"\na,internet,5,+plus',
    )
    comparison = vpccost.compare(traffic, topology, designs=["peering", "nat"], split_by="team", pricing=SNAPSHOT)
    frame = focus_frame([period_of(comparison, JANUARY)])
    assert list(frame.columns)[-1] == LABEL_COLUMN
    labels = set(frame[LABEL_COLUMN].dropna())
    assert labels == {"'" + HYPERLINK, "'+plus"}
    assert frame.loc[frame[LABEL_COLUMN].isna(), "ResourceType"].isin(["NAT Gateway"]).all()  # hourly: no label
    tags = [json.loads(value) for value in frame["Tags"]]
    assert {tag.get("vpccost:label") for tag in tags} == {HYPERLINK, "+plus", None}  # JSON keeps the raw value
    assert "'=cmd|' /C calc'!A0" in set(frame["ResourceName"])
    for record in csv.reader(io.StringIO(focus_csv([period_of(comparison, JANUARY)]))):
        for cell in record:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_two_months_give_rows_in_their_billing_periods(multi: Comparison) -> None:
    periods = [period_of(multi, JANUARY), period_of(multi, date(2027, 2, 15))]
    frame = focus_frame(periods, designs=["peering"])
    rows = len(multi.design("peering").line_items)
    assert len(frame) == 2 * rows
    february = frame.iloc[rows:]
    assert set(frame.iloc[:rows]["BillingPeriodStart"]) == {"2027-01-01T00:00:00Z"}
    assert set(february["BillingPeriodStart"]) == set(february["ChargePeriodStart"]) == {"2027-02-01T00:00:00Z"}
    assert set(february["BillingPeriodEnd"]) == set(february["ChargePeriodEnd"]) == {"2027-03-01T00:00:00Z"}
    assert set(frame["x_Design"]) == {"peering"}


def test_a_shorter_estimate_ends_its_charge_period_early(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,10")
    comparison = vpccost.compare(traffic, topology, designs=["transit-gateway"], hours=24, pricing=SNAPSHOT)
    frame = focus_frame([period_of(comparison, date(2027, 3, 10))])
    assert set(frame["ChargePeriodStart"]) == {"2027-03-01T00:00:00Z"}
    assert set(frame["ChargePeriodEnd"]) == {"2027-03-02T00:00:00Z"}
    assert set(frame["BillingPeriodEnd"]) == {"2027-04-01T00:00:00Z"}


def test_designs_must_be_known_and_priced(multi: Comparison, write_estate: WriteEstate) -> None:
    period = period_of(multi, JANUARY)
    with pytest.raises(InputError, match="design 'mesh' is not in the estimate"):
        focus_frame([period], designs=["mesh"])
    traffic, topology = write_estate(
        [vpc("a", region="ap-northeast-1", azs=["apne1-az1"]), vpc("b", region="ap-northeast-1", azs=["apne1-az1"])],
        "src,dst,gb\na,b,10\na,internet,1",
    )
    unpriced = period_of(vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT), JANUARY)
    with pytest.warns(ExportWarning, match="design peering is not priced"):
        assert focus_frame([unpriced]).empty
    with pytest.raises(InputError, match="design 'peering' is not priced"):
        focus_frame([unpriced], designs=["peering"])


def test_no_periods_give_the_header_only() -> None:
    assert focus_csv([]) == ",".join((*FOCUS_COLUMNS, *CUSTOM_COLUMNS)) + "\n"


def test_csv_is_the_frame_with_nulls_empty(multi: Comparison) -> None:
    periods: list[DatedComparison] = [period_of(multi, JANUARY)]
    text = focus_csv(periods, designs=["nat"])
    assert "\r" not in text and text.endswith("\n")
    text.encode("utf-8")
    records = list(csv.reader(io.StringIO(text)))
    frame = focus_frame(periods, designs=["nat"])
    assert records[0] == list(frame.columns)
    assert len(records) == len(frame) + 1
    expected = [["" if value is None else value for value in row] for row in frame.itertuples(index=False)]
    assert records[1:] == expected
    numeric = [index for index, column in enumerate(records[0]) if column in NUMERIC_COLUMNS - NULL_COLUMNS]
    assert all(PLAIN_DECIMAL.match(record[index]) for record in records[1:] for index in numeric)
