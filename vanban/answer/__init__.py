"""Answers above retrieval: who owns which task by when, each statement cited.

Read top-down:

- :mod:`vanban.answer.types`: ``Answer``, ``Owner``, ``Citation`` — what every face prints;
- :mod:`vanban.answer.compose`: ``Answerer`` (search given once) and ``compose_answer``;
- :mod:`vanban.answer.question`: the question parsed once (kind, body, documents, place, period);
- :mod:`vanban.answer.select`: which assignments answer it;
- :mod:`vanban.answer.phrasing`: the Vietnamese sentences;
- :mod:`vanban.answer.tasks`: lookups over the assignments of the indexed documents
  (``Responsibilities``), and their rows for the tables and exports.

Importing the package loads only the value types; the rest is imported from its module.
"""

from __future__ import annotations

from vanban.answer.types import Answer, Citation, Owner

__all__ = ["Answer", "Citation", "Owner"]
