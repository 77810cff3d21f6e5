"""The `kg` command line: parse options, call one library function, print.

Importing this module must stay cheap (the shell completion and `--help` run
it): spaCy, rdflib, pyoxigraph and networkx are imported by the library
functions each command calls, never here. One frozen `Config` is built in the
group callback and handed to every command through the click context. Any
`KGError` becomes a one-line `Error: ...` on stderr with exit status 1; click
itself reports usage errors with exit status 2.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg import __version__
from kg.config import DEFAULT_STORE, Config, store_settings_from
from kg.errors import KGError
from kg.names import plural
from kg.output import silence_stdout, stdout_failure
from kg.sparql.query import QUERY_FORMATS
from kg.store.integrity import damage_message
from kg.view.export import EXPORT_FORMATS

if TYPE_CHECKING:
    from kg.store.base import Store

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(exc: click.UsageError) -> click.UsageError:
    """Drop the usage block click prints before a usage error: bad input is one line."""
    exc.ctx = None
    return exc


class _Group(click.Group):
    """Turns library errors into click's one-line errors: never a traceback for users."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except KGError as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise click.ClickException(message) from exc
        except BrokenPipeError:
            # `kg query ... | head`: the reader left. Stop quietly like other CLI
            # tools; pointing stdout at devnull stops Python's exit-time flush
            # from raising the same error again.
            silence_stdout()
            ctx.exit(141)
        except (OSError, RuntimeError) as exc:
            # A full stdout (`kg query > /dev/full`) or a damaged table file a query read.
            if isinstance(exc, OSError):
                message = stdout_failure(exc)
            else:
                message = damage_message(exc, _config(ctx).store)
            if message is None:
                raise
            raise click.ClickException(message) from None


# --- shared options ---------------------------------------------------------


def output_option(
    required: bool = True, help_text: str = "File to write ('-' for stdout)."
) -> Callable[[F], F]:
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(dir_okay=False, allow_dash=True),
        required=required,
        help=help_text,
    )


def raw_cells_option(formats: str) -> Callable[[F], F]:
    return click.option("--raw-cells", is_flag=True, help=f"{formats}: formula-like text as is.")


def format_option(
    choices: tuple[str, ...], default: str | None, help_text: str
) -> Callable[[F], F]:
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help_text,
    )


def _print(text: str) -> None:
    """Echo `text` ending in exactly one newline, whatever the formatter returned."""
    click.echo(text.rstrip("\n"))


def _config(ctx: click.Context) -> Config:
    cfg: Config = ctx.ensure_object(Config)
    return cfg


@contextmanager
def _reading(cfg: Config, verify: bool = False) -> Iterator[Store]:
    """The store, opened read-only for one command and always closed."""
    from kg.store import open_store

    store = open_store(cfg, create=False, verify=verify)
    try:
        yield store
    finally:
        store.close()


# --- the group --------------------------------------------------------------


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="KG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    metavar="PATH|URL",
    help="Store directory (embedded Oxigraph) or SPARQL endpoint URL. Env: KG_STORE.",
)
@click.option(
    "--update-url",
    envvar="KG_STORE_UPDATE",
    metavar="URL",
    help="SPARQL update endpoint of a remote store. Env: KG_STORE_UPDATE.",
)
@click.option(
    "--model",
    envvar="KG_MODEL",
    metavar="NAME",
    help="Installed spaCy pipeline to extract with. Env: KG_MODEL.",
)
@click.option("-v", "--verbose", count=True, help="Show progress (-v) and debug logs (-vv).")
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def cli(
    ctx: click.Context, store: str, update_url: str | None, model: str | None, verbose: int
) -> None:
    """Build a knowledge graph of innovation-cluster news and query it.

    Example:

    \b
        kg build data/articles
        kg query 'SELECT ?name WHERE { ?c a kg:Company ; rdfs:label ?name }'
        kg export --format turtle -o graph.ttl
        kg viz -o network.html
    """
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
    ctx.obj = Config(
        store=store,
        update_url=update_url,
        model=model,
        **store_settings_from(os.environ),
    )


