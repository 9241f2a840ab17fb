"""Scope of evidence: which candidate matches must never count, and what a passage commits to.

Two questions are answered for every passage that holds a candidate match (and only for
those, so the cost follows the number of candidates, not the document's length):

1. **Vetoes** — a candidate is kept as *vetoed evidence* with its reason (shown to reviewers,
   never counted) when it sits in text that is not support (LEVELS.md "absent"):

   * ``negation`` / ``hypothetical`` / ``non_commitment`` — NegEx (Chapman et al. 2001) as
     implemented by `negspacy <https://github.com/jenojp/negspacy>`_ (its ``Negex``
     component, run with ``span_keys`` on the candidate spans), with termsets per language
     written as data in ``rbm_surveys/data/cues/<lang>.yaml`` (pseudo, preceding, following
     and termination cues, as negspacy's own termsets). Three termsets, so each veto says
     which kind it is;
   * ``repealed`` — a repeal or draft cue in the passage;
   * ``reference list`` / ``table of contents`` / ``consultation list`` — passages inside the
     section under such a heading (per-language heading lists), table-of-contents lines
     (dot leaders or a trailing page number), citation-like passages (a year with ``doi``,
     ``et al.``, an URL, ``ISBN`` …), and sentences that list who was consulted;
   * ``template row`` — a table row or ``label: value`` line whose value is an empty
     template cell ("Not applicable", "N/A", "—", "sans objet", "不适用", "لا ينطبق" …);
   * ``organisation name`` — the match is part of a body's name ("Ministry of Urban
     Planning", "وزارة التخطيط الحضري", "住房和城乡建设部");
   * ``title block`` — the cover/title lines before the document's first sentence, and
     short lines in capitals.

2. **Operative flags** — whether the passage (or, for a heading, the paragraph after it)
   carries a *commitment* cue (shall / will / establishes / allocates …), a *concrete*
   element (programme, target, budget, responsible body, mechanism, a number or amount …),
   an *urban* reference, *binding* legal wording and *weakening* wording (encouraged, may,
   subject to …), and a *specific* description (hazard, data). Level rules
   (:func:`rbm_surveys.docs.rules.level_operative_v1`) turn these into present / partial.

Cue lists are data, one YAML file per language (en, fr, es, zh, ar, ru, pt); a language
without a file gets no vetoes and no flags (its criteria are decided by the rubric's rule).
Everything here is deterministic: same text, same vetoes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["Cues", "CueSet", "cue_set", "cues", "scope_passages", "VETO_KINDS", "FLAGS", "match_text",
           "CUE_LANGUAGES", "terms_regex"]

#: Kinds of veto, in the order they are checked (the first that applies is reported).
VETO_KINDS = ("template row", "table of contents", "reference list", "consultation list",
              "title block", "repealed", "non_commitment", "hypothetical", "negation",
              "organisation name")
#: Operative flags computed per passage.
FLAGS = ("commitment", "concrete", "urban", "binding", "weak", "specific", "provision")
#: Languages with cue files.
CUE_LANGUAGES = ("en", "fr", "es", "zh", "ar", "ru", "pt")
_NEGEX_KINDS = ("negation", "hypothetical", "non_commitment")
_NO_SPACE = {"zh", "ja"}  # scripts matched by substring (no word boundaries)
_STEMMED = {"ru"}  # cue lists written as stems (rich inflection)

# Letters joined by a hyphen, and single line breaks: layout, not wording. Replaced by a
# space (same length, so offsets do not move) before matching.
_INWORD_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


def match_text(text: str) -> str:
    """``text`` as matched: in-word hyphens and single line breaks become spaces (same
    length, so every offset into it is an offset into ``text``). "land-use" then matches
    "land use", and a phrase broken by a PDF line end still matches."""
    if "-" in text or "\u2010" in text or "\u2011" in text:
        text = _INWORD_HYPHEN.sub(" ", text)
    if "\n" in text:
        text = _LONE_NEWLINE.sub(" ", text)
    return text


@dataclass(frozen=True)
class Cues:
    """The cue lists of one language (see ``data/cues/en.yaml``)."""

    language: str
    termsets: dict
    repealed: tuple[str, ...]
    sections: dict
    consulted: tuple[str, ...]
    citation: tuple[str, ...]
    template_empty: frozenset
    organisation: tuple[str, ...]
    flags: dict  # flag -> terms
    legal_status: tuple[str, ...]

    def regex(self, terms: tuple[str, ...]) -> re.Pattern | None:
        """One case-insensitive regex for ``terms`` (whole words except in Chinese)."""
        return terms_regex(self.language, terms)


@lru_cache(maxsize=None)
def cues(language: str) -> Cues | None:
    """Cue lists of ``language`` (ISO 639-1), or None when there is no cue file for it."""
    import yaml

    if language not in CUE_LANGUAGES:
        return None
    path = resources.files("rbm_surveys") / "data" / "cues" / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def strs(v) -> tuple[str, ...]:
        return tuple(str(x) for x in (v or ()))

    termsets = {k: {part: list(strs(data[k].get(part))) for part in
                    ("pseudo_negations", "preceding_negations", "following_negations",
                     "termination")} for k in _NEGEX_KINDS}
    return Cues(language=language, termsets=termsets, repealed=strs(data.get("repealed")),
                sections={k: strs(v) for k, v in (data.get("sections") or {}).items()},
                consulted=strs(data.get("consulted_cues")),
                citation=strs(data.get("citation_cues")),
                template_empty=frozenset(s.lower() for s in strs(data.get("template_empty"))),
                organisation=strs(data.get("organisation_heads")),
                flags={f: strs(data.get(f)) for f in FLAGS},
                legal_status=strs(data.get("legal_status")))


_AR_PREFIX = r"(?:و|ف|ب|ل|ك|ال|وال|بال|فال|كال|لل|ول|وب|ولل)?"


@lru_cache(maxsize=None)
def terms_regex(language: str, terms: tuple[str, ...]) -> re.Pattern | None:
    """One case-insensitive regex for ``terms``: whole words (Arabic: with the prefixes
    و ف ب ل ال …), substrings in Chinese; spaces in a term match any whitespace."""
    if not terms:
        return None
    alts = []
    for t in sorted(set(terms), key=lambda s: (-len(s), s)):
        body = r"\s+".join(re.escape(w) for w in t.split())
        if language in _NO_SPACE:
            alts.append(body)
            continue
        pre = r"(?<!\w)" if re.match(r"\w", t) else ""
        post = r"(?!\w)" if re.search(r"\w$", t) else ""
        if language in _STEMMED and post:
            post = r"\w*"  # Russian cues are stems: "обеспечи" matches обеспечит, обеспечивает
        if language == "ar" and pre:
            body = _AR_PREFIX + body
        alts.append(pre + body + post)
    return re.compile("|".join(alts), re.IGNORECASE)


_TOKEN = re.compile(r"\w+|[^\w\s]")
_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


class CueSet:
    """Fast lookup of labelled cue lists in text: cue words indexed by their first word, so
    a passage is scanned once, word by word, for every list at once (a regex alternation of
    a hundred cues tries them all at every position). Matches are whole words,
    case-insensitive; Chinese by substring; Arabic words may carry the prefixes و ف ب ل ال
    …; Russian cues are stems (a cue word matches every word starting with it)."""

    def __init__(self, language: str, lists: dict[str, tuple[str, ...]]):
        self.language = language
        self.stem = language in _STEMMED
        self.labels = tuple(lists)
        self.subs: list[tuple[str, str]] = []  # (term, label) for substring languages
        self.index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, terms in lists.items():
            for term in dict.fromkeys(x.lower() for x in terms if x.strip()):
                self.subs.append((term, label))
                words = tuple(_TOKEN.findall(term))
                if words:
                    key = words[0][:4] if self.stem else words[0]
                    self.index.setdefault(key, []).append((words, label))
        for v in self.index.values():
            v.sort(key=lambda x: len(x[0]), reverse=True)

    def _keys(self, word: str) -> list[str]:
        if self.language == "ar":
            out = [word]
            for pre in _AR_PREFIXES:
                if word.startswith(pre) and len(word) > len(pre) + 1:
                    out.append(word[len(pre):])
            return out
        return [word[:4] if self.stem else word]

    def find(self, text: str) -> dict[str, str]:
        """label -> the first cue of that list found in ``text`` (labels not found absent)."""
        low = text.lower()
        out: dict[str, str] = {}
        if self.language in _NO_SPACE:
            for term, label in self.subs:
                if label not in out and term in low:
                    out[label] = term
            return out
        words = _TOKEN.findall(low)
        index, nw, stem = self.index, len(words), self.stem
        for i, w in enumerate(words):
            for key in self._keys(w):
                cands = index.get(key)
                if not cands:
                    continue
                first = key if self.language == "ar" else w
                for cue, label in cands:
                    if label in out:
                        continue
                    n = len(cue)
                    if i + n > nw:
                        continue
                    if stem:
                        ok = first.startswith(cue[0]) and all(
                            words[i + j].startswith(cue[j]) for j in range(1, n))
                    else:
                        ok = first == cue[0] and all(words[i + j] == cue[j]
                                                     for j in range(1, n))
                    if ok:
                        out[label] = " ".join(cue)
        return out

    def search(self, text: str) -> str:
        """The first cue found in ``text`` when the set has one list, else ""."""
        found = self.find(text)
        return next(iter(found.values()), "")


@lru_cache(maxsize=None)
def cue_set(language: str, terms: tuple[str, ...]) -> CueSet:
    """A cached single-list :class:`CueSet` for ``terms``."""
    return CueSet(language, {"cue": terms})


@lru_cache(maxsize=None)
def _passage_cues(language: str) -> CueSet:
    c = cues(language)
    lists = {f: c.flags.get(f, ()) for f in FLAGS if f != "provision"}
    lists.update(repealed=c.repealed, consulted=c.consulted, citation=c.citation)
    # any NegEx trigger: passages without one skip NegEx (it could veto nothing there)
    lists["negex"] = tuple(x for k in _NEGEX_KINDS for part in ("preceding_negations",
                                                                "following_negations")
                           for x in c.termsets[k][part])
    return CueSet(language, lists)


# --------------------------------------------------------------------------- NegEx
@lru_cache(maxsize=None)
def _negex(language: str, kind: str):
    """negspacy's Negex component for one termset kind, on the blank pipeline."""
    from negspacy.negation import Negex

    from rbm_surveys.docs.nlp import blank

    c = cues(language)
    ts = {k: (v or ["\u2063"]) for k, v in c.termsets[kind].items()}  # never-seen filler
    # negspacy tokenises its cues with the pipeline's tokenizer, like the document
    ts = {k: [match_text(t) for t in v] for k, v in ts.items()}
    return Negex(blank(language), f"rbm_{kind}", ts, extension_name=f"rbm_{kind}",
                 span_keys=["rbm"])


