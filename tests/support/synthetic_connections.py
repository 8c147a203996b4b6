"""Connections between the estate's addresses, and the flow-log records each logged ENI on their path shows.

Each connection has a kind, an initiator and a responder, a path (direct, through a NAT gateway or through a transit
gateway), ports, one-minute intervals and bytes per interval in each direction (`Volumes`). `ROLES` says which ENI
records which direction of it, and how; `expand_records` lists every record (each interval, each copy an
overlapping flow log makes), and `quiet_records` the NODATA and SKIPDATA ones. The ground truth
(`synthetic_ground_truth`) and the files (`synthetic_files`) are both derived from these arrays.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tests.support.synthetic_estate import BoolArray, Estate, IntArray

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
ROLES = np.array(
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
_N_ROLES = len(ROLES)

EPHEMERAL_FIRST, EPHEMERAL_LAST = 50000, 60999
"""Initiators' source ports: inside every common ephemeral range (Linux 32768–60999, IANA 49152–65535)."""
HIGH_LISTENING_FIRST = 61000
"""Listening ports of services whose ports cannot tell the initiator (both sides high): TCP flags must."""
WELL_KNOWN_TCP = np.array([443, 80, 22, 993, 636, 389, 443, 443], dtype=np.int64)
WELL_KNOWN_UDP = np.array([53, 123], dtype=np.int64)
PROTO_TCP, PROTO_UDP = 6, 17

_INTERNET_V4 = ("151.101.0.0/16", "142.250.0.0/15", "104.16.0.0/13", "140.82.112.0/20", "185.199.108.0/22")
_INTERNET_V6 = ("2606:4700::/32", "2a00:1450::/32")
_S3_RANGES = {"us-east-1": "52.216.0.0/15", "eu-west-1": "52.218.0.0/17", "us-west-2": "52.92.128.0/17"}
_S3_FALLBACK = "3.5.0.0/19"

# --- connections ------------------------------------------------------------------------------------------------------


@dataclass
class Connections:
    kind: IntArray
    path: IntArray
    address: IntArray  # (C, 5): INI, RSP, NAT, TGW_INI, TGW_RSP address indices (-1: none)
    eni: IntArray  # (C, 5): the same columns' ENIs (-1: none)
    port: IntArray  # (C, 3): initiator's, responder's, NAT's public-leg port
    protocol: IntArray
    first_interval: IntArray
    intervals: IntArray
    accept: BoolArray

    def take(self, keep: IntArray | slice) -> Connections:
        return Connections(**{f.name: getattr(self, f.name)[keep] for f in dataclasses.fields(self)})


def _pick(rng: np.random.Generator, pool: IntArray, size: int) -> IntArray:
    if len(pool) == 0:
        return np.full(size, -1, dtype=np.int64)
    return pool[rng.integers(0, len(pool), size)]


def _public_pool(estate: Estate, rng: np.random.Generator, ranges: Sequence[str], size: int, service: str) -> IntArray:
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
class Pools:
    """Public addresses the connections draw from (indices into the estate's address table)."""

    internet4: IntArray
    internet6: IntArray
    s3_by_region: npt.NDArray[np.int64]  # (regions, addresses)

    @classmethod
    def create(cls, estate: Estate, rng: np.random.Generator, count: int) -> Pools:
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


def draw_connections(
    estate: Estate, rng: np.random.Generator, pools: Pools, count: int, n_intervals: int
) -> Connections:
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
    connections = Connections(
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


def assign_ports(connections: Connections) -> None:
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


def observations(connections: Connections, covered: BoolArray) -> BoolArray:
    """(C, roles): which observations exist. Workload roles need a logged workload ENI; the middlebox roles a
    logged middlebox on the path. A refused connection has one record: the refusing ENI's."""
    eni = connections.eni
    present = eni >= 0
    logged = present & covered[np.maximum(eni, 0)]
    has = np.zeros((len(connections.kind), _N_ROLES), dtype=np.bool_)
    for role in range(_N_ROLES):
        has[:, role] = logged[:, ROLES[role, 0]]
    reject_in = connections.kind == REJECT_IN
    reject_out = connections.kind == REJECT_OUT
    has[reject_in, :] = False
    has[reject_in, 2] = True
    has[reject_out, :] = False
    has[reject_out, 0] = True
    return has


@dataclass
class Records:
    connection: IntArray
    role: IntArray
    interval: IntArray  # within the connection
    flow_log: IntArray


def expand_records(connections: Connections, has: BoolArray, first: IntArray, second: IntArray) -> Records:
    conn, role = np.nonzero(has)
    conn = conn.astype(np.int64)
    role = role.astype(np.int64)
    eni = connections.eni[conn, ROLES[role, 0]]
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
    return Records(conn[index], role[index], interval[index], flow_log)


def record_counts(connections: Connections, has: BoolArray, second: IntArray) -> IntArray:
    """Records each connection yields (every interval, every copy)."""
    copies = np.zeros_like(has, dtype=np.int64)
    for role in range(_N_ROLES):
        eni = connections.eni[:, ROLES[role, 0]]
        copies[:, role] = np.where(has[:, role], 1 + (second[np.maximum(eni, 0)] >= 0), 0)
    result: IntArray = copies.sum(axis=1) * connections.intervals
    return result


@dataclass
class Volumes:
    offsets: IntArray  # first (connection, interval) row of each connection
    forward: IntArray  # bytes per (connection, interval), initiator to responder
    reverse: IntArray


def draw_volumes(connections: Connections, rng: np.random.Generator) -> Volumes:
    n = connections.intervals
    total = int(n.sum())
    forward = np.maximum(40, rng.lognormal(7.5, 1.6, total)).astype(np.int64)
    reverse = np.maximum(40, rng.lognormal(9.5, 1.8, total)).astype(np.int64)
    upload = np.repeat(rng.random(len(n)) < 0.2, n)
    forward, reverse = np.where(upload, reverse, forward), np.where(upload, forward, reverse)
    refused = np.repeat(~connections.accept, n)
    forward[refused] = 40 + rng.integers(0, 3, int(refused.sum())) * 40
    reverse[refused] = 0
    return Volumes(np.cumsum(n) - n, forward, reverse)


def jitter(connection: IntArray, interval: IntArray) -> IntArray:
    """Seconds after the interval's start at which a record's capture window opens."""
    return (connection * 7 + interval * 3) % 10


def separate_collisions(connections: Connections, volumes: Volumes, records: Records, first: IntArray) -> None:
    """A transit gateway attachment ENI puts its own address in place of the far end, so two connections from
    different initiators that happen to use one source port to one server look alike on the server's side.
    Where two such records would also share their capture window and byte count, one byte more on the later
    connection tells them apart, so that exact duplicates come from overlapping flow logs alone."""
    on_far_side = np.isin(records.role, [10, 11])
    conn, role, interval = records.connection[on_far_side], records.role[on_far_side], records.interval[on_far_side]
    unique = records.flow_log[on_far_side] == first[connections.eni[conn, ROLES[role, 0]]]
    conn, role, interval = conn[unique], role[unique], interval[unique]
    forward = ROLES[role, 8] == 1
    row = volumes.offsets[conn] + interval
    for _ in range(100):
        volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
        key = np.stack(
            [
                connections.eni[conn, ROLES[role, 0]],
                connections.address[conn, ROLES[role, 1]],
                connections.address[conn, ROLES[role, 2]],
                connections.port[conn, ROLES[role, 5]],
                connections.port[conn, ROLES[role, 6]],
                connections.first_interval[conn] + interval,
                jitter(conn, interval),
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


def quiet_records(
    estate: Estate,
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
