"""The answer as a value: ``Answer``, its ``Owner`` lines and its numbered ``Citation``s.

Every face (``vanban ask``, the page, the ``/ask`` API, the spreadsheets) takes
these types; :meth:`Answer.to_json` is the ``vanban ask --json`` contract::

    {"question", "found", "answer", "owners": [{body, role, due, deadline_text, citation}],
     "citations": [{n, file, document, clause, label, text, score, page, paragraph}]}

>>> c = Citation("a.txt", "Kế hoạch 28/KH-BCĐCVĐ", "IV.1.1", "Mục IV › 1 › 1.1", n=1)
>>> c.render()
'Kế hoạch 28/KH-BCĐCVĐ › IV.1.1'
>>> Answer("Ai?", True, "Sở X chủ trì [1].", (Owner("Sở X", "chủ trì", None, None, 1),),
...        (c,)).to_json()["owners"]
[{'body': 'Sở X', 'role': 'chủ trì', 'due': None, 'deadline_text': None, 'citation': 1}]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from index.chunks import Chunk
    from ingest.assignments import Assignment

__all__ = ["Answer", "Citation", "Gap", "Owner", "readable_clause", "render_citation"]


def render_citation(document: str, clause: str) -> str:
    """``Kế hoạch 28/KH-BCĐCVĐ › IV.1.1``: how every face prints where a statement comes from.

    >>> render_citation("Chỉ thị 13/CT-TTg", "")
    'Chỉ thị 13/CT-TTg'
    """
    return f"{document} › {clause}" if clause else document


# Path parts that number clauses for us, not as the document prints them:
# "preamble.5", a dash or plus item ("6.-2", "II.2.-1.+1"), a repeated number ("2.5~2").
_INTERNAL_PATH = re.compile(r"preamble|(?:^|\.)[-+]\d|~\d")


def readable_clause(clause: str, label: str) -> str:
    """Where a clause is, in words a reader finds in the document: its path when that is
    printed in the document (``II.2.2.a``), else its label (``Phần mở đầu › đoạn 5``),
    with the appendix it is in.

    >>> readable_clause("II.2.2.a", "Mục II › 2 › 2.2 › điểm a")
    'II.2.2.a'
    >>> readable_clause("6.-2", "Mục 6 › gạch đầu dòng 2")
    'Mục 6 › gạch đầu dòng 2'
    >>> readable_clause("PL1.preamble.1", "Phần mở đầu › đoạn 1")
    'Phụ lục 1 › Phần mở đầu › đoạn 1'
    """
    if not _INTERNAL_PATH.search(clause) or not label:
        return clause
    appendix = re.match(r"PL(\d*)\.", clause)
    if appendix:
        return " ".join(("Phụ lục", appendix.group(1))).strip() + f" › {label}"
    return label


@dataclass(frozen=True)
class Citation:
    """A clause an answer rests on: its file, document, clause id (``IV.1.1``), label,
    text and retrieval score; ``n`` is its number in an answer (``[n]``), 0 outside one.

    ``page`` is the page the clause starts on (``None`` where the file has no known
    pages: a DOCX without recorded page breaks, a text file); ``paragraph`` its
    1-based paragraph in the document's body, to find it where there is no page.
    """

    file: str
    document: str
    clause: str
    label: str
    text: str = ""
    score: float = 0.0
    page: int | None = None
    n: int = 0
    paragraph: int | None = None
    fields: tuple[tuple[str, str], ...] = ()  # a table row's cells by column role

    @classmethod
    def of_chunk(cls, chunk: Chunk, score: float = 0.0, n: int = 0) -> Citation:
        return cls(chunk.file, chunk.document, chunk.path, chunk.label, chunk.text,
                   round(float(score), 6), chunk.page, n, paragraph=chunk.paragraph or None,
                   fields=chunk.fields)

    @classmethod
    def of_assignment(cls, a: Assignment, n: int = 0) -> Citation:
        return cls(a.file, a.document, a.clause, a.label, a.clause_text, 0.0, a.page, n,
                   a.paragraph or None)

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> Citation:
        """From a ``vanban deadlines --json`` row (the document's file when it has no name)."""
        document = str(row.get("document") or row.get("file") or "")
        return cls(str(row.get("file") or ""), document, str(row.get("clause") or ""),
                   str(row.get("label") or ""))

    def render(self) -> str:
        """The citation as printed everywhere, never an internal path.

        >>> Citation("a.pdf", "Quyết định 1520/QĐ-UBND", "preamble.5", "Phần mở đầu › đoạn 5").render()
        'Quyết định 1520/QĐ-UBND › Phần mở đầu › đoạn 5'
        """
        return render_citation(self.document, readable_clause(self.clause, self.label))

    def extra_label(self) -> str:
        """The label in words when :meth:`render` does not already show it ('' otherwise).

        >>> Citation("a.txt", "Kế hoạch 28/KH-BCĐCVĐ", "IV.1.1", "Mục IV › 1 › 1.1").extra_label()
        'Mục IV › 1 › 1.1'
        >>> Citation("a.pdf", "Quyết định 1520/QĐ-UBND", "preamble.5", "Phần mở đầu › đoạn 5").extra_label()
        ''
        """
        return "" if readable_clause(self.clause, self.label) != self.clause else self.label

    def where(self) -> str:
        """Where to find the clause in the original: ``tr. 3``, else ``đoạn 12``, else ''.

        >>> Citation("a.pdf", "Chỉ thị 08/CT-UBND", "1.a", "1 › điểm a", page=3).where()
        'tr. 3'
        >>> Citation("a.docx", "Công văn 612/SCT-QLCN", "2", "2", paragraph=12).where()
        'đoạn 12'
        """
        if self.page:
            return f"tr. {self.page}"
        return f"đoạn {self.paragraph}" if self.paragraph else ""

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "file": self.file, "document": self.document, "clause": self.clause,
                "label": self.label, "text": self.text, "score": self.score, "page": self.page,
                "paragraph": self.paragraph}


