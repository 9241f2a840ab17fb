"""Contrasts, change, association tests and models against R survey 4.1-1.

Reference values: tests/data/compare/reference.csv, written by make_reference.R beside it
(R is not needed here). Designs: two-stage with fpc (apiclus2), stratified with fpc
(apistrat), JK1 replicates (apiclus1), BRR replicates (NHANES), raked (apiclus1).
Tolerance 1e-8 relative everywhere: the logistic fits follow R glm.fit's iterations (same
start and stopping rule), so even they agree to 1e-8.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.surveys.association import chisq_test, ttest
from rbm_surveys.surveys.compare import (change_between_rounds, contrast, joint_estimates,
                                          panel_change)
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.models import glm, predicted_means
from rbm_surveys.surveys.weighting import rake

HERE = Path(__file__).parent / "data"
POP_STYPE = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_csv(path, float_precision="round_trip", **kw)


REF = _read(HERE / "compare" / "reference.csv")


def ref(case):
    rows = REF[REF["case"] == case]
    assert len(rows), f"no reference rows for {case}"
    return dict(zip(rows["key"].astype(str), rows["value"].astype(float)))


def pick(values, key):
    """R drops the name of a lone contrast's SE (and calls a lone replicate nlcon
    "contrast"): fall back to the only value."""
    if key in values:
        return values[key]
    assert len(values) == 1, (key, values)
    return next(iter(values.values()))


def close(got, want, rtol=1e-8, what=""):
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300 if rtol < 1e-7 else 1e-12,
                               err_msg=what)


@pytest.fixture(scope="module")
def designs():
    d = HERE / "oracle" / "data"
    rd = lambda name: _read(d / f"{name}.csv", dtype={"cds": str})  # noqa: E731
    out = {}
    clus2, strat, clus1 = rd("apiclus2"), rd("apistrat"), rd("apiclus1")
    for frame in (clus2, strat, clus1):
        frame["yes"] = (frame["sch.wide"] == "Yes").astype(float)
    out["dclus2"] = SurveyDesign(clus2, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    out["dstrat"] = SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")
    dclus1 = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    out["rclus1"] = dclus1.replicate("jk1")
    out["dclus1r"] = rake(dclus1, {"stype": POP_STYPE, "sch.wide": POP_SCHWIDE},
                          epsilon=1e-13, maxit=100)
    nh = rd("nhanes")
    nh2 = nh.assign(PSU2=np.minimum(nh["SDMVPSU"], 2))
    out["rnh"] = SurveyDesign.from_replicate_weights(
        nh2, weights="WTMEC2YR", repweights=rd("repfactors_nhanes_brr"),
        on={"SDMVSTRA": "stratum", "PSU2": "psu"}, combined_weights=False, type="brr")
    return out


# ---------------------------------------------------------------------------- covariances
# case, design, statistic, variables, by, denominator, linear contrasts, nonlinear (R names)
COV_CASES = [
    ("dclus2.mean", "dclus2", "mean", "api00", "stype", None,
     {"EminusH": {"E": 1, "H": -1}, "gapM": {"E": .5, "H": .5, "M": -1}},
     {"EoverM": ("ratio", "E", "M")}),
    ("dclus2.mean_tot", "dclus2", "mean", "api00", "stype", None,
     {"EminusH": {"E": 1, "H": -1}}, {"EoverM": ("ratio", "E", "M")}),
    ("dstrat.mean2", "dstrat", "mean", ["api00", "api99"], "sch.wide", None,
     {"diff": {"Yes:api00": 1, "No:api00": -1, "Yes:api99": -1, "No:api99": 1}},
     {"growth": ("ratio", "Yes:api00", "Yes:api99")}),
    ("dstrat.total", "dstrat", "total", "enroll", "stype", None,
     {"EminusM": {"E": 1, "M": -1}}, {"share": ("ratio", "E", {"E": 1, "H": 1, "M": 1})}),
    ("dclus2.prop", "dclus2", "proportion", "sch.wide", "stype", None,
     {"gap": {"E:sch.wideYes": 1, "M:sch.wideYes": -1}},
     {"parity": ("ratio", "M:sch.wideYes", "E:sch.wideYes")}),
    ("dstrat.ratio", "dstrat", "ratio", "api00", "stype", "api99",
     {"EminusH": {"E": 1, "H": -1}}, None),
    ("rclus1.mean", "rclus1", "mean", "api00", "stype", None,
     {"EminusH": {"E": 1, "H": -1}}, {"EoverM": ("ratio", "E", "M")}),
    ("rclus1.prop", "rclus1", "proportion", "sch.wide", "stype", None,
     {"gap": {"E:sch.wideYes": 1, "H:sch.wideYes": -1}}, None),
    ("rclus1.yes", "rclus1", "mean", "yes", "stype", None,
     {"gap": {"E": 1, "H": -1}}, {"parity": ("ratio", "H", "E")}),
    ("rnh.mean", "rnh", "mean", "HI_CHOL", "RIAGENDR", None,
     {"gap": {"1": 1, "2": -1}}, {"parity": ("ratio", "2", "1")}),
    ("dclus1r.mean", "dclus1r", "mean", "api00", "stype", None,
     {"EminusH": {"E": 1, "H": -1}}, {"EoverM": ("ratio", "E", "M")}),
    ("dclus1r.prop", "dclus1r", "proportion", "comp.imp", "stype", None,
     {"gap": {"E:comp.impYes": 1, "M:comp.impYes": -1}},
     {"parity": ("ratio", "M:comp.impYes", "E:comp.impYes")}),
]


def r_name(label, statistic, n_vars):
    """Our label ("stype=E:sch.wide=Yes") -> R svyby's coefficient name ("E:sch.wideYes")."""
    parts = label.split(":")
    var = parts[-1]
    doms = ":".join(p.split("=", 1)[1] for p in parts[:-1])
    if statistic == "proportion":
        v, lev = var.split("=", 1)
        return f"{doms}:{v}{lev}"
    if n_vars > 1:
        return f"{doms}:{var}"
    return doms


