"""A search snapshot saved beside the index, one folder per index state, loaded memory-mapped.

What questions read for one registry revision — the visible chunks, their
vectors, BM25 and the assignments — is written to ``<db>/snapshot/<revision>/``
by whichever process built it, so the next process to start at that revision
reads it from disk instead of re-reading every chunk from Chroma (and never
loads Chroma's vector index, which search does not use)::

    vectors.npy    float32, row i ↔ line i of chunks.jsonl  (np.load(mmap_mode="r"))
    chunks.jsonl   one chunk per line, fields in ``Chunk`` order, read lazily
                   (``index.chunkfile.ChunkFile``: a line is decoded when a search needs it)
    offsets.npy    int64, where each line starts (and the file's size last)
    groups.npy     int32, the filter group of each row (``index.chunkfile.row_groups``)
    lexical/       BM25: term counts and postings, mapped (``LexicalIndex.save``)
    state.json     revision, records, assignments, sizes — written last
    accents.json   syllable statistics, added by the first process that counts them

A folder is written under a temporary name and renamed whole, so a reader sees
a complete snapshot or none. Anything that does not fit (another revision or
format, a missing or truncated file, sizes that disagree) makes ``load``
return None and the caller rebuilds from Chroma: a bad snapshot costs time,
never a wrong answer.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
import zlib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np

from index.accents import Accents
from index.chunkfile import ChunkFile, row_groups
from index.chunks import chunk_row
from index.errors import StoreError
from index.lexical import LexicalIndex
from index.store import DocRecord, IndexState, assignments_from_json, assignments_json

SNAPSHOT_DIR = "snapshot"
STATE_FILE = "state.json"
ACCENTS_FILE = "accents.json"  # added later by the first process that needs it (``save_accents``)
FORMAT = 2  # 1: chunks decoded whole at load, BM25 postings recomputed
_FILES = ("vectors.npy", "chunks.jsonl", "offsets.npy", "groups.npy")
KEEP = 2  # snapshot folders kept: the newest, and the one a running server may still map
_TMP_AGE_S = 3600.0  # a temporary folder this old is a crashed writer's leftover

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    """A loaded snapshot: the index state (vectors memory-mapped), its BM25, and the
    ``name/dim`` of the embedder the index was built with."""

    state: IndexState
    lexical: LexicalIndex
    embedder: str = ""


def folder(db_path: Path, revision: str) -> Path:
    return db_path / SNAPSHOT_DIR / revision


def save(db_path: Path, state: IndexState, lexical: LexicalIndex, embedder: str = "") -> Path | None:
    """Write the snapshot of ``state`` (no-op when that revision is saved already); returns
    its folder, or None when it could not be written (a full disk must not stop answers)."""
    if not state.revision:
        return None
    target = folder(db_path, state.revision)
    if _format(target) == FORMAT and load(db_path, state.revision) is not None:
        return target  # saved already (one that does not check out, or of another format, is replaced)
    tmp = db_path / SNAPSHOT_DIR / f".tmp-{uuid.uuid4().hex}"
    try:
        tmp.mkdir(parents=True)
        vectors = np.ascontiguousarray(state.vectors, dtype=np.float32)
        np.save(tmp / "vectors.npy", vectors)
        ends = [0]
        with open(tmp / "chunks.jsonl", "wb") as out:
            for chunk in state.chunks:
                ends.append(ends[-1] + out.write((chunk_row(chunk) + "\n").encode("utf-8")))
        np.save(tmp / "offsets.npy", np.asarray(ends, dtype=np.int64))
        np.save(tmp / "groups.npy", row_groups(state.chunks))
        lexical.save(tmp / "lexical")
        meta = {"format": FORMAT, "revision": state.revision, "signature": state.signature,
                "generation": state.generation, "embedder": embedder,
                "rows": len(state.chunks), "dim": int(vectors.shape[1]) if vectors.ndim == 2 else 0,
                "records": [asdict(r) for r in state.records],
                "assignments": {d: assignments_json(a) for d, a in state.assignments.items()},
                "bytes": {n: (tmp / n).stat().st_size for n in _FILES},
                "crc32": {"chunks.jsonl": crc32(tmp / "chunks.jsonl")}}
        (tmp / STATE_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        old = db_path / SNAPSHOT_DIR / f".tmp-{uuid.uuid4().hex}"
        try:
            if target.exists():  # of an older format: set aside (a reader keeps its open files)
                os.rename(target, old)
            os.rename(tmp, target)
        except OSError:  # another process saved the same revision first: keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.warning("không lưu được ảnh chụp chỉ mục vào %s (%s); lần khởi động sau sẽ dựng lại",
                    target, exc)
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    prune(db_path, keep=target)
    return target


def _format(path: Path) -> int | None:
    """The format a saved folder says it has (None: no readable ``state.json``)."""
    try:
        value = json.loads((path / STATE_FILE).read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def restamp(db_path: Path, revision: str, generation: str) -> None:
    """Record that the snapshot of ``revision`` is also the index at write marker ``generation``
    (a write that changed no document, e.g. a clean-up, moved the marker)."""
    path = folder(db_path, revision) / STATE_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        meta["generation"] = generation
        tmp = path.with_name(f"{STATE_FILE}.{uuid.uuid4().hex}")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError) as exc:
        log.warning("không cập nhật được %s (%s)", path, exc)


def prune(db_path: Path, keep: Path) -> None:
    """Delete older snapshot folders (a process mapping one keeps its open files) and
    temporary folders of crashed writers."""
    root = db_path / SNAPSHOT_DIR
    try:
        entries = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return
    now = time.time()
    done = sorted((p for p in entries if not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    old = [p for p in done if p != keep][KEEP - 1:]
    stale = [p for p in entries if p.name.startswith(".tmp-") and now - p.stat().st_mtime > _TMP_AGE_S]
    for path in old + stale:
        shutil.rmtree(path, ignore_errors=True)


def load(db_path: Path, revision: str) -> Saved | None:
    """The snapshot saved for ``revision``, or None when there is none or it does not check out."""
    path = folder(db_path, revision)
    if not revision or not (path / STATE_FILE).exists():
        return None
    if (found := _format(path)) != FORMAT:
        log.info("ảnh chụp chỉ mục %s có định dạng %s (cần %s); dựng lại từ chỉ mục", path, found, FORMAT)
        return None
    try:
        return _load(path, revision)
    except (OSError, ValueError, KeyError, TypeError, StoreError) as exc:
        log.warning("ảnh chụp chỉ mục %s hỏng (%s: %s); dựng lại từ chỉ mục", path, type(exc).__name__, exc)
        return None


def load_generation(db_path: Path, generation: str) -> Saved | None:
    """The snapshot saved at embedded-index write marker ``generation`` (``store.read_generation``),
    found without opening Chroma; None when there is none."""
    if not generation:
        return None
    for path in _folders(db_path):
        try:
            meta = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("generation") == generation:
            return load(db_path, path.name)
    return None


def _folders(db_path: Path) -> list[Path]:
    """Saved snapshot folders, newest first."""
    try:
        return sorted((p for p in (db_path / SNAPSHOT_DIR).iterdir() if not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []


def load_latest(db_path: Path) -> Saved | None:
    """The newest saved snapshot of any revision that checks out (a base to update), or None."""
    return next((s for p in _folders(db_path) if (s := load(db_path, p.name)) is not None), None)


def _load(path: Path, revision: str) -> Saved:
    meta = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
    if meta["format"] != FORMAT or meta["revision"] != revision:
        raise ValueError(f"định dạng {meta['format']} / phiên bản {meta['revision']}")
    for name, size in meta["bytes"].items():
        if (path / name).stat().st_size != size:
            raise ValueError(f"{name}: {(path / name).stat().st_size} byte, cần {size}")
    rows, dim = int(meta["rows"]), int(meta["dim"])
    vectors = np.load(path / "vectors.npy", mmap_mode="r")
    if vectors.dtype != np.float32 or vectors.shape != (rows, dim):
        raise ValueError(f"vectơ {vectors.dtype} {vectors.shape}, cần float32 {(rows, dim)}")
    lexical = LexicalIndex.load(path / "lexical")
    if len(lexical) != rows or set(meta["bytes"]) != set(_FILES):
        raise ValueError(f"BM25 {len(lexical)} điều khoản, cần {rows}")
    offsets = np.load(path / "offsets.npy", mmap_mode="r")
    groups = np.load(path / "groups.npy", mmap_mode="r")
    if offsets.dtype != np.int64 or groups.dtype != np.int32:
        raise ValueError(f"offsets {offsets.dtype}, groups {groups.dtype}")
    if crc32(path / "chunks.jsonl") != meta["crc32"]["chunks.jsonl"]:
        raise ValueError("chunks.jsonl: tổng kiểm tra không khớp")
    chunks = ChunkFile(path / "chunks.jsonl", offsets, groups, lexical.ids)
    chunks.check()
    names = {f.name for f in fields(DocRecord)}
    records = tuple(DocRecord(**{k: v for k, v in r.items() if k in names}) for r in meta["records"])
    assignments = {d: assignments_from_json(a) for d, a in meta["assignments"].items()}
    state = IndexState(meta["signature"], revision, records, chunks, vectors, assignments,
                       generation=str(meta.get("generation", "")))
    return Saved(state, lexical, str(meta.get("embedder", "")))


def load_accents(db_path: Path, revision: str) -> Accents | None:
    """The syllable statistics a process counted for the snapshot of ``revision`` (for
    questions typed without diacritics), or None when none were kept or they do not read."""
    try:
        return Accents.from_json(json.loads((folder(db_path, revision) / ACCENTS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_accents(db_path: Path, revision: str, accents: Accents) -> None:
    """Keep ``accents`` beside the saved snapshot of ``revision`` (when there is one), so the
    next process does not count them again (100k clauses: ~20 s). Written whole or not at all."""
    target = folder(db_path, revision)
    if _format(target) != FORMAT:
        return
    tmp = target / f".{ACCENTS_FILE}.{uuid.uuid4().hex}"
    try:
        tmp.write_text(json.dumps(accents.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target / ACCENTS_FILE)
    except OSError as exc:
        log.warning("không lưu được %s (%s)", target / ACCENTS_FILE, exc)
        tmp.unlink(missing_ok=True)


def crc32(path: Path, block: int = 1 << 20) -> int:
    """CRC-32 of a file, read in blocks (not mapped: the pages do not count as this process's
    memory). Catches a chunk file changed in place, which sizes alone would not (~0.1 s at 100k)."""
    value = 0
    with open(path, "rb") as file:
        while data := file.read(block):
            value = zlib.crc32(data, value)
    return value


def mapped(path: Path | None, state: IndexState, lexical: LexicalIndex) -> tuple[IndexState, LexicalIndex]:
    """``state`` and its BM25 read back from the copy just saved in ``path``: chunks lazily,
    vectors and postings mapped, so what was built in memory can be freed; unchanged when
    nothing was saved or the copy does not check out."""
    if path is None or not state.revision:
        return state, lexical
    try:
        found = _load(path, state.revision)
    except (OSError, ValueError, KeyError, TypeError, StoreError) as exc:
        log.warning("không đọc lại được ảnh chụp %s (%s); giữ bản trong bộ nhớ", path, exc)
        return state, lexical
    return replace(state, chunks=found.state.chunks, vectors=found.state.vectors), found.lexical
