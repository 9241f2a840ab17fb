"""`run_survey`: one configuration file → ingest, clean, weight, estimate, write.

Configuration (YAML; paths relative to the file)::

    modules:                       # one entry per questionnaire module
      - name: safety
        form: forms/safety.xlsx    # the XLSForm the data was collected with
        export: exports/safety.xlsx
        spec: specs/safety.yaml    # indicator specification (omit: the bundled one for name)
        design: designs/safety.csv # one row per PSU: join column, strata, fpc, base weight
    design: {join: ea, weights: base_weight, strata: stratum, ids: ea, fpc: ea_total}
    margins: margins.yaml          # population totals to rake to (weighting's YAML format)
    personal: [respondent_name, phone]   # withheld on top of what privacy finds itself
    reporting: {min_n: 30, max_cv: 0.30, min_n_eff: 30, ci: logit}
    output: results                # folder for indicators.csv and indicators.xlsx
    variance: calibrated           # or "fixed": SEs treat the raked weights as given
    conventions: {sdg_16_1_4_unodc: unhcr}   # optional: another don't-know rule per indicator

Stages (each timed, in ``SurveyRun.timings``): ingest (read_export + cleaning + withholding
personal columns), weight (design + raking), estimate (run_indicators), write.
"""

from __future__ import annotations

import math

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError, DataError
from rbm_surveys.surveys.indicators.run import (ReportingRules, make_design, prepare_frame,
                                                run_indicators)
from rbm_surveys.surveys.indicators.spec import ModuleSpec, bundled_spec_paths, load_spec

__all__ = ["SurveyRun", "run_survey", "load_config", "run_module"]

_DESIGN_KEYS = ("join", "weights", "strata", "ids", "fpc")


@dataclass
class SurveyRun:
    results: pd.DataFrame
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    sources: list = field(default_factory=list)
    weighting: dict[str, pd.DataFrame] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # cleaned SurveyData per module


