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
# Latin and Cyrillic look-alikes (Р/P, М/M, С/C, О/O) are both accepted in formulas, as Russian
# texts type them either way; MP2,5 / MP10 are the Spanish and Portuguese abbreviations.
_PM = r"(?-i:[PpРр][MmМм]|MP|МР)"
_POLLUTANT_RX = [
    ("PM2.5", _PM + r"\s?(?:2[.,·]5|₂\.₅)|颗粒物[(（]粒径小于等\s*于\s*2\.5\s*[μµu]m[)）]"
              r"|particules fines|partículas finas|细颗粒物"
              r"|fine particulate|الجسيمات الدقيقة|partículas inaláveis finas"
              r"|мелкодисперсн\w* (?:взвешенн\w* )?частиц\w*"),
    ("PM10", _PM + r"\s?(?:10|₁₀)(?!\d)|颗粒物[(（]粒径小于等\s*于\s*10\s*[μµu]m[)）]"
             r"|可吸入颗粒物|particules? en suspension"
             r"|coarse particulate|partículas inaláveis|الجسيمات العالقة|взвешенн\w* частиц\w*"),
    ("NO2", r"(?-i:(?<![A-Za-z])[NN]\s?[OО]\s?2(?!\d)|NO₂)|nitrogen dioxide|dioxyde d['’]azote"
            r"|dióxido de nitrógeno|dióxido de nitrogênio|dióxido de azoto|二氧化氮"
            r"|ثاني أكسيد النيتروجين|диоксид\w* азота|двуокис\w* азота"),
    ("SO2", r"(?-i:(?<![A-Za-z])[SС]\s?[OО]\s?2(?!\d)|SO₂)|sulph?ur dioxide|dioxyde de soufre"
            r"|dióxido de azufre|dióxido de enxofre|二氧化硫|ثاني أكسيد الكبريت"
            r"|диоксид\w* серы|двуокис\w* серы|сернист\w* ангидрид\w*"),
    ("O3", r"(?-i:(?<![A-Za-z])[OО]\s?3(?!\d)|O₃)|\bozone\b|\bozono\b|\bozônio\b|臭氧|الأوزون"
           r"|\bозон\w*"),
    ("CO", r"(?-i:(?<![A-Za-z])(?:CO|СО)(?![A-Za-z0-9₂]))|carbon monoxide|monoxyde de carbone"
           r"|monóxido de carbono|一氧化碳|أول أكسيد الكربون|оксид\w* углерода"
           r"|монооксид\w* углерода|угарн\w* газ\w*"),
]
_AVG_RX = [
    ("peak_season", r"peak[- ]season|saison de pointe|temporada alta|高峰季|пиков\w* сезон"),
    ("annual", r"annual|annuelle?|anual|yearly|1[- ]year|calendar year|année civile|"
               r"año civil|ano civil|年平均|年均|السنوي|سنوي|среднегодов\w*|годов\w*"),
    ("24-hour", r"24[- ]?(?:hours?|h\b|heures|horas|час\w*)|daily|journali[eè]re|diari[oa]|"
                r"diária|24\s?小时|日平均|日均|24 ساعة|اليومي|يومي|среднесуточн\w*|суточн\w*"),
    ("8-hour", r"8[- ]?(?:hours?|h\b|heures|horas|час\w*)|8\s?小时|8 ساعات"),
    ("1-hour", r"(?<![0-9])1[- ]?(?:hour|h\b|heure|hora|час\b)|hourly|horaire|horári[oa]|"
               r"1\s?小时|小时平均|ساعة واحدة|среднечасов\w*"),
    ("10-minute", r"10[- ]?(?:minutes?|min\b|minutos|минут\w*)|10\s?分钟"),
]
# A number (1,234.5 / 1 234,5 / 37.5 / 37,5) then a concentration unit, possibly in the next
# table cell ("50 | µg/m³", tab-separated cells).
_UNIT_RX = (r"(?P<unit>[µμu]g\s?/\s?N?m\s?[³3]|microgram(?:me)?s? (?:per|par|por) "
            r"(?:cubic met(?:er|re)|mètre cube|metro cúbico)|mg\s?/\s?N?m\s?[³3]|ppb|ppm|"
            r"мкг\s?/\s?(?:куб\.?\s?)?м\s?[³3]?|мг\s?/\s?(?:куб\.?\s?)?м\s?[³3]?|"
            r"微克\s?/\s?立方米|毫克\s?/\s?立方米|مي[كك]رو[غج]رام\s?/\s?م\s?[³3]|"
            r"مي[كك]رو[غج]رام لكل متر مكعب|مل[يل]?[غج]رام\s?/\s?م\s?[³3]|ملغ\s?/\s?م\s?[³3])")
