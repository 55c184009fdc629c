"""The web page without a browser: pure formatting, upload guards, bind checks, handlers.

A small fake implementing the page's service protocol (``vanban.web.protocol``)
stands in for the service here, returning the real value types; the real
service is driven over the sample corpus at the end and end to end in
``test_app_browser.py``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import app
from index.chunks import Chunk, SearchFilters
from index.embedders import FakeEmbedder
from index.errors import ConfigError
from index.pipeline import FileResult, Progress, ProgressFn, Shard
from index.store import DocRecord
from ingest.body_names import is_well_formed_body
from ingest.errors import InputError
from vanban.answer.types import Answer, Citation, Owner
from vanban.service import Vanban
from vanban.settings import Config
from vanban.web import view
from vanban.web.protocol import PageService

ROOT = Path(__file__).resolve().parents[1]


CV = DocRecord(
    doc_id="d1",
    file="cv-<b>612</b>.docx",
    name="Công văn 612/SCT-QLCN",
    type="Công văn",
    number="612/SCT-QLCN",
    date="2025-09-01",
    issuer="Sở Công Thương tỉnh Lào Cai",
    title="V/v kiểm tra vật liệu nổ",
    clauses=7,
)

ANSWER = Answer(
    question="Ai chủ trì kiểm tra vật liệu nổ?",
    found=True,
    text="Sở Công Thương chủ trì kiểm tra, hoàn thành trước ngày 15/9/2025 [1].",
    owners=(Owner("Sở Công Thương", "chủ trì", dt.date(2025, 9, 15), "trước ngày 15/9/2025", 1),),
    citations=(
        Citation(
            file="cv-<b>612</b>.docx",
            document="Công văn 612/SCT-QLCN",
            clause="2",
            label="Mục 2",
            text="Giao Sở Công Thương chủ trì <script>x</script> kiểm tra, xong trước ngày 15/9/2025.",
            score=0.91,
            n=1,
        ),
    ),
)

TASKS: list[dict[str, Any]] = [
    {
        "file": "cv.docx",
        "document": "Công văn 612/SCT-QLCN",
        "clause": "2",
        "label": "Mục 2",
        "body": "Sở Công Thương",
        "role": "chủ trì",
        "task": "Kiểm tra vật liệu nổ",
        "deadline_text": "trước ngày 15/9/2025",
        "due": "2025-09-15",
        "recurrence": "",
    },
    {
        "file": "kh.docx",
        "document": "Kế hoạch 45/KH-UBND",
        "clause": "III.1",
        "label": "Mục III › 1",
        "body": "Công an tỉnh",
        "role": "phối hợp",
        "task": "Phối hợp kiểm tra",
        "deadline_text": "hằng năm",
        "due": None,
        "recurrence": "hằng năm",
    },
    {
        "file": "kh.docx",
        "document": "Kế hoạch 45/KH-UBND",
        "clause": "III.2",
        "label": "Mục III › 2",
        "body": "Ban Quản lý các khu công nghiệp",
        "role": "chủ trì",
        "task": "Báo cáo",
        "deadline_text": "trước ngày 10/12/2025",
        "due": "2025-12-10",
        "recurrence": "",
    },
]


class FakeVanban:
    """The page's service protocol over fixed data, recording what it got."""

    def __init__(self) -> None:
        self.docs = [CV]
        self.asked: list[tuple[str, Any]] = []
        self.ingested: list[list[Path]] = []
        self.removed: list[str] = []

    def ask(self, question: str, k: int | None = None,
            filters: SearchFilters | None = None) -> Answer:
        self.asked.append((question, filters))
        if "thời tiết" in question:
            return Answer(question, False, "")
        return replace(ANSWER, question=question)

    def documents(self) -> list[DocRecord]:
        return list(self.docs)

    def clauses(self, file_or_id: str) -> list[Chunk]:
        return []

    def correct(self, file_or_id: str, number: str | None = None, date: dt.date | None = None,
                issuer: str | None = None, reset: bool = False) -> DocRecord | None:
        self.corrected = (file_or_id, number, date, issuer, reset)
        return next((d for d in self.docs if d.file == file_or_id), None)

    def ingest(self, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               rebuild: bool = False, ocr: bool = False, workers: int = 0,
               shard: Shard | None = None, nice: int = 0) -> list[FileResult]:
        files = [Path(p) for p in paths]
        self.ingested.append(files)
        self.ocr = ocr
        for i, p in enumerate(files, 1):
            if progress:
                progress(Progress(i, len(files), 3 * i, str(p)))
        return [FileResult(p.name, "ingested", "", 3) for p in files]

    def remove(self, file_or_id: str) -> int:
        self.removed.append(file_or_id)
        return next((d.clauses for d in self.docs if file_or_id in (d.doc_id, d.file)), 0)

    def tasks(self, body: str) -> list[dict[str, Any]]:
        return [r for r in TASKS if body.lower() in r["body"].lower()]

    def deadlines(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  body: str | None = None) -> list[dict[str, Any]]:
        return list(TASKS)

    def bodies(self) -> list[str]:
        return sorted({r["body"] for r in TASKS})


