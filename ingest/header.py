"""The header of a document (thể thức, NĐ 30/2020/NĐ-CP): issuer, number, place and
date, document type, title (trích yếu) and ``Kính gửi`` recipients.

The header comes in many shapes: two columns on one line
(``BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``), the same with
the spaces collapsed, a Markdown or DOCX table row
(``| THỦ TƯỚNG CHÍNH PHỦ ------- | CỘNG HÒA XÃ HỘI … |``). All of them are first cut
into *fragments* — one column of one line — with the national motto removed;
:func:`parse_header` then reads the fields from the fragments in order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.model import Header, Line, Table
from ingest.structure import parse_marker
from ingest.tables import find_task_header

_MOTTO = re.compile(
    r"C\w{2,3}\s+H\w{1,2}A?\s+X\w\s+H\w{1,2}I\s+CH\w\s+NGH\w{1,2}\s+VI\w{1,2}T\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+[pP]húc"
    r"|[-–—_=]{3,}",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(r"\bSố\s*:\s*(?P<num>\d+)?\s*(?P<sym>(?:/\s*\d{4}\s*)?/\s*[^\s/][^\s]*)")
DATE_RE = re.compile(
    r",\s*ngày\s*(?P<d>\d{1,2})?\s*(?:tháng|/)\s*(?P<m>\d{1,2})?\s*(?:năm|/)\s*(?P<y>\d{4})"
)
DOC_TYPES: dict[str, str] = {
    "KẾ HOẠCH": "Kế hoạch", "CHỈ THỊ": "Chỉ thị", "QUYẾT ĐỊNH": "Quyết định",
    "THÔNG BÁO": "Thông báo", "THÔNG TƯ": "Thông tư", "NGHỊ ĐỊNH": "Nghị định",
    "NGHỊ QUYẾT": "Nghị quyết", "BÁO CÁO": "Báo cáo", "TỜ TRÌNH": "Tờ trình",
    "CÔNG ĐIỆN": "Công điện", "HƯỚNG DẪN": "Hướng dẫn", "CHƯƠNG TRÌNH": "Chương trình",
    "QUY CHẾ": "Quy chế", "QUY ĐỊNH": "Quy định", "GIẤY MỜI": "Giấy mời",
    "ĐỀ ÁN": "Đề án", "PHƯƠNG ÁN": "Phương án", "LUẬT": "Luật", "THAM LUẬN": "Tham luận",
}
# Symbol part after "/" → document type, when no type line is printed.
SYMBOL_TYPES: dict[str, str] = {
    "KH": "Kế hoạch", "CT": "Chỉ thị", "QĐ": "Quyết định", "TB": "Thông báo",
    "TT": "Thông tư", "NĐ": "Nghị định", "NQ": "Nghị quyết", "BC": "Báo cáo",
    "TTr": "Tờ trình", "CĐ": "Công điện", "HD": "Hướng dẫn", "CTr": "Chương trình",
}
# Lines that open the body (căn cứ, preamble) and so end title and recipient lists.
_BODY_START = re.compile(
    r"^(Căn cứ|Thực hiện|Theo đề nghị|Theo|Để|Ngày \d|Trong|Qua|Sau khi|Nhằm|Xét|Thi hành"
    r"|Trên cơ sở|Về |Hiện nay|Thời gian qua|Tiếp theo|Được sự|Kính thưa)"
)
# Who signs the enacting formula: "GIÁM ĐỐC SỞ …", "BỘ TRƯỞNG …", "CHÍNH PHỦ".
_AUTHORITY = re.compile(
    r"^(BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|CHỦ TỊCH|THỦ TƯỚNG|CHÍNH PHỦ|ỦY BAN|UỶ BAN|HỘI ĐỒNG"
    r"|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|TRƯỞNG|HIỆU TRƯỞNG|BAN CHẤP HÀNH|QUỐC HỘI)"
)
_ORG_UNIT = re.compile(
    r"^(SỞ|CỤC|BAN|PHÒNG|VỤ|VIỆN|TRƯỜNG|ĐOÀN|TRUNG TÂM|VĂN PHÒNG|TỔNG CỤC|CHI CỤC"
    r"|BỘ CHỈ HUY|CÔNG AN|THANH TRA|ỦY BAN|UỶ BAN|HỘI ĐỒNG|BỘ\s)"
)
_PLACE_LEVEL = re.compile(r"^(TỈNH|THÀNH PHỐ|HUYỆN|XÃ|QUẬN|PHƯỜNG|THỊ XÃ|TP\.)\b")
_ATTACHED = re.compile(r"^\(?\s*(Ban hành )?[Kk]èm theo")
_MAX_HEADER_BLOCKS = 40
_VOWEL = re.compile(r"[AĂÂEÊIOÔƠUƯYÀ-ỹ]", re.IGNORECASE)


@dataclass(frozen=True)
class Fragment:
    """One column of one header line: its text, the block it came from and its column."""

    text: str
    block: int
    col: int = 0


def strip_motto(text: str) -> str:
    """Remove the national motto and rule lines from a header line.

    >>> strip_motto("BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    'BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG'
    """
    return " ".join(_MOTTO.sub(" ", text).split())


def has_motto(text: str) -> bool:
    """True when a line carries the national motto (a repeated page header)."""
    return bool(re.search(r"CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–—]\s*Tự\s+do", text, re.I))


def is_upper(text: str) -> bool:
    """True when the letters of ``text`` are (almost) all capitals: ``TỈNH LÀO CAI``."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _leading(blocks: list[Line | Table]) -> list[Line | Table]:
    """The blocks that can hold the header: up to the first task table or attachment."""
    out: list[Line | Table] = []
    for b in blocks[:_MAX_HEADER_BLOCKS]:
        if isinstance(b, Table) and find_task_header(b):
            break
        out.append(b)
    return out


def fragments(blocks: list[Line | Table]) -> list[Fragment]:
    """Cut the leading blocks into header fragments (columns split, motto removed)."""
    out: list[Fragment] = []
    for i, block in enumerate(blocks[:_MAX_HEADER_BLOCKS]):
        if isinstance(block, Table):
            for row in block.rows:
                for col, cell in enumerate(c for c in row if c.strip()):
                    for part in re.split(r"\n|\s{3,}", cell):
                        _add(out, part, i, min(col, 1))
        else:
            parts = [p for p in re.split(r"\s{3,}", block.text.strip()) if p.strip()]
            for col, part in enumerate(parts):
                _add(out, part, i, min(col, 1))
    return out


def _add(out: list[Fragment], text: str, block: int, col: int) -> None:
    clean = strip_motto(text)
    if clean:
        out.append(Fragment(clean, block, col))


# The Party's numbering (Quy định 66-QĐ/TW): "Số 57-NQ/TW", "Số: 3260-KH/ĐĐQH15".
_PARTY_NUMBER = re.compile(r"\bSố\s*:?\s*(?P<num>\d+)\s*-\s*(?P<sym>[A-ZĐ]{1,6}/[A-ZĐ][^\s,;]*)")


def parse_number(text: str) -> str | None:
    """The number and symbol after ``Số:``; a blank number keeps only the symbol.

    >>> parse_number("Số: 9389 /BNNMT-BĐKH")
    '9389/BNNMT-BĐKH'
    >>> parse_number("Số:      /UBND-KT")
    '/UBND-KT'
    >>> parse_number("Số 57-NQ/TW"), parse_number("**Số: 3260-KH/ĐĐQH15**")
    ('57-NQ/TW', '3260-KH/ĐĐQH15')
    """
    party = _PARTY_NUMBER.search(text)
    if party:
        return f"{party.group('num')}-{party.group('sym').rstrip('.,;*')}"
    m = NUMBER_RE.search(text)
    if not m or not re.search(r"[A-ZĐ]", m.group("sym")):
        return None
    sym = re.sub(r"\s+", "", m.group("sym")) + symbol_tail(m.group("sym"), text[m.end():])
    return f"{m.group('num') or ''}{sym.rstrip('.,;')}"


_CODE = re.compile(r"\s([A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-Za-zĐđ0-9&]+)*)")


def symbol_tail(sym: str, rest: str) -> str:
    """The rest of a symbol a text layer cut with a stray space: ``21/C T-TTg``.

    A following word continues the symbol when the symbol ends in ``-`` or the
    word is itself a hyphenated code; a place name (``Hà Nội``) never is.

    >>> symbol_tail("/C", " T-TTg Hà Nội, ngày 2"), symbol_tail("/NQ-CP", " Hà Nội")
    ('T-TTg', '')
    """
    out = ""
    for _ in range(2):
        m = _CODE.match(rest)
        if not m or not ((sym + out).endswith("-") or "-" in m.group(1)):
            break
        out += m.group(1)
        rest = rest[m.end():]
    return out


def parse_place_date(text: str) -> tuple[str | None, dt.date | None, str] | None:
    """Place, date and the rest of the line from ``Bình Định, ngày 24 tháng 02 năm 2023``;
    a blank day or month (a draft) gives date None.

    >>> parse_place_date("TỈNH BÌNH ĐỊNH Bình Định, ngày 24 tháng 02 năm 2023")
    ('Bình Định', datetime.date(2023, 2, 24), 'TỈNH BÌNH ĐỊNH')
    >>> parse_place_date("Lào Cai, ngày tháng năm 2026")
    ('Lào Cai', None, '')
    """
    m = DATE_RE.search(text)
    if not m:
        return None
    before = text[: m.start()].rstrip()
    place = _title_words(before)
    rest = (before[: len(before) - len(place)] + " " + text[m.end():]).strip()
    date = None
    if m.group("d") and m.group("m"):
        try:
            date = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            date = None
    return place or None, date, rest


def _title_words(text: str) -> str:
    """The trailing run of Title-case words: ``TỈNH BÌNH ĐỊNH Bình Định`` → ``Bình Định``."""
    words = text.split()
    keep: list[str] = []
    for w in reversed(words):
        if len(w) > 1 and w[0].isupper() and not w.isupper() or w in ("TP.",):
            keep.insert(0, w)
        else:
            break
    return " ".join(keep)


def doc_type_of(text: str) -> str | None:
    """The document type named by a type line (``KẾ HOẠCH`` → ``Kế hoạch``)."""
    return DOC_TYPES.get(" ".join(text.split()).upper()) if is_upper(text) else None


def type_from_symbol(number: str | None) -> str:
    """Infer the type from the symbol: ``28/KH-BCĐCVĐ`` → ``Kế hoạch``; else Công văn.

    >>> type_from_symbol("13/CT-TTg"), type_from_symbol("5973/UBND-KT")
    ('Chỉ thị', 'Công văn')
    """
    if number:
        parts = [p for p in number.split("/") if p and not p.isdigit()]
        if parts:
            head = parts[0].split("-")[0]
            if head in SYMBOL_TYPES:
                return SYMBOL_TYPES[head]
    return "Công văn"


def pretty_case(text: str) -> str:
    """Upper-case names as printed in a sentence: ``BỘ CÔNG THƯƠNG`` → ``Bộ Công Thương``.

    Vietnamese capitalizes the first word of a name and proper names inside it;
    this rule of thumb capitalizes the unit word and the word after it, and the
    place after ``tỉnh``/``huyện``/``xã``.

    >>> pretty_case("ỦY BAN NHÂN DÂN TỈNH LÀO CAI")
    'Ủy ban nhân dân tỉnh Lào Cai'
    >>> pretty_case("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    'Sở Nông nghiệp và Môi trường'
    """
    if not is_upper(text):
        return text
    # Codes (1050/QĐ-SCT) and acronyms without a vowel (PCTT, TKCN) keep their capitals.
    words = [w if re.search(r"[\d/]", w) or not _VOWEL.search(w) else w.lower()
             for w in text.split()]
    out: list[str] = []
    cap_rest = False
    for i, w in enumerate(words):
        if cap_rest or i == 0 or _capitalize_next(out, w):
            w = _cap(w)
        if w.lower() in ("tỉnh", "huyện", "xã", "phường", "quận") or w.lower() == "phố" and i:
            cap_rest = True
        out.append(w)
    s = " ".join(out)
    for fix in ("Công Thương", "Việt Nam", "Chính phủ", "Quốc hội", "Mặt trận Tổ quốc",
                "Trung ương", "Hồ Chí Minh", "Hà Nội"):
        s = re.sub(re.escape(fix), fix, s, flags=re.IGNORECASE)
    s = re.sub(r"“(\w)", lambda m: "“" + m.group(1).upper(), s)
    return re.sub(r"\b(ubnd|hđnd|mttq|tw|tp|qđ)\b", lambda m: m.group(1).upper(), s, flags=re.I)


def _capitalize_next(out: list[str], w: str) -> bool:
    """Names of ministries and departments capitalize their field: Bộ Tài nguyên và Môi trường."""
    if not out or w.strip(",.") in ("trưởng", "ban", "và"):
        return False
    unit = out[0].lower() in ("bộ", "sở", "cục", "vụ", "ban", "phó")
    return unit and (len(out) == 1 or out[-1] == "và" or out[-1].endswith(","))


def _cap(w: str) -> str:
    i = next((k for k, c in enumerate(w) if c.isalpha()), None)
    return w if i is None else w[:i] + w[i].upper() + w[i + 1:]


def split_issuer(lines: list[str]) -> tuple[str | None, str | None]:
    """(parent, issuer) from the issuer lines: ``SỞ CÔNG THƯƠNG / ĐOÀN KIỂM TRA …``.

    >>> split_issuer(["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"])
    (None, 'Ủy ban nhân dân tỉnh Lào Cai')
    >>> split_issuer(["BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT"])
    ('Bộ Công Thương', 'Cục Hóa chất')
    """
    if not lines:
        return None, None
    cut = next((i for i in range(1, len(lines)) if _ORG_UNIT.match(lines[i])
                and not _PLACE_LEVEL.match(lines[i])), None)
    if cut is None:
        return None, pretty_case(" ".join(lines))
    return pretty_case(" ".join(lines[:cut])), pretty_case(" ".join(lines[cut:]))


def split_recipients(text: str) -> list[str]:
    """Recipients printed on one line or cell: ``- Bộ Tài chính; - Bộ Tài nguyên …``.

    >>> split_recipients("- Bộ Tài chính; - Bộ Tài nguyên và Môi trường.")
    ['Bộ Tài chính', 'Bộ Tài nguyên và Môi trường']
    """
    parts = re.split(r"(?:^|(?<=[;:.,]))\s*[-–•+]\s+", text)
    return [p.strip().rstrip(";.,").strip() for p in parts if p.strip().rstrip(";.,").strip()]


def _body_like(text: str) -> bool:
    return bool(_BODY_START.match(text) or parse_marker(text) or len(text) > 250)


@dataclass
class _State:
    header_end: int = -1  # index of the last block the header used
    number: str | None = None
    place: str | None = None
    date: dt.date | None = None
    doc_type: str | None = None
    title: str | None = None
    vv: str | None = None
    issuer_lines: list[str] | None = None
    recipients: list[str] | None = None


def parse_header(blocks: list[Line | Table]) -> tuple[Header, int]:
    """Read the header from the leading blocks; return it and the index of the first
    body block.

    >>> h, start = parse_header([Line("ỦY BAN NHÂN DÂN TỈNH LÀO CAI"), Line("Số: 12/KH-UBND"),
    ...     Line("Lào Cai, ngày 02 tháng 3 năm 2026"), Line("KẾ HOẠCH"), Line("Kiểm tra"),
    ...     Line("Căn cứ Luật Khoáng sản;")])
    >>> (h.doc_type, h.number, h.date.isoformat(), h.title, start)
    ('Kế hoạch', '12/KH-UBND', '2026-03-02', 'Kiểm tra', 5)
    """
    frags = fragments(_leading(blocks))
    st = _State(issuer_lines=[], recipients=[])
    i = 0
    while i < len(frags):
        f = frags[i]
        if st.header_end >= 0 and f.block > st.header_end + 1 and _body_like(f.text):
            break
        if _body_like(f.text) and not f.text.startswith(("V/v", "Kính gửi")) and (
            st.number or st.doc_type or st.date
        ):
            break
        i = _read_fragment(frags, i, st)
    return _make_header(st), st.header_end + 1


def _read_fragment(frags: list[Fragment], i: int, st: _State) -> int:
    """Read the field(s) in fragment ``i``; return the index of the next unread one."""
    f = frags[i]
    text = f.text
    if st.number is None and (num := parse_number(text)):
        st.number = num if not num.startswith("/") else _stamped(frags, i) + num
        st.header_end = max(st.header_end, f.block)
        text = NUMBER_RE.sub(" ", text).strip()
    if st.date is None and st.place is None and (pd := parse_place_date(text)):
        st.place, st.date, text = pd
        st.header_end = max(st.header_end, f.block)
    if text.startswith("V/v"):
        return _read_vv(frags, i, text, st)
    if text.startswith("Kính gửi") or _TELEGRAM.match(text):
        return _read_recipients(frags, i, text, st)
    if st.doc_type is None and (kind := doc_type_of(text)):
        st.doc_type = kind
        st.header_end = max(st.header_end, f.block)
        return _read_title(frags, i + 1, st)
    if (text and st.number is None and st.doc_type is None and is_upper(text) and f.col == 0
            and len(st.issuer_lines or ()) < 6 and len(text) < 100):
        assert st.issuer_lines is not None
        st.issuer_lines.append(text)
        st.header_end = max(st.header_end, f.block)
    return i + 1


def _stamped(frags: list[Fragment], i: int) -> str:
    """The number stamped on its own line just above a blank ``Số:      /BNV-CCHC``
    (an e-signed letter gets its number after the text was laid out), or ""."""
    block = frags[i].block
    for f in reversed(frags[:i]):
        if f.block < block - 2:
            break
        if re.fullmatch(r"\d{1,6}", f.text):
            return f.text
    return ""


def _read_title(frags: list[Fragment], i: int, st: _State) -> int:
    lines: list[str] = []
    while i < len(frags) and len(lines) < 6:
        text = frags[i].text
        if _ATTACHED.match(text):
            st.header_end = max(st.header_end, frags[i].block)
            i += 1
            continue
        if lines and (_body_like(text) or is_upper(text) != is_upper(lines[0])):
            break
        if lines and re.search(r"[.!?]\s+[A-ZĐÀ-Ỹ]", text):
            break  # a line of two sentences is the body's prose, not the title's

        if not lines and (len(text) > 250 or _BODY_START.match(text) and text.startswith("Căn cứ")):
            break
        if is_upper(text) and _AUTHORITY.match(text) and lines:
            break
        if text.startswith("Kính gửi") or _TELEGRAM.match(text) or parse_place_date(text) \
                or parse_number(text):
            break
        lines.append(text)
        st.header_end = max(st.header_end, frags[i].block)
        i += 1
    if lines:
        st.title = _join_title(lines)
    return i


def _join_title(lines: list[str]) -> str:
    text = " ".join(" ".join(lines).split())
    return text.strip()


def _read_vv(frags: list[Fragment], i: int, first: str, st: _State) -> int:
    lines = [first[3:].strip()]
    st.header_end = max(st.header_end, frags[i].block)
    i += 1
    while i < len(frags) and len(lines) < 7:
        text = frags[i].text
        if (text.startswith("Kính gửi") or parse_place_date(text) or parse_number(text)
                or _body_like(text) or is_upper(text) or frags[i].col != frags[i - 1].col
                and frags[i].block == frags[i - 1].block):
            break
        lines.append(text)
        st.header_end = max(st.header_end, frags[i].block)
        i += 1
    st.vv = _join_title(lines)
    return i


# A telegram's addressees follow its issuer: "THỦ TƯỚNG CHÍNH PHỦ điện:" reads as "Kính gửi:".
_TELEGRAM = re.compile(r"^[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s,]{2,80}?\s+điện\s*:")


def _read_recipients(frags: list[Fragment], i: int, first: str, st: _State) -> int:
    assert st.recipients is not None
    rest = _TELEGRAM.sub("", re.sub(r"^Kính gửi\s*:?", "", first)).strip()
    st.recipients.extend(split_recipients(rest) if rest else [])
    st.header_end = max(st.header_end, frags[i].block)
    i += 1
    while i < len(frags):
        text = frags[i].text
        if text.startswith(("-", "–", "•", "+")):
            st.recipients.extend(split_recipients(text))
        elif st.recipients and starts_lower_text(text) and not st.recipients[-1].endswith(";"):
            st.recipients[-1] = f"{st.recipients[-1]} {text}".rstrip(".;")
        elif not st.recipients and not _body_like(text) and frags[i].block == frags[i - 1].block:
            st.recipients.extend(split_recipients(text))
        else:
            break
        st.header_end = max(st.header_end, frags[i].block)
        i += 1
    return i


def starts_lower_text(text: str) -> bool:
    """True when ``text`` starts with a lower-case letter."""
    return bool(text) and text[0].isalpha() and text[0].islower()


def _make_header(st: _State) -> Header:
    parent, issuer = split_issuer(st.issuer_lines or [])
    doc_type = st.doc_type
    if doc_type is None:
        doc_type = "Công văn" if st.vv else type_from_symbol(st.number)
    return Header(
        doc_type=doc_type,
        number=st.number,
        issuer=issuer,
        issuer_parent=parent,
        place=st.place,
        date=st.date,
        title=st.vv if st.vv and not st.title else st.title,
        recipients=tuple(st.recipients or ()),
    )
