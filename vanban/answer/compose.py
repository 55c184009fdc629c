"""The answer to a question: its kind decides which assignments speak, each statement cited.

Pure composition over what search found (``Hit``) and what the documents
assign (``Responsibilities``): no model, no store, no network. The question is
parsed once (:class:`~vanban.answer.question.Question`), the assignments are
chosen (:mod:`~vanban.answer.select`) and worded (:mod:`~vanban.answer.phrasing`),
falling back to quoting the best clause. :class:`Answerer` is what the service
builds once, with its search function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest

from index.chunks import SearchFilters
from index.search import Hit, is_relevant
from ingest.assignments import Assignment
from ingest.bodies import canonical_body
from vanban.answer import phrasing
from vanban.answer.match import SimilarityFn, expand_acronyms
from vanban.answer.meta import DocFacts, asked_field, meta_answer
from vanban.answer.question import BodyText, Question
from vanban.answer.select import (
    Scope,
    best_group,
    body_tasks,
    by_recurrence,
    groups_naming,
    has_no_task,
    lead_of,
    name_key,
    named_in_scope,
    one_per_task,
    scope_files,
    with_whom,
)
from vanban.answer.tasks import Responsibilities
from vanban.answer.types import Answer, Citation, Owner

__all__ = ["Answerer", "SearchFn", "compose_answer", "in_order_of_use", "scoped_hits"]

SearchFn = Callable[[str, int, SearchFilters | None], Sequence[Hit]]


class _Citations:
    """Numbered citations: the hits first (1..k), then clauses owners point to."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        self.items: list[Citation] = []
        self._index: dict[tuple[str, str], int] = {}
        for h in hits:
            self._add(Citation.of_chunk(h.chunk, h.score))
        self.n_hits = len(self.items)  # two hits on one clause share a number

    def _add(self, citation: Citation) -> int:
        key = (citation.file, citation.clause)
        if key not in self._index:
            n = len(self.items) + 1
            self._index[key] = n
            self.items.append(replace(citation, n=n))
        return self._index[key]

    def of(self, a: Assignment) -> int:
        """The number citing an assignment's clause, added when no hit holds it; a hit on an
        item inside the clause (``… trong đó:`` and its items) cites the part that was found."""
        if (a.file, a.clause) not in self._index:
            inside = [c.n for c in self.items[:self.n_hits]
                      if c.file == a.file and c.clause.startswith(f"{a.clause}.")]
            if inside:
                return min(inside)
        return self._add(Citation.of_assignment(a))

    def used(self, numbers: set[int]) -> tuple[Citation, ...]:
        """The hits, plus only those extra citations an answer refers to."""
        return tuple(c for c in self.items if c.n <= self.n_hits or c.n in numbers)


def _listing(head: str, records: Sequence[Assignment], cites: _Citations, resp: Responsibilities,
             with_body: bool, listed: int | None) -> tuple[str, tuple[Owner, ...], set[int]]:
    """A head line and one line per task (at most ``listed``, the result count the user
    asked for; ``MAX_LISTED`` when none was), with their owners."""
    shown = records[:max(1, listed or phrasing.MAX_LISTED)]
    lines, owners, used = [head], [], set()
    for a in shown:
        n = cites.of(a)
        used.add(n)
        lines.append(phrasing.task_line(a, n, with_body, lead_of(a, resp)))
        owners.append(Owner.of(a, n))
    if len(records) > len(shown):
        lines.append(phrasing.more_tasks(len(records) - len(shown)))
    return "\n".join(lines), tuple(owners), used


def _no_task(scope: Scope, cites: _Citations) -> Answer:
    """"Not found" for the body the question names; the tasks of groups it may belong to
    (``Các sở, ban, ngành liên quan``) follow, cited, as a hint — not as its tasks."""
    body = scope.question.named or ""
    text, used = phrasing.no_task_for(body), set[int]()
    groups = one_per_task(groups_naming(scope))
    if groups:
        hint, _, used = _listing(phrasing.group_hint(body), groups, cites, scope.resp, with_body=True,
                                 listed=None)
        text = f"{text}\n{hint}"
    return Answer(scope.question.text, False, text, (), cites.used(used), gap="no_task_for_body")


