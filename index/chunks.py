"""What the index stores: one ``Chunk`` per citable clause, with its document's header.

A chunk is a clause flattened with the header fields that search filters on and
that citations print. ``Document`` → ``chunks_from_document`` → store / BM25.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ingest.model import Clause, Document


@dataclass(frozen=True)
class Chunk:
    id: str  # f"{doc_id}:{path}" (with a counter suffix if a path repeats)
    doc_id: str
    file: str  # source file name (no directory)
    document: str  # "Kế hoạch 28/KH-BCĐCVĐ"
    path: str  # "IV.1.1"
    label: str  # "Mục IV › 1 › 1.1"
    heading: tuple[str, ...]
    text: str
    page: int | None = 1  # None: no known pages (DOCX without recorded breaks, text)
    kind: str = "clause"
    doc_type: str = ""
    issuer: str = ""
    number: str = ""
    date: str = ""  # ISO "YYYY-MM-DD" or ""
    title: str = ""
    cells: tuple[str, ...] = ()  # table-row cells, so assignments can be re-derived from the store
    paragraph: int = 0  # 1-based paragraph index of the clause in its document (0: unknown)
    # a table row's cells by column role (("lead", "Sở Công Thương"), ("due", "Quý IV/2026")),
    # so a source card can name each column
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def text_hash(self) -> str:
        """Key of the embedding cache: same text for embedding → same vector.

        A text embedded in windows is keyed with the window size, so vectors made
        before windows existed (the whole text at once) are not re-used for it.
        """
        text = embedding_text(self)
        if len(text) > MAX_EMBED_CHARS:
            text = f"windows:{MAX_EMBED_CHARS}c/2000c/512t\n{text}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_CHUNK_FIELDS = tuple(f.name for f in fields(Chunk))
_TUPLES = {"heading", "cells"}


def chunk_row(chunk: Chunk) -> str:
    """A chunk as one JSON line: every field, in ``Chunk`` order (snapshot files, Chroma records).

    >>> c = Chunk("d:1", "d", "a.txt", "Công văn 1/UBND", "1", "Mục 1", ("I. Chung",), "Sở chủ trì",
    ...           page=None, paragraph=3, fields=(("Chủ trì", "Sở Công Thương"),))
    >>> chunk_from_row(chunk_row(c)) == c
    True
    """
    return json.dumps([getattr(chunk, f) for f in _CHUNK_FIELDS], ensure_ascii=False)


def chunk_from_row(line: str) -> Chunk:
    values = json.loads(line)
    if len(values) != len(_CHUNK_FIELDS):
        raise ValueError(f"dòng điều khoản có {len(values)} trường, cần {len(_CHUNK_FIELDS)}")
    named: dict[str, Any] = {f: tuple(v) if f in _TUPLES else v
                             for f, v in zip(_CHUNK_FIELDS, values, strict=True)}
    if "fields" in named:  # (role, value) pairs
        named["fields"] = tuple(tuple(pair) for pair in named["fields"])
    return Chunk(**named)


def embedding_text(chunk: Chunk) -> str:
    """The text embedded for a chunk: its heading chain, then its own text.

    The heading carries the actor (``2. Bộ Tài nguyên và Môi trường:``) that the
    clause itself (``b) Chủ trì…``) omits.
    """
    head = " › ".join(h for h in chunk.heading if h)
    return f"{head}\n{chunk.text}" if head else chunk.text


# One window of text for the embedder: ≈ 300 e5 tokens of Vietnamese (0.25 token per
# character measured), well under the 512 tokens e5 was trained on.
MAX_EMBED_CHARS = 1200


def _split_long(line: str, budget: int) -> list[str]:
    """A paragraph longer than ``budget`` cut at spaces (inside a word only if it must)."""
    pieces, current = [], ""
    for word in line.split(" "):
        while len(word) > budget:  # a "word" longer than a window: cut it
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:budget])
            word = word[budget:]
        if current and len(current) + 1 + len(word) > budget:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*pieces, current] if current else pieces


def windows(text: str, max_chars: int = MAX_EMBED_CHARS) -> list[str]:
    """A text in windows of ≤ ``max_chars``: its title line + whole paragraphs, packed greedily.

    A short text is one window equal to itself. A first line too long to be a title
    (over half a window) is packed like the other paragraphs.

    >>> windows("Điều 1. T\\nmột hai\\nba bốn", max_chars=18)
    ['Điều 1. T\\nmột hai', 'Điều 1. T\\nba bốn']
    """
    if len(text) <= max_chars:
        return [text]
    title, *body = text.split("\n")
    if len(title) > max_chars // 2:
        title, body = "", [title, *body]
    budget = max_chars - len(title) - 1 if title else max_chars
    paragraphs = [p for line in body for p in _split_long(line, budget)]
    out, current = [], ""
    for par in paragraphs:
        if current and len(current) + 1 + len(par) > budget:
            out.append(current)
            current = par
        else:
            current = f"{current}\n{par}" if current else par
    out.append(current)
    return [f"{title}\n{w}" if title else w for w in out]


def embedding_windows(chunk: Chunk) -> list[str]:
    """What the embedder reads for a chunk: ``embedding_text`` in windows of ≤ 1,200 characters.

    The heading chain is the first line, so every window of a long clause keeps its actor.
    """
    return windows(embedding_text(chunk))


def _chunk_id(doc_id: str, path: str, seen: dict[str, int]) -> str:
    n = seen.get(path, 0)
    seen[path] = n + 1
    return f"{doc_id}:{path}" if n == 0 else f"{doc_id}:{path}#{n}"


def chunk_from_clause(doc: Document, clause: Clause, chunk_id: str) -> Chunk:
    h = doc.header
    return Chunk(
        id=chunk_id,
        doc_id=doc.doc_id,
        file=Path(doc.file).name,
        document=doc.name,
        path=clause.path,
        label=clause.label,
        heading=clause.heading,
        text=clause.text,
        page=clause.page,
        kind=clause.kind,
        doc_type=h.doc_type or "",
        issuer=h.issuer or "",
        number=h.number or "",
        date=h.date.isoformat() if h.date else "",
        title=h.title or "",
        cells=clause.cells,
        paragraph=clause.paragraph,
        fields=clause.fields if clause.kind == "table_row" else (),
    )


def chunks_from_document(doc: Document) -> list[Chunk]:
    """Every clause of a parsed document as a chunk; empty clauses are skipped."""
    seen: dict[str, int] = {}
    return [
        chunk_from_clause(doc, c, _chunk_id(doc.doc_id, c.path, seen))
        for c in doc.clauses
        if c.text.strip()
    ]


# The chunk fields ``SearchFilters.accepts`` reads, and only those: a saved snapshot decides
# a filter once per distinct combination of them (``index.chunkfile``), not once per chunk.
FILTER_FIELDS = ("doc_id", "file", "doc_type", "issuer", "date")


@dataclass(frozen=True)
class SearchFilters:
    """Scope of a search; empty fields do not filter (reading only ``FILTER_FIELDS``)."""

    files: tuple[str, ...] = ()  # file names or doc ids
    doc_types: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()  # substring match, case-insensitive
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.files and chunk.file not in self.files and chunk.doc_id not in self.files:
            return False
        if self.doc_types and chunk.doc_type not in self.doc_types:
            return False
        if self.issuers and not any(i.lower() in chunk.issuer.lower() for i in self.issuers):
            return False
        if self.date_from or self.date_to:
            if not chunk.date:
                return False
            d = dt.date.fromisoformat(chunk.date)
            if self.date_from and d < self.date_from:
                return False
            if self.date_to and d > self.date_to:
                return False
        return True

    @property
    def empty(self) -> bool:
        return not (self.files or self.doc_types or self.issuers or self.date_from or self.date_to)
