"""The search snapshot saved beside the index: used when current, rebuilt when stale or corrupt.

Real sample documents (``corpus/``), a real embedded Chroma, the fake embedder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

import index.store as store_module
from index import saved
from index.chunkfile import ChunkFile, ChunkMap, accepted, doc_order, doc_rows
from index.chunks import SearchFilters
from index.embedders import FakeEmbedder
from index.errors import StoreError
from index.lexical import LexicalIndex
from index.pipeline import ingest_paths, parse
from index.store import Store, extract
from vanban.service import Snapshot, Vanban
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
                                    "swap rows", "edit a chunk in place", "truncate offsets",
                                    "truncate postings", "older format"])
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
    elif damage == "swap rows":  # two chunk lines swapped: same sizes, rows no longer match BM25's ids
        path = folder / "chunks.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[0], lines[1] = lines[1], lines[0]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif damage == "edit a chunk in place":  # same size, same ids: only the checksum tells
        path = folder / "chunks.jsonl"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Sở Công Thương", "Sở Công Thươnx", 1), encoding="utf-8")
    elif damage == "truncate offsets":
        path = folder / "offsets.npy"
        path.write_bytes(path.read_bytes()[:-8])
    elif damage == "truncate postings":
        path = folder / "lexical" / "main_rows.npy"
        path.write_bytes(path.read_bytes()[:-4])
    else:  # written by an older version: read nothing of it, rebuild and replace it
        state = folder / saved.STATE_FILE
        state.write_text(state.read_text(encoding="utf-8").replace(f'"format": {saved.FORMAT}', '"format": 1'),
                         encoding="utf-8")
    assert saved.load(db, folder.name) is None
    reader = _service(db)
    assert reader.ask(FIRE, k=3) == expected
    assert len(reader.snapshot().chunks) == 44
    assert saved.load(db, folder.name) is not None  # the rebuild saved a good one in its place


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


def test_lazy_chunks_equal_the_stored_ones(tmp_path: Path) -> None:
    """A saved snapshot's chunks, decoded line by line on access, are the very chunks Chroma
    holds; filters, document order and lookups by id agree with the eager list."""
    db = tmp_path / "db"
    _service(db).ingest([CONG_VAN, KE_HOACH, CHI_THI])
    eager = Store.open(load_config(environ={}, db=str(db)), FakeEmbedder()).state().chunks
    snap = _service(db).snapshot()
    lazy = snap.state.chunks
    assert isinstance(lazy, ChunkFile) and isinstance(snap.chunks, ChunkMap)
    assert list(lazy) == list(eager) and lazy[-1] == eager[-1] and lazy[2:5] == eager[2:5]
    assert [snap.chunks[c.id] for c in eager] == list(eager) and list(snap.chunks) == [c.id for c in eager]
    assert doc_order(lazy) == doc_order(eager) and len(doc_order(lazy)) == 3
    wanted = frozenset({eager[0].doc_id})
    assert np.array_equal(doc_rows(lazy, wanted), doc_rows(eager, wanted))
    for filters in (SearchFilters(files=(KE_HOACH.name,)), SearchFilters(issuers=("công thương",)),
                    SearchFilters(doc_types=("Chỉ thị",), date_from=dt.date(2020, 1, 1)),
                    SearchFilters(date_to=dt.date(2000, 1, 1))):
        expected = [filters.accepts(c) for c in eager]
        assert accepted(lazy, filters).tolist() == accepted(eager, filters).tolist() == expected
    with pytest.raises(IndexError):
        lazy[len(eager)]


def test_filtered_answers_from_lazy_chunks_equal_answers_from_a_rebuilt_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _service(db).ingest([CONG_VAN, KE_HOACH, CHI_THI])
    lazy = _service(db)
    rebuilt = _service(db)
    state = rebuilt.store.state()  # from Chroma, chunks as a list in memory
    rebuilt._snapshot = Snapshot.of(state, LexicalIndex.build(state.chunks))
    assert isinstance(lazy.snapshot().state.chunks, ChunkFile)
    assert not isinstance(rebuilt.snapshot().state.chunks, ChunkFile)
    filters = SearchFilters(files=(KE_HOACH.name, CONG_VAN.name))
    for question in (FIRE, "bao cao ket qua kiem tra hoa chat"):
        assert lazy.search(question, k=5, filters=filters) == rebuilt.search(question, k=5, filters=filters)
        assert lazy.search(question, k=5, mode="dense", filters=filters) == rebuilt.search(
            question, k=5, mode="dense", filters=filters)
        assert lazy.ask(question) == rebuilt.ask(question)


def test_the_model_loads_in_the_background_while_the_snapshot_maps(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _service(db).ingest([CONG_VAN])
    loaded = threading.Event()

    class Loading(FakeEmbedder):
        def load(self) -> None:
            assert threading.current_thread() is not threading.main_thread()
            loaded.set()

    reader = Vanban(load_config(environ={}, db=str(db)), Loading())
    reader.snapshot()
    assert loaded.wait(10)
