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

__all__ = ["Answers", "RuleResult", "evaluate", "condition_vars", "apply_rule",
           "distribution_categories"]


class Answers:
    """Values with their missing reasons: codes from the spec or declared by cleaning."""

    def __init__(self, frame: pd.DataFrame, reasons: pd.DataFrame | None,
                 missing_codes: dict[str, tuple[str, ...]]):
        self.frame = frame
        self.reasons = reasons if reasons is not None else pd.DataFrame(index=frame.index)
        self.code_reason = {c: r for r, codes in missing_codes.items() for c in codes}
        self._cache: dict[str, tuple[pd.Series, pd.Series]] = {}

    def get(self, var: str) -> tuple[pd.Series, pd.Series]:
        """(value with missing codes set to NA, reason or NA where the value is present)."""
        if var in self._cache:
            return self._cache[var]
        if var not in self.frame:
            raise DataError(f"the indicator needs variable {var!r}, which the data does not have",
                            variable=var, hint="check the specification against the form, or "
                            "the export columns")
        raw = self.frame[var]
        if var in self.reasons:
            reason = self.reasons[var].astype("string")
        else:
            reason = pd.Series(pd.NA, index=raw.index, dtype="string")
        value = raw
        if self.code_reason and (raw.dtype == object or pd.api.types.is_string_dtype(raw)
                                 or isinstance(raw.dtype, pd.CategoricalDtype)):
            as_text = raw.astype("string")
            coded = as_text.map(self.code_reason.get, na_action="ignore").astype("string")
            is_code = coded.notna()
            if is_code.any():
                reason = reason.mask(is_code & reason.isna(), coded)
                value = raw.mask(is_code)
        reason = reason.mask(value.isna() & reason.isna(), "no_answer")
        reason = reason.mask(value.notna())
        self._cache[var] = (value, reason)
        return value, reason


def _compare(value: pd.Series, op: str, target) -> pd.Series:
    if op in ("in", "not_in"):
        targets = [str(t) for t in target]
        res = value.astype("string").isin(targets).astype("boolean")
        if op == "not_in":
            res = ~res
    else:
        num = pd.to_numeric(value, errors="coerce").astype("Float64")
        t = float(target)
        res = {">=": num >= t, ">": num > t, "<=": num <= t, "<": num < t,
               "==": num == t, "!=": num != t}[op].astype("boolean")
    return res.mask(value.isna())


def evaluate(cond: dict, answers: Answers) -> pd.Series:
    """Nullable-boolean result of a condition tree (Kleene logic)."""
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        parts = [evaluate(c, answers) for c in cond[op]]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if op == "all" else (out | p)
        return out
    if "not" in cond:
        return ~evaluate(cond["not"], answers)
    value, _ = answers.get(cond["var"])
    op = next(k for k in cond if k != "var")
    return _compare(value, op, cond[op])


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
        _, reason = answers.get(var)
        r = reason.to_numpy(dtype=object, na_value=None)
        for name in pd.unique(r[unknown]):
            if name is None:
                continue
            hit = unknown & (r == name)
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
        scope &= evaluate(ind.when, answers).fillna(False).to_numpy(dtype=bool)
    if ind.kind == "proportion":
        res = evaluate(ind.numerator, answers)
        vars_ = condition_vars(ind.numerator)
        y = res.fillna(False).to_numpy(dtype="float64")[:, None]
        unknown = res.isna().to_numpy() & scope
        cats: tuple[str | None, ...] = (None,)
    else:  # distribution
        value, _ = answers.get(ind.var)
        vars_ = [ind.var]
        cats = tuple(distribution_categories(value[scope], (category_order or {}).get(ind.var)))
        text = value.astype("string")
        y = np.column_stack([(text == c).fillna(False).to_numpy(dtype="float64") for c in cats]) \
            if cats else np.zeros((len(value), 0))
        unknown = value.isna().to_numpy() & scope
    drop, counts = _unknown_action(unknown, vars_, answers, ind.missing)
    d = scope & ~drop
    return RuleResult(y=y, d=d, categories=cats, n_dropped=int(drop.sum()), reason_counts=counts)


def universe_mask(spec: ModuleSpec, answers: Answers) -> np.ndarray:
    """Respondents in the module's universe; an unknown universe answer (e.g. no age) is out."""
    return evaluate(spec.universe, answers).fillna(False).to_numpy(dtype=bool)
