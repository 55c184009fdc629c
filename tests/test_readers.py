"""Readers: every format into one ``RawDocument``, faults with a specific outcome."""

from __future__ import annotations

import functools
import unicodedata
import zipfile
from pathlib import Path

import pytest

from ingest.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    InputError,
    UnsupportedFormatError,
)
from ingest.model import Block, Line, RawDocument, Table
from ingest.quality import MIN_QUALITY
from ingest.readers import read_file
from ingest.readers.docx import Level, Numbering
from ingest.readers.pdf import choose, make_extraction
from tests.conftest import shared_file

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@functools.cache
def read_shared(prefix: str) -> RawDocument:
    """Read a shared-corpus file once per test session (PDFs take a second each)."""
    return read_file(shared_file(prefix))


def lines(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Line)]


def tables(doc: RawDocument) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


# --- real PDFs ---------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["21_", "25_", "26_", "27_"])
def test_scanned_pdf_needs_ocr(prefix: str) -> None:
    path = shared_file(prefix)
    doc = read_file(path)
    assert doc.status == "needs_ocr"
    assert doc.blocks == ()
    assert doc.message.startswith(path.name + ":")
    assert "OCR" in doc.message and "bản quét" in doc.message


@pytest.mark.parametrize("prefix", ["15_", "16_"])
def test_legacy_font_pdf_is_unreadable(prefix: str) -> None:
    path = shared_file(prefix)
    doc = read_file(path)
    assert doc.status == "unreadable_text_layer"
    assert doc.blocks == ()
    assert set(doc.metrics) == {"pypdf", "pdfplumber"}
    assert max(doc.metrics.values()) < MIN_QUALITY
    assert doc.message.startswith(path.name + ":") and "lỗi phông" in doc.message


def test_legacy_horn_glyphs_repaired_in_pdf() -> None:
    doc = read_shared("22_")
    text = "\n".join(lines(doc))
    assert doc.status == "ok"
    assert "Kính gửi: Sở Công Thương tỉnh Lào Cai" in lines(doc)
    assert "ƣ" not in text and "Ƣ" not in text
    assert "BỘ CÔNG THƯƠNG" in text


@pytest.mark.parametrize(
    "prefix,pages", [("05_", 1), ("06_", 4), ("07_", 2), ("08_", 2), ("24_", 2)]
)
def test_text_pdfs_read_with_the_better_extractor(prefix: str, pages: int) -> None:
    doc = read_shared(prefix)
    assert doc.status == "ok" and doc.fmt == "pdf"
    assert set(doc.metrics) == {"pypdf", "pdfplumber"}
    assert doc.extractor in doc.metrics
    assert doc.quality == max(doc.metrics.values()) >= 0.95
    assert doc.pages == pages
    assert all(1 <= b.page <= pages for b in doc.blocks)
    assert all(unicodedata.is_normalized("NFC", t) for t in lines(doc))


def test_pdf_lines_keep_their_page() -> None:
    doc = read_shared("06_")
    assert sorted({b.page for b in doc.blocks}) == [1, 2, 3, 4]
    first = lines(doc)[:2]
    assert first[0].startswith("UỶ BAN NHÂN DÂN")


# --- real TXT / MD -----------------------------------------------------------


def test_seed_plan_reads_as_lines() -> None:
    doc = read_shared("000_")
    assert doc.status == "ok" and doc.fmt == "txt" and doc.extractor == "text"
    assert tables(doc) == []
    got = lines(doc)
    assert got[4] == "Số: 28/KH-BCĐCVĐ"
    assert got[5] == "KẾ HOẠCH"
    heads = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "IV. TỔ CHỨC THỰC HIỆN"]
    positions = [got.index(h) for h in heads]
    assert positions == sorted(positions)
    assert len(got) == 54
    assert all(b.page == 1 for b in doc.blocks)


