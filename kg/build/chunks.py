"""Cutting a stream of articles into chunks and memory zones.

Shared by the worker pool and the one-process overlapped extraction, which
both run the model inside spaCy memory zones and hand out work in chunks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


#: Articles extracted inside one spaCy memory zone. A zone per chunk made each chunk
#: create again the lexemes and tokenizer-cache entries of every word the model does
#: not know (about 4% of extraction time); zones of this size keep them for a
#: thousand articles and still free them long before a large corpus ends.
ZONE_ARTICLES = 1024


#: Smallest chunk the end of a corpus is cut into: a few articles still keep the
#: model's batches efficient.
MIN_TAPERED = 8


def tapered_sizes(total: int, size: int, workers: int) -> list[int]:
    """Chunk sizes for `total` articles: `size` each, shrinking over the last few.

    Workers take chunks as they come free, so the build ends when the last
    chunk does; with full chunks to the end one worker may still be busy for a
    whole chunk while the others idle. Each chunk is at most the remainder
    shared out over `2 * workers` tasks (never under `MIN_TAPERED`), so the last
    ones are small and every worker finishes at about the same time.
    """
    sizes: list[int] = []
    remaining = total
    while remaining > 0:
        share = -(-remaining // (2 * workers))  # ceiling division
        step = min(size, remaining, max(MIN_TAPERED, share))
        sizes.append(step)
        remaining -= step
    return sizes


def in_chunks(
    items: Iterable[T], size: int, sizes: Iterable[int] | None = None
) -> Iterator[list[T]]:
    """Consecutive chunks of `items`: of the given `sizes` while they last, then of `size`."""
    iterator = iter(items)
    for step in itertools.chain(sizes or (), itertools.repeat(size)):
        chunk = list(itertools.islice(iterator, step))
        if not chunk:
            return
        yield chunk
