"""Exports for drafting: a body's tasks as a DOCX table, an answer with its citations.

Staff check a body's responsibilities before drafting a kế hoạch triển khai; the
table here (STT | Nhiệm vụ | Vai trò | Thời hạn | Căn cứ) pastes into Word as
it is: bordered, header row repeated on each page, Times New Roman 13.

An answer (the ``vanban ask --json`` object, or anything with ``to_json()``)
becomes Markdown or DOCX: the question, the answer with its ``[n]`` marks,
the owners, then each cited clause with its document and file.

>>> deadline_cell({"deadline_text": "trước ngày 15/6", "due": "2023-06-15", "recurrence": None})
'Trước ngày 15/6 (15/06/2023)'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vanban.answer.types import Citation
from vanban.export import output_path
from vanban.tracking import year_inferred

__all__ = [
    "TASK_TABLE_HEADERS",
    "answer_markdown",
    "deadline_cell",
    "task_table_rows",
    "write_answer_docx",
    "write_answer_markdown",
    "write_tasks_docx",
]

Row = Mapping[str, Any]
TASK_TABLE_HEADERS = ("STT", "Nhiệm vụ", "Vai trò", "Thời hạn", "Căn cứ")
FONT, FONT_SIZE_PT = "Times New Roman", 13


def _dmy(value: object) -> str:
    """``2025-09-15`` → ``15/09/2025``; empty stays empty."""
    return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y") if value else ""


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]


def deadline_cell(row: Row) -> str:
    """The Thời hạn cell as a plan words it: the document's phrase, with the date when the
    phrase leaves the year out; the date alone when no phrase was kept.

    >>> deadline_cell({"deadline_text": None, "due": None, "recurrence": "thường xuyên"})
    'Thường xuyên'
    """
    said = str(row.get("deadline_text") or row.get("recurrence") or "")
    due = row.get("due")
    if said and due and year_inferred(dt.date.fromisoformat(str(due)), said):
        return _sentence(f"{said} ({_dmy(due)})")
    return _sentence(said or _dmy(due))


def task_table_rows(rows: Sequence[Row]) -> list[list[str]]:
    """The cells of the drafting table, one list per task, numbered from 1.

    >>> task_table_rows([{"task": "Rà soát  cơ sở", "role": "chủ trì", "deadline_text": "Quý III/2026",
    ...                   "due": "2026-09-30", "document": "Kế hoạch 45/KH-UBND", "clause": "II.1"}])
    [['1', 'Rà soát cơ sở', 'Chủ trì', 'Quý III/2026', 'Kế hoạch 45/KH-UBND › II.1']]
    """
    return [[str(i), _sentence(str(r.get("task") or "")), _sentence(str(r.get("role") or "")),
             deadline_cell(r), Citation.of_row(r).render()] for i, r in enumerate(rows, start=1)]


def _new_document() -> Any:
    """A python-docx document whose Normal style is Times New Roman 13 (also for Vietnamese)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(FONT_SIZE_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    return doc


def _repeat_header(row: Any) -> None:
    """Mark a table row as the header repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def add_task_table(doc: Any, rows: Sequence[Row]) -> Any:
    """Append the bordered STT | Nhiệm vụ | Vai trò | Thời hạn | Căn cứ table to ``doc``."""
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(TASK_TABLE_HEADERS))
    table.style = "Table Grid"  # single borders on every cell
    for cell, title in zip(table.rows[0].cells, TASK_TABLE_HEADERS, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    _repeat_header(table.rows[0])
    for values in task_table_rows(rows):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    for column, width in zip(table.columns, (1.2, 8.0, 2.4, 3.0, 3.4), strict=True):
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def write_tasks_docx(rows: Sequence[Row], path: str | Path, body: str = "") -> Path:
    """A DOCX holding one title line and the drafting table of ``rows``.

    >>> import tempfile
    >>> p = write_tasks_docx([], Path(tempfile.mkdtemp()) / "a" / "nv.docx", "Sở Công Thương")
    >>> p.exists()
    True
    """
    doc = _new_document()
    title = f"Nhiệm vụ của {body}" if body else "Nhiệm vụ"
    doc.add_paragraph().add_run(title).bold = True
    add_task_table(doc, rows)
    out = output_path(path)
    doc.save(str(out))
    return out


# ---------------------------------------------------------------- answers


def _answer_json(answer: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    """The ``vanban ask --json`` object of an answer given as that object or as an ``Answer``."""
    if isinstance(answer, Mapping):
        return answer
    to_json = getattr(answer, "to_json", None)
    if callable(to_json):
        return dict(to_json())
    raise TypeError(f"not an answer: {type(answer).__name__}")


def _owner_text(owner: Mapping[str, Any]) -> str:
    """``Sở Công Thương — chủ trì — hạn 30/09/2026 (trước ngày 30/9/2026) [1]``."""
    parts = [str(owner.get("body") or "")]
    if owner.get("role"):
        parts.append(str(owner["role"]))
    due, said = _dmy(owner.get("due")), str(owner.get("deadline_text") or "")
    if due or said:
        parts.append("hạn " + (f"{due} ({said})" if due and said else due or said))
    ref = owner.get("citation")
    return " — ".join(parts) + (f" [{ref}]" if isinstance(ref, int) else "")


def _citation_head(c: Mapping[str, Any]) -> str:
    citation = Citation.of_row(c)
    label = f" ({citation.extra_label()})" if citation.extra_label() else ""
    return f"[{c.get('n')}] {citation.render()}{label} — tệp {c.get('file', '')}"


def answer_markdown(answer: Mapping[str, Any] | Any) -> str:
    """An answer as Markdown: question, answer, owners, then each citation quoted.

    >>> print(answer_markdown({"question": "Ai chủ trì?", "found": True, "answer": "Sở Y tế chủ trì [1].",
    ...     "owners": [{"body": "Sở Y tế", "role": "chủ trì", "due": None, "citation": 1}],
    ...     "citations": [{"n": 1, "document": "Kế hoạch 1/KH-UBND", "clause": "2", "file": "kh.docx",
    ...                    "text": "Sở Y tế chủ trì."}]}))
    ## Ai chủ trì?
    <BLANKLINE>
    Sở Y tế chủ trì [1].
    <BLANKLINE>
    - Sở Y tế — chủ trì [1]
    <BLANKLINE>
    ### Trích dẫn
    <BLANKLINE>
    **[1] Kế hoạch 1/KH-UBND › 2 — tệp kh.docx**
    <BLANKLINE>
    > Sở Y tế chủ trì.
    """
    a = _answer_json(answer)
    lines = [f"## {a.get('question', '')}", "", str(a.get("answer") or "")]
    owners = list(a.get("owners") or [])
    if owners:
        lines += ["", *(f"- {_owner_text(o)}" for o in owners)]
    cites = list(a.get("citations") or [])
    if cites:
        lines += ["", "### Trích dẫn"]
    for c in cites:
        quoted = "\n".join(f"> {line}" if line else ">" for line in str(c.get("text") or "").splitlines())
        lines += ["", f"**{_citation_head(c)}**", "", quoted]
    return "\n".join(lines)


def write_answer_markdown(answer: Mapping[str, Any] | Any, path: str | Path) -> Path:
    """:func:`answer_markdown` written to ``path`` (UTF-8), folders created."""
    out = output_path(path)
    out.write_text(answer_markdown(answer) + "\n", encoding="utf-8")
    return out


def write_answer_docx(answer: Mapping[str, Any] | Any, path: str | Path) -> Path:
    """An answer as DOCX: the question as a heading, the answer, owners, the cited clauses."""
    a = _answer_json(answer)
    doc = _new_document()
    doc.add_paragraph().add_run(str(a.get("question") or "")).bold = True
    doc.add_paragraph(str(a.get("answer") or ""))
    for owner in a.get("owners") or []:
        doc.add_paragraph(_owner_text(owner), style="List Bullet")
    cites = list(a.get("citations") or [])
    if cites:
        doc.add_paragraph().add_run("Trích dẫn").bold = True
    for c in cites:
        doc.add_paragraph().add_run(_citation_head(c)).bold = True
        doc.add_paragraph(str(c.get("text") or "")).paragraph_format.left_indent = _indent()
    out = output_path(path)
    doc.save(str(out))
    return out


def _indent() -> Any:
    from docx.shared import Cm

    return Cm(1)
