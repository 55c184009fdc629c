"""BM25 over chunks with ``bm25s``: build, search (optionally within a set of ids), save, load.

Two indexes are kept: one over the real tokens and one over the same tokens
with diacritics folded, used only when a query is typed without accents
("ai chu tri ke hoach"). The saved index records its configuration and a
fingerprint of the chunk ids so the caller can tell when it is stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from index.chunks import Chunk, embedding_text
from index.errors import StoreError
from index.textproc import Scheme, drop_stopwords, fold, is_unaccented, tokenize, with_expansions

Fields = Literal["text", "heading", "heading+doc"]
META_FILE = "lexical.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LexicalConfig:
    """How chunks become BM25 documents; the defaults are the dev-set winners.

    ``fields``: ``text`` (clause only), ``heading`` (heading chain + clause,
    i.e. ``embedding_text``), ``heading+doc`` (also document name and title).
    """

    scheme: Scheme = "syllables"
    fields: Fields = "heading+doc"
    stopwords: bool = True  # drop question words from queries
    expand: bool = True  # add the full words of abbreviations to queries (KCN → khu công nghiệp)
    k1: float = 1.2
    b: float = 0.75


def lexical_text(chunk: Chunk, fields: Fields = "heading+doc") -> str:
    """The text BM25 indexes for a chunk."""
    if fields == "text":
        return chunk.text
    base = embedding_text(chunk)
    if fields == "heading+doc":
        return f"{chunk.document} {chunk.title}\n{base}"
    return base


def fingerprint(ids: Iterable[str]) -> str:
    """Order-independent hash of chunk ids: equal sets of chunks ↔ equal fingerprints."""
    digest = hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()
    return digest[:32]


def _import_bm25s() -> Any:
    import bm25s  # lazy: pulls in its tokenizer machinery

    # bm25s sets its own logger to DEBUG, which prints "Building index…" once
    # anything (underthesea, gradio) has configured the root logger.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _bm25(corpus_tokens: list[list[str]], config: LexicalConfig) -> Any:
    bm25s = _import_bm25s()
    model = bm25s.BM25(k1=config.k1, b=config.b)
    # An empty document breaks bm25s' vocabulary; "" never matches a query token.
    model.index([toks or [""] for toks in corpus_tokens], show_progress=False)
    return model


class LexicalIndex:
    """BM25 over a fixed list of chunks, answering with chunk ids.

    >>> chunks = [Chunk(f"d:{i}", "d", "cv.docx", "Công văn 612/SCT-QLCN", str(i), f"Mục {i}", (), t)
    ...           for i, t in enumerate(["Sở Công Thương chủ trì kiểm tra.",
    ...                                  "Sở Tư pháp thẩm định hồ sơ."], start=1)]
    >>> [(cid, round(score, 2)) for cid, score in LexicalIndex.build(chunks).search("Ai thẩm định?", k=3)]
    [('d:2', 0.63)]
    """

    def __init__(self, ids: Sequence[str], main: Any, folded: Any, config: LexicalConfig) -> None:
        self.ids = list(ids)
        self.config = config
        self.fingerprint = fingerprint(self.ids)
        self._main = main
        self._folded = folded
        self._position = {cid: i for i, cid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], config: LexicalConfig | None = None) -> LexicalIndex:
        config = config or LexicalConfig()
        tokens = [tokenize(lexical_text(c, config.fields), config.scheme) for c in chunks]
        if not chunks:
            return cls([], None, None, config)
        folded = [[fold(t) for t in toks] for toks in tokens]
        return cls([c.id for c in chunks], _bm25(tokens, config), _bm25(folded, config), config)

    def query_tokens(self, query: str) -> tuple[list[str], bool]:
        """The query's tokens, and whether to search the accent-folded index."""
        tokens = tokenize(with_expansions(query) if self.config.expand else query, self.config.scheme)
        if self.config.stopwords:
            tokens = drop_stopwords(tokens) or tokens  # a query of only stopwords keeps them
        use_folded = is_unaccented(query)
        return ([fold(t) for t in tokens] if use_folded else tokens), use_folded

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (zeros when no token is known)."""
        if not self.ids:
            return np.zeros(0, dtype=np.float32)
        tokens, use_folded = self.query_tokens(query)
        model = self._folded if use_folded else self._main
        known = [t for t in tokens if t and t in model.vocab_dict]
        if not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(model.get_scores(known), dtype=np.float32)

    def search(self, query: str, k: int, allowed_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) with score > 0, best first, within ``allowed_ids``."""
        scores = self.scores(query)
        if allowed_ids is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._position[i] for i in allowed_ids if i in self._position]] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        # Stable sort on -score: ties keep index order, so results are reproducible.
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return [(self.ids[i], float(scores[i])) for i in order]

    def save(self, directory: str | Path) -> None:
        """Write the two bm25s indexes and ``lexical.json`` (ids, config, fingerprint)."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self._main.save(str(path / "main"), show_progress=False)
            self._folded.save(str(path / "folded"), show_progress=False)
        meta = {"version": FORMAT_VERSION, "config": asdict(self.config),
                "fingerprint": self.fingerprint, "ids": self.ids}
        (path / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> LexicalIndex:
        """Read an index written by ``save``; ``StoreError`` when missing or unreadable."""
        path = Path(directory)
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
            config = LexicalConfig(**meta["config"])
            if not meta["ids"]:
                return cls([], None, None, config)
            bm25s = _import_bm25s()
            main = bm25s.BM25.load(str(path / "main"), show_progress=False)
            folded = bm25s.BM25.load(str(path / "folded"), show_progress=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{path}: không đọc được chỉ mục BM25 ({type(exc).__name__}: {exc}) — "
                "chạy lại 'vanban ingest' để dựng lại chỉ mục."
            ) from exc
        return cls(meta["ids"], main, folded, config)

    @staticmethod
    def saved_fingerprint(directory: str | Path) -> str | None:
        """Fingerprint of the index saved in ``directory``, or None if there is none."""
        try:
            meta = json.loads((Path(directory) / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        value = meta.get("fingerprint")
        return value if isinstance(value, str) else None