@pytest.fixture()
def page(tmp_path: Path) -> view.Page:
    return view.Page(FakeVanban(), Config(db=str(tmp_path / "db"), max_upload_mb=1))


# ---------------------------------------------------------------- pure helpers


def test_vn_date_formats_iso_and_dates_as_day_month_year() -> None:
    assert view.vn_date("2025-09-15") == "15/09/2025"
    assert view.vn_date(dt.date(2026, 1, 2)) == "02/01/2026"
    assert view.vn_date(None) == ""
    assert view.vn_date("Quý II/2026") == "Quý II/2026"


def test_parse_vn_date_accepts_dmy_and_iso_and_rejects_nonsense() -> None:
    assert view.parse_vn_date("5/9/2025", "Từ ngày") == dt.date(2025, 9, 5)
    assert view.parse_vn_date("05.09.2025", "Từ ngày") == dt.date(2025, 9, 5)
    assert view.parse_vn_date("2025-09-05", "Từ ngày") == dt.date(2025, 9, 5)
    assert view.parse_vn_date("  ", "Từ ngày") is None
    with pytest.raises(InputError, match="31/02/2025.*dd/mm/yyyy"):
        view.parse_vn_date("31/02/2025", "Đến ngày")


def test_link_markers_escapes_html_and_links_each_marker() -> None:
    out = view.link_markers("A <img src=x> [1], B [12]")
    assert "<img" not in out and "&lt;img src=x&gt;" in out
    assert '<a class="vb-marker" href="#src-1">[1]</a>' in out
    assert '<a class="vb-marker" href="#src-12">[12]</a>' in out


def test_highlight_marks_body_and_deadline_and_escapes_the_rest() -> None:
    text = "Giao Sở Công Thương chủ trì <script>x</script>, xong trước ngày 15/9/2025."
    out = view.highlight(text, ["sở công thương", "trước ngày 15/9/2025"])
    assert out == (
        "Giao <mark>Sở Công Thương</mark> chủ trì &lt;script&gt;x&lt;/script&gt;, "
        "xong <mark>trước ngày 15/9/2025</mark>."
    )


def test_highlight_matches_decomposed_unicode_needles() -> None:
    decomposed = "Sở Công Thương".replace("ở", "o\u031b\u0309")
    assert (
        view.highlight("Giao Sở Công Thương.", [decomposed]) == "Giao <mark>Sở Công Thương</mark>."
    )


def test_find_spans_merges_overlapping_needles() -> None:
    assert view.find_spans("Sở Công Thương chủ trì", ["Công Thương", "Sở Công"]) == [(0, 14)]


def test_sources_html_has_anchor_meta_label_highlight_and_escaped_file() -> None:
    out = view.sources_html(ANSWER, {CV.file: CV})
    assert 'id="src-1"' in out
    assert "01/09/2025" in out and "Sở Công Thương tỉnh Lào Cai" in out
    assert "Mục 2" in out and "Công văn 612/SCT-QLCN" in out
    assert "<mark>Sở Công Thương</mark>" in out and "<mark>trước ngày 15/9/2025</mark>" in out
    assert "cv-&lt;b&gt;612&lt;/b&gt;.docx" in out and "<b>612</b>" not in out
    assert "<script>" not in out


def test_sources_html_says_plainly_when_nothing_found() -> None:
    out = view.sources_html(Answer("Ai?", False, ""), {})
    assert "Không có nguồn phù hợp" in out


