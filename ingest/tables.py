"""Tables in a document: the header table, the signature table and task tables.

A task table (bảng phân công nhiệm vụ) has a header such as
``TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện``;
:func:`task_columns` finds which column plays which role, whatever the exact
wording (``Đơn vị chủ trì``, ``Thời hạn``, ``Nội dung hoạt động``...).
:func:`task_rows` turns the data rows into numbered rows, following group rows
(``I. Nâng cao nhận thức…``) and rows split over a page break.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.model import Table

__all__ = [
    "TaskHeader",
    "TaskRow",
    "cell_role",
    "find_task_header",
    "group_heading",
    "is_closing_table",
    "rows_from_flat_cells",
    "stacked_header",
    "task_columns",
    "task_header",
    "task_rows",
]

# Order matters: "Cơ quan chủ trì" must be read as lead before "nội dung" tests.
_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lead", ("chủ trì", "thực hiện chính", "đơn vị thực hiện", "cơ quan thực hiện",
              "trách nhiệm thực hiện", "chịu trách nhiệm")),
    ("coord", ("phối hợp",)),
    ("due", ("thời gian", "thời hạn", "tiến độ", "hoàn thành", "thời điểm")),
    ("result", ("kết quả", "sản phẩm", "hình thức văn bản")),
    ("task", ("nhiệm vụ", "nội dung", "công việc", "hoạt động", "giải pháp", "đề án")),
)
_NO_CELLS = {"tt", "stt", "số tt", "số thứ tự", "thứ tự", "số"}
_NO_CELLS_JOINED = {c.replace(" ", "") for c in _NO_CELLS}


def _key(cell: str) -> str:
    return " ".join(unicodedata.normalize("NFC", cell).lower().replace("*", " ").split())


def cell_role(cell: str) -> str | None:
    """The role a header cell names (``"Cơ quan chủ trì"`` → ``"lead"``), or None."""
    key = _key(cell)
    # "ST T": a narrow number column wraps its heading (pdfplumber joins the lines with a space)
    if key.rstrip(".") in _NO_CELLS or key.replace(" ", "").rstrip(".") in _NO_CELLS_JOINED:
        return "no"
    if not key or len(key) >= 60:
        return None
    return next((role for role, words in _ROLE_WORDS if any(w in key for w in words)), None)


def task_columns(header_row: tuple[str, ...] | list[str]) -> dict[str, int] | None:
    """Map the roles ``no``, ``task``, ``lead``, ``coord``, ``due`` (and ``result``) to
    column indexes; None when the row is not the header of a task table.

    >>> task_columns(("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
    ...               "Thời gian thực hiện/ hoàn thành"))
    {'no': 0, 'task': 1, 'lead': 2, 'coord': 3, 'due': 4}
    >>> task_columns(("Số: 13/CT-TTg", "Hà Nội, ngày 02 tháng 5 năm 2024")) is None
    True
    """
    roles: dict[str, int] = {}
    for i, cell in enumerate(header_row):
        role = cell_role(cell)
        if role:
            roles.setdefault(role, i)
    if "task" not in roles or not ({"lead", "due"} & roles.keys()):
        return None
    return dict(sorted(roles.items(), key=lambda kv: kv[1]))


@dataclass(frozen=True)
class TaskHeader:
    """Where a task table's header ends (index of its last row), the column of each role
    and the header read as one row (its rows stacked column by column)."""

    end: int
    cols: dict[str, int]
    cells: tuple[str, ...]


def task_header(table: Table) -> TaskHeader | None:
    """The header of a task table among its first rows, or None.

    A header may be printed over two or three rows (``Cơ quan`` above ``chủ trì``,
    a merged ``Cơ quan thực hiện`` above ``Chủ trì | Phối hợp``, or the number column
    merged down beside them); the rows are then read together.

    >>> h = task_header(Table((("TT", "Nhiệm vụ", "Cơ quan thực hiện", "", "Thời hạn"),
    ...                        ("TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"))))
    >>> h.end, h.cols, h.cells[2]
    (1, {'no': 0, 'task': 1, 'lead': 2, 'coord': 3, 'due': 4}, 'Cơ quan thực hiện Chủ trì')
    """
    for i in range(min(3, len(table.rows))):
        best: TaskHeader | None = None
        for k in (1, 2, 3, 4):
            rows = table.rows[i:i + k]
            if len(rows) < k or (k > 1 and any(len(c) > 40 for c in rows[-1])):
                break
            cells = stacked_header(rows)
            cols = task_columns(cells)
            if cols and (best is None or len(cols) > len(best.cols)):
                best = TaskHeader(i + k - 1, cols, cells)
        if best:
            return best
    return None


def find_task_header(table: Table) -> tuple[int, dict[str, int]] | None:
    """The index of the (last) header row among the first rows, with its column roles
    (:func:`task_header` without the header's text).

    >>> find_task_header(Table((("TT", "Nhiệm vụ", "Cơ quan", "Thời hạn"),
    ...                         ("", "", "chủ trì", "hoàn thành"), ("1", "Rà soát", "Bộ Nội vụ", "2026"))))
    (1, {'no': 0, 'task': 1, 'lead': 2, 'due': 3})
    """
    found = task_header(table)
    return (found.end, found.cols) if found else None


def stacked_header(rows: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Header rows read column by column: ``("Cơ quan", "chủ trì")`` → ``"Cơ quan chủ trì"``;
    a merged cell repeated in each row is read once."""
    out = []
    for parts in zip(*rows, strict=False):
        seen: list[str] = []
        for p in parts:
            if p.strip() and p.strip() not in seen:
                seen.append(p.strip())
        out.append(" ".join(seen))
    return tuple(out)


def is_closing_table(table: Table) -> bool:
    """True for the table holding ``Nơi nhận`` and the signature block."""
    text = " ".join(" ".join(r) for r in table.rows)
    if "Nơi nhận" in text:
        return True
    return bool(re.search(r"(?:^|\s)(?:TM|KT|TL|TUQ)\.\s*[A-ZĐ]", text)) and len(table.rows) <= 2


@dataclass(frozen=True)
class TaskRow:
    """One data row of a task table: its number (``"3"``, ``"I.2"``, ``"1.a"``), the
    group title above it (if any) and the cells."""

    number: str
    group: str
    cells: tuple[str, ...]
    index: int = 0  # position of the row's first line among the data rows


def _row_no(cell: str) -> str:
    """``"1."`` → ``"1"``, ``"a)"`` → ``"a"``, ``"**I.**"`` → ``"I"``."""
    return cell.replace("*", "").strip().rstrip(".)").strip()


def _is_numbering_row(cells: tuple[str, ...]) -> bool:
    """The row ``(1) | (2) | (3)`` some tables print under their header."""
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in filled)


