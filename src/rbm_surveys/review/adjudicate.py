"""From proposed verdicts and reviewers' decisions to final levels, every change with a reason.

Rules, per (document, rubric, criterion) — the ``review_state`` column of
:data:`FINAL_COLUMNS`, and the ``status`` that says whether the level that stands was reviewed:

* ``pending`` (status ``unreviewed``) — no reviewer decided yet: the engine's proposed level
  stands, unreviewed;
* ``reviewed`` (status ``reviewed``) — every reviewer who decided chose the same level: that
  level;
* ``disputed`` (status ``unreviewed``) — reviewers disagree and no adjudicator has decided:
  the proposed level stands, unreviewed, until an adjudicator's decision (an adjudication
  workbook, read like any other) settles it;
* ``adjudicated`` (status ``adjudicated``) — the adjudicator's level.

Only ``reviewed`` and ``adjudicated`` levels count by default (:func:`counted_verdicts`);
the engine's proposals count only when the user asks, and are then labelled as such.

A final level that differs from the proposal always carries the reviewers' comments: the
workbook import refuses an override without one, so nothing changes without a recorded reason.
"""

from __future__ import annotations

import pandas as pd

from rbm_surveys.review.sheets import KEY_COLUMNS

__all__ = ["FINAL_COLUMNS", "STATUSES", "REVIEW_STATES", "COUNTED_STATUSES", "adjudicate",
           "counted_verdicts"]

#: Columns of ``final_verdicts.csv`` (a stable contract: see docs/review.md).
FINAL_COLUMNS = [*KEY_COLUMNS, "proposed_level", "final_level", "status", "changed",
                 "reviewers", "levels_chosen", "comments", "adjudicator", "ledger_entries",
                 "ledger_head", "review_state"]
STATUSES = ("adjudicated", "reviewed", "unreviewed")
REVIEW_STATES = ("adjudicated", "reviewed", "disputed", "pending")
COUNTED_STATUSES = ("adjudicated", "reviewed")


def adjudicate(verdicts: pd.DataFrame, decisions: pd.DataFrame,
               adjudication: pd.DataFrame | None = None, *, ledger_head: str = "") -> pd.DataFrame:
    """Final level per (document, rubric, criterion); columns :data:`FINAL_COLUMNS`.

    ``ledger_head``: ``"<entries>:<sha256>"`` of the audit ledger that records these
    decisions (filled into ``ledger_entries`` / ``ledger_head``).
    """
    base = verdicts[KEY_COLUMNS + ["level"]].astype({c: str for c in KEY_COLUMNS})
    base = base.rename(columns={"level": "proposed_level"})
    done = decisions[decisions["decision"] != "pending"]
    grouped = done.groupby(KEY_COLUMNS, sort=False).agg(
        reviewers=("reviewer", lambda s: "; ".join(map(str, s))),
        levels_chosen=("final_level", lambda s: "; ".join(s)),
        n_levels=("final_level", "nunique"),
        agreed_level=("final_level", "first"),
        comments=("comment", lambda s: " | ".join(c for c in s if c)),
    ).reset_index()
    out = base.merge(grouped, on=KEY_COLUMNS, how="left")
    out["final_level"] = out["proposed_level"]
    out["review_state"] = "pending"
    agreed = out["n_levels"] == 1
    out.loc[agreed, "final_level"] = out.loc[agreed, "agreed_level"]
    out.loc[agreed, "review_state"] = "reviewed"
    out.loc[out["n_levels"] > 1, "review_state"] = "disputed"
    out["adjudicator"] = ""
    if adjudication is not None:
        adj = adjudication[adjudication["decision"] != "pending"][
            KEY_COLUMNS + ["final_level", "comment", "reviewer"]].rename(
            columns={"final_level": "adjudicated_level", "comment": "adjudication_comment",
                     "reviewer": "adjudicated_by"})
        out = out.merge(adj, on=KEY_COLUMNS, how="left")
        settled = out["adjudicated_level"].notna() & (out["review_state"] == "disputed")
        out.loc[settled, "final_level"] = out.loc[settled, "adjudicated_level"]
        out.loc[settled, "review_state"] = "adjudicated"
        out.loc[settled, "adjudicator"] = out.loc[settled, "adjudicated_by"].fillna("")
        note = out["adjudication_comment"].fillna("")
        out.loc[settled, "comments"] = (out.loc[settled, "comments"].fillna("") + " | adjudicator: "
                                        + note[settled])
    out["status"] = out["review_state"].map({"adjudicated": "adjudicated",
                                             "reviewed": "reviewed"}).fillna("unreviewed")
    out["changed"] = out["final_level"] != out["proposed_level"]
    for col in ("reviewers", "levels_chosen", "comments"):
        out[col] = out[col].fillna("")
    entries, _, _ = ledger_head.partition(":")
    out["ledger_entries"] = int(entries) if entries else 0
    out["ledger_head"] = ledger_head
    return out[FINAL_COLUMNS]


def counted_verdicts(final: pd.DataFrame, *, include_unreviewed: bool = False) -> pd.DataFrame:
    """The final levels that count, each labelled with its ``basis``.

    By default only ``reviewed`` and ``adjudicated`` rows; with ``include_unreviewed`` also the
    ``unreviewed`` rows (pending or disputed) at the engine's proposed level, labelled
    ``basis = "engine proposal (unreviewed)"`` so no one mistakes them for reviewed levels.
    """
    if "status" not in final.columns:
        from rbm_surveys.errors import DataError

        raise DataError("final verdicts lack the 'status' column",
                        hint="give final_verdicts.csv written by `rbm review import`")
    keep = final["status"].isin(COUNTED_STATUSES)
    if include_unreviewed:
        keep = keep | (final["status"] == "unreviewed")
    out = final[keep].copy()
    out["basis"] = out["status"].map({"reviewed": "reviewed", "adjudicated": "adjudicated"}
                                     ).fillna("engine proposal (unreviewed)")
    return out.reset_index(drop=True)
