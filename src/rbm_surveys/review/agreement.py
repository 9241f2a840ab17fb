"""Agreement between reviewers on the levels they chose.

Input: decisions of several reviewers (the tables :func:`read_review_workbook` returns, one
per reviewer, concatenated); an *item* is a (document, criterion), a *coder* a reviewer, the
*value* their final level. Pending rows are left out.

Statistics (one tidy row each):

* percent agreement — share of agreeing coder pairs over items coded by two or more;
* Cohen's kappa — exactly two coders (scikit-learn ``cohen_kappa_score``);
* Krippendorff's alpha, nominal — any number of coders, missing codes allowed
  (``krippendorff.alpha``; Krippendorff 2011, "Computing Krippendorff's alpha-reliability");
* Gwet's AC1 — multiple raters, Gwet (2008) *Br J Math Stat Psychol* 61:29–48, eq. 14–15:
  p_a = mean over items of Σ_k r_ik(r_ik−1) / (r_i(r_i−1)),
  p_e = 1/(K−1) Σ_k π_k(1−π_k) with π_k the mean share of item codes in category k.
  Unlike kappa it does not collapse when one level dominates (the "kappa paradox").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.review.sheets import LEVELS

__all__ = ["AGREEMENT_COLUMNS", "agreement"]

AGREEMENT_COLUMNS = ["metric", "value", "n_items", "n_coders", "n_categories"]


def _counts(codes: pd.DataFrame) -> np.ndarray:
    """items × categories matrix of how many coders chose each level."""
    table = pd.crosstab(codes["item"], codes["final_level"])
    return table.reindex(columns=list(LEVELS), fill_value=0).to_numpy(dtype=float)


def _observed_agreement(counts: np.ndarray) -> float:
    """Share of agreeing coder pairs, over items coded by two or more (Gwet's p_a)."""
    r = counts.sum(axis=1)
    usable = r >= 2
    if not usable.any():
        return np.nan
    c, r = counts[usable], r[usable]
    return float(np.mean((c * (c - 1)).sum(axis=1) / (r * (r - 1))))


def _gwet_ac1(counts: np.ndarray) -> float:
    pa = _observed_agreement(counts)
    coded = counts.sum(axis=1) > 0
    pi = (counts[coded] / counts[coded].sum(axis=1, keepdims=True)).mean(axis=0)
    pe = (pi * (1 - pi)).sum() / (counts.shape[1] - 1)
    return float((pa - pe) / (1 - pe))


def agreement(decisions: pd.DataFrame) -> pd.DataFrame:
    """Agreement statistics over reviewed items (see module docstring)."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    need = {"document_sha256", "criterion", "reviewer", "decision", "final_level"}
    if need - set(decisions.columns):
        raise DataError(f"decisions lack {sorted(need - set(decisions.columns))}",
                        hint="pass tables read with read_review_workbook")
    codes = decisions[decisions["decision"] != "pending"].copy()
    codes["item"] = codes["document_sha256"] + "/" + codes["criterion"]
    dup = codes.duplicated(["item", "reviewer"])
    if dup.any():
        first = codes[dup].iloc[0]
        raise DataError(f"reviewer {first['reviewer']!r} coded {first['item']} twice",
                        hint="import each reviewer's workbook once, with distinct reviewer names")
    coders = sorted(codes["reviewer"].unique())
    counts = _counts(codes)
    n_items = int((counts.sum(axis=1) >= 2).sum())
    rows = [("percent_agreement", _observed_agreement(counts)),
            ("gwet_ac1", _gwet_ac1(counts))]
    if len(coders) == 2:
        wide = codes.pivot(index="item", columns="reviewer", values="final_level").dropna()
        kappa = (cohen_kappa_score(wide[coders[0]], wide[coders[1]], labels=list(LEVELS))
                 if len(wide) else np.nan)
        rows.append(("cohen_kappa", float(kappa)))
    if len(coders) >= 2 and n_items:
        code_of = {level: i for i, level in enumerate(LEVELS)}
        matrix = (codes.assign(code=codes["final_level"].map(code_of))
                  .pivot(index="reviewer", columns="item", values="code")
                  .to_numpy(dtype=float))
        if np.unique(matrix[~np.isnan(matrix)]).size > 1:
            alpha = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        else:
            alpha = np.nan  # one level used throughout: alpha is undefined (0/0)
        rows.append(("krippendorff_alpha_nominal", float(alpha)))
    n_categories = int((counts.sum(axis=0) > 0).sum())
    return pd.DataFrame([(m, v, n_items, len(coders), n_categories) for m, v in rows],
                        columns=AGREEMENT_COLUMNS)
