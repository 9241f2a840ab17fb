"""Properties of raking, post-stratification and calibration on generated samples."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbm_surveys.errors import ConvergenceError
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.weighting import WeightingWarning, calibrate, poststratify, rake

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def samples(draw):
    """A sample where every cell of a x b is present, with unequal weights and margins."""
    na, nb = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    extra = draw(st.integers(0, 60))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    cells = list(itertools.product(range(na), range(nb)))
    a = [c[0] for c in cells] + list(rng.integers(0, na, extra))
    b = [c[1] for c in cells] + list(rng.integers(0, nb, extra))
    df = pd.DataFrame({"a": [f"a{i}" for i in a], "b": [f"b{i}" for i in b],
                       "x": rng.gamma(2.0, 10.0, len(a)),
                       "w": rng.uniform(1, 5, len(a))})
    total = float(rng.uniform(500, 5000))
    pa = rng.dirichlet(np.ones(na) * 3) * total
    pb = rng.dirichlet(np.ones(nb) * 3) * total
    margins = {"a": {f"a{i}": pa[i] for i in range(na)},
               "b": {f"b{i}": pb[i] for i in range(nb)}}
    return df, margins, rng


def _sums(design, var):
    return pd.Series(design.weights).groupby(design.data[var].to_numpy()).sum()


@SETTINGS
@given(samples())
def test_raked_weights_reproduce_every_margin(sample):
    df, margins, _ = sample
    d = rake(SurveyDesign(df, weights="w"), margins, epsilon=1e-10, maxit=1000)
    for var, target in margins.items():
        got = _sums(d, var)
        np.testing.assert_allclose(got[list(target)].to_numpy(), list(target.values()),
                                   rtol=1e-6)
    assert d.weighting_report.summary["converged"]
    assert d.weighting_report.summary["max_margin_rel_gap"] < 1e-6


@SETTINGS
@given(samples())
def test_poststratify_equals_raking_on_one_margin(sample):
    df, margins, _ = sample
    design = SurveyDesign(df, weights="w")
    ps = poststratify(design, {"a": margins["a"]})
    rk = rake(design, {"a": margins["a"]})
    np.testing.assert_allclose(ps.weights, rk.weights, rtol=1e-12)
    assert rk.weighting_report.summary["iterations"] <= 2


@SETTINGS
@given(samples(), st.sampled_from(["linear", "raking", "logit"]))
def test_calibrating_calibrated_weights_changes_nothing(sample, calfun):
    df, margins, _ = sample
    pop = {"a": margins["a"], "b": margins["b"]}
    bounds = (0.05, 20.0) if calfun == "logit" else None
    d1 = calibrate(SurveyDesign(df, weights="w"), pop, calfun="raking", epsilon=1e-12,
                   maxit=200)
    d2 = calibrate(d1, pop, calfun=calfun, bounds=bounds, epsilon=1e-12, maxit=200)
    np.testing.assert_allclose(d2.weights, d1.weights, rtol=1e-8)


@SETTINGS
@given(samples(), st.sampled_from(["linear", "logit", "raking"]))
def test_feasible_bounds_hold(sample, calfun):
    df, _, rng = sample
    w = df["w"].to_numpy()
    g_true = rng.uniform(0.85, 1.15, len(df))  # a solution within the bounds exists
    pop = {"a": pd.Series(w * g_true).groupby(df["a"].to_numpy()).sum().to_dict(),
           "x": float((w * g_true * df["x"]).sum())}
    d = calibrate(SurveyDesign(df, weights="w"), pop, calfun=calfun, bounds=(0.8, 1.25),
                  maxit=200)
    g = d.weights / w
    assert g.min() >= 0.8 - 1e-9 and g.max() <= 1.25 + 1e-9
    np.testing.assert_allclose((d.weights * df["x"]).sum(), pop["x"], rtol=1e-6)


def test_infeasible_bounds_are_reported_as_such():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.choice(["u", "v"], 100), "w": rng.uniform(1, 3, 100)})
    design = SurveyDesign(df, weights="w")
    want = pd.Series(df["w"]).groupby(df["a"]).sum() * 1.5  # needs g = 1.5 everywhere
    pop = {"a": want.to_dict()}
    for calfun in ("linear", "logit", "raking"):
        with pytest.raises(ConvergenceError) as e:
            calibrate(design, pop, calfun=calfun, bounds=(0.9, 1.1))
        assert "infeasible bounds" in str(e.value)
    with pytest.warns(WeightingWarning, match="infeasible"):
        warned = calibrate(design, pop, calfun="logit", bounds=(0.9, 1.1), on_fail="warn")
    assert any("infeasible" in w for w in warned.weighting_warnings)
    g = warned.weights / df["w"].to_numpy()
    assert g.max() <= 1.1 + 1e-9  # bounds still enforced on what is returned


def test_rake_non_convergence_is_an_error_or_a_carried_warning():
    df = pd.DataFrame({"a": ["p", "p", "q", "q"], "b": ["r", "s", "r", "s"],
                       "w": [1.0, 1.0, 1.0, 1.0]})
    design = SurveyDesign(df, weights="w")
    margins = {"a": {"p": 10, "q": 30}, "b": {"r": 5, "s": 35}}
    with pytest.raises(ConvergenceError) as e:
        rake(design, margins, maxit=1, epsilon=1e-12)
    assert "did not converge" in str(e.value)
    with pytest.warns(WeightingWarning):
        d = rake(design, margins, maxit=1, epsilon=1e-12, on_fail="warn")
    assert d.weighting_report.summary["converged"] is False
    assert d.weighting_warnings and "did not converge" in d.weighting_warnings[0]
