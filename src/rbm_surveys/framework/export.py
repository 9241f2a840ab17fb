"""``rbm framework export``: the register as an Excel workbook, SDMX-CSV and a long CSV.

* ``framework.xlsx`` — sheet ``framework``: every framework row with its place, English and
  Chinese titles, unit, baseline, targets, the values per location and year, and the latest
  status; sheet ``progress`` (the rule's table), ``bottlenecks``, ``rollup``; then one sheet
  per computed indicator (``RF0197`` …) with every value incl. disaggregations, SE, interval,
  suppression, review status, the source file and its hash, and a link to the site page.
* ``framework.sdmx.csv`` — SDMX-CSV 2.0 written by ``pysdmx`` (offline: the data structure is
  declared here, not fetched from a registry): dimensions ``INDICATOR, REF_AREA,
  TIME_PERIOD, DISAGGREGATION, DISAGG_LEVEL``; measure ``OBS_VALUE``; attributes
  ``UNIT_MULT``-free ``SCALE``, ``SE``, ``OBS_STATUS`` (``O`` suppressed), ``REVIEW_STATUS``.
* ``framework_values.csv`` — the long table (one row per value).

All files are written through :mod:`rbm_surveys.files` (atomic, formula-safe text).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.files import OutputSet, save_workbook, write_bytes, write_csv
from rbm_surveys.framework.compute import register_progress
from rbm_surveys.framework.progress import bottlenecks, rollup
from rbm_surveys.framework.seed import TARGET_YEARS, read_framework
from rbm_surveys.register import Register

__all__ = ["LONG_COLUMNS", "long_table", "sdmx_csv", "export"]

LONG_COLUMNS = ["framework_id", "indicator_id", "title_en", "subset", "location", "country",
                "year", "disaggregation", "level", "scale", "value", "se", "ci_low", "ci_high",
                "n", "suppressed", "flag", "review_status", "source", "source_sha256"]


def long_table(reg: Register, framework: pd.DataFrame) -> pd.DataFrame:
    """Every value in the register (stored values and cumulative counts), one row each."""
    stored = reg.values()
    counts = reg.cumulative_counts(TARGET_YEARS)
    if not counts.empty:
        counts = counts.assign(disaggregation="all", level="", scale="count", se=np.nan,
                               ci_low=np.nan, ci_high=np.nan, n=np.nan, suppressed=0, flag="",
                               country="", source="cumulative register: " + counts["partners"],
                               source_sha256="")
        stored = pd.concat([stored, counts], ignore_index=True)
    fw = framework.set_index("framework_id")
    stored["indicator_id"] = fw.loc[stored["framework_id"], "indicator_id"].to_numpy()
    stored["title_en"] = fw.loc[stored["framework_id"], "title_en"].to_numpy()
    stored["subset"] = fw.loc[stored["framework_id"], "subset"].to_numpy()
    return stored.reindex(columns=LONG_COLUMNS)


def sdmx_csv(long: pd.DataFrame, programme: str) -> str:
    """The long table as SDMX-CSV 2.0 through ``pysdmx`` (structure declared locally)."""
    from pysdmx.io.csv.sdmx20.writer import write
    from pysdmx.io.pd import PandasDataset
    from pysdmx.model import Concept, DataType
    from pysdmx.model.dataflow import Component, Components, Role, Schema

    def comp(cid: str, role: Role, dtype: DataType = DataType.STRING) -> Component:
        return Component(id=cid, required=role != Role.ATTRIBUTE, role=role,
                         concept=Concept(id=cid), local_dtype=dtype,
                         attachment_level="O" if role == Role.ATTRIBUTE else None)

    comps = Components([
        comp("INDICATOR", Role.DIMENSION), comp("REF_AREA", Role.DIMENSION),
        comp("TIME_PERIOD", Role.DIMENSION), comp("DISAGGREGATION", Role.DIMENSION),
        comp("DISAGG_LEVEL", Role.DIMENSION), comp("OBS_VALUE", Role.MEASURE, DataType.DOUBLE),
        comp("SCALE", Role.ATTRIBUTE), comp("SE", Role.ATTRIBUTE),
        comp("OBS_STATUS", Role.ATTRIBUTE), comp("REVIEW_STATUS", Role.ATTRIBUTE)])
    schema = Schema(context="dataflow", agency="RBM", id="RBM_FRAMEWORK", components=comps,
                    version="1.0", name=f"Results framework values: {programme}")
    fmt = lambda x: "" if pd.isna(x) else repr(float(x))  # noqa: E731
    data = pd.DataFrame({
        "INDICATOR": long["framework_id"], "REF_AREA": long["location"],
        "TIME_PERIOD": long["year"].astype(int).astype(str),
        "DISAGGREGATION": long["disaggregation"].fillna("all"),
        "DISAGG_LEVEL": long["level"].fillna("").replace("", "_T"),
        "OBS_VALUE": long["value"].astype(float), "SCALE": long["scale"].fillna(""),
        "SE": long["se"].map(fmt),
        "OBS_STATUS": np.where(long["suppressed"].fillna(0).astype(int) == 1, "O", "A"),
        "REVIEW_STATUS": long["review_status"].fillna("")})
    return write([PandasDataset(structure=schema, data=data)]) or ""


def _framework_sheet(framework: pd.DataFrame, prog: pd.DataFrame) -> pd.DataFrame:
    base = framework[["framework_id", "indicator_id", "place", "area", "outcome", "theme",
                      "title_en", "indicator", "subset", "subset_en", "unit", "scale",
                      "direction", "target_basis", "baseline", "baseline_year",
                      *[f"target_{y}" for y in TARGET_YEARS], "status", "quirks"]]
    base = base.rename(columns={"status": "framework_note", "indicator": "title_zh"})
    if prog.empty:
        return base.assign(location="", latest_year=np.nan, latest_value=np.nan,
                           progress_status="")
    wide = prog.pivot_table(index=["framework_id", "location"], columns="year", values="value",
                            aggfunc="first")
    wide.columns = [f"value_{c}" for c in wide.columns]
    latest = prog.sort_values("year").groupby(["framework_id", "location"]).tail(1)
    latest = latest.set_index(["framework_id", "location"])[["year", "value", "status",
                                                             "significance"]]
    latest.columns = ["latest_year", "latest_value", "progress_status", "significance"]
    per_loc = wide.join(latest).reset_index()
    return base.merge(per_loc, on="framework_id", how="left")


def export(reg: Register, out: str | Path, site_base: str = "site") -> dict[str, Path]:
    """Write the workbook, SDMX-CSV and long CSV into ``out`` (one set, swapped in whole)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from rbm_surveys.report.safe import safe_cell

    framework = read_framework()
    prog = register_progress(reg, framework)
    long = long_table(reg, framework)
    out = Path(out)
    sheets: list[tuple[str, pd.DataFrame]] = [
        ("framework", _framework_sheet(framework, prog)), ("progress", prog),
        ("bottlenecks", bottlenecks(prog) if len(prog) else pd.DataFrame()),
        ("rollup", rollup(prog) if len(prog) else pd.DataFrame())]
    for fid, g in long.groupby("framework_id"):
        g = g.assign(site_page=f"{site_base}/indicator-{fid}.html")
        sheets.append((fid, g))
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets:
        ws = wb.create_sheet(title=name[:31])
        ws.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([safe_cell(None if (isinstance(v, float) and np.isnan(v)) else
                                 (v.item() if hasattr(v, "item") else v)) for v in row])
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(
                60, max(10, len(str(col)) + 2))
        if name not in ("framework", "progress", "bottlenecks", "rollup"):
            c = frame.columns.get_loc("site_page") + 1
            for r in range(2, len(frame) + 2):
                cell = ws.cell(row=r, column=c)
                cell.hyperlink = str(cell.value)
    paths = {}
    with OutputSet(out) as staging:
        paths["xlsx"] = save_workbook(wb, staging / "framework.xlsx")
        paths["sdmx"] = write_bytes(staging / "framework.sdmx.csv",
                                    sdmx_csv(long, reg.programme).encode("utf-8"))
        paths["csv"] = write_csv(long, staging / "framework_values.csv")
    return {k: out / Path(p).name for k, p in paths.items()}
