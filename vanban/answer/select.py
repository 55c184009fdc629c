"""Which assignments answer a question: the best-matching task's owners, a body's tasks.

Pure choices over the retrieved clauses (``Hit``) and the indexed assignments
(``Responsibilities``), guided by the parsed :class:`Question`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.search import Hit
from ingest.assignments import Assignment
from ingest.bodies import canonical_body, split_body_key
from vanban.answer.match import SimilarityFn, expand_acronyms, task_scores, task_tokens
from vanban.answer.meta import designated_types, doc_type
from vanban.answer.question import BodyText, Question, may_name, names_body, words
from vanban.answer.tasks import Responsibilities, role_rank

__all__ = [
    "Scope",
    "best_group",
    "body_tasks",
    "by_recurrence",
    "groups_naming",
    "has_no_task",
    "issued_by_asker",
    "lead_of",
    "name_key",
    "named_in_scope",
    "scope_files",
    "typed_files",
    "one_per_task",
    "with_whom",
]


def issued_by_asker(question: Question, hits: Sequence[Hit]) -> set[str]:
    """Documents among the hits issued by the body that asks in the question.

    ``Bộ NN&MT đề nghị UBND tỉnh làm gì …`` is about what the Bộ's own document asks.

    >>> issued_by_asker(Question.parse("Bộ NN&MT đề nghị UBND tỉnh làm gì?"), [])
    set()
    """
    if question.asker is None:
        return set()
    return {h.chunk.document for h in hits
            if h.chunk.issuer and canonical_body(h.chunk.issuer) == question.asker}


def name_key(a: Assignment) -> str:
    """The canonical name of an assignment's body, without the province its key may carry."""
    return split_body_key(a.body_key)[0]


def _is_local(hit: Hit, question: Question) -> bool:
    c = hit.chunk
    return question.is_local(f"{c.issuer} {c.document} {c.title}")


def compared_texts(a: Assignment) -> tuple[str, str]:
    """The texts a question may be compared with for ``a``: its task, and (for deadline
    questions) ``body: task``, e.g. ``Sở Tư pháp: rà soát văn bản`` — what a server
    embeds ahead of time (``Vanban.prefill_task_vectors``)."""
    return a.task, f"{a.body}: {a.task}"


@dataclass
class Scope:
    """What every answer kind needs, computed once per question."""

    question: Question
    hits: Sequence[Hit]
    resp: Responsibilities
    refs: set[str]  # documents the question cites by number
    pool: list[tuple[int, Assignment]]  # (hit rank, assignment) of the retrieved clauses
    local: set[str]  # files of the hits issued in the place the question names
    typed: set[str]  # files of the hits of the type the question names (``trong CV về …``)
    similarity: SimilarityFn | None = None  # the question's cosine with task texts
    _fit: dict[str, float] = field(default_factory=dict)  # task text -> match score
    _asked: str | None = None
    _subject: BodyText | None = None
    _named: list[list[Assignment] | None] = field(default_factory=list)  # [named_in_scope], once

    @classmethod
    def build(cls, question: Question, hits: Sequence[Hit], resp: Responsibilities,
              similarity: SimilarityFn | None = None) -> Scope:
        # a heading that assigns nothing itself (``III. TỔ CHỨC THỰC HIỆN``) stands for its clauses
        pool = [(rank, a) for rank, h in enumerate(hits)
                for a in (resp.for_clause(h.chunk.file, h.chunk.path)
                          or resp.under_clause(h.chunk.file, h.chunk.path))]
        documents = sorted({a.document for a in resp.all()} | {h.chunk.document for h in hits})
        refs = question.documents(documents) or issued_by_asker(question, hits)
        local = {h.chunk.file for h in hits if _is_local(h, question)}
        return cls(question, hits, resp, refs, pool, local, typed_files(question, hits), similarity)

    @property
    def asked(self) -> str:
        """The question as tasks are matched with it: its acronyms (``CCHC``, ``VBQPPL``)
        spelled out as the retrieved clauses (and the named body's tasks) spell them."""
        if self._asked is None:
            # the named body's tasks in scope are candidates too: they may spell "VTVL"
            own = [a.task for a in named_in_scope(self) or []]
            self._asked = expand_acronyms(self.question.text, self._spelling_texts() + own)
        return self._asked

    def _spelling_texts(self) -> list[str]:
        return ([h.chunk.text for h in self.hits] + [a.task for _, a in self.pool]
                + [a.body for _, a in self.pool])

    @property
    def subject(self) -> BodyText:
        """The question's words that may name a body, acronyms spelled out by the retrieved
        texts and the index's body names (``NHNN khu vực X`` meets ``Ngân hàng Nhà nước khu
        vực X``, ``VP UBND tỉnh`` meets ``Văn phòng UBND tỉnh``)."""
        if self._subject is None:
            texts = self._spelling_texts() + self.resp.names()
            self._subject = BodyText.of(expand_acronyms(self.question.text, texts, keep=False))
        return self._subject

    def matched_text(self, a: Assignment) -> str:
        """What the question is compared with: the task; for a deadline question also the
        body, since it describes who does what (``Chủ hồ chứa … phải trực ban đến khi nào``)."""
        plain, with_body = compared_texts(a)
        return with_body if self.question.kind == "when" else plain

    def fit(self, a: Assignment) -> float:
        """How well ``a``'s task matches the question, among the candidates (best ≈ 1).
        The owners of one task share its best score: a co-owner's name must not decide."""
        texts = [self.matched_text(b) for _, b in self.pool if _same_task(a, b)] or [self.matched_text(a)]
        if any(t not in self._fit for t in texts):
            self.score_tasks(texts)
        return max(self._fit[t] for t in texts)

    def score_tasks(self, extra: Sequence[str] = ()) -> None:
        """Score the pool's tasks, those scored before and ``extra`` ones against the
        question, together (scores are relative to the best of them)."""
        pool = [self.matched_text(a) for _, a in self.pool]
        texts = list(dict.fromkeys(pool + list(self._fit) + list(extra)))
        if not texts:
            return
        cosines = self.similarity(self.asked, texts) if self.similarity else None
        scores = task_scores(cosines, [task_tokens(t) for t in texts],
                             task_tokens(self.asked), self.resp.task_frequencies())
        self._fit.update(zip(texts, scores, strict=True))

    def preferred_bodies(self) -> list[str]:
        """Bodies assigned in the cited documents, then in the retrieved clauses."""
        cited = [a.body for a in self.resp.all() if a.document in self.refs]
        return cited + [a.body for _, a in self.pool]


