"""``rbm framework compute CONFIG``: survey results and reviewed verdicts → the register.

The configuration (YAML, checked by :class:`ComputeConfig`; unknown keys are errors)::

    programme: Safer Cities Programme
    register: programme.rbm.sqlite          # default: rbm_register.sqlite beside the config
    links: my_links.yaml                    # default: the shipped links
    partners:
      - country: Kenya
        code: KE
        cities: [Nairobi, Kisumu]
    surveys:                                # the indicators.csv of `rbm survey run`
      - {results: nairobi_2020/indicators.csv, year: 2020, location: Nairobi}
      - {results: nairobi_2022/indicators.csv, year: 2022, location: Nairobi}
    documents:                              # final_verdicts.csv of `rbm review import`
      - verdicts: review/final_verdicts.csv
        year: 2022
        partners: {kenya_ndc.pdf: Kenya}    # document file name -> partner
        include_unreviewed: false           # true: count unreviewed documents, labelled
        evidence: docs/evidence.jsonl       # optional: for the site's drill-down
    values:                                 # other values: framework_id, location, year,
      - file: admin_values.csv              #   value [, subset, se]
    local_targets:                          # a location's own baseline/targets
      - {framework_id: RF0197, location: Nairobi, target_2023: 0.7}

Paths are relative to the config file. Every input file is hashed into the register; values
keep the rows they came from. Re-running replaces what each file wrote before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field, field_validator

from rbm_surveys.config import ConfigModel, load_model
from rbm_surveys.errors import ConfigError, DataError, RbmError
from rbm_surveys.framework.progress import check_values, progress
from rbm_surveys.framework.reduce import (document_results, load_links, partner_rules,
                                          survey_values)
from rbm_surveys.framework.seed import TARGET_YEARS, read_framework
from rbm_surveys.provenance import sha256_file
from rbm_surveys.register import DEFAULT_REGISTER, Register

__all__ = ["ComputeConfig", "load_compute_config", "compute", "register_values",
           "register_progress", "ComputeSummary"]


class _Model(ConfigModel):
    """Unknown keys refused with a did-you-mean (the project's one configuration layer)."""


class PartnerIn(_Model):
    """A partner country and the partners under it."""

    country: str = Field(min_length=1)
    code: str = ""
    cities: list[str] = []
    subnational: list[str] = []
    organisations: list[str] = []


class SurveyIn(_Model):
    """One survey run's results at one location and year."""

    results: Path
    year: int = Field(ge=2000, le=2030)
    location: str = Field(min_length=1)
    #: a disaggregation whose levels are partner locations (e.g. ``city``): its rows become
    #: each city's whole-population values instead of a breakdown of ``location``
    locations_from: str | None = None
    #: level → partner name, where the survey's codes differ from the register's names
    locations: dict[str, str] = {}


class DocumentsIn(_Model):
    """Reviewed verdicts of one batch of documents."""

    verdicts: Path
    year: int = Field(ge=2000, le=2030)
    partners: dict[str, str] = {}
    include_unreviewed: bool = False
    evidence: Path | None = None
    evidence_report: Path | None = None  # a folder written by report.evidence, if any


class ValuesIn(_Model):
    """A CSV of values: framework_id, location, year, value [, subset, se, source]."""

    file: Path


class LocalTargetIn(_Model):
    """A location's own baseline and targets for one framework row."""

    framework_id: str
    location: str
    baseline: float | None = None
    baseline_year: int | None = None
    baseline_se: float | None = Field(default=None, ge=0)
    target_2020: float | None = None
    target_2021: float | None = None
    target_2022: float | None = None
    target_2023: float | None = None


class ComputeConfig(_Model):
    """The ``rbm framework compute`` configuration (see the module docstring)."""

    programme: str = Field(min_length=1)
    register_file: Path | None = Field(default=None, alias="register")
    links: Path | None = None
    partners: list[PartnerIn] = Field(min_length=1)
    surveys: list[SurveyIn] = []
    documents: list[DocumentsIn] = []
    values: list[ValuesIn] = []
    local_targets: list[LocalTargetIn] = []
    change_se: Literal["independent"] = "independent"

    @field_validator("partners")
    @classmethod
    def _unique_partners(cls, v: list[PartnerIn]) -> list[PartnerIn]:
        names = [p.country for p in v] + [c for p in v for c in p.cities]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"partner name(s) given twice: {dup}")
        return v


def load_compute_config(path: str | Path) -> tuple[ComputeConfig, Path]:
    """Read and check the config (every problem named by key and line); returns it with its
    folder (paths in it are relative to that folder)."""
    cfg, _ = load_model(ComputeConfig, path, what="framework compute config")
    return cfg, Path(path).parent


class ComputeSummary(BaseModel):
    """What a compute run wrote."""

    register_path: str
    survey_values: int = 0
    other_values: int = 0
    documents_counted: int = 0
    documents_excluded: int = 0
    partners_meeting_rules: int = 0
    excluded: list[str] = []
    notes: list[str] = []


def _read_csv(path: Path, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kw)
    except FileNotFoundError as exc:
        raise ConfigError("file not found", file=str(path)) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"not a readable CSV: {exc}", file=str(path)) from exc


