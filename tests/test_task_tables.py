"""Task tables of layouts the rules were not written for (issue 9, mechanism 1).

The files are built in the test, shaped like the appendix tables of ministries, the Chính
phủ and provinces (DOCX from Word, PDF with ruled tables as pdfplumber reads them): column
roles inferred from header words, a header printed over two rows with a merged ``Cơ quan
thực hiện`` above ``Chủ trì | Phối hợp``, group rows that span the table, a table that runs
over pages with or without its header repeated. No rule names a document's words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.assignments import Assignment, extract_assignments
from ingest.parse import parse_file
from ingest.tables import cell_role, task_columns

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEAD = ("BỘ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/KH-BNV", "Hà Nội, ngày 10 tháng 3 năm 2026", "KẾ HOẠCH",
        "Triển khai Chương trình cải cách hành chính năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm thống nhất trong tổ chức thực hiện.",
        "II. NHIỆM VỤ", "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.")
APPENDIX = ("PHỤ LỤC", "DANH MỤC NHIỆM VỤ",
            "(Kèm theo Kế hoạch số 15/KH-BNV ngày 10 tháng 3 năm 2026 của Bộ Nội vụ)")
BODIES = ("Bộ Tài chính", "Bộ Tư pháp", "Bộ Nội vụ", "Bộ Công an", "Bộ Xây dựng", "Bộ Y tế")


def _records(path: Path) -> list[Assignment]:
    return extract_assignments(parse_file(path))


def _triples(records: list[Assignment]) -> set[tuple[str, str, str]]:
    return {(r.body, r.role, r.task[:22]) for r in records}


# --- header words ---------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    (("STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"),
     {"no": 0, "task": 1, "lead": 2, "coord": 3, "due": 4}),
    (("TT", "Nhiệm vụ, giải pháp", "Trách nhiệm thực hiện", "Tiến độ", "Sản phẩm"),
     {"no": 0, "task": 1, "lead": 2, "due": 3, "result": 4}),
    (("TT", "Hoạt động", "Cơ quan/đơn vị chủ trì", "Phối hợp", "Thời gian thực hiện", "Kinh phí"),
     {"no": 0, "task": 1, "lead": 2, "coord": 3, "due": 4}),
    (("Tên nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Kết quả"),
     {"task": 0, "lead": 1, "coord": 2, "due": 3, "result": 4}),
    (("TT", "Nội dung", "Cơ quan thực hiện", "Cơ quan phối hợp thực hiện", "Thời gian"),
     {"no": 0, "task": 1, "lead": 2, "coord": 3, "due": 4}),
])
def test_column_roles_come_from_header_words(header: tuple[str, ...], expected: dict[str, int]) -> None:
    assert task_columns(header) == expected


def test_a_narrow_number_column_that_wraps_its_heading_is_still_the_number_column() -> None:
    # pdfplumber joins "ST" / "T" printed on two lines of a narrow cell with a space
    assert cell_role("ST T") == "no"
    assert cell_role("S TT") == "no"
    assert cell_role("Kinh phí") is None


# --- DOCX ---------------------------------------------------------------------------------


def _docx(path: Path, tables: list[tuple[list[list[str | None]], list[tuple[int, int, int, int]]]]) -> None:
    """A plan with an appendix holding ``tables`` (rows, merges (r0, c0, r1, c1))."""
    import docx

    d = docx.Document()
    for line in HEAD + APPENDIX:
        d.add_paragraph(line)
    for rows, merges in tables:
        t = d.add_table(rows=len(rows), cols=len(rows[0]))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                if text is not None:
                    t.cell(i, j).text = text
        for r0, c0, r1, c1 in merges:
            text = t.cell(r0, c0).text
            t.cell(r0, c0).merge(t.cell(r1, c1)).text = text
    d.save(str(path))


def test_a_two_row_docx_header_gives_lead_and_partner_columns(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["TT", "Nhiệm vụ", "Cơ quan thực hiện", None, "Thời hạn"],
        [None, None, "Chủ trì", "Phối hợp", None],
        ["1", "Ban hành quy chế phối hợp liên ngành", "Bộ Tư pháp, Bộ Nội vụ", "Bộ Công an", "Tháng 9/2026"],
        ["2", "Triển khai nền tảng số dùng chung", "Bộ Xây dựng", "Văn phòng Chính phủ", "Năm 2026"],
    ]
    merges = [(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1), (0, 4, 1, 4)]
    _docx(tmp_path / "kh.docx", [(rows, merges)])
    got = {(r.body, r.role, str(r.due)) for r in _records(tmp_path / "kh.docx")}
    assert got == {("Bộ Tư pháp", "chủ trì", "2026-09-30"), ("Bộ Nội vụ", "chủ trì", "2026-09-30"),
                   ("Bộ Công an", "phối hợp", "2026-09-30"), ("Bộ Xây dựng", "chủ trì", "2026-12-31"),
                   ("Văn phòng Chính phủ", "phối hợp", "2026-12-31")}


def test_rows_across_the_table_head_groups_and_are_no_tasks(tmp_path: Path) -> None:
    header: list[str | None] = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
    rows: list[list[str | None]] = [
        header,
        ["I. HOÀN THIỆN THỂ CHẾ", None, None, None, None],
        ["1", "Rà soát văn bản quy phạm pháp luật", "Bộ Tư pháp", "Bộ Nội vụ", "Quý II/2026"],
        ["2", "Sửa đổi quy chế làm việc", "Bộ Nội vụ", "", "Quý III/2026"],
        ["1. Nhóm nhiệm vụ về chuyển đổi số", None, None, None, None],
        ["1", "Xây dựng cơ sở dữ liệu cán bộ", "Bộ Công an", "Bộ Tài chính", "Năm 2027"],
        ["", "ĐÔN ĐỐC, KIỂM TRA", "", "", ""],
        ["1", "Kiểm tra việc thực hiện", "Bộ Y tế", "", "Tháng 11/2026"],
    ]
    merges = [(1, 0, 1, 4), (4, 0, 4, 4)]
    _docx(tmp_path / "kh.docx", [(rows, merges)])
    doc = parse_file(tmp_path / "kh.docx")
    table_rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert [c.heading[-1] for c in table_rows] == [
        "HOÀN THIỆN THỂ CHẾ", "HOÀN THIỆN THỂ CHẾ", "Nhóm nhiệm vụ về chuyển đổi số", "ĐÔN ĐỐC, KIỂM TRA"]
    assert len({c.path for c in table_rows}) == 4
    records = extract_assignments(doc)
    assert {r.body for r in records} == {"Bộ Tư pháp", "Bộ Nội vụ", "Bộ Công an", "Bộ Tài chính", "Bộ Y tế"}
    assert not any(r.task.isupper() or r.task.startswith("Nhóm") for r in records)


def test_a_continuation_table_without_header_keeps_the_headers_roles(tmp_path: Path) -> None:
    """A table broken in two (a page break in Word, a table per page in a conversion): the
    second part has no header and is read under the first part's header, so ``Đơn vị thực
    hiện`` carries out on both sides of the break."""
    first: list[list[str | None]] = [["TT", "Nội dung", "Đơn vị thực hiện", "Thời gian"],
                                     ["1", "Tổ chức hội nghị quán triệt", "Sở Nội vụ", "Tháng 4/2026"]]
    second: list[list[str | None]] = [["2", "Sơ kết việc thực hiện", "Sở Tư pháp", "Tháng 7/2026"]]
    _docx(tmp_path / "kh.docx", [(first, []), (second, [])])
    got = {(r.body, r.role) for r in _records(tmp_path / "kh.docx")}
    assert got == {("Sở Nội vụ", "thực hiện"), ("Sở Tư pháp", "thực hiện")}


# --- PDF ----------------------------------------------------------------------------------


def _task(i: int) -> str:
    return (f"Nhiệm vụ số {i}: rà soát, hoàn thiện quy định về lĩnh vực thứ {i} và báo cáo kết quả "
            "thực hiện cho cấp có thẩm quyền xem xét, quyết định")


def _pdf(path: Path, header: list[list[str]], header_spans: list[Any], repeat: int) -> None:
    """A plan whose appendix table of 24 tasks in two groups runs over several pages."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as RLTable

    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=10, leading=13)
    rows: list[list[str]] = [list(r) for r in header]
    spans = list(header_spans)
    for i in range(1, 25):
        if i in (1, 13):
            spans.append(((0, len(rows)), (-1, len(rows))))  # one cell across the table
            rows.append(["I. NHÓM NHIỆM VỤ THỂ CHẾ" if i == 1 else "II. NHÓM NHIỆM VỤ TỔ CHỨC THỰC HIỆN",
                         "", "", "", ""])
        rows.append([str(i), _task(i), BODIES[i % 6], BODIES[(i + 1) % 6], f"Tháng {i % 12 + 1}/2026"])
    data = [[Paragraph(c, style) if c else "" for c in r] for r in rows]
    grid = RLTable(data, repeatRows=repeat, colWidths=[30, 250, 160, 160, 160])
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              *[("SPAN", a, b) for a, b in spans]]))
    story = [Paragraph(line, style) for line in HEAD] + [PageBreak()]
    story += [Paragraph(line, style) for line in APPENDIX] + [grid]
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(story)


