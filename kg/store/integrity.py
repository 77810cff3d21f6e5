"""Is an embedded store directory whole? Checked at open, so damage is one clear line.

A store is a RocksDB directory (under Oxigraph): CURRENT names the MANIFEST,
which lists the table files (`NNNNNN.sst`). RocksDB notices some damage itself
when it opens the directory (a table file deleted, truncated or emptied, a
broken MANIFEST) and reports it as a RuntimeError "Corruption: ..."; bytes
changed inside a table file (zeroed or random) are only found when a query
happens to read that block, which may be after a build has written on top.

So kg keeps its own record, `kg-tables.json` in the store directory: the size
and CRC-32 of every table file, written when a writing handle closes. Table
files never change once RocksDB has written them (compaction writes new files
and deletes old ones; names are never reused), so a recorded file that exists
with another size or checksum is damaged, and one that is gone was compacted
away (a live one gone is RocksDB's own open error). Every open compares sizes
(one stat per file: about 5 ms on a 2,000-article store); a build, before it
writes, and `kg validate` compare checksums too (about 0.2 s per 130 MiB of
tables, see the README), so a damaged store is never built upon. A store
written before this record existed is checked by RocksDB alone until its next
build writes the record. Whatever slips through (a damaged block read later)
is turned into the same one-line message by `corruption_detail`.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path

from kg.errors import KGError, StoreError

#: kg's record of the table files, in the store directory (RocksDB ignores other names).
RECORD = "kg-tables.json"
_TABLE_SUFFIX = ".sst"
_READ_SIZE = 1 << 20
_MANIFEST = re.compile(r"MANIFEST-\d{1,20}")
#: Longest piece of RocksDB's message kept in the one line.
_DETAIL_WIDTH = 110


def damaged(location: str, detail: str) -> StoreError:
    """The one line every kind of damage ends in: what is wrong, and what to do."""
    return StoreError(
        f"store {location} is damaged ({detail}); kg cannot repair it: move it aside "
        "(or delete it) and run `kg build` again to rebuild it from the articles"
    )


def corruption_detail(exc: BaseException) -> str | None:
    """RocksDB's corruption report in a few words, or None when `exc` is something else.

    RocksDB writes a status word first ("Corruption: ...", sometimes twice),
    then file paths and advice over several lines.
    """
    text = " ".join(str(exc).split())
    if not text.startswith("Corruption:"):
        return None
    while text.startswith("Corruption:"):
        text = text[len("Corruption:") :].strip()
    words = text.split()
    for i, word in enumerate(words[:-1]):
        # "... in DIR/000011.sst offset ...", "sstable: ...", "The file ... may be":
        # where, and RocksDB's advice, which is not kg's; the message names the store.
        if word in ("in", "sstable:", "file") and "/" in words[i + 1]:
            words = words[: i - 1 if word == "file" and i and words[i - 1] == "The" else i]
            break
    # A file named in the middle: its name is enough.
    words = [os.path.basename(w) if "/" in w else w for w in words]
    return " ".join(words)[:_DETAIL_WIDTH] or "corrupt data"


def damage_message(exc: BaseException, location: str) -> str | None:
    """The one line for RocksDB's corruption report `exc`; None for other errors."""
    detail = corruption_detail(exc)
    return None if detail is None else str(damaged(location, detail))


def _rocksdb_files(path: Path) -> bool:
    """Whether the directory holds files only RocksDB makes (tables, a MANIFEST)."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(n.endswith(_TABLE_SUFFIX) or _MANIFEST.fullmatch(n) for n in names)


def check_layout(path: Path, location: str) -> None:
    """The files that make a directory a store are there and are files.

    Runs before RocksDB opens the directory: a missing CURRENT beside table
    files would otherwise read as "no store here" (and a build would refuse
    the directory as foreign), a directory named LOCK as a store in use.
    """
    current = path / "CURRENT"
    if not current.exists() and not current.is_symlink():
        if _rocksdb_files(path):
            raise damaged(location, "its CURRENT file is missing")
        return
    if not current.is_file():
        raise damaged(location, "CURRENT is not a regular file")
    try:
        named = current.read_bytes()[:64].decode("ascii", "replace").strip()
    except OSError as exc:
        raise damaged(location, f"CURRENT cannot be read: {exc.strerror or exc}") from None
    if not _MANIFEST.fullmatch(named):
        raise damaged(location, "CURRENT does not name a MANIFEST file")
    if not (path / named).is_file():
        raise damaged(location, f"{named}, which CURRENT names, is missing")
    lock = path / "LOCK"
    if (lock.exists() or lock.is_symlink()) and not lock.is_file():
        raise damaged(location, "LOCK is not a regular file")


def _crc(file: Path) -> int:
    crc = 0
    with file.open("rb") as fh:
        while block := fh.read(_READ_SIZE):
            crc = zlib.crc32(block, crc)
    return crc


def _read_record(path: Path) -> dict[str, list[int]]:
    """The recorded tables (name -> [size, crc]); empty when there is no usable record."""
    try:
        data = json.loads((path / RECORD).read_text(encoding="utf-8"))
        tables = data["tables"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(tables, dict):
        return {}
    return {
        name: entry
        for name, entry in tables.items()
        if isinstance(name, str)
        and isinstance(entry, list)
        and len(entry) == 2
        and all(isinstance(x, int) for x in entry)
    }


def verify(path: Path, location: str, *, checksums: bool) -> None:
    """Compare the recorded tables that still exist with the files: sizes, and CRCs if asked."""
    for name, (size, crc) in sorted(_read_record(path).items()):
        file = path / name
        try:
            found = file.stat().st_size
        except FileNotFoundError:
            continue  # compacted away since the record; a live table gone fails at open
        except OSError as exc:
            raise damaged(location, f"{name} cannot be read: {exc.strerror or exc}") from None
        if found != size:
            raise damaged(location, f"{name} has {found:,} bytes, {size:,} when written")
        if checksums:
            try:
                same = _crc(file) == crc
            except OSError as exc:
                raise damaged(location, f"{name} cannot be read: {exc.strerror or exc}") from None
            if not same:
                raise damaged(location, f"{name} changed after it was written")


def record(path: Path) -> None:
    """Write the record of the table files now in `path` (after a writing handle's flush).

    Files already recorded with the same size keep their CRC: a build
    verified them before it wrote, and RocksDB never rewrites a table file.
    """
    from kg.output import write_file

    old = _read_record(path)
    tables: dict[str, list[int]] = {}
    for file in sorted(path.glob(f"*{_TABLE_SUFFIX}")):
        try:
            size = file.stat().st_size
            entry = old.get(file.name)
            tables[file.name] = entry if entry and entry[0] == size else [size, _crc(file)]
        except FileNotFoundError:
            continue  # deleted by a compaction still running
    text = json.dumps({"format": 1, "tables": tables}, indent=0) + "\n"
    try:
        write_file(path / RECORD, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except KGError as exc:
        raise StoreError(f"cannot record the store's table files: {exc}") from None