def _negex_vetoes(language: str, text: str, spans: list[tuple[int, int]]
                  ) -> list[tuple[str, str]]:
    """(kind, cue) per span of ``text`` ("", "") when no NegEx termset covers it."""
    from spacy.attrs import SENT_START

    from rbm_surveys.docs.nlp import blank

    nlp = blank(language)
    doc = nlp.make_doc(match_text(text))
    out = [("", "")] * len(spans)
    if not len(doc):
        return out
    starts = np.full((len(doc), 1), -1, dtype=np.int32)
    starts[0, 0] = 1  # the passage is one sentence; termination cues split it further
    doc.from_array([SENT_START], starts.astype(np.uint64))
    objs = []
    for a, b in spans:
        sp = None
        if b > a and text[a:b].strip():
            try:
                sp = doc.char_span(a, b, alignment_mode="expand")
            except IndexError:  # a span on whitespace only: nothing to negate
                sp = None
        objs.append(sp)
    doc.spans["rbm"] = [s for s in objs if s is not None]
    for kind in _NEGEX_KINDS:
        neg = _negex(language, kind)
        pre, fol, _ = neg.process_negations(doc)
        if not pre and not fol:
            continue
        neg(doc)
        ext = f"rbm_{kind}"
        for i, sp in enumerate(objs):
            if out[i][0] or sp is None or not sp._.get(ext):
                continue
            cue = [doc[s:e].text for _, s, e in pre if s < sp.start] + \
                  [doc[s:e].text for _, s, e in fol if e > sp.end]
            out[i] = (kind, max(cue, key=len) if cue else "")
    return out


