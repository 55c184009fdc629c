"""The Chroma store: clause vectors plus a registry that decides what search can see.

Two Chroma collections, embedded (``PersistentClient`` in ``<db>/chroma``) or
on a server (``HttpClient`` when ``chroma_url`` is set):

- ``vanban_chunks``: one record per clause — our own vector (never Chroma's
  default embedder, which would try to download a model) and three metadata
  keys: ``doc_id``, ``text_hash`` and the whole chunk as one JSON row
  (``chunk_metadata``; older indexes have one key per field). Its collection
  metadata records the embedder name and dimension; another model is refused.
- ``vanban_registry``: one small record per document file (``doc:<file>``),
  plus ``pending:<doc_id>`` intents and a ``meta:revision`` token.

A document becomes visible only when its registry record is written, after
all its clauses are stored, so a crash never leaves half a document in the
answers: chunks of unregistered doc ids are ignored by search. The registry
record carries the document's assignments (extracted once, at ingest, as the
record's Chroma ``document``), so they appear and disappear with it.

One writer at a time: in embedded mode every write holds an inter-process
lock (``fcntl.flock`` on ``<db>/writer.lock``); a second writer waits, then is
refused with a message naming the server mode. Leftovers of a crashed writer
(``pending`` intents) are deleted only under that lock — a reader never
deletes anything. Embedded Chroma caches the index in each process, so every
write also bumps ``<db>/chroma/generation``; a process that sees another
generation reconnects before reading or writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from index import corrections, originals
from index.chunkfile import doc_rows
from index.chunks import Chunk, SearchFilters, chunk_from_row, chunk_row, chunks_from_document
from index.errors import EmbedderMismatchError, StoreError, StoreUnavailableError
from ingest.assignments import Assignment, extract_assignments
from ingest.model import Document

CHUNKS = "vanban_chunks"
REGISTRY = "vanban_registry"
REVISION_ID = "meta:revision"
_DUMMY = [1.0]  # registry records need *some* vector; Chroma would otherwise embed them
_PAGE = 2000  # rows per get() call: keeps memory and request sizes bounded
# Chroma always keeps a vector index (HNSW) of the chunks, but search never queries it
# (dense search is exact, over the snapshot's matrix): a thin graph makes writes 2× cheaper.
HNSW = {"space": "cosine", "ef_construction": 16, "max_neighbors": 4, "sync_threshold": 20000,
        "batch_size": 1000}
_BY_DOC_MAX = 200  # up to this many new documents are read by doc id, more by paging
LOCK_FILE = "writer.lock"
GENERATION_FILE = "generation"
WRITER_WAIT_S = 600.0  # how long a second writer waits before it is refused
_READ_ATTEMPTS = 5  # consistent-read retries while another process writes

log = logging.getLogger(__name__)
WaitFn = Callable[[str], None]


class Location(Protocol):
    """Where the store lives: ``vanban.settings.Config`` is one (index imports nothing above it)."""

    @property
    def db_path(self) -> Path: ...

    @property
    def chroma_url(self) -> str | None: ...

    @property
    def chroma_connect_timeout_s(self) -> float: ...

    @property
    def chroma_read_timeout_s(self) -> float: ...


class NamedEmbedder(Protocol):
    """The part of an embedder the store needs: its name and dimension."""

    name: str
    dim: int


@dataclass(frozen=True)
class DocRecord:
    """One document file known to the store (what ``vanban list`` prints)."""

    doc_id: str
    file: str
    name: str  # "Chỉ thị 13/CT-TTg"
    type: str = ""
    number: str = ""
    date: str = ""  # ISO or ""
    issuer: str = ""
    title: str = ""
    clauses: int = 0
    status: str = "ok"  # Document.status of the stored version
    ingested_at: str = ""  # ISO UTC timestamp
    sha256: str = ""  # hash of the file's bytes, to skip unchanged files
    message: str = ""
    extraction: str = ""  # "ok" | "error" (assignments could not be extracted) | "" (none tried)
    extraction_message: str = ""
    assignments: int = 0  # how many assignments are stored with the record
    signer: str = ""  # who signed, from the closing block ("Nguyễn Văn A")
    signer_position: str = ""  # the signer's position as printed ("Phó Chủ tịch")
    corrected: str = ""  # header fields corrected by hand ("số, ngày"), see ``index.corrections``

    def as_filter_probe(self) -> Chunk:
        """A chunk carrying this document's header, so ``SearchFilters.accepts`` decides."""
        return Chunk(id="", doc_id=self.doc_id, file=self.file, document=self.name, path="",
                     label="", heading=(), text="", doc_type=self.type, issuer=self.issuer,
                     number=self.number, date=self.date, title=self.title)


def record_key(file: str) -> str:
    """Registry id of a file: its base name, so re-ingesting a file replaces it."""
    return "doc:" + Path(file).name


def date_int(iso: str) -> int:
    """``"2024-05-02"`` → ``20240502``; ``""`` → ``0`` (Chroma range filters need numbers)."""
    return int(iso.replace("-", "")) if iso else 0


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Chroma metadata for a chunk: the keys reads and writes filter on (``doc_id``,
    ``text_hash``), and the whole chunk (text included) as one JSON row. Every key costs
    Chroma an index row per chunk (one key per field, and the text as its full-text indexed
    ``document``, was half the write time), so nothing else is stored: filters on the
    header (dates, types) are decided on the registry record, never by Chroma."""
    return {"doc_id": chunk.doc_id, "text_hash": chunk.text_hash, "chunk": chunk_row(chunk)}


def chunk_from_record(chunk_id: str, text: str | None, meta: dict[str, Any]) -> Chunk:
    """Inverse of ``chunk_metadata``; also reads records written before it (one key per field,
    the text as the Chroma document)."""
    if "chunk" in meta:
        chunk = chunk_from_row(str(meta["chunk"]))
        return chunk if chunk.id == chunk_id else replace(chunk, id=chunk_id)
    return Chunk(
        id=chunk_id, doc_id=str(meta["doc_id"]), file=str(meta["file"]),
        document=str(meta["document"]), path=str(meta["path"]), label=str(meta["label"]),
        heading=tuple(json.loads(str(meta.get("heading_json") or "[]"))), text=text or "",
        page=int(meta.get("page", 1)) or None, paragraph=int(meta.get("paragraph", 0)),
        kind=str(meta.get("kind", "clause")),
        doc_type=str(meta.get("doc_type", "")), issuer=str(meta.get("issuer", "")),
        number=str(meta.get("number", "")), date=str(meta.get("date", "")),
        title=str(meta.get("title", "")),
        cells=tuple(json.loads(str(meta.get("cells_json") or "[]"))),
        fields=tuple((str(r), str(v)) for r, v in json.loads(str(meta.get("fields_json") or "[]"))),
    )


@dataclass(frozen=True)
class Extraction:
    """A document's assignments, extracted once at ingest; ``error`` when the extractor raised."""

    assignments: tuple[Assignment, ...] = ()
    status: str = "ok"  # "ok" | "error" | "" (nothing to extract: no clauses stored)
    message: str = ""


