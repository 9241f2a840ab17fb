"""Member-level indicators (issue 9, item 3): a household roster analysed per member,
inheriting the household's strata, PSU and weight."""

from __future__ import annotations

import numpy as np
import pytest

from rbm_surveys.errors import ConfigError
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.indicators.run import ReportingRules, make_design, run_indicators
from rbm_surveys.surveys.indicators.simulate import (draw_sample, member_tables,
                                                     simulate_population)
from rbm_surveys.surveys.indicators.spec import bundled_spec_paths, load_spec

NO_RULES = ReportingRules(min_n=1)


@pytest.fixture(scope="module")
def sample():
    pop = simulate_population(size=9_000, seed=11, ea_size=150)
    s = draw_sample(pop, seed=12, ea_per_stratum=5, per_ea=12, nonresponse=False)
    return pop, s


def test_member_prevalence_equals_member_design_mean(sample):
    """sum_h w_h Y_h / sum_h w_h D_h with PSU-level linearisation is exactly R's svymean on
    the member-level design (weights, strata and PSU of the household)."""
    pop, s = sample
    spec = load_spec(bundled_spec_paths()["disability"])
    members = member_tables(s, pop.members, s["_person"].to_numpy())
    design = make_design(s, "base_weight", "stratum", "ea")
    res = run_indicators(s, [spec], design, rules_=NO_RULES, members=members)
    got = res[res["indicator"] == "wg_disability3_members"].set_index(["disaggregation", "level"])
    assert set(got["unit"]) == {"hh_members"}
    assert list(got.loc["member_age_group"].index) == ["5-17", "18-64", "65+"]  # age order
    # the same estimate by hand on the member frame
    from rbm_surveys.surveys.indicators.derive import age_groups, wg_disability

    m = members["hh_members"]
    f = m.frame.assign(_w=np.asarray(design.weights)[m.parent])
    dis = wg_disability(f, ["wg_seeing", "wg_hearing", "wg_walking", "wg_remembering",
                            "wg_selfcare", "wg_communicating"])
    f = f.assign(y=np.where(dis.isna(), np.nan, (dis == "with_disability").astype(float)),
                 grp=age_groups(f, "member_age", [5, 18, 65]))
    f = f[f["member_age"] >= 5]
    md = SurveyDesign(f.reset_index(drop=True), weights="_w", strata="stratum", ids="ea",
                      nest=True, lonely_psu="adjust")
    overall = md.mean("y")
    assert got.loc[("all", "all"), "estimate"] == pytest.approx(overall["estimate"][0], rel=1e-10)
    assert got.loc[("all", "all"), "se"] == pytest.approx(overall["se"][0], rel=1e-8)
    by = md.mean("y", by="grp").set_index("grp")
    for lev in ("5-17", "18-64", "65+"):
        assert got.loc[("member_age_group", lev), "estimate"] == pytest.approx(
            by.loc[lev, "estimate"], rel=1e-10)
        assert got.loc[("member_age_group", lev), "se"] == pytest.approx(
            by.loc[lev, "se"], rel=1e-8)
    assert got.loc[("all", "all"), "n"] == int(f["y"].notna().sum())


def test_unit_must_be_declared_and_present(sample, tmp_path):
    text = bundled_spec_paths()["disability"].read_text(encoding="utf-8")
    bad = tmp_path / "d.yaml"
    bad.write_text(text.replace("    unit: hh_members\n    title", "    unit: hh_member\n"
                                "    title"), encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'hh_members'"):
        load_spec(bad)
    pop, s = sample
    spec = load_spec(bundled_spec_paths()["disability"])
    with pytest.raises(ConfigError, match="repeat group 'hh_members'"):
        run_indicators(s, [spec], make_design(s, "base_weight", "stratum", "ea"),
                       rules_=NO_RULES)
