"""The optimizer's decisions, one per VPC pair and per (VPC, AWS service) call, each with a one-line reason that
names the volume and what each allowed choice would charge the subject on its own."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from vpccost.designs.mix import Mix, pair_key, service_key
from vpccost.model.codes import NONE, sum_by_key
from vpccost.model.usage import NAT_GATEWAY_RESOURCE
from vpccost.optimizer.model import INTERNET, PAIRS, SERVICES, Choice, Model, Subject
from vpccost.options import central_endpoint, own_nat, peering, shared_vpc
from vpccost.results import PairDecision, ServiceDecision
from vpccost.units import exact_arithmetic, format_decimal

CENT_USD = 0.005
"""A choice counts as cheaper alone only by more than half a cent (the model's costs are floats)."""


def pair_decisions(model: Model, x: np.ndarray, mix: Mix) -> list[PairDecision]:
    estate = model.estate
    vpcs, ids = estate.vpcs, [vpc.id for vpc in estate.vpcs]
    gb = _exact_gb(model, PAIRS)
    peerings: dict[str, int] = {}
    for key, option in mix.pairs.items():
        if option == peering.NAME:
            for vpc_id in key:
                peerings[vpc_id] = peerings.get(vpc_id, 0) + 1
    decisions = []
    for subject in model.of_kind(PAIRS):
        a, b = model.found[PAIRS].keys[subject.index].tolist()
        key = pair_key(ids[a], ids[b])
        chosen = mix.pairs.get(key)
        alone = _alone(subject, with_sharing=True)
        volume = gb.get(subject.index, Decimal(0))
        label = f"{vpcs[a].label} ↔ {vpcs[b].label}: {format_decimal(volume)} GB"
        if chosen is None:
            reason = f"{label}; no allowed option can route this pair (overlapping CIDRs or --allow)"
        else:
            cheapest = min(alone, key=lambda name: alone[name]) if alone else chosen
            reason = f"{label}; this pair's own charges: {_priced(alone)}; chose {chosen}"
            if alone.get(cheapest, 0.0) < alone.get(chosen, 0.0) - CENT_USD:
                reason += f" ({cheapest} is cheaper alone, but {_why_not(model, cheapest, (a, b), peerings)})"
        decisions.append(PairDecision(key, chosen, volume, alone, reason))
    return decisions


def service_decisions(model: Model, x: np.ndarray, mix: Mix) -> list[ServiceDecision]:
    estate = model.estate
    ids = [vpc.id for vpc in estate.vpcs]
    gb = _exact_gb(model, SERVICES)
    nat_kept = _nat_kept(model)
    decisions = []
    for subject in model.of_kind(SERVICES):
        vpc, service = model.found[SERVICES].keys[subject.index].tolist()
        key = service_key(ids[vpc], estate.services[service])
        option = mix.services.get(key, own_nat.NAME)
        costs = _alone(subject, with_sharing=False)
        volume = gb.get(subject.index, Decimal(0))
        where = " (in the shared VPC)" if ids[vpc] in mix.shared else ""
        reason = f"{estate.vpcs[vpc].label} → {key[1]}: {format_decimal(volume)} GB; own charges: {_priced(costs)}; "
        reason += f"chose {option}{where}"
        if option == own_nat.NAME and own_nat.NAME in costs and vpc in nat_kept:
            reason += " (its NAT gateways stay for other traffic)"
        if option == central_endpoint.NAME:
            reason += " (the hub endpoint and hosted zone are shared with other VPCs)"
        decisions.append(ServiceDecision(key[0], key[1], option, volume, costs, reason))
    return decisions


def _alone(subject: Subject, *, with_sharing: bool) -> dict[str, float]:
    """What each choice of the subject would cost it alone (`sharing` too, for a pair that could share)."""
    alone = {choice.option: choice.alone_usd for choice in subject.own}
    if with_sharing and subject.member:
        alone[shared_vpc.NAME] = _member(subject).alone_usd
    return alone


def _member(subject: Subject) -> Choice:
    return subject.member[0]


def _priced(costs: dict[str, float]) -> str:
    return "; ".join(f"{name} ${value:,.2f}" for name, value in costs.items())


def _why_not(model: Model, cheapest: str, pair: tuple[int, int], peerings: dict[str, int]) -> str:
    ids = [vpc.id for vpc in model.estate.vpcs]
    if cheapest == peering.NAME:
        full = [ids[v] for v in pair if peerings.get(ids[v], 0) >= model.peering_quota]
        if full:
            return f"{', '.join(full)} already has {model.peering_quota} peerings (the quota)"
    if cheapest == shared_vpc.NAME:
        return "sharing moves the whole group of VPCs that exchange traffic, which costs more overall"
    return "the shared resources it needs (TGW attachments, NLBs, NAT gateways, hubs) cost more overall"


def _nat_kept(model: Model) -> set[int]:
    """The VPCs whose traffic with the internet keeps their NAT gateways whatever their service calls do."""
    kept = set()
    for subject in model.of_kind(INTERNET):
        vpc = int(model.found[INTERNET].keys[subject.index][0])
        if any((NAT_GATEWAY_RESOURCE, vpc) in choice.needs for choice in subject.own):
            kept.add(vpc)
    return kept


def _exact_gb(model: Model, kind: int) -> dict[int, Decimal]:
    """Exact GB per subject, from the flows' whole volume units."""
    of_flow = model.found[kind].of_flow
    rows = of_flow != NONE
    if not rows.any():
        return {}
    (codes,), sums = sum_by_key([of_flow[rows]], [len(model.found[kind])], model.estate.flows.volume[rows])
    with exact_arithmetic():
        return {code: Decimal(units) * model.estate.gb_per_unit for code, units in zip(codes, sums, strict=True)}
