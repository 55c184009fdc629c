"""Where the evaluation data lives: ``evals/`` of the source checkout, ``../shared`` beside it.

The data sets stay in the checkout's ``evals/`` (they are not installed). The
checkout is the one this package sits in; an installed package, which sits in
site-packages, looks in the current directory instead, so ``vanban eval`` run
from a checkout finds the data sets there too.
"""

from __future__ import annotations

from pathlib import Path

from vanban.settings import shared_dir

PACKAGE_HOME = Path(__file__).resolve().parents[2]


def checkout_root(home: Path = PACKAGE_HOME) -> Path:
    """``home`` when it holds ``evals/`` (a source checkout), else the current directory."""
    return home if (home / "evals").is_dir() else Path.cwd()


ROOT = checkout_root()
EVALS = ROOT / "evals"
SHARED = shared_dir(ROOT)
