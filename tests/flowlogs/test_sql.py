"""Stage A's SQL, run by DuckDB over small tables shaped like Athena's flow-log tables: what each output row
holds, and that the text keeps to what DuckDB and Trino share."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.flowlogs.builders import (
    A1,
    A2,
    B1,
    ENI_A1,
    ENI_B1,
    PUBLIC,
    START,
    VPC_A,
    VPC_B,
    record,
    rows,
    run,
)
from vpccost.flowlogs.sql import (
    FLOW_ROW_COLUMNS,
    TRANSIT_GATEWAY_ROW_COLUMNS,
    flow_rows_sql,
    quote_table,
    transit_gateway_rows_sql,
)

V2_COLUMNS = [
    "version",
    "account_id",
    "interface_id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log_status",
]


def row(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": 3,
        "account_id": "111111111111",
        "interface_id": "eni-1",
        "srcaddr": "10.0.0.1",
        "dstaddr": "10.0.0.2",
        "srcport": 40000,
        "dstport": 443,
        "protocol": 6,
        "packets": 10,
        "bytes": 1000,
        "start": START,
        "end": START + 60,
        "action": "ACCEPT",
        "log_status": "OK",
    }
    return {**base, **values}


def stage_a(records: list[dict[str, Any]], **options: Any) -> pd.DataFrame:
    """Run flow_rows_sql over the records as a table whose columns are the records' keys."""
    frame = pd.DataFrame(records)
    for column in ("srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "tcp_flags"):
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    connection = duckdb.connect()
    connection.register("flow_logs", frame)
    result: pd.DataFrame = connection.sql(flow_rows_sql("flow_logs", list(frame.columns), **options)).df()
    assert list(result.columns) == list(FLOW_ROW_COLUMNS)
    return result.sort_values(["status", "srcaddr", "bytes"]).reset_index(drop=True)


def test_the_sql_uses_only_what_duckdb_and_trino_share() -> None:
    text = flow_rows_sql("flows", [*V2_COLUMNS, "tcp_flags", "pkt_srcaddr"], start=START, end=START + 3600)
    text += transit_gateway_rows_sql("tgw", ["tgw_id", "bytes"], start=START)
    # DuckDB-only syntax and functions, and bit functions Trino spells differently
    for construct in ("::", "//", "GROUP BY ALL", "QUALIFY", "ILIKE", "bit_or", "bitwise", "hash(", "list_", " & "):
        assert construct.lower() not in text.lower(), construct
    # every identifier of the input is double-quoted (`end` is reserved in Trino)
    assert '"end"' in text
    assert re.search(r'[^"]\bend\b[^"]', text.split("FROM", 1)[0].replace("END", "")) is None


def test_exact_duplicates_count_once_and_long_flows_sum() -> None:
    first = row(bytes=1000)
    later = row(bytes=3000, start=START + 60, end=START + 120)
    result = stage_a([first, first, later])
    (accepted,) = result.itertuples(index=False)
    # two distinct records (1,000 + 3,000 bytes), one extra copy of the first
    assert (accepted.records, accepted.bytes, accepted.duplicate_records, accepted.duplicate_bytes) == (
        2,
        4000,
        1,
        1000,
    )
    assert (accepted.first_start, accepted.last_end) == (START, START + 120)


@pytest.mark.parametrize(
    ("flags", "initiator", "evidence"),
    [
        (2, "src", "tcp_flags"),  # SYN: sent by the initiator
        (3, "src", "tcp_flags"),  # SYN and FIN in one interval
        (18, "dst", "tcp_flags"),  # SYN-ACK: sent by the responder
        (19, "dst", "tcp_flags"),  # SYN-ACK and FIN
        (1, "dst", "ports"),  # FIN alone says nothing: the source port 443 is the listener
        (16, "dst", "ports"),  # ACK alone says nothing either
        (50, "dst", "tcp_flags"),  # 32 + 16 + 2: URG with SYN-ACK, still SYN-ACK
        (-2, "dst", "ports"),  # a negative value has no bit set
    ],
)
def test_tcp_flag_bits_are_read_with_arithmetic(flags: int, initiator: str, evidence: str) -> None:
    result = stage_a([row(srcport=443, dstport=40000, tcp_flags=flags)])
    assert (result.at[0, "initiator"], result.at[0, "initiator_evidence"]) == (initiator, evidence)


def test_flags_on_one_direction_decide_the_other() -> None:
    # the SYN travels 10.0.0.1 → 10.0.0.2; the reply record has no flags but shares the 5-tuple
    request = row(srcaddr="10.0.0.1", dstaddr="10.0.0.2", srcport=5000, dstport=6000, tcp_flags=2, bytes=10)
    reply = row(srcaddr="10.0.0.2", dstaddr="10.0.0.1", srcport=6000, dstport=5000, tcp_flags=0, bytes=20)
    result = stage_a([request, reply])
    assert dict(zip(result["srcaddr"], result["initiator"], strict=True)) == {"10.0.0.1": "src", "10.0.0.2": "dst"}


def test_ports_decide_without_flags_and_nothing_decides_between_two_ephemeral_ports() -> None:
    result = stage_a(
        [
            row(srcaddr="10.0.0.1", srcport=50000, dstport=8080, bytes=1),  # 8080 listens, below 32768
            row(srcaddr="10.0.0.3", srcport=50000, dstport=60000, bytes=2),  # both ephemeral
            row(srcaddr="10.0.0.4", protocol=1, srcport=0, dstport=0, bytes=3),  # ICMP
        ]
    )
    initiators = result["initiator"].fillna("(none)")
    assert list(zip(result["srcaddr"], initiators, result["initiator_evidence"], strict=True)) == [
        ("10.0.0.1", "src", "ports"),
        ("10.0.0.3", "(none)", "none"),
        ("10.0.0.4", "(none)", "none"),
    ]


def test_milliseconds_become_seconds_and_the_window_excludes_by_start() -> None:
    inside = row(start=(START + 10) * 1000, end=(START + 70) * 1000, bytes=7)
    before = row(srcport=1, start=START - 1, end=START + 59, bytes=11)
    at_end = row(srcport=2, start=START + 3600, end=START + 3660, bytes=13)
    window = {"start": datetime(2026, 11, 2, tzinfo=UTC), "end": START + 3600}
    result = stage_a([inside, before, at_end], **window)
    by_status = {status: (records, volume) for status, records, volume in result[["status", "records", "bytes"]].values}
    assert by_status == {"ACCEPT": (1, 7), "OUTSIDE_WINDOW": (2, 24)}
    assert result.loc[result["status"].eq("ACCEPT"), "first_start"].item() == START + 10


def test_statuses_and_skipdata_intervals() -> None:
    records = [
        row(action="REJECT", bytes=40),
        row(interface_id="eni-2", srcaddr="-", dstaddr="-", action="-", log_status="NODATA", bytes=None),
        row(interface_id="eni-3", srcaddr="-", dstaddr="-", action="-", log_status="SKIPDATA", bytes=None),
        row(interface_id="eni-3", srcaddr="-", dstaddr="-", action="-", log_status="SKIPDATA", bytes=None,
            start=START + 600, end=START + 660),
        row(srcaddr="-", bytes=5),  # OK without an address
        row(log_status="WEIRD", bytes=6),
    ]  # fmt: skip
    result = stage_a(records)
    assert sorted(result["status"]) == ["MALFORMED", "NODATA", "REJECT", "SKIPDATA", "SKIPDATA"]
    assert result.loc[result["status"].eq("MALFORMED"), ["records", "bytes"]].values.tolist() == [[2, 11]]
    skipped = result[result["status"].eq("SKIPDATA")].sort_values("first_start")
    assert skipped[["first_start", "last_end"]].values.tolist() == [[START, START + 60], [START + 600, START + 660]]
    # rejected records keep their addresses: they show which addresses an ENI has
    assert result.loc[result["status"].eq("REJECT"), "srcaddr"].item() == "10.0.0.1"


def test_optional_columns_and_a_regional_nat_gateways_resource_id() -> None:
    record = row(
        interface_id="-",
        resource_id="nat-0123",
        pkt_srcaddr="10.9.9.9",
        flow_direction="egress",
        vpc_id="vpc-1",
        az_id="-",
        tcp_flags=2,
    )
    result = stage_a([record])
    assert list(result.loc[0, ["interface_id", "pkt_srcaddr", "flow_direction", "vpc_id"]]) == [
        "nat-0123",
        "10.9.9.9",
        "egress",
        "vpc-1",
    ]
    assert result["az_id"].isna().all()


def test_a_format_without_action_or_log_status_is_accepted_traffic() -> None:
    frame = pd.DataFrame([{"interface_id": "eni-1", "srcaddr": "10.0.0.1", "dstaddr": "10.0.0.2", "bytes": 5}])
    connection = duckdb.connect()
    connection.register("flows", frame)
    result = connection.sql(flow_rows_sql("flows", frame.columns)).df()
    assert result[["status", "records", "bytes"]].values.tolist() == [["ACCEPT", 1, 5]]


def test_transit_gateway_rows_group_by_attachment() -> None:
    frame = pd.DataFrame(
        [
            {"tgw_attachment_id": "tgw-attach-1", "tgw_src_vpc_id": "vpc-a", "bytes": 100, "start": START},
            {"tgw_attachment_id": "tgw-attach-1", "tgw_src_vpc_id": "vpc-a", "bytes": 100, "start": START},
            {"tgw_attachment_id": "tgw-attach-1", "tgw_src_vpc_id": "vpc-a", "bytes": 50, "start": START + 60},
        ]
    )
    connection = duckdb.connect()
    connection.register("tgw", frame)
    result = connection.sql(transit_gateway_rows_sql("tgw", frame.columns)).df()
    assert list(result.columns) == list(TRANSIT_GATEWAY_ROW_COLUMNS)
    assert result[["status", "records", "bytes", "duplicate_records"]].values.tolist() == [["ACCEPT", 2, 150, 1]]


@pytest.mark.parametrize("name", ["flows; DROP TABLE x", "a.b.c.d", "flows--", ""])
def test_table_names_cannot_carry_sql(name: str) -> None:
    with pytest.raises(ValueError, match="not a table name"):
        quote_table(name)


def test_a_dotted_table_name_is_quoted_part_by_part() -> None:
    assert quote_table("vpc_logs.flow_logs") == '"vpc_logs"."flow_logs"'


def test_an_unparsable_record_is_malformed_even_with_a_window() -> None:
    # the reader marks a record whose number fields are not numbers; its start is then unknown
    result = stage_a([row(log_status="UNPARSABLE", start=None, bytes=None)], start=START, end=START + 60)
    assert result["status"].tolist() == ["MALFORMED"]


def test_duplicates_from_overlapping_flow_logs_count_once_even_in_different_formats(tmp_path: Path) -> None:
    # the same egress record in a VPC-level log (custom format) and an ENI-level log (default format)
    egress = record(interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=1200)
    result = run(
        tmp_path,
        {
            "vpc-level.log": [{**egress, "flow-direction": "egress", "vpc-id": VPC_A}],
            "eni-level.log": [
                {**egress, "version": 2},
                record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40001, dstport=22, bytes=10),
            ],
        },
    )
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 1200),
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 10),
    }
    assert (result.report.skipped["duplicate"].records, result.report.skipped["duplicate"].bytes) == (1, 1200)


