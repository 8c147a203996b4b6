"""Paths every design shares: traffic inside one VPC, and traffic between a VPC and the internet or an
AWS service (through a NAT gateway, an interface endpoint, or an internet gateway).

Rules (DESIGN.md): a row's path is set by its initiator; NAT gateways and interface endpoints process the
bytes of a connection in both directions on the initiator's side; IPv6 internet traffic leaves through an
egress-only internet gateway with no NAT charge; a VPC with NAT traffic has a NAT gateway (and its public
IPv4 address) in each of its AZs, or one per VPC with `nat_per_vpc`, when cross-AZ transfer to it applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from vpccost.model.codes import NONE
from vpccost.model.estate import VPC
from vpccost.model.usage import UsageBuilder
from vpccost.units import exact_arithmetic, format_decimal

NAT_GATEWAY = "NAT gateway"
INTERFACE_ENDPOINT = "Interface endpoint"


def vpc_to_vpc(b: UsageBuilder) -> np.ndarray:
    """Flows between two different VPCs."""
    f = b.flows
    rows: np.ndarray = (f.src.kind == VPC) & (f.dst.kind == VPC) & (f.src.vpc != f.dst.vpc)
    return rows


def crosses_az(b: UsageBuilder, rows: np.ndarray) -> np.ndarray:
    """Flows whose two sides are in different AZs. A side without an AZ counts as crossing: the estimate
    then errs high, and says so."""
    f = b.flows
    unknown = (f.src.az == NONE) | (f.dst.az == NONE)
    if (rows & unknown).any():
        gb = format_decimal(_gb(b, rows & unknown))
        b.assume(
            f"{gb} GB of traffic between VPC resources without a known AZ on both sides is priced as crossing AZs."
        )
    crossing: np.ndarray = rows & (unknown | (f.src.az != f.dst.az))
    return crossing


def meter_sender_and_receiver(
    b: UsageBuilder, rows: np.ndarray, *, component: str, item_out: str, item_in: str
) -> None:
    """Cross-AZ transfer: the sender pays `item_out` and the receiver `item_in`, each on the full volume,
    metered on their own VPCs (the VPC they sit in, resource-wise) and accounts."""
    f = b.flows
    ids = b.vpc_ids
    b.per_gb(
        f"{component} (out)", item_out, rows, region=f.src.region, payer=f.src.account, resource=f.src.vpc,
        resource_names=ids,
    )  # fmt: skip
    b.per_gb(
        f"{component} (in)", item_in, rows, region=f.dst.region, payer=f.dst.account, resource=f.dst.vpc,
        resource_names=ids,
    )  # fmt: skip


def meter_intra_vpc(b: UsageBuilder) -> None:
    """Rows inside one VPC that cross AZs pay regional transfer each way, identically in every design."""
    f = b.flows
    inside = (f.src.kind == VPC) & (f.dst.kind == VPC) & (f.src.vpc == f.dst.vpc)
    meter_sender_and_receiver(
        b,
        crosses_az(b, inside),
        component="Cross-AZ data transfer within a VPC",
        item_out="data_transfer_regional_bytes",
        item_in="data_transfer_regional_bytes",
    )


def meter_inter_region(b: UsageBuilder, rows: np.ndarray, *, component: str, payer: np.ndarray) -> None:
    """Inter-region transfer at the sending region's rate to the receiving region; receiving is free."""
    f = b.flows
    crossing = rows & (f.src.region != f.dst.region) & (f.src.region != NONE) & (f.dst.region != NONE)
    sender_vpc = np.where(f.src.kind == VPC, f.src.vpc, f.dst.vpc)
    b.per_gb(
        component,
        "data_transfer_inter_region_bytes",
        crossing,
        region=f.src.region,
        to_region=f.dst.region,
        payer=payer,
        resource=sender_vpc,
        resource_names=b.vpc_ids,
    )


