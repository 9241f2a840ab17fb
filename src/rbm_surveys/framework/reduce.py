"""Reduce survey estimates and reviewed document verdicts to framework indicator values.

The links between measurements and framework indicators are data
(``data/framework/links.yaml``, or a user's own file): each says which survey indicator or
rubric feeds which ``framework_id`` and by which rule (see that file's header).

* :func:`survey_values` — a survey run's tidy indicators table (``rbm survey run``) at one
  location and year → register values: the whole-population estimate *and* every
  disaggregation, with SE, interval, n, suppression and the CSV rows they came from.
* :func:`document_results` — reviewed verdicts (``final_verdicts.csv`` of ``rbm review
  import``) → one result per (document, rubric): the rubric's own aggregation and threshold
  re-applied to the *final* levels, labelled with the weakest review status of its criteria.
  Only reviewed/adjudicated documents count unless ``include_unreviewed``.
* :func:`partner_rules` — document results → the register of partners meeting each rule
  (a partner counts once per indicator and year, whatever number of its documents pass).

:func:`reduce_survey` and :func:`reduce_verdicts` (machine proposals, no review) are kept for
the API and the tests that check them.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path, PurePath

import numpy as np
import pandas as pd
import yaml

from rbm_surveys.errors import ConfigError, DataError

__all__ = ["VALUE_COLUMNS", "REVIEW_STATUSES", "load_links", "reduce_survey", "reduce_verdicts",
           "survey_values", "document_results", "partner_rules", "review_status"]

VALUE_COLUMNS = ["framework_id", "year", "location", "value", "se", "n", "undetermined",
                 "source"]
_RULES = {"survey": ("estimate",), "rubric": ("count_pass", "count_band")}
#: Review statuses a final verdict row may carry, and what the register calls them.
REVIEW_STATUSES = {"reviewed": "reviewed", "agreed": "reviewed", "adjudicated": "adjudicated",
                   "unreviewed": "unreviewed", "pending": "unreviewed",
                   "needs adjudication": "unreviewed",
                   "unreviewed — demo": "unreviewed — demo"}
_SURVEY_NEED = ["indicator", "disaggregation", "level", "estimate", "se", "n"]


def load_links(path: str | Path | None = None) -> pd.DataFrame:
    """The measurement → framework links, checked (every problem named by entry and key)."""
    if path is None:
        text = resources.files("rbm_surveys").joinpath("data", "framework", "links.yaml").read_text(
            encoding="utf-8")
        where = "links.yaml (shipped)"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the links file: {exc.strerror}", file=path) from exc
        where = str(path)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError("not valid YAML", file=where,
                          line=mark.line + 1 if mark else None) from exc
    entries = doc.get("links") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ConfigError("expected a top-level 'links:' list", file=where)
    problems = []
    for i, e in enumerate(entries):
        key = f"links[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{key}: must be a mapping")
            continue
        source, rule = e.get("source"), e.get("reduce", "estimate")
        if not str(e.get("framework_id", "")).startswith("RF"):
            problems.append(f"{key}.framework_id: must be an id like RF0364")
        if source not in _RULES:
            problems.append(f"{key}.source: must be one of {sorted(_RULES)}")
        elif rule not in _RULES[source]:
            problems.append(f"{key}.reduce: {rule!r} is not a rule for {source} "
                            f"(use one of {list(_RULES[source])})")
        needed = "indicator" if source == "survey" else "rubric"
        if source in _RULES and not e.get(needed):
            problems.append(f"{key}.{needed}: missing")
        if rule == "count_band" and not e.get("bands"):
            problems.append(f"{key}.bands: count_band needs the list of bands that count")
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in the links:\n  " + "\n  ".join(problems),
                          file=where)
    frame = pd.DataFrame(entries)
    for col in ("indicator", "rubric", "bands"):
        if col not in frame:
            frame[col] = None
    frame["reduce"] = frame.get("reduce", pd.Series(dtype=object)).fillna("estimate")
    return frame


# --------------------------------------------------------------------------- surveys
def survey_values(results: pd.DataFrame, year: int, location: str,
                  links: pd.DataFrame | None = None, file: str = "",
                  sha256: str = "") -> pd.DataFrame:
    """Linked survey indicators at one location and year → register values (all rows).

    ``results`` is the tidy table ``rbm survey run`` writes (``indicators.csv``). Rows of a
    distribution (a non-empty ``category``) are not framework values and are left out. The
    ``provenance`` of each value names the file, its hash and the CSV line it came from.
    """
    links = load_links() if links is None else links
    missing = [c for c in _SURVEY_NEED if c not in results.columns]
    if missing:
        raise DataError(f"survey results lack the column(s) {missing}", file=file or None,
                        hint="pass the indicators CSV that `rbm survey run` writes")
    r = results.reset_index(drop=True).copy()
    r["_line"] = np.arange(len(r)) + 2
    if "category" in r:
        r = r[r["category"].isna() | (r["category"].astype(str).str.strip() == "")]
    survey = links[links["source"] == "survey"][["framework_id", "indicator"]]
    rows = survey.merge(r, on="indicator", how="inner")
    if rows.empty:
        return pd.DataFrame(columns=["framework_id", "location", "year", "disaggregation",
                                     "level", "scale", "value", "se", "ci_low", "ci_high", "n",
                                     "suppressed", "flag", "review_status", "provenance"])
    for col in ("ci_low", "ci_high", "suppressed", "flag", "module"):
        if col not in rows:
            rows[col] = np.nan if col.startswith("ci") else ("" if col != "suppressed" else False)
    est = pd.to_numeric(rows["estimate"], errors="coerce")
    suppressed = rows["suppressed"].astype(str).str.lower().isin(["true", "1", "yes"]) | est.isna()
    level = rows["level"].astype(object).fillna("").astype(str)
    disagg = rows["disaggregation"].astype(object).fillna("all").astype(str)
    provenance = [json.dumps({"file": file, "sha256": sha256, "line": int(ln),
                              "module": str(m), "indicator": ind}, ensure_ascii=False)
                  for ln, m, ind in zip(rows["_line"], rows["module"].astype(object).fillna(""),
                                        rows["indicator"])]
    out = pd.DataFrame({
        "framework_id": rows["framework_id"], "location": location, "year": int(year),
        "disaggregation": disagg, "level": np.where(disagg == "all", "", level),
        "scale": "proportion", "value": est.where(~suppressed),
        "se": pd.to_numeric(rows["se"], errors="coerce").where(~suppressed),
        "ci_low": pd.to_numeric(rows["ci_low"], errors="coerce").where(~suppressed),
        "ci_high": pd.to_numeric(rows["ci_high"], errors="coerce").where(~suppressed),
        "n": pd.to_numeric(rows["n"], errors="coerce"), "suppressed": suppressed,
        "flag": rows["flag"].astype(object).fillna("").astype(str), "review_status": "",
        "provenance": provenance,
    })
    return out.reset_index(drop=True)


def reduce_survey(results: pd.DataFrame, year: int, links: pd.DataFrame | None = None,
                  location: str = "") -> pd.DataFrame:
    """Whole-population estimates of linked survey indicators → framework values."""
    vals = survey_values(results, year, location, links)
    vals = vals[vals["disaggregation"] == "all"]
    source = [f"survey indicator {json.loads(p)['indicator']}" for p in vals["provenance"]]
    out = pd.DataFrame({"framework_id": vals["framework_id"], "year": year,
                        "location": location, "value": vals["value"], "se": vals["se"],
                        "n": vals["n"], "undetermined": 0, "source": source})
    return out[VALUE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- documents
def review_status(statuses: pd.Series) -> str:
    """The weakest review status among a document's criteria (unreviewed < reviewed)."""
    mapped = {REVIEW_STATUSES.get(str(s).strip().lower(), "?") for s in statuses}
    if "?" in mapped:
        bad = sorted({str(s) for s in statuses
                      if str(s).strip().lower() not in REVIEW_STATUSES})
        raise DataError(f"unknown review status {bad[0]!r}", column="status",
                        hint=f"use one of {sorted(set(REVIEW_STATUSES))}")
    for s in ("unreviewed", "unreviewed — demo", "adjudicated", "reviewed"):
        if s in mapped:
            return s
    return "unreviewed"