MATCH_WEIGHT = 1.0  # how much the task's fit with the question counts …
RANK_PENALTY = 0.1  # … against the rank of the clause it sits in


def typed_files(question: Question, hits: Sequence[Hit]) -> set[str]:
    """The retrieved documents of the type the question names (``trong CV về …``,
    ``Theo TB kết luận …``): a question that says which kind of document it is about
    is about one of those, not a plan or a resolution that shares its words.

    >>> typed_files(Question.parse("Ai chủ trì việc này?"), [])
    set()
    """
    types = designated_types(question.text, {doc_type(h.chunk.document) for h in hits})
    if not types:
        return set()
    return {h.chunk.file for h in hits if doc_type(h.chunk.document) in types}


def scope_files(scope: Scope) -> set[str]:
    """The files an answer may come from: the cited documents' when the question cites
    some (by number), else the retrieved documents of the type it names, else the
    retrieved clauses' documents."""
    if scope.refs:
        cited = {a.file for a in scope.resp.all() if a.document in scope.refs}
        cited |= {h.chunk.file for h in scope.hits if h.chunk.document in scope.refs}
        if cited:
            return cited
    return scope.typed or {h.chunk.file for h in scope.hits}


def named_in_scope(scope: Scope) -> list[Assignment] | None:
    """The assignments, in the documents in scope, of the body the question names by
    the grammar of names (any spelling, with or without its province); None when the
    question names no body, or one no indexed body answers to while the index's own
    names find one in the question. Worked out once per question (it reads every
    assignment of the index)."""
    if not scope._named:
        scope._named.append(_named_in_scope(scope))
    return scope._named[0]


def _named_in_scope(scope: Scope) -> list[Assignment] | None:
    named = scope.question.named
    if named is None:
        return None
    mine = [a for a in scope.resp.all() if names_body(named, a.body_key or a.body)]
    if not mine and scope.subject.find(scope.resp.names()) is not None:
        return None  # a spelling the grammar cannot resolve (``Viện KTTV&BĐKH``): the index's names decide
    files = scope_files(scope)
    return [a for a in mine if a.file in files]


def groups_naming(scope: Scope) -> list[Assignment]:
    """The retrieved clauses' assignments whose body may be, or include, the one the
    question names (another spelling of a group, a group it belongs to)."""
    named = scope.question.named
    if named is None:
        return []
    return [a for _, a in scope.pool if (not scope.typed or a.file in scope.typed)
            and may_name(named, a.body_key or a.body)]


