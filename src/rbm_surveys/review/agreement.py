"""Agreement between reviewers, and between the engine and the reviewed levels, with intervals.

Input: decisions of several reviewers (the tables :func:`read_review_workbook` returns, one
per reviewer, concatenated); an *item* is a (document, rubric, criterion), a *coder* a
reviewer, the *value* their final level. Pending rows are left out.

Statistics (one tidy row each, :data:`AGREEMENT_COLUMNS`):

* percent agreement — share of agreeing coder pairs over items coded by two or more;
* Cohen's kappa — exactly two coders (Cohen 1960; equal to scikit-learn
  ``cohen_kappa_score``): (p_o − p_e)/(1 − p_e), p_e from each coder's own margins;
* Krippendorff's alpha, nominal — any number of coders, missing codes allowed (Krippendorff
  2011, "Computing Krippendorff's alpha-reliability", coincidence matrix):
  α = 1 − (n − 1)(n − Σ_c o_cc) / (n² − Σ_c n_c²); the point estimate is checked against the
  ``krippendorff`` package;
* Gwet's AC1 — Gwet (2008) *Br J Math Stat Psychol* 61:29–48, eq. 14–15:
  p_a = mean over items of Σ_k r_ik(r_ik−1) / (r_i(r_i−1)),
  p_e = 1/(K−1) Σ_k π_k(1−π_k) with π_k the mean share of item codes in category k
  (K = the five rubric levels). Unlike kappa it does not collapse when one level dominates.

Intervals: percentile bootstrap over *documents* (all items of a resampled document move
together, since a document's criteria are not independent), ``n_boot`` replicates from a
seeded generator, so the same inputs give the same interval. Every statistic is computed
with item weights (the number of times its document was drawn), vectorised over replicates.
Replicates where a statistic is undefined (e.g. one level only) are dropped from its
interval; ``n_boot`` reports how many were usable.

Scopes: ``all``, each ``rubric`` and each ``criterion``. ``comparison`` is ``reviewers``
(reviewer against reviewer) or ``engine_vs_final`` (the engine's proposal against the
reviewed/adjudicated level — whether the engine helps), where ``changed_share`` is the share
of final levels that differ from the proposal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.review.sheets import LEVELS

__all__ = ["AGREEMENT_COLUMNS", "CONFUSION_COLUMNS", "agreement", "engine_confusion"]

AGREEMENT_COLUMNS = ["comparison", "scope", "rubric", "criterion", "metric", "value", "ci_low",
                     "ci_high", "n_items", "n_documents", "n_coders", "n_boot", "seed"]
CONFUSION_COLUMNS = ["rubric", "proposed_level", "final_level", "n"]
_K = len(LEVELS)
_CODE = {level: i for i, level in enumerate(LEVELS)}


class _Items:
    """Items of one scope: counts per level, the two coders' codes, the document of each."""

    def __init__(self, codes: pd.DataFrame, coders: list[str]) -> None:
        table = pd.crosstab(codes["item"], codes["final_level"])
        self.counts = table.reindex(columns=list(LEVELS), fill_value=0).to_numpy(dtype=float)
        items = table.index
        doc_of = codes.drop_duplicates("item").set_index("item")["document_sha256"]
        self.documents, self.doc_index = np.unique(doc_of.reindex(items).to_numpy(dtype=str),
                                                   return_inverse=True)
        self.pair = None
        if len(coders) == 2:
            wide = codes.pivot(index="item", columns="reviewer", values="final_level")
            wide = wide.reindex(index=items, columns=coders)
            both = wide.notna().all(axis=1).to_numpy()
            a = wide[coders[0]].map(_CODE).fillna(-1).to_numpy(dtype=int)
            b = wide[coders[1]].map(_CODE).fillna(-1).to_numpy(dtype=int)
            self.pair = (both, a, b)


