"""Assignment extraction on layouts of documents from new issuers (corpus-wide dev half).

Each fixture is a few lines shaped like a real dev document (Công báo appendix tables of the
Chính phủ, conclusions and plans of UBND tỉnh Lâm Đồng), small enough to read; every test
failed before the mechanism it names was built.
"""

from __future__ import annotations

from datetime import date

from ingest.assignments import Assignment, extract_assignments
from ingest.bodies import canonical_body, is_well_formed_body, split_actor_list
from ingest.deadlines import cell_deadlines
from ingest.model import Clause, Document, Header, Table
from ingest.structure import ClauseBuilder, Para


def _doc(*clauses: Clause, day: date | None = None, tables: tuple[Table, ...] = ()) -> Document:
    header = Header(doc_type="Thông báo", number="/TB-UBND", date=day,
                    issuer="Ủy ban nhân dân tỉnh Lâm Đồng")
    return Document("test.docx", "x", "ok", header=header, clauses=clauses, tables=tables)


def _c(path: str, text: str, heading: tuple[str, ...] = ()) -> Clause:
    return Clause(path, path, heading, text)


def _row(path: str, cells: tuple[str, ...]) -> Clause:
    return Clause(path, path, ("PHỤ LỤC",), " | ".join(cells), kind="table_row", cells=cells)


def _pairs(records: list[Assignment]) -> set[tuple[str, str]]:
    return {(r.body, r.role) for r in records}


# --- lists of actors ------------------------------------------------------------------


def test_a_group_reaches_over_the_comma_to_its_class_nouns() -> None:
    assert split_actor_list("Các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương") == [
        "Các bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"]
    assert split_actor_list("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ") == [
        "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"]


