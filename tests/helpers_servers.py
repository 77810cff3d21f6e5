"""Real SPARQL servers for the remote-store tests, started on free loopback ports.

Oxigraph comes from the `oxigraph` PyPI package (a dev dependency); Virtuoso
from Debian's `virtuoso-opensource` package, which `make test` installs when it
is missing. Each runs on a throwaway database directory and listens on
127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import Config
from kg.store import open_store
from kg.store.remote import RemoteStore

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
#: The Debian package's server binary and SQL client.
VIRTUOSO = "virtuoso-t"
VIRTUOSO_ISQL = "isql-vt"
#: Where the Debian package keeps the files its HTTP server needs.
VIRTUOSO_VSP = "/var/lib/virtuoso-opensource-7/vsp"
#: The writer the tests create: a user with the SPARQL_UPDATE role.
VIRTUOSO_WRITER = ("kgwriter", "writer-secret")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running server as the tests see it: where to query, and who may write."""

    kind: str
    url: str
    auth: tuple[str, str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: The server's process, for tests that make it die.
    process: subprocess.Popen[bytes] | None = None

    def config(self, **options: object) -> Config:
        return Config(store=self.url, store_auth=self.auth, **options)  # type: ignore[arg-type]

    def open(self, **options: object) -> RemoteStore:
        """The store as `open_store` gives it, with RemoteStore options (batch_bytes) set."""
        store = open_store(self.config())
        assert isinstance(store, RemoteStore)
        for name, value in options.items():
            setattr(store, f"_{name}", value)
        return store

    def clear(self) -> None:
        """Drop every graph kg owns, so each test starts from an empty store."""
        store = self.open()
        store.apply({}, drop=store.graph_names())


def _wait_for(url: str, proc: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"{what} did not start: {err[-2000:]}") from None
            time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def oxigraph_server(location: Path) -> Iterator[Server]:
    binary = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
    # A dev dependency (pyproject.toml): missing means a broken install, not a skip.
    assert binary is not None, "the oxigraph server is not installed (pip install oxigraph)"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_for(url, proc, "oxigraph server")
        yield Server("oxigraph", url, process=proc)
    finally:
        _stop(proc)


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None when it can."""
    missing = [b for b in (VIRTUOSO, VIRTUOSO_ISQL) if shutil.which(b) is None]
    if missing:
        return (
            f"Virtuoso is not installed ({', '.join(missing)} not found); `make test` installs "
            "Debian's virtuoso-opensource (apt-get install virtuoso-opensource)"
        )
    return None


_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {vsp}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""


@contextmanager
def virtuoso_server(
    directory: Path, *, max_rows: int = 10_000, buffers: int = 20_000
) -> Iterator[Server]:
    """Virtuoso on a fresh database in `directory`, with a SPARQL_UPDATE writer.

    Its defaults are kept where they shape the dialect (ResultSetMaxRows 10,000,
    digest authentication on /sparql-auth); the dba password stays the fresh
    database's own, which is safe only because it listens on loopback and the
    database is thrown away.
    """
    directory.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        _INI.format(
            d=directory,
            sql=sql,
            http=http,
            vsp=VIRTUOSO_VSP,
            max_rows=max_rows,
            buffers=buffers,
            dirty=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [VIRTUOSO, "-f", "-c", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        _wait_for(url, proc, "virtuoso", seconds=120)
        user, password = VIRTUOSO_WRITER
        grant = (
            f"DB.DBA.USER_CREATE('{user}', '{password}'); "
            f'GRANT SPARQL_UPDATE TO "{user}";'
        )
        done = subprocess.run(
            [VIRTUOSO_ISQL, f"127.0.0.1:{sql}", "dba", "dba", f"exec={grant}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"cannot create the Virtuoso writer: {done.stdout}{done.stderr}")
        yield Server(
            "virtuoso",
            url,
            auth=VIRTUOSO_WRITER,
            env={"KG_STORE_USER": user, "KG_STORE_PASSWORD": password},
        )
    finally:
        _stop(proc)
