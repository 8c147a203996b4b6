"""Data transfer rules: cross-AZ, inter-region and to the internet."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, cents, vpc
from tests.support.line_items import cost


def test_i5_inter_region_and_intra_region_transfer(write_estate: WriteEstate) -> None:
    # I5, infracost expected output: us-east-1 -> other regions 750 GB: $15.00; -> us-east-2 500 GB: $5.00;
    # intra-region 1,000 GB each way: $20.00.
    traffic, topology = write_estate(
        [
            vpc("east", azs=["use1-az1", "use1-az2"]),
            vpc("west", region="us-west-2", azs=["usw2-az1"]),
            vpc("ohio", region="us-east-2", azs=["use2-az1"]),
        ],
        "src,dst,src_az,dst_az,gb\neast,west,,,750\neast,ohio,,,500\neast,east,use1-az1,use1-az2,1000",
    )
    peering = vpccost.compare(traffic, topology, designs=["peering"], pricing=SNAPSHOT).design("peering")
    assert cost(peering, "USE1-USW2-AWS-Out-Bytes") == Decimal("15.00")
    assert cost(peering, "USE1-USE2-AWS-Out-Bytes") == Decimal("5.00")
    assert cost(peering, "USE1-DataTransfer-Regional-Bytes") == Decimal("20.00")
    assert cents(peering.total_usd) == Decimal("40.00")
