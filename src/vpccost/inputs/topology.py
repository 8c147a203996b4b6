"""The topology: accounts and VPCs, read from a YAML or JSON file (optional for `compare`) and written back as one.

Beside the VPCs it may record the existing connectivity — route tables, NAT gateways, VPC endpoints, peering
connections, transit gateways and flow logs — as `vpccost discover` finds it in AWS, so that the estate as it
is can be priced next to the designs. Those fields are optional and empty by default; references to AWS
resources are checked for the id prefix AWS uses (`rtb-`, `pcx-`, …) so that a typo is caught at the file.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vpccost.inputs.documents import validate_document
from vpccost.inputs.suggest import did_you_mean
from vpccost.model.aws_facts import INTERFACE_TYPES, InterfaceKind, az_id_region, interface_kind, is_region
from vpccost.outputs.files import write_text_atomically

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _account_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError('quote account ids ("012345678901"): as a number, leading zeros are lost')
    return value


AccountId = Annotated[str, BeforeValidator(_account_text), Field(min_length=1)]


def parse_network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        raise ValueError(f"invalid CIDR '{text}': {error}") from None


def _aws_id(prefix: str, value: str) -> str:
    """`value` when it is an AWS id with this prefix (`rtb-0123`), else a ValueError saying what was expected."""
    if not re.fullmatch(rf"{re.escape(prefix)}-[0-9A-Za-z]+", value):
        raise ValueError(f"'{value}' is not a {prefix}- id (e.g. {prefix}-0123456789abcdef0)")
    return value


class _IdPrefix:
    """A pydantic validator: the value is an AWS id with this prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, value: str) -> str:
        return _aws_id(self.prefix, value)


RouteTableId = Annotated[str, AfterValidator(_IdPrefix("rtb"))]
NatGatewayId = Annotated[str, AfterValidator(_IdPrefix("nat"))]
EndpointId = Annotated[str, AfterValidator(_IdPrefix("vpce"))]
PeeringId = Annotated[str, AfterValidator(_IdPrefix("pcx"))]
TransitGatewayId = Annotated[str, AfterValidator(_IdPrefix("tgw"))]
TransitGatewayAttachmentId = Annotated[str, AfterValidator(_IdPrefix("tgw-attach"))]
FlowLogId = Annotated[str, AfterValidator(_IdPrefix("fl"))]


def _check_unique(ids: list[str], name: str) -> None:
    """Ids in one list are unique: a resource listed twice would be priced twice."""
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            raise ValueError(f"{name}[{index}].id: '{value}' is listed twice")
        seen.add(value)


def _region_code(value: str) -> str:
    if not is_region(value):
        raise ValueError(f"'{value}' is not an AWS region code (e.g. us-east-1)")
    return value


def _optional_region_code(value: str | None) -> str | None:
    return None if value is None else _region_code(value)


RegionCode = Annotated[str, AfterValidator(_region_code)]
OptionalRegionCode = Annotated[str | None, AfterValidator(_optional_region_code)]


def _check_az_id(az: str, region: str, *, where: str) -> None:
    """`where` (e.g. `azs[1]`) prefixes the message so the error points at the entry's line."""
    az_region = az_id_region(az)
    if az_region is None:
        raise ValueError(f"{where}: '{az}' is not an AZ ID (AZ IDs look like use1-az1)")
    if az_region != region:
        raise ValueError(f"{where}: AZ ID '{az}' belongs to {az_region}, not to the VPC's region {region}")


class Subnet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    cidr: str = Field(description="IPv4 or IPv6 CIDR of the subnet")
    az: str = Field(description="AZ ID of the subnet, e.g. use1-az1")
    ipv6_cidr: str | None = Field(default=None, description="The IPv6 CIDR of a dual-stack subnet (cidr is its IPv4)")

    @field_validator("cidr", "ipv6_cidr")
    @classmethod
    def _valid_cidr(cls, value: str | None) -> str | None:
        if value is not None:
            parse_network(value)
        return value


