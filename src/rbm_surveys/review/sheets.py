"""Reviewer workbooks: proposed verdicts out to Excel, reviewers' decisions back in.

What a reviewer gets (one workbook per reviewer, openpyxl):

* ``Verdicts`` — one row per (document, criterion): the proposed level, confidence, reason
  and the best evidence quote with its page, then three columns to fill: ``decision``
  (confirm / override, a drop-down), ``final_level`` (drop-down of the rubric levels) and
  ``comment``. Identifying columns are locked (sheet protection without a password: it
  prevents slips, not determined edits — the checks on import catch those). A last, hidden
  column ``proposal_sha256`` holds the hash of what was proposed on the row (the whole row,
  then a short hash per column), so an edited locked cell is named on import.
* ``Evidence`` — every passage with document, page and character offsets, so a reviewer can
  find it in the PDF.
* ``Instructions`` and a hidden ``_meta`` sheet (workbook schema, reviewer, SHA-256 of the
  keys it was issued with, digest of all row hashes, and the audit ledger's head when the
  workbook was issued).

Every text cell goes through :func:`rbm_surveys.report.safe.safe_cell`, so a quote such as
``=HYPERLINK(...)`` from a document can never run as a formula.

On import, the file passes the same zip/XML guards as every other reader (zip bombs,
encrypted members, DTDs) before openpyxl opens it, then is checked before anything is used:
the ``_meta`` sheet and key columns must be as issued (rows neither added, removed nor
re-keyed), every proposed cell must still hash as issued, an ``override`` must name a level
from the list *and* give a comment, ``confirm`` must not change the level. All problems are
reported at once, each with sheet, row and column. Cells are read as typed: a comment
``=1+1`` is the text ``=1+1`` (the formula is never evaluated or dropped).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from rbm_surveys.errors import DataError, FileFormatError, InputError, RbmError
from rbm_surveys.provenance import sha256_file
from rbm_surveys.report.safe import FORMULA_PREFIXES, safe_cell

__all__ = ["DECISION_COLUMNS", "KEY_COLUMNS", "LEVELS", "check_against_verdicts",
           "decisions_to_records", "proposals_digest", "read_review_workbook", "unguard", "workbook_meta",
           "write_review_workbook"]

SCHEMA = "rbm-review/1"
LEVELS = ("present", "partial", "absent", "not_applicable", "not_determinable")
DECISIONS = ("confirm", "override")
KEY_COLUMNS = ["document", "document_sha256", "rubric", "rubric_version", "criterion"]
_SHOWN = [*KEY_COLUMNS, "label", "level", "confidence", "reason", "best_evidence", "page"]
_FILL = ["decision", "final_level", "comment"]
_HASH = "proposal_sha256"
_EVIDENCE = ["document", "criterion", "page", "start", "end", "rule", "text", "passage"]

#: Columns of the table :func:`read_review_workbook` returns.
DECISION_COLUMNS = [*KEY_COLUMNS, "proposed_level", "decision", "final_level", "comment",
                    "reviewer", "workbook", "workbook_sha256", "row"]


def unguard(value: Any) -> Any:
    """Undo :func:`safe_cell` on a value read back from a sheet or a formula-safe CSV."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


_unguard = unguard  # former private name, kept for callers in other modules


def _canon(value: Any) -> str:
    """One text form per cell value, equal before writing and after reading back."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return str(value)
    return str(value)


def _proposal_hash(values: list[Any]) -> str:
    """``<row sha256>|<8 hex per shown column>`` of a row's proposed cells."""
    texts = [_canon(v) for v in values]
    row = hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()
    cells = ".".join(hashlib.sha256(t.encode("utf-8")).hexdigest()[:8] for t in texts)
    return f"{row}|{cells}"


def _keys_digest(frame: pd.DataFrame) -> str:
    rows = frame[KEY_COLUMNS].astype(str).agg("\x1f".join, axis=1)
    return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()


def _best_evidence(evidence: list[dict]) -> pd.DataFrame:
    """First supporting (non-vetoed) passage per (document, rubric, criterion).

    Scoring (or :func:`rbm_surveys.review.learn.rerank_evidence`) orders them best first.
    """
    cols = ["document_sha256", "rubric", "criterion", "best_evidence", "page"]
    if not evidence:
        return pd.DataFrame(columns=cols)
    ev = pd.DataFrame(evidence)
    if "vetoed" in ev:
        ev = ev[~ev["vetoed"].fillna(False).astype(bool)]
    if "rubric" not in ev:
        ev["rubric"] = None
    quote = ev["passage"] if "passage" in ev else ev["text"]
    ev = ev.assign(best_evidence=quote)
    return ev.drop_duplicates(["document_sha256", "rubric", "criterion"])[cols]


