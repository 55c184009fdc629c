"""Plain-text and Markdown reader: lines, pages from form feeds, pipe tables as ``Table``.

Many texts in the corpus are conversions that keep Markdown: header blocks and task
tables as ``| a | b |`` rows, emphasis as ``*Hà Nội, ngày ...*``, headings as
``# NGHỊ QUYẾT``. The reader keeps the words and drops that markup.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.errors import EmptyFileError
from ingest.model import Block, Line, RawDocument, Table
from ingest.normalize import normalize_line, normalize_text

_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HEADING = re.compile(r"^#{1,6}\s+")
_EMPHASIS_RUN = re.compile(r"\*{1,3}")
_FOOTNOTE_STAR = "(*)"


def decode_text(data: bytes) -> str:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258.

    >>> decode_text("Lào Cai".encode("utf-8"))
    'Lào Cai'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Vietnamese Windows texts; cp1258 decodes every byte, so this never fails.
        return data.decode("cp1258")


def is_table_row(line: str) -> bool:
    """True for a Markdown pipe-table row such as ``| TT | Nhiệm vụ |``."""
    s = line.strip()
    return len(s) >= 2 and s.startswith("|") and s.endswith("|")


def split_cells(row: str) -> list[str]:
    """Cells of one pipe row, stripped; ``\\|`` inside a cell stays a literal bar.

    >>> split_cells("| 1. | Cục Biến đổi khí hậu |  Tháng 8/2024 |")
    ['1.', 'Cục Biến đổi khí hậu', 'Tháng 8/2024']
    """
    inner = row.strip()[1:-1]
    return [clean_inline(c.replace("\\|", "|")) for c in _CELL_SPLIT.split(inner)]


def is_separator_row(cells: list[str]) -> bool:
    """True for the ``| --- | :---: |`` row under a Markdown table header."""
    return all(_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells) and any(cells)


def clean_inline(text: str) -> str:
    """Drop Markdown emphasis markers when they come in pairs; normalize the rest.

    A lone ``*`` (a bullet) or a footnote mark ``(*)`` is kept, because it is text.

    >>> clean_inline("*Hà Nội, ngày 06 tháng 8 năm 2024*")
    'Hà Nội, ngày 06 tháng 8 năm 2024'
    >>> clean_inline("(*) Nếu có sự thay đổi")
    '(*) Nếu có sự thay đổi'
    """
    protected = text.replace(_FOOTNOTE_STAR, "\0")
    if len(_EMPHASIS_RUN.findall(protected)) % 2 == 0:
        protected = _EMPHASIS_RUN.sub("", protected)
    return normalize_line(protected.replace("\0", _FOOTNOTE_STAR))


def make_table(rows: list[list[str]], page: int) -> Table | None:
    """A rectangular ``Table`` from parsed rows (short rows padded with ""), or None."""
    rows = [r for r in rows if any(r) and not is_separator_row(r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    return Table(rows=tuple(tuple(r + [""] * (width - len(r))) for r in rows), page=page)


def paged_lines(text: str) -> Iterator[tuple[str, int]]:
    """(line, page) pairs; a form feed starts the next page."""
    for page_no, page in enumerate(text.split("\f"), start=1):
        for line in page.split("\n"):
            yield line, page_no


def blocks_from_lines(pairs: Iterable[tuple[str, int]], markdown: bool = False) -> list[Block]:
    """Turn (line, page) pairs into ``Line`` blocks and ``Table`` blocks, in order.

    Blank lines are dropped; consecutive pipe rows become one table.

    >>> blocks_from_lines([("Kính gửi: Sở Công Thương", 1), ("| A | B |", 1), ("|---|---|", 1)])
    [Line(text='Kính gửi: Sở Công Thương', page=1), Table(rows=(('A', 'B'),), page=1)]
    """
    blocks: list[Block] = []
    run: list[list[str]] = []
    run_page = 1
    for raw, page in pairs:
        if is_table_row(raw):
            if not run:
                run_page = page
            run.append(split_cells(raw))
            continue
        if run:
            table = make_table(run, run_page)
            blocks.extend([table] if table else [])
            run = []
        text = _HEADING.sub("", raw.strip()) if markdown else raw
        text = clean_inline(text)
        if text:
            blocks.append(Line(text=text, page=page))
    if run and (table := make_table(run, run_page)):
        blocks.append(table)
    return blocks


def read_text(path: Path) -> RawDocument:
    """Read a .txt or .md file into a ``RawDocument`` (extractor ``"text"``).

    Raises ``EmptyFileError`` when the file has no bytes or only whitespace.
    """
    data = path.read_bytes()
    if not data:
        raise EmptyFileError(path, "tệp rỗng (0 byte)", "kiểm tra lại tệp gốc rồi nạp lại")
    text = normalize_text(decode_text(data))
    if not text.strip():
        raise EmptyFileError(path, "tệp không có chữ nào", "kiểm tra lại tệp gốc rồi nạp lại")
    fmt = path.suffix.lower().lstrip(".")
    blocks = blocks_from_lines(paged_lines(text), markdown=fmt == "md")
    return RawDocument(
        file=str(path),
        fmt=fmt,
        blocks=tuple(blocks),
        extractor="text",
        pages=text.count("\f") + 1,
        paged="\f" in text,  # form feeds mark pages; otherwise a text file has none
    )
