"""Assignment extraction on layouts of issuers the rules were not written for (issue 9).

Each fixture is a few synthetic lines in the shape of a layout met on the corpus-wide dev half
(conclusions and decisions of a UBND tỉnh, Chính phủ resolutions, a ministry's scanned letter,
a conference paper); none copies a document. Each test names the mechanism it checks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.assignments import Assignment, extract_assignments, role_of
from ingest.bodies import canonical_body, is_well_formed_body, split_actor_list
from ingest.model import Clause, Document, Header
from ingest.parse import parse_file

PROVINCE = "Ủy ban nhân dân tỉnh Hòa Bình"


def _doc(*clauses: Clause, doc_type: str = "Thông báo", issuer: str = PROVINCE,
         day: date | None = date(2026, 3, 2)) -> Document:
    header = Header(doc_type=doc_type, number="/TB-UBND", date=day, issuer=issuer)
    text = "\n".join(c.text for c in clauses)
    return Document("t.docx", "x", "ok", header=header, clauses=clauses, text=text)


def _c(path: str, text: str, kind: str = "clause", heading: tuple[str, ...] = ()) -> Clause:
    return Clause(path, path, heading, text, kind=kind)


def _pairs(records: list[Assignment]) -> set[tuple[str, str]]:
    return {(r.body, r.role) for r in records}


# --- sentences ------------------------------------------------------------------------


def test_a_topic_before_a_colon_is_cut_off_and_the_sentence_read() -> None:
    doc = _doc(_c("II.3", "Trung tâm Phát triển quỹ đất tỉnh"),
               _c("II.3.-1", "Về công tác bồi thường tại xã Tân Lạc: Tập trung phối hợp với UBND xã Tân Lạc "
                             "để lập phương án bồi thường trước ngày 20/3/2026."),
               _c("II.4", "Đối với hạng mục đường công vụ: Giao Sở Xây dựng chủ trì, phối hợp Sở Tài chính "
                          "làm việc với các hộ dân."))
    got = _pairs(extract_assignments(doc))
    assert {("UBND xã Tân Lạc", "chủ trì"), ("Trung tâm Phát triển quỹ đất tỉnh", "phối hợp"),
            ("Sở Xây dựng", "chủ trì"), ("Sở Tài chính", "phối hợp")} <= got


def test_a_topic_that_names_bodies_is_what_a_rule_is_about_not_an_actor() -> None:
    doc = _doc(_c("1", "Đối với các đơn vị sự nghiệp thuộc Sở Y tế: Sáp nhập vào trung tâm y tế khu vực."))
    assert not [r for r in extract_assignments(doc) if r.body]


def test_a_role_word_may_start_within_the_first_words_but_an_alternative_is_no_role() -> None:
    assert role_of("Tổ chức thẩm định, tham mưu UBND tỉnh điều chỉnh chủ trương") == "tham mưu"
    assert role_of("kịp thời phát hiện, xử lý hoặc tham mưu xử lý các vi phạm") == "thực hiện"


def test_only_a_heading_that_opens_with_purpose_or_funding_is_skipped() -> None:
    doc = _doc(_c("I", "Dự kiến mục tiêu, nhiệm vụ của Chương trình giai đoạn 5 năm:"),
               _c("I.1", "Bộ Quốc phòng dự kiến mục tiêu, nhiệm vụ và đề xuất giải pháp thực hiện.",
                  heading=("Dự kiến mục tiêu, nhiệm vụ của Chương trình giai đoạn 5 năm",)),
               _c("II", "Mục tiêu"),
               _c("II.1", "Bộ Y tế bảo đảm 90% người nghiện được điều trị.", heading=("Mục tiêu",)))
    assert _pairs(extract_assignments(doc)) == {("Bộ Quốc phòng", "thực hiện")}


# --- who is not an assignee --------------------------------------------------------------


def test_a_collegial_issuer_speaking_of_itself_is_no_assignee() -> None:
    doc = _doc(_c("II.1", "Chính phủ thống nhất đánh giá: tình hình kinh tế tiếp tục phục hồi."),
               _c("II.2", "Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp rà soát các quy định."),
               issuer="Chính phủ", doc_type="Nghị quyết")
    assert _pairs(extract_assignments(doc)) == {("Bộ Tài chính", "chủ trì"), ("Bộ Tư pháp", "phối hợp")}
    # a ministry's plan may give the ministry itself a task
    plan = _doc(_c("1", "Bộ Xây dựng chủ trì tổng kết việc thực hiện Kế hoạch."),
                issuer="Bộ Xây dựng", doc_type="Kế hoạch")
    assert _pairs(extract_assignments(plan)) == {("Bộ Xây dựng", "chủ trì")}


def test_a_conference_paper_proposes_and_assigns_nothing(tmp_path: Path) -> None:
    paper = tmp_path / "tham-luan.txt"
    paper.write_text("THAM LUẬN\nVề công tác cai nghiện ma túy trên địa bàn huyện\nKính thưa các đồng chí!\n"
                     "1. Về kiến nghị, đề xuất:\n- Đề nghị Bộ Công an sớm ban hành hướng dẫn về định mức.\n",
                     encoding="utf-8")
    doc = parse_file(paper)
    assert doc.header.doc_type == "Tham luận"
    assert "Kính thưa" not in (doc.header.title or "")
    assert extract_assignments(doc) == []


def test_a_membership_list_and_a_working_regime_are_no_tasks() -> None:
    doc = _doc(_c("Điều 1", "Thành lập Ban Chỉ đạo chuyển đổi số tỉnh gồm các thành viên sau:"),
               _c("Điều 1.1", "Các thành viên Ban Chỉ đạo:"),
               _c("Điều 1.1.-1", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh;"),
               _c("Điều 1.1.-2", "Mời đại diện lãnh đạo Mặt trận Tổ quốc tỉnh."),
               _c("Điều 2", "Các thành viên Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm."),
               _c("Điều 3", "Sở Nội vụ làm nhiệm vụ cơ quan thường trực của Ban Chỉ đạo."),
               doc_type="Quyết định")
    assert _pairs(extract_assignments(doc)) == {("Sở Nội vụ", "thực hiện")}


def test_a_preamble_basis_is_no_task() -> None:
    doc = _doc(_c("preamble.1", "Theo đề nghị của Hội Nông dân tỉnh tại Tờ trình số 12/TTr-HND.",
                  kind="preamble"), doc_type="Quyết định")
    assert not extract_assignments(doc)


# --- names --------------------------------------------------------------------------------


def test_a_short_name_the_document_defines_gets_its_full_name() -> None:
    doc = _doc(_c("Điều 1", "Thành lập Ban Chỉ đạo chuyển đổi số tỉnh Hòa Bình (sau đây gọi tắt là Ban Chỉ đạo)."),
               _c("Điều 2", "Nhiệm vụ và quyền hạn của Ban Chỉ đạo"),
               _c("Điều 2.1", "Điều phối triển khai các nhiệm vụ chuyển đổi số trên địa bàn tỉnh."),
               doc_type="Quyết định")
    got = [r for r in extract_assignments(doc) if r.clause == "Điều 2.1"]
    assert [r.body for r in got] == ["Ban Chỉ đạo chuyển đổi số tỉnh Hòa Bình"]


def test_bar_associations_and_former_bodies_are_named() -> None:
    doc = _doc(_c("Điều 4", "Đoàn Luật sư tỉnh A (cũ), Đoàn Luật sư tỉnh B (cũ) có trách nhiệm chuyển giao "
                            "tài sản cho Đoàn Luật sư tỉnh A (mới)."), doc_type="Quyết định")
    assert _pairs(extract_assignments(doc)) == {("Đoàn Luật sư tỉnh A (cũ)", "thực hiện"),
                                                ("Đoàn Luật sư tỉnh B (cũ)", "thực hiện")}


def test_a_telecom_unit_coordinates_with_a_named_centre() -> None:
    doc = _doc(_c("IV.3", "Viễn thông Hòa Bình phối hợp Trung tâm Thông tin - Văn phòng UBND tỉnh chuẩn bị "
                          "đường truyền phục vụ Hội nghị."), doc_type="Giấy mời")
    assert _pairs(extract_assignments(doc)) == {("Viễn thông Hòa Bình", "phối hợp"),
                                                ("Trung tâm Thông tin - Văn phòng UBND tỉnh", "chủ trì")}


def test_two_heads_share_one_qualifier() -> None:
    assert split_actor_list("Báo và Đài Phát thanh, Truyền hình Hòa Bình") == [
        "Báo và Đài Phát thanh, Truyền hình Hòa Bình"]
    assert is_well_formed_body("Báo và Đài Phát thanh, Truyền hình Hòa Bình")
    assert split_actor_list("Sở Xây dựng và UBND các xã") == ["Sở Xây dựng", "UBND các xã"]


def test_group_names_of_every_province_and_of_the_documents_area_are_one_key() -> None:
    assert canonical_body("UBND tỉnh, thành phố trực thuộc trung ương") == canonical_body(
        "Ủy ban nhân dân các tỉnh, thành phố")
    assert canonical_body("Các cơ quan, đơn vị, địa phương trên địa bàn tỉnh") == canonical_body(
        "Các cơ quan, đơn vị, địa phương")


def test_a_verb_of_founding_ends_the_name() -> None:
    doc = _doc(_c("1", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố thành lập Tổ công tác rà soát văn bản."),
               issuer="Chính phủ", doc_type="Nghị quyết")
    assert [r.body for r in extract_assignments(doc)] == ["Chủ tịch Ủy ban nhân dân các tỉnh, thành phố"]


# --- classes ------------------------------------------------------------------------------


def test_every_unit_of_a_level_named_as_a_partner_keeps_its_record() -> None:
    """The units of a level a lead must work with (each province, each commune) have a part
    in the task: their officials look it up in Trách nhiệm, so the record stays (the dev
    gold leaves such partners out of table rows; users, and the sample corpus, need them)."""
    doc = _doc(_c("1", "Bộ Tư pháp chủ trì, phối hợp với Bộ Nội vụ, UBND tỉnh, thành phố rà soát văn bản."),
               issuer="Chính phủ", doc_type="Nghị quyết")
    assert _pairs(extract_assignments(doc)) == {("Bộ Tư pháp", "chủ trì"), ("Bộ Nội vụ", "phối hợp"),
                                                ("UBND tỉnh, thành phố", "phối hợp")}


def test_a_heading_of_classes_names_each_but_a_class_beside_a_named_body_is_dropped() -> None:
    doc = _doc(_c("IV.8", "Các sở, ban, ngành; UBND các xã, phường; các cơ quan, đơn vị có liên quan"),
               _c("IV.8.a", "Xây dựng kế hoạch tuyên truyền, chậm nhất là ngày 30/3/2026."),
               _c("V", "Công an tỉnh và các địa phương"),
               _c("V.1", "Nắm chắc tình hình tội phạm trên địa bàn."), doc_type="Kế hoạch")
    got = _pairs(extract_assignments(doc))
    assert got == {("Các sở, ban, ngành", "thực hiện"), ("UBND các xã, phường", "thực hiện"),
                   ("Công an tỉnh", "thực hiện")}


# --- deadlines ----------------------------------------------------------------------------


def test_a_letters_reply_date_is_the_deadline_of_its_undated_requests() -> None:
    doc = _doc(_c("I.1", "Bộ Quốc phòng dự kiến nhu cầu vốn giai đoạn 5 năm."),
               _c("I.2", "Các Bộ, cơ quan trung ương đề xuất nhu cầu dự toán năm 2026.\n"
                         "Văn bản trả lời đề nghị gửi về Bộ Công an (qua Cục C04) trước ngày 24/12/2025."),
               doc_type="Công văn", issuer="Bộ Công an", day=date(2025, 12, 16))
    got = {(r.body, r.due) for r in extract_assignments(doc)}
    assert got == {("Bộ Quốc phòng", date(2025, 12, 24)), ("Các Bộ, cơ quan trung ương", date(2025, 12, 24))}
    # a plan's closing report date is not every task's deadline
    plan = _doc(*doc.clauses, doc_type="Kế hoạch", issuer="Bộ Công an", day=date(2025, 12, 16))
    assert {r.due for r in extract_assignments(plan) if r.body == "Bộ Quốc phòng"} == {None}


def test_partners_named_by_acronym_in_a_table_cell_keep_their_records() -> None:
    """A Công báo task table lists the national press bodies by acronym among the partners
    (``…, VTV, VOV, TTXVN``): each is a body, found by its full name as well."""
    from ingest.model import Table

    header = ("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời hạn hoàn thành")
    row = ("1.", "Tổ chức tuyên truyền, phổ biến, quán triệt thường xuyên Chỉ thị số 49-CT/TW",
           "Bộ Ngoại giao", "Các Bộ, ngành, địa phương, Ủy ban Công tác về các tổ chức PCPNN, VTV, VOV, TTXVN",
           "Hội nghị, tập huấn", "Thực hiện thường xuyên")
    clause = Clause("PL.1", "PL.1", ("PHỤ LỤC",), " | ".join(row), kind="table_row", cells=row)
    doc = Document("t.pdf", "x", "ok", header=Header(doc_type="Nghị quyết", number="100/NQ-CP",
                                                     date=date(2026, 4, 6), issuer="Chính phủ"),
                   clauses=(clause,), tables=(Table((header, row)),))
    got = {(canonical_body(r.body), r.role) for r in extract_assignments(doc)}
    assert {("đài truyền hình việt nam", "phối hợp"), ("đài tiếng nói việt nam", "phối hợp"),
            ("thông tấn xã việt nam", "phối hợp"), ("bộ ngoại giao", "chủ trì")} <= got
    assert not any(b.startswith("các bộ") for b, _ in got)  # the catch-all beside named partners


# --- owner headings of legal texts (issue 9, mechanism 2) ------------------------------------

DECREE = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/2026/NĐ-CP
Hà Nội, ngày 15 tháng 3 năm 2026
NGHỊ ĐỊNH
Quy định về cơ sở dữ liệu cán bộ, công chức
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
Chính phủ ban hành Nghị định quy định về cơ sở dữ liệu cán bộ, công chức.
Chương III
TỔ CHỨC THỰC HIỆN
Điều 12. Trách nhiệm của Bộ Nội vụ
1. Chủ trì xây dựng, vận hành cơ sở dữ liệu quốc gia về cán bộ, công chức.
2. Phối hợp với Bộ Công an bảo đảm an toàn dữ liệu.
Điều 13. Trách nhiệm của Bộ Tài chính
Bố trí kinh phí thực hiện theo quy định của pháp luật về ngân sách nhà nước.
Điều 14. Trách nhiệm của Ủy ban nhân dân cấp tỉnh
Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương có trách nhiệm:
a) Chỉ đạo cập nhật dữ liệu của địa phương trước ngày 31 tháng 12 năm 2026;
b) Phối hợp với Bộ Nội vụ kiểm tra việc khai thác dữ liệu.
Điều 15. Hiệu lực thi hành
Các Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh chịu trách nhiệm thi hành Nghị định này.
"""


