"""The one configuration layer: every YAML or CSV file a user writes is read and checked here.

Files and their models (pydantic v2, unknown keys refused with a did-you-mean)::

    run configuration (rbm survey run)   RunConfig      -> surveys/indicators/pipeline.py
    indicator specification              SpecFile       -> surveys/indicators/spec.py
    weighting design (rbm weight)        WeightingDesign-> surveys/weighting/pipeline.py
    margins YAML / margins CSV           MarginsFile, read_margin_csv -> weighting/margins.py
    framework links                      LinksFile      -> load_links_file (framework)
    small CSV inputs (design per PSU …)  read_config_csv

Reading (:func:`read_yaml`) keeps the line of every key (PyYAML's composed nodes), refuses
what would make a file mean something else than it shows — duplicated keys (YAML would keep
the last silently), anchors and aliases (``&a``/``*a``, incl. self-reference and "billion
laughs"), binary or non-UTF-8 content, files over the size limit of
:mod:`rbm_surveys.safety` — and treats only ``true``/``false``
as booleans, so choice names ``yes``/``no``/``on`` stay text. Validation
(:func:`validate`) turns every pydantic error into one :class:`~rbm_surveys.errors.ConfigError`
listing each problem as ``key (line N): message``; the first problem's file, key and line
are the error's location. Checks that need other files (choice names against the form,
margin categories against the data) live with their callers but use :func:`suggest` and
:class:`Located` to say the same things the same way.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from rbm_surveys.errors import ConfigError
from rbm_surveys.safety import LIMITS, MAX_YAML_DEPTH

__all__ = [
    "Located", "read_text", "read_yaml", "validate", "load_model", "suggest",
    "ConfigModel", "RunConfig", "RunModule", "RunDesign", "Reporting",
    "SpecFile", "WeightingDesign", "MarginsFile", "read_margin_csv", "read_config_csv",
    "LinksFile", "Link", "InspectConfig", "load_links_file", "check_condition", "REASONS",
    "MISSING_CONVENTIONS", "COMPARE_OPS",
]

MAX_CONFIG_BYTES = LIMITS["config"].max_bytes  # one set of limits: rbm_surveys.safety
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
COMPARE_OPS = ("in", "not_in", ">=", ">", "<=", "<", "==", "!=")


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------

def suggest(word: str, candidates: Any, *, n: int = 1) -> str:
    """`` — did you mean 'x'?`` for the closest candidate (case-insensitive first), or ``""``."""
    cands = [str(c) for c in candidates]
    w = str(word)
    same_case = [c for c in cands if c.lower() == w.lower() and c != w]
    close = same_case or difflib.get_close_matches(w, cands, n=n, cutoff=0.6) \
        or [c for c in cands if c.lower().startswith(w.lower()) or w.lower().startswith(c.lower())][:n]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close[:n]) + "?"


class Located:
    """Where each key of a YAML document is: key path (tuple of keys and indexes) → line."""

    def __init__(self, file: str, lines: dict[tuple, int] | None = None) -> None:
        self.file = file
        self.lines = lines or {}

    def line(self, path: tuple) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            norm = tuple(str(p) if not isinstance(p, int) else p for p in path)
            if norm in self.lines:
                return self.lines[norm]
            path = path[:-1]
        return self.lines.get((), None)

    @staticmethod
    def key(path: tuple) -> str:
        """``indicators[0].numerator.in`` for ``("indicators", 0, "numerator", "in")``."""
        out = ""
        for p in path:
            out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
        return out

    def error(self, path: tuple, message: str, hint: str | None = None,
              cls: type[ConfigError] = ConfigError) -> ConfigError:
        """A ConfigError at ``path`` of this file."""
        return cls(message, file=self.file, key=self.key(path) or None, line=self.line(path),
                   hint=hint)


def read_text(path: str | Path, *, what: str = "configuration file") -> str:
    """A user's text configuration file as str: missing, binary, non-UTF-8 or oversized
    files are one-line ConfigErrors naming the file."""
    from rbm_surveys.safety import check_size

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{what} not found", file=str(path),
                          hint="check the path (relative paths are relative to the file "
                               "that names them)")
    check_size(path, "config", error=ConfigError)  # one size limit for every reader
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} ({exc.strerror})", file=str(path)) from None
    return decode_text(data, str(path), what)


def decode_text(data: bytes, file: str, what: str = "configuration file") -> str:
    """UTF-8 text (BOM stripped) or a ConfigError: NUL bytes mean a binary file."""
    if b"\x00" in data[:65536]:
        raise ConfigError(f"{what} is a binary file, not text", file=file,
                          hint="give a YAML/CSV text file (an .xlsx or .zip is not a "
                               "configuration)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{what} is not UTF-8 text", file=file, line=line,
                          hint="save it as UTF-8") from None
    return text


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases and duplicated keys and keeps yes/no as text."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D401
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("YAML anchors and aliases (&name / *name) are not allowed in "
                           "configuration files", event.start_mark,
                           "write the values out in full")
        # nesting is refused as it is read, before PyYAML recurses thousands of levels deep
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep",
                               event.start_mark, "configuration files are a few levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                k = key_node.value
                if k in seen:
                    raise _Refused(f"key {k!r} appears twice in the same mapping (first on "
                                   f"line {seen[k]})", key_node.start_mark,
                                   "give each key once; YAML would silently keep the last one")
                seen[k] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


class _Refused(Exception):
    def __init__(self, message: str, mark: Any, hint: str) -> None:
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


def _node_lines(node: Any, path: tuple, out: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = path + (str(k.value),)
            out[p] = k.start_mark.line + 1
            _node_lines(v, p, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            p = path + (i,)
            out[p] = v.start_mark.line + 1
            _node_lines(v, p, out)


def parse_yaml(text: str, file: str) -> tuple[Any, Located]:
    """Parse YAML text: the document and the line of every key (see module docstring)."""
    loader = None
    try:
        loader = _Loader(text)  # the reader checks characters here (a control byte raises)
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise ConfigError(exc.message, file=file, line=exc.mark.line + 1 if exc.mark else None,
                          hint=exc.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"not valid YAML: {problem}", file=file,
                          line=mark.line + 1 if mark else None,
                          hint="fix the YAML syntax at that line") from None
    except RecursionError:
        raise ConfigError("YAML nested too deeply", file=file,
                          hint="configuration files are a few levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[tuple, int] = {(): 1}
    if node is not None:
        _node_lines(node, (), lines)
    return doc, Located(file, lines)


def read_yaml(path: str | Path, *, text: str | None = None,
              what: str = "configuration file") -> tuple[Any, Located]:
    """Read and parse a YAML file (or ``text`` named ``path``)."""
    if text is None:
        text = read_text(path, what=what)
    return parse_yaml(text, str(path))


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------

def _err(message: str, sub: tuple = ()) -> PydanticCustomError:
    """A validation error whose location is ``sub`` below the model being validated."""
    return PydanticCustomError("config", "{msg}", {"msg": message, "sub": tuple(sub)})


class ConfigModel(BaseModel):
    """Base of every configuration model: frozen, unknown keys refused with a did-you-mean."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = [f.alias or n for n, f in cls.model_fields.items()]
            unknown = [k for k in data if k not in allowed]
            if unknown:
                k = unknown[0]
                more = f" (and {', '.join(map(repr, unknown[1:]))})" if len(unknown) > 1 else ""
                raise _err(f"unknown key {str(k)!r}{more}{suggest(str(k), allowed)}; allowed "
                           f"keys: {', '.join(allowed)}", (str(k),))
        return data