_CELL_GAP = r"(?:\s?\|\s?|\s*\t\s*|\s?)"
# Numbers: "37.5", "37,5" (decimal comma), "10,000" / "10.000" / "10 000" (thousands groups
# of exactly three digits), "0,005"; see _number().
# (The leading "(?=\d)" lets the engine skip non-digits before trying the lookbehind.)
# (A plain space groups thousands only in round thousands after one or two digits, "10 000":
# in a table row "140 100" or "50 150" is two columns.)
_NUM_RX = (r"(?P<num>\d{1,3}(?:[\u00a0\u202f,.]\d{3})+(?:[.,]\d+)?(?!\d)"
           r"|\d{1,2}(?: 000)+(?:[.,]\d+)?(?![\d.,])|\d+(?:[.,]\d+)?)")
_VALUE_RX = re.compile(r"(?=\d)(?<![0-9A-Za-z.,])" + _NUM_RX + _CELL_GAP + _UNIT_RX,
                       re.IGNORECASE)
_UNIT = re.compile(_UNIT_RX, re.IGNORECASE)
_BARE_NUM = re.compile(r"(?=\d)(?<![0-9A-Za-zА-Яа-я.,₀-₉])" + _NUM_RX + r"(?![\d%])")
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


_POLL = re.compile("|".join(f"(?P<p{i}>{rx})" for i, (_, rx) in enumerate(_POLLUTANT_RX)),
                   re.IGNORECASE)
_AVG = re.compile("|".join(f"(?P<a{i}>{rx})" for i, (_, rx) in enumerate(_AVG_RX)),
                  re.IGNORECASE)


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
    if u.startswith(("mg", "毫克", "مل", "мг")):
        return "mg/m³"
    if u in ("ppb", "ppm"):
        return u
    return "µg/m³"


_POLL_NAMES = [n for n, _ in _POLLUTANT_RX]
_AVG_NAMES = [n for n, _ in _AVG_RX]


# Where a sentence ends: 。！？； or . ! ? ; before a space or line end (not "PM2.5", "37.5").
_SENTENCE_END = re.compile(r"[.!?;。！？；؟](?:(?<=[。！？；؟])|(?=\s|$))")
#: How far back (characters) a heading's pollutant or averaging time reaches.
HEADING_REACH = 800


def _heading_lines(text: str, lo: int, hi: int):
    """(start, end) of heading-like lines in text[lo:hi]: short lines that do not end a
    sentence ("Article 3 - Fine particulate matter (PM2.5)", "PM10:"), or table header rows."""
    pos = lo
    for line in text[lo:hi].split("\n"):
        s = line.strip()
        if s and (len(s) <= 120 and not re.search(r"[.;。；!?]$", s) or " | " in s):
            yield pos, pos + len(line)
        pos += len(line) + 1


def _last(rx: re.Pattern, names: list, text: str, lo: int, hi: int):
    last = None
    for m in rx.finditer(text, lo, hi):
        last = m
    return (names[int(last.lastgroup[1:])], last.start()) if last else None


def _first(rx: re.Pattern, names: list, text: str, lo: int, hi: int):
    m = rx.search(text, lo, hi)
    return (names[int(m.lastgroup[1:])], m.start()) if m else None


def _from_headings(rx, names, text: str, lo: int, hi: int):
    found = None
    for a, b in _heading_lines(text, lo, hi):
        hit = _last(rx, names, text, a, b)
        if hit:
            found = hit
    return found