def _rubric_pass(rubric_id: str, levels: pd.DataFrame, document: str) -> dict:
    from rbm_surveys.docs.rubric import load_rubric
    from rbm_surveys.docs.scoring import indicator_outcome

    rubric = load_rubric(rubric_id)
    ids = [c.id for c in rubric.criteria]
    got = dict(zip(levels["criterion"].astype(str), levels["final_level"].astype(str)))
    missing = [c for c in ids if c not in got]
    if missing:
        raise DataError(f"document {document!r} has no final level for criterion/criteria "
                        f"{missing} of rubric {rubric_id}", key=document,
                        hint="the verdicts must cover every criterion of the rubric")
    frame = pd.DataFrame({"criterion": ids, "level": [got[c] for c in ids]})
    agg, passed = indicator_outcome(rubric, frame)
    return {"passed": passed, "score": agg["score"], "score_max": agg["score_max"],
            "band": agg["band"] or "", "criteria": dict(zip(ids, frame["level"]))}


def document_results(final: pd.DataFrame, year: int, partners: dict[str, str] | None = None,
                     links: pd.DataFrame | None = None, include_unreviewed: bool = False,
                     file: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reviewed verdicts → (counted document results, excluded document results).

    ``final`` has ``document, document_sha256, rubric, criterion, final_level, status`` (the
    ``final_verdicts.csv`` of ``rbm review import``) and optionally ``partner``; else
    ``partners`` maps a document's file name to its partner. Documents whose weakest status
    is unreviewed are excluded unless ``include_unreviewed`` (then labelled unreviewed).
    """
    links = load_links() if links is None else links
    need = ["document", "document_sha256", "rubric", "criterion", "final_level", "status"]
    missing = [c for c in need if c not in final.columns]
    if missing:
        raise DataError(f"reviewed verdicts lack the column(s) {missing}", file=file or None,
                        hint="pass the final_verdicts.csv that `rbm review import` writes")
    f = final.copy()
    f["_name"] = [PurePath(str(d).replace("\\", "/")).name for d in f["document"]]
    if "partner" not in f.columns or f["partner"].fillna("").eq("").any():
        partners = partners or {}
        given = f["partner"].fillna("") if "partner" in f.columns else pd.Series("", f.index)
        mapped = [g or partners.get(n, partners.get(d, "")) for g, n, d in
                  zip(given, f["_name"], f["document"])]
        f["partner"] = mapped
        unmapped = sorted(set(f.loc[f["partner"] == "", "_name"]))
        if unmapped:
            raise DataError(f"no partner for document(s) {unmapped[:5]}", file=file or None,
                            hint="map each document file name to its partner under "
                                 "documents[].partners in the config, or add a partner column")
    rubric_links = links[links["source"] == "rubric"]
    rows = []
    for (doc, sha, rubric), g in f.groupby(["document", "document_sha256", "rubric"], sort=False):
        linked = rubric_links[rubric_links["rubric"] == rubric]
        if linked.empty:
            continue
        status = review_status(g["status"])
        result = _rubric_pass(str(rubric), g, str(doc))
        for link in linked.itertuples(index=False):
            if link.reduce == "count_band":
                passed = result["band"] in {str(b) for b in link.bands}
                rule = f"rubric {rubric} band in {list(link.bands)}"
            else:
                passed = result["passed"]
                rule = f"rubric {rubric} indicator threshold"
            rows.append({"framework_id": link.framework_id, "partner": g["partner"].iloc[0],
                         "year": int(year), "rubric": str(rubric), "document": str(doc),
                         "document_sha256": str(sha), "passed": passed,
                         "score": result["score"], "score_max": result["score_max"],
                         "band": result["band"], "review_status": status, "rule": rule,
                         "verdicts": [{"criterion": c, "final_level": lv,
                                       "status": s} for c, lv, s in
                                      zip(g["criterion"], g["final_level"], g["status"])]})
    cols = ["framework_id", "partner", "year", "rubric", "document", "document_sha256",
            "passed", "score", "score_max", "band", "review_status", "rule", "verdicts"]
    res = pd.DataFrame(rows, columns=cols)
    counted = res["review_status"].isin(["reviewed", "adjudicated"]) | include_unreviewed
    return res[counted].reset_index(drop=True), res[~counted].reset_index(drop=True)


def partner_rules(results: pd.DataFrame) -> pd.DataFrame:
    """Document results → partners meeting each rule (one row per indicator, partner, year;
    the best-reviewed passing document is the one named)."""
    passed = results[results["passed"].fillna(False).astype(bool)]
    order = {"adjudicated": 0, "reviewed": 1, "unreviewed": 2}
    passed = passed.assign(_o=passed["review_status"].map(order).fillna(3))
    first = passed.sort_values(["_o", "document"]).drop_duplicates(
        ["framework_id", "partner", "year"])
    return first[["framework_id", "partner", "year", "rule", "review_status", "document",
                  "document_sha256"]].reset_index(drop=True)


def reduce_verdicts(summaries: pd.DataFrame, year: int, links: pd.DataFrame | None = None,
                    location: str = "") -> pd.DataFrame:
    """Document roll-ups (``DocumentScore.summary`` rows, machine proposals) → counts of
    partners per indicator *in this batch* (not cumulative; not reviewed — prefer
    :func:`document_results` for the framework).

    ``summaries`` needs ``rubric, indicator_pass, band`` and either ``partner`` (who the
    document belongs to) or ``document`` (then each document is its own partner).
    """
    links = load_links() if links is None else links
    need = {"rubric", "indicator_pass", "band"}
    if need - set(summaries.columns):
        raise DataError(f"document summaries lack {sorted(need - set(summaries.columns))}",
                        hint="pass the summary of score_document for each document")
    s = summaries.copy()
    s["partner"] = s["partner"] if "partner" in s else s["document"]
    rows = []
    for link in links[links["source"] == "rubric"].itertuples(index=False):
        docs = s[s["rubric"] == link.rubric]
        if docs.empty:
            continue
        if link.reduce == "count_band":
            bands = {str(b) for b in link.bands}
            passed = docs["band"].astype(str).isin(bands).to_numpy()
            undetermined = np.zeros(len(docs), bool)
        else:
            verdict = docs["indicator_pass"]
            undetermined = verdict.isna().to_numpy()
            passed = verdict.fillna(False).astype(bool).to_numpy()
        partners = docs["partner"].to_numpy()
        n_pass = len(set(partners[passed]))
        n_undetermined = len(set(partners[undetermined]) - set(partners[passed]))
        rows.append({"framework_id": link.framework_id, "year": year, "location": location,
                     "value": float(n_pass), "se": np.nan, "n": len(set(partners)),
                     "undetermined": n_undetermined,
                     "source": f"rubric {link.rubric}: {n_pass} of {len(set(partners))} "
                               f"partner(s) pass, {n_undetermined} undetermined"})
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)
