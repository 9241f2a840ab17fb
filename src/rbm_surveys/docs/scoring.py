"""Verdicts: a level per criterion from its evidence, and the roll-up per document.

``score_document(document, rubric)`` is a pure function of its two (frozen, picklable)
arguments: same inputs, byte-identical outputs, so a process pool can map it over documents.

Order of decisions for each criterion (the *rule* picks the level from evidence; the
overrides below make sure absence is never claimed where the text could not be read):

1. document language not covered by the rubric          -> ``not_determinable``
2. ``applies_if`` terms given and none found              -> ``not_applicable``
   (``not_determinable`` if the document has unreadable pages)
3. the criterion's level rule (``rbm.level.count.v1``, ``rbm.level.quantity_band.v1`` …)
4. rule says ``absent`` and the document has unreadable pages -> ``not_determinable``

``confidence`` is a documented heuristic, not a probability: present 0.6 + 0.1 per
supporting passage (max 0.95); partial 0.5; absent 0.6 (0.4 if vetoed matches were seen);
not_applicable 0.7; not_determinable 0.0.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.docs.document import Document
from rbm_surveys.docs.evidence import EVIDENCE_COLUMNS
from rbm_surveys.docs.registry import registry
from rbm_surveys.docs.rubric import Rubric
from rbm_surveys.docs.scope import FLAGS
from rbm_surveys.errors import UsageError

__all__ = ["DocumentScore", "score_document", "indicator_outcome", "VERDICT_COLUMNS"]

#: Columns of ``DocumentScore.verdicts``, in order (one row per criterion).
VERDICT_COLUMNS = ["document", "document_sha256", "rubric", "rubric_version", "rubric_sha256",
                   "edition", "language", "criterion", "label", "group", "level", "confidence",
                   "reason", "n_evidence", "n_vetoed", "pages", "level_rule", "verified",
                   "unverified", "value", "unit", "band"]


_KIND = re.compile(r"^[a-z]{2}\.|^negative\.|\[\d+\]$")


# --------------------------------------------------------------------------- scoring
@dataclass
class DocumentScore:
    """Verdicts of one document against one rubric.

    ``verdicts``: DataFrame with :data:`VERDICT_COLUMNS`; ``evidence``: list of JSON-ready
    dicts (supporting passages first, then vetoed ones, flagged ``vetoed``); ``summary``: the
    roll-up (score, band, indicator pass vs threshold, unverified flags)."""

    verdicts: pd.DataFrame
    evidence: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): byte-identical for identical inputs."""
        return json.dumps({"summary": self.summary,
                           "verdicts": self.verdicts.to_dict(orient="records"),
                           "evidence": self.evidence},
                          sort_keys=True, ensure_ascii=False, default=_json_default)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def score_document(document: Document, rubric: Rubric, *, ranker=None) -> DocumentScore:
    """Score ``document`` against ``rubric``.

    ``ranker`` (optional, :class:`rbm_surveys.docs.ranker.PassageRanker`) only *orders* the
    evidence passages of each criterion for review; the verdicts never depend on it.
    """
    from rbm_surveys.docs.evidence import find_evidence

    if not isinstance(document, Document) or not isinstance(rubric, Rubric):
        raise UsageError("score_document needs a Document and a Rubric",
                         hint="read_document(path) and load_rubric(id_or_path)")
    cand = find_evidence(document, rubric)
    cols = cand.columns
    crits = rubric.criteria
    ids = [c.id for c in crits]
    k = len(ids)
    # per-criterion counts with numpy (criterion index, passage, rule of each candidate)
    cidx, good = cols["ci"], ~cols["vetoed"]

    def distinct(per: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (criterion, value of ``per``) pairs among supporting matches, sorted
        (one np.unique for all criteria, not one per criterion)."""
        width = int(per.max()) + 1 if len(per) else 1
        pairs = np.unique(cidx[good] * width + per[good])
        return pairs // width, pairs % width

    def per_criterion(crit_of: np.ndarray, values: np.ndarray) -> list[list]:
        cut = np.searchsorted(crit_of, np.arange(k + 1))
        return [values[cut[i]:cut[i + 1]].tolist() for i in range(k)]

    page_c, page_v = distinct(cols["page"])
    rule_c, rule_v = distinct(cols["rule_i"])
    # rule index -> rule name, from the first row of each rule
    r_idx, r_first = np.unique(cols["rule_i"], return_index=True)
    rule_name = dict(zip(r_idx.tolist(), cols["rule"][r_first].tolist()))
    stats = {
        "criterion": np.asarray(ids, dtype=object),
        "n_evidence": np.bincount(distinct(cols["passage_i"])[0], minlength=k).astype(np.int64),
        "n_rules": np.bincount(rule_c, minlength=k).astype(np.int64),
        "n_vetoed": np.bincount(cidx[~good], minlength=k).astype(np.int64),
        "pages": np.asarray([";".join(map(str, v)) for v in per_criterion(page_c, page_v)],
                            dtype=object),
        # kinds of rule that matched, e.g. "cooccur;phrases" (for level rules' `strong`)
        "kinds": np.asarray([";".join(sorted({_KIND.sub("", rule_name[r]) for r in v}))
                             for v in per_criterion(rule_c, rule_v)], dtype=object),
    }

    # the level rule of each criterion (its own or the rubric's), applied per rule
    specs = [c.level_rule or rubric.level_rule for c in crits]
    level = np.full(k, "absent", dtype=object)
    reason = np.full(k, "", dtype=object)
    value = np.full(k, np.nan)
    unit = np.full(k, "", dtype=object)
    band = np.full(k, "", dtype=object)
    for spec in dict.fromkeys(specs):
        rows = np.asarray([i for i, s in enumerate(specs) if s == spec])
        rule_fn = registry.get("level", spec.name).func
        sub = {key: v[rows] for key, v in stats.items()}
        out = rule_fn(sub, cols, **spec.kwargs())
        level[rows] = out["level"]
        reason[rows] = out["reason"]
        if "value" in out:
            value[rows] = out["value"]
            unit[rows] = out["unit"]
            band[rows] = out["band"]

    unreadable = document.unreadable_pages
    ur_text = (f"pages {', '.join(map(str, unreadable))} unreadable" if unreadable else "")
    if cand.uncovered_share >= UNCOVERED_MIN:  # text in a language without rules
        more = (f"{cand.uncovered_share:.0%} of the text in {', '.join(cand.uncovered_languages)}"
                " (no rules)")
        ur_text = f"{ur_text}; {more}" if ur_text else more
        unreadable = unreadable or (0,)
    applicable = np.asarray([cand.applicable[c] for c in ids])
    # overrides, in the order of the module docstring's steps 4, 2, 1 (last one wins):
    # absence is not claimed when part of the document could not be read
    nd = (level == "absent") & bool(unreadable)
    reason = np.where(nd, "no evidence on the readable pages; " + ur_text, reason)
    level = np.where(nd, "not_determinable", level)
    # applicability (unknowable when pages are unreadable, unless it is structural)
    na = ~applicable
    structural = np.asarray([c in cand.structural for c in ids], dtype=bool)
    na_nd = na & ~structural & bool(unreadable)
    na_text = np.asarray([(cand.not_applicable_reason or {}).get(c, "") for c in ids],
                         dtype=object)
    level = np.where(na, np.where(na_nd, "not_determinable", "not_applicable"), level)
    reason = np.where(na, np.where(na_nd, na_text + " on the readable pages; " + ur_text,
                                   na_text), reason)
    # language
    if not cand.language_covered:
        level = np.full(len(ids), "not_determinable", dtype=object)
        reason = np.full(len(ids), f"no evidence rules for language {cand.language!r} "
                         f"(rubric languages: {', '.join(rubric.languages)})", dtype=object)
    elif unreadable:
        reason = np.where(np.isin(level, ["present", "partial"]), reason + "; " + ur_text,
                          reason)

    n = stats["n_evidence"]
    conf = np.select(
        [level == "present", level == "partial", level == "absent", level == "not_applicable"],
        [np.minimum(0.95, 0.6 + 0.1 * n), 0.5,
         np.where(stats["n_vetoed"] > 0, 0.4, 0.6), 0.7], 0.0)
    crit_unver = [c.unverified if not c.verified else "" for c in crits]
    rub_unver = "; ".join(rubric.unverified)
    verdicts = _frame({
        "document": document.path, "document_sha256": document.sha256, "rubric": rubric.id,
        "rubric_version": rubric.version, "rubric_sha256": rubric.sha256,
        "edition": rubric.edition, "language": cand.language, "criterion": ids,
        "label": [c.label for c in crits], "group": [c.group for c in crits],
        "level": level.astype(object), "confidence": np.round(conf, 3),
        "reason": reason.astype(object), "n_evidence": n.astype(np.int64),
        "n_vetoed": stats["n_vetoed"].astype(np.int64), "pages": stats["pages"],
        "level_rule": [s.name for s in specs],
        "verified": [bool(rubric.verified and c.verified) for c in crits],
        "unverified": ["; ".join(x for x in (rub_unver, cu) if x) for cu in crit_unver],
        "value": value, "unit": unit, "band": band}, VERDICT_COLUMNS)

    evidence = _evidence_records(document, rubric, cols, cand.language, ranker)
    summary = _summary(document, rubric, verdicts, cand)
    return DocumentScore(verdicts, evidence, summary)


#: Share of a document (pages, or characters in languages without rules) that cannot be
#: determined from which the document gets no band (LEVELS.md: "too much undeterminable").
UNDETERMINABLE_SHARE = 1 / 3
#: Share of the text in languages without rules from which absence is not claimed.
UNCOVERED_MIN = 0.05

_STR = pd.StringDtype(na_value=np.nan)  # pandas' default "str" dtype


def _frame(data: dict, columns: list) -> pd.DataFrame:
    """``pd.DataFrame(data, columns=columns)``, twice as fast: all-string columns (and
    string scalars) are made ``str`` arrays directly instead of being inferred one by one.
    Same frame, same dtypes."""
    n = max((len(v) for v in data.values() if not np.isscalar(v)), default=0)
    if not n:
        return pd.DataFrame(data, columns=columns)
    if len(_STR_ARRAYS) > 4096:  # bound the memory of a long-running process
        _STR_ARRAYS.clear()
    out = {}
    for c in columns:
        v = data[c]
        if isinstance(v, str):
            v = (v,) * n
        elif (isinstance(v, list) or (isinstance(v, np.ndarray) and v.dtype == object)) \
                and all(isinstance(x, str) for x in v):
            v = tuple(v)
        if isinstance(v, tuple):
            # most columns repeat from one document or rubric to the next (ids, labels,
            # levels): convert each distinct column once
            arr = _STR_ARRAYS.get(v)
            if arr is None:
                arr = _STR_ARRAYS[v] = pd.array(v, dtype=_STR)
            v = arr
        out[c] = v
    # (the DataFrame copies its columns, so a cached array is never shared with a caller)
    return pd.DataFrame(out, columns=columns, copy=True)


_STR_ARRAYS: dict[tuple, object] = {}


def _evidence_records(document: Document, rubric: Rubric, cols: dict, language: str,
                      ranker) -> list[dict[str, Any]]:
    n = len(cols["ci"])
    if not n:
        return []
    score = (np.round(np.asarray(ranker.score(cols["passage"].tolist()), float), 6)
             if ranker is not None else np.zeros(n))
    # criterion order, supporting before vetoed, ranker score (if any), then position
    order = np.lexsort((cols["end"], cols["start"], -score, cols["vetoed"], cols["ci"]))
    text = document.text
    c = {k: cols[k][order].tolist() for k in EVIDENCE_COLUMNS}
    score = score[order].tolist()
    articles = {p: _ARTICLE.findall(p) for p in set(c["passage"])}
    sha, rid, version = document.sha256, rubric.id, rubric.version
    # one dict per row, built from zipped column lists (no per-row indexing)
    if document.blocks:  # the language each passage was read in
        bstart = np.asarray([a for a, _, _ in document.blocks], np.int64)
        blang = [code for _, _, code in document.blocks]
        at = np.clip(np.searchsorted(bstart, np.asarray(c["start"], np.int64), "right") - 1,
                     0, len(blang) - 1)
        langs = [blang[i] for i in at.tolist()]
    else:
        langs = [language] * len(c["start"])
    recs = [{"document_sha256": sha, "rubric": rid, "rubric_version": version,
             "criterion": crit, "rule": rule, "language": lang, "page": page,
             "start": a, "end": b, "text": text[a:b], "passage": passage,
             "passage_start": ps, "passage_end": pe, "articles": articles[passage],
             "vetoed": vetoed, "veto_term": veto, "veto_kind": why,
             # shown to reviewers: the kind and the cue ("negation: does not address")
             "veto_reason": ("" if not vetoed else f"veto term: {veto}"
                             if why == "rubric negative term" else
                             f"{why}: {veto}" if veto else why),
             "cues": [f for f, on in zip(FLAGS, flags) if on]}
            for lang, crit, rule, page, a, b, passage, ps, pe, vetoed, veto, why, *flags in zip(
                langs, c["criterion"], c["rule"], c["page"], c["start"], c["end"], c["passage"],
                c["passage_start"], c["passage_end"], c["vetoed"], c["veto_term"],
                c["veto_reason"], *(c[f] for f in FLAGS))]
    quantity = ("pollutant", "averaging", "value", "unit", "value_in_table_unit", "table_unit",
                "band")
    for i, rec in enumerate(recs):
        if rec["rule"] == "quantity":
            rec.update({k: _clean(c[k][i]) for k in quantity})
        if ranker is not None:
            rec["rank_score"] = score[i]
    return recs


#: Article references quoted with evidence (SDG 5.a.2 asks for article numbers).
# (The leading lookahead on the first letters lets the engine skip other positions fast.)
_ARTICLE = re.compile(r"(?=[AS第])(?:\b(?:Article|Art\.|Artículo|Artigo|Section|Sección)\s*\d+"
                      r"[a-z]?(?:er)?|第[一二三四五六七八九十百零〇\d]+条)")


def indicator_outcome(rubric: Rubric, levels: pd.DataFrame) -> tuple[dict, bool | None]:
    """The rubric's roll-up of one document's levels and whether it meets its indicator.

    ``levels`` has ``criterion`` and ``level`` columns in the rubric's criterion order.
    Returns the aggregate rule's result (``score``, ``score_high``, ``band`` …) and
    ``passed``: True at or above the threshold, False when even counting every
    not_determinable criterion as present stays below, None when they could swing it."""
    weights = np.asarray([c.weight for c in rubric.criteria], dtype=float)
    agg = registry.get("aggregate", rubric.aggregate.name).func(
        levels, weights, **rubric.aggregate.kwargs())
    ind = rubric.indicator_settings()
    thr = float(ind["threshold"])
    on = ind.get("compare", "score")
    low, high = (agg["score"], agg["score_high"]) if on == "score" else (agg["band"],
                                                                         agg["band_high"])
    try:
        lo_ok, hi_ok = float(low) >= thr, float(high) >= thr
        passed: bool | None = True if lo_ok else (False if not hi_ok else None)
    except (TypeError, ValueError):
        passed = None
    return agg, passed


def _summary(document: Document, rubric: Rubric, verdicts: pd.DataFrame, cand) -> dict:
    agg, passed = indicator_outcome(rubric, verdicts)
    ind = rubric.indicator_settings()
    thr = float(ind["threshold"])
    on = ind.get("compare", "score")
    # too much undeterminable text: no band (a band from a third of a document misleads)
    pages = document.pages
    bad_pages = len(document.unreadable_pages)
    uncovered = float(getattr(cand, "uncovered_share", 0.0) or 0.0)
    withheld = ""
    if not cand.language_covered:
        withheld = f"language {cand.language!r} has no rules in this rubric"
    elif pages and bad_pages / len(pages) >= UNDETERMINABLE_SHARE:
        withheld = f"{bad_pages} of {len(pages)} page(s) cannot be read"
    elif uncovered >= UNDETERMINABLE_SHARE:
        withheld = f"{uncovered:.0%} of the text is in languages without rules"
    if withheld:
        agg = dict(agg, band="", band_high="")
        passed = None
    counts = Counter(verdicts["level"].tolist())
    quantity_ids = {c.id for c in rubric.criteria if c.quantity}
    unver = list(rubric.unverified) + [f"criterion {c.id}: {c.unverified}"
                                       for c in rubric.criteria if not c.verified]
    return {
        "document": document.path, "document_sha256": document.sha256,
        "rubric": rubric.id, "rubric_version": rubric.version, "rubric_sha256": rubric.sha256,
        "edition": rubric.edition, "language": cand.language,
        "language_covered": cand.language_covered,
        "score": agg["score"], "score_max": agg["score_max"], "score_high": agg["score_high"],
        "band": agg["band"], "band_high": agg["band_high"], "band_withheld": withheld,
        "indicator": ind.get("label", ""), "threshold": thr, "threshold_on": on,
        # None: the not_determinable criteria could move the result across the threshold
        "indicator_pass": passed,
        **{f"n_{lv}": int(counts.get(lv, 0)) for lv in
           ("present", "partial", "absent", "not_applicable", "not_determinable")},
        # band reached per quantity criterion ("AQG", "IT-2", "above IT-1"; "" = none found)
        "bands": {c: b for c, b in zip(verdicts["criterion"].tolist(),
                                       verdicts["band"].tolist()) if c in quantity_ids},
        "unreadable_pages": list(document.unreadable_pages),
        "verified": bool(rubric.verified and all(c.verified for c in rubric.criteria)),
        "unverified": unver, "approximation": rubric.approximation,
    }
