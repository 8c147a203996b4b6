"""Estimates of a resolved estate: which designs are priced, each priced once with the assumptions stated once
(prices invented for the test)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import vpccost
from tests.conftest import EXAMPLES, vpc
from tests.support.catalogs import catalog, entry
from tests.support.estates import estate
from vpccost.analyses.estimate import compare_estate, design_names, service_access_note
from vpccost.errors import InputError
from vpccost.model.usage import Settings


def test_the_designs_asked_for_are_checked_and_as_is_needs_recorded_connectivity() -> None:
    assert design_names(None, None) == ["nat", "peering", "transit-gateway", "privatelink", "sharing"]
    as_is = vpccost.load_topology(EXAMPLES / "as-is" / "topology.yaml")
    assert design_names(None, as_is)[-1] == "as-is"
    assert design_names(["sharing", "peering"], None) == ["sharing", "peering"]
    with pytest.raises(InputError, match="unknown design 'mesh'; choose from nat, peering"):
        design_names(["mesh"], None)
    with pytest.raises(InputError, match=r"unknown design 'peerng' \(did you mean 'peering'\?\); choose from"):
        design_names(["sharing", "peerng"], None)
    with pytest.raises(InputError, match="the as-is design prices the existing connectivity"):
        design_names(["as-is"], None)


def test_one_estate_priced_for_each_design_with_the_assumptions_once() -> None:
    # a and b in one AZ: peering costs nothing; a TGW 2 attachments × 730 h × $0.05 + 10 GB × $0.02 = $73.20
    prices = catalog([entry("transit_gateway_attachment_hours", "us-east-1", (None, "0.05")),
                      entry("transit_gateway_bytes", "us-east-1", (None, "0.02"))])  # fmt: skip
    resolved = estate([vpc("a"), vpc("b")], [{"src": "a", "dst": "b", "gb": "10"}])
    result = compare_estate(resolved, prices, Settings(), ["peering", "transit-gateway"])
    assert [(design.design, design.total_usd) for design in result.designs] == [
        ("peering", Decimal(0)),
        ("transit-gateway", Decimal("73.20")),
    ]
    assert result.cheapest is not None and result.cheapest.design == "peering"
    assert result.assumptions[0] == "Period: 730 hours (730 = one month); monthly tier bounds scale by hours/730."
    unverified = "transit_gateway_attachment_hours in us-east-1, transit_gateway_bytes in us-east-1"
    assert f"Prices not verified (see pricing show): {unverified}." in result.assumptions
    assert result.assumptions[-1] == "Prices: snapshot hand, on-demand list prices in USD."
    assert len(result.assumptions) == len(set(result.assumptions))


def test_the_assumptions_say_how_the_designs_reach_aws_services() -> None:
    assert service_access_note(Settings(), ["peering"]).startswith(
        "AWS services (--service-access best): each VPC reaches each AWS service the cheapest way the design allows"
    )
    assert service_access_note(Settings(service_access="nat"), ["nat", "as-is"]) == (
        "AWS services (--service-access nat): every design through NAT gateways; as-is uses the endpoints and NAT "
        "gateways that exist."
    )


def test_a_design_named_twice_is_refused() -> None:
    # it would be priced, and exported, twice
    with pytest.raises(InputError, match="design 'peering' is named twice"):
        design_names(["peering", "sharing", "peering"], None)
