"""Region views merged into one `Topology`: what `vpccost.aws.discovery` read, account by account and region
by region, becomes one estate.

Objects are merged by id: the first view, in account then region order, gives each object; lists inside an object
are united (a TGW attachment's subnets, seen by the TGW owner and by the attacher). Only live objects are kept:
NAT gateways, transit gateways and attachments in `LIVE_STATES`, peerings in `KEPT_PEERING_STATUSES`, endpoints
not deleted, failed, rejected or expired. Subnets outside an Availability Zone of their region (Local and
Wavelength Zones) are left out, and so are the references to them. An ENI is a middlebox when a NAT gateway or an
endpoint names it, or by its InterfaceType (`vpccost.model.aws_facts.INTERFACE_TYPES`) and description; other ENIs
are kept only when workload interfaces are asked for. An ENI's type is written as EC2 reports it, unless that type
does not say what the ENI was found to be (an Application Load Balancer's ENIs report `interface`): then EC2's type
for its kind (`INTERFACE_TYPE_OF_KIND`). An InterfaceType vpccost does not know is read as a workload, with a
warning. Objects are sorted by id and routes by destination, so two runs over the same estate give the same
topology. What cannot be kept (an unknown route target, endpoint type or attachment kind; an object the topology
model refuses) becomes a warning, never an error.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import ValidationError

from vpccost.inputs.topology import (
    AttachmentType,
    Endpoint,
    FlowLog,
    Interface,
    NatGateway,
    PeeringConnection,
    Route,
    RouteTable,
    Subnet,
    Topology,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
)
from vpccost.model.aws_facts import (
    INTERFACE_TYPE_OF_KIND,
    NAT_GATEWAY_ENI,
    TGW_ATTACHMENT_ENI,
    VPC_ENDPOINT_ENI,
    InterfaceKind,
    az_id_region,
    interface_kind,
    is_region,
)

LIVE_STATES = frozenset({"available", "pending", "pendingAcceptance", "modifying", "initiating", "initiatingRequest"})
KEPT_PEERING_STATUSES = frozenset({"active", "pending-acceptance", "provisioning"})
ENDPOINT_TYPES = {"Gateway": "gateway", "Interface": "interface", "GatewayLoadBalancer": "gateway_load_balancer"}

ROUTE_TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)
"""Where a route sends packets; an instance route also names the instance's ENI, which is the more exact target."""

_AWS_SERVICE_NAME = re.compile(r"^com\.amazonaws\.(?P<region>[a-z]{2}(-[a-z]+)+-\d)\.(?P<service>[a-z0-9.-]+)$")
_TGW_ATTACHMENT_IN_DESCRIPTION = re.compile(r"\b(tgw-attach-[0-9a-f]+)\b")
_ELB_DESCRIPTION = re.compile(r"^ELB (?P<kind>app|net|gwy)/(?P<name>\S+)")


@dataclass
class RegionView:
    """What one account sees in one region: the raw API items per operation."""

    account: str
    region: str
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    load_balancer_vpcs: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, operation: str) -> list[dict[str, Any]]:
        return self.items.get(operation, [])


def balancer_arns(service: dict[str, Any]) -> list[str]:
    """The load balancers behind an endpoint service (an item of DescribeVpcEndpointServiceConfigurations)."""
    return [*service.get("NetworkLoadBalancerArns", []), *service.get("GatewayLoadBalancerArns", [])]


def _name(item: dict[str, Any]) -> str | None:
    for tag in item.get("Tags") or item.get("TagSet") or []:
        if tag.get("Key") == "Name" and tag.get("Value"):
            return str(tag["Value"])
    return None


@dataclass
class _VpcParts:
    vpc: dict[str, Any]
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    nat_gateways: dict[str, NatGateway] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    interfaces: dict[str, Interface] = field(default_factory=dict)


