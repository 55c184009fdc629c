"""Hybrid retrieval: BM25 and dense candidates fused into one ranking.

Default (``DEFAULT_FUSION``, method ``score``), per candidate in either top ``depth``::

    score = w_bm25 · bm25 / max(bm25) + w_dense · (cos − min cos) / (max cos − min cos)

or weighted reciprocal rank fusion (``method="rrf"``)::

    score = w_bm25 / (k0 + bm25_rank) + w_dense / (k0 + dense_rank)

A ranker that did not return the chunk adds nothing. On the dev set the
normalized-score sum beat RRF slightly and both beat either ranker alone
(numbers at ``DEFAULT_FUSION``). The dense cosine of the hits is kept as the relevance
signal for "không tìm thấy" (``is_relevant``).

The store provides dense search as a plain callable ``dense_fn(query_vec, k,
filters) -> [(Chunk, cosine)]``, so this module needs no Chroma.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from index.accents import Accents
from index.chunkfile import ChunkFile, ChunkMap, accepted
from index.chunks import Chunk, SearchFilters
from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.textproc import drop_stopwords, fold, is_unaccented, spell_out, syllables

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
DenseFn = Callable[[np.ndarray, int, SearchFilters | None], list[tuple[Chunk, float]]]


@dataclass(frozen=True)
class Fusion:
    """How two rankings become one; ``DEFAULT_FUSION`` is the setting tuned on the dev set.

    ``method="rrf"``: weighted reciprocal rank fusion with constant ``k0``.
    ``method="score"``: weighted sum of scores normalized within each list
    (BM25 / its max; cosine min-max over the candidates); ``k0`` is unused.
    """

    k0: float = 60.0
    bm25: float = 1.0
    dense: float = 1.0
    depth: int = 50  # candidates taken from each ranker before fusing
    method: Literal["rrf", "score"] = "rrf"


# Tuned on 82 dev questions (evals/retrieval_eval.py --tune): score fusion with the
# dense weight anywhere in 0.25–0.5 at depth 100 beats BM25 and dense alone on
# R@1, R@5 and MRR; 0.35 is the middle of that plateau. BM25 leads because the
# questions name documents and agencies; dense rescues paraphrases. (The class
# defaults above are plain RRF, the textbook setting, kept for comparisons.)
DEFAULT_FUSION = Fusion(k0=30.0, bm25=1.0, dense=0.35, depth=100, method="score")


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk. ``score`` is the fused score (hybrid), BM25 score or cosine.

    Ranks are 1-based positions in each ranker's list, None when that ranker
    did not return the chunk; ``cosine`` is the dense similarity when known.
    """

    chunk: Chunk
    score: float
    bm25_rank: int | None
    dense_rank: int | None
    cosine: float | None = None
    bm25_score: float | None = None


