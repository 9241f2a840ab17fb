"""Confidence intervals, quantiles and domain bookkeeping beyond the oracle cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rbm_surveys import SurveyDesign


@pytest.fixture()
def clustered():
    rng = np.random.default_rng(11)
    n = 600
    psu = np.repeat(np.arange(30), 20)
    return pd.DataFrame({
        "stratum": psu % 3, "psu": psu, "w": rng.uniform(1, 4, n),
        "never": np.zeros(n, dtype=int), "always": np.ones(n, dtype=int),
        "y": rng.gamma(2, 10, n), "group": rng.choice(["a", "b"], n),
        "rare": (rng.uniform(size=n) < 0.03).astype(int),
    })


def _design(df):
    return SurveyDesign(df, weights="w", strata="stratum", ids="psu")


@pytest.mark.parametrize("method", ["korn-graubard", "beta", "wilson"])
def test_proportion_ci_at_zero_and_one(clustered, method):
    d = _design(clustered)
    zero = d.proportion("never", ci=method, levels=[0, 1])
    one = zero[zero["level"] == 1].iloc[0]
    assert one["estimate"] == 0 and one["ci_low"] == 0 and 0 < one["ci_high"] < 0.05
    full = d.proportion("always", ci=method, levels=[0, 1])
    top = full[full["level"] == 1].iloc[0]
    assert top["estimate"] == 1 and top["ci_high"] == 1 and 0.95 < top["ci_low"] < 1


def test_korn_graubard_uses_domain_n_and_df(clustered):
    d = _design(clustered)
    out = d.proportion("rare", by="group", ci="korn-graubard")
    for g, sub in clustered.groupby("group"):
        row = out[(out["group"] == g) & (out["level"] == 1)].iloc[0]
        assert row["n"] == len(sub)
        assert row["df"] == sub["psu"].nunique() - sub["stratum"].nunique()
        assert 0 <= row["ci_low"] <= row["estimate"] <= row["ci_high"] <= 1


def test_t_interval_uses_domain_df(clustered):
    df = clustered.assign(group=np.where(clustered["psu"] < 6, "few", "many"))
    out = _design(df).mean("y", by="group", ci="t").set_index("group")
    assert out.loc["few", "df"] == 6 - 3 and out.loc["many", "df"] == 24 - 3
    half = out.loc["few", "ci_high"] - out.loc["few", "estimate"]
    np.testing.assert_allclose(half, stats.t.ppf(0.975, 3) * out.loc["few", "se"])


def test_missing_values_are_zero_weighted_not_dropped(clustered):
    d = _design(clustered.assign(y=clustered["y"].where(clustered["psu"] != 0)))
    full = _design(clustered)
    out = d.mean("y", ci="t")
    assert out["n"].iloc[0] == 580
    assert out["df"].iloc[0] == full.degf   # R: df of the design, not of the rows with y
    assert d.degf == full.degf                         # the design itself is unchanged


def test_quantiles_by_domain_and_rules(clustered):
    d = _design(clustered)
    q = d.quantile("y", [0.25, 0.5, 0.75], by="group")
    assert list(q["quantile"]) == [0.25, 0.5, 0.75] * 2
    for g, sub in q.groupby("group"):
        assert np.all(np.diff(sub["estimate"]) > 0)
        assert np.all((sub["ci_low"] <= sub["estimate"]) & (sub["estimate"] <= sub["ci_high"]))
    mids = {r: d.quantile("y", 0.5, rule=r)["estimate"].iloc[0] for r in ("math", "school", "hf7")}
    assert min(mids.values()) > 0


def test_deff_replace_and_cv(clustered):
    d = _design(clustered)
    a = d.mean("y", deff=True).iloc[0]
    b = d.mean("y", deff="replace").iloc[0]
    assert a["deff"] > 0 and b["deff"] > 0 and a["deff"] != b["deff"]
    np.testing.assert_allclose(a["cv"], a["se"] / a["estimate"])
    np.testing.assert_allclose(a["n_weighted"], clustered["w"].sum())
    np.testing.assert_allclose(a["n_eff"], a["n"] / a["deff"])
    assert np.isnan(d.mean("y").iloc[0]["n_eff"])            # needs deff


def test_ratio_deff_matches_r(data_dir):
    """R survey 4.1-1: deff(svyratio(~api.stu, ~enroll, dclus1, deff=TRUE)),
    deff(svyratio(..., dstrat, deff="replace")), svyby(~api.stu, ~stype, denominator=~enroll,
    dclus1, svyratio, deff=TRUE)."""
    d = data_dir / "oracle" / "data"
    clus1 = pd.read_csv(d / "apiclus1.csv", dtype={"cds": str})
    strat = pd.read_csv(d / "apistrat.csv", dtype={"cds": str})
    dc = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    ds = SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")
    np.testing.assert_allclose(dc.ratio("api.stu", "enroll", deff=True)["deff"],
                               [4.33931144088747], rtol=1e-9)
    np.testing.assert_allclose(ds.ratio("api.stu", "enroll", deff="replace")["deff"],
                               [0.573973444140571], rtol=1e-9)
    by = dc.ratio("api.stu", "enroll", by="stype", deff=True)
    np.testing.assert_allclose(by["deff"], [6.52511943049409, 1.85889975022216,
                                            2.21156703346885], rtol=1e-9)
    np.testing.assert_allclose(by["se"], [0.0125336085965047, 0.0147260732432733,
                                          0.0111420286695725], rtol=1e-9)
