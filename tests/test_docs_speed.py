"""Faster reader steps give what the plainer code they replaced gave."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rbm_surveys.docs.language import _function_words, detect_language
from rbm_surveys.docs.normalise import tidy, unify_lines
from rbm_surveys.docs.quality import _SYMBOL, _symbols

RAW = st.lists(st.sampled_from(list("ab_!é 1\t\n\r") + ["\r\n", "\u000b", "\u2028", "\u0085",
                                                          "\u2029", "\ufffe", "\u0002", "…",
                                                          "  ", "\u00a0", "\n\n\n", "城"]),
               max_size=50).map("".join)


@settings(max_examples=300, deadline=None)
@given(RAW)
def test_unify_lines_and_symbol_count_equal_the_regex_versions(raw):
    line_ends = re.compile(r"\r\n|[\r\u000b\u2028\u0085]")
    want = line_ends.sub("\n", raw).replace("\ufffe", "\u00ad").replace("\u0002", "\u00ad")
    assert unify_lines(raw) == re.sub("\u2029", "\n\n", want)
    assert _symbols(raw) == len(_SYMBOL.findall(raw))


@settings(max_examples=200, deadline=None)
@given(RAW)
def test_tidy_skips_only_regexes_that_would_not_match(raw):
    text = unify_lines(raw)
    spaces, blank = re.compile(r"[ \u00a0]{2,}"), re.compile(r"\n{3,}")
    want = spaces.sub(" ", text)
    want = "\n".join(line.rstrip(" \t") for line in want.split("\n"))
    want = blank.sub("\n\n", want)
    import unicodedata
    assert tidy(text) == unicodedata.normalize("NFKC", want).strip()


EN = ("The city will reduce emissions by 40 % and the plan sets out the measures that are "
      "needed. Public transport is the backbone of the strategy for the metropolitan area. ")
FR = ("La ville réduira les émissions de 40 % et le plan fixe les mesures qui sont "
      "nécessaires. Les transports publics sont au cœur de la stratégie pour la métropole. ")
ES = ("La ciudad reducirá las emisiones en un 40 % y el plan establece las medidas que son "
      "necesarias. El transporte público es la columna de la estrategia del área. ")


def test_function_word_shortcut_agrees_with_langdetect():
    from langdetect import DetectorFactory, detect

    for text, code in ((EN * 4, "en"), (FR * 4, "fr"), (ES * 4, "es")):
        assert _function_words(text) == code
        DetectorFactory.seed = 0
        assert detect(text).split("-")[0] == code == detect_language(text)


def test_function_word_shortcut_declines_mixed_or_short_text():
    assert _function_words((EN + FR) * 3) == ""  # no language has 90 % of the words
    assert _function_words("the and of") == ""  # too few
    # Dutch has no list: langdetect decides
    nl = "De stad zal de uitstoot verminderen en het plan bevat de maatregelen. " * 5
    assert _function_words(nl) == "" and detect_language(nl) == "nl"


GARBLE = st.lists(st.sampled_from(list("ab1 _!.-\n") + ["\ufffd", "\ue000", "é", "城", "\x07",
                                                         "....", "----", "§", "¤"]),
                  min_size=30, max_size=200).map("".join)


@settings(max_examples=150, deadline=None)
@given(GARBLE)
def test_garbled_shortcut_changes_no_verdict(raw):
    """The ASCII lower bound only skips the exact count when it could not flag the page."""
    from rbm_surveys.docs import quality

    def exact(text):  # garbled_reason without the shortcut
        visible = len(text) - quality._spaces(text)
        if visible < quality.MIN_JUDGED_CHARS:
            return ""
        share = len(quality._BAD.findall(text)) / visible
        if share >= quality.BAD_CHAR_SHARE:
            return f"garbled: {share:.0%} replacement/private-use/control characters"
        alnum = (visible - len(quality._SYMBOL.findall(text))) / visible
        if alnum < quality.MIN_LETTER_SHARE:
            bare = quality._LEADERS.sub("", text)
            rest = len(bare) - quality._spaces(bare)
            if rest >= quality.MIN_JUDGED_CHARS and \
                    (rest - len(quality._SYMBOL.findall(bare))) / rest < quality.MIN_LETTER_SHARE:
                return f"garbled: only {alnum:.0%} letters or digits"
        return ""

    assert quality.garbled_reason(raw) == exact(raw)
