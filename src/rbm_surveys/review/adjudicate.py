"""From proposed verdicts and reviewers' decisions to final levels, every change with a reason.

Rules, per (document, criterion):

* no reviewer decided yet → ``pending``: the proposed level stands, marked as unreviewed;
* all reviewers who decided chose the same level → ``agreed``: that level;
* reviewers disagree → ``needs adjudication``: the proposed level stands until an
  adjudicator's decision (an adjudication workbook, read like any other) settles it →
  ``adjudicated``.

A final level that differs from the proposal always carries the reviewers' comments: the
workbook import refuses an override without one, so nothing changes without a recorded reason.
"""

from __future__ import annotations

import pandas as pd

from rbm_surveys.review.sheets import KEY_COLUMNS

__all__ = ["FINAL_COLUMNS", "adjudicate"]

FINAL_COLUMNS = [*KEY_COLUMNS, "proposed_level", "final_level", "status", "changed",
                 "reviewers", "levels_chosen", "comments"]


def adjudicate(verdicts: pd.DataFrame, decisions: pd.DataFrame,
               adjudication: pd.DataFrame | None = None) -> pd.DataFrame:
    """Final level per (document, criterion); columns :data:`FINAL_COLUMNS`."""
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
    out["status"] = "pending"
    agreed = out["n_levels"] == 1
    out.loc[agreed, "final_level"] = out.loc[agreed, "agreed_level"]
    out.loc[agreed, "status"] = "agreed"
    out.loc[out["n_levels"] > 1, "status"] = "needs adjudication"
    if adjudication is not None:
        adj = adjudication[adjudication["decision"] != "pending"][
            KEY_COLUMNS + ["final_level", "comment"]].rename(
            columns={"final_level": "adjudicated_level", "comment": "adjudication_comment"})
        out = out.merge(adj, on=KEY_COLUMNS, how="left")
        settled = out["adjudicated_level"].notna() & (out["status"] == "needs adjudication")
        out.loc[settled, "final_level"] = out.loc[settled, "adjudicated_level"]
        out.loc[settled, "status"] = "adjudicated"
        note = out["adjudication_comment"].fillna("")
        out.loc[settled, "comments"] = (out.loc[settled, "comments"].fillna("") + " | adjudicator: "
                                        + note[settled])
    out["changed"] = out["final_level"] != out["proposed_level"]
    for col in ("reviewers", "levels_chosen", "comments"):
        out[col] = out[col].fillna("")
    return out[FINAL_COLUMNS]