def _walk(doc: Any, loc: tuple) -> tuple:
    """The part of pydantic's ``loc`` that names keys of the document (union tags dropped)."""
    out: list = []
    node = doc
    for i, comp in enumerate(loc):
        if isinstance(node, Mapping) and comp in node:
            node, _ = node[comp], out.append(comp)
        elif isinstance(node, Mapping) and isinstance(comp, str) and \
                any(str(k) == comp for k in node):
            k = next(k for k in node if str(k) == comp)
            node, _ = node[k], out.append(comp)
        elif isinstance(node, list) and isinstance(comp, int) and 0 <= comp < len(node):
            node, _ = node[comp], out.append(comp)
        elif i == len(loc) - 1 and isinstance(node, Mapping) and isinstance(comp, str) \
                and not comp.startswith(("function-", "[")):
            out.append(comp)  # a required key that is missing
    return tuple(out)


def _tags(ctx: dict) -> list[str]:
    return [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]


def _message(err: dict) -> str:
    typ, msg = err["type"], err["msg"]
    if typ == "missing":
        return "required key is missing"
    if typ == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return (f"{ctx.get('tag')!r} is not known{suggest(str(ctx.get('tag')), _tags(ctx))}; "
                f"use one of {ctx.get('expected_tags')}")
    if typ == "union_tag_not_found":
        return "required key is missing"
    if typ.startswith("value_error"):
        return msg.removeprefix("Value error, ")
    inp = err.get("input")
    if typ in ("literal_error", "enum") and not isinstance(inp, (dict, list)):
        return f"{inp!r}: {msg[0].lower()}{msg[1:]}"
    return msg[0].lower() + msg[1:] if msg else typ


