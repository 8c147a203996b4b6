"""Transit Gateway: one transit gateway per region owned by the network account; the two VPCs of a pair are both
attached, and regions whose VPCs exchange traffic over it are joined by a TGW peering. Also the hop every other
path through a transit gateway uses (central endpoints in a hub VPC).

Metered: each VPC attachment per hour, paid by the VPC's owner, and counted once however many pairs use it;
data processing on every byte a VPC sends into the TGW, paid by the sending attachment's owner, whichever side
opened the connection; bytes arriving over a peering attachment are not processed again; cross-AZ through the
TGW is free; across regions the sending region's inter-region rate applies once (billed to the transit gateways'
owner), and each side's peering attachment is billed per hour to its TGW's owner.
Feasibility: a TGW route table holds one route per CIDR, so two VPCs whose blocks of one IP family overlap cannot
exchange traffic of that family through it (their other family still routes), and no VPC can reach two VPCs whose
blocks of a family overlap (AWS does not propagate an attachment whose CIDR overlaps one already propagated); at
most 5,000 attachments per TGW; over 50 peering attachments per TGW needs a quota increase.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from vpccost.model.aws_facts import IP_FAMILIES
from vpccost.model.codes import pack_pairs, unpack_pairs
from vpccost.model.usage import TGW_ATTACHMENT_RESOURCE, TGW_PEERING_RESOURCE, Fixed, PerGb, Resource
from vpccost.options import transfer
from vpccost.options.base import Blocked, Context, Findings, FixedResource, Need, Option, OptionUsage, QuotaRow
from vpccost.pricing.items import TRANSIT_GATEWAY_ATTACHMENT_HOURS, TRANSIT_GATEWAY_BYTES, TRANSIT_GATEWAY_PEERING_HOURS

NAME = "transit-gateway"
PHRASE = "a transit gateway"
TRANSIT_GATEWAY = "Transit gateway"
DATA_PROCESSED = f"Data processed ({TRANSIT_GATEWAY})"

ATTACHMENTS_PER_TGW_MAX = 5000
PEERING_ATTACHMENTS_PER_TGW_DEFAULT = 50


def attachment(ctx: Context, vpc: int) -> FixedResource:
    """A VPC's attachment to its region's transit gateway, paid by the VPC's owner."""
    info = ctx.vpcs[vpc]
    resource = ctx.vpc_resources(TGW_ATTACHMENT_RESOURCE)[vpc]
    return attachment_of(ctx, (TGW_ATTACHMENT_RESOURCE, vpc), info.region, info.account, resource)


def attachment_of(
    ctx: Context, key: tuple[Hashable, ...], region: str, payer: str, resource: Resource
) -> FixedResource:
    """A VPC attachment (of a VPC the estate knows, or of a hub vpccost adds)."""
    return FixedResource(
        key=key,
        charges=(Fixed(f"{TRANSIT_GATEWAY} attachment (VPC)", TRANSIT_GATEWAY_ATTACHMENT_HOURS, region, payer,
                       resource),),
    )  # fmt: skip


def peering(ctx: Context, region_pair: int) -> FixedResource:
    """A TGW peering between two regions' transit gateways: an attachment-hour on each side, paid by the
    network account that owns them."""
    regions = ctx.estate.regions
    low, high = unpack_pairs(np.array([region_pair]), len(regions))[0].tolist()
    first, second = sorted((regions[low], regions[high]))
    payer = ctx.estate.accounts[ctx.network_account]
    return FixedResource(
        key=(TGW_PEERING_RESOURCE, first, second),
        charges=tuple(
            Fixed(f"{TRANSIT_GATEWAY} attachment (peering)", TRANSIT_GATEWAY_PEERING_HOURS, region, payer,
                  Resource(f"tgw-{region}", TGW_PEERING_RESOURCE, f"tgw-{region}/peering-{other}"))
            for region, other in ((first, second), (second, first))
        ),
    )  # fmt: skip