@dataclass(frozen=True)
class NatHomes:
    """Where NAT gateways live: per VPC (`home` = VPC code) or per shared VPC (`home` = region code)."""

    home: np.ndarray  # per flow: the home of the NAT gateway the flow would use
    names: Sequence[str]  # resource name of each home's NAT gateway
    owner: np.ndarray  # per home: account code that owns (pays for) the NAT gateway
    region: np.ndarray  # per home: region code
    azs: Sequence[tuple[str, ...]]  # per home: its AZs


def nat_in_own_vpc(b: UsageBuilder, vpc_side: np.ndarray) -> NatHomes:
    """NAT gateways in the VPC of `vpc_side` (per-flow VPC codes)."""
    return NatHomes(
        home=vpc_side,
        names=b.vpc_resources("nat-gateway"),
        owner=b.vpc_owner,
        region=b.vpc_region,
        azs=[vpc.azs for vpc in b.estate.vpcs],
    )


class NatGateways:
    """Meters NAT processing for the flows sent through it, then the gateways those flows need."""

    def __init__(self, b: UsageBuilder) -> None:
        self.b = b
        self.used: dict[str, tuple[NatHomes, int]] = {}
        """NAT gateway resource name -> the homes table and the home it belongs to"""

    def process(
        self, rows: np.ndarray, homes: NatHomes, *, workload_az: np.ndarray, workload_account: np.ndarray
    ) -> None:
        """The NAT gateway at each flow's home processes its bytes (both directions of a connection)."""
        b = self.b
        if not rows.any():
            return
        region = homes.region[homes.home]
        payer = homes.owner[homes.home]
        b.per_gb(
            f"Data processed ({NAT_GATEWAY})", "nat_gateway_bytes", rows, region=region, payer=payer,
            resource=homes.home, resource_names=homes.names,
        )  # fmt: skip
        for home in np.unique(homes.home[rows]).tolist():
            self.used.setdefault(homes.names[home], (homes, home))
        if b.options.nat_per_vpc:
            self._cross_az_to_single_nat(rows, homes, workload_az, workload_account)

    def _cross_az_to_single_nat(
        self, rows: np.ndarray, homes: NatHomes, workload_az: np.ndarray, workload_account: np.ndarray
    ) -> None:
        """With one NAT gateway per VPC (in its first AZ), flows from other AZs cross AZs to reach it: the
        workload's side and the NAT gateway's side each pay regional transfer on the full volume."""
        b = self.b
        nat_az = np.array([b.estate.azs.index(azs[0]) if azs[0] in b.estate.azs else NONE for azs in homes.azs])
        crossing = rows & ((workload_az == NONE) | (workload_az != nat_az[homes.home]))
        if (rows & (workload_az == NONE)).any():
            b.assume("With one NAT gateway per VPC, traffic whose AZ is not known is priced as crossing AZs to it.")
        region = homes.region[homes.home]
        for side, payer in (("workload side", workload_account), ("NAT gateway side", homes.owner[homes.home])):
            b.per_gb(
                f"Cross-AZ data transfer to the {NAT_GATEWAY} ({side})", "data_transfer_regional_bytes", crossing,
                region=region, payer=payer, resource=homes.home, resource_names=homes.names,
            )  # fmt: skip

    def meter_gateways(self) -> None:
        """One NAT gateway (and its public IPv4 address) per AZ of each home with NAT traffic, or one per
        home with `nat_per_vpc`."""
        b = self.b
        for name, (homes, home) in sorted(self.used.items()):
            count = 1 if b.options.nat_per_vpc else len(homes.azs[home])
            region = b.estate.regions[homes.region[home]]
            payer = b.estate.accounts[homes.owner[home]]
            b.hourly(NAT_GATEWAY, "nat_gateway_hours", region=region, payer=payer, resource=name, count=count)
            b.hourly(
                f"Public IPv4 address ({NAT_GATEWAY})", "public_ipv4_in_use_hours", region=region, payer=payer,
                resource=name, count=count,
            )  # fmt: skip
        if self.used:
            layout = "one NAT gateway per VPC" if b.options.nat_per_vpc else "a NAT gateway in each AZ of a VPC"
            b.assume(f"NAT layout: {layout} that sends traffic through NAT, each with a public IPv4 address.")


