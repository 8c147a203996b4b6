"""The option registry: every option module registered, each option once per subject kind under its own name."""

from __future__ import annotations

import importlib
import pkgutil

import vpccost.options
from vpccost.options import central_endpoint, interface_endpoint, own_nat, transit_gateway
from vpccost.options.base import Option
from vpccost.options.registry import (
    DEFAULT_INTERNET_OPTION,
    DEFAULT_SERVICE_OPTION,
    DIRECT,
    INTERNET_OPTIONS,
    PAIR_OPTIONS,
    RESOURCE_CHECKS,
    SERVICE_OPTIONS,
)

KINDS = {"pair": PAIR_OPTIONS, "service": SERVICE_OPTIONS, "internet": INTERNET_OPTIONS}
NOT_OPTIONS = {"base", "registry", "subjects", "transfer", "intra_vpc"}
"""The modules of vpccost.options that state shared rules rather than one option."""


def test_each_registry_key_is_its_options_name_and_each_option_is_there_once() -> None:
    for kind, options in KINDS.items():
        assert all(name == option.name for name, option in options.items()), kind
        assert len({id(option) for option in options.values()}) == len(options), kind


def test_the_names_a_mix_and_the_optimizer_use() -> None:
    # the options of each kind of subject, as the `vpccost.options` docstring lists them
    assert list(PAIR_OPTIONS) == ["peering", "transit-gateway", "privatelink", "sharing", "nat"]
    assert list(SERVICE_OPTIONS) == ["nat", "gateway-endpoint", "interface-endpoint", "central-endpoint"]
    assert list(INTERNET_OPTIONS) == ["nat"]
    assert DEFAULT_SERVICE_OPTION in SERVICE_OPTIONS and DEFAULT_INTERNET_OPTION in INTERNET_OPTIONS
    assert DIRECT.name == "egress-only-igw"


def test_every_option_module_is_registered() -> None:
    registered = {id(option) for options in KINDS.values() for option in options.values()} | {id(DIRECT)}
    modules = [info.name for info in pkgutil.iter_modules(vpccost.options.__path__) if info.name not in NOT_OPTIONS]
    assert len(modules) == 10
    for name in modules:
        option = importlib.import_module(f"vpccost.options.{name}").OPTION
        assert isinstance(option, Option), name
        assert id(option) in registered, name


def test_quotas_over_every_resource_are_the_endpoints_and_the_attachments() -> None:
    assert (interface_endpoint.check_endpoints, transit_gateway.check_attachments) == RESOURCE_CHECKS
    assert SERVICE_OPTIONS["central-endpoint"] is central_endpoint.OPTION
    assert INTERNET_OPTIONS["nat"] is own_nat.OPTION is SERVICE_OPTIONS["nat"]
