"""The options several commands share: comma-separated lists and region codes parsed once, and the designs' help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from tests.conftest import run_cli
from vpccost.cli import app
from vpccost.cli.options import check_region, parse_list, parse_region_codes, parse_regions
from vpccost.errors import InputError


def test_lists_are_comma_separated_with_blanks_dropped() -> None:
    assert parse_list("peering, sharing,,  nat ") == ["peering", "sharing", "nat"]
    assert parse_list(" , ") == []


def test_regions_are_aws_region_codes_and_at_least_one() -> None:
    assert parse_regions("us-east-1, eu-west-1") == ["us-east-1", "eu-west-1"]
    with pytest.raises(InputError, match="not AWS region codes: mars-1, moon-2"):
        parse_regions("us-east-1,mars-1,moon-2")
    with pytest.raises(InputError, match=r"not AWS region codes: \(none given\)"):
        parse_regions(",")
    assert check_region("ap-south-1") == "ap-south-1"
    with pytest.raises(InputError, match="'us-east' is not an AWS region code"):
        check_region("us-east")


def test_the_designs_help_lists_the_pure_designs_and_as_is() -> None:
    compare = typer.main.get_command(app).commands["compare"]  # type: ignore[attr-defined]
    (designs,) = [param for param in compare.params if param.name == "designs"]
    assert designs.help == (
        "Comma-separated designs to price (default: nat,peering,transit-gateway,privatelink,sharing, and as-is when "
        "the topology records existing connectivity)."
    )


def test_region_codes_for_a_refresh_may_be_ones_vpccost_does_not_list() -> None:
    assert parse_region_codes("us-east-1, eu-west-9") == ["us-east-1", "eu-west-9"]
    with pytest.raises(InputError, match="not AWS region codes: mars-1") as caught:
        parse_region_codes("us-east-1,mars-1")
    assert caught.value.field == "regions"
    with pytest.raises(InputError, match="none given"):
        parse_region_codes(" , ")


@pytest.mark.parametrize(
    "command",
    [["compare"], ["forecast", "--months", "2"], ["optimize"], ["breakeven", "--options", "peering,transit-gateway"]],
    ids=lambda command: command[0],
)
def test_every_command_that_reads_traffic_takes_the_sheet_of_a_workbook(tmp_path: Path, command: list[str]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "june"  # type: ignore[union-attr]
    workbook.save(tmp_path / "traffic.xlsx")
    result = run_cli(command[0], tmp_path / "traffic.xlsx", *command[1:], "--sheet", "jnue")
    assert result.exit_code == 2, result.stderr
    assert "field 'sheet': no sheet 'jnue' (did you mean 'june'?)" in result.stderr
