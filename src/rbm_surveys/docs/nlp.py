"""Blank spaCy pipelines (tokenizer only, no model), built lazily, one per language used.

Shared by the rubric loader (to validate token patterns), the evidence finder and the
segmenter; it imports nothing else from the package.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["blank"]

_MAX_CHARS = 20_000_000  # spaCy's default max_length (1e6) is about the parser's memory


@lru_cache(maxsize=None)
def blank(language: str):
    """spaCy blank pipeline (tokenizer only) for an ISO 639-1 code."""
    import spacy

    nlp = spacy.blank(language)
    nlp.max_length = _MAX_CHARS
    if language == "ar":
        # Arabic writes the conjunction wa- ("and") joined to the next word (والمساءلة):
        # split it off so the phrase المساءلة matches. Phrases go through the same tokenizer,
        # so a word that merely starts with و (وزارة) is split the same way on both sides.
        from spacy.util import compile_prefix_regex

        prefixes = [*nlp.Defaults.prefixes, r"و(?=\w\w)"]
        nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    return nlp
