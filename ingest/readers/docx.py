"""DOCX reader: paragraphs and tables in document order, Word list numbers restored.

Word keeps automatic list numbers (``1.``, ``a)``, ``I.``, ``1.1.``) out of the
paragraph text: they live in ``numbering.xml`` and are computed when the page is
drawn. Clause numbers are what citations are made of, so ``Numbering`` recomputes
them and the reader puts them back in front of the text, as a reader sees it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from ingest.model import Block, Line, RawDocument, Table
from ingest.normalize import normalize_line

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Subtrees whose text is not part of the paragraph: properties, deleted
# revisions, text boxes (drawn elsewhere) and the duplicate fallback copy of
# alternate content.
_SKIP = {
    f"{W}pPr",
    f"{W}rPr",
    f"{W}del",
    f"{W}moveFrom",
    f"{W}txbxContent",
    f"{MC}Fallback",
    f"{W}instrText",
}


def q(tag: str) -> str:
    """The Clark name of a ``w:`` element or attribute: ``q("numId")``."""
    return W + tag


# --- numbering -------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a Word list: its number format, label template and start value."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False  # w:isLgl: every number in the label shown as decimal (1.1, not I.1)


def to_roman(n: int) -> str:
    """Upper-case Roman numeral: ``to_roman(14) == "XIV"``."""
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)


def to_letter(n: int) -> str:
    """Word's letter numbering: 1 → a, 26 → z, 27 → aa (not Vietnamese đ)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in Word number format ``fmt``.

    >>> [format_number(4, f) for f in ("decimal", "lowerLetter", "upperRoman", "decimalZero")]
    ['4', 'd', 'IV', '04']
    """
    if fmt == "lowerLetter":
        return to_letter(n)
    if fmt == "upperLetter":
        return to_letter(n).upper()
    if fmt == "lowerRoman":
        return to_roman(n).lower()
    if fmt == "upperRoman":
        return to_roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


def _val(el: Any, tag: str, default: str | None = None) -> str | None:
    child = el.find(q(tag)) if el is not None else None
    return child.get(q("val"), default) if child is not None else default


def parse_levels(abstract: Any) -> dict[int, Level]:
    """Levels of one ``w:abstractNum`` (or the ``w:lvl`` overrides of a ``w:num``)."""
    levels: dict[int, Level] = {}
    for lvl in abstract.iter(q("lvl")):
        start = _val(lvl, "start", "1") or "1"
        levels[int(lvl.get(q("ilvl"), "0"))] = Level(
            fmt=_val(lvl, "numFmt", "decimal") or "decimal",
            text=_val(lvl, "lvlText", "") or "",
            start=int(start) if start.lstrip("-").isdigit() else 1,
            legal=lvl.find(q("isLgl")) is not None,
        )
    return levels


@dataclass
class Numbering:
    """Word list definitions plus the running counters, fed paragraphs in order.

    Counters are kept per list instance (``numId``) and level; a paragraph at a
    level resets every deeper level, as Word does.
    """

    lists: dict[str, dict[int, Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: Any | None) -> Numbering:
        """Build from the root element of ``word/numbering.xml`` (None: no lists)."""
        if root is None:
            return cls()
        abstracts = {
            a.get(q("abstractNumId")): parse_levels(a) for a in root.iter(q("abstractNum"))
        }
        lists: dict[str, dict[int, Level]] = {}
        for num in root.iter(q("num")):
            levels = dict(abstracts.get(_val(num, "abstractNumId"), {}))
            for override in num.iter(q("lvlOverride")):
                ilvl = int(override.get(q("ilvl"), "0"))
                levels.update(parse_levels(override))
                start = _val(override, "startOverride")
                if start and start.isdigit() and ilvl in levels:
                    lv = levels[ilvl]
                    levels[ilvl] = Level(lv.fmt, lv.text, int(start), lv.legal)
            lists[num.get(q("numId"), "")] = levels
        return cls(lists=lists)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (list, level) and return the rendered label.

        >>> n = Numbering({"1": {0: Level("upperRoman", "%1."), 1: Level("decimal", "%1.%2.")}})
        >>> [n.label("1", 0), n.label("1", 1), n.label("1", 1), n.label("1", 0), n.label("1", 1)]
        ['I.', 'I.1.', 'I.2.', 'II.', 'II.1.']
        """
        levels = self.lists.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else levels[ilvl].start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        return render_label(levels, counts, ilvl)


def render_label(levels: dict[int, Level], counts: dict[int, int], ilvl: int) -> str:
    """Fill a ``lvlText`` template such as ``%1.%2.`` with the current counters."""
    level = levels[ilvl]
    if level.fmt == "bullet":
        # Symbol-font bullets (Wingdings ) mean nothing as text; Vietnamese documents
        # write list dashes as "-", and "+" for the level below.
        return "+" if level.text.strip() == "+" else "-"
    text = level.text
    for k in range(ilvl + 1, 0, -1):
        lv = levels.get(k - 1, Level())
        fmt = "decimal" if level.legal else lv.fmt
        text = text.replace(f"%{k}", format_number(counts.get(k - 1, lv.start), fmt))
    return text.strip()


