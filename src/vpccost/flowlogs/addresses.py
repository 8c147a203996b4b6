"""Where a flow-log address is: a topology VPC (and AZ, through its subnet), an ENI of the inventory, or
outside every VPC — a public address (the internet or an AWS service) or a private one the topology lacks.

Matching is longest prefix over the topology's subnet and VPC CIDRs, IPv4 and IPv6. Several VPCs may hold
the same address when their CIDRs overlap: every one of them is a candidate, and the caller decides (the
logged ENI's own VPC wins; then the longest prefix; a tie is ambiguous and reported).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vpccost.inputs.topology import Interface, Topology, Vpc, parse_network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7")
)
"""Addresses that are never on the internet: RFC 1918, shared address space (RFC 6598, which VPCs may use),
link-local, and IPv6 unique local. A private address outside the topology's VPCs is an unlogged network the
matrix cannot name; any other address is public (documentation ranges included, as AWS's examples use them)."""


@dataclass(frozen=True)
class Candidate:
    """A VPC that holds an address, how specific the match is, and the subnet's AZ when a subnet matched."""

    vpc: str
    prefix_length: int
    az: str | None
    subnet: str | None


@dataclass(frozen=True)
class KnownInterface:
    interface: Interface
    vpc: Vpc


@dataclass
class AddressTable:
    """Where each of many addresses is, as arrays (one entry per address), for vectorised counting.

    `vpc`: index (in the topology's order) of the VPC of the most specific match, -1 outside every VPC;
    `unique_vpc`: the same when one VPC alone has the most specific match, -2 when several tie; `az`: the AZ of
    the most specific subnet holding it in that VPC ('' when none); `multiple`: more than one VPC holds it
    (overlapping CIDRs); `private`: in `PRIVATE_NETWORKS`; `version`: 4, 6, or 0 for text that is no address."""

    vpc: np.ndarray
    unique_vpc: np.ndarray
    az: np.ndarray
    multiple: np.ndarray
    private: np.ndarray
    version: np.ndarray


class AddressBook:
    """The topology indexed for flow-log addresses, subnet ids, VPC ids and ENIs."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.vpcs: dict[str, Vpc] = {vpc.id: vpc for vpc in topology.vpcs}
        self.subnets: dict[str, tuple[Vpc, str, str]] = {}
        self.interfaces: dict[str, KnownInterface] = {}
        self.interface_addresses: dict[str, KnownInterface] = {}
        # per IP version: prefix length -> network number -> the entries with that exact prefix
        self._prefixes: dict[int, dict[int, dict[int, list[Candidate]]]] = {4: {}, 6: {}}
        for vpc in topology.vpcs:
            for cidr in vpc.cidrs:
                self._add(parse_network(cidr), Candidate(vpc.id, 0, None, None))
            for subnet in vpc.subnets:
                self.subnets[subnet.id] = (vpc, subnet.cidr, subnet.az)
                self._add(parse_network(subnet.cidr), Candidate(vpc.id, 0, subnet.az, subnet.id))
            for interface in vpc.interfaces:
                known = KnownInterface(interface, vpc)
                self.interfaces[interface.id] = known
                for ip in interface.ips:
                    self.interface_addresses[str(ipaddress.ip_address(ip))] = known
        self._lengths = {version: sorted(table, reverse=True) for version, table in self._prefixes.items()}
        self.candidates = lru_cache(maxsize=None)(self._candidates)
        self.vpc_index = {vpc.id: index for index, vpc in enumerate(topology.vpcs)}
        self._ipv4_tables = self._ipv4_lookup()

    def _add(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network, entry: Candidate) -> None:
        length = network.prefixlen
        bits = network.max_prefixlen
        table = self._prefixes[network.version].setdefault(length, {})
        placed = Candidate(entry.vpc, length, entry.az, entry.subnet)
        table.setdefault(int(network.network_address) >> (bits - length), []).append(placed)

    def _candidates(self, address: str) -> tuple[Candidate, ...]:
        """Each VPC holding the address, with its most specific match (a subnet over a VPC CIDR), most
        specific first. Empty for an address outside every VPC or not an address at all."""
        parsed = parse_address(address)
        if parsed is None:
            return ()
        bits = parsed.max_prefixlen
        number = int(parsed)
        best: dict[str, Candidate] = {}
        for length in self._lengths[parsed.version]:
            for entry in self._prefixes[parsed.version][length].get(number >> (bits - length), ()):
                current = best.get(entry.vpc)
                if current is None or (current.subnet is None and entry.subnet is not None):
                    best[entry.vpc] = entry
        return tuple(sorted(best.values(), key=lambda entry: (-entry.prefix_length, entry.vpc)))

    def _ipv4_lookup(self) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per IPv4 prefix length (longest first): the sorted network numbers and, for each, its VPC index,
        whether several VPCs have it, its subnet's AZ ('' for a VPC CIDR) and whether it is a subnet."""
        tables = []
        for length in self._lengths[4]:
            keys = sorted(self._prefixes[4][length])
            vpcs, several, azs, subnets = [], [], [], []
            for key in keys:
                entries = self._prefixes[4][length][key]
                owners = {entry.vpc for entry in entries}
                subnet = next((entry for entry in entries if entry.subnet is not None), None)
                vpcs.append(self.vpc_index[entries[0].vpc] if subnet is None else self.vpc_index[subnet.vpc])
                several.append(len(owners) > 1)
                azs.append(subnet.az if subnet is not None and subnet.az else "")
                subnets.append(subnet is not None)
            tables.append(
                (
                    length,
                    np.array(keys, dtype=np.int64),
                    np.array(vpcs, dtype=np.int32),
                    np.array(several, dtype=bool),
                    np.array(azs, dtype=object),
                    np.array(subnets, dtype=bool),
                )
            )
        return tables

    def resolve(self, addresses: list[str]) -> AddressTable:
        """Every address's place at once: IPv4 by array lookups per prefix length; IPv6, text that is not an
        address, and addresses held by several VPCs one by one (`candidates`)."""
        count = len(addresses)
        table = AddressTable(
            vpc=np.full(count, -1, dtype=np.int32),
            unique_vpc=np.full(count, -1, dtype=np.int32),
            az=np.full(count, "", dtype=object),
            multiple=np.zeros(count, dtype=bool),
            private=np.zeros(count, dtype=bool),
            version=np.zeros(count, dtype=np.int8),
        )
        if not count:
            return table
        text = pa.array(addresses, type=pa.string())
        dotted = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"), False)
        ipv4 = np.asarray(dotted.to_numpy(zero_copy_only=False), dtype=bool)
        numbers = np.zeros(count, dtype=np.int64)
        if ipv4.any():
            parts = pc.list_flatten(pc.split_pattern(text.filter(dotted), "."))
            octets = np.asarray(pc.cast(parts, pa.int64()).to_numpy(), dtype=np.int64).reshape(-1, 4)
            valid = (octets <= 255).all(axis=1)
            positions = np.flatnonzero(ipv4)
            ipv4[positions[~valid]] = False
            numbers[positions] = (octets[:, 0] << 24) | (octets[:, 1] << 16) | (octets[:, 2] << 8) | octets[:, 3]
        v4 = np.flatnonzero(ipv4)
        table.version[v4] = 4
        self._resolve_ipv4(numbers[v4], v4, table)
        private = np.zeros(len(v4), dtype=bool)
        for network in PRIVATE_NETWORKS:
            if network.version == 4:
                size = 32 - network.prefixlen
                private |= (numbers[v4] >> size) == (int(network.network_address) >> size)
        table.private[v4] = private
        one_by_one = np.flatnonzero(~ipv4 | table.multiple)
        for position in one_by_one.tolist():
            self._resolve_one(addresses[position], position, table)
        return table

    def _resolve_ipv4(self, numbers: np.ndarray, positions: np.ndarray, table: AddressTable) -> None:
        first = np.full(len(numbers), -1, dtype=np.int32)
        az = np.full(len(numbers), "", dtype=object)
        have_az = np.zeros(len(numbers), dtype=bool)
        several = np.zeros(len(numbers), dtype=bool)
        for length, keys, vpcs, shared, azs, subnets in self._ipv4_tables:
            wanted = numbers >> (32 - length)
            found = np.searchsorted(keys, wanted)
            inside = found < len(keys)
            inside[inside] = keys[found[inside]] == wanted[inside]
            if not inside.any():
                continue
            hit = found[inside]
            owner = vpcs[hit]
            current = first[inside]
            several[inside] |= shared[hit] | ((current >= 0) & (current != owner))
            first[inside] = np.where(current >= 0, current, owner)
            takes_az = subnets[hit] & ~have_az[inside]
            rows = np.flatnonzero(inside)[takes_az]
            az[rows] = azs[hit][takes_az]
            have_az[rows] = True
        table.vpc[positions] = first
        table.unique_vpc[positions] = first
        table.az[positions] = az
        table.multiple[positions] = several

    def _resolve_one(self, address: str, position: int, table: AddressTable) -> None:
        parsed = parse_address(address)
        table.version[position] = 0 if parsed is None else parsed.version
        table.private[position] = is_private(address)
        candidates = self.candidates(address)
        table.multiple[position] = len(candidates) > 1
        if not candidates:
            table.vpc[position] = table.unique_vpc[position] = -1
            table.az[position] = ""
            return
        table.vpc[position] = self.vpc_index[candidates[0].vpc]
        longest = [entry for entry in candidates if entry.prefix_length == candidates[0].prefix_length]
        table.unique_vpc[position] = table.vpc[position] if len(longest) == 1 else -2
        table.az[position] = candidates[0].az or ""

    def subnet_contains(self, subnet_id: str, address: str) -> bool | None:
        """Whether the subnet holds the address; None when the subnet is not in the topology."""
        known = self.subnets.get(subnet_id)
        parsed = parse_address(address)
        if known is None or parsed is None:
            return None
        network = parse_network(known[1])
        return parsed.version == network.version and parsed in network

    def vpc_contains(self, vpc_id: str, address: str) -> bool | None:
        vpc = self.vpcs.get(vpc_id)
        parsed = parse_address(address)
        if vpc is None or parsed is None or not vpc.cidrs:
            return None
        return any(parsed.version == network.version and parsed in network for network in vpc.networks)


@lru_cache(maxsize=2**18)
def parse_address(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=2**18)
def is_private(text: str) -> bool:
    parsed = parse_address(text)
    return parsed is not None and any(parsed.version == net.version and parsed in net for net in PRIVATE_NETWORKS)


def service_endpoint(pkt_aws_service: str) -> str:
    """`S3` → `aws:s3`, `AMAZON` → `aws:amazon`: the traffic endpoint of a public address AWS names."""
    return "aws:" + pkt_aws_service.strip().lower().replace("_", "-")
