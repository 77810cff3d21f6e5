"""The web room: HTML pages, URLs, feeds and sitemaps in, as articles; the language check.

Part of ingest, one layer above the kernel's file reader: it imports only the
kernel, and `build` reads every input through `read_sources`.
"""

from kg.web.fetch import Fetcher, FetchFailed, Response
from kg.web.html import PageMeta, html_articles
from kg.web.language import LanguageCheck
from kg.web.sources import HTML_SUFFIXES, is_url, read_sources

__all__ = [
    "HTML_SUFFIXES",
    "FetchFailed",
    "Fetcher",
    "LanguageCheck",
    "PageMeta",
    "Response",
    "html_articles",
    "is_url",
    "read_sources",
]
