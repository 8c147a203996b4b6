"""VPC peering: cross-AZ and inter-region transfer, and its quotas."""

from __future__ import annotations

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc


def test_peering_quotas(write_estate: WriteEstate) -> None:
    # A hub that talks to 60 spokes needs 60 peerings: over the default 50, within the maximum 125
    spokes = [vpc(f"s{i}", cidrs=[f"10.{i}.0.0/16"]) for i in range(60)]
    rows = "\n".join(f"hub,s{i},1" for i in range(60))
    traffic, topology = write_estate([vpc("hub", cidrs=["172.16.0.0/16"]), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.feasible
    assert any("hub: 60 active peering connections" in text for text in peering.quota_increases)
    assert any("hub: 60 peering routes" in text for text in peering.quota_increases)


def test_peering_over_the_maximum_is_infeasible(write_estate: WriteEstate) -> None:
    spokes = [vpc(f"s{i}") for i in range(130)]
    rows = "\n".join(f"hub,s{i},1" for i in range(130))
    traffic, topology = write_estate([vpc("hub"), *spokes], f"src,dst,gb\n{rows}")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert not peering.feasible
    assert "hub needs 130 peering connections; at most 125 per VPC" in peering.problems
