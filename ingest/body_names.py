"""The grammar of a body's name: a head noun, its qualifier, and nothing after the verb.

A body is a public body or a group of them, named the way documents print it:

* an organisation head plus its qualifier — ``Sở Nội vụ``, ``Ủy ban nhân dân các xã,
  phường``, ``Ban Chỉ huy Bộ đội Biên phòng tỉnh``, ``Trung tâm Phục vụ hành chính công``;
* a group head — ``Các sở, ban, ngành thuộc tỉnh``, ``Các tổ chức, cá nhân được cấp
  giấy phép …`` (after ``các``/``những``, a class noun, then comma-joined class nouns);
* a title standing for its body — ``Chủ tịch UBND các xã``, ``Thủ trưởng cơ quan ngang bộ``;
* a known acronym — ``UBND tỉnh``, ``VTV``.

The name stops before the predicate. Body names capitalize the first word of their
specific part (``Ban Quản lý``, ``Cục Kiểm soát ô nhiễm``), so a verb-like word counts
as the predicate only in lower case; negation, modality and the copula (``không``,
``cần``, ``là``) always do. :func:`trim_body` cuts a candidate phrase to its name;
:func:`is_well_formed_body` says whether what is left is a name at all.

>>> trim_body("Sở Nội vụ không tiếp nhận bản giấy của các tài liệu kiểm chứng")
'Sở Nội vụ'
>>> is_well_formed_body("Trước ngày 05 của tháng liền kề")
False
>>> is_well_formed_body("Các hoạt động Thường xuyên y tế minh bạch, khoa học")
False
"""

from __future__ import annotations

import re
import unicodedata

from ingest.abbreviations import AGENCY_TABLE, spell_out
from ingest.deadlines import find_deadlines

__all__ = ["has_stray_number", "is_well_formed_body", "name_head", "standalone_name_at", "trim_body"]

