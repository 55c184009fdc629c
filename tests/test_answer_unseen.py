"""Answers on documents of issuers the product was not tuned on: mechanisms that do not
depend on one document's words (acronyms spelled by the documents themselves, the type of
document a question names, group names, question words)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from index.chunks import Chunk
from index.search import Hit
from ingest.assignments import Assignment
from ingest.bodies import body_key
from vanban.answer.compose import compose_answer
from vanban.answer.match import acronyms, expand_acronyms, task_tokens
from vanban.answer.meta import designated_types
from vanban.answer.question import Question, classify
from vanban.answer.select import Scope, typed_files
from vanban.answer.tasks import Responsibilities

PROVINCE = "tỉnh Lâm Đồng"
PLAN = ("kh.docx", "Kế hoạch 5/KH-UBND")
LETTER = ("cv.docx", "Công văn 7/UBND-NC")


def _chunk(doc: tuple[str, str], path: str, text: str) -> Chunk:
    file, name = doc
    return Chunk(id=f"{file}:{path}", doc_id=file, file=file, document=name, path=path,
                 label=f"Mục {path}", heading=(), text=text)


def _a(doc: tuple[str, str], body: str, clause: str, task: str, role: str = "chủ trì",
       due: dt.date | None = None) -> Assignment:
    file, name = doc
    return Assignment(file=file, document=name, clause=clause, label=f"Mục {clause}", body=body,
                      body_key=body_key(body, PROVINCE), role=role, task=task, deadline_text=None,
                      due=due, recurrence=None, clause_text=task)


def _hits(chunks: Sequence[Chunk]) -> list[Hit]:
    return [Hit(c, 0.05 - 0.001 * r, 1, 1, 0.8) for r, c in enumerate(chunks)]


# ---------------------------------------------------------------- acronyms


def test_acronyms_are_spelled_by_the_candidate_texts_not_a_table() -> None:
    texts = ["Tổ chức kiểm tra công tác cải cách hành chính tại các cơ quan",
             "Rà soát văn bản quy phạm pháp luật của địa phương"]
    asked = expand_acronyms("Ai kiểm tra CCHC và rà soát VBQPPL?", texts)
    assert "cải cách hành chính" in asked and "văn bản quy phạm pháp luật" in asked
    assert "CCHC" in asked  # kept: a task may print the acronym itself
    # "&" stands for "và"; a letter run no text spells stays as it is
    assert "giáo dục và đào tạo" in expand_acronyms("Sở GD&ĐT làm gì?", ["Sở Giáo dục và Đào tạo"])
    assert expand_acronyms("Ai làm QXZ?", texts) == "Ai làm QXZ?"
    # parts of a document number are not acronyms
    assert acronyms("theo CV 5689/BCA-C04") == ["CV"]


def test_an_acronym_question_finds_the_task_that_spells_it_out() -> None:
    review = "Tổ chức kiểm tra công tác cải cách hành chính tại các cơ quan, địa phương"
    office = "Tăng cường kiểm tra việc công khai thủ tục tại bộ phận một cửa"
    chunks = [_chunk(PLAN, "I.1", f"Văn phòng UBND tỉnh chủ trì: {office}."),
              _chunk(PLAN, "I.2", f"Sở Nội vụ chủ trì: {review}.")]
    resp = Responsibilities([_a(PLAN, "Văn phòng UBND tỉnh", "I.1", office),
                             _a(PLAN, "Sở Nội vụ", "I.2", review)])
    answer = compose_answer(Question.parse("Ai chủ trì kiểm tra CCHC tại các cơ quan?"),
                            _hits(chunks), resp)
    assert answer.owners[0].body == "Sở Nội vụ"
    # the plain question tokens alone do not meet the task's words
    assert not set(task_tokens("kiểm tra CCHC")) & {"cải", "cách"}


def test_a_body_given_by_acronym_is_found_among_the_bodies() -> None:
    task = "Chỉ đạo các tổ chức tín dụng triển khai chính sách cho vay"
    chunks = [_chunk(PLAN, "IV.3", f"Ngân hàng Nhà nước khu vực X: {task}.")]
    resp = Responsibilities([_a(PLAN, "Ngân hàng Nhà nước khu vực X", "IV.3", task, "thực hiện")])
    answer = compose_answer(Question.parse("NHNN khu vực X được đề nghị làm gì?"), _hits(chunks), resp)
    assert answer.found and [o.body for o in answer.owners] == ["Ngân hàng Nhà nước khu vực X"]


# ---------------------------------------------------------------- question words


def test_duty_and_date_question_words() -> None:
    assert classify("Sở Tài chính được giao gì trong việc lập quy hoạch?") == "what"
    assert classify("Các sở, ngành phải chuẩn bị gì cho buổi làm việc?") == "what"
    assert classify("UBND xã lên truyền hình đối thoại hôm nào?") == "when"
    assert classify("Quy chế gồm mấy chương?") == "search"  # no duty, no date asked


# ---------------------------------------------------------------- the type of document named


def test_the_document_type_a_question_names_scopes_the_answer() -> None:
    assert designated_types("Sở Y tế có nhiệm vụ gì trong CV về cai nghiện?") == {"công văn"}
    assert designated_types("Theo TB kết luận hội nghị, ai chủ trì?") == {"thông báo"}
    assert designated_types("Ai chủ trì xây dựng nghị định về tín chỉ?") == frozenset()
    edu = "Tuyên truyền phòng, chống ma túy trong trường học"
    police = "Thẩm định hồ sơ cai nghiện tự nguyện tại cộng đồng"
    chunks = [_chunk(LETTER, "1", f"Công an tỉnh: {police}."),
              _chunk(PLAN, "III.2", f"Sở Giáo dục và Đào tạo: {edu}.")]
    resp = Responsibilities([_a(LETTER, "Công an tỉnh", "1", police, "thực hiện"),
                             _a(PLAN, "Sở Giáo dục và Đào tạo", "III.2", edu, "thực hiện")])
    hits = _hits(chunks)
    q = Question.parse("Sở GD&ĐT có nhiệm vụ gì trong CV về cai nghiện tự nguyện tại cộng đồng?")
    assert typed_files(q, hits) == {LETTER[0]}
    answer = compose_answer(q, hits, resp)
    assert not answer.found and answer.gap == "no_task_for_body"
    # without the type, the plan in the hits is in scope and answers
    plain = compose_answer(Question.parse("Sở GD&ĐT có nhiệm vụ gì về cai nghiện?"), hits, resp)
    assert plain.found and plain.owners[0].body == "Sở Giáo dục và Đào tạo"
    assert Scope.build(q, hits, resp).typed == {LETTER[0]}


# ---------------------------------------------------------------- group names


def test_a_deadline_asked_of_a_group_comes_from_that_groups_record() -> None:
    plan = "Xây dựng Kế hoạch phát động phong trào thi đua của đơn vị mình"
    sport = "Chủ trì tổ chức phát động phong trào thi đua thể thao"
    chunks = [_chunk(PLAN, "V.1", f"Các cơ quan Trung ương đóng trên địa bàn: {plan}, trước ngày 15/3/2026."),
              _chunk(PLAN, "V.3", f"Sở Văn hóa, Thể thao và Du lịch: {sport}."),
              _chunk(PLAN, "V.2", f"Các sở, ban, ngành: {plan}, trước ngày 10/3/2026.")]
    resp = Responsibilities([
        _a(PLAN, "Các cơ quan Trung ương đóng trên địa bàn", "V.1", plan, "thực hiện", dt.date(2026, 3, 15)),
        _a(PLAN, "Sở Văn hóa, Thể thao và Du lịch", "V.3", sport),
        _a(PLAN, "Các sở, ban, ngành", "V.2", plan, "thực hiện", dt.date(2026, 3, 10)),
    ])
    answer = compose_answer(Question.parse("Các sở phải ban hành KH phát động thi đua trước ngày nào?"),
                            _hits(chunks), resp)
    # one Sở is a member of "các sở", not the group the question asks about
    assert answer.owners[0].body == "Các sở, ban, ngành" and answer.owners[0].due == dt.date(2026, 3, 10)
