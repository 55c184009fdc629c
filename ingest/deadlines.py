"""Deadline phrases of Vietnamese administrative documents, parsed by rule.

Handles the forms the corpus actually uses: a day (``trước ngày 15/9/2025``,
``chậm nhất đến ngày 01 tháng 7 năm 2028``), a month (``trong tháng 6/2026``,
``Tháng 8/2024``), a quarter (``hoàn thành trong Quý III năm 2024``,
``Quý III, IV/2026``), a year or span of years (``Năm 2025``, ``2024 - 2025``),
recurring periods (``hằng năm``, ``định kỳ 6 tháng``, ``6 tháng: trước ngày 15/6``),
relative ones (``trong thời hạn 15 ngày làm việc kể từ …``) and ``Thường xuyên``.

Conventions: a period resolves to its last day; a day printed without a year
takes the year of the document's date (its first occurrence on or after that
date, so a December letter's ``trước ngày 15/1`` is next January); the raw text
is always kept; an impossible date (31/02) gives ``due=None``, never an exception.

>>> parse_deadline("hoàn thành trong Quý III năm 2024", None).due
datetime.date(2024, 9, 30)
>>> [d.due.isoformat() for d in find_deadlines(
...     "(6 tháng: trước ngày 15/6; năm: trước ngày 15/12)", date(2023, 2, 24))]
['2023-06-15', '2023-12-15']
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

__all__ = ["Deadline", "cell_deadlines", "find_deadlines", "parse_deadline"]

# kind: "date" | "month" | "quarter" | "year" | "period" | "relative" | "recurring" | "monthly"
#       | "ongoing"


@dataclass(frozen=True)
class Deadline:
    """One deadline phrase: its printed text, resolved due date and recurrence."""

    text: str
    due: date | None
    recurrence: str | None
    kind: str
    span: tuple[int, int] = (0, 0)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?:IV|I{1,3}|[1-4])"
_SEP = r"\s*[/.\-]\s*"
_REC = r"(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần)"
# Cue words that make a date a deadline rather than a reference ("Nghị định … ngày 07/01/2022").
_CUE = (
    r"(?:(?:hoàn\s+thành\s+|xong\s+)?(?:trước|chậm\s+nhất(?:\s+(?:là|đến|vào))?"
    r"|đến\s+hết|đến|hạn(?:\s+chót|\s+cuối)?(?:\s+là)?|trong|hết)"
    r"(?:\s+(?:hoặc\s+)?(?:trong\s+)?)?)"
)
_DAY = (
    r"ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*|" + _SEP + r")(?P<m>\d{1,2})"
    r"(?:\s*(?:năm\s*|" + _SEP + r")(?P<y>\d{4})|(?P<next>\s+của\s+năm\s+liền\s+kề))?"
)
# "trước 14 giờ ngày 08 tháng 10 năm 2025", "trước 16h00, ngày 15/10/2025"
_TIME = r"(?:\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s*)?"
# "trước ngày 05 của tháng liền kề", "chậm nhất vào ngày 05 hằng tháng": a day of every month
_MONTHLY = (
    r"(?:trước|chậm\s+nhất(?:\s+(?:là|vào|đến))?|vào|trong)\s+ngày\s+(?P<d>\d{1,2})\s+"
    r"(?:của\s+)?(?P<per>tháng\s+(?:liền\s+kề|tiếp\s+theo|sau)|(?:hằng|hàng)\s+tháng"
    r"|tháng\s+cuối\s+(?:mỗi\s+)?quý|tháng\s+đầu\s+(?:mỗi\s+)?quý)"
)
_TAIL = r"(?:\s+(?P<rec>" + _REC + r")(?:\s+kể\s+từ\s+năm\s+(?P<from>\d{4}))?)?"

# (name, regex, needs a cue in free text). Bare forms are for table cells only.
_PATTERNS: tuple[tuple[str, str, bool], ...] = (
    ("date", _CUE + r"\s*" + _TIME + _DAY + _TAIL, True),
    ("monthly", _MONTHLY, True),
    # "báo cáo trước 30/6/2026", "xong trước 20/10": a cue, then a day/month without "ngày"
    ("date", r"(?:(?:hoàn\s+thành\s+|xong\s+)?(?:trước|chậm\s+nhất(?:\s+(?:là|vào|đến))?|đến\s+hết"
     r"|hạn(?:\s+chót|\s+cuối)?(?:\s+là)?))\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})"
     r"(?:/(?P<y>\d{4}))?(?![\d/])(?!\s*(?:số|tổng|dân|hộ|người|diện))" + _TAIL, True),
    ("date", r"^\s*(?:ngày\s+)?(?P<d>\d{1,2})\s*(?:tháng\s*|" + _SEP + r")(?P<m>\d{1,2})"
     r"\s*(?:năm\s*|" + _SEP + r")(?P<y>\d{4})\b", False),
    # a table's time cell: "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1" (year of the column)
    ("date", r"(?<!\w)ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*|/)(?P<m>\d{1,2})(?![\d/])"
     r"(?:\s*(?:năm\s*|/)(?P<y>\d{4}))?", False),
    ("quarter", r"(?:(?:hoàn\s+thành\s+|xong\s+)?trong\s+)?quý\s+(?P<qs>" + _Q + r"(?:\s*(?:,|và|-)\s*"
     + _Q + r")*)\s*(?:năm\s+|/\s*)(?P<y>\d{4})(?:\s*,\s*(?P<y2>\d{4})\b)?", True),
    ("month", r"(?:(?:hoàn\s+thành\s+|xong\s+)?(?:trong|trước|đến\s+hết|cuối|hết)\s+)"
     r"tháng\s+(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})", True),
    ("month", r"^\s*(?:tháng\s+)?(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\s*$", False),
    ("month", r"^\s*(?:xong\s+)?(?:trong\s+)?tháng\s+(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})", False),
    ("period", r"^\s*(?:giai\s+đoạn\s+|năm\s+)?(?P<y1>\d{4})\s*[-–]\s*(?P<y>\d{4})\b", False),
    ("year", r"(?:(?:hoàn\s+thành\s+|xong\s+)?(?:trong|trước|đến\s+hết|cuối|hết)\s+)năm\s+(?P<y>\d{4})"
     r"(?P<on>\s+và\s+(?:những|các)\s+năm\s+tiếp\s+theo)?", True),
    # "Đến năm 2015, hoàn thành …" — a comma after the year; "đến năm 2030 và …" is a horizon
    ("year", r"\bđến\s+năm\s+(?P<y>\d{4})(?=\s*,)", True),
    ("year", r"^\s*(?:năm\s+)?(?P<y>\d{4})(?P<on>\s+và\s+(?:những|các)\s+năm\s+tiếp\s+theo)?", False),
    ("relative", r"(?:trong(?:\s+(?:thời\s+hạn|vòng))?(?:\s+(?:không\s+quá|tối\s+đa))?"
     r"|chậm\s+nhất(?:\s+là)?|sau|không\s+quá|tối\s+đa)"
     r"\s+(?P<n>\d+)(?:\s*\([^)]{1,12}\))?\s+(?:ngày(?:\s+làm\s+việc)?|tuần|tháng(?!\s*/|\s+(?:đầu|cuối)\s+năm))"
     r"(?:\s+(?:kể\s+từ|sau\s+khi|trước\s+khi|từ)\s+[^;.,\n]{1,60})?", True),
    ("recurring", r"định\s+kỳ\s+(?P<rec>" + _REC + r"|(?:\d+|hai|sáu|ba)\s+(?:tháng|năm)(?:\s+một\s+lần)?)", True),
    ("recurring", r"^\s*(?:định\s+kỳ\s+)?(?P<rec>" + _REC + r")\s*$", False),
    ("ongoing", r"^\s*(?:nhiệm\s+vụ\s+)?thường\s+xuyên\b", False),
    # Reference dates: matched only so that month/year patterns cannot bite into them.
    ("_block", r"ngày\s+\d{1,2}\s*(?:tháng\s*|" + _SEP + r")\d{1,2}\s*(?:năm\s*|" + _SEP + r")\d{4}", True),
    ("_block", r"\d{1,4}/\d{4}/[A-ZĐ]", True),
)
_COMPILED = tuple((k, re.compile(p, re.IGNORECASE), cue) for k, p, cue in _PATTERNS)
_LABEL_BEFORE = re.compile(r"(?:^|[(;,]\s*)(6\s+tháng|sáu\s+tháng|năm|quý|tháng)\s*:\s*$", re.IGNORECASE)
_REC_BEFORE = re.compile(r"(" + _REC + r")\s*[(,:]?\s*$", re.IGNORECASE)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    """``date`` or None when the printed day does not exist (31/02)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _norm_rec(text: str) -> str:
    """``hàng năm`` → ``hằng năm``; ``định kỳ hai năm một lần`` → ``2 năm``."""
    t = re.sub(r"\s+", " ", text.strip().lower()).replace("hàng ", "hằng ")
    t = t.replace("sáu ", "6 ").replace("hai ", "2 ").replace("ba ", "3 ").replace(" một lần", "")
    return {"năm": "hằng năm", "quý": "hằng quý", "tháng": "hằng tháng", "tuần": "hằng tuần"}.get(t, t)