def test_a_long_flow_sums_its_intervals_never_deduplicated_on_the_five_tuple(tmp_path: Path) -> None:
    # one connection over three one-minute intervals: 100 + 200 + 300 bytes
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=B1,
            srcport=40000,
            dstport=443,
            bytes=volume,
            start=START + 60 * minute,
            end=START + 60 * (minute + 1),
            flow_direction="egress",
        )
        for minute, volume in enumerate((100, 200, 300))
    ]
    result = run(tmp_path, {"a.log": records})
    assert rows(result) == {(VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 600)}
    assert result.report.skipped["duplicate"].records == 0


def test_reject_nodata_and_skipdata_are_excluded_and_counted(tmp_path: Path) -> None:
    records = [
        record(
            interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=1000, flow_direction="egress"
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=PUBLIC,
            dstaddr=A1,
            srcport=55555,
            dstport=22,
            bytes=240,
            action="REJECT",
            flow_direction="ingress",
        ),
        record(interface_id=ENI_A1, log_status="NODATA", action="-", packets="-", start=START + 600, end=START + 660),
        record(interface_id=ENI_B1, log_status="SKIPDATA", action="-", packets="-", start=START + 60, end=START + 120),
    ]
    result = run(tmp_path, {"a.log": records})
    assert rows(result) == {(VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 1000)}
    skipped = result.report.skipped
    assert (skipped["reject"].records, skipped["reject"].bytes) == (1, 240)
    assert (skipped["nodata"].records, skipped["skipdata"].records) == (1, 1)
    assert result.report.skipdata_intervals == [
        {"interface_id": ENI_B1, "start": "2026-11-02T00:01:00Z", "end": "2026-11-02T00:02:00Z", "records": 1}
    ]


