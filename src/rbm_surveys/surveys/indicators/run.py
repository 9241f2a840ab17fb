"""`run_indicators`: specifications + a weighted respondent frame → one tidy table.

Columns of the result (fixed; see ``RESULT_COLUMNS``)::

    module, indicator, title, category, disaggregation, level,
    estimate, se, ci_low, ci_high, ci_method, df, deff, n, n_weighted, n_eff, cv,
    n_dropped, suppressed, flag, missing_rule, universe, weights, design, source

``estimate`` and the interval are proportions (0–1). ``category`` is the answer category for
a distribution, empty otherwise. ``disaggregation`` is ``all`` for the whole universe, else a
variable name, with ``level`` its value. ``n`` is the unweighted denominator; ``n_dropped`` the
respondents of the universe (in that level) that the missing-data rule took out of it.
Estimates, SEs, df (the domain's, as R ``degf`` of the subset design) and intervals come from
``SurveyDesign``; the reporting rules (``reporting.py``): ``n < min_n`` → suppressed
(estimate, se and interval blanked); ``cv > max_cv`` or ``n_eff < min_n_eff`` → flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.surveys.ci import proportion_interval
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.indicators import derive, rules
from rbm_surveys.surveys.indicators.reporting import (ReportingRules, apply_reporting_rules,
                                                      edge_intervals)
from rbm_surveys.surveys.indicators.spec import ModuleSpec

__all__ = ["ReportingRules", "run_indicators", "RESULT_COLUMNS", "prepare_frame",
           "make_design"]

RESULT_COLUMNS = ["module", "indicator", "title", "category", "disaggregation", "level",
                  "estimate", "se", "ci_low", "ci_high", "ci_method", "df", "deff", "n",
                  "n_weighted", "n_eff", "cv", "n_dropped", "suppressed", "flag",
                  "missing_rule", "universe", "weights", "design", "source"]

_ENGINE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "ci_method", "df", "n", "n_weighted"]


def make_design(frame: pd.DataFrame, weights: str, strata: str | None = None,
                ids: str | None = None, fpc: str | None = None,
                calibration: tuple = ()) -> SurveyDesign:
    """The indicator pipeline's ``SurveyDesign``: PSUs nested in strata, lonely PSUs
    "adjust" (R ``survey.lonely.psu="adjust"``); ``calibration`` (residualizers from
    ``surveys/weighting``, e.g. ``raked.calibration``) makes SEs those of the calibrated
    estimator."""
    for role, col in (("weights", weights), ("strata", strata), ("ids", ids), ("fpc", fpc)):
        if col is not None and col not in frame:
            raise DataError(f"design column {col!r} ({role}) is not in the data", column=col,
                            hint="check the design section of the configuration")
    w = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        raise DataError(f"{int(bad.sum())} weight(s) are missing, zero or negative", column=weights,
                        row=int(np.flatnonzero(bad)[0]) + 1,
                        hint="give every respondent a positive weight")
    design = SurveyDesign(frame, weights=weights, strata=strata, ids=ids, fpc=fpc, nest=True,
                          lonely_psu="adjust")
    for cal in calibration:
        design = design.with_weights(design.weights, cal)
    return design


def _on_frame(design: SurveyDesign, columns: dict[str, np.ndarray]) -> SurveyDesign:
    """The same design (structure, final weights, calibration) over its design columns plus
    ``columns`` (designs are immutable and cache codes per column, so a new one is built)."""
    keep = [c for c in dict.fromkeys([design.weights_column, design.probs_column,
                                      *design.strata_columns, *design.id_columns,
                                      *design.fpc_spec]) if isinstance(c, str)]
    frame = design.data[keep].reset_index(drop=True).assign(**columns)
    new = SurveyDesign(frame, weights=design.weights_column, strata=design.strata_columns or None,
                       ids=design.id_columns or None, fpc=design.fpc_spec or None,
                       nest=design.nest, probs=design.probs_column, pps=design.pps,
                       lonely_psu=design.lonely_psu, variance=design.variance,
                       pps_p2bar=design.pps_p2bar)
    new = new.with_weights(design.weights)
    for cal in design.calibration:
        new = new.with_weights(design.weights, cal)
    return new


def design_label(design: SurveyDesign) -> str:
    text = f"{design.describe()}; Taylor linearisation, lonely PSU {design.lonely_psu}"
    if design.calibration:
        text += "; variance of calibrated weights (residuals of the calibration model)"
    return text


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


def run_indicators(frame: pd.DataFrame, specs: list[ModuleSpec], design: SurveyDesign, *,
                   reasons: pd.DataFrame | None = None, rules_: ReportingRules | None = None,
                   weights_label: str = "", derived_ready: bool = False,
                   category_order: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Every indicator of every spec, overall and by each disaggregation, as one tidy table.

    ``frame`` holds one respondent per row, aligned with ``design`` (a ``SurveyDesign`` over
    the same rows, e.g. from :func:`make_design`; its weights and calibration are used);
    ``reasons`` (optional, same index) the declared missing reasons per variable from
    cleaning; ``category_order`` (variable → choice names, e.g. from the XLSForm) orders
    levels and answer categories. Estimates, SEs, df and intervals are ``SurveyDesign``'s.
    """
    rr = rules_ or ReportingRules()
    if len(frame) != design.n:
        raise DataError(f"the frame has {len(frame)} rows, the design {design.n}", key="design",
                        hint="build the design from the same respondents (make_design)")
    parts = []
    for spec in specs:
        _check_variables(frame, spec, derived_ready)
        if derived_ready:
            data = frame
            universe = rules.universe_mask(spec, rules.Answers(frame, reasons, spec.missing_codes))
        else:
            data, universe = prepare_frame(frame, spec, design.weights, reasons)
        parts += _module_rows(spec, data, universe, design, reasons, rr, category_order)
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = apply_reporting_rules(edge_intervals(out, rr.level), rr)
    out["weights"] = weights_label or "weights as given"
    out["design"] = design_label(design)
    return out[RESULT_COLUMNS]


