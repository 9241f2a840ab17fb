"""Margins: loading from CSV/YAML, collapsing, and every check before weighting runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.errors import ConfigError, DataError, WeightingError
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.weighting import (Margin, MarginSet, load_margins, prepare_margins,
                                           rake)


@pytest.fixture()
def sample():
    return pd.DataFrame({
        "sex": ["F", "M", "F", "M", "F", "M", "F", "F"],
        "age": ["young", "young", "mid", "mid", "old", "old", "mid", "young"],
        "district": [1, 2, 1, 2, 1, 2, 2, 1],
        "w": [10.0] * 8,
    })


def test_csv_and_yaml_folder_loads_every_margin(tmp_path):
    (tmp_path / "a_sex.csv").write_text("sex,total\nF,55\nM,45\n", encoding="utf-8")
    (tmp_path / "b_joint.csv").write_text(
        "sex,district,total\nF,1,30\nF,2,25\nM,1,20\nM,2,25\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "margins:\n  age: {young: 40, mid: 35, old: 25}\n"
        "collapse:\n  age: {older: [mid, old]}\nmin_cell: 2\n", encoding="utf-8")
    ms = load_margins(tmp_path)
    assert [m.name for m in ms.margins] == ["sex", "sex x district", "age"]
    assert ms.margins[1].totals[("F", "2")] == 25
    assert ms.collapse == {"age": {"older": ["mid", "old"]}}
    assert ms.min_cell == 2


def test_yaml_list_form_with_joint_cells(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("margins:\n"
                 "  - variable: sex\n    totals: {F: 55, M: 45}\n"
                 "  - variables: [sex, district]\n    cells:\n"
                 "      - {sex: F, district: 1, total: 30}\n"
                 "      - {sex: F, district: 2, total: 25}\n"
                 "      - {sex: M, district: 1, total: 20}\n"
                 "      - {sex: M, district: 2, total: 25}\n", encoding="utf-8")
    ms = load_margins(f)
    assert ms.margins[1].variables == ("sex", "district")
    assert ms.margins[1].grand_total == 100


def test_totals_that_disagree_name_both_margins(sample):
    with pytest.raises(ConfigError) as e:
        prepare_margins(sample, {"sex": {"F": 55, "M": 45}, "age": {"young": 40, "mid": 35,
                                                                     "old": 30}})
    assert e.value.where["variable"] == "age"
    assert "105" in str(e.value) and "100" in str(e.value) and "'sex'" in str(e.value)


def test_sample_category_missing_from_margin_suggests_collapse(sample):
    with pytest.raises(ConfigError) as e:
        prepare_margins(sample, {"age": {"young": 60, "mid": 40}})
    assert e.value.where == {"variable": "age", "category": "old"}
    assert "collapse" in e.value.hint and "old" in e.value.hint


def test_margin_cell_without_respondents_is_a_weighting_error(sample):
    with pytest.raises(WeightingError) as e:
        prepare_margins(sample, {"age": {"young": 30, "mid": 30, "old": 20, "child": 20}})
    assert e.value.where == {"variable": "age", "category": "child"}
    assert "no respondents" in str(e.value) and "collapse" in e.value.hint


def test_joint_cell_without_respondents(sample):
    m = Margin.of(("sex", "age"), {("F", "young"): 20, ("F", "mid"): 20, ("F", "old"): 10,
                                   ("M", "young"): 20, ("M", "mid"): 20, ("M", "old"): 10})
    ok = prepare_margins(sample, m)
    assert len(ok[0].categories) == 6
    sparse = sample[~((sample["sex"] == "M") & (sample["age"] == "old"))]
    with pytest.raises(WeightingError) as e:
        prepare_margins(sparse, m)
    assert e.value.where["category"] == "M/old"


def test_declared_collapse_fixes_sparse_cell(sample):
    margins = MarginSet((Margin.of("age", {"young": 40, "mid": 35, "old": 25}),),
                        collapse={"age": {"older": ["mid", "old"]}}, min_cell=3)
    pm = prepare_margins(sample, margins)[0]
    assert pm.categories == (("young",), ("older",))
    np.testing.assert_array_equal(pm.targets, [40, 60])
    np.testing.assert_array_equal(pm.counts, [3, 5])
    # without the rule, 'old' has 2 respondents < min_cell=3
    with pytest.raises(WeightingError) as e:
        prepare_margins(sample, MarginSet(margins.margins, min_cell=3))
    assert e.value.where["category"] == "old" and "min_cell=3" in str(e.value)


def test_numbers_and_strings_are_the_same_category(sample):
    pm = prepare_margins(sample, {"district": {"1": 50, 2.0: 50}})[0]
    assert pm.categories == (("1",), ("2",))


def test_missing_values_and_unknown_variables(sample):
    with pytest.raises(ConfigError) as e:
        prepare_margins(sample, {"gender": {"F": 1}})
    assert e.value.where["variable"] == "gender"
    holed = sample.assign(sex=[None] + list(sample["sex"][1:]))
    with pytest.raises(DataError) as e:
        prepare_margins(holed, {"sex": {"F": 55, "M": 45}})
    assert e.value.where == {"variable": "sex", "row": 1}


def test_bad_margin_files(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("sex,total\nF,many\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_margins(bad)
    assert e.value.where["row"] == 2 and e.value.where["column"] == "total"
    y = tmp_path / "m.yaml"
    y.write_text("margins:\n  sex: {F: 1, M: [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_margins(y)
    assert "line" in e.value.where
    neg = tmp_path / "n.yaml"
    neg.write_text("margins:\n  sex: {F: -1, M: 2}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="negative"):
        load_margins(neg)


def test_checks_run_before_any_weighting(sample):
    design = SurveyDesign(sample, weights="w")
    with pytest.raises(ConfigError):
        rake(design, {"sex": {"F": 55, "M": 45}, "age": {"young": 50, "mid": 50}})
    np.testing.assert_array_equal(design.weights, sample["w"].to_numpy())


def test_adjacent_rule_merges_sparse_cells_in_margin_order():
    df = pd.DataFrame({"age": ["18-29"] * 6 + ["30-44"] * 5 + ["45-59"] * 4 + ["60-69"] * 2
                       + ["70+"] * 1})
    margins = MarginSet((Margin.of("age", {"18-29": 30, "30-44": 25, "45-59": 20,
                                           "60-69": 15, "70+": 10, "80+": 5}),),
                        collapse={"age": "adjacent"}, min_cell=3)
    pm = prepare_margins(df, margins)[0]
    # 80+ (0 respondents) joins 70+ (1), then 60-69 (2) joins them: 3 respondents
    assert pm.categories == (("18-29",), ("30-44",), ("45-59",), ("60-69+70++80+",))
    np.testing.assert_array_equal(pm.targets, [30, 25, 20, 30])
    np.testing.assert_array_equal(pm.counts, [6, 5, 4, 3])
    d = rake(SurveyDesign(df.assign(w=1.0), weights="w"), margins)
    np.testing.assert_allclose(d.weights.sum(), 105)


def test_adjacent_rule_is_named_in_the_hint(sample):
    with pytest.raises(WeightingError) as e:
        prepare_margins(sample, {"age": {"young": 30, "mid": 30, "old": 20, "child": 20}})
    assert "adjacent" in e.value.hint
