"""Reviewer workbooks: proposed verdicts out to Excel, reviewers' decisions back in.

What a reviewer gets (one workbook per reviewer, openpyxl):

* ``Verdicts`` — one row per (document, criterion): the proposed level, confidence, reason
  and the best evidence quote with its page, then three columns to fill: ``decision``
  (confirm / override, a drop-down), ``final_level`` (drop-down of the rubric levels) and
  ``comment``. Identifying columns are locked (sheet protection without a password: it
  prevents slips, not determined edits — the key check on import catches those).
* ``Evidence`` — every passage with document, page and character offsets, so a reviewer can
  find it in the PDF.
* ``Instructions`` and a hidden ``_meta`` sheet (workbook schema, reviewer, SHA-256 of the
  keys it was issued with).

Every text cell goes through :func:`rbm_surveys.report.safe.safe_cell`, so a quote such as
``=HYPERLINK(...)`` from a document can never run as a formula.

On import, the workbook is checked before anything is used: the ``_meta`` sheet and key
columns must be as issued (rows neither added, removed nor re-keyed), an ``override`` must
name a level from the list *and* give a comment, ``confirm`` must not change the level. All
problems are reported at once, each with sheet, row and column.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from rbm_surveys.errors import DataError, FileFormatError, InputError, RbmError
from rbm_surveys.provenance import sha256_file
from rbm_surveys.report.safe import FORMULA_PREFIXES, safe_cell

__all__ = ["DECISION_COLUMNS", "LEVELS", "write_review_workbook", "read_review_workbook"]

SCHEMA = "rbm-review/1"
LEVELS = ("present", "partial", "absent", "not_applicable", "not_determinable")
DECISIONS = ("confirm", "override")
KEY_COLUMNS = ["document", "document_sha256", "rubric", "rubric_version", "criterion"]
_SHOWN = [*KEY_COLUMNS, "label", "level", "confidence", "reason", "best_evidence", "page"]
_FILL = ["decision", "final_level", "comment"]
_EVIDENCE = ["document", "criterion", "page", "start", "end", "rule", "text", "passage"]

#: Columns of the table :func:`read_review_workbook` returns.
DECISION_COLUMNS = [*KEY_COLUMNS, "proposed_level", "decision", "final_level", "comment",
                    "reviewer", "workbook", "workbook_sha256", "row"]


def _unguard(value):
    """Undo :func:`safe_cell` on a value read back from the sheet."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _keys_digest(frame: pd.DataFrame) -> str:
    rows = frame[KEY_COLUMNS].astype(str).agg("\x1f".join, axis=1)
    return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()


def _best_evidence(verdicts: pd.DataFrame, evidence: list[dict]) -> pd.DataFrame:
    """First supporting (non-vetoed) passage per (document, criterion): scoring orders them."""
    cols = ["document_sha256", "criterion", "best_evidence", "page"]
    if not evidence:
        return pd.DataFrame(columns=cols)
    ev = pd.DataFrame(evidence)
    if "vetoed" in ev:
        ev = ev[~ev["vetoed"].fillna(False).astype(bool)]
    quote = ev["passage"] if "passage" in ev else ev["text"]
    ev = ev.assign(best_evidence=quote)
    return ev.drop_duplicates(["document_sha256", "criterion"])[cols]


