"""The counting rule of FLOWLOGS.md on hand-built flow logs: one small case per rule, every expected volume a sum
of the bytes written in the case (the comments add them up), and the report reconciling in every case."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.flowlogs.builders import (
    A1,
    ENDPOINT_ENI,
    ENI_A1,
    NAT_ENI,
    PUBLIC,
    START,
    V2_FIELDS,
    VPC_A,
    VPC_B,
    nat_records,
    record,
    topology,
    write_log,
    write_topology,
)
from vpccost.flowlogs import FlowLogAggregate, aggregate_flowlogs

A2, B1 = "10.1.2.20", "10.2.1.20"
ENI_B1 = "eni-0b1"


def run(tmp_path: Path, files: dict[str, list[dict[str, Any]]], **options: Any) -> FlowLogAggregate:
    """Write each file's records (V5 fields unless `fields` is given), aggregate them, and check the
    reconciliation every report must satisfy."""
    fields = options.pop("fields", None)
    inventory = options.pop("inventory", False)
    document = options.pop("topology_document", None) or topology(inventory=inventory)
    for name, records in files.items():
        write_log(tmp_path / "logs" / name, records, *([fields] if fields else []))
    result = aggregate_flowlogs(tmp_path / "logs", write_topology(tmp_path / "topology.yaml", document), **options)
    report = result.report
    assert report.reconciles, report.to_dict()
    assert report.records_read == report.used.records + report.records_skipped
    assert report.bytes_read == report.used.bytes + report.bytes_skipped
    return result


def rows(result: FlowLogAggregate) -> set[tuple[Any, ...]]:
    """The matrix as (src, dst, src_az, dst_az, initiator, bytes) tuples."""
    columns = ["src", "dst", "src_az", "dst_az", "initiator", "bytes"]
    return {tuple(values) for values in result.traffic[columns].itertuples(index=False, name=None)}


def test_a_flow_logged_at_both_ends_counts_once_from_the_sender(tmp_path: Path) -> None:
    # A → B: 1,000 bytes egress at A's ENI and the same 1,000 bytes ingress at B's ENI; B → A: 3,000 bytes
    result = run(
        tmp_path,
        {
            "a.log": [
                record(
                    interface_id=ENI_A1,
                    srcaddr=A1,
                    dstaddr=B1,
                    srcport=40000,
                    dstport=443,
                    bytes=1000,
                    flow_direction="egress",
                    vpc_id=VPC_A,
                    subnet_id="subnet-0a1",
                    az_id="use1-az1",
                ),
                record(
                    interface_id=ENI_A1,
                    srcaddr=B1,
                    dstaddr=A1,
                    srcport=443,
                    dstport=40000,
                    bytes=3000,
                    flow_direction="ingress",
                    vpc_id=VPC_A,
                    subnet_id="subnet-0a1",
                    az_id="use1-az1",
                ),
            ],
            "b.log": [
                record(
                    interface_id=ENI_B1,
                    srcaddr=A1,
                    dstaddr=B1,
                    srcport=40000,
                    dstport=443,
                    bytes=1000,
                    flow_direction="ingress",
                    vpc_id=VPC_B,
                    subnet_id="subnet-0b1",
                    az_id="use1-az1",
                ),
                record(
                    interface_id=ENI_B1,
                    srcaddr=B1,
                    dstaddr=A1,
                    srcport=443,
                    dstport=40000,
                    bytes=3000,
                    flow_direction="egress",
                    vpc_id=VPC_B,
                    subnet_id="subnet-0b1",
                    az_id="use1-az1",
                ),
            ],
        },
    )
    # the responder is on port 443: A opened the connection
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 1000),
        (VPC_B, VPC_A, "use1-az1", "use1-az1", "dst", 3000),
    }
    # the two ingress copies (1,000 + 3,000 bytes) were counted at their senders
    assert (result.report.skipped["sender_logged"].records, result.report.skipped["sender_logged"].bytes) == (2, 4000)
    assert result.report.bytes_read == 8000


def test_without_flow_direction_the_local_side_is_the_address_in_every_record(tmp_path: Path) -> None:
    # default format: A1's ENI talks to B1 and to A2, so A1 is the address its records share
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=B1, srcport=40000, dstport=443, bytes=700),
        record(version=2, interface_id=ENI_A1, srcaddr=B1, dstaddr=A1, srcport=443, dstport=40000, bytes=7000),
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40001, dstport=5432, bytes=50),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS)
    # AZs come from the subnets of the topology: 10.1.1.0/24 is use1-az1, 10.1.2.0/24 use1-az2, 10.2.1.0/24 use1-az1
    assert rows(result) == {
        (VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 700),
        (VPC_B, VPC_A, "use1-az1", "use1-az1", "dst", 7000),
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 50),
    }


def test_a_single_peer_without_direction_or_inventory_is_unattributed_not_guessed(tmp_path: Path) -> None:
    # both addresses appear in every record of the ENI, and both lie in VPC A: rule 6 refuses to guess
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40000, dstport=443, bytes=100),
        record(version=2, interface_id=ENI_A1, srcaddr=A2, dstaddr=A1, srcport=443, dstport=40000, bytes=200),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS)
    assert rows(result) == set()
    assert result.report.unattributed_by_cause["local side undecided"].bytes == 300
    assert result.report.unattributed_examples["local side undecided"] == [ENI_A1]


def test_the_inventory_gives_a_single_peer_its_local_side(tmp_path: Path) -> None:
    document = topology()
    document["vpcs"][0]["interfaces"] = [{"id": ENI_A1, "ips": [A1], "type": "workload"}]
    records = [
        record(version=2, interface_id=ENI_A1, srcaddr=A1, dstaddr=A2, srcport=40000, dstport=443, bytes=100),
        record(version=2, interface_id=ENI_A1, srcaddr=A2, dstaddr=A1, srcport=443, dstport=40000, bytes=200),
    ]
    result = run(tmp_path, {"a.log": records}, fields=V2_FIELDS, topology_document=document)
    assert rows(result) == {
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 100),
        (VPC_A, VPC_A, "use1-az2", "use1-az1", "dst", 200),
    }


@pytest.mark.parametrize(("inventory", "known_from"), [(True, "inventory"), (False, "address translation")])
def test_nat_gateway_records_are_not_edges_but_are_reported(tmp_path: Path, inventory: bool, known_from: str) -> None:
    result = run(tmp_path, {"a.log": nat_records()}, inventory=inventory)
    # the instance's own records: 500 bytes to the internet (SYN from A1), 4,000 back (its SYN-ACK)
    assert rows(result) == {
        (VPC_A, "internet", "use1-az1", "", "src", 500),
        ("internet", VPC_A, "", "use1-az1", "dst", 4000),
    }
    # the NAT ENI's four records: 500 + 500 + 4,000 + 4,000 bytes; it processed what entered it, 500 + 4,000
    assert result.report.skipped["middlebox"].bytes == 9000
    (box,) = result.report.middleboxes
    assert (box.interface_id, box.known_from, box.processed_bytes, box.sent_bytes) == (NAT_ENI, known_from, 4500, 4500)
    assert box.kind == ("nat_gateway" if inventory else "middlebox")


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


def test_ipv6_addresses_resolve_by_longest_prefix(tmp_path: Path) -> None:
    local, remote = "2600:1f18:aaaa:bb01::10", "2001:db8::1"
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=local,
            dstaddr=remote,
            srcport=40000,
            dstport=443,
            bytes=900,
            flow_direction="egress",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=remote,
            dstaddr=local,
            srcport=443,
            dstport=40000,
            bytes=9000,
            flow_direction="ingress",
        ),
    ]
    result = run(tmp_path, {"a.log": records})
    # the /64 subnet (use1-az1) is longer than the VPC's /56
    assert rows(result) == {
        (VPC_A, "internet", "use1-az1", "", "src", 900),
        ("internet", VPC_A, "", "use1-az1", "dst", 9000),
    }
    assert set(result.traffic["ip_version"]) == {6}


def endpoint_records() -> list[dict[str, Any]]:
    """A1 calls SQS through the interface endpoint ENI 10.1.2.50: 300 bytes out, 900 back; the endpoint ENI
    (v11 interface-type) logs the same bytes."""
    return [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr="10.1.2.50",
            srcport=40000,
            dstport=443,
            bytes=300,
            flow_direction="egress",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr="10.1.2.50",
            dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=900,
            flow_direction="ingress",
        ),
        record(
            interface_id=ENDPOINT_ENI,
            srcaddr=A1,
            dstaddr="10.1.2.50",
            srcport=40000,
            dstport=443,
            bytes=300,
            flow_direction="ingress",
            interface_type="vpc_endpoint",
        ),
        record(
            interface_id=ENDPOINT_ENI,
            srcaddr="10.1.2.50",
            dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=900,
            flow_direction="egress",
            interface_type="vpc_endpoint",
        ),
    ]


def test_traffic_to_an_endpoint_eni_the_inventory_knows_is_the_service(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(tmp_path, {"a.log": endpoint_records()}, fields=fields, inventory=True)
    assert rows(result) == {
        (VPC_A, "aws:sqs", "use1-az1", "", "src", 300),
        ("aws:sqs", VPC_A, "", "use1-az1", "dst", 900),
    }
    # the endpoint ENI's records (300 + 900 bytes) are middlebox records; it processed the 300 that entered it
    (box,) = result.report.middleboxes
    assert (box.kind, box.processed_bytes, box.resource) == ("vpc_endpoint", 300, "vpce-0sqs000000000001")


def test_without_the_inventory_an_endpoint_eni_is_only_an_address_of_its_vpc(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(tmp_path, {"a.log": endpoint_records()}, fields=fields)
    # interface-type still makes the endpoint ENI a middlebox; its address is A's own (use1-az2)
    assert rows(result) == {
        (VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 300),
        (VPC_A, VPC_A, "use1-az2", "use1-az1", "dst", 900),
    }
    assert result.report.middleboxes[0].known_from == "interface-type"


def test_an_endpoint_without_a_known_service_is_unattributed(tmp_path: Path) -> None:
    fields = [*V2_FIELDS, "flow-direction", "interface-type"]
    result = run(
        tmp_path,
        {"a.log": endpoint_records()},
        fields=fields,
        topology_document=topology(inventory=True, endpoint_service=None),
    )
    assert rows(result) == set()
    (cause,) = result.report.unattributed_by_cause
    assert cause.startswith("endpoint without a known service")
    assert result.report.unattributed_by_cause[cause].bytes == 1200


def test_public_and_unknown_private_addresses(tmp_path: Path) -> None:
    s3_address, unknown_private = "52.216.1.2", "172.31.5.5"
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=s3_address,
            srcport=40000,
            dstport=443,
            bytes=111,
            flow_direction="egress",
            pkt_dst_aws_service="S3",
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=unknown_private,
            srcport=40001,
            dstport=443,
            bytes=222,
            flow_direction="egress",
        ),
    ]
    result = run(tmp_path, {"a.log": records})
    assert rows(result) == {(VPC_A, "aws:s3", "use1-az1", "", "src", 111)}
    assert result.report.unattributed_by_cause["private address outside the topology"].bytes == 222
    assert result.report.unattributed_examples["private address outside the topology"] == [unknown_private]


def test_overlapping_cidrs_resolve_to_the_logged_enis_own_vpc_and_are_reported(tmp_path: Path) -> None:
    twin = {
        "id": "vpc-0ccccccccccccccc3",
        "account": "333333333333",
        "region": "us-east-1",
        "cidrs": ["10.1.0.0/16"],
        "azs": ["use1-az1"],
    }
    records = [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=A2,
            srcport=40000,
            dstport=443,
            bytes=64,
            flow_direction="egress",
            vpc_id=VPC_A,
        ),
    ]
    result = run(tmp_path, {"a.log": records}, topology_document=topology(extra_vpcs=[twin]))
    assert rows(result) == {(VPC_A, VPC_A, "use1-az1", "use1-az2", "src", 64)}
    assert result.report.overlapping_cidrs[0]["vpcs"] == sorted([VPC_A, "vpc-0ccccccccccccccc3"])
    assert result.report.overlapping_cidrs[0]["resolved_to"] == VPC_A


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
    assert result.to_csv().splitlines() == [
        "src,dst,src_az,dst_az,initiator,ip_version,bytes,observed_gb",
        f"{VPC_A},{VPC_B},use1-az1,use1-az1,src,4,3,0.000000002793967723846435546875",
    ]


def test_fields_vpccost_does_not_know_pass_through(tmp_path: Path) -> None:
    # a later version's field, anywhere in the header: read, reported, and ignored
    fields = ["next-version-field", *V2_FIELDS, "flow-direction"]
    one = record(
        next_version_field="anything",
        interface_id=ENI_A1,
        srcaddr=A1,
        dstaddr=B1,
        srcport=40000,
        dstport=443,
        bytes=77,
        flow_direction="egress",
    )
    result = run(tmp_path, {"a.log": [one]}, fields=fields)
    assert rows(result) == {(VPC_A, VPC_B, "use1-az1", "use1-az1", "src", 77)}
    (seen,) = result.report.formats
    assert seen["unknown_fields"] == ["next-version-field"]
