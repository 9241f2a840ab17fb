"""Documents benchmark: pages/s of the full pipeline vs bare PDFium text extraction.

    python benchmarks/documents.py                 # 500 documents x 40 pages
    python benchmarks/documents.py --docs 20 --pages 10

Generates policy-like PDFs (cached under benchmarks/_work/, written by a tiny PDF writer
so generation takes seconds), then times, on the same files in the same run:

* **bare**   — pypdfium2: open, ``get_text_range()`` on every page, close (the floor);
* **read**   — ``read_document``: sniff, extract, quality checks, NFKC, headers/footers,
  hyphenation, language, spaCy sentence segmentation;
* **full**   — ``read_document`` + ``score_document`` against EVERY shipped rubric.

The three stages run back to back on each file (so a change of machine load during the run
affects them alike) in one process by default — pages/s per core; ``--jobs N`` maps the
files over N processes and divides each stage's summed time by N. The overhead ratios are
``time(stage) / time(bare) - 1``; the issue's goal is scoring < 50 % on top of bare
extraction. (``full`` re-reads the file, so ``full - read`` is the scoring cost.)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORK = Path(__file__).parent / "_work"

SENTENCES = [
    "The city will reduce greenhouse gas emissions by 40 % by 2030 compared with 2019 levels.",
    "Public transport ridership will grow every year and the bus fleet will be electric by 2035.",
    "The municipality adopts an integrated land-use and mobility plan for the metropolitan area.",
    "Flood defences and urban drainage will protect informal settlements from extreme rainfall.",
    "Annual mean PM2.5 concentrations shall not exceed 15 micrograms per cubic metre.",
    "The 24-hour mean NO2 concentration limit is set at 25 ug/m3 for all monitoring stations.",
    "Women have equal rights to own, use and inherit land under the civil code.",
    "Local governments receive predictable fiscal transfers to deliver water and sanitation.",
    "Participatory budgeting gives residents a voice in the allocation of capital investment.",
    "A monitoring and evaluation framework with baseline values and targets is published yearly.",
    "Heat action plans identify vulnerable groups and cooling centres in every district.",
    "Energy efficiency standards apply to all new public buildings from the next fiscal year.",
    "Solid waste collection coverage will reach every household, including informal areas.",
    "The plan links national climate commitments to city-level implementation and finance.",
    "Stakeholder consultations were held with civil society, the private sector and academia.",
    "Spatial scenarios compare compact growth with continued expansion at the urban fringe.",
    "Affordable housing targets are set for each planning unit with a timeline to 2030.",
    "Green and blue infrastructure will increase tree cover and restore the river corridor.",
    "The national urban policy assigns clear responsibilities between levels of government.",
    "Data on access to basic services are disaggregated by sex, age and disability.",
]
HEADER = "Integrated Urban Climate Action Plan 2024-2030"


def _esc(s: str) -> bytes:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def _wrap(text: str, width: int = 92) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


def write_pdf(path: Path, pages: int, seed: int) -> None:
    """A minimal valid PDF (Helvetica, one uncompressed content stream per page)."""
    rng = random.Random(seed)
    n_obj = 3 + 2 * pages
    objs: list[bytes] = [b""] * (n_obj + 1)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    for i in range(pages):
        body = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(24, 32)))
        lines = [HEADER, ""] + _wrap(body) + ["", f"Page {i + 1} of {pages}"]
        ops = [b"BT /F1 9 Tf 12 TL 50 800 Td"]
        ops += [b"(" + _esc(line) + b") Tj T*" for line in lines]
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objs[4 + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                           f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                           ).encode()
        objs[5 + 2 * i] = f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + \
            b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = [0] * (n_obj + 1)
    for k in range(1, n_obj + 1):
        offsets[k] = len(out)
        out += f"{k} 0 obj\n".encode() + objs[k] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {n_obj + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets[1:])
    out += f"trailer\n<< /Size {n_obj + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def corpus(n_docs: int, pages: int) -> list[Path]:
    folder = WORK / f"pdf_{pages}p"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"plan_{i:04d}.pdf" for i in range(n_docs)]
    for i, p in enumerate(paths):
        if not p.exists():
            write_pdf(p, pages, seed=i)
    return paths


# ----------------------------------------------------------------- the three stages
def bare(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = 0
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        n += len(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return n


def read(path: Path) -> int:
    from rbm_surveys.docs.io import read_document

    return len(read_document(path).passages)


_RUBRICS: list = []


def full(path: Path) -> int:
    from rbm_surveys.docs.io import read_document
    from rbm_surveys.docs.scoring import score_document

    if not _RUBRICS:
        from rbm_surveys.docs.rubric import list_rubrics, load_rubric

        _RUBRICS.extend(load_rubric(r) for r in list_rubrics()["id"])
    doc = read_document(path)
    return sum(len(score_document(doc, r).verdicts) for r in _RUBRICS)


def warm(_: int = 0) -> int:
    """Import and compile everything once (spaCy, rubric matchers) outside the timings."""
    return full(WORK / "warm.pdf")


def stages(path: Path) -> tuple[float, ...]:
    """Wall seconds for bare, read and full on one file, then the process CPU seconds of
    each, run back to back so that a machine whose load changes during the run slows all
    three alike. (CPU time is the steadier figure on a shared, loaded machine: it does not
    count the time this process waits for a core.)"""
    wall, cpu = [], []
    for fn in (bare, read, full):
        c0, t0 = time.process_time(), time.perf_counter()
        fn(path)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return (*wall, *cpu)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    paths = corpus(args.docs, args.pages)
    write_pdf(WORK / "warm.pdf", 3, seed=-1)
    print(f"corpus: {len(paths)} PDFs x {args.pages} pages in {WORK} "
          f"({time.perf_counter() - t0:.1f} s to generate/check)")
    from rbm_surveys.docs.rubric import list_rubrics

    print(f"rubrics: {', '.join(list_rubrics()['id'])}; jobs: {args.jobs}")
    pool = ProcessPoolExecutor(args.jobs) if args.jobs > 1 else None
    if pool is not None:
        list(pool.map(warm, range(args.jobs * 4)))
    else:
        warm()
    total_pages = len(paths) * args.pages
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    if pool is None:
        per_file = [stages(p) for p in paths]
    else:
        per_file = list(pool.map(stages, paths, chunksize=max(1, len(paths) // (8 * args.jobs))))
        pool.shutdown()
    wall = time.perf_counter() - t0
    load1 = os.getloadavg()
    # Seconds of one worker per stage; with N jobs the stage's wall time is that / N.
    b, r, f, cb, cr, cf = (sum(t[k] for t in per_file) / args.jobs for k in range(6))
    print(f"{total_pages} pages; wall time of the whole run {wall:.1f} s; machine load "
          f"(1/5/15 min) {load0[0]:.2f}/{load0[1]:.2f}/{load0[2]:.2f} before, "
          f"{load1[0]:.2f}/{load1[1]:.2f}/{load1[2]:.2f} after, on {os.cpu_count()} CPUs")
    print(f"{'':<28} {'wall s':>8} {'pages/s':>9}   {'CPU s':>7} {'pages/s':>9}")
    for name, secs, cpu in (("bare pypdfium2 extraction", b, cb),
                            ("read_document (+segment)", r, cr),
                            ("read + score, all rubrics", f, cf)):
        print(f"{name:<28} {secs:8.2f} {total_pages / secs:9.1f}   {cpu:7.2f} "
              f"{total_pages / cpu:9.1f}")
    for label, (b_, r_, f_) in (("wall", (b, r, f)), ("CPU", (cb, cr, cf))):
        print(f"[{label}] overhead on top of bare extraction: read_document {r_ / b_ - 1:+.0%}, "
              f"scoring (full - read) {(f_ - r_) / b_:+.0%}, whole pipeline {f_ / b_ - 1:+.0%} "
              f"(ratio {f_ / b_:.2f}x; goal <= 1.50x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
