"""Errors a user can act on: where the problem is, then what it is; a missing price says how to supply it."""

from __future__ import annotations

from vpccost.errors import InputError, MissingPriceError, VpccostError


def test_an_input_error_names_the_file_the_line_or_row_and_the_field() -> None:
    error = InputError("negative volume '-3'", source="traffic.csv", line=3, field="gb")
    assert str(error) == "traffic.csv, line 3, field 'gb': negative volume '-3'"
    assert str(InputError("bad", row=0)) == "row 0: bad"
    assert str(InputError("bad")) == "bad"
    assert (error.source, error.line, error.row, error.field, error.message) == (
        "traffic.csv", 3, None, "gb", "negative volume '-3'",
    )  # fmt: skip
    assert isinstance(error, VpccostError)


def test_a_missing_price_names_it_and_an_override_that_would_supply_it() -> None:
    error = MissingPriceError("data_transfer_inter_region_bytes", "ap-south-1", "eu-west-2", "aws/2026-11-26")
    assert error.key == "data_transfer_inter_region_bytes in ap-south-1 -> eu-west-2"
    assert str(error) == (
        "no price for data_transfer_inter_region_bytes in ap-south-1 -> eu-west-2 in snapshot aws/2026-11-26; supply "
        'it in an overrides file (--overrides, e.g. {item: "data_transfer_inter_region_bytes", region: "ap-south-1", '
        'to_region: "eu-west-2", usage_type: "...", price_usd: "..."}) or refresh the snapshot from the AWS Price '
        "List API"
    )
    assert "to_region" not in str(MissingPriceError("nat_gateway_hours", "ap-south-1", None, "s"))
