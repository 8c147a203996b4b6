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

from vpccost.topology import Interface, Topology, Vpc, parse_network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7")
)
"""Addresses that are never on the internet: RFC 1918, shared address space (RFC 6598, which VPCs may use),
link-local, and IPv6 unique local. A private address outside the topology's VPCs is an unlogged network the
matrix cannot name; any other address is public (documentation ranges included, as AWS's examples use them)."""

MIDDLEBOX_TYPES = frozenset(
    {"nat_gateway", "transit_gateway_attachment", "vpc_endpoint", "load_balancer", "gateway_load_balancer"}
)


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


def ip_version(text: str) -> int:
    return 6 if ":" in text else 4


def service_endpoint(pkt_aws_service: str) -> str:
    """`S3` → `aws:s3`, `AMAZON` → `aws:amazon`: the traffic endpoint of a public address AWS names."""
    return "aws:" + pkt_aws_service.strip().lower().replace("_", "-")
