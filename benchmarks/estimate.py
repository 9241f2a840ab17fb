"""Benchmark: the 45-estimate table on a 1,000,000-row survey — ours against svy and samplics,
interleaved round by round.

Synthetic survey: 100 strata x 20 PSUs (2,000 PSUs), 3 binary indicators, sex (2) x age
group (4). The 45 estimates: proportion of each indicator overall, by sex, by age group and
by sex x age group, with SE, Korn-Graubard CI and design effect. Tasks (each includes
building the tool's design object, as a user's run does):

* ``taylor-table``  ours: ``SurveyDesign`` + one ``design.table()``; svy: ``Sample`` + 4
  ``prop`` calls (3 indicators each);
* ``taylor-calls``  the svyby way, 12 calls of one indicator by one disaggregation: ours
  ``design.proportion(y, by=b)``; svy ``prop([y], by=b)``; samplics 12 ``TaylorEstimator``;
* ``bootstrap``  200 Rao-Wu bootstrap replicates (creation + the 45 estimates): ours
  ``design.replicate("bootstrap")`` + ``table()``; svy ``create_bs_wgts`` + 4 ``prop``;
  samplics ``ReplicateWeight`` + 12 ``ReplicateEstimator``.

Fairness: inputs each tool needs (numpy arrays, polars frame, samplics' joined domain key)
are prepared before any timer; every round runs every (task, tool) pair once, in turn, so
a load change hits all tools alike; CPU (process) and wall seconds are reported as medians
over rounds with the machine's load average (``os.getloadavg``) at each round; before timing,
the numbers of ours and each peer are compared (estimates and Taylor SEs to 1e-6; bootstrap
SEs differ by the random draw, their ratio is printed). samplics is ~50x slower: it runs on a
slice (``--samplics-rows``, default 100,000 rows, whole strata) and ours is timed on the same
slice for its ratio — said in the output.

Usage: python benchmarks/estimate.py [--rows 1000000] [--rounds 5] [--reps 200]
       [--samplics-rows 100000] [--no-samplics] [--no-svy]
"""

from __future__ import annotations

import argparse
import os

# One BLAS thread for everybody (ours and peers): on a shared 2-core machine OpenBLAS's
# spinning threads make small matrix products 100x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from rbm_surveys import SurveyDesign  # noqa: E402

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


