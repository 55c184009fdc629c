"""What the web page needs from the service: the seam between ``Page`` and ``Vanban``.

``vanban.service.Vanban`` implements it; so does the fake in ``tests/test_app.py``,
which returns the same value types (``DocRecord``, ``FileResult``, ``Progress``
reports), so the page has one shape to read for each and no fallbacks for others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from index.chunks import SearchFilters

if TYPE_CHECKING:
    from index.pipeline import FileResult, ProgressFn, Shard
    from index.store import DocRecord
    from vanban.answer.types import Answer


@runtime_checkable
class PageService(Protocol):
    """The service calls of the page's handlers, with ``Vanban``'s signatures."""

    def documents(self) -> Sequence[DocRecord]:
        """The indexed documents (the Văn bản tab, the scope pickers, the source cards)."""
        ...

    def ask(self, question: str, k: int | None = None,
            filters: SearchFilters | None = None) -> Answer:
        """The answer; ``Answer.to_json()`` is what ``vanban ask --json`` prints."""
        ...

    def ingest(self, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               rebuild: bool = False, ocr: bool = False, workers: int = 0,
               shard: Shard | None = None, nice: int = 0) -> list[FileResult]:
        """One result per file; ``progress`` gets a ``Progress`` after each step; ``workers``
        processes at ``nice`` priority read and embed (0: in this process)."""
        ...

    def remove(self, file_or_id: str) -> int:
        """Clauses removed, 0 when the document is not in the index."""
        ...

    def tasks(self, body: str) -> list[dict[str, Any]]:
        """Every task of a body (any spelling), as ``vanban deadlines --json`` rows."""
        ...

    def deadlines(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  body: str | None = None) -> list[dict[str, Any]]:
        """Tasks with a deadline, as ``vanban deadlines --json`` rows."""
        ...

    def bodies(self) -> list[str]:
        """Every body that has a task, one display name each, sorted."""
        ...
