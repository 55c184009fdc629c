"""BM25 over chunks in compact numpy arrays: build, search (optionally within a set of ids), save, load.

Two indexes are kept: one over the real tokens and one over the same tokens
with diacritics folded, used only when a query is typed without accents
("ai chu tri ke hoach"). The saved index records its configuration and a
fingerprint of the chunk ids so the caller can tell when it is stale.

Layout (no Python object per posting, so 100k clauses cost tens of MB, not a GB):

- ``TermCounts``: per chunk (row-major CSR) int32 term ids with their counts, and the
  chunk's token count — the raw material, kept so an index over a changed set of chunks
  reuses the rows it already has (``LexicalIndex.update``) instead of re-tokenizing;
- ``Postings``: per term (term-major CSR) the chunk rows and float32 BM25 weights, so a
  query adds up a handful of slices. Scores equal ``bm25s``' default (Lucene) variant.

Saved as ``.npy`` files, the postings too (so a new process maps them instead of
recomputing them: 100k clauses, ~270 MB of allocations and seconds of CPU), and loaded
memory-mapped (``np.load(mmap_mode="r")``). A save without postings (older) still loads.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from index.chunks import Chunk, embedding_text
from index.errors import StoreError
from index.textproc import Scheme, drop_stopwords, fold, is_unaccented, tokenize, with_expansions

Fields = Literal["text", "heading", "heading+doc"]
META_FILE = "lexical.json"
FORMAT_VERSION = 2  # 1: two bm25s indexes (Python dicts while building: 1.1 GB at 100k clauses)


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


@dataclass(frozen=True)
class TermCounts:
    """Token counts per chunk: row r has ``terms[indptr[r]:indptr[r+1]]`` with counts ``tf``.

    ``lengths[r]`` is the chunk's number of tokens; ``vocab[t]`` the token of term id t.
    """

    indptr: np.ndarray  # int64, rows + 1
    terms: np.ndarray  # int32
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32, one per row
    vocab: list[str]

    @property
    def rows(self) -> int:
        return len(self.lengths)

    @classmethod
    def count(cls, token_lists: Iterable[list[str]], vocab: Sequence[str] = (),
              base: TermCounts | None = None, keep: np.ndarray | None = None) -> TermCounts:
        """Counts of ``token_lists`` (one per chunk), after the rows ``keep`` of ``base``.

        Token ids extend ``vocab`` (``base.vocab`` when given), so kept rows stay valid.
        An empty chunk counts as one empty token, as ``bm25s`` does.
        """
        words = list(base.vocab if base is not None else vocab)
        ids = {w: i for i, w in enumerate(words)}
        terms: list[int] = []
        tf: list[int] = []
        lengths: list[int] = []
        ends: list[int] = []
        for tokens in token_lists:
            counted = Counter(ids.setdefault(t, len(ids)) for t in (tokens or [""]))
            terms += counted.keys()
            tf += counted.values()
            lengths.append(len(tokens) or 1)
            ends.append(len(terms))
        for word in list(ids)[len(words):]:
            words.append(word)
        new = cls(np.concatenate([[0], np.asarray(ends, dtype=np.int64)]),
                  np.asarray(terms, dtype=np.int32), np.asarray(tf, dtype=np.int32),
                  np.asarray(lengths, dtype=np.int32), words)
        if base is None:
            return new
        old = base.take(np.arange(base.rows) if keep is None else keep)
        return cls(np.concatenate([old.indptr, old.indptr[-1] + new.indptr[1:]]),
                   np.concatenate([old.terms, new.terms]), np.concatenate([old.tf, new.tf]),
                   np.concatenate([old.lengths, new.lengths]), words)

    def take(self, rows: np.ndarray) -> TermCounts:
        """The counts of ``rows`` only, in that order (same vocabulary)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        sizes = ends - starts
        indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        # Position of every kept posting in the old arrays, without a Python loop.
        at = np.repeat(starts - indptr[:-1], sizes) + np.arange(indptr[-1])
        return TermCounts(indptr, np.asarray(self.terms)[at], np.asarray(self.tf)[at],
                          np.asarray(self.lengths)[rows], self.vocab)

    def folded(self) -> TermCounts:
        """The same counts over accent-folded tokens (``chủ`` and ``chú`` become one ``chu``)."""
        words: dict[str, int] = {}
        mapping = np.fromiter((words.setdefault(fold(w), len(words)) for w in self.vocab),
                              dtype=np.int64, count=len(self.vocab))
        rows = np.repeat(np.arange(self.rows, dtype=np.int64), np.diff(self.indptr))
        keys, where = np.unique(rows * max(len(words), 1) + mapping[np.asarray(self.terms)],
                                return_inverse=True)
        tf = np.bincount(where, weights=np.asarray(self.tf), minlength=len(keys)).astype(np.int32)
        new_rows = keys // max(len(words), 1)
        indptr = np.searchsorted(new_rows, np.arange(self.rows + 1)).astype(np.int64)
        return TermCounts(indptr, (keys % max(len(words), 1)).astype(np.int32), tf,
                          np.asarray(self.lengths), list(words))


