"""Indicator rules on a respondent frame: who is in the numerator and the denominator.

Conditions use three-valued (Kleene) logic, as pandas' nullable booleans do: a missing answer
makes a comparison *unknown*, ``all`` is false as soon as one part is false, ``any`` is true as
soon as one part is true. Only respondents whose result stays unknown reach the indicator's
missing-data rule, which says per reason (don't know, refused, not applicable, no answer)
whether they stay in the denominator (``count``: not in the numerator) or leave it (``drop``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.surveys.indicators.spec import IndicatorSpec, ModuleSpec

__all__ = ["Answers", "RuleResult", "evaluate", "condition_vars", "apply_rule", "universe_mask",
           "distribution_categories"]


def label_of(value) -> str:
    """Text of a value as choice names are written: 98.0 (SPSS/Stata codes) → "98"."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


class Answers:
    """Each variable coded once: category codes (−1 = no usable value) and missing reasons.

    A value is missing when it is empty or one of the spec's ``missing_codes``; its reason
    comes from cleaning's ``reasons`` table when declared there, else from the code, else
    ``no_answer``. Everything downstream is numpy on these codes (no string work per row).
    """

    def __init__(self, frame: pd.DataFrame, reasons: pd.DataFrame | None,
                 missing_codes: dict[str, tuple[str, ...]]):
        self.frame = frame
        self.reasons = reasons if reasons is not None else pd.DataFrame(index=frame.index)
        self.code_reason = {c: r for r, codes in missing_codes.items() for c in codes}
        self.reason_names: list[str] = ["no_answer"]
        self._cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _reason_index(self, name: str) -> int:
        if name not in self.reason_names:
            self.reason_names.append(name)
        return self.reason_names.index(name)

    def column(self, var: str) -> pd.Series:
        if var not in self.frame:
            raise DataError(f"the indicator needs variable {var!r}, which the data does not have",
                            variable=var, hint="check the specification against the form, or "
                            "the export columns")
        return self.frame[var]

    def codes(self, var: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(codes, labels, reason): codes index ``labels`` (−1 = missing); reason indexes
        ``reason_names`` where the value is missing, −1 where it is present."""
        if var in self._cache:
            return self._cache[var]
        raw = self.column(var)
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        labels = np.array([label_of(u) for u in uniques], dtype=object)
        reason = np.full(len(raw), -1, dtype=np.int64)
        if var in self.reasons:
            rc, ru = pd.factorize(self.reasons[var], use_na_sentinel=True)
            if len(ru):
                ridx = np.array([self._reason_index(str(r)) for r in ru])
                has = np.asarray(rc) >= 0
                reason[has] = ridx[np.asarray(rc)[has]]
        if len(labels) and self.code_reason:
            lab_reason = np.array([self._reason_index(self.code_reason[lab])
                                   if lab in self.code_reason else -1 for lab in labels])
            from_code = np.where(codes >= 0, lab_reason[np.maximum(codes, 0)], -1)
            is_code = from_code >= 0
            reason = np.where(is_code & (reason < 0), from_code, reason)
            codes = np.where(is_code, -1, codes)
        reason = np.where(codes >= 0, -1, np.where(reason < 0, 0, reason))  # 0 = no_answer
        self._cache[var] = (codes, labels, reason)
        return self._cache[var]

    def numbers(self, var: str) -> np.ndarray:
        """Float values (NaN where missing or a missing code)."""
        codes, _, _ = self.codes(var)
        num = pd.to_numeric(self.column(var), errors="coerce").to_numpy(dtype="float64",
                                                                        na_value=np.nan)
        return np.where(codes >= 0, num, np.nan)


_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
        "==": np.equal, "!=": np.not_equal}


def _compare(answers: Answers, var: str, op: str, target) -> tuple[np.ndarray, np.ndarray]:
    if op in ("in", "not_in"):
        codes, labels, _ = answers.codes(var)
        hit = np.flatnonzero(np.isin(labels, [label_of(t) for t in target]))
        known = codes >= 0
        true = np.isin(codes, hit)
        if op == "not_in":
            true = known & ~true
        return true, known
    num = answers.numbers(var)
    known = ~np.isnan(num)
    with np.errstate(invalid="ignore"):
        return known & _OPS[op](num, float(target)), known


def evaluate(cond: dict, answers: Answers) -> tuple[np.ndarray, np.ndarray]:
    """(true, known) of a condition tree, Kleene logic: ``true`` only where ``known``."""
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        t, k = evaluate(cond[op][0], answers)
        for part in cond[op][1:]:
            t2, k2 = evaluate(part, answers)
            if op == "all":  # false as soon as one part is known false
                t, k = t & t2, (k & k2) | (k & ~t) | (k2 & ~t2)
            else:  # true as soon as one part is true
                t, k = t | t2, (k & k2) | t | t2
        return t, k
    if "not" in cond:
        t, k = evaluate(cond["not"], answers)
        return k & ~t, k
    op = next(key for key in cond if key != "var")
    return _compare(answers, cond["var"], op, cond[op])


def condition_vars(cond: dict | None) -> list[str]:
    if not cond:
        return []
    if "all" in cond or "any" in cond:
        return [v for c in cond.get("all", cond.get("any")) for v in condition_vars(c)]
    if "not" in cond:
        return condition_vars(cond["not"])
    return [cond["var"]]


@dataclass(frozen=True)
class RuleResult:
    """Per respondent: numerator (0/1, one column per category) and denominator membership."""

    y: np.ndarray  # (n, k) float 0/1
    d: np.ndarray  # (n,) bool: in universe and in the denominator
    categories: tuple[str | None, ...]
    n_dropped: int  # in universe, left out of the denominator by the missing rule
    reason_counts: dict[str, int]


def _unknown_action(unknown: np.ndarray, vars_: list[str], answers: Answers,
                    missing: dict[str, str]) -> tuple[np.ndarray, dict[str, int]]:
    """For unknown rows: drop if any missing variable's reason says drop."""
    drop = np.zeros(len(unknown), dtype=bool)
    counts: dict[str, int] = {}
    for var in dict.fromkeys(vars_):
        _, _, reason = answers.codes(var)
        for idx in np.unique(reason[unknown & (reason >= 0)]):
            name = answers.reason_names[idx]
            hit = unknown & (reason == idx)
            counts[name] = counts.get(name, 0) + int(hit.sum())
            # a reason the rule does not name (e.g. "other_missing") follows "no_answer"
            if missing.get(name, missing.get("no_answer", "drop")) == "drop":
                drop |= hit
    return drop, counts


def distribution_categories(value: pd.Series, order: list[str] | None = None) -> list[str]:
    """Observed categories, in the form's choice order when known (else sorted)."""
    if order:
        seen = set(value.dropna().astype(str))
        return [c for c in order if c in seen] + sorted(seen - set(order))
    if isinstance(value.dtype, pd.CategoricalDtype):
        return [str(c) for c in value.cat.categories]
    return sorted(value.dropna().astype(str).unique().tolist())


def apply_rule(ind: IndicatorSpec, answers: Answers, universe: np.ndarray,
               category_order: dict[str, list[str]] | None = None) -> RuleResult:
    """Numerator and denominator of one proportion or distribution indicator."""
    scope = universe.copy()
    if ind.when is not None:
        scope &= evaluate(ind.when, answers)[0]
    if ind.kind == "proportion":
        true, known = evaluate(ind.numerator, answers)
        vars_ = condition_vars(ind.numerator)
        y = true.astype("float64")[:, None]
        unknown = ~known & scope
        cats: tuple[str | None, ...] = (None,)
    else:  # distribution
        codes, labels, _ = answers.codes(ind.var)
        vars_ = [ind.var]
        present = labels[np.unique(codes[scope & (codes >= 0)])]
        cats = tuple(distribution_categories(pd.Series(present, dtype=object),
                                             (category_order or {}).get(ind.var)))
        pos = {lab: i for i, lab in enumerate(labels)}
        y = (np.column_stack([codes == pos[c] for c in cats]).astype("float64") if cats
             else np.zeros((len(codes), 0)))
        unknown = (codes < 0) & scope
    drop, counts = _unknown_action(unknown, vars_, answers, ind.missing)
    d = scope & ~drop
    return RuleResult(y=y, d=d, categories=cats, n_dropped=int(drop.sum()), reason_counts=counts)


def universe_mask(spec: ModuleSpec, answers: Answers) -> np.ndarray:
    """Respondents in the module's universe; an unknown universe answer (e.g. no age) is out."""
    return evaluate(spec.universe, answers)[0]
