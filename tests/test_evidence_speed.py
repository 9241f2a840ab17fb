"""The speed work on the evidence finder changes no match.

* the shared per-language PhraseMatcher (all rubrics at once) finds, for each rubric, exactly
  the matches of that rubric's own PhraseMatchers;
* the faster regular expressions of :mod:`rbm_surveys.docs.quantities` match exactly where the
  plainer ones they replaced did.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rbm_surveys.docs import evidence, quantities
from rbm_surveys.docs.io import read_document
from rbm_surveys.docs.rubric import list_rubrics, load_rubric

GOLD = Path(__file__).parent / "data" / "docs_gold"
FILES = ["igutp_en_riverton_plan.txt", "dec_fr_loi_decentralisation.txt",
         "igutp_ar_city_plan.txt", "igutp_zh_master_plan.txt", "aqg_es_norma.txt"]


def _rows(matcher, comp, doc) -> list[tuple]:
    return sorted((*comp.keys[m], s, e) for m, s, e in matcher(doc))


@pytest.mark.parametrize("name", FILES)
def test_shared_matcher_equals_each_rubrics_own(name):
    document = read_document(GOLD / name)
    lang = evidence.normalise_language(document.language)
    rubrics = [load_rubric(r) for r in list_rubrics()["id"]]
    rubrics = [r for r in rubrics if lang in r.languages]
    assert len(rubrics) >= 2  # several rubrics share the matcher
    for r in rubrics:
        evidence._compile(r, lang)
    doc, _, _ = evidence.tokenise(document.text, lang)
    key = evidence._text_key(document.text, lang)
    for r in rubrics:
        comp = evidence._compile(r, lang)
        shared = evidence._phrase_matches(r, lang, doc, key)
        own = _rows(comp.phrase, comp, doc) + _rows(comp.negative, comp, doc)
        assert sorted(map(tuple, shared.tolist())) == sorted(own)
        # the matcher's order within the rubric is by start token (vetoes take the first)
        assert np.all(np.diff(shared[:, 5]) >= 0)


SENT_CHARS = st.sampled_from(list("ab1 .!?;\n\t") + ["。", "！", "？", "；", "؟", "PM2.5"])


@settings(max_examples=200, deadline=None)
@given(st.lists(SENT_CHARS, max_size=60).map("".join))
def test_sentence_end_regex_equals_the_plain_one(text):
    plain = re.compile(r"[。！？；؟]|[.!?;](?=\s|$)")
    assert [m.span() for m in quantities._SENTENCE_END.finditer(text)] == \
        [m.span() for m in plain.finditer(text)]


VALUE_CHARS = st.sampled_from(list("0123 .,a\u00a0") + ["µg/m³", "ug/m3", " ppb", "mg/m3",
                                                         "微克/立方米", "PM"])


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUE_CHARS, max_size=40).map("".join))
def test_value_regex_equals_the_plain_one(text):
    plain = re.compile(quantities._VALUE_RX.pattern.removeprefix("(?=\\d)"), re.IGNORECASE)
    assert [m.group(0) for m in quantities._VALUE_RX.finditer(text)] == \
        [m.group(0) for m in plain.finditer(text)]
