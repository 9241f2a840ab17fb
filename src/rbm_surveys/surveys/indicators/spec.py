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
import re
from pathlib import Path
from typing import Any

import yaml

from rbm_surveys.errors import ConfigError
from rbm_surveys.provenance import Source

__all__ = ["IndicatorSpec", "ModuleSpec", "load_spec", "load_specs", "bundled_spec_paths",
           "MISSING_CONVENTIONS", "REASONS"]

#: Reasons a value can be missing; each indicator says what each one does.
REASONS = ("dont_know", "refused", "not_applicable", "no_answer")

#: Named conventions for don't know / refused / not applicable / unanswered.
#: ``count`` = stays in the denominator, not in the numerator; ``drop`` = leaves the
#: denominator. SDG/UNODC metadata divide by all respondents (16.1.4, 11.7.2, 1.4.2 b);
#: UNHCR RMS and UNDP (16.7.2) divide by valid answers only.
MISSING_CONVENTIONS: dict[str, dict[str, str]] = {
    "sdg": dict.fromkeys(REASONS, "count"),
    "unodc": dict.fromkeys(REASONS, "count"),
    "valid_only": dict.fromkeys(REASONS, "drop"),
    "unhcr": dict.fromkeys(REASONS, "drop"),
    "undp": dict.fromkeys(REASONS, "drop"),
}
_ACTIONS = ("count", "drop")
KINDS = ("proportion", "distribution", "average")
DERIVED_KINDS = ("age_groups", "weighted_quantile_groups", "wg_disability")
WG_IDENTIFIERS = ("disability1", "disability2", "disability3", "disability4")
WG_MISSING_RULES = ("unknown_if_all_missing", "complete_domains")
_COMPARE = ("in", "not_in", ">=", ">", "<=", "<", "==", "!=")


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

    def indicator(self, ind_id: str) -> IndicatorSpec:
        for ind in self.indicators:
            if ind.id == ind_id:
                return ind
        raise KeyError(ind_id)


def bundled_spec_paths() -> dict[str, Path]:
    """The four specification files shipped with the package, by module."""
    folder = Path(__file__).parent / "specs"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


class _Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans: choice names such as ``yes``, ``no``,
    ``on`` stay text (YAML 1.1 would turn them into booleans)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


