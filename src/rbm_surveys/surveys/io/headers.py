"""Export headers → XLSForm names.

KoBo writes a question as ``q`` (XML, no groups), ``g/sg/q`` (XML with groups, any
``group_sep``), its label, or its group labels joined by ``group_sep`` (reference §1.2);
select_multiple detail columns add ``/choice`` (XML), ``_choice`` (SurveyCTO's split
columns ``NAME_1``, ``NAME_2`` …) or ``<sep><choice label>`` (labels);
ODK Central joins groups with ``-`` relative to the table (§2.1). Every variant of every field
is put in a look-up table once, so mapping a header is one dict access.

Order of trust: bookkeeping columns (``_uuid``, ``KEY`` …) → exact names → group paths and
detail columns → labels (for ``header="label"`` labels come first). A label shared by two
fields cannot be mapped: that is an error naming both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from rbm_surveys.errors import ExportMismatchError, UsageError

__all__ = ["Target", "HeaderMap", "is_meta_column", "GROUP_SEPARATORS", "is_hxl_row"]

GROUP_SEPARATORS = ("/", ".", "-", ":")
HEADER_MODES = ("auto", "xml", "label")

# Export bookkeeping, kept in SurveyData.meta (reference §1.4, §1.5, §1.6, §2.1)
_META_EXACT = frozenset({
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_version_", "_tags", "_xform_id_string", "_attachments",
    "_geolocation", "_duration", "_media_count", "_total_media", "_media_all_received",
    "formhub/uuid", "SubmissionDate", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion", "instanceID", "deprecatedID", "rootUuid",
    # SurveyCTO server columns (not in the form)
    "formdef_version", "CompletionDate", "instanceName", "review_status", "review_quality",
    "review_comments", "review_corrections",
})
_META_PREFIX = re.compile(r"^(meta[/.:-]|_submission_|SET-OF-)")
_STRUCTURAL = {"_index": "_index", "_parent_index": "_parent_index",
               "_parent_table_name": "_parent_table", "_parent_table": "_parent_table"}
_GEO_KOBO = ("latitude", "longitude", "altitude", "precision")
_GEO_ODK = {"Latitude": "latitude", "Longitude": "longitude", "Altitude": "altitude",
            "Accuracy": "precision"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Target:
    """What an export column is. ``kind``: field, choice, geo, meta, index, parent_index,
    parent_table; ``name``: the column name in SurveyData."""

    kind: str
    name: str
    field: str | None = None
    choice: str | None = None


def is_meta_column(col: str) -> bool:
    return col in _META_EXACT or bool(_META_PREFIX.match(col))


def meta_name(col: str) -> str:
    """Central's ``meta-instanceID`` and friends under one spelling: ``meta/instanceID``."""
    return re.sub(r"^meta[.:-]", "meta/", col)


def is_hxl_row(values: Iterable[object]) -> bool:
    """KoBo's HXL tag row: every non-empty cell starts with ``#`` (reference §1.4)."""
    cells = [str(v).strip() for v in values if v is not None and not pd.isna(v) and str(v).strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _first(*values):
    return next(v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v)))


def _norm(label: str) -> str:
    return _SPACES.sub(" ", str(label)).strip().casefold()


