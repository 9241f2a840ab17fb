"""Sentences and passages with spaCy *blank* pipelines (tokenizer + sentencizer, no model).

One blank pipeline per language, built once per process (``spacy.blank(code)`` needs no
download; ``zh`` uses its default character segmenter, ``ru``/``ar`` the rule tokenizer).
The sentencizer splits on its default punctuation, which includes ``。！？`` and ``؟``; we add
extras such as ``।`` and ``…``. Languages spaCy has no class for fall back to ``xx``
(multi-language).

Speed: spaCy's ``Sentencizer`` walks the tokens one Python object at a time, which cost more
than PDF extraction itself. :func:`sentence_starts` applies *the same rule* to the token
arrays (``Doc.to_array``) with numpy; a test checks it against ``Sentencizer`` on random
text. ``pipeline(code)`` still returns the standard blank + sentencizer pipeline for callers
who want ``Doc.sents``. The document is not tokenised here a second time: the segmenter
reads the evidence finder's cached whole-document ``Doc``
(:func:`rbm_surveys.docs.evidence.tokenise`), which scoring then reuses for every rubric.

A passage is one sentence, never crossing a paragraph (blank line) or a page. Over-long
"sentences" (tables, lists without punctuation) are cut at line breaks so a quote stays
readable (``MAX_PASSAGE_CHARS``). A ``.`` between two digits never ends a sentence (Chinese
is tokenised per character, so "PM2.5" would otherwise be cut). Every passage satisfies
``document.text[p.start:p.end] == p.text``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rbm_surveys.docs.document import Passage

__all__ = ["pipeline", "segment_pages", "MAX_PASSAGE_CHARS"]

MAX_PASSAGE_CHARS = 1200
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_LINE = re.compile(r"[^\n]+")
_EXTRA_PUNCT = ["।", "॥", "…", "۔", "።", "᙮"]


@lru_cache(maxsize=None)
def pipeline(language: str):
    """The blank spaCy pipeline (tokenizer + sentencizer) for an ISO 639-1 code."""
    import spacy
    from spacy.pipeline.sentencizer import Sentencizer

    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError, OSError) as exc:  # unknown code or missing extra
        if "E048" not in str(exc) and not isinstance(exc, ImportError):
            raise
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer", config={
        "punct_chars": sorted(set(Sentencizer.default_punct_chars) | set(_EXTRA_PUNCT))})
    return nlp


@lru_cache(maxsize=None)
def _punct_hashes(language: str):
    import numpy as np

    nlp = pipeline(language)
    chars = nlp.get_pipe("sentencizer").punct_chars
    return np.array(sorted(nlp.vocab.strings.add(c) for c in chars), dtype=np.uint64)


def sentence_starts(doc, language: str):
    """Token indices where sentences start, by spaCy ``Sentencizer``'s rule, vectorised.

    The rule (spacy/pipeline/sentencizer.pyx, ``predict``): after a token whose text is a
    sentence-final character, the next token that is neither punctuation nor such a
    character starts a new sentence; token 0 always starts one.
    """
    import numpy as np
    from spacy.attrs import IS_PUNCT, ORTH

    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    arr = doc.to_array([ORTH, IS_PUNCT])
    is_end = np.isin(arr[:, 0], _punct_hashes(language))
    plain = ~(is_end | (arr[:, 1] != 0))  # neither punctuation nor a sentence-final char
    ends_before = np.concatenate(([0], np.cumsum(is_end)))  # ends in tokens [0, i)
    j = np.flatnonzero(plain)
    prev = np.concatenate(([-1], j[:-1]))
    # ends strictly between the previous plain token and this one
    seen = ends_before[j] - ends_before[prev + 1] > 0
    starts = j[seen]
    return np.concatenate(([0], starts[starts > 0]))


def _blocks(text: str):
    """(offset, block) for each paragraph: runs of text separated by blank lines."""
    pos = 0
    for m in _BLANK_LINE.finditer(text):
        if text[pos:m.start()].strip():
            yield pos, text[pos:m.start()]
        pos = m.end()
    if text[pos:].strip():
        yield pos, text[pos:]


def _cut(text: str, start: int, end: int):
    """Split [start, end) of ``text`` at line breaks when it is too long to quote."""
    if end - start <= MAX_PASSAGE_CHARS:
        yield start, end
        return
    for m in _LINE.finditer(text, start, end):
        s, e = m.start(), m.end()
        while e - s > MAX_PASSAGE_CHARS:  # a single endless line: cut hard at a space if any
            cut = text.rfind(" ", s, s + MAX_PASSAGE_CHARS)
            cut = cut if cut > s else s + MAX_PASSAGE_CHARS
            yield s, cut
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s and text[s:e].strip():
            yield s, e


def _tokenizer_language(language: str) -> str:
    """The code whose blank tokenizer reads ``language`` (``xx`` when spaCy has none)."""
    from rbm_surveys.docs.nlp import blank

    try:
        blank(language)
    except (ImportError, KeyError, ValueError, OSError) as exc:
        if "E048" not in str(exc) and not isinstance(exc, ImportError):
            raise
        return "xx"
    return language


def segment_pages(text: str, pages, language: str) -> tuple[Passage, ...]:
    """Passages for every readable page of ``text`` (the whole document text).

    The whole text is tokenised once, by the same cached tokenisation the evidence finder
    matches on (:func:`rbm_surveys.docs.evidence.tokenise`), and the Sentencizer rule is
    applied to each paragraph block's tokens with numpy (a block's first token always
    starts a sentence; a sentence end never carries over into the next block).
    """
    import numpy as np
    from spacy.attrs import IS_PUNCT, ORTH
    from spacy.strings import hash_string

    from rbm_surveys.docs.evidence import tokenise

    bnum: list[int] = []
    bstart: list[int] = []
    bend: list[int] = []
    for page in pages:
        if page.unreadable or page.end == page.start:
            continue
        for off, block in _blocks(text[page.start:page.end]):
            bnum.append(page.number)
            bstart.append(page.start + off)
            bend.append(page.start + off + len(block))
    if not bstart:
        return ()
    lang = _tokenizer_language(language)
    doc, tstart, tend = tokenise(text, lang)
    if not len(doc):
        return ()
    bs_arr, be_arr = np.asarray(bstart, np.int64), np.asarray(bend, np.int64)
    # tokens inside a block (the blank lines between blocks are whitespace tokens: dropped)
    blk = np.searchsorted(bs_arr, tstart, side="right") - 1
    inside = (blk >= 0) & (tstart < be_arr[np.maximum(blk, 0)])
    tok = np.flatnonzero(inside)
    if not len(tok):
        return ()
    blk, tpos, tlast = blk[tok], tstart[tok], tend[tok]
    arr = doc.to_array([ORTH, IS_PUNCT])[tok]
    punct = _punct_hashes(language)  # sorted: membership by binary search
    at = np.minimum(np.searchsorted(punct, arr[:, 0]), len(punct) - 1)
    is_end = punct[at] == arr[:, 0]
    # a '.' between two digits ("PM2.5" in per-character Chinese tokens) ends no sentence;
    # only a dot touching the tokens on both sides can be one
    dot = is_end & (arr[:, 0] == hash_string("."))
    dot[[0, -1]] = False
    dots = np.flatnonzero(dot)
    dots = dots[(tlast[dots - 1] == tpos[dots]) & (tpos[dots + 1] == tpos[dots] + 1)]
    if len(dots):
        between = [text[p - 1].isdigit() and text[p + 1].isdigit() for p in tpos[dots].tolist()]
        is_end[dots[np.asarray(between, dtype=bool)]] = False
    plain = ~(is_end | (arr[:, 1] != 0))
    first_tok = np.r_[True, blk[1:] != blk[:-1]]  # each block's first token
    block_first = np.maximum.accumulate(np.where(first_tok, np.arange(len(tok)), 0))
    ends_before = np.concatenate(([0], np.cumsum(is_end)))
    j = np.flatnonzero(plain)
    prev = np.concatenate(([-1], j[:-1]))
    # ends strictly between the previous plain token of the same block and this one
    lo = np.maximum(prev + 1, block_first[j])
    seen = ends_before[j] - ends_before[lo] > 0
    starts = np.union1d(np.flatnonzero(first_tok), j[seen])
    s_blk = blk[starts]
    s_pos = tpos[starts]
    nxt = np.r_[s_pos[1:], 0]
    last = np.r_[s_blk[1:] != s_blk[:-1], True]
    s_end = np.where(last, be_arr[s_blk], nxt)
    out: list[Passage] = []
    for number, a, b in zip(np.asarray(bnum)[s_blk].tolist(), s_pos.tolist(), s_end.tolist()):
        piece = text[a:b]
        quote = piece.strip()
        if not quote:
            continue
        s = a + len(piece) - len(piece.lstrip())
        e = s + len(quote)
        if e - s <= MAX_PASSAGE_CHARS:
            out.append(Passage(number, s, e, quote))
        else:
            out.extend(Passage(number, ps, pe, text[ps:pe]) for ps, pe in _cut(text, s, e))
    return tuple(out)
