"""The vanban web page without gradio: Hỏi đáp, Trách nhiệm, Thời hạn, Văn bản.

Every answer, task list and deadline comes from the service
(``vanban.service.Vanban``); here we turn them into escaped HTML and table rows,
guard uploads and the bind address, and hold one handler per page event
(:class:`Page`). ``app.py`` lays the page out with gradio and wires these
handlers; nothing here imports gradio, so tests call the page directly.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.chunks import SearchFilters
from index.errors import ConfigError
from ingest.errors import InputError, VanbanError
from vanban.answer.types import Answer, Citation, Owner
from vanban.export import vn_date
from vanban.settings import Config
from vanban.tracking import DEFAULT_WINDOW, mark_rows
from vanban.web.original import links_html
from vanban.web.protocol import PageService
from vanban.web.uploads import UploadJobs
from vanban.words import STATUS_WORDS

if TYPE_CHECKING:
    from index.pipeline import FileResult, ProgressFn
    from index.store import DocRecord

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
UPLOAD_EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md")
READ_CONCURRENCY = 8  # questions answered at once; uploads are serialized apart
UPLOAD_NICE = 10  # an upload's reader/embedder yields the CPU to questions
STATUS_LABELS = STATUS_WORDS  # the CLI's words (vanban/words.py)
# A file the OCR box would fix says so, in the words of the page.
OCR_HINT = "chọn Nhận dạng chữ (OCR) rồi tải lên lại"
OCR_STATUSES = frozenset({"needs_ocr", "unreadable", "unreadable_text_layer"})
ALL_STATUSES, ALL_TYPES, ALL_ISSUERS = "Mọi trạng thái", "Mọi loại văn bản", "Mọi cơ quan ban hành"
SORT_CHOICES = ("Hạn gần nhất trước", "Cơ quan", "Văn bản")
NOT_FOUND = (
    "Không tìm thấy nội dung liên quan trong các văn bản đã nạp. "
    "Hãy diễn đạt câu hỏi khác, nêu tên cơ quan hoặc số văn bản, hoặc mở rộng phạm vi tìm kiếm."
)
GENERIC_EXAMPLES = (
    "Cơ quan nào chủ trì và thời hạn hoàn thành là khi nào?",
    "Sở Công Thương được giao những nhiệm vụ gì?",
    "Nhiệm vụ báo cáo định kỳ do ai thực hiện, hạn nộp khi nào?",
)
TASK_HEADERS = ["Cơ quan", "Vai trò", "Nhiệm vụ", "Thời hạn", "Hạn", "Tình trạng", "Trích dẫn"]
DEADLINE_HEADERS = [
    "Hạn",
    "Tình trạng",
    "Cơ quan",
    "Vai trò",
    "Nhiệm vụ",
    "Thời hạn (nguyên văn)",
    "Định kỳ",
    "Trích dẫn",
]
DOC_HEADERS = ["Tệp", "Loại", "Số", "Ngày", "Cơ quan ban hành", "Trích yếu", "Điều khoản", "Ghi chú"]
UPLOAD_HEADERS = ["Tệp", "Kết quả", "Điều khoản", "Ghi chú"]


# ---------------------------------------------------------------- dates, auth, bind


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_vn_date(text: str | None, field: str) -> dt.date | None:
    """``15/9/2025`` (or ISO ``2025-09-15``) → date; blank → None; anything else → InputError.

    >>> parse_vn_date("15/9/2025", "Từ ngày")
    datetime.date(2025, 9, 15)
    """
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    m = _DMY.match(raw)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            field, f"ngày '{raw}' không hợp lệ", "nhập theo dạng dd/mm/yyyy, ví dụ 15/09/2025"
        ) from None


def parse_vn_range(date_from: str | None, date_to: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The page's Từ ngày / Đến ngày boxes as dates; a reversed range is an InputError."""
    from vanban.answer.tasks import check_range

    start, end = parse_vn_date(date_from, "Từ ngày"), parse_vn_date(date_to, "Đến ngày")
    check_range(start, end, "Từ ngày", "Đến ngày")
    return start, end


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"canbo:matkhau"`` → ``("canbo", "matkhau")``; a malformed value is a ConfigError."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError(
            "Tài khoản --auth / VANBAN_AUTH phải có dạng user:password "
            "(ví dụ canbo:MatKhauManh), cả hai phần đều không được trống."
        )
    return user.strip(), password


