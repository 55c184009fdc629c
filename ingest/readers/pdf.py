"""PDF reader: two extractors, scored, the better one wins; scans and junk are flagged.

pypdf and pdfplumber fail differently on Vietnamese PDFs (a font subset can make
one of them drop or move letters, an unmapped font makes pdfplumber print
``(cid:54)``), so both run and ``syllable_quality`` decides. Ruled tables are taken
from pdfplumber as ``Table`` blocks and their characters removed from the lines.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.errors import CorruptFileError, EncryptedFileError
from ingest.model import Block, Line, RawDocument, Status, Table
from ingest.normalize import normalize_line, rejoin_spaced_letters
from ingest.quality import MIN_QUALITY, blocks_text, syllable_quality
from ingest.readers import pdf_layout as layout
from ingest.tables import find_task_header

# A page with fewer non-space characters than this has no real text layer (scans
# carry 0-3 stray characters; a typed page of a letter has well over 500). A PDF
# with no such page at all is a scan.
MIN_CHARS_PER_PAGE = 40
# pypdf must beat pdfplumber by this much to win: pdfplumber also gives tables.
PYPDF_MARGIN = 0.01
# A detected "table" with more empty cells than this is a highlight box or a
# justified paragraph cut into columns, not a real table.
MAX_EMPTY_CELL_SHARE = 0.35

PageBlocks = list[list[Block]]
# A filled box thinner than this (points) is drawn as a table rule.
MAX_RULE_WIDTH = 3.0
# A line of nothing but rule characters: the underline under an issuer or motto.
_RULE = re.compile(r"[_\-–—=.·•*]{3,}")


@dataclass(frozen=True)
class Extraction:
    """The blocks one extractor produced, page by page, and their quality."""

    name: str
    pages: PageBlocks
    quality: float
    page_chars: tuple[int, ...]  # non-space characters on each page
    furniture: frozenset[str] = frozenset()  # keys of running headers/footers dropped

    @property
    def text_pages(self) -> int:
        """How many pages carry a real text layer."""
        return sum(1 for n in self.page_chars if n >= MIN_CHARS_PER_PAGE)


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence library warnings about harmless PDF syntax slips while reading."""
    saved = [(lg, lg.level) for lg in map(logging.getLogger, loggers)]
    for lg, _ in saved:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in saved:
            lg.setLevel(level)


def text_lines(text: str, page: int) -> list[Block]:
    """Non-empty normalized lines of one page's text as ``Line`` blocks."""
    return [Line(t, page) for t in (normalize_line(s) for s in text.split("\n")) if t]


def make_extraction(name: str, pages: PageBlocks) -> Extraction:
    text = blocks_text(b for page in pages for b in page)
    page_chars = tuple(sum(1 for c in blocks_text(blocks) if not c.isspace()) for blocks in pages)
    return Extraction(name, pages, syllable_quality(text), page_chars)


