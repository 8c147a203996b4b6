"""Hypothesis strategies: small random estates for the invariants of an estimate."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from vpccost.inputs.topology import Topology, Vpc

REGIONS = {"us-east-1": ["use1-az1", "use1-az2", "use1-az4"], "us-east-2": ["use2-az1", "use2-az2"]}
OUTSIDE = ["internet", "aws:s3", "aws:sqs", "aws:dynamodb@us-east-2", "aws:ec2"]
PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def estates(
    draw: st.DrawFn, *, outside: bool = True, max_gb: int = 5000, egress_rows: int = 0
) -> tuple[Topology, pd.DataFrame]:
    """2 to 5 VPCs and 1 to 8 rows of up to `max_gb`, plus `egress_rows` of 2,000 to 12,000 GB to the internet
    (enough for two of them to cross the first egress tier, 10,240 GB)."""
    count = draw(st.integers(2, 5))
    vpcs = []
    for index in range(count):
        region = draw(st.sampled_from(sorted(REGIONS)))
        azs = draw(st.lists(st.sampled_from(REGIONS[region]), min_size=1, max_size=3, unique=True))
        account = draw(st.sampled_from(["111111111111", "222222222222", "333333333333"]))
        vpcs.append(Vpc(id=f"vpc-{index}", account=account, region=region, azs=azs, cidrs=[f"10.{index}.0.0/16"]))
    names = [v.id for v in vpcs]
    ends = names + (OUTSIDE if outside else [])
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        src = draw(st.sampled_from(names))
        dst = draw(st.sampled_from(ends))
        if draw(st.booleans()):
            src, dst = dst, src
        row = {
            "src": src,
            "dst": dst,
            "gb": str(draw(st.decimals(0, max_gb, places=3, allow_nan=False, allow_infinity=False))),
            "initiator": draw(st.sampled_from(["src", "dst"])),
            "ip_version": draw(st.sampled_from(["4", "4", "6"])),
        }
        for side in ("src", "dst"):
            vpc = next((v for v in vpcs if v.id == row[side]), None)
            row[f"{side}_az"] = draw(st.sampled_from(vpc.azs)) if vpc is not None and draw(st.booleans()) else ""
        rows.append(row)
    for _ in range(egress_rows):
        gb = draw(st.decimals(2000, 12_000, places=3, allow_nan=False, allow_infinity=False))
        initiator = draw(st.sampled_from(["src", "dst"]))
        rows.append({"src": draw(st.sampled_from(names)), "dst": "internet", "gb": str(gb), "initiator": initiator,
                     "ip_version": "4", "src_az": "", "dst_az": ""})  # fmt: skip
    return Topology(vpcs=vpcs), pd.DataFrame(rows)
