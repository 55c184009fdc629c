"""Retrieval quality on the dev set: Recall@1, Recall@5 and MRR@10 per search mode.

    .venv/bin/python evals/retrieval_eval.py [--baseline st:minilm] [--tune] [--json]

A thin script: the logic is :mod:`vanban.evaluation.retrieval`, which
``vanban eval`` imports too, so both report the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation.retrieval import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
