"""``table()``: several disaggregations from one pass equal the separate calls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign

BYS = [None, "sex", "age", ["sex", "age"]]


@pytest.fixture()
def survey():
    rng = np.random.default_rng(5)
    n = 3000
    psu = np.sort(rng.integers(0, 60, n))
    return pd.DataFrame({
        "stratum": psu // 6, "psu": psu, "ssu": rng.integers(0, 4, n),
        "w": rng.uniform(1, 5, n), "sex": rng.choice(["f", "m"], n),
        "age": rng.integers(1, 5, n), "y1": rng.integers(0, 2, n),
        "y2": rng.choice(["a", "b", "c"], n), "x": rng.gamma(2.0, 3.0, n),
        "N1": 100.0, "N2": 50.0,
    })


def _separate(design, statistic, variables, **kw):
    frames = [getattr(design, statistic)(variables, by=by, **kw) for by in BYS]
    return pd.concat(frames, ignore_index=True)


def _same(a, b):
    cols = [c for c in b.columns if c in a.columns]
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True),
                                  check_dtype=False, rtol=1e-10)


@pytest.mark.parametrize("statistic,variables,kw", [
    ("proportion", ["y1", "y2"], {"deff": True, "ci": "korn-graubard"}),
    ("proportion", "y1", {"ci": "wilson"}),
    ("mean", ["x", "y1"], {"deff": True, "ci": "t"}),
    ("total", ["x", "y2"], {"deff": "replace"}),
])
def test_table_equals_separate_calls(survey, statistic, variables, kw):
    d = SurveyDesign(survey, weights="w", strata="stratum", ids="psu")
    t = d.table(variables, BYS, statistic=statistic, **kw)
    _same(t, _separate(d, statistic, variables, **kw))
    assert list(t.columns[:4]) == ["variable", "level", "sex", "age"]


def test_table_on_replicates_and_fallbacks(survey):
    d = SurveyDesign(survey, weights="w", strata="stratum", ids="psu")
    boot = d.replicate("bootstrap", replicates=30, seed=2)
    _same(boot.table("y1", BYS, deff=True), _separate(boot, "proportion", "y1", deff=True))
    # two stages with fpc need row-level sums: falls back to separate calls, same answer
    two = SurveyDesign(survey, weights="w", strata="stratum", ids=["psu", "ssu"],
                       fpc=["N1", "N2"])
    _same(two.table("y1", BYS), _separate(two, "proportion", "y1"))
    # a by-column with missing values: rows still count in the other disaggregations
    gap = survey.assign(age=survey["age"].where(survey.index % 7 != 0))
    g = SurveyDesign(gap, weights="w", strata="stratum", ids="psu")
    t = g.table("y1", BYS)
    _same(t, _separate(g, "proportion", "y1"))
    assert t.loc[t["sex"].isna() & t["age"].isna(), "n"].iloc[0] == len(survey)
