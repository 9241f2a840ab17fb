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

@dataclass
class SurveyRun:
    results: pd.DataFrame
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    sources: list = field(default_factory=list)
    weighting: dict[str, pd.DataFrame] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # cleaned SurveyData per module


def load_config(path: str | Path, *, text: str | None = None) -> dict:
    """Read and check a run configuration (:class:`rbm_surveys.config.RunConfig`); paths
    become absolute (relative to the file)."""
    from rbm_surveys.config import RunConfig, load_model

    path = Path(path)
    model, where = load_model(RunConfig, path, text=text, what="run configuration")
    base = path.parent
    out_mods = []
    for i, m in enumerate(model.modules):
        if m.spec:
            spec_path = base / m.spec
        elif m.name in bundled_spec_paths():
            spec_path = bundled_spec_paths()[m.name]
        else:
            raise where.error(("modules", i, "name"), f"no specification for module {m.name!r}",
                              hint="give 'spec: path/to/spec.yaml' (bundled: "
                                   f"{', '.join(bundled_spec_paths())})")
        out_mods.append({"name": m.name, "form": base / m.form, "export": base / m.export,
                         "design": base / m.design, "spec": spec_path})
    return {"modules": out_mods, "design": model.design.model_dump(exclude_none=True),
            "variance": model.variance, "conventions": dict(model.conventions),
            "margins": base / model.margins if model.margins else None,
            "personal": list(model.personal),
            "reporting": ReportingRules(**model.reporting.model_dump()),
            "output": base / model.output, "path": path, "lines": where}


def _join_design(frame: pd.DataFrame, design_file: Path, cfg: dict) -> pd.DataFrame:
    from rbm_surveys.config import read_config_csv

    join = cfg["join"]
    need = [c for c in dict.fromkeys([join, cfg["weights"], cfg.get("strata"), cfg.get("ids"),
                                      cfg.get("fpc")]) if c]
    header, rows = read_config_csv(design_file, what="design file")
    missing = [c for c in need if c not in header and not (c == cfg.get("ids") and c == join)]
    if missing:
        from rbm_surveys.config import suggest

        raise ConfigError(f"design file lacks column(s) {missing}{suggest(missing[0], header)}",
                          file=str(design_file), row=1, column=missing[0],
                          hint="add them or fix the 'design' section")
    table = pd.DataFrame([f for _, f in rows], columns=header, dtype=object)
    lines = [ln for ln, _ in rows]
    for c in (cfg["weights"], cfg.get("fpc")):
        if c and c in table:
            num = pd.to_numeric(table[c], errors="coerce")
            bad = num.isna() & (table[c].astype(str) != "")
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise ConfigError(f"{c} {table[c].iloc[i]!r} is not a number",
                                  file=str(design_file), row=lines[i], column=c,
                                  hint="write design weights and fpc as numbers")
            table[c] = num
    if join not in frame:
        raise DataError(f"the export has no column {join!r} to join the design on", column=join,
                        hint="set design.join to the PSU/EA question of the form")
    from rbm_surveys.surveys.weighting.margins import category_label

    table[join] = [category_label(v) for v in table[join]]
    if table[join].duplicated().any():
        i = int(np.flatnonzero(table[join].duplicated().to_numpy())[0])
        raise ConfigError(f"PSU {table[join].iloc[i]!r} appears twice in the design file",
                          file=str(design_file), row=lines[i], column=join,
                          hint="one row per PSU")
    codes, uniques = pd.factorize(frame[join], use_na_sentinel=True)
    ulabels = pd.Index([category_label(u) for u in uniques])
    key = pd.Series(np.append(ulabels.to_numpy(dtype=object), None)[codes], index=frame.index)
    pos = pd.Index(table[join]).get_indexer(ulabels)
    pos = np.append(pos, -1)[codes]  # hash join over distinct codes, no row loop
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

        t = time.perf_counter()
        out = Path(cfg["output"])
        out.mkdir(parents=True, exist_ok=True)
        run.outputs["csv"] = write_results_csv(run.results, out / "indicators.csv")
        run.outputs["xlsx"] = write_indicator_workbook(run.results, out / "indicators.xlsx",
                                                       specs=specs, sources=run.sources,
                                                       weighting=run.weighting,
                                                       reporting=cfg["reporting"])
        totals["write"] = time.perf_counter() - t
    run.timings = totals
    return run
