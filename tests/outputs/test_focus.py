"""The FOCUS 1.2 export: columns, formats, allowed values and exact money, checked row by row."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import vpccost
from tests.conftest import EXAMPLES, REPO, SNAPSHOT, SNAPSHOT_NAME, WriteEstate, vpc
from tests.support import comparisons
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
from vpccost.outputs.parquet import decimal_type
from vpccost.outputs.periods import period_of
from vpccost.results import Comparison, DatedComparison, DesignResult
from vpccost.units import exact_arithmetic

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


def test_accounts_default_to_the_network_account_and_carry_the_topologys_names(
    frame: pd.DataFrame, multi: Comparison
) -> None:
    # examples/multi-account/topology.yaml names 111111111111 network, 222222222222 prod, 333333333333 data
    assert set(frame["BillingAccountId"]) == {"111111111111"}
    assert set(frame["BillingAccountName"]) == {"network"}
    assert set(frame["SubAccountId"]) == {"111111111111", "222222222222", "333333333333"}
    names = dict(zip(frame["SubAccountId"], frame["SubAccountName"], strict=True))
    assert names == {"111111111111": "network", "222222222222": "prod", "333333333333": "data"}
    given = focus_frame(
        [period_of(multi, JANUARY)], designs=["sharing"], billing_account_id="999999999999", billing_account_name="Org"
    )
    assert set(given["BillingAccountId"]) == {"999999999999"}
    assert set(given["BillingAccountName"]) == {"Org"}


def test_an_account_without_a_name_has_its_id_as_its_name() -> None:
    payers = ("111111111111", "222222222222")
    lines = [comparisons.line("peering", cost, payer=payer) for cost, payer in zip(("1", "2"), payers, strict=True)]
    accounts = [{"id": "222222222222", "name": "prod"}]
    compared = comparisons.comparison(DesignResult("peering", lines, [], [], [], []), accounts=accounts)
    rows = focus_frame([period_of(compared, JANUARY)])
    assert dict(zip(rows["SubAccountId"], rows["SubAccountName"], strict=True)) == {
        "111111111111": "111111111111",
        "222222222222": "prod",
    }


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


VENV = REPO / ".venv-focus-validator"
REQUIREMENTS = ("focus-validator==2.2.1", "pyarrow<21")
"""focus-validator pins numpy 1.26 but not pyarrow, and pyarrow >= 21 needs numpy 2."""


INSTALLED_MARKER = VENV / "vpccost-requirements.txt"
"""Written last, after a successful install: the venv is reused only when it lists the same requirements."""


INSTALL_LOCK = (
    Path(tempfile.gettempdir()) / f"vpccost-focus-validator-{hashlib.sha256(bytes(VENV)).hexdigest()[:12]}.lock"
)
"""Serialises concurrent test runs' installs (a lock file in the venv would be deleted by `venv --clear`)."""


MIN_PYTHON = (3, 12)
INSTALL_TIMEOUT_S = 600
VALIDATE_TIMEOUT_S = 300
FOCUS_RULES_VERSION = "1.2.0.1"
"""The FOCUS 1.2 rule set bundled with focus-validator 2.2.1 (`focus_validator/rules/model-1.2.0.1.json`)."""


CURRENCY_CODES = Path("focus_validator", "rules", "currency_codes.csv")
"""The validator opens this file by a path relative to its working directory."""


APPLICABILITY_CRITERIA = (
    "ACCOUNT_NAMING_SUPPORTED",
    "AVAILABILITY_ZONE_SUPPORTED",
    "BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED",
    "CAPACITY_RESERVATION_SUPPORTED",
    "COMMITMENT_DISCOUNT_SUPPORTED",
    "MULTIPLE_PRICING_CATEGORIES_SUPPORTED",
    "NEGOTIATED_PRICING_SUPPORTED",
    "PRICING_BILLING_CURRENCY_DIFFERENCES_SUPPORTED",
    "PUBLIC_PRICE_LIST_SUPPORTED",
    "REGION_SUPPORTED",
    "RESOURCE_TYPE_ASSIGNMENT_SUPPORTED",
    "SUB_ACCOUNT_SUPPORTED",
    "TAGGING_SUPPORTED",
    "UNIT_PRICING_SUPPORTED",
    "USAGE_MEASUREMENT_SUPPORTED",
)
"""What AWS supports, as FOCUS 1.2 names it: every criterion of the rule set except virtual currency (AWS prices
in real currencies) and several billing/sub account types (`vpccost.outputs.focus` leaves `BillingAccountType` and
`SubAccountType` out, as for a provider with one account type). Without criteria the validator checks far fewer
rules (about 136 pass instead of 340)."""