def test_answer_html_names_owner_role_deadline_and_links_the_citation() -> None:
    out = view.answer_html(ANSWER)
    assert out.count('href="#src-1"') == 2  # in the answer text and on the owner line
    assert "<b>Sở Công Thương</b> — chủ trì — hạn 15/09/2025 (trước ngày 15/9/2025)" in out


def test_answer_html_not_found_is_a_plain_vietnamese_sentence() -> None:
    assert view.answer_html(Answer("Ai?", False, "")) == view.NOT_FOUND
    # the service's own explanation wins (e.g. the index is empty), escaped
    said = view.answer_html(Answer("Ai?", False, "Chưa có văn bản <nào>"))
    assert said == "Chưa có văn bản &lt;nào&gt;"


def test_shared_runs_find_the_question_wording_across_punctuation() -> None:
    text = "Công an tỉnh chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại 100% cụm công nghiệp"
    q = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
    assert [text[s:e] for s, e in view.shared_runs(text, q)] == [
        "chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại",
        "cụm công nghiệp",
    ]
    assert view.shared_runs(text, "Ai chủ trì?") == []  # two syllables are not enough


def test_progress_reports_of_the_pipeline_become_the_upload_status_line(tmp_path: Path) -> None:
    from vanban.web.uploads import JobStatus

    running = JobStatus("j", 4, 1, 9, "/x/ke-hoach.docx", started=True)
    assert running.text.startswith("Đang nạp tệp 2/4: ke-hoach.docx — đã lưu 9 điều khoản.")
    page = view.Page(FakeVanban(), Config(db=str(tmp_path / "db")))
    good, bad = tmp_path / "ke-hoach.txt", tmp_path / "x.html"
    good.write_text("KẾ HOẠCH", encoding="utf-8")
    bad.write_text("<p>", encoding="utf-8")
    job = page.start_upload([str(good), str(bad)])
    page.uploads.wait(job, 30)
    text, rows, done = page.upload_status(job)
    assert done and text == "Đã nạp xong 1 tệp — 3 điều khoản mới."
    assert [r[:2] for r in rows] == [["x.html", "từ chối"], ["ke-hoach.txt", "đã nạp"]]
    assert page.upload_status("không-có") == ("", [], True)


def test_highlights_come_from_the_owners_resting_on_that_citation() -> None:
    cite = ANSWER.citations[0]
    assert view.relevant_needles(ANSWER, cite) == ["Sở Công Thương", "trước ngày 15/9/2025"]
    assert view.relevant_needles(ANSWER, replace(cite, n=2)) == []


def test_task_and_deadline_rows_show_vietnamese_dates_and_citations() -> None:
    rows = view.task_rows(TASKS[:1])
    assert rows == [
        [
            "Sở Công Thương",
            "chủ trì",
            "Kiểm tra vật liệu nổ",
            "trước ngày 15/9/2025",
            "15/09/2025",
            "",  # not marked against a date: no Tình trạng
            "Công văn 612/SCT-QLCN › 2",
        ]
    ]
    assert view.deadline_rows(TASKS[1:2])[0][0] == ""
    assert view.deadline_rows(TASKS[1:2])[0][-1] == "Kế hoạch 45/KH-UBND › III.1"


def test_sort_deadlines_puts_undated_last_and_sorts_by_body_or_document() -> None:
    by_due = [r["body"] for r in view.sort_deadlines(TASKS, view.SORT_CHOICES[0])]
    assert by_due == ["Sở Công Thương", "Ban Quản lý các khu công nghiệp", "Công an tỉnh"]
    by_body = [r["body"] for r in view.sort_deadlines(TASKS, view.SORT_CHOICES[1])]
    assert by_body == ["Ban Quản lý các khu công nghiệp", "Công an tỉnh", "Sở Công Thương"]
    by_doc = [r["clause"] for r in view.sort_deadlines(TASKS, view.SORT_CHOICES[2])]
    assert by_doc == ["2", "III.1", "III.2"]


