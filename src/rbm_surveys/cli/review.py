"""`rbm review`: reviewer workbooks out, decisions in, agreement and final verdicts."""

from __future__ import annotations

import json
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
    exp.set_defaults(func=run_export)
    imp = rsub.add_parser("import", help="read filled workbooks; agreement; final verdicts")
    imp.add_argument("workbooks", nargs="+", help="filled review workbooks (one per reviewer)")
    imp.add_argument("--verdicts", required=True, help="the verdicts CSV the workbooks came from")
    imp.add_argument("--adjudication", help="an adjudicator's filled workbook")
    imp.add_argument("--ledger", default=None,
                     help="audit ledger to append every decision to (default: OUT/ledger.jsonl)")
    imp.add_argument("--out", default="review", help="folder for decisions/agreement/final CSVs")
    imp.set_defaults(func=run_import)


def _read_verdicts(path: str):
    from rbm_surveys.review.sheets import _unguard

    return read_csv_input(path, dtype=str, keep_default_na=False).map(_unguard)


def _read_evidence(path: str) -> list[dict]:
    from rbm_surveys.errors import InputError

    records = []
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise InputError("not a JSON line", file=path, line=lineno) from exc
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    return records


def run_export(args) -> int:
    from rbm_surveys.review import write_review_workbook

    verdicts = _read_verdicts(args.verdicts)
    evidence = _read_evidence(args.evidence)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.reviewers:
        path = write_review_workbook(verdicts, evidence, out / f"review-{name}.xlsx", reviewer=name)
        print(f"wrote {path}")
    return 0


def run_import(args) -> int:
    import pandas as pd

    from rbm_surveys.audit import Ledger
    from rbm_surveys.files import OutputSet, write_csv
    from rbm_surveys.review import adjudicate, agreement, read_review_workbook
    from rbm_surveys.review.sheets import decisions_to_records

    verdicts = _read_verdicts(args.verdicts)
    decisions = pd.concat([read_review_workbook(p) for p in args.workbooks], ignore_index=True)
    adjudication = read_review_workbook(args.adjudication) if args.adjudication else None
    final = adjudicate(verdicts, decisions, adjudication)
    stats = agreement(decisions)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with OutputSet(out) as staging:
        write_csv(decisions, staging / "decisions.csv", lineterminator="\n")
        write_csv(final, staging / "final_verdicts.csv", lineterminator="\n")
        write_csv(stats, staging / "agreement.csv", lineterminator="\n")
    ledger = Ledger(args.ledger or out / "ledger.jsonl")
    ledger.extend("review.decision", decisions_to_records(decisions))
    if adjudication is not None:
        ledger.extend("review.adjudication", decisions_to_records(adjudication))
    ledger.extend("review.final", decisions_to_records(final))
    counts = final["status"].value_counts().to_dict()
    print(f"{len(decisions)} decisions from {decisions['reviewer'].nunique()} reviewer(s); "
          f"final: {counts}; changed from proposal: {int(final['changed'].sum())}")
    print(stats.to_string(index=False))
    print(f"wrote {out / 'final_verdicts.csv'}, {out / 'decisions.csv'}, {out / 'agreement.csv'}; "
          f"ledger {ledger.path}")
    return 0
