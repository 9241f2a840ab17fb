"""XLSForm → :class:`Codebook` (fields, choices, languages), pyxform first, raw sheets as fallback.

pyxform's JSON dict is the stable route in 4.x (reference §3): question types come normalised
(``"select one"``), labels are a str or a ``{language: text}`` dict, ``or_other`` adds an
``other`` choice and a ``<name>_other`` text question. When pyxform refuses a form that is
still readable (duplicate choice names, an invalid name at some row), the sheets are read
as rows and the refusal becomes a warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from rbm_surveys.errors import FileFormatError, FormError
from rbm_surveys.provenance import Source

__all__ = ["Codebook", "read_form", "DEFAULT_LANGUAGE", "MISSING_CODE_COLUMNS", "ISSUE_COLUMNS"]

from rbm_surveys.surveys.data import (DEFAULT_LANGUAGE, ISSUE_COLUMNS,  # noqa: E402
                                      MISSING_CODE_COLUMNS, Codebook)

_FIELD_BASE = ("name", "path", "group_path", "type", "list_name")
_FIELD_TAIL = ("relevant", "repeat", "required", "or_other")
_GROUP_TYPES = {"group", "repeat"}
# pyxform's normalised names back to XLSForm spelling
_TYPE_ALIASES = {"select one": "select_one", "select all that apply": "select_multiple",
                 "select one external": "select_one_external"}
_BEGIN = re.compile(r"^begin[ _](group|repeat)$")
_END = re.compile(r"^end[ _](group|repeat)$")


# -- reading ------------------------------------------------------------------------------

def read_form(path: str | Path) -> Codebook:
    """Read an XLSForm into a :class:`Codebook` (see module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise FormError("form file not found", file=str(path), hint="check the path")
    if path.stat().st_size == 0:
        raise FileFormatError("the form file is empty", file=str(path),
                              hint="export the XLSForm again from KoBo/ODK")
    _check_form_container(path)
    source = Source.of(path, "xlsform")
    try:
        from pyxform.errors import PyXFormError
        from pyxform.xls2json import parse_file_to_json
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise FormError("pyxform is not installed", hint="pip install pyxform") from exc
    warnings: list[str] = []
    try:
        form = parse_file_to_json(str(path), warnings=warnings)
    except PyXFormError as exc:
        cb = _from_raw_sheets(path)
        return cb.replace(source=source, warnings=(
            f"pyxform rejected the form ({exc}); read from the raw sheets instead",
            *cb.warnings))
    except Exception as exc:  # noqa: BLE001 - pyxform/openpyxl raise many types on junk
        raise FileFormatError(f"not a readable XLSForm ({type(exc).__name__}: {exc})",
                              file=str(path), hint="open it in Excel and save as .xlsx") from exc
    cb = _from_pyxform(form)
    return cb.replace(source=source, warnings=tuple(f"pyxform: {w}" for w in warnings))


def _check_form_container(path: Path) -> None:
    from rbm_surveys.surveys.io.sniff import sniff_kind

    kind = sniff_kind(path)
    if kind not in ("xlsx", "xls", "csv"):
        raise FileFormatError(f"this is not an XLSForm (content looks like {kind})",
                              file=str(path), hint="give the .xlsx/.xls form, not an export")


def _labels(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {DEFAULT_LANGUAGE: str(value)}


def _from_pyxform(form: dict) -> Codebook:
    rows: list[dict[str, Any]] = []
    repeats: dict[str, str] = {}
    group_labels: dict[str, dict[str, str]] = {}
    languages: dict[str, None] = {}

    def walk(node: dict, path: tuple[str, ...], repeat: str | None) -> None:
        for ch in node.get("children", []):
            typ = _TYPE_ALIASES.get(ch.get("type", ""), ch.get("type", ""))
            p = path + (ch["name"],)
            labels = _labels(ch.get("label"))
            languages.update(dict.fromkeys(labels))
            if typ in _GROUP_TYPES:
                group_labels["/".join(p)] = labels
                if typ == "repeat":
                    repeats[ch["name"]] = repeat or "main"
                walk(ch, p, ch["name"] if typ == "repeat" else repeat)
                continue
            bind = ch.get("bind", {}) or {}
            rows.append({
                "name": ch["name"], "path": "/".join(p), "group_path": "/".join(path),
                "type": typ, "list_name": ch.get("list_name") or ch.get("itemset"),
                **{f"label::{k}": v for k, v in labels.items()},
                "relevant": bind.get("relevant"), "repeat": repeat,
                "required": str(bind.get("required", "")).lower() in ("yes", "true", "true()"),
                "or_other": False,
            })

    walk(form, (), None)
    choice_rows = []
    for list_name, options in (form.get("choices") or {}).items():
        for opt in options:
            labels = _labels(opt.get("label"))
            languages.update(dict.fromkeys(labels))
            choice_rows.append({"list_name": list_name, "name": str(opt["name"]),
                                **{f"label::{k}": v for k, v in labels.items()}})
    fields = pd.DataFrame(rows)
    names = set(fields["name"]) if len(fields) else set()
    if len(fields):  # or_other: pyxform added `<name>_other`
        fields["or_other"] = fields["type"].isin(["select_one", "select_multiple"]) & \
            (fields["name"] + "_other").isin(names)
    langs = _order_languages(languages, form.get("default_language"))
    return Codebook(
        fields=_finish_fields(fields, langs), choices=_finish_choices(pd.DataFrame(choice_rows), langs),
        languages=langs, version=_str_or_none(form.get("version")),
        title=_str_or_none(form.get("title")), form_id=_str_or_none(form.get("id_string")),
        default_language=_default_lang(form.get("default_language"), langs),
        repeats=repeats, group_labels=group_labels)


def _from_raw_sheets(path: Path) -> Codebook:
    """Walk the survey sheet row by row (begin/end group), as the form author wrote it."""
    form_file = path  # `path` is reused below for group paths
    sheets = _raw_sheets(path)
    survey = sheets.get("survey")
    if survey is None:
        raise FormError("the form has no 'survey' sheet", file=str(path),
                        hint="an XLSForm needs sheets 'survey' and 'choices'")
    warnings: list[str] = []
    label_cols = [c for c in survey.columns if c == "label" or c.startswith("label::")]
    languages = tuple(DEFAULT_LANGUAGE if c == "label" else c.split("::", 1)[1] for c in label_cols)
    rows: list[dict[str, Any]] = []
    stack: list[tuple[str, str]] = []  # (kind, name)
    repeats: dict[str, str] = {}
    group_labels: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    for i, rec in enumerate(survey.to_dict("records"), start=2):
        typ = str(rec.get("type") or "").strip()
        name = str(rec.get("name") or "").strip()
        labels = {lang: str(rec[c]) for lang, c in zip(languages, label_cols) if _present(rec.get(c))}
        if not typ:
            continue
        if m := _BEGIN.match(typ):
            group_path = "/".join([n for _, n in stack] + [name])
            group_labels[group_path] = labels
            if m.group(1) == "repeat":
                repeats[name] = next((n for k, n in reversed(stack) if k == "repeat"), "main")
            stack.append((m.group(1), name))
            continue
        if _END.match(typ):
            if stack:
                stack.pop()
            else:
                warnings.append(f"survey row {i}: '{typ}' without a matching begin")
            continue
        if not name:
            warnings.append(f"survey row {i}: a {typ!r} question without a name was skipped")
            continue
        if name in seen:
            warnings.append(f"survey row {i}: name {name!r} repeats row {seen[name]}")
        seen[name] = i
        parts = typ.split()
        base = parts[0]
        list_name = parts[1] if base.startswith("select_") and len(parts) > 1 else None
        or_other = base.startswith("select_") and len(parts) > 2 and parts[2] == "or_other"
        rows.append({
            "name": name, "path": "/".join([n for _, n in stack] + [name]),
            "group_path": "/".join(n for _, n in stack), "type": base, "list_name": list_name,
            **{f"label::{k}": v for k, v in labels.items()},
            "relevant": rec.get("relevant") if _present(rec.get("relevant")) else None,
            "repeat": next((n for k, n in reversed(stack) if k == "repeat"), None),
            "required": str(rec.get("required") or "").strip().lower() in ("yes", "true", "true()"),
            "or_other": or_other,
        })
        if or_other and f"{name}_other" not in seen:
            rows.append({"name": f"{name}_other", "path": rows[-1]["path"] + "_other",
                         "group_path": rows[-1]["group_path"], "type": "text", "list_name": None,
                         "relevant": None, "repeat": rows[-1]["repeat"], "required": False,
                         "or_other": False})
    choices = sheets.get("choices", pd.DataFrame(columns=["list_name", "name"]))
    if "list name" in choices.columns and "list_name" not in choices.columns:
        choices = choices.rename(columns={"list name": "list_name"})
    ch_label_cols = [c for c in choices.columns if c == "label" or c.startswith("label::")]
    choices = choices.rename(columns={c: "label::" + (DEFAULT_LANGUAGE if c == "label" else c.split("::", 1)[1])
                                      for c in ch_label_cols})
    lost = [c for c in ("list_name", "name") if c not in choices.columns]
    if lost:
        raise FormError(f"the choices sheet has no {' and no '.join(repr(c) for c in lost)} "
                        "column", file=str(form_file), sheet="choices",
                        hint="the choices sheet needs columns list_name, name and label")
    choices = choices.loc[choices["list_name"].map(_present) & choices["name"].map(_present)].copy()
    choices["name"] = choices["name"].map(_choice_name)
    dup = choices.duplicated(["list_name", "name"], keep=False)
    if dup.any():
        listed = sorted(set(choices.loc[dup, "list_name"] + ":" + choices.loc[dup, "name"]))
        warnings.append(f"duplicate choice names (label look-ups use the first): {', '.join(listed)}")
    other_lists = {r["list_name"] for r in rows if r["or_other"]}
    extra = [{"list_name": ln, "name": "other", **{f"label::{k}": "Other" for k in languages}}
             for ln in sorted(other_lists) if not ((choices["list_name"] == ln) & (choices["name"] == "other")).any()]
    if extra:
        choices = pd.concat([choices, pd.DataFrame(extra)], ignore_index=True)
    settings = sheets.get("settings")
    st = settings.iloc[0].to_dict() if settings is not None and len(settings) else {}
    langs = _order_languages(dict.fromkeys(languages), st.get("default_language"))
    return Codebook(
        fields=_finish_fields(pd.DataFrame(rows), langs), choices=_finish_choices(choices, langs),
        languages=langs, version=_str_or_none(st.get("version")),
        title=_str_or_none(st.get("form_title")) or form_file.stem,
        form_id=_str_or_none(st.get("form_id")) or form_file.stem,
        default_language=_default_lang(st.get("default_language"), langs),
        repeats=repeats, group_labels=group_labels, warnings=tuple(warnings))


def _raw_sheets(path: Path) -> dict[str, pd.DataFrame]:
    from rbm_surveys.surveys.io.sniff import sniff_kind

    kind = sniff_kind(path)
    if kind == "csv":  # pyxform's CSV form layout: a sheet-name row, then that sheet's rows
        raise FormError("pyxform rejected this CSV form and there is no raw-sheet fallback for CSV",
                        file=str(path), hint="fix the form or save it as .xlsx")
    try:
        raw = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    except Exception as exc:  # noqa: BLE001
        raise FileFormatError(f"cannot read the form's sheets ({exc})", file=str(path),
                              hint="open it in Excel and save as .xlsx") from exc
    out = {}
    for name, df in raw.items():
        df.columns = [str(c).strip() for c in df.columns]
        out[name.strip().lower()] = df.astype(object).where(df.notna(), None)
    return out


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def _choice_name(v: Any) -> str:
    # numeric cells come back as 99.0; choice names are always strings (reference §3)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _str_or_none(v: Any) -> str | None:
    if not _present(v):
        return None
    return _choice_name(v)


def _order_languages(found: dict[str, None], default: Any) -> tuple[str, ...]:
    langs = list(found)
    if default in langs:
        langs.remove(default)
        langs.insert(0, default)
    return tuple(langs)


def _default_lang(default: Any, langs: tuple[str, ...]) -> str | None:
    if default in langs:
        return str(default)
    return langs[0] if langs else None


def _finish_fields(fields: pd.DataFrame, langs: tuple[str, ...]) -> pd.DataFrame:
    cols = [*_FIELD_BASE, *(f"label::{x}" for x in langs), *_FIELD_TAIL]
    for c in cols:
        if c not in fields:
            fields[c] = None
    fields = fields[cols].reset_index(drop=True)
    fields["required"] = fields["required"].fillna(False).astype(bool)
    fields["or_other"] = fields["or_other"].fillna(False).astype(bool)
    return fields


def _finish_choices(choices: pd.DataFrame, langs: tuple[str, ...]) -> pd.DataFrame:
    cols = ["list_name", "name", *(f"label::{x}" for x in langs)]
    for c in cols:
        if c not in choices:
            choices[c] = None
    return choices[cols].reset_index(drop=True)