def _translate(spec, to_ours):
    if isinstance(spec, str):
        return to_ours[spec]
    return {to_ours[k]: v for k, v in spec.items()}


@pytest.mark.parametrize("case", COV_CASES, ids=[c[0] for c in COV_CASES])
def test_covariance_and_contrasts_match_r(designs, case):
    name, dname, stat, variables, by, den, lin, nl = case
    design = designs[dname]
    est = joint_estimates(design, stat, variables, by=by, denominator=den)
    n_vars = 1 if isinstance(variables, str) else len(variables)
    names = [r_name(lab, stat, n_vars) for lab in est.labels]
    to_ours = dict(zip(names, est.labels))
    # the diagonal is the engine's SE^2, to rounding
    close(np.sqrt(np.diag(est.vcov)), est.table["se"].to_numpy(), 1e-12, "diag vs se")
    for key, want in ref(f"{name}.vcov").items():
        rn, cn = key.split("|")
        close(est.vcov[names.index(rn), names.index(cn)], want, what=f"{name} vcov {key}")
    for key, want in ref(f"{name}.coef").items():
        close(est.estimate[names.index(key)], want, what=f"{name} coef {key}")
    specs = {k: _translate(v, to_ours) for k, v in lin.items()}
    got = contrast(est, specs).set_index("contrast")
    for k in lin:
        close(got.loc[k, "estimate"], pick(ref(f"{name}.lin.est"), k), what=f"{name} {k}")
        close(got.loc[k, "se"], pick(ref(f"{name}.lin.se"), k), what=f"{name} {k} se")
        assert got.loc[k, "method"] == "linear"
    if nl:
        specs = {k: (v[0], _translate(v[1], to_ours), _translate(v[2], to_ours))
                 for k, v in nl.items()}
        got = contrast(est, specs).set_index("contrast")
        for k in nl:
            close(got.loc[k, "estimate"], pick(ref(f"{name}.nl.est"), k), what=f"{name} {k}")
            close(got.loc[k, "se"], pick(ref(f"{name}.nl.se"), k), what=f"{name} {k} se")
            assert got.loc[k, "method"] == ("replicates" if design.kind != "taylor"
                                            else "delta")
    assert est.df == ref(f"{dname}.degf")["degf"]


