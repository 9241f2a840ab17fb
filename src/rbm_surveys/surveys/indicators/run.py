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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from typing import Any

from rbm_surveys.errors import DataError
from rbm_surveys.surveys.ci import proportion_interval
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.indicators import derive, rules
from rbm_surveys.surveys.indicators.reporting import (ReportingRules, apply_reporting_rules,
                                                      edge_intervals)
from rbm_surveys.surveys.indicators.spec import ModuleSpec

__all__ = ["ReportingRules", "run_indicators", "RESULT_COLUMNS", "prepare_frame",
           "make_design", "Labels", "UNKNOWN_LEVEL", "MemberTable"]

RESULT_COLUMNS = ["module", "indicator", "title", "category", "category_label",
                  "disaggregation", "disaggregation_label", "level", "level_label",
                  "estimate", "se", "ci_low", "ci_high", "ci_method", "df", "deff", "n",
                  "n_weighted", "n_eff", "cv", "n_dropped", "suppressed", "flag",
                  "missing_rule", "universe", "unit", "weights", "design", "source", "notes"]

#: Level of a disaggregation for respondents whose answer is missing, don't know or refused
#: (kept as a row of its own, never dropped from the breakdown).
UNKNOWN_LEVEL = "unknown"
UNKNOWN_LABEL = "Unknown (don't know, refused or no answer)"


class Labels:
    """Question and choice labels shown beside the codes (one form language).

    ``questions``: variable → question label; ``choices``: variable → {choice name → label}.
    Variables without a label (derived ones) show their name / code.
    """

    def __init__(self, questions: dict[str, str] | None = None,
                 choices: dict[str, dict[str, str]] | None = None, language: str = "") -> None:
        self.questions = questions or {}
        self.choices = choices or {}
        self.language = language

    def question(self, var: str) -> str:
        """The question label of ``var`` (``All respondents`` for the whole universe)."""
        if var == "all":
            return "All"
        return str(self.questions.get(var) or var)

    def choice(self, var: str | None, code: Any) -> Any:
        """The label of choice ``code`` of ``var`` (the code itself when unlabelled)."""
        if code is None or (isinstance(code, float) and np.isnan(code)):
            return None
        if code == UNKNOWN_LEVEL:
            return UNKNOWN_LABEL
        if var == "all":
            return "All"
        return str(self.choices.get(var or "", {}).get(str(code), code))

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
    """The same design (structure, final weights, calibration, cached factorisations) with
    ``columns`` added: R's ``update()`` (``SurveyDesign.with_columns``), never a rebuild."""
    return design.with_columns(**columns) if columns else design


def design_label(design: SurveyDesign) -> str:
    text = f"{design.describe()}; Taylor linearisation, lonely PSU {design.lonely_psu}"
    if design.calibration:
        text += "; variance of calibrated weights (residuals of the calibration model)"
    return text


def _levels(frame: pd.DataFrame, var: str, order: dict | None = None,
            missing_codes: frozenset = frozenset(), scope: np.ndarray | None = None
            ) -> tuple[np.ndarray, list[str]]:
    """Level code per row and level labels; missing values and missing codes (don't know,
    refused …) of rows in ``scope`` form the trailing level ``UNKNOWN_LEVEL`` instead of
    vanishing from the breakdown (−1 only outside ``scope``)."""
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
    codes = remap[np.asarray(raw_codes)]  # code −1 indexes the trailing −1
    unknown = codes < 0
    if scope is not None:
        unknown &= scope
    if unknown.any():
        name = UNKNOWN_LEVEL if UNKNOWN_LEVEL not in labels else f"{UNKNOWN_LEVEL} (missing)"
        codes = np.where(unknown, len(labels), codes)
        labels = labels + [name]
    return codes, labels


