"""Ingest throughput with grouped store writes against one write per document (issue 12).

    .venv/bin/python evals/ingest_groups.py --files 60 --clauses 50

Writes ``--files`` synthetic plans (``--clauses`` numbered clauses each) as .txt, then
ingests them with the real reader (a bounded worker process per file) and the fake
embedder — so the figures are the pipeline without the model: reading, hashing,
chunking, assignment extraction and the store write — into a fresh embedded index,
once with the default groups (``index.pipeline.WRITE_GROUP_CLAUSES`` / ``_WAIT_S``)
and once with every document written alone. Prints clauses/s, the time inside
``Store.put_documents`` and the number of writes, with the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import index.pipeline as pipeline  # noqa: E402
from index.embedders import FakeEmbedder  # noqa: E402
from index.store import Store  # noqa: E402
from vanban.settings import Config  # noqa: E402

_TEXT = ("Sở Công Thương chủ trì phối hợp Sở Tài chính kiểm tra giám sát báo cáo kết quả thực hiện "
         "kế hoạch an toàn hóa chất cụm công nghiệp trước ngày hằng quý Ủy ban nhân dân huyện")
WORDS = tuple(_TEXT.split(" "))


def plan_text(n: int, clauses: int, rng: random.Random) -> str:
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", f"Số: {n + 1}/KH-UBND", "Lào Cai, ngày 2 tháng 5 năm 2025",
             "KẾ HOẠCH", f"Thực hiện nhiệm vụ năm 2025 số {n + 1}", "I. NHIỆM VỤ"]
    lines += [f"{k + 1}. " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))) + "."
              for k in range(clauses)]
    return "\n".join(lines) + "\n"


def run(files: list[Path], db: Path, group: bool) -> tuple[int, float, float, int]:
    if not group:
        pipeline.WRITE_GROUP_CLAUSES = 1
    puts: list[float] = []
    real = Store.put_documents

    def timed(self: Store, items):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(self, items)
        finally:
            puts.append(time.perf_counter() - start)

    Store.put_documents = timed  # type: ignore[method-assign]
    try:
        store = Store.open(Config(db=str(db)), FakeEmbedder())
        start = time.perf_counter()
        results = pipeline.ingest_paths(files, store, FakeEmbedder(), lexical=False)
        took = time.perf_counter() - start
    finally:
        Store.put_documents = real  # type: ignore[method-assign]
    return sum(r.clauses for r in results if r.status == "ingested"), took, sum(puts), len(puts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--clauses", type=int, default=50)
    args = ap.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        files = []
        for n in range(args.files):
            path = folder / f"ke-hoach-{n:04d}.txt"
            path.write_text(plan_text(n, args.clauses, rng), encoding="utf-8")
            files.append(path)
        defaults = (pipeline.WRITE_GROUP_CLAUSES, pipeline.WRITE_GROUP_WAIT_S)
        for group in (True, False):
            n, took, put_s, writes = run(files, Path(tmp) / f"db-{group}", group)
            label = "groups" if group else "one document per write"
            print(f"{label}: {n} clauses in {took:.1f} s = {n / took:.0f} clauses/s; "
                  f"put_documents {put_s:.1f} s in {writes} writes; load {os.getloadavg()[0]:.1f}",
                  flush=True)
        pipeline.WRITE_GROUP_CLAUSES, pipeline.WRITE_GROUP_WAIT_S = defaults


if __name__ == "__main__":
    main()
