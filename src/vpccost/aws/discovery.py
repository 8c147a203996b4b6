"""Discover the topology from AWS, read-only: VPCs, subnets and the connectivity between them, in every account
and region asked for, merged into one `Topology`.

Each account is reached through a boto3 session (a profile, the default credentials, or a role assumed with
`sts:AssumeRole`: `vpccost.aws.clients.account_sessions`); each region is read with the `ec2:Describe…` calls
listed in `READ_ONLY_ACTIONS`, every list paginated and every call retried in botocore's standard mode. Objects
seen from two accounts (a shared VPC, a peering between accounts, a transit gateway attachment seen by the TGW
owner and by the attacher) are merged by id (`vpccost.aws.discovery_merge`). A call that fails (access denied, a
region not enabled) costs only what it would have read: the rest is kept, and `Discovery.warnings` says what is
missing. Credentials are never logged.

Usage (network and credentials needed; the tests run against a moto server):

    from vpccost.aws.discovery import discover
    from vpccost.inputs.topology import write_topology

    found = discover("prod-readonly", role_arns=["arn:aws:iam::222222222222:role/audit"], regions=["us-east-1"])
    write_topology(found.topology, Path("topology.yaml"))
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

from vpccost.aws.clients import DISCOVERY_CONFIG, AccountSession, account_sessions, error_reason, home_region
from vpccost.aws.discovery_merge import RegionView, TopologyBuilder, balancer_arns
from vpccost.inputs.topology import Topology
from vpccost.model.aws_facts import is_region

REGION_STEPS: tuple[tuple[str, str, bool], ...] = (
    # (operation, result key, paginated?) read in each account and region, in this order
    ("DescribeAvailabilityZones", "AvailabilityZones", False),
    ("DescribeVpcs", "Vpcs", True),
    ("DescribeSubnets", "Subnets", True),
    ("DescribeRouteTables", "RouteTables", True),
    ("DescribeNatGateways", "NatGateways", True),
    ("DescribeVpcEndpoints", "VpcEndpoints", True),
    ("DescribeVpcEndpointServiceConfigurations", "ServiceConfigurations", True),
    ("DescribeVpcPeeringConnections", "VpcPeeringConnections", True),
    ("DescribeTransitGateways", "TransitGateways", True),
    ("DescribeTransitGatewayAttachments", "TransitGatewayAttachments", True),
    ("DescribeTransitGatewayVpcAttachments", "TransitGatewayVpcAttachments", True),
    ("DescribeTransitGatewayPeeringAttachments", "TransitGatewayPeeringAttachments", True),
    ("DescribeNetworkInterfaces", "NetworkInterfaces", True),
    ("DescribeFlowLogs", "FlowLogs", True),
)

READ_ONLY_ACTIONS: tuple[str, ...] = (
    "sts:GetCallerIdentity",
    "sts:AssumeRole",
    "ec2:DescribeRegions",
    *(f"ec2:{operation}" for operation, _, _ in REGION_STEPS),
    "elasticloadbalancing:DescribeLoadBalancers",
)
"""Every AWS action `discover` calls (README lists them for the IAM policy). The last one only runs where the
account publishes PrivateLink endpoint services, to find the VPC behind each service's load balancer."""

REGION_FAILURE_CODES = frozenset(
    {
        "AuthFailure",
        "OptInRequired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "RequestExpired",
    }
)
"""Errors that will fail every call in the region (credentials refused, region not enabled): stop reading it."""

ProgressCallback = Callable[[int, int, str], None]
"""Called as (steps done, steps in all, what was just read) while discovery runs; from several threads."""


@dataclass(frozen=True)
class Discovery:
    """What discovery found: the topology (with `discovery_warnings`), and what it could not read."""

    topology: Topology
    warnings: list[str]
    accounts: list[str]
    """The accounts read (at least one region of each)."""
    regions_read: int
    """(account, region) pairs whose VPCs could be listed."""

    @property
    def found_anything(self) -> bool:
        return self.regions_read > 0


def discover(
    *sources: Any,
    role_arns: Sequence[str] = (),
    regions: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    workload_interfaces: bool = False,
    max_workers: int = 8,
) -> Discovery:
    """Read the topology of every account given and merge it.

    `sources` are boto3 sessions or profile names; `role_arns` are assumed (RoleSessionName `vpccost-discover`)
    with the first source's credentials, or the default credentials. With neither, the default credentials'
    account is read. `regions` default to each account's enabled regions (`ec2:DescribeRegions`). The ENI
    inventory lists middleboxes (NAT gateways, endpoints, TGW attachments, load balancers), which flow-log
    aggregation must recognise; `workload_interfaces` adds every other ENI (large estates have many)."""
    warnings: list[str] = []
    accounts = account_sessions(sources, role_arns, warnings)
    jobs: list[tuple[AccountSession, str, Any, Any]] = []
    for account in accounts:
        for region in _regions(account, regions, warnings):
            ec2 = account.session.client("ec2", region_name=region, config=DISCOVERY_CONFIG)
            elbv2 = account.session.client("elbv2", region_name=region, config=DISCOVERY_CONFIG)
            jobs.append((account, region, ec2, elbv2))
    counter = _Counter(len(jobs) * len(REGION_STEPS), progress)
    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        views = list(pool.map(lambda job: _read_region(job[0].account, job[1], job[2], job[3], counter), jobs))
    views.sort(key=lambda view: (view.account, view.region))
    for view in views:
        warnings.extend(view.warnings)
    builder = TopologyBuilder(workload_interfaces=workload_interfaces)
    topology = builder.build(views)
    warnings.extend(builder.warnings)
    topology = topology.model_copy(update={"discovery_warnings": list(warnings)})
    read = [view for view in views if "DescribeVpcs" in view.items]
    return Discovery(
        topology=topology,
        warnings=warnings,
        accounts=sorted({view.account for view in read}),
        regions_read=len(read),
    )


