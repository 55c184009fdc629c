"""``Vanban``: the one facade the CLI and the web app call.

Everything is lazy: creating a ``Vanban`` opens nothing; listing or removing
documents opens the store without an embedding model; the model is created
only to ingest or to search, and the search structures (chunks, their
vectors, BM25) are rebuilt only when the set of stored documents changed.

A question costs one query embedding (remembered, ``CachedQueries``), BM25
and a matrix product in memory; Chroma stays the store of record and is asked
only whether the documents changed, at most once per ``REGISTRY_TTL_S``.
Ingest and removal through this object are seen at once; another process
writing to the same Chroma server is seen at most that many seconds late.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.chunks import Chunk, SearchFilters
from index.embedders import CachedQueries, Embedder, make_embedder, relevance_floor
from index.pipeline import FileResult, ProgressFn, ingest_paths, refresh_lexical
from index.search import Hit, Mode, Searcher, matrix_dense_fn
from index.store import DocRecord, Store
from ingest.errors import InputError
from vanban.answer.compose import NOT_FOUND, answer_question
from vanban.answer.tasks import Responsibilities, ResponsibilitiesCache, to_row
from vanban.settings import Config

# How stale the registry may be before a question re-checks it (seconds). Our own
# writes reset it; only other writers (``--chroma-url`` with several clients) wait.
REGISTRY_TTL_S = 1.0


@dataclass
class _Cache:
    signature: str
    searcher: Searcher


@dataclass(frozen=True)
class _RecentlyChecked:
    """The store as the responsibilities cache sees it: a signature at most
    ``REGISTRY_TTL_S`` old, so a question costs no registry round trip."""

    store: Store

    def signature(self) -> str:
        return self.store.signature(REGISTRY_TTL_S)

    def chunks(self) -> list[Chunk]:
        return self.store.chunks()


def check_question(question: str, limit: int) -> None:
    """Refuse a question over ``limit`` characters, saying how long it is and what to do.

    >>> check_question("Ai chủ trì?", 1000)
    >>> check_question("x" * 1001, 1000)
    Traceback (most recent call last):
    ...
    ingest.errors.InputError: câu hỏi: câu hỏi dài 1001 ký tự, vượt giới hạn 1000 ký tự — \