def extract(doc: Document) -> Extraction:
    """The assignments of a parsed document, cited as its chunks are (base file name, ``doc.name``).

    Never raises: a failure is recorded (status ``error`` and its message) and shown in
    ``vanban list``, instead of dropping the document from the answers silently.
    """
    named = doc if Path(doc.file).name == doc.file else replace(doc, file=Path(doc.file).name)
    try:
        found = extract_assignments(named)
    except Exception as exc:  # noqa: BLE001 — one odd document must not fail its ingest
        return Extraction((), "error", f"không trích được phân công ({type(exc).__name__}: {exc})")
    return Extraction(tuple(a if a.document == doc.name else replace(a, document=doc.name)
                            for a in found))


def assignments_json(records: Iterable[Assignment]) -> str:
    """Assignments as the JSON stored with a registry record (dates in ISO)."""
    rows = [{**asdict(a), "due": a.due.isoformat() if a.due else None} for a in records]
    return json.dumps(rows, ensure_ascii=False)


def assignments_from_json(text: str | None) -> list[Assignment]:
    """Inverse of ``assignments_json``; ``None`` or ``""`` → no assignments."""
    names = {f.name for f in fields(Assignment)}
    out = []
    for row in json.loads(text or "[]"):
        due = row.get("due")
        out.append(Assignment(**{**{k: v for k, v in row.items() if k in names},
                                 "due": dt.date.fromisoformat(due) if due else None}))
    return out


def doc_record(doc: Document, clauses: int, sha256: str = "",
               extraction: Extraction | None = None) -> DocRecord:
    """The registry record of a parsed document."""
    h = doc.header
    got = extraction or Extraction(status="")
    return DocRecord(
        doc_id=doc.doc_id, file=Path(doc.file).name, name=doc.name, type=h.doc_type or "",
        number=h.number or "", date=h.date.isoformat() if h.date else "",
        issuer=h.issuer or "", title=h.title or "", clauses=clauses, status=doc.status,
        ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sha256=sha256, message=doc.message, extraction=got.status,
        extraction_message=got.message, assignments=len(got.assignments),
        signer=doc.closing.signer or "", signer_position=doc.closing.position or "",
    )


@dataclass(frozen=True)
class IndexState:
    """One consistent read of the index: what a search snapshot is built from.

    ``chunks`` are the visible ones in storage order (row i of ``vectors`` ↔ chunk i);
    ``assignments`` are per doc id, in each document's order.
    """

    signature: str  # ``Store.signature`` of these records
    revision: str  # the registry revision read (changes with every write)
    records: tuple[DocRecord, ...]
    chunks: Sequence[Chunk]  # a list, or read lazily from a saved snapshot (``ChunkFile``)
    vectors: np.ndarray
    assignments: dict[str, list[Assignment]]
    reused: frozenset[str] = frozenset()  # doc ids whose rows were taken from a base state
    generation: str = ""  # embedded mode: ``<db>/chroma/generation`` read before the state


def record_version(record: DocRecord) -> tuple[str, ...]:
    """What identifies one stored version of a document: same key, same chunks and vectors,
    and the same header fields (a hand correction renames every chunk's document)."""
    return (record.doc_id, record.ingested_at, str(record.clauses), record.name, record.number,
            record.date, record.issuer)


def reusable(base: IndexState | None, records: Iterable[DocRecord]) -> set[str]:
    """Doc ids of ``records`` whose very version ``base`` already holds (rows to keep)."""
    if base is None:
        return set()
    held = {record_version(r) for r in base.records}
    return {r.doc_id for r in records if record_version(r) in held}


def merged(base: IndexState, delta: IndexState) -> IndexState:
    """``delta`` (read without the rows of ``delta.reused``) completed with those rows of ``base``:
    the kept rows first, in ``base`` order, then the rows read."""
    keep = doc_rows(base.chunks, delta.reused)
    chunks = [*(base.chunks[int(i)] for i in keep), *delta.chunks]
    vectors = np.concatenate([np.asarray(base.vectors[keep], dtype=np.float32),
                              np.asarray(delta.vectors, dtype=np.float32).reshape(-1, base.vectors.shape[1])])
    return replace(delta, chunks=chunks, vectors=vectors)


@dataclass(frozen=True)
class DocCheck:
    """What ``vanban check`` found for one registered document."""

    record: DocRecord
    stored: int  # chunk records stored under its doc id
    stored_assignments: int | None  # assignments stored with its record (None: none stored)

    @property
    def problems(self) -> list[str]:
        """What is wrong, in Vietnamese; empty when the stored content is complete."""
        r = self.record
        out = []
        expected = r.clauses if r.status == "ok" else 0
        if self.stored != expected:
            out.append(f"có {self.stored}/{expected} điều khoản được lưu")
        if r.status == "ok" and r.clauses and r.extraction not in ("ok", "error"):
            out.append("chưa lưu phân công (chỉ mục cũ)")
        elif self.stored_assignments is not None and self.stored_assignments != r.assignments:
            out.append(f"có {self.stored_assignments}/{r.assignments} phân công được lưu")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems


