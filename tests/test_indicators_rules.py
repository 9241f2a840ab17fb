"""Indicator rules on hand-computed small cases: every don't-know/refused convention, the
WG-SS identifier and its missing-data rules, quintiles, age groups, the 16.7.2 average."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.surveys.indicators.derive import (age_groups, weighted_quantile_groups,
                                                   wg_disability)
from rbm_surveys.surveys.indicators.run import ReportingRules, run_indicators
from rbm_surveys.surveys.indicators.spec import load_spec
from rbm_surveys.surveys.indicators.run import make_design

NO_SUPPRESSION = ReportingRules(min_n=0, min_n_eff=0, max_cv=10)


def _spec(indicators: str, extra: str = "") -> object:
    text = f"""
module: t
universe: {{label: adults, when: {{var: age, ">=": 18}}}}
missing_codes: {{dont_know: [dont_know], refused: [refused], not_applicable: [never_alone]}}
{extra}
indicators:
{indicators}
"""
    return load_spec("t.yaml", text=text)


def _overall(frame: pd.DataFrame, spec, reasons=None) -> pd.DataFrame:
    frame = frame.assign(_w=frame.get("_w", 1.0))
    res = run_indicators(frame, [spec], make_design(frame, "_w"), reasons=reasons,
                         rules_=NO_SUPPRESSION)
    return res[res["disaggregation"] == "all"].set_index(["indicator", "level"])


SAFE = ["very_safe", "safe", "unsafe", "very_unsafe", "never_alone", "dont_know", "refused",
        None]
SAFE_FRAME = pd.DataFrame({"age": [30] * 8 + [16], "safe_night": SAFE + ["very_safe"]})
SAFETY_INDICATORS = """
  - {id: unodc, title: t, source: s, kind: proportion, missing: unodc,
     numerator: {var: safe_night, in: [very_safe, safe]}}
  - {id: unhcr, title: t, source: s, kind: proportion, missing: unhcr,
     numerator: {var: safe_night, in: [very_safe, safe]}}
  - id: mixed
    title: t
    source: s
    kind: proportion
    numerator: {var: safe_night, in: [very_safe, safe]}
    missing: {dont_know: count, refused: drop, not_applicable: count, no_answer: drop}
"""


def test_16_1_4_unodc_keeps_everyone_in_the_denominator():
    out = _overall(SAFE_FRAME, _spec(SAFETY_INDICATORS))
    # 2 safe among 8 adults (the 16-year-old is outside the universe)
    assert out.loc[("unodc", "all"), "estimate"] == pytest.approx(2 / 8)
    assert out.loc[("unodc", "all"), "n"] == 8
    assert out.loc[("unodc", "all"), "n_dropped"] == 0


def test_16_1_4_unhcr_drops_never_alone_dont_know_refused_and_blank():
    out = _overall(SAFE_FRAME, _spec(SAFETY_INDICATORS))
    assert out.loc[("unhcr", "all"), "estimate"] == pytest.approx(2 / 4)
    assert out.loc[("unhcr", "all"), "n"] == 4
    assert out.loc[("unhcr", "all"), "n_dropped"] == 4


def test_custom_rule_per_reason():
    out = _overall(SAFE_FRAME, _spec(SAFETY_INDICATORS))
    # counted: 4 answers + never_alone + dont_know; dropped: refused, blank
    assert out.loc[("mixed", "all"), "estimate"] == pytest.approx(2 / 6)
    assert out.loc[("mixed", "all"), "n"] == 6


def test_reasons_declared_by_cleaning_are_used():
    frame = pd.DataFrame({"age": [30, 30, 30, 30], "safe_night": ["safe", "unsafe", None, None]})
    reasons = pd.DataFrame({"safe_night": pd.array([pd.NA, pd.NA, "dont_know", "refused"],
                                                   dtype="string")})
    spec = _spec("""
  - id: r
    title: t
    source: s
    kind: proportion
    numerator: {var: safe_night, in: [safe]}
    missing: {dont_know: count, refused: drop, not_applicable: drop, no_answer: drop}
""")
    out = _overall(frame, spec, reasons)
    assert out.loc[("r", "all"), "estimate"] == pytest.approx(1 / 3)


def test_1_4_2b_needs_both_conditions_with_kleene_logic():
    frame = pd.DataFrame({
        "age": [40] * 6,
        "tenure_loss_5y": ["unlikely", "very_unlikely", "very_likely", "dont_know", "unlikely",
                           "refused"],
        "tenure_bequeath": ["yes", "no", "dont_know", "yes", "refused", "no"],
    })
    spec = _spec("""
  - id: sdg
    title: t
    source: s
    kind: proportion
    numerator: {all: [{var: tenure_loss_5y, in: [unlikely, very_unlikely]},
                      {var: tenure_bequeath, in: [yes]}]}
    missing: sdg
  - id: valid
    title: t
    source: s
    kind: proportion
    numerator: {all: [{var: tenure_loss_5y, in: [unlikely, very_unlikely]},
                      {var: tenure_bequeath, in: [yes]}]}
    missing: valid_only