# Organisation heads, longest first where one is a prefix of another.
_ORG_HEADS = (
    "Ủy ban nhân dân", "Ủy ban Mặt trận Tổ quốc", "Ủy ban", "Hội đồng nhân dân", "Hội đồng",
    "Bộ Chỉ huy", "Bộ Tư lệnh", "Bộ đội", "Bộ phận", "Bộ", "Sở", "Ban Chỉ huy", "Ban Chỉ đạo",
    "Ban Quản lý", "Ban", "Tổng cục", "Chi cục", "Cục", "Vụ", "Văn phòng", "Thanh tra",
    "Công an", "Cảnh sát", "Trung tâm", "Đài", "Báo", "Tạp chí", "Thông tấn xã", "Hội",
    "Liên đoàn", "Liên hiệp", "Liên minh", "Đoàn", "Mặt trận", "Viện Kiểm sát", "Viện",
    "Học viện", "Tòa án", "Kho bạc", "Ngân hàng", "Thuế", "Hải quan", "Chi nhánh", "Trường",
    "Đại học", "Bệnh viện", "Tổng công ty", "Công ty", "Tập đoàn", "Hợp tác xã", "Vườn quốc gia",
    "Khu bảo tồn", "Quân khu", "Bộ đội Biên phòng", "Cơ quan", "Đơn vị", "Tổ công tác", "Tổ",
    "Đoàn kiểm tra", "Đoàn công tác",
    "Thường trực", "Cơ sở", "Phòng", "Đồn", "Hạt Kiểm lâm", "Kiểm lâm", "Ủy ban Dân tộc",
    "Viễn thông", "Bưu điện",  # provincial units of VNPT and VNPost: "Viễn thông Lâm Đồng"
    # national bodies and funds whose head is not a word above
    "Viện kiểm sát", "Bảo hiểm xã hội", "Cảnh sát biển", "Quỹ", "Hiệp hội", "Kiểm toán",
)
# Heads that are a whole name by themselves.
_ALONE = (
    "Chính phủ", "Quốc hội", "Thủ tướng", "Thủ tướng Chính phủ", "Tỉnh đoàn", "Thành đoàn",
    "Tỉnh ủy", "Thành ủy", "Chủ đầu tư", "Bộ trưởng", "Các Bộ trưởng", "Kiểm toán Nhà nước",
)
# Titles that stand for the body they lead.
_TITLES = (
    "Thủ trưởng", "Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Tổng Giám đốc", "Bộ trưởng",
    "Thứ trưởng", "Trưởng ban", "Trưởng Ban", "Chánh Văn phòng", "Chánh Thanh tra",
    "Tổng cục trưởng", "Cục trưởng", "Vụ trưởng", "Thống đốc", "Tổng Thanh tra", "Trưởng",
    "Bí thư", "Người đứng đầu", "Lãnh đạo", "Chủ đầu tư",
)
# Heads whose own words already make them a body, so a lower-case qualifier may follow
# ("Ban Quản lý dự án", "Hội đồng thẩm định"). Other heads double as verbs or common
# nouns ("Thanh tra hoạt động đầu tư" inspects, "Tổ chức", "Báo cáo", "Phòng chống"):
# their qualifier opens with a capital, an acronym or a word of level or place.
_FREE_HEADS = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Hội đồng", "Ban Quản lý", "Ban Chỉ đạo", "Ban Chỉ huy",
    "Bộ Chỉ huy", "Bộ Tư lệnh", "Tổ công tác", "Đoàn kiểm tra", "Đoàn công tác", "Vườn quốc gia",
    "Viện Kiểm sát", "Viện kiểm sát", "Ủy ban Mặt trận Tổ quốc", "Hạt Kiểm lâm",
)
_LEVEL_RX = re.compile(
    r"^(?:tỉnh|thành phố|huyện|xã|phường|quận|thị xã|đặc khu|cấp|các|nhân dân|quốc gia|trung ương"
    r"|khu vực|và|thường trực|quân sự|ngang|thuộc|trực thuộc|liên ngành|chuyên môn|chức năng|số"
    r"|tối cao|địa phương|Nhà nước|nhà nước)(?![\wÀ-ỹ])"
)
# Class nouns after "các"/"những": "các sở, ban, ngành", "các tổ chức, cá nhân".
_CLASSES = (
    "bộ", "sở", "ban", "ngành", "cơ quan", "đơn vị", "địa phương", "tổ chức", "cá nhân", "hội",
    "đoàn thể", "thành viên", "công ty", "doanh nghiệp", "chủ", "cấp", "ủy ban", "xã", "phường",
    "huyện", "tỉnh", "lực lượng", "chi cục", "cục", "vụ", "trường", "viện", "trung tâm",
    "hợp tác xã", "cơ sở", "nhà", "tổ công tác", "tổ chuyên", "đài", "báo", "bộ trưởng", "thủ trưởng", "chủ tịch",
    "ban quản lý", "đặc khu", "đội", "đoàn", "văn phòng", "ngân hàng", "phòng", "đồn", "hạt",
    "cảng vụ", "tập đoàn", "tổng công ty", "quận", "thị xã", "thành phố", "chủ đầu tư",
)
_ACRONYMS = frozenset({"UBND", "HĐND", "BCĐ", "BCH", "VTV", "VOV", "TTXVN", "MTTQ", "BQL", "VPCP"})
_MINISTRIES = frozenset({
    "quốc phòng", "công an", "ngoại giao", "nội vụ", "tư pháp", "tài chính", "công thương",
    "nông nghiệp và môi trường", "xây dựng", "văn hóa thể thao và du lịch", "khoa học và công nghệ",
    "giáo dục và đào tạo", "y tế", "dân tộc và tôn giáo", "kế hoạch và đầu tư",
    "tài nguyên và môi trường", "nông nghiệp và phát triển nông thôn", "giao thông vận tải",
    "thông tin và truyền thông", "lao động - thương binh và xã hội", "lao động thương binh và xã hội",
    "văn hóa - thông tin", "bưu chính viễn thông", "thủy sản", "thương mại", "công nghiệp",
})
# Words that open the predicate (or a new clause): never part of a name in lower case.
_PREDICATE = (
    "không", "chưa", "đã", "đang", "sẽ", "cần", "phải", "hãy", "nên", "là", "chủ trì", "phối hợp",
    "thực hiện", "tham mưu", "đôn đốc", "theo dõi", "triển khai", "báo cáo", "có trách nhiệm",
    "chịu trách nhiệm", "tiếp nhận", "gửi", "đề xuất", "đề nghị", "yêu cầu", "ban hành",
    "hoàn thành", "khẩn trương", "chủ động", "tăng cường", "tiếp tục", "rà soát", "hướng dẫn",
    "tổng hợp", "cung cấp", "nộp", "tập trung", "quán triệt", "đẩy mạnh", "nâng cao",
    "bảo đảm", "đảm bảo", "cập nhật", "bố trí", "tiến hành", "xem xét", "để", "nhằm", "về việc",
    "trong việc", "trong đó", "đối với", "theo chức năng", "có ý kiến", "kịp thời", "thường xuyên",
    "định kỳ", "hằng năm", "hàng năm", "mô tả", "liên hệ", "đồng thời", "giao", "chỉ đạo", "kiểm tra", "nơi",
    "thành lập",
)
_PREDICATE_RX = re.compile(
    # "ngoại giao", "bàn giao", "chuyển giao": the verb is half of a compound noun
    # "đơn vị được kiểm tra": after "được"/"bị" the verb is a passive qualifier of the name
    r"(?<![\wÀ-ỹ])(?<![Nn]goại )(?<![Bb]àn )(?<![Cc]huyển )(?<!được )(?<!bị )(?:"
    + "|".join(sorted(map(re.escape, _PREDICATE), key=len, reverse=True))
    + r")(?![\wÀ-ỹ])"
)
# A name does not end on a word that needs a complement.
_DANGLING = frozenset({
    "và", "các", "những", "của", "với", "cho", "được", "là", "thuộc", "trực", "tại", "để", "có",
    "nơi", "theo", "về", "trong", "nhân", "ngang", "cấp", "thành", "hoặc", "từ", "đến", "ở",
})
_TITLE_TAIL = re.compile(
    r"\s+[-–]\s+(?:Phó\s+|Ủy viên\s+)?(?:Trưởng|Thường trực|[Cc]ơ quan thường trực|Chủ tịch|Ủy viên)\b.*$"
)
_WORD = r"[\wÀ-ỹ]+"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _alternation(words: tuple[str, ...], flags: str = "") -> re.Pattern[str]:
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"{flags}^(?:{body})(?![\wÀ-ỹ])")


