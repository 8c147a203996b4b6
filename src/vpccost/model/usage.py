"""Metered usage: what a design consumes, before any price is looked up.

Options declare what flows consume as charges — `PerGb` (every byte of some flows, metered as one item in one
region for one payer on one resource) and `Fixed` (a resource's hours, or months) — and never a price. A
`UsageBuilder` sums the declared charges into `Meter`s, one per (item, region, payer, resource…), which the
pricing engine prices.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Final, Literal, NamedTuple

import numpy as np

from vpccost.errors import InputError
from vpccost.model.codes import NONE, sum_by_key
from vpccost.model.estate import Estate
from vpccost.units import HOURS_PER_MONTH, rounding_arithmetic

VPC_RESOURCE: Final = "vpc"
"""Transfer is metered on the VPC it leaves or enters (`vpc-0a1b`)."""
NAT_GATEWAY_RESOURCE: Final = "nat-gateway"
TGW_ATTACHMENT_RESOURCE: Final = "tgw-attachment"
TGW_PEERING_RESOURCE: Final = "tgw-peering"
INTERFACE_ENDPOINT_RESOURCE: Final = "interface-endpoint"
NLB_RESOURCE: Final = "nlb"
HOSTED_ZONE_RESOURCE: Final = "hosted-zone"
RESOURCE_KINDS: Final = (
    VPC_RESOURCE,
    NAT_GATEWAY_RESOURCE,
    TGW_ATTACHMENT_RESOURCE,
    TGW_PEERING_RESOURCE,
    INTERFACE_ENDPOINT_RESOURCE,
    NLB_RESOURCE,
    HOSTED_ZONE_RESOURCE,
)
"""Every kind of resource a line item can be billed on."""


class Resource(NamedTuple):
    """One resource a charge is metered on: who holds it (a VPC id, a hub, a transit gateway), its kind, and its
    name as line items show it (`vpc-0a1b/nat-gateway`)."""

    owner: str
    kind: str
    name: str


@dataclass(frozen=True)
class ResourceNames:
    """Resources of one kind, indexed by code: each one's holder and the part of its name after the holder
    (the kind itself when not given; a name without a part after the holder is the holder alone)."""

    kind: str
    owners: Sequence[str]
    suffixes: Sequence[str] | None = None
    _made: dict[int, Resource] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getitem__(self, code: int) -> Resource:
        made = self._made.get(code)
        if made is None:
            owner = self.owners[code]
            suffix = self.kind if self.suffixes is None else self.suffixes[code]
            made = self._made[code] = Resource(owner, self.kind, f"{owner}/{suffix}" if suffix else owner)
        return made

    def __len__(self) -> int:
        return len(self.owners)


class Meter(NamedTuple):
    component: str
    """Human name of what is consumed: `NAT gateway`, `Data processed (NAT gateway)`."""
    item: str
    """Registry key of the item whose price applies: `nat_gateway_bytes`."""
    region: str
    to_region: str | None
    payer_account: str
    resource: Resource
    label: str | None
    """The traffic label value (team, application…) the volume belongs to, when split by a label column;
    None for fixed charges, which no single label owns."""
    quantity: Decimal
    """In the item's unit: GB for bytes items, hours (or resource-hours) for hourly items, months for monthly."""


ServiceAccessMode = Literal["best", "design", "nat", "interface"]
SERVICE_ACCESS_MODES: dict[str, str] = {
    "best": "each VPC reaches each AWS service the cheapest way the design allows (a gateway endpoint where one "
    "exists, else NAT or an interface endpoint, whichever costs less for that VPC and service)",
    "design": "each design's own rule: through NAT gateways, or interface endpoints for privatelink",
    "nat": "every design through NAT gateways",
    "interface": "every design through interface endpoints (a VPC that cannot hold one goes through NAT)",
}
"""The `--service-access` modes, and what each means."""


