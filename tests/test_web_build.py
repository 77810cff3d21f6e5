"""`kg build URL...` end to end: a feed from the loopback news site into a store, and back out.

The articles land with their URL, feed and fetch time; the pages that cannot
be read are lines in the summary; no exported triple holds a local absolute
path; a rebuild reads the cache and asks the server for no page again.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers_web import NewsSite

from kg.cli import cli

WEB_DATA = Path(__file__).resolve().parent / "data" / "web"
ARTICLES = """
SELECT ?title ?source ?url ?feed ?fetched WHERE {
  ?a a kg:Article ; kg:title ?title ; kg:sourceFile ?source .
  OPTIONAL { ?a kg:url ?url } OPTIONAL { ?a kg:feed ?feed } OPTIONAL { ?a kg:fetched ?fetched }
} ORDER BY ?title
"""


def _build(runner: CliRunner, store: Path, cache: Path, *args: str) -> Result:
    common = ["--delay", "0", "--timeout", "1", "--cache-dir", str(cache)]
    return runner.invoke(cli, ["--store", str(store), "build", *common, *args])


def _rows(runner: CliRunner, store: Path) -> list[dict[str, str]]:
    result = runner.invoke(cli, ["--store", str(store), "query", ARTICLES, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.model
def test_build_from_a_feed_keeps_provenance_and_reports_failures(
    runner: CliRunner, reuse_nlp: object, news_site: NewsSite, tmp_path: Path
) -> None:
    store, cache = tmp_path / "store", tmp_path / "cache"
    feed = f"{news_site.base}/feed.xml"
    result = _build(runner, store, cache, "--allow-private", feed)
    assert result.exit_code == 0, result.stderr
    summary = result.stdout.splitlines()
    assert summary[0].startswith(f"Built {store}: 3 articles (3 new,")
    assert sorted(summary[summary.index("Skipped 4 inputs:") + 1 :]) == [
        f"  {news_site.base}/news/elmstadt-de.html: "
        "German; kg reads English (--model names a pipeline for it)",
        f"  {news_site.base}/news/gone.html: HTTP 404",
        f"  {news_site.base}/private/secret.html: disallowed by robots.txt",
        f"  {news_site.base}/slow.html: timed out",
    ]

    rows = _rows(runner, store)
    assert [row["title"] for row in rows] == [
        "Brightloom Therapeutics opens a second laboratory",
        "Brightloom Therapeutics raises four million euros",
        "Kerrow Diagnostics joins the Elmstadt Health Cluster",
    ]
    assert {row["feed"] for row in rows} == {feed}
    assert rows[2]["source"] == f"{news_site.base}/news/kerrow.html"
    assert rows[2]["url"] == "https://news.elmstadt.example/2024/kerrow-joins-cluster"
    assert all(row["fetched"].endswith("Z") for row in rows)

    pages = [p for p in news_site.paths() if p.startswith("/news/")]
    again = _build(runner, store, cache, "--allow-private", feed)
    assert again.exit_code == 0, again.stderr
    assert "0 new, 0 changed, 3 unchanged" in again.stdout
    # Only what failed is asked again; the feed and the pages come from the cache.
    assert [p for p in news_site.paths() if p.startswith("/news/")] == [*pages, "/news/gone.html"]


@pytest.mark.model
def test_a_changed_page_is_rebuilt_after_refresh(
    runner: CliRunner, reuse_nlp: object, news_site: NewsSite, tmp_path: Path
) -> None:
    """Incremental as for files: the content hash of the fetched text decides."""
    store, cache = tmp_path / "store", tmp_path / "cache"
    url = f"{news_site.base}/changing.html"
    assert _build(runner, store, cache, "--allow-private", url).exit_code == 0
    news_site.changing += " The investor plans to fund three young companies of the region."
    cached = _build(runner, store, cache, "--allow-private", url)
    assert "0 new, 0 changed, 1 unchanged" in cached.stdout  # the cache, not the server
    refreshed = _build(runner, store, cache, "--allow-private", "--refresh", url)
    assert refreshed.exit_code == 0, refreshed.stderr
    assert "0 new, 1 changed, 0 unchanged" in refreshed.stdout
    rows = _rows(runner, store)
    assert [(row["source"], row["url"]) for row in rows] == [(url, url)]


@pytest.mark.model
def test_saved_html_pages_export_no_absolute_path(
    runner: CliRunner, reuse_nlp: object, tmp_path: Path
) -> None:
    pages = tmp_path / "saved-pages"
    shutil.copytree(WEB_DATA / "news", pages)
    store = tmp_path / "store"
    result = _build(runner, store, tmp_path / "cache", str(pages))  # an absolute path
    assert result.exit_code == 0, result.stderr
    assert "elmstadt-de.html: German; kg reads English" in result.stdout
    out = tmp_path / "graph.nt"
    export = ["--store", str(store), "export", "-f", "ntriples", "-o", str(out)]
    exported = runner.invoke(cli, export)
    assert exported.exit_code == 0, exported.stderr
    text = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert "saved-pages/kerrow.html" in text
    assert "<https://news.elmstadt.example/2024/kerrow-joins-cluster>" in text


def test_loopback_url_without_allow_private_is_one_line(
    runner: CliRunner, news_site: NewsSite, tmp_path: Path
) -> None:
    url = f"{news_site.base}/news/kerrow.html"
    result = _build(runner, tmp_path / "store", tmp_path / "cache", url)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "127.0.0.1 is a private or loopback address" in result.stderr
    assert news_site.requests == []
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/feed.xml", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("https://user:pw@example.org/", "URL with credentials"),
    ],
)
def test_bad_url_is_an_error_before_anything_is_fetched(
    runner: CliRunner, tmp_path: Path, url: str, message: str
) -> None:
    result = _build(runner, tmp_path / "store", tmp_path / "cache", url)
    assert result.exit_code == 1
    shown = url.replace("user:pw@", "***@")  # a password is never echoed
    assert result.stderr.startswith(f"Error: {shown}: {message}")
    assert result.stderr.count("\n") == 1