_ORG_RX = _alternation(_ORG_HEADS)
_TITLE_RX = _alternation(_TITLES)
_ALONE_RX = re.compile(r"^(?:" + "|".join(map(re.escape, _ALONE)) + r")$")
_ALONE_AT = _alternation(_ALONE)


def standalone_name_at(text: str) -> str | None:
    """The name ``text`` opens with when it is one of the heads that are a whole name by
    themselves (``Kiểm toán Nhà nước``, ``Tỉnh đoàn``), else None.

    >>> standalone_name_at("Kiểm toán Nhà nước phải làm gì?"), standalone_name_at("Tỉnh đoànkết") is None
    ('Kiểm toán Nhà nước', True)
    """
    m = _ALONE_AT.match(_nfc(text))
    return m.group(0) if m else None
_CLASS_RX = _alternation(_CLASSES, "(?i)")
_GROUP_RX = re.compile(r"^(?:[Cc]ác|[Nn]hững)\s+")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", _nfc(text)).strip()
    text = re.sub(r"^[-–+•*]\s*", "", text)
    text = text.replace("Uỷ ban", "Ủy ban").replace("Toà án", "Tòa án")
    text = re.sub(r"^Vu(?= [A-ZĐ])", "Vụ", text)  # a dropped dot under the head (30_ III.5)
    return text.strip(" .,;:")


