"""A question, parsed once: its kind, the body, documents, place, period and role it names.

Pure text work: no search, no store. :class:`Question` holds everything the
selection and the phrasing need; the bodies and documents a question names are
matched against the loaded ones on demand (:meth:`Question.documents`,
:meth:`BodyText.find`), since those depend on the index.

>>> classify("Ai chủ trì xây dựng quy chế quản lý tín chỉ các-bon?")
'who'
>>> classify("Sở Công Thương có những nhiệm vụ gì?")
'what'
>>> classify("Hạn trình dự thảo Nghị định là khi nào?")
'when'
>>> classify("Những việc nào đến hạn trong tháng 10/2026?")
'period'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.abbreviations import QUESTION_TABLE, spell_out
from ingest.bodies import body_matches, canonical_body, province_of, split_body_key
from ingest.body_names import is_well_formed_body, name_head, standalone_name_at, trim_body
from ingest.deadlines import parse_deadline

__all__ = [
    "DOC_REF",
    "DOC_TYPES",
    "BodyText",
    "Kind",
    "Period",
    "Question",
    "classify",
    "find_period",
    "fold",
    "named_body",
    "named_place",
    "may_name",
    "names_body",
    "overlap",
    "read_body",
    "referenced_documents",
    "words",
]

Kind = Literal["who", "what", "when", "period", "search"]


def fold(text: str) -> str:
    """NFC and lower case: how questions and clauses are compared."""
    return unicodedata.normalize("NFC", text).lower()


# --- kind ------------------------------------------------------------------------

_WHO = re.compile(r"(?<!\w)(?:ai|(?:cơ quan|đơn vị|bộ|sở|cục|ban|ngành|tổ chức|(?<!nhiệm )vụ|viện|"
                  r"cấp|chủ thể|bên|địa phương|lực lượng|bộ phận|người|doanh nghiệp|tổ|nhóm"
                  r"|phòng|ủy ban|ubnd|hội|trường|đoàn) nào)(?!\w)")
_WHEN = re.compile(r"khi nào|bao giờ|lúc nào|(?:ngày|hôm|tháng|năm|quý|thời hạn|thời điểm|thời gian) nào"
                   r"|hạn chót|hạn cuối|thời hạn|(?<!\w)hạn(?!\s+chế)(?!\w)|chậm nhất|bao lâu"
                   r"|(?:ngày|tháng|năm|quý) mấy|(?<!\w)mấy (?:ngày|tháng|tuần)"
                   r"|(?<!\w)thời gian (?:hoàn thành|thực hiện|nộp|gửi|trình|báo cáo)")
_WHAT = re.compile(r"(?:nhiệm vụ|việc|trách nhiệm|công việc|nội dung)(?: gì| nào)|làm gì|những gì"
                   r"|phải làm|được giao(?: những)? (?:việc|nhiệm vụ)"
                   # "được giao gì", "phải chuẩn bị gì": a duty asked of the subject by its verb
                   r"|(?:phải|được|cần)\s+(?:[\wÀ-ỹ]+\s+){0,2}?gì(?![\wÀ-ỹ])"
                   # "Nhiệm vụ của Sở Y tế là gì?", "Trách nhiệm của các xã gồm những gì?"
                   r"|^(?:nhiệm vụ|trách nhiệm|công việc|phần việc|vai trò)\s+của(?![\wÀ-ỹ])")
_PERIOD_CUE = re.compile(r"đến hạn|hết hạn|có hạn|phải (?:hoàn thành|xong)|(?:việc|nhiệm vụ)"
                         r"(?: gì| nào)|những (?:việc|nhiệm vụ)|công việc")
_PERIOD = re.compile(r"(?:trong|vào|của)\s+(?:(?:tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4}|(?![\d/])))"
                     r"|(?:quý\s+(?:IV|I{1,3}|[1-4])\s*(?:/|năm)\s*\d{4})|(?:năm\s+\d{4}))",
                     re.IGNORECASE)
_BODY_WORD = re.compile(r"(?<!\w)(?:bộ|sở|cục|ubnd|ủy ban|uỷ ban|công an|ban|văn phòng|viện|"
                        r"thanh tra|thuế|trung tâm|chi cục|hội|các (?:sở|bộ|cơ quan|đơn vị))(?!\w)")


def classify(question: str) -> Kind:
    """What the question asks: an owner, a body's tasks, a deadline, a period's deadlines.

    >>> classify("Sở NN&MT phối hợp với ai?")
    'who'
    >>> classify("Bộ Tài chính phải báo cáo trước ngày nào?")
    'when'
    >>> classify("Việc gì đến hạn trong quý IV/2026?")
    'period'
    >>> classify("Sở Tài chính được giao gì trong việc lập quy hoạch?"), classify("Các sở phải chuẩn bị gì?")
    ('what', 'what')
    >>> classify("Địa phương nào phải báo cáo?"), classify("Sở Tư pháp phải trả lời trong bao lâu?")
    ('who', 'when')
    >>> classify("Nhiệm vụ của Công an tỉnh về cai nghiện là gì?")
    'what'
    >>> classify("Quy chế quản lý cụm công nghiệp gồm mấy chương?")
    'search'
    """
    q = fold(question)
    if _PERIOD.search(q) and _PERIOD_CUE.search(q) and not _WHO.search(q) and "khi nào" not in q:
        return "period"
    if _WHEN.search(q) and not re.search(r"(?<!\w)ai(?!\w)", q):
        return "when"
    if _WHO.search(q) or (re.search(r"(?<!\w)chủ trì(?!\w)", q) and not _WHAT.search(q)):
        return "who"
    if _WHAT.search(q) and _BODY_WORD.search(q):
        return "what"
    return "when" if _WHEN.search(q) else "search"


# --- words -----------------------------------------------------------------------

_STOP = frozenset((
    "ai", "nào", "gì", "là", "có", "được", "các", "của", "và", "về", "theo", "trong", "khi",
    "ngày", "trước", "phải", "những", "việc", "nhiệm", "vụ", "hạn", "thời", "cơ", "quan", "đơn",
    "vị", "bộ", "sở", "làm", "do", "với", "để", "cho", "đã", "sẽ", "thì", "này", "đó", "tại", "ở",
    "một", "xong", "chỉ", "lúc", "bao", "giờ", "năm", "tháng",
    # role words say who, not what (and "chủ" would meet "chủ đầu tư")
    "chủ", "trì", "phối", "hợp", "tham", "mưu",
))


def words(text: str) -> list[str]:
    """Folded words, abbreviations spelled out: "NĐ", "KCN", "Bộ TN&MT" meet the
    clause's "nghị định", "khu công nghiệp", "Tài nguyên và Môi trường"."""
    return re.findall(r"[\wÀ-ỹ]+", fold(spell_out(text, QUESTION_TABLE)))


