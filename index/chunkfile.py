"""Chunks read lazily from a saved ``chunks.jsonl``: one line decoded when asked for.

A snapshot of 100k clauses held as ``Chunk`` objects costs ~440 MB of Python
allocations and seconds of JSON decoding at every start. ``ChunkFile`` maps the
file instead and keeps, per row, only what whole-index operations need in numpy:

- ``offsets``: int64, rows + 1 — line i is ``data[offsets[i]:offsets[i + 1]]``;
- ``groups``: int32, one per row — rows with equal ``FILTER_FIELDS`` (in practice one
  document) share a group, numbered in order of first appearance, so a search filter
  or "the documents in storage order" reads one chunk per group, not every chunk.

A search asks for a few dozen chunks by row (``chunks[i]``) or id (``ChunkMap``);
equal rows decode to equal ``Chunk`` values, so answers do not depend on which form
the chunks are in. ``accepted`` and ``doc_order`` work on plain lists too.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from index.chunks import FILTER_FIELDS, Chunk, SearchFilters, chunk_from_row


def filter_key(chunk: Chunk) -> tuple[str, ...]:
    """What a search filter reads of a chunk: rows with equal keys pass or fail together."""
    return tuple(str(getattr(chunk, f)) for f in FILTER_FIELDS)


def row_groups(chunks: Sequence[Chunk]) -> np.ndarray:
    """The ``groups`` array of ``chunks``: equal ``filter_key`` → equal number, numbered
    in order of first appearance."""
    numbers: dict[tuple[str, ...], int] = {}
    return np.fromiter((numbers.setdefault(filter_key(c), len(numbers)) for c in chunks),
                       dtype=np.int32, count=len(chunks))


class ChunkFile(Sequence[Chunk]):
    """The chunks of ``path`` (one ``chunk_row`` line each), decoded on access.

    ``ids`` are the chunk ids in row order (the caller has them already, e.g. from BM25);
    ``check`` compares the first and last rows with them.
    """

    def __init__(self, path: Path, offsets: np.ndarray, groups: np.ndarray, ids: Sequence[str]) -> None:
        rows = len(offsets) - 1
        if rows < 0 or len(groups) != rows or len(ids) != rows:
            raise ValueError(f"{path.name}: {rows} dòng, {len(groups)} nhóm, {len(ids)} mã điều khoản")
        with open(path, "rb") as file:
            size = file.seek(0, 2)
            if (int(offsets[0]) if rows else 0) != 0 or (rows and int(offsets[-1]) != size):
                raise ValueError(f"{path.name}: {size} byte, chỉ mục dòng nói {int(offsets[-1])}")
            self._data: mmap.mmap | bytes = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self.path = path
        self.offsets = offsets
        self.groups = groups
        self.ids = ids
        firsts = np.unique(np.asarray(groups), return_index=True)[1] if rows else np.zeros(0, np.int64)
        self._firsts = firsts  # group g's first row; groups are numbered by first appearance
        self._heads: list[Chunk] | None = None

    def check(self) -> None:
        """Raise ``ValueError`` when the first or last row is not the chunk ``ids`` say."""
        for i in {0, len(self) - 1} if len(self) else set():
            if self[i].id != self.ids[i]:
                raise ValueError(f"{self.path.name}: dòng {i} là {self[i].id}, cần {self.ids[i]}")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> Chunk: ...

    @overload
    def __getitem__(self, i: slice) -> list[Chunk]: ...

    def __getitem__(self, i: int | slice) -> Chunk | list[Chunk]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        row = int(i) + n if int(i) < 0 else int(i)
        if not 0 <= row < n:
            raise IndexError(f"row {i} of {n}")
        line = self._data[int(self.offsets[row]):int(self.offsets[row + 1])]
        return chunk_from_row(line.decode("utf-8"))

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def heads(self) -> list[Chunk]:
        """The first chunk of every group, in group order (decoded once)."""
        if self._heads is None:
            self._heads = [self[int(r)] for r in self._firsts]
        return self._heads

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Which rows ``filters`` accepts (bool per row), deciding once per group."""
        passed = np.fromiter((filters.accepts(c) for c in self.heads()), dtype=bool, count=len(self._firsts))
        return passed[np.asarray(self.groups)] if len(self) else np.zeros(0, dtype=bool)

    def doc_order(self) -> list[str]:
        """Doc ids in storage order (of their first row)."""
        return list(dict.fromkeys(c.doc_id for c in self.heads()))

    def doc_rows(self, doc_ids: set[str] | frozenset[str]) -> np.ndarray:
        """Rows (ascending) of the chunks of ``doc_ids``."""
        wanted = np.fromiter((c.doc_id in doc_ids for c in self.heads()), dtype=bool, count=len(self._firsts))
        return np.flatnonzero(wanted[np.asarray(self.groups)]) if len(self) else np.zeros(0, np.int64)


class ChunkMap(Mapping[str, Chunk]):
    """A ``ChunkFile`` by chunk id, decoding only the chunks looked up (``position``: id → row)."""

    def __init__(self, rows: ChunkFile, position: Mapping[str, int]) -> None:
        self.rows = rows
        self.position = position

    def __getitem__(self, cid: str) -> Chunk:
        return self.rows[self.position[cid]]

    def __contains__(self, cid: object) -> bool:
        return cid in self.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows.ids)

    def __len__(self) -> int:
        return len(self.rows)


def accepted(chunks: Sequence[Chunk], filters: SearchFilters) -> np.ndarray:
    """Which of ``chunks`` ``filters`` accepts, bool per row (one decision per group in a file)."""
    if isinstance(chunks, ChunkFile):
        return chunks.mask(filters)
    return np.fromiter((filters.accepts(c) for c in chunks), dtype=bool, count=len(chunks))


def doc_order(chunks: Sequence[Chunk]) -> list[str]:
    """The doc ids of ``chunks`` in storage order."""
    if isinstance(chunks, ChunkFile):
        return chunks.doc_order()
    return list(dict.fromkeys(c.doc_id for c in chunks))


def doc_rows(chunks: Sequence[Chunk], doc_ids: set[str] | frozenset[str]) -> np.ndarray:
    """Rows (ascending, int64) of the chunks of ``doc_ids``."""
    if isinstance(chunks, ChunkFile):
        return chunks.doc_rows(doc_ids)
    return np.asarray([i for i, c in enumerate(chunks) if c.doc_id in doc_ids], dtype=np.int64)


def by_id(chunks: Sequence[Chunk], ids: Sequence[str] = (), position: Mapping[str, int] | None = None,
          ) -> Mapping[str, Chunk]:
    """``chunks`` by id in storage order: a lazy ``ChunkMap`` over a file, else a dict.
    ``position`` (id → row, e.g. BM25's) is shared when given with the very ``ids`` list
    the file was opened with; else the map builds its own."""
    if isinstance(chunks, ChunkFile):
        if position is None or ids is not chunks.ids:
            position = {c: i for i, c in enumerate(chunks.ids)}
        return ChunkMap(chunks, position)
    return {c.id: c for c in chunks}
