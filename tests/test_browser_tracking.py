"""Issue 11 in the browser, around the answer: typing without diacritics (point 5), the
Trách nhiệm and answer downloads (point 3), deadline marks in the Trách nhiệm and Thời
hạn tabs (point 2), a PDF with a broken font layer (point 6) and the upload progress
line (point 7).

Fixtures and helpers come from ``tests/test_app_browser.py`` (the real app over the
sample ``corpus/``, fake embedder, Debian's Chromium); this module gets its own index.
What the page shows is compared with what the service, or the CLI, gives for the same
input, so the tests say "the page is the product", not a copy of today's numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests import test_app_browser as base
from tests.conftest import shared_file
from vanban.answer.types import Citation
from vanban.tracking import DUE_SOON, IN_TIME, NO_DEADLINE, OVERDUE, mark_rows
from vanban.web import view

Served, Tab = base.Served, base.Tab
browser, served, tab = base.browser, base.served, base.tab  # fixtures, used by name

pytestmark = pytest.mark.browser

BODY = "Sở Công Thương"
# Every word of this question is in the sample documents, so its diacritics come back
# exactly from the index's own statistics (see the report of the branch for "phai lam gi").
TYPED = "So Cong Thuong phai thuc hien nhung viec gi?"
ACCENTED = "Sở Công Thương phải thực hiện những việc gì?"
REF = "20/09/2026"  # a reference date among the sample deadlines (Sept.–Dec. 2026)
OCR_HINT = view.OCR_HINT


def _messages(page: Any) -> Any:
    return page.locator("#vb-chat .message-content")


def _ask(page: Any, question: str) -> Any:
    """Ask and wait for the answer; the answer's message element."""
    before = _messages(page).count()
    page.fill("#vb-question textarea", question)
    page.click("#vb-ask")
    page.wait_for_function(
        "n => document.querySelectorAll('#vb-chat .message-content').length >= n", arg=before + 2)
    return _messages(page).last


def _items(message: Any) -> list[str]:
    return [" ".join(t.split()) for t in message.locator("li").all_inner_texts()]


def _clear(page: Any) -> None:
    page.get_by_role("button", name="Xóa hội thoại").click()
    page.wait_for_function("() => !document.querySelector('#vb-chat .message-content')")


def _show_tasks(page: Any, body: str, today: str = "", window: str = "") -> str:
    """Type ``body`` in the Trách nhiệm box (and a reference date, a window), show its
    tasks; the summary line once the table is filled."""
    base._go(page, "Trách nhiệm")
    if today:
        page.locator("#vb-tasks-today").locator("textarea, input").first.fill(today)
    if window:
        page.locator("#vb-tasks-window").get_by_text(window).click()
    box = page.locator("#vb-body input")
    box.fill(body)
    box.press("Enter")
    page.click("#vb-show-tasks")
    page.wait_for_function("() => document.querySelector('#vb-tasks .virtual-body [role=gridcell]')"
                           " && /\\d+ nhiệm vụ/.test(document.body.innerText)")
    found = re.search(r"[^\n]*: \d+ nhiệm vụ \(\d+ chủ trì\)\.", page.locator("body").inner_text())
    assert found, page.locator("body").inner_text()
    return found.group(0)


_ALL_ROWS = """async id => {
    const root = document.getElementById(id);
    const viewport = root.querySelector('.virtual-table-viewport');
    const total = Number(root.querySelector('[role=grid]').getAttribute('aria-rowcount')) - 1;
    const seen = {};
    const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    viewport.scrollTop = 0;
    await frame();
    for (let step = 0; step < 400 && Object.keys(seen).length < total; step++) {
        root.querySelectorAll('.virtual-body .virtual-row').forEach(row => {
            seen[row.dataset.index] = [...row.querySelectorAll('[role=gridcell]')].map(c => c.innerText);
        });
        viewport.scrollTop += Math.max(20, viewport.clientHeight / 3);
        await frame();
    }
    viewport.scrollTop = 0;
    return {total, rows: Object.keys(seen).sort((a, b) => a - b).map(k => seen[k])};
}"""


def _grid(page: Any, elem_id: str) -> list[list[str]]:
    """Every row of a table as cell texts: gradio draws only the rows in view, so the
    table is scrolled through and each drawn row kept by its index."""
    got = page.evaluate(_ALL_ROWS, elem_id)
    assert len(got["rows"]) == got["total"], (len(got["rows"]), got["total"])
    return [[" ".join(c.split()) for c in row] for row in got["rows"]]


def _download(page: Any, selector: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    saved = to / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def _cli(served: Served, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "vanban.cli", *args, "--db", served.config.db,
                    "--embedder", served.config.embedder],
                   check=True, cwd=base.ROOT, capture_output=True, timeout=300)


