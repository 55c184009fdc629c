"""``vanban ask`` through the CLI on the sample ``corpus/`` (issue 11, point 8 defects):
``-k`` caps a task list, no internal clause path (``preamble.5``, ``6.-2``) shows in an
answer, and "tháng 12" without a year is a period whose year is inferred.

The unit tests of these live in ``tests/test_chat_followup.py``; here the same
behaviour is checked where a user meets it, in the command's output (plain and
``--json``), over an index built by ``vanban ingest`` with the fake embedder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from ingest.parse import parse_file
from tests.conftest import SAMPLE_CORPUS
from vanban.answer import phrasing
from vanban.cli import main

# the path parts that number clauses for us, not as the document prints them
# ("preamble.5", "6.-2", "2.5~2"): in a path, and anywhere in an answer's text
INTERNAL_PATH = re.compile(r"preamble|(?:^|\.)[-+]\d|~\d")
INTERNAL = re.compile(r"preamble|\w\.[-+]\d|\w~\d")
TASKS_QUESTION = "Sở Công Thương có những nhiệm vụ gì?"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("ask") / "db")
    result = CliRunner().invoke(main, ["ingest", str(SAMPLE_CORPUS), "--db", path, "--embedder", "fake", "-q"])
    assert result.exit_code == 0, result.output
    return path


def _ask(db: str, question: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["ask", question, *args, "--db", db, "--embedder", "fake"])
    assert result.exit_code == 0, result.output
    return result.output


def _ask_json(db: str, question: str, *args: str) -> dict[str, Any]:
    return json.loads(_ask(db, question, *args, "--json"))  # type: ignore[no-any-return]


def _listed(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("- ")]


def _count_in_head(text: str) -> int:
    head = re.search(r" có (\d+) nhiệm vụ", text.split("\n")[0]) or re.search(r"^Có (\d+) nhiệm vụ", text)
    assert head, text
    return int(head.group(1))


# ---------------------------------------------------------------- -k on task lists


def test_k_caps_a_task_list_answer(db: str) -> None:
    full = _ask_json(db, TASKS_QUESTION)["answer"]
    total = _count_in_head(full)
    assert total > 2 and len(_listed(full)) > 2  # without -k, more than two are listed

    capped = _ask_json(db, TASKS_QUESTION, "-k", "2")
    lines = capped["answer"].split("\n")
    assert len(_listed(capped["answer"])) == 2
    assert len(capped["owners"]) == 2
    assert lines[-1] == phrasing.more_tasks(_count_in_head(capped["answer"]) - 2)
    # the plain output is the same answer
    plain = _ask(db, TASKS_QUESTION, "-k", "2")
    assert plain.startswith(capped["answer"] + "\n")


def test_k_caps_a_period_answer(db: str) -> None:
    question = "Những việc nào đến hạn trong tháng 12/2026?"
    full = _ask_json(db, question)["answer"]
    assert _count_in_head(full) > 2
    capped = _ask_json(db, question, "-k", "2")["answer"]
    assert len(_listed(capped)) == 2
    assert capped.split("\n")[-1] == phrasing.more_tasks(_count_in_head(capped) - 2)


# ---------------------------------------------------------------- no internal clause paths


def _internal_clauses() -> list[tuple[str, str, str, str]]:
    """(file, path, label, text) of every sample clause numbered by an internal path."""
    found = []
    for path in sorted(p for p in SAMPLE_CORPUS.iterdir() if p.suffix in (".docx", ".pdf")):
        for c in parse_file(path).clauses:
            if INTERNAL_PATH.search(c.path):
                found.append((path.name, c.path, c.label, c.text))
    return found


def test_sample_corpus_has_clauses_with_internal_paths() -> None:
    paths = {p for _, p, _, _ in _internal_clauses()}
    # preambles and dash items both: the two shapes the issue names
    assert any(p.startswith("preamble") for p in paths) and any(".-" in p for p in paths)


def test_answers_never_show_an_internal_clause_path(db: str) -> None:
    """Ask for each such clause by its opening words: the answer cites that very clause,
    and names it as printed ("Phần mở đầu › đoạn 5"), never by its internal path."""
    quoting = 0
    for file, path, label, text in _internal_clauses():
        question = " ".join(text.split()[:12])
        got = _ask_json(db, question)
        cited = [c for c in got["citations"] if c["file"] == file and c["clause"] == path]
        assert cited, (file, path, question)
        assert not INTERNAL.search(got["answer"]), (path, got["answer"])
        plain = _ask(db, question)
        answer_part, _, citation_lines = plain.partition("\nTrích dẫn:")
        assert not INTERNAL.search(answer_part), (path, answer_part)
        # the citation lines name clauses as printed too (the path stays in --json only)
        heads = [line for line in citation_lines.splitlines() if line.startswith(" [")]
        assert heads and not any(INTERNAL.search(line.split(" — ")[0]) for line in heads), heads
        if got["answer"].startswith("Theo "):  # a quote: it says where, in the reader's words
            assert label.split(" › ")[-1] in got["answer"].split("[")[0], got["answer"]
            quoting += 1
    assert quoting >= 5  # the check bit on quotes of such clauses, not only on task lists


# ---------------------------------------------------------------- "tháng 12" without a year


def test_month_without_a_year_is_a_period_with_the_year_inferred(db: str) -> None:
    year = dt.date.today().year
    got = _ask_json(db, "Những việc nào đến hạn trong tháng 12?", "-k", "50")
    text = got["answer"]
    assert got["found"], text
    assert text.split("\n")[0].startswith("Có ") and f"đến hạn trong tháng 12/{year} (năm suy ra):" in text
    # the same rows as the deadlines of that month: every one listed, each due in it
    rows = json.loads(CliRunner().invoke(main, [
        "deadlines", "--from", f"01/12/{year}", "--to", f"31/12/{year}", "--json",
        "--db", db, "--embedder", "fake"]).output)
    if not rows:
        pytest.skip(f"no sample deadline falls in 12/{year}")
    assert _count_in_head(text) == len(rows) == len(_listed(text))
    for line in _listed(text):
        assert re.search(rf"\d{{1,2}}/12/{year}", line), line
    # asked with the year, the answer is the same list without the "inferred" note
    explicit = _ask_json(db, f"Những việc nào đến hạn trong tháng 12/{year}?", "-k", "50")["answer"]
    assert _listed(explicit) == _listed(text)
    assert "năm suy ra" not in explicit.split("\n")[0]


def test_month_without_a_year_in_the_plain_output(db: str) -> None:
    out = _ask(db, "Việc gì đến hạn trong tháng 12?")
    assert f"tháng 12/{dt.date.today().year} (năm suy ra)" in out.split("\n")[0], out
