"""The synthetic flow-log generator: what it writes is what its manifest and ground truth say.

These checks read the generated files back with a plain Python parser (split on whitespace, fields by the
header), independently of the generator's arrays and of the aggregator.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.support.synthetic_flowlogs import FORMATS, SyntheticFlowLogs, generate
from vpccost.inputs.topology import load_topology

S3_KEY = re.compile(
    r"^AWSLogs/(?P<account>\d{12})/vpcflowlogs/(?P<region>[a-z0-9-]+)/\d{4}/\d{2}/\d{2}/(\d{2}/)?"
    r"(?P=account)_vpcflowlogs_(?P=region)_fl-[0-9a-f]{17}_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$"
)
HIVE_KEY = re.compile(
    r"^AWSLogs/aws-account-id=(?P<account>\d{12})/aws-service=vpcflowlogs/aws-region=(?P<region>[a-z0-9-]+)/"
    r"year=\d{4}/month=\d{2}/day=\d{2}/(hour=\d{2}/)?"
    r"(?P=account)_vpcflowlogs_(?P=region)_fl-[0-9a-f]{17}_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$"
)
DEDUP_KEY = ("interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "start", "end", "packets", "bytes")


def read_records(result: SyntheticFlowLogs) -> tuple[list[dict[str, str]], list[str], list[str], list[str]]:
    """(records as field maps, malformed lines, lines with a double space, keys) of every generated file."""
    records: list[dict[str, str]] = []
    malformed: list[str] = []
    doubled: list[str] = []
    keys = []
    for path in sorted(result.logs.rglob("*.log.gz")):
        keys.append(path.relative_to(result.root).as_posix())
        lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        fields = lines[0].split(" ")
        assert tuple(fields) in FORMATS.values(), path
        for line in lines[1:]:
            values = line.split()
            if len(values) != len(fields):
                malformed.append(line)
                continue
            if "  " in line:
                doubled.append(line)
            records.append(dict(zip(fields, values, strict=True)))
    return records, malformed, doubled, keys


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> SyntheticFlowLogs:
    return generate(tmp_path_factory.mktemp("synthetic"), records=6000, seed=11, hours=0.5)


def test_files_are_in_the_s3_layouts_with_headers_and_counts_as_the_manifest(estate: SyntheticFlowLogs) -> None:
    records, malformed, doubled, keys = read_records(estate)
    assert len(keys) == estate.files
    assert all(S3_KEY.match(key) or HIVE_KEY.match(key) for key in keys)
    assert any(HIVE_KEY.match(key) for key in keys) and any(S3_KEY.match(key) for key in keys)
    assert len(records) == estate.records >= 6000
    assert len(malformed) == estate.counts["malformed"] == 6
    assert len(doubled) == 3  # valid records written with a double space, as in the AWS example
    status = Counter(record["log-status"] for record in records)
    assert status["NODATA"] == estate.counts["nodata"] > 0
    assert status["SKIPDATA"] == estate.counts["skipdata"] == 2
    assert sum(record.get("action") == "REJECT" for record in records) == estate.counts["reject"] > 0
    assert sum(int(r["bytes"]) for r in records if r["bytes"] != "-") == estate.bytes["read"]


def test_duplicates_are_exact_copies_from_overlapping_flow_logs(estate: SyntheticFlowLogs) -> None:
    records, *_ = read_records(estate)
    copies = Counter(tuple(record[name] for name in DEDUP_KEY) for record in records if record["log-status"] == "OK")
    assert max(copies.values()) == 2  # a VPC-level and a subnet-level flow log, never more
    assert sum(count - 1 for count in copies.values()) == estate.counts["duplicate"] > 0


def test_every_format_and_kind_of_interface_is_present(estate: SyntheticFlowLogs) -> None:
    topology = load_topology(estate.topology)
    types = Counter(interface.type for vpc in topology.vpcs for interface in vpc.interfaces)
    assert {"workload", "nat_gateway", "transit_gateway_attachment", "vpc_endpoint"} <= set(types)
    assert len({vpc.region for vpc in topology.vpcs}) == 3 and len({vpc.account for vpc in topology.vpcs}) == 3
    assert any(":" in cidr for vpc in topology.vpcs for cidr in vpc.cidrs)
    headers = {gzip.decompress(path.read_bytes()).split(b"\n", 1)[0].decode() for path in estate.logs.rglob("*.log.gz")}
    assert headers == {" ".join(fields) for fields in FORMATS.values()}


def test_ground_truth_equals_the_rule_applied_to_the_records_read_back(estate: SyntheticFlowLogs) -> None:
    """An independent reading of the rules of `vpccost.flowlogs` on the files, with the inventory: the local side
    is the address of the record's own ENI; a sender is logged when it is the local side of a workload record; its
    egress records count, else the receiver's ingress record; middlebox records never do; copies count once."""
    topology = load_topology(estate.topology)
    kinds = {i.id: i.type for vpc in topology.vpcs for i in vpc.interfaces}
    ips = {i.id: set(i.ips) for vpc in topology.vpcs for i in vpc.interfaces}
    records, *_ = read_records(estate)
    unique = {
        tuple(record[name] for name in DEDUP_KEY): record
        for record in records
        if record["log-status"] == "OK" and record["action"] == "ACCEPT"
    }
    workload = [r for r in unique.values() if kinds[r["interface-id"]] == "workload"]
    logged = set()
    for record in workload:
        local = ips[record["interface-id"]]
        logged |= local & {record["srcaddr"], record["dstaddr"]}
    used = 0
    for record in workload:
        egress = record["srcaddr"] in ips[record["interface-id"]]
        if egress or record["srcaddr"] not in logged:
            used += int(record["bytes"])
    with estate.ground_truth.open() as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(row["bytes"]) for row in rows) == used == estate.bytes["used"]
    assert {row["initiator"] for row in rows} == {"src", "dst"}
    assert {"internet", "aws:s3", "aws:sqs"} <= {row["src"] for row in rows} | {row["dst"] for row in rows}


def test_without_the_inventory_every_flow_log_says_direction_and_translation(tmp_path: Path) -> None:
    result = generate(tmp_path, records=2000, seed=3, hours=0.25, inventory=False)
    topology = load_topology(result.topology)
    assert all(not vpc.interfaces for vpc in topology.vpcs)
    records, *_ = read_records(result)
    assert all("flow-direction" in record and "pkt-srcaddr" in record for record in records)
    endpoint_records = [r for r in records if r.get("interface-type") == "vpc_endpoint"]
    assert endpoint_records  # interface endpoints are known only by this field


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", records=1500, seed=5, hours=0.25)
    second = generate(tmp_path / "b", records=1500, seed=5, hours=0.25)
    assert first.ground_truth.read_text() == second.ground_truth.read_text()
    names = sorted(p.relative_to(first.root) for p in first.logs.rglob("*.gz"))
    assert names == sorted(p.relative_to(second.root) for p in second.logs.rglob("*.gz"))
    assert all((first.root / name).read_bytes() == (second.root / name).read_bytes() for name in names)
