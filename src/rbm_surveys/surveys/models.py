"""Design-based regression: linear and logistic (quasi-binomial) models with sandwich SEs.

As R ``svyglm`` (Binder 1983; Lumley 2010 ch. 5): the coefficients solve the weighted
estimating equations sum_i w_i x_i (y_i - mu_i) = 0 (IRLS for the logistic link, as R
``glm.fit``: same start, same stopping rule); their covariance is the sandwich
A^-1 B A^-1, with A = X'WX the model information and B the design covariance of the totals
of the scores x_i w_i (y_i - mu_i):

* Taylor designs: B from the PSU totals of the scores, through the same strata, fpc,
  lonely-PSU rule and calibration residuals as the estimates (R ``svy.varcoef``);
* replicate designs: the model is refitted with every replicate's weights (starting from
  the full-sample coefficients) and the covariance is that of the replicate coefficients
  (R ``svyglm.svyrep.design``).

Formulas are Wilkinson formulas read by ``formulaic`` (``"y ~ x + C(group)"``; text columns
are categorical with the first sorted level as reference, as R's factors). Term names are
formulaic's (``group[T.b]``), not R's (``groupb``). Rows with a missing value in a model
variable are left out (zero weight) as R's ``na.action=na.omit``.

Degrees of freedom: design df + 1 - number of coefficients (R ``df.residual`` of a
``svyglm``); t-statistics, p-values and intervals use Student's t with them (R
``summary.svyglm`` and ``confint.svyglm``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from rbm_surveys.errors import ConvergenceError, DataError, UsageError
from rbm_surveys.surveys.covariance import replicate_covariance, score_covariance

__all__ = ["ModelFit", "glm", "predicted_means", "COEFFICIENT_COLUMNS",
           "PREDICTED_MEAN_COLUMNS", "FAMILIES"]

FAMILIES = ("gaussian", "quasibinomial")
#: columns of ``ModelFit.coefficients``
COEFFICIENT_COLUMNS = ["term", "estimate", "se", "t", "df", "p_value", "ci_low", "ci_high",
                       "family", "n", "design"]
#: columns of :func:`predicted_means`
PREDICTED_MEAN_COLUMNS = ["group", "level", "estimate", "se", "ci_low", "ci_high",
                          "ci_method", "design"]


@dataclass
class ModelFit:
    """A fitted design-based model: ``coefficients`` (tidy, :data:`COEFFICIENT_COLUMNS`),
    ``vcov`` (sandwich covariance), ``beta``, ``terms``, residual ``df`` and the fitted
    means ``mu`` of the rows used (``used`` marks them)."""

    coefficients: pd.DataFrame
    vcov: np.ndarray
    beta: np.ndarray
    terms: list[str]
    df: float
    family: str
    mu: np.ndarray
    used: np.ndarray
    spec: Any = None


def _quote(name: str) -> str:
    return name if name.isidentifier() else f"`{name}`"


def _wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares: normal equations (one pass over the rows), or a QR-based
    least-squares solve when X'WX is ill-conditioned (R ``glm.fit`` always uses QR)."""
    xw = x * w[:, None]
    xtx = xw.T @ x
    if np.linalg.cond(xtx) < 1e8:
        return np.linalg.solve(xtx, xw.T @ y)
    sw = np.sqrt(w)
    return np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)[0]


