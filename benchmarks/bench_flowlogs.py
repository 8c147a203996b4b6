"""How fast `vpccost flowlogs aggregate` turns flow logs into a traffic matrix, against a bare scan and a parser.

On one generated estate (by default 20 million records in gzip S3 layout, cached under `benchmarks/data/`), in
one run:

- OURS: `vpccost flowlogs aggregate` in a child process (the CLI a user runs), timed, with its peak RSS; its
  matrix is compared with the generator's ground truth, byte for byte.
- BARE SCAN: DuckDB's `SELECT count(*)` over `read_csv(files, delim=' ', header=true, all_varchar=true)`, one
  call per group of files with the same header line (`ignore_errors=true`, so that the few malformed and
  double-spaced lines the generator plants do not stop it). Reading, nothing else: the floor to compare with.
- FLOWLOGS-READER: flowlogs-reader 5's own S3 file reader (`S3FlowLogsReader._read_file`: gzip, `csv.DictReader`,
  one `FlowRecord` per record) on the local files, through a stand-in S3 client that opens them. It parses about
  fifty thousand records a second, so by default it reads a named subset of the files (the first ones in key
  order, at least `--reader-records` records) and the comparison is in records per second.

Ratios printed: OURS / BARE SCAN in seconds (goal <= 2), FLOWLOGS-READER / OURS in seconds per record (goal >= 20),
and OURS' peak RSS (goal < 1.5 GiB). `--check` exits 1 when a goal is missed or the matrix is wrong.

    .venv/bin/python benchmarks/bench_flowlogs.py                      # 20 M records (generated once, ~2 min)
    .venv/bin/python benchmarks/bench_flowlogs.py --records 2000000    # a quicker run
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[1]

# The generator is test data and lives with the tests (tests/support/), not in the package. Run as
# `python benchmarks/bench_flowlogs.py`, only benchmarks/ is on the import path: add the repository root so that
# `tests.support` imports.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.synthetic_flowlogs import SyntheticSpec, generate  # noqa: E402

GIB = 2**30
GOAL_BARE_RATIO = 2.0
GOAL_READER_RATIO = 20.0
GOAL_RSS_BYTES = int(1.5 * GIB)

LAUNCHER = """
import json, resource, subprocess, sys, time
began = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "returncode": done.returncode, "stderr": done.stderr[-4000:],
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
"""Runs a command and reports its time and peak RSS. On Linux a child's `ru_maxrss` starts at the resident size
of the process that forked it, so the aggregation is started by this small launcher, not by the benchmark."""


def estate(records: int, seed: int, data_dir: Path) -> tuple[Path, dict[str, Any], float | None]:
    """The generated estate for these sizes, generated now unless a complete one is cached."""
    root = data_dir / f"flowlogs-{records}-seed{seed}"
    manifest_path = root / "manifest.json"
    if manifest_path.exists():
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        if manifest["spec"]["records"] == records and manifest["spec"]["seed"] == seed:
            return root, manifest, None
    began = time.perf_counter()
    generate(root, SyntheticSpec(records=records, seed=seed))
    return root, json.loads(manifest_path.read_text()), time.perf_counter() - began


def files_by_header(logs: Path) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for path in sorted(logs.rglob("*.log.gz")):
        with gzip.open(path, "rt") as handle:
            groups.setdefault(handle.readline().strip(), []).append(path)
    return groups


def bare_scan(groups: dict[str, list[Path]]) -> tuple[float, int]:
    connection = duckdb.connect()
    began = time.perf_counter()
    total = 0
    for paths in groups.values():
        files = ", ".join(f"'{path}'" for path in paths)
        query = (
            f"SELECT count(*) FROM read_csv([{files}], delim=' ', header=true, all_varchar=true, ignore_errors=true)"
        )
        row = connection.sql(query).fetchall()[0]
        total += int(row[0])
    return time.perf_counter() - began, total


def aggregate(root: Path, output: Path, report: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "vpccost.cli",
        "flowlogs",
        "aggregate",
        str(root / "AWSLogs"),
        "--topology",
        str(root / "topology.yaml"),
        "--output",
        str(output),
        "--report",
        str(report),
    ]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


class LocalFiles:
    """The part of an S3 client flowlogs-reader's S3 file reader calls, answering from local files."""

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        path = Path(Key)
        return {"Body": path.open("rb"), "ContentLength": path.stat().st_size}