MIN_PASSED = 300
"""Rules passed: 336 on the CSV and 344 on the Parquet file with focus-validator 2.2.1 (of 578; 227 skipped)."""


KNOWN_VALIDATOR_DEFECTS: dict[str, str] = {
    # Rule text: 'CommitmentDiscountStatus MUST NOT be null when CommitmentDiscountId is not null and Charge
    # Category is "Usage".' Its machine-readable Condition is {"CheckFunction": "CheckValue", "ColumnName":
    # "CommitmentDiscountId", "Value": null}, i.e. "CommitmentDiscountId IS null": inverted, ChargeCategory dropped,
    # and byte-identical to the Condition of its sibling CommitmentDiscountStatus-C-003-C, which demands the opposite
    # ("CommitmentDiscountStatus MUST be null when CommitmentDiscountId is null"). Every row without a commitment
    # discount fails one of the two. Reported as a rule-definition defect (FOCUS 1.2 and 1.3 requirements models):
    # https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/issues/2393
    "CommitmentDiscountStatus-C-004-C": (
        "inverted Condition (FOCUS_Spec#2393): demands a CommitmentDiscountStatus on rows without a commitment "
        "discount, contradicting CommitmentDiscountStatus-C-003-C"
    ),
    # Rule text: 'CapacityReservationStatus MUST NOT be null when CapacityReservationId is not null and
    # ChargeCategory is "Usage".' The rule file writes its Condition as {"AND": [...]}, not as {"CheckFunction":
    # "AND", "Items": [...]}, the only shape the validator compiles (focus_to_duckdb_converter.py,
    # `_compile_condition_with_generators` returns no condition when "CheckFunction" is missing; C-003-C and C-004-C
    # are the only rules of the 1.2 model written that way). So the check runs unconditionally: `focus-validator
    # --explain-mode --filter-rules CapacityReservationStatus-C-004-C` shows `WHERE CapacityReservationStatus IS
    # NULL` and nothing else, and it contradicts C-003-C (null when CapacityReservationId is null).
    "CapacityReservationStatus-C-004-C": (
        "Condition dropped (written as {'AND': [...]}, which the validator ignores): demands a "
        "CapacityReservationStatus on rows without a capacity reservation, contradicting "
        "CapacityReservationStatus-C-003-C"
    ),
    # Rule text: "InvoiceId MUST NOT be null when the charge is associated with either an issued invoice or a
    # pre-generated provisional invoice." Its Condition is empty, so it demands an InvoiceId on every row. Its
    # sibling InvoiceId-C-004-C ("InvoiceId MUST be null when the charge is not associated either with an invoice or
    # with a pre-generated provisional invoice") also has an empty Condition and demands the opposite, so no
    # non-empty dataset passes both. The model itself only means them as alternatives: their parent InvoiceId-C-003-C
    # ("InvoiceId nullability is defined as follows") is {"CheckFunction": "OR"} of the two, and passes; the
    # validator still reports the failed leaf. An estimate is on no invoice: InvoiceId is null, as C-004-C wants.
    "InvoiceId-C-005-C": (
        "no Condition: demands an InvoiceId on every row, contradicting InvoiceId-C-004-C (null when there is no "
        "invoice), which also has none"
    ),
}
"""Rules of focus-validator 2.2.1 / model 1.2.0.1 that fail on any dataset without commitment discounts, capacity
reservations or invoices, whatever its content."""


CSV_TYPE_INFERENCE = (
    "The CSV loader lets Polars infer the type of every column that has values (csv_data_loader.py: 'For columns with "
    "data, let Polars infer so we can detect type mismatches'), and Polars reads a column of 12-digit AWS account ids "
    "as Int64, quoted or not; CSV has no types. The Parquet run checks the same rule on a typed column."
)
KNOWN_CSV_DEFECTS: dict[str, str] = {
    # The "MUST be of type String" rules of the columns holding AWS account ids (the names repeat the ids when no
    # name is given). Verified: writing every CSV field quoted (csv.QUOTE_ALL) still fails them; the Parquet file
    # with string columns passes them.
    "BillingAccountId-C-002-M": CSV_TYPE_INFERENCE,
    "BillingAccountName-C-001-M": CSV_TYPE_INFERENCE,
    "SubAccountId-C-001-M": CSV_TYPE_INFERENCE,
    "SubAccountName-C-001-M": CSV_TYPE_INFERENCE,
}
"""Rules the validator fails on any AWS FOCUS CSV, because it infers column types from the CSV text."""


