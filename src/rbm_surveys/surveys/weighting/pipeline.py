"""The whole weighting chain from a design config: base -> non-response -> margins -> trim.

``design.yaml`` (all keys optional except one of ``weights``/``probs``)::

    weights: pw                 # column of base weights, or
    probs: [p_stage1, p_stage2] # stage selection probabilities (multiplied up)
    check: pw                   # with probs: column the product must match
    check_kind: weight          # ... as a weight or a 'prob'
    strata: stype               # design structure (for the variance)
    ids: [dnum]
    fpc: fpc
    nest: false
    nonresponse:                # optional
      responded: resp           # 0/1 column
      classes: [region]         # weighting classes, or
      propensity: [age, sex]    # covariates of a logistic response model
      n_classes: 5              # quantile classes of the propensity
    method: rake                # rake | poststratify | calibrate
    calfun: linear              # calibrate: linear | raking | logit
    bounds: [0.5, 2.0]          # calibrate: bounds on g
    epsilon: 1.0e-7
    maxit: 100
    trim: {upper: 3.5, relative_to: median}
    on_fail: raise              # or warn

Returns the weighted design and a tidy weights table (``row, responded, base_weight,
nonresponse_weight, weight``), one row per input row (non-respondents weight 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError

__all__ = ["run_weighting", "load_design_config", "WeightingRun", "CONFIG_KEYS"]

CONFIG_KEYS = ("weights", "probs", "check", "check_kind", "strata", "ids", "fpc", "nest",
               "lonely_psu", "nonresponse", "method", "calfun", "bounds", "epsilon", "maxit",
               "trim", "on_fail")
METHODS = ("rake", "poststratify", "calibrate")


@dataclass(frozen=True)
class WeightingRun:
    design: Any
    weights: pd.DataFrame
    reports: tuple  # WeightingReport per step
    factors: pd.DataFrame | None  # non-response factors per class


def load_design_config(path: str | Path, *, text: str | None = None) -> dict:
    """Read and check ``design.yaml`` (:class:`rbm_surveys.config.WeightingDesign`): unknown
    keys (with a did-you-mean), values out of range and options that cannot apply to the
    chosen method (``bounds``/``calfun`` without ``method: calibrate``) are one ConfigError
    naming the file, key and line."""
    from rbm_surveys.config import WeightingDesign, load_model

    model, _ = load_model(WeightingDesign, path, text=text, what="weighting design")
    out = model.model_dump(exclude_none=True)
    if "nonresponse" in out:
        out["nonresponse"] = {k: v for k, v in out["nonresponse"].items() if v is not None}
    return out


def run_weighting(data: pd.DataFrame, config: Mapping, margins: Any,
                  file: str | None = None) -> WeightingRun:
    """Apply the configured chain; every step's report is kept (see module docstring)."""
    from rbm_surveys.surveys.design import SurveyDesign
    from rbm_surveys.surveys.weighting import (base_weights, calibrate, nonresponse_adjust,
                                               poststratify, propensity_classes, rake, trim)
    from rbm_surveys.surveys.weighting.margins import as_margin_set

    on_fail = config.get("on_fail", "raise")
    if "probs" in config:
        probs = config["probs"]
        base = base_weights(data, [probs] if isinstance(probs, str) else list(probs),
                            check=config.get("check"),
                            check_kind=config.get("check_kind", "weight"))
    else:
        col = config["weights"]
        if col not in data.columns:
            raise ConfigError("weights column not in the data", file=file, column=col,
                              key="weights", hint="check design.yaml")
        base = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float)
    responded = np.ones(len(data), dtype=bool)
    nr_weights = base
    factors = None
    nr = config.get("nonresponse")
    if nr:
        if not isinstance(nr, Mapping) or "responded" not in nr:
            raise ConfigError("nonresponse needs 'responded' and 'classes' or 'propensity'",
                              file=file, key="nonresponse")
        propensity = None
        if nr.get("propensity"):
            classes, propensity = propensity_classes(data, nr["responded"],
                                                     list(nr["propensity"]),
                                                     n_classes=int(nr.get("n_classes", 5)),
                                                     weights=base)
        elif nr.get("classes"):
            classes = nr["classes"]
        else:
            raise ConfigError("nonresponse needs 'classes' or 'propensity'", file=file,
                              key="nonresponse")
        nr_weights, factors = nonresponse_adjust(data, base, nr["responded"], classes,
                                                 propensity=propensity)
        responded = data[nr["responded"]].astype(float).to_numpy() == 1
    resp = data.loc[responded].assign(_rbm_weight=nr_weights[responded])
    design = SurveyDesign(resp, weights="_rbm_weight", strata=config.get("strata"),
                          ids=config.get("ids"), fpc=config.get("fpc"),
                          nest=bool(config.get("nest", False)),
                          lonely_psu=config.get("lonely_psu", "fail"))
    reports = []
    method = config.get("method", "rake")
    if margins is not None:
        ms = as_margin_set(margins)
        common = {"on_fail": on_fail}
        if method == "rake":
            design = rake(design, ms, epsilon=float(config.get("epsilon", 1e-7)),
                          maxit=int(config.get("maxit", 100)), **common)
        elif method == "poststratify":
            design = poststratify(design, ms, **common)
        else:
            bounds = config.get("bounds")
            design = calibrate(design, ms, calfun=config.get("calfun", "linear"),
                               bounds=tuple(bounds) if bounds else None,
                               epsilon=float(config.get("epsilon", 1e-7)),
                               maxit=int(config.get("maxit", 50)), **common)
        reports.append(design.weighting_report)
    if config.get("trim"):
        t = config["trim"]
        if not isinstance(t, Mapping):
            raise ConfigError("trim must be a mapping, e.g. {upper: 3.5, relative_to: median}",
                              file=file, key="trim")
        design = trim(design, t.get("lower"), t.get("upper"),
                      relative_to=t.get("relative_to"), by=t.get("by"), on_fail=on_fail)
        reports.append(design.weighting_report)
    final = np.zeros(len(data))
    final[responded] = np.asarray(design.weights)
    table = pd.DataFrame({"row": np.arange(1, len(data) + 1), "responded": responded,
                          "base_weight": base, "nonresponse_weight": nr_weights,
                          "weight": final})
    return WeightingRun(design, table, tuple(reports), factors)
