"""Evidence finder: phrases, token patterns, vetoes, co-occurrence, Chinese, quantities.

``make_document`` builds a Document the way the reader does (pages split on form feeds,
passages split on sentence punctuation), for tests that need exact control of pages.
"""

from __future__ import annotations

import re

import pytest

from rbm_surveys.docs.document import PAGE_JOIN, Document, Page, Passage
from rbm_surveys.docs.evidence import find_evidence
from rbm_surveys.docs.quantities import extract_standards, place_in_band, to_table_unit
from rbm_surveys.docs.rubric import load_rubric
from rbm_surveys.docs.scoring import score_document

# a sentence ends at . ! ? before a space or the end (not inside "PM2.5"), or at 。！？
_SENT = re.compile(r"\S.*?(?:[.!?](?=\s|$)|[。！？]|$)", re.S)


def make_document(pages: list[str], language: str = "en", unreadable: tuple[int, ...] = (),
                  path: str = "test.txt") -> Document:
    """A Document from page texts; pages listed in ``unreadable`` keep no text."""
    text, out_pages, passages, pos = "", [], [], 0
    for number, body in enumerate(pages, start=1):
        if number > 1:
            text += PAGE_JOIN
            pos = len(text)
        body = "" if number in unreadable else body
        text += body
        out_pages.append(Page(number, pos, pos + len(body), number in unreadable,
                              "no text layer" if number in unreadable else ""))
        for m in _SENT.finditer(body):
            seg = m.group().strip()
            if seg:
                a = pos + m.start() + m.group().index(seg)
                passages.append(Passage(number, a, a + len(seg), seg))
    import hashlib

    return Document(path, hashlib.sha256(text.encode()).hexdigest(), "txt", language, text,
                    tuple(out_pages), tuple(passages))


