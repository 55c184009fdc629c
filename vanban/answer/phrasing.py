"""The Vietnamese sentences of an answer: owners, deadlines, task lines, the fallback quote.

Pure functions of assignments and citations; :mod:`vanban.answer.compose`
decides which of them an answer uses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ingest.assignments import Assignment
from vanban.answer.question import fold
from vanban.answer.types import Citation, readable_clause, render_citation

__all__ = [
    "MAX_LISTED",
    "NOT_FOUND",
    "no_task_for",
    "NO_DEADLINE",
    "deadline_phrase",
    "due_head",
    "first_sentence",
    "fmt_date",
    "listing_head",
    "more_tasks",
    "names",
    "nothing_due",
    "owners_sentence",
    "quote_answer",
    "short_task",
    "task_line",
    "when_answer",
    "who_answer",
]

NOT_FOUND = ("Không tìm thấy nội dung liên quan trong các văn bản đã nạp. "
             "Hãy thử diễn đạt khác hoặc nạp thêm văn bản.")
NO_DEADLINE = "Văn bản không nêu thời hạn cụ thể cho việc này"
MAX_LISTED = 8  # tasks listed in a "what" or "period" answer before "và N nhiệm vụ khác"
TASK_CHARS = 160  # a task is cut to this length in an answer line


def fmt_date(d: dt.date) -> str:
    """``15/9/2025`` — day and month without leading zero, as documents print them."""
    return f"{d.day}/{d.month}/{d.year}"


def deadline_phrase(a: Assignment) -> str | None:
    """The deadline in words: ``trước ngày 15/9/2025``, ``trong Quý III/2024 (đến 30/9/2024)``;
    a recurring one says so (``trước ngày 15/12/2023, hằng năm``).

    >>> deadline_phrase(Assignment("f", "d", "1", "1", "Sở X", "sở x", "chủ trì", "t",
    ...     "trước ngày 15 tháng 9 năm 2025", dt.date(2025, 9, 15), None, ""))
    'trước ngày 15/9/2025'
    """
    text = (a.deadline_text or "").strip()
    if a.due is None:
        return text or (a.recurrence or None)
    day = re.match(r"(.*?)\bngày\s+\d", text, re.IGNORECASE)
    if day:
        cue = day.group(1).strip()
        phrase = f"{cue} ngày {fmt_date(a.due)}" if cue else f"ngày {fmt_date(a.due)}"
    else:
        phrase = f"{text} (đến {fmt_date(a.due)})" if text else fmt_date(a.due)
    if a.recurrence and a.recurrence not in fold(text):
        phrase += f", {a.recurrence}"  # the year shown is the first occurrence only
    return phrase


_CUE_WORD = re.compile(r"^(?:Trước|Trong|Chậm|Hằng|Hàng|Thường|Định|Tháng|Ngày|Từ|Đến|Không|Sau|Xong|"
                       r"Hoàn|Kể|Ngay|Mỗi|Cuối|Đầu|Giữa)(?!\w)")


def mid_sentence(phrase: str) -> str:
    """A deadline cue as it reads after "hạn": a table cell's capital goes, names keep theirs.

    >>> mid_sentence("Trước ngày 30/9/2026"), mid_sentence("Quý IV/2026")
    ('trước ngày 30/9/2026', 'Quý IV/2026')
    """
    return phrase[:1].lower() + phrase[1:] if _CUE_WORD.match(phrase) else phrase


def short_task(task: str, limit: int = TASK_CHARS) -> str:
    """A task cut at a word boundary, without a trailing period."""
    text = re.sub(r"\s+", " ", task).strip().rstrip(" .;:")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of a clause (up to ``limit`` characters)."""
    flat = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"(?<=[.;:!?])\s+(?=[A-ZĐÀ-Ỹ\-–•+a-z0-9])", flat)
    sentence = flat[: m.start()] if m and m.start() >= 20 else flat
    return short_task(sentence, limit) if len(sentence) > limit else sentence


def names(bodies: Sequence[str]) -> str:
    """``A``, ``A và B``, ``A, B và C`` (repeats dropped)."""
    uniq = list(dict.fromkeys(bodies))
    return uniq[0] if len(uniq) == 1 else ", ".join(uniq[:-1]) + " và " + uniq[-1]


def owners_sentence(group: Sequence[Assignment]) -> str:
    """``Sở Công Thương chủ trì, phối hợp với Sở Tư pháp`` for one task's records.

    >>> a = Assignment("f", "d", "1", "1", "Sở Công Thương", "", "chủ trì", "t", None, None, None, "")
    >>> b = Assignment("f", "d", "1", "1", "Sở Tư pháp", "", "phối hợp", "t", None, None, None, "")
    >>> owners_sentence([a, b])
    'Sở Công Thương chủ trì, phối hợp với Sở Tư pháp'
    """
    first = group[0]
    main = [a.body for a in group if a.role == first.role]
    others = [a for a in group if a.role != first.role]
    text = f"{names(main)} {first.role}"
    coords = [a.body for a in others if a.role == "phối hợp"]
    if coords and first.role != "phối hợp":
        text += f", phối hợp với {names(coords)}"
    leads = [a.body for a in others if a.role == "chủ trì"]
    if leads and first.role == "phối hợp":
        text += f" với {names(leads)} (chủ trì)"
    return text


