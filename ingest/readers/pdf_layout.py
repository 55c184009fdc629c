"""Page geometry of a PDF: ruled task tables, running headers, stamps, indents.

Pure functions over what pdfplumber reports (cells, characters, line boxes):

* :func:`logical_rows` rebuilds a ruled table on its real grid. pdfplumber cuts
  a table at *every* ruling it sees, so a table drawn with a rule under each text
  line, or with a header cell split in three, comes out as dozens of thin rows and
  phantom columns; a row or column border counts here only where it runs through
  the table (a column rule along most of its height, a row rule through the
  number column and most others). A cell that spans several real rows repeats its
  text in each, as a merged DOCX cell does.
* :func:`furniture_keys` finds running headers and footers (``CÔNG BÁO/Số 242/Ngày
  22-04-2026 71``, page numbers) by repetition in the top/bottom band of pages.
* :func:`is_stamp` flags the tiny print of e-signature stamps, far below the
  body's font size.
* :func:`stitch_tables` joins a table that runs over a page break: the next page
  opens with a table of the same columns, its repeated header row is dropped and
  a first row with no number (a cell broken by the page) is merged into the last
  row of the previous page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ingest.model import Block, Table
from ingest.normalize import normalize_line, rejoin_spaced_letters

# Top and bottom share of a page where running headers and footers live.
BAND = 0.07
# A stamp line is printed this much smaller than the body text (Nơi nhận is ~0.8).
STAMP_RATIO = 0.6
# A column border must run along this share of the table's height.
COLUMN_COVER = 0.5
_TOL = 2.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def _cuts(values: Iterable[float]) -> list[float]:
    """Distinct positions, values closer than the tolerance taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL


def _cover(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of intervals."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def column_cuts(cells: Sequence[Box], box: Box) -> list[float]:
    """Column borders that run along most of the table (phantom sub-columns dropped)."""
    height = box[3] - box[1]
    keep = []
    for x in _cuts(v for c in cells for v in (c[0], c[2])):
        spans = [(c[1], c[3]) for c in cells if _near(c[0], x) or _near(c[2], x)]
        if _near(x, box[0]) or _near(x, box[2]) or _cover(spans) >= COLUMN_COVER * height:
            keep.append(x)
    return keep


def row_cuts(cells: Sequence[Box], xs: list[float]) -> list[float]:
    """Row borders that cross the number column and at least half of the columns."""
    cols = list(zip(xs, xs[1:], strict=False))
    keep = []
    for y in _cuts(v for c in cells for v in (c[1], c[3])):
        hit = [any((_near(c[1], y) or _near(c[3], y)) and c[0] < b - _TOL and c[2] > a + _TOL
                   for c in cells) for a, b in cols]
        if hit and hit[0] and sum(hit) * 2 >= len(hit):
            keep.append(y)
    return keep


def _index(cuts: list[float], v: float) -> int:
    """The band of ``cuts`` holding ``v`` (-1 outside)."""
    for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        if a - _TOL <= v <= b + _TOL:
            return i
    return -1


def cell_text(chars: list[dict[str, Any]]) -> str:
    """The text of a cell's characters, its wrapped lines joined with spaces."""
    from pdfplumber.utils import extract_text

    lines = [rejoin_spaced_letters(normalize_line(s)) for s in extract_text(chars).split("\n")]
    out = ""
    for s in filter(None, lines):
        # "số 178-" / "QĐ/TW": a code broken at its hyphen continues without a space.
        sep = "" if not out or (out.endswith("-") and not out.endswith(" -")) else " "
        out += sep + s
    return out


def logical_rows(cells: Sequence[Box], chars: Iterable[dict[str, Any]]) -> list[list[str]]:
    """The table's text on its real grid (see the module docstring)."""
    if not cells:
        return []
    box = (min(c[0] for c in cells), min(c[1] for c in cells),
           max(c[2] for c in cells), max(c[3] for c in cells))
    xs = column_cuts(cells, box)
    ys = row_cuts(cells, xs)
    if len(xs) < 2 or len(ys) < 2:
        return []
    grid: list[list[list[dict[str, Any]]]] = [[[] for _ in xs[1:]] for _ in ys[1:]]
    chars_in = [ch for ch in chars
                if box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
                and box[1] <= (ch["top"] + ch["bottom"]) / 2 <= box[3]]
    for ch in chars_in:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        r, c = _index(ys, cy), _index(xs, cx)
        if r >= 0 and c >= 0:
            grid[r][c].append(ch)
    rows = [[cell_text(cs) for cs in row] for row in grid]
    _spread_merged_cells(rows, cells, chars_in, xs, ys)
    return rows


def _spread_merged_cells(rows: list[list[str]], cells: Sequence[Box], chars: list[dict[str, Any]],
                         xs: list[float], ys: list[float]) -> None:
    """A cell merged over several columns keeps its whole text in its first column; one
    merged over several rows gives its text to each of them (as a merged DOCX cell)."""
    for x0, top, x1, bottom in cells:
        r0, r1 = _index(ys, top + _TOL * 2), _index(ys, bottom - _TOL * 2)
        c0, c1 = _index(xs, x0 + _TOL * 2), _index(xs, x1 - _TOL * 2)
        if min(r0, r1, c0, c1) < 0 or (r0 == r1 and c0 == c1):
            continue
        box = (x0, top, x1, bottom)
        text = cell_text([ch for ch in chars if _within(ch, box)])
        if r0 == r1 and (top > ys[r0] + _TOL or bottom < ys[r0 + 1] - _TOL):
            _stack_over_subcells(rows[r0], box, text, chars, xs, (ys[r0], ys[r0 + 1]), (c0, c1))
            continue
        for r in range(r0, r1 + 1):
            rows[r][c0] = text
            for c in range(c0 + 1, c1 + 1):
                rows[r][c] = ""


def _within(ch: dict[str, Any], box: Box) -> bool:
    return box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2] and box[1] <= (ch["top"] + ch["bottom"]) / 2 <= box[3]


