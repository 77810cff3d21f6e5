"""Web input: pages, feeds and sitemaps from a news site on 127.0.0.1, and HTML files.

Every request goes to the loopback server of `helpers_web` (the `news_site`
fixture), reached with `allow_private`; the address guard itself is tested
with addresses it refuses before connecting, so nothing leaves the machine.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers_web import HUGE_LIMIT, NewsSite

from kg.config import Config, FetchPolicy
from kg.graph.rdf import public_source
from kg.model import Article, Skipped
from kg.web import read_sources
from kg.web.feeds import kind_of
from kg.web.fetch import Fetcher, FetchFailed, resolve
from kg.web.language import LanguageCheck, pipeline_language

WEB_DATA = Path(__file__).resolve().parent / "data" / "web"


def _policy(cache: Path, **changes: object) -> FetchPolicy:
    base = FetchPolicy(
        cache_dir=cache, allow_private=True, delay=0.0, timeout=1.0, retries=1, max_bytes=HUGE_LIMIT
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _read(inputs: list[str], policy: FetchPolicy) -> tuple[list[Article], dict[str, str]]:
    articles: list[Article] = []
    skipped: dict[str, str] = {}
    for item in read_sources(inputs, Config(fetch=policy)):
        if isinstance(item, Skipped):
            skipped[item.path] = item.reason
        else:
            articles.append(item)
    return articles, skipped


def test_feed_builds_each_entry_page_with_its_provenance(news_site: NewsSite, tmp_path: Path):
    feed = f"{news_site.base}/feed.xml"
    articles, skipped = _read([feed], _policy(tmp_path))

    by_title = {a.title: a for a in articles}
    kerrow = by_title["Kerrow Diagnostics joins the Elmstadt Health Cluster"]
    assert kerrow.source == f"{news_site.base}/news/kerrow.html"
    assert kerrow.url == "https://news.elmstadt.example/2024/kerrow-joins-cluster"  # canonical
    assert kerrow.feed == feed
    assert kerrow.author == "Jana Vogtland"
    assert kerrow.date == "2024-06-12"
    assert kerrow.fetched is not None and kerrow.fetched.endswith("Z")
    # The signature block is kept apart, the teaser after "Previous news" is an item of its own.
    assert kerrow.signature is not None
    assert kerrow.text[kerrow.signature[0] :].startswith(
        "Elmstadt Health Cluster e. V.\nTom Aldine"
    )
    teaser = by_title["Brightloom Therapeutics raises four million euros"]
    assert (teaser.source, teaser.position) == (kerrow.source, 1)
    # A page without author metadata takes the feed entry's author.
    assert by_title["Brightloom Therapeutics opens a second laboratory"].author == "Lena Marsh"

    assert skipped == {
        f"{news_site.base}/news/elmstadt-de.html": (
            "German; kg reads English (--model names a pipeline for it)"
        ),
        f"{news_site.base}/news/gone.html": "HTTP 404",
        f"{news_site.base}/private/secret.html": "disallowed by robots.txt",
        f"{news_site.base}/slow.html": "timed out",
    }
    assert "/private/secret.html" not in news_site.paths()
    assert {agent for _, agent in news_site.requests} == {FetchPolicy().user_agent}
    assert FetchPolicy().user_agent.startswith("kg/")


def test_rebuild_reads_the_cache_and_refresh_fetches_again(news_site: NewsSite, tmp_path: Path):
    url = f"{news_site.base}/news/brightloom.html"
    first, _ = _read([url], _policy(tmp_path))
    asked = len(news_site.requests)
    again, _ = _read([url], _policy(tmp_path))
    assert len(news_site.requests) == asked  # nothing asked: robots.txt and page from the cache
    assert again == first  # same text, same fetch time: the same article
    _read([url], _policy(tmp_path, refresh=True))
    assert news_site.paths()[asked:] == ["/robots.txt", "/news/brightloom.html"]


def test_redirects_are_followed_within_http(news_site: NewsSite, tmp_path: Path):
    articles, skipped = _read(
        [f"{news_site.base}/redirect", f"{news_site.base}/redirect-file"], _policy(tmp_path)
    )
    assert [a.title for a in articles if a.position == 0] == [
        "Kerrow Diagnostics joins the Elmstadt Health Cluster"
    ]
    assert skipped == {f"{news_site.base}/redirect-file": "redirect to a file: URL refused"}


def test_size_limit_retry_and_atom(news_site: NewsSite, tmp_path: Path):
    articles, skipped = _read(
        [f"{news_site.base}/huge.html", f"{news_site.base}/atom.xml"], _policy(tmp_path)
    )
    assert skipped == {f"{news_site.base}/huge.html": "larger than the 64 KiB limit"}
    # /flaky.html answers 503 once: the retry reads it.
    assert [(a.title, a.feed, a.date) for a in articles] == [
        ("Harbor Ventures opens an office in Elmstadt", f"{news_site.base}/atom.xml", "2024-04-20")
    ]
    assert news_site.paths().count("/flaky.html") == 2


def test_sitemap_lists_pages(news_site: NewsSite, tmp_path: Path):
    sitemap = f"{news_site.base}/sitemap.xml"
    articles, skipped = _read([sitemap], _policy(tmp_path))
    assert skipped == {}
    assert sorted({(a.source.rsplit("/", 1)[1], a.feed) for a in articles}) == [
        ("brightloom.html", sitemap),
        ("kerrow.html", sitemap),
    ]


def test_sitemap_index_lists_sitemaps(news_site: NewsSite, tmp_path: Path):
    index = f"{news_site.base}/sitemap-index.xml"
    articles, skipped = _read([index], _policy(tmp_path))
    assert skipped == {f"{news_site.base}/missing-sitemap.xml": "HTTP 404"}
    assert {a.feed for a in articles} == {f"{news_site.base}/sitemap.xml"}
    assert len({a.source for a in articles}) == 2


def test_max_pages_cuts_a_long_listing_with_a_line(news_site: NewsSite, tmp_path: Path):
    sitemap = f"{news_site.base}/sitemap.xml"
    articles, skipped = _read([sitemap], _policy(tmp_path, max_pages=1))
    assert skipped == {sitemap: "sitemap lists 2 pages; read the first 1 (--max-pages)"}
    assert {a.source for a in articles} == {f"{news_site.base}/news/kerrow.html"}


def test_loopback_is_refused_unless_allowed(news_site: NewsSite, tmp_path: Path):
    url = f"{news_site.base}/news/brightloom.html"
    articles, skipped = _read([url], _policy(tmp_path, allow_private=False))
    assert articles == []
    assert skipped[url].startswith("127.0.0.1 is a private or loopback address")
    assert news_site.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/news",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
    ],
)
def test_private_addresses_are_refused_before_connecting(url: str):
    with pytest.raises(FetchFailed, match="private or loopback"):
        resolve(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "not an http\\(s\\) URL"),
        ("ftp://example.org/feed", "not an http\\(s\\) URL"),
        ("http://user:secret@example.org/", "credentials"),
        ("http:///nohost", "without a host"),
        ("http://example.org:99999/", "invalid URL"),
    ],
)
def test_bad_urls_are_refused_before_any_lookup(url: str, reason: str):
    with pytest.raises(FetchFailed, match=reason):
        resolve(url, allow_private=False)


def test_requests_to_one_host_wait_the_delay(news_site: NewsSite, tmp_path: Path):
    """The waits are recorded by a fake clock: no test sleeps or times anything."""
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    fetcher = Fetcher(_policy(tmp_path, delay=2.5), sleep=sleep, clock=lambda: now[0])
    fetcher.get(f"{news_site.base}/news/kerrow.html")
    fetcher.get(f"{news_site.base}/news/brightloom.html")
    # robots.txt, then kerrow 2.5 s later, then brightloom 2.5 s after that.
    assert waits == [2.5, 2.5]
    assert fetcher.requests == 3


def test_html_files_and_folders(tmp_path: Path):
    saved = WEB_DATA / "saved"
    articles, skipped = _read([str(saved)], _policy(tmp_path))
    assert [(Path(a.source).name, a.title, a.date) for a in articles] == [
        ("brightloom.html", "Brightloom Therapeutics opens a second laboratory", "2024-05-02")
    ]
    notes = next(iter(skipped))
    assert Path(notes).name == "notes.md"
    assert skipped[notes] == "Markdown is not read: save the page as .html or .txt"


def test_source_file_is_never_an_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "news" / "a.html"
    assert public_source(str(inside)) == "news/a.html"
    assert public_source("news/a.html") == "news/a.html"
    assert public_source("/srv/home/jana/saved/a.html") == "saved/a.html"
    assert public_source("https://news.example.org/a") == "https://news.example.org/a"


def test_kind_is_sniffed_from_the_document():
    assert kind_of(b'<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">', "text/html") == "feed"
    assert kind_of(b"<feed xmlns='http://www.w3.org/2005/Atom'>", "application/xml") == "feed"
    assert kind_of(b"<?xml version='1.0'?><urlset>", "text/xml") == "sitemap"
    assert kind_of(b"<!DOCTYPE html><html><body>", "application/octet-stream") == "html"
    assert kind_of(b"Plain news text", "text/plain") == "text"
    assert kind_of(b"\x89PNG\r\n", "image/png") is None


def test_language_check_reads_grammar_not_names():
    check = LanguageCheck.for_pipeline(None)
    english = (
        "The Leipzig Zentrum für Biotechnologie receives funding from the Sächsische Aufbaubank "
        "for a project on cell therapies, and it will share its results with the companies "
        "of the region that work on similar questions in their laboratories."
    )
    german = (
        "Das Zentrum für Zellforschung wird im kommenden Jahr eröffnet und bietet Platz für "
        "rund hundert Forscherinnen und Forscher, die an neuen Therapien arbeiten werden, "
        "sagte die Sprecherin der Stadt am Montag in einer kurzen Mitteilung."
    )
    assert check.foreign(english) is None
    assert check.foreign(german) == "de"
    assert check.foreign("Elmstadt Health Cluster e. V.") is None  # too short to judge: read


def test_a_german_text_page_is_skipped_too(tmp_path: Path):
    """The check is not only for the web: a saved .txt page in German is skipped the same way."""
    page = tmp_path / "zentrum.txt"
    page.write_text(
        "Neues Zentrum in Elmstadt\n\n"
        "Ein neues Zentrum für Zellforschung wird im kommenden Jahr in Elmstadt eröffnet. "
        "Das Zentrum bietet Platz für rund hundert Forscherinnen und Forscher, die an neuen "
        "Therapien arbeiten werden, und die Stadt stellt das Grundstück zur Verfügung.\n",
        encoding="utf-8",
    )
    articles, skipped = _read([str(page)], _policy(tmp_path))
    assert articles == []
    reason = "German; kg reads English (--model names a pipeline for it)"
    assert skipped == {page.as_posix(): reason}


def test_a_pipeline_for_the_language_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """--model naming an installed German pipeline: German pages are read, English ones not."""
    package = tmp_path / "xx_elm_pipeline"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "meta.json").write_text('{"lang": "de", "name": "elm_pipeline"}', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert pipeline_language("xx_elm_pipeline") == "de"
    saved = WEB_DATA / "news"
    cfg = Config(model="xx_elm_pipeline", fetch=_policy(tmp_path))
    items = list(read_sources([str(saved / "elmstadt-de.html"), str(saved / "flaky.html")], cfg))
    assert [type(item).__name__ for item in items] == ["Article", "Skipped"]
    assert items[1].reason == "English; the pipeline xx_elm_pipeline reads German"


def test_pipeline_language_from_meta_or_name():
    assert pipeline_language(None) == "en"
    assert pipeline_language("de_core_news_sm") == "de"  # not installed: spaCy's naming
