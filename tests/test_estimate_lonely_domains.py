"""Lonely-PSU rules inside domains against R survey 4.1-1 (values from Rscript, calls below).

Data: tests/data/oracle_extra/synlone.csv without the group-B rows of stratum T4, so the
design-level lonely stratum T4 holds only group A. R estimates a domain on the subset
design (rows outside dropped), so B never sees T4:

    d <- read.csv("synlone.csv"); d <- d[!(d$stratum=="T4" & d$grp=="B"),]
    des <- svydesign(id=~psu, strata=~stratum, weights=~w, fpc=~N1, nest=TRUE, data=d)
    options(survey.lonely.psu=rule); svyby(~y, ~grp, des, svytotal)
    svymean(~y, subset(des, grp=="B"));  d$yB <- ifelse(d$grp=="B", d$y, NA)
    svymean(~yB, des, na.rm=TRUE)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign
from rbm_surveys.errors import DesignError

DATA = Path(__file__).parent / "data" / "oracle_extra" / "synlone.csv"
B_MEAN, B_MEAN_SE = 20.133469368340943, 1.5319315066587533
TOTAL = {"A": 9507.1142, "B": 2116.4303}
TOTAL_SE = {"average": {"A": 2295.4981530248288, "B": 502.71112586540681},
            "adjust": {"A": 2098.3217557026596, "B": 502.71112586540681},
            "certainty": {"A": 1987.9597148597604, "B": 502.71112586540681},
            "remove": {"A": 1987.9597148597604, "B": 502.71112586540681}}


def _design(rule: str) -> SurveyDesign:
    d = pd.read_csv(DATA)
    d = d[~((d["stratum"] == "T4") & (d["grp"] == "B"))].copy()
    d["yB"] = np.where(d["grp"] == "B", d["y"], np.nan)
    return SurveyDesign(d, weights="w", strata="stratum", ids="psu", fpc="N1", nest=True,
                        lonely_psu=rule)


@pytest.mark.parametrize("rule", sorted(TOTAL_SE))
def test_domain_totals_match_r_for_each_lonely_rule(rule):
    got = _design(rule).total("y", by="grp").set_index("grp")
    for g in ("A", "B"):
        np.testing.assert_allclose(got.loc[g, "estimate"], TOTAL[g], rtol=1e-12)
        np.testing.assert_allclose(got.loc[g, "se"], TOTAL_SE[rule][g], rtol=1e-10)


@pytest.mark.parametrize("rule", ["fail", "average", "adjust", "certainty", "remove"])
def test_domain_outside_lonely_stratum_ignores_it(rule):
    """Rows without the variable are dropped as R's na.rm: T4 leaves the design, even for
    'fail', and 'average' scales by strata present / non-lonely present (no scaling)."""
    got = _design(rule).mean("yB").iloc[0]
    np.testing.assert_allclose([got["estimate"], got["se"]], [B_MEAN, B_MEAN_SE], rtol=1e-10)


def test_fail_still_raises_for_a_domain_touching_the_lonely_stratum():
    with pytest.raises(DesignError, match="T4"):
        _design("fail").mean("y", by="grp")      # R svyby errors too (domain A holds T4)


# Lonely SSU at stage 2 (PSU 1 of S2 keeps one SSU), domains by area (R, same data as the
# oracle's syn3l): svyby(~income, ~area, dsyn3l, svytotal) under each rule. 'average' is
# NaN in R too: the only stratum within that PSU is lonely.
SYN3L_SE = {"adjust": [242783.8096823995, 207284.18471893354],
            "remove": [239497.79518082639, 196580.77087635748],
            "average": [np.nan, np.nan]}


@pytest.mark.parametrize("rule", sorted(SYN3L_SE))
def test_multistage_domains_with_lonely_ssu_match_r(rule):
    syn3 = pd.read_csv(DATA.parent / "syn3.csv")
    syn3l = syn3[~((syn3["stratum"] == "S2") & (syn3["psu"] == 1) & (syn3["ssu"] > 1))]
    d = SurveyDesign(syn3l, strata="stratum", ids=["psu", "ssu", "hh"], nest=True,
                     fpc=["N1", "N2", "N3"], lonely_psu=rule)
    got = d.total("income", by="area")["se"].to_numpy()
    np.testing.assert_allclose(got, SYN3L_SE[rule], rtol=1e-10)
