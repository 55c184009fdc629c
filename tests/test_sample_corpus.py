"""The project's own sample corpus (scripts/make_corpus.py → corpus/).

The generated files must open, carry intact Vietnamese text and real tables,
match the committed copies, and — once the parser exists — parse into the
header and clauses they were written with.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, SAMPLE_CORPUS


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_corpus", ROOT / "scripts" / "make_corpus.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


mc = _load_script()
NAMES = [f"{d.stem}.{d.fmt}" for d in mc.DOCUMENTS]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    mc.build_corpus(out)
    return out


def _docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    import docx

    d = docx.Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return [p.text for p in d.paragraphs], tables


def _pdf_text(path: Path) -> tuple[str, list[list[list[str]]]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    return text, [[[c or "" for c in row] for row in t] for t in tables]


def _flat(cell: str) -> str:
    """pdfplumber keeps the line breaks of wrapped cells; compare without them."""
    return " ".join(cell.split())


def test_four_documents_in_the_two_formats(generated: Path) -> None:
    assert sorted(p.name for p in generated.iterdir()) == sorted(NAMES)
    assert sorted(d.fmt for d in mc.DOCUMENTS) == ["docx", "docx", "pdf", "pdf"]


def test_committed_corpus_is_present() -> None:
    for name in NAMES:
        assert (SAMPLE_CORPUS / name).stat().st_size > 10_000, name


def test_generation_is_reproducible(generated: Path, tmp_path: Path) -> None:
    again = mc.build_corpus(tmp_path)
    for path in again:
        assert path.read_bytes() == (generated / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", NAMES)
def test_committed_copy_matches_the_script(generated: Path, name: str) -> None:
    """Text-level comparison: robust to font/library byte differences, not to content edits."""
    read = _docx_text if name.endswith(".docx") else _pdf_text
    assert read(SAMPLE_CORPUS / name) == read(generated / name), (
        f"corpus/{name} is stale — run: python scripts/make_corpus.py"
    )


def test_ke_hoach_docx_header_table_and_task_table(generated: Path) -> None:
    paras, tables = _docx_text(generated / "ke-hoach-45-KH-UBND.docx")
    header = tables[0]
    assert header[0][0] == "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH XANH\n-------"
    assert header[1] == ["Số: 45/KH-UBND", "Hòa Bình Xanh, ngày 12 tháng 8 năm 2026"]
    assert paras[0] == "KẾ HOẠCH"
    assert "III. TỔ CHỨC THỰC HIỆN" in paras
    tasks = tables[-1]
    assert tasks[0] == list(mc.TASK_COLUMNS)
    assert len(tasks) == 8  # header + 7 rows
    assert tasks[4] == [
        "4",
        "Kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp",
        "Công an tỉnh",
        "Sở Công Thương",
        "Hằng năm, trước ngày 15/12",
    ]
    assert all(unicodedata.is_normalized("NFC", p) for p in paras)


def test_cong_van_has_vv_and_kinh_gui(generated: Path) -> None:
    paras, tables = _docx_text(generated / "cong-van-612-SCT-QLCN.docx")
    assert tables[0][1][0].startswith("Số: 612/SCT-QLCN\nV/v báo cáo kết quả rà soát")
    assert paras[:2] == ["Kính gửi:", "- Ủy ban nhân dân các xã, phường có cụm công nghiệp;"]
    assert tables[-1][0][0].startswith("Nơi nhận:\n- Như trên;")


def test_pdf_text_layer_is_intact_vietnamese(generated: Path) -> None:
    text, tables = _pdf_text(generated / "chi-thi-08-CT-UBND.pdf")
    assert "Số: 08/CT-UBND Hòa Bình Xanh, ngày 20 tháng 7 năm 2026" in text
    assert "\n1. Sở Công Thương\n" in text
    assert "Sở Công Thương" in text and "chữa cháy" in text
    assert unicodedata.is_normalized("NFC", text)
    assert tables == []  # header and signature are borderless: no ruled table


def test_pdf_task_table_is_ruled_and_extractable(generated: Path) -> None:
    _, tables = _pdf_text(generated / "quyet-dinh-1520-QD-UBND.pdf")
    assert len(tables) == 1
    rows = [[_flat(c) for c in row] for row in tables[0]]
    assert rows[0] == list(mc.TASK_COLUMNS)
    assert rows[1:] == [list(r) for r in mc.QUYET_DINH.appendix.rows]


def test_missing_font_fails_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit, match="fonts-dejavu-core"):
        mc.find_fonts((tmp_path,))


def test_date_line_pads_day_and_early_months() -> None:
    assert (
        mc.date_line("Hòa Bình Xanh", dt.date(2026, 2, 5))
        == "Hòa Bình Xanh, ngày 05 tháng 02 năm 2026"
    )
    assert (
        mc.date_line("Hòa Bình Xanh", dt.date(2026, 11, 15))
        == "Hòa Bình Xanh, ngày 15 tháng 11 năm 2026"
    )


# -- once the parser lands (ingest.parse.parse_file): the corpus parses as written


def _parse_file():  # type: ignore[no-untyped-def]
    parse = pytest.importorskip("ingest.parse", reason="ingest.parse not written yet")
    return parse.parse_file


@pytest.mark.parametrize("doc", mc.DOCUMENTS, ids=lambda d: d.stem)
def test_parser_reads_header(doc) -> None:  # type: ignore[no-untyped-def]
    parsed = _parse_file()(SAMPLE_CORPUS / f"{doc.stem}.{doc.fmt}")
    assert parsed.status == "ok"
    assert parsed.header.number == doc.number
    assert parsed.header.date == doc.date
    expected_type = doc.doc_type.capitalize() if doc.doc_type else "Công văn"
    assert parsed.header.doc_type == expected_type


@pytest.mark.parametrize("doc", [mc.KE_HOACH, mc.QUYET_DINH], ids=lambda d: d.stem)
def test_parser_task_rows_become_table_row_clauses(doc) -> None:  # type: ignore[no-untyped-def]
    parsed = _parse_file()(SAMPLE_CORPUS / f"{doc.stem}.{doc.fmt}")
    rows = [c for c in parsed.clauses if c.kind == "table_row"]
    assert len(rows) == len(doc.appendix.rows)
    assert [_flat(r.cells[2]) for r in rows] == [r[2] for r in doc.appendix.rows]
