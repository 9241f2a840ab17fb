"""From proposed verdicts and reviewers' decisions to final levels, every change with a reason.

Rules, per (document, rubric, criterion) — the ``status`` column of :data:`FINAL_COLUMNS`:

* ``unreviewed`` — no reviewer decided yet: the engine's proposed level stands, unreviewed;
* ``reviewed`` — every reviewer who decided chose the same level: that level;
* ``disputed`` — reviewers disagree and no adjudicator has decided: the proposed level stands
  until an adjudicator's decision (an adjudication workbook, read like any other) settles it;
* ``adjudicated`` — the adjudicator's level.

Only ``reviewed`` and ``adjudicated`` levels count by default (:func:`counted_verdicts`);
the engine's proposals count only when the user asks, and are then labelled as such.

A final level that differs from the proposal always carries the reviewers' comments: the
workbook import refuses an override without one, so nothing changes without a recorded reason.
"""

from __future__ import annotations

import pandas as pd

from rbm_surveys.review.sheets import KEY_COLUMNS

__all__ = ["FINAL_COLUMNS", "STATUSES", "COUNTED_STATUSES", "adjudicate", "counted_verdicts"]

#: Columns of ``final_verdicts.csv`` (a stable contract: see docs/review.md).
FINAL_COLUMNS = [*KEY_COLUMNS, "proposed_level", "final_level", "status", "changed",
                 "reviewers", "levels_chosen", "comments", "adjudicator", "ledger_entries",
                 "ledger_head"]
STATUSES = ("adjudicated", "reviewed", "disputed", "unreviewed")
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
    out["status"] = "unreviewed"
    agreed = out["n_levels"] == 1
    out.loc[agreed, "final_level"] = out.loc[agreed, "agreed_level"]
    out.loc[agreed, "status"] = "reviewed"
    out.loc[out["n_levels"] > 1, "status"] = "disputed"
    out["adjudicator"] = ""
    if adjudication is not None:
        adj = adjudication[adjudication["decision"] != "pending"][
            KEY_COLUMNS + ["final_level", "comment", "reviewer"]].rename(
            columns={"final_level": "adjudicated_level", "comment": "adjudication_comment",
                     "reviewer": "adjudicated_by"})
        out = out.merge(adj, on=KEY_COLUMNS, how="left")
        settled = out["adjudicated_level"].notna() & (out["status"] == "disputed")
        out.loc[settled, "final_level"] = out.loc[settled, "adjudicated_level"]
        out.loc[settled, "status"] = "adjudicated"
        out.loc[settled, "adjudicator"] = out.loc[settled, "adjudicated_by"].fillna("")
        note = out["adjudication_comment"].fillna("")
        out.loc[settled, "comments"] = (out.loc[settled, "comments"].fillna("") + " | adjudicator: "
                                        + note[settled])
    out["changed"] = out["final_level"] != out["proposed_level"]
    for col in ("reviewers", "levels_chosen", "comments"):
        out[col] = out[col].fillna("")
    entries, _, _ = ledger_head.partition(":")
    out["ledger_entries"] = int(entries) if entries else 0
    out["ledger_head"] = ledger_head
    return out[FINAL_COLUMNS]


def counted_verdicts(final: pd.DataFrame, *, include_unreviewed: bool = False) -> pd.DataFrame:
    """The final levels that count, each labelled with its ``basis``.

    By default only ``reviewed`` and ``adjudicated`` rows; with ``include_unreviewed`` also
    ``unreviewed`` and ``disputed`` rows at the engine's proposed level, labelled
    ``basis = "engine proposal (unreviewed)"`` so no one mistakes them for reviewed levels.
    """
    if "status" not in final.columns:
        from rbm_surveys.errors import DataError

        raise DataError("final verdicts lack the 'status' column",
                        hint="give final_verdicts.csv written by `rbm review import`")
    keep = final["status"].isin(COUNTED_STATUSES)
    if include_unreviewed:
        keep = keep | final["status"].isin(("unreviewed", "disputed"))
    out = final[keep].copy()
    out["basis"] = out["status"].map({"reviewed": "reviewed", "adjudicated": "adjudicated"}
                                     ).fillna("engine proposal (unreviewed)")
    return out.reset_index(drop=True)
