"""The service's caches (query vectors, in-memory dense search, registry TTL) never hide a change.

Real sample documents (``corpus/``) through the real parser, with the fake
embedder so no model is loaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import vanban.service as service_module
from index.chunks import SearchFilters
from index.embedders import CachedQueries, FakeEmbedder, embed_chunks
from index.search import matrix_dense_fn
from vanban.answer.types import Answer
from vanban.service import Vanban
from vanban.settings import load_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CONG_VAN = CORPUS / "cong-van-612-SCT-QLCN.docx"
KE_HOACH = CORPUS / "ke-hoach-45-KH-UBND.docx"
FIRE = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
FIRE_ANSWER = "Công an tỉnh chủ trì, phối hợp với Sở Công Thương; hạn trước ngày 15/12/2026, hằng năm [1]."


def _cited(answer: Answer) -> list[tuple[str, str]]:
    return [(c.file, c.clause) for c in answer.citations]


def _service(db: Path) -> Vanban:
    return Vanban(load_config(environ={}, db=str(db)), FakeEmbedder())


def test_ingest_and_remove_in_this_process_are_seen_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A TTL far longer than the test: only our own writes can make the change visible.
    monkeypatch.setattr(service_module, "REGISTRY_TTL_S", 3600.0)
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN])
    before = vb.ask(FIRE, k=2)
    assert {f for f, _ in _cited(before)} == {"cong-van-612-SCT-QLCN.docx"}
    vb.ingest([KE_HOACH])
    after = vb.ask(FIRE, k=2)
    assert after.text == FIRE_ANSWER
    assert _cited(after) == [("ke-hoach-45-KH-UBND.docx", "II.2.2.a"),
                             ("ke-hoach-45-KH-UBND.docx", "II.2.2.b")]
    assert {a["file"] for a in vb.tasks("Công an tỉnh")} == {
        "cong-van-612-SCT-QLCN.docx", "ke-hoach-45-KH-UBND.docx"}
    assert vb.remove("ke-hoach-45-KH-UBND.docx") == 36
    assert vb.ask(FIRE, k=2) == before
    # the responsibilities follow too
    assert {a["file"] for a in vb.tasks("Công an tỉnh")} == {"cong-van-612-SCT-QLCN.docx"}


def test_another_writer_is_seen_once_the_ttl_has_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "REGISTRY_TTL_S", 3600.0)
    reader, writer = _service(tmp_path / "db"), _service(tmp_path / "db")
    writer.ingest([CONG_VAN])
    assert {f for f, _ in _cited(reader.ask(FIRE, k=2))} == {"cong-van-612-SCT-QLCN.docx"}
    writer.ingest([KE_HOACH])
    # within the TTL the reader may still answer from what it last saw …
    assert {f for f, _ in _cited(reader.ask(FIRE, k=2))} == {"cong-van-612-SCT-QLCN.docx"}
    monkeypatch.setattr(service_module, "REGISTRY_TTL_S", 0.0)
    # … once it has passed, the next question starts the new snapshot beside the old one
    # and is answered from the old one, never waiting for the rebuild …
    assert {f for f, _ in _cited(reader.ask(FIRE, k=2))} == {"cong-van-612-SCT-QLCN.docx"}
    reader.settle()
    # … and once it is swapped in, questions see the other writer's document
    assert reader.ask(FIRE, k=2).text == FIRE_ANSWER


def test_in_memory_dense_search_ranks_the_stored_vectors_exactly(tmp_path: Path) -> None:
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN, KE_HOACH])
    chunks, vectors = vb.store.chunk_vectors()
    assert [c.id for c in chunks] == [c.id for c in vb.store.chunks()]
    assert vectors.shape == (len(chunks), FakeEmbedder().dim) and len(chunks) == 44
    np.testing.assert_allclose(vectors, embed_chunks(FakeEmbedder(), chunks), atol=1e-6)
    dense = matrix_dense_fn(chunks, vectors)
    query = FakeEmbedder().embed_query(FIRE)
    only_cv = SearchFilters(files=("cong-van-612-SCT-QLCN.docx",))
    for filters in (None, only_cv):
        exact = sorted(((float(v @ query), c.id) for c, v in zip(chunks, vectors, strict=True)
                        if filters is None or filters.accepts(c)), key=lambda t: -t[0])[:10]
        mine = dense(query, 10, filters)
        assert [c.id for c, _ in mine] == [cid for _, cid in exact]
        np.testing.assert_allclose([s for _, s in mine], [s for s, _ in exact], atol=1e-5)
    assert {c.file for c, _ in dense(query, 50, only_cv)} == {"cong-van-612-SCT-QLCN.docx"}
    assert len(dense(query, 50, only_cv)) == 8


class _Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return super().embed_query(text)


def test_query_vectors_are_embedded_once_and_evicted_oldest_first() -> None:
    inner = _Counting()
    cached = CachedQueries(inner, size=2)
    first = cached.embed_query("Ai chủ trì?")
    assert cached.embed_query("Ai chủ trì?") is first and not first.flags.writeable
    np.testing.assert_array_equal(first, FakeEmbedder().embed_query("Ai chủ trì?"))
    cached.embed_query("Hạn khi nào?")
    cached.embed_query("Sở nào phối hợp?")  # evicts "Ai chủ trì?"
    cached.embed_query("Hạn khi nào?")
    cached.embed_query("Ai chủ trì?")
    assert inner.queries == ["Ai chủ trì?", "Hạn khi nào?", "Sở nào phối hợp?", "Ai chủ trì?"]


def test_an_answer_embeds_its_question_once(tmp_path: Path) -> None:
    inner = _Counting()
    vb = Vanban(load_config(environ={}, db=str(tmp_path / "db")), inner)
    vb.ingest([CONG_VAN, KE_HOACH])
    # "Theo Kế hoạch 45" makes the answer search again within that document
    question = "Theo Kế hoạch 45, ai chủ trì kiểm tra an toàn phòng cháy?"
    vb.ask(question)
    vb.ask(question)
    assert len(inner.queries) == 1


def test_warm_up_builds_the_search_cache_only_when_there_is_something_to_search(
    tmp_path: Path,
) -> None:
    vb = _service(tmp_path / "db")
    assert vb.warm_up() is False and vb._snapshot is None
    vb.ingest([CONG_VAN])
    assert vb.warm_up() is True and vb._snapshot is not None


def test_syllable_statistics_are_counted_once_per_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions typed without diacritics restore them from the chunks' syllable statistics:
    counted on the first such question of a snapshot, not on every one (100k clauses: ~25 s)."""
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN])
    counts: list[int] = []
    real = service_module.Accents.from_texts

    def counting(texts: object) -> object:
        counts.append(1)
        return real(texts)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module.Accents, "from_texts", counting)
    first = vb.search("ai chu tri kiem tra phong chay chua chay")
    assert vb.search("ai chu tri kiem tra phong chay chua chay") == first
    vb.search("bao cao ket qua kiem tra")
    assert len(counts) == 1
    vb.ingest([KE_HOACH])  # a new snapshot counts its own
    expected = vb.search("ai chu tri kiem tra phong chay chua chay")
    assert len(counts) == 2
    again = _service(tmp_path / "db")  # a new process: kept beside the saved snapshot, read back
    assert again.search("ai chu tri kiem tra phong chay chua chay") == expected
    assert len(counts) == 2
    assert again.snapshot().accents() == vb.snapshot().accents()
