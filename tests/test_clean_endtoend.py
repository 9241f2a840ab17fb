"""Cleaning real export files (KoBo CSV/XLSX, SPSS .sav) read by the project's readers."""

import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "clean"))
from make_form import write_form, write_kobo_csv, write_kobo_xlsx  # noqa: E402

from rbm_surveys.provenance import sha256_file  # noqa: E402
from rbm_surveys.surveys import clean as C  # noqa: E402
from rbm_surveys.surveys.io import read_export  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("clean_e2e")
    return {"form": write_form(d / "form.xlsx"), "csv": write_kobo_csv(d / "export.csv"),
            "xlsx": write_kobo_xlsx(d / "export.xlsx")}


def test_kobo_csv_default_pipeline(files):
    before = {k: sha256_file(p) for k, p in files.items()}
    data = read_export(files["csv"], form=files["form"])
    out, log = C.run_cleaning(data)
    # 6 rows: one identical copy of "a" dropped, both "e" copies conflict, "b" not approved
    assert log["rows_after"].tolist()[:2] == [3, 2]
    assert out.main["_index"].tolist() == [1, 4]
    assert out.log[0].counts["conflicting_ids"] == ["e"]
    why = out.reasons["main"].set_index(out.main["_index"])
    assert why.loc[4, "safe_dark"] == "refused" and why.loc[4, "tenure"] == "refused"
    # "x" in an integer column: the reader set NA, cleaning gives the reason and lists it
    assert why.loc[4, "nombre_membres"] == "other_missing"
    issues = C.cleaning_issues(out)
    hit = issues[(issues["step"] == "read_export") & (issues["column"] == "nombre_membres")]
    assert hit[["row", "value"]].values.tolist() == [[4, "x"]]
    assert {k: sha256_file(p) for k, p in files.items()} == before  # user files untouched


def test_kobo_xlsx_repeat_rows_follow_and_keep_latest(files):
    data = read_export(files["xlsx"], form=files["form"])
    out, _ = C.run_cleaning(data, {"duplicates": {"conflicts": "keep_latest"}})
    assert out.main["_index"].tolist() == [1, 4, 6]
    # members of the dropped copy of "a" (row 3) and of rejected "b" (row 2) are gone
    assert out.tables["member"]["_parent_index"].tolist() == [1, 4]
    assert len(out.meta["member"]) == 2
    # row 6 ticked "dnk" in services: summary and every dummy NA with the reason
    row6 = out.main.index[out.main["_index"] == 6][0]
    cols = ["services", "services/water", "services/health", "services/school", "services/dnk"]
    assert out.main.loc[row6, cols].isna().all()
    assert (out.reasons["main"].loc[row6, cols] == "dont_know").all()


def test_spss_user_missing_codes_become_reasons(tmp_path):
    df = pd.DataFrame({"safe": [1.0, 2.0, 98.0, 99.0], "age": [30.0, 99.0, -9.0, 40.0],
                       "inc": [10.0, -5.0, 3.0, -1.0]})
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(df, path, variable_value_labels={
        "safe": {1: "Very safe", 2: "Safe", 98: "Don't know", 99: "Refused"}},
        missing_ranges={"safe": [98, 99], "age": [-9], "inc": [{"lo": -9, "hi": -1}]})
    out = C.declare_missing(read_export(path))
    why = out.reasons["main"]
    assert why["safe"].tolist()[2:] == ["dont_know", "refused"]
    assert why.loc[2, "age"] == "other_missing" and out.main.loc[1, "age"] == 99  # 99 is an age
    assert why["inc"].notna().tolist() == [False, True, False, True]  # range -9..-1
    assert out.log[-1].counts["by_reason"] == {"dont_know": 1, "refused": 1, "other_missing": 3}


def test_odk_central_zip_review_state_and_keys(tmp_path, files):
    import zipfile

    main = ("SubmissionDate,age,safe_dark,tenure,services,meta-instanceID,KEY,SubmitterID,"
            "SubmitterName,ReviewState\n"
            "2024-01-01T00:00:00.000Z,30,safe,1,water,uuid:k1,uuid:k1,5,enum,approved\n"
            "2024-01-02T00:00:00.000Z,40,dnk,98,school,uuid:k2,uuid:k2,5,enum,rejected\n"
            "2024-01-03T00:00:00.000Z,50,pnta,2,dnk,uuid:k3,uuid:k3,5,enum,\n"
            "2024-01-03T00:00:00.000Z,50,pnta,2,dnk,uuid:k3,uuid:k3,5,enum,\n")
    member = ("member_name,member_age,PARENT_KEY,KEY\n"
              "A,3,uuid:k1,uuid:k1/member[1]\nB,4,uuid:k2,uuid:k2/member[1]\n"
              "C,5,uuid:k2,uuid:k2/member[2]\n")
    path = tmp_path / "submissions.csv.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("clean_test.csv", main)
        z.writestr("clean_test-member.csv", member)
    out, log = C.run_cleaning(read_export(path, form=files["form"]))
    assert log["rows_after"].tolist()[:2] == [3, 2]  # duplicate instanceID, then rejected
    assert out.tables["member"]["member_name"].tolist() == ["A"]
    assert "ReviewState" in log.loc[1, "detail"]
    row = out.main.index[out.main["age"] == 50][0]
    assert out.reasons["main"].loc[row, "services/water"] == "dont_know"
    assert out.reasons["main"].loc[row, "safe_dark"] == "refused"


def test_declared_code_in_a_number_column_is_a_reason_not_a_failure(tmp_path, files):
    from make_form import HEADER, ROWS

    rows = [list(r) for r in ROWS]
    rows[3][HEADER.index("age")] = "dnk"  # row _index 4, integer question
    path = tmp_path / "dnk_in_age.csv"
    path.write_text("\r\n".join(";".join(f'"{v}"' for v in r) for r in [HEADER, *rows]),
                    encoding="utf-8")
    out, _ = C.run_cleaning(read_export(path, form=files["form"]))
    why = out.reasons["main"].set_index(out.main["_index"])
    assert why.loc[4, "age"] == "dont_know"
    failed = C.cleaning_issues(out).query("step == 'read_export'")
    assert failed["column"].tolist() == ["nombre_membres"]  # "x" still a failure
    assert out.log[3].counts["by_column"]["age"] == {"dont_know": 1}


def test_stata_extended_missing_letters_become_reasons(tmp_path):
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(pd.DataFrame({"safe": [1, 2, "a", "b"], "n": [1.0, 2.0, 3.0, 4.0]}),
                         path, missing_user_values={"safe": ["a", "b"]},
                         variable_value_labels={"safe": {1: "Safe", 2: "Unsafe",
                                                         "a": "Don't know", "b": "Refused"}})
    out = C.declare_missing(read_export(path))
    assert out.reasons["main"]["safe"].tolist()[2:] == ["dont_know", "refused"]
    assert out.main["safe"].isna().tolist() == [False, False, True, True]
