"""Independent check of the estimation engine against R survey 4.1-1 on cases beyond the
shared oracle: multistage designs with fpc at every stage, PPS without replacement
(Brewer, Hartley-Rao, Overton, joint probabilities with HT and YG), domains absent from
strata, lonely PSUs inside domains, rare-domain proportion intervals, quantiles and
ratios on a stratified cluster design, user-supplied replicate weights (JK1, JKn, Fay,
mse) and calibration of a stratified design (two-way post-stratification, three-margin
raking, logit and bounded linear calibration).

Reference values: tests/data/oracle_extra/expected.csv, written by make_expected.R in the
same folder (kept for provenance; R is not needed to run these tests). Each row carries
the exact R call; estimate, se, ci_low, ci_high, the interval's df and deff must match
to 1e-8 relative (1e-6 where R iterates).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oracle_compare import assert_row_matches
from rbm_surveys import SurveyDesign

HERE = Path(__file__).parent / "data" / "oracle_extra"
POP_STYPE = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
POP_AWARDS = {"No": 2027, "Yes": 4167}
API99_TOTAL = 3914069
ITERATIVE = {"drake3", "dcal_logit", "dcal_linb", "ujk1_rake"}
# R refits a glm on every replicate (converged to glm's 1e-8 deviance tolerance)
ITERATIVE_CASES = {"rsyn_jkn.ciprop.logit.rare"}
# svyby(..., svyquantile): R's confint.svyby is a normal interval around the SE, not the
# Woodruff interval; only the estimate and its (Woodruff) SE are compared.
FIELDS_ONLY = {"syn.by.quantile.score": ("estimate", "se")}
LONELY_RULES = ("adjust", "certainty", "average", "remove")
CIPROP_METHODS = ("logit", "likelihood", "beta", "asin", "mean", "xlogit")


def _read(name: str, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # pandas 3 deprecates float_precision
        return pd.read_csv(HERE / name, float_precision="round_trip", **kw)


EXPECTED = _read("expected.csv")


@pytest.fixture(scope="module")
def designs() -> dict:
    from rbm_surveys.surveys.weighting import Margin, calibrate, poststratify, rake

    out: dict = {}
    mu, syn3, syn = _read("mu284.csv"), _read("syn3.csv"), _read("synstrat.csv")
    out["dmu"] = SurveyDesign(mu, ids=["id1", "id2"], fpc=["n1", "n2"])
    stages = dict(strata="stratum", ids=["psu", "ssu", "hh"], nest=True)
    out["dsyn3"] = SurveyDesign(syn3, fpc=["N1", "N2", "N3"], **stages)
    out["dsyn3wr"] = SurveyDesign(syn3, weights="wt", **stages)
    out["dsyn3c"] = SurveyDesign(syn3, fpc=["N1c", "N2", "N3"], **stages)  # S1: certainty
    syn3l = syn3[~((syn3["stratum"] == "S2") & (syn3["psu"] == 1) & (syn3["ssu"] > 1))]
    for rule in LONELY_RULES:                                            # one SSU in S2-1
        out[f"dsyn3l.{rule}"] = SurveyDesign(syn3l, fpc=["N1", "N2", "N3"], lonely_psu=rule,
                                             **stages)
    out["rmu"] = out["dmu"].replicate("jk1")
    dsyn2 = SurveyDesign(syn[syn["psu"] <= 2], weights="w", strata="stratum", ids="psu",
                         nest=True)                                     # 2 PSUs per stratum
    out["rsyn2_brr"] = dsyn2.replicate("brr")
    out["rsyn2_fay"] = dsyn2.replicate("fay", fay_rho=0.4)
    out["dsyn3b"] = SurveyDesign(syn3, fpc=["f1", "f2", "f3"], pps="brewer", **stages)
    for key, how in (("dsynoverton", "overton"), ("dsynhr", "hr")):   # stratified element PPS
        out[key] = SurveyDesign(syn, strata="stratum", fpc="pi1", pps=how)
    out["dsynprobs"] = SurveyDesign(syn, strata="stratum", ids="psu", probs="pi1", nest=True)
    out["dsyn3f"] = SurveyDesign(syn3, fpc=["f1", "f2", "f3"], **stages)   # fractions n/N
    out["dsynbrewer"] = SurveyDesign(syn, strata="stratum", ids="psu", fpc="pi1", nest=True,
                                     pps="brewer")
    out["dsyn"] = SurveyDesign(syn, weights="w", strata="stratum", ids="psu", fpc="N1",
                               nest=True)

    el = _read("election_pps.csv")
    joint = _read("election_jointprob.csv").to_numpy()
    out["dbrewer"] = SurveyDesign(el, fpc="p", pps="brewer")
    out["dhr"] = SurveyDesign(el, fpc="p", pps="hr")
    psum = float(_read("election_hr_psum.csv")["psum"].iloc[0])
    out["dhr2"] = SurveyDesign(el, fpc="p", pps="hr", pps_p2bar=psum)
    out["doverton"] = SurveyDesign(el, fpc="p", pps="overton")
    out["dppsht"] = SurveyDesign(el, fpc="p", pps=joint, variance="HT")
    out["dppsyg"] = SurveyDesign(el, fpc="p", pps=joint, variance="YG")
    big = el.assign(big=np.where(el["p"] > 0.1, "TRUE", "FALSE"))      # R: ~I(p > 0.1)
    out["dppsht_big"] = SurveyDesign(big, fpc="p", pps=joint, variance="HT")

    lone = _read("synlone.csv")
    for rule in LONELY_RULES:
        out[f"dlone.{rule}"] = SurveyDesign(lone, weights="w", strata="stratum", ids="psu",
                                            fpc="N1", nest=True, lonely_psu=rule)

    out["rsyn_jkn"] = out["dsyn"].replicate("jkn")
    jkn = _read("synstrat_jkn_repw.csv")
    rscales = _read("synstrat_jkn_rscales.csv")["rscales"].to_numpy()
    for key, mse in (("ujkn", False), ("ujkn_mse", True)):
        out[key] = SurveyDesign.from_replicate_weights(
            syn, weights="w", repweights=jkn, on={"rowid": "rowid"}, type="jkn", scale=1.0,
            rscales=rscales, mse=mse)
    jk1 = _read("synstrat_jk1_repw.csv")
    for key, mse in (("ujk1", False), ("ujk1_mse", True)):
        out[key] = SurveyDesign.from_replicate_weights(
            syn, weights="w", repweights=jk1, on={"rowid": "rowid"}, type="jk1", mse=mse)
    out["ufay"] = SurveyDesign.from_replicate_weights(
        syn, weights="w", repweights=_read("synstrat_fay_factors.csv"),
        on={"stratum": "stratum", "psu": "psu"}, combined_weights=False, type="fay",
        fay_rho=0.3)

    dstrat = SurveyDesign(_read("apistrat.csv", dtype={"cds": str}), weights="pw",
                          strata="stype", fpc="fpc")
    out["dstrat"] = dstrat
    cells = _read("pop_stype_schwide.csv")
    two_way = Margin.of(("stype", "sch.wide"),
                        {(r.stype, r._2): r.Freq for r in cells.itertuples()})
    out["dps2"] = poststratify(dstrat, two_way)
    three = {"stype": POP_STYPE, "sch.wide": POP_SCHWIDE, "awards": POP_AWARDS}
    out["drake3"] = rake(dstrat, three, epsilon=1e-13, maxit=100)
    population = {**three, "api99": API99_TOTAL}
    out["dcal_logit"] = calibrate(dstrat, population, calfun="logit", bounds=(0.5, 2),
                                  epsilon=1e-10, maxit=200)
    out["dcal_linb"] = calibrate(dstrat, population, calfun="linear", bounds=(0.8, 1.1),
                                 epsilon=1e-10, maxit=200)
    out["dcal_lin"] = calibrate(dstrat, population)

    pop = _read("synstrat_pop.csv", keep_default_na=False)
    margin = {v: dict(zip(g["category"], g["total"])) for v, g in pop.groupby("variable")}
    sex_hours = {"sex": margin["sex"], "hours": margin["hours"][""]}
    out["rsyn_ps"] = poststratify(out["rsyn_jkn"], {"sex": margin["sex"]})
    out["ujk1_rake"] = rake(out["ujk1"], {"sex": margin["sex"], "region": margin["region"]},
                            epsilon=1e-13, maxit=100)
    out["dsyn_cal"] = calibrate(out["dsyn"], sex_hours)
    out["rsyn_cal"] = calibrate(out["rsyn_jkn"], sex_hours)
    return out


# ------------------------------------------------------------------ R call -> our API
def _is_factor(design, var: str) -> bool:
    return not pd.api.types.is_numeric_dtype(design.data[var])


def _one(design, fun: str, var: str, deff) -> pd.DataFrame:
    """svymean / svytotal of one variable, indexed by R's coefficient names."""
    if _is_factor(design, var):
        t = (design.proportion(var, deff=deff, ci="wald") if fun == "mean"
             else design.total(var, deff=deff))  # svymean: Wald
        return t.set_index(var + t["level"].astype(str))
    t = getattr(design, fun)(var, deff=deff)
    return t.set_index(pd.Index([var]))