ONE_ROW = [["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]]
TWO_ROWS = [["STT", "Nhiệm vụ", "Cơ quan thực hiện", "", "Thời hạn"], ["", "", "Chủ trì", "Phối hợp", ""]]
TWO_ROW_SPANS = [((2, 0), (3, 0)), ((0, 0), (0, 1)), ((1, 0), (1, 1)), ((4, 0), (4, 1))]


@pytest.mark.parametrize(("header", "spans"), [(ONE_ROW, []), (TWO_ROWS, TWO_ROW_SPANS)],
                         ids=["one-row header", "two-row header"])
def test_a_pdf_table_over_pages_reads_the_same_with_or_without_its_header_repeated(
        tmp_path: Path, header: list[list[str]], spans: list[Any]) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    expected = {(BODIES[i % 6], "chủ trì", _task(i)[:22]) for i in range(1, 25)} | {
        (BODIES[(i + 1) % 6], "phối hợp", _task(i)[:22]) for i in range(1, 25)}
    for repeat in (len(header), 0):
        path = tmp_path / f"kh-{repeat}.pdf"
        _pdf(path, header, spans, repeat)
        doc = parse_file(path)
        rows = [c for c in doc.clauses if c.kind == "table_row"]
        assert doc.pages >= 3 and max(c.page or 0 for c in rows) >= 3  # the table runs over pages
        assert len(rows) == 24
        assert {c.heading[-1] for c in rows} == {"NHÓM NHIỆM VỤ THỂ CHẾ", "NHÓM NHIỆM VỤ TỔ CHỨC THỰC HIỆN"}
        records = extract_assignments(doc)
        assert _triples(records) == expected, repeat
        assert all(r.due is not None for r in records)


# --- a cell that lists several tasks (mechanism 3) ---------------------------------------------


def test_a_task_cell_listing_several_tasks_gives_each_its_own_record(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
        ["1", "Hoàn thiện thể chế về dữ liệu:\n- Rà soát các quy định về chia sẻ dữ liệu;\n"
              "- Xây dựng Nghị định về quản lý dữ liệu\ndùng chung.", "Bộ Công an", "Bộ Tư pháp",
         "Tháng 6/2026\nTháng 12/2026"],
        ["2", "Các nhiệm vụ sau:\n+ Tổ chức tập huấn cho cán bộ;\n+ Báo cáo Thủ tướng Chính phủ trước ngày "
              "15/11/2026.", "Bộ Nội vụ", "", "Năm 2026"],
        ["3", "Sơ kết việc thực hiện - giai đoạn 1", "Bộ Y tế", "", "Quý IV/2026"],
    ]
    _docx(tmp_path / "kh.docx", [(rows, [])])
    got = {(r.body, r.role, r.task, str(r.due)) for r in _records(tmp_path / "kh.docx")}
    intro = "Hoàn thiện thể chế về dữ liệu:"
    assert got == {
        # as many dates as tasks: the k-th date is the k-th task's
        ("Bộ Công an", "chủ trì", f"{intro} Rà soát các quy định về chia sẻ dữ liệu;", "2026-06-30"),
        ("Bộ Tư pháp", "phối hợp", f"{intro} Rà soát các quy định về chia sẻ dữ liệu;", "2026-06-30"),
        ("Bộ Công an", "chủ trì", f"{intro} Xây dựng Nghị định về quản lý dữ liệu dùng chung.", "2026-12-31"),
        ("Bộ Tư pháp", "phối hợp", f"{intro} Xây dựng Nghị định về quản lý dữ liệu dùng chung.", "2026-12-31"),
        # a task that prints its own date keeps it; the others take the column's
        ("Bộ Nội vụ", "chủ trì", "Các nhiệm vụ sau: Tổ chức tập huấn cho cán bộ;", "2026-12-31"),
        ("Bộ Nội vụ", "chủ trì", "Các nhiệm vụ sau: Báo cáo Thủ tướng Chính phủ trước ngày 15/11/2026.",
         "2026-11-15"),
        # a dash inside a sentence lists nothing
        ("Bộ Y tế", "chủ trì", "Sơ kết việc thực hiện - giai đoạn 1", "2026-12-31"),
    }


def test_a_pdf_cell_whose_lines_were_joined_still_lists_its_tasks() -> None:
    from ingest.assignments import cell_items

    assert cell_items("Hoàn thiện thể chế: - Rà soát quy định; - Xây dựng Nghị định mới.") == (
        "Hoàn thiện thể chế:", ["Rà soát quy định;", "Xây dựng Nghị định mới."])
    assert cell_items("Trung tâm Thông tin - Văn phòng UBND tỉnh vận hành hệ thống.") == (
        "", ["Trung tâm Thông tin - Văn phòng UBND tỉnh vận hành hệ thống."])
