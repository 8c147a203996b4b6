"""An estimate as a FOCUS 1.2 cost-and-usage dataset, for finance teams to load beside AWS's own FOCUS exports.

FOCUS (the FinOps Open Cost and Usage Specification) 1.2 names the columns, their formats and allowed values.
Each row is one line item of one design of one dated period (`vpccost.results.DatedComparison`). Every row is an
estimate, not a charge on any invoice: `ChargeDescription` says so, `x_Estimate` says so, and `InvoiceId` is
null. Designs are alternatives, so costs add up within a design (`x_Design`), never across designs.

Columns: every FOCUS 1.2 column that applies to AWS and that the estimate can fill or must leave null,
alphabetically, then vpccost's own columns (prefixed `x_`, after every FOCUS column as the spec asks):

* Money and quantities are exact decimals written as plain text (no exponent, currency symbol or thousands
  separator). The prices are AWS on-demand list prices (or the user's overrides), with no discount, credit or
  commitment applied, so `ListCost` = `ContractedCost` = `EffectiveCost` = `BilledCost` = the line item's cost,
  `ListUnitPrice` = `ContractedUnitPrice` = its rate, and `ListUnitPrice` x `PricingQuantity` = `ListCost`
  exactly. `PricingCurrency*` repeat them: prices and bills are in the snapshot's currency. With an overrides
  file the "list" columns carry the overridden price: vpccost keeps no separate public price for them.
* `ProviderName`, `PublisherName` and `InvoiceIssuerName` are all "Amazon Web Services" (see
  `INVOICE_ISSUER_NAME`). Every row is `ServiceCategory` "Networking", with one `ServiceSubcategory` per service.
* `BillingAccountId` is the `billing_account_id` argument, else the estate's network account (the topology's
  `network_account`, or the account owning most VPCs): the account an AWS Organization would consolidate the
  bill in. `SubAccountId` is the line item's payer account. `SubAccountName` is the account's name where the
  topology's `accounts` list gives one, and so is `BillingAccountName` (unless `billing_account_name` is given);
  an account without a name has its id repeated.
* Dates are UTC `YYYY-MM-DDTHH:mm:ssZ`: `ChargePeriod*` from the period's start and end, `BillingPeriod*`
  from the calendar month it would be billed in.
* `PricingUnit`/`ConsumedUnit` follow FOCUS's unit format (`Hrs` -> `Hours`, `LCU-Hrs` -> `LCU-Hours`) and keep
  AWS's price-list `GB` (AWS meters 2^30 bytes; FOCUS's table reads `GB` as 10^9 and `GiB` as 2^30).
* `SkuId` is the price's AWS SKU where the snapshot records it, else its usage type; `SkuPriceId` is the SKU's
  rate code where recorded (single-price SKUs only), else `<SkuId>@<rate>`; `SkuMeter` is the usage type, as
  in AWS's own FOCUS 1.2 export.
* `Tags` is a JSON object: `{"vpccost:design": ...}`, plus `"vpccost:label"` when the estimate is split by a
  traffic label.
* Null (empty in CSV): `AvailabilityZone` (rows are not per AZ), `CapacityReservation*`, `CommitmentDiscount*`
  (no reservation or commitment is modelled), `ChargeClass` (no row corrects an earlier invoice), `InvoiceId`
  (no invoice), `SkuPriceDetails`.
* Left out: `BillingAccountType` and `SubAccountType` (present only when the provider has several account
  types, and then never null; vpccost does not know AWS's values for them).

Text that can come from user data is neutralised (`vpccost.outputs.neutralize_formula`) so that a spreadsheet
never reads a cell as a formula.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pandas as pd

from vpccost.errors import ExportWarning, InputError
from vpccost.model.aws_facts import region_name
from vpccost.model.usage import (
    HOSTED_ZONE_RESOURCE,
    INTERFACE_ENDPOINT_RESOURCE,
    NAT_GATEWAY_RESOURCE,
    NLB_RESOURCE,
    TGW_ATTACHMENT_RESOURCE,
    TGW_PEERING_RESOURCE,
    VPC_RESOURCE,
)
from vpccost.outputs.periods import period_of
from vpccost.outputs.text import neutralize_formula
from vpccost.pricing.snapshot import PriceEntry
from vpccost.results import Comparison, DatedComparison, DesignResult, Forecast, LineItem, Optimization
from vpccost.units import format_decimal, format_usd, utc_text

FOCUS_VERSION = "1.2"

PROVIDER_NAME = "Amazon Web Services"
PUBLISHER_NAME = "Amazon Web Services"
INVOICE_ISSUER_NAME = PROVIDER_NAME
"""The same as the provider: FOCUS treats an invoice issuer other than the provider as a third party (a
marketplace) whose charges have a BilledCost of 0. Which AWS entity invoices (Amazon Web Services, Inc., AWS
EMEA SARL, ...) depends on the billing account's country, which an estimate does not know."""
ESTIMATE = "estimate, not a bill"
CHARGE_CATEGORY = "Usage"
CHARGE_FREQUENCY = "Usage-Based"
PRICING_CATEGORY = "Standard"
"""FOCUS: "Standard" when pricing is predetermined at the agreed-upon rate for the billing account."""
SERVICE_CATEGORY = "Networking"
ASSUMPTION_SEPARATOR = " | "
GLOBAL_REGION = "global"