def check_signature(path: Path) -> None:
    """Raise ``CorruptFileError`` unless the file starts like a PDF."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise CorruptFileError(
            path,
            "tệp có đuôi .pdf nhưng không phải là PDF",
            "mở thử bằng trình đọc PDF, xuất lại thành PDF rồi nạp lại",
        )


def open_pypdf(path: Path) -> Any:
    """Open with pypdf; raise ``EncryptedFileError`` / ``CorruptFileError`` as due."""
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError(
                path,
                "tệp PDF được bảo vệ bằng mật khẩu",
                "hãy gỡ mật khẩu (in lại ra PDF không đặt mật khẩu) rồi nạp lại",
            )
        if len(reader.pages) == 0:
            raise ValueError("no pages")
    except EncryptedFileError:
        raise
    except Exception as exc:  # pypdf raises many kinds for broken files
        raise CorruptFileError(
            path,
            f"tệp PDF bị hỏng, không mở được ({type(exc).__name__})",
            "tải lại hoặc xuất lại tệp PDF từ bản gốc rồi nạp lại",
        ) from exc
    return reader


def extract_pypdf(reader: Any, furniture: frozenset[str] = frozenset()) -> Extraction:
    """Lines of every page with pypdf (no tables); lines whose key is in ``furniture``
    (running headers found by pdfplumber's geometry) and bare page numbers are dropped."""
    pages: PageBlocks = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # one bad content stream should not lose the other pages
            text = ""
        lines = text_lines(text, number)
        pages.append([b for b in lines if not (isinstance(b, Line) and (
            layout.is_furniture(b.text, furniture) or _RULE.fullmatch(b.text)))])
    return make_extraction("pypdf", pages)


def is_real_table(rows: Sequence[Sequence[str | None]]) -> bool:
    """True for a grid with ≥2 rows and ≥2 columns whose cells are mostly filled.

    pdfplumber also "finds" tables in highlighted paragraphs; those come out as
    dozens of mostly-empty columns of word fragments and are rejected here.
    """
    if len(rows) < 2 or min(len(r) for r in rows) < 2:
        return False
    cells = [c for r in rows for c in r]
    empty = sum(1 for c in cells if not (c or "").strip())
    columns_used = all(any((r[i] or "").strip() for r in rows) for i in range(len(rows[0])))
    return empty / len(cells) <= MAX_EMPTY_CELL_SHARE and columns_used


def table_block(rows: Sequence[Sequence[str | None]], page: int) -> Table:
    """A ``Table`` with each cell's wrapped lines joined and normalized."""
    clean = tuple(tuple(normalize_line((c or "").replace("\n", " ")) for c in r) for r in rows)
    return Table(rows=clean, page=page)


def _outside(bboxes: list[tuple[float, float, float, float]]) -> Any:
    """A pdfplumber filter keeping every object except characters inside a table."""

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    return keep


@dataclass(frozen=True)
class Placed:
    """A block with where it sits on its page (PDF points from the top)."""

    top: float
    bottom: float
    block: Block
    sizes: tuple[float, ...] = ()  # font sizes of a line's characters


def page_tables(page: Any) -> list[tuple[tuple[float, float, float, float], Table]]:
    """Real tables of a page, rebuilt on their ruled grid, with their bounding boxes."""
    out = []
    # Shading (a filled box behind a header or behind each text line) is not a rule.
    for t in page.filter(_is_ruling).find_tables():
        rows = layout.logical_rows(t.cells, page.chars) or t.extract()
        table = table_block(rows, page.page_number)
        if is_real_table(rows) or find_task_header(table):
            out.append((t.bbox, table))
    return out


def _is_ruling(obj: dict[str, Any]) -> bool:
    """False for a filled, unstroked box thicker than a rule: background shading."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    return min(obj.get("width", 0), obj.get("height", 0)) <= MAX_RULE_WIDTH


def plumber_page_items(page: Any, number: int) -> list[Placed]:
    """Lines (with left edge and font sizes) and real tables of one page, top to bottom."""
    tables = page_tables(page)
    bboxes = [bbox for bbox, _ in tables]
    body = page.filter(_outside(bboxes)) if bboxes else page
    placed = [Placed(bbox[1], bbox[3], replace(t, page=number)) for bbox, t in tables]
    for line in body.extract_text_lines(return_chars=True):
        text = rejoin_spaced_letters(normalize_line(line["text"]))
        if text and not _RULE.fullmatch(text):
            sizes = tuple(c.get("size", 0.0) for c in line["chars"] if not c["text"].isspace())
            placed.append(Placed(line["top"], line["bottom"], Line(text, number, line["x0"]), sizes))
    placed.sort(key=lambda item: item.top)
    return placed


def plumber_page_blocks(page: Any, number: int) -> list[Block]:
    """Lines and real tables of one pdfplumber page, ordered top to bottom."""
    return [p.block for p in plumber_page_items(page, number)]


def drop_page_furniture(pages: list[list[Placed]], heights: list[float]
                        ) -> tuple[PageBlocks, frozenset[str]]:
    """Remove running headers/footers, page numbers and stamp print; return the
    blocks and the furniture keys (to clean another extractor's lines too)."""
    lines = [[(p.block.text, p.top, p.bottom) for p in page if isinstance(p.block, Line)]
             for page in pages]
    keys = layout.furniture_keys(lines, heights)
    body = layout.body_size(s for page in pages for p in page for s in p.sizes)
    out: PageBlocks = []
    for page, height in zip(pages, heights, strict=True):
        kept: list[Block] = []
        for p in page:
            if isinstance(p.block, Line) and (
                (layout.in_band(p.top, p.bottom, height) and layout.is_furniture(p.block.text, keys))
                or layout.is_stamp(p.sizes, body)
            ):
                continue
            kept.append(p.block)
        out.append(kept)
    return out, keys


def decrypted_copy(reader: Any) -> io.BytesIO:
    """An unencrypted in-memory copy of a PDF pypdf has opened with the empty password.

    pdfminer decrypts RC4/AES in pure Python: 40 s for a 3 MB letter, against
    under a second for pypdf (which uses ``cryptography``) to write a clean copy.
    """
    import pypdf

    buf = io.BytesIO()
    pypdf.PdfWriter(clone_from=reader).write(buf)
    buf.seek(0)
    return buf


def extract_pdfplumber(path: Path, reader: Any) -> Extraction | None:
    """Lines and tables with pdfplumber; None if pdfplumber cannot read the file."""
    import pdfplumber

    try:
        source = decrypted_copy(reader) if reader.is_encrypted else path
        with pdfplumber.open(source) as pdf:
            items = [plumber_page_items(p, i) for i, p in enumerate(pdf.pages, start=1)]
            heights = [float(p.height) for p in pdf.pages]
    except Exception:  # pypdf already opened the file; fall back to it alone
        return None
    pages, keys = drop_page_furniture(items, heights)
    return replace(make_extraction("pdfplumber", layout.stitch_tables(pages)), furniture=keys)


def choose(candidates: Sequence[Extraction]) -> Extraction:
    """The better extraction; pdfplumber wins ties because it also yields tables."""
    best = max(candidates, key=lambda e: (e.quality, e.name == "pdfplumber"))
    plumber = next((e for e in candidates if e.name == "pdfplumber"), None)
    if plumber and best is not plumber and best.quality - plumber.quality < PYPDF_MARGIN:
        return plumber
    return best


def read_pdf(path: Path, *, ocr: bool = False) -> RawDocument:
    """Read a PDF into a ``RawDocument``, flagging scans and garbled text layers.

    With ``ocr=True`` a scan, a PDF whose text layer is garbled (legacy fonts), or
    the image-only pages of a typed PDF are read with tesseract (see
    ``ingest.readers.ocr``) instead of being flagged.
    Raises ``CorruptFileError`` or ``EncryptedFileError`` when it cannot be opened.
    """
    check_signature(path)
    with _quiet("pypdf", "pdfminer"):
        reader = open_pypdf(path)
        plumber = extract_pdfplumber(path, reader)
        candidates = [extract_pypdf(reader, plumber.furniture if plumber else frozenset())]
    candidates += [plumber] if plumber else []
    best = choose(candidates)
    n_pages = len(reader.pages)
    metrics = {e.name: round(e.quality, 4) for e in candidates}
    base = RawDocument(
        file=str(path),
        fmt="pdf",
        blocks=(),
        extractor=best.name,
        pages=n_pages,
        quality=round(best.quality, 4),
        metrics=metrics,
    )
    if max(e.text_pages for e in candidates) == 0:
        base = replace(base, quality=None)  # nothing to measure on a scan
        flagged = _flag(
            base,
            "needs_ocr",
            "tệp PDF là bản quét, không có lớp chữ — cần nhận dạng ký tự (OCR) trước khi nạp",
        )
        return _ocr().ocr_scan(flagged) if ocr else flagged
    if best.quality < MIN_QUALITY:
        garbled = _flag(
            base,
            "unreadable_text_layer",
            f"lớp chữ của tệp PDF bị lỗi phông (chỉ {best.quality:.0%} là âm tiết "
            "tiếng Việt hợp lệ) — hãy dùng bản Word/văn bản gốc hoặc OCR lại tệp",
        )
        # The pages still render correctly (the fonts draw the right glyphs), so OCR
        # reads what the broken text layer cannot.
        return _ocr().ocr_scan(garbled) if ocr else garbled
    blocks = tuple(b for page in best.pages for b in page)
    scanned = [i for i, page in enumerate(best.pages, start=1) if not page and has_image(reader, i)]
    typed = replace(base, blocks=blocks, message=scanned_pages_note(path, scanned))
    return _ocr().ocr_scanned_pages(typed, scanned) if ocr and scanned else typed


def _ocr() -> Any:
    """``ingest.readers.ocr``, imported only when OCR is asked for."""
    from ingest.readers import ocr

    return ocr


def has_image(reader: Any, page_no: int) -> bool:
    """True when the page draws an image (checked in its resources, nothing decoded)."""
    try:
        resources = reader.pages[page_no - 1]["/Resources"].get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            return False
        return any(
            x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values()
        )
    except Exception:  # malformed resources: treat as no image, the page stays unmentioned
        return False


def scanned_pages_note(path: Path, pages: list[int]) -> str:
    """A warning naming image-only pages of a typed PDF (their text is not indexed)."""
    if not pages:
        return ""
    return (
        f"{path.name}: trang {', '.join(map(str, pages))} là ảnh quét, không có lớp chữ — "
        "nội dung các trang này chưa được nạp; cần OCR nếu muốn tra cứu"
    )


def _flag(doc: RawDocument, status: Status, reason: str) -> RawDocument:
    """The document with no blocks, a status and a message naming the file."""
    return replace(doc, blocks=(), status=status, message=f"{Path(doc.file).name}: {reason}")


# --- resource pre-check (run by ingest.bounded before reading) --------------

_INFLATE_CHUNK = 1 << 20


def inflated_size(data: bytes, cap: int) -> int:
    """Bytes a zlib (FlateDecode) stream inflates to, counted in chunks; stops past ``cap``.

    >>> import zlib
    >>> inflated_size(zlib.compress(bytes(5000)), cap=10**6), inflated_size(b"junk", cap=9)
    (5000, 0)
    """
    import zlib

    inflater = zlib.decompressobj()
    size, pending = 0, data
    try:
        while size <= cap and not inflater.eof:
            out = inflater.decompress(pending, _INFLATE_CHUNK)
            size += len(out)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break
    except zlib.error:
        pass  # a damaged stream: the readers deal with it
    return size


def _flate_streams(reader: Any) -> Iterator[tuple[int, bytes]]:
    """(object number, raw encoded bytes) of every FlateDecode stream object in the file."""
    from pypdf.generic import IndirectObject, StreamObject

    for generation, table in list(reader.xref.items()):
        for number in list(table):
            try:
                obj = reader.get_object(IndirectObject(number, generation, reader))
            except Exception:  # an unreadable object: the readers report it if it matters
                continue
            if not isinstance(obj, StreamObject):
                continue
            filters = obj.get("/Filter")
            first = filters[0] if isinstance(filters, list) and filters else filters
            if first in ("/FlateDecode", "/Fl"):
                yield number, obj._data  # the encoded bytes; get_data() would inflate them all


def pdf_limit_reason(path: Path, max_pages: int, max_stream_bytes: int) -> tuple[str, str] | None:
    """(limit, why) when the PDF has more than ``max_pages`` pages or a FlateDecode stream
    inflating beyond ``max_stream_bytes``; None otherwise, or when pypdf cannot open it
    (``read_pdf`` then gives the right error). pdfminer inflates streams without bound.
    """
    import pypdf

    try:
        with _quiet("pypdf"):
            reader = pypdf.PdfReader(path)
            if reader.is_encrypted:
                reader.decrypt("")
            pages = len(reader.pages)
            if pages > max_pages:
                pages_vn, max_vn = (f"{n:,}".replace(",", ".") for n in (pages, max_pages))
                return "max_pages", f"{pages_vn} trang, vượt giới hạn {max_vn} trang"
            for number, data in _flate_streams(reader):
                if inflated_size(data, max_stream_bytes) > max_stream_bytes:
                    return "max_inflated_mb", (f"luồng nén (đối tượng {number}) giải ra hơn "
                                               f"{max_stream_bytes // 2**20} MB")
    except Exception:  # pypdf raises many kinds for broken files
        return None
    return None
