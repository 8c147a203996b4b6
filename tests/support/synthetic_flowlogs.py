"""Synthetic VPC Flow Logs with a known traffic matrix, for testing and benchmarking the aggregation.

`generate` writes, under one folder, a topology (`topology.yaml`), flow-log files as AWS delivers them to S3
(`AWSLogs/…/*.log.gz`, gzip, header line first; some flow logs Hive-partitioned) and the matrix the counting rules
of `vpccost.flowlogs` must produce from them (`ground_truth.csv`: `src,dst,src_az,dst_az,initiator,bytes`), with
`manifest.json` saying what was written (record counts by kind, bytes, files, the parameters).

The ground truth is derived from the generated *connections*, never from the records and never by calling the
aggregator: each connection has an initiator, a responder, a path (direct, NAT gateway, transit gateway, interface
endpoint) and bytes per interval in each direction; the records are what each logged ENI on that path would show.
The rules (`vpccost.flowlogs`) then say which observation counts each direction's bytes:

1. the sender's egress record when the sender is *logged* (its address is the local side of a workload record);
2. else the receiver's ingress record, when the receiver is a logged workload;
3. middlebox records (NAT gateway, TGW attachment, interface endpoint ENIs) are never matrix edges;
4. traffic to an interface endpoint the inventory knows is attributed to `aws:<service>`;
5. exact duplicates from overlapping (VPC- and subnet-level) flow logs count once;
6. a record's local side is given by its `flow-direction`, else it is the address that belongs to the logged ENI;
7. the initiator comes from TCP flags (SYN / SYN-ACK) or, without them, from the ports.

The data is generated so that every rule is *decidable* from the files and the topology: without the `interfaces`
inventory (`inventory=False`) every flow log has `flow-direction` (the local side) and `pkt-*` fields (NAT and TGW
ENIs show address translation), and the interface endpoints' flow log has `interface-type`; S3 traffic comes only
from ENIs whose format names the AWS service; connections whose ports cannot tell the initiator are logged only in
formats with `tcp-flags`, in a single interval; REJECT, NODATA and SKIPDATA records are on ENIs logged once.

What it contains, besides plain workload traffic: VPCs in several accounts and regions, some dual-stack; flows
between VPCs over peering and transit gateways logged at both ends, or at one end when the other VPC has no flow
log; NAT gateway private and public legs with `pkt-*` translation, for the internet and for `aws:s3`; S3 through a
gateway endpoint; IPv6 internet traffic through an egress-only gateway; inbound internet connections to public
servers; TGW attachment ENI records; interface endpoint ENIs (in a VPC whose only flow log is on the endpoints'
subnet, so their clients are not logged); overlapping flow logs; connections spanning many one-minute intervals
and several five-minute files; REJECT, NODATA and SKIPDATA records; lines with a double space (valid) and
malformed lines (wrong field count); four record formats (the v2 default, a v3 custom order, a v5 custom order and
a v11 format with `interface-type` and next-hop fields).

It is vectorised with numpy and written with pyarrow's CSV writer and zlib, so that 20 million records take a
few minutes: `python -m tests.support.synthetic_flowlogs --records 20000000 --out DIR --seed 1`.

The generator is split by what it makes: `synthetic_estate` (what to generate, and the estate),
`synthetic_connections` (the connections and the records they yield), `synthetic_ground_truth` (the matrix) and
`synthetic_files` (the record formats and the files).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from tests.support.synthetic_connections import (
    KIND_NAMES,
    KIND_WEIGHTS,
    Pools,
    assign_ports,
    draw_connections,
    draw_volumes,
    expand_records,
    observations,
    quiet_records,
    record_counts,
    separate_collisions,
)
from tests.support.synthetic_estate import Estate, SyntheticSpec
from tests.support.synthetic_files import FILE_WINDOW_S, FORMATS, INTERVAL_S, write_files
from tests.support.synthetic_ground_truth import ground_truth

__all__ = ["FORMATS", "SyntheticFlowLogs", "SyntheticSpec", "generate", "main"]


@dataclass(frozen=True)
class SyntheticFlowLogs:
    """What `generate` wrote."""

    root: Path
    topology: Path
    logs: Path
    """The `AWSLogs` folder."""
    ground_truth: Path
    manifest: Path
    files: int
    records: int
    """Record lines written (every copy of a duplicate; NODATA and SKIPDATA included; malformed lines not)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Records by kind: `workload`, `middlebox` (unique), `duplicate` (extra copies), `reject`, `nodata`,
    `skipdata`, `malformed` (lines); `used` is the workload records the rule counts."""
    bytes: dict[str, int] = field(default_factory=dict)
    """`read` (bytes fields of all records, every copy), `used` (the ground truth's total), `reject`,
    `duplicate` (extra copies), `middlebox` (unique middlebox records), `other_side` (unique workload records not
    used because the other end's record counts)."""


def generate(out: str | Path, spec: SyntheticSpec | None = None, **overrides: Any) -> SyntheticFlowLogs:
    """Write a synthetic estate with flow logs and its ground-truth matrix under `out` (created; existing files
    of the same names are replaced). Keyword arguments override fields of `spec` (`records=`, `seed=` …)."""
    spec = dataclasses.replace(spec or SyntheticSpec(), **overrides)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)

    # size the estate so that no initiator needs more than ~3,000 source ports
    estimated_connections = max(200, spec.records // 6)
    workloads_per_subnet = max(3, math.ceil(estimated_connections / 2500 / (spec.vpcs * 2.5)))
    estate = Estate(spec, rng, workloads_per_subnet)
    first, second = estate.first, estate.second
    n_logs = len(estate.flow_logs)
    windows = spec.hours * 3600 / FILE_WINDOW_S if spec.hours else max(12, math.ceil(spec.records / n_logs / 20_000))
    n_windows = max(1, int(windows))
    n_intervals = n_windows * FILE_WINDOW_S // INTERVAL_S

    eni_kind = np.array([item.kind for item in estate.enis])
    middlebox = ~np.isin(eni_kind, ["workload", "lambda"])
    covered = first >= 0
    eni_vpc = np.array([item.vpc for item in estate.enis], dtype=np.int64)

    # connections until the records reach the target (the quiet-ENI records are added after)
    quiet = quiet_records(estate, rng, covered, second, middlebox, n_intervals)
    wanted = max(1, spec.records - len(quiet[0]))
    count = max(len(KIND_WEIGHTS) * 2, wanted // 12)
    pools = Pools.create(estate, rng, count)
    while True:
        connections = draw_connections(estate, rng, pools, count, n_intervals)
        has = observations(connections, covered)
        per_connection = record_counts(connections, has, second)
        cumulative = np.cumsum(per_connection)
        if cumulative[-1] >= wanted:
            keep = int(np.searchsorted(cumulative, wanted)) + 1
            keep = max(keep, len(KIND_WEIGHTS))
            connections = connections.take(slice(0, keep))
            has = has[:keep]
            break
        count = int(count * 1.6 * wanted / max(1, cumulative[-1])) + 1
    assign_ports(connections)
    volumes = draw_volumes(connections, rng)
    records = expand_records(connections, has, first, second)
    separate_collisions(connections, volumes, records, first)

    truth, summary = ground_truth(estate, connections, has, volumes, records, second, middlebox)
    truth_path = root / "ground_truth.csv"
    truth_path.write_text(truth)

    files, written = write_files(estate, spec, rng, connections, volumes, records, quiet, eni_vpc, root, n_windows)
    counts = summary["counts"] | {
        "nodata": int((quiet[2] == 0).sum()),
        "skipdata": int((quiet[2] == 1).sum()),
        "malformed": spec.malformed_lines,
    }
    result_counts = dict(sorted(counts.items()))
    topology_path = root / "topology.yaml"
    topology_path.write_text(yaml.safe_dump(estate.topology(), sort_keys=False))
    manifest_path = root / "manifest.json"
    result = SyntheticFlowLogs(
        root=root,
        topology=topology_path,
        logs=root / "AWSLogs",
        ground_truth=truth_path,
        manifest=manifest_path,
        files=files,
        records=written,
        counts=result_counts,
        bytes=summary["bytes"],
    )
    spec_fields = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dataclasses.asdict(spec).items()}
    manifest = {
        "spec": spec_fields,
        "files": files,
        "records": written,
        "counts": result_counts,
        "bytes": summary["bytes"],
        "connections": {name: int((connections.kind == k).sum()) for k, name in enumerate(KIND_NAMES)},
        "formats": {log.id: log.format for log in estate.flow_logs},
        "period": {
            "start": spec.start.isoformat(),
            "end": (spec.start + timedelta(seconds=n_windows * FILE_WINDOW_S)).isoformat(),
        },
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.support.synthetic_flowlogs --records N --out DIR [--seed S] [--no-inventory]`."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.synthetic_flowlogs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=int, default=SyntheticSpec.records, help="at least this many records")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SyntheticSpec.seed)
    parser.add_argument("--vpcs", type=int, default=SyntheticSpec.vpcs)
    parser.add_argument("--hours", type=float, default=None, help="length of the logged period")
    parser.add_argument("--no-inventory", action="store_true", help="leave the ENI inventory out of the topology")
    parser.add_argument("--compresslevel", type=int, default=SyntheticSpec.compresslevel)
    arguments = parser.parse_args(argv)
    began = time.perf_counter()
    result = generate(
        arguments.out,
        records=arguments.records,
        seed=arguments.seed,
        vpcs=arguments.vpcs,
        hours=arguments.hours,
        inventory=not arguments.no_inventory,
        compresslevel=arguments.compresslevel,
    )
    elapsed = time.perf_counter() - began
    print(
        f"{result.records:,} records in {result.files:,} files under {result.logs} in {elapsed:.1f} s; "
        f"ground truth {result.ground_truth}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
