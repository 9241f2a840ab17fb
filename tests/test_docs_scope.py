"""Evidence that respects scope, levels as LEVELS.md defines them, standards read from
structure, damaged and mixed-language text, and identical verdicts across formats.

Every document is a real file written here and read with ``read_document``."""

from __future__ import annotations

import pytest

from rbm_surveys import load_rubric, read_document, score_document
from rbm_surveys.docs.scope import CUE_LANGUAGES, cue_set, cues, terms_regex


def _score(tmp_path, text: str, rubric: str, name: str = "doc.txt", language=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, language=language)
    return doc, score_document(doc, load_rubric(rubric))


def _levels(score) -> dict[str, str]:
    return dict(zip(score.verdicts["criterion"], score.verdicts["level"]))


def _vetoes(score, criterion: str) -> set[str]:
    return {e["veto_kind"] for e in score.evidence if e["criterion"] == criterion
            and e["vetoed"]}


# --------------------------------------------------------------------------- negation
NEGATED = {
    "en": ("This contribution does not address informal settlements.", "housing_informal"),
    "fr": ("La présente contribution n'aborde pas les quartiers informels.", "housing_informal"),
    "es": ("La presente contribución no contempla los asentamientos informales.",
           "housing_informal"),
    "zh": ("本文件未涉及棚户区改造和保障性住房的内容。", "housing_informal"),
    "ar": ("لا تتناول هذه المساهمة المستوطنات غير الرسمية في المدن.", "housing_informal"),
    "ru": ("Настоящий вклад не рассматривает трущобы и социальное жилье.", "housing_informal"),
    "pt": ("Esta contribuição não aborda os assentamentos informais.", "housing_informal"),
}


@pytest.mark.parametrize("lang", sorted(NEGATED))
def test_negated_passages_are_vetoed_in_every_language(tmp_path, lang):
    sentence, crit = NEGATED[lang]
    intro = {"zh": "国家自主贡献的说明。", "ar": "مقدمة المساهمة المحددة وطنيا للبلد."}.get(
        lang, "Contribution.")
    doc, s = _score(tmp_path, f"{intro}\n\n{sentence}", "ndc_urban", language=lang)
    assert _levels(s)[crit] == "absent", s.verdicts.set_index("criterion").loc[crit, "reason"]
    assert _vetoes(s, crit) == {"negation"}
    assert all(e["veto_term"] for e in s.evidence if e["vetoed"])  # the cue is shown


def test_affirmative_sentence_next_to_a_negated_one_still_counts(tmp_path):
    text = ("Preamble of the contribution.\n\n"
            "The plan does not address heritage. The municipality will finance an informal "
            "settlements upgrading programme in the capital by 2030.")
    _, s = _score(tmp_path, text, "ndc_urban")
    assert _levels(s)["housing_informal"] == "present"


@pytest.mark.parametrize("text, reason", [
    ("Municipal finance could be considered in a future revision of this contribution.",
     "hypothetical"),
    ("Social housing was proposed but not retained in the final list of measures.",
     "hypothetical"),
    ("Informal settlements are outside the scope of this contribution.", "non_commitment"),
    ("References\nSmith, J. (2019). Informal settlements and climate. https://doi.org/10/x",
     "reference list"),
    ("Table of contents\n1. Informal settlements ........ 4\n2. Urban planning ........ 9",
     "table of contents"),
    ("Stakeholders consulted\nMinistry of Environment\nForum on Informal Settlements",
     "consultation list"),
    ("Housing | Informal settlements | Not applicable", "template row"),
    ("The Council for Informal Settlements met twice.", "organisation name"),
])
def test_text_that_never_counts_is_vetoed_with_its_reason(tmp_path, text, reason):
    doc, s = _score(tmp_path, "Introduction of the contribution.\n\n" + text, "ndc_urban")
    found = {e["veto_kind"] for e in s.evidence if e["vetoed"]}
    assert reason in found, s.evidence
    assert not [e for e in s.evidence if not e["vetoed"]
                and e["criterion"] in ("housing_informal", "urban_finance")]


def test_title_block_is_not_evidence(tmp_path):
    text = ("NATIONAL URBAN POLICY AND INFORMAL SETTLEMENTS\nRepublic of Testland\n\n"
            "The plan describes the country and its towns in some detail.")
    _, s = _score(tmp_path, text, "ndc_urban")
    assert _vetoes(s, "housing_informal") == {"title block"}
    assert _levels(s)["housing_informal"] == "absent"


# --------------------------------------------------------------------------- levels
def test_present_needs_commitment_and_concrete_element(tmp_path):
    mention = "Contribution text.\n\nPublic participation is important for the plan."
    operative = ("Contribution text.\n\nThe municipality shall hold a public consultation on "
                 "every local plan, organised by the Planning Committee.")
    _, s1 = _score(tmp_path, mention, "igutp", "a.txt")
    _, s2 = _score(tmp_path, operative, "igutp", "b.txt")
    assert _levels(s1)["a2_governance"] == "partial"
    assert _levels(s2)["a2_governance"] == "present"
    assert "no commitment wording" in s1.verdicts.set_index("criterion").loc[
        "a2_governance", "reason"]


