"""What a connection option declares, and the context it reads.

An option carries the flows of one kind of subject — a VPC pair, a (VPC, AWS service) pair, or a VPC's
internet traffic — one way. Given the flows that take it, it declares:

- `OptionUsage.charges`: the per-GB charges those flows cause (`PerGb`: item, region, payer, resource);
- `OptionUsage.needs`: the fixed resources they need (`Need`: per flow, a code that names a `FixedResource`),
  keyed so that a resource several flows or several options share (a TGW attachment, an NLB, a NAT gateway)
  is counted once;
- `blocked`: the subjects that cannot take the option, and why;
- `check`: the quotas the subjects that take it must respect (and `quota_rows`: the same quotas as limits an
  optimizer can hold a choice to).

Designs and mixes meter these declarations (`vpccost.designs.mix`); the optimizer turns the same declarations
into its coefficients and the break-even analysis into cost lines. No option holds a price.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

import numpy as np

from vpccost.model.codes import NONE
from vpccost.model.estate import DEFAULT_AZ_COUNT, Estate, VpcInfo
from vpccost.model.usage import Fixed, PerGb, ResourceNames, Settings
from vpccost.units import exact_arithmetic

T = TypeVar("T")


class FixedResource(NamedTuple):
    """A resource that costs for existing (its fixed charges), counted once per `key` however many flows and
    options need it. `assumption` is stated once when any such resource is used."""

    key: tuple[Hashable, ...]
    """`(kind, …)`: the resource's kind, then what tells it apart (a VPC code, a region pair…)."""
    charges: tuple[Fixed, ...]
    assumption: str | None = None
    stands_for: int = 1
    """How many resources of its kind it stands for: more than one for resources reported together (a VPC's
    endpoints to other VPCs' endpoint services), whose charges then cover them all."""


@dataclass(frozen=True)
class Need:
    """Each selected flow needs the resource `resource(code)` for its code in `codes` (an array over all
    flows; one family of resources: the sending VPC's TGW attachment, the initiator's NAT gateway…).

    `together`, when given, states the same resources for metering in bulk: for the codes used, resources that
    each stand for several (`FixedResource.stands_for`) and are billed alike. Only a family no other need
    shares may give it (thousands of endpoints, each needed by one pair)."""

    rows: np.ndarray
    codes: np.ndarray
    resource: Callable[[int], FixedResource]
    together: Callable[[np.ndarray], list[FixedResource]] | None = None


@dataclass
class OptionUsage:
    """What the flows that take an option consume."""

    charges: list[PerGb] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def add(self, other: OptionUsage) -> OptionUsage:
        self.charges += other.charges
        self.needs += other.needs
        self.assumptions += [note for note in other.assumptions if note not in self.assumptions]
        return self


@dataclass(frozen=True)
class Blocked:
    """Why a subject cannot take an option. `priced`: its flows are still priced the way the option would
    carry them (the design is reported infeasible either way); otherwise they are left out and not priced."""

    reason: str
    priced: bool = False


@dataclass(frozen=True)
class QuotaRow:
    """A limit on the subjects that take an option, at one VPC: Σ coefficient × [subject takes it] ≤ upper."""

    vpc: int
    subjects: list[int]
    coefficients: list[int]
    upper: int


