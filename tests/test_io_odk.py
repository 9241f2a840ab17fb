"""ODK Central submissions.csv.zip (main + repeat CSV) and plain Central CSV."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from test_io_forms import make_form, write_csv

from rbm_surveys.errors import ExportMismatchError
from rbm_surveys.surveys.io import read_export

MAIN_H = ["SubmissionDate", "start", "hh-age", "hh-safe", "hh-safe_other", "hh-services",
          "hh-services/health", "hh-services/water", "hh-loc-Latitude", "hh-loc-Longitude",
          "hh-loc-Altitude", "hh-loc-Accuracy", "income", "visit", "meta-instanceID", "KEY",
          "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
          "ReviewState", "DeviceID", "Edits", "FormVersion"]
MAIN = [
    ["2024-03-01T10:00:00.000Z", "2024-03-01T09:00:00.000+01:00", "34", "yes", "", "water health",
     "1", "1", "12.5", "-1.5", "300", "5", "10.5", "2024-03-01", "uuid:a", "uuid:a", "5", "enum",
     "0", "0", "", "approved", "d1", "0", "2024-1"],
    # services unanswered: Central's split columns default to 0 (reference §2.1)
    ["2024-03-02T10:00:00.000Z", "2024-03-02T09:00:00.000+01:00", "12", "no", "", "",
     "0", "0", "", "", "", "", "", "2024-03-02", "uuid:b", "uuid:b", "5", "enum",
     "0", "0", "", "hasIssues", "d1", "0", "2024-1"],
]
KIDS_H = ["kname", "kage", "PARENT_KEY", "KEY"]
KIDS = [["Ana", "4", "uuid:b", "uuid:b/kids[1]"], ["Ben", "7", "uuid:b", "uuid:b/kids[2]"],
        ["Cy", "1", "uuid:a", "uuid:a/kids[1]"]]


def _csv_bytes(header, rows) -> bytes:
    buf = io.StringIO()
    pd.DataFrame(rows, columns=header).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode()


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return path


@pytest.fixture()
def form(tmp_path):
    return make_form(tmp_path / "form.xlsx")


def test_central_zip_with_repeat(tmp_path, form):
    path = _zip(tmp_path / "submissions.csv.zip", {
        "safety.csv": _csv_bytes(MAIN_H, MAIN), "safety-kids.csv": _csv_bytes(KIDS_H, KIDS),
        "media/photo.jpg": b"\xff\xd8\xff", "safety - audit.csv": b"event,start\n"})
    d = read_export(path, form)
    assert set(d.tables) == {"main", "kids"} and d.sources[0].kind == "odk-zip"
    m, kids = d.main, d.tables["kids"]
    assert m["age"].tolist() == [34, 12] and m["safe"].tolist() == ["yes", "no"]
    # Central wrote 0s for the unanswered question: the summary decides → <NA>
    assert m.loc[1, ["services/water", "services/health", "services/school"]].isna().all()
    assert m.loc[0, ["services/water", "services/health", "services/school"]].tolist() == [1, 1, 0]
    assert m["_loc_latitude"][0] == 12.5 and m["_loc_precision"][0] == 5
    assert kids["_parent_index"].tolist() == [2, 2, 1] and set(kids["_parent_table"]) == {"main"}
    assert kids["_parent_index"].dtype == "Int64" and kids["_index"].tolist() == [1, 2, 3]
    assert kids["kage"].tolist() == [4, 7, 1]
    meta = d.meta["main"]
    assert meta["ReviewState"].tolist() == ["approved", "hasIssues"]
    assert meta["meta/instanceID"].tolist() == ["uuid:a", "uuid:b"] and "KEY" not in m
    assert str(meta["SubmissionDate"].dtype).startswith("datetime64")
    assert d.meta["kids"]["PARENT_KEY"].tolist() == ["uuid:b", "uuid:b", "uuid:a"]


def test_central_zip_without_form(tmp_path):
    path = _zip(tmp_path / "s.zip", {"safety.csv": _csv_bytes(MAIN_H, MAIN),
                                     "safety-kids.csv": _csv_bytes(KIDS_H, KIDS)})
    d = read_export(path)
    assert {"age", "safe", "services/water"} <= set(d.main.columns)
    assert d.tables["kids"]["_parent_index"].tolist() == [2, 2, 1]


def test_central_zip_orphan_repeat_rows(tmp_path, form):
    kids = [*KIDS, ["Dee", "3", "uuid:zzz", "uuid:zzz/kids[1]"]]
    path = _zip(tmp_path / "s.zip", {"safety.csv": _csv_bytes(MAIN_H, MAIN),
                                     "safety-kids.csv": _csv_bytes(KIDS_H, kids)})
    with pytest.raises(ExportMismatchError, match="PARENT_KEY"):
        read_export(path, form)


def test_central_repeat_without_parent_key(tmp_path, form):
    path = _zip(tmp_path / "s.zip", {"safety.csv": _csv_bytes(MAIN_H, MAIN),
                                     "safety-kids.csv": _csv_bytes(["kname", "kage", "KEY"],
                                                                    [r[:2] + [r[3]] for r in KIDS])})
    with pytest.raises(ExportMismatchError, match="PARENT_KEY") as exc:
        read_export(path, form)
    assert exc.value.where["table"] == "kids"


def test_plain_central_csv(tmp_path, form):
    path = write_csv(tmp_path / "submissions.csv", MAIN_H, MAIN, sep=",", quote_all=False)
    d = read_export(path, form)
    assert d.sources[0].kind == "odk-csv"
    assert d.main["income"].tolist()[0] == 10.5 and d.meta["main"]["FormVersion"][0] == "2024-1"


NESTED = [["integer", "age", "Age", "Âge", "", ""],
          ["begin_repeat", "kids", "Children", "Enfants", "", ""], ["text", "kname", "Name", "Nom", "", ""],
          ["begin_repeat", "vaccines", "Vaccines", "Vaccins", "", ""], ["text", "vname", "Vaccine", "Vaccin", "", ""],
          ["end_repeat", "", "", "", "", ""], ["end_repeat", "", "", "", "", ""]]


def test_nested_repeats_central_and_kobo(tmp_path):
    from test_io_forms import write_xlsx

    form = make_form(tmp_path / "nested.xlsx", survey=NESTED, choices=[["yn", "yes", "Yes", "Oui"]])
    main = _csv_bytes(["SubmissionDate", "age", "meta-instanceID", "KEY"],
                      [["2024-01-01T00:00:00.000Z", "30", "uuid:a", "uuid:a"],
                       ["2024-01-01T00:00:00.000Z", "40", "uuid:b", "uuid:b"]])
    kids = _csv_bytes(["kname", "PARENT_KEY", "KEY"], [["Ana", "uuid:b", "uuid:b/kids[1]"],
                                                       ["Cy", "uuid:a", "uuid:a/kids[1]"]])
    vac = _csv_bytes(["vname", "PARENT_KEY", "KEY"], [["polio", "uuid:a/kids[1]", "uuid:a/kids[1]/vaccines[1]"],
                                                      ["bcg", "uuid:b/kids[1]", "uuid:b/kids[1]/vaccines[1]"],
                                                      ["mmr", "uuid:b/kids[1]", "uuid:b/kids[1]/vaccines[2]"]])
    d = read_export(_zip(tmp_path / "n.zip", {"s.csv": main, "s-kids.csv": kids, "s-vaccines.csv": vac}), form)
    v = d.tables["vaccines"]
    assert set(v["_parent_table"]) == {"kids"} and v["_parent_index"].tolist() == [2, 1, 1]
    # KoBo XLSX: _parent_table_name names the parent sheet
    x = write_xlsx(tmp_path / "n.xlsx", {
        "Nested": (["age", "_uuid", "_index"], [[30, "a", 1], [40, "b", 2]]),
        "kids": (["kname", "_index", "_parent_table_name", "_parent_index"], [["Ana", 1, "Nested", 2], ["Cy", 2, "Nested", 1]]),
        "vaccines": (["vname", "_index", "_parent_table_name", "_parent_index"],
                     [["polio", 1, "kids", 2], ["bcg", 2, "kids", 1], ["mmr", 3, "kids", 1]])})
    dx = read_export(x, form)
    assert dx.tables["kids"]["_parent_table"].tolist() == ["main", "main"]
    assert dx.tables["vaccines"]["_parent_table"].tolist() == ["kids"] * 3
    assert dx.tables["vaccines"]["_parent_index"].tolist() == [2, 1, 1]
