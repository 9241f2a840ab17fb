"""The results framework read from its Chinese text (checked against a copy of the seed), and
progress against its targets: every case of issue 16 gives the right status or an error."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.cli import main
from rbm_surveys.errors import ConfigError, DataError
from rbm_surveys.framework import (FRAMEWORK_COLUMNS, PROGRESS_COLUMNS, bottlenecks,
                                   parse_quantity, progress, read_framework, rollup)

SEED = Path(__file__).parent / "data" / "framework" / "seed_000_9e68d2def0fc4717.zh.txt"


@pytest.fixture(scope="module")
def framework():
    return read_framework()


@pytest.fixture(scope="module")
def row(framework):
    return framework.set_index("framework_id")


@pytest.mark.parametrize("raw, value, scale, year, status", [
    ("12 043", 12043, "count", None, ""),
    ("270 万 ^e", 2_700_000, "count", None, ""),
    ("1 亿 2 500 万", 125_000_000, "count", None, ""),
    ("2 250 万 (2018 年)", 22_500_000, "count", 2018, ""),
    ("1.889 亿美元", 188_900_000, "usd", None, ""),
    ("10.276 亿美元", 1_027_600_000, "usd", None, ""),
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


# --------------------------------------------------------------------------- the registry
def test_counts_per_section_against_the_seed(framework):
    """137 subset rows / 125 indicators, per section, and the test copy of the seed agrees."""
    assert list(framework.columns) == FRAMEWORK_COLUMNS
    assert len(framework) == 137 and framework["indicator_id"].nunique() == 125
    per_section = framework.groupby(framework["section"].str[0]).agg(
        rows=("framework_id", "size"), indicators=("indicator_id", "nunique"))
    assert per_section["rows"].to_dict() == {"A": 6, "B": 30, "C": 20, "D": 20, "E": 22,
                                             "F": 8, "G": 12, "H": 9, "I": 10}
    assert per_section["indicators"].to_dict() == {"A": 4, "B": 27, "C": 20, "D": 19, "E": 17,
                                                   "F": 8, "G": 12, "H": 9, "I": 9}
    places = framework.groupby("place")["indicator_id"].nunique().to_dict()
    assert places == {"goal": 4, "area": 20, "outcome": 63, "cross_cutting": 8,
                      "social_inclusion": 12, "centre_of_excellence": 9, "enablers": 9}
    copy = read_framework(SEED, titles=True)
    cols = ["framework_id", "indicator", "subset", "unit", "baseline", "target_2023", "quirks"]
    pd.testing.assert_frame_equal(copy[cols], framework[cols])


def test_sample_of_values_against_seed_lines(row):
    """Values read straight from the seed's tab-separated lines (not through the parser)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for fid in ("RF0170", "RF0200", "RF0364", "RF0436", "RF0569", "RF0673"):
        cells = lines[int(fid[2:]) - 1].split("\t")
        numbers = [c for c in cells if c.strip() and c.strip()[0].isdigit()][-5:]
        assert parse_quantity(numbers[0]).value == row.loc[fid, "baseline"]
        assert parse_quantity(numbers[-1]).value == row.loc[fid, "target_2023"]
    assert row.loc["RF0200", "baseline"] == 99_400_000
    assert row.loc["RF0200", "target_2023"] == 200_000_000
    assert row.loc["RF0194", "target_2020"] == pytest.approx(0.518)
    assert row.loc["RF0188", "baseline_year"] == 2018
    assert row.loc["RF0197", "status"] == "varies_by_location"
    assert row.loc["RF0364", ["baseline", "target_2023"]].tolist() == [0, 4]
    assert row.loc["RF0171", "indicator"] == row.loc["RF0170", "indicator"]
    assert (row.loc["RF0170", "subset"], row.loc["RF0171", "subset"]) == ("国家", "国家以下")


