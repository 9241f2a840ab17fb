"""Over repeated samples of the synthetic city, 95 % intervals cover the known true values.

Seeded: 200 stratified two-stage samples (6 strata × 8 EAs × 12 adults) of one population;
for each headline indicator the share of intervals containing the population value must be
within 0.89–0.99 (binomial sd at 95 % and 200 reps is 1.5 points; design-based intervals with
df = 42 run a little under nominal).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rbm_surveys.surveys.indicators.run import ReportingRules, run_indicators
from rbm_surveys.surveys.indicators.simulate import draw_sample, simulate_population, true_values
from rbm_surveys.surveys.indicators.spec import load_specs
from rbm_surveys.surveys.indicators.run import make_design

REPS = 200
HEADLINE = ["sdg_1_4_2b", "sdg_16_1_4_unodc", "sdg_16_1_4_unhcr", "sdg_11_7_2", "sdg_16_7_2",
            "equal_access_public_space"]


def test_confidence_intervals_cover_population_values():
    keep = set(HEADLINE) | {"sdg_16_7_2_say", "sdg_16_7_2_influence"}
    specs = [dataclasses.replace(s, disaggregations=(), derived=(),
                                 indicators=tuple(i for i in s.indicators if i.id in keep))
             for s in load_specs()]
    pop = simulate_population(size=24_000, seed=11, ea_size=200)
    truth = true_values(pop, specs)
    truth = truth[truth["indicator"].isin(HEADLINE)].set_index("indicator")["true_value"]
    rules = ReportingRules(min_n=0)
    hits = {k: 0 for k in HEADLINE}
    for rep in range(REPS):
        sample = draw_sample(pop, seed=1000 + rep, ea_per_stratum=8, per_ea=12, nonresponse=False)
        design = make_design(sample, "base_weight", "stratum", "ea")
        res = run_indicators(sample, specs, design, rules_=rules).set_index("indicator")
        res = res.loc[HEADLINE]
        inside = (res["ci_low"] <= truth[HEADLINE]) & (truth[HEADLINE] <= res["ci_high"])
        for k, v in inside.items():
            hits[k] += bool(v)
    coverage = {k: v / REPS for k, v in hits.items()}
    print("coverage of 95 % intervals:", coverage)
    for k, c in coverage.items():
        assert 0.89 <= c <= 0.99, (k, c, coverage)
    assert np.mean(list(coverage.values())) == pytest.approx(0.95, abs=0.03)
