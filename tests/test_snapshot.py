"""One snapshot per index state, assignments stored at ingest, and ``vanban check``.

Real sample documents (``corpus/``) through the real parser and a real embedded
Chroma, with the fake embedder so no model is loaded.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import index.store as store_module
import vanban.service as service_module
from index.embedders import FakeEmbedder
from index.errors import StoreError
from index.pipeline import parse
from index.store import Store, extract
from vanban.cli import main
from vanban.service import Vanban
from vanban.settings import load_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CONG_VAN = CORPUS / "cong-van-612-SCT-QLCN.docx"
KE_HOACH = CORPUS / "ke-hoach-45-KH-UBND.docx"
FIRE = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
FIRE_ANSWER = "Công an tỉnh chủ trì, phối hợp với Sở Công Thương; hạn trước ngày 15/12/2026, hằng năm [1]."


def _service(db: Path) -> Vanban:
    return Vanban(load_config(environ={}, db=str(db)), FakeEmbedder())


def _cli(db: Path, *args: str) -> tuple[int, str]:
    got = CliRunner().invoke(main, [*args, "--db", str(db), "--embedder", "fake"])
    return got.exit_code, got.output


def test_assignments_are_the_ones_extracted_from_the_parsed_document(tmp_path: Path) -> None:
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN, KE_HOACH])
    resp = vb.responsibilities()
    stored = [*resp.all(), *resp.unowned()]
    expected = [a for path in (CONG_VAN, KE_HOACH) for a in extract(parse(path).document).assignments]
    assert sorted(stored, key=repr) == sorted(expected, key=repr) and len(stored) > 20
    records = {r.file: r for r in vb.documents()}
    assert records[KE_HOACH.name].extraction == "ok"
    assert sum(r.assignments for r in records.values()) == len(stored)


def test_a_question_during_a_rebuild_is_answered_from_the_old_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "REGISTRY_TTL_S", 0.0)
    reader, writer = _service(tmp_path / "db"), _service(tmp_path / "db")
    writer.ingest([CONG_VAN])
    before = reader.ask(FIRE, k=2)
    old = reader.snapshot()
    writer.ingest([KE_HOACH])

    started, release = threading.Event(), threading.Event()
    real_build = Vanban._build

    def slow_build(self: Vanban) -> service_module.Snapshot:
        started.set()
        assert release.wait(30)
        return real_build(self)

    monkeypatch.setattr(Vanban, "_build", slow_build)
    t0 = time.perf_counter()
    during = reader.ask(FIRE, k=2)  # sees the change, starts the rebuild, does not wait for it
    assert started.wait(10)
    again = reader.ask(FIRE, k=2)  # the rebuild is still blocked
    waited = time.perf_counter() - t0
    assert during == before and again == before and reader.snapshot() is old
    assert waited < 5
    release.set()
    reader.settle()
    assert reader.snapshot() is not old
    assert reader.ask(FIRE, k=2).text == FIRE_ANSWER
    assert {a["file"] for a in reader.tasks("Công an tỉnh")} == {CONG_VAN.name, KE_HOACH.name}


def test_chunks_are_read_from_chroma_once_per_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN])
    vb.ask(FIRE)
    reads: list[str] = []
    real = Store._chunk_vectors

    def counting(self: Store, allowed: set[str], by_doc: bool = False) -> object:
        reads.append("chunk_vectors")
        return real(self, allowed, by_doc)

    monkeypatch.setattr(Store, "_chunk_vectors", counting)
    monkeypatch.setattr(Store, "chunks", lambda *a, **k: reads.append("chunks") or [])
    vb.ingest([KE_HOACH])
    vb.ask(FIRE)
    vb.tasks("Công an tỉnh")
    vb.deadlines()
    assert reads == ["chunk_vectors"]


def test_an_extraction_failure_is_recorded_and_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_module.extract_assignments

    def flaky(doc: object) -> object:
        if getattr(doc, "file", "") == KE_HOACH.name:
            raise RuntimeError("boom")
        return real(doc)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "extract_assignments", flaky)
    vb = _service(tmp_path / "db")
    results = vb.ingest([CONG_VAN, KE_HOACH])
    assert [r.status for r in results] == ["ingested", "ingested"]
    assert "không trích được phân công (RuntimeError: boom)" in results[1].message
    record = vb.store.find(KE_HOACH.name)
    assert record is not None and record.extraction == "error" and record.assignments == 0
    assert {a["file"] for a in vb.tasks("Công an tỉnh")} == {CONG_VAN.name}  # the rest still answers
    code, out = _cli(tmp_path / "db", "list")
    assert code == 0 and "lỗi trích phân công: không trích được phân công (RuntimeError: boom)" in out
    code, _ = _cli(tmp_path / "db", "check")
    assert code == 0  # recorded failure: the stored content is what the record says


def test_check_finds_missing_chunks_and_ingest_repairs_instead_of_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "db"
    vb = _service(db)
    vb.ingest([CONG_VAN, KE_HOACH])
    code, out = _cli(db, "check")
    assert code == 0 and "2 khớp, 0 không khớp" in out
    record = vb.store.find(KE_HOACH.name)
    assert record is not None
    with vb.store.writing():  # what issue 13's reader cleanup did: chunks gone, record kept
        vb.store._chunks.delete(where={"doc_id": record.doc_id})
    code, out = _cli(db, "check", "--json")
    report = json.loads(out)
    bad = [d for d in report["documents"] if d["problems"]]
    assert code == 1 and [(d["file"], d["stored"], d["clauses"]) for d in bad] == [
        (KE_HOACH.name, 0, record.clauses)]
    code, out = _cli(db, "check", "--repair")  # no original given: says which file to ingest
    assert code == 1 and f"[cần nạp lại] {KE_HOACH.name}" in out
    again = _service(db).ingest([CONG_VAN, KE_HOACH])
    assert [r.status for r in again] == ["unchanged", "replaced"]  # never "không đổi" when incomplete
    code, out = _cli(db, "check")
    assert code == 0, out


def test_check_repair_reingests_from_the_originals(tmp_path: Path) -> None:
    db = tmp_path / "db"
    vb = _service(db)
    vb.ingest([CONG_VAN, KE_HOACH])
    record = vb.store.find(CONG_VAN.name)
    assert record is not None
    with vb.store.writing():
        got = vb.store._chunks.get(where={"doc_id": record.doc_id}, include=[])
        vb.store._chunks.delete(ids=got["ids"][:2])
    code, out = _cli(db, "check", "--repair", str(CORPUS))
    assert code == 0 and "[thay bản cũ] cong-van-612-SCT-QLCN.docx" in out and "2 khớp" in out
    checks, strays = _service(db).store.check()
    assert strays == 0 and [(c.stored, c.record.clauses) for c in checks if c.record.file == CONG_VAN.name] == [
        (record.clauses, record.clauses)]


def test_a_reader_never_cleans_up_a_running_writers_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db"
    config = load_config(environ={}, db=str(db))
    writer = Store.open(config, FakeEmbedder())
    in_flip, release = threading.Event(), threading.Event()
    real_flip = Store._flip

    def slow_flip(self: Store, *args: object) -> None:
        in_flip.set()
        assert release.wait(30)
        real_flip(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_flip", slow_flip)
    vb = Vanban(config, FakeEmbedder())
    vb._store = writer
    thread = threading.Thread(target=vb.ingest, args=([KE_HOACH],))
    thread.start()
    assert in_flip.wait(30)  # chunks written, intent pending, not yet visible
    stored = writer.count()
    assert stored > 0
    reader = Store.open(config)  # the open that used to delete the pending chunks
    assert reader.count() == stored and reader.documents() == []
    release.set()
    thread.join(30)
    checks, strays = Store.open(config).check()
    assert [(c.record.file, c.stored, c.ok) for c in checks] == [(KE_HOACH.name, stored, True)]
    assert strays == 0


def test_a_crash_leftover_is_cleaned_by_the_next_open_when_no_writer_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(environ={}, db=str(tmp_path / "db"))
    store = Store.open(config, FakeEmbedder())

    def crash(self: Store, *args: object) -> None:
        raise KeyboardInterrupt("killed before the flip")

    monkeypatch.setattr(Store, "_flip", crash)
    vb = Vanban(config, FakeEmbedder())
    vb._store = store
    with pytest.raises(KeyboardInterrupt):
        vb.ingest([CONG_VAN])
    monkeypatch.undo()
    assert store.count() > 0
    assert Store.open(config).count() == 0  # lock free: every intent is a leftover


def test_a_second_writer_waits_then_is_refused_naming_the_server_mode(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = load_config(environ={}, db=str(tmp_path / "db"))
    store = Store.open(config, FakeEmbedder())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(30)", str(tmp_path / "db" / store_module.LOCK_FILE)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        told: list[str] = []
        store.on_wait = told.append
        with pytest.raises(StoreError, match="--chroma-url"), store.writing(timeout=0.5):
            pass
        assert told and "đang chờ" in told[0]
    finally:
        holder.kill()
        holder.wait()
    with store.writing(timeout=5):  # free again
        pass
