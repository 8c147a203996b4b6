"""Shared fixtures: small estates written to temporary files, and the CLI run in-process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from vpccost.cli import app

pytest.register_assert_rewrite("tests.support.scenarios")  # its checks report the figures that differ

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EXAMPLE_ESTATES = sorted(path.name for path in EXAMPLES.iterdir() if (path / "traffic.csv").is_file())
"""The examples with a traffic file and a topology: each has golden files under tests/scenarios/golden/."""
SNAPSHOT = REPO / "pricing" / "aws" / "2026-11-26"
"""The price snapshot the tests price with, named by path: a newer snapshot added under pricing/aws/ changes no
test. Every expected figure in the tests comes from these prices."""
NEWEST_SNAPSHOT = REPO / "pricing" / "aws" / "2026-12-04"
"""The newest bundled snapshot, for the tests about it (its coverage, its provenance); figures come from SNAPSHOT."""
SNAPSHOT_NAME = f"aws/{SNAPSHOT.name}"
"""How outputs name SNAPSHOT (`<provider>/<date>`)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def vpc(
    vpc_id: str,
    *,
    account: str = "111111111111",
    region: str = "us-east-1",
    azs: Iterable[str] = ("use1-az1",),
    cidrs: Iterable[str] = (),
    name: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": vpc_id, "account": account, "region": region, "azs": list(azs), "cidrs": list(cidrs)}
    if name:
        entry["name"] = name
    return entry


WriteEstate = Callable[..., tuple[Path, Path]]


@pytest.fixture
def write_estate(tmp_path: Path) -> WriteEstate:
    """Write a topology (list of VPC dicts, and the accounts' names when given) and traffic rows (CSV text after the
    header) to files."""

    def write(
        vpcs: list[dict[str, Any]],
        rows: str,
        *,
        network_account: str | None = None,
        accounts: list[dict[str, str]] | None = None,
    ) -> tuple[Path, Path]:
        topology: dict[str, Any] = {"vpcs": vpcs}
        if network_account:
            topology["network_account"] = network_account
        if accounts is not None:
            topology["accounts"] = accounts
        topology_path = tmp_path / "topology.yaml"
        topology_path.write_text(yaml.safe_dump(topology, sort_keys=False))
        traffic_path = tmp_path / "traffic.csv"
        traffic_path.write_text(rows.strip() + "\n")
        return traffic_path, topology_path

    return write


def run_cli(*args: str | Path) -> Any:
    """Run `vpccost ARGS` in-process; the result has exit_code, stdout and stderr."""
    return CliRunner().invoke(app, [str(arg) for arg in args])


def run_json(*args: str | Path) -> dict[str, Any]:
    result = run_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def cents(value: Decimal | str | None) -> Decimal:
    """Money rounded to the cent, half up (as presented)."""
    assert value is not None
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def by_design(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The designs of a `compare --format json` document, by name."""
    return {design["design"]: design for design in document["designs"]}


def design_total(design: dict[str, Any]) -> Decimal:
    """A design's total in cents, after checking it is priced and is the exact sum of its line items."""
    assert design["priced"] is True, design.get("problems")
    assert Decimal(design["total_usd"]) == sum((Decimal(li["cost_usd"]) for li in design["line_items"]), Decimal(0))
    return cents(design["total_usd"])


def total(document: dict[str, Any], design: str) -> Decimal:
    """`design_total` of one design of a `compare --format json` document."""
    return design_total(by_design(document)[design])
