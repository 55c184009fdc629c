"""The Văn bản tab as an official uses it (issue 11 point 6, and the page's words of point 7):
search and filters with counts, delete with confirmation, what to do with a scan, the
parsed text, hand corrections that outlive re-indexing, and files with no structure.

Same fixtures as ``test_app_browser.py`` (real service over ``corpus/``, fake embedder,
Debian's Chromium); this module gets its own index.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .test_app_browser import (  # noqa: F401 — fixtures used by name
    Served,
    Tab,
    _ask,
    _go,
    _make_docx,
    _table_text,
    browser,
    served,
    tab,
)
from .test_cli_documents import scan_pdf

OCR_HINT = "chọn Nhận dạng chữ (OCR) rồi tải lên lại"


def _upload(page: Any, path: Path) -> None:
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(path))
    page.wait_for_function(
        "name => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes(name)",
        arg=path.name,
    )


def _docs_show(page: Any, text: str, present: bool = True) -> None:
    page.wait_for_function(
        "([t, p]) => (document.querySelector('#vb-docs .virtual-body')?.innerText || '').includes(t) === p",
        arg=[text, present],
    )


def _pick(page: Any, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=False).first.click()


def _open_document(page: Any, file: str, box: str, title: str) -> None:
    """Pick a listed document in the Văn bản tab and open one of its accordions."""
    _go(page, "Văn bản")
    _docs_show(page, file)
    _pick(page, "vb-remove-pick", file)
    page.locator(f"#{box}").get_by_text(title).click()
    # the pick fills the panel and the fields in one reply: wait for it, or typing races it
    page.wait_for_function(READY[box], arg=file)


READY = {
    "vb-parsed-box": "f => (document.querySelector('#vb-parsed')?.innerText || '').includes(f)",
    "vb-fix-box": "() => (document.querySelector('#vb-fix-number textarea, #vb-fix-number input')"
                  "?.value || '') !== ''",
}


FIX = ("vb-fix-box", "Sửa thông tin đầu văn bản")


def _counts(page: Any) -> str:
    return str(page.locator("#vb-doc-counts").inner_text())


@pytest.mark.browser
def test_document_list_is_searched_without_accents_and_counted(tab: Tab, served: Served) -> None:
    page = tab.page
    _go(page, "Văn bản")
    total = len(served.service.documents())
    page.wait_for_function(
        "t => document.querySelector('#vb-doc-counts')?.innerText.includes(t)",
        arg=f"Hiển thị {total} / {total} văn bản",
    )
    assert f"{total} đã nạp" in _counts(page)
    page.locator("#vb-doc-search textarea, #vb-doc-search input").first.fill("ke hoach 45")
    page.wait_for_function(
        "t => document.querySelector('#vb-doc-counts')?.innerText.includes(t)",
        arg=f"Hiển thị 1 / {total} văn bản",
    )
    text = _table_text(page, "vb-docs")
    assert "ke-hoach-45-KH-UBND.docx" in text and "chi-thi-08-CT-UBND.pdf" not in text
    # by issuer, typed without diacritics
    page.locator("#vb-doc-search textarea, #vb-doc-search input").first.fill("so cong thuong")
    _docs_show(page, "ke-hoach-45-KH-UBND.docx", present=False)
    assert "cong-van-612-SCT-QLCN.docx" in _table_text(page, "vb-docs")
    # the type filter
    page.locator("#vb-doc-search textarea, #vb-doc-search input").first.fill("")
    _pick(page, "vb-doc-type", "Chỉ thị")
    _docs_show(page, "ke-hoach-45-KH-UBND.docx", present=False)
    assert "chi-thi-08-CT-UBND.pdf" in _table_text(page, "vb-docs")
    assert f"Hiển thị 1 / {total} văn bản" in _counts(page)


@pytest.mark.browser
def test_a_scan_says_to_tick_ocr_and_the_state_filter_finds_it(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    page = tab.page
    _upload(page, scan_pdf(tmp_path / "ban-quet.pdf"))
    row = _table_text(page, "vb-upload-results")
    assert "cần OCR" in row and OCR_HINT in row
    _docs_show(page, "ban-quet.pdf")
    assert OCR_HINT in _table_text(page, "vb-docs")
    page.wait_for_function("() => document.querySelector('#vb-doc-counts')?.innerText.includes('1 cần OCR')")
    _pick(page, "vb-doc-status", "cần OCR")
    _docs_show(page, "ke-hoach-45-KH-UBND.docx", present=False)
    assert "ban-quet.pdf" in _table_text(page, "vb-docs")


@pytest.mark.browser
def test_a_file_with_no_structure_is_reported_as_such(tab: Tab, served: Served, tmp_path: Path) -> None:
    hello = tmp_path / "xin-chao.txt"
    hello.write_text("Xin chào\n", encoding="utf-8")
    page = tab.page
    _upload(page, hello)
    assert "không có cấu trúc văn bản hành chính" in _table_text(page, "vb-upload-results")
    record = next(d for d in served.service.documents() if d.file == "xin-chao.txt")
    assert (record.status, record.clauses) == ("no_structure", 0)
    assert served.service.clauses("xin-chao.txt") == []


@pytest.mark.browser
def test_delete_asks_for_confirmation_and_old_messages_go(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    page = tab.page
    _upload(page, _make_docx(tmp_path / "xoa-thu.docx"))
    _docs_show(page, "xoa-thu.docx")
    _pick(page, "vb-remove-pick", "xoa-thu.docx")
    page.click("#vb-remove")
    confirm = page.locator("#vb-remove-confirm")
    confirm.wait_for(state="visible")
    assert confirm.inner_text().strip() == "Xác nhận xóa xoa-thu.docx"
    assert "xoa-thu.docx" in {d.file for d in served.service.documents()}  # nothing yet
    page.click("#vb-remove-cancel")
    confirm.wait_for(state="hidden")
    assert "xoa-thu.docx" in {d.file for d in served.service.documents()}

    page.click("#vb-remove")
    confirm.wait_for(state="visible")
    confirm.click()
    _docs_show(page, "xoa-thu.docx", present=False)
    note = page.locator("#vb-doc-note")
    assert "Đã xóa xoa-thu.docx khỏi chỉ mục." in note.inner_text()
    assert "xoa-thu.docx" not in {d.file for d in served.service.documents()}
    # the next selection clears the message of the delete
    _pick(page, "vb-remove-pick", "ke-hoach-45-KH-UBND.docx")
    page.wait_for_function("() => !document.querySelector('#vb-doc-note').innerText.includes('Đã xóa')")


@pytest.mark.browser
def test_parsed_text_shows_header_and_clause_tree(tab: Tab, served: Served) -> None:
    page = tab.page
    _open_document(page, "ke-hoach-45-KH-UBND.docx", "vb-parsed-box", "Nội dung đã phân tích")
    page.wait_for_function("() => document.querySelector('#vb-parsed .vb-parsed-clause')")
    shown = page.locator("#vb-parsed").inner_text()
    clauses = served.service.clauses("ke-hoach-45-KH-UBND.docx")
    assert "45/KH-UBND" in shown and "12/08/2026" in shown
    assert page.locator("#vb-parsed .vb-parsed-clause").count() == len(clauses)
    fire = next(c for c in clauses if c.path == "II.2.2.a")
    assert fire.label in shown and fire.text[:60] in shown


@pytest.mark.browser
def test_header_corrected_by_hand_is_used_by_answers_and_survives_reingest(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    doc = _make_docx(tmp_path / "cong-van-sua-tay.docx")
    page = tab.page
    _upload(page, doc)
    _open_document(page, "cong-van-sua-tay.docx", *FIX)
    number = page.locator("#vb-fix-number textarea, #vb-fix-number input").first
    page.wait_for_function(
        "() => (document.querySelector('#vb-fix-number textarea, #vb-fix-number input')?.value || '') === '77/UBND-VX'"
    )
    number.fill("78/UBND-VX")
    page.locator("#vb-fix-date textarea, #vb-fix-date input").first.fill("06/10/2026")
    page.click("#vb-fix-save")
    page.wait_for_function("() => document.querySelector('#vb-doc-note')?.innerText.includes('Đã lưu')")
    _docs_show(page, "78/UBND-VX")
    assert "06/10/2026" in _table_text(page, "vb-docs")
    assert "đã sửa tay: số, ngày" in _table_text(page, "vb-docs")

    _go(page, "Hỏi đáp")
    _ask(page, "Ai chủ trì kiểm tra an toàn thực phẩm dịp Tết Nguyên đán?")
    card = page.locator("#vb-sources-panel .vb-src", has_text="cong-van-sua-tay.docx").first
    assert "Công văn 78/UBND-VX" in card.inner_text()

    # the same file removed and ingested again keeps the correction
    served.service.remove("cong-van-sua-tay.docx")
    served.service.ingest([doc])
    record = next(d for d in served.service.documents() if d.file == "cong-van-sua-tay.docx")
    assert (record.number, record.date, record.name) == ("78/UBND-VX", "2026-10-06", "Công văn 78/UBND-VX")


@pytest.mark.browser
def test_invalid_correction_date_is_a_vietnamese_toast(tab: Tab, served: Served) -> None:
    page = tab.page
    _open_document(page, "chi-thi-08-CT-UBND.pdf", *FIX)
    page.locator("#vb-fix-date textarea, #vb-fix-date input").first.fill("31/02/2026")
    page.click("#vb-fix-save")
    toast = page.locator("[data-testid=toast-body]").first
    toast.wait_for()
    assert "ngày '31/02/2026' không hợp lệ" in toast.inner_text()
    page.wait_for_function("() => document.querySelector('.toast-title')?.innerText.trim() === 'Lưu ý'")
    assert "ngày '31/02/2026' không hợp lệ" in page.locator("#vb-doc-note").inner_text()
    _no_english_chrome(page)
    assert next(d for d in served.service.documents() if d.file == "chi-thi-08-CT-UBND.pdf").corrected == ""


def _no_english_chrome(page: Any) -> None:
    """No traceback, and none of gradio's English words for a failure on the page."""
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert not re.search(r"\b(Error|Warning)\b", body), body[-300:]


@pytest.mark.browser
def test_error_toasts_are_titled_in_vietnamese(tab: Tab) -> None:
    """A handler's error (here a date that does not exist) is a toast titled in Vietnamese
    ("Lưu ý": gradio titles it "Warning" whatever title we pass), with no English word."""
    page = tab.page
    _go(page, "Thời hạn")
    page.locator("#vb-dl-from input, #vb-dl-from textarea").first.fill("31/02/2026")
    page.click("#vb-dl-run")
    toast = page.locator("[data-testid=toast-body]").first
    toast.wait_for()
    assert "Từ ngày: ngày '31/02/2026' không hợp lệ" in toast.inner_text()
    page.wait_for_function("() => document.querySelector('.toast-title')?.innerText.trim() === 'Lưu ý'")
    _no_english_chrome(page)
