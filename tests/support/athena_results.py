"""Athena's GetQueryResults answers for Stage A's rows, as a stubbed or moto-served query returns them."""

from __future__ import annotations

from typing import Any

from vpccost.flowlogs.sql import FLOW_ROW_COLUMNS

INTEGER_COLUMNS = {"traffic_path", "records", "packets", "bytes", "duplicate_records", "duplicate_bytes"}
INTEGER_COLUMNS |= {"first_start", "last_end"}


def column_info() -> list[dict[str, str]]:
    return [{"Name": name, "Type": "bigint" if name in INTEGER_COLUMNS else "varchar"} for name in FLOW_ROW_COLUMNS]


def result_row(values: dict[str, Any]) -> dict[str, Any]:
    """A GetQueryResults row: every value as text, an absent value without VarCharValue (NULL)."""
    return {"Data": [{} if values.get(n) is None else {"VarCharValue": str(values[n])} for n in FLOW_ROW_COLUMNS]}


HEADER_ROW = {"Data": [{"VarCharValue": name} for name in FLOW_ROW_COLUMNS]}
ACCEPTED = {
    "status": "ACCEPT",
    "interface_id": "eni-0a1b2c3d4e5f60718",
    "vpc_id": "vpc-0a1b2c3d4e5f60718",
    "flow_direction": "egress",
    "srcaddr": "10.0.1.5",
    "dstaddr": "10.1.0.7",
    "initiator": "src",
    "initiator_evidence": "tcp_flags",
    "records": 3,
    "packets": 12,
    "bytes": 9_000_000_000,  # above 2^32: kept exact as int64
    "duplicate_records": 1,
    "duplicate_bytes": 4096,
    "first_start": 1793577600,
    "last_end": 1793577779,
}
NODATA = {"status": "NODATA", "interface_id": "eni-0f0e0d0c0b0a09080", "records": 2, "packets": 0, "bytes": 0}
