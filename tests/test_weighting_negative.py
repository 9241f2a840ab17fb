"""Linear calibration that yields negative weights, continued with on_fail="warn".

R survey 4.1-1 keeps such designs silently; we keep them loudly: the design records the
warning and every estimate carries a ``warning`` column. Reference values (Rscript):

    d <- read.csv("neg.csv"); des <- svydesign(id=~psu, strata=~st, weights=~w, data=d)
    cal <- calibrate(des, ~grp + x, c(`(Intercept)`=400, grpb=200, x=4000))
    svymean(~y, cal); svyby(~y, ~grp, cal, svytotal)
    svymean(~y, calibrate(as.svrepdesign(des, type="JKn"), ~grp + x, <same totals>))
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign
from rbm_surveys.errors import DataError, WeightingError
from rbm_surveys.surveys.weighting import calibrate
from rbm_surveys.surveys.weighting._adapter import WeightingWarning

POP = {"grp": {"a": 200, "b": 200}, "x": 4000.0}
R_MEAN, R_MEAN_SE = 10.16092894736842, 0.45038400841427195
R_TOTAL = {"a": (2025.9684210526307, 124.66422644985278),
           "b": (2038.4031578947368, 130.73756898750366)}
R_JKN_MEAN_SE = 0.46978514052709702


@pytest.fixture()
def design(tmp_path) -> SurveyDesign:
    n = 40
    frame = pd.DataFrame({"st": np.repeat(["s1", "s2"], 20), "psu": np.arange(n),
                          "grp": np.tile(["a", "b"], 20), "x": np.arange(1, n + 1, dtype=float),
                          "y": np.round(10 + np.sin(np.arange(n)) * 3, 3), "w": 10.0})
    path = tmp_path / "neg.csv"
    frame.to_csv(path, index=False)
    return SurveyDesign(pd.read_csv(path), weights="w", strata="st", ids="psu")


def test_warn_keeps_design_with_negative_weights_and_matches_r(design):
    with pytest.warns(WeightingWarning, match="negative"):
        cal = calibrate(design, POP, on_fail="warn")
    assert (cal.weights < 0).sum() == 8                     # as R: sum(weights(cal) < 0)
    assert any("negative" in w for w in cal.weighting_warnings)
    got = cal.mean("y").iloc[0]
    np.testing.assert_allclose([got["estimate"], got["se"]], [R_MEAN, R_MEAN_SE], rtol=1e-10)
    assert "negative" in got["warning"]
    by = cal.total("y", by="grp").set_index("grp")
    for g, (est, se) in R_TOTAL.items():
        np.testing.assert_allclose([by.loc[g, "estimate"], by.loc[g, "se"]], [est, se],
                                   rtol=1e-10)
    assert by["warning"].str.contains("negative").all()
    assert (by["n"] == 20).all()                              # negative-weight rows still count


def test_warn_on_replicate_design_matches_r(design):
    with pytest.warns(WeightingWarning):
        cal = calibrate(design.replicate("jkn"), POP, on_fail="warn")
    got = cal.proportion("grp").iloc[0]
    assert "negative" in got["warning"]
    got = cal.mean("y").iloc[0]
    np.testing.assert_allclose([got["estimate"], got["se"]], [R_MEAN, R_JKN_MEAN_SE],
                               rtol=1e-10)


def test_raise_is_still_the_default(design):
    with pytest.raises(WeightingError, match="negative"):
        calibrate(design, POP)


def test_negative_weights_from_the_user_stay_an_error(design, tmp_path):
    bad = design.data.assign(w=np.where(np.arange(design.n) == 3, -1.0, 10.0))
    with pytest.raises(DataError, match="negative") as err:
        SurveyDesign(bad, weights="w", strata="st", ids="psu")
    assert err.value.where == {"column": "w", "row": "4"}
    w = design.weights.copy()
    w[5] = -2.0
    with pytest.raises(DataError, match="negative"):
        design.with_weights(w)
    kept = design.with_weights(w, allow_negative=True)
    assert kept.negative_weights == 1 and "row 6" in kept.weighting_warnings[0]
    assert "warning" in kept.mean("y").columns
    assert "warning" not in design.mean("y").columns         # clean designs: columns unchanged