def has_no_task(scope: Scope) -> bool:
    """The question names one body, by the grammar of names, and that body has no task in
    the documents in scope: "not found", even when a group it may belong to has some
    (``các sở, ban, ngành liên quan`` is not a task given to Sở Công Thương).

    A group the question names (``Các sở, ngành``, ``Các đơn vị được kiểm tra``) is too
    loose a name to claim it has nothing: another spelling of it may hold the task.
    """
    named = scope.question.named
    if named is None or named_in_scope(scope) != []:
        return False
    near = groups_naming(scope)
    if is_group_name(named):
        return not near
    # the body itself in a retrieved clause (another spelling, a document the cited one
    # is carried out by) is an answer; only groups it may belong to are not
    return all(is_group(a) for a in near)


def _relevance(scope: Scope, rank: int, a: Assignment, want_due: bool) -> float:
    """Task words shared with the question, minus a retrieval-rank penalty, plus small
    bonuses: the cited document, a stated deadline (when asked), the asked role, or
    the lead when a "who" question names no role (it asks for the owner)."""
    q = scope.question
    score = MATCH_WEIGHT * scope.fit(a) - RANK_PENALTY * rank
    score += 0.3 if a.document in scope.refs else 0.0
    score += 0.2 if a.file in scope.local else 0.0
    score += 0.2 if a.file in scope.typed else 0.0
    if q.head and re.match(rf"(?:các )?{q.head} ", a.body_key):
        score += 0.4  # "Sở nào …?" is answered by a Sở
    if want_due:
        score += 0.3 if a.due or a.deadline_text else 0.0
    elif q.role is None:
        score += 0.15 if a.role == "chủ trì" else 0.0
    # "Ai chủ trì …" asks for the lead: a body that only carries the task out is a worse answer
    score += 0.5 if q.role and a.role == q.role else 0.0
    return score


def is_group_name(name: str) -> bool:
    """``Các sở, ngành``, ``UBND các xã``: a name of several bodies.

    >>> is_group_name("các sở, ngành"), is_group_name("Sở Văn hóa, Thể thao và Du lịch")
    (True, False)
    """
    return any(w in ("các", "những") for w in canonical_body(name).split())


def is_group(a: Assignment) -> bool:
    return is_group_name(a.body)


def _same_task(a: Assignment, b: Assignment) -> bool:
    return a.file == b.file and a.clause == b.clause and a.task == b.task


def best_group(scope: Scope, want_due: bool) -> list[Assignment]:
    """The owners of the best-matching task, best first (lead first unless a role is asked).

    A "when" question naming a body (``SCT Quảng Ngãi phải … trước ngày nào``) prefers
    that body's records, and among its spellings the one carrying the question's words;
    the body's tasks elsewhere in the documents in scope are candidates too, after the
    retrieved clauses' (the task that fits the question best wins among them).
    """
    pool = list(scope.pool)
    mine = {id(a) for a in named_in_scope(scope) or []} if want_due else set()
    if mine:
        seen = {id(a) for _, a in pool}
        pool += [(len(scope.hits), a) for a in named_in_scope(scope) or [] if id(a) not in seen]
    if not pool:
        return []
    body = scope.subject.find([a.body for _, a in pool]) if want_due and not mine else None
    # a duty or a deadline asked of a body: its records first (a "who" question names none)
    asked = scope.question.named if (want_due or scope.question.kind == "what") and not mine else None
    if body and asked and not may_name(asked, body):
        body = None  # a name in the question's object ("nộp báo cáo về Công an tỉnh"), not its subject
    key = canonical_body(body) if body else None
    q_words = scope.question.words
    group_asked = asked is not None and is_group_name(asked)

    def score(item: tuple[int, Assignment]) -> tuple[float, ...]:
        rank, a = item
        named = 0.0
        if id(a) in mine or (key and name_key(a) == key):
            named = 1.0 + 0.1 * len(set(words(a.body)) & q_words)
            if _named_in_task(a):
                named -= 0.5  # "phối hợp với UBND xã X để …": X is the partner there, not the doer
        elif asked and may_name(asked, a.body_key or a.body) and not (group_asked and not is_group(a)):
            named = 0.5  # "Hạn các sở …": a group the asked body belongs to, or a wider spelling
        relevance = round(_relevance(scope, rank, a, want_due), 6)  # float noise must not beat rank
        return (named, relevance, -rank, -role_rank(a.role))

    ranked = [a for _, a in sorted(pool, key=score, reverse=True)]
    return one_per_task([a for a in ranked if _same_task(a, ranked[0])])


