"""Exports in the shapes KoBo, ODK Central and SurveyCTO write, for one form with a group,
a required note, a select_multiple, and a household roster repeat that reuses a main-sheet
field name (issue 9, item 6). Every file is a real XLSX/CSV/zip written here."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from rbm_surveys.cli import main
from rbm_surveys.errors import ExportMismatchError
from rbm_surveys.surveys.clean import run_cleaning
from rbm_surveys.surveys.io import read_export
from rbm_surveys.surveys.io.xlsform import read_form

SURVEY = [
    ("type", "name", "label::English (en)", "label::French (fr)", "required"),
    ("begin_group", "hh", "Household", "Ménage", ""),
    ("select_one yn", "q1", "Has water?", "A de l'eau ?", "yes"),
    ("note", "n1", "Thank the respondent", "Remercier", "yes"),  # required note: no column
    ("select_multiple fruit", "fr", "Fruit eaten", "Fruits mangés", ""),
    ("end_group", "", "", "", ""),
    ("begin_repeat", "members", "Members", "Membres", ""),
    ("text", "name", "Name", "Nom", ""),
    ("select_one yn", "q1", "Member has water?", "Le membre a de l'eau ?", ""),  # same name
    ("end_repeat", "", "", "", ""),
]
CHOICES = [("list_name", "name", "label::English (en)", "label::French (fr)"),
           ("yn", "yes", "Yes", "Oui"), ("yn", "no", "No", "Non"),
           ("fruit", "1", "Apple", "Pomme"), ("fruit", "2", "Pear", "Poire")]


def _form(path, choices=CHOICES, version="v1"):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in SURVEY:
        ws.append(list(r))
    wc = wb.create_sheet("choices")
    for r in choices:
        wc.append(list(r))
    st = wb.create_sheet("settings")
    st.append(["form_id", "version"])
    st.append(["hhs", version])
    wb.save(path)
    return path


@pytest.fixture
def form(tmp_path):
    return _form(tmp_path / "form.xlsx")


def _kobo_xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "hhs"
    ws.append(["hh/q1", "hh/fr", "hh/fr/1", "hh/fr/2", "_id", "_uuid", "_submission_time",
               "_validation_status", "__version__", "_index"])
    ws.append(["yes", "1 2", 1, 1, 11, "u1", "2024-01-01T11:00:00", "", "v1", 1])
    ws.append(["no", "2", 0, 1, 12, "u2", "2024-01-01T11:05:00", "", "v1", 2])
    wm = wb.create_sheet("members")
    wm.append(["members/name", "members/q1", "_index", "_parent_table_name", "_parent_index",
               "_submission__id", "_submission__uuid"])
    for r in (["A", "yes", 1, "hhs", 1, 11, "u1"], ["B", "no", 2, "hhs", 1, 11, "u1"],
              ["C", "yes", 3, "hhs", 2, 12, "u2"]):
        wm.append(r)
    wb.save(path)
    return path


def _central_zip(path):
    main = ("SubmissionDate,hh-q1,hh-fr,hh-fr/1,hh-fr/2,meta-instanceID,KEY,SubmitterID,"
            "SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,"
            "Edits,FormVersion\r\n"
            "2024-01-01T11:00:00Z,yes,1 2,1,1,uuid:a,uuid:a,5,ann,0,0,,,dev1,0,v1\r\n"
            "2024-01-01T11:05:00Z,no,2,0,1,uuid:b,uuid:b,5,ann,0,0,,rejected,dev1,0,v1\r\n")
    rep = ("name,q1,PARENT_KEY,KEY\r\n"
           "A,yes,uuid:a,uuid:a/members[1]\r\nB,no,uuid:a,uuid:a/members[2]\r\n"
           "C,yes,uuid:b,uuid:b/members[1]\r\n")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hhs.csv", main)
        zf.writestr("hhs-members.csv", rep)
    return path


def _surveycto_csv(path):
    # SurveyCTO: no group prefixes, select_multiple split as NAME_<choice>, server columns
    path.write_text(
        "SubmissionDate,CompletionDate,q1,fr,fr_1,fr_2,instanceID,formdef_version,"
        "review_status,KEY\r\n"
        "\"Jan 1, 2024 11:00:00 AM\",\"Jan 1, 2024 11:00:00 AM\",yes,1 2,1,1,uuid:a,v1,"
        "APPROVED,uuid:a\r\n"
        "\"Jan 1, 2024 11:05:00 AM\",\"Jan 1, 2024 11:05:00 AM\",no,2,0,1,uuid:b,v1,"
        "REJECTED,uuid:b\r\n", encoding="utf-8")
    return path


def test_kobo_xlsx_with_note_repeat_and_shared_name(form, tmp_path):
    data = read_export(_kobo_xlsx(tmp_path / "kobo.xlsx"), form=form)
    assert list(data.main["q1"]) == ["yes", "no"]  # the note n1 is not asked for
    members = data.tables["members"]
    assert list(members["q1"]) == ["yes", "no", "yes"]  # the repeat's own q1
    assert list(members["_parent_index"]) == [1, 1, 2]
    assert list(data.main["fr/1"]) == [1, 0] and list(data.main["fr/2"]) == [1, 1]


def test_odk_central_zip_with_repeat_and_review_state(form, tmp_path):
    data = read_export(_central_zip(tmp_path / "hhs.zip"), form=form)
    assert list(data.tables["members"]["q1"]) == ["yes", "no", "yes"]
    cleaned, _ = run_cleaning(data)
    assert len(cleaned.main) == 1 and len(cleaned.tables["members"]) == 2  # rejected + roster


def test_surveycto_split_select_multiple_and_review_status(form, tmp_path):
    data = read_export(_surveycto_csv(tmp_path / "scto.csv"), form=form)
    assert list(data.main["fr/1"]) == [1, 0] and list(data.main["fr/2"]) == [1, 1]
    assert "formdef_version" in data.meta["main"] and "fr_1" not in data.main
    cleaned, _ = run_cleaning(data)
    assert len(cleaned.main) == 1  # SurveyCTO review_status REJECTED excluded


def test_surveycto_version_mismatch_is_checked(tmp_path):
    form = _form(tmp_path / "form.xlsx", version="v2")
    with pytest.raises(ExportMismatchError, match="formdef_version .* is not the form.s version"):
        read_export(_surveycto_csv(tmp_path / "scto.csv"), form=form)


def test_raw_sheet_fallback_with_groups(tmp_path):
    """pyxform refuses duplicate choice names; the row-by-row fallback handles groups."""
    bad = _form(tmp_path / "dup.xlsx", choices=CHOICES + [("yn", "yes", "Yes again", "Oui")])
    cb = read_form(bad)
    assert any("pyxform rejected" in w for w in cb.warnings)
    assert cb.title == "dup" and cb.repeats == {"members": "main"}
    paths = dict(zip(cb.fields["path"], cb.fields["repeat"]))
    assert "hh/q1" in paths and "members/q1" in paths
    data = read_export(_kobo_xlsx(tmp_path / "kobo.xlsx"), form=bad)
    assert list(data.tables["members"]["q1"]) == ["yes", "no", "yes"]


def test_inspect_cli_refuses_unknown_columns_by_default(form, tmp_path, capsys):
    export = _surveycto_csv(tmp_path / "scto.csv")
    text = export.read_bytes().decode("utf-8").replace(",KEY\r\n", ",KEY,extra\r\n", 1)
    text = text.replace("uuid:a\r\n", "uuid:a,x\r\n").replace("uuid:b\r\n", "uuid:b,y\r\n")
    export.write_text(text, encoding="utf-8")
    assert main(["inspect", str(export), "--form", str(form), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "extra" in err and err.count("\n") == 1
    assert main(["inspect", str(export), "--form", str(form), "--no-progress",
                 "--unknown", "drop"]) == 0
