"""Where each side of a record is, for the counting rule: the logged (local) side's VPC and AZ from the record's
fields, the inventory, the subnet or the address; the other side an endpoint's service or provider VPC (rule 4),
a topology VPC by the longest CIDR match, or `aws:<service>` or `internet` for a public address; and why a side
cannot be placed (`CAUSES`), with the overlapping CIDRs met on the way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from vpccost.flowlogs.addresses import AddressBook, AddressTable, KnownInterface
from vpccost.flowlogs.arrays import Registry
from vpccost.flowlogs.report import FlowLogReport
from vpccost.inputs.traffic import INTERNET
from vpccost.model.aws_facts import VPC_ENDPOINT_ENI

if TYPE_CHECKING:
    from vpccost.flowlogs.rule import Batch, Rule

EXAMPLES_PER_CAUSE = 5
"""Examples the report keeps per cause of unattributed traffic, and per set of overlapping VPCs."""

LOCAL_SIDE_UNDECIDED = "local side undecided"
OUTSIDE_TOPOLOGY = "logged ENI outside the topology"
OVERLAPPING = "overlapping CIDRs"
PRIVATE_OUTSIDE = "private address outside the topology"
ENDPOINT_UNKNOWN = "endpoint without a known service (give the endpoint's service in the topology)"
PROVIDER_OUTSIDE = "endpoint's provider VPC outside the topology"

CAUSES = ("", LOCAL_SIDE_UNDECIDED, OUTSIDE_TOPOLOGY, OVERLAPPING, PRIVATE_OUTSIDE, ENDPOINT_UNKNOWN, PROVIDER_OUTSIDE)
"""Why a side cannot be placed, by code (0: it can)."""


def address_azs(places: AddressTable, azs: Registry) -> np.ndarray:
    """Each address's AZ as a code of `azs` (0: none)."""
    codes = np.zeros(len(places.az), dtype=np.int64)
    named = np.flatnonzero(places.az != "")
    if len(named):
        codes[named] = azs.codes_of(places.az[named])
    return codes


