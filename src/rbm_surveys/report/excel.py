"""The indicator workbook: a summary sheet, one sheet per indicator, sources and weighting.

Each indicator sheet opens with a notes block (definition, universe, denominator rule,
weights, design, source, reporting rules) and then one table with every disaggregation:
estimates and intervals as percentages, counts with thousands separators, the header row
frozen, flagged rows shaded and suppressed cells left empty with the reason in ``Flag``.
Every text cell passes :func:`~rbm_surveys.report.safe.safe_cell`, so respondent or
configuration text can never become a formula. Only result tables are written: no
respondent-level data, hence no personal columns.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.report.safe import safe_cell

__all__ = ["write_indicator_workbook", "TABLE_COLUMNS", "NOTE_SHEET_COLUMNS"]

#: (result column, header, number format, width)
TABLE_COLUMNS = [
    ("disaggregation", "Disaggregation", None, 18),
    ("level", "Group", None, 20),
    ("level_label", "Group (label)", None, 28),
    ("category", "Answer", None, 18),
    ("category_label", "Answer (label)", None, 26),
    ("estimate", "Estimate", "0.0%", 10),
    ("ci_low", "95% CI low", "0.0%", 11),
    ("ci_high", "95% CI high", "0.0%", 11),
    ("se", "Std. error", "0.00%", 10),
    ("cv", "CV", "0.0%", 8),
    ("deff", "Design effect", "0.00", 9),
    ("n", "Respondents (n)", "#,##0", 12),
    ("n_weighted", "Weighted n", "#,##0", 12),
    ("n_eff", "Effective n", "#,##0", 11),
    ("n_dropped", "Left out (DK/refused/NA)", "#,##0", 14),
    ("ci_method", "CI method", None, 14),
    ("flag", "Flag", None, 34),
    ("notes", "Notes", None, 50),
]
#: (note column, header, width) of the "Data notes" sheet
NOTE_SHEET_COLUMNS = [("module", "Module", 14), ("stage", "Stage", 26), ("table", "Table", 14),
                      ("rows", "Rows", 8), ("note", "Note", 110)]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", str(name)).strip("'")[:31] or "sheet"
    out, i = base, 2
    while out.lower() in used:
        suffix = f"_{i}"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(out.lower())
    return out


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_, bool)):
        return "yes" if value else ""
    return safe_cell(str(value)) if not isinstance(value, (int, float)) else value


def write_indicator_workbook(results: pd.DataFrame, path: str | Path, *, specs: list = (),
                             sources: list = (), weighting: dict | None = None,
                             reporting: Any = None, notes: pd.DataFrame | None = None) -> Path:
    """Write the workbook atomically and return its path.

    ``notes`` (``module, stage, table, rows, note``): the run's data notes, written as the
    "Data notes" sheet right after the summary (rows excluded and why, respondents outside
    the universe, ingestion warnings)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    flag_fill = PatternFill("solid", fgColor="FFF2CC")
    supp_fill = PatternFill("solid", fgColor="EDEDED")
    specs_by_id = {ind.id: (spec, ind) for spec in specs for ind in spec.indicators}

    wb = Workbook()
    used: set[str] = set()
    # -- summary -------------------------------------------------------------------------
    ws = wb.active
    ws.title = _sheet_name("Summary", used)
    overall = results[results["disaggregation"] == "all"]
    cols = [("module", "Module", None, 14), ("indicator", "Indicator", None, 26),
            ("title", "Title", None, 60), ("category", "Answer", None, 16),
            ("category_label", "Answer (label)", None, 22),
            ("estimate", "Estimate", "0.0%", 10), ("ci_low", "95% CI low", "0.0%", 11),
            ("ci_high", "95% CI high", "0.0%", 11), ("n", "Respondents (n)", "#,##0", 12),
            ("flag", "Flag", None, 30), ("missing_rule", "Denominator rule", None, 60)]
    ws.append([safe_cell(h) for _, h, _, _ in cols])
    for row in overall.reindex(columns=[c for c, *_ in cols]).itertuples(index=False):
        ws.append([_cell(v) for v in row])
    _format_table(ws, cols, header_row=1, first=2, last=ws.max_row, bold=bold, fill=head_fill)
    ws.freeze_panes = "A2"

    # -- data notes -----------------------------------------------------------------------
    ws = wb.create_sheet(_sheet_name("Data notes", used))
    ws.append([safe_cell(h) for _, h, _ in NOTE_SHEET_COLUMNS])
    if notes is not None and len(notes):
        for row in notes[[c for c, _, _ in NOTE_SHEET_COLUMNS]].itertuples(index=False):
            ws.append([_cell(v) for v in row])
    else:
        ws.append([None, None, None, None, safe_cell("no rows were excluded; no warnings")])
    _format_table(ws, [(None, h, None, w) for _, h, w in NOTE_SHEET_COLUMNS], header_row=1,
                  first=2, last=ws.max_row, bold=bold, fill=head_fill)
    ws.freeze_panes = "A2"

    # -- one sheet per indicator ----------------------------------------------------------
    for ind_id, block in results.groupby("indicator", sort=False):
        ws = wb.create_sheet(_sheet_name(ind_id, used))
        first = block.iloc[0]
        spec, ind = specs_by_id.get(ind_id, (None, None))
        ws["A1"] = _cell(first["title"])
        ws["A1"].font = Font(bold=True, size=14)
        notes = [
            ("Indicator", ind_id),
            ("Definition", getattr(ind, "definition", "") or ""),
            ("Universe", first["universe"]),
            ("Denominator rule", first["missing_rule"]),
            ("Weights", first["weights"]),
            ("Design", first["design"]),
            ("Source of the rule", first["source"]),
            ("Specification", getattr(spec, "path", "") or ""),
            ("Reporting rules", _rules_text(reporting)),
        ]
        for i, (k, v) in enumerate(notes, start=3):
            ws.cell(row=i, column=1, value=safe_cell(k)).font = bold
            c = ws.cell(row=i, column=2, value=_cell(v))
            c.alignment = Alignment(wrap_text=False, vertical="top")
        header_row = 3 + len(notes) + 1
        has_cat = block["category"].notna().any()
        show = [c for c in TABLE_COLUMNS if c[0] in block
                and (c[0] not in ("category", "category_label") or has_cat)]
        for j, (_, h, _, _) in enumerate(show, start=1):
            ws.cell(row=header_row, column=j, value=safe_cell(h))
        values = block[[c for c, *_ in show]].itertuples(index=False)
        for i, row in enumerate(values, start=header_row + 1):
            for j, v in enumerate(row, start=1):
                ws.cell(row=i, column=j, value=_cell(v))
        last = header_row + len(block)
        _format_table(ws, show, header_row=header_row, first=header_row + 1, last=last,
                      bold=bold, fill=head_fill)
        flags = block["flag"].astype(str).to_numpy()
        supp = block["suppressed"].to_numpy(dtype=bool)
        for i in np.flatnonzero(flags != ""):
            fill = supp_fill if supp[i] else flag_fill
            for j in range(1, len(show) + 1):
                ws.cell(row=header_row + 1 + int(i), column=j).fill = fill
        # a rule above each disaggregation's block (names stay on every row, so filters work)
        from openpyxl.styles import Border, Side

        dis = block["disaggregation"].astype(str).to_numpy()
        starts = np.flatnonzero(np.r_[True, dis[1:] != dis[:-1]])
        for i in starts:
            for j in range(1, len(show) + 1):
                ws.cell(row=header_row + 1 + int(i), column=j).border = Border(top=Side("thin"))
            ws.cell(row=header_row + 1 + int(i), column=1).font = bold
        ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
        ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 18)

    # -- sources and weighting ------------------------------------------------------------
    ws = wb.create_sheet(_sheet_name("Sources", used))
    ws.append(["File", "SHA-256", "Read as", "Detail"])
    for s in sources:
        ws.append([_cell(getattr(s, "path", "")), _cell(getattr(s, "sha256", "")),
                   _cell(getattr(s, "kind", "")), _cell(getattr(s, "detail", ""))])
    _format_table(ws, [(None, "", None, 60), (None, "", None, 66), (None, "", None, 16),
                       (None, "", None, 20)], header_row=1, first=2, last=ws.max_row,
                  bold=bold, fill=head_fill)
    for module, frame in (weighting or {}).items():
        ws = wb.create_sheet(_sheet_name(f"Weighting {module}", used))
        ws.append([safe_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for j in range(1, len(frame.columns) + 1):
            ws.cell(row=1, column=j).font = bold
            ws.column_dimensions[get_column_letter(j)].width = 18
        ws.freeze_panes = "A2"
    from rbm_surveys.files import save_workbook

    return save_workbook(wb, path)


def _rules_text(rules: Any) -> str:
    min_n = getattr(rules, "min_n", 30)
    max_cv = getattr(rules, "max_cv", 0.30)
    min_eff = getattr(rules, "min_n_eff", 30)
    ci = getattr(rules, "ci", "logit")
    return (f"n < {min_n} unweighted respondents: suppressed; CV > {max_cv:.0%} or effective "
            f"n < {min_eff:g}: flagged; {ci} 95% intervals, Korn-Graubard at 0% and 100%")


def _format_table(ws, cols, *, header_row: int, first: int, last: int, bold, fill) -> None:
    from openpyxl.utils import get_column_letter

    for j, (_, _, fmt, width) in enumerate(cols, start=1):
        letter = get_column_letter(j)
        head = ws.cell(row=header_row, column=j)
        head.font, head.fill = bold, fill
        ws.column_dimensions[letter].width = width
        if fmt:
            for i in range(first, last + 1):
                ws.cell(row=i, column=j).number_format = fmt