def test_document_and_upload_rows() -> None:
    assert view.document_rows([CV]) == [
        [
            "cv-<b>612</b>.docx",
            "Công văn",
            "612/SCT-QLCN",
            "01/09/2025",
            "Sở Công Thương tỉnh Lào Cai",
            "V/v kiểm tra vật liệu nổ",
            "7",
            "",
        ]
    ]
    failed = DocRecord(doc_id="d2", file="x.txt", name="X", clauses=3, extraction="error",
                       extraction_message="không trích được phân công (RuntimeError: boom)")
    assert view.document_rows([failed])[0][-1] == "không trích được phân công (RuntimeError: boom)"
    scan = DocRecord(doc_id="d3", file="scan.pdf", name="scan", status="needs_ocr", message="PDF scan")
    # a scan says what to do next on this page: tick OCR and upload again
    assert view.document_rows([scan])[0][-1] == (
        "cần OCR: PDF scan — chọn Nhận dạng chữ (OCR) rồi tải lên lại")
    results = [FileResult("a.pdf", "needs_ocr", "PDF scan, không có lớp chữ", 0)]
    assert view.upload_rows(results) == [[
        "a.pdf", "cần OCR", "", "PDF scan, không có lớp chữ — chọn Nhận dạng chữ (OCR) rồi tải lên lại"]]


def test_example_questions_name_numbered_documents_first() -> None:
    blank = DocRecord("d2", "b.docx", "Kế hoạch /KH-UBND", "Kế hoạch", "/KH-UBND", clauses=1)
    qs = view.example_questions([blank, CV])
    assert qs[0] == "Theo Công văn 612/SCT-QLCN, cơ quan nào chủ trì và hạn hoàn thành là khi nào?"
    assert len(qs) == 4 and qs[1] == view.GENERIC_EXAMPLES[0]


def test_build_filters_parses_dates_and_keeps_empty_scope_empty() -> None:
    assert view.build_filters(None, [], None, "", None).empty
    f = view.build_filters(["a.docx"], ["Công văn"], ["Lào Cai"], "01/01/2025", "31/12/2025")
    assert f == SearchFilters(
        ("a.docx",), ("Công văn",), ("Lào Cai",), dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )


# ---------------------------------------------------------------- bind and uploads


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_bind_needs_no_login(host: str) -> None:
    assert view.check_bind(Config(host=host)) is None


def test_public_bind_without_login_is_refused_in_vietnamese() -> None:
    with pytest.raises(ConfigError, match=r"0\.0\.0\.0.*--auth user:password.*VANBAN_AUTH"):
        view.check_bind(Config(host="0.0.0.0"))


def test_public_bind_with_login_returns_the_pair() -> None:
    assert view.check_bind(Config(host="0.0.0.0", auth="canbo:Mk:1")) == ("canbo", "Mk:1")


@pytest.mark.parametrize("bad", ["canbo", ":pw", "canbo:"])
def test_malformed_auth_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="user:password"):
        view.parse_auth(bad)


def test_check_upload_refuses_other_extensions_and_oversize(tmp_path: Path) -> None:
    exe = tmp_path / "virus.exe"
    exe.write_bytes(b"MZ")
    big = tmp_path / "lon.PDF"
    big.write_bytes(b"0" * (1024 * 1024 + 1))
    ok = tmp_path / "ok.docx"
    ok.write_bytes(b"PK")
    assert "định dạng .exe không được hỗ trợ" in (view.check_upload(exe, 1) or "")
    assert "vượt giới hạn 1 MB" in (view.check_upload(big, 1) or "")
    assert view.check_upload(ok, 1) is None


def test_upload_handler_enforces_limits_server_side(page: view.Page, tmp_path: Path) -> None:
    good = tmp_path / "ke-hoach.txt"
    good.write_text("KẾ HOẠCH", encoding="utf-8")
    bad = tmp_path / "x.html"
    bad.write_text("<script>", encoding="utf-8")
    seen: list[Progress] = []
    rows = page.upload([str(good), str(bad)], seen.append)
    assert rows[0][:2] == ["x.html", "từ chối"]
    assert rows[1] == ["ke-hoach.txt", "đã nạp", "3", ""]
    assert page.service.ingested == [[good]]  # the refused file never reached the service
    assert seen == [Progress(1, 1, 3, str(good))]


def test_upload_with_ocr_asks_the_service_to_ocr(page: view.Page, tmp_path: Path) -> None:
    scan = tmp_path / "ban-quet.pdf"
    scan.write_bytes(b"%PDF-1.4")
    page.upload([str(scan)])
    assert page.service.ocr is False
    page.upload([str(scan)], ocr=True)
    assert page.service.ocr is True


def test_upload_without_files_is_an_input_error(page: view.Page) -> None:
    with pytest.raises(InputError, match="chưa chọn tệp"):
        page.upload([])


# ---------------------------------------------------------------- handlers


