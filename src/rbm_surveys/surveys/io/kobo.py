"""Raw tables from KoBo exports: XLSX (one sheet per section) and CSV (modern ``;`` / legacy ``,``).

Only reading happens here: cells keep the export's headers; mapping to names, typing and
select_multiple assembly are done once for every format in :mod:`.frames`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.errors import EncodingError, FileFormatError
from rbm_surveys.surveys.io.frames import RawTable
from rbm_surveys.surveys.io.headers import is_hxl_row
from rbm_surveys.surveys.io.sniff import decode_check

__all__ = ["read_xlsx", "read_csv", "sniff_delimiter"]

#: cells read as empty: blank, and legacy KoBoCAT's not-applicable marker (reference §1.6)
NA_VALUES = ["", "n/a"]
_SAMPLE = 1 << 20  # also holds a 1,000-column label header


def read_xlsx(path: Path) -> list[RawTable]:
    """Every sheet of an XLSX/XLS through python-calamine (Rust), typed cells.

    pandas' ``read_excel(engine="calamine")`` converts each cell in a Python function
    (``_convert_cell``): on 200k x 300 that alone cost more than calamine's parse. Here the
    sheet goes from calamine's rows to one object array, blanks become None in one vectorised
    comparison, and pandas infers each column's dtype in C.
    """
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in wb.sheet_names]
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise FileFormatError(f"cannot read the workbook ({type(exc).__name__}: {exc})",
                              file=str(path),
                              hint="the file may be truncated, encrypted or not a workbook; "
                                   "download the export again") from exc
    out = []
    for sheet, rows in sheets:
        if not rows or not any(str(h).strip() for h in rows[0]):
            continue
        header = [_cell_name(h, i) for i, h in enumerate(rows[0])]
        body = np.array(rows[1:], dtype=object).reshape(len(rows) - 1, len(header))
        for na in NA_VALUES:
            body[body == na] = None
        df = pd.DataFrame(body, columns=header).infer_objects()
        out.append(_drop_hxl(RawTable(sheet, df, 1, sheet)))
    if not out:
        raise FileFormatError("the workbook has no data", file=str(path),
                              hint="download the export again")
    return out


def _cell_name(value, i: int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a header cell typed as a number: 2024, not 2024.0
    text = str(value).strip()
    return text or f"Unnamed: {i}"


def sniff_delimiter(header: str) -> str:
    """``;`` (KoBo modern), ``,`` (legacy KoBo, ODK), or tab — whichever splits the header most."""
    counts = {d: next(csv.reader([header], delimiter=d), []).__len__() for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv(path: Path, *, encoding: str | None = None, data: bytes | None = None,
             name: str = "main", numeric: Callable[[list[str]], Mapping[str, str]] | None = None
             ) -> tuple[RawTable, str | None, str]:
    """One CSV (a file, or ``data`` from a zip member), cells as text.

    ``numeric(header)`` may map columns the form says are numbers to ``"integer"`` or
    ``"decimal"``: those are left to pyarrow's native number parsing (much faster than text
    then ``to_numeric``; ``"integer"`` columns whose values are all whole come back ``Int64``);
    if a cell does not parse, the whole file is read as text and coercion reports the cell.
    Returns the raw table, an encoding warning or None, and the delimiter.
    """
    if data is None:
        with open(path, "rb") as fh:
            sample = fh.read(_SAMPLE)
        complete = len(sample) < _SAMPLE
    else:
        sample, complete = data[:_SAMPLE], len(data) <= _SAMPLE
    warning = None
    if encoding is None:
        encoding, warning = decode_check(sample, path, complete=complete)
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    first = text.splitlines()
    if not first or not first[0].strip():
        raise FileFormatError("the CSV has no header line", file=str(path),
                              hint="download the export again")
    if not complete and len(first) == 1:
        raise FileFormatError(f"no line break in the first {_SAMPLE:,} bytes: the header line is "
                              "too long for a survey export (one huge line, or not a CSV)",
                              file=str(path), hint="check that this is the export file")
    try:
        sep = sniff_delimiter(first[0])
        header = next(csv.reader([first[0]], delimiter=sep), [])
    except csv.Error as exc:
        raise FileFormatError(f"the CSV header cannot be read ({exc})", file=str(path), line=1,
                              hint="check the quoting of the first line") from None
    num = dict(numeric(header)) if numeric is not None else {}
    src = io.BytesIO(data) if data is not None else path
    try:
        df = _read(src, sep, encoding, header, num)
    except UnicodeDecodeError:
        # the sample was UTF-8 but a later byte is not: detect on the whole file
        raw = data if data is not None else Path(path).read_bytes()
        encoding, warning = decode_check(raw, path, complete=True)
        try:
            df = _read(io.BytesIO(raw), sep, encoding, header, num)
        except UnicodeDecodeError as exc:  # e.g. UTF-16 cut in the middle of a character
            raise EncodingError(f"the text cannot be decoded as {encoding} ({exc.reason} at "
                                f"byte {exc.start})", file=str(path),
                                hint="the file may be truncated; save it again as UTF-8") from None
    except FileFormatError as exc:
        raise exc.at(file=str(path)) from None
    return _drop_hxl(RawTable(name, df, 1, None)), warning, sep


def _read(src, sep: str, encoding: str, header: list[str], numeric: dict[str, str]) -> pd.DataFrame:
    """pyarrow's CSV reader on all cores, typed from the form (numbers native, the rest text so
    "007" stays "007"); pandas' C parser as the fallback that names bad rows."""
    attempts = [numeric, {}] if numeric else [{}]
    if len(set(header)) == len(header):
        for num in attempts:
            try:
                return _read_arrow(src, sep, encoding, header, num)
            except UnicodeDecodeError:
                raise
            except Exception:  # noqa: BLE001 - a bad number cell (retry as text), ragged rows …
                _rewind(src)
    try:
        return pd.read_csv(src, sep=sep, dtype=str, keep_default_na=False, na_values=NA_VALUES,
                           encoding=encoding, engine="c")
    except UnicodeDecodeError:
        raise
    except Exception as exc:
        raise FileFormatError(f"malformed CSV ({exc})", hint="check quoting; re-download the export") from exc


