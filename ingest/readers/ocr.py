"""Opt-in OCR for scanned PDFs: pdfium renders each page, tesseract (``vie``) reads it.

Scanned PDFs have no text layer, so by default the PDF reader returns
``needs_ocr``. With ``read_file(path, ocr=True)`` the scanned pages are rendered
with pypdfium2 (already installed with pdfplumber), piped to the ``tesseract``
command one page at a time, and its lines are kept with their page numbers.
PDFs whose text layer is garbled by legacy fonts are OCR'd the same way, and so
are the image-only pages of a typed PDF. Tesseract is a system program
(``apt-get install tesseract-ocr tesseract-ocr-vie``); when it or its Vietnamese
data is missing the document keeps its status and the message says how to
install it, nothing crashes.

Lines come out as pdfplumber gives them for typed PDFs (columns of one line
joined by a single space, e.g. ``Số: 2646 /QĐ-BGDĐT Hà Nội, ngày 19 tháng 09 năm
2025``), so the same header and clause parser runs on them unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.model import Block, Line, RawDocument
from ingest.normalize import normalize_line
from ingest.quality import MIN_QUALITY, syllable_quality

__all__ = [
    "INSTALL_HINT",
    "OcrPage",
    "fix_ocr_text",
    "ocr_pages",
    "ocr_scan",
    "ocr_scanned_pages",
    "ocr_unavailable",
    "page_lines",
]

TESSERACT_LANG = "vie"
# Scans in the corpus are 150-240 dpi. On them 200 and 300 dpi renders score the
# same (0.98-0.998 valid syllables); 300 is kept for the small print of tables
# and footnotes, where the tone marks are only a few pixels high.
OCR_DPI = 300
# psm 4 = "one column of text of variable sizes". Same quality as psm 3 (auto) on
# the corpus, but it keeps each table row on one line ("4 | Khoa Tài chính - Kế
# toán") where psm 3 splits the cells; psm 6 scored 0.96-0.97 against 0.996.
TESSERACT_PSM = 4
# A page that takes longer than this is abandoned (tesseract hung on a huge image).
PAGE_TIMEOUT_S = 300
INSTALL_HINT = "hãy cài tesseract và dữ liệu tiếng Việt: apt-get install tesseract-ocr tesseract-ocr-vie"
OCR_NOTE = "văn bản được nhận dạng bằng OCR, có thể có lỗi"


@dataclass(frozen=True)
class OcrPage:
    """The text tesseract read on one page, and how long the page took."""

    page: int
    lines: tuple[str, ...]
    seconds: float


def find_tesseract() -> str | None:
    """Path of the ``tesseract`` program, or None (tests monkeypatch this)."""
    return shutil.which("tesseract")


def tesseract_languages(binary: str) -> frozenset[str]:
    """The language packs tesseract has (``eng``, ``osd``, ``vie``...); empty on failure."""
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # The first line is "List of available languages in ...:".
    return frozenset(s.strip() for s in (out.stdout + out.stderr).splitlines()[1:] if s.strip())


def ocr_unavailable() -> str | None:
    """Why OCR cannot run here (in Vietnamese, with the install command), or None."""
    binary = find_tesseract()
    if binary is None:
        return f"không tìm thấy chương trình OCR tesseract — {INSTALL_HINT}"
    if TESSERACT_LANG not in tesseract_languages(binary):
        return f"tesseract chưa có dữ liệu tiếng Việt (vie) — {INSTALL_HINT}"
    return None


_TONED_E = {"é": "ế", "è": "ề", "ẻ": "ể", "ẽ": "ễ", "ẹ": "ệ", "e": "ê"}
_TONED_E.update({k.upper(): v.upper() for k, v in list(_TONED_E.items())})
# "iê"/"yê" before a final consonant is the only spelling Vietnamese has ("viết",
# "QUYẾT"); tesseract often drops the circumflex under a tone in capitals and
# prints "QUYÉT". Only an e that still carries a tone is repaired, so plain-ASCII
# words (English, codes) are never touched.
_IE_CODA = re.compile(r"(?<=[iIyY])([éèẻẽẹÉÈẺẼẸ])(?=(?:ng|nh|ch|[cmnptu]|NG|NH|CH|[CMNPTU])\b)")
# Latin eth (Ð, ð) is never Vietnamese: it is tesseract's reading of Đ/đ, and
# "ĐÐ" is one Đ read twice (``QĐÐ-BGDĐT`` for ``QĐ-BGDĐT``). The fraction and
# division slashes it prints in ``1105⁄KH-ĐKT`` are the "/" of a document number.
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ", "\u2044": "/", "\u2215": "/"})
_DOUBLE_D = re.compile(r"ĐÐ|ÐĐ|đð|ðđ")


# The day and month of "ngày 11 tháng 9 năm 2025" are digits, but a stamped or
# thin "1" is often read as "]", "|", "I" or "l" ("ngày ]] tháng", "tháng I1 năm").
_DATE_SLOT = re.compile(r"(?<=\bngày )([\d\]\[|Il!]{1,2})(?= tháng\b)"
                        r"|(?<=\btháng )([\d\]\[|Il!]{1,2})(?= năm\b)")
_ONE_LOOKALIKES = str.maketrans(dict.fromkeys("][|Il!", "1"))


def fix_ocr_text(text: str) -> str:
    """Repair tesseract's systematic Vietnamese slips that spelling rules make certain.

    >>> fix_ocr_text("QUYÉT ÐỊNH số 2576/QĐÐ-BGDĐT, viét rõ; Hiep hoi; Số: 1105\u2044KH-ĐKT")
    'QUYẾT ĐỊNH số 2576/QĐ-BGDĐT, viết rõ; Hiep hoi; Số: 1105/KH-ĐKT'
    >>> fix_ocr_text("Hà Nội, ngày ]] tháng 9 năm 2025; ngày 19 tháng I1 năm 2018")
    'Hà Nội, ngày 11 tháng 9 năm 2025; ngày 19 tháng 11 năm 2018'
    """
    text = _DOUBLE_D.sub(lambda m: m.group(0)[0].translate(_ETH), text).translate(_ETH)
    text = _DATE_SLOT.sub(lambda m: m.group(0).translate(_ONE_LOOKALIKES), text)
    return _IE_CODA.sub(lambda m: _TONED_E[m.group(1)], text)


def page_lines(text: str) -> list[str]:
    """Tesseract's plain-text output for one page as clean, non-empty lines.

    >>> page_lines("QUYÉT ĐỊNH\\n\\n  Về việc  điều chỉnh \\n\\x0c")
    ['QUYẾT ĐỊNH', 'Về việc điều chỉnh']
    """
    # NFC first: the repairs match precomposed letters (É) and single spaces. The
    # doubled Đ is undone before normalize_line, which maps every Ð to Đ itself.
    raw = _DOUBLE_D.sub(lambda m: m.group(0)[0].translate(_ETH),
                        unicodedata.normalize("NFC", text))
    lines = (fix_ocr_text(normalize_line(s)) for s in raw.replace("\f", "\n").split("\n"))
    return [t for t in lines if t]


def render_page_pgm(pdf: Any, index: int, dpi: int = OCR_DPI) -> bytes:
    """Page ``index`` (0-based) of an open pypdfium2 document as a grey PGM image.

    PGM is a header plus raw bytes, so no image library is needed to hand the
    page to tesseract.
    """
    bitmap = pdf[index].render(scale=dpi / 72, grayscale=True)
    pixels = bitmap.to_numpy()
    height, width = pixels.shape[:2]
    return b"P5\n%d %d\n255\n" % (width, height) + pixels.tobytes()


def run_tesseract(binary: str, image: bytes, dpi: int = OCR_DPI) -> str:
    """Tesseract's text for one image given on stdin (raises on failure or timeout)."""
    cmd = [binary, "stdin", "stdout", "-l", TESSERACT_LANG, "--psm", str(TESSERACT_PSM),
           "--dpi", str(dpi)]
    # One thread per page: several pages or users share few cores, and tesseract's
    # OpenMP threads mostly spin-wait on small images.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(cmd, input=image, capture_output=True, timeout=PAGE_TIMEOUT_S,
                          check=True, env=env)
    return done.stdout.decode("utf-8", errors="replace")