def flowlogs_reader_scan(paths: list[Path], at_least: int, manifest_records: int) -> tuple[float, int, int]:
    """(seconds, records, files) for flowlogs-reader on the first files holding at least `at_least` records."""
    from flowlogs_reader import FlowRecord, S3FlowLogsReader

    reader = S3FlowLogsReader("local/", boto_client=LocalFiles())
    records = 0
    used = 0
    began = time.perf_counter()
    for path in paths:
        for event in reader._read_file(str(path)):
            try:
                FlowRecord(event)
            except Exception:  # as its own reader does: a record it cannot parse is skipped and counted
                reader.skipped_records += 1
                continue
            records += 1
        used += 1
        if records >= at_least and records < manifest_records:
            break
    return time.perf_counter() - began, records, used


def matrix_matches(output: Path, truth: Path) -> tuple[bool, str]:
    """Bytes per (src, dst, src_az, dst_az, initiator), the ground truth's key: the aggregate may split a key
    further by `ip_version`."""

    def totals(path: Path) -> Counter[tuple[str, ...]]:
        sums: Counter[tuple[str, ...]] = Counter()
        with path.open() as handle:
            for r in csv.DictReader(handle):
                sums[(r["src"], r["dst"], r["src_az"] or "", r["dst_az"] or "", r["initiator"])] += int(r["bytes"])
        return sums

    ours, expected = totals(output), totals(truth)
    if ours == expected:
        return True, f"matches the ground truth ({len(expected)} keys, {sum(expected.values())} bytes)"
    differing = {key for key in ours.keys() | expected.keys() if ours[key] != expected[key]}
    return False, f"{len(differing)} of {len(ours.keys() | expected.keys())} keys differ from the ground truth"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000_000, help="records to generate (default 20 M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=REPO / "benchmarks" / "data")
    parser.add_argument("--reader-records", type=int, default=1_000_000, help="flowlogs-reader's subset size")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed or the matrix is wrong")
    arguments = parser.parse_args()

    root, manifest, generated_s = estate(arguments.records, arguments.seed, arguments.data_dir)
    records = int(manifest["records"])
    stored = sum(path.stat().st_size for path in (root / "AWSLogs").rglob("*.log.gz"))
    made = f"generated in {generated_s:.0f} s" if generated_s is not None else "cached"
    print(f"estate: {records:,} records in {manifest['files']:,} files, {stored / 2**20:,.0f} MiB gzip ({made})")
    print(f"  under {root}")
    groups = files_by_header(root / "AWSLogs")

    bare_s, bare_records = bare_scan(groups)
    with tempfile.TemporaryDirectory() as scratch:
        output, report = Path(scratch) / "traffic.csv", Path(scratch) / "report.json"
        ours = aggregate(root, output, report)
        if ours["returncode"] != 0:
            print(f"vpccost flowlogs aggregate failed (exit {ours['returncode']}):\n{ours['stderr']}")
            return 1
        matches, verdict = matrix_matches(output, root / "ground_truth.csv")
    paths = [path for group in groups.values() for path in group]
    paths.sort(key=lambda path: path.relative_to(root).as_posix())
    reader_s, reader_records, reader_files = flowlogs_reader_scan(paths, arguments.reader_records, records)

    ours_s = float(ours["seconds"])
    rss = int(ours["maxrss_kib"]) * 1024
    bare_ratio = ours_s / bare_s
    reader_ratio = (reader_s / reader_records) / (ours_s / records)
    subset = "all files" if reader_files == len(paths) else f"first {reader_files:,} of {len(paths):,} files"

    def verdict_of(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    print(f"OURS            {ours_s:8.1f} s  {records / ours_s / 1e6:6.2f} M records/s   matrix {verdict}")
    print(f"BARE SCAN       {bare_s:8.1f} s  {bare_records / bare_s / 1e6:6.2f} M records/s   ({bare_records:,} rows)")
    print(
        f"FLOWLOGS-READER {reader_s:8.1f} s  {reader_records / reader_s / 1e6:6.2f} M records/s   "
        f"({reader_records:,} records, {subset})"
    )
    bare_ok, reader_ok, rss_ok = bare_ratio <= GOAL_BARE_RATIO, reader_ratio >= GOAL_READER_RATIO, rss < GOAL_RSS_BYTES
    print(f"RATIO  ours / bare scan                  {bare_ratio:6.2f} x  goal <= 2 x     {verdict_of(bare_ok)}")
    print(f"RATIO  flowlogs-reader / ours per record {reader_ratio:6.1f} x  goal >= 20 x    {verdict_of(reader_ok)}")
    print(f"PEAK RSS of the aggregation              {rss / 2**20:6.0f} MiB goal < 1536 MiB {verdict_of(rss_ok)}")
    missed = not (matches and bare_ok and reader_ok and rss_ok)
    return 1 if arguments.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
