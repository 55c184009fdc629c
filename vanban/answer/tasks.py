"""Who owns which task by when, for the documents in the index.

Assignments are extracted once, at ingest, from the parsed document (with the
table headers the parser found) and stored with the document's registry record
(``index.store``); ``Responsibilities`` holds those of one index state and
answers the look-ups the CLI, the page and the answers need.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ingest.assignments import ROLES, Assignment
from ingest.bodies import body_matches, canonical_body, labelled_body
from ingest.errors import InputError
from vanban.answer.match import DocFrequencies
from vanban.answer.types import Citation

__all__ = [
    "ROW_KEYS",
    "Responsibilities",
    "check_range",
    "parse_user_date",
    "role_rank",
    "task_lines",
    "to_row",
]

# The ``vanban deadlines --json`` contract, in this order.
ROW_KEYS = ("file", "document", "clause", "label", "body", "role", "task",
            "deadline_text", "due", "recurrence")


def to_row(a: Assignment) -> dict[str, Any]:
    """One assignment as the ``vanban deadlines --json`` row (``due`` in ISO or None).

    >>> a = Assignment("cv.docx", "Công văn 612/SCT-QLCN", "2", "Mục 2", "Sở Công Thương",
    ...                "so cong thuong", "chủ trì", "Kiểm tra", "trước ngày 15/9/2025",
    ...                dt.date(2025, 9, 15), None, "Sở Công Thương chủ trì kiểm tra")
    >>> to_row(a)["due"], to_row(a)["clause"]
    ('2025-09-15', '2')
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
        self._freq: DocFrequencies | None = None
        self._by_file: dict[str, list[Assignment]] | None = None  # built on first use
        for a in self._all:
            self._by_clause.setdefault((a.file, a.clause), []).append(a)

    def all(self) -> list[Assignment]:
        """Every assignment with a named body, in document order."""
        return list(self._all)

    def unowned(self) -> list[Assignment]:
        """Deadlines the documents state without naming who (``body == ""``)."""
        return list(self._unowned)

    def for_body(self, query: str) -> list[Assignment]:
        """Assignments of the body a user names, any variant (``SCT``, ``sở công thương``).

        >>> a = Assignment("cv.docx", "Công văn 612/SCT-QLCN", "2", "Mục 2", "Sở Công Thương",
        ...                canonical_body("Sở Công Thương"), "chủ trì", "Kiểm tra", None, None,
        ...                None, "Sở Công Thương chủ trì kiểm tra")
        >>> r = Responsibilities([a])
        >>> [x.body for x in r.for_body("sở công thương")], [x.body for x in r.for_body("SCT")]
        (['Sở Công Thương'], ['Sở Công Thương'])
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

    def under_clause(self, file_or_docid: str, path: str) -> list[Assignment]:
        """Assignments of the clauses under one clause (``III`` → ``III.1``, ``III.2.a``), in
        document order: what a heading stands for (``TỔ CHỨC THỰC HIỆN``)."""
        file = self._doc_ids.get(file_or_docid, file_or_docid)
        if self._by_file is None:
            self._by_file = {}
            for a in self._all:
                self._by_file.setdefault(a.file, []).append(a)
        prefix = f"{path}."
        return [a for a in self._by_file.get(file, []) if a.clause.startswith(prefix)]

    def _spellings(self) -> dict[str, str]:
        """Each body key and its most frequent printed spelling."""
        counts: dict[str, dict[str, int]] = {}
        for a in self._all:
            names = counts.setdefault(a.body_key or canonical_body(a.body), {})
            names[a.body] = names.get(a.body, 0) + 1
        return {key: max(names.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
                for key, names in counts.items()}

    def bodies(self) -> list[str]:
        """One display name per body, sorted, for a dropdown: a provincial body carries
        its province (``Sở Công Thương (tỉnh Lào Cai)``), so two provinces stay apart."""
        shown = [labelled_body(name, key) for key, name in self._spellings().items()]
        return sorted(shown, key=lambda s: (_sort_key(s), s))

    def names(self) -> list[str]:
        """The bodies as printed (no province label), for finding one named in a question."""
        return sorted(set(self._spellings().values()), key=lambda s: (_sort_key(s), s))

    def task_frequencies(self) -> DocFrequencies:
        """Token document frequencies over every task (BM25's IDF when matching a question)."""
        if self._freq is None:
            self._freq = DocFrequencies.of(dict.fromkeys(a.task for a in self._all))
        return self._freq

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


def check_range(start: dt.date | None, end: dt.date | None, start_name: str = "--from",
                end_name: str = "--to") -> None:
    """Refuse a range whose start is after its end: it would match nothing and say nothing.

    >>> check_range(dt.date(2026, 12, 31), dt.date(2026, 1, 1), "Từ ngày", "Đến ngày")
    Traceback (most recent call last):
    ...
    ingest.errors.InputError: Từ ngày: ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026 — đổi chỗ hai ngày: Từ ngày phải trước hoặc bằng Đến ngày
    """
    if start is not None and end is not None and start > end:
        raise InputError(start_name, f"ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}",
                         f"đổi chỗ hai ngày: {start_name} phải trước hoặc bằng {end_name}")


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
        lines.append(f"     {Citation.of_assignment(a).render()}")
    return lines


def _sort_key(name: str) -> str:
    """Vietnamese-friendly sort key: case-folded, with Đ after D rather than after Z."""
    return re.sub(r"đ", "d~", name.casefold())
