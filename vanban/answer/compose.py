"""Answers that name the owner, the role and the deadline, each statement cited.

Pure composition over what search found (``Hit``) and what the documents
assign (``Responsibilities``): no model, no store, no network. The question is
first classified (:func:`classify`), then answered from the assignments of the
retrieved clauses, falling back to quoting the best clause.

>>> classify("Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?")
'who'
>>> classify("Sở Công Thương có những nhiệm vụ gì?")
'what'
>>> classify("Hạn trình dự thảo Nghị định là khi nào?")
'when'
>>> classify("Những việc nào đến hạn trong tháng 10/2026?")
'period'

The result is the ``vanban ask --json`` contract::

    {"question", "found", "answer", "owners": [{body, role, due, deadline_text, citation}],
     "citations": [{n, file, document, clause, label, text, score}]}
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any, Literal, Protocol

from index.chunks import Chunk, SearchFilters
from index.search import Hit, is_relevant
from ingest.abbreviations import QUESTION_TABLE, spell_out
from ingest.assignments import Assignment
from ingest.bodies import canonical_body, split_body_key
from ingest.deadlines import parse_deadline
from vanban.answer.tasks import Responsibilities, role_rank

__all__ = [
    "NOT_FOUND",
    "NoRephraser",
    "Period",
    "Rephraser",
    "answer_question",
    "classify",
    "compose_answer",
    "find_period",
    "named_body",
    "referenced_documents",
    "scoped_hits",
]

Kind = Literal["who", "what", "when", "period", "search"]

NOT_FOUND = ("Không tìm thấy nội dung liên quan trong các văn bản đã nạp. "
             "Hãy thử diễn đạt khác hoặc nạp thêm văn bản.")
NO_DEADLINE = "Văn bản không nêu thời hạn cụ thể cho việc này"
MAX_LISTED = 8  # tasks listed in a "what" or "period" answer before "và N nhiệm vụ khác"
TASK_CHARS = 160  # a task is cut to this length in an answer line


# --- classification ------------------------------------------------------------

_WHO = re.compile(r"(?<!\w)(?:ai|(?:cơ quan|đơn vị|bộ|sở|cục|ban|ngành|tổ chức|(?<!nhiệm )vụ|viện|"
                  r"cấp|chủ thể|bên) nào)(?!\w)")
_WHEN = re.compile(r"khi nào|bao giờ|lúc nào|(?:ngày|tháng|năm|quý|thời hạn|thời điểm|thời gian) nào"
                   r"|hạn chót|hạn cuối|thời hạn|(?<!\w)hạn(?!\s+chế)(?!\w)|chậm nhất")
_WHAT = re.compile(r"(?:nhiệm vụ|việc|trách nhiệm|công việc|nội dung)(?: gì| nào)|làm gì|những gì"
                   r"|phải làm|được giao(?: những)? (?:việc|nhiệm vụ)")
_PERIOD_CUE = re.compile(r"đến hạn|hết hạn|có hạn|phải (?:hoàn thành|xong)|(?:việc|nhiệm vụ)"
                         r"(?: gì| nào)|những (?:việc|nhiệm vụ)|công việc")
_PERIOD = re.compile(r"(?:trong|vào|của)\s+(?:(?:tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4})"
                     r"|(?:quý\s+(?:IV|I{1,3}|[1-4])\s*(?:/|năm)\s*\d{4})|(?:năm\s+\d{4}))",
                     re.IGNORECASE)
_BODY_WORD = re.compile(r"(?<!\w)(?:bộ|sở|cục|ubnd|ủy ban|uỷ ban|công an|ban|văn phòng|viện|"
                        r"thanh tra|thuế|trung tâm|chi cục|hội|các (?:sở|bộ|cơ quan|đơn vị))(?!\w)")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def classify(question: str) -> Kind:
    """What the question asks: an owner, a body's tasks, a deadline, a period's deadlines.

    >>> classify("Sở NN&MT phối hợp với ai?")
    'who'
    >>> classify("Bộ Tài chính phải báo cáo trước ngày nào?")
    'when'
    >>> classify("Việc gì đến hạn trong quý IV/2026?")
    'period'
    >>> classify("Quy chế quản lý cụm công nghiệp gồm mấy chương?")
    'search'
    """
    q = _fold(question)
    if _PERIOD.search(q) and _PERIOD_CUE.search(q) and not _WHO.search(q) and "khi nào" not in q:
        return "period"
    if _WHEN.search(q) and not re.search(r"(?<!\w)ai(?!\w)", q):
        return "when"
    if _WHO.search(q) or (re.search(r"(?<!\w)chủ trì(?!\w)", q) and not _WHAT.search(q)):
        return "who"
    if _WHAT.search(q) and _BODY_WORD.search(q):
        return "what"
    return "when" if _WHEN.search(q) else "search"


# --- text helpers --------------------------------------------------------------

_STOP = frozenset((
    "ai", "nào", "gì", "là", "có", "được", "các", "của", "và", "về", "theo", "trong", "khi",
    "ngày", "trước", "phải", "những", "việc", "nhiệm", "vụ", "hạn", "thời", "cơ", "quan", "đơn",
    "vị", "bộ", "sở", "làm", "do", "với", "để", "cho", "đã", "sẽ", "thì", "này", "đó", "tại", "ở",
    "một", "xong", "chỉ", "lúc", "bao", "giờ", "năm", "tháng",
    # role words say who, not what (and "chủ" would meet "chủ đầu tư")
    "chủ", "trì", "phối", "hợp", "tham", "mưu",
))


def _words(text: str) -> list[str]:
    # "NĐ", "KCN", "Bộ TN&MT" meet the clause's "nghị định", "khu công nghiệp", "Tài nguyên và Môi trường"
    return re.findall(r"[\wÀ-ỹ]+", _fold(spell_out(text, QUESTION_TABLE)))


def _terms(text: str) -> set[str]:
    """Content syllables and syllable pairs (most Vietnamese words have two syllables)."""
    words = _words(text)
    uni = {w for w in words if w not in _STOP and len(w) > 1}
    bi = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
          if a not in _STOP and b not in _STOP}
    return uni | bi


def overlap(question: str, text: str) -> float:
    """How much of the question's content the text shares (0..1).

    >>> round(overlap("Ai chủ trì xây dựng quy chế?", "Chủ trì xây dựng quy chế quản lý"), 2)
    1.0
    """
    q = _terms(question)
    return len(q & _terms(text)) / len(q) if q else 0.0


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
    if a.recurrence and a.recurrence not in _fold(text):
        phrase += f", {a.recurrence}"  # the year shown is the first occurrence only
    return phrase


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


# --- bodies named in the question ------------------------------------------------


def _key_forms(key: str) -> list[str]:
    """Forms of a canonical body name a question may use: the name, its shortened
    prefixes (≥ 2 words, ``các``/``những`` dropped) and head + acronym (``sở xd``)."""
    words = [w for w in key.split() if w not in ("các", "những")]
    forms = [" ".join(words[:n]) for n in range(len(words), 1, -1)]
    rest = [w for w in words[1:] if w not in ("và", "-")]
    if len(rest) >= 2:
        forms.append(words[0] + " " + "".join(w[0] for w in rest))
    return forms


def _question_key(question: str) -> str:
    q = canonical_body(question)
    return " " + " ".join(w for w in q.split() if w not in ("các", "những")) + " "


@dataclass(frozen=True)
class _Mention:
    body: str
    start: int
    end: int
    score: float


def _fuzzy_mention(q: str, key: str) -> tuple[int, int, int] | None:
    """(start, end, words matched) when most words of ``key`` follow its head word in ``q``:
    ``các sở, ngành cấp tỉnh`` names ``Các sở, ban, ngành cấp tỉnh``."""
    words = [w for w in key.split() if w not in ("các", "những", "và", "-")]
    if len(words) < 3:
        return None
    head = q.find(f" {words[0]} ")
    if head < 0:
        return None
    window = q[head:].split()[: len(words) + 2]
    matched = len(set(words) & set(window))
    if matched < max(3, -(-3 * len(words) // 4)):  # at least three quarters of the name
        return None
    return head, head + len(" ".join(window)) + 1, matched


def _mentions(q: str, bodies: Sequence[str], preferred: Sequence[str]) -> list[_Mention]:
    """Every body of ``bodies`` named in the folded question ``q``, with its best form.

    ``preferred`` keys add a bonus, larger for those listed first (the top hits').
    """
    rank = {key: i for i, key in reversed(list(enumerate(preferred)))}
    found = []
    for body in dict.fromkeys(bodies):
        key = canonical_body(body)
        full = " ".join(w for w in key.split() if w not in ("các", "những"))
        bonus = 3.0 + 1.0 / (1 + rank[key]) if key in rank else 0.0
        for form in _key_forms(key):
            pos = q.find(f" {form} ")
            if pos >= 0:
                score = len(form.split()) + (2.0 if form == full else 0.0) + bonus
                found.append(_Mention(body, pos, pos + len(form) + 1, score))
                break
        else:
            fuzzy = _fuzzy_mention(q, key)
            if fuzzy:
                found.append(_Mention(body, fuzzy[0], fuzzy[1], fuzzy[2] + bonus))
    return found


_SUBJECT_END = re.compile(r" (?:phối hợp với|làm gì|có (?:những )?(?:nhiệm vụ|việc)|phải|được|chủ trì"
                          r"|ai|nào|khi nào|trước ngày|thực hiện|triển khai) ")


def named_body(question: str, bodies: Sequence[str], prefer: Sequence[str] = ()) -> str | None:
    """The body a question is about, among ``bodies`` (display names); None if none.

    The subject wins over an object (``Bộ NN&MT đề nghị UBND tỉnh làm gì`` is about
    the UBND): the mention closest before the predicate, then the longest form,
    with bodies in ``prefer`` (assigned in the retrieved clauses or the cited
    document) winning between variants of one name.

    >>> named_body("SCT phải trình UBND tỉnh trước ngày nào?", ["Sở Công Thương", "Sở Tư pháp"])
    'Sở Công Thương'
    >>> named_body("Sở XD có việc gì?", ["Sở Xây dựng", "Bộ Xây dựng"])
    'Sở Xây dựng'
    >>> named_body("Bộ NN&MT đề nghị UBND tỉnh làm gì?", ["Bộ Nông nghiệp và Môi trường", "UBND tỉnh"])
    'UBND tỉnh'
    """
    q = _question_key(question)
    found = _mentions(q, bodies, [canonical_body(b) for b in prefer])
    if not found:
        return None
    cue = _SUBJECT_END.search(q)
    before = [m for m in found if cue is None or m.start < cue.start() + 1]
    pool = before or found
    last = max(m.start for m in pool)
    # mentions overlapping the last one are variants of the same words: keep the best
    near = [m for m in pool if m.end > last]
    return max(near, key=lambda m: m.score).body


# --- documents named in the question -------------------------------------------------

_DOC_TYPES = {
    "ct": "Chỉ thị", "kh": "Kế hoạch", "cv": "Công văn", "tb": "Thông báo", "qđ": "Quyết định",
    "nq": "Nghị quyết", "tt": "Thông tư", "nđ": "Nghị định", "ctr": "Chương trình",
    "bc": "Báo cáo",
}
_DOC_REF = re.compile(
    r"(?<![\wÀ-ỹ])(CTr|CT|KH|CV|TB|QĐ|NQ|TT|NĐ|BC|Chỉ thị|Kế hoạch|Công văn|Thông báo|Quyết định|"
    r"Nghị quyết|Thông tư|Nghị định|Chương trình|Báo cáo)\s*(?:số\s*)?(\d{1,5})(?!\d)",
    re.IGNORECASE,
)


def _doc_number(name: str) -> tuple[str, int] | None:
    """``Chỉ thị 13/CT-TTg`` → (``chỉ thị``, 13)."""
    m = re.match(r"(.+?)\s+(?:số\s*)?(\d{1,5})(?:/|$)", name)
    return (_fold(m.group(1)), int(m.group(2))) if m else None


def referenced_documents(question: str, documents: Sequence[str]) -> set[str]:
    """The loaded documents a question cites by type and number (``CT 13`` → ``Chỉ thị 13/CT-TTg``).

    >>> sorted(referenced_documents("Theo CT 13, ai chủ trì?", ["Chỉ thị 13/CT-TTg", "Kế hoạch 09/KH-BTNMT"]))
    ['Chỉ thị 13/CT-TTg']
    """
    wanted = set()
    for m in _DOC_REF.finditer(unicodedata.normalize("NFC", question)):
        kind = _DOC_TYPES.get(_fold(m.group(1)), m.group(1))
        wanted.add((_fold(kind), int(m.group(2))))
    return {d for d in documents if _doc_number(d) in wanted} if wanted else set()


_PLACE = re.compile(r"(?<!\w)(?:[Ởở]|[Tt]ại|[Tt]rên địa bàn)\s+(?:tỉnh\s+|thành phố\s+)?"
                    r"([A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*){0,3})")


def named_place(question: str) -> str | None:
    """The province or city a question is about: ``… ở Lào Cai?`` → ``Lào Cai``.

    >>> named_place("Ở Lào Cai, sở nào là đầu mối triển khai Nghị định 180?")
    'Lào Cai'
    >>> named_place("Ai chủ trì?") is None
    True
    """
    m = _PLACE.search(unicodedata.normalize("NFC", question))
    return m.group(1) if m else None


def _local(chunk: Chunk, place: str | None) -> bool:
    return bool(place) and _fold(place or "") in _fold(f"{chunk.issuer} {chunk.document} {chunk.title}")


_ASKER = re.compile(r"^(.+?)\s+(?:đề nghị|yêu cầu|giao cho|giao|chỉ đạo)\s+\S", re.IGNORECASE)


def issued_by_asker(question: str, hits: Sequence[Hit]) -> set[str]:
    """Documents among the hits issued by the body that asks in the question.

    ``Bộ NN&MT đề nghị UBND tỉnh làm gì …`` is about what the Bộ's own document asks.

    >>> issued_by_asker("Bộ NN&MT đề nghị UBND tỉnh làm gì?", [])
    set()
    """
    m = _ASKER.match(unicodedata.normalize("NFC", question).strip())
    if not m:
        return set()
    asker = canonical_body(m.group(1))
    return {h.chunk.document for h in hits
            if h.chunk.issuer and canonical_body(h.chunk.issuer) == asker}


# --- periods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of days a question asks about, with the words that named it."""

    start: dt.date
    end: dt.date
    text: str


def find_period(question: str) -> Period | None:
    """The month, quarter or year a question names.

    >>> find_period("Việc gì đến hạn trong tháng 10/2026?")
    Period(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31), text='tháng 10/2026')
    >>> find_period("Những nhiệm vụ phải xong trong quý IV/2026").start
    datetime.date(2026, 10, 1)
    """
    m = _PERIOD.search(unicodedata.normalize("NFC", question))
    if not m:
        return None
    phrase = re.sub(r"^(?:trong|vào|của)\s+", "", m.group(0), flags=re.IGNORECASE)
    d = parse_deadline(phrase)
    if d is None or d.due is None:
        return None
    end = d.due
    if d.kind == "month":
        start = end.replace(day=1)
    elif d.kind == "quarter":
        start = dt.date(end.year, end.month - 2, 1)
    else:
        start = dt.date(end.year, 1, 1)
    return Period(start, end, phrase)


# --- citations ---------------------------------------------------------------------


class _Citations:
    """Numbered citations: the hits first (1..k), then clauses owners point to."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        self.items: list[dict[str, Any]] = []
        self._index: dict[tuple[str, str], int] = {}
        for h in hits:
            self._add(h.chunk.file, h.chunk.document, h.chunk.path, h.chunk.label,
                      h.chunk.text, h.score)
        self.n_hits = len(self.items)  # two hits on one clause share a number

    def _add(self, file: str, document: str, clause: str, label: str, text: str,
             score: float) -> int:
        key = (file, clause)
        if key not in self._index:
            n = len(self.items) + 1
            self._index[key] = n
            self.items.append({"n": n, "file": file, "document": document, "clause": clause,
                               "label": label, "text": text, "score": round(float(score), 6)})
        return self._index[key]

    def of(self, a: Assignment) -> int:
        """The number citing an assignment's clause, added when no hit holds it."""
        return self._add(a.file, a.document, a.clause, a.label, a.clause_text, 0.0)

    def used(self, numbers: set[int]) -> list[dict[str, Any]]:
        """The hits, plus only those extra citations an answer refers to."""
        return [c for c in self.items if c["n"] <= self.n_hits or c["n"] in numbers]


def _owner(a: Assignment, n: int) -> dict[str, Any]:
    return {"body": a.body, "role": a.role, "due": a.due.isoformat() if a.due else None,
            "deadline_text": a.deadline_text, "citation": n}


# --- choosing assignments ------------------------------------------------------------

_ROLE_CUES = (("phối hợp", "phối hợp"), ("tham mưu", "tham mưu"),
              ("đôn đốc", "theo dõi, đôn đốc"), ("theo dõi", "theo dõi, đôn đốc"))
_WITH_WHOM = re.compile(r"^(.+?)\s+(?:phối hợp|làm việc|cùng)\s+với\s+(?:ai|cơ quan nào|đơn vị nào"
                        r"|những (?:ai|cơ quan nào|đơn vị nào))(?!\w)", re.IGNORECASE)


_ASKED_HEAD = re.compile(r"(?<!\w)(bộ|sở|cục|vụ|viện|chi cục|tổng cục) nào(?!\w)")


def _asked_role(question: str) -> str | None:
    """The role a question names: ``Ai chủ trì …`` → lead; ``Đơn vị nào phải phối hợp …``."""
    q = _fold(question)
    if "chủ trì" in q:
        return "chủ trì"
    return next((role for cue, role in _ROLE_CUES if cue in q), None)


@dataclass
class _Context:
    """What every answer kind needs, computed once per question."""

    question: str
    hits: Sequence[Hit]
    resp: Responsibilities
    refs: set[str]  # documents the question cites by number
    pool: list[tuple[int, Assignment]]  # (hit rank, assignment) of the retrieved clauses
    role: str | None  # the role the question names
    local: set[str]  # files of the hits issued in the place the question names
    head: str | None  # "sở" for "Sở nào …?": the kind of body asked for

    @classmethod
    def build(cls, question: str, hits: Sequence[Hit], resp: Responsibilities) -> _Context:
        pool = [(rank, a) for rank, h in enumerate(hits)
                for a in resp.for_clause(h.chunk.file, h.chunk.path)]
        documents = sorted({a.document for a in resp.all()} | {h.chunk.document for h in hits})
        refs = referenced_documents(question, documents) or issued_by_asker(question, hits)
        place = named_place(question)
        local = {h.chunk.file for h in hits if _local(h.chunk, place)}
        head = _ASKED_HEAD.search(_fold(question))
        return cls(question, hits, resp, refs, pool, _asked_role(question), local,
                   head.group(1) if head else None)

    def preferred_bodies(self) -> list[str]:
        """Bodies assigned in the cited documents, then in the retrieved clauses."""
        cited = [a.body for a in self.resp.all() if a.document in self.refs]
        return cited + [a.body for _, a in self.pool]


def _relevance(ctx: _Context, rank: int, a: Assignment, want_due: bool) -> float:
    """Task words shared with the question, minus a retrieval-rank penalty, plus small
    bonuses: the cited document, a stated deadline (when asked), the asked role, or
    the lead when a "who" question names no role (it asks for the owner)."""
    score = overlap(ctx.question, a.task) - 0.1 * rank
    score += 0.3 if a.document in ctx.refs else 0.0
    score += 0.2 if a.file in ctx.local else 0.0
    if ctx.head and re.match(rf"(?:các )?{ctx.head} ", a.body_key or canonical_body(a.body)):
        score += 0.4  # "Sở nào …?" is answered by a Sở
    if want_due:
        score += 0.3 if a.due or a.deadline_text else 0.0
    elif ctx.role is None:
        score += 0.15 if a.role == "chủ trì" else 0.0
    # "Ai chủ trì …" asks for the lead: a body that only carries the task out is a worse answer
    score += 0.5 if ctx.role and a.role == ctx.role else 0.0
    return score


def _same_task(a: Assignment, b: Assignment) -> bool:
    return a.file == b.file and a.clause == b.clause and a.task == b.task


def _best_group(ctx: _Context, kind: Kind) -> list[Assignment]:
    """The owners of the best-matching task, best first (lead first unless a role is asked)."""
    if not ctx.pool:
        return []
    body = named_body(ctx.question, [a.body for _, a in ctx.pool]) if kind == "when" else None
    key = canonical_body(body) if body else None
    q_words = set(_words(ctx.question))

    def score(item: tuple[int, Assignment]) -> tuple[float, ...]:
        rank, a = item
        named = 0.0
        if key and canonical_body(a.body) == key:
            # "SCT Quảng Ngãi": the spelling that carries the question's place name wins
            named = 1.0 + 0.1 * len(set(_words(a.body)) & q_words)
        relevance = round(_relevance(ctx, rank, a, kind == "when"), 6)  # float noise must not beat rank
        return (named, relevance, -rank, -role_rank(a.role))

    ranked = [a for _, a in sorted(ctx.pool, key=score, reverse=True)]
    return _one_per_task([a for a in ranked if _same_task(a, ranked[0])])


def _with_whom(ctx: _Context) -> list[Assignment]:
    """``Sở NN&MT phối hợp với ai …``: the other owners of the named body's best task.

    The body's tasks in the retrieved clauses come first; its other tasks are
    considered too (ranked after every hit), since the question names it exactly.
    """
    m = _WITH_WHOM.search(unicodedata.normalize("NFC", ctx.question))
    body = named_body(m.group(1), ctx.resp.bodies(), ctx.preferred_bodies()) if m else None
    if body is None:
        return []
    key = canonical_body(body)
    seen = {id(a) for _, a in ctx.pool}
    mine = [(r, a) for r, a in ctx.pool if canonical_body(a.body) == key]
    mine += [(len(ctx.hits) + 2, a) for a in ctx.resp.all()
             if canonical_body(a.body) == key and id(a) not in seen]
    shared = [(r, a) for r, a in mine
              if any(_same_task(a, b) and canonical_body(b.body) != key
                     for b in ctx.resp.for_clause(a.file, a.clause))]
    if not shared:
        return []
    _, best = max(shared, key=lambda ra: _relevance(ctx, ra[0], ra[1], False))
    others = [b for b in ctx.resp.for_clause(best.file, best.clause)
              if _same_task(b, best) and canonical_body(b.body) != key]
    return _one_per_task(sorted(others, key=lambda a: role_rank(a.role)))


def _by_period_word(question: str, group: Sequence[Assignment]) -> list[Assignment]:
    """Put first the deadline the question's period words point to (``6 tháng`` / ``cả năm``)."""
    q = _fold(question)
    if re.search(r"(?:6|sáu) tháng", q):
        want = "6 tháng"
    elif re.search(r"(?:cả|hằng|hàng|mỗi|cuối) năm|báo cáo năm", q):
        want = "hằng năm"
    else:
        return list(group)
    first = group[0]
    match = [a for a in group if a.body == first.body and (a.recurrence or "").startswith(want)]
    return match[:1] + [a for a in group if a not in match[:1]] if match else list(group)


# --- answer texts ---------------------------------------------------------------------------

def _names(bodies: Sequence[str]) -> str:
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
    text = f"{_names(main)} {first.role}"
    coords = [a.body for a in others if a.role == "phối hợp"]
    if coords and first.role != "phối hợp":
        text += f", phối hợp với {_names(coords)}"
    leads = [a.body for a in others if a.role == "chủ trì"]
    if leads and first.role == "phối hợp":
        text += f" với {_names(leads)} (chủ trì)"
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
    return f"{text}; hạn {phrase} [{n}]." if phrase else f"{text} [{n}]."


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
    tail = f"; hạn {phrase}" if phrase else ""
    return f"- {who}: {short_task(task)}{tail} [{n}]"


def search_answer(hits: Sequence[Hit]) -> str:
    """Fallback: the best clause's first sentence, cited."""
    best: Chunk = hits[0].chunk
    return f"Theo {best.citation.render()} [1]: {first_sentence(best.text)}"


# --- composition ------------------------------------------------------------------------------


def _result(question: str, found: bool, answer: str, owners: list[dict[str, Any]],
            citations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"question": question, "found": found, "answer": answer, "owners": owners,
            "citations": citations}


def _not_found(question: str, text: str = NOT_FOUND) -> dict[str, Any]:
    return _result(question, False, text, [], [])


def _body_tasks(body: str, ctx: _Context) -> list[Assignment]:
    """A body's assignments, most relevant first: in the cited documents, in the hits,
    in the hits' documents (document order), then the others."""
    key = canonical_body(body)
    mine = [a for a in ctx.resp.all()
            if (split_body_key(a.body_key)[0] if a.body_key else canonical_body(a.body)) == key]
    rank = {(h.chunk.file, h.chunk.path): i for i, h in reversed(list(enumerate(ctx.hits)))}
    docs = {h.chunk.file: i for i, h in reversed(list(enumerate(ctx.hits)))}
    order = {id(a): i for i, a in enumerate(mine)}

    def key_of(a: Assignment) -> tuple[int, int, int, int]:
        cited = 0 if not ctx.refs or a.document in ctx.refs else 1
        if (a.file, a.clause) in rank:
            return (cited, 0, rank[(a.file, a.clause)], order[id(a)])
        return (cited, 1, docs.get(a.file, len(ctx.hits)), order[id(a)])

    ranked = sorted(mine, key=key_of)
    if ctx.refs and any(a.document in ctx.refs for a in ranked):
        ranked = [a for a in ranked if a.document in ctx.refs]  # "… trong CT 13": that document only
    return _one_per_task(ranked)


def _one_per_task(records: Sequence[Assignment]) -> list[Assignment]:
    """Drop repeats of the same (body, clause, task, role, due): several deadlines stay apart."""
    seen: set[tuple[str, str, str, str, str, dt.date | None]] = set()
    out: list[Assignment] = []
    for a in records:
        k = (canonical_body(a.body), a.file, a.clause, a.task, a.role, a.due)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out


def _lead_of(a: Assignment, resp: Responsibilities) -> str | None:
    """The body leading the same task, when ``a`` is not the lead."""
    if a.role == "chủ trì":
        return None
    same = [b for b in resp.for_clause(a.file, a.clause) if b.task == a.task and b.role == "chủ trì"]
    return same[0].body if same else None


def _listing(head: str, records: Sequence[Assignment], cites: _Citations, resp: Responsibilities,
             with_body: bool) -> tuple[str, list[dict[str, Any]], set[int]]:
    shown = records[:MAX_LISTED]
    lines, owners, used = [head], [], set()
    for a in shown:
        n = cites.of(a)
        used.add(n)
        lines.append(task_line(a, n, with_body, _lead_of(a, resp)))
        owners.append(_owner(a, n))
    if len(records) > len(shown):
        lines.append(f"và {len(records) - len(shown)} nhiệm vụ khác.")
    return "\n".join(lines), owners, used


def _what(ctx: _Context, cites: _Citations) -> dict[str, Any] | None:
    body = named_body(ctx.question, ctx.resp.bodies(), ctx.preferred_bodies())
    if body is None:
        return None
    tasks = _body_tasks(body, ctx)
    if not tasks:
        return None
    scope = f" trong {_names(sorted(ctx.refs))}" if ctx.refs and tasks[0].document in ctx.refs else ""
    head = f"{body} có {len(tasks)} nhiệm vụ{scope}:"
    answer, owners, used = _listing(head, tasks, cites, ctx.resp, with_body=False)
    return _result(ctx.question, True, answer, owners, cites.used(used))


def _period(question: str, resp: Responsibilities, cites: _Citations) -> dict[str, Any] | None:
    period = find_period(question)
    if period is None:
        return None
    body = named_body(question, resp.bodies())
    due = resp.due_between(period.start, period.end, body)
    if not due:
        scope = f" của {body}" if body else ""
        return _not_found(question, f"Không có nhiệm vụ nào{scope} đến hạn trong {period.text} "
                                    "trong các văn bản đã nạp.")
    head = f"Có {len(due)} nhiệm vụ{' của ' + body if body else ''} đến hạn trong {period.text}:"
    answer, owners, used = _listing(head, due, cites, resp, with_body=True)
    return _result(question, True, answer, owners, [c for c in cites.items if c["n"] in used])


def _who_when(ctx: _Context, kind: Kind, cites: _Citations) -> dict[str, Any] | None:
    group = (_with_whom(ctx) if kind == "who" else []) or _best_group(ctx, kind)
    if not group:
        return None
    group = _by_period_word(ctx.question, group)
    n = cites.of(group[0])
    answer = when_answer(group, n) if kind == "when" else who_answer(group, n)
    owners = [_owner(a, n) for a in group]
    return _result(ctx.question, True, answer, owners, cites.used({n}))


def compose_answer(question: str, hits: Sequence[Hit], responsibilities: Responsibilities | None,
                   k: int = 5, min_score: float = 0.0) -> dict[str, Any]:
    """The answer to ``question`` from the top ``k`` hits and the indexed assignments.

    >>> compose_answer("Ai chủ trì …?", hits, resp)["answer"]  # doctest: +SKIP
    'Sở Công Thương chủ trì, phối hợp với Sở Tư pháp; hạn trước ngày 15/9/2025 [1].'
    """
    kind = classify(question)
    resp = responsibilities or Responsibilities([])
    top = list(hits[:k])
    cites = _Citations(top)
    if kind == "period" and len(resp):
        result = _period(question, resp, _Citations([]))  # cites only what falls due
        if result is not None:
            return result
    if not is_relevant(top, min_score, question):
        return _not_found(question)
    ctx = _Context.build(question, top, resp)
    result = None
    if kind == "what" or (kind == "search" and _WHAT.search(_fold(question))):
        # "Chủ đầu tư … phải làm gì": a body the cue words do not know, found among the bodies
        result = _what(ctx, cites)
    if kind in ("who", "when") or (kind == "what" and result is None):
        result = _who_when(ctx, "when" if kind == "when" else "who", cites)
    if result is not None:
        return result
    return _result(question, True, search_answer(top), [], cites.items)


# --- an optional rephrasing step ------------------------------------------------------------------


class Rephraser(Protocol):
    """Rewrites a composed answer (e.g. an OpenAI-compatible endpoint); must keep the [n] marks."""

    def rephrase(self, question: str, answer: str, citations: Sequence[dict[str, Any]]) -> str: ...


class NoRephraser:
    """The default: the composed answer as is (no model, no network)."""

    def rephrase(self, question: str, answer: str, citations: Sequence[dict[str, Any]]) -> str:
        return answer


SearchFn = Callable[[str, int, SearchFilters], Sequence[Hit]]


def _interleave(hits: Sequence[Hit], more: Sequence[Hit], k: int) -> list[Hit]:
    out: list[Hit] = []
    for pair in zip_longest(hits, more):
        for h in pair:
            if h is not None and all(h.chunk.id != o.chunk.id for o in out):
                out.append(h)
    return out[:k]


def scoped_hits(question: str, hits: Sequence[Hit], resp: Responsibilities, k: int,
                search: SearchFn) -> list[Hit]:
    """Hits interleaved with hits from the documents the question cites (``Theo CT 13, …``)
    or from the place it names (``… ở Lào Cai``, by issuer).

    Search over the whole index may rank another document's similar clause
    above the cited one, so a second search restricted to the cited files (or
    issuers) adds their best clauses. Interleaving (not replacing) keeps
    documents that merely implement the cited one (``Công văn triển khai QĐ 1074``)
    in play.
    """
    files_of = {a.document: a.file for a in resp.all()} | {h.chunk.document: h.chunk.file for h in hits}
    refs = referenced_documents(question, sorted(files_of))
    files = tuple(sorted({files_of[d] for d in refs}))
    out = list(hits)
    if files and not all(h.chunk.file in files for h in out[:k]):
        out = _interleave(out, search(question, k, SearchFilters(files=files)), k)
    place = named_place(question)
    if place and not any(_local(h.chunk, place) for h in out[:k]):
        out = _interleave(out, search(question, k, SearchFilters(issuers=(place,))), k)
    return out


def answer_question(question: str, hits: Sequence[Hit], responsibilities: Responsibilities | None,
                    k: int = 5, min_score: float = 0.0, rephraser: Rephraser | None = None,
                    search: SearchFn | None = None) -> dict[str, Any]:
    """What ``Vanban.ask`` returns: :func:`compose_answer`, optionally rephrased.

    With ``search`` (``Vanban.search``), a question citing a document by number
    is answered from that document's clauses first (:func:`scoped_hits`). A
    rephrased text that drops a citation mark is discarded for the composed one.
    """
    if search is not None and responsibilities is not None:
        hits = scoped_hits(question, hits, responsibilities, k, search)
    result = compose_answer(question, hits, responsibilities, k, min_score)
    if rephraser is None or not result["found"]:
        return result
    new = rephraser.rephrase(question, result["answer"], result["citations"])
    marks = set(re.findall(r"\[\d+\]", result["answer"]))
    if new.strip() and marks <= set(re.findall(r"\[\d+\]", new)):
        result = {**result, "answer": new.strip()}
    return result