""")
    out = _overall(frame, spec)
    # secure: row 1 only. Known false: rows 2 (no), 3 (very likely), 6 (bequeath no).
    # Unknown: row 4 (DK fear, yes), row 5 (unlikely, refused bequeath).
    assert out.loc[("sdg", "all"), "estimate"] == pytest.approx(1 / 6)
    assert out.loc[("valid", "all"), "estimate"] == pytest.approx(1 / 4)
    assert out.loc[("valid", "all"), "n_dropped"] == 2


def test_11_7_2_either_form_of_harassment():
    frame = pd.DataFrame({
        "age": [20] * 5,
        "harass_sexual_12m": ["yes", "no", "no", "dont_know", "dont_know"],
        "harass_physical_12m": ["no", "yes", "no", "yes", "no"],
    })
    spec = _spec("""
  - id: h
    title: t
    source: s
    kind: proportion
    numerator: {any: [{var: harass_sexual_12m, in: ["yes"]}, {var: harass_physical_12m, in: ["yes"]}]}
    missing: unhcr
""")
    out = _overall(frame, spec)
    # yes: rows 1, 2, 4 (any is true once one part is true); row 5 unknown → dropped
    assert out.loc[("h", "all"), "estimate"] == pytest.approx(3 / 4)


def test_16_7_2_average_of_two_shares_and_distribution():
    frame = pd.DataFrame({
        "age": [30] * 5,
        "say": ["some", "a_lot", "not_at_all", "dont_know", "great_deal"],
        "influence": ["very_little", "some", "not_at_all", "refused", "refused"],
    })
    spec = _spec("""
  - {id: q1, title: t, source: s, kind: proportion, missing: undp,
     numerator: {var: say, in: [some, a_lot, great_deal]}}
  - {id: q2, title: t, source: s, kind: proportion, missing: undp,
     numerator: {var: influence, in: [some, a_lot, great_deal]}}
  - {id: avg, title: t, source: s, kind: average, of: [q1, q2]}
  - {id: dist, title: t, source: s, kind: distribution, var: say, missing: valid_only}