class _Problems:
    """Collects every problem with its key path and line, raised together at the end."""

    def __init__(self, path: str, root: yaml.Node | None):
        self.path, self.root, self.items = path, root, []

    def line(self, keys: tuple) -> int | None:
        node, line = self.root, None
        for k in keys:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for kn, v in node.value if kn.value == k), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(k, int) and k < len(node.value):
                nxt = node.value[k]
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            line = node.start_mark.line + 1
        return line

    def add(self, keys: tuple, message: str) -> None:
        key = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in keys)
        key = key.replace(".[", "[")
        self.items.append((key, self.line(keys), message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first_key, first_line, _ = self.items[0]
        text = "; ".join(f"{k} (line {ln}): {m}" if ln else f"{k}: {m}" for k, ln, m in self.items)
        raise ConfigError(f"{len(self.items)} problem(s) in indicator specification: {text}",
                          file=self.path, key=first_key, line=first_line,
                          hint="fix the listed keys; see docs/indicators.md for the schema")


def _check_condition(cond: Any, keys: tuple, probs: _Problems) -> None:
    if not isinstance(cond, dict) or not cond:
        probs.add(keys, "a condition must be a mapping like {var: x, in: [a, b]}")
        return
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        parts = cond[op]
        if not isinstance(parts, list) or not parts or len(cond) != 1:
            probs.add(keys + (op,), f"'{op}' takes a non-empty list of conditions and nothing else")
            return
        for i, part in enumerate(parts):
            _check_condition(part, keys + (op, i), probs)
        return
    if "not" in cond:
        if len(cond) != 1:
            probs.add(keys, "'not' takes one condition and nothing else")
        _check_condition(cond["not"], keys + ("not",), probs)
        return
    if not isinstance(cond.get("var"), str):
        probs.add(keys, "condition needs 'var' (a question or derived variable name)")
    ops = [k for k in cond if k != "var"]
    if len(ops) != 1 or ops[0] not in _COMPARE:
        probs.add(keys, f"condition needs exactly one of {', '.join(_COMPARE)}")
        return
    op = ops[0]
    if op in ("in", "not_in") and not (isinstance(cond[op], list) and cond[op]):
        probs.add(keys + (op,), f"'{op}' takes a non-empty list of choice names")
    if op not in ("in", "not_in") and isinstance(cond[op], (list, dict)):
        probs.add(keys + (op,), f"'{op}' takes a single value")


def _missing_rule(value: Any, keys: tuple, probs: _Problems) -> tuple[dict[str, str], str]:
    if isinstance(value, str):
        if value not in MISSING_CONVENTIONS:
            probs.add(keys, f"unknown missing-data convention {value!r}; use one of "
                      f"{', '.join(MISSING_CONVENTIONS)} or a mapping reason -> count/drop")
            return {}, ""
        return dict(MISSING_CONVENTIONS[value]), value
    if isinstance(value, dict):
        bad = [r for r in value if r not in REASONS]
        if bad:
            probs.add(keys, f"unknown reason(s) {bad}; reasons are {', '.join(REASONS)}")
        badv = [r for r, a in value.items() if a not in _ACTIONS]
        if badv:
            probs.add(keys, f"reason(s) {badv} need 'count' (stay in the denominator) or "
                      "'drop' (leave it)")
        missing = [r for r in REASONS if r not in value]
        if missing:
            probs.add(keys, f"every reason must be given; missing {missing}")
        return {r: str(value.get(r, "drop")) for r in REASONS}, "custom"
    probs.add(keys, "'missing' is required: a convention name or a mapping reason -> count/drop")
    return {}, ""


def _check_derived(items: Any, probs: _Problems) -> tuple[dict, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        probs.add(("derived",), "must be a list")
        return ()
    out = []
    for i, d in enumerate(items):
        k = ("derived", i)
        if not isinstance(d, dict):
            probs.add(k, "must be a mapping")
            continue
        if not isinstance(d.get("name"), str):
            probs.add(k, "needs a 'name'")
        kind = d.get("kind")
        if kind not in DERIVED_KINDS:
            probs.add(k + ("kind",), f"kind must be one of {', '.join(DERIVED_KINDS)}")
        elif kind == "age_groups":
            b = d.get("breaks")
            if not (isinstance(b, list) and len(b) >= 1 and all(isinstance(x, int) for x in b)
                    and b == sorted(set(b))):
                probs.add(k + ("breaks",), "breaks must be increasing whole ages, e.g. [18, 25]")
            if not isinstance(d.get("source"), str):
                probs.add(k, "needs 'source' (the age question)")
        elif kind == "weighted_quantile_groups":
            g = d.get("groups")
            if not (isinstance(g, int) and 2 <= g <= 20):
                probs.add(k + ("groups",), "groups must be a whole number from 2 to 20")
            if not isinstance(d.get("source"), str):
                probs.add(k, "needs 'source' (the income or consumption question)")
        elif kind == "wg_disability":
            dom = d.get("domains")
            if not (isinstance(dom, list) and dom and all(isinstance(x, str) for x in dom)):
                probs.add(k + ("domains",), "domains must list the WG-SS question names")
            if d.get("identifier", "disability3") not in WG_IDENTIFIERS:
                probs.add(k + ("identifier",), f"identifier must be one of {', '.join(WG_IDENTIFIERS)}")
            if d.get("missing_rule", "unknown_if_all_missing") not in WG_MISSING_RULES:
                probs.add(k + ("missing_rule",),
                          f"missing_rule must be one of {', '.join(WG_MISSING_RULES)}")
        out.append(d)
    return tuple(out)


def _check_indicators(module: str, items: Any, probs: _Problems) -> tuple[IndicatorSpec, ...]:
    if not isinstance(items, list) or not items:
        probs.add(("indicators",), "must be a non-empty list of indicators")
        return ()
    out: list[IndicatorSpec] = []
    seen: set[str] = set()
    for i, d in enumerate(items):
        k = ("indicators", i)
        if not isinstance(d, dict):
            probs.add(k, "must be a mapping")
            continue
        ind_id = d.get("id")
        if not (isinstance(ind_id, str) and ind_id.replace("_", "").isalnum()):
            probs.add(k + ("id",), "id must be letters, digits and underscores")
            ind_id = f"#{i}"
        elif ind_id in seen:
            probs.add(k + ("id",), f"duplicate indicator id {ind_id!r}")
        seen.add(ind_id)
        for req in ("title", "source"):
            if not isinstance(d.get(req), str) or not d.get(req).strip():
                probs.add(k + (req,), f"'{req}' is required (text)")
        kind = d.get("kind")
        missing, missing_name = {}, ""
        if kind not in KINDS:
            probs.add(k + ("kind",), f"kind must be one of {', '.join(KINDS)}")
        elif kind == "proportion":
            _check_condition(d.get("numerator"), k + ("numerator",), probs)
        elif kind == "distribution":
            if not isinstance(d.get("var"), str):
                probs.add(k + ("var",), "a distribution needs 'var' (a select_one question)")
        elif kind == "average":
            of = d.get("of")
            if not (isinstance(of, list) and len(of) >= 2):
                probs.add(k + ("of",), "an average needs 'of': two or more indicator ids above it")
            else:
                for j, ref in enumerate(of):
                    prior = {x.id: x for x in out}
                    if ref not in prior or prior[ref].kind != "proportion":
                        probs.add(k + ("of", j), f"{ref!r} is not a proportion indicator defined "
                                  "above this one")
        if kind in ("proportion", "distribution"):
            missing, missing_name = _missing_rule(d.get("missing"), k + ("missing",), probs)
        if "when" in d:
            _check_condition(d["when"], k + ("when",), probs)
        out.append(IndicatorSpec(
            id=ind_id, title=str(d.get("title", "")), kind=str(kind), module=module,
            numerator=d.get("numerator"), var=d.get("var"), of=tuple(d.get("of") or ()),
            when=d.get("when"), missing=missing, missing_name=missing_name,
            definition=" ".join(str(d.get("definition", "")).split()),
            source=str(d.get("source", ""))))
    return tuple(out)


def load_spec(path: str | Path, *, text: str | None = None) -> ModuleSpec:
    """Load and validate one indicator specification file (or ``text`` named ``path``)."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("indicator specification not found", file=str(path),
                              hint="check the path in your configuration") from None
        except UnicodeDecodeError:
            raise ConfigError("indicator specification is not UTF-8 text", file=str(path),
                              hint="save the YAML file as UTF-8") from None
        source = Source.of(path, "indicator-spec")
    else:
        source = None
    from rbm_surveys.safety import parse_yaml

    parse_yaml(text, file=str(path), what="indicator specification")  # aliases, depth
    try:
        root = yaml.compose(text, Loader=_Loader)
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                          line=mark.line + 1 if mark else None,
                          hint="fix the YAML syntax at that line") from None
    probs = _Problems(str(path), root)
    if not isinstance(doc, dict):
        probs.add((), "the file must be a mapping with module, universe and indicators")
        probs.raise_if_any()
    known = {"module", "title", "form", "universe", "missing_codes", "derived",
             "disaggregations", "indicators", "version"}
    for key in doc:
        if key not in known:
            probs.add((key,), f"unknown key; known keys are {', '.join(sorted(known))}")
    module = doc.get("module")
    if not isinstance(module, str):
        probs.add(("module",), "'module' is required (text)")
        module = path.stem
    universe = doc.get("universe") or {}
    if not isinstance(universe, dict) or "when" not in universe:
        probs.add(("universe",), "'universe' needs 'when' (a condition, e.g. {var: age, '>=': 18})")
    else:
        _check_condition(universe["when"], ("universe", "when"), probs)
    codes = doc.get("missing_codes") or {}
    if not isinstance(codes, dict) or any(r not in REASONS or not isinstance(v, list)
                                          for r, v in codes.items()):
        probs.add(("missing_codes",), f"must map reasons ({', '.join(REASONS)}) to lists of "
                  "choice names")
        codes = {}
    derived = _check_derived(doc.get("derived"), probs)
    dis = doc.get("disaggregations") or []
    if not (isinstance(dis, list) and all(isinstance(x, str) for x in dis)):
        probs.add(("disaggregations",), "must be a list of variable names")
        dis = []
    indicators = _check_indicators(module, doc.get("indicators"), probs)
    probs.raise_if_any()
    return ModuleSpec(
        module=module, title=str(doc.get("title", module)), form=str(doc.get("form", "")),
        universe=universe["when"], universe_label=str(universe.get("label", "")),
        missing_codes={r: tuple(str(x) for x in v) for r, v in codes.items()},
        derived=derived, disaggregations=tuple(dis), indicators=indicators, path=str(path),
        source=source)


def load_specs(paths: list[str | Path] | None = None) -> list[ModuleSpec]:
    """Load several specification files (the bundled four when ``paths`` is None)."""
    if paths is None:
        paths = list(bundled_spec_paths().values())
    return [load_spec(p) for p in paths]
