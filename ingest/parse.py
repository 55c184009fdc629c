"""From a file to a ``Document``: header, clause tree, task tables and closing.

``parse_raw`` is pure (a ``RawDocument`` in, a ``Document`` out); ``parse_file``
and ``parse_files`` are the I/O edge behind ``vanban parse``: they hash the
file, call the reader and turn every failure of one file into a ``Document``
with status ``error`` so that a batch never stops at one bad file.

The body is read in sections: the main text, then each attachment printed
after the signature (``QUY CHẾ``, ``KẾ HOẠCH``, ``PHỤ LỤC``...). Paths inside an
attachment carry its prefix (``QC.Điều 5.2.a``, ``KH.II.1.a``); task-table rows
are ``PL.3`` (``PL1.3``, ``PL2.3`` when there are several appendices) or
``B1.3`` for a task table in the main text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ingest.closing import is_closing_start, parse_closing
from ingest.errors import InputError
from ingest.header import has_motto, is_upper, parse_header
from ingest.model import Document, Header, Line, RawDocument, Table, with_locations
from ingest.structure import ClauseBuilder, Para, join_lines, parse_marker, roman_to_int
from ingest.tables import (
    cell_role,
    is_closing_table,
    rows_from_flat_cells,
    task_columns,
    task_header,
    task_rows,
)

__all__ = ["document_to_dict", "parse_file", "parse_files", "parse_raw"]

_ATTACHMENTS: tuple[tuple[str, str, str], ...] = (
    ("PHỤ LỤC", "PL", "Phụ lục"),
    ("QUY CHẾ", "QC", "Quy chế"),
    ("KẾ HOẠCH", "KH", "Kế hoạch"),
    ("CHƯƠNG TRÌNH", "CTr", "Chương trình"),
    ("QUY ĐỊNH", "QĐ", "Quy định"),
    ("ĐỀ ÁN", "ĐA", "Đề án"),
    ("DANH MỤC", "DM", "Danh mục"),
    ("HƯỚNG DẪN", "HD", "Hướng dẫn"),
)
_KEM_THEO = re.compile(r"^\(?\s*(?:Ban hành\s+)?[Kk]èm theo")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
# Shorter lines ("- Như trên;", "- Sở Tài chính;") may rightly appear both in the
# body and in the distribution list; longer ones seen again after the closing
# are a copy of the text (a file holding the same document many times).
_MIN_REPEATED = 60
# A form's footnote may recur after its signature once or twice; a copy repeats more.
_MIN_REPEATS = 3


def _attachment(blocks: list[Line | Table], i: int) -> tuple[str, str] | None:
    """(prefix, name) when block ``i`` opens an attachment such as ``PHỤ LỤC II``."""
    b = blocks[i]
    if not isinstance(b, Line) or len(b.text) > 160:
        return None
    head = b.text.upper()
    nearby = [x.text for x in blocks[i + 1 : i + 5] if isinstance(x, Line)]
    attached = any(_KEM_THEO.match(t) for t in nearby)
    for word, prefix, name in _ATTACHMENTS:
        if not head.startswith(word):
            continue
        if prefix == "PL" and len(b.text) < 60 and is_upper(b.text):
            return prefix, name
        if attached and (is_upper(b.text) or prefix == "PL"):
            return prefix, name
    return None


def _attachment_title(blocks: list[Line | Table]) -> str | None:
    """The words after ``PHỤ LỤC II`` up to ``(Kèm theo …)``."""
    lines = []
    for b in blocks[1:5]:
        if not isinstance(b, Line) or _KEM_THEO.match(b.text):
            break
        lines.append(b.text)
    return " ".join(lines) or None


def _appendix_number(text: str) -> str:
    """``PHỤ LỤC II`` → ``"2"``; ``PHỤ LỤC`` → ``""``."""
    m = re.match(r"PHỤ LỤC\s+([IVXLC]+|\d+)\b", text)
    if not m:
        return ""
    return m.group(1) if m.group(1).isdigit() else str(roman_to_int(m.group(1)) or m.group(1))


class _BodyReader:
    """Walks the body blocks once, feeding paragraphs, tables and closing lines."""

    def __init__(self, blocks: list[Line | Table], wrapped: bool) -> None:
        self.blocks = blocks
        self.wrapped = wrapped
        self.builder = ClauseBuilder()
        self.pending: list[tuple[str, int]] = []
        self.lefts: list[float | None] = []  # left edge of each pending line (PDF)
        self.closing_lines: list[str] = []
        self.in_closing = False
        # Only the first closing is the document's; later ones sign forms in appendices.
        self.closing_done = False
        self.body_lines: set[str] = set()
        self.repeated = 0  # body lines seen again after the closing: not indexed, reported
        self.tables: list[Table] = []
        self.section = ("", "")  # (prefix, title)
        self.table_count = 0
        self.last_cols: dict[str, int] | None = None
        self.last_header: tuple[str, ...] = ()  # the header last_cols were read from
        starts = [_attachment(blocks, i) for i in range(len(blocks))]
        self.many_appendices = sum(1 for a in starts if a and a[0] == "PL") > 1
        self.appendix_seen = 0

    def flush(self) -> None:
        """Turn the pending lines into paragraphs and clauses."""
        if not self.pending:
            return
        paras = (join_lines(self.pending, self.lefts) if self.wrapped
                 else [Para(t, p) for t, p in self.pending])
        for para in paras:
            self.builder.add_paragraph(para)
        self.pending, self.lefts = [], []

    def run(self) -> None:
        i = 0
        while i < len(self.blocks):
            i = self.step(i)
        self.flush()

    def step(self, i: int) -> int:
        b = self.blocks[i]
        if isinstance(b, Table):
            return self.table(i, b)
        text = b.text.strip()
        if not text or has_motto(text) or (_PAGE_NUMBER.match(text) and self.wrapped):
            return i + 1
        if (att := _attachment(self.blocks, i)) is not None:
            return self.open_section(i, *att)
        if is_closing_start(text) or self.in_closing:
            self.flush()
            self.builder.close_body()
            self.in_closing = True
            if not self.closing_done:
                self.closing_lines.append(text)
            self.repeated += len(text) >= _MIN_REPEATED and text in self.body_lines
            return i + 1
        self.last_cols = None
        self.pending.append((text, b.page))
        self.lefts.append(b.x0)
        self.body_lines.add(text)
        return i + 1

    def open_section(self, i: int, prefix: str, name: str) -> int:
        """Start an attachment; its title is the lines up to ``(Kèm theo …)``."""
        self.flush()
        self.in_closing = False
        self.closing_done = bool(self.closing_lines)
        first = self.blocks[i]
        assert isinstance(first, Line)
        title_lines = [first.text]
        j = i + 1
        while j < len(self.blocks) and j <= i + 4:
            b = self.blocks[j]
            if not isinstance(b, Line):
                break
            if _KEM_THEO.match(b.text):
                j += 1
                break
            if (len(b.text) > 200 and not is_upper(b.text)) or parse_marker(b.text) \
                    or is_closing_start(b.text):
                break
            title_lines.append(b.text)
            j += 1
        if prefix == "PL":
            self.appendix_seen += 1
            number = _appendix_number(first.text) or str(self.appendix_seen)
            prefix = f"PL{number}" if self.many_appendices else "PL"
        title = " ".join(title_lines)
        self.section = (prefix, title)
        self.builder.start_section(prefix, (title,))
        return j

    def table(self, i: int, t: Table) -> int:
        self.flush()
        if is_closing_table(t):
            self.builder.close_body()
            self.in_closing = True
            if not self.closing_done:
                self.closing_lines.extend(c for row in t.rows for c in row if c.strip())
            return i + 1
        found = task_header(t)
        if found is None and self.last_cols and len(t.rows[0]) > max(self.last_cols.values()):
            # a continuation printed without its header: read under the header it continues
            self.add_task_rows(t.rows, self.last_cols, t.pages_by_row)
            self.tables.append(replace(t, header=self.last_header))
            return i + 1
        self.in_closing = False
        if found is None:
            self.tables.append(t)
            return i + 1
        hdr, cols = found.end, found.cols
        self.table_count += 1
        data = t.rows[hdr + 1 :]
        if not data:
            return self.flat_table(i, t, cols)
        self.tables.append(replace(t, header=found.cells))
        self.last_header = found.cells
        self.add_task_rows(data, cols, t.pages_by_row[hdr + 1 :])
        return i + 1

    def flat_table(self, i: int, t: Table, cols: dict[str, int]) -> int:
        """A header row followed by one cell per line (a flattened conversion)."""
        header = list(t.rows[0])
        j = i + 1
        lines: list[str] = []
        while j < len(self.blocks) and isinstance(self.blocks[j], Line):
            text = self.blocks[j].text  # type: ignore[union-attr]
            if is_closing_start(text) or _attachment(self.blocks, j):
                break
            if not lines and cell_role(text):
                header.append(text)  # the last header cell, printed below the row
            else:
                lines.append(text)
            j += 1
        new_cols = task_columns(header) or cols
        rows = rows_from_flat_cells(lines, len(header))
        table = Table(rows=(tuple(header), *rows), page=t.page, header=tuple(header))
        self.tables.append(table)
        self.last_header = table.header
        self.add_task_rows(rows, new_cols, (t.page,) * len(rows))
        return j

    def add_task_rows(self, rows: tuple[tuple[str, ...], ...], cols: dict[str, int],
                      pages: tuple[int, ...]) -> None:
        prefix, title = self.section
        if prefix.startswith("PL"):
            base, name = prefix, f"Phụ lục {prefix[2:]}".strip()
        else:
            base = f"{prefix}.B{self.table_count}" if prefix else f"B{self.table_count}"
            name = f"Bảng {self.table_count}"
        for row in task_rows(rows, cols):
            heading = tuple(h for h in (title, row.group) if h)
            text = " | ".join(c for k, c in enumerate(row.cells) if c and k != cols.get("no"))
            page = pages[row.index] if row.index < len(pages) else pages[-1] if pages else 1
            fields = tuple((role, row.cells[k]) for role, k in cols.items()
                           if role != "no" and k < len(row.cells) and row.cells[k].strip())
            self.builder.add_table_row(f"{base}.{row.number}", f"{name}, dòng {row.number}",
                                       heading, row.cells, page, text, fields)
        self.last_cols = cols


def _repeated_note(count: int) -> str:
    if count < _MIN_REPEATS:
        return ""
    return (f"{count} đoạn lặp lại nguyên văn nội dung phía trên (sau phần ký tên/nơi nhận) "
            "đã bỏ qua — nếu tệp ghép nhiều văn bản, hãy tách mỗi văn bản thành một tệp")


def _with_note(message: str, file: str, note: str) -> str:
    """``message`` with ``note`` added; a message names its file first."""
    if not note:
        return message
    return f"{message}; {note}" if message else f"{Path(file).name}: {note}"


def parse_raw(raw: RawDocument, doc_id: str) -> Document:
    """Parse what a reader produced into a ``Document`` (pure; never reads files).

    >>> raw = RawDocument("a.txt", "txt", (Line("Số: 12/KH-UBND"), Line("KẾ HOẠCH"),
    ...     Line("Kiểm tra mỏ"), Line("Căn cứ Luật Khoáng sản;"), Line("I. MỤC ĐÍCH"),
    ...     Line("1. Sở Công Thương chủ trì."), Line("a) Kiểm tra, báo cáo trước 15/6.")), "text")
    >>> [c.path for c in parse_raw(raw, "x").clauses]
    ['preamble.1', 'I', 'I.1', 'I.1.a']
    """
    base = Document(file=raw.file, doc_id=doc_id, status=raw.status, message=raw.message,
                    extractor=raw.extractor, pages=raw.pages)
    if raw.status != "ok" or not raw.blocks:
        return base
    # Readers may keep layout spacing; edges go, inner gaps stay (they separate columns).
    blocks = [Line(b.text.strip(), b.page, b.x0) if isinstance(b, Line) else b for b in raw.blocks]
    if (att := _attachment(blocks, 0)) is not None:
        # A file that is only an appendix ("PHỤ LỤC II …") has no header of its own.
        header, start = Header(doc_type=att[1], title=_attachment_title(blocks)), 0
    else:
        header, start = parse_header(blocks)
    reader = _BodyReader(blocks[start:], wrapped=raw.fmt != "docx")
    reader.run()
    text, clauses = reader.builder.build()
    clauses = with_locations(clauses, text, raw.paged)
    return Document(
        file=raw.file, doc_id=doc_id, status="ok",
        message=_with_note(raw.message, raw.file, _repeated_note(reader.repeated)),
        extractor=raw.extractor, header=header, clauses=clauses,
        tables=tuple(reader.tables), closing=parse_closing(reader.closing_lines),
        text=text, pages=raw.pages, paged=raw.paged,
    )


def file_id(path: Path) -> str:
    """The document id: the first 16 hex digits of the SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def parse_file(path: str | Path, *, ocr: bool = False) -> Document:
    """Read and parse one file; a bad file gives ``status="error"``, never an exception.

    ``ocr=True`` reads scanned PDFs with tesseract instead of returning ``needs_ocr``.

    The message names the file and says what to do, e.g.
    ``x.doc: định dạng .doc không được hỗ trợ — hãy lưu lại thành .pdf, .docx …``.
    """
    from ingest.readers import read_file

    p = Path(path)
    try:
        doc_id = file_id(p) if p.is_file() else ""
    except OSError as err:
        return Document(str(p), "", "error", f"{p.name}: không đọc được tệp ({err}) — kiểm tra quyền truy cập")
    try:
        # The default call stays ``read_file(p)``: readers swapped in by callers and
        # tests may take the path only.
        raw = read_file(p, ocr=True) if ocr else read_file(p)
    except InputError as err:
        return Document(str(p), doc_id, "error", str(err))
    except MemoryError:
        raise  # a memory limit: the bounded worker reports it (ingest.bounded)
    except Exception as err:  # noqa: BLE001 — one broken file must not stop a batch
        return Document(str(p), doc_id, "error", _unexpected(p, "đọc", err))
    try:
        return parse_raw(raw, doc_id)
    except MemoryError:
        raise
    except Exception as err:  # noqa: BLE001
        return Document(str(p), doc_id, "error", _unexpected(p, "phân tích cấu trúc", err),
                        extractor=raw.extractor)


