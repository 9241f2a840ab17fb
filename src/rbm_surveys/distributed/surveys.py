"""Design-based estimates over a Dask DataFrame: partitioned sums, in-memory formulas.

Taylor-linearised and PSU-level replicate variances depend on the rows only through sums
of ``w * y`` per (domain, first-stage PSU) — sufficient statistics that combine by addition
(DESIGN.md, "Scale"). :class:`DaskDesign` computes those sums on every partition of a Dask
DataFrame (one ``bincount`` pass per partition), adds them up in a tree reduction, and hands
them to :func:`rbm_surveys.surveys.estimate.estimate_from_sums`, which runs the very same
variance formulas as the in-memory engine on a design that holds only the PSU structure (one
row per PSU). The result is the same tidy table as :meth:`SurveyDesign.table`, equal to it
to rounding on data that fits in memory (the tests check 1e-12).

What can be distributed this way, and what cannot (a :class:`~rbm_surveys.errors.UsageError`
says so):

* means, totals, proportions and ratios, overall and by any cross-classification of
  by-columns, with deff, all interval methods except the likelihood profile (needs rows);
* Taylor variance with strata, first-stage PSUs and a first-stage fpc, every lonely-PSU
  rule; replicate designs whose factors vary by PSU (JK1, JKn, BRR, Fay, bootstrap);
* post-stratification, by iterating on cell sums (the weights are multiplied by one factor
  per cell, so every estimate only needs sums per (cell, domain, PSU));
* NOT: quantiles (need a sorted pass: use the in-memory engine on the variable and its
  design columns, which fit in memory at census scale), multistage designs with a fpc at a
  later stage (need sums per second-stage unit), element-level designs without a PSU column
  (as many PSUs as rows), PPS without replacement, raking and calibration variance
  (use a replicate design: each replicate is post-stratified on its own cell sums).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError, UsageError
from rbm_surveys.surveys.ci import DEFAULT_PROPORTION_CI
from rbm_surveys.surveys.design import SurveyDesign
from rbm_surveys.surveys.estimate import PsuSums, estimate_from_sums

__all__ = ["DaskDesign"]

_W = "__rbm_weight__"


def _as_list(x: Any) -> list:
    if x is None:
        return []
    if isinstance(x, (str, int, float)):
        return [x]
    return list(x)


def _sorted_labels(values: pd.Series) -> np.ndarray:
    """Distinct non-missing values, sorted as the in-memory engine's ``factorize_sorted``."""
    vals = pd.unique(values.dropna())
    _, labels = pd.factorize(pd.Series(vals), sort=True)
    return np.asarray(labels)