class Interface(BaseModel):
    """An ENI that flow-log aggregation must recognise: a middlebox, or a workload whose addresses it gives.

    `type` is EC2's InterfaceType as DescribeNetworkInterfaces reports it (`interface`, `natGateway`,
    `transit_gateway`, `vpc_endpoint`, `network_load_balancer`, …), or one of the other names of
    `vpccost.model.aws_facts.INTERFACE_TYPES`; `kind` is what that type is to flow-log counting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    ips: list[str] = Field(default_factory=list, description="Private IPv4/IPv6 addresses of the ENI")
    type: str = Field(
        default="interface",
        description="EC2's InterfaceType (interface, natGateway, transit_gateway, vpc_endpoint, …)",
        json_schema_extra={"enum": list(INTERFACE_TYPES)},
    )
    az: str | None = None
    resource: str | None = Field(
        default=None, description="What the ENI belongs to: the NAT gateway, endpoint or TGW attachment id, …"
    )
    account: AccountId | None = Field(default=None, description="The ENI's owner (a participant in a shared VPC)")

    @field_validator("ips")
    @classmethod
    def _valid_ips(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                raise ValueError(f"'{value}' is not an IP address") from None
        return values

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if interface_kind(value) is None:
            hint = did_you_mean(value, INTERFACE_TYPES)
            raise ValueError(
                f"'{value}' is not a network interface type{hint}: give EC2's InterfaceType as "
                "DescribeNetworkInterfaces reports it (interface, natGateway, transit_gateway, vpc_endpoint, …)"
            )
        return value

    @property
    def kind(self) -> InterfaceKind:
        """What the ENI is to flow-log counting: `workload`, or the kind of middlebox."""
        return INTERFACE_TYPES[self.type]


ROUTE_TARGET_PREFIXES = ("igw", "eigw", "nat", "pcx", "tgw", "vpce", "eni", "vgw", "lgw", "cagw", "i")
"""Route targets as DescribeRouteTables names them: internet gateway, egress-only internet gateway, NAT gateway,
peering connection, transit gateway, gateway or GWLB endpoint, network interface, virtual private gateway, local
gateway, carrier gateway, instance; besides `local` and ARNs (a Cloud WAN core network)."""

_ROUTE_TARGET = re.compile(rf"^(local|({'|'.join(ROUTE_TARGET_PREFIXES)})-[0-9A-Za-z]+|arn:aws[a-z-]*:\S+)$")


class Route(BaseModel):
    """One route: where packets for `destination` go. The most specific destination wins (longest prefix)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    destination: str = Field(description="IPv4 or IPv6 CIDR, or a prefix-list id (pl-…, gateway endpoints)")
    target: str = Field(description="local, or the target's id: igw-, eigw-, nat-, pcx-, tgw-, vpce-, eni-, vgw-…")
    state: Literal["active", "blackhole"] = Field(
        default="active", description="blackhole: the target is gone and packets are dropped"
    )

    @field_validator("destination")
    @classmethod
    def _valid_destination(cls, value: str) -> str:
        if value.startswith("pl-"):
            return _aws_id("pl", value)
        parse_network(value)
        return value

    @field_validator("target")
    @classmethod
    def _valid_target(cls, value: str) -> str:
        if not _ROUTE_TARGET.match(value):
            prefixes = ", ".join(f"{prefix}-" for prefix in ROUTE_TARGET_PREFIXES)
            raise ValueError(f"'{value}' is not a route target (local, an ARN, or an id starting {prefixes})")
        return value

    @property
    def target_kind(self) -> str:
        """`local`, `arn`, or the target id's prefix (`pcx`, `tgw`, `nat`, …)."""
        if self.target == "local":
            return "local"
        if self.target.startswith("arn:"):
            return "arn"
        return self.target.split("-", 1)[0]


