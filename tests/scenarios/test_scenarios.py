"""Hand-calculated scenarios, checked against `vpccost compare` to the cent.

Each folder under hand/ and edge/ holds a case's inputs and an expected.yaml that states every figure checked, with
its derivation (worked out by hand from the designs' rules and AWS's published prices and payers, never from the
program) and the prices it uses (tests/support/scenarios.py says how the file reads). Each case runs in process,
priced with the pinned snapshot; one runs in a real process too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest

from tests.conftest import SNAPSHOT
from tests.support.scenarios import case_folders, check_prices, check_run, compare, compare_args, load_case
from vpccost.pricing.load import load_pricing

HERE = Path(__file__).parent
FOLDERS = case_folders(HERE / "hand") + case_folders(HERE / "edge")


def case_id(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}"


RUNS = [
    pytest.param(folder, name, output, id=f"{case_id(folder)}/{name}" + ("" if output == "json" else f"/{output}"))
    for folder in FOLDERS
    for name, run in load_case(folder).runs().items()
    for output in run.formats
]


@pytest.mark.parametrize(("folder", "run", "output"), RUNS)
def test_scenario(folder: Path, run: str, output: Literal["json", "csv"]) -> None:
    expected = load_case(folder).runs()[run]
    check_run(compare(folder, *expected.options, output=output), expected, output=output)


@pytest.mark.parametrize("folder", FOLDERS, ids=case_id)
def test_the_prices_of_each_derivation_are_the_snapshots(folder: Path) -> None:
    check_prices(load_case(folder).prices, load_pricing(SNAPSHOT))


def test_a_scenario_in_a_real_process() -> None:
    folder = HERE / "hand" / "s1_cross_az"
    completed = subprocess.run(
        [sys.executable, "-m", "vpccost.cli", *(str(arg) for arg in compare_args(folder)), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    check_run(json.loads(completed.stdout), load_case(folder))