def test_replicate_parity_of_levels_equals_parity_of_indicators(designs):
    """R mislabels factor-level replicates in svyby (see make_reference.R); ours agree with
    the 0/1-indicator route R gets right."""
    est = joint_estimates(designs["rclus1"], "proportion", "sch.wide", by="stype")
    got = contrast(est, {"parity": ("ratio", "stype=H:sch.wide=Yes",
                                    "stype=E:sch.wide=Yes")}).iloc[0]
    close(got["estimate"], pick(ref("rclus1.yes.nl.est"), "parity"))
    close(got["se"], pick(ref("rclus1.yes.nl.se"), "parity"))


def test_contrast_p_value_and_interval_use_t_with_design_df(designs):
    est = joint_estimates(designs["dclus2"], "mean", "api00", by="stype")
    got = contrast(est, {"d": {"stype=E:api00": 1, "stype=H:api00": -1}}).iloc[0]
    from scipy import stats
    t = got["estimate"] / got["se"]
    assert got["df"] == designs["dclus2"].degf
    close(got["p_value"], 2 * stats.t.sf(abs(t), got["df"]), 1e-12)
    close(got["ci_high"] - got["estimate"], stats.t.ppf(0.975, got["df"]) * got["se"], 1e-12)
    assert bool(got["significant"]) == (got["ci_low"] > 0 or got["ci_high"] < 0)


# ---------------------------------------------------------------------------- rounds
def test_change_between_independent_rounds_matches_r(designs):
    a = designs["dstrat"].mean("api00", by="stype")
    b = designs["dclus2"].mean("api00", by="stype")
    got = change_between_rounds(a, b, df=(designs["dstrat"].degf, designs["dclus2"].degf))
    got = got.set_index("stype")
    for key in ("E", "H", "M"):
        close(got.loc[key, "change"], ref("change.indep.est")[key])
        close(got.loc[key, "se"], ref("change.indep.se")[key])
        close(got.loc[key, "p_value"], ref("change.indep.p")[key])
    assert set(got["assumption"]) == {"independent samples: no PSU in both rounds"}