def sender_attachments(ctx: Context, rows: np.ndarray) -> PerGb:
    """Processing of the selected VPC-to-VPC flows on entry from the sending VPC's attachment."""
    f = ctx.flows
    return PerGb(DATA_PROCESSED, TRANSIT_GATEWAY_BYTES, rows, f.src.region, ctx.vpc_owner[f.src.vpc], f.src.vpc,
                 ctx.vpc_resources(TGW_ATTACHMENT_RESOURCE))  # fmt: skip


def check_attachments(ctx: Context, resources: Mapping[Hashable, Sequence[FixedResource]], findings: Findings) -> None:
    """Attachments per transit gateway, over every attachment and peering an assignment uses (resources by kind)."""
    attachments = Counter(resource.charges[0].region for resource in resources.get(TGW_ATTACHMENT_RESOURCE, ()))
    peerings = Counter(
        charge.region for resource in resources.get(TGW_PEERING_RESOURCE, ()) for charge in resource.charges
    )
    for region, count in sorted(attachments.items()):
        if count > ATTACHMENTS_PER_TGW_MAX:
            findings.problems.append(
                f"{count} VPC attachments on the {region} transit gateway; at most {ATTACHMENTS_PER_TGW_MAX}"
            )
    for region, count in sorted(peerings.items()):
        if count > PEERING_ATTACHMENTS_PER_TGW_DEFAULT:
            findings.quota_increases.append(
                f"{count} peering attachments on the {region} transit gateway "
                f"(default quota {PEERING_ATTACHMENTS_PER_TGW_DEFAULT}, adjustable)"
            )


def overlap_blocked(ctx: Context, pairs: np.ndarray, phrase: str, *, by_family: bool = False) -> dict[int, Blocked]:
    """Pairs of VPCs with overlapping CIDRs that exchange traffic cannot be routed (the pair is still priced).
    `by_family`: only an overlap in an IP family the pair's traffic uses blocks it (a route table's routes are per
    CIDR: the other family still routes); otherwise any overlap does (AWS refuses the connection)."""
    overlapping = ctx.estate.cidr_overlaps
    if not overlapping or not len(pairs):
        return {}
    vpcs = ctx.vpcs
    width = len(vpcs)
    position = {code: index for index, code in enumerate((pairs[:, 0] * width + pairs[:, 1]).tolist())}
    used = ctx.estate.pair_ip_versions
    blocked = {}
    for (x, y), overlaps in sorted(overlapping.items()):
        index = position.get(x * width + y)
        if index is None:
            continue
        if not by_family:
            texts = ", ".join(text for _, text in overlaps)
            blocked[index] = Blocked(
                f"{vpcs[x].label} and {vpcs[y].label} have overlapping CIDRs ({texts}) "
                f"and exchange traffic: {phrase} cannot route between them",
                priced=True,
            )
            continue
        families = sorted({version for version, _ in overlaps} & used.get(x * width + y, frozenset()))
        if families:
            names = " and ".join(IP_FAMILIES[version] for version in families)
            texts = ", ".join(text for version, text in overlaps if version in families)
            blocked[index] = Blocked(
                f"{vpcs[x].label} and {vpcs[y].label} have overlapping {names} CIDRs ({texts}) "
                f"and exchange {names} traffic: {phrase} cannot route it between them",
                priced=True,
            )
    return dict(sorted(blocked.items()))


class Conflict(NamedTuple):
    """One VPC reaching, through transit gateways, two VPCs whose blocks of an IP family overlap, exchanging that
    family's traffic with both: a route table it is associated with holds one route per CIDR."""

    vpc: int
    first: int
    second: int
    to_first: int
    """The position of the pair (vpc, first) among the subjects."""
    to_second: int
    overlaps: str
    """The overlapping blocks, with their family: `IPv4 10.0.0.0/16 / 10.0.0.0/16`."""
    same_block: str | None
    """A block the two hold alike (`IPv4 10.0.0.0/16`): VPCs holding it are look-alikes all together."""