SERVICE_NAMES: dict[str, str] = {
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "AmazonVPC": "Amazon Virtual Private Cloud",
    "AWSDataTransfer": "AWS Data Transfer",
    "AWSELB": "Elastic Load Balancing",
    "AmazonRoute53": "Amazon Route 53",
    "AWSCloudWAN": "AWS Cloud WAN",
}

SERVICE_SUBCATEGORIES: dict[str, str] = {
    "AmazonEC2": "Network Connectivity",  # NAT gateways, their public IPv4 addresses, EC2 data transfer
    "AmazonVPC": "Network Connectivity",  # transit gateways, endpoints, peering
    "AWSDataTransfer": "Network Connectivity",
    "AWSELB": "Application Networking",
    "AmazonRoute53": "Network Routing",
    "AWSCloudWAN": "Network Connectivity",
}
"""One FOCUS 1.2 `ServiceSubcategory` per service, each a child of `Networking`."""

OTHER_SUBCATEGORY = "Other (Networking)"

UNITS: dict[str, str] = {
    "GB": "GB",
    "Hrs": "Hours",
    "LCU-Hrs": "LCU-Hours",
    "HostedZone": "Hosted Zones",
    "Requests": "Requests",
}
"""AWS price-list units -> FOCUS unit format (plural units; `<singular>-<plural>` for compound units)."""

RESOURCE_TYPES: dict[str, str] = {
    VPC_RESOURCE: "VPC",
    NAT_GATEWAY_RESOURCE: "NAT Gateway",
    TGW_ATTACHMENT_RESOURCE: "Transit Gateway Attachment",
    TGW_PEERING_RESOURCE: "Transit Gateway Peering Attachment",
    INTERFACE_ENDPOINT_RESOURCE: "VPC Endpoint",
    NLB_RESOURCE: "Network Load Balancer",
    HOSTED_ZONE_RESOURCE: "Route 53 Hosted Zone",
}
"""FOCUS `ResourceType` of each kind of resource a line item is billed on."""

FOCUS_COLUMNS: tuple[str, ...] = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
)
"""The FOCUS 1.2 columns written, in alphabetical order."""

NULL_COLUMNS: frozenset[str] = frozenset(
    {
        "AvailabilityZone",
        "CapacityReservationId",
        "CapacityReservationStatus",
        "ChargeClass",
        "CommitmentDiscountCategory",
        "CommitmentDiscountId",
        "CommitmentDiscountName",
        "CommitmentDiscountQuantity",
        "CommitmentDiscountStatus",
        "CommitmentDiscountType",
        "CommitmentDiscountUnit",
        "InvoiceId",
        "SkuPriceDetails",
    }
)
"""Columns present for the schema (AWS's FOCUS 1.2 export has them) but null on every estimated row."""

CUSTOM_COLUMNS: tuple[str, ...] = (
    "x_Design",
    "x_UsageType",
    "x_PriceVerified",
    "x_PriceSource",
    "x_Estimate",
    "x_Assumptions",
)
LABEL_COLUMN = "x_Label"
"""Added after the other custom columns when any period's estimate is split by a traffic label."""

NUMERIC_COLUMNS: frozenset[str] = frozenset(
    {
        "BilledCost",
        "CommitmentDiscountQuantity",
        "ConsumedQuantity",
        "ContractedCost",
        "ContractedUnitPrice",
        "EffectiveCost",
        "ListCost",
        "ListUnitPrice",
        "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice",
        "PricingQuantity",
    }
)
DATETIME_COLUMNS: frozenset[str] = frozenset(
    {"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"}
)
KEY_VALUE_COLUMNS: frozenset[str] = frozenset({"SkuPriceDetails", "Tags"})