def _is_group(cells: tuple[str, ...], cols: dict[str, int]) -> bool:
    # A group row names a block of tasks and leaves lead/coordination empty.
    roles = [cols[r] for r in ("lead", "coord") if r in cols]
    return bool(roles) and all(not cells[i].strip() for i in roles if i < len(cells))


_GROUP_MARK = re.compile(r"^(?P<no>[IVXL]{1,5}|\d{1,2}|[A-ZĐ])\s*[.)]\s*(?P<title>\S.*)$", re.DOTALL)


def _is_upper_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def group_heading(cells: tuple[str, ...], cols: dict[str, int]) -> tuple[str, str] | None:
    """(number, title) of a row that only heads a group of tasks, else None.

    Such a row prints one cell, merged across the table (its text lands in the first
    column) or in the task column: ``I. HOÀN THIỆN THỂ CHẾ``, ``1. Nhóm nhiệm vụ về …``,
    or a title in capitals without a number. A lone lower-case fragment continues the
    row above (a cell broken over a page), so it is no group.

    >>> cols = {"no": 0, "task": 1, "lead": 2}
    >>> group_heading(("1. Nhóm nhiệm vụ về thể chế", "", ""), cols)
    ('1', 'Nhóm nhiệm vụ về thể chế')
    >>> group_heading(("", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", ""), cols)
    ('', 'CẢI CÁCH THỦ TỤC HÀNH CHÍNH')
    >>> group_heading(("", "và báo cáo kết quả", ""), cols) is None
    True
    """
    filled = [(i, c.replace("*", "").strip()) for i, c in enumerate(cells) if c.strip()]
    if len(filled) != 1 or filled[0][0] not in (cols.get("no"), cols["task"], 0):
        return None
    i, text = filled[0]
    m = _GROUP_MARK.match(text)
    if m and not re.match(r"[-–+•]", m.group("title")):
        return m.group("no"), m.group("title").strip()
    if _is_upper_title(text) or (i == cols.get("no") and i != cols["task"] and len(text) > 12
                                 and text[:1].isupper()):
        return "", text
    return None


def _same_level(a: str, b: str) -> bool:
    """``"3"`` and ``"2"`` number the same level; ``"a"`` and ``"2"`` do not."""
    def kind(x: str) -> str:
        return "digit" if x.isdigit() else "roman" if re.fullmatch(r"[IVXL]+", x) else "other"
    return kind(a) == kind(b) != "other"


def _cell_text(cells: tuple[str, ...], i: int) -> str:
    return cells[i].strip() if i < len(cells) else ""


def _merge(prev: tuple[str, ...], cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(x for x in (a, b) if x.strip()) for a, b in zip(prev, cells, strict=False))