def _resolve_day(m: re.Match[str], doc_date: date | None) -> tuple[date | None, str | None]:
    """Due date and recurrence of a matched day pattern."""
    g = m.groupdict()
    day, month = int(g["d"]), int(g["m"])
    rec = _norm_rec(g["rec"]) if g.get("rec") else None
    if g.get("y"):
        return _safe_date(int(g["y"]), month, day), rec
    if g.get("from"):
        return _safe_date(int(g["from"]), month, day), rec
    if g.get("next"):  # "trước ngày 15 tháng 02 của năm liền kề": the year after the document's
        year = doc_date.year + 1 if doc_date else None
        return (_safe_date(year, month, day) if year else None), rec or "hằng năm"
    return _next_occurrence(doc_date, month, day), rec


def _next_occurrence(doc_date: date | None, month: int, day: int) -> date | None:
    """A day printed without a year: its first occurrence on or after the document's date.

    Usually the document's own year (``trước ngày 15/6`` in a plan of 24/02/2023 →
    2023-06-15); a letter of 20/11/2025 asking ``trước ngày 30 tháng 6 hằng năm``
    first owes it on 2026-06-30, not on a day already past when it was signed.
    """
    if doc_date is None:
        return None
    due = _safe_date(doc_date.year, month, day)
    if due is not None and due < doc_date:
        due = _safe_date(doc_date.year + 1, month, day)
    return due


