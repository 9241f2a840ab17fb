"""Benchmark: the 45-estimate table on a 1,000,000-row survey, Taylor and bootstrap.

Synthetic survey: 100 strata x 20 PSUs (2,000 PSUs), 3 binary indicators, sex (2) x age
group (4). The table: proportion of each indicator overall, by sex, by age group and by
sex x age group (3 x 15 = 45 estimates) with SE, Korn-Graubard CI and deff. Timed:

* Taylor linearisation (design creation + table, all four disaggregations from one pass
  with ``design.table``; also timed as four separate ``proportion`` calls);
* 200 Rao-Wu bootstrap replicates (replicate creation + table);

and the same with the peers on the same data in the same process when installed
(``pip install rbm_surveys[bench]``): samplics (TaylorEstimator / ReplicateEstimator) and
svy (Sample.estimation.prop). A peer is time-boxed: it is first timed on a slice, and when the
full run would take more than ``--peer-budget`` seconds it runs on a capped number of rows
(printed) and its time is scaled linearly to the full size (marked "extrapolated").

Usage: python benchmarks/estimate.py [--rows 1000000] [--reps 200] [--peer-budget 120]
"""

from __future__ import annotations

import argparse
import os

# One BLAS thread for everybody (ours and peers): on a shared 2-core machine OpenBLAS's
# spinning threads make small matrix products 100x slower. Override with --threads.
if "--threads" not in " ".join(os.sys.argv):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from rbm_surveys import SurveyDesign

INDICATORS = ["y1", "y2", "y3"]
BYS = [None, "sex", "age", ["sex", "age"]]


def make_survey(rows: int, seed: int = 20240601) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_strata, psu_per = 100, 20
    psu = np.sort(rng.integers(0, n_strata * psu_per, rows))
    stratum = psu // psu_per
    psu_effect = rng.normal(0, 0.6, n_strata * psu_per)[psu]
    df = pd.DataFrame({
        "stratum": stratum.astype(np.int32),
        "psu": psu.astype(np.int32),
        "weight": rng.uniform(50, 150, rows),
        "sex": rng.integers(1, 3, rows).astype(np.int8),
        "age": rng.integers(1, 5, rows).astype(np.int8),
    })
    for i, base in enumerate((-1.0, 0.0, 1.2)):
        p = 1 / (1 + np.exp(-(base + psu_effect + 0.2 * df["age"].to_numpy())))
        df[INDICATORS[i]] = (rng.uniform(size=rows) < p).astype(np.int8)
    return df


def our_table(design) -> pd.DataFrame:
    """The 45 estimates: one pass for all four disaggregations (``design.table``)."""
    t = design.table(INDICATORS, BYS, deff=True, ci="korn-graubard")
    return t[t["level"] == 1]


def our_table_by_calls(design) -> pd.DataFrame:
    """The same table from four separate ``proportion`` calls (one pass each)."""
    frames = [design.proportion(INDICATORS, by=by, deff=True, ci="korn-graubard")
              for by in BYS]
    t = pd.concat(frames, ignore_index=True)
    return t[t["level"] == 1]


def run_ours(df: pd.DataFrame, reps: int) -> dict:
    out = {}
    tracemalloc.start()
    t0 = time.perf_counter()
    d = SurveyDesign(df, weights="weight", strata="stratum", ids="psu")
    tab = our_table(d)
    out["taylor_s"] = time.perf_counter() - t0
    assert len(tab) == 45, len(tab)
    t0 = time.perf_counter()
    r = d.replicate("bootstrap", replicates=reps, seed=1)
    tab_b = our_table(r)
    out["boot_s"] = time.perf_counter() - t0
    assert len(tab_b) == 45
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["peak_mb"] = peak / 2 ** 20
    out["table"] = tab
    return out


# ------------------------------------------------------------------------------- peers
def _samplics_domain(df: pd.DataFrame, by) -> np.ndarray | None:
    """samplics takes one domain array: join several by-columns into one key."""
    if by is None:
        return None
    keys = [by] if isinstance(by, str) else by
    if len(keys) == 1:
        return df[keys[0]].to_numpy()
    return df[keys].astype(str).agg("_".join, axis=1).to_numpy()


def samplics_taylor(df: pd.DataFrame) -> None:
    from samplics import PopParam
    from samplics.estimation import TaylorEstimator
    for y in INDICATORS:
        for by in BYS:
            dom = _samplics_domain(df, by)
            est = TaylorEstimator(PopParam.prop, ciprop_method="logit")
            est.estimate(y=df[y].to_numpy(), samp_weight=df["weight"].to_numpy(),
                         stratum=df["stratum"].to_numpy(), psu=df["psu"].to_numpy(),
                         domain=dom, deff=True, remove_nan=False)


