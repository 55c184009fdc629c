"""The original files, kept in the index folder so any face can show or hand them back.

Each ingested file is copied, content-addressed, to ``<db>/originals/<sha256>``
(the SHA-256 of its bytes, the ``DocRecord.sha256`` of its registry record), with
its parsed form beside it (``<sha256>.json``: the ``vanban parse --json`` shape,
plus the body text the clause spans index into). A web server therefore needs no
access to the disk the file was uploaded from. In server mode (Chroma on another
machine) the originals still live in the *local* index folder of the process that
ingested them.

Files are written atomically (temporary name, then ``os.replace``) before the
document becomes visible, and ``prune`` deletes those no registered document uses
any more. ``locate`` is the only way to a stored path: it accepts nothing but a
64-hex-digit hash and refuses any path that resolves outside the folder (a
symlink planted there, say).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.model import Document

__all__ = ["FOLDER", "is_hash", "keep", "load_view", "locate", "prune", "view_of"]

FOLDER = "originals"
VIEW_SUFFIX = ".json"
_HASH = re.compile(r"[0-9a-f]{64}")


def is_hash(value: str) -> bool:
    """Whether ``value`` is a SHA-256 in lowercase hex (nothing else names a stored file).

    >>> is_hash("a" * 64), is_hash("../" + "a" * 61), is_hash("A" * 64)
    (True, False, False)
    """
    return bool(_HASH.fullmatch(value))


def folder(db_path: Path) -> Path:
    return db_path / FOLDER


def locate(db_path: Path, sha256: str, suffix: str = "") -> Path | None:
    """The stored file for ``sha256`` (``suffix`` ``.json``: its parsed view), or ``None``
    when the hash is malformed, the file is absent or it resolves outside the folder."""
    if not is_hash(sha256) or suffix not in ("", VIEW_SUFFIX):
        return None
    root = folder(db_path).resolve()
    path = (root / f"{sha256}{suffix}").resolve()
    if not path.is_relative_to(root) or path.parent != root or not path.is_file():
        return None
    return path


def view_of(doc: Document) -> dict[str, Any]:
    """What the original's page is rendered from: ``vanban parse --json`` plus text and pages."""
    from ingest.parse import document_to_dict

    return {**document_to_dict(doc), "text": doc.text, "pages": doc.pages, "paged": doc.paged,
            "file": Path(doc.file).name}


def _write_atomically(target: Path, write: Any) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def keep(db_path: Path, source: Path, sha256: str, doc: Document) -> None:
    """Copy ``source`` (whose bytes hash to ``sha256``) and its parsed view into the folder.

    Call under the store's writer lock, before the document becomes visible. The
    view is rewritten every time (a newer parser may read the same bytes better).
    """
    if not is_hash(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    root = folder(db_path)
    root.mkdir(parents=True, exist_ok=True)
    target = root / sha256
    if not target.is_file() or target.is_symlink():
        target.unlink(missing_ok=True)
        _write_atomically(target, lambda tmp: shutil.copyfile(source, tmp))
    else:
        os.utime(target)  # fresh again: ``prune``'s grace protects it until it is registered
    text = json.dumps(view_of(doc), ensure_ascii=False)
    _write_atomically(root / f"{sha256}{VIEW_SUFFIX}",
                      lambda tmp: tmp.write_text(text, encoding="utf-8"))


def load_view(db_path: Path, sha256: str) -> dict[str, Any] | None:
    """The parsed view kept for ``sha256``, or ``None`` when there is none (or it is unreadable)."""
    path = locate(db_path, sha256, VIEW_SUFFIX)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def prune(db_path: Path, live: Iterable[str], grace_s: float = 0.0) -> int:
    """Delete the kept files whose hash is not in ``live``; returns how many originals went.

    ``grace_s``: spare files written that recently — on a Chroma server another
    process may have kept a file whose document it has not registered yet.
    """
    root = folder(db_path)
    if not root.is_dir():
        return 0
    keep_hashes = set(live)
    cutoff = time.time() - grace_s
    gone = 0
    for entry in root.iterdir():
        sha = entry.name.removesuffix(VIEW_SUFFIX)
        if not is_hash(sha) or sha in keep_hashes:
            continue  # temporary files of a writer, or still used
        if grace_s and entry.lstat().st_mtime > cutoff:
            continue
        entry.unlink(missing_ok=True)
        gone += entry.name == sha
    return gone
