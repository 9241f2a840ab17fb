"""KoBo exports: modern/legacy CSV, XLSX with repeats, header modes, HXL, form checks."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from test_io_forms import FR, make_form, write_csv, write_xlsx

from rbm_surveys.errors import ExportMismatchError, UsageError
from rbm_surveys.surveys.io import read_export, read_form

META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
        "_submitted_by", "__version__", "_tags", "meta/rootUuid", "_index"]
XML_HEADER = ["start", "hh/age", "hh/safe", "hh/safe_other", "hh/services", "hh/services/water",
              "hh/services/health", "hh/services/school", "hh/loc", "_loc_latitude",
              "_loc_longitude", "_loc_altitude", "_loc_precision", "income", "visit", *META]


def _meta(i, version="2024-1", status="validation_status_approved"):
    return [str(100 + i), f"uuid-{i}", f"2024-03-0{i}T10:00:00", status, "", "submitted_via_web",
            "", version, "", f"uuid:uuid-{i}", str(i)]


ROWS = [
    ["2024-03-01T09:00:00.000+01:00", "34", "yes", "", "water health", "1", "1", "0",
     "12.5 -1.5 300 5", "12.5", "-1.5", "300", "5", "1500.5", "2024-03-01", *_meta(1)],
    ["2024-03-02T09:00:00.000+01:00", "", "other", "neighbour", "", "", "", "", "", "", "", "", "",
     "abc", "2024-03-02", *_meta(2, status="")],
    ["2024-03-03T09:00:00.000+01:00", "70", "dnk", "", "school", "0", "0", "1", "", "", "", "", "",
     "20", "2024-03-03", *_meta(3)],
]


@pytest.fixture()
def form(tmp_path):
    return make_form(tmp_path / "form.xlsx")


def test_modern_csv_xml_headers_with_groups(tmp_path, form):
    path = write_csv(tmp_path / "export.csv", XML_HEADER, ROWS)
    before = path.read_bytes()
    d = read_export(path, form)
    m = d.main
    assert list(m.columns[:8]) == ["_index", "start", "age", "safe", "safe_other", "services",
                                   "services/water", "services/health"]
    assert m["age"].dtype == "Int64" and m["age"].tolist()[0] == 34 and pd.isna(m["age"][1])
    assert m["income"].dtype == "Float64" and m["income"][0] == 1500.5
    assert m["safe"].tolist() == ["yes", "other", "dnk"] and m["safe_other"][1] == "neighbour"
    # select_multiple: Int8 0/1, <NA> across the row when unanswered
    assert m["services/water"].dtype == "Int8"
    assert m.loc[0, ["services/water", "services/health", "services/school"]].tolist() == [1, 1, 0]
    assert m.loc[1, ["services/water", "services/health", "services/school"]].isna().all()
    assert pd.isna(m.loc[1, "services"]) and m.loc[2, "services"] == "school"
    assert m["_loc_latitude"][0] == 12.5 and m["_loc_precision"].dtype == "Float64"
    assert str(m["visit"].dtype).startswith("datetime64") and m["visit"][0] == pd.Timestamp("2024-03-01")
    assert m["start"][0] == pd.Timestamp("2024-03-01T08:00:00", tz="UTC")
    assert m["_index"].tolist() == [1, 2, 3]
    # meta moved out of the table, kept in meta["main"]
    assert "_uuid" not in m and "__version__" not in m
    meta = d.meta["main"]
    assert meta["_uuid"].tolist() == ["uuid-1", "uuid-2", "uuid-3"]
    assert meta["_validation_status"][0] == "validation_status_approved"
    assert str(meta["_submission_time"].dtype).startswith("datetime64")
    # the bad number is NA and reported with its spreadsheet row
    iss = d.codebook.issues
    assert iss.to_dict("records") == [{"table": "main", "row": 3, "column": "income", "value": "abc",
                                       "problem": "not a number"}]
    assert any("income" in w for w in d.warnings)
    assert d.sources[0].kind == "kobo-csv" and len(d.sources) == 2
    assert d.sources[0].sha256 == hashlib.sha256(before).hexdigest()
    assert d.sources[1].sha256 == hashlib.sha256(form.read_bytes()).hexdigest()
    assert path.read_bytes() == before  # the user's file is untouched


def test_legacy_csv_comma_true_false_and_na(tmp_path, form):
    header = ["start", "hh/age", "hh/safe", "hh/safe_other", "hh/services", "hh/services/water",
              "hh/services/health", "hh/services/school", "income", "visit", "meta/instanceID",
              "_uuid", "_submission_time", "_index", "_parent_index", "_validation_status"]
    rows = [["2024-03-01T09:00:00", "34", "yes", "n/a", "water", "True", "False", "False", "10",
             "2024-03-01", "uuid:a", "a", "2024-03-01T10:00:00", "1", "-1", "{}"],
            ["2024-03-01T09:00:00", "12", "no", "n/a", "n/a", "", "", "", "n/a", "2024-03-01",
             "uuid:b", "b", "2024-03-01T10:00:00", "2", "-1", "{}"]]
    d = read_export(write_csv(tmp_path / "legacy.csv", header, rows, sep=",", quote_all=False), form)
    m = d.main
    assert d.sources[0].kind == "kobo-csv-legacy"
    assert m.loc[0, ["services/water", "services/health"]].tolist() == [1, 0]
    assert m.loc[1, ["services/water", "services/health", "services/school"]].isna().all()
    assert pd.isna(m.loc[0, "safe_other"]) and pd.isna(m.loc[1, "income"])
    assert "_parent_index" not in m and "meta/instanceID" in d.meta["main"]
    assert d.codebook.issues.empty


def test_label_headers_in_french_are_mapped_back_to_names(tmp_path, form):
    header = ["start", "Ménage/Âge", "Ménage/Vous sentez-vous en sécurité ?", "Ménage/Specify other.",
              "Ménage/Services utilisés", "Ménage/Services utilisés/Eau", "Ménage/Services utilisés/Santé",
              "Ménage/Services utilisés/École", "Revenu", "Date de visite", "_uuid", "_validation_status",
              "_index"]
    rows = [["2024-03-01T09:00:00", "34", "Oui", "", "Eau Santé", "1", "1", "0", "5", "2024-03-01",
             "u1", "Approved", "1"],
            ["2024-03-01T09:00:00", "40", "Ne sait pas", "", "", "", "", "", "6", "2024-03-01",
             "u2", "", "2"]]
    d = read_export(write_csv(tmp_path / "fr.csv", header, rows), form, header="label")
    m = d.main
    assert {"age", "safe", "safe_other", "services", "services/water", "income", "visit"} <= set(m.columns)
    assert m["safe"].tolist() == ["yes", "dnk"]  # labels → choice names
    assert m["services"][0] == "water health"  # summary rebuilt from details, as names
    assert m.loc[1, ["services/water", "services/school"]].isna().all()
    # the same file with language restricted to French, and header="auto", agree
    d2 = read_export(tmp_path / "fr.csv", form, language=FR)
    pd.testing.assert_frame_equal(d2.main, m)


def test_ambiguous_label_names_both_fields(tmp_path):
    survey = [["integer", "age", "Age", "Âge", "", ""], ["integer", "age2", "Age", "Âge bis", "", ""]]
    form = make_form(tmp_path / "amb.xlsx", survey=survey, choices=[["yn", "yes", "Yes", "Oui"]])
    path = write_csv(tmp_path / "amb.csv", ["Age", "_index"], [["3", "1"]])
    with pytest.raises(ExportMismatchError) as exc:
        read_export(path, form, header="label")
    msg = str(exc.value)
    assert "age" in msg and "age2" in msg and "column Age" in msg


def test_hxl_row_is_skipped_and_rows_counted(tmp_path, form):
    hxl = ["" if not h.startswith("hh/age") else "#age" for h in XML_HEADER]
    hxl[XML_HEADER.index("income")] = "#income +usd"
    path = write_csv(tmp_path / "hxl.csv", XML_HEADER, [hxl, *ROWS])
    d = read_export(path, form)
    assert len(d.main) == 3 and d.main["age"][0] == 34
    assert d.codebook.issues["row"].tolist() == [4]  # header + HXL row + 2nd record


def test_custom_group_separator(tmp_path, form):
    header = ["hh::age", "hh::safe", "hh::services", "hh::services/water", "hh::services/health",
              "hh::services/school", "_index"]
    path = write_csv(tmp_path / "sep.csv", header, [["5", "no", "health", "0", "1", "0", "1"]])
    with pytest.raises(ExportMismatchError, match="hh::age"):
        read_export(path, form)  # '::' is not a default separator
    d = read_export(path, form, group_sep="::")
    assert d.main["age"][0] == 5 and d.main["services/health"][0] == 1
    # dots and dashes need no option
    path2 = write_csv(tmp_path / "dot.csv", ["hh.age", "hh-safe", "_index"], [["7", "yes", "1"]])
    assert read_export(path2, form).main[["age", "safe"]].iloc[0].tolist() == [7, "yes"]


def _xlsx_export(tmp_path, *, with_parent_index=True, title="Safety survey"):
    main_h = ["hh/age", "hh/safe", "hh/services", "hh/services/water", "hh/services/health",
              "hh/services/school", "_uuid", "_submission_time", "__version__", "_index"]
    main_rows = [[34, "yes", "water", 1, 0, 0, "u1", "2024-03-01T10:00:00", "2024-1", 1],
                 [41, "no", None, None, None, None, "u2", "2024-03-01T11:00:00", "2024-1", 2]]
    kid_h = ["kname", "kage"] + (["_index", "_parent_table_name", "_parent_index"] if with_parent_index else []) \
        + ["_submission__uuid", "_submission__submission_time"]
    kid_rows = [["Ana", 4] + ([1, title, 2] if with_parent_index else []) + ["u2", "x"],
                ["Ben", 7] + ([2, title, 2] if with_parent_index else []) + ["u2", "x"],
                ["Cy", 1] + ([3, title, 1] if with_parent_index else []) + ["u1", "x"]]
    return write_xlsx(tmp_path / "export.xlsx", {title: (main_h, main_rows), "kids": (kid_h, kid_rows)})


def test_xlsx_with_repeat_sheet(tmp_path, form):
    d = read_export(_xlsx_export(tmp_path), form)
    assert set(d.tables) == {"main", "kids"}
    kids = d.tables["kids"]
    assert list(kids.columns[:3]) == ["_index", "_parent_index", "_parent_table"]
    assert kids["_parent_index"].tolist() == [2, 2, 1] and set(kids["_parent_table"]) == {"main"}
    assert kids["kage"].dtype == "Int64" and kids["kname"].tolist() == ["Ana", "Ben", "Cy"]
    assert "_submission__uuid" in d.meta["kids"]
    m = d.main
    assert m["age"].tolist() == [34, 41] and m["safe"].tolist() == ["yes", "no"]
    assert m.loc[1, ["services/water", "services/health"]].isna().all()
    assert m.loc[0, "services/water"] == 1
    # joining children to parents gives the parent's answers
    j = kids.merge(m, left_on="_parent_index", right_on="_index", suffixes=("", "_p"))
    assert j.set_index("kname").at["Cy", "age"] == 34
    assert d.sources[0].kind == "kobo-xlsx"


def test_xlsx_repeat_joined_by_submission_uuid(tmp_path, form):
    d = read_export(_xlsx_export(tmp_path, with_parent_index=False), form)
    assert d.tables["kids"]["_parent_index"].tolist() == [2, 2, 1]
    assert d.tables["kids"]["_index"].tolist() == [1, 2, 3]


def test_no_form_infers_names_and_select_multiple(tmp_path):
    path = write_csv(tmp_path / "e.csv", XML_HEADER, ROWS)
    d = read_export(path)
    m = d.main
    assert {"age", "safe", "services", "services/water", "income"} <= set(m.columns)
    assert m["services/water"].dtype == "Int8" and m.loc[1, ["services/water"]].isna().all()
    assert m["age"].dtype == "Float64" and m["age"][0] == 34  # all numeric → number
    assert m["income"].dtype == "string"  # 'abc' keeps the column as text
    assert any("no form" in w for w in d.codebook.warnings)


def test_unknown_columns_error_keep_drop(tmp_path, form):
    header = [*XML_HEADER, "mystery", "hh/nothing"]
    rows = [[*r, "m", "n"] for r in ROWS]
    path = write_csv(tmp_path / "unk.csv", header, rows)
    with pytest.raises(ExportMismatchError) as exc:
        read_export(path, form)
    assert "mystery" in str(exc.value) and "hh/nothing" in str(exc.value) and "2 column(s)" in str(exc.value)
    kept = read_export(path, form, unknown="keep")
    assert kept.main["mystery"].tolist() == ["m", "m", "m"]
    dropped = read_export(path, form, unknown="drop")
    assert "mystery" not in dropped.main and any("dropped" in w for w in dropped.warnings)
    with pytest.raises(UsageError):
        read_export(path, form, unknown="ignore")


def test_version_mismatch(tmp_path, form):
    rows = [r[:-4] + ["v999"] + r[-3:] for r in ROWS]
    path = write_csv(tmp_path / "v.csv", XML_HEADER, rows)
    with pytest.raises(ExportMismatchError, match="v999.*2024-1"):
        read_export(path, form)
    assert len(read_export(path, form, check_version=False).main) == 3
    mixed = [ROWS[0], *rows[1:]]
    d = read_export(write_csv(tmp_path / "v2.csv", XML_HEADER, mixed), form)
    assert any("2 submission(s) come from other form version" in w for w in d.warnings)


def test_missing_required_column(tmp_path, form):
    keep = [i for i, h in enumerate(XML_HEADER) if h != "hh/age"]
    path = write_csv(tmp_path / "noage.csv", [XML_HEADER[i] for i in keep], [[r[i] for i in keep] for r in ROWS])
    with pytest.raises(ExportMismatchError, match="required.*age") as exc:
        read_export(path, form)
    assert exc.value.where["column"] == "age"


def test_non_utf8_csv_read_with_detected_encoding_and_warning(tmp_path, form):
    header = ["hh/age", "hh/safe", "hh/safe_other", "_index"]
    rows = [["3", "other", "Épicerie près de l'école, très fréquentée le soir", str(i)] for i in range(1, 40)]
    path = write_csv(tmp_path / "cp.csv", header, rows, encoding="cp1252")
    d = read_export(path, form)
    assert d.main["safe_other"][0] == "Épicerie près de l'école, très fréquentée le soir"
    assert any("not UTF-8" in w for w in d.warnings)
    forced = read_export(path, form, encoding="cp1252")
    assert not any("not UTF-8" in w for w in forced.warnings)


def test_progress_bar_goes_to_stderr(tmp_path, form, capsys):
    read_export(write_csv(tmp_path / "p.csv", XML_HEADER, ROWS), form, progress=True)
    assert "reading p.csv" in capsys.readouterr().err
    read_export(tmp_path / "p.csv", form)
    assert capsys.readouterr().err == ""


def test_codebook_object_accepted_and_header_mode_checked(tmp_path, form):
    cb = read_form(form)
    path = write_csv(tmp_path / "e.csv", XML_HEADER, ROWS)
    assert read_export(path, cb).main["age"][0] == 34
    with pytest.raises(UsageError, match="header"):
        read_export(path, cb, header="names")
    with pytest.raises(UsageError, match="language"):
        read_export(path, cb, language="Klingon")



def test_xlsx_label_export_with_hxl_and_numeric_codes(tmp_path):
    survey = [["begin_group", "g", "Sécurité", "Security", "", ""],
              ["select_one lk", "q_safe", "Vous sentez-vous en sécurité ?", "Do you feel safe?", "", ""],
              ["integer", "n", "Nombre", "Number", "", ""], ["end_group", "", "", "", "", ""]]
    choices = [["lk", "1", "Très sûr", "Very safe"], ["lk", "2", "Sûr", "Safe"], ["lk", "98", "NSP", "DK"]]
    form = make_form(tmp_path / "f.xlsx", survey=survey, choices=choices)
    header = ["Security/Do you feel safe?", "Security/Number", "_index"]
    path = write_xlsx(tmp_path / "e.xlsx", {"Safety": (header, [["#safety", "#num", None], [1, 4, 1],
                                                                  ["DK", "x", 2], [2, 6, 3]])})
    d = read_export(path, form, header="label", language=FR)
    assert d.main["q_safe"].tolist() == ["1", "98", "2"]  # numbers and labels → names
    assert d.main["n"].tolist()[::2] == [4, 6]
    assert d.codebook.issues[["row", "column", "value"]].to_dict("records") == [
        {"row": 4, "column": "n", "value": "x"}]


def test_kobo_uid_version_is_not_compared_with_a_human_version(tmp_path, form):
    rows = [r[:-4] + ["vGq3KcXb2nR8tPz5WmYd7A"] + r[-3:] for r in ROWS]
    d = read_export(write_csv(tmp_path / "uid.csv", XML_HEADER, rows), form)
    assert any("cannot compare" in w for w in d.warnings) and len(d.main) == 3


def test_xlsx_with_repeat_without_form(tmp_path):
    d = read_export(_xlsx_export(tmp_path))
    assert set(d.tables) == {"main", "kids"}
    assert d.tables["kids"]["_parent_index"].tolist() == [2, 2, 1]
    assert d.main["services/water"].tolist()[0] == 1 and pd.isna(d.main["services/water"][1])