def terms(text: str) -> frozenset[str]:
    """Content syllables and syllable pairs (most Vietnamese words have two syllables)."""
    ws = words(text)
    uni = {w for w in ws if w not in _STOP and len(w) > 1}
    bi = {f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False) if a not in _STOP and b not in _STOP}
    return frozenset(uni | bi)


def overlap(question: str, text: str) -> float:
    """How much of the question's content the text shares (0..1).

    >>> round(overlap("Ai chủ trì xây dựng quy chế?", "Chủ trì xây dựng quy chế quản lý"), 2)
    1.0
    """
    return _share(terms(question), text)


def _share(q: frozenset[str], text: str) -> float:
    return len(q & terms(text)) / len(q) if q else 0.0


# --- bodies named ------------------------------------------------------------------


def _key_forms(key: str) -> list[str]:
    """Forms of a canonical body name a question may use: the name, its shortened
    prefixes (≥ 2 words, ``các``/``những`` dropped) and head + acronym (``sở xd``)."""
    ws = [w for w in key.split() if w not in ("các", "những")]
    forms = [" ".join(ws[:n]) for n in range(len(ws), 1, -1)]
    rest = [w for w in ws[1:] if w not in ("và", "-")]
    if len(rest) >= 2:
        forms.append(ws[0] + " " + "".join(w[0] for w in rest))
    return forms