def reach_conflicts(ctx: Context, pairs: np.ndarray) -> list[Conflict]:
    """Every VPC that reaches two look-alike VPCs through transit gateways, with the two (`Conflict`)."""
    overlapping = ctx.estate.cidr_overlaps
    if not overlapping or not len(pairs):
        return []
    width = len(ctx.vpcs)
    used = ctx.estate.pair_ip_versions
    partners: dict[int, dict[int, int]] = {}
    for index, (x, y) in enumerate(pairs.tolist()):
        partners.setdefault(x, {})[y] = index
        partners.setdefault(y, {})[x] = index
    conflicts = []
    for (b, c), overlaps in sorted(overlapping.items()):
        of_b, of_c = partners.get(b, {}), partners.get(c, {})
        for vpc in sorted(of_b.keys() & of_c.keys()):
            both = used.get(min(vpc, b) * width + max(vpc, b), frozenset()) & used.get(
                min(vpc, c) * width + max(vpc, c), frozenset()
            )
            found = [(IP_FAMILIES[version], text) for version, text in overlaps if version in both]
            if found:
                texts = ", ".join(f"{family} {text}" for family, text in found)
                alike = next((f"{family} {text.split(' / ')[0]}" for family, text in found
                              if len(set(text.split(" / "))) == 1), None)  # fmt: skip
                conflicts.append(Conflict(vpc, b, c, of_b[vpc], of_c[vpc], texts, alike))
    return conflicts


class TransitGateway(Option):
    """A VPC pair's flows through the regions' transit gateways."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        f = ctx.flows
        usage = OptionUsage(charges=[sender_attachments(ctx, rows)])
        network = np.full(len(f), ctx.network_account, dtype=np.int32)
        usage.charges.append(
            transfer.inter_region(ctx, rows, component="Inter-region data transfer over TGW peering", payer=network)
        )
        crossing = rows & (f.src.region != f.dst.region)
        if crossing.any():
            usage.assumptions.append(
                "Inter-region transfer over TGW peering is billed to the transit gateways' owner (network account)."
            )
        attach = functools.cache(functools.partial(attachment, ctx))
        usage.needs += [Need(rows, f.src.vpc, attach), Need(rows, f.dst.vpc, attach)]
        region_pair = pack_pairs(f.src.region, f.dst.region, len(ctx.estate.regions))
        usage.needs.append(Need(crossing, region_pair, functools.cache(functools.partial(peering, ctx))))
        return usage

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        return overlap_blocked(ctx, subjects, PHRASE, by_family=True)

    def check(self, ctx: Context, subjects: np.ndarray, findings: Findings) -> None:
        """No VPC reaches two look-alike VPCs (blocks of a family overlapping) through the transit gateways: one
        problem per VPC, naming its first look-alike pair and how many there are."""
        vpcs = ctx.vpcs
        by_vpc: dict[int, list[Conflict]] = {}
        for conflict in reach_conflicts(ctx, subjects):
            by_vpc.setdefault(conflict.vpc, []).append(conflict)
        for vpc, conflicts in by_vpc.items():
            first = conflicts[0]
            pair = f"{vpcs[first.first].label} and {vpcs[first.second].label}"
            reached = pair if len(conflicts) == 1 else f"{len(conflicts)} pairs of look-alike VPCs, among them {pair},"
            findings.problems.append(
                f"{vpcs[vpc].label} reaches {reached} through {PHRASE}, but their CIDRs overlap ({first.overlaps}): "
                "a TGW route table holds one route per CIDR"
            )

    def quota_rows(self, ctx: Context, subjects: np.ndarray) -> list[QuotaRow]:
        """At each VPC: at most one of the VPCs holding a block alike it reaches through the transit gateways (one
        limit for all of them), and at most one of any other two look-alikes."""
        groups: dict[tuple[int, str], set[int]] = {}
        rows = []
        for conflict in reach_conflicts(ctx, subjects):
            if conflict.same_block is None:
                rows.append(QuotaRow(conflict.vpc, [conflict.to_first, conflict.to_second], [1, 1], 1))
            else:
                groups.setdefault((conflict.vpc, conflict.same_block), set()).update(
                    (conflict.to_first, conflict.to_second)
                )
        for (vpc, _), indices in groups.items():
            rows.append(QuotaRow(vpc, sorted(indices), [1] * len(indices), 1))
        return rows


OPTION = TransitGateway()