""")
    out = _overall(frame, spec)
    assert out.loc[("q1", "all"), "estimate"] == pytest.approx(3 / 4)
    assert out.loc[("q2", "all"), "estimate"] == pytest.approx(1 / 3)
    assert out.loc[("avg", "all"), "estimate"] == pytest.approx((3 / 4 + 1 / 3) / 2)
    dist = out.loc["dist"].set_index("category")["estimate"]
    assert dist.to_dict() == pytest.approx({"a_lot": 0.25, "great_deal": 0.25,
                                            "not_at_all": 0.25, "some": 0.25})


def test_weights_enter_the_estimate():
    frame = pd.DataFrame({"age": [30, 30, 30], "safe_night": ["safe", "unsafe", "unsafe"],
                          "_w": [2.0, 1.0, 1.0]})
    out = _overall(frame, _spec(SAFETY_INDICATORS))
    assert out.loc[("unodc", "all"), "estimate"] == pytest.approx(0.5)
    assert out.loc[("unodc", "all"), "n_weighted"] == pytest.approx(4.0)


WG = ["wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_selfcare",
      "wg_communicating"]


def _wg(rows):
    return pd.DataFrame(rows, columns=WG).assign(age=40)


def test_wg_identifiers_cut_offs():
    f = _wg([
        ["no_difficulty"] * 6,
        ["some_difficulty"] + ["no_difficulty"] * 5,
        ["some_difficulty", "some_difficulty"] + ["no_difficulty"] * 4,
        ["lot_of_difficulty"] + ["no_difficulty"] * 5,
        ["cannot_do"] + ["no_difficulty"] * 5,
    ])
    expect = {"disability1": [0, 1, 1, 1, 1], "disability2": [0, 0, 1, 1, 1],
              "disability3": [0, 0, 0, 1, 1], "disability4": [0, 0, 0, 0, 1]}
    for ident, flags in expect.items():
        got = wg_disability(f, WG, identifier=ident)
        assert (got == "with_disability").astype(int).tolist() == flags, ident


def test_wg_missing_rules():
    f = _wg([
        [None] * 6,                                   # all missing
        ["lot_of_difficulty"] + [None] * 5,           # cut-off met despite missing
        ["no_difficulty"] + [None] * 5,               # partly known, none at cut-off
        ["no_difficulty"] * 6,                        # all known
    ])
    rms = wg_disability(f, WG, missing_rule="unknown_if_all_missing")
    assert rms.tolist()[1:] == ["with_disability", "without_disability", "without_disability"]
    assert rms.isna().tolist() == [True, False, False, False]
    cc = wg_disability(f, WG, missing_rule="complete_domains")
    assert cc.isna().tolist() == [True, False, True, False]
    assert cc[1] == "with_disability"


def test_wg_dont_know_codes_count_as_missing_and_min_age():
    f = _wg([["dont_know"] * 6, ["refused"] * 5 + ["no_difficulty"]])
    got = wg_disability(f, WG)
    assert got.isna().tolist() == [True, False]
    young = f.assign(age=[4, 40])
    assert wg_disability(young, WG, min_age=5).isna().tolist() == [True, False]


def test_age_groups_closed_open():
    f = pd.DataFrame({"age": [18, 24, 25, 64, 65, 90, None]})
    got = age_groups(f, "age", [18, 25, 65])
    assert got.tolist()[:6] == ["18-24", "18-24", "25-64", "25-64", "65+", "65+"]
    assert pd.isna(got.iloc[6])


def test_weighted_quintiles_hold_a_fifth_of_the_weight():
    rng = np.random.default_rng(3)
    f = pd.DataFrame({"inc": rng.lognormal(5, 1, 5000)})
    w = pd.Series(rng.uniform(0.5, 3, 5000))
    q = weighted_quantile_groups(f, "inc", 5, w)
    shares = w.groupby(q).sum() / w.sum()
    assert list(shares.index) == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert np.allclose(shares.to_numpy(), 0.2, atol=0.005)
    # order: every Q1 income is below every Q2 income
    assert f["inc"][q == "Q1"].max() <= f["inc"][q == "Q2"].min()


def test_weighted_quintiles_hand_case():
    f = pd.DataFrame({"inc": [10, 20, 30, 40, None]})
    q = weighted_quantile_groups(f, "inc", 2, pd.Series([3.0, 1.0, 1.0, 1.0, 1.0]))
    # half of the weight (3 of 6) is reached at income 10
    assert q.tolist()[:4] == ["Q1", "Q2", "Q2", "Q2"]
    assert pd.isna(q.iloc[4])


def test_missing_codes_are_an_explicit_unknown_level_not_dropped():
    frame = pd.DataFrame({"age": [30] * 5,
                          "safe_night": ["safe", "unsafe", "safe", "safe", "unsafe"],
                          "sex": ["female", "male", "refused", "female", None]})
    spec = _spec(SAFETY_INDICATORS, extra="disaggregations: [sex]")
    res = run_indicators(frame.assign(_w=1.0), [spec], make_design(frame.assign(_w=1.0), "_w"),
                         rules_=NO_SUPPRESSION)
    by_sex = res[res["disaggregation"] == "sex"]
    assert set(by_sex["level"]) == {"female", "male", "unknown"}  # "refused" is not a level
    unknown = by_sex[(by_sex["indicator"] == "unodc") & (by_sex["level"] == "unknown")].iloc[0]
    assert unknown["n"] == 2 and "don't know or refused" in unknown["notes"]
    assert unknown["level_label"].startswith("Unknown")
    # the levels add up to everyone: nobody vanishes from the breakdown
    overall = res[(res["indicator"] == "unodc") & (res["disaggregation"] == "all")].iloc[0]
    assert by_sex.loc[by_sex["indicator"] == "unodc", "n"].sum() == overall["n"] == 5
    female = res[(res["indicator"] == "unodc") & (res["level"] == "female")]
    assert female["estimate"].iloc[0] == pytest.approx(1.0)
    assert female["ci_method"].iloc[0] == "korn-graubard"  # 100 % cell


def test_numeric_codes_as_in_spss_exports():
    """RMS-style numeric answers (1 Very safe … 98 DK, 99 refused) stored as floats."""
    frame = pd.DataFrame({"age": [30.0] * 6, "saf01": [1.0, 2.0, 3.0, 4.0, 98.0, 99.0]})
    spec = load_spec("n.yaml", text="""
module: n
universe: {when: {var: age, ">=": 18}}
missing_codes: {dont_know: [98], refused: [99]}
indicators:
  - {id: rms, title: t, source: s, kind: proportion, missing: unhcr,
     numerator: {var: saf01, in: [1, 2]}}
  - {id: sdg, title: t, source: s, kind: proportion, missing: sdg,
     numerator: {var: saf01, in: [1, 2]}}
""")
    out = _overall(frame, spec)
    assert out.loc[("rms", "all"), "estimate"] == pytest.approx(2 / 4)
    assert out.loc[("sdg", "all"), "estimate"] == pytest.approx(2 / 6)
