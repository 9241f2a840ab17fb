"""Document language as an ISO 639-1 code.

Two steps, both deterministic:

1. **Script shortcut.** When one non-Latin script dominates the letters, the language is
   taken from the script: Han → ``zh`` (``ja`` when kana are also present), Hangul → ``ko``,
   Arabic script → ``ar``, Cyrillic → ``ru``, Hebrew → ``he``, Greek → ``el``, Thai → ``th``,
   Devanagari → ``hi``. This is instant and avoids langdetect's confusions on short CJK text.
   (Arabic-script Persian/Urdu and Cyrillic Ukrainian are reported as ``ar``/``ru``; pass
   ``language=`` to override.)
2. Otherwise **langdetect** on a sample of the text with ``DetectorFactory.seed = 0`` (its
   results are random without a seed). Region suffixes are dropped (``zh-cn`` → ``zh``).

Text with too few letters to judge gives ``"xx"`` (spaCy's multi-language code).
"""

from __future__ import annotations

import re

__all__ = ["detect_language", "UNKNOWN", "SAMPLE_CHARS"]

UNKNOWN = "xx"
#: langdetect reads at most this many characters (taken from the start, middle and end).
SAMPLE_CHARS = 1500
#: Share of letters one script must have for the script shortcut.
SCRIPT_SHARE = 0.5
_MIN_LETTERS = 20

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
_KANA = re.compile(r"[\u3040-\u30ff]")
_LETTER = re.compile(r"[^\W\d_]")


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    third = SAMPLE_CHARS // 3
    mid = len(text) // 2
    return " ".join((text[:third], text[mid - third // 2: mid + third // 2], text[-third:]))


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (see module docstring for the method)."""
    sample = _sample(text)
    letters = len(_LETTER.findall(sample))
    if letters < _MIN_LETTERS:
        return UNKNOWN
    kana = len(_KANA.findall(sample))
    for code, pattern in _SCRIPTS:
        n = len(pattern.findall(sample))
        if code == "zh" and (n + kana) / letters >= SCRIPT_SHARE:
            return "ja" if kana / letters > 0.05 else "zh"
        if n / letters >= SCRIPT_SHARE:
            return code
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random without a seed
    try:
        code = detect(sample)
    except LangDetectException:
        return UNKNOWN
    return code.split("-")[0]
