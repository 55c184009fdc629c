"""``Vanban``: the one facade the CLI and the web app call.

Everything is lazy: creating a ``Vanban`` opens nothing; listing or removing
documents opens the store without an embedding model; the model is created
only to ingest or to search, and the search structures (chunks, BM25) are
rebuilt only when the set of stored documents changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.chunks import Chunk, SearchFilters
from index.embedders import Embedder, make_embedder
from index.pipeline import FileResult, ProgressFn, ingest_paths, refresh_lexical
from index.search import Hit, Mode, Searcher, is_relevant
from index.settings import Config
from index.store import DocRecord, Store

ANSWER_CHARS = 600  # the top clause is quoted up to this length in ``answer``


@dataclass
class _Cache:
    signature: str
    searcher: Searcher


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
        results = ingest_paths(paths, self._bound_store(), self.embedder, progress, ocr=ocr)
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
        signature = store.signature()
        if self._cache is None or self._cache.signature != signature:
            chunks = store.chunks()
            lexical = refresh_lexical(store, chunks)
            searcher = Searcher({c.id: c for c in chunks}, lexical, store.dense, self.embedder)
            self._cache = _Cache(signature, searcher)
        return self._cache.searcher

    def search(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        """The best clauses for ``question`` (``k`` defaults to ``config.top_k``)."""
        return self._searcher().search(question, k or self.config.top_k, filters, mode)

    def ask(self, question: str, k: int | None = None,
            filters: SearchFilters | None = None) -> dict[str, Any]:
        """The answer as the JSON contract of ``vanban ask --json``."""
        hits = self.search(question, k, filters) if question.strip() else []
        found = is_relevant(hits, self.config.min_score)
        if not found:
            return {"question": question, "found": False,
                    "answer": self._not_found(question, filters), "owners": [], "citations": []}
        return {"question": question, "found": True, "answer": compose_answer(hits),
                "owners": [], "citations": citations(hits)}

    def _not_found(self, question: str, filters: SearchFilters | None) -> str:
        if not question.strip():
            return "Câu hỏi trống — hãy nhập câu hỏi, ví dụ: 'Ai chủ trì việc … , hạn khi nào?'."
        if not self.store.visible_doc_ids():
            return ("Chưa có văn bản nào trong chỉ mục "
                    f"{self.config.chroma_url or self.config.db} — hãy nạp văn bản: "
                    "vanban ingest <tệp hoặc thư mục>.")
        scope = " trong phạm vi đã chọn" if filters is not None and not filters.empty else ""
        return (f"Không tìm thấy điều khoản nào đủ liên quan{scope} trong các văn bản đã nạp. "
                "Hãy hỏi cụ thể hơn (tên cơ quan, việc, số văn bản) hoặc nạp thêm văn bản.")


def citations(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """Numbered citations of the JSON contract, best first."""
    return [citation_dict(n, h.chunk, h.score) for n, h in enumerate(hits, start=1)]


def citation_dict(n: int, chunk: Chunk, score: float) -> dict[str, Any]:
    return {"n": n, "file": chunk.file, "document": chunk.document, "clause": chunk.path,
            "label": chunk.label, "text": chunk.text, "score": round(float(score), 6)}


def compose_answer(hits: Sequence[Hit]) -> str:
    """Quote the best clause with its citation; the others are listed as ``[n]``.

    >>> # "Theo Chỉ thị 13/CT-TTg › 2.b [1]: Chủ trì xây dựng … Xem thêm [2], [3]."
    """
    best = hits[0].chunk
    text = best.text if len(best.text) <= ANSWER_CHARS else best.text[:ANSWER_CHARS].rstrip() + " …"
    answer = f"Theo {best.citation.render()} [1]: {text}"
    if len(hits) > 1:
        answer += " Xem thêm " + ", ".join(f"[{n}]" for n in range(2, len(hits) + 1)) + "."
    return answer