def ocr_pages(path: Path, pages: Sequence[int]) -> list[OcrPage]:
    """OCR the given 1-based pages of a PDF, in order (raises if tesseract fails)."""
    import pypdfium2

    binary = find_tesseract()
    if binary is None:
        raise FileNotFoundError("tesseract")
    pdf = pypdfium2.PdfDocument(path)
    out = []
    try:
        for number in pages:
            start = time.perf_counter()
            text = run_tesseract(binary, render_page_pgm(pdf, number - 1))
            out.append(OcrPage(number, tuple(page_lines(text)), round(time.perf_counter() - start, 2)))
    finally:
        pdf.close()
    return out


def _blocks(pages: Sequence[OcrPage]) -> list[Block]:
    return [Line(text, p.page) for p in pages for text in p.lines]


def _quality(pages: Sequence[OcrPage]) -> float:
    return round(syllable_quality("\n".join(t for p in pages for t in p.lines)), 4)


def _ocr_or_reason(doc: RawDocument, pages: Sequence[int]) -> list[OcrPage] | str:
    """The OCR'd pages, or a reason (Vietnamese) why OCR could not be done."""
    reason = ocr_unavailable()
    if reason is not None:
        return reason
    try:
        return ocr_pages(Path(doc.file), pages)
    except subprocess.TimeoutExpired:
        return f"OCR quá {PAGE_TIMEOUT_S} giây cho một trang — hãy chia nhỏ tệp rồi thử lại"
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"OCR thất bại ({type(exc).__name__}) — kiểm tra tesseract: {INSTALL_HINT}"
    except RuntimeError as exc:  # pypdfium2's PdfiumError: the page could not be drawn
        return (f"không dựng được ảnh trang PDF để OCR ({type(exc).__name__}) — "
                "hãy in lại tệp ra PDF rồi thử lại")


