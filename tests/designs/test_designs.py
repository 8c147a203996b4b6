"""The designs vpccost compares: each pure design an assignment of one option to every subject (README.md, "How
each design is priced"), in the order they are reported, then as-is."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import vpc
from tests.support.estates import estate
from vpccost.designs import AS_IS, DESIGNS, OPTIMIZED, REGISTRY
from vpccost.designs.mix import Mix
from vpccost.designs.mix import usage as mix_usage
from vpccost.model.usage import Settings

ESTATE = estate([vpc("a"), vpc("b")], [{"src": "a", "dst": "b", "gb": "10"}, {"src": "a", "dst": "aws:s3", "gb": "5"}])


def test_the_pure_designs_in_the_order_they_are_reported_then_as_is() -> None:
    assert list(DESIGNS) == ["nat", "peering", "transit-gateway", "privatelink", "sharing"]
    assert list(REGISTRY) == [*DESIGNS, AS_IS]
    assert (AS_IS, OPTIMIZED) == ("as-is", "optimized")


def test_each_pure_design_is_one_option_for_every_pair_and_nat_for_services_but_privatelink() -> None:
    mixes = {name: design.mix(ESTATE) for name, design in DESIGNS.items()}
    assert {name: (mix.every_pair, mix.every_service) for name, mix in mixes.items()} == {
        "nat": ("nat", "nat"),
        "peering": ("peering", "nat"),
        "transit-gateway": ("transit-gateway", "nat"),
        "privatelink": ("privatelink", "interface-endpoint"),
        "sharing": ("sharing", "nat"),
    }
    assert mixes["sharing"].shared == frozenset({"a", "b"})
    assert all(not mix.shared for name, mix in mixes.items() if name != "sharing")


def test_a_pure_design_is_metered_as_its_mix() -> None:
    design = DESIGNS["transit-gateway"]
    mix = Mix(pairs={}, every_pair="transit-gateway")
    assert design.usage(ESTATE, Settings()) == mix_usage(ESTATE, Settings(), mix, name="transit-gateway")
    # a and b attached (730 h each), 10 GB processed; S3 through a's NAT gateway
    metered = {(m.item, m.resource.name): m.quantity for m in design.usage(ESTATE, Settings()).meters}
    assert metered[("transit_gateway_attachment_hours", "b/tgw-attachment")] == Decimal(730)
    assert metered[("transit_gateway_bytes", "a/tgw-attachment")] == Decimal(10)
