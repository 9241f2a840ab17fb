"""English titles of the framework's indicators (our translation, kept as data).

``data/framework/titles_en.yaml`` maps each ``indicator_id`` to an English title (``en``),
optionally a ``direction`` (higher/lower, for indicators whose source gives no numbers to
read it from), and the file's ``subsets`` maps each Chinese subset label to English. The
titles are rbm_surveys' own translation of the Chinese edition, not UN-Habitat's wording:
every row says so in ``title_en_note``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from rbm_surveys.errors import ConfigError

__all__ = ["TRANSLATION_NOTE", "load_titles", "apply_titles"]

TRANSLATION_NOTE = "unofficial English translation by rbm_surveys (not UN-Habitat's wording)"


def load_titles(path: str | Path | None = None) -> dict:
    """The translations file as ``{"indicators": {...}, "subsets": {...}}``, checked."""
    if path is None:
        text = resources.files("rbm_surveys").joinpath(
            "data", "framework", "titles_en.yaml").read_text(encoding="utf-8")
        where = "titles_en.yaml (shipped)"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the titles file: {exc.strerror}", file=path) from exc
        where = str(path)
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError("not valid YAML", file=where) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), dict):
        raise ConfigError("expected a top-level 'indicators:' mapping", file=where)
    problems = []
    for key, entry in doc["indicators"].items():
        if not isinstance(entry, dict) or not str(entry.get("en", "")).strip():
            problems.append(f"indicators.{key}: needs an 'en' title")
        elif entry.get("direction") not in (None, "higher", "lower"):
            problems.append(f"indicators.{key}.direction: must be higher or lower")
        elif set(entry) - {"en", "direction", "zh"}:
            problems.append(f"indicators.{key}: unknown key(s) {sorted(set(entry) - {'en', 'direction', 'zh'})}")
    if problems:
        raise ConfigError("; ".join(problems), file=where)
    doc.setdefault("subsets", {})
    doc["where"] = where
    return doc


def apply_titles(frame: pd.DataFrame, path: str | Path | None = None) -> pd.DataFrame:
    """Add ``title_en``, ``subset_en`` and missing directions; every indicator must have a title."""
    doc = load_titles(path)
    titles = doc["indicators"]
    missing = sorted(set(frame["indicator_id"]) - set(titles))
    if missing:
        raise ConfigError(f"no English title for indicator(s) {missing}", file=doc["where"],
                          hint="add an entry with 'en:' for each")
    stale = sorted(set(titles) - set(frame["indicator_id"]))
    if stale:
        raise ConfigError(f"titles for indicator(s) not in the framework: {stale}",
                          file=doc["where"])
    out = frame.copy()
    out["title_en"] = out["indicator_id"].map(lambda k: str(titles[k]["en"]).strip())
    out["title_en_note"] = TRANSLATION_NOTE
    subsets = doc["subsets"]
    unknown = sorted({s for s in out["subset"] if s and s not in subsets})
    if unknown:
        raise ConfigError(f"no English label for subset(s) {unknown}", file=doc["where"])
    out["subset_en"] = out["subset"].map(lambda s: subsets.get(s, "") if s else "")
    given = out["indicator_id"].map(lambda k: titles[k].get("direction") or "")
    empty = out["direction"] == ""
    out.loc[empty, "direction"] = given[empty]
    assumed = out["direction"] == ""
    out.loc[assumed, "quirks"] = out.loc[assumed, "quirks"].map(
        lambda q: "; ".join(x for x in (q, "direction not given by the source: assumed higher")
                            if x))
    return out
