"""The traffic matrix: exact GB from bytes, and monthly volumes scaled over the window."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.flowlogs.builders import (
    A1,
    B1,
    ENI_A1,
    VPC_A,
    VPC_B,
    record,
    run,
    without_comments,
)


def test_monthly_scales_by_730_hours_over_the_window(tmp_path: Path) -> None:
    one = record(
        interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=2**30, flow_direction="egress"
    )
    result = run(tmp_path, {"a.log": [one]}, start="2026-11-02T00:00:00Z", end="2026-11-02T01:00:00Z", monthly=True)
    # 1 GB in one hour is 730 GB in a 730-hour month
    assert list(result.traffic["gb"]) == [Decimal(730)]
    assert result.report.monthly_factor == Decimal(730)
    frame = result.to_frame()
    assert list(frame.columns)[-2:] == ["gb", "observed_bytes"]
    assert int(frame["observed_bytes"].iloc[0]) == 2**30


def test_gb_is_exactly_bytes_over_two_to_the_thirty(tmp_path: Path) -> None:
    one = record(
        interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=3, flow_direction="egress"
    )
    result = run(tmp_path, {"a.log": [one]})
    # 3 / 2^30 = 2.7939677238464355468750E-9 exactly
    assert list(result.traffic["gb"]) == [Decimal("2.793967723846435546875E-9")]
    lines = result.to_csv().splitlines()
    assert lines[0].startswith("# vpccost-period-hours: ")
    assert without_comments(result.to_csv()).splitlines() == [
        "src,dst,src_az,dst_az,initiator,ip_version,bytes,observed_gb",
        f"{VPC_A},{VPC_B},use1-az1,use1-az1,src,4,3,0.000000002793967723846435546875",
    ]
