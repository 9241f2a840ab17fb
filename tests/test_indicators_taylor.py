"""Indicator numbers against R survey 4.1-1, through the pipeline's estimation path
(``run_indicators`` → ``SurveyDesign``). References in tests/data/indicators: the shared oracle
(api data) and ``raked_domains_r_expected.csv`` (made by ``raked_domains.R`` there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.surveys.indicators.reporting import (ReportingRules, apply_reporting_rules,
                                                      edge_intervals)
from rbm_surveys.surveys.indicators.run import make_design, run_indicators
from rbm_surveys.surveys.indicators.spec import load_spec

DATA = Path(__file__).parent / "data" / "indicators"
R = pd.read_csv(DATA / "r_survey_expected.csv").set_index("case")
DESIGNS = {
    "dclus1": ("apiclus1.csv", dict(weights="pw", ids="dnum", fpc="fpc")),
    "dstrat": ("apistrat.csv", dict(weights="pw", strata="stype", fpc="fpc")),
}


def _spec(var: str, value: str, by: str | None = None):
    return load_spec("api.yaml", text=f"""
module: api
universe: {{when: {{var: api00, ">=": 0}}}}
indicators:
  - {{id: p, title: t, source: s, kind: proportion, numerator: {{var: {var}, in: ["{value}"]}},
     missing: valid_only}}
