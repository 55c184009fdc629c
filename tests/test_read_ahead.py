"""Read-ahead in a serial ingest: the next file is read (in its bounded worker process)
while this one is embedded, and what is stored is what a plain read would store."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import index.pipeline as pipeline
from index.embedders import FakeEmbedder
from index.pipeline import Prepared, ReadAhead, file_sha256, ingest_paths, read_chunks
from index.store import Store
from tests.conftest import SAMPLE_CORPUS
from vanban.settings import Config


class SlowEmbedder(FakeEmbedder):
    """FakeEmbedder that takes 0.4 s a call (a real model's pace) and notes when."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[float, float]] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        start = time.monotonic()
        time.sleep(0.4)
        out = super().embed_passages(texts)
        self.calls.append((start, time.monotonic()))
        return out


def test_the_next_file_is_read_while_this_one_is_embedded(tmp_path: Path, monkeypatch) -> None:
    files = sorted(p for p in SAMPLE_CORPUS.iterdir() if p.suffix in (".docx", ".pdf"))
    assert len(files) >= 3
    reads: list[tuple[str, float, float, str]] = []
    real_read = pipeline.read_chunks

    def noting(path: Path, ocr: bool = False, limits=None) -> Prepared:  # type: ignore[no-untyped-def]
        start = time.monotonic()
        prep = real_read(path, ocr, limits)
        reads.append((path.name, start, time.monotonic(), threading.current_thread().name))
        return prep

    monkeypatch.setattr(pipeline, "read_chunks", noting)
    embedder = SlowEmbedder()
    store = Store.open(Config(db=str(tmp_path / "db")), embedder)
    results = ingest_paths(files, store, embedder)

    assert [r.status for r in results] == ["ingested"] * len(files)
    assert sorted(name for name, *_ in reads) == sorted(p.name for p in files)  # each read once
    ahead = [r for r in reads if r[3].startswith("vanban-read-ahead")]
    assert len(ahead) == len(files) - 1  # every file after the first was read ahead
    # ... and at least one of those reads ran while the model was embedding
    assert any(s < e_end and s_end > e_start
               for _, s, s_end, _ in ahead for e_start, e_end in embedder.calls)
    # what was stored is what reading each file on its own gives
    plain = {p.name: len(read_chunks(p).chunks) for p in files}
    assert {r.file: r.clauses for r in results} == plain


def test_a_file_changed_after_its_read_ahead_is_read_again(tmp_path: Path) -> None:
    first, second = SAMPLE_CORPUS / "cong-van-612-SCT-QLCN.docx", SAMPLE_CORPUS / "ke-hoach-45-KH-UBND.docx"
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    a.write_bytes(first.read_bytes())
    b.write_bytes(first.read_bytes())
    with ReadAhead([a, b]) as ahead:
        ahead.reader(0)(a, file_sha256(a))  # reading a starts reading b ahead
        ahead._ahead[1].result(timeout=120)
        b.write_bytes(second.read_bytes())  # b changes after its read ahead
        prep = ahead.reader(1)(b, file_sha256(b))
    expected = [c.text for c in read_chunks(second).chunks]
    assert expected and [c.text for c in prep.chunks] == expected


def test_unchanged_files_read_nothing_ahead(tmp_path: Path, monkeypatch) -> None:
    files = sorted(p for p in SAMPLE_CORPUS.iterdir() if p.suffix in (".docx", ".pdf"))
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    ingest_paths(files, store, FakeEmbedder())
    reads: list[str] = []
    real_read = pipeline.read_chunks
    monkeypatch.setattr(pipeline, "read_chunks",
                        lambda path, ocr=False, limits=None: reads.append(path.name)
                        or real_read(path, ocr, limits))
    again = ingest_paths(files, store, FakeEmbedder())
    assert {r.status for r in again} == {"unchanged"} and reads == []
