"""Layout in both directions: PDF tables, page furniture, wraps, field lines, headers.

The real-document tests read the *dev* half of ``../shared/corpus-wide`` (see
``evals/wide/split.tsv``) and skip when it is absent. Expected values were read
from the printed documents.
"""

from __future__ import annotations

from pathlib import Path

from ingest.header import parse_header, parse_number
from ingest.model import Clause, Document, Line, RawDocument, Table
from ingest.normalize import normalize_line, rejoin_spaced_letters
from ingest.parse import parse_file, parse_raw
from ingest.readers import pdf_layout as layout
from ingest.tables import find_task_header
from tests.conftest import SHARED, shared_file

WIDE = SHARED / "corpus-wide"


def wide_file(prefix: str) -> Path:
    """The corpus-wide dev file whose name starts with ``prefix``; skips when absent."""
    return shared_file(prefix, WIDE)


_PARSED: dict[str, Document] = {}


def parsed(prefix: str) -> Document:
    if prefix not in _PARSED:
        _PARSED[prefix] = parse_file(wide_file(prefix))
    return _PARSED[prefix]


def clause(doc: Document, path: str) -> Clause:
    return next(c for c in doc.clauses if c.path == path)


# --- pure geometry --------------------------------------------------------------


def test_running_header_found_by_repetition_in_the_band() -> None:
    pages = [[("CÔNG BÁO/Số 242/Ngày 22-04-2026 70", 30, 40), ("Điều 1. Ban hành", 100, 110)],
             [("CÔNG BÁO/Số 242/Ngày 22-04-2026 71", 30, 40), ("Điều 2. Hiệu lực", 100, 110)],
             [("CÔNG BÁO/Số 242/Ngày 22-04-2026 72", 30, 40), ("CÔNG BÁO/Số 242", 400, 410)]]
    keys = layout.furniture_keys(pages, [842, 842, 842])
    assert keys == frozenset({"công báo/số #/ngày #-#-# #"})
    assert layout.is_furniture("CÔNG BÁO/Số 242/Ngày 22-04-2026 99", keys)
    assert layout.is_furniture("- 3 -", keys) and layout.is_furniture("Trang 2", keys)
    assert not layout.is_furniture("Điều 1. Ban hành", keys)
    # Printed once, or only mid-page, a line is text, not furniture.
    assert layout.furniture_keys(pages[:1], [842]) == frozenset()


def test_stamp_print_is_far_below_the_body_size() -> None:
    body = layout.body_size([14.0] * 500 + [11.0] * 80 + [7.0] * 12)
    assert body == 14.0
    assert layout.is_stamp((7.0, 7.0), body)
    assert not layout.is_stamp((11.0,), body)  # Nơi nhận is smaller, but still text


def test_logical_grid_ignores_rules_drawn_under_each_text_line() -> None:
    # Column 1 has a rule under every text line; the number column only at real rows.
    cells = [(0, 0, 20, 10), (20, 0, 100, 10),                      # header row
             (0, 10, 20, 40), (20, 10, 100, 20), (20, 20, 100, 30), (20, 30, 100, 40)]

    def char(text: str, x: float, y: float) -> dict[str, float | str]:
        return {"text": text, "x0": x, "x1": x + 5, "top": y, "bottom": y + 6,
                "upright": True, "size": 10.0, "fontname": "F", "doctop": y}

    chars = [char("T", 2, 2), char("V", 22, 2),
             char("1", 2, 22), char("a", 22, 12), char("b", 22, 22), char("c", 22, 32)]
    assert layout.logical_rows(cells, chars) == [["T", "V"], ["1", "a b c"]]


def test_table_continued_over_a_page_break_is_one_table() -> None:
    header = ("TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp")
    p1 = Table((header, ("6", "Tham mưu ban hành Nghị định", "Bộ Tài chính",
                         "Các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố")), 11)
    p2 = Table((header, ("", "theo kết quả thực hiện nhiệm vụ", "",
                         "trực thuộc trung ương"), ("7", "Sơ kết", "Bộ Tài chính", "")), 12)
    pages = layout.stitch_tables([[Line("Phụ lục I", 11), p1], [p2, Line("Ghi chú", 12)]])
    assert pages[1] == [Line("Ghi chú", 12)]
    (merged,) = [b for b in pages[0] if isinstance(b, Table)]
    assert merged.rows[1][1] == "Tham mưu ban hành Nghị định theo kết quả thực hiện nhiệm vụ"
    assert merged.rows[1][3].endswith("thành phố trực thuộc trung ương")
    assert merged.rows[2][0] == "7" and merged.pages_by_row == (11, 11, 12)


