"""Retrieval on the dev set with questions typed without diacritics, against accented ones.

    .venv/bin/python evals/unaccented_eval.py [--json] [--files N]

A thin script: the logic is :mod:`vanban.evaluation.unaccented`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation.unaccented import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
