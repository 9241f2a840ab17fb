"""Decide what a document file *is* from its bytes, never from its name.

An ``NDC.pdf`` that is really a Word file is read as Word; a ``.docx`` that is an encrypted
Office container is refused with a message that says so. Zip containers are checked for
zip bombs here, before any parser inflates them.
"""

from __future__ import annotations

import io
import zipfile

from rbm_surveys.errors import DocumentError

__all__ = ["sniff_kind", "check_zip", "MAX_ZIP_RATIO", "MAX_UNZIPPED_BYTES", "MAX_ZIP_MEMBERS"]

#: A member inflating more than this many times its compressed size is treated as a bomb.
#: Word XML compresses 5-20x; a bomb of zeros compresses ~1000x.
MAX_ZIP_RATIO = 100
#: Members smaller than this are never judged by ratio (tiny XML parts compress oddly).
_RATIO_FLOOR = 1 << 20
#: Total inflated size allowed for one container.
MAX_UNZIPPED_BYTES = 512 << 20
MAX_ZIP_MEMBERS = 10_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<p>", b"<p ", b"<div",
                 b"<h1", b"<h2", b"<table", b"<meta ", b"<title")


def sniff_kind(head: bytes, data: bytes, *, file: str) -> str:
    """Return ``"pdf"``, ``"docx"``, ``"html"`` or ``"txt"`` for a file's bytes.

    ``head`` is the first KiB (BOM included), ``data`` the whole content (zip directory).
    """
    if not data.strip():
        raise DocumentError("the file is empty", file=file,
                            hint="check the download or export; an empty file has nothing to score")
    # PDF: the header may be preceded by junk (spec allows up to 1024 bytes in practice).
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = _zip_names(data, file=file)
        if "word/document.xml" in names:
            return "docx"
        kind = ("spreadsheet (XLSX)" if "xl/workbook.xml" in names else
                "presentation (PPTX)" if "ppt/presentation.xml" in names else
                "OpenDocument file" if "mimetype" in names else "zip archive")
        raise DocumentError(f"the file is a {kind}, not a document this reader handles",
                            file=file, hint="export it to PDF, DOCX, HTML or plain text")
    if head.startswith(_OLE2):
        # Encrypted OOXML is stored in an OLE2 container with an 'EncryptionInfo' stream.
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            raise DocumentError("the Word file is password-protected (encrypted)", file=file,
                                hint="remove the password in Word (File > Info > Protect "
                                     "Document) or ask the owner for an unprotected copy")
        raise DocumentError("the file is a legacy Office (OLE2, e.g. .doc) file", file=file,
                            hint="save it as .docx or PDF and read that")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise DocumentError("the file is an image, not a document with text", file=file,
                            hint="run OCR and save the result as a PDF with a text layer")
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")):
        raise DocumentError("the file is a compressed archive", file=file,
                            hint="extract it and read the documents inside")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # UTF-16 HTML: drop the NULs before looking for tags.
    if lowered.startswith((b"\xff\xfe", b"\xfe\xff")):
        lowered = lowered.replace(b"\x00", b"")
    if any(m in lowered[:4096] for m in _HTML_MARKERS[:2]) or \
            sum(m in lowered for m in _HTML_MARKERS) >= 2:
        return "html"
    return "txt"


def _zip_names(data: bytes, *, file: str) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(zf, file=file)
            return set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"the zip container is corrupt ({exc})", file=file,
                            hint="re-download or re-save the file") from None


def check_zip(zf: zipfile.ZipFile, *, file: str) -> None:
    """Refuse zip bombs: too many members, too much inflated data, or absurd ratios."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentError(f"the container holds {len(infos)} members (limit {MAX_ZIP_MEMBERS})",
                            file=file, hint="this looks like a zip bomb; do not open it")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise DocumentError(f"the container inflates to {total:,} bytes "
                            f"(limit {MAX_UNZIPPED_BYTES:,})", file=file,
                            hint="this looks like a zip bomb; if the document is genuine, "
                                 "export it to PDF")
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise DocumentError(f"member {i.filename!r} inflates {i.file_size // max(i.compress_size, 1)}x "
                                f"(limit {MAX_ZIP_RATIO}x)", file=file,
                                hint="this looks like a zip bomb; do not open it")
