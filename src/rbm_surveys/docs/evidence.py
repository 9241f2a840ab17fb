"""Candidate evidence passages per criterion.

One pass per document and language: the text is tokenised once with spaCy's *blank* pipeline
(``nlp.make_doc``: tokenizer only, no model), and every matcher of every criterion of the
rubric runs on that one ``Doc``:

* ``phrases``   -> ``PhraseMatcher(attr="LOWER")`` (case-insensitive literal phrases);
* ``patterns``  -> ``Matcher`` token patterns (validated when the rubric is loaded);
* ``negative``  -> terms that *veto* every match of the criterion in the same passage (e.g.
  "repealed", "not applicable", or a passage quoting the WHO's own values);
* ``cooccur``   -> terms of every group must occur within ``window`` tokens of a term of the
  first group (e.g. {"women"} near {"inheritance"});
* ``applies_if``-> the criterion is not applicable unless one of these occurs.

Arabic: the conjunction و joined to a word is split off by an extra tokenizer prefix rule.

Chinese: spaCy's blank ``zh`` segments per character, so a phrase such as 公众参与 is matched
as a character sequence, which is exactly a substring match on the text (no word segmenter
or model is needed, and none is downloaded).

Compiled matchers are cached per (rubric, language) in-process, and the tokenised ``Doc`` per
(text, language), so scoring one document against every shipped rubric tokenises it once
(and the reader's segmenter shares that tokenisation). The phrases and veto terms of all
compiled rubrics of a language also sit in one shared ``PhraseMatcher`` that walks the
document once; its matches are split back per rubric.
This module proposes candidates; :mod:`rbm_surveys.docs.scoring` decides the level.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from itertools import chain

import numpy as np
import pandas as pd

from rbm_surveys.docs.document import Document
from rbm_surveys.docs.quantities import extract_standards, place_in_band, to_table_unit
from rbm_surveys.docs.nlp import blank
from rbm_surveys.docs.scope import FLAGS, terms_regex, cues, match_text, scope_passages

if TYPE_CHECKING:
    from rbm_surveys.docs.rubric import Rubric

__all__ = ["blank", "tokenise", "find_evidence", "passage_bounds", "EVIDENCE_COLUMNS",
           "Candidates"]

#: Columns of the candidate table (one row per match).
EVIDENCE_COLUMNS = ["criterion", "rule", "start", "end", "page", "passage", "passage_start",
                    "passage_end", "vetoed", "veto_term", "veto_reason", "pollutant",
                    "averaging", "value", "unit", "value_in_table_unit", "table_unit", "band",
                    "band_rank", "commitment", "concrete", "urban", "binding", "weak",
                    "specific", "provision", "legal_status"]


@dataclass
class _Compiled:
    phrase: object  # PhraseMatcher: positive phrases, plain patterns, cooccur groups, applies_if
    token: object  # Matcher: token patterns (None if the rubric has none for the language)
    negative: object  # PhraseMatcher: veto terms
    keys: dict  # match_id (hash) -> (criterion index or -1, kind, rule index, cooccur index, group)
    rules: list  # rule index -> rule name, e.g. "en.phrases[3]"
    cooccur: list  # cooccur index -> (criterion index, rule index, n_groups, window)
    phrases: list  # (name, phrase Docs) of both PhraseMatchers, for the shared matcher


_COMPILED: dict[tuple, _Compiled] = {}
_PHRASE, _PATTERN, _APPLIES, _CO, _NEG = range(5)


def _compile(rubric: Rubric, language: str) -> _Compiled:
    key = (rubric.id, rubric.sha256, language)
    hit = _COMPILED.get(key)
    if hit is not None:
        return hit
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

    nlp = blank(language)
    phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
    negative = PhraseMatcher(nlp.vocab, attr="LOWER")
    token = None
    keys: dict[int, tuple] = {}
    rules: list[str] = ["quantity"]
    cooccur: list[tuple] = []
    phrases: list[tuple] = []

    def add(matcher, ci: int, kind: int, rule: str, docs_or_patterns, co=-1, group=-1):
        if rule not in rules:
            rules.append(rule)
        name = f"{ci}|{kind}|{rule}|{co}|{group}"
        matcher.add(name, docs_or_patterns)
        keys[nlp.vocab.strings[name]] = (ci, kind, rules.index(rule), co, group)
        if matcher is not token:
            phrases.append((name, docs_or_patterns))

    def make(phrase: str):
        return nlp.make_doc(match_text(phrase))

    for ci, c in enumerate(rubric.criteria):
        r = c.rules(language)
        if r is None:
            continue
        for i, ph in enumerate(r.phrases):
            add(phrase, ci, _PHRASE, f"{language}.phrases[{i}]", [make(ph)])
        for i, pat in enumerate(r.pattern_dicts()):
            rule = f"{language}.patterns[{i}]"
            if all(set(t) == {"LOWER"} and isinstance(t["LOWER"], str) for t in pat):
                # a plain sequence of lower-case words is exactly a phrase on LOWER: the
                # PhraseMatcher is much faster than the Matcher, which visits every token
                add(phrase, ci, _PATTERN, rule,
                    [Doc(nlp.vocab, words=[t["LOWER"] for t in pat])])
            else:
                token = token or Matcher(nlp.vocab)
                add(token, ci, _PATTERN, rule, [pat])
        for k, co in enumerate(r.cooccur):
            rule = f"{language}.cooccur[{k}]"
            idx = len(cooccur)
            for g, terms in enumerate(co.groups):
                add(phrase, ci, _CO, rule, [make(t) for t in terms], idx, g)
            cooccur.append((ci, rules.index(rule), len(co.groups), co.window))
        if r.applies_if:
            add(phrase, ci, _APPLIES, f"{language}.applies_if", [make(t) for t in r.applies_if])
        if r.negative:
            add(negative, ci, _NEG, f"{language}.negative", [make(t) for t in r.negative])
    for lang, terms in rubric.negative:
        if lang == language:
            add(negative, -1, _NEG, f"negative.{language}", [make(t) for t in terms])
    out = _Compiled(phrase, token, negative, keys, rules, cooccur, phrases)
    _COMPILED[key] = out
    return out


# One PhraseMatcher per language holding the phrases (positive and veto) of every rubric
# compiled so far, so that scoring a document against N rubrics walks its tokens once, not
# 2N times. Its matches are split back per rubric by match id; within a rubric they are the
# matches its own PhraseMatchers would give (a phrase matcher reports every occurrence of
# every phrase, whatever else it holds).
_SHARED: dict[str, tuple] = {}  # language -> (keys, matcher, ids, owner, rows, comps, build)
_SHARED_HITS: OrderedDict = OrderedDict()  # (text key, build) -> (owner, rows, start, end)
_SHARED_BUILDS = [0]  # number of shared matchers built so far: a build's identity


def _shared_matcher(language: str) -> tuple:
    """The shared matcher of ``language``, rebuilt when a rubric was compiled since."""
    ckeys = tuple(k for k in _COMPILED if k[2] == language)
    comps = tuple(_COMPILED[k] for k in ckeys)
    hit = _SHARED.get(language)
    # valid while the very same compiled rubrics are in use (caches cleared -> rebuilt)
    if hit is not None and len(hit[5]) == len(comps) and all(
            a is b for a, b in zip(hit[5], comps)):
        return hit
    from spacy.matcher import PhraseMatcher

    nlp = blank(language)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    ids, owner, rows = [], [], []
    for r, ck in enumerate(ckeys):
        comp = _COMPILED[ck]
        for name, docs in comp.phrases:
            shared = f"{ck[0]}@{ck[1]}#{name}"
            matcher.add(shared, docs)
            ids.append(nlp.vocab.strings[shared])
            owner.append(r)
            rows.append(comp.keys[nlp.vocab.strings[name]])
    ids_arr = np.asarray(ids, dtype=np.uint64)
    order = np.argsort(ids_arr)
    _SHARED_BUILDS[0] += 1
    out = (ckeys, matcher, ids_arr[order], np.asarray(owner, np.int64)[order],
           np.asarray(rows, np.int64).reshape(-1, 5)[order], comps, _SHARED_BUILDS[0])
    _SHARED[language] = out
    return out


def _phrase_matches(rubric: Rubric, language: str, doc, doc_key: tuple) -> np.ndarray:
    """(criterion, kind, rule, cooccur, group, tok_start, tok_end) rows of ``rubric``'s
    phrases (positive and veto) in ``doc``, in the matcher's order."""
    ckeys, matcher, ids, owner, rows, _, build = _shared_matcher(language)
    hkey = (doc_key, build)
    hit = _SHARED_HITS.get(hkey)
    if hit is None:
        found = matcher(doc) if len(doc) else []
        arr = np.fromiter(chain.from_iterable(found), dtype=np.uint64,
                          count=3 * len(found)).reshape(-1, 3)
        j = np.searchsorted(ids, arr[:, 0])
        hit = (owner[j], rows[j], arr[:, 1].astype(np.int64), arr[:, 2].astype(np.int64))
        _SHARED_HITS[hkey] = hit
        if len(_SHARED_HITS) > _DOCS_MAX:
            _SHARED_HITS.popitem(last=False)
    own, rw, ts, te = hit
    mine = own == ckeys.index((rubric.id, rubric.sha256, language))
    return np.column_stack([rw[mine], ts[mine], te[mine]]).astype(np.int64).reshape(-1, 7)


