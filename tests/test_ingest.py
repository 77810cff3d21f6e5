"""Tests for kg.ingest: files and directories in, Articles and Skipped out."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import iter_inputs, read_inputs, split_page
from kg.model import Article, Skipped, content_id

DATA = Path(__file__).parent / "data" / "ingest"
SEEDS = DATA / "seeds"
SEED_000 = SEEDS / "000_95a6e869cca391d4.txt"
SEED_003 = SEEDS / "003_bcd31c1c45d1e794.txt"
CORPUS = DATA / "corpus"


def _rel(path: Path) -> str:
    """The fixture path relative to the working directory, as a user would type it."""
    return os.path.relpath(path)


def _read(*paths: str | Path) -> tuple[list[Article], list[Skipped]]:
    return read_inputs([str(p) for p in paths])


def _page(text: str) -> list[Article]:
    return split_page(text, "page.txt")


def _signature(article: Article) -> str | None:
    if article.signature is None:
        return None
    start, end = article.signature
    return article.text[start:end]


# --- the seed pages --------------------------------------------------------------


def test_seed_000_splits_into_main_item_and_two_teasers() -> None:
    articles, skipped = _read(SEED_000)
    assert skipped == []
    assert [(a.title, a.position, a.date) for a in articles] == [
        ('Successful start of the biosaxony working group "Cell Therapies"', 0, "2020-02-17"),
        ("VITA 34 \u2013 What is pure must become even purer", 1, None),
        ("Bring virtual reality and voice assistants to the hospital", 2, None),
    ]


def test_seed_000_main_item_text_and_signature() -> None:
    main = _read(SEED_000)[0][0]
    assert main.text.startswith(
        'Successful start of the biosaxony working group "Cell Therapies"\n\n'
        "On February 17.02.2020th, 2018, the new working group"
    )
    assert "News from" not in main.text
    assert "previous news" not in main.text
    assert "Kymriah\u00ae" in main.text
    assert main.text.count("\n\n") == 4  # title, three paragraphs, signature
    assert main.text.endswith(
        "establish further international cooperation.\n\n"
        "biosaxony Management GmbH\nAndre Hofmann\nManaging Director\nFon: + 49 351 7965-501"
    )
    assert main.signature == (len(main.text) - 80, len(main.text))
    assert _signature(main) == (
        "biosaxony Management GmbH\nAndre Hofmann\nManaging Director\nFon: + 49 351 7965-501"
    )


def test_seed_000_teasers_are_articles_of_their_own() -> None:
    _main, vita, vr = _read(SEED_000)[0]
    assert vita.text == (
        "VITA 34 \u2013 What is pure must become even purer\n\n"
        "Spring cleaning in the micrometer range / Europe's second largest umbilical cord "
        "blood bank cleans laboratories / Transformation into a cell bank started"
    )
    assert vita.signature is None
    assert vr.text.startswith("Bring virtual reality and voice assistants to the hospital\n\n")
    assert vr.text.endswith("into everyday clinical practice.")
    assert "around 5,1 million euros" in vr.text
    assert vr.text.count("\n") == 2


def test_seed_003_keeps_link_labels_and_source_line_drops_furniture() -> None:
    articles, skipped = _read(SEED_003)
    assert skipped == []
    main = articles[0]
    assert main.title == "New cluster brochure for healthcare and biotechnology"
    assert main.date == "2020-09-09"
    assert main.signature is None
    assert "Further information" not in main.text
    assert "available for free download" not in main.text
    assert [p[:24] for p in main.text.split("\n\n")] == [
        "New cluster brochure for",
        "The Office for Economic ",
        "\u201cLeipzig's healthcare in",
        "With 25 internationally ",
        "The brochure provides de",
        "BioCity Campus Leipzig:",
        "Industry association for",
        "Source: Report from the ",
    ]
    assert main.text.endswith(
        "lighthouse projects from the cluster.\n\n"
        "BioCity Campus Leipzig:\n\n"
        "Industry association for biotechnology and medical technology biosaxony e. v.:\n\n"
        "Source: Report from the city of Leipzig from September 09.09.2020th, XNUMX"
    )
    assert "its 45.000 employees" in main.text


def test_seed_003_teasers() -> None:
    articles = _read(SEED_003)[0]
    assert len(articles) == 3
    kretschmer, perfusion = articles[1], articles[2]
    assert (kretschmer.position, perfusion.position) == (1, 2)
    assert kretschmer.title.startswith("Kretschmer sees")
    assert kretschmer.text.endswith("sees a great future for the industry.")
    assert kretschmer.date is None
    assert perfusion.title == (
        "Blood, oxygen, food: modern organ perfusion equipment prepares donor livers"
    )
    # the teaser's lead and its text paragraph both belong to it
    assert perfusion.text.split("\n\n")[1].startswith("Machine simulates human organism")
    assert perfusion.text.split("\n\n")[2].startswith("New hope for patients")
    assert perfusion.date is None


def test_seed_articles_have_clean_text_and_content_ids() -> None:
    articles = _read(SEEDS)[0]
    assert len(articles) == 6
    assert len({a.id for a in articles}) == 6
    for article in articles:
        assert article.id == content_id(article.text)
        assert article.text.split("\n\n")[0] == article.title
        assert "\n\n\n" not in article.text
        assert article.text == article.text.strip()
        assert all(line == line.strip() and "  " not in line for line in article.text.split("\n"))
        assert article.url is None


# --- paths, order, sources ------------------------------------------------------


def test_directory_walk_is_recursive_sorted_and_skips_other_files() -> None:
    articles, skipped = _read(_rel(CORPUS))
    base = _rel(CORPUS).replace(os.sep, "/")
    assert [(a.source, a.position, a.title) for a in articles] == [
        (f"{base}/a/y.jsonl", 0, "Record Y1"),
        (f"{base}/a/y.jsonl", 1, "Record Y2"),
        (f"{base}/a/z.txt", 0, "Page Z"),
        (f"{base}/b.txt", 0, "Page B"),
    ]
    assert [(s.path, s.reason) for s in skipped] == [
        (f"{base}/empty.txt", "empty file"),
        (f"{base}/image.txt", "binary file (contains NUL bytes)"),
        (f"{base}/notes.md", "Markdown is not read: save the page as .html or .txt"),
    ]


def test_output_is_deterministic() -> None:
    first = _read(CORPUS, SEEDS, DATA / "records.jsonl")
    second = _read(CORPUS, SEEDS, DATA / "records.jsonl")
    assert first == second


def test_roots_keep_the_given_order() -> None:
    articles = _read(SEED_003, SEED_000)[0]
    assert [Path(a.source).name for a in articles] == [SEED_003.name] * 3 + [SEED_000.name] * 3


def test_source_is_the_given_path_not_made_absolute() -> None:
    rel = _rel(SEED_000)
    assert {a.source for a in _read(rel)[0]} == {Path(rel).as_posix()}
    absolute = SEED_000.resolve()
    assert {a.source for a in _read(absolute)[0]} == {absolute.as_posix()}


def test_source_in_a_directory_joins_given_path_and_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in" / "deep").mkdir(parents=True)
    (tmp_path / "in" / "deep" / "x.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [a.source for a in _read("in")[0]] == ["in/deep/x.txt"]
    assert [a.source for a in _read("./in/")[0]] == ["in/deep/x.txt"]


def test_a_file_reached_twice_is_read_once() -> None:
    articles = _read(SEEDS, SEED_000)[0]
    assert len(articles) == 6


def test_missing_path_raises_input_error_before_reading_anything() -> None:
    with pytest.raises(InputError) as excinfo:
        iter_inputs([SEED_000, "no/such/file.txt"])
    assert str(excinfo.value) == "path not found: no/such/file.txt"
    assert "\n" not in str(excinfo.value)
    with pytest.raises(InputError, match="path not found"):
        read_inputs(["missing-dir"])


def test_empty_path_list_reads_nothing() -> None:
    assert read_inputs([]) == ([], [])


def test_explicit_file_with_unknown_extension_is_skipped(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    bare = tmp_path / "README"
    bare.write_text("Title\n\nText.\n", encoding="utf-8")
    articles, skipped = _read(pdf, bare)
    assert articles == []
    assert [s.reason for s in skipped] == [
        "unsupported file type '.pdf': expected .txt or .jsonl",
        "unsupported file type (no extension): expected .txt or .jsonl",
    ]
    assert skipped[0].path == pdf.as_posix()


def test_suffix_is_matched_case_insensitively(tmp_path: Path) -> None:
    (tmp_path / "PAGE.TXT").write_text("Upper case\n\nStill an article.\n", encoding="utf-8")
    assert [a.title for a in _read(tmp_path)[0]] == ["Upper case"]


def test_directory_without_articles_is_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    articles, skipped = _read(tmp_path)
    assert articles == []
    assert skipped == [Skipped(tmp_path.as_posix(), "no .txt or .jsonl files in this directory")]


def test_markdown_is_refused_with_a_reason_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    articles, skipped = _read(tmp_path)
    assert articles == []
    reason = "Markdown is not read: save the page as .html or .txt"
    assert skipped == [Skipped((tmp_path / "notes.md").as_posix(), reason)]


def test_iter_inputs_streams_file_by_file(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("First\n\nText.\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("Second\n\nText.\n", encoding="utf-8")
    stream = iter_inputs([tmp_path])
    first_item = next(stream)
    assert isinstance(first_item, Article)
    assert first_item.title == "First"
    second.unlink()  # read lazily: a file removed meanwhile is reported, not a crash
    assert list(stream) == [
        Skipped(second.as_posix(), "cannot read file: No such file or directory")
    ]


# --- encodings and unusable files ---------------------------------------------------


def test_cp1252_file_decodes_umlauts_and_euro_and_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = DATA / "cp1252_umlauts.txt"
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        articles, skipped = _read(path)
    assert skipped == []
    (article,) = articles
    assert article.title == "Görlitz company wins funding for Würzburg site"
    assert "Müller & Söhne GmbH received € 300.000 from the Sächsische Aufbaubank" in article.text
    assert "Weißeritzstraße. \u201cWe are delighted,\u201d" in article.text
    assert "\r" not in article.text
    assert article.date == "2021-05-03"
    assert _signature(article) == (
        "Müller & Söhne GmbH\nJürgen Groß\nManaging Director\nTel.: +49 3581 123-45"
    )
    assert [(r.name, r.levelno) for r in caplog.records] == [("kg.ingest", logging.WARNING)]
    assert "not valid UTF-8, decoded as cp1252" in caplog.records[0].getMessage()
    assert path.as_posix() in caplog.records[0].getMessage()


def test_latin1_fallback_for_bytes_cp1252_leaves_undefined(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Straße in Köln\n\nText \x81 with a stray byte.\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        (article,) = _read(path)[0]
    assert article.title == "Straße in Köln"
    assert "decoded as latin-1" in caplog.text


def test_utf8_with_bom_decodes_without_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        (article,) = _read(DATA / "utf8_bom.txt")[0]
    assert article.title == "BOM page"
    assert "\ufeff" not in article.text
    assert "Straße in Dresden" in article.text
    assert caplog.records == []


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("Übersicht\n\nText über Jena.\n".encode("utf-16"))
    (article,) = _read(path)[0]
    assert article.text == "Übersicht\n\nText über Jena."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n\t\r\n", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"\xef\xbb\xbf\n \n", "empty file"),
        (b"GIF89a\x01\x00\x01\x00\x00\xff", "binary file (contains NUL bytes)"),
        (bytes(range(1, 32)) * 4 + b"abc", "binary file"),
        (b"\xff\xfe\x00\xd8", "binary file (invalid UTF-16)"),
    ],
)
def test_unusable_text_files_are_skipped(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    articles, skipped = _read(path)
    assert articles == []
    assert len(skipped) == 1
    assert skipped[0].path == path.as_posix()
    assert skipped[0].reason.startswith(reason)


def test_page_with_only_furniture_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "furniture.txt"
    path.write_text("News from the BioCity Campus\n\nprevious news\n\n", encoding="utf-8")
    assert _read(path) == ([], [Skipped(path.as_posix(), "no article text, only page furniture")])


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Locked\n\nText.\n", encoding="utf-8")
    (tmp_path / "open.txt").write_text("Open\n\nText.\n", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, skipped = _read(tmp_path)
    assert [a.title for a in articles] == ["Open"]
    assert skipped == [Skipped(locked.as_posix(), "cannot read file: Permission denied")]


def test_unreadable_subdirectory_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.txt").write_text("Hidden\n\nText.\n", encoding="utf-8")
    (tmp_path / "page.txt").write_text("Visible\n\nText.\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, skipped = _read(tmp_path)
    assert [a.title for a in articles] == ["Visible"]
    assert skipped == [
        Skipped((tmp_path / "closed").as_posix(), "cannot read directory: Permission denied")
    ]


# --- JSONL ------------------------------------------------------------------------


def test_jsonl_keeps_good_lines_and_skips_bad_ones(caplog: pytest.LogCaptureFixture) -> None:
    path = DATA / "records.jsonl"
    source = _rel(path).replace(os.sep, "/")
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        articles, skipped = _read(_rel(path))
    assert [(a.title, a.position, a.date, a.url) for a in articles] == [
        ("First record", 0, "2020-02-17", "https://example.org/news/1"),
        ("Third record", 3, "2021-03-04", None),
        ("Sixth record", 6, "2020-02-17", None),
    ]
    assert {a.source for a in articles} == {source}
    assert [s.reason for s in skipped] == [
        f"{source}:2: invalid JSON (Expecting ',' delimiter at column 102)",
        f"{source}:5: not a JSON object",
        f"{source}:6: missing or empty 'title'",
    ]
    assert {s.path for s in skipped} == {source}
    assert f"{source}:7: ignoring url 'not a url'" in caplog.text


def test_jsonl_text_repeating_the_title_is_not_doubled_and_signature_found() -> None:
    third = _read(DATA / "records.jsonl")[0][1]
    assert third.text == (
        "Third record\n\nThe body repeats the title first.\n\n"
        "Some Org GmbH\nJane Doe\nPress Officer\nE-mail: press@example.org"
    )
    assert _signature(third) == "Some Org GmbH\nJane Doe\nPress Officer\nE-mail: press@example.org"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "T"}', "missing or empty 'text'"),
        ('{"title": "T", "text": "   "}', "missing or empty 'text'"),
        ('{"title": "T", "text": 5}', "missing or empty 'text'"),
        ('{"title": null, "text": "x"}', "missing or empty 'title'"),
        ('{"title": "  ", "text": "x"}', "missing or empty 'title'"),
        ("42", "not a JSON object"),
        ("{", "invalid JSON (Expecting property name enclosed in double quotes at column 2)"),
        ("not json", "invalid JSON (Expecting value at column 1)"),
    ],
)
def test_jsonl_bad_records(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"title": "Good", "text": "Fine."}\n' + line + "\n", encoding="utf-8")
    articles, skipped = _read(path)
    assert [a.title for a in articles] == ["Good"]
    assert skipped == [Skipped(path.as_posix(), f"{path.as_posix()}:2: {reason}")]


def test_jsonl_date_field_is_normalised_and_falls_back_to_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(
        '{"title": "A", "text": "x", "date": "September 09.09.2020th, XNUMX"}\n'
        '{"title": "B", "text": "x", "date": "2020-02-17T08:00:00+01:00"}\n'
        '{"title": "C", "text": "On 1.3.2021 it opened.", "date": "XNUMX"}\n'
        '{"title": "D", "text": "On 1.3.2021 it opened.", "date": null}\n'
        '{"title": "E", "text": "No date."}\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        articles = _read(path)[0]
    assert [(a.title, a.date) for a in articles] == [
        ("A", "2020-09-09"),
        ("B", "2020-02-17"),
        ("C", "2021-03-01"),
        ("D", "2021-03-01"),
        ("E", None),
    ]
    assert "cannot read date 'XNUMX'" in caplog.text


def test_jsonl_decodes_cp1252_lines_one_by_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "mixed.jsonl"
    utf8 = '{"title": "Jena Süd", "text": "UTF-8 line."}\n'.encode()
    cp = '{"title": "Görlitz", "text": "5 €"}\n'.encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + utf8 + b"\n" + cp)
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        articles, skipped = _read(path)
    assert skipped == []
    assert [(a.title, a.position) for a in articles] == [("Jena Süd", 0), ("Görlitz", 2)]
    assert articles[1].text == "Görlitz\n\n5 €"
    assert "1 line(s) not valid UTF-8" in caplog.text


def test_jsonl_text_loses_furniture_and_keeps_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    text = "First  paragraph\\n\\nRead more\\n\\nLabel Org:\\n\\nSecond paragraph."
    path.write_text('{"title": " Title ", "text": "' + text + '"}\n', encoding="utf-8")
    (article,) = _read(path)[0]
    assert article.text == "Title\n\nFirst paragraph\n\nLabel Org:\n\nSecond paragraph."


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\n\n", "empty file"), (b'{"a":\x00}', "binary file")],
)
def test_unusable_jsonl_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    articles, skipped = _read(path)
    assert articles == []
    assert len(skipped) == 1
    assert skipped[0].reason.startswith(reason)


# --- page splitting ---------------------------------------------------------------


def test_page_without_header_uses_first_line_as_title() -> None:
    (article,) = _page("\n\nJust a title\n\nAnd a paragraph.\n")
    assert (article.title, article.text, article.position) == (
        "Just a title",
        "Just a title\n\nAnd a paragraph.",
        0,
    )


@pytest.mark.parametrize(
    "header", ["News from the BioCity Campus", "News from the Campus", "NEWS FROM BIOSAXONY"]
)
def test_news_from_header_is_dropped(header: str) -> None:
    (article,) = _page(f"{header}\n\nTitle\n\nBody.")
    assert article.text == "Title\n\nBody."


def test_news_from_line_later_in_the_page_is_text() -> None:
    (article,) = _page("Title\n\nNews from the lab\n\nBody.")
    assert article.text == "Title\n\nNews from the lab\n\nBody."


def test_first_line_saying_something_is_a_title_not_a_header() -> None:
    (article,) = _page("News from the lab: enzyme found\n\nBody.")
    assert article.title == "News from the lab: enzyme found"


def test_title_only_page() -> None:
    (article,) = _page("News from the BioCity Campus\n\nOnly a title")
    assert (article.title, article.text, article.signature) == (
        "Only a title",
        "Only a title",
        None,
    )


def test_whitespace_is_normalised_and_paragraphs_kept() -> None:
    raw = "Title\t with  spaces \r\n\r\nFirst\u00a0 paragraph\u200b here.\r\n\r\n\r\n\r\nSecond."
    (article,) = _page(raw)
    assert article.text == "Title with spaces\n\nFirst paragraph here.\n\nSecond."


def test_text_is_nfc_normalised() -> None:
    (article,) = _page("Andre\u0301 Hofmann\n\nCafe\u0301.")
    assert article.text == "Andr\u00e9 Hofmann\n\nCaf\u00e9."


def test_hard_wrapped_prose_is_rejoined_but_short_lines_stay_apart() -> None:
    raw = (
        "Title\n\n"
        "This paragraph was wrapped by the scraper at a fixed width so\n"
        "that its sentence continues on the next line.\n\n"
        "Partners:\nAlpha GmbH\nBeta AG\n"
    )
    (article,) = _page(raw)
    assert article.text == (
        "Title\n\n"
        "This paragraph was wrapped by the scraper at a fixed width so that its sentence "
        "continues on the next line.\n\n"
        "Partners:\n\nAlpha GmbH\n\nBeta AG"
    )


def test_title_and_body_in_one_block() -> None:
    (article,) = _page("Title line\nBody follows without a blank line.")
    assert article.text == "Title line\n\nBody follows without a blank line."


@pytest.mark.parametrize(
    "line",
    [
        "Further information",
        "Further information:",
        "More information",
        "Read more",
        "Read more ...",
        "The brochure is available for free download at:",
        "The study is available online at:",
        "Print",
        "Back to overview",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    (article,) = _page(f"Title\n\nBody.\n\n{line}\n\nLabel Org:\n")
    assert article.text == "Title\n\nBody.\n\nLabel Org:"


def test_sentences_mentioning_availability_are_kept() -> None:
    raw = "Title\n\nThe brochure is available at the town hall.\n"
    assert _page(raw)[0].text == "Title\n\nThe brochure is available at the town hall."


# --- signatures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "contact",
    [
        "Fon: + 49 351 7965-501",
        "Phone: +49 341 123 456",
        "Phone +49 341 123 456",
        "Tel. 0341 123456",
        "Tel.: +49 (0)341 123-456",
        "Telefon: 0341 123456",
        "Fax: +49 341 123 457",
        "E-mail: someone@example.org",
        "Email: someone@example.org",
        "someone@example.org",
        "www.example.org",
        "https://example.org/contact",
        "+49 341 123456",
        "(0341) 123 456",
        "0341 / 123456",
    ],
)
def test_signature_detected_by_contact_line(contact: str) -> None:
    expected = f"Example Org GmbH\nJane Doe\nPress Officer\n{contact}"
    (article,) = _page(f"Title\n\nA sentence of the body.\n\n{expected}\n")
    assert _signature(article) == expected
    assert article.text == f"Title\n\nA sentence of the body.\n\n{expected}"
    assert article.signature == (len(article.text) - len(expected), len(article.text))


def test_signature_with_blank_line_between_names_and_numbers() -> None:
    raw = (
        "Title\n\nBody sentence.\n\n"
        "Example Org e. V.\nJane Doe\nManaging Director\n\n"
        "Phone: +49 341 123456\nE-mail: jane@example.org\n"
    )
    (article,) = _page(raw)
    assert _signature(article) == (
        "Example Org e. V.\nJane Doe\nManaging Director\n"
        "Phone: +49 341 123456\nE-mail: jane@example.org"
    )
    assert article.text.startswith("Title\n\nBody sentence.\n\nExample Org e. V.\n")


def test_source_line_after_signature_stays_in_body() -> None:
    raw = (
        "Title\n\nBody sentence.\n\nExample Org\nJane Doe\nFon: 0341 1234567\n\n"
        "Source: Press release from 12.05.2021\n"
    )
    (article,) = _page(raw)
    assert article.text == (
        "Title\n\nBody sentence.\n\nSource: Press release from 12.05.2021\n\n"
        "Example Org\nJane Doe\nFon: 0341 1234567"
    )
    assert _signature(article) == "Example Org\nJane Doe\nFon: 0341 1234567"
    assert article.date == "2021-05-12"


@pytest.mark.parametrize(
    "tail",
    [
        # short lines without any contact line: names, not a signature
        "Example Org GmbH\nJane Doe\nManaging Director",
        # a contact word that is not a contact line
        "Cell Therapies\nWeb Services",
        # sentences next to a phone number are body text
        "Please call us for more details about this programme today.\nPhone: 0341 123456",
        # link labels
        "BioCity Campus Leipzig:\n\nExample association e. v.:",
        # numbers that are not phone numbers
        "Annual report\n2019 - 2021",
    ],
)
def test_no_signature_without_signature_shape(tail: str) -> None:
    (article,) = _page(f"Title\n\nBody sentence.\n\n{tail}\n")
    assert article.signature is None


def test_name_blocks_before_the_body_are_not_swallowed() -> None:
    raw = (
        "Title\n\nBody sentence.\n\nFirst label\n\nSecond label\n\n"
        "Third label\n\nExample Org\nFon: 0341 1234567\n"
    )
    (article,) = _page(raw)
    # at most two blank-separated name blocks join the contact block
    assert _signature(article) == "Second label\nThird label\nExample Org\nFon: 0341 1234567"
    assert "First label\n\n" in article.text


# --- teasers -----------------------------------------------------------------------


def test_teasers_split_by_title_after_sentence_without_double_blank_lines() -> None:
    raw = (
        "Main title\n\nMain body.\n\nprevious news\n\n"
        "Teaser one\n\nIts text ends here.\n\n"
        "Teaser two\n\nIts lead without a full stop\n\nAnd a paragraph.\n\n"
        "Teaser three\n\nLast text."
    )
    titles = [(a.position, a.title, a.text.count("\n\n")) for a in _page(raw)]
    assert titles == [
        (0, "Main title", 1),
        (1, "Teaser one", 1),
        (2, "Teaser two", 2),
        (3, "Teaser three", 1),
    ]


def test_teasers_split_by_double_blank_lines() -> None:
    raw = (
        "Main\n\nBody.\n\nPrevious news:\n\n"
        "Teaser one\n\nA lead without a stop\n\n\n"
        "Teaser two\n\nAnother lead without a stop\n\n\n"
        "Teaser three"
    )
    assert [a.title for a in _page(raw)] == ["Main", "Teaser one", "Teaser two", "Teaser three"]
    assert _page(raw)[3].text == "Teaser three"


@pytest.mark.parametrize("marker", ["previous news", "Previous News", "older news", "More news:"])
def test_marker_variants_start_teasers(marker: str) -> None:
    raw = f"Main\n\nBody.\n\n{marker}\n\nTeaser\n\nText."
    assert [a.title for a in _page(raw)] == ["Main", "Teaser"]
    assert marker.lower().rstrip(":") not in _page(raw)[0].text.lower()


def test_second_marker_continues_teaser_positions() -> None:
    raw = "Main\n\nBody.\n\nprevious news\n\nT1\n\nText.\n\nolder news\n\nT2\n\nText."
    assert [(a.position, a.title) for a in _page(raw)] == [(0, "Main"), (1, "T1"), (2, "T2")]


def test_page_starting_with_marker_has_no_main_item() -> None:
    raw = "News from the BioCity Campus\n\nprevious news\n\nT1\n\nText."
    assert [(a.position, a.title) for a in _page(raw)] == [(1, "T1")]


def test_teaser_read_more_link_does_not_merge_teasers() -> None:
    raw = "Main\n\nBody.\n\nprevious news\n\nT1\n\nLead one\n\nRead more\n\n\nT2\n\nLead two"
    assert [a.text for a in _page(raw)[1:]] == ["T1\n\nLead one", "T2\n\nLead two"]


# --- dates ---------------------------------------------------------------------------


def test_source_line_date_wins_over_earlier_body_date() -> None:
    raw = "Title\n\nThe event on 3 March 2021 was planned.\n\nSource: City report from 12.01.2021"
    assert _page(raw)[0].date == "2021-01-12"


def test_first_body_date_when_no_source_line() -> None:
    raw = "Title\n\nOn February 17, XNUMX nothing. On 3 March 2021 it opened; 4 May 2022 later."
    assert _page(raw)[0].date == "2021-03-03"


def test_teaser_with_a_date_gets_it_and_without_gets_none() -> None:
    raw = (
        "Main\n\nOn 01.02.2020 it began.\n\nprevious news\n\nT1\n\nOn 05.06.2019 it ended.\n\n\nT2"
    )
    assert [a.date for a in _page(raw)] == ["2020-02-01", "2019-06-05", None]


def test_control_character_class_is_exactly_non_space_cc() -> None:
    """The binary-file check counts what Unicode calls control characters, minus whitespace."""
    import unicodedata

    from kg.ingest import _CONTROL_CHARS

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    expected = [ch for ch in every if unicodedata.category(ch) == "Cc" and not ch.isspace()]
    assert _CONTROL_CHARS.findall(every) == expected
