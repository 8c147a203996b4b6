"""A mix: each communicating VPC pair and each (VPC, AWS service) connected its own way, metered.

A `Mix` names, for every pair of VPCs that exchange traffic, the option that carries their flows (`peering`,
`transit-gateway`, `privatelink`, `sharing`, or `nat`: over public addresses through the initiator's NAT
gateway), and for every (VPC, AWS service in its region) it calls, how it reaches the service (`nat`,
`gateway-endpoint`, `interface-endpoint` in the VPC, or `central-endpoint` in a hub VPC). Pure designs, the
optimizer's answer and `as-is` are all mixes, metered by `usage` from the options' declarations
(`vpccost.options`) — the one code path that turns an assignment into usage.

Rules of the assignment itself:
- A communicating pair absent from `Mix.pairs` is unroutable: its flows are not priced and a problem names it.
  A (VPC, service) absent from `Mix.services` goes through the VPC's NAT gateways (the default route).
  Pairs and services that carry no traffic are ignored: a mix says how traffic flows, it is not an inventory.
- `Mix.shared` lists the VPCs whose workloads sit in their region's shared VPC; their internet traffic and
  service calls go through the shared VPC's NAT gateways (`options.own_nat`).
- `Mix.layout` places existing NAT gateways and interface endpoints in the AZs a topology records for them;
  any other is built the options' way (in every AZ of its VPC).
- A subject sent a way its option refuses is a problem (`Option.blocked`): a pair is still priced the way the
  mix says (the design is infeasible), a service call is left out — unless the mix names a service fallback,
  which a refused call then takes.
- Every resource the options need is counted once, however many subjects need it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from vpccost.errors import InputError
from vpccost.model.codes import NONE, distinct
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings, UsageBuilder
from vpccost.options import intra_vpc, shared_vpc, subjects
from vpccost.options.base import Blocked, Context, Findings, FixedResource, Option, OptionUsage, RecordedLayout
from vpccost.options.registry import (
    DEFAULT_INTERNET_OPTION,
    DEFAULT_SERVICE_OPTION,
    DIRECT,
    INTERNET_OPTIONS,
    PAIR_OPTIONS,
    RESOURCE_CHECKS,
    SERVICE_OPTIONS,
)
from vpccost.units import exact_arithmetic, format_decimal


def pair_key(first: str, second: str) -> tuple[str, str]:
    """The key of an unordered VPC pair in `Mix.pairs`: the two VPC ids, sorted."""
    return (first, second) if first <= second else (second, first)


def service_key(vpc_id: str, service: str) -> tuple[str, str]:
    """The key of a (VPC, AWS service in its region) in `Mix.services`: the VPC id and `aws:<service>`."""
    return (vpc_id, service if service.startswith("aws:") else f"aws:{service}")


@dataclass(frozen=True)
class Mix:
    """How each communicating VPC pair and each (VPC, AWS service) is connected (see the module docstring)."""

    pairs: Mapping[tuple[str, str], str]
    """Unordered VPC pair (ids, sorted: `pair_key`) -> the pair option that carries its flows."""
    services: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(VPC id, `aws:<service>`) -> the service option by which the VPC reaches that service in its region."""
    shared: frozenset[str] = frozenset()
    """VPC ids whose workloads sit in their region's shared VPC."""
    hub_vpc: str | None = None
    """An existing VPC that hosts the central endpoints of its region (None: a new hub per region)."""
    every_pair: str | None = None
    """The option of every pair absent from `pairs` (None: such a pair is unroutable)."""
    every_service: str = DEFAULT_SERVICE_OPTION
    """The option of every (VPC, service) absent from `services`: the default route, through NAT."""
    service_fallback: str | None = None
    """Where a (VPC, service) goes when the option it is given refuses it (a VPC in a shared VPC holds no
    interface endpoint of its own); None: the refusal is a problem and the call is left out."""
    layout: RecordedLayout = field(default_factory=RecordedLayout)
    """Where existing NAT gateways and interface endpoints sit (`as-is`); empty for a mix that builds them new."""

    def context(self, estate: Estate, settings: Settings) -> Context:
        """The options' context for this mix: its shared-VPC members, its hub and its recorded layout."""
        members = np.array([vpc.id in self.shared for vpc in estate.vpcs], dtype=bool)
        return Context(estate, settings, members=members, hub=hub_code(estate, self.hub_vpc), layout=self.layout)


def hub_code(estate: Estate, hub_vpc: str | None) -> int:
    """The VPC code of the hub VPC named by id or name (NONE when there is none)."""
    if hub_vpc is None:
        return NONE
    for code, vpc in enumerate(estate.vpcs):
        if hub_vpc in (vpc.id, vpc.name):
            return code
    raise InputError(f"hub VPC '{hub_vpc}' carries no traffic in this estate", field="hub_vpc")


def usage(estate: Estate, settings: Settings, mix: Mix, *, name: str = "mix") -> DesignUsage:
    """Meter the mix for the estate as design `name` (exact arithmetic)."""
    with exact_arithmetic():
        return _Metering(estate, settings, mix, name).run()


