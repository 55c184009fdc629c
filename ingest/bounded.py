"""Reading a file in a bounded worker process: a hostile file costs one file's status.

``parse_bounded(path, limits)`` runs ``python -m ingest.bounded`` for one file.
The worker caps its own address space (``RLIMIT_AS``) and CPU time
(``RLIMIT_CPU``), refuses files that are too big before reading them (pages,
bytes of text, inflated size of DOCX zip entries and PDF FlateDecode streams),
parses, checks characters and clauses, and pickles the ``Document`` to a file.
The parent kills it at the wall-time limit. The worker reports its own peak RSS
(``VmHWM``); the parent samples it too, for a worker killed before reporting. Whatever trips, the caller gets a ``Document`` with status
``error`` and a Vietnamese message naming the limit and what to do::

    x.pdf: quá lớn hoặc có cấu trúc bất thường — 3000 trang, vượt giới hạn 500 trang
    — hãy tách tệp thành các phần nhỏ hơn rồi nạp từng phần …

Defaults were measured: parsing the largest real PDF (58 pages, pdfplumber and
pypdf) peaks at 307 MB RSS and 18 s of CPU.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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


def main(argv: list[str]) -> int:
    """Worker entry: ``python -m ingest.bounded '<request json>'``; writes the pickled result."""
    request = json.loads(argv[1])
    limits = ReadLimits(**request["limits"])
    out = Path(request["out"])
    _apply(limits)
    try:
        result: Document | str = _work(Path(request["path"]), limits, request["ocr"])
    except MemoryError:
        result = "memory_mb"
    with out.open("wb") as fh:
        pickle.dump((result, peak_rss_kb("self")), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


# ---------------------------------------------------------------- the parent side


def _worker_env() -> dict[str, str]:
    """The environment, with this project importable however the parent found it."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")  # reading needs no thread pools
    return env


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


def _wait(pid: int, deadline: float) -> tuple[int, int, bool]:
    """(wait status, peak RSS seen in KB, timed out) of the worker, killing it at ``deadline``.

    The peak is sampled while the worker lives, for a worker that dies without
    reporting its own (a CPU or wall limit).
    """
    seen = 0
    while True:
        seen = max(seen, peak_rss_kb(pid))
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, seen, False
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            return status, seen, True
        time.sleep(_POLL)


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
        with (Path(tmp) / "stderr.txt").open("wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "ingest.bounded", json.dumps(request)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    env=_worker_env())
        status, seen, timed_out = _wait(proc.pid, start + limits.wall_seconds)
        proc.returncode = status  # reaped above; keep Popen from waiting again
        result, reported = _report(out, status)
        doc = _outcome(p, result, status, timed_out, limits)
    if doc.file != str(p):  # the worker saw the resolved path; callers expect theirs
        doc = dataclasses.replace(doc, file=str(p))
    return Bounded(doc, round(max(seen, reported) / 1024, 1), round(time.monotonic() - start, 3))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
