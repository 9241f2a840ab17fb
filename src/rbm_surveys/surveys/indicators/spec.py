"""Indicator specifications: YAML beside each questionnaire, checked once when loaded.

A specification file describes one questionnaire module::

    module, title, form            what it is and which XLSForm it goes with
    universe: {label, when}        who is counted at all (e.g. adults 18+)
    missing_codes: {reason: [choice names]}   used when cleaning has not declared them
    derived: [...]                 age groups, weighted income quintiles, WG disability
    disaggregations: [...]         variables every indicator is broken down by
    indicators: [...]              id, title, kind, numerator/var/of, missing rule, source

A new indicator is a new entry under ``indicators``, not code. Conditions are small data
trees (``{var: x, in: [...]}``, ``{var: age, ">=": 18}``, ``{all: [...]}``, ``{any: [...]}``,
``{not: ...}``), never evaluated strings. Every problem found is reported together, each
with the file, the key path and the line (from the YAML node marks), as one ConfigError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rbm_surveys.config import MISSING_CONVENTIONS, REASONS, Located
from rbm_surveys.provenance import Source

__all__ = ["IndicatorSpec", "ModuleSpec", "load_spec", "load_specs", "bundled_spec_paths",
           "check_against_form",
           "MISSING_CONVENTIONS", "REASONS"]

KINDS = ("proportion", "distribution", "average")
DERIVED_KINDS = ("age_groups", "weighted_quantile_groups", "wg_disability")


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    title: str
    kind: str
    module: str
    numerator: Any = None  # condition tree (proportion)
    var: str | None = None  # distribution
    of: tuple[str, ...] = ()  # average
    when: Any = None  # extra universe restriction
    missing: dict[str, str] = field(default_factory=dict)
    missing_name: str = ""
    definition: str = ""
    source: str = ""
    unit: str | None = None  # repeat group analysed per member; None: one row per submission


@dataclass(frozen=True)
class ModuleSpec:
    module: str
    title: str
    form: str
    universe: Any
    universe_label: str
    missing_codes: dict[str, tuple[str, ...]]
    derived: tuple[dict, ...]
    disaggregations: tuple[str, ...]
    indicators: tuple[IndicatorSpec, ...]
    path: str = ""
    source: Source | None = None
    lines: Located | None = None  # key path -> line in the file, for later checks
    #: repeat group -> (universe condition or None, universe label, disaggregations)
    units: dict[str, tuple[Any, str, tuple[str, ...]]] = field(default_factory=dict)

    def indicator(self, ind_id: str) -> IndicatorSpec:
        for ind in self.indicators:
            if ind.id == ind_id:
                return ind
        raise KeyError(ind_id)


def bundled_spec_paths() -> dict[str, Path]:
    """The four specification files shipped with the package, by module."""
    folder = Path(__file__).parent / "specs"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_spec(path: str | Path, *, text: str | None = None) -> ModuleSpec:
    """Load and validate one indicator specification file (or ``text`` named ``path``).

    Structure, keys and values are checked by :class:`rbm_surveys.config.SpecFile`; every
    problem is reported in one ConfigError with the file, key path and line.
    """
    from rbm_surveys.config import SpecFile, load_model

    path = Path(path)
    model, where = load_model(SpecFile, path, text=text, what="indicator specification")
    source = Source.of(path, "indicator-spec") if text is None else None
    module = model.module
    indicators = []
    for ind in model.indicators:
        missing, missing_name = {}, ""
        m = getattr(ind, "missing", None)
        if isinstance(m, str):
            missing, missing_name = dict(MISSING_CONVENTIONS[m]), m
        elif isinstance(m, dict):
            missing, missing_name = {r: str(m[r]) for r in REASONS}, "custom"
        indicators.append(IndicatorSpec(
            id=ind.id, title=ind.title, kind=ind.kind, module=module,
            numerator=getattr(ind, "numerator", None), var=getattr(ind, "var", None),
            of=tuple(getattr(ind, "of", ()) or ()), when=ind.when, missing=missing,
            missing_name=missing_name, definition=ind.definition, source=ind.source,
            unit=ind.unit))
    return ModuleSpec(
        module=module, title=str(model.title or module), form=model.form,
        universe=model.universe.when, universe_label=model.universe.label,
        missing_codes={r: tuple(str(x) for x in v) for r, v in model.missing_codes.items()},
        derived=tuple(d.model_dump(exclude_none=True) for d in model.derived),
        disaggregations=tuple(model.disaggregations), indicators=tuple(indicators),
        path=str(path), source=source, lines=where,
        units={k: (u.when, u.label or f"members of {k}", tuple(u.disaggregations))
               for k, u in model.units.items()})


def load_specs(paths: list[str | Path] | None = None) -> list[ModuleSpec]:
    """Load several specification files (the bundled four when ``paths`` is None)."""
    if paths is None:
        paths = list(bundled_spec_paths().values())
    return [load_spec(p) for p in paths]


def _conditions(spec: ModuleSpec):
    """Every condition of a spec with its key path and unit (None: main table)."""
    yield spec.universe, ("universe", "when"), None
    for unit, (when, _, _) in spec.units.items():
        if when is not None:
            yield when, ("units", unit, "when"), unit
    for i, ind in enumerate(spec.indicators):
        if ind.numerator is not None:
            yield ind.numerator, ("indicators", i, "numerator"), ind.unit
        if ind.when is not None:
            yield ind.when, ("indicators", i, "when"), ind.unit


def _compares(cond: Any, path: tuple):
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        for i, part in enumerate(cond[op]):
            yield from _compares(part, path + (op, i))
    elif "not" in cond:
        yield from _compares(cond["not"], path + ("not",))
    else:
        yield cond, path


def check_against_form(spec: ModuleSpec, codebook: Any) -> None:
    """Names in ``spec`` checked against the XLSForm: every variable a condition,
    distribution or disaggregation reads is a question of the form (of the unit's repeat
    for member-level indicators) or a derived variable, and every choice name a condition
    compares with (``in``, ``not_in``, ``==``, ``!=``) is a choice of that question's list.
    All problems in one ConfigError naming the spec file, key and line, with a did-you-mean
    (``Yes`` → ``yes``): a wrong choice name would otherwise match nobody and give 0 %.
    """
    from rbm_surveys.config import Located, problems_error, suggest
    from rbm_surveys.surveys.indicators.rules import label_of

    if codebook is None or getattr(codebook, "fields", None) is None:
        return
    fields = codebook.fields
    repeat = fields["repeat"] if "repeat" in fields else pd.Series(None, index=fields.index)
    by_unit: dict[Any, dict[str, Any]] = {}
    for name, ln, rep in zip(fields["name"], fields["list_name"], repeat):
        unit = rep if isinstance(rep, str) and rep else None
        by_unit.setdefault(unit, {})[str(name)] = ln if isinstance(ln, str) and ln else None
    lists = {k: [str(c) for c in v] for k, v in codebook._choices_by_list().items()} \
        if hasattr(codebook, "_choices_by_list") else {}
    derived = {d["name"]: d.get("unit") for d in spec.derived}
    problems: list[tuple[tuple, str]] = []

    def known(var: str, unit: Any) -> dict[str, Any]:
        out = dict(by_unit.get(None, {}))  # members inherit the household's answers
        if unit is not None:
            out.update(by_unit.get(unit, {}))
        return out

    def check_var(var: Any, path: tuple, unit: Any) -> str | None:
        names = known(var, unit)
        if not isinstance(var, str) or var in names or var in derived:
            return names.get(var) if isinstance(var, str) else None
        where = f"the repeat {unit!r} or the main table" if unit else "the form"
        problems.append((path, f"{var!r} is not a question of {where} nor a derived "
                         f"variable{suggest(var, [*names, *derived])}"))
        return None

    for cond, path, unit in _conditions(spec):
        for cmp, cpath in _compares(cond, path):
            list_name = check_var(cmp.get("var"), cpath + ("var",), unit)
            if list_name is None or list_name not in lists:
                continue
            choices = lists[list_name]
            for op in ("in", "not_in", "==", "!="):
                if op not in cmp:
                    continue
                values = cmp[op] if isinstance(cmp[op], list) else [cmp[op]]
                for j, v in enumerate(values):
                    if label_of(v) not in choices:
                        sub = (op, j) if isinstance(cmp[op], list) else (op,)
                        problems.append((cpath + sub, f"{v!r} is not a choice of "
                                         f"{cmp['var']!r} (list {list_name!r})"
                                         f"{suggest(label_of(v), choices)}; choices: "
                                         f"{', '.join(choices)}"))
    for i, ind in enumerate(spec.indicators):
        if ind.var:
            check_var(ind.var, ("indicators", i, "var"), ind.unit)
    for i, var in enumerate(spec.disaggregations):
        check_var(var, ("disaggregations", i), None)
    for unit, (_, _, dis) in spec.units.items():
        for i, var in enumerate(dis):
            check_var(var, ("units", unit, "disaggregations", i), unit)
    for i, d in enumerate(spec.derived):
        for key in ("source",):
            if key in d:
                check_var(d[key], ("derived", i, key), d.get("unit"))
        for j, dom in enumerate(d.get("domains", ())):
            check_var(dom, ("derived", i, "domains", j), d.get("unit"))
    if problems:
        where = spec.lines or Located(spec.path)
        raise problems_error(problems, where, "indicator specification (checked against "
                             "the form)")
