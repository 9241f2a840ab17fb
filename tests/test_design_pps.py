"""PPS without replacement (Brewer, Overton, Hartley-Rao, joint probabilities HT/YG) and the
with-replacement approximation against R survey 4.1-1 on its ``election_pps`` sample.

Reference values: tests/data/design/pps_expected.csv, made by make_pps_reference.R there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import SurveyDesign
from rbm_surveys.errors import DataError, UsageError


@pytest.fixture(scope="module")
def election(data_dir):
    d = data_dir / "design"
    return (pd.read_csv(d / "election_pps.csv"),
            pd.read_csv(d / "election_jointprob.csv").to_numpy(),
            pd.read_csv(d / "pps_expected.csv"))


def _design(name, e, joint):
    return {
        "brewer": lambda: SurveyDesign(e, fpc="p", pps="brewer"),
        "overton": lambda: SurveyDesign(e, fpc="p", pps="overton"),
        "hr": lambda: SurveyDesign(e, fpc="p", pps="hr"),
        "ppsmat_ht": lambda: SurveyDesign(e, fpc="p", pps=joint),
        "ppsmat_yg": lambda: SurveyDesign(e, fpc="p", pps=joint, variance="YG"),
        "wr": lambda: SurveyDesign(e, probs="p"),
    }[name]()


@pytest.mark.parametrize("name", ["brewer", "overton", "hr", "ppsmat_ht", "ppsmat_yg", "wr"])
def test_pps_matches_r(election, name):
    e, joint, expected = election
    design = _design(name, e, joint)
    rows = expected[expected["design"] == name]
    assert len(rows) == 4
    for r in rows.itertuples():
        got = getattr(design, r.statistic)(r.variable)
        np.testing.assert_allclose(got["estimate"].iloc[0], r.estimate, rtol=1e-10)
        np.testing.assert_allclose(got["se"].iloc[0], r.se, rtol=1e-10)


def test_pps_methods_differ(election):
    e, joint, _ = election
    ses = {n: _design(n, e, joint).total("Bush")["se"].iloc[0]
           for n in ("brewer", "overton", "hr", "ppsmat_ht", "ppsmat_yg", "wr")}
    assert len({round(v, 6) for v in ses.values()}) == 6


def test_pps_needs_probabilities(election):
    e, joint, _ = election
    with pytest.raises(DataError, match="inclusion probabilities"):
        SurveyDesign(e.assign(big=e["p"] * 100 + 1), fpc="big", pps="overton")
    with pytest.raises(UsageError):
        SurveyDesign(e, fpc="p", pps="sampford")
    with pytest.raises(DataError, match="joint inclusion"):
        SurveyDesign(e, fpc="p", pps=joint[:5, :5])
