"""`read_document`: a policy document file → :class:`~rbm_surveys.docs.document.Document`.

Steps (each in its own module):

1. size check (``max_bytes``), bytes hashed (SHA-256) — the hash travels with all evidence;
2. type decided from the content (:mod:`.sniff`): PDF, DOCX, HTML or plain text/Markdown,
   whatever the file is called;
3. raw text per page (:mod:`.pdf`, :mod:`.docx`, :mod:`.html`; text files split on form
   feeds);
4. quality checks on the raw text (:mod:`.quality`): no text layer, garbled;
5. normalisation (:mod:`.normalise`): NFKC, headers/footers, hyphenation, spaces; then the
   reversed-digits check on right-to-left pages;
6. pages joined with ``PAGE_JOIN`` and offsets fixed; **unreadable pages keep their number
   and reason but contribute no text**, so nothing is scored from a page we cannot trust;
7. language (:mod:`.language`) and passages (:mod:`.segment`).

The user's file is only read, never written.
"""

from __future__ import annotations

import re
from pathlib import Path

from rbm_surveys import safety
from rbm_surveys.docs.document import PAGE_JOIN, Document, Page
from rbm_surveys.errors import DocumentError, UsageError
from rbm_surveys.provenance import sha256_bytes

__all__ = ["read_document", "DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "decode_text"]

#: Files larger than this are refused unless ``max_bytes`` is raised (200 MiB).
DEFAULT_MAX_BYTES = safety.LIMITS["document"].max_bytes
#: Suffixes picked up when a folder is given to the batch reader (type is still sniffed).
SUPPORTED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".xhtml", ".txt", ".md", ".markdown")

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def decode_text(data: bytes, *, file: str, declared: str | None = None) -> str:
    """Bytes → str: BOM, then a declared charset, then UTF-8, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        raise DocumentError("the file is binary, not text, PDF, Word or HTML", file=file,
                            hint="export the document to PDF, DOCX, HTML or plain text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError("the text encoding cannot be recognised", file=file,
                            hint="save the file as UTF-8")
    return str(best)


def _raw_pages(data: bytes, kind: str, file: str) -> tuple[list[str], list[str]]:
    if kind == "pdf":
        from rbm_surveys.docs.pdf import read_pdf_pages

        return read_pdf_pages(data, file=file)
    if kind == "docx":
        from rbm_surveys.docs.docx import read_docx_pages

        pages = read_docx_pages(data, file=file)
    elif kind == "html":
        from rbm_surveys.docs.html import read_html_pages

        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
        pages = read_html_pages(decode_text(data, file=file, declared=declared))
    else:
        pages = decode_text(data, file=file).split("\f")
    return pages, [""] * len(pages)


def read_document(path: str | Path, *, language: str | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a PDF, DOCX, HTML or text/Markdown file into a :class:`Document`.

    Parameters
    ----------
    path:
        The file. Its type is decided by its content, not its suffix.
    language:
        ISO 639-1 code to use instead of detection (e.g. ``"fr"``).
    max_bytes:
        Larger files are refused with :class:`~rbm_surveys.errors.DocumentError`.

    Raises
    ------
    DocumentError
        Missing, empty, oversized, encrypted, corrupt or unsupported files, zip bombs.
    """
    from rbm_surveys.docs.language import detect_language, language_blocks
    from rbm_surveys.docs.normalise import (clean_page, dehyphenate, strip_running_lines, tidy,
                                            unify_lines)
    from rbm_surveys.docs.quality import damaged_reason, garbled_reason, reversed_digits
    from rbm_surveys.docs.segment import segment_pages

    if language is not None and not (isinstance(language, str) and _LANG_CODE.match(language)):
        raise UsageError(f"language must be an ISO 639-1 code like 'en' or 'fr', got {language!r}")
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise DocumentError("no such file", file=file, hint="check the path")
    safety.check_size(p, "document", error=DocumentError, max_bytes=max_bytes)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"the file cannot be read ({exc.strerror or exc})", file=file,
                            hint="check the file's permissions") from None
    sha = sha256_bytes(data)
    from rbm_surveys.docs.sniff import sniff_kind

    kind = sniff_kind(data[:1024], data, file=file)
    raws, reasons = _raw_pages(data, kind, file)
    raws = [unify_lines(r) for r in raws]
    reasons = [r or garbled_reason(raw) for raw, r in zip(raws, reasons)]
    texts = [clean_page(raw) if not r else "" for raw, r in zip(raws, reasons)]
    texts, removed = strip_running_lines(texts)
    texts = [tidy(dehyphenate(t)) for t in texts]
    reasons = [r or reversed_digits(t) or damaged_reason(t) for t, r in zip(texts, reasons)]
    # Language from every page with trustworthy letters (mirrored digits do not change it).
    lang = language or detect_language(PAGE_JOIN.join(texts))

    pages: list[Page] = []
    chunks: list[str] = []
    offset = 0
    for number, (text, reason) in enumerate(zip(texts, reasons), start=1):
        if reason and not reason.startswith("damaged text"):
            text = ""  # withheld: an unreadable page must not produce evidence
        # (a damaged page keeps its text for reviewers; everything found on it is vetoed)
        if number > 1:
            offset += len(PAGE_JOIN)
        pages.append(Page(number, offset, offset + len(text), bool(reason), reason))
        chunks.append(text)
        offset += len(text)
    full = PAGE_JOIN.join(chunks)

    warnings: list[str] = []
    if removed:
        warnings.append(f"{removed} running header/footer line(s) removed")
    bad = [pg for pg in pages if pg.unreadable]
    if bad:
        warnings.append(f"{len(bad)} of {len(pages)} page(s) unreadable: " + "; ".join(
            f"page {pg.number}: {pg.reason}" for pg in bad[:10]) + (" …" if len(bad) > 10 else ""))
    if not full.strip():
        warnings.append("no readable text")
    blocks = () if language else language_blocks(full, lang)
    if blocks:  # the main language is the one with most text
        size: dict[str, int] = {}
        for a, b, code in blocks:
            size[code] = size.get(code, 0) + b - a
        lang = max(sorted(size), key=lambda c: size[c])
        warnings.append("mixed languages: " + ", ".join(
            f"{c} {size[c] / max(1, sum(size.values())):.0%}" for c in sorted(size)))
    passages = segment_pages(full, pages, lang)
    return Document(path=file, sha256=sha, kind=kind, language=lang, text=full,
                    pages=tuple(pages), passages=passages, warnings=tuple(warnings),
                    blocks=blocks)
