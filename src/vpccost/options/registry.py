"""Every connection option, by subject, in the order decisions and reports list them; and the quotas that
span options. A new option is one module plus its line here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

from vpccost.options import (
    central_endpoint,
    egress_only_igw,
    gateway_endpoint,
    interface_endpoint,
    nat_public,
    own_nat,
    peering,
    privatelink,
    shared_vpc,
    transit_gateway,
)
from vpccost.options.base import Context, Findings, FixedResource, Option

PAIR_OPTIONS: Mapping[str, Option] = {
    option.name: option
    for option in (peering.OPTION, transit_gateway.OPTION, privatelink.OPTION, shared_vpc.OPTION, nat_public.OPTION)
}
"""How a VPC pair reaches each other, in the order decisions and reports list them."""

SERVICE_OPTIONS: Mapping[str, Option] = {
    option.name: option
    for option in (own_nat.OPTION, gateway_endpoint.OPTION, interface_endpoint.OPTION, central_endpoint.OPTION)
}
"""How a VPC reaches an AWS service in its region."""

INTERNET_OPTIONS: Mapping[str, Option] = {own_nat.OPTION.name: own_nat.OPTION}
"""How a VPC's IPv4 connections to the internet, AWS public addresses and services elsewhere leave it."""

DEFAULT_INTERNET_OPTION = own_nat.NAME

DIRECT = egress_only_igw.OPTION
"""The path of a VPC's IPv6 internet traffic and of connections opened from outside: no choice to make."""

DEFAULT_SERVICE_OPTION = own_nat.NAME
"""A VPC's calls to a service take its default route, through NAT, unless an assignment says otherwise."""

ResourceCheck = Callable[[Context, Mapping[Hashable, Sequence[FixedResource]], Findings], None]
RESOURCE_CHECKS: tuple[ResourceCheck, ...] = (interface_endpoint.check_endpoints, transit_gateway.check_attachments)
"""Quotas over every resource an assignment uses (by kind), whichever options need them."""
