"""Statute corpora in the ALQAC JSON shape → one ``Document`` per law.

The shape (ALQAC 2022/2023 ``law.json``)::

    [{"id": "Luật Phòng, chống ma túy",          # or "law_id"; a name or a number
      "articles": [{"id": "32", "text": "Tiêu đề điều\\n\\n1. Khoản một...\\n\\na) Điểm a..."}]}]

Each article becomes a clause ``Điều 32``; its khoản (``1.``, ``2.`` …) and điểm
(``a)``, ``b)`` …) become child clauses ``Điều 32.1``, ``Điều 32.1.a`` (or
``Điều 32.a`` for a điểm directly under the article).

Decision for retrieval: the *article* is the unit ALQAC scores, so the
article-level clause is always kept, holding the whole article text; child
clauses repeat parts of it for precise citations. ``article_path`` maps any
clause path back to its article, and ``is_article_path`` selects the
article-level clauses (what ``evals/alqac.py`` indexes).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import CorruptFileError, EmptyFileError, InputError
from ingest.model import Clause, Document, Header, with_locations

_KHOAN = re.compile(r"^(\d{1,3})\.\s+\S")
_DIEM = re.compile(r"^([a-zđ])\)\s+\S")
# Vietnamese legal lists skip f, j, w, z and put đ after d.
DIEM_LETTERS = "abcdđeghiklmnopqrstuvxy"
_KINDS = ("Bộ luật", "Luật", "Hiến pháp", "Nghị định", "Thông tư", "Pháp lệnh", "Nghị quyết")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def doc_type_of(law_id: str) -> str:
    """The kind of law, from its name or its number.

    >>> doc_type_of("Luật Phòng, chống ma túy"), doc_type_of("Bộ luật dân sự")
    ('Luật', 'Bộ luật')
    >>> doc_type_of("91/2015/QH13"), doc_type_of("01/VBHN-VPQH"), doc_type_of("32/2024/NĐ-CP")
    ('Luật', 'Văn bản hợp nhất', 'Nghị định')
    """
    low = law_id.lower()
    for kind in _KINDS:
        if low.startswith(kind.lower()):
            return kind
    if "vbhn" in low:
        return "Văn bản hợp nhất"
    if "nđ-cp" in low:
        return "Nghị định"
    if "/tt-" in low:
        return "Thông tư"
    return "Luật"  # numbers ending in /QHxx are passed by the Quốc hội: luật or bộ luật


def article_path(path: str) -> str:
    """The article a clause belongs to: ``Điều 5.2.a`` → ``Điều 5``."""
    return path.split(".", 1)[0]


def is_article_path(path: str) -> bool:
    """True for ``Điều 5``, False for ``Điều 5.2`` or ``Điều 5.2.a``."""
    return path.startswith("Điều ") and "." not in path


@dataclass
class _Unit:
    """A khoản or điểm being collected: lines ``[start, end)`` of the article block."""

    path: str
    label: str
    heading: tuple[str, ...]
    start: int
    end: int = -1


def _next_khoan(line: str, expected: int) -> bool:
    m = _KHOAN.match(line)
    return m is not None and int(m.group(1)) == expected  # sequential, so "2015. ..." is no khoản


def _next_diem(line: str, expected: int) -> bool:
    m = _DIEM.match(line)
    return m is not None and expected < len(DIEM_LETTERS) and m.group(1) == DIEM_LETTERS[expected]


def split_units(article_id: str, lines: Sequence[str]) -> list[_Unit]:
    """Khoản and điểm of an article; ``lines[0]`` is the ``Điều N. Tiêu đề`` line.

    >>> [u.path for u in split_units("5", ["Điều 5. X", "1. Một:", "a) A;", "b) B.", "2. Hai."])]
    ['Điều 5.1', 'Điều 5.1.a', 'Điều 5.1.b', 'Điều 5.2']
    """
    units: list[_Unit] = []
    khoan: _Unit | None = None
    n_khoan, n_diem = 0, 0
    for i, line in enumerate(lines[1:], start=1):
        if _next_khoan(line, n_khoan + 1):
            n_khoan, n_diem = n_khoan + 1, 0
            khoan = _Unit(f"Điều {article_id}.{n_khoan}", f"Điều {article_id} › Khoản {n_khoan}",
                          (lines[0],), i)
            units.append(khoan)
        elif _next_diem(line, n_diem):
            letter = DIEM_LETTERS[n_diem]
            n_diem += 1
            parent = khoan.path if khoan else f"Điều {article_id}"
            label = f"{khoan.label if khoan else f'Điều {article_id}'} › Điểm {letter}"
            heading = (lines[0], lines[khoan.start]) if khoan else (lines[0],)
            units.append(_Unit(f"{parent}.{letter}", label, heading, i))
    _close_units(units, len(lines))
    return units


def _close_units(units: list[_Unit], n_lines: int) -> None:
    """A khoản ends where the next khoản starts; a điểm is its own paragraph.

    A paragraph after the last điểm (``Việc xác định … do Ủy ban nhân dân cấp
    tỉnh quyết định.``) speaks for the whole khoản, so it stays in the khoản only.
    """
    for i, unit in enumerate(units):
        if unit.label.rsplit(" › ", 1)[-1].startswith("Điểm"):
            unit.end = unit.start + 1
            continue
        depth = unit.path.count(".")
        unit.end = next((u.start for u in units[i + 1:] if u.path.count(".") <= depth), n_lines)


def _article_lines(article_id: str, text: str) -> list[str]:
    """Non-empty lines, the first (the article's title) prefixed with ``Điều N.``."""
    lines = [ln.strip() for ln in nfc(text).splitlines() if ln.strip()]
    title = lines[0] if lines else ""
    return [f"Điều {article_id}. {title}".rstrip(), *lines[1:]]


def article_clauses(article_id: str, text: str, base: int = 0) -> tuple[str, list[Clause]]:
    """The block of text for one article and its clauses (article first), spans from ``base``.

    >>> block, cs = article_clauses("7", "Giải thích từ ngữ\\n\\n1. Một.\\n\\n2. Hai:\\na) A.")
    >>> [(c.path, block[c.span[0]:c.span[1]]) for c in cs][1:]
    [('Điều 7.1', '1. Một.'), ('Điều 7.2', '2. Hai:\\na) A.'), ('Điều 7.2.a', 'a) A.')]
    """
    lines = _article_lines(article_id, text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    block = "\n".join(lines)
    clauses = [Clause(f"Điều {article_id}", lines[0], (), block, span=(base, base + len(block)))]
    for u in split_units(article_id, lines):
        start, end = offsets[u.start], offsets[u.end] - 1
        clauses.append(Clause(u.path, u.label, u.heading, block[start:end],
                              span=(base + start, base + end)))
    return block, clauses


def _law_id(law: Mapping[str, Any]) -> str:
    value = law.get("id", law.get("law_id"))
    if not isinstance(value, str | int) or not str(value).strip():
        raise ValueError("a law without 'id'/'law_id'")
    return nfc(str(value).strip())


def law_to_document(law: Mapping[str, Any], source: str = "") -> Document:
    """One law → a ``Document`` whose number is the law id and whose clauses are its articles.

    >>> d = law_to_document({"id": "Luật Thanh niên", "articles": [{"id": "1", "text": "Phạm vi"}]})
    >>> d.header.doc_type, d.header.number, [c.path for c in d.clauses]
    ('Luật', 'Luật Thanh niên', ['Điều 1'])
    """
    law_id = _law_id(law)
    blocks: list[str] = []
    clauses: list[Clause] = []
    base = 0
    for article in law.get("articles") or []:
        block, found = article_clauses(nfc(str(article["id"]).strip()), str(article["text"]), base)
        blocks.append(block)
        clauses += found
        base += len(block) + 2  # blocks are joined by a blank line
    text = "\n\n".join(blocks)
    is_name = not any(ch.isdigit() for ch in law_id)
    header = Header(doc_type=doc_type_of(law_id), number=law_id, title=law_id if is_name else None)
    digest = hashlib.sha256(f"{law_id}\n{text}".encode()).hexdigest()[:16]
    return Document(file=source, doc_id=digest, status="ok", extractor="lawjson",
                    header=header, clauses=with_locations(tuple(clauses), text, paged=False),
                    text=text, paged=False)


def laws_to_documents(data: Any, source: str = "") -> list[Document]:
    """The loaded JSON (a list of laws, or one law) → documents; ``ValueError`` on a wrong shape."""
    laws = [data] if isinstance(data, dict) and "articles" in data else data
    if not isinstance(laws, list) or not all(isinstance(x, dict) for x in laws):
        raise ValueError("expected a list of laws [{id, articles: [{id, text}]}]")
    return [law_to_document(law, source) for law in laws]


def read_law_corpus(path: str | Path) -> list[Document]:
    """Read an ALQAC-style law corpus file; ``InputError`` subclasses say what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"không đọc được tệp ({exc.strerror})", "kiểm tra lại đường dẫn") from exc
    if not raw.strip():
        raise EmptyFileError(path, "tệp rỗng", "chọn tệp JSON bộ luật có nội dung")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFileError(path, f"không phải JSON UTF-8 hợp lệ ({exc})",
                               "kiểm tra tệp có đúng định dạng JSON") from exc
    try:
        return laws_to_documents(data, str(path))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            path, f"JSON không đúng cấu trúc bộ luật ({exc})",
            'cần dạng [{"id": "...", "articles": [{"id": "1", "text": "..."}]}]',
        ) from exc
