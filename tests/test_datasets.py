"""Checks for the evaluation data sets built by hand from the real documents.

Three files live under ``evals/``: ``gold/assignments.jsonl`` (who does what by when, one record
per clause/body/role), ``devset.jsonl`` (retrieval questions with the clause that answers them) and
``questions.jsonl`` (who/what/when answer questions). Schema tests run everywhere; the quote tests
re-read the documents in ../shared/corpus with the simplest possible readers (raw text, python-docx
paragraphs and table cells, pdfplumber page text) — deliberately not the product's readers — and
skip with a reason when the corpus is absent.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHARED_CORPUS

GOLD = ROOT / "evals" / "gold" / "assignments.jsonl"
DEVSET = ROOT / "evals" / "devset.jsonl"
QUESTIONS = ROOT / "evals" / "questions.jsonl"

ROLES = {"chủ trì", "phối hợp", "thực hiện", "theo dõi, đôn đốc", "tham mưu"}
KINDS = {"who", "what", "when"}
GOLD_KEYS = {"file", "clause", "body", "role", "due", "deadline_text", "quote"}
DEV_KEYS = {"id", "question", "file", "clause", "quote"}
QUESTION_KEYS = {
    "id",
    "kind",
    "question",
    "file",
    "expected_body",
    "expected_role",
    "expected_due",
    "quote",
}
# Scans without a text layer and PDFs whose text layer is garbled: no quote can be checked there.
UNREADABLE_PREFIXES = ("21_", "25_", "26_", "27_", "15_", "16_")
# A question sharing this many consecutive words with its document was copied, not paraphrased.
MAX_COPIED_RUN = 7


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSON-lines file; a missing file fails with a message naming it."""
    assert path.exists(), f"thiếu tệp dữ liệu {path} — hãy tạo lại bộ dữ liệu đánh giá"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def norm(text: str) -> str:
    """NFC + collapsed whitespace, so layout line breaks do not matter.

    >>> norm("Bộ Tài chính\\n  chủ trì")
    'Bộ Tài chính chủ trì'
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def parse_due(value: Any) -> dt.date | None:
    """``None`` or an ISO date string within the years the corpus covers (2010–2035)."""
    if value is None:
        return None
    assert isinstance(value, str), f"hạn phải là chuỗi YYYY-MM-DD hoặc null, nhận {value!r}"
    day = dt.date.fromisoformat(value)
    assert 2010 <= day.year <= 2035, f"hạn {value} nằm ngoài khoảng năm hợp lý"
    return day


def _docx_text(path: Path) -> str:
    """Paragraphs and table cells (cells of a row joined by `` | ``) in document order."""
    from docx import Document
    from docx.table import Table

    parts: list[str] = []
    for block in Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            parts.extend(" | ".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    """The text layer of every page, as pdfplumber extracts it."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@functools.cache
def document_text(name: str) -> str:
    """Normalized text of one corpus file, read with the simplest method for its format."""
    path = SHARED_CORPUS / name
    if path.suffix == ".docx":
        raw = _docx_text(path)
    elif path.suffix == ".pdf":
        raw = _pdf_text(path)
    else:
        raw = path.read_text(encoding="utf-8")
    return norm(raw)


def longest_shared_run(question: str, text: str) -> int:
    """Length of the longest run of consecutive words of ``question`` found in ``text``.

    >>> longest_shared_run("Ai chủ trì việc này?", "Bộ Tài chính chủ trì việc lập")
    3
    """
    words = norm(question).lower().split()
    haystack = f" {text.lower()} "
    best = 0
    for start in range(len(words)):
        end = start + best + 1
        while end <= len(words) and f" {' '.join(words[start:end])} " in haystack:
            best, end = end - start, end + 1
    return best


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    return load_jsonl(GOLD)


@pytest.fixture(scope="module")
def devset() -> list[dict[str, Any]]:
    return load_jsonl(DEVSET)


