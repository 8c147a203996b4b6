"""Benchmark `vpccost.compare` on a large synthetic estate against a pandas-only baseline.

    python benchmarks/bench_compare.py [--vpcs 2000 --flows 200000 --regions 6 --seed 1 --repeat 3] [--profile]

Writes `benchmarks/data/{topology.yaml,traffic.csv,overrides.yaml}` (deterministic from the seed), then
measures, alternating and `--repeat` times (median of each):

- BASELINE: `pandas.read_csv(traffic.csv)` and a groupby-sum of `gb` over the row key;
- VPCCOST: `vpccost.compare(traffic.csv, topology.yaml, overrides=overrides.yaml)`, all five designs,
  with `vpccost.load_topology(topology.yaml)` timed alone to split the total;
- STAGES: the stages of `compare` called one by one through vpccost's internals.

and the peak RSS of a child process that runs one compare. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

import vpccost
from vpccost.analyses.service_access import service_access
from vpccost.designs import DESIGNS
from vpccost.model.estate import build_estate
from vpccost.model.usage import Settings
from vpccost.pricing.catalog import Catalog
from vpccost.pricing.engine import price

IntArray = npt.NDArray[np.int64]

REGIONS: tuple[str, ...] = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-northeast-1")
AZ_IDS: dict[str, tuple[str, ...]] = {
    "us-east-1": tuple(f"use1-az{n}" for n in range(1, 7)),
    "us-east-2": tuple(f"use2-az{n}" for n in range(1, 4)),
    "us-west-2": tuple(f"usw2-az{n}" for n in range(1, 5)),
    "eu-west-1": tuple(f"euw1-az{n}" for n in range(1, 4)),
    "ap-southeast-1": tuple(f"apse1-az{n}" for n in range(1, 4)),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
}
REGION_WEIGHTS = (3.0, 2.0, 2.0, 1.5, 1.0, 1.0)
"""How VPCs spread over the regions (the first regions hold more)."""
SERVICES: tuple[str, ...] = ("aws:s3", "aws:dynamodb", "aws:sqs", "aws:ecr")
INTERNET = "internet"

SERVICE_SHARE = 0.20
INTERNET_SHARE = 0.10
CROSS_REGION_SHARE = 0.10
"""Of the VPC-to-VPC rows."""
HUB_SHARE_OF_VPCS = 0.01
HUB_SHARE_OF_TRAFFIC = 0.40
"""About 1 % of the VPCs of each region are hubs; about 40 % of VPC-to-VPC rows go to (or come from) one."""
RESPONSE_SHARE = 0.35
"""VPC-to-VPC rows that carry the responder's bytes back (src is the responder, initiator dst)."""

KEY_COLUMNS = ["src", "dst", "src_az", "dst_az", "initiator"]
SYNTHETIC_SOURCE = "benchmark: synthetic price"
ITEMS: tuple[str, ...] = (
    "nat_gateway_hours",
    "nat_gateway_bytes",
    "public_ipv4_in_use_hours",
    "transit_gateway_attachment_hours",
    "transit_gateway_peering_hours",
    "transit_gateway_bytes",
    "vpc_endpoint_hours",
    "vpc_endpoint_bytes",
    "vpc_peering_out_bytes",
    "vpc_peering_in_bytes",
    "data_transfer_regional_bytes",
    "data_transfer_internet_out_bytes",
    "nlb_hours",
    "nlb_nlcu_hours",
)
INTER_REGION_ITEM = "data_transfer_inter_region_bytes"

GOAL_RATIO = 10.0
GOAL_PEAK_KIB = 2 * 1024 * 1024
PROFILE_TOP = 25


# ---- the synthetic estate --------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    topology: Path
    traffic: Path
    overrides: Path


@dataclass(frozen=True)
class Estate:
    """The generated VPCs, column-wise: VPC code -> id, name, account, region code, AZ IDs."""

    accounts: list[str]
    network_account: str
    ids: list[str]
    names: list[str]
    account: IntArray
    region: IntArray
    azs: list[tuple[str, ...]]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class Composition:
    vpc_rows: int
    cross_region_rows: int
    service_rows: int
    internet_rows: int


