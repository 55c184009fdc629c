"""Deadline tracking: where each task stands on a reference date (today, or one the user picks).

A row (``vanban deadlines --json``) is marked

- ``quá hạn``: its due date is before the reference date;
- ``sắp đến hạn``: due within the window (7 or 30 days) from the reference date;
- ``còn hạn``: due later than that;
- ``không có hạn``: no date can be known (none stated, ``thường xuyên``, ``trong 15 ngày kể từ …``).

A recurring deadline (``hằng năm, trước ngày 15/12``, ``định kỳ 6 tháng``) is
judged by its next occurrence on or after the reference date, and marked
``định kỳ``; a due date whose year the document did not print (``trước ngày 15/6``
in a plan dated 24/02/2023 → 15/06/2023) is marked ``năm suy ra``.

>>> m = mark_deadline(dt.date(2023, 12, 15), "trước ngày 15/12", "hằng năm", dt.date(2026, 12, 10))
>>> m.status, m.due, m.notes
('sắp đến hạn', datetime.date(2026, 12, 15), ('định kỳ', 'năm suy ra'))
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_WINDOW",
    "OVERDUE",
    "DUE_SOON",
    "IN_TIME",
    "NO_DEADLINE",
    "STATUSES",
    "WINDOWS",
    "DeadlineMark",
    "mark_deadline",
    "mark_row",
    "mark_rows",
    "next_occurrence",
    "period_months",
]

OVERDUE, DUE_SOON, IN_TIME, NO_DEADLINE = "quá hạn", "sắp đến hạn", "còn hạn", "không có hạn"
STATUSES = (OVERDUE, DUE_SOON, IN_TIME, NO_DEADLINE)
RECURRING, YEAR_INFERRED = "định kỳ", "năm suy ra"
ONGOING = "thường xuyên"  # a standing duty: no date, and no period either
WINDOWS = (7, 30)  # the windows the page offers, in days
DEFAULT_WINDOW = 7

_UNITS = {"tháng": 1, "quý": 3, "năm": 12}
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class DeadlineMark:
    """A row's standing: the status, the date it was judged by, and the marks shown beside it."""

    status: str
    due: dt.date | None  # the next occurrence for a recurring deadline, else the due date
    recurring: bool
    year_inferred: bool

    @property
    def notes(self) -> tuple[str, ...]:
        """``('định kỳ', 'năm suy ra')``, as many as apply, for a table cell."""
        return tuple(n for n, on in ((RECURRING, self.recurring), (YEAR_INFERRED, self.year_inferred))
                     if on)

    def label(self) -> str:
        """``sắp đến hạn (định kỳ, năm suy ra)``: the status with its marks, for the page."""
        return self.status + (f" ({', '.join(self.notes)})" if self.notes else "")


def period_months(recurrence: str | None) -> int | None:
    """Months between two occurrences of a recurrence; None when it has no period.

    >>> period_months("hằng năm"), period_months("6 tháng"), period_months("hằng quý")
    (12, 6, 3)
    >>> period_months("2 năm"), period_months("thường xuyên"), period_months(None)
    (24, None, None)
    """
    m = re.fullmatch(r"\s*(?:(hằng|hàng)|(\d{1,2}))\s+(tháng|quý|năm)\s*", recurrence or "")
    if not m:
        return None
    return (1 if m.group(1) else int(m.group(2))) * _UNITS[m.group(3)] or None


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the 31st becomes the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def next_occurrence(first: dt.date, months: int, ref: dt.date) -> dt.date:
    """The first occurrence on or after ``ref`` of a deadline due ``first``, then every ``months``.

    >>> next_occurrence(dt.date(2023, 6, 15), 12, dt.date(2026, 7, 1))
    datetime.date(2027, 6, 15)
    >>> next_occurrence(dt.date(2027, 1, 10), 12, dt.date(2026, 7, 1))  # not started yet
    datetime.date(2027, 1, 10)
    """
    if first >= ref:
        return first
    steps = ((ref.year - first.year) * 12 + ref.month - first.month) // months
    due = _add_months(first, max(steps, 0) * months)
    while due < ref:
        steps += 1
        due = _add_months(first, steps * months)
    return due


def year_inferred(due: dt.date | None, text: str | None) -> bool:
    """Whether the year of ``due`` came from the document, not from the deadline's words.

    >>> year_inferred(dt.date(2023, 6, 15), "trước ngày 15/6"), year_inferred(dt.date(2025, 9, 15), "trước ngày 15/9/2025")
    (True, False)
    """
    return due is not None and bool(text) and not _YEAR.search(text or "")


def mark_deadline(due: dt.date | None, text: str | None, recurrence: str | None, ref: dt.date,
                  window: int = DEFAULT_WINDOW) -> DeadlineMark:
    """Mark one deadline against the reference date ``ref``; ``window`` days count as ``sắp đến hạn``.

    >>> mark_deadline(dt.date(2025, 9, 15), "trước ngày 15/9/2025", None, dt.date(2025, 9, 16)).status
    'quá hạn'
    >>> mark_deadline(None, "hằng năm", "hằng năm", dt.date(2025, 9, 16)).label()
    'không có hạn (định kỳ)'
    """
    months = period_months(recurrence)
    recurring = bool(recurrence) and recurrence != ONGOING
    inferred = year_inferred(due, text)
    if due is None:
        return DeadlineMark(NO_DEADLINE, None, recurring, inferred)
    if months:
        due = next_occurrence(due, months, ref)
    if due < ref:
        status = OVERDUE
    elif (due - ref).days <= window:
        status = DUE_SOON
    else:
        status = IN_TIME
    return DeadlineMark(status, due, recurring, inferred)


def mark_row(row: Mapping[str, Any], ref: dt.date, window: int = DEFAULT_WINDOW) -> dict[str, Any]:
    """A ``vanban deadlines --json`` row with its standing added.

    New keys: ``status`` (one of :data:`STATUSES`), ``next_due`` (ISO date judged by:
    the next occurrence when recurring), ``recurring``, ``year_inferred``, and
    ``status_note`` (``định kỳ, năm suy ra``).
    """
    due = dt.date.fromisoformat(str(row["due"])) if row.get("due") else None
    m = mark_deadline(due, row.get("deadline_text"), row.get("recurrence"), ref, window)
    return {**row, "status": m.status, "next_due": m.due.isoformat() if m.due else None,
            "recurring": m.recurring, "year_inferred": m.year_inferred,
            "status_note": ", ".join(m.notes)}


def mark_rows(rows: Iterable[Mapping[str, Any]], ref: dt.date | None = None,
              window: int = DEFAULT_WINDOW) -> list[dict[str, Any]]:
    """Every row marked against ``ref`` (today when None)."""
    ref = ref or dt.date.today()
    return [mark_row(r, ref, window) for r in rows]