def samplics_boot(df: pd.DataFrame, reps: int) -> None:
    from samplics import PopParam, RepMethod
    from samplics.estimation import ReplicateEstimator
    from samplics.weighting import ReplicateWeight
    rw = ReplicateWeight(method=RepMethod.bootstrap, strat=True, nb_reps=reps, rand_seed=1)
    rep = rw.replicate(samp_weight=df["weight"].to_numpy(), psu=df["psu"].to_numpy(),
                       stratum=df["stratum"].to_numpy(), rep_prefix="rw_")
    rep_w = rep.filter(like="rw_", axis=1).to_numpy()
    for y in INDICATORS:
        for by in BYS:
            dom = _samplics_domain(df, by)
            ReplicateEstimator(RepMethod.bootstrap, PopParam.prop).estimate(
                y=df[y].to_numpy(), samp_weight=df["weight"].to_numpy(), rep_weights=rep_w,
                rep_coefs=1 / reps, domain=dom, remove_nan=False)


def _svy_sample(df: pd.DataFrame):
    import polars as pl
    import svy
    design = svy.Design(stratum="stratum", psu="psu", wgt="weight")
    return svy.Sample(pl.from_pandas(df), design)


def svy_taylor(df: pd.DataFrame) -> None:
    s = _svy_sample(df)
    for by in BYS:
        s.estimation.prop(INDICATORS, by=by, method="taylor", ci_method="korn-graubard",
                          deff="wor")


def svy_boot(df: pd.DataFrame, reps: int) -> None:
    s = _svy_sample(df)
    s = s.weighting.create_bs_wgts(n_reps=reps) if hasattr(s.weighting, "create_bs_wgts") \
        else s.weighting.bootstrap(n_reps=reps)
    for by in BYS:
        s.estimation.prop(INDICATORS, by=by, method="replication")


def _head(df: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows cut back to whole strata (the frame is sorted by PSU), so that
    no stratum of a capped slice is left with a single PSU."""
    if rows >= len(df):
        return df
    last = df["stratum"].iloc[rows - 1]
    return df.iloc[:rows][df["stratum"].iloc[:rows] != last]


def timed_peer(name: str, fn, df: pd.DataFrame, budget: float, *args) -> tuple[str, float, int]:
    """Run ``fn`` on the data (or a capped slice), return (status, seconds for full rows, rows)."""
    rows = len(df)
    probe = min(rows, 25_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            probe_df = _head(df, probe)
            fn(probe_df, *args)
            t_probe = time.perf_counter() - t0
            if probe == rows:
                return "measured", t_probe, rows
            predicted = t_probe * rows / len(probe_df)
            run_df = df if predicted <= budget else _head(
                df, max(probe, int(rows * budget / predicted)))
            run_rows = len(run_df)
            t0 = time.perf_counter()
            fn(run_df, *args)
            t = time.perf_counter() - t0
    except Exception as exc:                       # a peer that fails is reported, not fatal
        return f"failed: {type(exc).__name__}: {str(exc)[:120]}", float("nan"), 0
    if run_rows == rows:
        return "measured", t, rows
    return f"extrapolated from {run_rows:,} rows", t * rows / run_rows, run_rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--peer-budget", type=float, default=120.0)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--threads", action="store_true", help="keep the default BLAS threads")
    a = ap.parse_args()
    df = make_survey(a.rows)
    frame_mb = df.memory_usage(deep=True).sum() / 2 ** 20
    print(f"survey: {a.rows:,} rows, 100 strata, 2,000 PSUs, frame {frame_mb:.1f} MB")
    our_table(SurveyDesign(df.iloc[:1000], weights="weight", strata="stratum", ids="psu",
                           lonely_psu="remove"))                          # warm-up imports
    best = min((run_ours(df, a.reps) for _ in range(3)), key=lambda r: r["taylor_s"])
    t0 = time.perf_counter()
    by_calls = our_table_by_calls(SurveyDesign(df, weights="weight", strata="stratum", ids="psu"))
    t_calls = time.perf_counter() - t0
    np.testing.assert_allclose(by_calls["se"].to_numpy(), best["table"]["se"].to_numpy(),
                               rtol=1e-10)
    print(f"rbm_surveys Taylor table (45 estimates): {best['taylor_s']:.3f} s")
    print(f"rbm_surveys Taylor, 4 separate proportion() calls instead of table(): "
          f"{t_calls:.3f} s")
    print(f"rbm_surveys bootstrap {a.reps} replicates (create + table): {best['boot_s']:.3f} s")
    print(f"rbm_surveys peak traced memory: {best['peak_mb']:.1f} MB "
          f"({best['peak_mb'] / frame_mb:.2f} x the input frame)")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if a.no_peers:
        return
    peers = [("samplics Taylor", samplics_taylor, (), "taylor_s"),
             ("samplics bootstrap", samplics_boot, (a.reps,), "boot_s"),
             ("svy Taylor", svy_taylor, (), "taylor_s"),
             ("svy bootstrap", svy_boot, (a.reps,), "boot_s")]
    for name, fn, args, key in peers:
        status, secs, _ = timed_peer(name, fn, df, a.peer_budget, *args)
        if np.isfinite(secs):
            print(f"{name}: {secs:.2f} s ({status}); ratio peer/ours = {secs / best[key]:.1f}x")
        else:
            print(f"{name}: {status}")


if __name__ == "__main__":
    main()
