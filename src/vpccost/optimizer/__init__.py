"""The optimizer: the cheapest feasible mixed architecture, chosen by a mixed-integer model and proven.

For each communicating VPC pair the model chooses peering, Transit Gateway, PrivateLink, NAT (public addresses)
or placement in a shared VPC, and for each (VPC, AWS service in its region) NAT, a gateway endpoint, an
interface endpoint in the VPC, or a central endpoint in a hub VPC, as `allow` permits. Its coefficients are
the options' own declarations priced by the catalog (`optimizer.model`); HiGHS solves it (`optimizer.solver`);
the chosen mix is then metered like any design (`designs.mix`) and priced by the engine, so every amount
reported is exact, and the pure designs are priced beside it for the savings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from vpccost.analyses.estimate import compare_estate, design_names
from vpccost.designs import DESIGNS, OPTIMIZED
from vpccost.designs.mix import Mix
from vpccost.designs.mix import usage as mix_usage
from vpccost.errors import InputError
from vpccost.inputs.load import (
    Hours,
    PricingInput,
    TopologyInput,
    TrafficInput,
    catalog_from,
    collector_paused,
    load_estate,
    period_hours_for,
    period_hours_from,
)
from vpccost.model.estate import Estate
from vpccost.model.usage import Settings, service_access_mode
from vpccost.optimizer.decisions import pair_decisions, service_decisions
from vpccost.optimizer.model import ALLOW_TOKENS, ENDPOINTS, Model
from vpccost.optimizer.solver import Solution, solve
from vpccost.options import peering
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.engine import price
from vpccost.results import DesignResult, Optimization, Optimum

PEERING_QUOTA_DEFAULT = peering.PEERINGS_PER_VPC_DEFAULT
PEERING_QUOTA_MAX = peering.PEERINGS_PER_VPC_MAX


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
    hours: Hours = None,
    nat_per_vpc: bool = False,
    time_limit_s: float | None = None,
    service_access: str = "best",
    sheet: str | None = None,
) -> Optimization:
    """The cheapest feasible mix of connection options for `traffic` over a period of `hours` [h], proven optimal
    (or with the gap when `time_limit_s` stops the solver), priced exactly beside the pure designs. `hours`
    defaults to the period the traffic file records, else 730 (a month)."""
    allowed = parse_allow(allow)
    if not 0 <= peering_quota <= PEERING_QUOTA_MAX:
        raise InputError(
            f"the peering quota must be between 0 and {PEERING_QUOTA_MAX} (AWS's maximum), not {peering_quota}",
            field="peering_quota",
        )
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise InputError(
            f"the time limit must be a positive, finite number of seconds, not {time_limit_s}", field="time_limit"
        )
    if hours is not None:
        period_hours_from(hours)  # checked before any file is read
    mode = service_access_mode(service_access)
    catalog = catalog_from(pricing, overrides)
    estate = load_estate(traffic, topology, sheet=sheet)
    settings = Settings(
        period_hours=period_hours_for(estate.traffic, hours), nat_per_vpc=nat_per_vpc, service_access=mode
    )
    return optimize_estate(
        estate, catalog, settings, allow=allowed, peering_quota=peering_quota, hub_vpc=hub_vpc,
        time_limit_s=time_limit_s,
    )  # fmt: skip


def optimize_estate(
    estate: Estate,
    catalog: Catalog,
    settings: Settings,
    *,
    allow: frozenset[str] = frozenset(ALLOW_TOKENS),
    peering_quota: int = PEERING_QUOTA_DEFAULT,
    hub_vpc: str | None = None,
    time_limit_s: float | None = None,
) -> Optimization:
    """`optimize` for an estate that is already resolved. The pure designs are held to the same peering quota,
    so that a saving against one is never one the optimizer was not allowed to make."""
    settings = replace(settings, peering_quota=peering_quota)
    model, solution, mix, result = _solved(estate, catalog, settings, allow, hub_vpc, time_limit_s)
    # the pure designs beside the mix are held to `allow` too: without endpoints they reach AWS services through
    # NAT, and a design whose connection `allow` leaves out is priced apart, never ranked against the mix
    pure = settings if ENDPOINTS in allow else replace(settings, service_access="nat")
    names = design_names(None, estate.topology)
    with collector_paused():
        every = compare_estate(estate, catalog, pure, names, added=[result], notes=model.notes)
    ranked = [design for design in every.designs if _allowed(design.design, allow)]
    comparison = replace(every, designs=ranked)
    not_allowed = [design for design in every.designs if not _allowed(design.design, allow)]
    variables, constraints, binaries = model.milp.size
    return Optimization(
        result=result,
        mix=mix,
        pairs=pair_decisions(model, solution.x, mix),
        services=service_decisions(model, solution.x, mix),
        comparison=comparison,
        optimal=solution.optimal,
        gap=solution.gap,
        status=solution.status,
        solve_seconds=solution.seconds,
        model_variables=variables,
        model_constraints=constraints,
        model_binaries=binaries,
        notes=model.notes,
        not_allowed=not_allowed,
    )


def _allowed(design: str, allow: frozenset[str]) -> bool:
    """Whether a design `compare` prices may be ranked against a mix limited to `allow`: the optimized mix and
    as-is (the estate as it is) always; a pure design when its connection option is allowed."""
    pure = DESIGNS.get(design)
    return pure is None or pure.pair_option in allow


def _solved(
    estate: Estate,
    catalog: Catalog,
    settings: Settings,
    allow: frozenset[str],
    hub_vpc: str | None,
    time_limit_s: float | None,
) -> tuple[Model, Solution, Mix, DesignResult]:
    """The model, its solution, the chosen mix and the mix priced exactly (design `optimized`)."""
    model = Model(estate, catalog, settings, allow, hub_vpc)
    solution = solve(model.milp, time_limit_s, model.quota_cuts if model.cut_rows else None)
    mix = model.mix(solution.x)
    with collector_paused():
        result = price(mix_usage(estate, settings, mix, name=OPTIMIZED), catalog, period_hours=settings.period_hours)
    return model, solution, mix, result


OPTIMUM_TIME_LIMIT_S = 10.0


def optimum(estate: Estate, catalog: Catalog, settings: Settings) -> Optimum | None:
    """The cheapest mix of every option for `estate`, as `compare`'s headline reads it; None when the solver finds
    no feasible mix within `OPTIMUM_TIME_LIMIT_S` (the headline then points to `vpccost optimize`)."""
    try:
        _, solution, _, result = _solved(estate, catalog, settings, frozenset(ALLOW_TOKENS), None, OPTIMUM_TIME_LIMIT_S)
    except InputError:  # the solver found no mix (e.g. volumes beyond its floating-point range): no check
        return None
    if result.total_usd is None or not result.feasible:
        return None
    return Optimum(result.total_usd, solution.optimal, solution.gap)


__all__ = [
    "ALLOW_TOKENS",
    "PEERING_QUOTA_DEFAULT",
    "PEERING_QUOTA_MAX",
    "optimize",
    "optimize_estate",
    "optimum",
    "parse_allow",
]