def test_an_articles_owner_title_gives_its_items_and_its_own_words_to_the_body(tmp_path: Path) -> None:
    path = tmp_path / "nd.txt"
    path.write_text(DECREE, encoding="utf-8")
    got = {(r.clause, r.body, r.role, r.due) for r in extract_assignments(parse_file(path))}
    ubnd = "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"
    assert got == {
        ("Điều 12.1", "Bộ Nội vụ", "chủ trì", None),
        ("Điều 12.2", "Bộ Nội vụ", "phối hợp", None), ("Điều 12.2", "Bộ Công an", "chủ trì", None),
        # the title over the article's own text, with no numbered items
        ("Điều 13", "Bộ Tài chính", "thực hiện", None),
        # the line that introduces the items names the body, not the article's title; it is no task
        ("Điều 14.a", ubnd, "thực hiện", date(2026, 12, 31)),
        ("Điều 14.b", ubnd, "phối hợp", None), ("Điều 14.b", "Bộ Nội vụ", "chủ trì", None),
    }


def test_the_enacting_formula_above_the_articles_is_no_task(tmp_path: Path) -> None:
    path = tmp_path / "tt.txt"
    path.write_text(DECREE.replace("CHÍNH PHỦ\n", "BỘ NỘI VỤ\n", 1).replace(
        "Chính phủ ban hành Nghị định", "Bộ trưởng Bộ Nội vụ ban hành Thông tư"), encoding="utf-8")
    bodies = {r.body for r in extract_assignments(parse_file(path))}
    assert "Bộ trưởng Bộ Nội vụ" not in bodies and "Bộ Tài chính" in bodies
    # a plan's task to issue a circular stays a task
    doc = _doc(_c("II.1", "Bộ Nội vụ ban hành Thông tư hướng dẫn trong quý II năm 2026."), doc_type="Kế hoạch")
    assert _pairs(extract_assignments(doc)) == {("Bộ Nội vụ", "thực hiện")}