RUBRIC_YAML = """\
id: mini
title: Mini rubric for tests
version: "0.1.0"
source: {document: Test source, edition: "2024"}
verified: true
languages: [en, zh]
level_rule: {name: rbm.level.count.v1, params: {present_min: 2, partial_min: 1}}
aggregate: {name: rbm.aggregate.count.v1}
indicator: {label: at least 2 criteria, threshold: 2}
criteria:
  - id: participation
    label: Participation
    evidence:
      en:
        phrases: [public participation, public consultation, participation]
        negative: [was cancelled]
      zh:
        phrases: [公众参与]
  - id: targets
    label: Numeric targets
    evidence:
      en:
        patterns: [[{LOWER: reduce}, {OP: "*", IS_ALPHA: true}, {IS_DIGIT: true}, {ORTH: "%"}]]
      zh:
        phrases: [目标]
  - id: women_land
    label: Women and land
    evidence:
      en:
        cooccur: [{groups: [[women], [land]], window: 5}]
      zh:
        phrases: [妇女土地]
  - id: customary
    label: Customary protection
    evidence:
      en:
        applies_if: [customary]
        phrases: [customary rights of women]
      zh:
        applies_if: [习惯法]
        phrases: [习惯法保护妇女]
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> object:
    path = tmp_path_factory.mktemp("rub") / "mini.yaml"
    path.write_text(RUBRIC_YAML, encoding="utf-8")
    return load_rubric(path)


def test_phrase_offsets_and_pages(mini):
    doc = make_document(["Intro only.", "Public participation was broad. Public consultation "
                                         "followed."])
    ev = find_evidence(doc, mini).table
    part = ev[ev["criterion"] == "participation"]
    assert len(part) == 2
    for _, row in part.iterrows():
        assert doc.text[row["start"]:row["end"]].lower() in ("public participation",
                                                             "public consultation")
        assert row["page"] == 2
    v = score_document(doc, mini).verdicts.set_index("criterion")
    assert v.loc["participation", "level"] == "present"
    assert v.loc["participation", "pages"] == "2"


def test_match_inside_a_longer_match_counts_once(mini):
    doc = make_document(["Public participation matters. Participation is open."])
    ev = find_evidence(doc, mini).table
    part = ev[ev["criterion"] == "participation"]
    assert [doc.text[a:b] for a, b in zip(part["start"], part["end"])] == [
        "Public participation", "Participation"]
    assert list(part["rule"]) == ["en.phrases[0]", "en.phrases[2]"]


def test_negative_term_vetoes_match_in_same_passage(mini):
    doc = make_document(["The public consultation was cancelled. Nothing else."])
    s = score_document(doc, mini)
    v = s.verdicts.set_index("criterion")
    assert v.loc["participation", "level"] == "absent"
    assert v.loc["participation", "n_vetoed"] == 1
    vetoed = [e for e in s.evidence if e["criterion"] == "participation"]
    assert vetoed and all(e["vetoed"] and e["veto_term"] == "was cancelled" for e in vetoed)


def test_token_pattern_through_matcher(mini):
    doc = make_document(["We will reduce emissions by 40 % before 2030."])
    ev = find_evidence(doc, mini).table
    hit = ev[ev["criterion"] == "targets"]
    assert list(hit["rule"]) == ["en.patterns[0]"]
    assert doc.text[hit["start"].iloc[0]:hit["end"].iloc[0]].endswith("40 %")


def test_cooccurrence_window(mini):
    near = make_document(["Women may own land in their own name."])
    far = make_document(["Women are a majority of farmers in the region and in the country "
                         "and they also work on land."])
    hit = find_evidence(near, mini).table.query("criterion == 'women_land'")
    assert len(hit) == 1 and hit["rule"].iloc[0] == "en.cooccur[0]"
    assert near.text[hit["start"].iloc[0]:hit["end"].iloc[0]] == "Women may own land"
    assert (find_evidence(far, mini).table["criterion"] == "women_land").sum() == 0


def test_applies_if_gives_not_applicable(mini):
    doc = make_document(["Public participation matters. Public consultation too."])
    v = score_document(doc, mini).verdicts.set_index("criterion")
    assert v.loc["customary", "level"] == "not_applicable"
    doc2 = make_document(["Customary land exists here."])
    v2 = score_document(doc2, mini).verdicts.set_index("criterion")
    assert v2.loc["customary", "level"] == "absent"


def test_chinese_character_sequences(mini):
    doc = make_document(["规划编制过程中广泛开展公众参与。", "设定减排目标。"], language="zh")
    ev = find_evidence(doc, mini).table
    row = ev[ev["criterion"] == "participation"].iloc[0]
    assert doc.text[row["start"]:row["end"]] == "公众参与"
    assert row["page"] == 1
    assert ev.loc[ev["criterion"] == "targets", "page"].tolist() == [2]


def test_arabic_conjunction_split_keeps_offsets():
    rubric = load_rubric("igutp")
    doc = make_document(["تعزيز الشفافية والمساءلة في التخطيط."], language="ar")
    ev = find_evidence(doc, rubric).table
    gov = ev[ev["criterion"] == "a2_governance"]
    assert [doc.text[a:b] for a, b in zip(gov["start"], gov["end"])] == ["الشفافية",
                                                                         "المساءلة"]


def test_uncovered_language_is_not_determinable(mini):
    doc = make_document(["La participation du public est large."], language="fr")
    s = score_document(doc, mini)
    assert set(s.verdicts["level"]) == {"not_determinable"}
    assert "no evidence rules for language 'fr'" in s.verdicts["reason"].iloc[0]
    assert s.summary["indicator_pass"] is None


# --------------------------------------------------------------------------- quantities
def _standards(text: str):
    return [(s.pollutant, s.averaging, s.value, s.unit) for s in extract_standards(text)]


@pytest.mark.parametrize("text, expected", [
    ("The annual limit for PM2.5 is 25 µg/m³, and the 24-hour limit is 50 µg/m3.",
     [("PM2.5", "annual", 25.0, "µg/m³"), ("PM2.5", "24-hour", 50.0, "µg/m³")]),
    ("La valeur limite annuelle pour les PM2,5 est de 12,5 µg/m³.",
     [("PM2.5", "annual", 12.5, "µg/m³")]),
    ("El dióxido de nitrógeno no deberá exceder 200 µg/m³ como promedio de 1 hora.",
     [("NO2", "1-hour", 200.0, "µg/m³")]),
    ("二氧化硫24小时平均浓度限值为150微克/立方米。", [("SO2", "24-hour", 150.0, "µg/m³")]),
    ("一氧化碳（CO）24小时平均浓度限值为4毫克/立方米。", [("CO", "24-hour", 4.0, "mg/m³")]),
    ("The 8-hour standard for ozone is 70 ppb.", [("O3", "8-hour", 70.0, "ppb")]),
    ("الحد الأقصى للتركيز السنوي من PM2.5 هو 25 ميكروغرام/م3، والحد اليومي هو ٥٠ ميكروغرام/م3.",
     [("PM2.5", "annual", 25.0, "µg/m³"), ("PM2.5", "24-hour", 50.0, "µg/m³")]),
    # a paragraph about PM10 does not lend its pollutant to the next paragraph, but an
    # article's title sentence does lend it to its own text (LEVELS.md / issue 15: headings)
    ("PM10 is discussed here.\n\nThe annual limit is 20 µg/m³.", []),
    ("Article 4. PM10. The annual limit is 20 µg/m³.", [("PM10", "annual", 20.0, "µg/m³")]),
])
def test_extract_standards_multilingual(text, expected):
    assert _standards(text) == expected


@pytest.mark.parametrize("raw, value", [
    ("37.5", 37.5), ("37,5", 37.5), ("10,000", 10000.0), ("10.000", 10000.0),
    ("10 000", 10000.0), ("0,005", 0.005), ("1,234.5", 1234.5), ("1.234,5", 1234.5),
    ("١٥٠", 150.0)])
def test_numbers_as_written(raw, value):
    from rbm_surveys.docs.quantities import _number

    assert _number(raw) == value
    assert _standards(f"The 8-hour limit for CO is {raw} µg/m³.")[0][2] == value


def test_unit_conversion_at_25_degrees():
    # c[µg/m³] = ppb × M / Vm, Vm = R·T/p = 24.465 L/mol at 25 °C, 101.325 kPa
    assert to_table_unit("NO2", 106, "ppb") == pytest.approx(106 * 46.0055 / 24.4654, rel=1e-4)
    assert to_table_unit("CO", 9, "ppm") == pytest.approx(9 * 28.010 / 24.4654, rel=1e-4)
    assert to_table_unit("PM2.5", 0.035, "mg/m³") == pytest.approx(35.0)
    assert to_table_unit("PM10", 10, "ppb") is None  # particles have no molar mass
    # 20 °C (EU reference) gives a larger mass concentration than 25 °C
    assert to_table_unit("SO2", 10, "ppb", 20.0) > to_table_unit("SO2", 10, "ppb", 25.0)


def test_band_edges_are_inclusive():
    it = [35, 25, 15, 10]
    assert place_in_band(5, 5, it) == ("AQG", 0)
    assert place_in_band(10, 5, it) == ("IT-4", 4)
    assert place_in_band(10.0001, 5, it) == ("IT-3", 3)
    assert place_in_band(35, 5, it) == ("IT-1", 1)
    assert place_in_band(36, 5, it) == ("above IT-1", -1)
    assert place_in_band(11, 10, []) == ("above AQG", -1)
    assert place_in_band(10, 5, it, inclusive=False) == ("IT-3", 3)  # strictly below


def test_who_editions_and_vetoes():
    doc = make_document(["The annual limit value for PM2.5 is 10 µg/m³. The WHO recommends "
                         "an annual limit of 5 µg/m³ for PM2.5. In 2022 the annual mean PM2.5 "
                         "measured was 31 µg/m³ against the limit."])
    v21 = score_document(doc, load_rubric("who_aqg")).verdicts.set_index("criterion")
    v05 = score_document(doc, load_rubric("who_aqg@2005")).verdicts.set_index("criterion")
    assert (v21.loc["pm25_annual", "band"], v21.loc["pm25_annual", "level"]) == ("IT-4",
                                                                                "partial")
    assert v21.loc["pm25_annual", "value"] == 10.0  # the WHO and measured values are vetoed
    assert (v05.loc["pm25_annual", "band"], v05.loc["pm25_annual", "level"]) == ("AQG",
                                                                                "present")
    assert v05.loc["co_24h", "level"] == "not_applicable"  # no CO guideline in 2005
    assert set(v21["edition"]) == {"2021"} and set(v05["edition"]) == {"2005"}
    s21 = score_document(doc, load_rubric("who_aqg"))
    assert s21.summary["bands"]["pm25_annual"] == "IT-4"
    assert s21.summary["bands"]["no2_annual"] == ""
