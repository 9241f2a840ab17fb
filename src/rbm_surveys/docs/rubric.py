"""Rubrics: schema, loading, validation, versioning.

A rubric is a YAML file (see ``docs/rubrics.md``) that says which criteria a policy document
is scored on, how evidence for each criterion is recognised in each language, which named
rule turns evidence into a level, and how levels roll up to a document score, band and
indicator count. Loading checks everything once and reports *all* problems at once, each with
the line and key path where it is (PyYAML composed nodes carry ``start_mark``).

Rules are referred to by name and version, e.g. ``"rbm.level.count.v1"``, and looked up in
:data:`rbm_surveys.docs.registry.registry` (the idea of spaCy's ``registry`` /
``registrations.py``): a rubric never carries code, and a rule that changes behaviour gets a
new version instead of changing silently. This module imports the registry; the registry
imports the rule functions (:mod:`.rules`); neither imports this module or the scorer.

This module knows nothing about matching text; spaCy is used here only to check that token
patterns are valid when the rubric is loaded (``Matcher.add`` raises on a bad pattern).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rbm_surveys.docs.registry import registry
from rbm_surveys.errors import RubricError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LEVELS",
    "Rubric",
    "Criterion",
    "LanguageRules",
    "RuleSpec",
    "registry",
    "load_rubric",
    "list_rubrics",
    "rubric_paths",
]

#: The levels a criterion can take, from best to worst evidence. ``not_determinable`` is never
#: collapsed into ``absent``: it means the document could not be read where evidence would be.
LEVELS = ("present", "partial", "absent", "not_applicable", "not_determinable")

#: Environment variable with extra rubric folders (``os.pathsep``-separated), searched first.
RUBRIC_PATH_ENV = "RBM_RUBRIC_PATH"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
_LANG = re.compile(r"^[a-z]{2}$")


# --------------------------------------------------------------------------- objects
@dataclass(frozen=True)
class RuleSpec:
    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        return {k: _thaw(v) for k, v in self.params}


@dataclass(frozen=True)
class CoOccurrence:
    groups: tuple[tuple[str, ...], ...]  # one term of every group must occur …
    window: int  # … within this many tokens of a term of the first group


@dataclass(frozen=True)
class LanguageRules:
    phrases: tuple[str, ...] = ()
    patterns: tuple[tuple[tuple[tuple[str, Any], ...], ...], ...] = ()  # token patterns, frozen
    negative: tuple[str, ...] = ()
    cooccur: tuple[CoOccurrence, ...] = ()
    applies_if: tuple[str, ...] = ()  # criterion is not_applicable unless one of these occurs

    def pattern_dicts(self) -> list[list[dict[str, Any]]]:
        return [[_thaw(tok) for tok in pat] for pat in self.patterns]


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    description: str = ""
    group: str = ""
    weight: float = 1.0
    verified: bool = True
    unverified: str = ""
    level_rule: RuleSpec | None = None
    quantity: tuple[str, str] | None = None  # (pollutant, averaging time)
    evidence: tuple[tuple[str, LanguageRules], ...] = ()
    levels: tuple[tuple[str, str], ...] = ()  # level -> what it means for this criterion

    def rules(self, language: str) -> LanguageRules | None:
        return dict(self.evidence).get(language)


@dataclass(frozen=True)
class Rubric:
    """A validated rubric. Plain, frozen, picklable data: a process pool can ship it."""

    id: str
    title: str
    version: str
    sha256: str  # of the YAML bytes: the exact rubric a verdict was made with
    path: str
    source: tuple[tuple[str, str], ...]
    edition: str
    verified: bool
    unverified: tuple[str, ...]
    approximation: str
    languages: tuple[str, ...]
    level_rule: RuleSpec
    aggregate: RuleSpec
    indicator: tuple[tuple[str, Any], ...]
    criteria: tuple[Criterion, ...]
    quantity: tuple[tuple[str, Any], ...] = ()  # frozen quantity settings (editions, conditions)
    editions: tuple[str, ...] = ()
    negative: tuple[tuple[str, tuple[str, ...]], ...] = ()  # rubric-wide vetoes per language
    levels: tuple[tuple[str, str], ...] = ()  # level -> what it means (rubric default)
    changelog: tuple[tuple[str, str], ...] = ()  # version -> what changed

    def level_meaning(self, criterion: str, level: str) -> str:
        """What ``level`` means for ``criterion`` (its own wording, else the rubric's)."""
        c = next(c for c in self.criteria if c.id == criterion)
        return dict(c.levels).get(level) or dict(self.levels).get(level, "")

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def quantity_settings(self) -> dict[str, Any]:
        return _thaw(self.quantity) if self.quantity else {}

    def indicator_settings(self) -> dict[str, Any]:
        return _thaw(self.indicator)


def _freeze(value: Any) -> Any:
    """Dicts/lists -> sorted tuples, so rubrics are hashable and compare by value."""
    if isinstance(value, dict):
        return tuple((str(k), _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return ("__list__", tuple(_freeze(v) for v in value))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        if len(value) == 2 and value[0] == "__list__":
            return [_thaw(v) for v in value[1]]
        if all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in value):
            return {k: _thaw(v) for k, v in value}
    return value


# --------------------------------------------------------------------------- YAML with lines
def _compose(text: str, file: str) -> tuple[Any, dict[tuple, int], list[tuple[int, str, str]]]:
    """Parse YAML; return data, a map key-path -> line, and duplicate-key problems."""
    try:
        # libyaml's composer when available (same nodes and marks, ~10x faster than the
        # pure-Python one: rubric loading is most of the start-up)
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RubricError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=file,
                          line=mark.line + 1 if mark else None,
                          hint="fix the YAML syntax (indentation, quotes, colons)") from None
    if node is None:
        raise RubricError("the rubric file is empty", file=file,
                          hint="start from a shipped rubric in rubrics/")
    lines: dict[tuple, int] = {}
    dups: list[tuple[int, str, str]] = []
    constructor = yaml.SafeLoader("")

    def walk(n, path: tuple) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in n.value:
                key = str(constructor.construct_object(k, deep=True))
                if key in out:
                    dups.append((k.start_mark.line + 1, _fmt(path + (key,)),
                                 f"key {key!r} appears twice"))
                out[key] = walk(v, path + (key,))
                lines[path + (key,)] = k.start_mark.line + 1  # the key's line, not its value's
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, path + (i,)) for i, v in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    return walk(node, ()), lines, dups


