"""SPSS .sav and Stata .dta written with pyreadstat: labels and user-missing codes kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from test_io_forms import make_form

from rbm_surveys.surveys.io import read_export

LABELS = {1.0: "Very safe", 2.0: "Safe", 3.0: "Unsafe", 98.0: "Don't know", 99.0: "Refused"}


@pytest.fixture()
def sav(tmp_path):
    df = pd.DataFrame({"q_safe": [1.0, 2.0, 98.0, 99.0, np.nan, 3.0],
                       "age": [30.0, 41.0, 999.0, 25.0, 60.0, 33.0],
                       "town": ["Goma", "Bukavu", "Goma", "", "Goma", "Bukavu"]})
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(df, str(path), column_labels={"q_safe": "How safe do you feel?", "age": "Age"},
                         variable_value_labels={"q_safe": LABELS},
                         missing_ranges={"q_safe": [98.0, 99.0], "age": [{"lo": 900.0, "hi": 999.0}]})
    return path


def test_sav_keeps_user_missing_codes_and_labels(sav):
    before = sav.read_bytes()
    d = read_export(sav)
    m = d.main
    # declared missing codes stay values (not NaN) …
    assert m["q_safe"].tolist()[:4] == ["1", "2", "98", "99"] and pd.isna(m["q_safe"][4])
    assert m["age"][2] == 999
    # … and are listed for cleaning
    mc = d.codebook.missing_codes
    assert list(mc.columns) == ["column", "value", "lo", "hi", "label"]
    q = mc[mc["column"] == "q_safe"]
    assert q["value"].tolist() == ["98", "99"] and q["label"].tolist() == ["Don't know", "Refused"]
    a = mc[mc["column"] == "age"].iloc[0]
    assert (a["lo"], a["hi"]) == (900.0, 999.0) and pd.isna(a["value"])
    cb = d.codebook
    assert cb.field("q_safe")["type"] == "select_one"
    assert cb.field("q_safe")["label::default"] == "How safe do you feel?"
    assert cb.choice_label_map("q_safe")["98"] == "Don't know"
    assert m["town"].dtype == "string" and d.sources[0].kind == "sav"
    assert pd.isna(m["town"][3])  # an empty SPSS string is unanswered
    assert sav.read_bytes() == before


def test_dta_extended_missing_letters_kept(tmp_path):
    df = pd.DataFrame({"q_safe": [1.0, 2.0, 3.0, 1.0], "n": [1.5, 2.5, 3.5, 4.5]})
    df["q_safe"] = df["q_safe"].astype(object)
    df.loc[2, "q_safe"] = "a"
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(df, str(path), variable_value_labels={"q_safe": {1: "Very safe", 2: "Safe"}},
                         missing_user_values={"q_safe": ["a"]}, column_labels={"n": "Number"})
    d = read_export(path)
    assert d.main["q_safe"].tolist() == ["1", "2", "a", "1"]
    assert d.codebook.missing_codes.to_dict("records")[0]["value"] == "a"
    assert d.main["n"].dtype == "Float64" and d.sources[0].kind == "dta"


def test_sav_with_its_form_uses_form_types(tmp_path):
    survey = [["select_one lk", "q_safe", "Safe?", "Sûr ?", "", ""], ["integer", "age", "Age", "Âge", "", ""],
              ["text", "town", "Town", "Ville", "", ""]]
    choices = [["lk", str(k), "x", "y"] for k in (1, 2, 3, 98, 99)]
    form = make_form(tmp_path / "form.xlsx", survey=survey, choices=choices)
    df = pd.DataFrame({"q_safe": [1.0, 98.0], "age": [30.0, 41.0], "town": ["Goma", "Uvira"]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(df, str(path), variable_value_labels={"q_safe": LABELS}, missing_ranges={"q_safe": [98.0]})
    d = read_export(path, form)
    assert d.main["q_safe"].tolist() == ["1", "98"] and d.main["age"].dtype == "Int64"
    assert d.codebook.missing_codes["value"].tolist() == ["98"]
    assert d.codebook.version == "2024-1"  # the form's codebook, with the file's missing codes


def test_old_ona_var_names_renamed_from_labels(tmp_path):
    df = pd.DataFrame({"var1": ["a", "b"], "var2": [3.0, 4.0]})
    path = tmp_path / "ona.sav"
    pyreadstat.write_sav(df, str(path), column_labels={"var1": "name", "var2": "hh/age"})
    d = read_export(path)
    assert "name" in d.main and d.main["age"].tolist() == [3, 4]
