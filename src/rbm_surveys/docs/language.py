"""Document language as an ISO 639-1 code.

Two steps, both deterministic:

1. **Script shortcut.** When one non-Latin script dominates the letters, the language is
   taken from the script: Han → ``zh`` (``ja`` when kana are also present), Hangul → ``ko``,
   Arabic script → ``ar``, Cyrillic → ``ru``, Hebrew → ``he``, Greek → ``el``, Thai → ``th``,
   Devanagari → ``hi``. This is instant and avoids langdetect's confusions on short CJK text.
   (Arabic-script Persian/Urdu and Cyrillic Ukrainian are reported as ``ar``/``ru``; pass
   ``language=`` to override.)
2. Otherwise, when the sample's function words are decisively those of one of en, fr, es,
   pt, de, it (:func:`_function_words`), that language — langdetect would say the same and
   costs ~5 ms; else **langdetect** on a sample of the text with
   ``DetectorFactory.seed = 0`` (its results are random without a seed). Region suffixes
   are dropped (``zh-cn`` → ``zh``).

Text with too few letters to judge gives ``"xx"`` (spaCy's multi-language code).
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "language_blocks", "UNKNOWN", "SAMPLE_CHARS"]

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


# Step 2a: frequent function words that belong to ONE of the languages below (words shared
# by two of them, such as "de", "la", "que", "para", "das", "il", "una", are left out).
_FUNCTION_WORDS = {
    "en": "the and of with that which will shall this is are from have has been",
    "fr": "les des est une dans pour sur aux qui du au ne pas sont et cette leur",
    "es": "los las del el por y es con una como lo sus al está son",
    "pt": "os dos uma não com ao pelo pela é são em um às seu sua",
    "de": "der die und den ist nicht mit von zu eine auf für dem sich",
    "it": "gli della delle degli che sono nel nella alla dei il è",
}
_WORD_LANG = {w: code for code, words in _FUNCTION_WORDS.items() for w in words.split()}
_WORD = re.compile(r"[^\W\d_]+")
#: The shortcut needs this many function words, this share of all words, and this share of
#: the function words from one language; otherwise langdetect decides.
_FW_MIN, _FW_WORD_SHARE, _FW_LANG_SHARE = 20, 0.12, 0.9


def _function_words(sample: str) -> str:
    """The language whose function words make up nearly all of those in ``sample``, or "".

    langdetect costs ~5 ms a document whatever the sample size (it runs seven random trials);
    on ordinary prose in these six languages the function words are unambiguous and it
    would give the same answer, so it is consulted only when they are not decisive."""
    words = _WORD.findall(sample.lower())
    langs = [_WORD_LANG[w] for w in words if w in _WORD_LANG]
    if len(langs) < _FW_MIN or len(langs) < _FW_WORD_SHARE * len(words):
        return ""
    code, n = Counter(langs).most_common(1)[0]
    return code if n >= _FW_LANG_SHARE * len(langs) else ""


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
    code = _function_words(sample)
    if code:
        return code
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random without a seed
    try:
        code = detect(sample)
    except LangDetectException:
        return UNKNOWN
    return code.split("-")[0]


# --------------------------------------------------------------------------- per block
_SCRIPT_OF = (("zh", _SCRIPTS[0][1]), ("ar", _SCRIPTS[2][1]), ("ru", _SCRIPTS[3][1]))
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
#: A document is "mixed" when a second script has at least this share of the letters.
MIXED_SHARE = 0.05
#: Blocks with fewer letters take the language of the block before them.
MIN_BLOCK_LETTERS = 20


def _script_language(text: str, latin: str) -> tuple[str, int]:
    counts = [(len(rx.findall(text)), code) for code, rx in _SCRIPT_OF]
    counts.append((len(_LATIN.findall(text)), latin))
    n, code = max(counts)
    return code, n


def language_blocks(text: str, main: str, latin: str | None = None
                    ) -> tuple[tuple[int, int, str], ...]:
    """(start, end, language) runs of ``text`` by paragraph, when it mixes scripts.

    Each paragraph's language is its dominant script's (Han -> zh, Arabic -> ar, Cyrillic
    -> ru, Latin -> ``latin``, the language detected on the Latin paragraphs). Returns ()
    when one script has all but ``MIXED_SHARE`` of the letters (nearly every document):
    then the document is in ``main`` throughout. Deterministic, regex counts only."""
    totals = [len(rx.findall(text)) for _, rx in _SCRIPT_OF] + [len(_LATIN.findall(text))]
    letters = sum(totals)
    if not letters or max(totals) >= (1 - MIXED_SHARE) * letters:
        return ()
    if latin is None:
        latin_text = " ".join(p for p in _PARAGRAPH.split(text)
                              if _script_language(p, "la")[0] == "la")
        latin = detect_language(latin_text) if latin_text.strip() else main
        if latin in ("zh", "ar", "ru", UNKNOWN):
            latin = "en"
    runs: list[list] = []
    pos = 0
    prev = main
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        seg = text[pos:end]
        if seg.strip():
            code, n = _script_language(seg, latin)
            lang = code if n >= MIN_BLOCK_LETTERS else prev
            if runs and runs[-1][2] == lang:
                runs[-1][1] = end
            else:
                runs.append([pos, end, lang])
            prev = lang
        pos = m.end() if m else len(text)
    if len({r[2] for r in runs}) < 2:
        return ()
    return tuple((a, b, lang) for a, b, lang in runs)