def check_bind(config: Config) -> tuple[str, str] | None:
    """The login to require, or None for a loopback bind; refuses a public bind without one.

    Anyone on the network could otherwise read and delete the documents.
    """
    auth = parse_auth(config.auth)
    if config.host not in LOOPBACK_HOSTS and auth is None:
        raise ConfigError(
            f"Không mở giao diện ra địa chỉ {config.host} khi chưa đặt mật khẩu: "
            "thêm --auth user:password (hoặc biến môi trường VANBAN_AUTH), "
            "hoặc dùng --host 127.0.0.1 để chỉ truy cập trên máy này."
        )
    return auth


def check_upload(path: str | Path, max_mb: int) -> str | None:
    """Why an uploaded file is refused (extension, size), or None when it may be ingested.

    Checked here, on the server, because the browser's file picker filter is advisory.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in UPLOAD_EXTENSIONS:
        shown = ext or "(không có phần mở rộng)"
        return f"định dạng {shown} không được hỗ trợ — chỉ nhận tệp PDF, DOCX, DOC, ODT, RTF, TXT, MD"
    size = p.stat().st_size
    if size > max_mb * 1024 * 1024:
        return (
            f"tệp {size / 1024 / 1024:.1f} MB vượt giới hạn {max_mb} MB — "
            "tách nhỏ tệp hoặc tăng VANBAN_MAX_UPLOAD_MB"
        )
    return None


# ---------------------------------------------------------------- answer and sources


_MARKER = re.compile(r"\[(\d{1,3})\]")


def link_markers(text: str) -> str:
    """Escape the answer, then turn ``[1]`` into a link to source card ``#src-1``.

    >>> link_markers("Sở Công Thương <chủ trì> [1]")
    'Sở Công Thương &lt;chủ trì&gt; <a class="vb-marker" href="#src-1">[1]</a>'
    """
    return _MARKER.sub(
        lambda m: f'<a class="vb-marker" href="#src-{m.group(1)}">[{m.group(1)}]</a>',
        html.escape(text, quote=False),
    )


def _fold(text: str) -> str:
    """NFC and lower case, one character for one, so offsets stay valid in the original."""
    text = unicodedata.normalize("NFC", text)
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def find_spans(text: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of every needle in ``text`` (case-insensitive, NFC).

    >>> find_spans("Giao Sở Công Thương chủ trì", ["sở công thương", "chủ trì"])
    [(5, 27)]
    """
    hay = _fold(text)
    spans: list[tuple[int, int]] = []
    for needle in {_fold(n).strip() for n in needles if n and n.strip()}:
        start = hay.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = hay.find(needle, start + 1)
    return merge_spans(spans)


_WORD = re.compile(r"\w+")


def shared_runs(text: str, question: str, min_run: int = 3) -> list[tuple[int, int]]:
    """Spans of ``text`` that repeat ``min_run``+ consecutive syllables of the question.

    Punctuation between syllables is ignored, so the question's wording is found
    even where the clause has commas.

    >>> t = "Công an tỉnh chủ trì kiểm tra an toàn phòng cháy, chữa cháy hằng năm"
    >>> [t[s:e] for s, e in shared_runs(t, "Ai kiểm tra an toàn phòng cháy chữa cháy?")]
    ['kiểm tra an toàn phòng cháy, chữa cháy']
    """
    toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(_fold(text))]
    q = [m.group() for m in _WORD.finditer(_fold(question))]
    spans: list[tuple[int, int]] = []
    for i in range(len(toks)):
        for j in range(len(q)):
            k = 0
            while i + k < len(toks) and j + k < len(q) and toks[i + k][2] == q[j + k]:
                k += 1
            if k >= min_run:
                spans.append((toks[i][0], toks[i + k - 1][1]))
    return merge_spans(spans)


def highlight(text: str, needles: Sequence[str], question: str = "") -> str:
    """Clause text as escaped HTML, the needles and the question's wording in ``<mark>``.

    >>> highlight("Sở Công Thương <b> trước 15/9/2025", ["trước 15/9/2025"])
    'Sở Công Thương &lt;b&gt; <mark>trước 15/9/2025</mark>'
    """
    text = unicodedata.normalize("NFC", text)
    spans = merge_spans(find_spans(text, needles) + shared_runs(text, question))
    out, pos = [], 0
    for s, e in spans:
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def relevant_needles(answer: Answer, citation: Citation) -> list[str]:
    """What to highlight in a source: the owners and deadlines the answer took from it."""
    needles: list[str] = []
    for o in answer.owners_of(citation):
        needles += [o.body, o.deadline_text or ""]
    return [n for n in needles if n]


def esc(value: object) -> str:
    """Any value as safe HTML text; None as ''."""
    return html.escape(str(value or ""))


