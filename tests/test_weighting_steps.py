"""Base weights, non-response adjustment, trimming and diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.errors import ConvergenceError, DataError, UsageError, WeightingError
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.weighting import (WeightingReport, base_weights, calibrate,
                                           nonresponse_adjust, propensity_classes, rake, trim,
                                           trim_weights, weight_summary)


@pytest.fixture()
def frame():
    rng = np.random.default_rng(7)
    n = 300
    df = pd.DataFrame({
        "p_psu": rng.choice([0.1, 0.2], n),
        "p_hh": rng.choice([0.25, 0.5], n),
        "region": rng.choice(["east", "west", "north"], n),
        "age": rng.integers(18, 80, n),
        "w": rng.uniform(1, 10, n),
    })
    logit = -0.5 + 0.04 * (df["age"] - 40) + np.where(df["region"] == "east", 1.0, 0.0)
    df["resp"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df["overall"] = 1 / (df["p_psu"] * df["p_hh"])
    return df


def test_base_weights_multiply_stage_probabilities(frame):
    w = base_weights(frame, ["p_psu", "p_hh"], check="overall")
    np.testing.assert_allclose(w, 1 / (frame["p_psu"] * frame["p_hh"]))
    bad = frame.assign(overall=frame["overall"].where(frame.index != 4, 999.0))
    with pytest.raises(DataError) as e:
        base_weights(bad, ["p_psu", "p_hh"], check="overall")
    assert e.value.where == {"column": "overall", "row": 5}
    assert "do not multiply up" in str(e.value)
    probs = frame.assign(prob=frame["p_psu"] * frame["p_hh"])
    base_weights(probs, ["p_psu", "p_hh"], check="prob", check_kind="prob")
    with pytest.raises(DataError) as e:
        base_weights(frame.assign(p_hh=frame["p_hh"] * 10), ["p_psu", "p_hh"])
    assert e.value.where["column"] == "p_hh" and "(0, 1]" in str(e.value)


def test_weighting_class_adjustment_keeps_class_totals(frame):
    w = frame["w"].to_numpy()
    adj, table = nonresponse_adjust(frame, w, "resp", "region")
    assert list(table.columns) == ["class", "n", "n_respondents", "response_rate",
                                   "weight_all", "weight_respondents", "factor",
                                   "mean_propensity"]
    assert (adj[frame["resp"] == 0] == 0).all()
    by_class = pd.Series(adj).groupby(frame["region"].to_numpy()).sum()
    full = pd.Series(w).groupby(frame["region"].to_numpy()).sum()
    np.testing.assert_allclose(by_class.to_numpy(), full.to_numpy())
    east = table.set_index("class").loc["east"]
    resp_east = w[(frame["region"] == "east") & (frame["resp"] == 1)].sum()
    np.testing.assert_allclose(east["factor"], east["weight_all"] / resp_east)
    np.testing.assert_allclose(adj.sum(), w.sum())


def test_class_without_respondents_is_named(frame):
    df = frame.assign(resp=np.where(frame["region"] == "north", 0, frame["resp"]))
    with pytest.raises(WeightingError) as e:
        nonresponse_adjust(df, df["w"].to_numpy(), "resp", ["region"])
    assert e.value.where["category"] == "north" and "merge" in e.value.hint


def test_propensity_classes_from_logistic_regression(frame):
    classes, p = propensity_classes(frame, "resp", ["age", "region"], n_classes=4)
    assert set(np.unique(classes)) == {1, 2, 3, 4}
    # classes follow the propensity: class means increase
    means = pd.Series(p).groupby(classes).mean().to_numpy()
    assert np.all(np.diff(means) > 0)
    # the model learned the age effect used to simulate response
    assert np.corrcoef(p, frame["age"])[0, 1] > 0.5
    adj, table = nonresponse_adjust(frame, frame["w"].to_numpy(), "resp", classes,
                                    propensity=p)
    assert len(table) == 4 and table["mean_propensity"].is_monotonic_increasing
    # low-propensity classes get the larger factors
    assert table["factor"].iloc[0] > table["factor"].iloc[-1]
    np.testing.assert_allclose(adj.sum(), frame["w"].sum())


def test_trim_keeps_total_and_bounds():
    rng = np.random.default_rng(2)
    w = np.concatenate([rng.uniform(1, 3, 95), [30, 40, 50, 60, 80]])
    for how in ("proportional", "equal"):
        new, trimmed, _, converged = trim_weights(w, upper=10, redistribute=how)
        assert converged
        np.testing.assert_allclose(new.sum(), w.sum())
        assert new.max() <= 10 + 1e-9
        assert trimmed.sum() == 5
    prop, *_ = trim_weights(w, upper=10)
    untouched = w < 10
    ratio = prop[untouched] / w[untouched]
    np.testing.assert_allclose(ratio, ratio[0])  # proportional keeps relative sizes


def test_trim_design_within_classes_and_relative_bounds():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"g": np.repeat(["a", "b"], 50), "w": rng.lognormal(0, 1, 100)})
    d = trim(SurveyDesign(df, weights="w"), upper=3, relative_to="median", by="g")
    w = d.weights
    assert w.max() <= 3 * np.median(df["w"]) * (1 + 1e-9)
    np.testing.assert_allclose(pd.Series(w).groupby(df["g"]).sum().to_numpy(),
                               df.groupby("g")["w"].sum().to_numpy())
    s = d.weighting_report.summary
    assert s["step"] == "trim" and 0 < s["share_trimmed"] < 0.5
    with pytest.raises(ConvergenceError, match="cannot keep the totals"):
        trim(SurveyDesign(df, weights="w"), upper=0.001)
    with pytest.raises(UsageError):
        trim(SurveyDesign(df, weights="w"))


def test_trim_keeps_calibration_residualizers():
    df = pd.DataFrame({"a": ["x", "y"] * 20, "w": np.linspace(1, 9, 40)})
    d = rake(SurveyDesign(df, weights="w"), {"a": {"x": 100, "y": 120}})
    t = trim(d, upper=8)
    assert t.calibration == d.calibration
    np.testing.assert_allclose(t.weights.sum(), 220)
    # the trim report still shows achieved vs target of the raking margins
    m = t.weighting_report.margins
    assert list(m["category"]) == ["x", "y"] and list(m["target"]) == [100, 120]
    np.testing.assert_allclose(m["achieved"].sum(), 220)


def test_weight_summary_kish():
    w = np.array([1.0, 1.0, 2.0, 4.0])
    s = weight_summary(w)
    np.testing.assert_allclose(s["deff_kish"], 4 * 22 / 64)
    np.testing.assert_allclose(s["effective_n"], 64 / 22)
    np.testing.assert_allclose(s["cv_weights"], np.std(w) / np.mean(w))
    assert s["weight_ratio"] == 4.0


def test_report_tables_and_markdown():
    df = pd.DataFrame({"a": ["x", "y", "y", "x"], "b": ["u", "u", "v", "v"],
                       "w": [1.0, 2.0, 3.0, 4.0]})
    d = rake(SurveyDesign(df, weights="w"), {"a": {"x": 10, "y": 10}, "b": {"u": 8, "v": 12}})
    rep = d.weighting_report
    assert isinstance(rep, WeightingReport)
    assert list(rep.margins.columns) == ["margin", "category", "target", "achieved", "gap",
                                         "rel_gap", "n"]
    np.testing.assert_allclose(rep.margins["achieved"], rep.margins["target"], rtol=1e-6)
    frame = rep.to_frame()
    assert list(frame.columns) == ["measure", "value"] and "effective_n" in set(
        frame["measure"])
    md = rep.to_markdown()
    assert "achieved vs target" in md and "| b | v | 12 |" in md


def test_negative_weights_from_linear_calibration_are_an_error():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 50.0], "w": [1.0, 1.0, 1.0, 1.0]})
    design = SurveyDesign(df, weights="w")
    with pytest.raises(WeightingError, match="negative"):
        calibrate(design, {"(Intercept)": 4.0, "x": 5.0})
    ok = calibrate(design, {"(Intercept)": 4.0, "x": 5.0}, bounds=(0, 10))
    assert ok.weights.min() >= 0


def test_inputs_are_not_modified(frame):
    before = frame.copy()
    design = SurveyDesign(frame, weights="w")
    calibrate(design, {"region": {"east": 100, "west": 100, "north": 100}, "age": 14000.0})
    nonresponse_adjust(frame, frame["w"].to_numpy(), "resp", "region")
    pd.testing.assert_frame_equal(frame, before)
    np.testing.assert_array_equal(design.weights, frame["w"].to_numpy())


def test_trim_replicate_design_trims_every_replicate():
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"psu": np.repeat(np.arange(10), 8), "w": rng.lognormal(2, 0.8, 80)})
    rep = SurveyDesign(df, weights="w", ids="psu").replicate("jk1")
    before = np.asarray(rep.repweights)
    t = trim(rep, upper=2.5, relative_to="median")
    after = np.asarray(t.repweights)
    np.testing.assert_allclose(after.sum(axis=0), before.sum(axis=0))
    for j in range(before.shape[1]):
        pos = before[:, j] > 0
        assert after[pos, j].max() <= 2.5 * np.median(before[pos, j]) * (1 + 1e-9)
    np.testing.assert_allclose(t.weights.sum(), df["w"].sum())
