"""Interface endpoints: per-AZ hours and processing, paid by the consumer VPC."""

from __future__ import annotations

from decimal import Decimal

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.line_items import items


def test_i3_interface_endpoint_one_and_two_azs_and_1000_gb(write_estate: WriteEstate) -> None:
    # I3, infracost expected output: an interface endpoint in 1 AZ for 730 h: $7.30; in 2 AZs: $14.60;
    # 1,000 GB processed: $10.00.
    traffic, topology = write_estate(
        [vpc("one", azs=["use1-az1"]), vpc("two", azs=["use1-az1", "use1-az2"])],
        "src,dst,gb\none,aws:sqs,1000\ntwo,aws:sqs,1",
    )
    privatelink = vpccost.compare(traffic, topology, designs=["privatelink"], pricing=SNAPSHOT).design("privatelink")
    hours = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Hours")}
    assert hours == {"one/vpce:sqs": Decimal("7.30"), "two/vpce:sqs": Decimal("14.60")}
    processing = {item.resource: item.cost_usd for item in items(privatelink, "VpcEndpoint-Bytes")}
    assert processing["one/vpce:sqs"] == Decimal("10.00")
