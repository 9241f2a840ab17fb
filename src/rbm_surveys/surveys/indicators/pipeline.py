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
    output: results                # folder for indicators.csv, indicators.xlsx, data_notes.csv
    language: fr                   # optional: labels in this form language (default: form's)
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
from rbm_surveys.surveys.indicators.spec import (ModuleSpec, bundled_spec_paths,
                                                 check_against_form, load_spec)

__all__ = ["SurveyRun", "run_survey", "load_config", "run_module", "data_notes",
           "member_table", "form_labels", "NOTE_COLUMNS", "check_margins_against_form"]

@dataclass
class SurveyRun:
    results: pd.DataFrame
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    sources: list = field(default_factory=list)
    weighting: dict[str, pd.DataFrame] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # cleaned SurveyData per module
    notes: list = field(default_factory=list)  # data notes (NOTE_COLUMNS records)

    def notes_frame(self) -> pd.DataFrame:
        """The data notes as a table (``NOTE_COLUMNS``); a note quoting a cell has phone
        numbers, e-mails, id numbers and GPS pairs masked (it goes into the outputs)."""
        from rbm_surveys.surveys.privacy import mask_personal_text

        frame = pd.DataFrame(self.notes, columns=NOTE_COLUMNS)
        if "note" in frame.columns and len(frame):
            frame["note"] = frame["note"].map(
                lambda v: mask_personal_text(v) if isinstance(v, str) else v)
        return frame


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
            "output": base / model.output, "path": path, "lines": where,
            "language": model.language}


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
    """One module: returns its tidy results and what happened (sources, weighting, timings,
    data notes)."""
    from rbm_surveys.surveys.clean import run_cleaning
    from rbm_surveys.surveys.io import read_export
    from rbm_surveys.surveys.privacy import withhold_personal
    from rbm_surveys.surveys.weighting import rake

    timings = {}
    t = time.perf_counter()
    spec: ModuleSpec = _with_conventions(load_spec(mod["spec"]), cfg.get("conventions") or {},
                                         cfg.get("path"))
    data = read_export(mod["export"], form=mod["form"])
    check_against_form(spec, data.codebook)
    if cfg["margins"] is not None:
        check_margins_against_form(Path(cfg["margins"]), data.codebook)
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
    # the design is built once (weights checked there), raked once, then only gains columns
    design = make_design(frame, dcfg["weights"], dcfg.get("strata"), dcfg.get("ids"),
                         dcfg.get("fpc"))
    report = None
    if cfg["margins"] is not None:
        design = rake(design, str(cfg["margins"]))
        report = getattr(design, "weighting_report", None)
        margins = sorted({v for m in _margin_names(cfg["margins"]) for v in m})
        weights_label += f", raked to census margins ({', '.join(margins)}) from " \
                         f"{Path(cfg['margins']).name}"
    frame, universe = prepare_frame(frame, spec, np.asarray(design.weights), reasons,
                                    kinds=("weighted_quantile_groups",))
    added = {d["name"]: frame[d["name"]].to_numpy() for d in spec.derived
             if d["kind"] == "weighted_quantile_groups" and d.get("unit") is None}
    if added:
        design = design.with_columns(**added)
    if cfg.get("variance", "calibrated") == "fixed" and design.calibration:
        weights_label += " (SEs treat the final weights as fixed)"
        design = make_design(design.data.assign(_final_weight=np.asarray(design.weights)),
                             "_final_weight", dcfg.get("strata"), dcfg.get("ids"),
                             dcfg.get("fpc"))
    timings["weight"] = time.perf_counter() - t

    t = time.perf_counter()
    notes = data_notes(spec.module, data)
    out_of_universe = int((~universe).sum())
    notes.append(_note(spec.module, "universe", "main", out_of_universe,
                       f"{out_of_universe} of {len(frame)} respondent(s) outside the universe "
                       f"({spec.universe_label or 'see the specification'}): not counted in "
                       "any indicator"))
    members = {}
    for unit in dict.fromkeys(i.unit for i in spec.indicators if i.unit is not None):
        members[unit], unit_notes = member_table(data, unit, frame, spec)
        notes += unit_notes
    codebook = data.codebook
    res = run_indicators(frame, [spec], design, reasons=reasons, rules_=cfg["reporting"],
                         weights_label=weights_label, derived_ready=True,
                         category_order=codebook.choice_order() if codebook is not None else {},
                         labels=_labels_for_run(codebook, cfg), members=members)
    if report is not None:
        notes.append(_note(spec.module, "weighting", "main", 0,
                           "every respondent is in a cell of every margin (raking would stop "
                           "otherwise); none excluded"))
    timings["estimate"] = time.perf_counter() - t
    from rbm_surveys.provenance import Source

    read = [Source.of(mod["design"], "design")]
    if cfg["margins"] is not None and Path(cfg["margins"]).is_file():
        read.append(Source.of(cfg["margins"], "margins"))
    info = {"sources": list(data.sources) + ([spec.source] if spec.source else []) + read,
            "timings": timings, "data": data, "spec": spec, "notes": notes,
            "weighting": report.to_frame() if report is not None else None}
    return res, info