class RouteTable(BaseModel):
    """A route table of a VPC: the main one applies to every subnet without an explicit association."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RouteTableId
    main: bool = False
    subnets: list[str] = Field(default_factory=list, description="Subnet ids explicitly associated")
    routes: list[Route] = Field(default_factory=list)


class NatGateway(BaseModel):
    """A NAT gateway. A zonal one sits in one subnet and AZ; a regional one spans the VPC's AZs (az: null), active
    in the AZs `azs` lists (billed per active AZ)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: NatGatewayId
    az: str | None = Field(default=None, description="AZ ID of a zonal NAT gateway; null for a regional one")
    subnet: str | None = None
    connectivity: Literal["public", "private"] = "public"
    availability_mode: Literal["zonal", "regional"] = "zonal"
    azs: list[str] = Field(default_factory=list, description="AZ IDs where a regional NAT gateway is active")

    @field_validator("availability_mode")
    @classmethod
    def _regional_has_no_az(cls, value: str, info: ValidationInfo) -> str:
        az = info.data.get("az")
        if value == "regional" and az is not None:
            raise ValueError(f"a regional NAT gateway has no single AZ (az is {az}; give null)")
        return value

    @field_validator("azs")
    @classmethod
    def _active_azs_of_a_regional_gateway(cls, azs: list[str], info: ValidationInfo) -> list[str]:
        if azs and info.data.get("availability_mode") != "regional":
            raise ValueError("only a regional NAT gateway lists the AZs it is active in (a zonal one gives az)")
        for index, az in enumerate(azs):
            if az in azs[:index]:
                raise ValueError(f"azs[{index}]: AZ ID '{az}' is listed twice")
        return azs


EndpointType = Literal["gateway", "interface", "gateway_load_balancer"]


class Endpoint(BaseModel):
    """A VPC endpoint: a gateway endpoint (S3, DynamoDB; in route tables, free) or an interface / Gateway Load
    Balancer endpoint (an ENI in each of its subnets, billed per AZ-hour and per GB)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EndpointId
    type: EndpointType
    service_name: str = Field(min_length=1, description="e.g. com.amazonaws.us-east-1.s3")
    service: str | None = Field(
        default=None, description="The AWS service's short name (aws:<service> in traffic), when it is one"
    )
    provider_vpc: str | None = Field(
        default=None, description="The VPC behind the endpoint service (PrivateLink), when known"
    )
    azs: list[str] = Field(default_factory=list, description="AZ IDs of an interface endpoint's subnets")
    subnets: list[str] = Field(default_factory=list)
    route_tables: list[str] = Field(default_factory=list, description="Route tables of a gateway endpoint")
    private_dns: bool = False

    @field_validator("route_tables")
    @classmethod
    def _route_tables_for_gateways(cls, values: list[str], info: ValidationInfo) -> list[str]:
        for value in values:
            _aws_id("rtb", value)
        if values and info.data.get("type") not in (None, "gateway"):
            raise ValueError("only gateway endpoints sit in route tables")
        return values


PeeringStatus = Literal[
    "initiating-request",
    "pending-acceptance",
    "provisioning",
    "active",
    "deleting",
    "deleted",
    "rejected",
    "failed",
    "expired",
]


class PeeringConnection(BaseModel):
    """A VPC peering connection. Either VPC may be outside the topology (another account, not discovered)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: PeeringId
    requester: str = Field(min_length=1, description="The requester VPC's id")
    accepter: str = Field(min_length=1, description="The accepter VPC's id")
    status: PeeringStatus = Field(default="active", description="Only active peerings carry traffic")
    requester_account: AccountId | None = None
    requester_region: OptionalRegionCode = None
    accepter_account: AccountId | None = None
    accepter_region: OptionalRegionCode = None


AttachmentType = Literal["vpc", "peering", "vpn", "direct-connect-gateway", "connect", "network-function"]


class TransitGatewayAttachment(BaseModel):
    """An attachment of a transit gateway: a VPC (in its subnets, one per AZ), or a peering with another TGW."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TransitGatewayAttachmentId
    type: AttachmentType
    vpc: str | None = Field(default=None, description="The attached VPC's id (type vpc)")
    account: AccountId | None = Field(default=None, description="The attached resource's owner account")
    state: str = Field(default="available", min_length=1)
    subnets: list[str] = Field(default_factory=list, description="Subnets of a VPC attachment (one per AZ)")
    peer_transit_gateway: str | None = Field(default=None, description="The other TGW's id (type peering)")
    peer_region: OptionalRegionCode = None
    peer_account: AccountId | None = None

    @field_validator("peer_transit_gateway")
    @classmethod
    def _peer_is_a_tgw(cls, value: str | None) -> str | None:
        if value is not None:
            _aws_id("tgw", value)
        return value

    @model_validator(mode="after")
    def _each_type_names_its_peer(self) -> TransitGatewayAttachment:
        if self.type == "vpc" and self.vpc is None:
            raise ValueError("a vpc attachment names its VPC (vpc: vpc-…)")
        if self.type == "peering" and self.peer_transit_gateway is None:
            raise ValueError("a peering attachment names the other transit gateway (peer_transit_gateway: tgw-…)")
        return self


class TransitGateway(BaseModel):
    """A transit gateway with its attachments (each one is billed per hour, and VPC attachments per GB sent in)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: TransitGatewayId
    name: str | None = None
    account: AccountId = Field(description="The owner account (attachments may belong to others, through RAM)")
    region: RegionCode
    attachments: list[TransitGatewayAttachment] = Field(default_factory=list)

    @field_validator("attachments")
    @classmethod
    def _unique_attachments(cls, values: list[TransitGatewayAttachment]) -> list[TransitGatewayAttachment]:
        _check_unique([value.id for value in values], "attachments")
        return values