def _named_in_task(a: Assignment) -> bool:
    """Does the task name its own body as its partner (``Tập trung phối hợp với UBND xã Đạ
    Huoai để …``, recorded for that xã as the lead)? Then the body was read from the object
    of ``với``; a body named otherwise (``ủy quyền cho Sở X``) may still be the doer.

    >>> from ingest.bodies import body_key
    >>> a = Assignment("f", "d", "1", "1", "UBND xã Đạ Huoai", body_key("UBND xã Đạ Huoai", None),
    ...     "chủ trì", "Tập trung phối hợp với UBND xã Đạ Huoai để xây dựng phương án", None, None, None, "")
    >>> _named_in_task(a), _named_in_task(a.__class__(**{**a.__dict__, "task": "Phê duyệt phương án"}))
    (True, False)
    """
    name = canonical_body(a.body)
    return len(name.split()) >= 2 and re.search(rf"(?<!\w)với {re.escape(name)}(?!\w)",
                                                canonical_body(a.task)) is not None


def with_whom(scope: Scope) -> list[Assignment]:
    """``Sở NN&MT phối hợp với ai …``: the other owners of the named body's best task.

    The body's tasks in the retrieved clauses come first; its other tasks are
    considered too (ranked after every hit), since the question names it exactly.
    """
    partner = scope.question.partner
    body = partner.find(scope.resp.names(), scope.preferred_bodies()) if partner else None
    if body is None:
        return []
    key = canonical_body(body)
    seen = {id(a) for _, a in scope.pool}
    mine = [(r, a) for r, a in scope.pool if name_key(a) == key]
    mine += [(len(scope.hits) + 2, a) for a in scope.resp.all() if name_key(a) == key and id(a) not in seen]
    shared = [(r, a) for r, a in mine
              if any(_same_task(a, b) and name_key(b) != key
                     for b in scope.resp.for_clause(a.file, a.clause))]
    if not shared:
        return []
    _, best = max(shared, key=lambda ra: _relevance(scope, ra[0], ra[1], False))
    others = [b for b in scope.resp.for_clause(best.file, best.clause)
              if _same_task(b, best) and name_key(b) != key]
    return one_per_task(sorted(others, key=lambda a: role_rank(a.role)))


def by_recurrence(question: Question, group: Sequence[Assignment]) -> list[Assignment]:
    """Put first the deadline the question's period words point to (``6 tháng`` / ``cả năm``)."""
    want = question.recurrence
    if want is None:
        return list(group)
    first = group[0]
    match = [a for a in group if a.body == first.body and (a.recurrence or "").startswith(want)]
    return match[:1] + [a for a in group if a not in match[:1]] if match else list(group)


def body_tasks(body: str, scope: Scope) -> list[Assignment]:
    """A body's assignments, most relevant first: in the cited documents, in the hits (a
    task under a retrieved heading ranks with the heading: ``Về cải cách tài chính công /
    Giao Sở Tài chính:``; one whose clause holds a retrieved item ranks with the item), in
    the hits' documents, then the others; document order within one rank."""
    key = canonical_body(body)
    mine = [a for a in scope.resp.all() if name_key(a) == key]
    rank = {(h.chunk.file, h.chunk.path): i for i, h in reversed(list(enumerate(scope.hits)))}
    docs = {h.chunk.file: i for i, h in reversed(list(enumerate(scope.hits)))}
    order = {id(a): i for i, a in enumerate(mine)}

    def hit_rank(a: Assignment) -> int | None:
        if (a.file, a.clause) in rank:
            return rank[(a.file, a.clause)]
        # under a retrieved heading, or holding a retrieved item ("… trong đó: - đoạn Km161 …")
        near = [r for (f, path), r in rank.items()
                if f == a.file and (a.clause.startswith(f"{path}.") or path.startswith(f"{a.clause}."))]
        return min(near) if near else None

    def key_of(a: Assignment) -> tuple[int, int, int, int]:
        cited = 0 if not scope.refs or a.document in scope.refs else 1
        r = hit_rank(a)
        if r is not None:
            return (cited, 0, r, order[id(a)])
        return (cited, 1, docs.get(a.file, len(scope.hits)), order[id(a)])

    ranked = sorted(mine, key=key_of)
    if scope.refs and any(a.document in scope.refs for a in ranked):
        ranked = [a for a in ranked if a.document in scope.refs]  # "… trong CT 13": that document only
    return one_per_task(ranked)


def one_per_task(records: Sequence[Assignment]) -> list[Assignment]:
    """Drop repeats of the same (body, clause, task, role, due): several deadlines stay apart."""
    seen: set[tuple[str, str, str, str, str, dt.date | None]] = set()
    out: list[Assignment] = []
    for a in records:
        k = (name_key(a), a.file, a.clause, a.task, a.role, a.due)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out


def lead_of(a: Assignment, resp: Responsibilities) -> str | None:
    """The body leading the same task, when ``a`` is not the lead."""
    if a.role == "chủ trì":
        return None
    same = [b for b in resp.for_clause(a.file, a.clause) if b.task == a.task and b.role == "chủ trì"]
    return same[0].body if same else None