def _statistics(it: _Items, w: np.ndarray) -> dict[str, np.ndarray]:
    """Every statistic for item weights ``w`` (replicates × items)."""
    c = it.counts
    r = c.sum(axis=1)
    usable = r >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pa_i = np.where(usable, (c * (c - 1)).sum(axis=1) / np.where(usable, r * (r - 1), 1), 0)
        wu = w * usable
        pa = (wu @ pa_i) / wu.sum(axis=1)
        coded = r > 0
        share = np.where(coded[:, None], c / np.where(coded, r, 1)[:, None], 0)
        wc = w * coded
        pi = (wc @ share) / wc.sum(axis=1, keepdims=True)
        pe = (pi * (1 - pi)).sum(axis=1) / (_K - 1)
        ac1 = (pa - pe) / (1 - pe)
        # Krippendorff's nominal alpha from the weighted coincidence matrix
        m = np.where(usable, r, 0)
        o_diag = np.where(usable, (c * (c - 1)).sum(axis=1) / np.where(usable, r - 1, 1), 0)
        n = w @ m
        n_c = (w * usable) @ c
        alpha = 1 - (n - 1) * (n - w @ o_diag) / (n ** 2 - (n_c ** 2).sum(axis=1))
        out = {"percent_agreement": pa, "gwet_ac1": ac1, "krippendorff_alpha_nominal": alpha}
        if it.pair is not None:
            both, a, b = it.pair
            wb = w * both
            tot = wb.sum(axis=1)
            po = (wb @ (a == b).astype(float)) / tot
            onehot_a = np.eye(_K)[np.clip(a, 0, None)] * both[:, None]
            onehot_b = np.eye(_K)[np.clip(b, 0, None)] * both[:, None]
            pe_k = ((wb @ onehot_a) / tot[:, None] * (wb @ onehot_b) / tot[:, None]).sum(axis=1)
            out["cohen_kappa"] = (po - pe_k) / (1 - pe_k)
    # a statistic with a zero denominator (one level only, no pairable item) is undefined
    return {k: np.where(np.isfinite(v), v, np.nan) for k, v in out.items()}


def _rows(it: _Items, n_boot: int, rng: np.random.Generator, extra: dict) -> list[dict]:
    n_docs = len(it.documents)
    point = _statistics(it, np.ones((1, it.counts.shape[0])))
    if n_boot and n_docs >= 2:
        draws = rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=n_boot)
        boot = _statistics(it, draws[:, it.doc_index].astype(float))
    else:
        boot = {k: np.full(0, np.nan) for k in point}
    rows = []
    for metric, value in point.items():
        reps = boot[metric][~np.isnan(boot[metric])]
        lo, hi = (np.percentile(reps, [2.5, 97.5]) if reps.size else (np.nan, np.nan))
        rows.append({**extra, "metric": metric, "value": float(value[0]), "ci_low": float(lo),
                     "ci_high": float(hi), "n_items": int((it.counts.sum(axis=1) >= 2).sum()),
                     "n_documents": n_docs, "n_boot": int(reps.size)})
    return rows


def _scopes(codes: pd.DataFrame, by_scope: bool):
    yield "all", "", "", codes
    if not by_scope:
        return
    for rubric, part in codes.groupby("rubric", sort=True):
        yield "rubric", rubric, "", part
    for (rubric, criterion), part in codes.groupby(["rubric", "criterion"], sort=True):
        yield "criterion", rubric, criterion, part


def _table(codes: pd.DataFrame, comparison: str, n_boot: int, seed: int,
           by_scope: bool) -> list[dict]:
    coders = sorted(codes["reviewer"].unique())
    rows = []
    for i, (scope, rubric, criterion, part) in enumerate(_scopes(codes, by_scope)):
        rng = np.random.default_rng([seed, i])
        extra = {"comparison": comparison, "scope": scope, "rubric": rubric,
                 "criterion": criterion, "n_coders": len(coders), "seed": seed}
        rows += _rows(_Items(part, coders), n_boot, rng, extra)
    return rows


