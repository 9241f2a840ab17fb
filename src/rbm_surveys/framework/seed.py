"""Read the results framework (indicators, baselines, 2020–2023 targets) from its text.

The shipped framework is UN-Habitat's *Strategic Plan 2020–2023: results framework* in its
Chinese edition (HSP/EB.2020/…), as plain text in which every table is a block of
tab-separated lines under a header line starting ``指标`` or ``维度``. This module turns those
blocks into one tidy table, one row per (indicator, subset); nothing here judges progress
(:mod:`.progress` does).

Conventions of the source text that the parser follows (all seen in the file):

* Header cells name the columns: 维度 dimension, 指标 indicator, 类型 type, 数据核实 means
  of verification, 计量单位 unit, 子集 subset, 基线 (2019年) baseline, 具体目标 (YYYY年)
  target; the centre-of-excellence tables (section H) have 需要监测的关键规范工作 (the
  normative work monitored), 资料收集方法 (collection method) and 数据分列 (disaggregation)
  and no baseline or targets.
* A row whose indicator cell is empty continues the indicator above with another subset.
  A table that restarts after a page break leaves the dimension cell of its first rows
  empty: the dimension is carried over from the previous table of the same outcome (noted).
* Quantities: ``12 043`` (space as thousands separator), ``270 万`` (×10⁴), ``1 亿 2 500 万``
  (×10⁸ + ×10⁴), ``1.889 亿美元`` (US dollars), ``49%``, ``1 000 +`` (at least). Footnote
  markers (``^a``, ``ⁱ``, ``⁵``) are taken off the cell and the footnote text that follows
  the table is kept with the row (``footnotes``); ``(2018 年)`` after a baseline gives the
  baseline's year.
* Words: 不适用 not applicable; 全球数字暂缺 not available; "…而异…" the baseline and
  targets are set per project or location (a survey establishes them).
* Spaces between Chinese words are kept (``道路长度 米数`` is two words) except in tables the
  PDF wrapped every few characters (cells with two or more such gaps), where they are
  removed, and after 的 inside an indicator name (a line break).
* Increment targets (…比例增幅, …每年减少幅度) are annual changes, not levels:
  ``target_kind`` says so and :mod:`.progress` compares the change between rounds.

Everything the source gets wrong is flagged in ``quirks`` (never silently repaired): the
merged outcome-1.3 row, non-monotonic targets, a footnote marker used twice, units that do
not match the numbers, two subsets sharing one set of numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError
from rbm_surveys.provenance import sha256_bytes

__all__ = ["FRAMEWORK_COLUMNS", "TARGET_YEARS", "BASELINE_YEAR", "PLACES", "read_framework",
           "parse_quantity", "Quantity"]

TARGET_YEARS = (2020, 2021, 2022, 2023)
BASELINE_YEAR = 2019

#: Where an indicator sits in the framework, by section letter of the source.
PLACES = {"A": "goal", "B": "area", "C": "area", "D": "area", "E": "area",
          "F": "cross_cutting", "G": "social_inclusion", "H": "centre_of_excellence",
          "I": "enablers"}

#: Columns of the framework table, in order.
FRAMEWORK_COLUMNS = [
    "framework_id", "indicator_id", "section", "place", "area", "outcome", "outcome_title",
    "theme", "dimension", "indicator", "title_en", "title_en_note", "indicator_type",
    "verification", "unit", "subset", "subset_en", "monitored_work", "disaggregation", "scale",
    "direction", "target_kind", "target_basis", "baseline", "baseline_year", "baseline_scope",
    *[f"target_{y}" for y in TARGET_YEARS], "at_least", "status", "baseline_raw",
    *[f"target_{y}_raw" for y in TARGET_YEARS], "footnotes", "notes", "quirks",
    "source_line", "source_sha256",
]

_HEADER_KEYS = {
    "维度": "dimension", "指标": "indicator", "类型": "indicator_type",
    "数据核实": "verification", "计量单位": "unit", "子集": "subset",
    "需要监测的关键规范工作": "monitored_work", "资料收集方法": "verification",
    "数据分列": "disaggregation",
}
_SUPERSCRIPT = {"ⁱ": "i", "ⁿ": "n", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
                "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_MARK = r"(?:\^[a-z]|[ⁱⁿ⁰¹²³⁴⁵⁶⁷⁸⁹])"
_MARKER = re.compile(rf"\s*({_MARK}(?:\s*{_MARK})*)\s*")
_FOOTNOTE_LINE = re.compile(rf"^({_MARK})\s*(\S.*)$")
_YEAR_NOTE = re.compile(r"[（(]\s*(\d{4})\s*年\s*[)）]")
_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) +(?={_CJK})")
_NUMBER = r"\d[\d ]*(?:\.\d+)?"
_CHINESE_QUANTITY = re.compile(
    rf"^(?:(?P<yi>{_NUMBER})\s*亿)?\s*(?:(?P<wan>{_NUMBER})\s*万)?\s*(?P<rest>{_NUMBER})?"
    r"\s*(?P<usd>美元)?\s*(?P<pct>%)?\s*(?P<plus>\+)?$")
_SECTION = re.compile(r"^([A-I])\.\s*(.+)$")
_OUTCOME = re.compile(r"^\d+\.\s*成果\s*(\d)\.(\d)\s*[：:]\s*(.+)$")
_THEME = re.compile(r"^\d+\.\s*(\S.{0,30})$")
_ENABLER_OUTCOME = re.compile(r"^成果[：:]\s*(.+)$")
_HTML_ITEM = re.compile(r"<[^>]+>")
_INCREASE = re.compile(r"增幅")
_DECREASE = re.compile(r"减少幅度")
_MERGED_13 = "伙伴城市数量 根据"
#: Units that count partners or entities: the value is a cumulative register count.
_PARTNER_UNIT = re.compile(r"(国家|城市|有关部门|组织|机构|社区|计划|干预措施)的?数量")


@dataclass(frozen=True)
class Quantity:
    """A baseline or target cell read as a number."""

    value: float  # NaN when there is no number
    scale: str  # "count" | "proportion" | "usd" | ""
    year: int | None  # a year given beside the value, e.g. a 2018 baseline
    status: str  # "" | "missing" | "not_applicable" | "not_available" | "varies_by_location"
    #            | "qualitative"
    at_least: bool = False


def _markers(cell: str) -> list[str]:
    keys = []
    for m in _MARKER.finditer(cell):
        for mark in re.findall(_MARK, m.group(1)):
            keys.append(mark[1] if mark.startswith("^") else _SUPERSCRIPT[mark])
    return keys


def _strip_markers(cell: str) -> str:
    def repl(m: re.Match) -> str:
        before = cell[m.start() - 1] if m.start() else ""
        after = cell[m.end()] if m.end() < len(cell) else ""
        both_cjk = re.match(_CJK, before or "x") and re.match(_CJK, after or "x")
        return "" if both_cjk or not before or not after else " "

    return _MARKER.sub(repl, cell).strip()


def _wrapped(cell: str) -> bool:
    """A PDF-wrapped cell: two or more spaces between Chinese characters."""
    return len(_CJK_GAP.findall(_strip_markers(cell))) >= 2


def _clean(cell: str, wrapped: bool = False) -> str:
    text = _strip_markers(cell.strip())
    text = re.sub(r"\s+", " ", text)
    return _CJK_GAP.sub("", text) if wrapped else text


def parse_quantity(raw: str) -> Quantity:
    """A baseline or target cell as a number (proportions as fractions 0–1, dollars in USD)."""
    text = _clean(raw or "", wrapped=True)
    year_match = _YEAR_NOTE.search(text)
    year = int(year_match.group(1)) if year_match else None
    text = _YEAR_NOTE.sub("", text).strip()
    if not text or text in {"—", "-"}:
        return Quantity(np.nan, "", year, "missing")
    if "不适用" in text:
        return Quantity(np.nan, "", year, "not_applicable")
    if "暂缺" in text:
        return Quantity(np.nan, "", year, "not_available")
    if "而异" in text:
        return Quantity(np.nan, "", year, "varies_by_location")
    m = _CHINESE_QUANTITY.match(text)
    if not m or not any(m.group(k) for k in ("yi", "wan", "rest")):
        return Quantity(np.nan, "", year, "qualitative")

    def num(key: str) -> float:
        s = m.group(key)
        return float(s.replace(" ", "")) if s else 0.0

    value = num("yi") * 1e8 + num("wan") * 1e4 + num("rest")
    plus = bool(m.group("plus"))
    if m.group("pct"):
        return Quantity(round(value / 100.0, 12), "proportion", year, "", plus)
    if m.group("usd"):
        return Quantity(round(value, 6), "usd", year, "", plus)
    return Quantity(value, "count", year, "", plus)


def _column_key(header_cell: str) -> str | None:
    cell = header_cell.strip()
    if cell.startswith("基线"):
        return "baseline"
    year = re.search(r"(\d{4})", cell)
    if cell.startswith("具体目标") and year:
        return f"target_{year.group(1)}"
    return _HEADER_KEYS.get(cell)


def _disaggregation(cell: str) -> str:
    items = [s.strip(" -") for s in _HTML_ITEM.sub("\n", cell).split(" - ")]
    items = [re.sub(r"\s+", " ", s).strip(" -") for s in items]
    return "; ".join(s for s in items if s)


class _Parser:
    """One pass over the lines; state kept on the instance (section, outcome, tables)."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        self.rows: list[dict] = []
        self.section = self.letter = self.outcome = self.outcome_title = self.theme = ""
        self.header: list[str | None] | None = None
        self.last: dict | None = None
        self.last_dimension = ""  # carried over a page break within one outcome
        self.table_wrapped = False
        self.pending: list[tuple[dict, dict[str, str]]] = []  # rows awaiting their footnotes
        self.in_footnotes = False

    # -- prose lines ---------------------------------------------------------------------
    def prose(self, stripped: str) -> None:
        self.header = None  # any prose line ends a table
        if fn := _FOOTNOTE_LINE.match(stripped):
            mark = fn.group(1)
            self.footnote(mark[1] if mark.startswith("^") else _SUPERSCRIPT[mark],
                          _clean(fn.group(2)))
            return
        if self.in_footnotes:
            self.pending, self.in_footnotes = [], False
        if m := _SECTION.match(stripped):
            self.letter, self.section = m.group(1), f"{m.group(1)}. {_clean(m.group(2))}"
            self.outcome = self.outcome_title = self.theme = ""
            self.last_dimension, self.pending = "", []
        elif m := _OUTCOME.match(stripped):
            self.outcome = f"{m.group(1)}.{m.group(2)}"
            self.outcome_title, self.theme = _clean(m.group(3)), ""
            self.last_dimension, self.pending = "", []
        elif self.letter == "I" and (m := _ENABLER_OUTCOME.match(stripped)):
            self.outcome_title = _clean(m.group(1))
        elif m := _THEME.match(stripped):
            self.theme, self.outcome, self.outcome_title = _clean(m.group(1)), "", ""
            self.last_dimension, self.pending = "", []

    def footnote(self, key: str, text: str) -> None:
        self.in_footnotes = True
        for row, marks in self.pending:
            if key in marks:
                row["_footnotes"].append(f"{marks[key]} ^{key}: {text}")
                if marks[key] == "baseline" and "全球" in text and "基线" in text:
                    row["baseline_scope"] = "global"

    # -- table lines ---------------------------------------------------------------------
    def header_line(self, cells: list[str]) -> None:
        if self.in_footnotes:
            self.pending, self.in_footnotes = [], False
        self.header = [_column_key(c) for c in cells]
        self.last = None
        self.table_wrapped = False

    def table_line(self, cells: list[str], lineno: int) -> None:
        header = self.header
        assert header is not None
        if header[0] == "dimension" and len(cells) == len(header) - 1:
            cells = ["", *cells]  # a row that left out its (continued) dimension cell
            shifted = True
        else:
            shifted = False
        if any(_wrapped(c) for c in cells):
            self.table_wrapped = True
        wrapped = self.table_wrapped
        raw = {k: c.strip() for k, c in zip(header, cells) if k}
        record = {k: _clean(c, wrapped) for k, c in raw.items()}
        quirks: list[str] = []
        notes: list[str] = []
        if shifted:
            quirks.append("row has one cell fewer than its header (dimension cell missing); "
                          "cells read from the indicator on")
        ind = record.get("indicator", "")
        if ind and not wrapped and _MERGED_13 not in ind and _CJK_GAP.search(ind):
            ind = _CJK_GAP.sub("", ind)
            notes.append("a line-break space inside the indicator name was removed")
        record["indicator"] = ind
        continuation = not ind and self.last is not None
        if continuation:
            assert self.last is not None
            for key in ("dimension", "indicator", "indicator_type", "verification", "unit",
                        "_indicator_id", "_merged_13", "_carried"):
                if not record.get(key):
                    record[key] = self.last.get(key, "")
        if not record.get("indicator"):
            return
        if _MERGED_13 in record["indicator"] and not continuation:
            first, second = record["indicator"].split(" 根据", 1)
            record["indicator"], record["_merged_13"] = first, "根据" + second
            quirks.append("the source runs two indicator names together in this row; the "
                          "first is read here, the second for the next row")
        elif continuation and record.get("_merged_13"):
            record["indicator"] = record.pop("_merged_13")
            record["_indicator_id"] = ""
            quirks.append("indicator name taken from the merged row above (source runs two "
                          "names together)")
            continuation = False
        if "dimension" in header and not record.get("dimension"):
            if self.last is not None and self.last.get("dimension"):
                record["dimension"] = self.last["dimension"]
                if self.last.get("_carried"):
                    record["_carried"] = True
                    quirks.append("dimension cell empty after a page break; carried over from "
                                  "the previous table of this outcome")
            elif self.last_dimension:
                record["dimension"] = self.last_dimension
                record["_carried"] = True
                quirks.append("dimension cell empty after a page break; carried over from "
                              "the previous table of this outcome")
        self.last_dimension = record.get("dimension", "") or self.last_dimension
        indicator_id = record.get("_indicator_id") or f"RF{lineno:04d}"
        record["_indicator_id"] = indicator_id
        self.add_row(record, raw, quirks, notes, lineno, indicator_id)
        self.last = record

    def add_row(self, record: dict, raw: dict, quirks: list[str], notes: list[str],
                lineno: int, indicator_id: str) -> None:
        baseline = parse_quantity(raw.get("baseline", ""))
        targets = {y: parse_quantity(raw.get(f"target_{y}", "")) for y in TARGET_YEARS}
        has_numbers = "baseline" in raw or any(f"target_{y}" in raw for y in TARGET_YEARS)
        scales = {q.scale for q in (baseline, *targets.values()) if q.scale}
        status = baseline.status if baseline.status not in ("", "missing") else ""
        if not has_numbers:
            status = "no_targets"
            quirks.append("the source gives no type, unit, baseline or targets for this "
                          "indicator (centre-of-excellence table)")
        elif not status and all(np.isnan(q.value) for q in targets.values()):
            status = "qualitative" if baseline.status == "qualitative" else "no_targets"
        if len(scales) > 1:
            quirks.append("baseline and targets mix counts and percentages")
        values = [targets[y].value for y in TARGET_YEARS if not np.isnan(targets[y].value)]
        if len(values) > 1 and not (np.all(np.diff(values) >= 0) or np.all(np.diff(values) <= 0)):
            quirks.append("targets are not monotonic (possible typo in the source)")
        at_least = baseline.at_least or any(q.at_least for q in targets.values())
        if at_least:
            notes.append("baseline and targets are lower bounds (\u201c+\u201d)")
        scale = ("proportion" if "proportion" in scales else "usd" if "usd" in scales
                 else "count" if scales else "")
        unit = record.get("unit", "")
        ind_text = record["indicator"]
        if not scale:  # no numbers in the source: read the scale from the unit or the name
            if re.search(r"比例|百分比", unit) or re.search(r"(比例|百分比)$", ind_text):
                scale = "proportion"
                if re.search(r"数量", unit):
                    quirks.append(f"unit {unit!r} is a count but the indicator is a proportion")
            elif "比率" in unit or "比率" in ind_text[-4:]:
                scale = "other"
            elif re.search(r"数量|人数|次数|长度|吨数|米数", unit + ind_text[-6:]):
                scale = "count"
            else:
                scale = "other"
            notes.append("scale read from the unit/name (the source gives no numbers)")
        if scale == "proportion" and re.search(r"数量|人数", unit) and scales:
            quirks.append(f"unit {unit!r} is a count but the baseline/targets are percentages")
        if scale == "count" and record["indicator"].endswith("比例") and "比例" not in unit:
            quirks.append("indicator names a proportion but the numbers are counts")
        if "(a)" in record.get("subset", "") and "(b)" in record.get("subset", ""):
            quirks.append("two subsets share one set of numbers in the source")
        ind = record["indicator"]
        target_kind = ("annual_increase" if _INCREASE.search(ind)
                       else "annual_decrease" if _DECREASE.search(ind) else "level")
        if target_kind != "level":
            notes.append("targets are yearly changes (percentage points), not levels")
        last_target = next((targets[y].value for y in reversed(TARGET_YEARS)
                            if not np.isnan(targets[y].value)), np.nan)
        if target_kind == "annual_decrease" or (not np.isnan(last_target)
                                                and not np.isnan(baseline.value)
                                                and last_target < baseline.value):
            direction = "lower"
        elif target_kind == "annual_increase" or not np.isnan(last_target):
            direction = "higher"
        else:
            direction = ""  # from the translations file, or assumed higher (flagged there)
        if target_kind != "level":
            basis = "change"
        elif scale == "count" and _PARTNER_UNIT.search(unit):
            basis = "cumulative"
        elif "浏览次数" in unit:
            basis = "annual"
        else:
            basis = "level"
        subset = record.get("subset", "")
        subset = "" if subset in ("—", "-") else subset
        if not subset and (self.last is not None and self.last.get("_indicator_id") == indicator_id):
            subset = unit
            quirks.append(f"continuation row has no subset label; its unit ({unit}) is used")
            if self.rows and self.rows[-1]["indicator_id"] == indicator_id \
                    and not self.rows[-1]["subset"]:
                self.rows[-1]["subset"] = self.rows[-1]["unit"]
                self.rows[-1]["_quirks"].append("indicator continues with a row that has no "
                                                "subset label; the unit is used as subset")
        row = {
            "indicator_id": indicator_id, "section": self.section,
            "place": ("outcome" if self.outcome else PLACES.get(self.letter, "")),
            "area": (int(self.outcome[0]) if self.outcome else
                     ({"B": 1, "C": 2, "D": 3, "E": 4}.get(self.letter, 0))),
            "outcome": self.outcome, "outcome_title": self.outcome_title, "theme": self.theme,
            "dimension": record.get("dimension", ""), "indicator": ind,
            "indicator_type": record.get("indicator_type", ""),
            "verification": record.get("verification", ""), "unit": unit,
            "subset": subset,
            "monitored_work": record.get("monitored_work", ""),
            "disaggregation": _disaggregation(raw.get("disaggregation", "")),
            "scale": scale, "direction": direction, "target_kind": target_kind,
            "target_basis": basis, "baseline": baseline.value,
            "baseline_year": baseline.year or BASELINE_YEAR, "baseline_scope": "",
            **{f"target_{y}": targets[y].value for y in TARGET_YEARS},
            "at_least": at_least, "status": status,
            "baseline_raw": raw.get("baseline", ""),
            **{f"target_{y}_raw": raw.get(f"target_{y}", "") for y in TARGET_YEARS},
            "_footnotes": [], "_notes": notes, "_quirks": quirks,
            "source_line": lineno, "source_sha256": self.sha256,
        }
        marks = {}
        for key, cell in raw.items():
            for mark in _markers(cell):
                marks.setdefault(mark, key)
        for mark in marks:
            others = [r for r, m in self.pending if mark in m and r["indicator_id"] != indicator_id]
            if others:
                text = (f"footnote marker ^{mark} is used on more than one row of this table "
                        "group; the footnote kept may belong to another row")
                for r in [row, *others]:
                    if text not in r["_quirks"]:
                        r["_quirks"].append(text)
        self.pending.append((row, marks))
        self.rows.append(row)