@dataclass
class Findings:
    """Why an assignment cannot be built as is, and the quota increases it needs."""

    problems: list[str] = field(default_factory=list)
    quota_increases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedLayout:
    """Where existing NAT gateways and interface endpoints sit, as a topology records them (the layout `as-is`
    prices). A VPC or an endpoint it does not name is laid out as vpccost builds new ones: a NAT gateway in each
    AZ of the VPC (or one per VPC with `nat_per_vpc`), an endpoint in every AZ of its VPC."""

    nat_gateways: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC id -> the AZ ID of each NAT gateway it pays for by the hour: one entry per zonal gateway, and one per
    AZ where a regional gateway is active."""
    interface_endpoints: Mapping[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    """(consumer VPC id, `service` or `vpc`, the service's name or the provider VPC's id) -> the AZ IDs the
    endpoint sits in."""


class Context:
    """What every option reads: the estate, the settings, and the parts of an assignment that change a path —
    the VPCs placed in their region's shared VPC (`members`), the VPC that hosts central endpoints (`hub`,
    NONE for a new hub per region) and where existing NAT gateways and endpoints sit (`layout`)."""

    def __init__(self, estate: Estate, settings: Settings, *, members: np.ndarray | None = None,
                 hub: int = NONE, layout: RecordedLayout | None = None) -> None:  # fmt: skip
        self.estate = estate
        self.settings = settings
        self.layout = RecordedLayout() if layout is None else layout
        self.flows = estate.flows
        self.outside = estate.outside
        member = np.zeros(len(estate.vpcs), dtype=bool) if members is None else np.asarray(members, dtype=bool)
        self.member = np.append(member, False)
        """Per VPC code, and False at the end for a side that is not a VPC (code NONE)."""
        self.hub = hub
        self.vpc_ids = [vpc.id for vpc in estate.vpcs]
        self.vpc_region = estate.vpc_region_codes
        self.vpc_owner = estate.vpc_owner_codes
        self.network_account = estate.network_account
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], T], *, per_estate: bool = False) -> T:
        """A table an option derives from the context, built once per context — or once per estate, for a table
        of the flows alone that no assignment changes (`per_estate`)."""
        store = self.estate.derived if per_estate else self._memo
        if key not in store:
            store[key] = build()
        value: T = store[key]
        return value

    def with_members(self, members: np.ndarray) -> Context:
        """The same context with other VPCs placed in their region's shared VPC."""
        return Context(self.estate, self.settings, members=members, hub=self.hub, layout=self.layout)

    @property
    def vpcs(self) -> list[VpcInfo]:
        return self.estate.vpcs

    def vpc_resources(self, kind: str, suffix: str | None = None) -> ResourceNames:
        """Resources of `kind` that each VPC holds, indexed by VPC code (`vpc-0a1b/nat-gateway`)."""

        def build() -> ResourceNames:
            return ResourceNames(kind, self.vpc_ids, None if suffix is None else [suffix] * len(self.vpc_ids))

        return self.memo(f"resources {kind} {suffix}", build, per_estate=True)

    @functools.cached_property
    def vpc_transfer(self) -> ResourceNames:
        """Transfer is metered on the VPC itself (`vpc-0a1b`)."""
        return ResourceNames("vpc", self.vpc_ids, [""] * len(self.vpc_ids))

    @functools.cached_property
    def shared_vpc_azs(self) -> list[tuple[str, ...]]:
        """Per region code, the AZs of that region's shared VPC: every AZ ID known for its VPCs, or the default
        number of AZs when none is known (as in the `sharing` design)."""
        known: dict[str, set[str]] = {}
        for vpc in self.vpcs:
            if vpc.azs_from != "default":
                known.setdefault(vpc.region, set()).update(vpc.azs)
        placeholder = tuple(f"(AZ {n + 1})" for n in range(DEFAULT_AZ_COUNT))
        return [tuple(sorted(known.get(region, ()))) or placeholder for region in self.estate.regions]

    def gb(self, rows: np.ndarray) -> Decimal:
        """The exact GB of the selected flows."""
        with exact_arithmetic():
            return Decimal(int(self.flows.volume[rows].sum())) * self.estate.gb_per_unit


class Option:
    """One way a subject's flows are carried. Subclasses declare `usage`; `blocked` and `check` default to
    "always possible" and "no quota"."""

    name: str = ""

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        raise NotImplementedError

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        """The subjects (rows of `subjects`, by position) that cannot take this option, and why; the others can."""
        return {}

    def check(self, ctx: Context, subjects: np.ndarray, findings: Findings) -> None:
        """Quotas over the subjects that take this option."""

    def quota_rows(self, ctx: Context, subjects: np.ndarray) -> list[QuotaRow]:
        """The quotas as limits over which of `subjects` take this option (for the optimizer), where they bind."""
        return []
