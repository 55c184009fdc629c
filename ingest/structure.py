"""The clause tree of a document body: numbered items, their labels and paths.

Vietnamese administrative texts (NĐ 30/2020/NĐ-CP) number their body with a
small set of markers, outermost first::

    Phần I / Chương II / Mục 1 / Điều 5.      legal documents
    I.  1.  1.1.  1.1.1.  a)  -  +            plans, directives, letters

:func:`join_lines` glues lines wrapped by a PDF-to-text conversion back into
paragraphs; :func:`parse_marker` recognizes the marker a paragraph opens with;
:class:`ClauseBuilder` turns paragraphs into ``Clause`` records with a stable
``path`` (``IV.1.1``, ``2.b``, ``Điều 5.2.a``), a readable ``label``
(``Mục IV › 1 › 1.1``), the headings above them and a span into the body text.

Convention: ``Clause.text`` is the clause's own words WITHOUT the printed label
(``1.1. Ủy ban MTTQ…`` → ``Ủy ban MTTQ…``), followed by its unnumbered
continuation paragraphs, one per line. ``Document.text`` prints every paragraph
as it was (label included), so ``doc.text[span[0]:span[1]] == clause.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.model import Clause
from ingest.tables import cell_role

# Vietnamese list letters (no f, j, w, z): a) b) c) d) đ) e) g) ...
LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# Paragraph-ending punctuation; a line ending so is not wrapped mid-sentence.
_TERMINATORS = (".", ";", ":", "!", "?", "…", "./.")

Kind = Literal[
    "phan", "chuong", "muc", "dieu", "roman", "num", "dotted", "letter", "dash", "plus"
]
# Outermost first; a new marker closes every open marker of the same or deeper rank.
RANKS: dict[str, int] = {
    "phan": 0, "chuong": 1, "muc": 2, "dieu": 3, "roman": 4,
    "num": 5, "dotted": 6, "letter": 9, "dash": 10, "plus": 11,
}

_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phan", re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\S+|THỨ\s+\S+|[IVXLC]+|\d+)\b\.?:?\s*(.*)$")),
    ("chuong", re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b\.?:?\s*(.*)$")),
    ("muc", re.compile(r"^(?:Mục|MỤC)\s+(\d+)\b\.?:?\s*(.*)$")),
    ("dieu", re.compile(r"^Điều\s+(\d{1,3}[a-zđ]?)\s*[.:]\s*(.*)$")),
    ("roman", re.compile(r"^([IVXL]{1,6})\s*[.)]\s*(?=\S)(.*)$")),
    ("dotted", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=\D)(.*)$")),
    ("num", re.compile(r"^(\d{1,2})\s*[.)]\s*(?=[^\d\s.,/])(.*)$")),
    ("letter", re.compile(r"^([a-zđ])\s*\)\s*(?=\S)(.*)$|^([a-zđ])\.\s+(?=\S)(.*)$")),
    ("dash", re.compile(r"^[-–—•*]\s*(?=[^\s\-–—])(.*)$")),
    ("plus", re.compile(r"^\+\s*(?=\S)(.*)$")),
)


@dataclass(frozen=True)
class Marker:
    """A recognized item marker: its kind, its value (``"IV"``, ``"1.1"``, ``"b"``) and
    where the clause's own words start in the paragraph."""

    kind: str
    value: str
    offset: int


@dataclass(frozen=True)
class Para:
    """One paragraph of the body, with the page it starts on."""

    text: str
    page: int = 1