def test_the_initiator_comes_from_syn_flags_before_ports(tmp_path: Path) -> None:
    # A1:8080 → B1:50000 with SYN: A1 opened it, although its port looks like a listener's
    syn = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=8080,
        dstport=50000,
        bytes=100,
        tcp_flags=2,
        flow_direction="egress",
    )
    # B1 answers with SYN-ACK (18), seen on A1's ENI: B1 is the responder, so the row's initiator is its receiver
    syn_ack = record(
        interface_id=ENI_A1,
        srcaddr=B1,
        dstaddr=A1,
        srcport=50000,
        dstport=8080,
        bytes=60,
        tcp_flags=18,
        flow_direction="ingress",
    )
    # UDP without flags: 53 is the listening port, so A1 (port 53000) opened it
    udp = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=53000,
        dstport=53,
        protocol=17,
        bytes=80,
        flow_direction="egress",
    )
    result = run(tmp_path, {"a.log": [syn, syn_ack, udp]})
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 180),
        (VPC_B, VPC_A, "use1-az1", "use1-az1", "dst", 60),
    }
    # 100 + 60 bytes decided by flags, 80 by ports
    assert result.report.initiator_evidence_bytes == {"ports": 80, "tcp_flags": 160}


def test_the_window_excludes_and_counts_and_milliseconds_are_seconds(tmp_path: Path) -> None:
    inside_ms = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40000,
        dstport=443,
        bytes=10,
        flow_direction="egress",
        start=(START + 120) * 1000,
        end=(START + 180) * 1000,
    )
    before = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40001,
        dstport=443,
        bytes=20,
        flow_direction="egress",
        start=START - 60,
        end=START,
    )
    after = record(
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40002,
        dstport=443,
        bytes=40,
        flow_direction="egress",
        start=START + 3600,
        end=START + 3660,
    )
    result = run(tmp_path, {"a.log": [inside_ms, before, after]}, start="2026-11-02", end="2026-11-02T01:00:00Z")
    assert rows(result) == {(VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 10)}
    assert (result.report.skipped["outside_window"].records, result.report.skipped["outside_window"].bytes) == (2, 60)