#: Characters at the start of a document read as its title area (legal status of standards).
TITLE_AREA = 600
_ZONES: dict = {}  # section zones of the last document (scored against several rubrics)
_DOCS: OrderedDict = OrderedDict()
_DOCS_MAX = 2  # the current document (scored against several rubrics) and the previous one


_LAST_KEY: list = [None, "", ()]  # (text object, language, key) of the last text hashed


def _text_key(text: str, language: str) -> tuple:
    """Cache key of a text: its hash, computed once for the same str object (the reader and
    every rubric pass the one ``Document.text``)."""
    if _LAST_KEY[0] is text and _LAST_KEY[1] == language:
        return _LAST_KEY[2]
    key = (language, len(text), hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                                digest_size=16).digest())
    _LAST_KEY[:] = [text, language, key]
    return key


def tokenise(text: str, language: str):
    """Tokenise once; keep the last few Docs so several rubrics share one tokenisation.

    Returns the spaCy ``Doc`` and the start and end character offsets of its tokens."""
    key = _text_key(text, language)
    hit = _DOCS.get(key)
    if hit is not None:
        _DOCS.move_to_end(key)
        return hit
    from spacy.attrs import IDX, LENGTH

    nlp = blank(language)
    mtext = match_text(text)  # same length: offsets are offsets into ``text``
    _warm_cache(nlp, mtext, language)
    doc = nlp.make_doc(mtext)
    arr = doc.to_array([IDX, LENGTH]).astype(np.int64) if len(doc) else np.zeros((0, 2), np.int64)
    out = (doc, arr[:, 0], arr[:, 0] + arr[:, 1])
    _DOCS[key] = out
    if len(_DOCS) > _DOCS_MAX:
        _DOCS.popitem(last=False)
    return out


