"""Taylor variance on raked designs: the cell-level fast path equals the row-level path.

The fast path (``estimate._raked_totals``) never builds the n x K score matrix; the dense
path residualises row scores with ``RakingResidualizer.residualize``. Both must give the
same standard errors on any raked design."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbm_surveys.surveys import estimate
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.weighting import rake
from rbm_surveys.surveys.weighting.residuals import RakingResidualizer


def _frame(seed: int, n: int, n_strata: int, zero_share: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    st_ = rng.integers(0, n_strata, n)
    psu = st_ * 10 + rng.integers(0, 3, n)          # 1-3 PSUs per stratum
    w = rng.uniform(0.5, 4.0, n)
    w[rng.random(n) < zero_share] = 0.0              # zero base weights
    w[0] = 1.0
    y = rng.normal(10, 3, n)
    y[rng.random(n) < 0.1] = np.nan                  # missing: zero weight for that call
    return pd.DataFrame({
        "st": st_, "psu": psu, "ssu": psu * 10 + rng.integers(0, 2, n), "w": w,
        "sex": rng.choice(["f", "m"], n), "grp": rng.choice(["a", "b", "c"], n, p=[.5, .4, .1]),
        "age": rng.choice(["y", "o"], n),
        # domain with a rare level: many (domain x raking cell) pairs are empty
        "dom": rng.choice(["u", "v", "w"], n, p=[.6, .37, .03]),
        "y": y, "q": (rng.random(n) < 0.3).astype(float), "x": rng.uniform(1, 5, n),
        "cat": rng.choice(["p", "q", "r"], n),
    })


def _raked(f: pd.DataFrame, two_stage: bool, margins3: bool, seed: int):
    ids = ["psu", "ssu"] if two_stage else "psu"
    des = SurveyDesign(f, weights="w", strata="st", ids=ids, nest=True, lonely_psu="adjust")
    rng = np.random.default_rng(seed + 1)
    total = float(f["w"].sum())
    margins = {}
    for var in ["sex", "grp"] + (["age"] if margins3 else []):
        got = f.groupby(var)["w"].sum()
        target = got * rng.uniform(0.8, 1.2, len(got))
        margins[var] = (target / target.sum() * total).to_dict()
    return rake(des, margins, on_fail="warn")


def _all_estimates(d) -> pd.DataFrame:
    return pd.concat([
        estimate.mean(d, ["y", "q"], by="dom"),
        estimate.proportion(d, "cat"),
        estimate.total(d, ["y", "q"], by="dom"),
        estimate.proportion(d, "cat", by="dom"),
        estimate.ratio(d, "y", "x", by="dom"),
        estimate.ratio(d, "q", "x"),
    ], ignore_index=True)


def _both_paths(d, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    fast = _all_estimates(d)
    monkeypatch.setattr(estimate, "_DENSE_CALIBRATED_SCORES", True)
    try:
        dense = _all_estimates(d)
    finally:
        monkeypatch.setattr(estimate, "_DENSE_CALIBRATED_SCORES", False)
    return fast, dense


def _assert_same(fast: pd.DataFrame, dense: pd.DataFrame) -> None:
    assert len(fast) == len(dense) and len(fast) >= 20
    np.testing.assert_array_equal(fast["estimate"].to_numpy(), dense["estimate"].to_numpy())
    se_f, se_d = fast["se"].to_numpy(), dense["se"].to_numpy()
    assert np.isfinite(se_d).sum() >= 10      # (a domain with no complete row has NaN)
    # 1e-10 relative; an absolute floor far below any SE here for exactly-zero SEs
    np.testing.assert_allclose(se_f, se_d, rtol=1e-10, atol=1e-12)
    assert (se_d > 0).any()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(60, 400), n_strata=st.integers(1, 4),
       zero_share=st.sampled_from([0.0, 0.05, 0.2]), two_stage=st.booleans(),
       margins3=st.booleans())
def test_fast_path_matches_dense_path(monkeypatch, seed, n, n_strata, zero_share, two_stage,
                                      margins3):
    f = _frame(seed, n, n_strata, zero_share)
    d = _raked(f, two_stage, margins3, seed)
    assert isinstance(d.calibration[-1], RakingResidualizer)
    assert estimate._raked_layout(d, np.asarray(d.weights)) is not None  # fast path taken
    fast, dense = _both_paths(d, monkeypatch)
    _assert_same(fast, dense)


def test_fast_path_is_used_and_matches_on_a_larger_design(monkeypatch):
    f = _frame(7, 5000, 5, 0.05)
    d = _raked(f, True, True, 7)
    calls = []
    real = estimate._raked_totals
    monkeypatch.setattr(estimate, "_raked_totals", lambda *a: calls.append(1) or real(*a))
    fast = estimate.mean(d, ["y", "q"], by="dom")
    assert calls, "the raked fast path was not taken"
    monkeypatch.setattr(estimate, "_DENSE_CALIBRATED_SCORES", True)
    dense = estimate.mean(d, ["y", "q"], by="dom")
    np.testing.assert_allclose(fast["se"], dense["se"], rtol=1e-10)
    # raking shrinks the variance relative to ignoring the calibration
    plain = SurveyDesign(f.assign(w=np.asarray(d.weights)), weights="w", strata="st",
                         ids=["psu", "ssu"], nest=True, lonely_psu="adjust")
    assert not np.allclose(estimate.mean(plain, ["y", "q"], by="dom")["se"], fast["se"])


def test_cell_adjustment_reproduces_row_residualisation():
    f = _frame(3, 800, 3, 0.1)
    d = _raked(f, False, True, 3)
    rake_ = d.calibration[-1]
    z = np.random.default_rng(0).normal(size=(d.n, 4))
    layout = rake_._cell_layout()
    assert layout is not None
    rows = rake_._residualize_rows(z)
    np.testing.assert_allclose(rake_.residualize(z), rows, rtol=1e-9, atol=1e-9)


def test_other_calibrations_keep_the_dense_path():
    f = _frame(5, 300, 2, 0.0)
    d = _raked(f, False, False, 5)
    twice = rake(d, {"age": (f.groupby("age")["w"].sum()).to_dict()}, on_fail="warn")
    assert len(twice.calibration) == 2
    assert estimate._raked_layout(twice, np.asarray(twice.weights)) is None
    assert estimate.mean(twice, "y")["se"].iloc[0] > 0