def write_review_workbook(verdicts: pd.DataFrame, evidence: list[dict], path: str | Path,
                          *, reviewer: str = "") -> Path:
    """Write the workbook a reviewer fills in; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    missing = [c for c in KEY_COLUMNS + ["level"] if c not in verdicts.columns]
    if missing:
        raise DataError(f"verdicts lack the column(s) {missing}",
                        hint="pass the verdicts table written by `rbm docs score`")
    table = verdicts.copy()
    for col in ("label", "confidence", "reason"):
        if col not in table:
            table[col] = ""
    table = table.merge(_best_evidence(table, evidence), how="left",
                        on=["document_sha256", "criterion"])
    table = table[_SHOWN]

    wb = Workbook()
    ws = wb.active
    ws.title = "Verdicts"
    header = _SHOWN + _FILL
    ws.append(header)
    for record in table.itertuples(index=False):
        ws.append([safe_cell(None if pd.isna(v) else v) for v in record] + [None, None, None])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for cell in ws[1]:
        cell.font = bold
    first_fill = len(_SHOWN) + 1
    for row in ws.iter_rows(min_row=2, min_col=first_fill, max_col=len(header)):
        for cell in row:
            cell.protection = Protection(locked=False)
            cell.fill = fill
    ws.protection.sheet = True  # no password: guards against slips only
    ws.protection.formatColumns = False
    ws.freeze_panes = "A2"
    n = ws.max_row
    letters = {name: ws.cell(row=1, column=i + 1).column_letter for i, name in enumerate(header)}
    for name, options in (("decision", DECISIONS), ("final_level", LEVELS)):
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                            allow_blank=True, showErrorMessage=True)
        dv.add(f"{letters[name]}2:{letters[name]}{max(n, 2)}")
        ws.add_data_validation(dv)
    widths = {"document": 28, "document_sha256": 14, "criterion": 18, "label": 34, "reason": 40,
              "best_evidence": 60, "comment": 40}
    for name, letter in letters.items():
        ws.column_dimensions[letter].width = widths.get(name, 14)
    for row in ws.iter_rows(min_row=2, min_col=header.index("best_evidence") + 1,
                            max_col=header.index("best_evidence") + 1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    ev_ws = wb.create_sheet("Evidence")
    ev_ws.append(_EVIDENCE)
    ev = pd.DataFrame(evidence).reindex(columns=["document_sha256", *_EVIDENCE[1:]])
    names = dict(zip(verdicts["document_sha256"], verdicts["document"]))
    ev.insert(0, "document", ev.pop("document_sha256").map(names))
    for record in ev.itertuples(index=False):
        ev_ws.append([safe_cell(None if (not isinstance(v, (list, dict)) and pd.isna(v)) else v)
                      for v in record])
    ev_ws.freeze_panes = "A2"

    guide = wb.create_sheet("Instructions", 0)
    for line in (
        "Review of proposed verdicts",
        "For each row of 'Verdicts': choose decision = confirm (the proposed level is right) or "
        "override (then choose final_level and explain in comment).",
        "Leave decision empty for rows you have not reviewed yet.",
        "Do not add, delete or reorder rows; identifying columns are locked.",
        "The 'Evidence' sheet lists every passage found, with its page and character offsets.",
        f"Levels: {', '.join(LEVELS)}.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120

    meta = wb.create_sheet("_meta")
    meta.append(["schema", SCHEMA])
    meta.append(["reviewer", safe_cell(reviewer)])
    meta.append(["keys_sha256", _keys_digest(table)])
    meta.append(["rows", len(table)])
    meta.sheet_state = "hidden"
    wb.active = 1
    from rbm_surveys.files import save_workbook

    return save_workbook(wb, Path(path))


def read_review_workbook(path: str | Path) -> pd.DataFrame:
    """Reviewers' decisions from a workbook written by :func:`write_review_workbook`.

    Returns :data:`DECISION_COLUMNS`; rows without a decision are ``decision = "pending"``
    and keep the proposed level. Raises :class:`DataError` listing every problem found.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    from rbm_surveys import safety

    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    # size, zip bomb, encryption and DTD/XXE checks before openpyxl inflates anything
    safety.check_size(path, "workbook")
    try:
        with safety.open_zip(path, "workbook", file=str(path)):
            pass
    except FileFormatError as exc:
        raise FileFormatError(f"not a readable .xlsx workbook: {exc.message}", file=path,
                              key=exc.where.get("key"), hint=exc.hint) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileFormatError("not a readable .xlsx workbook", file=path,
                              hint="open it in Excel and save it again as .xlsx") from exc
    except Exception as exc:  # noqa: BLE001 - broken sheet XML: ParseError, XMLSyntaxError …
        raise FileFormatError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=path,
                              hint="open it in Excel and save it again as .xlsx") from None
    if "_meta" not in wb.sheetnames or "Verdicts" not in wb.sheetnames:
        raise FileFormatError("this is not a review workbook (no 'Verdicts'/'_meta' sheet)",
                              file=path, hint="fill in the workbook written by `rbm review export`")
    sheet = "_meta"
    try:  # openpyxl parses each sheet's XML while iterating: broken XML surfaces here
        meta = {row[0]: row[1] for row in wb["_meta"].iter_rows(values_only=True)
                if row and row[0]}
        if meta.get("schema") != SCHEMA:
            raise FileFormatError(f"review workbook schema {meta.get('schema')!r} is not "
                                  f"{SCHEMA!r}", file=path, sheet="_meta")
        sheet = "Verdicts"
        rows = list(wb["Verdicts"].iter_rows(values_only=True))
    except RbmError:
        raise
    except Exception as exc:  # noqa: BLE001 - ParseError, XMLSyntaxError, TypeError, KeyError …
        raise FileFormatError(f"the sheet cannot be read ({type(exc).__name__}: {exc})",
                              file=path, sheet=sheet,
                              hint="open it in Excel and save it again as .xlsx") from None
    finally:
        wb.close()
    header = [str(h) if h is not None else "" for h in rows[0]] if rows else []
    needed = _SHOWN + _FILL
    lost = [c for c in needed if c not in header]
    if lost:
        raise DataError(f"columns {lost} are missing", file=path, sheet="Verdicts", row=1,
                        hint="do not delete or rename columns")
    frame = pd.DataFrame(rows[1:], columns=header)[needed]
    frame = frame.dropna(how="all").map(_unguard)
    for col in ("decision", "final_level", "comment"):
        frame[col] = frame[col].map(lambda v: "" if v is None or pd.isna(v) else str(v).strip())
    frame["decision"] = frame["decision"].str.lower()
    frame["final_level"] = frame["final_level"].str.lower()
    if _keys_digest(frame.astype({c: str for c in KEY_COLUMNS})) != meta.get("keys_sha256"):
        raise DataError("rows were added, removed, reordered or re-keyed since the workbook was "
                        "issued", file=path, sheet="Verdicts",
                        hint="fill in a fresh copy from `rbm review export`")

    problems = []
    letter = {name: chr(ord("A") + i) for i, name in enumerate(needed)}
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        where = f"sheet Verdicts, row {i}"
        if r.decision not in ("", *DECISIONS):
            problems.append(f"{where}, column {letter['decision']} (decision): {r.decision!r} "
                            f"is not one of {list(DECISIONS)}")
        if r.final_level and r.final_level not in LEVELS:
            problems.append(f"{where}, column {letter['final_level']} (final_level): "
                            f"{r.final_level!r} is not one of {list(LEVELS)}")
        if r.decision == "override":
            if not r.final_level:
                problems.append(f"{where}, column {letter['final_level']} (final_level): an "
                                "override needs the level you decided")
            if not r.comment:
                problems.append(f"{where}, column {letter['comment']} (comment): an override "
                                "needs a reason")
        if r.decision == "confirm" and r.final_level and r.final_level != r.level:
            problems.append(f"{where}: 'confirm' with final_level {r.final_level!r} differs from "
                            f"the proposed {r.level!r}; choose 'override' and give a reason")
    if problems:
        raise DataError(f"{len(problems)} problem(s) in the review workbook:\n  "
                        + "\n  ".join(problems), file=path,
                        hint="correct these cells and import again")

    decision = frame["decision"].replace("", "pending")
    final = frame["final_level"].where(frame["decision"] == "override", frame["level"])
    out = pd.DataFrame({
        **{c: frame[c].astype(str) for c in KEY_COLUMNS},
        "proposed_level": frame["level"], "decision": decision, "final_level": final,
        "comment": frame["comment"], "reviewer": str(meta.get("reviewer") or ""),
        "workbook": str(path), "workbook_sha256": sha256_file(path),
        "row": range(2, len(frame) + 2),
    })
    return out[DECISION_COLUMNS].reset_index(drop=True)


def decisions_to_records(decisions: pd.DataFrame) -> list[dict]:
    """Decisions as JSON-ready dicts (for the audit ledger)."""
    return json.loads(decisions.to_json(orient="records", force_ascii=False))
