"""``parse_file`` on real documents (spot checks of the issue) and on bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from ingest.model import Document, Line, RawDocument, Table
from ingest.parse import document_to_dict, parse_file, parse_files, parse_raw
from ingest.tables import rows_from_flat_cells, task_columns
from tests.conftest import shared_file


def _clauses(doc: Document) -> dict[str, object]:
    return {c.path: c for c in doc.clauses}


def _check_spans(doc: Document) -> None:
    pos = 0
    for c in doc.clauses:
        s, e = c.span
        assert doc.text[s:e] == c.text, c.path
        assert s >= pos, c.path
        pos = e


def test_seed_plan_clause_iv_1_1() -> None:
    doc = parse_file(shared_file("000_"))
    assert doc.status == "ok"
    c = _clauses(doc)["IV.1.1"]
    assert c.text.startswith("Ủy ban MTTQ Việt Nam tỉnh")
    assert c.label == "Mục IV › 1 › 1.1"
    assert c.heading == ("TỔ CHỨC THỰC HIỆN", "Cấp tỉnh")
    assert [p for p in _clauses(doc) if p.startswith("IV.1.1.")] == [
        "IV.1.1.-1",
        "IV.1.1.-2",
        "IV.1.1.-3",
    ]
    # The two-column closing: signature on the right, distribution list on the left.
    assert doc.closing.signer == "Phạm Văn Nam"
    assert doc.closing.authority is not None and doc.closing.authority.startswith("TM. Ban")
    assert "Lưu: VT, BPT" in doc.closing.cc
    assert not any("Nơi nhận" in cl.text for cl in doc.clauses)
    _check_spans(doc)


def test_directive_clause_2b() -> None:
    doc = parse_file(shared_file("29_"))
    c = _clauses(doc)["2.b"]
    assert c.text.endswith("trước ngày 30 tháng 7 năm 2024.")
    assert c.label == "Mục 2 › điểm b"
    assert c.heading == ("Bộ Tài nguyên và Môi trường",)
    assert [p for p in _clauses(doc) if not p.startswith("preamble")][:3] == ["1", "1.a", "1.b"]
    assert doc.closing.signer == "Phạm Minh Chính" and doc.closing.position == "Thủ tướng"
    _check_spans(doc)


def test_plan_task_table_nine_rows() -> None:
    doc = parse_file(shared_file("30_"))
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert [c.path for c in rows] == [f"PL.{i}" for i in range(1, 10)]
    first = rows[0]
    cols = task_columns(doc.tables[0].rows[0])
    assert cols == {"no": 0, "task": 1, "lead": 2, "coord": 3, "due": 4}
    assert first.cells[cols["lead"]] == "Cục Biến đổi khí hậu"
    assert first.cells[cols["due"]] == "Tháng 8/2024"
    assert first.label == "Phụ lục, dòng 1"
    assert first.heading[0].startswith("PHỤ LỤC CÁC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH")
    # The header and signature tables are not kept as document tables.
    assert len(doc.tables) == 1
    _check_spans(doc)


def test_flattened_task_table_is_rebuilt() -> None:
    doc = parse_file(shared_file("34_"))
    rows = {c.path: c for c in doc.clauses if c.kind == "table_row"}
    assert list(rows) == [
        "PL.1.a",
        "PL.1.b",
        "PL.1.c",
        "PL.2.a",
        "PL.2.b",
        "PL.2.c",
        "PL.2.d",
        "PL.2.đ",
        "PL.3",
        "PL.4",
        "PL.5",
    ]
    assert rows["PL.2.a"].cells[2:] == (
        "Cục Lâm nghiệp và Kiểm lâm",
        "Vụ Pháp chế; các cơ quan, đơn vị có liên quan",
        "Quý III/2026",
    )
    # Row c) is split over a page: both halves of the task and the lead are rejoined.
    assert (
        rows["PL.2.c"].cells[2] == "Viện Khoa học lâm nghiệp Việt Nam, Cục Lâm nghiệp và Kiểm lâm"
    )
    assert rows["PL.1.a"].heading[-1].startswith("Tổ chức tuyên truyền, phổ biến")
    # The attached plan keeps its own numbering under the "KH" prefix.
    assert "KH.II.2.đ" in _clauses(doc) and "Điều 3" in _clauses(doc)


def test_decision_with_attached_regulation() -> None:
    doc = parse_file(shared_file("19_"))
    paths = _clauses(doc)
    assert {"Điều 1", "Điều 2.2.a", "QC.Điều 1", "QC.Điều 3.1.a", "QC.Điều 30.4"} <= set(paths)
    assert paths["QC.Điều 1"].heading[-1] == "QUY ĐỊNH CHUNG"
    assert doc.closing.authority == "TM. Ủy ban nhân dân, KT. Chủ tịch"
    assert doc.closing.signer == "Nguyễn Thế Phước"
    _check_spans(doc)


def test_appendix_only_markdown_file() -> None:
    doc = parse_file(shared_file("28b_"))
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert doc.header.doc_type == "Phụ lục"
    assert rows[0].path == "PL.1" and rows[0].cells[2] == "Bộ Khoa học và Công nghệ"
    assert rows[0].heading[-1].startswith("Nâng cao nhận thức")
    assert len(rows) > 100


@pytest.mark.parametrize("prefix", ["21_", "25_", "26_", "27_"])
def test_scans_need_ocr(prefix: str) -> None:
    doc = parse_file(shared_file(prefix))
    assert doc.status == "needs_ocr"
    assert doc.clauses == () and doc.message


def test_docx_directive() -> None:
    doc = parse_file(shared_file("09_"))
    assert (doc.header.number, doc.header.date) == ("07/CT-TTg", dt.date(2012, 3, 2))
    c = _clauses(doc)["1.a"]
    assert c.heading == ("Bộ Kế hoạch và Đầu tư",)
    assert c.text.startswith("Chủ trì, phối hợp với Bộ, ngành liên quan rà soát")
    assert doc.closing.signer == "Nguyễn Tấn Dũng"
    _check_spans(doc)


def test_pdf_notice() -> None:
    doc = parse_file(shared_file("24_"))
    h = doc.header
    assert (h.doc_type, h.number, h.date, h.place) == (
        "Thông báo",
        "254/TB-PCTT",
        dt.date(2022, 9, 6),
        "Thừa Thiên Huế",
    )
    assert [c.path for c in doc.clauses if c.kind == "clause"] == ["1", "2", "3", "4", "5"]
    assert doc.closing.signer == "Phan Thanh Hùng"
    _check_spans(doc)


def test_pdf_cong_van_pages() -> None:
    doc = parse_file(shared_file("07_"))
    c = _clauses(doc)
    assert doc.header.doc_type == "Công văn" and doc.header.number == "/UBND-XD"
    assert c["2"].text.startswith("Giao Sở Xây dựng") and c["2"].page == 2
    assert doc.closing.signer == "Phan Trung Bá"


def test_bad_files_become_error_documents(tmp_path: Path) -> None:
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    legacy = tmp_path / "cu.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    docs = parse_files([empty, legacy, tmp_path / "khong-co.pdf"])
    assert [d.status for d in docs] == ["error", "error", "error"]
    assert docs[0].message.startswith("rong.txt:")
    assert (
        ".doc" in docs[1].message
        and docs[1].doc_id == hashlib.sha256(legacy.read_bytes()).hexdigest()[:16]
    )


def test_reader_crash_does_not_stop_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.readers as readers

    def boom(path: object) -> RawDocument:
        raise ValueError("hỏng bảng")

    monkeypatch.setattr(readers, "read_file", boom)
    f = tmp_path / "a.txt"
    f.write_text("Số: 1/KH-UBND", encoding="utf-8")
    doc = parse_file(f)
    assert doc.status == "error"
    assert "a.txt" in doc.message and "ValueError" in doc.message and "hỏng bảng" in doc.message


def test_parse_files_expands_folders(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(
        "KẾ HOẠCH\nKiểm tra\n1. Sở Công Thương chủ trì.", encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Số: 3/TB-UBND\n1. Giao Công an tỉnh.", encoding="utf-8")
    (tmp_path / "ghi-chu.tsv").write_text("x", encoding="utf-8")
    docs = parse_files([tmp_path])
    assert [Path(d.file).name for d in docs] == ["a.txt", "b.md"]
    assert [d.header.doc_type for d in docs] == ["Thông báo", "Kế hoạch"]


def test_document_to_dict_shape() -> None:
    raw = RawDocument(
        "a.txt",
        "txt",
        (
            Line("Số: 12/KH-UBND"),
            Line("Lào Cai, ngày 02 tháng 3 năm 2026"),
            Line("KẾ HOẠCH"),
            Line("Kiểm tra mỏ"),
            Line("1. Sở Công Thương chủ trì."),
            Table(
                rows=(
                    ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"),
                    ("1", "Kiểm tra", "Sở Công Thương", "Quý II/2026"),
                )
            ),
        ),
        "text",
    )
    d = document_to_dict(parse_raw(raw, "abc"))
    assert {
        "file",
        "status",
        "message",
        "type",
        "number",
        "date",
        "place",
        "issuer",
        "title",
        "recipients",
        "signer",
        "clauses",
        "tables",
    } <= set(d)
    assert (d["type"], d["number"], d["date"]) == ("Kế hoạch", "12/KH-UBND", "2026-03-02")
    assert [c["path"] for c in d["clauses"]] == ["1", "B1.1"]
    assert d["clauses"][1]["cells"] == ["1", "Kiểm tra", "Sở Công Thương", "Quý II/2026"]
    assert d["tables"][0]["rows"][1][2] == "Sở Công Thương"


def test_flat_cells_helper() -> None:
    rows = rows_from_flat_cells(
        [
            "1",
            "Tuyên truyền",
            "a)",
            "Hội nghị",
            "Cục A",
            "Vụ B",
            "Quý III",
            "tiếp phần nhiệm vụ",
            "Cục",
        ],
        5,
    )
    assert rows[1] == ("a", "Hội nghị tiếp phần nhiệm vụ", "Cục A Cục", "Vụ B", "Quý III")


def test_cli_parse_json_on_directive() -> None:
    import json

    from click.testing import CliRunner

    from vanban.cli import main

    result = CliRunner().invoke(main, ["parse", str(shared_file("29_")), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["type"], data["number"], data["date"], data["signer"]) == (
        "Chỉ thị",
        "13/CT-TTg",
        "2024-05-02",
        "Phạm Minh Chính",
    )
    clause = next(c for c in data["clauses"] if c["path"] == "2.b")
    # a text file without form feeds has no pages; the paragraph locates the clause
    assert clause["label"] == "Mục 2 › điểm b" and clause["page"] is None
    assert clause["paragraph"] == 11


def test_resolution_with_attached_programme() -> None:
    doc = parse_file(shared_file("28_"))
    c = _clauses(doc)
    assert (doc.header.doc_type, doc.header.number) == ("Nghị quyết", "03/NQ-CP")
    assert "Điều 3" in c and "CTr.II.1.a" in c
    assert c["CTr.II.1.a"].heading[0].startswith("CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ")
    assert doc.closing.authority == "TM. Chính phủ, KT. Thủ tướng"
    assert doc.closing.position == "Phó Thủ tướng" and doc.closing.signer == "Nguyễn Hòa Bình"


def test_closing_columns_collapsed_to_one_space() -> None:
    from ingest.closing import parse_closing

    c = parse_closing(
        [
            "Nơi nhận: TM. ỦY BAN NHÂN DÂN",
            "- Văn phòng Chính phủ;",
            "- Bộ Công Thương; KT. CHỦ TỊCH",
            "- Cục KTVB - Bộ Tư pháp; PHÓ CHỦ TỊCH",
            "- Lưu: VT, KT(Đức, Long).",
            "Nguyễn Thế Phước",
        ]
    )
    assert (c.authority, c.position, c.signer) == (
        "TM. Ủy ban nhân dân, KT. Chủ tịch",
        "Phó Chủ tịch",
        "Nguyễn Thế Phước",
    )
    assert c.cc == (
        "Văn phòng Chính phủ",
        "Bộ Công Thương",
        "Cục KTVB - Bộ Tư pháp",
        "Lưu: VT, KT(Đức, Long)",
    )


def test_closing_from_markdown_cells() -> None:
    from ingest.closing import parse_closing

    c = parse_closing(
        [
            "Nơi nhận: - Như trên; - Lưu: VT, NN (2b).",
            "KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM Nguyễn Cao Lục",
        ]
    )
    assert (c.authority, c.position, c.signer) == (
        "KT. Bộ trưởng, Chủ nhiệm",
        "Phó Chủ nhiệm",
        "Nguyễn Cao Lục",
    )
    assert c.cc == ("Như trên", "Lưu: VT, NN (2b)")


def test_task_table_continued_on_next_page() -> None:
    header = ("STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn")
    raw = RawDocument("kh.pdf", "pdf", (
        Line("PHỤ LỤC"), Line("PHÂN CÔNG NHIỆM VỤ"),
        Table(rows=(header, ("1", "Khảo sát", "Phòng Đào tạo", "Các khoa", "Trước ngày 29/6/2026")),
              page=3),
        Line("4"),  # the page number printed between the two halves
        Table(rows=(("2", "Tổng hợp kết quả", "Phòng Khảo thí", "", "Trước ngày 09/7/2026"),),
              page=4),
    ), "pdfplumber")
    rows = [c for c in parse_raw(raw, "x").clauses if c.kind == "table_row"]
    assert [(r.path, r.page, r.cells[2]) for r in rows] == [
        ("PL.1", 3, "Phòng Đào tạo"), ("PL.2", 4, "Phòng Khảo thí")]
    assert rows[1].heading == ("PHỤ LỤC PHÂN CÔNG NHIỆM VỤ",)


@pytest.mark.parametrize("prefix", ["000_", "19_"])
def test_same_result_with_layout_spacing_kept(prefix: str) -> None:
    """Whether a reader keeps the pdftotext column gaps or collapses them, the parse agrees."""
    import unicodedata

    path = shared_file(prefix)
    lines = [unicodedata.normalize("NFC", s.rstrip()) for s in path.read_text("utf-8").splitlines()]
    raw = RawDocument(str(path), "txt", tuple(Line(s) for s in lines if s.strip()), "test")
    kept, collapsed = parse_raw(raw, "x"), parse_file(path)
    assert kept.header == collapsed.header
    assert [c.path for c in kept.clauses] == [c.path for c in collapsed.clauses]
    assert (kept.closing.authority, kept.closing.signer) == (
        collapsed.closing.authority, collapsed.closing.signer)
