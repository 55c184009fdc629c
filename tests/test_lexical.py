"""Tokenization and the BM25 index, on real clauses of Chỉ thị 13/CT-TTg."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from index.chunks import Chunk
from index.errors import StoreError
from index.lexical import LexicalConfig, LexicalIndex, fingerprint, lexical_text
from index.textproc import (
    drop_stopwords,
    fold,
    is_unaccented,
    spell_out,
    syllables,
    tokenize,
    with_expansions,
)
from tests.conftest import shared_file

_TOP = re.compile(r"^(\d+)\. (.+)$")
_ITEM = re.compile(r"^([a-zđ])\) (.+)$")


def ct13_chunks() -> list[Chunk]:
    """Clauses of 29_CT_13-CT-TTg cut by hand (``2.b`` under ``2. Bộ Tài nguyên…:``).

    Built here with two regexes so these tests do not depend on the parser.
    """
    path: Path = shared_file("29_")
    chunks: list[Chunk] = []
    parent: tuple[str, str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if (top := _TOP.match(line)) and not line.startswith("|"):
            parent = (top.group(1), line)
            if not line.endswith(":"):
                chunks.append(_chunk(path.name, top.group(1), (), line))
        elif (item := _ITEM.match(line)) and parent:
            chunks.append(
                _chunk(path.name, f"{parent[0]}.{item.group(1)}", (parent[1],), item.group(2))
            )
    return chunks


def _chunk(file: str, path: str, heading: tuple[str, ...], text: str) -> Chunk:
    return Chunk(
        id=f"ct13:{path}",
        doc_id="ct13",
        file=file,
        document="Chỉ thị 13/CT-TTg",
        path=path,
        label=path,
        heading=heading,
        text=text,
        doc_type="Chỉ thị",
        issuer="Thủ tướng Chính phủ",
        number="13/CT-TTg",
        date="2024-05-02",
    )


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return ct13_chunks()


@pytest.fixture(scope="module")
def index(chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build(chunks)


def test_syllables_keep_dates_and_clause_numbers() -> None:
    # Whole number tokens first, then their parts: "Nghị định 180" must match "180/2026/NĐ-CP".
    assert syllables("Trình Chính phủ trước ngày 30/7/2024 (mục 1.1; 06/2022/NĐ-CP).") == [
        "trình", "chính", "phủ", "trước", "ngày", "30/7/2024", "30", "7", "2024",
        "mục", "1.1", "1", "1", "06/2022", "06", "2022", "nđ", "cp",
    ]  # fmt: skip
    assert syllables("Uỷ ban; thuỷ lợi") == syllables("Ủy ban; thủy lợi") == ["ủy", "ban", "thủy", "lợi"]


def test_abbreviations_are_spelled_out_for_queries() -> None:
    assert spell_out("QĐ 1074 của Bộ XD về PCCC") == "Quyết định 1074 của Bộ Xây dựng về phòng cháy chữa cháy"
    assert spell_out("Chỉ thị 13/CT-TTg, Nghị định 06/2022/NĐ-CP") == "Chỉ thị 13/CT-TTg, Nghị định 06/2022/NĐ-CP"
    assert with_expansions("Bộ TN&MT và Bộ TC") == "Bộ TN&MT và Bộ TC Tài nguyên và Môi trường Tài chính"
    assert with_expansions("Sở Công Thương") == "Sở Công Thương"


def test_syllables_of_decomposed_text_equal_composed() -> None:
    text = "Bộ Tài nguyên và Môi trường chủ trì"
    assert syllables(unicodedata.normalize("NFD", text)) == syllables(text)
    assert syllables("chủ_trì xây_dựng") == ["chủ", "trì", "xây", "dựng"]


def test_query_stopwords_and_folding() -> None:
    assert drop_stopwords(syllables("Ai chủ trì xây dựng nghị định khi nào phải xong?")) == [
        "chủ",
        "trì",
        "xây",
        "dựng",
        "nghị",
        "định",
        "xong",
    ]
    assert drop_stopwords(["chủ_trì", "khi_nào"]) == ["chủ_trì"]
    assert fold("Đồng Nai, Bộ Tài nguyên") == "Dong Nai, Bo Tai nguyen"
    assert is_unaccented("bo tai nguyen chu tri") and not is_unaccented("Bộ chủ trì")
    assert not is_unaccented("30/7/2024")


def test_compounds_add_underthesea_words() -> None:
    assert tokenize("Sở Công Thương chủ trì", "compounds") == [
        "sở",
        "công",
        "thương",
        "chủ",
        "trì",
        "công_thương",
        "chủ_trì",
    ]
    assert tokenize("Sở Công Thương chủ trì", "words") == ["sở", "công_thương", "chủ_trì"]


def test_fixture_cuts_the_directive_into_its_clauses(chunks: list[Chunk]) -> None:
    assert [c.path for c in chunks] == [
        "1.a",
        "1.b",
        "1.c",
        "2.a",
        "2.b",
        "3.a",
        "3.b",
        "4",
        "5",
        "6",
        "7.a",
        "7.b",
        "7.c",
        "8",
    ]
    assert lexical_text(chunks[4], "heading").startswith("2. Bộ Tài nguyên và Môi trường:\nChủ trì")
    assert lexical_text(chunks[4]).startswith("Chỉ thị 13/CT-TTg \n2. Bộ Tài nguyên")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ai xây dựng Nghị định sửa đổi Nghị định 06/2022/NĐ-CP?", "ct13:2.b"),
        ("Chứng chỉ năng lượng tái tạo REC do ai rà soát?", "ct13:4"),
        ("Cơ sở dữ liệu hấp thụ các-bon từ rừng", "ct13:3.a"),
        ("hoan thien de an phat trien thi truong cac-bon", "ct13:5"),  # typed without accents
    ],
)
def test_search_finds_the_clause(index: LexicalIndex, query: str, expected: str) -> None:
    assert index.search(query, k=3)[0][0] == expected


def test_search_is_sorted_and_bounded(index: LexicalIndex) -> None:
    found = index.search("tín chỉ các-bon", k=5)
    assert len(found) == 5
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_allowed_ids_restrict_results(index: LexicalIndex) -> None:
    allowed = {"ct13:7.a", "ct13:7.b", "ct13:7.c"}
    found = index.search("xây dựng Nghị định sửa đổi tín chỉ các-bon", k=10, allowed_ids=allowed)
    assert found and {cid for cid, _ in found} <= allowed
    assert index.search("tín chỉ", k=5, allowed_ids=set()) == []


def test_unknown_words_and_empty_index_return_nothing(index: LexicalIndex) -> None:
    assert index.search("phở bò tươi ngon", k=5) == []
    empty = LexicalIndex.build([])
    assert len(empty) == 0 and empty.search("tín chỉ", k=5) == []


def test_save_load_round_trip(index: LexicalIndex, chunks: list[Chunk], tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    query = "đầu mối tổng hợp thông tin dự án tín chỉ các-bon trên địa bàn"
    assert loaded.search(query, k=5) == index.search(query, k=5)
    assert loaded.search("thi truong cac-bon tu nguyen", k=3) == index.search(
        "thi truong cac-bon tu nguyen", k=3
    )
    assert loaded.fingerprint == index.fingerprint == fingerprint(c.id for c in reversed(chunks))
    assert LexicalIndex.saved_fingerprint(tmp_path / "bm25") == index.fingerprint
    assert loaded.config == LexicalConfig()


def test_fingerprint_changes_with_chunks(chunks: list[Chunk]) -> None:
    assert fingerprint(c.id for c in chunks) != fingerprint(c.id for c in chunks[1:])


def test_load_missing_index_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="vanban ingest"):
        LexicalIndex.load(tmp_path / "nothing")
    assert LexicalIndex.saved_fingerprint(tmp_path / "nothing") is None


def test_empty_index_round_trip(tmp_path: Path) -> None:
    LexicalIndex.build([], LexicalConfig(scheme="compounds")).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert len(loaded) == 0 and loaded.config.scheme == "compounds"


def test_query_abbreviations_reach_spelled_out_clauses(chunks: list[Chunk]) -> None:
    query = "Việc của Bộ NN&PTNT về tín chỉ các-bon rừng"
    plain = LexicalIndex.build(chunks, LexicalConfig(expand=False))
    expanded = LexicalIndex.build(chunks)
    assert "nông" not in plain.query_tokens(query)[0]
    assert {"nông", "nghiệp", "phát", "triển", "thôn"} <= set(expanded.query_tokens(query)[0])
    assert expanded.search(query, k=2)[0][0] in {"ct13:3.a", "ct13:3.b"}


def _bm25s_scores(chunks: list[Chunk], query: str) -> np.ndarray:
    """The scores of the ``bm25s`` package (the previous implementation) for ``query``."""
    import bm25s

    config = LexicalConfig()
    tokens = [tokenize(lexical_text(c, config.fields), config.scheme) for c in chunks]
    folded = is_unaccented(query)
    model = bm25s.BM25(k1=config.k1, b=config.b)
    model.index([[fold(t) for t in toks] if folded else toks for toks in tokens], show_progress=False)
    wanted, _ = LexicalIndex.build(chunks).query_tokens(query)
    known = [t for t in wanted if t and t in model.vocab_dict]
    return np.asarray(model.get_scores(known), dtype=np.float32) if known else np.zeros(len(chunks))


@pytest.mark.parametrize("query", ["Ai chủ trì xây dựng thị trường các-bon trong nước?",
                                   "thi truong cac-bon tu nguyen", "Bộ NN&PTNT tín chỉ rừng"])
def test_compact_bm25_scores_equal_bm25s(chunks: list[Chunk], index: LexicalIndex, query: str) -> None:
    assert np.allclose(index.scores(query), _bm25s_scores(chunks, query), rtol=1e-5, atol=1e-6)


def test_update_equals_a_fresh_build(chunks: list[Chunk], index: LexicalIndex) -> None:
    keep = [c.id for c in chunks[3:]][::-1]
    added = chunks[:2]
    updated = index.update(keep, added)
    fresh = LexicalIndex.build([*reversed(chunks[3:]), *added])
    assert updated.ids == fresh.ids
    for query in ("tín chỉ các-bon rừng", "thi truong cac-bon"):
        assert np.allclose(updated.scores(query), fresh.scores(query), rtol=1e-6)


def test_truncated_or_old_saved_index_is_refused(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    (tmp_path / "bm25" / "terms.npy").write_bytes((tmp_path / "bm25" / "terms.npy").read_bytes()[:200])
    with pytest.raises(StoreError, match="vanban ingest"):
        LexicalIndex.load(tmp_path / "bm25")
    index.save(tmp_path / "old")
    meta = tmp_path / "old" / "lexical.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"version": 2', '"version": 1'), encoding="utf-8")
    assert LexicalIndex.saved_fingerprint(tmp_path / "old") is None


def test_saved_postings_are_mapped_and_score_like_recomputed_ones(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert isinstance(loaded._main.rows, np.memmap) and isinstance(loaded._folded.weights, np.memmap)
    for query in ("Ai chủ trì xây dựng thị trường các-bon trong nước?", "thi truong cac-bon tu nguyen"):
        assert np.array_equal(loaded.scores(query), index.scores(query))
    # A save without postings (written before they were saved) loads and recomputes them.
    meta = json.loads((tmp_path / "bm25" / "lexical.json").read_text(encoding="utf-8"))
    del meta["postings"], meta["folded_vocab"]
    (tmp_path / "bm25" / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    older = LexicalIndex.load(tmp_path / "bm25")
    assert not isinstance(older._main.rows, np.memmap)
    assert np.array_equal(older.scores("thi truong cac-bon tu nguyen"), index.scores("thi truong cac-bon tu nguyen"))


@pytest.mark.parametrize("name", ["main_rows.npy", "folded_indptr.npy", "main_weights.npy"])
def test_truncated_saved_postings_are_refused(index: LexicalIndex, tmp_path: Path, name: str) -> None:
    index.save(tmp_path / "bm25")
    path = tmp_path / "bm25" / name
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(StoreError, match="vanban ingest"):
        LexicalIndex.load(tmp_path / "bm25")