hãy rút gọn, hỏi từng ý một (giới hạn: VANBAN_MAX_QUESTION_CHARS)
    """
    if len(question) > limit:
        raise InputError("câu hỏi", f"câu hỏi dài {len(question)} ký tự, vượt giới hạn {limit} ký tự",
                         "hãy rút gọn, hỏi từng ý một (giới hạn: VANBAN_MAX_QUESTION_CHARS)")


def refused_answer(question: str, err: Exception, limit: int) -> dict[str, Any]:
    """The ``vanban ask --json`` shape for a question that got no answer, and why.

    ``found`` is false, ``answer`` and ``error`` carry the Vietnamese reason; the
    question is echoed back at most ``limit`` characters long.
    """
    shown = question if len(question) <= limit else question[:limit] + " …"
    return {"question": shown, "found": False, "answer": str(err), "owners": [], "citations": [],
            "error": str(err)}


class Vanban:
    """Ingest, list, remove, search and ask over one index.

    >>> vb = Vanban(load_config(db=".vanban"))  # doctest: +SKIP
    >>> vb.ask("Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?")["citations"][0]["document"]  # doctest: +SKIP
    'Chỉ thị 13/CT-TTg'
    """

    def __init__(self, config: Config, embedder: Embedder | None = None) -> None:
        self.config = config
        self._embedder = embedder
        self._store: Store | None = None
        self._bound = False
        self._cache: _Cache | None = None
        self._responsibilities = ResponsibilitiesCache()
        self._queries: CachedQueries | None = None
        self._rebuilding = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        """The embedding model named by ``config.embedder``, created on first use."""
        if self._embedder is None:
            self._embedder = make_embedder(self.config.embedder)
        return self._embedder

    @property
    def store(self) -> Store:
        """The store, opened on first use without binding a model."""
        if self._store is None:
            self._store = Store.open(self.config)
        return self._store

    @property
    def queries(self) -> CachedQueries:
        """The embedder with remembered query vectors, as search uses it."""
        if self._queries is None or self._queries.inner is not self.embedder:
            self._queries = CachedQueries(self.embedder)
        return self._queries

    def _bound_store(self) -> Store:
        """The store, checked against the embedder (``EmbedderMismatchError`` if different)."""
        store = self.store
        if not self._bound:
            store.bind(self.embedder)
            self._bound = True
        return store

    def ingest(self, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               rebuild: bool = False, ocr: bool = False) -> list[FileResult]:
        """Ingest files/folders (idempotent); ``rebuild`` first empties the index;
        ``ocr`` reads scanned or garbled PDFs with tesseract."""
        if rebuild:
            self._store = Store.open(self.config, self.embedder, rebuild=True)
            self._bound = True
        results = ingest_paths(paths, self._bound_store(), self.embedder, progress, ocr=ocr,
                               follow_symlinks=self.config.follow_symlinks)
        self._cache = None
        return results

    def documents(self) -> list[DocRecord]:
        return self.store.documents()

    def remove(self, file_or_id: str) -> int:
        """Remove one document; returns the number of clauses removed (0 when not found)."""
        removed = self.store.remove(file_or_id)
        if removed:
            refresh_lexical(self.store)
        self._cache = None
        return removed

    def _searcher(self) -> Searcher:
        store = self._bound_store()
        signature = store.signature(REGISTRY_TTL_S)
        cache = self._cache
        if cache is not None and cache.signature == signature:
            return cache.searcher
        with self._rebuilding:  # concurrent questions: one rebuild, the others wait for it
            cache = self._cache
            if cache is None or cache.signature != signature:
                chunks, vectors = store.chunk_vectors()
                lexical = refresh_lexical(store, chunks)
                searcher = Searcher({c.id: c for c in chunks}, lexical,
                                    matrix_dense_fn(chunks, vectors), self.queries)
                cache = self._cache = _Cache(signature, searcher)
            return cache.searcher

    def search(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        """The best clauses for ``question`` (``k`` defaults to ``config.top_k``)."""
        return self._searcher().search(question, k or self.config.top_k, filters, mode)

    def ask(self, question: str, k: int | None = None,
            filters: SearchFilters | None = None) -> dict[str, Any]:
        """The answer as the JSON contract of ``vanban ask --json``.

        A question longer than ``config.max_question_chars`` is refused
        (``InputError``) before any work: its cost grows with its length.
        """
        check_question(question, self.config.max_question_chars)
        if not question.strip():
            return {"question": question, "found": False,
                    "answer": self._not_found(question, filters), "owners": [], "citations": []}
        hits = self.search(question, k, filters)
        scoped = None if filters is not None and not filters.empty else self.search
        result = answer_question(question, hits, self.responsibilities(), k or self.config.top_k,
                                 self.min_score, search=scoped)
        if not result["found"] and result["answer"] == NOT_FOUND:
            result["answer"] = self._not_found(question, filters)
        return result

    @property
    def min_score(self) -> float:
        """The relevance floor: the configured one, else the embedder's own."""
        if self.config.min_score is not None:
            return self.config.min_score
        return relevance_floor(self.embedder)

    def warm_up(self) -> bool:
        """Load the model and build the search structures now, so the first question is fast.

        Returns False (and loads nothing) when the index is empty.
        """
        if not self.store.visible_doc_ids():
            return False
        self.search("khởi động")
        self.responsibilities()
        return True

    def responsibilities(self) -> Responsibilities:
        """Who owns which task by when, re-derived from the stored chunks when they change."""
        return self._responsibilities.get(_RecentlyChecked(self.store))

    def tasks(self, body: str) -> list[dict[str, Any]]:
        """Every task of a body (any spelling), as ``vanban deadlines --json`` rows."""
        return [to_row(a) for a in self.responsibilities().for_body(body)]

    def deadlines(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  body: str | None = None) -> list[dict[str, Any]]:
        """The ``vanban deadlines --json`` rows, sorted by due date."""
        return [to_row(a) for a in self.responsibilities().deadlines(date_from, date_to, body)]

    def _not_found(self, question: str, filters: SearchFilters | None) -> str:
        if not question.strip():
            return "Câu hỏi trống — hãy nhập câu hỏi, ví dụ: 'Ai chủ trì việc … , hạn khi nào?'."
        if not self.store.visible_doc_ids(max_age=REGISTRY_TTL_S):
            return ("Chưa có văn bản nào trong chỉ mục "
                    f"{self.config.chroma_url or self.config.db} — hãy nạp văn bản: "
                    "vanban ingest <tệp hoặc thư mục>.")
        scope = " trong phạm vi đã chọn" if filters is not None and not filters.empty else ""
        return (f"Không tìm thấy điều khoản nào đủ liên quan{scope} trong các văn bản đã nạp. "
                "Hãy hỏi cụ thể hơn (tên cơ quan, việc, số văn bản) hoặc nạp thêm văn bản.")

