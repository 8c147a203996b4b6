"""Suggesting the name a user probably meant."""

from __future__ import annotations

from vpccost.inputs.suggest import closest, did_you_mean


def test_a_misspelt_name_is_told_the_closest_choice() -> None:
    assert did_you_mean("acount", ["name", "account", "region"]) == " (did you mean 'account'?)"
    assert closest("sorce", ["src", "dst"]) == "src"


def test_nothing_is_suggested_when_no_choice_is_close() -> None:
    assert did_you_mean("zzz", ["name", "account"]) == ""
    assert closest("teem", ["team"], cutoff=0.9) is None