def rrf(rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float], k0: float) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of ranked id lists, best first.

    Ties are broken by the best single rank, then by id, so output is stable.

    >>> rrf({"bm25": ["a", "b"], "dense": ["b", "c"]}, {"bm25": 1.0, "dense": 1.0}, k0=60)[0][0]
    'b'
    """
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for name, ids in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k0 + rank)
            best[cid] = min(best.get(cid, rank), rank)
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], item[0]))


def lexical_norm(ranked: Sequence[tuple[Chunk, float]]) -> dict[str, float]:
    """BM25 scores divided by the best one: 1.0 for the top, comparable across queries."""
    top = max((s for _, s in ranked), default=0.0)
    return {c.id: s / top for c, s in ranked} if top > 0 else {}


def minmax(ranked: Sequence[tuple[Chunk, float]]) -> dict[str, float]:
    """Cosines rescaled to [0, 1] over the candidate list (e5 cosines sit in a narrow band)."""
    if not ranked:
        return {}
    lo, hi = min(s for _, s in ranked), max(s for _, s in ranked)
    return {c.id: (s - lo) / (hi - lo) if hi > lo else 1.0 for c, s in ranked}


def score_fusion(scores: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]) -> list[tuple[str, float]]:
    """Weighted sum of normalized scores, best first (ties by id)."""
    total: dict[str, float] = {}
    for name, by_id in scores.items():
        for cid, value in by_id.items():
            total[cid] = total.get(cid, 0.0) + weights.get(name, 1.0) * value
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))


def _allowed(chunks_by_id: Mapping[str, Chunk], filters: SearchFilters | None) -> set[str] | None:
    if filters is None or filters.empty:
        return None
    if isinstance(chunks_by_id, ChunkMap):  # decided per document, no chunk decoded twice
        ids = chunks_by_id.rows.ids
        return {ids[int(i)] for i in np.flatnonzero(chunks_by_id.rows.mask(filters))}
    return {cid for cid, chunk in chunks_by_id.items() if filters.accepts(chunk)}


def _dense(dense_fn: DenseFn, query_vec: np.ndarray, depth: int, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
    found = dense_fn(query_vec, depth, filters)
    # Re-check filters here: a store may apply only part of them (e.g. issuer substrings).
    return [(c, s) for c, s in found if filters is None or filters.accepts(c)]


@dataclass
class Searcher:
    """Everything a search needs, wired once: chunks, BM25, dense search, embedder.

    Either ranker may be missing (``lexical=None`` or ``dense_fn=None``);
    hybrid then falls back to the one that is there.
    """

    chunks_by_id: Mapping[str, Chunk]
    lexical: LexicalIndex | None
    dense_fn: DenseFn | None
    embedder: Embedder | None
    fusion: Fusion = DEFAULT_FUSION
    expand_queries: bool = True  # embed "Quyết định … Bộ Xây dựng" rather than "QĐ … Bộ XD"
    # where the chunks' syllable statistics come from when they outlive this searcher
    # (``Vanban`` keeps them with its snapshot: at 100k clauses they take tens of seconds)
    accents_of: Callable[[], Accents] | None = field(default=None, repr=False, compare=False)
    _accents: Accents | None = field(default=None, init=False, repr=False, compare=False)

    def accents(self) -> Accents:
        """The chunks' syllable statistics, counted on the first unaccented question."""
        if self._accents is None:
            self._accents = (self.accents_of() if self.accents_of is not None
                             else Accents.from_texts(c.text for c in self.chunks_by_id.values()))
        return self._accents

    def dense_query(self, query: str) -> str:
        """What the embedder reads: diacritics restored when typed without, abbreviations spelled out.

        The model cannot read ``ai chu tri`` (dev set MRR@10 0.05; restored 0.54).
        """
        text = self.accents().restore(query) if is_unaccented(query) else query
        return spell_out(text) if self.expand_queries else text

    def bm25_candidates(self, query: str, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
        """BM25's top ``fusion.depth`` chunks with their scores, within ``filters``."""
        if self.lexical is None:
            return []
        # Restored diacritics beat the folded index on the dev set typed without them (BM25
        # MRR@10 0.744 against 0.675): "chu" is "chủ" here, not any of chú, chữ, chu.
        text = self.accents().restore(query) if is_unaccented(query) else query
        found = self.lexical.search(text, self.fusion.depth, _allowed(self.chunks_by_id, filters))
        return [(self.chunks_by_id[cid], s) for cid, s in found if cid in self.chunks_by_id]

    def dense_candidates(self, query: str, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
        """The dense ranker's top ``fusion.depth`` chunks with their cosines, within ``filters``."""
        if self.dense_fn is None or self.embedder is None:
            return []
        text = self.dense_query(query)
        return _dense(self.dense_fn, self.embedder.embed_query(text), self.fusion.depth, filters)

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        """The ``k`` best chunks for ``query`` under ``filters``.

        >>> chunks = [Chunk(f"d:{i}", "d", "cv.docx", "Công văn 1/UBND", str(i), f"Mục {i}", (), t)
        ...           for i, t in enumerate(["Sở Công Thương chủ trì kiểm tra.",
        ...                                  "Sở Tư pháp chủ trì thẩm định hồ sơ."], start=1)]
        >>> searcher = Searcher({c.id: c for c in chunks}, LexicalIndex.build(chunks), None, None)
        >>> [(h.chunk.path, h.bm25_rank, h.dense_rank) for h in searcher.search("Ai thẩm định hồ sơ?")]
        [('2', 1, None)]
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {MODES}")
        lexical = self.bm25_candidates(query, filters) if mode != "dense" else []
        dense = self.dense_candidates(query, filters) if mode != "bm25" else []
        return fuse(lexical, dense, self.fusion, k)


def fuse(lexical: Sequence[tuple[Chunk, float]], dense: Sequence[tuple[Chunk, float]], fusion: Fusion, k: int) -> list[Hit]:
    """Hits from two ranked lists (either may be empty), fused as ``fusion`` says."""
    by_id = {c.id: c for c, _ in [*lexical, *dense]}
    bm25_rank = {c.id: r for r, (c, _) in enumerate(lexical, start=1)}
    bm25_score = {c.id: s for c, s in lexical}
    dense_rank = {c.id: r for r, (c, _) in enumerate(dense, start=1)}
    cosine = {c.id: s for c, s in dense}
    if fusion.method == "score":
        fused = score_fusion({"bm25": lexical_norm(lexical), "dense": minmax(dense)},
                             {"bm25": fusion.bm25, "dense": fusion.dense})
    else:
        fused = rrf({"bm25": [c.id for c, _ in lexical], "dense": [c.id for c, _ in dense]},
                    {"bm25": fusion.bm25, "dense": fusion.dense}, fusion.k0)
    single = not lexical or not dense  # one ranker: report its own score, not RRF
    hits = []
    for cid, score in fused[:k]:
        if single:
            score = cosine[cid] if dense else bm25_score[cid]
        hits.append(Hit(by_id[cid], float(score), bm25_rank.get(cid), dense_rank.get(cid),
                        cosine.get(cid), bm25_score.get(cid)))
    return hits


def relevance(hits: Sequence[Hit]) -> float | None:
    """How well the best hit matches: the highest dense cosine among hits (None if unknown)."""
    cosines = [h.cosine for h in hits if h.cosine is not None]
    return max(cosines) if cosines else None


MIN_COVERAGE = 0.6  # share of the question's content syllables a hit must contain …
MIN_CONTENT = 3  # a question with fewer content syllables ("Ai chủ trì?") vouches for nothing


def query_coverage(query: str, chunk: Chunk) -> float:
    """Share of the question's content syllables found in the chunk (heading and name included).

    >>> c = Chunk("d:1", "d", "a.txt", "Công văn 1/UBND", "1", "Mục 1", (), "Sở Công Thương chủ trì kiểm tra")
    >>> query_coverage("Ai chủ trì kiểm tra?", c), query_coverage("Công thức nấu phở bò?", c)
    (1.0, 0.2)
    """
    wanted = set(drop_stopwords(syllables(query)))
    have = set(syllables(" ".join((chunk.document, *chunk.heading, chunk.text))))
    if is_unaccented(query):  # "kiem tra" is in a clause that says "kiểm tra"
        wanted, have = {fold(w) for w in wanted}, {fold(h) for h in have}
    return len(wanted & have) / len(wanted) if len(wanted) >= MIN_CONTENT else 0.0


def is_relevant(hits: Sequence[Hit], min_score: float = 0.0, query: str | None = None) -> bool:
    """False when there is nothing to cite: no hits, or a weak best cosine and little word overlap.

    A best dense cosine at or above ``min_score`` is enough; below it, a hit that
    contains most of the ``query``'s content syllables still counts, and so must
    hits that only BM25 found (no cosine) when the question is known.
    """
    if not hits:
        return False
    best = relevance(hits)
    if best is not None and best >= min_score:
        return True
    if query is None:
        return best is None
    # No hit close enough in meaning (or only BM25 found them): most of the question's
    # words must be there. Off-topic questions reach the top through one shared word.
    return max(query_coverage(query, h.chunk) for h in hits) >= MIN_COVERAGE


def numpy_dense_fn(chunks: Sequence[Chunk], vectors: np.ndarray) -> DenseFn:
    """In-memory exact dense search over ``vectors`` (row i ↔ ``chunks[i]``); for evals and tests."""
    matrix = np.asarray(vectors, dtype=np.float32)

    def dense_fn(query_vec: np.ndarray, k: int, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
        sims = matrix @ np.asarray(query_vec, dtype=np.float32) if len(chunks) else np.zeros(0)
        keep = [i for i in np.argsort(-sims, kind="stable") if filters is None or filters.accepts(chunks[i])]
        return [(chunks[i], float(sims[i])) for i in keep[:k]]

    return dense_fn


def matrix_dense_fn(chunks: Sequence[Chunk], vectors: np.ndarray) -> DenseFn:
    """In-memory exact dense search over the stored vectors (row i ↔ ``chunks[i]``).

    What ``Vanban`` searches with: the chunks are cached for BM25 anyway, and one
    matrix product over them costs far less than a Chroma query per question
    (82 clauses: ~10 µs against ~10 ms). Cosine = dot product, the vectors being
    L2-normalized. Ties keep storage order.
    """
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    items: Sequence[Chunk] = chunks if isinstance(chunks, ChunkFile) else list(chunks)  # a file: read lazily

    def dense_fn(query_vec: np.ndarray, k: int, filters: SearchFilters | None) -> list[tuple[Chunk, float]]:
        if not items or k <= 0:
            return []
        # einsum, not ``matrix @ q``: BLAS would spread this small product over threads,
        # which on 2 busy cores costs 10× more (10k clauses: ~0.6 ms against ~8 ms).
        sims = np.einsum("ij,j->i", matrix, np.asarray(query_vec, dtype=np.float32).reshape(-1))
        if filters is not None and not filters.empty:
            sims = np.where(accepted(items, filters), sims, -np.inf)
        n = min(k, len(items))
        top = np.argpartition(-sims, n - 1)[:n] if n < len(items) else np.arange(len(items))
        order = top[np.lexsort((top, -sims[top]))]  # best first, then storage order
        return [(items[i], float(sims[i])) for i in order if np.isfinite(sims[i])]

    return dense_fn
