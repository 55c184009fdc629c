"""Idempotent ingestion: files → parsed documents → chunks → vectors → store, then BM25.

Per file: hash the bytes; if the store already holds that exact file, stop
("unchanged", nothing parsed or embedded). Otherwise parse, chunk, take the
vectors of clause texts the store already has (``Store.cached_vectors``), embed
the rest; the documents ready are written in groups (``GroupWriter``: one
``Store.put_documents`` per group, each document still visible whole or not at
all), each replacing its file's old version. One bad file yields a
``FileResult`` with status ``error``; the batch goes on.
After the batch the BM25 index in the db directory is rebuilt if the set of
documents changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from index import originals
from index.chunks import Chunk, chunks_from_document
from index.embedders import Embedder
from index.embedders import embed_chunks as embed_windows
from index.errors import EmbedderMismatchError, StoreError, StoreUnavailableError
from index.lexical import META_FILE, LexicalIndex, fingerprint
from index.store import DocRecord, Extraction, Store
from ingest.bounded import Bounded, ReadLimits, parse_bounded
from ingest.form import structure_problem
from ingest.model import Document

FileStatus = Literal["ingested", "unchanged", "replaced", "needs_ocr", "unreadable", "no_structure",
                     "error", "skipped"]
FILE_STATUSES: tuple[FileStatus, ...] = (
    "ingested", "unchanged", "replaced", "needs_ocr", "unreadable", "no_structure", "error",
    "skipped")
# .doc/.odt/.rtf go through LibreOffice; .json: law corpora (ALQAC shape)
EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".json")
EMBED_BATCH = 64
# Files are written in groups (``GroupWriter``): a Chroma write costs mostly per call, so one
# ``put_documents`` of many documents is several times faster than one per document.
WRITE_GROUP_CLAUSES = 5000
WRITE_GROUP_WAIT_S = 2.0  # a ready document waits at most about this long to become visible
LEXICAL_DIR = "lexical"
SIGNATURE_FILE = "store-signature.txt"


@dataclass(frozen=True)
class FileResult:
    """What happened to one file; ``message`` is Vietnamese and says what to do."""

    file: str
    status: FileStatus
    message: str = ""
    clauses: int = 0
    seconds: float = 0.0
    doc_id: str = ""
    peak_rss_mb: float = 0.0  # of the worker that read the file (0 when none was needed)


@dataclass(frozen=True)
class Progress:
    """Sent to the ``progress`` callback after each file and each embedding batch."""

    files_done: int
    files_total: int
    clauses: int  # clauses stored so far in this batch
    current: str  # file being processed


ProgressFn = Callable[[Progress], None]


SkipReason = Literal["unsupported", "hidden", "temporary", "special", "broken_link",
                     "symlink_loop", "unreadable", "symlinked_dir", "not_found"]
# Reasons that are a fault to fix (status "error"); the others are deliberate ("skipped").
PROBLEM_REASONS: frozenset[SkipReason] = frozenset(
    {"broken_link", "symlink_loop", "unreadable", "not_found"})


@dataclass(frozen=True)
class Skipped:
    """A path the walk did not hand to a reader, and why (``message`` is Vietnamese)."""

    path: Path
    reason: SkipReason
    message: str

    @property
    def problem(self) -> bool:
        return self.reason in PROBLEM_REASONS


@dataclass(frozen=True)
class Discovery:
    """What a walk found: the files to read, and every path it passed over."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...] = ()


