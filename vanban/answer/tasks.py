"""Who owns which task by when, for the documents in the index.

Assignments are derived from the stored chunks, not cached at ingest time: a
document rebuilt from its chunks (:func:`document_from_chunks`) is run through
``ingest.assignments.extract_assignments``, so the answers always match what
search can see, in embedded and in Chroma server mode alike.

>>> r = Responsibilities.from_chunks(chunks)  # doctest: +SKIP
>>> [a.citation for a in r.for_body("SCT")][:1]  # doctest: +SKIP
['Công văn /UBND-KT › 1']
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from index.chunks import Chunk
from ingest.assignments import ROLES, Assignment, extract_assignments
from ingest.bodies import body_matches, canonical_body, labelled_body
from ingest.errors import InputError
from ingest.model import Clause, Document, Header, Table

__all__ = [
    "ROW_KEYS",
    "Responsibilities",
    "ResponsibilitiesCache",
    "document_from_chunks",
    "group_by_document",
    "infer_header",
    "parse_user_date",
    "responsibilities_of",
    "role_rank",
    "task_lines",
    "to_row",
]

# The ``vanban deadlines --json`` contract, in this order.
ROW_KEYS = ("file", "document", "clause", "label", "body", "role", "task",
            "deadline_text", "due", "recurrence")


def _header(chunk: Chunk) -> Header:
    """The header fields a chunk carries (enough for ``Header.name`` and year-less dates)."""
    date = dt.date.fromisoformat(chunk.date) if chunk.date else None
    return Header(doc_type=chunk.doc_type or None, number=chunk.number or None,
                  issuer=chunk.issuer or None, date=date, title=chunk.title or None)


def _cells(chunk: Chunk) -> tuple[str, ...]:
    """A table row's cells; from its printed text (``a | b | c``) when the store kept none.

    The printed text omits the row number and empty cells, so columns may shift;
    a store that persists ``Chunk.cells`` avoids that.
    """
    if chunk.kind != "table_row" or chunk.cells:
        return chunk.cells
    return tuple(p.strip() for p in chunk.text.split(" | "))


def _clause(chunk: Chunk, start: int) -> Clause:
    kind = chunk.kind if chunk.kind in ("clause", "table_row", "preamble") else "clause"
    return Clause(path=chunk.path, label=chunk.label, heading=chunk.heading, text=chunk.text,
                  page=chunk.page, span=(start, start + len(chunk.text)),
                  kind=kind,  # type: ignore[arg-type]
                  cells=_cells(chunk))


def document_from_chunks(chunks: Sequence[Chunk]) -> Document:
    """Rebuild one document (header, clauses in order, text) from its stored chunks.

    Table rows come back as clauses of kind ``table_row`` with their cells. The
    table's header row is not stored, so one is inferred per table from what its
    columns hold (:func:`infer_header`) and given to the extractor with the rows.

    >>> doc = document_from_chunks(chunks_from_document(parsed))  # doctest: +SKIP
    >>> doc.name == parsed.name  # doctest: +SKIP
    True
    """
    if not chunks:
        raise ValueError("document_from_chunks needs at least one chunk")
    first = chunks[0]
    clauses: list[Clause] = []
    start = 0
    for chunk in chunks:
        clauses.append(_clause(chunk, start))
        start += len(chunk.text) + 2  # clauses are joined by a blank line below
    text = "\n\n".join(c.text for c in chunks)
    return Document(file=first.file, doc_id=first.doc_id, status="ok", header=_header(first),
                    clauses=tuple(clauses), tables=_tables(chunks), text=text,
                    pages=max(c.page for c in chunks))


def _tables(chunks: Sequence[Chunk]) -> tuple[Table, ...]:
    """One table per path prefix of the table rows (``PL.3`` → ``PL``), header inferred."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for c in chunks:
        if c.kind == "table_row" and _cells(c):
            groups.setdefault(c.path.rsplit(".", 1)[0], []).append(_cells(c))
    out = []
    for rows in groups.values():
        header = infer_header(rows)
        out.append(Table(rows=((header, *rows) if header else tuple(rows))))
    return tuple(out)