def test_panel_change_matches_stacked_r_design():
    stack = _read(HERE / "compare" / "panel_stack.csv")
    rounds = {}
    for rnd in ("a", "b"):
        part = stack[stack["round"] == rnd].reset_index(drop=True)
        rounds[rnd] = SurveyDesign(part, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    got = panel_change(rounds["a"], rounds["b"], "mean", "score", by="stype").set_index("stype")
    for key in ("E", "H", "M"):
        close(got.loc[key, "change"], ref("change.panel.est")[key])
        close(got.loc[key, "se"], ref("change.panel.se")[key])
    # the overlap matters: treating the rounds as independent gives another (larger) SE
    indep = change_between_rounds(rounds["a"].mean("score", by="stype"),
                                  rounds["b"].mean("score", by="stype")).set_index("stype")
    assert (indep["se"] > 2 * got["se"]).all()


# ---------------------------------------------------------------------------- association
CHISQ_CASES = [("chisq.dclus2", "dclus2", "sch.wide", "stype", ("F", "Chisq", "Wald", "adjWald")),
               ("chisq.dstrat", "dstrat", "comp.imp", "stype", ("F", "Chisq", "Wald", "adjWald")),
               ("chisq.rclus1", "rclus1", "sch.wide", "stype", ("F", "Chisq")),
               ("chisq.dclus1r", "dclus1r", "comp.imp", "stype", ("F", "Chisq", "Wald")),
               ("chisq.rnh", "rnh", "race", "agecat", ("F", "Chisq"))]


@pytest.mark.parametrize("case", CHISQ_CASES, ids=[c[0] for c in CHISQ_CASES])
def test_rao_scott_chisq_matches_r(designs, case):
    name, dname, row, col, statistics = case
    for s in statistics:
        got = chisq_test(designs[dname], row, col, statistic=s).iloc[0]
        want = ref(f"{name}.{s}")
        close(got["statistic"], want["statistic"], what=f"{name} {s}")
        close(got["p_value"], want["p"], what=f"{name} {s} p")
        if "ndf" in want:
            close(got["ndf"], want["ndf"], what=f"{name} {s} ndf")
            close(got["ddf"], want["ddf"], what=f"{name} {s} ddf")
        else:
            close(got["ndf"], want["df"], what=f"{name} {s} df")


@pytest.mark.parametrize("case", [("ttest.dclus2", "dclus2", "api00", "sch.wide"),
                                  ("ttest.rclus1", "rclus1", "api00", "sch.wide"),
                                  ("ttest.dclus1r", "dclus1r", "api00", "comp.imp")])
def test_ttest_matches_r(designs, case):
    name, dname, var, group = case
    got = ttest(designs[dname], var, group).iloc[0]
    want = ref(name)
    for ours, theirs in (("estimate", "estimate"), ("t", "t"), ("df", "df"),
                         ("p_value", "p"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
        close(got[ours], want[theirs], what=f"{name} {ours}")


# ---------------------------------------------------------------------------- models
GLM_CASES = [("glm.dclus2.lin", "dclus2", "api00 ~ ell + meals + stype", "gaussian"),
             ("glm.dclus2.logit", "dclus2", "yes ~ ell + meals + stype", "quasibinomial"),
             ("glm.dstrat.logit", "dstrat", "yes ~ ell + meals + mobility + stype",
              "quasibinomial"),
             ("glm.rclus1.lin", "rclus1", "api00 ~ ell + meals + stype", "gaussian"),
             ("glm.rclus1.logit", "rclus1", "yes ~ ell + meals", "quasibinomial"),
             ("glm.dclus1r.lin", "dclus1r", "api00 ~ ell + meals + stype", "gaussian"),
             ("glm.rnh.logit", "rnh", "HI_CHOL ~ C(race) + agecat + RIAGENDR",
              "quasibinomial")]


@pytest.mark.parametrize("case", GLM_CASES, ids=[c[0] for c in GLM_CASES])
def test_glm_matches_r(designs, case):
    name, dname, formula, family = case
    fit = glm(designs[dname], formula, family=family)
    rtol = 1e-8
    co = fit.coefficients
    for col, key in (("estimate", "est"), ("se", "se"), ("p_value", "p"), ("ci_low", "ci_low")):
        want = np.array(list(ref(f"{name}.{key}").values()))
        assert len(want) == len(co), f"{name}: {list(co['term'])}"
        close(co[col].to_numpy(), want, rtol, f"{name} {col}")
    assert fit.df == ref(f"{name}.df")["df"]


@pytest.mark.parametrize("case", [("predmeans.dclus2", "dclus2"), ("predmeans.dstrat", "dstrat"),
                                  ("predmeans.dclus1r", "dclus1r")])
def test_predicted_means_match_r(designs, case):
    name, dname = case
    got = predicted_means(designs[dname], "yes ~ ell + meals", "stype").set_index("level")
    for key in ("E", "H", "M"):
        close(got.loc[key, "estimate"], ref(f"{name}.est")[key], 1e-8, f"{name} {key}")
        close(got.loc[key, "se"], ref(f"{name}.se")[key], 1e-8, f"{name} {key} se")
