"""A seeded synthetic city population, stratified two-stage samples of it, and their files.

The population (adults 18+, in enumeration areas, EAs, nested in city × urban/rural strata)
answers all four questionnaire modules, with realistic structure: EA-level clustering, women
feeling less safe at night, tenure fear higher for tenants and displaced people, WG-SS
difficulty rising with age, and don't-know / refused / "never goes out alone" answers. Because
the whole population is known, every indicator has a known true value (the same rules applied
to every adult), which the coverage tests and the demo compare with.

A sample: ``ea_per_stratum`` EAs by simple random sampling in each stratum, then
``per_ea`` adults by simple random sampling in each EA, with non-response that depends on sex
and age (so raking to census margins matters). Base weight = (M_h / m_h) · (N_ea / k_ea).

It lives in the package (not only in ``examples/``) so that ``rbm demo`` works after a plain
``pip install``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.surveys.indicators.forms import VERSION

__all__ = ["Population", "simulate_population", "draw_sample", "write_kobo_export",
           "write_example", "census_margins", "true_values", "MODULE_ITEMS", "CORE_COLUMNS"]

CORE_COLUMNS = ["start", "end", "ea", "city", "area", "respondent_name", "phone", "sex", "age",
                "hh_income", "displacement", "wg_seeing", "wg_hearing", "wg_walking",
                "wg_remembering", "wg_selfcare", "wg_communicating"]
MODULE_ITEMS = {
    "tenure": ["tenure_type", "tenure_loss_5y", "tenure_bequeath"],
    "safety": ["safe_night", "harass_sexual_12m", "harass_physical_12m", "harass_place"],
    "participation": ["say_in_govt", "influence_politics"],
    "disability": ["access_public_space", "access_services"],
}
_WG = ["wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_selfcare",
       "wg_communicating"]
_CITIES = {"capital": (0.5, 0.85), "port": (0.3, 0.7), "hill": (0.2, 0.5)}  # share, urban share


@dataclass(frozen=True)
class Population:
    people: pd.DataFrame  # one adult per row, with every answer and the design columns
    eas: pd.DataFrame  # ea, stratum, city, area, n_adults, ea_total (EAs in its stratum)
    #: household roster: one row per member of each adult's household (the adult first):
    #: ``_person`` (row of ``people``), ``sex``, ``member_age``, the WG-SS items (age 5+)
    members: pd.DataFrame | None = None


def simulate_members(people: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The household roster of every adult: the adult as member 1 (same sex, age and WG-SS
    answers), then 0–6 others (children and adults) with WG-SS difficulty rising with age;
    members under 5 have no WG-SS answers (the question is not asked)."""
    rng = np.random.default_rng(seed)
    n = len(people)
    others = np.minimum(rng.poisson(2.2, n), 6)
    person = np.repeat(np.arange(n), others)
    m = len(person)
    child = rng.random(m) < 0.45
    age = np.where(child, rng.integers(0, 18, m),
                   np.clip(18 + rng.gamma(2.0, 12.0, m), 18, 95)).astype(int)
    out = pd.DataFrame({"_person": person, "sex": np.where(rng.random(m) < 0.5, "female", "male"),
                        "member_age": age})
    for j, dom in enumerate(_WG):
        latent = -3.8 + 0.045 * np.maximum(age - 18, 0) + 0.3 * j / len(_WG) \
            + 0.4 * rng.normal(size=m)
        val = _ordinal(rng, latent, [0.0, 2.2, 4.0], ["no_difficulty", "some_difficulty",
                                                     "lot_of_difficulty", "cannot_do"])
        out[dom] = np.where(age >= 5, _with_missing(rng, val, 0.02, 0.01), None)
    self_rows = pd.DataFrame({"_person": np.arange(n), "sex": people["sex"].to_numpy(),
                              "member_age": people["age"].to_numpy(),
                              **{d: people[d].to_numpy() for d in _WG}})
    out = pd.concat([self_rows, out], ignore_index=True)
    out["_order"] = out.groupby("_person").cumcount()
    return out.sort_values(["_person", "_order"], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)