def _doc_meta(doc: Any | None) -> str:
    if doc is None:
        return ""
    parts = [vn_date(getattr(doc, "date", None)), str(getattr(doc, "issuer", "") or "")]
    return " · ".join(html.escape(p) for p in parts if p)


# A task table's columns by role (ingest.tables.cell_role), as such tables head them.
COLUMN_NAMES = {"task": "Nhiệm vụ", "lead": "Cơ quan chủ trì", "coord": "Cơ quan phối hợp",
                "due": "Thời hạn", "result": "Kết quả"}


def row_html(fields: Sequence[tuple[str, str]], needles: Sequence[str], question: str = "") -> str:
    """A table row one column a line, each named: ``<b>Cơ quan chủ trì:</b> Sở Công Thương``;
    '' for a clause that is not a table row.

    >>> row_html([("task", "Rà soát"), ("lead", "Sở Tư pháp")], [])
    '<b>Nhiệm vụ:</b> Rà soát\\n<b>Cơ quan chủ trì:</b> Sở Tư pháp'
    """
    return "\n".join(f"<b>{esc(COLUMN_NAMES.get(role, role))}:</b> {highlight(value, needles, question)}"
                     for role, value in fields if value.strip())


def source_card(citation: Citation, doc: Any | None, needles: Sequence[str], question: str = "") -> str:
    """One numbered source: document, date and issuer, clause label, file, highlighted text.

    Every value from a document is escaped; only our own tags remain.
    """
    n = citation.n
    meta = _doc_meta(doc)
    head = f'<span class="vb-src-n">[{n}]</span> <b>{esc(citation.document)}</b>'
    if meta:
        head += f' <span class="vb-src-meta">{meta}</span>'
    parts = [f'<div class="vb-src-head">{head}</div>']
    title = str(getattr(doc, "title", "") or "") if doc is not None else ""
    if title:
        parts.append(f'<div class="vb-src-title">{esc(title)}</div>')
    parts.append(f'<div class="vb-src-label">{esc(citation.label or citation.clause)}</div>')
    text = row_html(citation.fields, needles, question) or highlight(citation.text, needles, question)
    parts.append(f'<blockquote class="vb-src-text">{text}</blockquote>')
    where = f" · {citation.where()}" if citation.where() else ""
    parts.append(f'<div class="vb-src-file">Tệp: {esc(citation.file)}{where}</div>')
    parts.append(links_html(citation, doc))
    return f'<div class="vb-src" id="src-{n}">' + "".join(parts) + "</div>"


def sources_html(answer: Answer | None, docs_by_file: Mapping[str, Any]) -> str:
    """The sources panel for one answer (or the empty-state hint before any question)."""
    if answer is None:
        return '<div class="vb-src-empty">Nguồn trích dẫn của câu trả lời sẽ hiện ở đây.</div>'
    if not answer.found or not answer.citations:
        return '<div class="vb-src-empty">Không có nguồn phù hợp cho câu hỏi này.</div>'
    cards = [
        source_card(c, docs_by_file.get(c.file), relevant_needles(answer, c), answer.question)
        for c in answer.citations
    ]
    return '<div class="vb-sources">' + "".join(cards) + "</div>"


def role_label(role: object) -> str:
    """The role as the documents word it (``chủ trì``, ``phối hợp``…); None as ''."""
    return str(role or "")


def owner_line(owner: Owner, citations: Sequence[Citation]) -> str:
    """``**Sở Công Thương** — chủ trì — hạn 15/09/2025 [1]`` with the marker linked."""
    parts = [f"<b>{html.escape(owner.body)}</b>"]
    if owner.role:
        parts.append(html.escape(role_label(owner.role)))
    due, text = vn_date(owner.due), owner.deadline_text or ""
    if due or text:
        parts.append(
            "hạn " + html.escape(due or text) + (f" ({html.escape(text)})" if due and text else "")
        )
    marks = [f"[{c.n}]" for c in citations if c.n == owner.citation]
    return " — ".join(parts) + (" " + link_markers(" ".join(marks)) if marks else "")


def answer_html(answer: Answer) -> str:
    """The chat reply: the service's answer with linked markers, then one line per owner."""
    if not answer.found:
        return html.escape(answer.text or NOT_FOUND, quote=False)
    body = link_markers(answer.text).replace("\n", "<br>")
    owners = [owner_line(o, answer.citations) for o in answer.owners]
    if owners:
        body += '<ul class="vb-owners">' + "".join(f"<li>{o}</li>" for o in owners) + "</ul>"
    return body


# ---------------------------------------------------------------- table rows


