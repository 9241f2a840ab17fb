"""`rbm docs` (placeholder until its issue lands)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("docs", help="(not yet available)")
    p.set_defaults(func=run)


def run(args) -> int:
    from rbm_surveys.errors import UsageError

    raise UsageError("'rbm docs' is not available yet")
