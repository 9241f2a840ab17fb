"""Bad input gives an RbmError that names the column/rows/stratum and says what to do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign
from rbm_surveys.errors import DataError, DesignError, RbmError, UsageError


@pytest.fixture()
def frame():
    rng = np.random.default_rng(3)
    n = 40
    return pd.DataFrame({
        "stratum": np.repeat(["a", "b"], n // 2),
        "psu": np.tile(np.repeat([1, 2, 3, 4], 5), 2),
        "w": rng.uniform(1, 3, n),
        "y": rng.normal(10, 2, n),
        "sex": rng.choice(["f", "m"], n),
        "N": 100.0,
    })


def test_negative_and_missing_weights(frame):
    bad = frame.assign(w=frame["w"].where(frame.index != 3, -1.0))
    with pytest.raises(DataError) as e:
        SurveyDesign(bad, weights="w")
    assert e.value.where["column"] == "w" and "4" in str(e.value.where["row"])
    with pytest.raises(DataError, match="finite"):
        SurveyDesign(frame.assign(w=frame["w"].where(frame.index != 0)), weights="w")


def test_missing_strata_or_psu(frame):
    with pytest.raises(DataError) as e:
        SurveyDesign(frame.assign(stratum=frame["stratum"].where(frame.index != 7)),
                     weights="w", strata="stratum", ids="psu", nest=True)
    assert e.value.where["column"] == "stratum" and e.value.where["row"] == "8"
    with pytest.raises(DataError, match="cluster id"):
        SurveyDesign(frame.assign(psu=frame["psu"].where(frame.index != 1)), weights="w",
                     ids="psu")


def test_psu_ids_reused_across_strata_need_nest(frame):
    with pytest.raises(DesignError, match="nest=True"):
        SurveyDesign(frame, weights="w", strata="stratum", ids="psu")
    d = SurveyDesign(frame, weights="w", strata="stratum", ids="psu", nest=True)
    assert d.degf == 8 - 2


def test_fpc_smaller_than_sample(frame):
    with pytest.raises(DataError, match="smaller than the number of sampled units"):
        SurveyDesign(frame.assign(N=3.0), weights="w", strata="stratum", fpc="N")


def test_unknown_column_lists_close_matches(frame):
    with pytest.raises(DataError, match="did you mean 'stratum'"):
        SurveyDesign(frame, weights="w", strata="stratun")
    d = SurveyDesign(frame, weights="w")
    with pytest.raises(DataError, match="'y'"):
        d.mean("yy")


def test_non_numeric_mean(frame):
    d = SurveyDesign(frame, weights="w")
    with pytest.raises(DataError, match="proportion"):
        d.mean("sex")
    assert set(d.proportion("sex")["level"]) == {"f", "m"}


def test_lonely_psu_fail_names_stratum(frame):
    lone = frame[~((frame["stratum"] == "b") & (frame["psu"] > 1))]
    d = SurveyDesign(lone, weights="w", strata="stratum", ids="psu", nest=True)
    with pytest.raises(DesignError) as e:
        d.mean("y")
    assert e.value.where["stratum"] == "b" and "lonely_psu" in str(e.value)
    for rule in ("remove", "certainty", "adjust", "average"):
        out = SurveyDesign(lone, weights="w", strata="stratum", ids="psu", nest=True,
                           lonely_psu=rule).mean("y")
        assert out["lonely_psu"].iloc[0] == rule and np.isfinite(out["se"].iloc[0])


def test_usage_errors(frame):
    with pytest.raises(UsageError):
        SurveyDesign(frame, weights="w", lonely_psu="ignore")
    d = SurveyDesign(frame, weights="w")
    with pytest.raises(UsageError, match="ci"):
        d.mean("y", ci="wilson")
    with pytest.raises(UsageError):
        d.quantile("y", 1.5)
    with pytest.raises(DesignError, match="2 PSUs"):
        SurveyDesign(frame, weights="w", strata="stratum", ids="psu", nest=True).replicate("brr")
    with pytest.raises(UsageError, match="JK1"):
        SurveyDesign(frame, weights="w", strata="stratum", ids="psu", nest=True).replicate("jk1")


def test_replicate_weights_joined_by_id(frame):
    factors = pd.DataFrame({"stratum": ["a", "a"], "psu": [1, 2], "r1": [2.0, 0.0],
                            "r2": [0.0, 2.0]})
    with pytest.raises(DataError, match="no replicate weights"):
        SurveyDesign.from_replicate_weights(frame, weights="w", repweights=factors,
                                            on=["stratum", "psu"], combined_weights=False,
                                            type="brr")
    with pytest.raises(UsageError, match="on="):
        SurveyDesign.from_replicate_weights(frame, weights="w", repweights=factors)


def test_errors_are_one_family(frame):
    with pytest.raises(RbmError):
        SurveyDesign(frame, weights="nope")
    with pytest.raises(UsageError):
        SurveyDesign([1, 2, 3])