# --- paragraphs and tables ------------------------------------------------


def run_texts(el: Any) -> Iterator[str]:
    """Text pieces of a paragraph in order, including runs nested in smart tags,
    insertions, fields and content controls (python-docx's ``Paragraph.text`` skips
    those and loses words such as ``NAM`` in ``CỘNG HOÀ ... VIỆT NAM``)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == q("t"):
            yield child.text or ""
        elif tag in (q("tab"), q("ptab")):
            yield "\t"
        elif tag in (q("br"), q("cr")):
            yield "" if child.get(q("type")) == "page" else "\n"
        elif tag == q("noBreakHyphen"):
            yield "-"
        else:
            yield from run_texts(child)


def paragraph_breaks(p: Any) -> int:
    """Page breaks inside a paragraph: explicit ones, else Word's last rendered ones."""
    explicit = sum(1 for br in p.iter(q("br")) if br.get(q("type")) == "page")
    rendered = sum(1 for _ in p.iter(q("lastRenderedPageBreak")))
    before = 1 if p.find(f"{q('pPr')}/{q('pageBreakBefore')}") is not None else 0
    return max(explicit + before, rendered)


@dataclass
class DocxWalker:
    """Walks the body in order, numbering list paragraphs and counting pages."""

    numbering: Numbering
    styles: dict[str, Any]
    page: int = 1
    breaks: int = 0  # page breaks seen (explicit or rendered): pages are known when > 0

    def num_ref(self, p: Any) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph, from its own properties or its style chain."""
        ppr = p.find(q("pPr"))
        num_pr = ppr.find(q("numPr")) if ppr is not None else None
        style_id = _val(ppr, "pStyle")
        seen: set[str] = set()
        while num_pr is None and style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            sppr = style.find(q("pPr"))
            num_pr = sppr.find(q("numPr")) if sppr is not None else None
            style_id = _val(style, "basedOn")
        num_id = _val(num_pr, "numId")
        if not num_id or num_id == "0":
            return None
        return num_id, int(_val(num_pr, "ilvl", "0") or "0")

    def paragraph(self, p: Any) -> str:
        """The paragraph's text with its list label in front (may contain ``\\n``)."""
        breaks = paragraph_breaks(p)
        self.page += breaks
        self.breaks += breaks
        text = "".join(run_texts(p))
        ref = self.num_ref(p)
        label = self.numbering.label(*ref) if ref else ""
        return f"{label} {text}" if label else text

    def cell_text(self, tc: Any) -> str:
        """A cell's paragraphs joined by newlines; nested tables become ``a | b`` lines."""
        parts: list[str] = []
        for child in tc:
            if child.tag == q("p"):
                parts.append(self.paragraph(child))
            elif child.tag == q("tbl"):
                parts.extend(" | ".join(c for c in row if c) for row in self.table_rows(child))
        lines = (normalize_line(s) for s in "\n".join(parts).split("\n"))
        return "\n".join(s for s in lines if s)

    def table_rows(self, tbl: Any) -> list[list[str]]:
        """Rows on the layout grid: a cell spanning columns fills the first, "" the rest;
        a vertically merged cell repeats its text in each row it covers, so every
        row of a task table keeps its owner."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}
        for tr in tbl.iter(q("tr")):
            if tr.getparent() is not tbl:
                continue
            # w:gridBefore: the row starts some grid columns in (its first cells are absent).
            before = _val(tr.find(q("trPr")), "gridBefore", "0") or "0"
            row: list[str] = [""] * (int(before) if before.isdigit() else 0)
            for tc in tr.findall(q("tc")):
                tcpr = tc.find(q("tcPr"))
                span = int(_val(tcpr, "gridSpan", "1") or "1")
                vmerge = tcpr.find(q("vMerge")) if tcpr is not None else None
                col = len(row)
                if vmerge is not None and vmerge.get(q("val"), "continue") == "continue":
                    text = above.get(col, "")
                else:
                    text = self.cell_text(tc)
                above[col] = text
                row.extend([text] + [""] * (span - 1))
            rows.append(row)
        return rows

    def blocks(self, body: Any) -> Iterator[Block]:
        """``Line`` per paragraph line and ``Table`` per table, in document order."""
        for child in body:
            if child.tag == q("p"):
                text = self.paragraph(child)  # advances self.page past its breaks
                for piece in text.split("\n"):
                    if line := normalize_line(piece):
                        yield Line(line, self.page)
            elif child.tag == q("tbl"):
                page = self.page
                rows = self.table_rows(child)
                if any(any(c for c in r) for r in rows):
                    yield rectangular(rows, page)
            elif child.tag == q("sdt") and (content := child.find(q("sdtContent"))) is not None:
                yield from self.blocks(content)  # content controls wrap ordinary blocks


def rectangular(rows: list[list[str]], page: int) -> Table:
    """A ``Table`` whose short rows are padded with "" to the widest row."""
    width = max(len(r) for r in rows)
    return Table(rows=tuple(tuple(r + [""] * (width - len(r))) for r in rows), page=page)


# --- file ------------------------------------------------------------------


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .doc, or encrypted .docx
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def check_container(path: Path) -> None:
    """Raise the right error when a .docx is not a zip package.

    Word saves a password-protected .docx as an OLE compound file holding an
    ``EncryptionInfo`` stream; an old .doc renamed to .docx is also OLE.
    """
    if zipfile.is_zipfile(path):
        return
    data = path.read_bytes()
    if data.startswith(_CFB_MAGIC) and _ENCRYPTION_INFO in data:
        raise EncryptedFileError(
            path,
            "tài liệu Word được bảo vệ bằng mật khẩu",
            "mở bằng Word, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ tài liệu) rồi lưu và nạp lại",
        )
    old = " (có vẻ là tệp .doc cũ đổi đuôi)" if data.startswith(_CFB_MAGIC) else ""
    raise CorruptFileError(
        path,
        f"tệp có đuôi .docx nhưng không phải tài liệu Word (.docx){old}",
        "mở bằng Word rồi lưu lại dạng .docx và nạp lại",
    )


def open_docx(path: Path) -> Any:
    """Open with python-docx; ``CorruptFileError`` when it is not a Word document."""
    import docx

    check_container(path)
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError...
        raise CorruptFileError(
            path,
            f"tệp .docx bị hỏng, không mở được ({type(exc).__name__})",
            "mở bằng Word, lưu lại thành .docx mới rồi nạp lại",
        ) from exc


def numbering_root(document: Any) -> Any | None:
    """Root of ``numbering.xml`` without creating one (python-docx would)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        return document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        return None


