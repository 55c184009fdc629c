"""Responsibilities: assignments re-derived from stored chunks, and the look-ups on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from index.chunks import Chunk, chunks_from_document
from ingest.assignments import Assignment, extract_assignments
from ingest.errors import InputError
from ingest.model import Document
from ingest.parse import parse_file
from tests.conftest import shared_file
from vanban.answer.tasks import (
    ROW_KEYS,
    Responsibilities,
    ResponsibilitiesCache,
    document_from_chunks,
    infer_header,
    parse_user_date,
    task_lines,
    to_row,
)


def _a(body: str, role: str, due: dt.date | None, clause: str = "1", file: str = "a.txt",
       task: str = "Rà soát quy hoạch") -> Assignment:
    return Assignment(file=file, document="Kế hoạch 28/KH-BCĐCVĐ", clause=clause, label=f"Mục {clause}",
                      body=body, body_key="", role=role, task=task,
                      deadline_text=f"trước ngày {due:%d/%m/%Y}" if due else None, due=due,
                      recurrence=None, clause_text=task)


def _key(a: Assignment) -> tuple[object, ...]:
    return (a.clause, a.body, a.role, a.task, a.deadline_text, a.due, a.recurrence)


def _named(path_prefix: str) -> Document:
    doc = parse_file(shared_file(path_prefix))
    return replace(doc, file=shared_file(path_prefix).name)


@pytest.mark.parametrize("prefix", ["29_", "30_", "01_"])
def test_chunks_rebuild_gives_the_same_assignments(prefix: str) -> None:
    doc = _named(prefix)
    rebuilt = document_from_chunks(chunks_from_document(doc))
    assert rebuilt.name == doc.name
    assert rebuilt.header.date == doc.header.date
    assert [_key(a) for a in extract_assignments(rebuilt)] == [_key(a) for a in extract_assignments(doc)]


def test_table_rows_without_stored_cells_fall_back_to_their_text() -> None:
    # 30_ has a task table in its appendix; a store that kept no cells still yields the rows
    doc = _named("30_")
    chunks = [replace(c, cells=()) for c in chunks_from_document(doc)]
    expected = {_key(a) for a in extract_assignments(doc) if a.clause.startswith("PL.")}
    assert expected
    got = {_key(a) for a in extract_assignments(document_from_chunks(chunks))}
    assert expected <= got


def test_infer_header_names_the_columns() -> None:
    rows = [
        ("1", "Rà soát quy hoạch khoáng sản", "Sở Nông nghiệp và Môi trường", "Các sở, ngành", "Quý II/2026", ""),
        ("2", "Kiểm tra mỏ", "Sở Công Thương", "Công an tỉnh", "Trong năm 2026", ""),
    ]
    assert infer_header(rows) == ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "")
    assert infer_header([("1", "Nội dung", "Ghi chú")]) is None


def test_for_body_accepts_every_variant_of_a_name() -> None:
    doc = _named("02_")
    resp = Responsibilities.from_chunks(chunks_from_document(doc))
    found = [[(a.body, a.role, a.due) for a in resp.for_body(q)]
             for q in ("SCT", "sở công thương", "Sở Công thương", "Sở Công Thương tỉnh Lào Cai")]
    assert found[0] == [("Sở Công Thương", "chủ trì", dt.date(2025, 9, 15))]
    assert all(f == found[0] for f in found)
    assert resp.for_body("Sở Tư pháp")[0].role == "phối hợp"
    assert resp.for_body("Sở Tài chính") == []
    assert resp.bodies() == ["Sở Công Thương (tỉnh Lào Cai)", "Sở Tư pháp (tỉnh Lào Cai)"]


def test_real_document_owner_and_deadline() -> None:
    doc = _named("29_")
    resp = Responsibilities.from_chunks(chunks_from_document(doc))
    lead = resp.for_clause(doc.file, "2.b")[0]
    assert (lead.body, lead.role, lead.due) == ("Bộ Tài nguyên và Môi trường", "chủ trì", dt.date(2024, 7, 30))
    assert resp.for_clause(doc.doc_id, "2.b") == resp.for_clause(doc.file, "2.b")
    assert "Văn phòng Chính phủ" in resp.bodies()


def test_due_between_is_inclusive_and_sorted() -> None:
    resp = Responsibilities([
        _a("Sở Công Thương", "chủ trì", dt.date(2026, 10, 31), "3"),
        _a("Sở Tư pháp", "phối hợp", dt.date(2026, 10, 1), "2"),
        _a("Sở Công Thương", "chủ trì", dt.date(2026, 11, 1), "4"),
        _a("Sở Xây dựng", "chủ trì", None, "5"),
        _a("", "thực hiện", dt.date(2026, 10, 5), "6"),  # no owner: not a responsibility
    ])
    got = resp.due_between(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert [(a.clause, a.due) for a in got] == [("2", dt.date(2026, 10, 1)), ("3", dt.date(2026, 10, 31))]
    assert [a.clause for a in resp.due_between(None, None, body="SCT")] == ["3", "4"]
    assert len(resp.unowned()) == 1


def test_to_row_is_the_deadlines_json_contract() -> None:
    row = to_row(_a("Sở Công Thương", "chủ trì", dt.date(2025, 9, 15)))
    assert tuple(row) == ROW_KEYS
    assert row["due"] == "2025-09-15"
    assert to_row(_a("Sở Công Thương", "chủ trì", None))["due"] is None


def test_task_lines_show_deadline_and_citation() -> None:
    lines = task_lines([_a("Sở Công Thương", "chủ trì", dt.date(2025, 9, 15), "IV.1.1")])
    assert lines == [
        "  1. Sở Công Thương (chủ trì) — hạn 15/09/2025 (trước ngày 15/09/2025)",
        "     Rà soát quy hoạch",
        "     Kế hoạch 28/KH-BCĐCVĐ › IV.1.1",
    ]


@pytest.mark.parametrize("text, expected", [
    ("15/9/2025", dt.date(2025, 9, 15)),
    ("01/10/2026", dt.date(2026, 10, 1)),
    ("31-12-2026", dt.date(2026, 12, 31)),
    ("2026-10-31", dt.date(2026, 10, 31)),
])
def test_parse_user_date(text: str, expected: dt.date) -> None:
    assert parse_user_date(text) == expected


def test_parse_user_date_rejects_with_a_vietnamese_hint() -> None:
    with pytest.raises(InputError, match=r"--to: ngày '31/02/2026' không hợp lệ — nhập theo dạng dd/mm/yyyy"):
        parse_user_date("31/02/2026", "--to")


class _FakeStore:
    def __init__(self, chunks: list[Chunk]) -> None:
        self.items = chunks
        self.calls = 0

    def chunks(self) -> list[Chunk]:
        self.calls += 1
        return self.items

    def signature(self) -> str:
        return str(len(self.items))


def test_cache_rebuilds_only_when_the_store_changes() -> None:
    doc = _named("02_")
    store = _FakeStore(chunks_from_document(doc))
    cache = ResponsibilitiesCache()
    first = cache.get(store)
    assert cache.get(store) is first and store.calls == 1
    store.items = store.items[:1]
    assert cache.get(store) is not first and store.calls == 2


def test_deadlines_keep_one_row_per_body_task_and_deadline() -> None:
    due = dt.date(2026, 6, 30)
    resp = Responsibilities([
        _a("Công an tỉnh", "thực hiện", due, "5"),
        _a("Công an tỉnh", "chủ trì", due, "5"),  # same task and deadline, stronger role
        _a("Sở Tư pháp", "phối hợp", due, "5"),
        _a("Sở Xây dựng", "chủ trì", None, "6"),  # no deadline at all: not a deadline row
        replace(_a("Thanh tra tỉnh", "chủ trì", None, "7"), recurrence="hằng năm"),
    ])
    assert [(a.body, a.role) for a in resp.deadlines()] == [
        ("Công an tỉnh", "chủ trì"), ("Sở Tư pháp", "phối hợp"), ("Thanh tra tỉnh", "chủ trì")]
    assert [a.body for a in resp.deadlines(dt.date(2026, 1, 1), None, body="CA tỉnh")] == ["Công an tỉnh"]


def test_a_document_the_extractor_fails_on_is_set_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    import vanban.answer.tasks as R

    good, bad = _named("02_"), _named("29_")
    real = R.extract_assignments

    def flaky(doc: Document) -> list[Assignment]:
        if doc.file == bad.file:
            raise RuntimeError("boom")
        return real(doc)

    monkeypatch.setattr(R, "extract_assignments", flaky)
    resp = Responsibilities.from_chunks([*chunks_from_document(good), *chunks_from_document(bad)])
    assert resp.failed == [bad.file]
    assert resp.bodies() == ["Sở Công Thương (tỉnh Lào Cai)", "Sở Tư pháp (tỉnh Lào Cai)"]