def test_markdown_pipe_table_becomes_one_table() -> None:
    doc = read_shared("30_")
    task = [t for t in tables(doc) if len(t.rows) == 10]
    assert len(task) == 1
    rows = task[0].rows
    assert rows[0] == (
        "TT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian thực hiện/ hoàn thành",
    )
    assert (
        rows[1][0] == "1." and rows[1][2] == "Cục Biến đổi khí hậu" and rows[1][4] == "Tháng 8/2024"
    )
    assert rows[9][0] == "9." and rows[9][4] == "2024 - 2030"
    assert not any(set(c) <= set("-: ") for t in tables(doc) for r in t.rows for c in r if c)
    # Emphasis markers around the place/date are gone.
    assert tables(doc)[0].rows[1] == ("Số: 09/KH-BTNMT", "Hà Nội, ngày 06 tháng 8 năm 2024")


def test_form_feed_starts_a_new_page() -> None:
    doc = read_shared("04_")
    assert doc.pages == 7
    assert max(b.page for b in doc.blocks) >= 6


# --- real DOCX ---------------------------------------------------------------


def test_docx_paragraphs_in_order() -> None:
    doc = read_shared("09_")
    got = lines(doc)
    assert doc.status == "ok" and doc.extractor == "python-docx"
    heads = [
        "1. Bộ Kế hoạch và Đầu tư:",
        "2. Bộ Công Thương:",
        "3. Bộ Tài nguyên và Môi trường:",
        "4. Bộ Xây dựng:",
        "5. Bộ Tài chính:",
        "6. Bộ Nội vụ:",
    ]
    positions = [got.index(h) for h in heads]
    assert positions == sorted(positions)
    assert got[got.index(heads[0]) + 1].startswith("a) Chủ trì, phối hợp")
    assert tables(doc)[0].rows[1] == ("Số: 07/CT-TTg", "Hà Nội, ngày 02 tháng 03 năm 2012")


def test_docx_auto_numbered_table_column_is_reconstructed() -> None:
    # The "TT" column of 17_'s task table is Word auto-numbering (no text in the XML).
    doc = read_shared("17_")
    task = next(t for t in tables(doc) if t.rows[0][0] == "TT")
    numbers = [r[0] for r in task.rows[1:]]
    assert numbers == [f"{i}." for i in range(1, len(numbers) + 1)]
    assert len(numbers) == 9
    assert task.rows[1][1].startswith("Rà soát việc đáp ứng")


def test_docx_text_in_smart_tags_is_kept() -> None:
    # python-docx's Paragraph.text drops the "NAM" of this header cell.
    doc = read_shared("02_")
    assert tables(doc)[0].rows[0][2].startswith("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")


# --- DOCX numbering built in the test ------------------------------------------

NUMBERING_XML = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>
</w:abstractNum>
"""
NUM_XML = """
<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">
  <w:abstractNumId w:val="90"/>
</w:num>
"""


def make_numbered_docx(path: Path, items: list[tuple[int | None, str]]) -> None:
    """A .docx whose paragraphs use a 4-level Word list (ilvl None: plain paragraph)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(NUMBERING_XML))  # abstractNum must precede num
    numbering.append(parse_xml(NUM_XML))
    for ilvl, text in items:
        p = document.add_paragraph(text)
        if ilvl is None:
            continue
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().set(qn("w:val"), str(ilvl))
        num_pr.get_or_add_numId().set(qn("w:val"), "90")
    document.save(str(path))


