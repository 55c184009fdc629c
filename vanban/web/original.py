"""The original of a cited document, in the browser: links, lookup and the rendered page.

A source card links to ``original/<doc_id>?c=<clause>#c-<anchor>``: the parsed
document (header, clause tree, task tables) with the cited clause marked and
scrolled into view; for a PDF, the page markers of the text layer and a link to
the PDF itself at that page (``original/<doc_id>/file#page=N``, the browser's own
viewer); the file can be downloaded (``…/file?download=1``). ``app.py`` wires
these as routes; everything here is pure except :func:`find`, which reads the
index folder through ``index.originals`` (which never opens a path outside it).

Every text from a document is escaped; the page loads nothing from elsewhere.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index import originals
from vanban.answer.types import Citation

__all__ = ["Original", "anchor", "content_disposition", "content_type", "find", "is_doc_id",
           "links_html", "missing_html", "render"]

_DOC_ID = re.compile(r"[0-9a-f]{16}")
_TYPES = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
          ".md": "text/markdown; charset=utf-8",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".doc": "application/msword", ".odt": "application/vnd.oasis.opendocument.text",
          ".rtf": "application/rtf"}
# Shown inside the browser; anything else (Word files) is always a download.
_INLINE = {".pdf", ".txt", ".md"}


def is_doc_id(value: str) -> bool:
    """A document id as the index makes them: 16 lowercase hex digits.

    >>> is_doc_id("0123456789abcdef"), is_doc_id("..%2f..%2fetc"), is_doc_id("/etc/passwd")
    (True, False, False)
    """
    return bool(_DOC_ID.fullmatch(value))


def anchor(path: str) -> str:
    """The HTML id of a clause, ASCII and one per path: letters, digits, ``.`` and ``-``
    stay, every other character is written as its code point.

    >>> anchor("IV.1.1"), anchor("Điều 5"), anchor("6.-2")
    ('c-IV.1.1', 'c-_110_i_1ec1_u_20_5', 'c-6.-2')
    """
    return "c-" + re.sub(r"[^0-9A-Za-z.-]", lambda m: f"_{ord(m.group()):x}_", path)


def view_url(doc_id: str, clause: str = "", paragraph: int | None = None) -> str:
    """Where a citation opens: relative to the page, so it works under any root path."""
    query = urllib.parse.urlencode({k: v for k, v in (("c", clause), ("p", paragraph or "")) if v})
    return f"original/{doc_id}" + (f"?{query}" if query else "") + (f"#{anchor(clause)}" if clause else "")


def links_html(citation: Citation, record: Any | None) -> str:
    """The links under a source card: open the original at the clause, the PDF at its page,
    download. Empty when the document is unknown (no record, e.g. a removed file)."""
    doc_id = str(getattr(record, "doc_id", "") or "")
    if not is_doc_id(doc_id) or Path(citation.file).suffix.lower() not in _TYPES:
        return ""  # unknown, or one law of a JSON corpus (no file of its own)
    where = citation.where()
    parts = [f'<a class="vb-open" href="{html.escape(view_url(doc_id, citation.clause, citation.paragraph))}"'
             f' target="_blank" rel="noopener">Mở bản gốc{" (" + where + ")" if where else ""}</a>']
    if Path(citation.file).suffix.lower() == ".pdf" and citation.page:
        parts.append(f'<a class="vb-open-pdf" href="original/{doc_id}/file#page={citation.page}"'
                     f' target="_blank" rel="noopener">PDF gốc, trang {citation.page}</a>')
    parts.append(f'<a class="vb-download" href="original/{doc_id}/file?download=1" download>Tải tệp gốc</a>')
    return '<div class="vb-src-open">' + " · ".join(parts) + "</div>"


# ---------------------------------------------------------------- lookup


@dataclass(frozen=True)
class Original:
    """A registered document and what the index folder keeps of it."""

    doc_id: str
    file: str  # the name it was ingested under
    name: str  # "Kế hoạch 45/KH-UBND"
    path: Path | None  # the kept bytes, when present
    view: dict[str, Any] | None  # the parsed view, when present


def find(records: Iterable[Any], db_path: Path, doc_id: str) -> Original | None:
    """The registered document ``doc_id`` and its kept files; ``None`` for a malformed or
    unknown id. Only a registered record's own hash is ever looked up on disk."""
    if not is_doc_id(doc_id):
        return None
    record = next((r for r in records if r.doc_id == doc_id and r.status == "ok"), None)
    if record is None:
        return None
    sha = str(record.sha256)
    return Original(doc_id, str(record.file), str(record.name), originals.locate(db_path, sha),
                    originals.load_view(db_path, sha))


def content_type(file: str) -> str:
    return _TYPES.get(Path(file).suffix.lower(), "application/octet-stream")


