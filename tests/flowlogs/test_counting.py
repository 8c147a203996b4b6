"""Stage B on Stage A's grouped rows written by hand (tests/support/athena_results.py: an accepted group of 3 records,
9,000,000,000 bytes sent from 10.0.1.5 to 10.1.0.7 with one duplicate of 4,096 bytes, and a NODATA group of 2
records): the matrix, and a report whose records and bytes add up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from tests.support.athena_results import ACCEPTED, NODATA
from vpccost.flowlogs.counting import FlowCounter, count_flows
from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS
from vpccost.inputs.topology import Topology

VPC_A, VPC_B = "vpc-0a1b2c3d4e5f60718", "vpc-0b1b2c3d4e5f60718"
TOPOLOGY = Topology.model_validate({"vpcs": [
    {"id": VPC_A, "account": "111111111111", "region": "us-east-1", "cidrs": ["10.0.0.0/16"], "azs": ["use1-az1"]},
    {"id": VPC_B, "account": "111111111111", "region": "us-east-1", "cidrs": ["10.1.0.0/16"], "azs": ["use1-az1"]},
]})  # fmt: skip


def stage_a(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{column: row.get(column) for column in FLOW_ROW_COLUMNS} for row in rows])


def test_the_matrix_and_a_report_that_reconciles() -> None:
    counted = count_flows(stage_a(ACCEPTED, NODATA), TOPOLOGY)
    columns = ["src", "dst", "src_az", "dst_az", "initiator", "bytes"]
    # no subnets in the topology, and no az-id in the rows: the AZs are left for `compare` to resolve
    assert counted.traffic[columns].values.tolist() == [[VPC_A, VPC_B, "", "", "src", 9_000_000_000]]
    assert list(counted.traffic["gb"]) == [Decimal("8.381903171539306640625")]  # 9,000,000,000 / 2^30 exactly
    records, volume = counted.report.to_dict()["records"], counted.report.to_dict()["bytes"]
    # read: 3 accepted + 1 duplicate + 2 NODATA; bytes read: 9,000,000,000 + 4,096 (the duplicate)
    assert (records["read"], records["used"], records["skipped"]["duplicate"], records["skipped"]["nodata"]) == (
        6, 3, 1, 2,
    )  # fmt: skip
    assert (volume["read"], volume["used"], volume["skipped"]["duplicate"]) == (9_000_004_096, 9_000_000_000, 4096)
    assert counted.report.reconciles
    # the observed window: the group's first start and last end, 1793577600 and 1793577779 (Unix seconds)
    window = counted.report.to_dict()["window"]
    assert (window["observed_start"], window["observed_end"]) == ("2026-11-02T00:00:00Z", "2026-11-02T00:02:59Z")


def test_batches_fed_one_by_one_count_as_the_rows_at_once() -> None:
    counter = FlowCounter(TOPOLOGY)
    counter.add(stage_a(NODATA))
    counter.add(stage_a(ACCEPTED))
    counted = counter.finish()
    at_once = count_flows(stage_a(ACCEPTED, NODATA), TOPOLOGY)
    assert counted.traffic.equals(at_once.traffic)
    assert counted.report.to_dict() == at_once.report.to_dict()
