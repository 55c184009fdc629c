"""The search snapshot saved beside the index: used when current, rebuilt when stale or corrupt.

Real sample documents (``corpus/``), a real embedded Chroma, the fake embedder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import index.store as store_module
from index import saved
from index.embedders import FakeEmbedder
from index.errors import StoreError
from index.pipeline import ingest_paths, parse
from index.store import Store, extract
from vanban.service import Vanban
from vanban.settings import load_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CONG_VAN = CORPUS / "cong-van-612-SCT-QLCN.docx"
KE_HOACH = CORPUS / "ke-hoach-45-KH-UBND.docx"
CHI_THI = CORPUS / "chi-thi-08-CT-UBND.pdf"
FIRE = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"


def _service(db: Path) -> Vanban:
    return Vanban(load_config(environ={}, db=str(db)), FakeEmbedder())


def _no_chroma(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma was opened")

    monkeypatch.setattr(store_module, "_connect", refuse)


def _folders(db: Path) -> list[Path]:
    return [p for p in (db / saved.SNAPSHOT_DIR).iterdir() if not p.name.startswith(".")]


def test_a_new_process_answers_from_the_saved_snapshot_without_opening_chroma(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db"
    writer = _service(db)
    writer.ingest([CONG_VAN, KE_HOACH])  # `vanban ingest` leaves the snapshot of its final state
    expected = writer.ask(FIRE, k=3)
    _no_chroma(monkeypatch)
    reader = _service(db)
    assert reader.ask(FIRE, k=3) == expected
    assert reader.tasks("Công an tỉnh") == writer.tasks("Công an tỉnh")
    assert isinstance(reader.snapshot().state.vectors, np.memmap)  # mapped, not read into memory


def test_a_snapshot_older_than_the_index_is_not_used(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _service(db).ingest([CONG_VAN])  # saved at this state
    # Another writer that saves no snapshot (the pipeline alone): the saved one is now stale.
    store = Store.open(load_config(environ={}, db=str(db)), FakeEmbedder())
    ingest_paths([KE_HOACH], store, FakeEmbedder(), lexical=False)
    reader = _service(db)
    files = {c.file for c in reader.snapshot().chunks.values()}
    assert files == {CONG_VAN.name, KE_HOACH.name}
    assert {a["file"] for a in reader.tasks("Công an tỉnh")} == {CONG_VAN.name, KE_HOACH.name}


@pytest.mark.parametrize("damage", ["truncate vectors", "garbage chunks", "truncate bm25", "drop state",
                                    "swap rows"])
def test_a_corrupt_snapshot_is_rebuilt_never_used(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "db"
    writer = _service(db)
    writer.ingest([CONG_VAN, KE_HOACH])
    expected = writer.ask(FIRE, k=3)
    [folder] = _folders(db)
    if damage == "truncate vectors":
        path = folder / "vectors.npy"
        path.write_bytes(path.read_bytes()[:-64])
    elif damage == "garbage chunks":
        path = folder / "chunks.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(["{not json", *lines[1:]]) + "\n", encoding="utf-8")
    elif damage == "truncate bm25":
        path = folder / "lexical" / "terms.npy"
        path.write_bytes(path.read_bytes()[:150])
    elif damage == "drop state":
        (folder / saved.STATE_FILE).unlink()
    else:  # two chunk lines swapped: same sizes, rows no longer match BM25's ids
        path = folder / "chunks.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[0], lines[1] = lines[1], lines[0]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert saved.load(db, folder.name) is None
    reader = _service(db)
    assert reader.ask(FIRE, k=3) == expected
    assert len(reader.snapshot().chunks) == 44


def test_an_updated_snapshot_equals_one_built_from_scratch(tmp_path: Path) -> None:
    db = tmp_path / "db"
    vb = _service(db)
    vb.ingest([CONG_VAN])
    vb.ask(FIRE)
    vb.ingest([KE_HOACH, CHI_THI])  # built from the previous snapshot plus the two new documents
    vb.remove(CONG_VAN.name)  # and without a document
    updated = vb.snapshot()
    shutil.rmtree(db / saved.SNAPSHOT_DIR)
    fresh = _service(db).snapshot()
    assert sorted(updated.chunks) == sorted(fresh.chunks)
    order = [updated.lexical.ids.index(i) for i in fresh.lexical.ids]
    for query in (FIRE, "bao cao ket qua kiem tra hoa chat", "Sở Công Thương hạn 30/9/2026"):
        assert np.allclose(updated.lexical.scores(query)[order], fresh.lexical.scores(query), rtol=1e-5)
    rows = {c: i for i, c in enumerate(updated.chunks)}
    fresh_rows = [rows[c] for c in fresh.chunks]
    assert np.array_equal(np.asarray(updated.state.vectors)[fresh_rows], np.asarray(fresh.state.vectors))
    assert sorted(map(repr, updated.responsibilities.all())) == sorted(map(repr, fresh.responsibilities.all()))


def test_documents_written_in_one_batch_read_back_like_one_at_a_time(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    items = []
    for path in (CONG_VAN, KE_HOACH, CHI_THI):
        doc = parse(path).document
        chunks = store_module.chunks_from_document(doc)
        items.append((doc, chunks, fake.embed_passages([c.text for c in chunks]), "", extract(doc)))
    batch = Store.open(load_config(environ={}, db=str(tmp_path / "batch")), fake)
    single = Store.open(load_config(environ={}, db=str(tmp_path / "single")), fake)
    batch.put_documents(items)
    for doc, chunks, vecs, sha, got in items:
        single.put_document(doc, chunks, vecs, sha, got)
    a, b = batch.state(), single.state()
    assert a.chunks == b.chunks and np.allclose(a.vectors, b.vectors)
    assert a.assignments == b.assignments and [r.file for r in a.records] == [r.file for r in b.records]
    checks, strays = batch.check()
    assert strays == 0 and all(c.ok for c in checks)


def test_a_batch_with_a_conflict_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    doc = parse(CONG_VAN).document
    chunks = store_module.chunks_from_document(doc)
    vecs = fake.embed_passages([c.text for c in chunks])
    copy = type(doc)(**{**doc.__dict__, "file": "copy.docx"})
    store = Store.open(load_config(environ={}, db=str(tmp_path / "db")), fake)
    with pytest.raises(StoreError, match="copy.docx"):
        store.put_documents([(doc, chunks, vecs, "", None), (copy, chunks, vecs, "", None)])
    assert store.documents() == [] and store.count() == 0
