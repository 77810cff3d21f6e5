"""The remote store against servers that misbehave: every failure one line, nothing leaks.

All traffic stays on 127.0.0.1. The servers are `helpers_fake_sparql`'s small
endpoint, which answers like a SPARQL server until told to misbehave, and (for
a server lost mid-build) the real Oxigraph server, killed.
"""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers_fake_sparql import FINE_FOR_UPDATES, GARBAGE, SLOW, Endpoint, State, fake_sparql

from kg.cli import cli
from kg.config import Config, redact_url, remote_limits_from, split_credentials
from kg.errors import StoreError
from kg.store import open_store

ARTICLES = Path(__file__).parent / "data" / "remote"
SECRET = "hunter2-Sesam"
#: The client's deadline per request in these tests: a slow drip must cost little.
DEADLINE = "1.5"
#: The largest answer the client takes in these tests.
LIMIT = 1 << 20


def run(store: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        ["--store", store, *args],
        env={"KG_STORE_TIMEOUT": DEADLINE, "KG_STORE_MAX_BYTES": str(LIMIT), **(env or {})},
    )


def assert_one_line_error(result: Result, what: str, *, logged: bool = False) -> str:
    """Non-zero exit through click (never an uncaught exception), one line on stderr
    (the last one, after any log lines, when the command ran with -vv)."""
    output = result.stdout + result.stderr
    assert isinstance(result.exception, SystemExit), (what, repr(result.exception), output)
    assert result.exit_code != 0, (what, output)
    lines = result.stderr.strip().splitlines()
    if logged:
        lines = lines[-1:]
    assert len(lines) == 1 and lines[0].startswith("Error: "), (what, result.stderr)
    assert "Traceback" not in output, what
    assert all(c.isprintable() for c in lines[0]), (what, lines[0])
    return lines[0]


def with_secret(url: str) -> str:
    return url.replace("http://", f"http://kguser:{SECRET}@")


# -- 3. garbage answers, through the CLI --------------------------------------


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    with fake_sparql() as found:
        yield found


COMMANDS = {
    "stats": ("stats",),
    "query": ("query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"),
    "construct": ("query", "CONSTRUCT WHERE { ?s ?p ?o }"),
    "build": ("build", str(ARTICLES / "01_quellbrunn.txt")),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_answers_end_in_one_line(endpoint: Endpoint, name: str) -> None:
    """Each misbehaviour, at the first request and after a good first answer, for
    `kg stats`, `kg query` (rows and triples) and `kg build`: one line, non-zero exit,
    and the credentials written in the URL nowhere in the output."""
    tried = 0
    for targets in (("ping", "query", "update"), ("query", "update")):
        endpoint.misbehave(name, *targets)
        for command, args in COMMANDS.items():
            if name in SLOW and command != "stats":
                continue  # each costs a whole deadline; the ping and a read show it
            result = run(with_secret(endpoint.url), *args)
            line = assert_one_line_error(result, f"{name} {targets} {command}")
            assert SECRET not in result.stdout + result.stderr, line
            tried += 1
    endpoint.misbehave(None)
    assert tried == (2 if name in SLOW else 8)


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(set(GARBAGE) - SLOW))
def test_garbage_answers_to_a_builds_write(
    endpoint: Endpoint, name: str, reuse_nlp: object, tmp_path: Path
) -> None:
    """The build's write gets the misbehaviour: a 2xx with any body is a done update
    (its body means nothing); everything else ends the build with one line."""
    endpoint.misbehave(name, "update")
    article = tmp_path / "one.txt"
    shutil.copy(ARTICLES / "02_tarvik.txt", article)
    result = run(endpoint.url, "build", str(article))
    endpoint.misbehave(None)
    if name in FINE_FOR_UPDATES:
        assert result.exit_code == 0, result.stdout + result.stderr
    else:
        assert_one_line_error(result, f"{name} update")


# -- 4. bounded reads ----------------------------------------------------------


@pytest.mark.parametrize("name", ["endless-body", "huge-announced"])
def test_a_large_answer_is_not_read_whole(name: str) -> None:
    """64 MiB offered, 1 MiB allowed: the client stops near the limit and hangs up."""
    with fake_sparql() as endpoint:
        endpoint.misbehave(name, "query")
        result = run(endpoint.url, "query", "SELECT ?s WHERE { ?s ?p ?o }")
        line = assert_one_line_error(result, name)
        assert "over 1 MiB" in line and "KG_STORE_MAX_BYTES" in line
        # What the server got out before the client closed: the limit plus what
        # the two sockets' buffers hold, never the 64 MiB it meant to send.
        streamed = endpoint.state.streamed
        for _ in range(200):  # the server's thread notices the hang-up a moment later
            if streamed:
                break
            time.sleep(0.05)
        assert streamed and max(streamed) < 16 * LIMIT


