"""Every input of `kg build` to articles: files and folders, page URLs, feeds and sitemaps.

Files go through `kg.ingest` as before, with HTML files handed to
`kg.web.html`. A URL is fetched (politely, see `kg.web.fetch`) and read by
what it turns out to be: a page becomes its news items; a feed or a sitemap
becomes the pages it lists, each fetched in turn. A URL that cannot be read
becomes a `Skipped` with its reason, like an unreadable file, and the build
goes on with the rest.

Last, each article's language is checked against the pipeline's: an article
in another language is skipped with its language named in the summary.

Provenance: an article from the web keeps the address it was fetched from as
its source (the build's key for it), its canonical URL, the feed or sitemap
it was listed in and when it was fetched. A file's source is its path as
given, made relative when it was absolute, so no exported triple carries a
local absolute path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from kg.config import Config
from kg.errors import InputError
from kg.ingest import decode_text, iter_inputs, split_page
from kg.model import Article, Skipped
from kg.web.feeds import Entry, feed_entries, kind_of, sitemap_entries
from kg.web.fetch import Fetcher, FetchFailed, check_url, redact
from kg.web.html import NoText, PageMeta, html_articles
from kg.web.language import LanguageCheck, language_name

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: Nested sitemap levels followed below a sitemap index.
MAX_SITEMAP_DEPTH = 2


def is_url(value: str | Path) -> bool:
    """An input meant as a URL: it has a scheme (http, https, or one we must refuse)."""
    text = str(value)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.isalpha()


def read_sources(inputs: Sequence[str | Path], cfg: Config) -> Iterator[Article | Skipped]:
    """Stream the articles and skipped inputs of `inputs`: files first, then URLs, as given.

    Raises `InputError` before anything is fetched or read when a path does not
    exist or a URL is malformed (a typo the user must fix); a URL that is
    well-formed but fails later is skipped with its reason.
    """
    urls = [str(item) for item in inputs if is_url(item)]
    for url in urls:
        try:
            check_url(url)
        except FetchFailed as err:
            raise InputError(f"{redact(url)}: {err}") from err
    paths = [item for item in inputs if not is_url(item)]
    files = (
        iter_inputs(paths, readers=dict.fromkeys(HTML_SUFFIXES, _read_html_file)) if paths else ()
    )
    fetcher = Fetcher(cfg.fetch)
    check = LanguageCheck.for_pipeline(cfg.model)
    items: Iterable[Article | Skipped] = _chain(files, _read_urls(urls, fetcher, cfg))
    return _checked(items, check, cfg.model)


def _chain(
    files: Iterable[Article | Skipped], urls: Iterable[Article | Skipped]
) -> Iterator[Article | Skipped]:
    yield from files
    yield from urls


def _checked(
    items: Iterable[Article | Skipped], check: LanguageCheck, model: str | None
) -> Iterator[Article | Skipped]:
    for item in items:
        if isinstance(item, Article):
            language = check.foreign(item.text)
            if language is not None:
                name = language_name(language)
                reads = language_name(check.expected)
                if model is None:
                    reason = f"{name}; kg reads {reads} (--model names a pipeline for it)"
                else:
                    reason = f"{name}; the pipeline {model} reads {reads}"
                yield Skipped(_where(item), reason)
                continue
        yield item


def _where(article: Article) -> str:
    return article.source if article.position == 0 else f"{article.source}#{article.position}"


def _read_html_file(raw: bytes, source: str) -> Iterator[Article | Skipped]:
    try:
        yield from html_articles(raw, source)
    except NoText as err:
        yield Skipped(source, str(err))


# --- URLs ------------------------------------------------------------------


def _read_urls(urls: list[str], fetcher: Fetcher, cfg: Config) -> Iterator[Article | Skipped]:
    seen: set[str] = set()
    for url in urls:
        if url in seen:
            continue
        seen.add(url)
        yield from _read_url(url, fetcher, cfg, seen)


def _read_url(
    url: str, fetcher: Fetcher, cfg: Config, seen: set[str], depth: int = 0
) -> Iterator[Article | Skipped]:
    try:
        response = fetcher.get(url)
    except FetchFailed as err:
        yield Skipped(url, str(err))
        return
    kind = kind_of(response.body, response.content_type)
    if kind == "feed":
        try:
            _, entries = feed_entries(response.body, response.final_url)
        except ValueError as err:
            yield Skipped(url, str(err))
            return
        yield from _read_entries(url, entries, fetcher, cfg, seen, "feed")
    elif kind == "sitemap":
        yield from _read_sitemap(url, response.body, fetcher, cfg, seen, depth)
    elif kind in ("html", "text"):
        yield from _page(
            url, response.body, kind, PageMeta(url=response.final_url, fetched=response.fetched)
        )
    else:
        what = response.content_type or "unknown content"
        yield Skipped(url, f"not a page, feed or sitemap ({what})")


def _read_sitemap(
    url: str, body: bytes, fetcher: Fetcher, cfg: Config, seen: set[str], depth: int
) -> Iterator[Article | Skipped]:
    try:
        pages, nested = sitemap_entries(body)
    except ValueError as err:
        yield Skipped(url, str(err))
        return
    if nested and depth >= MAX_SITEMAP_DEPTH:
        yield Skipped(url, f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH} levels")
        return
    for link in nested:
        if link not in seen:
            seen.add(link)
            yield from _read_url(link, fetcher, cfg, seen, depth + 1)
    if pages or not nested:
        yield from _read_entries(url, pages, fetcher, cfg, seen, "sitemap")


def _read_entries(
    listing: str,
    entries: list[Entry],
    fetcher: Fetcher,
    cfg: Config,
    seen: set[str],
    what: str,
) -> Iterator[Article | Skipped]:
    """Fetch each listed page once; more than `max_pages` are cut, with a line saying so."""
    limit = cfg.fetch.max_pages
    if not entries:
        yield Skipped(listing, f"{what} lists no pages")
    if len(entries) > limit:
        yield Skipped(
            listing, f"{what} lists {len(entries)} pages; read the first {limit} (--max-pages)"
        )
    for entry in entries[:limit]:
        if entry.link in seen:
            continue
        seen.add(entry.link)
        try:
            check_url(entry.link)
            response = fetcher.get(entry.link)
        except FetchFailed as err:
            yield Skipped(redact(entry.link), str(err))
            continue
        kind = kind_of(response.body, response.content_type)
        if kind not in ("html", "text"):
            what_it_is = kind or response.content_type or "unknown content"
            yield Skipped(entry.link, f"listed page is not a page ({what_it_is})")
            continue
        meta = PageMeta(
            url=response.final_url,
            feed=listing,
            fetched=response.fetched,
            title=entry.title,
            date=entry.date,
            author=entry.author,
        )
        yield from _page(entry.link, response.body, kind, meta)


def _page(source: str, body: bytes, kind: str, meta: PageMeta) -> Iterator[Article | Skipped]:
    if kind == "html":
        try:
            yield from html_articles(body, source, meta)
        except NoText as err:
            yield Skipped(source, str(err))
        return
    try:
        articles = split_page(decode_text(body, source), source)
    except ValueError as err:
        yield Skipped(source, str(err))
        return
    if not articles:
        yield Skipped(source, "no article text, only page furniture")
    for article in articles:
        yield dataclasses.replace(article, url=meta.url, feed=meta.feed, fetched=meta.fetched)