# --- build -----------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATHS|URLS...")
@click.option("--prune", is_flag=True, help="Remove stored articles not found under PATHS.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Also write what the build did and changed (every name) as JSON ('-': stdout).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the NLP pipeline [default: the machine's cores; one for small builds].",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch from private, loopback and link-local addresses too (an intranet).",
)
@click.option("--refresh", is_flag=True, help="Fetch URLs again instead of reading the cache.")
@click.option(
    "--cache-dir",
    envvar="KG_WEB_CACHE",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where fetched pages are kept [default: ~/.cache/kg/web]. Env: KG_WEB_CACHE.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to the same host.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds one request may take.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Pages read from one feed or sitemap.",
)
@click.pass_context
def build(
    ctx: click.Context,
    paths: tuple[str, ...],
    prune: bool,
    report_path: str | None,
    workers: int | None,
    **web: Any,
) -> None:
    """Read articles (.txt and .html pages, .jsonl records, folders, URLs) into the store.

    A URL may be a web page, an RSS/Atom feed (each entry's page is read) or a
    sitemap. Fetching obeys robots.txt, waits --delay seconds between requests
    to a host and keeps what it fetched in a cache, so a rebuild asks no
    server again unless --refresh. Articles in another language than the
    pipeline's are skipped with a line in the summary.

    Unchanged articles reuse their cached extraction, so rebuilding is cheap;
    a failed build leaves the store as it was. With --prune the store mirrors
    PATHS: articles whose source is no longer given are removed.

    Example:

    \b
        kg build data/articles
        kg --store out/store build --prune data/articles data/dev
        kg build saved-pages/ https://news.example.org/feed.rss
    """
    from kg.build.runner import build as run_build
    from kg.config import FetchPolicy, cpu_count, default_web_cache
    from kg.output import STDOUT, check_target
    from kg.progress import ProgressBar

    if report_path not in (None, STDOUT):
        check_target(Path(report_path))  # refused now, not after the build
    fetch = FetchPolicy(
        cache_dir=web["cache_dir"] or default_web_cache(os.environ),
        refresh=web["refresh"],
        allow_private=web["allow_private"],
        delay=web["delay"],
        timeout=web["timeout"],
        max_pages=web["max_pages"],
    )
    cfg = dataclasses.replace(_config(ctx), workers=workers or cpu_count(), fetch=fetch)
    with ProgressBar() as bar:  # draws only when stderr is a terminal
        report = run_build(list(paths), cfg, prune=prune, progress=bar)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    from kg.build.changes import report_json, summary_text

    click.echo(summary_text(report), err=report_path == "-")
    if report_path is not None:
        from kg.output import write_file

        text = report_json(report) + "\n"
        write_file(report_path, lambda path: path.write_text(text, encoding="utf-8"))


# --- query ------------------------------------------------------------------


@cli.command()
@click.argument("query", required=False)
@format_option(QUERY_FORMATS, "table", "Output: aligned table, or W3C SPARQL csv/tsv/json.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of a saved query (see --list); repeat for more.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Rows per page.")
@click.option("--offset", type=click.IntRange(min=0), help="Rows to skip (the next page).")
@click.option("--list", "list_", is_flag=True, help="List the saved queries and their parameters.")
@raw_cells_option("csv/tsv")
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    fmt: str,
    params: tuple[str, ...],
    limit: int | None,
    offset: int | None,
    list_: bool,
    raw_cells: bool,
) -> None:
    """Run a read-only SPARQL query (text, a .rq file or a saved query's name).

    The prefixes kg:, ent:, art:, stmt:, graph:, summary:, id:, rdf:, rdfs:,
    skos:, xsd:, prov: and dcterms: are predeclared; IRIs print as prefixed
    names that paste back (ent:acme). CONSTRUCT and DESCRIBE answers print as
    Turtle. Name parameters match like the network search (case, accents,
    punctuation, legal form). csv/tsv text starting with =, +, -, @, tab or CR
    gets a leading apostrophe (no spreadsheet formula runs) unless --raw-cells.

    Example:

    \b
        kg query 'SELECT ?name WHERE { ?c a kg:Company ; rdfs:label ?name }'
        kg query --list
        kg query people-roles --param person="Ada Example" --limit 50 --offset 100
        kg query queries/project-funding.rq --format csv > funding.csv
    """
    from kg.sparql.query import answer, list_saved_text, parse_params

    cfg = _config(ctx)
    if list_:
        click.echo(list_saved_text(cfg), nl=False)
        return
    if query is None:
        raise click.UsageError("give a QUERY (or --list to see the saved queries)")
    text = answer(cfg, query, fmt, parse_params(params), limit, offset, raw_cells=raw_cells)
    click.echo(text, nl=False)


