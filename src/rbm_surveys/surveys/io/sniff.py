"""What a file is, by its bytes, and whether it is safe to open.

Kinds: ``xlsx`` (zip with ``xl/workbook.xml``), ``xls`` (OLE2), ``zip-csv`` (zip of CSVs, e.g.
ODK Central), ``sav`` (``$FL2``/``$FL3``), ``dta`` (Stata ≥ 117 ``<stata_dta>`` or 104–115
binary header), ``csv`` (decodable text). Anything else — including DOCX/PDF — is refused.

Zips are checked *before* anything is extracted: member count, declared sizes and
compression ratio (a zip bomb declares a huge size for a tiny member), and every XML part of
an XLSX/DOCX is scanned for a DTD (``<!DOCTYPE``/``<!ENTITY``: entity expansion, external
entities). The guards and their limits are :mod:`rbm_surveys.safety`'s, shared by every reader.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from rbm_surveys import safety
from rbm_surveys.errors import FileFormatError

__all__ = ["sniff_kind", "check_zip", "open_zip", "decode_check", "bounded_read", "MAX_MEMBER_BYTES",
           "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_MEMBERS"]

#: limits live in :mod:`rbm_surveys.safety` (one set for every reader)
MAX_MEMBER_BYTES = safety.LIMITS["export"].max_unzipped
MAX_TOTAL_BYTES = safety.LIMITS["export"].max_unzipped
MAX_RATIO = safety.MAX_ZIP_RATIO
MAX_MEMBERS = safety.MAX_ZIP_MEMBERS
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(path: str | Path) -> str:
    """Kind of the file at ``path`` from its content (see module docstring)."""
    path = Path(path)
    safety.check_size(path, "export")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise FileFormatError("the file is empty", file=str(path),
                              hint="download the export again")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        with open_zip(path) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names:
                raise FileFormatError("this is a Word document, not a survey export",
                                      file=str(path), hint="give the KoBo/ODK export file")
            if any(n.lower().endswith(".csv") for n in names):
                return "zip-csv"
        raise FileFormatError("a zip without a workbook or CSV files", file=str(path),
                              hint="give the .xlsx export or ODK Central's submissions.csv.zip")
    if head.startswith(_OLE2):
        return "xls"
    if head[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if head.startswith(b"<stata_dta>") or (head[:1] in bytes(range(0x68, 0x74)) and head[1:2] in (b"\x01", b"\x02")
                                           and len(head) > 4 and head[2:3] == b"\x01"):
        return "dta"
    if head.startswith(b"%PDF"):
        raise FileFormatError("this is a PDF, not a survey export", file=str(path),
                              hint="give the KoBo/ODK export (XLSX/CSV) or a .sav/.dta file")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileFormatError("binary content of an unknown kind", file=str(path),
                              hint="give an XLSX, CSV, ODK zip, .sav or .dta file")
    return "csv"


def open_zip(path: str | Path) -> zipfile.ZipFile:
    """Open a zip for reading after :func:`rbm_surveys.safety.check_zip` (export limits)."""
    return safety.open_zip(path, "export", file=str(path))


def check_zip(zf: zipfile.ZipFile, path: str | Path) -> None:
    """Refuse zip bombs, encrypted members and XML with DTDs before any extraction."""
    safety.check_zip(zf, "export", file=str(path))


def decode_check(sample: bytes, path: str | Path, *, complete: bool) -> tuple[str, str | None]:
    """Encoding to read a text file with, and a warning when it is not UTF-8
    (:func:`rbm_surveys.safety.detect_encoding`)."""
    return safety.detect_encoding(sample, file=str(path), complete=complete)


def bounded_read(zf: zipfile.ZipFile, name: str, path: str | Path) -> bytes:
    """Read one zip member, stopping if it inflates past its declared size (lying headers)."""
    return safety.bounded_read(zf, name, file=str(path))