class InterfaceEndpoints:
    """Interface endpoints: one per (consumer VPC, target) in every AZ of the consumer VPC, processing the
    bytes of its connections in both directions, paid by the consumer VPC's owner.

    Endpoints to AWS services are reported one per service (`vpc-…/vpce:s3`). Endpoints to other VPCs'
    endpoint services can number in the thousands, so they are reported together per consumer VPC
    (`vpc-…/vpce:endpoint-services`): their AZ-hours count every endpoint."""

    def __init__(self, b: UsageBuilder) -> None:
        self.b = b
        self.resources: dict[str, tuple[int, int]] = {}
        """resource name -> (consumer VPC code, number of endpoints it stands for)"""

    def process(
        self,
        rows: np.ndarray,
        consumer_vpc: np.ndarray,
        target: np.ndarray,
        target_names: Sequence[str],
        *,
        grouped_as: str | None = None,
    ) -> None:
        b = self.b
        if not rows.any():
            return
        # one endpoint per distinct (consumer VPC, target) pair: pack the pair into one integer
        width = len(target_names) + 1
        pairs, pair_of_flow = np.unique(consumer_vpc[rows].astype(np.int64) * width + target[rows], return_inverse=True)
        consumers = pairs // width
        per_flow = np.full(len(b.flows), NONE, dtype=np.int64)
        if grouped_as is None:
            names = [
                f"{b.vpc_ids[vpc]}/vpce:{target_names[t]}" for vpc, t in zip(consumers, pairs % width, strict=True)
            ]
            per_flow[rows] = pair_of_flow
            counts = [1] * len(names)
            owners = consumers.tolist()
        else:
            owners_array, counts_array = np.unique(consumers, return_counts=True)
            owners, counts = owners_array.tolist(), counts_array.tolist()
            names = [f"{b.vpc_ids[vpc]}/vpce:{grouped_as}" for vpc in owners]
            per_flow[rows] = np.searchsorted(owners_array, consumers[pair_of_flow])
        b.per_gb(
            f"Data processed ({INTERFACE_ENDPOINT})", "vpc_endpoint_bytes", rows, region=b.vpc_region[consumer_vpc],
            payer=b.vpc_owner[consumer_vpc], resource=per_flow, resource_names=names,
        )  # fmt: skip
        for name, vpc, count in zip(names, owners, counts, strict=True):
            self.resources[name] = (vpc, count)

    def meter_endpoints(self) -> None:
        b = self.b
        per_vpc: dict[int, int] = {}
        for name, (vpc, count) in sorted(self.resources.items()):
            info = b.estate.vpcs[vpc]
            b.hourly(
                f"{INTERFACE_ENDPOINT} (per AZ)", "vpc_endpoint_hours", region=info.region, payer=info.account,
                resource=name, count=count * len(info.azs),
            )  # fmt: skip
            per_vpc[vpc] = per_vpc.get(vpc, 0) + count
        for vpc, count in sorted(per_vpc.items()):
            if count > INTERFACE_ENDPOINTS_PER_VPC_DEFAULT:
                b.quota_increase(
                    f"{b.estate.vpcs[vpc].label} needs {count} interface endpoints "
                    f"(default quota {INTERFACE_ENDPOINTS_PER_VPC_DEFAULT} per VPC, adjustable)"
                )


INTERFACE_ENDPOINTS_PER_VPC_DEFAULT = 50


