"""Reading the evidence JSON Lines written by `rbm docs score` (one passage per line).

Records may or may not carry ``vetoed`` (and ``veto_term`` / ``veto_reason``): older files
have only supporting passages. Every record read here has ``vetoed`` (bool) and
``veto_reason`` (text: the reason given, else ``"veto term: …"``, else ``""``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from rbm_surveys.errors import InputError

__all__ = ["read_evidence", "normalise_evidence"]


def normalise_evidence(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``records`` with ``vetoed`` and ``veto_reason`` always present."""
    out = []
    for rec in records:
        rec = dict(rec)
        rec["vetoed"] = bool(rec.get("vetoed") or False)
        reason = str(rec.get("veto_reason") or "")
        if rec["vetoed"] and not reason and rec.get("veto_term"):
            reason = f"veto term: {rec['veto_term']}"
        rec["veto_reason"] = reason
        out.append(rec)
    return out


def read_evidence(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Records of an evidence (or summary) JSONL file; a bad line is an error naming it."""
    records = []
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        raise InputError("not a JSON line", file=str(path), line=lineno,
                                         hint="give the evidence.jsonl written by "
                                              "`rbm docs score`") from None
                    if not isinstance(rec, dict):
                        raise InputError("not a JSON object", file=str(path), line=lineno)
                    records.append(rec)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path), hint="check the path") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    return normalise_evidence(records)
