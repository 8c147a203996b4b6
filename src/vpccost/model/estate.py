"""The estate: topology and traffic resolved into one model that every design reads.

Each traffic row becomes a flow between two sides (a VPC, the internet, or an AWS service) with its
region, account, AZ and initiator resolved. Flows are stored column-wise as integer codes into the tables
below, so designs can meter hundreds of thousands of flows with array operations.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

import numpy as np
import pandas as pd

from vpccost.errors import InputError
from vpccost.inputs.topology import Account, Network, Topology, Vpc, parse_network
from vpccost.inputs.traffic import Traffic, parse_endpoint
from vpccost.model.aws_facts import PUBLIC_ADDRESS_SERVICES, az_id_region
from vpccost.model.codes import NONE, Codes, first_rows, pack_pairs, versions_by_key

VPC: Final = 0
INTERNET: Final = 1
SERVICE: Final = 2

DEFAULT_AZ_COUNT = 2
UNKNOWN_ACCOUNT = "unknown"


@dataclass(frozen=True)
class VpcInfo:
    id: str
    name: str | None
    account: str
    region: str
    azs: tuple[str, ...]
    azs_from: str
    """Where the AZ list comes from: 'topology', 'traffic', or 'default' (assumed)."""
    networks: tuple[Network, ...]

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


@dataclass
class Side:
    """One side of every flow, column-wise."""

    kind: np.ndarray  # VPC, INTERNET or SERVICE
    vpc: np.ndarray  # code into Estate.vpcs, NONE unless kind == VPC
    service: np.ndarray  # code into Estate.services, NONE unless kind == SERVICE
    region: np.ndarray  # code into Estate.regions, NONE for the internet
    account: np.ndarray  # code into Estate.accounts (the workload's account), NONE unless kind == VPC
    az: np.ndarray  # code into Estate.azs, NONE when not known

    def take(self, positions: np.ndarray) -> Side:
        return Side(*(getattr(self, name)[positions] for name in ("kind", "vpc", "service", "region", "account", "az")))


@dataclass
class Flows:
    src: Side
    dst: Side
    src_initiates: np.ndarray  # bool: the src side opened the connection
    ipv6: np.ndarray  # bool
    volume: np.ndarray  # whole volume units (see Traffic)

    def __len__(self) -> int:
        return len(self.volume)

    def initiator(self, attribute: str) -> np.ndarray:
        """An attribute of the initiating side of each flow."""
        chosen: np.ndarray = np.where(self.src_initiates, getattr(self.src, attribute), getattr(self.dst, attribute))
        return chosen

    def responder(self, attribute: str) -> np.ndarray:
        chosen: np.ndarray = np.where(self.src_initiates, getattr(self.dst, attribute), getattr(self.src, attribute))
        return chosen


@dataclass(frozen=True)
class OutsideTraffic:
    """Per flow (all arrays over every flow): how a flow between a VPC and the internet or an AWS service
    looks from the VPC. The path rules of every design and the service-access comparison read the same
    classification from here."""

    rows: np.ndarray  # one side is a VPC, the other the internet or a service
    vpc: np.ndarray  # the VPC side's code
    vpc_account: np.ndarray
    vpc_az: np.ndarray
    vpc_region: np.ndarray
    service: np.ndarray  # the service code, NONE for the internet
    vpc_sends: np.ndarray  # the VPC is the row's sender
    to_internet: np.ndarray
    vpc_initiated: np.ndarray  # the VPC opened the connection
    is_service: np.ndarray
    public_address: np.ndarray  # aws:ec2 / aws:amazon
    same_region: np.ndarray  # a service in the VPC's own region
    nat_processed: np.ndarray  # what a NAT gateway would process: initiated by the VPC over IPv4
    endpoint_reachable: np.ndarray  # initiated by the VPC to a named service in its region


@dataclass
class Estate:
    vpcs: list[VpcInfo]
    regions: list[str]
    accounts: list[str]
    services: list[str]
    azs: list[str]
    network_account: int
    flows: Flows
    gb_per_unit: Decimal
    traffic: Traffic
    assumptions: list[str] = field(default_factory=list)
    topology: Topology | None = None
    """The topology the estate was resolved with, when one was given (the `as-is` design reads its
    existing connectivity)."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Tables derived from the flows alone (the subjects of connection options…), built once per estate."""

    @property
    def account_details(self) -> dict[str, Account]:
        """The topology's named accounts by id (none without a topology)."""
        return {} if self.topology is None else self.topology.account_details

    @functools.cached_property
    def vpc_region_codes(self) -> np.ndarray:
        """Each VPC's region as a code into `regions`, indexable by VPC code."""
        index = {region: code for code, region in enumerate(self.regions)}
        return np.array([index[vpc.region] for vpc in self.vpcs], dtype=np.int32)

    @functools.cached_property
    def vpc_owner_codes(self) -> np.ndarray:
        """Each VPC's owner account as a code into `accounts`, indexable by VPC code."""
        index = {account: code for code, account in enumerate(self.accounts)}
        return np.array([index[vpc.account] for vpc in self.vpcs], dtype=np.int32)

    def label_codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Each flow's value of a label column of the traffic, as codes into the distinct values."""
        if column not in self.traffic.labels:
            known = ", ".join(self.traffic.labels) or "none"
            raise InputError(f"'{column}' is not a label column of the traffic (labels: {known})", field="split_by")
        codes, values = pd.factorize(self.traffic.rows[column], sort=True)
        return codes.astype(np.int32), [str(value) for value in values]

    @functools.cached_property
    def cidr_overlaps(self) -> dict[tuple[int, int], list[tuple[int, str]]]:
        """VPC pairs (lower code first) whose CIDR blocks overlap, with each overlap as (IP version,
        'block / block').

        Found by a sweep over address ranges sorted by start, so it costs n log n, not n^2, in the VPCs."""
        ranges = sorted(
            (network.version, int(network.network_address), int(network.broadcast_address), code, str(network))
            for code, vpc in enumerate(self.vpcs)
            for network in vpc.networks
        )
        overlaps: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
        open_ranges: list[tuple[int, int, int, int, str]] = []
        for current in ranges:
            version, start = current[0], current[1]
            open_ranges = [other for other in open_ranges if other[0] == version and other[2] >= start]
            for other in open_ranges:
                if other[3] != current[3]:
                    low, high = sorted((other, current), key=lambda block: block[3])
                    overlaps[(low[3], high[3])].append((version, f"{low[4]} / {high[4]}"))
            open_ranges.append(current)
        return dict(overlaps)

    @functools.cached_property
    def overlapping_cidrs(self) -> dict[tuple[int, int], list[str]]:
        """VPC pairs (lower code first) whose CIDR blocks overlap, with each overlap as 'block / block'."""
        return {pair: [text for _, text in overlaps] for pair, overlaps in self.cidr_overlaps.items()}

    @functools.cached_property
    def pair_ip_versions(self) -> dict[int, frozenset[int]]:
        """The IP versions of the traffic each VPC pair exchanges, by the pair packed as `codes.pack_pairs` packs
        it (lower code × VPC count + higher code)."""
        f = self.flows
        between = (f.src.vpc != NONE) & (f.dst.vpc != NONE) & (f.src.vpc != f.dst.vpc)
        packed = pack_pairs(f.src.vpc[between], f.dst.vpc[between], len(self.vpcs))
        return versions_by_key(packed, f.ipv6[between])

    @functools.cached_property
    def outside(self) -> OutsideTraffic:
        """Flows between a VPC and the internet or an AWS service, seen from the VPC's side."""
        f = self.flows
        src_is_vpc = f.src.kind == VPC
        outside_kind = np.where(src_is_vpc, f.dst.kind, f.src.kind)
        rows = (src_is_vpc ^ (f.dst.kind == VPC)) & (outside_kind != VPC)
        vpc = np.where(src_is_vpc, f.src.vpc, f.dst.vpc)
        service = np.where(src_is_vpc, f.dst.service, f.src.service)
        is_service = rows & (outside_kind == SERVICE)
        region_of_vpc = np.array([*self.vpc_region_codes, NONE], dtype=np.int32)
        same_region = is_service & (np.where(src_is_vpc, f.dst.region, f.src.region) == region_of_vpc[vpc])
        vpc_initiated = rows & (src_is_vpc == f.src_initiates)
        public_address = is_service & self.is_public_address(service)
        return OutsideTraffic(
            rows=rows,
            vpc=vpc,
            vpc_account=np.where(src_is_vpc, f.src.account, f.dst.account),
            vpc_az=np.where(src_is_vpc, f.src.az, f.dst.az),
            vpc_region=region_of_vpc[vpc],
            service=service,
            vpc_sends=rows & src_is_vpc,
            to_internet=rows & (outside_kind == INTERNET),
            vpc_initiated=vpc_initiated,
            is_service=is_service,
            public_address=public_address,
            same_region=same_region,
            nat_processed=vpc_initiated & ~f.ipv6,
            endpoint_reachable=vpc_initiated & same_region & ~public_address,
        )

    def is_public_address(self, service_codes: np.ndarray) -> np.ndarray:
        public = np.array([name in PUBLIC_ADDRESS_SERVICES for name in self.services] + [False], dtype=bool)
        chosen: np.ndarray = public[service_codes]  # NONE (-1) picks the trailing False
        return chosen


