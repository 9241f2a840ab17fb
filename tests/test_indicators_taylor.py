"""Estimation core against R survey 4.1-1 (values in tests/data/indicators, from the oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.surveys.indicators.run import ReportingRules, _finish
from rbm_surveys.surveys.indicators.taylor import (domain_estimates, make_design,
                                                   proportion_ci, psu_variance)

DATA = Path(__file__).parent / "data" / "indicators"
R = pd.read_csv(DATA / "r_survey_expected.csv").set_index("case")
DESIGNS = {
    "dclus1": ("apiclus1.csv", dict(weights="pw", ids="dnum", fpc="fpc")),
    "dstrat": ("apistrat.csv", dict(weights="pw", strata="stype", fpc="fpc")),
}


def _prop(design_name, yfun, by=None):
    file, kw = DESIGNS[design_name]
    d = pd.read_csv(DATA / file)
    des = make_design(d, **kw)
    y = yfun(d).to_numpy(dtype=float)[:, None]
    if by:
        codes, labels = pd.factorize(d[by], sort=True)
    else:
        codes, labels = np.zeros(len(d), dtype=np.int64), ["all"]
    p, Z, n, _ = domain_estimates(des, y, np.ones(len(d), bool), codes, len(labels))
    se = np.sqrt(psu_variance(des, Z))
    return des, p[:, 0], se[:, 0], n, list(labels)


@pytest.mark.parametrize("case,design,yfun", [
    ("clus1.ciprop.stypeH", "dclus1", lambda d: d["stype"] == "H"),
    ("strat.ciprop.awards", "dstrat", lambda d: d["awards"] == "Yes"),
])
def test_proportion_se_and_intervals_match_r(case, design, yfun):
    des, p, se, n, _ = _prop(design, yfun)
    ref = R.loc[f"{case}.logit"]
    assert p[0] == pytest.approx(ref["estimate"], rel=1e-10)
    assert se[0] == pytest.approx(ref["se"], rel=1e-9)
    assert des.df == ref["degf"]
    lo, hi, _ = proportion_ci(p, se, n, des.df, "logit")
    assert (lo[0], hi[0]) == pytest.approx((ref["ci_low"], ref["ci_high"]), rel=1e-8)
    beta = R.loc[f"{case}.beta"]
    lo, hi, used = proportion_ci(p, se, n, des.df, "korn-graubard")
    assert (lo[0], hi[0]) == pytest.approx((beta["ci_low"], beta["ci_high"]), rel=1e-6)
    assert used[0] == "korn-graubard"


@pytest.mark.parametrize("design,prefix", [("dclus1", "clus1"), ("dstrat", "strat")])
def test_domain_proportions_match_svyby(design, prefix):
    _, p, se, _, labels = _prop(design, lambda d: d["sch.wide"] == "Yes", by="stype")
    for lab, est, s in zip(labels, p, se):
        ref = R[(R.index == f"{prefix}.by_stype.mean.sch.wide") & (R["term"] == f"{lab}:sch.wideYes")]
        assert est == pytest.approx(ref["estimate"].iloc[0], rel=1e-10)
        assert s == pytest.approx(ref["se"].iloc[0], rel=1e-9)


def test_zero_percent_gets_korn_graubard_and_rules_apply():
    frame = pd.DataFrame({"indicator": "x", "estimate": [0.0, 0.4, 0.5],
                          "var": [0.0, 0.02**2, 0.2**2], "n": [50, 20, 40]})
    out = _finish(frame, make_design(pd.DataFrame({"w": [1.0] * 10}), "w"), ReportingRules())
    assert out.loc[0, "ci_method"] == "korn-graubard"
    assert out.loc[0, "ci_low"] == 0.0 and 0 < out.loc[0, "ci_high"] < 0.2
    assert bool(out.loc[1, "suppressed"]) and np.isnan(out.loc[1, "estimate"])
    assert out.loc[1, "flag"].startswith("suppressed")
    assert "cv > 30%" in out.loc[2, "flag"] and "effective n < 30" in out.loc[2, "flag"]
    assert not bool(out.loc[2, "suppressed"])


def test_raking_projection_equals_row_level_residuals():
    """The sufficient-statistics projection gives the SEs of weighting's R-parity residualizer."""
    from rbm_surveys.surveys.design import SurveyDesign
    from rbm_surveys.surveys.weighting import rake

    rng = np.random.default_rng(4)
    n = 3000
    frame = pd.DataFrame({"st": rng.integers(0, 4, n), "psu": rng.integers(0, 60, n),
                          "w": rng.uniform(1, 4, n), "sex": rng.choice(["f", "m"], n),
                          "grp": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
                          "y": rng.random(n) < 0.4})
    margins = {"sex": {"f": 3900.0, "m": 3600.0}, "grp": {"a": 3000.0, "b": 2500.0, "c": 2000.0}}
    raked = rake(SurveyDesign(frame, weights="w", strata="st", ids="psu", nest=True), margins)
    frame["rw"] = np.asarray(raked.weights)
    res = tuple(raked.calibration)
    codes = tuple(np.asarray(c) for r in res for c in getattr(r, "codes", ()))
    assert codes, "weighting's RakingResidualizer exposes its margin codes"
    slow = make_design(frame, "rw", "st", "psu", residualizers=res)
    fast = make_design(frame, "rw", "st", "psu", rake_codes=codes)
    fixed = make_design(frame, "rw", "st", "psu")
    y = frame["y"].to_numpy(float)[:, None]
    level, labels = pd.factorize(frame["grp"])
    d = np.ones(n, bool)
    v = {name: psu_variance(des, domain_estimates(des, y, d, level, len(labels))[1])
         for name, des in (("slow", slow), ("fast", fast), ("fixed", fixed))}
    assert np.allclose(v["fast"], v["slow"], rtol=1e-6)
    assert not np.allclose(v["fast"], v["fixed"], rtol=1e-3)  # calibration does change them


def test_same_answer_when_rows_shuffled_or_weights_rescaled():
    from rbm_surveys.surveys.indicators.run import run_indicators
    from rbm_surveys.surveys.indicators.simulate import draw_sample, simulate_population
    from rbm_surveys.surveys.indicators.spec import load_specs

    pop = simulate_population(size=12_000, seed=3, ea_size=150)
    sample = draw_sample(pop, seed=4, ea_per_stratum=6, per_ea=10)
    specs = [s for s in load_specs() if s.module in ("safety", "participation")]
    cols = ["indicator", "category", "disaggregation", "level"]

    def run(frame):
        des = make_design(frame, "base_weight", "stratum", "ea")
        return run_indicators(frame, specs, des).sort_values(cols).reset_index(drop=True)

    base = run(sample)
    shuffled = run(sample.sample(frac=1.0, random_state=1).reset_index(drop=True))
    scaled = run(sample.assign(base_weight=sample["base_weight"] * 7.5))
    for other in (shuffled, scaled):
        assert other[cols].equals(base[cols])
        for c in ("estimate", "se", "ci_low", "ci_high"):
            np.testing.assert_allclose(other[c], base[c], rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(scaled["n_weighted"], base["n_weighted"] * 7.5, rtol=1e-12)
