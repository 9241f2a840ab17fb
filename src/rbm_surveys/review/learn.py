"""Learning from reviewers: their decisions train the passage ranker of the next export.

A passage supporting a criterion counts as *confirmed* (1) when a reviewer's final level for
that (document, rubric, criterion) is ``present`` or ``partial``, and as *rejected* (0) when
it is ``absent`` or ``not_applicable`` (the reviewer saw the passage and found it was not
evidence); ``not_determinable`` and pending rows teach nothing. The model is
:class:`rbm_surveys.docs.ranker.PassageRanker` (TF-IDF + logistic regression). It only
re-orders passages within a criterion — supporting before vetoed, then by the probability of
being confirmed — so the workbook's "best evidence" and the report show the likeliest
passage first; levels never depend on it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rbm_surveys.errors import DataError

__all__ = ["training_passages", "train_ranker", "rerank_evidence"]

_CONFIRMS = {"present": 1, "partial": 1, "absent": 0, "not_applicable": 0}


def training_passages(decisions: pd.DataFrame, evidence: list[dict[str, Any]]) -> pd.DataFrame:
    """Passages with a ``confirmed`` label (0/1) from reviewers' decisions (one row each)."""
    need = {"document_sha256", "rubric", "criterion", "decision", "final_level"}
    if need - set(decisions.columns):
        raise DataError(f"decisions lack {sorted(need - set(decisions.columns))}",
                        hint="give decisions.csv written by `rbm review import`")
    done = decisions[decisions["decision"] != "pending"]
    labels = done.assign(confirmed=done["final_level"].map(_CONFIRMS)).dropna(
        subset=["confirmed"])
    labels = labels.groupby(["document_sha256", "rubric", "criterion"], as_index=False)[
        "confirmed"].mean()
    labels = labels[labels["confirmed"].isin((0.0, 1.0))]  # reviewers split: no label
    ev = pd.DataFrame(evidence)
    if ev.empty:
        return pd.DataFrame(columns=["passage", "confirmed"])
    if "vetoed" in ev:
        ev = ev[~ev["vetoed"].fillna(False).astype(bool)]
    text = ev["passage"] if "passage" in ev else ev["text"]
    ev = ev.assign(passage=text)[["document_sha256", "rubric", "criterion", "passage"]]
    out = ev.merge(labels, on=["document_sha256", "rubric", "criterion"])
    return out.drop_duplicates(["passage", "confirmed"])[["passage", "confirmed"]].astype(
        {"confirmed": int}).reset_index(drop=True)


def train_ranker(decisions: pd.DataFrame, evidence: list[dict[str, Any]]):
    """A fitted :class:`PassageRanker` and the numbers of confirmed and rejected passages."""
    from rbm_surveys.docs.ranker import PassageRanker

    data = training_passages(decisions, evidence)
    n_pos, n_neg = int(data["confirmed"].sum()), int((data["confirmed"] == 0).sum())
    ranker = PassageRanker().fit(data["passage"].tolist(), data["confirmed"].tolist())
    return ranker, n_pos, n_neg


def rerank_evidence(evidence: list[dict[str, Any]], ranker) -> list[dict[str, Any]]:
    """Evidence re-ordered within each (document, rubric, criterion), with ``rank_score``."""
    if not evidence:
        return []
    texts = [str(e.get("passage") or e.get("text") or "") for e in evidence]
    scores = ranker.score(texts)
    groups: dict[tuple, list[int]] = {}
    for i, e in enumerate(evidence):
        groups.setdefault((e.get("document_sha256"), e.get("rubric"), e.get("criterion")),
                          []).append(i)
    out = []
    for idx in groups.values():
        idx = sorted(idx, key=lambda i: (bool(evidence[i].get("vetoed")), -scores[i], i))
        out += [{**evidence[i], "rank_score": round(float(scores[i]), 6)} for i in idx]
    return out