_KIND_CODES = {"vpc": VPC, "internet": INTERNET, "service": SERVICE}


@dataclass
class _ParsedEndpoints:
    """One side's endpoints: each distinct text parsed once, and per-row codes into those texts."""

    text_code: np.ndarray  # per row: index into `texts`
    texts: list[str]
    kind_of_text: np.ndarray  # per distinct text
    kind: np.ndarray  # per row
    service: np.ndarray  # per row
    named_region: np.ndarray  # per row


def build_estate(traffic: Traffic, topology: Topology | None = None) -> Estate:
    """Resolve every row's endpoints, regions, accounts and AZs. Raises `InputError` naming the row when a
    VPC is not in the topology, a region is unknown or contradictory, or an AZ is in the wrong region."""
    return _Resolver(traffic, topology).estate()


class _Resolver:
    def __init__(self, traffic: Traffic, topology: Topology | None) -> None:
        self.traffic = traffic
        self.topology = topology
        self.rows = traffic.rows
        self.regions = Codes()
        self.accounts = Codes()
        self.services = Codes()
        self.azs = Codes()
        self.vpc_codes = Codes()
        self.assumptions: list[str] = []

    def fail(self, position: int, column: str, message: str) -> InputError:
        return InputError(message, source=self.traffic.source, field=column, **self.traffic.locate(position))

    def estate(self) -> Estate:
        endpoints = {side: self._endpoints(side) for side in ("src", "dst")}
        if self.topology is not None:
            vpcs, vpc = self._vpcs_from_topology(self.topology, endpoints)
        else:
            vpcs, vpc = self._vpcs_from_traffic(endpoints)
        region_of_vpc = np.array([self.regions.code(info.region) for info in vpcs] + [NONE], dtype=np.int32)
        account_of_vpc = np.array([self.accounts.code(info.account) for info in vpcs] + [NONE], dtype=np.int32)
        if self.topology is not None:
            for side in ("src", "dst"):
                self._check_row_regions(side, vpc[side], vpcs, region_of_vpc)
        sides = {
            side: self._side(
                side,
                endpoints[side],
                vpc[side],
                vpcs,
                vpc_region=region_of_vpc[vpc[side]],
                other_vpc_region=region_of_vpc[vpc[other]],
                vpc_account=account_of_vpc[vpc[side]],
            )
            for side, other in (("src", "dst"), ("dst", "src"))
        }
        flows = Flows(
            src=sides["src"],
            dst=sides["dst"],
            src_initiates=(self.rows["initiator"] == "src").to_numpy(),
            ipv6=(self.rows["ip_version"] == 6).to_numpy(),
            volume=self.rows["volume"].to_numpy(),
        )
        vpcs = self._with_azs(vpcs, flows)
        self._fill_single_az(flows, vpcs)
        topology_account = self.topology.default_network_account if self.topology else None
        network_account = topology_account or _most_common([v.account for v in vpcs]) or UNKNOWN_ACCOUNT
        network_code = self.accounts.code(network_account)
        return Estate(
            vpcs=vpcs,
            regions=self.regions.values,
            accounts=self.accounts.values,
            services=self.services.values,
            azs=self.azs.values,
            network_account=network_code,
            flows=flows,
            gb_per_unit=self.traffic.gb_per_unit,
            traffic=self.traffic,
            assumptions=self.assumptions,
            topology=self.topology,
        )

    def _endpoints(self, side: str) -> _ParsedEndpoints:
        """Each row's endpoint kind, service and named region, parsed once per distinct endpoint text."""
        codes, uniques = pd.factorize(self.rows[side], sort=False)
        texts = [str(text) for text in uniques]
        parsed = [parse_endpoint(text) for text in texts]  # already validated by load_traffic
        kind = np.array([_KIND_CODES[endpoint.kind] for endpoint in parsed] + [NONE], dtype=np.int8)
        service = [self.services.code(e.name) if e.kind == "service" else NONE for e in parsed]
        region = [self.regions.code(e.region) if e.region else NONE for e in parsed]
        return _ParsedEndpoints(
            text_code=codes,
            texts=texts,
            kind_of_text=kind[:-1],
            kind=kind[codes],
            service=np.array([*service, NONE], dtype=np.int32)[codes],
            named_region=np.array([*region, NONE], dtype=np.int32)[codes],
        )

    def _per_value(self, column: str, table: Codes) -> np.ndarray:
        """The code of each row's value of `column` in `table` (NONE where empty), looked up once per value."""
        codes, values = pd.factorize(self.rows[column], sort=False)
        lookup = [table.code(str(value)) if value else NONE for value in values]
        return np.array([*lookup, NONE], dtype=np.int32)[codes]

    def _vpc_texts(self, endpoints: _ParsedEndpoints) -> list[tuple[int, str, int]]:
        """(text code, text, first row) of each distinct VPC reference on one side, in order of first row."""
        rows, _ = first_rows(endpoints.text_code)
        return [
            (int(code), endpoints.texts[code], int(row))
            for row in rows.tolist()
            if endpoints.kind_of_text[(code := int(endpoints.text_code[row]))] == VPC
        ]

    def _vpcs_from_topology(
        self, topology: Topology, endpoints: dict[str, _ParsedEndpoints]
    ) -> tuple[list[VpcInfo], dict[str, np.ndarray]]:
        """The topology's VPCs that the traffic names (in first-seen order), and each row's VPC codes."""
        vpcs: list[VpcInfo] = []
        per_row: dict[str, np.ndarray] = {}
        for side, parsed in endpoints.items():
            lookup = np.full(len(parsed.texts) + 1, NONE, dtype=np.int32)
            for text_code, reference, row in self._vpc_texts(parsed):
                found = topology.find(reference)
                if found is None:
                    raise self.fail(row, side, f"VPC '{reference}' is not in the topology")
                if isinstance(found, list):
                    ids = ", ".join(vpc.id for vpc in found)
                    if found[0].id == reference:
                        raise self.fail(
                            row, side, f"'{reference}' is one VPC's id and another's name ({ids}): rename the other"
                        )
                    raise self.fail(row, side, f"VPC name '{reference}' is ambiguous ({ids}): use the id")
                code = self.vpc_codes.code(found.id)
                if code == len(vpcs):
                    vpcs.append(_info_from_topology(found))
                lookup[text_code] = code
            per_row[side] = lookup[parsed.text_code]
        return vpcs, per_row

    def _check_row_regions(self, side: str, vpc: np.ndarray, vpcs: list[VpcInfo], region_of_vpc: np.ndarray) -> None:
        """A row may restate a VPC's region; it must agree with the topology."""
        column = f"{side}_region"
        given = self._per_value(column, self.regions)
        wrong = (vpc != NONE) & (given != NONE) & (given != region_of_vpc[vpc])
        if wrong.any():
            row = int(np.flatnonzero(wrong)[0])
            info = vpcs[vpc[row]]
            raise self.fail(row, column, f"VPC {info.label} is in {info.region}, not {self.regions.values[given[row]]}")

    def _vpcs_from_traffic(self, endpoints: dict[str, _ParsedEndpoints]) -> tuple[list[VpcInfo], dict[str, np.ndarray]]:
        """Without a topology, a VPC is known by its reference; its region and owner come from the rows."""
        first_seen: dict[int, tuple[int, str]] = {}
        per_row: dict[str, np.ndarray] = {}
        for side, parsed in endpoints.items():
            lookup = np.full(len(parsed.texts) + 1, NONE, dtype=np.int32)
            for text_code, reference, row in self._vpc_texts(parsed):
                code = lookup[text_code] = self.vpc_codes.code(reference)
                if code not in first_seen or row < first_seen[code][0]:
                    first_seen[code] = (row, side)
            per_row[side] = lookup[parsed.text_code]
        region_of: dict[int, int] = {}
        owners: dict[int, Counter[str]] = defaultdict(Counter)
        for side in ("src", "dst"):
            vpc = per_row[side]
            region = self._per_value(f"{side}_region", self.regions)
            account = self._per_value(f"{side}_account", self.accounts)
            rows, counts = first_rows(vpc, region, account)
            for row, count in zip(rows.tolist(), counts.tolist(), strict=True):
                code, region_code, account_code = int(vpc[row]), int(region[row]), int(account[row])
                if code == NONE:
                    continue
                if region_code != NONE and region_of.setdefault(code, region_code) != region_code:
                    known, this = self.regions.values[region_of[code]], self.regions.values[region_code]
                    reference = self.vpc_codes.values[code]
                    raise self.fail(row, f"{side}_region", f"VPC '{reference}' is given in {known} and in {this}")
                if account_code != NONE:
                    owners[code][self.accounts.values[account_code]] += count
        vpcs: list[VpcInfo] = []
        inferred_owner = False
        for code, reference in enumerate(self.vpc_codes.values):
            if code not in region_of:
                row, side = first_seen[code]
                raise self.fail(
                    row,
                    f"{side}_region",
                    f"the region of VPC '{reference}' is not known: add a {side}_region column or a topology",
                )
            owner = _most_common(list(owners[code].elements())) or UNKNOWN_ACCOUNT
            inferred_owner |= owner == UNKNOWN_ACCOUNT or len(owners[code]) > 1
            vpcs.append(VpcInfo(reference, None, owner, self.regions.values[region_of[code]], (), "default", ()))
        if inferred_owner:
            self.assumptions.append(
                "Without a topology, a VPC's owner is the account most often given for it in the traffic "
                f"('{UNKNOWN_ACCOUNT}' when none is given)."
            )
        return vpcs, per_row

    def _side(
        self,
        side: str,
        endpoints: _ParsedEndpoints,
        vpc: np.ndarray,
        vpcs: list[VpcInfo],
        *,
        vpc_region: np.ndarray,
        other_vpc_region: np.ndarray,
        vpc_account: np.ndarray,
    ) -> Side:
        kind = endpoints.kind
        is_service = kind == SERVICE
        service = np.where(is_service, endpoints.service, NONE)
        # a service's region: '@region' in the endpoint, else the row's region column, else the VPC's region
        column_region = self._per_value(f"{side}_region", self.regions)
        service_region = np.where(endpoints.named_region != NONE, endpoints.named_region, column_region)
        service_region = np.where(service_region == NONE, other_vpc_region, service_region)
        region = np.where(kind == VPC, vpc_region, np.where(is_service, service_region, NONE)).astype(np.int32)
        row_account = self._per_value(f"{side}_account", self.accounts)
        account = np.where(kind == VPC, np.where(row_account == NONE, vpc_account, row_account), NONE).astype(np.int32)
        az = self._az_codes(side, kind, vpc, vpcs)
        return Side(kind, vpc.astype(np.int32), service.astype(np.int32), region, account, az)

    def _az_codes(self, side: str, kind: np.ndarray, vpc: np.ndarray, vpcs: list[VpcInfo]) -> np.ndarray:
        """Each row's AZ code for a VPC side; an AZ must be in the VPC's region, and among the VPC's AZs when
        the topology lists them."""
        column = f"{side}_az"
        az = np.where(kind == VPC, self._per_value(column, self.azs), NONE).astype(np.int32)
        rows, _ = first_rows(az, vpc)
        for row in rows.tolist():
            if az[row] == NONE:
                continue
            text, info = self.azs.values[az[row]], vpcs[vpc[row]]
            az_region = az_id_region(text)
            if az_region is None:
                raise self.fail(row, column, f"'{text}' is not an AZ ID (AZ IDs look like use1-az1)")
            if az_region != info.region:
                raise self.fail(row, column, f"AZ ID '{text}' belongs to {az_region}, not to {info.region}")
            if info.azs_from == "topology" and text not in info.azs:
                listed = ", ".join(info.azs)
                raise self.fail(row, column, f"AZ ID '{text}' is not among the AZs of VPC {info.label} ({listed})")
        return az

    def _fill_single_az(self, flows: Flows, vpcs: list[VpcInfo]) -> None:
        """A VPC side without an AZ is in the VPC's only AZ when the VPC has exactly one."""
        only_az = np.array(
            [self.azs.code(vpc.azs[0]) if len(vpc.azs) == 1 and vpc.azs_from != "default" else NONE for vpc in vpcs]
            + [NONE],
            dtype=np.int32,
        )
        for side in (flows.src, flows.dst):
            missing = (side.kind == VPC) & (side.az == NONE)
            side.az[missing] = only_az[side.vpc[missing]]

    def _with_azs(self, vpcs: list[VpcInfo], flows: Flows) -> list[VpcInfo]:
        """Fill in AZs: the topology's, else those seen in the traffic, else two (stated as an assumption)."""
        seen: dict[int, set[str]] = defaultdict(set)
        for side in (flows.src, flows.dst):
            known = (side.kind == VPC) & (side.az != NONE)
            for vpc_code, az_code in set(zip(side.vpc[known].tolist(), side.az[known].tolist(), strict=True)):
                seen[vpc_code].add(self.azs.values[az_code])
        resolved = []
        defaulted = []
        for code, vpc in enumerate(vpcs):
            if vpc.azs_from == "topology":
                resolved.append(vpc)
            elif seen[code]:
                resolved.append(replace(vpc, azs=tuple(sorted(seen[code])), azs_from="traffic"))
            else:
                defaulted.append(vpc.label)
                placeholder = tuple(f"(AZ {n + 1})" for n in range(DEFAULT_AZ_COUNT))
                resolved.append(replace(vpc, azs=placeholder, azs_from="default"))
        from_traffic = [vpc.label for vpc in resolved if vpc.azs_from == "traffic"]
        if from_traffic:
            self.assumptions.append(
                f"AZs taken from the traffic rows for {_some(from_traffic)} (no AZ list in a topology)."
            )
        if defaulted:
            self.assumptions.append(f"{DEFAULT_AZ_COUNT} AZs assumed for {_some(defaulted)} (no AZ known).")
        return resolved


def _info_from_topology(vpc: Vpc) -> VpcInfo:
    zones = tuple(vpc.zone_ids)
    return VpcInfo(
        id=vpc.id,
        name=vpc.name,
        account=vpc.account,
        region=vpc.region,
        azs=zones,
        azs_from="topology" if zones else "default",
        networks=tuple(parse_network(cidr) for cidr in vpc.cidrs),
    )


def _most_common(values: list[str]) -> str | None:
    counts = Counter(values)
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))


def _some(labels: list[str], limit: int = 5) -> str:
    shown = ", ".join(labels[:limit])
    return f"{shown} and {len(labels) - limit} more" if len(labels) > limit else shown
