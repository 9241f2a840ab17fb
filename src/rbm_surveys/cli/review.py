"""`rbm review`: reviewer workbooks out, decisions in, agreement, final verdicts, HTML report."""

from __future__ import annotations

from pathlib import Path

from rbm_surveys.cli._inputs import read_csv_input


def register(sub) -> None:
    p = sub.add_parser("review", help="reviewer workbooks for proposed verdicts; import decisions")
    rsub = p.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    exp = rsub.add_parser("export", help="write one review workbook per reviewer")
    exp.add_argument("verdicts", help="verdicts CSV written by `rbm docs score`")
    exp.add_argument("evidence", help="evidence JSONL written by `rbm docs score`")
    exp.add_argument("--reviewers", nargs="+", default=["reviewer"], help="reviewer names")
    exp.add_argument("--out", default="review", help="folder for the workbooks")
    exp.add_argument("--learn-from", nargs="+", metavar="DECISIONS",
                     help="decisions.csv of earlier rounds: train the passage ranker on the "
                          "passages reviewers confirmed and rejected, and show the passages it "
                          "ranks best first")
    _ledger_args(exp)
    exp.set_defaults(func=run_export)

    imp = rsub.add_parser("import", help="read filled workbooks; agreement; final verdicts")
    imp.add_argument("workbooks", nargs="+", help="filled review workbooks (one per reviewer)")
    imp.add_argument("--verdicts", required=True, help="the verdicts CSV the workbooks came from")
    imp.add_argument("--adjudication", help="an adjudicator's filled workbook")
    imp.add_argument("--out", default="review", help="folder for decisions/agreement/final CSVs")
    imp.add_argument("--bootstrap", type=int, default=2000, metavar="N",
                     help="bootstrap replicates (over documents) for agreement intervals")
    imp.add_argument("--seed", type=int, default=2026, help="seed of the bootstrap")
    _ledger_args(imp)
    imp.set_defaults(func=run_import)

    rep = rsub.add_parser("report", help="HTML evidence report: one page per document + index")
    rep.add_argument("verdicts", help="verdicts CSV written by `rbm docs score`")
    rep.add_argument("evidence", help="evidence JSONL written by `rbm docs score`")
    rep.add_argument("--review", metavar="DIR",
                     help="folder where `rbm review import` wrote decisions.csv and "
                          "final_verdicts.csv (reviewers side by side, final levels)")
    rep.add_argument("--summary", help="summary.jsonl written by `rbm docs score`")
    rep.add_argument("--out", default="evidence-report", help="folder for the HTML pages")
    rep.set_defaults(func=run_report)


def _ledger_args(p) -> None:
    p.add_argument("--ledger", default=None,
                   help="audit ledger to record in (default: OUT/ledger.jsonl)")
    p.add_argument("--key", default=None, metavar="FILE",
                   help="the programme's secret key file: sign ledger entries with HMAC-SHA256 "
                        "(default: the file named by $RBM_AUDIT_KEY_FILE, if set)")


def _read_verdicts(path: str):
    from rbm_surveys.review.sheets import unguard

    return read_csv_input(path, dtype=str, keep_default_na=False).map(unguard)


def _read_evidence(path: str) -> list[dict]:
    from rbm_surveys.review.evidence_io import read_evidence

    return read_evidence(path)


def _ledger(args, out: Path):
    from rbm_surveys.audit import Ledger, read_key

    return Ledger(args.ledger or out / "ledger.jsonl", key=read_key(args.key))


def run_export(args) -> int:
    from rbm_surveys.files import OutputSet
    from rbm_surveys.provenance import sha256_file
    from rbm_surveys.review import write_review_workbook
    from rbm_surveys.review.sheets import proposals_digest

    verdicts = _read_verdicts(args.verdicts)
    evidence = _read_evidence(args.evidence)
    if args.learn_from:
        import pandas as pd

        from rbm_surveys.review.learn import rerank_evidence, train_ranker

        earlier = pd.concat([_read_verdicts(p) for p in args.learn_from], ignore_index=True)
        ranker, n_pos, n_neg = train_ranker(earlier, evidence)
        evidence = rerank_evidence(evidence, ranker)
        print(f"ranker trained on {n_pos} confirmed and {n_neg} rejected passages; "
              "evidence re-ordered")
    if len(set(args.reviewers)) != len(args.reviewers):
        from rbm_surveys.errors import UsageError

        raise UsageError("reviewer names must be distinct", hint="give each reviewer once")
    out = Path(args.out)
    ledger = _ledger(args, out)
    old = ledger.head()
    digest = proposals_digest(verdicts, evidence)
    records = [("review.export", {"reviewer": name, "workbook": f"review-{name}.xlsx",
                                  "rows": len(verdicts), "proposals_sha256": digest,
                                  "verdicts_sha256": sha256_file(args.verdicts),
                                  "evidence_sha256": sha256_file(args.evidence)})
               for name in args.reviewers]
    lines, new = ledger.prepare(records, old)
    with OutputSet(out) as staging:
        for name in args.reviewers:
            write_review_workbook(verdicts, evidence, staging / f"review-{name}.xlsx",
                                  reviewer=name, ledger_head=new.as_text())
        ledger.write(lines, new, old)
    for name in args.reviewers:
        print(f"wrote {out / f'review-{name}.xlsx'}")
    print(f"ledger {ledger.path}: head {new} (recorded in each workbook)")
    return 0


def run_import(args) -> int:
    from rbm_surveys.files import OutputSet, write_csv
    from rbm_surveys.review.importing import import_reviews

    verdicts = _read_verdicts(args.verdicts)
    out = Path(args.out)
    ledger = _ledger(args, out)
    result = import_reviews(verdicts, args.workbooks, ledger, adjudication=args.adjudication,
                            n_boot=args.bootstrap, seed=args.seed)
    with OutputSet(out) as staging:
        write_csv(result.decisions, staging / "decisions.csv")
        write_csv(result.final, staging / "final_verdicts.csv")
        write_csv(result.agreement, staging / "agreement.csv")
        write_csv(result.confusion, staging / "engine_confusion.csv")
        result.commit()  # the ledger batch, after every output is staged; then the swap
    print(result.summary())
    print(f"wrote {out / 'final_verdicts.csv'}, {out / 'decisions.csv'}, {out / 'agreement.csv'}, "
          f"{out / 'engine_confusion.csv'}; ledger {ledger.path} head {result.head} "
          f"({result.n_new} new entr(ies))")
    return 0


def run_report(args) -> int:
    import pandas as pd

    from rbm_surveys.report.evidence import write_evidence_report

    verdicts = _read_verdicts(args.verdicts)
    evidence = _read_evidence(args.evidence)
    decisions = final = None
    if args.review:
        folder = Path(args.review)
        decisions = _read_verdicts(str(folder / "decisions.csv"))
        final = _read_verdicts(str(folder / "final_verdicts.csv"))
    summaries = (pd.DataFrame(_read_evidence(args.summary)) if args.summary else None)
    pages = write_evidence_report(args.out, verdicts, evidence, decisions=decisions,
                                  final=final, summaries=summaries)
    print(f"wrote {len(pages) - 1} document page(s) and {Path(args.out) / 'index.html'}")
    return 0