disaggregations: [{by or ""}]
""")


def _run(design_name, var, value, by=None, ci="logit"):
    file, kw = DESIGNS[design_name]
    d = pd.read_csv(DATA / file)
    des = make_design(d, **kw)
    rules = ReportingRules(min_n=1, ci=ci)
    return run_indicators(d, [_spec(var, value, by)], des, rules_=rules).set_index("level")


@pytest.mark.parametrize("case,design,var,value", [
    ("clus1.ciprop.stypeH", "dclus1", "stype", "H"),
    ("strat.ciprop.awards", "dstrat", "awards", "Yes"),
])
def test_proportion_se_and_intervals_match_r(case, design, var, value):
    row = _run(design, var, value).loc["all"]
    ref = R.loc[f"{case}.logit"]
    assert row["estimate"] == pytest.approx(ref["estimate"], rel=1e-10)
    assert row["se"] == pytest.approx(ref["se"], rel=1e-9)
    assert row["df"] == ref["degf"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref["ci_low"], ref["ci_high"]),
                                                            rel=1e-8)
    kg = _run(design, var, value, ci="korn-graubard").loc["all"]
    beta = R.loc[f"{case}.beta"]
    assert (kg["ci_low"], kg["ci_high"]) == pytest.approx((beta["ci_low"], beta["ci_high"]),
                                                          rel=1e-6)
    assert kg["ci_method"] == "korn-graubard"


@pytest.mark.parametrize("design,prefix", [("dclus1", "clus1"), ("dstrat", "strat")])
def test_domain_proportions_match_svyby(design, prefix):
    res = _run(design, "sch.wide", "Yes", by="stype")
    res = res[res["disaggregation"] == "stype"]
    assert sorted(res.index) == ["E", "H", "M"]
    for lab, row in res.iterrows():
        ref = R[(R.index == f"{prefix}.by_stype.mean.sch.wide") & (R["term"] == f"{lab}:sch.wideYes")]
        assert row["estimate"] == pytest.approx(ref["estimate"].iloc[0], rel=1e-10)
        assert row["se"] == pytest.approx(ref["se"].iloc[0], rel=1e-9)


@pytest.mark.parametrize("variance", ["fixed", "raked"])
def test_raked_domains_match_r_subset_svyciprop(variance):
    """Universe/denominator as a subset, domains by level: estimate, SE (raking residuals,
    R's 10 backfitting sweeps), logit interval and the domain's own df (R degf of the subset
    design: level c lives in half the strata, so its df is 21, not the design's 44)."""
    from rbm_surveys.surveys.design import SurveyDesign
    from rbm_surveys.surveys.weighting import rake

    f = pd.read_csv(DATA / "raked_domains.csv")
    ref = pd.read_csv(DATA / "raked_domains_r_expected.csv")
    ref = ref[ref["variance"] == variance].set_index("level")
    spec = load_spec("x.yaml", text="""
module: m
universe: {when: {var: age, ">=": 18}}
indicators:
  - {id: p, title: t, source: s, kind: proportion, numerator: {var: q, in: ["yes"]},
     missing: valid_only}
disaggregations: [grp]
""")
    calibration: tuple = ()
    if variance == "raked":
        margins = {"sex": {"f": 2000.0, "m": 1800.0},
                   "grp": {"a": 2300.0, "b": 1100.0, "c": 400.0}}
        raked = rake(SurveyDesign(f, weights="w", strata="st", ids="psu", nest=True,
                                  lonely_psu="adjust"), margins)
        f = f.assign(w=np.asarray(raked.weights))
        calibration = tuple(raked.calibration)
    des = make_design(f, "w", "st", "psu", calibration=calibration)
    res = run_indicators(f, [spec], des, rules_=ReportingRules(min_n=1))
    res.index = np.where(res["disaggregation"] == "all", "all", res["level"])
    assert sorted(res.index) == ["a", "all", "b", "c"]
    for lev, row in res.iterrows():
        e = ref.loc[lev]
        assert row["df"] == e["df"]
        for col in ("estimate", "se", "ci_low", "ci_high"):
            assert row[col] == pytest.approx(e[col], rel=1e-8), (lev, col)
    assert ("calibrated" in res["design"].iloc[0]) == (variance == "raked")


def test_zero_percent_gets_korn_graubard_and_rules_apply():
    frame = pd.DataFrame({"indicator": "x", "estimate": [0.0, 0.4, 0.5],
                          "se": [0.0, 0.02, 0.2], "ci_low": np.nan, "ci_high": np.nan,
                          "ci_method": "logit", "df": 9.0, "n": [50, 20, 40]})
    out = apply_reporting_rules(edge_intervals(frame, 0.95), ReportingRules())
    assert out.loc[0, "ci_method"] == "korn-graubard"
    assert out.loc[0, "ci_low"] == 0.0 and 0 < out.loc[0, "ci_high"] < 0.2
    assert bool(out.loc[1, "suppressed"]) and np.isnan(out.loc[1, "estimate"])
    assert out.loc[1, "flag"].startswith("suppressed")
    assert "cv > 30%" in out.loc[2, "flag"] and "effective n < 30" in out.loc[2, "flag"]
    assert not bool(out.loc[2, "suppressed"])


def test_same_answer_when_rows_shuffled_or_weights_rescaled():
    from rbm_surveys.surveys.indicators.simulate import draw_sample, simulate_population
    from rbm_surveys.surveys.indicators.spec import load_specs

    pop = simulate_population(size=12_000, seed=3, ea_size=150)
    sample = draw_sample(pop, seed=4, ea_per_stratum=6, per_ea=10)
    specs = [s for s in load_specs() if s.module in ("safety", "participation")]
    cols = ["indicator", "category", "disaggregation", "level"]

    def run(frame):
        des = make_design(frame, "base_weight", "stratum", "ea")
        return run_indicators(frame, specs, des).sort_values(cols).reset_index(drop=True)

    base = run(sample)
    shuffled = run(sample.sample(frac=1.0, random_state=1).reset_index(drop=True))
    scaled = run(sample.assign(base_weight=sample["base_weight"] * 7.5))
    for other in (shuffled, scaled):
        assert other[cols].equals(base[cols])
        for c in ("estimate", "se", "ci_low", "ci_high"):
            np.testing.assert_allclose(other[c], base[c], rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(scaled["n_weighted"], base["n_weighted"] * 7.5, rtol=1e-12)


def test_run_survey_estimates_with_the_raking_residuals(tmp_path):
    """The pipeline hands weighting's raking residualizer to the design: calibrated SEs
    differ from `variance: fixed` ones, estimates do not."""
    import yaml

    from rbm_surveys.surveys.indicators.forms import write_form
    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey
    from rbm_surveys.surveys.indicators.simulate import (census_margins, draw_sample,
                                                         simulate_population, write_kobo_export)

    pop = simulate_population(size=6_000, seed=8, ea_size=100)
    sample = draw_sample(pop, seed=9, ea_per_stratum=5, per_ea=12, nonresponse=True)
    export = write_kobo_export(sample, "safety", tmp_path / "safety.csv", 1)
    form = write_form("safety", tmp_path / "safety.xlsx")
    (sample.groupby("ea", as_index=False)
     .agg(stratum=("stratum", "first"), base_weight=("base_weight", "first"))
     .to_csv(tmp_path / "design.csv", index=False))
    m = census_margins(pop)
    margins = {v: {str(c): int(t) for c, t in zip(g["category"], g["population"])}
               for v, g in m.groupby("variable", sort=False)}
    (tmp_path / "margins.yaml").write_text(yaml.safe_dump({"margins": margins}))
    cfg = {"modules": [{"name": "safety", "form": form.name, "export": export.name,
                        "design": "design.csv"}],
           "design": {"join": "ea", "weights": "base_weight", "strata": "stratum", "ids": "ea"},
           "margins": "margins.yaml", "personal": ["respondent_name", "phone"]}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(cfg))
    runs = {}
    for variance in ("calibrated", "fixed"):
        c = load_config(tmp_path / "run.yaml")
        c["variance"] = variance
        runs[variance] = run_survey(c, write=False).results
    cal, fixed = runs["calibrated"], runs["fixed"]
    assert cal["design"].str.contains("calibrated weights").all()
    assert not fixed["design"].str.contains("calibrated weights").any()
    np.testing.assert_allclose(cal["estimate"], fixed["estimate"], rtol=1e-12)
    ok = cal["se"].notna() & (cal["se"] > 0)
    assert ok.sum() > 10 and (np.abs(cal["se"][ok] / fixed["se"][ok] - 1) > 1e-4).mean() > 0.5