def _by(design, fun: str, var: str, by: str, deff=False) -> pd.DataFrame:
    """svyby(~var, ~by, design, svymean|svytotal|svyratio)."""
    if fun == "ratio":
        num, den = var.split("/")
        t = design.ratio(num, den, by=by)
        return t.set_index(t[by].astype(str))
    if _is_factor(design, var):
        t = (design.proportion(var, by=by, ci="wald") if fun == "mean"
             else design.total(var, by=by))  # svymean: Wald
        return t.set_index(t[by].astype(str) + ":" + var + t["level"].astype(str))
    if fun == "var":
        t = design.var(var, by=by)
        return t.set_index(t[by].astype(str))
    t = getattr(design, fun)(var, by=by, deff=deff)
    return t.set_index(t[by].astype(str))


def _domain(design, fun: str, var: str, by: str, level: str) -> pd.DataFrame:
    """svymean(~var, subset(design, by==level)) with a t interval on the domain's df."""
    t = getattr(design, fun)(var, by=by, ci="t")
    return t[t[by].astype(str) == level].set_index(pd.Index([var]))


def _ratio(design, num: str, den: str) -> pd.DataFrame:
    return design.ratio(num, den).set_index(pd.Index([f"{num}/{den}"]))


def _quantile(design, var: str, probs: list[float], rule: str = "math") -> pd.DataFrame:
    t = design.quantile(var, probs, rule=rule)
    return t.set_index(pd.Index([f"{var}.{p:g}" for p in t["quantile"]]))


