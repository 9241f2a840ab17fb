"""svyciprop intervals on replicate designs against R survey 4.1-1 (values from Rscript).

R refits the logistic model on every replicate for method="logit", so the SE of logit(p)
is the replicate variance of logit(p_r); glm stops at a 1e-8 relative deviance change, so
the comparison is at 1e-6. Calls (data: tests/data/oracle_extra/synstrat.csv):

    dsyn <- svydesign(id=~psu, strata=~stratum, weights=~w, fpc=~N1, nest=TRUE, data=syn)
    r <- as.svrepdesign(dsyn, type="JKn", mse=M)
    confint(svyciprop(~I(rare==1), r, method="logit"))
    confint(svyciprop(~I(rare==1), subset(r, sex=="F"), method="logit"))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign
from rbm_surveys.errors import UsageError

DATA = Path(__file__).parent / "data" / "oracle_extra" / "synstrat.csv"
R_LOGIT = {  # (mse, domain) -> (estimate, se, ci_low, ci_high)
    (True, None): (0.014788676099444217, 0.011260212925758411, 0.001122698313305849,
                   0.1669927638769258),
    (True, "F"): (0.030538867138720435, 0.022999122595327763, 0.0023919342368141968,
                  0.29271749170800793),
    (False, "F"): (0.030538867138720435, np.nan, 0.0024239196195223142, 0.28996833321005533),
}


@pytest.fixture(scope="module")
def taylor() -> SurveyDesign:
    syn = pd.read_csv(DATA)
    return SurveyDesign(syn, weights="w", strata="stratum", ids="psu", fpc="N1", nest=True)


@pytest.mark.parametrize("mse,domain", list(R_LOGIT))
def test_logit_interval_uses_replicate_variance_of_logit(taylor, mse, domain):
    rep = taylor.replicate("jkn", mse=mse)
    t = rep.proportion("rare", by=None if domain is None else "sex", ci="logit")
    t = t[t["level"] == 1]
    if domain is not None:
        t = t[t["sex"] == domain]
    got = t.iloc[0]
    est, se, low, high = R_LOGIT[(mse, domain)]
    np.testing.assert_allclose(got["estimate"], est, rtol=1e-10)
    if not np.isnan(se):                   # SE reported is the mean's (R attr "var")
        np.testing.assert_allclose(got["se"], se, rtol=1e-10)
    np.testing.assert_allclose([got["ci_low"], got["ci_high"]], [low, high], rtol=1e-6)
    # the delta method (xlogit) gives a different, narrower interval here
    x = rep.proportion("rare", by=None if domain is None else "sex", ci="xlogit")
    x = x[(x["level"] == 1) & ((x["sex"] == domain) if domain is not None else True)]
    assert not np.isclose(x["ci_high"].iloc[0], high, rtol=1e-3)


def test_likelihood_on_replicate_design_is_refused(taylor):
    # R returns an NA interval there; we say so instead of giving a number
    with pytest.raises(UsageError, match="likelihood"):
        taylor.replicate("jkn").proportion("rare", ci="likelihood")