def _readable_ocr(doc: RawDocument, pages: Sequence[int],
                  junk: str) -> tuple[list[OcrPage], float, dict[str, float]] | RawDocument:
    """OCR ``pages`` and score them: the pages, their quality and the doc's metrics with it;
    or ``doc`` unchanged but for the reason in its message (no OCR, or junk read:
    ``junk`` is formatted with the quality)."""
    result = _ocr_or_reason(doc, pages)
    if isinstance(result, str):
        return replace(doc, message=f"{doc.message}; {result}")
    quality = _quality(result)
    metrics = {**doc.metrics, "tesseract": quality}
    if quality < MIN_QUALITY:
        return replace(doc, metrics=metrics, message=f"{doc.message}; {junk.format(quality)}")
    return result, quality, metrics


def ocr_scan(doc: RawDocument) -> RawDocument:
    """OCR every page of a ``needs_ocr`` (or ``unreadable_text_layer``) PDF.

    The result is ``ok`` with extractor ``tesseract`` when the text is readable.

    The document keeps its status (with the reason added to its message) when
    tesseract is missing, fails, or reads text scoring below ``MIN_QUALITY``.
    """
    read = _readable_ocr(doc, range(1, doc.pages + 1), (
        "OCR đọc được quá ít chữ tiếng Việt (chỉ {:.0%} là âm tiết hợp lệ) — hãy quét lại "
        "rõ hơn (300 dpi, thẳng trang) rồi nạp lại"))
    if isinstance(read, RawDocument):
        return read
    result, quality, metrics = read
    return replace(doc, blocks=tuple(_blocks(result)), extractor="tesseract", status="ok",
                   quality=quality, metrics=metrics,
                   message=f"{Path(doc.file).name}: {OCR_NOTE} — hãy đối chiếu với bản gốc")


def ocr_scanned_pages(doc: RawDocument, pages: Sequence[int]) -> RawDocument:
    """Fill the image-only ``pages`` of a typed PDF with OCR text, in page order.

    The extractor becomes e.g. ``pdfplumber+tesseract``; if OCR cannot run or
    reads junk, the document is returned unchanged apart from the reason in its
    message (its typed pages are still good).
    """
    read = _readable_ocr(doc, pages, "OCR các trang này đọc được quá ít chữ tiếng Việt ({:.0%})")
    if isinstance(read, RawDocument):
        return read
    result, _, metrics = read
    merged = sorted([*doc.blocks, *_blocks(result)], key=lambda b: b.page)  # stable: order kept per page
    shown = ", ".join(map(str, pages))
    return replace(doc, blocks=tuple(merged), extractor=f"{doc.extractor}+tesseract",
                   metrics=metrics,
                   message=f"{Path(doc.file).name}: trang {shown}: {OCR_NOTE}")

