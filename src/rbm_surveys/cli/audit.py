"""`rbm audit`: check an audit ledger (`verify`) and compare two copies of it (`diff`).

Each prints one line. Exit codes: 0 — verified / B is A with entries appended; 1 — tampering
or divergence found (the line says where); 2 — the command could not run (file not found …).
"""

from __future__ import annotations

import argparse
from typing import Any

EXIT_TAMPERED = 1


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="verify an audit ledger; compare two copies")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    ver = asub.add_parser("verify", help="check chain, key and recorded heads of a ledger")
    ver.add_argument("ledger", help="the ledger (JSONL)")
    ver.add_argument("--checkpoint", nargs="+", default=[], metavar="FILE",
                     help="more recorded heads to check against: a checkpoint (.head.json), a "
                          "decisions.csv / final_verdicts.csv, or a review workbook")
    ver.add_argument("--no-checkpoint", action="store_true",
                     help="do not require the checkpoint beside the ledger (chain only)")
    ver.add_argument("--key", metavar="FILE", default=None,
                     help="the programme's key file: check every entry's HMAC "
                          "(default: $RBM_AUDIT_KEY_FILE, if set)")
    ver.set_defaults(func=run_verify)
    dif = asub.add_parser("diff", help="is B the ledger A with entries appended?")
    dif.add_argument("a", help="the earlier copy")
    dif.add_argument("b", help="the later copy")
    dif.set_defaults(func=run_diff)


def run_verify(args: argparse.Namespace) -> int:
    from rbm_surveys.audit import TamperError, read_key, verify_ledger

    key = read_key(args.key)
    try:
        report = verify_ledger(args.ledger, args.checkpoint, key=key,
                               checkpoint=not args.no_checkpoint)
    except TamperError as exc:
        print(f"FAILED: {exc}")
        return EXIT_TAMPERED
    print(report.line())
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from rbm_surveys.audit import diff_ledgers

    ok, line = diff_ledgers(args.a, args.b)
    print(line if ok else f"FAILED: {line}")
    return 0 if ok else EXIT_TAMPERED
