"""The optimizer: the cheapest feasible mixed architecture, chosen by a mixed-integer model and proven.

For each communicating VPC pair the model chooses peering, Transit Gateway, PrivateLink, NAT (public
addresses) or placement in a shared VPC, and for each (VPC, AWS service in its region) NAT, a gateway
endpoint, an interface endpoint in the VPC, or a central endpoint in a hub VPC, as `allow` permits. The
costs it weighs are those the designs meter (`designs/mixed.py`), taken from the same catalog:

- per-GB charges, linear in each choice (peering cross-AZ, TGW processing, NLCU-hours, NAT processing, regional
  transfer between public addresses, cross-AZ transfer to a single NAT gateway with `nat_per_vpc`);
- fixed resources shared by several choices, each a binary variable the choices need: a TGW attachment per VPC,
  a TGW peering per region pair, an NLB per provider VPC, NAT gateways per VPC (in every AZ) or per shared VPC,
  a hub attachment per region and a central endpoint (all hub AZs, plus a hosted zone) per (region, service);
- fixed resources of one choice alone (PrivateLink endpoints per consumer, interface endpoints per VPC);
- interface-endpoint processing, tiered over all of a region's interface endpoints, exactly: one variable per
  tier, with binaries that fill the tiers in order when the region's volume can reach a second tier.

Quotas bind: `peering_quota` peerings per VPC, 1,000 routes per route table, 5,000 attachments per TGW; pairs
with overlapping CIDRs are not peered or routed through a TGW. Sharing places whole groups of VPCs that
exchange traffic (connected components of the traffic graph) in their regions' shared VPCs.

HiGHS (`highspy`) solves the model; its floating-point costs only choose. Where the peering quota binds, the
LP relaxation is first tightened with quota cuts (`_ModelBuilder._quota_cuts`), which close most of its gap on
estates where VPCs choose between NAT gateways and TGW attachments; the branch and bound follows only if the
tightened relaxation's optimum is not already integral. The chosen mix is then priced by `designs.mixed` and
the engine, so every amount reported is the engine's exact Decimal line items, and the pure designs are priced
beside it for the savings.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from vpccost.compare import compare_estate, comparison_assumptions, design_names
from vpccost.designs.mixed import (
    HOSTED_ZONE,
    NEW_HUB_AZ_COUNT,
    Mix,
    PairOption,
    ServiceOption,
    estate_pairs,
    estate_service_keys,
    hosted_zone_months,
    pair_key,
    service_key,
)
from vpccost.designs.mixed import usage as mixed_usage
from vpccost.designs.peering import ROUTES_PER_TABLE_MAX
from vpccost.errors import InputError, MissingPriceError
from vpccost.inputs.load import (
    PricingInput,
    TopologyInput,
    TrafficInput,
    catalog_from,
    collector_paused,
    load_estate,
    period_hours_from,
)
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.codes import NONE, sum_by_key
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.engine import price
from vpccost.pricing.snapshot import PriceEntry
from vpccost.pricing.tiers import tier_scale
from vpccost.results import Comparison, Optimization, PairDecision, ServiceDecision
from vpccost.units import exact_arithmetic, format_decimal

ALLOW_TOKENS = ("peering", "transit-gateway", "sharing", "privatelink", "endpoints", "nat")
PEERING_QUOTA_DEFAULT = 50
PEERING_QUOTA_MAX = 125

TIE_BREAK_USD_PER_MOVED_VPC = 1e-4
"""Moving a VPC into a shared VPC is a migration: between mixes that cost the same to the cent's hundredth,
the model prefers the one that moves fewer VPCs (this tiny cost never appears in a total)."""

PAIR_CHOICES: tuple[PairOption, ...] = ("peering", "transit-gateway", "privatelink", "nat")
"""Pair options chosen pair by pair; `sharing` is chosen per group of VPCs that exchange traffic."""
OWN_SERVICE_CHOICES: tuple[ServiceOption, ...] = ("nat", "gateway-endpoint", "interface-endpoint", "central-endpoint")
SHARED_SERVICE_CHOICES: tuple[ServiceOption, ...] = ("nat", "gateway-endpoint")
QUOTA_CUT_ROUNDS = 30
"""Rounds of quota cuts before the branch and bound (each re-solves the LP relaxation from its last basis)."""
QUOTA_CUT_VIOLATION = 1e-4
INTEGRALITY_TOLERANCE = 1e-6


def parse_allow(allow: str | Iterable[str] | None) -> frozenset[str]:
    """The `--allow` tokens (comma-separated text or a list); all of them when None."""
    if allow is None:
        return frozenset(ALLOW_TOKENS)
    tokens = [token.strip() for token in (allow.split(",") if isinstance(allow, str) else allow) if token.strip()]
    unknown = [token for token in tokens if token not in ALLOW_TOKENS]
    if unknown or not tokens:
        raise InputError(
            f"unknown --allow option {', '.join(unknown) or '(none given)'}; choose from {', '.join(ALLOW_TOKENS)}",
            field="allow",
        )
    return frozenset(tokens)


def optimize(
    traffic: TrafficInput,
    topology: TopologyInput = None,
    *,
    pricing: PricingInput = None,
    overrides: str | Path | None = None,
    allow: str | Iterable[str] | None = None,
    peering_quota: int = PEERING_QUOTA_DEFAULT,
    hub_vpc: str | None = None,
    hours: Decimal | int | str = 730,
    nat_per_vpc: bool = False,
    time_limit_s: float | None = None,
) -> Optimization:
    """The cheapest feasible mix of connection options for `traffic` over a period of `hours` [h], proven optimal
    (or with the gap when `time_limit_s` stops the solver), priced exactly beside the pure designs."""
    allowed = parse_allow(allow)
    if not 0 <= peering_quota <= PEERING_QUOTA_MAX:
        raise InputError(
            f"the peering quota must be between 0 and {PEERING_QUOTA_MAX} (AWS's maximum), not {peering_quota}",
            field="peering_quota",
        )
    if time_limit_s is not None and time_limit_s <= 0:
        raise InputError("the time limit must be a positive number of seconds", field="time_limit")
    options = Settings(period_hours=period_hours_from(hours), nat_per_vpc=nat_per_vpc)
    catalog = catalog_from(pricing, overrides)
    estate = load_estate(traffic, topology)
    return optimize_estate(
        estate, catalog, options, allow=allowed, peering_quota=peering_quota, hub_vpc=hub_vpc, time_limit_s=time_limit_s
    )


def optimize_estate(
    estate: Estate,
    catalog: Catalog,
    options: Settings,
    *,
    allow: frozenset[str] = frozenset(ALLOW_TOKENS),
    peering_quota: int = PEERING_QUOTA_DEFAULT,
    hub_vpc: str | None = None,
    time_limit_s: float | None = None,
) -> Optimization:
    """`optimize` for an estate that is already resolved."""
    model = _ModelBuilder(estate, catalog, options, allow, peering_quota, hub_vpc)
    solution = model.solve(time_limit_s)
    mix = model.mix(solution.x)
    with collector_paused():
        result = price(mixed_usage(estate, options, mix), catalog, period_hours=options.period_hours)
        comparison = compare_estate(estate, catalog, options, design_names(None, estate.topology))
    _apply_peering_quota(comparison, estate, peering_quota)
    comparison.designs.append(result)
    comparison.assumptions = comparison_assumptions(estate, comparison.designs, options.period_hours, catalog)
    comparison.assumptions[-1:-1] = model.notes
    return Optimization(
        result=result,
        mix=mix,
        pairs=model.pair_decisions(solution.x, mix),
        services=model.service_decisions(solution.x, mix),
        comparison=comparison,
        optimal=solution.optimal,
        gap=solution.gap,
        status=solution.status,
        solve_seconds=solution.seconds,
        model_variables=model.size[0],
        model_constraints=model.size[1],
        model_binaries=model.size[2],
        notes=model.notes,
    )


def _apply_peering_quota(comparison: Comparison, estate: Estate, peering_quota: int) -> None:
    """The pure `peering` design is checked against AWS's quotas; under a tighter `--peering-quota` it may not be
    buildable, and then it says so, so that its saving is not read as one the optimizer missed."""
    pairs = estate_pairs(estate)
    peers = Counter(code for pair in pairs for code in pair)
    over = sorted((code for code, count in peers.items() if count > peering_quota), key=lambda code: -peers[code])
    if not over:
        return
    for result in comparison.designs:
        if result.design == "peering":
            for code in over:
                result.problems.append(
                    f"{estate.vpcs[code].label} needs {peers[code]} peering connections; the peering quota given "
                    f"is {peering_quota}"
                )


@dataclass(frozen=True)
class _Solution:
    x: np.ndarray
    optimal: bool
    gap: float | None
    status: str
    seconds: float


class _Rates:
    """First-tier prices per region code as floats (NaN where the catalog has none), for the model only."""

    def __init__(self, estate: Estate, catalog: Catalog, notes: list[str]) -> None:
        self.estate = estate
        self.catalog = catalog
        self.notes = notes
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, item: str) -> np.ndarray:
        found = self._cache.get(item)
        if found is None:
            values = []
            for region in self.estate.regions:
                try:
                    entry = self.catalog.get(item, region)
                except MissingPriceError:
                    values.append(math.nan)
                    continue
                if entry.is_tiered and item != "vpc_endpoint_bytes":
                    note = f"The optimizer's model prices {item} in {region} at its first tier; the totals are exact."
                    if note not in self.notes:
                        self.notes.append(note)
                values.append(float(entry.flat_price_usd))
            found = self._cache[item] = np.array([*values, math.nan], dtype=float)
        return found


class _ModelBuilder:
    """The mixed-integer model of one estate, its solution, and the decisions read from it."""

    def __init__(
        self,
        estate: Estate,
        catalog: Catalog,
        options: Settings,
        allow: frozenset[str],
        peering_quota: int,
        hub_vpc: str | None,
    ) -> None:
        self.estate = estate
        self.catalog = catalog
        self.options = options
        self.allow = allow
        self.peering_quota = peering_quota
        self.notes: list[str] = []
        self.rates = _Rates(estate, catalog, self.notes)
        self.hours = float(options.period_hours.to_integral_value(rounding=ROUND_CEILING))
        self.ids = [vpc.id for vpc in estate.vpcs]
        self.hub = self._hub_code(hub_vpc)
        self.hub_vpc = None if self.hub == NONE else self.ids[self.hub]
        # the model: costs, bounds, integrality, and constraint triplets
        self.cost: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []
        self._build()
        self.size = (len(self.cost), len(self.rows), int(sum(self.integer)))

    # ---- variables and constraints ------------------------------------------------------------------
    def var(self, cost: float, *, upper: float = 1.0, integer: bool = True) -> int:
        if not math.isfinite(cost):
            cost, upper = 0.0, 0.0  # a missing price: the choice is not available
        self.cost.append(cost)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def add_cost(self, variable: int, cost: float) -> None:
        if math.isfinite(cost):
            self.cost[variable] += cost
        else:
            self.upper[variable] = 0.0

    def constrain(self, columns: Sequence[int], values: Sequence[float], lower: float, upper: float) -> None:
        self.rows.append((list(columns), list(values), lower, upper))

    def at_most(self, small: int, big: int) -> None:
        """small ≤ big (a choice needs a shared resource)."""
        self.constrain([small, big], [1.0, -1.0], -math.inf, 0.0)

    # ---- the estate's quantities ---------------------------------------------------------------------
    def _hub_code(self, hub_vpc: str | None) -> int:
        if hub_vpc is None:
            return NONE
        for code, vpc in enumerate(self.estate.vpcs):
            if hub_vpc in (vpc.id, vpc.name):
                return code
        raise InputError(f"hub VPC '{hub_vpc}' carries no traffic in this estate", field="hub_vpc")

    def _fixed(self, count: float, item: str, region_code: int) -> float:
        return count * self.hours * float(self.rates(item)[region_code])

    def _build(self) -> None:
        estate, f = self.estate, self.estate.flows
        self.gb = np.asarray(f.volume, dtype=float) * float(estate.gb_per_unit)
        vpc_region = np.append(estate.vpc_region_codes, NONE)
        self.vpc_region = vpc_region
        self.az_count = np.array([len(vpc.azs) for vpc in estate.vpcs], dtype=float)
        self.first_az = np.array(
            [estate.azs.index(vpc.azs[0]) if vpc.azs[0] in estate.azs else NONE for vpc in estate.vpcs] + [NONE]
        )
        self.endpoint_terms: dict[int, list[tuple[int, float]]] = {}
        """region code -> (variable, GB it sends through the region's interface endpoints)"""
        self._build_vpc_resources()
        self._build_pairs()
        self._build_services()
        self._build_endpoint_tiers()

    def _build_vpc_resources(self) -> None:
        estate, rates = self.estate, self.rates
        n = len(estate.vpcs)
        nat_gateways = np.ones(n) if self.options.nat_per_vpc else self.az_count
        nat_hour = rates("nat_gateway_hours") + rates("public_ipv4_in_use_hours")
        region = self.vpc_region[:-1]
        # NAT gateways are also the path that nothing replaces (the internet): without a price they cost 0 here,
        # and the priced result names the missing price
        nat_usd = np.nan_to_num(nat_gateways * self.hours * nat_hour[region], nan=0.0)
        self.nat = [self.var(float(nat_usd[v])) for v in range(n)]
        self.attachment: dict[int, int] = {}
        self.nlb: dict[int, int] = {}
        self.tgw_peering: dict[tuple[int, int], int] = {}
        # shared VPCs: one per region, spanning every AZ its workloads use (as in the sharing design)
        self.shared_nat: dict[int, int] = {}
        self.shared_first_az = np.full(len(estate.regions) + 1, NONE)
        self.shared_az_count = np.zeros(len(estate.regions))
        for code, region_name in enumerate(estate.regions):
            azs = sorted({az for vpc in estate.vpcs if vpc.region == region_name and vpc.azs_from != "default"
                          for az in vpc.azs})  # fmt: skip
            self.shared_az_count[code] = len(azs) or 2
            self.shared_first_az[code] = estate.azs.index(azs[0]) if azs and azs[0] in estate.azs else NONE
        if self.options.nat_per_vpc:
            self.shared_az_count[:] = 1

    def attachment_of(self, vpc: int) -> int:
        if vpc not in self.attachment:
            self.attachment[vpc] = self.var(self._fixed(1, "transit_gateway_attachment_hours", self.vpc_region[vpc]))
        return self.attachment[vpc]

    def nlb_of(self, vpc: int) -> int:
        if vpc not in self.nlb:
            self.nlb[vpc] = self.var(self._fixed(1, "nlb_hours", self.vpc_region[vpc]))
        return self.nlb[vpc]

    def tgw_peering_of(self, first: int, second: int) -> int:
        key = (min(first, second), max(first, second))
        if key not in self.tgw_peering:
            cost = self._fixed(1, "transit_gateway_peering_hours", key[0])
            cost += self._fixed(1, "transit_gateway_peering_hours", key[1])
            self.tgw_peering[key] = self.var(cost)
        return self.tgw_peering[key]

    def shared_nat_of(self, region: int) -> int:
        if region not in self.shared_nat:
            rate = self.rates("nat_gateway_hours")[region] + self.rates("public_ipv4_in_use_hours")[region]
            usd = float(self.shared_az_count[region]) * self.hours * rate
            self.shared_nat[region] = self.var(usd if math.isfinite(usd) else 0.0)
        return self.shared_nat[region]

    def _nat_crossing_cost(self, rows: np.ndarray, workload_az: np.ndarray, nat_region: np.ndarray,
                           nat_az: np.ndarray) -> np.ndarray:  # fmt: skip
        """Per flow: cross-AZ transfer to a single NAT gateway (both sides pay), with `nat_per_vpc` only."""
        if not self.options.nat_per_vpc:
            return np.zeros(len(rows))
        crossing = rows & ((workload_az == NONE) | (workload_az != nat_az))
        regional = self.rates("data_transfer_regional_bytes")
        return np.where(crossing, 2 * regional[nat_region] * self.gb, 0.0)

    def _build_pairs(self) -> None:
        estate, f, rates = self.estate, self.estate.flows, self.rates
        gb = self.gb
        between = (f.src.kind == 0) & (f.dst.kind == 0) & (f.src.vpc != f.dst.vpc)
        self.pair_list = estate_pairs(estate)
        n_pairs = len(self.pair_list)
        width = max(1, len(estate.vpcs))
        packed = np.minimum(f.src.vpc, f.dst.vpc).astype(np.int64) * width + np.maximum(f.src.vpc, f.dst.vpc)
        codes = np.array([x * width + y for x, y in self.pair_list], dtype=np.int64)
        pair = np.full(len(f), NONE, dtype=np.int64)
        pair[between] = np.searchsorted(codes, packed[between])
        self.pair_of_flow = pair
        rows = between
        p = pair[rows]

        def per_pair(values: np.ndarray) -> np.ndarray:
            summed: np.ndarray = np.bincount(p, weights=values[rows], minlength=n_pairs)
            return summed

        def exists(mask: np.ndarray) -> np.ndarray:
            found: np.ndarray = np.bincount(p, weights=mask[rows].astype(float), minlength=n_pairs) > 0
            return found

        src_r, dst_r = f.src.region, f.dst.region
        same = src_r == dst_r
        crossing = (f.src.az == NONE) | (f.dst.az == NONE) | (f.src.az != f.dst.az)
        init_vpc, resp_vpc = f.initiator("vpc"), f.responder("vpc")
        init_r, resp_r = self.vpc_region[init_vpc], self.vpc_region[resp_vpc]
        v4 = ~f.ipv6
        regional = rates("data_transfer_regional_bytes")
        nat_bytes = rates("nat_gateway_bytes")
        cost = {
            "peering": np.where(
                same & crossing, gb * (rates("vpc_peering_out_bytes")[src_r] + rates("vpc_peering_in_bytes")[dst_r]), 0
            ),
            "transit-gateway": gb * rates("transit_gateway_bytes")[src_r],
            "privatelink": gb * rates("nlb_nlcu_hours")[resp_r],
            "nat": np.where(v4, gb * nat_bytes[init_r], 0.0)
            + self._nat_crossing_cost(rows & v4, f.initiator("az"), init_r, self.first_az[init_vpc])
            + np.where(same, gb * (regional[src_r] + regional[dst_r]), 0.0),
            "sharing": np.where(same & crossing, gb * (regional[src_r] + regional[dst_r]), 0.0),
        }
        self.pair_cost = {name: per_pair(np.nan_to_num(values, nan=np.inf)) for name, values in cost.items()}
        self.pair_gb = per_pair(gb)
        low = np.array([x for x, _ in self.pair_list], dtype=np.int64)
        low_initiates = np.zeros(len(f), dtype=bool)
        low_initiates[rows] = init_vpc[rows] == low[p]
        self.low_init_any = exists(low_initiates)
        self.high_init_any = exists(~low_initiates)
        self.low_init_v4 = exists(low_initiates & v4)
        self.high_init_v4 = exists(~low_initiates & v4)
        self.low_init_gb = per_pair(np.where(low_initiates, gb, 0.0))
        self.high_init_gb = per_pair(np.where(~low_initiates, gb, 0.0))
        self.cross_region = np.array([self.vpc_region[x] != self.vpc_region[y] for x, y in self.pair_list], dtype=bool)
        self._pair_variables()

    def _components(self) -> np.ndarray:
        """Each VPC's group: VPCs joined by traffic are in one group (union-find over the pairs)."""
        parent = list(range(len(self.estate.vpcs)))

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for x, y in self.pair_list:
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
        return np.array([root(x) for x in range(len(parent))], dtype=np.int64)

    def _pair_variables(self) -> None:
        estate, allow = self.estate, self.allow
        overlapping = estate.overlapping_cidrs
        vpcs = estate.vpcs
        self.component = self._components()
        self.sharing: dict[int, int] = {}
        if "sharing" in allow:
            groups, members = np.unique(self.component, return_counts=True)
            for group, count in zip(groups.tolist(), members.tolist(), strict=True):
                self.sharing[group] = self.var(TIE_BREAK_USD_PER_MOVED_VPC * count)
        self.pair_vars: list[dict[str, int]] = []
        self.unroutable: list[int] = []
        endpoint_hours = self.rates("vpc_endpoint_hours")
        peers_at: dict[int, list[tuple[int, float]]] = {}
        self.quota_items: dict[int, list[tuple[int, int, int]]] = {}
        """VPC -> per incident pair: (peering, TGW, NAT through this VPC's gateways) variables, NONE where absent"""
        for index, (x, y) in enumerate(self.pair_list):
            rx, ry = int(self.vpc_region[x]), int(self.vpc_region[y])
            chosen: dict[str, int] = {}
            overlap = (x, y) in overlapping
            if "peering" in allow and not overlap:
                chosen["peering"] = variable = self.var(self.pair_cost["peering"][index])
                for vpc, other in ((x, y), (y, x)):
                    blocks = float(max(1, len(vpcs[other].networks)))
                    peers_at.setdefault(vpc, []).append((variable, blocks))
            if "transit-gateway" in allow and not overlap:
                chosen["transit-gateway"] = variable = self.var(self.pair_cost["transit-gateway"][index])
                self.at_most(variable, self.attachment_of(x))
                self.at_most(variable, self.attachment_of(y))
                if rx != ry:
                    self.at_most(variable, self.tgw_peering_of(rx, ry))
            if "privatelink" in allow:
                fixed = 0.0
                if self.low_init_any[index]:
                    fixed += self.az_count[x] * self.hours * endpoint_hours[rx]
                if self.high_init_any[index]:
                    fixed += self.az_count[y] * self.hours * endpoint_hours[ry]
                chosen["privatelink"] = variable = self.var(self.pair_cost["privatelink"][index] + fixed)
                if self.low_init_any[index]:
                    self.at_most(variable, self.nlb_of(y))
                    self.endpoint_terms.setdefault(rx, []).append((variable, float(self.low_init_gb[index])))
                if self.high_init_any[index]:
                    self.at_most(variable, self.nlb_of(x))
                    self.endpoint_terms.setdefault(ry, []).append((variable, float(self.high_init_gb[index])))
            if "nat" in allow:
                chosen["nat"] = variable = self.var(self.pair_cost["nat"][index])
                if self.low_init_v4[index]:
                    self.at_most(variable, self.nat[x])
                if self.high_init_v4[index]:
                    self.at_most(variable, self.nat[y])
            for vpc, initiates in ((x, self.low_init_v4[index]), (y, self.high_init_v4[index])):
                self.quota_items.setdefault(vpc, []).append(
                    (
                        chosen.get("peering", NONE),
                        chosen.get("transit-gateway", NONE),
                        chosen["nat"] if "nat" in chosen and initiates else NONE,
                    )
                )
            group = int(self.component[x])
            columns = list(chosen.values())
            if group in self.sharing:
                self.add_cost(self.sharing[group], float(self.pair_cost["sharing"][index]))
                columns.append(self.sharing[group])
            if not columns:
                self.unroutable.append(index)
            else:
                self.constrain(columns, [1.0] * len(columns), 1.0, 1.0)
            self.pair_vars.append(chosen)
        for terms in peers_at.values():
            if len(terms) > self.peering_quota:
                self.constrain([v for v, _ in terms], [1.0] * len(terms), -math.inf, float(self.peering_quota))
            if sum(blocks for _, blocks in terms) > ROUTES_PER_TABLE_MAX:
                self.constrain([v for v, _ in terms], [b for _, b in terms], -math.inf, float(ROUTES_PER_TABLE_MAX))
        if self.unroutable:
            self.notes.append(
                f"{len(self.unroutable)} VPC pair(s) have no allowed option that can route them (see problems)."
            )

    def _build_services(self) -> None:
        estate, o, rates = self.estate, self.estate.outside, self.rates
        gb = self.gb
        region = o.vpc_region
        nat_bytes = rates("nat_gateway_bytes")
        n = len(estate.vpcs)
        member_groups = self.sharing
        # calls that always need NAT: the internet, AWS public addresses, services in other regions
        mandatory = o.nat_processed & ~o.endpoint_reachable
        own_cross = self._nat_crossing_cost(mandatory, o.vpc_az, region, self.first_az[o.vpc])
        shared_cross = self._nat_crossing_cost(mandatory, o.vpc_az, region, self.shared_first_az[region])
        vpc_of = np.where(o.rows, o.vpc, 0)
        has_mandatory = np.bincount(vpc_of[mandatory], minlength=n) > 0
        cross_difference = np.bincount(vpc_of, weights=shared_cross - own_cross, minlength=n)
        for vpc in range(n):
            group = int(self.component[vpc])
            sharing = member_groups.get(group)
            if has_mandatory[vpc]:
                if sharing is None:
                    self.constrain([self.nat[vpc]], [1.0], 1.0, 1.0)
                else:
                    self.constrain([self.nat[vpc], sharing], [1.0, 1.0], 1.0, math.inf)
                    self.at_most(sharing, self.shared_nat_of(int(self.vpc_region[vpc])))
            if sharing is not None and cross_difference[vpc]:
                self.add_cost(sharing, float(cross_difference[vpc]))
        # calls that could use an endpoint: one decision per (VPC, service)
        self.service_list = estate_service_keys(estate)
        width = len(estate.services) + 1
        codes = np.array([v * width + s for v, s in self.service_list], dtype=np.int64)
        reachable = o.endpoint_reachable
        key = np.full(len(estate.flows), NONE, dtype=np.int64)
        key[reachable] = np.searchsorted(codes, o.vpc[reachable].astype(np.int64) * width + o.service[reachable])
        self.service_of_flow = key
        k = key[reachable]
        n_keys = len(self.service_list)

        def per_key(values: np.ndarray) -> np.ndarray:
            summed: np.ndarray = np.bincount(k, weights=values[reachable], minlength=n_keys)
            return summed

        v4 = o.nat_processed
        self.service_gb = per_key(gb)
        nat_gb_cost = np.where(v4, gb * nat_bytes[region], 0.0)
        own_nat_cost = per_key(nat_gb_cost + self._nat_crossing_cost(reachable & v4, o.vpc_az, region,
                                                                      self.first_az[o.vpc]))  # fmt: skip
        shared_nat_cost = per_key(nat_gb_cost + self._nat_crossing_cost(reachable & v4, o.vpc_az, region,
                                                                         self.shared_first_az[region]))  # fmt: skip
        needs_nat = per_key(v4.astype(float)) > 0
        tgw_cost = per_key(gb * rates("transit_gateway_bytes")[region])
        endpoint_hours = rates("vpc_endpoint_hours")
        self.central: dict[tuple[int, int], int] = {}
        self.hub_attachment: dict[int, int] = {}
        self.service_vars: list[dict[str, int]] = []
        self.service_member_vars: list[dict[str, int]] = []
        self.service_costs: list[dict[str, float]] = []
        for index, (vpc, service) in enumerate(self.service_list):
            r = int(self.vpc_region[vpc])
            name = estate.services[service]
            gateway = name in GATEWAY_ENDPOINT_SERVICES
            own: dict[str, int] = {}
            costs: dict[str, float] = {}
            if "nat" in self.allow or "endpoints" not in self.allow:  # NAT is the default route
                own["nat"] = self.var(float(own_nat_cost[index]))
                costs["nat"] = float(own_nat_cost[index])
                if needs_nat[index]:
                    self.at_most(own["nat"], self.nat[vpc])
            if "endpoints" in self.allow:
                if gateway:
                    own["gateway-endpoint"] = self.var(0.0)
                    costs["gateway-endpoint"] = 0.0
                fixed = float(self.az_count[vpc]) * self.hours * float(endpoint_hours[r])
                own["interface-endpoint"] = self.var(fixed)
                costs["interface-endpoint"] = fixed + float(self.service_gb[index]) * self._endpoint_rate(r)
                self.endpoint_terms.setdefault(r, []).append((own["interface-endpoint"], float(self.service_gb[index])))
                if "transit-gateway" in self.allow and self._centralizable(vpc):
                    own["central-endpoint"] = variable = self.var(float(tgw_cost[index]))
                    costs["central-endpoint"] = float(tgw_cost[index]) + float(self.service_gb[index]) * (
                        self._endpoint_rate(r)
                    )
                    self.at_most(variable, self.attachment_of(vpc))
                    self.at_most(variable, self.central_of(r, service))
                    self.endpoint_terms.setdefault(r, []).append((variable, float(self.service_gb[index])))
            sharing_group = self.sharing.get(int(self.component[vpc]))
            members: dict[str, int] = {}
            if sharing_group is not None:
                group = sharing_group
                members["nat"] = self.var(float(shared_nat_cost[index]))
                if needs_nat[index]:
                    self.at_most(members["nat"], self.shared_nat_of(r))
                if gateway:
                    members["gateway-endpoint"] = self.var(0.0)
                columns = list(members.values())
                self.constrain([*columns, group], [1.0] * len(columns) + [-1.0], 0.0, 0.0)
                self.constrain([*list(own.values()), group], [1.0] * (len(own) + 1), 1.0, 1.0)
            else:
                self.constrain(list(own.values()), [1.0] * len(own), 1.0, 1.0)
            self.service_vars.append(own)
            self.service_member_vars.append(members)
            self.service_costs.append(costs)

    def _centralizable(self, vpc: int) -> bool:
        if vpc == self.hub:
            return False
        if self.hub != NONE and self.vpc_region[self.hub] == self.vpc_region[vpc]:
            return (min(vpc, self.hub), max(vpc, self.hub)) not in self.estate.overlapping_cidrs
        return True

    def central_of(self, region: int, service: int) -> int:
        key = (region, service)
        if key not in self.central:
            hub_azs = float(NEW_HUB_AZ_COUNT)
            if self.hub != NONE and self.vpc_region[self.hub] == region:
                hub_azs = float(self.az_count[self.hub])
            cost = hub_azs * self.hours * float(self.rates("vpc_endpoint_hours")[region]) + self._hosted_zone_usd()
            self.central[key] = variable = self.var(cost)
            self.at_most(variable, self.hub_attachment_of(region))
        return self.central[key]

    def hub_attachment_of(self, region: int) -> int:
        if self.hub != NONE and self.vpc_region[self.hub] == region:
            return self.attachment_of(self.hub)
        if region not in self.hub_attachment:
            self.hub_attachment[region] = self.var(self._fixed(1, "transit_gateway_attachment_hours", region))
        return self.hub_attachment[region]

    def _hosted_zone_usd(self) -> float:
        try:
            entry = self.catalog.get("route53_hosted_zone_months", "global")
        except MissingPriceError:
            return math.nan
        return float(hosted_zone_months(self.options.period_hours)) * float(entry.flat_price_usd)

    def _endpoint_rate(self, region: int) -> float:
        return float(self.rates("vpc_endpoint_bytes")[region])

    def _build_endpoint_tiers(self) -> None:
        """Interface-endpoint processing per region: linear below the first tier bound; exact tiers above."""
        for region, terms in sorted(self.endpoint_terms.items()):
            try:
                entry = self.catalog.get("vpc_endpoint_bytes", self.estate.regions[region])
            except MissingPriceError:
                for variable, _ in terms:
                    self.upper[variable] = 0.0
                continue
            bounds = _tier_bounds(entry, self.options.period_hours)
            reachable = sum(gb for _, gb in terms)
            if len(bounds) == 1 or reachable <= bounds[0][1]:
                for variable, gb in terms:
                    self.add_cost(variable, gb * bounds[0][2])
                continue
            self._tier_variables(terms, bounds)

    def _tier_variables(self, terms: list[tuple[int, float]], bounds: list[tuple[float, float, float]]) -> None:
        """Σ tier volumes = the region's endpoint GB; each tier full before the next (binaries)."""
        tiers = []
        for begin, end, rate in bounds:
            width = end - begin if math.isfinite(end) else sum(gb for _, gb in terms)
            tiers.append((self.var(rate, upper=width, integer=False), width))
        columns = [variable for variable, _ in terms] + [variable for variable, _ in tiers]
        values = [gb for _, gb in terms] + [-1.0] * len(tiers)
        self.constrain(columns, values, 0.0, 0.0)
        for (current, width), (following, following_width) in itertools.pairwise(tiers):
            full = self.var(0.0)
            self.constrain([current, full], [1.0, -width], 0.0, math.inf)  # tier full when the next is used
            self.constrain([following, full], [1.0, -following_width], -math.inf, 0.0)

    # ---- solving --------------------------------------------------------------------------------------
    def solve(self, time_limit_s: float | None) -> _Solution:
        """HiGHS on the model, after strengthening its LP relaxation with quota cuts (`_quota_cuts`) while they
        raise the bound; when the strengthened relaxation's optimum is integral it is the proven optimum."""
        n = len(self.cost)
        if n == 0:
            return _Solution(np.zeros(0), True, 0.0, "optimal (nothing to choose)", 0.0)
        started = time.perf_counter()
        deadline = math.inf if time_limit_s is None else started + float(time_limit_s)
        highs = self._highs()
        x = self._strengthen(highs, deadline)
        if x is not None:
            return _Solution(x, True, 0.0, "optimal", time.perf_counter() - started)
        highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array(self.integer, dtype=np.uint8))
        if math.isfinite(deadline):
            highs.setOptionValue("time_limit", max(deadline - time.perf_counter(), 1e-3))
        highs.run()
        seconds = time.perf_counter() - started
        model_status = highs.getModelStatus()
        info = highs.getInfo()
        if info.primal_solution_status != 2:  # no feasible solution
            raise InputError(
                f"the optimizer found no feasible mix: {highs.modelStatusToString(model_status)}", field="allow"
            )
        optimal = model_status == highspy.HighsModelStatus.kOptimal
        status = "optimal" if optimal else f"stopped: {highs.modelStatusToString(model_status)}"
        x = np.asarray(highs.getSolution().col_value, dtype=float)
        return _Solution(x, optimal, 0.0 if optimal else float(info.mip_gap), status, seconds)

    def _highs(self) -> highspy.Highs:
        """The model in a HiGHS instance, integrality relaxed (`solve` restores it)."""
        n = len(self.cost)
        rows, columns, values, lower, upper = [], [], [], [], []
        for number, (cols, vals, low, high) in enumerate(self.rows):
            rows += [number] * len(cols)
            columns += cols
            values += vals
            lower.append(low)
            upper.append(high)
        matrix = coo_matrix((values, (rows, columns)), shape=(len(self.rows), n)).tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(self.rows)
        lp.col_cost_ = np.array(self.cost, dtype=float)
        lp.col_lower_, lp.col_upper_ = np.zeros(n), np.array(self.upper, dtype=float)
        lp.row_lower_ = np.array(lower, dtype=float).clip(-highspy.kHighsInf, highspy.kHighsInf)
        lp.row_upper_ = np.array(upper, dtype=float).clip(-highspy.kHighsInf, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        with _banner_to_stderr():
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
            highs.setOptionValue("output_flag", False)
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.passModel(lp)
        return highs

    def _strengthen(self, highs: highspy.Highs, deadline: float) -> np.ndarray | None:
        """Solve the LP relaxation, add the quota cuts it violates, repeat; the integral optimum if one is reached.

        The cuts stay in the model for the branch and bound that follows when the optimum is fractional."""
        if not any(len(items) > self.peering_quota for items in self.quota_items.values()):
            return None
        integer = np.array(self.integer, dtype=bool)
        highs.setOptionValue("solver", "ipm")  # the first relaxation: interior point (then crossover) is faster
        for _ in range(QUOTA_CUT_ROUNDS):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            if math.isfinite(remaining):
                highs.setOptionValue("time_limit", remaining)
            highs.run()
            highs.setOptionValue("solver", "choose")  # later ones: dual simplex from the last basis
            if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            x = np.asarray(highs.getSolution().col_value, dtype=float)
            cuts = self._quota_cuts(x)
            if not cuts:
                break
            for columns, values in cuts:
                highs.addRow(-highspy.kHighsInf, float(self.peering_quota), len(columns),
                             np.array(columns, dtype=np.int32), np.array(values, dtype=float))  # fmt: skip
        else:
            return None
        rounded = np.where(integer, np.round(x), x)
        if np.abs(rounded - x).max(initial=0.0) > INTEGRALITY_TOLERANCE:
            return None
        return rounded if self._feasible(rounded) else None

    def _feasible(self, x: np.ndarray) -> bool:
        tolerance = 1e-6
        if (x < -tolerance).any() or (x > np.array(self.upper) + tolerance).any():
            return False
        for columns, values, low, high in self.rows:
            activity = float(np.dot(x[columns], values))
            if activity < low - tolerance or activity > high + tolerance:
                return False
        return True

    def _quota_cuts(self, x: np.ndarray) -> list[tuple[list[int], list[float]]]:
        """Quota cuts the relaxed solution `x` violates, at most one per VPC and resource.

        At a VPC with a peering quota q, any set S of more than q of its pairs has at least |S| − q pairs not
        peered. Let r_p be pair p's options that need a resource y of this VPC (its TGW attachment, its NAT
        gateways, or either): Σ_S r_p ≤ (|S| − q)·y + Σ_S (1 − peering_p) − (|S| − q), i.e.
        Σ_S (r_p + peering_p) − (|S| − q)·y ≤ q. With y = 0 no pair uses the resource and at most q are peered;
        with y ≥ 1 it is r_p + peering_p ≤ 1 summed. The relaxation breaks it by peering every pair a little
        and buying a fraction of the attachment for the rest, which is how it undercuts every integral mix;
        the set S most violated is the pairs with the largest r_p + peering_p − y."""
        q = self.peering_quota
        cuts: list[tuple[list[int], list[float]]] = []
        value = np.append(x, 0.0)  # NONE (-1) reads 0
        for vpc, items in self.quota_items.items():
            if len(items) <= q:
                continue
            table = np.array(items, dtype=np.int64)
            peering, tgw, nat = table[:, 0], table[:, 1], table[:, 2]
            attachment = self.attachment.get(vpc, NONE)
            for resources, options in (([attachment], [tgw]), ([self.nat[vpc]], [nat]),
                                       ([attachment, self.nat[vpc]], [tgw, nat])):  # fmt: skip
                resources = [r for r in resources if r != NONE]
                if not resources:
                    continue
                y = float(sum(value[r] for r in resources))
                gain = value[peering] + sum(value[o] for o in options) - y
                order = np.argsort(-gain, kind="stable")
                totals = np.cumsum(gain[order]) - q * (1.0 - y)
                size = int(np.argmax(totals[q:])) + q  # prefixes of more than q pairs
                if totals[size] <= QUOTA_CUT_VIOLATION:
                    continue
                chosen = order[: size + 1]
                coefficients: dict[int, float] = {}
                for column in np.concatenate([peering[chosen], *(o[chosen] for o in options)]).tolist():
                    if column != NONE:
                        coefficients[column] = coefficients.get(column, 0.0) + 1.0
                for resource in resources:
                    coefficients[resource] = coefficients.get(resource, 0.0) - float(size + 1 - q)
                cuts.append((list(coefficients), list(coefficients.values())))
        return cuts

    # ---- reading the solution ---------------------------------------------------------------------------
    def mix(self, x: np.ndarray) -> Mix:
        ids, services = self.ids, self.estate.services
        shared_groups = {group for group, variable in self.sharing.items() if x[variable] > 0.5}
        pairs: dict[tuple[str, str], PairOption] = {}
        for index, (a, b) in enumerate(self.pair_list):
            if self.component[a] in shared_groups:
                pairs[pair_key(ids[a], ids[b])] = "sharing"
                continue
            for name, variable in self.pair_vars[index].items():
                if x[variable] > 0.5:
                    pairs[pair_key(ids[a], ids[b])] = name  # type: ignore[assignment]
        chosen: dict[tuple[str, str], ServiceOption] = {}
        for index, (vpc, service) in enumerate(self.service_list):
            table = (
                self.service_member_vars[index] if self.component[vpc] in shared_groups else (self.service_vars[index])
            )
            for name, variable in table.items():
                if x[variable] > 0.5:
                    chosen[service_key(ids[vpc], services[service])] = name  # type: ignore[assignment]
        shared = frozenset(ids[v] for v in range(len(ids)) if self.component[v] in shared_groups)
        return Mix(pairs=pairs, services=chosen, shared=shared, hub_vpc=self.hub_vpc)

    def pair_decisions(self, x: np.ndarray, mix: Mix) -> list[PairDecision]:
        decisions = []
        vpcs = self.estate.vpcs
        peering_count: dict[str, int] = {}
        for key, pair_option in mix.pairs.items():
            if pair_option == "peering":
                for vpc_id in key:
                    peering_count[vpc_id] = peering_count.get(vpc_id, 0) + 1
        self.pair_exact_gb = self._exact_gb_by(self.pair_of_flow, len(self.pair_list))
        for index, (a, b) in enumerate(self.pair_list):
            key = pair_key(self.ids[a], self.ids[b])
            option = mix.pairs.get(key)
            alone = self._pair_alone_usd(index)
            gb = self.pair_exact_gb.get(index, Decimal(0))
            label = f"{vpcs[a].label} ↔ {vpcs[b].label}: {format_decimal(gb)} GB"
            priced = "; ".join(f"{name} ${value:,.2f}" for name, value in alone.items())
            if option is None:
                reason = f"{label}; no allowed option can route this pair (overlapping CIDRs or --allow)"
            else:
                cheapest = min(alone, key=lambda name: alone[name]) if alone else option
                reason = f"{label}; this pair's own charges: {priced}; chose {option}"
                if alone.get(cheapest, 0.0) < alone.get(option, 0.0) - 0.005:
                    why = self._why_not(cheapest, a, b, peering_count)
                    reason += f" ({cheapest} is cheaper alone, but {why})"
            decisions.append(PairDecision(key, option, gb, alone, reason))
        return decisions

    def _why_not(self, cheapest: str, a: int, b: int, peering_count: dict[str, int]) -> str:
        if cheapest == "peering":
            full = [self.ids[v] for v in (a, b) if peering_count.get(self.ids[v], 0) >= self.peering_quota]
            if full:
                return f"{', '.join(full)} already has {self.peering_quota} peerings (the quota)"
        if cheapest == "sharing":
            return "sharing moves the whole group of VPCs that exchange traffic, which costs more overall"
        return "the shared resources it needs (TGW attachments, NLBs, NAT gateways, hubs) cost more overall"

    def _pair_alone_usd(self, index: int) -> dict[str, float]:
        """Each option for this pair on its own: per-GB charges, its endpoints, and the shared resources it
        would need that no other choice pays for (an estimate for reading; the totals are exact)."""
        a, b = self.pair_list[index]
        alone: dict[str, float] = {}
        for name, variable in self.pair_vars[index].items():
            value = self.cost[variable]
            if name == "privatelink":
                for initiated, region, gb in ((self.low_init_any[index], self.vpc_region[a], self.low_init_gb[index]),
                                              (self.high_init_any[index], self.vpc_region[b],
                                               self.high_init_gb[index])):  # fmt: skip
                    if initiated:
                        value += float(gb) * self._endpoint_rate(int(region))
            alone[name] = value
        if int(self.component[a]) in self.sharing:
            alone["sharing"] = float(self.pair_cost["sharing"][index])
        return alone

    def service_decisions(self, x: np.ndarray, mix: Mix) -> list[ServiceDecision]:
        decisions = []
        services = self.estate.services
        exact_gb = self._exact_gb_by(self.service_of_flow, len(self.service_list))
        for index, (vpc, service) in enumerate(self.service_list):
            key = service_key(self.ids[vpc], services[service])
            option = mix.services.get(key, "nat")
            gb = exact_gb.get(index, Decimal(0))
            costs = self.service_costs[index]
            priced = "; ".join(f"{name} ${value:,.2f}" for name, value in costs.items())
            where = " (in the shared VPC)" if self.ids[vpc] in mix.shared else ""
            reason = f"{self.estate.vpcs[vpc].label} → {key[1]}: {format_decimal(gb)} GB; own charges: {priced}; chose "
            reason += f"{option}{where}"
            if option == "nat" and costs.get("nat") is not None and self._nat_stays(vpc, mix):
                reason += " (its NAT gateways stay for other traffic)"
            if option == "central-endpoint":
                reason += " (the hub endpoint and hosted zone are shared with other VPCs)"
            decisions.append(ServiceDecision(key[0], key[1], option, gb, costs, reason))
        return decisions

    def _nat_stays(self, vpc: int, mix: Mix) -> bool:
        o = self.estate.outside
        return bool((o.nat_processed & ~o.endpoint_reachable & (o.vpc == vpc)).any())

    def _exact_gb_by(self, group_of_flow: np.ndarray, groups: int) -> dict[int, Decimal]:
        """Exact GB per group (pair or service call), from the flows' whole volume units."""
        rows = group_of_flow != NONE
        if not rows.any():
            return {}
        (codes,), sums = sum_by_key([group_of_flow[rows]], [groups], self.estate.flows.volume[rows])
        with exact_arithmetic():
            return {code: Decimal(units) * self.estate.gb_per_unit for code, units in zip(codes, sums, strict=True)}


def _tier_bounds(entry: PriceEntry, period_hours: Decimal) -> list[tuple[float, float, float]]:
    """(begin, end, price) of each tier [GB over the period], the bounds scaled as the engine scales them."""
    scale = tier_scale(entry, period_hours)
    bounds = []
    for tier in entry.tiers:
        with exact_arithmetic():
            begin = tier.begin * scale
            end = None if tier.end is None else tier.end * scale
        bounds.append((float(begin), math.inf if end is None else float(end), float(tier.price_usd)))
    return bounds


__all__ = [
    "ALLOW_TOKENS",
    "HOSTED_ZONE",
    "Optimization",
    "PairDecision",
    "ServiceDecision",
    "optimize",
    "optimize_estate",
    "parse_allow",
]


@contextmanager
def _banner_to_stderr() -> Iterator[None]:
    """HiGHS prints its banner on the process's standard output (file descriptor 1) when a solver is created,
    whatever its options say. Standard output carries results (`--format json` is the document alone), so
    the banner is sent to standard error: descriptor 1 points there while the solver is created, and C's
    buffers are flushed before it is restored."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output to protect
        yield
        return
    os.dup2(2, 1)
    try:
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    with suppress(OSError, AttributeError, TypeError):  # a platform without a C library to load by name
        ctypes.CDLL(None).fflush(None)