def load_config(path: str | Path) -> dict:
    """Read and check a run configuration; paths become absolute."""
    from rbm_surveys.safety import read_yaml

    path = Path(path)
    if not path.exists():
        raise ConfigError("configuration file not found", file=str(path),
                          hint="give the path of your survey run YAML")
    doc = read_yaml(path)  # size, binary, encoding, aliases, syntax: one-line ConfigErrors
    if not isinstance(doc, dict):
        raise ConfigError("the configuration must be a mapping", file=str(path),
                          hint="see docs/indicators.md for an example")
    base = path.parent
    mods = doc.get("modules")
    if not isinstance(mods, list) or not mods:
        raise ConfigError("'modules' must list at least one module", file=str(path), key="modules",
                          hint="each with name, form, export, design (and spec)")
    out_mods = []
    for i, m in enumerate(mods):
        key = f"modules[{i}]"
        if not isinstance(m, dict):
            raise ConfigError("each module must be a mapping", file=str(path), key=key)
        for req in ("name", "form", "export", "design"):
            if not m.get(req):
                raise ConfigError(f"module needs '{req}'", file=str(path), key=f"{key}.{req}",
                                  hint="name, form, export and design are required")
        spec = m.get("spec")
        if spec:
            spec_path = base / spec
        elif m["name"] in bundled_spec_paths():
            spec_path = bundled_spec_paths()[m["name"]]
        else:
            raise ConfigError(f"no specification for module {m['name']!r}", file=str(path),
                              key=f"{key}.spec", hint="give 'spec: path/to/spec.yaml'")
        out_mods.append({"name": str(m["name"]), "form": base / m["form"],
                         "export": base / m["export"], "design": base / m["design"],
                         "spec": spec_path})
    design = doc.get("design") or {}
    if not isinstance(design, dict) or not design.get("weights") or not design.get("join"):
        raise ConfigError("'design' needs at least 'join' and 'weights'", file=str(path),
                          key="design", hint="e.g. {join: ea, weights: base_weight, strata: "
                          "stratum, ids: ea, fpc: ea_total}")
    unknown = set(design) - set(_DESIGN_KEYS)
    if unknown:
        raise ConfigError(f"unknown design key(s) {sorted(unknown)}", file=str(path),
                          key="design", hint=f"allowed: {', '.join(_DESIGN_KEYS)}")
    rep = doc.get("reporting") or {}
    try:
        rules = ReportingRules(**rep)
    except TypeError:
        raise ConfigError(f"unknown reporting key(s) in {sorted(rep)}", file=str(path),
                          key="reporting", hint="allowed: min_n, max_cv, min_n_eff, ci, level"
                          ) from None
    for key in ("min_n", "max_cv", "min_n_eff", "level"):
        value = getattr(rules, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value < 0 or (key == "level" and not 0 < value < 1):
            raise ConfigError(f"reporting.{key} must be a {'number between 0 and 1' if key == 'level' else 'non-negative number'}, "
                              f"not {value!r}", file=str(path), key=f"reporting.{key}",
                              hint="e.g. min_n: 30, max_cv: 0.3, min_n_eff: 30, level: 0.95")
    if rules.ci not in ("logit", "korn-graubard"):
        raise ConfigError(f"reporting.ci {rules.ci!r} is not known", file=str(path),
                          key="reporting.ci", hint="use logit or korn-graubard")
    variance = doc.get("variance", "calibrated")
    if variance not in ("calibrated", "fixed"):
        raise ConfigError(f"variance {variance!r} is not known", file=str(path), key="variance",
                          hint="calibrated (default: residuals of the raking model) or fixed")
    conventions = doc.get("conventions") or {}
    if not isinstance(conventions, dict):
        raise ConfigError("'conventions' must map indicator ids to a convention", file=str(path),
                          key="conventions", hint="e.g. {sdg_16_1_4_unodc: unhcr}")
    return {"modules": out_mods, "design": design, "variance": variance,
            "conventions": conventions,
            "margins": base / doc["margins"] if doc.get("margins") else None,
            "personal": list(doc.get("personal") or []), "reporting": rules,
            "output": base / str(doc.get("output", "results")), "path": path}


def _join_design(frame: pd.DataFrame, design_file: Path, cfg: dict) -> pd.DataFrame:
    join = cfg["join"]
    try:
        table = pd.read_csv(design_file)
    except FileNotFoundError:
        raise ConfigError("design file not found", file=str(design_file),
                          hint="give one row per PSU with the join column and design columns"
                          ) from None
    need = [c for c in dict.fromkeys([join, cfg["weights"], cfg.get("strata"), cfg.get("ids"),
                                      cfg.get("fpc")]) if c]
    missing = [c for c in need if c not in table and not (c == cfg.get("ids") and c == join)]
    if missing:
        raise ConfigError(f"design file lacks column(s) {missing}", file=str(design_file),
                          column=missing[0], hint="add them or fix the 'design' section")
    if join not in frame:
        raise DataError(f"the export has no column {join!r} to join the design on", column=join,
                        hint="set design.join to the PSU/EA question of the form")
    if table[join].duplicated().any():
        dup = table.loc[table[join].duplicated(), join].iloc[0]
        raise ConfigError(f"PSU {dup!r} appears twice in the design file", file=str(design_file),
                          column=join, hint="one row per PSU")
    key = frame[join].astype("string")
    pos = pd.Index(table[join].astype("string")).get_indexer(key)  # hash join, no row loop
    unknown = pos < 0
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise DataError(f"{int(unknown.sum())} respondent(s) have a {join} that the design file "
                        f"does not list (first: {key.iloc[row]!r})", column=join, row=row + 2,
                        file=str(design_file), hint="add the PSU to the design file or fix the "
                        "code in the export")
    out = frame.copy()
    for c in need:
        if c != join:
            out[c] = table[c].to_numpy()[pos]
    return out


def run_module(mod: dict, cfg: dict) -> tuple[pd.DataFrame, dict]:
    """One module: returns its tidy results and what happened (sources, weighting, timings)."""
    from rbm_surveys.surveys.clean import run_cleaning
    from rbm_surveys.surveys.design import SurveyDesign
    from rbm_surveys.surveys.io import read_export
    from rbm_surveys.surveys.privacy import withhold_personal
    from rbm_surveys.surveys.weighting import rake

    timings = {}
    t = time.perf_counter()
    spec: ModuleSpec = _with_conventions(load_spec(mod["spec"]), cfg.get("conventions") or {},
                                         cfg.get("path"))
    data = read_export(mod["export"], form=mod["form"])
    t_read = time.perf_counter()
    data, _log = run_cleaning(data)
    t_clean = time.perf_counter()
    data = withhold_personal(data, extra=cfg["personal"])
    t_priv = time.perf_counter()
    frame = _join_design(data.main, mod["design"], cfg["design"])
    timings["ingest: read_export"] = t_read - t
    timings["ingest: cleaning"] = t_clean - t_read
    timings["ingest: privacy"] = t_priv - t_clean
    reasons = data.reasons.get("main")
    timings["ingest"] = time.perf_counter() - t

    t = time.perf_counter()
    dcfg = cfg["design"]
    base_w = pd.to_numeric(frame[dcfg["weights"]], errors="coerce").to_numpy(dtype="float64")
    # age groups (and the WG identifier) first: margins may use them; quantile groups need
    # the final weights, so they come after raking
    frame, _ = prepare_frame(frame, spec, base_w, reasons,
                             kinds=("age_groups", "wg_disability"))
    weights_label = f"base weights '{dcfg['weights']}'"
    residualizers: tuple = ()
    report = None
    if cfg["margins"] is not None:
        sd = SurveyDesign(frame, weights=dcfg["weights"], strata=dcfg.get("strata"),
                          ids=dcfg.get("ids"), fpc=dcfg.get("fpc"), nest=True,
                          lonely_psu="adjust")
        raked = rake(sd, str(cfg["margins"]))
        frame = frame.assign(_final_weight=np.asarray(raked.weights))
        residualizers = tuple(raked.calibration)
        report = getattr(raked, "weighting_report", None)
        margins = sorted({v for m in _margin_names(cfg["margins"]) for v in m})
        weights_label += f", raked to census margins ({', '.join(margins)}) from " \
                         f"{Path(cfg['margins']).name}"
    else:
        frame = frame.assign(_final_weight=base_w)
    frame, _ = prepare_frame(frame, spec, frame["_final_weight"].to_numpy(), reasons,
                             kinds=("weighted_quantile_groups",))
    if cfg.get("variance", "calibrated") == "fixed":
        residualizers = ()
        weights_label += " (SEs treat the final weights as fixed)"
    design = make_design(frame, "_final_weight", dcfg.get("strata"), dcfg.get("ids"),
                         dcfg.get("fpc"), calibration=residualizers)
    timings["weight"] = time.perf_counter() - t

    t = time.perf_counter()
    res = run_indicators(frame, [spec], design, reasons=reasons, rules_=cfg["reporting"],
                         weights_label=weights_label, derived_ready=True,
                         category_order=choice_order(data.codebook))
    timings["estimate"] = time.perf_counter() - t
    from rbm_surveys.provenance import Source

    read = [Source.of(mod["design"], "design")]
    if cfg["margins"] is not None and Path(cfg["margins"]).is_file():
        read.append(Source.of(cfg["margins"], "margins"))
    info = {"sources": list(data.sources) + ([spec.source] if spec.source else []) + read,
            "timings": timings, "data": data, "spec": spec,
            "weighting": report.to_frame() if report is not None else None}
    return res, info


def _with_conventions(spec: ModuleSpec, conventions: dict, path: Any) -> ModuleSpec:
    """Apply ``conventions: {indicator_id: convention}`` from the run configuration."""
    import dataclasses

    from rbm_surveys.surveys.indicators.spec import MISSING_CONVENTIONS

    inds = []
    for ind in spec.indicators:
        name = conventions.get(ind.id)
        if name is not None and ind.kind in ("proportion", "distribution"):
            if name not in MISSING_CONVENTIONS:
                raise ConfigError(f"unknown missing-data convention {name!r}", file=str(path),
                                  key=f"conventions.{ind.id}",
                                  hint=f"use one of {', '.join(MISSING_CONVENTIONS)}")
            ind = dataclasses.replace(ind, missing=dict(MISSING_CONVENTIONS[name]),
                                      missing_name=f"{name} (set in the run configuration)")
        inds.append(ind)
    return dataclasses.replace(spec, indicators=tuple(inds))


def choice_order(codebook: Any) -> dict[str, list[str]]:
    """Question name → its choice names in form order (select questions only)."""
    if codebook is None:
        return {}
    f = codebook.fields
    f = f[f["list_name"].notna()]
    groups = codebook.choices.groupby("list_name", sort=False)["name"].agg(list).to_dict()
    return {name: [str(c) for c in groups.get(ln, [])] for name, ln in zip(f["name"], f["list_name"])}


def _margin_names(path) -> list[tuple[str, ...]]:
    from rbm_surveys.surveys.weighting import load_margins

    return [tuple(m.variables) for m in load_margins(path).margins]


def run_survey(config: str | Path | dict, *, write: bool = True) -> SurveyRun:
    """Run every module of a configuration and write ``indicators.csv``/``indicators.xlsx``."""
    from rbm_surveys.provenance import Source

    cfg = load_config(config) if not isinstance(config, dict) else config
    parts, run = [], SurveyRun(results=pd.DataFrame())
    if cfg.get("path"):
        run.sources.append(Source.of(cfg["path"], "run-config"))
    known = {i.id for m in cfg["modules"] for i in load_spec(m["spec"]).indicators}
    unknown = sorted(set(cfg.get("conventions") or {}) - known)
    if unknown:
        raise ConfigError(f"'conventions' names indicator(s) {unknown} that no module defines",
                          file=str(cfg.get("path", "")) or None, key=f"conventions.{unknown[0]}",
                          hint="use indicator ids from the specifications")
    totals = {"ingest": 0.0, "weight": 0.0, "estimate": 0.0}
    specs = []
    for mod in cfg["modules"]:
        res, info = run_module(mod, cfg)
        parts.append(res)
        specs.append(info["spec"])
        run.sources += info["sources"]
        run.data[mod["name"]] = info["data"]
        if info["weighting"] is not None:
            run.weighting[mod["name"]] = info["weighting"]
        for k, v in info["timings"].items():
            totals[k] = totals.get(k, 0.0) + v
    run.results = pd.concat(parts, ignore_index=True)
    run.sources = list(dict.fromkeys(run.sources))  # margins are read by every module
    if write:
        from rbm_surveys.report.csv import write_results_csv
        from rbm_surveys.report.excel import write_indicator_workbook

        from rbm_surveys.files import OutputSet

        t = time.perf_counter()
        out = Path(cfg["output"])
        # both files are staged and swapped in together: a failed or killed run leaves the
        # previous run's pair, never a mix
        with OutputSet(out) as staging:
            write_results_csv(run.results, staging / "indicators.csv")
            write_indicator_workbook(run.results, staging / "indicators.xlsx", specs=specs,
                                     sources=run.sources, weighting=run.weighting,
                                     reporting=cfg["reporting"])
        run.outputs["csv"] = out / "indicators.csv"
        run.outputs["xlsx"] = out / "indicators.xlsx"
        totals["write"] = time.perf_counter() - t
    run.timings = totals
    return run
