"""Deadline rows to spreadsheets: XLSX with real date cells, CSV that Excel opens in Vietnamese.

Every cell is data, never code: text that a spreadsheet would take for a formula
(a file named ``=1+2*3.txt``, a task starting with ``-``) is stored as text —
XLSX cells with Excel's quote prefix, CSV fields prefixed with ``'`` (OWASP).

A row is the ``vanban deadlines --json`` contract:
``{file, document, clause, label, body, role, task, deadline_text, due, recurrence}``
with ``due`` an ISO date string or ``None``. Rows marked by
:func:`vanban.tracking.mark_rows` also carry ``status``, ``status_note`` and
``next_due``; their "Hạn" cell is then the date the status was judged by (the
next occurrence of a recurring deadline).

Every writer creates the missing folders of its output path.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import InputError
from vanban.answer.types import Citation

Row = Mapping[str, Any]

# (header shown to users, row key, column width)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Cơ quan", "body", 34),
    ("Vai trò", "role", 14),
    ("Nhiệm vụ", "task", 70),
    ("Hạn", "due", 12),
    ("Tình trạng", "status", 14),
    ("Ghi chú hạn", "status_note", 18),
    ("Thời hạn (nguyên văn)", "deadline_text", 30),
    ("Định kỳ", "recurrence", 14),
    ("Văn bản", "document", 28),
    ("Điều khoản", "label", 24),
    ("Trích dẫn", "citation", 36),
    ("Tệp nguồn", "file", 40),
)


def vn_date(value: object) -> str:
    """A date as people write it here: ``2025-09-15`` → ``15/09/2025``; empty stays empty.

    >>> vn_date("2025-09-15"), vn_date(dt.date(2026, 1, 2)), vn_date(None)
    ('15/09/2025', '02/01/2026', '')
    """
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)  # already free text such as "Quý II/2026"


def with_shown_date(row: Row) -> dict[str, Any]:
    """A JSON row with ``due_shown``: the date a user reads (dd/mm/yyyy), beside the ISO
    ``due``/``next_due`` kept for programs; a recurring deadline shows its next occurrence.

    >>> with_shown_date({"due": "2025-09-15"})["due_shown"]
    '15/09/2025'
    """
    return {**row, "due_shown": vn_date(row.get("next_due") or row.get("due")) or None}


def output_path(path: str | Path) -> Path:
    """``path`` with its missing parent folders created; a clear error when that is impossible.

    >>> import tempfile
    >>> output_path(Path(tempfile.mkdtemp()) / "moi" / "thoi-han.xlsx").parent.is_dir()
    True
    """
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(out, f"không tạo được thư mục {out.parent} ({err.strerror or err})",
                         "chọn một đường dẫn khác trong thư mục có quyền ghi") from None
    if out.is_dir():
        raise InputError(out, "đường dẫn này là một thư mục", "thêm tên tệp, ví dụ thoi-han.xlsx")
    return out


def cell_value(row: Row, key: str) -> Any:
    """The value for one cell: dates as ``datetime.date``, citation composed, None as ''."""
    if key == "citation":
        return Citation.of_row(row).render()
    value = row.get(key)
    if key == "due":
        value = row.get("next_due") or value  # a recurring deadline: its next occurrence
    if key == "due" and value:
        return dt.date.fromisoformat(str(value))
    return "" if value is None else value


# A spreadsheet reads a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def is_formula_like(value: object) -> bool:
    """Whether a text cell would be taken as a formula; numbers and a lone "-" are not.

    >>> [is_formula_like(v) for v in ('=1+2*3.txt', '@SUM(A1)', '- Sở Công Thương', '-', '-12,5', 'Hạn')]
    [True, True, True, False, False, False]
    """
    return (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
            and value != "-" and not _NUMBER.fullmatch(value))


def neutralised(value: Any) -> Any:
    """A text that would run as a formula, prefixed with ``'`` (OWASP); anything else as is.

    >>> neutralised("=1+2*3.txt"), neutralised(12), neutralised("Hạn")
    ("'=1+2*3.txt", 12, 'Hạn')
    """
    return "'" + value if is_formula_like(value) else value


def write_xlsx(rows: Sequence[Row], path: str | Path) -> Path:
    """Write an XLSX: frozen header, autofilter, widths, dates as date cells (dd/mm/yyyy)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Thời hạn"
    ws.append([title for title, _, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([cell_value(row, key) for _, key, _ in COLUMNS])
        for cell in ws[ws.max_row]:
            if is_formula_like(cell.value):
                _as_text(cell)
    due_col = [key for _, key, _ in COLUMNS].index("due") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=due_col, max_col=due_col):
        cell.number_format = "DD/MM/YYYY"
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wrap_col = [key for _, key, _ in COLUMNS].index("task") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=wrap_col, max_col=wrap_col):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    out = output_path(path)
    wb.save(out)
    return out


def _as_text(cell: Any) -> None:
    """Store the cell as text with Excel's quote prefix: shown exactly as written (no
    visible ``'``), never evaluated, not even after someone edits the cell."""
    cell.data_type = "s"
    cell.quotePrefix = True


def write_csv(rows: Sequence[Row], path: str | Path) -> Path:
    """Write CSV in UTF-8 with BOM so Excel shows Vietnamese correctly; dates dd/mm/yyyy."""
    out = output_path(path)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([title for title, _, _ in COLUMNS])
        for row in rows:
            writer.writerow([_csv_cell(cell_value(row, key)) for _, key, _ in COLUMNS])
    return out


def _csv_cell(value: Any) -> str:
    """Dates as dd/mm/yyyy; text that a spreadsheet would evaluate gets the OWASP ``'`` prefix."""
    return vn_date(value) if isinstance(value, dt.date) else str(neutralised(value))
