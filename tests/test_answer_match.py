"""Answers from the assignment whose task matches the question; a named body answers only
from its own tasks, or says it has none."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.chunks import Chunk
from index.embedders import FakeEmbedder
from index.search import Hit
from ingest.assignments import Assignment
from ingest.bodies import body_key
from vanban.answer.compose import compose_answer
from vanban.answer.match import DocFrequencies, TaskVectors, bm25, task_scores, task_tokens
from vanban.answer.question import Question, may_name, names_body, read_body
from vanban.answer.select import Scope, best_group
from vanban.answer.tasks import Responsibilities

FILE = "70_TB_ket-luan.docx"
DOC = "Thông báo 12/TB-UBND"
PROVINCE = "tỉnh Lâm Đồng"


def _chunk(path: str, text: str) -> Chunk:
    return Chunk(id=f"{FILE}:{path}", doc_id=FILE, file=FILE, document=DOC, path=path,
                 label=f"Mục {path}", heading=(), text=text)


def _a(body: str, role: str, clause: str, task: str, due: dt.date | None = None) -> Assignment:
    return Assignment(file=FILE, document=DOC, clause=clause, label=f"Mục {clause}", body=body,
                      body_key=body_key(body, PROVINCE), role=role, task=task, deadline_text=None,
                      due=due, recurrence=None, clause_text=task)


TASK_PUBLISH = "Công khai thủ tục hành chính bằng mã QR tại bộ phận một cửa"
TASK_REVIEW = "Tổ chức rà soát toàn bộ hệ thống văn bản quy phạm pháp luật của địa phương"
TASK_DATA = "Xây dựng dữ liệu dùng chung, công khai thông tin quy hoạch trên Cổng thông tin điện tử tỉnh"
CLAUSES = [
    _chunk("II.2", f"Giao Văn phòng UBND tỉnh chủ trì: {TASK_PUBLISH}, xong trước 30/11/2025."),
    _chunk("II.1", f"Giao Sở Tư pháp chủ trì: {TASK_REVIEW}."),
    _chunk("II.5", f"Giao Sở Khoa học và Công nghệ chủ trì: {TASK_DATA}, xong trước 28/02/2026."),
]
RESP = Responsibilities([
    _a("Văn phòng UBND tỉnh", "chủ trì", "II.2", TASK_PUBLISH, dt.date(2025, 11, 30)),
    _a("Sở Tư pháp", "chủ trì", "II.1", TASK_REVIEW),
    _a("Sở Khoa học và Công nghệ", "chủ trì", "II.5", TASK_DATA, dt.date(2026, 2, 28)),
])


def _hits(order: Sequence[int]) -> list[Hit]:
    return [Hit(CLAUSES[i], 0.05 - 0.001 * r, 1, 1, 0.8) for r, i in enumerate(order)]


def _fake_similarity(question: str, tasks: Sequence[str]) -> list[float]:
    """A stand-in embedder: cosine rises with the question's content words in the task."""
    q = set(task_tokens(question))
    return [0.7 + 0.2 * len(q & set(task_tokens(t))) / max(len(q), 1) for t in tasks]


# ---------------------------------------------------------------- the scoring function


def test_task_scores_prefer_the_task_sharing_meaning_and_words() -> None:
    tasks = [task_tokens(TASK_PUBLISH), task_tokens(TASK_REVIEW), task_tokens(TASK_DATA)]
    query = task_tokens("Ai chủ trì rà soát văn bản quy phạm pháp luật của địa phương?")
    scores = task_scores([0.78, 0.86, 0.80], tasks, query)
    assert scores.index(max(scores)) == 1
    assert scores[1] == pytest.approx(1.0)
    # words only (no embedder): BM25 still picks it
    words = task_scores(None, tasks, query)
    assert words.index(max(words)) == 1 and words[0] < 0.5


def test_meaning_decides_when_words_tie() -> None:
    tasks = [["báo", "cáo"], ["báo", "cáo"]]
    assert task_scores([0.70, 0.85], tasks, ["báo", "cáo"]) == pytest.approx([0.5, 1.0])


