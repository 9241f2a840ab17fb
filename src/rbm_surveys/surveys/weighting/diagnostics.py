"""Weighting diagnostics: how far the weights moved, how much precision they cost.

:class:`WeightingReport` is what every weighting step leaves on the design
(``design.weighting_report``): a ``summary`` dict and tidy tables.

Summary keys (fixed): ``step, method, n, n_positive, sum_weights, min_weight, max_weight,
weight_ratio, mean_weight, cv_weights, deff_kish, effective_n, iterations, converged,
max_margin_gap, max_margin_rel_gap, share_trimmed, min_g, max_g``.

``margins`` columns (fixed): ``margin, category, target, achieved, gap, rel_gap, n``.

Kish's design effect due to unequal weighting, ``deff = n * sum(w^2) / (sum w)^2 = 1 + cv^2``
(cv with the population-style variance), and effective sample size ``n / deff``
(Kish 1965, §11.7; Kish 1992, J. Official Statistics 8(2), eq. 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["WeightingReport", "weight_summary", "margin_table", "SUMMARY_KEYS",
           "MARGIN_COLUMNS"]

SUMMARY_KEYS = ("step", "method", "n", "n_positive", "sum_weights", "min_weight", "max_weight",
                "weight_ratio", "mean_weight", "cv_weights", "deff_kish", "effective_n",
                "iterations", "converged", "max_margin_gap", "max_margin_rel_gap",
                "share_trimmed", "min_g", "max_g")
MARGIN_COLUMNS = ("margin", "category", "target", "achieved", "gap", "rel_gap", "n")


def weight_summary(weights: np.ndarray) -> dict[str, float]:
    """Distribution of the weights, Kish deff and effective n (over positive weights)."""
    w = np.asarray(weights, dtype=float)
    wmin = float(w.min()) if w.size else np.nan
    pos = w if wmin > 0 else w[w > 0]  # no copy in the usual all-positive case
    n = int(pos.size)
    total = float(pos.sum())
    sq = float(np.dot(pos, pos))
    deff = n * sq / total**2 if total > 0 else np.nan
    mean = total / n if n else np.nan
    pmin = wmin if pos is w else (float(pos.min()) if n else np.nan)
    pmax = float(pos.max()) if n else np.nan
    return {
        "n": int(w.size),
        "n_positive": n,
        "sum_weights": float(w.sum()),
        "min_weight": wmin,
        "max_weight": float(w.max()) if w.size else np.nan,
        "weight_ratio": pmax / pmin if n else np.nan,
        "mean_weight": mean,
        "cv_weights": float(np.sqrt(max(deff - 1.0, 0.0))) if n else np.nan,
        "deff_kish": float(deff),
        "effective_n": float(total**2 / sq) if sq > 0 else np.nan,
    }


def margin_table(weights: np.ndarray, prepared: list) -> pd.DataFrame:
    """Achieved against target for every margin category (``MARGIN_COLUMNS``)."""
    w = np.asarray(weights)
    names, cats, targets, achieved, counts = [], [], [], [], []
    for pm in prepared:
        names += [pm.name] * len(pm.categories)
        cats += ["/".join(c) for c in pm.categories]
        targets.append(pm.targets)
        achieved.append(np.bincount(pm.codes, weights=w, minlength=len(pm.categories)))
        counts.append(pm.counts)
    if not prepared:
        return pd.DataFrame({c: [] for c in MARGIN_COLUMNS})
    target = np.concatenate(targets)
    got = np.concatenate(achieved)
    gap = got - target
    rel = np.abs(gap) / np.where(target != 0, np.abs(target), 1.0)
    return pd.DataFrame({"margin": names, "category": cats, "target": target,
                         "achieved": got, "gap": gap, "rel_gap": rel,
                         "n": np.concatenate(counts).astype(np.int64)})


@dataclass(frozen=True)
class WeightingReport:
    """Diagnostics of one weighting step (see module docstring for the fixed keys)."""

    summary: dict[str, Any]
    margins: pd.DataFrame = field(default_factory=lambda: margin_table(np.zeros(0), []))
    factors: pd.DataFrame | None = None  # per-class factors (non-response, post-strata)
    warnings: tuple[str, ...] = ()
    #: the matched margins (row codes), so later steps (trimming) can report against them
    prepared: tuple = field(default=(), repr=False, compare=False)

    @classmethod
    def build(cls, *, step: str, method: str, weights: np.ndarray,
              before: np.ndarray | None = None, prepared: list | None = None,
              iterations: int | None = None, converged: bool | None = None,
              share_trimmed: float = 0.0, factors: pd.DataFrame | None = None,
              warnings: tuple[str, ...] = ()) -> "WeightingReport":
        summary: dict[str, Any] = {"step": step, "method": method, **weight_summary(weights)}
        margins = margin_table(weights, prepared or [])
        summary["iterations"] = iterations
        summary["converged"] = converged
        summary["max_margin_gap"] = float(margins["gap"].abs().max()) if len(margins) else 0.0
        summary["max_margin_rel_gap"] = (float(margins["rel_gap"].max())
                                         if len(margins) else 0.0)
        summary["share_trimmed"] = float(share_trimmed)
        if before is not None:
            b = np.asarray(before, dtype=float)
            g = weights / b if b.min() > 0 else np.divide(weights, b, out=np.ones_like(b),
                                                             where=b != 0)
            summary["min_g"], summary["max_g"] = float(g.min()), float(g.max())
        else:
            summary["min_g"] = summary["max_g"] = np.nan
        return cls({k: summary[k] for k in SUMMARY_KEYS}, margins, factors, warnings,
                   tuple(prepared or ()))

    def to_frame(self) -> pd.DataFrame:
        """The summary as a tidy two-column table (``measure, value``)."""
        return pd.DataFrame({"measure": list(self.summary),
                             "value": [self.summary[k] for k in self.summary]})

    def to_markdown(self) -> str:
        """A readable report: summary, margins achieved against targets, warnings."""
        lines = [f"# Weighting report: {self.summary['step']} ({self.summary['method']})", ""]
        lines += ["| measure | value |", "|---|---|"]
        for k, v in self.summary.items():
            lines.append(f"| {k} | {_fmt(v)} |")
        if len(self.margins):
            lines += ["", "## Margins: achieved vs target", "",
                      "| " + " | ".join(MARGIN_COLUMNS) + " |",
                      "|" + "---|" * len(MARGIN_COLUMNS)]
            for rec in self.margins.itertuples(index=False):  # report rows, not data rows
                lines.append("| " + " | ".join(_fmt(v) for v in rec) + " |")
        if self.factors is not None and len(self.factors):
            lines += ["", "## Adjustment factors", "",
                      "| " + " | ".join(map(str, self.factors.columns)) + " |",
                      "|" + "---|" * len(self.factors.columns)]
            for rec in self.factors.itertuples(index=False):
                lines.append("| " + " | ".join(_fmt(v) for v in rec) + " |")
        if self.warnings:
            lines += ["", "## WARNINGS", ""] + [f"- **{w}**" for w in self.warnings]
        return "\n".join(lines) + "\n"


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:.6g}"
    return "" if v is None else str(v)