_BODY_CELL = re.compile(
    r"^(?:Bộ|Sở|Cục|Chi cục|Tổng cục|Vụ|Ban|Ủy ban|Uỷ ban|UBND|Hội đồng|Công an|Thanh tra|"
    r"Viện|Trung tâm|Văn phòng|Đài|Hội|Tập đoàn|Công ty|Ngân hàng|Kho bạc|Mặt trận|Chính phủ|"
    r"Thủ tướng|Các|Địa phương|Tỉnh|Huyện|Xã)(?=[\s,:;]|$)|^[A-ZĐ]{2,}(?=[\s,&]|$)"
)
_NO_CELL = re.compile(r"^\(?(?:\d{1,3}|[IVXLC]{1,5}|[a-zđ])[.)]?$")


def _column_stats(rows: Sequence[tuple[str, ...]], i: int) -> tuple[float, float, float, float]:
    """Shares of a column's filled cells that are row numbers, bodies, deadlines; mean length."""
    from ingest.deadlines import parse_deadline

    cells = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
    if not cells:
        return 0.0, 0.0, 0.0, 0.0
    n = len(cells)
    return (sum(bool(_NO_CELL.match(c)) for c in cells) / n,
            sum(bool(_BODY_CELL.match(c)) for c in cells) / n,
            sum(parse_deadline(c) is not None for c in cells) / n,
            sum(len(c) for c in cells) / n)


def infer_header(rows: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    """A header row naming the roles of a task table's columns, guessed from its data rows.

    The first column mostly naming bodies is the lead (``Cơ quan chủ trì``), the
    next such column the coordinators, the one most often holding a deadline
    the due date, and the longest remaining column the task.

    >>> infer_header([("1", "Rà soát quy hoạch", "Sở Công Thương", "Sở Tài chính", "Quý III/2026")])
    ('TT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời hạn')
    """
    width = max((len(r) for r in rows), default=0)
    stats = [_column_stats(rows, i) for i in range(width)]
    # Leftmost: the lead column comes before the coordinators, which name bodies as often.
    lead = next((i for i in range(width) if stats[i][1] >= 0.5), None)
    if lead is None:
        return None
    labels = [""] * width
    labels[lead] = "Cơ quan chủ trì"
    if lead + 1 < width and stats[lead + 1][1] >= 0.3 and stats[lead + 1][2] < 0.5:
        labels[lead + 1] = "Cơ quan phối hợp"
    free = [i for i in range(width) if not labels[i]]
    due = max(free, key=lambda i: (stats[i][2], i), default=None)
    if due is not None and stats[due][2] >= 0.3:
        labels[due] = "Thời hạn"
    for i in range(width):
        if not labels[i] and stats[i][0] >= 0.8:
            labels[i] = "TT"
    rest = [i for i in range(lead) if not labels[i]]
    if not rest:
        return None
    labels[max(rest, key=lambda i: stats[i][3])] = "Nhiệm vụ"
    return tuple(labels)


def group_by_document(chunks: Iterable[Chunk]) -> dict[str, list[Chunk]]:
    """Chunks per doc id, in the order given (storage order = document order)."""
    out: dict[str, list[Chunk]] = {}
    for c in chunks:
        out.setdefault(c.doc_id, []).append(c)
    return out


def _chunk_order(chunks: list[Chunk]) -> list[Chunk]:
    """Chunks sorted by page, storage order kept within a page (``sorted`` is stable)."""
    return sorted(chunks, key=lambda c: c.page)


def to_row(a: Assignment) -> dict[str, Any]:
    """One assignment as the ``vanban deadlines --json`` row (``due`` in ISO or None).

    >>> to_row(a)["due"]  # doctest: +SKIP
    '2025-09-15'
    """
    return {"file": a.file, "document": a.document, "clause": a.clause, "label": a.label,
            "body": a.body, "role": a.role, "task": a.task, "deadline_text": a.deadline_text,
            "due": a.due.isoformat() if a.due else None, "recurrence": a.recurrence}


_ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}


def role_rank(role: str) -> int:
    """Lead first (``chủ trì``), then coordinate, carry out, monitor, advise."""
    return _ROLE_ORDER.get(role, len(ROLES))


