"""PDF pages as raw text, with PDFium (pypdfium2).

Returns one raw string per page. A page with no extractable text but with drawing objects
(an image, vector paths) is a scan without a text layer and gets that reason; a page with
nothing on it is simply blank.
"""

from __future__ import annotations

from rbm_surveys.errors import DocumentError

__all__ = ["read_pdf_pages", "MAX_PAGES"]

#: Documents longer than this are refused (a plan is rarely over 2,000 pages).
MAX_PAGES = 5000


def read_pdf_pages(data: bytes, *, file: str, password: str | None = None
                   ) -> tuple[list[str], list[str]]:
    """(raw text per page, preset unreadable reason per page)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError("the PDF is encrypted (password-protected)", file=file,
                                hint="ask the owner for an unprotected copy, or save it without "
                                     "a password") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise DocumentError("the PDF uses an unsupported security handler", file=file,
                                hint="print it to a new PDF without protection") from None
        raise DocumentError(f"the PDF is corrupt or truncated ({exc})", file=file,
                            hint="re-download the file or re-save it from a PDF viewer") from None
    try:
        n = len(pdf)
        if n == 0:
            raise DocumentError("the PDF has no pages", file=file,
                                hint="check the export; there is nothing to score")
        if n > MAX_PAGES:
            raise DocumentError(f"the PDF has {n} pages (limit {MAX_PAGES})", file=file,
                                hint="split it into its volumes and score each")
        texts: list[str] = []
        reasons: list[str] = []
        drawing = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH,
                   pdfium_c.FPDF_PAGEOBJ_SHADING, pdfium_c.FPDF_PAGEOBJ_FORM)
        for i in range(n):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:  # a broken page object: the page is unreadable
                texts.append("")
                reasons.append(f"page could not be loaded ({exc})")
                continue
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
                reason = ""
                if not text.strip():
                    # Scanned page: something is drawn but there is no text to extract.
                    if any(True for _ in page.get_objects(filter=drawing, max_depth=1)):
                        reason = "no text layer (scanned or image-only page; run OCR)"
                texts.append(text)
                reasons.append(reason)
            except pdfium.PdfiumError as exc:
                texts.append("")
                reasons.append(f"page could not be parsed ({exc})")
            finally:
                page.close()
        return texts, reasons
    finally:
        pdf.close()
