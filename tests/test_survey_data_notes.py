"""Data notes travel with every result (issue 9, item 2): duplicates excluded and the
form-version warning are printed, written to the workbook's "Data notes" sheet and to
data_notes.csv; labels stand beside codes; the output set is replaced whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from rbm_surveys.cli import main

EXAMPLE = Path(__file__).parents[1] / "examples" / "perception"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """The example's safety module, with 2 conflicting duplicate submissions and 3 rows
    from another form version added to the export."""
    ex = tmp_path_factory.mktemp("notes") / "ex"
    shutil.copytree(EXAMPLE, ex, ignore=shutil.ignore_patterns("results"))
    export = ex / "exports" / "safety.xlsx"
    sheet = load_workbook(export).sheetnames[0]
    frame = pd.read_excel(export, sheet_name=sheet, dtype=object, engine="openpyxl")
    dup = frame.iloc[[0, 1]].copy()
    dup["safe_night"] = ["very_unsafe" if v != "very_unsafe" else "safe"
                         for v in dup["safe_night"]]
    dup["_index"] = [len(frame) + 1, len(frame) + 2]
    frame = pd.concat([frame, dup], ignore_index=True)
    frame.loc[frame.index[2:5], "__version__"] = "2025-old"
    with pd.ExcelWriter(export, engine="openpyxl") as xw:
        frame.to_excel(xw, sheet_name=sheet, index=False)
    cfg = yaml.safe_load((ex / "config.yaml").read_text(encoding="utf-8"))
    cfg["modules"] = [m for m in cfg["modules"] if m["name"] == "safety"]
    cfg["language"] = "fr"
    (ex / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return ex, len(frame)


def test_notes_printed_in_workbook_and_csv(run_dir, capsys):
    ex, n_rows = run_dir
    (ex / "results").mkdir()
    (ex / "results" / "indicators.csv").write_text("stale", encoding="utf-8")
    assert main(["survey", "run", str(ex / "config.yaml")]) == 0
    out = capsys.readouterr().out
    # 2 pairs of conflicting copies: all 4 rows kept out, with the reason, in the console
    assert "4 row(s) excluded" in out and "conflicting" in out
    assert "other form version" in out
    assert "kept as level 'unknown'" in out
    notes = pd.read_csv(ex / "results" / "data_notes.csv")
    assert list(notes.columns) == ["module", "stage", "table", "rows", "note"]
    dup = notes[notes["stage"] == "cleaning: drop_duplicates"].iloc[0]
    assert dup["rows"] == 4 and "conflicting" in dup["note"]
    assert notes["note"].str.contains("other form version").any()
    assert notes["note"].str.contains("outside the universe").any()
    wb = load_workbook(ex / "results" / "indicators.xlsx", read_only=True)
    sheet = [r for r in wb["Data notes"].iter_rows(values_only=True)]
    assert sheet[0] == ("Module", "Stage", "Table", "Rows", "Note")
    assert any("conflicting" in str(r[4]) for r in sheet[1:])
    res = pd.read_csv(ex / "results" / "indicators.csv")
    assert res["n"].max() <= n_rows - 4
    # the old file was replaced by the run's set
    assert "notes" in res.columns and "level_label" in res.columns


def test_labels_in_the_chosen_language(run_dir):
    ex, _ = run_dir
    if not (ex / "results" / "indicators.csv").is_file():  # run alone (pytest -n: another worker)
        assert main(["survey", "run", str(ex / "config.yaml")]) == 0
    res = pd.read_csv(ex / "results" / "indicators.csv", keep_default_na=False)
    sex = res[(res["disaggregation"] == "sex") & (res["level"] == "female")].iloc[0]
    assert sex["level_label"] == "Femme"
    assert sex["disaggregation_label"].startswith("Sexe")
    dist = res[(res["category"] == "street")].iloc[0]
    assert dist["category_label"] == "Rue, place ou marché"
    unknown = res[res["level"] == "unknown"]
    assert len(unknown) and unknown["notes"].str.contains("don't know or refused").all()
