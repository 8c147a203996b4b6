"""Interface endpoint: a VPC reaches an AWS service in its region through an interface endpoint (PrivateLink)
in each of its AZs. Also the endpoint every other interface-endpoint path uses (PrivateLink between VPCs, central
endpoints in a hub).

Metered: the endpoint per AZ-hour — in every AZ of the consumer VPC, or, for an existing endpoint, in the AZs
the topology records for it (`Context.layout`) — and data processing on the bytes of both directions (tiered
over all interface endpoints in the region together), both paid by the consumer VPC's owner. Over 50 interface
endpoints in one VPC needs a quota increase (adjustable). A VPC in a shared VPC cannot hold its own endpoints.

Endpoints to AWS services are reported one per service (`vpc-…/vpce:s3`); endpoints to other VPCs' endpoint
services can number in the thousands, so they are reported together per consumer VPC
(`vpc-…/vpce:endpoint-services`): their AZ-hours count every endpoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from vpccost.model.codes import NONE
from vpccost.model.usage import INTERFACE_ENDPOINT_RESOURCE, Fixed, PerGb, Resource, ResourceNames
from vpccost.options.base import Blocked, Context, Findings, FixedResource, Need, Option, OptionUsage
from vpccost.pricing.items import VPC_ENDPOINT_BYTES, VPC_ENDPOINT_HOURS

NAME = "interface-endpoint"
INTERFACE_ENDPOINT = "Interface endpoint"
PER_AZ = f"{INTERFACE_ENDPOINT} (per AZ)"
INTERFACE_ENDPOINTS_PER_VPC_DEFAULT = 50


def az_count(ctx: Context, consumer: int, target: tuple[str, str]) -> int:
    """How many AZs the endpoint of the `consumer` VPC to `target` (("service", name) or ("vpc", id)) sits in: the
    AZs the topology records for it, else every AZ of the consumer VPC."""
    recorded = ctx.layout.interface_endpoints
    found = recorded.get((ctx.vpc_ids[consumer], *target)) if recorded else None
    return len(found) if found else len(ctx.vpcs[consumer].azs)


def endpoint(ctx: Context, consumer: int, target: tuple[str, str], resource: Resource) -> FixedResource:
    """An interface endpoint of the `consumer` VPC to `target` (("service", name) or ("vpc", id)), in its AZs."""
    return FixedResource(
        key=(INTERFACE_ENDPOINT_RESOURCE, consumer, *target),
        charges=(hours(ctx, consumer, resource, azs=az_count(ctx, consumer, target)),),
    )


def hours(ctx: Context, consumer: int, resource: Resource, *, azs: int) -> Fixed:
    """The hours of endpoints of the consumer VPC that sit in `azs` AZs in all (an endpoint counts once in each
    of its AZs), paid by its owner."""
    info = ctx.vpcs[consumer]
    return Fixed(PER_AZ, VPC_ENDPOINT_HOURS, info.region, info.account, resource, azs)


def processing(
    ctx: Context,
    rows: np.ndarray,
    consumer: np.ndarray,
    target: np.ndarray,
    target_names: Sequence[str],
    *,
    target_kind: str,
    grouped_as: str | None = None,
) -> OptionUsage:
    """The selected flows through an endpoint in the `consumer` VPC (per-flow VPC codes) to `target` (per-flow
    codes into `target_names`): processing, and one endpoint per distinct (consumer, target)."""
    usage = OptionUsage()
    if not rows.any():
        return usage
    width = len(target_names) + 1
    pairs, pair_of_flow = np.unique(consumer[rows].astype(np.int64) * width + target[rows], return_inverse=True)
    consumers, targets = (pairs // width).tolist(), (pairs % width).tolist()
    endpoint_of_flow = np.full(len(ctx.flows), NONE, dtype=np.int64)
    endpoint_of_flow[rows] = pair_of_flow
    if grouped_as is None:
        names = ResourceNames(INTERFACE_ENDPOINT_RESOURCE, [ctx.vpc_ids[vpc] for vpc in consumers],
                              [f"vpce:{target_names[t]}" for t in targets])  # fmt: skip
        resource_of_flow = endpoint_of_flow
    else:
        names = ctx.vpc_resources(INTERFACE_ENDPOINT_RESOURCE, f"vpce:{grouped_as}")
        resource_of_flow = consumer
    usage.charges.append(
        PerGb(f"Data processed ({INTERFACE_ENDPOINT})", VPC_ENDPOINT_BYTES, rows, ctx.vpc_region[consumer],
              ctx.vpc_owner[consumer], resource_of_flow, names)
    )  # fmt: skip

    if grouped_as is None:
        endpoints = [
            endpoint(ctx, vpc, (target_kind, target_names[t]), names[code])
            for code, (vpc, t) in enumerate(zip(consumers, targets, strict=True))
        ]
        usage.needs.append(Need(rows, endpoint_of_flow, endpoints.__getitem__))
        return usage

    # every endpoint of a consumer to other VPCs is billed alike, on its one grouped resource
    def azs_of(code: int) -> int:
        return az_count(ctx, consumers[code], (target_kind, target_names[targets[code]]))

    def grouped(code: int) -> FixedResource:
        vpc = consumers[code]
        return FixedResource((INTERFACE_ENDPOINT_RESOURCE, vpc, target_kind, target_names[targets[code]]),
                             (hours(ctx, vpc, names[vpc], azs=azs_of(code)),))  # fmt: skip

    def together(codes: np.ndarray) -> list[FixedResource]:
        owners, owner_of_code, counts = np.unique(pairs[codes] // width, return_inverse=True, return_counts=True)
        if ctx.layout.interface_endpoints:
            azs = np.zeros(len(owners), dtype=np.int64)
            np.add.at(azs, owner_of_code, [azs_of(code) for code in codes.tolist()])
        else:  # nothing recorded: every endpoint sits in every AZ of its VPC
            azs = counts * np.array([len(ctx.vpcs[vpc].azs) for vpc in owners.tolist()], dtype=np.int64)
        return [
            FixedResource(
                (INTERFACE_ENDPOINT_RESOURCE, vpc, target_kind, f"*{grouped_as}"),
                (hours(ctx, vpc, names[vpc], azs=int(total)),),
                stands_for=count,
            )
            for vpc, count, total in zip(owners.tolist(), counts.tolist(), azs.tolist(), strict=True)
        ]

    usage.needs.append(Need(rows, endpoint_of_flow, grouped, together))
    return usage


def check_endpoints(ctx: Context, resources: Mapping[Hashable, Sequence[FixedResource]], findings: Findings) -> None:
    """Interface endpoints per VPC, over every endpoint an assignment uses (resources by kind)."""
    endpoints = resources.get(INTERFACE_ENDPOINT_RESOURCE, ())
    per_vpc: Counter[int] = Counter()
    for r in endpoints:
        per_vpc[int(r.key[1])] += r.stands_for  # type: ignore[call-overload]
    for vpc, count in sorted(per_vpc.items()):
        if count > INTERFACE_ENDPOINTS_PER_VPC_DEFAULT:
            findings.quota_increases.append(
                f"{ctx.vpcs[vpc].label} needs {count} interface endpoints "
                f"(default quota {INTERFACE_ENDPOINTS_PER_VPC_DEFAULT} per VPC, adjustable)"
            )


def member_blocked(ctx: Context, subjects: np.ndarray, option: str) -> dict[int, Blocked]:
    """A VPC in the shared VPC reaches services through the shared VPC's NAT gateways or a gateway endpoint."""
    services = ctx.estate.services
    return {
        index: Blocked(
            f"{ctx.vpcs[vpc].label} sits in the shared VPC: its calls to aws:{services[service]} use the shared "
            f"VPC's NAT gateways or a gateway endpoint, not {option}; not priced"
        )
        for index in np.flatnonzero(ctx.member[subjects[:, 0]]).tolist()
        for vpc, service in [subjects[index].tolist()]
    }


class InterfaceEndpoint(Option):
    """A VPC's calls to an AWS service in its region through an interface endpoint in the VPC."""

    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        o = ctx.outside
        return processing(ctx, rows, o.vpc, o.service, ctx.estate.services, target_kind="service")

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        return member_blocked(ctx, subjects, self.name)


OPTION = InterfaceEndpoint()
