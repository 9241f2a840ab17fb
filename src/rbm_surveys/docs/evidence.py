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

Chinese: spaCy's blank ``zh`` segments per character, so a phrase such as 公众参与 is matched
as a character sequence, which is exactly a substring match on the text (no word segmenter
or model is needed, and none is downloaded).

Compiled matchers are cached per (rubric, language) in-process, and the tokenised ``Doc`` per
(text, language), so scoring one document against every shipped rubric tokenises it once.
This module proposes candidates; :mod:`rbm_surveys.docs.scoring` decides the level.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from rbm_surveys.docs.document import Document
from rbm_surveys.docs.quantities import extract_standards, place_in_band, to_table_unit
from rbm_surveys.docs.rubric import Rubric

__all__ = ["blank", "find_evidence", "passage_bounds", "EVIDENCE_COLUMNS", "Candidates"]

#: Columns of the candidate table (one row per match).
EVIDENCE_COLUMNS = ["criterion", "rule", "start", "end", "page", "passage", "passage_start",
                    "passage_end", "vetoed", "veto_term", "pollutant", "averaging", "value",
                    "unit", "value_in_table_unit", "table_unit", "band", "band_rank"]

_MAX_CHARS = 20_000_000  # spaCy's default max_length (1e6) is about the parser's memory


@lru_cache(maxsize=None)
def blank(language: str):
    """spaCy blank pipeline (tokenizer only) for an ISO 639-1 code."""
    import spacy

    nlp = spacy.blank(language)
    nlp.max_length = _MAX_CHARS
    return nlp


@dataclass
class _Compiled:
    phrase: object  # PhraseMatcher: positive phrases, cooccur groups, applies_if
    token: object  # Matcher: token patterns (None if the rubric has none for the language)
    negative: object  # PhraseMatcher: veto terms
    keys: dict  # match_id (hash) -> (criterion, kind, rule)


_COMPILED: dict[tuple, _Compiled] = {}


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
    keys: dict[int, tuple[str, str, str]] = {}

    def add(matcher, cid: str, kind: str, rule: str, docs_or_patterns) -> None:
        name = f"{cid}|{kind}|{rule}"
        matcher.add(name, docs_or_patterns)
        keys[nlp.vocab.strings[name]] = (cid, kind, rule)

    make = nlp.make_doc
    for c in rubric.criteria:
        r = c.rules(language)
        if r is None:
            continue
        for i, ph in enumerate(r.phrases):
            add(phrase, c.id, "phrase", f"{language}.phrases[{i}]", [make(ph)])
        for i, pat in enumerate(r.pattern_dicts()):
            rule = f"{language}.patterns[{i}]"
            if all(set(t) == {"LOWER"} and isinstance(t["LOWER"], str) for t in pat):
                # a plain sequence of lower-case words is exactly a phrase on LOWER: the
                # PhraseMatcher is much faster than the Matcher, which visits every token
                add(phrase, c.id, "pattern", rule,
                    [Doc(nlp.vocab, words=[t["LOWER"] for t in pat])])
            else:
                token = token or Matcher(nlp.vocab)
                add(token, c.id, "pattern", rule, [pat])
        for k, co in enumerate(r.cooccur):
            for g, terms in enumerate(co.groups):
                add(phrase, c.id, f"co{k}.{g}", f"{language}.cooccur[{k}]",
                    [make(t) for t in terms])
        if r.applies_if:
            add(phrase, c.id, "applies", f"{language}.applies_if", [make(t) for t in r.applies_if])
        if r.negative:
            add(negative, c.id, "negative", f"{language}.negative",
                [make(t) for t in r.negative])
    for lang, terms in rubric.negative:
        if lang == language:
            add(negative, "*", "negative", f"negative.{language}", [make(t) for t in terms])
    out = _Compiled(phrase, token, negative, keys)
    _COMPILED[key] = out
    return out


_DOCS: OrderedDict = OrderedDict()
_DOCS_MAX = 8


