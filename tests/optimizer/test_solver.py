"""The solver: small models whose optimum is worked out by hand, cuts, and HiGHS's banner never on standard output."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import EXAMPLES, SNAPSHOT
from vpccost.errors import InputError
from vpccost.optimizer.solver import Cut, Milp, solve


def test_json_on_stdout_is_the_document_alone_in_a_real_process() -> None:
    """HiGHS prints a banner on file descriptor 1 when a solver is created; in a real process (not the in-process
    test runner, which captures only Python's stdout) it must not reach the JSON."""
    import json
    import subprocess
    import sys

    hub = EXAMPLES / "optimizer" / "hub-peering-quota"
    completed = subprocess.run(
        [sys.executable, "-m", "vpccost.cli", "optimize", str(hub / "traffic.csv"), "--topology",
         str(hub / "topology.yaml"), "--allow", "peering,transit-gateway", "--peering-quota", "3", "--format", "json",
         "--pricing", str(SNAPSHOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    # examples/optimizer/README.md: 3 attachments × $36.50 + 300 GB × $0.02
    assert next(d for d in document["designs"] if d["design"] == "optimized")["total_usd"] == "115.50"


# ---- small models whose optimum is found by hand ---------------------------------------------------------------
def test_two_binaries_one_of_which_must_be_taken_take_the_cheaper() -> None:
    # min 3x + 2y subject to x + y ≥ 1, x and y in {0, 1}: y alone costs 2
    milp = Milp()
    x, y = milp.var(3.0), milp.var(2.0)
    milp.constrain([x, y], [1.0, 1.0], 1.0, math.inf)
    solution = solve(milp, None)
    assert solution.x.tolist() == [0.0, 1.0]
    assert (solution.optimal, solution.gap, solution.status) == (True, 0.0, "optimal")
    assert milp.size == (2, 1, 2)


def test_integrality_is_kept_where_the_relaxation_would_split() -> None:
    # max x + y (min −x − y) subject to 2x + 2y ≤ 3: the relaxation reaches 1.5, the integers only 1
    milp = Milp()
    x, y = milp.var(-1.0), milp.var(-1.0)
    milp.constrain([x, y], [2.0, 2.0], -math.inf, 3.0)
    solution = solve(milp, 10.0)
    assert sorted(solution.x.tolist()) == [0.0, 1.0]


def test_a_choice_needs_its_shared_resource() -> None:
    # x earns 1 but needs y, which costs 0.5: x = y = 1 (total −0.5) beats nothing (0)
    milp = Milp()
    x, y = milp.var(-1.0), milp.var(0.5)
    milp.at_most(x, y)
    assert solve(milp, None).x.tolist() == [1.0, 1.0]
    milp.add_cost(y, 1.0)  # now y costs 1.5: nothing is cheaper
    assert solve(milp, None).x.tolist() == [0.0, 0.0]


def test_a_continuous_variable_up_to_its_bound() -> None:
    # min −z with 0 ≤ z ≤ 2.5, z continuous: 2.5
    milp = Milp()
    milp.var(-1.0, upper=2.5, integer=False)
    assert solve(milp, None).x.tolist() == [2.5]
    assert milp.size == (1, 0, 0)


def test_nothing_to_choose_and_nothing_feasible() -> None:
    assert solve(Milp(), None).status == "optimal (nothing to choose)"
    milp = Milp()
    x, y = milp.var(1.0), milp.var(1.0)
    milp.constrain([x, y], [1.0, 1.0], 3.0, math.inf)  # two binaries cannot sum to 3
    with pytest.raises(InputError, match="the optimizer found no feasible mix"):
        solve(milp, None)


def test_cuts_tighten_the_relaxation_until_its_optimum_is_integral() -> None:
    # min −x − y, binaries, no rows: the relaxation takes both; the cut x + y ≤ 1, added while it is violated,
    # leaves an integral optimum of one of them, proven without a branch and bound
    milp = Milp()
    milp.var(-1.0)
    milp.var(-1.0)
    seen: list[list[float]] = []

    def cuts(x: np.ndarray) -> list[Cut]:
        seen.append(x.tolist())
        return [([0, 1], [1.0, 1.0], 1.0)] if x.sum() > 1 + 1e-9 else []

    solution = solve(milp, None, cuts)
    assert sorted(solution.x.tolist()) == [0.0, 1.0]
    assert solution.optimal
    assert seen[0] == [1.0, 1.0] and len(seen) == 2
