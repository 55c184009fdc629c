"""Shared fixtures. Real documents come from ../shared/corpus when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vanban.settings import shared_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = shared_dir(ROOT)
SHARED_CORPUS = SHARED / "corpus"
SAMPLE_CORPUS = ROOT / "corpus"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The real documents in ../shared/corpus; skips when they are not there."""
    if not (SHARED_CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"../shared/corpus not found at {SHARED_CORPUS} (set VANBAN_SHARED)")
    return SHARED_CORPUS


def shared_file(prefix: str, folder: Path = SHARED_CORPUS) -> Path:
    """The file of a shared folder (``corpus`` by default) whose name starts with
    ``prefix`` (e.g. ``"29_"``); skips, saying why, when it is not there."""
    if not folder.exists():
        pytest.skip(f"../shared/{folder.name} not found at {folder} (set VANBAN_SHARED)")
    hits = sorted(p for p in folder.iterdir() if p.name.startswith(prefix))
    if not hits:
        pytest.skip(f"no file starting with {prefix!r} in {folder}")
    return hits[0]
