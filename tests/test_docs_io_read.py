"""read_document on real PDF/DOCX/HTML/TXT files: pages, offsets, normalisation, language,
passages."""

from __future__ import annotations

import unicodedata

import pytest

from rbm_surveys import read_document
from rbm_surveys.docs.document import PAGE_JOIN
from rbm_surveys.provenance import sha256_file
from test_docs_io_make import FONTS, SAMPLES, SENTENCES, write_docx, write_pdf

FONT_FOR = {"zh": "wqy-microhei-subset.ttf", "ar": "dejavu-sans-subset.ttf",
            "ru": "dejavu-sans-subset.ttf", "fr": "dejavu-sans-subset.ttf",
            "es": "dejavu-sans-subset.ttf", "pt": "dejavu-sans-subset.ttf"}
BODIES = [
    "Chapter one sets the vision for a resilient and inclusive city with clean air.",
    "Mobility: bus rapid transit lines will be extended along the northern corridor.",
    "Energy: municipal buildings move to renewable electricity through a green tariff.",
    "Waste: household waste collection will reach every informal settlement by 2026.",
]


def check_offsets(doc):
    """The contract: offsets are into Document.text, passages never cross pages."""
    assert doc.pages[0].start == 0
    for a, b in zip(doc.pages, doc.pages[1:]):
        assert b.start == a.end + len(PAGE_JOIN)
        assert doc.text[a.end:b.start] == PAGE_JOIN
    assert doc.pages[-1].end == len(doc.text)
    for p in doc.passages:
        assert doc.text[p.start:p.end] == p.text and p.text.strip() == p.text
        page = doc.pages[p.page - 1]
        assert page.start <= p.start < p.end <= page.end
        assert doc.page_of(p.start) == p.page


def test_pdf_pages_offsets_headers_footers_and_hyphenation(tmp_path):
    bodies = [BODIES[0], BODIES[1] + "\nThe programme is inter-\nnational in scope.",
              BODIES[2], BODIES[3]]
    path = write_pdf(tmp_path / "plan.pdf", bodies, header="City Climate Action Plan 2030",
                     footer="Page {n} of 4")
    doc = read_document(path)
    assert doc.kind == "pdf" and doc.language == "en"
    assert doc.sha256 == sha256_file(path)
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    check_offsets(doc)
    # running header and footer gone; body kept on the right page
    assert "City Climate Action Plan" not in doc.text
    assert "Page 2 of 4" not in doc.text
    assert any("running header/footer" in w for w in doc.warnings)
    page2 = doc.text[doc.pages[1].start:doc.pages[1].end]
    assert "bus rapid transit" in page2
    # line-end hyphenation joined
    assert "international in scope" in doc.text and "inter-" not in doc.text
    passage = next(p for p in doc.passages if "renewable electricity" in p.text)
    assert passage.page == 3


def test_header_lines_kept_when_too_few_pages(tmp_path):
    path = write_pdf(tmp_path / "two.pdf", BODIES[:2], header="City Climate Action Plan")
    doc = read_document(path)
    assert doc.text.count("City Climate Action Plan") == 2  # 2 pages cannot show repetition


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_pdf_languages_and_sentences(tmp_path, lang):
    font = FONT_FOR.get(lang)
    if font and not (FONTS / font).exists():  # pragma: no cover - fonts are shipped
        pytest.skip("test font missing")
    path = write_pdf(tmp_path / f"{lang}.pdf", [SAMPLES[lang]], font=font)
    doc = read_document(path)
    assert doc.language == lang
    check_offsets(doc)
    if lang != "ar":  # PDFium returns visual order for RTL text drawn without shaping
        assert len(doc.passages) == SENTENCES[lang]


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_txt_languages_and_sentences(tmp_path, lang):
    path = tmp_path / f"{lang}.txt"
    path.write_text(SAMPLES[lang], encoding="utf-8")
    doc = read_document(path)
    assert doc.kind == "txt" and doc.language == lang
    assert len(doc.passages) == SENTENCES[lang]
    check_offsets(doc)


def test_chinese_and_arabic_punctuation_split(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text("第一句。第二句！第三句？\n\nالجملة الأولى؟ الجملة الثانية.", encoding="utf-8")
    doc = read_document(path, language="zh")
    # NFKC folds the full-width ！？ to !? — they still end sentences.
    assert [p.text for p in doc.passages] == ["第一句。", "第二句!", "第三句?",
                                              "الجملة الأولى؟", "الجملة الثانية."]


def test_docx_tables_in_body_order_and_page_breaks(tmp_path):
    path = write_docx(tmp_path / "plan.docx", [
        "Introduction to the housing policy.",
        [["Indicator", "Baseline 2019", "Target 2030"], ["Households served", "1200", "5000"]],
        "Text after the table.",
        None,
        "Second page starts here.",
    ])
    doc = read_document(path)
    assert doc.kind == "docx" and len(doc.pages) == 2
    check_offsets(doc)
    page1 = doc.text[doc.pages[0].start:doc.pages[0].end]
    assert page1.index("Introduction") < page1.index("Households served | 1200 | 5000") \
        < page1.index("Text after the table")
    assert doc.text[doc.pages[1].start:doc.pages[1].end] == "Second page starts here."
    assert {p.page for p in doc.passages if "Second page" in p.text} == {2}


def test_type_is_decided_by_content_not_name(tmp_path):
    docx_named_pdf = write_docx(tmp_path / "NDC.pdf", ["Nationally determined contribution."])
    assert read_document(docx_named_pdf).kind == "docx"
    pdf_named_txt = write_pdf(tmp_path / "notes.txt", [BODIES[0]])
    assert read_document(pdf_named_txt).kind == "pdf"
    html_named_docx = tmp_path / "page.docx"
    html_named_docx.write_text("<html><body><p>Hello from HTML.</p></body></html>")
    assert read_document(html_named_docx).kind == "html"


def test_html_drops_script_style_nav_and_splits_pages(tmp_path):
    path = tmp_path / "plan.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>Plan</title><style>p{color:red}</style>"
        "<script>var secret = 'do not read';</script></head><body>"
        "<nav>Home | About | Contact</nav>"
        "<h1>Urban Resilience Strategy</h1><p>The city adopts a   heat action plan.</p>"
        "<table><tr><td>Trees</td><td>10&nbsp;000</td></tr></table>"
        "<p style='page-break-before: always'>Annex on flooding.</p>"
        "</body></html>", encoding="utf-8")
    doc = read_document(path)
    assert doc.kind == "html" and len(doc.pages) == 2
    assert "secret" not in doc.text and "color" not in doc.text and "Contact" not in doc.text
    assert "The city adopts a heat action plan." in doc.text
    assert "Trees | 10 000" in doc.text  # NBSP normalised by NFKC
    assert doc.text[doc.pages[1].start:doc.pages[1].end] == "Annex on flooding."
    check_offsets(doc)


