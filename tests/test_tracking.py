"""Deadline tracking, exports for drafting and typing without diacritics (issue 11, items 2, 3, 5).

The CLI tests index the project's own sample documents (``corpus/``) with the
fake embedder; the documents are dated 2026, their deadlines fall in 2026.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.accents import Accents
from index.chunks import Chunk
from index.search import Searcher, query_coverage
from tests.conftest import SAMPLE_CORPUS
from vanban.cli import main
from vanban.tracking import DUE_SOON, IN_TIME, NO_DEADLINE, OVERDUE, STATUSES, mark_deadline

# --- the marks, as pure functions -----------------------------------------------------------

REF = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("due", "text", "rec", "window", "expected"), [
    (dt.date(2026, 11, 30), "trước ngày 30/11/2026", None, 7, (OVERDUE, dt.date(2026, 11, 30))),
    (dt.date(2026, 12, 1), "trước ngày 1/12/2026", None, 7, (DUE_SOON, dt.date(2026, 12, 1))),
    (dt.date(2026, 12, 8), "trước ngày 8/12/2026", None, 7, (DUE_SOON, dt.date(2026, 12, 8))),
    (dt.date(2026, 12, 9), "trước ngày 9/12/2026", None, 7, (IN_TIME, dt.date(2026, 12, 9))),
    (dt.date(2026, 12, 31), "Quý IV/2026", None, 30, (DUE_SOON, dt.date(2026, 12, 31))),
    (dt.date(2026, 12, 31), "Quý IV/2026", None, 7, (IN_TIME, dt.date(2026, 12, 31))),
    (None, "Thường xuyên", "thường xuyên", 30, (NO_DEADLINE, None)),
    (None, None, None, 30, (NO_DEADLINE, None)),
    # recurring: judged by the next occurrence on or after the reference date
    (dt.date(2023, 6, 15), "trước ngày 15/6", "hằng năm", 7, (IN_TIME, dt.date(2027, 6, 15))),
    (dt.date(2023, 12, 15), "trước ngày 15/12", "hằng năm", 30, (DUE_SOON, dt.date(2026, 12, 15))),
    (dt.date(2026, 1, 31), "định kỳ hằng tháng", "hằng tháng", 7, (IN_TIME, dt.date(2026, 12, 31))),
    (dt.date(2025, 3, 31), "Quý I/2025", "hằng quý", 30, (DUE_SOON, dt.date(2026, 12, 31))),
    (dt.date(2024, 6, 30), "định kỳ 6 tháng", "6 tháng", 7, (IN_TIME, dt.date(2026, 12, 30))),
    (dt.date(2027, 2, 1), "trước ngày 1/2/2027", "hằng năm", 7, (IN_TIME, dt.date(2027, 2, 1))),
])
def test_mark_deadline(due: dt.date | None, text: str | None, rec: str | None, window: int,
                       expected: tuple[str, dt.date | None]) -> None:
    mark = mark_deadline(due, text, rec, REF, window)
    assert (mark.status, mark.due) == expected


def test_marks_say_recurring_and_inferred_year() -> None:
    inferred = mark_deadline(dt.date(2026, 12, 15), "trước ngày 15/12", "hằng năm", REF)
    assert (inferred.recurring, inferred.year_inferred, inferred.label()) == (
        True, True, "còn hạn (định kỳ, năm suy ra)")
    printed = mark_deadline(dt.date(2026, 12, 20), "trước ngày 20/12/2026", None, REF)
    assert (printed.recurring, printed.year_inferred, printed.label()) == (False, False, "còn hạn")
    ongoing = mark_deadline(None, "Thường xuyên", "thường xuyên", REF)
    assert ongoing.recurring is False  # a standing duty has no period to repeat


# --- the commands on the sample corpus -------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("tracking") / "db")
    result = CliRunner().invoke(main, ["ingest", str(SAMPLE_CORPUS), "--db", path, "--embedder", "fake", "-q"])
    assert result.exit_code == 0, result.output
    return path


def _run(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", db, "--embedder", "fake"])
    assert result.exit_code == 0, result.output
    return result.output


def _json(db: str, *args: str) -> list[dict[str, object]]:
    return json.loads(_run(db, *args, "--json"))  # type: ignore[no-any-return]


def test_due_within_keeps_what_falls_due_in_the_window(db: str) -> None:
    rows = _json(db, "deadlines", "--today", "05/12/2026", "--due-within", "7")
    assert [(r["next_due"], r["body"], r["clause"], r["status"], r["status_note"]) for r in rows] == [
        ("2026-12-10", "Ủy ban nhân dân các xã, phường", "III.2", DUE_SOON, "định kỳ, năm suy ra")]
    wider = _json(db, "deadlines", "--today", "05/12/2026", "--due-within", "30")
    assert len(wider) > 1 and {r["status"] for r in wider} == {DUE_SOON}
    assert [r["next_due"] for r in wider] == sorted(r["next_due"] for r in wider)  # type: ignore[type-var]
    assert all("2026-12-05" <= str(r["next_due"]) <= "2027-01-04" for r in wider)


def test_overdue_lists_what_is_past_the_reference_date(db: str) -> None:
    rows = _json(db, "deadlines", "--today", "01/10/2026", "--overdue")
    assert {r["status"] for r in rows} == {OVERDUE}
    assert (rows[0]["next_due"], rows[0]["body"], rows[0]["clause"]) == (
        "2026-08-30", "Ủy ban nhân dân các xã, phường", "II.2.1.b")
    assert max(str(r["next_due"]) for r in rows) == "2026-09-30"
    assert len(rows) == 19
    text = _run(db, "deadlines", "--today", "01/10/2026", "--overdue")
    assert text.startswith("  1. Ủy ban nhân dân các xã, phường (thực hiện) — hạn 30/08/2026 "
                           "(trước ngày 30/8/2026) — quá hạn\n")


def test_recurring_deadlines_show_their_next_occurrence(db: str) -> None:
    rows = _json(db, "deadlines", "--today", "20/11/2027", "--due-within", "30")
    assert [(r["due"], r["next_due"], r["clause"]) for r in rows][:2] == [
        ("2026-12-10", "2027-12-10", "III.2"), ("2026-12-15", "2027-12-15", "1.c")]
    assert all(r["recurring"] and r["year_inferred"] for r in rows)
    text = _run(db, "deadlines", "--today", "20/11/2027", "--due-within", "30")
    assert "— hạn 10/12/2027 (trước ngày 10/12) — sắp đến hạn (định kỳ, năm suy ra)" in text


def test_every_json_row_has_a_status(db: str) -> None:
    rows = _json(db, "deadlines", "--today", "05/12/2026")
    assert {"status", "next_due", "recurring", "year_inferred", "status_note"} <= set(rows[0])
    assert {r["status"] for r in rows} == set(STATUSES)
    ongoing = [r for r in rows if r["recurrence"] == "thường xuyên"]
    assert ongoing and {r["status"] for r in ongoing} == {NO_DEADLINE}


def test_a_bad_reference_date_is_refused(db: str) -> None:
    result = CliRunner().invoke(main, ["deadlines", "--today", "31/02/2026", "--db", db])
    assert result.exit_code != 0
    assert "ngày '31/02/2026' không hợp lệ" in str(result.exception)


def test_status_column_in_xlsx_and_csv(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx, csv_path = tmp_path / "han.xlsx", tmp_path / "han.csv"
    _run(db, "deadlines", "--today", "01/10/2026", "--overdue", "--xlsx", str(xlsx), "--csv", str(csv_path))
    ws = load_workbook(xlsx).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[3:6] == ["Hạn", "Tình trạng", "Ghi chú hạn"]
    assert [ws.cell(row=2, column=i).value for i in (1, 5)] == ["Ủy ban nhân dân các xã, phường", OVERDUE]
    assert ws.cell(row=2, column=4).value.date() == dt.date(2026, 8, 30)
    assert ws.max_row == 20
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][3:6] == ["Hạn", "Tình trạng", "Ghi chú hạn"]
    assert {r[4] for r in table[1:]} == {OVERDUE}


def test_recurring_row_exports_its_next_occurrence(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx = tmp_path / "dinh-ky.xlsx"
    _run(db, "deadlines", "--today", "20/11/2027", "--due-within", "30", "--xlsx", str(xlsx))
    ws = load_workbook(xlsx).active
    assert ws is not None
    assert ws.cell(row=2, column=4).value.date() == dt.date(2027, 12, 10)
    assert [ws.cell(row=2, column=i).value for i in (5, 6)] == [DUE_SOON, "định kỳ, năm suy ra"]


def test_tasks_docx_is_a_drafting_table(db: str, tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    path = tmp_path / "nv.docx"
    out = _run(db, "tasks", "--body", "Sở Công Thương", "--docx", str(path))
    assert f"Đã ghi 23 dòng vào {path}." in out
    doc = Document(str(path))
    (table,) = doc.tables
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["STT", "Nhiệm vụ", "Vai trò", "Thời hạn", "Căn cứ"]
    assert all(c.paragraphs[0].runs[0].bold for c in header.cells)
    assert header._tr.trPr is not None and "tblHeader" in header._tr.trPr.xml  # repeats on each page
    assert table.style.name == "Table Grid"
    assert len(table.rows) == 24
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "Chủ trì, phối hợp với Công an tỉnh, Ủy ban nhân dân các xã, phường rà soát toàn bộ cơ sở "
        "sản xuất, kinh doanh, sử dụng, tồn trữ hóa chất nguy hiểm trong các cụm công nghiệp;",
        "Chủ trì",
        "Hoàn thành trước ngày 30/9/2026",
        "Chỉ thị 08/CT-UBND › 1.a",
    ]
    recurring = next(r for r in table.rows if r.cells[4].text == "Chỉ thị 08/CT-UBND › 1.c")
    assert recurring.cells[3].text == "Trước ngày 15/12 (15/12/2026)"  # the inferred year shown
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(13))


def test_tasks_xlsx_has_the_status_column(db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "nv.xlsx"
    _run(db, "tasks", "--body", "SCT", "--today", "01/10/2026", "--xlsx", str(path))
    ws = load_workbook(path).active
    assert ws is not None
    assert ws.max_row == 24 and ws.cell(row=1, column=5).value == "Tình trạng"
    assert {ws.cell(row=r, column=1).value for r in range(2, 25)} == {"Sở Công Thương"}


def test_every_export_creates_missing_folders(db: str, tmp_path: Path) -> None:
    base = tmp_path / "chua-co" / "thu-muc"
    _run(db, "deadlines", "--xlsx", str(base / "a.xlsx"), "--csv", str(base / "b" / "a.csv"))
    _run(db, "tasks", "--body", "SCT", "--docx", str(base / "c" / "nv.docx"),
         "--xlsx", str(base / "d" / "nv.xlsx"))
    assert all(p.stat().st_size > 0 for p in (base / "a.xlsx", base / "b" / "a.csv",
                                               base / "c" / "nv.docx", base / "d" / "nv.xlsx"))


def test_export_under_a_file_is_a_clear_error(db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "la-tep"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["deadlines", "--db", db, "--xlsx", str(blocker / "a.xlsx")])
    assert result.exit_code != 0
    assert not isinstance(result.exception, FileNotFoundError | NotADirectoryError)
    assert "không tạo được thư mục" in str(result.exception)


# --- typing without diacritics ---------------------------------------------------------------


def test_tasks_body_without_diacritics(db: str) -> None:
    accented = _json(db, "tasks", "--body", "Sở Công Thương")
    assert len(accented) == 23
    assert _json(db, "tasks", "--body", "So Cong Thuong") == accented
    assert _json(db, "tasks", "--body", "so cong thuong") == accented
    assert _json(db, "tasks", "--body", "cong an tinh") == _json(db, "tasks", "--body", "Công an tỉnh")
    assert "Sở Công Thương: 23 nhiệm vụ" in _run(db, "tasks", "--body", "So Cong Thuong")


def _chunk(i: int, text: str) -> Chunk:
    return Chunk(f"d:{i}", "d", "kh.docx", "Kế hoạch 45/KH-UBND", str(i), f"Mục {i}", (), text)


def test_unaccented_question_is_embedded_with_its_diacritics_restored() -> None:
    chunks = [_chunk(1, "Sở Công Thương chủ trì kiểm tra việc thực hiện Biện pháp phòng ngừa sự cố hóa chất."),
              _chunk(2, "Công an tỉnh chủ trì kiểm tra an toàn phòng cháy, chữa cháy."),
              _chunk(3, "Chữ ký số của Sở Tư pháp; hoa văn trên chất liệu gỗ.")]
    searcher = Searcher({c.id: c for c in chunks}, None, None, None)
    assert searcher.dense_query("ai chu tri kiem tra an toan hoa chat") == (
        "ai chủ trì kiểm tra an toàn hóa chất")
    assert searcher.dense_query("So Cong Thuong chu tri viec gi?") == "Sở Công Thương chủ trì việc gì?"
    assert searcher.dense_query("Ai chủ trì?") == "Ai chủ trì?"  # accented: left as typed


def test_unaccented_question_counts_its_words_in_the_clause() -> None:
    c = _chunk(1, "Công an tỉnh chủ trì kiểm tra an toàn phòng cháy, chữa cháy.")
    assert query_coverage("ai chu tri kiem tra an toan phong chay", c) == 1.0
    assert query_coverage("ai chủ trì kiểm tra an toàn phòng cháy", c) == 1.0


def test_accents_from_texts_prefers_the_documents_bigrams() -> None:
    a = Accents.from_texts(["báo cáo kết quả", "bảo vệ môi trường", "bảo vệ rừng"])
    assert a.restore("Bao cao ket qua; bao ve moi truong") == "Báo cáo kết quả; bảo vệ môi trường"
    assert a.restore("UBND tinh") == "UBND tinh"  # unknown syllables stay as typed