def _unexpected(p: Path, stage: str, err: Exception) -> str:
    return (f"{p.name}: lỗi không mong đợi khi {stage} tệp ({type(err).__name__}: {err}) — "
            "hãy kiểm tra tệp (mở thử, lưu lại) và báo lỗi kèm tệp này nếu vẫn gặp")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files given directly, plus the supported files inside given folders (sorted)."""
    from ingest.readers import SUPPORTED_EXTENSIONS

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and f.suffix.lower() in SUPPORTED_EXTENSIONS
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def parse_files(paths: Iterable[str | Path], *, ocr: bool = False) -> list[Document]:
    """Parse many files and folders; one ``Document`` per file, errors included."""
    return [parse_file(p, ocr=ocr) for p in expand_paths(paths)]


def document_to_dict(doc: Document) -> dict[str, Any]:
    """The JSON shape printed by ``vanban parse --json``."""
    h = doc.header
    c = doc.closing
    return {
        "file": doc.file,
        "doc_id": doc.doc_id,
        "status": doc.status,
        "message": doc.message,
        "extractor": doc.extractor,
        "type": h.doc_type,
        "number": h.number,
        "date": h.date.isoformat() if h.date else None,
        "place": h.place,
        "issuer": h.issuer,
        "issuer_parent": h.issuer_parent,
        "title": h.title,
        "recipients": list(h.recipients),
        "signer": c.signer,
        "closing": {"authority": c.authority, "position": c.position, "signer": c.signer,
                    "cc": list(c.cc)},
        "clauses": [
            {"path": cl.path, "label": cl.label, "heading": list(cl.heading), "text": cl.text,
             "page": cl.page, "paragraph": cl.paragraph, "kind": cl.kind, "span": list(cl.span),
             **({"cells": list(cl.cells)} if cl.cells else {}),
             **({"fields": [list(f) for f in cl.fields]} if cl.fields else {})}
            for cl in doc.clauses
        ],
        "tables": [{"page": t.page, "rows": [list(r) for r in t.rows]} for t in doc.tables],
    }