_WARM: dict[str, set] = {}


def _warm_cache(nlp, text: str, language: str) -> None:
    """Tokenise each new whitespace-delimited chunk on its own first.

    spaCy's tokenizer caches the tokens of a chunk, but stops caching for the rest of a Doc
    once any special case (e.g. "a.m.", "'s") has been seen in it (spaCy issue #1250), so a
    long document is mostly tokenised the slow way. A chunk tokenised alone is cached (unless
    it is itself a special case); the Doc is then built from the cache, with the same tokens.
    """
    seen = _WARM.setdefault(language, set())
    if len(seen) > 500_000:  # bound the memory of a long-running process
        seen.clear()
    new = set(text.split()) - seen
    tokenizer = nlp.tokenizer
    for chunk in new:
        tokenizer(chunk)
    seen |= new


_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])\s+|(?<=[。！？；])|\n\s*\n|\n(?=\s*[-•*\d])")


_BOUNDS: dict = {}


def passage_bounds(document: Document) -> tuple[np.ndarray, np.ndarray]:
    """Start/end offsets of the document's passages, sorted; if the reader gave none,
    split on sentence punctuation and blank lines (so a hand-made Document still works)."""
    if document.passages:
        ps = document.passages
        key = (document.sha256, len(document.text), len(ps), ps[0].start, ps[-1].end)
        hit = _BOUNDS.get(key)
        if hit is not None:  # the same document scored against several rubrics
            return hit
        s = np.fromiter((p.start for p in ps), np.int64, len(ps))
        e = np.fromiter((p.end for p in ps), np.int64, len(ps))
        order = np.argsort(s, kind="stable")
        _BOUNDS.clear()
        _BOUNDS[key] = (s[order], e[order])
        return _BOUNDS[key]
    cuts = [m.end() for m in _SENTENCE_END.finditer(document.text)]
    starts = np.asarray([0, *cuts], dtype=np.int64)
    ends = np.asarray([*cuts, len(document.text)], dtype=np.int64)
    keep = ends > starts
    return starts[keep], ends[keep]