# --------------------------------------------------------------------------- structure
# a contents entry: dot leaders, a tab or wide gap before a page number; or a short line
# (a wrapped PDF prose line that happens to end in a number is longer)
_TOC_LINE = re.compile(r"^\s*\S.{1,150}?(?:\.{3,}|…{2,}|_{3,}|(?:\s?\.\s?){4,}|\t|\s{2,})"
                       r"\s*\d{1,3}\s*$|^(?=.{3,60}$)\s*\S[^.;:!?]{1,55}\s\d{1,3}\s*$")
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s+\S")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_SENTENCE_END = re.compile(r"[.!?;:。！？；؟]\s*$")
_HEADING_TAIL = re.compile(r"^[\s\d.IVXLC:–—-]*|[\s:.–—-]*$")


# An article of law: the passage is (in) a numbered provision. A provision in force is
# binding as written in the indicative ("les filles et les fils héritent à parts égales").
_PROVISION = re.compile(
    r"(?:(?<!\w)(?:article|art\.|artículo|artigo|section|sección|secção|статья|ст\.)\s*"
    r"\d+|第[一二三四五六七八九十百千零〇\d]+条|المادة\s*\(?[\d٠-٩]+|المادة\s+"
    r"(?:الأولى|الثانية|الثالثة|الرابعة|الخامسة|السادسة|السابعة|الثامنة|التاسعة|العاشرة)"
    r"|(?<!\w)§\s*\d+)", re.IGNORECASE)