def content_disposition(file: str, download: bool) -> str:
    """``inline``/``attachment`` with the file's own name (RFC 6266: ASCII fallback + UTF-8).

    >>> print(content_disposition("công văn.docx", False))
    attachment; filename="cong van.docx"; filename*=UTF-8''c%C3%B4ng%20v%C4%83n.docx
    """
    import unicodedata

    kind = "inline" if not download and Path(file).suffix.lower() in _INLINE else "attachment"
    folded = unicodedata.normalize("NFKD", file.replace("đ", "d").replace("Đ", "D"))
    plain = re.sub(r"[^A-Za-z0-9 ._-]", "_", folded.encode("ascii", "ignore").decode()) or "van-ban"
    return f'{kind}; filename="{plain}"; filename*=UTF-8\'\'{urllib.parse.quote(file)}'


# ---------------------------------------------------------------- the page

_CSS = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  margin: 0; color: #1f2937; background: #f9fafb; line-height: 1.5; }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #e5e7eb; padding: 8px 16px; z-index: 2; }
nav a { margin-left: 12px; }
main, header.doc { max-width: 920px; margin: 0 auto; padding: 8px 16px; background: #fff; }
header.doc { margin-top: 12px; border-bottom: 1px solid #e5e7eb; }
.meta { color: #6b7280; }
.page { margin: 18px 0 6px; color: #6b7280; border-top: 1px dashed #d1d5db; font-size: .9em; }
.clause { margin: 6px 0; scroll-margin-top: 70px; }
.clause .label { font-weight: 600; color: #374151; }
.clause .text { white-space: pre-wrap; }
.clause.cited { outline: 2px solid #f59e0b; border-radius: 4px; padding: 4px; }
mark { background: #fde68a; color: inherit; }
table { border-collapse: collapse; margin: 8px 0; font-size: .95em; }
td, th { border: 1px solid #d1d5db; padding: 4px 6px; vertical-align: top; white-space: pre-wrap; }
tr { scroll-margin-top: 70px; }
tr.cited td { background: #fef3c7; }
"""


def _e(value: object) -> str:
    return html.escape(str(value or ""))


def _header(view: Mapping[str, Any]) -> str:
    kind = view.get("type") or "Văn bản"
    parts = [f"<h1>{_e(kind)} {_e(view.get('number'))}</h1>"]
    date = str(view.get("date") or "")
    when = ", ".join(x for x in (str(view.get("place") or ""),
                                  "ngày " + "/".join(reversed(date.split("-"))) if date else "") if x)
    meta = " · ".join(_e(x) for x in (view.get("issuer"), when) if x)
    if meta:
        parts.append(f'<div class="meta">{meta}</div>')
    if view.get("title"):
        parts.append(f"<p><b>{_e(view['title'])}</b></p>")
    recipients = [str(r) for r in view.get("recipients") or []]
    if recipients:
        parts.append(f'<p class="meta">Kính gửi: {"; ".join(_e(r) for r in recipients)}</p>')
    return '<header class="doc">' + "".join(parts) + "</header>"


def _marked(text: str, cited: bool) -> str:
    return f"<mark>{_e(text)}</mark>" if cited else _e(text)


def _clause_html(c: Mapping[str, Any], cited: bool) -> str:
    depth = min(len(c.get("heading") or []), 6)
    return (f'<div class="clause{" cited" if cited else ""}" id="{anchor(str(c["path"]))}" '
            f'style="margin-left:{depth * 1.2:.1f}em"><span class="label">{_e(c.get("label"))}</span>'
            f'<div class="text">{_marked(str(c.get("text") or ""), cited)}</div></div>')


def _header_rows(rows: Sequence[Mapping[str, Any]], view: Mapping[str, Any]) -> list[list[str]]:
    """The column names of the table ``rows`` come from: its rows above its first row that
    is a clause (``TT | Nhiệm vụ | Cơ quan chủ trì | …``), repeated over each part of a
    table split by a page; [] when the table is not known."""
    first = list(rows[0].get("cells") or ())
    clause_rows = [list(c.get("cells") or ()) for c in view.get("clauses") or [] if c.get("cells")]
    for t in view.get("tables") or []:
        body = [list(r) for r in t.get("rows") or []]
        if first and first in body:
            head: list[list[str]] = []
            for r in body:
                if r in clause_rows:
                    break
                head.append(r)
            return head
    return []


def _rows_html(rows: Sequence[Mapping[str, Any]], cited_path: str | None,
               view: Mapping[str, Any] | None = None) -> str:
    """Consecutive task-table rows as one table under the table's own column names: each
    row keeps its cells and its anchor."""
    head = _header_rows(rows, view or {})
    out = ["<thead>" + "".join("<tr><th></th>" + "".join(f"<th>{_e(x)}</th>" for x in h) + "</tr>"
                               for h in head) + "</thead>"] if head else []
    for r in rows:
        cited = r["path"] == cited_path
        cells = r.get("cells") or [r.get("text") or ""]
        tds = "".join(f"<td>{_marked(str(x), cited and bool(str(x)))}</td>" for x in cells)
        mark = ' class="cited"' if cited else ""
        out.append(f'<tr id="{anchor(str(r["path"]))}"{mark}>'
                   f'<td class="label">{_e(r.get("label"))}</td>{tds}</tr>')
    return "<table>" + "".join(out) + "</table>"


def _cited(clauses: Sequence[Mapping[str, Any]], clause: str | None, paragraph: int | None) -> str | None:
    """The path of the cited clause: by path (and paragraph, when a path repeats)."""
    same = [c for c in clauses if c.get("path") == clause]
    exact = [c for c in same if paragraph and c.get("paragraph") == paragraph]
    return str((exact or same)[0]["path"]) if same else None


def _body(view: Mapping[str, Any], cited: str | None) -> str:
    paged = bool(view.get("paged", True))
    clauses = list(view.get("clauses") or [])
    out: list[str] = []
    page: int | None = None
    rows: list[Mapping[str, Any]] = []

    def flush() -> None:
        if rows:
            out.append(_rows_html(rows, cited, view))
            rows.clear()

    for c in clauses:
        if paged and c.get("page") and c["page"] != page:
            flush()
            page = int(c["page"])
            out.append(f'<div class="page" id="trang-{page}">Trang {page}</div>')
        if c.get("kind") == "table_row":
            rows.append(c)
            continue
        flush()
        out.append(_clause_html(c, c.get("path") == cited))
    flush()
    return "".join(out) + _other_tables(view, clauses)


def _other_tables(view: Mapping[str, Any], clauses: Sequence[Mapping[str, Any]]) -> str:
    """Tables that are not task tables (their rows are no clause), after the body."""
    row_cells = {tuple(c.get("cells") or ()) for c in clauses if c.get("cells")}
    rest = [t for t in view.get("tables") or []
            if not any(tuple(r) in row_cells for r in t.get("rows") or [])]
    if not rest:
        return ""
    out = ["<h2>Các bảng khác trong văn bản</h2>"]
    for t in rest:
        trs = "".join("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in r) + "</tr>" for r in t["rows"])
        out.append(f'<div class="meta">Trang {_e(t.get("page"))}</div><table>{trs}</table>'
                   if view.get("paged", True) else f"<table>{trs}</table>")
    return "".join(out)


def _nav(original: Original, page: int | None) -> str:
    links = [f'<a href="{original.doc_id}/file?download=1" download>Tải tệp gốc</a>']
    if Path(original.file).suffix.lower() == ".pdf" and original.path is not None:
        at = f"#page={page}" if page else ""
        links.insert(0, f'<a class="pdf" href="{original.doc_id}/file{at}">Mở tệp PDF gốc'
                        f'{f" tại trang {page}" if page else ""}</a>')
    return f"<nav><b>{_e(original.name)}</b> — {_e(original.file)}{''.join(links)}</nav>"


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>")


def render(original: Original, clause: str | None = None, paragraph: int | None = None) -> str:
    """The original as a page: its parsed form, the cited clause marked (``<mark>``) and
    given the id the link's fragment scrolls to."""
    view = original.view
    if view is None:
        return missing_html(original)
    clauses = list(view.get("clauses") or [])
    cited = _cited(clauses, clause, paragraph)
    page = next((c.get("page") for c in clauses if c.get("path") == cited), None)
    note = ""
    if clause and cited is None:
        note = (f'<p class="meta">Không còn thấy điều khoản {_e(clause)} trong bản đã lưu '
                "(văn bản có thể đã được nạp lại) — xem toàn văn dưới đây.</p>")
    body = _nav(original, page if view.get("paged", True) else None) + _header(view)
    return _page(f"{original.name} — bản gốc", body + f"<main>{note}{_body(view, cited)}</main>")


def missing_html(original: Original | None, doc_id: str = "") -> str:
    """The page for a document the index knows nothing of, or kept no original of."""
    if original is None:
        text = (f"Không tìm thấy văn bản có mã {_e(doc_id)} trong chỉ mục — có thể văn bản đã bị "
                "xoá; hãy hỏi lại để có trích dẫn mới.")
    else:
        text = (f"Chỉ mục chưa lưu bản gốc của {_e(original.file)} (tệp được nạp trước khi có "
                "tính năng này) — hãy nạp lại tệp: vanban ingest &lt;tệp&gt;, hoặc tải lên lại "
                "trong thẻ Văn bản.")
    return _page("Không mở được bản gốc", f"<main><p>{text}</p></main>")