def _module_rows(spec, data, universe, design, reasons, rr, category_order) -> list:
    """One module: rule results become coded columns of one design, estimated per dimension.

    Each answer category of an indicator is a 0/1 column (missing outside the denominator:
    R's ``na.rm``) and each disaggregation a level-coded column (missing = no level), so
    ``SurveyDesign`` gives the domain proportions, SEs and df directly.
    """
    answers = rules.Answers(data, reasons, spec.missing_codes)
    codes_ = frozenset(c for cs in spec.missing_codes.values() for c in cs)
    dims = [("all", *_levels(data, "all"))] + [
        (v, *_levels(data, v, category_order, codes_)) for v in spec.disaggregations]
    cols: dict[str, np.ndarray] = {}
    for j, (_, codes, _) in enumerate(dims[1:]):
        cols[f"__by{j}"] = np.where(codes >= 0, codes, np.nan)
    results = {}
    for i, ind in enumerate(spec.indicators):
        if ind.kind == "average":
            continue
        res = rules.apply_rule(ind, answers, universe, category_order)
        for j in range(res.y.shape[1]):
            cols[f"__ind{i}_{j}"] = np.where(res.d, res.y[:, j], np.nan)
        results[ind.id] = (i, res)
    est = _on_frame(design, cols)
    by_names = [None] + [f"__by{j}" for j in range(len(dims) - 1)]
    parts: dict[str, list] = {ind.id: [] for ind in spec.indicators}
    components = {}
    for ind in spec.indicators:
        if ind.kind == "average":
            continue
        i, res = results[ind.id]
        k = len(res.categories)
        for (name, codes, labels), by in zip(dims, by_names):
            table = _estimate(est, [f"__ind{i}_{j}" for j in range(k)], by, len(labels), rr)
            components[(ind.id, name)] = table
            dropped = np.bincount(codes[universe & ~res.d & (codes >= 0)], minlength=len(labels))
            parts[ind.id].append(_rows(spec, ind, name, labels, res.categories, table, dropped))
    averages = [ind for ind in spec.indicators if ind.kind == "average"]
    if averages:
        for ind, frame in _average_rows(spec, averages, results, components, dims, by_names,
                                        est, rr):
            parts[ind.id].append(frame)
    return [f for fs in parts.values() for f in fs]  # in the specification's order


