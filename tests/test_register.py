"""The monitoring register (SQLite): constraints, hierarchy, migrations, cumulative counts."""

import json
import math
import sqlite3

import pandas as pd
import pytest

from rbm_surveys.errors import ConfigError, DataError
from rbm_surveys.register import SCHEMA_VERSION, Register, migrate
from rbm_surveys.register.schema import MIGRATIONS


@pytest.fixture
def reg(tmp_path):
    r = Register.open(tmp_path / "p.sqlite", programme="Programme")
    r.add_partners([{"country": "Kenya", "code": "KE", "cities": ["Nairobi", "Kisumu"]},
                    {"country": "Peru", "cities": ["Lima"]}])
    src = tmp_path / "values.csv"
    src.write_text("x\n", encoding="utf-8")
    r.src = r.add_source("values", src)
    yield r
    r.close()


def _value(**over):
    row = {"framework_id": "RF0197", "location": "Nairobi", "year": 2022,
           "scale": "proportion", "value": 0.5, "se": 0.02,
           "provenance": json.dumps({"file": "values.csv", "line": 2})}
    row.update(over)
    return pd.DataFrame([row])


def test_values_round_trip_with_hierarchy_and_provenance(reg):
    assert reg.replace_values(reg.src, _value()) == 1
    v = reg.values()
    assert v[["location", "country", "value", "se"]].values.tolist() == [
        ["Nairobi", "Kenya", 0.5, 0.02]]
    assert len(v["source_sha256"].iloc[0]) == 64
    assert json.loads(v["provenance"].iloc[0])["line"] == 2
    assert reg.replace_values(reg.src, _value(value=0.6)) == 1  # same source: replaced
    assert reg.values()["value"].tolist() == [0.6]
    p = reg.partners().set_index("name")
    assert p.loc["Kisumu", ["kind", "parent", "country"]].tolist() == ["city", "Kenya", "Kenya"]


@pytest.mark.parametrize("bad, message", [
    ({"value": 48.0}, "48 is not a proportion"),
    ({"value": math.inf}, "inf is not a finite number"),
    ({"value": -math.inf, "scale": "count"}, "not a finite number"),
    ({"value": -3.0, "scale": "count"}, "negative count"),
    ({"se": -0.1}, "standard error -0.1 is negative"),
    ({"value": math.nan}, "value is empty"),
    ({"framework_id": "XX1"}, "constraint failed"),
])
def test_impossible_values_rejected_naming_the_key(reg, bad, message):
    with pytest.raises(DataError, match=message) as err:
        reg.replace_values(reg.src, _value(**bad))
    assert "Nairobi / 2022" in str(err.value)
    assert reg.values().empty  # the whole write rolled back


def test_duplicates_rejected(reg, tmp_path):
    with pytest.raises(DataError, match="duplicate value.*twice in this input"):
        reg.replace_values(reg.src, pd.concat([_value(), _value(value=0.7)]))
    reg.replace_values(reg.src, _value())
    other = reg.add_source("values", tmp_path / "other.csv", "1" * 64)
    with pytest.raises(DataError, match="already there from .*values.csv"):
        reg.replace_values(other, _value(value=0.9))


def test_unknown_location_did_you_mean(reg):
    with pytest.raises(DataError, match="did you mean 'Nairobi'"):
        reg.replace_values(reg.src, _value(location="Nairobbi"))


def test_partner_hierarchy_rules(reg):
    with pytest.raises(sqlite3.IntegrityError, match="partner parent"):
        with reg.con:
            nairobi = reg.location_id("Nairobi")
            reg.con.execute("INSERT INTO partner(name, kind, parent_id) VALUES ('X', 'city', ?)",
                            (nairobi,))
    with pytest.raises(DataError, match="already registered as a city"):
        reg.add_partners([{"country": "Kenya", "subnational": ["Nairobi"]}])
    with pytest.raises(ConfigError, match="belongs to programme 'Programme'"):
        Register.open(reg.path, programme="Another")


def test_cumulative_register_counts_partners_once(reg, tmp_path):
    rules = pd.DataFrame({
        "framework_id": ["RF0364"] * 3, "partner": ["Nairobi", "Lima", "Nairobi"],
        "year": [2021, 2022, 2022], "rule": ["rubric igutp"] * 3,
        "review_status": ["reviewed", "adjudicated", "reviewed"],
        "document": ["a.pdf", "b.pdf", "c.pdf"], "document_sha256": ["a" * 64, "b" * 64,
                                                                     "c" * 64]})
    src = reg.add_source("reviewed_verdicts", tmp_path / "final.csv", "2" * 64)
    docs = pd.DataFrame(columns=["framework_id", "partner", "year", "rubric", "document",
                                 "document_sha256", "passed", "score", "score_max", "band",
                                 "review_status", "verdicts"])
    reg.replace_rules(src, rules, docs)
    counts = reg.cumulative_counts((2021, 2022, 2023)).set_index(["location", "year"])
    assert counts.loc[("Programme", 2021), "value"] == 1
    assert counts.loc[("Programme", 2022), "value"] == 2  # Nairobi counted once
    assert counts.loc[("Programme", 2023), "value"] == 2  # cumulative: carried forward
    assert counts.loc[("Kenya", 2022), "value"] == 1 and counts.loc[("Peru", 2022), "value"] == 1
    with pytest.raises(DataError, match="counts once per indicator and year"):
        reg.replace_rules(src, pd.concat([rules, rules.iloc[[0]]]), docs)


def test_migrations_and_version(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    con.close()
    con = sqlite3.connect(path)
    assert migrate(con, str(path)) == 1
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "value_by_location" in names
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ConfigError, match="schema version 3"):
        Register.open(path)


def test_not_a_register(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_text("hello, this is not a database", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an SQLite file"):
        Register.open(p)
    with pytest.raises(ConfigError, match="no register here"):
        Register.open(tmp_path / "missing.sqlite", create=False)