def member_tables(people: pd.DataFrame, members: pd.DataFrame, person_ids: np.ndarray):
    """``{"hh_members": MemberTable}`` for the rows of ``people`` whose population ids are
    ``person_ids`` (members inherit their household's columns)."""
    from rbm_surveys.surveys.indicators.forms import ROSTER
    from rbm_surveys.surveys.indicators.run import MemberTable

    pos = pd.Index(person_ids).get_indexer(members["_person"])
    keep = pos >= 0
    frame = members.loc[keep].drop(columns="_person").reset_index(drop=True)
    pos = pos[keep]
    inherit = {c: people[c].to_numpy()[pos] for c in people.columns if c not in frame}
    return {ROSTER: MemberTable(frame.assign(**inherit), pos.astype(np.int64))}


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _ordinal(rng, latent, cuts, names):
    """Ordered categories from a latent score plus logistic noise."""
    z = latent + rng.logistic(size=len(latent))
    return np.asarray(names, dtype=object)[np.searchsorted(np.asarray(cuts), z)]


def _with_missing(rng, values, p_dk, p_ref, dk="dont_know", ref="refused"):
    u = rng.random(len(values))
    out = values.astype(object).copy()
    out[u < p_dk] = dk
    out[(u >= p_dk) & (u < p_dk + p_ref)] = ref
    return out


