"""The load generator's question supply: thousands of distinct questions, handed out so
that no asker repeats another's until the set runs out, and repeats counted when it does."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evals"))
import load_test  # noqa: E402 — the load generator under evals/, not a package


def test_generated_questions_are_many_distinct_and_well_punctuated() -> None:
    questions = load_test.generated_questions()
    assert len(questions) >= 4000 and len(set(questions)) == len(questions)
    assert all(q.endswith("?") and not q.endswith((",?", ";?", ":?", ".?")) for q in questions)
    assert load_test.generated_questions() == questions  # the same seed, the same run


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    lock = threading.Lock()

    def asker(url: str, auth: tuple[str, str] | None) -> load_test.AskFn:
        def ask(question: str) -> dict[str, object]:
            with lock:
                asked.append(question)
            return {"found": True}
        return ask

    monkeypatch.setitem(load_test.ASKERS, "recorded", asker)
    return asked


def test_askers_share_no_question_while_the_set_lasts(recorded: list[str]) -> None:
    questions = tuple(f"câu {i}?" for i in range(15))
    report, errors = load_test.load_test("http://x/", users=5, rounds=3, auth=None,
                                         questions=questions, client_kind="recorded")
    assert not errors and report.requests == 15 and report.repeated == 0
    assert sorted(recorded) == sorted(questions)
    second, _ = load_test.load_test("http://x/", users=5, rounds=2, auth=None, questions=questions,
                                    offset=15 - 10, client_kind="recorded")
    assert second.repeated == 0 and set(recorded[15:]) == set(questions[5:])


def test_a_set_that_runs_out_counts_its_repeats(recorded: list[str]) -> None:
    questions = tuple(f"câu {i}?" for i in range(10))
    report, _ = load_test.load_test("http://x/", users=5, rounds=3, auth=None,
                                    questions=questions, client_kind="recorded")
    assert report.requests == 15 and report.repeated == 5 and len(set(recorded)) == 10
