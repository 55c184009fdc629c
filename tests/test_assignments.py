"""Who owns which task by when: hand-built documents mirroring the corpus, then real ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.assignments import Assignment, extract_assignments, role_of, split_actor
from ingest.model import Clause, Document, Header, Table
from tests.conftest import SHARED, shared_file
from vanban.answer.types import Citation


def _doc(*clauses: Clause, day: date | None = None, tables: tuple[Table, ...] = ()) -> Document:
    header = Header(doc_type="Chỉ thị", number="13/CT-TTg", date=day)
    return Document("test.txt", "x", "ok", header=header, clauses=clauses, tables=tables)


def _c(path: str, text: str, heading: tuple[str, ...] = ()) -> Clause:
    return Clause(path, path, heading, text)


def _triples(records: list[Assignment]) -> list[tuple[str, str, str, date | None]]:
    return [(r.clause, r.body, r.role, r.due) for r in records]


# --- roles and actor phrases ------------------------------------------------------


@pytest.mark.parametrize(
    ("predicate", "role"),
    [
        ("chủ trì, phối hợp với Sở Tư pháp nghiên cứu", "chủ trì"),
        ("Phối hợp với các Bộ, ngành liên quan tổ chức thực hiện", "phối hợp"),
        ("theo dõi, đôn đốc theo chức năng, nhiệm vụ được giao", "theo dõi, đôn đốc"),
        ("chịu trách nhiệm hướng dẫn, theo dõi, đôn đốc thực hiện", "theo dõi, đôn đốc"),
        ("Là cơ quan thường trực, đôn đốc các Sở, ngành", "theo dõi, đôn đốc"),
        ("nghiên cứu tham mưu xây dựng và thực hiện các nhiệm vụ", "tham mưu"),
        ("Chủ động tham mưu cơ chế quản lý", "tham mưu"),
        ("Khẩn trương nghiên cứu thiết lập hệ thống đăng ký", "thực hiện"),
        ("Thường xuyên theo dõi diễn biến xấu thời tiết", "thực hiện"),
        ("có trách nhiệm hướng dẫn, phối hợp UBND các xã, phường", "thực hiện"),
    ],
)
def test_role_of(predicate: str, role: str) -> None:
    assert role_of(predicate) == role


def test_split_actor_stops_at_the_predicate() -> None:
    s = split_actor("Các Sở, ban, ngành thuộc tỉnh, Công an tỉnh, Ủy ban nhân dân các xã, phường tổ chức nghiên cứu")
    assert s is not None
    assert s.actors == ["Các Sở, ban, ngành thuộc tỉnh", "Công an tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert s.predicate.startswith("tổ chức nghiên cứu")


def test_split_actor_keeps_names_with_verb_like_words() -> None:
    s = split_actor("Ban Chỉ đạo Cuộc vận động các huyện, thị xã, thành phố: Xây dựng kế hoạch hoạt động")
    assert s is not None and s.actors == ["Ban Chỉ đạo Cuộc vận động các huyện, thị xã, thành phố"]
    assert split_actor("Báo cáo kết quả triển khai") is None
    assert split_actor("Trường hợp có nội dung chưa có quy định") is None


# --- hand-built documents -----------------------------------------------------------


def test_heading_actor_is_inherited_by_items() -> None:
    doc = _doc(
        _c("1", "Bộ Kế hoạch và Đầu tư:"),
        _c("1.a", "Chủ trì, phối hợp với Bộ Tài chính rà soát cơ chế; trình Chính phủ trong quý III năm 2012.",
           ("Bộ Kế hoạch và Đầu tư",)),
        _c("1.b", "Hàng năm, tiến hành rà soát các KCN.", ("Bộ Kế hoạch và Đầu tư",)),
    )
    assert _triples(extract_assignments(doc)) == [
        ("1.a", "Bộ Kế hoạch và Đầu tư", "chủ trì", date(2012, 9, 30)),
        ("1.a", "Bộ Tài chính", "phối hợp", date(2012, 9, 30)),
        ("1.b", "Bộ Kế hoạch và Đầu tư", "thực hiện", None),
    ]


def test_list_of_ministries_gives_one_record_each() -> None:
    head = "Các Bộ: Công Thương, Xây dựng, Tài nguyên và Môi trường:"
    doc = _doc(
        _c("1", head),
        _c("1.a", "Khẩn trương ban hành kế hoạch, hoàn thành trong Quý III năm 2024;", (head.rstrip(":"),)),
    )
    got = extract_assignments(doc)
    assert [r.body for r in got] == ["Bộ Công Thương", "Bộ Xây dựng", "Bộ Tài nguyên và Môi trường"]
    assert {(r.role, r.due, r.deadline_text) for r in got} == {
        ("thực hiện", date(2024, 9, 30), "hoàn thành trong Quý III năm 2024")
    }


def test_giao_sentence_with_lead_and_partner() -> None:
    text = (
        "Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các cơ quan có liên quan, căn cứ Luật "
        "Tổ chức chính quyền địa phương ngày 16/6/2025, nghiên cứu, tham mưu Ủy ban nhân dân tỉnh; "
        "trình UBND tỉnh xem xét, quyết định trước ngày 15/9/2025."
    )
    got = extract_assignments(_doc(Clause("preamble.2", "đoạn 2", (), text, kind="preamble")))
    assert [(r.body, r.body_key, r.role, r.due, r.deadline_text) for r in got] == [
        ("Sở Công Thương", "sở công thương", "chủ trì", date(2025, 9, 15), "trước ngày 15/9/2025"),
        ("Sở Tư pháp", "sở tư pháp", "phối hợp", date(2025, 9, 15), "trước ngày 15/9/2025"),
    ]


def test_x_coordinates_with_y_who_leads() -> None:
    doc = _doc(_c("7", "Ủy ban nhân dân các tỉnh phối hợp với Bộ Tài nguyên và Môi trường và các Bộ, "
                       "ngành liên quan rà soát các dự án."))
    assert [(r.body, r.role) for r in extract_assignments(doc)] == [
        ("Ủy ban nhân dân các tỉnh", "phối hợp"),
        ("Bộ Tài nguyên và Môi trường", "chủ trì"),
    ]


def test_monitor_sentence_and_closing_formula() -> None:
    doc = _doc(
        _c("8", "Bộ trưởng, Thủ trưởng cơ quan ngang bộ tổ chức triển khai và chỉ đạo các cơ quan "
                "thực hiện nghiêm Chỉ thị này.\nVăn phòng Chính phủ theo dõi, đôn đốc theo chức năng, "
                "nhiệm vụ được giao."),
        _c("Điều 3", "Chánh Văn phòng Bộ, Thủ trưởng các đơn vị thuộc Bộ chịu trách nhiệm thi hành "
                     "Quyết định này./."),
    )
    assert [(r.body, r.role) for r in extract_assignments(doc)] == [
        ("Văn phòng Chính phủ", "theo dõi, đôn đốc")
    ]


def test_generic_actor_kept_only_when_alone() -> None:
    doc = _doc(
        _c("7", "Các Bộ, ngành liên quan khác trong phạm vi chức năng, nhiệm vụ, tăng cường quản lý."),
        _c("9", "Các Bộ, ngành và Ủy ban nhân dân các tỉnh chỉ đạo thực hiện tốt chỉ thị này và báo cáo."),
    )
    assert [(r.clause, r.body) for r in extract_assignments(doc)] == [
        ("7", "Các Bộ, ngành liên quan khác"),
        ("9", "Ủy ban nhân dân các tỉnh"),
    ]


def test_report_without_actor_goes_to_the_monitoring_body() -> None:
    text = ("Báo cáo kết quả triển khai thực hiện Cuộc vận động (6 tháng: trước ngày 15/6; năm: trước ngày "
            "15/12) gửi về Thường trực Ban Chỉ đạo Cuộc vận động tỉnh (Ủy ban Mặt trận Tổ quốc Việt Nam "
            "tỉnh) để theo dõi, tổng hợp báo cáo.")
    got = extract_assignments(_doc(_c("IV.5", text, ("TỔ CHỨC THỰC HIỆN",)), day=date(2023, 2, 24)))
    assert [(r.body, r.role, r.due, r.recurrence) for r in got] == [
        ("Thường trực Ban Chỉ đạo Cuộc vận động tỉnh", "theo dõi, đôn đốc", date(2023, 6, 15), "6 tháng"),
        ("Thường trực Ban Chỉ đạo Cuộc vận động tỉnh", "theo dõi, đôn đốc", date(2023, 12, 15), "hằng năm"),
    ]


def test_task_table_rows() -> None:
    header = ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện")
    row = ("1.", "Hoàn thiện dự thảo Nghị định", "Cục Biến đổi khí hậu",
           "Vụ Pháp chế, Cục Kiểm soát ô nhiễm môi trường và các đơn vị có liên quan thuộc Bộ TN&MT.",
           "Tháng 8/2024")
    generic = ("2.", "Quán triệt Chỉ thị", "Các Sở, ban, ngành", "Các cơ quan liên quan", "Thường xuyên")
    doc = _doc(
        Clause("PL.1", "PL 1", ("PHỤ LỤC",), " | ".join(row), kind="table_row", cells=row),
        Clause("PL.2", "PL 2", ("PHỤ LỤC",), " | ".join(generic), kind="table_row", cells=generic),
        tables=(Table((header, row, generic)),),
    )
    assert [(r.clause, r.body, r.role, r.due, r.recurrence) for r in extract_assignments(doc)] == [
        ("PL.1", "Cục Biến đổi khí hậu", "chủ trì", date(2024, 8, 31), None),
        ("PL.1", "Vụ Pháp chế", "phối hợp", date(2024, 8, 31), None),
        ("PL.1", "Cục Kiểm soát ô nhiễm môi trường", "phối hợp", date(2024, 8, 31), None),
        ("PL.2", "Các Sở, ban, ngành", "chủ trì", None, "thường xuyên"),
    ]


def test_purpose_sections_assign_nothing() -> None:
    doc = _doc(_c("I.2", "Các đơn vị chủ trì nhiệm vụ có trách nhiệm hoàn thành nhiệm vụ trước ngày 15/12.",
                  ("MỤC ĐÍCH, YÊU CẦU",)), day=date(2024, 1, 1))
    assert extract_assignments(doc) == []


def test_record_carries_citation_and_text() -> None:
    doc = _doc(_c("4", "Bộ Công Thương chủ trì rà soát, báo cáo Thủ tướng trước ngày 30 tháng 9 năm 2024."))
    (rec,) = extract_assignments(doc)
    assert Citation.of_assignment(rec).render() == "Chỉ thị 13/CT-TTg › 4"
    assert rec.clause_text.startswith("Bộ Công Thương chủ trì")
    assert rec.task.startswith("chủ trì rà soát")


# --- real documents ---------------------------------------------------------------------


def _real(prefix: str) -> list[Assignment]:
    parse = pytest.importorskip("ingest.parse")
    path: Path = shared_file(prefix)
    return extract_assignments(parse.parse_file(path))


def test_real_02_giao_so_cong_thuong() -> None:
    got = {(r.body, r.role, r.due) for r in _real("02_")}
    assert got == {
        ("Sở Công Thương", "chủ trì", date(2025, 9, 15)),
        ("Sở Tư pháp", "phối hợp", date(2025, 9, 15)),
    }


def test_real_29_ministries_and_deadlines() -> None:
    recs = _real("29_")
    one_a = [(r.body, r.role, r.due) for r in recs if r.clause == "1.a"]
    assert one_a == [
        (f"Bộ {name}", "thực hiện", date(2024, 9, 30))
        for name in ("Công Thương", "Giao thông vận tải", "Xây dựng",
                     "Nông nghiệp và Phát triển nông thôn", "Tài nguyên và Môi trường")
    ]
    two_b = [(r.body, r.role, r.due) for r in recs if r.clause == "2.b"]
    assert two_b == [("Bộ Tài nguyên và Môi trường", "chủ trì", date(2024, 7, 30))]
    assert ("Văn phòng Chính phủ", "theo dõi, đôn đốc") in {(r.body, r.role) for r in recs}


def test_real_30_appendix_row_1() -> None:
    recs = [r for r in _real("30_") if r.task.startswith("Hoàn thiện dự thảo Nghị định")]
    assert [(r.body, r.role, r.due, r.deadline_text) for r in recs] == [
        ("Cục Biến đổi khí hậu", "chủ trì", date(2024, 8, 31), "Tháng 8/2024"),
        ("Vụ Pháp chế", "phối hợp", date(2024, 8, 31), "Tháng 8/2024"),
    ]


def test_real_seed_plan() -> None:
    recs = _real("000_")
    mttq = {r.body for r in recs if r.clause.startswith("IV.1.1")}
    assert mttq == {"Ủy ban MTTQ Việt Nam tỉnh"}
    reports = [(r.due, r.recurrence) for r in recs if r.clause == "IV.5"]
    assert reports == [(date(2023, 6, 15), "6 tháng"), (date(2023, 12, 15), "hằng năm")]


def test_real_09_ministry_heading() -> None:
    recs = [r for r in _real("09_") if r.clause == "1.a"]
    assert [(r.body, r.role, r.due) for r in recs] == [
        ("Bộ Kế hoạch và Đầu tư", "chủ trì", date(2012, 9, 30))
    ]


def test_report_recipient_who_advises() -> None:
    text = ("Thủ trưởng các sở, ban, ngành tỉnh chịu trách nhiệm tổ chức triển khai các nội dung nêu trên; "
            "kịp thời báo cáo Sở Xây dựng để tổng hợp, tham mưu Ủy ban nhân dân tỉnh xem xét.")
    got = extract_assignments(_doc(_c("3", text)))
    assert ("Sở Xây dựng", "tham mưu") in {(r.body, r.role) for r in got}


def test_closing_request_assigns_nothing() -> None:
    text = ("Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các Sở, ban, ngành của tỉnh, Chủ tịch UBND các xã, "
            "phường và các tổ chức, cá nhân có liên quan nghiêm túc thực hiện.")
    assert extract_assignments(_doc(_c("11", text))) == []


def test_evaluate_scores_sets_of_triples() -> None:
    from vanban.evaluation import extraction as mod

    gold = [
        {"file": "a.txt", "body": "Bộ TN&MT", "role": "chủ trì", "due": "2024-07-30"},
        {"file": "a.txt", "body": "Sở Tư pháp", "role": "phối hợp", "due": None},
    ]
    doc = _doc(_c("2", "Bộ Tài nguyên và Môi trường chủ trì xây dựng Nghị định, trình Chính phủ "
                       "trước ngày 30 tháng 7 năm 2024."))
    pred = [r.__class__(**{**r.__dict__, "file": "a.txt"}) for r in extract_assignments(doc)]
    result = mod.evaluate(gold, pred)
    assert result["role"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "tp": 1, "gold": 2, "predicted": 1}
    assert result["due"]["f1"] == 1.0
    assert result["errors"]["role"]["missed"] == [("a.txt", "sở tư pháp", "phối hợp")]


# --- issue 9: names, field lines, provinces -------------------------------------------

WIDE = SHARED / "corpus-wide"


def _provincial(*clauses: Clause, issuer: str = "Ủy ban nhân dân tỉnh Lâm Đồng") -> Document:
    header = Header(doc_type="Kế hoạch", number="/KH-UBND", issuer=issuer, date=date(2025, 10, 1))
    return Document("kh.docx", "x", "ok", header=header, clauses=clauses)


def test_a_negated_statement_is_not_a_task_and_its_body_is_no_fragment() -> None:
    got = extract_assignments(_doc(_c("3", "Sở Nội vụ không tiếp nhận bản giấy của các tài liệu kiểm chứng.")))
    assert got == []


def test_field_lines_give_the_task_its_lead_coordinator_and_deadline() -> None:
    text = ("a) Xây dựng cơ sở dữ liệu về cải cách hành chính.\n"
            "- Đơn vị chủ trì thực hiện: Sở Nội vụ.\n"
            "- Đơn vị phối hợp: Sở Tài chính.\n"
            "- Thời gian hoàn thành: Trong tháng 8/2025.")
    got = extract_assignments(_provincial(_c("II.1.a", text)))
    assert [(r.body, r.role, r.deadline_text, r.due) for r in got] == [
        ("Sở Nội vụ", "chủ trì", "Trong tháng 8/2025", date(2025, 8, 31)),
        ("Sở Tài chính", "phối hợp", "Trong tháng 8/2025", date(2025, 8, 31)),
    ]
    assert got[0].task.startswith("a) Xây dựng cơ sở dữ liệu")


def test_a_numbered_field_list_is_one_task() -> None:
    got = extract_assignments(_doc(
        _c("Điều 2", "Điều chỉnh nhiệm vụ như sau:"),
        _c("Điều 2.1", "Tên nhiệm vụ: Xây dựng Đề án mạng lưới chuyên gia pháp lý."),
        _c("Điều 2.2", "Cơ quan chủ trì: Bộ Tư pháp."),
        _c("Điều 2.3", "Thời gian hoàn thành: Quý IV/2026."),
    ))
    assert [(r.clause, r.body, r.role, r.due) for r in got] == [
        ("Điều 2.1", "Bộ Tư pháp", "chủ trì", date(2026, 12, 31))]


def test_working_day_deadline_is_a_deadline_without_a_date() -> None:
    got = extract_assignments(_provincial(_c("2", "Sở Tư pháp thẩm định hồ sơ không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ.")))
    assert [(r.body, r.deadline_text, r.due) for r in got] == [
        ("Sở Tư pháp", "không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ", None)]


def test_a_deadline_before_the_actor_belongs_to_the_sentence() -> None:
    got = extract_assignments(_provincial(_c("4", "Trước ngày 15/12/2025, Sở Y tế báo cáo kết quả thực hiện.")))
    assert [(r.body, r.role, r.due) for r in got] == [("Sở Y tế", "thực hiện", date(2025, 12, 15))]


def test_provincial_bodies_are_keyed_by_the_issuers_province() -> None:
    clause = _c("1", "Sở Công Thương chủ trì, phối hợp với Bộ Công Thương rà soát các cụm công nghiệp.")
    lam_dong = extract_assignments(_provincial(clause))
    lao_cai = extract_assignments(_provincial(clause, issuer="Ủy ban nhân dân tỉnh Lào Cai"))
    central = extract_assignments(_doc(clause))
    assert [(r.body, r.body_key, r.province) for r in lam_dong] == [
        ("Sở Công Thương", "sở công thương @ tỉnh lâm đồng", "tỉnh lâm đồng"),
        ("Bộ Công Thương", "bộ công thương", None),
    ]
    assert lao_cai[0].body_key == "sở công thương @ tỉnh lào cai" != lam_dong[0].body_key
    assert [r.body_key for r in central] == ["sở công thương", "bộ công thương"]


def test_ministry_names_are_not_cut_at_a_verb_like_syllable() -> None:
    got = extract_assignments(_doc(_c("16", "Bộ Ngoại giao chủ trì, phối hợp với Ban Quản lý dự án đầu tư xây dựng số 1 rà soát.")))
    assert [(r.body, r.role) for r in got] == [
        ("Bộ Ngoại giao", "chủ trì"), ("Ban Quản lý dự án đầu tư xây dựng số 1", "phối hợp")]


def test_items_under_a_lead_heading_are_the_leads() -> None:
    got = extract_assignments(_doc(
        _c("3", "Bộ Tài chính chủ trì, phối hợp với các cơ quan, địa phương:"),
        _c("3.a", "Rà soát, sửa đổi các quy định về thuế."),
    ))
    # the heading states a lead itself; its item is the Bộ's lead too, not a bare "thực hiện"
    assert [(r.clause, r.body, r.role) for r in got] == [
        ("3", "Bộ Tài chính", "chủ trì"), ("3.a", "Bộ Tài chính", "chủ trì")]


def _wide(prefix: str) -> Path:
    hits = sorted(WIDE.glob(prefix + "*")) if WIDE.exists() else []
    if not hits:
        pytest.skip(f"../shared/corpus-wide file {prefix}* not found at {WIDE} (set VANBAN_SHARED)")
    return hits[0]


def test_real_dev_document_every_body_is_well_formed_and_provincial() -> None:
    from ingest.bodies import is_well_formed_body
    from ingest.parse import parse_file

    got = extract_assignments(parse_file(_wide("75_KH_KH-UBND_LamDong")))
    assert got and all(is_well_formed_body(r.body) for r in got if r.body)
    mine = {(r.body, r.role) for r in got if r.clause == "III.4.4"}
    assert mine == {("Viện Kiểm sát nhân dân tỉnh", "phối hợp"), ("Tòa án nhân dân tỉnh", "phối hợp"),
                    ("Công an tỉnh", "chủ trì")}
    assert {r.body_key for r in got if r.body == "Công an tỉnh"} == {"công an tỉnh @ tỉnh lâm đồng"}


def test_real_dev_document_title_lists_split_and_deadline_kept() -> None:
    from ingest.parse import parse_file

    got = extract_assignments(parse_file(_wide("78_CV_UBND-NC_LamDong")))
    assert {r.body for r in got if r.clause == "1.a"} == {
        "Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh", "Trưởng Ban Quản lý các khu công nghiệp",
        "Chủ tịch UBND các xã, phường, đặc khu"}
    [dated] = [r for r in got if r.due]
    assert (dated.clause, dated.body, dated.due) == (
        "2.a", "Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)", date(2025, 11, 30))
