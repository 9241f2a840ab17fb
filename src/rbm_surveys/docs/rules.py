"""Built-in level and aggregate rules: pure functions of evidence statistics and levels.

They are *registered* by :mod:`rbm_surveys.docs.registry` from :data:`BUILTIN` (name,
version, typed parameters); this module imports neither the registry nor the rubric loader
nor the scorer, so there is no import cycle.

A level rule takes the per-criterion evidence statistics (dict of equal-length arrays, one
entry per criterion: criterion, n_evidence, n_rules, n_vetoed, pages, kinds, and the
per-criterion operative flags of :func:`level_operative_v1`) and the candidate evidence
(numpy columns, see ``evidence.EVIDENCE_COLUMNS``), and returns a dict of arrays: level,
reason and (for quantities) value, unit, band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import UsageError

__all__ = ["BUILTIN", "level_count_v1", "level_operative_v1", "level_quantity_band_v1", "aggregate_count_v1",
           "aggregate_share_v1"]

# A level rule takes the per-criterion evidence statistics (dict of equal-length arrays, one
# entry per criterion: criterion, n_evidence, n_rules, n_vetoed, pages, kinds) and the
# candidate evidence (numpy columns, see evidence.EVIDENCE_COLUMNS), and returns a dict of
# arrays: level, reason and (for quantities) value, unit, band.

# registered as level rule 'rbm.level.count.v1' (see BUILTIN)
def level_count_v1(stats: dict, evidence: dict, *, present_min: int,
                   partial_min: int, present_rules_min: int, strong: list,
                   or_distinct_rules: int) -> dict:
    """Count distinct supporting passages: >= present_min (from >= present_rules_min distinct
    rules) -> present; >= partial_min -> partial; else absent. Also present: one unvetoed
    match of a rule kind listed in ``strong`` ("cooccur", "patterns", "phrases"), or matches
    of >= ``or_distinct_rules`` different rules (0 = off), even within one passage."""
    n, r = stats["n_evidence"], stats["n_rules"]
    has_strong = np.zeros(len(stats["criterion"]), dtype=bool)
    if strong:
        kinds = [k.split(";") for k in stats["kinds"]]
        has_strong = np.asarray([bool(set(ks) & set(strong)) for ks in kinds], dtype=bool)
    present = ((n >= present_min) & (r >= present_rules_min)) | has_strong
    if or_distinct_rules > 0:
        present |= r >= or_distinct_rules
    partial = ~present & (n >= partial_min)
    level = np.select([present, partial], ["present", "partial"], "absent")
    reason = np.where(
        n > 0,
        [f"{k} passage(s) matched by {j} rule(s)"
         + ("; a strong rule (" + "/".join(strong) + ") matched" if s else
            f"; present needs {present_min} passage(s) from {present_rules_min} rule(s)"
            + (f" or {or_distinct_rules} different rules" if or_distinct_rules else ""))
         for k, j, s in zip(n, r, has_strong)],
        "no passage matched the criterion's evidence rules")
    return {"level": level, "reason": reason}


# registered as level rule 'rbm.level.quantity_band.v1' (see BUILTIN)
def level_quantity_band_v1(stats: dict, evidence: dict, *, pick: str,
                           above_targets: str) -> dict:
    """A numeric standard at or below the AQG level -> present; within an interim target ->
    partial; above every target -> ``above_targets`` (absent by default); none -> absent.

    Several standards for one pollutant and averaging time (e.g. staged targets): ``pick``
    "least_stringent" (default: the binding one today, never overstates) or
    "most_stringent"."""
    if pick not in ("least_stringent", "most_stringent"):
        raise UsageError(f"pick must be least_stringent or most_stringent, not {pick!r}")
    crit = evidence["criterion"]
    vtu = evidence["value_in_table_unit"]
    usable = (evidence["rule"] == "quantity") & ~evidence["vetoed"] & ~np.isnan(vtu)
    k = len(stats["criterion"])
    level = np.full(k, "absent", dtype=object)
    reason = np.full(k, "no numeric standard for this pollutant and averaging time",
                     dtype=object)
    val, unit, band = np.full(k, np.nan), np.full(k, "", object), np.full(k, "", object)
    for i, cid in enumerate(stats["criterion"]):  # a dozen criteria, not rows
        idx = np.flatnonzero(usable & (crit == cid))
        if not len(idx):
            continue
        # candidates are in text order, so ties keep the first one written
        j = idx[np.argmax(vtu[idx]) if pick == "least_stringent" else np.argmin(vtu[idx])]
        rank = int(evidence["band_rank"][j])
        level[i] = ("present" if rank == 0 else "partial" if rank >= 1
                    else above_targets if rank == -1 else "absent")
        val[i], unit[i], band[i] = vtu[j], evidence["table_unit"][j], evidence["band"][j]
        more = f"of {len(idx)} found; " if len(idx) > 1 else ""
        where = (f"is above every target ({band[i]})" if rank == -1
                 else f"is in band {band[i]}")
        reason[i] = f"standard {val[i]:g} {unit[i]} ({more}{pick.replace('_', ' ')}) {where}"
    return {"level": level, "reason": reason, "value": val, "unit": unit, "band": band}




# --------------------------------------------------------------------------- aggregation
# registered as level rule 'rbm.level.operative.v1' (see BUILTIN)
def level_operative_v1(stats: dict, evidence: dict, *, urban: bool, legal: bool,
                       describe: list) -> dict:
    """Levels as LEVELS.md defines them, from the unvetoed passages of each criterion.

    * default: **present** when one passage has a commitment cue (shall / will / establishes
      / allocates …) AND a concrete element (programme, target, budget, responsible body,
      mechanism, binding provision, a number or amount); with ``urban``, that passage must
      also refer to cities / urban areas / municipalities. **partial** when the criterion
      is matched in at least one unvetoed passage otherwise.
    * ``legal`` (SDG 5.a.2): **present** when a passage states the proxy in binding terms
      (shall, a right, guaranteed, prohibited, compulsory, or an article of law stating it)
      without weakening wording
      (encouraged, may, optional, subject to, only in …); **partial** otherwise.
    * criteria listed in ``describe`` (challenges, vulnerabilities): **present** when one
      passage gives a specific description (a named hazard or emission source, data, an
      affected population) at urban level; **partial** otherwise.

    Vetoed passages (negated, hypothetical, reference lists …) never count."""
    crit = evidence["criterion"]
    good = ~evidence["vetoed"] & (evidence["rule"] != "quantity")
    k = len(stats["criterion"])
    level = np.full(k, "absent", dtype=object)
    reason = np.full(k, "no unvetoed passage matched the criterion's evidence rules",
                     dtype=object)
    com, con, urb = evidence["commitment"], evidence["concrete"], evidence["urban"]
    bind, weak, spec = evidence["binding"], evidence["weak"], evidence["specific"]
    for i, cid in enumerate(stats["criterion"]):  # criteria, not rows
        mine = good & (crit == cid)
        if not mine.any():
            if stats["n_vetoed"][i]:
                reason[i] = (f"only vetoed passages ({int(stats['n_vetoed'][i])}): "
                             "negated, hypothetical, reference, template or name text")
            continue
        n_pass = int(stats["n_evidence"][i])
        if cid in describe:
            ok = mine & spec & (urb if urban else True)
            what = "a specific description (hazard, source, data, population)" + \
                (" at urban level" if urban else "")
        elif legal:
            prov = evidence["provision"]
            ok = mine & (bind | prov) & ~weak
            what = ("binding legal wording (a right, shall, prohibited, or an article in "
                    "force) without weakening conditions")
        else:
            ok = mine & com & con & (urb if urban else True)
            what = "an adopted commitment with a concrete element" + \
                (" at urban level" if urban else "")
        if ok.any():
            level[i] = "present"
            reason[i] = f"{int(ok.sum())} match(es) in {n_pass} passage(s) with {what}"
        else:
            level[i] = "partial"
            missing = []
            if legal:
                missing.append("weakened (encouraged, optional, conditional or limited)"
                               if (mine & (bind | evidence["provision"])).any()
                               else "no binding wording or article of law")
            elif cid in describe:
                missing.append("no specific description" if not (mine & spec).any()
                               else "no urban reference")
            else:
                if not (mine & com).any():
                    missing.append("no commitment wording")
                if not (mine & con).any():
                    missing.append("no concrete element")
                if urban and not (mine & urb).any():
                    missing.append("no urban reference")
                if not missing:
                    missing.append("commitment, concrete element"
                                   + (" and urban reference" if urban else "")
                                   + " not in the same passage")
            reason[i] = f"{n_pass} passage(s) address it, but {'; '.join(missing)}"
    return {"level": level, "reason": reason}


def _band(score: float, bands: list) -> Any:
    for b in sorted(bands, key=lambda b: -float(b["min"])):
        if score >= float(b["min"]):
            return b["band"]
    return ""


# registered as aggregate rule 'rbm.aggregate.count.v1' (see BUILTIN)
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


# registered as aggregate rule 'rbm.aggregate.share.v1' (see BUILTIN)
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




BUILTIN = [
    ('level', 'rbm.level.count.v1', level_count_v1, dict(present_min=(int, 2), partial_min=(int, 1), present_rules_min=(int, 1), strong=(list, []), or_distinct_rules=(int, 0))),
    ('level', 'rbm.level.quantity_band.v1', level_quantity_band_v1, dict(pick=(str, "least_stringent"), above_targets=(str, "absent"))),
    ('level', 'rbm.level.operative.v1', level_operative_v1, dict(urban=(bool, False), legal=(bool, False), describe=(list, []))),
    ('aggregate', 'rbm.aggregate.count.v1', aggregate_count_v1, dict(partial_weight=((int, float), 0.0), use_weights=(bool, False), bands=(list, []))),
    ('aggregate', 'rbm.aggregate.share.v1', aggregate_share_v1, dict(partial_weight=((int, float), 0.5), bands=(list, []))),
]
