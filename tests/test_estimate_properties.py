"""Identities every design must satisfy (hypothesis property tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbm_surveys import SurveyDesign

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def surveys(draw):
    """A stratified cluster sample: 2-4 strata, 2-5 PSUs each, 1-6 units per PSU."""
    seed = draw(st.integers(0, 2 ** 31 - 1))
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(draw(st.integers(2, 4))):
        for c in range(draw(st.integers(2, 5))):
            for _ in range(int(rng.integers(1, 7))):
                rows.append((h, c))
    h, c = np.array(rows).T
    n = len(h)
    return pd.DataFrame({
        "stratum": h, "psu": c, "w": rng.uniform(0.5, 20, n).round(3),
        "y": rng.normal(50, 10, n).round(2), "x": rng.uniform(1, 5, n).round(2),
        "dom": rng.choice(["u", "v", "z"], n), "b": rng.integers(0, 2, n),
    })


def _design(df, weights="w"):
    return SurveyDesign(df, weights=weights, strata="stratum", ids="psu", nest=True)


@SETTINGS
@given(surveys(), st.floats(0.01, 1000))
def test_scaling_weights_leaves_means_and_ses(df, k):
    a = _design(df).mean(["y", "x"], by="dom")
    b = _design(df.assign(w=df["w"] * k)).mean(["y", "x"], by="dom")
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-9)
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-7, atol=1e-12)
    t = _design(df.assign(w=df["w"] * k)).total("y")
    np.testing.assert_allclose(t["estimate"], _design(df).total("y")["estimate"] * k,
                               rtol=1e-9)


@SETTINGS
@given(surveys())
def test_domain_equals_subset_and_ratio(df):
    full = _design(df)
    by = full.mean("y", by="dom").set_index("dom")
    for level, sub in df.groupby("dom"):
        if sub["psu"].groupby(sub["stratum"]).nunique().min() < 2:
            continue
        # point estimate: the subset design gives the same number
        np.testing.assert_allclose(by.loc[level, "estimate"],
                                   _design(sub).mean("y")["estimate"].iloc[0], rtol=1e-10)
        # SE from the full design: domain mean = ratio of y*I_d to I_d (R tests/domain.R)
        ind = (df["dom"] == level).astype(float)
        r = _design(df.assign(yd=df["y"] * ind, d=ind)).ratio("yd", "d")
        np.testing.assert_allclose(by.loc[level, "se"], r["se"].iloc[0], rtol=1e-9)
        assert by.loc[level, "n"] == len(sub)


@SETTINGS
@given(surveys())
def test_jk1_matches_closed_form(df):
    df = df.assign(psu=df["stratum"] * 10 + df["psu"])            # unstratified, one stage
    d = SurveyDesign(df, weights="w", ids="psu")
    rep = d.replicate("jk1")
    psus = np.unique(df["psu"])
    n = len(psus)
    w, y = df["w"].to_numpy(), df["y"].to_numpy()
    theta = np.array([np.sum((w * y)[df["psu"] != p]) / np.sum(w[df["psu"] != p])
                      for p in psus])
    v = (n - 1) / n * np.sum((theta - theta.mean()) ** 2)
    np.testing.assert_allclose(rep.mean("y")["se"].iloc[0], np.sqrt(v), rtol=1e-9)
    # for a total JK1 reproduces the with-replacement Taylor variance exactly
    np.testing.assert_allclose(rep.total("y")["se"].iloc[0], d.total("y")["se"].iloc[0],
                               rtol=1e-9)


@SETTINGS
@given(surveys())
def test_estimates_do_not_modify_input(df):
    before = df.copy(deep=True)
    d = _design(df)
    d.mean("y", by=["dom", "b"], deff=True)
    d.proportion("dom", ci="korn-graubard")
    d.quantile("y", [0.25, 0.5])
    d.ratio("y", "x")
    d.replicate("jkn").mean("y")
    pd.testing.assert_frame_equal(df, before)


@SETTINGS
@given(surveys())
def test_same_answer_twice_and_fixed_columns(df):
    d = _design(df)
    a = d.proportion("b", by="dom", deff=True)
    b = d.proportion("b", by="dom", deff=True)
    pd.testing.assert_frame_equal(a, b)
    cols = ["variable", "level", "dom", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n",
            "n_weighted", "cv", "n_eff", "statistic", "ci_method", "lonely_psu", "design"]
    assert list(a.columns) == cols
    assert list(d.replicate("jkn").mean("y", by="dom").columns) == cols
