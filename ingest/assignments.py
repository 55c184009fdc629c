"""Who owns which task by when: rule-based extraction from a parsed ``Document``.

Three shapes of assignment occur in Vietnamese administrative documents:

* an actor heading whose items inherit it — ``1. Bộ Kế hoạch và Đầu tư:`` then
  ``a) Chủ trì, phối hợp với …``; ``1. Cục Biến đổi khí hậu có trách nhiệm:``;
  ``1. Các Bộ: Công Thương, Xây dựng, …:`` (one record per Bộ);
* a sentence naming the actor — ``Giao Sở Công Thương chủ trì, phối hợp với Sở
  Tư pháp … trước ngày 15/9/2025``; ``X phối hợp với Y …`` (X coordinates, Y
  leads); ``Văn phòng Chính phủ theo dõi, đôn đốc``;
* a task table in an appendix — ``Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối
  hợp | Thời gian``: one record per lead and per coordinating body.

Roles: ``chủ trì`` (lead), ``phối hợp`` (coordinate), ``thực hiện`` (carry out,
when no role verb is printed), ``theo dõi, đôn đốc`` (monitor), ``tham mưu``
(advise).

Catch-all actors (``các cơ quan liên quan``, ``các Bộ, ngành``) name nobody a
user can ask about. As the subject of a sentence they are dropped when a named
body shares it and kept when they are the sole actor (``Các Bộ, ngành liên quan
khác … tăng cường …``); as partners (``phối hợp với …``) only named bodies are
kept; a task-table row keeps a catch-all lead only when it is the row's only
lead. A numbered clause with a deadline and no actor (``Báo cáo kết quả … (6
tháng: trước ngày 15/6; …) gửi về Thường trực Ban Chỉ đạo … để theo dõi``) is
given to the body it is sent to, as monitor, or else to an empty ``body``.
Closing formulas (``… chịu trách nhiệm thi hành Quyết định này``) and purpose
sections (``Mục đích, yêu cầu``) assign nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from ingest.bodies import (
    body_key,
    canonical_body,
    display_body,
    is_body_acronym,
    is_generic_body,
    is_well_formed_body,
    province_of,
    split_actor_list,
    split_body_key,
    trim_body,
)
from ingest.body_names import has_stray_number
from ingest.deadlines import Deadline, cell_deadlines, find_deadlines, parse_deadlines
from ingest.model import Clause, Document

__all__ = ["ROLES", "Assignment", "extract_assignments"]

ROLES = ("chủ trì", "phối hợp", "thực hiện", "theo dõi, đôn đốc", "tham mưu")
LEAD, COORD, DO, MONITOR, ADVISE = ROLES


@dataclass(frozen=True)
class Assignment:
    """One body's role in one task, with its deadline and the clause it comes from."""

    file: str
    document: str
    clause: str
    label: str
    body: str
    body_key: str
    role: str
    task: str
    deadline_text: str | None
    due: date | None
    recurrence: str | None
    clause_text: str
    page: int | None = 1  # None: the file has no known pages (Clause.page)
    province: str | None = None  # "tỉnh lâm đồng" for a provincial body; part of body_key
    paragraph: int = 0  # Clause.paragraph


# --- words -----------------------------------------------------------------

