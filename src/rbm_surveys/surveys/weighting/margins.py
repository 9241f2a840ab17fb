"""Population margins: declared, loaded, collapsed and checked before any weighting runs.

A *margin* is a table of population totals over one variable (``sex``) or a joint table over
several (``sex x agegrp``). Margins come from Python mappings, CSV files (one per margin: the
variable columns plus ``total``) or YAML::

    tolerance: 1.0e-6          # relative gap allowed between the grand totals of margins
    margins:
      sex: {F: 5120, M: 4880}
      agegrp: {"18-29": 3000, "30-59": 5000, "60-69": 1200, "70+": 800}
      - variables: [sex, district]    # a joint table (in the list form)
        cells:
          - {sex: F, district: A, total: 2500}
    collapse:                  # declared rule for sparse cells: new label <- old labels
      agegrp: {"60+": ["60-69", "70+"]}
      district: adjacent       # or: merge cells below min_cell into a neighbour
    min_cell: 5                # optional: cells with fewer respondents are an error

(``margins`` may be a mapping ``variable -> {category: total}`` or a list of entries
``{variable: v, totals: {...}}`` / ``{variables: [...], cells: [...]}``.)

:func:`prepare_margins` checks everything at once against the data and raises one error
that names the variable and category and the ``collapse`` entry that would fix it:
totals that disagree across margins, a category in the sample but not in the margin or the
reverse, a cell with no (or too few) respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError, DataError, WeightingError

__all__ = ["Margin", "MarginSet", "PreparedMargin", "load_margins", "as_margin_set",
           "prepare_margins", "category_label"]

DEFAULT_TOLERANCE = 1e-6
#: The automatic collapsing rule: merge sparse categories into a neighbour (margin order).
ADJACENT = "adjacent"
TOTAL_COLUMN = "total"


def category_label(value: Any) -> str:
    """One spelling for a category in data and in margins: ``1``, ``1.0`` and ``"1"`` agree."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class Margin:
    """Population totals over one variable or the cross-classification of several."""

    variables: tuple[str, ...]
    totals: dict[tuple[str, ...], float]  # category labels (one per variable) -> total
    source: str | None = None

    @property
    def name(self) -> str:
        return " x ".join(self.variables)

    @property
    def grand_total(self) -> float:
        return float(sum(self.totals.values()))

    @classmethod
    def of(cls, variables: str | Sequence[str], totals: Mapping[Any, float] | pd.Series,
           source: str | None = None) -> "Margin":
        variables = (variables,) if isinstance(variables, str) else tuple(variables)
        if isinstance(totals, pd.Series):
            totals = totals.to_dict()
        clean: dict[tuple[str, ...], float] = {}
        for key, value in totals.items():
            key = key if isinstance(key, tuple) else (key,)
            if len(key) != len(variables):
                raise ConfigError(f"category {key!r} does not have one label per variable "
                                  f"{list(variables)}", file=source, variable=" x ".join(variables),
                                  hint="give one label for each variable of a joint margin")
            label = tuple(category_label(k) for k in key)
            try:
                total = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"total {value!r} is not a number", file=source,
                                  variable=" x ".join(variables), category="/".join(label),
                                  hint="write population totals as numbers") from None
            if not np.isfinite(total) or total < 0:
                raise ConfigError(f"total {value!r} is negative or not finite", file=source,
                                  variable=" x ".join(variables), category="/".join(label),
                                  hint="population totals must be finite and >= 0")
            if label in clean:
                raise ConfigError("category given twice", file=source,
                                  variable=" x ".join(variables), category="/".join(label),
                                  hint="list each category once")
            clean[label] = total
        if not clean:
            raise ConfigError("margin has no categories", file=source,
                              variable=" x ".join(variables), hint="list the population totals")
        return cls(variables, clean, source)


@dataclass(frozen=True)
class MarginSet:
    """Margins plus the declared collapsing rule and checks."""

    margins: tuple[Margin, ...]
    collapse: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    min_cell: int = 1
    tolerance: float = DEFAULT_TOLERANCE


@dataclass(frozen=True)
class PreparedMargin:
    """A margin matched to the data: category code per row, target per category."""

    name: str
    variables: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    targets: np.ndarray  # (ncat,)
    codes: np.ndarray  # (n,) int, index into categories
    counts: np.ndarray  # (ncat,) respondents per category


