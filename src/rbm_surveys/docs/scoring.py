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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.docs.document import Document
from rbm_surveys.docs.rubric import Rubric, registry
from rbm_surveys.errors import UsageError

__all__ = ["DocumentScore", "score_document", "VERDICT_COLUMNS"]

#: Columns of ``DocumentScore.verdicts``, in order (one row per criterion).
VERDICT_COLUMNS = ["document", "document_sha256", "rubric", "rubric_version", "rubric_sha256",
                   "edition", "language", "criterion", "label", "group", "level", "confidence",
                   "reason", "n_evidence", "n_vetoed", "pages", "level_rule", "verified",
                   "unverified", "value", "unit", "band"]


# --------------------------------------------------------------------------- level rules
# A level rule takes the per-criterion evidence statistics (one row per criterion) and the
# candidate evidence, and returns level, reason and (for quantities) value/unit/band.

@registry.register("level", "rbm.level.count.v1",
                   present_min=(int, 2), partial_min=(int, 1), present_rules_min=(int, 1),
                   strong=(list, []))
def level_count_v1(stats: pd.DataFrame, evidence: pd.DataFrame, *, present_min: int,
                   partial_min: int, present_rules_min: int, strong: list) -> pd.DataFrame:
    """Count distinct supporting passages: >= present_min (from >= present_rules_min distinct
    rules) -> present; >= partial_min -> partial; else absent. One unvetoed match of a rule
    kind listed in ``strong`` ("cooccur", "patterns", "phrases") is enough for present."""
    n, r = stats["n_evidence"].to_numpy(), stats["n_rules"].to_numpy()
    has_strong = np.zeros(len(stats), dtype=bool)
    if strong:
        good = evidence[~evidence["vetoed"]]
        kinds = good["rule"].str.extract(r"\.(\w+)\[", expand=False)
        hit = set(good.loc[kinds.isin(strong), "criterion"])
        has_strong = stats["criterion"].isin(hit).to_numpy()
    present = ((n >= present_min) & (r >= present_rules_min)) | has_strong
    partial = ~present & (n >= partial_min)
    level = np.select([present, partial], ["present", "partial"], "absent")
    reason = np.where(
        n > 0,
        [f"{k} passage(s) matched by {j} rule(s)"
         + ("; a strong rule (" + "/".join(strong) + ") matched" if s else
            f"; present needs {present_min} passage(s) from {present_rules_min} rule(s)")
         for k, j, s in zip(n, r, has_strong)],
        "no passage matched the criterion's evidence rules")
    return pd.DataFrame({"level": level, "reason": reason}, index=stats.index)


@registry.register("level", "rbm.level.quantity_band.v1",
                   pick=(str, "least_stringent"), above_targets=(str, "absent"))
def level_quantity_band_v1(stats: pd.DataFrame, evidence: pd.DataFrame, *, pick: str,
                           above_targets: str) -> pd.DataFrame:
    """A numeric standard at or below the AQG level -> present; within an interim target ->
    partial; above every target -> ``above_targets`` (absent by default); none -> absent.

    Several standards for one pollutant and averaging time (e.g. staged targets): ``pick``
    "least_stringent" (default: the binding one today, never overstates) or
    "most_stringent"."""
    if pick not in ("least_stringent", "most_stringent"):
        raise UsageError(f"pick must be least_stringent or most_stringent, not {pick!r}")
    ev = evidence[(evidence["rule"] == "quantity") & ~evidence["vetoed"]
                  & evidence["value_in_table_unit"].notna()]
    ev = ev.sort_values(["criterion", "value_in_table_unit", "start"], kind="stable",
                        ascending=[True, pick == "most_stringent", True])
    chosen = ev.drop_duplicates("criterion").set_index("criterion")
    out = pd.DataFrame(index=stats.index)
    c = chosen.reindex(stats["criterion"].to_numpy())
    rank = c["band_rank"].fillna(-3).to_numpy()
    out["level"] = np.select([rank == 0, rank >= 1, rank == -1],
                             ["present", "partial", above_targets], "absent")
    val = c["value_in_table_unit"].to_numpy()
    unit = c["table_unit"].fillna("").to_numpy()
    band = c["band"].fillna("").to_numpy()
    n_all = ev.groupby("criterion").size().reindex(stats["criterion"]).fillna(0).to_numpy()
    out["reason"] = [
        (f"standard {v:g} {u} ({'of ' + str(int(k)) + ' found; ' if k > 1 else ''}"
         f"{pick.replace('_', ' ')}) is in band {b}") if b else
        "no numeric standard for this pollutant and averaging time"
        for v, u, b, k in zip(val, unit, band, n_all)]
    out["value"], out["unit"], out["band"] = val, unit, band
    return out


# --------------------------------------------------------------------------- aggregation
def _band(score: float, bands: list) -> Any:
    for b in sorted(bands, key=lambda b: -float(b["min"])):
        if score >= float(b["min"]):
            return b["band"]
    return ""


