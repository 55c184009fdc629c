"""Opt-in OCR: scans stay ``needs_ocr`` by default, ``ocr=True`` reads them with tesseract."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
from pathlib import Path

import pytest

import ingest.readers.ocr as ocr
from ingest.model import Line, RawDocument
from ingest.parse import file_id, parse_file, parse_files, parse_raw
from ingest.readers import read_file
from ingest.readers.ocr import fix_ocr_text, ocr_unavailable, page_lines
from tests.conftest import shared_file
from tests.test_readers import DEJAVU, make_canvas_pdf

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"


def _why_no_ocr() -> str | None:
    binary = ocr.find_tesseract()
    if binary is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
    if "vie" not in ocr.tesseract_languages(binary):
        return "tesseract has no Vietnamese data (apt-get install tesseract-ocr-vie)"
    return None


_NO_OCR = _why_no_ocr()
needs_tesseract = pytest.mark.skipif(_NO_OCR is not None, reason=str(_NO_OCR))


def lines(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Line)]


def paged(doc: RawDocument) -> list[tuple[str, int]]:
    """(text, page) of every block; OCR gives lines only, never tables."""
    assert all(isinstance(b, Line) for b in doc.blocks)
    return [(b.text, b.page) for b in doc.blocks if isinstance(b, Line)]


# --- text repairs (pure) -------------------------------------------------------


@pytest.mark.parametrize(
    ("ocr_text", "fixed"),
    [
        ("QUYÉT ĐỊNH", "QUYẾT ĐỊNH"),  # circumflex lost under the tone in capitals
        ("Số:2576 /QĐÐ-BGDĐT", "Số:2576 /QĐ-BGDĐT"),  # one Đ read twice, once as eth
        ("ÐIỀU 1", "ĐIỀU 1"),
        ("Số: 1105\u2044KH-ĐKT", "Số: 1105/KH-ĐKT"),  # fraction slash
        ("thiét kế, tiép nhận, nghiẹp vụ", "thiết kế, tiếp nhận, nghiệp vụ"),
        ("NGHIÊN CỨU", "NGHIÊN CỨU"),  # already right: untouched
        ("Hiep hoi, Diet, Kieu", "Hiep hoi, Diet, Kieu"),  # no tone on e: maybe not Vietnamese
        ("kiém tra", "kiếm tra"),
        ("Hà Nội, ngày ]] tháng 9 năm 2025", "Hà Nội, ngày 11 tháng 9 năm 2025"),  # stamped 11
        ("ngày 19 tháng I1 năm 2018", "ngày 19 tháng 11 năm 2018"),
        ("ngày0} thángh măm 2026", "ngày0} thángh măm 2026"),  # handwriting: left alone
        ("Mục I tháng", "Mục I tháng"),  # not a date slot
    ],
)
def test_fix_ocr_text(ocr_text: str, fixed: str) -> None:
    assert fix_ocr_text(ocr_text) == fixed


def test_page_lines_drops_blank_lines_and_form_feed() -> None:
    text = "BỘ GIÁO DỤC VÀ ĐÀO TẠO\n\n  QUYÉT  ĐỊNH \nHà Nội, ngày  ]] tháng 9\n\x0c"
    assert page_lines(text) == ["BỘ GIÁO DỤC VÀ ĐÀO TẠO", "QUYẾT ĐỊNH", "Hà Nội, ngày 11 tháng 9"]


# --- default behaviour and missing tesseract (fast, no OCR runs) ------------------


def test_scan_stays_needs_ocr_by_default() -> None:
    path = shared_file("26_")
    doc = read_file(path)
    assert (doc.status, doc.blocks, doc.extractor) == ("needs_ocr", (), "pdfplumber")
    assert "tesseract" not in doc.metrics


def test_missing_tesseract_keeps_needs_ocr_with_install_hint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    path = shared_file("26_")
    doc = read_file(path, ocr=True)
    assert (doc.status, doc.blocks) == ("needs_ocr", ())
    assert doc.message.startswith(f"{path.name}: tệp PDF là bản quét")
    assert "không tìm thấy chương trình OCR tesseract" in doc.message
    assert INSTALL in doc.message


def test_missing_vietnamese_data_keeps_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(ocr, "tesseract_languages", lambda binary: frozenset({"eng", "osd"}))
    assert ocr_unavailable() == f"tesseract chưa có dữ liệu tiếng Việt (vie) — hãy cài tesseract và dữ liệu tiếng Việt: {INSTALL}"
    doc = parse_file(shared_file("26_"), ocr=True)
    assert doc.status == "needs_ocr" and doc.clauses == ()
    assert "(vie)" in doc.message and INSTALL in doc.message


def test_tesseract_crash_keeps_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(binary: str, image: bytes, dpi: int = 300) -> str:
        raise subprocess.CalledProcessError(1, [binary])

    monkeypatch.setattr(ocr, "find_tesseract", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(ocr, "tesseract_languages", lambda binary: frozenset({"vie"}))
    monkeypatch.setattr(ocr, "run_tesseract", crash)
    doc = read_file(shared_file("26_"), ocr=True)
    assert doc.status == "needs_ocr"
    assert "OCR thất bại (CalledProcessError)" in doc.message


def _fake_tesseract(monkeypatch: pytest.MonkeyPatch, text: str) -> list[bytes]:
    """Replace the tesseract call by one returning ``text``; returns the images it got."""
    seen: list[bytes] = []

    def fake(binary: str, image: bytes, dpi: int = 300) -> str:
        seen.append(image)
        return text

    monkeypatch.setattr(ocr, "find_tesseract", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(ocr, "tesseract_languages", lambda binary: frozenset({"vie"}))
    monkeypatch.setattr(ocr, "run_tesseract", fake)
    return seen


def test_junk_ocr_text_keeps_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tesseract(monkeypatch, "6Ӣ 7+ѬѪ1* &Ӝ1* ~~ ;;; ШЩ\n")
    doc = read_file(shared_file("26_"), ocr=True)
    assert (doc.status, doc.blocks) == ("needs_ocr", ())
    assert doc.metrics["tesseract"] < 0.7
    assert "OCR đọc được quá ít chữ tiếng Việt" in doc.message


def test_each_page_is_rendered_and_keeps_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _fake_tesseract(monkeypatch, "Điều 1. Cục Khoa học chủ trì.\n")
    doc = read_file(shared_file("27_"), ocr=True)  # a 2-page scan
    assert (doc.status, doc.extractor, doc.pages, doc.quality) == ("ok", "tesseract", 2, 1.0)
    assert paged(doc) == [
        ("Điều 1. Cục Khoa học chủ trì.", 1), ("Điều 1. Cục Khoa học chủ trì.", 2)]
    # Each page as a grey PGM at 300 dpi: 594.96 x 840 pt → 2479 x 3501 px (pdfium rounds up).
    assert [img.split(b"\n")[:3] for img in seen] == [[b"P5", b"2479 3501", b"255"]] * 2
    assert "văn bản được nhận dạng bằng OCR, có thể có lỗi" in doc.message


def test_garbled_text_layer_is_read_by_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    # 16_ is typed in a legacy font: its text layer scores 0.21-0.38, the pages render fine.
    assert read_file(shared_file("16_")).status == "unreadable_text_layer"
    _fake_tesseract(monkeypatch, "Điều 1. Thành lập Đoàn kiểm tra.\n")
    doc = read_file(shared_file("16_"), ocr=True)
    assert (doc.status, doc.extractor, doc.pages, doc.quality) == ("ok", "tesseract", 4, 1.0)
    assert set(doc.metrics) == {"pypdf", "pdfplumber", "tesseract"}
    assert max(doc.metrics["pypdf"], doc.metrics["pdfplumber"]) < 0.7
    assert [b.page for b in doc.blocks] == [1, 2, 3, 4]


def test_parse_files_threads_the_ocr_option(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tesseract(monkeypatch, "Điều 1. Cục Khoa học chủ trì.\n")
    path = shared_file("26_")
    without, with_ocr = parse_files([path])[0], parse_files([path], ocr=True)[0]
    assert (without.status, with_ocr.status, with_ocr.extractor) == ("needs_ocr", "ok", "tesseract")
    assert [c.path for c in with_ocr.clauses] == ["Điều 1"]


# --- real OCR (slow: a few seconds per page) -------------------------------------


@functools.cache
def ocr_26() -> RawDocument:
    """Quyết định 2576/QĐ-BGDĐT (a one-page scan) read with tesseract, once per session."""
    return read_file(shared_file("26_"), ocr=True)


@pytest.mark.slow
@needs_tesseract
def test_ocr_reads_a_one_page_scan() -> None:
    doc = ocr_26()
    assert (doc.status, doc.extractor, doc.pages) == ("ok", "tesseract", 1)
    assert doc.message == (f"{shared_file('26_').name}: văn bản được nhận dạng bằng OCR, "
                           "có thể có lỗi — hãy đối chiếu với bản gốc")
    assert doc.quality is not None and doc.quality >= 0.95  # measured 0.998
    assert doc.metrics["tesseract"] == doc.quality
    text = lines(doc)
    assert {b.page for b in doc.blocks} == {1}
    assert "QUYẾT ĐỊNH" in text and "BỘ TRƯỞNG BỘ GIÁO DỤC VÀ ĐÀO TẠO" in text
    assert any(t.startswith("Điều 2. Cục Khoa học, Công nghệ và Thông tin") for t in text)


@pytest.mark.slow
@needs_tesseract
def test_parser_reads_the_header_of_the_ocr_text() -> None:
    path = shared_file("26_")
    doc = parse_raw(ocr_26(), file_id(path))
    h = doc.header
    assert (doc.status, h.doc_type, h.number) == ("ok", "Quyết định", "2576/QĐ-BGDĐT")
    # The day is stamped in another font and OCR reads "]]": repaired to 11.
    assert (h.place, h.date) == ("Hà Nội", dt.date(2025, 9, 11))
    assert h.issuer == "Bộ Giáo dục và Đào tạo"
    paths = [c.path for c in doc.clauses]
    assert {"Điều 1", "Điều 2", "Điều 3"} <= set(paths)


@pytest.mark.slow
@needs_tesseract
def test_ocr_fills_the_image_page_of_a_typed_pdf(tmp_path: Path) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    typed = ["Ủy ban nhân dân tỉnh Lào Cai", "Giao Sở Công Thương chủ trì"]
    scanned = ["Điều 2. Sở Tài chính phối hợp", "báo cáo trước ngày 15 tháng 4 năm 2026"]
    picture = tmp_path / "picture.pdf"
    make_canvas_pdf(picture, [scanned])
    path = tmp_path / "mot-trang-quet.pdf"
    make_image_pdf(path, typed, picture)
    plain = read_file(path)
    assert plain.message.startswith("mot-trang-quet.pdf: trang 2 là ảnh quét")
    doc = read_file(path, ocr=True)
    assert (doc.status, doc.extractor) == ("ok", "pdfplumber+tesseract")
    assert paged(doc) == [(t, 1) for t in typed] + [
        (t, 2) for t in scanned]
    assert doc.message == ("mot-trang-quet.pdf: trang 2: văn bản được nhận dạng bằng OCR, "
                           "có thể có lỗi")


def make_image_pdf(path: Path, typed: list[str], picture: Path) -> None:
    """A PDF whose page 1 is typed text and page 2 a 200-dpi picture of ``picture``'s page."""
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    image = pypdfium2.PdfDocument(picture)[0].render(scale=200 / 72, grayscale=True).to_pil()
    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    c = canvas.Canvas(str(path))
    c.setFont("DejaVu", 12)
    for i, text in enumerate(typed):
        c.drawString(72, 760 - 20 * i, text)
    c.showPage()
    width, height = c._pagesize
    c.drawImage(ImageReader(image), 0, 0, width, height)
    c.showPage()
    c.save()
