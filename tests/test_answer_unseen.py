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


# ---------------------------------------------------------------- a body named, strictly

CONCLUSION = ("tb-qh.doc", "Thông báo /TB-UBND")
SPEECH = ("tl-hue.doc", "Tham luận")


def test_a_body_is_not_a_bare_head_in_a_place_named_like_its_qualifier() -> None:
    """"Sở Công Thương" is not "Sở" of a place called "Công Thương": it does not name a group of sở."""
    from vanban.answer.question import names_body

    group = body_key("Các sở, ban, ngành liên quan", PROVINCE)
    assert not names_body("Sở Công Thương", group)
    assert names_body("Sở Công Thương Lâm Đồng", body_key("Sở Công Thương", PROVINCE))
    assert not names_body("Sở Công Thương Lào Cai", body_key("Sở Công Thương", PROVINCE))


def test_a_body_whose_only_candidates_are_groups_is_not_found_and_the_groups_are_a_hint() -> None:
    support = "Phối hợp với UBND các xã và đơn vị tư vấn, cung cấp thông tin, số liệu liên quan"
    review = "Tổ chức thẩm định hồ sơ Nhiệm vụ quy hoạch chung của các xã"
    chunks = [_chunk(CONCLUSION, "II.4", f"Các sở, ban, ngành liên quan có trách nhiệm {support}."),
              _chunk(CONCLUSION, "II.2", f"Sở Xây dựng: {review}.")]
    resp = Responsibilities([_a(CONCLUSION, "Các sở, ban, ngành liên quan", "II.4", support, "phối hợp"),
                             _a(CONCLUSION, "Sở Xây dựng", "II.2", review, "thực hiện")])
    answer = compose_answer(Question.parse("Sở Công Thương có nhiệm vụ gì trong kết luận về quy hoạch chung?"),
                            _hits(chunks), resp)
    assert not answer.found and answer.gap == "no_task_for_body" and answer.owners == ()
    assert answer.text.startswith("Không thấy nhiệm vụ nào giao cho Sở Công Thương trong các văn bản đã nạp.")
    assert "Các sở, ban, ngành liên quan (phối hợp)" in answer.text and "Sở Xây dựng" not in answer.text
    # the body that has a task there is still answered from it
    own = compose_answer(Question.parse("Sở Xây dựng có nhiệm vụ gì trong kết luận về quy hoạch chung?"),
                         _hits(chunks), resp)
    assert own.found and [o.body for o in own.owners] == ["Sở Xây dựng"]


def test_a_group_named_in_a_question_finds_another_spelling_of_it() -> None:
    """"Các đơn vị được kiểm tra" is "Các cơ quan, đơn vị được kiểm tra"; never "not found"."""
    report = "Chuẩn bị xây dựng báo cáo theo nội dung đề cương kiểm tra"
    spread = "Chỉ đạo các đơn vị trực thuộc đẩy mạnh công tác tuyên truyền về cải cách hành chính"
    chunks = [_chunk(PLAN, "IV.8", f"Các sở, ban, ngành: {spread}."),
              _chunk(PLAN, "V.2.b", f"{report}.")]
    resp = Responsibilities([_a(PLAN, "Các sở, ban, ngành", "IV.8", spread, "thực hiện"),
                             _a(PLAN, "Các cơ quan, đơn vị được kiểm tra", "V.2.b", report, "thực hiện")])
    answer = compose_answer(Question.parse("Các đơn vị được kiểm tra phải chuẩn bị những gì?"),
                            _hits(chunks), resp)
    assert answer.found and answer.owners[0].body == "Các cơ quan, đơn vị được kiểm tra"


def test_a_retrieved_heading_stands_for_the_clauses_under_it() -> None:
    """A hit on ``III. TỔ CHỨC THỰC HIỆN`` (assigning nothing itself) brings its items' tasks."""
    police = "Chủ trì tổng hợp báo cáo của các đơn vị, địa phương phục vụ Đoàn công tác"
    prepare = "Chủ động chuẩn bị đầy đủ hồ sơ, tài liệu, báo cáo theo đề cương tại Phụ lục"
    chunks = [_chunk(LETTER, "III", "TỔ CHỨC THỰC HIỆN\nĐể chuẩn bị các buổi làm việc của Đoàn công tác:")]
    resp = Responsibilities([
        _a(LETTER, "Công an tỉnh", "III.1", police),
        _a(LETTER, "Các sở, ban, ngành tỉnh", "III.3", prepare, "thực hiện", dt.date(2026, 3, 25)),
    ])
    q = Question.parse("Các sở, ngành phải chuẩn bị gì cho buổi làm việc với Đoàn công tác?")
    assert {a.clause for _, a in Scope.build(q, _hits(chunks), resp).pool} == {"III.1", "III.3"}
    answer = compose_answer(q, _hits(chunks), resp)
    assert answer.found and answer.owners[0].body == "Các sở, ban, ngành tỉnh"