def _margin_from_entry(entry: Any, where: str, source: str | None) -> Margin:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a mapping", file=source,
                          hint="write {variable: v, totals: {...}} or "
                               "{variables: [...], cells: [...]}")
    if "cells" in entry:
        variables = entry.get("variables")
        if not isinstance(variables, list) or not variables:
            raise ConfigError(f"{where} has cells but no 'variables' list", file=source,
                              key=where, hint="add variables: [var1, var2]")
        totals: dict[tuple, float] = {}
        for i, cell in enumerate(entry["cells"] or []):
            missing = [v for v in [*variables, TOTAL_COLUMN] if not isinstance(cell, Mapping)
                       or v not in cell]
            if missing:
                raise ConfigError(f"{where} cell {i + 1} lacks {missing}", file=source,
                                  key=where, hint=f"each cell needs {variables + [TOTAL_COLUMN]}")
            totals[tuple(cell[v] for v in variables)] = cell[TOTAL_COLUMN]
        return Margin.of(variables, totals, source)
    variable = entry.get("variable")
    tot = entry.get("totals")
    if not isinstance(variable, str) or not isinstance(tot, Mapping):
        raise ConfigError(f"{where} needs 'variable' and a 'totals' mapping", file=source,
                          key=where, hint="write {variable: sex, totals: {F: 510, M: 490}}")
    return Margin.of(variable, tot, source)


def _margin_set_from_mapping(doc: Mapping, source: str | None) -> MarginSet:
    raw = doc.get("margins")
    if raw is None:
        raise ConfigError("no 'margins' key", file=source,
                          hint="put the population tables under 'margins:'")
    margins: list[Margin] = []
    if isinstance(raw, Mapping):
        for var, tot in raw.items():
            if not isinstance(tot, Mapping):
                raise ConfigError("totals must be a mapping category: total", file=source,
                                  variable=var, hint=f"write {var}: {{category: total, ...}}")
            margins.append(Margin.of(str(var), tot, source))
    elif isinstance(raw, list):
        for i, entry in enumerate(raw):
            margins.append(_margin_from_entry(entry, f"margins[{i}]", source))
    else:
        raise ConfigError("'margins' must be a mapping or a list", file=source)
    collapse_clean = _clean_collapse(doc.get("collapse") or {}, source)
    try:
        min_cell = int(doc.get("min_cell", 1))
        tolerance = float(doc.get("tolerance", DEFAULT_TOLERANCE))
    except (TypeError, ValueError):
        raise ConfigError("'min_cell' must be an integer and 'tolerance' a number",
                          file=source) from None
    return MarginSet(tuple(margins), collapse_clean, min_cell, tolerance)


def _read_yaml(path: Path) -> Any:
    """A margins YAML read and checked by :class:`rbm_surveys.config.MarginsFile` (unknown
    keys, duplicated categories, anchors, binary content: one ConfigError with the line)."""
    from rbm_surveys.config import MarginsFile, read_yaml, validate

    doc, where = read_yaml(path, what="margins file")
    if doc is None:
        raise ConfigError("margins file is empty", file=str(path), hint="start with 'margins:'")
    validate(MarginsFile, doc, where, what="margins file")
    return doc


def _margin_from_csv(path: Path) -> Margin:
    """One margin CSV, read strictly (field counts, numbers, each category once)."""
    from rbm_surveys.config import read_margin_csv

    variables, totals = read_margin_csv(path)
    return Margin.of(list(variables), totals, str(path))


