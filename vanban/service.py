"""``Vanban``: the one facade the CLI and the web app call.

Everything is lazy: creating a ``Vanban`` opens nothing; listing or removing
documents opens the store without an embedding model; the model is created
only to ingest or to search.

Questions read one immutable ``Snapshot`` of the index: its chunks, their
vectors, BM25 and the assignments stored at ingest, all from one consistent
read of Chroma (``Store.state``). A question costs one query embedding
(remembered, ``CachedQueries``), BM25 and a matrix product in memory; Chroma
is asked only whether the index changed, at most once per ``REGISTRY_TTL_S``.
When it did, the next snapshot is built beside the current one in a
background thread and swapped in whole: only the very first question waits
for a build. Ingest and removal through this object build the new snapshot
before they return, so they are seen at once; another process's writes are
seen once the background rebuild they trigger has finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import saved, taskvectors
from index.accents import Accents
from index.chunkfile import by_id, doc_order
from index.chunks import Chunk, SearchFilters
from index.corrections import Correction
from index.embedders import CachedQueries, Embedder, make_embedder, relevance_floor
from index.errors import StoreError, StoreUnavailableError
from index.lexical import LexicalIndex
from index.pipeline import (
    FileResult,
    ProgressFn,
    Shard,
    forget_lexical,
    ingest_paths,
    walk,
)
from index.search import DenseFn, Hit, Mode, Searcher, matrix_dense_fn
from index.store import DocCheck, DocRecord, IndexState, Store, read_generation
from ingest.errors import InputError
from ingest.normalize import is_unaccented
from vanban.answer.compose import Answerer
from vanban.answer.match import TaskVectors
from vanban.answer.meta import DocFacts
from vanban.answer.select import compared_texts
from vanban.answer.tasks import Responsibilities, to_row
from vanban.answer.types import Answer
from vanban.settings import Config

if TYPE_CHECKING:
    import numpy as np

# How stale the registry may be before a question re-checks it (seconds). Our own
# writes reset it; only other writers (another process, or ``--chroma-url``) wait.
REGISTRY_TTL_S = 1.0

log = logging.getLogger(__name__)
_COUNTING = threading.Lock()  # one count of a snapshot's syllable statistics at a time


@dataclass(frozen=True)
class Snapshot:
    """What questions read for one index state; built once, never changed."""

    revision: str  # the registry revision it was read at
    chunks: Mapping[str, Chunk]  # visible chunks by id, in storage order
    lexical: LexicalIndex
    dense: DenseFn
    responsibilities: Responsibilities
    state: IndexState  # what it was built from: the base of the next one
    documents: tuple[DocFacts, ...] = ()  # header and signature facts of the visible documents
    counted: dict[str, Accents] = field(default_factory=dict)  # ``accents()``, once counted

    def accents(self, db_path: Path | None = None) -> Accents:
        """The chunks' syllable statistics, for questions typed without diacritics: read from
        beside the saved snapshot under ``db_path``, else counted (and kept there) — on the
        first such question, once per snapshot (not once per question)."""
        with _COUNTING:
            if "accents" not in self.counted:
                found = saved.load_accents(db_path, self.revision) if db_path is not None else None
                if found is None:
                    found = Accents.from_texts(c.text for c in self.chunks.values())
                    if db_path is not None:
                        saved.save_accents(db_path, self.revision, found)
                self.counted["accents"] = found
            return self.counted["accents"]

    @classmethod
    def of(cls, state: IndexState, lexical: LexicalIndex) -> Snapshot:
        return cls(state.revision, by_id(state.chunks, lexical.ids, lexical.position), lexical,
                   matrix_dense_fn(state.chunks, state.vectors), responsibilities_of(state), state,
                   documents_of(state))


@dataclass(frozen=True)
class CheckReport:
    """What ``vanban check`` found (after ``--repair``, what is left)."""

    checks: list[DocCheck]
    strays: int  # chunk records of no registered document
    repaired: list[FileResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # inconsistent files with no original given

    @property
    def ok(self) -> bool:
        return self.strays == 0 and all(c.ok for c in self.checks)


def responsibilities_of(state: IndexState) -> Responsibilities:
    """The assignments stored with the visible documents, documents in storage order."""
    order = doc_order(state.chunks)
    files = {r.doc_id: r.file for r in state.records}
    return Responsibilities([a for d in order for a in state.assignments.get(d, [])],
                            {d: files[d] for d in order if d in files})


def documents_of(state: IndexState) -> tuple[DocFacts, ...]:
    """What each visible document says about itself (header, signature), in storage order."""
    visible = doc_order(state.chunks)
    records = {r.doc_id: r for r in state.records}
    return tuple(DocFacts(r.file, r.name, r.title, dt.date.fromisoformat(r.date) if r.date else None,
                          r.issuer, r.signer, r.signer_position)
                 for r in (records[d] for d in visible if d in records))


_BUILDS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # background snapshot builds


PREFILL_BATCH = 32  # task texts embedded per call by the background prefill


def _lower_this_thread_priority() -> None:
    """Run the calling thread (and the threads it starts, e.g. the model's) at the lowest
    CPU priority, so background work never slows a question (Linux: nice per thread)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed: as it is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def _in_background(name: str, work: Callable[[], None], lock: threading.Lock,
                   failed: str) -> threading.Thread:
    """Run ``work`` in a daemon thread that releases ``lock`` (taken by the caller) when it
    ends; an exception is logged with ``failed`` (Vietnamese) and goes no further."""
    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 — background work must not kill the server
            log.exception(failed)
        finally:
            lock.release()

    thread = threading.Thread(target=run, name=name, daemon=True)
    _BUILDS.add(thread)
    thread.start()
    return thread


def wait_for_snapshot_builds(timeout: float = 120.0) -> None:
    """Wait for the background snapshot builds of this process to end (before a caller
    deletes the index folder they may still be saving into, as ``vanban eval`` does)."""
    for thread in list(_BUILDS):
        thread.join(timeout)


def check_question(question: str, limit: int) -> None:
    """Refuse a question over ``limit`` characters, saying how long it is and what to do.

    >>> check_question("Ai chủ trì?", 1000)
    >>> check_question("x" * 1001, 1000)
    Traceback (most recent call last):
    ...
    ingest.errors.InputError: câu hỏi: câu hỏi dài 1001 ký tự, vượt giới hạn 1000 ký tự — \
hãy rút gọn, hỏi từng ý một (giới hạn: VANBAN_MAX_QUESTION_CHARS)
    """
    if len(question) > limit:
        raise InputError("câu hỏi", f"câu hỏi dài {len(question)} ký tự, vượt giới hạn {limit} ký tự",
                         "hãy rút gọn, hỏi từng ý một (giới hạn: VANBAN_MAX_QUESTION_CHARS)")


def correction_of(number: str | None, date: dt.date | None, issuer: str | None) -> Correction:
    """The fields typed by the user (NFC, trimmed; blank ones left out); at least one is needed.

    >>> correction_of(" 15/KH-UBND ", None, "")
    Correction(number='15/KH-UBND', date=None, issuer=None)
    """
    def clean(text: str | None) -> str | None:
        return unicodedata.normalize("NFC", text).strip() or None if text else None

    fix = Correction(clean(number), date.isoformat() if date else None, clean(issuer))
    if not fix.fields():
        raise InputError("sửa thông tin", "chưa nhập trường nào",
                         "nhập số/ký hiệu, ngày (dd/mm/yyyy) hoặc cơ quan ban hành cần sửa")
    return fix


def refused_answer(question: str, err: Exception, limit: int) -> Answer:
    """The answer to a question that got none, and why: ``found`` is false, ``text``
    and ``error`` carry the Vietnamese reason; the question is echoed back at most
    ``limit`` characters long."""
    shown = question if len(question) <= limit else question[:limit] + " …"
    return Answer(shown, False, str(err), error=str(err))


class Vanban:
    """Ingest, list, remove, search and ask over one index.

    >>> import tempfile
    >>> from index.embedders import FakeEmbedder
    >>> tmp = tempfile.TemporaryDirectory()
    >>> vb = Vanban(Config(db=tmp.name), FakeEmbedder())  # Config() uses the real model
    >>> [r.status for r in vb.ingest([Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx"])]
    ['ingested']
    >>> answer = vb.ask("Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?")
    >>> answer.text.startswith("Sở Công Thương và Công an tỉnh chủ trì"), answer.citations[0].document
    (True, 'Công văn 612/SCT-QLCN')
    >>> tmp.cleanup()
    """

    def __init__(self, config: Config, embedder: Embedder | None = None) -> None:
        self.config = config
        self._embedder = embedder
        self._store: Store | None = None
        self._bound = False
        self._snapshot: Snapshot | None = None
        self._building = threading.Lock()  # one snapshot build at a time
        self._queries: CachedQueries | None = None
        self._preloading = False  # the model is being (or was) loaded in the background
        self._marker_checked = 0.0  # time.monotonic() of the last look at the write marker
        self.on_wait: Callable[[str], None] | None = None  # told when another writer holds the index
        self._answerer = Answerer(self.search, self.task_similarity)
        self._task_vectors: dict[str, np.ndarray] | None = None  # task text -> vector, any snapshot
        self._prefilling = threading.Lock()
        self._prefilled: str | None = None  # the snapshot revision whose task texts are all embedded
        self.keep_tasks_ready = False  # serve: embed every new snapshot's task texts in the background

    @property
    def embedder(self) -> Embedder:
        """The embedding model named by ``config.embedder``, created on first use."""
        if self._embedder is None:
            self._embedder = make_embedder(self.config.embedder)
        return self._embedder

    @property
    def store(self) -> Store:
        """The store, opened on first use without binding a model."""
        if self._store is None:
            self._store = Store.open(self.config, on_wait=self.on_wait)
        return self._store

    @property
    def queries(self) -> CachedQueries:
        """The embedder with remembered query vectors, as search uses it."""
        if self._queries is None or self._queries.inner is not self.embedder:
            self._queries = CachedQueries(self.embedder)
        return self._queries

    def _bound_store(self) -> Store:
        """The store, checked against the embedder (``EmbedderMismatchError`` if different)."""
        store = self.store
        if not self._bound:
            store.bind(self.embedder)
            self._bound = True
        return store

    def ingest(self, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               rebuild: bool = False, ocr: bool = False, workers: int = 0,
               shard: Shard | None = None, nice: int = 0) -> list[FileResult]:
        """Ingest files/folders (idempotent); ``rebuild`` first empties the index;
        ``ocr`` reads scanned or garbled PDFs with tesseract; symlinked sub-folders are
        walked when ``config.follow_symlinks``. ``workers`` > 0 reads and embeds in that
        many processes (at ``nice`` priority); ``shard``: only this machine's part of
        the files (``index.pipeline.Shard``)."""
        if rebuild:
            self._store = Store.open(self.config, self.embedder, rebuild=True, on_wait=self.on_wait)
            self._bound = True
        # BM25 is built with the next snapshot, which is saved beside the index: the next
        # process to start at this state (``vanban serve`` after ``vanban ingest``) maps it.
        results = ingest_paths(paths, self._bound_store(), self.embedder, progress, ocr=ocr,
                               lexical=False, follow_symlinks=self.config.follow_symlinks,
                               limits=self.config.read_limits(), workers=workers, shard=shard,
                               nice=nice)
        if any(r.status in ("ingested", "replaced") for r in results) or rebuild:
            self._after_write()
        return results

    def documents(self) -> list[DocRecord]:
        return self.store.documents()

    def clauses(self, file_or_id: str) -> list[Chunk]:
        """The stored clauses of one document, in order, with its (corrected) header fields."""
        record = self.store.find(file_or_id)
        return [] if record is None else self.store.chunks(SearchFilters(files=(record.doc_id,)))

    def correct(self, file_or_id: str, number: str | None = None, date: dt.date | None = None,
                issuer: str | None = None, reset: bool = False) -> DocRecord | None:
        """Correct a document's number, date or issuer by hand (``reset``: drop its
        corrections); blank fields keep their value. The corrected record, None when not found.

        The correction outlives re-ingesting the file (``index.corrections``).
        """
        fix = None if reset else correction_of(number, date, issuer)
        with self.store.writing(bump=False):  # no reader saves BM25 between the two
            record = self.store.correct(file_or_id, fix)
            if record is not None:
                forget_lexical(self.store)  # BM25 indexes document names
        if record is not None:
            self._after_write()
        return record

    def remove(self, file_or_id: str) -> int:
        """Remove one document; returns the number of clauses removed (0 when not found)."""
        removed = self.store.remove(file_or_id)
        if removed:
            self._after_write()
        return removed

    def _after_write(self) -> None:
        """Our own write is seen at once: the next snapshot now, built from the previous one
        plus the new documents, and saved for the next start. A server that went away keeps
        the old snapshot: the per-file results already say what was interrupted."""
        with self._building:
            try:
                self._snapshot = self._build()
            except StoreUnavailableError:
                log.warning("index server unavailable after a write; keeping the old snapshot")

    def check(self, repair: bool = False, originals: Iterable[str | Path] = ()) -> CheckReport:
        """Every registered document against its stored content (``vanban check``).

        ``repair``: delete stray chunk records (under the writer lock) and re-ingest
        each inconsistent document from its original, looked up by file name under
        ``originals``; the files not found there are listed in ``missing``.
        """
        checks, strays = self.store.check()
        bad = [c.record.file for c in checks if not c.ok]
        if not repair or not (bad or strays):
            return CheckReport(checks, strays)
        if self.config.chroma_url:
            self.store.cleanup()  # on a server only abandoned intents: others may be writing
        else:
            self.store.delete_orphans()
        by_name = {p.name: p for p in walk(originals).files}
        wanted = {f: by_name.get(f.split("#", 1)[0]) for f in bad}  # "luat.json#3" → luat.json
        found = sorted({p for p in wanted.values() if p is not None})
        results = self.ingest(found) if found else []
        checks, strays = self.store.check()
        return CheckReport(checks, strays, results, sorted(f for f, p in wanted.items() if p is None))

    def snapshot(self) -> Snapshot:
        """The current snapshot; a newer one is built in the background when the index changed.

        Only the first call (no snapshot yet) waits for a build — or, when a snapshot of the
        current state is saved beside an embedded index, for mapping it: then neither
        Chroma nor its vector index is opened to answer.
        """
        snap = self._snapshot
        if snap is not None:
            if self._changed_since(snap):
                self._rebuild_in_background()
            return snap
        with self._building:
            if self._snapshot is None:
                self._preload_model()
                self._snapshot = self._saved_snapshot() or self._build()
            return self._snapshot

    def _preload_model(self) -> None:
        """Start loading the embedding model in a background thread (when it has a ``load``),
        so a first question waits for the longer of mapping the snapshot and loading the model,
        not for both in turn. A model that fails to load fails again, with its message, when
        the question needs it."""
        load = getattr(self.embedder, "load", None)
        if not callable(load) or self._preloading:
            return
        self._preloading = True

        def run() -> None:
            try:
                load()
            except Exception as exc:  # noqa: BLE001 — said again by the question that needs it
                log.debug("vanban: nạp trước mô hình nhúng không được (%s)", exc)

        threading.Thread(target=run, name="vanban-model", daemon=True).start()

    def _changed_since(self, snap: Snapshot) -> bool:
        """Whether the index moved on from ``snap``: embedded, the write marker file says so
        (checked at most once per ``REGISTRY_TTL_S``, no Chroma); on a server, the registry
        revision. A check that fails (another process is mid-write on the embedded index,
        the server blinked) is no reason to refuse a question that the snapshot in hand can
        answer: it counts as "no change" and is tried again on a later question. A server
        that does not answer at all is still said so (``StoreUnavailableError``)."""
        if not self.config.chroma_url and snap.state.generation:
            now = time.monotonic()
            if now - self._marker_checked < REGISTRY_TTL_S:
                return False
            self._marker_checked = now
            return read_generation(self.config.db_path) != snap.state.generation
        try:
            return self.store.revision(REGISTRY_TTL_S) != snap.revision
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 — e.g. Chroma's "Could not connect to tenant"
            log.warning("vanban: chưa kiểm tra được chỉ mục (%s: %s); trả lời từ ảnh chụp hiện có",
                        type(exc).__name__, exc)
            return False

    def _saved_snapshot(self) -> Snapshot | None:
        """The saved snapshot of the embedded index's current write marker, if built with
        this process's embedder; None otherwise (then ``_build`` asks Chroma)."""
        if self.config.chroma_url:
            return None
        found = saved.load_generation(self.config.db_path, read_generation(self.config.db_path))
        if found is None or found.embedder != self._embedder_key():
            return None
        self._bound = True  # the index was built with this embedder (recorded with the snapshot)
        return Snapshot.of(found.state, found.lexical)

    def refresh(self) -> Snapshot:
        """Build the snapshot of the index as it is now, waiting for it (tests, warm-up)."""
        with self._building:
            self._snapshot = self._build()
            return self._snapshot

    def settle(self) -> None:
        """Wait for a background snapshot build, if one is running."""
        with self._building:
            pass

    def _build(self) -> Snapshot:
        """The snapshot of the current revision: the one in memory or saved beside the index
        if some process built it already (memory-mapped, no chunk read from Chroma); else
        built from the previous one plus the documents it lacks, and saved for the next start."""
        store = self.store
        db = self.config.db_path
        generation = read_generation(db) if not self.config.chroma_url else ""
        revision = store.revision()
        current = self._snapshot
        if current is not None and current.revision == revision:
            if generation != current.state.generation:  # a write that changed no document
                saved.restamp(db, revision, generation)
            return replace(current, state=replace(current.state, generation=generation))
        found = saved.load(db, revision)
        if found is not None:
            if generation != found.state.generation:
                saved.restamp(db, revision, generation)
            return Snapshot.of(replace(found.state, generation=generation), found.lexical)
        base = current
        if base is None and (latest := saved.load_latest(db)) is not None:
            base = Snapshot.of(latest.state, latest.lexical)
        state = store.state(base.state if base is not None else None)
        if base is not None and state.reused:
            kept = [c.id for c in state.chunks if c.doc_id in state.reused]  # first, see ``merged``
            lexical = base.lexical.update(kept, state.chunks[len(kept):])
        else:
            lexical = LexicalIndex.build(state.chunks)
        folder = saved.save(db, state, lexical, store.embedder_key)
        return Snapshot.of(*saved.mapped(folder, state, lexical))

    def _rebuild_in_background(self) -> None:
        if not self._building.acquire(blocking=False):
            return  # a build is already running; questions keep the current snapshot

        def build() -> None:
            self._snapshot = self._build()

        # a failure keeps answering from the old snapshot
        _in_background("vanban-snapshot", build, self._building,
                       "vanban: không dựng được ảnh chụp chỉ mục mới; vẫn dùng ảnh cũ")

    def _searcher(self) -> Searcher:
        snap = self.snapshot()
        if not self._bound:
            self._bound_store()
        return Searcher(snap.chunks, snap.lexical, snap.dense, self.queries,
                        accents_of=lambda: snap.accents(self.config.db_path))

    def search(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        """The best clauses for ``question`` (``k`` defaults to ``config.top_k``)."""
        return self._searcher().search(question, k or self.config.top_k, filters, mode)

    def task_similarity(self, question: str, tasks: Sequence[str]) -> list[float]:
        """The question's cosine with each task text; a task text is embedded once (on
        first use, or ahead by :meth:`prefill_task_vectors`) and kept for every snapshot."""
        if self.keep_tasks_ready:
            self.prefill_task_vectors()  # no-op unless the snapshot is new
        # the text dense search embedded (abbreviations spelled out, diacritics restored):
        # one embedding a question, and one the model can read
        text = self._searcher().dense_query(question)
        return TaskVectors(self.queries, self.task_vectors).similarity(text, tasks)

    @property
    def task_vectors(self) -> dict[str, np.ndarray]:
        """Task text → vector, shared by every snapshot (a text's vector depends on the model
        only); starts from the copy kept beside the index (``index.taskvectors``)."""
        if self._task_vectors is None:
            self._task_vectors = taskvectors.load(self.config.db_path, self._embedder_key())
        return self._task_vectors

    def _embedder_key(self) -> str:
        """``name/dim`` of this process's embedder: what saved snapshots and task vectors are kept under."""
        return f"{self.embedder.name}/{self.embedder.dim}"

    def prefill_task_vectors(self, wait: bool = False) -> threading.Thread | None:
        """Embed the current snapshot's task texts that no question has needed yet, in a
        background thread at low CPU priority, and keep them beside the index: the first
        question about a task then pays no embedding. Skipped (answers embed on demand)
        when more than ``config.task_prefill_max`` texts are missing. Returns the thread
        started, None when there was nothing to do (or one is running already)."""
        snap = self.snapshot()
        if snap.revision == self._prefilled or not self._prefilling.acquire(blocking=False):
            return None
        known = self.task_vectors
        todo = list(dict.fromkeys(t for a in snap.responsibilities.all() for t in compared_texts(a)
                                  if t not in known))
        if not todo or len(todo) > self.config.task_prefill_max:
            self._prefilled = snap.revision
            self._prefilling.release()
            return None

        def fill() -> None:
            _lower_this_thread_priority()
            vectors = TaskVectors(self.queries, known)
            for start in range(0, len(todo), PREFILL_BATCH):
                vectors.vectors(todo[start:start + PREFILL_BATCH])
            taskvectors.save(self.config.db_path, self._embedder_key(), dict(known))
            self._prefilled = snap.revision

        # a failure only means questions embed what they need themselves
        thread = _in_background("vanban-task-vectors", fill, self._prefilling,
                                "vanban: không nhúng sẵn được nội dung nhiệm vụ")
        if wait:
            thread.join()
        return thread

    @property
    def answerer(self) -> Answerer:
        """What ``ask`` answers with (search and task matching over this index)."""
        return self._answerer

    def ask(self, question: str, k: int | None = None,
            filters: SearchFilters | None = None) -> Answer:
        """The answer; ``Answer.to_json()`` is the ``vanban ask --json`` contract.

        A question longer than ``config.max_question_chars`` is refused
        (``InputError``) before any work: its cost grows with its length.
        """
        check_question(question, self.config.max_question_chars)
        if not question.strip():
            return Answer(question, False, self._not_found(question, filters))
        snap = self.snapshot()
        # typed without diacritics ("so cong thuong phai lam gi"): read as the documents would
        # print it, so the question's kind and the body it names are understood, not only searched
        read = self._searcher().accents().restore(question) if is_unaccented(question) else question
        # a result count given (``vanban ask -k``) also caps a task list's length
        answer = self._answerer.answer(read, snap.responsibilities, k or self.config.top_k,
                                       self.min_score, filters, snap.documents, listed=k)
        if read != question:
            answer = replace(answer, question=question)
        if answer.gap == "no_relevant_clause":
            answer = replace(answer, text=self._not_found(question, filters))
        return answer

    @property
    def min_score(self) -> float:
        """The relevance floor: the configured one, else the embedder's own."""
        if self.config.min_score is not None:
            return self.config.min_score
        return relevance_floor(self.embedder)

    def warm_up(self) -> bool:
        """Load the model and build the search structures now, so the first question is fast.

        Returns False (and loads no model) when the index is empty.
        """
        with self._building:
            if self._snapshot is None:
                self._preload_model()
                self._snapshot = self._saved_snapshot()
        snap = self._snapshot
        if (snap is None and not self.store.visible_doc_ids()) or (snap is not None and not snap.chunks):
            return False
        self.search("khởi động")
        self.responsibilities()
        return True

    def responsibilities(self) -> Responsibilities:
        """Who owns which task by when: the assignments stored at ingest, current snapshot."""
        return self.snapshot().responsibilities

    def document_facts(self) -> tuple[DocFacts, ...]:
        """Header and signature facts of the visible documents, current snapshot."""
        return self.snapshot().documents

    def bodies(self) -> list[str]:
        """Every body that has a task (with or without a deadline), one name each, sorted."""
        return self.responsibilities().bodies()

    def tasks(self, body: str) -> list[dict[str, Any]]:
        """Every task of a body (any spelling), as ``vanban deadlines --json`` rows."""
        return [to_row(a) for a in self.responsibilities().for_body(body)]

    def deadlines(self, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  body: str | None = None) -> list[dict[str, Any]]:
        """The ``vanban deadlines --json`` rows, sorted by due date."""
        return [to_row(a) for a in self.responsibilities().deadlines(date_from, date_to, body)]

    def _not_found(self, question: str, filters: SearchFilters | None) -> str:
        if not question.strip():
            return "Câu hỏi trống — hãy nhập câu hỏi, ví dụ: 'Ai chủ trì việc … , hạn khi nào?'."
        if not self.snapshot().chunks:
            return ("Chưa có văn bản nào trong chỉ mục "
                    f"{self.config.chroma_url or self.config.db} — hãy nạp văn bản: "
                    "vanban ingest <tệp hoặc thư mục>.")
        scope = " trong phạm vi đã chọn" if filters is not None and not filters.empty else ""
        return (f"Không tìm thấy điều khoản nào đủ liên quan{scope} trong các văn bản đã nạp. "
                "Hãy hỏi cụ thể hơn (tên cơ quan, việc, số văn bản) hoặc nạp thêm văn bản.")

