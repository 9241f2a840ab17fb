"""`rbm survey` (placeholder until its issue lands)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("survey", help="(not yet available)")
    p.set_defaults(func=run)


def run(args) -> int:
    from rbm_surveys.errors import UsageError

    raise UsageError("'rbm survey' is not available yet")
