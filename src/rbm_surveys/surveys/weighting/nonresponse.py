"""Non-response adjustment by weighting classes and by response-propensity classes.

Within each class c, respondents' weights are multiplied by
``f_c = sum(w, all eligible in c) / sum(w, respondents in c)``, so respondents stand for the
non-respondents of their class; non-respondents get weight 0 (Kalton & Flores-Cervantes
2003, §2; Valliant, Dever & Kreuter 2018, §13.3).

Propensity classes: a scikit-learn ``LogisticRegression`` of response on covariates gives
each unit a response propensity; units are grouped into quantile classes of the propensity
(default quintiles, Rosenbaum & Rubin 1984) and the weighting-class factor above is applied
within those classes, which is more robust than using 1/propensity directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError, UsageError, WeightingError

__all__ = ["nonresponse_adjust", "propensity_classes", "FACTOR_COLUMNS"]

#: Columns of the per-class factor table.
FACTOR_COLUMNS = ("class", "n", "n_respondents", "response_rate", "weight_all",
                  "weight_respondents", "factor", "mean_propensity")


def _responded(data: pd.DataFrame, responded: str | np.ndarray) -> np.ndarray:
    if isinstance(responded, str):
        if responded not in data.columns:
            raise DataError("response indicator column not in the data", column=responded,
                            hint="name the 0/1 (or True/False) response column")
        col = data[responded]
        if col.isna().any():
            raise DataError("response indicator has missing values", column=responded,
                            row=int(np.flatnonzero(col.isna().to_numpy())[0]) + 1,
                            hint="code every eligible unit as responded 1 or 0")
        values = col.to_numpy()
    else:
        values = np.asarray(responded)
    r = values.astype(float)
    if not np.all(np.isin(r, (0.0, 1.0))):
        raise DataError("response indicator must be 0/1 or True/False",
                        column=responded if isinstance(responded, str) else None)
    return r.astype(bool)


def nonresponse_adjust(data: pd.DataFrame, weights: np.ndarray, responded: str | np.ndarray,
                       classes: str | Sequence[str] | np.ndarray, *,
                       max_factor: float | None = None,
                       propensity: np.ndarray | None = None
                       ) -> tuple[np.ndarray, pd.DataFrame]:
    """Weighting-class non-response adjustment.

    Returns (adjusted weights: respondents' weights times their class factor, 0 for
    non-respondents; a tidy factor table with ``FACTOR_COLUMNS``). A class with eligible
    units but no respondents, or a factor above ``max_factor``, is a
    :class:`WeightingError` naming the class, with a hint to merge classes.

    R equivalent: none in ``survey``; as ``sampling``/``PracTools`` weighting-class
    adjustment (Valliant, Dever & Kreuter 2018, §13.5).
    """
    w = np.asarray(weights, dtype=float)
    if w.shape != (len(data),) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise DataError("weights must be finite, non-negative, one per row",
                        hint="compute base weights first")
    r = _responded(data, responded)
    if isinstance(classes, np.ndarray):
        labels = pd.Series(classes.astype(str))
    else:
        cols = [classes] if isinstance(classes, str) else list(classes)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataError("weighting-class column not in the data", column=missing[0],
                            hint="check the class column names")
        parts = data[cols].astype("string").fillna("<NA>")
        labels = parts[cols[0]] if len(cols) == 1 else parts.agg(" x ".join, axis=1)
    codes, uniques = pd.factorize(labels, sort=True)
    k = len(uniques)
    w_all = np.bincount(codes, weights=w, minlength=k)
    w_resp = np.bincount(codes, weights=w * r, minlength=k)
    n_all = np.bincount(codes, minlength=k)
    n_resp = np.bincount(codes, weights=r.astype(float), minlength=k).astype(np.int64)
    empty = (n_resp == 0) & (w_all > 0)
    if empty.any():
        bad = str(uniques[np.flatnonzero(empty)[0]])
        raise WeightingError(f"weighting class has eligible units but no respondents "
                             f"({int(empty.sum())} such class(es))", category=bad,
                             hint="merge this class with a similar one, or use fewer "
                                  "propensity classes")
    factor = np.divide(w_all, w_resp, out=np.ones(k), where=w_resp > 0)
    if max_factor is not None and np.any(factor > max_factor):
        i = int(np.argmax(factor))
        raise WeightingError(f"non-response factor {factor[i]:.3g} exceeds max_factor "
                             f"{max_factor:g}", category=str(uniques[i]),
                             hint="merge sparse classes before adjusting")
    adjusted = np.where(r, w * factor[codes], 0.0)
    mean_p = (np.bincount(codes, weights=propensity, minlength=k) / np.maximum(n_all, 1)
              if propensity is not None else np.full(k, np.nan))
    table = pd.DataFrame({
        "class": [str(u) for u in uniques], "n": n_all, "n_respondents": n_resp,
        "response_rate": np.divide(w_resp, w_all, out=np.zeros(k), where=w_all > 0),
        "weight_all": w_all, "weight_respondents": w_resp, "factor": factor,
        "mean_propensity": mean_p,
    })
    return adjusted, table[list(FACTOR_COLUMNS)]


def propensity_classes(data: pd.DataFrame, responded: str | np.ndarray,
                       covariates: Sequence[str], *, n_classes: int = 5,
                       weights: np.ndarray | None = None, C: float = 1.0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Response propensities (logistic regression) and their quantile classes.

    Categorical covariates are one-hot encoded, numeric ones used as they are
    (standardised). ``weights`` (design weights) enter the fit as sample weights. Returns
    (class label per row, 1..n_classes; propensity per row). Ties at quantile cut points
    go to the lower class; fewer classes result if propensities take few distinct values.

    R equivalent: ``glm(responded ~ ..., family=binomial, weights=)`` then quantile classes
    (PracTools ``pclass``).
    """
    from sklearn.linear_model import LogisticRegression

    if n_classes < 1:
        raise UsageError("n_classes must be at least 1")
    r = _responded(data, responded)
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise DataError("propensity covariate not in the data", column=missing[0],
                        hint="check the covariate names")
    frame = data[list(covariates)]
    na = frame.isna().any(axis=1).to_numpy()
    if na.any():
        raise DataError("missing values in propensity covariates (known for respondents and "
                        "non-respondents alike is required)",
                        column=str(frame.columns[frame.isna().any()][0]),
                        row=int(np.flatnonzero(na)[0]) + 1,
                        hint="impute them or use covariates known for every sampled unit")
    numeric = [c for c in covariates if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    categorical = [c for c in covariates if c not in numeric]
    parts = []
    if numeric:
        x = frame[numeric].to_numpy(dtype=float)
        sd = x.std(axis=0)
        parts.append((x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0))
    if categorical:
        parts.append(pd.get_dummies(frame[categorical].astype("string"),
                                    drop_first=True).to_numpy(dtype=float))
    X = np.column_stack(parts) if parts else np.zeros((len(data), 0))
    if r.all() or not r.any():
        raise WeightingError("everybody (or nobody) responded: no propensity model to fit",
                             hint="use a plain weighting-class adjustment")
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(X, r.astype(int), sample_weight=weights)
    p = model.predict_proba(X)[:, 1]
    cuts = np.unique(np.quantile(p, np.linspace(0, 1, n_classes + 1)[1:-1]))
    classes = np.searchsorted(cuts, p, side="left") + 1
    return classes, p
