"""`rbm weight` (placeholder until its issue lands)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("weight", help="(not yet available)")
    p.set_defaults(func=run)


def run(args) -> int:
    from rbm_surveys.errors import UsageError

    raise UsageError("'rbm weight' is not available yet")