# --- export -----------------------------------------------------------------


@cli.command()
@format_option(tuple(EXPORT_FORMATS), None, "Serialisation to write.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(allow_dash=True),
    required=True,
    help="File to write ('-' for stdout); a folder for csv.",
)
@click.option("--excel", is_flag=True, help="csv: add the byte-order mark Excel needs.")
@raw_cells_option("csv")
@click.option(
    "--with-ontology",
    is_flag=True,
    help="Also write kg.ttl, shapes.ttl, the JSON-LD context and void.ttl beside the output.",
)
@click.option("--licence", metavar="IRI", help="Licence IRI stated in void.ttl.")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    output: str,
    excel: bool,
    raw_cells: bool,
    with_ontology: bool,
    licence: str | None,
) -> None:
    """Write the whole graph to a file (or csv tables to a folder), byte-identical per store.

    turtle, ntriples and jsonld merge all articles into one graph (jsonld-nested
    lists each entity's statements under it); trig and nquads keep one named
    graph per article; graphml and gexf write the entity network for Gephi, yEd
    or Cytoscape; csv writes entities.csv, relations.csv and funding.csv with the
    ontology and a VoID description. The build cache is never exported.

    csv text cells starting with =, +, -, @, tab or CR get a leading apostrophe
    (no spreadsheet formula runs) unless --raw-cells. Only regular files are replaced.

    Example:

    \b
        kg export --format turtle -o graph.ttl
        kg export --format jsonld -o graph.jsonld --with-ontology
        kg export --format csv -o tables --excel
        kg export --format csv -o tables-for-pandas --raw-cells
        kg export --format nquads -o - | gzip > graph.nq.gz
    """
    from kg.view.export import ExportOptions, export_store

    options = ExportOptions(
        excel=excel, raw_cells=raw_cells, with_ontology=with_ontology, licence=licence
    )
    count = export_store(_config(ctx), fmt, output, options)
    where = "stdout" if output == "-" else output
    what = "row" if EXPORT_FORMATS[fmt].folder else "statement"
    click.echo(f"wrote {where}: {plural(count, what)} ({fmt})", err=output == "-")


# --- viz / stats / validate / eval -----------------------------------------


@cli.command()
@output_option(help_text="HTML file to write.")
@click.option(
    "--size",
    type=click.Choice(("degree", "betweenness", "articles")),
    default="degree",
    show_default=True,
    help="What node size shows.",
)
@click.option("--focus", metavar="NAME", help="Show only the neighbourhood of this entity.")
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Neighbourhood radius for --focus.",
)
@click.option("--types", metavar="CLASSES", help="Only these classes, e.g. Company,Cluster.")
@click.option(
    "--min-degree",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Hide entities with fewer relations.",
)
@click.option("--community", is_flag=True, help="Colour nodes by detected community.")
@click.option("--hedged", is_flag=True, help="Also draw planned/intended facts (dashed).")
@click.option("--seed", type=int, default=42, show_default=True, help="Layout/community seed.")
@click.option("--title", default="Cluster network", show_default=True, help="Page title.")
@click.pass_context
def viz(ctx: click.Context, output: str, **options: Any) -> None:
    """Write a self-contained interactive network page (works offline).

    Example:

    \b
        kg viz -o network.html
        kg viz -o leipzig.html --focus "University of Leipzig" --hops 2
    """
    from kg.view.viz import render

    with _reading(_config(ctx)) as store:
        report = render(store, output, **options)
    click.echo(report.summary(), err=output == "-")