def test_chat_turn_appends_escaped_question_and_linked_answer(page: view.Page) -> None:
    history, panel = page.chat("Ai <b>chủ trì</b>?", [], SearchFilters())
    assert history[0] == {"role": "user", "content": "Ai &lt;b&gt;chủ trì&lt;/b&gt;?"}
    assert 'href="#src-1"' in history[1]["content"]
    assert 'id="src-1"' in panel
    assert page.service.asked == [("Ai <b>chủ trì</b>?", None)]  # empty scope → no filter


def test_chat_passes_the_scope_as_search_filters(page: view.Page) -> None:
    scope = view.build_filters([CV.file], None, None, "01/01/2025", None)
    page.chat("Ai chủ trì?", None, scope)
    assert page.service.asked[-1][1] == scope


def test_chat_not_found_says_so(page: view.Page) -> None:
    history, panel = page.chat("thời tiết hôm nay?", [], SearchFilters())
    assert history[-1]["content"] == view.NOT_FOUND
    assert "Không có nguồn phù hợp" in panel


def test_ask_json_is_the_service_result_unchanged_and_nfc(page: view.Page) -> None:
    decomposed = "Ai chu\u0309 tri\u0300?"
    assert page.ask_json(decomposed) == dict(ANSWER.to_json(), question="Ai chủ trì?")
    with pytest.raises(InputError, match="câu hỏi đang trống"):
        page.ask_json("   ")


def test_tasks_tab_summary_and_rows(page: view.Page) -> None:
    summary, rows = page.tasks("sở công thương")
    assert summary == "**Sở Công Thương**: 1 nhiệm vụ (1 chủ trì)."
    assert rows[0][-1] == "Công văn 612/SCT-QLCN › 2"
    assert page.tasks("Bộ Quốc phòng")[1] == []
    assert page.tasks("")[1] == []


def test_deadlines_tab_writes_the_same_rows_to_xlsx(page: view.Page) -> None:
    import openpyxl

    rows, path = page.deadlines("", "", "", view.SORT_CHOICES[0])
    assert [r[0] for r in rows] == ["15/09/2025", "10/12/2025", ""]
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == "Cơ quan"
    assert [ws.cell(row=i, column=1).value for i in (2, 3, 4)] == [
        "Sở Công Thương",
        "Ban Quản lý các khu công nghiệp",
        "Công an tỉnh",
    ]


def test_tasks_and_deadlines_tabs_mark_rows_against_the_reference_date(page: view.Page) -> None:
    _, rows = page.tasks("sở công thương", "10/09/2025", 7)
    assert rows[0][4:6] == ["15/09/2025", "sắp đến hạn"]
    assert page.tasks("sở công thương", "16/09/2025", 7)[1][0][5] == "quá hạn"
    assert page.tasks("sở công thương", "01/09/2025", 7)[1][0][5] == "còn hạn"
    assert page.tasks("sở công thương", "01/09/2025", 30)[1][0][5] == "sắp đến hạn"
    table, _ = page.deadlines("", "", "", view.SORT_CHOICES[0], "01/12/2025", 30)
    assert [r[:2] for r in table] == [["15/09/2025", "quá hạn"], ["10/12/2025", "sắp đến hạn"],
                                      ["", "không có hạn (định kỳ)"]]
    with pytest.raises(InputError, match="Ngày đối chiếu"):
        page.deadlines("", "", "", view.SORT_CHOICES[0], "31/02/2025")


def test_deadlines_xlsx_carries_the_status(page: view.Page) -> None:
    import openpyxl

    _, path = page.deadlines("", "", "", view.SORT_CHOICES[0], "01/12/2025", 30)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert ws["E1"].value == "Tình trạng"
    assert [ws.cell(row=i, column=5).value for i in (2, 3, 4)] == ["quá hạn", "sắp đến hạn", "không có hạn"]


