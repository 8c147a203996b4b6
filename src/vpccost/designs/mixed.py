"""A mixed architecture: each communicating VPC pair and each (VPC, AWS service) connected its own way.

A `Mix` names, for every pair of VPCs that exchange traffic, how they reach each other (`peering`,
`transit-gateway`, `privatelink`, `sharing` or `nat`: over public addresses through the initiator's NAT
gateway), and for every (VPC, AWS service in its region) it calls, how it reaches the service (`nat`,
`gateway-endpoint`, `interface-endpoint` in the VPC, or `central-endpoint`: an interface endpoint in a
shared-services hub VPC reached through the transit gateway). `usage` meters a mix with the same meter
functions the pure designs use, so each pure design is a special case of a mix (`Mix.pure`) and prices to
the same line items; the optimizer searches mixes, and the `as-is` design describes existing connectivity
as one.

Rules beyond the pure designs':
- A communicating pair absent from `Mix.pairs` is unroutable: its flows are not priced and a problem names it.
  A (VPC, service) absent from `Mix.services` goes through the VPC's NAT gateways (the default route).
  Pairs and services that carry no traffic are ignored: a mix says how traffic flows, it is not an inventory.
- `Mix.shared` lists the VPCs whose workloads sit in their region's shared VPC (owned by the network account,
  spanning every AZ the region's workloads use, as in the `sharing` design). A pair may use `sharing` only
  when both VPCs are members, and a member's pairs all use `sharing`; a member reaches AWS services through the
  shared VPC's NAT gateways or a gateway endpoint. Anything else is reported as a problem.
- Transit gateways: one per region; a VPC is attached when one of its pairs uses the TGW or one of its services
  a central endpoint; regions whose VPCs exchange traffic over the TGW are peered.
- Central endpoints: the hub of a region is `Mix.hub_vpc` when it is in that region, else a new hub VPC
  (`hub-<region>`) with 2 AZs and its own TGW attachment, paid by the network account. Per (hub, service):
  an interface endpoint in every AZ of the hub and a Route 53 private hosted zone so that the spokes resolve
  it (billed per started month). The bytes cross the TGW once each way: the spoke's bytes enter from its
  attachment, the service's from the hub's. The hub's own calls to a service cannot be centralized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from typing import Literal, get_args

import numpy as np

from vpccost.designs import nat as nat_design
from vpccost.designs.common import (
    INTERFACE_ENDPOINT,
    InterfaceEndpoints,
    NatGateways,
    communicating_pairs,
    meter_intra_vpc,
    meter_outside_transfer,
    nat_in_own_vpc,
    vpc_to_vpc,
)
from vpccost.designs.nat import meter_public_path
from vpccost.designs.peering import check_quotas, meter_peering
from vpccost.designs.privatelink import meter_endpoint_services
from vpccost.designs.sharing import check_participants, meter_shared, note_overlaps, shared_vpc_nat_homes
from vpccost.designs.transit_gateway import attached_vpcs, meter_attachments, meter_transit, region_pairs
from vpccost.errors import InputError
from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.model.codes import NONE
from vpccost.model.estate import Estate
from vpccost.model.usage import DesignUsage, Meter, Settings, UsageBuilder
from vpccost.units import HOURS_PER_MONTH, exact_arithmetic, format_decimal, rounding_arithmetic

NAME = "optimized"

PairOption = Literal["peering", "transit-gateway", "privatelink", "sharing", "nat"]
ServiceOption = Literal["nat", "gateway-endpoint", "interface-endpoint", "central-endpoint"]
PAIR_OPTIONS: tuple[PairOption, ...] = get_args(PairOption)
SERVICE_OPTIONS: tuple[ServiceOption, ...] = get_args(ServiceOption)

NEW_HUB_AZ_COUNT = 2
"""A new shared-services hub VPC spans two AZs (the least AWS recommends for availability)."""
HOSTED_ZONE = "Route 53 private hosted zone"

PURE_PAIR_OPTION: dict[str, PairOption] = {
    "nat": "nat",
    "peering": "peering",
    "transit-gateway": "transit-gateway",
    "privatelink": "privatelink",
    "sharing": "sharing",
}


def pair_key(first: str, second: str) -> tuple[str, str]:
    """The key of an unordered VPC pair in `Mix.pairs`: the two VPC ids, sorted."""
    return (first, second) if first <= second else (second, first)


def service_key(vpc_id: str, service: str) -> tuple[str, str]:
    """The key of a (VPC, AWS service in its region) in `Mix.services`: the VPC id and `aws:<service>`."""
    return (vpc_id, service if service.startswith("aws:") else f"aws:{service}")


@dataclass(frozen=True)
class Mix:
    """How each communicating VPC pair and each (VPC, AWS service) is connected (see the module docstring)."""

    pairs: Mapping[tuple[str, str], PairOption]
    """Unordered VPC pair (ids, sorted: `pair_key`) -> how the two reach each other."""
    services: Mapping[tuple[str, str], ServiceOption] = field(default_factory=dict)
    """(VPC id, `aws:<service>`) -> how the VPC reaches that service in its own region."""
    shared: frozenset[str] = frozenset()
    """VPC ids whose workloads sit in their region's shared VPC."""
    hub_vpc: str | None = None
    """An existing VPC that hosts the central endpoints of its region (None: a new hub per region)."""

    @classmethod
    def pure(cls, estate: Estate, design: str) -> Mix:
        """The mix that is the pure design `design` (nat, peering, transit-gateway, privatelink, sharing)."""
        option = PURE_PAIR_OPTION[design]
        ids = [vpc.id for vpc in estate.vpcs]
        pairs = {pair_key(ids[x], ids[y]): option for x, y in estate_pairs(estate)}
        service_option: ServiceOption = "interface-endpoint" if design == "privatelink" else "nat"
        services = {service_key(ids[v], estate.services[s]): service_option for v, s in estate_service_keys(estate)}
        shared = frozenset(ids) if design == "sharing" else frozenset()
        return cls(pairs=pairs, services=services, shared=shared)


