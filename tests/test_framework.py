"""The results framework read from its Chinese text, and progress against its targets."""

import math

import pandas as pd
import pytest

from rbm_surveys.cli import main
from rbm_surveys.errors import ConfigError, DataError
from rbm_surveys.framework import FRAMEWORK_COLUMNS, PROGRESS_COLUMNS, parse_quantity, progress, read_framework


@pytest.fixture(scope="module")
def framework():
    return read_framework()


@pytest.mark.parametrize("raw, value, scale, year, status", [
    ("12 043", 12043, "count", None, ""),
    ("270 万 ^e", 2_700_000, "count", None, ""),
    ("1 亿 2 500 万", 125_000_000, "count", None, ""),
    ("2 250 万 (2018 年)", 22_500_000, "count", 2018, ""),
    ("49% ^j", 0.49, "proportion", None, ""),
    ("23.5% (2018 年) ⁿ", 0.235, "proportion", 2018, ""),
    ("0 ^a", 0, "count", None, ""),
    ("不适用", math.nan, "", None, "not_applicable"),
    ("全球数字暂缺 ^g", math.nan, "", None, "not_available"),
    ("该指标的基线和目标将因项目（或地点）而异。", math.nan, "", None, "varies_by_location"),
    ("空间指标（制图）", math.nan, "", None, "qualitative"),
])
def test_parse_quantity(raw, value, scale, year, status):
    q = parse_quantity(raw)
    assert (math.isnan(q.value) and math.isnan(value)) or q.value == pytest.approx(value)
    assert (q.scale, q.year, q.status) == (scale, year, status)


def test_parse_quantity_lower_bound():
    assert parse_quantity("1 000 +").at_least


def test_framework_table_shape(framework):
    assert list(framework.columns) == FRAMEWORK_COLUMNS
    assert len(framework) > 100
    assert framework["framework_id"].is_unique
    assert framework["source_sha256"].nunique() == 1


def test_known_rows(framework):
    row = framework.set_index("framework_id")
    assert row.loc["RF0200", "baseline"] == 99_400_000
    assert row.loc["RF0200", "target_2023"] == 200_000_000
    assert row.loc["RF0194", "target_2020"] == pytest.approx(0.518)
    assert row.loc["RF0188", "baseline_year"] == 2018
    assert row.loc["RF0197", "status"] == "varies_by_location"
    # IG-UTP: plans reflecting at least 6 of the 12 principles
    assert "12项原则中6项" in row.loc["RF0364", "indicator"]
    assert row.loc["RF0364", ["baseline", "target_2023"]].tolist() == [0, 4]


def test_continuation_rows_inherit_the_indicator(framework):
    row = framework.set_index("framework_id")
    assert row.loc["RF0171", "indicator"] == row.loc["RF0170", "indicator"]
    assert (row.loc["RF0170", "subset"], row.loc["RF0171", "subset"]) == ("国家", "国家以下")
    assert row.loc["RF0171", "baseline"] == 51


def test_shifted_row_and_wrapped_cjk_text(framework):
    row = framework.set_index("framework_id").loc["RF0572"]
    assert row["indicator_type"] == "机构成果"
    assert row["baseline"] == 42 and row["target_2023"] == 120
    assert " " not in row["indicator"]  # PDF wrapping spaces removed between CJK characters


def test_source_typos_are_flagged(framework):
    assert "not monotonic" in framework.set_index("framework_id").loc["RF0603", "notes"]


def test_progress_statuses(framework):
    values = pd.DataFrame({
        "framework_id": ["RF0364", "RF0364", "RF0195", "RF0195", "RF0200", "RF0197"],
        "year": [2021, 2023, 2020, 2022, 2022, 2021],
        "value": [2, 3, 0.22, 0.24, 150_000_000, 0.7],
    })
    out = progress(values, framework)
    assert list(out.columns) == PROGRESS_COLUMNS
    assert out["status"].tolist() == [
        "target met", "improved, below target", "target met", "no improvement",
        "improved, below target", "target set per location"]
    assert out["direction"].tolist()[2] == "lower"
    assert out["share_of_planned_change"].iloc[1] == pytest.approx(3 / 4)