def validate(model: type[BaseModel], doc: Any, where: Located, *, what: str = "",
             context: dict | None = None, prefix: tuple = ()) -> Any:
    """``model`` validated from ``doc``; every problem in one ConfigError (file, key, line)."""
    try:
        return model.model_validate(doc, context=context)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            ctx = err.get("ctx") or {}
            sub = tuple(ctx.get("sub", ()))
            if err["type"] in ("union_tag_invalid", "union_tag_not_found") and \
                    str(ctx.get("discriminator", "")).strip("'").isidentifier():
                sub = (str(ctx["discriminator"]).strip("'"),)
            path = prefix + _walk(doc, tuple(err["loc"])) + sub
            problems.append((path, _message(err)))
        raise problems_error(problems, where, what) from None


def problems_error(problems: list[tuple[tuple, str]], where: Located, what: str = ""
                   ) -> ConfigError:
    """One ConfigError listing ``(key path, message)`` problems, located at the first."""
    seen, uniq = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            uniq.append(p)
    parts = []
    for path, msg in uniq:
        key, line = Located.key(path), where.line(path)
        loc = f"{key} (line {line})" if key and line else (key or (f"line {line}" if line else ""))
        parts.append(f"{loc}: {msg}" if loc else msg)
    head = f"{len(uniq)} problem(s) in {what or 'the configuration'}: " if len(uniq) > 1 else ""
    first = uniq[0][0]
    return ConfigError(head + "; ".join(parts) if head else parts[0].split(": ", 1)[-1]
                       if Located.key(first) else parts[0],
                       file=where.file, key=Located.key(first) or None, line=where.line(first),
                       hint="fix the listed keys; see the docs for the file's keys")


def load_model(model: type[BaseModel], path: str | Path, *, text: str | None = None,
               what: str = "configuration file", context: dict | None = None
               ) -> tuple[Any, Located]:
    """Read a YAML file and validate it as ``model``; returns the model and the line map."""
    doc, where = read_yaml(path, text=text, what=what)
    if doc is None:
        raise ConfigError(f"{what} is empty", file=str(path), hint="see the docs for an example")
    return validate(model, doc, where, what=what, context=context), where


# --------------------------------------------------------------------------------------
# run configuration (rbm survey run)
# --------------------------------------------------------------------------------------

NonEmpty = Annotated[str, Field(min_length=1)]
#: A choice name or numeric code (SPSS/Stata value), kept as text.
Code = Annotated[str, BeforeValidator(
    lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)]