class _ProcessLock:
    """The writer lock of one index folder in this process: a thread lock plus ``flock``.

    Re-entrant in the thread that holds it; the file is locked while depth > 0.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.threads = threading.RLock()
        self.depth = 0
        self._fd: int | None = None
        self._timeout = WRITER_WAIT_S

    def acquire(self, timeout: float, on_wait: WaitFn | None, where: str,
                blocking: bool = True) -> bool:
        """Take the lock; ``False`` only when not ``blocking`` and another writer holds it."""
        deadline = time.monotonic() + timeout
        self._timeout = timeout
        if not self.threads.acquire(timeout=timeout if blocking else 0):
            if not blocking:
                return False
            raise _busy(where, timeout)
        if self.depth:
            self.depth += 1
            return True
        try:
            self._lock_file(deadline, on_wait, where, blocking)
        except BaseException:
            self.threads.release()
            raise
        if self._fd is None:
            self.threads.release()
            return False
        self.depth = 1
        return True

    def _lock_file(self, deadline: float, on_wait: WaitFn | None, where: str, blocking: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return
            except BlockingIOError:
                if not blocking:
                    os.close(fd)
                    return
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise _busy(where, self._timeout) from None
                if not told:
                    (on_wait or log.warning)(
                        f"Chỉ mục {where} đang được một tiến trình khác ghi (nạp/xoá văn bản) — "
                        "đang chờ tiến trình đó xong…")
                    told = True
                time.sleep(0.1)

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self.threads.release()


def _busy(where: str, waited: float) -> StoreError:
    return StoreError(
        f"Chỉ mục {where} đang được một tiến trình khác ghi; đã chờ {waited:.0f} giây mà chưa xong — "
        "hãy thử lại sau khi tiến trình kia kết thúc. Chroma nhúng chỉ cho một tiến trình ghi; "
        "để nhiều tiến trình cùng nạp, hãy chạy máy chủ Chroma (chroma run --path <thư mục> "
        "--port 8000) và dùng --chroma-url http://127.0.0.1:8000.")


def require_index(config: Location) -> None:
    """Refuse an embedded index that was never built (a mistyped ``--db``): reading
    commands must not leave an empty one behind. A Chroma server answers for itself.
    """
    if config.chroma_url or (config.db_path / "chroma").is_dir():
        return
    raise StoreError(
        f"Không có chỉ mục nào ở {config.db_path} — kiểm tra lại --db (hoặc VANBAN_DB); "
        f"nếu chưa nạp văn bản, hãy nạp trước: vanban ingest <tệp hoặc thư mục> --db {config.db_path}")


_LOCKS: dict[Path, _ProcessLock] = {}
_LOCKS_GUARD = threading.Lock()


def _process_lock(db_path: Path) -> _ProcessLock:
    path = (db_path / LOCK_FILE).resolve()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, _ProcessLock(path))


def _record_from_meta(meta: dict[str, Any]) -> DocRecord:
    names = {f.name for f in fields(DocRecord)}
    return DocRecord(**{k: v for k, v in meta.items() if k in names})


CREATED_MARK = "vanban-created"  # in <db>/chroma once Chroma's schema and our collections exist


def _chroma_exists(db_path: Path) -> bool:
    """Whether the embedded Chroma of ``db_path`` was fully created by an earlier open.

    Chroma's own file appears as soon as its schema setup starts, so it cannot
    tell a finished folder from one another process is creating right now.
    """
    return (db_path / "chroma" / CREATED_MARK).is_file()


def _connect(config: Location, fresh: bool = False) -> Any:
    """A Chroma client: HTTP when ``chroma_url`` is set, else embedded in ``<db>/chroma``.

    ``fresh``: forget this process's cached embedded Chroma for the folder, so the
    new client reads what other processes wrote (clients already made keep theirs).
    """
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if not config.chroma_url:
        path = config.db_path / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        if fresh:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(str(path), None)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    url = urlparse(config.chroma_url)
    if not url.hostname:
        raise StoreError(f"--chroma-url '{config.chroma_url}': địa chỉ không hợp lệ — "
                         "dùng dạng http://127.0.0.1:8000.")
    try:
        # The client's own first requests have no timeout: a frozen server is caught here first.
        _probe(config)
        client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000,
                                     ssl=url.scheme == "https", settings=settings)
        _set_timeouts(client, config)
        client.heartbeat()
    except StoreUnavailableError:
        raise
    except Exception as exc:  # connection refused, DNS, TLS: all mean "no server there"
        raise unavailable(config, exc) from exc
    return _Remote(client, config)


def _timeout(config: Location) -> Any:
    import httpx

    return httpx.Timeout(config.chroma_read_timeout_s, connect=config.chroma_connect_timeout_s)


def _probe(config: Location) -> None:
    """One heartbeat with our timeouts, before chromadb's client makes untimed requests."""
    import httpx

    base = str(config.chroma_url).rstrip("/")
    try:
        httpx.get(f"{base}/api/v2/heartbeat", timeout=_timeout(config)).raise_for_status()
    except httpx.HTTPError as exc:
        raise unavailable(config, exc) from exc


def _set_timeouts(client: Any, config: Location) -> None:
    """Give the HTTP client connect and read timeouts.

    chromadb's ``HttpClient`` (1.x) builds its ``httpx.Client`` with ``timeout=None`` and
    offers no setting for it, so a frozen server would hang every command; we set the
    session's timeout instead. A chromadb without that session is refused loudly rather
    than left without timeouts.
    """
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        raise StoreError("Phiên bản chromadb này không cho đặt thời gian chờ HTTP — "
                         "cài đúng phiên bản trong constraints.txt (pip install -c constraints.txt .).")
    session.timeout = _timeout(config)


def unavailable(config: Location, exc: BaseException) -> StoreUnavailableError:
    """What to tell people when the Chroma server refused, dropped or did not answer."""
    import httpx

    url = config.chroma_url
    if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
        return StoreUnavailableError(
            f"Máy chủ Chroma {url} không trả lời trong {config.chroma_read_timeout_s:g} s "
            "(đang treo hoặc quá tải) — kiểm tra tiến trình chroma run, khởi động lại nếu cần, "
            "rồi thử lại; tăng VANBAN_CHROMA_READ_TIMEOUT nếu máy chủ chỉ chậm.")
    return StoreUnavailableError(
        f"Không kết nối được máy chủ Chroma {url} ({type(exc).__name__}) — "
        "hãy khởi động máy chủ (chroma run --path <thư mục> --port <cổng>) và kiểm tra địa chỉ "
        "--chroma-url / VANBAN_CHROMA_URL, hoặc bỏ --chroma-url để dùng Chroma nhúng.")