@pytest.fixture(scope="module")
def questions() -> list[dict[str, Any]]:
    return load_jsonl(QUESTIONS)


# --- schema -------------------------------------------------------------------------------


def test_gold_records_follow_the_schema(gold: list[dict[str, Any]]) -> None:
    for rec in gold:
        assert set(rec) == GOLD_KEYS, rec
        assert rec["role"] in ROLES, rec
        assert rec["body"].strip() and isinstance(rec["clause"], str), rec
        due = parse_due(rec["due"])
        # A resolved date always comes from some deadline words kept for traceability.
        assert due is None or rec["deadline_text"], rec
        assert rec["deadline_text"] is None or isinstance(rec["deadline_text"], str), rec
        assert 8 <= len(rec["quote"].split()) <= 20, rec


def test_gold_covers_the_required_documents(gold: list[dict[str, Any]]) -> None:
    files = {rec["file"] for rec in gold}
    assert len(gold) >= 170
    assert len(files) >= 10
    for prefix in ("000_", "09_", "29_", "30_", "33_", "36_"):
        assert any(f.startswith(prefix) for f in files), f"gold thiếu văn bản {prefix}"
    assert any(f.endswith(".pdf") for f in files), "gold cần ít nhất một PDF có lớp chữ"
    assert any(f.startswith(("01_", "02_", "03_")) for f in files), "gold cần thêm một DOCX"


def test_gold_has_no_duplicate_records(gold: list[dict[str, Any]]) -> None:
    counts = Counter(json.dumps(rec, ensure_ascii=False, sort_keys=True) for rec in gold)
    assert [rec for rec, n in counts.items() if n > 1] == []


def _find(gold: list[dict[str, Any]], prefix: str, clause: str, body: str) -> list[dict[str, Any]]:
    return [
        r
        for r in gold
        if r["file"].startswith(prefix) and r["clause"] == clause and r["body"] == body
    ]


def test_gold_resolves_deadlines_by_the_conventions(gold: list[dict[str, Any]]) -> None:
    # Two deadlines in one clause → one record per deadline, year taken from the plan (2023).
    seed = _find(gold, "000_", "IV.5", "Thường trực Ban Chỉ đạo Cuộc vận động tỉnh")
    assert sorted(r["due"] for r in seed) == ["2023-06-15", "2023-12-15"]
    # "Quý III năm 2024" → last day of the quarter, for each Bộ of the list heading.
    quarter = [r for r in gold if r["file"].startswith("29_") and r["clause"] == "1.a"]
    assert len(quarter) == 5 and {r["due"] for r in quarter} == {"2024-09-30"}
    # "Tháng 8/2024" and "2024 - 2025" in the task table → last day of the period.
    assert {r["due"] for r in _find(gold, "30_", "PL.1", "Cục Biến đổi khí hậu")} == {"2024-08-31"}
    assert {r["due"] for r in _find(gold, "30_", "PL.3", "Cục Biến đổi khí hậu")} == {"2025-12-31"}
    # The coordinating body of a dated clause shares the date.
    coord = _find(gold, "29_", "3.b", "Bộ Tài nguyên và Môi trường")
    assert [(r["role"], r["due"]) for r in coord] == [("phối hợp", "2024-10-31")]
    # No deadline anywhere in 36_ → all dues null.
    assert {r["due"] for r in gold if r["file"].startswith("36_")} == {None}


def test_gold_applies_the_role_conventions(gold: list[dict[str, Any]]) -> None:
    # "Giao X chủ trì, phối hợp với Y" → X chủ trì, Y phối hợp.
    roles = {r["body"]: r["role"] for r in gold if r["file"].startswith("02_")}
    assert roles == {"Sở Công Thương": "chủ trì", "Sở Tư pháp": "phối hợp"}
    # "X phối hợp với Y" → X phối hợp, Y chủ trì.
    pair = {
        r["body"]: r["role"] for r in gold if r["file"].startswith("29_") and r["clause"] == "7.c"
    }
    assert pair == {
        "Ủy ban nhân dân các tỉnh và thành phố trực thuộc trung ương": "phối hợp",
        "Bộ Thông tin và Truyền thông": "chủ trì",
    }
    monitor = [
        r["body"] for r in gold if r["file"].startswith("29_") and r["role"] == "theo dõi, đôn đốc"
    ]
    assert monitor == ["Văn phòng Chính phủ"]


