"""`SurveyData`: what every survey reader returns and every cleaning step passes on.

The contract (readers in :mod:`rbm_surveys.surveys.io`, steps in
:mod:`rbm_surveys.surveys.clean`, consumers in :mod:`rbm_surveys.surveys.indicators`):

* ``tables["main"]`` holds one row per submission; each repeat group has its own table named
  by the repeat's XLSForm name. Every table has an integer ``_index`` column (KoBo's row
  index, 1-based); repeat tables also carry ``_parent_index`` pointing at their parent
  table's ``_index`` and ``_parent_table`` naming it.
* Analysis columns are named by the XLSForm field **name** (unique in a form), never by the
  group path or the label; the group path lives in the codebook.
* ``select_multiple``: the summary column ``name`` holds the space-separated choice names;
  one column per choice ``name/choice`` holds nullable ``Int8`` 0/1, and ``<NA>`` when the
  question was not answered (never "all zero").
* Meta columns (``_uuid``, ``_submission_time``, ``_validation_status``, ``__version__``,
  ``meta/instanceID``, ``KEY``, ``ReviewState`` …) are moved to ``meta[table]`` (same index
  as the table), so they are kept but never analysed.
* ``reasons[table]`` (same index, one column per affected variable) keeps *why* a value is
  missing once declared missing codes have been set to NA: ``"dont_know"``, ``"refused"``,
  ``"not_applicable"`` or another declared reason; NA where the value is present or simply
  unanswered.
* Nothing here is ever modified in place: steps return a new ``SurveyData`` via
  :meth:`SurveyData.replace` and append to ``log``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rbm_surveys.errors import UsageError
from rbm_surveys.provenance import Source

__all__ = ["SurveyData", "Codebook", "LogEntry", "MISSING_REASONS", "DEFAULT_LANGUAGE"]

#: language key for an untranslated ``label`` column
DEFAULT_LANGUAGE = "default"
MISSING_CODE_COLUMNS = ("column", "value", "lo", "hi", "label")
ISSUE_COLUMNS = ("table", "row", "column", "value", "problem")

#: Reasons a declared missing code can carry; indicator rules treat them differently.
MISSING_REASONS = ("dont_know", "refused", "not_applicable", "no_answer", "other_missing")


@dataclass(frozen=True)
class LogEntry:
    """One cleaning step, as a report prints it."""

    step: str
    table: str
    rows_before: int
    rows_after: int
    detail: str = ""
    counts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # DataFrames do not compare to a bool
class Codebook:
    """A questionnaire as tables.

    ``fields``: one row per question (groups and repeats are not rows), columns
    ``name, path, group_path, type, list_name, label::<lang>…, relevant, repeat, required,
    or_other``; ``path`` is the XPath without the root (``hh/age``), ``group_path`` the
    enclosing groups (``hh``, ``""`` at top level), ``repeat`` the innermost enclosing repeat
    or None. ``choices``: ``list_name, name, label::<lang>…``. ``repeats``: repeat name →
    parent table (``"main"`` or the enclosing repeat). ``missing_codes`` and ``issues`` are
    filled by :func:`read_export` (see :mod:`rbm_surveys.surveys.io`).
    """

    fields: pd.DataFrame
    choices: pd.DataFrame
    languages: tuple[str, ...] = ()
    version: str | None = None
    title: str | None = None
    form_id: str | None = None
    default_language: str | None = None
    repeats: dict[str, str] = field(default_factory=dict)
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # group path -> lang -> label
    warnings: tuple[str, ...] = ()
    source: Source | None = None
    missing_codes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(MISSING_CODE_COLUMNS)))
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ISSUE_COLUMNS)))

    # -- look-ups ---------------------------------------------------------------------------
    def field(self, name: str) -> pd.Series:
        """The row of ``fields`` for question ``name`` (UsageError if unknown)."""
        hit = self.fields.loc[self.fields["name"] == name]
        if hit.empty:
            raise UsageError(f"no field {name!r} in the form", key=name,
                             hint="use a name from codebook.fields['name']")
        return hit.iloc[0]

    def choice_names(self, list_name: str) -> list[str]:
        return list(self._choices_by_list().get(list_name, ()))

    def _choices_by_list(self) -> dict[str, tuple[str, ...]]:
        # cached: readers ask once per column, forms have hundreds of select questions
        cache = self.__dict__.get("_by_list")
        if cache is None:
            cache = {k: tuple(g) for k, g in self.choices.groupby("list_name", sort=False)["name"]}
            object.__setattr__(self, "_by_list", cache)
        return cache

    def label_map(self, lang: str | None = None) -> dict[str, str]:
        """Field name → label in ``lang`` (default language when None; name if unlabelled)."""
        col = f"label::{self._lang(lang)}" if self.languages else None
        labels = self.fields[col] if col in self.fields else pd.Series(pd.NA, index=self.fields.index)
        return dict(zip(self.fields["name"], labels.fillna(self.fields["name"])))

    def choice_label_map(self, list_name: str, lang: str | None = None) -> dict[str, str]:
        """Choice name → label in ``lang`` for one list."""
        col = f"label::{self._lang(lang)}" if self.languages else None
        rows = self.choices.loc[self.choices["list_name"] == list_name]
        labels = rows[col] if col in rows else pd.Series(pd.NA, index=rows.index)
        return dict(zip(rows["name"], labels.fillna(rows["name"])))

    def summary(self) -> pd.DataFrame:
        """One row per field: ``name, type, table, group_path, n_choices, label`` (to print)."""
        f = self.fields
        n_choices = f["list_name"].map(self.choices.groupby("list_name").size()).astype("Int64")
        lab = self.label_map()
        return pd.DataFrame({
            "name": f["name"], "type": f["type"], "table": f["repeat"].fillna("main"),
            "group_path": f["group_path"], "n_choices": n_choices,
            "label": f["name"].map(lab),
        }).reset_index(drop=True)

    def _lang(self, lang: str | None) -> str:
        if lang is None:
            return self.default_language if self.default_language in self.languages else self.languages[0]
        if lang not in self.languages:
            # "fr" or "French" for the XLSForm language "French (fr)"
            low = lang.strip().lower()
            hit = [x for x in self.languages
                   if x.lower().endswith(f"({low})") or x.lower().split(" (")[0] == low]
            if len(hit) == 1:
                return hit[0]
            raise UsageError(f"language {lang!r} is not in the form", key=lang,
                             hint=f"use one of {', '.join(self.languages)}")
        return lang

    def replace(self, **changes: Any) -> "Codebook":
        """A copy with ``changes`` (fields of this dataclass)."""
        return dataclasses.replace(self, **changes)

    # -- what the indicator pipeline asks ---------------------------------------------------
    def list_of(self, name: str, table: str | None = None) -> str | None:
        """The choice list of select question ``name`` (of repeat ``table`` when the same
        name is used in the main sheet and a repeat; the main sheet's when ``table`` is None
        or "main"), None for other questions or unknown names."""
        f = self.fields
        hit = f.loc[f["name"] == name]
        if len(hit) > 1 and "repeat" in f:
            rep = hit["repeat"].fillna("main")
            sel = hit.loc[rep == (table or "main")]
            hit = sel if len(sel) else hit
        if hit.empty:
            return None
        ln = hit["list_name"].iloc[0]
        return ln if isinstance(ln, str) and ln else None

    def choice_order(self) -> dict[str, list[str]]:
        """Question name → its choice names in form order (select questions only)."""
        f = self.fields[self.fields["list_name"].notna()]
        groups = self._choices_by_list()
        out: dict[str, list[str]] = {}
        for name, ln in zip(f["name"], f["list_name"]):
            out.setdefault(str(name), [str(c) for c in groups.get(ln, ())])
        return out

    def labels(self, lang: str | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """(question name → label, question name → {choice name → label}) in ``lang``
        (the form's default language when None); unlabelled entries give their names."""
        if not self.languages:
            return {}, {}
        questions = {str(k): str(v) for k, v in self.label_map(lang).items()}
        f = self.fields[self.fields["list_name"].notna()]
        by_list = {ln: {str(k): str(v) for k, v in self.choice_label_map(ln, lang).items()}
                   for ln in dict.fromkeys(f["list_name"])}
        choices: dict[str, dict[str, str]] = {}
        for name, ln in zip(f["name"], f["list_name"]):
            choices.setdefault(str(name), by_list.get(ln, {}))
        return questions, choices


@dataclass(frozen=True)
class SurveyData:
    """Tables of one export, its codebook, meta columns, missing reasons, sources and the
    cleaning log (see the module docstring for the contract)."""

    tables: dict[str, pd.DataFrame]
    codebook: Codebook | None = None
    meta: dict[str, pd.DataFrame] = field(default_factory=dict)
    reasons: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    log: tuple[LogEntry, ...] = ()
    warnings: tuple[str, ...] = ()
    personal_columns: tuple[str, ...] = ()  # withheld from outputs unless asked for

    @property
    def main(self) -> pd.DataFrame:
        return self.tables["main"]

    def replace(self, **changes: Any) -> "SurveyData":
        return dataclasses.replace(self, **changes)

    def with_log(self, entry: LogEntry, **changes: Any) -> "SurveyData":
        return dataclasses.replace(self, log=self.log + (entry,), **changes)