def status_cell(row: Mapping[str, Any]) -> str:
    """``sắp đến hạn (định kỳ, năm suy ra)`` for a row marked by ``vanban.tracking``; else ''.

    >>> status_cell({"status": "quá hạn", "status_note": ""}), status_cell({})
    ('quá hạn', '')
    """
    status, note = str(row.get("status") or ""), str(row.get("status_note") or "")
    return status + (f" ({note})" if status and note else "")


def due_cell(row: Mapping[str, Any]) -> str:
    """The date a row is judged by: a recurring deadline's next occurrence, else its due date."""
    return vn_date(row.get("next_due") or row.get("due"))


def task_rows(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Rows of the Trách nhiệm table: body, role, task, deadline text, due (dd/mm/yyyy),
    standing (Tình trạng), citation."""
    return [
        [
            str(r.get("body") or ""),
            role_label(r.get("role")),
            str(r.get("task") or ""),
            str(r.get("deadline_text") or ""),
            due_cell(r),
            status_cell(r),
            Citation.of_row(r).render(),
        ]
        for r in rows
    ]


def _sort_key(choice: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if choice == SORT_CHOICES[1]:
        return lambda r: (_fold(str(r.get("body") or "")), str(r.get("due") or "9999"))
    if choice == SORT_CHOICES[2]:
        return lambda r: (_fold(str(r.get("document") or "")), str(r.get("clause") or ""))
    # By due date only: the sort is stable, so ties keep the service's order, which is
    # the order of `vanban deadlines`; undated rows ("hằng năm") go last, not first.
    # A recurring row sorts by its next occurrence (``next_due``) once marked.
    return lambda r: (not r.get("due"), str(r.get("next_due") or r.get("due") or ""))


def sort_deadlines(rows: Sequence[Mapping[str, Any]], choice: str) -> list[Mapping[str, Any]]:
    """Deadline rows in the order chosen on the page (ISO dates sort correctly as text)."""
    return sorted(rows, key=_sort_key(choice))


def deadline_rows(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Rows of the Thời hạn table, dates as dd/mm/yyyy, the standing beside the date."""
    return [
        [
            due_cell(r),
            status_cell(r),
            str(r.get("body") or ""),
            role_label(r.get("role")),
            str(r.get("task") or ""),
            str(r.get("deadline_text") or ""),
            str(r.get("recurrence") or ""),
            Citation.of_row(r).render(),
        ]
        for r in rows
    ]


def with_next_step(status: str, message: str) -> str:
    """A failed file's message and what to do on this page: the OCR box for a scan or a
    broken font layer.

    >>> with_next_step("needs_ocr", "tệp là ảnh quét")
    'tệp là ảnh quét — chọn Nhận dạng chữ (OCR) rồi tải lên lại'
    """
    if status not in OCR_STATUSES:
        return message
    return f"{message} — {OCR_HINT}" if message else OCR_HINT


def _clause_count(doc: Any) -> int:
    clauses = getattr(doc, "clauses", 0)
    return clauses if isinstance(clauses, int) else len(clauses or ())


def document_note(doc: Any) -> str:
    """What is wrong with a stored document, in Vietnamese; '' when nothing is.

    A file kept as needing OCR says so; a document whose assignments could not be
    extracted is searchable but gives no owners or deadlines, and says why.
    """
    notes = []
    status = str(getattr(doc, "status", "ok") or "ok")
    if status != "ok":
        message = str(getattr(doc, "message", "") or "")
        notes.append(with_next_step(status, status_label(doc) + (f": {message}" if message else "")))
    if getattr(doc, "extraction", "") == "error":
        notes.append(str(getattr(doc, "extraction_message", "") or "không trích được phân công"))
    if getattr(doc, "corrected", ""):
        notes.append(f"đã sửa tay: {doc.corrected}")
    return "; ".join(notes)


def status_label(doc: Any) -> str:
    """A stored document's state in the words of the upload table: ``đã nạp``, ``cần OCR``…"""
    status = str(getattr(doc, "status", "ok") or "ok")
    key = {"ok": "ingested", "unreadable_text_layer": "unreadable"}.get(status, status)
    return STATUS_LABELS.get(key, status)


def _searchable(doc: Any) -> str:
    from ingest.normalize import fold

    parts = (doc.file, doc.name, getattr(doc, "number", ""), getattr(doc, "issuer", ""),
             getattr(doc, "title", ""))
    return fold(" ".join(str(p or "") for p in parts)).lower()


def filter_documents(docs: Sequence[Any], query: str | None = None, status: str | None = None,
                     doc_type: str | None = None, issuer: str | None = None) -> list[Any]:
    """The documents whose file, name, number, issuer or title hold every word of ``query``
    (with or without diacritics), in the chosen state, type and issuer ("Mọi …" or blank: any).

    >>> class D: file, name, number, issuer, title, type, status = (
    ...     "kh.docx", "Kế hoạch 45/KH-UBND", "45/KH-UBND", "Sở Công Thương", "", "Kế hoạch", "ok")
    >>> len(filter_documents([D()], "so cong thuong 45")), len(filter_documents([D()], "Sở Y tế"))
    (1, 0)
    """
    from ingest.normalize import fold

    words = fold(unicodedata.normalize("NFC", query or "")).lower().split()
    keep = []
    for d in docs:
        if words and not all(w in _searchable(d) for w in words):
            continue
        if status and status != ALL_STATUSES and status_label(d) != status:
            continue
        if doc_type and doc_type != ALL_TYPES and str(getattr(d, "type", "") or "") != doc_type:
            continue
        if issuer and issuer != ALL_ISSUERS and str(getattr(d, "issuer", "") or "") != issuer:
            continue
        keep.append(d)
    return keep


def document_counts(shown: Sequence[Any], docs: Sequence[Any]) -> str:
    """``Hiển thị 12 / 41 văn bản · 35 đã nạp · 4 cần OCR``: what the filters keep, then the
    whole index by state."""
    by_state: dict[str, int] = {}
    for d in docs:
        by_state[status_label(d)] = by_state.get(status_label(d), 0) + 1
    states = [f"{n} {label}" for label, n in sorted(by_state.items(), key=lambda kv: -kv[1])]
    return " · ".join([f"Hiển thị {len(shown)} / {len(docs)} văn bản", *states])


def filter_choices(docs: Sequence[Any]) -> tuple[list[str], list[str], list[str]]:
    """The choices of the state, type and issuer filters: "Mọi …" then what the index holds."""
    def present(values: Iterable[str], everything: str) -> list[str]:
        return [everything, *sorted({v for v in values if v}, key=_fold)]

    return (present((status_label(d) for d in docs), ALL_STATUSES),
            present((str(getattr(d, "type", "") or "") for d in docs), ALL_TYPES),
            present((str(getattr(d, "issuer", "") or "") for d in docs), ALL_ISSUERS))


def parsed_text_html(doc: Any | None, clauses: Sequence[Any]) -> str:
    """A document as parsed: its header fields, then its clause tree as indented text.

    Every value is escaped; nesting follows the clause label (``Mục II › 2 › 2.2``).
    """
    if doc is None:
        return '<div class="vb-parsed-empty">Chọn một văn bản để xem nội dung đã phân tích.</div>'
    fields = [("Tệp", doc.file), ("Văn bản", doc.name), ("Loại", getattr(doc, "type", "")),
              ("Số", getattr(doc, "number", "")), ("Ngày", vn_date(getattr(doc, "date", ""))),
              ("Cơ quan ban hành", getattr(doc, "issuer", "")), ("Trích yếu", getattr(doc, "title", "")),
              ("Tình trạng", status_label(doc)), ("Ghi chú", document_note(doc))]
    head = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v) or '—'}</dd>" for k, v in fields if k != "Ghi chú" or v)
    parts = [f'<dl class="vb-parsed-head">{head}</dl>']
    if not clauses:
        parts.append('<div class="vb-parsed-empty">Không có điều khoản nào được lưu.</div>')
    for c in clauses:
        label = str(getattr(c, "label", "") or getattr(c, "path", ""))
        depth = label.count("›")
        parts.append(f'<div class="vb-parsed-clause" style="margin-left:{depth * 1.2:.1f}em">'
                     f'<b>{esc(label)}</b> {esc(getattr(c, "text", ""))}</div>')
    return '<div class="vb-parsed">' + "".join(parts) + "</div>"


