"""Subjects: what a connection option is chosen for. Every flow between two VPCs belongs to one unordered VPC
pair; every call a VPC opens to a named AWS service in its own region belongs to one (VPC, service); the rest
of a VPC's traffic with the internet and AWS (AWS public addresses, services in other regions, connections
opened from outside, IPv6) belongs to the VPC's internet subject. Traffic inside one VPC belongs to none: no
option carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vpccost.model.codes import NONE, pack_pairs, unpack_pairs
from vpccost.options.base import Context
from vpccost.options.transfer import vpc_to_vpc


@dataclass(frozen=True)
class Subjects:
    """The subjects of one kind in an estate: their codes (one row each), and each flow's subject."""

    keys: np.ndarray
    """(n, 2) VPC codes (lower first) of pairs; (n, 2) VPC and service codes of service calls; (n, 1) VPC codes
    of internet subjects."""
    of_flow: np.ndarray
    """Per flow: the index of its subject, NONE for a flow of another kind."""

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def rows(self) -> np.ndarray:
        """The flows of any subject of this kind."""
        selected: np.ndarray = self.of_flow != NONE
        return selected

    def flows_of(self, chosen: np.ndarray) -> np.ndarray:
        """The flows of the subjects selected by the boolean mask `chosen` (one entry per subject)."""
        taken: np.ndarray = np.append(chosen, False)[self.of_flow]
        return taken


def _grouped(packed: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, index = np.unique(packed[rows], return_inverse=True)
    of_flow = np.full(len(rows), NONE, dtype=np.int64)
    of_flow[rows] = index
    return codes, of_flow


def pairs(ctx: Context) -> Subjects:
    """The unordered VPC pairs that exchange traffic, lower VPC code first, sorted."""

    def build() -> Subjects:
        f = ctx.flows
        width = len(ctx.vpcs)
        codes, of_flow = _grouped(pack_pairs(f.src.vpc, f.dst.vpc, width), vpc_to_vpc(ctx))
        return Subjects(unpack_pairs(codes, width), of_flow)

    return ctx.memo("pairs", build, per_estate=True)


def services(ctx: Context) -> Subjects:
    """The (VPC, service) calls that could use an endpoint: opened by the VPC, to a named AWS service in its own
    region."""

    def build() -> Subjects:
        o = ctx.outside
        width = len(ctx.estate.services) + 1
        codes, of_flow = _grouped(o.vpc.astype(np.int64) * width + o.service, o.endpoint_reachable)
        return Subjects(np.stack([codes // width, codes % width], axis=1), of_flow)

    return ctx.memo("services", build, per_estate=True)


def internet(ctx: Context) -> Subjects:
    """Each VPC's other traffic with the internet and AWS."""

    def build() -> Subjects:
        o = ctx.outside
        codes, of_flow = _grouped(o.vpc.astype(np.int64), o.rows & ~o.endpoint_reachable)
        return Subjects(codes.reshape(-1, 1), of_flow)

    return ctx.memo("internet", build, per_estate=True)