def _resolve(kind: str, m: re.Match[str], doc_date: date | None) -> tuple[date | None, str | None]:
    """Due date and recurrence for any pattern kind."""
    g = m.groupdict()
    if kind == "date":
        return _resolve_day(m, doc_date)
    if kind == "quarter":
        if g.get("y2"):
            return date(int(g["y2"]), 12, 31), None
        last = max(_ROMAN[q.upper()] for q in re.findall(_Q, g["qs"], re.IGNORECASE))
        return _last_day(int(g["y"]), last * 3), None
    if kind == "month":
        month = int(g["m"])
        return (_last_day(int(g["y"]), month) if 1 <= month <= 12 else None), None
    if kind in ("year", "period"):
        return date(int(g["y"]), 12, 31), ("hằng năm" if g.get("on") else None)
    if kind == "recurring":
        return None, _norm_rec(g["rec"])
    if kind == "monthly":  # every month (or quarter): no single due date
        return None, "hằng quý" if "quý" in g["per"] else "hằng tháng"
    if kind == "ongoing":
        return None, "thường xuyên"
    return None, None


def _candidates(text: str, cell: bool) -> list[tuple[str, re.Match[str]]]:
    """All pattern matches; bare (cue-less) patterns only when ``cell`` is True."""
    out: list[tuple[str, re.Match[str]]] = []
    for kind, rx, cue in _COMPILED:
        if not cue and not cell:
            continue
        out.extend((kind, m) for m in rx.finditer(text))
    return out


def _select(cands: list[tuple[str, re.Match[str]]]) -> list[tuple[str, re.Match[str]]]:
    """Leftmost-longest matches that do not overlap."""
    cands.sort(key=lambda c: (c[1].start(), -(c[1].end() - c[1].start())))
    kept: list[tuple[str, re.Match[str]]] = []
    end = -1
    for kind, m in cands:
        if m.start() >= end and m.end() > m.start():
            kept.append((kind, m))
            end = m.end()
    return [(k, m) for k, m in kept if k != "_block"]


def _context_recurrence(text: str, start: int) -> str | None:
    """Recurrence announced just before a phrase: ``6 tháng: …``, ``hằng năm (…``."""
    before = text[max(0, start - 30) : start]
    lab = _LABEL_BEFORE.search(before)
    if lab:
        return _norm_rec(lab.group(1))
    rec = _REC_BEFORE.search(before)
    return _norm_rec(rec.group(1)) if rec else None


