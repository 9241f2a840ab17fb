"""One review import: workbooks checked, decisions recorded once, final levels and agreement.

:func:`import_reviews` does everything that can fail *before* anything is written: it reads
and checks every workbook (zip guards, locked cells, decisions), checks them against the
verdicts file (no row missing or extra, same proposed levels), checks the ledger (chain, key,
checkpoint, and the head recorded in each workbook at export), and prepares the ledger batch
of decisions not yet recorded — keyed by (document hash, rubric, criterion, reviewer,
decision hash), so importing the same workbook again records nothing. The caller stages the
output files, then calls :meth:`ImportResult.commit` to append the batch (one fsync'd write),
then swaps the outputs in (:class:`rbm_surveys.files.OutputSet`): a failure at any step
leaves neither partial outputs nor a partial batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rbm_surveys.audit import Head, Ledger, decision_key, verify_ledger
from rbm_surveys.errors import DataError
from rbm_surveys.review.adjudicate import adjudicate
from rbm_surveys.review.agreement import agreement, engine_confusion
from rbm_surveys.review.sheets import (check_against_verdicts, decisions_to_records,
                                       read_review_workbook)

__all__ = ["ImportResult", "import_reviews"]

_LEDGER_FIELDS = ["document", "document_sha256", "rubric", "rubric_version", "criterion",
                  "proposed_level", "decision", "final_level", "comment", "reviewer",
                  "workbook_sha256", "row"]
_FINAL_FIELDS = ["document", "document_sha256", "rubric", "rubric_version", "criterion",
                 "proposed_level", "final_level", "status", "reviewers", "levels_chosen",
                 "comments", "adjudicator", "review_state"]


@dataclass
class ImportResult:
    """Tables of one import and the ledger batch waiting to be appended."""

    decisions: pd.DataFrame
    final: pd.DataFrame
    agreement: pd.DataFrame
    confusion: pd.DataFrame
    head: Head
    n_new: int
    ledger: Ledger
    _lines: list[str] = field(default_factory=list, repr=False)
    _old: Head | None = field(default=None, repr=False)

    def commit(self) -> Head:
        """Append the prepared batch to the ledger (nothing if every decision is recorded)."""
        if self._lines and self._old is not None:
            self.ledger.write(self._lines, self.head, self._old)
            self._lines = []
        return self.head

    def summary(self) -> str:
        """What was imported, the final statuses, the engine check and agreement, as text."""
        d, f = self.decisions, self.final
        counts = f["review_state"].value_counts().to_dict()
        done = f[f["status"].isin(("reviewed", "adjudicated"))]
        lines = [f"{int((d['decision'] != 'pending').sum())} decisions from "
                 f"{d['reviewer'].nunique()} reviewer(s); final: {counts}",
                 f"engine proposals changed by review: {int(done['changed'].sum())} of "
                 f"{len(done)} reviewed final levels"]
        if d["reviewer"].nunique() < 2:
            lines.append("  (agreement between reviewers needs two or more reviewers)")
        a = self.agreement[self.agreement["scope"] == "all"]
        for r in a.itertuples(index=False):
            ci = (f"  (no interval: {r.n_documents} document(s))" if pd.isna(r.ci_low) else
                  f"  95% CI [{r.ci_low:.2f}, {r.ci_high:.2f}] ({r.n_boot} bootstrap replicates "
                  f"over {r.n_documents} documents)")
            lines.append(f"  {r.comparison:<16} {r.metric:<27} {r.value:6.3f}{ci}")
        conf = self.confusion[self.confusion["rubric"] == "all"]
        if len(conf) and conf["n"].sum():
            tab = conf.pivot(index="proposed_level", columns="final_level", values="n")
            tab = tab.loc[(tab.sum(axis=1) > 0), (tab.sum(axis=0) > 0)]
            lines.append("engine level (rows) vs reviewed level (columns):")
            lines += ["  " + s for s in tab.to_string().splitlines()]
        return "\n".join(lines)


def _workbook_heads(tables: list[pd.DataFrame], ledger: Ledger) -> list[Head]:
    heads = []
    for t in tables:
        text = t.attrs.get("ledger_head", "")
        if text:
            heads.append(Head.parse(text, source=f"workbook {Path(t['workbook'].iloc[0]).name}"))
    return heads


def _check_exports(tables: list[pd.DataFrame], entries: list[dict]) -> None:
    """Each workbook's proposals must be those the ledger recorded when it was exported."""
    for t in tables:
        head = t.attrs.get("ledger_head", "")
        if not head or not len(t):
            continue
        n = Head.parse(head).entries
        reviewer = t["reviewer"].iloc[0]
        exports = [e for e in entries[:n] if e.get("event") == "review.export"
                   and e.get("reviewer") == reviewer and e.get("proposals_sha256")]
        if exports and exports[-1]["proposals_sha256"] != t.attrs.get("proposals_sha256"):
            raise DataError("the workbook's proposals differ from those the ledger recorded at "
                            f"export (entry {exports[-1]['seq']}): proposed cells were edited and "
                            "re-hashed", file=str(t["workbook"].iloc[0]), sheet="Verdicts",
                            hint="fill in a fresh copy from `rbm review export`")


