"""Reading a file in a bounded worker process: a hostile file costs one file's status.

``parse_bounded(path, limits)`` reads one file in a worker process forked from a
reader server (``python -m ingest.bounded --serve``) that imported the readers
once; a caller keeps its servers between files.
The worker caps its own address space (``RLIMIT_AS``) and CPU time
(``RLIMIT_CPU``), refuses files that are too big before reading them (pages,
bytes of text, inflated size of DOCX zip entries and PDF FlateDecode streams),
parses, checks characters and clauses, and pickles the ``Document`` to a file.
The parent kills it at the wall-time limit. The worker reports its own peak RSS
(``VmHWM``); the parent samples it too, for a worker killed before reporting.
Whatever trips, the caller gets a ``Document`` with status ``error`` and a
Vietnamese message naming the limit and what to do::

    x.pdf: quá lớn hoặc có cấu trúc bất thường — 3000 trang, vượt giới hạn 500 trang
    — hãy tách tệp thành các phần nhỏ hơn rồi nạp từng phần …

Defaults were measured: parsing the largest real PDF (58 pages, pdfplumber and
pypdf) peaks at 307 MB RSS and 18 s of CPU.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import importlib
import json
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ingest.errors import ResourceLimitError
from ingest.model import Document

__all__ = ["Bounded", "ReadLimits", "check_document", "parse_bounded", "precheck"]

_MB = 2**20
_POLL = 0.05  # seconds between checks on the worker


@dataclass(frozen=True)
class ReadLimits:
    """Hard limits on reading one file (defaults: ~3x what the largest real file needs)."""

    memory_mb: int = 1024  # address space of the worker (RLIMIT_AS)
    cpu_seconds: int = 120  # RLIMIT_CPU of the worker
    wall_seconds: float = 180.0  # the parent kills the worker after this
    max_pages: int = 500
    max_chars: int = 2_000_000  # characters of body text (≈ 800 typed pages)
    max_clauses: int = 5_000
    max_inflated_mb: int = 256  # a DOCX package, or one PDF stream, once inflated
    max_ratio: float = 200.0  # compression ratio of one DOCX entry over 1 MB (real: ≤ 33)


@dataclass(frozen=True)
class Bounded:
    """What one worker run gives back: the document, the worker's peak RSS and wall time."""

    document: Document
    peak_rss_mb: float
    seconds: float


_HINTS = {
    "memory_mb": "tệp cần quá nhiều bộ nhớ để đọc; hãy mở tệp và lưu/xuất lại từ bản gốc hoặc "
                 "tách thành các tệp nhỏ hơn (hoặc tăng giới hạn bộ nhớ đọc tệp)",
    "cpu_seconds": "hãy tách tệp thành các phần nhỏ hơn hoặc xuất lại từ bản gốc "
                   "(hoặc tăng giới hạn thời gian đọc tệp)",
    "max_pages": "hãy tách tệp thành các phần nhỏ hơn rồi nạp từng phần (hoặc tăng giới hạn số trang)",
    "max_chars": "hãy tách tệp thành các phần nhỏ hơn rồi nạp từng phần (hoặc tăng giới hạn số ký tự)",
    "max_clauses": "hãy tách tệp thành các phần nhỏ hơn rồi nạp từng phần "
                   "(hoặc tăng giới hạn số điều khoản)",
    "max_inflated_mb": "tệp có dấu hiệu bom nén; hãy mở bằng Word/trình đọc PDF và lưu lại từ "
                       "bản gốc rồi nạp lại",
}
_HINTS["wall_seconds"] = _HINTS["cpu_seconds"]
_HINTS["max_ratio"] = _HINTS["max_inflated_mb"]


def limit_error(path: str | Path, limit: str, detail: str) -> ResourceLimitError:
    """The Vietnamese error for ``limit`` (a ``ReadLimits`` field) tripped by ``path``."""
    return ResourceLimitError(path, limit, detail, _HINTS[limit])


def _vn(n: int) -> str:
    """``2000000`` → ``"2.000.000"`` (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def _error_document(path: Path, err: ResourceLimitError) -> Document:
    return Document(file=str(path), doc_id="", status="error", message=str(err))


# ---------------------------------------------------------------- checks (run in the worker)


def precheck(path: Path, limits: ReadLimits) -> None:
    """Refuse, before reading, a file whose size alone breaks a limit (``ResourceLimitError``)."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        # Every character takes at most 4 bytes, so more bytes than this means more characters.
        size = path.stat().st_size
        if size > 4 * limits.max_chars:
            raise limit_error(path, "max_chars", f"tệp văn bản {size // _MB} MB, chắc chắn vượt "
                              f"giới hạn {_vn(limits.max_chars)} ký tự")
    elif suffix == ".docx":
        from ingest.readers.docx import zip_bomb_reason

        reason = zip_bomb_reason(path, limits.max_inflated_mb * _MB, limits.max_ratio)
        if reason:
            raise limit_error(path, "max_inflated_mb", reason)
    elif suffix == ".pdf":
        from ingest.readers.pdf import pdf_limit_reason

        found = pdf_limit_reason(path, limits.max_pages, limits.max_inflated_mb * _MB)
        if found:
            raise limit_error(path, *found)


