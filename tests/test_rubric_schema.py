"""Rubric loading: shipped rubrics valid, editions, and line-precise errors reported at once."""

from __future__ import annotations

import pytest

from rbm_surveys import load_rubric
from rbm_surveys.docs.rubric import LEVELS, list_rubrics, registry
from rbm_surveys.errors import RubricError

SHIPPED = ["igutp", "ndc_urban", "who_aqg", "sdg5a2", "decentralization_basic_services"]


def test_shipped_rubrics_listed_and_valid():
    table = list_rubrics()
    assert list(table.columns) == ["id", "version", "title", "source", "edition", "editions",
                                   "n_criteria", "languages", "verified", "unverified",
                                   "approximation", "path", "sha256"]
    assert set(SHIPPED) <= set(table["id"])
    assert not table["unverified"].str.startswith("INVALID").any()
    row = table.set_index("id")
    assert row.loc["igutp", "n_criteria"] == 12
    assert row.loc["sdg5a2", "n_criteria"] == 6
    assert row.loc["who_aqg", "editions"] == "2021;2005"
    assert "approximation" in row.loc["ndc_urban", "approximation"].lower()


@pytest.mark.parametrize("rid", SHIPPED)
def test_every_criterion_has_rules_in_four_languages(rid):
    r = load_rubric(rid)
    assert {"en", "fr", "es", "zh"} <= set(r.languages)
    for c in r.criteria:
        if c.quantity is None:
            assert {lang for lang, _ in c.evidence} >= {"en", "fr", "es", "zh"}, c.id
    if not r.verified:
        assert r.unverified  # what is not verified is said


def test_versioning_and_editions():
    a, b = load_rubric("who_aqg"), load_rubric("who_aqg", edition="2005")
    assert (a.edition, b.edition) == ("2021", "2005")
    assert a.sha256 == b.sha256 and a.version == "1.2.0"
    assert load_rubric("who_aqg@2005") == b  # frozen, compares by value
    with pytest.raises(RubricError, match="no edition '1999'"):
        load_rubric("who_aqg@1999")
    with pytest.raises(RubricError, match="shipped rubrics: .*igutp"):
        load_rubric("no_such_rubric")


def test_registry_names_are_versioned():
    assert "rbm.level.count.v1" in registry.names("level")
    assert "rbm.level.quantity_band.v1" in registry.names("level")
    assert "rbm.aggregate.share.v1" in registry.names("aggregate")
    assert LEVELS == ("present", "partial", "absent", "not_applicable", "not_determinable")


BAD = """\
id: bad_rubric
title: Broken on purpose
version: 1.0
source: {document: X, edition: "2020"}
verified: false
languages: [en, fr]
level_rule: {name: rbm.level.count.v9}
aggregate:
  name: rbm.aggregate.count.v1
  params: {partial_weight: "half"}
indicator: {label: x, threshold: 3}
colour: blue
criteria:
  - id: one
    label: First
    evidence:
      en:
        phrases: [good phrase]
        patterns:
          - [{LOWER: ok}]
          - [{NOT_AN_ATTR: x}]
      fr:
        phrases: [bonne phrase]
  - id: one
    label: Second
    label: Again
    evidence:
      en:
        phrases: []
"""


def test_all_problems_reported_with_lines(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    err = info.value
    found = {(p["line"], p["key"]) for p in err.problems}
    expected = {
        (3, "version"),                       # unquoted 1.0 is a float
        (5, "verified"),                      # false but nothing listed as unverified
        (7, "level_rule.name"),               # unknown rule
        (10, "aggregate.params.partial_weight"),  # wrong type
        (12, "colour"),                       # unknown key
        (21, "criteria[0].evidence.en.patterns[1]"),  # spaCy rejects the pattern
        (24, "criteria[1].id"),               # duplicate id
        (26, "criteria[1].label"),            # duplicate key
        (28, "criteria[1].evidence.en"),      # no phrases, patterns or cooccur
    }
    missing = expected - {(ln, key) for ln, key in found}
    assert not missing, (missing, err.problems)
    assert err.where["file"] == str(path) and err.where["line"] == 3
    pat = next(p for p in err.problems if p["key"].endswith("patterns[1]"))
    assert "criterion one, pattern 1" in pat["problem"]
    assert str(err).count("line ") >= len(expected)
    assert err.code == "RBM107"


def test_yaml_syntax_error_has_line(tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("id: x\ntitle: [unclosed\nversion: '1.0'\n", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert info.value.where["line"] in (2, 3, 4)
    assert "not valid YAML" in str(info.value)


def test_rubric_path_env(tmp_path, monkeypatch):
    src = load_rubric("igutp").path
    (tmp_path / "my_copy.yaml").write_text(
        open(src, encoding="utf-8").read().replace("id: igutp", "id: my_copy"), encoding="utf-8")
    monkeypatch.setenv("RBM_RUBRIC_PATH", str(tmp_path))
    assert load_rubric("my_copy").id == "my_copy"
    assert "my_copy" in set(list_rubrics()["id"])


def test_level_meanings_and_changelog(tmp_path):
    r = load_rubric("who_aqg")
    assert "interim target" in r.level_meaning("pm25_annual", "partial")
    assert r.changelog[-1][0] == r.version
    text = open(load_rubric("igutp").path, encoding="utf-8").read()
    bad = text.replace("\n  partial: \"the criterion's topic",
                       "\n  maybe: \"the criterion's topic", 1).replace(
        'version: "2.0.0"\n', 'version: "2.1.0"\n', 1)
    path = tmp_path / "igutp_edit.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    problems = {p["key"]: p for p in info.value.problems}
    assert "'maybe' is not a level" in problems["levels.maybe"]["problem"]
    assert "add an entry for this version" in problems["changelog"]["problem"]
    line_of = {ln: i + 1 for i, ln in enumerate(bad.splitlines())}
    maybe = next(ln for ln in line_of if ln.startswith("  maybe: "))
    assert problems["levels.maybe"]["line"] == line_of[maybe]
