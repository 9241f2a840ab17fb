"""Benchmark: a 20-contrast table and a 10-coefficient logistic model on a 1,000,000-row survey.

Synthetic survey: 100 strata x 20 PSUs (2,000 PSUs), a score ``y``, a 0/1 outcome ``b``,
21 districts, 4 continuous covariates, age group (4) and region (3).

* Contrast table: mean of ``y`` by district (21 estimates) with their covariance, and the
  20 gaps of each district to district 0 with SE, t-CI and p-value.
  Ours: ``joint_estimates`` + ``contrast`` (R: ``svyby(~y, ~district, d, svymean,
  covmat=TRUE)`` + ``svycontrast``). svy: ``estimation.mean(by=) .contrast``. samplics:
  ``TaylorEstimator(domain=)`` then ``c' V c``; samplics 0.6 keeps only each domain's
  variance (no covariance between domains), so its SEs differ: timed only. statsmodels has no
  design-based SE: a weighted least-squares fit on district dummies + ``t_test`` of the 20
  differences with its (non-design) covariance, timed only.
* Logistic model: ``b ~ x1 + x2 + x3 + x4 + age + region`` (10 coefficients), quasi-binomial
  with Taylor (stratified, clustered) sandwich SEs. Ours: ``glm`` (R: ``svyglm(...,
  family=quasibinomial())``). svy: ``glm.fit(family="binomial")``. samplics: ``SurveyGLM``.
  statsmodels: ``GLM(Binomial, var_weights=w)`` with a cluster-robust covariance by PSU
  (no strata, no design df: timed only).

Rounds are interleaved (ours, peer, ours, peer, ...) and each timed call reports wall and CPU
time; the load average is printed before and after. Numbers are checked against ours where the
peer computes the same thing (estimates always, SEs where the peer is design-based).

Usage: python benchmarks/compare.py [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os

if "--threads" not in " ".join(os.sys.argv):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import time
import warnings

import numpy as np
import pandas as pd

from rbm_surveys import SurveyDesign, contrast, glm, joint_estimates

N_DISTRICTS = 21
FORMULA = "b ~ x1 + x2 + x3 + x4 + C(age) + C(region)"


def make_survey(rows: int, seed: int = 20261204) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_strata, psu_per = 100, 20
    psu = np.sort(rng.integers(0, n_strata * psu_per, rows))
    effect = rng.normal(0, 0.5, n_strata * psu_per)[psu]
    df = pd.DataFrame({
        "stratum": (psu // psu_per).astype(np.int32), "psu": psu.astype(np.int32),
        "weight": rng.uniform(50, 150, rows),
        "district": rng.integers(0, N_DISTRICTS, rows).astype(np.int16),
        "age": rng.integers(1, 5, rows).astype(np.int8),
        "region": rng.integers(1, 4, rows).astype(np.int8)})
    for j in range(1, 5):
        df[f"x{j}"] = rng.normal(0, 1, rows)
    df["y"] = 50 + 2 * df["district"] % 7 + 10 * effect + rng.normal(0, 10, rows)
    eta = (-0.3 + 0.4 * df["x1"] - 0.2 * df["x2"] + 0.1 * df["x3"] + 0.15 * df["age"]
           - 0.2 * df["region"] + effect)
    df["b"] = (rng.uniform(size=rows) < 1 / (1 + np.exp(-eta))).astype(np.float64)
    return df


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


# ---------------------------------------------------------------------------- contrast table
def ours_contrasts(df):
    design = SurveyDesign(df, weights="weight", strata="stratum", ids="psu")
    est = joint_estimates(design, "mean", "y", by="district")
    ref = "district=0:y"
    spec = {f"d{i}": {f"district={i}:y": 1, ref: -1} for i in range(1, N_DISTRICTS)}
    return contrast(est, spec)[["estimate", "se"]].to_numpy()


def svy_contrasts(df):
    import polars as pl
    import svy
    s = svy.Sample(pl.from_pandas(df), svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    e = s.estimation.mean("y", by="district", method="taylor")
    keys = e.keys()
    c = e.contrast({f"d{i}": {keys[i]: 1, keys[0]: -1} for i in range(1, N_DISTRICTS)})
    t = c.to_polars()
    return np.column_stack([t["est"].to_numpy(), t["se"].to_numpy()])


def samplics_contrasts(df):
    from samplics import PopParam
    from samplics.estimation import TaylorEstimator
    est = TaylorEstimator(PopParam.mean)
    est.estimate(y=df["y"].to_numpy(), samp_weight=df["weight"].to_numpy(),
                 stratum=df["stratum"].to_numpy(), psu=df["psu"].to_numpy(),
                 domain=df["district"].to_numpy())
    doms = sorted(est.point_est)
    theta = np.array([est.point_est[d] for d in doms])
    cov = est.covariance
    if isinstance(cov[doms[0]], dict):
        v = np.array([[cov[a][b] for b in doms] for a in doms])
    else:              # samplics 0.6 keeps each domain's variance only: no covariances
        v = np.diag([float(cov[d]) for d in doms])
    c = np.zeros((N_DISTRICTS - 1, N_DISTRICTS))
    c[:, 0] = -1
    c[np.arange(N_DISTRICTS - 1), np.arange(1, N_DISTRICTS)] = 1
    return np.column_stack([c @ theta, np.sqrt(np.einsum("ik,kl,il->i", c, v, c))])


def statsmodels_contrasts(df):
    import statsmodels.api as sm
    x = pd.get_dummies(df["district"], prefix="d", dtype=float)        # cell means
    fit = sm.WLS(df["y"].to_numpy(), x.to_numpy(), weights=df["weight"].to_numpy()).fit()
    c = np.zeros((N_DISTRICTS - 1, N_DISTRICTS))
    c[:, 0] = -1
    c[np.arange(N_DISTRICTS - 1), np.arange(1, N_DISTRICTS)] = 1
    t = fit.t_test(c)
    return np.column_stack([np.ravel(t.effect), np.ravel(t.sd)])


# ---------------------------------------------------------------------------- logistic model
def ours_logistic(df):
    design = SurveyDesign(df, weights="weight", strata="stratum", ids="psu")
    return glm(design, FORMULA, family="quasibinomial").coefficients[["estimate", "se"]] \
        .to_numpy()


def svy_logistic(df):
    import polars as pl
    import svy
    s = svy.Sample(pl.from_pandas(df), svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    g = s.glm.fit("b", x=["x1", "x2", "x3", "x4", svy.Cat("age"), svy.Cat("region")],
                  family="binomial", method="taylor")
    t = g.coefs if isinstance(g.coefs, pd.DataFrame) else g.to_polars()
    t = t.to_pandas() if hasattr(t, "to_pandas") else t
    est = [c for c in t.columns if c.lower() in ("coef", "coef.", "est", "estimate")][0]
    se = [c for c in t.columns if c.lower().startswith("std") or c.lower() == "se"][0]
    return t[[est, se]].to_numpy(dtype=float)


def samplics_logistic(df):
    from samplics import ModelType, SurveyGLM
    m = SurveyGLM(ModelType.LOGISTIC)
    m.estimate(y=df["b"].to_numpy(), x=df[["x1", "x2", "x3", "x4"]].to_numpy(),
               x_cat=df[["age", "region"]].to_numpy(), x_labels=["x1", "x2", "x3", "x4"],
               x_cat_labels=["age", "region"], samp_weight=df["weight"].to_numpy(),
               stratum=df["stratum"].to_numpy(), psu=df["psu"].to_numpy(), add_intercept=True)
    return np.column_stack([m.beta["point_est"], m.beta["stderror"]])


def statsmodels_logistic(df):
    import statsmodels.api as sm
    x = pd.concat([df[["x1", "x2", "x3", "x4"]],
                   pd.get_dummies(df["age"], prefix="age", drop_first=True, dtype=float),
                   pd.get_dummies(df["region"], prefix="region", drop_first=True,
                                  dtype=float)], axis=1)
    x.insert(0, "Intercept", 1.0)
    fit = sm.GLM(df["b"].to_numpy(), x.to_numpy(), family=sm.families.Binomial(),
                 var_weights=df["weight"].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": df["psu"].to_numpy()})
    return np.column_stack([fit.params, fit.bse])


TASKS = {
    "20-contrast table": (ours_contrasts, {"svy": (svy_contrasts, True),
                                           "samplics": (samplics_contrasts, False),
                                           "statsmodels": (statsmodels_contrasts, False)}),
    "10-coefficient logistic": (ours_logistic, {"svy": (svy_logistic, True),
                                                "samplics": (samplics_logistic, True),
                                                "statsmodels": (statsmodels_logistic, False)}),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    df = make_survey(args.rows)
    print(f"rows {args.rows:,}; {df['psu'].nunique()} PSUs in {df['stratum'].nunique()} "
          f"strata; load average before: {os.getloadavg()}")
    for task, (ours, peers) in TASKS.items():
        print(f"\n== {task}")
        ours(df.head(20_000))                                     # warm-up (imports)
        results: dict[str, list] = {"ours": []}
        values: dict[str, np.ndarray] = {}
        for name, (fn, _) in peers.items():
            try:
                fn(df.head(20_000))
                results[name] = []
            except Exception as exc:
                print(f"   {name}: cannot run this ({type(exc).__name__}: {exc})"[:160])
        for _ in range(args.rounds):                               # interleaved rounds
            for name in results:
                fn = ours if name == "ours" else peers[name][0]
                try:
                    out, wall, cpu = timed(lambda: fn(df))
                except Exception as exc:
                    print(f"   {name}: failed ({type(exc).__name__}: {exc})"[:160])
                    results[name].append((np.nan, np.nan))
                    continue
                results[name].append((wall, cpu))
                values[name] = out
        base = np.nanmedian([w for w, _ in results["ours"]])
        for name, times in results.items():
            wall = np.nanmedian([w for w, _ in times])
            cpu = np.nanmedian([c for _, c in times])
            check = ""
            if name != "ours" and name in values:
                a, b = values["ours"], values[name]
                if a.shape == b.shape:
                    est = np.max(np.abs(a[:, 0] - b[:, 0]) / np.abs(a[:, 0]))
                    se = np.max(np.abs(a[:, 1] - b[:, 1]) / np.abs(a[:, 1]))
                    design_se = peers[name][1]
                    check = (f"max rel diff: estimate {est:.1e}, SE {se:.1e}"
                             + ("" if design_se else " (not the same SE: time only)"))
                else:
                    check = f"shape {b.shape} vs ours {a.shape}: not compared"
            print(f"   {name:12s} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
                  f"x{wall / base:6.1f} of ours  {check}")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
