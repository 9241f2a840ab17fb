"""Benchmark: the 45-estimate table on a 50-million-row partitioned Parquet survey, on Dask.

Synthetic survey written once to ``--dir`` (one Parquet file per million rows): 100 strata x
20 PSUs (2,000 PSUs), weights, 5 binary indicators, 3 disaggregations (sex 2, age group 4,
disability 2). The table: proportion of each indicator overall, by sex, by age group and by
disability — 5 indicators x 9 domains = 45 estimates of "indicator = 1" (the table also holds
the complementary level), Taylor SEs, logit intervals, deff.

Timed, interleaved round by round on the same machine:

* ``dask``: :class:`rbm_surveys.distributed.DaskDesign` over ``dd.read_parquet`` of the whole
  file on a LocalCluster of ``--workers`` processes with ``--memory-limit`` each (design
  creation + table; the Parquet read is part of every pass, as it would be for a user);
* ``in-memory``: :class:`SurveyDesign` + ``table()`` on a ``--slice``-row slice read with
  pandas (the read is timed separately).

It checks that the two agree on the slice (Dask run on the slice's files, 1e-10), and prints
wall and CPU seconds per million rows, each worker's peak resident memory (ru_maxrss), the
in-memory frame size, and the machine's load average.

Usage: python benchmarks/dask_scale.py [--rows 50000000] [--slice 5000000] [--rounds 2]
       [--workers 2] [--memory-limit 3GB] [--dir /tmp/rbm-dask-bench]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

INDICATORS = [f"y{i}" for i in range(1, 6)]
BYS = [None, "sex", "age", "disability"]
CHUNK = 1_000_000


def write_survey(folder: Path, rows: int, seed: int = 20261204) -> list[Path]:
    """One Parquet file per million rows; PSUs sorted so each file holds whole strata runs."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    n_files = max(1, rows // CHUNK)
    rng = np.random.default_rng(seed)
    psu_effect = rng.normal(0, 0.6, 2000)
    for k in range(n_files):
        path = folder / f"part-{k:04d}.parquet"
        files.append(path)
        if path.exists():
            continue
        r = np.random.default_rng(seed + k + 1)
        n = min(CHUNK, rows - k * CHUNK)
        psu = np.sort(r.integers(0, 2000, n)).astype(np.int32)
        df = pd.DataFrame({"stratum": (psu // 20).astype(np.int32), "psu": psu,
                           "weight": r.uniform(50, 150, n),
                           "sex": r.integers(1, 3, n).astype(np.int8),
                           "age": r.integers(1, 5, n).astype(np.int8),
                           "disability": (r.uniform(size=n) < 0.15).astype(np.int8)})
        for i, base in enumerate((-1.5, -0.5, 0.0, 0.7, 1.4)):
            p = 1 / (1 + np.exp(-(base + psu_effect[psu] + 0.2 * df["age"].to_numpy())))
            df[INDICATORS[i]] = (r.uniform(size=n) < p).astype(np.int8)
        tmp = path.with_suffix(".tmp")
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    return files


def dask_table(files: list[Path]) -> pd.DataFrame:
    import dask.dataframe as dd

    from rbm_surveys.distributed import DaskDesign

    design = DaskDesign(dd.read_parquet([str(f) for f in files]), weights="weight",
                        strata="stratum", ids="psu")
    return design.table(INDICATORS, BYS, deff=True, ci="logit")


def memory_table(frame: pd.DataFrame) -> pd.DataFrame:
    from rbm_surveys import SurveyDesign

    design = SurveyDesign(frame, weights="weight", strata="stratum", ids="psu")
    return design.table(INDICATORS, BYS, deff=True, ci="logit")


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _worker_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--slice", type=int, default=5_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="3GB")
    ap.add_argument("--dir", default="/tmp/rbm-dask-bench")
    args = ap.parse_args()

    from rbm_surveys.distributed import connect
    from rbm_surveys.distributed.cluster import close_client

    t0 = time.perf_counter()
    files = write_survey(Path(args.dir), args.rows)
    print(f"data: {len(files)} Parquet files, {args.rows:,} rows, "
          f"{sum(f.stat().st_size for f in files) / 1e9:.2f} GB on disk "
          f"(written or found in {time.perf_counter() - t0:.0f} s)")
    slice_files = files[: max(1, args.slice // CHUNK)]
    client = connect(workers=args.workers, memory_limit=args.memory_limit)
    try:
        # worker CPU is measured inside the workers (the client process only waits)
        def worker_cpu() -> float:
            t = os.times()
            return t.user + t.system

        # agreement on the slice: Dask over the slice's files vs the in-memory engine
        t_read = time.perf_counter()
        frame = pd.concat([pd.read_parquet(f) for f in slice_files], ignore_index=True)
        read_s = time.perf_counter() - t_read
        mem_bytes = int(frame.memory_usage(deep=True).sum())
        a = dask_table(slice_files).drop(columns="design")
        b = memory_table(frame).drop(columns="design")
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-10)
        print(f"check: Dask and in-memory tables agree on the {len(frame):,}-row slice "
              f"({len(a)} rows, rtol 1e-10)")
        dask_wall, dask_cpu, mem_wall, mem_cpu = [], [], [], []
        for r in range(args.rounds):
            w0 = sum(client.run(worker_cpu).values())
            t = time.perf_counter()
            tab = dask_table(files)
            dask_wall.append(time.perf_counter() - t)
            dask_cpu.append(sum(client.run(worker_cpu).values()) - w0)
            c0, t = _cpu(), time.perf_counter()
            memory_table(frame)
            mem_wall.append(time.perf_counter() - t)
            mem_cpu.append(_cpu() - c0)
            print(f"round {r + 1}: dask {dask_wall[-1]:.1f} s wall; in-memory slice "
                  f"{mem_wall[-1]:.2f} s wall; load {os.getloadavg()[0]:.2f}")
        peaks = client.run(_worker_peak)
        n_est = int(((tab["level"].astype(str) == "1")).sum())
    finally:
        close_client(client)
    mrows, srows = args.rows / 1e6, len(frame) / 1e6
    med = float(np.median(dask_wall))
    print(f"\nDask, {args.workers} workers x {args.memory_limit}: {med:.1f} s wall "
          f"({med / mrows:.3f} s per million rows), worker CPU {np.median(dask_cpu):.1f} s "
          f"({np.median(dask_cpu) / mrows:.3f} s per million rows); {n_est} estimates")
    print("peak resident memory per worker: "
          + ", ".join(f"{v / 1e9:.2f} GB" for v in peaks.values()))
    print(f"in-memory on the {srows:.0f}M-row slice: {np.median(mem_wall):.2f} s wall "
          f"({np.median(mem_wall) / srows:.3f} s per million rows), CPU "
          f"{np.median(mem_cpu):.2f} s; pandas read {read_s:.1f} s; frame "
          f"{mem_bytes / 1e9:.2f} GB, so the full file would need "
          f"~{mem_bytes / srows * mrows / 1e9:.1f} GB in pandas")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
