"""Opening the original at the cited spot, in Debian's Chromium (issue 11, point 1).

Reuses the served app and the browser of ``tests/test_app_browser.py``: the real
``Vanban`` over ``corpus/`` with the fake embedder, ``app.start`` on a free port.
A source card's "Mở bản gốc" opens a new tab with the parsed document, the cited
clause marked and scrolled into view; a PDF citation also links to the PDF at its
page (``#page=N``); "Tải tệp gốc" hands back the very bytes that were ingested.
Chromium's PDF viewer does not run headless (a PDF navigation becomes a
download), so the ``#page=N`` link is checked by its address and its bytes.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests import test_app_browser as base
from tests.test_app_browser import CORPUS, FIRE_QUESTION, Served, Tab, _ask
from vanban.answer.types import Answer, Citation

# The fixtures of tests/test_app_browser.py, shared (pytest finds them by name here).
browser, served, tab = base.browser, base.served, base.tab

# Chỉ thị 08/CT-UBND › 5.b is on page 2 of corpus/chi-thi-08-CT-UBND.pdf.
PDF_QUESTION = "Ai chỉ đạo chủ đầu tư hạ tầng kỹ thuật cụm công nghiệp hoàn thiện hồ sơ?"
PDF_FILE = "chi-thi-08-CT-UBND.pdf"


def _cited(answer: Answer, file: str) -> Citation:
    found = [c for c in answer.citations if c.file == file]
    assert found, f"no citation of {file} in {[c.render() for c in answer.citations]}"
    return found[0]


def _open_original(on: Tab, n: int) -> Any:
    """Click card [n]'s "Mở bản gốc" link; the new tab, loaded."""
    link = on.page.locator(f"#src-{n} a.vb-open")
    with on.page.context.expect_page() as opened:
        link.click()
    view = opened.value
    view.wait_for_load_state("load")
    return view