def cidr_for(index: int) -> str:
    """The index-th /20 of 10.0.0.0/8, then 100.64.0.0/10, then 172.16.0.0/12: never overlapping."""
    for first, second_start, count in ((10, 0, 4096), (100, 64, 1024), (172, 16, 256)):
        if index < count:
            return f"{first}.{second_start + index // 16}.{(index % 16) * 16}.0/20"
        index -= count
    raise ValueError("more VPCs than non-overlapping private /20 blocks (5,376)")


def generate_estate(rng: np.random.Generator, vpcs: int, regions: Sequence[str]) -> Estate:
    account_count = int(rng.integers(3, 11))
    numbers = rng.choice(9 * 10**11, size=account_count, replace=False) + 10**11
    accounts = [f"{int(number):012d}" for number in numbers]
    weights = np.array(REGION_WEIGHTS[: len(regions)])
    region = rng.choice(len(regions), size=vpcs, p=weights / weights.sum()).astype(np.int64)
    region[: len(regions)] = np.arange(len(regions))  # every region holds at least one VPC
    account = rng.integers(0, account_count, size=vpcs).astype(np.int64)
    azs: list[tuple[str, ...]] = []
    for code in region.tolist():
        zones = AZ_IDS[regions[code]]
        picked = rng.choice(len(zones), size=int(rng.integers(2, 4)), replace=False)
        azs.append(tuple(zones[i] for i in sorted(picked.tolist())))
    # an odd multiplier is a bijection modulo 2^64: distinct, random-looking VPC ids
    ids = [f"vpc-0{(index * 0x9E3779B97F4A7C15 + 0x5EED) % 2**64:016x}" for index in range(vpcs)]
    names = [f"bench-{regions[code]}-{index:05d}" for index, code in enumerate(region.tolist())]
    return Estate(accounts, accounts[0], ids, names, account, region, azs, tuple(regions))


def write_topology(estate: Estate, path: Path, seed: int) -> None:
    lines = [
        f"# Synthetic benchmark estate: {len(estate.ids)} VPCs, {len(estate.accounts)} accounts, "
        f"{len(estate.regions)} regions (bench_compare.py, seed {seed}).",
        f'network_account: "{estate.network_account}"',
        "vpcs:",
    ]
    for code, vpc_id in enumerate(estate.ids):
        lines += [
            f"  - id: {vpc_id}",
            f"    name: {estate.names[code]}",
            f'    account: "{estate.accounts[int(estate.account[code])]}"',
            f"    region: {estate.regions[int(estate.region[code])]}",
            f"    cidrs: [{cidr_for(code)}]",
            f"    azs: [{', '.join(estate.azs[code])}]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _random_az(
    rng: np.random.Generator, az_table: npt.NDArray[np.int64], az_count: IntArray, vpc: IntArray
) -> IntArray:
    """A random AZ code of each flow's VPC."""
    pick = (rng.random(len(vpc)) * az_count[vpc]).astype(np.int64)
    chosen: IntArray = az_table[vpc, pick]
    return chosen


