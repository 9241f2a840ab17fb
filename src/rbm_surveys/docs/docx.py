"""Word (.docx) body text in reading order, tables included, split on explicit page breaks.

python-docx opens the package (its XML parser does not resolve entities); we then walk the
body's XML once, in document order, so paragraphs and tables interleave as the author wrote
them. Table rows become one line each, cells separated by `` | ``. Deleted tracked changes
(``w:delText``) and field codes (``w:instrText``) are not text; text boxes are read once
(the VML fallback copy is skipped). A new page starts at
``<w:br w:type="page"/>`` and at paragraphs with ``pageBreakBefore``; Word's own pagination
is not stored in the file, so a document without explicit breaks is one page.
"""

from __future__ import annotations

import io

from rbm_surveys.errors import DocumentError

__all__ = ["read_docx_pages", "CELL_SEP"]

CELL_SEP = " | "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT = (f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}sdt")
_T, _TAB, _BR, _CR, _NBH, _SFT = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr",
                                 f"{_W}noBreakHyphen", f"{_W}softHyphen")
_PPR_BREAK = f"{_W}pPr/{_W}pageBreakBefore"
_TYPE = f"{_W}type"
_VAL = f"{_W}val"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PAGE = "\f"  # internal page marker, split on at the end


def _paragraph(p) -> str:
    parts: list[str] = []
    brk = p.find(_PPR_BREAK)
    if brk is not None and brk.get(_VAL, "true") not in ("0", "false", "off"):
        parts.append(_PAGE)
    for el in p.iter(_T, _TAB, _BR, _CR, _NBH, _SFT):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            # w:tab also appears in w:pPr/w:tabs as a tab *stop*; only run-level tabs are text.
            if el.getparent().tag != f"{_W}tabs":
                parts.append("\t")
        elif tag == _BR:
            parts.append(_PAGE if el.get(_TYPE) == "page" else "\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _NBH:
            parts.append("-")
        else:
            parts.append("\u00ad")
    return "".join(parts)


def _cell(tc) -> str:
    # Page breaks inside tables are ignored: a row stays on one page.
    return " ".join(_paragraph(p).replace(_PAGE, " ").strip() for p in tc.iter(_P))


def _walk(parent, out: list[str]) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _P:
            out.append(_paragraph(child))
        elif tag == _TBL:
            for tr in child.iter(_TR):
                cells = [_cell(tc) for tc in tr.iterchildren(_TC)]
                if any(c for c in cells):
                    out.append(CELL_SEP.join(cells))
        elif tag == _SDT:  # content control: its content is body-level paragraphs/tables
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _walk(content, out)


def read_docx_pages(data: bytes, *, file: str) -> list[str]:
    """Raw text per page (explicit page breaks only)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocumentError(f"the Word file is corrupt or incomplete ({exc})", file=file,
                            hint="re-save it from Word or LibreOffice") from None
    except Exception as exc:  # noqa: BLE001 - lxml XMLSyntaxError and zip errors from inside python-docx
        raise DocumentError(f"the Word file cannot be parsed ({type(exc).__name__}: {exc})",
                            file=file, hint="re-save it from Word or LibreOffice") from None
    body = document.element.body
    # Text boxes are stored twice (DrawingML choice + VML fallback); read the choice only.
    # This edits python-docx's in-memory tree, never the file.
    for fallback in list(body.iter(_MC_FALLBACK)):
        fallback.getparent().remove(fallback)
    lines: list[str] = []
    _walk(body, lines)
    return "\n".join(lines).split(_PAGE)
