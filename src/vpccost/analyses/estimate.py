"""Estimates of a resolved estate: the designs to price, each priced with the same catalog and settings, and the
assumptions the comparison states. `compare` (a traffic file or frame in) and the optimizer and forecast (an
estate already resolved) all price designs here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from vpccost.analyses.service_access import cheapest_routes, service_access
from vpccost.designs import AS_IS, DESIGNS, REGISTRY
from vpccost.designs.as_is import records_connectivity
from vpccost.errors import InputError
from vpccost.inputs.load import collector_paused, period_assumption
from vpccost.inputs.suggest import did_you_mean
from vpccost.inputs.topology import Topology
from vpccost.inputs.traffic import label_column_warnings
from vpccost.model.estate import Estate
from vpccost.model.usage import SERVICE_ACCESS_MODES, Settings
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.engine import price
from vpccost.results import Comparison, DesignResult


def design_names(designs: Sequence[str] | None, topology: Topology | None) -> list[str]:
    """The designs to price: `designs` as asked (checked), else every pure design, and `as-is` when the
    topology records existing connectivity."""
    existing = records_connectivity(topology)
    known = list(REGISTRY)
    if not designs:
        return known if existing else list(DESIGNS)
    names = list(designs)
    unknown = next((name for name in names if name not in known), None)
    if unknown is not None:
        raise InputError(
            f"unknown design '{unknown}'{did_you_mean(unknown, known)}; choose from {', '.join(known)}",
            field="designs",
        )
    repeated = next((name for index, name in enumerate(names) if name in names[:index]), None)
    if repeated is not None:
        raise InputError(f"design '{repeated}' is named twice: name each design once", field="designs")
    if AS_IS in names and not existing:
        raise InputError(
            "the as-is design prices the existing connectivity a topology records (route tables, peerings, transit "
            "gateways, endpoints, NAT gateways; `vpccost discover` writes them), and there is none",
            field="designs",
        )
    return names


def compare_estate(
    estate: Estate,
    catalog: Catalog,
    settings: Settings,
    designs: Sequence[str],
    *,
    added: Sequence[DesignResult] = (),
    notes: Sequence[str] = (),
) -> Comparison:
    """Price `designs` for an estate that is already resolved (a forecast re-prices one estate per month);
    `added` results (the optimizer's mix) are compared beside them, with their `notes`."""
    with collector_paused():
        access = service_access(estate, catalog, settings)
        routes = cheapest_routes(access) if settings.service_access == "best" else None
        results = [
            price(
                REGISTRY[name].usage(estate, settings, routes),
                catalog,
                period_hours=settings.period_hours,
                free_tier=settings.free_tier,
            )
            for name in designs
        ]
        results += added
    return Comparison(
        catalog=catalog,
        settings=settings,
        estate=estate,
        designs=results,
        service_access=access,
        assumptions=comparison_assumptions(
            estate, results, settings.period_hours, catalog, [service_access_note(settings, designs), *notes]
        ),
        warnings=label_column_warnings(estate.traffic),
    )


def service_access_note(settings: Settings, designs: Sequence[str]) -> str:
    """How the pure designs reach AWS services, as an assumption."""
    mode = settings.service_access
    note = f"AWS services (--service-access {mode}): {SERVICE_ACCESS_MODES[mode]}"
    if AS_IS in designs:
        note += "; as-is uses the endpoints and NAT gateways that exist"
    return note + "."


def comparison_assumptions(
    estate: Estate, results: list[DesignResult], period_hours: Decimal, catalog: Catalog, extra: Sequence[str] = ()
) -> list[str]:
    """Every assumption of the estimate: the period, the volumes, the estate's, each design's (once), `extra`
    notes, and where the prices come from."""
    notes = [
        period_assumption(period_hours, estate.traffic),
        "Volumes are GB of 2^30 bytes per period; tiers apply to each usage type's total per region across "
        "accounts, then are allocated to payer accounts pro rata.",
    ]
    notes += estate.assumptions
    for result in results:
        notes += [note for note in result.assumptions if note not in notes]
    unverified = sorted({entry.label for result in results for entry in result.prices_used if not entry.verified})
    if unverified:
        notes.append(f"Prices not verified (see pricing show): {', '.join(unverified)}.")
    notes += extra
    notes.append(f"Prices: snapshot {catalog.name}, on-demand list prices in {catalog.currency}.")
    return notes