class TopologyBuilder:
    """Merges region views into one topology: objects by id (the first view, in account then region order,
    gives each object; lists inside an object are united), references to what was left out removed."""

    def __init__(self, *, workload_interfaces: bool) -> None:
        self.workload_interfaces = workload_interfaces
        self.warnings: list[str] = []
        self.vpcs: dict[str, _VpcParts] = {}
        self.zone_ids: dict[tuple[str, str], dict[str, str]] = {}
        self.subnet_vpc: dict[str, str] = {}
        self.left_out_subnets: set[str] = set()
        self.peerings: dict[str, PeeringConnection] = {}
        self.gateways: dict[str, dict[str, Any]] = {}
        self.attachments: dict[str, dict[str, TransitGatewayAttachment]] = {}
        self.flow_logs: dict[str, FlowLog] = {}
        self.service_vpcs: dict[str, str] = {}
        self.unknown_interface_types: set[str] = set()

    def build(self, views: list[RegionView]) -> Topology:
        # in passes, so that what one view refers to is known whichever view brought it
        passes: list[list[Callable[[RegionView], None]]] = [
            [self._zones, self._vpcs],
            [self._subnets],
            [self._services, self._route_tables],
            [self._nat_gateways, self._endpoints, self._peerings, self._transit_gateways],
            [self._attachments, self._interfaces, self._flow_logs],
        ]
        for steps in passes:
            for view in views:
                for step in steps:
                    step(view)
        return self._topology()

    # -- per kind of object ---------------------------------------------------------------------------------

    def _zones(self, view: RegionView) -> None:
        zones = view.get("DescribeAvailabilityZones")
        self.zone_ids[(view.account, view.region)] = {zone["ZoneName"]: zone["ZoneId"] for zone in zones}

    def _vpcs(self, view: RegionView) -> None:
        for item in view.get("DescribeVpcs"):
            vpc_id = item["VpcId"]
            if vpc_id in self.vpcs:
                continue
            cidrs = [
                block["CidrBlock"]
                for block in item.get("CidrBlockAssociationSet", [])
                if _block_in_use(block.get("CidrBlockState"))
            ]
            cidrs += [
                block["Ipv6CidrBlock"]
                for block in item.get("Ipv6CidrBlockAssociationSet", [])
                if _block_in_use(block.get("Ipv6CidrBlockState")) and block.get("Ipv6CidrBlock")
            ]
            entry = {"id": vpc_id, "account": str(item.get("OwnerId") or view.account), "region": view.region}
            entry["cidrs"] = cidrs or [item["CidrBlock"]]
            name = _name(item)
            if name is not None:
                entry["name"] = name
            self.vpcs[vpc_id] = _VpcParts(vpc=entry)

    def _subnets(self, view: RegionView) -> None:
        for item in view.get("DescribeSubnets"):
            subnet_id, parts = item["SubnetId"], self.vpcs.get(item.get("VpcId", ""))
            if parts is None or subnet_id in parts.subnets:
                continue
            az = item.get("AvailabilityZoneId") or self._zone_id(view, item.get("AvailabilityZone"))
            if az is None or az_id_region(az) != view.region:
                self.warnings.append(
                    f"{subnet_id} ({item.get('AvailabilityZone')}, {az}) left out: not in an Availability Zone of "
                    f"{view.region} (Local and Wavelength Zones are not priced)"
                )
                self.left_out_subnets.add(subnet_id)
                continue
            ipv6 = [
                block["Ipv6CidrBlock"]
                for block in item.get("Ipv6CidrBlockAssociationSet", [])
                if _block_in_use(block.get("Ipv6CidrBlockState"))
            ]
            cidr = item.get("CidrBlock") or (ipv6[0] if ipv6 else None)
            if cidr is None:
                continue
            ipv6_cidr = ipv6[0] if ipv6 and item.get("CidrBlock") else None
            parts.subnets[subnet_id] = Subnet(id=subnet_id, cidr=cidr, az=az, ipv6_cidr=ipv6_cidr)
            self.subnet_vpc[subnet_id] = item["VpcId"]

    def _services(self, view: RegionView) -> None:
        """PrivateLink services published by the accounts read: the VPC of each one's load balancer."""
        for service in view.get("DescribeVpcEndpointServiceConfigurations"):
            vpcs = {view.load_balancer_vpcs[arn] for arn in balancer_arns(service) if arn in view.load_balancer_vpcs}
            if len(vpcs) == 1 and service.get("ServiceName"):
                self.service_vpcs[service["ServiceName"]] = vpcs.pop()

    def _route_tables(self, view: RegionView) -> None:
        for item in view.get("DescribeRouteTables"):
            parts = self.vpcs.get(item.get("VpcId", ""))
            if parts is None or item["RouteTableId"] in parts.route_tables:
                continue
            associations = [a for a in item.get("Associations", []) if _associated(a)]
            routes = [route for route in map(self._route, item.get("Routes", [])) if route is not None]
            parts.route_tables[item["RouteTableId"]] = RouteTable(
                id=item["RouteTableId"],
                main=any(association.get("Main") for association in associations),
                subnets=self._subnet_refs(association.get("SubnetId") for association in associations),
                routes=sorted(routes, key=_route_order),
            )

    def _route(self, item: dict[str, Any]) -> Route | None:
        destination = (
            item.get("DestinationCidrBlock")
            or item.get("DestinationIpv6CidrBlock")
            or item.get("DestinationPrefixListId")
        )
        target = next((item[key] for key in ROUTE_TARGET_KEYS if item.get(key)), None)
        if destination is None or target is None:
            return None
        state = "blackhole" if item.get("State") == "blackhole" else "active"
        try:
            return Route(destination=destination, target=target, state=state)
        except ValidationError:
            self.warnings.append(f"route {destination} -> {target} left out: vpccost does not know this target")
            return None

    def _nat_gateways(self, view: RegionView) -> None:
        for item in view.get("DescribeNatGateways"):
            parts = self.vpcs.get(item.get("VpcId", ""))
            if parts is None or item["NatGatewayId"] in parts.nat_gateways or item.get("State") not in LIVE_STATES:
                continue
            mode = str(item.get("AvailabilityMode") or "zonal").lower()
            subnet = item.get("SubnetId")
            az = parts.subnets[subnet].az if mode == "zonal" and subnet in parts.subnets else None
            parts.nat_gateways[item["NatGatewayId"]] = NatGateway(
                id=item["NatGatewayId"],
                az=az,
                subnet=subnet if subnet in parts.subnets else None,
                # a public NAT gateway is the default: the API (and moto) may leave ConnectivityType out
                connectivity="private" if item.get("ConnectivityType") == "private" else "public",
                availability_mode="regional" if mode == "regional" else "zonal",
                azs=self._active_azs(view, item) if mode == "regional" else [],
            )

    def _active_azs(self, view: RegionView, item: dict[str, Any]) -> list[str]:
        """The AZ IDs where a regional NAT gateway is active: those of its addresses (each one handles the
        outbound traffic of its AZ)."""
        zones: set[str] = set()
        for address in item.get("NatGatewayAddresses", []):
            az = address.get("AvailabilityZoneId") or self._zone_id(view, address.get("AvailabilityZone"))
            if az is not None and az_id_region(az) == view.region:
                zones.add(az)
        return sorted(zones)

    def _endpoints(self, view: RegionView) -> None:
        for item in view.get("DescribeVpcEndpoints"):
            parts = self.vpcs.get(item.get("VpcId", ""))
            endpoint_id = item["VpcEndpointId"]
            if (
                parts is None
                or endpoint_id in parts.endpoints
                or item.get("State", "available").lower()
                in {
                    "deleted",
                    "deleting",
                    "failed",
                    "rejected",
                    "expired",
                }
            ):
                continue
            # the API always gives VpcEndpointType; moto leaves it out for gateway endpoints, which alone have
            # route tables and no subnets
            kind = item.get("VpcEndpointType") or ("Interface" if item.get("SubnetIds") else "Gateway")
            if kind not in ENDPOINT_TYPES:
                self.warnings.append(
                    f"{endpoint_id} ({kind} endpoint) left out: vpccost prices {', '.join(ENDPOINT_TYPES)}"
                )
                continue
            subnets = self._subnet_refs(item.get("SubnetIds", []))
            service_name = item["ServiceName"]
            match = _AWS_SERVICE_NAME.match(service_name)
            tables = set(parts.route_tables)
            parts.endpoints[endpoint_id] = Endpoint(
                id=endpoint_id,
                type=ENDPOINT_TYPES[kind],
                service_name=service_name,
                service=match.group("service") if match else None,
                provider_vpc=self.service_vpcs.get(service_name),
                azs=sorted({parts.subnets[subnet].az for subnet in subnets if subnet in parts.subnets}),
                subnets=subnets,
                route_tables=sorted(t for t in item.get("RouteTableIds", []) if not tables or t in tables),
                private_dns=kind != "Gateway" and bool(item.get("PrivateDnsEnabled")),  # moto sets it on gateways
            )

    def _peerings(self, view: RegionView) -> None:
        for item in view.get("DescribeVpcPeeringConnections"):
            peering_id, status = item["VpcPeeringConnectionId"], item.get("Status", {}).get("Code", "")
            if peering_id in self.peerings or status not in KEPT_PEERING_STATUSES:
                continue
            requester, accepter = item.get("RequesterVpcInfo", {}), item.get("AccepterVpcInfo", {})
            self.peerings[peering_id] = PeeringConnection(
                id=peering_id,
                requester=requester["VpcId"],
                accepter=accepter["VpcId"],
                status=status,
                requester_account=requester.get("OwnerId"),
                requester_region=_known_region(requester.get("Region")),
                accepter_account=accepter.get("OwnerId"),
                accepter_region=_known_region(accepter.get("Region")),
            )
            if status != "active":
                self.warnings.append(
                    f"{peering_id} ({requester['VpcId']} -> {accepter['VpcId']}) is {status}: recorded, but it carries "
                    "no traffic until it is accepted"
                )

    def _transit_gateways(self, view: RegionView) -> None:
        for item in view.get("DescribeTransitGateways"):
            if item["TransitGatewayId"] in self.gateways or item.get("State") not in LIVE_STATES:
                continue
            self.gateways[item["TransitGatewayId"]] = {
                "id": item["TransitGatewayId"],
                "name": _name(item),
                "account": str(item.get("OwnerId") or view.account),
                "region": view.region,
            }

    def _attachments(self, view: RegionView) -> None:
        vpc_subnets = {
            item["TransitGatewayAttachmentId"]: item.get("SubnetIds", [])
            for item in view.get("DescribeTransitGatewayVpcAttachments")
            if item.get("VpcId")  # moto lists peering attachments here too, without a VPC
        }
        peers = {
            item["TransitGatewayAttachmentId"]: item
            for item in view.get("DescribeTransitGatewayPeeringAttachments")
            if item.get("RequesterTgwInfo")  # moto lists VPC attachments here too, without the TGWs
        }
        for item in view.get("DescribeTransitGatewayAttachments"):
            attachment_id, kind = item["TransitGatewayAttachmentId"], item.get("ResourceType", "")
            if item.get("State") not in LIVE_STATES:
                continue
            if kind not in get_args(AttachmentType):
                self.warnings.append(f"{attachment_id} ({kind} attachment) left out: not a kind vpccost prices")
                continue
            tgw = item["TransitGatewayId"]
            if tgw not in self.gateways:
                # a TGW shared with an account read, whose owner was not read: known from the attachment
                self.gateways[tgw] = {
                    "id": tgw,
                    "name": None,
                    "account": item.get("TransitGatewayOwnerId") or view.account,
                    "region": view.region,
                }
            entry: dict[str, Any] = {
                "id": attachment_id,
                "type": kind,
                "account": item.get("ResourceOwnerId"),
                "state": item.get("State", "available"),
            }
            if kind == "vpc":
                entry["vpc"] = item.get("ResourceId")
                entry["subnets"] = sorted(vpc_subnets.get(attachment_id, []))
                self._add_attachment(tgw, entry)
            elif kind == "peering":
                peering = peers.get(attachment_id)
                sides = [peering["RequesterTgwInfo"], peering["AccepterTgwInfo"]] if peering else []
                # each side of a TGW peering has the attachment (and is billed for it): record it on every TGW read
                for side in sides or [{"TransitGatewayId": tgw}]:
                    here = side["TransitGatewayId"]
                    other = next((s for s in sides if s is not side), None)
                    if here != tgw and here not in self.gateways:
                        continue
                    self._add_attachment(
                        here,
                        entry
                        | {
                            "peer_transit_gateway": other["TransitGatewayId"] if other else item.get("ResourceId"),
                            "peer_region": _known_region(other.get("Region")) if other else None,
                            "peer_account": other.get("OwnerId") if other else item.get("ResourceOwnerId"),
                            "account": other.get("OwnerId") if other else item.get("ResourceOwnerId"),
                        },
                    )
            else:
                self._add_attachment(tgw, entry)

    def _add_attachment(self, tgw: str, entry: dict[str, Any]) -> None:
        known = self.attachments.setdefault(tgw, {})
        previous = known.get(entry["id"])
        if previous is not None:
            # seen by the TGW owner and by the attacher: unite what each could see
            subnets = sorted(set(previous.subnets) | set(entry.get("subnets", [])))
            known[entry["id"]] = previous.model_copy(update={"subnets": subnets})
            return
        entry = {key: value for key, value in entry.items() if value is not None}
        try:
            known[entry["id"]] = TransitGatewayAttachment.model_validate(entry)
        except ValidationError as error:
            self.warnings.append(f"{entry['id']} left out: {error.errors()[0]['msg']}")

    def _interfaces(self, view: RegionView) -> None:
        owners = self._middlebox_owners(view)
        for item in view.get("DescribeNetworkInterfaces"):
            eni, parts = item["NetworkInterfaceId"], self.vpcs.get(item.get("VpcId", ""))
            if parts is None or eni in parts.interfaces or item.get("SubnetId") in self.left_out_subnets:
                continue
            reported = str(item.get("InterfaceType") or "")
            if reported and interface_kind(reported) is None and eni not in owners:
                self._unknown_interface_type(reported, eni)
            kind, resource = owners.get(eni) or _classify(item)
            if kind == "workload" and not self.workload_interfaces:
                continue
            subnet = parts.subnets.get(item.get("SubnetId", ""))
            az = subnet.az if subnet is not None else self._zone_id(view, item.get("AvailabilityZone"))
            ips = [address["PrivateIpAddress"] for address in item.get("PrivateIpAddresses", [])]
            ips += [address["Ipv6Address"] for address in item.get("Ipv6Addresses", [])]
            if not ips and item.get("PrivateIpAddress"):
                ips = [item["PrivateIpAddress"]]
            owner = str(item.get("OwnerId") or view.account)
            parts.interfaces[eni] = Interface(
                id=eni,
                ips=sorted(set(ips), key=lambda ip: (ipaddress.ip_address(ip).version, ipaddress.ip_address(ip))),
                type=reported if interface_kind(reported) == kind else INTERFACE_TYPE_OF_KIND[kind],
                az=az if az is not None and az_id_region(az) == view.region else None,
                resource=resource,
                account=owner if owner != parts.vpc["account"] else None,
            )

    def _unknown_interface_type(self, reported: str, eni: str) -> None:
        """Warn once per InterfaceType that `INTERFACE_TYPES` lacks (AWS adds types): its ENIs are workloads."""
        if reported not in self.unknown_interface_types:
            self.unknown_interface_types.add(reported)
            self.warnings.append(
                f"InterfaceType '{reported}' ({eni}) is not one vpccost knows: such ENIs are read as workloads"
            )

    def _middlebox_owners(self, view: RegionView) -> dict[str, tuple[InterfaceKind, str]]:
        """ENIs that NAT gateways and endpoints name as theirs: exact even where the ENI's own type is not set."""
        owners: dict[str, tuple[InterfaceKind, str]] = {}
        for gateway in view.get("DescribeNatGateways"):
            for address in gateway.get("NatGatewayAddresses", []):
                if address.get("NetworkInterfaceId"):
                    owners[address["NetworkInterfaceId"]] = (NAT_GATEWAY_ENI, gateway["NatGatewayId"])
        for endpoint in view.get("DescribeVpcEndpoints"):
            for eni in endpoint.get("NetworkInterfaceIds", []):
                owners[eni] = (VPC_ENDPOINT_ENI, endpoint["VpcEndpointId"])
        return owners

    def _flow_logs(self, view: RegionView) -> None:
        for item in view.get("DescribeFlowLogs"):
            if item["FlowLogId"] in self.flow_logs:
                continue
            options = item.get("DestinationOptions") or {}
            entry = {
                "id": item["FlowLogId"],
                "resource": item["ResourceId"],
                "traffic_type": item.get("TrafficType", "ALL"),
                "destination_type": item.get("LogDestinationType", "cloud-watch-logs"),
                "destination": item.get("LogDestination") or item.get("LogGroupName"),
                "log_format": item.get("LogFormat"),
                "max_aggregation_interval_s": item.get("MaxAggregationInterval", 600),
                "file_format": options.get("FileFormat"),
                "hive_compatible_partitions": options.get("HiveCompatiblePartitions"),
                "per_hour_partition": options.get("PerHourPartition"),
                "account": view.account,
                "region": view.region,
            }
            try:
                self.flow_logs[item["FlowLogId"]] = FlowLog.model_validate(
                    {key: value for key, value in entry.items() if value is not None}
                )
            except ValidationError as error:
                self.warnings.append(f"{item['FlowLogId']} left out: {error.errors()[0]['msg']}")

    # -- assembling -----------------------------------------------------------------------------------------

    def _topology(self) -> Topology:
        vpcs: list[Vpc] = []
        for vpc_id in sorted(self.vpcs):
            parts = self.vpcs[vpc_id]
            subnets = sorted(parts.subnets.values(), key=lambda subnet: subnet.id)
            document = parts.vpc | {
                "azs": sorted({subnet.az for subnet in subnets}),
                "subnets": subnets,
                "interfaces": _by_id(parts.interfaces),
                "route_tables": _by_id(parts.route_tables),
                "nat_gateways": _by_id(parts.nat_gateways),
                "endpoints": _by_id(parts.endpoints),
            }
            try:
                vpcs.append(Vpc.model_validate(document))
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(part) for part in problem["loc"])
                self.warnings.append(f"{vpc_id} left out: {where}: {problem['msg']}")
        gateways = [
            TransitGateway.model_validate(
                {key: value for key, value in gateway.items() if value is not None}
                | {"attachments": _by_id(self.attachments.get(gateway_id, {}))}
            )
            for gateway_id, gateway in sorted(self.gateways.items())
        ]
        return Topology(
            vpcs=vpcs,
            peering_connections=_by_id(self.peerings),
            transit_gateways=gateways,
            flow_logs=_by_id(self.flow_logs),
        )

    def _zone_id(self, view: RegionView, zone_name: str | None) -> str | None:
        """AZ names map to IDs differently in each account: look the name up in the account's own map."""
        if zone_name is None:
            return None
        return self.zone_ids.get((view.account, view.region), {}).get(zone_name)

    def _subnet_refs(self, subnets: Iterable[str | None]) -> list[str]:
        return sorted({subnet for subnet in subnets if subnet and subnet not in self.left_out_subnets})