class Responsibilities:
    """All assignments of the indexed documents, with the look-ups the CLI, UI and answers need."""

    def __init__(self, assignments: Iterable[Assignment], doc_files: dict[str, str] | None = None) -> None:
        records = list(assignments)
        self._all = [a for a in records if a.body]
        self._unowned = [a for a in records if not a.body]
        self._by_clause: dict[tuple[str, str], list[Assignment]] = {}
        self._doc_ids = dict(doc_files or {})  # doc id → source file name
        self.failed: list[str] = []  # files whose assignments could not be extracted
        for a in self._all:
            self._by_clause.setdefault((a.file, a.clause), []).append(a)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> Responsibilities:
        """Build from stored chunks: one rebuilt document per doc id."""
        records: list[Assignment] = []
        doc_ids: dict[str, str] = {}
        failed: list[str] = []
        for doc_id, group in group_by_document(chunks).items():
            doc = document_from_chunks(_chunk_order(group))
            doc_ids[doc_id] = doc.file
            name = group[0].document  # cite exactly as search does, whatever the header gives
            try:
                found = extract_assignments(doc)
            except Exception:  # noqa: BLE001 — one odd document must not take every answer down
                failed.append(doc.file)
                continue
            records.extend(a if a.document == name else replace(a, document=name) for a in found)
        out = cls(records, doc_ids)
        out.failed = failed
        return out

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> Responsibilities:
        """Build from parsed documents (tests, evals); file names without directory."""
        from pathlib import Path

        records: list[Assignment] = []
        doc_ids: dict[str, str] = {}
        for doc in docs:
            named = doc if Path(doc.file).name == doc.file else _renamed(doc, Path(doc.file).name)
            doc_ids[doc.doc_id] = named.file
            records.extend(extract_assignments(named))
        return cls(records, doc_ids)

    def all(self) -> list[Assignment]:
        """Every assignment with a named body, in document order."""
        return list(self._all)

    def unowned(self) -> list[Assignment]:
        """Deadlines the documents state without naming who (``body == ""``)."""
        return list(self._unowned)

    def for_body(self, query: str) -> list[Assignment]:
        """Assignments of the body a user names, any variant (``SCT``, ``sở công thương``).

        >>> [a.body for a in r.for_body("sở công thương")][:1]  # doctest: +SKIP
        ['Sở Công Thương']
        """
        if not query.strip():
            return []
        return [a for a in self._all if body_matches(query, a.body_key or a.body)]

    def due_between(self, date_from: dt.date | None, date_to: dt.date | None,
                    body: str | None = None) -> list[Assignment]:
        """Assignments with a due date in [date_from, date_to] (either end open), sorted by due."""
        pool = self.for_body(body) if body else self._all
        out = [a for a in pool if a.due is not None
               and (date_from is None or a.due >= date_from)
               and (date_to is None or a.due <= date_to)]
        return sorted(out, key=lambda a: (a.due or dt.date.max, a.document, a.clause, role_rank(a.role)))

    def with_deadline(self, body: str | None = None) -> list[Assignment]:
        """Assignments stating any deadline: dated ones by due, then undated (``hằng năm``…)."""
        pool = self.for_body(body) if body else self._all
        dated = self.due_between(None, None, body)
        undated = [a for a in pool if a.due is None and (a.deadline_text or a.recurrence)]
        return dated + undated

    def deadlines(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  body: str | None = None) -> list[Assignment]:
        """What ``vanban deadlines`` lists: due in [from, to] when a bound is given, else
        every assignment stating a deadline (undated ones such as ``hằng năm`` last)."""
        found = self.due_between(date_from, date_to, body) if date_from or date_to else self.with_deadline(body)
        return _one_row_each(found)

    def for_clause(self, file_or_docid: str, path: str) -> list[Assignment]:
        """Assignments of one clause (by source file name or doc id), lead first."""
        file = self._doc_ids.get(file_or_docid, file_or_docid)
        found = self._by_clause.get((file, path), [])
        return sorted(found, key=lambda a: role_rank(a.role))

    def bodies(self) -> list[str]:
        """One display name per body (the most frequent spelling), sorted, for a dropdown."""
        counts: dict[str, dict[str, int]] = {}
        for a in self._all:
            names = counts.setdefault(a.body_key or canonical_body(a.body), {})
            names[a.body] = names.get(a.body, 0) + 1
        shown = [labelled_body(max(names.items(), key=lambda kv: (kv[1], -len(kv[0])))[0], key)
                 for key, names in counts.items()]
        return sorted(shown, key=lambda s: (_sort_key(s), s))

    def __len__(self) -> int:
        return len(self._all)