def roman_to_int(s: str) -> int | None:
    """``"IV"`` → 4; None when ``s`` is not a well-formed Roman numeral up to 399."""
    if not s or any(c not in _ROMAN_VALUES for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN_VALUES[c]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total if int_to_roman(total) == s else None


def int_to_roman(n: int) -> str:
    """4 → ``"IV"``."""
    out = []
    for v, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                   (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def parse_marker(text: str) -> Marker | None:
    """The marker a paragraph starts with, or None.

    >>> parse_marker("1.1. Ủy ban MTTQ Việt Nam tỉnh")
    Marker(kind='dotted', value='1.1', offset=5)
    >>> parse_marker("b) Chủ trì, phối hợp với các Bộ")
    Marker(kind='letter', value='b', offset=3)
    >>> parse_marker("2024 - 2025") is None
    True
    """
    for kind, rx in _MARKERS:
        m = rx.match(text)
        if not m:
            continue
        groups = [g for g in m.groups()]
        if kind == "letter" and m.group(1) is None:
            value, start = m.group(3), m.start(4)
        elif kind in ("dash", "plus"):
            value, start = "", m.start(1)
        else:
            value, start = groups[0], m.start(2)
        if kind == "roman" and roman_to_int(value) is None:
            continue
        return Marker(kind, value, start)
    return None


def ends_sentence(text: str) -> bool:
    """True when a line ends a sentence or a list item (``.``, ``;``, ``:``...)."""
    return text.rstrip().endswith(_TERMINATORS)


def starts_lower(text: str) -> bool:
    """True when a line starts with a lower-case letter: it continues a sentence."""
    first = next((c for c in text if c.isalnum()), "")
    return first.isalpha() and first.islower()


def line_width(lines: list[str]) -> int:
    """The typical full width of wrapped lines (90th percentile of lengths)."""
    lengths = sorted(len(s) for s in lines if s)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def starts_new_paragraph(prev: str, line: str, width: int, prev_opens: bool = False) -> bool:
    """Decide whether ``line`` starts a paragraph or continues ``prev`` (wrapped text).

    A marker opens a paragraph only after a finished or short line, so that
    ``…theo khoản`` / ``2. Điều 5`` is not taken for item 2.

    >>> starts_new_paragraph("Chủ tịch Ủy ban nhân dân tỉnh giao:", "1. Sở Nông nghiệp", 80)
    True
    >>> starts_new_paragraph("thực hiện các nhiệm vụ thuộc trách nhiệm của tỉnh và", "tổ chức", 80)
    False
    """
    short = len(prev) < 0.7 * width
    if ends_sentence(prev) or short:
        return parse_marker(line) is not None or not starts_lower(line)
    # "4. Bộ Chỉ huy Quân sự tỉnh" / "a) Chủ trì, …": a heading item without a colon.
    marker = parse_marker(line)
    return prev_opens and marker is not None and not starts_lower(line[marker.offset:])


def join_lines(lines: list[tuple[str, int]],
               lefts: list[float | None] | None = None) -> list[Para]:
    """Glue wrapped lines back into paragraphs.

    ``lefts`` (PDF only) gives each line's left edge: a line that starts at the
    first-line indent right after a line at the margin opens a paragraph, even
    when the line above does not end a sentence (a heading printed without a
    colon, then ``a) Các bộ, …``).

    >>> [p.text for p in join_lines([("1. Giao Sở Công Thương chủ trì, phối hợp với", 1),
    ...                              ("Sở Tư pháp tham mưu.", 1), ("2. Công an tỉnh.", 1)])]
    ['1. Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp tham mưu.', '2. Công an tỉnh.']
    >>> [p.text for p in join_lines([("Hoàn thiện thể chế, gắn với cải cách thủ tục hành chính", 3),
    ...     ("a) Các bộ, cơ quan ngang bộ", 3)], lefts=[99.0, 128.0])]
    ['Hoàn thiện thể chế, gắn với cải cách thủ tục hành chính', 'a) Các bộ, cơ quan ngang bộ']
    """
    width = line_width([t for t, _ in lines])
    xs = lefts if lefts is not None and len(lefts) == len(lines) else [None] * len(lines)
    margins = page_margins([(p, x) for (_, p), x in zip(lines, xs, strict=True)])
    paras: list[Para] = []
    prev = ""
    prev_x: float | None = None
    prev_opens = False  # prev is the first line of a paragraph that opens with a marker
    for (text, page), x in zip(lines, xs, strict=True):
        indented = _indent_opens(prev_x, x, margins.get(page), text)
        if paras and not indented and not starts_new_paragraph(prev, text, width, prev_opens):
            last = paras[-1]
            # A line ending in a hyphenated code ("10-") continues without a space.
            sep = "" if last.text.endswith("-") and not last.text.endswith(" -") else " "
            paras[-1] = Para(last.text + sep + text, last.page)
            prev_opens = False
        else:
            paras.append(Para(text, page))
            prev_opens = parse_marker(text) is not None
        prev, prev_x = text, x
    return paras


# A first-line indent is at least this far (PDF points) right of the margin.
INDENT = 8.0


def page_margins(lefts: list[tuple[int, float | None]]) -> dict[int, float]:
    """The left margin of each page: the most common left edge of its lines."""
    by_page: dict[int, dict[int, int]] = {}
    for page, x in lefts:
        if x is not None:
            counts = by_page.setdefault(page, {})
            counts[round(x)] = counts.get(round(x), 0) + 1
    return {p: float(max(c, key=lambda k: (c[k], -k))) for p, c in by_page.items()}


def _indent_opens(prev_x: float | None, x: float | None, margin: float | None,
                  text: str) -> bool:
    """True when a line at the first-line indent follows a line at the margin."""
    marker = parse_marker(text)
    if prev_x is None or x is None or margin is None or starts_lower(
            text[marker.offset:] if marker else text):
        return False
    return abs(prev_x - margin) <= 3 and x - prev_x >= INDENT


@dataclass
class _Open:
    """A clause still open on the stack while its children are read."""

    kind: str
    value: str
    path: str
    label: str
    heading: str
    dashes: int = 0
    pluses: int = 0


@dataclass
class _Draft:
    path: str
    label: str
    heading: tuple[str, ...]
    page: int
    kind: Literal["clause", "table_row", "preamble"]
    parts: list[str] = field(default_factory=list)
    prefix: str = ""  # printed marker before the clause's own text
    cells: tuple[str, ...] = ()
    fields: list[tuple[str, str]] = field(default_factory=list)


def _letter_index(v: str) -> int:
    return LETTERS.index(v) if v in LETTERS else -1


def _number_of(kind: str, value: str) -> int:
    if kind in ("roman", "chuong", "phan"):
        return roman_to_int(value) or (int(value) if value.isdigit() else 0)
    if kind == "letter":
        return _letter_index(value)
    if kind == "dotted":
        return int(value.split(".")[-1])
    digits = re.match(r"\d+", value)
    return int(digits.group()) if digits else 0


def _plausible(kind: str, value: str, sibling: _Open | None, stack: list[_Open]) -> bool:
    """Reject markers that break the numbering: ``5.`` after ``2.``, ``c)`` first..."""
    if kind in ("dash", "plus", "dieu", "chuong", "phan", "muc"):
        return True
    n = _number_of(kind, value)
    if kind == "dotted":
        parent = next((o for o in reversed(stack) if o.kind in ("num", "dotted")), None)
        head = value.rsplit(".", 1)[0]
        if parent is None:
            return True
        return head == parent.value or head.startswith(parent.value.split(".")[0])
    if sibling is None:
        # A first Roman heading may be any (an excerpt can start at IV); a first
        # number or letter must start its list, or it is likely wrapped text.
        return kind == "roman" or (n in (0, 1, 2) if kind == "letter" else n in (1, 2))
    prev = _number_of(sibling.kind, sibling.value)
    return prev < n <= prev + 2


def _misordered_heading(marker: Marker, sibling: _Open | None, text: str) -> bool:
    """``f) Sở Tài chính:`` printed after ``g)``: a letter out of order, but a short line
    that ends with a colon is a heading of its own, not wrapped text."""
    if marker.kind != "letter" or sibling is None or sibling.kind != "letter":
        return False
    n, prev = _number_of("letter", marker.value), _number_of("letter", sibling.value)
    if n < 0 or prev < 0:  # a Latin letter outside the Vietnamese list ("f" typed after "g")
        n, prev = ord(marker.value[:1]), ord(sibling.value[:1])
    own = text[marker.offset:].strip()
    return 0 < abs(n - prev) <= 2 and len(own) <= 120 and own.endswith(":")


class ClauseBuilder:
    """Turns body paragraphs into clauses, one section (main body or attachment) at a time.

    ``prefix`` (``"QC"``, ``"KH"``, ``"PL"``) starts every path of an attachment so
    ``Điều 1`` of a Quy chế does not collide with ``Điều 1`` of its Quyết định.
    """

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.stack: list[_Open] = []
        self.prefix = ""
        self.section_heading: tuple[str, ...] = ()
        self.preamble_count = 0
        self.current: _Draft | None = None
        self.used_paths: set[str] = set()
        self.field_rank = -1  # rank of numbered field lines being taken ("2. Cơ quan chủ trì:")

    def start_section(self, prefix: str, heading: tuple[str, ...]) -> None:
        """Begin an attachment: numbering restarts, paths get ``prefix``."""
        self.prefix = prefix
        self.section_heading = heading
        self.stack = []
        self.preamble_count = 0
        self.current = None

    def _unique(self, path: str) -> str:
        out, n = path, 2
        while out in self.used_paths:
            out, n = f"{path}~{n}", n + 1
        self.used_paths.add(out)
        return out

    def _full(self, path: str) -> str:
        return f"{self.prefix}.{path}" if self.prefix else path

    def add_paragraph(self, para: Para) -> None:
        """Read one paragraph: a new clause if it opens with a plausible marker, else text.

        A field line (``- Cơ quan chủ trì: Sở Nội vụ``, ``5. Thời gian hoàn thành: Quý
        IV/2026``) describes the task above it: it joins that clause's text and
        ``fields`` instead of opening a clause of its own.
        """
        marker = parse_marker(para.text)
        fld = field_line(para.text[marker.offset:] if marker else para.text)
        if fld and self._takes_field(marker):
            assert self.current is not None
            self.current.parts.append(para.text)
            self.current.fields.append(fld)
            if marker and marker.kind not in ("dash", "plus"):
                self.field_rank = RANKS[marker.kind]
            return
        if marker and self._accept(marker, para.text):
            self._open(marker, para)
        elif self.current is not None and self.current.kind != "preamble":
            self.current.parts.append(para.text)
            if self.stack and not self.stack[-1].heading:
                # "Chương I" / "QUY ĐỊNH CHUNG": the title is printed on the next line.
                self.stack[-1].heading = _heading_text(para.text)
        else:
            self._preamble(para)

    def _takes_field(self, marker: Marker | None) -> bool:
        """True when the open clause is the task a field line belongs to: the line has
        no marker, a bullet, a marker one level below the clause, or continues a
        numbered run of fields already taken."""
        if self.current is None or self.current.kind != "clause" or not self.stack:
            return False
        if _is_title(self.current.parts[0]):
            return False  # "II. NỘI DUNG" is a section title, not a task with fields
        if marker is None or marker.kind in ("dash", "plus"):
            return True
        rank = RANKS[marker.kind]
        return rank > RANKS[self.stack[-1].kind] or rank == self.field_rank

    def _accept(self, marker: Marker, text: str = "") -> bool:
        sibling = next((o for o in self.stack if RANKS[o.kind] == RANKS[marker.kind]), None)
        if marker.kind in ("dash", "plus") and not self.stack:
            return False  # a bullet list before any numbered item is preamble text
        if _plausible(marker.kind, marker.value, sibling, self.stack):
            return True
        return _misordered_heading(marker, sibling, text)

    def _preamble(self, para: Para) -> None:
        self.preamble_count += 1
        n = self.preamble_count
        draft = _Draft(
            path=self._unique(self._full(f"preamble.{n}")),
            label=f"Phần mở đầu › đoạn {n}",
            heading=self.section_heading,
            page=para.page,
            kind="preamble",
            parts=[para.text],
        )
        self.drafts.append(draft)
        self.current = draft

    def _open(self, marker: Marker, para: Para) -> None:
        rank = RANKS[marker.kind]
        while self.stack and RANKS[self.stack[-1].kind] >= rank:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        own = para.text[marker.offset:].strip()
        path, label = self._path_label(marker, parent)
        headings = self.section_heading + tuple(o.heading for o in self.stack if o.heading)
        full = self._unique(self._full(path))
        # Children hang on the de-duplicated path, so "2.5~2" gets "2.5~2.-1".
        path = full[len(self.prefix) + 1 :] if self.prefix else full
        draft = _Draft(
            path=full,
            label=label,
            heading=headings,
            page=para.page,
            kind="clause",
            parts=[own],
            prefix=para.text[: marker.offset],
        )
        self.drafts.append(draft)
        self.current = draft
        self.field_rank = -1
        self.stack.append(_Open(marker.kind, marker.value, path, label, _heading_text(own)))

    def _path_label(self, marker: Marker, parent: _Open | None) -> tuple[str, str]:
        kind, value = marker.kind, marker.value
        if kind in ("dash", "plus"):
            assert parent is not None
            if kind == "dash":
                parent.dashes += 1
                n, sym, name = parent.dashes, "-", "gạch đầu dòng"
            else:
                parent.pluses += 1
                n, sym, name = parent.pluses, "+", "ý"
            return f"{parent.path}.{sym}{n}", f"{parent.label} › {name} {n}"
        if kind == "dieu":
            return f"Điều {value}", f"Điều {value}"
        if kind in ("phan", "chuong", "muc"):
            word = {"phan": "Phần", "chuong": "Chương", "muc": "Mục"}[kind]
            if kind == "muc" and parent is not None:
                # Mục numbering restarts in each Chương: "Chương III.Mục 1".
                return f"{parent.path}.{word} {value}", f"{parent.label} › {word} {value}"
            return f"{word} {value}", f"{word} {value}"
        return self._numbered_path(kind, value, parent)

    def _numbered_path(self, kind: str, value: str, parent: _Open | None) -> tuple[str, str]:
        in_dieu = any(o.kind == "dieu" for o in self.stack)
        if kind == "dotted":
            # "1.1." hangs on the nearest enclosing Roman heading or Điều, not on "1."
            base = next((o for o in reversed(self.stack) if RANKS[o.kind] < RANKS["num"]), None)
            path = f"{base.path}.{value}" if base else value
        else:
            path = f"{parent.path}.{value}" if parent else value
        if kind == "roman":
            own = f"Mục {value}"
        elif kind == "num":
            own = f"khoản {value}" if in_dieu else (value if parent else f"Mục {value}")
        elif kind == "letter":
            own = f"điểm {value}"
        else:
            own = value
        label = f"{parent.label} › {own}" if parent else own
        return path, label

    def add_table_row(self, path: str, label: str, heading: tuple[str, ...],
                      cells: tuple[str, ...], page: int, text: str,
                      fields: tuple[tuple[str, str], ...] = ()) -> None:
        """Record one row of a task table as a clause of kind ``table_row``; ``text`` is
        what is printed for it (its cells without the row number, joined by `` | ``)."""
        self.drafts.append(
            _Draft(self._unique(path), label, heading, page, "table_row", [text], "", cells,
                   list(fields))
        )
        self.current = None

    def close_body(self) -> None:
        """Stop attaching text to the open clause (closing block or table reached)."""
        self.current = None

    def build(self) -> tuple[str, tuple[Clause, ...]]:
        """The body text and the clauses whose spans index into it."""
        chunks: list[str] = []
        pos = 0
        clauses: list[Clause] = []
        for d in self.drafts:
            own = "\n".join(p for p in d.parts if p)
            printed = d.prefix + own
            start = pos + len(d.prefix)
            chunks.append(printed)
            clauses.append(
                Clause(d.path, d.label, d.heading, own, d.page, (start, start + len(own)),
                       d.kind, d.cells, tuple(d.fields))
            )
            pos += len(printed) + 1
        return "\n".join(chunks), tuple(clauses)


_FIELD = re.compile(
    r"^(?P<label>(?:Cơ quan|Đơn vị|Thời gian|Thời hạn|Tiến độ|Sản phẩm|Kết quả|Tên nhiệm vụ)"
    r"[^:;.]{0,40}?)\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)


def field_line(own: str) -> tuple[str, str] | None:
    """(role, value) of a labelled field line, or None.

    >>> field_line("Đơn vị chủ trì thực hiện: Sở Nội vụ.")
    ('lead', 'Sở Nội vụ.')
    >>> field_line("Thời gian hoàn thành: Trong tháng 8/2025"), field_line("Giao Sở Y tế: a)")
    (('due', 'Trong tháng 8/2025'), None)
    """
    m = _FIELD.match(own.strip())
    if not m:
        return None
    role = cell_role(m.group("label"))
    return (role, m.group("value").strip()) if role and role != "no" else None


def _is_title(text: str) -> bool:
    """True for an upper-case section title: ``NỘI DUNG``, ``TỔ CHỨC THỰC HIỆN``."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _heading_text(own: str) -> str:
    """What a clause contributes to its children's headings: its first sentence, short.

    >>> _heading_text("Bộ Kế hoạch và Đầu tư:")
    'Bộ Kế hoạch và Đầu tư'
    """
    first = own.split("\n")[0].strip()
    if len(first) > 160:
        first = first[:157].rsplit(" ", 1)[0] + "…"
    return first.rstrip(" :;.")
