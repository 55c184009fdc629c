"""vanban.evaluation.alqac (evals/alqac.py) on a tiny hand-written fixture: the command cannot silently break."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedders import FakeEmbedder
from index.search import Fusion
from vanban.evaluation import alqac as A

TINY = Path(__file__).parent / "fixtures" / "alqac_tiny"
LAWS, QUESTIONS = TINY / "laws.json", TINY / "questions.json"
METRICS = {"recall@1", "recall@5", "recall@10", "mrr@10", "f2"}


def test_run_alqac_reports_every_metric_for_every_mode() -> None:
    res = A.run_alqac("tiny", LAWS, QUESTIONS, FakeEmbedder(), cache_dir=None)
    assert (res["questions"], res["articles"], res["unresolved"]) == (5, 6, 0)
    assert set(res["modes"]) == {"bm25", "dense", "hybrid"}
    for mode, values in res["modes"].items():
        assert set(values) == METRICS, mode
        assert all(0.0 <= v <= 1.0 for v in values.values()), (mode, values)


def test_bm25_on_the_fixture_exact() -> None:
    """Every first hit is right; q-5 has two relevant articles and gets one at rank 1 (P=1, R=½)."""
    res = A.run_alqac("tiny", LAWS, QUESTIONS, FakeEmbedder(), modes=("bm25",), cache_dir=None)
    assert res["modes"]["bm25"] == {
        "recall@1": 0.9,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": 1.0,
        "f2": round((4 + 5 / 9) / 5, 4),
    }


def test_questions_of_both_years_load_with_choices() -> None:
    qs = A.load_questions(QUESTIONS)
    assert [q.qid for q in qs] == ["T-1", "T-2", "q-3", "q-4", "q-5"]
    assert qs[1].text == (
        "Hành vi nào sau đây bị nghiêm cấm? A. Đóng đinh lên thân cây B. Tưới nước cho cây"
    )
    assert qs[4].relevant == (("45/2030/QH99", "12"), ("Luật Cây xanh đô thị", "2"))
    assert (
        A.load_questions(QUESTIONS, with_choices=False)[1].text
        == "Hành vi nào sau đây bị nghiêm cấm?"
    )


def test_articles_are_keyed_by_law_and_article_id() -> None:
    keys = [a.key for a in A.load_articles(LAWS)]
    assert keys == [
        ("Luật Cây xanh đô thị", "1"),
        ("Luật Cây xanh đô thị", "2"),
        ("Luật Cây xanh đô thị", "3"),
        ("45/2030/QH99", "10"),
        ("45/2030/QH99", "11"),
        ("45/2030/QH99", "12"),
    ]


def test_f2_and_question_metrics() -> None:
    rel = [("L", "1"), ("L", "2")]
    assert A.f2([("L", "9")], rel) == 0.0
    assert A.f2([("L", "1"), ("L", "2")], rel) == 1.0
    m = A.question_metrics([("L", "9"), ("L", "2"), ("L", "1")], rel)
    assert m == {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.5, "f2": 0.0}


def test_windows_keep_title_and_cover_every_paragraph() -> None:
    paras = [f"{i}. " + "quy định " * 30 for i in range(1, 8)]
    text = "Điều 9. Tiêu đề\n" + "\n".join(p.strip() for p in paras)
    parts = A.windows(text, max_chars=700)
    assert len(parts) > 1
    assert all(p.startswith("Điều 9. Tiêu đề\n") and len(p) <= 700 for p in parts)
    assert [ln for p in parts for ln in p.split("\n")[1:]] == text.split("\n")[1:]
    assert A.windows("Điều 1. Ngắn\nmột dòng") == ["Điều 1. Ngắn\nmột dòng"]
    assert A.article_texts(text, "truncate", 700) == parts[:1]
    assert A.article_texts(text, "whole", 700) == [text]


def test_hybrid_fusion_uses_both_lists() -> None:
    arts = A.load_articles(LAWS)[:3]
    bm25 = [(0, 9.0), (1, 5.0), (2, 1.0)]
    dense = [(2, 0.9), (1, 0.8), (0, 0.1)]
    assert A.fuse_lists(arts, bm25, dense, "bm25", Fusion()) == [0, 1, 2]
    assert A.fuse_lists(arts, bm25, dense, "dense", Fusion()) == [2, 1, 0]
    # RRF, k0=1: ranks 1+3 (0.75) beat 2+2 (0.67); a heavier dense weight lifts the dense winner.
    assert A.fuse_lists(arts, bm25, dense, "hybrid", Fusion(k0=1)) == [0, 2, 1]
    assert A.fuse_lists(arts, bm25, dense, "hybrid", Fusion(k0=1, dense=2.0)) == [2, 0, 1]
    # Score fusion: bm25/max + w·minmax(cos) → 1.0, 0.56+0.875w, 0.11+w.
    score = Fusion(method="score", dense=0.75)
    assert A.fuse_lists(arts, bm25, dense, "hybrid", score) == [1, 0, 2]
    assert A.fuse_lists(arts, bm25, dense, "hybrid", score, k=1) == [1]


def test_cache_embeds_each_text_once(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return FakeEmbedder().embed_passages(texts)

    first = A.cached_embed(["một", "hai"], embed, "fake", "passage", tmp_path)
    again = A.cached_embed(["hai", "ba", "một"], embed, "fake", "passage", tmp_path)
    assert sorted(len(c) for c in calls) == [1, 2]  # "ba" only, the second time
    np.testing.assert_array_equal(again[[2, 0]], first)


def test_cli_json_on_fixture(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(A, "paths_for", lambda year: (LAWS, QUESTIONS))
    monkeypatch.setattr(A, "CACHE", None)
    assert A.main(["--year", "2023", "--embedder", "fake"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["year", "mode", "R@1", "R@5", "R@10", "MRR@10", "F2"]
    assert lines[1].split() == ["2023", "bm25", "0.900", "1.000", "1.000", "1.000", "0.911"]
    assert [ln.split()[1] for ln in lines[2:]] == ["dense", "hybrid"]
