"""Personal columns found, withheld, and ids pseudonymised."""

import hashlib
import hmac
import os
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "clean"))
from make_form import write_form, write_kobo_xlsx  # noqa: E402

from rbm_surveys.errors import ConfigError, UsageError  # noqa: E402
from rbm_surveys.surveys import privacy as P  # noqa: E402
from rbm_surveys.surveys.data import SurveyData  # noqa: E402
from rbm_surveys.surveys.io import read_export  # noqa: E402

SALT = "a-project-secret-salt-0123456789"


def frame_data():
    main = pd.DataFrame({
        "_index": [1, 2],
        "nom_chef": ["Awa", "Jean"],                       # French name, text
        "nombre": ["Luis", "Ana"],                         # Spanish name, text
        "nombre_membres": pd.array([4, 5], dtype="Int64"),  # French "number of members"
        "telephoneNumber": ["0711", "0722"],               # camelCase phone
        "correo_electronico": ["a@x.org", "b@x.org"],
        "numero_passeport": ["P1", "P2"],
        "Teléfono": ["1", "2"],                            # accent
        "hotel_nights": pd.array([1, 2], dtype="Int64"),   # "tel" inside a word: not personal
        "loc-Latitude": [1.0, 2.0], "loc-Longitude": [3.0, 4.0],
        "safe_dark": ["safe", "unsafe"],
    })
    meta = pd.DataFrame({"KEY": ["uuid:k1", "uuid:k2"], "SubmitterName": ["enum", "enum"],
                         "DeviceID": ["d1", "d2"], "SubmissionDate": ["2024", "2024"]})
    child = pd.DataFrame({"_index": [1, 2], "_parent_index": [1, 2], "_parent_table": "main",
                          "x": [1, 2]})
    child_meta = pd.DataFrame({"PARENT_KEY": ["uuid:k1", "uuid:k2"],
                               "KEY": ["uuid:k1/m[1]", "uuid:k2/m[1]"]})
    return SurveyData(tables={"main": main, "m": child},
                      meta={"main": meta, "m": child_meta})


def test_find_personal_multilingual_keywords_and_types():
    found = P.find_personal(frame_data())
    main = found[found["table"] == "main"].set_index("column")
    assert set(main.index) == {"nom_chef", "nombre", "telephoneNumber", "correo_electronico",
                               "numero_passeport", "Teléfono", "loc-Latitude", "loc-Longitude"}
    assert main.loc["loc-Latitude", "reason"] == "geo_split"
    assert main.loc["numero_passeport", "kind"] == "national_id"
    assert main.loc["correo_electronico", "kind"] == "email"
    meta = found[found["table"] == "meta:main"]
    assert set(meta["column"]) == {"SubmitterName", "DeviceID"}


def test_find_personal_by_xlsform_type_and_config(tmp_path):
    data = read_export(write_kobo_xlsx(tmp_path / "e.xlsx"), form=write_form(tmp_path / "f.xlsx"))
    found = P.find_personal(data, extra=["age"])
    by_col = found.set_index("column")
    assert by_col.loc["home_gps", "reason"] == "xlsform_type"
    assert by_col.loc["_home_gps_latitude", "reason"] == "geo_split"
    assert by_col.loc["age", "reason"] == "config"
    assert by_col.loc["member_name", "table"] == "member"
    assert "nombre_membres" not in by_col.index  # integer: "nombre" means number here
    with pytest.raises(ConfigError, match="not_a_column"):
        P.find_personal(data, extra=["not_a_column"])


def test_withhold_removes_columns_and_pseudonymises_ids():
    data = frame_data()
    out = P.withhold_personal(data, keep=["nombre"], salt=SALT)
    assert "nom_chef" not in out.main and "loc-Latitude" not in out.main
    assert "nombre" in out.main and "safe_dark" in out.main and "hotel_nights" in out.main
    assert "SubmitterName" not in out.meta["main"]
    assert "nom_chef" in out.personal_columns and "nombre" not in out.personal_columns
    # the uuid: prefix is ignored; PARENT_KEY still joins to the parent's KEY
    expected = hmac.new(SALT.encode(), b"k1", hashlib.sha256).hexdigest()[:16]
    assert out.meta["main"]["KEY"].tolist()[0] == expected
    assert out.meta["m"]["PARENT_KEY"].tolist() == out.meta["main"]["KEY"].tolist()
    assert "uuid" not in "".join(out.meta["m"]["KEY"])
    assert list(data.main.columns)[1] == "nom_chef"  # input untouched
    assert [e.step for e in out.log] == ["withhold_personal", "pseudonymise_ids"]


def test_pseudonymise_is_stable_keyed_and_keeps_na():
    ids = pd.Series(["a", "b", None, "a"])
    one = P.pseudonymise(ids, SALT)
    assert one[0] == one[3] and one[0] != one[1] and pd.isna(one[2])
    assert P.pseudonymise(ids, SALT + "x")[0] != one[0]
    assert len(P.pseudonymise(ids, SALT, length=64)[0]) == 64
    with pytest.raises(ConfigError, match="too short"):
        P.pseudonymise(ids, "short")
    with pytest.raises(UsageError):
        P.withhold_personal(frame_data(), keep="nombre")


def test_project_salt_file_created_private_and_reused(tmp_path):
    path = tmp_path / ".rbm-salt"
    first = P.project_salt(path)
    assert len(first) == 64 and P.project_salt(path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(ConfigError, match="not found"):
        P.project_salt(tmp_path / "none", create=False)
    a = P.withhold_personal(frame_data(), salt=first).meta["main"]["KEY"]
    b = P.withhold_personal(frame_data(), salt=P.project_salt(path)).meta["main"]["KEY"]
    assert a.tolist() == b.tolist()
    c = P.withhold_personal(frame_data()).meta["main"]["KEY"]  # random salt per call
    assert c.tolist() != a.tolist()