def test_word_auto_numbering_labels_are_prepended(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    make_numbered_docx(
        path,
        [
            (None, "KẾ HOẠCH"),
            (0, "MỤC ĐÍCH, YÊU CẦU"),
            (1, "Mục đích"),
            (1, "Yêu cầu"),
            (0, "NỘI DUNG"),
            (1, "Nhiệm vụ chung"),
            (2, "Sở Công Thương chủ trì"),
            (3, "rà soát quy hoạch;"),
            (3, "báo cáo trước ngày 15/6;"),
            (2, "UBND các xã phối hợp"),
            (1, "Tổ chức thực hiện"),
            (3, "nhánh mới bắt đầu lại từ a"),
        ],
    )
    assert lines(read_file(path)) == [
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "II. NỘI DUNG",
        "1. Nhiệm vụ chung",
        "1.1. Sở Công Thương chủ trì",
        "a) rà soát quy hoạch;",
        "b) báo cáo trước ngày 15/6;",
        "1.2. UBND các xã phối hợp",
        "2. Tổ chức thực hiện",
        "a) nhánh mới bắt đầu lại từ a",
    ]


def test_list_number_style_numbers_paragraphs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for text in ("Mục đích", "Yêu cầu", "Nội dung"):
        document.add_paragraph(text, style="List Number")
    document.save(str(tmp_path / "style.docx"))
    assert lines(read_file(tmp_path / "style.docx")) == ["1. Mục đích", "2. Yêu cầu", "3. Nội dung"]


def test_numbering_start_and_formats() -> None:
    n = Numbering({"7": {0: Level("lowerLetter", "%1)", start=4), 1: Level("bullet", "")}})
    assert [n.label("7", 0), n.label("7", 1), n.label("7", 0)] == ["d)", "-", "e)"]
    assert n.label("missing", 0) == ""
    legal = Numbering(
        {"1": {0: Level("upperRoman", "%1."), 1: Level("decimal", "%1.%2.", legal=True)}}
    )
    assert [legal.label("1", 0), legal.label("1", 1)] == ["I.", "1.1."]


def test_docx_merged_cells_not_duplicated(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "PHỤ LỤC NHIỆM VỤ"
    table.cell(1, 0).text, table.cell(1, 1).text = "Rà soát quy hoạch", "Quý II/2026"
    table.cell(2, 0).text, table.cell(2, 1).text = "Báo cáo kết quả", "trước 15/12"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Sở Công Thương"
    document.save(str(tmp_path / "merged.docx"))
    (got,) = tables(read_file(tmp_path / "merged.docx"))
    assert got.rows == (
        ("PHỤ LỤC NHIỆM VỤ", "", ""),
        ("Rà soát quy hoạch", "Quý II/2026", "Sở Công Thương"),
        # A vertically merged owner repeats, so each task row keeps its owner.
        ("Báo cáo kết quả", "trước 15/12", "Sở Công Thương"),
    )


# --- PDF table built in the test -------------------------------------------------


def make_table_pdf(path: Path) -> None:
    """Two-page PDF: a paragraph, a ruled task table, a paragraph, then page 2."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as RLTable

    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=11)
    grid = RLTable(
        [
            ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"],
            ["1", "Rà soát quy hoạch cụm công nghiệp", "Sở Công Thương", "Quý II/2026"],
            [
                "2",
                "Kiểm tra an toàn hóa chất",
                "Sở Nông nghiệp và Môi trường",
                "trước ngày 15/4/2026",
            ],
        ]
    )
    grid.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "DejaVu")]
        )
    )
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [
            Paragraph("Ủy ban nhân dân tỉnh Lào Cai giao nhiệm vụ như sau:", style),
            grid,
            Paragraph("Các cơ quan triển khai thực hiện nghiêm túc.", style),
            PageBreak(),
            Paragraph("Trang hai của văn bản.", style),
        ]
    )


def test_pdf_ruled_table_becomes_table_without_duplicate_lines(tmp_path: Path) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    path = tmp_path / "phan-cong.pdf"
    make_table_pdf(path)
    doc = read_file(path)
    assert doc.status == "ok" and doc.extractor == "pdfplumber" and doc.pages == 2
    assert doc.blocks == (
        Line("Ủy ban nhân dân tỉnh Lào Cai giao nhiệm vụ như sau:", 1),
        Table(
            (
                ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"),
                ("1", "Rà soát quy hoạch cụm công nghiệp", "Sở Công Thương", "Quý II/2026"),
                (
                    "2",
                    "Kiểm tra an toàn hóa chất",
                    "Sở Nông nghiệp và Môi trường",
                    "trước ngày 15/4/2026",
                ),
            ),
            1,
        ),
        Line("Các cơ quan triển khai thực hiện nghiêm túc.", 1),
        Line("Trang hai của văn bản.", 2),
    )


# --- TXT built in the test ---------------------------------------------------------


def test_decomposed_unicode_txt_reads_back_nfc(tmp_path: Path) -> None:
    text = "Ủy ban nhân dân tỉnh giao Sở Công Thương chủ trì thực hiện."
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    assert lines(read_file(path)) == [text]


def test_txt_pages_tables_and_markdown(tmp_path: Path) -> None:
    path = tmp_path / "van-ban.md"
    path.write_text(
        "# KẾ HOẠCH\n\n**Điều 1.** Ban hành kèm theo\n"
        "| TT | Nhiệm vụ |\n|:---|---:|\n|  1. | Rà soát \\| kiểm tra |\n"
        "Trang một\fTrang hai\n(*) Ghi chú\n",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert doc.fmt == "md" and doc.pages == 2
    assert doc.blocks == (
        Line("KẾ HOẠCH", 1),
        Line("Điều 1. Ban hành kèm theo", 1),
        Table((("TT", "Nhiệm vụ"), ("1.", "Rà soát | kiểm tra")), 1),
        Line("Trang một", 1),
        Line("Trang hai", 2),
        Line("(*) Ghi chú", 2),
    )


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters with hat/horn/breve precomposed, tone marks combining."""
    out = []
    for ch in text:
        base = "".join(
            c for c in unicodedata.normalize("NFD", ch) if c not in "\u0300\u0301\u0303\u0309\u0323"
        )
        tones = "".join(
            c for c in unicodedata.normalize("NFD", ch) if c in "\u0300\u0301\u0303\u0309\u0323"
        )
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258")


def test_windows_1258_txt_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(to_cp1258("Kính gửi: Sở Công Thương"))
    assert lines(read_file(path)) == ["Kính gửi: Sở Công Thương"]


def test_tcvn3_txt_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "vntime.txt"
    path.write_text(
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
        "Së C«ng Th­¬ng tØnh Lµo Cai\n",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert doc.status == "unreadable_text_layer" and doc.blocks == ()
    assert doc.quality is not None and doc.quality < MIN_QUALITY
    assert doc.message.startswith("vntime.txt:") and "TCVN3" in doc.message


# --- faults that raise ------------------------------------------------------------


def _corpus_pdf_bytes() -> bytes:
    return shared_file("05_").read_bytes()


@pytest.mark.parametrize(
    "name,content,error",
    [
        ("rong.txt", b"", EmptyFileError),
        ("rong.pdf", b"", EmptyFileError),
        ("rong.docx", b"", EmptyFileError),
        ("trang.md", b" \n\n \t\n", EmptyFileError),
        ("bang-tinh.xls", b"\xd0\xcf\x11\xe0 not supported", UnsupportedFormatError),
        ("cu.doc", b"\xd0\xcf\x11\xe0", CorruptFileError),  # truncated: not even a header
        ("bang.wpd", b"\xffWPC", UnsupportedFormatError),
        ("khong-duoi", b"abc", UnsupportedFormatError),
        ("gia.pdf", "<html>Trang web, không phải PDF</html>".encode(), CorruptFileError),
        ("gia.docx", b"PK\x03\x04 not really a zip", CorruptFileError),
    ],
)
def test_unusable_files_raise(
    tmp_path: Path, name: str, content: bytes, error: type[InputError]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_file(path)
    assert str(info.value).startswith(name + ":")
    assert info.value.hint  # says what to do


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cat-do.pdf"
    path.write_bytes(_corpus_pdf_bytes()[:20000])
    with pytest.raises(CorruptFileError, match="cat-do.pdf: tệp PDF bị hỏng"):
        read_file(path)


def test_zip_that_is_not_a_docx_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ghi-chu.txt", "không phải tài liệu Word")
    with pytest.raises(CorruptFileError, match="nen.docx: tệp .docx bị hỏng"):
        read_file(path)


def test_password_protected_docx_is_encrypted_error(tmp_path: Path) -> None:
    # Word stores an encrypted .docx as an OLE compound file with an EncryptionInfo stream.
    path = tmp_path / "bao-mat.docx"
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path.write_bytes(cfb + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(EncryptedFileError, match="bao-mat.docx: tài liệu Word được bảo vệ"):
        read_file(path)
    old = tmp_path / "cu-doi-duoi.docx"
    old.write_bytes(cfb + b"WordDocument")
    with pytest.raises(CorruptFileError, match=r"\.doc cũ đổi đuôi"):
        read_file(old)


def test_password_protected_pdf_is_encrypted_error(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=shared_file("05_"))
    writer.encrypt("mat-khau")
    path = tmp_path / "mat-khau.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(EncryptedFileError, match="mat-khau.pdf: tệp PDF được bảo vệ bằng mật khẩu"):
        read_file(path)


def test_pdf_with_empty_user_password_still_reads(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=shared_file("05_"))
    writer.encrypt("", owner_password="chu-so-huu")
    path = tmp_path / "chi-han-che-sua.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    doc = read_file(path)
    assert doc.status == "ok" and "Kính gửi: Sở Công Thương." in lines(doc)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="khong-co.pdf: không tìm thấy tệp"):
        read_file(tmp_path / "khong-co.pdf")


def test_choose_prefers_the_extractor_that_kept_the_letters() -> None:
    # pypdf on a PDF whose font subset holds Ủ, ệ, ỉ separately: letters drop out of words.
    scrambled: list[list[Block]] = [
        [Line("y ban MTTQ Vi t Nam t nh Bình Đ nh", 1), Line("Ủ ệ ỉ ị", 1)]
    ]
    correct: list[list[Block]] = [[Line("Ủy ban MTTQ Việt Nam tỉnh Bình Định", 1)]]
    pypdf_run = make_extraction("pypdf", scrambled)
    plumber_run = make_extraction("pdfplumber", correct)
    assert pypdf_run.quality < plumber_run.quality == 1.0
    assert choose([pypdf_run, plumber_run]) is plumber_run
    # And the other way round: pypdf wins when pdfplumber printed (cid:…) junk.
    junk_page: list[list[Block]] = [[Line("(cid:54)(cid:1250) ban MTTQ (cid:57)", 1)]]
    junk = make_extraction("pdfplumber", junk_page)
    good = make_extraction("pypdf", correct)
    assert choose([good, junk]) is good


def make_canvas_pdf(path: Path, pages: list[list[str] | None]) -> None:
    """A PDF with one page per item: lines of typed text, or None for an image-only page."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    c = canvas.Canvas(str(path))
    for page in pages:
        c.setFont("DejaVu", 12)
        if page is None:  # a "scanned" page: a grey picture, no text
            c.drawImage(ImageReader(Image.new("L", (200, 280), 200)), 72, 300, 400, 500)
        for i, text in enumerate(page or []):
            c.drawString(72, 760 - 20 * i, text)
        c.showPage()
    c.save()


def test_image_only_page_inside_a_typed_pdf_is_named(tmp_path: Path) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    path = tmp_path / "mot-trang-quet.pdf"
    make_canvas_pdf(path, [["Ủy ban nhân dân tỉnh Lào Cai", "Giao Sở Công Thương chủ trì"], None])
    doc = read_file(path)
    assert doc.status == "ok" and doc.pages == 2
    assert lines(doc) == ["Ủy ban nhân dân tỉnh Lào Cai", "Giao Sở Công Thương chủ trì"]
    assert doc.message.startswith("mot-trang-quet.pdf: trang 2 là ảnh quét")


def test_pdf_of_images_only_needs_ocr(tmp_path: Path) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    path = tmp_path / "ban-quet.pdf"
    make_canvas_pdf(path, [None, None, None])
    doc = read_file(path)
    assert (doc.status, doc.blocks, doc.pages, doc.quality) == ("needs_ocr", (), 3, None)
    assert doc.message.startswith("ban-quet.pdf: tệp PDF là bản quét")
