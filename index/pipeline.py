"""Idempotent ingestion: files → parsed documents → chunks → vectors → store, then BM25.

Per file: hash the bytes; if the store already holds that exact file, stop
("unchanged", nothing parsed or embedded). Otherwise parse, chunk, take the
vectors of clause texts the store already has (``Store.cached_vectors``), embed
the rest, and ``put_document`` — which replaces the file's old version. One
bad file yields a ``FileResult`` with status ``error``; the batch goes on.
After the batch the BM25 index in the db directory is rebuilt if the set of
documents changed.
"""

from __future__ import annotations

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
from index.errors import StoreError, StoreUnavailableError
from index.lexical import LexicalIndex, fingerprint
from index.store import Extraction, Store
from ingest.bounded import Bounded, ReadLimits, parse_bounded
from ingest.model import Document

FileStatus = Literal["ingested", "unchanged", "replaced", "needs_ocr", "unreadable", "error",
                     "skipped"]
FILE_STATUSES: tuple[FileStatus, ...] = (
    "ingested", "unchanged", "replaced", "needs_ocr", "unreadable", "error", "skipped")
# .doc/.odt/.rtf go through LibreOffice; .json: law corpora (ALQAC shape)
EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".json")
EMBED_BATCH = 64
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
                                    "unreadable_text_layer": "unreadable", "error": "error"}


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
    try:
        if path.suffix.lower() == ".json":
            result = _ingest_law_json(path, store, embedder, on_batch)
        else:
            result = _ingest_file(path, store, embedder, on_batch, ocr, limits)
    except StoreError:
        raise
    except Exception as exc:  # any parser/embedder failure is this file's problem only
        result = FileResult(path.name, "error", f"lỗi khi nạp ({type(exc).__name__}: {exc})")
    return dataclasses.replace(result, seconds=round(time.perf_counter() - start, 3))


@dataclass(frozen=True)
class Prepared:
    """A file read, chunked, embedded and its assignments extracted: everything but the
    store write, so it can be done in a worker process (``index.parallel``)."""

    doc: Document
    chunks: list[Chunk]
    peak_rss_mb: float
    vectors: np.ndarray | None = None  # None: embed in the writer (cached vectors re-used)
    extraction: Extraction | None = None


def read_chunks(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Prepared:
    """Parse (bounded worker) and chunk one file; no store, no model."""
    read = parse(path, ocr, limits)
    doc = read.document
    return Prepared(doc, chunks_from_document(doc) if doc.status == "ok" else [], read.peak_rss_mb)


def _ingest_file(path: Path, store: Store, embedder: Embedder,
                 on_batch: Callable[[int], None] | None, ocr: bool = False,
                 limits: ReadLimits | None = None) -> FileResult:
    if not path.is_file():
        return missing_file(path)
    sha = file_sha256(path)
    skipped = _skip(path, store, sha, ocr)
    if skipped:
        return skipped
    return store_prepared(path, sha, read_chunks(path, ocr, limits), store,
                          lambda chunks: embed_chunks(chunks, store, embedder, on_batch))


def missing_file(path: Path) -> FileResult:
    return FileResult(path.name, "error", f"không tìm thấy tệp {path} — kiểm tra lại đường dẫn")


def store_prepared(path: Path, sha: str, prep: Prepared, store: Store,
                   embed: Callable[[list[Chunk]], tuple[np.ndarray, int]]) -> FileResult:
    """Write one prepared file (the writer's part): a problem file is remembered, a
    document's clauses stored and made visible; ``embed`` gives the vectors still missing."""
    doc, rss, chunks = prep.doc, prep.peak_rss_mb, prep.chunks
    old = store.find(path.name)
    if doc.status != "ok":
        if doc.status != "error":  # remembered, so `vanban list` shows what needs OCR
            noted = dataclasses.replace(doc, message=_problem_message(doc))
            store.put_document(noted, [], None, sha256=sha)
        return FileResult(path.name, _PROBLEM[doc.status], _problem_message(doc), doc_id=doc.doc_id,
                          peak_rss_mb=rss)
    if not chunks:
        return FileResult(path.name, "error", "không tìm thấy đoạn văn bản nào để lập chỉ mục — "
                          "kiểm tra tệp có nội dung chữ", doc_id=doc.doc_id, peak_rss_mb=rss)
    vectors, embedded = (prep.vectors, len(chunks)) if prep.vectors is not None else embed(chunks)
    originals.keep(store.config.db_path, path, sha, doc)  # before it is visible: never without
    record = store.put_document(doc, chunks, vectors, sha256=sha, extraction=prep.extraction)
    replaced = old is not None and old.status == "ok"
    reused = len(chunks) - embedded
    note = f"{len(chunks)} điều khoản" + (f", dùng lại {reused} vectơ đã có" if reused else "")
    if record.extraction == "error":
        note += f"; {record.extraction_message}"
    note += f"; {_without_name(doc.message, path.name)}" if doc.message else ""
    return FileResult(path.name, "replaced" if replaced else "ingested",
                      ("thay thế bản cũ; " if replaced else "") + note, len(chunks),
                      doc_id=doc.doc_id, peak_rss_mb=rss)


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

    Each file is ingested under the store's writer lock (``Store.writing``), so a
    second process ingesting the same files waits per file and then finds them
    unchanged; it never interleaves with a half-written document.

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
    """The files one by one in this process; the results, and whether the server went away."""
    results: list[FileResult] = []
    clauses = 0
    current = ""

    def tick() -> None:
        if progress:
            progress(Progress(len(results), len(files), clauses, current))

    def on_batch(n: int) -> None:
        nonlocal clauses
        clauses += n
        tick()

    for n, path in enumerate(files):
        current = path.name
        tick()
        before = clauses
        try:
            with store.writing():
                result = ingest_file(path, store, embedder, on_batch, ocr=ocr, limits=limits)
        except StoreUnavailableError as err:  # the server is gone: report, never guess on
            return results + interrupted(files[n:], err), True
        clauses = before + (result.clauses if result.status in ("ingested", "replaced") else 0)
        results.append(result)
        tick()
    return results, False


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


def ensure_lexical(store: Store) -> None:
    """Rebuild the saved BM25 index if the documents changed (cheap when they did not)."""
    with store.writing(bump=False):
        if not lexical_is_fresh(store):
            refresh_lexical(store)