def _tokens(text: str, language: str):
    """Tokenise once; keep the last few Docs so several rubrics share one tokenisation."""
    key = (language, len(text), hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                                digest_size=16).digest())
    hit = _DOCS.get(key)
    if hit is not None:
        _DOCS.move_to_end(key)
        return hit
    from spacy.attrs import IDX, LENGTH

    nlp = blank(language)
    _warm_cache(nlp, text, language)
    doc = nlp.make_doc(text)
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
    if len(seen) > 2_000_000:  # bound the memory of a long-running process
        seen.clear()
    new = set(text.split()) - seen
    tokenizer = nlp.tokenizer
    for chunk in new:
        tokenizer(chunk)
    seen |= new


_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])\s+|(?<=[。！？；])|\n\s*\n|\n(?=\s*[-•*\d])")


def passage_bounds(document: Document) -> tuple[np.ndarray, np.ndarray]:
    """Start/end offsets of the document's passages, sorted; if the reader gave none,
    split on sentence punctuation and blank lines (so a hand-made Document still works)."""
    if document.passages:
        s = np.fromiter((p.start for p in document.passages), np.int64, len(document.passages))
        e = np.fromiter((p.end for p in document.passages), np.int64, len(document.passages))
        order = np.argsort(s, kind="stable")
        return s[order], e[order]
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
    """What the evidence finder saw in one document for one rubric."""

    table: pd.DataFrame  # EVIDENCE_COLUMNS, sorted deterministically
    language: str
    language_covered: bool
    applicable: dict[str, bool]  # criterion -> applicability (True unless applies_if failed)
    not_applicable_reason: dict[str, str] = None  # criterion -> why it does not apply
    structural: frozenset = frozenset()  # not applicable whatever the text (e.g. edition)


def normalise_language(language: str) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()[:2]