#: Columns of the data notes (``SurveyRun.notes``, the "Data notes" sheet, data_notes.csv).
NOTE_COLUMNS = ["module", "stage", "table", "rows", "note"]


def _note(module: str, stage: str, table: str, rows: Any, note: str) -> dict:
    return {"module": module, "stage": stage, "table": table, "rows": rows, "note": note}


def data_notes(module: str, data: Any) -> list[dict]:
    """What happened to the rows before estimation, as note records (``NOTE_COLUMNS``):
    form and ingestion warnings (e.g. a form-version mismatch), and every cleaning step
    that excluded rows or declared values missing (duplicates with counts, review status,
    don't know/refused)."""
    out = []
    cb = data.codebook
    for w in (cb.warnings if cb is not None else ()):
        out.append(_note(module, "form", "", "", str(w)))
    for w in data.warnings:
        out.append(_note(module, "ingest", "", "", str(w)))
    for e in data.log:
        dropped = e.rows_before - e.rows_after
        if e.step in ("drop_duplicates", "exclude_status") or dropped:
            counts = {k: v for k, v in (e.counts or {}).items()
                      if isinstance(v, (int, np.integer)) and v}
            extra = f" ({', '.join(f'{k} {v}' for k, v in counts.items())})" if counts else ""
            out.append(_note(module, f"cleaning: {e.step}", e.table, dropped,
                             f"{dropped} row(s) excluded: {e.detail}{extra}" if dropped
                             else f"none excluded: {e.detail}"))
        elif e.step == "declare_missing" or (e.counts or {}).get("failed"):
            out.append(_note(module, f"cleaning: {e.step}", e.table, "", e.detail))
    return out


def member_table(data: Any, unit: str, frame: pd.DataFrame, spec: ModuleSpec):
    """The repeat group ``unit`` as members inheriting their household's columns (design,
    weight, derived variables), and the notes on members left out."""
    from rbm_surveys.errors import DataError
    from rbm_surveys.surveys.indicators.run import MemberTable

    if unit not in data.tables:
        raise ConfigError(f"the export has no repeat group {unit!r} that the specification's "
                          f"units name{_suggest(unit, [t for t in data.tables if t != 'main'])}",
                          file=spec.path or None, key=f"units.{unit}",
                          hint="name a repeat group of the form")
    table = data.tables[unit]
    parents = data.codebook.repeats if data.codebook is not None else {}
    if parents.get(unit, "main") != "main":
        raise ConfigError(f"repeat {unit!r} is nested in {parents[unit]!r}; member-level "
                          "indicators need a repeat directly under the main sheet",
                          file=spec.path or None, key=f"units.{unit}")
    if "_parent_index" not in table or "_index" not in frame:
        raise DataError(f"the repeat {unit!r} cannot be linked to its submissions",
                        table=unit, hint="export with the _index/_parent_index columns")
    pos = pd.Index(frame["_index"]).get_indexer(table["_parent_index"])
    keep = pos >= 0
    notes = []
    orphans = int((~keep).sum())
    notes.append(_note(spec.module, "members", unit, orphans,
                       f"{len(table)} member row(s) in {unit!r}; {orphans} belong to "
                       "submissions excluded by cleaning (or absent) and are left out"
                       if orphans else f"{len(table)} member row(s) in {unit!r}, all linked "
                       "to a submission"))
    members = table.loc[keep].reset_index(drop=True)
    pos = pos[keep]
    inherit = {c: frame[c].to_numpy()[pos] for c in frame.columns if c not in members}
    members = members.assign(**inherit) if inherit else members
    reasons = data.reasons.get(unit)
    if reasons is not None:
        reasons = reasons.loc[keep].reset_index(drop=True) if len(reasons) == len(keep) \
            else None
    return MemberTable(members, pos.astype(np.int64), reasons), notes


def _suggest(word: str, names: list[str]) -> str:
    from rbm_surveys.config import suggest

    return suggest(word, names)