def test_task_and_answer_downloads(page: view.Page) -> None:
    from docx import Document

    xlsx, docx = page.task_files("sở công thương", "10/09/2025")
    assert xlsx.endswith(".xlsx") and docx.endswith(".docx")
    (table,) = Document(docx).tables
    assert [c.text for c in table.rows[1].cells] == [
        "1", "Kiểm tra vật liệu nổ", "Chủ trì", "Trước ngày 15/9/2025", "Công văn 612/SCT-QLCN › 2"]
    assert page.task_files("Bộ Quốc phòng") == []
    history, _, result = page.chat_turn("Ai chủ trì?", [], SearchFilters())
    answer_docx, answer_md = page.answer_files(result)
    text = Path(answer_md).read_text(encoding="utf-8")
    assert text.startswith("## Ai chủ trì?\n\nSở Công Thương chủ trì kiểm tra")
    assert "**[1] Công văn 612/SCT-QLCN › 2" in text
    paragraphs = [p.text for p in Document(answer_docx).paragraphs]
    assert paragraphs[0] == "Ai chủ trì?" and "Trích dẫn" in paragraphs
    assert page.answer_files(None) == []


def test_old_exports_are_pruned(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    view.prune_older(tmp_path, 3600)
    assert not old.exists() and new.exists()


def test_deadlines_tab_rejects_a_bad_date(page: view.Page) -> None:
    with pytest.raises(InputError, match="Từ ngày"):
        page.deadlines("32/13/2025", "", "", view.SORT_CHOICES[0])


def test_body_choices_are_the_service_bodies(page: view.Page) -> None:
    assert page.body_choices() == [
        "Ban Quản lý các khu công nghiệp",
        "Công an tỉnh",
        "Sở Công Thương",
    ]


@pytest.mark.parametrize("service", [FakeVanban, Vanban])
def test_the_fake_and_the_service_implement_the_page_protocol(service: type) -> None:
    """Same methods, same parameters: the fake cannot drift into shapes the service lacks."""
    assert issubclass(service, PageService)
    for name in ("documents", "clauses", "correct", "ask", "ingest", "remove", "tasks",
                 "deadlines", "bodies"):
        want = inspect.signature(getattr(PageService, name)).parameters
        got = inspect.signature(getattr(service, name)).parameters
        assert list(got) == list(want), name
        assert [p.default for p in got.values()] == [p.default for p in want.values()], name


def test_body_picker_offers_every_body_with_a_task_in_the_sample_corpus(tmp_path: Path) -> None:
    """Bodies without a deadline are in the picker too (it was built from deadline rows),
    and each one offered opens its tasks in the Trách nhiệm tab."""
    service = Vanban(Config(db=str(tmp_path / "db")), FakeEmbedder())
    assert {r.status for r in service.ingest([ROOT / "corpus"])} == {"ingested"}
    page = view.Page(service, Config(db=str(tmp_path / "db")))
    found = service.responsibilities().all()
    spellings, keys = {a.body for a in found}, {a.body_key for a in found}
    choices = page.body_choices()
    opened = {name: page.tasks(name)[1] for name in choices}
    assert [name for name, rows in opened.items() if not rows] == []
    # 21 names: the sample corpus's "Sở Nông nghiệp và Môi trường thành lập Đoàn" was a
    # fragment read as a 22nd body until "thành lập" ended a name; every one is a name now
    assert all(is_well_formed_body(name) for name in spellings)
    assert len(spellings) == 21 and {row[0] for rows in opened.values() for row in rows} == spellings
    # one entry per body (its most frequent spelling, with its province when it has one)
    assert len(choices) == len(set(choices)) == len(keys)
    undated = {"Các cơ quan, đơn vị", "Giám đốc các sở", "Các doanh nghiệp trong cụm công nghiệp"}
    assert undated <= set(choices)
    assert not undated & {r["body"] for r in service.deadlines()}


def test_remove_names_the_file(page: view.Page) -> None:
    assert page.remove(CV.file) == "Đã xóa cv-&lt;b&gt;612&lt;/b&gt;.docx khỏi chỉ mục."
    assert page.service.removed == [CV.file]


def test_remove_of_an_unknown_document_says_so(page: view.Page) -> None:
    assert page.remove("zz").startswith("Không tìm thấy zz trong chỉ mục")
    assert page.remove(None) == "Chọn văn bản cần xóa."


def test_build_app_has_four_tabs_and_the_ask_api() -> None:
    demo = app.build_app(FakeVanban(), Config())
    cfg = demo.get_config_file()
    labels = {c["props"].get("label") for c in cfg["components"] if c.get("type") == "tabitem"}
    assert {"Hỏi đáp", "Trách nhiệm", "Thời hạn", "Văn bản"} <= labels
    names = [d.get("api_name") for d in cfg["dependencies"]]
    assert "ask" in names


def test_reads_run_together_and_writes_one_at_a_time() -> None:
    demo = app.build_app(FakeVanban(), Config())
    fns = {fn.api_name: fn for fn in demo.fns.values()}
    assert view.READ_CONCURRENCY > 1
    assert fns["ask"].concurrency_limit == "default"  # → queue(default_concurrency_limit=…)
    assert fns["on_ask"].concurrency_limit == "default"
    assert (fns["on_remove"].concurrency_limit, fns["on_remove"].concurrency_id) == (1, "vanban-write")
    # an upload only starts a background job (uploads.UploadJobs runs them one at a time)
    assert fns["upload"].concurrency_limit == "default"
    assert fns["upload_status"].concurrency_limit == "default"


def test_launch_kwargs_use_system_fonts_and_cap_uploads() -> None:
    kwargs = app.launch_kwargs(Config(max_upload_mb=7))
    assert kwargs["max_file_size"] == "14mb"  # backstop; the handler enforces 7 MB
    assert kwargs["auth"] is None and kwargs["share"] is False
    theme = kwargs["theme"]
    assert not any("googleapis" in str(s) for s in theme._stylesheets)
    assert "system-ui" in theme.font


def test_cli_serve_refuses_public_bind_without_auth(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VANBAN_AUTH"}
    proc = subprocess.run(
        [sys.executable, "-m", "vanban.cli", "serve", "--host", "0.0.0.0", "--db", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "Không mở giao diện ra địa chỉ 0.0.0.0 khi chưa đặt mật khẩu" in proc.stderr
    assert not (tmp_path / "chroma.sqlite3").exists()


def test_user_errors_become_escaped_vietnamese_warnings_that_block_nothing() -> None:
    import gradio as gr

    def fails() -> str:
        raise InputError("<i>x.docx", "không đọc được")

    # outside a page gradio turns the warning toast into a Python warning
    with pytest.warns(UserWarning, match="&lt;i&gt;x.docx: không đọc được"):
        result = app._in_vietnamese(fails)()
    assert result == gr.skip()  # every output left as it was: no "Error" badge over them


def test_upload_formats_are_ones_the_pipeline_reads() -> None:
    from index.pipeline import EXTENSIONS

    # the page takes office documents; law-corpus JSON is a CLI-only import
    assert set(view.UPLOAD_EXTENSIONS) == {".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md"}
    assert set(view.UPLOAD_EXTENSIONS) <= set(EXTENSIONS)


def test_a_correction_sends_only_the_fields_that_changed(page: view.Page) -> None:
    fake: Any = page.service
    msg = page.correct(CV.file, CV.number, "02/09/2025", CV.issuer)
    assert fake.corrected == (CV.file, None, dt.date(2025, 9, 2), None, False)
    assert msg.startswith("Đã lưu thông tin đã sửa của cv-&lt;b&gt;612&lt;/b&gt;.docx")
    assert page.correct(CV.file, CV.number, "01/09/2025", "") == (
        "Không có trường nào thay đổi cho cv-&lt;b&gt;612&lt;/b&gt;.docx.")
    with pytest.raises(InputError, match="không hợp lệ"):
        page.correct(CV.file, "", "31/02/2025", "")
    assert page.correct(None, "1/UBND", "", "") == "Chọn văn bản cần sửa thông tin."


def test_document_filters_and_counts() -> None:
    scan = DocRecord("d3", "ban-quet.pdf", "Công văn", "Công văn", status="needs_ocr")
    plan = DocRecord("d4", "kh.docx", "Kế hoạch 45/KH-UBND", "Kế hoạch", "45/KH-UBND",
                     issuer="Ủy ban nhân dân tỉnh Lào Cai", clauses=3)
    docs = [CV, scan, plan]
    assert view.filter_documents(docs, "uy ban LAO cai") == [plan]
    assert view.filter_documents(docs, status="cần OCR") == [scan]
    assert view.filter_documents(docs, doc_type="Kế hoạch", issuer=view.ALL_ISSUERS) == [plan]
    assert view.document_counts([plan], docs) == "Hiển thị 1 / 3 văn bản · 2 đã nạp · 1 cần OCR"
    statuses, types, issuers = view.filter_choices(docs)
    assert statuses == [view.ALL_STATUSES, "cần OCR", "đã nạp"]
    assert types == [view.ALL_TYPES, "Công văn", "Kế hoạch"]