def find_evidence(document: Document, rubric: Rubric) -> Candidates:
    """All candidate matches of every criterion of ``rubric`` in ``document``."""
    lang = normalise_language(document.language)
    applicable = {c.id: True for c in rubric.criteria}
    empty = pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in EVIDENCE_COLUMNS})
    if lang not in rubric.languages:
        return Candidates(empty, lang, False, applicable, {})
    comp = _compile(rubric, lang)
    doc, tstart, tend = _tokens(document.text, lang)
    pstart, pend = passage_bounds(document)

    def run(matcher) -> tuple[list, np.ndarray, np.ndarray]:
        if matcher is None or not len(doc):
            return [], np.zeros(0, np.int64), np.zeros(0, np.int64)
        found = matcher(doc)  # match ids are 64-bit unsigned hashes: keep them Python ints
        return ([m[0] for m in found], np.fromiter((m[1] for m in found), np.int64, len(found)),
                np.fromiter((m[2] for m in found), np.int64, len(found)))

    pids, pts, pte = run(comp.phrase)
    mids, mts, mte = run(comp.token)
    ids, ts, te = pids + mids, np.concatenate([pts, mts]), np.concatenate([pte, mte])
    nids, nts, nte = run(comp.negative)

    # -- positive matches -> frame
    keys = comp.keys
    meta = [keys[i] for i in ids]
    frame = pd.DataFrame(meta, columns=["criterion", "kind", "rule"]) if meta else pd.DataFrame(
        columns=["criterion", "kind", "rule"])
    frame["tok_start"], frame["tok_end"] = ts, te

    # applies_if: a criterion with such terms is applicable only if one occurs
    for c in rubric.criteria:
        r = c.rules(lang)
        if r is not None and r.applies_if:
            applicable[c.id] = bool((frame["kind"] == "applies").loc[
                frame["criterion"] == c.id].any())

    # co-occurrence: anchors of group 0 with a term of every other group within the window
    co_rows = []
    co = frame[frame["kind"].str.startswith("co")]
    if len(co):
        parts = co["kind"].str.extract(r"co(\d+)\.(\d+)").astype(int)
        co = co.assign(k=parts[0].to_numpy(), g=parts[1].to_numpy())
        for (cid, k), grp in co.groupby(["criterion", "k"], sort=True):
            crit = next(c for c in rubric.criteria if c.id == cid)
            rule = crit.rules(lang).cooccur[k]
            anchors = grp[grp["g"] == 0].sort_values("tok_start")
            if anchors.empty:
                continue
            a = anchors["tok_start"].to_numpy()
            lo, hi = a.copy(), anchors["tok_end"].to_numpy().copy()
            ok = np.ones(len(a), dtype=bool)
            for g in range(1, len(rule.groups)):
                other = np.sort(grp.loc[grp["g"] == g, "tok_start"].to_numpy())
                if not len(other):
                    ok[:] = False
                    break
                j = np.clip(np.searchsorted(other, a), 0, len(other) - 1)
                jm = np.clip(j - 1, 0, len(other) - 1)
                near = np.where(np.abs(other[j] - a) <= np.abs(other[jm] - a), other[j],
                                other[jm])
                ok &= np.abs(near - a) <= rule.window
                lo, hi = np.minimum(lo, near), np.maximum(hi, near + 1)
            co_rows.append(pd.DataFrame({"criterion": cid, "kind": "cooccur",
                                         "rule": anchors["rule"].iloc[0],
                                         "tok_start": lo[ok], "tok_end": hi[ok]}))
    pos = frame[frame["kind"].isin(["phrase", "pattern"])]
    pos = pd.concat([pos, *co_rows], ignore_index=True) if co_rows else pos.reset_index(drop=True)

    # token -> char offsets -> passage and page
    if len(pos):
        ts_ = pos["tok_start"].to_numpy(np.int64)
        te_ = pos["tok_end"].to_numpy(np.int64)
        start, end = tstart[ts_], tend[te_ - 1]
    else:
        start = end = np.zeros(0, np.int64)
    pidx = np.clip(np.searchsorted(pstart, start, side="right") - 1, 0, max(len(pstart) - 1, 0))
    table = pd.DataFrame({
        "criterion": pos["criterion"].to_numpy(dtype=object),
        "rule": pos["rule"].to_numpy(dtype=object), "start": start, "end": end})
    table["passage_start"] = pstart[pidx] if len(pstart) else 0
    table["passage_end"] = np.maximum(pend[pidx], end) if len(pend) else end

    # quantities (rubrics whose criteria name a pollutant and averaging time)
    qcrit = {c.quantity: c.id for c in rubric.criteria if c.quantity}
    na_reason = {c: "none of the applicability terms occur" for c, ok in applicable.items()
                 if not ok}
    if qcrit:
        rows = rubric.quantity_settings()["editions"][str(rubric.edition)]["limits"]
        have = {(r["pollutant"], r["averaging"]) for r in rows}
        for q, cid in qcrit.items():
            if q not in have:
                applicable[cid] = False
                na_reason[cid] = (f"edition {rubric.edition} has no guideline for {q[0]} "
                                  f"({q[1]})")
    qtable = _quantities(document, rubric, qcrit, pstart, pend) if qcrit else None
    if qtable is not None and len(qtable):
        table = pd.concat([table, qtable], ignore_index=True)

    # vetoes: a negative term in the same passage vetoes the criterion's match there
    table["vetoed"] = False
    table["veto_term"] = ""
    if len(nids) and len(table):
        nstart, nend = tstart[nts], tend[nte - 1]
        npass = np.clip(np.searchsorted(pstart, nstart, side="right") - 1, 0, None)
        neg = pd.DataFrame({"criterion": [keys[i][0] for i in nids],
                            "passage_start": pstart[npass],
                            "veto_term": [document.text[a:b] for a, b in zip(nstart, nend)]})
        neg = neg.sort_values(["passage_start"], kind="stable")
        neg = neg.drop_duplicates(["criterion", "passage_start"])
        general = neg[neg["criterion"] == "*"].drop(columns="criterion")
        own = neg[neg["criterion"] != "*"]
        m1 = table[["criterion", "passage_start"]].merge(
            own, on=["criterion", "passage_start"], how="left")["veto_term"]
        m2 = table[["passage_start"]].merge(general, on="passage_start",
                                            how="left")["veto_term"]
        term = m1.fillna(m2).fillna("").to_numpy(dtype=object)
        table["veto_term"] = term
        table["vetoed"] = term != ""

    table["page"] = _page_numbers(document, table["start"].to_numpy(np.int64))
    table["passage"] = [document.text[a:b].strip() for a, b in
                        zip(table["passage_start"], table["passage_end"])]
    for c in EVIDENCE_COLUMNS:
        if c not in table:
            table[c] = pd.Series([_FILL[c]] * len(table), dtype=_DTYPES[c])
    table = table[EVIDENCE_COLUMNS].astype({c: _DTYPES[c] for c in EVIDENCE_COLUMNS})
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    table = (table.assign(_o=table["criterion"].map(order))
             .sort_values(["_o", "start", "end", "rule"], kind="stable")
             .drop(columns="_o").drop_duplicates(["criterion", "rule", "start", "end"])
             .reset_index(drop=True))
    structural = frozenset(c for c, r in na_reason.items() if r.startswith("edition"))
    return Candidates(table, lang, True, applicable, na_reason, structural)


