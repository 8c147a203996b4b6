"""The estate synthetic flow logs are generated for, and what to generate (`SyntheticSpec`).

VPCs in several accounts and regions (some dual-stack), their subnets, the ENIs in them (workloads, Lambda-like
ENIs, NAT gateways, TGW attachments, interface endpoints), the flow logs that record them (some overlapping) and the
table of every address; `Estate.topology` is the topology file the aggregator is given.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from vpccost.model.aws_facts import REGIONS

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_ENDPOINT_SERVICES = ("sqs", "kms")


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. The output is a deterministic function of these fields."""

    records: int = 20_000
    """At least this many flow-log records (NODATA and SKIPDATA included, malformed lines not)."""
    seed: int = 1
    inventory: bool = True
    """Write the ENI inventory (`interfaces`, NAT gateways, endpoints) into the topology."""
    vpcs: int = 10
    """VPCs: about two thirds logged, the others without flow logs, and one whose only flow log is on the
    subnet of its interface endpoints (at least 5)."""
    accounts: int = 3
    regions: tuple[str, ...] = ("us-east-1", "eu-west-1", "us-west-2")
    start: datetime = datetime(2026, 11, 2, tzinfo=UTC)
    hours: float | None = None
    """Length of the logged period; by default enough five-minute files for ~20,000 records each."""
    malformed_lines: int = 6
    double_space_lines: int = 3
    hive_share: float = 0.3
    """Share of flow logs delivered with Hive-compatible S3 prefixes."""
    compresslevel: int = 1

    def __post_init__(self) -> None:
        if self.records < 1:
            raise ValueError("records must be positive")
        if self.vpcs < 5:
            raise ValueError("at least 5 VPCs (logged, unlogged and endpoint-only ones)")
        if not 1 <= self.compresslevel <= 9:
            raise ValueError("compresslevel is 1–9")
        for region in self.regions:
            if region not in REGIONS:
                raise ValueError(f"'{region}' is not an AWS region code")


@dataclass
class _Eni:
    id: str
    vpc: int
    subnet: int
    az: str
    kind: str  # workload, lambda, nat_gateway, transit_gateway_attachment, vpc_endpoint
    ip4: int  # address index
    ip6: int  # address index or -1
    instance: str
    resource: str | None = None
    public: bool = False


@dataclass
class _Subnet:
    id: str
    vpc: int
    az: str
    cidr4: str
    cidr6: str | None
    role: str  # private, public, attach, endpoints


@dataclass
class _Vpc:
    id: str
    name: str
    account: str
    region: str
    cidrs: list[str]
    azs: list[str]
    logging: str  # vpc, none, endpoints
    format: str
    tgw: bool
    subnets: list[int] = field(default_factory=list)
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    nat_gateways: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FlowLog:
    id: str
    vpc: int
    format: str
    hive: bool
    hourly: bool


