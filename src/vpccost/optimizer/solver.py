"""The mixed-integer model's container and its solution with HiGHS (`highspy`).

The model's floating-point costs only choose; every amount reported is the engine's exact pricing of the chosen
mix. Where cuts are given (the peering-quota cuts of `optimizer.model`), the LP relaxation is first tightened
with them, round by round; when the tightened relaxation's optimum is integral it is the proven optimum,
otherwise the branch and bound follows with the cuts kept.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from vpccost.errors import InputError

QUOTA_CUT_ROUNDS = 30
"""Rounds of cuts before the branch and bound (each re-solves the LP relaxation from its last basis)."""
INTEGRALITY_TOLERANCE = 1e-6

Row = tuple[list[int], list[float], float, float]
Cut = tuple[list[int], list[float], float]
"""A cut: columns, coefficients, and its upper bound."""
Separator = Callable[[np.ndarray], list[Cut]]


@dataclass
class Milp:
    """Variables (cost, upper bound, integrality) and constraint rows of a mixed-integer model."""

    cost: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def var(self, cost: float, *, upper: float = 1.0, integer: bool = True) -> int:
        self.cost.append(cost)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def add_cost(self, variable: int, cost: float) -> None:
        self.cost[variable] += cost

    def constrain(self, columns: Sequence[int], values: Sequence[float], lower: float, upper: float) -> None:
        self.rows.append((list(columns), list(values), lower, upper))

    def at_most(self, small: int, big: int) -> None:
        """small ≤ big (a choice needs a shared resource)."""
        self.constrain([small, big], [1.0, -1.0], -math.inf, 0.0)

    @property
    def size(self) -> tuple[int, int, int]:
        """Variables, constraints, binaries."""
        return len(self.cost), len(self.rows), int(sum(self.integer))


@dataclass(frozen=True)
class Solution:
    x: np.ndarray
    optimal: bool
    gap: float | None
    """The relative gap between the solution and HiGHS's bound (0 when proven optimal)."""
    status: str
    seconds: float


def solve(milp: Milp, time_limit_s: float | None, cuts: Separator | None = None) -> Solution:
    """HiGHS on the model, after tightening its LP relaxation with `cuts` while they are violated."""
    n = len(milp.cost)
    if n == 0:
        return Solution(np.zeros(0), True, 0.0, "optimal (nothing to choose)", 0.0)
    started = time.perf_counter()
    deadline = math.inf if time_limit_s is None else started + float(time_limit_s)
    highs = _highs(milp)
    x = _strengthen(milp, highs, cuts, deadline) if cuts is not None else None
    if x is not None:
        return Solution(x, True, 0.0, "optimal", time.perf_counter() - started)
    highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array(milp.integer, dtype=np.uint8))
    if math.isfinite(deadline):
        highs.setOptionValue("time_limit", max(deadline - time.perf_counter(), 1e-3))
    highs.run()
    seconds = time.perf_counter() - started
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        raise InputError(
            f"the optimizer found no feasible mix: {highs.modelStatusToString(model_status)}", field="allow"
        )
    optimal = model_status == highspy.HighsModelStatus.kOptimal
    status = "optimal" if optimal else f"stopped: {highs.modelStatusToString(model_status)}"
    x = np.asarray(highs.getSolution().col_value, dtype=float)
    return Solution(x, optimal, 0.0 if optimal else float(info.mip_gap), status, seconds)


def _highs(milp: Milp) -> highspy.Highs:
    """The model in a HiGHS instance, integrality relaxed (`solve` restores it)."""
    n = len(milp.cost)
    rows, columns, values, lower, upper = [], [], [], [], []
    for number, (cols, vals, low, high) in enumerate(milp.rows):
        rows += [number] * len(cols)
        columns += cols
        values += vals
        lower.append(low)
        upper.append(high)
    matrix = coo_matrix((values, (rows, columns)), shape=(len(milp.rows), n)).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(milp.rows)
    lp.col_cost_ = np.array(milp.cost, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.array(milp.upper, dtype=float)
    lp.row_lower_ = np.array(lower, dtype=float).clip(-highspy.kHighsInf, highspy.kHighsInf)
    lp.row_upper_ = np.array(upper, dtype=float).clip(-highspy.kHighsInf, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    with _banner_to_stderr():
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.passModel(lp)
    return highs


def _strengthen(milp: Milp, highs: highspy.Highs, cuts: Separator, deadline: float) -> np.ndarray | None:
    """Solve the LP relaxation, add the cuts it violates, repeat; the integral optimum if one is reached.

    The cuts stay in the model for the branch and bound that follows when the optimum is fractional."""
    integer = np.array(milp.integer, dtype=bool)
    highs.setOptionValue("solver", "ipm")  # the first relaxation: interior point (then crossover) is faster
    for _ in range(QUOTA_CUT_ROUNDS):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        if math.isfinite(remaining):
            highs.setOptionValue("time_limit", remaining)
        highs.run()
        highs.setOptionValue("solver", "choose")  # later ones: dual simplex from the last basis
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(highs.getSolution().col_value, dtype=float)
        violated = cuts(x)
        if not violated:
            break
        for columns, values, bound in violated:
            highs.addRow(-highspy.kHighsInf, bound, len(columns), np.array(columns, dtype=np.int32),
                         np.array(values, dtype=float))  # fmt: skip
    else:
        return None
    rounded = np.where(integer, np.round(x), x)
    if np.abs(rounded - x).max(initial=0.0) > INTEGRALITY_TOLERANCE:
        return None
    return rounded if _feasible(milp, rounded) else None


def _feasible(milp: Milp, x: np.ndarray) -> bool:
    tolerance = 1e-6
    if (x < -tolerance).any() or (x > np.array(milp.upper) + tolerance).any():
        return False
    for columns, values, low, high in milp.rows:
        activity = float(np.dot(x[columns], values))
        if activity < low - tolerance or activity > high + tolerance:
            return False
    return True


@contextmanager
def _banner_to_stderr() -> Iterator[None]:
    """HiGHS prints its banner on the process's standard output (file descriptor 1) when a solver is created,
    whatever its options say. Standard output carries results (`--format json` is the document alone), so
    the banner is sent to standard error: descriptor 1 points there while the solver is created, and C's
    buffers are flushed before it is restored."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output to protect
        yield
        return
    os.dup2(2, 1)
    try:
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    with suppress(OSError, AttributeError, TypeError):  # a platform without a C library to load by name
        ctypes.CDLL(None).fflush(None)
