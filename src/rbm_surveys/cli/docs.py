"""`rbm docs`: read policy documents and score them against rubrics.

    rbm docs read PATH [--language fr] [--passages] [--json]
    rbm docs rubrics
    rbm docs score PATHS... --rubric ID [--rubric ID2] [--out DIR] [--jobs N]

``score`` exits 0 when every document was scored, 1 when some documents failed (they are
listed in ``failures.csv`` and on stderr; the others are still scored and written), and 2
for a usage error such as an unknown rubric.
"""

from __future__ import annotations

import json
import sys

EXIT_SOME_FAILED = 1


def register(sub) -> None:
    p = sub.add_parser("docs", help="policy documents: read, list rubrics, score",
                       description="Policy documents (PDF, DOCX, HTML, TXT) scored against "
                                   "rubrics, with page-anchored evidence.")
    dsub = p.add_subparsers(dest="docs_command", metavar="ACTION")
    p.set_defaults(func=lambda args: _help(p))

    r = dsub.add_parser("read", help="show pages, language and unreadable pages of a document")
    r.add_argument("path")
    r.add_argument("--language", help="ISO 639-1 code instead of detection (e.g. fr)")
    r.add_argument("--passages", action="store_true", help="also print every passage")
    r.add_argument("--json", action="store_true", help="print JSON instead of text")
    r.set_defaults(func=run_read)

    ls = dsub.add_parser("rubrics", help="list the shipped rubrics")
    ls.set_defaults(func=run_rubrics)

    s = dsub.add_parser("score", help="score documents against rubrics")
    s.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    s.add_argument("--rubric", action="append", required=True, metavar="ID",
                   help="rubric id (see `rbm docs rubrics`) or .yaml path; repeatable")
    s.add_argument("--out", default="rbm-docs-out", metavar="DIR",
                   help="output folder (default: ./rbm-docs-out)")
    s.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores)")
    s.add_argument("--language", help="force the language of every document (ISO 639-1)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.set_defaults(func=run_score)


def _help(parser) -> int:
    parser.print_help()
    return 2


def run_read(args) -> int:
    from rbm_surveys.docs.io import read_document

    doc = read_document(args.path, language=args.language)
    if args.json:
        payload = {"path": doc.path, "sha256": doc.sha256, "kind": doc.kind,
                   "language": doc.language, "characters": len(doc.text),
                   "pages": [{"number": p.number, "start": p.start, "end": p.end,
                              "unreadable": p.unreadable, "reason": p.reason}
                             for p in doc.pages],
                   "warnings": list(doc.warnings)}
        if args.passages:
            payload["passages"] = [{"page": q.page, "start": q.start, "end": q.end,
                                    "text": q.text} for q in doc.passages]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    per_page: dict[int, int] = {}
    for q in doc.passages:
        per_page[q.page] = per_page.get(q.page, 0) + 1
    print(f"file      {doc.path}")
    print(f"kind      {doc.kind}")
    print(f"sha256    {doc.sha256}")
    print(f"language  {doc.language}")
    print(f"pages     {len(doc.pages)} ({len(doc.unreadable_pages)} unreadable), "
          f"{len(doc.passages)} passages, {len(doc.text)} characters")
    for p in doc.pages:
        state = f"UNREADABLE: {p.reason}" if p.unreadable else \
            f"{p.end - p.start} chars, {per_page.get(p.number, 0)} passages"
        print(f"  page {p.number:>4}  {state}")
    for w in doc.warnings:
        print(f"warning   {w}")
    if args.passages:
        for q in doc.passages:
            print(f"[p{q.page} {q.start}-{q.end}] {q.text}")
    return 0


def run_rubrics(args) -> int:
    from rbm_surveys.docs.rubric import list_rubrics

    table = list_rubrics()
    if table.empty:
        print("no rubrics found")
        return 0
    cols = ["id", "version", "edition", "n_criteria", "languages", "verified", "title"]
    print(table[cols].to_string(index=False))
    return 0


def run_score(args) -> int:
    from rbm_surveys.docs.batch import expand_paths, score_paths, write_batch

    paths = expand_paths(args.paths)
    if not paths:
        from rbm_surveys.errors import UsageError

        raise UsageError("no documents found in the given folders",
                         hint="give files, or folders holding .pdf/.docx/.html/.txt/.md files")
    result = score_paths(paths, args.rubric, jobs=args.jobs, language=args.language,
                         progress=not args.no_progress)
    files = write_batch(result, args.out)
    n_fail = len(result.failures)
    print(f"scored {len(paths) - n_fail} of {len(paths)} document(s) against "
          f"{', '.join(args.rubric)}: {len(result.verdicts)} verdicts, "
          f"{len(result.evidence)} evidence spans")
    for name, path in files.items():
        print(f"  {name:<15} {path}")
    if n_fail:
        print(f"rbm: {n_fail} document(s) failed (see {files['failures.csv']}):", file=sys.stderr)
        for row in result.failures.itertuples(index=False):
            hint = f" — {row.hint}" if row.hint else ""
            print(f"  {row.document}: [{row.stage}] {row.message}{hint}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return 0