def simulate_population(size: int = 60_000, seed: int = 2026, ea_size: int = 250) -> Population:
    """A synthetic adult population of about ``size`` people in EAs of about ``ea_size``."""
    rng = np.random.default_rng(seed)
    # --- enumeration areas ---------------------------------------------------------------
    rows = []
    for city, (share, urban) in _CITIES.items():
        for area, a_share in (("urban", urban), ("rural", 1 - urban)):
            n_ea = max(int(round(size * share * a_share / ea_size)), 4)
            rows.append(pd.DataFrame({"city": city, "area": area,
                                      "n_adults": rng.integers(int(ea_size * 0.6),
                                                               int(ea_size * 1.4), n_ea)}))
    eas = pd.concat(rows, ignore_index=True)
    eas["ea"] = np.arange(1001, 1001 + len(eas))
    eas["stratum"] = eas["city"] + "_" + eas["area"]
    eas["ea_total"] = eas.groupby("stratum")["ea"].transform("size")
    u_ea = rng.normal(0, 0.45, len(eas))  # shared EA effect → clustering
    idx = np.repeat(np.arange(len(eas)), eas["n_adults"].to_numpy())
    n = len(idx)
    p = eas.iloc[idx][["ea", "city", "area", "stratum"]].reset_index(drop=True)
    u = u_ea[idx]
    urban = (p["area"] == "urban").to_numpy()
    # --- respondent core -----------------------------------------------------------------
    female = rng.random(n) < 0.52
    p["sex"] = np.where(female, "female", "male")
    age = np.clip(18 + rng.gamma(2.0, 12.0, n), 18, 95).astype(int)
    p["age"] = age
    disp = rng.choice(["host", "migrant", "refugee", "idp", "returnee"], n,
                      p=[0.70, 0.10, 0.07, 0.09, 0.04])
    p["displacement"] = disp
    displaced = np.isin(disp, ["refugee", "idp"])
    log_inc = 6.0 + 0.5 * urban + 0.3 * u - 0.5 * displaced + rng.normal(0, 0.7, n)
    income = np.round(np.exp(log_inc), -1)
    p["hh_income"] = np.where(rng.random(n) < 0.06, np.nan, income)
    inc_z = (log_inc - log_inc.mean()) / log_inc.std()
    # WG-SS: difficulty rises with age; four ordered levels, a little DK / refused
    for j, dom in enumerate(_WG):
        latent = -3.5 + 0.045 * (age - 18) + 0.3 * j / len(_WG) + 0.4 * rng.normal(size=n)
        val = _ordinal(rng, latent, [0.0, 2.2, 4.0], ["no_difficulty", "some_difficulty",
                                                     "lot_of_difficulty", "cannot_do"])
        p[dom] = _with_missing(rng, val, 0.015, 0.01)
    sev = np.column_stack([p[d].isin(["lot_of_difficulty", "cannot_do"]) for d in _WG])
    disabled = sev.any(axis=1)
    # --- tenure ----------------------------------------------------------------------------
    owner_p = _sigmoid(-0.2 + 0.8 * inc_z + 0.03 * (age - 40) - 1.2 * displaced)
    r = rng.random(n)
    tenure = np.where(r < owner_p, "owner",
                      np.where(r < owner_p + (1 - owner_p) * 0.65, "tenant",
                               np.where(rng.random(n) < 0.8, "informal", "other")))
    p["tenure_type"] = tenure
    fear = (-1.2 + 1.0 * (tenure == "tenant") + 2.0 * (tenure == "informal")
            + 0.8 * displaced - 0.3 * inc_z + u)
    loss = _ordinal(rng, -fear, [-1.5, -0.5, 1.5],
                    ["very_likely", "somewhat_likely", "unlikely", "very_unlikely"])
    p["tenure_loss_5y"] = _with_missing(rng, loss, 0.05, 0.02)
    beq = np.where(rng.random(n) < np.where(tenure == "owner", 0.9, 0.25), "yes", "no")
    p["tenure_bequeath"] = _with_missing(rng, beq, 0.04, 0.02)
    # --- safety ----------------------------------------------------------------------------
    safe_latent = 0.6 - 0.9 * female - 0.5 * disabled + 0.2 * inc_z + 0.004 * (age - 40) + u
    safe = _ordinal(rng, -safe_latent, [-1.5, 0.3, 1.6], ["very_safe", "safe", "unsafe",
                                                          "very_unsafe"])
    safe = np.where(rng.random(n) < 0.04 + 0.06 * female, "never_alone", safe)
    p["safe_night"] = _with_missing(rng, safe, 0.02, 0.015)
    young = age < 35
    sx = rng.random(n) < _sigmoid(-2.6 + 1.5 * female + 0.8 * young + 0.5 * u)
    ph = rng.random(n) < _sigmoid(-2.4 + 0.3 * (~female) + 0.5 * young + 0.5 * u + 0.4 * displaced)
    p["harass_sexual_12m"] = _with_missing(rng, np.where(sx, "yes", "no"), 0.01, 0.02)
    p["harass_physical_12m"] = _with_missing(rng, np.where(ph, "yes", "no"), 0.01, 0.02)
    victim = (p["harass_sexual_12m"] == "yes") | (p["harass_physical_12m"] == "yes")
    place = rng.choice(["street", "transport", "home", "work_school", "park", "other", "refused"],
                       n, p=[0.38, 0.22, 0.12, 0.12, 0.08, 0.05, 0.03])
    p["harass_place"] = np.where(victim, place, None)
    # --- participation ---------------------------------------------------------------------
    voice = 0.2 * inc_z - 0.4 * displaced + 0.6 * u + rng.normal(0, 0.8, n)
    names = ["not_at_all", "very_little", "some", "a_lot", "great_deal"]
    p["say_in_govt"] = _with_missing(rng, _ordinal(rng, voice, [-1.2, 0.0, 1.4, 2.6], names),
                                     0.06, 0.02)
    p["influence_politics"] = _with_missing(
        rng, _ordinal(rng, voice - 0.4, [-1.2, 0.0, 1.4, 2.6], names), 0.06, 0.02)
    # --- equal access ----------------------------------------------------------------------
    agree = ["strongly_disagree", "disagree", "agree", "strongly_agree"]
    acc = 0.2 - 0.9 * disabled + 0.3 * urban + 0.5 * u
    p["access_public_space"] = _with_missing(rng, _ordinal(rng, acc, [-1.8, 0.2, 2.2], agree),
                                             0.05, 0.01)
    p["access_services"] = _with_missing(rng, _ordinal(rng, acc - 0.3, [-1.8, 0.2, 2.2], agree),
                                         0.05, 0.01)
    return Population(people=p, eas=eas, members=simulate_members(p, seed + 7919))


def draw_sample(pop: Population, seed: int, ea_per_stratum: int = 8, per_ea: int = 15,
                nonresponse: bool = True) -> pd.DataFrame:
    """One stratified two-stage sample with base weights (see the module docstring)."""
    rng = np.random.default_rng(seed)
    eas = pop.eas
    key = rng.random(len(eas))
    rank = pd.Series(key).groupby(eas["stratum"].to_numpy()).rank(method="first").to_numpy()
    chosen = eas[rank <= ea_per_stratum]
    m_h = chosen.groupby("stratum")["ea"].transform("size")
    people = pop.people
    inside = people[people["ea"].isin(chosen["ea"])]
    k = rng.random(len(inside))
    r = pd.Series(k, index=inside.index).groupby(inside["ea"].to_numpy()).rank(method="first")
    sample = inside[(r <= per_ea).to_numpy()].copy()
    sample["_person"] = sample.index.to_numpy()  # row of pop.people: links the roster
    k_ea = sample.groupby("ea")["ea"].transform("size").to_numpy()
    info = chosen.assign(m_h=m_h.to_numpy()).set_index("ea").loc[sample["ea"]]
    sample["base_weight"] = (info["ea_total"].to_numpy() / info["m_h"].to_numpy()
                             * info["n_adults"].to_numpy() / k_ea)
    sample["ea_total"] = info["ea_total"].to_numpy()
    if nonresponse:
        # young men answer least often: raking to sex × age margins corrects the skew
        resp = _sigmoid(1.2 + 0.5 * (sample["sex"] == "female") + 0.02 * (sample["age"] - 30))
        sample = sample[rng.random(len(sample)) < resp.to_numpy()]
    return sample.reset_index(drop=True)