def test_bm25_rare_words_count_more() -> None:
    freq = DocFrequencies.of(["báo cáo kết quả", "báo cáo tiến độ", "rà soát văn bản"])
    assert bm25(["rà", "soát"], task_tokens("rà soát văn bản"), freq) > \
        bm25(["báo", "cáo"], task_tokens("báo cáo kết quả"), freq)


def test_task_vectors_are_embedded_once_and_remembered() -> None:
    calls: list[int] = []

    class Counting(FakeEmbedder):
        def embed_passages(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return super().embed_passages(texts)

    known: dict = {}
    tv = TaskVectors(Counting(), known)
    first = tv.similarity("Ai rà soát văn bản?", [TASK_REVIEW, TASK_PUBLISH])
    again = TaskVectors(Counting(), known).similarity("Ai rà soát văn bản?", [TASK_PUBLISH, TASK_REVIEW])
    assert calls == [2] and first[0] > first[1] and again == [first[1], first[0]]


# ---------------------------------------------------------------- choosing the assignment


def test_the_best_matching_task_wins_over_the_first_record_of_the_top_clause() -> None:
    question = Question.parse("Ai chủ trì rà soát văn bản quy phạm pháp luật của địa phương?")
    hits = _hits([0, 1, 2])  # the clause that answers is ranked second
    group = best_group(Scope.build(question, hits, RESP, _fake_similarity), want_due=False)
    assert [a.body for a in group] == ["Sở Tư pháp"]
    answer = compose_answer(question, hits, RESP, similarity=_fake_similarity)
    assert answer.owners[0].body == "Sở Tư pháp"


def test_deadline_comes_from_the_matching_task() -> None:
    answer = compose_answer(Question.parse("Bao giờ phải xong việc công khai thông tin quy hoạch "
                                           "trên Cổng thông tin điện tử tỉnh?"),
                            _hits([0, 2, 1]), RESP, similarity=_fake_similarity)
    assert answer.owners[0].body == "Sở Khoa học và Công nghệ"
    assert answer.owners[0].due == dt.date(2026, 2, 28)


# ---------------------------------------------------------------- a body named


@pytest.mark.parametrize("question, body", [
    ("Sở GD&ĐT có nhiệm vụ gì trong CV về cai nghiện?", "Sở GD&ĐT"),
    ("Hạn Sở Y tế gửi hồ sơ về Công an tỉnh là khi nào?", "Sở Y tế"),
    ("Theo tham luận của UBND TP Huế, Sở Y tế phải hoàn thành việc gì?", "Sở Y tế"),
    ("UBND xã Bảo Lâm 2 phải làm gì theo TB kết luận?", "UBND xã Bảo Lâm 2"),
    ("Giấy mời giao Sở Y tế chuẩn bị nội dung gì?", "Sở Y tế"),
    ("Ai chủ trì rà soát văn bản?", None),
    ("Hồ sơ khen thưởng nộp Sở NV hạn chót khi nào?", None),
])
def test_read_body_finds_the_subject_by_the_grammar_of_names(question: str, body: str | None) -> None:
    assert read_body(question) == body


def test_a_named_body_matches_any_spelling_with_or_without_province() -> None:
    key = body_key("Sở Nội vụ", PROVINCE)
    assert names_body("Sở NV", key) and names_body("Sở Nội vụ tỉnh Lâm Đồng", key)
    assert not names_body("Sở Nội vụ tỉnh Lào Cai", key)
    assert not names_body("Sở Tư pháp", key)
    assert may_name("các sở, ngành", body_key("Các sở, ban, ngành", PROVINCE))


@pytest.mark.parametrize("question", [
    "Sở Y tế có nhiệm vụ gì trong thông báo kết luận?",
    "Sở Y tế phải hoàn thành việc rà soát văn bản trước ngày nào?",
])
def test_a_body_with_no_task_in_scope_is_answered_not_found(question: str) -> None:
    answer = compose_answer(Question.parse(question), _hits([1, 0, 2]), RESP, similarity=_fake_similarity)
    assert not answer.found and answer.gap == "no_task_for_body" and answer.owners == ()
    assert answer.text == "Không thấy nhiệm vụ nào giao cho Sở Y tế trong các văn bản đã nạp."


def test_a_named_body_answers_from_its_own_tasks_only() -> None:
    answer = compose_answer(Question.parse("Sở Tư pháp có nhiệm vụ gì trong thông báo kết luận?"),
                            _hits([0, 2, 1]), RESP, similarity=_fake_similarity)
    assert answer.found and {o.body for o in answer.owners} == {"Sở Tư pháp"}


# ---------------------------------------------------------------- the real path


def test_service_matches_tasks_with_its_own_embedder() -> None:
    """Through ``Vanban.ask``: the service embeds task texts with its embedder, once."""
    from vanban.service import Vanban
    from vanban.settings import Config

    sample = Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx"
    with tempfile.TemporaryDirectory() as tmp:
        vb = Vanban(Config(db=tmp), FakeEmbedder())
        vb.ingest([sample])
        answer = vb.ask("Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?")
        assert answer.owners and answer.owners[0].body == "Sở Công Thương"
        assert vb.task_vectors  # task vectors were embedded and kept
        tasks = [a.task for a in vb.responsibilities().all()][:2]
        sims = vb.task_similarity("kiểm tra an toàn phòng cháy", tasks)
        assert len(sims) == len(tasks) and all(-1.0 <= s <= 1.0001 for s in sims)
        missing = vb.ask("Sở Y tế có nhiệm vụ gì trong công văn này?")
        assert not missing.found and missing.gap == "no_task_for_body"


def test_a_server_embeds_task_texts_ahead_and_a_restart_reuses_them() -> None:
    """``prefill_task_vectors`` embeds every task text of the snapshot in the background and
    keeps them beside the index: a new process answers without embedding any task text."""
    from index import taskvectors
    from vanban.answer.select import compared_texts
    from vanban.service import Vanban
    from vanban.settings import Config

    from .test_pipeline import CountingEmbedder

    sample = Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx"
    with tempfile.TemporaryDirectory() as tmp:
        first = Vanban(Config(db=tmp), FakeEmbedder())
        first.ingest([sample])
        texts = {t for a in first.responsibilities().all() for t in compared_texts(a)}
        thread = first.prefill_task_vectors(wait=True)
        assert thread is not None and set(first.task_vectors) == texts
        assert first.prefill_task_vectors() is None  # this snapshot is done
        kept = taskvectors.load(Path(tmp), first._embedder_key())
        assert set(kept) == texts
        assert all(np.allclose(kept[t], first.task_vectors[t]) for t in texts)

        model = CountingEmbedder()
        second = Vanban(Config(db=tmp), model)
        answer = second.ask("Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?")
        assert answer.found and model.embedded == 0  # every task text came from the kept file


def test_prefill_is_skipped_over_the_limit_and_a_broken_file_is_ignored() -> None:
    from index import taskvectors
    from vanban.service import Vanban
    from vanban.settings import Config

    sample = Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx"
    with tempfile.TemporaryDirectory() as tmp:
        vb = Vanban(Config(db=tmp, task_prefill_max=1), FakeEmbedder())
        vb.ingest([sample])
        assert vb.prefill_task_vectors() is None and vb.task_vectors == {}
        path = taskvectors.path_for(Path(tmp), vb._embedder_key())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not an npz")
        assert taskvectors.load(Path(tmp), vb._embedder_key()) == {}


def test_a_question_typed_without_diacritics_is_answered_as_its_accented_form() -> None:
    """Issue 11, point 5, in the chat: "so cong thuong phai lam gi?" is read with its
    diacritics restored, so it is a "what" question about Sở Công Thương (a task list of
    that body), not a search whose top clause happens to name it."""
    from vanban.service import Vanban
    from vanban.settings import Config

    with tempfile.TemporaryDirectory() as tmp:
        vb = Vanban(Config(db=tmp), FakeEmbedder())
        vb.ingest([Path(__file__).parents[1] / "corpus"])
        typed = vb.ask("so cong thuong phai lam gi?")
        accented = vb.ask("Sở Công Thương phải làm gì?")
        assert typed.question == "so cong thuong phai lam gi?"  # echoed as asked
        assert typed.found and len(typed.owners) > 1
        assert {o.body for o in typed.owners} == {o.body for o in accented.owners} == {"Sở Công Thương"}
        who, who_accented = vb.ask("ai chu tri kiem tra an toan hoa chat"), vb.ask(
            "Ai chủ trì kiểm tra an toàn hóa chất")
        assert who.found and who.owners[0].body == who_accented.owners[0].body