def _quantities(document: Document, rubric: Rubric, qcrit: dict, pstart: np.ndarray,
                pend: np.ndarray) -> pd.DataFrame:
    q = rubric.quantity_settings()
    temp = float(q.get("reference_temperature_c", 25.0))
    limits = {(r["pollutant"], r["averaging"]): r
              for r in q["editions"][str(rubric.edition)]["limits"]}
    lang = normalise_language(document.language)
    terms = (q.get("context") or {}).get(lang) or []
    context = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    rows = []
    for s in extract_standards(document.text, pstart):
        cid = qcrit.get((s.pollutant, s.averaging))
        if cid is None:
            continue
        conv = to_table_unit(s.pollutant, s.value, s.unit, temp)
        row = limits.get((s.pollutant, s.averaging))
        band, rank = ("", -2) if conv is None or row is None else place_in_band(
            conv, float(row["aqg"]), [float(v) for v in row.get("interim", [])])
        rows.append({"criterion": cid, "rule": "quantity", "start": s.pollutant_start,
                     "end": s.end, "pollutant": s.pollutant, "averaging": s.averaging,
                     "value": s.value, "unit": s.unit,
                     "value_in_table_unit": np.nan if conv is None else round(conv, 6),
                     "table_unit": row["unit"] if row else "", "band": band,
                     "band_rank": rank})
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows)
    p = np.searchsorted(pstart, out["start"].to_numpy(np.int64), side="right") - 1
    p = np.clip(p, 0, None)
    out["passage_start"] = pstart[p]
    out["passage_end"] = np.maximum(pend[p], out["end"].to_numpy(np.int64))
    if context is not None:  # a number with a unit is a standard only in a normative passage
        keep = [context.search(document.text, a, b) is not None
                for a, b in zip(out["passage_start"], out["passage_end"])]
        out = out[np.asarray(keep, dtype=bool)]
    return out


_DTYPES = {"criterion": object, "rule": object, "start": "int64", "end": "int64",
           "page": "int64", "passage": object, "passage_start": "int64",
           "passage_end": "int64", "vetoed": bool, "veto_term": object, "pollutant": object,
           "averaging": object, "value": "float64", "unit": object,
           "value_in_table_unit": "float64", "table_unit": object, "band": object,
           "band_rank": "int64"}
_FILL = {"criterion": "", "rule": "", "start": 0, "end": 0, "page": 0, "passage": "",
         "passage_start": 0, "passage_end": 0, "vetoed": False, "veto_term": "",
         "pollutant": "", "averaging": "", "value": np.nan, "unit": "",
         "value_in_table_unit": np.nan, "table_unit": "", "band": "", "band_rank": -2}