def name_head(name: str) -> tuple[str, int] | None:
    """``(kind, end)`` of a name's head: kind is ``org``, ``group``, ``title`` or ``acronym``,
    ``end`` where the head stops in the tidied name; None when there is no head.

    >>> name_head("Các sở, ban, ngành thuộc tỉnh")
    ('group', 6)
    >>> name_head("Trước ngày 05 của tháng liền kề") is None
    True
    """
    text = _tidy(name)
    group = _GROUP_RX.match(text)
    if group:
        rest = text[group.end():]
        m = _CLASS_RX.match(rest) or _ORG_RX.match(rest) or _TITLE_RX.match(rest)
        return ("group", group.end() + m.end()) if m else None
    word = re.split(r"[\s,(]", text, maxsplit=1)[0]
    if word in _ACRONYMS or (word.isupper() and len(word) >= 2 and spell_out(word, AGENCY_TABLE) != word):
        return "acronym", len(word)
    for kind, rx in (("title", _TITLE_RX), ("org", _ORG_RX)):
        m = rx.match(text)
        if m:
            return kind, m.end()
    return None


def _outside_parens(text: str) -> str:
    return re.sub(r"\([^()]*\)", " ", text)


def _list_continues(rest: str) -> bool:
    """In ``các sở, ban, ngành …``, each comma right after the class joins another class."""
    stripped = rest.strip()
    if not stripped.startswith(","):
        return True
    for item in re.split(r"\s*,\s*", stripped)[1:]:
        item = re.sub(r"^(?:và\s+)?(?:các\s+)?", "", item.strip())
        m = _CLASS_RX.match(item)
        if not m:
            return False
        if item[m.end():].strip():  # the class list ends here; its qualifier follows
            return True
    return True


def _second_body(rest: str) -> bool:
    """``Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh``: two bodies, not one name."""
    for piece in re.split(r",\s*|\s+và\s+", rest)[1:]:
        piece = piece.strip()
        head = _ORG_RX.match(piece) or _TITLE_RX.match(piece)
        # A bare head word ends a name's own list of fields ("Cục Lâm nghiệp và Kiểm lâm");
        # a second body carries a qualifier of its own ("Tòa án nhân dân tỉnh").
        if piece[:1].isupper() and head and piece[head.end():].strip():
            return True
    return False


def _ministry_ok(text: str) -> bool:
    """``Bộ X`` names a ministry (current or former); ``Bộ Ngoại`` is a cut fragment."""
    m = re.match(r"^Bộ\s+(.+)$", _outside_parens(text).strip())
    if not m:
        return True
    words = spell_out(m.group(1), AGENCY_TABLE).lower()
    words = re.sub(r"[,.]", " ", words).replace("văn hoá", "văn hóa")
    words = re.sub(r"\s+", " ", words).strip()
    return words in _MINISTRIES


def is_well_formed_body(name: str) -> bool:
    """Is this a well-formed name of a public body or group of bodies?

    >>> is_well_formed_body("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương")
    True
    >>> is_well_formed_body("Sở Nội vụ không tiếp nhận bản giấy của các tài liệu kiểm chứng")
    False
    >>> is_well_formed_body("Bộ Ngoại")
    False
    >>> is_well_formed_body("Cục Lâm nghiệp và Kiểm lâm")
    True
    """
    text = _tidy(name)
    if _ALONE_RX.match(text):
        return True
    head = name_head(text)
    if not text or head is None or text.count("(") != text.count(")"):
        return False
    kind, end = head
    rest = _outside_parens(text[end:])
    if not rest.strip():
        return kind in ("group", "acronym") or _ALONE_RX.match(text) is not None
    shared = re.match(r"\s+và\s+(?=[A-ZĐÀ-Ỹ])", rest) if kind == "org" else None
    second = rest[shared.end():] if shared else ""
    if second and (name_head(second) or ("",))[0] == "org":
        return is_well_formed_body(second)  # "Báo và Đài Phát thanh, Truyền hình X": one qualifier
    if kind == "acronym" and spell_out(text[:end], AGENCY_TABLE) == text[:end]:
        return False  # "VOV, truyền trong": an acronym that is not a head takes no qualifier
    if kind == "org" and not _opens_qualifier(text[:end], rest):
        return False
    if kind == "title" and rest.startswith(",") and (name_head(rest.strip(" ,")) or ("",))[0] == "title":
        # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ": a bare title shares the next one's qualifier
        return is_well_formed_body(rest.strip(" ,"))
    return _qualifier_ok(text, rest, kind)


