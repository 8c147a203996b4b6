"""IPv6 and inbound connections straight through the internet gateways: transfer only."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.estates import Charged, charged, context, estate, every_flow, needed
from vpccost.options.egress_only_igw import OPTION
from vpccost.pricing.items import DATA_TRANSFER_INTERNET_OUT_BYTES


def test_ipv6_internet_traffic_skips_the_nat_gateway(write_estate: WriteEstate) -> None:
    # 50 GB out over IPv6 through an egress-only internet gateway: only egress, 50 × $0.09 = $4.50
    traffic, topology = write_estate([vpc("app")], "src,dst,ip_version,gb\napp,internet,6,50")
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert peering.total_usd == Decimal("4.50")


def test_only_transfer_out_is_declared() -> None:
    # vpccost/options/egress_only_igw.py: IPv6 leaves through the egress-only internet gateway and connections
    # opened from outside enter through the internet gateway; neither processes bytes for a charge, and transfer
    # in from the internet is free (AWS's EC2 on-demand pricing page, data transfer)
    rows = [
        {"src": "a", "dst": "internet", "gb": "50", "ip_version": "6"},  # flow 0: out over IPv6
        {"src": "internet", "dst": "a", "gb": "20"},  # flow 1: a request from the internet
        {"src": "a", "dst": "internet", "gb": "8", "initiator": "dst"},  # flow 2: the answer to it
    ]
    ctx = context(estate([vpc("a")], rows))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert charged(ctx, used) == [
        Charged("Data transfer out to the internet", DATA_TRANSFER_INTERNET_OUT_BYTES, "us-east-1", "111111111111",
                "a", None, (0, 2)),
    ]  # fmt: skip
    assert needed(ctx, used) == {}