def _quantile_ci(design, var: str, probs: list[float], interval: str) -> pd.DataFrame:
    """svyquantile(..., interval.type=interval)."""
    t = design.quantile(var, probs, ci=interval)
    return t.set_index(pd.Index([f"{var}.{p:g}" for p in t["quantile"]]))


def _ciprop(design, var: str, by: str | None, level: str | None,
            method: str) -> pd.DataFrame:
    """svyciprop(~I(var==1), subset(design, by==level), method=) (whole design: by=None)."""
    t = design.proportion(var, by=by, ci=method)
    t = t[t["level"] == 1]
    if by is not None:
        t = t[t[by].astype(str) == level]
    return t.set_index(pd.Index([f"I({var} == 1)"]))


def _ciprop_comp_imp(design) -> pd.DataFrame:
    """svyciprop(~I(comp.imp=='Yes'), design, method='logit')."""
    t = design.proportion("comp.imp", ci="logit")
    return t[t["level"] == "Yes"].set_index(pd.Index(['I(comp.imp == "Yes")']))


def _female_r3(design, method: str) -> pd.DataFrame:
    """svyciprop(~I(sex=='F'), subset(design, region=='R3'), method=)."""
    t = design.proportion("sex", by="region", ci=method)
    t = t[(t["region"] == "R3") & (t["level"] == "F")]
    return t.set_index(pd.Index(['I(sex == "F")']))


def _by2_income(design) -> pd.DataFrame:
    """svyby(~income, ~area+tenure, design, svymean): terms 'area.tenure'."""
    t = design.mean("income", by=["area", "tenure"])
    return t.set_index(t["area"].astype(str) + "." + t["tenure"].astype(str))


def _by_median(design) -> pd.DataFrame:
    """svyby(~score, ~region, design, svyquantile, quantiles=0.5, ci=TRUE)."""
    t = design.quantile("score", 0.5, by="region")
    return t.set_index(t["region"].astype(str))


