"""Compare designs: price every design for the same traffic and rank them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from vpccost.analyses.estimate import compare_estate, design_names
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
    topology_from,
)
from vpccost.model.usage import Settings, service_access_mode
from vpccost.results import Comparison

OPTIMUM_MAX_VPCS = 100
"""`compare` checks its recommendation against the optimizer for estates of up to this many VPCs (a few seconds
at most); a larger estate's headline points to `vpccost optimize`."""


def compare(
    traffic: TrafficInput,
    topology: TopologyInput = None,
    *,
    pricing: PricingInput = None,
    overrides: str | Path | None = None,
    designs: Sequence[str] | None = None,
    hours: Hours = None,
    nat_per_vpc: bool = False,
    free_tier: bool = False,
    split_by: str | None = None,
    service_access: str = "best",
    sheet: str | None = None,
    optimize: bool | None = None,
) -> Comparison:
    """Price `designs` (every pure design by default, and `as-is` when the topology records connectivity) for
    `traffic` over a period of `hours` [h]: by default the period the traffic file records (`flowlogs aggregate`
    writes it), else 730 (a month); `hours` that disagree with a recorded period are refused. `sheet` names the
    sheet of an Excel traffic file (default: the first).

    `split_by` names a label column of the traffic (team, application): per-GB line items are then split by
    its values, so costs can be charged back by label; hourly resources carry no label. `service_access` says how
    the designs reach AWS services (`vpccost.model.usage.SERVICE_ACCESS_MODES`): by default the cheapest way each
    design allows.

    `optimize` checks the recommendation against the optimizer's cheapest mix of options (`Comparison.optimum`):
    None (the default) does for estates of up to `OPTIMUM_MAX_VPCS` VPCs, True always, False
    never."""
    if hours is not None:
        period_hours_from(hours)  # checked before any file is read
    # one pause for the whole estimate: each pause's end makes the collector scan what it built once more
    with collector_paused():
        catalog = catalog_from(pricing, overrides)
        loaded_topology = topology_from(topology)
        names = design_names(designs, loaded_topology)
        estate = load_estate(traffic, loaded_topology, sheet=sheet)
        settings = Settings(
            period_hours=period_hours_for(estate.traffic, hours),
            nat_per_vpc=nat_per_vpc,
            free_tier=free_tier,
            split_by=split_by,
            service_access=service_access_mode(service_access),
        )
        comparison = compare_estate(estate, catalog, settings, names)
        if optimize or (optimize is None and len(estate.vpcs) <= OPTIMUM_MAX_VPCS):
            from vpccost.optimizer import optimum  # HiGHS loads only when the optimizer runs

            comparison = replace(comparison, optimum=optimum(estate, catalog, settings))
        return comparison