def generate_traffic(rng: np.random.Generator, estate: Estate, flows: int) -> tuple[pd.DataFrame, Composition]:
    """Unique rows by (src, dst, src_az, dst_az, initiator), built on integer codes: endpoint codes are
    VPC codes, then the internet, then the services; AZ codes index `az_names`, -1 for none."""
    vpcs = len(estate.ids)
    internet_code = vpcs
    service_codes = np.arange(len(SERVICES), dtype=np.int64) + vpcs + 1
    az_names = sorted({az for zones in estate.azs for az in zones})
    az_code = {az: code for code, az in enumerate(az_names)}
    az_count = np.array([len(zones) for zones in estate.azs], dtype=np.int64)
    az_table = np.full((vpcs, 3), -1, dtype=np.int64)
    for code, zones in enumerate(estate.azs):
        az_table[code, : len(zones)] = [az_code[az] for az in zones]
    vpc_az_pairs = [(code, az) for code in range(vpcs) for az in az_table[code, : az_count[code]].tolist()]
    pair_vpc = np.array([vpc for vpc, _ in vpc_az_pairs], dtype=np.int64)
    pair_az = np.array([az for _, az in vpc_az_pairs], dtype=np.int64)

    def outside_rows(target: int, outside: IntArray) -> pd.DataFrame:
        """Rows between every (VPC, AZ) and each `outside` endpoint, both directions, either initiator:
        the whole key space, sampled without replacement (VPC-initiated rows 4x as likely)."""
        space = len(pair_vpc) * len(outside) * 4
        index = np.arange(space, dtype=np.int64)
        pair, rest = index // (len(outside) * 4), index % (len(outside) * 4)
        other, combo = outside[rest // 4], rest % 4
        vpc_sends = combo < 2  # combos 0, 1: VPC -> outside; 2, 3: outside -> VPC
        src_initiates = combo % 2 == 0
        vpc_initiates = vpc_sends == src_initiates
        weight = np.where(vpc_initiates, 4.0, 1.0)
        chosen = np.sort(rng.choice(space, size=min(target, space), replace=False, p=weight / weight.sum()))
        vpc, az, other, sends, initiates = (
            pair_vpc[pair[chosen]],
            pair_az[pair[chosen]],
            other[chosen],
            vpc_sends[chosen],
            src_initiates[chosen],
        )
        return pd.DataFrame(
            {
                "src": np.where(sends, vpc, other),
                "dst": np.where(sends, other, vpc),
                "src_az": np.where(sends, az, -1),
                "dst_az": np.where(sends, -1, az),
                "src_initiates": initiates,
                "hub": False,
            }
        )

    internet = outside_rows(round(flows * INTERNET_SHARE), np.array([internet_code], dtype=np.int64))
    services = outside_rows(round(flows * SERVICE_SHARE), service_codes)
    vpc_target = flows - len(internet) - len(services)  # a key space too small for a share goes to VPC rows

    regions = len(estate.regions)
    members = [np.flatnonzero(estate.region == code) for code in range(regions)]
    hubs = [group[: max(1, round(len(group) * HUB_SHARE_OF_VPCS))] for group in members]
    between = pd.DataFrame(columns=["src", "dst", "src_az", "dst_az", "src_initiates", "hub"])
    while len(between) < vpc_target:
        batch = int((vpc_target - len(between)) * 1.2) + 64
        client = rng.integers(0, vpcs, size=batch)
        cross = (rng.random(batch) < CROSS_REGION_SHARE) if regions > 1 else np.zeros(batch, dtype=bool)
        shift = rng.integers(1, max(regions, 2), size=batch)
        target_region = np.where(cross, (estate.region[client] + shift) % regions, estate.region[client])
        to_hub = rng.random(batch) < HUB_SHARE_OF_TRAFFIC
        server = np.empty(batch, dtype=np.int64)
        for code in range(regions):
            here = target_region == code
            pool_hub, pool_any = hubs[code], members[code]
            server[here] = np.where(
                to_hub[here],
                pool_hub[rng.integers(0, len(pool_hub), size=int(here.sum()))],
                pool_any[rng.integers(0, len(pool_any), size=int(here.sum()))],
            )
        response = rng.random(batch) < RESPONSE_SHARE
        src = np.where(response, server, client)
        dst = np.where(response, client, server)
        batch_rows = pd.DataFrame(
            {
                "src": src,
                "dst": dst,
                "src_az": _random_az(rng, az_table, az_count, src),
                "dst_az": _random_az(rng, az_table, az_count, dst),
                "src_initiates": ~response,
                "hub": to_hub,
            }
        )
        between = pd.concat([between, batch_rows], ignore_index=True) if len(between) else batch_rows
        between = between.drop_duplicates(["src", "dst", "src_az", "dst_az", "src_initiates"])
    between = between.iloc[:vpc_target]

    codes = pd.concat([between, services, internet], ignore_index=True)
    codes = codes.iloc[rng.permutation(len(codes))].reset_index(drop=True)
    gb = np.maximum(rng.lognormal(mean=2.0, sigma=1.8, size=len(codes)), 0.001)
    gb = np.where(codes["hub"].to_numpy(dtype=bool), gb * 5, gb)
    endpoint_names = np.array([*estate.ids, INTERNET, *SERVICES], dtype=object)
    az_lookup = np.array([*az_names, ""], dtype=object)  # -1 picks the trailing ""
    src = codes["src"].to_numpy(dtype=np.int64)
    dst = codes["dst"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            "src": endpoint_names[src],
            "dst": endpoint_names[dst],
            "src_az": az_lookup[codes["src_az"].to_numpy(dtype=np.int64)],
            "dst_az": az_lookup[codes["dst_az"].to_numpy(dtype=np.int64)],
            "initiator": np.where(codes["src_initiates"].to_numpy(dtype=bool), "src", "dst"),
            "gb": np.round(gb, 3),
        }
    )
    if frame.duplicated(KEY_COLUMNS).any():
        raise AssertionError("generated traffic has duplicate keys")
    both_vpc = (src < vpcs) & (dst < vpcs)
    cross_region = both_vpc & (estate.region[np.minimum(src, vpcs - 1)] != estate.region[np.minimum(dst, vpcs - 1)])
    composition = Composition(
        vpc_rows=int(both_vpc.sum()),
        cross_region_rows=int(cross_region.sum()),
        service_rows=len(services),
        internet_rows=len(internet),
    )
    return frame, composition


