"""The designs vpccost compares: each an assignment of connection options (`vpccost.options`) to every subject
of an estate, metered by the one code path in `designs.mix`.

A pure design gives every VPC pair one option, and reaches AWS services the cheapest way it allows (a gateway
endpoint where one exists, else NAT or an interface endpoint, per VPC and service: `Settings.service_access`
"best"), or its own way ("design": through NAT, except `privatelink`, which uses interface endpoints); `sharing`
places every VPC in its region's shared VPC. `as-is`
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


ServiceRoutes = Mapping[tuple[str, str], str]
"""(VPC id, `aws:<service>`) -> the service option chosen for it (`designs.mix.service_key`)."""


class Design(Protocol):
    """A named architecture: what the estate's traffic uses under it."""

    @property
    def name(self) -> str: ...

    def usage(self, estate: Estate, settings: Settings, routes: ServiceRoutes | None = None) -> DesignUsage:
        """`routes`: the cheapest way to each AWS service, for `settings.service_access` "best" (a design that
        prices what exists, `as-is`, ignores them)."""
        ...


@dataclass(frozen=True)
class PureDesign:
    """Every VPC pair takes `pair_option`; every service call `service_option`; with `shared`, every VPC sits in
    its region's shared VPC."""

    name: str
    pair_option: str
    service_option: str = own_nat.NAME
    shared: bool = False

    def mix(self, estate: Estate, settings: Settings | None = None, routes: ServiceRoutes | None = None) -> Mix:
        """The design's assignment. Service calls go as `settings.service_access` says: the cheapest `routes`
        ("best"), the design's own option ("design", the default without settings), or one way for every design
        ("nat", "interface"); a call the chosen way refuses takes the design's own."""
        shared = frozenset(vpc.id for vpc in estate.vpcs) if self.shared else frozenset()
        mode = settings.service_access if settings is not None else "design"
        every_service = {"nat": own_nat.NAME, "interface": interface_endpoint.NAME}.get(mode, self.service_option)
        return Mix(
            pairs={},
            every_pair=self.pair_option,
            services=dict(routes or {}) if mode == "best" else {},
            every_service=every_service,
            shared=shared,
            service_fallback=None if mode == "design" else self.service_option,
        )

    def usage(self, estate: Estate, settings: Settings, routes: ServiceRoutes | None = None) -> DesignUsage:
        return mix_usage(estate, settings, self.mix(estate, settings, routes), name=self.name)


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