def load_margins(path: str | Path) -> MarginSet:
    """Read margins from a YAML file, a CSV file, or a folder of them (sorted by name).

    In a folder, ``*.csv`` files are one margin each and ``*.yaml``/``*.yml`` files may add
    margins and the ``collapse``/``min_cell``/``tolerance`` settings.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError("margins file or folder not found", file=str(path),
                          hint="give a YAML/CSV file or a folder of them")
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    margins: list[Margin] = []
    collapse: dict[str, dict[str, list[str]]] = {}
    min_cell, tolerance = 1, DEFAULT_TOLERANCE
    for f in files:
        suffix = f.suffix.lower()
        if suffix == ".csv":
            margins.append(_margin_from_csv(f))
        elif suffix in (".yaml", ".yml"):
            doc = _read_yaml(f)
            if not isinstance(doc, Mapping):
                raise ConfigError("margins YAML must be a mapping", file=str(f),
                                  hint="start with 'margins:'")
            part = _margin_set_from_mapping(doc, str(f)) if "margins" in doc else \
                _margin_set_from_mapping({"margins": {}, **doc}, str(f))
            margins.extend(part.margins)
            collapse.update(part.collapse)
            if "min_cell" in doc:
                min_cell = part.min_cell
            if "tolerance" in doc:
                tolerance = part.tolerance
        elif path.is_file():
            raise ConfigError("margins must be .yaml, .yml or .csv", file=str(f))
    if not margins:
        raise ConfigError("no margins found", file=str(path),
                          hint="add one CSV per margin or a YAML with 'margins:'")
    return MarginSet(tuple(margins), collapse, min_cell, tolerance)


def as_margin_set(margins: Any, collapse: Mapping | None = None,
                  min_cell: int | None = None, tolerance: float | None = None) -> MarginSet:
    """Accept a MarginSet, a path, a Margin, a list of Margins, or ``{variable: {cat: total}}``."""
    if isinstance(margins, (str, Path)):
        ms = load_margins(margins)
    elif isinstance(margins, MarginSet):
        ms = margins
    elif isinstance(margins, Margin):
        ms = MarginSet((margins,))
    elif isinstance(margins, Mapping):
        if "margins" in margins:
            ms = _margin_set_from_mapping(margins, None)
        else:
            ms = MarginSet(tuple(Margin.of(k, v) for k, v in margins.items()))
    elif isinstance(margins, Sequence) and all(isinstance(m, Margin) for m in margins):
        ms = MarginSet(tuple(margins))
    else:
        from rbm_surveys.errors import UsageError

        raise UsageError("margins must be a MarginSet, Margin(s), a path, or "
                         "{variable: {category: total}}")
    if collapse is not None:
        ms = MarginSet(ms.margins, _clean_collapse(collapse, None), ms.min_cell, ms.tolerance)
    if min_cell is not None:
        ms = MarginSet(ms.margins, ms.collapse, int(min_cell), ms.tolerance)
    if tolerance is not None:
        ms = MarginSet(ms.margins, ms.collapse, ms.min_cell, float(tolerance))
    return ms


def _collapse_hint(variable: str, category: str, others: Sequence[str]) -> str:
    near = [o for o in others if o != category][:1]
    target = f"{category}+{near[0]}" if near else f"{category}_merged"
    members = [category, *near]
    return (f"declare a collapsing rule, e.g. collapse: {{{variable}: {{\"{target}\": "
            f"{members}}}}} (or collapse: {{{variable}: {ADJACENT}}} with min_cell), or fix "
            "the margin/data")


def _collapse_map(rule: Mapping[str, list[str]] | str) -> dict[str, str]:
    if isinstance(rule, str):
        return {}
    return {old: new for new, olds in rule.items() for old in olds}


def _clean_collapse(collapse: Any, source: str | None) -> dict:
    """``variable -> {new: [old, ...]}`` or ``variable -> "adjacent"``, labels normalised."""
    if not isinstance(collapse, Mapping):
        raise ConfigError("'collapse' must map variable -> {new_label: [old labels]} or "
                          f"'{ADJACENT}'", file=source, key="collapse")
    clean: dict[str, Any] = {}
    for var, rule in collapse.items():
        if rule == ADJACENT:
            clean[str(var)] = ADJACENT
        elif isinstance(rule, Mapping) and all(isinstance(v, (list, tuple))
                                               for v in rule.values()):
            clean[str(var)] = {category_label(new): [category_label(o) for o in olds]
                               for new, olds in rule.items()}
        else:
            raise ConfigError("a collapse rule must be {new_label: [old labels]} or "
                              f"'{ADJACENT}'", file=source, key="collapse", variable=var)
    return clean


def _adjacent_rule(var: str, order: Sequence[str], counts: Mapping[str, int],
                   min_cell: int) -> dict[str, str]:
    """Merge categories with fewer than ``min_cell`` respondents into a neighbour.

    The declared rule ``collapse: {var: adjacent}``: categories are taken in the margin's
    order (ordinal categories such as age groups are declared in order); repeatedly the
    sparsest category below ``min_cell`` is merged with the sparser of its two neighbours.
    Merged labels join the old ones with ``+`` (``"60-69+70+"``).
    """
    groups = [[c] for c in order]
    sizes = [counts.get(c, 0) for c in order]
    while len(groups) > 1 and min(sizes) < max(min_cell, 1):
        i = int(np.argmin(sizes))
        if i == 0:
            j = 1
        elif i == len(groups) - 1:
            j = i - 1
        else:
            j = i - 1 if sizes[i - 1] <= sizes[i + 1] else i + 1
        lo, hi = min(i, j), max(i, j)
        groups[lo:hi + 1] = [groups[lo] + groups[hi]]
        sizes[lo:hi + 1] = [sizes[lo] + sizes[hi]]
    return {old: "+".join(g) for g in groups if len(g) > 1 for old in g}


def prepare_margins(data: pd.DataFrame, margins: Any, *, check_totals: bool = True,
                    file: str | None = None) -> list[PreparedMargin]:
    """Match margins to ``data``; check all of them at once; return category codes per row.

    Raises :class:`ConfigError` (variable missing, category in sample but not in margin,
    totals that disagree), :class:`DataError` (missing values in a margin variable) or
    :class:`WeightingError` (a population cell with no, or fewer than ``min_cell``,
    respondents), listing every problem found, the first one located by keywords.
    """
    ms = as_margin_set(margins)
    problems: list[tuple[type, str, dict, str]] = []
    needed = sorted({v for m in ms.margins for v in m.variables})
    for var in needed:
        if var not in data.columns:
            problems.append((ConfigError, "margin variable not in the data",
                             {"variable": var}, "check the spelling or add the column"))
    for var in ms.collapse:
        if var not in needed:
            problems.append((ConfigError, "collapse rule for a variable no margin uses",
                             {"variable": var, "key": "collapse"}, "remove it or fix the name"))
    if problems:
        _raise(problems, file)

    # Factorize each variable once; labels, collapsing and matching work on the (few)
    # distinct values, rows only ever see integer codes.
    coded: dict[str, tuple[np.ndarray, list[str]]] = {}
    resolved: dict[str, dict[str, str]] = {}  # variable -> old label -> new label
    for var in needed:
        raw_codes, uniques = pd.factorize(data[var], use_na_sentinel=True)
        missing = raw_codes < 0
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            problems.append((DataError, f"{int(missing.sum())} missing value(s) in a margin "
                             "variable", {"variable": var, "row": first + 1},
                             "impute or recode them to a category before weighting"))
            continue
        raw_labels = [category_label(u) for u in uniques]
        if ms.collapse.get(var) == ADJACENT:
            singles = [m for m in ms.margins if m.variables == (var,)]
            if not singles:
                problems.append((ConfigError, f"collapse '{ADJACENT}' needs a margin of "
                                 "this variable alone (its order)", {"variable": var,
                                                                      "key": "collapse"},
                                 "add the single-variable margin or list the merges"))
                continue
            n_by_label = dict(zip(raw_labels, np.bincount(raw_codes,
                                                          minlength=len(raw_labels))))
            rule = _adjacent_rule(var, [k[0] for k in singles[0].totals], n_by_label,
                                  ms.min_cell)
        else:
            rule = _collapse_map(ms.collapse.get(var, {}))
        resolved[var] = rule
        labels = [rule.get(lab, lab) for lab in raw_labels]
        distinct = list(dict.fromkeys(labels))
        position = {lab: i for i, lab in enumerate(distinct)}
        remap = np.array([position[lab] for lab in labels], dtype=np.int64)
        identity = np.array_equal(remap, np.arange(len(remap)))
        coded[var] = (raw_codes.astype(np.int64, copy=False) if identity else remap[raw_codes],
                      distinct)
    if problems:
        _raise(problems, file)

    prepared: list[PreparedMargin] = []
    grand = [(m.name, m.grand_total) for m in ms.margins]
    for m in ms.margins:
        # Collapse the margin's own categories by the same rule, summing totals.
        totals: dict[tuple[str, ...], float] = {}
        for key, total in m.totals.items():
            new = tuple(resolved[v].get(k, k) for v, k in zip(m.variables, key))
            totals[new] = totals.get(new, 0.0) + total
        row_code, var_labels = coded[m.variables[0]]
        combos = [(lab,) for lab in var_labels]
        if len(m.variables) > 1:
            key = row_code.copy()
            sizes = []
            for v in m.variables[1:]:
                c, labs = coded[v]
                key = key * len(labs) + c
                sizes.append(labs)
            row_code, uniq_key = pd.factorize(key)
            combos = []
            for k in np.asarray(uniq_key):  # distinct combinations only
                parts = []
                for labs in reversed(sizes):
                    k, r = divmod(int(k), len(labs))
                    parts.append(labs[r])
                parts.append(coded[m.variables[0]][1][int(k)])
                combos.append(tuple(reversed(parts)))
        sample_counts = np.bincount(row_code, minlength=len(combos))
        count_of = {c: int(n) for c, n in zip(combos, sample_counts) if n > 0}
        margin_labels = ["/".join(k) for k in totals]
        for c in count_of:
            if c not in totals:
                cat = "/".join(c)
                problems.append((ConfigError, "category in the sample but not in the margin",
                                 {"variable": m.name, "category": cat},
                                 _collapse_hint(m.name, cat, margin_labels)))
        kept: list[tuple[str, ...]] = []
        for k in totals:
            n_resp = count_of.get(k, 0)
            if n_resp == 0:
                if totals[k] > 0:
                    problems.append((WeightingError, "population cell with no respondents",
                                     {"variable": m.name, "category": "/".join(k)},
                                     _collapse_hint(m.name, "/".join(k), margin_labels)))
                continue  # empty in both: dropped, as R's postStratify does
            if n_resp < ms.min_cell:
                problems.append((WeightingError, f"cell has {n_resp} respondent(s), fewer than "
                                 f"min_cell={ms.min_cell}",
                                 {"variable": m.name, "category": "/".join(k)},
                                 _collapse_hint(m.name, "/".join(k), margin_labels)))
            if totals[k] == 0:
                problems.append((ConfigError, "respondents in a cell whose population total "
                                 "is 0", {"variable": m.name, "category": "/".join(k)},
                                 "fix the margin or drop these respondents explicitly"))
            kept.append(k)
        index_of = {k: i for i, k in enumerate(kept)}
        remap = np.array([index_of.get(c, -1) for c in combos], dtype=np.int64)
        if np.array_equal(remap, np.arange(len(remap))):
            codes = row_code.astype(np.int64, copy=False)  # categories already in order
        else:
            codes = remap[row_code] if len(combos) else np.zeros(0, dtype=np.int64)
        targets = np.array([totals[k] for k in kept], dtype=float)
        counts = np.array([count_of[k] for k in kept], dtype=np.int64)
        prepared.append(PreparedMargin(m.name, m.variables, tuple(kept), targets, codes,
                                       counts))
    if check_totals and len(grand) > 1:
        name0, t0 = grand[0]
        for name, t in grand[1:]:
            if abs(t - t0) > ms.tolerance * max(abs(t0), 1.0):
                problems.append((ConfigError, f"grand total {t:g} disagrees with {t0:g} of "
                                 f"margin '{name0}'", {"variable": name},
                                 f"make all margins sum to the same population (tolerance "
                                 f"{ms.tolerance:g}) or set 'tolerance'"))
    if problems:
        _raise(problems, file)
    return prepared


def _raise(problems: list[tuple[type, str, dict, str]], file: str | None) -> None:
    kind, message, where, hint = problems[0]
    if len(problems) > 1:
        rest = "; ".join(f"{w.get('variable', '')}"
                         f"{'=' + str(w['category']) if 'category' in w else ''}: {msg}"
                         for _, msg, w, _ in problems[1:])
        message = f"{message} (and {len(problems) - 1} more problem(s): {rest})"
    err = kind(message, hint=hint, file=file, **where)
    err.problems = problems  # every problem, for a failure table
    raise err