def _link_fault(path: Path) -> Skipped | None:
    """A broken link, a link loop or a path that cannot be stat'ed; ``None`` when fine."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return Skipped(path, "symlink_loop", "liên kết tượng trưng vòng lặp (trỏ về chính nó) — "
                           "bỏ qua; hãy xoá hoặc sửa liên kết")
        if path.is_symlink():
            target = os.readlink(path)
            return Skipped(path, "broken_link", f"liên kết tượng trưng hỏng (trỏ tới {target} không "
                           "tồn tại) — bỏ qua; hãy sửa liên kết hoặc nạp tệp gốc")
        if err.errno == errno.ENOENT:
            return Skipped(path, "not_found", f"không tìm thấy tệp {path} — kiểm tra lại đường dẫn")
        return _unreadable(path, err)
    return None


def _unreadable(path: Path, err: OSError) -> Skipped:
    return Skipped(path, "unreadable", f"không đọc được ({err.strerror or err}) — "
                   "kiểm tra quyền truy cập rồi nạp lại")


def _is_temporary(name: str) -> bool:
    """Office lock/owner files (``~$bao-cao.docx``) and editor backups (``x.txt~``)."""
    return name.startswith("~$") or name.endswith("~") or name.lower().endswith(".tmp")


class _Walk:
    """One recursive folder walk that records every entry it does not take."""

    def __init__(self, follow_symlinks: bool) -> None:
        self.follow = follow_symlinks
        self.files: list[Path] = []
        self.skipped: list[Skipped] = []
        self.seen_dirs: set[tuple[int, int]] = set()

    def skip(self, path: Path, reason: SkipReason, message: str) -> None:
        self.skipped.append(Skipped(path, reason, message))

    def folder(self, folder: Path) -> None:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in self.seen_dirs:  # a followed link back to an ancestor
            self.skip(folder, "symlink_loop", "thư mục liên kết vòng lặp (trỏ về thư mục đã duyệt) "
                      "— bỏ qua")
            return
        self.seen_dirs.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            self.skipped.append(_unreadable(folder, err))
            return
        for entry in entries:
            self.entry(Path(entry.path))

    def entry(self, path: Path) -> None:
        name = path.name
        if name.startswith("."):
            self.skip(path, "hidden", "tệp/thư mục ẩn — bỏ qua")
            return
        if (fault := _link_fault(path)) is not None:
            self.skipped.append(fault)
            return
        if path.is_dir():
            if path.is_symlink() and not self.follow:
                self.skip(path, "symlinked_dir", "thư mục là liên kết tượng trưng, không duyệt theo "
                          "(mặc định) — bỏ qua; hãy nạp trực tiếp thư mục gốc của nó, hoặc "
                          "dùng --follow-symlinks (VANBAN_FOLLOW_SYMLINKS=1)")
                return
            self.folder(path)
        elif not path.is_file():
            self.skip(path, "special", "không phải tệp thường (thiết bị, ống, socket) — bỏ qua")
        elif _is_temporary(name):
            self.skip(path, "temporary", "tệp tạm của Word/trình soạn thảo — bỏ qua")
        elif path.suffix.lower() not in EXTENSIONS:
            shown = path.suffix.lower() or "(không có đuôi)"
            self.skip(path, "unsupported", f"định dạng {shown} không được hỗ trợ — bỏ qua")
        elif not os.access(path, os.R_OK):
            self.skipped.append(_unreadable(path, PermissionError(errno.EACCES, "Permission denied")))
        else:
            self.files.append(path)


def walk(paths: Iterable[str | Path], *, follow_symlinks: bool = False) -> Discovery:
    """Files to ingest, and every path passed over with its reason.

    A folder contributes its supported files, recursively; hidden and temporary
    files, other extensions (``MANIFEST.tsv``), special files, broken links, link
    loops, unreadable entries and — unless ``follow_symlinks`` — symlinked
    folders are reported in ``skipped``. A file named explicitly is always tried,
    so an unsupported one gets its reader's clear error; a named broken link,
    link loop or missing path is reported as skipped, never raised.
    """
    w = _Walk(follow_symlinks)
    for raw in paths:
        p = Path(raw)
        if (fault := _link_fault(p)) is not None:
            w.skipped.append(fault)
        elif p.is_dir():
            w.folder(p)  # a folder named explicitly is read even through a link
        else:
            w.files.append(p)
    unique: dict[str, Path] = {}
    for f in w.files:
        unique.setdefault(os.path.realpath(f), f)  # the same file named twice is ingested once
    skipped: dict[str, Skipped] = {}
    for s in w.skipped:
        skipped.setdefault(os.path.abspath(s.path), s)  # a link named and met in its folder
    return Discovery(tuple(unique.values()), tuple(skipped.values()))


def discover(paths: Iterable[str | Path], *, follow_symlinks: bool = False) -> list[Path]:
    """The files of ``walk`` only; callers that show results should use ``walk``."""
    return list(walk(paths, follow_symlinks=follow_symlinks).files)


def skipped_result(entry: Skipped) -> FileResult:
    """The per-file result of a path the walk passed over: never silent."""
    return FileResult(entry.path.name, "error" if entry.problem else "skipped", entry.message)


def file_sha256(path: Path) -> str:
    """Hash of the file's bytes: equal hash ↔ nothing to do."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Bounded:
    """``ingest.parse.parse_file`` in a bounded worker process (``ingest.bounded``)."""
    return parse_bounded(path, limits, ocr=ocr)


