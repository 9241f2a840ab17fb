"""Workbook and CSV: respondent or configuration text never becomes a formula, personal
columns never appear, and the workbook is laid out for people (read back from the files)."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from rbm_surveys.report.csv import write_results_csv
from rbm_surveys.report.excel import write_indicator_workbook
from rbm_surveys.report.safe import FORMULA_PREFIXES
from rbm_surveys.surveys.indicators.run import RESULT_COLUMNS, run_indicators
from rbm_surveys.surveys.indicators.spec import load_spec
from rbm_surveys.surveys.indicators.run import make_design

EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def _results_with_evil_text() -> pd.DataFrame:
    spec = load_spec("evil.yaml", text="""
module: m
universe: {when: {var: age, ">=": 18}}
indicators:
  - id: p
    title: "=cmd|' /C calc'!A0"
    source: "+source"
    definition: "-definition"
    kind: proportion
    numerator: {var: q, in: ["@yes"]}
    missing: unodc
  - {id: d, title: t, source: s, kind: distribution, var: q, missing: valid_only}
disaggregations: [group]
""")
    n = 240
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": 30, "q": rng.choice(["@yes", "=no"], n),
                          "group": rng.choice(EVIL, n), "w": 1.0})
    return run_indicators(frame, [spec], make_design(frame, "w")), spec


def _assert_no_formula_text(values):
    for v in values:
        if isinstance(v, str):
            assert not v.startswith(FORMULA_PREFIXES), repr(v)


def test_workbook_cells_are_never_formulas(tmp_path):
    res, spec = _results_with_evil_text()
    assert set(EVIL) <= set(res["level"])  # the evil text really reaches the table
    path = write_indicator_workbook(res, tmp_path / "w.xlsx", specs=[spec])
    wb = load_workbook(path)  # not read-only: data_type tells formulas apart
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                _assert_no_formula_text([cell.value])
                seen += isinstance(cell.value, str) and cell.value.startswith("'=")
    assert seen > 0  # guarded text is kept, visibly


def test_csv_fields_are_never_formulas(tmp_path):
    res, _ = _results_with_evil_text()
    path = write_results_csv(res, tmp_path / "r.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == RESULT_COLUMNS
    for row in rows[1:]:
        _assert_no_formula_text(row)
    back = pd.DataFrame(rows[1:], columns=rows[0])
    assert "'=HYPERLINK(\"http://x\",\"y\")" in set(back["level"])
    est = pd.to_numeric(back["estimate"]).dropna()
    assert len(est) and est.between(0, 1).all()


def test_workbook_layout(tmp_path):
    res, spec = _results_with_evil_text()
    path = write_indicator_workbook(res, tmp_path / "w.xlsx", specs=[spec])
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["Summary", "Data notes", "p", "d"] and "Sources" in wb.sheetnames
    ws = wb["p"]
    notes = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(3, 12)}
    assert {"Definition", "Denominator rule", "Weights", "Design", "Source of the rule"} <= set(notes)
    assert notes["Definition"] == "'-definition"
    header_row = ws.freeze_panes and int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[header_row]]
    assert headers[:2] == ["Disaggregation", "Group"] and "95% CI low" in headers
    est_col = headers.index("Estimate") + 1
    assert ws.cell(row=header_row + 1, column=est_col).number_format == "0.0%"
    assert ws.column_dimensions["C"].width >= 8


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    from rbm_surveys.surveys.indicators.pipeline import run_survey
    from rbm_surveys.surveys.indicators.simulate import write_example

    folder = tmp_path_factory.mktemp("example")
    files = write_example(folder, seed=7, population=20_000, ea_per_stratum=6, per_ea=12)
    return folder, files, run_survey(files["config"])


def test_pipeline_outputs_are_private_and_inputs_untouched(example_run):
    _personal_columns_never_reach_outputs(example_run)
    _input_files_are_not_modified(example_run)


def _personal_columns_never_reach_outputs(example_run):
    folder, files, run = example_run
    export = pd.read_excel(files["export_safety"], engine="openpyxl")
    names = set(export["respondent_name"].astype(str))
    phones = set(export["phone"].astype(str))
    text = run.outputs["csv"].read_text(encoding="utf-8")
    wb = load_workbook(run.outputs["xlsx"], read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None}
    for secret in names | phones | {"respondent_name", "phone"}:
        assert secret not in cells
        assert f",{secret}," not in text
    assert set(run.data["safety"].personal_columns) >= {"respondent_name", "phone"}
    assert "respondent_name" not in run.data["safety"].main


def _input_files_are_not_modified(example_run):
    from rbm_surveys.provenance import sha256_file
    from rbm_surveys.surveys.indicators.pipeline import run_survey

    folder, files, run = example_run
    before = {s.path: s.sha256 for s in run.sources}
    run_survey(files["config"], write=False)
    assert before and all(sha256_file(p) == h for p, h in before.items())


def test_run_configuration_can_switch_the_dont_know_convention(example_run):
    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey

    folder, files, run = example_run
    cfg = load_config(files["config"])
    cfg["conventions"] = {"sdg_16_1_4_unodc": "unhcr"}
    other = run_survey(cfg, write=False).results
    pick = lambda r, i: r[(r["indicator"] == i) & (r["disaggregation"] == "all")].iloc[0]  # noqa: E731
    switched, unhcr = pick(other, "sdg_16_1_4_unodc"), pick(run.results, "sdg_16_1_4_unhcr")
    assert switched["estimate"] == unhcr["estimate"] and switched["n"] == unhcr["n"]
    assert "set in the run configuration" in switched["missing_rule"]
    assert pick(run.results, "sdg_16_1_4_unodc")["n"] > unhcr["n"]