def extract_standards(text: str, max_gap: int = 250, context: re.Pattern | None = None,
                      document_context: bool = False) -> list[Standard]:
    """Every value+unit tied to a pollutant and an averaging time, read from the structure.

    * The pollutant is the nearest one named before the value in its sentence; else the
      first one after it in the sentence ("25 µg/m³ for PM2.5"); else the last one named in a
      heading line or table header before it (``HEADING_REACH``), so "Article 3 - Fine
      particulate matter (PM2.5)" gives its pollutant to the values in the paragraphs
      below; so does an earlier sentence of the same paragraph (an article's title, "Artículo
      3. Material particulado PM2,5. Se establece ... 20 μg/m3"), never another paragraph.
    * The averaging time is the last one named before the value in its clause (from the
      previous value or the sentence start), else the first one after it (up to the next
      value or sentence end), else the last one in a heading/table header before it.
    * Value and unit may sit in neighbouring table cells ("50 | µg/m³"); in a table whose
      header row carries the unit ("Limit value (µg/m³)"), bare numbers in the rows below
      take that unit.
    * With ``context`` (legal-status words: "limit value", "maximum permissible level",
      "valeur limite", "norma", "限值", "الحد الأقصى المسموح", "ПДК" …), a value counts only
      when a context word occurs in its sentence or in the ``HEADING_REACH`` characters
      before it, or when ``document_context`` is True (the document as a whole is a legal
      standard: a context word in its title or first paragraphs).
    """
    if _UNIT.search(text) is None:  # no unit anywhere (most documents): no value either
        return []
    import bisect

    breaks = [m.end() for m in _SENTENCE_END.finditer(text)]
    found: list[tuple[int, int, float, str]] = []  # start, end, value, unit
    for m in _VALUE_RX.finditer(text):
        unit = _norm_unit(m.group("unit"))
        found.append((m.start(), m.end(), _number(m.group("num")), unit))
        # a table row with several value columns ("24 horas 120 45 μg/m3": interim and final
        # standard): the bare numbers just before the value share its unit
        line_lo = text.rfind("\n", 0, m.start()) + 1
        row = text[line_lo:m.start()]
        mates = list(re.finditer(r"(?:^|(?<=\s))(\d+(?:[.,]\d+)?)(?=\s*(?:\|\s*)?$)", row))
        while mates:
            mm = mates[-1]
            a, b = line_lo + mm.start(1), line_lo + mm.end(1)
            avg_here = _AVG.search(text, max(line_lo, a - 12), b)
            if avg_here is not None and avg_here.end() >= b:  # "24" of "24 horas"
                break
            found.append((a, b, _number(mm.group(1)), unit))
            row = text[line_lo:a]
            mates = list(re.finditer(r"(?:^|(?<=\s))(\d+(?:[.,]\d+)?)(?=\s*(?:\|\s*)?$)",
                                     row))
    found += _header_unit_values(text, {s for s, *_ in found})
    found.sort()
    out = []
    n = len(found)
    # sentences written "value, then its averaging time" ("20 μg/m3 como concentración anual,
    # y de 50 μg/m3 como concentración de 24 horas"): decided by the sentence's first value
    after_style: dict[int, bool] = {}
    for j, (vs, ve, _, _) in enumerate(found):
        k = bisect.bisect_right(breaks, vs)
        if k in after_style:
            continue
        s_lo = breaks[k - 1] if k else 0
        s_hi = breaks[k] if k < len(breaks) else len(text)
        nxt = found[j + 1][0] if j + 1 < n and found[j + 1][0] >= ve else s_hi
        after_style[k] = (_AVG.search(text, s_lo, vs) is None
                          and _AVG.search(text, ve, min(nxt, s_hi)) is not None)
    for j, (vs, ve, num, unit) in enumerate(found):
        k = bisect.bisect_right(breaks, vs)
        s_lo = breaks[k - 1] if k else 0
        s_hi = breaks[k] if k < len(breaks) else len(text)
        lo = max(s_lo, found[j - 1][1]) if j and found[j - 1][1] <= vs else s_lo
        line_lo = text.rfind("\n", 0, vs) + 1
        if j and found[j - 1][1] > line_lo:  # a row-mate on the same line: the row's own
            lo = max(s_lo, line_lo)          # averaging time is before both
        hi = min(s_hi, found[j + 1][0]) if j + 1 < n and found[j + 1][0] >= ve else s_hi
        reach = max(0, vs - HEADING_REACH)
        if context is not None and not document_context and \
                context.search(text, reach, s_hi) is None:
            continue
        # the line the value is on: a table row's pollutant is in the row
        line_lo = text.rfind("\n", 0, vs) + 1
        para_lo = text.rfind("\n", 0, vs) + 1  # the paragraph (line) the value is on
        poll = (_last(_POLL, _POLL_NAMES, text, max(s_lo, vs - max_gap, line_lo
                                                    if " | " in text[line_lo:vs] else 0), vs)
                or _first(_POLL, _POLL_NAMES, text, ve, hi)
                # the article's own heading on the same line: "Artículo 3. Material
                # particulado fino PM2,5. Se establece ... 20 μg/m3"
                or _last(_POLL, _POLL_NAMES, text, max(para_lo, reach), s_lo)
                or _from_headings(_POLL, _POLL_NAMES, text, reach, s_lo))
        if poll is None:
            continue
        if after_style.get(k):
            avg = _first(_AVG, _AVG_NAMES, text, ve, hi) or _last(_AVG, _AVG_NAMES, text, lo, vs)
        else:
            avg = (_last(_AVG, _AVG_NAMES, text, lo, vs)
                   or _first(_AVG, _AVG_NAMES, text, ve, hi))
        avg = (avg
               or _from_headings(_AVG, _AVG_NAMES, text, reach, min(s_lo, vs)))
        out.append(Standard(poll[0], avg[0] if avg else "", num, unit, vs, ve, poll[1]))
    return out


def _header_unit_values(text: str, taken: set) -> list[tuple[int, int, float, str]]:
    """Bare numbers in table rows under a header that carries the unit.

    A header is a line with a unit but no number before it ("Pollutant | Averaging time |
    Limit value (µg/m³)"); it applies to the following non-blank lines of its block. In a
    row, numbers that are part of the pollutant (PM10) or averaging time (24 hours) are not
    values; rows without a pollutant name are skipped (they are not standards)."""
    out = []
    unit = None
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            unit = None  # a blank line ends the table
            continue
        um = _UNIT.search(line)
        if um and not _VALUE_RX.search(line):
            unit = _norm_unit(um.group("unit"))
            continue
        if unit is None or um:
            continue
        skip = [(m.start(), m.end()) for m in _POLL.finditer(line)]
        if not skip:
            continue
        skip += [(m.start(), m.end()) for m in _AVG.finditer(line)]
        for m in _BARE_NUM.finditer(line):
            if any(a <= m.start() < b for a, b in skip) or start + m.start() in taken:
                continue
            out.append((start + m.start(), start + m.end(), _number(m.group("num")), unit))
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