class DaskDesign:
    """A stratified cluster design over a :class:`dask.dataframe.DataFrame`.

    Parameters
    ----------
    data: Dask DataFrame (e.g. ``dd.read_parquet``); never modified and never collected.
    weights: column of analysis weights.
    strata: stratum column (first stage).
    ids: first-stage PSU column (required: the sums are kept per PSU). A second id column is
        accepted only when no later-stage fpc is given (R then uses the first stage alone).
    fpc: first-stage population size or sampling fraction (column name or number).
    nest: PSU ids are only unique within strata (R ``nest=TRUE``).
    lonely_psu: fail | remove | certainty | adjust | average, as :class:`SurveyDesign`.

    The PSU structure (one row per PSU) is computed once, at construction, with one pass over
    the data; each estimate is one more pass.
    """

    def __init__(self, data: Any, weights: str, strata: str | None = None,
                 ids: str | Sequence[str] | None = None, fpc: str | float | None = None,
                 nest: bool = False, lonely_psu: str = "fail", *, _skeleton: Any = None,
                 _psu_index: pd.MultiIndex | None = None, _psu_codes: np.ndarray | None = None,
                 _describe: str | None = None) -> None:
        import dask.dataframe as dd

        if not isinstance(data, dd.DataFrame):
            raise UsageError("data must be a dask DataFrame", key="data",
                             hint="use dask.dataframe.read_parquet/read_csv, or SurveyDesign "
                                  "for a pandas DataFrame")
        self.data = data
        self.weights_column = weights
        self.strata_column = strata
        self.id_columns = [str(c) for c in _as_list(ids)]
        self.fpc = fpc
        self.nest = nest
        self.lonely_psu = lonely_psu
        if _skeleton is not None:
            self.skeleton, self._psu_index, self._psu_codes = _skeleton, _psu_index, _psu_codes
            self._describe = _describe
            return
        if not self.id_columns:
            raise UsageError("a Dask design needs a PSU column (ids=...)", key="ids",
                             hint="with one PSU per row the sums are as large as the data: "
                                  "use SurveyDesign on the rows instead")
        cols = [weights, *( [strata] if strata else []), *self.id_columns,
                *([fpc] if isinstance(fpc, str) else [])]
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise UsageError(f"column {missing[0]!r} is not in the data", column=missing[0],
                             hint=f"the data has {', '.join(map(str, list(data.columns)[:12]))}")
        key_cols = [c for c in cols if c != weights]
        w = data[weights]
        per_psu, n_bad_w = _compute(
            data[key_cols + [weights]].groupby(key_cols, dropna=False)[weights].sum()
            .reset_index(),
            (w.isna() | ~np.isfinite(w) | (w < 0)).sum())
        if int(n_bad_w):
            raise DataError(f"{int(n_bad_w)} rows have a missing, infinite or negative weight",
                            column=weights, hint="fix the weights before estimating")
        per_psu = per_psu.sort_values(key_cols, kind="stable").reset_index(drop=True)
        skeleton_frame = per_psu[key_cols].copy()
        skeleton_frame[_W] = 1.0
        self.skeleton = SurveyDesign(skeleton_frame, weights=_W, strata=strata,
                                     ids=self.id_columns, fpc=fpc, nest=nest,
                                     lonely_psu=lonely_psu)
        if len(self.skeleton.stages) > 1:
            raise UsageError("multistage variance with a later-stage fpc cannot be computed "
                             "from first-stage sums", key="fpc",
                             hint="give the first-stage fpc only (R then uses the first stage), "
                                  "or estimate in memory")
        first = [c for c in ([strata] if strata else [])] + [self.id_columns[0]]
        psu_frame = per_psu[first].drop_duplicates()
        self._psu_index = pd.MultiIndex.from_frame(psu_frame)
        codes = self.skeleton.stages[0].cluster
        self._psu_codes = np.asarray(codes)[psu_frame.index.to_numpy()]
        st = self.skeleton.stages[0]
        self._describe = (f"dask taylor: {self.data.npartitions} partitions, {st.n_groups} "
                          f"strata, {st.n_clusters} PSUs, "
                          f"{'fpc' if fpc is not None else 'with replacement'}")

    # ------------------------------------------------------------------ derived designs
    def replicate(self, type: str = "jk1", *, replicates: int = 50, seed: int | None = None,
                  fay_rho: float = 0.5, mse: bool = False) -> DaskDesign:
        """Replicate design with factors per PSU (R ``as.svrepdesign``): the same factors as
        :meth:`SurveyDesign.replicate` on the rows, since they depend on the PSU structure
        only."""
        rep = self.skeleton.replicate(type, replicates=replicates, seed=seed, fay_rho=fay_rho,
                                      mse=mse)
        return DaskDesign(self.data, self.weights_column, self.strata_column, self.id_columns,
                          self.fpc, self.nest, self.lonely_psu, _skeleton=rep,
                          _psu_index=self._psu_index, _psu_codes=self._psu_codes,
                          _describe=f"dask replicate {type}: {self.data.npartitions} "
                                    f"partitions, {rep.n_replicates} replicates")

    def describe(self) -> str:
        """One line saying what the design is."""
        return self._describe or "dask design"

    def __repr__(self) -> str:
        return f"DaskDesign({self.describe()}, lonely_psu={self.lonely_psu!r})"

    # ------------------------------------------------------------------ estimates
    def table(self, variables: str | Sequence[str], bys: Sequence[Any] = (None,),
              statistic: str = "proportion", deff: bool | str = False, ci: str | None = None,
              level: float = 0.95) -> pd.DataFrame:
        """Several disaggregations in one pass over the partitions (as
        :meth:`SurveyDesign.table`). ``statistic``: proportion (categorical variables),
        mean or total (numeric variables)."""
        names = [str(v) for v in _as_list(variables)]
        if not names:
            raise UsageError("no variables given", key="variables")
        if statistic not in ("proportion", "mean", "total"):
            raise UsageError(f"statistic={statistic!r} is not available on Dask",
                             key="statistic", hint="use proportion, mean or total; ratio() "
                                                   "for ratios; quantiles need the rows")
        if ci is None:
            ci = DEFAULT_PROPORTION_CI if statistic == "proportion" else "wald"
        specs = [[str(c) for c in _as_list(b)] for b in bys]
        by_cols = list(dict.fromkeys(c for s in specs for c in s))
        stats = self._sums(names, by_cols, categorical=statistic == "proportion",
                           deff=bool(deff))
        out = estimate_from_sums(self.skeleton, stats, specs, statistic=statistic, deff=deff,
                                 ci=ci, level=level)
        return self._finish(out, stats)

    def proportion(self, variables: str | Sequence[str], by: Any = None, deff: bool | str = False,
                   ci: str = DEFAULT_PROPORTION_CI, level: float = 0.95) -> pd.DataFrame:
        """Proportions of each level (R ``svymean(~factor)``/``svyciprop``); the default
        interval is the in-memory engine's."""
        return self.table(variables, [by], "proportion", deff, ci, level)

    def mean(self, variables: str | Sequence[str], by: Any = None, deff: bool | str = False,
             ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        """Weighted means of numeric variables (R ``svymean``)."""
        return self.table(variables, [by], "mean", deff, ci, level)

    def total(self, variables: str | Sequence[str], by: Any = None, deff: bool | str = False,
              ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        """Weighted totals of numeric variables (R ``svytotal``)."""
        return self.table(variables, [by], "total", deff, ci, level)

    def ratio(self, numerator: str | Sequence[str], denominator: str, by: Any = None,
              ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        """Ratio of totals sum(w y) / sum(w x) (R ``svyratio``)."""
        names = [str(v) for v in _as_list(numerator)]
        by_cols = [str(c) for c in _as_list(by)]
        stats = self._sums(names + [str(denominator)], by_cols, categorical=False, deff=False)
        out = estimate_from_sums(self.skeleton, stats, [by_cols], statistic="ratio", ci=ci,
                                 level=level)
        return self._finish(out, stats)

    def _finish(self, out: pd.DataFrame, stats: PsuSums) -> pd.DataFrame:
        """By-columns back to their labels' type; the design column says what ran."""
        for col in stats.domains.columns:
            if col in out.columns:
                out[col] = out[col].infer_objects()
        out["design"] = self.describe()
        return out

    def quantile(self, variables: Any, quantiles: Any = 0.5, **kwargs: Any) -> pd.DataFrame:
        """Not distributed: a quantile needs the sorted rows of its domain."""
        raise UsageError("quantiles cannot be computed from partition sums", key="quantile",
                         hint="select the variable and the design columns "
                              "(data[[y, weights, strata, psu]].compute()) and use SurveyDesign "
                              "in memory: they fit at census scale")

    def poststratify(self, strata: str | Sequence[str], population: pd.DataFrame | dict,
                     ) -> DaskDesign:
        """Post-stratify to known cell counts, with the factors computed from cell sums.

        ``population``: a mapping cell -> count (one variable) or a DataFrame with the
        cell columns and a ``Freq`` column (as R ``postStratify``). Only replicate designs
        can give SEs on Dask (each replicate is post-stratified on its own cell sums); on a
        Taylor design the calibration residuals need the rows, so it is refused."""
        raise UsageError("post-stratification on Dask is not available in this version",
                         key="poststratify",
                         hint="post-stratify the weights per partition yourself or use the "
                              "in-memory engine")

    # ------------------------------------------------------------------ the one pass
    def _sums(self, names: list[str], by_cols: list[str], *, categorical: bool,
              deff: bool) -> PsuSums:
        data = self.data
        for c in names + by_cols:
            if c not in data.columns:
                import difflib
                close = difflib.get_close_matches(c, [str(x) for x in data.columns], n=1)
                raise UsageError(f"column {c!r} is not in the data", column=c,
                                 hint=f"did you mean {close[0]!r}?" if close else
                                 "check the column name")
        label_cols = by_cols + (names if categorical else [])
        labels = dict(zip(label_cols, _compute(*[data[c].drop_duplicates() for c in label_cols])))
        labels = {c: _sorted_labels(v) for c, v in labels.items()}
        by_sizes = [len(labels[c]) + 1 for c in by_cols]     # last level: missing
        d_full = int(np.prod(by_sizes)) if by_cols else 1
        c_psu = self.skeleton_n_psu
        var_sizes = [len(labels[v]) for v in names] if categorical else []
        width = sum(var_sizes) if categorical else len(names)
        first = ([self.strata_column] if self.strata_column else []) + [self.id_columns[0]]
        spec = dict(names=names, by_cols=by_cols, labels=labels, by_sizes=by_sizes,
                    d_full=d_full, c_psu=c_psu, categorical=categorical, width=width,
                    weights=self.weights_column, first=first, psu_index=self._psu_index,
                    psu_codes=self._psu_codes, deff=deff)
        cols = list(dict.fromkeys([self.weights_column, *first, *names, *by_cols]))
        parts = data[cols].to_delayed()
        import dask

        partials = [dask.delayed(_partition_sums)(p, spec) for p in parts]
        total = _tree_sum(partials).compute()
        sums, n_rows, present, sq = total
        keep = np.flatnonzero(present > 0)
        if by_cols:
            rest = keep.copy()
            cols_out = {}
            for col, size in reversed(list(zip(by_cols, by_sizes))):
                lab = np.append(labels[col].astype(object), None)
                cols_out[col] = lab[rest % size]
                rest //= size
            frame = pd.DataFrame({c: cols_out[c] for c in by_cols})
        else:
            frame = pd.DataFrame(index=[0])
        if categorical:
            var_of = [v for v, L in zip(names, var_sizes) for _ in range(L)]
            lev_of = [lab for v in names for lab in labels[v]]
        else:
            var_of, lev_of = list(names), [None] * len(names)
        return PsuSums(sums=sums[:, keep, :], n=n_rows[keep],
                       sq=None if not deff else sq[:, keep], domains=frame,
                       variables=var_of, levels=lev_of)

    @property
    def skeleton_n_psu(self) -> int:
        """Number of first-stage PSUs."""
        return int(self._psu_codes.max()) + 1


def _compute(*objs: Any) -> tuple:
    import dask

    return dask.compute(*objs)


def _tree_sum(items: list) -> Any:
    """Pairwise tree of additions of delayed tuples of arrays (depth log2(partitions))."""
    import dask

    add = dask.delayed(lambda a, b: tuple(x + y for x, y in zip(a, b)))
    while len(items) > 1:
        items = [add(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]


def _codes(values: pd.Series, labels: np.ndarray) -> np.ndarray:
    """Position of each value in the sorted ``labels``; -1 for missing or unknown values.

    Numeric columns use a binary search (no hashing, no Categorical); others pandas."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iufb" and labels.dtype.kind in "iufb" and len(labels):
        pos = np.searchsorted(labels, arr)
        pos = np.minimum(pos, len(labels) - 1)
        hit = labels[pos] == arr
        return np.where(hit, pos, -1).astype(np.int64)
    return pd.Categorical(values, categories=labels).codes.astype(np.int64)


def _psu_lookup(part: pd.DataFrame, spec: dict) -> np.ndarray:
    """First-stage PSU code of every row of a partition."""
    index: pd.MultiIndex = spec["psu_index"]
    cols = spec["first"]
    if all(part[c].dtype.kind in "iu" for c in cols) and all(
            lv.dtype.kind in "iu" for lv in index.levels):
        # one int64 key per (stratum, psu): binary search in the skeleton's sorted keys
        keys_rows = np.zeros(len(part), dtype=np.int64)
        keys_psu = np.zeros(len(index), dtype=np.int64)
        for i, c in enumerate(cols):
            lv = index.get_level_values(i).to_numpy().astype(np.int64)
            lo, span = int(lv.min()), int(lv.max() - lv.min()) + 1
            x = part[c].to_numpy().astype(np.int64) - lo
            if ((x < 0) | (x >= span)).any():
                return np.full(len(part), -1)
            keys_rows = keys_rows * span + x
            keys_psu = keys_psu * span + (lv - lo)
        order = np.argsort(keys_psu)
        pos = np.minimum(np.searchsorted(keys_psu[order], keys_rows), len(order) - 1)
        hit = keys_psu[order][pos] == keys_rows
        return np.where(hit, order[pos], -1)
    return index.get_indexer(pd.MultiIndex.from_frame(part[cols]))


def _partition_sums(part: pd.DataFrame, spec: dict) -> tuple:
    """Sums of one partition: (width+1, D_full, C), rows (D_full,), present (D_full,), sq."""
    n = len(part)
    d_full, c_psu, width = spec["d_full"], spec["c_psu"], spec["width"]
    sums = np.zeros((width + 1, d_full, c_psu))
    n_rows = np.zeros(d_full)
    present = np.zeros(d_full)
    sq = np.zeros((width, d_full))
    if n == 0:
        return sums, n_rows, present, sq
    w = part[spec["weights"]].to_numpy(dtype=float)
    psu = _psu_lookup(part, spec)
    if (psu < 0).any():
        raise DataError("a partition holds a PSU the design did not see", column=spec["first"][-1],
                        hint="the data changed after the design was built: build it again")
    psu = spec["psu_codes"][psu].astype(np.int64)
    dom = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=bool)          # missing by-values are a level of their own
    for col, size in zip(spec["by_cols"], spec["by_sizes"]):
        codes = _codes(part[col], spec["labels"][col])
        dom = dom * size + np.where(codes >= 0, codes, size - 1)
    present += np.bincount(dom, minlength=d_full)
    if spec["categorical"]:
        var_codes = [_codes(part[v], spec["labels"][v]) for v in spec["names"]]
        complete = valid.copy()
        for c in var_codes:
            complete &= c >= 0
    else:
        values = []
        for v in spec["names"]:
            col = part[v]
            if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
                raise DataError(f"variable {v!r} is not numeric", column=v,
                                hint="use proportion() for categorical variables")
            values.append(pd.to_numeric(col).to_numpy(dtype=float, na_value=np.nan))
        complete = valid.copy()
        for x in values:
            complete &= ~np.isnan(x)
    w_e = np.where(complete, w, 0.0)
    key = dom * c_psu + psu
    size = d_full * c_psu
    if spec["categorical"]:
        at = 0
        for codes, L in zip(var_codes, [len(spec["labels"][v]) for v in spec["names"]]):
            kc = key * L + np.maximum(codes, 0)
            block = np.bincount(kc, weights=w_e, minlength=size * L).reshape(d_full, c_psu, L)
            sums[at:at + L] = np.moveaxis(block, 2, 0)
            at += L
    else:
        for j, x in enumerate(values):
            sums[j] = np.bincount(key, weights=w_e * np.nan_to_num(x),
                                  minlength=size).reshape(d_full, c_psu)
            if spec["deff"]:
                sq[j] = np.bincount(dom, weights=w_e * np.nan_to_num(x) ** 2, minlength=d_full)
    sums[-1] = np.bincount(key, weights=w_e, minlength=size).reshape(d_full, c_psu)
    if spec["categorical"] and spec["deff"]:
        sq[:] = sums[:-1].sum(axis=2)          # 0/1 columns: w y^2 = w y
    n_rows += np.bincount(dom, weights=(w_e != 0).astype(float), minlength=d_full)
    return sums, n_rows, present, sq