def test_a_deadline_asked_of_a_group_is_not_taken_from_the_body_it_reports_to() -> None:
    """"Hạn các sở, ngành nộp báo cáo về Công an tỉnh": Công an tỉnh is where it goes, not who."""
    police = "Chủ trì tổng hợp báo cáo của các đơn vị phục vụ Đoàn công tác"
    prepare = "Chuẩn bị hồ sơ, báo cáo theo đề cương và gửi về Công an tỉnh"
    chunks = [_chunk(LETTER, "III.1", f"Giao Công an tỉnh: {police}."),
              _chunk(LETTER, "III.3", f"Các sở, ban, ngành tỉnh: {prepare} trước ngày 25/3/2026.")]
    resp = Responsibilities([
        _a(LETTER, "Công an tỉnh", "III.1", police),
        _a(LETTER, "Các sở, ban, ngành tỉnh", "III.3", prepare, "thực hiện", dt.date(2026, 3, 25)),
    ])
    answer = compose_answer(Question.parse("Hạn các sở, ngành nộp báo cáo về Công an tỉnh?"), _hits(chunks), resp)
    assert answer.owners[0].body == "Các sở, ban, ngành tỉnh" and answer.owners[0].due == dt.date(2026, 3, 25)


def test_a_document_type_the_table_does_not_list_is_read_from_the_loaded_documents() -> None:
    """"Theo tham luận của …": a loaded document printed as "Tham luận" is the one asked about;
    it assigns nothing to Sở Y tế, so a plan that does is not the answer."""
    health = "Rà soát, giao nhiệm vụ các Trung tâm Y tế khu vực tham gia cai nghiện"
    chunks = [_chunk(SPEECH, "I", "Thực trạng cơ sở cai nghiện ma túy và giải pháp hoàn thành nâng cấp cơ sở."),
              _chunk(PLAN, "III.2", f"Sở Y tế: {health}.")]
    resp = Responsibilities([_a(PLAN, "Sở Y tế", "III.2", health, "thực hiện")])
    q = Question.parse("Theo tham luận của UBND TP Huế, Sở Y tế phải hoàn thành việc gì?")
    assert typed_files(q, _hits(chunks)) == {SPEECH[0]}
    assert designated_types(q.text) == frozenset()  # not in the table of types
    answer = compose_answer(q, _hits(chunks), resp)
    assert not answer.found and answer.gap == "no_task_for_body"


def test_an_acronym_in_a_body_name_is_spelled_by_the_index_names() -> None:
    """"VP UBND tỉnh" is Văn phòng UBND tỉnh (a name of the index), not "UBND các tỉnh"."""
    office = "Rà soát, kiểm tra việc thực hiện quy trình tiếp nhận, giải quyết thủ tục hành chính"
    provinces = "Rà soát quy trình nội bộ giải quyết thủ tục hành chính"
    decree = ("nq.pdf", "Nghị quyết 105/NQ-CP")
    chunks = [_chunk(CONCLUSION, "II.2", "Về cải cách thủ tục hành chính"),
              _chunk(decree, "III.1", f"Ủy ban nhân dân các tỉnh, thành phố: {provinces}.")]
    resp = Responsibilities([_a(CONCLUSION, "Văn phòng UBND tỉnh", "II.2.a", office),
                             _a(decree, "Ủy ban nhân dân các tỉnh, thành phố", "III.1", provinces, "thực hiện")])
    answer = compose_answer(Question.parse("VP UBND tỉnh phải làm gì về cải cách TTHC?"), _hits(chunks), resp)
    assert answer.found and {o.body for o in answer.owners} == {"Văn phòng UBND tỉnh"}


def test_a_period_question_names_its_body_by_acronym() -> None:
    bank = "Xây dựng Đề án tiếp tục hiện đại hóa hệ thống ngân hàng"
    other = "Hoàn thiện công tác quyết toán ngân sách nhà nước"
    resp = Responsibilities([
        _a(PLAN, "Ngân hàng Nhà nước Việt Nam", "4.d", bank, due=dt.date(2026, 6, 30)),
        _a(PLAN, "Bộ Tài chính", "4.e", other, due=dt.date(2026, 5, 31)),
    ])
    answer = compose_answer(Question.parse("NHNN được giao đề án gì phải xong trong quý II/2026?"), [], resp)
    assert answer.found and [o.body for o in answer.owners] == ["Ngân hàng Nhà nước Việt Nam"]