def document_rows(docs: Sequence[Any]) -> list[list[str]]:
    """Rows of the Văn bản table: the header fields of each indexed document, and what is wrong."""
    return [
        [
            str(d.file),
            str(getattr(d, "type", "") or ""),
            str(getattr(d, "number", "") or ""),
            vn_date(getattr(d, "date", None)),
            str(getattr(d, "issuer", "") or ""),
            str(getattr(d, "title", "") or ""),
            str(_clause_count(d)),
            document_note(d),
        ]
        for d in docs
    ]


def upload_rows(results: Sequence[Any]) -> list[list[str]]:
    """One row per uploaded file: name, result in Vietnamese, clause count, reason."""
    return [
        [
            Path(str(r.file)).name,
            STATUS_LABELS.get(str(r.status), str(r.status)),
            str(getattr(r, "clauses", "") or ""),
            with_next_step(str(r.status), str(getattr(r, "message", "") or "")),
        ]
        for r in results
    ]


def example_questions(docs: Sequence[Any], limit: int = 3) -> list[str]:
    """Questions offered on first load: about the indexed documents, then generic ones.

    >>> class D: name = "Công văn 5973/UBND-KT"; number = "5973/UBND-KT"
    >>> example_questions([D()], 2)[0]
    'Theo Công văn 5973/UBND-KT, cơ quan nào chủ trì và hạn hoàn thành là khi nào?'
    """
    named = [d for d in docs if getattr(d, "number", "") and not str(d.number).startswith("/")]
    asks = [f"Theo {d.name}, cơ quan nào chủ trì và hạn hoàn thành là khi nào?" for d in named]
    return (asks[:limit] + list(GENERIC_EXAMPLES))[: max(limit, 1) + 2]