def _merge_recurring(items: list[Deadline], text: str) -> list[Deadline]:
    """``định kỳ hằng năm (trước ngày 10/12)``: one dated, recurring deadline."""
    out: list[Deadline] = []
    for d in items:
        prev = out[-1] if out else None
        gap = text[prev.span[1] : d.span[0]] if prev else ""
        if prev and prev.kind == "recurring" and d.kind == "date" and re.fullmatch(r"[\s(:,]*", gap):
            out[-1] = replace(d, recurrence=d.recurrence or prev.recurrence)
        else:
            out.append(d)
    return out


def _is_period_end(text: str, m: re.Match[str]) -> bool:
    """``từ ngày 15/12 năm trước đến ngày 14/6``: the end of a period, not a deadline."""
    if not re.match(r"đến\s+ngày", m.group(0), re.IGNORECASE):
        return False
    return re.search(r"\btừ\s+(?:ngày\s+)?\d", text[max(0, m.start() - 60) : m.start()], re.IGNORECASE) is not None


def _find(text: str, doc_date: date | None, cell: bool) -> list[Deadline]:
    text = unicodedata.normalize("NFC", text)
    items = []
    for kind, m in _select(_candidates(text, cell)):
        if _is_period_end(text, m):
            continue
        due, rec = _resolve(kind, m, doc_date)
        rec = rec or _context_recurrence(text, m.start())
        raw = re.sub(r"\s+", " ", m.group(0)).strip()
        items.append(Deadline(raw, due, rec, kind, (m.start(), m.end())))
    return _merge_recurring(items, text)


def find_deadlines(text: str, doc_date: date | None = None) -> list[Deadline]:
    """Every deadline phrase in a clause's text, in order.

    Dates need a cue word (``trước``, ``chậm nhất``, ``trong``, ``đến hết``…), so
    references such as ``Nghị định số 06/2022/NĐ-CP ngày 07/01/2022`` are ignored.

    >>> [d.due for d in find_deadlines("trình Chính phủ trước ngày 30 tháng 7 năm 2024.")]
    [datetime.date(2024, 7, 30)]
    """
    return _find(text, doc_date, cell=False)


def parse_deadline(text: str, doc_date: date | None = None) -> Deadline | None:
    """The deadline a short phrase or a table's time cell states, or None.

    Unlike :func:`find_deadlines`, bare forms are accepted: ``6/2025``,
    ``2024 - 2025``, ``Năm 2025``, ``Thường xuyên``, ``Hằng năm``.

    >>> parse_deadline("Quý III, IV/2026", None).due
    datetime.date(2026, 12, 31)
    >>> parse_deadline("Thường xuyên", None).recurrence
    'thường xuyên'
    """
    found = parse_deadlines(text, doc_date)
    return found[0] if found else None


def parse_deadlines(text: str, doc_date: date | None = None) -> list[Deadline]:
    """All deadlines in a table cell, bare forms included."""
    return _find(text, doc_date, cell=True)


# where a second deadline starts inside one cell: "Tháng 4/2026 Tháng 10/2026"
_CELL_PART = re.compile(r"\s+(?=(?:Tháng|Quý|Năm|Trước|Trong)\s+\S*\d)|(?<=\d{4})\s+(?=\d{4}\b)")


def cell_deadlines(text: str, doc_date: date | None = None) -> list[Deadline]:
    """The deadlines of a table's time cell, also when the cell holds one per line of a
    row merged down (``Tháng 4/2026 Tháng 10/2026``: two results, two dates).

    >>> [d.due.isoformat() for d in cell_deadlines("Tháng 4/2026 Tháng 10/2026")]
    ['2026-04-30', '2026-10-31']
    """
    whole = parse_deadlines(text, doc_date)
    parts = _CELL_PART.split(unicodedata.normalize("NFC", text))
    if len(parts) < 2:
        return whole
    each: list[Deadline] = []
    at = 0
    for part in parts:
        at = text.find(part, at)
        each.extend(replace(d, span=(at + d.span[0], at + d.span[1])) for d in parse_deadlines(part, doc_date))
    return each if len(each) > len(whole) else whole