class RunModule(ConfigModel):
    """One questionnaire module of a run: its form, export, spec and design file."""

    name: NonEmpty
    form: NonEmpty
    export: NonEmpty
    design: NonEmpty
    spec: str | None = None


class RunDesign(ConfigModel):
    """How the design file joins the export, and which of its columns are what."""

    join: NonEmpty
    weights: NonEmpty
    strata: str | None = None
    ids: str | None = None
    fpc: str | None = None


class Reporting(ConfigModel):
    """Suppression/flagging thresholds and the interval of published proportions."""

    min_n: int = Field(30, ge=0)
    max_cv: float = Field(0.30, gt=0)
    min_n_eff: float = Field(30, ge=0)
    ci: Literal["logit", "korn-graubard"] = "logit"
    level: float = Field(0.95, gt=0, lt=1)


class RunConfig(ConfigModel):
    """The run configuration of ``rbm survey run`` (docs/indicators.md)."""

    modules: list[RunModule] = Field(min_length=1)
    design: RunDesign
    margins: str | None = None
    personal: list[str] = []
    reporting: Reporting = Reporting()
    output: str = "results"
    variance: Literal["calibrated", "fixed"] = "calibrated"
    language: str | None = None  # form language of the labels in the outputs
    conventions: dict[str, Literal[tuple(MISSING_CONVENTIONS)]] = {}  # type: ignore[valid-type]

    @field_validator("modules")
    @classmethod
    def _unique_names(cls, v: list[RunModule]) -> list[RunModule]:
        names = [m.name for m in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"module name(s) {dup} given twice")
        return v


# --------------------------------------------------------------------------------------
# indicator specifications
# --------------------------------------------------------------------------------------

