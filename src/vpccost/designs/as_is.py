"""The estate as it is: the existing connectivity a topology records (as `vpccost discover` writes it), priced
from the same traffic as the designs, so that every design shows what it would save.

The connectivity is read into a `Mix` (see `designs/mix.py`) and metered like any mix:
- A VPC pair that reaches each other through an interface endpoint in one VPC whose `provider_vpc` is the other
  uses PrivateLink.
- Otherwise the route tables decide, longest prefix first: in the sending VPC's route tables, the most specific
  route that covers the other VPC's CIDR block names the path — `pcx-` an active peering connection between the
  two (VPC peering), `tgw-` a transit gateway to which the other VPC is attached (directly, or through a peered
  transit gateway in its region), `nat-`/`igw-` a default route (the peer's public address, as in the `nat`
  design). A VPC with several route tables uses the target that covers most of its subnets (the main table
  standing for the subnets without an association), and says so when its tables disagree. When the two VPCs'
  route tables choose different paths, the VPC that initiates more of the pair's bytes decides, and it is said.
  A pair with no such route is unroutable: a problem names it.
- A VPC calls an AWS service in its region through its interface endpoint for the service, else its gateway
  endpoint (S3, DynamoDB), else its NAT gateways.
- Existing public NAT gateways and interface endpoints are priced in the AZs the topology records for them
  (`Mix.layout`): a zonal NAT gateway in its AZ (or its subnet's), a regional one in each AZ where it is active,
  an endpoint in its AZs (or its subnets'). A VPC with a NAT gateway whose AZ is not recorded, a VPC without a
  public NAT gateway, and an endpoint without recorded AZs are priced as vpccost lays them out: in every AZ of
  the VPC, and it is said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from vpccost.designs.mix import Mix, pair_key, service_key
from vpccost.designs.mix import usage as mix_usage
from vpccost.inputs.topology import Endpoint, Network, RouteTable, Topology, Vpc, parse_network
from vpccost.model.estate import VPC, Estate
from vpccost.model.usage import DesignUsage, Settings
from vpccost.options import (
    gateway_endpoint,
    interface_endpoint,
    nat_public,
    own_nat,
    peering,
    privatelink,
    subjects,
    transit_gateway,
)
from vpccost.options.base import Context, RecordedLayout

NAME = "as-is"

_TARGET_OPTIONS: dict[str, str] = {
    "pcx": peering.NAME,
    "tgw": transit_gateway.NAME,
    "nat": nat_public.NAME,
    "igw": nat_public.NAME,
}


def records_connectivity(topology: Topology | None) -> bool:
    """Whether the topology records existing connectivity (then `compare` prices the design `as-is`)."""
    if topology is None:
        return False
    if topology.peering_connections or topology.transit_gateways:
        return True
    return any(vpc.route_tables or vpc.nat_gateways or vpc.endpoints for vpc in topology.vpcs)


def recorded_layout(estate: Estate) -> RecordedLayout:
    """Where the estate's existing NAT gateways and interface endpoints sit, as its topology records them (nothing
    when it records no connectivity): what an analysis of the estate as it is prices them by."""
    if not records_connectivity(estate.topology):
        return RecordedLayout()
    return existing_mix(estate).mix.layout


def usage(estate: Estate, settings: Settings) -> DesignUsage:
    """Meter the existing connectivity of the estate's topology as the design `as-is`."""
    existing = existing_mix(estate)
    # the peerings that exist are there: a stricter limit for new designs does not apply to them
    metered = mix_usage(estate, replace(settings, peering_quota=None), existing.mix, name=NAME)
    metered.assumptions += [note for note in existing.notes if note not in metered.assumptions]
    metered.problems += existing.problems
    return metered


class AsIs:
    """The design `as-is`: the existing connectivity, metered as a mix."""

    name = NAME

    def usage(
        self, estate: Estate, settings: Settings, routes: Mapping[tuple[str, str], str] | None = None
    ) -> DesignUsage:
        return usage(estate, settings)


DESIGN = AsIs()


@dataclass
class ExistingConnectivity:
    """The mix a topology's connectivity amounts to, with how each choice was read."""

    mix: Mix
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def existing_mix(estate: Estate) -> ExistingConnectivity:
    """Read the estate's topology connectivity into a `Mix` (see the module docstring for the rules)."""
    topology = estate.topology
    if topology is None:
        raise ValueError("the as-is design needs the topology the estate was resolved with")
    reader = _Reader(estate, topology)
    return reader.read()