def _one_row_each(records: Sequence[Assignment]) -> list[Assignment]:
    """One record per (body, task, deadline); the strongest role wins (lead over carry out)."""
    best: dict[tuple[Any, ...], Assignment] = {}
    for a in records:
        key = (a.body_key or canonical_body(a.body), a.file, a.clause, a.task, a.deadline_text, a.due)
        if key not in best or role_rank(a.role) < role_rank(best[key].role):
            best[key] = a
    keep = {id(a) for a in best.values()}
    return [a for a in records if id(a) in keep]


def parse_user_date(text: str, option: str = "--from") -> dt.date:
    """A date typed by a user: ``15/9/2025``, ``15-09-2025`` or ISO ``2025-09-15``.

    >>> parse_user_date("1/10/2026")
    datetime.date(2026, 10, 1)
    >>> parse_user_date("2026-10-31")
    datetime.date(2026, 10, 31)
    """
    raw = unicodedata.normalize("NFC", text).strip()
    try:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(option, f"ngày '{text}' không hợp lệ",
                         "nhập theo dạng dd/mm/yyyy (ví dụ 15/9/2025) hoặc yyyy-mm-dd") from None


def task_lines(records: Sequence[Assignment], with_body: bool = True,
               marks: Sequence[Mapping[str, Any]] | None = None) -> list[str]:
    """Readable lines for a terminal: one task per item, its deadline and citation.

    ``  1. Sở Công Thương (chủ trì) — hạn 15/09/2025 (trước ngày 15/9/2025)``
    ``     Rà soát …``
    ``     Kế hoạch 28/KH-BCĐCVĐ › IV.1.1``

    ``marks`` (the records' rows marked by ``vanban.tracking.mark_rows``, in the same
    order) show the date each was judged by (a recurring one's next occurrence) and
    its standing: ``— hạn 15/12/2026 (hằng năm, trước ngày 15/12) — sắp đến hạn (định kỳ)``.
    """
    lines = []
    for i, a in enumerate(records, start=1):
        mark = marks[i - 1] if marks is not None else None
        who = f"{a.body} ({a.role})" if with_body else a.role[:1].upper() + a.role[1:]
        due_on = dt.date.fromisoformat(mark["next_due"]) if mark and mark.get("next_due") else a.due
        due = due_on.strftime("%d/%m/%Y") if due_on else ""
        said = a.deadline_text or a.recurrence or ""
        when = f"{due} ({said})" if due and said else (due or said)
        status = ""
        if mark:
            note = str(mark.get("status_note") or "")
            status = f" — {mark['status']}" + (f" ({note})" if note else "")
        lines.append(f"{i:3}. {who}" + (f" — hạn {when}" if when else "") + status)
        task = re.sub(r"\s+", " ", a.task).strip()
        lines.append(f"     {task[:300] + ' …' if len(task) > 300 else task}")
        lines.append(f"     {a.citation}")
    return lines


def _sort_key(name: str) -> str:
    """Vietnamese-friendly sort key: case-folded, with Đ after D rather than after Z."""
    return re.sub(r"đ", "d~", name.casefold())


def _renamed(doc: Document, file: str) -> Document:
    return replace(doc, file=file)


class _ChunkSource(Protocol):
    def chunks(self) -> list[Chunk]: ...


class _SignedSource(_ChunkSource, Protocol):
    def signature(self) -> str: ...


def responsibilities_of(store: _ChunkSource) -> Responsibilities:
    """The responsibilities of every document a store (or anything with ``chunks()``) holds."""
    return Responsibilities.from_chunks(store.chunks())


class ResponsibilitiesCache:
    """Rebuilds the responsibilities only when the store's set of documents changed.

    >>> cache = ResponsibilitiesCache()  # doctest: +SKIP
    >>> cache.get(service.store).for_body("SCT")  # doctest: +SKIP
    """

    def __init__(self) -> None:
        self._signature: str | None = None
        self._value: Responsibilities | None = None

    def get(self, store: _SignedSource) -> Responsibilities:
        signature = store.signature()
        if self._value is None or signature != self._signature:
            self._value = responsibilities_of(store)
            self._signature = signature
        return self._value