def import_reviews(verdicts: pd.DataFrame, workbooks: Sequence[str | Path], ledger: Ledger, *,
                   adjudication: str | Path | None = None, n_boot: int = 2000,
                   seed: int = 2026) -> ImportResult:
    """Read and check everything, prepare the ledger batch; nothing is written yet."""
    tables = [read_review_workbook(p) for p in workbooks]
    reviewers = [t["reviewer"].iloc[0] if len(t) else "" for t in tables]
    if len(set(reviewers)) != len(reviewers):
        raise DataError(f"two workbooks have the same reviewer ({reviewers})",
                        hint="import each reviewer's workbook once")
    decisions = pd.concat(tables, ignore_index=True)
    check_against_verdicts(decisions, verdicts)
    adj = None
    if adjudication is not None:
        adj = read_review_workbook(adjudication)
        check_against_verdicts(adj, verdicts)
        tables.append(adj)
    if ledger.path.exists() or ledger.checkpoint.exists():
        old = verify_ledger(ledger.path, _workbook_heads(tables, ledger), key=ledger.key).head
    else:
        if any(t.attrs.get("ledger_head") for t in tables):
            raise DataError(f"the workbooks were exported with a ledger, but {ledger.path} does "
                            "not exist", hint="give --ledger, the ledger used at export")
        old = ledger.head()

    entries = ledger.entries()
    _check_exports(tables, entries)
    final = adjudicate(verdicts, decisions, adj)
    known = {decision_key(e) for e in entries}
    records = []
    for event, table, cols in (("review.decision", decisions, _LEDGER_FIELDS),
                               ("review.adjudication", adj, _LEDGER_FIELDS),
                               ("review.final", final, _FINAL_FIELDS)):
        if table is None:
            continue
        rows = table if event != "review.final" else table[table["review_state"] != "pending"]
        if "decision" in rows:
            rows = rows[rows["decision"] != "pending"]
        for rec in decisions_to_records(rows[cols]):
            k = decision_key({**rec, "event": event})
            if k not in known:
                known.add(k)
                records.append((event, rec))
    if records:
        books = [{"workbook": Path(t["workbook"].iloc[0]).name,
                  "sha256": t["workbook_sha256"].iloc[0]} for t in tables if len(t)]
        records.insert(0, ("review.import", {"workbooks": books, "decisions": len(records)}))
        lines, head = ledger.prepare(records, old)
    else:
        lines, head = [], old
    stamp = head.as_text()
    final = adjudicate(verdicts, decisions, adj, ledger_head=stamp)
    stats = agreement(decisions, final, n_boot=n_boot, seed=seed)
    out = decisions.assign(ledger_entries=head.entries, ledger_head=stamp)
    return ImportResult(out, final, stats, engine_confusion(final), head,
                        len(lines), ledger, lines, old)