class FlowLog(BaseModel):
    """A VPC Flow Log subscription: where its records go and in which format, for reading them back."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: FlowLogId
    resource: str = Field(min_length=1, description="The VPC, subnet or ENI it logs (vpc-…, subnet-…, eni-…)")
    traffic_type: Literal["ACCEPT", "REJECT", "ALL"] = "ALL"
    destination_type: Literal["s3", "cloud-watch-logs", "kinesis-data-firehose"]
    destination: str = Field(min_length=1, description="Bucket ARN (with prefix), log group, or stream ARN")
    log_format: str | None = Field(default=None, description="The record format (${version} ${account-id} …)")
    max_aggregation_interval_s: Literal[60, 600] = 600
    file_format: Literal["plain-text", "parquet"] | None = Field(default=None, description="For S3 destinations")
    hive_compatible_partitions: bool | None = None
    per_hour_partition: bool | None = None
    account: AccountId | None = None
    region: OptionalRegionCode = None


class Vpc(BaseModel):
    """One VPC. `id` is any unique string (a real vpc- id when discovered)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    name: str | None = None
    account: AccountId = Field(description="Owner account id, as a string (leading zeros matter)")
    region: RegionCode
    cidrs: list[str] = Field(default_factory=list, description="IPv4 and IPv6 CIDR blocks")
    azs: list[str] = Field(default_factory=list, description="AZ IDs the VPC uses (not AZ names)")
    subnets: list[Subnet] = Field(default_factory=list)
    interfaces: list[Interface] = Field(default_factory=list)
    route_tables: list[RouteTable] = Field(default_factory=list)
    nat_gateways: list[NatGateway] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)

    @field_validator("cidrs")
    @classmethod
    def _valid_cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            parse_network(value)
        return values

    @field_validator("azs")
    @classmethod
    def _azs_belong_to_region(cls, azs: list[str], info: ValidationInfo) -> list[str]:
        region = info.data.get("region")
        for index, az in enumerate(azs):
            if region is not None:
                _check_az_id(az, region, where=f"azs[{index}]")
            if az in azs[:index]:
                raise ValueError(f"azs[{index}]: AZ ID '{az}' is listed twice")
        return azs

    @field_validator("subnets")
    @classmethod
    def _subnets_inside_the_vpc(cls, subnets: list[Subnet], info: ValidationInfo) -> list[Subnet]:
        region, azs = info.data.get("region"), info.data.get("azs") or []
        blocks = [parse_network(cidr) for cidr in info.data.get("cidrs") or []]
        for index, subnet in enumerate(subnets):
            where = f"subnets[{index}]"
            if region is not None:
                _check_az_id(subnet.az, region, where=f"{where}.az")
            if azs and subnet.az not in azs:
                raise ValueError(f"{where}.az: {subnet.az} is not among the VPC's azs")
            for field, cidr in (("cidr", subnet.cidr), ("ipv6_cidr", subnet.ipv6_cidr)):
                network = None if cidr is None else parse_network(cidr)
                if (
                    network is not None
                    and blocks
                    and not any(
                        network.version == block.version and network.subnet_of(block)  # type: ignore[arg-type]
                        for block in blocks
                    )
                ):
                    raise ValueError(f"{where}.{field}: {cidr} is outside the VPC's CIDRs")
        return subnets

    @field_validator("route_tables")
    @classmethod
    def _route_tables_of_the_vpc(cls, tables: list[RouteTable], info: ValidationInfo) -> list[RouteTable]:
        _check_unique([table.id for table in tables], "route_tables")
        mains = [index for index, table in enumerate(tables) if table.main]
        if len(mains) > 1:
            raise ValueError(f"route_tables[{mains[1]}].main: a VPC has one main route table")
        known = _subnet_ids(info)
        associated: dict[str, int] = {}
        for index, table in enumerate(tables):
            for subnet in table.subnets:
                _check_subnet(subnet, known, where=f"route_tables[{index}].subnets")
                if subnet in associated:
                    raise ValueError(
                        f"route_tables[{index}].subnets: {subnet} is also associated with "
                        f"route_tables[{associated[subnet]}]; a subnet has one route table"
                    )
                associated[subnet] = index
        return tables

    @field_validator("nat_gateways")
    @classmethod
    def _nat_gateways_of_the_vpc(cls, gateways: list[NatGateway], info: ValidationInfo) -> list[NatGateway]:
        _check_unique([gateway.id for gateway in gateways], "nat_gateways")
        region, known = info.data.get("region"), _subnet_ids(info)
        for index, gateway in enumerate(gateways):
            if gateway.az is not None and region is not None:
                _check_az_id(gateway.az, region, where=f"nat_gateways[{index}].az")
            for az in gateway.azs:
                if region is not None:
                    _check_az_id(az, region, where=f"nat_gateways[{index}].azs")
            if gateway.subnet is not None:
                _check_subnet(gateway.subnet, known, where=f"nat_gateways[{index}].subnet")
        return gateways

    @field_validator("endpoints")
    @classmethod
    def _endpoints_of_the_vpc(cls, endpoints: list[Endpoint], info: ValidationInfo) -> list[Endpoint]:
        _check_unique([endpoint.id for endpoint in endpoints], "endpoints")
        region, known = info.data.get("region"), _subnet_ids(info)
        tables = {table.id for table in info.data.get("route_tables") or []}
        for index, endpoint in enumerate(endpoints):
            for az in endpoint.azs:
                if region is not None:
                    _check_az_id(az, region, where=f"endpoints[{index}].azs")
            for subnet in endpoint.subnets:
                _check_subnet(subnet, known, where=f"endpoints[{index}].subnets")
            for table in endpoint.route_tables:
                if tables and table not in tables:
                    raise ValueError(f"endpoints[{index}].route_tables: {table} is not among the VPC's route tables")
        return endpoints

    @property
    def networks(self) -> list[Network]:
        return [parse_network(cidr) for cidr in self.cidrs]

    @property
    def zone_ids(self) -> list[str]:
        """AZ IDs from `azs`, else from the subnets."""
        return list(self.azs) or sorted({subnet.az for subnet in self.subnets})

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


