"""The solver: HiGHS's banner never reaches standard output."""

from __future__ import annotations

from tests.conftest import EXAMPLES, SNAPSHOT


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
