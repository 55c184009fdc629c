"""The Hỏi đáp conversation: follow-up questions, and each answer keeping its own sources.

One session's conversation is a list of :class:`Turn` (gradio keeps it per browser
session in a ``gr.State``). A follow-up (``Còn Sở Tư pháp thì sao?``) is written out
from the question before it (:func:`vanban.answer.followup.resolve`) and the user
sees how it was read. Every turn keeps its answer and its sources: the sources
panel holds one group per turn, the latest shown; the latest turn's cards and
markers use ``src-n`` ids, older turns ``src-t-n``, so ``[n]`` in any answer opens
that answer's own card (the page's script shows the group the card is in).

A question that cannot be asked (empty box, a date the scope cannot read) gets a
Vietnamese note in the chat instead of an error, so nothing blocks the box.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from index.chunks import SearchFilters
from ingest.errors import VanbanError
from vanban.answer.followup import resolve
from vanban.answer.types import Answer
from vanban.web.view import Page, answer_html, sources_html

__all__ = ["EMPTY_QUESTION", "MAX_TURNS", "Reply", "Turn", "ask", "history", "panel"]

MAX_TURNS = 30  # turns kept per session: older ones leave the chat and the panel
EMPTY_QUESTION = "Chưa có câu hỏi: hãy nhập câu hỏi vào ô Câu hỏi rồi bấm Hỏi."

_CARD_ID = re.compile(r'(<div class="vb-src" id="src-)(\d+)(">)')
_MARKER = re.compile(r'(<a class="vb-marker" href="#src-)(\d+)(">)')


@dataclass(frozen=True)
class Turn:
    """One question and its answer, rendered once with the ``src-n`` ids of the latest turn."""

    asked: str  # as typed
    question: str  # as answered: a follow-up written out in full
    answer: str  # the reply's HTML
    sources: str  # the sources panel's HTML for this answer


@dataclass(frozen=True)
class Reply:
    """What one press of Hỏi gives the page."""

    turns: list[Turn]
    history: list[dict[str, Any]]
    panel: str
    answer: Answer | None  # None when nothing was asked (empty box, unreadable scope)


def with_turn_ids(fragment: str, t: int) -> str:
    """``src-n`` ids and links of our own cards and markers renamed ``src-t-n``.

    >>> with_turn_ids('<a class="vb-marker" href="#src-2">[2]</a>', 1)
    '<a class="vb-marker" href="#src-1-2">[2]</a>'
    """
    def rename(m: re.Match[str]) -> str:
        return f"{m.group(1)}{t}-{m.group(2)}{m.group(3)}"

    return _MARKER.sub(rename, _CARD_ID.sub(rename, fragment))


def _ids(turns: Sequence[Turn], i: int, fragment: str) -> str:
    return fragment if i == len(turns) - 1 else with_turn_ids(fragment, i + 1)


def _user_message(turn: Turn) -> str:
    shown = html.escape(turn.asked, quote=False)
    if turn.question != turn.asked:
        shown += f'<br><span class="vb-resolved">(hiểu là: {html.escape(turn.question, quote=False)})</span>'
    return shown


def history(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """The chat's messages: each question as typed (and as read), then its answer."""
    out: list[dict[str, Any]] = []
    for i, turn in enumerate(turns):
        out.append({"role": "user", "content": _user_message(turn)})
        out.append({"role": "assistant", "content": _ids(turns, i, turn.answer)})
    return out


def panel(turns: Sequence[Turn]) -> str:
    """The sources panel: one group per turn, only the latest shown."""
    if not turns:
        return sources_html(None, {})
    groups = [
        f'<div class="vb-turn{"" if i == len(turns) - 1 else " vb-hidden"}" data-turn="{i + 1}">'
        f"{_ids(turns, i, turn.sources)}</div>"
        for i, turn in enumerate(turns)
    ]
    return "".join(groups)


def _note(turns: list[Turn], message: str) -> Reply:
    """The conversation unchanged, with a note from the assistant below it (not kept)."""
    notes = [{"role": "assistant", "content": html.escape(message, quote=False)}]
    return Reply(turns, history(turns) + notes, panel(turns), None)


def ask(page: Page, text: str | None, turns: Sequence[Turn] | None,
        filters: Callable[[], SearchFilters]) -> Reply:
    """One press of Hỏi: resolve a follow-up against the last question, answer it, keep it.

    ``filters`` reads the scope controls; a date it cannot read is said in the chat.
    """
    kept = list(turns or [])
    asked = unicodedata.normalize("NFC", text or "").strip()
    if not asked:
        return _note(kept, EMPTY_QUESTION)
    try:
        scope = filters()
    except VanbanError as err:
        return _note(kept, f"Chưa hỏi được: {err}")
    previous = kept[-1].question if kept else None
    question = resolve(asked, previous, page.body_choices()) if previous else asked
    _, sources, answer = page.chat_turn(question, [], scope)
    kept = [*kept, Turn(asked, answer.question.strip() or question, answer_html(answer), sources)]
    kept = kept[-MAX_TURNS:]
    return Reply(kept, history(kept), panel(kept), answer)