def _page_numbers(document: Document, offsets: np.ndarray) -> np.ndarray:
    if not document.pages:
        return np.ones(len(offsets), dtype=np.int64)
    pstarts = np.asarray([p.start for p in document.pages], dtype=np.int64)
    pnums = np.asarray([p.number for p in document.pages], dtype=np.int64)
    i = np.clip(np.searchsorted(pstarts, offsets, side="right") - 1, 0, len(pnums) - 1)
    return pnums[i]


@dataclass
class Candidates:
    """What the evidence finder saw in one document for one rubric.

    ``columns``: the candidate matches as numpy arrays keyed by :data:`EVIDENCE_COLUMNS`
    (plus ``ci``, ``rule_i``, ``passage_i`` indices); ``table`` gives them as a DataFrame."""

    columns: dict
    language: str
    language_covered: bool
    applicable: dict[str, bool]  # criterion -> applicability (True unless applies_if failed)
    not_applicable_reason: dict[str, str] = None  # criterion -> why it does not apply
    structural: frozenset = frozenset()  # not applicable whatever the text (e.g. edition)
    uncovered_share: float = 0.0  # share of the text in languages the rubric has no rules for
    uncovered_languages: tuple = ()
    _table: pd.DataFrame | None = None

    @property
    def table(self) -> pd.DataFrame:
        if self._table is None:
            self._table = _frame(self.columns, len(self.columns.get("ci", ())))
        return self._table


def normalise_language(language: str) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()[:2]


def find_evidence(document: Document, rubric: Rubric) -> Candidates:
    """All candidate matches of every criterion of ``rubric`` in ``document``.

    A document that mixes languages (``Document.blocks``, e.g. a bilingual Chinese/English
    INDC) is matched once per language, each time on a copy of the text where the other
    languages' paragraphs are blanked (same length, so offsets hold), with that language's
    rules; text in a language the rubric has no rules for is reported as
    ``uncovered_share`` (its criteria cannot be called absent)."""
    langs = [normalise_language(x) for x in document.languages]
    if len(langs) < 2:
        return _find_evidence_one(document, rubric)
    from dataclasses import replace

    text = document.text
    total = max(1, sum(b - a for a, b, _ in document.blocks))
    parts, uncovered, missing = [], 0, []
    for lang in dict.fromkeys(langs):
        spans = [(a, b) for a, b, code in document.blocks if normalise_language(code) == lang]
        if lang not in rubric.languages:
            uncovered += sum(b - a for a, b in spans)
            missing.append(lang)
            continue
        chunks, pos = [], 0
        for a, b in spans:
            chunks.append(_BLANK.sub(" ", text[pos:a]))
            chunks.append(text[a:b])
            pos = b
        chunks.append(_BLANK.sub(" ", text[pos:]))
        masked = "".join(chunks)
        parts.append(_find_evidence_one(replace(document, text=masked, language=lang,
                                                blocks=()), rubric))
    if not parts:
        out = _find_evidence_one(replace(document, blocks=()), rubric)
        out.uncovered_share, out.uncovered_languages = 1.0, tuple(missing)
        return out
    out = _merge(parts, rubric)
    out.language = normalise_language(document.language)
    out.uncovered_share = round(uncovered / total, 6)
    out.uncovered_languages = tuple(missing)
    return out


_BLANK = re.compile(r"[^\n]")


