"""`python -m vpccost.cli`: the same command in a process of its own, with vpccost's exit codes."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES, SNAPSHOT


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpccost.cli", *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_the_module_runs_the_command_and_bad_input_exits_2() -> None:
    peering = EXAMPLES / "peering-two-vpcs"
    done = run_module("compare", str(peering / "traffic.csv"), "--topology", str(peering / "topology.yaml"),
                      "--pricing", str(SNAPSHOT), "--designs", "peering", "--format", "csv")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("design,component,")
    missing = run_module("compare", "absent.csv")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: absent.csv: no such file")