def _proposals(verdicts: pd.DataFrame, evidence: list[dict]):
    """The proposed cells of every row, and each row's proposal hash."""
    missing = [c for c in KEY_COLUMNS + ["level"] if c not in verdicts.columns]
    if missing:
        raise DataError(f"verdicts lack the column(s) {missing}",
                        hint="pass the verdicts table written by `rbm docs score`")
    table = verdicts.copy()
    for col in ("label", "confidence", "reason"):
        if col not in table:
            table[col] = ""
    best = _best_evidence(evidence)
    if best["rubric"].isna().all():
        best = best.drop(columns="rubric").drop_duplicates(["document_sha256", "criterion"])
        table = table.merge(best, how="left", on=["document_sha256", "criterion"])
    else:
        table = table.merge(best.astype({"rubric": str}), how="left",
                            on=["document_sha256", "rubric", "criterion"])
    table = table[_SHOWN]
    rows = [[None if (not isinstance(v, str) and pd.isna(v)) else v for v in record]
            for record in table.itertuples(index=False)]
    return table, rows, [_proposal_hash(values) for values in rows]


def _digest_of(hashes) -> str:
    return hashlib.sha256("\n".join(map(str, hashes)).encode("utf-8")).hexdigest()


def proposals_digest(verdicts: pd.DataFrame, evidence: list[dict]) -> str:
    """SHA-256 over the proposal hashes of every row of the workbook these inputs give.

    Recorded in the ledger at export and in the workbook's ``_meta``; on import the workbook's
    hidden hashes must give the same digest, so proposals edited *and* re-hashed are caught.
    """
    return _digest_of(_proposals(verdicts, evidence)[2])