def style_elements(document: Any) -> dict[str, Any]:
    """Paragraph style elements by id, for numbering inherited from a style."""
    root = document.styles.element
    return {s.get(q("styleId")): s for s in root.iter(q("style"))}


def read_docx(path: Path) -> RawDocument:
    """Read a .docx into a ``RawDocument`` (extractor ``"python-docx"``).

    Pages are estimated from page breaks Word recorded (DOCX has no fixed pages);
    without any, the pages are unknown (``paged=False``).
    """
    document = open_docx(path)
    walker = DocxWalker(Numbering.from_xml(numbering_root(document)), style_elements(document))
    blocks = tuple(walker.blocks(document.element.body))
    if not blocks:
        raise EmptyFileError(path, "tài liệu Word không có chữ nào", "kiểm tra lại tệp gốc")
    return RawDocument(
        file=str(path),
        fmt="docx",
        blocks=blocks,
        extractor="python-docx",
        pages=walker.page,
        paged=walker.breaks > 0,
    )


# --- zip bombs (pre-check, run by ingest.bounded before reading) -----------

_INFLATE_CHUNK = 1 << 20
# An entry smaller than this cannot hurt whatever its ratio (tiny XML parts of
# real documents compress 30x and more).
_RATIO_FLOOR = 1 << 20


def zip_bomb_reason(path: Path, max_bytes: int, max_ratio: float) -> str | None:
    """Why the package would inflate beyond ``max_bytes`` in all, or an entry beyond
    ``max_ratio`` (when over 1 MB); None when it is safe (or not a zip: the reader says).

    Declared sizes are checked first, then every entry is inflated as a stream and
    counted, stopping at the cap: declared sizes can lie.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if (reason := _declared_reason(infos, max_bytes, max_ratio)) is not None:
                return reason
            total = 0
            for info in infos:
                total += _stream_size(zf, info, max_bytes - total + 1)
                if total > max_bytes:
                    return f"nội dung nén giải ra hơn {max_bytes // 2**20} MB (tại {info.filename})"
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None  # not a readable zip: check_container/open_docx give the right error
    return None


def _declared_reason(infos: list[zipfile.ZipInfo], max_bytes: int, max_ratio: float) -> str | None:
    declared = sum(i.file_size for i in infos)
    if declared > max_bytes:
        return f"nội dung nén khai báo {declared // 2**20} MB khi giải nén, vượt {max_bytes // 2**20} MB"
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > _RATIO_FLOOR and ratio > max_ratio:
            return f"{i.filename} nén với tỉ lệ {ratio:.0f}:1, vượt {max_ratio:.0f}:1 (dấu hiệu bom nén)"
    return None


def _stream_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes ``info`` actually inflates to, counted in chunks; stops once past ``cap``."""
    size = 0
    with zf.open(info) as fh:
        while size <= cap and (block := fh.read(_INFLATE_CHUNK)):
            size += len(block)
    return size