class _Remote:
    """A Chroma client or collection on a server: network failures become ``StoreUnavailableError``.

    Without this a dead server surfaces as ``httpx.ConnectError`` (or ``[Errno 111]``)
    wherever the store happens to be used; with it every face shows one Vietnamese message.
    Collections returned by the client are wrapped too.
    """

    __slots__ = ("_config", "_target")

    def __init__(self, target: Any, config: Location) -> None:
        self._target = target
        self._config = config

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            import httpx

            for attempt in range(_TRANSIENT_TRIES):
                try:
                    result = value(*args, **kwargs)
                    break
                except httpx.TransportError as exc:
                    raise unavailable(self._config, exc) from exc
                except Exception as exc:
                    if (name not in _READS or not _transient(exc)
                            or attempt == _TRANSIENT_TRIES - 1):
                        raise
                    time.sleep(min(1.0, 0.05 * 2 ** attempt))
            return _Remote(result, self._config) if hasattr(result, "upsert") else result

        return call


# A Chroma server reading a collection whose vector segment another client's write is
# still creating answers "Error creating hnsw segment reader: Nothing found on disk";
# the same read a moment later succeeds. Reads only: a write is never sent twice.
_READS = frozenset({"get", "query", "count", "peek"})
_TRANSIENT_TRIES = 8  # ~3 s of waiting in all


def _transient(exc: Exception) -> bool:
    """Whether a Chroma server error is the passing one above.

    >>> _transient(RuntimeError("Error creating hnsw segment reader: Nothing found on disk"))
    True
    >>> _transient(RuntimeError("Collection [x] does not exist"))
    False
    """
    return "Nothing found on disk" in str(exc)


def read_generation(db_path: Path) -> str:
    """The embedded index's write marker: changes with every write by any process ("" if none yet).

    Cheap (one small file, no Chroma): a reader that finds it unchanged knows the index is too.
    """
    try:
        return (db_path / "chroma" / GENERATION_FILE).read_text(encoding="utf-8")
    except OSError:
        return ""