def prepare_frame(frame: pd.DataFrame, spec: ModuleSpec, weights: np.ndarray,
                  reasons: pd.DataFrame | None = None, kinds: tuple[str, ...] | None = None
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """Add the spec's derived variables (only those of ``kinds`` if given); return the frame
    and its universe mask."""
    answers = rules.Answers(frame, reasons, spec.missing_codes)
    universe = rules.universe_mask(spec, answers)
    derived = tuple(d for d in spec.derived if (kinds is None or d["kind"] in kinds)
                    and d.get("unit") is None)
    out = derive.add_derived(frame, derived, pd.Series(weights, index=frame.index),
                             in_scope=universe)
    return out, universe


@dataclass(frozen=True)
class MemberTable:
    """A repeat group's members as a unit of analysis.

    ``frame``: one row per member, the household's (parent submission's) columns inherited
    where the member has no column of that name; ``parent``: for each member, the row of
    its household in the main frame (and so in the design); ``reasons``: declared missing
    reasons of the repeat table (same index as ``frame``) or None.
    """

    frame: pd.DataFrame
    parent: np.ndarray
    reasons: pd.DataFrame | None = None


def run_indicators(frame: pd.DataFrame, specs: list[ModuleSpec], design: SurveyDesign, *,
                   reasons: pd.DataFrame | None = None, rules_: ReportingRules | None = None,
                   weights_label: str = "", derived_ready: bool = False,
                   category_order: dict[str, list[str]] | None = None,
                   labels: Labels | None = None,
                   members: dict[str, MemberTable] | None = None) -> pd.DataFrame:
    """Every indicator of every spec, overall and by each disaggregation, as one tidy table.

    ``frame`` holds one respondent per row, aligned with ``design`` (a ``SurveyDesign`` over
    the same rows, e.g. from :func:`make_design`; its weights and calibration are used);
    ``reasons`` (optional, same index) the declared missing reasons per variable from
    cleaning; ``category_order`` (variable → choice names, e.g. from the XLSForm) orders
    levels and answer categories; ``labels`` puts question and choice labels beside the codes.
    Estimates, SEs, df and intervals are ``SurveyDesign``'s.

    Indicators with a ``unit`` (a repeat group, e.g. a household roster) are estimated over
    the members in ``members[unit]``: each member carries the household's weight, stratum
    and PSU, so a member-level proportion is the ratio of household totals
    sum_h w_h Y_h / sum_h w_h D_h (Y_h, D_h: the household's members in the numerator and
    denominator), whose linearised variance over PSUs is R's ``svymean`` on the member-level
    design with ``ids`` the PSU (or the household when there is no PSU: members of one
    household are never treated as independent); calibration is kept.
    """
    rr = rules_ or ReportingRules()
    lab = labels or Labels()
    category_order = {**_derived_order(specs), **(category_order or {})}
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
        parts += _module_rows(spec, data, universe, design, reasons, rr, category_order, lab)
        for unit in dict.fromkeys(i.unit for i in spec.indicators if i.unit is not None):
            parts += _unit_rows(spec, unit, (members or {}).get(unit), data, design, rr,
                                category_order, lab)
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = apply_reporting_rules(edge_intervals(out, rr.level), rr)
    out["weights"] = weights_label or "weights as given"
    out["design"] = design_label(design)
    return out[RESULT_COLUMNS]


def _derived_order(specs: list[ModuleSpec]) -> dict[str, list[str]]:
    """Age groups in age order (``5-17`` before ``18-64``), not in text order."""
    out = {}
    for spec in specs:
        for d in spec.derived:
            if d["kind"] == "age_groups":
                b = list(d["breaks"])
                out[d["name"]] = [f"{lo}-{hi - 1}" for lo, hi in zip(b[:-1], b[1:])] + \
                    [f"{b[-1]}+"]
    return out


def _unit_rows(spec, unit, member, data, design, rr, category_order, lab) -> list:
    """Indicators of one repeat group, per member (see :func:`run_indicators`)."""
    import dataclasses

    from rbm_surveys.errors import ConfigError

    if member is None:
        raise ConfigError(f"indicators of unit {unit!r} need the repeat group {unit!r}, which "
                          "the data does not have", file=spec.path or None, key="units",
                          hint="check the repeat's name in the form and the export's sheets")
    inds = tuple(i for i in spec.indicators if i.unit == unit)
    if any(i.kind == "average" for i in inds):
        raise ConfigError("an average of member-level indicators is not supported",
                          file=spec.path or None, key="indicators",
                          hint="average household- or respondent-level indicators only")
    when, label, dis = spec.units[unit]
    derived = tuple(d for d in spec.derived if d.get("unit") == unit)
    mframe = member.frame
    w = np.asarray(design.weights)[member.parent]
    if derived:
        mframe = derive.add_derived(mframe, derived, pd.Series(w, index=mframe.index))
    sub = dataclasses.replace(spec, indicators=inds, universe=when, universe_label=label)
    answers = rules.Answers(mframe, member.reasons, spec.missing_codes)
    scope = (evaluate_or_all(when, answers))
    missing = [v for v in dis if v not in mframe]
    if missing:
        raise DataError(f"the members of {unit!r} lack disaggregation variable(s) {missing}",
                        file=spec.path or None, key=f"units.{unit}.disaggregations",
                        hint="name questions of the repeat, of the main sheet, or derived "
                             "variables of the unit")
    sub = dataclasses.replace(sub, disaggregations=tuple(dis))
    return _module_rows(sub, mframe, scope, design, member.reasons, rr, category_order, lab,
                        parent=member.parent)


def evaluate_or_all(cond: Any, answers: "rules.Answers") -> np.ndarray:
    """Rows where ``cond`` is known true (all rows when there is no condition)."""
    if cond is None:
        return np.ones(len(answers.frame), dtype=bool)
    return rules.evaluate(cond, answers)[0]


def _module_rows(spec, data, universe, design, reasons, rr, category_order, lab,
                 parent: np.ndarray | None = None) -> list:
    """One module: rule results become coded columns of one design, estimated per dimension.

    Each answer category of an indicator is a 0/1 column (missing outside the denominator:
    R's ``na.rm``) and each disaggregation a level-coded column (missing, don't know and
    refused: the level ``unknown``), so ``SurveyDesign`` gives the domain proportions, SEs
    and df directly. With ``parent`` (member rows → household rows) the rows are members and
    each domain proportion is a ratio of household totals.
    """
    answers = rules.Answers(data, reasons, spec.missing_codes)
    codes_ = frozenset(c for cs in spec.missing_codes.values() for c in cs)
    dims = [("all", *_levels(data, "all"))] + [
        (v, *_levels(data, v, category_order, codes_, universe)) for v in spec.disaggregations]
    main_inds = [ind for ind in spec.indicators if ind.unit is None or parent is not None]
    results = {}
    for i, ind in enumerate(spec.indicators):
        if ind.kind == "average" or ind not in main_inds:
            continue
        results[ind.id] = (i, rules.apply_rule(ind, answers, universe, category_order))
    parts: dict[str, list] = {ind.id: [] for ind in main_inds}
    components = {}
    if parent is not None:
        for ind in main_inds:
            i, res = results[ind.id]
            for name, codes, labels in dims:
                table = _estimate_members(design, res, codes, len(labels), parent, rr)
                dropped = np.bincount(codes[universe & ~res.d & (codes >= 0)],
                                      minlength=len(labels))
                parts[ind.id].append(_rows(spec, ind, name, labels, res.categories, table,
                                           dropped, lab))
        return [f for fs in parts.values() for f in fs]
    cols: dict[str, np.ndarray] = {}
    for j, (_, codes, _) in enumerate(dims[1:]):
        cols[f"__by{j}"] = np.where(codes >= 0, codes, np.nan)
    for _ind_id, (i, res) in results.items():
        for j in range(res.y.shape[1]):
            cols[f"__ind{i}_{j}"] = np.where(res.d, res.y[:, j], np.nan)
    est = _on_frame(design, cols)
    by_names = [None] + [f"__by{j}" for j in range(len(dims) - 1)]
    for ind in main_inds:
        if ind.kind == "average":
            continue
        i, res = results[ind.id]
        k = len(res.categories)
        for (name, codes, labels), by in zip(dims, by_names):
            table = _estimate(est, [f"__ind{i}_{j}" for j in range(k)], by, len(labels), rr)
            components[(ind.id, name)] = table
            dropped = np.bincount(codes[universe & ~res.d & (codes >= 0)], minlength=len(labels))
            parts[ind.id].append(_rows(spec, ind, name, labels, res.categories, table, dropped,
                                       lab))
    averages = [ind for ind in main_inds if ind.kind == "average"]
    if averages:
        for ind, frame in _average_rows(spec, averages, results, components, dims, by_names,
                                        est, rr, lab):
            parts[ind.id].append(frame)
    return [f for fs in parts.values() for f in fs]  # in the specification's order


def _estimate_members(design: SurveyDesign, res, codes: np.ndarray, n_levels: int,
                      parent: np.ndarray, rr: ReportingRules) -> pd.DataFrame:
    """Member-level domain proportions as ratios of household totals (R ``svyratio`` on
    the household design = ``svymean`` on the member design clustered by PSU/household).
    Rows: level-major, category within level, as :func:`_estimate`."""
    n_h = design.n
    k = res.y.shape[1]
    cols: dict[str, np.ndarray] = {}
    for lev in range(n_levels):
        inl = res.d & (codes == lev)
        cols[f"__den{lev}"] = np.bincount(parent[inl], minlength=n_h).astype("float64")
        for j in range(k):
            cols[f"__num{lev}_{j}"] = np.bincount(parent[inl], weights=res.y[inl, j],
                                                  minlength=n_h)
    est = _on_frame(design, cols) if cols else design
    rows = []
    wm = np.asarray(design.weights)[parent]
    for lev in range(n_levels):
        inl = res.d & (codes == lev)
        n = int(inl.sum())
        nw = float(wm[inl].sum())
        if n == 0 or k == 0:
            rows += [{"estimate": np.nan, "se": np.nan, "df": np.nan, "n": 0,
                      "n_weighted": 0.0}] * k
            continue
        r = est.ratio([f"__num{lev}_{j}" for j in range(k)], f"__den{lev}", ci="t",
                      level=rr.level)
        for j in range(k):
            rows.append({"estimate": float(r["estimate"].iloc[j]), "se": float(r["se"].iloc[j]),
                         "df": float(r["df"].iloc[j]), "n": n, "n_weighted": nw})
    table = pd.DataFrame(rows, columns=["estimate", "se", "df", "n", "n_weighted"])
    p, se = table["estimate"].to_numpy(dtype="float64"), table["se"].to_numpy(dtype="float64")
    table["ci_low"], table["ci_high"] = proportion_interval(
        rr.ci, p, se**2, table["df"].to_numpy(dtype="float64"),
        table["n"].to_numpy(dtype="float64"), rr.level)
    table["ci_method"] = rr.ci
    return table[_ENGINE_COLUMNS]


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
        if ind.unit is not None:
            continue
        need |= set(rules.condition_vars(ind.numerator)) | set(rules.condition_vars(ind.when))
        if ind.var:
            need.add(ind.var)
    need |= set(spec.disaggregations)
    for d in spec.derived:
        if d.get("unit") is not None:
            continue
        need |= {d["source"]} if "source" in d else set(d.get("domains", ()))
    if not derived_ready:
        need -= derived
    missing = sorted(v for v in need if v not in frame)
    if missing:
        raise DataError(f"the data lacks variable(s) {', '.join(missing)} that the indicator "
                        f"specification of module {spec.module!r} uses", file=spec.path or None,
                        variable=missing[0], hint="check the specification against the form "
                        "and the export (names are XLSForm field names)")


def _rows(spec, ind, dim, labels, cats, table, dropped, lab: Labels) -> pd.DataFrame:
    k = len(cats)
    levels = np.repeat(np.array(labels, dtype=object), k)
    n_drop = np.repeat(dropped, k)
    notes = np.full(len(levels), "", dtype=object)
    unknown = np.array([str(v).startswith(UNKNOWN_LEVEL) for v in levels], dtype=bool)
    if dim != "all" and unknown.any():
        notes[unknown] = (f"{'members' if ind.unit else 'respondents'} whose {dim} is missing, "
                          "don't know or refused")
    has_drop = n_drop > 0
    if has_drop.any():
        text = np.array([f"{int(d)} left out of the denominator by the missing-data rule"
                         for d in n_drop[has_drop]], dtype=object)
        notes[has_drop] = np.where(notes[has_drop] == "", text, notes[has_drop] + "; " + text)
    answer_var = ind.var if ind.kind == "distribution" else None
    cat_col = np.tile(np.array(cats, dtype=object), len(labels))
    frame = pd.DataFrame({
        "module": spec.module, "indicator": ind.id, "title": ind.title,
        "category": cat_col,
        "category_label": [lab.choice(answer_var, c) for c in cat_col],
        "disaggregation": dim, "disaggregation_label": lab.question(dim),
        "level": levels, "level_label": [lab.choice(dim, v) for v in levels],
        "n_dropped": n_drop,
        "missing_rule": _rule_text(ind), "universe": spec.universe_label,
        "unit": ind.unit or "", "source": ind.source, "notes": notes,
    })
    return pd.concat([frame, table], axis=1)


def _average_rows(spec, averages, results, components, dims, by_names, design, rr, lab) -> list:
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
            "category_label": None, "disaggregation": name,
            "disaggregation_label": lab.question(name), "level": labels,
            "level_label": [lab.choice(name, v) for v in labels], "n_dropped": 0,
            "missing_rule": f"average of {', '.join(ind.of)}",
            "universe": spec.universe_label, "unit": "", "source": ind.source,
            "notes": [f"respondents whose {name} is missing, don't know or refused"
                      if name != "all" and str(v).startswith(UNKNOWN_LEVEL) else ""
                      for v in labels],
            "estimate": p, "se": se, "ci_low": low, "ci_high": high, "ci_method": rr.ci,
            "df": df, "n": n, "n_weighted": nw})))
    return out


def _rule_text(ind) -> str:
    counted = [r for r, a in ind.missing.items() if a == "count"]
    dropped = [r for r, a in ind.missing.items() if a == "drop"]
    text = ind.missing_name or "custom"
    return (f"{text}: in denominator, not numerator = {', '.join(counted) or 'none'}; "
            f"excluded = {', '.join(dropped) or 'none'}")