# Capitalized words that open a body's name at the start of a sentence.
_BODY_START = re.compile(
    r"^(?:Bộ|Sở|Cục|Chi cục|Tổng cục|Vụ|Vu|Ban(?! hành)|Ủy ban|Uỷ ban|Hội đồng|Công an|"
    r"Thanh tra|Thuế|Viện|Trung tâm|Văn phòng|Đài|Báo(?! cáo)|Tạp chí|Hội|Liên minh|"
    r"Tỉnh đoàn|Trường(?! hợp)|Công ty|Vườn|Kho bạc|Ngân hàng|Giám đốc|Thủ trưởng|Chủ tịch|"
    r"Chánh|Cục trưởng|Vụ trưởng|Bộ trưởng|Mặt trận|Thường trực|Chính phủ|Chủ đầu tư|"
    r"Đoàn(?! kết)|Liên đoàn|Tập đoàn|Tổng công ty|Bệnh viện|Học viện|Tòa án|Toà án|Cảnh sát|"
    r"Bộ đội|Hải quan|Đại học|Kiểm toán|Thông tấn xã|Liên hiệp|Hợp tác xã|Viễn thông|Bưu điện|"
    r"(?:[Cc]ác|[Nn]hững)\s+(?:[Bb]ộ|[Ss]ở|cơ quan|đơn vị|tổ chức|địa phương|ngành|cấp|[Bb]an|"
    r"thành viên|[Cc]ông ty|doanh nghiệp|chủ|[Cc]ục|[Vv]ụ|hội|đoàn thể|huyện|xã|tỉnh|[Ủủ]y ban|"
    r"lực lượng|[Cc]hi cục|[Tt]rường|[Vv]iện|nhà|[Tt]ổ|[Tt]rung tâm|[Hh]ợp tác xã))(?=[\s:,/])"
)
# Lower-case words that open a predicate. Body names capitalize their own words
# ("Ban Chỉ đạo", "Cục Kiểm soát ô nhiễm"), so matching lower case keeps them whole;
# second syllables of nouns ("công trình", "thành lập") are deliberately left out.
_VERBS = (
    "chủ trì", "phối hợp", "theo dõi", "đôn đốc", "tham mưu", "có trách nhiệm",
    "chịu trách nhiệm", "thực hiện", "triển khai", "tổ chức", "xây dựng", "hoàn thiện",
    "hoàn thành", "nghiên cứu", "rà soát", "báo cáo", "hướng dẫn", "chỉ đạo", "khẩn trương",
    "chủ động", "tăng cường", "kiểm tra", "ban hành", "tiếp tục", "đẩy mạnh", "quán triệt",
    "căn cứ", "làm việc", "trao đổi", "cung cấp", "gửi", "cập nhật", "bố trí", "đề xuất",
    "xử lý", "giám sát", "nâng cao", "tập trung", "cụ thể hóa", "cụ thể hoá", "quan tâm",
    "là cơ quan", "theo chức năng", "thường xuyên", "kịp thời", "nghiêm túc", "được giao",
    "cần", "phải", "sớm", "tuân thủ", "tuyên truyền", "phổ biến", "đánh giá", "ứng dụng",
    "bảo đảm", "đảm bảo", "tham gia", "hỗ trợ", "tổng hợp", "xem xét", "thống nhất",
    "có ý kiến", "chấp hành", "chuẩn bị", "kiện toàn", "phát huy", "duy trì", "thẩm định",
    "công bố", "thu hồi", "điều tra", "khắc phục", "thanh tra", "nắm", "rút kinh nghiệm",
    "sẵn sàng", "ứng phó", "vận hành", "yêu cầu", "giao", "đề nghị", "theo", "lựa chọn",
    "chỉ định", "cử", "dự kiến", "làm nhiệm vụ", "hoàn chỉnh", "đăng ký", "nộp", "kê khai", "tiến hành", "xác định",
    "nêu cao", "kiên quyết", "tích cực", "quyết liệt", "định kỳ", "hằng năm", "hàng năm",
    "hoặc", "trong việc", "trong quá trình", "trong công tác", "về việc", "trong phạm vi", "để", "nhằm", "bổ sung",
    "sửa đổi", "điều chỉnh", "chấn chỉnh", "thiết lập", "thông báo", "đã", "đang", "sẽ",
    "không", "chưa", "liên hệ", "trân trọng", "có văn bản", "có phương án", "có biện pháp", "có kế hoạch", "làm cơ sở", "khảo sát", "quản lý chặt chẽ", "chỉ thực hiện",
)
_VERB_RX = re.compile(
    # "(?<!các )": in "các tổ chức" the verb-looking word is a noun; "Bộ Ngoại giao" is a name
    # "được kiểm tra": a passive participle qualifies the noun before it ("đơn vị được kiểm tra")
    r"(?<=[\s,])(?<!các )(?<!những )(?<![Nn]goại )(?<![Bb]àn )(?<![Cc]huyển )(?<!được )(?<!bị )(?:"
    + "|".join(sorted(map(re.escape, _VERBS), key=len, reverse=True)).replace(
        re.escape("xây dựng"), "(?<!đầu tư )xây dựng")  # "dự án đầu tư xây dựng": a compound noun
    + r")(?=[\s,:;.]|$)"
)
_LEAD_IN = re.compile(
    r"^(?:(?:Chủ tịch|Phó Chủ tịch|Thủ tướng|Phó Thủ tướng|Bộ trưởng)[^,.;:]{0,60}?\s+)?"
    r"(?:[Tt]rân trọng\s+|[Kk]ính\s+)?(?:[Gg]iao|[Đđ]ề nghị|[Yy]êu cầu)\s+"
)
# "… Bộ X kính đề nghị UBND các tỉnh … thực hiện các nội dung sau:" — the actors of a whole letter
_INTRO_ASK = re.compile(r"(?:đề nghị|giao|yêu cầu)\s+(?=[A-ZĐÀ-Ỹ]|các\s)")
_ASKS = re.compile(r"^(?:trân trọng\s+|kính\s+)?(?:yêu cầu|đề nghị|giao)\s+(?=[A-ZĐÀ-Ỹ]|các\s)")
_INTRO_END = re.compile(r"(?:như sau|sau đây|nội dung sau|yêu cầu|giao|đề nghị|chỉ đạo)\s*:\s*$")
_SKIP_SENTENCE = re.compile(
    r"^(?:Căn cứ (?:ý kiến|nội dung) chỉ đạo|Trên đây là|Trong quá trình thực hiện|Theo đề nghị của)"
)
# Predicates that assign nothing: past facts, the issuer's formulas, accountability.
_NOT_A_TASK = re.compile(
    r"^(?:đã|đang|không(?! để)|chưa|thông báo|trân trọng|cảm ơn|có ý kiến|kết luận|"
    r"chịu trách nhiệm (?:toàn diện\s+)?trước|chịu trách nhiệm thi hành"
    r"|làm việc theo (?:chế độ|quy chế))\b"  # a board's working regime, not a task
    r"|^(?:nghiêm túc\s+)?(?:triển khai\s+)?thực hiện\W*$"  # "… nghiêm túc thực hiện./."
    # closing formulas: "… tổ chức triển khai và chỉ đạo … thực hiện nghiêm Chỉ thị này."
    r"|(?:nghiêm(?: túc)? (?:triển khai )?(?:thực hiện|thi hành)|(?:thực hiện|thi hành) nghiêm(?: túc)?)"
    r" (?:Chỉ thị|Quyết định|Kế hoạch|Thông tư|Nghị định|Nghị quyết|Công văn) này\W*$",
    re.IGNORECASE,
)
# The enacting formula above a legal text's articles (NĐ 30/2020 form): "Chính phủ ban hành Nghị định
# quy định …", "Bộ trưởng Bộ Nội vụ ban hành Thông tư hướng dẫn …"
_ENACTS = re.compile(r"^[^.;:]{2,120}?\sban hành (?:Nghị định|Thông tư|Quyết định|Chỉ thị|Nghị quyết)\s(?!này)")
# The enforcement formula that closes a decision: "… chịu trách nhiệm thi hành Quyết định này."
_FORMULA = re.compile(r"chịu trách nhiệm thi hành (?:Quyết định|Thông tư|Nghị định|Nghị quyết|Chỉ thị) này")
# Purpose, basis and funding sections. The words must open the heading: "Dự kiến mục tiêu,
# nhiệm vụ, …:" or "Triển khai các yêu cầu …" head tasks.
_SKIP_HEADING = re.compile(
    r"^\W*(?:[IVXLC\d]+[.)]\s*)?(?:(?:nguồn|dự toán)\s+)?"
    r"(?:mục đích|yêu cầu|căn cứ|quan điểm|mục tiêu|kinh phí)", re.IGNORECASE)
