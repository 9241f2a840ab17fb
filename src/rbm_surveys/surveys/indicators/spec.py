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

from rbm_surveys.config import MISSING_CONVENTIONS, REASONS, Located
from rbm_surveys.provenance import Source

__all__ = ["IndicatorSpec", "ModuleSpec", "load_spec", "load_specs", "bundled_spec_paths",
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
    units: dict[str, tuple[Any, str]] = field(default_factory=dict)  # repeat -> (when, label)

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
        units={k: (u.when, u.label or f"members of {k}") for k, u in model.units.items()})


def load_specs(paths: list[str | Path] | None = None) -> list[ModuleSpec]:
    """Load several specification files (the bundled four when ``paths`` is None)."""
    if paths is None:
        paths = list(bundled_spec_paths().values())
    return [load_spec(p) for p in paths]
