"""Benchmark: rake 1,000,000 rows to sex (2) x age group (5) x district (20) margins — ours
against svy, samplics and ipfn, interleaved round by round.

Each round runs every tool once, in turn, on the same data, so a change of machine load hits
all alike; CPU (process) and wall seconds are medians over ``--rounds`` with the load
average (``os.getloadavg``) at each round. Only the raking is timed: each tool's input (our
design, svy's Sample, samplics' margin frame, a fresh copy of ipfn's frame and its
aggregates) is prepared before the timer. Before timing, every peer's final weights are
compared with ours (same margins, same tolerance: they must agree to 1e-4 relative, the
tolerance's order) and the largest margin gap each reaches is printed. Peers are installed
with ``pip install -e ".[bench]"``; a missing or failing peer is reported, not fatal.

    python benchmarks/weighting.py [--rows 1000000] [--rounds 5] [--no-ipfn]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

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


# each tool: prepare(df, margins) -> state (untimed); rake(state) -> final weights (timed)
def rbm_prepare(df, margins):
    from rbm_surveys.surveys.design import SurveyDesign
    return SurveyDesign(df, weights="w"), margins


def rbm_rake(state):
    from rbm_surveys.surveys.weighting import rake
    design, margins = state
    return np.asarray(rake(design, margins, epsilon=TOL, maxit=100).weights)


def samplics_prepare(df, margins):
    warnings.simplefilter("ignore")
    from samplics.weighting import SampleWeight  # noqa: F401  (import untimed)
    return df["w"].to_numpy(), df[list(margins)], margins


def samplics_rake(state):
    from samplics.weighting import SampleWeight
    w, x, margins = state
    return np.asarray(SampleWeight().rake(w, x, control=margins, tol=TOL, ctrl_tol=TOL,
                                          max_iter=100))


def svy_prepare(df, margins):
    import polars as pl
    import svy
    data = pl.from_pandas(df.assign(_id=np.arange(len(df))))
    return svy.Sample(data, svy.Design(wgt="w")), margins


def svy_rake(state):
    sample, margins = state
    out = sample.weighting.rake(controls=margins, tol=TOL, max_iter=100, wgt_name="rk_wgt")
    return out.data["rk_wgt"].to_numpy()


def ipfn_prepare(df, margins):
    from ipfn import ipfn  # noqa: F401  (import untimed)
    aggregates = [pd.Series(v, name="w").rename_axis(k) for k, v in margins.items()]
    return df.copy(), aggregates, [[k] for k in margins]


def ipfn_rake(state):
    from ipfn import ipfn
    frame, aggregates, dims = state
    solver = ipfn.ipfn(frame, aggregates, dims, weight_col="w", convergence_rate=TOL,
                       max_iteration=100, verbose=1)
    out, _flag = solver.iteration()
    return out["w"].to_numpy()


TOOLS = {"ours": (rbm_prepare, rbm_rake), "svy": (svy_prepare, svy_rake),
         "samplics": (samplics_prepare, samplics_rake), "ipfn": (ipfn_prepare, ipfn_rake)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-ipfn", action="store_true", help="skip ipfn (the slowest)")
    args = ap.parse_args()
    df, margins = make_data(args.rows)
    print(f"raking {args.rows:,} rows to sex(2) + age(5) + district(20) margins, tolerance "
          f"{TOL:g}; {args.rounds} interleaved rounds; CPU = process time; medians")
    small, small_margins = make_data(2_000)
    ours_w = None
    tools = {}
    for name, (prepare, rake_fn) in TOOLS.items():
        if name == "ipfn" and args.no_ipfn:
            continue
        try:
            rake_fn(prepare(small, small_margins))          # warm-up: imports, caches
            w = rake_fn(prepare(df, margins))
        except Exception as exc:                             # a peer that fails is reported
            print(f"{name}: not run ({type(exc).__name__}: {str(exc)[:120]})")
            continue
        if name == "ours":
            ours_w = w
            print(f"check: ours reaches a largest margin gap of {max_gap(df, w, margins):.1e}")
        else:
            rel = float(np.max(np.abs(w / ours_w - 1)))
            print(f"check: {name} weights vs ours: largest relative difference {rel:.1e}; "
                  f"its largest margin gap {max_gap(df, w, margins):.1e}")
            assert rel < 1e-4, f"{name} computed different weights"
        tools[name] = (prepare, rake_fn)
    cpu: dict = {n: [] for n in tools}
    wall: dict = {n: [] for n in tools}
    loads = []
    for _ in range(args.rounds):
        loads.append(os.getloadavg()[0])
        for name, (prepare, rake_fn) in tools.items():
            state = prepare(df, margins)                     # untimed
            c0, w0 = time.process_time(), time.perf_counter()
            rake_fn(state)
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    print(f"load average (1 min) at the rounds: median {statistics.median(loads):.1f}, "
          f"min {min(loads):.1f}, max {max(loads):.1f} (2 cores)")
    base = statistics.median(cpu["ours"])
    print(f"{'tool':10s} {'CPU s':>8s} {'wall s':>8s} {'CPU ratio tool/ours':>20s}")
    for name in tools:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        ratio = "" if name == "ours" else f"{c / base:.1f}x"
        print(f"{name:10s} {c:8.3f} {w:8.3f} {ratio:>20s}")


if __name__ == "__main__":
    main()