# Monitoring is "đôn đốc" near the start ("Theo dõi, đôn đốc", "Là cơ quan thường trực, đôn
# đốc"); "theo dõi diễn biến thời tiết" alone watches the weather, it monitors no one.
_MONITOR = re.compile(r"^.{0,30}?\bđôn đốc", re.IGNORECASE)
_ADVERBS = re.compile(
    r"^(?:(?:chủ động|tích cực|thường xuyên|kịp thời|khẩn trương|tiếp tục|đồng thời|"
    r"trên cơ sở đó|theo chức năng,?\s*nhiệm vụ(?:,?\s*(?:quyền hạn|lĩnh vực)(?: được giao)?)*)"
    r",?\s+)+",
    re.IGNORECASE,
)
_RESPONSIBLE = re.compile(r"^(?:có|chịu)\s+trách\s+nhiệm\s*:?\s*", re.IGNORECASE)
# "xử lý hoặc tham mưu xử lý": an alternative task, not the actor's role
_ROLE_NEAR = re.compile(r"(?<!hoặc )(?:chủ trì|phối hợp|tham mưu)", re.IGNORECASE)
# "phối hợp với Sở X", and "phối hợp Sở X" when a body's name follows at once
_COORD_WITH = re.compile(r"phối hợp(?:\s+(?:chặt chẽ|thực hiện))?\s+(?P<with>với\s+)?", re.IGNORECASE)
_OWNER_HEADING = re.compile(
    # "Đối với UBND các tỉnh:" over items: the body's tasks ("Đối với X: <rule>" on one line is not)
    r"^(?:(?:nhiệm vụ|trách nhiệm)(?:,?\s+(?:và\s+)?(?:quyền hạn|nhiệm vụ|chủ yếu|cụ thể|trọng tâm))*\s+của|giao|đối với)"
    r"\s+(.+)$",
    re.IGNORECASE,
)
_INLINE_ITEM = re.compile(r"\s(?=[a-zđ]\)\s+[A-ZĐÀ-Ỹ])")
# "… báo cáo Sở Xây dựng để tổng hợp, tham mưu …", "… gửi về Thường trực BCĐ (…) để theo dõi"
_RECIPIENT = re.compile(
    r"(?:gửi|báo cáo)(?:\s+về)?\s+(?P<body>[^;.()]{3,120}?)\s*(?:\([^)]*\)\s*)?"
    r"(?:để|nhằm)\s+(?P<purpose>[^.;]{0,40})"
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _looks_like_body(text: str) -> bool:
    """Does this text open with a body's name (``Sở …``, ``Các Bộ: …``, ``UBND …``)?"""
    if text.isupper():  # a heading in capitals: BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG
        return bool(_BODY_START.match(text[:1] + text[1:].lower()))
    word = re.split(r"[\s:,/]", text, maxsplit=1)[0]
    if _BODY_START.match(text):
        return True
    return is_body_acronym(word)  # UBND, HĐND, VTV — not any capitals (VLNCN, TCTN)


_DIRECTS = re.compile(r"^chỉ đạo\s[^:;.]{1,80}:\s*", re.IGNORECASE)


def role_of(predicate: str) -> str:
    """The role a predicate's opening words give its actor.

    ``chủ trì``/``phối hợp``/``tham mưu`` count when they come within the first
    few words (``nghiên cứu tham mưu`` advises); monitoring only when it opens
    the predicate.

    >>> role_of("chủ trì, phối hợp với Sở Tư pháp")
    'chủ trì'
    >>> role_of("Là cơ quan thường trực, đôn đốc các Sở")
    'theo dõi, đôn đốc'
    >>> role_of("nghiên cứu tham mưu xây dựng")
    'tham mưu'
    """
    p = _RESPONSIBLE.sub("", _ADVERBS.sub("", predicate.strip(" -:,")), count=1)
    # "chỉ đạo lực lượng Bộ đội Biên phòng: Phối hợp với …": the directed action gives the role
    p = _DIRECTS.sub("", p, count=1)
    if _MONITOR.match(p):
        return MONITOR
    near = _ROLE_NEAR.search(p[:40])  # a role word that starts within the first few words
    if near and near.start() > 24:
        near = None
    if not near or (near.start() and near.group(0).lower() == "phối hợp" and not p[near.end():].lstrip().startswith("với")):
        return DO  # "hướng dẫn, phối hợp UBND các xã" is part of the task, not the role
    return {"chủ trì": LEAD, "phối hợp": COORD, "tham mưu": ADVISE}[near.group(0).lower()]


# --- actor phrases ---------------------------------------------------------


@dataclass
class _Split:
    """A sentence cut into its actor phrase and the predicate after it."""

    actors: list[str]
    predicate: str
    asked: bool = False  # named after "đề nghị"/"yêu cầu"/"giao": the predicate is requested of them


_UNITS = r"xã|phường|huyện|quận|thị xã|thành phố|tỉnh|đặc khu"
_ROLE_WORDS = re.compile(r"chủ trì|phối hợp|trách nhiệm|thực hiện|theo dõi|tham mưu|giao")
_TITLE = re.compile(r"\s+[-–]\s+(?:[Tt]hường trực|[Cc]ơ quan thường trực)\b[^:]*$")


def _verb_from(seg: str) -> int:
    """Where to start looking for the predicate: after the head noun (``các tổ chức``)."""
    words = list(re.finditer(r"\S+", seg))
    skip = 2 if words and words[0].group(0).lower() in ("các", "những") else 1
    return words[skip].start() - 1 if len(words) > skip else len(seg)


def _actor_end(seg: str) -> int:
    """Where the actor phrase of ``seg`` stops: ``X: Task`` or the first predicate verb."""
    verb = _VERB_RX.search(seg, _verb_from(seg))
    end = verb.start() if verb else len(seg)
    for colon in re.finditer(r":\s*", seg[:end]):
        before = seg[: colon.start()].strip()
        # "Các Bộ: Công Thương, …" is a list, not "actor: task".
        if re.fullmatch(r"(?:[Cc]ác\s+)?(?:Bộ|Sở|Cục|Vụ|bộ|sở)", before):
            continue
        # "UBND các xã: Đức Trọng, Hiệp Thạnh" lists places, not "actor: task"
        if re.search(r"\scác\s+(?:" + _UNITS + r")$", before):
            continue
        rest = seg[colon.end() :]
        if len(before) < 200 and not _ROLE_WORDS.search(before) and (not rest or rest[:1].isupper()):
            return colon.start()
        break
    return end


def split_actor(sentence: str) -> _Split | None:
    """Actor(s) and predicate of a sentence that opens with a body's name, else None.

    >>> s = split_actor("Bộ Công Thương chủ trì, phối hợp với các cơ quan liên quan rà soát")
    >>> s.actors, s.predicate[:8]
    (['Bộ Công Thương'], 'chủ trì,')
    """
    seg = sentence.strip()
    if not _looks_like_body(seg):
        return None
    seg = _TITLE.sub("", seg)  # "Ủy ban MTTQ … tỉnh - Thường trực Ban Chỉ đạo …": a title
    end = _actor_end(seg)
    phrase = seg[:end].strip(" ,:;")
    predicate = seg[end:].strip(" :")
    if not phrase or len(phrase) > 250 or has_stray_number(phrase):
        return None  # "Thanh tra tỉnh (sau hợp nhất): 01 cuộc" is a figure, not an actor
    actors = split_actor_list(phrase)
    return _Split(actors, predicate) if actors else None


def _coordinators(predicate: str) -> list[str]:
    """Bodies after ``phối hợp (chặt chẽ) với`` up to the next verb, generic ones dropped."""
    found: list[str] = []
    for m in _COORD_WITH.finditer(predicate):
        rest = predicate[m.end() :]
        if not m.group("with") and not _looks_like_body(rest):
            continue
        stop = re.search(r"[;.]|\n", rest)
        rest = rest[: stop.start()] if stop else rest
        end = _actor_end(rest)
        phrase = rest[:end].strip(" ,")
        found.extend(display_body(b) for b in split_actor_list(phrase, tidy=False) if _named(b))
    return found


# "UBND (các) tỉnh, thành phố", "Chủ tịch UBND các xã": every unit of a level, a class
_EVERY_UNIT = re.compile(r"\bcác (?:" + _UNITS + r"|cấp)\b")


def _is_class(body: str) -> bool:
    """A class of bodies: ``các sở, ban, ngành``, ``UBND các xã, phường``, not one named body."""
    return is_generic_body(body) or body.lower().startswith(("các ", "những ")) or bool(
        _EVERY_UNIT.search(canonical_body(body)))


def _named(body: str) -> bool:
    """A partner worth a record: named, not a class (``các địa phương có rừng``) or a description."""
    if is_generic_body(body) or body.lower().startswith(("các ", "những ")):
        return False
    return not body[:1].islower()


# --- groups of (actors, role) within a clause -------------------------------


@dataclass
class _Group:
    actors: list[str]
    role: str
    task: str
    start: int
    end: int
    coordinators: list[str] = field(default_factory=list)
    implied_leads: list[str] = field(default_factory=list)
    inherited: bool = False  # actors from a heading above, not named by the sentence


def _segments(text: str) -> list[tuple[int, int]]:
    """Sentence spans: cut at ``. `` ``;`` and line ends."""
    spans, start = [], 0
    # a line break starts a new sentence only before a capital, a bullet or a number:
    # Word's soft breaks ("…vốn chủ sở hữu của\ntổ chức, cá nhân…") are not sentences
    for m in re.finditer(r"(?<=[.;])\s+|\n(?=[\s\-–+•*\d(A-ZĐÀ-Ỹ])|" + _INLINE_ITEM.pattern, text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _strip_bullet(seg: str) -> str:
    return re.sub(r"^\s*[-–+•*]\s*", "", seg)


def _group_for(actors: list[str], predicate: str, start: int, end: int) -> _Group:
    role = role_of(predicate)
    group = _Group(actors, role, predicate.strip(), start, end)
    if role in (LEAD, ADVISE, DO, MONITOR):
        group.coordinators = _coordinators(predicate)
    elif role == COORD:
        group.implied_leads = _coordinators(predicate)
    return group


def _specific(actors: list[str]) -> list[str]:
    """Drop catch-all actors (``các Bộ, ngành``) when a named one is there; keep a sole one."""
    return [x for x in actors if not is_generic_body(x)] or actors


def _intro_actors(seg: str) -> list[str] | None:
    """``Đề nghị UBND các tỉnh … thực hiện các nội dung sau:`` → its actors; None if not an intro."""
    if not _INTRO_END.search(seg):
        return None
    stripped = _LEAD_IN.sub("", seg, count=1)
    split = split_actor(stripped) if stripped != seg else None
    return [x for x in split.actors if not is_generic_body(x)] if split else []


@dataclass
class _Reading:
    """What the sentences read so far in a clause established."""

    current: list[str]  # who the next item belongs to
    strong: bool  # ``current`` comes from a heading, not from the letter's request
    pending: list[str] = field(default_factory=list)  # actor-only lines waiting for a task
    groups: list[_Group] = field(default_factory=list)


# "có ý kiến" reports what a participant said, but is a task when it is asked for:
# "đề nghị Quý Bộ có ý kiến góp ý … trước ngày 25/9/2025".
_ASKED_OPINION = re.compile(r"^có ý kiến", re.IGNORECASE)


def _not_a_task(predicate: str, asked: bool) -> bool:
    return bool(_NOT_A_TASK.search(predicate)) and not (asked and _ASKED_OPINION.match(predicate))


def _read_actor_sentence(st: _Reading, split: _Split, a: int, b: int) -> None:
    """A sentence that names its actors: a new group, or actors for the lines below."""
    if not split.predicate:
        st.pending = st.pending + split.actors
        st.current = st.pending
        return
    actors = _specific(st.pending + split.actors)
    st.pending = []
    if actors and not _not_a_task(_ADVERBS.sub("", split.predicate), split.asked):
        st.current = actors
        st.groups.append(_group_for(actors, split.predicate, a, b))


def _sentence_actor(st: _Reading, seg: str, item: bool) -> _Split | None:
    """The actors a sentence names itself, after ``Giao``/``Đề nghị`` and ``X yêu cầu``."""
    asked = False
    if item and not st.pending and not (st.strong and st.current):
        seg, asked = _LEAD_IN.sub("", seg, count=1), bool(_LEAD_IN.match(seg))
    split = _requested(split_actor(seg) if item or seg[:1].isupper() else None)
    return replace(split, asked=True) if split and asked else split


_EXHORTATION = re.compile(r"^cần\s", re.IGNORECASE)


def _requested(split: _Split | None) -> _Split | None:
    """``Ủy ban nhân dân tỉnh yêu cầu các Sở … triển khai``: the Sở are the actors."""
    if split and _ASKS.match(split.predicate):
        asked = split_actor(_ASKS.sub("", split.predicate, count=1))
        if asked and _EXHORTATION.match(asked.predicate):
            return split  # "UBND tỉnh yêu cầu các sở … cần nâng cao trách nhiệm": a call, read as before
        return replace(asked, asked=True) if asked else None
    return split


# Field lines under a task: "- Đơn vị chủ trì: Sở X", "- Thời gian hoàn thành: Trong tháng 8/2025".
_FIELD = re.compile(
    r"^(?:(?P<lead>(?:đơn vị|cơ quan)\s+chủ trì(?:\s+thực hiện)?)|(?P<coord>(?:đơn vị|cơ quan)\s+phối hợp)"
    r"|(?P<due>thời (?:gian|hạn)(?:\s+(?:hoàn thành|thực hiện|triển khai))?|tiến độ(?:\s+thực hiện)?))"
    r"\s*:\s*(?P<value>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _read_field(st: _Reading, text: str, seg: str, a: int, b: int) -> bool:
    """A field line: its bodies or deadline go to the task above. False if not a field."""
    m = _FIELD.match(seg)
    if not m:
        return False
    value = m.group("value").strip(" .;")
    if m.group("due"):
        if st.groups:
            st.groups[-1].end = b
        return True
    bodies = split_actor_list(value) if value else []
    if m.group("coord"):
        if st.groups:
            st.groups[-1].coordinators += [x for x in bodies if _named(x)]
        return True
    task = text[: a].strip() or seg
    # the lead named here replaces actors the item only inherited
    st.groups = [g for g in st.groups if not g.inherited]
    if bodies:
        st.groups.append(_Group(_specific(bodies), LEAD, task, 0, b))
    return True


def _lead_deadline(seg: str) -> str:
    """``Trước ngày 15/12/2025, Sở X báo cáo …`` → ``Sở X báo cáo …`` (the deadline stays in the span)."""
    found = find_deadlines(seg)
    if found and found[0].span[0] == 0:
        rest = seg[found[0].span[1]:]
        if rest.lstrip().startswith(","):
            return rest.lstrip()[1:].lstrip()
    return seg


_BARE_DO = re.compile(r"^(?:(?:tổ chức|triển khai)\s+)?thực hiện\W*$", re.IGNORECASE)
_ADVERBIAL = re.compile(
    r"^(?:Căn cứ|Trên cơ sở|Theo|Để|Nhằm"
    # "Thực hiện Chương trình công tác năm 2025, Bộ X đề nghị …" gives the basis; "Thực hiện rà
    # soát …" is a task: only a document or a direction after it makes an opening adverbial
    r"|Thực hiện\s+(?:(?:các|những)\s+)?(?:Chương trình|Kế hoạch|Quyết định|Chỉ thị|Nghị quyết|Nghị định"
    r"|Thông tư|Công văn|Công điện|Thông báo|Kết luận|Luật|Đề án|văn bản|ý kiến|chỉ đạo|sự chỉ đạo"
    r"|nhiệm vụ được giao))\s", re.IGNORECASE)


def _after_adverbial(seg: str) -> str | None:
    """``Căn cứ nội dung Kế hoạch này, các sở, ban, ngành … xây dựng …`` → the sentence
    from its subject on: the first comma after which a body's name opens."""
    if not _ADVERBIAL.match(seg):
        return None
    for comma in re.finditer(r",\s+", seg):
        rest = seg[comma.end():]
        asked = _ASKS.match(rest)  # "Để hoàn thiện dự thảo, đề nghị các Bộ … góp ý"
        if asked:
            rest = rest[asked.end():]
        if _looks_like_body(rest):
            return rest
    return None


# "Đối với công tác giải phóng mặt bằng: Tập trung …", "Về hạng mục X: Giao Sở Y chủ trì …":
# a topic before a colon, then the sentence proper
_TOPIC_COLON = re.compile(r"^(?:Đối với|Về)\s+(?P<topic>[^:;.]{3,200}?)\s*:\s+(?=[A-ZĐÀ-Ỹ])")


def _after_topic(seg: str) -> str:
    """The sentence after an opening ``Đối với …:`` topic that is a matter, not a body."""
    m = _TOPIC_COLON.match(seg)
    if not m:
        return seg
    if _looks_like_body(m.group("topic")):
        return seg  # "Đối với các đơn vị sự nghiệp thuộc Sở X: …": the bodies a rule is about
    return seg[m.end():]


def _clause_groups(text: str, inherited: list[str], strong: bool = True) -> list[_Group]:
    """Who does what in one clause's text, sentence by sentence.

    ``inherited`` actors come from the headings above (``strong``) or, weakly,
    from the letter's request; ``Giao X …`` at an item's start names X only when
    no heading actor is there (under ``Sở NN&MT``, ``Yêu cầu các đơn vị …`` is
    the Sở's task).
    """
    st = _Reading(list(inherited), strong)
    for k, (a, b) in enumerate(_segments(text)):
        raw = text[a:b].strip()
        seg = _after_topic(_strip_bullet(raw))
        item = k == 0 or raw[:1] in "-–+•*" or text[a - 1 : a] == "\n"
        if seg.startswith("Trên đây là"):
            break  # the closing paragraph of the body
        intro = _intro_actors(seg)
        if _FORMULA.search(seg) or _SKIP_SENTENCE.match(seg) or intro is not None:
            st.pending = st.current = intro or st.current
            continue
        if _read_field(st, text, seg, a, b):
            continue
        split = _sentence_actor(st, _lead_deadline(seg), item)
        rest = None if split else _after_adverbial(seg)
        if rest:  # a subject after an opening adverbial; a mere class does not displace the heading's
            split = _requested(split_actor(rest))
            if split and st.current and all(is_generic_body(x) for x in split.actors):
                split = None
            elif split and _BARE_DO.match(split.predicate):
                split = None  # "Căn cứ nội dung văn bản, Sở X tổ chức thực hiện./.": a formula
        if split:
            _read_actor_sentence(st, split, a, b)
        # an item, or a later sentence that opens with a role: "…; chủ trì, phối hợp với …"
        elif st.current and (item or role_of(seg) in (LEAD, COORD, ADVISE)) and not _NOT_A_TASK.search(seg):
            st.groups.append(_group_for(st.current, seg, a, b))
            st.groups[-1].inherited = True
        elif st.groups:
            st.groups[-1].end = b  # a continuation: its deadline belongs to the last group
    return st.groups


# --- inherited actors -----------------------------------------------------------


_TOPIC = re.compile(r"^(?:Về|Đối với|Lĩnh vực)\s", re.IGNORECASE)


def _lead_line(text: str) -> str:
    """The line of a heading that may name actors: the first, or — under a topic title
    (``Về cải cách thể chế`` / ``Giao Sở Tư pháp chủ trì, …:``) — the line that
    introduces the items."""
    lines = [ln.strip() for ln in _nfc(text).split("\n") if ln.strip()]
    # an article's title over the line that introduces its items ("Trách nhiệm của UBND cấp
    # tỉnh" / "UBND các tỉnh, thành phố … có trách nhiệm:"): the nearer line names the actor
    if len(lines) == 2 and (_TOPIC.match(lines[0]) or _OWNER_HEADING.match(lines[0])) and lines[1].endswith(":"):
        return lines[1]
    return _INLINE_ITEM.split(lines[0] if lines else "")[0].strip()


def _heading_actors(text: str) -> list[str]:
    """Actors named by a heading or an introducing clause, else []."""
    first = _lead_line(text)
    if not first or _SKIP_HEADING.search(first[:40]):
        return []
    owner = _OWNER_HEADING.match(first)
    if owner:
        first = owner.group(1)
    first = _LEAD_IN.sub("", first, count=1)
    split = split_actor(first)
    if not split:
        return []
    pred = split.predicate
    # "X:", "X có trách nhiệm:", "X thực hiện các nhiệm vụ sau:" introduce items.
    if not pred or _RESPONSIBLE.fullmatch(pred) or first.rstrip().endswith(":") or text.rstrip().endswith(":"):
        # a heading that names only a class keeps it when the class is defined
        # ("Các cơ quan, đơn vị được kiểm tra:"), not a catch-all ("… có liên quan")
        # "Các sở, ban, ngành; UBND các xã, phường": a heading of classes only names each of
        # them; beside a named body ("Công an tỉnh và các địa phương") a class is dropped
        return _addressed(split.actors)
    return []


def _owner_title(text: str) -> list[str]:
    r"""The body an article's title gives its own text to, when text follows the title
    (``Trách nhiệm của Bộ Tài chính`` / ``Bố trí kinh phí …``), else [].

    >>> _owner_title("Trách nhiệm của Bộ Tài chính\nBố trí kinh phí thực hiện.")
    ['Bộ Tài chính']
    """
    lines = _nfc(text).split("\n", 1)
    if len(lines) < 2 or not lines[1].strip() or not _OWNER_HEADING.match(lines[0].strip()):
        return []
    return _heading_actors(lines[0])


def _blank_first_line(text: str) -> str:
    """``text`` with its first line (a title) blanked out; offsets into it stay those of ``text``."""
    first = text.split("\n", 1)[0]
    return " " * len(first) + text[len(first):]


def _is_actor_heading(text: str) -> bool:
    """``Bộ Kế hoạch và Đầu tư:``, ``Cục X có trách nhiệm:``, ``Trách nhiệm của Bộ Nội vụ``,
    ``Đối với UBND các tỉnh:`` — a heading, not a task."""
    first = _lead_line(text)
    if _OWNER_HEADING.match(first) and not _LEAD_IN.match(first):
        return bool(_heading_actors(first))
    split = split_actor(_LEAD_IN.sub("", first, count=1))
    if not split:
        return False
    pred = split.predicate.strip(" :")
    return not pred or bool(_RESPONSIBLE.fullmatch(pred + " ")) or bool(
        re.fullmatch(r"(?:thực hiện|triển khai)(?: tốt)? (?:các|một số) (?:nhiệm vụ|nội dung)(?: chủ yếu)? sau", pred)
    )


def _ancestors(clause: Clause, by_path: dict[str, Clause]) -> list[Clause]:
    """Enclosing clauses, innermost first, found by cutting the path."""
    out, path = [], clause.path
    while "." in path:
        path = path.rsplit(".", 1)[0]
        if path in by_path:
            out.append(by_path[path])
    return out


def _inherited(clause: Clause, by_path: dict[str, Clause]) -> list[str]:
    return _inherited_heading(clause, by_path)[0]


def _inherited_heading(clause: Clause, by_path: dict[str, Clause]) -> tuple[list[str], str]:
    """Actors of the nearest heading that names some, and the role it gives them:
    under ``3. Bộ Tài chính chủ trì, phối hợp với …:`` every item is the Bộ's lead."""
    texts = [p.text for p in _ancestors(clause, by_path)] + list(reversed(clause.heading))
    for text in texts:
        if _SKIP_HEADING.search(text[:40]):
            return [], DO
        actors = _heading_actors(text)
        if actors:
            return actors, _heading_role(text)
    return [], DO


def _heading_role(text: str) -> str:
    first = _LEAD_IN.sub("", _lead_line(text), count=1)
    split = split_actor(first)
    role = role_of(split.predicate) if split and split.predicate else DO
    return role if role in (LEAD, COORD) else DO


def _has_children(clause: Clause, by_path: dict[str, Clause]) -> bool:
    prefix = clause.path + "."
    return any(p.startswith(prefix) for p in by_path)


# --- tables -----------------------------------------------------------------

_COLUMN_WORDS: tuple[tuple[str, str], ...] = (
    ("no", r"^(?:tt|stt|số tt|số thứ tự)$"),
    ("lead", r"chủ trì"),
    ("coord", r"phối hợp"),
    ("due", r"thời gian|thời hạn|tiến độ|hoàn thành"),
    ("task", r"nhiệm vụ|nội dung|công việc|hoạt động"),
)


def _own_task_columns(header: Sequence[str]) -> dict[str, int] | None:
    """Fallback for ``ingest.tables.task_columns``: which column holds what."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        low = re.sub(r"\s+", " ", _nfc(cell)).strip(" *").lower()
        for name, rx in _COLUMN_WORDS:
            if name not in cols and re.search(rx, low):
                cols[name] = i
                break
    return cols if "lead" in cols else None


def _task_columns(header: Sequence[str]) -> dict[str, int] | None:
    try:
        from ingest.tables import task_columns
    except ImportError:
        return _own_task_columns(header)
    return task_columns(tuple(header)) or _own_task_columns(header)


def _row_columns(row: Clause, doc: Document) -> tuple[dict[str, int] | None, tuple[str, ...]]:
    """Column map of the table this row belongs to, and its header row (empty when guessed)."""
    for table in doc.tables:
        if any(tuple(r) == tuple(row.cells) for r in table.rows):
            cols = _task_columns(table.header) if table.header else None
            if cols:  # the header the parser read the rows under (two header rows, a continuation)
                return cols, table.header
            for r in table.rows:
                cols = _task_columns(r)
                if cols:
                    return cols, tuple(r)
    return _guess_columns(row.cells), ()


def _column_role(header: Sequence[str], cols: dict[str, int]) -> str:
    """The role of the bodies in the lead column: ``Cơ quan chủ trì`` leads; a column headed
    ``Trách nhiệm thực hiện`` / ``Đơn vị thực hiện`` beside no coordination column carries out."""
    i = cols.get("lead")
    head = _nfc(header[i]).lower() if header and i is not None and i < len(header) else ""
    if not head or "chủ trì" in head or "coord" in cols:
        return LEAD
    return DO if "thực hiện" in head else LEAD


def _column_year(header: Sequence[str], cols: dict[str, int], doc_date: date | None) -> date | None:
    """The date a day without a year in the time column is read against: the header's
    year (``Thời gian (Năm 2026)``) when it prints one, else the document's date."""
    i = cols.get("due")
    head = _nfc(header[i]) if header and i is not None and i < len(header) else ""
    m = re.search(r"[Nn]ăm\s+(\d{4})", head)
    if not m:
        return doc_date
    year = int(m.group(1))
    return doc_date if doc_date and doc_date.year == year else date(year, 1, 1)


def _guess_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """No header found: the first cell naming a body is the lead, the next the coordinators."""
    idx = [i for i, c in enumerate(cells) if _looks_like_body(c.strip())]
    if not idx or idx[0] == 0:
        return None
    cols = {"task": idx[0] - 1, "lead": idx[0]}
    if idx[0] + 1 < len(cells):
        cols["coord"] = idx[0] + 1
    cols["due"] = len(cells) - 1
    return cols


def _cell(cells: Sequence[str], cols: dict[str, int], name: str) -> str:
    i = cols.get(name)
    return _nfc(cells[i]).strip() if i is not None and i < len(cells) else ""


# --- records -----------------------------------------------------------------


def _doc_province(doc: Document) -> str | None:
    """The province of a provincial issuer (``Ủy ban nhân dân tỉnh Lâm Đồng``), else None."""
    return province_of(doc.header.issuer) or province_of(doc.header.issuer_parent)


def _body_name(printed: str, text: str) -> str | None:
    """The printed actor trimmed to its name; None when what is left is not a body's name."""
    shown = _proper_case(display_body(trim_body(printed)), text)
    # a name in capitals (a heading) is checked as a name; a body's acronym (VTV, TTXVN) as it is
    check = shown[:1] + shown[1:].lower() if shown.isupper() and not is_body_acronym(shown) else shown
    return shown if is_well_formed_body(check) else None


def _record(doc: Document, clause: Clause, body: str, role: str, task: str,
            deadline: Deadline | None) -> Assignment | None:
    """One record, or None when ``body`` is a fragment rather than a body's name.
    A short name the document defined (``sau đây gọi tắt là Ban Chỉ đạo``) gets its full name."""
    body = _aliases(_nfc(doc.text)).get(body.strip().lower(), body) if body else body
    shown = _body_name(body, doc.text) if body else ""
    if shown is None:
        return None
    key = body_key(shown, _doc_province(doc)) if shown else ""
    return Assignment(
        file=doc.file,
        document=doc.name,
        clause=clause.path,
        label=clause.label,
        body=shown,
        body_key=key,
        role=role,
        task=re.sub(r"\s+", " ", task).strip()[:500],
        deadline_text=deadline.text if deadline else None,
        due=deadline.due if deadline else None,
        recurrence=deadline.recurrence if deadline else None,
        clause_text=clause.text,
        page=clause.page,
        province=split_body_key(key)[1],
        paragraph=clause.paragraph,
    )


def _proper_case(name: str, text: str) -> str:
    """``BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG`` (from a heading) → the document's own spelling."""
    if not name.isupper() or len(name) < 6:
        return name
    for m in re.finditer(re.escape(name), text, re.IGNORECASE):
        if not m.group(0).isupper():
            return m.group(0)
    return name


def _pairs(group: _Group) -> Iterable[tuple[str, str]]:
    for actor in group.actors:
        yield actor, group.role
    for body in group.coordinators:
        yield body, COORD
    for body in group.implied_leads:
        yield body, LEAD


# A letter's polite "you" ("đề nghị Quý cơ quan góp ý …", "Quý Bộ"): its Kính gửi recipients.
_YOU = re.compile(r"(?<![\wÀ-ỹ])(?:các\s+)?Quý\s+(?:[Cc]ơ quan|[Đđ]ơn vị|[Đđ]ịa phương|[Bb]ộ|[Ss]ở|[UỦuủ]y ban"
                  r"|Uỷ ban|[Bb]an|[Hh]ội|[Tt]ổ chức|[Vv]iện|[Tt]ập đoàn|[Cc]ông ty|[Tt]rường|[Cc]ục|[Tt]òa án)"
                  r"(?![\wÀ-ỹ])")


def addressed(text: str, recipients: Sequence[str]) -> str:
    """``text`` with a letter's polite "you" written out as the letter's recipients.

    >>> addressed("Đề nghị Quý cơ quan góp ý trước ngày 15/02/2025.",
    ...           ["Các Bộ, cơ quan ngang Bộ", "Ủy ban nhân dân các tỉnh"])
    'Đề nghị các Bộ, cơ quan ngang Bộ và Ủy ban nhân dân các tỉnh góp ý trước ngày 15/02/2025.'
    """
    if not recipients or not _YOU.search(text):
        return text
    names = [r[0].lower() + r[1:] if r.startswith(("Các ", "Những ")) else r for r in recipients]
    you = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return _YOU.sub(you, text)


def _letter_actors(doc: Document) -> list[str]:
    """Addressees of the letter's request: ``… kính đề nghị UBND các tỉnh … nội dung sau:``."""
    intro = [c for c in doc.clauses if c.kind == "preamble" and c.text.rstrip().endswith(":")]
    for clause in reversed(intro):
        text = addressed(clause.text, doc.header.recipients)
        ask = _INTRO_ASK.search(text)
        split = split_actor(text[ask.end() :]) if ask else None
        if split:
            return [x for x in split.actors if not x.lower().startswith(("các ", "những "))]
    return []


def _addressed(actors: list[str]) -> list[str]:
    """The actors a heading or a request names: each class when it names only classes (``các
    bộ, cơ quan ngang bộ; UBND các tỉnh``), else the named bodies; never a catch-all (``… có
    liên quan``)."""
    kept = actors if all(_is_class(x) for x in actors) else _specific(actors)
    return [x for x in kept if not re.search(r"liên\s+quan", x)]


def _recipients(text: str) -> list[tuple[str, str]]:
    """Bodies a report goes to so that they monitor (``để theo dõi``) or advise (``tham mưu``)."""
    out = []
    for m in _RECIPIENT.finditer(text):
        body, purpose = m.group("body").strip(" ,"), m.group("purpose")
        role = MONITOR if "theo dõi" in purpose else ADVISE if "tham mưu" in purpose else None
        if role and _looks_like_body(body) and not re.search(r"\d", body):
            out.append((body, role))
    return out


def _actorless(doc: Document, clause: Clause, text: str) -> list[Assignment]:
    """A deadline with no actor: ``Báo cáo … (trước ngày 15/6) gửi về X để theo dõi``."""
    deadlines = [d for d in find_deadlines(text, doc.header.date) if d.due]
    if not deadlines:
        return []
    owners = _recipients(text) or [("", DO)]
    return _kept(_record(doc, clause, body, role, text, d) for body, role in owners for d in deadlines)


def _clause_deadlines(text: str, doc_date: date | None) -> list[Deadline]:
    """Deadlines in a clause's sentences, plus the value of ``Thời gian hoàn thành: …``
    lines read as a table cell would be (``Năm 2026``, ``Quý IV/2026``)."""
    found = find_deadlines(text, doc_date)
    for a, b in _segments(text):
        m = _FIELD.match(_strip_bullet(text[a:b]).strip())
        if not m or not m.group("due"):
            continue
        at = a + text[a:b].find(m.group("value")) if m.group("value") else b
        for d in parse_deadlines(m.group("value"), doc_date):
            span = (at + d.span[0], at + d.span[1])
            if not any(x.span[0] < span[1] and span[0] < x.span[1] for x in found):
                found.append(replace(d, span=span))
    return sorted(found, key=lambda d: d.span)


# "Các thành viên Ban Chỉ đạo:", "Thành phần Tổ công tác gồm:": its items name members, not tasks
_MEMBERS = re.compile(r"^(?:(?:các\s+)?thành viên|thành phần)\b|\bgồm(?: có)?(?: các thành viên)?(?: sau)?\s*:$",
                      re.IGNORECASE)


def _clause_records(doc: Document, clause: Clause, by_path: dict[str, Clause],
                    letter: list[str]) -> list[Assignment]:
    if any(_SKIP_HEADING.search(h[:40]) for h in clause.heading[-1:]):
        return []
    if any(_MEMBERS.search(_lead_line(p.text)) for p in _ancestors(clause, by_path)[:1]):
        return []
    if clause.kind == "preamble" and clause.text.rstrip().endswith(":"):
        return []  # "… yêu cầu các cơ quan thực hiện một số nội dung sau:" introduces the items
    if clause.kind == "preamble" and _ENACTS.search(clause.text):
        return []  # "Bộ trưởng Bộ Nội vụ ban hành Thông tư …": the issuer enacting, not a task
    inherited, heading_role = _inherited_heading(clause, by_path)
    text = addressed(_nfc(clause.text), doc.header.recipients)
    if _is_actor_heading(text) and (_has_children(clause, by_path) or "\n" not in text):
        return []  # an actor heading: its items carry the tasks
    parents = _ancestors(clause, by_path)
    if inherited and parents and parents[0].text.rstrip().endswith(":") and not _heading_actors(parents[0].text):
        return []  # "đ) Phối hợp … chỉ đạo, hướng dẫn triển khai:" — its bullets detail the parent's task
    title = _owner_title(text)
    if title:  # "Điều 13. Trách nhiệm của Bộ Tài chính" over the article's own words
        inherited, heading_role = title, DO
        text = _blank_first_line(text)
    strong = bool(inherited)
    if not inherited and re.match(r"(?:[IVXL]+|\d+)(?:\.|~|$)", clause.path):
        inherited = letter  # items of the main body answer the letter's request
    groups = _clause_groups(text, inherited, strong)
    for g in groups:  # an item under "X chủ trì, phối hợp …:" is X's lead, not a bare task
        if g.inherited and g.role == DO and heading_role != DO:
            g.role = heading_role
    deadlines = _clause_deadlines(text, doc.header.date)
    out: list[Assignment] = []
    for g in groups:
        mine: list[Deadline | None] = [d for d in deadlines if g.start <= d.span[0] < g.end]
        for body, role in _pairs(g):
            out.extend(_kept(_record(doc, clause, body, role, g.task, d) for d in mine or [None]))
    if groups:
        out.extend(_kept(_record(doc, clause, body, role, text, None) for body, role in _recipients(text)))
    elif not inherited and clause.kind == "clause":
        out.extend(_actorless(doc, clause, text))
    return out


def _row_records(doc: Document, row: Clause) -> list[Assignment]:
    cols, header = _row_columns(row, doc)
    if not cols:
        return []
    cells = row.cells
    leads = split_actor_list(_cell(cells, cols, "lead"))
    specific = [b for b in leads if not is_generic_body(b)]
    leads = specific or leads
    coords = [display_body(b) for b in split_actor_list(_cell(cells, cols, "coord"), tidy=False) if _named(b)]
    task = _cell(cells, cols, "task")
    if not leads or not task or re.fullmatch(r"\(?\d+\)?|cơ quan chủ trì", leads[0].lower()):
        return []
    ref = _column_year(header, cols, doc.header.date)
    dues: list[Deadline | None] = list(cell_deadlines(_cell(cells, cols, "due"), ref))
    dues = dues or [None]
    pairs = [(b, _column_role(header, cols)) for b in leads] + [(b, COORD) for b in coords]
    intro, items = cell_items(task)
    if len(items) < 2:
        return _kept(_record(doc, row, b, r, task, d) for b, r in pairs for d in dues)
    out: list[Assignment] = []
    for k, item in enumerate(items):  # a cell listing several tasks: one record set per task
        own: list[Deadline | None] = [d for d in find_deadlines(item, ref) if d.due]
        # as many dates in the time column as tasks in the cell: the k-th date is the k-th task's
        mine = [dues[k]] if len(dues) == len(items) else own or dues
        text = f"{intro} {item}" if intro else item
        out.extend(_kept(_record(doc, row, b, r, text, d) for b, r in pairs for d in mine))
    return out


_CELL_ITEM = re.compile(r"^(?:[-–+•*]|[a-zđ]\)|\d{1,2}[.)])\s+(?=\S)")
# "… sau: - Rà soát …; - Đề xuất …": a PDF cell's lines joined; a marker after a sentence's end
_INLINE_CELL_ITEM = re.compile(r"(?<=[:;.])\s+(?:[-–+•]|[a-zđ]\))\s+(?=[A-ZĐÀ-Ỹ])")


def cell_items(task: str) -> tuple[str, list[str]]:
    r"""The intro and the tasks of a task cell that lists several, one per marked line
    (``-``, ``+``, ``•``, ``a)``, ``1.``); ``("", [task])`` when it lists fewer than two.

    >>> cell_items("Các nhiệm vụ sau:\n- Rà soát quy định;\n- Đề xuất sửa đổi\nLuật Đầu tư.")
    ('Các nhiệm vụ sau:', ['Rà soát quy định;', 'Đề xuất sửa đổi Luật Đầu tư.'])
    >>> cell_items("Rà soát quy định - Trung tâm Thông tin")
    ('', ['Rà soát quy định - Trung tâm Thông tin'])
    """
    lines = [ln.strip() for ln in _nfc(task).split("\n") if ln.strip()]
    if sum(1 for ln in lines if _CELL_ITEM.match(ln)) < 2:
        lines = [ln.strip() for ln in _INLINE_CELL_ITEM.sub("\n- ", _nfc(task)).split("\n") if ln.strip()]
    intro: list[str] = []
    items: list[list[str]] = []
    for line in lines:
        marker = _CELL_ITEM.match(line)
        if marker:
            items.append([line[marker.end():]])
        elif items:
            items[-1].append(line)
        else:
            intro.append(line)
    if len(items) < 2:
        return "", [task]
    return " ".join(intro), [" ".join(parts) for parts in items]


def _parent(path: str) -> str | None:
    return path.rsplit(".", 1)[0] if "." in path else None


def _field_items(clauses: Sequence[Clause]) -> tuple[dict[str, Clause], set[str]]:
    """Numbered field lists (``1. Tên nhiệm vụ: … 2. Cơ quan chủ trì: … 5. Thời gian hoàn
    thành: …``) read as one task: the first field clause carries all the fields' text,
    the others are absorbed."""
    siblings: dict[str, list[Clause]] = {}
    for c in clauses:
        parent = _parent(c.path)
        if c.kind == "clause" and parent is not None:
            siblings.setdefault(parent, []).append(c)
    merged: dict[str, Clause] = {}
    absorbed: set[str] = set()
    for group in siblings.values():
        fields = [_FIELD.match(_nfc(c.text).strip()) for c in group]
        if not any(m and m.group("lead") for m in fields) or len(group) < 2:
            continue
        text = "\n".join("- " + _nfc(c.text).strip() for c in group)
        merged[group[0].path] = replace(group[0], text=text)
        absorbed.update(c.path for c in group[1:])
    return merged, absorbed


def _kept(records: Iterable[Assignment | None]) -> list[Assignment]:
    return [r for r in records if r is not None]


def _dedupe(records: Iterable[Assignment], rows: frozenset[str] = frozenset()) -> list[Assignment]:
    """One record per (clause, body, role, deadline); in a table row (``rows``) per task as well,
    since its task cell may list several (:func:`cell_items`)."""
    seen: set[tuple[str, str, str, str, date | None, str]] = set()
    out = []
    for r in records:
        key = (r.clause, r.body_key, r.role, r.deadline_text or "", r.due, r.task if r.clause in rows else "")
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


# Addressed upward: a submission's or a conference paper's "Đề nghị Bộ X …" proposes, it assigns nothing.
_PROPOSING = frozenset({"Tờ trình", "Tham luận"})


def extract_assignments(doc: Document) -> list[Assignment]:
    """Every (body, role, task, deadline) the document assigns, in document order.

    Pure: reads only the ``Document``. A year-less day (``trước ngày 15/6``)
    takes the year of ``doc.header.date``.
    """
    if doc.header.doc_type in _PROPOSING:
        return []
    by_path = {c.path: c for c in doc.clauses if c.kind != "table_row"}
    letter = _letter_actors(doc)
    merged, absorbed = _field_items(doc.clauses)
    records: list[Assignment] = []
    for clause in doc.clauses:
        if clause.path in absorbed:
            continue
        clause = merged.get(clause.path, clause)
        if clause.kind == "table_row":
            records.extend(_row_records(doc, clause))
        elif clause.kind == "clause":
            records.extend(_clause_records(doc, clause, by_path, letter))
        else:
            records.extend(_clause_records(doc, clause, by_path, []))
    records = _with_reply_deadline(doc, [r for r in records if not _is_issuer(doc, r)])
    return _dedupe(records, frozenset(c.path for c in doc.clauses if c.kind == "table_row"))


# "Văn bản trả lời (đề nghị) gửi về Bộ X (qua Cục Y, …) trước ngày 24/12/2025": a letter's reply date
_REPLY = re.compile(
    r"^(?:[-–+•*]\s*)?(?:Văn bản|Báo cáo|Ý kiến|Kết quả|Hồ sơ|Đề nghị)[^.;:]{0,80}?\b(?:gửi|gởi)\s+(?:về\s+)?",
    re.IGNORECASE,
)
_LETTERS = frozenset({"Công văn", "Công điện"})


def _reply_deadline(doc: Document) -> Deadline | None:
    """The date a letter's answers are due, from a closing sentence with no actor of its own."""
    found: Deadline | None = None
    for sentence in re.split(r"(?<=[.;])\s+|\n", _nfc(doc.text)):
        if _REPLY.match(sentence.strip()):
            dated = [d for d in find_deadlines(sentence, doc.header.date) if d.due]
            found = dated[-1] if dated else found
    return found


def _with_reply_deadline(doc: Document, records: list[Assignment]) -> list[Assignment]:
    """In a letter, the reply date is the deadline of every request that prints none."""
    if doc.header.doc_type not in _LETTERS:
        return records
    reply = _reply_deadline(doc)
    if reply is None:
        return records
    return [replace(r, deadline_text=reply.text, due=reply.due, recurrence=reply.recurrence)
            if r.body and r.due is None and r.deadline_text is None else r for r in records]


_ALIAS = re.compile(
    r"\(\s*(?:sau đây\s+)?(?:gọi tắt|viết tắt|gọi chung|gọi)\s+là\s*:?\s*[“\"']?(?P<short>[^()“”\"']{2,60}?)[”\"']?\s*\)"
)


@lru_cache(maxsize=8)
def _aliases(text: str) -> dict[str, str]:
    """Short names a document defines for a body: ``Ban Chỉ đạo về dữ liệu tỉnh X (sau đây gọi
    tắt là Ban Chỉ đạo)`` → ``{"ban chỉ đạo": "Ban Chỉ đạo về dữ liệu tỉnh X"}``."""
    out: dict[str, str] = {}
    for m in _ALIAS.finditer(text):
        words = text[max(0, m.start() - 200): m.start()].split()
        for k in range(min(15, len(words)), 0, -1):
            name = " ".join(words[-k:])
            if name[:1].isupper() and is_well_formed_body(name):
                short = m.group("short").strip().lower()
                if short != name.lower() and len(short) < len(name):
                    out.setdefault(short, name)
                break
    return out



# Collegial issuers act through their documents: what they assign goes to others.
_COLLEGIAL = re.compile(r"^(?:Chính phủ|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\b")


def _is_issuer(doc: Document, record: Assignment) -> bool:
    """A collegial issuer speaking of itself (``Chính phủ thống nhất đánh giá``, ``UBND tỉnh
    yêu cầu các sở …``) assigns itself nothing. A ministry's plan may give the ministry a
    task, so only collegial issuers are dropped."""
    issuer = _nfc(doc.header.issuer or "")
    return bool(_COLLEGIAL.match(issuer)) and record.body_key == body_key(issuer, _doc_province(doc))
