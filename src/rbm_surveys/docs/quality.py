"""Is a page's extracted text trustworthy? Flags pages as unreadable, with a reason.

Three failures are detected, because each silently corrupts evidence:

* **no text layer** — a scanned page: PDF drawing objects (images/paths) but no text.
* **garbled** — broken font encodings: a high share of U+FFFD, private-use, or control
  code points, or too few letters among the visible characters.
* **reversed digits** — right-to-left pages (Arabic, Hebrew, Persian ...) whose numbers
  come out mirrored from some PDF producers, e.g. ``9102`` for ``2019``. Heuristic: on a page
  where at least ``RTL_SHARE`` of the letters are RTL script, count four-digit numbers that are
  not plausible years but whose reverse is (``9102`` → 2019, ``0302`` → 2030). The page is
  flagged when there is at least one such number, they are at least as many as plausible
  years, and at least ``MIRRORED_SHARE`` (25 %) of all four-digit numbers on the page (so a
  table of amounts where one happens to end in ``02`` is not flagged). Western (0-9), Arabic-Indic and Persian digits are all considered. A wrong number is
  worse than no number: such pages are withheld from scoring.
"""

from __future__ import annotations

import re

__all__ = ["garbled_reason", "reversed_digits", "damaged_reason", "rtl_share", "BAD_CHAR_SHARE",
           "MIN_LETTER_SHARE"]

#: Share of visible characters that are replacement/private-use/control/unassigned.
BAD_CHAR_SHARE = 0.10
#: Share of visible characters that must be letters or digits (prose is ~80 %).
MIN_LETTER_SHARE = 0.45
#: Below this many visible characters a page is too short to judge by shares.
MIN_JUDGED_CHARS = 40
RTL_SHARE = 0.2
#: Share of the page's four-digit numbers that must be mirrored years.
MIRRORED_SHARE = 0.25
YEAR_RANGE = (1900, 2099)

_SYMBOL = re.compile(r"[^\w\s]|_")
_WORD_OR_SPACE = re.compile(r"[\w\s]+")
_NOT_ASCII_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())


def _symbols(text: str) -> int:
    """Number of _SYMBOL characters: what is left once runs of letters, digits and spaces
    are removed, plus "_" (a \\w character that _SYMBOL counts); 2x faster than findall."""
    return len(_WORD_OR_SPACE.sub("", text)) + text.count("_")
_LEADERS = re.compile(r"([^\w\s]|_)(?: ?\1){2,}")
# U+FFFD, private use (BMP and planes 15-16), C0/C1 controls other than whitespace, surrogates.
_BAD = re.compile(r"[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\u0000-\u0008\u000e-\u001f"
                  r"\u007f-\u009f\ud800-\udfff]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")
_NUMBER4 = re.compile(r"(?<![\d.,])(\d{4})(?![\d.,]\d)")
_DIGIT_MAP = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _spaces(text: str) -> int:
    # str.count runs in C; these four cover what PDF/Word/HTML extraction leaves.
    return text.count(" ") + text.count("\n") + text.count("\t") + text.count("\u3000")


def garbled_reason(raw: str) -> str:
    """Reason string when the raw (pre-NFKC) page text looks garbled, else ``""``."""
    # Counted with regexes (C speed), not a Python loop over characters.
    visible = len(raw) - _spaces(raw)
    if visible < MIN_JUDGED_CHARS:
        return ""
    share = len(_BAD.findall(raw)) / visible if _BAD.search(raw) else 0.0
    if share >= BAD_CHAR_SHARE:
        return f"garbled: {share:.0%} replacement/private-use/control characters"
    # ASCII letters and digits alone are a lower bound of the letter share: when they are
    # enough (most pages), the exact count is not needed.
    if len(raw.encode("ascii", "ignore").translate(None, _NOT_ASCII_ALNUM)) >= \
            MIN_LETTER_SHARE * visible:
        return ""
    # Count the (few) symbols rather than the (many) letters.
    alnum = (visible - _symbols(raw)) / visible
    if alnum < MIN_LETTER_SHARE:
        # Dot leaders and rules ("Introduction ........ 3", "-----") are layout, not noise.
        bare = _LEADERS.sub("", raw)
        rest = len(bare) - _spaces(bare)
        if rest >= MIN_JUDGED_CHARS and \
                (rest - _symbols(bare)) / rest < MIN_LETTER_SHARE:
            return f"garbled: only {alnum:.0%} letters or digits"
    return ""