Row = dict[str, str | None]


def focus_frame(
    periods: Sequence[DatedComparison],
    *,
    designs: Sequence[str] | None = None,
    billing_account_id: str | None = None,
    billing_account_name: str | None = None,
) -> pd.DataFrame:
    """One FOCUS 1.2 row per line item of each selected design of each period, every value a string (None for
    null). `designs` defaults to every priced design (an `ExportWarning` names each design left out); naming an
    unknown or unpriced design is an `InputError` (an unpriced design's line items leave out what has no price,
    so its rows would understate it)."""
    if designs is None:
        unpriced = {result.design for period in periods for result in period.comparison.designs if not result.priced}
        for name in sorted(unpriced):
            message = f"design {name} is not priced and is left out of the FOCUS export"
            warnings.warn(message, ExportWarning, stacklevel=2)
    split = any(period.comparison.settings.split_by is not None for period in periods)
    columns = [*FOCUS_COLUMNS, *CUSTOM_COLUMNS, *([LABEL_COLUMN] if split else [])]
    rows: list[Row] = []
    for period in periods:
        context = _PeriodContext(period, billing_account_id, billing_account_name)
        catalog = period.comparison.catalog
        for result in _selected(period.comparison, designs):
            rows.extend(
                context.row(item, catalog.find(item.item, item.region, item.to_region), split=split)
                for item in result.line_items
            )
    return pd.DataFrame(rows, columns=columns, dtype=object)


def focus_csv(
    periods: Sequence[DatedComparison],
    *,
    designs: Sequence[str] | None = None,
    billing_account_id: str | None = None,
    billing_account_name: str | None = None,
) -> str:
    """`focus_frame` as CSV text (UTF-8 when encoded; header row; `\\n` line ends; null as an empty field)."""
    frame = focus_frame(
        periods, designs=designs, billing_account_id=billing_account_id, billing_account_name=billing_account_name
    )
    return frame.to_csv(index=False, lineterminator="\n")


def comparison_focus(comparison: Comparison, start: date | str | None = None) -> str:
    """The FOCUS CSV of an estimate dated from `start`'s month (default: next month, UTC)."""
    return focus_csv([period_of(comparison, start)])


def optimization_focus(optimization: Optimization, start: date | str | None = None) -> str:
    """The FOCUS CSV of every design an optimization priced, `optimized` among them, dated as an estimate."""
    return focus_csv([period_of(optimization.comparison, start)])


def forecast_focus(forecast: Forecast, start: date | str | None = None) -> str:
    """The FOCUS CSV of a forecast, month by month (dated by its own months: `start` is not used)."""
    return focus_csv(forecast.periods)


def _selected(comparison: Comparison, designs: Sequence[str] | None) -> list[DesignResult]:
    if designs is None:
        return [result for result in comparison.designs if result.priced]
    chosen = []
    for name in designs:
        try:
            result = comparison.design(name)
        except KeyError:
            known = ", ".join(result.design for result in comparison.designs)
            raise InputError(f"design '{name}' is not in the estimate (designs: {known})", field="designs") from None
        if not result.priced:
            missing = "; ".join(result.missing_prices)
            raise InputError(f"design '{name}' is not priced: {missing}", field="designs")
        chosen.append(result)
    return chosen


