"""The aggregation report: what was read and used, and the middleboxes the traffic passed through."""

from __future__ import annotations

from pathlib import Path

from tests.flowlogs.builders import SAMPLES, sample_topology
from vpccost.flowlogs import aggregate_flowlogs
from vpccost.flowlogs.report import FlowLogReport, utc_seconds_text


def test_transit_gateway_records_are_reported_by_attachment(tmp_path: Path) -> None:
    result = aggregate_flowlogs(SAMPLES / "otel-collector-contrib/valid_tgw_flow_log.log", sample_topology(tmp_path))
    (attachment,) = result.report.transit_gateway_attachments
    assert (attachment.attachment_id, attachment.src_vpc, attachment.dst_vpc, attachment.bytes) == (
        "tgw-attach-0abc12345def67890",
        "vpc-0abc12345def67890",
        "vpc-0def12345abc67890",
        1000,
    )
    assert result.traffic.empty


def test_unix_seconds_as_utc_text_and_an_empty_report_reconciles() -> None:
    assert utc_seconds_text(1_793_577_600) == "2026-11-02T00:00:00Z"  # the builders' START
    assert utc_seconds_text(None) is None
    empty = FlowLogReport()
    assert (empty.records_read, empty.bytes_read, empty.reconciles) == (0, 0, True)