def _calls() -> dict:
    """case -> (design key, function of the design returning a frame indexed by R term)."""
    c: dict = {
        "mu284.total.y1": ("dmu", lambda d: _one(d, "total", "y1", True)),
        "mu284.mean.y1": ("dmu", lambda d: _one(d, "mean", "y1", True)),
        "mu284.by.mean.y1": ("dmu", lambda d: _by(d, "mean", "y1", "half", True)),
        "mu284.by.total.y1": ("dmu", lambda d: _by(d, "total", "y1", "half", True)),
        "syn3.mean.income": ("dsyn3", lambda d: _one(d, "mean", "income", True)),
        "syn3.total.income": ("dsyn3", lambda d: _one(d, "total", "income", True)),
        "syn3.mean.tenure": ("dsyn3", lambda d: _one(d, "mean", "tenure", True)),
        "syn3.total.hhsize": ("dsyn3", lambda d: _one(d, "total", "hhsize", True)),
        "syn3.by.mean.income": ("dsyn3", lambda d: _by(d, "mean", "income", "area", True)),
        "syn3.by.total.hhsize": ("dsyn3", lambda d: _by(d, "total", "hhsize", "area", True)),
        "syn3.by.mean.tenure": ("dsyn3", lambda d: _by(d, "mean", "tenure", "area")),
        "syn3.ratio.income.hhsize": ("dsyn3", lambda d: _ratio(d, "income", "hhsize")),
        "syn3wr.mean.income": ("dsyn3wr", lambda d: _one(d, "mean", "income", True)),
        "syn3wr.by.total.income": ("dsyn3wr", lambda d: _by(d, "total", "income", "area")),
        "syn.domain.mean.score.R3": ("dsyn",
                                     lambda d: _domain(d, "mean", "score", "region", "R3")),
        "syn.domain.total.score.R3": ("dsyn",
                                      lambda d: _domain(d, "total", "score", "region", "R3")),
        "syn.by.mean.score": ("dsyn", lambda d: _by(d, "mean", "score", "region", True)),
        "syn.by.ratio.score.hours": ("dsyn",
                                     lambda d: _by(d, "ratio", "score/hours", "region")),
        "syn.ratio.score.hours": ("dsyn", lambda d: _ratio(d, "score", "hours")),
        "syn3.quantile.math.income": ("dsyn3",
                                      lambda d: _quantile(d, "income", [0.25, 0.75])),
        "rsyn_jkn.mean.score": ("rsyn_jkn", lambda d: _one(d, "mean", "score", False)),
        "rsyn_jkn.total.score": ("rsyn_jkn", lambda d: _one(d, "total", "score", False)),
        "rsyn_jkn.mean.sex": ("rsyn_jkn", lambda d: _one(d, "mean", "sex", False)),
        "rsyn_jkn.ratio.score.hours": ("rsyn_jkn", lambda d: _ratio(d, "score", "hours")),
        "rsyn_jkn.by.mean.score": ("rsyn_jkn", lambda d: _by(d, "mean", "score", "region")),
        "ujkn.mean.score": ("ujkn", lambda d: _one(d, "mean", "score", False)),
        "ujkn.by.total.score": ("ujkn", lambda d: _by(d, "total", "score", "region")),
        "ujkn_mse.mean.score": ("ujkn_mse", lambda d: _one(d, "mean", "score", False)),
        "ujk1.mean.score": ("ujk1", lambda d: _one(d, "mean", "score", False)),
        "ujk1.by.mean.sex": ("ujk1", lambda d: _by(d, "mean", "sex", "region")),
        "ujk1_mse.total.score": ("ujk1_mse", lambda d: _one(d, "total", "score", False)),
        "ufay.mean.score": ("ufay", lambda d: _one(d, "mean", "score", False)),
        "ufay.total.hours": ("ufay", lambda d: _one(d, "total", "hours", False)),
        "ufay.by.mean.score": ("ufay", lambda d: _by(d, "mean", "score", "sex")),
        "dps2.by.mean.ell": ("dps2", lambda d: _by(d, "mean", "ell", "stype")),
        "syn3.by2.mean.income": ("dsyn3", _by2_income),
        "syn3.total.tenure": ("dsyn3", lambda d: _one(d, "total", "tenure", True)),
        "syn3.mean.income_na": ("dsyn3", lambda d: _one(d, "mean", "income_na", True)),
        "syn3.by.mean.income_na": ("dsyn3", lambda d: _by(d, "mean", "income_na", "area")),
        "syn.mean.score.replace": ("dsyn", lambda d: _one(d, "mean", "score", "replace")),
        "syn.total.hours.replace": ("dsyn", lambda d: _one(d, "total", "hours", "replace")),
        "syn.var.score": ("dsyn", lambda d: d.var("score").set_index(pd.Index(["score"]))),
        "syn3.var.income": ("dsyn3",
                            lambda d: d.var("income").set_index(pd.Index(["income"]))),
        "rsyn_jkn.quantile.score": ("rsyn_jkn", lambda d: _quantile(d, "score", [0.25, 0.5])),
        "rsyn_jkn.ciprop.logit.rare": ("rsyn_jkn", lambda d: _ciprop(d, "rare", None, None,
                                                                     "logit")),
        "dppsht.by.total.Kerry": ("dppsht_big", lambda d: _by(d, "total", "Kerry", "big")),
        "syn.by.quantile.score": ("dsyn", _by_median),
        "dps2.quantile.api00": ("dps2", lambda d: _quantile(d, "api00", [0.25, 0.5])),
        "dcal_lin.ratio.api00.api99": ("dcal_lin", lambda d: _ratio(d, "api00", "api99")),
        "dcal_lin.ciprop.logit.comp.imp": ("dcal_lin", _ciprop_comp_imp),
        "drake3.by.mean.ell": ("drake3", lambda d: _by(d, "mean", "ell", "awards")),
        "rsyn_jkn.by.ratio.score.hours": ("rsyn_jkn",
                                          lambda d: _by(d, "ratio", "score/hours", "region")),
        "rsyn2_brr.total.score": ("rsyn2_brr", lambda d: pd.concat(
            [_one(d, "total", "score", False), _one(d, "total", "hours", False)])),
        "rsyn2_fay.total.score": ("rsyn2_fay", lambda d: pd.concat(
            [_one(d, "total", "score", False), _one(d, "total", "hours", False)])),
        "rsyn_jkn.mean.score.deff": ("rsyn_jkn", lambda d: _one(d, "mean", "score", True)),
        "dcal_lin.mean.api00.deff": ("dcal_lin", lambda d: _one(d, "mean", "api00", True)),
        "dbrewer.total.Kerry.deff": ("dbrewer", lambda d: _one(d, "total", "Kerry", True)),
        "syn3.mean.tenure_na": ("dsyn3", lambda d: _one(d, "mean", "tenure_na", False)),
        "syn3.by.tenure_na.mean.income": ("dsyn3",
                                          lambda d: _by(d, "mean", "income", "tenure_na")),
        "syn3b.total.income": ("dsyn3b", lambda d: _one(d, "total", "income", False)),
        "syn3b.by.mean.income": ("dsyn3b", lambda d: _by(d, "mean", "income", "area")),
        "synoverton.total.score": ("dsynoverton", lambda d: _one(d, "total", "score", False)),
        "synoverton.by.mean.score": ("dsynoverton",
                                     lambda d: _by(d, "mean", "score", "region")),
        "synhr.total.score": ("dsynhr", lambda d: _one(d, "total", "score", False)),
        "synhr.mean.score": ("dsynhr", lambda d: _one(d, "mean", "score", False)),
        "synprobs.mean.score": ("dsynprobs", lambda d: _one(d, "mean", "score", True)),
        "syn.by.var.score": ("dsyn", lambda d: _by(d, "var", "score", "region")),
        "syn.by.total.sex": ("dsyn", lambda d: _by(d, "total", "sex", "region")),
        "syn3c.mean.income": ("dsyn3c", lambda d: _one(d, "mean", "income", False)),
        "syn3c.total.hhsize": ("dsyn3c", lambda d: _one(d, "total", "hhsize", False)),
        "syn3c.by.mean.income": ("dsyn3c", lambda d: _by(d, "mean", "income", "area")),
        "syn3.mean.income_na.hhsize": ("dsyn3", lambda d: d.mean(["income_na", "hhsize"])
                                       .set_index("variable")),
        "rmu.total.y1": ("rmu", lambda d: _one(d, "total", "y1", False)),
        "rmu.by.mean.y1": ("rmu", lambda d: _by(d, "mean", "y1", "half")),
        "syn3f.mean.income": ("dsyn3f", lambda d: _one(d, "mean", "income", True)),
        "syn3f.by.total.income": ("dsyn3f", lambda d: _by(d, "total", "income", "area")),
        "synbrewer.total.score": ("dsynbrewer", lambda d: _one(d, "total", "score", False)),
        "synbrewer.by.mean.score": ("dsynbrewer",
                                    lambda d: _by(d, "mean", "score", "region")),
    }
    for key in ("rsyn_ps", "ujk1_rake", "dsyn_cal", "rsyn_cal"):
        c[f"{key}.mean.score"] = (key, lambda d: _one(d, "mean", "score", False))
        c[f"{key}.by.mean.score"] = (key, lambda d: _by(d, "mean", "score", "region"))
    for key in ("dbrewer", "dhr", "dhr2", "doverton", "dppsht", "dppsyg"):
        c[f"{key}.total.Bush"] = (key, lambda d: pd.concat(
            [_one(d, "total", "Bush", False), _one(d, "total", "Kerry", False)]))
        c[f"{key}.mean.Kerry"] = (key, lambda d: _one(d, "mean", "Kerry", False))
        c[f"{key}.ratio.Kerry.votes"] = (key, lambda d: _ratio(d, "Kerry", "votes"))
    for rule in LONELY_RULES:
        key = f"dlone.{rule}"
        c[f"lone.{rule}.mean.y"] = (key, lambda d: _one(d, "mean", "y", False))
        c[f"lone.{rule}.total.y"] = (key, lambda d: _one(d, "total", "y", False))
        c[f"lone.{rule}.by.mean.y"] = (key, lambda d: _by(d, "mean", "y", "grp"))
        c[f"lone.{rule}.by.total.y"] = (key, lambda d: _by(d, "total", "y", "grp"))
        c[f"lone.{rule}.domain.mean.y.B"] = (key, lambda d: _domain(d, "mean", "y", "grp",
                                                                     "B"))
    for rule in LONELY_RULES:
        key = f"dsyn3l.{rule}"
        c[f"syn3l.{rule}.mean.income"] = (key, lambda d: _one(d, "mean", "income", False))
        c[f"syn3l.{rule}.total.income"] = (key, lambda d: _one(d, "total", "income", False))
    for rule in ("math", "school", "hf7"):
        c[f"syn3.quantile.{rule}.hhsize"] = (
            "dsyn3", lambda d, rule=rule: _quantile(d, "hhsize", [0.25, 0.5, 0.75], rule))
    for m in CIPROP_METHODS:
        c[f"syn.ciprop.{m}.rare.F"] = ("dsyn", lambda d, m=m: _ciprop(d, "rare", "sex", "F",
                                                                      m))
    for m in ("beta", "xlogit", "asin", "mean"):
        c[f"rsyn_jkn.ciprop.{m}.rare"] = ("rsyn_jkn", lambda d, m=m: _ciprop(d, "rare", None,
                                                                             None, m))
    for m in ("beta", "logit", "asin"):
        c[f"syn.ciprop.{m}.female.R3"] = ("dsyn", lambda d, m=m: _female_r3(d, m))
    for it in ("beta", "xlogit", "asin"):
        c[f"syn.quantile.{it}.score"] = (
            "dsyn", lambda d, it=it: _quantile_ci(d, "score", [0.1, 0.5], it))
    for rule in ("math", "school", "hf7"):
        c[f"syn.quantile.{rule}.score"] = (
            "dsyn", lambda d, rule=rule: _quantile(d, "score", [0.1, 0.5, 0.9], rule))
    for key in ("dps2", "drake3", "dcal_logit", "dcal_linb", "dcal_lin"):
        c[f"{key}.mean.api00"] = (key, lambda d: _one(d, "mean", "api00", False))
        c[f"{key}.total.enroll"] = (key, lambda d: _one(d, "total", "enroll", False))
        c[f"{key}.mean.comp.imp"] = (key, lambda d: _one(d, "mean", "comp.imp", False))
    return c


