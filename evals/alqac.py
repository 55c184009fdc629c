"""ALQAC legal-article retrieval benchmark: BM25, dense and hybrid on Vietnamese statutes.

    .venv/bin/python evals/alqac.py [--year 2023] [--json] [--tune]

A thin script: the logic is :mod:`vanban.evaluation.alqac`, which
``vanban eval`` imports too, so both report the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation.alqac import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
