"""Sentence segmentation: the vectorised rule equals spaCy's Sentencizer; blank pipelines for
every language we promise work offline."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbm_surveys.docs.document import Page
from rbm_surveys.docs.segment import MAX_PASSAGE_CHARS, pipeline, segment_pages, sentence_starts

LANGS = ["en", "fr", "es", "pt", "ar", "zh", "ru"]
PIECES = ["word", "Word", " ", "  ", "\n", ".", "!", "?", "。", "！", "؟", "...", ")", "\"",
          "«", "»", ",", "2030", "é", "城市", "مدينة", "город", "…", "-", "'"]


@pytest.mark.parametrize("lang", LANGS)
def test_blank_pipeline_works_offline(lang):
    nlp = pipeline(lang)
    assert nlp.pipe_names == ["sentencizer"]
    doc = nlp("One. Two? 三。四！ خمسة؟ Шесть.")
    assert len(list(doc.sents)) >= 4


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LANGS), st.lists(st.sampled_from(PIECES), max_size=40))
def test_vectorised_rule_equals_spacy_sentencizer(lang, pieces):
    text = "".join(pieces)
    nlp = pipeline(lang)
    expected = [s.start for s in nlp(text).sents]
    got = sentence_starts(nlp.make_doc(text), lang).tolist()
    assert got == expected


def test_passages_within_pages_and_long_lines_cut():
    table = "\n".join(f"row {i} | value {i}" for i in range(200))  # no sentence punctuation
    text = "Intro sentence. Another one.\n\n" + table
    doc_pages = [Page(1, 0, 28), Page(2, 30, len(text))]
    passages = segment_pages(text, doc_pages, "en")
    assert [p.text for p in passages[:2]] == ["Intro sentence.", "Another one."]
    rest = passages[2:]
    assert all(p.page == 2 and len(p.text) <= MAX_PASSAGE_CHARS for p in rest)
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert "row 199 | value 199" in rest[-1].text


def test_unreadable_pages_give_no_passages():
    text = "Readable page.\n\nSecret page."
    pages = [Page(1, 0, 14), Page(2, 16, 28, unreadable=True, reason="garbled")]
    assert [p.page for p in segment_pages(text, pages, "en")] == [1]


ALPHABET = st.sampled_from(list("abcXYZ .!?-\n\f\t\r") + ["ﬁ", "２", "\u00ad", "\u00a0", "城",
                                                          "。", "؟", "م", "ж", "\ufeff", "é",
                                                          "e\u0301", "\u2028", "\x07"])


@settings(max_examples=40, deadline=None)
@given(st.lists(ALPHABET, max_size=120).map("".join))
def test_offsets_hold_for_any_text(tmp_path_factory, raw):
    """Whatever the input, offsets index the NFKC text and passages stay inside pages."""
    import unicodedata

    from rbm_surveys import read_document
    from rbm_surveys.docs.document import PAGE_JOIN
    from rbm_surveys.errors import DocumentError

    path = tmp_path_factory.mktemp("h") / "t.txt"
    path.write_text(raw, encoding="utf-8")
    try:
        doc = read_document(path, language="en")
    except DocumentError:
        assert not raw.strip()  # only empty files are refused
        return
    assert doc.text == unicodedata.normalize("NFKC", doc.text)
    assert PAGE_JOIN.join(doc.text[p.start:p.end] for p in doc.pages) == doc.text
    for q in doc.passages:
        page = doc.pages[q.page - 1]
        assert page.start <= q.start < q.end <= page.end and doc.text[q.start:q.end] == q.text


# --------------------------------------------------------------------------- speed work
def _per_block_reference(text, pages, language):
    """The segmenter as it was before tokenisation was shared with the evidence finder:
    each paragraph block tokenised on its own and split by spaCy's own Sentencizer."""
    from rbm_surveys.docs.document import Passage
    from rbm_surveys.docs.scope import match_text
    from rbm_surveys.docs.segment import _blocks, _cut

    nlp = pipeline(language)
    out = []
    for page in pages:
        if page.unreadable or page.end == page.start:
            continue
        for off, block in _blocks(text[page.start:page.end]):
            base = page.start + off
            # the evidence finder matches on match_text (single line breaks and in-word
            # hyphens read as spaces, same length): the shared tokenisation is of that text
            doc = nlp(match_text(block))
            for sent in doc.sents:
                bs = sent[0].idx
                be = doc[sent.end].idx if sent.end < len(doc) else len(block)
                piece = block[bs:be]
                quote = piece.strip()
                if not quote:
                    continue
                s = base + bs + len(piece) - len(piece.lstrip())
                e = s + len(quote)
                if e - s <= MAX_PASSAGE_CHARS:
                    out.append(Passage(page.number, s, e, quote))
                else:
                    out.extend(Passage(page.number, a, b, text[a:b]) for a, b in _cut(text, s, e))
    return tuple(out)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(["en", "fr", "ar", "ru"]),
       st.lists(st.lists(st.sampled_from(PIECES + ["\n\n", "\n \n", "والمدينة", "و"]),
                         max_size=30).map("".join),
                min_size=1, max_size=3))
def test_shared_tokenisation_gives_the_per_block_passages(lang, page_texts):
    """Segmenting from the one whole-document tokenisation gives exactly the passages of
    tokenising each paragraph on its own (sentence ends never carry across blocks; the
    Arabic tokenizer's split-off conjunction و moves no boundary)."""
    from rbm_surveys.docs.document import PAGE_JOIN

    page_texts = [t.strip() for t in page_texts]
    pages, offset = [], 0
    for i, t in enumerate(page_texts, start=1):
        if i > 1:
            offset += len(PAGE_JOIN)
        pages.append(Page(i, offset, offset + len(t)))
        offset += len(t)
    text = PAGE_JOIN.join(page_texts)
    assert segment_pages(text, pages, lang) == _per_block_reference(text, pages, lang)


def test_decimal_point_between_digits_is_not_a_sentence_end():
    """Chinese is tokenised per character, so "PM2.5" used to be cut after "PM2."."""
    text = "细颗粒物(PM2.5)年平均浓度限值为35微克/立方米。二氧化氮年平均浓度限值为40微克/立方米。"
    passages = segment_pages(text, [Page(1, 0, len(text))], "zh")
    assert [p.text for p in passages] == [
        "细颗粒物(PM2.5)年平均浓度限值为35微克/立方米。", "二氧化氮年平均浓度限值为40微克/立方米。"]
    # a full stop after a digit and before a letter still ends the sentence
    text = "Target met in 2030. Next sentence."
    assert len(segment_pages(text, [Page(1, 0, len(text))], "en")) == 2