def _merge(parts: list, rubric: Rubric) -> "Candidates":
    """One Candidates from the per-language ones: rows concatenated, rule indices renumbered
    over the union of rule names ("quantity" stays 0), the usual order restored."""
    cols: dict = {}
    keys = [k for k in parts[0].columns]
    for k in keys:
        cols[k] = np.concatenate([np.asarray(p.columns[k]) for p in parts]) if parts else []
    names = ["quantity"] + sorted({str(r) for r in cols["rule"].tolist()} - {"quantity"})
    index = {n: i for i, n in enumerate(names)}
    cols["rule_i"] = np.asarray([index[str(r)] for r in cols["rule"].tolist()], np.int64)
    order = np.lexsort((cols["rule_i"], cols["end"], cols["start"], cols["ci"]))
    cols = {k: v[order] for k, v in cols.items()}
    applicable = {c: any(p.applicable[c] for p in parts) for c in parts[0].applicable}
    reasons = {c: r for p in parts for c, r in (p.not_applicable_reason or {}).items()
               if not applicable[c]}
    structural = frozenset().union(*(p.structural for p in parts))
    return Candidates(cols, parts[0].language, any(p.language_covered for p in parts),
                      applicable, reasons, structural)


def _find_evidence_one(document: Document, rubric: Rubric) -> Candidates:
    """Candidates of ``rubric`` in ``document``, all of it read as ``document.language``.

    Numpy throughout (one row per match, no per-row pandas work): this runs once per
    document and rubric and must stay cheap next to text extraction.
    """
    lang = normalise_language(document.language)
    crit_ids = [c.id for c in rubric.criteria]
    applicable = {c: True for c in crit_ids}
    if lang not in rubric.languages:
        return Candidates(_empty_columns(), lang, False, applicable, {})
    comp = _compile(rubric, lang)
    doc, tstart, tend = tokenise(document.text, lang)
    found = _phrase_matches(rubric, lang, doc, _text_key(document.text, lang))
    pstart, pend = passage_bounds(document)
    keys = comp.keys

    def run(matcher) -> np.ndarray:
        """Matches as an int array: criterion, kind, rule, cooccur, group, tok_start, tok_end."""
        if matcher is None or not len(doc):
            return np.zeros((0, 7), np.int64)
        found = matcher(doc)  # match ids are 64-bit unsigned hashes: looked up as Python ints
        return np.asarray([(*keys[m], s, e) for m, s, e in found], np.int64).reshape(-1, 7)

    is_neg = found[:, 1] == _NEG
    m = np.concatenate([found[~is_neg], run(comp.token)])
    neg = found[is_neg]
    ci, kind, rule, ts, te = m[:, 0], m[:, 1], m[:, 2], m[:, 5], m[:, 6]

    # applies_if: a criterion with such terms is applicable only if one occurs
    found_applies = set(ci[kind == _APPLIES].tolist())
    for i, c in enumerate(rubric.criteria):
        r = c.rules(lang)
        if r is not None and r.applies_if and i not in found_applies:
            applicable[c.id] = False

    pos = (kind == _PHRASE) | (kind == _PATTERN)
    parts = [(ci[pos], rule[pos], ts[pos], te[pos])]
    def tok_passage(tok: np.ndarray) -> np.ndarray:
        return np.searchsorted(pstart, tstart[tok], side="right") - 1

    # co-occurrence: anchors (group 0) with a term of every other group within the window
    co_m = m[kind == _CO]
    for idx, (c_i, r_i, n_groups, window) in enumerate(comp.cooccur):
        mine = co_m[co_m[:, 3] == idx]
        anchors = mine[mine[:, 4] == 0]
        if not len(anchors):
            continue
        anchors = anchors[np.argsort(anchors[:, 5], kind="stable")]
        a = anchors[:, 5]
        lo, hi = a.copy(), anchors[:, 6].copy()  # the evidence span covers all terms found
        ok = np.ones(len(a), dtype=bool)
        for g in range(1, n_groups):
            grp = mine[mine[:, 4] == g]
            grp = grp[np.argsort(grp[:, 5], kind="stable")]
            other, other_end = grp[:, 5], grp[:, 6]
            if not len(other):
                ok[:] = False
                break
            # nearest term of group g to each anchor (the one after it or the one before it)
            j = np.clip(np.searchsorted(other, a), 0, len(other) - 1)
            jm = np.clip(j - 1, 0, len(other) - 1)
            pick = np.where(np.abs(other[j] - a) <= np.abs(other[jm] - a), j, jm)
            ok &= np.abs(other[pick] - a) <= window
            # all terms in one passage: a window never reaches into the next paragraph
            ok &= tok_passage(other[pick]) == tok_passage(a)
            lo, hi = np.minimum(lo, other[pick]), np.maximum(hi, other_end[pick])
        k = int(ok.sum())
        parts.append((np.full(k, c_i), np.full(k, r_i), lo[ok], hi[ok]))
    ci, rule, ts, te = (np.concatenate(x).astype(np.int64) for x in zip(*parts))
    start = tstart[ts] if len(ts) else np.zeros(0, np.int64)
    end = tend[te - 1] if len(te) else np.zeros(0, np.int64)
    cols: dict[str, object] = {"ci": ci, "rule_i": rule, "start": start, "end": end}

    # quantities (rubrics whose criteria name a pollutant and averaging time)
    qcrit = {c.quantity: i for i, c in enumerate(rubric.criteria) if c.quantity}
    na_reason = {c: "none of the applicability terms occur" for c, ok in applicable.items()
                 if not ok}
    if qcrit:
        rows = rubric.quantity_settings()["editions"][str(rubric.edition)]["limits"]
        have = {(r["pollutant"], r["averaging"]) for r in rows}
        for q, i in qcrit.items():
            if q not in have:
                applicable[crit_ids[i]] = False
                na_reason[crit_ids[i]] = (f"edition {rubric.edition} has no guideline for "
                                          f"{q[0]} ({q[1]})")
        cols = _quantities(document, rubric, qcrit, pstart, pend, cols)
    n = len(cols["ci"])
    pidx = np.clip(np.searchsorted(pstart, cols["start"], side="right") - 1, 0,
                   max(len(pstart) - 1, 0))
    cols["passage_i"] = pidx
    cols["passage_start"] = pstart[pidx] if len(pstart) else np.zeros(n, np.int64)
    cols["passage_end"] = (np.maximum(pend[pidx], cols["end"]) if len(pend)
                           else cols["end"].copy())

    # vetoes: a negative term in the same passage vetoes the criterion's matches there
    vetoed = np.zeros(n, dtype=bool)
    veto_term = np.full(n, "", dtype=object)
    if len(neg) and n:
        nstart, nend = tstart[neg[:, 5]], tend[neg[:, 6] - 1]
        npass = np.clip(np.searchsorted(pstart, nstart, side="right") - 1, 0, None)
        terms: dict[tuple[int, int], str] = {}
        for c_i, p_i, a, b in zip(neg[:, 0].tolist(), npass.tolist(), nstart.tolist(),
                                  nend.tolist()):
            terms.setdefault((c_i, p_i), document.text[a:b])
        for i, (c_i, p_i) in enumerate(zip(cols["ci"].tolist(), pidx.tolist())):
            t = terms.get((c_i, p_i)) or terms.get((-1, p_i))
            if t:
                vetoed[i], veto_term[i] = True, t
    veto_reason = np.where(vetoed, "rubric negative term", "").astype(object)
    # scope: negation, hypotheticals, reference lists, template rows ... (see scope.py)
    sc = scope_passages(document.text, lang, pstart, pend, pidx, cols["start"], cols["end"],
                        _ZONES)
    is_q = cols["rule_i"] == 0
    layout_only = np.isin(sc["veto_kind"], ["organisation name", "title block",
                                            "table of contents"])
    # a standard's value in a table row is not a contents line, title or body name, unless
    # the row sits in a contents section
    q_skip = is_q & layout_only & (sc["veto_cue"] != "section heading")
    # a value on the same line as a rubric veto term (a WHO guideline quoted in a reference
    # list entry split into several "sentences" by its full stops) is vetoed too
    neg_terms = tuple(t for lang_, ts in rubric.negative if lang_ == lang for t in ts)
    neg_rx = terms_regex(lang, neg_terms) if neg_terms else None
    if neg_rx is not None:
        text_ = document.text
        for i in np.flatnonzero(is_q & ~vetoed).tolist():
            s = int(cols["start"][i])
            a = text_.rfind("\n", 0, s) + 1
            b = text_.find("\n", int(cols["end"][i]))
            m = neg_rx.search(text_, a, b if b >= 0 else len(text_))
            if m:
                vetoed[i], veto_term[i], veto_reason[i] = True, m.group(0), "rubric negative term"
    # a repeal vetoes a standard only when it is said in the value's own sentence (a table
    # of standards is often one long "passage" that ends with an unrelated repeal clause)
    for i in np.flatnonzero(is_q & (sc["veto_kind"] == "repealed")).tolist():
        s = int(cols["start"][i])
        lo = max(document.text.rfind(". ", 0, s), document.text.rfind("\n\n", 0, s),
                 document.text.rfind(".\n", 0, s), 0)
        if sc["veto_cue"][i].split()[0].lower() not in document.text[lo:int(cols["end"][i])] \
                .lower():
            q_skip[i] = True
    new = (sc["veto_kind"] != "") & ~vetoed & ~q_skip
    vetoed = vetoed | new
    veto_term = np.where(new, sc["veto_cue"], veto_term).astype(object)
    veto_reason = np.where(new, sc["veto_kind"], veto_reason).astype(object)
    cols["vetoed"], cols["veto_term"], cols["veto_reason"] = vetoed, veto_term, veto_reason
    for f in FLAGS:
        cols[f] = sc[f]
    cols["page"] = _page_numbers(document, cols["start"])
    damaged = {pg.number: pg.reason for pg in document.pages if pg.unreadable and pg.reason}
    if damaged and len(cols["page"]):
        on_bad = np.isin(cols["page"], list(damaged))
        for i in np.flatnonzero(on_bad).tolist():
            cols["vetoed"][i] = True
            cols["veto_reason"][i] = "damaged text"
            cols["veto_term"][i] = damaged[int(cols["page"][i])]

    # one mention counts once: a match inside a longer match of the same criterion ("economic
    # development" inside "local economic development", or a phrase and a pattern on the same
    # words) is dropped. Sort by criterion, start, longest first; a row is inside an earlier
    # one when its end is not beyond the running maximum end of its criterion so far.
    # Quantities are exempt: two values may share one pollutant mention.
    order = np.lexsort((cols["rule_i"], -cols["end"], cols["start"], cols["ci"]))
    cols = {k: np.asarray(v)[order] for k, v in cols.items()}
    if n:
        text_q = cols["rule_i"] == 0  # rule 0 is "quantity"
        width = len(document.text) + 1
        key = np.where(text_q, -1, cols["ci"] * width + cols["end"])
        prev_max = np.r_[-1, np.maximum.accumulate(key)[:-1]]
        same_ci = np.r_[False, cols["ci"][1:] == cols["ci"][:-1]]
        inside = ~text_q & same_ci & (prev_max >= key)
        cols = {k: v[~inside] for k, v in cols.items()}
        # deterministic output order: criterion, start, end, rule
        order = np.lexsort((cols["rule_i"], cols["end"], cols["start"], cols["ci"]))
        cols = {k: v[order] for k, v in cols.items()}
    cols["criterion"] = np.asarray(crit_ids, dtype=object)[cols["ci"]] if len(cols["ci"]) \
        else np.zeros(0, dtype=object)
    cols["rule"] = np.asarray(comp.rules, dtype=object)[cols["rule_i"]] if len(cols["ci"]) \
        else np.zeros(0, dtype=object)
    cols["passage"] = np.asarray([document.text[a:b].strip() for a, b in
                                  zip(cols["passage_start"].tolist(),
                                      cols["passage_end"].tolist())], dtype=object)
    structural = frozenset(c for c, r in na_reason.items() if r.startswith("edition"))
    for c in EVIDENCE_COLUMNS:  # fixed columns and dtypes
        if c not in cols:
            cols[c] = np.full(len(cols["ci"]), _FILL[c], dtype=_DTYPES[c])
    return Candidates(cols, lang, True, applicable, na_reason, structural)


