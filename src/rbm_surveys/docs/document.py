"""`Document`: what :mod:`rbm_surveys.docs.io` returns and the evidence finder reads.

Offsets are character offsets into ``Document.text`` (the whole normalised text: pages joined
by ``PAGE_JOIN``), so an evidence span is ``text[start:end]`` and its page is the page whose
``[start, end)`` contains it. Pages are numbered from 1 as a reader sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Page", "Passage", "Document", "PAGE_JOIN"]

PAGE_JOIN = "\n\n"


@dataclass(frozen=True)
class Page:
    number: int
    start: int
    end: int
    unreadable: bool = False
    reason: str = ""  # why unreadable: "no text layer", "garbled", "reversed digits"


@dataclass(frozen=True)
class Passage:
    """A sentence or short run of sentences, the unit evidence is quoted in."""

    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    kind: str  # "pdf" | "docx" | "html" | "txt"
    language: str  # ISO 639-1, e.g. "en", "fr", "zh"
    text: str
    pages: tuple[Page, ...]
    passages: tuple[Passage, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: (start, end, language) runs when the document mixes scripts/languages (e.g. a
    #: bilingual Chinese/English INDC); empty when the whole text is in ``language``.
    blocks: tuple[tuple[int, int, str], ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages of the text, the main one first."""
        if not self.blocks:
            return (self.language,)
        size: dict[str, int] = {}
        for a, b, lang in self.blocks:
            size[lang] = size.get(lang, 0) + (b - a)
        rest = sorted((lang for lang in size if lang != self.language), key=lambda x: (-size[x], x))
        return (self.language, *rest)

    @property
    def unreadable_pages(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.pages if p.unreadable)

    def page_of(self, offset: int) -> int:
        for p in self.pages:
            if p.start <= offset < p.end or (offset == p.end and p is self.pages[-1]):
                return p.number
        raise ValueError(f"offset {offset} is outside the document")