@dataclass(frozen=True)
class _Mention:
    body: str
    start: int
    end: int
    score: float


def _fuzzy_mention(q: str, key: str) -> tuple[int, int, int] | None:
    """(start, end, words matched) when most words of ``key`` follow its head word in ``q``:
    ``các sở, ngành cấp tỉnh`` names ``Các sở, ban, ngành cấp tỉnh``."""
    ws = [w for w in key.split() if w not in ("các", "những", "và", "-")]
    if len(ws) < 3:
        return None
    head = q.find(f" {ws[0]} ")
    if head < 0:
        return None
    window = q[head:].split()[: len(ws) + 2]
    matched = len(set(ws) & set(window))
    if matched < max(3, -(-3 * len(ws) // 4)):  # at least three quarters of the name
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


@dataclass(frozen=True)
class BodyText:
    """Words that may name a body, in the canonical form body names are compared in,
    and where the subject ends (the first predicate cue)."""

    key: str
    subject_end: int | None

    @classmethod
    def of(cls, text: str) -> BodyText:
        key = " " + " ".join(w for w in canonical_body(text).split() if w not in ("các", "những")) + " "
        cue = _SUBJECT_END.search(key)
        return cls(key, cue.start() if cue else None)

    def find(self, bodies: Sequence[str], prefer: Sequence[str] = ()) -> str | None:
        """The body named, among ``bodies`` (display names); None if none.

        The subject wins over an object: the mention closest before the predicate,
        then the longest form, with bodies in ``prefer`` winning between variants.
        """
        found = _mentions(self.key, bodies, [canonical_body(b) for b in prefer])
        if not found:
            return None
        before = [m for m in found if self.subject_end is None or m.start < self.subject_end + 1]
        pool = before or found
        last = max(m.start for m in pool)
        # mentions overlapping the last one are variants of the same words: keep the best
        near = [m for m in pool if m.end > last]
        return max(near, key=lambda m: m.score).body


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
    return BodyText.of(question).find(bodies, prefer)


# --- a body named by the grammar of names ---------------------------------------------

# Question words that end a name as a verb would: "Sở GD&ĐT có nhiệm vụ gì trong …".
_QUESTION_CUT = re.compile(r"\s+(?:có|được|bị|làm|gì|nào|khi|hạn|trong|theo|tại|ở|lên|xong|vào|chuẩn bị|gửi|nộp"
                           r"|trình|phê duyệt|tham gia|tổ chức|xây dựng)(?![\wÀ-ỹ])"
                           r"|[?;:]")
_ASKS_OTHER = re.compile(r"^(?:giao|đề nghị|yêu cầu|chỉ đạo)(?![\wÀ-ỹ])")
_NOT_A_VERB = frozenset({"và", "của", "thuộc", "tại", "ở", "các", "với", "cùng"})
# A name after these is an object or a recipient ("nộp Sở NV", "gửi về Công an tỉnh").
_OBJECT_OF = frozenset({"nộp", "gửi", "về", "cho", "với", "tới", "đến", "của", "trình"})
# ... except the owner of a duty: "Nhiệm vụ của Sở Y tế là gì?", "Hạn của Bộ Tư pháp?".
_DUTY_OF = re.compile(r"(?<![\wÀ-ỹ])(?:nhiệm vụ|trách nhiệm|công việc|phần việc|việc|vai trò"
                      r"|thời hạn|hạn|đầu việc)\s+của\s*$", re.IGNORECASE)


def _name_at(text: str) -> str | None:
    """The well-formed body name ``text`` opens with, cut before the predicate."""
    if name_head(text) is None:
        return standalone_name_at(text)
    cut = _QUESTION_CUT.search(text)
    name = trim_body(text[: cut.start()] if cut else text)
    return name if name and (is_well_formed_body(name) or _head_and_initials(name)) else None


def _head_and_initials(name: str) -> bool:
    """``Bộ NV``, ``Sở TN&MT``: a head noun and the initials of its qualifier, as a question
    shortens a name (:func:`names_body` reads them against the index's names).

    >>> _head_and_initials("Bộ NV"), _head_and_initials("Bộ Ngoại"), _head_and_initials("Bộ nào")
    (True, False, False)
    """
    head = name_head(name)
    if head is None or head[0] != "org":
        return False
    rest = name[head[1]:].split()
    return len(rest) == 1 and re.fullmatch(r"[A-ZĐ][A-ZĐ&]*[A-ZĐ]", rest[0]) is not None


def read_body(question: str) -> str | None:
    """The body a question is about, read by the grammar of names (a head noun and its
    qualifier, stopping before the verb), whether or not any document assigns it a task.

    The subject is the first name followed by its verb; a body that gives the task
    (``UBND tỉnh giao …``, ``… đề nghị …``), one followed by a comma, and one after a
    verb or preposition that makes it an object (``nộp Sở NV``) are not. A name right
    after an abbreviation is the tail of a longer name the grammar does not know
    (``VP UBND tỉnh``): the question is then left to the names in the index.

    >>> read_body("Sở GD&ĐT có nhiệm vụ gì trong CV về cai nghiện?")
    'Sở GD&ĐT'
    >>> read_body("Hạn Sở Y tế gửi hồ sơ về Công an tỉnh là khi nào?")
    'Sở Y tế'
    >>> read_body("Theo tham luận của UBND TP Huế, Sở Y tế phải hoàn thành việc gì?")
    'Sở Y tế'
    >>> read_body("Hạn các sở, ngành nộp báo cáo về Công an tỉnh?")
    'các sở, ngành'
    >>> read_body("Giấy mời giao Sở Y tế chuẩn bị nội dung gì?")
    'Sở Y tế'
    >>> read_body("Hồ sơ nộp Sở NV hạn chót khi nào?") is None
    True
    >>> read_body("Nhiệm vụ của Trường Đại học Luật Hà Nội là gì?")
    'Trường Đại học Luật Hà Nội'
    >>> read_body("Theo báo cáo của Sở Tư pháp, ai chủ trì?") is None
    True
    >>> read_body("VP UBND tỉnh phải làm gì?") is None
    True
    """
    text = unicodedata.normalize("NFC", question).strip()
    for m in re.finditer(r"(?<![\wÀ-ỹ&])[\wÀ-ỹ]", text):
        name = _name_at(text[m.start():])
        if name is None:
            continue
        before = text[: m.start()].split()
        if before and before[-1].isupper() and len(before[-1]) > 1:
            return None
        if _DUTY_OF.search(text[: m.start()]):
            return name
        if before and before[-1].lower() in _OBJECT_OF:
            continue
        after = text[m.start() + len(name):].strip()
        word = re.match(r"[\wÀ-ỹ]+", after)
        if word and word.group(0).islower() and word.group(0) not in _NOT_A_VERB \
                and not _ASKS_OTHER.match(after):
            return name
    return None


def _key_parts(key: str) -> tuple[str, str | None]:
    """(canonical name, province) of a body key, or of a printed name."""
    return split_body_key(key) if " @ " in key else (canonical_body(key), province_of(key))


@functools.lru_cache(maxsize=1 << 17)  # pure; a question compares its body with every assignment's
def names_body(named: str, key: str) -> bool:
    """Does ``named`` (a body as a question writes it) name the body of ``key`` (a body
    key or printed name)? Any spelling, with or without the province, abbreviations
    spelled out, or head + initials (``Sở NV`` = ``Sở Nội vụ``).

    >>> names_body("Sở NV", "sở nội vụ @ tỉnh lâm đồng"), names_body("Sở GD&ĐT", "Sở Giáo dục và Đào tạo")
    (True, True)
    >>> names_body("Sở Tư pháp", "sở nội vụ @ tỉnh lâm đồng")
    False
    >>> names_body("Sở Công Thương Lào Cai", "sở công thương @ tỉnh lào cai")
    True
    >>> names_body("Sở Công Thương Lào Cai", "sở công thương @ tỉnh lâm đồng")
    False
    >>> names_body("Sở Công Thương", "các sở ban ngành liên quan @ tỉnh lâm đồng")
    False
    """
    spelled = _spelled(named)
    if body_matches(spelled, key):
        return True
    base, place = _key_parts(key)
    asked = province_of(spelled)
    if asked and place and asked != place:
        return False
    if canonical_body(spelled) in _key_forms(base):
        return True
    bare = _bare_place(spelled) if asked is None else None
    # the place must be the key's: read without one, "Sở Công Thương" would be "Sở" in "Công Thương"
    return bare is not None and place is not None and place.endswith(bare[1]) and names_body(bare[0], key)


@functools.lru_cache(maxsize=1 << 12)
def _spelled(named: str) -> str:
    """A body as a question writes it, abbreviations spelled out (asked once per question,
    used against every body of the index)."""
    return spell_out(named, QUESTION_TABLE)


def _bare_place(name: str) -> tuple[str, str] | None:
    """``Sở Công Thương Lào Cai`` → (``Sở Công Thương``, ``lào cai``): a place printed
    after a name without ``tỉnh``/``thành phố`` (two capitalised words at the end)."""
    m = re.match(r"^(.+\S)\s+([A-ZĐ][\wÀ-ỹ]*\s+[A-ZĐ][\wÀ-ỹ]*)$", name.strip())
    return (m.group(1), m.group(2).lower()) if m and name_head(m.group(1)) else None


_GROUP_WORDS = ("các", "những", "cấp")


def _bare(name: str) -> list[str]:
    """A name's words without group words and punctuation (``các sở, ban`` → sở, ban)."""
    return [w for w in re.findall(r"[\wÀ-ỹ&]+", canonical_body(name)) if w not in _GROUP_WORDS]


def _initials(named: str, key: str) -> bool:
    """An abbreviation the tables do not know, read as initials: ``Viện KTTV&BĐKH`` may be
    ``Viện Khoa học Khí tượng thủy văn và Biến đổi khí hậu`` (same head word; the
    letters in order among the initials of the name's other words).

    >>> _initials("Viện KTTV&BĐKH", "viện khoa học khí tượng thủy văn và biến đổi khí hậu")
    True
    >>> _initials("Viện KTTV&BĐKH", "viện kiểm sát nhân dân tỉnh")
    False
    """
    ws = named.split()
    letters = "".join(w for w in ws[1:] if w.replace("&", "").isupper()).replace("&", "").lower()
    base = _key_parts(key)[0].split()
    if len(letters) < 3 or not base or base[0] != ws[0].lower():
        return False
    initials = iter(w[0] for w in base[1:])
    return all(ch in initials for ch in letters)


def may_name(named: str, key: str) -> bool:
    """Could ``named`` and the body of ``key`` overlap, one being a group the other
    belongs to or a wider or narrower spelling of one group? (``các sở, ngành`` and
    ``Các sở, ban, ngành``; ``UBND xã Hiệp Thạnh`` and ``UBND các xã``.)

    >>> may_name("các sở, ngành", "các sở, ban, ngành @ tỉnh lâm đồng")
    True
    >>> may_name("Các sở", "các sở, ban, ngành @ tỉnh lâm đồng")
    True
    >>> may_name("UBND xã Hiệp Thạnh", "ủy ban nhân dân các xã @ tỉnh lâm đồng")
    True
    >>> may_name("Sở Tư pháp", "sở nội vụ @ tỉnh lâm đồng")
    False
    >>> may_name("Các đơn vị", "các cơ quan, đơn vị được kiểm tra")
    True
    """
    if names_body(named, key) or _initials(named, key):
        return True
    spelled = spell_out(named, QUESTION_TABLE)
    base = _key_parts(key)[0]
    group = any(w in _GROUP_WORDS for w in canonical_body(spelled).split() + base.split())
    a, b = _bare(spelled), _bare(base)
    if not (group and a and b):
        return False
    n = min(len(a), len(b))
    if a[:n] == b[:n] or a[0] == b[0] and len(a[0]) > 2 or a[:1] == b[:1] == ["sở"]:
        return True
    # "các đơn vị" among "các cơ quan, đơn vị được kiểm tra": one group's words inside the other's
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and any(long_[i:i + len(short)] == short for i in range(len(long_)))


# --- documents named -----------------------------------------------------------------

DOC_TYPES = {
    "ct": "Chỉ thị", "kh": "Kế hoạch", "cv": "Công văn", "tb": "Thông báo", "qđ": "Quyết định",
    "nq": "Nghị quyết", "tt": "Thông tư", "nđ": "Nghị định", "ctr": "Chương trình",
    "bc": "Báo cáo",
}
DOC_REF = re.compile(
    r"(?<![\wÀ-ỹ])(CTr|CT|KH|CV|TB|QĐ|NQ|TT|NĐ|BC|Chỉ thị|Kế hoạch|Công văn|Thông báo|Quyết định|"
    r"Nghị quyết|Thông tư|Nghị định|Chương trình|Báo cáo)\s*(?:số\s*)?(\d{1,5})(?!\d)",
    re.IGNORECASE,
)


def _doc_number(name: str) -> tuple[str, int] | None:
    """``Chỉ thị 13/CT-TTg`` → (``chỉ thị``, 13)."""
    m = re.match(r"(.+?)\s+(?:số\s*)?(\d{1,5})(?:/|$)", name)
    return (fold(m.group(1)), int(m.group(2))) if m else None


def _cited_numbers(question: str) -> frozenset[tuple[str, int]]:
    """(type, number) of every document the question cites: ``CT 13`` → (``chỉ thị``, 13)."""
    wanted = set()
    for m in DOC_REF.finditer(unicodedata.normalize("NFC", question)):
        kind = DOC_TYPES.get(fold(m.group(1)), m.group(1))
        wanted.add((fold(kind), int(m.group(2))))
    return frozenset(wanted)


def _documents_cited(wanted: frozenset[tuple[str, int]], documents: Sequence[str]) -> set[str]:
    return {d for d in documents if _doc_number(d) in wanted} if wanted else set()


def referenced_documents(question: str, documents: Sequence[str]) -> set[str]:
    """The loaded documents a question cites by type and number (``CT 13`` → ``Chỉ thị 13/CT-TTg``).

    >>> sorted(referenced_documents("Theo CT 13, ai chủ trì?", ["Chỉ thị 13/CT-TTg", "Kế hoạch 09/KH-BTNMT"]))
    ['Chỉ thị 13/CT-TTg']
    """
    return _documents_cited(_cited_numbers(question), documents)


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


_ASKER = re.compile(r"^(.+?)\s+(?:đề nghị|yêu cầu|giao cho|giao|chỉ đạo)\s+\S", re.IGNORECASE)


def _asker(question: str) -> str | None:
    """The canonical name of the body that asks: ``Bộ NN&MT đề nghị UBND tỉnh làm gì``."""
    m = _ASKER.match(unicodedata.normalize("NFC", question).strip())
    return canonical_body(m.group(1)) if m else None


# --- periods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of days a question asks about, with the words that named it; ``inferred``
    when the question gave no year (``tháng 12``) and the year was taken from today."""

    start: dt.date
    end: dt.date
    text: str
    inferred: bool = False


def find_period(question: str, today: dt.date | None = None) -> Period | None:
    """The month, quarter or year a question names; a month without its year is in
    the year of ``today`` (default: the real today), marked inferred.

    >>> find_period("Việc gì đến hạn trong tháng 10/2026?")
    Period(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31), text='tháng 10/2026', inferred=False)
    >>> find_period("Những nhiệm vụ phải xong trong quý IV/2026").start
    datetime.date(2026, 10, 1)
    >>> find_period("Việc nào đến hạn trong tháng 12?", dt.date(2026, 3, 1)).text
    'tháng 12/2026'
    """
    m = _PERIOD.search(unicodedata.normalize("NFC", question))
    if not m:
        return None
    phrase = re.sub(r"^(?:trong|vào|của)\s+", "", m.group(0), flags=re.IGNORECASE).strip()
    inferred = re.fullmatch(r"tháng\s+\d{1,2}", phrase, flags=re.IGNORECASE) is not None
    if inferred:
        phrase = f"{phrase}/{(today or dt.date.today()).year}"
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
    return Period(start, end, phrase, inferred)


# --- role, kind of body, recurrence ---------------------------------------------------

_ROLE_CUES = (("phối hợp", "phối hợp"), ("tham mưu", "tham mưu"),
              ("đôn đốc", "theo dõi, đôn đốc"), ("theo dõi", "theo dõi, đôn đốc"))
_ASKED_HEAD = re.compile(r"(?<!\w)(bộ|sở|cục|vụ|viện|chi cục|tổng cục) nào(?!\w)")
_WITH_WHOM = re.compile(r"^(.+?)\s+(?:phối hợp|làm việc|cùng)\s+với\s+(?:ai|cơ quan nào|đơn vị nào"
                        r"|những (?:ai|cơ quan nào|đơn vị nào))(?!\w)", re.IGNORECASE)


def _asked_role(q: str) -> str | None:
    """The role a folded question names: ``Ai chủ trì …`` → lead; ``Đơn vị nào phải phối hợp …``."""
    if "chủ trì" in q:
        return "chủ trì"
    return next((role for cue, role in _ROLE_CUES if cue in q), None)


def _recurrence_word(q: str) -> str | None:
    """The recurrence a folded question's period words point to (``6 tháng`` / ``cả năm``)."""
    if re.search(r"(?:6|sáu) tháng", q):
        return "6 tháng"
    if re.search(r"(?:cả|hằng|hàng|mỗi|cuối) năm|báo cáo năm", q):
        return "hằng năm"
    return None


# --- the question ---------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """Everything the answer needs from the question's words, parsed once.

    >>> q = Question.parse("Theo CT 13, Sở NN&MT phối hợp với ai?")
    >>> q.kind, sorted(q.cited), q.partner is not None
    ('who', [('chỉ thị', 13)], True)
    """

    text: str
    kind: Kind
    subject: BodyText  # the whole question, for the body it is about
    partner: BodyText | None  # "X" of "X phối hợp với ai"
    cited: frozenset[tuple[str, int]]  # documents cited by type and number
    asker: str | None  # canonical name of the body in "X đề nghị …"
    place: str | None  # "Lào Cai" of "… ở Lào Cai"
    period: Period | None  # the month, quarter or year named
    role: str | None  # the role named ("chủ trì", "phối hợp"…)
    head: str | None  # "sở" for "Sở nào …?": the kind of body asked for
    recurrence: str | None  # "6 tháng" / "hằng năm"
    asks_what: bool  # "… làm gì", "nhiệm vụ gì"
    named: str | None  # the body the question is about, read by the grammar of names
    words: frozenset[str]
    terms: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Question:
        q = fold(text)
        with_whom = _WITH_WHOM.search(unicodedata.normalize("NFC", text))
        head = _ASKED_HEAD.search(q)
        return cls(text=text, kind=classify(text), subject=BodyText.of(text),
                   partner=BodyText.of(with_whom.group(1)) if with_whom else None,
                   cited=_cited_numbers(text), asker=_asker(text), place=named_place(text),
                   period=find_period(text), role=_asked_role(q),
                   head=head.group(1) if head else None, recurrence=_recurrence_word(q),
                   asks_what=bool(_WHAT.search(q)), named=read_body(text), words=frozenset(words(text)),
                   terms=terms(text))

    def documents(self, names: Sequence[str]) -> set[str]:
        """The documents among ``names`` the question cites by number."""
        return _documents_cited(self.cited, names)

    def overlap(self, text: str) -> float:
        """How much of the question's content ``text`` shares (0..1)."""
        return _share(self.terms, text)

    def is_local(self, where: str) -> bool:
        """Whether ``where`` (issuer, document, title) names the place the question names."""
        return bool(self.place) and fold(self.place or "") in fold(where)