def local_places(
    rule: Rule, batch: Batch, positions: np.ndarray, local: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The logged side (VPC index, AZ code, cause code): the record's VPC and AZ fields first, then the
    inventory, the subnet, the address."""
    book, places, azs = rule.book, rule.places, rule.azs
    vpc_index, subnets, interfaces = book.vpc_index, book.subnets, book.interfaces

    def at(column: str, key: str, function: Any, default: int) -> np.ndarray:
        mapping = rule.per_value(f"{column}:{key}", function, default)
        values: np.ndarray = mapping[batch.codes[column][positions] + 1]
        return values

    record_vpc = at("vpc_id", "vpc", lambda text: vpc_index.get(text, -1), -1)
    subnet_vpc = at("subnet_id", "vpc", lambda text: vpc_index[subnets[text][0].id] if text in subnets else -1, -1)
    subnet_az = at("subnet_id", "az", lambda text: azs.code(subnets[text][2]) if text in subnets else 0, 0)
    inventory_vpc = at(
        "interface_id", "vpc", lambda text: vpc_index[interfaces[text].vpc.id] if text in interfaces else -1, -1
    )
    inventory_az = at(
        "interface_id",
        "az",
        lambda text: azs.code(interfaces[text].interface.az or "") if text in interfaces else 0,
        0,
    )
    record_az = at("az_id", "az", azs.code, 0)
    safe = np.maximum(local, 0)
    address_vpc = np.where(local >= 0, places.unique_vpc[safe], -1)
    vpc = np.where(
        record_vpc >= 0,
        record_vpc,
        np.where(inventory_vpc >= 0, inventory_vpc, np.where(subnet_vpc >= 0, subnet_vpc, address_vpc)),
    )
    cause = np.where(vpc >= 0, 0, np.where(vpc == -2, CAUSES.index(OVERLAPPING), CAUSES.index(OUTSIDE_TOPOLOGY)))
    az = record_az.copy()
    take = (az == 0) & (subnet_vpc >= 0) & (subnet_vpc == vpc)
    az[take] = subnet_az[take]
    take = az == 0
    az[take] = inventory_az[take]
    take = (az == 0) & (vpc >= 0) & (local >= 0)
    if take.any():
        simple = take & ~places.multiple[safe] & (places.vpc[safe] == vpc)
        az[simple] = rule.address_az[safe][simple]
        for row in np.flatnonzero(take & places.multiple[safe]).tolist():
            address, vpc_id = rule.text(int(local[row])), book.topology.vpcs[int(vpc[row])].id
            az[row] = azs.code(next((entry.az or "" for entry in book.candidates(address) if entry.vpc == vpc_id), ""))
    return np.where(vpc >= 0, vpc, 0), az, cause


def remote_places(
    rule: Rule, local_vpc: np.ndarray, remote: np.ndarray, service: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The other side (name code, AZ code, cause code): an endpoint or load balancer ENI the inventory knows
    (rule 4), else a topology VPC by the longest match (the local VPC first where CIDRs overlap), else
    `aws:<service>` or `internet` for a public address; a private address outside the topology is
    unattributed."""
    places, names, azs = rule.places, rule.names, rule.azs
    count = len(remote)
    name = np.zeros(count, dtype=np.int64)
    az = np.zeros(count, dtype=np.int64)
    cause = np.zeros(count, dtype=np.int64)
    safe = np.maximum(remote, 0)
    behind, results = rule.behind()
    which = np.where(remote >= 0, behind[safe], -1)
    known = which >= 0
    if known.any():
        result_names = np.array([names.code(item[0]) if item[0] else 0 for item in results], dtype=np.int64)
        result_azs = np.array([azs.code(item[1]) for item in results], dtype=np.int64)
        result_causes = np.array([CAUSES.index(item[2]) for item in results], dtype=np.int64)
        name[known] = result_names[which[known]]
        az[known] = result_azs[which[known]]
        cause[known] = result_causes[which[known]]
    open_rows = ~known
    inside = open_rows & (remote >= 0) & (places.vpc[safe] >= 0)
    simple = inside & ~places.multiple[safe]
    name[simple] = places.vpc[safe][simple]
    az[simple] = rule.address_az[safe][simple]
    overlapping = np.flatnonzero(inside & places.multiple[safe])
    if len(overlapping):
        resolved: dict[tuple[int, int], tuple[int, int, int]] = {}
        for row in overlapping.tolist():
            key = (int(local_vpc[row]), int(remote[row]))
            if key not in resolved:
                resolved[key] = _overlapping_place(rule, key[0], rule.text(key[1]))
            name[row], az[row], cause[row] = resolved[key]
    outside = open_rows & ~inside
    private = outside & (remote >= 0) & places.private[safe]
    cause[private] = CAUSES.index(PRIVATE_OUTSIDE)
    public = outside & ~private
    service_name = rule.service_names()[service + 1]
    name[public] = np.where(service_name[public] >= 0, service_name[public], names.code(INTERNET))
    return name, az, cause


def _overlapping_place(rule: Rule, local_vpc: int, address: str) -> tuple[int, int, int]:
    """An address several VPCs hold: the local VPC's own, else the only most specific, else unattributed."""
    book, report = rule.book, rule.report
    candidates = book.candidates(address)
    local_id = book.topology.vpcs[local_vpc].id
    own = next((entry for entry in candidates if entry.vpc == local_id), None)
    if own is not None:
        chosen = own
    else:
        longest = [entry for entry in candidates if entry.prefix_length == candidates[0].prefix_length]
        if len(longest) > 1:
            _note_overlap(report, address, [entry.vpc for entry in longest], None)
            return 0, 0, CAUSES.index(OVERLAPPING)
        chosen = longest[0]
    _note_overlap(report, address, [entry.vpc for entry in candidates], chosen.vpc)
    return rule.names.code(chosen.vpc), rule.azs.code(chosen.az or ""), 0


def behind_interface(book: AddressBook, known: KnownInterface) -> tuple[str, str, str]:
    """Rule 4: what an endpoint or load balancer ENI stands for: (endpoint name, AZ, cause if unattributed)."""
    interface, vpc = known.interface, known.vpc
    if interface.kind == VPC_ENDPOINT_ENI:
        endpoint = next(
            (item for item in getattr(vpc, "endpoints", []) if interface.resource and item.id == interface.resource),
            None,
        )
        service = getattr(endpoint, "service", None)
        provider = getattr(endpoint, "provider_vpc", None)
        if service:
            return f"aws:{service}", "", ""
        if provider:
            if provider in book.vpcs:
                return provider, "", ""
            return "", "", PROVIDER_OUTSIDE
        return "", "", ENDPOINT_UNKNOWN
    return vpc.id, interface.az or "", ""


def _note_overlap(report: FlowLogReport, address: str, vpcs: list[str], chosen: str | None) -> None:
    entry = {"vpcs": sorted(set(vpcs)), "resolved_to": chosen}
    for existing in report.overlapping_cidrs:
        if existing["vpcs"] == entry["vpcs"] and existing["resolved_to"] == chosen:
            existing["addresses"] += 1
            if len(existing["examples"]) < EXAMPLES_PER_CAUSE:
                existing["examples"].append(address)
            return
    report.overlapping_cidrs.append({**entry, "addresses": 1, "examples": [address]})
