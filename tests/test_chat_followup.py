"""Follow-up questions, the chat's per-answer sources, and the answer-text defects of
issue 11 point 8 (result count, clause paths, a month without its year, reversed ranges)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index.chunks import SearchFilters
from ingest.errors import InputError
from tests.test_answer import _a, _chunk, _hit
from tests.test_app import FakeVanban
from vanban.answer import phrasing
from vanban.answer.compose import compose_answer
from vanban.answer.followup import is_elliptical, resolve
from vanban.answer.question import Question, find_period
from vanban.answer.tasks import Responsibilities, check_range
from vanban.answer.types import Citation, readable_clause
from vanban.settings import Config
from vanban.web import chat, view

ROOT = Path(__file__).resolve().parents[1]
BODIES = ["Sở Công Thương", "Sở Tư pháp", "Công an tỉnh (tỉnh Hòa Bình Xanh)", "UBND tỉnh"]


# ---------------------------------------------------------------- point 4: follow-ups


@pytest.mark.parametrize(("follow", "previous", "meant"), [
    # only a body: it takes the previous body's place, written as the user wrote it
    ("Còn Sở Tư pháp thì sao?", "Sở Công Thương có những nhiệm vụ gì?", "Sở Tư pháp có những nhiệm vụ gì?"),
    ("Còn Công an tỉnh?", "Sở Công Thương phải báo cáo UBND tỉnh trước ngày nào?",
     "Công an tỉnh phải báo cáo UBND tỉnh trước ngày nào?"),
    # only a body after a question naming none: that body's part in the previous task
    ("Còn Sở Tư pháp thì sao?", "Ai chủ trì kiểm tra an toàn hóa chất?",
     "Sở Tư pháp có nhiệm vụ gì về kiểm tra an toàn hóa chất?"),
    # only a "when" cue: the previous question, its "who" dropped
    ("hạn khi nào?", "Ai chủ trì kiểm tra an toàn hóa chất?", "Chủ trì kiểm tra an toàn hóa chất, hạn khi nào?"),
    ("Hạn khi nào?", "Theo CT 13, ai chủ trì xây dựng quy chế?",
     "Theo CT 13, chủ trì xây dựng quy chế, hạn khi nào?"),
    # only a role: the previous task
    ("Ai phối hợp?", "Ai chủ trì kiểm tra an toàn hóa chất?", "Ai phối hợp kiểm tra an toàn hóa chất?"),
    ("Ai chủ trì?", "Hạn trình dự thảo Nghị định là khi nào?", "Ai chủ trì trình dự thảo Nghị định?"),
    # only a period, its year taken from the previous one
    ("Còn tháng 12 thì sao?", "Những việc nào đến hạn trong tháng 11/2026?",
     "Những việc nào đến hạn trong tháng 12/2026?"),
])
def test_elliptical_follow_ups_are_written_out_from_the_previous_question(
        follow: str, previous: str, meant: str) -> None:
    assert is_elliptical(follow, BODIES)
    assert resolve(follow, previous, BODIES) == meant


@pytest.mark.parametrize("question", [
    "Ai chủ trì kiểm tra phòng cháy?",  # task words of its own
    "Sở Tư pháp có những nhiệm vụ gì?",  # a body and "what": complete
    "Những việc nào đến hạn trong tháng 10/2026?",  # a period question: complete
    "Theo CT 13, ai chủ trì?",  # cites its own document
    "Sở Tư pháp phối hợp với ai?",  # asks for partners: complete
    "Còn gì nữa?",  # nothing to carry over to
])
def test_questions_that_stand_alone_are_left_as_they_are(question: str) -> None:
    assert not is_elliptical(question, BODIES)
    assert resolve(question, "Sở Công Thương có những nhiệm vụ gì?", BODIES) == question


def test_nothing_before_means_nothing_to_resolve() -> None:
    assert resolve("  Còn Sở Tư pháp thì sao? ", None, BODIES) == "Còn Sở Tư pháp thì sao?"


# ---------------------------------------------------------------- point 4: the chat session


class _Bodies(FakeVanban):
    def bodies(self) -> list[str]:
        return BODIES


def _page(tmp_path: Path) -> view.Page:
    return view.Page(_Bodies(), Config(db=str(tmp_path / "db"), max_upload_mb=1))


def _no_scope() -> SearchFilters:
    return SearchFilters()


def test_session_keeps_history_resolves_follow_ups_and_each_answers_sources(tmp_path: Path) -> None:
    page = _page(tmp_path)
    one = chat.ask(page, "Sở Công Thương có những nhiệm vụ gì?", [], _no_scope)
    two = chat.ask(page, "Còn Sở Tư pháp thì sao?", one.turns, _no_scope)
    assert [q for q, _ in page.service.asked] == [  # type: ignore[attr-defined]
        "Sở Công Thương có những nhiệm vụ gì?", "Sở Tư pháp có những nhiệm vụ gì?"]
    assert [t.asked for t in two.turns] == ["Sở Công Thương có những nhiệm vụ gì?", "Còn Sở Tư pháp thì sao?"]
    assert len(two.history) == 4
    assert "(hiểu là: Sở Tư pháp có những nhiệm vụ gì?)" in two.history[2]["content"]
    # the older answer links to its own cards (src-1-n), the latest to src-n
    assert 'href="#src-1-1"' in two.history[1]["content"]
    assert 'href="#src-1"' in two.history[3]["content"]
    groups = re.findall(r'<div class="vb-turn( vb-hidden)?" data-turn="(\d)">', two.panel)
    assert groups == [(" vb-hidden", "1"), ("", "2")]
    assert 'id="src-1-1"' in two.panel and 'id="src-1"' in two.panel


def test_empty_question_and_unreadable_scope_are_notes_not_turns(tmp_path: Path) -> None:
    page = _page(tmp_path)
    one = chat.ask(page, "Sở Công Thương có những nhiệm vụ gì?", [], _no_scope)
    empty = chat.ask(page, "  ", one.turns, _no_scope)
    assert empty.answer is None and empty.turns == one.turns
    assert empty.history[-1] == {"role": "assistant", "content": chat.EMPTY_QUESTION}

    def bad_scope() -> SearchFilters:
        return view.build_filters([], [], [], "31/12/2026", "01/01/2026")

    reversed_range = chat.ask(page, "Ai chủ trì?", one.turns, bad_scope)
    assert reversed_range.answer is None
    assert "ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026" in reversed_range.history[-1]["content"]
    assert len(page.service.asked) == 1  # type: ignore[attr-defined]


def test_sessions_keep_at_most_max_turns(tmp_path: Path) -> None:
    page = _page(tmp_path)
    turns: list[chat.Turn] = []
    for i in range(chat.MAX_TURNS + 2):
        turns = chat.ask(page, f"Ai chủ trì kiểm tra mỏ số {i}?", turns, _no_scope).turns
    assert len(turns) == chat.MAX_TURNS and turns[-1].asked.endswith(f"{chat.MAX_TURNS + 1}?")


# ---------------------------------------------------------------- point 8


def test_result_count_caps_task_lists() -> None:
    tasks = [_a("Sở Công Thương", "chủ trì", f"{i}", f"Kiểm tra mỏ số {i}", dt.date(2026, 10, i),
                f"trước ngày {i}/10/2026") for i in range(1, 7)]
    resp = Responsibilities(tasks)
    hits = [_hit(_chunk("3", "Sở Công Thương chủ trì kiểm tra mỏ số 3."))]
    what = compose_answer(Question.parse("Sở Công Thương có những nhiệm vụ gì?"), hits, resp, listed=2)
    due = compose_answer(Question.parse("Những việc nào đến hạn trong tháng 10/2026?"), [], resp, listed=2)
    for answer in (what, due):
        lines = answer.text.split("\n")
        assert len([x for x in lines if x.startswith("- ")]) == 2, answer.text
        assert lines[-1] == phrasing.more_tasks(4)
        assert len(answer.owners) == 2


def test_a_month_without_its_year_is_a_period_with_the_year_inferred() -> None:
    p = find_period("Những việc nào đến hạn trong tháng 12?", dt.date(2026, 5, 2))
    assert p is not None and (p.start, p.end, p.inferred) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31), True)
    q = Question.parse("Những việc nào đến hạn trong tháng 12?")
    assert q.kind == "period"
    year = dt.date.today().year
    resp = Responsibilities([_a("Sở Tư pháp", "chủ trì", "2", "Rà soát văn bản", dt.date(year, 12, 5),
                                f"trước ngày 5/12/{year}")])
    answer = compose_answer(q, [], resp)
    assert answer.found
    assert answer.text.startswith(f"Có 1 nhiệm vụ đến hạn trong tháng 12/{year} (năm suy ra):")


@pytest.mark.parametrize(("clause", "label", "shown"), [
    ("preamble.5", "Phần mở đầu › đoạn 5", "Phần mở đầu › đoạn 5"),
    ("6.-2", "Mục 6 › gạch đầu dòng 2", "Mục 6 › gạch đầu dòng 2"),
    ("2.5~2", "Mục 2 › 2.5", "Mục 2 › 2.5"),
    ("PL1.preamble.1", "Phần mở đầu › đoạn 1", "Phụ lục 1 › Phần mở đầu › đoạn 1"),
    ("II.2.2.a", "Mục II › 2 › 2.2 › điểm a", "II.2.2.a"),
])
def test_quoted_answers_name_clauses_as_printed(clause: str, label: str, shown: str) -> None:
    text = phrasing.quote_answer(Citation("f.docx", "Kế hoạch 45/KH-UBND", clause, label, "Nội dung.", n=1))
    assert text == f"Theo Kế hoạch 45/KH-UBND › {shown} [1]: Nội dung."


def test_no_clause_of_the_real_corpus_is_quoted_by_its_internal_path(shared_corpus: Path) -> None:
    from ingest.parse import parse_file

    internal = re.compile(r"preamble|\.[-+]\d|~\d")
    checked = 0
    for path in sorted(shared_corpus.glob("0*.txt"))[:6] + sorted(shared_corpus.glob("1*.txt"))[:6]:
        for c in parse_file(path).clauses:
            assert not internal.search(readable_clause(c.path, c.label)), (path.name, c.path)
            checked += 1
    assert checked > 100


def test_reversed_range_is_refused_in_vietnamese() -> None:
    with pytest.raises(InputError, match="Từ ngày: ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026"):
        view.parse_vn_range("31/12/2026", "01/01/2026")
    check_range(dt.date(2026, 1, 1), dt.date(2026, 1, 1))  # one day is a range


def test_cli_deadlines_refuses_a_reversed_range(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vanban.cli", "deadlines", "--from", "31/12/2026", "--to", "01/01/2026",
         "--db", str(tmp_path / "db"), "--embedder", "fake"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2
    assert "--from: ngày bắt đầu 31/12/2026 sau ngày kết thúc 01/01/2026" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_table_row_fields_survive_the_store_and_name_columns_in_the_card() -> None:
    from index.chunks import Chunk
    from index.store import chunk_from_record, chunk_metadata

    fields = (("task", "Thông báo lịch kiểm tra"), ("lead", "Sở Công Thương"), ("due", "Trước ngày 05/10/2026"))
    chunk = Chunk("d:PL.2", "d", "qd.pdf", "Quyết định 1520/QĐ-UBND", "PL.2", "Phụ lục, dòng 2", (),
                  " | ".join(v for _, v in fields), kind="table_row", fields=fields)
    back = chunk_from_record(chunk.id, chunk.text, chunk_metadata(chunk))
    assert back.fields == fields
    card = view.source_card(Citation.of_chunk(back, 0.5, 1), None, ["Sở Công Thương"])
    assert "<b>Cơ quan chủ trì:</b> <mark>Sở Công Thương</mark>" in card
    assert "<b>Thời hạn:</b> Trước ngày 05/10/2026" in card


def test_ask_k_caps_the_task_list_of_the_real_service(tmp_path: Path) -> None:
    from vanban.service import Vanban

    service = Vanban(Config(db=str(tmp_path / "db"), embedder="fake"))
    service.ingest(sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".docx", ".pdf")))
    question = "Sở Công Thương có những nhiệm vụ gì?"

    def listed(answer: Any) -> int:
        return sum(1 for line in answer.text.split("\n") if line.startswith("- "))

    assert listed(service.ask(question)) == phrasing.MAX_LISTED  # no -k: the usual list
    capped = service.ask(question, k=2)  # vanban ask -k 2
    assert listed(capped) == 2 and len(capped.owners) == 2
    assert capped.text.split("\n")[-1].startswith("và ")
