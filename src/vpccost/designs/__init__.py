"""The designs vpccost compares: each an assignment of connection options (`vpccost.options`) to every subject
of an estate, metered by the one code path in `designs.mix`.

A pure design gives every VPC pair one option, and reaches AWS services its own way (through NAT, except
`privatelink`, which uses interface endpoints); `sharing` places every VPC in its region's shared VPC. `as-is`
is the assignment a topology's existing connectivity amounts to, and `optimized` the one the optimizer chooses.
A new design is one line below (or an option module and its line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from vpccost.designs import as_is
from vpccost.designs.mix import Mix
from vpccost.designs.mix import usage as mix_usage
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Settings
from vpccost.options import interface_endpoint, nat_public, own_nat, peering, privatelink, shared_vpc
from vpccost.options import transit_gateway as tgw

AS_IS = as_is.NAME
OPTIMIZED = "optimized"
"""The design `vpccost optimize` adds: the cheapest feasible mix."""


class Design(Protocol):
    """A named architecture: what the estate's traffic uses under it."""

    @property
    def name(self) -> str: ...

    def usage(self, estate: Estate, settings: Settings) -> DesignUsage: ...


@dataclass(frozen=True)
class PureDesign:
    """Every VPC pair takes `pair_option`; every service call `service_option`; with `shared`, every VPC sits in
    its region's shared VPC."""

    name: str
    pair_option: str
    service_option: str = own_nat.NAME
    shared: bool = False

    def mix(self, estate: Estate) -> Mix:
        shared = frozenset(vpc.id for vpc in estate.vpcs) if self.shared else frozenset()
        return Mix(pairs={}, every_pair=self.pair_option, every_service=self.service_option, shared=shared)

    def usage(self, estate: Estate, settings: Settings) -> DesignUsage:
        return mix_usage(estate, settings, self.mix(estate), name=self.name)


DESIGNS: Mapping[str, PureDesign] = {
    design.name: design
    for design in (
        PureDesign("nat", nat_public.NAME),
        PureDesign(peering.NAME, peering.NAME),
        PureDesign(tgw.NAME, tgw.NAME),
        PureDesign(privatelink.NAME, privatelink.NAME, service_option=interface_endpoint.NAME),
        PureDesign(shared_vpc.NAME, shared_vpc.NAME, shared=True),
    )
}
"""The pure designs, in the order they are reported."""

REGISTRY: Mapping[str, Design] = {**DESIGNS, AS_IS: as_is.DESIGN}
"""Every design `compare` can price: the pure designs, then `as-is` (when a topology records connectivity)."""