class _PeriodContext:
    """What every row of one period shares: account, dates, currency, provenance and assumptions."""

    def __init__(
        self, period: DatedComparison, billing_account_id: str | None, billing_account_name: str | None
    ) -> None:
        comparison = period.comparison
        estate = comparison.estate
        account = billing_account_id if billing_account_id is not None else estate.accounts[estate.network_account]
        self.comparison = comparison
        self.shared: Row = {
            "BillingAccountId": neutralize_formula(account),
            "BillingAccountName": neutralize_formula(
                billing_account_name if billing_account_name is not None else self.account_name(account)
            ),
            "BillingCurrency": comparison.catalog.currency,
            "BillingPeriodStart": utc_text(period.billing_start),
            "BillingPeriodEnd": utc_text(period.billing_end),
            "ChargePeriodStart": utc_text(period.start),
            "ChargePeriodEnd": utc_text(period.end),
            "ChargeCategory": CHARGE_CATEGORY,
            "ChargeFrequency": CHARGE_FREQUENCY,
            "InvoiceIssuerName": INVOICE_ISSUER_NAME,
            "PricingCategory": PRICING_CATEGORY,
            "PricingCurrency": comparison.catalog.currency,
            "ProviderName": PROVIDER_NAME,
            "PublisherName": PUBLISHER_NAME,
            "ServiceCategory": SERVICE_CATEGORY,
            "x_PriceSource": neutralize_formula(comparison.catalog.name),
            "x_Estimate": ESTIMATE,
            "x_Assumptions": neutralize_formula(ASSUMPTION_SEPARATOR.join(comparison.assumptions)),
        }
        self.vpc_names = {vpc.id: vpc.name for vpc in estate.vpcs if vpc.name and vpc.name != vpc.id}

    def row(self, item: LineItem, entry: PriceEntry | None, *, split: bool) -> Row:
        quantity = format_decimal(item.quantity)
        rate = format_decimal(item.rate_usd)
        cost = format_usd(item.cost_usd)
        unit = UNITS.get(item.unit, item.unit)
        sku_id = entry.sku if entry is not None and entry.sku else item.usage_type
        regional = item.region != GLOBAL_REGION
        row: Row = dict.fromkeys(NULL_COLUMNS)
        row.update(self.shared)
        row.update(
            {
                "BilledCost": cost,
                "EffectiveCost": cost,
                "ListCost": cost,
                "ContractedCost": cost,
                "PricingCurrencyEffectiveCost": cost,
                "ListUnitPrice": rate,
                "ContractedUnitPrice": rate,
                "PricingCurrencyListUnitPrice": rate,
                "PricingCurrencyContractedUnitPrice": rate,
                "PricingQuantity": quantity,
                "PricingUnit": unit,
                "ConsumedQuantity": quantity,
                "ConsumedUnit": unit,
                "ChargeDescription": neutralize_formula(
                    f"Estimate (not a bill), vpccost design {item.design}: {item.component}"
                ),
                "RegionId": neutralize_formula(item.region) if regional else None,
                "RegionName": neutralize_formula(region_name(item.region)) if regional else None,
                "ResourceId": neutralize_formula(item.resource),
                "ResourceName": self._resource_name(item),
                "ResourceType": resource_type(item.resource_kind),
                "ServiceName": neutralize_formula(SERVICE_NAMES.get(item.service_code, item.service_code)),
                "ServiceSubcategory": SERVICE_SUBCATEGORIES.get(item.service_code, OTHER_SUBCATEGORY),
                "SkuId": neutralize_formula(sku_id),
                "SkuMeter": neutralize_formula(item.usage_type),
                "SkuPriceId": neutralize_formula(_sku_price_id(sku_id, entry, item.rate_usd)),
                "SubAccountId": neutralize_formula(item.payer_account),
                "SubAccountName": neutralize_formula(self.account_name(item.payer_account)),
                "Tags": _tags(item),
                "x_Design": neutralize_formula(item.design),
                "x_UsageType": neutralize_formula(item.usage_type),
                "x_PriceVerified": "true" if item.price_verified else "false",
            }
        )
        if split:
            row[LABEL_COLUMN] = None if item.label is None else neutralize_formula(item.label)
        return row

    def account_name(self, account: str) -> str:
        """The account's name from the topology; its id where it has none (FOCUS's name columns are not null)."""
        return self.comparison.account_name(account) or account

    def _resource_name(self, item: LineItem) -> str | None:
        """The resource with its VPC's id replaced by the VPC's name (`web/nat-gateway`); null when the VPC
        holding the resource has no name, as FOCUS wants no display name rather than the id repeated."""
        name = self.vpc_names.get(item.resource_owner)
        if name is None:
            return None
        return neutralize_formula(name + item.resource.removeprefix(item.resource_owner))


def resource_type(kind: str) -> str:
    """The FOCUS resource type of a kind of resource (see `RESOURCE_TYPES`)."""
    return RESOURCE_TYPES.get(kind, kind.replace("-", " ").title())


def _sku_price_id(sku_id: str, entry: PriceEntry | None, rate_usd: Decimal) -> str:
    """The AWS rate code when the snapshot records it for a single-price SKU; otherwise the SKU and the rate,
    which tells apart the tiers of a tiered price and an override of a list price."""
    if entry is not None and entry.rate_code and not entry.is_tiered and entry.tiers[0].price_usd == rate_usd:
        return entry.rate_code
    return f"{sku_id}@{format_decimal(rate_usd)}"


def _tags(item: LineItem) -> str:
    tags = {"vpccost:design": item.design}
    if item.label is not None:
        tags["vpccost:label"] = item.label
    return json.dumps(tags, ensure_ascii=False)