def service_access_mode(text: str) -> ServiceAccessMode:
    """`text` as a service-access mode; an `InputError` listing the modes (and the close one) when it is not."""
    if text in SERVICE_ACCESS_MODES:
        return text  # type: ignore[return-value]
    close = difflib.get_close_matches(text, SERVICE_ACCESS_MODES, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise InputError(
        f"unknown service access '{text}'{hint}; choose from {', '.join(SERVICE_ACCESS_MODES)}", field="service_access"
    )


@dataclass(frozen=True)
class Settings:
    """How an estimate is made: the period it covers [h], the NAT gateway layout, the free tier, the label
    column its per-GB charges are split by, and any limit on peering connections stricter than AWS's."""

    period_hours: Decimal = HOURS_PER_MONTH
    nat_per_vpc: bool = False
    free_tier: bool = False
    """Apply the account-wide free internet egress allowance."""
    split_by: str | None = None
    """A label column of the traffic: per-GB meters are split by its values (chargeback by team…)."""
    peering_quota: int | None = None
    """Active peering connections allowed per VPC when lower than AWS's maximum (`optimize --peering-quota`)."""
    service_access: ServiceAccessMode = "best"
    """How the pure designs reach AWS services in their region (`SERVICE_ACCESS_MODES`)."""

    @property
    def billed_hours(self) -> Decimal:
        """Hours an hourly resource is billed for over the period: AWS bills a partial hour as a full hour."""
        return self.period_hours.to_integral_value(rounding=ROUND_CEILING)

    @property
    def billed_months(self) -> Decimal:
        """Months a monthly resource (a Route 53 hosted zone) is billed for: AWS charges it for every month it
        exists in, a started month in full."""
        with rounding_arithmetic():
            return (self.period_hours / HOURS_PER_MONTH).to_integral_value(rounding=ROUND_CEILING)


@dataclass(frozen=True)
class PerGb:
    """A per-GB charge: every byte of the selected flows is metered as `item` in `region`, paid by `payer`, on
    `resources[resource]` (and towards `to_region` for inter-region transfer). The arrays run over all flows
    of the estate: region and payer codes, resource codes; `rows` selects the flows that pay."""

    component: str
    item: str
    rows: np.ndarray
    region: np.ndarray
    payer: np.ndarray
    resource: np.ndarray
    resources: ResourceNames
    to_region: np.ndarray | None = None


class Fixed(NamedTuple):
    """A charge for a resource existing: `number` of it (its AZs, for a per-AZ price) for every billed hour of
    the period, or every billed month for a monthly item."""

    component: str
    item: str
    region: str
    payer: str
    resource: Resource
    number: int = 1
    per: Literal["hour", "month"] = "hour"

    def quantity(self, settings: Settings) -> Decimal:
        return self.number * (settings.billed_hours if self.per == "hour" else settings.billed_months)


@dataclass
class DesignUsage:
    """Everything a design needs, and why it may not be buildable."""

    design: str
    meters: list[Meter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quota_increases: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


class UsageBuilder:
    """Collects a design's meters from its charges, summing volumes exactly per meter key; `build` gives the usage.

    Charges of one kind (component, item, resource table) from several paths — NAT processing of a VPC's calls
    to AWS services and of its internet traffic — are summed together, into one meter per key.
    Designs are metered inside `units.exact_arithmetic()`, so every quantity computed here is exact or raises."""

    def __init__(self, design: str, estate: Estate, settings: Settings) -> None:
        self.estate = estate
        self.settings = settings
        self._usage = DesignUsage(design)
        self.label_codes: np.ndarray | None = None
        self.label_values: list[str] = []
        if settings.split_by is not None:
            self.label_codes, self.label_values = estate.label_codes(settings.split_by)
        self._hours_noted = False
        self._billed_hours = settings.billed_hours
        self._per_gb: dict[tuple[object, ...], list[PerGb]] = {}

    def per_gb(self, charge: PerGb) -> None:
        """Meter the full volume of the charge's flows, summed per (region, to_region, payer, resource, label)."""
        if charge.rows.any():
            kind = (charge.component, charge.item, id(charge.resources), charge.to_region is None)
            self._per_gb.setdefault(kind, []).append(charge)

    def build(self) -> DesignUsage:
        """The usage: every per-GB charge metered, then the fixed charges and findings recorded so far."""
        meters = [meter for charges in self._per_gb.values() for meter in self._per_gb_meters(charges)]
        self._per_gb.clear()
        self._usage.meters[:0] = meters
        return self._usage

    def _per_gb_meters(self, charges: list[PerGb]) -> Iterator[Meter]:
        estate = self.estate
        regions, accounts = estate.regions, estate.accounts
        first = charges[0]
        columns: list[list[np.ndarray]] = [[], [], [], [], [], []]
        for charge in charges:
            rows = charge.rows
            count = int(rows.sum())
            to_codes = charge.to_region[rows] if charge.to_region is not None else np.full(count, NONE)
            labels = self.label_codes[rows] if self.label_codes is not None else np.full(count, NONE)
            parts = (charge.region[rows], to_codes, charge.payer[rows], charge.resource[rows], labels,
                     estate.flows.volume[rows])  # fmt: skip
            for column, part in zip(columns, parts, strict=True):
                column.append(part)
        joined = [parts[0] if len(parts) == 1 else np.concatenate(parts) for parts in columns]
        sizes = [len(regions), len(regions), len(accounts), len(first.resources), len(self.label_values)]
        (region_codes, to_codes_list, payer_codes, resource_codes, label_codes), sums = sum_by_key(
            joined[:5], sizes, joined[5]
        )
        gb_per_unit = estate.gb_per_unit
        return (
            Meter(
                first.component,
                first.item,
                regions[region_code],
                regions[to_code] if to_code != NONE else None,
                accounts[payer_code],
                first.resources[resource_code],
                self.label_values[label_code] if label_code != NONE else None,
                Decimal(units) * gb_per_unit,
            )
            for region_code, to_code, payer_code, resource_code, label_code, units in zip(
                region_codes, to_codes_list, payer_codes, resource_codes, label_codes, sums, strict=True
            )
        )

    def fixed(self, charge: Fixed) -> None:
        """Meter a resource's hours (or months) for the period."""
        if charge.per == "hour":
            quantity = charge.number * self._billed_hours
            if not self._hours_noted and self._billed_hours != self.settings.period_hours:
                self._hours_noted = True
                self.assume(
                    f"Hourly resources are billed {self._billed_hours} whole hours for the "
                    f"{self.settings.period_hours} h period."
                )
        else:
            quantity = charge.quantity(self.settings)
        self._usage.meters.append(
            Meter(charge.component, charge.item, charge.region, None, charge.payer, charge.resource, None, quantity)
        )

    def problem(self, text: str) -> None:
        self._usage.problems.append(text)

    def quota_increase(self, text: str) -> None:
        self._usage.quota_increases.append(text)

    def assume(self, text: str) -> None:
        if text not in self._usage.assumptions:
            self._usage.assumptions.append(text)
