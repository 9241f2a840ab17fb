"""Writers of REAL test documents (PDF via fpdf2, DOCX via python-docx, HTML, TXT).

Imported by the other ``test_docs_io_*`` / ``test_docs_cli*`` modules; the one test here
checks that the writers produce what the readers expect to find.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data" / "docs_io"
FONTS = DATA / "fonts"

SAMPLES = {
    "en": "Climate Action Plan. The city will reduce greenhouse gas emissions by 40 % by 2030 "
          "compared with 2019. Public transport ridership will grow every year.",
    "fr": "Plan climat de la ville. La municipalité réduira les émissions de gaz à effet de serre "
          "de 40 % d'ici 2030 par rapport à 2019. Les transports publics seront étendus chaque "
          "année.",
    "es": "Plan de acción climática. La ciudad reducirá las emisiones de gases de efecto "
          "invernadero en un 40 % para 2030 en comparación con 2019. El transporte público "
          "crecerá cada año.",
    "pt": "Plano de ação climática. A cidade vai reduzir as emissões de gases de efeito estufa "
          "em quarenta por cento até 2030 em comparação com 2019. O transporte público crescerá "
          "todos os anos.",
    "zh": "城市气候行动计划。到2030年，城市将比2019年减少百分之四十的温室气体排放！公共交通每年都会增长吗？会的。",
    "ar": "خطة العمل المناخي للمدينة. ستخفض المدينة انبعاثات غازات الدفيئة بنسبة أربعين في المائة "
          "بحلول عام 2030 مقارنة بعام 2019؟ نعم، وسيتوسع النقل العام كل عام.",
    "ru": "План действий по климату. Город сократит выбросы парниковых газов на сорок процентов "
          "к 2030 году по сравнению с 2019 годом. Общественный транспорт будет расти каждый год.",
}
#: Sentences each sample splits into.
SENTENCES = {"en": 3, "fr": 3, "es": 3, "pt": 3, "zh": 4, "ar": 3, "ru": 3}


def write_pdf(path: Path, pages: list[str], *, font: str | None = None, header: str | None = None,
              footer: str | None = None, image_pages: tuple[int, ...] = (),
              password: str | None = None) -> Path:
    """A PDF whose page i carries ``pages[i]``; pages listed in ``image_pages`` (1-based) get
    only a filled rectangle (no text layer). Header/footer lines may contain ``{n}``."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if font:
        pdf.add_font("body", fname=str(FONTS / font))
        pdf.set_font("body", size=11)
    else:
        pdf.set_font("helvetica", size=11)
    for n, text in enumerate(pages, start=1):
        pdf.add_page()
        if n in image_pages:
            pdf.set_fill_color(90, 90, 90)
            pdf.rect(20, 20, 170, 250, style="F")
            continue
        if header:
            pdf.set_xy(10, 8)
            pdf.cell(0, 6, header.format(n=n))
        pdf.set_xy(10, 25)
        pdf.multi_cell(0, 6, text)
        if footer:
            pdf.set_xy(10, 280)
            pdf.cell(0, 6, footer.format(n=n))
    if password:
        from fpdf.enums import EncryptionMethod

        pdf.set_encryption(owner_password=password + "-owner", user_password=password,
                           encryption_method=EncryptionMethod.RC4)
    pdf.output(str(path))
    return path


def write_docx(path: Path, blocks: list) -> Path:
    """blocks: str → paragraph; list of lists → table; None → page break."""
    import docx

    d = docx.Document()
    for block in blocks:
        if block is None:
            d.add_page_break()
        elif isinstance(block, str):
            d.add_paragraph(block)
        else:
            table = d.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    d.save(str(path))
    return path


def write_zip_bomb(path: Path, inflated: int = 40 << 20) -> Path:
    """A .docx-looking zip whose document.xml is megabytes of zeros (ratio ~1000x)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * inflated)
    path.write_bytes(buf.getvalue())
    return path


def test_writers_make_real_files(tmp_path):
    pdf = write_pdf(tmp_path / "a.pdf", ["one", "two"], image_pages=(2,))
    assert pdf.read_bytes().startswith(b"%PDF-")
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) == 2
    doc.close()
    d = write_docx(tmp_path / "a.docx", ["x", [["a", "b"]], None, "y"])
    with zipfile.ZipFile(d) as zf:
        assert zf.read("word/document.xml").count(b"<w:tbl>") == 1
    bomb = write_zip_bomb(tmp_path / "b.docx", inflated=2 << 20)
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("word/document.xml")
    assert info.file_size > 100 * info.compress_size