def _what(scope: Scope, cites: _Citations, listed: int | None) -> Answer | None:
    """``Sở Công Thương có những nhiệm vụ gì?``: the named body's tasks, listed.

    A body the question names (:attr:`Question.named`) answers only from its own tasks
    in the documents in scope; with none there, the answer says so (``found`` false).
    """
    body = scope.subject.find(scope.resp.names(), scope.preferred_bodies())
    if has_no_task(scope):
        return _no_task(scope, cites)
    named = named_in_scope(scope)
    if named is not None and not named:
        named = None  # a group named, another spelling of it in the retrieved clauses: answer as before
    files = scope_files(scope)
    if named and (body is None or not any(name_key(a) == canonical_body(body) for a in named)):
        body = named[0].body  # the index's spelling of the body the question names
    if body is None:
        return None
    tasks = body_tasks(body, scope)
    if named or scope.typed:  # "… theo TB kết luận …": that kind of document's tasks
        tasks = [a for a in tasks if a.file in files] or tasks
    if not tasks:
        return None
    within = sorted(scope.refs) if scope.refs and tasks[0].document in scope.refs else []
    head = phrasing.listing_head(body, len(tasks), within)
    text, owners, used = _listing(head, tasks, cites, scope.resp, with_body=False, listed=listed)
    return Answer(scope.question.text, True, text, owners, cites.used(used))


def _period(question: Question, resp: Responsibilities, listed: int | None) -> Answer | None:
    """``Những việc nào đến hạn trong tháng 10/2026?``: what falls due, by date."""
    period = question.period
    if period is None:
        return None
    cites = _Citations([])  # cites only what falls due
    names = resp.names()
    # "NHNN được giao đề án gì phải xong trong quý II?": the index's names spell the acronym
    body = BodyText.of(expand_acronyms(question.text, names, keep=False)).find(names)
    due = resp.due_between(period.start, period.end, body)
    # "tháng 12" without a year: say which year was taken, as the deadline tables do
    named = f"{period.text} (năm suy ra)" if period.inferred else period.text
    if not due:
        return Answer(question.text, False, phrasing.nothing_due(body, named), gap="nothing_due")
    head = phrasing.due_head(len(due), body, named)
    text, owners, used = _listing(head, due, cites, resp, with_body=True, listed=listed)
    return Answer(question.text, True, text, owners, cites.used(used))


def _who_when(scope: Scope, want_due: bool, cites: _Citations) -> Answer | None:
    """The owners of the best-matching task, and its deadline when asked; "not found"
    when a deadline is asked of a body that has no task in the documents in scope."""
    if want_due and has_no_task(scope):
        return _no_task(scope, cites)
    group = (with_whom(scope) if not want_due else []) or best_group(scope, want_due)
    if not group:
        return None
    group = by_recurrence(scope.question, group)
    n = cites.of(group[0])
    text = phrasing.when_answer(group, n) if want_due else phrasing.who_answer(group, n)
    owners = tuple(Owner.of(a, n) for a in group)
    return Answer(scope.question.text, True, text, owners, cites.used({n}))


_CITE_MARK = re.compile(r"\[(\d+)\]")


def in_order_of_use(answer: Answer) -> Answer:
    """The citations renumbered as the answer first refers to them (footnotes in reading
    order): the clause the answer rests on comes first, the other hits after it, in rank
    order. Owners and the ``[n]`` marks in the text follow the new numbers.

    >>> c = [Citation("f", "d", str(i), str(i), n=i) for i in (1, 2, 3)]
    >>> a = in_order_of_use(Answer("q", True, "X chủ trì [3]; Y [1].", (), tuple(c)))
    >>> a.text, [x.clause for x in a.citations], [x.n for x in a.citations]
    ('X chủ trì [1]; Y [2].', ['3', '1', '2'], [1, 2, 3])
    """
    known = {c.n for c in answer.citations}
    first = list(dict.fromkeys(int(m) for m in _CITE_MARK.findall(answer.text) if int(m) in known))
    order = first + [c.n for c in answer.citations if c.n not in first]
    new = {old: i for i, old in enumerate(order, start=1)}
    if all(old == n for old, n in new.items()):
        return answer
    by_n = {c.n: c for c in answer.citations}
    text = _CITE_MARK.sub(lambda m: f"[{new.get(int(m.group(1)), int(m.group(1)))}]", answer.text)
    owners = tuple(replace(o, citation=new.get(o.citation, o.citation)) for o in answer.owners)
    cites = tuple(replace(by_n[old], n=new[old]) for old in order)
    return replace(answer, text=text, owners=owners, citations=cites)