def _subnet_ids(info: ValidationInfo) -> set[str]:
    return {subnet.id for subnet in info.data.get("subnets") or []}


def _check_subnet(subnet: str, known: set[str], *, where: str) -> None:
    """A subnet referred to must be one of the VPC's when the VPC lists its subnets."""
    if known and subnet not in known:
        raise ValueError(f"{where}: {subnet} is not among the VPC's subnets")


class Account(BaseModel):
    """An AWS account's name for reports (and its cost center, for chargeback). Outputs show it beside the id
    wherever the account appears; an account no VPC or attachment uses is allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: AccountId = Field(description="The account id, as a string (leading zeros matter)")
    name: str = Field(min_length=1, description="The account's name, as finance knows it (e.g. prod)")
    cost_center: str | None = Field(default=None, min_length=1, description="The cost center it is charged to")


class Topology(BaseModel):
    """Accounts and VPCs, and the connectivity between them as it exists (optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network_account: AccountId | None = Field(
        default=None, description="Owns transit gateways and shared VPCs (default: the most common VPC owner)"
    )
    accounts: list[Account] = Field(
        default_factory=list, description="Names (and cost centers) of accounts, shown beside their ids in outputs"
    )
    vpcs: list[Vpc]
    peering_connections: list[PeeringConnection] = Field(default_factory=list)
    transit_gateways: list[TransitGateway] = Field(default_factory=list)
    flow_logs: list[FlowLog] = Field(default_factory=list)
    discovery_warnings: list[str] = Field(
        default_factory=list, description="What discovery could not read (an account, a region, a call denied)"
    )

    @field_validator("accounts")
    @classmethod
    def _unique_accounts(cls, values: list[Account]) -> list[Account]:
        _check_unique([value.id for value in values], "accounts")
        return values

    @field_validator("vpcs")
    @classmethod
    def _unique_ids(cls, vpcs: list[Vpc]) -> list[Vpc]:
        index = duplicate_vpc_index(vpcs)
        if index is not None:
            raise ValueError(f"vpcs[{index}].id: duplicate VPC id '{vpcs[index].id}'")
        return vpcs

    @field_validator("peering_connections")
    @classmethod
    def _unique_peerings(cls, values: list[PeeringConnection]) -> list[PeeringConnection]:
        _check_unique([value.id for value in values], "peering_connections")
        return values

    @field_validator("transit_gateways")
    @classmethod
    def _unique_transit_gateways(cls, values: list[TransitGateway]) -> list[TransitGateway]:
        _check_unique([value.id for value in values], "transit_gateways")
        return values

    @field_validator("flow_logs")
    @classmethod
    def _unique_flow_logs(cls, values: list[FlowLog]) -> list[FlowLog]:
        _check_unique([value.id for value in values], "flow_logs")
        return values

    @property
    def default_network_account(self) -> str | None:
        if self.network_account is not None:
            return self.network_account
        counts = Counter(vpc.account for vpc in self.vpcs)
        if not counts:
            return None
        # the most common owner; ties go to the smallest account id, so the choice is stable
        return min(counts, key=lambda account: (-counts[account], account))

    @functools.cached_property
    def account_details(self) -> dict[str, Account]:
        """The named accounts by id."""
        return {account.id: account for account in self.accounts}

    def find(self, reference: str) -> Vpc | list[Vpc] | None:
        """The VPC with this id or name; a list when the reference is ambiguous (a name several VPCs share, or one
        VPC's id that is another's name); None when absent."""
        by_id, by_name = self._index
        named = by_name.get(reference, [])
        if reference in by_id:
            found = by_id[reference]
            others = [vpc for vpc in named if vpc is not found]
            return [found, *others] if others else found
        if len(named) > 1:
            return named
        return named[0] if named else None

    @functools.cached_property
    def _index(self) -> tuple[dict[str, Vpc], dict[str, list[Vpc]]]:
        by_name: dict[str, list[Vpc]] = {}
        for vpc in self.vpcs:
            if vpc.name is not None:
                by_name.setdefault(vpc.name, []).append(vpc)
        return {vpc.id: vpc for vpc in self.vpcs}, by_name


def load_topology(path: str | Path) -> Topology:
    """Read and validate a topology file (YAML or JSON). Errors name the file, line and field."""
    return validate_document(Topology, Path(path), what="the topology")


def topology_yaml(topology: Topology, *, comment: str | None = None) -> str:
    """The topology as YAML: fields in the model's order, defaults left out, lists in the topology's order
    (discovery sorts them by id)."""
    text = yaml.safe_dump(_document(topology), sort_keys=False, allow_unicode=True, width=120)
    header = "".join(f"# {line}\n" for line in comment.splitlines()) if comment else ""
    return header + text


def topology_json(topology: Topology) -> str:
    return json.dumps(_document(topology), indent=2) + "\n"


def write_topology(topology: Topology, path: Path, *, comment: str | None = None) -> None:
    """Write the topology whole or not at all; `.json` writes JSON, anything else YAML."""
    json_file = path.suffix.lower() == ".json"
    write_text_atomically(path, topology_json(topology) if json_file else topology_yaml(topology, comment=comment))


def _document(topology: Topology) -> dict[str, Any]:
    document: dict[str, Any] = topology.model_dump(mode="json", exclude_defaults=True)
    document.setdefault("vpcs", [])
    return document


def duplicate_vpc_index(vpcs: list[Vpc]) -> int | None:
    """The index of the first VPC entry whose id was already used, if any."""
    seen: set[str] = set()
    for index, vpc in enumerate(vpcs):
        if vpc.id in seen:
            return index
        seen.add(vpc.id)
    return None
