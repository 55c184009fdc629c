"""Ingestion in worker processes: N readers-and-embedders, one writer.

``vanban ingest --workers N``: each worker process parses a file (in its own
bounded reader, as always), chunks it, embeds every clause and extracts its
assignments; this process only decides what needs work (hash, "unchanged") and
writes the prepared documents under the writer lock, in input order and in groups
(``index.pipeline.GroupWriter``: one ``Store.put_documents`` per group), so every
document still becomes visible whole. At most
``2 × N`` files are in flight, so memory stays bounded on a large archive.

Workers get ``cpu_count // N`` math threads each (never more threads than cores)
and run at ``nice`` priority: the web page's uploads use that to keep the
questions of everyone else fast.

What a worker cannot do: re-use vectors already in the store (it has no store);
unchanged files never reach it, so only a re-ingest after a parser change
embeds again what the serial path would have re-used.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from index.chunks import Chunk
from index.embedders import Embedder
from index.embedders import embed_chunks as embed_windows
from index.errors import StoreUnavailableError
from index.pipeline import (
    EMBED_BATCH,
    FileResult,
    GroupWriter,
    Prepared,
    Progress,
    ProgressFn,
    Ready,
    _skip,
    file_sha256,
    ingest_file,
    interrupted,
    missing_file,
    read_chunks,
    ready_for_store,
    stored,
)
from index.store import Store, extract
from ingest.bounded import ReadLimits

_EMBEDDER: Embedder | None = None  # the worker process's model, set by ``_start_worker``


def _start_worker(embedder: Embedder, threads: int, nice: int) -> None:
    global _EMBEDDER
    if nice:
        os.nice(nice)
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read when the model's library starts
    _EMBEDDER = embedder


def prepare(path: str, ocr: bool, limits: ReadLimits | None) -> Prepared:
    """In a worker: read, chunk, embed and extract one file (everything but the write)."""
    assert _EMBEDDER is not None, "prepare runs in a worker started by ingest_files"
    prep = read_chunks(Path(path), ocr, limits)
    if prep.doc.status != "ok" or not prep.chunks:
        return prep
    parts = [embed_windows(_EMBEDDER, prep.chunks[i : i + EMBED_BATCH])
             for i in range(0, len(prep.chunks), EMBED_BATCH)]
    return dataclasses.replace(prep, vectors=np.concatenate(parts), extraction=extract(prep.doc))


def threads_per_worker(workers: int) -> int:
    """Math threads for each worker: the cores shared out, at least one.

    >>> threads_per_worker(1) == (os.cpu_count() or 1), threads_per_worker(10_000)
    (True, 1)
    """
    return max(1, (os.cpu_count() or 1) // workers)


def _from_worker(chunks: list[Chunk]) -> tuple[np.ndarray, int]:
    raise RuntimeError("a prepared document with clauses always carries its vectors")


@dataclasses.dataclass
class _Job:
    n: int
    path: Path
    sha: str
    future: Future[Prepared]
    started: float


def ingest_files(files: Sequence[Path], store: Store, embedder: Embedder,
                 progress: ProgressFn | None = None, *, workers: int, ocr: bool = False,
                 limits: ReadLimits | None = None, nice: int = 0) -> tuple[list[FileResult], bool]:
    """``files`` read and embedded in ``workers`` processes, written here in groups.

    Returns one result per file in input order, and whether the Chroma server went
    away (then the file being written and every later one are reported interrupted).
    """
    results: dict[int, FileResult] = {}
    clauses = 0

    def tick(current: str) -> None:
        if progress:
            progress(Progress(len(results), len(files), clauses, current))

    def finish(n: int, path: Path, started: float, result: FileResult) -> None:
        nonlocal clauses
        results[n] = dataclasses.replace(result, seconds=round(time.perf_counter() - started, 3))
        clauses += result.clauses if stored(result) else 0
        tick(path.name)

    def done(ready: Ready, result: FileResult) -> None:
        finish(ready.key, ready.path, ready.started, result)

    writer = GroupWriter(store, done, ocr=ocr)  # each group re-checked under the lock

    def settle(job: _Job) -> None:
        tick(job.path.name)
        try:
            prep = job.future.result()
        except Exception as exc:  # noqa: BLE001 — a crashed worker is this file's problem only
            results[job.n] = FileResult(job.path.name, "error",
                                        f"lỗi khi nạp ({type(exc).__name__}: {exc})")
            return
        got = ready_for_store(job.path, job.sha, prep, _from_worker, key=job.n, started=job.started)
        if isinstance(got, Ready):
            writer.add(got)
        else:
            finish(job.n, job.path, job.started, got)

    context = multiprocessing.get_context("spawn")  # never fork a process holding Chroma's threads
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(embedder, threads_per_worker(workers), nice)) as pool:
        inflight: deque[_Job] = deque()
        try:
            for n, path in enumerate(files):
                if path.suffix.lower() == ".json" or not path.is_file():  # law corpora: in here
                    with store.writing():
                        results[n] = ingest_file(path, store, embedder, ocr=ocr, limits=limits) \
                            if path.is_file() else missing_file(path)
                    continue
                sha = file_sha256(path)
                writer.admit(path.name, sha)
                known = _skip(path, store, sha, ocr)  # checked again under the lock before writing
                if known is not None:
                    results[n] = known
                    tick(path.name)
                    continue
                inflight.append(_Job(n, path, sha, pool.submit(prepare, str(path), ocr, limits),
                                     time.perf_counter()))
                while len(inflight) >= 2 * workers:
                    settle(inflight.popleft())
            while inflight:
                settle(inflight.popleft())
            writer.flush()
        except StoreUnavailableError as err:
            writer.drop()
            for job in inflight:
                job.future.cancel()
            later = [f for k, f in enumerate(files) if k not in results]
            return [results[k] for k in sorted(results)] + interrupted(later, err), True
    return [results[k] for k in sorted(results)], False