@cli.command()
@format_option(("text", "json"), "text", "Output format.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many entities per ranking.",
)
@click.pass_context
def stats(ctx: click.Context, fmt: str, top: int) -> None:
    """Print figures about the graph: counts, rankings, communities, funding.

    Example:

    \b
        kg stats
        kg stats --format json --top 20
    """
    from kg.view.stats import compute_stats

    with _reading(_config(ctx)) as store:
        figures = compute_stats(store, top=top)
    _print(figures.to_json() if fmt == "json" else figures.to_text())


@cli.command()
@format_option(("text", "json"), "text", "Output format.")
@click.pass_context
def validate(ctx: click.Context, fmt: str) -> None:
    """Check the graph against the ontology's SHACL shapes; exit 1 when it does not conform.

    An embedded store's table files are checked against the checksums of its last build.

    Example:

    \b
        kg validate
        kg validate --format json > validation.json
    """
    from kg.eval.shapes import validate as run_validate

    cfg = _config(ctx)
    with _reading(cfg, verify=True) as store:
        report = run_validate(store, cfg)
    _print(report.to_json() if fmt == "json" else report.text)
    if not report.conforms:
        ctx.exit(1)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path))
@click.option(
    "--graph", type=click.Path(path_type=Path), help="Score this RDF file instead of the store."
)
@format_option(("text", "json", "markdown"), "text", "Output format.")
@click.option("--verbose", "details", is_flag=True, help="List every miss and false positive.")
@click.option(
    "--articles",
    "articles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Score only the gold these article files name (a fold); repeatable.",
)
@click.pass_context
def eval_(
    ctx: click.Context,
    gold: Path,
    graph: Path | None,
    fmt: str,
    details: bool,
    articles: tuple[Path, ...],
) -> None:
    """Score the graph against a gold file (precision, recall, F1).

    Example:

    \b
        kg eval data/gold/seeds.json
        kg eval data/gold/seeds.json --graph graph.ttl --format markdown
        kg eval data/gold/seeds.json --articles data/articles/000_95a6e869cca391d4.txt
    """
    from kg.eval.score import evaluate

    report = evaluate(gold, _config(ctx), graph, articles)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        _print(report.to_json())
    elif fmt == "markdown":
        _print(report.to_markdown())
    else:
        _print(report.to_text(verbose=details))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds a query may run before the client gets 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Rows per answer; longer answers are cut and marked.",
)
@click.option("--cors", metavar="ORIGIN", help="Allow browser pages from ORIGIN ('*' for any).")
@click.option(
    "--memory-limit",
    type=click.IntRange(min=64),
    default=2048,
    show_default=True,
    metavar="MIB",
    help="Memory of each query worker; a query needing more gets 503.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Answer requests for this host name too (repeatable); "
    "IP addresses, localhost and --host are always answered.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    cors: str | None,
    memory_limit: int,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Answer SPARQL over HTTP (read-only) at /sparql until Ctrl-C.

    Each query runs in a worker process that is killed at the timeout or
    its memory limit; requests naming another host (DNS rebinding) get 403.

    Example:

    \b
        kg serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
            http://127.0.0.1:7878/sparql
    """
    from kg.sparql.server import ServeOptions
    from kg.sparql.server import serve as run_server

    options = ServeOptions(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        cors=cors,
        memory_mb=memory_limit,
        allowed_hosts=allowed_hosts,
    )
    run_server(
        _config(ctx),
        options,
        on_ready=lambda url: click.echo(f"serving {url} (Ctrl-C to stop)", err=True),
    )


if __name__ == "__main__":  # `python -m kg.cli`, as the documentation tests run it
    cli()
