"""IPv6 and inbound connections straight through the internet gateways: transfer only."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc


def test_ipv6_internet_traffic_skips_the_nat_gateway(write_estate: WriteEstate) -> None:
    # 50 GB out over IPv6 through an egress-only internet gateway: only egress, 50 × $0.09 = $4.50
    traffic, topology = write_estate([vpc("app")], "src,dst,ip_version,gb\napp,internet,6,50")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.total_usd == Decimal("4.50")