RESULT_LINE = re.compile(
    r"^\S*\s*(?P<rule>[A-Za-z0-9]+-[A-Z]-\d{3}-[A-Z]): (?P<status>PASS|FAIL|SKIPPED)(?:\s+\((?P<details>.*)\))?$"
)
"""One line of the console report: an icon (or [PASS]/[FAIL]/[SKIP]), the rule, its status and details."""


SUMMARY_LINE = re.compile(
    r"^Total: (?P<total>\d+) \| Pass: (?P<passed>\d+) \| Fail: (?P<failed>\d+) \| Skipped: (?P<skipped>\d+)$"
)
FAILED_CHILDREN = re.compile(r"AND failed - failed child rules: \[(?P<children>[^\]]*)\]")
"""A composite rule (`<Column>-C-000-*`: "the column adheres to the following requirements") fails when a child
fails."""


FOCUS_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Validator:
    python: Path
    package: Path
    """The installed `focus_validator` package folder."""


@dataclass(frozen=True)
class Report:
    statuses: dict[str, str]
    details: dict[str, str]
    summary: dict[str, int]

    def failures(self) -> dict[str, str]:
        return {rule: self.details[rule] for rule, status in self.statuses.items() if status == "FAIL"}


def _python_version(executable: str) -> tuple[int, int] | None:
    try:
        probe = subprocess.run(
            [executable, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = probe.stdout.split()
    if probe.returncode != 0 or len(fields) != 2 or not all(field.isdigit() for field in fields):
        return None
    return (int(fields[0]), int(fields[1]))


def find_python() -> Path | None:
    """The oldest Python >= 3.12 on PATH, in pyenv or running this test: the validator's numpy 1.26 has wheels up
    to 3.12 only, so a newer one would build numpy from source."""
    candidates = [sys.executable]
    candidates += [found for minor in range(12, 20) if (found := shutil.which(f"python3.{minor}"))]
    candidates += [found for name in ("python3", "python") if (found := shutil.which(name))]
    pyenv_roots = {Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")), Path.home() / ".pyenv"}
    for root in pyenv_roots:
        candidates += [str(path) for path in sorted(root.glob("versions/3.1[2-9]*/bin/python3"))]
    versions = {candidate: _python_version(candidate) for candidate in dict.fromkeys(candidates)}
    usable = [(version, candidate) for candidate, version in versions.items() if version and version >= MIN_PYTHON]
    return Path(min(usable)[1]) if usable else None


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _environment() -> dict[str, str]:
    """This process's environment without what would point the validator's Python at this project's."""
    env = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {result.returncode}"


def _package_folder(python: Path) -> Path | None:
    """Where the venv's `focus_validator` is installed; None when the venv cannot import it."""
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", "import focus_validator, os; print(os.path.dirname(focus_validator.__file__))"],
        capture_output=True,
        text=True,
        cwd=VENV,
        env=_environment(),
        timeout=60,
        check=False,
    )
    folder = Path(probe.stdout.strip())
    return folder if probe.returncode == 0 and (folder / "rules").is_dir() else None


def _cannot_install(step: str, result: subprocess.CompletedProcess[str]) -> None:
    reason = f"cannot install focus-validator ({step}): {_last_line(result)}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _run_step(step: str, command: list[str]) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=_environment(), timeout=INSTALL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        result = subprocess.CompletedProcess(command, 1, "", f"timed out after {INSTALL_TIMEOUT_S} s")
    if result.returncode != 0:
        _cannot_install(step, result)


@contextmanager
def _install_lock() -> Iterator[None]:
    with INSTALL_LOCK.open("a") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


@pytest.fixture(scope="module")
def validator() -> Validator:
    """focus-validator in `.venv-focus-validator/`, installed by the first run, reused by the others."""
    wanted = "\n".join(REQUIREMENTS) + "\n"
    python = _venv_python()
    with _install_lock():
        if INSTALLED_MARKER.exists() and INSTALLED_MARKER.read_text(encoding="utf-8") == wanted:
            package = _package_folder(python)
            if package is not None:
                return Validator(python, package)
        base = find_python()
        if base is None:
            pytest.skip("focus-validator needs Python >= 3.12; none found")
        _run_step("venv", [str(base), "-m", "venv", "--clear", str(VENV)])
        _run_step(
            "pip install",
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *REQUIREMENTS],
        )
        package = _package_folder(python)
        assert package is not None, f"focus-validator installed in {VENV} but {python} cannot import it"
        INSTALLED_MARKER.write_text(wanted, encoding="utf-8")
        return Validator(python, package)


@pytest.fixture(scope="module")
def periods() -> list[DatedComparison]:
    return [period_of(vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT), JANUARY)]


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """The FOCUS frame with FOCUS's types: exact decimals, UTC date/times, strings."""
    arrays: dict[str, pa.Array] = {}
    for column in frame.columns:
        values = list(frame[column])
        if column in NUMERIC_COLUMNS:
            numbers = [None if value is None else Decimal(value) for value in values]
            kind = decimal_type(column, [number for number in numbers if number is not None])
            arrays[column] = pa.array(numbers, type=kind)
        elif column in DATETIME_COLUMNS:
            moments = [
                None if value is None else datetime.strptime(value, FOCUS_DATETIME_FORMAT).replace(tzinfo=UTC)
                for value in values
            ]
            arrays[column] = pa.array(moments, type=pa.timestamp("s", tz="UTC"))
        else:
            arrays[column] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(arrays), path)


