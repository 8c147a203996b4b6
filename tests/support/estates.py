"""Small estates built in memory, and what a connection option declares for them written out as plain tuples.

Rows are traffic rows as dicts (`{"src": "a", "dst": "b", "gb": "10"}`); VPCs are `tests.conftest.vpc` entries. A
flow is named by its row's position: flow 0 is the first row. A declared per-GB charge reads as `Charged`, one per
(component, item, region, payer, resource, destination region) with the flows it covers; a needed fixed resource
as its key and its fixed charges (`Fixed` tuples with the resource by name).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from vpccost.inputs.topology import Topology
from vpccost.inputs.traffic import load_traffic
from vpccost.model.codes import NONE
from vpccost.model.estate import Estate, build_estate
from vpccost.model.usage import Settings
from vpccost.options.base import Context, FixedResource, OptionUsage, RecordedLayout


def estate(
    vpcs: list[dict[str, Any]],
    rows: list[dict[str, str]],
    *,
    network_account: str | None = None,
    accounts: list[dict[str, str]] | None = None,
) -> Estate:
    """The rows resolved against a topology of `vpcs` (only the VPCs the rows name are in the estate, in the order
    the src column and then the dst column first name them), naming `accounts` when given."""
    document: dict[str, Any] = {"vpcs": vpcs}
    if network_account is not None:
        document["network_account"] = network_account
    if accounts is not None:
        document["accounts"] = accounts
    return build_estate(load_traffic(pd.DataFrame(rows)), Topology.model_validate(document))


def context(
    estate: Estate,
    settings: Settings | None = None,
    *,
    members: Iterable[str] = (),
    hub: str | None = None,
    layout: RecordedLayout | None = None,
) -> Context:
    """The options' context: `members` are the ids of the VPCs placed in their region's shared VPC, `hub` the id of
    the VPC that hosts central endpoints, `layout` where existing NAT gateways and endpoints sit."""
    ids = [vpc.id for vpc in estate.vpcs]
    placed = set(members)
    return Context(
        estate,
        settings or Settings(),
        members=np.array([vpc_id in placed for vpc_id in ids], dtype=bool),
        hub=NONE if hub is None else ids.index(hub),
        layout=layout,
    )


def flows(ctx: Context, *positions: int) -> np.ndarray:
    """The flows of the rows at `positions`, as the boolean mask options take."""
    mask = np.zeros(len(ctx.flows), dtype=bool)
    mask[list(positions)] = True
    return mask


def every_flow(ctx: Context) -> np.ndarray:
    return np.ones(len(ctx.flows), dtype=bool)


class Charged(NamedTuple):
    component: str
    item: str
    region: str
    payer: str
    resource: str
    to_region: str | None
    flows: tuple[int, ...]


def charged(ctx: Context, usage: OptionUsage) -> list[Charged]:
    """Each declared per-GB charge, split by where it is metered and who pays, with the flows it covers; charges
    that select no flow are left out."""
    estate = ctx.estate
    found: list[Charged] = []
    for charge in usage.charges:
        groups: dict[tuple[str, str, str, str | None], list[int]] = {}
        for position in np.flatnonzero(charge.rows).tolist():
            to_code = NONE if charge.to_region is None else int(charge.to_region[position])
            key = (
                estate.regions[int(charge.region[position])],
                estate.accounts[int(charge.payer[position])],
                charge.resources[int(charge.resource[position])].name,
                None if to_code == NONE else estate.regions[to_code],
            )
            groups.setdefault(key, []).append(position)
        found += [Charged(charge.component, charge.item, *key, tuple(rows)) for key, rows in groups.items()]
    return found


FixedText = tuple[str, str, str, str, str, int, str]
"""(component, item, region, payer, resource name, number, per) of a fixed charge."""


def needed(ctx: Context, usage: OptionUsage) -> dict[tuple[Hashable, ...], tuple[FixedText, ...]]:
    """Every fixed resource the selected flows need, by key, with its fixed charges."""
    found: dict[tuple[Hashable, ...], tuple[FixedText, ...]] = {}
    for need in usage.needs:
        for code in np.unique(need.codes[need.rows]).tolist():
            resource = need.resource(int(code))
            found[resource.key] = tuple(
                (c.component, c.item, c.region, c.payer, c.resource.name, c.number, c.per) for c in resource.charges
            )
    return found


def by_kind(resources: list[FixedResource]) -> dict[Hashable, list[FixedResource]]:
    """Resources grouped by kind (the first part of their key), as a resource check receives them."""
    grouped: dict[Hashable, list[FixedResource]] = {}
    for resource in resources:
        grouped.setdefault(resource.key[0], []).append(resource)
    return grouped