def test_a_bare_title_shares_the_qualifier_of_the_next_title() -> None:
    got = split_actor_list("Bộ trưởng, Thủ trưởng cơ quan ngang Bộ, cơ quan trực thuộc Chính phủ, "
                           "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")
    assert got == ["Bộ trưởng, Thủ trưởng cơ quan ngang Bộ, cơ quan trực thuộc Chính phủ",
                   "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]
    assert all(is_well_formed_body(b) for b in got)
    assert not is_well_formed_body("Chủ tịch, Sở Nội vụ")  # only a title list shares words
    # a title that has its own qualifier does not reach over the comma
    assert split_actor_list("Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh, Trưởng Ban Quản lý các khu công nghiệp") == [
        "Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh", "Trưởng Ban Quản lý các khu công nghiệp"]


def test_a_list_of_communes_names_one_body_per_commune() -> None:
    assert split_actor_list("UBND các xã: Đức Trọng, Hiệp Thạnh, Đinh Văn Lâm Hà") == [
        "UBND xã Đức Trọng", "UBND xã Hiệp Thạnh", "UBND xã Đinh Văn Lâm Hà"]
    doc = _doc(_c("II.1", "Giao UBND các xã: Đức Trọng, Hiệp Thạnh:"),
               _c("II.1.-1", "Hoàn thành hồ sơ gửi Sở Xây dựng trước ngày 24/4/2026 để tổng hợp."),
               _c("II.4", "Các sở, ban, ngành liên quan có trách nhiệm phối hợp với UBND các xã: "
                          "Đức Trọng, Hiệp Thạnh và đơn vị tư vấn lập quy hoạch, hỗ trợ cung cấp thông tin."),
               day=date(2026, 4, 22))
    got = extract_assignments(doc)
    assert {(r.clause, r.body, r.due) for r in got if r.clause == "II.1.-1"} == {
        ("II.1.-1", "UBND xã Đức Trọng", date(2026, 4, 24)), ("II.1.-1", "UBND xã Hiệp Thạnh", date(2026, 4, 24))}
    assert {("UBND xã Đức Trọng", "chủ trì"), ("UBND xã Hiệp Thạnh", "chủ trì")} <= {
        (r.body, r.role) for r in got if r.clause == "II.4"}


def test_a_passive_participle_qualifies_the_class_and_a_defined_class_heading_is_kept() -> None:
    doc = _doc(_c("V.2", "Các cơ quan, đơn vị được kiểm tra"),
               _c("V.2.a", "Rà soát các nội dung theo Kế hoạch và Đề cương kiểm tra."))
    assert _pairs(extract_assignments(doc)) == {("Các cơ quan, đơn vị được kiểm tra", "thực hiện")}


def test_the_leadership_of_a_body_keys_as_the_body() -> None:
    assert canonical_body("Lãnh đạo Sở Y tế") == canonical_body("Sở Y tế")
    assert canonical_body("Lãnh đạo") == "lãnh đạo"


def test_a_subject_after_an_opening_adverbial_is_the_actor() -> None:
    doc = _doc(_c("VII.1", "Căn cứ nội dung Kế hoạch này và điều kiện thực tế, các sở, ban, ngành, "
                           "UBND các xã, phường, đặc khu xây dựng Kế hoạch phát động phong trào thi đua."),
               _c("VII.2", "Căn cứ nội dung văn bản, Sở Công Thương tổ chức thực hiện./."))
    # the catch-all "các sở, ban, ngành" gives way to the named body beside it, as in any subject
    assert _pairs(extract_assignments(doc)) == {("UBND các xã, phường, đặc khu", "thực hiện")}


def test_coordination_without_voi_names_the_partner() -> None:
    doc = _doc(_c("4.g", "Sở Nông nghiệp và Môi trường chủ trì, phối hợp Sở Xây dựng và Công an tỉnh "
                         "để làm việc với các chủ mỏ đá trên địa bàn."))
    assert _pairs(extract_assignments(doc)) == {
        ("Sở Nông nghiệp và Môi trường", "chủ trì"), ("Sở Xây dựng", "phối hợp"), ("Công an tỉnh", "phối hợp")}


def test_resolution_closing_formula_assigns_nothing() -> None:
    doc = _doc(_c("Điều 4", "Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, tổ chức, cá nhân có liên quan "
                            "chịu trách nhiệm thi hành Nghị quyết này."))
    assert extract_assignments(doc) == []


# --- clause tree ------------------------------------------------------------------------


def test_a_letter_heading_printed_out_of_order_opens_its_clause() -> None:
    b = ClauseBuilder()
    lines = [f"{x}) Sở {x.upper()}:" for x in ("a", "b", "c", "d", "đ", "e")]
    # the source prints "g)" before "f)" — and "f" is not even a Vietnamese letter
    for t in ("1. Các đơn vị:", *lines, "g) Sở Nông nghiệp và Môi trường:", "- Tổ chức thẩm định hồ sơ.",
              "f) Sở Tài chính:", "- Hướng dẫn về kinh phí lập quy hoạch."):
        b.add_paragraph(Para(t))
    _, clauses = b.build()
    by_path = {c.path: c.text for c in clauses}
    assert by_path.get("1.f") == "Sở Tài chính:"
    assert "Sở Tài chính" not in by_path["1.g.-1"]
    assert by_path.get("1.f.-1") == "Hướng dẫn về kinh phí lập quy hoạch."


# --- task tables ----------------------------------------------------------------------------


def test_a_responsibility_column_carries_out_and_its_header_year_dates_the_day() -> None:
    header = ("TT", "Nội dung", "Trách nhiệm\nthực hiện", "Thời gian\n(Năm 2026)")
    row = ("1", "Giải đáp những vướng mắc về công tác CCHC của Sở Công Thương", "Lãnh đạo Sở Công Thương",
           "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1")
    doc = _doc(_row("B1.1", row), tables=(Table((header, row)),))
    [got] = extract_assignments(doc)
    assert (got.role, got.due, canonical_body(got.body)) == ("thực hiện", date(2026, 1, 23), "sở công thương")


def test_a_row_merged_down_gives_each_of_its_dates() -> None:
    header = ("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành")
    row = ("18", "Tiếp tục thể chế hóa các chủ trương về y tế", "Bộ Y tế Bộ Y tế",
           "Các bộ, cơ quan ngang bộ Các bộ, cơ quan ngang bộ", "Báo cáo chuyên đề", "Tháng 4/2026 Tháng 10/2026")
    notes = ("12", "Rà soát, bãi bỏ các quy định pháp luật",
             "Bộ Tư pháp (đối với thủ tục hành chính) Bộ Tài chính (đối với điều kiện kinh doanh)",
             "Các bộ, cơ quan ngang bộ", "Báo cáo", "Tháng 5/2026")
    doc = _doc(_row("PL.18", row), _row("PL.12", notes), tables=(Table((header, row, notes)),))
    got = {(r.clause, r.body, r.role, r.due) for r in extract_assignments(doc)}
    assert got == {("PL.18", "Bộ Y tế", "chủ trì", date(2026, 4, 30)),
                   ("PL.18", "Bộ Y tế", "chủ trì", date(2026, 10, 31)),
                   ("PL.12", "Bộ Tư pháp", "chủ trì", date(2026, 5, 31)),
                   ("PL.12", "Bộ Tài chính", "chủ trì", date(2026, 5, 31))}


def test_time_cells_with_two_periods() -> None:
    assert [d.due for d in cell_deadlines("Tháng 02/2026 Tháng 11/2026")] == [date(2026, 2, 28), date(2026, 11, 30)]
    assert [d.due for d in cell_deadlines("2026 2027 - 2030")] == [date(2026, 12, 31), date(2030, 12, 31)]
    assert [d.due for d in cell_deadlines("Quý II/2026")] == [date(2026, 6, 30)]


def test_items_under_a_topic_title_belong_to_the_body_its_second_line_names() -> None:
    doc = _doc(_c("II.1", "Về cải cách thể chế\nGiao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị liên quan:"),
               _c("II.1.a", "Tổ chức rà soát toàn bộ hệ thống văn bản quy phạm pháp luật của địa phương."),
               _c("II.4", "Về cải cách tài chính công\nGiao Sở Tài chính:"),
               _c("II.4.a", "Hướng dẫn sử dụng ngân sách nhà nước hợp lý, tiết kiệm, hiệu quả."))
    got = {(r.clause, r.body, r.role) for r in extract_assignments(doc)}
    assert {("II.1.a", "Sở Tư pháp", "chủ trì"), ("II.4.a", "Sở Tài chính", "thực hiện")} <= got


def test_a_bracketed_note_is_not_part_of_the_body_key() -> None:
    assert canonical_body("Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)") == canonical_body(
        "Văn phòng Ủy ban nhân dân tỉnh")
    assert canonical_body("Bộ Tư pháp (đối với thủ tục hành chính)") == canonical_body("Bộ Tư pháp")


def test_the_role_of_a_directed_force_is_the_directing_bodys_role() -> None:
    from ingest.assignments import role_of

    assert role_of("chỉ đạo lực lượng Bộ đội Biên phòng: Phối hợp với cấp ủy, chính quyền địa phương") == "phối hợp"
    assert role_of("chỉ đạo lực lượng Bộ đội Biên phòng: Chủ trì, phối hợp chặt chẽ với lực lượng chức năng") == "chủ trì"
    assert role_of("chỉ đạo các cơ sở y tế tăng cường công tác điều trị") == "thực hiện"
