"""Air-quality standards in text: pollutant, averaging time, value and unit.

Multilingual (en, fr, es, zh, ar; the patterns are plain regular expressions over the text, so
Chinese needs no word segmentation). Each value followed by a concentration unit is tied to
the nearest pollutant named *before* it in the same passage and to the nearest averaging time
in the same passage (either side). Values are converted to the unit of the guideline table
(µg/m³, or mg/m³ for CO) and placed in the AQG / interim-target band of the chosen edition.

Unit conversion of gases (ppb/ppm -> µg/m³, mg/m³): c[µg/m³] = c[ppb] · M / Vm, where M is the
molar mass in g/mol and Vm the molar volume of an ideal gas; Vm = R·T/p = 24.465 L/mol at
25 °C and 101.325 kPa (the reference conditions used here, documented in docs/rubrics.md;
EU Directive 2008/50/EC uses 20 °C, Vm = 24.055 L/mol, which a rubric can choose with
``quantity.reference_temperature_c``). Particulate matter has no ppb equivalent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["POLLUTANTS", "AVERAGING", "Standard", "extract_standards", "to_table_unit",
           "place_in_band", "molar_volume"]

#: Canonical pollutant names and the unit their guideline values use.
POLLUTANTS = {"PM2.5": "µg/m³", "PM10": "µg/m³", "NO2": "µg/m³", "O3": "µg/m³",
              "SO2": "µg/m³", "CO": "mg/m³"}
#: Molar masses, g/mol (IUPAC standard atomic weights).
MOLAR_MASS = {"NO2": 46.0055, "O3": 47.9982, "SO2": 64.066, "CO": 28.010}
AVERAGING = ("annual", "peak_season", "24-hour", "8-hour", "1-hour", "10-minute")

_R = 8.314462618  # J/(mol·K)


def molar_volume(temperature_c: float = 25.0, pressure_kpa: float = 101.325) -> float:
    """Ideal-gas molar volume in L/mol (R·T/p)."""
    return _R * (temperature_c + 273.15) / pressure_kpa


# Pollutant names. Order matters: PM2.5 before PM10; CO only as a whole token (not "CO2").
# Chemical formulas are matched case-sensitively ((?-i:…)): "co-operation" is not CO.
_POLLUTANT_RX = [
    ("PM2.5", r"(?-i:[Pp][Mm]\s?2[.,·]5|PM₂\.₅)|particules fines|partículas finas|细颗粒物"
              r"|fine particulate|الجسيمات الدقيقة"),
    ("PM10", r"(?-i:[Pp][Mm]\s?10(?!\d)|PM₁₀)|可吸入颗粒物|particules? en suspension"
             r"|coarse particulate"),
    ("NO2", r"(?-i:NO\s?2(?!\d)|NO₂)|nitrogen dioxide|dioxyde d['’]azote"
            r"|dióxido de nitrógeno|二氧化氮|ثاني أكسيد النيتروجين"),
    ("SO2", r"(?-i:SO\s?2(?!\d)|SO₂)|sulphur dioxide|sulfur dioxide|dioxyde de soufre"
            r"|dióxido de azufre|二氧化硫|ثاني أكسيد الكبريت"),
    ("O3", r"(?-i:(?<![A-Za-z])O\s?3(?!\d)|O₃)|\bozone\b|\bozono\b|臭氧|الأوزون"),
    ("CO", r"(?-i:(?<![A-Za-z])CO(?![A-Za-z0-9₂]))|carbon monoxide|monoxyde de carbone"
           r"|monóxido de carbono|一氧化碳|أول أكسيد الكربون"),
]
_AVG_RX = [
    ("peak_season", r"peak[- ]season|saison de pointe|temporada alta|高峰季"),
    ("annual", r"annual|annuelle?|anual|yearly|1[- ]year|calendar year|année civile|"
               r"año civil|年平均|年均|السنوي|سنوي"),
    ("24-hour", r"24[- ]?(?:hours?|h\b|heures|horas)|daily|journali[eè]re|diari[oa]|"
                r"24\s?小时|日平均|日均|24 ساعة|اليومي|يومي"),
    ("8-hour", r"8[- ]?(?:hours?|h\b|heures|horas)|8\s?小时|8 ساعات"),
    ("1-hour", r"(?<![0-9])1[- ]?(?:hour|h\b|heure|hora)|hourly|horaire|1\s?小时|小时平均"
               r"|ساعة واحدة"),
    ("10-minute", r"10[- ]?(?:minutes?|min\b|minutos)|10\s?分钟"),
]
# First characters of every alternative above: a lookahead on them lets the regex engine skip
# most positions at once (about 6x faster than trying every alternative everywhere).
_POLL_FIRST = "(?=[pfcndsom细可二臭一اثأ])"
_AVG_FIRST = "(?=[pstaycdjh128年日高小اسي])"
# A number (1,234.5 / 1 234,5 / 37.5 / 37,5) then a concentration unit.
_UNIT_RX = (r"(?P<unit>[µμu]g\s?/\s?N?m\s?[³3]|microgram(?:me)?s? (?:per|par|por) "
            r"(?:cubic met(?:er|re)|mètre cube|metro cúbico)|mg\s?/\s?N?m\s?[³3]|ppb|ppm|"
            r"微克\s?/\s?立方米|毫克\s?/\s?立方米|مي[كك]رو[غج]رام\s?/\s?م\s?[³3]|"
            r"مي[كك]رو[غج]رام لكل متر مكعب|مل[يل]?[غج]رام\s?/\s?م\s?[³3]|ملغ\s?/\s?م\s?[³3])")
# Numbers: "37.5", "37,5" (decimal comma), "10,000" / "10.000" / "10 000" (thousands groups
# of exactly three digits), "0,005"; see _number().
# (The leading "(?=\d)" lets the engine skip non-digits before trying the lookbehind.)
_VALUE_RX = re.compile(r"(?=\d)(?<![0-9A-Za-z.,])(?P<num>\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+"
                       r"(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?)\s?" + _UNIT_RX, re.IGNORECASE)
_UNIT = re.compile(_UNIT_RX, re.IGNORECASE)
_GROUPED = re.compile(r"^(\d{1,3})((?:[ \u00a0\u202f,.]\d{3})+)([.,]\d+)?$")


def _number(raw: str) -> float:
    """Parse a number as written in en, fr, es, zh or ar text.

    A separator followed by exactly three digits groups thousands ("10,000", "10.000",
    "10 000") unless the integer part is 0 ("0,005" is a decimal); any other "." or "," is
    the decimal mark ("37.5", "37,5").
    """
    g = _GROUPED.match(raw)
    if g and g.group(1) != "0":
        seps = set(re.sub(r"\d", "", g.group(2)))
        if len(seps) == 1:  # one kind of group separator throughout
            tail = (g.group(3) or "").replace(",", ".")
            return float(g.group(1) + re.sub(r"\D", "", g.group(2)) + tail)
    return float(raw.replace(",", ".").replace(" ", "").replace("\u00a0", "")
                 .replace("\u202f", ""))
_POLL = re.compile(_POLL_FIRST + "(?:" + "|".join(
    f"(?P<p{i}>{rx})" for i, (_, rx) in enumerate(_POLLUTANT_RX)) + ")", re.IGNORECASE)
_AVG = re.compile(_AVG_FIRST + "(?:" + "|".join(
    f"(?P<a{i}>{rx})" for i, (_, rx) in enumerate(_AVG_RX)) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Standard:
    """One numeric standard found in the text (offsets into ``Document.text``)."""

    pollutant: str
    averaging: str  # "" when none was found in the passage
    value: float  # as written
    unit: str  # normalised unit as written: µg/m³, mg/m³, ppb, ppm
    start: int  # of the value+unit
    end: int
    pollutant_start: int


def _norm_unit(u: str) -> str:
    u = u.lower().replace(" ", "")
    if u.startswith(("mg", "毫克", "مل")):
        return "mg/m³"
    if u in ("ppb", "ppm"):
        return u
    return "µg/m³"


_POLL_NAMES = [n for n, _ in _POLLUTANT_RX]
_AVG_NAMES = [n for n, _ in _AVG_RX]


# Where a sentence ends: 。！？； or . ! ? ; before a space or line end (not "PM2.5", "37.5").
# (One leading character class, so the regex engine scans for it in C: 4x faster than the
# equivalent "[。！？；؟]|[.!?;](?=\s|$)".)
_SENTENCE_END = re.compile(r"[.!?;。！？；؟](?:(?<=[。！？；؟])|(?=\s|$))")


def extract_standards(text: str, max_gap: int = 250, context: re.Pattern | None = None
                      ) -> list[Standard]:
    """Every value+unit tied to the nearest pollutant named before it in the same sentence.

    Sentences are found here from punctuation (not taken from the reader's passages), so a
    sentence about PM10 never lends its pollutant to the next one, whatever the reader's
    segmentation. A value's averaging time is the last one named before it in its clause
    (from the previous value or sentence start), else the first one named after it (up to the
    next value or sentence end): "annual limit of 40", "40 as a 1-hour mean".
    Values with no pollutant within ``max_gap`` characters before them are dropped; with
    ``context``, only sentences matching it count ("limit", "norme", "标准" …).
    """
    if _UNIT.search(text) is None:  # no unit anywhere (most documents): no value either
        return []
    vals = list(_VALUE_RX.finditer(text))
    if not vals:
        return []
    vstart = np.asarray([m.start() for m in vals], dtype=np.int64)
    vend = np.asarray([m.end() for m in vals], dtype=np.int64)
    breaks = np.asarray([m.end() for m in _SENTENCE_END.finditer(text)], dtype=np.int64)
    # sentence of each value: from the last break at/before it to the next break
    sent = np.searchsorted(breaks, vstart, side="right")
    padded = np.r_[0, breaks, len(text)]
    s_lo, s_hi = padded[sent], padded[sent + 1]
    # only the sentences holding a value (and, with context, normative ones) are scanned
    # (flat lists filled in one loop, made arrays once: per-sentence arrays cost more than
    # the scanning itself)
    ps, pk, as_, ak, skipped = [], [], [], [], []
    bounds = padded.tolist()
    for u in np.unique(sent).tolist():
        a, b = bounds[u], bounds[u + 1]
        if context is not None and context.search(text, a, b) is None:
            skipped.append(u)
            continue
        for m in _POLL.finditer(text, a, b):
            ps.append(m.start())
            pk.append(_POLL_NAMES[int(m.lastgroup[1:])])
        for m in _AVG.finditer(text, a, b):
            as_.append(m.start())
            ak.append(_AVG_NAMES[int(m.lastgroup[1:])])
    keep = ~np.isin(sent, skipped)
    if not keep.any():
        return []
    ps, as_ = np.asarray(ps, dtype=np.int64), np.asarray(as_, dtype=np.int64)
    same_prev = np.r_[False, sent[1:] == sent[:-1]]
    same_next = np.r_[sent[:-1] == sent[1:], False]
    lo = np.where(same_prev, np.r_[0, vend[:-1]], s_lo)
    hi = np.where(same_next, np.r_[vstart[1:], 0], s_hi)
    idx = np.searchsorted(ps, vstart, side="right") - 1  # nearest pollutant at/before value
    before = np.searchsorted(as_, vstart, side="right") - 1  # last averaging before value
    after = np.searchsorted(as_, vend, side="left")  # first averaging after value
    out = []
    for j, m in enumerate(vals):
        i = idx[j]
        if not keep[j] or i < 0 or ps[i] < s_lo[j] or vstart[j] - ps[i] > max_gap:
            continue  # not normative, or no pollutant named earlier in the same sentence
        avg = ""
        if before[j] >= 0 and as_[before[j]] >= lo[j]:
            avg = ak[before[j]]
        elif after[j] < len(as_) and as_[after[j]] < hi[j]:
            avg = ak[after[j]]
        num = _number(m.group("num"))
        out.append(Standard(pk[i], avg, num, _norm_unit(m.group("unit")), m.start(), m.end(),
                            int(ps[i])))
    return out


def to_table_unit(pollutant: str, value: float, unit: str, temperature_c: float = 25.0
                  ) -> float | None:
    """Convert ``value`` in ``unit`` to the guideline table's unit for ``pollutant``.

    Returns None when there is no conversion (a PM value in ppb).
    """
    target = POLLUTANTS[pollutant]
    if unit in ("ppb", "ppm"):
        if pollutant not in MOLAR_MASS:
            return None
        ug = value * (1000.0 if unit == "ppm" else 1.0) * MOLAR_MASS[pollutant] / molar_volume(
            temperature_c)
        return ug / 1000.0 if target == "mg/m³" else ug
    if unit == target:
        return value
    return value * 1000.0 if unit == "mg/m³" else value / 1000.0


def place_in_band(value: float, aqg: float, interim: list[float], inclusive: bool = True
                  ) -> tuple[str, int]:
    """Band of a standard against a guideline row: ("AQG", 0), ("IT-k", k) or
    ("above IT-1", -1) / ("above AQG", -1) when no interim targets exist.

    ``inclusive`` (default): "meets" means at or below (<=) the level, so a national limit
    equal to IT-2 is in IT-2; False: strictly below (<). The most stringent level met wins.
    """
    eps = 1e-9 * max(1.0, aqg)  # unit conversion rounding must not push 40.0 above 40

    def meets(level: float) -> bool:
        return value <= level + eps if inclusive else value < level - eps

    if meets(aqg):
        return "AQG", 0
    # interim targets from IT-1 (least stringent) to IT-k
    met = [k for k, it in enumerate(interim, start=1) if meets(it)]
    if met:
        return f"IT-{max(met)}", max(met)
    return ("above IT-1" if interim else "above AQG"), -1
