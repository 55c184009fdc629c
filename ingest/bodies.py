"""Names of agencies (cơ quan, đơn vị): one key for every printed variant.

Documents write the same body many ways: ``UBND tỉnh``, ``Ủy ban nhân dân tỉnh``,
``Uỷ ban nhân dân tỉnh Lào Cai``; ``Bộ TN&MT``, ``Bộ Tài nguyên và Môi trường``;
``SCT``, ``Sở Công thương``. :func:`canonical_body` maps them to one key,
:func:`display_body` tidies the printed form, :func:`split_actor_list` cuts a
list of actors into single bodies and :func:`body_matches` answers
``vanban tasks --body``.

>>> canonical_body("Uỷ ban MTTQ Việt Nam tỉnh") == canonical_body("Ủy ban Mặt trận Tổ quốc tỉnh")
True
>>> split_actor_list("Sở Tài chính, Sở Xây dựng và UBND các xã")
['Sở Tài chính', 'Sở Xây dựng', 'UBND các xã']
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ingest.abbreviations import AGENCY_TABLE, spell_out
from ingest.body_names import is_well_formed_body, name_head, trim_body
from ingest.normalize import fold, is_unaccented

__all__ = [
    "body_key",
    "body_matches",
    "expand_abbreviations",
    "is_provincial",
    "is_well_formed_body",
    "labelled_body",
    "province_of",
    "split_body_key",
    "trim_body",
    "is_body_acronym",
    "canonical_body",
    "display_body",
    "is_generic_body",
    "split_actor_list",
]

# Old-style tone placement (hoà, uỷ, khoẻ) → new style (hòa, ủy, khỏe) at syllable end.
_TONE_MAP = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RX = re.compile(r"(" + "|".join(_TONE_MAP) + r")(?![a-zà-ỹđ])")
_PLACE_RX = re.compile(
    r"\s+(tỉnh|thành phố)\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*\s*$"
)
# Capitalized words that start a new body inside a list ("Sở Xây dựng và UBND các xã");
# case matters: "báo chí" or "ban, ngành" in lower case continue the previous item.
_HEADS = (
    "Bộ", "Sở", "Cục", "Chi cục", "Tổng cục", "Vụ", "Ban", "Ủy ban", "Uỷ ban", "Hội đồng",
    "Công an", "Bộ Chỉ huy", "Thanh tra", "Thuế", "Viện", "Trung tâm", "Văn phòng", "Đài",
    "Báo", "Tạp chí", "Hội", "Liên minh", "Tỉnh đoàn", "Trường", "Công ty", "Vườn", "Các",
    "Kho bạc", "Ngân hàng", "Giám đốc", "Thủ trưởng", "Chủ tịch", "Chánh", "Cục trưởng",
    "Vụ trưởng", "Bộ trưởng", "Mặt trận", "Chính phủ", "Thủ tướng", "Thường trực",
    "các", "những", "Những", "cơ quan", "đơn vị", "chính quyền",
    "Đoàn", "Liên đoàn", "Tập đoàn", "Tổng công ty", "Bệnh viện", "Học viện", "Tòa án", "Toà án",
    "Cảnh sát", "Bộ đội", "Hải quan", "Đại học", "Kiểm toán", "Thông tấn xã", "Liên hiệp",
    "Viễn thông", "Bưu điện",
)
_HEAD_RX = re.compile(r"^(?:" + "|".join(re.escape(h) for h in _HEADS) + r")(?=[\s,:;]|$)")
_PREFIX_LIST_RX = re.compile(r"^(?:các\s+)?(bộ|sở|cục|vụ)\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
# "UBND các xã: Đức Trọng, Hiệp Thạnh": one head and level, then the places' names
_UNITS = r"xã|phường|huyện|quận|thị xã|thành phố|tỉnh|đặc khu"
_UNIT_LIST_RX = re.compile(
    r"^(?P<head>\S.*?)\s+các\s+(?P<unit>" + _UNITS + r")\s*:\s*(?P<names>[A-ZĐÀ-Ỹ].*)$", re.DOTALL
)
_CLASS = r"(?:bộ|ngành|sở|ban|cơ\s+quan|đơn\s+vị|địa\s+phương|tổ\s+chức|cấp|chính\s+quyền(?:\s+địa\s+phương)?)"
_GENERIC_RX = re.compile(
    r"liên\s+quan|^(?:các\s+|những\s+)?(?:cơ\s+quan|đơn\s+vị|tổ\s+chức)"
    r"(?:\s*,|\s+(?:chức\s+năng|chuyên\s+môn|trực\s+thuộc|thuộc|được\s+giao)\b|\s*$)"
    # a bare plural class: "các Bộ", "các bộ, ngành, địa phương", "các cấp, các ngành"
    r"|\bcác\s+địa\s+phương$|^(?:các|những)\s+" + _CLASS + r"(?:(?:\s*,\s*|\s+và\s+)(?:các\s+)?" + _CLASS + r")*$",
    re.IGNORECASE,
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def expand_abbreviations(text: str) -> str:
    """Spell out the abbreviations of agency names (table: :data:`ingest.abbreviations.AGENCIES`).

    >>> expand_abbreviations("Bộ TN&MT")
    'Bộ Tài nguyên và Môi trường'
    """
    return spell_out(text, AGENCY_TABLE)


# Pure, and asked for the same few hundred names by every question (each body of the
# index against the question): remembered, it costs a dict lookup instead of ~0.1 s a question.
@functools.lru_cache(maxsize=1 << 16)
def canonical_body(name: str) -> str:
    """A key equal for every variant of a body's name.

    Expands abbreviations, unifies tone placement (Uỷ/Ủy, Hoà/Hòa), case,
    punctuation, ``Việt Nam`` after ``Mặt trận Tổ quốc`` and the place name
    after ``tỉnh`` (``Sở Công Thương tỉnh Lào Cai`` → ``sở công thương``).

    >>> canonical_body("UBND tỉnh Lào Cai")
    'ủy ban nhân dân tỉnh'
    >>> canonical_body("SCT") == canonical_body("Sở Công thương")
    True
    >>> canonical_body("UBND các tỉnh, thành phố trực thuộc Trung ương") == canonical_body("UBND cấp tỉnh")
    True
    """
    text = expand_abbreviations(name)
    # "Lãnh đạo Sở Y tế" (the Sở's leadership) answers for the Sở: one key for both
    text = re.sub(r"^\s*[Ll]ãnh đạo\s+(?=[A-ZĐÀ-Ỹ])", "", text)
    text = _PLACE_RX.sub(lambda m: " " + m.group(1), text.strip(" .,;:"))
    text = text.lower()
    text = _TONE_RX.sub(lambda m: _TONE_MAP[m.group(1)], text)
    # a note in brackets (a unit that carries the task out, an alias) is not the body's name
    text = re.sub(r"\s*\([^()]*\)", " ", text) if not text.lstrip().startswith("(") else text
    text = re.sub(r"[“”\"'().,;:]", " ", text)
    text = re.sub(r"\s*[-–]\s*", " - ", text)
    text = re.sub(r"(mặt trận tổ quốc) việt nam", r"\1", text)
    text = text.replace("tài nguyên môi trường", "tài nguyên và môi trường")
    text = re.sub(r"^vu ", "vụ ", text)  # "Vu Kế hoạch - Tài chính": a dropped dot in the source
    text = re.sub(r"\s+", " ", text).strip(" -")
    if text.startswith(("sở ", "cục ", "chi cục ")):
        text = re.sub(r" (tỉnh|thành phố)$", "", text)
    for rx, repl in _GROUP_EQUIVALENTS:
        text = rx.sub(repl, text)
    # "các cơ quan, đơn vị, địa phương trên địa bàn tỉnh": the document's own area, no new set
    return re.sub(r"(?<=\S) (?:đóng )?trên địa bàn(?: (?:tỉnh|thành phố|huyện|xã|phường))?$", "", text)


# One set of bodies, several group names: every province-level "thành phố" is
# "trực thuộc trung ương", so the words add nothing; "cấp tỉnh" names the same set
# as "các tỉnh, thành phố" (applied to canonical text: no commas, lower case).
_GROUP_EQUIVALENTS = (
    (re.compile(r"\bcác tỉnh ?/ ?thành phố\b"), "các tỉnh thành phố"),
    (re.compile(r"\b(các tỉnh thành phố) trực thuộc trung ương$"), r"\1"),
    (re.compile(r"^(ủy ban nhân dân|chủ tịch ủy ban nhân dân) cấp tỉnh$"), r"\1 các tỉnh thành phố"),
    # "UBND tỉnh, thành phố (trực thuộc trung ương)": two levels listed, the same plural set
    (re.compile(r"^(ủy ban nhân dân|chủ tịch ủy ban nhân dân) tỉnh thành phố(?: trực thuộc trung ương)?$"),
     r"\1 các tỉnh thành phố"),
)


def display_body(printed: str) -> str:
    """The printed name, tidied: spaces, stray punctuation, leading dash.

    >>> display_body("  - Sở Công Thương;")
    'Sở Công Thương'
    """
    text = re.sub(r"\s+", " ", _nfc(printed)).strip()
    text = re.sub(r"^[-–+•*]\s*", "", text)
    text = text.strip(" .,;:")
    return text[:1].upper() + text[1:]


def is_generic_body(name: str) -> bool:
    """True for catch-all actors: ``các cơ quan liên quan``, ``các Bộ, ngành liên quan``."""
    return bool(_GENERIC_RX.search(_nfc(name).strip()))


def _starts_body(piece: str) -> bool:
    """Does this list piece begin a new body (head word or an acronym like VTV)?"""
    word = piece.split(" ", 1)[0] if piece else ""
    if is_body_acronym(word):
        return True
    # any capitalized head of the name grammar: "…, Tòa án nhân dân tỉnh", "…, Trưởng Ban …"
    if bool(_HEAD_RX.match(piece)) or (piece[:1].isupper() and name_head(piece) is not None):
        return True
    # a head of several words opens a body in lower case too: "Các bộ, cơ quan, ủy ban nhân dân các tỉnh"
    head = name_head(piece[:1].upper() + piece[1:]) if piece[:1].islower() else None
    return head is not None and head[0] == "org" and " " in piece[:head[1]] and not _GROUP_MEMBER.match(piece)


_KNOWN_ACRONYMS = frozenset({"VTV", "VOV", "TTXVN", "BQL", "BCH", "BCĐ", "UBND", "HĐND"})


def is_body_acronym(word: str) -> bool:
    """``UBND``, ``SCT``, ``VTV`` name bodies; other capitals (``TKCN``, ``VLNCN``) do not."""
    word = word.strip(" ,;:.")
    return len(word) >= 2 and word.isupper() and (
        word in _KNOWN_ACRONYMS or expand_abbreviations(word) != word
    )


def _continues_class(prev: str, piece: str) -> bool:
    """``các Bộ, cơ quan liên quan``: a generic tail after a bare class word joins it."""
    return (
        piece[:1].islower()
        and not piece.startswith(("các ", "những "))
        and is_generic_body(piece)
        and re.search(r"(?:cơ quan|đơn vị|bộ|ngành|sở)$", prev, re.IGNORECASE) is not None
    )


# lower-case class nouns that add members to a group ("Các bộ, cơ quan ngang bộ");
# "ủy ban nhân dân các tỉnh" after "Các bộ, cơ quan," is a body of its own
_GROUP_MEMBER = re.compile(r"(?:cơ quan|đơn vị|ngành|ban|địa phương|tổ chức|đoàn thể|cấp)(?![\wÀ-ỹ])")


def _shares_words(prev: str, piece: str) -> bool:
    """A group or a title reaches over the comma that follows it.

    ``Các bộ, cơ quan ngang bộ``: a lower-case class noun after a group (or a title)
    names more members of the same group, not a second body. ``Bộ trưởng, Thủ trưởng
    cơ quan ngang bộ``: a bare title shares the qualifier of the title after it.
    """
    head = name_head(prev)
    if head is None or head[0] not in ("group", "title"):
        return False
    if piece[:1].islower():
        return _GROUP_MEMBER.match(piece) is not None
    bare = not prev[head[1]:].strip()
    nxt = name_head(piece)
    return bare and nxt is not None and nxt[0] == "title"


def _split_on_and(piece: str) -> list[str]:
    """Split on ``và`` only where a new body starts after it."""
    parts = re.split(r"\s+và\s+", piece)
    out = [parts[0]]
    for part in parts[1:]:
        head = name_head(part)
        bare = head is not None and not part[head[1]:].strip()  # "Cục Lâm nghiệp và Kiểm lâm"
        before = name_head(out[-1])
        # "Báo và Đài Phát thanh, Truyền hình X": two heads share one qualifier, one body
        shared = before is not None and not out[-1][before[1]:].strip()
        if ((_starts_body(part) and not bare) or is_generic_body(part)) and not shared:
            out.append(part)
        else:
            out[-1] += " và " + part
    return out


def _plural_list(text: str) -> re.Match[str] | None:
    """``các Bộ Tài nguyên và Môi trường, Nông nghiệp …, Tư pháp``: one head, many names."""
    m = re.match(r"^(?:các|Các)\s+(Bộ|Sở)\s+([A-ZĐÀ-Ỹ].*)$", text)
    if not m:
        return None
    items = re.split(r"\s*,\s*", m.group(2))
    if len(items) > 1 and all(i[:1].isupper() and not _starts_body(i) for i in items[1:]):
        return m
    return None


def split_actor_list(text: str, tidy: bool = True) -> list[str]:
    """Single bodies named in a list of actors, in printed order.

    >>> split_actor_list("Các Bộ: Công Thương, Giao thông vận tải, Xây dựng")
    ['Bộ Công Thương', 'Bộ Giao thông vận tải', 'Bộ Xây dựng']
    >>> split_actor_list("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương")
    ['Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương']
    """
    text = re.sub(r"\s+", " ", _nfc(text)).strip(" .;:")
    # a table cell merged down over two lines prints the same name twice
    text = re.sub(r"^(?P<a>\S.{2,}?)\s+(?P=a)$", r"\g<a>", text)
    prefixed = _PREFIX_LIST_RX.match(text) or _plural_list(text)
    if prefixed:
        head = prefixed.group(1).capitalize()
        items = re.split(r"\s*[,;]\s*", prefixed.group(2))
        return [display_body(f"{head} {i}") for i in items if i.strip(" .")]
    units = _UNIT_LIST_RX.match(text)
    if units and _starts_body(units.group("head")):
        return _unit_list(units, tidy)
    out: list[str] = []
    # "Bộ Chỉ huy Quân sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh": two bodies
    text = re.sub(r"\s*/\s*(?=" + _HEAD_RX.pattern.lstrip("^") + r")", "; ", text)
    # "Các Bộ, cơ quan UBND các tỉnh": a comma lost between a class noun and the next body
    text = re.sub(r"(?:(?<=cơ quan)|(?<=đơn vị)|(?<=địa phương)|(?<=ngành))\s+(?=(?:UBND|HĐND)\b)", ", ", text)
    # "Bộ Tư pháp (đối với …) Bộ Tài chính (…)": a cell's line break between two bodies
    text = re.sub(r"\)\s+(?=" + _HEAD_RX.pattern.lstrip("^") + r")", "); ", text)
    for chunk in re.split(r"\s*;\s*", text):
        for k, piece in enumerate(re.split(r"\s*,\s*", chunk)):
            if k and out and (not _starts_body(piece) or _continues_class(out[-1], piece)
                              or _shares_words(out[-1], piece)):
                out[-1] += ", " + piece
            else:
                out.append(piece)
    split = [part.strip(" .,;:") for piece in out for part in _split_on_and(piece)]
    return [display_body(p) if tidy else p for p in split if p.strip(" .,;:-")]


def _unit_list(m: re.Match[str], tidy: bool) -> list[str]:
    """``UBND các xã: Đức Trọng, Hiệp Thạnh và đơn vị tư vấn`` → ``UBND xã Đức Trọng``,
    ``UBND xã Hiệp Thạnh``, then any other body the list names after ``và``."""
    head, unit = m.group("head").strip(), m.group("unit")
    out: list[str] = []
    for item in re.split(r"\s*[,;]\s*", m.group("names")):
        parts = _split_on_and(item.strip())
        name = parts[0].strip(" .")
        if name:
            out.append(f"{head} {unit} {name}" if name[:1].isupper() else name)
        out.extend(p.strip(" .") for p in parts[1:] if p.strip(" ."))
    return [display_body(p) if tidy else p for p in out]


# --- provinces -------------------------------------------------------------

_KEY_SEP = " @ "
_PLACE_AT_END = re.compile(
    r"(?:^|[\s(])(?P<level>tỉnh|thành phố|tp\.?)\s+(?P<name>[^\W\d_][\wÀ-ỹ]*(?:\s+[^\W\d_][\wÀ-ỹ]*){0,3})\s*$",
    re.IGNORECASE,
)
_NOT_A_PLACE = frozenset({
    "trực", "thuộc", "và", "có", "liên", "nơi", "trong", "cấp", "các", "ngoài", "đã", "thực",
})
# A body below the State: a Sở, or a name at province or commune level ("Công an tỉnh",
# "UBND các xã, phường", "Tỉnh đoàn"); "các tỉnh" names all provinces, not one.
_PROVINCIAL = re.compile(
    r"^(?:sở|tỉnh đoàn|tỉnh ủy|thành đoàn|thành ủy)\b|(?<!các )\b(?:tỉnh|thành phố)$"
    r"|\b(?:cấp|thuộc) (?:tỉnh|xã|huyện)\b|\bcác (?:xã|huyện|phường)\b|\bxã, phường\b",
)


def _nfc_lower(text: str) -> str:
    return re.sub(r"\s+", " ", _nfc(text)).strip().lower()


def province_of(text: str | None) -> str | None:
    """The province or city a name or an issuer ends with, lower case, with its level.

    >>> province_of("Ủy ban nhân dân tỉnh Lâm Đồng")
    'tỉnh lâm đồng'
    >>> province_of("UBND TP. Huế")
    'thành phố huế'
    >>> province_of("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương") is None
    True
    """
    if not text:
        return None
    m = _PLACE_AT_END.search(_nfc(text).strip(" .,;:()"))
    if not m or m.group("name").split()[0].lower() in _NOT_A_PLACE:
        return None
    if text[max(0, m.start() - 5) : m.start()].strip().lower().endswith(("các", ",")):
        return None
    level = "tỉnh" if m.group("level").lower() == "tỉnh" else "thành phố"
    return f"{level} {_nfc_lower(m.group('name'))}"


def is_provincial(key: str) -> bool:
    """Does this canonical name belong to one province (a Sở, ``Công an tỉnh``)?

    >>> is_provincial("sở công thương"), is_provincial("bộ công thương")
    (True, False)
    >>> is_provincial("ủy ban nhân dân các tỉnh, thành phố")
    False
    """
    if re.search(r"\bcác tỉnh\b|\btỉnh, thành phố\b|\btỉnh và thành phố\b", key):
        return False
    return bool(_PROVINCIAL.search(key))


def body_key(name: str, province: str | None = None) -> str:
    """The key a body is grouped by: its canonical name, plus its province when the
    body belongs to one. The province is the one the name prints, else ``province``
    (the issuer's, for a provincial document); central bodies carry none.

    >>> body_key("Sở Công Thương", "tỉnh Lào Cai")
    'sở công thương @ tỉnh lào cai'
    >>> body_key("Sở Công Thương tỉnh Lâm Đồng", "tỉnh Lào Cai")
    'sở công thương @ tỉnh lâm đồng'
    >>> body_key("Bộ Công Thương", "tỉnh Lào Cai")
    'bộ công thương'
    """
    base = canonical_body(name)
    own = province_of(name)
    place = own or (_nfc_lower(province) if province and is_provincial(base) else None)
    return f"{base}{_KEY_SEP}{place}" if place and base else base


def _without_place(text: str) -> str:
    """``sở công thương tỉnh lào cai`` → ``sở công thương tỉnh`` (any case); a place in
    brackets, as :func:`labelled_body` adds it, goes whole.

    >>> _without_place("Công an tỉnh (tỉnh Lào Cai)")
    'Công an tỉnh'
    """
    text = _nfc(text).strip(" .,;:()")
    m = _PLACE_AT_END.search(text)
    if not m:
        return text
    before = text[: m.start("level")].rstrip()
    return before[:-1].strip() if before.endswith("(") else text[: m.start("name")].strip()


def labelled_body(name: str, key: str) -> str:
    """The name to show for a body key: its province added when the name lacks it,
    so two provinces' Sở Công Thương differ in a list (and the label still matches).

    >>> labelled_body("Sở Công Thương", "sở công thương @ tỉnh lào cai")
    'Sở Công Thương (tỉnh Lào Cai)'
    >>> body_matches(labelled_body("SCT", "sở công thương @ tỉnh lào cai"), "sở công thương @ tỉnh lào cai")
    True
    """
    place = split_body_key(key)[1]
    if not place or province_of(name):
        return name
    level = "thành phố" if place.startswith("thành phố ") else "tỉnh"
    words = place[len(level):].strip()
    return f"{name} ({level} {' '.join(w[:1].upper() + w[1:] for w in words.split())})"


def split_body_key(key: str) -> tuple[str, str | None]:
    """``'sở công thương @ tỉnh lào cai'`` → ``('sở công thương', 'tỉnh lào cai')``."""
    base, sep, place = key.partition(_KEY_SEP)
    return base, (place or None) if sep else None


def body_matches(query: str, body: str) -> bool:
    """Does a user's ``--body`` query name this body (any variant, or a part of it)?

    ``body`` is a printed name or a :func:`body_key`. A query that names a province
    finds only that province's body; one without finds the body in every province.
    A query typed without diacritics (``so cong thuong``) is compared with the
    body's name stripped of them too, as BM25 compares unaccented questions.

    >>> body_matches("sở công thương", "Sở Công Thương tỉnh Lào Cai")
    True
    >>> body_matches("SCT", "Sở Tư pháp")
    False
    >>> body_matches("Sở Công Thương tỉnh Lào Cai", "sở công thương @ tỉnh lâm đồng")
    False
    >>> body_matches("SCT", "sở công thương @ tỉnh lâm đồng")
    True
    >>> body_matches("sở công thương tỉnh lâm đồng", "sở công thương @ tỉnh lâm đồng")
    True
    >>> body_matches("So Cong Thuong", "Sở Công Thương"), body_matches("UBND tinh", "Ủy ban nhân dân tỉnh")
    (True, True)
    """
    b, b_place = _body_parts(body)
    q, q_place, unaccented = _query_parts(query)
    if not q or (q_place and b_place and q_place != b_place):
        return False
    if unaccented:  # as typed: "UBND tinh" spells out to an accented key
        q, b = fold(q), fold(b)
    return q == b or _word_in(q).search(b) is not None


# A question compares the body it names with every body of the index: each side's
# parts are worked out once, not once per pair.
@functools.lru_cache(maxsize=1 << 14)
def _body_parts(body: str) -> tuple[str, str | None]:
    """(canonical name, province) of a printed name or a body key."""
    if _KEY_SEP in body:
        return split_body_key(body)
    return canonical_body(body), province_of(body)


@functools.lru_cache(maxsize=1 << 12)
def _query_parts(query: str) -> tuple[str, str | None, bool]:
    """(canonical name without its province, province, typed without diacritics?)."""
    place = province_of(query)
    return canonical_body(_without_place(query) if place else query), place, is_unaccented(query)


@functools.lru_cache(maxsize=1 << 12)
def _word_in(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
