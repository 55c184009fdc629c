"""The closing of a document: signature block and ``Nơi nhận`` distribution list.

Both are metadata, never answers, so they become ``Document.closing`` and not
clauses. Text conversions often print them side by side on the same lines::

    Nơi nhận:                            KT. CHỦ TỊCH
    - Như trên;                          PHÓ CHỦ TỊCH
    - Lưu: VT, KT.                       Nguyễn Thành Sinh

(or with the gap collapsed to one space), so each line is cut into its
``Nơi nhận`` part and its signature part first.
"""

from __future__ import annotations

import re

from ingest.header import pretty_case
from ingest.model import Closing

_AUTH = re.compile(r"(?:^|\s)((?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\.\s*[A-ZĐÀ-Ỹ])")
_POSITION = re.compile(
    r"(?:PHÓ\s+)?(?:THỦ\s+TƯỚNG|CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|GIÁM\s+ĐỐC|CỤC\s+TRƯỞNG"
    r"|VỤ\s+TRƯỞNG|CHỦ\s+NHIỆM|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN(?:\s+THƯỜNG\s+TRỰC)?"
    r"|TRƯỞNG\s+ĐOÀN|TRƯỞNG\s+PHÒNG|HIỆU\s+TRƯỞNG|TỔNG\s+CỤC\s+TRƯỞNG|TỔNG\s+GIÁM\s+ĐỐC"
    r"|CHI\s+CỤC\s+TRƯỞNG|TỔNG\s+BÍ\s+THƯ|BÍ\s+THƯ|LÃNH\s+ĐẠO\s+ĐƠN\s+VỊ)"
)
_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")
_SIGNED = re.compile(r"\((?:Đã ký|đã ký|Ký tên[^)]*|ký[^)]*)\)|\[đã ký\]", re.I)


def is_closing_start(text: str) -> bool:
    """True for the line that opens the closing: ``Nơi nhận:`` or ``KT. CHỦ TỊCH``.

    >>> is_closing_start("Nơi nhận: KT. CHỦ TỊCH"), is_closing_start("1. Sở Công Thương")
    (True, False)
    """
    return text.startswith("Nơi nhận") or bool(
        re.match(r"(?:TM|KT|TL|TUQ|T/M|K/T|T/L)\.\s*[A-ZĐ]", text))


def is_person_name(text: str) -> bool:
    """True for a signer's name: 2–5 capitalized words, nothing else.

    >>> is_person_name("Phạm Văn Nam"), is_person_name("Phó Chủ tịch Ủy ban MTTQ")
    (True, False)
    """
    words = text.split()
    return 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)


def _upper_tail(text: str) -> tuple[str, str]:
    """Split ``- Bộ Nông nghiệp (để báo cáo); PHÓ CHỦ TỊCH`` into list part and signature part."""
    m = _AUTH.search(text)
    starts = [m.start(1)] if m else []
    starts += [p.start() for p in _POSITION.finditer(text) if _all_upper(text[p.start():])]
    if not starts:
        return text, ""
    cut = min(starts)
    return text[:cut].strip(), text[cut:].strip()


def _all_upper(text: str) -> bool:
    head, _ = _split_trailing_name(text)
    return head.isupper()


def _name_tail(text: str) -> tuple[str, str]:
    """Split ``- Các Tổ chức thành viên Mặt trận tỉnh; Phạm Văn Nam`` at the name."""
    head, sep, tail = text.rpartition(";")
    if sep and is_person_name(tail.strip()):
        return head + sep, tail.strip()
    return text, ""


def split_signature(sig: str) -> tuple[str | None, str | None]:
    """(authority, position) from the upper-case signature words.

    >>> split_signature("KT. CHỦ TỊCH PHÓ CHỦ TỊCH")
    ('KT. Chủ tịch', 'Phó Chủ tịch')
    >>> split_signature("THỦ TƯỚNG")
    (None, 'Thủ tướng')
    """
    sig = " ".join(sig.split())
    positions = list(_POSITION.finditer(sig))
    if not positions:
        return (_pretty_authority(sig), None) if _AUTH.search(sig) else (None, None)
    last = positions[-1]
    auth_text = sig[: last.start()].strip(" ,")
    authority = _pretty_authority(auth_text) if auth_text else None
    return authority, pretty_case(last.group())


def _pretty_authority(text: str) -> str:
    """``TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH`` → ``TM. Ủy ban nhân dân, KT. Chủ tịch``."""
    parts = re.split(r"\s+(?=(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\.)", text)
    out = []
    for p in parts:
        m = re.match(r"((?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\.)\s*(.*)", p)
        out.append(f"{m.group(1)} {pretty_case(m.group(2).strip(' ,'))}" if m else pretty_case(p))
    return ", ".join(out)


def parse_closing(lines: list[str]) -> Closing:
    """Read the closing lines (any order of list and signature) into a ``Closing``.

    >>> c = parse_closing(["Nơi nhận: KT. CHỦ TỊCH", "- Như trên;", "- Lưu: VT. PHÓ CHỦ TỊCH",
    ...                    "Nguyễn Thành Sinh"])
    >>> c.authority, c.position, c.signer, c.cc
    ('KT. Chủ tịch', 'Phó Chủ tịch', 'Nguyễn Thành Sinh', ('Như trên', 'Lưu: VT'))
    """
    cc: list[str] = []
    sig_parts: list[str] = []
    signer: str | None = None
    for raw in lines:
        for part in re.split(r"\n|\s{3,}", raw):
            line = _SIGNED.sub(" ", part).strip()
            line = re.sub(r"^Nơi nhận\s*:?", "", line).strip()
            if not line:
                continue
            body, sig = _upper_tail(line)
            body, name = _name_tail(body)
            if not name and is_person_name(body):
                body, name = "", body
            # A title printed under the name ("PHÓ GIÁM ĐỐC SỞ …") is not the signature block.
            if sig and signer:
                sig = ""
            signer = signer or name or None
            if sig:
                sig, trailing = _split_trailing_name(sig)
                signer = signer or trailing or None
                sig_parts.append(sig)
            _add_cc(cc, body)
    authority, position = split_signature(" ".join(sig_parts))
    return Closing(authority=authority, position=position, signer=signer, cc=tuple(cc))


def _split_trailing_name(sig: str) -> tuple[str, str]:
    """``THỦ TƯỚNG Phạm Minh Chính`` → (``THỦ TƯỚNG``, ``Phạm Minh Chính``)."""
    words = sig.split()
    k = len(words)
    while k > 0 and _NAME_WORD.match(words[k - 1]):
        k -= 1
    name = " ".join(words[k:])
    return (" ".join(words[:k]), name) if is_person_name(name) else (sig, "")


def _add_cc(cc: list[str], text: str) -> None:
    if not text:
        return
    items = re.split(r"(?:^|(?<=[;:.,]))\s*[-–•+]\s+", text)
    starts_item = bool(re.match(r"^[-–•+]\s", text))
    for k, item in enumerate(items):
        item = item.strip().rstrip(";,").rstrip(".").strip()
        if not item:
            continue
        if k == 0 and not starts_item and cc:
            cc[-1] = f"{cc[-1]} {item}"  # a wrapped entry: "đảng ủy trực thuộc Tỉnh ủy;"
        else:
            cc.append(item)