def test_place_of_indicators(row):
    assert row.loc["RF0170", "place"] == "goal"
    assert (row.loc["RF0188", "place"], row.loc["RF0188", "area"]) == ("area", 1)
    assert (row.loc["RF0251", "outcome"], row.loc["RF0251", "place"]) == ("1.1", "outcome")
    assert row.loc["RF0585", ["place", "theme"]].tolist() == ["cross_cutting", "安全"]
    assert row.loc["RF0609", ["place", "theme"]].tolist() == ["social_inclusion", "性别平等"]
    assert row.loc["RF0664", "place"] == "enablers"
    assert row.loc["RF0664", "outcome_title"].startswith("有充足、可预测、灵活的资金")


def test_centre_of_excellence_rows(framework):
    coe = framework[framework["place"] == "centre_of_excellence"]
    assert len(coe) == 9
    first = coe.iloc[0]
    assert first["indicator"] == "正在实施人居署主要准则和工具的国家和城市数量"
    assert first["verification"].startswith("通过新城市议程平台")
    assert "实体所在的国家" in first["disaggregation"] and "<" not in first["disaggregation"]
    assert (coe["status"] == "no_targets").all() and coe["quirks"].str.contains("no type").all()


def test_merged_outcome_13_row_is_split_and_flagged(row):
    a, b = row.loc["RF0327"], row.loc["RF0328"]
    assert a["indicator"].startswith("已实施城市与区域复兴和再生举措")
    assert a["indicator"].endswith("伙伴城市数量")
    assert b["indicator"] == "根据人居署的再生准则实施包容性城市再生举措的伙伴城市数量"
    assert a["indicator_id"] != b["indicator_id"]
    assert "two indicator names together" in a["quirks"]
    assert (a["baseline"], b["baseline"]) == (9, 8)


def test_resource_mobilisation_in_dollars(row):
    r = row.loc["RF0664"]
    assert (r["baseline"], r["target_2023"], r["scale"]) == (188_900_000, 1_027_600_000, "usd")


def test_dimensions_carried_over_page_breaks(row):
    for fid, dim in (("RF0256", "可持续出行"), ("RF0295", "适足且负担得起的住房"),
                     ("RF0296", "适足且负担得起的住房"), ("RF0390", "公平地分配在当地创造的收入"),
                     ("RF0471", "保护生态资产"), ("RF0472", "保护生态资产")):
        assert row.loc[fid, "dimension"] == dim
        assert "page break" in row.loc[fid, "quirks"]


def test_units_keep_their_word_spaces_and_wrapped_tables_are_joined(row):
    assert row.loc["RF0252", "unit"] == "道路长度 米数"
    assert row.loc["RF0435", "unit"] == "二氧化碳排放量 吨数"
    assert row.loc["RF0404", "unit"] == "国家有关部门的数量 地方有关部门的数量"
    assert row.loc["RF0570", "unit"] == "有关部门的数量"  # PDF-wrapped table: spaces removed
    assert row.loc["RF0571", "subset"] == "国家以下有关部门"
    assert " " not in row.loc["RF0569", "indicator"]
    assert row.loc["RF0572", ["indicator_type", "baseline", "target_2023"]].tolist() == [
        "机构成果", 42, 120]


def test_footnotes_kept(row):
    assert "这是全球基线" in row.loc["RF0189", "footnotes"]
    assert row.loc["RF0189", "baseline_scope"] == "global"
    assert row.loc["RF0195", "baseline_scope"] == "global"
    assert "2019 年的基线为零" in row.loc["RF0174", "footnotes"]
    assert "footnote marker ^e is used on more than one row" in row.loc["RF0190", "quirks"]


def test_increment_targets_are_changes(row):
    for fid in ("RF0507", "RF0510", "RF0511", "RF0512"):
        assert row.loc[fid, ["target_kind", "target_basis", "direction"]].tolist() == [
            "annual_increase", "change", "higher"]
    assert row.loc["RF0591", ["target_kind", "direction"]].tolist() == ["annual_decrease",
                                                                        "lower"]
    assert row.loc["RF0507", "target_2021"] == pytest.approx(0.20)


def test_quirks_flagged_not_repaired(row):
    assert "not monotonic" in row.loc["RF0603", "quirks"]
    assert row.loc["RF0603", "target_2021"] == 2  # kept as the source has it
    assert "percentages" in row.loc["RF0535", "quirks"]
    assert row.loc["RF0684", "subset"] == "城市数量" and row.loc["RF0685", "subset"] == "国家数量"