def _group_deadline(group: Sequence[Assignment]) -> Assignment | None:
    """The deadline a task's answer states: the first owner's, else any owner's."""
    if group and (group[0].due or group[0].deadline_text):
        return group[0]
    return next((a for a in group if a.due or a.deadline_text), None)


def who_answer(group: Sequence[Assignment], n: int) -> str:
    """``Sở Công Thương chủ trì, phối hợp với Sở Tư pháp; hạn trước ngày 15/9/2025 [1].``"""
    text = owners_sentence(group)
    dl = _group_deadline(group)
    phrase = deadline_phrase(dl) if dl else None
    return f"{text}; hạn {mid_sentence(phrase)} [{n}]." if phrase else f"{text} [{n}]."


def when_answer(group: Sequence[Assignment], n: int) -> str:
    """``Hạn: trước ngày 30/7/2024 (Bộ Tài nguyên và Môi trường chủ trì) [1].``"""
    dl = _group_deadline(group)
    phrase = deadline_phrase(dl) if dl else None
    if not phrase:
        return f"{NO_DEADLINE} [{n}]. {owners_sentence(group)} [{n}]."
    return f"Hạn: {phrase} ({owners_sentence(group)}) [{n}]."


def task_line(a: Assignment, n: int, with_body: bool = False, lead: str | None = None) -> str:
    """One listed task: ``- Chủ trì: rà soát quy hoạch …; hạn trước ngày 15/9/2025 [3]``.

    A coordinator's line names the lead (``- Phối hợp (Sở Tư pháp chủ trì): …``); the
    lead's own ``Chủ trì,`` opening the task is not repeated.

    >>> task_line(Assignment("f", "d", "1", "1", "Sở Công Thương", "", "chủ trì",
    ...     "Chủ trì, phối hợp với Sở Tư pháp rà soát", "trước ngày 15/9/2025",
    ...     dt.date(2025, 9, 15), None, ""), 3)
    '- Chủ trì: phối hợp với Sở Tư pháp rà soát; hạn trước ngày 15/9/2025 [3]'
    """
    role = a.role[:1].upper() + a.role[1:]
    who = f"{a.body} ({a.role})" if with_body else role
    if lead and a.role != "chủ trì":
        who += f" ({lead} chủ trì)" if not with_body else f" — {lead} chủ trì"
    task = a.task
    if a.role == "chủ trì":
        task = re.sub(r"^chủ trì\s*,?\s*(?=\S)", "", task, flags=re.IGNORECASE)
    phrase = deadline_phrase(a)
    tail = f"; hạn {mid_sentence(phrase)}" if phrase else ""
    return f"- {who}: {short_task(task)}{tail} [{n}]"


def listing_head(body: str, count: int, scope: Sequence[str]) -> str:
    """``Sở Công Thương có 3 nhiệm vụ trong Chỉ thị 13/CT-TTg:``."""
    where = f" trong {names(scope)}" if scope else ""
    return f"{body} có {count} nhiệm vụ{where}:"


def due_head(count: int, body: str | None, period: str) -> str:
    """``Có 4 nhiệm vụ của Sở Xây dựng đến hạn trong tháng 10/2026:``."""
    return f"Có {count} nhiệm vụ{' của ' + body if body else ''} đến hạn trong {period}:"


def nothing_due(body: str | None, period: str) -> str:
    """The answer when nothing falls due in the period asked."""
    scope = f" của {body}" if body else ""
    return f"Không có nhiệm vụ nào{scope} đến hạn trong {period} trong các văn bản đã nạp."


def no_task_for(body: str) -> str:
    """The answer when the body a question names has no task in the documents in scope."""
    return f"Không thấy nhiệm vụ nào giao cho {body} trong các văn bản đã nạp."


def group_hint(body: str) -> str:
    """Heads the tasks given to groups a body may belong to, after "not found"."""
    return f"Nhiệm vụ giao chung cho nhóm cơ quan có thể gồm {body}:"


def more_tasks(count: int) -> str:
    return f"và {count} nhiệm vụ khác."


def quote_answer(best: Citation) -> str:
    """Fallback: the best clause's first sentence, cited."""
    where = render_citation(best.document, readable_clause(best.clause, best.label))
    return f"Theo {where} [{best.n}]: {first_sentence(best.text)}"