def _stack_over_subcells(row: list[str], box: Box, text: str, chars: list[dict[str, Any]],
                         xs: list[float], band: tuple[float, float], span: tuple[int, int]) -> None:
    """A cell merged over several columns that fills only part of its row's height, over
    sub-cells of its own (``Cơ quan thực hiện`` above ``Chủ trì | Phối hợp``, the row rule
    between them too short to cut the table): its text goes before the first sub-cell's,
    as a header of two rows reads, and each sub-cell keeps its own words."""
    for c in range(span[0], span[1] + 1):
        sub = (xs[c], band[0], xs[c + 1], band[1])
        own = cell_text([ch for ch in chars if _within(ch, sub) and not _within(ch, box)])
        row[c] = " ".join(x for x in (text if c == span[0] else "", own) if x)


def _key(text: str) -> str:
    """A line with its numbers blanked: page 70 and page 71 headers share a key."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def in_band(top: float, bottom: float, height: float) -> bool:
    return top < BAND * height or bottom > (1 - BAND) * height


def furniture_keys(pages: Sequence[Sequence[tuple[str, float, float]]],
                   heights: Sequence[float]) -> frozenset[str]:
    """Keys of lines repeated in the top/bottom band of several pages.

    ``pages`` holds, per page, (text, top, bottom) of each line. A key counts
    when it is in the band of at least two pages and of a third of them.

    >>> furniture_keys([[("CÔNG BÁO/Số 242 70", 30, 40), ("Điều 1", 100, 110)],
    ...                 [("CÔNG BÁO/Số 242 71", 30, 40), ("Điều 2", 100, 110)]], [842, 842])
    frozenset({'công báo/số # #'})
    """
    seen: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({_key(t) for t, top, bottom in lines if in_band(top, bottom, height)})
    need = max(2, len(pages) / 3)
    return frozenset(k for k, n in seen.items() if n >= need)


def is_furniture(text: str, keys: frozenset[str]) -> bool:
    """True for a running header/footer line or a bare page number (``- 3 -``)."""
    key = _key(text)
    return key in keys or bool(re.fullmatch(r"[-–(]?\s*(?:trang\s*)?#\s*[-–)]?(?:/\s*#)?", key))


def body_size(sizes: Iterable[float]) -> float:
    """The font size most characters are printed in."""
    counts = Counter(round(s, 1) for s in sizes)
    return counts.most_common(1)[0][0] if counts else 0.0


def is_stamp(line_sizes: Sequence[float], body: float) -> bool:
    """True for a line printed far smaller than the body: e-signature stamp text."""
    return bool(line_sizes) and body > 0 and max(line_sizes) < STAMP_RATIO * body


def _same_columns(a: Table, b: Table) -> bool:
    return len(a.rows[0]) == len(b.rows[0])


def _norm(row: Sequence[str]) -> tuple[str, ...]:
    return tuple(" ".join(c.split()).lower() for c in row)


def stitch_tables(pages: list[list[Block]]) -> list[list[Block]]:
    """Join tables continued over a page break into the table that started them.

    The merged table keeps the page of its first row in ``Table.page`` and the
    page of each row in ``Table.row_pages``.
    """
    out: list[list[Block]] = []
    last: tuple[int, int] | None = None  # (page index, block index) of the open table
    for pi, blocks in enumerate(pages):
        blocks = list(blocks)
        if blocks and isinstance(blocks[0], Table) and last is not None:
            prev = out[last[0]][last[1]]
            assert isinstance(prev, Table)
            if _same_columns(prev, blocks[0]):
                out[last[0]][last[1]] = continue_table(prev, blocks[0])
                blocks = blocks[1:]
        out.append(blocks)
        if blocks and isinstance(blocks[-1], Table):
            last = (pi, len(blocks) - 1)
        elif blocks:
            last = None
    return out


def continue_table(prev: Table, nxt: Table) -> Table:
    """``prev`` with the rows of ``nxt`` appended (repeated header dropped, broken
    first row merged into the last row of ``prev``).

    >>> a = Table((("TT", "Nhiệm vụ", "Chủ trì"), ("1", "Rà soát các", "Các bộ, cơ")), 1)
    >>> b = Table((("TT", "Nhiệm vụ", "Chủ trì"), ("", "quy định", "quan ngang bộ"),
    ...            ("2", "Sơ kết", "Bộ Nội vụ")), 2)
    >>> continue_table(a, b).rows[1:]
    (('1', 'Rà soát các quy định', 'Các bộ, cơ quan ngang bộ'), ('2', 'Sơ kết', 'Bộ Nội vụ'))
    """
    rows, pages = list(prev.rows), list(prev.pages_by_row)
    new, new_pages = list(nxt.rows), list(nxt.pages_by_row)
    head = len(_header_rows(prev, new))
    new, new_pages = new[head:], new_pages[head:]
    if new and rows and not new[0][0].strip() and any(c.strip() for c in new[0]):
        rows[-1] = tuple(" ".join(x for x in (a, b) if x.strip())
                         for a, b in zip(rows[-1], new[0], strict=True))
        new, new_pages = new[1:], new_pages[1:]
    return Table(tuple(rows + new), prev.page, tuple(pages + new_pages))


def _header_rows(prev: Table, new: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The leading rows of ``new`` that repeat the first rows of ``prev``."""
    out = []
    for a, b in zip(prev.rows, new, strict=False):
        if _norm(a) != _norm(b):
            break
        out.append(b)
    return out