def test_nfkc_offsets_are_into_normalised_text(tmp_path):
    # Ligature "ﬁ", full-width digits and a soft hyphen change length under normalisation.
    path = tmp_path / "n.txt"
    path.write_text("The ﬁnal target is ２０３０. Effi\u00adciency rises.\fPage two.",
                    encoding="utf-8")
    doc = read_document(path)
    assert doc.text == unicodedata.normalize("NFKC", doc.text)
    assert "final target is 2030." in doc.text and "Efficiency rises." in doc.text
    assert len(doc.pages) == 2
    check_offsets(doc)
    p = next(p for p in doc.passages if p.text.startswith("Efficiency"))
    assert doc.text[p.start:p.end] == "Efficiency rises."


def test_legacy_encoding_text_is_decoded(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(("La municipalité réduira les émissions de gaz à effet de serre d'ici "
                      "2030. Les transports publics seront étendus chaque année.").encode("cp1252"))
    doc = read_document(path)
    assert "municipalité" in doc.text and doc.language == "fr"


def test_language_override_and_reading_twice_is_identical(tmp_path):
    path = tmp_path / "en.txt"
    path.write_text(SAMPLES["en"], encoding="utf-8")
    before = path.read_bytes()
    a, b = read_document(path), read_document(path, language="en")
    assert a == b  # deterministic, langdetect seeded
    assert read_document(path, language="fr").language == "fr"
    assert path.read_bytes() == before  # the user's file is never modified


def test_chinese_docx_and_arabic_html(tmp_path):
    zh = read_document(write_docx(tmp_path / "zh.docx", [SAMPLES["zh"]]))
    assert zh.language == "zh" and len(zh.passages) == SENTENCES["zh"]
    path = tmp_path / "ar.html"
    path.write_text(f"<html><head><meta charset='utf-8'></head><body dir='rtl'><p>{SAMPLES['ar']}"
                    "</p></body></html>", encoding="utf-8")
    ar = read_document(path)
    assert ar.kind == "html" and ar.language == "ar" and len(ar.passages) == SENTENCES["ar"]
    check_offsets(ar)


def test_utf16_text_and_declared_html_charset(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_text(SAMPLES["es"], encoding="utf-16")
    assert read_document(path).language == "es"
    html = tmp_path / "legacy.htm"
    html.write_bytes(("<html><head><meta http-equiv='Content-Type' content='text/html; "
                      "charset=windows-1252'></head><body><p>" + SAMPLES["fr"] +
                      "</p></body></html>").encode("cp1252"))
    doc = read_document(html)
    assert "municipalité réduira" in doc.text and doc.language == "fr"


def test_dehyphenation_rules():
    from rbm_surveys.docs.normalise import dehyphenate

    assert dehyphenate("inter-\nnational") == "international"
    assert dehyphenate("Jean-\nPierre") == "Jean-\nPierre"  # next line capitalised: real hyphen
    assert dehyphenate("2019-\n2023") == "2019-\n2023"
    assert dehyphenate("- \nitem") == "- \nitem"  # a dash, not a broken word
    assert dehyphenate("Effi\u00ad\nciency and co\u00adoperation") == "Efficiency and cooperation"


def test_running_lines_need_most_pages():
    from rbm_surveys.docs.normalise import strip_running_lines

    pages = [f"Urban Plan\nBody text {i} differs {'x' * i}\n{i}" for i in range(1, 6)]
    pages[2] = "Body only\nno header here"
    out, removed = strip_running_lines(pages)
    assert removed == 8  # header + page number on the 4 pages that have them
    assert out[0] == "Body text 1 differs x" and out[2] == pages[2]


def test_docx_text_box_is_read_once(tmp_path):
    import docx
    from lxml import etree

    d = docx.Document()
    p = d.add_paragraph("Before the box.")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = etree.fromstring(
        f'<mc:AlternateContent xmlns:mc="{mc}" xmlns:w="{w}"><mc:Choice Requires="wps">'
        '<w:r><w:t> Box says hello.</w:t></w:r></mc:Choice><mc:Fallback>'
        '<w:r><w:t> Box says hello.</w:t></w:r></mc:Fallback></mc:AlternateContent>')
    p._p.append(box)
    d.save(str(tmp_path / "box.docx"))
    doc = read_document(tmp_path / "box.docx")
    assert doc.text.count("Box says hello.") == 1