def _irls(x: np.ndarray, y: np.ndarray, w: np.ndarray, family: str,
          start: np.ndarray | None = None, epsilon: float = 1e-8,
          maxit: int = 25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted (quasi-)likelihood fit as R ``glm.fit``: coefficients, fitted means and the
    working weights of the last least-squares step.

    Gaussian: one weighted least-squares solve. Quasi-binomial: IRLS from R's start
    (mu = (w y + 1/2)/(w + 1), or ``start``) until |dev - dev_old| / (|dev| + 0.1) <
    ``epsilon`` (R ``glm.control``). The working weights are those the last step solved
    with (mu before its update), which R keeps for ``cov.unscaled`` and the scores; they
    differ from the converged ones by the last step's change, ~1e-6 relative in SEs."""
    if family == "gaussian":
        return (beta := _wls(x, y, w)), x @ beta, w

    def deviance(mu: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = np.where(y > 0, y * np.log(y / mu), 0.0)
            t2 = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
        return float(2 * np.sum(w * (t1 + t2)))

    if start is None:
        mu = (w * y + 0.5) / (w + 1)
        eta = special.logit(mu)
    else:
        eta = x @ start
        mu = special.expit(eta)
    dev_old = deviance(mu)
    for _ in range(maxit):
        var = mu * (1 - mu)
        if not np.all(var[w > 0] > 1e-300):
            break                        # fitted probabilities of exactly 0 or 1
        z = eta + (y - mu) / var
        work = w * var
        try:
            beta = _wls(x, z, work)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(beta)):
            break
        eta = x @ beta
        mu = special.expit(eta)
        dev = deviance(mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            return beta, mu, work
        dev_old = dev
    raise ConvergenceError("the logistic model did not converge (fitted probabilities reach "
                           f"0 or 1, or {maxit} iterations passed)",
                           hint="check for separation (a group where the outcome is always "
                                "0 or 1) or simplify the model")


def _frames(design: Any, formula: str) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """(model spec, X of used rows, y of used rows, used-row mask) via formulaic."""
    try:
        from formulaic import model_matrix
        from formulaic.errors import FormulaicError
    except ImportError as exc:  # pragma: no cover - formulaic is a dependency
        raise UsageError("models need the formulaic package", key="formula",
                         hint="pip install formulaic") from exc
    if not isinstance(formula, str) or "~" not in formula:
        raise UsageError(f"formula {formula!r} needs an outcome: 'y ~ x + z'", key="formula")
    data = design.data.reset_index(drop=True)
    try:
        mm = model_matrix(formula, data, na_action="drop")
    except (FormulaicError, ValueError, TypeError, KeyError) as exc:
        names = [str(c) for c in data.columns]
        bad = [tok for tok in formula.replace("~", " ").replace("+", " ").replace("*", " ")
               .replace(":", " ").split() if tok.strip("`") not in names
               and tok.strip("`").isidentifier() and tok not in ("C", "1", "0")]
        hint = "check the column names in the formula"
        if bad:
            close = difflib.get_close_matches(bad[0].strip("`"), names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else hint
        raise UsageError(f"cannot read formula {formula!r}: {exc}", key="formula",
                         hint=hint) from None
    lhs, rhs = mm.lhs, mm.rhs
    if lhs.shape[1] != 1:
        raise UsageError("the outcome must be one numeric column (code a yes/no outcome "
                         "as 0/1)", key="formula")
    used = np.zeros(design.n, dtype=bool)
    used[np.asarray(rhs.index)] = True
    y = np.asarray(lhs, dtype=float)[:, 0]
    x = np.asarray(rhs, dtype=float)
    return rhs.model_spec, x, y, used


def glm(design: Any, formula: str, family: str = "gaussian",
        level: float = 0.95) -> ModelFit:
    """Design-based GLM (R ``svyglm(formula, design, family=gaussian()|quasibinomial())``).

    Returns a :class:`ModelFit`; ``fit.coefficients`` is the tidy table."""
    if family not in FAMILIES:
        close = difflib.get_close_matches(str(family), FAMILIES, n=1)
        raise UsageError(f"family={family!r} is not supported", key="family",
                         hint=f"did you mean {close[0]!r}?" if close else
                         f"use one of {', '.join(FAMILIES)}")
    spec, x, y, used = _frames(design, formula)
    w = np.asarray(design.weights, dtype=float)[used]
    if family == "quasibinomial" and np.any((y < 0) | (y > 1)):
        raise DataError("a logistic model needs an outcome between 0 and 1",
                        key="formula", hint="code the outcome as 0/1")
    terms = [str(t) for t in spec.column_names]
    xtx = (x * np.maximum(w, 0)[:, None]).T @ x
    scale = np.sqrt(np.maximum(np.diag(xtx), 1e-300))
    eig = np.linalg.eigvalsh(xtx / np.outer(scale, scale))     # rank of the scaled X'WX
    rank = int(np.sum(eig > 1e-12 * max(eig.max(), 1e-300)))
    if rank < x.shape[1]:
        raise DataError(f"the model matrix has rank {rank} for {x.shape[1]} terms "
                        "(collinear or empty terms)", key="formula",
                        hint="drop a term or merge sparse categories")
    wn = w / w.mean()                                     # R svyglm rescale=TRUE
    beta, mu, work = _irls(x, y, wn, family)
    a_inv = np.linalg.inv(x.T @ (work[:, None] * x))      # R cov.unscaled
    # R estfun: model matrix * working residuals * working weights
    dmu = mu * (1 - mu) if family == "quasibinomial" else 1.0
    if design.kind == "taylor":
        z = np.zeros((design.n, len(beta)))
        z[used] = (x * ((y - mu) / dmu * work)[:, None]) @ a_inv
        vcov = score_covariance(design, z)
        df_design = float(design.with_weights(np.where(used, design.weights, 0.0)).degf) \
            if not used.all() else float(design.degf)
    else:
        rep = np.asarray(design.repweights)[used]
        betas = np.empty((rep.shape[1], len(beta)))
        for r in range(rep.shape[1]):        # one refit per replicate (R svyglm.svyrep)
            wr = rep[:, r]
            betas[r] = _irls(x, y, wr / wr.sum(), family, start=beta)[0]
        vcov = replicate_covariance(beta, betas.T, design.scale, design.rscales, design.mse)
        df_design = float(design.degf)
    df = df_design + 1 - len(beta)
    se = np.sqrt(np.diag(vcov))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = beta / se
        p = 2 * stats.t.sf(np.abs(t), df) if df > 0 else np.full(len(beta), np.nan)
        crit = stats.t.ppf(1 - (1 - level) / 2, df) if df > 0 else np.nan
    coefs = pd.DataFrame({"term": terms, "estimate": beta, "se": se, "t": t, "df": df,
                          "p_value": p, "ci_low": beta - crit * se, "ci_high": beta + crit * se,
                          "family": family, "n": int(used.sum()),
                          "design": design.describe()})
    return ModelFit(coefs[COEFFICIENT_COLUMNS], vcov, beta, terms, df, family, mu, used, spec)


def predicted_means(design: Any, formula: str, group: str, family: str = "quasibinomial",
                    level: float = 0.95) -> pd.DataFrame:
    """Predictive marginal means (proportions for a logistic model) by ``group``.

    R ``svypredmeans(svyglm(formula), ~group)`` (Korn & Graubard 1999): the model is refitted
    with ``group`` added; for each level g every row's prediction is made with its group set
    to g and its own covariates, and the weighted mean of those predictions is the marginal
    mean. Its variance is the design variance of that mean plus the coefficient uncertainty
    carried through the gradient (R adds the two, treating them as uncorrelated). Intervals
    are normal (R ``confint`` of a ``svystat``)."""
    if group not in design.data.columns:
        close = difflib.get_close_matches(group, [str(c) for c in design.data.columns], n=1)
        raise UsageError(f"group column {group!r} is not in the data", column=group,
                         hint=f"did you mean {close[0]!r}?" if close else None)
    full = f"{formula} + C({_quote(group)})"
    fit = glm(design, full, family=family, level=level)
    data = design.data.reset_index(drop=True)
    gvals = data[group]
    levels = sorted(pd.unique(gvals.dropna()).tolist())
    w = np.asarray(design.weights, dtype=float)
    fits = np.empty((design.n, len(levels)))
    grads = np.empty((len(fit.beta), len(levels)))
    for i, g in enumerate(levels):
        new = data.copy()
        new[group] = pd.Series([g] * len(new), index=new.index, dtype=gvals.dtype)
        x = np.asarray(fit.spec.get_model_matrix(new, na_action="ignore"), dtype=float)
        eta = x @ fit.beta
        mu = special.expit(eta) if family == "quasibinomial" else eta
        dmu = mu * (1 - mu) if family == "quasibinomial" else np.ones_like(mu)
        if np.isnan(mu).any():
            raise DataError("a covariate of the model is missing for some rows, so their "
                            "predictions are undefined", key="formula",
                            hint="drop those rows from the design first")
        fits[:, i] = mu
        grads[:, i] = (w * dmu) @ x / w.sum()
    big_w = w.sum()
    means = w @ fits / big_w
    if design.kind == "taylor":
        cond = score_covariance(design, w[:, None] * (fits - means) / big_w)
    else:
        rep = np.asarray(design.repweights)
        reps = (rep.T @ fits) / rep.sum(axis=0)[:, None]           # (R x G)
        cond = replicate_covariance(means, reps.T, design.scale, design.rscales, design.mse)
    vcov = grads.T @ fit.vcov @ grads + cond
    se = np.sqrt(np.diag(vcov))
    crit = stats.norm.ppf(1 - (1 - level) / 2)
    return pd.DataFrame({"group": group, "level": levels, "estimate": means, "se": se,
                         "ci_low": means - crit * se, "ci_high": means + crit * se,
                         "ci_method": "wald", "design": design.describe()})
