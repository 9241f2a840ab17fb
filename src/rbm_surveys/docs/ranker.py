"""Optional passage ranker: puts the passages reviewers are likely to confirm first.

TF-IDF (word 1-2-grams plus character 2-4-grams, so Chinese text without spaces works too)
and a logistic regression, trained on passages that reviewers confirmed (1) or rejected (0).
It only ORDERS candidate evidence for review (``score_document(..., ranker=)``); verdicts
never depend on it, and the score it gives is shown as ``rank_score`` beside each passage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rbm_surveys.errors import UsageError

__all__ = ["PassageRanker"]


class PassageRanker:
    """``PassageRanker(C=1.0, random_state=0).fit(passages, confirmed)`` then ``.score()``.

    Parameters are stored as given (scikit-learn style); ``fit`` checks the data.
    """

    def __init__(self, C: float = 1.0, random_state: int = 0) -> None:
        self.C = C
        self.random_state = random_state

    def fit(self, passages: Sequence[str], confirmed: Sequence[int | bool]) -> "PassageRanker":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        y = np.asarray(confirmed).astype(int)
        if len(passages) != len(y):
            raise UsageError(f"{len(passages)} passages but {len(y)} labels",
                             hint="give one confirmed/rejected label per passage")
        if set(np.unique(y)) != {0, 1}:
            raise UsageError("the ranker needs both confirmed (1) and rejected (0) passages",
                             hint="export reviewer decisions with both outcomes")
        self.pipeline_ = make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                       sublinear_tf=True)),
            LogisticRegression(C=self.C, random_state=self.random_state, max_iter=1000))
        self.pipeline_.fit(list(passages), y)
        return self

    def score(self, passages: Sequence[str]) -> np.ndarray:
        """Probability that each passage would be confirmed (0–1)."""
        if not hasattr(self, "pipeline_"):
            raise UsageError("the ranker is not trained", hint="call fit(passages, confirmed)")
        if not len(passages):
            return np.zeros(0)
        return self.pipeline_.predict_proba(list(passages))[:, 1]