def rtl_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_RTL.findall(text)) / letters if letters else 0.0


def reversed_digits(text: str) -> str:
    """Reason string when an RTL page shows mirrored years, else ``""``."""
    if not _RTL.search(text) or rtl_share(text) < RTL_SHARE:
        return ""
    lo, hi = YEAR_RANGE
    numbers = _NUMBER4.findall(text.translate(_DIGIT_MAP))
    plausible = mirrored = 0
    for number in numbers:
        value, back = int(number), int(number[::-1])
        if lo <= value <= hi:
            plausible += 1
        elif lo <= back <= hi:
            mirrored += 1
    # A table of amounts has ~2 % numbers ending in 91/02 by chance; mirrored pages have many.
    if mirrored and mirrored >= plausible and mirrored >= MIRRORED_SHARE * len(numbers):
        return (f"reversed digits: {mirrored} number(s) read as mirrored years "
                f"(e.g. 9102 for 2019) in right-to-left text")
    return ""


# --------------------------------------------------------------------------- damaged text
# Text that extracted without error but cannot be read as the language it is in. Each check
# needs enough material to judge (``MIN_DAMAGE_WORDS``) and is deterministic.
MIN_DAMAGE_WORDS = 20
#: UTF-8 read as Latin-1/Windows-1252 ("Ã©", "â€™", "Ø§Ù„"): share of words showing it.
MOJIBAKE_SHARE = 0.05
_MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|â€|[ØÙÚÛ][\u0080-\u00bf§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾]"
                       r"|Ð[\u0080-\u00bf]|Ñ[\u0080-\u008f]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+")
# function words of en/fr/es/pt that are not words when reversed (and their reversals)
_FUNCTION = ("the and with that for are from this les des est pour dans avec sont los las del "
             "para con una dos das com uma").split()
_REVERSED = {w[::-1] for w in _FUNCTION} - set(_FUNCTION)


def damaged_reason(text: str) -> str:
    """Reason when a page's (normalised) text is damaged, else ``""``:

    * **mojibake** — UTF-8 decoded as a single-byte code page ("Ã©" for "é", "Ø§Ù„" for "ال");
    * **broken Arabic shaping** — Arabic written in visual order (reversed): words ending in
      لا (the article ال backwards) outnumber words starting with ال, or most Arabic "words"
      are single letters (presentation forms split letter by letter);
    * **letter-spaced** — most "words" are single letters ("U r b a n  p l a n");
    * **reversed** — Latin text written backwards ("eht" for "the").
    """
    words = text.split()
    if len(words) < MIN_DAMAGE_WORDS:
        return ""
    moj = len(_MOJIBAKE.findall(text))
    if moj >= 5 and moj >= MOJIBAKE_SHARE * len(words):
        return f"damaged text: mojibake ({moj} sequences like 'Ã©' in {len(words)} words)"
    if _RTL.search(text):
        aw = _ARABIC_WORD.findall(text)
        if len(aw) >= MIN_DAMAGE_WORDS:
            single = sum(len(w) == 1 for w in aw)
            if single >= 0.4 * len(aw):
                return (f"damaged text: broken Arabic shaping ({single} of {len(aw)} Arabic "
                        "words are single letters)")
            al = sum(len(w) > 3 and w.startswith("ال") for w in aw)
            la = sum(len(w) > 3 and w.endswith("لا") for w in aw)
            if la >= 5 and la > 2 * al:
                return (f"damaged text: Arabic in reversed (visual) order ({la} words end in "
                        f"'لا', {al} start with 'ال')")
    lw = _LATIN_WORD.findall(text)
    if len(lw) >= MIN_DAMAGE_WORDS:
        single = sum(len(w) == 1 for w in lw)
        if single >= 0.5 * len(lw):
            return f"damaged text: letter-spaced ({single} of {len(lw)} words are single letters)"
        low = [w.lower() for w in lw]
        rev = sum(w in _REVERSED for w in low)
        fwd = sum(w in _FUNCTION_SET for w in low)
        if rev >= 5 and rev > 3 * fwd:
            return f"damaged text: reversed ({rev} reversed function words such as 'eht')"
    return ""


_FUNCTION_SET = set(_FUNCTION)