def test_the_limits_come_from_the_environment() -> None:
    assert remote_limits_from({}) == (Config().store_timeout, Config().store_max_bytes)
    assert remote_limits_from({"KG_STORE_TIMEOUT": "2.5", "KG_STORE_MAX_BYTES": "1000"}) == (
        2.5,
        1000,
    )
    for bad in ("0", "-1", "lots", "nan", "inf"):
        with pytest.raises(StoreError, match="KG_STORE_MAX_BYTES"):
            remote_limits_from({"KG_STORE_MAX_BYTES": bad})
    result = CliRunner().invoke(cli, ["stats"], env={"KG_STORE_TIMEOUT": "soon"})
    assert_one_line_error(result, "bad KG_STORE_TIMEOUT")
    assert "KG_STORE_TIMEOUT must be a positive number" in result.stderr


# -- 1. credentials stay with the configured origin ----------------------------


@pytest.mark.parametrize("challenge", [True, False])
def test_a_redirect_to_another_origin_is_refused(challenge: bool) -> None:
    """The store's server redirects to another port: nothing (and no credential)
    goes there, and the command says why in one line."""
    with fake_sparql() as elsewhere, fake_sparql(State(challenge=challenge)) as home:
        target = elsewhere.url

        def redirect(handler: object) -> None:
            from helpers_fake_sparql import _reply

            _reply(handler, 302, b"", None, {"Location": with_secret(target)})  # type: ignore[arg-type]

        home.state.garbage = redirect
        home.state.targets = frozenset({"ping", "query"})
        result = run(
            home.url, "stats", env={"KG_STORE_USER": "kguser", "KG_STORE_PASSWORD": SECRET}
        )
        line = assert_one_line_error(result, "redirect")
        assert "another origin" in line and SECRET not in line
        assert elsewhere.state.seen == []
        if challenge:  # the home server did get the credentials it asked for
            token = base64.b64encode(f"kguser:{SECRET}".encode()).decode()
            assert any(s.authorization == f"Basic {token}" for s in home.state.seen)


def test_a_redirect_within_the_origin_is_not_followed_either() -> None:
    with fake_sparql() as home:
        home.misbehave("redirect-307-here", "ping")
        line = assert_one_line_error(run(home.url, "stats"), "307")
        assert "/moved" in line and "does not follow" in line
        assert [s.path for s in home.state.seen] == ["/query"]


# -- 2. credentials written in the URL -----------------------------------------


def test_credentials_in_the_url_move_out_of_it() -> None:
    url = f"http://kg%40user:{SECRET}%2F@127.0.0.1:7878/query"
    assert split_credentials(url) == ("http://127.0.0.1:7878/query", ("kg@user", SECRET + "/"))
    assert redact_url(url) == "http://127.0.0.1:7878/query"
    cfg = Config(store=url, update_url=with_secret("http://127.0.0.1:7878/update"))
    assert cfg.store == "http://127.0.0.1:7878/query"
    assert cfg.update_url == "http://127.0.0.1:7878/update"
    assert cfg.store_auth == ("kg@user", SECRET + "/")
    assert SECRET not in repr(cfg)
    # The environment's credentials win; the URL's are still taken out.
    cfg = Config(store=url, store_auth=("envuser", "envpass"))
    assert cfg.store_auth == ("envuser", "envpass") and SECRET not in cfg.store
    # Paths and other schemes are left alone.
    assert Config(store="/data/kg@home/store").store == "/data/kg@home/store"
    for odd in ("http://[::1/query", "http://@/", "http://user@/x"):
        assert Config(store=odd).store_auth is None


def test_credentials_in_the_url_answer_a_challenge_and_are_never_shown() -> None:
    with fake_sparql(State(challenge=True)) as home:
        home.misbehave("html-500", "query")
        result = run(with_secret(home.url), "-vv", "stats")
        line = assert_one_line_error(result, "500", logged=True)
        assert SECRET not in result.stdout + result.stderr
        token = base64.b64encode(f"kguser:{SECRET}".encode()).decode()
        assert home.state.seen[0].authorization is None  # nothing sent unasked
        assert any(s.authorization == f"Basic {token}" for s in home.state.seen)
        assert SECRET not in line and home.url in line
    # Nobody listens there any more: the "cannot reach" line names the URL without them.
    result = run(with_secret(home.url), "-vv", "query", "ASK {}")
    line = assert_one_line_error(result, "unreachable", logged=True)
    assert "cannot reach" in line and SECRET not in result.stdout + result.stderr


@pytest.mark.model
def test_a_build_summary_never_shows_the_urls_credentials(reuse_nlp: object) -> None:
    with fake_sparql(State(challenge=True)) as home:
        result = run(with_secret(home.url), "-vv", "build", str(ARTICLES / "03_ostmere.txt"))
        assert result.exit_code == 0, result.stderr
        assert f"Built {home.url}:" in result.stdout
        assert SECRET not in result.stdout + result.stderr
        assert len(home.state.store) > 0


def test_an_api_store_never_shows_the_urls_credentials() -> None:
    with fake_sparql() as home:
        store = open_store(Config(store=with_secret(home.url)))
        assert SECRET not in store.location and SECRET not in store.update_url
        home.misbehave("html-500", "query")
        with pytest.raises(StoreError) as err:
            store.query("SELECT * WHERE { ?s ?p ?o }")
        assert SECRET not in str(err.value)