def test_ndc_present_needs_an_urban_reference(tmp_path):
    national = ("Contribution text.\n\nThe Government will install 200 MW of rooftop solar by "
                "2030 with a budget of USD 90 million.")
    urban = ("Contribution text.\n\nThe Government will install 200 MW of rooftop solar in "
             "cities by 2030 with a budget of USD 90 million.")
    _, s1 = _score(tmp_path, national, "ndc_urban", "a.txt")
    _, s2 = _score(tmp_path, urban, "ndc_urban", "b.txt")
    assert _levels(s1)["sector_energy"] == "partial"
    assert _levels(s2)["sector_energy"] == "present"


def test_sdg_partial_when_the_provision_is_weaker(tmp_path):
    binding = ("Land Act\n\nArticle 12. Land acquired during marriage shall be registered in "
               "the names of both spouses.")
    weak = ("Land Policy\n\nJoint registration of land in the names of both spouses is "
            "encouraged where possible.")
    _, s1 = _score(tmp_path, binding, "sdg5a2", "a.txt")
    _, s2 = _score(tmp_path, weak, "sdg5a2", "b.txt")
    assert _levels(s1)["proxy_a_joint_registration"] == "present"
    assert _levels(s2)["proxy_a_joint_registration"] == "partial"


def test_ndc_challenges_and_sector_criteria_exist():
    ids = load_rubric("ndc_urban").criterion_ids
    for cid in ("urban_mitigation_challenges", "urban_adaptation_challenges", "sector_energy",
                "sector_transport", "sector_waste", "sector_infrastructure", "sector_water"):
        assert cid in ids
    r = load_rubric("sdg5a2")
    assert "weaker" in r.level_meaning("proxy_a_joint_registration", "partial")


# --------------------------------------------------------------------------- standards
AQG_TEXTS = {
    "list style": ("Decree on ambient air quality standards\n\nPM2.5: annual mean 5 µg/m³\n"
                   "PM10: 24-hour mean 45 µg/m³", {"pm25_annual": "present",
                                                     "pm10_24h": "present"}),
    "heading then paragraph": (
        "Air quality regulation\n\nArticle 3 - Fine particulate matter (PM2.5)\n"
        "The annual limit value shall be 25 µg/m³. The 24-hour limit value is 50 µg/m³.",
        {"pm25_annual": "partial", "pm25_24h": "partial"}),
    "unit in the header row": (
        "National ambient air quality standards\n\nPollutant | Averaging time | Limit value "
        "(µg/m³)\nNO2 | 1 hour | 200\nSO2 | 24 hours | 40", {"no2_1h": "present",
                                                             "so2_24h": "present"}),
    "value and unit in separate cells": (
        "Standards\n\nPollutant | Averaging time | Value | Unit\nPM10 | 24 hours | 50 | µg/m³",
        {"pm10_24h": "partial"}),
    "averaging after the value": (
        "Regulation\n\nThe maximum permissible level of nitrogen dioxide is 10 µg/m³ as an "
        "annual mean.", {"no2_annual": "present"}),
    "russian": ("Гигиенические нормативы\n\nПредельно допустимая концентрация диоксида азота "
                "среднегодовая 40 мкг/м³.", {"no2_annual": "partial"}),
    "portuguese": ("Resolução sobre padrões de qualidade do ar\n\nO padrão para MP2,5 é de "
                   "25 µg/m³ (média anual).", {"pm25_annual": "partial"}),
}


@pytest.mark.parametrize("name", sorted(AQG_TEXTS))
def test_standards_read_from_structure(tmp_path, name):
    text, want = AQG_TEXTS[name]
    _, s = _score(tmp_path, text, "who_aqg")
    got = _levels(s)
    assert {k: got[k] for k in want} == want, s.evidence


def test_guidance_without_legal_status_is_not_a_standard(tmp_path):
    text = ("Background note\n\nExperts discussed PM2.5 concentrations of 12 µg/m³ in the "
            "capital.\n\nThe next chapter describes the weather.")
    _, s = _score(tmp_path, text, "who_aqg")
    assert _levels(s)["pm25_annual"] == "absent"


