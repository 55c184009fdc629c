"""The chat in the browser: follow-up questions, each answer's own sources, and
Vietnamese notes instead of gradio's English "Error" badge (issue 11, points 4 and 8).

Fixtures and helpers come from ``tests/test_app_browser.py`` (the real app over the
sample ``corpus/``, fake embedder, Debian's Chromium).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import test_app_browser as base
from vanban.answer.followup import resolve
from vanban.answer.phrasing import NO_DEADLINE
from vanban.web import chat

FIRE_QUESTION = base.FIRE_QUESTION
Served, Tab = base.Served, base.Tab
browser, served, tab = base.browser, base.served, base.tab  # fixtures, used by name

pytestmark = pytest.mark.browser
TASKS_QUESTION = "Sở Công Thương có những nhiệm vụ gì?"


def _messages(page: Any) -> Any:
    return page.locator("#vb-chat .message-content")


def _ask(page: Any, question: str) -> str:
    """Ask in the box and wait for this question's answer; its text."""
    before = _messages(page).count()
    page.fill("#vb-question textarea", question)
    page.click("#vb-ask")
    page.wait_for_function(
        "n => document.querySelectorAll('#vb-chat .message-content').length >= n", arg=before + 2)
    return str(_messages(page).last.inner_text())


def _no_error_badge(page: Any) -> None:
    """gradio's English "Error" badge (over outputs) and toast title never show."""
    assert page.get_by_text("Error", exact=True).count() == 0


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0]


# ---------------------------------------------------------------- point 4: follow-ups


def test_follow_up_naming_only_a_body_reuses_the_previous_question(tab: Tab, served: Served) -> None:
    page = tab.page
    _ask(page, TASKS_QUESTION)
    follow = "Còn Công an tỉnh thì sao?"
    meant = resolve(follow, TASKS_QUESTION, served.service.bodies())
    assert meant == "Công an tỉnh có những nhiệm vụ gì?"
    expected = served.service.ask(meant)
    assert expected.found and expected.text.startswith("Công an tỉnh có")
    answer = _ask(page, follow)
    assert _first_line(answer) == _first_line(expected.text)
    asked = _messages(page).nth(2).inner_text()
    assert follow in asked and f"(hiểu là: {meant})" in asked
    assert _messages(page).count() == 4  # the whole conversation stays


def test_follow_up_asking_only_when_takes_the_previous_task(tab: Tab, served: Served) -> None:
    page = tab.page
    _ask(page, FIRE_QUESTION)
    meant = resolve("hạn khi nào?", FIRE_QUESTION, served.service.bodies())
    expected = served.service.ask(meant)
    # a deadline answer: the due date, or the plain statement that the clause sets none
    assert expected.found and expected.text.startswith(("Hạn:", NO_DEADLINE))
    answer = _ask(page, "hạn khi nào?")
    assert _first_line(answer) == _first_line(expected.text)
    assert "kiểm tra an toàn phòng cháy" in _messages(page).nth(2).inner_text()


def test_marker_in_an_older_answer_shows_that_answers_own_sources(tab: Tab, served: Served) -> None:
    page = tab.page
    first = served.service.ask(FIRE_QUESTION)
    second = served.service.ask(TASKS_QUESTION)
    assert first.citations[0].render() != second.citations[0].render()
    _ask(page, FIRE_QUESTION)
    _ask(page, TASKS_QUESTION)
    panel = page.locator("#vb-sources-panel")
    assert second.citations[0].document in panel.inner_text()

    page.locator("#vb-chat a.vb-marker[href='#src-1-1']").first.click()  # [1] in the first answer
    card = page.locator("#src-1-1")
    page.wait_for_function("() => document.getElementById('src-1-1').classList.contains('vb-active')")
    assert card.is_visible()
    assert first.citations[0].document in card.inner_text()
    assert first.citations[0].label in card.inner_text()
    shown = page.locator("#vb-sources-panel .vb-turn:not(.vb-hidden)")
    assert shown.count() == 1 and shown.get_attribute("data-turn") == "1"
    assert shown.locator(".vb-src").count() == len(first.citations)

    page.locator("#vb-chat a.vb-marker[href='#src-1']").first.click()  # back to the latest answer
    page.wait_for_function("() => document.getElementById('src-1').classList.contains('vb-active')")
    assert page.locator("#src-1").is_visible() and not card.is_visible()
    assert second.citations[0].document in page.locator("#src-1").inner_text()


def test_clear_forgets_the_conversation(tab: Tab, served: Served) -> None:
    page = tab.page
    _ask(page, TASKS_QUESTION)
    page.get_by_role("button", name="Xóa hội thoại").click()
    page.wait_for_function("() => !document.querySelector('#vb-chat .message-content')")
    answer = _ask(page, "Còn Công an tỉnh thì sao?")  # nothing before it now: not a follow-up
    assert "hiểu là" not in _messages(page).first.inner_text()
    assert answer


