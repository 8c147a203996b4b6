"""Synthetic VPC Flow Logs with a known traffic matrix, for testing and benchmarking the aggregation.

`generate` writes, under one folder, a topology (`topology.yaml`), flow-log files as AWS delivers them to S3
(`AWSLogs/…/*.log.gz`, gzip, header line first; some flow logs Hive-partitioned) and the matrix the counting rule
of FLOWLOGS.md must produce from them (`ground_truth.csv`: `src,dst,src_az,dst_az,initiator,bytes`), with
`manifest.json` saying what was written (record counts by kind, bytes, files, the parameters).

The ground truth is derived from the generated *connections*, never from the records and never by calling the
aggregator: each connection has an initiator, a responder, a path (direct, NAT gateway, transit gateway, interface
endpoint) and bytes per interval in each direction; the records are what each logged ENI on that path would show.
The rule (FLOWLOGS.md, "Counting each byte once") then says which observation counts each direction's bytes:

1. the sender's egress record when the sender is *logged* (its address is the local side of a workload record);
2. else the receiver's ingress record, when the receiver is a logged workload;
3. middlebox records (NAT gateway, TGW attachment, interface endpoint ENIs) are never matrix edges;
4. traffic to an interface endpoint the inventory knows is attributed to `aws:<service>`;
5. exact duplicates from overlapping (VPC- and subnet-level) flow logs count once;
6. a record's local side is given by its `flow-direction`, else it is the address that belongs to the logged ENI;
7. the initiator comes from TCP flags (SYN / SYN-ACK) or, without them, from the ports.

The data is generated so that every rule is *decidable* from the files and the topology: without the `interfaces`
inventory (`inventory=False`) every flow log has `flow-direction` (the local side) and `pkt-*` fields (NAT and TGW
ENIs show address translation), and the interface endpoints' flow log has `interface-type`; S3 traffic comes only
from ENIs whose format names the AWS service; connections whose ports cannot tell the initiator are logged only in
formats with `tcp-flags`, in a single interval; REJECT, NODATA and SKIPDATA records are on ENIs logged once.

What it contains, besides plain workload traffic: VPCs in several accounts and regions, some dual-stack; flows
between VPCs over peering and transit gateways logged at both ends, or at one end when the other VPC has no flow
log; NAT gateway private and public legs with `pkt-*` translation, for the internet and for `aws:s3`; S3 through a
gateway endpoint; IPv6 internet traffic through an egress-only gateway; inbound internet connections to public
servers; TGW attachment ENI records; interface endpoint ENIs (in a VPC whose only flow log is on the endpoints'
subnet, so their clients are not logged); overlapping flow logs; connections spanning many one-minute intervals
and several five-minute files; REJECT, NODATA and SKIPDATA records; lines with a double space (valid) and
malformed lines (wrong field count); four record formats (the v2 default, a v3 custom order, a v5 custom order and
a v11 format with `interface-type` and next-hop fields).

It is vectorised with numpy and written with pyarrow's CSV writer and zlib, so that 20 million records take a
few minutes: `python -m tests.support.synthetic_flowlogs --records 20000000 --out DIR --seed 1`.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import ipaddress
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv
import yaml

from vpccost.regions import REGIONS

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# --- record formats ---------------------------------------------------------------------------------------------

V2_DEFAULT = (
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
)
V3_CUSTOM = (
    # the order of the AWS user guide's TCP-flag example
    "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
    "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status"
)
V5_CUSTOM = (
    # the order of the AWS user guide's traffic-path / flow-direction example
    "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id "
    "instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr "
    "pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status"
)
V11_CUSTOM = (
    "version account-id region az-id vpc-id subnet-id interface-id interface-type instance-id flow-direction "
    "srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service protocol "
    "tcp-flags packets bytes start end action traffic-path reject-reason log-status next-hop-interface-id "
    "next-hop-subnet-id next-hop-az-id next-hop-vpc-id next-hop-interface-type"
)

FORMATS: dict[str, tuple[str, ...]] = {
    "v2": tuple(V2_DEFAULT.split()),
    "v3": tuple(V3_CUSTOM.split()),
    "v5": tuple(V5_CUSTOM.split()),
    "v11": tuple(V11_CUSTOM.split()),
}
"""The record formats the generator writes, by name: each flow log uses one (its file's header line)."""

FORMAT_VERSION = {"v2": 2, "v3": 3, "v5": 5, "v11": 11}
"""The `version` field: the highest version among a format's fields."""

INTERFACE_TYPE_FIELD = {
    "workload": "interface",
    "lambda": "lambda",
    "nat_gateway": "nat_gateway",
    "transit_gateway_attachment": "transit_gateway",
    "vpc_endpoint": "vpc_endpoint",
}
"""The v11 `interface-type` value of each kind of ENI (EC2's network-interface types)."""

# --- kinds of connection ----------------------------------------------------------------------------------------

VPC_TO_VPC = 0  # workload to workload in another VPC, over peering or a transit gateway
INTRA_VPC = 1  # two workloads of one VPC
NAT_INTERNET = 2  # workload to the internet through its AZ's NAT gateway
NAT_S3 = 3  # workload to S3 through the NAT gateway
GATEWAY_S3 = 4  # workload to S3 through a gateway endpoint (no middlebox)
INBOUND = 5  # internet client to a public server
INTERNET_V6 = 6  # workload to the internet over IPv6, through an egress-only internet gateway
ENDPOINT = 7  # workload to an interface endpoint ENI
REJECT_IN = 8  # internet client refused at a workload's ingress
REJECT_OUT = 9  # workload's egress refused
FROM_UNLOGGED = 10  # workload of a VPC without flow logs to a logged workload
KIND_NAMES = (
    "vpc-to-vpc",
    "intra-vpc",
    "nat-internet",
    "nat-s3",
    "gateway-s3",
    "inbound",
    "internet-ipv6",
    "endpoint",
    "reject-in",
    "reject-out",
    "from-unlogged-vpc",
)
KIND_WEIGHTS = (0.28, 0.12, 0.17, 0.08, 0.06, 0.10, 0.04, 0.05, 0.02, 0.01, 0.07)

# paths
DIRECT, VIA_NAT, VIA_TGW = 0, 1, 2

# address columns of a connection, and ENI columns (the same order)
INI, RSP, NAT, TGW_INI, TGW_RSP = 0, 1, 2, 3, 4
# port columns
P_INI, P_RSP, P_NAT = 0, 1, 2

# Observations: which ENI records a packet of the connection, and how. Columns: ENI, srcaddr, dstaddr,
# pkt-srcaddr, pkt-dstaddr, srcport, dstport, egress (else ingress), forward (initiator to responder) bytes.
_ROLES = np.array(
    [
        [INI, INI, RSP, INI, RSP, P_INI, P_RSP, 1, 1],  # initiator's egress
        [INI, RSP, INI, RSP, INI, P_RSP, P_INI, 0, 0],  # initiator's ingress
        [RSP, INI, RSP, INI, RSP, P_INI, P_RSP, 0, 1],  # responder's ingress
        [RSP, RSP, INI, RSP, INI, P_RSP, P_INI, 1, 0],  # responder's egress
        [NAT, INI, NAT, INI, RSP, P_INI, P_RSP, 0, 1],  # NAT private leg in (translation shows in pkt-dstaddr)
        [NAT, NAT, RSP, NAT, RSP, P_NAT, P_RSP, 1, 1],  # NAT public leg out (no translation)
        [NAT, RSP, NAT, RSP, NAT, P_RSP, P_NAT, 0, 0],  # NAT public leg in (no translation)
        [NAT, NAT, INI, RSP, INI, P_RSP, P_INI, 1, 0],  # NAT private leg out (translation in pkt-srcaddr)
        [TGW_INI, INI, TGW_INI, INI, RSP, P_INI, P_RSP, 0, 1],  # initiator-side TGW attachment ENI, in
        [TGW_INI, TGW_INI, INI, RSP, INI, P_RSP, P_INI, 1, 0],  # initiator-side TGW attachment ENI, out
        [TGW_RSP, TGW_RSP, RSP, INI, RSP, P_INI, P_RSP, 1, 1],  # responder-side TGW attachment ENI, out
        [TGW_RSP, RSP, TGW_RSP, RSP, INI, P_RSP, P_INI, 0, 0],  # responder-side TGW attachment ENI, in
    ],
    dtype=np.int64,
)
_N_ROLES = len(_ROLES)

INTERVAL_S = 60
"""Aggregation interval: Nitro ENIs log at most every minute."""
FILE_WINDOW_S = 300
"""S3 delivery: one file per flow log per five minutes."""
EPHEMERAL_FIRST, EPHEMERAL_LAST = 50000, 60999
"""Initiators' source ports: inside every common ephemeral range (Linux 32768–60999, IANA 49152–65535)."""
HIGH_LISTENING_FIRST = 61000
"""Listening ports of services whose ports cannot tell the initiator (both sides high): TCP flags must."""
WELL_KNOWN_TCP = np.array([443, 80, 22, 993, 636, 389, 443, 443], dtype=np.int64)
WELL_KNOWN_UDP = np.array([53, 123], dtype=np.int64)
PROTO_TCP, PROTO_UDP = 6, 17
SYN, FIN, SYN_ACK = 2, 1, 18

_INTERNET_V4 = ("151.101.0.0/16", "142.250.0.0/15", "104.16.0.0/13", "140.82.112.0/20", "185.199.108.0/22")
_INTERNET_V6 = ("2606:4700::/32", "2a00:1450::/32")
_S3_RANGES = {"us-east-1": "52.216.0.0/15", "eu-west-1": "52.218.0.0/17", "us-west-2": "52.92.128.0/17"}
_S3_FALLBACK = "3.5.0.0/19"
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


@dataclass(frozen=True)
class SyntheticFlowLogs:
    """What `generate` wrote."""

    root: Path
    topology: Path
    logs: Path
    """The `AWSLogs` folder."""
    ground_truth: Path
    manifest: Path
    files: int
    records: int
    """Record lines written (every copy of a duplicate; NODATA and SKIPDATA included; malformed lines not)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Records by kind: `workload`, `middlebox` (unique), `duplicate` (extra copies), `reject`, `nodata`,
    `skipdata`, `malformed` (lines); `used` is the workload records the rule counts."""
    bytes: dict[str, int] = field(default_factory=dict)
    """`read` (bytes fields of all records, every copy), `used` (the ground truth's total), `reject`,
    `duplicate` (extra copies), `middlebox` (unique middlebox records), `other_side` (unique workload records not
    used because the other end's record counts)."""


# --- the estate -------------------------------------------------------------------------------------------------


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
class _FlowLog:
    id: str
    vpc: int
    format: str
    hive: bool
    hourly: bool


class _Estate:
    """VPCs, subnets, ENIs, flow logs and the address table (every address is an index into `addresses`)."""

    def __init__(self, spec: SyntheticSpec, rng: np.random.Generator, workloads_per_subnet: int) -> None:
        self.spec = spec
        self.rng = rng
        self.addresses: list[str] = []
        self.address_service: list[str] = []  # "-", "S3", "AMAZON"
        self.vpcs: list[_Vpc] = []
        self.subnets: list[_Subnet] = []
        self.enis: list[_Eni] = []
        self.flow_logs: list[_FlowLog] = []
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
                _FlowLog(
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
                self.flow_logs.append(_FlowLog(self.hex_id("fl"), number, log.format, not log.hive, log.hourly))
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


# --- connections ------------------------------------------------------------------------------------------------


@dataclass
class _Connections:
    kind: IntArray
    path: IntArray
    address: IntArray  # (C, 5): INI, RSP, NAT, TGW_INI, TGW_RSP address indices (-1: none)
    eni: IntArray  # (C, 5): the same columns' ENIs (-1: none)
    port: IntArray  # (C, 3): initiator's, responder's, NAT's public-leg port
    protocol: IntArray
    first_interval: IntArray
    intervals: IntArray
    accept: BoolArray

    def take(self, keep: IntArray | slice) -> _Connections:
        return _Connections(**{f.name: getattr(self, f.name)[keep] for f in dataclasses.fields(self)})


def _pick(rng: np.random.Generator, pool: IntArray, size: int) -> IntArray:
    if len(pool) == 0:
        return np.full(size, -1, dtype=np.int64)
    return pool[rng.integers(0, len(pool), size)]


def _public_pool(estate: _Estate, rng: np.random.Generator, ranges: Sequence[str], size: int, service: str) -> IntArray:
    networks = [ipaddress.ip_network(text) for text in ranges]
    sizes = np.array([min(network.num_addresses, 2**40) for network in networks], dtype=np.int64)
    total = int(sizes.sum())
    size = min(size, total // 2)
    offsets = np.sort(rng.choice(total, size=size, replace=False)) if total < 2**31 else rng.integers(0, total, size)
    bounds = np.cumsum(sizes)
    pool: list[int] = []
    for offset in offsets.tolist():
        which = int(np.searchsorted(bounds, offset, side="right"))
        within = offset - (int(bounds[which - 1]) if which else 0)
        network = networks[which]
        address = ipaddress.ip_address(int(network.network_address) + 1 + within % (network.num_addresses - 2))
        label = service if service != "S3" or len(pool) % 8 else "AMAZON"  # an S3 address may show as AMAZON
        pool.append(estate.add_address(str(address), label))
    return np.array(sorted(set(pool)), dtype=np.int64)


@dataclass
class _Pools:
    """Public addresses the connections draw from (indices into the estate's address table)."""

    internet4: IntArray
    internet6: IntArray
    s3_by_region: npt.NDArray[np.int64]  # (regions, addresses)

    @classmethod
    def create(cls, estate: _Estate, rng: np.random.Generator, count: int) -> _Pools:
        internet4 = _public_pool(estate, rng, _INTERNET_V4, max(256, count // 20), "-")
        internet6 = _public_pool(estate, rng, _INTERNET_V6, max(64, count // 200), "-")
        s3 = [_public_pool(estate, rng, [_S3_RANGES.get(r, _S3_FALLBACK)], 48, "S3") for r in estate.spec.regions]
        width = min(len(pool) for pool in s3)
        return cls(internet4, internet6, np.stack([pool[:width] for pool in s3]))


def _pick_in_groups(
    rng: np.random.Generator, members: IntArray, group_of_member: IntArray, groups: IntArray, avoid: IntArray
) -> IntArray:
    """For each entry of `groups`, a random member of that group other than `avoid` (-1 when the group has
    no other member)."""
    order = np.argsort(group_of_member, kind="stable")
    sorted_members = members[order]
    sorted_groups = group_of_member[order]
    n_groups = int(max(groups.max(initial=0), sorted_groups.max(initial=0))) + 1
    first = np.searchsorted(sorted_groups, np.arange(n_groups), side="left")
    size = np.searchsorted(sorted_groups, np.arange(n_groups), side="right") - first
    n = size[groups]
    offset = (rng.random(len(groups)) * np.maximum(n, 1)).astype(np.int64)
    chosen = sorted_members[np.minimum(first[groups] + offset, max(len(sorted_members) - 1, 0))]
    again = (chosen == avoid) & (n > 1)
    chosen[again] = sorted_members[first[groups[again]] + (offset[again] + 1) % n[again]]
    chosen[(n == 0) | ((n == 1) & (chosen == avoid))] = -1
    result: IntArray = chosen.astype(np.int64)
    return result


def _connections(
    estate: _Estate, rng: np.random.Generator, pools: _Pools, count: int, n_intervals: int
) -> _Connections:
    """`count` connections, each kind's endpoints drawn from the ENIs and address pools that keep it decidable."""
    enis, vpcs = estate.enis, estate.vpcs
    eni_vpc = np.array([item.vpc for item in enis], dtype=np.int64)
    eni_kind = np.array([item.kind for item in enis])
    eni_az = np.array([vpcs[item.vpc].azs.index(item.az) for item in enis], dtype=np.int64)
    covered = estate.first >= 0
    is_workload = np.isin(eni_kind, ["workload", "lambda"])
    public = np.array([item.public for item in enis])
    vpc_logging = np.array([vpc.logging for vpc in vpcs])
    vpc_format = np.array([vpc.format for vpc in vpcs])
    vpc_region = np.array([estate.spec.regions.index(vpc.region) for vpc in vpcs], dtype=np.int64)
    has_service_field = np.isin(vpc_format, ["v5", "v11"]) & (vpc_logging == "vpc")
    has_flags = np.isin(vpc_format, ["v3", "v5", "v11"]) | (vpc_logging != "vpc")
    dual = np.array([len(vpc.cidrs) > 1 for vpc in vpcs])

    all_ids = np.arange(len(enis), dtype=np.int64)
    logged_work = all_ids[is_workload & covered & ~public]
    logged_public = all_ids[is_workload & covered & public]
    logged_once = logged_work[estate.second[logged_work] < 0]  # refused traffic: on ENIs logged once
    unlogged_work = all_ids[is_workload & (vpc_logging[eni_vpc] == "none")]
    endpoint_clients = all_ids[is_workload & ~public & (vpc_logging[eni_vpc] == "endpoints")]
    s3_clients = logged_work[has_service_field[eni_vpc[logged_work]]]
    v6_clients = logged_work[dual[eni_vpc[logged_work]]]
    private_work = all_ids[is_workload & ~public]

    kind = rng.choice(len(KIND_WEIGHTS), size=count, p=np.array(KIND_WEIGHTS) / sum(KIND_WEIGHTS)).astype(np.int64)
    kind[: len(KIND_WEIGHTS)] = np.arange(len(KIND_WEIGHTS))  # every kind at least once
    if len(s3_clients) == 0:
        kind[np.isin(kind, [NAT_S3, GATEWAY_S3])] = NAT_INTERNET
    if len(v6_clients) == 0:
        kind[kind == INTERNET_V6] = NAT_INTERNET

    ini_eni = np.full(count, -1, dtype=np.int64)
    rsp_eni = np.full(count, -1, dtype=np.int64)
    ini_addr = np.full(count, -1, dtype=np.int64)
    rsp_addr = np.full(count, -1, dtype=np.int64)

    def sel(*kinds: int) -> tuple[BoolArray, int]:
        mask = np.isin(kind, kinds)
        return mask, int(mask.sum())

    mask, n = sel(VPC_TO_VPC)
    ini_eni[mask] = _pick(rng, logged_work, n)
    rsp = _pick(rng, private_work, n)
    for _ in range(20):  # another VPC
        same = eni_vpc[rsp] == eni_vpc[ini_eni[mask]]
        if not same.any():
            break
        rsp[same] = _pick(rng, private_work, int(same.sum()))
    rsp_eni[mask] = rsp
    kind[np.flatnonzero(mask)[eni_vpc[rsp] == eni_vpc[ini_eni[mask]]]] = INTRA_VPC
    mask, n = sel(FROM_UNLOGGED)
    ini_eni[mask] = _pick(rng, unlogged_work, n)
    rsp_eni[mask] = _pick(rng, logged_work, n)
    mask, n = sel(INTRA_VPC)
    ini_eni[mask & (ini_eni < 0)] = _pick(rng, logged_work, int((mask & (ini_eni < 0)).sum()))
    rsp_eni[mask] = _pick_in_groups(rng, private_work, eni_vpc[private_work], eni_vpc[ini_eni[mask]], ini_eni[mask])
    mask, n = sel(NAT_INTERNET)
    ini_eni[mask] = _pick(rng, logged_work, n)
    rsp_addr[mask] = _pick(rng, pools.internet4, n)
    mask, n = sel(REJECT_OUT)
    ini_eni[mask] = _pick(rng, logged_once, n)
    rsp_addr[mask] = _pick(rng, pools.internet4, n)
    mask, n = sel(NAT_S3, GATEWAY_S3)
    ini_eni[mask] = _pick(rng, s3_clients, n)
    region = vpc_region[eni_vpc[ini_eni[mask]]]
    rsp_addr[mask] = pools.s3_by_region[region, rng.integers(0, pools.s3_by_region.shape[1], n)]
    mask, n = sel(INBOUND)
    ini_addr[mask] = _pick(rng, pools.internet4, n)
    rsp_eni[mask] = _pick(rng, logged_public, n)
    mask, n = sel(REJECT_IN)
    ini_addr[mask] = _pick(rng, pools.internet4, n)
    rsp_eni[mask] = _pick(rng, logged_once, n)
    mask, n = sel(INTERNET_V6)
    ini_eni[mask] = _pick(rng, v6_clients, n)
    rsp_addr[mask] = _pick(rng, pools.internet6, n)

    # interface endpoints: clients of the endpoint-only VPC (not logged), and with the inventory, logged
    # clients of the VPC that holds the other endpoints (rule 4 attributes them to the service); each client
    # uses an endpoint ENI of its own AZ
    mask, n = sel(ENDPOINT)
    endpoint_enis = all_ids[eni_kind == "vpc_endpoint"]
    endpoint_vpcs = np.unique(eni_vpc[endpoint_enis])
    logged_endpoint_clients = logged_work[np.isin(eni_vpc[logged_work], endpoint_vpcs)]
    clients = np.concatenate([endpoint_clients, logged_endpoint_clients]) if estate.spec.inventory else endpoint_clients
    ini_eni[mask] = _pick(rng, clients, n)
    vpc_az = eni_vpc * 8 + eni_az
    rsp_eni[mask] = _pick_in_groups(
        rng, endpoint_enis, vpc_az[endpoint_enis], vpc_az[ini_eni[mask]], np.full(n, -1, dtype=np.int64)
    )

    # addresses: IPv6 between dual-stack workloads sometimes, and for the IPv6 internet kind
    ip4 = np.array([item.ip4 for item in enis], dtype=np.int64)
    ip6 = np.array([item.ip6 for item in enis], dtype=np.int64)
    has_ini, has_rsp = ini_eni >= 0, rsp_eni >= 0
    both6 = (rng.random(count) < 0.3) & np.isin(kind, [VPC_TO_VPC, INTRA_VPC, FROM_UNLOGGED]) & has_ini & has_rsp
    both6[both6] = (ip6[ini_eni[both6]] >= 0) & (ip6[rsp_eni[both6]] >= 0)
    use6_ini = (kind == INTERNET_V6) | both6
    ini_addr[has_ini] = np.where(use6_ini[has_ini], ip6[ini_eni[has_ini]], ip4[ini_eni[has_ini]])
    rsp_addr[has_rsp] = np.where(both6[has_rsp], ip6[rsp_eni[has_rsp]], ip4[rsp_eni[has_rsp]])

    # paths: NAT for the NAT kinds; often a TGW between two attached VPCs; else direct (peering, same VPC…)
    path = np.full(count, DIRECT, dtype=np.int64)
    path[np.isin(kind, [NAT_INTERNET, NAT_S3])] = VIA_NAT
    tgw_vpc = np.array([vpc.tgw for vpc in vpcs])
    between = np.isin(kind, [VPC_TO_VPC, FROM_UNLOGGED]) & has_ini & has_rsp
    between[between] = (eni_vpc[ini_eni[between]] != eni_vpc[rsp_eni[between]]) & (
        tgw_vpc[eni_vpc[ini_eni[between]]] & tgw_vpc[eni_vpc[rsp_eni[between]]]
    )
    path[between & (rng.random(count) < 0.7)] = VIA_TGW

    # middlebox ENIs on the path: the one in the workload's own AZ
    nat_of = np.full(len(vpcs) * 8, -1, dtype=np.int64)
    tgw_of = np.full(len(vpcs) * 8, -1, dtype=np.int64)
    for index, item in enumerate(enis):
        if item.kind == "nat_gateway":
            nat_of[vpc_az[index]] = index
        elif item.kind == "transit_gateway_attachment":
            tgw_of[vpc_az[index]] = index
    safe_ini, safe_rsp = np.maximum(ini_eni, 0), np.maximum(rsp_eni, 0)
    nat_eni = np.where(path == VIA_NAT, nat_of[vpc_az[safe_ini]], -1)
    tgw_ini = np.where(path == VIA_TGW, tgw_of[vpc_az[safe_ini]], -1)
    tgw_rsp = np.where(path == VIA_TGW, tgw_of[vpc_az[safe_rsp]], -1)
    middle_addr = [np.where(column >= 0, ip4[np.maximum(column, 0)], -1) for column in (nat_eni, tgw_ini, tgw_rsp)]

    # protocol, ports and time
    udp = (kind == NAT_INTERNET) & (rng.random(count) < 0.15)
    protocol = np.where(udp, PROTO_UDP, PROTO_TCP).astype(np.int64)
    rsp_port = np.where(udp, WELL_KNOWN_UDP[rng.integers(0, 2, count)], WELL_KNOWN_TCP[rng.integers(0, 8, count)])
    rsp_port[kind == REJECT_IN] = np.array([22, 3389])[rng.integers(0, 2, int((kind == REJECT_IN).sum()))]
    rsp_port[kind == REJECT_OUT] = 25
    # services whose ports cannot tell the initiator: only TCP flags can, so every record of the connection
    # must carry them (both ends in formats with tcp-flags) and it lasts one interval (SYN in every record)
    flags_only = np.isin(kind, [VPC_TO_VPC, INTRA_VPC, FROM_UNLOGGED]) & (rng.random(count) < 0.25)
    flags_only &= has_flags[eni_vpc[safe_ini]] & has_flags[eni_vpc[safe_rsp]]
    rsp_port[flags_only] = HIGH_LISTENING_FIRST + rng.integers(0, 1000, int(flags_only.sum()))
    intervals = np.where(rng.random(count) < 0.3, 2 + rng.geometric(0.15, count), 1).astype(np.int64)
    intervals[flags_only | np.isin(kind, [REJECT_IN, REJECT_OUT]) | udp] = 1
    intervals = np.minimum(intervals, n_intervals)
    first_interval = (rng.random(count) * (n_intervals - intervals + 1)).astype(np.int64)

    accept = ~np.isin(kind, [REJECT_IN, REJECT_OUT])
    valid = ((ini_addr >= 0) & (rsp_addr >= 0)).astype(bool)
    connections = _Connections(
        kind=kind,
        path=path,
        address=np.stack([ini_addr, rsp_addr, *middle_addr], axis=1),
        eni=np.stack([ini_eni, rsp_eni, nat_eni, tgw_ini, tgw_rsp], axis=1),
        port=np.stack([np.zeros(count, dtype=np.int64), rsp_port, np.zeros(count, dtype=np.int64)], axis=1),
        protocol=protocol,
        first_interval=first_interval,
        intervals=intervals,
        accept=accept,
    )
    return connections.take(np.flatnonzero(valid))


def _rank_within(groups: IntArray) -> IntArray:
    """0, 1, 2… within each group value, in order of appearance."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    counts = np.diff(np.r_[starts, len(groups)])
    rank_sorted = np.arange(len(groups)) - np.repeat(starts, counts)
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def _assign_ports(connections: _Connections) -> None:
    """Unique source ports per initiator address and unique public-leg ports per NAT gateway, so that no two
    different records on one ENI share a 5-tuple and start: exact duplicates come only from overlapping logs."""
    rank = _rank_within(connections.address[:, INI])
    if len(rank) and rank.max() > EPHEMERAL_LAST - EPHEMERAL_FIRST:
        raise ValueError("too many connections per initiator for unique ports: raise the ENI count")
    connections.port[:, P_INI] = EPHEMERAL_FIRST + rank
    nat = connections.eni[:, NAT]
    via_nat = nat >= 0
    nat_rank = _rank_within(nat[via_nat])
    if len(nat_rank) and nat_rank.max() > 65535 - 1024:
        raise ValueError("too many connections per NAT gateway for unique ports")
    connections.port[via_nat, P_NAT] = 1024 + nat_rank


# --- records ----------------------------------------------------------------------------------------------------


def _observations(connections: _Connections, covered: BoolArray) -> BoolArray:
    """(C, roles): which observations exist. Workload roles need a logged workload ENI; the middlebox roles a
    logged middlebox on the path. A refused connection has one record: the refusing ENI's."""
    eni = connections.eni
    present = eni >= 0
    logged = present & covered[np.maximum(eni, 0)]
    has = np.zeros((len(connections.kind), _N_ROLES), dtype=np.bool_)
    for role in range(_N_ROLES):
        has[:, role] = logged[:, _ROLES[role, 0]]
    reject_in = connections.kind == REJECT_IN
    reject_out = connections.kind == REJECT_OUT
    has[reject_in, :] = False
    has[reject_in, 2] = True
    has[reject_out, :] = False
    has[reject_out, 0] = True
    return has


@dataclass
class _Records:
    connection: IntArray
    role: IntArray
    interval: IntArray  # within the connection
    flow_log: IntArray


def _expand(connections: _Connections, has: BoolArray, first: IntArray, second: IntArray) -> _Records:
    conn, role = np.nonzero(has)
    conn = conn.astype(np.int64)
    role = role.astype(np.int64)
    eni = connections.eni[conn, _ROLES[role, 0]]
    n = connections.intervals[conn]
    conn = np.repeat(conn, n)
    role = np.repeat(role, n)
    eni = np.repeat(eni, n)
    starts = np.repeat(np.cumsum(n) - n, n)
    interval = np.arange(len(conn), dtype=np.int64) - starts
    copies = 1 + (second[eni] >= 0)
    index = np.repeat(np.arange(len(conn)), copies)
    copy = np.arange(len(index), dtype=np.int64) - np.repeat(np.cumsum(copies) - copies, copies)
    eni = eni[index]
    flow_log = np.where(copy == 0, first[eni], second[eni])
    return _Records(conn[index], role[index], interval[index], flow_log)


def _record_counts(connections: _Connections, has: BoolArray, second: IntArray) -> IntArray:
    """Records each connection yields (every interval, every copy)."""
    copies = np.zeros_like(has, dtype=np.int64)
    for role in range(_N_ROLES):
        eni = connections.eni[:, _ROLES[role, 0]]
        copies[:, role] = np.where(has[:, role], 1 + (second[np.maximum(eni, 0)] >= 0), 0)
    result: IntArray = copies.sum(axis=1) * connections.intervals
    return result


@dataclass
class _Volumes:
    offsets: IntArray  # first (connection, interval) row of each connection
    forward: IntArray  # bytes per (connection, interval), initiator to responder
    reverse: IntArray


def _volumes(connections: _Connections, rng: np.random.Generator) -> _Volumes:
    n = connections.intervals
    total = int(n.sum())
    forward = np.maximum(40, rng.lognormal(7.5, 1.6, total)).astype(np.int64)
    reverse = np.maximum(40, rng.lognormal(9.5, 1.8, total)).astype(np.int64)
    upload = np.repeat(rng.random(len(n)) < 0.2, n)
    forward, reverse = np.where(upload, reverse, forward), np.where(upload, forward, reverse)
    refused = np.repeat(~connections.accept, n)
    forward[refused] = 40 + rng.integers(0, 3, int(refused.sum())) * 40
    reverse[refused] = 0
    return _Volumes(np.cumsum(n) - n, forward, reverse)


def _jitter(connection: IntArray, interval: IntArray) -> IntArray:
    """Seconds after the interval's start at which a record's capture window opens."""
    return (connection * 7 + interval * 3) % 10


def _separate_collisions(connections: _Connections, volumes: _Volumes, records: _Records, first: IntArray) -> None:
    """A transit gateway attachment ENI puts its own address in place of the far end, so two connections from
    different initiators that happen to use one source port to one server look alike on the server's side.
    Where two such records would also share their capture window and byte count, one byte more on the later
    connection tells them apart, so that exact duplicates come from overlapping flow logs alone."""
    on_far_side = np.isin(records.role, [10, 11])
    conn, role, interval = records.connection[on_far_side], records.role[on_far_side], records.interval[on_far_side]
    unique = records.flow_log[on_far_side] == first[connections.eni[conn, _ROLES[role, 0]]]
    conn, role, interval = conn[unique], role[unique], interval[unique]
    forward = _ROLES[role, 8] == 1
    row = volumes.offsets[conn] + interval
    for _ in range(100):
        volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
        key = np.stack(
            [
                connections.eni[conn, _ROLES[role, 0]],
                connections.address[conn, _ROLES[role, 1]],
                connections.address[conn, _ROLES[role, 2]],
                connections.port[conn, _ROLES[role, 5]],
                connections.port[conn, _ROLES[role, 6]],
                connections.first_interval[conn] + interval,
                _jitter(conn, interval),
                volume,
            ],
            axis=1,
        )
        _, first_index = np.unique(key, axis=0, return_index=True)
        later = np.ones(len(key), dtype=np.bool_)
        later[first_index] = False
        if not later.any():
            return
        volumes.forward[row[later & forward]] += 1
        volumes.reverse[row[later & ~forward]] += 1
    raise AssertionError("could not separate colliding records")


def _packets(volume: IntArray) -> IntArray:
    return np.maximum(1, volume // 1100).astype(np.int64)


def _tcp_flags(connections: _Connections, records: _Records, forward: BoolArray) -> IntArray:
    """SYN (2) from the initiator and SYN-ACK (18) from the responder in the first interval, FIN (1) in the
    last; 0 in between and for UDP."""
    n = connections.intervals[records.connection]
    first = records.interval == 0
    last = records.interval == n - 1
    flags = np.where(first, np.where(forward, SYN, SYN_ACK), 0) | np.where(last, FIN, 0)
    udp = connections.protocol[records.connection] == PROTO_UDP
    return np.where(udp, 0, flags).astype(np.int64)


def _traffic_path(
    connections: _Connections, records: _Records, egress: BoolArray, estate: _Estate, eni_vpc: IntArray
) -> IntArray:
    """`traffic-path` of egress records (-1 for ingress): 1 same VPC (incl. NAT, TGW and endpoint ENIs), 4/5 peering
    in/across regions, 7 gateway endpoint, 8 internet gateway."""
    c = records.connection
    role = records.role
    kind = connections.kind[c]
    path = connections.path[c]
    result = np.full(len(c), 1, dtype=np.int64)
    workload_role = role < 4
    peering = workload_role & (path == DIRECT) & np.isin(kind, [VPC_TO_VPC, FROM_UNLOGGED])
    ini_vpc = eni_vpc[np.maximum(connections.eni[c, INI], 0)]
    rsp_vpc = eni_vpc[np.maximum(connections.eni[c, RSP], 0)]
    regions = np.array([vpc.region for vpc in estate.vpcs])
    cross_region = regions[ini_vpc] != regions[rsp_vpc]
    result[peering & (ini_vpc != rsp_vpc)] = np.where(cross_region[peering & (ini_vpc != rsp_vpc)], 5, 4)
    result[workload_role & (kind == GATEWAY_S3)] = 7
    result[workload_role & np.isin(kind, [INBOUND, INTERNET_V6, REJECT_OUT])] = 8
    result[role == 5] = 8  # NAT public leg
    return np.where(egress, result, -1)


# --- writing ----------------------------------------------------------------------------------------------------


def _dictionary(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _column(dictionary: pa.Array, indices: IntArray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)


def _file_key(estate: _Estate, log: _FlowLog, window_start: datetime, digest: str) -> str:
    vpc = estate.vpcs[log.vpc]
    stamp = window_start.strftime("%Y%m%dT%H%MZ")
    name = f"{vpc.account}_vpcflowlogs_{vpc.region}_{log.id}_{stamp}_{digest}.log.gz"
    y, m, d, h = (window_start.strftime(f) for f in ("%Y", "%m", "%d", "%H"))
    if log.hive:
        folder = (
            f"AWSLogs/aws-account-id={vpc.account}/aws-service=vpcflowlogs/aws-region={vpc.region}/"
            f"year={y}/month={m}/day={d}/" + (f"hour={h}/" if log.hourly else "")
        )
    else:
        folder = f"AWSLogs/{vpc.account}/vpcflowlogs/{vpc.region}/{y}/{m}/{d}/" + (f"{h}/" if log.hourly else "")
    return folder + name


def generate(out: str | Path, spec: SyntheticSpec | None = None, **overrides: Any) -> SyntheticFlowLogs:
    """Write a synthetic estate with flow logs and its ground-truth matrix under `out` (created; existing files
    of the same names are replaced). Keyword arguments override fields of `spec` (`records=`, `seed=` …)."""
    spec = dataclasses.replace(spec or SyntheticSpec(), **overrides)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)

    # size the estate so that no initiator needs more than ~3,000 source ports
    estimated_connections = max(200, spec.records // 6)
    workloads_per_subnet = max(3, math.ceil(estimated_connections / 2500 / (spec.vpcs * 2.5)))
    estate = _Estate(spec, rng, workloads_per_subnet)
    first, second = estate.first, estate.second
    n_logs = len(estate.flow_logs)
    windows = spec.hours * 3600 / FILE_WINDOW_S if spec.hours else max(12, math.ceil(spec.records / n_logs / 20_000))
    n_windows = max(1, int(windows))
    n_intervals = n_windows * FILE_WINDOW_S // INTERVAL_S

    eni_kind = np.array([item.kind for item in estate.enis])
    middlebox = ~np.isin(eni_kind, ["workload", "lambda"])
    covered = first >= 0
    eni_vpc = np.array([item.vpc for item in estate.enis], dtype=np.int64)

    # connections until the records reach the target (the quiet-ENI records are added after)
    quiet = _quiet_records(estate, rng, covered, second, middlebox, n_intervals)
    wanted = max(1, spec.records - len(quiet[0]))
    count = max(len(KIND_WEIGHTS) * 2, wanted // 12)
    pools = _Pools.create(estate, rng, count)
    while True:
        connections = _connections(estate, rng, pools, count, n_intervals)
        has = _observations(connections, covered)
        per_connection = _record_counts(connections, has, second)
        cumulative = np.cumsum(per_connection)
        if cumulative[-1] >= wanted:
            keep = int(np.searchsorted(cumulative, wanted)) + 1
            keep = max(keep, len(KIND_WEIGHTS))
            connections = connections.take(slice(0, keep))
            has = has[:keep]
            break
        count = int(count * 1.6 * wanted / max(1, cumulative[-1])) + 1
    _assign_ports(connections)
    volumes = _volumes(connections, rng)
    records = _expand(connections, has, first, second)
    _separate_collisions(connections, volumes, records, first)

    truth, summary = _ground_truth(estate, connections, has, volumes, records, second, middlebox)
    truth_path = root / "ground_truth.csv"
    truth_path.write_text(truth)

    files, written = _write_files(estate, spec, rng, connections, volumes, records, quiet, eni_vpc, root, n_windows)
    counts = summary["counts"] | {
        "nodata": int((quiet[2] == 0).sum()),
        "skipdata": int((quiet[2] == 1).sum()),
        "malformed": spec.malformed_lines,
    }
    result_counts = dict(sorted(counts.items()))
    topology_path = root / "topology.yaml"
    topology_path.write_text(yaml.safe_dump(estate.topology(), sort_keys=False))
    manifest_path = root / "manifest.json"
    result = SyntheticFlowLogs(
        root=root,
        topology=topology_path,
        logs=root / "AWSLogs",
        ground_truth=truth_path,
        manifest=manifest_path,
        files=files,
        records=written,
        counts=result_counts,
        bytes=summary["bytes"],
    )
    spec_fields = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dataclasses.asdict(spec).items()}
    manifest = {
        "spec": spec_fields,
        "files": files,
        "records": written,
        "counts": result_counts,
        "bytes": summary["bytes"],
        "connections": {name: int((connections.kind == k).sum()) for k, name in enumerate(KIND_NAMES)},
        "formats": {log.id: log.format for log in estate.flow_logs},
        "period": {
            "start": spec.start.isoformat(),
            "end": (spec.start + timedelta(seconds=n_windows * FILE_WINDOW_S)).isoformat(),
        },
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return result


def _quiet_records(
    estate: _Estate,
    rng: np.random.Generator,
    covered: BoolArray,
    second: IntArray,
    middlebox: BoolArray,
    n_intervals: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """NODATA records every ten minutes on the interface endpoint ENIs, and SKIPDATA on two workload ENIs, all
    on ENIs logged once (so that none is also a duplicate): (ENI, interval, 0 NODATA / 1 SKIPDATA)."""
    once = covered & (second < 0)
    kinds = np.array([item.kind for item in estate.enis])
    endpoints = np.flatnonzero(once & (kinds == "vpc_endpoint"))
    intervals = np.arange(0, n_intervals, 10, dtype=np.int64)
    eni = np.repeat(endpoints, len(intervals))
    when = np.tile(intervals, len(endpoints))
    status = np.zeros(len(eni), dtype=np.int64)
    workloads = np.flatnonzero(once & ~middlebox)
    skip_enis = workloads[rng.permutation(len(workloads))[:2]]
    skip_when = rng.integers(0, n_intervals, len(skip_enis))
    return (
        np.concatenate([eni, skip_enis]).astype(np.int64),
        np.concatenate([when, skip_when]).astype(np.int64),
        np.concatenate([status, np.ones(len(skip_enis), dtype=np.int64)]),
    )


def _matrix_names(estate: _Estate) -> tuple[list[str], list[str]]:
    """For each address: its matrix endpoint (VPC id, `internet`, `aws:s3` …) and AZ ID ('' off VPCs)."""
    names = []
    azs = []
    for index, service in enumerate(estate.address_service):
        eni = estate.eni_of_address.get(index)
        if eni is not None:
            item = estate.enis[eni]
            if item.kind == "vpc_endpoint" and estate.spec.inventory:
                endpoint = next(e for e in estate.vpcs[item.vpc].endpoints if e["id"] == item.resource)
                names.append(f"aws:{endpoint['service']}")
                azs.append("")
            else:
                names.append(estate.vpcs[item.vpc].id)
                azs.append(item.az)
        elif service == "-":
            names.append("internet")
            azs.append("")
        else:
            names.append(f"aws:{service.lower()}")
            azs.append("")
    return names, azs


def _ground_truth(
    estate: _Estate,
    connections: _Connections,
    has: BoolArray,
    volumes: _Volumes,
    records: _Records,
    second: IntArray,
    middlebox: BoolArray,
) -> tuple[str, dict[str, dict[str, int]]]:
    """The matrix the counting rule yields, from the connections; and the record and byte counts it implies."""
    c_count = len(connections.kind)
    ini_eni, rsp_eni = connections.eni[:, INI], connections.eni[:, RSP]
    ini_work = (ini_eni >= 0) & ~middlebox[np.maximum(ini_eni, 0)]
    rsp_work = (rsp_eni >= 0) & ~middlebox[np.maximum(rsp_eni, 0)]
    # rule 1: logged = the local side of some workload record (any action)
    logged = np.zeros(len(estate.addresses), dtype=np.bool_)
    logged[connections.address[has[:, 0] | has[:, 1], INI]] = True
    logged[connections.address[(has[:, 2] | has[:, 3]) & rsp_work, RSP]] = True
    ini_logged = logged[connections.address[:, INI]] & ini_work
    rsp_logged = logged[np.maximum(connections.address[:, RSP], 0)] & rsp_work & (connections.address[:, RSP] >= 0)
    ini_records = has[:, 1] & ini_work
    rsp_records = has[:, 2] & rsp_work
    forward_used = connections.accept & (ini_logged | (~ini_logged & rsp_records))
    reverse_used = connections.accept & (rsp_logged | (~rsp_logged & ini_records))
    # the role whose record is used for each direction
    forward_role = np.where(ini_logged, 0, 2)
    reverse_role = np.where(rsp_logged, 3, 1)

    sums_forward = np.add.reduceat(volumes.forward, volumes.offsets) if c_count else np.zeros(0, dtype=np.int64)
    sums_reverse = np.add.reduceat(volumes.reverse, volumes.offsets) if c_count else np.zeros(0, dtype=np.int64)
    names, azs = _matrix_names(estate)
    names_array, azs_array = np.array(names, dtype=object), np.array(azs, dtype=object)
    ini_addr, rsp_addr = connections.address[:, INI], connections.address[:, RSP]
    rows: dict[tuple[str, str, str, str, str], int] = {}
    for used, sums, src, dst, initiator in (
        (forward_used, sums_forward, ini_addr, rsp_addr, "src"),
        (reverse_used, sums_reverse, rsp_addr, ini_addr, "dst"),
    ):
        keys = zip(
            names_array[src[used]], names_array[dst[used]], azs_array[src[used]], azs_array[dst[used]], strict=True
        )
        for key, volume in zip(keys, sums[used].tolist(), strict=True):
            full = (*key, initiator)
            rows[full] = rows.get(full, 0) + int(volume)
    lines = ["src,dst,src_az,dst_az,initiator,bytes"]
    lines += [",".join((*key, str(volume))) for key, volume in sorted(rows.items()) if volume]
    truth = "\n".join(lines) + "\n"

    # record and byte counts, from the expanded records
    role, conn = records.role, records.connection
    eni = connections.eni[conn, _ROLES[role, 0]]
    forward = _ROLES[role, 8] == 1
    row = volumes.offsets[conn] + records.interval
    volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
    is_copy = np.zeros(len(conn), dtype=np.bool_)
    doubled = second[eni] >= 0
    is_copy[doubled] = records.flow_log[doubled] == second[eni[doubled]]
    accepted = connections.accept[conn]
    on_middlebox = middlebox[eni]
    used_record = accepted & (
        ((role == forward_role[conn]) & forward & forward_used[conn])
        | ((role == reverse_role[conn]) & ~forward & reverse_used[conn])
    )
    unique = ~is_copy
    counts = {
        "workload": int((unique & accepted & ~on_middlebox).sum()),
        "middlebox": int((unique & accepted & on_middlebox).sum()),
        "duplicate": int((is_copy & accepted).sum()),
        "reject": int((~accepted).sum()),
        "used": int((unique & used_record).sum()),
    }
    byte_counts = {
        "read": int(volume.sum()),
        "used": int(sum(rows.values())),
        "reject": int(volume[~accepted].sum()),
        "duplicate": int(volume[is_copy & accepted].sum()),
        "middlebox": int(volume[unique & accepted & on_middlebox].sum()),
        "other_side": int(volume[unique & accepted & ~on_middlebox & ~used_record].sum()),
    }
    if byte_counts["used"] != int(volume[unique & used_record].sum()):
        raise AssertionError("the ground truth does not equal the bytes of the records the rule uses")
    return truth, {"counts": counts, "bytes": byte_counts}


def _write_files(
    estate: _Estate,
    spec: SyntheticSpec,
    rng: np.random.Generator,
    connections: _Connections,
    volumes: _Volumes,
    records: _Records,
    quiet: tuple[IntArray, IntArray, IntArray],
    eni_vpc: IntArray,
    root: Path,
    n_windows: int,
) -> tuple[int, int]:
    """Format every record and write one gzip file per flow log and five-minute window."""
    conn, role = records.connection, records.role
    absolute = connections.first_interval[conn] + records.interval
    order = np.lexsort((absolute, records.flow_log))
    conn, role, absolute = conn[order], role[order], absolute[order]
    interval = records.interval[order]
    flow_log = records.flow_log[order]
    sorted_records = _Records(conn, role, interval, flow_log)
    eni = connections.eni[conn, _ROLES[role, 0]]
    forward = _ROLES[role, 8] == 1
    egress = _ROLES[role, 7] == 1
    row = volumes.offsets[conn] + interval
    volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
    epoch = int(spec.start.timestamp())
    # the same capture window for every ENI that sees the connection in that interval (duplicates are exact)
    start = epoch + absolute * INTERVAL_S + _jitter(conn, interval)
    end = epoch + (absolute + 1) * INTERVAL_S - 1
    window = absolute * INTERVAL_S // FILE_WINDOW_S

    # per-ENI and per-address text
    enis = estate.enis
    addresses = _dictionary(estate.addresses)
    services = np.array([{"-": 0, "S3": 1, "AMAZON": 2}[s] for s in estate.address_service], dtype=np.int64)
    is_v6 = np.array([":" in text for text in estate.addresses])
    text: dict[str, tuple[pa.Array, IntArray]] = {}
    eni_ids = np.arange(len(enis), dtype=np.int64)
    account = [estate.vpcs[item.vpc].account if item.kind != "vpc_endpoint" else "unknown" for item in enis]
    per_eni = {
        "account-id": account,
        "interface-id": [item.id for item in enis],
        "vpc-id": [estate.vpcs[item.vpc].id for item in enis],
        "subnet-id": [estate.subnets[item.subnet].id for item in enis],
        "instance-id": [item.instance for item in enis],
        "region": [estate.vpcs[item.vpc].region for item in enis],
        "az-id": [item.az for item in enis],
        "interface-type": [INTERFACE_TYPE_FIELD[item.kind] for item in enis],
    }
    for name, values in per_eni.items():
        text[name] = (_dictionary(values), eni)
    del eni_ids
    src = connections.address[conn, _ROLES[role, 1]]
    dst = connections.address[conn, _ROLES[role, 2]]
    pkt_src = connections.address[conn, _ROLES[role, 3]]
    pkt_dst = connections.address[conn, _ROLES[role, 4]]
    text["srcaddr"] = (addresses, src)
    text["dstaddr"] = (addresses, dst)
    text["pkt-srcaddr"] = (addresses, pkt_src)
    text["pkt-dstaddr"] = (addresses, pkt_dst)
    service_names = _dictionary(["-", "S3", "AMAZON"])
    text["pkt-src-aws-service"] = (service_names, services[pkt_src])
    text["pkt-dst-aws-service"] = (service_names, services[pkt_dst])
    text["type"] = (_dictionary(["IPv4", "IPv6"]), is_v6[src].astype(np.int64))
    text["flow-direction"] = (_dictionary(["ingress", "egress"]), egress.astype(np.int64))
    accepted = connections.accept[conn]
    text["action"] = (_dictionary(["REJECT", "ACCEPT"]), accepted.astype(np.int64))
    text["reject-reason"] = (_dictionary(["-"]), np.zeros(len(conn), dtype=np.int64))
    text["log-status"] = (_dictionary(["OK"]), np.zeros(len(conn), dtype=np.int64))
    next_hop = tuple(
        f"next-hop-{suffix}" for suffix in ("interface-id", "subnet-id", "az-id", "vpc-id", "interface-type")
    )
    for name in ("sublocation-type", "sublocation-id", *next_hop):
        text[name] = (_dictionary(["-"]), np.zeros(len(conn), dtype=np.int64))
    path = _traffic_path(connections, sorted_records, egress, estate, eni_vpc)
    text["traffic-path"] = (_dictionary(["-", "1", "2", "3", "4", "5", "6", "7", "8"]), np.maximum(path, 0))
    numbers: dict[str, IntArray] = {
        "srcport": connections.port[conn, _ROLES[role, 5]],
        "dstport": connections.port[conn, _ROLES[role, 6]],
        "protocol": connections.protocol[conn],
        "packets": _packets(volume),
        "bytes": volume,
        "start": start,
        "end": end,
        "tcp-flags": _tcp_flags(connections, sorted_records, forward),
    }

    # quiet records (NODATA / SKIPDATA) as text lines, by flow log and window
    first = estate.first
    quiet_lines: dict[tuple[int, int], list[str]] = {}
    for q_eni, q_interval, q_status in zip(*(part.tolist() for part in quiet), strict=True):
        log_index = int(first[q_eni])
        log = estate.flow_logs[log_index]
        status = "NODATA" if q_status == 0 else "SKIPDATA"
        quiet_fields = _quiet_values(estate, q_eni, epoch + q_interval * INTERVAL_S, status, FORMAT_VERSION[log.format])
        line = " ".join(quiet_fields.get(name, "-") for name in FORMATS[log.format])
        quiet_lines.setdefault((log_index, q_interval * INTERVAL_S // FILE_WINDOW_S), []).append(line)

    # which files get a malformed line or a double space
    boundaries = np.flatnonzero(np.diff(flow_log * (n_windows + 1) + window)) + 1
    starts = np.r_[0, boundaries]
    stops = np.r_[boundaries, len(conn)]
    groups = {(int(flow_log[a]), int(window[a])): (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
    keys = sorted(set(groups) | set(quiet_lines))
    malformed_at = {keys[i] for i in rng.choice(len(keys), size=min(len(keys), spec.malformed_lines), replace=False)}
    double_at = {keys[i] for i in rng.choice(len(keys), size=min(len(keys), spec.double_space_lines), replace=False)}
    malformed_total = 0
    if spec.malformed_lines > len(keys):
        raise ValueError("more malformed lines than files")

    write_options = pa_csv.WriteOptions(include_header=False, delimiter=" ", quoting_style="none", batch_size=65536)
    files = 0
    written = 0
    for key in keys:
        log_index, window_index = key
        log = estate.flow_logs[log_index]
        fields = FORMATS[log.format]
        buffer = io.BytesIO()
        buffer.write((" ".join(fields) + "\n").encode())
        a, b = groups.get(key, (0, 0))
        body = b""
        if b > a:
            columns = {}
            for name in fields:
                if name == "version":
                    columns[name] = pa.array(np.full(b - a, FORMAT_VERSION[log.format], dtype=np.int64))
                elif name in numbers:
                    columns[name] = pa.array(numbers[name][a:b])
                else:
                    dictionary, indices = text[name]
                    columns[name] = _column(dictionary, indices[a:b])
            sink = io.BytesIO()
            pa_csv.write_csv(pa.table(columns), sink, write_options)
            body = sink.getvalue()
            written += b - a
        if key in double_at and body:
            # a double space between two fields, as in the AWS user guide's example: still a valid record
            first_line_end = body.index(b"\n")
            parts = body[:first_line_end].split(b" ")
            body = b" ".join(parts[:3]) + b"  " + b" ".join(parts[3:]) + body[first_line_end:]
        buffer.write(body)
        extra = quiet_lines.get(key, [])
        written += len(extra)
        if key in malformed_at:
            extra = [*extra, _malformed_line(malformed_total, fields, body)]
            malformed_total += 1
        if extra:
            buffer.write(("\n".join(extra) + "\n").encode())
        window_start = spec.start + timedelta(seconds=window_index * FILE_WINDOW_S)
        digest = hashlib.sha1(f"{log.id}{window_index}".encode()).hexdigest()[:8]
        target = root / _file_key(estate, log, window_start, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=spec.compresslevel, mtime=0))
        files += 1
    return files, written


def _quiet_values(estate: _Estate, eni: int, start: int, status: str, version: int) -> dict[str, str]:
    item = estate.enis[eni]
    vpc = estate.vpcs[item.vpc]
    return {
        "version": str(version),
        "account-id": vpc.account if item.kind != "vpc_endpoint" else "unknown",
        "interface-id": item.id,
        "vpc-id": vpc.id,
        "subnet-id": estate.subnets[item.subnet].id,
        "instance-id": item.instance,
        "region": vpc.region,
        "az-id": item.az,
        "interface-type": INTERFACE_TYPE_FIELD[item.kind],
        "start": str(start),
        "end": str(start + INTERVAL_S - 1),
        "log-status": status,
    }


def _malformed_line(number: int, fields: Sequence[str], body: bytes) -> str:
    """A line with the wrong number of fields: a stray word, a record cut short, or one with a field too many."""
    if number % 3 == 0 or not body:
        return "bogus line"
    record = body[: body.index(b"\n")].decode().split()
    if number % 3 == 1:
        return " ".join(record[: max(1, len(fields) - 3)])
    return " ".join([*record, "extra"])


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.support.synthetic_flowlogs --records N --out DIR [--seed S] [--no-inventory]`."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.synthetic_flowlogs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=int, default=SyntheticSpec.records, help="at least this many records")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SyntheticSpec.seed)
    parser.add_argument("--vpcs", type=int, default=SyntheticSpec.vpcs)
    parser.add_argument("--hours", type=float, default=None, help="length of the logged period")
    parser.add_argument("--no-inventory", action="store_true", help="leave the ENI inventory out of the topology")
    parser.add_argument("--compresslevel", type=int, default=SyntheticSpec.compresslevel)
    arguments = parser.parse_args(argv)
    began = time.perf_counter()
    result = generate(
        arguments.out,
        records=arguments.records,
        seed=arguments.seed,
        vpcs=arguments.vpcs,
        hours=arguments.hours,
        inventory=not arguments.no_inventory,
        compresslevel=arguments.compresslevel,
    )
    elapsed = time.perf_counter() - began
    print(
        f"{result.records:,} records in {result.files:,} files under {result.logs} in {elapsed:.1f} s; "
        f"ground truth {result.ground_truth}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