@registry.register("aggregate", "rbm.aggregate.count.v1",
                   partial_weight=((int, float), 0.0), use_weights=(bool, False),
                   bands=(list, []))
def aggregate_count_v1(verdicts: pd.DataFrame, weights: np.ndarray, *, partial_weight: float,
                       use_weights: bool, bands: list) -> dict[str, Any]:
    """Score = number of criteria present (+ partial_weight per partial), optionally weighted.
    ``score_high`` counts every not_determinable criterion as present (what it could reach)."""
    w = weights if use_weights else np.ones(len(verdicts))
    lv = verdicts["level"].to_numpy()
    pts = np.select([lv == "present", lv == "partial"], [1.0, float(partial_weight)], 0.0)
    score = float((pts * w).sum())
    high = score + float(w[lv == "not_determinable"].sum())
    return {"score": round(score, 6), "score_max": float(w[lv != "not_applicable"].sum()),
            "score_high": round(high, 6), "band": _band(score, bands),
            "band_high": _band(high, bands)}


@registry.register("aggregate", "rbm.aggregate.share.v1",
                   partial_weight=((int, float), 0.5), bands=(list, []))
def aggregate_share_v1(verdicts: pd.DataFrame, weights: np.ndarray, *, partial_weight: float,
                       bands: list) -> dict[str, Any]:
    """Score = weighted share (0–1) of points over applicable criteria (present 1, partial
    ``partial_weight``); not_determinable counts as 0 in ``score`` and 1 in ``score_high``."""
    lv = verdicts["level"].to_numpy()
    app = lv != "not_applicable"
    denom = float(weights[app].sum()) or 1.0
    pts = np.select([lv == "present", lv == "partial"], [1.0, float(partial_weight)], 0.0)
    score = float((pts * weights).sum()) / denom
    high = score + float(weights[lv == "not_determinable"].sum()) / denom
    return {"score": round(score, 6), "score_max": 1.0, "score_high": round(high, 6),
            "band": _band(score, bands), "band_high": _band(high, bands)}


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
    ev = cand.table
    crits = rubric.criteria
    ids = [c.id for c in crits]
    good = ev[~ev["vetoed"]]
    stats = pd.DataFrame({"criterion": ids})
    stats["n_evidence"] = (good.drop_duplicates(["criterion", "passage_start"])
                           .groupby("criterion").size().reindex(ids).fillna(0)
                           .astype(int).to_numpy())
    stats["n_rules"] = (good.drop_duplicates(["criterion", "rule"]).groupby("criterion").size()
                        .reindex(ids).fillna(0).astype(int).to_numpy())
    stats["n_vetoed"] = (ev[ev["vetoed"]].groupby("criterion").size().reindex(ids).fillna(0)
                         .astype(int).to_numpy())
    pages = good.groupby("criterion")["page"].agg(
        lambda s: ";".join(str(p) for p in sorted(set(s))))
    stats["pages"] = pages.reindex(ids).fillna("").to_numpy()

    # 3. the level rule of each criterion (criterion override or the rubric's), per group
    specs = [c.level_rule or rubric.level_rule for c in crits]
    res = pd.DataFrame({"level": "absent", "reason": "", "value": np.nan, "unit": "",
                        "band": ""}, index=stats.index)
    for spec in dict.fromkeys(specs):
        rows = [i for i, s in enumerate(specs) if s == spec]
        out = registry.get("level", spec.name).func(stats.loc[rows], ev, **spec.kwargs())
        for col in out.columns:
            res.loc[rows, col] = out[col].to_numpy()
    level = res["level"].to_numpy(dtype=object)
    reason = res["reason"].to_numpy(dtype=object)

    unreadable = document.unreadable_pages
    ur_text = (f"pages {', '.join(map(str, unreadable))} unreadable" if unreadable else "")
    applicable = np.asarray([cand.applicable[c] for c in ids])
    # 4. absence is not claimed when part of the document could not be read
    nd = (level == "absent") & bool(unreadable)
    reason = np.where(nd, "no evidence on the readable pages; " + ur_text, reason)
    level = np.where(nd, "not_determinable", level)
    # 2. applicability (unknowable when pages are unreadable, unless it is structural)
    na = ~applicable
    structural = np.asarray([c in cand.structural for c in ids], dtype=bool)
    na_nd = na & ~structural & bool(unreadable)
    na_text = np.asarray([(cand.not_applicable_reason or {}).get(c, "") for c in ids],
                         dtype=object)
    level = np.where(na, np.where(na_nd, "not_determinable", "not_applicable"), level)
    reason = np.where(na, np.where(na_nd, na_text + " on the readable pages; " + ur_text,
                                   na_text), reason)
    # 1. language
    if not cand.language_covered:
        level = np.full(len(ids), "not_determinable", dtype=object)
        reason = np.full(len(ids), f"no evidence rules for language {cand.language!r} "
                         f"(rubric languages: {', '.join(rubric.languages)})", dtype=object)
    elif unreadable:
        reason = np.where(np.isin(level, ["present", "partial"]), reason + "; " + ur_text,
                          reason)

    n = stats["n_evidence"].to_numpy()
    conf = np.select(
        [level == "present", level == "partial", level == "absent", level == "not_applicable"],
        [np.minimum(0.95, 0.6 + 0.1 * n), 0.5,
         np.where(stats["n_vetoed"].to_numpy() > 0, 0.4, 0.6), 0.7], 0.0)
    crit_unver = [c.unverified if not c.verified else "" for c in crits]
    rub_unver = "; ".join(rubric.unverified)
    verdicts = pd.DataFrame({
        "document": document.path, "document_sha256": document.sha256, "rubric": rubric.id,
        "rubric_version": rubric.version, "rubric_sha256": rubric.sha256,
        "edition": rubric.edition, "language": cand.language, "criterion": ids,
        "label": [c.label for c in crits], "group": [c.group for c in crits],
        "level": level.astype(object), "confidence": np.round(conf, 3),
        "reason": reason.astype(object), "n_evidence": n.astype(np.int64),
        "n_vetoed": stats["n_vetoed"].to_numpy(np.int64), "pages": stats["pages"].to_numpy(),
        "level_rule": [s.name for s in specs],
        "verified": [bool(rubric.verified and c.verified) for c in crits],
        "unverified": ["; ".join(x for x in (rub_unver, cu) if x) for cu in crit_unver],
        "value": res["value"].astype("float64").to_numpy(), "unit": res["unit"].to_numpy(),
        "band": res["band"].to_numpy()}, columns=VERDICT_COLUMNS)

    evidence = _evidence_records(document, rubric, ev, cand.language, ranker)
    summary = _summary(document, rubric, verdicts, cand)
    return DocumentScore(verdicts, evidence, summary)