def _fmt(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top)"


class _Problems:
    """Collects every problem with its line, then raises one RubricError listing them all."""

    def __init__(self, file: str, lines: dict[tuple, int]) -> None:
        self.file, self.lines, self.items = file, lines, []

    def line(self, path: tuple) -> int:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def add(self, path: tuple, message: str) -> None:
        self.items.append((self.line(path), _fmt(path), message))

    def raise_if_any(self, rubric_id: str | None) -> None:
        if not self.items:
            return
        items = sorted(set(self.items))
        first = items[0]
        body = "; ".join(f"line {ln} {key}: {msg}" for ln, key, msg in items)
        err = RubricError(f"{len(items)} problem(s): {body}", file=self.file, line=first[0],
                          key=first[1], rubric=rubric_id,
                          hint="fix every listed key; see docs/rubrics.md for the schema")
        err.problems = [{"line": ln, "key": key, "problem": msg} for ln, key, msg in items]
        raise err


# --------------------------------------------------------------------------- validation
_TOP = {"id", "title", "version", "source", "verified", "unverified", "approximation",
        "languages", "level_rule", "aggregate", "indicator", "criteria", "quantity",
        "negative", "description", "levels", "changelog"}
_CRIT = {"id", "label", "description", "group", "weight", "verified", "unverified",
         "level_rule", "quantity", "evidence", "levels"}
