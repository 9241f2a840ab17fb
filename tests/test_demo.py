"""`rbm demo` end to end in a temporary folder, and `rbm survey run` on its inputs."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from rbm_surveys.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["demo", "--out", str(out)])
    return out, rc, buf.getvalue()


def test_demo_end_to_end(demo, tmp_path, capsys):
    """One test (the demo runs once even under pytest-xdist): output, files, CLI re-run."""
    _demo_says_where_results_are(demo)
    _demo_outputs_cover_all_indicators_and_truth(demo)
    _demo_scores_documents_and_reports_progress(demo)
    _survey_run_on_demo_inputs(demo, tmp_path, capsys)
    _survey_run_unknown_psu_names_design_file(demo, tmp_path, capsys)


def _demo_says_where_results_are(demo):
    out, rc, text = demo
    assert rc == 0
    assert str(out / "results" / "indicators.xlsx") in text
    assert "Codebook of the loaded example exports" in text
    assert "safety: " in text and "languages: English (en), French (fr), Spanish (es)" in text
    assert "personal column(s) withheld: respondent_name, phone" in text


def _demo_outputs_cover_all_indicators_and_truth(demo):
    out, _, text = demo
    res = pd.read_csv(out / "results" / "indicators.csv")
    assert set(res["module"]) == {"tenure", "safety", "participation", "disability"}
    assert {"sdg_1_4_2b", "sdg_16_1_4_unodc", "sdg_16_1_4_unhcr", "sdg_11_7_2", "sdg_16_7_2",
            "wg_disability3", "equal_access_services"} <= set(res["indicator"])
    assert {"all", "sex", "age_group", "disability", "income_quintile",
            "displacement"} <= set(res["disaggregation"])
    assert res["weights"].str.contains("raked to census margins").all()
    truth = pd.read_csv(out / "inputs" / "truth.csv")
    both = res[res["disaggregation"] == "all"].merge(
        truth, on=["module", "indicator", "category", "disaggregation", "level"])
    covered = ((both["ci_low"] <= both["true_value"]) & (both["true_value"] <= both["ci_high"]))
    assert covered.mean() >= 0.8  # one seeded sample: most headline intervals cover the truth
    wb = load_workbook(out / "results" / "indicators.xlsx", read_only=True)
    assert "sdg_16_1_4_unodc" in wb.sheetnames and "Weighting safety" in wb.sheetnames


def _demo_scores_documents_and_reports_progress(demo):
    from rbm_surveys.review import read_review_workbook

    out, _, text = demo
    verdicts = pd.read_csv(out / "documents" / "verdicts.csv")
    assert set(verdicts["rubric"]) == {"igutp", "ndc_urban", "sdg5a2",
                                       "decentralization_basic_services", "who_aqg"}
    assert {"zh", "en", "fr", "es"} <= set(verdicts["language"])
    decisions = read_review_workbook(out / "documents" / "review-reviewer.xlsx")
    assert len(decisions) == len(verdicts) and set(decisions["decision"]) == {"pending"}
    from rbm_surveys.framework.compute import register_progress
    from rbm_surveys.register import Register

    with Register.open(out / "framework" / "register.sqlite", create=False) as reg:
        progress = register_progress(reg)
        values = reg.values()
        rules = reg.rules()
    # two survey rounds, per city (never pooled) and for the country
    assert set(values["year"]) == {2020, 2022}
    assert {"Capital", "Port", "Hill", "Riverland"} <= set(values["location"])
    # the demo review is a labelled auto-confirm, never mistaken for a reviewed verdict
    assert set(rules["review_status"]) == {"unreviewed — demo"}
    p = progress.set_index(["framework_id", "location", "year"])
    assert p.loc[("RF0585", "Capital", 2020), "status"] == "baseline round"
    assert p.loc[("RF0197", "Capital", 2020), "status"] == "no target"  # no local target
    assert p.loc[("RF0585", "Capital", 2022), "baseline_from"] == \
        "earliest round at this location"
    # document indicators: the programme's cumulative count of partners meeting the rule
    programme = progress[progress["location"] == "rbm demo programme"]
    assert len(programme) and (programme["target_basis"] == "cumulative").all()
    assert set(programme["framework_id"]) == set(rules["framework_id"])
    index = out / "site" / "index.html"
    assert index.exists() and f"Partners' site: {index.resolve().as_uri()}" in text
    assert (out / "framework" / "export" / "framework.xlsx").exists()
    assert "Results framework (UN-Habitat 2020–2023)" in text


def _survey_run_on_demo_inputs(demo, tmp_path, capsys):
    out, _, _ = demo
    rc = main(["survey", "run", str(out / "inputs" / "config.yaml"), "--out", str(tmp_path / "r")])
    assert rc == 0
    assert (tmp_path / "r" / "indicators.xlsx").exists()
    assert "indicators" in capsys.readouterr().out


def test_survey_run_bad_config_is_one_line_error(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("modules:\n  - name: safety\n    form: f.xlsx\n", encoding="utf-8")
    rc = main(["survey", "run", str(cfg)])
    err = capsys.readouterr().err
    assert rc == 2
    assert str(cfg) in err and "modules[0].export" in err and "Traceback" not in err


def _survey_run_unknown_psu_names_design_file(demo, tmp_path, capsys):
    out, _, _ = demo
    inputs = out / "inputs"
    design = pd.read_csv(inputs / "designs" / "safety.csv").iloc[1:]
    bad = tmp_path / "design.csv"
    design.to_csv(bad, index=False)
    import yaml

    cfg = yaml.safe_load((inputs / "config.yaml").read_text(encoding="utf-8"))
    mod = next(m for m in cfg["modules"] if m["name"] == "safety")
    cfg["modules"] = [{k: (str(inputs / v) if k != "name" else v) for k, v in mod.items()}]
    cfg["modules"][0]["design"] = str(bad)
    cfg["margins"] = str(inputs / cfg["margins"])
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    rc = main(["survey", "run", str(path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and str(bad) in err and "column ea" in err