def validate(validator: Validator, data: Path, workdir: Path) -> Report:
    """Run the validator on `data` offline, from `workdir` (which gets the file it opens by a relative path and its
    log, `focus_validator_detailed.log`), and parse its console report."""
    (workdir / CURRENCY_CODES).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(validator.package / "rules" / CURRENCY_CODES.name, workdir / CURRENCY_CODES)
    command = [
        str(validator.python),
        "-m",
        "focus_validator.main",
        "--data-file",
        str(data),
        "--validate-version",
        FOCUS_RULES_VERSION,
        "--block-download",
        "--applicability-criteria",
        ",".join(APPLICABILITY_CRITERIA),
        "--output-type",
        "console",
    ]
    result = subprocess.run(
        command,
        cwd=workdir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_environment(),
        timeout=VALIDATE_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"focus-validator exited with {result.returncode}: {result.stderr[-3000:]}"
    statuses: dict[str, str] = {}
    details: dict[str, str] = {}
    summary: dict[str, int] = {}
    for line in result.stdout.splitlines():
        if match := SUMMARY_LINE.match(line.strip()):
            summary = {name: int(count) for name, count in match.groupdict().items()}
        elif match := RESULT_LINE.match(line.strip()):
            rule = match["rule"]
            assert rule not in statuses, f"rule {rule} reported twice"
            statuses[rule] = match["status"]
            details[rule] = match["details"] or ""
    assert summary, f"no summary line in the validator's report:\n{result.stdout[:3000]}"
    return Report(statuses, details, summary)


def unexplained_failures(failures: Mapping[str, str], known: Mapping[str, str]) -> dict[str, str]:
    """The failed rules that are neither known defects nor composites failing only because of those."""
    explained = set(failures) & set(known)
    changed = True
    while changed:
        changed = False
        for rule, details in failures.items():
            match = FAILED_CHILDREN.search(details)
            if rule in explained or match is None:
                continue
            children = {child.strip() for child in match["children"].split(",") if child.strip()}
            if children and children <= explained:
                explained.add(rule)
                changed = True
    return {rule: details for rule, details in failures.items() if rule not in explained}


@pytest.mark.parametrize("data_format", ["csv", "parquet"])
def test_focus_validator_finds_nothing_but_its_own_known_defects(
    validator: Validator, periods: list[DatedComparison], tmp_path: Path, data_format: str
) -> None:
    data = tmp_path / f"focus.{data_format}"
    if data_format == "csv":
        data.write_text(focus_csv(periods), encoding="utf-8")
        known = {**KNOWN_VALIDATOR_DEFECTS, **KNOWN_CSV_DEFECTS}
    else:
        write_parquet(focus_frame(periods), data)
        known = dict(KNOWN_VALIDATOR_DEFECTS)
    workdir = tmp_path / "validator"
    workdir.mkdir()

    report = validate(validator, data, workdir)

    counts = {status: list(report.statuses.values()).count(status) for status in ("PASS", "FAIL", "SKIPPED")}
    assert report.summary == {
        "total": len(report.statuses),
        "passed": counts["PASS"],
        "failed": counts["FAIL"],
        "skipped": counts["SKIPPED"],
    }, "the report's summary does not match its rule lines: the report format changed"
    print(f"focus-validator on {data.name}: {report.summary}")
    unexplained = unexplained_failures(report.failures(), known)
    assert not unexplained, "focus-validator failures that are not known validator defects:\n" + "\n".join(
        f"{rule}: {details}" for rule, details in sorted(unexplained.items())
    )
    assert counts["PASS"] >= MIN_PASSED, f"only {counts['PASS']} rules passed: were the rules applied at all?"