def check_condition(cond: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Problems of one condition tree (``{var: x, in: [...]}``, ``all``/``any``/``not``)."""
    if not isinstance(cond, Mapping) or not cond:
        return [(path, "a condition must be a mapping like {var: x, in: [a, b]}")]
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        parts = cond[op]
        if not isinstance(parts, list) or not parts or len(cond) != 1:
            return [(path + (op,), f"'{op}' takes a non-empty list of conditions and nothing "
                     "else")]
        return [p for i, part in enumerate(parts) for p in check_condition(part, path + (op, i))]
    if "not" in cond:
        out = [] if len(cond) == 1 else [(path, "'not' takes one condition and nothing else")]
        return out + check_condition(cond["not"], path + ("not",))
    out = []
    if not isinstance(cond.get("var"), str):
        out.append((path, "condition needs 'var' (a question or derived variable name)"))
    ops = [k for k in cond if k != "var"]
    bad = [k for k in ops if k not in COMPARE_OPS]
    if bad:
        out.append((path + (str(bad[0]),), f"unknown operator {bad[0]!r}"
                    f"{suggest(str(bad[0]), COMPARE_OPS + ('var',))}; use one of "
                    f"{', '.join(COMPARE_OPS)}"))
        return out
    if len(ops) != 1:
        out.append((path, f"condition needs exactly one of {', '.join(COMPARE_OPS)}"))
        return out
    op = ops[0]
    if op in ("in", "not_in") and not (isinstance(cond[op], list) and cond[op]):
        out.append((path + (op,), f"'{op}' takes a non-empty list of choice names"))
    if op not in ("in", "not_in") and isinstance(cond[op], (list, dict)):
        out.append((path + (op,), f"'{op}' takes a single value"))
    return out


def _condition(value: Any) -> Any:
    probs = check_condition(value)
    if probs:
        sub, msg = probs[0]
        raise PydanticCustomError("condition", "{msg}", {"msg": msg, "sub": sub})
    return value


Condition = Annotated[Any, Field(description="condition tree")]


class _CondHolder(ConfigModel):
    @field_validator("*", mode="after")
    @classmethod
    def _conditions(cls, v: Any, info: Any) -> Any:
        if info.field_name in ("when", "numerator") and v is not None:
            return _condition(v)
        return v


class Universe(_CondHolder):
    """Who is counted at all."""

    label: str = ""
    when: Condition


class Unit(_CondHolder):
    """Members of a repeat group as the unit of analysis (their universe)."""

    label: str = ""
    when: Condition = None
    disaggregations: list[NonEmpty] = []


class _DerivedBase(ConfigModel):
    name: NonEmpty
    unit: str | None = None  # computed on a repeat group's members instead of submissions


class AgeGroups(_DerivedBase):
    kind: Literal["age_groups"]
    source: NonEmpty
    breaks: list[int] = Field(min_length=1)

    @field_validator("breaks")
    @classmethod
    def _increasing(cls, v: list[int]) -> list[int]:
        if v != sorted(set(v)):
            raise ValueError("breaks must be increasing whole ages, e.g. [18, 25]")
        return v


class QuantileGroups(_DerivedBase):
    kind: Literal["weighted_quantile_groups"]
    source: NonEmpty
    groups: int = Field(ge=2, le=20)


class WgDisability(_DerivedBase):
    kind: Literal["wg_disability"]
    domains: list[NonEmpty] = Field(min_length=1)
    identifier: Literal["disability1", "disability2", "disability3", "disability4"] = \
        "disability3"
    missing_rule: Literal["unknown_if_all_missing", "complete_domains"] = \
        "unknown_if_all_missing"
    min_age: int | None = None
    source_note: str = ""


Derived = Annotated[Union[Annotated[AgeGroups, Tag("age_groups")],
                          Annotated[QuantileGroups, Tag("weighted_quantile_groups")],
                          Annotated[WgDisability, Tag("wg_disability")]],
                    Discriminator("kind")]

MissingRule = Union[Literal[tuple(MISSING_CONVENTIONS)],  # type: ignore[valid-type]
                    dict[Literal[REASONS], Literal["count", "drop"]]]  # type: ignore[valid-type]

_ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]


class _Indicator(_CondHolder):
    id: _ID
    title: NonEmpty
    source: NonEmpty
    definition: str = ""
    when: Condition = None
    unit: str | None = None  # a repeat group's name: analysed per member (None: main table)

    @field_validator("definition")
    @classmethod
    def _squash(cls, v: str) -> str:
        return " ".join(v.split())


def _missing(v: Any) -> Any:
    if isinstance(v, Mapping):
        problems = []
        bad = [r for r in v if r not in REASONS]
        if bad:
            problems.append(f"unknown reason(s) {bad}{suggest(str(bad[0]), REASONS)}; reasons "
                            f"are {', '.join(REASONS)}")
        badv = [r for r, a in v.items() if a not in ("count", "drop")]
        if badv:
            problems.append(f"reason(s) {badv} need 'count' (stay in the denominator) or "
                            "'drop' (leave it)")
        missing = [r for r in REASONS if r not in v]
        if missing:
            problems.append(f"every reason must be given; missing {missing}")
        if problems:
            raise ValueError("; ".join(problems))
    elif not (isinstance(v, str) and v in MISSING_CONVENTIONS):
        raise ValueError(f"unknown missing-data convention {v!r}{suggest(str(v), MISSING_CONVENTIONS)}"
                         f"; use one of {', '.join(MISSING_CONVENTIONS)} or a mapping "
                         "reason -> count/drop")
    return v


class Proportion(_Indicator):
    kind: Literal["proportion"]
    numerator: Condition
    missing: Any

    _m = field_validator("missing", mode="before")(lambda cls, v: _missing(v))


class Distribution(_Indicator):
    kind: Literal["distribution"]
    var: NonEmpty
    missing: Any

    _m = field_validator("missing", mode="before")(lambda cls, v: _missing(v))


class Average(_Indicator):
    kind: Literal["average"]
    of: list[NonEmpty] = Field(min_length=2)


Indicator = Annotated[Union[Annotated[Proportion, Tag("proportion")],
                            Annotated[Distribution, Tag("distribution")],
                            Annotated[Average, Tag("average")]],
                      Discriminator("kind")]


class SpecFile(ConfigModel):
    """An indicator specification file (docs/indicators.md)."""

    module: NonEmpty
    title: str | None = None
    form: str = ""
    version: Any = None
    universe: Universe
    units: dict[str, Unit] = {}
    missing_codes: dict[Literal[REASONS], list[Code]] = {}  # type: ignore[valid-type]
    derived: list[Derived] = []
    disaggregations: list[NonEmpty] = []
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> "SpecFile":
        problems: list[tuple[tuple, str]] = []
        seen: dict[str, str] = {}
        for i, ind in enumerate(self.indicators):
            if ind.id in seen:
                problems.append((("indicators", i, "id"), f"duplicate indicator id {ind.id!r}"))
            if isinstance(ind, Average):
                for j, ref in enumerate(ind.of):
                    if seen.get(ref) != "proportion":
                        problems.append((("indicators", i, "of", j),
                                         f"{ref!r} is not a proportion indicator defined above "
                                         f"this one{suggest(ref, seen)}"))
            seen.setdefault(ind.id, ind.kind)
            if ind.unit is not None and ind.unit not in self.units:
                problems.append((("indicators", i, "unit"),
                                 f"unit {ind.unit!r} is not declared under 'units'"
                                 f"{suggest(ind.unit, self.units)}"))
        for i, d in enumerate(self.derived):
            if d.unit is not None and d.unit not in self.units:
                problems.append((("derived", i, "unit"),
                                 f"unit {d.unit!r} is not declared under 'units'"
                                 f"{suggest(d.unit, self.units)}"))
        names = [d.name for d in self.derived]
        for i, n in enumerate(names):
            if names.count(n) > 1 and names.index(n) < i:
                problems.append((("derived", i, "name"), f"derived variable {n!r} twice"))
        if problems:
            sub, msg = problems[0]
            more = "; ".join(f"{Located.key(p)}: {m}" for p, m in problems[1:])
            raise PydanticCustomError("reference", "{msg}{more}",
                                      {"msg": msg, "more": f"; {more}" if more else "",
                                       "sub": sub})
        return self


# --------------------------------------------------------------------------------------
# weighting design (rbm weight --design)
# --------------------------------------------------------------------------------------

StrOrList = Union[str, list[str]]


class Nonresponse(ConfigModel):
    responded: NonEmpty
    classes: StrOrList | None = None
    propensity: list[str] | None = None
    n_classes: int = Field(5, ge=2, le=100)

    @model_validator(mode="after")
    def _one_model(self) -> "Nonresponse":
        if bool(self.classes) == bool(self.propensity):
            raise ValueError("nonresponse needs exactly one of 'classes' or 'propensity'")
        return self


class Trim(ConfigModel):
    lower: float | None = None
    upper: float | None = None
    relative_to: Literal["median", "mean"] | None = None
    by: StrOrList | None = None


class WeightingDesign(ConfigModel):
    """``design.yaml`` of ``rbm weight``: base weights, structure and the weighting chain."""

    weights: str | None = None
    probs: StrOrList | None = None
    check: str | None = None
    check_kind: Literal["weight", "prob"] = "weight"
    strata: StrOrList | None = None
    ids: StrOrList | None = None
    fpc: StrOrList | None = None
    nest: bool = False
    lonely_psu: Literal["fail", "remove", "adjust", "average", "certainty"] = "fail"
    nonresponse: Nonresponse | None = None
    method: Literal["rake", "poststratify", "calibrate"] = "rake"
    calfun: Literal["linear", "raking", "logit"] | None = None
    bounds: tuple[float, float] | None = None
    epsilon: float = Field(1e-7, gt=0)
    maxit: int | None = Field(None, ge=1)
    trim: Trim | None = None
    on_fail: Literal["raise", "warn"] = "raise"

    @model_validator(mode="after")
    def _applies(self) -> "WeightingDesign":
        if (self.weights is None) == (self.probs is None):
            raise PydanticCustomError("design", "give exactly one of 'weights' or 'probs'",
                                      {"sub": ("weights",)})
        if self.check is not None and self.probs is None:
            raise PydanticCustomError("design", "'check' applies only with 'probs'",
                                      {"sub": ("check",)})
        for key in ("bounds", "calfun"):
            if getattr(self, key) is not None and self.method != "calibrate":
                raise _err(f"{key!r} applies only with method: calibrate, not with method: "
                           f"{self.method} (it would be ignored)", (key,))
        if self.bounds is not None and not (self.bounds[0] < 1 < self.bounds[1]):
            raise PydanticCustomError("design", "bounds must be [lower, upper] with lower < 1 "
                                      "< upper", {"sub": ("bounds",)})
        return self


# --------------------------------------------------------------------------------------
# margins
# --------------------------------------------------------------------------------------

class JointMargin(ConfigModel):
    variables: list[NonEmpty] = Field(min_length=1)
    cells: list[dict[str, Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _cells(self) -> "JointMargin":
        need = [*self.variables, "total"]
        for i, cell in enumerate(self.cells):
            missing = [v for v in need if v not in cell]
            extra = [k for k in cell if k not in need]
            if missing or extra:
                what = f"lacks {missing}" if missing else f"has unknown key(s) {extra}"
                raise PydanticCustomError("cell", "cell {i} {what}; each cell needs {need}",
                                          {"i": i + 1, "what": what, "need": need,
                                           "sub": ("cells", i)})
        return self


class OneMargin(ConfigModel):
    variable: NonEmpty
    totals: dict[Any, Any] = Field(min_length=1)


def _margin_entry(v: Any) -> str:
    return "joint" if isinstance(v, Mapping) and ("cells" in v or "variables" in v) else "one"


MarginEntry = Annotated[Union[Annotated[JointMargin, Tag("joint")],
                              Annotated[OneMargin, Tag("one")]],
                        Discriminator(_margin_entry)]


class MarginsFile(ConfigModel):
    """A margins YAML (surveys/weighting/margins.py): totals, collapsing rule, checks."""

    margins: Union[dict[str, dict[Any, Any]], list[MarginEntry]] = {}
    collapse: dict[str, Union[Literal["adjacent"], dict[Any, list[Any]]]] = {}
    min_cell: int = Field(1, ge=0)
    tolerance: float = Field(1e-6, ge=0)


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_config_csv(path: str | Path, *, what: str = "CSV file",
                    required: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A small configuration CSV read strictly: header and ``(line, fields)`` per data row.

    A row with fewer or more fields than the header, a blank or duplicated header, or a
    missing ``required`` column is a ConfigError naming the file and line (pandas would pad
    short rows with NaN silently).
    """
    text = read_text(path, what=what)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ConfigError(f"{what} is empty or has no header row", file=str(path), row=1,
                          hint="the first row names the columns")
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(lines[0]))
    try:
        rows = [(reader.line_num, r) for r in reader]
    except csv.Error as exc:
        raise ConfigError(f"not a readable CSV ({exc})", file=str(path),
                          row=reader.line_num) from None
    # line_num is the line where the record ends; good enough for one-line records
    header = [h.strip() for h in rows[0][1]]
    if any(not h for h in header):
        raise ConfigError("a column of the header row has no name", file=str(path), row=1,
                          column=header.index("") + 1, hint="name every column")
    dup = [h for h in header if header.count(h) > 1]
    if dup:
        raise ConfigError(f"column {dup[0]!r} appears twice in the header", file=str(path),
                          row=1, column=dup[0], hint="name each column once")
    missing = [c for c in required if c not in header]
    if missing:
        raise ConfigError(f"{what} lacks column(s) {missing}{suggest(missing[0], header)}",
                          file=str(path), row=1, column=missing[0],
                          hint=f"its header is {header}")
    out = []
    for line, fields in rows[1:]:
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise ConfigError(f"row has {len(fields)} field(s), the header {len(header)}",
                              file=str(path), row=line,
                              hint="every row needs one value per column (check for missing "
                                   "or extra commas)")
        out.append((line, [f.strip() for f in fields]))
    return header, out


