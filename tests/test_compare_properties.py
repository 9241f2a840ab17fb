"""Properties of the comparison layer that need no R: the covariance is the engine's own
quadratic form (diagonal = SE^2, Var(a + b) = the engine's SE of the summed estimate), it is
positive semi-definite, and every misuse is a one-line RbmError naming what to fix."""

import warnings

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.errors import DataError, RbmError, UsageError
from rbm_surveys.surveys.association import chisq_test, ttest
from rbm_surveys.surveys.compare import (CHANGE_COLUMNS, CONTRAST_COLUMNS, GAP_COLUMNS,
                                         change_between_rounds, contrast, gap_table,
                                         gaps_to_reference,
                                         joint_estimates, panel_change)
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.models import COEFFICIENT_COLUMNS, glm, predicted_means
from rbm_surveys.surveys.weighting import calibrate, poststratify

POP_STYPE = {"E": 4421, "H": 755, "M": 1018}


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_csv(path, float_precision="round_trip", **kw)


@pytest.fixture(scope="module")
def frames(data_dir):
    d = data_dir / "oracle" / "data"
    return {"strat": _read(d / "apistrat.csv"), "clus1": _read(d / "apiclus1.csv"),
            "clus2": _read(d / "apiclus2.csv"),
            "syn3": _read(data_dir / "oracle_extra" / "syn3.csv"),
            "election": _read(data_dir / "design" / "election_pps.csv"),
            "joint": _read(data_dir / "design" / "election_jointprob.csv").to_numpy()}


def _designs(f):
    strat, clus1 = f["strat"], f["clus1"]
    first_h = strat.index[strat["stype"] == "H"][0]
    lone = strat[(strat["stype"] != "H") | (strat.index == first_h)].reset_index(drop=True)
    dclus1 = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    out = {
        "syn3": SurveyDesign(f["syn3"], weights="wt", strata=["stratum", "psu", "ssu"],
                             ids=["psu", "ssu", "hh"], fpc=["N1", "N2", "N3"], nest=True),
        "lonely_adjust": SurveyDesign(lone, weights="pw", strata="stype", fpc="fpc",
                                      lonely_psu="adjust"),
        "lonely_certainty": SurveyDesign(lone, weights="pw", strata="stype", fpc="fpc",
                                         lonely_psu="certainty"),
        "greg": calibrate(dclus1, {"stype": POP_STYPE}),
        "poststrat": poststratify(dclus1, {"stype": POP_STYPE}),
        "bootstrap_mse": dclus1.replicate("bootstrap", replicates=30, seed=4, mse=True),
    }
    return out


@pytest.fixture(scope="module")
def designs(frames):
    return _designs(frames)


CASES = [("syn3", "income", "area"), ("lonely_adjust", "api00", "sch.wide"),
         ("lonely_certainty", "api00", "sch.wide"), ("greg", "api00", "sch.wide"),
         ("poststrat", "api00", "sch.wide"), ("bootstrap_mse", "api00", "sch.wide")]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_covariance_is_the_engines_quadratic_form(designs, case):
    name, var, by = case
    design = designs[name]
    est = joint_estimates(design, "total", var, by=by)
    v = est.vcov
    np.testing.assert_allclose(np.diag(v), est.table["se"].to_numpy() ** 2, rtol=1e-12)
    assert np.linalg.eigvalsh(v).min() >= -1e-9 * np.abs(v).max()
    # the total over both domains is the sum of the domain totals: its SE from the engine
    # equals sqrt(1' V 1), which needs the cross-domain covariance to be right
    overall = design.total(var).iloc[0]
    ones = np.ones(len(v))
    np.testing.assert_allclose(np.sqrt(ones @ v @ ones), overall["se"], rtol=1e-10)
    got = contrast(est, {"sum": ones}).iloc[0]
    np.testing.assert_allclose(got["estimate"], overall["estimate"], rtol=1e-12)