# the heading of the article a passage belongs to: at the start of a line before it
_PROVISION_HEAD = re.compile(
    r"\s*(?:article|art\.|artículo|artigo|статья|section|sección|第[一二三四五六七八九十百千"
    r"零〇\d]+条|المادة|\d{1,3}[A-Z]?\.\s+[A-Z][^.\n]{2,80}\.\s)", re.IGNORECASE)


# A dated target: a year after a target preposition in any of the languages.
_TARGET_YEAR = re.compile(
    r"(?:(?<!\w)(?:by|before|until|d['’]ici|à l['’]horizon|avant|en|para|hasta|antes de|até|"
    r"em|к|до)\s+(?:l['’]an\s+|el año\s+|o ano\s+|the end of\s+)?|到|至|بحلول\s+(?:عام\s+)?)"
    r"20[2-6]\d(?!\d)", re.IGNORECASE)


def _norm_line(line: str) -> str:
    return " ".join(_HEADING_TAIL.sub("", line).split()).lower()


@dataclass(frozen=True)
class _Zones:
    """Character ranges of the document that are reference lists, contents, consultation
    lists or the title block (sorted, non-overlapping per kind)."""

    ranges: tuple[tuple[int, int, str], ...]
    first_sentence: int  # offset of the first sentence-like passage (title block ends)

    def kind_at(self, pos: int) -> str:
        for a, b, k in self.ranges:
            if a <= pos < b:
                return k
        return ""


_ZONE_CAP = {"reference list": 60_000, "table of contents": 8_000,
             "consultation list": 8_000}
_STOP_HEADING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+[^\W\d_]|[IVXLC]+\.\s|annex|annexe|anexo|appendix|chapter|"
    r"chapitre|capítulo|section|part\b|partie|parte|第.{1,4}[章节部分条]|الفصل|الباب|المادة|"
    r"глава|раздел|приложение|статья|article|artículo|artigo)", re.IGNORECASE)


def _zones(text: str, c: Cues, pstart: np.ndarray, pend: np.ndarray) -> _Zones:
    heads = {}
    for kind, key in (("reference list", "references"), ("table of contents", "contents"),
                      ("consultation list", "consulted")):
        for term in c.sections.get(key, ()):
            heads[" ".join(term.lower().split())] = kind
    ranges: list[tuple[int, int, str]] = []
    pos = 0
    lines = text.split("\n")
    offs = []
    for ln in lines:
        offs.append(pos)
        pos += len(ln) + 1
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        kind = heads.get(_norm_line(ln)) if 0 < len(ln.strip()) <= 80 else None
        if not kind:
            i += 1
            continue
        start = offs[i]
        cap = start + _ZONE_CAP[kind]
        j = i + 1
        if kind == "table of contents":
            # the contents end after their last entry line (dot leaders or a page number)
            # once two non-entry lines follow: wrapped PDF prose has no sentence end per line
            last, misses = i, 0
            while j < n and offs[j] < cap and misses < 2:
                s = lines[j].strip()
                if s and _TOC_LINE.match(s):
                    last, misses = j, 0
                elif s:
                    misses += 1
                j += 1
            j = last + 1
            end = offs[j] if j < n else len(text)
            ranges.append((offs[i], end, kind))
            i = j
            continue
        while j < n and offs[j] < cap:
            s = lines[j].strip()
            if s and kind != "table of contents" and _STOP_HEADING.match(s) \
                    and not _TOC_LINE.match(s) and heads.get(_norm_line(s)) != kind \
                    and kind != "reference list":
                break
            if kind == "reference list" and s and heads.get(_norm_line(s)) is None \
                    and _STOP_HEADING.match(s) and not _YEAR.search(s):
                break
            if kind == "table of contents" and s and not _TOC_LINE.match(s) \
                    and len(s) > 60 and _SENTENCE_END.search(s):
                break  # prose again: the contents are over
            j += 1
        end = offs[j] if j < n else len(text)
        ranges.append((start, end, kind))
        i = max(j, i + 1)
    # title block: everything before the first sentence-like passage
    first = 0
    for a, b in zip(pstart.tolist(), pend.tolist()):
        seg = text[a:b]
        if len(seg.split()) >= 6 and _SENTENCE_END.search(seg) or \
                (c.language in _NO_SPACE and len(seg) >= 15 and _SENTENCE_END.search(seg)):
            first = a
            break
    else:
        first = 0
    return _Zones(tuple(ranges), first)


