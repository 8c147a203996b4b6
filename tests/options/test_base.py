"""What every option reads: the context, its shared-VPC members and the AZs of a shared VPC."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc


def test_shared_vpc_counts_only_known_azs(write_estate: WriteEstate) -> None:
    # One VPC lists use1-az1 and use1-az2, the other lists none: the shared VPC spans the 2 known AZs, so
    # 2 NAT gateways: 2 × 730 h × ($0.045 + $0.005 IPv4) = $73.00, plus 10 GB × $0.045 = $0.45.
    traffic, topology = write_estate(
        [vpc("a", azs=["use1-az1", "use1-az2"]), vpc("b", azs=[])], "src,dst,gb\nb,aws:sqs,10"
    )
    sharing = vpccost.compare(traffic, topology, designs=["sharing"], pricing=SNAPSHOT).design("sharing")
    assert sharing.total_usd == Decimal("73.45")
