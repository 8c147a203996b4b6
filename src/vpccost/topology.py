"""The topology: accounts and VPCs, from a YAML or JSON file (optional for `compare`)."""

from __future__ import annotations

import functools
import ipaddress
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from vpccost.datafiles import validate_document
from vpccost.regions import az_id_region, is_region

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

    @field_validator("cidr")
    @classmethod
    def _valid_cidr(cls, value: str) -> str:
        parse_network(value)
        return value


InterfaceType = Literal[
    "workload", "nat_gateway", "transit_gateway_attachment", "vpc_endpoint", "load_balancer", "gateway_load_balancer"
]


class Interface(BaseModel):
    """An ENI that flow-log aggregation must recognise (a middlebox, when its type is not `workload`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    ips: list[str] = Field(default_factory=list, description="Private IPv4/IPv6 addresses of the ENI")
    type: InterfaceType = "workload"
    az: str | None = None

    @field_validator("ips")
    @classmethod
    def _valid_ips(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                raise ValueError(f"'{value}' is not an IP address") from None
        return values


class Vpc(BaseModel):
    """One VPC. `id` is any unique string (a real vpc- id when discovered)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    name: str | None = None
    account: AccountId = Field(description="Owner account id, as a string (leading zeros matter)")
    region: str
    cidrs: list[str] = Field(default_factory=list, description="IPv4 and IPv6 CIDR blocks")
    azs: list[str] = Field(default_factory=list, description="AZ IDs the VPC uses (not AZ names)")
    subnets: list[Subnet] = Field(default_factory=list)
    interfaces: list[Interface] = Field(default_factory=list)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if not is_region(value):
            raise ValueError(f"'{value}' is not an AWS region code (e.g. us-east-1)")
        return value

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
            network = parse_network(subnet.cidr)
            if blocks and not any(
                network.version == block.version and network.subnet_of(block)  # type: ignore[arg-type]
                for block in blocks
            ):
                raise ValueError(f"{where}.cidr: {subnet.cidr} is outside the VPC's CIDRs")
        return subnets

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


class Topology(BaseModel):
    """Accounts and VPCs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network_account: AccountId | None = Field(
        default=None, description="Owns transit gateways and shared VPCs (default: the most common VPC owner)"
    )
    vpcs: list[Vpc]

    @field_validator("vpcs")
    @classmethod
    def _unique_ids(cls, vpcs: list[Vpc]) -> list[Vpc]:
        index = duplicate_vpc_index(vpcs)
        if index is not None:
            raise ValueError(f"vpcs[{index}].id: duplicate VPC id '{vpcs[index].id}'")
        return vpcs

    @property
    def default_network_account(self) -> str | None:
        if self.network_account is not None:
            return self.network_account
        counts = Counter(vpc.account for vpc in self.vpcs)
        if not counts:
            return None
        # the most common owner; ties go to the smallest account id, so the choice is stable
        return min(counts, key=lambda account: (-counts[account], account))

    def find(self, reference: str) -> Vpc | list[Vpc] | None:
        """The VPC with this id or name; a list when the name is ambiguous; None when absent."""
        by_id, by_name = self._index
        if reference in by_id:
            return by_id[reference]
        named = by_name.get(reference, [])
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
    return validate_document(Topology, Path(path))


def duplicate_vpc_index(vpcs: list[Vpc]) -> int | None:
    """The index of the first VPC entry whose id was already used, if any."""
    seen: set[str] = set()
    for index, vpc in enumerate(vpcs):
        if vpc.id in seen:
            return index
        seen.add(vpc.id)
    return None