def task_rows(rows: tuple[tuple[str, ...], ...], cols: dict[str, int]) -> list[TaskRow]:
    """Data rows of a task table (header row excluded) as numbered ``TaskRow``s.

    A row without a number and without a lead continues the row above (a cell
    broken over a page); a numbered row with an empty lead column, or a row of one
    cell across the table (:func:`group_heading`), is a group.

    >>> cols = {"no": 0, "task": 1, "lead": 2}
    >>> [(r.number, r.cells[2]) for r in task_rows((("I.", "Thể chế", ""),
    ...     ("1.", "Sửa Nghị định 06", "Cục Biến đổi khí hậu")), cols)]
    [('1', 'Cục Biến đổi khí hậu')]
    """
    out: list[TaskRow] = []
    groups_seen: set[str] = set()
    last_no = ""  # number of the last row or group, parent of bulleted sub-rows
    restarts: bool | None = None  # the current group numbers its rows from 1 again
    group_no, group_title = "", ""
    no_col, task_col = cols.get("no"), cols["task"]
    for k, cells in enumerate(rows):
        if not any(c.strip() for c in cells) or _is_numbering_row(cells):
            continue
        no = _row_no(cells[no_col]) if no_col is not None and no_col < len(cells) else ""
        # one cell across the table ("I. HOÀN THIỆN THỂ CHẾ"), or a number over an empty lead
        group = group_heading(cells, cols) or (
            (no, cells[task_col].strip()) if no and _is_group(cells, cols)
            and not re.fullmatch(r"[a-zđ]", no) and no not in _BULLETS else None)
        if group:
            group_no, group_title = group
            groups_seen.add(group_no)
            restarts = None
            last_no = group_no
            continue
        # no number and no task: a group's continuation, or the second line of a row whose
        # task cell is merged down (one task, two results and dates)
        if not no and out and (_is_group(cells, cols) or not _cell_text(cells, task_col)):
            last = out[-1]
            out[-1] = TaskRow(last.number, last.group, _merge(last.cells, cells), last.index)
            continue
        if no and restarts is None and no not in _BULLETS:  # the group's first row
            restarts = no in {r.number for r in out} | groups_seen
        if no and group_no and _same_level(no, group_no) and not restarts:
            group_no, group_title = "", ""  # a top-level task after a group ("3" after "2")
        if not no:
            no = str(len([r for r in out if r.group == group_title]) + 1)
            if restarts is None:
                restarts = no in {r.number for r in out} | groups_seen
        elif no in _BULLETS:  # bulleted sub-rows of the row above: 4.-1, 4.-2
            parent = last_no.split(".-")[0]
            n = sum(1 for r in out if r.number.startswith(parent + ".-")) + 1
            out.append(TaskRow(f"{parent}.-{n}", group_title, cells, k))
            last_no = out[-1].number
            continue
        # Numbers that run on across groups (28b: 13 under I, 14 under II) stay short;
        # a group whose numbers start again (1, 2 under II after 1, 2 under I) is prefixed.
        grouped = group_no and (not no.isdigit() or restarts)
        number = f"{group_no}.{no}" if grouped else no
        out.append(TaskRow(number, group_title, cells, k))
        last_no = number
    return out


_BULLETS = ("-", "+", "•")
_FLAT_NO = re.compile(r"^(\d{1,2}|[IVX]{1,4}|[a-zđ])[.)]?$")


def rows_from_flat_cells(lines: list[str], ncols: int) -> tuple[tuple[str, ...], ...]:
    """Rebuild a table that a text conversion flattened to one cell per line.

    Each row opens with its number alone on a line (``1``, ``a)``); the lines up to
    the next number are its cells, in column order. A row cut by a page break
    prints its cells twice (first halves, then second halves), so extra lines go
    round the columns again.

    >>> rows_from_flat_cells(["1", "Tuyên truyền", "a)", "Hội nghị", "Cục Lâm nghiệp",
    ...                       "Vụ Pháp chế", "Quý III/2026"], 5)
    (('1', 'Tuyên truyền', '', '', ''), ('a', 'Hội nghị', 'Cục Lâm nghiệp', 'Vụ Pháp chế', 'Quý III/2026'))
    """
    rows: list[list[str]] = []
    for line in lines:
        if _FLAT_NO.match(line.strip()):
            rows.append([line.strip().rstrip(".)")])
        elif rows:
            rows[-1].append(line.strip())
    out = []
    for row in rows:
        cells = [""] * ncols
        cells[0] = row[0]
        for k, text in enumerate(row[1:]):
            col = 1 + k % (ncols - 1)
            cells[col] = f"{cells[col]} {text}".strip()
        out.append(tuple(cells))
    return tuple(out)