def _template_row(passage: str, c: Cues) -> str:
    """The empty template value of a table row / ``label: value`` line, or ""."""
    for line in passage.split("\n"):
        if " | " in line or "\t" in line:
            cells = [x.strip().lower() for x in re.split(r"\s\|\s|\t", line)]
            for x in cells:
                if x in c.template_empty:
                    return x
        else:
            m = re.search(r"[:：]\s*([^:：]{1,25})$", line.strip())
            if m and m.group(1).strip().lower().rstrip(".") in c.template_empty:
                return m.group(1).strip()
    s = passage.strip().lower()
    for v in c.template_empty:
        if len(v) > 2 and (s.startswith(v + " ") or s.startswith(v + ":")):
            return v
    # a PDF table row without separators: "Form 7 Spousal consent Not applicable"
    for line in passage.lower().split("\n"):
        line = line.strip().rstrip(".")
        for v in c.template_empty:
            if (len(v) >= 3 and v.replace("/", "").isalpha() or " " in v) \
                    and line.endswith(" " + v) and len(line) > len(v) + 2:
                return v
    return ""


def _organisation(text: str, a: int, b: int, c: Cues) -> str:
    """The organisation head word when the match ``text[a:b]`` is part of a body's name."""
    match = text[a:b]
    lang = c.language
    if lang in _NO_SPACE:
        tail = text[b:b + 4]
        for head in c.organisation:
            if tail.startswith(head) or tail[1:].startswith(head) and len(head) > 1:
                return head
        return ""
    before = text[max(0, a - 60):a]
    line = before.split("\n")[-1]
    words = line.split()
    if lang == "ar":
        if words:
            w = re.sub(r"^(?:و|ف|ب|ل)", "", words[-1])
            if w in c.organisation or words[-1] in c.organisation:
                return words[-1]
        return ""
    # cased scripts: a capitalised name ("Ministry of Urban Planning")
    first = next((ch for ch in match if ch.isalpha()), "")
    if not first or not first.isupper():
        return ""
    heads = {h.lower() for h in c.organisation}
    tail_words = words[-6:]
    for k in range(len(tail_words)):
        cand = " ".join(tail_words[k:]).lower()
        w = tail_words[k].lower().strip("(\"'«“")
        if w in heads or cand in heads:
            rest = tail_words[k + 1:]
            if all(x[:1].isupper() or len(x) <= 3 or x.lower() in
                   ("for", "and", "of", "the", "des", "pour", "del", "para", "los", "las",
                    "das", "dos", "por", "et", "y", "e", "и", "по", "de", "du", "la", "le")
                   for x in rest):
                return tail_words[k]
    return ""


def _upper_block(passage: str) -> bool:
    """A short line in capitals (a title or heading), in a cased script."""
    return (len(passage) >= 6 and passage == passage.upper() and passage != passage.lower()
            and len(passage.split()) <= 20)