class HeaderMap:
    """Look-up of every header spelling of a codebook's fields."""

    def __init__(self, codebook, *, mode: str = "auto", language: str | None = None,
                 group_sep: str | None = None) -> None:
        if mode not in HEADER_MODES:
            raise UsageError(f"header={mode!r} is not a header mode", key="header",
                             hint=f"use one of {', '.join(HEADER_MODES)}")
        if language is not None and language not in codebook.languages:
            raise UsageError(f"language {language!r} is not in the form", key="language",
                             hint=f"use one of {', '.join(codebook.languages) or '(no labels)'}")
        self.codebook = codebook
        self.mode = mode
        seps = list(GROUP_SEPARATORS)
        if group_sep and group_sep not in seps:
            seps.insert(0, group_sep)
        self.seps = seps
        self.exact: dict[str, Target] = {}
        self.paths: dict[str, Target] = {}
        self.labels: dict[str, set[Target]] = {}
        self.meta_fields: set[str] = set()
        self._build(language)

    # -- build ------------------------------------------------------------------------------
    def _build(self, language: str | None) -> None:
        cb = self.codebook
        f = cb.fields
        langs = [language] if language else list(cb.languages)
        choices_by_list = {ln: g for ln, g in cb.choices.groupby("list_name", sort=False)}
        for rec in f.to_dict("records"):
            name, parts, typ = rec["name"], rec["path"].split("/"), rec["type"]
            if parts[0] == "meta" and len(parts) > 1:
                self.meta_fields.add(name)
                continue
            target = Target("field", name, name)
            self.exact[name] = target
            keys = {sep.join(parts[-k:]) for k in range(1, len(parts) + 1) for sep in self.seps}
            for key in keys:
                self.paths.setdefault(key, target)
            chs = choices_by_list.get(rec["list_name"]) if rec["list_name"] else None
            if typ == "select_multiple" and chs is not None:
                for c in chs["name"]:
                    t = Target("choice", f"{name}/{c}", name, c)
                    for key in keys:
                        # "_": SurveyCTO and other CAPI tools split a select_multiple into
                        # NAME_1, NAME_2 … (NAME_<choice>); an exact field name still wins
                        for sep in {"/", "_", *self.seps}:
                            self.paths.setdefault(f"{key}{sep}{c}", t)
            if typ == "geopoint":
                for key in keys:
                    for sfx in _GEO_KOBO:
                        self.paths.setdefault(f"_{key}_{sfx}", Target("geo", f"_{name}_{sfx}", name))
                    for sfx, ours in _GEO_ODK.items():
                        for sep in self.seps:
                            self.paths.setdefault(f"{key}{sep}{sfx}", Target("geo", f"_{name}_{ours}", name))
            for lang in langs:
                # an untranslated label, else the name, stands in for a missing translation
                label = _first(rec.get(f"label::{lang}"), rec.get("label::default"), name)
                group_labels = self._group_labels(rec["group_path"], lang)
                lkeys = {str(label)}
                for k in range(1, len(group_labels) + 1):
                    for sep in self.seps:
                        lkeys.add(sep.join([*group_labels[-k:], str(label)]))
                for key in lkeys:
                    self.labels.setdefault(_norm(key), set()).add(target)
                if typ == "select_multiple" and chs is not None:
                    col = f"label::{lang}"
                    clabels = chs[col].fillna(chs["name"]) if col in chs else chs["name"]
                    for c, cl in zip(chs["name"], clabels):
                        t = Target("choice", f"{name}/{c}", name, c)
                        for key in lkeys:
                            for sep in {*self.seps, " :: ", "::"}:
                                self.labels.setdefault(_norm(f"{key}{sep}{cl}"), set()).add(t)

    def _group_labels(self, group_path: str, lang: str) -> list[str]:
        if not group_path:
            return []
        parts = group_path.split("/")
        out = []
        for i in range(1, len(parts) + 1):
            labels = self.codebook.group_labels.get("/".join(parts[:i]), {})
            out.append(labels.get(lang) or labels.get("default") or parts[i - 1])
        return out

    # -- resolve ----------------------------------------------------------------------------
    def resolve(self, columns: Sequence[str], *, file: str, sheet: str | None = None
                ) -> tuple[list[Target | None], list[str]]:
        """Target per column (None = unknown) and the unknown columns."""
        out: list[Target | None] = []
        unknown: list[str] = []
        for col in columns:
            t = self._one(str(col), file=file, sheet=sheet)
            out.append(t)
            if t is None:
                unknown.append(str(col))
        return out, unknown

    def _one(self, col: str, *, file: str, sheet: str | None) -> Target | None:
        if col in _STRUCTURAL:
            return Target(_STRUCTURAL[col].lstrip("_"), _STRUCTURAL[col])
        if is_meta_column(col):
            return Target("meta", meta_name(col))
        if col.endswith("_URL") and (self.exact.get(col[:-4]) or self.paths.get(col[:-4])):
            return Target("meta", col)  # media URL column (§1.3)
        order = (self._by_label, self._by_name) if self.mode == "label" else (self._by_name, self._by_label)
        if self.mode == "xml":
            order = (self._by_name,)
        for lookup in order:
            t = lookup(col, file=file, sheet=sheet)
            if t is not None:
                return t
        if col in self.meta_fields or col.split("/")[-1] in self.meta_fields:
            return Target("meta", meta_name(col))
        return None

    def _by_name(self, col: str, **_) -> Target | None:
        return self.exact.get(col) or self.paths.get(col)

    def _by_label(self, col: str, *, file: str, sheet: str | None) -> Target | None:
        hits = self.labels.get(_norm(col))
        if not hits:
            return None
        if len(hits) > 1:
            names = sorted(t.name for t in hits)
            raise ExportMismatchError(
                f"header label {col!r} fits several fields: {', '.join(names)}",
                file=file, sheet=sheet, column=col,
                hint="export with 'XML values and headers' (or with groups in headers), "
                     "or give language= to pick one translation")
        return next(iter(hits))


def infer_targets(columns: Sequence[str], *, group_sep: str = "/") -> list[Target]:
    """Targets when there is no form: names from the header's last path segment, and
    ``q/choice`` columns as select_multiple details when ``q`` is also a column."""
    cols = [str(c) for c in columns]
    present = set(cols)
    stripped: list[str] = []
    for c in cols:
        stripped.append(c.split(group_sep)[-1] if group_sep in c else c)
    counts = pd.Series(stripped).value_counts()
    out: list[Target] = []
    for c, short in zip(cols, stripped):
        if c in _STRUCTURAL:
            out.append(Target(_STRUCTURAL[c].lstrip("_"), _STRUCTURAL[c]))
        elif is_meta_column(c):
            out.append(Target("meta", meta_name(c)))
        elif "/" in c and c.rsplit("/", 1)[0] in present:
            base, choice = c.rsplit("/", 1)
            bname = base.split(group_sep)[-1] if counts.get(base.split(group_sep)[-1], 0) == 1 else base
            out.append(Target("choice", f"{bname}/{choice}", bname, choice))
        else:
            name = short if counts[short] == 1 else c
            out.append(Target("field", name, name))
    return out