def _docx_table(path: Path) -> list[list[str]]:
    from docx import Document

    (table,) = Document(str(path)).tables
    return [[c.text for c in row.cells] for row in table.rows]


# ---------------------------------------------------------------- point 5: no diacritics


def test_question_without_diacritics_lists_the_same_tasks_as_its_accented_form(
        tab: Tab, served: Served) -> None:
    typed, accented = served.service.ask(TYPED), served.service.ask(ACCENTED)
    assert typed.text == accented.text and typed.text.startswith(f"{BODY} có ")
    page = tab.page
    want = _ask(page, ACCENTED)
    want_head, want_items = want.inner_text().strip().split("\n")[0], _items(want)
    want_cards = _card_heads(page)
    assert len(want_cards) == len(accented.citations)
    _clear(page)
    got = _ask(page, TYPED)
    assert got.inner_text().strip().split("\n")[0] == want_head
    assert _items(got) == want_items and len(want_items) >= 2
    assert TYPED in _messages(page).first.inner_text()  # the question is echoed as typed
    assert _card_heads(page) == want_cards  # the sources panel holds the same clauses


def _card_heads(page: Any) -> list[str]:
    page.wait_for_function("() => document.querySelector('#vb-sources-panel .vb-src-head')")
    return [" ".join(h.split()) for h in page.locator("#vb-sources-panel .vb-src-head").all_inner_texts()]


def test_lower_case_question_without_diacritics_is_a_task_list_of_the_body(
        tab: Tab, served: Served) -> None:
    """The issue's own example: a task list of Sở Công Thương, not a quoted clause."""
    question = "so cong thuong phai lam gi?"
    expected = served.service.ask(question)
    assert expected.found and {o.body for o in expected.owners} == {BODY}
    message = _ask(tab.page, question)
    assert message.inner_text().strip().split("\n")[0] == expected.text.split("\n")[0]
    assert expected.text.split("\n")[0].startswith(f"{BODY} có ")
    assert len(_items(message)) == len(expected.owners)
    keys = {Citation.of_row(r).render() for r in served.service.tasks(BODY)}
    for o in expected.owners:  # each line is one of that body's tasks
        c = next(c for c in expected.citations if c.n == o.citation)
        assert c.render() in keys


def test_body_typed_without_diacritics_in_the_responsibilities_box(
        tab: Tab, served: Served) -> None:
    rows = served.service.tasks(BODY)
    assert rows and served.service.tasks("so cong thuong") == rows
    page = tab.page
    accented = _show_tasks(page, BODY, REF)
    accented_grid = _grid(page, "vb-tasks")
    page.reload(wait_until="load")
    page.wait_for_selector("#vb-question textarea")
    typed = _show_tasks(page, "so cong thuong", REF)
    assert typed == accented == f"{BODY}: {len(rows)} nhiệm vụ " + typed.split(" nhiệm vụ ")[1]
    assert _grid(page, "vb-tasks") == accented_grid
    assert len(accented_grid) == len(rows)


# ---------------------------------------------------------------- point 3: downloads


def test_responsibilities_downloads_are_the_clis_files(tab: Tab, served: Served,
                                                       tmp_path: Path) -> None:
    page = tab.page
    _show_tasks(page, "so cong thuong", REF)
    page.wait_for_function("() => !document.querySelector('#vb-tasks-docx button')?.disabled")
    web_docx = _download(page, "#vb-tasks-docx", tmp_path)
    web_xlsx = _download(page, "#vb-tasks-xlsx", tmp_path)
    assert web_docx.suffix == ".docx" and web_xlsx.suffix == ".xlsx"

    table = _docx_table(web_docx)
    assert table[0] == ["STT", "Nhiệm vụ", "Vai trò", "Thời hạn", "Căn cứ"]
    rows = served.service.tasks(BODY)
    assert [r[0] for r in table[1:]] == [str(i) for i in range(1, len(rows) + 1)]
    assert {r[4] for r in table[1:]} == {Citation.of_row(r).render() for r in rows}
    from docx import Document

    assert Document(str(web_docx)).paragraphs[0].text == f"Nhiệm vụ của {BODY}"

    cli_docx, cli_xlsx = tmp_path / "cli" / "nv.docx", tmp_path / "cli" / "nv.xlsx"
    _cli(served, "tasks", "--body", "so cong thuong", "--today", REF, "--docx", str(cli_docx),
         "--xlsx", str(cli_xlsx))
    assert table == _docx_table(cli_docx)
    sheet = base._sheet(web_xlsx)
    assert sheet == base._sheet(cli_xlsx)
    assert "Tình trạng" in sheet[0] and len(sheet) == len(rows) + 1
    assert {r[0] for r in sheet[1:]} == {BODY}