class _Metering:
    def __init__(self, estate: Estate, settings: Settings, mix: Mix, name: str) -> None:
        self.ctx = mix.context(estate, settings)
        self.mix = mix
        self.builder = UsageBuilder(name, estate, settings)
        self.findings = Findings()
        self.resources: dict[Hashable, dict[Hashable, FixedResource]] = {}
        """Every resource needed, by kind, then by key: each counted once."""

    def run(self) -> DesignUsage:
        ctx = self.ctx
        self._meter(intra_vpc.usage(ctx))
        self._pairs()
        self._services()
        self._internet()
        # each resource's charges once; charges billed alike on one resource become one line when priced
        for by_key in self.resources.values():
            for resource in by_key.values():
                for charge in resource.charges:
                    self.builder.fixed(charge)
                if resource.assumption is not None:
                    self.builder.assume(resource.assumption)
        by_kind = {kind: list(by_key.values()) for kind, by_key in self.resources.items()}
        for check in RESOURCE_CHECKS:
            check(ctx, by_kind, self.findings)
        if ctx.member.any():
            for note in shared_vpc.check_members(ctx, self.findings):
                self.builder.assume(note)
        result = self.builder.build()
        result.problems += self.findings.problems
        result.quota_increases += self.findings.quota_increases
        return result

    def _meter(self, used: OptionUsage) -> None:
        for charge in used.charges:
            self.builder.per_gb(charge)
        for need in used.needs:
            codes = distinct(need.codes[need.rows])
            made = need.together(codes) if need.together is not None else map(need.resource, codes.tolist())
            for resource in made:
                self.resources.setdefault(resource.key[0], {}).setdefault(resource.key, resource)
        for note in used.assumptions:
            self.builder.assume(note)

    def _assign(
        self,
        found: subjects.Subjects,
        options: Mapping[str, Option],
        chosen: list[str | None],
        extra: Callable[[str, np.ndarray], dict[int, Blocked]] | None = None,
    ) -> None:
        """Meter each option for the subjects assigned to it. A subject its option refuses is a problem, and is
        left out unless the refusal says its flows are still priced; `extra` refuses more (a rule of the
        assignment rather than of the option)."""
        ctx = self.ctx
        names = np.array(chosen, dtype=object)
        for option in options.values():
            taken = names == option.name
            if not taken.any():
                continue
            positions = np.flatnonzero(taken)
            assigned = found.keys[positions]
            blocks = option.blocked(ctx, assigned)
            if extra is not None:
                blocks = {**extra(option.name, assigned), **blocks}
            priced = taken.copy()
            for index, block in sorted(blocks.items()):
                self.findings.problems.append(block.reason)
                priced[positions[index]] = block.priced
            self._meter(option.usage(ctx, found.flows_of(priced)))
            option.check(ctx, assigned, self.findings)

    def _pairs(self) -> None:
        ctx, ids, mix = self.ctx, self.ctx.vpc_ids, self.mix
        found = subjects.pairs(ctx)
        chosen: list[str | None] = [mix.every_pair] * len(found)
        if mix.pairs:
            for index, (x, y) in enumerate(found.keys.tolist()):
                chosen[index] = mix.pairs.get(pair_key(ids[x], ids[y]), mix.every_pair)
        for option in set(chosen) - {None} - set(PAIR_OPTIONS):
            raise ValueError(f"unknown pair option '{option}'")
        if None in chosen:
            self._unroutable(found, chosen)

        def misplaced(option: str, assigned: np.ndarray) -> dict[int, Blocked]:
            return {} if option == shared_vpc.NAME else shared_vpc.misplaced(ctx, assigned, option)

        self._assign(found, PAIR_OPTIONS, chosen, misplaced)

    def _unroutable(self, found: subjects.Subjects, chosen: Sequence[str | None]) -> None:
        vpcs = self.ctx.vpcs
        for index, option in enumerate(chosen):
            if option is None:
                x, y = found.keys[index].tolist()
                volume = format_decimal(self.ctx.gb(found.of_flow == index))
                self.findings.problems.append(
                    f"{vpcs[x].label} and {vpcs[y].label} exchange traffic ({volume} GB) but no connection "
                    "between them is chosen: unroutable, not priced"
                )

    def _services(self) -> None:
        ctx, mix = self.ctx, self.mix
        found = subjects.services(ctx)
        chosen: list[str | None] = [mix.every_service] * len(found)
        if mix.services:
            for index, (vpc, service) in enumerate(found.keys.tolist()):
                key = service_key(ctx.vpc_ids[vpc], ctx.estate.services[service])
                chosen[index] = mix.services.get(key, mix.every_service)
        for option in set(chosen) - set(SERVICE_OPTIONS):
            raise ValueError(f"unknown service option '{option}'")
        if mix.service_fallback is not None:
            self._fall_back(found, chosen, mix.service_fallback)
        self._assign(found, SERVICE_OPTIONS, chosen)

    def _fall_back(self, found: subjects.Subjects, chosen: list[str | None], fallback: str) -> None:
        """Send each (VPC, service) whose option refuses it the `fallback` way instead."""
        names = np.array(chosen, dtype=object)
        for name in set(chosen) - {fallback, None}:
            positions = np.flatnonzero(names == name)
            for index in SERVICE_OPTIONS[str(name)].blocked(self.ctx, found.keys[positions]):
                chosen[positions[index]] = fallback

    def _internet(self) -> None:
        """A VPC's IPv4 connections through its NAT gateways; IPv6 and connections from outside direct."""
        ctx = self.ctx
        rows = subjects.internet(ctx).rows
        self._meter(INTERNET_OPTIONS[DEFAULT_INTERNET_OPTION].usage(ctx, rows & ctx.outside.nat_processed))
        self._meter(DIRECT.usage(ctx, rows & ~ctx.outside.nat_processed))