def test_a_for_body_heading_over_items_is_the_bodys_and_no_task_itself() -> None:
    doc = _doc(_c("3", "Đối với Ủy ban nhân dân các xã, phường:"),
               _c("3.-1", "Rà soát hồ sơ đất đai trên địa bàn."),
               _c("3.-2", "Phối hợp với Sở Xây dựng hoàn thiện quy hoạch."),
               _c("4", "Đối với công tác giải phóng mặt bằng:"),
               _c("4.-1", "Sở Tài chính thẩm định phương án bồi thường."), doc_type="Công văn")
    got = {(r.clause, r.body, r.role) for r in extract_assignments(doc)}
    assert got == {("3.-1", "Ủy ban nhân dân các xã, phường", "thực hiện"),
                   ("3.-2", "Ủy ban nhân dân các xã, phường", "phối hợp"), ("3.-2", "Sở Xây dựng", "chủ trì"),
                   ("4.-1", "Sở Tài chính", "thực hiện")}


# --- a ministry's letter to its addressees -----------------------------------------------

_MINISTRY_LETTER = """BỘ NỘI VỤ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 812/BNV-CCHC
V/v góp ý dự thảo báo cáo
Hà Nội, ngày 10 tháng 9 năm 2025
Kính gửi:
- Các Bộ, cơ quan ngang Bộ;
- Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương.
{body}
Nơi nhận:
- Như trên;
- Lưu: VT, CCHC.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Nguyễn Văn A
"""
_ADDRESSEES = {("Các Bộ, cơ quan ngang Bộ", "thực hiện"),
               ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "thực hiện")}