def _labels_for_run(codebook: Any, cfg: dict):
    """The form's labels in the run's ``language``; an unknown language names the key."""
    from rbm_surveys.config import Located, suggest
    from rbm_surveys.errors import UsageError

    try:
        return form_labels(codebook, cfg.get("language"))
    except UsageError as exc:
        where = cfg.get("lines") or Located(str(cfg.get("path", "")))
        langs = list(codebook.languages) if codebook is not None else []
        raise ConfigError(f"language {cfg.get('language')!r} is not a language of the form"
                          f"{suggest(str(cfg.get('language')), langs)}",
                          file=where.file or None, key="language",
                          line=where.line(("language",)),
                          hint=f"use one of {', '.join(langs)} (or its code, e.g. fr)"
                          ) from exc


def form_labels(codebook: Any, language: str | None = None):
    """:class:`~rbm_surveys.surveys.indicators.run.Labels` from the form (``language``, or
    the form's default language)."""
    from rbm_surveys.surveys.indicators.run import Labels

    if codebook is None or not codebook.languages:
        return Labels()
    questions, choices = codebook.labels(language)
    return Labels(questions, choices, language or codebook.default_language or "")


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
    """Question name → its choice names in form order (see ``Codebook.choice_order``)."""
    return codebook.choice_order() if codebook is not None else {}


def _margin_names(path) -> list[tuple[str, ...]]:
    from rbm_surveys.surveys.weighting import load_margins

    return [tuple(m.variables) for m in load_margins(path).margins]


def check_margins_against_form(margins: Path, codebook: Any) -> None:
    """Every category of a margin over a select question must be one of its choices:
    a misspelt category (``Female`` for ``female``) would otherwise be a population cell
    without respondents or, with a total of 0, dropped without a word."""
    from rbm_surveys.config import read_yaml, suggest
    from rbm_surveys.surveys.weighting import load_margins

    if codebook is None:
        return
    ms = load_margins(margins)
    lists = codebook._choices_by_list()
    for m in ms.margins:
        for k, var in enumerate(m.variables):
            ln = codebook.list_of(var)
            if ln is None or ln not in lists:
                continue
            choices = [str(c) for c in lists[ln]]
            for key in m.totals:
                cat = key[k]
                if cat in choices:
                    continue
                src = Path(m.source) if m.source else margins
                line = None
                if src.suffix.lower() in (".yaml", ".yml"):
                    _, where = read_yaml(src, what="margins file")
                    line = where.line(("margins", var, cat)) or where.line(("margins",))
                raise ConfigError(f"category {cat!r} of margin {m.name!r} is not a choice of "
                                  f"{var!r}{suggest(cat, choices)}", file=str(src), line=line,
                                  variable=var, category=cat,
                                  hint=f"use the form's choice names: {', '.join(choices)}")


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
        from rbm_surveys.config import Located, suggest

        where = cfg.get("lines") or Located(str(cfg.get("path", "")))
        raise ConfigError(f"'conventions' names indicator(s) {unknown} that no module defines"
                          f"{suggest(unknown[0], known)}", file=where.file or None,
                          key=f"conventions.{unknown[0]}",
                          line=where.line(("conventions", unknown[0])),
                          hint="use indicator ids from the specifications")
    totals = {"ingest": 0.0, "weight": 0.0, "estimate": 0.0}
    specs = []
    for mod in cfg["modules"]:
        res, info = run_module(mod, cfg)
        parts.append(res)
        specs.append(info["spec"])
        run.sources += info["sources"]
        run.notes += info["notes"]
        run.data[mod["name"]] = info["data"]
        if info["weighting"] is not None:
            run.weighting[mod["name"]] = info["weighting"]
        for k, v in info["timings"].items():
            totals[k] = totals.get(k, 0.0) + v
    run.results = pd.concat(parts, ignore_index=True)
    run.sources = list(dict.fromkeys(run.sources))  # margins are read by every module
    if write:
        from rbm_surveys.files import OutputSet
        from rbm_surveys.report.csv import write_notes_csv, write_results_csv
        from rbm_surveys.report.excel import write_indicator_workbook

        t = time.perf_counter()
        out = Path(cfg["output"])
        notes = run.notes_frame()
        names = {"csv": "indicators.csv", "xlsx": "indicators.xlsx", "notes": "data_notes.csv"}
        with OutputSet(out) as staging:  # the three files replace the last run's together
            write_results_csv(run.results, staging / names["csv"])
            write_notes_csv(notes, staging / names["notes"])
            write_indicator_workbook(run.results, staging / names["xlsx"], specs=specs,
                                     sources=run.sources, weighting=run.weighting,
                                     reporting=cfg["reporting"], notes=notes)
        run.outputs = {k: out / v for k, v in names.items()}
        totals["write"] = time.perf_counter() - t
    run.timings = totals
    return run