def whole_strata(df: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows cut back to whole strata (the frame is sorted by PSU)."""
    if rows >= len(df):
        return df
    last = df["stratum"].iloc[rows - 1]
    return df.iloc[:rows][df["stratum"].iloc[:rows] != last].reset_index(drop=True)


def _by_label(by) -> str:
    return "all" if by is None else "x".join([by] if isinstance(by, str) else by)


# ------------------------------------------------------------------------------- ours
def _design(df: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign(df, weights="weight", strata="stratum", ids="psu")


def ours_table(df: pd.DataFrame) -> pd.DataFrame:
    t = _design(df).table(INDICATORS, BYS, deff=True, ci="korn-graubard")
    return t[t["level"] == 1]


def ours_calls(df: pd.DataFrame) -> pd.DataFrame:
    d = _design(df)
    frames = [d.proportion(y, by=by, deff=True, ci="korn-graubard")
              for y in INDICATORS for by in BYS]
    t = pd.concat(frames, ignore_index=True)
    return t[t["level"] == 1]


def ours_boot(df: pd.DataFrame, reps: int) -> pd.DataFrame:
    r = _design(df).replicate("bootstrap", replicates=reps, seed=1)
    t = r.table(INDICATORS, BYS, ci="korn-graubard")
    return t[t["level"] == 1]


def ours_tidy(t: pd.DataFrame) -> pd.DataFrame:
    """(variable, by, domain) -> estimate, se."""
    by = np.full(len(t), "all", dtype=object)
    dom = np.full(len(t), "", dtype=object)
    for cols in (["sex", "age"], ["sex"], ["age"]):
        has = t[cols].notna().all(axis=1).to_numpy() & (by == "all")
        by[has] = "x".join(cols)
        dom[has] = t.loc[has, cols].astype(int).astype(str).agg("|".join, axis=1)
    return pd.DataFrame({"variable": t["variable"].to_numpy(), "by": by, "domain": dom,
                         "estimate": t["estimate"].to_numpy(), "se": t["se"].to_numpy()})


# ------------------------------------------------------------------------------- svy
def svy_inputs(df: pd.DataFrame):
    import polars as pl
    return pl.from_pandas(df)


def _svy_sample(frame):
    import svy
    return svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))


def svy_table(frame) -> list:
    s = _svy_sample(frame)
    return [(by, s.estimation.prop(INDICATORS, by=by, method="taylor",
                                   ci_method="korn-graubard", deff="wor")) for by in BYS]


def svy_calls(frame) -> list:
    s = _svy_sample(frame)
    return [(by, s.estimation.prop([y], by=by, method="taylor", ci_method="korn-graubard",
                                   deff="wor")) for y in INDICATORS for by in BYS]


def svy_boot(frame, reps: int) -> list:
    s = _svy_sample(frame)
    s = s.weighting.create_bs_wgts(n_reps=reps)
    return [(by, s.estimation.prop(INDICATORS, by=by, method="replication")) for by in BYS]


def svy_tidy(results: list) -> pd.DataFrame:
    rows = []
    for by, r in results:
        t = r.to_polars().to_pandas()
        cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
        for y in INDICATORS:
            if y not in t.columns:
                continue
            sub = t[(t[y] == 1) & ((t["y"] == y) if "y" in t.columns else True)]
            for _, row in sub.iterrows():
                dom = "|".join(str(int(row[c])) for c in cols)
                rows.append((y, _by_label(by), dom, row["est"], row["se"]))
    return pd.DataFrame(rows, columns=["variable", "by", "domain", "estimate", "se"])


# ------------------------------------------------------------------------------- samplics
def samplics_inputs(df: pd.DataFrame) -> dict:
    """Arrays and samplics' one-array domain keys (joined by-columns), built untimed."""
    out = {c: df[c].to_numpy() for c in ["weight", "stratum", "psu", *INDICATORS]}
    for by in BYS:
        if by is None:
            out[_by_label(by)] = None
        elif isinstance(by, str):
            out[_by_label(by)] = df[by].to_numpy()
        else:
            out[_by_label(by)] = (df[by[0]].astype(np.int64) * 10
                                  + df[by[1]].astype(np.int64)).to_numpy()
    return out


def samplics_calls(a: dict) -> list:
    from samplics import PopParam
    from samplics.estimation import TaylorEstimator
    out = []
    for y in INDICATORS:
        for by in BYS:
            est = TaylorEstimator(PopParam.prop, ciprop_method="logit")
            est.estimate(y=a[y], samp_weight=a["weight"], stratum=a["stratum"], psu=a["psu"],
                         domain=a[_by_label(by)], deff=True, remove_nan=False)
            out.append((y, by, est))
    return out


def samplics_boot(a: dict, reps: int) -> list:
    from samplics import PopParam, RepMethod
    from samplics.estimation import ReplicateEstimator
    from samplics.weighting import ReplicateWeight
    rw = ReplicateWeight(method=RepMethod.bootstrap, strat=True, nb_reps=reps, rand_seed=1)
    rep = rw.replicate(samp_weight=a["weight"], psu=a["psu"], stratum=a["stratum"],
                       rep_prefix="rw_")
    rep_w = rep.filter(like="rw_", axis=1).to_numpy()
    out = []
    for y in INDICATORS:
        for by in BYS:
            est = ReplicateEstimator(RepMethod.bootstrap, PopParam.prop).estimate(
                y=a[y], samp_weight=a["weight"], rep_weights=rep_w, rep_coefs=1 / reps,
                domain=a[_by_label(by)], remove_nan=False)
            out.append((y, by, est))
    return out


def samplics_tidy(results: list) -> pd.DataFrame:
    rows = []
    for y, by, est in results:
        point, se = est.point_est, est.stderror
        if by is None:
            point, se = {None: point}, {None: se}
        for dom in point:
            p = {int(k): v for k, v in point[dom].items()}[1]
            s = {int(k): v for k, v in se[dom].items()}[1]
            label = ("" if by is None else f"{int(dom) // 10}|{int(dom) % 10}"
                     if isinstance(by, list) else str(int(dom)))
            rows.append((y, _by_label(by), label, p, s))
    return pd.DataFrame(rows, columns=["variable", "by", "domain", "estimate", "se"])


# ------------------------------------------------------------------------------- checks
def compare(ours: pd.DataFrame, peer: pd.DataFrame, name: str, se_rtol: float | None) -> str:
    """Estimates (and SEs when ``se_rtol``) of ours and a peer, matched by key."""
    m = ours_tidy(ours).merge(peer, on=["variable", "by", "domain"], suffixes=("", "_peer"),
                              validate="one_to_one")
    if len(m) != len(ours):
        raise AssertionError(f"{name}: {len(m)} of {len(ours)} estimates matched")
    np.testing.assert_allclose(m["estimate"], m["estimate_peer"], rtol=1e-6,
                               err_msg=f"{name} estimates")
    ratio = m["se_peer"] / m["se"]
    if se_rtol is not None:
        np.testing.assert_allclose(m["se"], m["se_peer"], rtol=se_rtol, err_msg=f"{name} SE")
        return f"{name}: {len(m)} estimates and SEs equal (rtol 1e-6)"
    return (f"{name}: {len(m)} estimates equal; SE ratio peer/ours median "
            f"{ratio.median():.3f} (different random replicates)")


# ------------------------------------------------------------------------------- timing
def timed(fn, *args) -> tuple[float, float, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn(*args)
        return time.process_time() - c0, time.perf_counter() - w0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--samplics-rows", type=int, default=100_000)
    ap.add_argument("--no-samplics", action="store_true")
    ap.add_argument("--no-svy", action="store_true")
    a = ap.parse_args()
    df = make_survey(a.rows)
    print(f"survey: {a.rows:,} rows, 100 strata, 2,000 PSUs; {a.rounds} interleaved rounds; "
          f"CPU = process time; medians")
    ours_table(df.iloc[:20_000])                                   # warm-up imports
    tasks = [("taylor-table", "ours", ours_table, (df,)),
             ("taylor-calls", "ours", ours_calls, (df,)),
             ("bootstrap", "ours", ours_boot, (df, a.reps))]
    if not a.no_svy:
        frame = svy_inputs(df)
        checks = [compare(ours_table(df), svy_tidy(svy_table(frame)), "svy taylor-table", 1e-6),
                  compare(ours_calls(df), svy_tidy(svy_calls(frame)), "svy taylor-calls", 1e-6),
                  compare(ours_boot(df, a.reps), svy_tidy(svy_boot(frame, a.reps)),
                          "svy bootstrap", None)]
        tasks += [("taylor-table", "svy", svy_table, (frame,)),
                  ("taylor-calls", "svy", svy_calls, (frame,)),
                  ("bootstrap", "svy", svy_boot, (frame, a.reps))]
    else:
        checks = []
    if not a.no_samplics:
        small = whole_strata(df, a.samplics_rows)
        arrays = samplics_inputs(small)
        checks += [compare(ours_calls(small), samplics_tidy(samplics_calls(arrays)),
                           "samplics taylor-calls (slice)", 1e-6),
                   compare(ours_boot(small, a.reps), samplics_tidy(samplics_boot(arrays,
                                                                                  a.reps)),
                           "samplics bootstrap (slice)", None)]
        tasks += [("taylor-calls (slice)", "ours", ours_calls, (small,)),
                  ("taylor-calls (slice)", "samplics", samplics_calls, (arrays,)),
                  ("bootstrap (slice)", "ours", ours_boot, (small, a.reps)),
                  ("bootstrap (slice)", "samplics", samplics_boot, (arrays, a.reps))]
        print(f"samplics runs on a slice of {len(small):,} rows (whole strata); ours is timed "
              "on the same slice for those ratios")
    for line in checks:
        print("check:", line)
    cpu: dict = {}
    wall: dict = {}
    loads = []
    for _ in range(a.rounds):
        loads.append(os.getloadavg()[0])
        for task, tool, fn, args in tasks:
            c, w, _ = timed(fn, *args)
            cpu.setdefault((task, tool), []).append(c)
            wall.setdefault((task, tool), []).append(w)
    print(f"load average (1 min) at the rounds: median {statistics.median(loads):.1f}, "
          f"min {min(loads):.1f}, max {max(loads):.1f} (2 cores)")
    print(f"{'task':24s} {'tool':9s} {'CPU s':>9s} {'wall s':>9s} {'CPU ratio tool/ours':>20s}")
    for task, tool, _, _ in tasks:
        c = statistics.median(cpu[task, tool])
        w = statistics.median(wall[task, tool])
        ours = statistics.median(cpu[task, "ours"])
        ratio = "" if tool == "ours" else f"{c / ours:.1f}x"
        print(f"{task:24s} {tool:9s} {c:9.3f} {w:9.3f} {ratio:>20s}")
    t = statistics.median(cpu["taylor-table", "ours"])
    k = statistics.median(cpu["taylor-calls", "ours"])
    print(f"ours: 12 proportion() calls / one table() = {k / t:.2f} (CPU medians; per round: "
          + ", ".join(f"{x / y:.2f}" for x, y in zip(cpu["taylor-calls", "ours"],
                                                     cpu["taylor-table", "ours"])) + ")")


if __name__ == "__main__":
    main()