def meter_outside(
    b: UsageBuilder,
    nat: NatGateways,
    nat_homes: Callable[[np.ndarray], NatHomes],
    *,
    endpoints: InterfaceEndpoints | None = None,
) -> None:
    """Traffic between a VPC and the internet or an AWS service.

    - Initiated by the VPC over IPv4: through the NAT gateway `nat_homes(vpc)` gives — or, when `endpoints` is given
      (the PrivateLink design), through an interface endpoint for a named AWS service in the same region.
    - Initiated from outside: in through the internet gateway (and a public load balancer), no NAT charge.
    - Transfer: internet egress (tiered) on bytes the VPC sends to the internet; nothing between a VPC and
      a named service in its region; regional transfer on the VPC's side for AWS public addresses
      (`aws:ec2`, `aws:amazon`) in its region; the sender's inter-region rate for services elsewhere.
    """
    o = b.estate.outside
    if not o.rows.any():
        return
    via_endpoint = np.zeros(len(b.flows), dtype=bool)
    if endpoints is not None:
        via_endpoint = o.endpoint_reachable
        endpoints.process(via_endpoint, o.vpc, o.service, b.estate.services)
    nat.process(o.nat_processed & ~via_endpoint, nat_homes(o.vpc), workload_az=o.vpc_az, workload_account=o.vpc_account)
    meter_outside_transfer(b)


def meter_outside_transfer(b: UsageBuilder) -> None:
    """Transfer charges between a VPC and the internet or an AWS service, the same whichever way the VPC reaches
    them: internet egress on bytes the VPC sends, regional transfer to AWS public addresses in its region, the
    sender's inter-region rate for services in other regions."""
    o = b.estate.outside
    if not o.rows.any():
        return
    b.per_gb(
        "Data transfer out to the internet", "data_transfer_internet_out_bytes", o.vpc_sends & o.to_internet,
        region=o.vpc_region, payer=o.vpc_account, resource=o.vpc, resource_names=b.vpc_ids,
    )  # fmt: skip
    b.per_gb(
        "Data transfer to AWS public addresses (same region)", "data_transfer_regional_bytes",
        o.public_address & o.same_region, region=o.vpc_region, payer=o.vpc_account, resource=o.vpc,
        resource_names=b.vpc_ids,
    )  # fmt: skip
    meter_inter_region(
        b, o.is_service & ~o.same_region, component="Inter-region data transfer (AWS service)", payer=o.vpc_account
    )


def communicating_pairs(b: UsageBuilder, rows: np.ndarray) -> np.ndarray:
    """Unordered VPC pairs that exchange the selected flows: an (n, 2) array, lower code first, sorted."""
    f = b.flows
    width = len(b.vpc_ids)
    low = np.minimum(f.src.vpc[rows], f.dst.vpc[rows]).astype(np.int64)
    high = np.maximum(f.src.vpc[rows], f.dst.vpc[rows]).astype(np.int64)
    packed = np.unique(low * width + high)
    return np.stack([packed // width, packed % width], axis=1)


def report_overlaps(b: UsageBuilder, pairs: np.ndarray, *, design_phrase: str) -> None:
    """Overlapping CIDRs between two VPCs that exchange traffic cannot be routed: a feasibility problem."""
    vpcs = b.estate.vpcs
    overlapping = b.estate.overlapping_cidrs
    width = len(vpcs)
    communicating = set((pairs[:, 0] * width + pairs[:, 1]).tolist())
    for (x, y), overlaps in sorted(overlapping.items()):
        if x * width + y in communicating:
            b.problem(
                f"{vpcs[x].label} and {vpcs[y].label} have overlapping CIDRs ({', '.join(overlaps)}) "
                f"and exchange traffic: {design_phrase} cannot route between them"
            )


def _gb(b: UsageBuilder, rows: np.ndarray) -> Decimal:
    """The exact GB of the selected flows."""
    with exact_arithmetic():
        return Decimal(int(b.flows.volume[rows].sum())) * b.estate.gb_per_unit
