"""Answers: question kinds, owners, deadlines and citations composed from hits and assignments."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from index.chunks import Chunk, SearchFilters, chunks_from_document
from index.search import Hit
from index.store import extract
from ingest.assignments import Assignment
from ingest.bodies import canonical_body
from ingest.parse import parse_file
from tests.conftest import shared_file
from vanban.answer.compose import Answerer, compose_answer, scoped_hits
from vanban.answer.phrasing import NOT_FOUND, deadline_phrase
from vanban.answer.question import (
    Question,
    classify,
    find_period,
    named_body,
    named_place,
    referenced_documents,
)
from vanban.answer.select import issued_by_asker
from vanban.answer.tasks import Responsibilities

FILE = "02_CV_giao-SCT.docx"
DOC = "Công văn 123/UBND-KT"


def _chunk(path: str, text: str, file: str = FILE, document: str = DOC) -> Chunk:
    return Chunk(id=f"{file}:{path}", doc_id=file, file=file, document=document, path=path,
                 label=f"Mục {path}", heading=(), text=text)


def _hit(chunk: Chunk, cosine: float | None = 0.8, score: float = 0.03) -> Hit:
    return Hit(chunk, score, 1, 1, cosine)


def _a(body: str, role: str, clause: str, task: str, due: dt.date | None = None,
       text: str | None = None, file: str = FILE, recurrence: str | None = None) -> Assignment:
    return Assignment(file=file, document=DOC, clause=clause, label=f"Mục {clause}", body=body,
                      body_key=canonical_body(body), role=role, task=task, deadline_text=text, due=due,
                      recurrence=recurrence, clause_text=task)


def _answer(question: str, hits: list[Hit], resp: Responsibilities, min_score: float = 0.0) -> dict[str, Any]:
    """The ``vanban ask --json`` object composed for ``question``."""
    return compose_answer(Question.parse(question), hits, resp, min_score=min_score).to_json()


TASK_1 = ("Chủ trì, phối hợp với Sở Tư pháp tham mưu ủy quyền thủ tục cấp giấy chứng nhận "
          "huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp")
CLAUSE_1 = _chunk("1", "Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp tham mưu ủy quyền thủ tục "
                       "cấp giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp, báo cáo "
                       "trước ngày 15/9/2025.")
CLAUSE_2 = _chunk("2", "Sở Xây dựng chủ trì kiểm tra việc sử dụng khoáng sản làm vật liệu xây dựng.")
RESP = Responsibilities([
    _a("Sở Công Thương", "chủ trì", "1", TASK_1, dt.date(2025, 9, 15), "trước ngày 15/9/2025"),
    _a("Sở Tư pháp", "phối hợp", "1", TASK_1, dt.date(2025, 9, 15), "trước ngày 15/9/2025"),
    _a("Sở Xây dựng", "chủ trì", "2", "Chủ trì kiểm tra việc sử dụng khoáng sản làm vật liệu xây dựng"),
])


@pytest.mark.parametrize("question, kind", [
    ("Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?", "who"),
    ("Cơ quan nào theo dõi, đôn đốc việc thực hiện Chỉ thị?", "who"),
    ("Đơn vị nào phải phối hợp vận hành công trình thủy lợi?", "who"),
    ("Sở NN&MT phối hợp với ai trong việc này?", "who"),
    ("Bộ nào lo xác định tiềm năng hấp thụ các-bon của rừng?", "who"),
    ("Sở Công Thương có những nhiệm vụ gì?", "what"),
    ("UBND các xã, phường phải làm gì theo CV 5973?", "what"),
    ("Bộ TN&MT được giao những việc gì trong CT 13?", "what"),
    ("Hạn trình dự thảo Nghị định là khi nào?", "when"),
    ("Bộ Tài chính phải báo cáo trước ngày nào?", "when"),
    ("Thời hạn hoàn thành kế hoạch?", "when"),
    ("Bao giờ phải nộp báo cáo năm?", "when"),
    ("Những việc nào đến hạn trong tháng 10/2026?", "period"),
    ("Những nhiệm vụ nào phải hoàn thành trong quý IV/2026?", "period"),
    ("Sở Công Thương có việc gì đến hạn trong năm 2026?", "period"),
    ("Quy chế quản lý cụm công nghiệp gồm mấy chương?", "search"),
    ("Biện pháp hạn chế khai thác trái phép", "search"),
])
def test_classify(question: str, kind: str) -> None:
    assert classify(question) == kind


def test_who_names_lead_coordinator_and_deadline() -> None:
    result = _answer("Ai chủ trì tham mưu ủy quyền cấp giấy chứng nhận huấn luyện?",
                            [_hit(CLAUSE_1), _hit(CLAUSE_2)], RESP)
    assert result["found"] is True
    assert result["answer"] == "Sở Công Thương chủ trì, phối hợp với Sở Tư pháp; hạn trước ngày 15/9/2025 [1]."
    assert result["owners"] == [
        {"body": "Sở Công Thương", "role": "chủ trì", "due": "2025-09-15",
         "deadline_text": "trước ngày 15/9/2025", "citation": 1},
        {"body": "Sở Tư pháp", "role": "phối hợp", "due": "2025-09-15",
         "deadline_text": "trước ngày 15/9/2025", "citation": 1},
    ]
    assert [c["n"] for c in result["citations"]] == [1, 2]
    assert result["citations"][0] == {"n": 1, "file": FILE, "document": DOC, "clause": "1",
                                      "label": "Mục 1", "text": CLAUSE_1.text, "score": 0.03,
                                      "page": 1, "paragraph": None}


def test_who_picks_the_task_the_question_is_about() -> None:
    # the second hit holds the task; the first hit's owner is not the answer
    result = _answer("Ai kiểm tra việc sử dụng khoáng sản làm vật liệu xây dựng?",
                            [_hit(CLAUSE_1), _hit(CLAUSE_2)], RESP)
    # the clause the answer rests on is cited first (footnotes in reading order)
    assert result["answer"] == "Sở Xây dựng chủ trì [1]."
    assert [o["body"] for o in result["owners"]] == ["Sở Xây dựng"]
    assert [c["clause"] for c in result["citations"]] == ["2", "1"]


def test_with_whom_answers_the_other_owners() -> None:
    result = _answer("Sở Tư pháp phối hợp với ai để tham mưu ủy quyền?", [_hit(CLAUSE_1)], RESP)
    assert result["owners"][0]["body"] == "Sở Công Thương"
    assert result["answer"] == "Sở Công Thương chủ trì; hạn trước ngày 15/9/2025 [1]."


def test_when_leads_with_the_deadline() -> None:
    result = _answer("SCT phải báo cáo việc ủy quyền trước ngày nào?", [_hit(CLAUSE_1)], RESP)
    assert result["answer"] == ("Hạn: trước ngày 15/9/2025 (Sở Công Thương chủ trì, "
                                "phối hợp với Sở Tư pháp) [1].")
    assert result["owners"][0]["due"] == "2025-09-15"


def test_when_without_a_deadline_says_so() -> None:
    result = _answer("Sở Xây dựng phải kiểm tra vật liệu xây dựng khi nào?", [_hit(CLAUSE_2)], RESP)
    assert result["found"] is True
    assert result["answer"] == ("Văn bản không nêu thời hạn cụ thể cho việc này [1]. "
                                "Sở Xây dựng chủ trì [1].")
    assert result["owners"][0]["due"] is None


def test_when_picks_the_deadline_the_period_words_name() -> None:
    task = "Báo cáo kết quả thực hiện Cuộc vận động"
    resp = Responsibilities([
        _a("Thường trực Ban Chỉ đạo", "theo dõi, đôn đốc", "1", task, dt.date(2023, 6, 15),
           "trước ngày 15/6", recurrence="6 tháng"),
        _a("Thường trực Ban Chỉ đạo", "theo dõi, đôn đốc", "1", task, dt.date(2023, 12, 15),
           "trước ngày 15/12", recurrence="hằng năm"),
    ])
    hits = [_hit(CLAUSE_1)]
    yearly = _answer("Báo cáo cả năm về cuộc vận động phải gửi trước ngày nào?", hits, resp)
    half = _answer("Báo cáo 6 tháng về cuộc vận động phải gửi trước ngày nào?", hits, resp)
    assert yearly["owners"][0]["due"] == "2023-12-15"
    assert half["owners"][0]["due"] == "2023-06-15"
    assert yearly["answer"] == ("Hạn: trước ngày 15/12/2023, hằng năm "
                                "(Thường trực Ban Chỉ đạo theo dõi, đôn đốc) [1].")
    assert half["answer"].startswith("Hạn: trước ngày 15/6/2023, 6 tháng (")


def test_what_lists_a_body_tasks_with_citations_and_a_cap() -> None:
    tasks = [_a("Sở Công Thương", "chủ trì", f"{i}", f"Kiểm tra mỏ số {i}", dt.date(2026, 10, i),
                f"trước ngày {i}/10/2026") for i in range(1, 11)]
    resp = Responsibilities([*tasks, _a("Sở Tư pháp", "phối hợp", "1", "Kiểm tra mỏ số 1")])
    hits = [_hit(_chunk("3", "Sở Công Thương chủ trì kiểm tra mỏ số 3."))]
    result = _answer("Sở Công thương có những nhiệm vụ gì?", hits, resp)
    lines = result["answer"].split("\n")
    assert lines[0] == "Sở Công Thương có 10 nhiệm vụ:"
    assert lines[1] == "- Chủ trì: Kiểm tra mỏ số 3; hạn trước ngày 3/10/2026 [1]"  # the hit first
    assert lines[2] == "- Chủ trì: Kiểm tra mỏ số 1; hạn trước ngày 1/10/2026 [2]"
    assert lines[-1] == "và 2 nhiệm vụ khác."
    assert len(lines) == 10
    assert {o["body"] for o in result["owners"]} == {"Sở Công Thương"}
    assert len(result["owners"]) == 8
    assert [c["clause"] for c in result["citations"]] == ["3", "1", "2", "4", "5", "6", "7", "8"]
    assert all(c["score"] == 0.0 for c in result["citations"][1:])


def test_what_names_the_lead_on_a_coordinator_line() -> None:
    result = _answer("Sở Tư pháp có nhiệm vụ gì?", [_hit(CLAUSE_1)], RESP)
    assert result["answer"].split("\n")[1].startswith(
        "- Phối hợp (Sở Công Thương chủ trì): Chủ trì, phối hợp với Sở Tư pháp tham mưu")


def test_period_lists_what_falls_due() -> None:
    resp = Responsibilities([
        _a("Sở Công Thương", "chủ trì", "1", "Báo cáo quý", dt.date(2026, 10, 31), "trước ngày 31/10/2026"),
        _a("Sở Tư pháp", "chủ trì", "2", "Rà soát văn bản", dt.date(2026, 10, 1), "trong tháng 10/2026"),
        _a("Sở Xây dựng", "chủ trì", "3", "Kiểm tra", dt.date(2026, 11, 1), "trước ngày 1/11/2026"),
    ])
    result = _answer("Những việc nào đến hạn trong tháng 10/2026?", [], resp)
    assert result["found"] is True
    assert result["answer"] == (
        "Có 2 nhiệm vụ đến hạn trong tháng 10/2026:\n"
        "- Sở Tư pháp (chủ trì): Rà soát văn bản; hạn trong tháng 10/2026 (đến 1/10/2026) [1]\n"
        "- Sở Công Thương (chủ trì): Báo cáo quý; hạn trước ngày 31/10/2026 [2]")
    assert [c["clause"] for c in result["citations"]] == ["2", "1"]
    empty = _answer("Sở Xây dựng có việc gì đến hạn trong tháng 10/2026?", [], resp)
    assert empty["found"] is False
    assert empty["answer"] == ("Không có nhiệm vụ nào của Sở Xây dựng đến hạn trong tháng 10/2026 "
                               "trong các văn bản đã nạp.")


def test_search_question_quotes_the_best_clause() -> None:
    clause = _chunk("Điều 3", "Quy chế gồm 5 chương, 30 điều. Chương I quy định chung.")
    result = _answer("Quy chế gồm mấy chương?", [_hit(clause)], RESP)
    assert result["answer"] == "Theo Công văn 123/UBND-KT › Điều 3 [1]: Quy chế gồm 5 chương, 30 điều."
    assert result["owners"] == []
    assert len(result["citations"]) == 1


def test_not_found_without_relevant_hits() -> None:
    assert _answer("Ai chủ trì?", [], RESP) == {
        "question": "Ai chủ trì?", "found": False, "answer": NOT_FOUND, "owners": [], "citations": []}
    weak = _answer("Ai chủ trì?", [_hit(CLAUSE_1, cosine=0.2)], RESP, min_score=0.5)
    assert weak["found"] is False and weak["citations"] == []


def test_deadline_phrases() -> None:
    day = _a("X", "chủ trì", "1", "t", dt.date(2024, 7, 30), "trước ngày 30 tháng 7 năm 2024")
    quarter = _a("X", "chủ trì", "1", "t", dt.date(2024, 9, 30), "hoàn thành trong Quý III năm 2024")
    yearly = _a("X", "chủ trì", "1", "t", None, None, recurrence="hằng năm")
    assert deadline_phrase(day) == "trước ngày 30/7/2024"
    assert deadline_phrase(quarter) == "hoàn thành trong Quý III năm 2024 (đến 30/9/2024)"
    assert deadline_phrase(yearly) == "hằng năm"
    assert deadline_phrase(_a("X", "chủ trì", "1", "t")) is None


def test_find_period() -> None:
    p = find_period("Việc gì đến hạn trong quý IV/2026?")
    assert p is not None and (p.start, p.end, p.text) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "quý IV/2026")
    p = find_period("Nhiệm vụ nào phải xong trong năm 2025?")
    assert p is not None and (p.start, p.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert find_period("Ai chủ trì?") is None


def test_named_body_prefers_the_subject_and_the_cited_variant() -> None:
    bodies = ["Bộ Nông nghiệp và Môi trường", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
              "Ủy ban nhân dân tỉnh"]
    q = "Bộ NN&MT đề nghị UBND tỉnh làm gì về giảm phát thải?"
    assert named_body(q, bodies) == "Ủy ban nhân dân tỉnh"
    assert named_body(q, bodies, prefer=[bodies[1]]) == bodies[1]
    assert named_body("Các sở, ngành cấp tỉnh phải làm gì?", ["Các sở, ban, ngành cấp tỉnh"]) == \
        "Các sở, ban, ngành cấp tỉnh"
    assert named_body("Ai chủ trì?", bodies) is None


def test_referenced_documents_and_scoped_hits() -> None:
    docs = ["Chỉ thị 13/CT-TTg", "Kế hoạch 09/KH-BTNMT", "Quyết định 1074/QĐ-BXD"]
    assert referenced_documents("Theo CT 13, ai chủ trì?", docs) == {"Chỉ thị 13/CT-TTg"}
    assert referenced_documents("KH 09/KH-BTNMT giao gì?", docs) == {"Kế hoạch 09/KH-BTNMT"}
    assert referenced_documents("Ai chủ trì?", docs) == set()

    other = _hit(_chunk("1", "…", file="b.txt", document="Kế hoạch 09/KH-BTNMT"))
    cited = _hit(_chunk("8", "…", file="ct13.txt", document="Chỉ thị 13/CT-TTg"))
    resp = Responsibilities([replace(_a("Văn phòng Chính phủ", "theo dõi, đôn đốc", "8", "t"),
                                     file="ct13.txt", document="Chỉ thị 13/CT-TTg")])
    asked: list[SearchFilters | None] = []

    def search(q: str, k: int, filters: SearchFilters | None) -> list[Hit]:
        asked.append(filters)
        return [other] if filters is None else [cited]

    got = scoped_hits(Question.parse("Theo CT 13, ai theo dõi?"), [other], resp, 5, search)
    assert [h.chunk.file for h in got] == ["b.txt", "ct13.txt"]
    assert asked == [SearchFilters(files=("ct13.txt",))]
    result = Answerer(search).answer("Theo CT 13, ai theo dõi, đôn đốc?", resp, 5, 0.0)
    assert result.owners[0].body == "Văn phòng Chính phủ"
    assert asked[1:] == [None, SearchFilters(files=("ct13.txt",))]  # searched once, then scoped


def test_real_document_owner_and_deadline() -> None:
    path = shared_file("29_")
    doc = replace(parse_file(path), file=path.name)
    chunks = {c.path: c for c in chunks_from_document(doc)}
    resp = Responsibilities(extract(doc).assignments, {doc.doc_id: doc.file})
    hits = [_hit(chunks["2.b"]), _hit(chunks["3.b"])]
    who = _answer("Ai chủ trì xây dựng Nghị định sửa đổi Nghị định 06/2022?", hits, resp)
    assert who["answer"] == "Bộ Tài nguyên và Môi trường chủ trì; hạn trước ngày 30/7/2024 [1]."
    assert who["owners"] == [{"body": "Bộ Tài nguyên và Môi trường", "role": "chủ trì", "due": "2024-07-30",
                              "deadline_text": "trước ngày 30 tháng 7 năm 2024", "citation": 1}]
    assert who["citations"][0]["document"] == "Chỉ thị 13/CT-TTg"
    when = _answer("Bộ NN&PTNT phải xác định tiềm năng hấp thụ các-bon rừng trước ngày nào?", hits, resp)
    assert when["owners"][0]["body"] == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert when["owners"][0]["due"] == "2024-10-31"
    assert when["answer"].startswith("Hạn: hoàn thành trước ngày 31/10/2024 (Bộ Nông nghiệp và Phát triển "
                                     "nông thôn chủ trì, phối hợp với Bộ Tài nguyên và Môi trường) [1].")
    assert when["citations"][0]["clause"] == "3.b" and when["owners"][0]["citation"] == 1


def test_docstring_examples_hold() -> None:
    import doctest

    import vanban.answer.phrasing
    import vanban.answer.question
    import vanban.answer.select
    import vanban.answer.tasks
    import vanban.answer.types

    for module in (vanban.answer.question, vanban.answer.phrasing, vanban.answer.select,
                   vanban.answer.tasks, vanban.answer.types):
        assert doctest.testmod(module).failed == 0


def test_answer_eval_scoring() -> None:
    from vanban.evaluation.answers import score_answer, summarize

    who = {"id": "q1", "kind": "who", "expected_body": "SCT", "expected_due": None, "quote": ""}
    when = {"id": "q2", "kind": "when", "expected_body": "Sở Tư pháp", "expected_due": "2025-09-15",
            "quote": ""}
    what = {"id": "q3", "kind": "what", "expected_body": "Sở Công Thương", "expected_due": None,
            "quote": "tham mưu ủy quyền"}
    result = _answer("Ai chủ trì tham mưu ủy quyền?", [_hit(CLAUSE_1)], RESP)
    rows = [score_answer(who, result), score_answer(when, result),
            score_answer(what, _answer("Sở Công Thương có nhiệm vụ gì?", [_hit(CLAUSE_1)], RESP))]
    assert [r["owner_ok"] for r in rows] == [True, False, True]
    assert rows[1]["due_ok"] is True  # the first owner is the lead, but its due date is the asked one
    report = summarize(rows)
    assert (report["owner_accuracy"], report["due_accuracy"], report["found_rate"]) == (0.667, 1.0, 1.0)
    assert report["per_kind"]["when"] == {"n": 1, "owner_accuracy": 0.0, "due_accuracy": 1.0, "found_rate": 1.0}


def test_the_asking_body_points_to_its_own_document() -> None:
    theirs = _hit(replace(_chunk("1.a", "…", file="32.txt", document="Công văn 9389/BNNMT-BĐKH"),
                          issuer="Bộ Nông nghiệp và Môi trường"))
    other = _hit(replace(_chunk("7", "…", file="29.txt", document="Chỉ thị 13/CT-TTg"), issuer="Thủ tướng Chính phủ"))
    q = "Bộ NN&MT đề nghị UBND tỉnh làm gì về giảm phát thải?"
    assert issued_by_asker(Question.parse(q), [other, theirs]) == {"Công văn 9389/BNNMT-BĐKH"}
    assert issued_by_asker(Question.parse("UBND tỉnh phải làm gì?"), [other, theirs]) == set()
    variants = Responsibilities([
        replace(_a("Ủy ban nhân dân các tỉnh và thành phố trực thuộc trung ương", "phối hợp", "7", "Phối hợp"),
                file="29.txt", document="Chỉ thị 13/CT-TTg"),
        replace(_a("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "thực hiện", "1.a", "Kiểm kê"),
                file="32.txt", document="Công văn 9389/BNNMT-BĐKH"),
    ])
    result = _answer(q, [other, theirs], variants)
    assert [o["body"] for o in result["owners"]] == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]


def test_named_place_and_place_scoped_search() -> None:
    assert named_place("Ở Lào Cai, sở nào là đầu mối triển khai Nghị định 180?") == "Lào Cai"
    assert named_place("Ai hướng dẫn áp dụng QĐ 1074 tại tỉnh Quảng Ngãi?") == "Quảng Ngãi"
    assert named_place("Ai chủ trì?") is None
    central = _hit(replace(_chunk("KH.II.1", "…", file="34.txt", document="Quyết định 2200/QĐ-BNNMT"),
                           issuer="Bộ Nông nghiệp và Môi trường"))
    local = _hit(replace(_chunk("2", "…", file="36.txt", document="Công văn 4390/UBND-NLN"),
                         issuer="Ủy ban nhân dân tỉnh Lào Cai"))
    asked: list[SearchFilters] = []

    def search(q: str, k: int, filters: SearchFilters | None) -> list[Hit]:
        asked.append(filters)
        return [local]

    q = Question.parse("Ở Lào Cai, sở nào là đầu mối?")
    got = scoped_hits(q, [central], Responsibilities([]), 5, search)
    assert [h.chunk.file for h in got] == ["34.txt", "36.txt"]
    assert asked == [SearchFilters(issuers=("Lào Cai",))]
    assert scoped_hits(q, [local], Responsibilities([]), 5, search) == [local]


def test_the_kind_of_body_asked_for_wins() -> None:
    """A "Sở nào …?" question is answered by a Sở; "Ai …?" by the best-ranked owner."""
    task = "Là cơ quan đầu mối triển khai Nghị định"
    resp = Responsibilities([
        _a("Ủy ban nhân dân các xã, phường", "thực hiện", "1", task),
        _a("Sở Nông nghiệp và Môi trường", "thực hiện", "2", task),
    ])
    hits = [_hit(CLAUSE_1), _hit(CLAUSE_2)]
    assert _answer("Sở nào là đầu mối triển khai Nghị định?", hits, resp)["owners"][0]["body"] == \
        "Sở Nông nghiệp và Môi trường"
    assert _answer("Ai là đầu mối triển khai Nghị định?", hits, resp)["owners"][0]["body"] == \
        "Ủy ban nhân dân các xã, phường"
