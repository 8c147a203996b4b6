"""The synthetic records as AWS delivers them to S3: the record formats, each record's fields, and one gzip file per
flow log and five-minute window (header line first; some flow logs Hive-partitioned), with the planted double
spaces and malformed lines.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from tests.support.synthetic_connections import (
    DIRECT,
    FROM_UNLOGGED,
    GATEWAY_S3,
    INBOUND,
    INI,
    INTERNET_V6,
    PROTO_UDP,
    REJECT_OUT,
    ROLES,
    RSP,
    VPC_TO_VPC,
    Connections,
    Records,
    Volumes,
    jitter,
)
from tests.support.synthetic_estate import BoolArray, Estate, FlowLog, IntArray, SyntheticSpec

# --- record formats ---------------------------------------------------------------------------------------------------

V2_DEFAULT = (
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
)
V3_CUSTOM = (
    # the order of the AWS user guide's TCP-flag example
    "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
    "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status"
)
V5_CUSTOM = (
    # the order of the AWS user guide's traffic-path / flow-direction example
    "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id "
    "instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr "
    "pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status"
)
V11_CUSTOM = (
    "version account-id region az-id vpc-id subnet-id interface-id interface-type instance-id flow-direction "
    "srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service protocol "
    "tcp-flags packets bytes start end action traffic-path reject-reason log-status next-hop-interface-id "
    "next-hop-subnet-id next-hop-az-id next-hop-vpc-id next-hop-interface-type"
)

FORMATS: dict[str, tuple[str, ...]] = {
    "v2": tuple(V2_DEFAULT.split()),
    "v3": tuple(V3_CUSTOM.split()),
    "v5": tuple(V5_CUSTOM.split()),
    "v11": tuple(V11_CUSTOM.split()),
}
"""The record formats the generator writes, by name: each flow log uses one (its file's header line)."""

FORMAT_VERSION = {"v2": 2, "v3": 3, "v5": 5, "v11": 11}
"""The `version` field: the highest version among a format's fields."""

INTERFACE_TYPE_FIELD = {
    "workload": "interface",
    "lambda": "lambda",
    "nat_gateway": "nat_gateway",
    "transit_gateway_attachment": "transit_gateway",
    "vpc_endpoint": "vpc_endpoint",
}
"""The v11 `interface-type` value of each kind of ENI (EC2's network-interface types)."""

INTERVAL_S = 60
"""Aggregation interval: Nitro ENIs log at most every minute."""
FILE_WINDOW_S = 300
"""S3 delivery: one file per flow log per five minutes."""
SYN, FIN, SYN_ACK = 2, 1, 18


# --- record fields ----------------------------------------------------------------------------------------------------


def _packets(volume: IntArray) -> IntArray:
    return np.maximum(1, volume // 1100).astype(np.int64)


def _tcp_flags(connections: Connections, records: Records, forward: BoolArray) -> IntArray:
    """SYN (2) from the initiator and SYN-ACK (18) from the responder in the first interval, FIN (1) in the
    last; 0 in between and for UDP."""
    n = connections.intervals[records.connection]
    first = records.interval == 0
    last = records.interval == n - 1
    flags = np.where(first, np.where(forward, SYN, SYN_ACK), 0) | np.where(last, FIN, 0)
    udp = connections.protocol[records.connection] == PROTO_UDP
    return np.where(udp, 0, flags).astype(np.int64)


def _traffic_path(
    connections: Connections, records: Records, egress: BoolArray, estate: Estate, eni_vpc: IntArray
) -> IntArray:
    """`traffic-path` of egress records (-1 for ingress): 1 same VPC (incl. NAT, TGW and endpoint ENIs), 4/5 peering
    in/across regions, 7 gateway endpoint, 8 internet gateway."""
    c = records.connection
    role = records.role
    kind = connections.kind[c]
    path = connections.path[c]
    result = np.full(len(c), 1, dtype=np.int64)
    workload_role = role < 4
    peering = workload_role & (path == DIRECT) & np.isin(kind, [VPC_TO_VPC, FROM_UNLOGGED])
    ini_vpc = eni_vpc[np.maximum(connections.eni[c, INI], 0)]
    rsp_vpc = eni_vpc[np.maximum(connections.eni[c, RSP], 0)]
    regions = np.array([vpc.region for vpc in estate.vpcs])
    cross_region = regions[ini_vpc] != regions[rsp_vpc]
    result[peering & (ini_vpc != rsp_vpc)] = np.where(cross_region[peering & (ini_vpc != rsp_vpc)], 5, 4)
    result[workload_role & (kind == GATEWAY_S3)] = 7
    result[workload_role & np.isin(kind, [INBOUND, INTERNET_V6, REJECT_OUT])] = 8
    result[role == 5] = 8  # NAT public leg
    return np.where(egress, result, -1)


# --- writing ----------------------------------------------------------------------------------------------------


def _dictionary(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _column(dictionary: pa.Array, indices: IntArray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)


def _file_key(estate: Estate, log: FlowLog, window_start: datetime, digest: str) -> str:
    vpc = estate.vpcs[log.vpc]
    stamp = window_start.strftime("%Y%m%dT%H%MZ")
    name = f"{vpc.account}_vpcflowlogs_{vpc.region}_{log.id}_{stamp}_{digest}.log.gz"
    y, m, d, h = (window_start.strftime(f) for f in ("%Y", "%m", "%d", "%H"))
    if log.hive:
        folder = (
            f"AWSLogs/aws-account-id={vpc.account}/aws-service=vpcflowlogs/aws-region={vpc.region}/"
            f"year={y}/month={m}/day={d}/" + (f"hour={h}/" if log.hourly else "")
        )
    else:
        folder = f"AWSLogs/{vpc.account}/vpcflowlogs/{vpc.region}/{y}/{m}/{d}/" + (f"{h}/" if log.hourly else "")
    return folder + name


def write_files(
    estate: Estate,
    spec: SyntheticSpec,
    rng: np.random.Generator,
    connections: Connections,
    volumes: Volumes,
    records: Records,
    quiet: tuple[IntArray, IntArray, IntArray],
    eni_vpc: IntArray,
    root: Path,
    n_windows: int,
) -> tuple[int, int]:
    """Format every record and write one gzip file per flow log and five-minute window."""
    conn, role = records.connection, records.role
    absolute = connections.first_interval[conn] + records.interval
    order = np.lexsort((absolute, records.flow_log))
    conn, role, absolute = conn[order], role[order], absolute[order]
    interval = records.interval[order]
    flow_log = records.flow_log[order]
    sorted_records = Records(conn, role, interval, flow_log)
    eni = connections.eni[conn, ROLES[role, 0]]
    forward = ROLES[role, 8] == 1
    egress = ROLES[role, 7] == 1
    row = volumes.offsets[conn] + interval
    volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
    epoch = int(spec.start.timestamp())
    # the same capture window for every ENI that sees the connection in that interval (duplicates are exact)
    start = epoch + absolute * INTERVAL_S + jitter(conn, interval)
    end = epoch + (absolute + 1) * INTERVAL_S - 1
    window = absolute * INTERVAL_S // FILE_WINDOW_S

    # per-ENI and per-address text
    enis = estate.enis
    addresses = _dictionary(estate.addresses)
    services = np.array([{"-": 0, "S3": 1, "AMAZON": 2}[s] for s in estate.address_service], dtype=np.int64)
    is_v6 = np.array([":" in text for text in estate.addresses])
    text: dict[str, tuple[pa.Array, IntArray]] = {}
    eni_ids = np.arange(len(enis), dtype=np.int64)
    account = [estate.vpcs[item.vpc].account if item.kind != "vpc_endpoint" else "unknown" for item in enis]
    per_eni = {
        "account-id": account,
        "interface-id": [item.id for item in enis],
        "vpc-id": [estate.vpcs[item.vpc].id for item in enis],
        "subnet-id": [estate.subnets[item.subnet].id for item in enis],
        "instance-id": [item.instance for item in enis],
        "region": [estate.vpcs[item.vpc].region for item in enis],
        "az-id": [item.az for item in enis],
        "interface-type": [INTERFACE_TYPE_FIELD[item.kind] for item in enis],
    }
    for name, values in per_eni.items():
        text[name] = (_dictionary(values), eni)
    del eni_ids
    src = connections.address[conn, ROLES[role, 1]]
    dst = connections.address[conn, ROLES[role, 2]]
    pkt_src = connections.address[conn, ROLES[role, 3]]
    pkt_dst = connections.address[conn, ROLES[role, 4]]
    text["srcaddr"] = (addresses, src)
    text["dstaddr"] = (addresses, dst)
    text["pkt-srcaddr"] = (addresses, pkt_src)
    text["pkt-dstaddr"] = (addresses, pkt_dst)
    service_names = _dictionary(["-", "S3", "AMAZON"])
    text["pkt-src-aws-service"] = (service_names, services[pkt_src])
    text["pkt-dst-aws-service"] = (service_names, services[pkt_dst])
    text["type"] = (_dictionary(["IPv4", "IPv6"]), is_v6[src].astype(np.int64))
    text["flow-direction"] = (_dictionary(["ingress", "egress"]), egress.astype(np.int64))
    accepted = connections.accept[conn]
    text["action"] = (_dictionary(["REJECT", "ACCEPT"]), accepted.astype(np.int64))
    text["reject-reason"] = (_dictionary(["-"]), np.zeros(len(conn), dtype=np.int64))
    text["log-status"] = (_dictionary(["OK"]), np.zeros(len(conn), dtype=np.int64))
    next_hop = tuple(
        f"next-hop-{suffix}" for suffix in ("interface-id", "subnet-id", "az-id", "vpc-id", "interface-type")
    )
    for name in ("sublocation-type", "sublocation-id", *next_hop):
        text[name] = (_dictionary(["-"]), np.zeros(len(conn), dtype=np.int64))
    path = _traffic_path(connections, sorted_records, egress, estate, eni_vpc)
    text["traffic-path"] = (_dictionary(["-", "1", "2", "3", "4", "5", "6", "7", "8"]), np.maximum(path, 0))
    numbers: dict[str, IntArray] = {
        "srcport": connections.port[conn, ROLES[role, 5]],
        "dstport": connections.port[conn, ROLES[role, 6]],
        "protocol": connections.protocol[conn],
        "packets": _packets(volume),
        "bytes": volume,
        "start": start,
        "end": end,
        "tcp-flags": _tcp_flags(connections, sorted_records, forward),
    }

    # quiet records (NODATA / SKIPDATA) as text lines, by flow log and window
    first = estate.first
    quiet_lines: dict[tuple[int, int], list[str]] = {}
    for q_eni, q_interval, q_status in zip(*(part.tolist() for part in quiet), strict=True):
        log_index = int(first[q_eni])
        log = estate.flow_logs[log_index]
        status = "NODATA" if q_status == 0 else "SKIPDATA"
        quiet_fields = _quiet_values(estate, q_eni, epoch + q_interval * INTERVAL_S, status, FORMAT_VERSION[log.format])
        line = " ".join(quiet_fields.get(name, "-") for name in FORMATS[log.format])
        quiet_lines.setdefault((log_index, q_interval * INTERVAL_S // FILE_WINDOW_S), []).append(line)

    # which files get a malformed line or a double space
    boundaries = np.flatnonzero(np.diff(flow_log * (n_windows + 1) + window)) + 1
    starts = np.r_[0, boundaries]
    stops = np.r_[boundaries, len(conn)]
    groups = {(int(flow_log[a]), int(window[a])): (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
    keys = sorted(set(groups) | set(quiet_lines))
    malformed_at = {keys[i] for i in rng.choice(len(keys), size=min(len(keys), spec.malformed_lines), replace=False)}
    double_at = {keys[i] for i in rng.choice(len(keys), size=min(len(keys), spec.double_space_lines), replace=False)}
    malformed_total = 0
    if spec.malformed_lines > len(keys):
        raise ValueError("more malformed lines than files")

    write_options = pa_csv.WriteOptions(include_header=False, delimiter=" ", quoting_style="none", batch_size=65536)
    files = 0
    written = 0
    for key in keys:
        log_index, window_index = key
        log = estate.flow_logs[log_index]
        fields = FORMATS[log.format]
        buffer = io.BytesIO()
        buffer.write((" ".join(fields) + "\n").encode())
        a, b = groups.get(key, (0, 0))
        body = b""
        if b > a:
            columns = {}
            for name in fields:
                if name == "version":
                    columns[name] = pa.array(np.full(b - a, FORMAT_VERSION[log.format], dtype=np.int64))
                elif name in numbers:
                    columns[name] = pa.array(numbers[name][a:b])
                else:
                    dictionary, indices = text[name]
                    columns[name] = _column(dictionary, indices[a:b])
            sink = io.BytesIO()
            pa_csv.write_csv(pa.table(columns), sink, write_options)
            body = sink.getvalue()
            written += b - a
        if key in double_at and body:
            # a double space between two fields, as in the AWS user guide's example: still a valid record
            first_line_end = body.index(b"\n")
            parts = body[:first_line_end].split(b" ")
            body = b" ".join(parts[:3]) + b"  " + b" ".join(parts[3:]) + body[first_line_end:]
        buffer.write(body)
        extra = quiet_lines.get(key, [])
        written += len(extra)
        if key in malformed_at:
            extra = [*extra, _malformed_line(malformed_total, fields, body)]
            malformed_total += 1
        if extra:
            buffer.write(("\n".join(extra) + "\n").encode())
        window_start = spec.start + timedelta(seconds=window_index * FILE_WINDOW_S)
        digest = hashlib.sha1(f"{log.id}{window_index}".encode()).hexdigest()[:8]
        target = root / _file_key(estate, log, window_start, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=spec.compresslevel, mtime=0))
        files += 1
    return files, written


def _quiet_values(estate: Estate, eni: int, start: int, status: str, version: int) -> dict[str, str]:
    item = estate.enis[eni]
    vpc = estate.vpcs[item.vpc]
    return {
        "version": str(version),
        "account-id": vpc.account if item.kind != "vpc_endpoint" else "unknown",
        "interface-id": item.id,
        "vpc-id": vpc.id,
        "subnet-id": estate.subnets[item.subnet].id,
        "instance-id": item.instance,
        "region": vpc.region,
        "az-id": item.az,
        "interface-type": INTERFACE_TYPE_FIELD[item.kind],
        "start": str(start),
        "end": str(start + INTERVAL_S - 1),
        "log-status": status,
    }


def _malformed_line(number: int, fields: Sequence[str], body: bytes) -> str:
    """A line with the wrong number of fields: a stray word, a record cut short, or one with a field too many."""
    if number % 3 == 0 or not body:
        return "bogus line"
    record = body[: body.index(b"\n")].decode().split()
    if number % 3 == 1:
        return " ".join(record[: max(1, len(fields) - 3)])
    return " ".join([*record, "extra"])
