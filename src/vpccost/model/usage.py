"""Metered usage: what a design consumes, before any price is looked up.

A design turns flows into `Meter`s — a quantity of one priced item (a catalog item name, never a price)
in one region, for one payer account and one resource. The engine prices them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

import numpy as np

from vpccost.model.codes import NONE, sum_by_key
from vpccost.model.estate import Estate


class Meter(NamedTuple):
    component: str
    """Human name of what is consumed: `NAT gateway`, `Data processed (NAT gateway)`."""
    item: str
    """Catalog item whose price applies: `nat_gateway_bytes`."""
    region: str
    to_region: str | None
    payer_account: str
    resource: str
    label: str | None
    """The traffic label value (team, application…) the volume belongs to, when split by a label column;
    None for hourly resources, which no single label owns."""
    quantity: Decimal
    """In the item's unit: GB for bytes items, hours (or resource-hours) for hourly items."""


@dataclass(frozen=True)
class Settings:
    """How an estimate is made: the period it covers [h], the NAT gateway layout, the free tier, and the label
    column its per-GB charges are split by."""

    period_hours: Decimal = Decimal(730)
    nat_per_vpc: bool = False
    free_tier: bool = False
    """Apply the account-wide free internet egress allowance."""
    split_by: str | None = None
    """A label column of the traffic: per-GB meters are split by its values (chargeback by team…)."""


@dataclass
class DesignUsage:
    """Everything a design needs, and why it may not be buildable."""

    design: str
    meters: list[Meter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quota_increases: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


class UsageBuilder:
    """Collects a design's meters from masked flows, summing volumes exactly per meter key.

    Designs run inside `units.exact_arithmetic()` (see `designs.DESIGNS`), so every quantity computed here
    is exact or raises."""

    def __init__(self, design: str, estate: Estate, options: Settings) -> None:
        self.estate = estate
        self.flows = estate.flows
        self.options = options
        self.usage = DesignUsage(design)
        self.vpc_region = estate.vpc_region_codes
        self.vpc_owner = estate.vpc_owner_codes
        self.vpc_ids = [vpc.id for vpc in estate.vpcs]
        self.label_codes: np.ndarray | None = None
        self.label_values: list[str] = []
        if options.split_by is not None:
            self.label_codes, self.label_values = estate.label_codes(options.split_by)

    @property
    def hours(self) -> Decimal:
        """Hours an hourly resource is billed for: AWS bills a partial hour as a full hour."""
        billed = self.options.period_hours.to_integral_value(rounding=ROUND_CEILING)
        if billed != self.options.period_hours:
            self.assume(
                f"Hourly resources are billed {billed} whole hours for the {self.options.period_hours} h period."
            )
        return billed

    def vpc_resources(self, suffix: str) -> list[str]:
        """Resource names for something each VPC holds, indexed by VPC code (`vpc-0a1b/nat-gateway`)."""
        return [f"{vpc_id}/{suffix}" for vpc_id in self.vpc_ids]

    def per_gb(
        self,
        component: str,
        item: str,
        rows: np.ndarray,
        *,
        region: np.ndarray,
        payer: np.ndarray,
        resource: np.ndarray,
        resource_names: Sequence[str],
        to_region: np.ndarray | None = None,
    ) -> None:
        """Meter the full volume of the selected flows, summed per (region, to_region, payer, resource).

        `region`, `payer` (account codes), `resource` (codes into `resource_names`) and `to_region` are
        per-flow arrays over all flows; only the rows selected by the boolean mask `rows` count."""
        if not rows.any():
            return
        regions, accounts = self.estate.regions, self.estate.accounts
        to_codes = to_region[rows] if to_region is not None else np.full(int(rows.sum()), NONE)
        labels = self.label_codes[rows] if self.label_codes is not None else np.full(int(rows.sum()), NONE)
        keys = [region[rows], to_codes, payer[rows], resource[rows], labels]
        sizes = [len(regions), len(regions), len(accounts), len(resource_names), len(self.label_values)]
        (region_codes, to_region_codes, payer_codes, resource_codes, label_codes), sums = sum_by_key(
            keys, sizes, self.flows.volume[rows]
        )
        gb_per_unit = self.estate.gb_per_unit
        label_values = self.label_values
        self.usage.meters.extend(
            Meter(
                component,
                item,
                regions[region_code],
                regions[to_code] if to_code != NONE else None,
                accounts[payer_code],
                resource_names[resource_code],
                label_values[label_code] if label_code != NONE else None,
                Decimal(units) * gb_per_unit,
            )
            for region_code, to_code, payer_code, resource_code, label_code, units in zip(
                region_codes, to_region_codes, payer_codes, resource_codes, label_codes, sums, strict=True
            )
        )

    def hourly(self, component: str, item: str, *, region: str, payer: str, resource: str, count: int = 1) -> None:
        """Meter `count` of a resource billed per hour (per AZ-hour when `count` is its AZs) for the period."""
        self.usage.meters.append(Meter(component, item, region, None, payer, resource, None, count * self.hours))

    def problem(self, text: str) -> None:
        self.usage.problems.append(text)

    def quota_increase(self, text: str) -> None:
        self.usage.quota_increases.append(text)

    def assume(self, text: str) -> None:
        if text not in self.usage.assumptions:
            self.usage.assumptions.append(text)