class Estate:
    """VPCs, subnets, ENIs, flow logs and the address table (every address is an index into `addresses`)."""

    def __init__(self, spec: SyntheticSpec, rng: np.random.Generator, workloads_per_subnet: int) -> None:
        self.spec = spec
        self.rng = rng
        self.addresses: list[str] = []
        self.address_service: list[str] = []  # "-", "S3", "AMAZON"
        self.vpcs: list[_Vpc] = []
        self.subnets: list[_Subnet] = []
        self.enis: list[_Eni] = []
        self.flow_logs: list[FlowLog] = []
        self.eni_of_address: dict[int, int] = {}
        self.accounts = [self._account(index) for index in range(spec.accounts)]
        self._build_vpcs(workloads_per_subnet)
        self._build_flow_logs()
        self.first, self.second = self._coverage()

    def hex_id(self, prefix: str) -> str:
        return f"{prefix}-{int(self.rng.integers(0, 2**63)):017x}"[: len(prefix) + 18]

    def _account(self, index: int) -> str:
        # the first account has a leading zero, as real ones may
        return f"{index:01d}{int(self.rng.integers(10**10, 10**11)):011d}"[:12]

    def add_address(self, text: str, service: str = "-") -> int:
        self.addresses.append(text)
        self.address_service.append(service)
        return len(self.addresses) - 1

    def _build_vpcs(self, workloads_per_subnet: int) -> None:
        spec, rng = self.spec, self.rng
        n_unlogged = max(1, spec.vpcs // 4)
        logging = ["vpc"] * (spec.vpcs - n_unlogged - 1) + ["none"] * n_unlogged + ["endpoints"]
        formats = ["v2", "v3", "v5", "v11"] if spec.inventory else ["v5", "v11"]
        order = rng.permutation(len(formats))
        for index in range(spec.vpcs):
            region = spec.regions[index % len(spec.regions)]
            account = self.accounts[index % len(self.accounts)]
            prefix = REGIONS[region][1]
            n_azs = 2 + index % 2
            azs = [f"{prefix}-az{number}" for number in range(1, n_azs + 1)]
            dual_stack = index % 3 == 0
            cidrs = [f"10.{index}.0.0/16"] + ([f"2600:1f18:{0x4000 + index:04x}:ab00::/56"] if dual_stack else [])
            kind = logging[index]
            if kind == "endpoints":
                fmt = "v11" if not spec.inventory else "v3"
            else:
                fmt = formats[order[index % len(formats)]]
            vpc = _Vpc(
                id=self.hex_id("vpc"),
                name=f"{['orders', 'payments', 'search', 'ledger', 'media', 'identity', 'batch'][index % 7]}-{index}",
                account=account,
                region=region,
                cidrs=cidrs,
                azs=azs,
                logging=kind,
                format=fmt,
                tgw=index % 4 != 3,
            )
            self.vpcs.append(vpc)
            number = len(self.vpcs) - 1
            for az_index, az in enumerate(azs):
                for role, third_octet in (
                    ("private", 16 * az_index),
                    ("public", 128 + az_index),
                    ("attach", 192 + az_index),
                    ("endpoints", 200 + az_index),
                ):
                    mask = 20 if role == "private" else 24
                    cidr6 = (
                        f"2600:1f18:{0x4000 + index:04x}:ab{len(vpc.subnets):02x}::/64"
                        if dual_stack and role in ("private", "public")
                        else None
                    )
                    subnet = _Subnet(
                        self.hex_id("subnet"), number, az, f"10.{index}.{third_octet}.0/{mask}", cidr6, role
                    )
                    self.subnets.append(subnet)
                    vpc.subnets.append(len(self.subnets) - 1)
                    self._add_enis(vpc, number, len(self.subnets) - 1, workloads_per_subnet)

    def _add_enis(self, vpc: _Vpc, number: int, subnet_index: int, workloads_per_subnet: int) -> None:
        subnet = self.subnets[subnet_index]
        base4 = int(ipaddress.ip_network(subnet.cidr4).network_address)
        base6 = int(ipaddress.ip_network(subnet.cidr6).network_address) if subnet.cidr6 else None
        host = [4]  # AWS reserves the first four addresses of a subnet

        def eni(kind: str, *, instance: str = "-", resource: str | None = None, public: bool = False) -> None:
            ip4 = self.add_address(str(ipaddress.IPv4Address(base4 + host[0])))
            ip6 = -1
            if base6 is not None and kind in ("workload", "lambda"):
                ip6 = self.add_address(str(ipaddress.IPv6Address(base6 + 0x1000 + host[0])))
            host[0] += 1
            item = _Eni(self.hex_id("eni"), number, subnet_index, subnet.az, kind, ip4, ip6, instance, resource, public)
            self.enis.append(item)
            self.eni_of_address[ip4] = len(self.enis) - 1
            if ip6 >= 0:
                self.eni_of_address[ip6] = len(self.enis) - 1

        if subnet.role == "private":
            for k in range(workloads_per_subnet):
                # every fifth workload is a Lambda-like ENI: no instance id, and still a workload
                lambda_like = k % 5 == 4
                eni("lambda" if lambda_like else "workload", instance="-" if lambda_like else self.hex_id("i"))
        elif subnet.role == "public":
            for _ in range(2):
                eni("workload", instance=self.hex_id("i"), public=True)
            if vpc.logging == "vpc":
                nat_id = self.hex_id("nat")
                vpc.nat_gateways.append({"id": nat_id, "az": subnet.az, "subnet": subnet.id})
                eni("nat_gateway", resource=nat_id)
        elif subnet.role == "attach" and vpc.tgw:
            eni("transit_gateway_attachment", resource=f"tgw-attach-{self.hex_id('x')[2:]}")
        elif subnet.role == "endpoints" and (vpc.logging == "endpoints" or (self.spec.inventory and number == 0)):
            for service in _ENDPOINT_SERVICES:
                endpoint = next((e for e in vpc.endpoints if e["service"] == service), None)
                if endpoint is None:
                    endpoint = {
                        "id": self.hex_id("vpce"),
                        "type": "interface",
                        "service_name": f"com.amazonaws.{vpc.region}.{service}",
                        "service": service,
                        "azs": [],
                        "subnets": [],
                    }
                    vpc.endpoints.append(endpoint)
                endpoint["azs"].append(subnet.az)
                endpoint["subnets"].append(subnet.id)
                eni("vpc_endpoint", resource=endpoint["id"])

    def _build_flow_logs(self) -> None:
        for number, vpc in enumerate(self.vpcs):
            if vpc.logging == "none":
                continue
            self.flow_logs.append(
                FlowLog(
                    self.hex_id("fl"),
                    number,
                    vpc.format,
                    hive=bool(self.rng.random() < self.spec.hive_share),
                    hourly=bool(self.rng.random() < 0.25),
                )
            )

    def _coverage(self) -> tuple[IntArray, IntArray]:
        """For each ENI, the flow logs that record it: (first or -1, second or -1). VPC-level flow logs cover
        every ENI of their VPC; a subnet-level one in every other logged VPC duplicates one private subnet;
        the endpoint-only VPC's flow log covers its endpoint subnets alone."""
        first = np.full(len(self.enis), -1, dtype=np.int64)
        second = np.full(len(self.enis), -1, dtype=np.int64)
        by_vpc = {log.vpc: index for index, log in enumerate(self.flow_logs)}
        overlapping: dict[int, int] = {}
        for number, vpc in enumerate(self.vpcs):
            if vpc.logging == "vpc" and number % 2 == 1:
                private = [s for s in vpc.subnets if self.subnets[s].role == "private"]
                subnet = private[int(self.rng.integers(0, len(private)))]
                log = self.flow_logs[by_vpc[number]]
                self.flow_logs.append(FlowLog(self.hex_id("fl"), number, log.format, not log.hive, log.hourly))
                overlapping[subnet] = len(self.flow_logs) - 1
        for index, item in enumerate(self.enis):
            vpc = self.vpcs[item.vpc]
            if vpc.logging == "vpc" or (vpc.logging == "endpoints" and self.subnets[item.subnet].role == "endpoints"):
                first[index] = by_vpc[item.vpc]
            if item.subnet in overlapping:
                second[index] = overlapping[item.subnet]
        return first, second

    def topology(self) -> dict[str, Any]:
        vpcs = []
        for number, vpc in enumerate(self.vpcs):
            entry: dict[str, Any] = {
                "id": vpc.id,
                "name": vpc.name,
                "account": vpc.account,
                "region": vpc.region,
                "cidrs": vpc.cidrs,
                "azs": vpc.azs,
                "subnets": [],
            }
            for s in vpc.subnets:
                subnet = self.subnets[s]
                entry["subnets"].append({"id": subnet.id, "cidr": subnet.cidr4, "az": subnet.az})
                if subnet.cidr6:
                    entry["subnets"].append({"id": subnet.id, "cidr": subnet.cidr6, "az": subnet.az})
            if self.spec.inventory:
                entry["interfaces"] = [
                    {
                        "id": item.id,
                        "ips": [self.addresses[item.ip4]] + ([self.addresses[item.ip6]] if item.ip6 >= 0 else []),
                        "type": "workload" if item.kind == "lambda" else item.kind,
                        "az": item.az,
                    }
                    | ({"resource": item.resource} if item.resource else {})
                    for item in self.enis
                    if item.vpc == number
                ]
                if vpc.nat_gateways:
                    entry["nat_gateways"] = vpc.nat_gateways
                if vpc.endpoints:
                    entry["endpoints"] = vpc.endpoints
            vpcs.append(entry)
        return {"network_account": self.accounts[0], "vpcs": vpcs}