def test_answer_downloads_hold_the_answer_and_its_citations(tab: Tab, served: Served,
                                                            tmp_path: Path) -> None:
    expected = served.service.ask(base.FIRE_QUESTION)
    assert expected.found and expected.citations
    page = tab.page
    _ask(page, base.FIRE_QUESTION)
    page.wait_for_function("() => !document.querySelector('#vb-answer-md button')?.disabled")
    md = _download(page, "#vb-answer-md", tmp_path).read_text(encoding="utf-8")
    assert md.startswith(f"## {base.FIRE_QUESTION}\n\n{expected.text}\n")
    assert "### Trích dẫn" in md
    for c in expected.citations:
        assert f"**[{c.n}] {c.render()} ({c.label}) — tệp {c.file}**" in md
        assert "> " + c.text.splitlines()[0] in md

    from docx import Document

    paragraphs = [p.text for p in Document(str(_download(page, "#vb-answer-docx", tmp_path))).paragraphs]
    assert paragraphs[:2] == [base.FIRE_QUESTION, expected.text]
    assert "Trích dẫn" in paragraphs
    for c in expected.citations:
        assert f"[{c.n}] {c.render()} ({c.label}) — tệp {c.file}" in paragraphs
        assert c.text in paragraphs


# ---------------------------------------------------------------- point 2: marks


def _status_by_citation(grid: list[list[str]]) -> dict[tuple[str, str, str], str]:
    """(citation, task, due shown) → the Tình trạng cell of the Trách nhiệm table."""
    col = {h: i for i, h in enumerate(view.TASK_HEADERS)}
    return {(r[col["Trích dẫn"]], r[col["Nhiệm vụ"]], r[col["Hạn"]]): r[col["Tình trạng"]] for r in grid}


def _expected(rows: list[dict[str, Any]], day: dt.date, window: int) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for r in mark_rows(rows, day, window):
        out.setdefault((Citation.of_row(r).render(), str(r["status"])), []).append(str(r["task"]))
    return out


def test_responsibilities_tab_marks_rows_against_the_chosen_date_and_window(
        tab: Tab, served: Served) -> None:
    rows = served.service.tasks(BODY)
    day = dt.date(2026, 9, 20)
    week, month = mark_rows(rows, day, 7), mark_rows(rows, day, 30)
    # the sample has every mark for this body, and some rows change with the window
    assert {r["status"] for r in month} == {OVERDUE, DUE_SOON, IN_TIME, NO_DEADLINE}
    changed = [(a, b) for a, b in zip(week, month, strict=True) if a["status"] != b["status"]]
    assert changed and all((a["status"], b["status"]) == (IN_TIME, DUE_SOON) for a, b in changed)

    page = tab.page
    _show_tasks(page, BODY, REF, "7 ngày")

    def shown() -> list[str]:
        col = view.TASK_HEADERS.index("Tình trạng")
        return sorted(r[col] for r in _grid(page, "vb-tasks"))

    assert shown() == sorted(view.status_cell(r) for r in week)
    page.locator("#vb-tasks-window").get_by_text("30 ngày").click()  # re-marks at once
    want = sorted(view.status_cell(r) for r in month)
    assert _until(shown, want) == want
    assert "Tình trạng" in page.locator("#vb-tasks").inner_text()