@dataclass(frozen=True)
class Owner:
    """One body's part in the answer: role, deadline, and the number of the citation it rests on."""

    body: str
    role: str
    due: dt.date | None
    deadline_text: str | None
    citation: int

    @classmethod
    def of(cls, a: Assignment, n: int) -> Owner:
        return cls(a.body, a.role, a.due, a.deadline_text, n)

    def to_json(self) -> dict[str, Any]:
        return {"body": self.body, "role": self.role, "due": self.due.isoformat() if self.due else None,
                "deadline_text": self.deadline_text, "citation": self.citation}


# Why nothing was found, when it was not: no clause relevant enough (the service words
# it for its index and filters), or the documents state nothing for what was asked
# (no deadline falls in the period; the header does not print the field asked for;
# the body the question names has no task in the documents in scope).
Gap = Literal["no_relevant_clause", "nothing_due", "no_header_field", "document_not_loaded",
              "no_task_for_body"]


@dataclass(frozen=True)
class Answer:
    """An answer: its text with ``[n]`` marks, the owners it names and the citations."""

    question: str
    found: bool
    text: str
    owners: tuple[Owner, ...] = ()
    citations: tuple[Citation, ...] = ()
    gap: Gap | None = None  # why nothing was found, when composed so
    error: str | None = None  # why the question got no answer at all (too long, index down)

    def owners_of(self, citation: Citation) -> list[Owner]:
        """The owners this citation supports."""
        return [o for o in self.owners if o.citation == citation.n]

    def to_json(self) -> dict[str, Any]:
        """The ``vanban ask --json`` object (keys in this order; ``error`` only for a refusal)."""
        out = {"question": self.question, "found": self.found, "answer": self.text,
               "owners": [o.to_json() for o in self.owners],
               "citations": [c.to_json() for c in self.citations]}
        return out if self.error is None else {**out, "error": self.error}
