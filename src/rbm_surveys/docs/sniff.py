"""Decide what a document file *is* from its bytes, never from its name.

An ``NDC.pdf`` that is really a Word file is read as Word; a ``.docx`` that is an encrypted
Office container is refused with a message that says so. Zip containers are checked for
zip bombs here, before any parser inflates them.
"""

from __future__ import annotations

import io
import zipfile

from rbm_surveys import safety
from rbm_surveys.errors import DocumentError

__all__ = ["sniff_kind", "check_zip", "MAX_ZIP_RATIO", "MAX_UNZIPPED_BYTES", "MAX_ZIP_MEMBERS"]

#: limits live in :mod:`rbm_surveys.safety` (one set for every reader)
MAX_ZIP_RATIO = safety.MAX_ZIP_RATIO
MAX_UNZIPPED_BYTES = safety.LIMITS["document"].max_unzipped
MAX_ZIP_MEMBERS = safety.MAX_ZIP_MEMBERS

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
    with safety.open_zip(io.BytesIO(data), "document", file=file, error=DocumentError) as zf:
        return set(zf.namelist())


def check_zip(zf: zipfile.ZipFile, *, file: str) -> None:
    """Refuse zip bombs, encrypted members and DTDs (:func:`rbm_surveys.safety.check_zip`)."""
    safety.check_zip(zf, "document", file=file, error=DocumentError)