def check_document(doc: Document, limits: ReadLimits) -> Document:
    """The document, or an error document when it has too many pages, characters or clauses."""
    if doc.status != "ok":
        return doc
    over = [
        ("max_pages", doc.pages, limits.max_pages, "trang"),
        ("max_chars", len(doc.text), limits.max_chars, "ký tự"),
        ("max_clauses", len(doc.clauses), limits.max_clauses, "điều khoản"),
    ]
    for limit, value, cap, unit in over:
        if value > cap:
            detail = f"{_vn(value)} {unit}, vượt giới hạn {_vn(cap)} {unit}"
            return dataclasses.replace(_error_document(Path(doc.file), limit_error(doc.file, limit, detail)),
                                       doc_id=doc.doc_id)
    return doc


def _apply(limits: ReadLimits) -> None:
    import resource

    memory = limits.memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit ends the worker; the hard limit (SIGKILL) is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))


def _work(path: Path, limits: ReadLimits, ocr: bool) -> Document:
    from ingest.parse import parse_file

    try:
        precheck(path, limits)
    except ResourceLimitError as err:
        return _error_document(path, err)
    return check_document(parse_file(path, ocr=ocr), limits)


def _child(request_line: bytes) -> None:
    """One worker (forked from the reader server): parse, pickle the result to a file.

    The worker's own output goes to a file of the request's temp folder (its stdout
    would be the server's reply pipe), so a noisy reader library never writes over
    the caller's terminal.
    """
    request = json.loads(request_line)
    _quiet(Path(request["out"]).with_name("stderr.txt"))
    limits = ReadLimits(**request["limits"])
    _apply(limits)
    try:
        result: Document | str = _work(Path(request["path"]), limits, request["ocr"])
    except MemoryError:
        result = "memory_mb"
    with Path(request["out"]).open("wb") as fh:
        pickle.dump((result, peak_rss_kb("self")), fh, protocol=pickle.HIGHEST_PROTOCOL)


def _quiet(stderr: Path) -> None:
    """Point the worker's stdout at /dev/null and its stderr at ``stderr``."""
    with open(os.devnull, "wb") as null, stderr.open("wb") as err:
        os.dup2(null.fileno(), 1)
        os.dup2(err.fileno(), 2)


# Imported once by a reader server; every worker forked from it starts with them loaded
# (a fresh interpreter per file spent ~0.2 s importing them before reading a byte).
_PRELOAD = ("ingest.parse", "ingest.readers.docx", "ingest.readers.pdf", "ingest.readers.pdf_layout",
            "ingest.readers.legacy", "ingest.readers.text", "docx", "pdfplumber", "pypdf")


def serve(requests: BinaryIO, replies: BinaryIO) -> int:
    """The reader server (``python -m ingest.bounded --serve``): import the readers once,
    then for each request line fork a worker, reply with its pid, wait for it and reply
    with its wait status. Ends when the caller closes the request pipe."""
    for name in _PRELOAD:
        with contextlib.suppress(ImportError):  # a missing optional reader fails in the worker
            importlib.import_module(name)
    for line in requests:
        pid = os.fork()
        if pid == 0:  # the worker: never returns into this loop
            code = 1
            try:
                _child(line)
                code = 0
            except BaseException:  # noqa: BLE001 — reported as the worker's exit status
                traceback.print_exc()
            finally:
                os._exit(code)
        replies.write(b"%d\n" % pid)
        replies.flush()
        _, status = os.waitpid(pid, 0)
        replies.write(b"%d\n" % status)
        replies.flush()
    return 0


# ---------------------------------------------------------------- the parent side


