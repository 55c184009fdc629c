"""Abbreviations of Vietnamese administrative texts, and their full words: the one table.

Documents and questions write ``UBND``, ``Bộ TN&MT``, ``NĐ 180``, ``KCN``; clauses
often print the full words (``Ủy ban nhân dân``, ``Nghị định``, ``khu công nghiệp``).
The knowledge lives here as data, in four tables that differ by where they are safe:

- :data:`AGENCIES` — names of bodies, safe anywhere, including in a body name alone
  (``SCT`` means ``Sở Công Thương``); :mod:`ingest.bodies` uses only these;
- :data:`SHORT_AGENCIES` — too short to trust in a bare body name (``XD``, ``CP``)
  but clear in a question (``Bộ XD``);
- :data:`TERMS` — document kinds and recurring subjects (``NĐ``, ``KCN``, ``PCCC``);
- :data:`AMBIGUOUS_TERMS` — ``CT`` is ``Chỉ thị`` or ``Công ty``: only for a question
  about documents, never for the BM25/dense query.

Every pattern is case-sensitive (``KH`` is ``Kế hoạch``, ``kh`` is not an abbreviation)
and ordered longest first, so ``KH & ĐT`` is read before ``KH``.
:func:`compile_table` turns a list of entries into compiled patterns with the word
boundaries chosen for a use; :func:`spell_out` and :func:`expansions` apply them.

>>> spell_out("QĐ 1074 của Bộ XD về PCCC", QUERY_TABLE)
'Quyết định 1074 của Bộ Xây dựng về phòng cháy chữa cháy'
>>> spell_out("Sở TN&MT, UBND tỉnh", AGENCY_TABLE)
'Sở Tài nguyên và Môi trường, Ủy ban nhân dân tỉnh'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "AGENCIES",
    "AGENCY_TABLE",
    "AMBIGUOUS_TERMS",
    "QUERY_TABLE",
    "QUESTION_TABLE",
    "SHORT_AGENCIES",
    "TERMS",
    "Entry",
    "Outside",
    "Table",
    "compile_table",
    "expansions",
    "spell_out",
]

Entry = tuple[str, str]
"""A regular expression for the printed short form(s), and the full words."""
Table = tuple[tuple[re.Pattern[str], str], ...]
"""Compiled entries, applied in order."""
Outside = Literal["word", "compound", "number"]
"""Characters a short form may not touch; see :func:`compile_table`."""
_EDGES: dict[Outside, str] = {"word": r"\w", "compound": r"\w&", "number": r"\w&/-"}

# Names of bodies; "&", "-" and spaced variants included.
AGENCIES: tuple[Entry, ...] = (
    (r"UB\s*MTTQ(?:\s*VN)?", "Ủy ban Mặt trận Tổ quốc"),
    (r"MTTQ(?:\s*VN)?", "Mặt trận Tổ quốc"),
    (r"UBND", "Ủy ban nhân dân"),
    (r"HĐND", "Hội đồng nhân dân"),
    (r"BCĐ", "Ban Chỉ đạo"),
    (r"BCH", "Ban Chỉ huy"),
    (r"VPCP", "Văn phòng Chính phủ"),
    (r"BTNMT", "Bộ Tài nguyên và Môi trường"),
    (r"BNNMT", "Bộ Nông nghiệp và Môi trường"),
    (r"BNN&PTNT|BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn"),
    (r"BGDĐT|BGD&ĐT", "Bộ Giáo dục và Đào tạo"),
    (r"BKH&ĐT|BKHĐT", "Bộ Kế hoạch và Đầu tư"),
    (r"BCT", "Bộ Công Thương"),
    (r"BXD", "Bộ Xây dựng"),
    (r"SCT", "Sở Công Thương"),
    (r"SNN&MT|SNNMT", "Sở Nông nghiệp và Môi trường"),
    (r"STNMT|STN&MT", "Sở Tài nguyên và Môi trường"),
    (r"TN\s*&\s*MT|TNMT|TN-MT", "Tài nguyên và Môi trường"),
    (r"NN\s*&\s*PTNT|NNPTNT", "Nông nghiệp và Phát triển nông thôn"),
    (r"NN\s*&\s*MT|NNMT", "Nông nghiệp và Môi trường"),
    (r"KH\s*&\s*ĐT|KHĐT", "Kế hoạch và Đầu tư"),
    (r"KH\s*&\s*CN|KHCN", "Khoa học và Công nghệ"),
    (r"GD\s*&\s*ĐT|GDĐT", "Giáo dục và Đào tạo"),
    (r"GTVT", "Giao thông vận tải"),
    (r"TT\s*&\s*TT|TTTT", "Thông tin và Truyền thông"),
    (r"LĐ\s*-?\s*TB\s*&\s*XH|LĐTBXH", "Lao động - Thương binh và Xã hội"),
    (r"VH\s*,?\s*TT\s*&\s*DL|VHTTDL", "Văn hóa, Thể thao và Du lịch"),
    (r"CA(?=\s+(?:tỉnh|huyện|xã|phường|thành phố))", "Công an"),
    (r"TTg", "Thủ tướng"),
    (r"PCPNN", "phi chính phủ nước ngoài"),  # "Ủy ban công tác về các tổ chức PCPNN"
    (r"PTDS", "phòng thủ dân sự"),  # "Ban Chỉ huy PTDS tỉnh"
    # the national press bodies, listed by acronym among partners ("…, VTV, VOV, TTXVN")
    (r"VTV", "Đài Truyền hình Việt Nam"),
    (r"VOV", "Đài Tiếng nói Việt Nam"),
    (r"TTXVN", "Thông tấn xã Việt Nam"),
)

# Bodies whose short form is a common syllable pair elsewhere ("XD", "CP" in "NĐ-CP"):
# a question means the body, a bare actor name might not.
SHORT_AGENCIES: tuple[Entry, ...] = (
    (r"PTTg", "Phó Thủ tướng"),
    (r"CP", "Chính phủ"),
    (r"XD", "Xây dựng"),
    (r"(?<=Bộ )TC", "Tài chính"),
)

# Document kinds (capitalized, as they head a document's name) and recurring subjects.
# TT (Thông tư / Thông tin) is left out: no reading is safe.
TERMS: tuple[Entry, ...] = (
    (r"NĐ", "Nghị định"), (r"NQ", "Nghị quyết"), (r"QĐ", "Quyết định"), (r"KH", "Kế hoạch"),
    (r"CV", "Công văn"), (r"TB", "Thông báo"), (r"CTr", "Chương trình"),
    (r"KKT", "khu kinh tế"), (r"KCN", "khu công nghiệp"), (r"KCX", "khu chế xuất"),
    (r"CCN", "cụm công nghiệp"), (r"KS", "khoáng sản"), (r"VLNCN", "vật liệu nổ công nghiệp"),
    (r"TCTN", "tiền chất thuốc nổ"), (r"PCCC", "phòng cháy chữa cháy"),
    (r"PCTT", "phòng chống thiên tai"), (r"KNK", "khí nhà kính"), (r"BĐKH", "biến đổi khí hậu"),
    (r"KTTV", "khí tượng thủy văn"), (r"CSDL", "cơ sở dữ liệu"), (r"DN", "doanh nghiệp"),
    (r"GCN", "giấy chứng nhận"), (r"GP", "giấy phép"), (r"HHNH", "hàng hóa nguy hiểm"),
    (r"NSNN", "ngân sách nhà nước"), (r"ĐTM", "đánh giá tác động môi trường"),
    (r"ATVSLĐ", "an toàn, vệ sinh lao động"), (r"ATLĐ", "an toàn lao động"),
    (r"TW", "trung ương"),
)

# "CT" is Chỉ thị in "CT 13" but Công ty elsewhere; a question about documents means the former.
AMBIGUOUS_TERMS: tuple[Entry, ...] = ((r"CT", "Chỉ thị"),)


def compile_table(entries: Iterable[Entry], *, outside: Outside) -> Table:
    """Compile entries to whole-token patterns, in order.

    ``outside`` says what a short form must not touch: ``"word"`` — letters or digits
    (``KTTV&BĐKH`` still holds ``KTTV``); ``"compound"`` — nor ``&`` (``TN`` in ``TN&MT``
    is not ``TN``); ``"number"`` — nor ``/`` or ``-``, so a document number stays as printed
    (``06/2022/NĐ-CP``) and a query still matches the number itself.

    >>> nd = [(r"NĐ", "Nghị định")]
    >>> spell_out("NĐ 06/2022/NĐ-CP", compile_table(nd, outside="number"))
    'Nghị định 06/2022/NĐ-CP'
    >>> spell_out("NĐ 06/2022/NĐ-CP", compile_table(nd, outside="compound"))
    'Nghị định 06/2022/Nghị định-CP'
    """
    edge = _EDGES[outside]
    return tuple(
        (re.compile(rf"(?<![{edge}])(?:{pattern})(?![{edge}])"), full) for pattern, full in entries
    )


def spell_out(text: str, table: Table) -> str:
    """NFC text with every short form in ``table`` replaced by its full words.

    >>> spell_out("Bộ NN&MT, UBMTTQ tỉnh", AGENCY_TABLE)
    'Bộ Nông nghiệp và Môi trường, Ủy ban Mặt trận Tổ quốc tỉnh'
    """
    out = unicodedata.normalize("NFC", text)
    for rx, full in table:
        out = rx.sub(full, out)
    return out


def expansions(text: str, table: Table) -> list[str]:
    """The full words of each short form found in ``text``, one per occurrence, in table order.

    A matched short form is blanked before the next pattern runs, so
    ``KH & ĐT`` yields ``Kế hoạch và Đầu tư`` and not also ``Kế hoạch``.

    >>> expansions("Bộ KH & ĐT gửi KH 28 và NĐ 180", QUERY_TABLE)
    ['Kế hoạch và Đầu tư', 'Nghị định', 'Kế hoạch']
    """
    rest, found = unicodedata.normalize("NFC", text), []
    for rx, full in table:
        found += [full] * len(rx.findall(rest))
        rest = rx.sub(" ", rest)
    return found


AGENCY_TABLE: Table = compile_table(AGENCIES, outside="compound")
"""For body names (``canonical_body``)."""
QUERY_TABLE: Table = compile_table(AGENCIES + SHORT_AGENCIES + TERMS, outside="number")
"""For search queries (BM25 expansion, dense query)."""
QUESTION_TABLE: Table = AGENCY_TABLE + compile_table(TERMS + AMBIGUOUS_TERMS, outside="word")
"""For the words of a question matched against assignments (``vanban.answer.compose``):
agencies first, then terms, which may sit in a compound (``Viện KTTV&BĐKH``)."""