@pytest.mark.parametrize("rule", ["adjust", "average"])
@pytest.mark.parametrize("domain_lonely", [False, True])
def test_lonely_rules_with_domains_keep_the_diagonal(frames, rule, domain_lonely):
    """Domains touching different strata (and, with adjust_domain_lonely, holding one PSU of
    several in a stratum): per-estimate rules, still diag = se^2 and PSD."""
    syn = frames["syn3"]
    first = syn.groupby("stratum").head(1).index
    lone = syn[(syn["stratum"] != "S3") | syn.index.isin(first)].reset_index(drop=True)
    design = SurveyDesign(lone, weights="wt", strata="stratum", ids="psu", nest=True,
                          lonely_psu=rule, adjust_domain_lonely=domain_lonely)
    for stat in ("mean", "total"):
        est = joint_estimates(design, stat, "income", by=["area", "tenure"])
        np.testing.assert_allclose(np.sqrt(np.diag(est.vcov)), est.table["se"], rtol=1e-12)
        ok = np.isfinite(np.diag(est.vcov))     # NaN where every stratum is lonely (as SE)
        v = est.vcov[np.ix_(ok, ok)]
        assert ok.sum() >= 4 and np.isfinite(v).all()
        assert np.linalg.eigvalsh(v).min() >= -1e-9 * np.abs(v).max()


def test_matrix_pps_covariance_by_polarisation(frames):
    e = frames["election"].assign(half=lambda d: np.where(d.index % 2 == 0, "a", "b"))
    for variance in ("HT", "YG"):
        design = SurveyDesign(e, fpc="p", pps=frames["joint"], variance=variance)
        est = joint_estimates(design, "total", "Bush", by="half")
        np.testing.assert_allclose(np.diag(est.vcov), est.table["se"] ** 2, rtol=1e-12)
        ones = np.ones(2)
        np.testing.assert_allclose(np.sqrt(ones @ est.vcov @ ones),
                                   design.total("Bush").iloc[0]["se"], rtol=1e-10)


def test_two_variables_same_domain_sum_like_their_sum(designs):
    design = designs["syn3"]
    data = design.data.assign(both=design.data["income"] + design.data["hhsize"])
    summed = SurveyDesign(data, weights="wt", strata=["stratum", "psu", "ssu"],
                          ids=["psu", "ssu", "hh"], fpc=["N1", "N2", "N3"], nest=True)
    est = joint_estimates(design, "mean", ["income", "hhsize"], by="tenure")
    for tenure in ("own", "rent"):
        c = {f"tenure={tenure}:income": 1, f"tenure={tenure}:hhsize": 1}
        got = contrast(est, {"s": c}).iloc[0]
        want = summed.mean("both", by="tenure").set_index("tenure").loc[tenure]
        np.testing.assert_allclose([got["estimate"], got["se"]],
                                   [want["estimate"], want["se"]], rtol=1e-10)


def test_gaps_to_reference(designs):
    est = joint_estimates(designs["greg"], "proportion", "sch.wide", by="stype")
    out = gaps_to_reference(est, "stype", "E")
    assert set(GAP_COLUMNS) <= set(out.columns)
    ref = out[out["stype"] == "E"]
    assert ref["gap"].eq(0).all() and ref["gap_se"].isna().all()
    assert not ref["gap_significant"].any()
    row = out[(out["stype"] == "H") & (out["level"] == "Yes")].iloc[0]
    e_yes = out[(out["stype"] == "E") & (out["level"] == "Yes")].iloc[0]
    assert row["gap"] == pytest.approx(row["estimate"] - e_yes["estimate"], rel=1e-12)
    direct = contrast(est, {"g": {"stype=H:sch.wide=Yes": 1, "stype=E:sch.wide=Yes": -1}})
    assert row["gap_se"] == pytest.approx(direct.iloc[0]["se"], rel=1e-12)
    assert row["gap_significant"] == (row["gap_ci_high"] < 0 or row["gap_ci_low"] > 0)


def test_output_columns_are_declared(designs):
    est = joint_estimates(designs["greg"], "mean", "api00", by="stype")
    assert list(contrast(est, {"a": "stype=E:api00"}).columns) == CONTRAST_COLUMNS
    a = designs["greg"].mean("api00", by="stype")
    out = change_between_rounds(a, a)
    assert list(out.columns) == ["variable", "level", "stype"] + CHANGE_COLUMNS
    assert (out["change"] == 0).all()
    fit = glm(designs["greg"], "api00 ~ ell", family="gaussian")
    assert list(fit.coefficients.columns) == COEFFICIENT_COLUMNS


# ---------------------------------------------------------------------------- errors
def test_unknown_label_suggests_the_nearest(designs):
    est = joint_estimates(designs["greg"], "mean", "api00", by="stype")
    with pytest.raises(UsageError, match="no estimate labelled") as err:
        contrast(est, {"x": {"stype=E:api0": 1}})
    assert "stype=E:api00" in str(err.value)
    with pytest.raises(UsageError, match="did you mean"):
        gaps_to_reference(est, "stype", "e")
    with pytest.raises(UsageError, match="coefficients for 3 estimates"):
        contrast(est, {"x": [1, -1]})


