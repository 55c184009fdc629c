"""Deadline exports (XLSX, CSV) and the ``tasks`` / ``deadlines`` commands on a real document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import shared_file
from vanban.cli import main
from vanban.export import COLUMNS, write_csv, write_xlsx

ROWS = [
    {"file": "02_CV.docx", "document": "Công văn 123/UBND-KT", "clause": "1", "label": "Mục 1",
     "body": "Sở Công Thương", "role": "chủ trì", "task": "Tham mưu ủy quyền thủ tục huấn luyện",
     "deadline_text": "trước ngày 15/9/2025", "due": "2025-09-15", "recurrence": None},
    {"file": "29_CT.txt", "document": "Chỉ thị 13/CT-TTg", "clause": "8", "label": "Mục 8",
     "body": "Văn phòng Chính phủ", "role": "theo dõi, đôn đốc", "task": "Theo dõi, đôn đốc",
     "deadline_text": None, "due": None, "recurrence": "hằng năm"},
]


def test_xlsx_has_frozen_header_filter_and_date_cells(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ws = load_workbook(write_xlsx(ROWS, tmp_path / "han.xlsx")).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{len(ROWS) + 1}"
    assert [c.value for c in ws[1]] == [title for title, _, _ in COLUMNS]
    due = ws.cell(row=2, column=4)
    assert due.is_date and due.value.date() == dt.date(2025, 9, 15)
    assert due.number_format == "DD/MM/YYYY"
    assert ws.cell(row=2, column=1).value == "Sở Công Thương"
    assert ws.cell(row=2, column=11).value == "Công văn 123/UBND-KT › 1"
    assert ws.cell(row=3, column=4).value in (None, "")  # no due date: an empty cell, not a date
    assert ws.cell(row=3, column=8).value == "hằng năm"


def test_csv_starts_with_bom_and_keeps_vietnamese(tmp_path: Path) -> None:
    path = write_csv(ROWS, tmp_path / "han.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Cơ quan,Vai trò,Nhiệm vụ,Hạn,")
    assert lines[1].startswith("Sở Công Thương,chủ trì,Tham mưu ủy quyền thủ tục huấn luyện,15/09/2025,")
    assert len(lines) == 3


# --- commands on a tiny index (fake embedder, real documents) ---------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    files = [shared_file("29_"), shared_file("02_")]
    path = str(tmp_path_factory.mktemp("index") / "db")
    result = CliRunner().invoke(main, ["ingest", *map(str, files), "--db", path, "--embedder", "fake", "-q"])
    assert result.exit_code == 0, result.output
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_tasks_accepts_any_variant_of_the_name(db: str) -> None:
    rows = [json.loads(_run("tasks", "--body", b, "--db", db, "--json"))
            for b in ("Sở Công Thương", "SCT", "sở công thương")]
    assert rows[0] == rows[1] == rows[2]
    assert [(r["body"], r["role"], r["due"], r["clause"]) for r in rows[0]] == [
        ("Sở Công Thương", "chủ trì", "2025-09-15", "preamble.2")]
    text = _run("tasks", "--body", "Bộ Tài nguyên và Môi trường", "--db", db)
    assert text.startswith("Bộ Tài nguyên và Môi trường: 9 nhiệm vụ trong 1 văn bản.")
    assert "Chỉ thị 13/CT-TTg › 2.b" in text
    assert "Không có nhiệm vụ nào của 'Sở Tài chính'" in _run("tasks", "--body", "Sở Tài chính", "--db", db)


def test_deadlines_json_between_dates(db: str) -> None:
    rows = json.loads(_run("deadlines", "--from", "01/07/2024", "--to", "2024-09-30", "--db", db, "--json"))
    assert [(r["due"], r["body"], r["role"], r["clause"]) for r in rows] == [
        ("2024-07-30", "Bộ Tài nguyên và Môi trường", "chủ trì", "2.b"),
        ("2024-09-30", "Bộ Công Thương", "thực hiện", "1.a"),
        ("2024-09-30", "Bộ Giao thông vận tải", "thực hiện", "1.a"),
        ("2024-09-30", "Bộ Xây dựng", "thực hiện", "1.a"),
        ("2024-09-30", "Bộ Nông nghiệp và Phát triển nông thôn", "thực hiện", "1.a"),
        ("2024-09-30", "Bộ Tài nguyên và Môi trường", "thực hiện", "1.a"),
        ("2024-09-30", "Bộ Công Thương", "chủ trì", "4"),
    ]
    assert list(rows[0]) == ["file", "document", "clause", "label", "body", "role", "task",
                             "deadline_text", "due", "recurrence",
                             "status", "next_due", "recurring", "year_inferred", "status_note",
                             "due_shown"]
    assert rows[0]["document"] == "Chỉ thị 13/CT-TTg"
    assert rows[0]["deadline_text"] == "trước ngày 30 tháng 7 năm 2024"
    by_body = json.loads(_run("deadlines", "--body", "SCT", "--db", db, "--json"))
    assert [(r["body"], r["due"]) for r in by_body] == [("Sở Công Thương", "2025-09-15")]


def test_deadlines_to_xlsx_and_csv(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx, csv = tmp_path / "han.xlsx", tmp_path / "han.csv"
    out = _run("deadlines", "--from", "1/1/2025", "--db", db, "--xlsx", str(xlsx), "--csv", str(csv))
    assert f"Đã ghi 2 dòng vào {xlsx}." in out
    ws = load_workbook(xlsx).active
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["Sở Công Thương", "Sở Tư pháp"]
    assert ws.cell(row=2, column=4).is_date
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")


def test_deadlines_rejects_a_bad_date(db: str) -> None:
    result = CliRunner().invoke(main, ["deadlines", "--from", "31/02/2026", "--db", db])
    assert result.exit_code != 0
    assert "ngày '31/02/2026' không hợp lệ" in str(result.exception)