def _until(read: Any, want: Any, seconds: float = 60) -> Any:
    """``read()`` once it gives ``want``, or its last value after ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    got = read()
    while got != want and time.monotonic() < deadline:
        time.sleep(0.25)
        got = read()
    return got


def test_deadlines_tab_marks_undated_rows_no_deadline(tab: Tab, served: Served) -> None:
    """The Thời hạn tab lists tasks whose deadline is stated without a date ("Thường
    xuyên") after the dated ones: they are marked "không có hạn"."""
    undated = [r for r in served.service.deadlines(None, None, None) if not r["due"]]
    assert undated
    body = str(undated[0]["body"])
    mine = served.service.deadlines(None, None, body)
    page = tab.page
    base._go(page, "Thời hạn")
    box = page.locator("#vb-dl-body input")
    box.fill(body)
    box.press("Enter")
    page.locator("#vb-dl-today").locator("textarea, input").first.fill(REF)
    page.click("#vb-dl-run")
    page.wait_for_function("t => document.querySelector('#vb-deadlines .virtual-body')?.innerText.includes(t)",
                           arg=NO_DEADLINE)
    col = view.DEADLINE_HEADERS.index("Tình trạng")
    grid = _grid(page, "vb-deadlines")
    assert len(grid) == len(mine)
    marks = [r[col] for r in grid]
    assert marks.count(NO_DEADLINE) == sum(1 for r in mine if not r["due"]) >= 1
    assert NO_DEADLINE not in marks[:len(mine) - marks.count(NO_DEADLINE)]  # undated rows last


# ---------------------------------------------------------------- points 6 and 7: uploads


def _watch_status(page: Any) -> None:
    """Record every text the upload status line takes (it changes faster than a poll),
    and every progress text gradio writes over the outputs meanwhile."""
    page.evaluate("""() => {
        window.vbSeen = [];
        window.vbProgress = [];
        const keep = (list, t) => { if (t && list[list.length - 1] !== t) list.push(t); };
        const note = () => {
            const line = document.querySelector('#vb-upload-status [data-testid=markdown]');
            keep(window.vbSeen, line ? line.innerText.trim() : '');
            document.querySelectorAll('.progress-text').forEach(
                p => keep(window.vbProgress, p.innerText.trim()));
        };
        new MutationObserver(note).observe(document.body,
            {subtree: true, childList: true, characterData: true});
        note(); }""")


def _finished(page: Any) -> None:
    """Wait for the upload job to end (a removal must not race its writes)."""
    page.wait_for_function(
        "() => (document.querySelector('#vb-upload-status')?.innerText || '').includes('Đã nạp xong')")


STATUS_LINE = re.compile(
    r"Đang chờ lượt nạp \(\d+ tệp\) — vẫn có thể đặt câu hỏi trong lúc chờ\."
    r"|Đang nạp tệp \d+/\d+: .+ — đã lưu \d+ điều khoản\. Vẫn có thể đặt câu hỏi trong lúc nạp\."
    r"|Đã nạp xong \d+ tệp — \d+ điều khoản mới(, \d+ tệp lỗi \(xem bảng\))?\.")


def test_upload_progress_and_result_are_said_in_vietnamese(tab: Tab, served: Served,
                                                           tmp_path: Path) -> None:
    first = base._make_docx(tmp_path / "cong-van-77-UBND-VX.docx")
    second = tmp_path / "thong-bao-12-TB-UBND.txt"
    second.write_text("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH\nSố: 12/TB-UBND\n"
                      "Hòa Bình Xanh, ngày 02 tháng 11 năm 2026\nTHÔNG BÁO\nVề lịch trực\n"
                      "1. Giao Văn phòng UBND tỉnh chủ trì bố trí lịch trực Tết; "
                      "hoàn thành trước ngày 30/12/2026.\n"
                      "2. Sở Y tế bố trí trực cấp cứu; báo cáo trước ngày 05/01/2027.\n",
                      encoding="utf-8")
    page = tab.page
    base._go(page, "Văn bản")
    _watch_status(page)
    page.set_input_files("input[type=file]", [str(first), str(second)])
    _finished(page)
    seen = page.evaluate("() => window.vbSeen")
    try:
        for line in seen:
            assert STATUS_LINE.fullmatch(line), line
        assert any(not line.startswith("Đã nạp xong") for line in seen), seen  # progress came first
        results = _grid(page, "vb-upload-results")
        assert {r[0] for r in results} == {first.name, second.name}
        assert all(r[1] == "đã nạp" for r in results), results
        stored = sum(int(r[2]) for r in results)
        assert seen[-1] == f"Đã nạp xong 2 tệp — {stored} điều khoản mới."
        assert "Error" not in page.locator("body").inner_text()
        # gradio's own "queue: 1/1 |" and "processing |" over the outputs, in Vietnamese
        shown = page.evaluate("() => window.vbProgress")
        assert any("đang xử lý" in t for t in shown), shown
        assert not any(re.search(r"queue|processing", t) for t in shown), shown
    finally:
        _finished(page)
        for f in (first, second):
            served.service.remove(f.name)


@pytest.mark.parametrize("prefix", ["15_"])
def test_a_broken_font_layer_says_to_tick_ocr(tab: Tab, served: Served, prefix: str) -> None:
    """A real PDF whose text layer is garbled by its fonts (../shared/corpus 15_)."""
    pdf = shared_file(prefix)
    page = tab.page
    base._go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(pdf))
    try:
        page.wait_for_function(
            "n => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes(n)",
            arg=pdf.name)
        (row,) = _grid(page, "vb-upload-results")
        assert row[0] == pdf.name and row[1] == view.STATUS_LABELS["unreadable"]
        assert "lỗi phông" in row[3] and row[3].endswith(OCR_HINT)
        page.wait_for_function(
            "n => document.querySelector('#vb-docs .virtual-body')?.innerText.includes(n)", arg=pdf.name)
        listed = next(r for r in _grid(page, "vb-docs") if r[0] == pdf.name)
        assert OCR_HINT in " ".join(listed)
    finally:
        _finished(page)
        served.service.remove(pdf.name)