def build_filters(
    files: Sequence[str] | None,
    doc_types: Sequence[str] | None,
    issuers: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
) -> SearchFilters:
    """The chat's scope controls as ``SearchFilters`` (dates typed as dd/mm/yyyy)."""
    start, end = parse_vn_range(date_from, date_to)
    return SearchFilters(
        files=tuple(files or ()),
        doc_types=tuple(doc_types or ()),
        issuers=tuple(issuers or ()),
        date_from=start,
        date_to=end,
    )


# ---------------------------------------------------------------- handlers


EXPORT_MAX_AGE_S = 3600.0  # exported spreadsheets are served once, then can go


def prune_older(folder: Path, max_age_s: float) -> None:
    """Delete sub-folders of ``folder`` last modified more than ``max_age_s`` ago."""
    import shutil
    import time

    cutoff = time.time() - max_age_s
    for sub in folder.iterdir():
        if sub.is_dir() and sub.stat().st_mtime < cutoff:
            shutil.rmtree(sub, ignore_errors=True)


class Page:
    """The page's behaviour without gradio: each method is one event handler.

    Tests call these directly with a fake service; ``build_app`` wires them.
    """

    def __init__(self, service: PageService, config: Config) -> None:
        self.service = service
        self.config = config
        # Reads take no lock: the service answers from an immutable snapshot and an
        # upload builds the next one beside it. Writes (uploads, removals) go one at a time.
        self.writes = threading.Lock()
        self.uploads = UploadJobs(self._ingest, self.writes)
        self.export_dir = Path(tempfile.mkdtemp(prefix="vanban-xlsx-"))

    # -- reads
    def documents(self) -> list[DocRecord]:
        return list(self.service.documents())

    def docs_by_file(self) -> dict[str, DocRecord]:
        return {str(d.file): d for d in self.documents()}

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer:
        """The service's answer to the question (NFC, trimmed; an empty one is refused)."""
        question = unicodedata.normalize("NFC", question or "").strip()
        if not question:
            raise InputError("câu hỏi", "câu hỏi đang trống", "nhập câu hỏi bằng tiếng Việt")
        answer: Answer = self.service.ask(
            question, filters=None if filters is None or filters.empty else filters
        )
        return answer

    def ask_json(self, question: str, filters: SearchFilters | None = None) -> dict[str, Any]:
        """Exactly what ``vanban ask --json`` prints."""
        return self.ask(question, filters).to_json()

    def chat(
        self, question: str, history: list[dict[str, Any]] | None, filters: SearchFilters
    ) -> tuple[list[dict[str, Any]], str]:
        """One chat turn: the new history and the sources panel for this answer."""
        history, panel, _ = self.chat_turn(question, history, filters)
        return history, panel

    def chat_turn(
        self, question: str, history: list[dict[str, Any]] | None, filters: SearchFilters
    ) -> tuple[list[dict[str, Any]], str, Answer]:
        """:meth:`chat`, and the answer itself (kept by the page for its downloads).

        A question that gets no answer — too long, or the index unreachable — is
        answered in the chat itself, in Vietnamese, with what to do.
        """
        if not (question or "").strip():
            raise InputError("câu hỏi", "câu hỏi đang trống", "nhập câu hỏi bằng tiếng Việt")
        try:
            answer = self.ask(question, filters)
        except VanbanError as err:
            answer = self.refusal(question, err)
        history = list(history or []) + [
            {"role": "user", "content": html.escape(answer.question.strip(), quote=False)},
            {"role": "assistant", "content": answer_html(answer)},
        ]
        panel = sources_html(answer, {} if answer.error else self.docs_by_file())
        return history, panel, answer

    def refusal(self, question: str, err: Exception) -> Answer:
        """A found=false answer saying why a question got none (``error`` set)."""
        from vanban.service import refused_answer

        return refused_answer(question.strip(), err, self.config.max_question_chars)

    def answer_files(self, answer: Answer | None) -> list[str]:
        """The last answer with its citations as DOCX and Markdown, for download; [] before any
        answer, or when the question was refused (too long, index unreachable)."""
        if answer is None or answer.error:
            return []
        from vanban.drafting import write_answer_docx, write_answer_markdown

        folder = self._export_folder()
        stem = f"vanban-tra-loi-{dt.date.today():%Y%m%d}"
        return [str(write_answer_docx(answer, folder / f"{stem}.docx")),
                str(write_answer_markdown(answer, folder / f"{stem}.md"))]

    def tasks(
        self, body: str | None, today: str | None = None, window: int = DEFAULT_WINDOW
    ) -> tuple[str, list[list[str]]]:
        """The Trách nhiệm tab: a summary line and the table for one body, each row marked
        against ``today`` (dd/mm/yyyy; blank: today) with a ``window``-day "sắp đến hạn"."""
        summary, rows = self.task_records(body, today, window)
        return summary, task_rows(rows)

    def task_records(
        self, body: str | None, today: str | None = None, window: int = DEFAULT_WINDOW
    ) -> tuple[str, list[dict[str, Any]]]:
        """:meth:`tasks` as the marked ``vanban tasks --json`` rows."""
        body = unicodedata.normalize("NFC", body or "").strip()
        ref = parse_vn_date(today, "Ngày đối chiếu")
        if not body:
            return "Chọn hoặc nhập tên cơ quan, đơn vị.", []
        rows = mark_rows(self.service.tasks(body), ref, window)
        if not rows:
            return f"Không tìm thấy nhiệm vụ nào giao cho “{html.escape(body)}”.", []
        leads = sum(1 for r in rows if role_label(r.get("role")) == "chủ trì")
        # the name as the documents spell it most, whatever variant was typed ("SCT")
        names = [str(r.get("body") or "") for r in rows]
        shown = max(set(names), key=lambda n: (names.count(n), -len(n)))
        summary = f"**{html.escape(shown)}**: {len(rows)} nhiệm vụ ({leads} chủ trì)."
        return summary, rows

    def task_files(
        self, body: str | None, today: str | None = None, window: int = DEFAULT_WINDOW
    ) -> list[str]:
        """One body's tasks as XLSX and as the DOCX drafting table; [] when there are none."""
        from vanban.drafting import write_tasks_docx
        from vanban.export import write_xlsx

        _, rows = self.task_records(body, today, window)
        if not rows:
            return []
        folder = self._export_folder()
        shown = str(rows[0].get("body") or "")
        return [str(write_xlsx(rows, folder / "vanban-nhiem-vu.xlsx")),
                str(write_tasks_docx(rows, folder / "vanban-nhiem-vu.docx", shown))]

    def deadlines(
        self,
        date_from: str | None,
        date_to: str | None,
        body: str | None,
        sort: str,
        today: str | None = None,
        window: int = DEFAULT_WINDOW,
    ) -> tuple[list[list[str]], str]:
        """The Thời hạn tab: sorted rows marked against ``today``, and the XLSX of exactly these rows."""
        start, end = parse_vn_range(date_from, date_to)
        ref = parse_vn_date(today, "Ngày đối chiếu")
        found = self.service.deadlines(start, end, (body or "").strip() or None)
        rows = sort_deadlines(mark_rows(found, ref, window), sort)
        from vanban.export import write_xlsx

        path = self._export_folder() / f"vanban-thoi-han-{dt.date.today():%Y%m%d}.xlsx"
        write_xlsx(rows, path)
        return deadline_rows(rows), str(path)

    def _export_folder(self) -> Path:
        """A fresh folder per request: two officials exporting at once never share a file."""
        prune_older(self.export_dir, EXPORT_MAX_AGE_S)
        return Path(tempfile.mkdtemp(dir=self.export_dir))

    def body_choices(self) -> list[str]:
        """Bodies offered in the pickers: every body that has a task, with or without a deadline."""
        return self.service.bodies()

    # -- writes
    def start_upload(self, files: Sequence[str] | None, ocr: bool = False,
                     progress: ProgressFn | None = None) -> str:
        """Check each file on the server and start ingesting the accepted ones in the
        background; returns the job id at once (poll it with :meth:`upload_status`).

        ``ocr`` reads scanned (or garbled) PDFs with tesseract instead of reporting "cần OCR".
        """
        paths = [Path(str(f)) for f in files or []]
        if not paths:
            raise InputError("tải lên", "chưa chọn tệp nào", "chọn tệp PDF, DOCX, DOC, ODT, RTF, TXT hoặc MD")
        refused = [(p, check_upload(p, self.config.max_upload_mb)) for p in paths]
        accepted = [p for p, why in refused if why is None]
        return self.uploads.start(accepted, ocr, [(p.name, why) for p, why in refused if why],
                                  progress)

    def upload_status(self, job_id: str | None) -> tuple[str, list[list[str]], bool]:
        """The job's progress line (Vietnamese), its result rows so far, and whether it is done."""
        status = self.uploads.status(job_id or "")
        if status is None:
            return "", [], True
        rows = [[name, STATUS_LABELS["rejected"], "", why] for name, why in status.rejected]
        return status.text, rows + upload_rows(status.results), status.finished

    def upload(
        self, files: Sequence[str] | None, progress: ProgressFn | None = None, ocr: bool = False
    ) -> list[list[str]]:
        """:meth:`start_upload` and wait for it: one row per file (scripts and tests)."""
        job_id = self.start_upload(files, ocr, progress)
        self.uploads.wait(job_id)
        status = self.uploads.status(job_id)
        if status is not None and status.failure is not None:
            raise status.failure
        if status is not None and status.error:
            raise RuntimeError(status.error)
        return self.upload_status(job_id)[1]

    def _ingest(self, paths: list[Path], progress: ProgressFn, ocr: bool) -> list[FileResult]:
        if not paths:
            return []
        return self.service.ingest(paths, progress=progress, ocr=ocr,
                                   workers=self.config.upload_workers, nice=UPLOAD_NICE)

    def document_table(self, query: str | None = None, status: str | None = None,
                       doc_type: str | None = None, issuer: str | None = None
                       ) -> tuple[list[list[str]], str]:
        """The Văn bản table as searched and filtered, and the counts line above it."""
        docs = self.documents()
        shown = filter_documents(docs, query, status, doc_type, issuer)
        return document_rows(shown), document_counts(shown, docs)

    def document_detail(self, file: str | None) -> tuple[str, str, str, str]:
        """A picked document's parsed text (header fields, clause tree), and its number,
        date (dd/mm/yyyy) and issuer to correct; empty when nothing is picked."""
        doc = self.docs_by_file().get(str(file)) if file else None
        if doc is None:
            return parsed_text_html(None, ()), "", "", ""
        clauses = list(self.service.clauses(doc.file))
        return parsed_text_html(doc, clauses), doc.number, vn_date(doc.date), doc.issuer

    def remove_prompt(self, file: str | None) -> str | None:
        """The label of the confirming button for a picked document; None when none is picked."""
        doc = self.docs_by_file().get(str(file)) if file else None
        return None if doc is None else f"Xác nhận xóa {doc.file}"

    def correct(self, file: str | None, number: str | None, date: str | None,
                issuer: str | None) -> str:
        """Store the header fields the user changed; a Vietnamese line saying what was kept."""
        doc = self.docs_by_file().get(str(file)) if file else None
        if doc is None:
            return "Chọn văn bản cần sửa thông tin."
        day = parse_vn_date(date, "Ngày ban hành")
        new_number = (number or "").strip()
        new_number = new_number if new_number != doc.number else ""
        new_day = day if day is not None and vn_date(day) != vn_date(doc.date) else None
        new_issuer = (issuer or "").strip()
        new_issuer = new_issuer if new_issuer != doc.issuer else ""
        if not (new_number or new_day or new_issuer):
            return f"Không có trường nào thay đổi cho {html.escape(doc.file)}."
        with self.writes:
            record = self.service.correct(doc.file, new_number or None, new_day, new_issuer or None)
        if record is None:
            return f"Không tìm thấy {html.escape(doc.file)} trong chỉ mục — có thể đã bị xóa; tải lại trang."
        return (f"Đã lưu thông tin đã sửa của {html.escape(record.file)}: {html.escape(record.name)}, "
                f"ngày {vn_date(record.date) or '—'}, {html.escape(record.issuer or '—')}. "
                "Câu trả lời và trích dẫn dùng thông tin mới, kể cả khi nạp lại tệp.")

    def remove(self, file: str | None) -> str:
        """Remove one document, named by its file; a Vietnamese confirmation line.

        By file, not doc id: the same bytes uploaded under two names share a doc id.
        """
        if not file:
            return "Chọn văn bản cần xóa."
        name = html.escape(str(file))
        with self.writes:
            removed = self.service.remove(file)
        if removed == 0:
            return f"Không tìm thấy {name} trong chỉ mục — có thể đã bị xóa; tải lại trang."
        return f"Đã xóa {name} khỏi chỉ mục."