class _Reader:
    def __init__(self, estate: Estate, topology: Topology) -> None:
        self.estate = estate
        self.topology = topology
        self.vpcs: dict[str, Vpc] = {vpc.id: vpc for vpc in topology.vpcs}
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.endpoint_azs: dict[tuple[str, str, str], tuple[str, ...]] = {}
        """The AZs of each existing interface endpoint an assignment uses, by (VPC id, target kind, target)."""
        self.peerings = {
            connection.id: frozenset((connection.requester, connection.accepter))
            for connection in topology.peering_connections
            if connection.status == "active"
        }
        self.attached: dict[str, set[str]] = {}  # VPC id -> transit gateways it is attached to
        self.tgw_region: dict[str, str] = {}
        self.tgw_peers: dict[str, set[str]] = {}
        for gateway in topology.transit_gateways:
            self.tgw_region[gateway.id] = gateway.region
            for attachment in gateway.attachments:
                if attachment.state not in (None, "available"):
                    continue
                if attachment.type == "vpc" and attachment.vpc is not None:
                    self.attached.setdefault(attachment.vpc, set()).add(gateway.id)
                elif attachment.type == "peering" and attachment.peer_transit_gateway is not None:
                    self.tgw_peers.setdefault(gateway.id, set()).add(attachment.peer_transit_gateway)
                    self.tgw_peers.setdefault(attachment.peer_transit_gateway, set()).add(gateway.id)

    def read(self) -> ExistingConnectivity:
        ids = [vpc.id for vpc in self.estate.vpcs]
        initiated = self._initiated_volume()
        ctx = Context(self.estate, Settings())
        pairs: dict[tuple[str, str], str] = {}
        for x, y in subjects.pairs(ctx).keys.tolist():
            option = self._pair_option(
                ids[x], ids[y], first_decides=initiated.get((x, y), 0) >= initiated.get((y, x), 0)
            )
            if option is not None:
                pairs[pair_key(ids[x], ids[y])] = option
        services: dict[tuple[str, str], str] = {}
        for v, s in subjects.services(ctx).keys.tolist():
            key = service_key(ids[v], self.estate.services[s])
            services[key] = self._service_option(ids[v], key[1].removeprefix("aws:"))
        layout = RecordedLayout(nat_gateways=self._nat_layout(), interface_endpoints=self.endpoint_azs)
        return ExistingConnectivity(Mix(pairs=pairs, services=services, layout=layout), self.notes, self.problems)

    def _nat_layout(self) -> dict[str, tuple[str, ...]]:
        """Per VPC id of the estate: the AZ of each NAT gateway-hour its public NAT gateways bill."""
        layout: dict[str, tuple[str, ...]] = {}
        for info in self.estate.vpcs:
            vpc = self.vpcs.get(info.id)
            zones = None if vpc is None else self._nat_zones(vpc)
            if zones:
                layout[info.id] = zones
        return layout

    def _nat_zones(self, vpc: Vpc) -> tuple[str, ...] | None:
        """The AZ of each gateway-hour of the VPC's public NAT gateways: a zonal one's AZ (or its subnet's), each
        AZ where a regional one is active. None when one of them has no AZ recorded (stated)."""
        subnet_azs = {subnet.id: subnet.az for subnet in vpc.subnets}
        zones: list[str] = []
        for gateway in vpc.nat_gateways:
            if gateway.connectivity != "public":
                continue
            if gateway.availability_mode == "regional":
                found = list(gateway.azs)
            else:
                az = gateway.az or subnet_azs.get(gateway.subnet or "")
                found = [az] if az is not None else []
            if not found:
                what = "the AZs where it is active" if gateway.availability_mode == "regional" else "its AZ"
                self._note(
                    f"As-is: the topology does not record {what} for NAT gateway {gateway.id} of {vpc.id}; the NAT "
                    "gateways of the VPC are priced as vpccost lays them out (one in each AZ of the VPC, or one per "
                    "VPC with --nat-per-vpc)."
                )
                return None
            zones += found
        return tuple(zones)

    def _record_endpoint(self, vpc: Vpc, endpoint: Endpoint, target: tuple[str, str]) -> None:
        """The AZs of an existing interface endpoint the assignment uses: its own, else its subnets' (stated when
        neither is recorded: then it is priced in every AZ of the VPC)."""
        subnet_azs = {subnet.id: subnet.az for subnet in vpc.subnets}
        zones = set(endpoint.azs) or {subnet_azs[subnet] for subnet in endpoint.subnets if subnet in subnet_azs}
        if zones:
            self.endpoint_azs.setdefault((vpc.id, *target), tuple(sorted(zones)))
        else:
            self._note(
                f"As-is: the topology records no AZ for interface endpoint {endpoint.id} of {vpc.id}; it is priced in "
                "every AZ of the VPC, as vpccost lays endpoints out."
            )

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def _initiated_volume(self) -> dict[tuple[int, int], int]:
        """Volume units each VPC initiates towards each other VPC."""
        f = self.estate.flows
        between = (f.src.kind == VPC) & (f.dst.kind == VPC) & (f.src.vpc != f.dst.vpc)
        initiator = f.initiator("vpc")[between]
        responder = f.responder("vpc")[between]
        volume = f.volume[between]
        totals: Counter[tuple[int, int]] = Counter()
        for pair, amount in zip(zip(initiator.tolist(), responder.tolist(), strict=True), volume.tolist(), strict=True):
            totals[pair] += int(amount)
        return dict(totals)

    def _pair_option(self, first: str, second: str, *, first_decides: bool) -> str | None:
        a, b = self.vpcs.get(first), self.vpcs.get(second)
        if a is None or b is None:
            missing = first if a is None else second
            self.problems.append(f"{missing} is not in the topology: its existing connectivity is unknown")
            return None
        a_consumes, b_consumes = self._privatelink(a, b), self._privatelink(b, a)  # each records its endpoint
        if a_consumes or b_consumes:
            return privatelink.NAME
        forward, backward = self._route(a, b), self._route(b, a)
        if forward is not None and backward is not None and forward != backward:
            chosen = forward if first_decides else backward
            sender, receiver = (a, b) if first_decides else (b, a)
            self.notes.append(
                f"As-is: {a.id} routes to {b.id} over {forward} and {b.id} back over {backward}; priced over "
                f"{chosen}, the path of {sender.id}, which opens more of their traffic than {receiver.id}."
            )
            return chosen
        path = forward if forward is not None else backward
        if path is None:
            self.problems.append(
                f"As-is: no route in the route tables of {a.id} or {b.id} (to a peering connection, a transit "
                "gateway or a default route) covers the other's CIDR, and no endpoint connects them"
            )
        return path

    def _privatelink(self, consumer: Vpc, provider: Vpc) -> bool:
        """Whether the consumer holds an interface endpoint to the provider's endpoint service (its AZs recorded)."""
        for endpoint in consumer.endpoints:
            if endpoint.type == "interface" and endpoint.provider_vpc == provider.id:
                self._record_endpoint(consumer, endpoint, ("vpc", provider.id))
                return True
        return False

    def _route(self, source: Vpc, destination: Vpc) -> str | None:
        """The path `source`'s route tables give to `destination`'s CIDR blocks (None: no usable route)."""
        blocks = [parse_network(cidr) for cidr in destination.cidrs]
        if not blocks or not source.route_tables:
            return None
        weights: Counter[str | None] = Counter()
        for table in source.route_tables:
            weights[self._table_path(table, source, destination, blocks)] += self._subnet_weight(table, source)
        ranked = weights.most_common()
        if len(ranked) > 1:
            self.notes.append(
                f"As-is: the route tables of {source.id} disagree on the path to {destination.id} "
                f"({', '.join(str(path or 'no route') for path, _ in ranked)}); the path of most subnets is used."
            )
        return ranked[0][0]

    @staticmethod
    def _subnet_weight(table: RouteTable, vpc: Vpc) -> int:
        if not table.main:
            return max(1, len(table.subnets))
        associated = {subnet for other in vpc.route_tables for subnet in other.subnets}
        return max(1, len([subnet for subnet in vpc.subnets if subnet.id not in associated]) + len(table.subnets))

    def _table_path(self, table: RouteTable, source: Vpc, destination: Vpc, blocks: list[Network]) -> str | None:
        primary = blocks[0]
        best_length, best_target = -1, None
        for route in table.routes:
            if route.state != "active" or route.destination.startswith("pl-"):
                continue
            network = parse_network(route.destination)
            if network.version == primary.version and primary.subnet_of(network) and network.prefixlen > best_length:  # type: ignore[arg-type]
                best_length, best_target = network.prefixlen, route
        if best_target is None:
            return None
        kind = best_target.target_kind
        option = _TARGET_OPTIONS.get(kind)
        if kind == "pcx" and self.peerings.get(best_target.target) != frozenset((source.id, destination.id)):
            self.problems.append(
                f"As-is: {table.id} of {source.id} routes {primary} to {best_target.target}, which is not an active "
                f"peering connection between {source.id} and {destination.id}"
            )
            return None
        if kind == "tgw" and not self._tgw_reaches(best_target.target, destination):
            self.problems.append(
                f"As-is: {table.id} of {source.id} routes {primary} to {best_target.target}, but {destination.id} "
                "is not attached to it or to a transit gateway peered with it"
            )
            return None
        if option is None:
            self.problems.append(
                f"As-is: {table.id} of {source.id} routes {primary} to {best_target.target}; vpccost does not price "
                f"paths through {kind} targets"
            )
        return option

    def _tgw_reaches(self, gateway: str, destination: Vpc) -> bool:
        reachable = {gateway} | self.tgw_peers.get(gateway, set())
        return bool(reachable & self.attached.get(destination.id, set()))

    def _service_option(self, vpc_id: str, service: str) -> str:
        vpc = self.vpcs.get(vpc_id)
        endpoints = vpc.endpoints if vpc is not None else []
        interface = [endpoint for endpoint in endpoints if endpoint.type == "interface" and endpoint.service == service]
        if interface:
            assert vpc is not None
            self._record_endpoint(vpc, interface[0], ("service", service))
            return interface_endpoint.NAME
        if any(endpoint.type == "gateway" and endpoint.service == service for endpoint in endpoints):
            return gateway_endpoint.NAME
        if vpc is not None and not any(gateway.connectivity == "public" for gateway in vpc.nat_gateways):
            self._note(
                f"As-is: {vpc_id} has no public NAT gateway and no endpoint for {service}; its calls to {service} are "
                "priced through NAT gateways in its AZs, as they would need one from private subnets."
            )
        return own_nat.NAME
