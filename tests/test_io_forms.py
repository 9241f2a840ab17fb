"""XLSForm reading (pyxform and the raw-sheet fallback); also the form/export builders the
other test_io_* files import."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rbm_surveys.errors import FileFormatError, FormError, UsageError
from rbm_surveys.surveys.io import Codebook, read_form

EN, FR = "English (en)", "French (fr)"

SURVEY_ROWS = [
    ["start", "start", "", "", "", ""],
    ["begin_group", "hh", "Household", "Ménage", "", ""],
    ["integer", "age", "Age", "Âge", "", "yes"],
    ["select_one yn or_other", "safe", "Do you feel safe?", "Vous sentez-vous en sécurité ?", "", ""],
    ["select_multiple svc", "services", "Services used", "Services utilisés", "${age} > 10", ""],
    ["geopoint", "loc", "Location", "Lieu", "", ""],
    ["end_group", "", "", "", "", ""],
    ["decimal", "income", "Income", "Revenu", "", ""],
    ["date", "visit", "Visit date", "Date de visite", "", ""],
    ["begin_repeat", "kids", "Children", "Enfants", "", ""],
    ["text", "kname", "Child name", "Nom de l'enfant", "", ""],
    ["integer", "kage", "Child age", "Âge de l'enfant", "", ""],
    ["end_repeat", "", "", "", "", ""],
]
CHOICES = [
    ["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"], ["yn", "dnk", "Don't know", "Ne sait pas"],
    ["svc", "water", "Water", "Eau"], ["svc", "health", "Health", "Santé"],
    ["svc", "school", "School", "École"],
]


def make_form(path: Path, *, survey=SURVEY_ROWS, choices=CHOICES, version="2024-1") -> Path:
    wb = openpyxl.Workbook()
    s = wb.active
    s.title = "survey"
    s.append(["type", "name", f"label::{EN}", f"label::{FR}", "relevant", "required"])
    for r in survey:
        s.append(r)
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", f"label::{EN}", f"label::{FR}"])
    for r in choices:
        c.append(r)
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(["Safety survey", "safety", version, EN])
    wb.save(path)
    return path


def write_csv(path: Path, header: list, rows: list, *, sep=";", quote_all=True, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=sep, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                       lineterminator="\r\n" if quote_all else "\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[list, list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


@pytest.fixture()
def form(tmp_path) -> Path:
    return make_form(tmp_path / "form.xlsx")


# -- tests ------------------------------------------------------------------------------------

def test_read_form_fields_groups_repeat_languages(form):
    cb = read_form(form)
    assert isinstance(cb, Codebook)
    f = cb.fields.set_index("name")
    assert f.at["age", "group_path"] == "hh" and f.at["age", "path"] == "hh/age"
    assert f.at["age", "type"] == "integer" and bool(f.at["age", "required"])
    assert f.at["safe", "type"] == "select_one" and f.at["safe", "list_name"] == "yn"
    assert bool(f.at["safe", "or_other"]) and "safe_other" in f.index
    assert f.at["services", "type"] == "select_multiple"
    assert f.at["services", "relevant"] == "${age} > 10"
    assert f.at["kname", "repeat"] == "kids" and pd.isna(f.at["age", "repeat"])
    assert cb.repeats == {"kids": "main"}
    assert cb.languages[:2] == (EN, FR) and cb.version == "2024-1" and cb.form_id == "safety"
    assert f.at["age", f"label::{FR}"] == "Âge"
    # or_other adds an 'other' choice
    assert "other" in cb.choice_names("yn")
    assert cb.choice_label_map("svc", FR)["school"] == "École"
    assert cb.label_map(FR)["services"] == "Services utilisés"
    assert cb.field("income")["type"] == "decimal"
    assert cb.source is not None and len(cb.source.sha256) == 64


def test_codebook_summary_is_a_tidy_table(form):
    s = read_form(form).summary()
    assert list(s.columns) == ["name", "type", "table", "group_path", "n_choices", "label"]
    row = s.set_index("name").loc["services"]
    assert row["n_choices"] == 3 and row["table"] == "main" and row["label"] == "Services used"
    assert s.set_index("name").at["kage", "table"] == "kids"


def test_unknown_field_and_language_are_usage_errors(form):
    cb = read_form(form)
    with pytest.raises(UsageError, match="nope"):
        cb.field("nope")
    with pytest.raises(UsageError, match="Klingon"):
        cb.label_map("Klingon")


def test_duplicate_choice_names_fall_back_to_raw_sheets_with_warning(tmp_path):
    path = make_form(tmp_path / "dup.xlsx", choices=[*CHOICES, ["yn", "yes", "Yes again", "Oui encore"]])
    cb = read_form(path)
    assert any("pyxform rejected" in w for w in cb.warnings)
    assert any("yn:yes" in w for w in cb.warnings)
    f = cb.fields.set_index("name")
    assert f.at["kage", "repeat"] == "kids" and f.at["age", "group_path"] == "hh"
    assert bool(f.at["age", "required"]) and "safe_other" in f.index
    assert cb.version == "2024-1" and cb.languages[:2] == (EN, FR)
    assert cb.repeats == {"kids": "main"}


def test_invalid_name_falls_back(tmp_path):
    rows = [*SURVEY_ROWS[:3], ["text", "bad name!", "Bad", "Mauvais", "", ""], *SURVEY_ROWS[3:]]
    cb = read_form(make_form(tmp_path / "bad.xlsx", survey=rows))
    assert any("pyxform rejected" in w for w in cb.warnings)
    assert "bad name!" in set(cb.fields["name"])


def test_form_errors(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        read_form(empty)
    with pytest.raises(FormError, match="not found"):
        read_form(tmp_path / "missing.xlsx")
    pdf = tmp_path / "form.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(FileFormatError, match="PDF"):
        read_form(pdf)


def test_csv_form_and_untranslated_labels(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("survey,,,\n,type,name,label\n,integer,age,Age\n,select_one yn,ok,OK?\n"
                    "choices,,,\n,list_name,name,label\n,yn,yes,Yes\n,yn,no,No\n")
    cb = read_form(path)
    assert cb.languages == ("default",)
    assert cb.field("ok")["list_name"] == "yn" and cb.label_map()["age"] == "Age"
    assert cb.choice_names("yn") == ["yes", "no"]