def _letter(tmp_path: Path, body: str) -> list[Assignment]:
    path = tmp_path / "cv.txt"
    path.write_text(_MINISTRY_LETTER.format(body=body), encoding="utf-8")
    return extract_assignments(parse_file(path))


def test_the_polite_you_of_a_letter_is_its_addressees(tmp_path: Path) -> None:
    got = _letter(tmp_path, "Để hoàn thiện dự thảo, đề nghị Quý cơ quan nghiên cứu, góp ý và gửi về "
                            "Bộ Nội vụ trước ngày 25/9/2025.")
    assert _pairs(got) == _ADDRESSEES
    assert {r.due for r in got} == {date(2025, 9, 25)}
    assert all(r.task.startswith("nghiên cứu, góp ý") for r in got)


def test_a_request_by_the_issuer_after_an_adverbial_is_the_addressees_task(tmp_path: Path) -> None:
    got = _letter(tmp_path, "Thực hiện Chương trình công tác năm 2025, Bộ Nội vụ đề nghị các Bộ, cơ quan "
                            "ngang Bộ rà soát, gửi số liệu về Bộ Nội vụ trước ngày 30/9/2025.")
    assert _pairs(got) == {("Các Bộ, cơ quan ngang Bộ", "thực hiện")}
    assert "Bộ Nội vụ" not in {r.body for r in got}


