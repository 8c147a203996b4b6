"""The names the command line declares its options with match the modules that define them."""

from __future__ import annotations

from vpccost import designs, names, optimizer


def test_the_design_names_are_the_designs() -> None:
    assert tuple(designs.DESIGNS) == names.PURE_DESIGNS
    assert names.AS_IS == designs.AS_IS


def test_the_allow_tokens_and_the_peering_quota_are_the_optimizer_s() -> None:
    assert tuple(optimizer.ALLOW_TOKENS) == names.ALLOW_TOKENS
    assert names.PEERING_QUOTA_DEFAULT == optimizer.PEERING_QUOTA_DEFAULT