def write_review_workbook(verdicts: pd.DataFrame, evidence: list[dict], path: str | Path,
                          *, reviewer: str = "", ledger_head: str = "") -> Path:
    """Write the workbook a reviewer fills in (atomically); returns its path.

    ``ledger_head``: the audit ledger's head (``"<entries>:<sha256>"``) to record in the
    workbook, so the ledger can later be checked against it (``rbm audit verify --checkpoint``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from rbm_surveys.files import save_workbook

    table, rows, hashes = _proposals(verdicts, evidence)
    wb = Workbook()
    ws = wb.active
    ws.title = "Verdicts"
    header = _SHOWN + _FILL + [_HASH]
    ws.append(header)
    for values, digest in zip(rows, hashes):
        ws.append([safe_cell(v) for v in values] + [None, None, None, digest])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for cell in ws[1]:
        cell.font = bold
    first_fill = len(_SHOWN) + 1
    for row in ws.iter_rows(min_row=2, min_col=first_fill, max_col=first_fill + len(_FILL) - 1):
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
    ws.column_dimensions[letters[_HASH]].hidden = True
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
        "Do not add, delete or reorder rows, and do not edit the proposed (locked) cells: the "
        "import refuses a workbook whose proposals were changed.",
        "The 'Evidence' sheet lists every passage found, with its page and character offsets.",
        f"Levels: {', '.join(LEVELS)}.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120

    meta = wb.create_sheet("_meta")
    meta.append(["schema", SCHEMA])
    meta.append(["reviewer", safe_cell(reviewer)])
    meta.append(["keys_sha256", _keys_digest(table[KEY_COLUMNS].map(_canon))])
    meta.append(["proposals_sha256",
                 _digest_of(hashes)])
    meta.append(["rows", len(table)])
    meta.append(["ledger_head", ledger_head])
    meta.sheet_state = "hidden"
    wb.active = 1
    return save_workbook(wb, path)


def _open_checked(path: Path):
    """openpyxl workbook of ``path`` after the zip/XML guards every reader uses."""
    from openpyxl import load_workbook

    from rbm_surveys.safety import check_size, open_zip

    check_size(path, "workbook", error=InputError)
    open_zip(path, "workbook").close()
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileFormatError(f"not a readable .xlsx workbook ({type(exc).__name__})",
                              file=str(path),
                              hint="open it in Excel and save it again as .xlsx") from None


def workbook_meta(path: str | Path) -> dict[str, Any]:
    """The ``_meta`` sheet of a review workbook as a dict (schema, reviewer, ledger_head …)."""
    path = Path(path)
    wb = _open_checked(path)
    try:
        if "_meta" not in wb.sheetnames:
            raise FileFormatError("this is not a review workbook (no '_meta' sheet)",
                                  file=str(path),
                                  hint="fill in the workbook written by `rbm review export`")
        return {row[0]: unguard(row[1]) for row in wb["_meta"].iter_rows(values_only=True)
                if row and row[0]}
    except RbmError:
        raise
    except Exception as exc:  # noqa: BLE001 - broken sheet XML, as in read_review_workbook
        raise FileFormatError(f"the _meta sheet cannot be read ({type(exc).__name__}: {exc})",
                              file=str(path), sheet="_meta",
                              hint="open it in Excel and save it again as .xlsx") from None
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    """A filled-in cell as text, exactly as typed (a formula stays its formula text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(unguard(value)).strip()


def read_review_workbook(path: str | Path) -> pd.DataFrame:
    """Reviewers' decisions from a workbook written by :func:`write_review_workbook`.

    Returns :data:`DECISION_COLUMNS`; rows without a decision are ``decision = "pending"``
    and keep the proposed level. Raises :class:`DataError` listing every problem found.
    The table's ``attrs["ledger_head"]`` is the ledger head recorded at export ("" if none).
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = _open_checked(path)
    try:
        if "_meta" not in wb.sheetnames or "Verdicts" not in wb.sheetnames:
            raise FileFormatError("this is not a review workbook (no 'Verdicts'/'_meta' sheet)",
                                  file=str(path),
                                  hint="fill in the workbook written by `rbm review export`")
        meta = {row[0]: row[1] for row in wb["_meta"].iter_rows(values_only=True)
                if row and row[0]}
        if meta.get("schema") != SCHEMA:
            raise FileFormatError(f"review workbook schema {meta.get('schema')!r} is not "
                                  f"{SCHEMA!r}", file=str(path), sheet="_meta")
        rows = list(wb["Verdicts"].iter_rows(values_only=True))
    except RbmError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl parses sheet XML while iterating:
        # ParseError, XMLSyntaxError, TypeError/KeyError/ValueError on mangled attributes
        raise FileFormatError(f"a sheet cannot be read ({type(exc).__name__}: {exc})",
                              file=str(path),
                              hint="open it in Excel and save it again as .xlsx") from None
    finally:
        wb.close()
    header = [str(h) if h is not None else "" for h in rows[0]] if rows else []
    needed = _SHOWN + _FILL + [_HASH]
    lost = [c for c in needed if c not in header]
    if lost:
        raise DataError(f"columns {lost} are missing", file=str(path), sheet="Verdicts", row=1,
                        hint="do not delete or rename columns")
    letter = {name: get_column_letter(header.index(name) + 1) for name in needed}
    body = [list(r) + [None] * (len(header) - len(r)) for r in rows[1:]]
    numbered = [(i, r) for i, r in enumerate(body, start=2) if any(v is not None for v in r)]
    frame = pd.DataFrame([r for _, r in numbered], columns=header)[needed]
    sheet_rows = [i for i, _ in numbered]
    shown = frame[_SHOWN].map(unguard)
    if _keys_digest(shown.map(_canon)) != meta.get("keys_sha256"):
        raise DataError("rows were added, removed, reordered or re-keyed since the workbook was "
                        "issued", file=str(path), sheet="Verdicts",
                        hint="fill in a fresh copy from `rbm review export`")
    problems = []
    for i, values, stored in zip(sheet_rows, shown.itertuples(index=False), frame[_HASH]):
        expected = _proposal_hash(list(values))
        if stored == expected:
            continue
        where = f"sheet Verdicts, row {i}"
        parts = str(stored or "").split("|")
        cells = parts[1].split(".") if len(parts) == 2 else []
        now = expected.split("|")[1].split(".")
        if len(cells) != len(_SHOWN):
            problems.append(f"{where}, column {letter[_HASH]} ({_HASH}): the hidden proposal "
                            "hash was changed or removed")
            continue
        for name, old, new in zip(_SHOWN, cells, now):
            if old != new:
                problems.append(f"{where}, column {letter[name]} ({name}): the locked proposed "
                                f"cell was edited (now {_canon(getattr(values, name))!r}); "
                                "restore it — record disagreement with decision 'override'")
    if not problems and _digest_of(frame[_HASH].map(_canon)) != meta.get("proposals_sha256"):
        problems.append(f"sheet Verdicts, column {letter[_HASH]} ({_HASH}): the hidden "
                        "proposal hashes differ from those issued (proposals were edited)")
    fill = {c: frame[c].map(_cell_text) for c in _FILL}
    decision = fill["decision"].str.lower()
    final_level = fill["final_level"].str.lower()
    comment = fill["comment"]
    level = shown["level"].map(_canon)
    for i, d, fl, cm, lv in zip(sheet_rows, decision, final_level, comment, level):
        where = f"sheet Verdicts, row {i}"
        if d not in ("", *DECISIONS):
            problems.append(f"{where}, column {letter['decision']} (decision): {d!r} "
                            f"is not one of {list(DECISIONS)}")
        if fl and fl not in LEVELS:
            problems.append(f"{where}, column {letter['final_level']} (final_level): "
                            f"{fl!r} is not one of {list(LEVELS)}")
        if d == "override":
            if not fl:
                problems.append(f"{where}, column {letter['final_level']} (final_level): an "
                                "override needs the level you decided")
            if not cm:
                problems.append(f"{where}, column {letter['comment']} (comment): an override "
                                "needs a reason")
        if d == "confirm" and fl and fl != lv:
            problems.append(f"{where}, column {letter['final_level']} (final_level): 'confirm' "
                            f"with final_level {fl!r} differs from the proposed {lv!r}; choose "
                            "'override' and give a reason")
    if problems:
        raise DataError(f"{len(problems)} problem(s) in the review workbook:\n  "
                        + "\n  ".join(problems), file=str(path),
                        hint="correct these cells and import again")

    out = pd.DataFrame({
        **{c: shown[c].map(_canon) for c in KEY_COLUMNS},
        "proposed_level": level.to_numpy(),
        "decision": decision.replace("", "pending").to_numpy(),
        "final_level": final_level.where(decision == "override", level).to_numpy(),
        "comment": comment.to_numpy(), "reviewer": _canon(unguard(meta.get("reviewer"))),
        "workbook": str(path), "workbook_sha256": sha256_file(path),
        "row": sheet_rows,
    })
    out = out[DECISION_COLUMNS].reset_index(drop=True)
    out.attrs["ledger_head"] = _canon(meta.get("ledger_head"))
    out.attrs["proposals_sha256"] = _digest_of(frame[_HASH].map(_canon))
    return out


def check_against_verdicts(decisions: pd.DataFrame, verdicts: pd.DataFrame) -> None:
    """Refuse decisions that do not fit the verdicts file they are imported with.

    Every (document, rubric, criterion) decided must be in the verdicts file with the same
    proposed level, and every verdict must have a row in each workbook; otherwise a
    :class:`DataError` lists the rows (workbook, sheet row) that do not fit.
    """
    key = ["document_sha256", "rubric", "criterion"]
    v = verdicts[key + ["level"]].astype(str).drop_duplicates(key)
    problems = []
    for (book, _reviewer), d in decisions.groupby(["workbook", "reviewer"], sort=False):
        m = d.merge(v, on=key, how="outer", indicator=True)
        name = Path(str(book)).name
        for r in m[m["_merge"] == "left_only"].itertuples(index=False):
            problems.append(f"{name}, sheet Verdicts, row {int(r.row)}: {r.document} / "
                            f"{r.criterion} is not in the verdicts file")
        for r in m[m["_merge"] == "right_only"].itertuples(index=False):
            problems.append(f"{name}: verdict {r.document_sha256[:12]} / {r.rubric} / "
                            f"{r.criterion} has no row in the workbook")
        both = m[(m["_merge"] == "both") & (m["proposed_level"] != m["level"])]
        for r in both.itertuples(index=False):
            problems.append(f"{name}, sheet Verdicts, row {int(r.row)}, column level: proposed "
                            f"{r.proposed_level!r} but the verdicts file says {r.level!r}")
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise DataError(f"{len(problems)} row(s) do not fit the verdicts file:\n  "
                        + "\n  ".join(shown),
                        hint="import with the verdicts file the workbooks were exported from")


def decisions_to_records(decisions: pd.DataFrame) -> list[dict]:
    """Decisions as JSON-ready dicts (for the audit ledger)."""
    return json.loads(decisions.to_json(orient="records", force_ascii=False))
