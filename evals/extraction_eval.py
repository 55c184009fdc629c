"""Score ``extract_assignments`` against the hand-made gold set (evals/gold/assignments.jsonl).

    .venv/bin/python evals/extraction_eval.py [--gold PATH] [--corpus DIR] [--json] [--errors]

A thin script: the logic is :mod:`vanban.evaluation.extraction`, which
``vanban eval`` imports too, so both report the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation.extraction import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
