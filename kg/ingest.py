"""Read input files into `Article`s: the first stage of the pipeline.

Inputs are scraped "News from ..." pages saved as `.txt` and `.jsonl` files of
records. Real corpora are messy, so this stage never crashes on a bad file: an
empty, binary, unreadable or unsupported file becomes a `Skipped` with a
one-line reason and the build goes on. Only a path that does not exist at all
is an error (`InputError`), because that is a typo the user must fix.

A page holds more than one news item: after the main story, a "previous news"
marker introduces teasers of other stories, and each teaser is an `Article` of
its own (ANNOTATION.md, section 2). Page furniture (the "News from ..." header,
"Further information", download prompts) is dropped so it never becomes an
entity; the text that remains keeps its paragraph breaks as blank lines, which
is what lets the sentence splitter keep labels and signature lines out of
the neighbouring sentences.

Warnings (a file that was not UTF-8 and was decoded as cp1252 or latin-1, a
JSONL date or url that could not be used) are logged on the "kg.ingest"
logger: the file is still built, so it is not a `Skipped`; the CLI shows the
log records to the user.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Article, Skipped
from kg.normalize import is_unicode, parse_date

_log = logging.getLogger(__name__)

TEXT_SUFFIX = ".txt"
JSONL_SUFFIX = ".jsonl"
SUPPORTED_SUFFIXES = (TEXT_SUFFIX, JSONL_SUFFIX)
#: Formats met in news folders that are refused with a reason rather than passed over in silence.
REFUSED_SUFFIXES = {
    ".md": "Markdown is not read: save the page as .html or .txt",
    ".markdown": "Markdown is not read: save the page as .html or .txt",
}

#: Reads the bytes of one file of a further format (e.g. HTML) into articles and skips.
Reader = Callable[[bytes, str], Iterable[Article | Skipped]]

#: Share of control characters above which a decoded file is taken for binary data.
MAX_CONTROL_SHARE = 0.05
#: Longest article the language model takes (spaCy's `nlp.max_length`: ~1 GB per 100k chars).
MAX_ARTICLE_CHARS = 1_000_000

# Invisible characters that only split words for the tokenizer (zero-width
# space, word joiner, BOM, soft hyphen) and control characters that are not
# whitespace; whitespace itself is collapsed separately.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x2060, 0xFEFF, 0x00AD, 0x7F] + [c for c in range(32) if not chr(c).isspace()]
)

# A header names a site, it says nothing: "News from the lab: enzyme found" is a title.
_HEADER = re.compile(r"news from\b[^:.!?]{0,60}", re.IGNORECASE)
_MARKER = re.compile(r"(?:previous|older|more|other|related|further|latest) news:?", re.IGNORECASE)
_FURNITURE = re.compile(
    r"(?:further|more|additional) information:?"
    r"|(?:read|learn) more\W*"
    r"|(?:print|share|download|back(?: to (?:top|overview))?)\W*"
    r"|.{0,80}\b(?:is|are) available (?:for (?:free )?download |to download |online )?"
    r"(?:at|here|under|from):?",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(r"(?:source|quelle)\s*:\s*\S.*", re.IGNORECASE)
_CONTACT_LABEL = re.compile(
    r"(?:fon|phone|telephone|tel|telefon|fax|mobile|mobil|cell|e-?mail|mail|web|internet)"
    r"(?:\s*[.:]\s*|\s+(?=[+(\d]))\S",
    re.IGNORECASE,
)
# One local-part character suffices: `[\w.+-]+@` rescans long words from every start (quadratic).
_EMAIL = re.compile(r"[\w.+-]@[\w-]+(?:\.[\w-]+)+")
#: Control characters (Unicode category Cc) that are not whitespace: a sign of a binary file.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# International (+49 ...) or German trunk-prefixed (0341 ..., (0341) ...) numbers only,
# so a line like "2019 - 2021" is not taken for a phone number.
_PHONE_LINE = re.compile(r"(?:\+|\(?0)[\d\s()/.-]{6,}")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]*$")
_VALID_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.IGNORECASE)


@dataclass(frozen=True)
class _Block:
    """Consecutive non-empty lines, and how many blank lines preceded them.

    The gap matters: scraped pages put two blank lines between teasers but
    one between a teaser's title and its text.
    """

    lines: tuple[str, ...]
    gap: int


class _Unusable(ValueError):
    """A file that cannot be built; the message is the `Skipped` reason."""


# --- files -------------------------------------------------------------------


def read_inputs(
    paths: Sequence[str | Path], readers: Mapping[str, Reader] | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Read every article under `paths`; return the articles and the skipped inputs.

    Raises `InputError` before reading anything when a path does not exist.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in iter_inputs(paths, readers):
        if isinstance(item, Article):
            articles.append(item)
        else:
            skipped.append(item)
    return articles, skipped


def iter_inputs(
    paths: Sequence[str | Path], readers: Mapping[str, Reader] | None = None
) -> Iterator[Article | Skipped]:
    """Stream the articles and skipped inputs under `paths`, one file at a time.

    `readers` maps further suffixes (".html") to the function that reads such
    a file; the web room passes its HTML reader, so this kernel module needs
    no HTML library and imports nothing above the kernel.

    Paths are checked eagerly (so a typo raises `InputError` at the call, not
    halfway through a build); files are then read lazily, so a corpus of
    thousands of pages never sits in memory at once. Directories are walked
    recursively in sorted order of their relative paths (hidden entries are
    left out), and a file reached twice is read once, so the output order
    and content are deterministic.
    """
    roots = [_check_exists(p) for p in paths]
    return _generate(roots, dict(readers or {}))


def _check_exists(path: str | Path) -> tuple[Path, str]:
    """The path and the POSIX string it is reported as; InputError when missing."""
    p = Path(path)
    try:
        exists = p.exists()
    except (OSError, ValueError) as err:
        raise InputError(f"invalid path: {path!s} ({err})") from err
    if not exists:
        raise InputError(f"path not found: {path!s}")
    return p, p.as_posix()


def _generate(
    roots: Iterable[tuple[Path, str]], readers: dict[str, Reader]
) -> Iterator[Article | Skipped]:
    seen: set[str] = set()
    for path, source in roots:
        if path.is_dir():
            found = False
            for entry in _walk(path, source, readers):
                if isinstance(entry, Skipped):
                    yield entry
                    continue
                found = True
                yield from _read_once(entry[0], entry[1], seen, readers)
            if not found:
                yield Skipped(source, f"no {_kinds(readers)} files in this directory")
        else:
            yield from _read_once(path, source, seen, readers)


def _kinds(readers: Mapping[str, Reader]) -> str:
    """ ".txt or .jsonl", or ".txt, .jsonl, .htm or .html" with readers for more."""
    *first, last = [*SUPPORTED_SUFFIXES, *sorted(readers)]
    return f"{', '.join(first)} or {last}"


def _read_once(
    path: Path, source: str, seen: set[str], readers: dict[str, Reader]
) -> Iterator[Article | Skipped]:
    """Read a file once, unless its name is not UTF-8 (no graph or summary could hold it)."""
    if not is_unicode(source):
        shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        yield Skipped(shown, "file name is not valid UTF-8; rename the file")
        return
    key = os.path.realpath(path)
    if key in seen:
        return
    seen.add(key)
    yield from _read_file(path, source, readers)


def _walk(
    root: Path, source: str, readers: dict[str, Reader]
) -> Iterator[tuple[Path, str] | Skipped]:
    """Readable files under `root` in sorted relative-path order; unreadable dirs as Skipped.

    Files of a refused format (Markdown) are reported, so a folder of .md
    news is not passed over in silence; other files (images, stylesheets of
    a saved page) are not news and are left alone.
    """
    errors: list[OSError] = []
    found: list[tuple[tuple[str, ...], Path]] = []
    wanted = {*SUPPORTED_SUFFIXES, *readers, *REFUSED_SUFFIXES}
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in wanted:
                continue
            file = Path(dirpath, name)
            found.append((file.relative_to(root).parts, file))
    for err in sorted(errors, key=lambda e: str(e.filename)):
        where = Path(err.filename).relative_to(root) if err.filename else Path()
        yield Skipped(_join(source, where), f"cannot read directory: {err.strerror or err}")
    for parts, file in sorted(found):
        yield file, _join(source, Path(*parts))


def _join(source: str, relative: Path) -> str:
    if relative == Path():
        return source
    return (Path(source) / relative).as_posix()


def _read_file(path: Path, source: str, readers: dict[str, Reader]) -> Iterator[Article | Skipped]:
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        yield Skipped(source, REFUSED_SUFFIXES[suffix])
        return
    if suffix not in SUPPORTED_SUFFIXES and suffix not in readers:
        kind = f"'{suffix}'" if suffix else "(no extension)"
        yield Skipped(source, f"unsupported file type {kind}: expected {_kinds(readers)}")
        return
    if path.exists() and not path.is_file():
        # A FIFO or device would block or never end; only regular files are read.
        yield Skipped(source, "not a regular file")
        return
    try:
        raw = path.read_bytes()
    except OSError as err:
        yield Skipped(source, f"cannot read file: {err.strerror or err}")
        return
    if suffix in readers:
        yield from _within_limit(readers[suffix](raw, source), source)
        return
    try:
        if suffix == TEXT_SUFFIX:
            articles = split_page(_decode(raw, source), source)
            if not articles:
                raise _Unusable("no article text, only page furniture")
            yield from _within_limit(articles, source)
        else:
            yield from _read_jsonl(raw, source)
    except _Unusable as err:
        yield Skipped(source, str(err))


def decode_text(raw: bytes, source: str) -> str:
    """The text of a page's bytes (UTF-8, else cp1252/latin-1 with a warning).

    Raises ValueError, with the reason as its message, for empty or binary content.
    """
    return _decode(raw, source)


def _decode(raw: bytes, source: str) -> str:
    """Decode a text file, falling back to cp1252/latin-1 when it is not UTF-8.

    Older pages were saved by Windows tools in cp1252, where "ä" is one byte;
    reading them as UTF-8 would fail or garble every umlaut and the euro
    sign. The fallback is logged as a warning because the guess could be
    wrong. Raises `_Unusable` for empty and binary content.
    """
    if not raw.strip():
        raise _Unusable("empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise _Unusable("binary file (invalid UTF-16)") from err
    elif b"\x00" in raw:
        raise _Unusable("binary file (contains NUL bytes)")
    else:
        text = _decode_8bit(raw, source)
    if not text.strip():
        raise _Unusable("empty file")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise _Unusable(f"binary file ({controls} control characters in {len(text)})")
    return text


def _decode_8bit(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = _decode_legacy(raw)
    _log.warning("%s: not valid UTF-8, decoded as %s", source, _legacy_name(raw))
    return text


def _decode_legacy(raw: bytes) -> str:
    """cp1252 (which has "€"), or latin-1 for the five bytes cp1252 leaves undefined."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _legacy_name(raw: bytes) -> str:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