_LANG_RULES = {"phrases", "patterns", "negative", "cooccur", "applies_if"}


def _strings(p: _Problems, value: Any, path: tuple, *, allow_empty=False) -> tuple[str, ...]:
    if value is None and allow_empty:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        p.add(path, "must be a list of non-empty strings")
        return ()
    if not value and not allow_empty:
        p.add(path, "must not be empty")
    return tuple(s.strip() for s in value)


def _rule_spec(p: _Problems, value: Any, path: tuple, kind: str) -> RuleSpec | None:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        p.add(path, f"must be a mapping with 'name' (a registered {kind} rule) and 'params'")
        return None
    name = value["name"]
    if name not in registry.names(kind):
        p.add(path + ("name",), f"unknown {kind} rule {name!r}; available: "
              + ", ".join(registry.names(kind)))
        return None
    declared = registry.get(kind, name).params
    params = value.get("params") or {}
    if not isinstance(params, dict):
        p.add(path + ("params",), "must be a mapping")
        return None
    for k, v in params.items():
        if k not in declared:
            p.add(path + ("params", k), f"{name} has no parameter {k!r}; it takes: "
                  + ", ".join(sorted(declared)))
        elif not isinstance(v, declared[k][0]) or isinstance(v, bool) != (declared[k][0] is bool):
            types = declared[k][0]
            tn = (types.__name__ if isinstance(types, type)
                  else " or ".join(t.__name__ for t in types))
            p.add(path + ("params", k), f"must be {tn}, got {v!r}")
    extra = set(value) - {"name", "params"}
    for k in sorted(extra):
        p.add(path + (k,), "unknown key (expected 'name' and 'params')")
    full = {k: d for k, (_, d) in declared.items()}
    full.update({k: v for k, v in params.items() if k in declared})
    return RuleSpec(name, tuple(sorted((k, _freeze(v)) for k, v in full.items())))


def _language_rules(p: _Problems, value: Any, path: tuple, lang: str, crit: str
                    ) -> LanguageRules | None:
    if not isinstance(value, dict):
        p.add(path, "must be a mapping with phrases / patterns / negative / cooccur")
        return None
    for k in sorted(set(value) - _LANG_RULES):
        p.add(path + (k,), f"unknown key; expected one of {', '.join(sorted(_LANG_RULES))}")
    phrases = _strings(p, value.get("phrases"), path + ("phrases",), allow_empty=True)
    negative = _strings(p, value.get("negative"), path + ("negative",), allow_empty=True)
    applies = _strings(p, value.get("applies_if"), path + ("applies_if",), allow_empty=True)
    patterns = []
    raw_patterns = value.get("patterns") or []
    if not isinstance(raw_patterns, list):
        p.add(path + ("patterns",), "must be a list of token patterns (lists of dicts)")
        raw_patterns = []
    if raw_patterns:
        from spacy.matcher import Matcher

        from rbm_surveys.docs.nlp import blank

        vocab = blank(lang).vocab
        for i, pat in enumerate(raw_patterns):
            ok = isinstance(pat, list) and pat and all(isinstance(t, dict) for t in pat)
            if ok:
                try:  # spaCy validates the pattern when it is added (MatchPatternError)
                    Matcher(vocab, validate=True).add(f"{crit}:{i}", [pat])
                except (ValueError, KeyError, TypeError) as exc:
                    msg = " ".join(str(exc).split())
                    p.add(path + ("patterns", i), f"invalid spaCy token pattern "
                          f"(criterion {crit}, pattern {i}): {msg[:300]}")
                    continue
                patterns.append(tuple(_freeze(t) for t in pat))
            else:
                p.add(path + ("patterns", i), f"pattern {i} of criterion {crit} must be a "
                      "non-empty list of token dicts, e.g. [{LOWER: public}, {LOWER: space}]")
    cooccur = []
    raw_co = value.get("cooccur") or []
    if not isinstance(raw_co, list):
        p.add(path + ("cooccur",), "must be a list of {groups: [[...], [...]], window: N}")
        raw_co = []
    for i, co in enumerate(raw_co):
        cpath = path + ("cooccur", i)
        if not isinstance(co, dict):
            p.add(cpath, "must be a mapping {groups: [[...], [...]], window: N}")
            continue
        groups = co.get("groups")
        window = co.get("window", 12)
        if (not isinstance(groups, list) or len(groups) < 2
                or not all(isinstance(g, list) and g for g in groups)):
            p.add(cpath + ("groups",), "must be a list of at least two non-empty term lists")
            continue
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            p.add(cpath + ("window",), "must be a positive whole number of tokens")
            continue
        gs = tuple(_strings(p, g, cpath + ("groups", j)) for j, g in enumerate(groups))
        cooccur.append(CoOccurrence(gs, window))
    return LanguageRules(phrases, tuple(patterns), negative, tuple(cooccur), applies)