CIDR_STATES_NOT_IN_USE = frozenset({"associating", "disassociating", "disassociated", "failing", "failed"})


def _block_in_use(state: dict[str, Any] | None) -> bool:
    """An associated CIDR block. Judged by the states that are not (moto writes a subnet's IPv6 state as the
    text of a dict, which an equality test with `associated` would wrongly drop)."""
    return str((state or {}).get("State", "associated")) not in CIDR_STATES_NOT_IN_USE


def _route_order(route: Route) -> tuple[int, int, int, str, str]:
    """IPv4 destinations, then IPv6, by address and prefix length; then prefix lists."""
    if route.destination.startswith("pl-"):
        return (2, 0, 0, route.destination, route.target)
    network = ipaddress.ip_network(route.destination)
    return (0 if network.version == 4 else 1, int(network.network_address), network.prefixlen, "", route.target)


def _associated(association: dict[str, Any]) -> bool:
    return bool(association.get("AssociationState", {}).get("State", "associated") == "associated")


def _known_region(region: str | None) -> str | None:
    return region if region is not None and is_region(region) else None


def _by_id(objects: dict[str, Any]) -> list[Any]:
    return [objects[key] for key in sorted(objects)]


def _classify(item: dict[str, Any]) -> tuple[InterfaceKind, str | None]:
    """An ENI's kind and owning resource, from its InterfaceType and the description AWS gives it."""
    kind = interface_kind(item.get("InterfaceType") or "") or "workload"
    description = item.get("Description") or ""
    resource: str | None = None
    if kind == TGW_ATTACHMENT_ENI:
        match = _TGW_ATTACHMENT_IN_DESCRIPTION.search(description)
        resource = match.group(1) if match else None
    elif kind == NAT_GATEWAY_ENI:
        match = re.search(r"\b(nat-[0-9a-f]+)\b", description)
        resource = match.group(1) if match else None
    elif kind == VPC_ENDPOINT_ENI:
        match = re.search(r"\b(vpce-[0-9a-f]+)\b", description)
        resource = match.group(1) if match else None
    balancer = _ELB_DESCRIPTION.match(description)
    if balancer is not None and kind in {"workload", "load_balancer", "gateway_load_balancer"}:
        kind = "gateway_load_balancer" if balancer.group("kind") == "gwy" else "load_balancer"
        resource = f"{balancer.group('kind')}/{balancer.group('name')}"
    return kind, resource
