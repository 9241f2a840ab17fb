"""The configuration layer (issue 9, item 1): every file a user writes is checked, and each
mistake is one ConfigError naming the file, key/row and line, with a did-you-mean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rbm_surveys.cli import main
from rbm_surveys.config import load_links_file, read_config_csv
from rbm_surveys.errors import ConfigError
from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey
from rbm_surveys.surveys.indicators.spec import check_against_form, load_spec
from rbm_surveys.surveys.io.xlsform import read_form
from rbm_surveys.surveys.weighting import load_margins
from rbm_surveys.surveys.weighting.pipeline import load_design_config

EXAMPLE = Path(__file__).parents[1] / "examples" / "perception"
RUN = ("modules:\n  - {name: safety, form: f.xlsx, export: e.xlsx, design: d.csv}\n"
       "design: {join: ea, weights: w}\n")


def _err(func, *args, **kw) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        func(*args, **kw)
    assert "\n" not in str(exc.value)  # one line, never a traceback
    return exc.value


def test_misspelt_margins_key_is_refused_with_did_you_mean():
    err = _err(load_config, "run.yaml", text=RUN + "margin: margins.yaml\n")
    assert err.where["key"] == "margin" and err.where["line"] == 4
    assert "did you mean 'margins'?" in str(err)


def test_unknown_nested_key_and_bad_value_are_located():
    err = _err(load_config, "run.yaml", text=RUN + "reporting: {min_n: 30, ci: wald}\n")
    assert err.where["key"] == "reporting.ci" and "'wald'" in str(err)
    err = _err(load_config, "run.yaml",
               text=RUN.replace("weights: w}", "weights: w, strata_: s}"))
    assert err.where["key"] == "design.strata_" and "did you mean 'strata'?" in str(err)


@pytest.mark.parametrize("text, words", [
    ("a: &x [1]\nb: *x\n", "anchors and aliases"),
    ("a: &a [*a]\n", "anchors and aliases"),  # self-reference
    ("modules: 1\nmodules: 2\n", "appears twice"),
    ("modules: [\n", "not valid YAML"),
])
def test_yaml_that_would_mislead_is_one_line_error(text, words):
    err = _err(load_config, "run.yaml", text=text)
    assert words in str(err) and err.where.get("line")


def test_binary_and_non_utf8_files(tmp_path):
    b = tmp_path / "run.yaml"
    b.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert "binary" in str(_err(load_config, b))
    b.write_bytes("margins: caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in str(_err(load_config, b))


def test_example_configuration_still_validates():
    cfg = load_config(EXAMPLE / "config.yaml")
    assert [m["name"] for m in cfg["modules"]] == ["tenure", "safety", "participation",
                                                    "disability"]


def test_choice_name_in_spec_checked_against_form(tmp_path):
    spec_text = (EXAMPLE / "specs" / "safety.yaml").read_text(encoding="utf-8")
    bad = spec_text.replace("{var: harass_sexual_12m, in: [yes]}",
                            "{var: harass_sexual_12m, in: [Yes]}")
    assert bad != spec_text
    path = tmp_path / "safety.yaml"
    path.write_text(bad, encoding="utf-8")
    spec = load_spec(path)  # the spec alone is valid ...
    err = _err(check_against_form, spec, read_form(EXAMPLE / "forms" / "safety.xlsx"))
    # ... but against the form 'Yes' is no choice: named with file, key, line and 'yes'
    assert err.where["file"] == str(path) and "did you mean 'yes'?" in str(err)
    assert err.where["key"].endswith(".in[0]")
    assert bad.splitlines()[err.where["line"] - 1].strip().endswith("in: [Yes]}")


def test_unknown_variable_in_spec_named_against_form(tmp_path):
    text = (EXAMPLE / "specs" / "safety.yaml").read_text(encoding="utf-8")
    path = tmp_path / "safety.yaml"
    path.write_text(text.replace("var: safe_night", "var: safe_nite", 1), encoding="utf-8")
    err = _err(check_against_form, load_spec(path),
               read_form(EXAMPLE / "forms" / "safety.xlsx"))
    assert "'safe_nite' is not a question" in str(err) and "safe_night" in str(err)


def test_run_stops_on_wrong_choice_name_instead_of_zero_percent(tmp_path, capsys):
    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex, ignore=shutil.ignore_patterns("results"))
    spec = ex / "specs" / "safety.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "in: [very_safe, safe]", "in: [Very_safe, safe]"), encoding="utf-8")
    assert main(["survey", "run", str(ex / "config.yaml")]) == 2
    assert not (ex / "results").exists()  # nothing written
    assert "did you mean 'very_safe'?" in capsys.readouterr().err


def test_margins_category_twice_is_an_error_not_last_row_wins(tmp_path):
    csv = tmp_path / "sex.csv"
    csv.write_text("sex,total\nfemale,5100\nmale,4910\nmale,4910\n", encoding="utf-8")
    err = _err(load_margins, csv)
    assert err.where["row"] == 4 and "first on row 3" in str(err)
    yml = tmp_path / "m.yaml"
    yml.write_text("margins:\n  sex:\n    female: 5100\n    male: 4910\n    male: 10\n",
                   encoding="utf-8")
    err = _err(load_margins, yml)
    assert err.where["line"] == 5 and "appears twice" in str(err)


@pytest.mark.parametrize("row", ["female\n", "female,5100,extra\n"])
def test_margin_csv_rows_with_too_few_or_many_fields(tmp_path, row):
    csv = tmp_path / "sex.csv"
    csv.write_text("sex,total\nmale,4910\n" + row, encoding="utf-8")
    err = _err(load_margins, csv)
    assert err.where["row"] == 3 and "field(s)" in str(err)


def test_margin_category_not_in_the_form_is_refused(tmp_path):
    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex, ignore=shutil.ignore_patterns("results"))
    m = ex / "margins.yaml"
    m.write_text(m.read_text(encoding="utf-8").replace("  sex:\n    female:",
                                                       "  sex:\n    Female:"),
                 encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        run_survey(ex / "config.yaml", write=False)
    assert "'Female'" in str(exc.value) and "did you mean 'female'?" in str(exc.value)
    assert exc.value.where["line"] == 4  # a comment, margins:, sex:, Female:


def test_margins_yaml_unknown_key(tmp_path):
    yml = tmp_path / "m.yaml"
    yml.write_text("margins:\n  sex: {f: 1, m: 1}\ncolapse: {}\n", encoding="utf-8")
    err = _err(load_margins, yml)
    assert "did you mean 'collapse'?" in str(err) and err.where["line"] == 3


def test_bounds_with_rake_refused(tmp_path):
    d = tmp_path / "design.yaml"
    d.write_text("weights: pw\nmethod: rake\nbounds: [0.5, 2.0]\n", encoding="utf-8")
    err = _err(load_design_config, d)
    assert err.where["key"] == "bounds" and err.where["line"] == 3
    assert "only with method: calibrate" in str(err)
    d.write_text("weights: pw\nmethod: calibrate\nbounds: [0.5, 2.0]\n", encoding="utf-8")
    assert load_design_config(d)["bounds"] == (0.5, 2.0)


def test_design_file_rows_checked(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("ea,stratum,base_weight\n1,a,10\n2,a\n", encoding="utf-8")
    err = _err(read_config_csv, p)
    assert err.where["row"] == 3


def test_links_model_for_the_framework(tmp_path):
    p = tmp_path / "links.yaml"
    p.write_text("links:\n  - {framework_id: RF1, source: survey, reduce: count_pass, "
                 "indicator: x}\n", encoding="utf-8")
    err = _err(load_links_file, p)
    assert err.where["key"] == "links[0].reduce" and err.where["line"] == 2
    shipped = Path(__file__).parents[1] / "src" / "rbm_surveys" / "data" / "framework"
    assert load_links_file(shipped / "links.yaml").links


def test_cli_csv_inputs_refuse_short_rows(tmp_path):
    from rbm_surveys.cli._inputs import read_csv_input

    p = tmp_path / "values.csv"
    p.write_text("framework_id,year,value\nRF1,2022,0.5\nRF2,2022\n", encoding="utf-8")
    err = _err(read_csv_input, str(p))
    assert err.where["row"] == 3
    p.write_text("framework_id,year,value\nRF1,2022,0.5\n", encoding="utf-8")
    assert read_csv_input(str(p))["value"].tolist() == [0.5]


def test_unknown_label_language_names_the_key(tmp_path):
    ex = tmp_path / "ex"
    shutil.copytree(EXAMPLE, ex, ignore=shutil.ignore_patterns("results"))
    cfg = ex / "config.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        run_survey(cfg, write=False)
    assert exc.value.where["key"] == "language" and exc.value.where["line"]