def test_english_titles_marked_and_searchable(framework, capsys):
    assert (framework["title_en"] != "").all()
    assert framework["title_en_note"].str.contains("unofficial").all()
    assert main(["framework", "show", "--search", "safety"]) == 0
    out = capsys.readouterr().out
    assert "RF0585" in out and "RF0588" in out and "RF0170" not in out
    assert main(["framework", "show", "--search", "no such words anywhere"]) == 1


def test_bad_framework_file(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("no tables here\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no indicator table"):
        read_framework(p)
    p.write_bytes("指标\t基线\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        read_framework(p)


# --------------------------------------------------------------------------- progress
def _v(**cols):
    return pd.DataFrame(cols)


def test_path_statuses(framework):
    values = _v(framework_id=["RF0364", "RF0364", "RF0195", "RF0195", "RF0200"],
                year=[2021, 2023, 2020, 2022, 2022], value=[2, 3, 0.22, 0.24, 150_000_000])
    out = progress(values, framework)
    assert list(out.columns) == PROGRESS_COLUMNS
    got = out.set_index(["framework_id", "year"])
    # RF0364: baseline 0 (2019) → 4 (2023); path at 2021 = 2
    assert got.loc[("RF0364", 2021), ["path_value", "status"]].tolist() == [2, "on track"]
    assert got.loc[("RF0364", 2023), "status"] == "behind the path"
    # RF0195 (slums, lower is better): 23.5% (2018) → 22.5%
    assert got.loc[("RF0195", 2020), "status"] == "2023 target met"
    assert got.loc[("RF0195", 2022), "status"] == "no progress"
    assert got.loc[("RF0195", 2022), "direction"] == "lower"
    path = 99_400_000 + (200_000_000 - 99_400_000) * 3 / 4
    assert got.loc[("RF0200", 2022), "path_value"] == pytest.approx(path)
    assert got.loc[("RF0200", 2022), "status"] == "behind the path"


def test_per_location_baselines_rounds_and_significance(framework):
    """Cities are never pooled: each has its baseline round and its own target."""
    values = _v(framework_id=["RF0197"] * 4, location=["A", "A", "B", "B"],
                year=[2020, 2022, 2020, 2022], value=[0.50, 0.62, 0.50, 0.52],
                se=[0.02, 0.02, 0.03, 0.03])
    local = _v(framework_id=["RF0197", "RF0197"], location=["A", "B"],
               target_2023=[0.65, 0.65])
    out = progress(values, framework, local_targets=local).set_index(["location", "year"])
    assert out.loc[("A", 2020), "status"] == "baseline round"
    # path at 2022: 0.50 + 0.15 * 2/3 = 0.60
    assert out.loc[("A", 2022), "path_value"] == pytest.approx(0.60)
    assert out.loc[("A", 2022), "status"] == "on track"
    assert out.loc[("A", 2022), "change_se"] == pytest.approx(math.sqrt(0.02**2 + 0.02**2))
    assert out.loc[("B", 2022), "status"] == "behind the path"
    # B: (0.52 - 0.60) / sqrt(0.03² + (1/3 · 0.03)²) = -2.53 → significantly behind
    assert out.loc[("B", 2022), "significance"] == "significantly behind the path"
    assert out.loc[("A", 2022), "significance"] == "not significantly different from the path"


def test_increment_target_uses_the_change_between_rounds(framework):
    values = _v(framework_id=["RF0591"] * 3, location=["C"] * 3, year=[2020, 2021, 2023],
                value=[0.30, 0.27, 0.26], se=[0.01, 0.01, 0.01])
    out = progress(values, framework).set_index("year")
    assert out.loc[2020, "status"] == "needs an earlier round"
    assert out.loc[2021, "change_from_baseline"] == pytest.approx(-0.03)
    assert out.loc[2021, "status"] == "met"  # a 3-point fall ≥ the 2-point yearly target
    assert out.loc[2023, "status"] == "below the yearly change"  # 0.5 point a year


def test_proportion_of_48_is_an_error(framework):
    with pytest.raises(DataError, match=r"48 is not a proportion.*0\.48"):
        progress(_v(framework_id=["RF0585"], year=[2022], value=[48]), framework)


def test_infinite_and_non_numeric_values_are_errors(framework):
    with pytest.raises(DataError, match="row 2, column value.*not a finite number"):
        progress(_v(framework_id=["RF0364"], year=[2022], value=[math.inf]), framework)
    with pytest.raises(DataError, match="value 'lots' is not a number"):
        progress(_v(framework_id=["RF0364"], year=[2022], value=["lots"]), framework)
    with pytest.raises(DataError, match="negative"):
        progress(_v(framework_id=["RF0364"], year=[2022], value=[-1]), framework)


def test_subset_column_and_missing_subset(framework):
    out = progress(_v(framework_id=["RF0170", "RF0170"], subset=["国家", "subnational"],
                      year=[2022, 2022], value=[50, 82]), framework)
    assert out["framework_id"].tolist() == ["RF0170", "RF0171"]
    assert out["status"].tolist() == ["on track", "on track"]
    with pytest.raises(DataError, match=r"RF0170 has 2 subsets.*国家以下.*subset column"):
        progress(_v(framework_id=["RF0171"], year=[2022], value=[50]), framework)
    with pytest.raises(DataError, match="subset 'cities' is not one of"):
        progress(_v(framework_id=["RF0170"], subset=["cities"], year=[2022], value=[5]),
                 framework)


def test_duplicate_rows_are_an_error(framework):
    with pytest.raises(DataError, match=r"given 2 times \(rows \[2, 3\]\)"):
        progress(_v(framework_id=["RF0364", "RF0364"], year=[2022, 2022], value=[1, 4]),
                 framework)


def test_country_counts_are_not_compared_with_programme_targets(framework):
    values = _v(framework_id=["RF0364", "RF0364"], location=["Programme", "Kenya"],
                year=[2022, 2022], value=[3, 1])
    out = progress(values, framework, programme="Programme").set_index("location")
    assert out.loc["Programme", "status"] == "2023 target met" or \
        out.loc["Programme", "status"] == "on track"
    assert out.loc["Kenya", "status"] == "no target"


def test_rollup_and_bottlenecks(framework):
    values = _v(framework_id=["RF0364", "RF0363", "RF0251", "RF0287"],
                year=[2022] * 4, value=[3, 7, 36, 3])
    table = progress(values, framework)
    roll = rollup(table).set_index("outcome")
    assert roll.loc["2.1", ["assessed", "met_or_on_track", "off_track"]].tolist() == [2, 1, 1]
    off = bottlenecks(table)
    assert set(off["framework_id"]) == {"RF0363", "RF0251"}
    assert (off["status"] == "no progress").all()


def test_progress_bad_input(framework):
    with pytest.raises(DataError, match="unknown framework indicator"):
        progress(_v(framework_id=["RF9999"], year=[2021], value=[1]), framework)
    with pytest.raises(DataError, match="row 2, column year"):
        progress(_v(framework_id=["RF0364"], year=[2030], value=[1]), framework)
    with pytest.raises(DataError, match="lack the column"):
        progress(pd.DataFrame({"framework_id": ["RF0364"]}), framework)


def test_cli_show_and_progress(tmp_path, capsys):
    out = tmp_path / "framework.csv"
    assert main(["framework", "show", "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 137
    values = tmp_path / "values.csv"
    pd.DataFrame({"framework_id": ["RF0364"], "year": [2023], "value": [4]}).to_csv(values,
                                                                                  index=False)
    assert main(["framework", "progress", str(values)]) == 0
    assert "2023 target met" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"framework_id": ["RF0585"], "year": [2023], "value": [48]}).to_csv(
        bad, index=False)
    assert main(["framework", "progress", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "not a proportion" in err and "Traceback" not in err


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
        "level": ["all", "female", "all"],
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
    assert out.loc["RF0364", ["value", "n", "undetermined"]].tolist() == [1.0, 3, 1]
    assert out.loc["RF0493", "value"] == 1.0
    assert np.isnan(out.loc["RF0364", "se"])