def scope_passages(text: str, language: str, pstart: np.ndarray, pend: np.ndarray,
                   passage_i: np.ndarray, start: np.ndarray, end: np.ndarray,
                   zones_cache: dict | None = None) -> dict[str, np.ndarray]:
    """Vetoes and operative flags for candidate rows.

    ``passage_i``, ``start``, ``end``: per candidate row, its passage index and match span
    (offsets into ``text``). Returns arrays aligned with the rows: ``veto_kind`` and
    ``veto_cue`` ("" when the row counts) and one boolean array per :data:`FLAGS`.
    """
    n = len(passage_i)
    out = {"veto_kind": np.full(n, "", dtype=object), "veto_cue": np.full(n, "", dtype=object)}
    for f in FLAGS:
        out[f] = np.zeros(n, dtype=bool)
    c = cues(language)
    if c is None or not n:
        return out
    zones = None
    zkey = None
    if zones_cache is not None:
        zkey = (language, len(text), hash(text), len(pstart))
        zones = zones_cache.get(zkey)
    if zones is None:
        zones = _zones(text, c, pstart, pend)
        if zones_cache is not None:
            zones_cache.clear()
            zones_cache[zkey] = zones
    rows_of: dict[int, list[int]] = {}
    for r, p in enumerate(passage_i.tolist()):
        rows_of.setdefault(p, []).append(r)
    starts, ends = start.tolist(), end.tolist()
    for p, rows in rows_of.items():
        a, b = int(pstart[p]), int(pend[p])
        a = min(a, min(starts[r] for r in rows))
        b = max(b, max(ends[r] for r in rows))
        passage = text[a:b]
        kind, cue, flags, negex = _passage_info(text, language, c, zones, pstart, pend, p, a,
                                                b)
        if kind:
            for r in rows:
                out["veto_kind"][r], out["veto_cue"][r] = kind, cue
        else:
            # ---- NegEx per candidate span
            if negex:
                spans = [(starts[r] - a, ends[r] - a) for r in rows]
                for r, (k, q) in zip(rows, _negex_vetoes(language, passage, spans)):
                    if k:
                        out["veto_kind"][r], out["veto_cue"][r] = k, q
            for r in rows:
                if not out["veto_kind"][r]:
                    org = _organisation(text, starts[r], ends[r], c)
                    if org:
                        out["veto_kind"][r], out["veto_cue"][r] = "organisation name", org
        for f in flags:
            out[f][rows] = True
    return out


_INFO: dict = {}  # passage-level results of the current text (shared by every rubric)
_INFO_KEY: list = [None]


def _passage_info(text: str, language: str, c: Cues, zones: _Zones, pstart: np.ndarray,
                  pend: np.ndarray, p: int, a: int, b: int) -> tuple[str, str, tuple, bool]:
    """(veto kind, cue, flags, has a NegEx trigger) of the passage text[a:b]:
    rubric-independent, so computed once per passage however many rubrics score the
    document."""
    key = (language, a, b)
    tkey = (len(text), id(text), zones)
    if _INFO_KEY[0] != tkey:
        _INFO.clear()
        _INFO_KEY[0] = tkey
    hit = _INFO.get(key)
    if hit is not None:
        return hit
    passage = text[a:b]
    # operative flags (a heading lends itself the paragraph after it)
    scope_text = match_text(passage)
    if (not _SENTENCE_END.search(passage) and len(passage) < 150 or len(passage.split()) < 10
            and c.language not in _NO_SPACE) and p + 1 < len(pstart):
        scope_text = scope_text + "\n" + match_text(text[int(pstart[p + 1]):int(pend[p + 1])])
    found = _passage_cues(language).find(scope_text)
    own = _passage_cues(language).find(passage) if scope_text != passage else found
    kind, cue = "", ""
    tv = _template_row(passage, c)
    if tv:
        kind, cue = "template row", tv
    if not kind:
        zk = zones.kind_at(a)
        if zk:
            kind, cue = zk, "section heading"
    if not kind and all(_TOC_LINE.match(ln) for ln in passage.split("\n") if ln.strip()):
        kind, cue = "table of contents", "page number at line end"
    if not kind and "citation" in own and _YEAR.search(passage):
        kind, cue = "reference list", own["citation"]
    if not kind and "consulted" in own:
        kind, cue = "consultation list", own["consulted"]
    if not kind and (a < zones.first_sentence or _upper_block(passage)):
        kind, cue = "title block", ("before the first sentence" if a < zones.first_sentence
                                    else "line in capitals")
    if not kind and "repealed" in own:
        kind, cue = "repealed", own["repealed"]
    flags = [f for f in FLAGS if f in found]
    if "commitment" not in found and _TARGET_YEAR.search(scope_text):
        flags.append("commitment")  # a dated target ("by 2030", "d'ici 2027") commits
    if "concrete" not in found and any(ch.isdigit() for ch in scope_text):
        flags.append("concrete")
    para = max(text.rfind("\n\n", 0, a) + 2, 0)
    line = text.rfind("\n", 0, a) + 1
    if _PROVISION.search(scope_text) or _PROVISION_HEAD.match(text, para) \
            or _PROVISION_HEAD.match(text, line):
        flags.append("provision")
    out = (kind, cue, tuple(flags), "negex" in own)
    _INFO[key] = out
    return out