class Store:
    """Clause vectors and the document registry; see the module docstring.

    >>> import tempfile, types
    >>> from index.chunks import chunks_from_document
    >>> from index.embedders import FakeEmbedder, embed_chunks
    >>> from ingest.parse import parse_file
    >>> doc = parse_file(Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx")
    >>> chunks, fake, tmp = chunks_from_document(doc), FakeEmbedder(), tempfile.TemporaryDirectory()
    >>> store = Store.open(types.SimpleNamespace(db_path=Path(tmp.name), chroma_url=None), fake)
    >>> record = store.put_document(doc, chunks, embed_chunks(fake, chunks))
    >>> [(r.name, r.clauses) for r in store.documents()]
    [('Công văn 612/SCT-QLCN', 8)]
    >>> tmp.cleanup()
    """

    def __init__(self, config: Location, client: Any, chunks: Any, registry: Any) -> None:
        self.config = config
        self.client = client
        self._chunks = chunks
        self._registry = registry
        self._records: dict[str, DocRecord] = {}
        self._by_doc_id: dict[str, DocRecord] = {}
        self._revision: str | None = None
        self._checked_at = 0.0  # time.monotonic() of the last revision check
        self._carry: dict[str, np.ndarray] = {}  # vectors kept across --rebuild
        self._lock = None if config.chroma_url else _process_lock(config.db_path)
        self._generation = self._read_generation()
        self.on_wait: WaitFn | None = None  # told when another writer holds the lock

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, config: Location, embedder: NamedEmbedder | None = None,
             rebuild: bool = False, on_wait: WaitFn | None = None) -> Store:
        """Open (or create) the store; refuse an index built with another embedder.

        ``rebuild`` drops every document first (vectors are kept in memory for
        re-use when the embedder is the same), under the writer lock. Leftovers
        of a crashed writer are deleted here only when no writer is running
        (embedded: the lock is free; server: intents older than the grace period).
        """
        lock = None if config.chroma_url else _process_lock(config.db_path)
        # Two processes creating the same new folder would both run Chroma's schema
        # setup ("table collections already exists"): creation is a writer's job too.
        locked = lock if lock is not None and (rebuild or not _chroma_exists(config.db_path)) else None
        if locked is not None:
            locked.acquire(WRITER_WAIT_S, on_wait, str(config.db_path))
        try:
            client = _connect(config, fresh=lock is not None)
            carry = _drop_all(client, embedder) if rebuild else {}
            store = cls._attach(config, client, embedder)
            store.on_wait = on_wait
            store._carry = carry
            if rebuild:
                store._bump_generation()
            if locked is not None and not _chroma_exists(config.db_path):
                (config.db_path / "chroma" / CREATED_MARK).touch()
        finally:
            if locked is not None:
                locked.release()
        store.cleanup_if_idle()
        return store

    @classmethod
    def _attach(cls, config: Location, client: Any, embedder: NamedEmbedder | None) -> Store:
        chunks = client.get_or_create_collection(
            CHUNKS, embedding_function=None, configuration={"hnsw": HNSW},
            metadata=_embedder_meta(embedder))
        registry = client.get_or_create_collection(REGISTRY, embedding_function=None)
        store = cls(config, client, chunks, registry)
        if embedder is not None:
            store.bind(embedder)
        return store

    @property
    def location(self) -> str:
        return self.config.chroma_url or str(self.config.db_path)

    @property
    def embedder_name(self) -> str:
        return str((self._chunks.metadata or {}).get("embedder", ""))

    @property
    def dim(self) -> int:
        return int((self._chunks.metadata or {}).get("dim", 0))

    @property
    def embedder_key(self) -> str:
        """``name/dim`` of the embedder the index was built with ("" while unclaimed)."""
        return f"{self.embedder_name}/{self.dim}" if self.embedder_name else ""

    def bind(self, embedder: NamedEmbedder) -> None:
        """Check ``embedder`` against the one the index was built with (claiming a new index)."""
        stored = self.embedder_name
        if not stored:
            with self.writing():
                self._chunks.modify(metadata=_embedder_meta(embedder))
            return
        if stored != embedder.name or (self.dim and self.dim != embedder.dim):
            raise EmbedderMismatchError(
                f"Chỉ mục {self.location} được tạo bằng mô hình nhúng '{stored}' ({self.dim} chiều), "
                f"khác với mô hình đang dùng '{embedder.name}' ({embedder.dim} chiều). "
                f"Hãy dựng lại chỉ mục: vanban ingest --rebuild <thư mục văn bản> --embedder "
                f"<mô hình> (hoặc xoá thư mục {self.config.db_path}), "
                f"hoặc dùng lại mô hình cũ (VANBAN_EMBEDDER / --embedder)."
            )

    # -- one writer ----------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, timeout: float = WRITER_WAIT_S, bump: bool = True) -> Iterator[None]:
        """Hold the writer lock (embedded mode; re-entrant) and bump the generation after
        (``bump=False`` when the section writes nothing to Chroma).

        A second process waits (``on_wait`` is told once), then gets a ``StoreError``
        naming the server mode. On a Chroma server this does nothing: the server
        orders the writes itself.
        """
        if self._lock is None:
            yield
            return
        self._lock.acquire(timeout, self.on_wait, self.location)
        try:
            self._sync()
            yield
        finally:
            try:
                if bump:
                    self._bump_generation()
            finally:
                self._lock.release()

    def try_writing(self) -> contextlib.AbstractContextManager[bool]:
        """The writer lock if it is free right now: yields whether it was taken (for
        sections that write no Chroma record, so the generation is not bumped)."""
        return self._try_writing()

    @contextlib.contextmanager
    def _try_writing(self) -> Iterator[bool]:
        if self._lock is None:
            yield True
            return
        if not self._lock.acquire(0, None, self.location, blocking=False):
            yield False
            return
        try:
            self._sync()
            yield True
        finally:
            self._lock.release()

    def _generation_path(self) -> Path:
        return self.config.db_path / "chroma" / GENERATION_FILE

    def _read_generation(self) -> str:
        return "" if self.config.chroma_url else read_generation(self.config.db_path)

    def _bump_generation(self) -> None:
        if self.config.chroma_url:
            return
        token = uuid.uuid4().hex
        path = self._generation_path()
        tmp = path.with_name(f"{GENERATION_FILE}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(token, encoding="utf-8")
        os.replace(tmp, path)
        self._generation = token

    def _sync(self) -> None:
        """Reconnect when another Chroma client (process) wrote since we last looked.

        Embedded Chroma keeps the vector index in each process's memory; reading
        or writing through a stale one loses rows or fails (``Error finding id``).
        """
        if self.config.chroma_url:
            return
        current = self._read_generation()
        if current == self._generation:
            return
        client = _connect(self.config, fresh=True)
        self.client = client
        self._chunks = client.get_or_create_collection(CHUNKS, embedding_function=None)
        self._registry = client.get_or_create_collection(REGISTRY, embedding_function=None)
        self._generation = current
        self._revision = None

    # -- the registry ------------------------------------------------------------

    def _refresh(self, max_age: float = 0.0) -> None:
        """Reload the registry when another writer (or this one) changed it.

        ``max_age`` > 0 skips the revision round trip when the last check is
        younger than that many seconds. Writes through this object reset the
        revision, so they are always seen at once; only another process's
        writes may be seen up to ``max_age`` late.
        """
        now = time.monotonic()
        if self._revision is not None and max_age > 0 and now - self._checked_at < max_age:
            return
        self._checked_at = now
        self._sync()
        revision = self._current_revision()
        if revision == self._revision and self._revision is not None:
            return
        records: dict[str, DocRecord] = {}
        fixes = corrections.load(self.config.db_path)
        for _, meta in self._registry_rows({"kind": "doc"}):
            rec = _record_from_meta({**meta, "corrected": ""})
            records[rec.file] = corrections.fix_record(rec, fixes.get(rec.doc_id))
        self._records, self._revision = records, revision
        self._by_doc_id = {r.doc_id: r for r in records.values()}

    def _fixed(self, chunk: Chunk) -> Chunk:
        """A stored clause with its document's corrected header fields, if any."""
        return corrections.fix_chunk(chunk, self._by_doc_id.get(chunk.doc_id))

    def _current_revision(self) -> str:
        got = self._registry.get(ids=[REVISION_ID], include=["metadatas"])
        metas = got.get("metadatas") or []
        return str(metas[0].get("rev")) if metas else ""

    def _registry_rows(self, where: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        got = self._registry.get(where=where, include=["metadatas"])
        return list(zip(got["ids"], got.get("metadatas") or [], strict=True))

    def _bump(self) -> dict[str, Any]:
        return {"kind": "meta", "rev": uuid.uuid4().hex}

    def documents(self) -> list[DocRecord]:
        """Every registered document, by file name."""
        self._refresh()
        return sorted(self._records.values(), key=lambda r: r.file)

    def find(self, file_or_id: str) -> DocRecord | None:
        """The record for a file name (or path), a doc id, or a doc-id prefix of ≥ 6 characters."""
        self._refresh()
        key = file_or_id.strip()
        by_name = self._records.get(Path(key).name)
        if by_name:
            return by_name
        matches = [r for r in self._records.values()
                   if r.doc_id == key or (len(key) >= 6 and r.doc_id.startswith(key))]
        return matches[0] if len(matches) == 1 else None

    def find_doc_id(self, doc_id: str) -> DocRecord | None:
        """The record holding ``doc_id`` (the same content under any file name)."""
        self._refresh()
        return next((r for r in self._records.values() if r.doc_id == doc_id), None)

    def visible_doc_ids(self, filters: SearchFilters | None = None, max_age: float = 0.0) -> set[str]:
        """Doc ids search may return: registered, stored OK, and accepted by ``filters``
        (``max_age``: see ``_refresh``)."""
        self._refresh(max_age)
        return _visible(self._records.values(), filters)

    def signature(self, max_age: float = 0.0) -> str:
        """Changes whenever the set of visible documents changes (for the BM25 cache).

        ``max_age``: accept a registry checked at most that many seconds ago (see ``_refresh``).
        """
        self._refresh(max_age)
        return _signature(self._records.values())

    def revision(self, max_age: float = 0.0) -> str:
        """A token that changes with every write to the registry (``max_age``: see ``_refresh``)."""
        self._refresh(max_age)
        return self._revision or ""

    # -- writing -----------------------------------------------------------------

    def put_document(self, doc: Document, chunks: Sequence[Chunk] | None = None,
                     vectors: np.ndarray | None = None, sha256: str = "",
                     extraction: Extraction | None = None) -> DocRecord:
        """Store a document's clauses and assignments, then make it visible, replacing the
        file's old version (under the writer lock).

        Order matters for crash safety: intents → chunks → registry flip (the record
        with its assignments) → delete the old version → drop intents. ``extraction``
        defaults to ``extract(doc)`` when the document has clauses to store.
        """
        chunks = list(chunks_from_document(doc) if chunks is None else chunks)
        return self.put_documents([(doc, chunks, vectors, sha256, extraction)])[0]

    def put_documents(self, items: Sequence[tuple[Document, Sequence[Chunk], np.ndarray | None, str,
                                                  Extraction | None]]) -> list[DocRecord]:
        """``put_document`` for many documents at once (document, chunks, vectors, sha256,
        extraction), in a few large Chroma writes instead of several per document.

        Each document is still all-or-nothing: its chunks are written before the one
        registry upsert that makes every document of the batch visible. A batch with a
        conflict (content already stored under another name, or twice in the batch) is
        refused whole before anything is written.
        """
        prepared = []
        for doc, chunks, vectors, sha256, extraction in items:
            got = extraction if extraction is not None else extract(doc) if chunks else Extraction(status="")
            prepared.append((doc, list(chunks), _as_matrix(vectors, len(chunks)), sha256, got))
        if not prepared:
            return []
        with self.writing():
            dims = {v.shape[1] for _, c, v, _, _ in prepared if c}
            for dim in dims:
                self._check_dim(dim)
            self._refresh()
            olds = self._plan(prepared)
            for old in [o for o in olds if o is not None and o.doc_id in {p[0].doc_id for p in prepared}]:
                # Same content stored again (e.g. after a parser change): hide the
                # old version first, since its chunk ids would be overwritten in place.
                self._unregister(old)
            replaced = {o.doc_id for o in olds if o is not None} - {p[0].doc_id for p in prepared}
            stale = {p[0].doc_id for p in prepared} | replaced
            self._intend(stale)
            self._chunks.delete(where=_in("doc_id", [p[0].doc_id for p in prepared]))  # crash leftovers
            rows = [c for _, chunks, _, _, _ in prepared for c in chunks]
            if rows:
                self._add_chunks(rows, np.concatenate([v for _, c, v, _, _ in prepared if c]))
            records = [doc_record(doc, len(chunks), sha256, got) for doc, chunks, _, sha256, got in prepared]
            self._flip(records, [got.assignments for *_, got in prepared])
            if replaced:
                self._chunks.delete(where=_in("doc_id", replaced))
            self._registry.delete(ids=[f"pending:{d}" for d in sorted(stale)])
            if any(o is not None for o in olds):
                self.prune_originals()
        return records

    def _plan(self, prepared: Sequence[tuple[Document, list[Chunk], np.ndarray, str, Extraction]]
              ) -> list[DocRecord | None]:
        """The stored version each document replaces (None: a new file); ``StoreError`` when
        a document's content is stored under another file name, or comes twice."""
        names: dict[str, str] = {}
        seen: set[str] = set()
        for doc, chunks, *_ in prepared:  # the registry was refreshed once by the caller
            name = Path(doc.file).name
            owner = self._by_doc_id.get(doc.doc_id)
            if owner and owner.file != name and (chunks or owner.clauses):
                raise StoreError(f"{name}: nội dung trùng với tệp đã nạp "
                                 f"{owner.file} — không nạp lại lần nữa.")
            if names.setdefault(doc.doc_id, name) != name or name in seen:
                raise StoreError(f"{name}: có hai lần trong cùng một lượt ghi (trùng tên hoặc trùng "
                                 f"nội dung với {names[doc.doc_id]}) — nạp từng tệp một lần.")
            seen.add(name)
        return [self._records.get(Path(doc.file).name) for doc, *_ in prepared]

    def _check_dim(self, dim: int) -> None:
        if self.dim and dim != self.dim:
            raise EmbedderMismatchError(
                f"Chỉ mục {self.location} dùng vectơ {self.dim} chiều, vectơ mới có {dim} chiều — "
                "hãy chạy vanban ingest --rebuild <thư mục văn bản>."
            )
        if not self.dim:
            meta = dict(self._chunks.metadata or {})
            meta["dim"] = dim
            self._chunks.modify(metadata=meta)

    def _intend(self, doc_ids: Iterable[str]) -> None:
        ids = sorted(doc_ids)
        meta = [{"kind": "pending", "doc_id": d, "at": time.time()} for d in ids]
        self._registry.upsert(ids=[f"pending:{d}" for d in ids], embeddings=[_DUMMY] * len(ids),
                              metadatas=meta)

    def _add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Write chunk records in the largest batches Chroma takes (a write costs mostly per call).

        ``add``, not ``upsert``: the caller has just deleted every record of these doc ids
        (chunk ids start with their doc id), so the ids are new and Chroma need not look
        each one up first (~10 % of the write).
        """
        step = max(1, int(self.client.get_max_batch_size()))
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self._chunks.add(ids=[c.id for c in part], embeddings=vectors[i : i + step],
                             metadatas=[chunk_metadata(c) for c in part])

    def _flip(self, records: Sequence[DocRecord], assignments: Sequence[Sequence[Assignment]]) -> None:
        """The single write that makes documents and their assignments visible (one upsert)."""
        metas: list[dict[str, Any]] = [{"kind": "doc", **asdict(r)} for r in records]
        self._registry.upsert(ids=[record_key(r.file) for r in records] + [REVISION_ID],
                              embeddings=[_DUMMY] * (len(records) + 1), metadatas=[*metas, self._bump()],
                              documents=[*(assignments_json(a) for a in assignments), ""])
        self._revision = None  # force a reload on next read

    def remove(self, file_or_id: str) -> int:
        """Remove a document (by file name or doc id); returns the number of clauses removed."""
        with self.writing():
            record = self.find(file_or_id)
            if record is None:
                return 0
            self._unregister(record)
            self.cleanup()
            self.prune_originals()
        return record.clauses

    def correct(self, file_or_id: str, fix: corrections.Correction | None) -> DocRecord | None:
        """Store a hand correction of a document's header fields, on top of any earlier one
        (``None`` drops its corrections); the corrected record, None when not found.

        Kept in ``<db>/corrections.json`` by doc id, so it outlives re-ingesting the file;
        the revision is bumped so every reader sees it at once.
        """
        with self.writing():
            record = self.find(file_or_id)
            if record is None:
                return None
            fixes = corrections.load(self.config.db_path)
            if fix is None:
                fixes.pop(record.doc_id, None)
            else:
                fixes[record.doc_id] = fix.over(fixes.get(record.doc_id))
            corrections.save(self.config.db_path, fixes)
            self._registry.upsert(ids=[REVISION_ID], embeddings=[_DUMMY], metadatas=[self._bump()])
            self._revision = None
            return self.find(record.file)

    def prune_originals(self) -> int:
        """Delete the kept original files no registered document uses (``index.originals``)."""
        self._revision = None
        live = {r.sha256 for r in self.documents()}
        return originals.prune(self.config.db_path, live, 600.0 if self.config.chroma_url else 0.0)

    def _unregister(self, record: DocRecord) -> None:
        """Hide a document (its chunks become orphans that ``cleanup`` deletes)."""
        self._intend([record.doc_id])
        self._registry.delete(ids=[record_key(record.file)])
        self._registry.upsert(ids=[REVISION_ID], embeddings=[_DUMMY], metadatas=[self._bump()])
        self._revision = None

    def cleanup_if_idle(self) -> int:
        """``cleanup`` when no writer can be mid-write; else nothing (a reader never deletes).

        Embedded: only if the writer lock is free right now (then every intent is a
        crash leftover). Server: intents older than the grace period.
        """
        if self.config.chroma_url:
            return self.cleanup()
        with self.try_writing() as mine:
            if not mine or not self._registry_rows({"kind": "pending"}):
                return 0
            with self.writing():
                return self.cleanup()

    def cleanup(self, grace: float | None = None) -> int:
        """Delete chunks of pending doc ids that no registered document uses; returns how many ids.

        Embedded Chroma: call only under the writer lock (``writing``), where every
        intent is a crash leftover. On a server another client may be mid-ingest:
        only intents older than ``grace`` seconds (default 10 minutes) are treated
        as abandoned.
        """
        if grace is None:
            grace = 600.0 if self.config.chroma_url else 0.0
        cutoff = time.time() - grace
        pending = [(rid, m) for rid, m in self._registry_rows({"kind": "pending"})
                   if float(m.get("at", 0.0)) <= cutoff]
        if not pending:
            return 0
        self._revision = None
        self._refresh()
        live = {r.doc_id for r in self._records.values()}
        for _, meta in pending:
            if meta["doc_id"] not in live:
                self._chunks.delete(where={"doc_id": meta["doc_id"]})
        self._registry.delete(ids=[rid for rid, _ in pending])
        return len(pending)

    # -- checking ----------------------------------------------------------------

    def stored_clauses(self, doc_id: str) -> int:
        """How many chunk records are stored under ``doc_id`` (visible or not)."""
        self._sync()
        return len(self._chunks.get(where={"doc_id": doc_id}, include=[])["ids"])

    def is_complete(self, record: DocRecord) -> bool:
        """Whether a record's clauses and assignments are all stored (``vanban check``)."""
        stored = self.stored_clauses(record.doc_id) if record.status == "ok" else 0
        return DocCheck(record, stored, self._stored_assignments(record)).ok

    def _stored_assignments(self, record: DocRecord) -> int | None:
        got = self._registry.get(ids=[record_key(record.file)], include=["documents"])
        docs = got.get("documents") or []
        return len(assignments_from_json(docs[0])) if docs and docs[0] is not None else None

    def check(self) -> tuple[list[DocCheck], int]:
        """Every registered document checked against its stored content, and how many
        chunk records belong to no registered document (crash leftovers)."""
        self._refresh()
        counts: dict[str, int] = {}
        for meta in self._pages(include=["metadatas"]):
            counts[str(meta["doc_id"])] = counts.get(str(meta["doc_id"]), 0) + 1
        got = self._registry.get(where={"kind": "doc"}, include=["metadatas", "documents"])
        stored = {str(m["file"]): (len(assignments_from_json(d)) if d is not None else None)
                  for m, d in zip(got.get("metadatas") or [], got.get("documents") or [], strict=True)}
        checks = [DocCheck(r, counts.get(r.doc_id, 0), stored.get(r.file))
                  for r in sorted(self._records.values(), key=lambda r: r.file)]
        live = {r.doc_id for r in self._records.values()}
        return checks, sum(n for d, n in counts.items() if d not in live)

    def delete_orphans(self) -> int:
        """Delete chunk records of unregistered doc ids (embedded mode, under the writer lock)."""
        with self.writing():
            self._refresh()
            live = {r.doc_id for r in self._records.values()}
            orphans = {str(m["doc_id"]) for m in self._pages(include=["metadatas"])} - live
            for doc_id in sorted(orphans):
                self._chunks.delete(where={"doc_id": doc_id})
            self._registry.delete(where={"kind": "pending"})
        return len(orphans)

    def _pages(self, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            got = self._chunks.get(limit=_PAGE, offset=offset, include=include)
            yield from got.get("metadatas") or []
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    # -- reading -----------------------------------------------------------------

    def count(self) -> int:
        """Number of chunk records, visible or not."""
        self._sync()
        return int(self._chunks.count())

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]:
        """Every visible chunk (accepted by ``filters``), in storage order."""
        allowed = self.visible_doc_ids(filters)
        if not allowed:
            return []
        where = None if filters is None or filters.empty else _in("doc_id", allowed)
        out: list[Chunk] = []
        offset = 0
        while True:
            got = self._chunks.get(where=where, limit=_PAGE, offset=offset,
                                   include=["metadatas", "documents"])
            rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
            out += [self._fixed(chunk_from_record(i, t, m)) for i, t, m in rows
                    if m["doc_id"] in allowed]
            if len(got["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def chunk_vectors(self) -> tuple[list[Chunk], np.ndarray]:
        """Every visible chunk in storage order, with its stored vector (row i ↔ chunk i)."""
        return self._chunk_vectors(self.visible_doc_ids())

    def _chunk_vectors(self, allowed: set[str], by_doc: bool = False) -> tuple[list[Chunk], np.ndarray]:
        """``by_doc``: ask Chroma for just these doc ids (few new documents in a big index)
        instead of paging through every chunk."""
        out: list[Chunk] = []
        parts = [np.zeros((0, self.dim), dtype=np.float32)]
        offset = 0
        where = _in("doc_id", allowed) if by_doc and len(allowed) > 1 else \
            {"doc_id": next(iter(allowed))} if by_doc and allowed else None
        while allowed:
            got = self._chunks.get(where=where, limit=_PAGE, offset=offset,
                                   include=["metadatas", "documents", "embeddings"])
            keep = [m["doc_id"] in allowed for m in got["metadatas"] or []]
            out += [self._fixed(chunk_from_record(i, t, m)) for i, t, m, k
                    in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], keep, strict=True) if k]
            if got["ids"]:  # float32 page by page: a 100k index never holds a float64 copy
                parts.append(np.asarray(_rows(got), dtype=np.float32)[np.asarray(keep, dtype=bool)])
            if len(got["ids"]) < _PAGE:
                break
            offset += _PAGE
        return out, np.concatenate(parts[1:]) if len(parts) > 1 else parts[0]

    def state(self, base: IndexState | None = None) -> IndexState:
        """One consistent read of everything search and answers need, for one registry revision.

        Chunks and vectors are read once, with the records and assignments of the same
        revision; a read that raced another process's write (revision moved, or a
        document's stored count differs from its record) is retried on a fresh client.
        ``base``: an earlier state whose rows are kept for the document versions it
        already holds, so only new documents are read from Chroma (``reused`` names them).
        """
        last: Exception | None = None
        for attempt in range(_READ_ATTEMPTS):
            try:
                got = self._read_state(base)
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001 — Chroma mid-write in another process
                got, last = None, exc
            if got is not None:
                return got
            time.sleep(0.05 * (attempt + 1))
            self._generation = ""  # reconnect before the next attempt
            self._sync()
        raise StoreError(f"Chỉ mục {self.location}: không đọc được một trạng thái nhất quán "
                         f"({type(last).__name__ if last else 'đang có tiến trình ghi'}) — "
                         "hãy thử lại, hoặc chạy vanban check.") from last

    def _read_state(self, base: IndexState | None = None) -> IndexState | None:
        # Read before the state: a write that lands after it changes the marker, so a state
        # saved under this marker is never newer than the marker says (``index.saved``).
        generation = self._read_generation()
        self._revision = None
        self._refresh()
        revision, records = self._revision, tuple(self._records.values())
        allowed = _visible(records)
        reused = reusable(base, [r for r in records if r.doc_id in allowed])
        wanted = allowed - reused
        # Few new documents: ask for them by id; many: one pass over every page.
        chunks, vectors = self._chunk_vectors(wanted, by_doc=bool(reused) and len(wanted) <= _BY_DOC_MAX)
        got = self._registry.get(where={"kind": "doc"}, include=["metadatas", "documents"]) \
            if allowed else {"metadatas": [], "documents": []}
        if self._current_revision() != revision:
            return None
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        if any(counts.get(r.doc_id, 0) != r.clauses for r in records if r.doc_id in wanted):
            return None
        assignments = {str(m["doc_id"]): [corrections.fix_assignment(a, self._by_doc_id.get(str(m["doc_id"])))
                                          for a in assignments_from_json(d)]
                       for m, d in zip(got.get("metadatas") or [], got.get("documents") or [], strict=True)
                       if str(m["doc_id"]) in allowed}
        state = IndexState(_signature(records), revision or "", records, chunks, vectors, assignments,
                           frozenset(reused), generation)
        return merged(base, state) if base is not None and reused else state

    def cached_vectors(self, text_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors of texts already embedded with this model, by ``Chunk.text_hash``."""
        self._sync()
        wanted = sorted(set(text_hashes))
        found = {h: self._carry[h] for h in wanted if h in self._carry}
        todo = [h for h in wanted if h not in found]
        for i in range(0, len(todo), 500):
            got = self._chunks.get(where=_in("text_hash", todo[i : i + 500]),
                                   include=["metadatas", "embeddings"])
            for meta, vec in zip(got["metadatas"] or [], _rows(got), strict=True):
                found[str(meta["text_hash"])] = np.asarray(vec, dtype=np.float32)
        return found


def _visible(records: Iterable[DocRecord], filters: SearchFilters | None = None) -> set[str]:
    return {r.doc_id for r in records
            if r.status == "ok" and r.clauses > 0
            and (filters is None or filters.accepts(r.as_filter_probe()))}


def _signature(records: Iterable[DocRecord]) -> str:
    return "|".join(sorted(f"{r.file}={r.doc_id}" for r in records))


def _rows(got: dict[str, Any]) -> list[Any]:
    embs = got.get("embeddings")
    return [] if embs is None else list(embs)


def _in(key: str, values: Iterable[str]) -> dict[str, Any]:
    return {key: {"$in": sorted(values)}}


def _embedder_meta(embedder: NamedEmbedder | None) -> dict[str, Any]:
    # An index opened without a model (vanban list) stays unclaimed until the first ingest.
    if embedder is None:
        return {"embedder": "", "dim": 0}
    return {"embedder": embedder.name, "dim": int(embedder.dim)}


def _as_matrix(vectors: np.ndarray | None, n: int) -> np.ndarray:
    if vectors is None:
        if n:
            raise StoreError("put_document: thiếu vectơ cho các điều khoản.")
        return np.zeros((0, 0), dtype=np.float32)
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[0] != n:
        raise StoreError(f"put_document: {n} điều khoản nhưng vectơ có dạng {arr.shape}.")
    return arr


def _drop_all(client: Any, embedder: NamedEmbedder | None) -> dict[str, np.ndarray]:
    """Delete both collections; keep the old vectors when the model is the same."""
    carry: dict[str, np.ndarray] = {}
    try:
        old = client.get_collection(CHUNKS, embedding_function=None)
    except StoreUnavailableError:
        raise
    except Exception:  # no collection yet: nothing to keep
        old = None
    if old is not None and embedder is not None and (old.metadata or {}).get("embedder") == embedder.name:
        offset = 0
        while True:
            got = old.get(limit=_PAGE, offset=offset, include=["metadatas", "embeddings"])
            for meta, vec in zip(got["metadatas"] or [], _rows(got), strict=True):
                carry[str(meta["text_hash"])] = np.asarray(vec, dtype=np.float32)
            if len(got["ids"]) < _PAGE:
                break
            offset += _PAGE
    for name in (CHUNKS, REGISTRY):
        try:
            client.delete_collection(name)
        except StoreUnavailableError:
            raise
        except Exception:  # absent: nothing to drop
            pass
    return carry
