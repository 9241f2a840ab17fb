"""`run_indicators`: specifications + a weighted respondent frame → one tidy table.

Columns of the result (fixed; see ``RESULT_COLUMNS``)::

    module, indicator, title, category, disaggregation, level,
    estimate, se, ci_low, ci_high, ci_method, df, deff, n, n_weighted, n_eff, cv,
    n_dropped, suppressed, flag, missing_rule, universe, weights, design, source

``estimate`` and the interval are proportions (0–1). ``category`` is the answer category for
a distribution, empty otherwise. ``disaggregation`` is ``all`` for the whole universe, else a
variable name, with ``level`` its value. ``n`` is the unweighted denominator; ``n_dropped`` the
respondents of the universe (in that level) that the missing-data rule took out of it.
Reporting rules: ``n < min_n`` → suppressed (estimate, se and interval blanked);
``cv > max_cv`` or ``n_eff < min_n_eff`` → flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rbm_surveys.surveys.indicators import derive, rules
from rbm_surveys.surveys.indicators.spec import ModuleSpec
from rbm_surveys.surveys.indicators.taylor import (Design, domain_estimates, proportion_ci,
                                                   psu_variance)

__all__ = ["ReportingRules", "run_indicators", "RESULT_COLUMNS", "prepare_frame"]

RESULT_COLUMNS = ["module", "indicator", "title", "category", "disaggregation", "level",
                  "estimate", "se", "ci_low", "ci_high", "ci_method", "df", "deff", "n",
                  "n_weighted", "n_eff", "cv", "n_dropped", "suppressed", "flag",
                  "missing_rule", "universe", "weights", "design", "source"]


@dataclass(frozen=True)
class ReportingRules:
    """When a cell is suppressed or flagged (defaults follow common NSO practice)."""

    min_n: int = 30  # fewer unweighted respondents → suppressed
    max_cv: float = 0.30  # larger coefficient of variation → flagged
    min_n_eff: float = 30  # smaller effective sample size → flagged
    ci: str = "logit"  # or "korn-graubard" for every cell (0 % / 100 % always use it)
    level: float = 0.95


def _levels(frame: pd.DataFrame, var: str, order: dict | None = None,
            missing_codes: frozenset = frozenset()) -> tuple[np.ndarray, list[str]]:
    """Level code per row (−1: no level) and level labels; missing codes are not levels."""
    if var == "all":
        return np.zeros(len(frame), dtype=np.int64), ["all"]
    if var not in frame:
        from rbm_surveys.errors import ConfigError

        raise ConfigError(f"disaggregation variable {var!r} is not in the data",
                          key="disaggregations", hint="name a question or derived variable")
    s = frame[var]
    raw_codes, uniques = pd.factorize(s, use_na_sentinel=True)
    uniq = [rules.label_of(u) for u in uniques]
    kept = [u for u in uniq if u not in missing_codes]
    labels = rules.distribution_categories(pd.Series(kept, dtype=object), (order or {}).get(var))
    remap = np.array([labels.index(u) if u in labels else -1 for u in uniq] + [-1],
                     dtype=np.int64)
    return remap[np.asarray(raw_codes)], labels  # code −1 indexes the trailing −1


def prepare_frame(frame: pd.DataFrame, spec: ModuleSpec, weights: np.ndarray,
                  reasons: pd.DataFrame | None = None, kinds: tuple[str, ...] | None = None
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """Add the spec's derived variables (only those of ``kinds`` if given); return the frame
    and its universe mask."""
    answers = rules.Answers(frame, reasons, spec.missing_codes)
    universe = rules.universe_mask(spec, answers)
    derived = tuple(d for d in spec.derived if kinds is None or d["kind"] in kinds)
    out = derive.add_derived(frame, derived, pd.Series(weights, index=frame.index),
                             in_scope=universe)
    return out, universe


def run_indicators(frame: pd.DataFrame, specs: list[ModuleSpec], design: Design, *,
                   reasons: pd.DataFrame | None = None, rules_: ReportingRules | None = None,
                   weights_label: str = "", derived_ready: bool = False,
                   category_order: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Every indicator of every spec, overall and by each disaggregation, as one tidy table.

    ``frame`` holds one respondent per row, aligned with ``design``; ``reasons`` (optional,
    same index) the declared missing reasons per variable from cleaning; ``category_order``
    (variable → choice names, e.g. from the XLSForm) orders levels and answer categories.
    """
    rr = rules_ or ReportingRules()
    parts = []
    for spec in specs:
        _check_variables(frame, spec, derived_ready)
        if derived_ready:
            data = frame
            universe = rules.universe_mask(spec, rules.Answers(frame, reasons, spec.missing_codes))
        else:
            data, universe = prepare_frame(frame, spec, design.weights, reasons)
        answers = rules.Answers(data, reasons, spec.missing_codes)
        codes_ = frozenset(c for cs in spec.missing_codes.values() for c in cs)
        dims = [("all", *_levels(data, "all"))] + [
            (v, *_levels(data, v, category_order, codes_)) for v in spec.disaggregations]
        components: dict[str, dict] = {}
        for ind in spec.indicators:
            if ind.kind == "average":
                parts += _average_rows(spec, ind, components, design, dims, rr)
                continue
            res = rules.apply_rule(ind, answers, universe, category_order)
            components[ind.id] = {}
            for name, codes, labels in dims:
                p, Z, n, nw = domain_estimates(design, res.y, res.d, codes, len(labels))
                components[ind.id][name] = (p, Z, n, nw)
                dropped = np.bincount(codes[universe & ~res.d & (codes >= 0)],
                                      minlength=len(labels))
                parts.append(_rows(spec, ind, name, labels, res.categories, p, psu_variance(design, Z),
                                   n, nw, dropped, design, rr))
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = _finish(pd.concat(parts, ignore_index=True), design, rr)
    out["weights"] = weights_label or "weights as given"
    out["design"] = design.label
    return out[RESULT_COLUMNS]


