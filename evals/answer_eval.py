"""Answer quality on evals/questions.jsonl: owner accuracy, due accuracy, found rate, per kind.

    .venv/bin/python evals/answer_eval.py [--embedder fake] [--json] [-v]

A thin script: the logic is :mod:`vanban.evaluation.answers`, which
``vanban eval`` imports too, so both report the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation.answers import main  # noqa: E402

if __name__ == "__main__":
    main()
