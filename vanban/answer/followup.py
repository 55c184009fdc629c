"""Follow-up questions: "Còn Sở Tư pháp thì sao?" or "hạn khi nào?" right after another.

A question is *elliptical* when it carries no task words of its own: it names only
a body (``Còn Sở Tư pháp thì sao?``), only a "when" cue (``hạn khi nào?``), only a
role (``Ai phối hợp?``) or only a period (``Còn tháng 12 thì sao?``). It then leans
on the previous question: :func:`resolve` writes it out in full, taking the task,
body, period or cited document it lacks from the previous one. A question with
task words of its own is left as it is. Pure text work, like :mod:`.question`.

>>> bodies = ["Sở Công Thương", "Sở Tư pháp"]
>>> resolve("Còn Sở Tư pháp thì sao?", "Sở Công Thương phải báo cáo trước ngày nào?", bodies)
'Sở Tư pháp phải báo cáo trước ngày nào?'
>>> resolve("hạn khi nào?", "Ai chủ trì kiểm tra an toàn hóa chất?", bodies)
'Chủ trì kiểm tra an toàn hóa chất, hạn khi nào?'
>>> resolve("Ai phối hợp?", "Ai chủ trì kiểm tra an toàn hóa chất?", bodies)
'Ai phối hợp kiểm tra an toàn hóa chất?'
>>> resolve("Ai chủ trì rà soát quy hoạch?", "Sở Công Thương làm gì?", bodies)
'Ai chủ trì rà soát quy hoạch?'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ingest.bodies import canonical_body
from vanban.answer.question import (
    _WHAT,
    _WHEN,
    _WHO,
    DOC_REF,
    Question,
    classify,
    fold,
    named_body,
    terms,
)

__all__ = ["body_span", "is_elliptical", "resolve", "task_phrase"]

# Words that frame a follow-up and say nothing of the task: "Còn … thì sao?", "… nữa?".
_FILLER = re.compile(
    r"(?<!\w)(?:thế còn|vậy còn|còn|thì sao|thì thế nào|thế nào|như thế nào|ra sao|thì sao nhỉ"
    r"|vậy|thì|nhỉ|ạ|nữa|cũng vậy|sao|là|có|không)(?!\w)", re.IGNORECASE)
_ROLE = re.compile(r"(?<!\w)(?:chủ trì|phối hợp|tham mưu|theo dõi|đôn đốc)(?!\w)", re.IGNORECASE)
_CITED = re.compile(rf"(?:theo\s+)?{DOC_REF.pattern}(?:/[\wĐđ-]+)?\s*,?", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
# A month, quarter or year, with or without its year: "tháng 12", "quý IV/2026", "năm 2027".
_PERIOD = re.compile(r"(?:(?:trong|vào|của)\s+)?(?P<core>(?:tháng\s+\d{1,2}|quý\s+(?:IV|I{1,3}|[1-4])|năm)"
                     r"(?:\s*(?:/|năm)?\s*\d{4})?)(?!\w)", re.IGNORECASE)
_QUESTION_WORDS = tuple(re.compile(p.pattern, re.IGNORECASE) for p in (_WHO, _WHAT, _WHEN))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def body_span(text: str, body: str) -> tuple[int, int] | None:
    """The shortest run of words in ``text`` that names ``body`` (as :func:`named_body`
    reads it), leftmost first; None when the text does not name it.

    >>> t = "Sở Công Thương phải báo cáo?"
    >>> s = body_span(t, "Sở Công Thương"); t[s[0]:s[1]]
    'Sở Công Thương'
    """
    toks = list(_TOKEN.finditer(text))
    name_words = set(canonical_body(body).split())

    def names(i: int, j: int) -> bool:
        window = text[toks[i].start():toks[j].end()].strip(" ,.;:?!")
        return bool(window) and named_body(window, [body]) == body

    for size in range(1, min(len(toks), 12) + 1):
        for i in range(len(toks) - size + 1):
            j = i + size - 1
            if not names(i, j):
                continue
            # "Sở Công" already names "Sở Công Thương": take the rest of its words too
            while (j + 1 < len(toks) and fold(toks[j + 1].group()).strip(" ,.;:?!") in name_words
                   and names(i, j + 1)):
                j += 1
            start, end = toks[i].start(), toks[j].end()
            return start, start + len(text[start:end].rstrip(" ,.;:?!"))
    return None


def _without(text: str, *patterns: re.Pattern[str]) -> str:
    for p in patterns:
        text = p.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" ,.;:?!")


def _cut(text: str, span: tuple[int, int] | None) -> str:
    return text if span is None else text[: span[0]] + " " + text[span[1]:]


def task_phrase(text: str, bodies: Sequence[str]) -> str:
    """What a question asks about, without its body, cited document, period, role and
    question words.

    >>> task_phrase("Theo CT 13, ai chủ trì xây dựng quy chế?", [])
    'xây dựng quy chế'
    """
    text = _nfc(text)
    body = named_body(text, bodies) if bodies else None
    rest = _cut(text, body_span(text, body) if body else None)
    return _without(rest, _CITED, _PERIOD, *_QUESTION_WORDS, _ROLE, _FILLER)


def is_elliptical(text: str, bodies: Sequence[str]) -> bool:
    """Whether a question has no task words of its own and is not complete without them:
    a body with "what" (``Sở Tư pháp có nhiệm vụ gì?``) or a period question stands alone.

    >>> is_elliptical("Còn Sở Tư pháp thì sao?", ["Sở Tư pháp"])
    True
    >>> is_elliptical("Sở Tư pháp có nhiệm vụ gì?", ["Sở Tư pháp"])
    False
    >>> is_elliptical("Sở Tư pháp phối hợp với ai?", ["Sở Tư pháp"]), is_elliptical("Còn gì nữa?", [])
    (False, False)
    """
    text = _nfc(text)
    if not text or terms(task_phrase(text, bodies)):
        return False
    q = Question.parse(text)
    has_body = bool(bodies) and named_body(text, bodies) is not None
    # complete without a task: "X có nhiệm vụ gì", "việc nào đến hạn trong …", "X phối hợp với ai"
    if (q.kind == "what" and has_body) or q.kind == "period" or q.partner is not None:
        return False
    # something to carry over to: a body, a "who"/"when" cue, a role or a period
    leans = has_body or q.kind in ("who", "when") or q.role is not None or _PERIOD.search(text)
    return bool(leans) and not _CITED.search(text)


def _cited_prefix(previous: str) -> str:
    m = _CITED.search(previous)
    if not m:
        return ""
    ref = m.group(0).strip(" ,")
    return (ref if ref.lower().startswith("theo") else f"Theo {ref}") + ", "


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _only_body(previous: str, body: str, old: str | None, bodies: Sequence[str]) -> str:
    """``Còn Sở Tư pháp thì sao?``: the body takes the previous body's place, or asks
    for its part in the previous task when that named none."""
    span = body_span(previous, old) if old else None
    if span is not None:
        return previous[: span[0]] + body + previous[span[1]:]
    return f"{body} có nhiệm vụ gì về {task_phrase(previous, bodies)}?"


def _only_period(text: str, previous: str, cue: str) -> str | None:
    """``Còn tháng 12 thì sao?``: the period takes the previous one's place, in its year
    when none is given; None when the follow-up says more than a period."""
    period, old = _PERIOD.search(text), _PERIOD.search(previous)
    if period is None or old is None or cue.replace(period.group(0), "").strip():
        return None
    new = period.group("core")
    year = re.search(r"\d{4}", old.group("core"))
    if year and not re.search(r"\d{4}", new):
        new = f"{new}/{year.group()}"
    return previous[: old.start("core")] + new + previous[old.end("core"):]


def _with_cue(text: str, previous: str, body: str | None, old: str | None, cue: str,
              bodies: Sequence[str]) -> str:
    """The follow-up's question words (``hạn khi nào``, ``Ai phối hợp``) over the
    previous question's task, body and cited document."""
    who = _QUESTION_WORDS[0]
    if classify(text) == "when" and not who.search(cue):
        # "hạn khi nào?": the previous question, its "who" words dropped, with this cue
        base = _without(previous, who)
        if body and old and (span := body_span(base, old)) is not None:
            base = base[: span[0]] + body + base[span[1]:]
        elif body and not old:
            base = f"{body} {base}"
        return _capital(f"{base}, {fold(cue).strip(' ?')}?")
    words = " ".join(w for w in (cue.strip(" ?"), task_phrase(previous, bodies)) if w)
    subject = body or old
    if subject and not who.search(cue):
        words = f"{subject} {words}"
    prefix = _cited_prefix(previous)
    return prefix + (words if prefix else _capital(words)) + "?"


def resolve(text: str, previous: str | None, bodies: Sequence[str]) -> str:
    """The question ``text`` written out in full, given the ``previous`` one asked in the
    same conversation and the indexed ``bodies``; ``text`` itself (NFC, trimmed) when it
    stands alone or there is nothing before it."""
    text, previous = _nfc(text), _nfc(previous or "")
    if not previous or not is_elliptical(text, bodies):
        return text
    found = named_body(text, bodies) if bodies else None
    old = named_body(previous, bodies) if bodies else None
    where = body_span(text, found) if found else None
    cue = _without(_cut(text, where), _FILLER)
    # the body as the user wrote it, not its display name ("Công an tỉnh (tỉnh …)")
    body = text[where[0]:where[1]] if where else found
    if body and not cue:
        return _only_body(previous, body, old, bodies)
    return _only_period(text, previous, cue) or _with_cue(text, previous, body, old, cue, bodies)