# --- JSONL -------------------------------------------------------------------


def _read_jsonl(raw: bytes, source: str) -> Iterator[Article | Skipped]:
    """One article per line; a bad line is skipped on its own, the rest are kept.

    Lines are decoded one by one because JSONL files are often concatenated
    from several exports, so one cp1252 record must not garble its UTF-8
    neighbours. `position` is the 0-based line index, so every record keeps a
    stable key even when an earlier line is fixed or removed later.
    """
    if not raw.strip():
        raise _Unusable("empty file")
    # A file of NULs is binary (or UTF-16); one stray NUL line is one bad record.
    if raw.count(b"\x00") > MAX_CONTROL_SHARE * len(raw):
        raise _Unusable("binary file (contains NUL bytes)")
    fallback_lines = 0
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    for index, line in enumerate(raw.split(b"\n")):
        if not line.strip():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded = _decode_legacy(line)
            fallback_lines += 1
        where = f"{source}:{index + 1}"
        try:
            if "\x00" in decoded:
                raise _Unusable("binary data (contains NUL bytes)")
            article = _record_article(_load_json(decoded), source, index, where)
            if reason := _too_long(article):
                raise _Unusable(reason)
            yield article
        except _Unusable as err:
            yield Skipped(source, f"{where}: {err}")
    if fallback_lines:
        _log.warning(
            "%s: %d line(s) not valid UTF-8, decoded as cp1252/latin-1", source, fallback_lines
        )