def _read_arrow(src, sep: str, encoding: str, header: list[str], numeric: dict[str, str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    read = pcsv.ReadOptions(encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding)
    # large_string is what pandas' string[pyarrow] holds: no per-column cast in to_pandas
    types = {c: pa.float64() if c in numeric else pa.large_string() for c in header}
    convert = pcsv.ConvertOptions(column_types=types, null_values=NA_VALUES, strings_can_be_null=True,
                                  quoted_strings_can_be_null=True)
    table = pcsv.read_csv(src, read_options=read, parse_options=pcsv.ParseOptions(delimiter=sep),
                          convert_options=convert)
    if table.column_names != header:
        raise ValueError("header differs from the sniffed one")
    for i, c in enumerate(header):
        if c in numeric and pc.any(pc.is_nan(table.column(i))).as_py():
            # Arrow reads "nan" as a number; the text path reports it as not a number
            raise ValueError(f"NaN text in number column {c}")
    mapping = {pa.large_string(): pd.StringDtype("pyarrow"), pa.float64(): pd.Float64Dtype()}
    df = table.to_pandas(types_mapper=mapping.get)
    del table
    for c in [c for c in header if numeric.get(c) == "integer"]:
        df[c] = _whole_to_int64(df[c])
    return df


def _whole_to_int64(s: pd.Series) -> pd.Series:
    """A Float64 column whose values are all whole (and fit int64) as Int64, else unchanged —
    the text path's ``round() == value`` test, in numpy (a safe Arrow cast took 4x longer)."""
    na = s.isna().to_numpy()
    v = s.to_numpy(dtype="float64", na_value=0.0)
    if not (np.array_equal(np.trunc(v), v) and np.abs(v).max(initial=0.0) < 2.0**63):
        return s  # 2.5, inf …: coercion keeps the column as decimals and says so
    return pd.Series(pd.arrays.IntegerArray(v.astype(np.int64), na), index=s.index, name=s.name)


def _rewind(src) -> None:
    if hasattr(src, "seek"):
        src.seek(0)


def _drop_hxl(raw: RawTable) -> RawTable:
    df = raw.frame
    if len(df) and is_hxl_row(df.iloc[0].tolist()):
        raw.frame = df.iloc[1:].reset_index(drop=True)
        raw.header_rows += 1
    return raw

