"""The traffic matrix from the counting rule's edges: each batch's edges packed into integer keys and summed, the
keys decoded into matrix rows, and the rows' volumes in GB (exactly, or scaled to a 730-hour month over the
window the report states).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from vpccost.errors import InputError
from vpccost.flowlogs.arrays import Registry, sum_by_group
from vpccost.flowlogs.report import FlowLogReport
from vpccost.units import BYTES_PER_GB, GB_PER_BYTE, HOURS_PER_MONTH, exact_arithmetic, rounding_arithmetic

MATRIX_COLUMNS = ("src", "dst", "src_az", "dst_az", "initiator", "ip_version", "bytes", "gb")

MONTHLY_GB_QUANTUM = Decimal("1E-9")
"""Monthly volumes are rounded (half to even) to a billionth of a GB, about one byte: scaling by 730 hours
over the observed period is rarely a finite decimal."""

EDGE_NAMES = 1 << 20
"""Room for matrix endpoints (VPCs, services, the internet) in a packed edge key."""

EDGE_AZS = 1 << 10
"""Room for AZ IDs in a packed edge key (the key stays below 2^63)."""


def edge_keys(
    src: np.ndarray,
    dst: np.ndarray,
    src_az: np.ndarray,
    dst_az: np.ndarray,
    initiator_dst: np.ndarray,
    version6: np.ndarray,
) -> np.ndarray:
    """Edges packed into integer keys: endpoint codes (`EDGE_NAMES`), AZ codes (`EDGE_AZS`), whether the
    initiator is `dst`, whether the traffic is IPv6. `decode_edges` unpacks them."""
    key: np.ndarray = ((src * EDGE_NAMES + dst) * EDGE_AZS + src_az) * EDGE_AZS + dst_az
    packed: np.ndarray = key * 4 + initiator_dst * 2 + version6
    return packed


def decode_edges(
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]], names: Registry, azs: Registry
) -> pd.DataFrame:
    """The edges of every batch (distinct keys, their bytes, …) as matrix rows, bytes summed per key; `names` and
    `azs` are the registries the keys' codes refer to."""
    if len(names.names) >= EDGE_NAMES or len(azs.names) >= EDGE_AZS:
        raise InputError("more matrix endpoints or AZs than the edge keys hold", source="flow-log rows")
    if not edges:
        return pd.DataFrame({column: [] for column in MATRIX_COLUMNS[:-1]})
    keys = np.concatenate([key for key, _, _ in edges])
    volume = np.concatenate([total for _, total, _ in edges])
    inverse, distinct = pd.factorize(keys, sort=True)
    distinct = np.asarray(distinct, dtype=np.int64)
    totals = sum_by_group(inverse, volume, len(distinct))
    version6, rest = distinct % 2, distinct // 2
    initiator, rest = rest % 2, rest // 2
    dst_az, rest = rest % EDGE_AZS, rest // EDGE_AZS
    src_az, rest = rest % EDGE_AZS, rest // EDGE_AZS
    dst, src = rest % EDGE_NAMES, rest // EDGE_NAMES
    return pd.DataFrame(
        {
            "src": names.decode(src),
            "dst": names.decode(dst),
            "src_az": azs.decode(src_az),
            "dst_az": azs.decode(dst_az),
            "initiator": np.where(initiator == 1, "dst", "src"),
            "ip_version": np.where(version6 == 1, 6, 4),
            "bytes": totals,
        }
    )


def traffic_matrix(edges: pd.DataFrame, report: FlowLogReport) -> pd.DataFrame:
    """The edges summed per matrix row (`MATRIX_COLUMNS`), rows without bytes left out, each with its GB."""
    keys = ["src", "dst", "src_az", "dst_az", "initiator", "ip_version"]
    if edges.empty:
        empty = pd.DataFrame({column: pd.Series(dtype=object) for column in MATRIX_COLUMNS})
        empty["bytes"] = empty["bytes"].astype("int64")
        return empty
    grouped = edges.groupby(keys, sort=True)["bytes"].sum().reset_index()
    grouped = grouped[grouped["bytes"].gt(0)].reset_index(drop=True)
    grouped["bytes"] = grouped["bytes"].astype("int64")
    grouped["ip_version"] = grouped["ip_version"].astype("int64")
    grouped["gb"] = pd.Series(
        [_gb(int(value), report) for value in grouped["bytes"]], index=grouped.index, dtype=object
    )
    return grouped[list(MATRIX_COLUMNS)]


def _gb(bytes_: int, report: FlowLogReport) -> Decimal:
    """Exactly bytes / 2^30; with --monthly, scaled to 730 hours and rounded to `MONTHLY_GB_QUANTUM`."""
    if not report.monthly or report.period_seconds is None:
        with exact_arithmetic():
            return Decimal(bytes_) * GB_PER_BYTE
    with rounding_arithmetic():
        scaled = Decimal(bytes_) * HOURS_PER_MONTH * 3600 / (Decimal(report.period_seconds) * BYTES_PER_GB)
        return scaled.quantize(MONTHLY_GB_QUANTUM, rounding=ROUND_HALF_EVEN)


def finish_window(report: FlowLogReport, monthly: bool) -> None:
    """The report's period (the window, else the observed one) and, with `monthly`, its factor to a 730-hour month."""
    if report.window_start is not None and report.window_end is not None:
        report.period_seconds = report.window_end - report.window_start
    elif report.observed_start is not None and report.observed_end is not None:
        report.period_seconds = report.observed_end - report.observed_start
    report.monthly = monthly
    if not monthly:
        return
    if not report.period_seconds or report.period_seconds <= 0:
        raise InputError(
            "cannot scale to a month: the records cover no period (give --start and --end)", field="--monthly"
        )
    with rounding_arithmetic():
        report.monthly_factor = HOURS_PER_MONTH * 3600 / Decimal(report.period_seconds)
