"""What a file is, by its bytes, and whether it is safe to open.

Kinds: ``xlsx`` (zip with ``xl/workbook.xml``), ``xls`` (OLE2), ``zip-csv`` (zip of CSVs, e.g.
ODK Central), ``sav`` (``$FL2``/``$FL3``), ``dta`` (Stata ≥ 117 ``<stata_dta>`` or 104–115
binary header), ``csv`` (decodable text). Anything else — including DOCX/PDF — is refused.

Zips are checked *before* anything is extracted: member count, declared sizes and
compression ratio (a zip bomb declares a huge size for a tiny member), and every XML part of
an XLSX/DOCX is scanned for a DTD (``<!DOCTYPE``/``<!ENTITY``: entity expansion, external
entities); workbook XML is parsed with :mod:`defusedxml`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from rbm_surveys.errors import EncodingError, FileFormatError

__all__ = ["sniff_kind", "check_zip", "open_zip", "decode_check", "bounded_read", "MAX_MEMBER_BYTES",
           "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_MEMBERS"]

#: limits for zip containers (XLSX, Central zip); generous for 1M-row exports
MAX_MEMBER_BYTES = 4 << 30
MAX_TOTAL_BYTES = 8 << 30
#: deflate on highly repetitive sheet XML reaches ~100×; bombs are ≥1000×
MAX_RATIO = 400
#: ratio is only judged on members at least this large (tiny files compress oddly)
_RATIO_FLOOR = 1 << 20
MAX_MEMBERS = 20_000
_PROLOG_BYTES = 4096
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

_PREFERRED = ("cp1252", "latin_1", "iso8859_15")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(path: str | Path) -> str:
    """Kind of the file at ``path`` from its content (see module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise FileFormatError("file not found", file=str(path), hint="check the path")
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
    """Open a zip for reading after checking it (see :func:`check_zip`)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileFormatError(f"corrupt or truncated zip/XLSX ({exc})", file=str(path),
                              hint="download the export again; the file is incomplete") from exc
    try:
        check_zip(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf


def check_zip(zf: zipfile.ZipFile, path: str | Path) -> None:
    """Refuse zip bombs and XML with DTDs before any extraction."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise FileFormatError(f"the zip has {len(infos)} members (limit {MAX_MEMBERS})",
                              file=str(path), hint="this does not look like a survey export")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileFormatError("the zip/XLSX is encrypted", file=str(path), key=info.filename,
                                  hint="remove the password and export again")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size >= _RATIO_FLOOR and ratio > MAX_RATIO):
            raise FileFormatError(
                f"zip member declares {info.file_size:,} bytes from {info.compress_size:,} "
                f"(ratio {ratio:,.0f}): refused as a possible zip bomb",
                file=str(path), key=info.filename, hint="do not open this file; ask for a fresh export")
    if total > MAX_TOTAL_BYTES:
        raise FileFormatError(f"the zip declares {total:,} bytes uncompressed (limit {MAX_TOTAL_BYTES:,})",
                              file=str(path), hint="split the export")
    bad = zf.testzip() if len(infos) < 50 and total < (64 << 20) else None
    if bad is not None:
        raise FileFormatError("corrupt zip member (CRC mismatch)", file=str(path), key=bad,
                              hint="download the export again")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            _check_xml_part(zf, info, path)


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str | Path) -> None:
    # A DTD can only sit in the prolog, before the root element: reading the first bytes
    # is enough, and keeps 500 MB sheet XML out of memory.
    try:
        with zf.open(info) as fh:
            prolog = fh.read(_PROLOG_BYTES)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError
        raise FileFormatError(f"corrupt zip member ({exc})", file=str(path), key=info.filename,
                              hint="download the export again") from exc
    if _DTD.search(prolog):
        raise FileFormatError("XML part declares a DTD/entities (refused: entity expansion or "
                              "external entities)", file=str(path), key=info.filename,
                              hint="re-save the file in Excel, or ask for a fresh export")
    if info.filename in ("xl/workbook.xml", "[Content_Types].xml") and info.file_size < (8 << 20):
        import defusedxml.ElementTree as DET

        try:
            DET.fromstring(zf.read(info))
        except Exception as exc:  # noqa: BLE001 - ParseError / DTDForbidden / EntitiesForbidden
            raise FileFormatError(f"unsafe or broken XML ({type(exc).__name__}: {exc})",
                                  file=str(path), key=info.filename,
                                  hint="re-save the file in Excel, or ask for a fresh export") from exc


def decode_check(sample: bytes, path: str | Path, *, complete: bool) -> tuple[str, str | None]:
    """Encoding to read a text file with, and a warning when it is not UTF-8.

    UTF-8 (with or without BOM) is read silently. Otherwise charset-normalizer guesses; the
    file is read with its guess and a warning says so (Excel-saved CSVs in cp1252/latin-1 are
    common in the field, refusing them helps nobody). No plausible guess → EncodingError.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", f"{path}: read as UTF-16 (has a UTF-16 byte-order mark)"
    else:
        enc = "utf-8"
    try:
        sample.decode(enc)
        return enc, None
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of a partial sample is not an error
        if not complete and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return enc, None
        pos = exc.start
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    best = matches[0] if matches else None
    if best is not None:
        # ties are common between Windows code pages; Excel's Western cp1252 is the usual one
        tied = [m for m in matches if m.chaos <= best.chaos]
        best = next((m for m in tied if m.encoding in _PREFERRED), best)
    if best is None:
        raise EncodingError(f"the text is not UTF-8 (undecodable byte at offset {pos}) and its "
                            "encoding cannot be recognised", file=str(path),
                            hint="save the CSV as UTF-8, or pass encoding=...")
    return best.encoding, (f"{path}: not UTF-8 (first bad byte at offset {pos}); read as "
                           f"{best.encoding} as detected — check accented labels, or save as UTF-8")


def bounded_read(zf: zipfile.ZipFile, name: str, path: str | Path) -> bytes:
    """Read one zip member, stopping if it inflates past its declared size (lying headers)."""
    info = zf.getinfo(name)
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise FileFormatError("zip member inflates past its declared size", file=str(path), key=name,
                              hint="do not open this file; ask for a fresh export")
    return data