class _Counter:
    """Progress across worker threads."""

    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total, self.done, self.callback = total, 0, callback
        self.lock = threading.Lock()

    def step(self, what: str) -> None:
        if self.callback is None:
            return
        with self.lock:
            self.done += 1
            self.callback(self.done, self.total, what)


def _regions(account: AccountSession, wanted: Sequence[str] | None, warnings: list[str]) -> list[str]:
    if wanted is not None:
        return list(dict.fromkeys(wanted))
    try:
        ec2 = account.session.client("ec2", region_name=home_region(account.session), config=DISCOVERY_CONFIG)
        listed = [region["RegionName"] for region in ec2.describe_regions(AllRegions=False)["Regions"]]
    except (BotoCoreError, ClientError) as error:
        warnings.append(f"{account.account}: DescribeRegions failed, account not read: {error_reason(error)}")
        return []
    unknown = sorted(region for region in listed if not is_region(region))
    if unknown:
        warnings.append(
            f"{account.account}: regions vpccost has no prices or AZ IDs for, not read: {', '.join(unknown)}"
        )
    return sorted(region for region in listed if is_region(region))


def _read_region(account: str, region: str, ec2: Any, elbv2: Any, counter: _Counter) -> RegionView:
    """Every REGION_STEPS call in one account and region. A denied call is skipped; an error that every call
    would hit (credentials refused, region not enabled) stops the region."""
    view = RegionView(account=account, region=region)
    for index, (operation, key, paginated) in enumerate(REGION_STEPS):
        try:
            view.items[operation] = _call(ec2, operation, key, paginated)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in REGION_FAILURE_CODES:
                view.warnings.append(f"{account} {region}: region not read: {operation} failed: {error_reason(error)}")
                for _ in REGION_STEPS[index:]:
                    counter.step(f"{account} {region}")
                return view
            view.warnings.append(
                f"{account} {region}: {operation} failed, {_missing(operation)}: {error_reason(error)}"
            )
        except BotoCoreError as error:
            view.warnings.append(f"{account} {region}: region not read: {operation} failed: {error_reason(error)}")
            for _ in REGION_STEPS[index:]:
                counter.step(f"{account} {region}")
            return view
        counter.step(f"{account} {region} {operation}")
    arns = sorted(
        {arn for service in view.get("DescribeVpcEndpointServiceConfigurations") for arn in balancer_arns(service)}
    )
    if arns:
        try:
            for page in elbv2.get_paginator("describe_load_balancers").paginate(LoadBalancerArns=arns):
                for balancer in page["LoadBalancers"]:
                    view.load_balancer_vpcs[balancer["LoadBalancerArn"]] = balancer["VpcId"]
        except (BotoCoreError, ClientError) as error:
            view.warnings.append(
                f"{account} {region}: DescribeLoadBalancers failed, the VPCs behind endpoint services are "
                f"unknown: {error_reason(error)}"
            )
    return view


def _call(client: Any, operation: str, key: str, paginated: bool) -> list[dict[str, Any]]:
    method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
    if not paginated:
        return list(getattr(client, method)()[key])
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(method).paginate():
        items.extend(page.get(key, []))
    return items


def _missing(operation: str) -> str:
    what = {
        "DescribeAvailabilityZones": "ENI AZs come from their subnets only",
        "DescribeVpcs": "no VPCs from this region",
        "DescribeSubnets": "no subnets",
        "DescribeRouteTables": "no route tables",
        "DescribeNatGateways": "no NAT gateways",
        "DescribeVpcEndpoints": "no VPC endpoints",
        "DescribeVpcEndpointServiceConfigurations": "the VPCs behind endpoint services are unknown",
        "DescribeVpcPeeringConnections": "no peering connections",
        "DescribeTransitGateways": "no transit gateways",
        "DescribeTransitGatewayAttachments": "no transit gateway attachments",
        "DescribeTransitGatewayVpcAttachments": "no subnets of TGW VPC attachments",
        "DescribeTransitGatewayPeeringAttachments": "no peers of TGW peering attachments",
        "DescribeNetworkInterfaces": "no ENI inventory",
        "DescribeFlowLogs": "no flow logs",
    }
    return what.get(operation, "not read")