def test_docx_table_cells_give_standards(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Ministerial decree establishing ambient air quality limit values")
    table = d.add_table(rows=3, cols=4)
    for r, row in enumerate([("Pollutant", "Averaging time", "Limit value", "Unit"),
                             ("PM2.5", "Annual", "10", "µg/m³"),
                             ("PM10", "24 hours", "45", "µg/m³")]):
        for c, val in enumerate(row):
            table.cell(r, c).text = val
    path = tmp_path / "decree.docx"
    d.save(path)
    s = score_document(read_document(path), load_rubric("who_aqg"))
    got = _levels(s)
    assert got["pm25_annual"] == "partial" and got["pm10_24h"] == "present"


# --------------------------------------------------------------------------- damaged, mixed
def test_damaged_text_is_not_determinable_and_gets_no_band(tmp_path):
    good = ("The municipality will implement a public transport programme in the capital "
            "city by 2030 with a budget of USD 20 million managed by the transport agency. ")
    mojibake = ("La mise en Å“uvre du rÃ©seau urbain Ã  la fin de lâ€™annÃ©e dans les villes "
                "est prÃ©vue par le plan de la rÃ©gion et des communes pour le dÃ©veloppement "
                "durable des quartiers prÃ©caires. ") * 2
    text = good + "\f" + mojibake + "\f" + mojibake
    doc, s = _score(tmp_path, text, "ndc_urban")
    assert doc.unreadable_pages == (2, 3)
    assert "mojibake" in doc.pages[1].reason
    levels = set(_levels(s).values())
    assert "absent" not in levels and "not_determinable" in levels
    assert s.summary["band"] == "" and s.summary["band_withheld"]
    assert s.summary["indicator_pass"] is None


def test_reversed_arabic_is_damaged(tmp_path):
    ar = ("تلتزم الحكومة بتنفيذ برنامج النقل العام في المدن الكبرى بحلول نهاية العقد مع تخصيص "
          "ميزانية لوزارة النقل والبلديات من أجل تحسين جودة الهواء والحد من الانبعاثات في "
          "المناطق الحضرية والأحياء العشوائية")
    reversed_ar = " ".join(w[::-1] for w in ar.split()[::-1])
    doc, _ = _score(tmp_path, reversed_ar, "ndc_urban")
    assert doc.unreadable_pages == (1,) and "Arabic" in doc.pages[0].reason


def test_bilingual_document_scores_each_language_with_its_rules(tmp_path):
    text = ("Intended Nationally Determined Contribution\n\nThe Government will implement a "
            "bus rapid transit programme in the capital city by 2030 with a budget of USD 200 "
            "million.\n\n到2030年,城市将建设海绵城市试点项目,由住房和城乡建设部负责,"
            "安排中央财政资金100亿元。")
    doc, s = _score(tmp_path, text, "ndc_urban")
    assert {lang for _, _, lang in doc.blocks} == {"en", "zh"}
    langs = {e["criterion"]: e["language"] for e in s.evidence if not e["vetoed"]}
    assert langs["sector_transport"] == "en" and langs["urban_adaptation"] == "zh"
    assert _levels(s)["urban_adaptation"] == "present"


# --------------------------------------------------------------------------- formats
PLAN_LINES = [
    "Local climate action plan",
    "The municipality will implement a bus rapid transit programme in the capital city by "
    "2030 with a budget of USD 200 million managed by the metropolitan transport agency.",
    "This plan does not address informal settlements.",
    "Energy efficiency in buildings is an objective of the council.",
    "Municipal finance could be considered in a future revision of this plan.",
    "Cities account for 70 % of national emissions, mainly from transport and buildings.",
]


def _write_all_formats(tmp_path):
    import docx
    from fpdf import FPDF

    txt = tmp_path / "plan.txt"
    txt.write_text("\n\n".join(PLAN_LINES), encoding="utf-8")
    html = tmp_path / "plan.html"
    html.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in PLAN_LINES)
                    + "</body></html>", encoding="utf-8")
    d = docx.Document()
    for p in PLAN_LINES:
        d.add_paragraph(p)
    d.save(tmp_path / "plan.docx")
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for p in PLAN_LINES:  # narrow cells: phrases are broken across PDF lines
        pdf.multi_cell(90, 6, p)
        pdf.ln(6)
    pdf.output(str(tmp_path / "plan.pdf"))
    return [tmp_path / f"plan.{ext}" for ext in ("txt", "html", "docx", "pdf")]


def test_same_text_same_verdicts_in_pdf_docx_html_txt(tmp_path):
    rubric = load_rubric("ndc_urban")
    levels = {}
    for path in _write_all_formats(tmp_path):
        levels[path.suffix] = tuple(score_document(read_document(path), rubric)
                                    .verdicts["level"])
    assert len(set(levels.values())) == 1, levels
    got = dict(zip(rubric.criterion_ids, levels[".txt"]))
    assert got["sector_transport"] == "present"
    assert got["housing_informal"] == "absent" and got["urban_finance"] == "absent"


# --------------------------------------------------------------------------- cue lists
@pytest.mark.parametrize("lang", CUE_LANGUAGES)
def test_cue_scanner_agrees_with_the_regex(lang):
    c = cues(lang)
    for flag, terms in c.flags.items():
        if not terms:
            continue
        fast, rx = cue_set(lang, terms), terms_regex(lang, terms)
        for term in terms[:25]:
            sample = f"x {term} y"
            assert bool(fast.search(sample)) == bool(rx.search(sample)), (flag, term)
        assert not fast.search("qqq zzz") and not rx.search("qqq zzz")


def test_cue_files_have_every_list():
    for lang in CUE_LANGUAGES:
        c = cues(lang)
        assert set(c.termsets) == {"negation", "hypothetical", "non_commitment"}
        assert all(c.termsets["negation"][k] for k in ("preceding_negations", "termination"))
        assert c.flags["commitment"] and c.flags["concrete"] and c.legal_status
