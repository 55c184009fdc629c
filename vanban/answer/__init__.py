"""Answers above retrieval: who owns which task by when, each statement cited.

- :mod:`vanban.answer.compose`: the question's kind, the assignments selected for
  it, the Vietnamese phrasing and the ``vanban ask --json`` result;
- :mod:`vanban.answer.tasks`: lookups over the assignments of the indexed documents
  (``Responsibilities``), and their rows for the tables and exports.
"""

from __future__ import annotations

from vanban.answer.compose import NOT_FOUND, answer_question, classify, compose_answer
from vanban.answer.tasks import Responsibilities, to_row

__all__ = [
    "NOT_FOUND",
    "Responsibilities",
    "answer_question",
    "classify",
    "compose_answer",
    "to_row",
]