def compute(cfg: ComputeConfig, base: Path = Path("."), register: str | Path | None = None
            ) -> ComputeSummary:
    """Fill the register from the config's inputs (one transaction per input file)."""
    framework = read_framework()
    links = load_links(base / cfg.links if cfg.links else None)
    known = set(framework["framework_id"])
    bad = sorted(set(links["framework_id"]) - known)
    if bad:
        raise ConfigError(f"links name unknown framework indicator(s) {bad}")
    path = Path(register) if register else (base / cfg.register_file if cfg.register_file
                                            else base / DEFAULT_REGISTER)
    summary = ComputeSummary(register_path=str(path))
    fw = framework.set_index("framework_id")
    with Register.open(path, programme=cfg.programme) as reg:
        reg.add_partners([p.model_dump() for p in cfg.partners])
        for s in cfg.surveys:
            f = base / s.results
            results = _read_csv(f, keep_default_na=True)
            sha = sha256_file(f)
            try:
                reg.location_id(s.location)
                vals = survey_values(results, s.year, s.location, links, str(f), sha)
                if s.locations_from:
                    vals = _split_locations(vals, s.locations_from, s.locations, reg)
                vals["subset"] = fw.loc[vals["framework_id"], "subset"].to_numpy() \
                    if len(vals) else []
                sid = reg.add_source("survey_results", f, sha)
                summary.survey_values += reg.replace_values(sid, vals)
            except RbmError as exc:
                raise exc.at(file=str(f)) from None
            if not len(vals):
                summary.notes.append(f"{f}: no linked survey indicator in these results")
        for d in cfg.documents:
            f = base / d.verdicts
            final = _read_csv(f, dtype=str, keep_default_na=False)
            try:
                counted, excluded = document_results(final, d.year, d.partners, links,
                                                     d.include_unreviewed, str(f))
                for p in set(counted["partner"]) | set(excluded["partner"]):
                    reg.location_id(p)
                sid = reg.add_source("reviewed_verdicts", f)
                rules = partner_rules(counted)
                reg.replace_rules(sid, rules, counted)
            except RbmError as exc:
                raise exc.at(file=str(f)) from None
            if d.evidence:
                reg.add_source("evidence", base / d.evidence)
            summary.documents_counted += counted["document"].nunique()
            summary.documents_excluded += excluded["document"].nunique()
            summary.partners_meeting_rules += len(rules)
            summary.excluded += [f"{doc} ({st}; set include_unreviewed: true to count it)"
                                 for doc, st in zip(excluded["document"],
                                                    excluded["review_status"])]
        for v in cfg.values:
            f = base / v.file
            table = _read_csv(f)
            try:
                checked = check_values(table, framework)
                checked["scale"] = fw.loc[checked["framework_id"], "scale"].replace(
                    "", "other").to_numpy()
                checked["subset"] = fw.loc[checked["framework_id"], "subset"].to_numpy()
                sha = sha256_file(f)
                checked["provenance"] = [json.dumps({"file": str(f), "sha256": sha,
                                                     "line": i + 2}) for i in
                                         range(len(checked))]
                sid = reg.add_source("values", f, sha)
                summary.other_values += reg.replace_values(sid, checked)
            except RbmError as exc:
                raise exc.at(file=str(f)) from None
        if cfg.local_targets:
            unknown = sorted({t.framework_id for t in cfg.local_targets} - known)
            if unknown:
                raise ConfigError(f"local_targets name unknown framework indicator(s) "
                                  f"{unknown}", hint="use ids from `rbm framework show`")
            sid = reg.add_source("values", "config:local_targets", "0" * 64)
            reg.replace_local_targets(sid, pd.DataFrame([t.model_dump()
                                                         for t in cfg.local_targets]))
    return summary


def _split_locations(vals: pd.DataFrame, by: str, names: dict[str, str],
                     reg: Register) -> pd.DataFrame:
    """Rows of disaggregation ``by`` become the whole-population values of each location."""
    if not (vals["disaggregation"] == by).any():
        raise DataError(f"the results have no disaggregation {by!r}",
                        hint="locations_from must name a disaggregation of the survey run")
    vals = vals.copy()
    rows = vals["disaggregation"] == by
    vals.loc[rows, "location"] = [names.get(lv, lv) for lv in vals.loc[rows, "level"]]
    for name in sorted(set(vals.loc[rows, "location"])):
        reg.location_id(name)  # unknown city → error with did-you-mean
    vals.loc[rows, "disaggregation"] = "all"
    vals.loc[rows, "level"] = ""
    return vals


def register_values(reg: Register, framework: pd.DataFrame | None = None) -> pd.DataFrame:
    """Whole-population values from the register, ready for :func:`progress`: stored values
    (disaggregation ``all``; suppressed ones left out) plus the cumulative partner counts by
    year for the programme and each country."""
    framework = read_framework() if framework is None else framework
    stored = reg.values()
    stored = stored[(stored["disaggregation"] == "all") & (stored["suppressed"] == 0)]
    vals = stored[["framework_id", "location", "year", "value", "se", "review_status",
                   "source"]].copy()
    counts = reg.cumulative_counts(TARGET_YEARS)
    if not counts.empty:
        counts = counts.assign(se=float("nan"),
                               source="cumulative register: " + counts["partners"])
        vals = pd.concat([vals, counts[vals.columns]], ignore_index=True)
    vals["subset"] = framework.set_index("framework_id").loc[vals["framework_id"],
                                                             "subset"].to_numpy()
    return vals.reset_index(drop=True)


def register_progress(reg: Register, framework: pd.DataFrame | None = None) -> pd.DataFrame:
    """The progress table from the register (values, cumulative counts, local targets)."""
    framework = read_framework() if framework is None else framework
    vals = register_values(reg, framework)
    if vals.empty:
        from rbm_surveys.framework.progress import PROGRESS_COLUMNS
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    return progress(vals, framework, local_targets=reg.local_targets(),
                    programme=reg.programme)