def census_margins(pop: Population, age_breaks=(18, 25, 35, 50, 65)) -> pd.DataFrame:
    """Population counts by sex, age group and city: ``variable, category, population``."""
    from rbm_surveys.surveys.indicators.derive import age_groups

    people = pop.people.assign(age_group=age_groups(pop.people, "age", list(age_breaks)))
    parts = []
    for var in ("sex", "age_group", "city"):
        counts = people[var].astype(str).value_counts().sort_index()
        parts.append(pd.DataFrame({"variable": var, "category": counts.index,
                                   "population": counts.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def true_values(pop: Population, specs=None) -> pd.DataFrame:
    """Every indicator computed on the whole population (weights 1): the known truth."""
    from rbm_surveys.surveys.indicators.run import run_indicators
    from rbm_surveys.surveys.indicators.spec import load_specs
    from rbm_surveys.surveys.indicators.run import make_design

    people = pop.people.assign(_w=1.0)
    members = member_tables(people, pop.members, np.arange(len(people))) \
        if pop.members is not None else None
    res = run_indicators(people, specs or load_specs(), make_design(people, "_w"),
                         weights_label="population (census of the synthetic city)",
                         members=members)
    res = res.rename(columns={"estimate": "true_value"})
    return res[["module", "indicator", "category", "disaggregation", "level", "true_value"]]


def _kobo_frame(sample: pd.DataFrame, module: str, seed: int) -> pd.DataFrame:
    """The columns a KoBo 'XML values and headers' export of ``module`` has, in form order."""
    rng = np.random.default_rng(seed)
    n = len(sample)
    out = sample[[c for c in CORE_COLUMNS if c in sample] + MODULE_ITEMS[module]].copy()
    t0 = pd.Timestamp("2026-03-02T08:00:00") + pd.to_timedelta(rng.integers(0, 30 * 24 * 3600, n),
                                                             unit="s")
    out["start"] = t0.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
    out["end"] = (t0 + pd.to_timedelta(rng.integers(600, 1800, n), unit="s")).strftime(
        "%Y-%m-%dT%H:%M:%S.000+00:00")
    first = np.array(["Amina", "Jean", "María", "Kofi", "Léa", "Omar", "Ana", "Yusuf"])
    out["respondent_name"] = first[rng.integers(0, len(first), n)]
    out["phone"] = ["+2507" + f"{x:08d}" for x in rng.integers(0, 10**8, n)]
    out = out[["start", "end"] + [c for c in out.columns if c not in ("start", "end")]]
    out["_id"] = np.arange(1, n + 1) + 100_000
    out["_uuid"] = [f"{x:032x}" for x in rng.integers(0, 2**62, n)]
    out["_submission_time"] = out["end"].str.slice(0, 19)
    out["_validation_status"] = ""
    out["__version__"] = VERSION  # the form's settings version, as the reader checks
    out["_index"] = np.arange(1, n + 1)
    return out


def _roster_frame(main: pd.DataFrame, sample: pd.DataFrame, members: pd.DataFrame,
                  main_sheet: str) -> pd.DataFrame:
    """The KoBo repeat sheet of the roster: member columns, then the link columns."""
    pos = pd.Index(sample["_person"]).get_indexer(members["_person"])
    rows = members.loc[pos >= 0].drop(columns="_person").reset_index(drop=True)
    pos = pos[pos >= 0]
    rows["_index"] = np.arange(1, len(rows) + 1)
    rows["_parent_table_name"] = main_sheet
    rows["_parent_index"] = main["_index"].to_numpy()[pos]
    rows["_submission__id"] = main["_id"].to_numpy()[pos]
    rows["_submission__uuid"] = main["_uuid"].to_numpy()[pos]
    return rows


def write_kobo_export(sample: pd.DataFrame, module: str, path: str | Path, seed: int = 0,
                      members: pd.DataFrame | None = None) -> Path:
    """Write a KoBo-style export (``.xlsx``: one sheet per table — the disability module's
    household roster on its own sheet when ``members`` is given; ``.csv``: ``;``-separated,
    quoted, main table only, as KoBo's CSV export)."""
    import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = _kobo_frame(sample, module, seed)
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, sep=";", index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    else:
        from rbm_surveys.surveys.indicators.forms import ROSTER

        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            frame.to_excel(xw, sheet_name=f"rbm_{module}"[:31], index=False)
            if module == "disability" and members is not None and "_person" in sample:
                _roster_frame(frame, sample, members, f"rbm_{module}").to_excel(
                    xw, sheet_name=ROSTER, index=False)
    return path


def _without_units(spec: Path) -> None:
    """Rewrite a spec copy without its member-level (repeat) parts."""
    import yaml

    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=_TextLoader)  # noqa: S506
    if not doc.get("units"):
        return
    doc.pop("units")
    doc["derived"] = [d for d in doc.get("derived", []) if not d.get("unit")]
    doc["indicators"] = [i for i in doc["indicators"] if not i.get("unit")]
    spec.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _text_loader():
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        """yes/no stay text, as in rbm_surveys.config."""

    Loader.yaml_implicit_resolvers = {
        k: [(t, rx) for t, rx in v if t != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                 re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    return Loader


_TextLoader = _text_loader()


def write_example(folder: str | Path, *, seed: int = 2026, population: int = 60_000,
                  ea_per_stratum: int = 10, per_ea: int = 15, export_format: str = "xlsx"
                  ) -> dict[str, Path]:
    """Write a complete example: forms, exports, design, margins, truth and a run config."""
    import yaml

    from rbm_surveys.surveys.indicators.forms import write_form
    from rbm_surveys.surveys.indicators.spec import bundled_spec_paths

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pop = simulate_population(population, seed)
    files: dict[str, Path] = {}
    modules = []
    for i, module in enumerate(MODULE_ITEMS):
        sample = draw_sample(pop, seed + 100 + i, ea_per_stratum, per_ea)
        export = write_kobo_export(sample, module, folder / "exports" /
                                   f"{module}.{export_format}", seed + 200 + i,
                                   members=pop.members)
        form = write_form(module, folder / "forms" / f"{module}.xlsx")
        spec = folder / "specs" / f"{module}.yaml"
        spec.parent.mkdir(exist_ok=True)
        spec.write_bytes(bundled_spec_paths()[module].read_bytes())
        if export_format != "xlsx":
            _without_units(spec)  # a KoBo CSV export has no repeat sheets
        design = folder / "designs" / f"{module}.csv"
        design.parent.mkdir(exist_ok=True)
        (sample.groupby("ea", as_index=False)
         .agg(stratum=("stratum", "first"), ea_total=("ea_total", "first"),
              base_weight=("base_weight", "first"))
         .to_csv(design, index=False))
        files[f"export_{module}"] = export
        modules.append({"name": module, "form": f"forms/{form.name}",
                        "export": f"exports/{export.name}", "spec": f"specs/{spec.name}",
                        "design": f"designs/{design.name}"})
    margins = census_margins(pop)
    doc = {"margins": {var: {str(c): int(t) for c, t in zip(g["category"], g["population"])}
                       for var, g in margins.groupby("variable", sort=False)}}
    (folder / "margins.yaml").write_text(
        "# Census counts of adults (18+) in the synthetic city\n"
        + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    true_values(pop).to_csv(folder / "truth.csv", index=False)
    config = {
        "modules": modules,
        # No fpc: EAs are the PSUs of a two-stage sample; a first-stage fpc alone would leave
        # out the within-EA variance (with-replacement "ultimate cluster" variance instead).
        "design": {"join": "ea", "weights": "base_weight", "strata": "stratum", "ids": "ea"},
        "margins": "margins.yaml",
        "personal": ["respondent_name", "phone"],
        "reporting": {"min_n": 30, "max_cv": 0.30, "min_n_eff": 30, "ci": "logit"},
        "output": "results",
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    files["config"] = folder / "config.yaml"
    return files