# ---- synthetic prices for what the snapshot lacks ---------------------------------------------------


@dataclass(frozen=True)
class MissingPrice:
    item: str
    region: str
    to_region: str | None
    usage_type: str
    price_usd: Decimal


def missing_prices(catalog: Catalog, regions: Sequence[str]) -> list[MissingPrice]:
    """Every (item, region[, to_region]) the designs may need in `regions` that `catalog` cannot price, with
    a usage type and price borrowed from the same item elsewhere."""
    wanted: list[tuple[str, str, str | None]] = [(item, region, None) for item in ITEMS for region in regions]
    wanted += [(INTER_REGION_ITEM, a, b) for a in regions for b in regions if a != b]
    found = []
    for item, region, to_region in wanted:
        try:
            catalog.get(item, region, to_region)
        except vpccost.MissingPriceError:
            usage_type, price_usd = _borrowed(catalog, item, region, to_region)
            found.append(MissingPrice(item, region, to_region, usage_type, price_usd))
    return found


def _borrowed(catalog: Catalog, item: str, region: str, to_region: str | None) -> tuple[str, Decimal]:
    prefixes = catalog.snapshot.usage_type_prefixes
    prefix = prefixes.get(region, region.upper())
    siblings = sorted(
        (e for e in catalog.entries() if e.item == item and (e.to_region is None) == (to_region is None)),
        key=lambda e: (e.region != "us-east-1", e.to_region != "*", e.region, e.to_region or ""),
    )
    price_usd = siblings[0].flat_price_usd if siblings else Decimal("0.01")
    if to_region is not None:
        return f"{prefix}-{prefixes.get(to_region, to_region.upper())}-AWS-Out-Bytes", price_usd
    for sibling in siblings:
        sibling_prefix = prefixes.get(sibling.region, sibling.region.upper())
        if sibling.usage_type.startswith(f"{sibling_prefix}-"):
            return f"{prefix}-{sibling.usage_type.removeprefix(f'{sibling_prefix}-')}", price_usd
    suffix = siblings[0].usage_type if siblings else item
    return f"{prefix}-{suffix}", price_usd