def _validate(data: Any, p: _Problems, file: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        p.add((), "a rubric must be a mapping with id, title, version, … criteria")
        p.raise_if_any(None)
    for k in sorted(set(data) - _TOP):
        p.add((k,), f"unknown key; expected one of {', '.join(sorted(_TOP))}")
    for k in ("id", "title", "version", "source", "verified", "languages", "level_rule",
              "aggregate", "indicator", "criteria"):
        if k not in data:
            p.add((), f"missing required key {k!r}")
    rid = data.get("id")
    if "id" in data and not (isinstance(rid, str) and _ID.match(rid)):
        p.add(("id",), "must be lower-case letters, digits and _ (e.g. igutp)")
    out["id"] = rid if isinstance(rid, str) else None
    for k in ("title", "approximation", "description"):
        if k in data and not isinstance(data[k], str):
            p.add((k,), "must be text")
    ver = data.get("version")
    if "version" in data and not (isinstance(ver, str) and _VERSION.match(ver)):
        p.add(("version",), "must be a quoted version string like '1.0.0' (bump it on "
              "every change that can change a verdict)")
    src = data.get("source")
    if "source" in data:
        if not isinstance(src, dict) or not all(isinstance(src.get(k), str)
                                                for k in ("document", "edition")):
            p.add(("source",), "must be a mapping with at least 'document' and 'edition' (text)")
        elif any(not isinstance(v, str) for v in src.values()):
            p.add(("source",), "every source field must be text (quote years)")
    verified = data.get("verified")
    if "verified" in data and not isinstance(verified, bool):
        p.add(("verified",), "must be true or false")
    unverified = _strings(p, data.get("unverified"), ("unverified",), allow_empty=True)
    if verified is False and not unverified:
        p.add(("verified",), "verified is false: add 'unverified', a list of what is not "
              "verified")
    langs = _strings(p, data.get("languages"), ("languages",)) if "languages" in data else ()
    for i, lang in enumerate(langs):
        if not _LANG.match(lang):
            p.add(("languages", i), f"{lang!r} is not an ISO 639-1 code like en, fr, es, zh")
    out["level_rule"] = (_rule_spec(p, data["level_rule"], ("level_rule",), "level")
                         if "level_rule" in data else None)
    out["aggregate"] = (_rule_spec(p, data["aggregate"], ("aggregate",), "aggregate")
                        if "aggregate" in data else None)
    ind = data.get("indicator")
    if "indicator" in data:
        if not isinstance(ind, dict):
            p.add(("indicator",), "must be a mapping with label and threshold")
        else:
            if not isinstance(ind.get("label"), str):
                p.add(("indicator", "label"), "must be text, e.g. 'plans reflecting at least "
                      "6 of the 12 principles'")
            thr = ind.get("threshold")
            if not isinstance(thr, (int, float)) or isinstance(thr, bool):
                p.add(("indicator", "threshold"), "must be a number (a project parameter)")
            if ind.get("compare", "score") not in ("score", "band"):
                p.add(("indicator", "compare"), "must be 'score' or 'band'")
            for k in sorted(set(ind) - {"label", "threshold", "compare", "source"}):
                p.add(("indicator", k), "unknown key; expected label, threshold, compare, "
                      "source")

    out["levels"] = _levels(p, data.get("levels"), ("levels",))
    changelog = []
    raw_log = data.get("changelog") or []
    if not isinstance(raw_log, list):
        p.add(("changelog",), "must be a list of {version: '1.0.1', note: what changed}")
        raw_log = []
    for i, entry in enumerate(raw_log):
        if not (isinstance(entry, dict) and isinstance(entry.get("version"), str)
                and isinstance(entry.get("note"), str)):
            p.add(("changelog", i), "must be {version: '1.0.1', note: what changed} (quoted "
                  "version)")
        else:
            for k in sorted(set(entry) - {"version", "note", "date"}):
                p.add(("changelog", i, k), "unknown key (quote a note that contains commas)")
            changelog.append((entry["version"], entry["note"]))
    if changelog and isinstance(ver, str) and changelog[-1][0] != ver:
        p.add(("changelog",), f"the last entry is version {changelog[-1][0]!r} but the rubric "
              f"is version {ver!r}: add an entry for this version")
    out["changelog"] = tuple(changelog)

    negative = []
    raw_neg = data.get("negative") or {}
    if not isinstance(raw_neg, dict):
        p.add(("negative",), "must map language -> list of veto terms")
        raw_neg = {}
    for lang, terms in raw_neg.items():
        negative.append((lang, _strings(p, terms, ("negative", lang))))

    quantity = data.get("quantity")
    editions: tuple[str, ...] = ()
    if quantity is not None:
        editions = _validate_quantity(p, quantity)

    crits = []
    raw = data.get("criteria")
    if "criteria" in data and (not isinstance(raw, list) or not raw):
        p.add(("criteria",), "must be a non-empty list of criteria")
        raw = []
    seen: set[str] = set()
    for i, c in enumerate(raw or []):
        cpath = ("criteria", i)
        if not isinstance(c, dict):
            p.add(cpath, "a criterion must be a mapping with id, label and evidence")
            continue
        for k in sorted(set(c) - _CRIT):
            p.add(cpath + (k,), f"unknown key; expected one of {', '.join(sorted(_CRIT))}")
        cid = c.get("id")
        if not (isinstance(cid, str) and _ID.match(cid)):
            p.add(cpath + ("id",), "must be lower-case letters, digits and _")
            cid = f"#{i}"
        elif cid in seen:
            p.add(cpath + ("id",), f"criterion id {cid!r} is used twice")
        seen.add(cid)
        if not isinstance(c.get("label"), str):
            p.add(cpath + ("label",), "must be text (the project's own short label)")
        w = c.get("weight", 1)
        if not isinstance(w, (int, float)) or isinstance(w, bool) or w < 0:
            p.add(cpath + ("weight",), "must be a number >= 0")
        cver = c.get("verified", True)
        if not isinstance(cver, bool):
            p.add(cpath + ("verified",), "must be true or false")
        if cver is False and not isinstance(c.get("unverified"), str):
            p.add(cpath + ("unverified",), "verified is false: say what is not verified")
        crule = (_rule_spec(p, c["level_rule"], cpath + ("level_rule",), "level")
                 if "level_rule" in c else None)
        qty = None
        if "quantity" in c:
            q = c["quantity"]
            if not (isinstance(q, dict) and isinstance(q.get("pollutant"), str)
                    and isinstance(q.get("averaging"), str)):
                p.add(cpath + ("quantity",), "must be {pollutant: PM2.5, averaging: annual}")
            else:
                from rbm_surveys.docs.quantities import AVERAGING, POLLUTANTS

                if q["pollutant"] not in POLLUTANTS:
                    p.add(cpath + ("quantity", "pollutant"),
                          f"unknown pollutant; one of {', '.join(POLLUTANTS)}")
                if q["averaging"] not in AVERAGING:
                    p.add(cpath + ("quantity", "averaging"),
                          f"unknown averaging time; one of {', '.join(AVERAGING)}")
                if quantity is None:
                    p.add(cpath + ("quantity",), "a quantity criterion needs the rubric's "
                          "top-level 'quantity' block (editions with limit tables)")
                qty = (q["pollutant"], q["averaging"])
        ev = c.get("evidence") or {}
        if not isinstance(ev, dict):
            p.add(cpath + ("evidence",), "must map language -> rules")
            ev = {}
        rules = []
        for lang in sorted(ev):
            if lang not in langs:
                p.add(cpath + ("evidence", lang), f"language {lang!r} is not in the rubric's "
                      f"languages {list(langs)}")
                continue
            r = _language_rules(p, ev[lang], cpath + ("evidence", lang), lang, cid)
            if r is not None:
                if qty is None and not (r.phrases or r.patterns or r.cooccur):
                    p.add(cpath + ("evidence", lang), "needs at least one of phrases, "
                          "patterns or cooccur")
                rules.append((lang, r))
        rule_name = (crule or out.get("level_rule") or RuleSpec("")).name
        if rule_name == "rbm.level.quantity_band.v1" and qty is None:
            p.add(cpath + ("id",), f"criterion {cid} uses {rule_name} but has no 'quantity' "
                  "(pollutant and averaging time)")
        if qty is None:
            for lang in langs:
                if lang not in ev:
                    p.add(cpath + ("evidence",), f"no evidence rules for language {lang!r} "
                          "(the rubric declares it)")
        crits.append(Criterion(
            id=cid, label=c.get("label") if isinstance(c.get("label"), str) else "",
            description=str(c.get("description", "")).strip(), group=str(c.get("group", "")),
            weight=float(w) if isinstance(w, (int, float)) else 1.0,
            verified=cver if isinstance(cver, bool) else False,
            unverified=str(c.get("unverified", "")).strip(), level_rule=crule,
            quantity=qty, evidence=tuple(rules),
            levels=_levels(p, c.get("levels"), cpath + ("levels",))))
    out.update(criteria=tuple(crits), languages=langs, unverified=unverified,
               negative=tuple(negative), editions=editions)
    return out


def _levels(p: _Problems, value: Any, path: tuple) -> tuple[tuple[str, str], ...]:
    """Optional {level: what it means} mapping; keys must be levels."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        p.add(path, f"must map levels ({', '.join(LEVELS)}) to what they mean")
        return ()
    out = []
    for k, v in value.items():
        if k not in LEVELS:
            p.add(path + (k,), f"{k!r} is not a level; levels are {', '.join(LEVELS)}")
        elif not isinstance(v, str):
            p.add(path + (k,), "must be text")
        else:
            out.append((k, " ".join(v.split())))
    return tuple(out)


def _validate_quantity(p: _Problems, q: Any) -> tuple[str, ...]:
    from rbm_surveys.docs.quantities import AVERAGING, POLLUTANTS

    path = ("quantity",)
    if not isinstance(q, dict) or not isinstance(q.get("editions"), dict) or not q["editions"]:
        p.add(path, "must have 'editions': {edition: {limits: [...]}} and 'default_edition'")
        return ()
    editions = tuple(str(e) for e in q["editions"])
    for k in sorted(set(q) - {"editions", "default_edition", "reference_temperature_c",
                              "context", "meets"}):
        p.add(path + (k,), "unknown key; expected editions, default_edition, "
              "reference_temperature_c, context, meets")
    if q.get("meets", "at_or_below") not in ("at_or_below", "below"):
        p.add(path + ("meets",), "must be at_or_below (<=) or below (<)")
    t = q.get("reference_temperature_c", 25.0)
    if not isinstance(t, (int, float)) or isinstance(t, bool) or not -50 <= t <= 50:
        p.add(path + ("reference_temperature_c",), "must be a temperature in °C, e.g. 25")
    ctx = q.get("context") or {}
    if not isinstance(ctx, dict):
        p.add(path + ("context",), "must map language -> list of words")
    else:
        for lang, terms in ctx.items():
            _strings(p, terms, path + ("context", lang))
    if str(q.get("default_edition")) not in editions:
        p.add(path + ("default_edition",), f"must be one of the editions {list(editions)}")
    for e, spec in q["editions"].items():
        epath = path + ("editions", str(e))
        rows = spec.get("limits") if isinstance(spec, dict) else None
        if not isinstance(rows, list) or not rows:
            p.add(epath, "must have 'limits': a list of {pollutant, averaging, unit, aqg, "
                  "interim: [...]}")
            continue
        for i, row in enumerate(rows):
            rpath = epath + ("limits", i)
            if not isinstance(row, dict):
                p.add(rpath, "must be a mapping")
                continue
            if row.get("pollutant") not in POLLUTANTS:
                p.add(rpath + ("pollutant",), f"one of {', '.join(POLLUTANTS)}")
            if row.get("averaging") not in AVERAGING:
                p.add(rpath + ("averaging",), f"one of {', '.join(AVERAGING)}")
            if row.get("unit") not in ("µg/m³", "mg/m³"):
                p.add(rpath + ("unit",), "must be µg/m³ or mg/m³")
            aqg = row.get("aqg")
            if not isinstance(aqg, (int, float)) or isinstance(aqg, bool) or aqg <= 0:
                p.add(rpath + ("aqg",), "must be a positive number")
            its = row.get("interim", [])
            if not isinstance(its, list) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in its):
                p.add(rpath + ("interim",), "must be a list of numbers, IT-1 first")
            elif any(a <= b for a, b in zip(its, its[1:])) or (
                    its and isinstance(aqg, (int, float)) and its[-1] <= aqg):
                p.add(rpath + ("interim",), "interim targets must decrease from IT-1 and stay "
                      "above the AQG level")
    return editions


# --------------------------------------------------------------------------- loading
def rubric_paths() -> list[Path]:
    """Folders searched for rubric ids, in order: $RBM_RUBRIC_PATH, then the shipped ones."""
    dirs = [Path(d) for d in os.environ.get(RUBRIC_PATH_ENV, "").split(os.pathsep) if d]
    here = Path(__file__).resolve()
    dirs += [here.parents[3] / "rubrics",  # source checkout / editable install
             here.parents[1] / "data" / "rubrics"]  # installed wheel (package data)
    return [d for d in dirs if d.is_dir()]


def _find(id_or_path: str | os.PathLike) -> Path:
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise RubricError("rubric file not found", file=str(candidate),
                              hint="give an existing .yaml file or a rubric id "
                              "(see `list_rubrics()`)")
        return candidate
    for d in rubric_paths():
        for ext in (".yaml", ".yml"):
            if (d / f"{id_or_path}{ext}").is_file():
                return d / f"{id_or_path}{ext}"
    known = sorted({p.stem for d in rubric_paths() for p in d.glob("*.y*ml")})
    raise RubricError(f"no rubric with id {str(id_or_path)!r}", key=str(id_or_path),
                      hint=f"shipped rubrics: {', '.join(known) or 'none found'}; or give a "
                      f"path to a .yaml file; extra folders go in ${RUBRIC_PATH_ENV}")


def load_rubric(id_or_path: str | os.PathLike, edition: str | None = None) -> Rubric:
    """Load and validate a rubric by id (``"igutp"``) or path; ``"who_aqg@2005"`` picks an
    edition of a rubric that has several (the default is the rubric's ``default_edition``).

    Raises :class:`RubricError` listing every problem with its line and key.
    """
    id_str = str(id_or_path)
    if edition is None and "@" in id_str and not Path(id_str).exists():
        id_str, edition = id_str.rsplit("@", 1)
    path = _find(id_str)
    raw = path.read_bytes()
    key = (str(path), hashlib.sha256(raw).hexdigest(), edition)
    hit = _LOADED.get(key)
    if hit is not None:  # the same bytes were validated already in this process
        return hit
    out = _load(path, raw, edition)
    _LOADED[key] = out
    return out


_LOADED: dict[tuple, Rubric] = {}  # (path, sha256 of the bytes, edition) -> Rubric


def _load(path: Path, raw: bytes, edition: str | None) -> Rubric:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RubricError(f"not UTF-8 text (byte {exc.start})", file=str(path),
                          hint="save the rubric as UTF-8") from None
    data, lines, dups = _compose(text, str(path))
    problems = _Problems(str(path), lines)
    problems.items.extend(dups)
    v = _validate(data, problems, str(path))
    problems.raise_if_any(v["id"])
    quantity = data.get("quantity")
    src = data["source"]
    if quantity is not None:
        editions = v["editions"]
        chosen = str(edition) if edition is not None else str(quantity["default_edition"])
        if chosen not in editions:
            raise RubricError(f"rubric has no edition {chosen!r}", file=str(path),
                              line=lines.get(("quantity", "editions")), rubric=v["id"],
                              key="quantity.editions", hint=f"editions: {', '.join(editions)}")
    else:
        editions = (src["edition"],)
        if edition is not None and str(edition) != src["edition"]:
            raise RubricError(f"rubric has only edition {src['edition']!r}, not {edition!r}",
                              file=str(path), rubric=v["id"], key="source.edition",
                              hint="leave the edition out")
        chosen = src["edition"]
    return Rubric(
        id=v["id"], title=data["title"], version=data["version"],
        sha256=hashlib.sha256(raw).hexdigest(), path=str(path),
        source=tuple((k, str(s)) for k, s in src.items()), edition=chosen,
        verified=data["verified"], unverified=v["unverified"],
        approximation=str(data.get("approximation", "")).strip(), languages=v["languages"],
        level_rule=v["level_rule"], aggregate=v["aggregate"],
        indicator=_freeze(data["indicator"]), criteria=v["criteria"],
        quantity=_freeze(quantity) if quantity is not None else (), editions=editions,
        negative=v["negative"], levels=v["levels"], changelog=v["changelog"])


def list_rubrics() -> "pd.DataFrame":
    """Shipped (and $RBM_RUBRIC_PATH) rubrics as a table.

    Columns: ``id, version, title, source, edition, editions, n_criteria, languages,
    verified, unverified, approximation, path, sha256``. A rubric that fails validation is
    listed with ``verified`` False and the first problem in ``unverified`` rather than hiding
    it.
    """
    import pandas as pd

    rows, seen = [], set()
    for d in rubric_paths():
        for f in sorted(d.glob("*.y*ml")):
            if f.stem in seen:
                continue
            seen.add(f.stem)
            try:
                r = load_rubric(f)
            except RubricError as exc:
                rows.append({"id": f.stem, "version": "", "title": "", "source": "",
                             "edition": "", "editions": "", "n_criteria": 0, "languages": "",
                             "verified": False, "unverified": f"INVALID: {exc}",
                             "approximation": "", "path": str(f), "sha256": ""})
                continue
            src = dict(r.source)
            rows.append({"id": r.id, "version": r.version, "title": r.title,
                         "source": src.get("document", ""), "edition": r.edition,
                         "editions": ";".join(r.editions), "n_criteria": len(r.criteria),
                         "languages": ";".join(r.languages), "verified": r.verified,
                         "unverified": "; ".join(r.unverified),
                         "approximation": r.approximation, "path": r.path, "sha256": r.sha256})
    cols = ["id", "version", "title", "source", "edition", "editions", "n_criteria",
            "languages", "verified", "unverified", "approximation", "path", "sha256"]
    return pd.DataFrame(rows, columns=cols)
