"""Whether a parsed file is an administrative document at all.

A document of the kind vanban reads (NĐ 30/2020/NĐ-CP) shows its form in at least
one of three ways: header fields (số/ký hiệu, ngày, cơ quan ban hành, trích yếu),
numbered parts (``I.``, ``1.``, ``a)``, ``Điều 2``), or a task given to a body
(``Sở Y tế chủ trì …``). A file with none of them — a greeting, a stray note — is
reported as having no administrative structure instead of being indexed as a
one-clause document nobody could cite.

The document type alone does not count: the header parser falls back to
``Công văn`` when nothing names a type.
"""

from __future__ import annotations

from ingest.model import Document

NO_STRUCTURE = (
    "không có số, ngày, cơ quan ban hành hay trích yếu, không có mục đánh số, không giao việc "
    "cho cơ quan nào — chưa nạp; kiểm tra đã chọn đúng tệp văn bản chưa"
)


def has_header_fields(doc: Document) -> bool:
    """Any header field the file itself carries: number, date, issuer or title."""
    h = doc.header
    return bool(h.number or h.date or h.issuer or h.title)


def has_numbered_parts(doc: Document) -> bool:
    """Any clause other than the unnumbered preamble paragraphs (``preamble.N``)."""
    return any(c.kind != "preamble" for c in doc.clauses)


def has_assignment(doc: Document) -> bool:
    """Any task given to a body, found by the assignment extractor."""
    from ingest.assignments import extract_assignments

    try:
        return bool(extract_assignments(doc))
    except Exception:  # noqa: BLE001 — the extractor's failure is reported at indexing
        return True


def structure_problem(doc: Document) -> str | None:
    """Why ``doc`` is not an administrative document (Vietnamese), or None when it is.

    The cheap checks run first; the extractor runs only on a file that has neither
    header fields nor numbered parts.

    >>> from ingest.model import Clause, Header
    >>> hello = Document("xin-chao.txt", "x", "ok", header=Header(doc_type="Công văn"),
    ...                  clauses=(Clause("preamble.1", "", (), "Xin chào", kind="preamble"),))
    >>> structure_problem(hello) == NO_STRUCTURE
    True
    >>> task = Clause("preamble.1", "", (), "Sở Y tế chủ trì kiểm tra an toàn thực phẩm.", kind="preamble")
    >>> structure_problem(Document("a.txt", "y", "ok", clauses=(task,))) is None
    True
    """
    if doc.status != "ok" or has_header_fields(doc) or has_numbered_parts(doc):
        return None
    return None if has_assignment(doc) else NO_STRUCTURE