def test_progress_with_local_targets_and_se(framework):
    values = pd.DataFrame({"framework_id": ["RF0197", "RF0197"], "location": ["A", "B"],
                           "year": [2021, 2021], "value": [0.70, 0.64], "se": [0.01, 0.02]})
    local = pd.DataFrame({"framework_id": ["RF0197", "RF0197"], "location": ["A", "B"],
                          "baseline": [0.55, 0.55], "target_2021": [0.65, 0.65]})
    out = progress(values, framework, local_targets=local)
    assert out["status"].tolist() == ["target met", "improved, below target"]
    assert out["target_met_significant"].tolist() == [True, False]
    assert out["baseline"].tolist() == [0.55, 0.55]


def test_progress_bad_input(framework):
    with pytest.raises(DataError, match="unknown framework indicator"):
        progress(pd.DataFrame({"framework_id": ["RF9999"], "year": [2021], "value": [1]}), framework)
    with pytest.raises(DataError, match="row 2, column year"):
        progress(pd.DataFrame({"framework_id": ["RF0364"], "year": [2030], "value": [1]}), framework)
    with pytest.raises(DataError, match="lack the column"):
        progress(pd.DataFrame({"framework_id": ["RF0364"]}), framework)


def test_bad_framework_file(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("no tables here\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no indicator table"):
        read_framework(p)
    p.write_bytes("指标\t基线\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        read_framework(p)


def test_cli_show_and_progress(tmp_path, capsys):
    out = tmp_path / "framework.csv"
    assert main(["framework", "show", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) > 100
    values = tmp_path / "values.csv"
    pd.DataFrame({"framework_id": ["RF0364"], "year": [2023], "value": [4]}).to_csv(values, index=False)
    assert main(["framework", "progress", str(values)]) == 0
    assert "target met" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"framework_id": ["RF9999"], "year": [2023], "value": [4]}).to_csv(bad, index=False)
    assert main(["framework", "progress", str(bad)]) == 2
    assert "bad.csv" in capsys.readouterr().err


def test_links_point_at_framework_rows(framework):
    from rbm_surveys.framework import load_links

    links = load_links()
    assert set(links["framework_id"]) <= set(framework["framework_id"])
    assert set(links["source"]) == {"survey", "rubric"}


def test_bad_links_file_lists_every_problem(tmp_path):
    from rbm_surveys.framework import load_links

    p = tmp_path / "links.yaml"
    p.write_text("links:\n  - framework_id: X1\n    source: rubric\n    reduce: estimate\n"
                 "  - framework_id: RF0364\n    source: rubric\n    reduce: count_band\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_links(p)
    text = str(err.value)
    assert "links.yaml" in text and "links[0].framework_id" in text
    assert "links[0].reduce" in text and "links[1].bands" in text and "links[1].rubric" in text


def test_reduce_survey_and_verdicts():
    from rbm_surveys.framework import VALUE_COLUMNS, reduce_survey, reduce_verdicts

    results = pd.DataFrame({
        "indicator": ["sdg_1_4_2b", "sdg_1_4_2b", "say_in_govt_levels"],
        "category": [None, None, "some"], "disaggregation": ["all", "sex", "all"],
        "estimate": [0.4, 0.5, 0.2], "se": [0.02, 0.03, 0.01], "n": [700, 350, 690]})
    values = reduce_survey(results, 2022, location="city")
    assert list(values.columns) == VALUE_COLUMNS
    assert values[["framework_id", "value", "se", "location"]].values.tolist() == [
        ["RF0197", 0.4, 0.02, "city"]]
    summaries = pd.DataFrame({
        "document": ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "n1.pdf", "n2.pdf"],
        "partner": ["Kenya", "Kenya", "Peru", "Chile", "Kenya", "Peru"],
        "rubric": ["igutp"] * 4 + ["ndc_urban"] * 2,
        "indicator_pass": [True, True, None, False, True, True],
        "band": ["", "", "", "", "strong", "moderate"]})
    out = reduce_verdicts(summaries, 2022).set_index("framework_id")
    # Kenya counts once though two of its plans pass; Peru is undetermined, not a failure
    assert out.loc["RF0364", ["value", "n", "undetermined"]].tolist() == [1.0, 3, 1]
    assert out.loc["RF0493", "value"] == 1.0  # only the 'strong' band counts for RF0493