def test_rounds_with_unmatched_rows_are_an_error(designs):
    a = designs["greg"].mean("api00", by="stype")
    with pytest.raises(DataError, match="no partner"):
        change_between_rounds(a, a[a["stype"] != "H"])


def test_panel_change_refuses_what_it_cannot_do(designs, frames):
    with pytest.raises(UsageError, match="calibrated"):
        panel_change(designs["greg"], designs["greg"], "mean", "api00")
    a = SurveyDesign(frames["clus2"], ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    b = SurveyDesign(frames["clus2"], ids="dnum")
    with pytest.raises(UsageError, match="differ in"):
        panel_change(a, b, "mean", "api00")
    with pytest.raises(UsageError, match="linearisation"):
        panel_change(designs["bootstrap_mse"], a, "mean", "api00")


def test_model_and_test_errors(designs):
    d = designs["greg"]
    with pytest.raises(UsageError, match="api00"):
        glm(d, "api000 ~ ell")
    with pytest.raises(UsageError, match="family"):
        glm(d, "api00 ~ ell", family="binomial")
    with pytest.raises(DataError, match="between 0 and 1"):
        glm(d, "api00 ~ ell", family="quasibinomial")
    with pytest.raises(DataError, match="exactly two levels"):
        ttest(d, "api00", "stype")
    with pytest.raises(UsageError, match="statistic"):
        chisq_test(d, "sch.wide", "stype", statistic="G")
    with pytest.raises(UsageError, match="did you mean"):
        predicted_means(d, "api00 ~ ell", "stypes", family="gaussian")
    for exc in (UsageError, DataError):
        assert issubclass(exc, RbmError)


def test_logistic_separation_is_a_convergence_error(designs):
    data = designs["greg"].data.assign(sep=lambda x: (x["api00"] > 700).astype(float))
    d = SurveyDesign(data, weights="pw", ids="dnum", fpc="fpc")
    with pytest.raises(RbmError, match="converge"):
        glm(d, "sep ~ api00", family="quasibinomial")


def test_change_between_rounds_of_indicator_tables():
    """Indicator tables (run_indicators) are matched on indicator x disaggregation x level;
    bookkeeping columns that differ between rounds (source, n_dropped) do not split rows."""
    base = pd.DataFrame({"module": "m", "indicator": ["trust", "trust", "safe"],
                         "disaggregation": ["overall", "sex=F", "overall"],
                         "level": ["yes", "yes", "yes"], "estimate": [0.5, 0.4, 0.7],
                         "se": [0.03, 0.04, 0.02], "df": [40.0, 40.0, 40.0],
                         "source": "2019.xlsx", "n_dropped": [0, 1, 2]})
    follow = base.assign(estimate=[0.6, 0.55, 0.69], se=[0.03, 0.05, 0.02], df=[38.0] * 3,
                         source="2022.xlsx", n_dropped=[3, 0, 0])
    out = change_between_rounds(base, follow.iloc[::-1])
    assert list(out["indicator"]) == ["trust", "trust", "safe"]
    np.testing.assert_allclose(out["change"], [0.1, 0.15, -0.01], atol=1e-12)
    np.testing.assert_allclose(out["se"], np.sqrt([0.0018, 0.0041, 0.0008]), rtol=1e-12)
    assert (out["df"] == 78).all()
    assert list(out["significant"]) == [True, True, False]


def test_gap_table_by_two_columns(designs):
    d = designs["poststrat"]
    out = gap_table(d, "mean", "api00", by=["stype", "sch.wide"], reference="No",
                    compare_on="sch.wide")
    est = joint_estimates(d, "mean", "api00", by=["stype", "sch.wide"])
    want = gaps_to_reference(est, "sch.wide", "No")
    pd.testing.assert_frame_equal(out, want)
    row = out[(out["stype"] == "H") & (out["sch.wide"] == "Yes")].iloc[0]
    c = contrast(est, {"g": {"stype=H:sch.wide=Yes:api00": 1,
                             "stype=H:sch.wide=No:api00": -1}}).iloc[0]
    assert row["gap"] == pytest.approx(c["estimate"]) and row["gap_se"] == pytest.approx(c["se"])
    with pytest.raises(UsageError, match="compare_on"):
        gap_table(d, "mean", "api00", by=["stype", "sch.wide"], reference="No")