def test_citations_are_numbered_in_the_order_the_answer_uses_them() -> None:
    """The clause an answer rests on is cited first, whatever its search rank."""
    speech = "Chuẩn bị bài phát biểu của Lãnh đạo tỉnh tại Hội nghị"
    chunks = [_chunk(PLAN, "I", "Mục đích, yêu cầu của Hội nghị triển khai chương trình"),
              _chunk(PLAN, "II", "Thành phần dự Hội nghị"),
              _chunk(PLAN, "IV", f"Công an tỉnh: {speech}.")]
    resp = Responsibilities([_a(PLAN, "Công an tỉnh", "IV", speech)])
    answer = compose_answer(Question.parse("Ai soạn bài phát biểu cho lãnh đạo tỉnh tại Hội nghị?"),
                            _hits(chunks), resp)
    assert answer.owners[0].body == "Công an tỉnh" and answer.owners[0].citation == 1
    assert answer.citations[0].clause == "IV" and "[1]" in answer.text
    assert [c.n for c in answer.citations] == [1, 2, 3]
    assert [c.clause for c in answer.citations[1:]] == ["I", "II"]  # the other hits keep their order


def test_a_deadline_asked_of_a_body_comes_from_its_own_item_not_one_naming_it_as_partner() -> None:
    """``Tập trung phối hợp với UBND xã X để …`` (the land centre's item, recorded for the xã
    too) names the xã inside its task; the xã's own item answers what the xã must do."""
    center, commune = "Trung tâm Phát triển quỹ đất tỉnh", "UBND xã Đạ Huoai"
    plan = "Tập trung phối hợp với UBND xã Đạ Huoai để xây dựng phương án bồi thường, trình UBND xã phê duyệt"
    approve = "Phối hợp Trung tâm Phát triển quỹ đất tỉnh để thẩm định và phê duyệt toàn bộ phương án bồi thường"
    chunks = [_chunk(CONCLUSION, "II.4.a", f"{plan} trước ngày 10/5/2026."),
              _chunk(CONCLUSION, "II.4.d", f"{approve} còn lại trước ngày 15/5/2026.")]
    resp = Responsibilities([
        _a(CONCLUSION, center, "II.4.a", plan, "phối hợp", dt.date(2026, 5, 10)),
        _a(CONCLUSION, commune, "II.4.a", plan, "chủ trì", dt.date(2026, 5, 10)),
        _a(CONCLUSION, center, "II.4.d", approve, "chủ trì", dt.date(2026, 5, 15)),
        _a(CONCLUSION, commune, "II.4.d", approve, "phối hợp", dt.date(2026, 5, 15)),
    ])
    answer = compose_answer(Question.parse("UBND xã Đạ Huoai phải phê duyệt xong các phương án bồi thường "
                                           "còn lại trước ngày nào?"), _hits(chunks), resp)
    assert answer.owners[0].body == commune and answer.owners[0].due == dt.date(2026, 5, 15)


def test_a_body_asked_about_as_the_owner_of_a_duty_answers_only_from_its_tasks() -> None:
    """"Nhiệm vụ của X là gì?": X owns the duty asked about, though a name after "của" is
    usually not the subject. X without a task is "not found", never a neighbour's task."""
    health = "Tổ chức khám sàng lọc cho người nghiện ma túy tại cộng đồng"
    police = "Rà soát, lập danh sách người nghiện ma túy trên địa bàn"
    chunks = [_chunk(LETTER, "1", f"Sở Y tế: {health}."), _chunk(LETTER, "2", f"Công an tỉnh: {police}.")]
    resp = Responsibilities([_a(LETTER, "Sở Y tế", "1", health), _a(LETTER, "Công an tỉnh", "2", police)])
    own = compose_answer(Question.parse("Nhiệm vụ của Công an tỉnh về người nghiện ma túy là gì?"),
                         _hits(chunks), resp)
    assert own.found and [o.body for o in own.owners] == ["Công an tỉnh"]
    absent = compose_answer(Question.parse("Trách nhiệm của Sở Tư pháp về người nghiện ma túy là gì?"),
                            _hits(chunks), resp)
    assert not absent.found and absent.gap == "no_task_for_body" and absent.owners == ()
    assert absent.text.startswith("Không thấy nhiệm vụ nào giao cho Sở Tư pháp")


def test_national_bodies_outside_the_common_heads_are_read_from_questions() -> None:
    """A question about a body no loaded document names is still read as that body, so it is
    answered "not found" instead of with a neighbour's task."""
    from vanban.answer.question import read_body

    for name in ("Kiểm toán Nhà nước", "Tỉnh đoàn", "Bảo hiểm xã hội Việt Nam", "Quỹ Bảo vệ môi trường",
                 "Hiệp hội Doanh nghiệp nhỏ và vừa", "Viện kiểm sát nhân dân tối cao",
                 "Cảnh sát biển Việt Nam"):
        assert read_body(f"{name} phải làm gì?") == name
        assert read_body(f"Nhiệm vụ của {name} là gì?") == name