@dataclass(frozen=True)
class Postings:
    """BM25 weights by term: term t has rows ``rows[indptr[t]:indptr[t+1]]`` with ``weights``."""

    indptr: np.ndarray  # int64, terms + 1
    rows: np.ndarray  # int32
    weights: np.ndarray  # float32
    vocab: dict[str, int]

    @classmethod
    def of(cls, counts: TermCounts, k1: float, b: float) -> Postings:
        """Lucene BM25: ``idf = ln(1 + (N − df + ½)/(df + ½))``, ``tf / (tf + k1·(1 − b + b·len/avg))``."""
        rows = np.repeat(np.arange(counts.rows, dtype=np.int32), np.diff(counts.indptr))
        terms = np.asarray(counts.terms)
        df = np.bincount(terms, minlength=len(counts.vocab))
        n = counts.rows
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(counts.lengths, dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        tf = np.asarray(counts.tf, dtype=np.float32)
        weights = idf[terms] * (tf / (k1 * ((1 - b) + b * lengths[rows] / avg) + tf))
        order = np.argsort(terms, kind="stable")  # term-major; rows stay ascending
        indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        return cls(indptr, rows[order], weights[order].astype(np.float32),
                   {w: i for i, w in enumerate(counts.vocab)})

    def scores(self, tokens: Sequence[str], n: int) -> np.ndarray:
        """Sum of the weights of ``tokens`` (a repeated token counts again) per row."""
        out = np.zeros(n, dtype=np.float32)
        for token in tokens:
            t = self.vocab[token]
            start, end = int(self.indptr[t]), int(self.indptr[t + 1])
            out[self.rows[start:end]] += self.weights[start:end]  # a term's rows are distinct
        return out


_ARRAYS = ("indptr", "terms", "tf", "lengths")
_POSTINGS = ("indptr", "rows", "weights")


class LexicalIndex:
    """BM25 over a fixed list of chunks, answering with chunk ids.

    >>> chunks = [Chunk(f"d:{i}", "d", "cv.docx", "Công văn 612/SCT-QLCN", str(i), f"Mục {i}", (), t)
    ...           for i, t in enumerate(["Sở Công Thương chủ trì kiểm tra.",
    ...                                  "Sở Tư pháp thẩm định hồ sơ."], start=1)]
    >>> [(cid, round(score, 2)) for cid, score in LexicalIndex.build(chunks).search("Ai thẩm định?", k=3)]
    [('d:2', 0.63)]
    """

    def __init__(self, ids: Sequence[str], counts: TermCounts, config: LexicalConfig,
                 postings: tuple[Postings, Postings] | None = None, fingerprint_: str = "") -> None:
        """``postings`` (main, folded) and ``fingerprint_`` as saved with these counts, when
        loading (then nothing is recomputed); else computed from ``counts``."""
        self.ids = list(ids)
        self.config = config
        self.counts = counts
        self.fingerprint = fingerprint_ or fingerprint(self.ids)
        if postings is None:
            postings = (Postings.of(counts, config.k1, config.b),
                        Postings.of(counts.folded(), config.k1, config.b))
        self._main, self._folded = postings
        self._position = {cid: i for i, cid in enumerate(self.ids)}

    @property
    def position(self) -> dict[str, int]:
        """Row of each chunk id (shared, do not change)."""
        return self._position

    def __len__(self) -> int:
        return len(self.ids)

    def _tokens(self, chunks: Iterable[Chunk]) -> Iterable[list[str]]:
        return (tokenize(lexical_text(c, self.config.fields), self.config.scheme) for c in chunks)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], config: LexicalConfig | None = None) -> LexicalIndex:
        config = config or LexicalConfig()
        tokens = (tokenize(lexical_text(c, config.fields), config.scheme) for c in chunks)
        return cls([c.id for c in chunks], TermCounts.count(tokens), config)

    def update(self, keep: Sequence[str], added: Sequence[Chunk]) -> LexicalIndex:
        """The index over the chunks ``keep`` (ids of this index, in that order) then ``added``:
        only the added chunks are tokenized; BM25 statistics are recomputed over all."""
        rows = np.asarray([self._position[i] for i in keep], dtype=np.int64)
        counts = TermCounts.count(self._tokens(added), base=self.counts, keep=rows)
        return LexicalIndex([*keep, *(c.id for c in added)], counts, self.config)

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
        postings = self._folded if use_folded else self._main
        return postings.scores([t for t in tokens if t and t in postings.vocab], len(self.ids))

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
        """Write the term counts (``.npy``) and ``lexical.json`` (ids, vocabulary, config,
        fingerprint); the metadata last, so a half-written index is never read as whole."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / META_FILE).unlink(missing_ok=True)
        for name in _ARRAYS:
            np.save(path / f"{name}.npy", np.asarray(getattr(self.counts, name)))
        for prefix, postings in (("main", self._main), ("folded", self._folded)):
            for name in _POSTINGS:
                np.save(path / f"{prefix}_{name}.npy", np.asarray(getattr(postings, name)))
        meta = {"version": FORMAT_VERSION, "config": asdict(self.config), "fingerprint": self.fingerprint,
                "ids": self.ids, "vocab": self.counts.vocab,
                "sizes": [int(np.asarray(getattr(self.counts, n)).size) for n in _ARRAYS],
                "folded_vocab": list(self._folded.vocab),
                "postings": [int(np.asarray(getattr(p, n)).size)
                             for p in (self._main, self._folded) for n in _POSTINGS]}
        (path / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> LexicalIndex:
        """Read an index written by ``save`` (arrays memory-mapped); ``StoreError`` when missing,
        of another format or inconsistent (the caller rebuilds it)."""
        path = Path(directory)
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
            if meta.get("version") != FORMAT_VERSION:
                raise ValueError(f"định dạng {meta.get('version')}, cần {FORMAT_VERSION}")
            config = LexicalConfig(**meta["config"])
            arrays = [np.load(path / f"{n}.npy", mmap_mode="r") for n in _ARRAYS]
            counts = TermCounts(arrays[0], arrays[1], arrays[2], arrays[3], list(meta["vocab"]))
            _check(counts, meta, len(meta["ids"]))
            postings = _saved_postings(path, meta, counts) if "postings" in meta else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{path}: không đọc được chỉ mục BM25 ({type(exc).__name__}: {exc}) — "
                "chạy lại 'vanban ingest' để dựng lại chỉ mục."
            ) from exc
        return cls(meta["ids"], counts, config, postings, str(meta.get("fingerprint") or ""))

    @staticmethod
    def saved_fingerprint(directory: str | Path) -> str | None:
        """Fingerprint of the index saved in ``directory``, or None if there is none."""
        try:
            meta = json.loads((Path(directory) / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        value = meta.get("fingerprint")
        return value if isinstance(value, str) and meta.get("version") == FORMAT_VERSION else None


def _check(counts: TermCounts, meta: dict[str, object], rows: int) -> None:
    """Refuse arrays that do not fit together (a truncated or mixed-up save)."""
    sizes = [int(np.asarray(getattr(counts, n)).size) for n in _ARRAYS]
    if sizes != meta.get("sizes") or counts.rows != rows or len(counts.indptr) != rows + 1:
        raise ValueError(f"mảng không khớp: {sizes} ≠ {meta.get('sizes')}, {rows} điều khoản")
    if rows and (int(counts.indptr[-1]) != counts.terms.size
                 or (counts.terms.size and int(counts.terms.max()) >= len(counts.vocab))):
        raise ValueError("mảng chỉ mục hỏng")


def _saved_postings(path: Path, meta: dict[str, object], counts: TermCounts) -> tuple[Postings, Postings]:
    """The main and folded postings saved beside ``counts`` (memory-mapped), checked to fit
    them: one slice per term, every posting inside, the sizes ``save`` recorded."""
    vocabs = (counts.vocab, meta["folded_vocab"])
    found = []
    for prefix, vocab in zip(("main", "folded"), vocabs, strict=True):
        if not isinstance(vocab, list):
            raise ValueError(f"{prefix}: thiếu từ vựng")
        indptr, rows, weights = (np.load(path / f"{prefix}_{n}.npy", mmap_mode="r") for n in _POSTINGS)
        if (indptr.dtype != np.int64 or rows.dtype != np.int32 or weights.dtype != np.float32
                or len(indptr) != len(vocab) + 1 or rows.size != weights.size
                or int(indptr[-1]) != rows.size
                or (prefix == "main" and rows.size != counts.terms.size)):
            raise ValueError(f"{prefix}: mảng BM25 không khớp")
        found.append(Postings(indptr, rows, weights, {w: i for i, w in enumerate(vocab)}))
    sizes = [int(getattr(p, n).size) for p in found for n in _POSTINGS]
    if sizes != meta["postings"]:
        raise ValueError(f"mảng BM25: {sizes} ≠ {meta['postings']}")
    return found[0], found[1]


__all__ = ["LexicalConfig", "LexicalIndex", "Postings", "TermCounts", "fingerprint", "lexical_text"]