def _estimate(design: SurveyDesign, columns: list[str], by: str | None, n_levels: int,
              rr: ReportingRules) -> pd.DataFrame:
    """Proportions (means of the 0/1 category columns, R ``svymean``/``svyciprop``) for every
    level 0..L−1 of ``by``, category-major within level; absent levels as n = 0. The
    interval is ``ci.proportion_interval`` with the domain's df, as ``proportion`` does."""
    if not columns:
        return pd.DataFrame(columns=_ENGINE_COLUMNS)
    # a mean of 0/1 columns is the proportion with half the score columns of proportion()
    # (which would also estimate the complement), the cost that matters for calibrated SEs
    out = design.mean(columns, by=by, ci="t", level=rr.level)
    lev = out[by].to_numpy(dtype="float64").astype(np.int64) if by else np.zeros(len(out), int)
    cat = pd.Index(columns).get_indexer(out["variable"])
    idx = pd.MultiIndex.from_arrays([lev, cat])
    full = pd.MultiIndex.from_product([range(n_levels), range(len(columns))])
    table = out[_ENGINE_COLUMNS].set_axis(idx).reindex(full).reset_index(drop=True)
    table["n"] = table["n"].fillna(0)
    table["n_weighted"] = table["n_weighted"].fillna(0.0)
    p, se = table["estimate"].to_numpy(dtype="float64"), table["se"].to_numpy(dtype="float64")
    table["ci_low"], table["ci_high"] = proportion_interval(
        rr.ci, p, se**2, table["df"].to_numpy(dtype="float64"),
        table["n"].to_numpy(dtype="float64"), rr.level)
    table["ci_method"] = rr.ci
    return table


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


def _rows(spec, ind, dim, labels, cats, table, dropped) -> pd.DataFrame:
    k = len(cats)
    frame = pd.DataFrame({
        "module": spec.module, "indicator": ind.id, "title": ind.title,
        "category": np.tile(np.array(cats, dtype=object), len(labels)),
        "disaggregation": dim, "level": np.repeat(np.array(labels, dtype=object), k),
        "n_dropped": np.repeat(dropped, k),
        "missing_rule": _rule_text(ind), "universe": spec.universe_label,
        "source": ind.source,
    })
    return pd.concat([frame, table], axis=1)


def _average_rows(spec, averages, results, components, dims, by_names, design, rr) -> list:
    """Simple average of proportions (SDG 16.7.2).

    Its linearised variable is the mean of the components' (Binder 1983):
    u = mean_c d_c·(y_c − p_c)/N̂_c with p_c, N̂_c of the respondent's level, so its SE is
    that of the design-based total of u in the domain (calibration residuals included).
    """
    cols, meta = {}, []
    for ind in averages:
        for (name, codes, labels), by in zip(dims, by_names):
            comps = [components[(c, name)] for c in ind.of]
            p = np.mean([t["estimate"].to_numpy() for t in comps], axis=0)
            u = np.zeros(design.n)
            lev = np.maximum(codes, 0)
            for c, t in zip(ind.of, comps):
                _, res = results[c]
                pc, nwc = t["estimate"].to_numpy()[lev], t["n_weighted"].to_numpy()[lev]
                with np.errstate(invalid="ignore", divide="ignore"):
                    u += np.where(res.d & (codes >= 0), (res.y[:, 0] - pc) / nwc, 0.0)
            col = f"__avg{len(cols)}"
            cols[col] = np.nan_to_num(u / len(ind.of))
            meta.append((ind, name, labels, by, col, p, comps))
    cols.update({b: design.data[b].to_numpy() for b in by_names if b})
    est = _on_frame(design, cols)
    out = []
    for ind, name, labels, by, col, p, comps in meta:
        tot = est.total(col, by=by, ci="t")
        lev = tot[by].to_numpy(dtype="float64").astype(np.int64) if by else np.zeros(1, int)
        tot = tot.set_index(lev).reindex(range(len(labels)))
        n = np.min([t["n"].to_numpy() for t in comps], axis=0)  # the weakest component decides
        nw = np.min([t["n_weighted"].to_numpy() for t in comps], axis=0)
        se, df = tot["se"].to_numpy(dtype="float64"), tot["df"].to_numpy(dtype="float64")
        low, high = proportion_interval(rr.ci, p, se**2, df, n, rr.level)
        out.append((ind, pd.DataFrame({
            "module": spec.module, "indicator": ind.id, "title": ind.title, "category": None,
            "disaggregation": name, "level": labels, "n_dropped": 0,
            "missing_rule": f"average of {', '.join(ind.of)}",
            "universe": spec.universe_label, "source": ind.source,
            "estimate": p, "se": se, "ci_low": low, "ci_high": high, "ci_method": rr.ci,
            "df": df, "n": n, "n_weighted": nw})))
    return out


def _rule_text(ind) -> str:
    counted = [r for r, a in ind.missing.items() if a == "count"]
    dropped = [r for r, a in ind.missing.items() if a == "drop"]
    text = ind.missing_name or "custom"
    return (f"{text}: in denominator, not numerator = {', '.join(counted) or 'none'}; "
            f"excluded = {', '.join(dropped) or 'none'}")