def _in_view(view: Any, selector: str) -> bool:
    return bool(view.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.top < window.innerHeight; }""", selector))


@pytest.mark.browser
def test_open_docx_original_scrolls_to_the_marked_clause(tab: Tab, served: Served) -> None:
    answer = served.service.ask(FIRE_QUESTION)
    cited = _cited(answer, "ke-hoach-45-KH-UBND.docx")
    _ask(tab.page, FIRE_QUESTION)
    card = tab.page.locator(f"#src-{cited.n}")
    assert f"tr. {cited.page}" in card.inner_text()  # this DOCX records its page breaks

    view = _open_original(tab, cited.n)
    marked = view.locator(".clause.cited mark")
    assert marked.count() == 1
    assert marked.inner_text() == cited.text  # the whole cited span, and only it
    assert view.locator("mark").count() == 1
    assert _in_view(view, ".clause.cited")  # scrolled to the clause
    # the parsed document around it: header, clause tree
    assert "Kế hoạch 45/KH-UBND" in view.locator("header.doc").inner_text()
    assert view.locator(".clause").count() > 10
    assert urllib.parse.urlparse(view.url).path.startswith("/original/")


@pytest.mark.browser
def test_open_pdf_original_at_its_page_and_download_it(tab: Tab, served: Served,
                                                       tmp_path: Path) -> None:
    answer = served.service.ask(PDF_QUESTION)
    cited = _cited(answer, PDF_FILE)
    assert cited.page == 2, cited
    _ask(tab.page, PDF_QUESTION)
    card = tab.page.locator(f"#src-{cited.n}")
    assert "tr. 2" in card.inner_text()

    # The PDF itself at that page, in the browser's own viewer.
    pdf_link = card.locator("a.vb-open-pdf")
    href = str(pdf_link.get_attribute("href"))
    assert href.endswith("/file#page=2"), href
    got = tab.page.request.get(urllib.parse.urljoin(tab.page.url, href))
    assert got.status == 200 and got.headers["content-type"] == "application/pdf"
    assert got.body() == (CORPUS / PDF_FILE).read_bytes()

    # The rendered view: the page's text with the clause marked, under its page marker.
    view = _open_original(tab, cited.n)
    assert view.locator(".clause.cited mark").inner_text() == cited.text
    assert _in_view(view, ".clause.cited")
    marker = view.evaluate(
        """() => { let el = document.querySelector('.clause.cited');
                   while (el && !(el.classList && el.classList.contains('page'))) {
                     el = el.previousElementSibling; }
                   return el ? el.textContent : null; }""")
    assert marker == "Trang 2"
    assert view.locator("nav a.pdf").get_attribute("href").endswith("/file#page=2")

    # Download: the bytes that were ingested, under the file's own name.
    with view.expect_download() as done:
        view.locator("nav a[download]").click()
    saved = tmp_path / done.value.suggested_filename
    done.value.save_as(saved)
    assert saved.name == PDF_FILE
    assert saved.read_bytes() == (CORPUS / PDF_FILE).read_bytes()


@pytest.mark.browser
def test_clause_text_is_escaped_in_the_original_view(tab: Tab, served: Served,
                                                     tmp_path: Path) -> None:
    """Markup in a document is shown as text in the view, never run."""
    doc = tmp_path / "van-ban-thu.txt"
    doc.write_text("ỦY BAN NHÂN DÂN TỈNH X\nSố: 9/KH-UBND\nKẾ HOẠCH\nKiểm tra\n"
                   "1. Sở <b>Xây dựng</b> chủ trì <script>window.pwned=1</script> kiểm tra nhà trọ.\n"
                   "2. Sở Y tế phối hợp.\n", encoding="utf-8")
    served.service.ingest([doc])
    try:
        question = "Ai chủ trì kiểm tra nhà trọ?"
        cited = _cited(served.service.ask(question), doc.name)
        assert cited.page is None and cited.paragraph  # a text file: no pages, a paragraph
        _ask(tab.page, question)
        assert f"đoạn {cited.paragraph}" in tab.page.locator(f"#src-{cited.n}").inner_text()
        view = _open_original(tab, cited.n)
        assert "<script>window.pwned=1</script>" in view.locator(".clause.cited mark").inner_text()
        assert view.evaluate("() => window.pwned") is None
        assert view.locator(".page").count() == 0  # no page markers where pages are unknown
    finally:
        served.service.remove(doc.name)


# Kế hoạch 45/KH-UBND ends with a task table (TT | Nhiệm vụ | Cơ quan chủ trì | …): row 3.
TABLE_QUESTION = "Ai chủ trì lập danh mục cơ sở sử dụng hóa chất nguy hiểm trong cụm công nghiệp?"
TABLE_FILE = "ke-hoach-45-KH-UBND.docx"


def _docx_tables(path: Path) -> list[list[list[str]]]:
    from docx import Document

    return [[[" ".join(c.text.split()) for c in row.cells] for row in t.rows]
            for t in Document(str(path)).tables]


@pytest.mark.browser
def test_open_docx_original_shows_its_table_with_the_cited_row_marked(tab: Tab, served: Served) -> None:
    answer = served.service.ask(TABLE_QUESTION)
    cited = _cited(answer, TABLE_FILE)
    assert cited.fields  # a table row
    # the document's own table, read with python-docx: the one holding the cited task
    task = dict(cited.fields)["task"]
    (table,) = [t for t in _docx_tables(CORPUS / TABLE_FILE) if any(task in row for row in t)]
    data = [row for row in table if row[0].isdigit()]  # under the header row
    row = next(r for r in data if task in r)

    _ask(tab.page, TABLE_QUESTION)
    view = _open_original(tab, cited.n)
    shown = view.locator("tr.cited")
    assert shown.count() == 1
    assert [" ".join(t.split()) for t in shown.locator("td:not(.label)").all_inner_texts()] == row
    assert shown.locator("mark").count() >= 1
    assert _in_view(view, "tr.cited")
    # the whole table is there, row by row, each cell in its own column
    rendered = view.locator("table", has=view.locator("tr.cited")).locator("tr")
    cells = [[" ".join(t.split()) for t in r.locator("td:not(.label)").all_inner_texts()]
             for r in rendered.all()]
    assert [c for c in cells if c and c[0].isdigit()] == data
    # under the table's own column names (TT | Nhiệm vụ | Cơ quan chủ trì | …)
    heads = view.locator("table", has=view.locator("tr.cited")).locator("thead th").all_inner_texts()
    assert [" ".join(h.split()) for h in heads if h.strip()] == table[0]
