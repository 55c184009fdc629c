"""The data that flows through vanban, from file to answer.

``RawDocument`` (what a reader returns: lines and tables with page numbers)
→ ``Document`` (header, clause tree, tables, closing) → ``Clause`` (one citable
unit) → later ``Assignment`` records and search hits. All text is NFC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

# "no_structure": read fine, but no administrative form at all (``ingest.form``)
Status = Literal["ok", "needs_ocr", "unreadable_text_layer", "no_structure", "error"]
STATUSES: tuple[Status, ...] = ("ok", "needs_ocr", "unreadable_text_layer", "no_structure", "error")


@dataclass(frozen=True)
class Line:
    """One line (or paragraph, for DOCX) of body text, with its 1-based page."""

    text: str
    page: int = 1
    # Left edge on the page (PDF only): a first-line indent opens a paragraph.
    x0: float | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts; ``page`` is where it starts and ``row_pages``
    (when set) the page of each row of a table that runs over page breaks."""

    rows: tuple[tuple[str, ...], ...]
    page: int = 1
    row_pages: tuple[int, ...] = field(default=(), compare=False, repr=False)
    # A task table's header read as one row (``ingest.tables.task_header``: a header printed
    # over two rows, ``Cơ quan thực hiện`` above ``Chủ trì | Phối hợp``, reads
    # ``Cơ quan thực hiện Chủ trì | Phối hợp``); a continuation printed without a header
    # carries the header of the table it continues. Set by the parser; () elsewhere.
    header: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def pages_by_row(self) -> tuple[int, ...]:
        """The page of each row (the start page for every row when not recorded)."""
        return self.row_pages if len(self.row_pages) == len(self.rows) else (self.page,) * len(self.rows)


Block = Line | Table


@dataclass(frozen=True)
class RawDocument:
    """The one intermediate form every reader produces, whatever the format."""

    file: str
    fmt: str  # "pdf" | "docx" | "txt" | "md" | "json"
    blocks: tuple[Block, ...]
    extractor: str  # "pypdf" | "pdfplumber" | "python-docx" | "text" | ...
    status: Status = "ok"
    message: str = ""
    pages: int = 1
    quality: float | None = None  # share of valid Vietnamese syllables, when measured
    metrics: dict[str, float] = field(default_factory=dict)  # per-extractor quality
    # Whether ``page`` numbers are real: always for PDF; for DOCX only when Word recorded
    # page breaks (explicit or last rendered), for text only with form feeds.
    paged: bool = True


@dataclass(frozen=True)
class Header:
    """Thể thức văn bản: the fields printed above the body (NĐ 30/2020/NĐ-CP)."""

    doc_type: str | None = None  # "Kế hoạch", "Chỉ thị", "Công văn", ...
    number: str | None = None  # "28/KH-BCĐCVĐ"; "/UBND-KT" when the number is blank
    issuer: str | None = None  # "Ban Chỉ đạo Cuộc vận động ... tỉnh Bình Định"
    issuer_parent: str | None = None  # "Bộ Công Thương" above "Cục Hóa chất"
    place: str | None = None
    date: dt.date | None = None
    title: str | None = None  # trích yếu, or the "V/v ..." line of a công văn
    recipients: tuple[str, ...] = ()  # "Kính gửi:" list

    @property
    def name(self) -> str:
        """How the document is cited: ``Kế hoạch 28/KH-BCĐCVĐ``."""
        kind = self.doc_type or "Văn bản"
        if self.number and self.number.startswith(kind):  # a law cited by name: "Luật Cư trú"
            return self.number
        return f"{kind} {self.number}" if self.number else kind


@dataclass(frozen=True)
class Clause:
    """One citable unit: a numbered item of the body, or one row of a task table.

    ``path`` is stable and machine-friendly (``IV.1.1``, ``2.b``, ``Điều 5.2.a``,
    ``PL.3`` for row 3 of an appendix table); ``label`` is for people
    (``Mục IV › 1 › 1.1``); ``heading`` holds the texts of the enclosing
    headings, outermost first; ``span`` is the clause's [start, end) in
    ``Document.text``.
    """

    path: str
    label: str
    heading: tuple[str, ...]
    text: str
    page: int | None = 1
    span: tuple[int, int] = (0, 0)
    kind: Literal["clause", "table_row", "preamble"] = "clause"
    cells: tuple[str, ...] = ()  # the row's cells, for kind == "table_row"
    # Labelled facts about the task, in order: ``(("lead", "Bộ Tư pháp"), ("due", "Quý
    # IV/2026"))`` from ``- Cơ quan chủ trì: …`` lines or a task table's columns. Roles
    # are those of ``ingest.tables.cell_role``: task, lead, coord, due, result.
    fields: tuple[tuple[str, str], ...] = ()
    paragraph: int = 0  # 0: not located


def with_locations(clauses: tuple[Clause, ...], text: str, paged: bool) -> tuple[Clause, ...]:
    """The clauses with their paragraph index in ``text`` (1-based, counted from their
    span), and without a page where the file has no known pages.

    >>> c = with_locations((Clause("1", "1", (), "Một", 2, (0, 3)), Clause("2", "2", (), "Hai", 2, (4, 7))),
    ...                    "Một\\nHai", paged=False)
    >>> [(x.page, x.paragraph) for x in c]
    [(None, 1), (None, 2)]
    """
    return tuple(replace(c, paragraph=text.count("\n", 0, c.span[0]) + 1,
                         page=c.page if paged else None) for c in clauses)


@dataclass(frozen=True)
class Closing:
    """Signature block and distribution list: metadata, never answers."""

    authority: str | None = None  # "TM. Ủy ban nhân dân", "KT. Chủ tịch"
    position: str | None = None  # "Phó Chủ tịch"
    signer: str | None = None
    cc: tuple[str, ...] = ()  # "Nơi nhận" lines


@dataclass(frozen=True)
class Document:
    """A parsed document: what ``vanban parse`` prints and the index stores."""

    file: str
    doc_id: str  # content hash of the file's bytes
    status: Status
    message: str = ""
    extractor: str = ""
    header: Header = field(default_factory=Header)
    clauses: tuple[Clause, ...] = ()
    tables: tuple[Table, ...] = ()
    closing: Closing = field(default_factory=Closing)
    text: str = ""  # normalized body text; Clause.span indexes into it
    pages: int = 1
    paged: bool = True  # RawDocument.paged: whether clause pages are real

    @property
    def name(self) -> str:
        return self.header.name

