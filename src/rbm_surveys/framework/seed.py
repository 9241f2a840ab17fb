"""Read the results framework (indicators, 2019 baselines, 2020–2023 targets) from its text.

The shipped framework is UN-Habitat's *Strategic Plan 2020–2023: results framework* in its
Chinese edition (HSP/EB.2020/…), as plain text in which every table is a block of
tab-separated lines under a header line starting ``指标`` or ``维度``. This module turns those
blocks into one tidy table; nothing here judges progress (:mod:`.progress` does).

Conventions of the source text that the parser follows (all seen in the file):

* Header cells name the columns: 维度 dimension, 指标 indicator, 类型 type, 数据核实 means
  of verification, 计量单位 unit, 子集 subset, 基线 (2019年) baseline, 具体目标 (YYYY年)
  target. Some tables have no 维度 or 子集 column; some rows stop early.
* A row whose indicator cell is empty continues the indicator above with another subset.
* Quantities: ``12 043`` (space as thousands separator), ``270 万`` (×10⁴), ``1 亿 2 500 万``
  (×10⁸ + ×10⁴), ``49%``, ``1 000 +`` (at least). Footnote markers (``^a``, ``ⁱ``, ``⁵``) are
  stripped; ``(2018 年)`` after a baseline gives the baseline's year.
* Words: 不适用 not applicable; 全球数字暂缺 not available; "…因项目（或地点）而异…" the
  baseline and targets are set per project or location (a survey establishes them).
* PDF-wrapped cells carry spaces between Chinese characters (``复原力 战略``); they are
  removed between CJK characters only.
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

__all__ = ["FRAMEWORK_COLUMNS", "TARGET_YEARS", "read_framework", "parse_quantity", "Quantity"]

TARGET_YEARS = (2020, 2021, 2022, 2023)
BASELINE_YEAR = 2019

#: Columns of the framework table, in order.
FRAMEWORK_COLUMNS = [
    "framework_id", "section", "outcome", "dimension", "indicator", "indicator_type",
    "verification", "unit", "subset", "scale", "baseline", "baseline_year",
    *[f"target_{y}" for y in TARGET_YEARS], "status", "baseline_raw",
    *[f"target_{y}_raw" for y in TARGET_YEARS], "notes", "source_line", "source_sha256",
]

_HEADER_KEYS = {
    "维度": "dimension", "指标": "indicator", "类型": "indicator_type",
    "数据核实": "verification", "计量单位": "unit", "子集": "subset",
}
_FOOTNOTE = re.compile(r"\s*(\^[a-z]|[ᵃ-ᶻⁱⁿ⁰¹²³⁴⁵⁶⁷⁸⁹])+")
_YEAR_NOTE = re.compile(r"[（(]\s*(\d{4})\s*年\s*[)）]")
_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) +(?={_CJK})")
_NUMBER = r"\d[\d ]*(?:\.\d+)?"
_CHINESE_QUANTITY = re.compile(
    rf"^(?:(?P<yi>{_NUMBER})\s*亿)?\s*(?:(?P<wan>{_NUMBER})\s*万)?\s*(?P<rest>{_NUMBER})?"
    r"\s*(?P<pct>%)?\s*(?P<plus>\+)?$")
_SECTION = re.compile(r"^([A-I])\.\s*(.+)$")
_OUTCOME = re.compile(r"^\d+\.\s*(成果\s*\d\.\d)\s*[：:]\s*(.+)$")
_THEME = re.compile(r"^\d+\.\s*(\S.{0,30})$")


@dataclass(frozen=True)
class Quantity:
    value: float  # NaN when there is no number
    scale: str  # "count" | "proportion" | ""
    year: int | None  # a year given beside the value, e.g. a 2018 baseline
    status: str  # "" | "not_applicable" | "not_available" | "varies_by_location" | "qualitative"
    at_least: bool = False


def _clean(cell: str) -> str:
    cell = _FOOTNOTE.sub("", cell.strip())
    return _CJK_GAP.sub("", cell).strip()


def parse_quantity(raw: str) -> Quantity:
    """A baseline or target cell as a number (proportions as fractions 0–1)."""
    text = _clean(raw or "")
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
    if m.group("pct"):
        return Quantity(value / 100.0, "proportion", year, "", bool(m.group("plus")))
    return Quantity(value, "count", year, "", bool(m.group("plus")))


def _column_key(header_cell: str) -> str | None:
    cell = header_cell.strip()
    if cell.startswith("基线"):
        return "baseline"
    year = re.search(r"(\d{4})", cell)
    if cell.startswith("具体目标") and year:
        return f"target_{year.group(1)}"
    return _HEADER_KEYS.get(cell)


def _parse(text: str, sha256: str) -> pd.DataFrame:
    rows: list[dict] = []
    section = outcome = theme = ""
    header: list[str | None] | None = None
    last: dict | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "\t" not in line:
            stripped = line.strip()
            if not stripped:
                continue
            header = None  # any prose line ends a table
            if m := _SECTION.match(stripped):
                section, outcome, theme = f"{m.group(1)}. {_clean(m.group(2))}", "", ""
            elif m := _OUTCOME.match(stripped):
                outcome, theme = f"{m.group(1).replace(' ', '')}：{_clean(m.group(2))}", ""
            elif m := _THEME.match(stripped):
                theme = _clean(m.group(1))
            continue
        cells = line.rstrip().split("\t")
        if cells[0].strip() in ("指标", "维度"):
            keys = [_column_key(c) for c in cells]
            # Tables without a baseline column (section H) carry no targets: skip them.
            header = keys if "baseline" in keys else None
            last = None
            continue
        if header is None:
            continue
        if header[0] == "dimension" and len(cells) == len(header) - 1:
            cells = ["", *cells]  # a row that left out its (continued) dimension cell
        record = {k: _clean(c) for k, c in zip(header, cells) if k}
        raw_cells = {k: c.strip() for k, c in zip(header, cells) if k}
        if not record.get("indicator") and last is not None:
            for key in ("dimension", "indicator", "indicator_type", "verification", "unit"):
                if not record.get(key):
                    record[key] = last.get(key, "")
        elif record.get("dimension") == "" and last is not None:
            record["dimension"] = last.get("dimension", "")
        if not record.get("indicator"):
            continue
        baseline = parse_quantity(raw_cells.get("baseline", ""))
        targets = {y: parse_quantity(raw_cells.get(f"target_{y}", "")) for y in TARGET_YEARS}
        scales = {q.scale for q in (baseline, *targets.values()) if q.scale}
        status = baseline.status if baseline.status not in ("", "missing") else ""
        if not status and all(np.isnan(q.value) for q in targets.values()):
            status = "no_targets"
        notes = []
        if len(scales) > 1:
            notes.append("baseline and targets mix counts and percentages")
        values = [targets[y].value for y in TARGET_YEARS if not np.isnan(targets[y].value)]
        if len(values) > 1 and not (np.all(np.diff(values) >= 0) or np.all(np.diff(values) <= 0)):
            notes.append("targets are not monotonic (possible typo in the source)")
        if baseline.at_least:
            notes.append("baseline is a lower bound")
        row = {
            "section": section, "outcome": outcome or theme,
            "dimension": record.get("dimension", ""), "indicator": record["indicator"],
            "indicator_type": record.get("indicator_type", ""),
            "verification": record.get("verification", ""), "unit": record.get("unit", ""),
            "subset": "" if record.get("subset", "") in ("—", "-") else record.get("subset", ""),
            "scale": "proportion" if "proportion" in scales else ("count" if scales else ""),
            "baseline": baseline.value,
            "baseline_year": baseline.year or BASELINE_YEAR,
            **{f"target_{y}": targets[y].value for y in TARGET_YEARS},
            "status": status,
            "baseline_raw": raw_cells.get("baseline", ""),
            **{f"target_{y}_raw": raw_cells.get(f"target_{y}", "") for y in TARGET_YEARS},
            "notes": "; ".join(notes), "source_line": lineno, "source_sha256": sha256,
        }
        rows.append(row)
        last = record
    if not rows:
        raise ConfigError("no indicator table found",
                          hint="tables must be tab-separated with a header row starting 指标 or 维度")
    frame = pd.DataFrame(rows)
    frame.insert(0, "framework_id", [f"RF{line:04d}" for line in frame["source_line"]])
    return frame[FRAMEWORK_COLUMNS]


_SHIPPED = "unhabitat_strategic_plan_2020_2023_results_framework.zh.txt"


def read_framework(path: str | Path | None = None) -> pd.DataFrame:
    """The framework as a tidy table, one row per (indicator, subset).

    ``framework_id`` is ``RF`` + the line of the source text the row stands on, so an
    evaluator can find it in the document; ``source_sha256`` pins the text it came from.
    Without ``path`` the shipped UN-Habitat 2020–2023 framework is read.
    """
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
        return _parse(text, sha256_bytes(data))
    except ConfigError as exc:
        raise exc.at(file=where) from None