def _evidence_records(document: Document, rubric: Rubric, ev: pd.DataFrame, language: str,
                      ranker) -> list[dict[str, Any]]:
    if ev.empty:
        return []
    ev = ev.copy()
    if ranker is not None:
        ev["rank_score"] = np.round(ranker.score(ev["passage"].tolist()), 6)
    else:
        ev["rank_score"] = np.nan
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    ev["_o"] = ev["criterion"].map(order)
    ev["_r"] = -ev["rank_score"].fillna(0.0)
    ev = ev.sort_values(["_o", "vetoed", "_r", "start", "end", "rule"], kind="stable")
    text = document.text
    recs = []
    for row in ev.drop(columns=["_o", "_r"]).to_dict(orient="records"):
        rec = {"document_sha256": document.sha256, "rubric": rubric.id,
               "rubric_version": rubric.version, "criterion": row["criterion"],
               "rule": row["rule"], "language": language, "page": int(row["page"]),
               "start": int(row["start"]), "end": int(row["end"]),
               "text": text[int(row["start"]):int(row["end"])],
               "passage": row["passage"], "passage_start": int(row["passage_start"]),
               "passage_end": int(row["passage_end"]), "vetoed": bool(row["vetoed"]),
               "veto_term": row["veto_term"]}
        if row["rule"] == "quantity":
            rec.update({k: _clean(row[k]) for k in ("pollutant", "averaging", "value", "unit",
                                                    "value_in_table_unit", "table_unit",
                                                    "band")})
        if ranker is not None:
            rec["rank_score"] = _clean(row["rank_score"])
        recs.append(rec)
    return recs


def _summary(document: Document, rubric: Rubric, verdicts: pd.DataFrame, cand) -> dict:
    weights = np.asarray([c.weight for c in rubric.criteria], dtype=float)
    agg = registry.get("aggregate", rubric.aggregate.name).func(
        verdicts, weights, **rubric.aggregate.kwargs())
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
    counts = verdicts["level"].value_counts()
    unver = list(rubric.unverified) + [f"criterion {c.id}: {c.unverified}"
                                       for c in rubric.criteria if not c.verified]
    return {
        "document": document.path, "document_sha256": document.sha256,
        "rubric": rubric.id, "rubric_version": rubric.version, "rubric_sha256": rubric.sha256,
        "edition": rubric.edition, "language": cand.language,
        "language_covered": cand.language_covered,
        "score": agg["score"], "score_max": agg["score_max"], "score_high": agg["score_high"],
        "band": agg["band"], "band_high": agg["band_high"],
        "indicator": ind.get("label", ""), "threshold": thr, "threshold_on": on,
        # None: the not_determinable criteria could move the result across the threshold
        "indicator_pass": passed,
        **{f"n_{lv}": int(counts.get(lv, 0)) for lv in
           ("present", "partial", "absent", "not_applicable", "not_determinable")},
        "unreadable_pages": list(document.unreadable_pages),
        "verified": bool(rubric.verified and all(c.verified for c in rubric.criteria)),
        "unverified": unver, "approximation": rubric.approximation,
    }
