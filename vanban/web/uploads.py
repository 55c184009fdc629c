"""Uploads in the background: the page starts a job and polls it; no one waits for it.

A question never waits for ingestion: questions read the service's current
snapshot, and an upload builds the next one beside it. So an upload handler
only starts a job and returns; the uploader's page shows the job's progress
(polled, in Vietnamese) and stays usable, and other officials are not blocked.
Jobs run one at a time (one writer per index), in arrival order.

    jobs = UploadJobs(run)             # run(paths, progress, ocr) -> [FileResult]
    job_id = jobs.start(paths, ocr)    # returns at once
    jobs.status(job_id)                # an immutable JobStatus: progress, rows when done
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import VanbanError

if TYPE_CHECKING:
    from index.pipeline import FileResult, Progress, ProgressFn

RunFn = Callable[[list[Path], "ProgressFn", bool], "list[FileResult]"]
KEEP_FINISHED = 64  # finished jobs remembered for late polls; older ones are forgotten

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobStatus:
    """One upload job as the page shows it; a new value after every step."""

    id: str
    files_total: int
    files_done: int = 0
    clauses: int = 0
    current: str = ""
    started: bool = False
    finished: bool = False
    results: tuple[FileResult, ...] = ()
    error: str = ""  # why the whole job failed (the index went away), in Vietnamese
    rejected: tuple[tuple[str, str], ...] = ()  # (file, why) refused before the job ran
    failure: VanbanError | None = field(default=None, compare=False)  # the error behind ``error``

    @property
    def text(self) -> str:
        """The progress line in Vietnamese.

        >>> JobStatus("a", 3).text
        'Đang chờ lượt nạp (3 tệp) — vẫn có thể đặt câu hỏi trong lúc chờ.'
        >>> JobStatus("a", 3, 1, 40, "kh-02.docx", started=True).text
        'Đang nạp tệp 2/3: kh-02.docx — đã lưu 40 điều khoản. Vẫn có thể đặt câu hỏi trong lúc nạp.'
        """
        if self.error:
            return f"Nạp dừng giữa chừng: {self.error}"
        if self.finished:
            stored = sum(r.clauses for r in self.results if r.status in ("ingested", "replaced"))
            failed = sum(r.status == "error" for r in self.results)
            tail = f", {failed} tệp lỗi (xem bảng)" if failed else ""
            return f"Đã nạp xong {self.files_total} tệp — {stored} điều khoản mới{tail}."
        if not self.started:
            return (f"Đang chờ lượt nạp ({self.files_total} tệp) — vẫn có thể đặt câu hỏi "
                    "trong lúc chờ.")
        n = min(self.files_done + 1, self.files_total)
        return (f"Đang nạp tệp {n}/{self.files_total}: {Path(self.current).name} — đã lưu "
                f"{self.clauses} điều khoản. Vẫn có thể đặt câu hỏi trong lúc nạp.")


class UploadJobs:
    """Upload jobs run one at a time in background threads; their status is polled."""

    def __init__(self, run: RunFn, writer: threading.Lock | None = None) -> None:
        self._run = run
        self._jobs: dict[str, JobStatus] = {}
        self._guard = threading.Lock()  # the status table
        self._writer = writer or threading.Lock()  # one write at a time (shared with removals)
        self._threads: dict[str, threading.Thread] = {}

    def start(self, paths: Sequence[Path], ocr: bool = False,
              rejected: Sequence[tuple[str, str]] = (), listener: ProgressFn | None = None) -> str:
        """Queue a job for ``paths``; returns its id at once. ``rejected``: files refused
        before the job (name, why), shown with its results; ``listener`` also gets every
        progress report."""
        job_id = uuid.uuid4().hex
        with self._guard:
            self._put(JobStatus(job_id, len(paths), rejected=tuple(rejected)))
        thread = threading.Thread(target=self._work, args=(job_id, list(paths), ocr, listener),
                                  name=f"vanban-upload-{job_id[:8]}", daemon=True)
        self._threads[job_id] = thread
        thread.start()
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        """The job's latest status; ``None`` for an unknown (or long forgotten) id."""
        with self._guard:
            return self._jobs.get(job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> JobStatus | None:
        """Block until the job has finished (CLI-like callers and tests)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.status(job_id)

    def _put(self, status: JobStatus) -> None:
        """Record a status (under ``_guard``), forgetting the oldest finished jobs."""
        self._jobs[status.id] = status
        finished = [k for k, v in self._jobs.items() if v.finished]
        for old in finished[:-KEEP_FINISHED]:
            del self._jobs[old]
            self._threads.pop(old, None)

    def _update(self, job_id: str, **changes: object) -> None:
        with self._guard:
            self._put(replace(self._jobs[job_id], **changes))  # type: ignore[arg-type]

    def _work(self, job_id: str, paths: list[Path], ocr: bool, listener: ProgressFn | None) -> None:
        def progress(p: Progress) -> None:
            self._update(job_id, files_done=p.files_done, clauses=p.clauses, current=p.current)
            if listener is not None:
                listener(p)

        with self._writer:
            self._update(job_id, started=True, current=paths[0].name if paths else "")
            try:
                results = self._run(paths, progress, ocr)
            except VanbanError as err:
                self._update(job_id, finished=True, error=str(err), failure=err)
                return
            except Exception as exc:  # noqa: BLE001 — the job fails, the server does not
                log.exception("upload job %s failed", job_id)
                self._update(job_id, finished=True,
                             error=f"lỗi máy chủ ({type(exc).__name__}) — hãy thử tải lên lại; "
                             "nếu vẫn lỗi, xem nhật ký của lệnh vanban serve.")
                return
            self._update(job_id, finished=True, files_done=len(paths), results=tuple(results))
