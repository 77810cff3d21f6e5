"""HTML pages to articles: main text and metadata by trafilatura, news items as for .txt pages.

Why trafilatura: it is the maintained library made for exactly this (main text
of news and blog pages without menus, footers and cookie banners, plus title,
date, author and canonical URL from the page's metadata), it scores at the top
of the published boilerplate-removal benchmarks, runs offline on the bytes we
give it, and is Apache-2.0 licensed.

Its plain-text output joins paragraphs and `<br>` lines alike with one newline,
which would lose what the page splitter needs (a signature block is a paragraph
of short lines; a teaser starts at a heading). So the page is rebuilt from
trafilatura's element tree instead: one paragraph per block element, `<br>`
kept as a line break inside it, two blank lines before each heading (the shape
of a teaser in a saved .txt page). The result goes through the same
`split_page` as a .txt page, so "Previous news" teasers, page furniture and
signature blocks are treated the same way whatever format a page came in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from kg.ingest import split_page
from kg.model import Article
from kg.normalize import parse_date

#: Block elements of trafilatura's output whose text is one paragraph.
_HEADING = "head"
_LIST = "list"
_LINE_BREAK = "lb"


@dataclass(frozen=True)
class PageMeta:
    """What is known about a page besides its HTML: where it came from and what a feed said."""

    url: str | None = None  # the address it was fetched from (None for a saved file)
    feed: str | None = None
    fetched: str | None = None
    title: str | None = None  # fallbacks from a feed entry, used when the page has none
    date: str | None = None
    author: str | None = None


class NoText(ValueError):
    """The page has no main text (a navigation page, a login wall, an empty template)."""


def html_articles(raw: bytes | str, source: str, meta: PageMeta | None = None) -> list[Article]:
    """The news items of one HTML page, each with the page's URL, author and provenance.

    The main item gets the page's date (its metadata, else the feed's, else the
    first date of its text, as for .txt pages); teasers keep the date of their
    own text. Raises `NoText` when nothing readable is left.
    """
    import trafilatura

    meta = meta or PageMeta()
    doc = trafilatura.bare_extraction(
        raw,
        url=meta.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
    )
    if doc is None or getattr(doc, "body", None) is None:
        raise NoText("no article text found in the HTML")
    title = _clean(doc.title) or meta.title
    blocks = _blocks(doc.body)
    if title is None:
        if not blocks:
            raise NoText("no article text found in the HTML")
        title = blocks[0][0]
    if blocks and " ".join(blocks[0]) == title:
        blocks = blocks[1:]  # the page's <h1> repeats its title
    if not blocks:
        raise NoText("no article text found in the HTML")
    text = "\n\n".join([title, *("\n".join(block) for block in blocks)])
    articles = split_page(text, source)
    if not articles:
        raise NoText("no article text, only page furniture")
    canonical = _http_url(doc.url) or meta.url
    date = parse_date(doc.date) if doc.date else None
    author = _clean(doc.author) or meta.author
    items = []
    for article in articles:
        fields: dict[str, Any] = {
            "url": canonical,
            "author": author,
            "feed": meta.feed,
            "fetched": meta.fetched,
        }
        if article.position == 0:
            fields["date"] = date or meta.date or article.date
        items.append(dataclasses.replace(article, **fields))
    return items


def _blocks(body: Any) -> list[list[str]]:
    """Paragraphs of trafilatura's element tree as lists of lines; headings start a new item.

    A heading's block is marked by a leading empty string, which `html_articles`
    turns into the double blank line `split_page` reads as a teaser boundary.
    """
    blocks: list[list[str]] = []
    for element in body:
        if not isinstance(element.tag, str):
            continue
        if element.tag == _LIST:
            items = [child for child in element if isinstance(child.tag, str)]
            blocks.extend(lines for lines in (_lines(item) for item in items) if lines)
            continue
        lines = _lines(element)
        if not lines:
            continue
        if element.tag == _HEADING and blocks:
            lines = ["", *lines]
        blocks.append(lines)
    return blocks


def _lines(element: Any) -> list[str]:
    """The element's text, split at its <lb/> line breaks, whitespace collapsed."""
    for line_break in element.iter(_LINE_BREAK):
        line_break.tail = "\n" + (line_break.tail or "")
    lines = (" ".join(line.split()) for line in "".join(element.itertext()).split("\n"))
    return [line for line in lines if line]


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _http_url(value: object) -> str | None:
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    return None
