"""Two processes on one embedded index (issue 13, rows 2 and 3): no loss, no duplicates.

Real ``vanban`` processes, a real embedded Chroma and the real parser, with the
fake embedder. ``vanban check --json`` proves the outcome: every registered
document has exactly its clauses and assignments stored, and nothing else is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "corpus").iterdir()),
           *sorted((ROOT / "tests" / "fixtures" / "eval_tiny" / "corpus").iterdir())]

pytestmark = pytest.mark.slow

READER = """
import sys, time
from pathlib import Path
from index.store import Store
from vanban.settings import load_config
config = load_config(environ={}, db=sys.argv[1])
done = Path(sys.argv[2])
opened = errors = 0
while not done.exists():
    try:
        store = Store.open(config)
        store.documents()
        store.chunks()
        opened += 1
    except Exception as exc:  # a read that raced the writer: counted, never fatal
        errors += 1
        print(type(exc).__name__, exc, file=sys.stderr)
print(opened, errors)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "VANBAN_EMBEDDER": "fake"}


def _vanban(*args: str) -> list[str]:
    return [sys.executable, "-m", "vanban.cli", *args]


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for src in SOURCES:
        shutil.copy(src, folder / src.name)
    return folder


def _check(db: Path) -> dict[str, object]:
    got = subprocess.run(_vanban("check", "--json", "--db", str(db)), env=_env(),
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stdout + got.stderr
    report: dict[str, object] = json.loads(got.stdout)
    return report


def _assert_exact(db: Path, expected: dict[str, int]) -> None:
    report = _check(db)
    documents = report["documents"]
    assert isinstance(documents, list)
    assert {d["file"]: d["stored"] for d in documents} == expected  # no loss
    assert all(d["stored"] == d["clauses"] and not d["problems"] for d in documents)
    assert report["strays"] == 0 and report["ok"] is True  # no duplicates, no leftovers


def _alone(docs: Path, tmp_path: Path) -> dict[str, int]:
    """Clause counts of the same files ingested with no other process around."""
    db = tmp_path / "alone"
    subprocess.run(_vanban("ingest", str(docs), "--db", str(db), "-q"), env=_env(), check=True,
                   capture_output=True, timeout=600)
    report = _check(db)
    documents = report["documents"]
    assert isinstance(documents, list) and len(documents) == len(SOURCES)
    return {d["file"]: d["clauses"] for d in documents}


def test_an_ingest_against_a_loop_of_store_open_loses_nothing(docs: Path, tmp_path: Path) -> None:
    expected = _alone(docs, tmp_path)
    db, done = tmp_path / "db", tmp_path / "done"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(done)], env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ingest = subprocess.run(_vanban("ingest", str(docs), "--db", str(db), "-q"), env=_env(),
                                capture_output=True, text=True, timeout=600)
    finally:
        done.touch()
        out, err = reader.communicate(timeout=120)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    opened, errors = map(int, out.split())
    print(f"reader: {opened} opens+reads during the ingest, {errors} failed reads", err[-2000:])
    assert opened > 0
    _assert_exact(db, expected)
    again = subprocess.run(_vanban("ingest", str(docs), "--db", str(db)), env=_env(),
                           capture_output=True, text=True, timeout=600)
    assert again.stdout.count("[không đổi]") == len(SOURCES), again.stdout


def test_two_concurrent_ingests_of_the_same_files(docs: Path, tmp_path: Path) -> None:
    expected = _alone(docs, tmp_path)
    db = tmp_path / "db"
    procs = [subprocess.Popen(_vanban("ingest", str(docs), "--db", str(db), "-q"), env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
        assert "InternalError" not in out + err
    # each file stored once: one process ingested it, the other found it unchanged
    for name in expected:
        lines = [line for out, _ in outs for line in out.splitlines() if f"] {name}" in line]
        assert sorted(line.split("]")[0] for line in lines) == ["  [không đổi", "  [đã nạp"], lines
    _assert_exact(db, expected)