def _worker_env() -> dict[str, str]:
    """The environment, with this project importable however the parent found it."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")  # reading (and tesseract) needs no thread pools
    return env


class _ServerLost(Exception):
    """The reader server ended without replying (killed from outside)."""


class _Server:
    """One reader server process, serving one read at a time."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "ingest.bounded", "--serve"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, bufsize=0, env=_worker_env())
        self._pending = b""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def start(self, request: dict[str, object]) -> int:
        """Hand the server one request; the pid of the worker it forked."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        except OSError as err:
            raise _ServerLost from err
        return self.reply(None)

    def reply(self, timeout: float | None) -> int:
        """The server's next reply line, or ``-1`` when ``timeout`` passes first."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._pending:
            if timeout is not None and not select.select([fd], [], [], timeout)[0]:
                return -1
            chunk = os.read(fd, 64)
            if not chunk:
                raise _ServerLost
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return int(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # the server ends at the end of its requests
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


_IDLE: list[_Server] = []  # servers between reads; one per concurrent read, at most _KEEP kept
_IDLE_LOCK = threading.Lock()
_KEEP = 2


def _take_server() -> _Server:
    with _IDLE_LOCK:
        while _IDLE:
            server = _IDLE.pop()
            if server.alive():
                return server
    return _Server()


def _give_back(server: _Server) -> None:
    with _IDLE_LOCK:
        if server.alive() and len(_IDLE) < _KEEP:
            _IDLE.append(server)
            return
    server.close()


@atexit.register
def _close_servers() -> None:
    with _IDLE_LOCK:
        servers, _IDLE[:] = list(_IDLE), []
    for server in servers:
        server.close()


def peak_rss_kb(pid: int | str) -> int:
    """The high-water mark of a live process's resident memory (``VmHWM``), in KB; 0 if gone.

    Not ``ru_maxrss``: Linux carries it across ``exec``, so a worker forked from a
    big parent would report the parent's size.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


def _wait(server: _Server, pid: int, deadline: float) -> tuple[int, int, bool]:
    """(wait status, peak RSS seen in KB, timed out) of the worker, killing it at ``deadline``.

    The peak is sampled while the worker lives, for a worker that dies without
    reporting its own (a CPU or wall limit).
    """
    seen = 0
    while True:
        seen = max(seen, peak_rss_kb(pid))
        status = server.reply(_POLL)
        if status >= 0:
            return status, seen, False
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)  # not yet reaped by the server, so still our worker
            return server.reply(None), seen, True


def _report(out: Path, status: int) -> tuple[Document | str | None, int]:
    """What the worker wrote (its document or the limit it hit, and its own peak RSS in KB)."""
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and out.exists():
        with out.open("rb") as fh:
            result, peak = pickle.load(fh)  # our own worker's file, in our own temp folder
        return result, int(peak)
    return None, 0


def _outcome(path: Path, result: Document | str | None, status: int, timed_out: bool,
             limits: ReadLimits) -> Document:
    """The worker's document, or the error naming the limit that stopped it."""
    if timed_out:
        err = limit_error(path, "wall_seconds", f"đọc tệp quá {limits.wall_seconds:g} giây")
        return _error_document(path, err)
    if isinstance(result, Document):
        return result
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return _error_document(path, limit_error(
            path, "cpu_seconds", f"đọc tệp dùng quá {limits.cpu_seconds} giây CPU"))
    # A MemoryError, or a crash in native code that could not allocate.
    return _error_document(path, limit_error(
        path, "memory_mb", f"đọc tệp cần quá {limits.memory_mb} MB bộ nhớ"))


def _read_in_worker(request: dict[str, object], deadline: float) -> tuple[int, int, bool]:
    """Run ``request`` in a worker of a reader server: (wait status, peak RSS KB, timed out).

    A server killed from outside is replaced once; if that one is lost too, the read
    ends as a worker killed by a signal would.
    """
    for _ in range(2):
        server = _take_server()
        try:
            pid = server.start(request)
            outcome = _wait(server, pid, deadline)
        except _ServerLost:
            server.close()
            continue
        _give_back(server)
        return outcome
    return signal.SIGKILL, 0, False  # a wait status meaning "killed"


def parse_bounded(path: str | Path, limits: ReadLimits | None = None, *, ocr: bool = False) -> Bounded:
    """Parse one file in a worker process under ``limits``; never raises for a bad file.

    >>> b = parse_bounded(Path(__file__).parents[1] / "corpus" / "cong-van-612-SCT-QLCN.docx")
    >>> b.document.status, 0 < b.peak_rss_mb < ReadLimits().memory_mb
    ('ok', True)
    """
    p, limits = Path(path), limits or ReadLimits()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vanban-read-") as tmp:
        out = Path(tmp) / "document.pickle"
        request = {"path": str(p.resolve()), "out": str(out), "ocr": ocr,
                   "limits": dataclasses.asdict(limits)}
        status, seen, timed_out = _read_in_worker(request, start + limits.wall_seconds)
        result, reported = _report(out, status)
        doc = _outcome(p, result, status, timed_out, limits)
    if doc.file != str(p):  # the worker saw the resolved path; callers expect theirs
        doc = dataclasses.replace(doc, file=str(p))
    return Bounded(doc, round(max(seen, reported) / 1024, 1), round(time.monotonic() - start, 3))


if __name__ == "__main__":  # the reader server: python -m ingest.bounded --serve
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
