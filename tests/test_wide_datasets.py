"""Checks for the hand-made gold of ../shared/corpus-wide (evals/wide/, dev and test halves).

The checks live in ``evals/wide/check_gold.py`` (pure, no product imports): the schema and
gold-tuple checks run everywhere; the quote and paraphrase checks re-read the documents with
pdfplumber / python-docx / antiword and skip, with a reason, when ../shared/corpus-wide is absent.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, SHARED

WIDE = ROOT / "evals" / "wide"
CORPUS_WIDE = SHARED / "corpus-wide"


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_gold", WIDE / "check_gold.py")
    assert spec and spec.loader, "evals/wide/check_gold.py not found"
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_gold", module)
    spec.loader.exec_module(module)
    return module


check_gold = _load_checker()


def _halves() -> list[str]:
    return [h for h in check_gold.HALVES if (WIDE / f"{h}_assignments.jsonl").exists()]


def test_dev_half_is_present() -> None:
    assert (WIDE / "dev_assignments.jsonl").exists()
    assert (WIDE / "dev_questions.jsonl").exists()


@pytest.mark.parametrize("half", _halves())
def test_schema_and_gold_tuples(half: str) -> None:
    """Schema, NFC, roles, ISO dates, split membership, who/what/when tuples in gold."""
    split = check_gold.read_split(WIDE / "split.tsv")
    gold = check_gold.read_jsonl(WIDE / f"{half}_assignments.jsonl")
    q_path = WIDE / f"{half}_questions.jsonl"
    questions = check_gold.read_jsonl(q_path) if q_path.exists() else []
    no_text = lambda _name: None  # noqa: E731 - quote checks need the corpus, see below
    problems = check_gold.check_assignments(gold, half, split, no_text)
    problems += check_gold.check_questions(questions, gold, half, split, no_text)
    assert not problems, "\n".join(problems[:30])


def test_dev_question_mix() -> None:
    """The dev half keeps the mix its README promises."""
    questions = check_gold.read_jsonl(WIDE / "dev_questions.jsonl")
    kinds = [q["kind"] for q in questions]
    assert len(questions) >= 80
    assert kinds.count("absent") >= 6
    assert kinds.count("meta") >= 5
    for kind in ("who", "what", "when"):
        assert kinds.count(kind) >= 0.2 * len(questions), kind


def test_checker_finds_a_copied_question() -> None:
    """The paraphrase check is real: a question copying 7 syllables is reported."""
    text = "Giao Sở Nội vụ nghiên cứu, tham gia góp ý, tổng hợp, cập nhật số liệu"
    assert check_gold.copied_run("Sở nào nghiên cứu, tham gia góp ý, tổng hợp?", text)
    assert check_gold.copied_run("Ai góp ý dự thảo báo cáo?", text) is None


def test_quotes_and_paraphrase_against_documents() -> None:
    """Every quote occurs in its document; no question copies 7 syllables of it."""
    if not (CORPUS_WIDE / "MANIFEST.tsv").exists():
        pytest.skip(f"../shared/corpus-wide not found at {CORPUS_WIDE} (set VANBAN_SHARED)")
    if not (shutil.which("antiword") or shutil.which("soffice")):
        pytest.skip("antiword or LibreOffice (soffice) is needed to read the .doc files")
    problems, _summary = check_gold.run(SHARED, WIDE)
    assert not problems, "\n".join(problems[:30])


def test_read_split_assigns_every_file_once() -> None:
    split = check_gold.read_split(WIDE / "split.tsv")
    assert set(split.values()) == {"dev", "test"}
    assert len(split) == len(set(split))


def test_dev_files_are_dev_half() -> None:
    split = check_gold.read_split(WIDE / "split.tsv")
    files = {g["file"] for g in check_gold.read_jsonl(WIDE / "dev_assignments.jsonl")}
    assert files and all(split[f] == "dev" for f in files)
    assert Path(WIDE / "check_gold.py").exists()
