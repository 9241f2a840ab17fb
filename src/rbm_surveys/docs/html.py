"""HTML visible text with the standard library's ``html.parser``.

Dropped: ``script``, ``style``, ``nav``, ``noscript``, ``template``, ``svg``, ``head`` (the
``title`` is kept as the first line), ``iframe``, ``form`` controls. Block elements end a
line; table cells are separated by `` | ``. An element styled ``page-break-before: always``
or ``break-before: page`` (how HTML exports of Word mark pages) starts a new page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["read_html_pages"]

_DROP = {"script", "style", "nav", "noscript", "template", "svg", "iframe", "select",
         "button", "object", "canvas", "math"}
_BLOCK = {"p", "div", "section", "article", "main", "aside", "header", "footer", "h1", "h2",
          "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
          "tfoot", "tr", "blockquote", "pre", "figure", "figcaption", "address", "hr",
          "caption", "title", "body", "html"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "param",
         "source", "track", "wbr"}
_BREAK_STYLE = re.compile(r"(?:page-)?break-(?:before|after)\s*:\s*(?:always|page)", re.I)
_PAGE = "\f"


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.drop_depth = 0
        self.in_head = False
        self.in_title = False
        self.cell_open = False
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROP:
            if tag not in _VOID:
                self.drop_depth += 1
            return
        if tag == "head":
            self.in_head = True
        elif tag == "title":
            self.in_title = True
        if self.drop_depth:
            return
        style = dict(attrs).get("style") or ""
        if _BREAK_STYLE.search(style) and "before" in style.lower():
            self.parts.append(_PAGE)
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            if self.cell_open:
                self.parts.append(" | ")
            self.cell_open = True
        elif tag == "pre":
            self.pre += 1
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROP:
            self.drop_depth = max(0, self.drop_depth - 1)
            return
        if tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
            self.parts.append("\n")
        if self.drop_depth:
            return
        if tag == "tr":
            self.cell_open = False
            self.parts.append("\n")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.drop_depth or (self.in_head and not self.in_title):
            return
        # Outside <pre>, HTML whitespace (including newlines) collapses to one space.
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def read_html_pages(markup: str) -> list[str]:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return [re.sub(r"\n{2,}", "\n\n", page) for page in text.split(_PAGE)]