def compose_answer(question: Question, hits: Sequence[Hit], resp: Responsibilities,
                   k: int = 5, min_score: float = 0.0, listed: int | None = None,
                   similarity: SimilarityFn | None = None) -> Answer:
    """The answer to ``question`` from the top ``k`` hits and the indexed assignments; a
    task list shows at most ``listed`` tasks (``vanban ask -k``), else ``MAX_LISTED``;
    ``similarity`` (the embedder's question-task cosine) helps pick the matching task."""
    kind = question.kind
    top = list(hits[:k])
    if kind == "period" and len(resp):
        due = _period(question, resp, listed)
        if due is not None:
            return due
    if not is_relevant(top, min_score, question.text):
        return Answer(question.text, False, phrasing.NOT_FOUND, gap="no_relevant_clause")
    cites = _Citations(top)
    scope = Scope.build(question, top, resp, similarity)
    result = None
    if kind == "what" or (kind == "search" and question.asks_what):
        # "Chủ đầu tư … phải làm gì": a body the cue words do not know, found among the bodies
        result = _what(scope, cites, listed)
    if kind in ("who", "when") or (kind == "what" and result is None):
        result = _who_when(scope, kind == "when", cites)
    if result is not None:
        return in_order_of_use(result)
    return Answer(question.text, True, phrasing.quote_answer(cites.items[0]), (), tuple(cites.items))


def _interleave(hits: Sequence[Hit], more: Sequence[Hit], k: int) -> list[Hit]:
    out: list[Hit] = []
    for pair in zip_longest(hits, more):
        for h in pair:
            if h is not None and all(h.chunk.id != o.chunk.id for o in out):
                out.append(h)
    return out[:k]


def scoped_hits(question: Question, hits: Sequence[Hit], resp: Responsibilities, k: int,
                search: SearchFn) -> list[Hit]:
    """Hits interleaved with hits from the documents the question cites (``Theo CT 13, …``)
    or from the place it names (``… ở Lào Cai``, by issuer).

    Search over the whole index may rank another document's similar clause
    above the cited one, so a second search restricted to the cited files (or
    issuers) adds their best clauses. Interleaving (not replacing) keeps
    documents that merely implement the cited one (``Công văn triển khai QĐ 1074``)
    in play.
    """
    files_of = {a.document: a.file for a in resp.all()} | {h.chunk.document: h.chunk.file for h in hits}
    refs = question.documents(sorted(files_of))
    files = tuple(sorted({files_of[d] for d in refs}))
    out = list(hits)
    if files and not all(h.chunk.file in files for h in out[:k]):
        out = _interleave(out, search(question.text, k, SearchFilters(files=files)), k)
    place = question.place
    if place and not any(question.is_local(f"{h.chunk.issuer} {h.chunk.document} {h.chunk.title}")
                         for h in out[:k]):
        out = _interleave(out, search(question.text, k, SearchFilters(issuers=(place,))), k)
    return out


@dataclass(frozen=True)
class Answerer:
    """Answers questions over one search function, given once (the service's ``search``).

    A question citing a document by number, or naming a place, is answered from
    that document's (or place's) clauses first (:func:`scoped_hits`), unless the
    caller already scoped the search with filters. A question about the document
    itself (signer, issue date, issuer) is answered from ``docs``, the header and
    signature facts of the loaded documents (:mod:`vanban.answer.meta`).
    """

    search: SearchFn
    similarity: SimilarityFn | None = None  # question-task cosine, same embedder as search

    def answer(self, text: str, resp: Responsibilities, k: int, min_score: float,
               filters: SearchFilters | None = None, docs: Sequence[DocFacts] = (),
               listed: int | None = None) -> Answer:
        question = Question.parse(text)
        hits = self.search(text, k, filters)
        field = asked_field(text)
        if field is not None and docs:
            allowed = {h.chunk.file for h in hits} if filters is not None and not filters.empty else None
            in_scope = [d for d in docs if allowed is None or d.file in allowed]
            relevant = list(hits[:k]) if is_relevant(hits[:k], min_score, text) else []
            meta = meta_answer(question, field, in_scope, relevant)
            if meta is not None:
                return meta
        if filters is None or filters.empty:
            hits = scoped_hits(question, hits, resp, k, self.search)
        return compose_answer(question, hits, resp, k, min_score, listed, self.similarity)