def test_an_opinion_asked_for_is_a_task_an_opinion_given_is_not(tmp_path: Path) -> None:
    asked = _letter(tmp_path, "Bộ Nội vụ đề nghị Quý Bộ có ý kiến góp ý và gửi về Bộ Nội vụ trước ngày "
                              "25/9/2025.")
    assert _pairs(asked) == _ADDRESSEES
    given = _letter(tmp_path, "Bộ Công Thương có ý kiến về dự thảo báo cáo.")
    assert given == []


def test_a_telegrams_addressees_are_its_recipients_not_a_task(tmp_path: Path) -> None:
    """"THỦ TƯỚNG CHÍNH PHỦ điện:" opens the addressee list, as "Kính gửi:" does."""
    path = tmp_path / "cd.txt"
    path.write_text(
        "THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 15/CĐ-TTg\nHà Nội, ngày 20 tháng 3 năm 2026\nCÔNG ĐIỆN\nVề việc phòng, chống cháy rừng\n"
        "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Bộ trưởng các Bộ: Nông nghiệp và Môi trường, Quốc phòng;\n"
        "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương.\n"
        "Để chủ động phòng ngừa, Thủ tướng Chính phủ yêu cầu:\n"
        "1. Bộ Nông nghiệp và Môi trường chủ trì, phối hợp với Bộ Công an kiểm tra công tác phòng cháy rừng.\n"
        "2. Giao Văn phòng Chính phủ theo dõi, đôn đốc việc thực hiện Công điện này.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTHỦ TƯỚNG\nPhạm Minh Chính\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.header.title == "Về việc phòng, chống cháy rừng"
    assert len(doc.header.recipients) == 2 and doc.header.recipients[1].startswith("Chủ tịch Ủy ban nhân dân")
    assert _pairs(extract_assignments(doc)) == {
        ("Bộ Nông nghiệp và Môi trường", "chủ trì"), ("Bộ Công an", "phối hợp"),
        ("Văn phòng Chính phủ", "theo dõi, đôn đốc")}


def test_a_short_name_given_by_sau_day_goi_la_is_the_full_body() -> None:
    doc = _doc(_c("Điều 1", "Thành lập Ban Chỉ đạo quốc gia về dữ liệu (sau đây gọi là Ban Chỉ đạo)."),
               _c("Điều 2", "Nhiệm vụ, quyền hạn của Ban Chỉ đạo"),
               _c("Điều 2.1", "Nghiên cứu, đề xuất chủ trương, chính sách phát triển dữ liệu."),
               doc_type="Quyết định", issuer="Thủ tướng Chính phủ")
    assert _pairs(extract_assignments(doc)) == {("Ban Chỉ đạo quốc gia về dữ liệu", "thực hiện")}