def _load_json(line: str) -> object:
    """One JSON value; `_Unusable` for anything the json module refuses, with the reason."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise _Unusable(f"invalid JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise _Unusable("invalid JSON (nested too deeply)") from None
    except ValueError as err:  # int() refuses numbers of more than 4300 digits
        raise _Unusable(f"invalid JSON ({str(err).split(':')[0]})") from None


def _too_long(article: Article) -> str | None:
    """Why the language model cannot take the article, or None when it can."""
    if (size := len(article.text)) > MAX_ARTICLE_CHARS:
        return f"article of {size:,} characters: over the model's limit of {MAX_ARTICLE_CHARS:,}"
    return None


def _within_limit(items: Iterable[Article | Skipped], source: str) -> Iterator[Article | Skipped]:
    """Articles longer than the language model takes become a `Skipped` of their own."""
    for item in items:
        if isinstance(item, Article) and (reason := _too_long(item)):
            item = Skipped(f"{source}#{item.position}", reason)
        yield item


def _record_article(record: object, source: str, index: int, where: str) -> Article:
    """Build the article of one JSONL record: fields `title`, `text`, optional `date`, `url`.

    The record's own `id` is not used: `Article.id` is derived from the text,
    so the same story gets the same id however it was delivered.
    """
    if not isinstance(record, dict):
        raise _Unusable("not a JSON object")
    for name in ("title", "text", "date", "url"):
        value = record.get(name)
        if isinstance(value, str) and not is_unicode(value):
            raise _Unusable(f"'{name}' holds a lone surrogate (not valid Unicode)")
    title, text = record.get("title"), record.get("text")
    if not isinstance(title, str) or not _clean_line(title):
        raise _Unusable("missing or empty 'title'")
    if not isinstance(text, str) or not text.strip():
        raise _Unusable("missing or empty 'text'")
    title = _clean_line(title)
    body = _drop_furniture(_blocks(_clean_line(line) for line in text.splitlines()))
    if body and body[0].lines[0] == title:
        # Scrapers often repeat the title as the first line of the text.
        body = [_Block(body[0].lines[1:], 0), *body[1:]] if len(body[0].lines) > 1 else body[1:]
    date = None
    raw_date = record.get("date")
    if isinstance(raw_date, str) and raw_date.strip():
        date = parse_date(raw_date)
        if date is None:
            _log.warning("%s: cannot read date %r, using the text's first date", where, raw_date)
    url = record.get("url")
    if url is not None and not (isinstance(url, str) and _VALID_URL.fullmatch(url.strip())):
        _log.warning("%s: ignoring url %r (not an absolute http(s) URL)", where, url)
        url = None
    return _make_article(title, body, source, index, date, url.strip() if url else None)


# --- page splitting ----------------------------------------------------------


def split_page(text: str, source: str) -> list[Article]:
    """Split one scraped page into its news items: the main story, then each teaser.

    The first line, when it is a "News from ..." header, is furniture and
    dropped. The main item runs to the first "previous news" marker; every
    teaser after a marker is an item of its own (position 1, 2, ...). A
    teaser is a title line and its paragraphs; teasers are told apart by a
    double blank line, or by a title-like line after a paragraph that ended
    a sentence.
    """
    lines = [_clean_line(line) for line in text.splitlines()]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is not None and _HEADER.fullmatch(lines[first]):
        lines[first] = ""
    sections: list[list[str]] = [[]]
    for line in lines:
        if _MARKER.fullmatch(line):
            sections.append([])
        else:
            sections[-1].append(line)
    articles: list[Article] = []
    main = _drop_furniture(_blocks(sections[0]))
    if main:
        articles.append(_make_article(main[0].lines[0], _after_title(main), source, 0))
    position = 1
    for section in sections[1:]:
        for teaser in _teasers(_drop_furniture(_blocks(section))):
            articles.append(
                _make_article(teaser[0].lines[0], _after_title(teaser), source, position)
            )
            position += 1
    return articles


def _clean_line(line: str) -> str:
    """NFC-normalise, drop invisible characters and collapse runs of whitespace."""
    return " ".join(unicodedata.normalize("NFC", line).translate(_INVISIBLE).split())


def _blocks(lines: Iterable[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    gap = 0
    for line in [*lines, ""]:
        if line:
            current.append(line)
            continue
        if current:
            blocks.append(_Block(tuple(current), gap))
            current, gap = [], 0
        gap += 1
    return blocks


def _drop_furniture(blocks: list[_Block]) -> list[_Block]:
    """Remove navigation lines; a block that empties out keeps the larger gap for its successor."""
    kept: list[_Block] = []
    carried = 0
    for block in blocks:
        lines = tuple(line for line in block.lines if not _FURNITURE.fullmatch(line))
        if lines:
            kept.append(_Block(lines, max(block.gap, carried)))
            carried = 0
        else:
            carried = max(carried, block.gap)
    return kept


def _teasers(blocks: list[_Block]) -> list[list[_Block]]:
    groups: list[list[_Block]] = []
    for block in blocks:
        starts_new = (
            not groups
            or block.gap >= 2
            or (
                len(groups[-1]) >= 2
                and _is_title_like(block)
                and bool(_SENTENCE_END.search(groups[-1][-1].lines[-1]))
            )
        )
        if starts_new:
            groups.append([block])
        else:
            groups[-1].append(block)
    return groups


def _is_title_like(block: _Block) -> bool:
    line = block.lines[0]
    return (
        len(block.lines) == 1
        and len(line) <= 150
        and not line.endswith((".", ":", ",", ";"))
        and (line[0].isupper() or line[0].isdigit() or not line[0].isalnum())
    )


def _after_title(blocks: list[_Block]) -> list[_Block]:
    """The blocks of an item without its title line."""
    head = blocks[0]
    rest = [_Block(head.lines[1:], 0)] if len(head.lines) > 1 else []
    return rest + blocks[1:]


# --- building an article -----------------------------------------------------


def _make_article(
    title: str,
    body: list[_Block],
    source: str,
    position: int,
    date: str | None = None,
    url: str | None = None,
) -> Article:
    """Assemble `Article.text` (title, paragraphs, signature) and its signature span."""
    body, signature = _split_signature(body)
    paragraphs = [p for block in body for p in _paragraphs(block.lines)]
    text = "\n\n".join([title, *paragraphs])
    span = None
    if signature:
        start = len(text) + 2
        text = f"{text}\n\n" + "\n".join(signature)
        span = (start, len(text))
    if date is None:
        date = _article_date(paragraphs, text)
    return Article.create(
        title=title,
        text=text,
        source=source,
        position=position,
        date=date,
        url=url,
        signature=span,
    )


def _article_date(paragraphs: list[str], text: str) -> str | None:
    """A "Source: ..." line dates the publication, so it wins; else the first date of the text."""
    for paragraph in paragraphs:
        if _SOURCE_LINE.fullmatch(paragraph):
            date = parse_date(paragraph)
            if date:
                return date
    return parse_date(text)


def _paragraphs(lines: tuple[str, ...]) -> list[str]:
    """Rejoin hard-wrapped prose; keep short lines (lists, labels) as paragraphs of their own.

    A long line that does not end in a colon was wrapped by the scraper, so
    the next line continues its sentence. Short lines are names, labels or
    list entries, and gluing them together would merge entities.
    """
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if paragraphs and len(previous) >= 40 and not previous.endswith(":"):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _split_signature(body: list[_Block]) -> tuple[list[_Block], list[str]]:
    """Split a trailing signature block (organisation, name, title, phone) off the body.

    Detected by shape, not by names: the last block (ignoring a trailing
    "Source:" line, which stays in the body) consists of short lines that
    are not sentences, and at least one of them is a phone, fax, e-mail or
    web line. Up to two directly preceding blocks of name-like lines join it,
    for signatures that put a blank line between the names and the numbers.
    """
    end = len(body)
    while end and all(_SOURCE_LINE.fullmatch(line) for line in body[end - 1].lines):
        end -= 1
    if not end:
        return body, []
    last = body[end - 1].lines
    if not (all(_is_short(line) for line in last) and any(_is_contact(line) for line in last)):
        return body, []
    start = end - 1
    while start and end - start < 3 and body[start].gap == 1 and _is_name_block(body[start - 1]):
        start -= 1
    signature = [line for block in body[start:end] for line in block.lines]
    return body[:start] + body[end:], signature


def _is_contact(line: str) -> bool:
    return bool(
        _CONTACT_LABEL.match(line)
        or _EMAIL.search(line)
        or _URL_LINE.fullmatch(line)
        or _PHONE_LINE.fullmatch(line)
    )


def _is_short(line: str) -> bool:
    """A signature-sized line: not a sentence (abbreviations like "e. V." are fine)."""
    if _is_contact(line):
        return len(line) <= 120
    words = len(line.split())
    return len(line) <= 80 and words <= 10 and not (_SENTENCE_END.search(line) and words >= 6)


def _is_name_block(block: _Block) -> bool:
    """Organisation, name and job-title lines: short, no label colon, no sentence ending.

    A final full stop is allowed only after an abbreviation ("e. V.", "Inc.", "Ph.D.").
    """
    return len(block.lines) <= 5 and all(
        _is_short(line)
        and not line.endswith((":", "!", "?"))
        and not (line.endswith(".") and len(line.split()[-1].replace(".", "")) > 3)
        for line in block.lines
    )
