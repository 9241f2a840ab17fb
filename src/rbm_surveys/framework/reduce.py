"""Reduce survey estimates and document verdicts to framework indicator values.

The links between measurements and framework indicators are data
(``data/framework/links.yaml``, or a user's own file): each says which survey indicator or
rubric feeds which ``framework_id`` and by which rule (see that file's header). The output
feeds :func:`rbm_surveys.framework.progress.progress` directly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from rbm_surveys.errors import ConfigError, DataError

__all__ = ["VALUE_COLUMNS", "load_links", "reduce_survey", "reduce_verdicts"]

VALUE_COLUMNS = ["framework_id", "year", "location", "value", "se", "n", "undetermined",
                 "source"]
_RULES = {"survey": ("estimate",), "rubric": ("count_pass", "count_band")}


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


def reduce_survey(results: pd.DataFrame, year: int, links: pd.DataFrame | None = None,
                  location: str = "") -> pd.DataFrame:
    """Whole-population estimates of linked survey indicators → framework values."""
    links = load_links() if links is None else links
    survey = links[links["source"] == "survey"]
    need = {"indicator", "disaggregation", "estimate", "se", "n"}
    if need - set(results.columns):
        raise DataError(f"survey results lack {sorted(need - set(results.columns))}",
                        hint="pass the results table of run_survey / rbm survey run")
    overall = results[results["disaggregation"] == "all"]
    if "category" in overall:  # single-category indicators only: a distribution is not one value
        overall = overall[overall["category"].isna() | (overall["category"] == "")]
    rows = survey.merge(overall, on="indicator", how="inner")
    out = pd.DataFrame({
        "framework_id": rows["framework_id"], "year": year, "location": location,
        "value": rows["estimate"], "se": rows["se"], "n": rows["n"], "undetermined": 0,
        "source": "survey indicator " + rows["indicator"],
    })
    return out[VALUE_COLUMNS].reset_index(drop=True)


def reduce_verdicts(summaries: pd.DataFrame, year: int, links: pd.DataFrame | None = None,
                    location: str = "") -> pd.DataFrame:
    """Document roll-ups (``DocumentScore.summary`` rows) → counts of partners per indicator.

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