def _opens_qualifier(head: str, rest: str) -> bool:
    """Does ``rest`` open the qualifier of a name with this head (see :data:`_FREE_HEADS`)?"""
    first = rest.strip()
    if head in _FREE_HEADS or not first or first[:1] in ",(":
        return True
    word = first.split()[0]
    return word[:1].isupper() or _LEVEL_RX.match(first) is not None


_NUMBERED = re.compile(
    # "Ban Quản lý dự án … số 1", "phường 2", "xã Bảo Lâm 2", "Vùng Cảnh sát biển 3", "khu vực XIII"
    r"(?:(?<=số )|(?<=khu vực )|(?<=phường )|(?<=quận )|(?<=[A-ZĐÀ-Ỹa-zđà-ỹ] ))\d{1,2}(?![\d/.,:]|\s*(?:tháng|năm|giờ|ngày))"
)


def has_stray_number(text: str) -> bool:
    """Digits other than a unit's number (``số 1``, ``phường 2``): a date, a count, a figure.

    >>> has_stray_number("Ủy ban nhân dân phường 2 Bảo Lộc"), has_stray_number("Thanh tra tỉnh: 01 cuộc")
    (False, True)
    """
    return re.search(r"\d", _NUMBERED.sub("", text)) is not None


def _qualifier_ok(text: str, rest: str, kind: str) -> bool:
    bare = _outside_parens(text)
    words = bare.split()
    if len(words) > 30 or re.search(r"[:;?!]|\.\s|\.$", bare):
        return False
    if _PREDICATE_RX.search(rest) or find_deadlines(bare) or re.search(r"\b(?:ngày|tháng|năm|quý)\s+\d", bare):
        return False
    if has_stray_number(bare):
        return False
    if words[-1].lower() in _DANGLING and " ".join(words[-2:]).lower() != "thường trực":
        return False
    if kind == "group" and not _list_continues(rest):
        return False
    if kind != "group" and _second_body(rest):
        return False
    org = _ORG_RX.match(text) if kind == "org" else None
    return _ministry_ok(text) if org and org.group(0) == "Bộ" else True


def trim_body(candidate: str) -> str:
    """The name at the start of ``candidate``: cut before the predicate, a deadline,
    a title after a dash, a clause punctuation, and any dangling word; a trailing
    parenthesis is kept only when it names a body.

    >>> trim_body("Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng là cơ quan phối hợp")
    'Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng'
    >>> trim_body("Bộ Tư pháp (đối với các nội dung liên quan đến thủ tục hành chính)")
    'Bộ Tư pháp'
    >>> trim_body("Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)")
    'Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)'
    """
    text = _tidy(candidate)
    head = name_head(text)
    if head is None:
        return text
    text = _TITLE_TAIL.sub("", text)
    start = head[1]
    cuts = [len(text)]
    pred = _PREDICATE_RX.search(_mask_parens(text), start)
    if pred:
        cuts.append(pred.start())
    punct = re.search(r"[:;]|\.(?:\s|$)", _mask_parens(text[start:]))
    if punct:
        cuts.append(start + punct.start())
    found = find_deadlines(text[start:])
    if found:
        cuts.append(start + found[0].span[0])
    text = text[: min(cuts)].strip(" ,;:-–")
    text = _drop_note(text)
    words = text.split()
    while len(words) > 1 and words[-1].lower().strip(",") in _DANGLING:
        words.pop()
    return " ".join(words).strip(" ,;:-–")


def _mask_parens(text: str) -> str:
    """Blank parenthesised text so that a note's verbs do not cut the name before it."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)


def _drop_note(text: str) -> str:
    """``Bộ Tư pháp (đối với …)`` → ``Bộ Tư pháp``; an unclosed ``(`` is dropped too."""
    open_at = text.rfind("(")
    if open_at > 0 and ")" not in text[open_at:]:
        text = text[:open_at].rstrip()
    m = re.search(r"\s*\(([^()]*)\)\s*$", text)
    # "(cũ)", "(mới)": the former and the merged body are two bodies, the note stays
    if m and name_head(m.group(1)) is None and m.group(1).strip().lower() not in ("cũ", "mới"):
        text = text[: m.start()].rstrip()
    return text