CALLS = _calls()
XFAIL: dict[str, str] = {
}
CASES = list(EXPECTED.groupby("case", sort=False))


def test_every_expected_case_is_mapped():
    assert set(CALLS) == set(EXPECTED["case"]), set(EXPECTED["case"]) ^ set(CALLS)
    assert len(EXPECTED) >= 120


def _params():
    for case, rows in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[case])] if case in XFAIL else []
        yield pytest.param(case, rows, id=case, marks=marks)


@pytest.mark.parametrize("case,rows", list(_params()))
def test_oracle_extra_case(designs, case, rows):
    key, call = CALLS[case]
    design = designs[key]
    got = call(design)
    rtol = 1e-6 if (key in ITERATIVE or case in ITERATIVE_CASES or "likelihood" in case) \
        else 1e-8
    for row in rows.itertuples():
        assert_row_matches(got, row, case, rtol, FIELDS_ONLY.get(case))
    assert design.degf == rows.iloc[0].degf, f"{case}: degf {design.degf} != {rows.iloc[0].degf}"


def test_likelihood_domain_interval_within_1e5(designs):
    row = EXPECTED[EXPECTED["case"] == "syn.ciprop.likelihood.rare.F"].iloc[0]
    got = _ciprop(designs["dsyn"], "rare", "sex", "F", "likelihood").iloc[0]
    np.testing.assert_allclose([got["ci_low"], got["ci_high"]], [row.ci_low, row.ci_high],
                               rtol=1e-5, atol=0)
