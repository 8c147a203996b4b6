"""Small hand-built flow logs and topologies for the flow-log tests: records written as AWS delivers them (a
header line, then one record per line, `-` for a missing value), gzip or plain."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import yaml

from vpccost.flowlogs import FlowLogAggregate, aggregate_flowlogs

START = 1_793_577_600
"""2026-11-02T00:00:00Z, the start of every hand-built record unless a test says otherwise."""

V2_FIELDS = [
    "version",
    "account-id",
    "interface-id",
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
    "log-status",
]

V5_FIELDS = [
    *V2_FIELDS,
    "vpc-id",
    "subnet-id",
    "az-id",
    "tcp-flags",
    "flow-direction",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
]
"""A custom format with every field the counting rule can use."""


DEFAULTS: dict[str, Any] = {
    "version": 5,
    "account-id": "111111111111",
    "protocol": 6,
    "packets": 10,
    "start": START,
    "end": START + 60,
    "action": "ACCEPT",
    "log-status": "OK",
}


def record(**values: Any) -> dict[str, Any]:
    """A record from keyword fields (underscores for hyphens: `flow_direction="egress"`)."""
    fields = {key.replace("_", "-"): value for key, value in values.items()}
    return {**DEFAULTS, **fields}


def write_log(path: Path, records: list[dict[str, Any]], fields: list[str] = V5_FIELDS, *, header: bool = True) -> Path:
    """Write records in `fields` order (missing fields as `-`), gzip when the name ends in .gz."""
    lines = [" ".join(fields)] if header else []
    lines += [" ".join(str(item.get(name, "-")) for name in fields) for item in records]
    data = ("\n".join(lines) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


A1 = "10.1.1.10"
ENI_A1 = "eni-0a1"
PUBLIC = "203.0.113.5"
VPC_A = "vpc-0aaaaaaaaaaaaaaa1"
VPC_B = "vpc-0bbbbbbbbbbbbbbb2"
NAT_ENI = "eni-0nat00000000000001"
ENDPOINT_ENI = "eni-0vpce0000000000001"
ENDPOINT_ID = "vpce-0sqs000000000001"


def topology(
    *, inventory: bool = False, endpoint_service: str | None = "sqs", extra_vpcs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Two VPCs in us-east-1: A (10.1.0.0/16 and an IPv6 block; subnets in use1-az1 and use1-az2) and B
    (10.2.0.0/16, one subnet in use1-az1). With `inventory`, A's NAT gateway ENI (10.1.1.100) and an SQS
    interface endpoint ENI (10.1.2.50) are listed."""
    vpc_a: dict[str, Any] = {
        "id": VPC_A,
        "name": "orders",
        "account": "111111111111",
        "region": "us-east-1",
        "cidrs": ["10.1.0.0/16", "2600:1f18:aaaa:bb00::/56"],
        "azs": ["use1-az1", "use1-az2"],
        "subnets": [
            {"id": "subnet-0a1", "cidr": "10.1.1.0/24", "az": "use1-az1"},
            {"id": "subnet-0a2", "cidr": "10.1.2.0/24", "az": "use1-az2"},
            {"id": "subnet-0a6", "cidr": "2600:1f18:aaaa:bb01::/64", "az": "use1-az1"},
        ],
    }
    if inventory:
        vpc_a["interfaces"] = [
            {"id": NAT_ENI, "ips": ["10.1.1.100"], "type": "nat_gateway", "az": "use1-az1"},
            {
                "id": ENDPOINT_ENI,
                "ips": ["10.1.2.50"],
                "type": "vpc_endpoint",
                "az": "use1-az2",
                "resource": ENDPOINT_ID,
            },
        ]
        endpoint: dict[str, Any] = {
            "id": ENDPOINT_ID,
            "type": "interface",
            "service_name": "com.amazonaws.us-east-1.sqs",
            "azs": ["use1-az2"],
            "subnets": ["subnet-0a2"],
        }
        if endpoint_service:
            endpoint["service"] = endpoint_service
        vpc_a["endpoints"] = [endpoint]
    vpc_b = {
        "id": VPC_B,
        "name": "billing",
        "account": "222222222222",
        "region": "us-east-1",
        "cidrs": ["10.2.0.0/16"],
        "azs": ["use1-az1"],
        "subnets": [{"id": "subnet-0b1", "cidr": "10.2.1.0/24", "az": "use1-az1"}],
    }
    return {"vpcs": [vpc_a, vpc_b, *(extra_vpcs or [])]}


def write_topology(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def nat_records() -> list[dict[str, Any]]:
    """A1 (private subnet) opens a connection to 203.0.113.5:443 through A's NAT gateway (10.1.1.100): 500
    bytes out, 4,000 back. The instance ENI logs both directions; the NAT ENI logs four legs, its private legs
    showing the translation in pkt-srcaddr / pkt-dstaddr (the AWS user guide's NAT gateway example)."""
    instance = {"vpc_id": VPC_A, "subnet_id": "subnet-0a1", "az_id": "use1-az1"}
    nat = {"interface_id": NAT_ENI, "vpc_id": VPC_A, "subnet_id": "subnet-0a1", "az_id": "use1-az1"}
    return [
        record(
            interface_id=ENI_A1,
            srcaddr=A1,
            dstaddr=PUBLIC,
            srcport=40000,
            dstport=443,
            bytes=500,
            tcp_flags=2,
            flow_direction="egress",
            **instance,
        ),
        record(
            interface_id=ENI_A1,
            srcaddr=PUBLIC,
            dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=4000,
            tcp_flags=18,
            flow_direction="ingress",
            **instance,
        ),
        record(
            srcaddr=A1,
            dstaddr="10.1.1.100",
            pkt_srcaddr=A1,
            pkt_dstaddr=PUBLIC,
            srcport=40000,
            dstport=443,
            bytes=500,
            flow_direction="ingress",
            **nat,
        ),
        record(
            srcaddr="10.1.1.100", dstaddr=PUBLIC, srcport=61000, dstport=443, bytes=500, flow_direction="egress", **nat
        ),
        record(
            srcaddr=PUBLIC,
            dstaddr="10.1.1.100",
            srcport=443,
            dstport=61000,
            bytes=4000,
            flow_direction="ingress",
            **nat,
        ),
        record(
            srcaddr="10.1.1.100",
            dstaddr=A1,
            pkt_srcaddr=PUBLIC,
            pkt_dstaddr=A1,
            srcport=443,
            dstport=40000,
            bytes=4000,
            flow_direction="egress",
            **nat,
        ),
    ]


A2 = "10.1.2.20"
B1 = "10.2.1.20"
ENI_B1 = "eni-0b1"
SAMPLES = Path(__file__).parent / "samples"
"""Published flow-log records (SOURCES.txt names where each file comes from)."""


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


def sample_vpc(region: str = "us-east-1", az: str = "use1-az1") -> dict[str, Any]:
    """The documentation examples' VPC (10.0.0.0/16, its subnet 10.0.0.0/24)."""
    return {
        "id": "vpc-abcdefab012345678",
        "account": "123456789010",
        "region": region,
        "cidrs": ["10.0.0.0/16"],
        "azs": [az],
        "subnets": [{"id": "subnet-aaaaaaaa012345678", "cidr": "10.0.0.0/24", "az": az}],
    }


def sample_topology(tmp_path: Path, region: str = "us-east-1", az: str = "use1-az1") -> Path:
    return write_topology(tmp_path / "topology.yaml", {"vpcs": [sample_vpc(region, az)]})


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def without_comments(text: str) -> str:
    """A traffic file's text without the comment lines that record its period: the header and the rows."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