def test_devset_follows_the_schema(devset: list[dict[str, Any]]) -> None:
    ids = [item["id"] for item in devset]
    assert len(devset) >= 70 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"d\d{3}", i) for i in ids)
    assert len({item["file"] for item in devset}) >= 15
    for item in devset:
        assert set(item) == DEV_KEYS, item
        assert not item["file"].startswith(UNREADABLE_PREFIXES), item
        assert 6 <= len(item["quote"].split()) <= 20, item
        assert item["question"].strip().endswith("?"), item


def test_questions_follow_the_schema(questions: list[dict[str, Any]]) -> None:
    ids = [q["id"] for q in questions]
    assert len(questions) >= 70 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids)
    for q in questions:
        assert set(q) == QUESTION_KEYS, q
        assert q["kind"] in KINDS and q["expected_role"] in ROLES, q
        assert q["expected_body"].strip() and q["quote"].strip(), q
        parse_due(q["expected_due"])
    kinds = Counter(q["kind"] for q in questions)
    assert kinds["who"] >= 25 and kinds["what"] >= 12 and kinds["when"] >= 20, kinds
    negatives = [q for q in questions if q["kind"] == "when" and q["expected_due"] is None]
    assert len(negatives) >= 5


def test_questions_agree_with_the_gold(
    gold: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    """Where a document has gold records, the expected answer must be one of them."""
    keys = {(r["file"], r["body"], r["role"], r["due"]) for r in gold}
    gold_files = {r["file"] for r in gold}
    missing = [
        q["id"]
        for q in questions
        if q["file"] in gold_files
        and (q["file"], q["expected_body"], q["expected_role"], q["expected_due"]) not in keys
    ]
    assert missing == []


# --- against the real documents -------------------------------------------------------------


def _all_quotes(*datasets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(rec["file"], rec["quote"]) for data in datasets for rec in data]


def test_named_files_exist(
    shared_corpus: Path,
    gold: list[dict[str, Any]],
    devset: list[dict[str, Any]],
    questions: list[dict[str, Any]],
) -> None:
    names = {name for name, _ in _all_quotes(gold, devset, questions)}
    assert sorted(n for n in names if not (shared_corpus / n).exists()) == []


def test_every_quote_occurs_in_its_document(
    shared_corpus: Path,
    gold: list[dict[str, Any]],
    devset: list[dict[str, Any]],
    questions: list[dict[str, Any]],
) -> None:
    misses = [
        (name, quote)
        for name, quote in _all_quotes(gold, devset, questions)
        if norm(quote) not in document_text(name)
    ]
    assert misses == []


def test_devset_quotes_point_to_one_place(
    shared_corpus: Path, devset: list[dict[str, Any]]
) -> None:
    """Each retrieval question has exactly one best clause, so its quote occurs exactly once.

    Compared case-insensitively: a heading that repeats a table cell with another capital
    letter would otherwise let one quote match two clauses.
    """
    counts = {
        item["id"]: document_text(item["file"]).lower().count(norm(item["quote"]).lower())
        for item in devset
    }
    assert {i: n for i, n in counts.items() if n != 1} == {}


def test_questions_are_paraphrased(
    shared_corpus: Path, devset: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    copied = [
        (item["id"], run)
        for item in [*devset, *questions]
        if (run := longest_shared_run(item["question"], document_text(item["file"])))
        >= MAX_COPIED_RUN
    ]
    assert copied == []