def read_margin_csv(path: str | Path) -> tuple[tuple[str, ...], dict[tuple[str, ...], float]]:
    """One margin from a CSV (variable column(s) + ``total``): variables and totals.

    Every row is checked: field count, a numeric finite non-negative total, and each
    category given once (a repeated category is an error naming both lines, never
    "last row wins").
    """
    header, rows = read_config_csv(path, what="margin CSV", required=("total",))
    variables = tuple(c for c in header if c != "total")
    if not variables:
        raise ConfigError("a margin CSV needs the variable column(s) and a 'total' column",
                          file=str(path), row=1, hint="e.g. header 'sex,total'")
    ti = header.index("total")
    totals: dict[tuple[str, ...], float] = {}
    first_line: dict[tuple[str, ...], int] = {}
    for line, fields in rows:
        key = tuple(f for i, f in enumerate(fields) if i != ti)
        try:
            total = float(fields[ti])
        except ValueError:
            raise ConfigError(f"total {fields[ti]!r} is not a number", file=str(path), row=line,
                              column="total", hint="write population totals as numbers") from None
        if not (total >= 0 and total != float("inf")):
            raise ConfigError(f"total {fields[ti]!r} is negative or not finite", file=str(path),
                              row=line, column="total", hint="totals must be finite and >= 0")
        if key in totals:
            raise ConfigError(f"category {'/'.join(key)!r} is listed twice (first on row "
                              f"{first_line[key]})", file=str(path), row=line,
                              category="/".join(key),
                              hint="list each category once; rows are never summed or "
                                   "overwritten")
        totals[key] = total
        first_line[key] = line
    if not totals:
        raise ConfigError("margin CSV has no rows", file=str(path), hint="list the totals")
    return variables, totals


