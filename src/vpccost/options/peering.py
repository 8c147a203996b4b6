"""VPC peering: one peering connection per communicating VPC pair (peering is not transitive: no hub).

Metered: nothing per hour; within a region, traffic that crosses AZs pays $/GB out at the sender and in at the
receiver (same AZ ID is free); across regions, the sender pays its region's inter-region rate.
Feasibility: no overlapping CIDRs between peers; at most 125 active peerings per VPC (over 50 needs a quota
increase), or fewer when a stricter limit is given (`Settings.peering_quota`); each peer CIDR is a route in the
VPC's route table, where AWS counts IPv4 and IPv6 routes apart: at most 1,000 of each (over 50 needs a quota
increase).
"""

from __future__ import annotations

import numpy as np

from vpccost.model.aws_facts import IP_FAMILIES
from vpccost.model.usage import Settings
from vpccost.options import transfer
from vpccost.options.base import Blocked, Context, Findings, Option, OptionUsage, QuotaRow
from vpccost.options.transit_gateway import overlap_blocked
from vpccost.pricing.items import VPC_PEERING_IN_BYTES, VPC_PEERING_OUT_BYTES

NAME = "peering"
PHRASE = "VPC peering"

PEERINGS_PER_VPC_DEFAULT = 50
PEERINGS_PER_VPC_MAX = 125
ROUTES_PER_TABLE_DEFAULT = 50
ROUTES_PER_TABLE_MAX = 1000


def peerings_allowed(settings: Settings) -> int:
    """Active peering connections a VPC may have: AWS's maximum, or the stricter limit given."""
    return PEERINGS_PER_VPC_MAX if settings.peering_quota is None else settings.peering_quota


FAMILIES = tuple(IP_FAMILIES.items())
"""The IP families a route table's route quota counts apart (IP version, name)."""


def route_blocks(ctx: Context) -> np.ndarray:
    """Per VPC code, the routes a peer's route table needs for it in each family (columns IPv4, IPv6): one per
    CIDR block of that family (one IPv4 route when the VPC's CIDRs are not known)."""
    return ctx.memo("peering route blocks", lambda: _route_blocks(ctx), per_estate=True)


def _route_blocks(ctx: Context) -> np.ndarray:
    blocks = np.zeros((len(ctx.vpcs), len(FAMILIES)), dtype=np.int64)
    for code, vpc in enumerate(ctx.vpcs):
        for column, (version, _) in enumerate(FAMILIES):
            blocks[code, column] = sum(network.version == version for network in vpc.networks)
        if not vpc.networks:
            blocks[code, 0] = 1
    return blocks


class Peering(Option):
    """A VPC pair's flows over a peering connection between the two."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        f = ctx.flows
        usage = OptionUsage()
        crossing = transfer.crosses_az(ctx, rows & (f.src.region == f.dst.region), usage)
        usage.charges += transfer.sender_and_receiver(
            ctx, crossing, component="Cross-AZ data transfer over VPC peering", item_out=VPC_PEERING_OUT_BYTES,
            item_in=VPC_PEERING_IN_BYTES,
        )  # fmt: skip
        usage.charges.append(
            transfer.inter_region(ctx, rows, component="Inter-region data transfer over VPC peering",
                                  payer=f.src.account)
        )  # fmt: skip
        return usage

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        return overlap_blocked(ctx, subjects, PHRASE)

    def check(self, ctx: Context, subjects: np.ndarray, findings: Findings) -> None:
        """Peering connections and peering routes per VPC, for the peered pairs (an (n, 2) array of VPC codes)."""
        vpcs = ctx.vpcs
        peers = np.bincount(subjects.ravel(), minlength=len(vpcs))
        blocks = route_blocks(ctx)
        routes = np.zeros((len(vpcs), len(FAMILIES)), dtype=np.int64)
        np.add.at(routes, subjects[:, 0], blocks[subjects[:, 1]])
        np.add.at(routes, subjects[:, 1], blocks[subjects[:, 0]])
        for code in np.flatnonzero(peers > PEERINGS_PER_VPC_DEFAULT).tolist():
            count, label = int(peers[code]), vpcs[code].label
            if count > PEERINGS_PER_VPC_MAX:
                findings.problems.append(
                    f"{label} needs {count} peering connections; at most {PEERINGS_PER_VPC_MAX} per VPC"
                )
            else:
                findings.quota_increases.append(
                    f"{label}: {count} active peering connections (default quota {PEERINGS_PER_VPC_DEFAULT}, "
                    f"maximum {PEERINGS_PER_VPC_MAX})"
                )
        for code, column in zip(*np.nonzero(routes > ROUTES_PER_TABLE_DEFAULT), strict=True):
            count, label, family = int(routes[code, column]), vpcs[code].label, FAMILIES[column][1]
            if count > ROUTES_PER_TABLE_MAX:
                findings.problems.append(
                    f"{label} needs {count} {family} peering routes in a route table; at most {ROUTES_PER_TABLE_MAX}"
                )
            else:
                findings.quota_increases.append(
                    f"{label}: {count} {family} peering routes per route table (default quota "
                    f"{ROUTES_PER_TABLE_DEFAULT}, maximum {ROUTES_PER_TABLE_MAX})"
                )
        given = ctx.settings.peering_quota
        if given is not None:
            for code in sorted(np.flatnonzero(peers > given).tolist(), key=lambda code: -peers[code]):
                findings.problems.append(
                    f"{vpcs[code].label} needs {int(peers[code])} peering connections; the peering quota given "
                    f"is {given}"
                )

    def quota_rows(self, ctx: Context, subjects: np.ndarray) -> list[QuotaRow]:
        """At each VPC: its peerings within the allowed number, and its peers' CIDR blocks of each family within
        the routes of that family a route table may hold."""
        allowed = peerings_allowed(ctx.settings)
        blocks = route_blocks(ctx)
        incident: dict[int, list[tuple[int, int]]] = {}
        for index, (x, y) in enumerate(subjects.tolist()):
            incident.setdefault(x, []).append((index, y))
            incident.setdefault(y, []).append((index, x))
        rows = []
        for vpc, pairs in incident.items():
            indices = [index for index, _ in pairs]
            if len(pairs) > allowed:
                rows.append(QuotaRow(vpc, indices, [1] * len(pairs), allowed))
            for column in range(len(FAMILIES)):
                routes = [int(blocks[peer, column]) for _, peer in pairs]
                if sum(routes) > ROUTES_PER_TABLE_MAX:
                    rows.append(QuotaRow(vpc, indices, routes, ROUTES_PER_TABLE_MAX))
        return rows


OPTION = Peering()
