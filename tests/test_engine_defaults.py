"""Right defaults and R parity for issue 9 item 5, ``with_columns`` (item 7) and
``crosstab`` (R ``svytable``, item 8).

Reference values: tests/data/engine_defaults/expected.csv, trim_weights.csv, svytable*.csv,
written by make_expected.R in that folder (R 4.2.2, survey 4.1-1). The data (strat2.csv):
12 strata x 4 PSUs (one stratum with 2), the analysis variables missing in every household
of two PSUs (so a df counted from the rows with data would be 32, R's is 34), a domain with a
single PSU in three strata, and Fay replicate weights (rho = 0.3) as a producer ships them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.errors import RbmError, UsageError
from rbm_surveys.surveys.design import SurveyDesign

HERE = Path(__file__).parent / "data" / "engine_defaults"
RTOL = 1e-8


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(HERE / name)


DATA = _read("strat2.csv")
EXPECTED = _read("expected.csv").set_index("term")


def _design(**kw) -> SurveyDesign:
    kw.setdefault("lonely_psu", "adjust")
    return SurveyDesign(DATA, weights="w", strata="stratum", ids="psu", **kw)


def _check(row: pd.Series, term: str, fields=("estimate", "se", "ci_low", "ci_high", "df")):
    want = EXPECTED.loc[term]
    for ours, theirs in (("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"),
                         ("ci_high", "ci_high"), ("df", "ci_df")):
        if ours in fields:
            np.testing.assert_allclose(float(row[ours]), want[theirs], rtol=RTOL,
                                       err_msg=f"{term} {ours}")


# ------------------------------------------------------------------ df with missing values
def test_df_comes_from_the_design_not_the_rows_with_data():
    d = _design()
    assert d.degf == 34
    _check(d.mean("y", ci="t").iloc[0], "df.mean.y")
    yes = d.proportion("yes", ci="logit")
    _check(yes[yes["level"] == 1].iloc[0], "df.logit.yes")


def test_domain_df_is_the_subset_design_df_whatever_is_missing():
    d = _design()
    m = d.mean("y", by="grp", ci="t").set_index("grp")
    p = d.proportion("yes", by="grp").query("level == 1").set_index("grp")   # default: logit
    for g in ("A", "B"):
        _check(m.loc[g], f"df.mean.y.grp{g}")
        _check(p.loc[g], f"df.logit.yes.grp{g}")
    # the one-pass table gives the same df as the separate calls
    t = d.table("yes", [None, "grp"]).query("level == 1")
    np.testing.assert_allclose(t["df"].to_numpy(), [34, 30, 25])


# ------------------------------------------------------------------ default interval
def test_default_proportion_interval_is_logit_with_the_domain_df():
    d = _design()
    default = d.proportion("yes", by="grp")
    logit = d.proportion("yes", by="grp", ci="logit")
    pd.testing.assert_frame_equal(default, logit)
    assert set(default["ci_method"]) == {"logit"}
    assert set(d.table("yes", [None])["ci_method"]) == {"logit"}
    assert set(d.table("y", [None], statistic="mean")["ci_method"]) == {"wald"}


# ------------------------------------------------------------------ Fay
FAY = [f"fay{i}" for i in range(1, 17)]


@pytest.mark.parametrize("var", ["y", "yes"])
def test_fay_weights_built_as_r_users_build_them(var):
    rf = SurveyDesign.from_replicate_weights(DATA, weights="w", repweights=FAY, type="fay",
                                             rho=0.3)
    _check(rf.mean(var).iloc[0], f"fay.mean.{var}", ("estimate", "se"))
    _check(rf.total(var).iloc[0], f"fay.total.{var}", ("estimate", "se"))
    assert rf.degf == EXPECTED.loc[f"fay.mean.{var}", "ci_df"]


def test_fay_half_sample_factors_are_turned_into_fay_factors():
    fac = DATA[FAY].to_numpy() / DATA[["w"]].to_numpy()          # 0.3 / 1.7
    half = pd.DataFrame(np.where(fac > 1, 2.0, 0.0), columns=FAY)
    frame = pd.concat([DATA.drop(columns=FAY), half], axis=1)
    rf = SurveyDesign.from_replicate_weights(frame, weights="w", repweights=FAY, type="fay",
                                             rho=0.3, combined_weights=False)
    _check(rf.total("y").iloc[0], "fay.total.y", ("estimate", "se"))


def test_fay_ambiguous_input_is_refused():
    with pytest.raises(UsageError, match="rho=0.3 .*but rho=0.7"):
        SurveyDesign.from_replicate_weights(DATA, weights="w", repweights=FAY, type="fay",
                                            rho=0.7)
    with pytest.raises(UsageError, match="need rho"):
        SurveyDesign.from_replicate_weights(DATA, weights="w", repweights=FAY, type="fay")
    with pytest.raises(UsageError, match="fay_rho"):
        _design().replicate("fay")


# ------------------------------------------------------------------ trimWeights
def test_trim_equal_is_r_trimweights_strict():
    d = _design()
    t = d.trim(lower=35, upper=150, redistribute="equal")
    want = _read("trim_weights.csv")["w"].to_numpy()
    np.testing.assert_allclose(t.weights, want, rtol=RTOL)
    assert t.weights.max() <= 150 and t.weights.min() >= 35
    np.testing.assert_allclose(t.weights.sum(), d.weights.sum(), rtol=1e-12)
    _check(t.mean("y").iloc[0], "trim.mean.y", ("estimate", "se"))


# ------------------------------------------------------------------ adjust.domain.lonely
@pytest.mark.parametrize("rule", ["adjust", "average", "remove"])
@pytest.mark.parametrize("option", [False, True])
def test_adjust_domain_lonely_option(rule, option):
    d = _design(lonely_psu=rule, adjust_domain_lonely=option)
    got = d.mean("y", by="grp").set_index("grp")
    for g in ("A", "B"):
        _check(got.loc[g], f"lonely.{rule}.{str(option).upper()}.{g}", ("estimate", "se"))
    # kept on the design, not global: a design without the option is unaffected
    plain = _design(lonely_psu=rule).mean("y", by="grp").set_index("grp")
    _check(plain.loc["B"], f"lonely.{rule}.FALSE.B", ("estimate", "se"))


def test_adjust_domain_lonely_changes_what_r_changes():
    b = {opt: _design(adjust_domain_lonely=opt).mean("y", by="grp").set_index("grp")
         for opt in (False, True)}
    assert b[True].loc["B", "se"] > b[False].loc["B", "se"]      # 3 strata with 1 PSU of B
    assert b[True].loc["A", "se"] == b[False].loc["A", "se"]
    assert "domain-lonely" in _design(adjust_domain_lonely=True).describe()


# ------------------------------------------------------------------ svytable
def test_crosstab_matches_svytable():
    d = _design()
    want = _read("svytable.csv")
    key = ["sex", "region"]
    counts = d.crosstab("sex", "region").merge(want, on=key, validate="one_to_one")
    assert len(counts) == 6
    np.testing.assert_allclose(counts["count"], counts["Freq"], rtol=RTOL)
    for norm, col in (("all", "prop_all"), ("rows", "prop_sex"), ("columns", "prop_region")):
        got = d.crosstab("sex", "region", normalize=norm).merge(want, on=key)
        np.testing.assert_allclose(got["proportion"], got[col], rtol=RTOL, err_msg=norm)
    scaled = d.crosstab("region", total=1000).merge(_read("svytable_ntotal.csv"), on="region")
    np.testing.assert_allclose(scaled["count"], scaled["Freq"], rtol=RTOL)
    assert counts["n"].sum() == len(DATA)


def test_crosstab_keeps_empty_cells_and_refuses_bad_input():
    d = _design().with_columns(band=np.where(DATA["w"] > 100, "high", "low"))
    t = d.crosstab(["band", "sex"], "region")
    assert len(t) == 2 * 2 * 3 and (t["count"] >= 0).all()
    with pytest.raises(UsageError):
        d.crosstab("sex", "sex")
    with pytest.raises(UsageError):
        d.crosstab("sex", normalize="columns")
    with pytest.raises(RbmError, match="did you mean"):
        d.crosstab("sexx")


# ------------------------------------------------------------------ with_columns
def test_with_columns_adds_variables_and_keeps_weights_and_calibration():
    d = _design()
    raked = d.rake({"sex": {"F": 15000, "M": 13000}, "region": {"east": 9000,
                                                                "north": 10000, "west": 9000}})
    updated = raked.with_columns(high=lambda f: (f["y"] > 60).map({True: "yes", False: "no"})
                                 .where(f["y"].notna()))
    assert updated.calibration is raked.calibration
    np.testing.assert_array_equal(updated.weights, raked.weights)
    assert "high" not in raked.data.columns                      # original untouched
    # same estimate and SE as a design rebuilt with the column and re-raked
    rebuilt = SurveyDesign(DATA.assign(high=updated.data["high"]), weights="w",
                           strata="stratum", ids="psu", lonely_psu="adjust").rake(
        {"sex": {"F": 15000, "M": 13000}, "region": {"east": 9000, "north": 10000,
                                                       "west": 9000}})
    a = updated.proportion("high", by="grp")
    b = rebuilt.proportion("high", by="grp")
    np.testing.assert_allclose(a[["estimate", "se", "df"]], b[["estimate", "se", "df"]],
                               rtol=1e-10)


def test_with_columns_invalidates_only_what_it_replaces():
    d = _design()
    before = d.proportion("sex", by="grp")
    flipped = d.with_columns(grp=np.where(DATA["grp"] == "A", "B", "A"))
    after = flipped.proportion("sex", by="grp").set_index(["grp", "level"])
    again = before.set_index(["grp", "level"])
    np.testing.assert_allclose(after.loc[("A", "F"), "estimate"],
                               again.loc[("B", "F"), "estimate"], rtol=1e-12)
    with pytest.raises(UsageError, match="design column"):
        d.with_columns(w=1.0)
    with pytest.raises(UsageError, match="values for"):
        d.with_columns(z=[1, 2, 3])
    rep = d.replicate("jkn").with_columns(big=DATA["w"].to_numpy() > 100)
    got = rep.proportion("big")
    assert list(got["level"]) == [False, True] and (got["n"] == len(DATA)).all()
    np.testing.assert_allclose(got["estimate"].iloc[1], np.average(DATA["w"] > 100,
                                                                   weights=DATA["w"]))


# ------------------------------------------------------------------ design-level reuse
def _fresh(frame: pd.DataFrame, **kw) -> SurveyDesign:
    return SurveyDesign(frame, weights="w", strata="stratum", ids="psu", lonely_psu="adjust",
                        **kw)


@pytest.mark.parametrize("replicate", [False, True])
def test_svyby_style_calls_reuse_sums_and_match_fresh_designs(replicate):
    frame = DATA.assign(region_na=DATA["region"].where(DATA["hh"] != 2))
    d = _fresh(frame)
    d = d.replicate("jkn") if replicate else d
    bys = [None, "sex", "region", ["sex", "region"], "region_na", ["region", "sex"]]
    got = {}
    for var in ("yes", "sex", "grp"):
        for by in bys:
            got[var, str(by)] = d.proportion(var, by=by, deff=True)
            got["mean", var, str(by)] = d.mean("y", by=by, deff=True)
    assert d.cached_keys("suff")                 # the cached path was taken
    for key, table in got.items():
        var, by = (key[1], key[2]) if key[0] == "mean" else key
        by = None if by == "None" else eval(by) if by.startswith("[") else by
        f = _fresh(frame)
        f = f.replicate("jkn") if replicate else f
        want = (f.mean("y", by=by, deff=True) if key[0] == "mean"
                else f.proportion(var, by=by, deff=True))
        num = ["estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_weighted"]
        np.testing.assert_allclose(table[num].to_numpy(float), want[num].to_numpy(float),
                                   rtol=1e-10, err_msg=str(key))
        pd.testing.assert_frame_equal(table.drop(columns=num), want.drop(columns=num))


def test_reused_sums_follow_with_columns_and_weights():
    d = _design()
    before = d.proportion("sex", by="grp")
    changed = d.with_columns(sex=np.where(DATA["sex"] == "F", "M", "F"))
    after = changed.proportion("sex", by="grp").set_index(["grp", "level"])["estimate"]
    before = before.set_index(["grp", "level"])["estimate"]
    for g in ("A", "B"):                  # the swapped labels swap the estimates
        np.testing.assert_allclose(after[(g, "F")], before[(g, "M")], rtol=1e-12)
    heavier = d.with_weights(np.where(DATA["sex"] == "F", 2.0, 1.0) * DATA["w"])
    new = heavier.proportion("sex", by="grp").query("level == 'F'")
    want = _fresh(DATA.assign(w=heavier.weights)).proportion("sex", by="grp").query(
        "level == 'F'")
    np.testing.assert_allclose(new["estimate"], want["estimate"], rtol=1e-12)
    np.testing.assert_allclose(new["se"], want["se"], rtol=1e-10)


# ------------------------------------------------------------------ documented public API
VERBS = ("mean", "total", "proportion", "table", "crosstab", "ratio", "quantile", "var",
         "poststratify", "rake", "calibrate", "trim", "with_columns", "with_weights")


@pytest.mark.parametrize("name", VERBS)
def test_verbs_have_real_signatures_and_documented_r_equivalents(name):
    import inspect

    from rbm_surveys.surveys.replicate import ReplicateDesign

    for cls in (SurveyDesign, ReplicateDesign):
        fn = getattr(cls, name)
        kinds = {p.kind for p in inspect.signature(fn).parameters.values()}
        if name != "with_columns":                    # name=values is its interface
            assert inspect.Parameter.VAR_POSITIONAL not in kinds, (cls, name)
            assert inspect.Parameter.VAR_KEYWORD not in kinds, (cls, name)
        doc = inspect.getdoc(fn) or ""
        assert len(doc) > 80, (cls, name)
        if name != "with_weights":
            assert "R equivalent" in doc and "Return" in doc, (cls, name)