def test_header_printed_over_two_rows_is_read_together() -> None:
    t = Table((("TT", "Nội dung, nhiệm vụ", "Cơ quan chủ", "Cơ quan", "Thời gian"),
               ("TT", "", "trì thực hiện", "phối hợp", ""),
               ("1", "Rà soát", "Bộ NN&MT", "Các bộ", "Năm 2026")))
    assert find_task_header(t) == (1, {"no": 0, "task": 1, "lead": 2, "coord": 3, "due": 4})


def test_letter_spacing_and_eth_repaired() -> None:
    assert rejoin_spaced_letters("Q uý III/2026, T h ường xuyên") == "Quý III/2026, Thường xuyên"
    assert rejoin_spaced_letters("ở Trung ương, phần B và UBND tỉnh") == \
        "ở Trung ương, phần B và UBND tỉnh"
    assert normalize_line("Ðộc lập - Tự do - Hạnh phúc") == "Độc lập - Tự do - Hạnh phúc"


def test_header_number_symbol_cut_by_a_stray_space() -> None:
    assert parse_number("Số: 21/C T-TTg Hà Nội, ngày 2 tháng 5 năm 2026") == "21/CT-TTg"
    assert parse_number("Số: 13/CT- TTg") == "13/CT-TTg"
    assert parse_number("Số: 105/NQ-CP Hà Nội, ngày 08 tháng 4 năm 2026") == "105/NQ-CP"


def test_number_stamped_above_a_blank_number_line() -> None:
    header, _ = parse_header([Line("BỘ NỘI VỤ"), Line("12094"), Line("Số: /BNV-CCHC"),
                              Line("Hà Nội, ngày 15 tháng 12 năm 2025"), Line("Kính gửi: Các bộ"),
                              Line("Thực hiện Quyết định số 1187/QĐ-BNV")])
    assert header.number == "12094/BNV-CCHC"
    draft, _ = parse_header([Line("ỦY BAN NHÂN DÂN"), Line("TỈNH LÂM ĐỒNG"), Line("Số: /KH-UBND"),
                             Line("Lâm Đồng, ngày tháng năm 2026"), Line("KẾ HOẠCH"),
                             Line("Kiểm tra"), Line("Căn cứ Luật")])
    assert (draft.number, draft.date) == ("/KH-UBND", None)


def test_field_lines_join_the_task_above() -> None:
    lines = ["Số: 5/KH-UBND", "KẾ HOẠCH", "Tuyên truyền", "Căn cứ Luật;", "I. NHIỆM VỤ",
             "1. Tổ chức hội nghị tập huấn cho cán bộ, công chức.",
             "- Đơn vị chủ trì thực hiện: Sở Nội vụ.",
             "- Thời gian hoàn thành: Trong tháng 8/2025.",
             "2. Biên soạn tài liệu.", "II. NỘI DUNG", "1. Thời gian kiểm tra: tháng 9."]
    doc = parse_raw(RawDocument("x.docx", "docx", tuple(Line(t) for t in lines), "test"), "x")
    task = clause(doc, "I.1")
    assert task.fields == (("lead", "Sở Nội vụ."), ("due", "Trong tháng 8/2025."))
    assert task.text.endswith("- Thời gian hoàn thành: Trong tháng 8/2025.")
    assert doc.text[task.span[0]:task.span[1]] == task.text
    assert [c.path for c in doc.clauses if c.kind == "clause"] == ["I", "I.1", "I.2", "II", "II.1"]
    assert clause(doc, "II").fields == ()  # a section title takes no fields


# --- real documents (corpus-wide, dev half) --------------------------------------


def test_cong_bao_running_headers_are_gone() -> None:
    doc = parsed("50_")
    assert not [c.path for c in doc.clauses if "CÔNG BÁO" in c.text]
    assert doc.header.number == "105/NQ-CP"