def _parse(text: str, sha256: str) -> pd.DataFrame:
    p = _Parser(sha256)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "\t" not in line:
            stripped = line.strip()
            if stripped:
                p.prose(stripped)
            continue
        cells = line.rstrip().split("\t")
        if cells[0].strip() in ("指标", "维度"):
            p.header_line(cells)
            continue
        if p.header is not None:
            p.table_line(cells, lineno)
    if not p.rows:
        raise ConfigError("no indicator table found",
                          hint="tables must be tab-separated with a header row starting 指标 or 维度")
    frame = pd.DataFrame(p.rows)
    for key in ("footnotes", "notes", "quirks"):
        frame[key] = frame.pop(f"_{key}").map(" | ".join if key == "footnotes" else "; ".join)
    frame.insert(0, "framework_id", [f"RF{line:04d}" for line in frame["source_line"]])
    frame["title_en"] = ""
    frame["title_en_note"] = ""
    frame["subset_en"] = ""
    return frame[FRAMEWORK_COLUMNS]


_SHIPPED = "unhabitat_strategic_plan_2020_2023_results_framework.zh.txt"


def read_framework(path: str | Path | None = None, titles: str | Path | bool | None = None
                   ) -> pd.DataFrame:
    """The framework as a tidy table, one row per (indicator, subset).

    ``framework_id`` is ``RF`` + the line of the source text the row stands on, so an
    evaluator can find it in the document; ``indicator_id`` is the ``framework_id`` of the
    indicator's first row (rows of one indicator share it); ``source_sha256`` pins the text.
    Without ``path`` the shipped UN-Habitat 2020–2023 framework is read and its English
    titles (``data/framework/titles_en.yaml``, our translation) are added; ``titles`` names
    another translations file (``True``: the shipped one, for another copy of the text).
    """
    from rbm_surveys.framework.titles import apply_titles

    if path is None:
        data = resources.files("rbm_surveys").joinpath("data", "framework", _SHIPPED).read_bytes()
        where = _SHIPPED
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read the framework: {exc.strerror}", file=path) from exc
        where = str(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("the framework text is not UTF-8", file=where,
                          hint="save it as UTF-8 text") from exc
    try:
        frame = _parse(text, sha256_bytes(data))
    except ConfigError as exc:
        raise exc.at(file=where) from None
    if path is None or titles not in (None, False):
        frame = apply_titles(frame, None if titles in (None, True) else titles)
    frame["direction"] = frame["direction"].replace("", "higher")
    return frame