def _empty_columns() -> dict:
    cols = {c: np.zeros(0, dtype=_DTYPES[c]) for c in EVIDENCE_COLUMNS}
    cols.update(ci=np.zeros(0, np.int64), rule_i=np.zeros(0, np.int64),
                passage_i=np.zeros(0, np.int64))
    return cols


def _frame(cols: dict, n: int) -> pd.DataFrame:
    """The candidate table with EVIDENCE_COLUMNS and fixed dtypes, built once."""
    data = {}
    for c in EVIDENCE_COLUMNS:
        v = cols.get(c)
        data[c] = (np.asarray(v, dtype=_DTYPES[c]) if v is not None
                   else np.full(n, _FILL[c], dtype=_DTYPES[c]))
    return pd.DataFrame(data, columns=EVIDENCE_COLUMNS)


def _quantities(document: Document, rubric: Rubric, qcrit: dict, pstart: np.ndarray,
                pend: np.ndarray, cols: dict) -> dict:
    """Append one row per numeric standard found to the candidate columns ``cols``."""
    q = rubric.quantity_settings()
    temp = float(q.get("reference_temperature_c", 25.0))
    limits = {(r["pollutant"], r["averaging"]): r
              for r in q["editions"][str(rubric.edition)]["limits"]}
    lang = normalise_language(document.language)
    terms = list((q.get("context") or {}).get(lang) or [])
    cue = cues(lang)
    if cue is not None and terms:  # legal-status wording of the language ("ПДК", "限值" …)
        terms += list(cue.legal_status)
    context = terms_regex(lang, tuple(terms)) if terms else None
    rows = []
    text = document.text
    # the document as a whole is a legal standard when its title area says so
    doc_ctx = bool(context is not None and context.search(text, 0, TITLE_AREA))
    for s in extract_standards(text, context=context, document_context=doc_ctx):
        c_i = qcrit.get((s.pollutant, s.averaging))
        if c_i is None:
            continue
        conv = to_table_unit(s.pollutant, s.value, s.unit, temp)
        row = limits.get((s.pollutant, s.averaging))
        band, rank = ("", -2) if conv is None or row is None else place_in_band(
            conv, float(row["aqg"]), [float(v) for v in row.get("interim", [])],
            inclusive=q.get("meets", "at_or_below") == "at_or_below")
        rows.append((c_i, s.pollutant_start, s.end, s.pollutant, s.averaging, s.value, s.unit,
                     np.nan if conv is None else round(conv, 6),
                     row["unit"] if row else "", band, rank))
    n0 = len(cols["ci"])
    names = ["ci", "start", "end", "pollutant", "averaging", "value", "unit",
             "value_in_table_unit", "table_unit", "band", "band_rank"]
    new = {k: list(v) for k, v in zip(names, zip(*rows))} if rows else {k: [] for k in names}
    out = {"ci": np.concatenate([cols["ci"], np.asarray(new["ci"], np.int64)]),
           "rule_i": np.concatenate([cols["rule_i"], np.zeros(len(rows), np.int64)]),
           "start": np.concatenate([cols["start"], np.asarray(new["start"], np.int64)]),
           "end": np.concatenate([cols["end"], np.asarray(new["end"], np.int64)])}
    for k in names[3:]:
        out[k] = np.asarray([_FILL[k]] * n0 + new[k], dtype=_DTYPES[k])
    return out


_DTYPES = {"criterion": object, "rule": object, "start": "int64", "end": "int64",
           "page": "int64", "passage": object, "passage_start": "int64",
           "passage_end": "int64", "vetoed": bool, "veto_term": object, "pollutant": object,
           "averaging": object, "value": "float64", "unit": object,
           "value_in_table_unit": "float64", "table_unit": object, "band": object,
           "band_rank": "int64", "veto_reason": object, "commitment": bool, "concrete": bool,
           "urban": bool, "binding": bool, "weak": bool, "specific": bool,
           "provision": bool, "legal_status": bool}
_FILL = {"criterion": "", "rule": "", "start": 0, "end": 0, "page": 0, "passage": "",
         "passage_start": 0, "passage_end": 0, "vetoed": False, "veto_term": "",
         "pollutant": "", "averaging": "", "value": np.nan, "unit": "",
         "value_in_table_unit": np.nan, "table_unit": "", "band": "", "band_rank": -2,
         "veto_reason": "", "commitment": False, "concrete": False, "urban": False,
         "binding": False, "weak": False, "specific": False, "provision": False,
         "legal_status": False}
