"""Responsibilities: the assignments extracted at ingest, and the look-ups on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from index.store import extract
from ingest.assignments import Assignment
from ingest.errors import InputError
from ingest.model import Document
from ingest.parse import parse_file
from tests.conftest import shared_file
from vanban.answer.tasks import (
    ROW_KEYS,
    Responsibilities,
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


def _resp(doc: Document) -> Responsibilities:
    """What the index holds for one ingested document."""
    return Responsibilities(extract(doc).assignments, {doc.doc_id: doc.file})


def test_for_body_accepts_every_variant_of_a_name() -> None:
    doc = _named("02_")
    resp = _resp(doc)
    found = [[(a.body, a.role, a.due) for a in resp.for_body(q)]
             for q in ("SCT", "sở công thương", "Sở Công thương", "Sở Công Thương tỉnh Lào Cai")]
    assert found[0] == [("Sở Công Thương", "chủ trì", dt.date(2025, 9, 15))]
    assert all(f == found[0] for f in found)
    assert resp.for_body("Sở Tư pháp")[0].role == "phối hợp"
    assert resp.for_body("Sở Tài chính") == []
    assert resp.bodies() == ["Sở Công Thương (tỉnh Lào Cai)", "Sở Tư pháp (tỉnh Lào Cai)"]


def test_real_document_owner_and_deadline() -> None:
    doc = _named("29_")
    resp = _resp(doc)
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