# ---------------------------------------------------------------- point 8: no English overlay


def test_empty_question_gets_a_vietnamese_note_and_the_box_stays_usable(tab: Tab) -> None:
    page = tab.page
    page.click("#vb-ask")
    page.wait_for_function("t => document.querySelector('#vb-chat')?.innerText.includes(t)",
                           arg=chat.EMPTY_QUESTION)
    page.wait_for_timeout(500)
    _no_error_badge(page)
    page.fill("#vb-question textarea", FIRE_QUESTION)  # the box still works
    page.click("#vb-ask")
    page.wait_for_function("() => document.querySelectorAll('#vb-chat .message-content').length == 2"
                           " && document.querySelector('#vb-chat').innerText.includes('Công an tỉnh')")
    assert chat.EMPTY_QUESTION not in page.locator("#vb-chat").inner_text()  # the note is gone


def _scope_dates(page: Any, start: str, end: str) -> None:
    page.get_by_text("Phạm vi tìm kiếm").click()
    page.get_by_label("Từ ngày (dd/mm/yyyy)").first.fill(start)
    page.get_by_label("Đến ngày (dd/mm/yyyy)").first.fill(end)


@pytest.mark.parametrize(("start", "end", "said"), [
    ("32/13/2026", "", "Từ ngày: ngày '32/13/2026' không hợp lệ — nhập theo dạng dd/mm/yyyy"),
    ("31/12/2026", "01/01/2026", "Từ ngày: ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026"),
])
def test_unreadable_scope_is_said_in_the_chat_and_the_question_is_kept(
        tab: Tab, start: str, end: str, said: str) -> None:
    page = tab.page
    _scope_dates(page, start, end)
    page.fill("#vb-question textarea", FIRE_QUESTION)
    page.click("#vb-ask")
    page.wait_for_function("t => document.querySelector('#vb-chat')?.innerText.includes(t)", arg=said)
    assert said in str(_messages(page).last.inner_text())
    assert _messages(page).count() == 1  # a note, not a question and answer
    _no_error_badge(page)
    assert page.input_value("#vb-question textarea") == FIRE_QUESTION  # kept, to ask again


def test_reversed_range_in_the_deadlines_tab_warns_in_vietnamese(tab: Tab) -> None:
    page = tab.page
    base._go(page, "Thời hạn")
    page.locator("#vb-dl-from").locator("textarea, input").first.fill("31/12/2026")
    page.locator("#vb-dl-to").locator("textarea, input").first.fill("01/01/2026")
    page.click("#vb-dl-run")
    page.wait_for_function("() => document.body.innerText.includes('sau ngày kết thúc')")
    body = page.locator("body").inner_text()
    assert "Từ ngày: ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026" in body
    title = page.locator(".toast-title.warning").first
    # gradio writes "Warning" whatever title is passed: ours is shown in its place
    assert title.evaluate("e => getComputedStyle(e, '::before').content") == '"Lưu ý"'
    assert title.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    _no_error_badge(page)


TABLE_QUESTION = "Ai chủ trì thông báo lịch kiểm tra đến các cơ sở trong cụm công nghiệp?"


def test_table_row_sources_name_their_columns(tab: Tab, served: Served) -> None:
    expected = served.service.ask(TABLE_QUESTION)
    row = next(c for c in expected.citations if c.fields)  # Quyết định 1520/QĐ-UBND › PL.2
    page = tab.page
    _ask(page, TABLE_QUESTION)
    quote = page.locator(f"#src-{row.n} .vb-src-text").inner_text()
    fields = dict(row.fields)
    assert f"Nhiệm vụ: {fields['task']}" in quote
    assert f"Cơ quan chủ trì: {fields['lead']}" in quote
    assert " | " not in quote  # not the bare cells


def test_responsibilities_picker_offers_bodies_without_a_dated_task(tab: Tab, served: Served) -> None:
    undated = [b for b in served.service.bodies() if not any(r["due"] for r in served.service.tasks(b))]
    assert undated  # the sample corpus has some (Sở Văn hóa, Thể thao và Du lịch …)
    page = tab.page
    base._go(page, "Trách nhiệm")
    page.locator("#vb-body input").click()
    options = page.get_by_role("option").all_inner_texts()
    for body in undated:
        assert body in options
    page.get_by_role("option", name=undated[0], exact=True).click()
    page.click("#vb-show-tasks")
    page.wait_for_function("() => document.querySelector('#vb-tasks .virtual-body')?.innerText.trim()")
    assert "không có hạn" in base._table_text(page, "vb-tasks")