def test_wrapped_heading_and_indented_item_stay_apart() -> None:
    doc = parsed("50_")
    assert clause(doc, "CTr.II.2").text == (
        "Hoàn thiện thể chế, chức năng, nhiệm vụ của các cơ quan, đơn vị, tổ chức; tiếp tục "
        "đẩy mạnh phân cấp, phân quyền gắn với cải cách thủ tục hành chính")
    assert clause(doc, "CTr.II.2.a").text == (
        "Các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương")


def test_appendix_table_over_16_pages_keeps_its_rows_whole() -> None:
    doc = parsed("50_")
    rows = [c for c in doc.clauses if c.kind == "table_row" and c.path.startswith("PL1.")]
    assert len(rows) == 34
    row = clause(doc, "PL1.II.6")  # broken by the page 11/12 break
    assert row.page == 11
    assert row.cells[2:4] == ("Bộ Tài chính", "Các bộ, cơ quan ngang bộ, Ủy ban nhân dân các "
                              "tỉnh, thành phố trực thuộc trung ương và cơ quan, tổ chức liên quan")
    assert row.cells[1].endswith("quản lý ngân sách theo kết quả thực hiện nhiệm vụ")
    assert clause(doc, "PL1.V.2").page == 24
    assert dict(clause(doc, "PL1.III.2.4").fields)["due"] == "Quý III/2026"


def test_table_with_a_rule_under_each_line_is_read_by_rows() -> None:
    doc = parsed("52_")
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert len(rows) == 32
    first = rows[0]
    assert first.cells[1].startswith("Tổ chức tuyên truyền, phổ biến, quán triệt thường xuyên")
    assert first.cells[2:] == ("Bộ Ngoại giao", "Các Bộ, ngành, địa phương, Ủy ban Công tác về "
                               "các tổ chức PCPNN, VTV, VOV, TTXVN",
                               "Hội nghị, tập huấn, báo cáo. Bảo đảm 100% cán bộ, đảng viên "
                               "được quán triệt.",
                               "Thực hiện thường xuyên, lồng ghép trong nhiệm vụ thường xuyên về "
                               "tuyên truyền trong công tác an ninh, chính trị, đối ngoại.")


def test_merged_header_cells_and_bulleted_rows() -> None:
    doc = parsed("90_")
    assert len([c for c in doc.clauses if c.kind == "table_row"]) == 36
    assert clause(doc, "PL.1").fields[1:] == (
        ("lead", "Bộ NN&MT, Bộ Quốc phòng"), ("coord", "Các bộ, cơ quan, địa phương"),
        ("due", "Năm 2026 - 2027"))
    assert clause(doc, "PL.4.-2").cells[1:3] == ("Công trình giao thông.", "Bộ Xây dựng")
    assert clause(doc, "PL.II.4").cells[2] == "UBND các tỉnh/thành phố"


def test_numbered_field_list_belongs_to_its_article() -> None:
    fields = dict(clause(parsed("51_"), "Điều 2").fields)
    assert fields["lead"] == "Bộ Tư pháp."
    assert fields["coord"] == "Các bộ, ngành."
    assert fields["due"] == "Quý IV/2026."
    assert fields["task"].startswith("Xây dựng Đề án hình thành, phát triển mạng lưới chuyên gia")


def test_docx_schedule_table_owner_column() -> None:
    doc = parsed("71_")
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert len(rows) == 21
    assert dict(rows[0].fields)["lead"] == "Lãnh đạo Sở Công Thương"
    assert doc.header.number == "/KH-UBND" and doc.header.issuer == "Ủy ban nhân dân tỉnh Lâm Đồng"


def test_docx_row_starting_past_the_first_grid_column(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    from ingest.readers import read_file

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for k, text in enumerate(("TT", "Nhiệm vụ", "Cơ quan chủ trì")):
        table.cell(0, k).text = text
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])  # the row's first cell is absent: w:gridBefore="1"
    tr_pr = row.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)
    for tc, text in zip(row.tc_lst, ("Rà soát quy định", "Sở Tư pháp"), strict=True):
        _Cell(tc, table).text = text
    document.save(str(tmp_path / "before.docx"))
    (got,) = [b for b in read_file(tmp_path / "before.docx").blocks if isinstance(b, Table)]
    assert got.rows[1] == ("", "Rà soát quy định", "Sở Tư pháp")
