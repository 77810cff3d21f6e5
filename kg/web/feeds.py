"""What a fetched document is (page, feed, sitemap) and the links a feed or sitemap lists.

A server's Content-Type is often wrong for feeds (RSS served as text/html or
application/octet-stream), so the kind is decided by the document's first
element when it is XML, and by the Content-Type only otherwise.

Feeds are parsed by feedparser from the bytes we fetched (it is never given a
URL, so it never fetches anything itself). Sitemaps are parsed by lxml with
entity expansion, DTD loading and network access off, so a hostile sitemap
cannot read local files or blow up in memory.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

#: The first element name of an XML document, after the prolog (declaration, comments, DOCTYPE).
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_PROLOG = re.compile(rb"\s*(?:<\?[^>]{0,500}\?>|<!--.{0,2000}?-->|<!DOCTYPE[^>]{0,1000}>)", re.S)
_FEED_ROOTS = frozenset({b"rss", b"feed", b"RDF", b"channel"})
_SITEMAP_ROOTS = frozenset({b"urlset", b"sitemapindex"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
#: How far into a document its root element is looked for.
_SNIFF_BYTES = 4096
#: RSS's author form "press@example.org (Name)".
_EMAIL_NAME = re.compile(r"[^\s()]+@[^\s()]+\s*\(([^()]{1,200})\)")


@dataclass(frozen=True)
class Entry:
    """One item of a feed or sitemap: the page to fetch, and what the list says about it."""

    link: str
    title: str | None = None
    date: str | None = None
    author: str | None = None


def kind_of(body: bytes, content_type: str) -> str | None:
    """'feed', 'sitemap', 'html' or 'text'; None for anything else (images, PDFs, ...)."""
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    position = 0
    while True:
        prolog = _PROLOG.match(head, position)
        if prolog is None or prolog.end() == position:
            break
        position = prolog.end()
    root = _ROOT.match(head, _skip_space(head, position))
    if root is not None:
        name = root.group(2)
        if name in _FEED_ROOTS:
            return "feed"
        if name in _SITEMAP_ROOTS:
            return "sitemap"
        if name.lower() in (b"html", b"head", b"body"):
            return "html"
    if content_type in _FEED_TYPES:
        return "feed"
    if content_type in _HTML_TYPES:
        return "html"
    if content_type == "text/plain":
        return "text"
    return None


def _skip_space(data: bytes, position: int) -> int:
    while position < len(data) and data[position : position + 1].isspace():
        position += 1
    return position


def feed_entries(body: bytes, url: str) -> tuple[str | None, list[Entry]]:
    """The feed's title and its entries with a link, relative links resolved against `url`."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        raise ValueError("not a readable RSS or Atom feed")
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        date = _struct_date(item.get("published_parsed") or item.get("updated_parsed"))
        entries.append(
            Entry(
                link=link.strip(),
                title=_text(item.get("title")),
                date=date,
                author=_author(item.get("author")),
            )
        )
    return _text(parsed.feed.get("title")), entries


def sitemap_entries(body: bytes) -> tuple[list[Entry], list[str]]:
    """Page entries and nested sitemap URLs (a sitemap index lists sitemaps, not pages)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as err:
        raise ValueError(f"invalid sitemap XML ({err.msg})") from err
    pages: list[Entry] = []
    nested: list[str] = []
    index = etree.QName(root).localname == "sitemapindex"
    for element in root:
        if not isinstance(element.tag, str):
            continue
        loc = date = None
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                date = (child.text or "").strip()[:10] or None
        if not loc:
            continue
        if index:
            nested.append(loc)
        else:
            pages.append(Entry(link=loc, date=date))
    return pages, nested


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _author(value: object) -> str | None:
    """The name in an entry's author field; a bare e-mail address is not a name.

    Read here rather than from feedparser's `author_detail`, which in 6.0.14
    cuts "press@example.org (Lena Marsh)" into the name "ple (Lena Marsh".
    """
    text = _text(value)
    if text is None:
        return None
    named = _EMAIL_NAME.fullmatch(text)
    if named:
        return _text(named.group(1))
    return None if "@" in text else text


def _struct_date(value: time.struct_time | None) -> str | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).date().isoformat()
    except (TypeError, ValueError):
        return None
