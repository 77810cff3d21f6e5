"""Files kg writes because a user asked (`-o`, `--report`, the csv folder): whole or not at all.

Every such file is written to a temporary file beside its target, flushed to
disk and renamed over the target, so a full disk, a killed process or a failed
writer leaves the previous good file in place, never half of a new one. Only a
regular file (or nothing) is ever replaced: renaming over a FIFO another
program reads, a device node (as root, `-o /dev/full` used to replace the
device) or a symlink is never what `-o` meant, so those are refused with one
line. Every write error (full disk, full TMPDIR, a full or closed stdout, no
permission) becomes a one-line `KGError`.

This lives in the kernel so every room that writes files (the exports and the
network page in `kg.view`, the build report in the CLI) shares one writer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kg.errors import KGError

T = TypeVar("T")

#: Where "-o -" sends its output instead of a file.
STDOUT = "-"
#: errno values of a write to a full, broken or closed stream.
_STREAM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF})


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(target: Path) -> int | None:
    """Refuse a target that is not a regular file; the permission bits of one that is.

    Returns None when nothing exists at `target` yet. `lstat`, so a symlink is
    seen as a link, not as what it points to.
    """
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        parent = target.parent
        if not parent.is_dir():
            raise KGError(f"cannot write {target}: folder {parent} does not exist") from None
        return None
    except OSError as exc:
        raise KGError(f"cannot write {target}: {_reason(exc)}") from None
    kind = _kind(mode)
    if kind is not None:
        raise KGError(
            f"refusing to replace {target}: it is {kind}; only a regular file is replaced"
        )
    return stat.S_IMODE(mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(directory: Path, prefix: str, shown: str) -> Path:
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise KGError(f"cannot write {shown}: {_reason(exc)} (in {directory})") from None
    return Path(name)


def _sync(path: Path) -> None:
    """Flush the file to disk: some file systems report a full disk only here."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def silence_stdout() -> None:
    """Point stdout at /dev/null once writing to it failed.

    Python flushes stdout again at exit; on a full or vanished stdout that
    flush would print a second error. Nothing to do for a stdout without a
    file descriptor (a test runner's buffer).
    """
    stream = sys.__stdout__
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def stdout_failure(exc: OSError) -> str | None:
    """The one line for a failed print to stdout (`kg query > /dev/full`); None for others.

    Files kg writes report their own errors, with their name; an OSError with
    no file name and one of these errnos comes from printing the answer.
    """
    if exc.filename is not None or exc.errno not in _STREAM_ERRNOS:
        return None
    silence_stdout()
    return f"cannot write to standard output: {_reason(exc)}"


def _copy_to_stdout(path: Path) -> None:
    stream = sys.stdout
    if stream is None:
        raise KGError("cannot write to standard output: it is closed")
    try:
        stream.flush()
        with path.open("rb") as source:
            shutil.copyfileobj(source, stream.buffer, 1 << 20)
        stream.buffer.flush()
    except BrokenPipeError:
        raise  # the reader left (`| head`): the CLI stops quietly
    except OSError as exc:
        silence_stdout()
        raise KGError(f"cannot write to standard output: {_reason(exc)}") from None


def write_file(out_path: str | Path, write: Callable[[Path], T]) -> T:
    """Run `write(temporary path)` and put the result at `out_path` ("-": stdout) atomically.

    Standard output also goes through a temporary file (in TMPDIR), so a
    failing writer prints nothing rather than half a document.
    """
    if str(out_path) == STDOUT:
        tmp = _stage(Path(tempfile.gettempdir()), ".kg-output.", "a temporary copy for stdout")
        try:
            try:
                result = write(tmp)
            except OSError as exc:
                raise KGError(f"cannot write a temporary copy for stdout: {_reason(exc)}") from None
            _copy_to_stdout(tmp)
        finally:
            tmp.unlink(missing_ok=True)
        return result
    (result,) = write_files([(Path(out_path), write)])
    return result


def write_files(targets: Sequence[tuple[Path, Callable[[Path], T]]]) -> list[T]:
    """Write several files as one: all are staged beside their targets, then all renamed.

    A failure while any of them is written (the usual moment for a full disk)
    leaves every previous file as it was; a folder of csv tables is never a
    mix of old and new tables. Returns what each writer returned, in order.
    """
    modes = [check_target(target) for target, _ in targets]
    staged: list[Path] = []
    try:
        results = []
        for (target, write), mode in zip(targets, modes, strict=True):
            tmp = _stage(target.parent, f".{target.name}.", str(target))
            staged.append(tmp)
            try:
                results.append(write(tmp))
                _sync(tmp)
                os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
            except OSError as exc:
                raise KGError(f"cannot write {target}: {_reason(exc)}") from None
        for (target, _), tmp in zip(targets, staged, strict=True):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise KGError(f"cannot write {target}: {_reason(exc)}") from None
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
    return results