def _check_variables(frame: pd.DataFrame, spec: ModuleSpec, derived_ready: bool) -> None:
    """Every variable the spec reads must be in the data: all missing ones named at once."""
    from rbm_surveys.errors import DataError

    derived = {d["name"] for d in spec.derived}
    need = set(rules.condition_vars(spec.universe))
    for ind in spec.indicators:
        need |= set(rules.condition_vars(ind.numerator)) | set(rules.condition_vars(ind.when))
        if ind.var:
            need.add(ind.var)
    need |= set(spec.disaggregations)
    for d in spec.derived:
        need |= {d["source"]} if "source" in d else set(d.get("domains", ()))
    if not derived_ready:
        need -= derived
    missing = sorted(v for v in need if v not in frame)
    if missing:
        raise DataError(f"the data lacks variable(s) {', '.join(missing)} that the indicator "
                        f"specification of module {spec.module!r} uses", file=spec.path or None,
                        variable=missing[0], hint="check the specification against the form "
                        "and the export (names are XLSForm field names)")


def _rows(spec, ind, dim, labels, cats, p, var, n, nw, dropped, design, rr) -> pd.DataFrame:
    L, k = p.shape
    p_f = p.reshape(-1)
    var_f = np.maximum(var.reshape(-1), 0)
    n_f = np.repeat(n, k)
    frame = pd.DataFrame({
        "module": spec.module, "indicator": ind.id, "title": ind.title,
        "category": np.tile(np.array(cats, dtype=object), L),
        "disaggregation": dim, "level": np.repeat(np.array(labels, dtype=object), k),
        "estimate": p_f, "var": var_f, "n": n_f, "n_weighted": np.repeat(nw, k),
        "n_dropped": np.repeat(dropped, k),
        "missing_rule": _rule_text(ind), "universe": spec.universe_label,
        "source": ind.source,
    })
    return frame


def _average_rows(spec, ind, components, design, dims, rr) -> list[pd.DataFrame]:
    """Simple average of proportions (SDG 16.7.2); its linearised total is the mean of theirs."""
    out = []
    for name, codes, labels in dims:
        comps = [components[c][name] for c in ind.of]
        p = np.mean([c[0] for c in comps], axis=0)
        Z = np.mean([c[1] for c in comps], axis=0)
        n = np.min([c[2] for c in comps], axis=0)  # the weakest component decides reporting
        nw = np.min([c[3] for c in comps], axis=0)
        frame = pd.DataFrame({
            "module": spec.module, "indicator": ind.id, "title": ind.title, "category": None,
            "disaggregation": name, "level": labels, "estimate": p[:, 0],
            "var": np.maximum(psu_variance(design, Z)[:, 0], 0), "n": n, "n_weighted": nw,
            "n_dropped": 0, "missing_rule": f"average of {', '.join(ind.of)}",
            "universe": spec.universe_label, "source": ind.source})
        out.append(frame)
    return out


def _rule_text(ind) -> str:
    counted = [r for r, a in ind.missing.items() if a == "count"]
    dropped = [r for r, a in ind.missing.items() if a == "drop"]
    text = ind.missing_name or "custom"
    return (f"{text}: in denominator, not numerator = {', '.join(counted) or 'none'}; "
            f"excluded = {', '.join(dropped) or 'none'}")


def _finish(frame: pd.DataFrame, design: Design, rr: ReportingRules) -> pd.DataFrame:
    p = frame["estimate"].to_numpy(dtype="float64")
    var = frame.pop("var").to_numpy(dtype="float64")
    n = frame["n"].to_numpy(dtype="float64")
    se = np.sqrt(var)
    low, high, used = proportion_ci(p, se, n, design.df, rr.ci, rr.level)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_srs = p * (1 - p) / n  # deff compares with simple random sampling of n
        deff = np.where(var_srs > 0, var / var_srs, np.nan)
        n_eff = np.where((p > 0) & (p < 1) & (var > 0), p * (1 - p) / var, n)
        cv = np.where(p > 0, se / p, np.nan)
    suppressed = n < rr.min_n
    flags = np.full(len(frame), "", dtype=object)
    flags = np.where(suppressed, f"suppressed: n < {rr.min_n}", flags)
    high_cv = ~suppressed & (cv > rr.max_cv)
    low_eff = ~suppressed & (n_eff < rr.min_n_eff)
    flags = np.where(high_cv, np.char.add(flags.astype(str), f"; cv > {rr.max_cv:.0%}"), flags)
    flags = np.where(low_eff, np.char.add(flags.astype(str),
                                          f"; effective n < {rr.min_n_eff:g}"), flags)
    flags = pd.Series(flags, dtype=object).str.lstrip("; ").to_numpy()
    frame["se"], frame["ci_low"], frame["ci_high"], frame["ci_method"] = se, low, high, used
    frame["df"], frame["deff"], frame["n_eff"], frame["cv"] = design.df, deff, n_eff, cv
    frame["n"] = n.astype(np.int64)
    frame["suppressed"], frame["flag"] = suppressed, flags
    for col in ("estimate", "se", "ci_low", "ci_high", "deff", "cv"):
        frame.loc[suppressed, col] = np.nan
    return frame
