"""The optimizer's mixed-integer model, built from the options' declarations.

Every subject — a VPC pair, a (VPC, AWS service) call, a VPC's internet traffic — chooses one of the options
`allow` permits and its option does not refuse (`Option.blocked`). Each choice costs its per-GB charges (the
options' declarations priced by `analyses.subject_costs`) and needs fixed resources, keyed as the options key
them, so a resource several choices share (a TGW attachment, an NLB, NAT gateways, a hub's endpoint) is one
binary variable they all need; a resource only one choice needs is added to that choice's cost. Tiered prices
(interface-endpoint processing, whose tiers span a region's total) are modelled exactly: one variable per tier,
with binaries that fill the tiers in order when the region's volume can reach a second tier.

Sharing places whole groups of VPCs that exchange traffic (connected components of the traffic graph) in their
regions' shared VPCs: a group's binary says whether it moves, and each of its subjects then takes a choice of
the shared-VPC variant (a pair: `sharing`; a call or the internet: through the shared VPC's NAT gateways or a
gateway endpoint). Quotas bind as the options state them (`Option.quota_rows`: peerings per VPC, routes per
route table). A subject with a single possible choice is no decision: its resources are simply there.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from vpccost.analyses.subject_costs import Prices, ResourceKey, SubjectCosts, TierKey, subject_costs
from vpccost.designs.mix import Mix, hub_code, pair_key, service_key
from vpccost.errors import MissingPriceError
from vpccost.model.codes import NONE
from vpccost.model.estate import Estate
from vpccost.model.usage import NAT_GATEWAY_RESOURCE, TGW_ATTACHMENT_RESOURCE, Settings
from vpccost.optimizer.solver import Cut, Milp
from vpccost.options import (
    central_endpoint,
    gateway_endpoint,
    interface_endpoint,
    nat_public,
    own_nat,
    peering,
    shared_vpc,
    subjects,
    transit_gateway,
)
from vpccost.options.base import Context, Option
from vpccost.options.registry import INTERNET_OPTIONS, PAIR_OPTIONS
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.tiers import tier_scale

ENDPOINTS = "endpoints"
ALLOW_TOKENS = (*PAIR_OPTIONS, ENDPOINTS)
"""The `--allow` tokens: each pair option by name (`sharing` also lets VPCs move into their region's shared VPC,
`nat` lets service calls keep their default route), and `endpoints` for gateway, interface and central endpoints."""
TIE_BREAK_USD_PER_MOVED_VPC = 1e-4
"""Moving a VPC into a shared VPC is a migration: between mixes that cost the same to the cent's hundredth,
the model prefers the one that moves fewer VPCs (this tiny cost never appears in a total)."""
QUOTA_CUT_VIOLATION = 1e-4

PAIRS, SERVICES, INTERNET = 0, 1, 2


@dataclass
class Choice:
    """One way one subject may go: its per-GB cost, the resources it needs, its tiered volumes."""

    option: str
    usd: float
    needs: list[ResourceKey]
    tier_gb: list[tuple[TierKey, float]]
    priced: bool = True
    """False when a price it needs is missing (it is then chosen only when nothing else is possible)."""
    var: int = NONE
    """Its variable (NONE when the choice is forced, or when it is its variant's only choice and so the same
    as the sharing group's binary)."""
    alone_usd: float = 0.0
    """What the choice costs on its own: per-GB charges, resources no other choice needs, tiers at first price."""


@dataclass(eq=False)
class Subject:
    kind: int
    index: int
    group: int | None
    """Its sharing group (None: sharing is not allowed, or its VPCs cannot share)."""
    own: list[Choice] = field(default_factory=list)
    member: list[Choice] = field(default_factory=list)
    """The shared-VPC variant's choices."""


class Model:
    """The model of one estate, and the mix a solution amounts to."""

    def __init__(
        self, estate: Estate, catalog: Catalog, settings: Settings, allow: frozenset[str], hub_vpc: str | None
    ) -> None:
        self.estate = estate
        self.settings = settings
        self.allow = allow
        hub = hub_code(estate, hub_vpc)
        self.hub_vpc = None if hub == NONE else estate.vpcs[hub].id
        self.ctx = Context(estate, settings, hub=hub)
        self.members_ctx = self.ctx.with_members(np.ones(len(estate.vpcs), dtype=bool))
        self.prices = Prices(self.ctx, catalog)
        self.found = (subjects.pairs(self.ctx), subjects.services(self.ctx), subjects.internet(self.ctx))
        self.milp = Milp()
        self.notes: list[str] = []
        self.component = self._components()
        self.groups: dict[int, int] = {}
        """Sharing group (its lowest VPC code) -> its binary."""
        self.resources: dict[ResourceKey, int] = {}
        """Resource key -> its binary (resources forced or folded into a choice have none)."""
        self.forced: set[ResourceKey] = set()
        self.resource_usd: dict[ResourceKey, float] = {}
        self.subjects = self._subjects()
        self._build()

    # ---- which choices each subject has ------------------------------------------------------------------
    def _components(self) -> np.ndarray:
        """Each VPC's group: VPCs joined by traffic are in one group (union-find over the pairs)."""
        parent = list(range(len(self.estate.vpcs)))

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for x, y in self.found[PAIRS].keys.tolist():
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
        return np.array([root(x) for x in range(len(parent))], dtype=np.int64)

    def own_options(self, kind: int) -> list[Option]:
        """The options `allow` permits for a subject of `kind` outside a shared VPC."""
        allow = self.allow
        if kind == PAIRS:
            return [option for name, option in PAIR_OPTIONS.items() if name != shared_vpc.NAME and name in allow]
        if kind == INTERNET:
            return list(INTERNET_OPTIONS.values())
        endpoints = ENDPOINTS in allow
        chosen: list[Option] = []
        if nat_public.NAME in allow or not endpoints:  # NAT is the default route
            chosen.append(own_nat.OPTION)
        if endpoints:
            chosen += [gateway_endpoint.OPTION, interface_endpoint.OPTION]
            if transit_gateway.NAME in allow:
                chosen.append(central_endpoint.OPTION)
        return chosen

    def _member_options(self, kind: int) -> list[Option]:
        if shared_vpc.NAME not in self.allow:
            return []
        return [PAIR_OPTIONS[shared_vpc.NAME]] if kind == PAIRS else self.own_options(kind)

    def _subjects(self) -> list[Subject]:
        found = self.found
        vpc_of = [found[PAIRS].keys[:, 0], found[SERVICES].keys[:, 0], found[INTERNET].keys[:, 0]]
        listed: list[Subject] = []
        for kind in (PAIRS, SERVICES, INTERNET):
            members = self._member_options(kind)
            own = [self._choices(kind, option, self.ctx) for option in self.own_options(kind)]
            shared = [self._choices(kind, option, self.members_ctx) for option in members]
            for index in range(len(found[kind])):
                group = int(self.component[vpc_of[kind][index]]) if members else None
                subject = Subject(kind, index, group)
                subject.own = [c for choices in own if (c := choices[index]) is not None]
                subject.member = [c for choices in shared if (c := choices[index]) is not None]
                if any(choice.priced for choice in [*subject.own, *subject.member]):
                    subject.own = [choice for choice in subject.own if choice.priced]
                    subject.member = [choice for choice in subject.member if choice.priced]
                listed.append(subject)
        return listed

    def _choices(self, kind: int, option: Option, ctx: Context) -> list[Choice | None]:
        """The option's choice for every subject of `kind` (None where the option refuses it). A choice that
        lacks a price costs nothing here and is taken only when a subject has no priced choice: the mix is then
        priced exactly and names the missing price."""
        costs = subject_costs(self.prices, self.found[kind], option, ctx=ctx, exact=False)
        blocked = costs.blocked
        if kind == PAIRS and option.name != shared_vpc.NAME:
            blocked = {**shared_vpc.misplaced(ctx, self.found[PAIRS].keys, option.name), **blocked}
        gb_per_unit = float(self.estate.gb_per_unit)
        choices: list[Choice | None] = []
        for index in range(len(self.found[kind])):
            if index in blocked:
                choices.append(None)
                continue
            priced = costs.missing[index] is None
            tiers = [(key, float(units[index]) * gb_per_unit) for key, units in costs.tiered_units.items()
                     if units[index] and priced]  # fmt: skip
            usd = float(costs.per_gb_usd[index]) if priced else 0.0
            choices.append(Choice(option.name, usd, costs.needs[index], tiers, priced=priced))
        self._resource_costs(costs)
        return choices

    def _resource_costs(self, costs: SubjectCosts) -> None:
        for key, resource in costs.resources.items():
            if key not in self.resource_usd:
                try:
                    self.resource_usd[key] = float(self.prices.fixed_usd(resource))
                except MissingPriceError:  # only unpriced choices need it
                    self.resource_usd[key] = 0.0

    # ---- the model -------------------------------------------------------------------------------------
    def _build(self) -> None:
        milp = self.milp
        if shared_vpc.NAME in self.allow:
            groups, members = np.unique(self.component, return_counts=True)
            for group, count in zip(groups.tolist(), members.tolist(), strict=True):
                self.groups[group] = milp.var(TIE_BREAK_USD_PER_MOVED_VPC * count)
        self.tier_terms: dict[TierKey, list[tuple[int, float]]] = {}
        decided = [subject for subject in self.subjects if not self._forced(subject)]
        users: Counter[ResourceKey] = Counter()
        for subject in decided:
            for choice in [*subject.own, *subject.member]:
                users.update(key for key in set(choice.needs) if key not in self.forced)
        self.unroutable = 0
        for subject in decided:
            self._decide(subject, users)
        for key, terms in sorted(self.tier_terms.items()):
            self._tiers(key, terms)
        self._quotas()
        if self.unroutable:
            self.notes.append(
                f"{self.unroutable} VPC pair(s) have no allowed option that can route them (see problems)."
            )

    def _forced(self, subject: Subject) -> bool:
        """A subject with one possible choice and no sharing group: no decision, its resources are there."""
        if (subject.group is not None and subject.group in self.groups) or len(subject.own) != 1:
            return False
        choice = subject.own[0]
        self.forced.update(choice.needs)
        choice.alone_usd = choice.usd
        for key, gb in choice.tier_gb:
            self.tier_terms.setdefault(key, []).append((NONE, gb))
        return True

    def _decide(self, subject: Subject, users: Counter[ResourceKey]) -> None:
        milp = self.milp
        group = self.groups.get(subject.group) if subject.group is not None else None
        if not subject.own and (group is None or not subject.member):
            self.unroutable += subject.kind == PAIRS
            if group is not None:
                milp.upper[group] = 0.0
            return
        for choice in subject.own:
            choice.var = milp.var(choice.usd)
            self._needs(choice, choice.var, users)
        own = [choice.var for choice in subject.own]
        if group is None:
            milp.constrain(own, [1.0] * len(own), 1.0, 1.0)
            return
        milp.constrain([*own, group], [1.0] * (len(own) + 1), 1.0, 1.0)
        if not subject.member:
            milp.upper[group] = 0.0  # this group cannot move: one of its subjects has no way in a shared VPC
        elif len(subject.member) == 1:
            choice = subject.member[0]
            milp.add_cost(group, choice.usd)
            self._needs(choice, group, users)
        else:
            for choice in subject.member:
                choice.var = milp.var(choice.usd)
                self._needs(choice, choice.var, users)
            members = [choice.var for choice in subject.member]
            milp.constrain([*members, group], [1.0] * len(members) + [-1.0], 0.0, 0.0)

    def _needs(self, choice: Choice, variable: int, users: Counter[ResourceKey]) -> None:
        """The choice (its variable, or the group's binary it stands for) needs its resources."""
        choice.alone_usd = choice.usd
        for key in choice.needs:
            if key in self.forced:
                continue
            usd = self.resource_usd[key]
            if users[key] <= 1:
                self.milp.add_cost(variable, usd)
                choice.alone_usd += usd
                continue
            resource = self.resources.get(key)
            if resource is None:
                resource = self.resources[key] = self.milp.var(usd)
            self.milp.at_most(variable, resource)
        for key, gb in choice.tier_gb:
            self.tier_terms.setdefault(key, []).append((variable, gb))
            choice.alone_usd += gb * self._first_price(key)

    def _first_price(self, key: TierKey) -> float:
        return float(self.prices.entry(*key).flat_price_usd)

    def _tiers(self, key: TierKey, terms: list[tuple[int, float]]) -> None:
        """A tiered price over the region's total: linear below its first bound; exact tiers above."""
        entry = self.prices.entry(*key)
        scale = float(tier_scale(entry, self.settings.period_hours))
        bounds = [(float(tier.begin) * scale, math.inf if tier.end is None else float(tier.end) * scale,
                   float(tier.price_usd)) for tier in entry.tiers]  # fmt: skip
        reachable = sum(gb for _, gb in terms)
        if len(bounds) == 1 or reachable <= bounds[0][1]:
            for variable, gb in terms:
                if variable != NONE:
                    self.milp.add_cost(variable, gb * bounds[0][2])
            return
        milp = self.milp
        tiers = []
        for begin, end, rate in bounds:
            width = end - begin if math.isfinite(end) else reachable
            tiers.append((milp.var(rate, upper=width, integer=False), width))
        constant = sum(gb for variable, gb in terms if variable == NONE)
        variables = [(variable, gb) for variable, gb in terms if variable != NONE]
        columns = [variable for variable, _ in variables] + [variable for variable, _ in tiers]
        values = [gb for _, gb in variables] + [-1.0] * len(tiers)
        milp.constrain(columns, values, -constant, -constant)
        for (current, width), (following, following_width) in itertools.pairwise(tiers):
            full = milp.var(0.0)
            milp.constrain([current, full], [1.0, -width], 0.0, math.inf)  # tier full when the next is used
            milp.constrain([following, full], [1.0, -following_width], -math.inf, 0.0)

    def _quotas(self) -> None:
        """The options' quotas as limits on the choices; the peering quota's rows also give the cuts."""
        pairs = [subject for subject in self.subjects if subject.kind == PAIRS]
        self.cut_rows: list[tuple[int, list[Subject]]] = []
        for name, option in PAIR_OPTIONS.items():
            for row in option.quota_rows(self.ctx, self.found[PAIRS].keys):
                columns, values, bound = [], [], float(row.upper)
                for index, coefficient in zip(row.subjects, row.coefficients, strict=True):
                    choice = next((c for c in pairs[index].own if c.option == name), None)
                    if choice is None:
                        continue
                    if choice.var == NONE:
                        bound -= coefficient
                        continue
                    columns.append(choice.var)
                    values.append(float(coefficient))
                if columns:
                    self.milp.constrain(columns, values, -math.inf, bound)
                    if name == peering.NAME and set(row.coefficients) == {1}:
                        self.cut_rows.append((row.vpc, [pairs[index] for index in row.subjects]))
        self.peering_quota = peering.peerings_allowed(self.settings)

    # ---- cuts ------------------------------------------------------------------------------------------
    def quota_cuts(self, x: np.ndarray) -> list[Cut]:
        """Quota cuts the relaxed solution `x` violates, at most one per VPC and resource set.

        At a VPC with a peering quota q, any set S of more than q of its pairs has at least |S| − q pairs not
        peered. Let r_p be pair p's choices that need a resource y of this VPC (its TGW attachment, its NAT
        gateways, or either): Σ_S r_p ≤ (|S| − q)·y + Σ_S (1 − peering_p) − (|S| − q), i.e.
        Σ_S (r_p + peering_p) − (|S| − q)·y ≤ q. With y = 0 no pair uses the resource and at most q are peered;
        with y ≥ 1 it is r_p + peering_p ≤ 1 summed. The relaxation breaks it by peering every pair a little
        and buying a fraction of the attachment for the rest, which is how it undercuts every integral mix;
        the set S most violated is the pairs with the largest r_p + peering_p − y."""
        q = self.peering_quota
        cuts: list[Cut] = []
        value = np.append(x, 0.0)  # NONE (-1) reads 0
        for vpc, incident in self.cut_rows:
            keys = [
                key for key in ((TGW_ATTACHMENT_RESOURCE, vpc), (NAT_GATEWAY_RESOURCE, vpc)) if key in self.resources
            ]
            sets = [[key] for key in keys] + ([keys] if len(keys) > 1 else [])
            peering_vars = np.array([self._var_of(subject, peering.NAME) for subject in incident], dtype=np.int64)
            for chosen_keys in sets:
                users = [[c.var for c in subject.own if c.var != NONE and set(c.needs) & set(chosen_keys)]
                         for subject in incident]  # fmt: skip
                resources = [self.resources[key] for key in chosen_keys]
                y = float(sum(value[r] for r in resources))
                gain = value[peering_vars] + np.array([sum(value[v] for v in u) for u in users]) - y
                order = np.argsort(-gain, kind="stable")
                totals = np.cumsum(gain[order]) - q * (1.0 - y)
                size = int(np.argmax(totals[q:])) + q  # prefixes of more than q pairs
                if totals[size] <= QUOTA_CUT_VIOLATION:
                    continue
                coefficients: dict[int, float] = {}
                for position in order[: size + 1].tolist():
                    for column in [int(peering_vars[position]), *users[position]]:
                        if column != NONE:
                            coefficients[column] = coefficients.get(column, 0.0) + 1.0
                for resource in resources:
                    coefficients[resource] = coefficients.get(resource, 0.0) - float(size + 1 - q)
                cuts.append((list(coefficients), list(coefficients.values()), float(q)))
        return cuts

    @staticmethod
    def _var_of(subject: Subject, option: str) -> int:
        return next((c.var for c in subject.own if c.option == option), NONE)

    # ---- reading a solution ----------------------------------------------------------------------------
    def shared_groups(self, x: np.ndarray) -> set[int]:
        return {group for group, variable in self.groups.items() if x[variable] > 0.5}

    def chosen(self, subject: Subject, x: np.ndarray, shared: set[int]) -> Choice | None:
        """The choice a solution makes for a subject."""
        candidates = subject.member if subject.group in shared else subject.own
        if len(candidates) == 1 and candidates[0].var == NONE:
            return candidates[0]
        return next((choice for choice in candidates if choice.var != NONE and x[choice.var] > 0.5), None)

    def mix(self, x: np.ndarray) -> Mix:
        ids, services = [vpc.id for vpc in self.estate.vpcs], self.estate.services
        shared = self.shared_groups(x)
        pairs: dict[tuple[str, str], str] = {}
        calls: dict[tuple[str, str], str] = {}
        for subject in self.subjects:
            choice = self.chosen(subject, x, shared)
            if choice is None or subject.kind == INTERNET:
                continue
            a, b = self.found[subject.kind].keys[subject.index].tolist()
            if subject.kind == PAIRS:
                pairs[pair_key(ids[a], ids[b])] = choice.option
            else:
                calls[service_key(ids[a], services[b])] = choice.option
        moved = frozenset(ids[v] for v in range(len(ids)) if int(self.component[v]) in shared)
        return Mix(pairs=pairs, services=calls, shared=moved, hub_vpc=self.hub_vpc)

    def of_kind(self, kind: int) -> Iterable[Subject]:
        return (subject for subject in self.subjects if subject.kind == kind)