def _codes(decisions: pd.DataFrame) -> pd.DataFrame:
    need = {"document_sha256", "criterion", "reviewer", "decision", "final_level"}
    if need - set(decisions.columns):
        raise DataError(f"decisions lack {sorted(need - set(decisions.columns))}",
                        hint="pass tables read with read_review_workbook")
    codes = decisions[decisions["decision"] != "pending"].copy()
    if "rubric" not in codes:
        codes["rubric"] = ""
    codes["item"] = (codes["document_sha256"].astype(str) + "/" + codes["rubric"].astype(str)
                     + "/" + codes["criterion"].astype(str))
    dup = codes.duplicated(["item", "reviewer"])
    if dup.any():
        first = codes[dup].iloc[0]
        raise DataError(f"reviewer {first['reviewer']!r} coded {first['item']} twice",
                        hint="import each reviewer's workbook once, with distinct reviewer names")
    return codes


def _engine_codes(final: pd.DataFrame) -> pd.DataFrame:
    done = final[final["status"].isin(("reviewed", "adjudicated"))]
    keep = ["document_sha256", "rubric", "criterion"]
    engine = done[keep].assign(reviewer="engine", decision="confirm",
                               final_level=done["proposed_level"].to_numpy())
    human = done[keep].assign(reviewer="final", decision="confirm",
                              final_level=done["final_level"].to_numpy())
    return _codes(pd.concat([engine, human], ignore_index=True))


def agreement(decisions: pd.DataFrame, final: pd.DataFrame | None = None, *, n_boot: int = 2000,
              seed: int = 2026, by_scope: bool = True) -> pd.DataFrame:
    """Agreement statistics with bootstrap intervals; columns :data:`AGREEMENT_COLUMNS`.

    ``final`` (the table :func:`adjudicate` returns) adds the ``engine_vs_final`` rows and
    ``changed_share``. ``n_boot=0`` gives point estimates only.
    """
    codes = _codes(decisions)
    two = len(codes) and codes["reviewer"].nunique() >= 2  # one reviewer: nothing to compare
    rows = _table(codes, "reviewers", n_boot, seed, by_scope) if two else []
    if final is not None:
        engine = _engine_codes(final)
        if len(engine):
            eng = _table(engine, "engine_vs_final", n_boot, seed, by_scope)
            for r in [r for r in eng if r["metric"] == "percent_agreement"]:
                changed = {**r, "metric": "changed_share", "value": 1 - r["value"],
                           "ci_low": 1 - r["ci_high"], "ci_high": 1 - r["ci_low"]}
                eng.append(changed)
            rows += eng
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    if two:  # the point estimate must equal the reference implementation
        _check_alpha(codes, out)
    return out


def _check_alpha(codes: pd.DataFrame, table: pd.DataFrame) -> None:
    import krippendorff

    matrix = (codes.assign(code=codes["final_level"].map(_CODE))
              .pivot(index="reviewer", columns="item", values="code").to_numpy(dtype=float))
    values = np.unique(matrix[~np.isnan(matrix)])
    usable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if values.size < 2 or matrix.shape[0] < 2 or not usable.any():
        return
    ref = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    ours = table[(table["comparison"] == "reviewers") & (table["scope"] == "all")
                 & (table["metric"] == "krippendorff_alpha_nominal")]["value"].iloc[0]
    if np.isfinite(ref) and not np.isclose(ours, ref, rtol=1e-9, atol=1e-12):
        raise AssertionError(f"Krippendorff's alpha {ours} differs from the package's {ref}")


def engine_confusion(final: pd.DataFrame) -> pd.DataFrame:
    """Engine level × reviewed level counts over reviewed/adjudicated items (tidy).

    One row per (rubric, proposed_level, final_level), plus ``rubric = "all"`` rows; every
    pair of levels is listed, zeros included, so the table reads as a full matrix.
    """
    done = final[final["status"].isin(("reviewed", "adjudicated"))]
    frames = [done.assign(rubric="all")] + ([done] if done["rubric"].nunique() > 1 else [])
    rows = []
    for part in frames:
        for rubric, g in part.groupby("rubric", sort=True):
            tab = pd.crosstab(g["proposed_level"], g["final_level"]).reindex(
                index=list(LEVELS), columns=list(LEVELS), fill_value=0)
            for p in LEVELS:
                for f in LEVELS:
                    rows.append((rubric, p, f, int(tab.loc[p, f])))
    return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)
