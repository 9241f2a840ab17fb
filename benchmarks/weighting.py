"""Benchmark: rake 1,000,000 rows to sex (2) x age group (5) x district (20) margins.

Prints, for rbm_surveys and for each peer installed (svy, samplics, ipfn; ``pip install svy
samplics ipfn``), the seconds to rake (median of --repeat runs, data already in memory, after
an untimed warm-up on 2,000 rows), the
iterations, the largest relative margin gap reached, and the ratio peer / rbm_surveys, all
run on the same data in the same run. Each peer runs in its own subprocess with a time box
(``--timeout``), so a slow or missing peer is reported, not fatal.

    python benchmarks/weighting.py [--rows 1000000] [--repeat 3] [--timeout 300]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd

TOL = 1e-6  # relative convergence tolerance asked of every tool


def make_data(rows: int, seed: int = 2024) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "sex": rng.choice(np.array(["F", "M"]), rows, p=[0.58, 0.42]),
        "age": rng.choice(np.array(["15-24", "25-34", "35-49", "50-64", "65+"]), rows,
                          p=[0.3, 0.25, 0.2, 0.15, 0.1]),
        "district": rng.choice(np.array([f"D{i:02d}" for i in range(20)]), rows),
        "w": rng.uniform(5.0, 50.0, rows),
    })
    total = float(df["w"].sum()) * 1.1
    pop_age = np.array([0.22, 0.24, 0.24, 0.18, 0.12])
    pop_d = rng.dirichlet(np.full(20, 5.0))
    margins = {
        "sex": {"F": 0.51 * total, "M": 0.49 * total},
        "age": dict(zip(["15-24", "25-34", "35-49", "50-64", "65+"], pop_age * total)),
        "district": {f"D{i:02d}": float(pop_d[i] * total) for i in range(20)},
    }
    return df, margins


def max_gap(df: pd.DataFrame, w: np.ndarray, margins: dict) -> float:
    gap = 0.0
    for var, target in margins.items():
        got = pd.Series(w).groupby(df[var].to_numpy()).sum()
        gap = max(gap, max(abs(got[k] / v - 1) for k, v in target.items()))
    return gap


def run_rbm(df, margins):
    from rbm_surveys.surveys.design import SurveyDesign
    from rbm_surveys.surveys.weighting import rake

    design = SurveyDesign(df, weights="w")
    t0 = time.perf_counter()
    out = rake(design, margins, epsilon=TOL, maxit=100)
    secs = time.perf_counter() - t0
    return secs, out.weighting_report.summary["iterations"], np.asarray(out.weights)


def run_samplics(df, margins):
    import warnings

    warnings.simplefilter("ignore")
    from samplics.weighting import SampleWeight

    x = df[list(margins)]
    t0 = time.perf_counter()
    w = SampleWeight().rake(df["w"].to_numpy(), x, control=margins, tol=TOL, ctrl_tol=TOL,
                            max_iter=100)
    return time.perf_counter() - t0, None, np.asarray(w)


def run_svy(df, margins):
    import polars as pl
    import svy

    data = pl.from_pandas(df.assign(_id=np.arange(len(df))))
    sample = svy.Sample(data, svy.Design(wgt="w"))
    t0 = time.perf_counter()
    out = sample.weighting.rake(controls=margins, tol=TOL, max_iter=100, wgt_name="rk_wgt")
    secs = time.perf_counter() - t0
    return secs, None, out.data["rk_wgt"].to_numpy()


def run_ipfn(df, margins):
    from ipfn import ipfn

    frame = df.copy()
    aggregates = [pd.Series(v, name="w").rename_axis(k) for k, v in margins.items()]
    t0 = time.perf_counter()
    solver = ipfn.ipfn(frame, aggregates, [[k] for k in margins], weight_col="w",
                       convergence_rate=TOL, max_iteration=100, verbose=1)
    out, flag = solver.iteration()
    secs = time.perf_counter() - t0
    return secs, None, out["w"].to_numpy()


RUNNERS = {"rbm_surveys": run_rbm, "svy": run_svy, "samplics": run_samplics, "ipfn": run_ipfn}


def child(name: str, rows: int, repeat: int) -> None:
    df, margins = make_data(rows)
    small, small_margins = make_data(2_000)
    RUNNERS[name](small, small_margins)  # warm-up (imports, caches) on a small sample, untimed
    times, iters, w = [], None, None
    for _ in range(repeat):
        secs, iters, w = RUNNERS[name](df, margins)
        times.append(secs)
    print(json.dumps({"seconds": float(np.median(times)), "iterations": iters,
                      "gap": max_gap(df, w, margins)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows, args.repeat)
        return
    print(f"raking {args.rows:,} rows to sex(2) + age(5) + district(20) margins, "
          f"tolerance {TOL:g}, median of {args.repeat}")
    results = {}
    for name in RUNNERS:
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", name, "--rows",
                                   str(args.rows), "--repeat", str(args.repeat)],
                                  capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"{name:12s} timed out after {args.timeout:g} s")
            continue
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode != 0 or not lines:
            err = (proc.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:12s} not run: {err[:150]}")
            continue
        results[name] = json.loads(lines[-1])
    base = results.get("rbm_surveys", {}).get("seconds")
    for name, r in results.items():
        ratio = f"{r['seconds'] / base:8.1f}x" if base else "      n/a"
        it = r["iterations"] if r["iterations"] is not None else "-"
        print(f"{name:12s} {r['seconds']:9.3f} s  iterations {it!s:>4}  "
              f"max margin gap {r['gap']:.1e}  ratio vs rbm_surveys {ratio}")


if __name__ == "__main__":
    main()