# --------------------------------------------------------------------------------------
# rbm inspect --config
# --------------------------------------------------------------------------------------

class PrivacySettings(ConfigModel):
    personal_columns: list[str] = []
    keep: list[str] = []


class InspectConfig(ConfigModel):
    """``rbm inspect --config``: cleaning settings (checked by the cleaning steps) and
    privacy settings."""

    cleaning: dict[str, Any] = {}
    privacy: PrivacySettings = PrivacySettings()


# --------------------------------------------------------------------------------------
# framework links
# --------------------------------------------------------------------------------------

class Link(ConfigModel):
    """One measurement → framework indicator link."""

    framework_id: Annotated[str, Field(pattern=r"^RF")]
    source: Literal["survey", "rubric"]
    reduce: Literal["estimate", "count_pass", "count_band"] = "estimate"
    indicator: str | None = None
    rubric: str | None = None
    bands: list[str] | None = None
    note: str | None = None
    title: str | None = None
    category: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _fits(self) -> "Link":
        rules = {"survey": ("estimate",), "rubric": ("count_pass", "count_band")}
        if self.reduce not in rules[self.source]:
            raise _err(f"{self.reduce!r} is not a rule for {self.source} (use one of "
                       f"{list(rules[self.source])})", ("reduce",))
        need = "indicator" if self.source == "survey" else "rubric"
        if not getattr(self, need):
            raise PydanticCustomError("link", "{need} is required for source {source}",
                                      {"need": need, "source": self.source, "sub": (need,)})
        if self.reduce == "count_band" and not self.bands:
            raise PydanticCustomError("link", "count_band needs the list of bands that count",
                                      {"sub": ("bands",)})
        return self


class LinksFile(ConfigModel):
    """A links YAML: ``links: [...]`` (framework/reduce.py)."""

    links: list[Link]


def load_links_file(path: str | Path, *, text: str | None = None) -> LinksFile:
    """Read and check a links file (for :func:`rbm_surveys.framework.reduce.load_links`)."""
    model, _ = load_model(LinksFile, path, text=text, what="links file")
    return model
