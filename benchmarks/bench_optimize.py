"""Benchmark `vpccost optimize` on a generated estate against `vpccost compare` on the same input.

    python benchmarks/bench_optimize.py [--vpcs 300 --pairs 10000 --seed 1 --time-limit 60]
                                        [--allow peering,transit-gateway,privatelink,endpoints,nat]
                                        [--sizes 50,100,200,300]

Writes `benchmarks/data/optimize/{topology.yaml,traffic.csv,overrides.yaml}` (deterministic from the seed):
VPCs over 3 regions (us-east-1, us-east-2, us-west-2), communicating pairs (a few hubs with more spokes than
the default peering quota, ~10 % across regions, traffic both ways), and calls from every VPC to some of 5 AWS
services and the internet. Prices the snapshot lacks in us-west-2 are borrowed from other regions
(`bench_compare.missing_prices`), so the totals are not real AWS costs.

Prints the time of `vpccost.compare` (all five designs), then, for two cases — every option allowed (the
default) and the options of `--allow` (default: all but sharing, where the peering quota makes the model
choose which pairs to peer) — the time of `vpccost.optimize` (which also prices the five designs for the
savings), its ratio to compare's, whether the optimum is proven or the gap at the time limit, and the model's
size. Then how the model grows with the estate (variables, constraints, binaries, solve time at each size of
`--sizes`, every option allowed).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import vpccost
from vpccost.optimizer import optimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_compare import missing_prices, write_overrides

REGIONS = ("us-east-1", "us-east-2", "us-west-2")
AZS = {
    "us-east-1": ("use1-az1", "use1-az2", "use1-az4"),
    "us-east-2": ("use2-az1", "use2-az2", "use2-az3"),
    "us-west-2": ("usw2-az1", "usw2-az2", "usw2-az3"),
}
SERVICES = ("aws:s3", "aws:dynamodb", "aws:sqs", "aws:ecr", "aws:kms")
DATA_DIR = Path(__file__).resolve().parent / "data" / "optimize"


def generate(vpcs: int, pairs: int, seed: int, directory: Path) -> tuple[Path, Path, Path]:
    """Write a topology, a traffic matrix with `pairs` communicating VPC pairs, and synthetic price overrides."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    regions = [REGIONS[i % len(REGIONS)] if i < len(REGIONS) else str(rng.choice(REGIONS, p=[0.5, 0.3, 0.2]))
               for i in range(vpcs)]  # fmt: skip
    entries, az_lists = [], []
    for index, region in enumerate(regions):
        azs = list(AZS[region][: int(rng.integers(2, 4))])
        az_lists.append(azs)
        entries.append({"id": f"vpc-{index:05d}", "account": f"{100000000000 + index % 7}", "region": region,
                        "cidrs": [f"10.{index // 16}.{(index % 16) * 16}.0/20"], "azs": azs})  # fmt: skip
    topology = directory / "topology.yaml"
    topology.write_text(yaml.safe_dump({"network_account": "100000000000", "vpcs": entries}, sort_keys=False))
    # pairs: ~2 % of the VPCs are hubs, each talking to a share of the others (beyond the peering quota), the rest
    # at random, preferring the same region
    hubs = list(range(max(1, vpcs // 50)))
    chosen: set[tuple[int, int]] = set()
    for hub in hubs:
        for other in rng.choice(vpcs, size=min(vpcs - 1, 80), replace=False).tolist():
            if other != hub and len(chosen) < pairs // 2:
                chosen.add((min(hub, other), max(hub, other)))
    limit = min(pairs, vpcs * (vpcs - 1) // 2)
    while len(chosen) < limit:
        a, b = rng.integers(0, vpcs, size=2).tolist()
        if a != b and (regions[a] == regions[b] or rng.random() < 0.25):
            chosen.add((min(a, b), max(a, b)))
    rows = []
    for a, b in sorted(chosen):
        gb = float(np.round(rng.lognormal(2.0, 1.5), 3))
        src_az, dst_az = str(rng.choice(az_lists[a])), str(rng.choice(az_lists[b]))
        rows.append((entries[a]["id"], entries[b]["id"], src_az, dst_az, "src", gb))
        if rng.random() < 0.5:
            rows.append((entries[b]["id"], entries[a]["id"], dst_az, src_az, "dst", round(gb * 3, 3)))
    for index in range(vpcs):
        azs = az_lists[index]
        for service in rng.choice(SERVICES, size=int(rng.integers(1, 6)), replace=False).tolist():
            gb = float(np.round(rng.lognormal(2.5, 1.5), 3))
            rows.append((entries[index]["id"], service, str(rng.choice(azs)), "", "src", gb))
        if rng.random() < 0.6:
            rows.append(
                (entries[index]["id"], "internet", str(rng.choice(azs)), "", "src", round(rng.lognormal(1, 1), 3))
            )
    traffic = directory / "traffic.csv"
    frame = pd.DataFrame(rows, columns=["src", "dst", "src_az", "dst_az", "initiator", "gb"])
    frame.to_csv(traffic, index=False)
    overrides = directory / "overrides.yaml"
    write_overrides(missing_prices(vpccost.load_pricing(), REGIONS), overrides)
    return traffic, topology, overrides


NO_SHARING = "peering,transit-gateway,privatelink,endpoints,nat"


def report_case(label: str, allow: str | None, paths: tuple[Path, Path, Path], compare_s: float,
                time_limit_s: float) -> None:  # fmt: skip
    """Optimize one case and print its time, its ratio to compare's, its status, model size and totals."""
    traffic, topology, overrides = paths
    started = time.perf_counter()
    result = optimize(traffic, topology, overrides=overrides, allow=allow, time_limit_s=time_limit_s)
    optimize_s = time.perf_counter() - started
    print(f"{label} (--allow {allow or 'all'}):")
    print(
        f"  OPTIMIZE  vpccost.optimize (incl. compare)    {optimize_s:8.2f} s   "
        f"of which HiGHS {result.solve_seconds:.2f} s"
    )
    print(f"  RATIO     OPTIMIZE / COMPARE                  {optimize_s / compare_s:8.1f} x")
    gap = "proven optimal" if result.optimal else f"gap {result.gap}"
    goal = "OK" if result.optimal and result.solve_seconds <= 60 else "MISSED"
    print(f"  STATUS    {result.status}: {gap}   goal: proven within 60 s  {goal}")
    print(f"  MODEL     {result.model_variables} variables ({result.model_binaries} binary), "
          f"{result.model_constraints} constraints")  # fmt: skip
    print(f"  TOTALS    optimized {result.result.total_usd} (feasible {result.result.feasible})")
    chosen: dict[str, int] = {}
    for pair in result.pairs:
        chosen[str(pair.option)] = chosen.get(str(pair.option), 0) + 1
    for service in result.services:
        chosen[f"service:{service.option}"] = chosen.get(f"service:{service.option}", 0) + 1
    print(f"  CHOICES   {dict(sorted(chosen.items()))}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--sizes", default="50,100,200,300", help="VPC counts for the model-size table ('' skips)")
    parser.add_argument("--allow", default=NO_SHARING, help=f"the second case's --allow tokens (default {NO_SHARING})")
    args = parser.parse_args(argv)
    paths = generate(args.vpcs, args.pairs, args.seed, DATA_DIR)
    print(f"vpccost {vpccost.__version__} optimize benchmark: {args.vpcs} VPCs, {args.pairs} pairs, "
          f"{len(REGIONS)} regions, {len(SERVICES)} services, seed {args.seed}")  # fmt: skip
    started = time.perf_counter()
    comparison = vpccost.compare(paths[0], paths[1], overrides=paths[2])
    compare_s = time.perf_counter() - started
    cheapest = comparison.cheapest
    best = "—" if cheapest is None else f"{cheapest.design} {cheapest.total_usd}"
    print(f"  COMPARE   vpccost.compare, 5 designs          {compare_s:8.2f} s   cheapest pure: {best}")
    report_case("Every option", None, paths, compare_s, args.time_limit)
    report_case("Restricted", args.allow, paths, compare_s, args.time_limit)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if sizes:
        print("Model size as the estate grows (pairs at the same density as the main run, every option allowed):")
        print(
            f"  {'VPCs':>6} {'pairs':>7} {'variables':>10} {'constraints':>12} {'binaries':>9} {'solve s':>8}  status"
        )
        density = args.pairs / (args.vpcs * (args.vpcs - 1) / 2)
        for size in sizes:
            pairs = round(density * size * (size - 1) / 2)
            sized = generate(size, pairs, args.seed, DATA_DIR / f"size-{size}")
            run = optimize(sized[0], sized[1], overrides=sized[2], time_limit_s=args.time_limit)
            print(f"  {size:>6} {len(run.pairs):>7} {run.model_variables:>10} {run.model_constraints:>12} "
                  f"{run.model_binaries:>9} {run.solve_seconds:>8.2f}  {run.status}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