def write_overrides(missing: Sequence[MissingPrice], path: Path) -> None:
    lines = [
        "# Synthetic prices for what the bundled snapshot lacks in the benchmark's regions (bench_compare.py):",
        "# each borrows the price of the same item in another region. Not AWS prices.",
        "overrides:" if missing else "overrides: []",
    ]
    for entry in missing:
        lines += [f"  - item: {entry.item}", f"    region: {entry.region}"]
        if entry.to_region is not None:
            lines.append(f"    to_region: {entry.to_region}")
        lines += [
            f'    usage_type: "{entry.usage_type}"',
            f'    price_usd: "{format(entry.price_usd, "f")}"',
            f'    source: "{SYNTHETIC_SOURCE}"',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(args: argparse.Namespace, data_dir: Path) -> tuple[Paths, Estate, Composition, int]:
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = Paths(data_dir / "topology.yaml", data_dir / "traffic.csv", data_dir / "overrides.yaml")
    rng = np.random.default_rng(args.seed)
    regions = REGIONS[: args.regions]
    estate = generate_estate(rng, args.vpcs, regions)
    write_topology(estate, paths.topology, args.seed)
    frame, composition = generate_traffic(rng, estate, args.flows)
    frame.to_csv(paths.traffic, index=False, float_format="%.3f")
    missing = missing_prices(vpccost.load_pricing(), regions)
    write_overrides(missing, paths.overrides)
    still_missing = missing_prices(vpccost.load_pricing(overrides=paths.overrides), regions)
    if still_missing:
        raise SystemExit(f"overrides did not add {[(m.item, m.region, m.to_region) for m in still_missing]}")
    return paths, estate, composition, len(missing)


# ---- measurements -----------------------------------------------------------------------------------


def timed(function: Callable[[], object]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def baseline(paths: Paths) -> pd.Series:
    frame = pd.read_csv(paths.traffic)
    sums: pd.Series = frame.groupby(KEY_COLUMNS)["gb"].sum()
    return sums


def run_compare(paths: Paths) -> vpccost.Comparison:
    return vpccost.compare(paths.traffic, paths.topology, overrides=paths.overrides)


def check_priced(result: vpccost.Comparison) -> None:
    unpriced = {d.design: d.missing_prices for d in result.designs if not d.priced}
    if unpriced:
        details = "\n".join(f"  {name}: {'; '.join(missing)}" for name, missing in unpriced.items())
        raise SystemExit(f"FAIL: designs not priced (the overrides miss prices):\n{details}")
    if len(result.designs) != len(DESIGNS):
        raise SystemExit(f"FAIL: {len(result.designs)} designs priced, expected {len(DESIGNS)}")


@dataclass(frozen=True)
class DesignSummary:
    design: str
    total_usd: Decimal | None
    line_items: int
    problems: int


def measured_compare(paths: Paths) -> tuple[float, list[DesignSummary], int]:
    """Time one compare, check every design is priced, and keep only a summary: a Comparison kept alive
    (about a million objects) would slow the garbage collections of the next compare."""
    seconds, result = timed(lambda: run_compare(paths))
    check_priced(result)
    summary = [DesignSummary(d.design, d.total_usd, len(d.line_items), len(d.problems)) for d in result.ranked]
    return seconds, summary, len(result.service_access)


def stage_times(paths: Paths) -> dict[str, float]:
    """The stages of `compare`, one by one (the same calls compare makes)."""
    times: dict[str, float] = {}

    def stage(name: str, function: Callable[[], Any]) -> Any:
        seconds, result = timed(function)
        times[name] = seconds
        return result

    catalog = stage("load_pricing + overrides", lambda: vpccost.load_pricing(overrides=paths.overrides))
    topology = stage("load_topology", lambda: vpccost.load_topology(paths.topology))
    traffic = stage("load_traffic", lambda: vpccost.load_traffic(paths.traffic))
    estate = stage("build_estate", lambda: build_estate(traffic, topology))
    options = Settings()
    period = Decimal(730)
    for name, design in DESIGNS.items():
        usage = stage(f"design {name}", partial(design.usage, estate, options))
        stage(f"price {name}", partial(price, usage, catalog, period_hours=period))
    stage("service_access", lambda: service_access(estate, catalog, options))
    return times


CHILD_COMPARE = """
import sys, vpccost
result = vpccost.compare(sys.argv[1], sys.argv[2], overrides=sys.argv[3])
sys.exit(0 if all(d.priced for d in result.designs) else 3)
"""
CHILD_BASELINE = """
import sys, pandas
pandas.read_csv(sys.argv[1]).groupby(["src", "dst", "src_az", "dst_az", "initiator"])["gb"].sum()
"""
CHILD_IMPORT = "import vpccost, pandas, numpy"
# Runs `python -c CODE ARGS...` and prints its peak RSS. On Linux a child's ru_maxrss starts at the RSS of
# the process that forked it (the high-water mark survives fork and exec), so the child must be started by
# this small launcher, not by the benchmark process, whose own RSS is by then larger than a compare's.
LAUNCHER = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-c", *sys.argv[1:]], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def child_peak_kib(code: str, *args: str) -> int:
    """Peak RSS [KiB] of a fresh `python -c code args...`: RUSAGE_CHILDREN, read by a small launcher."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"FAIL: the child process failed (exit {done.returncode}):\n{done.stderr}")
    maxrss = int(done.stdout.split()[-1])
    return maxrss // 1024 if sys.platform == "darwin" else maxrss  # bytes on macOS, KiB on Linux


def peak_memory(paths: Paths) -> tuple[int, int, int]:
    """Peak RSS [KiB] of a child running one compare, of one running the baseline, and of one that only
    imports vpccost (the floor: interpreter and libraries)."""
    compare_kib = child_peak_kib(CHILD_COMPARE, str(paths.traffic), str(paths.topology), str(paths.overrides))
    return compare_kib, child_peak_kib(CHILD_BASELINE, str(paths.traffic)), child_peak_kib(CHILD_IMPORT)


@dataclass(frozen=True)
class ProfileRow:
    file_name: str
    line_number: int
    function: str
    calls: str
    tottime: float
    cumtime: float

    @property
    def label(self) -> str:
        if self.file_name == "~":  # built-in
            return self.function
        return f"{_short_path(self.file_name)}:{self.line_number}({self.function})"


def profile_compare(paths: Paths) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    result = run_compare(paths)
    profiler.disable()
    check_priced(result)
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = vars(stats)["stats"]  # not in typeshed
    rows = [
        ProfileRow(file, line, function, str(nc) if nc == cc else f"{nc}/{cc}", tt, ct)
        for (file, line, function), (cc, nc, tt, ct, _) in raw.items()
    ]
    total = max(row.cumtime for row in rows)
    print(f"\nProfile of one compare (cProfile: {total:.2f} s, slower than unprofiled)")
    by_cumulative = sorted(rows, key=lambda row: -row.cumtime)
    _print_profile(f"Top {PROFILE_TOP} functions by cumulative time", by_cumulative[:PROFILE_TOP], total)
    own = [row for row in by_cumulative if "/vpccost/" in row.file_name]
    _print_profile(f"Top {PROFILE_TOP} vpccost functions by cumulative time", own[:PROFILE_TOP], total)
    by_self = sorted(rows, key=lambda row: -row.tottime)
    _print_profile("Top 15 functions by own time (tottime)", by_self[:15], total)


def _print_profile(title: str, rows: Sequence[ProfileRow], total: float) -> None:
    print(f"\n  {title}:")
    print(f"  {'cumtime s':>9} {'cum %':>6} {'tottime s':>9} {'calls':>15}  function")
    for row in rows:
        print(f"  {row.cumtime:9.3f} {100 * row.cumtime / total:6.1f} {row.tottime:9.3f} {row.calls:>15}  {row.label}")


def _short_path(path: str) -> str:
    for marker in ("/site-packages/", "/src/", "/lib/python3.11/", "/benchmarks/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


# ---- the report -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--vpcs", type=int, default=2000, help="VPCs in the estate (default 2000)")
    parser.add_argument("--flows", type=int, default=200_000, help="traffic rows (default 200000)")
    parser.add_argument("--regions", type=int, default=6, choices=range(1, len(REGIONS) + 1), help="1-6 (default 6)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the estate (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each kind (median; default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile one compare under cProfile")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal (ratio, memory) is missed")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).resolve().parent / "data", help="where to write the inputs"
    )
    args = parser.parse_args(argv)
    if args.vpcs < max(2, args.regions) or args.flows < 10 or args.repeat < 1:
        parser.error("need --vpcs >= max(2, --regions), --flows >= 10 and --repeat >= 1")

    seconds, (paths, estate, composition, synthetic) = timed(lambda: generate(args, args.data_dir))
    size_mb = paths.traffic.stat().st_size / 1e6
    print(
        f"vpccost {vpccost.__version__} benchmark: {args.vpcs} VPCs, {args.flows} flows, {args.regions} regions, "
        f"seed {args.seed}, median of {args.repeat} (Python {sys.version.split()[0]}, pandas {pd.__version__}, "
        f"numpy {np.__version__})"
    )
    print(f"vpccost source: {_source_state()}")
    print(f"Generated in {seconds:.1f} s under {args.data_dir}:")
    print(f"  topology.yaml   {args.vpcs} VPCs in {len(estate.accounts)} accounts over {', '.join(estate.regions)}")
    print(
        f"  traffic.csv     {args.flows} rows, {size_mb:.1f} MB: {composition.vpc_rows} VPC-VPC "
        f"({composition.cross_region_rows} cross-region), {composition.service_rows} VPC-AWS service, "
        f"{composition.internet_rows} VPC-internet"
    )
    print(f"  overrides.yaml  {synthetic} synthetic prices the snapshot lacks")

    # warm-up: imports, caches, and the check that every design is priced
    baseline(paths)
    warm_seconds, summary, service_rows = measured_compare(paths)

    measured: dict[str, list[float]] = {"baseline": [], "compare": [], "topology": []}
    stages: list[dict[str, float]] = []
    for _ in range(args.repeat):
        measured["baseline"].append(timed(lambda: baseline(paths))[0])
        seconds, summary, service_rows = measured_compare(paths)
        measured["compare"].append(seconds)
        measured["topology"].append(timed(lambda: vpccost.load_topology(paths.topology))[0])
        stages.append(stage_times(paths))
    base, full, topology = (statistics.median(measured[key]) for key in ("baseline", "compare", "topology"))
    ratio = full / base
    children_kib, baseline_kib, import_kib = peak_memory(paths)

    ok_ratio, ok_memory = ratio <= GOAL_RATIO, children_kib < GOAL_PEAK_KIB
    print(f"\nTimes (median of {args.repeat}; first compare, a warm-up, not counted: {warm_seconds:.2f} s)")
    _line("BASELINE  pandas read_csv + groupby-sum", f"{base:8.3f} s")
    _line(f"VPCCOST   vpccost.compare, {len(DESIGNS)} designs", f"{full:8.3f} s")
    _line("  of which load_topology", f"{topology:8.3f} s  ({100 * topology / full:.0f} %)")
    _line(
        "  the rest (pricing, traffic, estate, designs)",
        f"{full - topology:8.3f} s  ({100 - 100 * topology / full:.0f} %)",
    )
    _line("RATIO     VPCCOST / BASELINE", f"{ratio:8.1f} x    goal <= {GOAL_RATIO:g} x      {_verdict(ok_ratio)}")
    _line(
        "PEAK RSS  child running one compare", f"{children_kib / 1024:8.0f} MiB  goal < 2048 MiB  {_verdict(ok_memory)}"
    )
    _line("          child running the baseline", f"{baseline_kib / 1024:8.0f} MiB")
    _line("          child only importing vpccost", f"{import_kib / 1024:8.0f} MiB")
    print(f"  runs [s]: {_runs(measured)}")

    names = list(stages[0])
    median_stage = {name: statistics.median(run[name] for run in stages) for name in names}
    stage_total = sum(median_stage.values())
    print(f"\nStages of compare, called one by one (median of {args.repeat}; sum {stage_total:.3f} s)")
    for name in sorted(names, key=lambda n: -median_stage[n]):
        share = 100 * median_stage[name] / stage_total
        print(f"  {name:<32} {median_stage[name]:8.3f} s {share:6.1f} %  {'#' * round(share / 2)}")

    print("\nDesigns (all priced)")
    for design in summary:
        total = f"{design.total_usd:,.2f}" if design.total_usd is not None else "-"
        flag = f"  ({design.problems} feasibility problems)" if design.problems else ""
        print(f"  {design.design:<16} {total:>18} USD  {design.line_items:>7} line items{flag}")
    print(f"  service-access comparisons: {service_rows}")

    if args.profile:
        profile_compare(paths)
    if args.check and not (ok_ratio and ok_memory):
        return 1
    return 0


def _source_state() -> str:
    """The commit of the vpccost source tree and its uncommitted changes under src/ (others edit it)."""
    root = Path(vpccost.__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=root, capture_output=True, text=True)
    except OSError:
        return f"{root} (git not available)"
    if head.returncode != 0:
        return f"{root} (not a git checkout)"
    changed = len(dirty.stdout.splitlines())
    return f"{root} at {head.stdout.strip()}" + (
        f" + uncommitted changes in {changed} files under src/" if changed else ""
    )


def _line(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


def _runs(measured: dict[str, list[float]]) -> str:
    return "; ".join(f"{key} " + ", ".join(f"{value:.2f}" for value in values) for key, values in measured.items())


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