def embed_chunks(chunks: Sequence[Chunk], store: Store, embedder: Embedder,
                 on_batch: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
    """Vectors for ``chunks`` (cached ones re-used); returns them and how many were embedded."""
    cached = store.cached_vectors(c.text_hash for c in chunks)
    todo = [i for i, c in enumerate(chunks) if c.text_hash not in cached]
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for i, c in enumerate(chunks):
        if c.text_hash in cached:
            vectors[i] = cached[c.text_hash]
    for start in range(0, len(todo), EMBED_BATCH):
        rows = todo[start : start + EMBED_BATCH]
        vectors[rows] = embed_windows(embedder, [chunks[i] for i in rows])
        if on_batch:
            on_batch(len(rows))
    return vectors, len(todo)


_PROBLEM: dict[str, FileStatus] = {"needs_ocr": "needs_ocr",
                                    "unreadable_text_layer": "unreadable",
                                    "no_structure": "no_structure", "error": "error"}


def _skip(path: Path, store: Store, sha: str, ocr: bool = False) -> FileResult | None:
    """A result when the file needs no work: same bytes already stored (under any name).

    With ``ocr`` a file remembered as a scan or garbled text layer is read again.
    """
    same_name = store.find(path.name)
    if same_name and same_name.sha256 == sha and not store.is_complete(same_name):
        same_name = None  # registered but stored content incomplete: ingest it again
    if (same_name and same_name.status == "ok" and same_name.sha256 == sha
            and originals.locate(store.config.db_path, sha) is None):
        same_name = None  # indexed before originals were kept: ingest it again to keep it
    if same_name and same_name.sha256 == sha:
        if ocr and same_name.status in ("needs_ocr", "unreadable_text_layer"):
            return None
        if same_name.status in _PROBLEM:  # known problem file: say so again, don't re-parse
            return FileResult(path.name, _PROBLEM[same_name.status],
                              f"{same_name.message} (tệp không đổi)", doc_id=same_name.doc_id)
        return FileResult(path.name, "unchanged", "đã có trong chỉ mục, không thay đổi",
                          same_name.clauses, doc_id=same_name.doc_id)
    twin = next((r for r in store.documents() if r.sha256 == sha and r.status == "ok"), None)
    if twin and twin.file != path.name:
        return FileResult(path.name, "unchanged",
                          f"nội dung trùng với tệp đã nạp {twin.file} — bỏ qua", 0,
                          doc_id=twin.doc_id)
    return None


def _without_name(message: str, name: str) -> str:
    """Parser messages start with the file name, which the result already shows."""
    return message[len(name) + 2 :] if message.startswith(f"{name}: ") else message


def _problem_message(doc: Document) -> str:
    name = Path(doc.file).name
    doc = dataclasses.replace(doc, message=_without_name(doc.message, name))
    if doc.status == "needs_ocr":
        return doc.message or "tệp là ảnh quét, không có lớp chữ — hãy nhận dạng chữ (OCR) rồi nạp lại"
    if doc.status == "unreadable_text_layer":
        return doc.message or "lớp chữ bị lỗi phông — hãy dùng bản .docx/.txt hoặc OCR lại rồi nạp lại"
    return doc.message or "không đọc được tệp"


def ingest_file(path: Path, store: Store, embedder: Embedder,
                on_batch: Callable[[int], None] | None = None, *, ocr: bool = False,
                limits: ReadLimits | None = None) -> FileResult:
    """Ingest one file; never raises for a bad file (``StoreError`` still propagates).

    The file is read in a worker process bounded by ``limits`` (``ingest.bounded``).
    """
    start = time.perf_counter()
    got = prepare_file(path, store, embedder, on_batch, ocr=ocr, limits=limits)
    result = got if isinstance(got, FileResult) else write_group(store, [got], ocr, recheck=False)[0]
    return dataclasses.replace(result, seconds=round(time.perf_counter() - start, 3))


def prepare_file(path: Path, store: Store, embedder: Embedder,
                 on_batch: Callable[[int], None] | None = None, *, ocr: bool = False,
                 limits: ReadLimits | None = None, key: int = 0,
                 admit: Callable[[str, str], None] | None = None) -> Ready | FileResult:
    """One file read, chunked and embedded, ready for the store; or its result when there
    is nothing to write (unchanged, a read error). Never raises for a bad file.

    ``admit(name, sha)`` is called before the file is checked against the store (see
    ``GroupWriter.admit``). A law corpus (``.json``) is written here, law by law.
    """
    start = time.perf_counter()
    try:
        if path.suffix.lower() == ".json":
            return _ingest_law_json(path, store, embedder, on_batch)
        if not path.is_file():
            return missing_file(path)
        sha = file_sha256(path)
        if admit is not None:
            admit(path.name, sha)
        return _skip(path, store, sha, ocr) or ready_for_store(
            path, sha, read_chunks(path, ocr, limits),
            lambda chunks: embed_chunks(chunks, store, embedder, on_batch), key=key, started=start)
    except StoreError:
        raise
    except Exception as exc:  # any parser/embedder failure is this file's problem only
        return FileResult(path.name, "error", f"lỗi khi nạp ({type(exc).__name__}: {exc})")


@dataclass(frozen=True)
class Prepared:
    """A file read, chunked, embedded and its assignments extracted: everything but the
    store write, so it can be done in a worker process (``index.parallel``)."""

    doc: Document
    chunks: list[Chunk]
    peak_rss_mb: float
    vectors: np.ndarray | None = None  # None: embed in the writer (cached vectors re-used)
    extraction: Extraction | None = None


@dataclass(frozen=True)
class Ready:
    """A prepared file with everything the store write needs, waiting for its group
    (``GroupWriter``). A problem file (a scan, no structure) is written too: its record
    without clauses, so ``vanban list`` shows what needs doing."""

    path: Path
    sha: str
    doc: Document  # a problem file's message already worded for the user
    chunks: list[Chunk]
    vectors: np.ndarray | None
    extraction: Extraction | None
    embedded: int  # clauses embedded for it; the others re-used stored vectors
    peak_rss_mb: float
    key: int = 0  # the caller's number for the file (its place in the input)
    started: float = 0.0  # time.perf_counter() when its work began


def read_chunks(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Prepared:
    """Parse (bounded worker) and chunk one file; no store, no model."""
    read = parse(path, ocr, limits)
    doc = read.document
    if doc.status == "ok" and (why := structure_problem(doc)) is not None:
        doc = dataclasses.replace(doc, status="no_structure", message=why)  # "Xin chào" is no document
    return Prepared(doc, chunks_from_document(doc) if doc.status == "ok" else [], read.peak_rss_mb)


def missing_file(path: Path) -> FileResult:
    return FileResult(path.name, "error", f"không tìm thấy tệp {path} — kiểm tra lại đường dẫn")


def ready_for_store(path: Path, sha: str, prep: Prepared,
                    embed: Callable[[list[Chunk]], tuple[np.ndarray, int]], *, key: int = 0,
                    started: float = 0.0) -> Ready | FileResult:
    """What to write for a prepared file (``embed`` gives the vectors still missing), or
    its result when nothing is written (the reader failed, no clauses found)."""
    doc, rss, chunks = prep.doc, prep.peak_rss_mb, prep.chunks
    if doc.status == "error":
        return FileResult(path.name, "error", _problem_message(doc), doc_id=doc.doc_id, peak_rss_mb=rss)
    if doc.status != "ok":  # remembered, so `vanban list` shows what needs OCR
        noted = dataclasses.replace(doc, message=_problem_message(doc))
        return Ready(path, sha, noted, [], None, None, 0, rss, key, started)
    if not chunks:
        return FileResult(path.name, "error", "không tìm thấy đoạn văn bản nào để lập chỉ mục — "
                          "kiểm tra tệp có nội dung chữ", doc_id=doc.doc_id, peak_rss_mb=rss)
    vectors, embedded = (prep.vectors, len(chunks)) if prep.vectors is not None else embed(chunks)
    return Ready(path, sha, doc, chunks, vectors, prep.extraction, embedded, rss, key, started)


def write_group(store: Store, group: Sequence[Ready], ocr: bool = False, *,
                recheck: bool = True) -> list[FileResult]:
    """Write prepared files in one ``Store.put_documents`` (a few Chroma calls and one
    registry flip for the whole group); one result per file, in order.

    Under the writer lock. ``recheck``: a file another writer stored since it was checked
    is found unchanged now, and not written again (off when the caller held the lock since).
    Every document still becomes visible whole, or not at all. Should the group be refused
    (it never holds two files of one name or content, see ``GroupWriter.admit``), or Chroma
    fail on it, its files are written one at a time, so only the file at fault fails.
    """
    with store.writing():
        results: list[FileResult | None] = [None] * len(group)
        todo: list[int] = []
        for i, ready in enumerate(group):
            known = _skip(ready.path, store, ready.sha, ocr) if recheck else None
            if known is not None:
                results[i] = known
            else:
                todo.append(i)
        olds = {i: store.find(group[i].path.name) for i in todo}
        for i in todo:
            if group[i].chunks:  # before it is visible: never without its original
                originals.keep(store.config.db_path, group[i].path, group[i].sha, group[i].doc)
        items = [(group[i].doc, group[i].chunks, group[i].vectors, group[i].sha, group[i].extraction)
                 for i in todo]
        try:
            records = store.put_documents(items)
        except (StoreUnavailableError, EmbedderMismatchError):
            raise
        except Exception as exc:  # noqa: BLE001 — one file the group could not take
            if len(todo) > 1:
                for i in todo:
                    results[i] = write_group(store, [group[i]], ocr, recheck=False)[0]
                return [r for r in results if r is not None]
            if isinstance(exc, StoreError):
                raise
            records = []
            results[todo[0]] = FileResult(group[todo[0]].path.name, "error",
                                          f"lỗi khi nạp ({type(exc).__name__}: {exc})")
        for i, record in zip(todo, records, strict=False):
            results[i] = written_result(group[i], record, olds[i])
    return [r for r in results if r is not None]


def written_result(ready: Ready, record: DocRecord, old: DocRecord | None) -> FileResult:
    """The result of a file whose document was just stored (``old``: the version it replaced)."""
    doc, name, rss = ready.doc, ready.path.name, ready.peak_rss_mb
    if doc.status != "ok":
        return FileResult(name, _PROBLEM[doc.status], doc.message, doc_id=doc.doc_id, peak_rss_mb=rss)
    replaced = old is not None and old.status == "ok"
    reused = len(ready.chunks) - ready.embedded
    note = f"{len(ready.chunks)} điều khoản" + (f", dùng lại {reused} vectơ đã có" if reused else "")
    if record.extraction == "error":
        note += f"; {record.extraction_message}"
    note += f"; {_without_name(doc.message, name)}" if doc.message else ""
    return FileResult(name, "replaced" if replaced else "ingested",
                      ("thay thế bản cũ; " if replaced else "") + note, len(ready.chunks),
                      doc_id=doc.doc_id, peak_rss_mb=rss)


class GroupWriter:
    """Prepared files written in groups (``write_group``): a group is written once it holds
    ``max_clauses`` clauses, or once its oldest file would otherwise wait more than
    ``max_wait`` seconds (counting the next file as taking as long as the last one did, so
    slow files — a real embedder — are written one by one, as soon as each is ready).

    ``done(ready, result)`` is told each file's result once its group is written.
    ``hold``: keep the writer lock from a group's first file until it is written (a serial
    ingest checks, reads and embeds under the lock, so a second process waits for the
    group instead of reading the same files; it then finds them unchanged).
    """

    def __init__(self, store: Store, done: Callable[[Ready, FileResult], None], *, ocr: bool = False,
                 hold: bool = False, max_clauses: int | None = None,
                 max_wait: float | None = None) -> None:
        self.store, self.done, self.ocr, self.hold = store, done, ocr, hold
        self.max_clauses = WRITE_GROUP_CLAUSES if max_clauses is None else max_clauses
        self.max_wait = WRITE_GROUP_WAIT_S if max_wait is None else max_wait
        self.waiting: list[Ready] = []
        self._oldest = 0.0  # time.monotonic() when the oldest waiting file was ready
        self._last = time.monotonic()  # when the previous file was ready (or the writer started)
        self._gap = 0.0  # how long the last file took to be ready
        self._lock = contextlib.ExitStack()

    def admit(self, name: str, sha: str) -> None:
        """Before a file is checked against the store: a waiting file with its name or its
        content is written first, so the check sees it (found unchanged, or replaced)."""
        if any(r.path.name == name or r.sha == sha for r in self.waiting):
            self.flush()

    def add(self, ready: Ready) -> None:
        self.admit(ready.path.name, ready.sha)  # a twin read meanwhile (workers): its own group
        now = time.monotonic()
        self._gap, self._last = now - self._last, now
        if not self.waiting:
            self._oldest = now
            if self.hold:
                self._lock.enter_context(self.store.writing())
        self.waiting.append(ready)
        size = sum(max(1, len(r.chunks)) for r in self.waiting)  # a record alone is a write too
        if size >= self.max_clauses or now - self._oldest + self._gap >= self.max_wait:
            self.flush()

    def flush(self) -> None:
        """Write the waiting files now (then release the lock held for them)."""
        group, self.waiting = self.waiting, []
        try:
            if group:
                for ready, result in zip(group, write_group(self.store, group, self.ocr,
                                                            recheck=not self.hold), strict=True):
                    self.done(ready, result)
        finally:
            self._lock.close()

    def drop(self) -> list[Ready]:
        """Forget the waiting files without writing them (an interrupted run): none of them
        is visible, and the next run reads them again. Returns them."""
        group, self.waiting = self.waiting, []
        self._lock.close()
        return group


def _put_law(doc: Document, store: Store, embedder: Embedder,
             on_batch: Callable[[int], None] | None, sha: str) -> tuple[int, bool]:
    """Store one law of a JSON corpus; returns (clauses, whether it was stored anew)."""
    known = store.find(Path(doc.file).name)
    if known and known.sha256 == sha and store.is_complete(known):
        return known.clauses, False
    chunks = chunks_from_document(doc)
    vectors, _ = embed_chunks(chunks, store, embedder, on_batch)
    store.put_document(doc, chunks, vectors, sha256=sha)
    return len(chunks), True


def _ingest_law_json(path: Path, store: Store, embedder: Embedder,
                     on_batch: Callable[[int], None] | None) -> FileResult:
    """A law corpus in the ALQAC JSON shape: each law is stored as ``<file>#<n>``.

    Each law is its own document (its articles are ``Điều N`` clauses with
    khoản/điểm children), hashed on its own so editing one law re-embeds only it.
    """
    from ingest.errors import InputError
    from ingest.lawjson import read_law_corpus

    try:
        laws = read_law_corpus(path)
    except InputError as err:
        return FileResult(path.name, "error", _without_name(str(err), path.name))
    stored, clauses, names = 0, 0, set()
    for n, law in enumerate(laws, start=1):
        name = f"{path.name}#{n}"
        names.add(name)
        sha = hashlib.sha256(f"{law.doc_id}:{law.header.number}".encode()).hexdigest()
        count, fresh = _put_law(dataclasses.replace(law, file=name), store, embedder, on_batch, sha)
        clauses, stored = clauses + count, stored + fresh
    for old in store.documents():  # laws dropped from the file since the last ingest
        if old.file.startswith(f"{path.name}#") and old.file not in names:
            store.remove(old.file)
    if not stored:
        return FileResult(path.name, "unchanged", "đã có trong chỉ mục, không thay đổi", clauses)
    return FileResult(path.name, "ingested", f"{len(laws)} văn bản luật, {clauses} điều khoản",
                      clauses)


def ingest_paths(paths: Iterable[str | Path], store: Store, embedder: Embedder,
                 progress: ProgressFn | None = None, *, ocr: bool = False,
                 follow_symlinks: bool = False, lexical: bool = True,
                 limits: ReadLimits | None = None, workers: int = 0,
                 shard: Shard | None = None, nice: int = 0) -> list[FileResult]:
    """Ingest files and folders; one ``FileResult`` per file, then refresh BM25
    (unless ``lexical`` is off: the caller rebuilds it from its own read of the chunks).

    Files are checked, read and embedded under the store's writer lock
    (``Store.writing``), held until their group is written (``GroupWriter``), so a
    second process ingesting the same files waits and then finds them unchanged;
    it never interleaves with a half-written document.

    ``workers`` > 0: files are read and embedded in that many worker processes
    (``index.parallel``, at ``nice`` priority), this process only writes.
    ``shard``: only the files whose content hash falls in this shard (``Shard``).

    Every path the walk passed over gets a result too, after the files read:
    ``error`` for a broken link, a link loop or an unreadable path, ``skipped``
    for a deliberate skip (other extension, hidden or temporary file, a symlinked
    folder when ``follow_symlinks`` is off).

    >>> import tempfile, types
    >>> from index.embedders import FakeEmbedder
    >>> corpus, fake, tmp = Path(__file__).parents[1] / "corpus", FakeEmbedder(), tempfile.TemporaryDirectory()
    >>> store = Store.open(types.SimpleNamespace(db_path=Path(tmp.name), chroma_url=None), fake)
    >>> found = ingest_paths([corpus / "cong-van-612-SCT-QLCN.docx", corpus / "khong-co.txt"], store, fake)
    >>> [(r.file, r.status, r.clauses) for r in found]
    [('cong-van-612-SCT-QLCN.docx', 'ingested', 8), ('khong-co.txt', 'error', 0)]
    >>> tmp.cleanup()
    """
    found = walk(paths, follow_symlinks=follow_symlinks)
    files = list(found.files) if shard is None else shard.select(found.files)
    if workers > 0:
        from index.parallel import ingest_files

        results, cut = ingest_files(files, store, embedder, progress, workers=workers, ocr=ocr,
                                    limits=limits, nice=nice)
    else:
        results, cut = _ingest_serial(files, store, embedder, progress, ocr, limits)
    skipped = [skipped_result(s) for s in found.skipped]
    if cut:  # the server went away: BM25 waits for the re-run
        return results + skipped
    if lexical:
        try:
            ensure_lexical(store)
        except StoreUnavailableError as err:  # the next run rebuilds BM25; say why it did not happen
            skipped.append(FileResult("(chỉ mục từ khoá)", "error", str(err)))
    return results + skipped


def _ingest_serial(files: Sequence[Path], store: Store, embedder: Embedder,
                   progress: ProgressFn | None, ocr: bool,
                   limits: ReadLimits | None) -> tuple[list[FileResult], bool]:
    """The files one by one in this process, written in groups (``GroupWriter``); the
    results in input order, and whether the server went away."""
    results: dict[int, FileResult] = {}
    clauses = 0  # stored, plus those embedded for files still waiting for their group's write
    counting = 0  # embedded so far for the file being read
    current = ""

    def tick() -> None:
        if progress:
            progress(Progress(len(results), len(files), clauses, current))

    def on_batch(n: int) -> None:
        nonlocal clauses, counting
        clauses, counting = clauses + n, counting + n
        tick()

    def done(ready: Ready, result: FileResult) -> None:
        nonlocal clauses, current
        clauses += (result.clauses if stored(result) else 0) - len(ready.chunks)
        results[ready.key] = dataclasses.replace(
            result, seconds=round(time.perf_counter() - ready.started, 3))
        current = ready.path.name
        tick()

    writer = GroupWriter(store, done, ocr=ocr, hold=True)
    try:
        for n, path in enumerate(files):
            current, counting = path.name, 0
            tick()
            start = time.perf_counter()
            with store.writing():
                got = prepare_file(path, store, embedder, on_batch, ocr=ocr, limits=limits, key=n,
                                   admit=writer.admit)
                if isinstance(got, Ready):
                    clauses += len(got.chunks) - counting
                    writer.add(got)
            if not isinstance(got, Ready):
                clauses += (got.clauses if stored(got) else 0) - counting
                results[n] = dataclasses.replace(got, seconds=round(time.perf_counter() - start, 3))
                current = path.name
                tick()
        writer.flush()
    except StoreUnavailableError as err:  # the server is gone: report, never guess on
        writer.drop()
        later = [f for k, f in enumerate(files) if k not in results]
        return [results[k] for k in sorted(results)] + interrupted(later, err), True
    finally:
        writer.drop()
    return [results[k] for k in sorted(results)], False


def stored(result: FileResult) -> bool:
    """Whether a result's clauses were written by this run."""
    return result.status in ("ingested", "replaced")


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based) of ``count``: the files whose content hash falls here.

    Assignment depends only on the file's bytes, so every machine computes the same
    split of one archive whatever its path there, identical copies land in one shard
    (where the second is found unchanged), and a re-run takes exactly the same files.

    >>> Shard.parse("2/3")
    Shard(index=2, count=3)
    >>> Shard(1, 2).owns("00000000000000000000000000000000"), Shard(2, 2).owns("0000000000000001")
    (True, True)
    """

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"i/n"`` with 1 ≤ i ≤ n; ``InputError`` in Vietnamese otherwise."""
        from ingest.errors import InputError

        i, _, n = text.partition("/")
        if not (i.strip().isdigit() and n.strip().isdigit()) or not 1 <= int(i) <= int(n):
            raise InputError("--shard", f"'{text}' không hợp lệ",
                             "dùng dạng i/n với 1 ≤ i ≤ n, ví dụ --shard 2/3 cho máy thứ hai trong ba máy")
        return cls(int(i), int(n))

    def owns(self, sha256: str) -> bool:
        return int(sha256[:16], 16) % self.count == self.index - 1

    def select(self, files: Iterable[Path]) -> list[Path]:
        """The files of this shard, in walk order (a file that cannot be read stays in
        every shard, so its error is reported, not lost)."""
        out = []
        for path in files:
            try:
                mine = self.owns(file_sha256(path))
            except OSError:
                mine = True
            if mine:
                out.append(path)
        return out


def interrupted(paths: Sequence[Path], err: StoreUnavailableError) -> list[FileResult]:
    """Results for the file being stored when the server went away, and the files after it.

    Documents already stored stay visible; the interrupted one is not (it becomes
    visible only after all its clauses are written), so running the same command
    again once the server is back finishes the batch.
    """
    later = ("chưa nạp: máy chủ Chroma ngừng phục vụ giữa chừng — chạy lại đúng lệnh này "
             "khi máy chủ hoạt động trở lại")
    return [FileResult(p.name, "error", later if i else f"bị ngắt, chưa nạp — {err}")
            for i, p in enumerate(paths)]


def lexical_dir(store: Store) -> Path:
    """Where the BM25 files live: always the local db directory, even in server mode."""
    return store.config.db_path / LEXICAL_DIR


def lexical_is_fresh(store: Store) -> bool:
    """Whether the saved BM25 index was built from the store's current documents."""
    try:
        saved = (lexical_dir(store) / SIGNATURE_FILE).read_text(encoding="utf-8")
    except OSError:
        return False
    return saved == store.signature() and LexicalIndex.saved_fingerprint(lexical_dir(store)) is not None


def refresh_lexical(store: Store, chunks: Sequence[Chunk] | None = None,
                    signature: str | None = None) -> LexicalIndex:
    """The BM25 index over the store's visible chunks, rebuilt and saved only when stale.

    ``chunks`` and ``signature``: one read of the store the caller already made.
    The files are written only under the writer lock; a reader that cannot take it
    at once (another process is ingesting) keeps its BM25 in memory and saves nothing.
    """
    directory = lexical_dir(store)
    signature = store.signature() if signature is None else signature
    if chunks is None:
        chunks = store.chunks()
    if LexicalIndex.saved_fingerprint(directory) == fingerprint(c.id for c in chunks):
        try:
            index = LexicalIndex.load(directory)
        except StoreError:
            index = None  # unreadable or half-written files: rebuild below
        if index is not None:
            with store.try_writing() as mine:
                if mine:
                    (directory / SIGNATURE_FILE).write_text(signature, encoding="utf-8")
            return index
    index = LexicalIndex.build(chunks)
    with store.try_writing() as mine:
        if mine:
            index.save(directory)
            # Written last: a crash before this line leaves the index marked stale.
            (directory / SIGNATURE_FILE).write_text(signature, encoding="utf-8")
    return index


def forget_lexical(store: Store) -> None:
    """Mark the saved BM25 index stale, so the next read rebuilds it from the stored chunks.

    Its texts carry each clause's document name (``heading+doc``): after a hand
    correction of a number the chunk ids are the same but the names are not.
    """
    with store.writing(bump=False):
        for name in (SIGNATURE_FILE, META_FILE):
            (lexical_dir(store) / name).unlink(missing_ok=True)


def ensure_lexical(store: Store) -> None:
    """Rebuild the saved BM25 index if the documents changed (cheap when they did not)."""
    with store.writing(bump=False):
        if not lexical_is_fresh(store):
            refresh_lexical(store)