def estate_pairs(estate: Estate) -> list[tuple[int, int]]:
    """The unordered VPC pairs (codes, lower first) that exchange traffic."""
    f = estate.flows
    between = (f.src.kind == 0) & (f.dst.kind == 0) & (f.src.vpc != f.dst.vpc)
    width = max(1, len(estate.vpcs))
    low = np.minimum(f.src.vpc[between], f.dst.vpc[between]).astype(np.int64)
    high = np.maximum(f.src.vpc[between], f.dst.vpc[between]).astype(np.int64)
    packed = np.unique(low * width + high).tolist()
    return [(code // width, code % width) for code in packed]


def estate_service_keys(estate: Estate) -> list[tuple[int, int]]:
    """The (VPC code, service code) pairs whose calls could use an endpoint: initiated by the VPC, to a named
    AWS service in its own region."""
    o = estate.outside
    rows = o.endpoint_reachable
    width = len(estate.services) + 1
    packed = np.unique(o.vpc[rows].astype(np.int64) * width + o.service[rows]).tolist()
    return [(code // width, code % width) for code in packed]


def usage(estate: Estate, options: Settings, mix: Mix, *, name: str = NAME) -> DesignUsage:
    """Meter the mixed architecture `mix` for the estate, as design `name` (exact arithmetic)."""
    with exact_arithmetic():
        return _Metering(estate, options, mix, name).run()


class _Metering:
    def __init__(self, estate: Estate, options: Settings, mix: Mix, name: str) -> None:
        self.b = UsageBuilder(name, estate, options)
        self.estate = estate
        self.mix = mix
        self.ids = self.b.vpc_ids
        self.member = np.array([vpc_id in mix.shared for vpc_id in self.ids] + [False], dtype=bool)
        self.hub = self._hub_code()

    def _hub_code(self) -> int:
        if self.mix.hub_vpc is None:
            return NONE
        for code, vpc in enumerate(self.estate.vpcs):
            if self.mix.hub_vpc in (vpc.id, vpc.name):
                return code
        raise InputError(f"hub VPC '{self.mix.hub_vpc}' carries no traffic in this estate", field="hub_vpc")

    def run(self) -> DesignUsage:
        b = self.b
        meter_intra_vpc(b)
        between = vpc_to_vpc(b)
        pair_option = self._pair_options(between)
        rows = {option: between & (pair_option == index) for index, option in enumerate(PAIR_OPTIONS)}
        nat = NatGateways(b)
        endpoints = InterfaceEndpoints(b)
        meter_peering(b, rows["peering"])
        meter_transit(b, rows["transit-gateway"])
        meter_endpoint_services(b, rows["privatelink"], endpoints)
        meter_shared(b, rows["sharing"])
        meter_public_path(b, rows["nat"], nat)
        central = self._meter_outside(nat, endpoints)
        attached = set(attached_vpcs(b, rows["transit-gateway"])) | central.spokes
        if central.hubs_attached:
            attached |= {code for code in central.hubs_attached if code != NONE}
        meter_attachments(
            b, sorted(attached), region_pairs(b, rows["transit-gateway"]), other_attachments=central.new_hubs
        )
        endpoints.meter_endpoints()
        nat.meter_gateways()
        if rows["nat"].any():
            b.assume(nat_design.PUBLIC_PATH_ASSUMPTION)
        peered = communicating_pairs(b, rows["peering"])
        self._report_overlaps(peered, "VPC peering")
        self._report_overlaps(communicating_pairs(b, rows["transit-gateway"]), "a transit gateway")
        check_quotas(b, peered)
        if self.member[:-1].any():
            check_participants(b, self.member[:-1])
            note_overlaps(b, self.member[:-1])
        return b.usage

    def _pair_options(self, between: np.ndarray) -> np.ndarray:
        """Each flow's pair option (an index into PAIR_OPTIONS), NONE for an unroutable pair; problems for
        unroutable pairs and misplaced sharing."""
        b, f, ids = self.b, self.b.flows, self.ids
        width = max(1, len(ids))
        low = np.minimum(f.src.vpc, f.dst.vpc).astype(np.int64)
        high = np.maximum(f.src.vpc, f.dst.vpc).astype(np.int64)
        packed = np.where(between, low * width + high, -1)
        codes, pair_of_flow = np.unique(packed[between], return_inverse=True)
        option_of_pair = np.full(len(codes), NONE, dtype=np.int64)
        unroutable = []
        for index, code in enumerate(codes.tolist()):
            x, y = code // width, code % width
            option = self.mix.pairs.get(pair_key(ids[x], ids[y]))
            if option is None:
                unroutable.append(index)
                continue
            if option not in PAIR_OPTIONS:
                raise ValueError(f"unknown pair option '{option}' for {ids[x]} and {ids[y]}")
            option_of_pair[index] = PAIR_OPTIONS.index(option)
            self._check_sharing(x, y, option)
        per_flow = np.full(len(f), NONE, dtype=np.int64)
        per_flow[between] = option_of_pair[pair_of_flow]
        if unroutable:
            gb = np.zeros(len(codes), dtype=object)
            np.add.at(gb, pair_of_flow, f.volume[between].astype(object))
            vpcs = self.estate.vpcs
            for index in unroutable:
                x, y = int(codes[index]) // width, int(codes[index]) % width
                volume = format_decimal(Decimal(int(gb[index])) * self.estate.gb_per_unit)
                b.problem(
                    f"{vpcs[x].label} and {vpcs[y].label} exchange traffic ({volume} GB) but no connection "
                    "between them is chosen: unroutable, not priced"
                )
        return per_flow

    def _check_sharing(self, x: int, y: int, option: PairOption) -> None:
        vpcs = self.estate.vpcs
        if option == "sharing":
            outside = [vpcs[code].label for code in (x, y) if not self.member[code]]
            if outside:
                self.b.problem(
                    f"{vpcs[x].label} and {vpcs[y].label} are to share a VPC, but {', '.join(outside)} "
                    "is not placed in the shared VPC"
                )
        elif self.member[x] or self.member[y]:
            member = vpcs[x] if self.member[x] else vpcs[y]
            self.b.problem(
                f"{member.label} sits in the shared VPC, so its traffic with "
                f"{(vpcs[y] if member is vpcs[x] else vpcs[x]).label} must use sharing, not {option}"
            )

    def _report_overlaps(self, pairs: np.ndarray, phrase: str) -> None:
        vpcs = self.estate.vpcs
        overlapping = self.estate.overlapping_cidrs
        for x, y in pairs.tolist():
            overlaps = overlapping.get((x, y))
            if overlaps:
                self.b.problem(
                    f"{vpcs[x].label} and {vpcs[y].label} have overlapping CIDRs ({', '.join(overlaps)}) "
                    f"and exchange traffic: {phrase} cannot route between them"
                )

    def _service_options(self) -> np.ndarray:
        """Each flow's service option (an index into SERVICE_OPTIONS) for calls that could use an endpoint;
        NONE elsewhere. Calls absent from the mix go through NAT."""
        estate, o = self.estate, self.estate.outside
        rows = o.endpoint_reachable
        per_flow = np.full(len(estate.flows), NONE, dtype=np.int64)
        if not rows.any():
            return per_flow
        width = len(estate.services) + 1
        codes, key_of_flow = np.unique(o.vpc[rows].astype(np.int64) * width + o.service[rows], return_inverse=True)
        chosen = np.zeros(len(codes), dtype=np.int64)
        for index, code in enumerate(codes.tolist()):
            vpc, service = self.estate.vpcs[code // width], estate.services[code % width]
            option = self.mix.services.get(service_key(vpc.id, service), "nat")
            if option not in SERVICE_OPTIONS:
                raise ValueError(f"unknown service option '{option}' for {vpc.id} and aws:{service}")
            chosen[index] = SERVICE_OPTIONS.index(option)
            self._check_service(code // width, service, option)
        per_flow[rows] = chosen[key_of_flow]
        return per_flow

    def _check_service(self, vpc_code: int, service: str, option: ServiceOption) -> None:
        label = self.estate.vpcs[vpc_code].label
        if option == "gateway-endpoint" and service not in GATEWAY_ENDPOINT_SERVICES:
            self.b.problem(f"{label}: aws:{service} has no gateway endpoint (only S3 and DynamoDB do); not priced")
        if self.member[vpc_code] and option not in ("nat", "gateway-endpoint"):
            self.b.problem(
                f"{label} sits in the shared VPC: its calls to aws:{service} use the shared VPC's NAT gateways or "
                f"a gateway endpoint, not {option}; not priced"
            )
        if option == "central-endpoint" and vpc_code == self.hub:
            self.b.problem(f"{label} is the hub: its own calls to aws:{service} cannot use a central endpoint")
        if (
            option == "central-endpoint"
            and self.hub != NONE
            and self.estate.vpcs[self.hub].region == (self.estate.vpcs[vpc_code].region)
        ):
            overlaps = self.estate.overlapping_cidrs.get((min(vpc_code, self.hub), max(vpc_code, self.hub)))
            if overlaps:
                self.b.problem(
                    f"{label} overlaps the hub {self.estate.vpcs[self.hub].label} ({', '.join(overlaps)}): "
                    "the transit gateway cannot route to its central endpoints"
                )

    def _meter_outside(self, nat: NatGateways, endpoints: InterfaceEndpoints) -> _Central:
        """Traffic between a VPC and the internet or an AWS service, each call the way the mix says."""
        b, estate, o = self.b, self.estate, self.estate.outside
        central = _Central()
        if not o.rows.any():
            return central
        option = self._service_options()
        # calls the mix sends a way they cannot go are reported by `_service_options` and not priced
        has_gateway = np.array([name in GATEWAY_ENDPOINT_SERVICES for name in estate.services] + [False])
        endpoint = (option == SERVICE_OPTIONS.index("interface-endpoint")) | (
            option == SERVICE_OPTIONS.index("central-endpoint")
        )
        usable = ~(
            ((option == SERVICE_OPTIONS.index("gateway-endpoint")) & ~has_gateway[o.service])
            | (endpoint & self.member[o.vpc])
            | ((option == SERVICE_OPTIONS.index("central-endpoint")) & (o.vpc == self.hub))
        )
        through_nat = o.nat_processed & ((option == NONE) | (option == SERVICE_OPTIONS.index("nat"))) & usable
        member = self.member[o.vpc]
        nat.process(
            through_nat & ~member, nat_in_own_vpc(b, o.vpc), workload_az=o.vpc_az, workload_account=o.vpc_account
        )
        if (through_nat & member).any():
            homes = shared_vpc_nat_homes(b)
            nat.process(
                through_nat & member,
                replace(homes, home=b.vpc_region[o.vpc]),
                workload_az=o.vpc_az,
                workload_account=o.vpc_account,
            )
        endpoints.process(
            (option == SERVICE_OPTIONS.index("interface-endpoint")) & usable, o.vpc, o.service, estate.services
        )
        central_rows = (option == SERVICE_OPTIONS.index("central-endpoint")) & usable
        if central_rows.any():
            self._meter_central(central_rows, central)
        if ((option == SERVICE_OPTIONS.index("gateway-endpoint")) & usable).any():
            b.assume("Gateway endpoints (S3, DynamoDB) have no hourly or data processing charge.")
        meter_outside_transfer(b)
        return central

    def _meter_central(self, rows: np.ndarray, central: _Central) -> None:
        """Calls to interface endpoints in the region's hub VPC, through the transit gateway."""
        b, estate, o = self.b, self.estate, self.estate.outside
        network_account = estate.accounts[estate.network_account]
        hub_region = estate.vpcs[self.hub].region if self.hub != NONE else None
        # one hub per region: its name, owner, AZ count, and the VPC code when it is an existing VPC
        hub_names: list[str] = []
        hub_regions: list[str] = []
        hub_owner: list[int] = []
        hub_azs: list[int] = []
        hub_vpc: list[int] = []
        hub_of_region = np.full(len(estate.regions), NONE, dtype=np.int64)
        for region_code in np.unique(o.vpc_region[rows]).tolist():
            region = estate.regions[region_code]
            hub_of_region[region_code] = len(hub_names)
            hub_regions.append(region)
            if region == hub_region:
                info = estate.vpcs[self.hub]
                hub_names.append(info.id)
                hub_owner.append(int(estate.vpc_owner_codes[self.hub]))
                hub_azs.append(len(info.azs))
                hub_vpc.append(self.hub)
            else:
                hub_names.append(f"hub-{region}")
                hub_owner.append(estate.network_account)
                hub_azs.append(NEW_HUB_AZ_COUNT)
                hub_vpc.append(NONE)
                central.new_hubs.append((region, network_account, f"hub-{region}/tgw-attachment"))
        hub = hub_of_region[o.vpc_region]
        owner = np.array(hub_owner, dtype=np.int32)[np.where(rows, hub, 0)]
        width = len(estate.services) + 1
        codes, endpoint_of_flow = np.unique(hub[rows] * width + o.service[rows], return_inverse=True)
        names = [f"{hub_names[code // width]}/vpce:{estate.services[code % width]}" for code in codes.tolist()]
        per_flow = np.full(len(estate.flows), NONE, dtype=np.int64)
        per_flow[rows] = endpoint_of_flow
        b.per_gb(
            f"Data processed ({INTERFACE_ENDPOINT}, central)", "vpc_endpoint_bytes", rows, region=o.vpc_region,
            payer=owner, resource=per_flow, resource_names=names,
        )  # fmt: skip
        spoke_sends = rows & o.vpc_sends
        b.per_gb(
            "Data processed (Transit gateway)", "transit_gateway_bytes", spoke_sends, region=o.vpc_region,
            payer=b.vpc_owner[o.vpc], resource=o.vpc, resource_names=b.vpc_resources("tgw-attachment"),
        )  # fmt: skip
        attachment_names = [
            f"{name}/tgw-attachment" if vpc == NONE else f"{estate.vpcs[vpc].id}/tgw-attachment"
            for name, vpc in zip(hub_names, hub_vpc, strict=True)
        ]
        b.per_gb(
            "Data processed (Transit gateway)", "transit_gateway_bytes", rows & ~o.vpc_sends, region=o.vpc_region,
            payer=owner, resource=np.where(rows, hub, 0), resource_names=attachment_names,
        )  # fmt: skip
        months = hosted_zone_months(b.options.period_hours)
        for code, name in zip(codes.tolist(), names, strict=True):
            index = code // width
            region, payer = hub_regions[index], hub_owner[index]
            b.hourly(
                f"{INTERFACE_ENDPOINT} (per AZ)", "vpc_endpoint_hours", region=region,
                payer=estate.accounts[payer], resource=name, count=hub_azs[index],
            )  # fmt: skip
            zone = f"{hub_names[index]}/phz:{estate.services[code % width]}"
            hosted_zone = Meter(HOSTED_ZONE, "route53_hosted_zone_months", "global", None, estate.accounts[payer],
                                zone, None, months)  # fmt: skip
            b.usage.meters.append(hosted_zone)
        central.spokes = set(np.unique(o.vpc[rows]).tolist())
        central.hubs_attached = hub_vpc
        b.assume(
            f"Central interface endpoints sit in a shared-services hub VPC per region (a new one has "
            f"{NEW_HUB_AZ_COUNT} AZs and its own TGW attachment, paid by the network account), reached through the "
            "transit gateway; each centralized service needs a Route 53 private hosted zone, billed per started month."
        )


def hosted_zone_months(period_hours: Decimal) -> Decimal:
    """Months a hosted zone is billed for over the period: AWS charges a zone for every month it exists in,
    a started month in full."""
    with rounding_arithmetic():
        return (period_hours / HOURS_PER_MONTH).to_integral_value(rounding=ROUND_CEILING)


@dataclass
class _Central:
    """What central endpoints add to the transit gateways: spoke VPCs and existing hubs to attach, new hubs."""

    spokes: set[int] = field(default_factory=set)
    hubs_attached: list[int] = field(default_factory=list)
    new_hubs: list[tuple[str, str, str]] = field(default_factory=list)
