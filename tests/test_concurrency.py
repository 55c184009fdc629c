"""Readers never wait for writers: questions during an upload, and during another
process's ``vanban ingest`` on the same embedded index.

Real sample documents through the real parser and a real embedded Chroma, with the
fake embedder so no model is loaded. Behaviour only; latency is measured in
``evals/load_test.py``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import index.pipeline as pipeline
import vanban.service as service_module
from index.embedders import FakeEmbedder
from index.store import Store
from ingest.bounded import Bounded, ReadLimits
from vanban.service import Vanban
from vanban.settings import load_config
from vanban.web.view import Page

ROOT = Path(__file__).resolve().parents[1]
CONG_VAN = ROOT / "corpus" / "cong-van-612-SCT-QLCN.docx"
KE_HOACH = ROOT / "corpus" / "ke-hoach-45-KH-UBND.docx"
FIRE = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"


def plan_text(n: int, clauses: int = 10) -> str:
    """A small Kế hoạch with ``clauses`` numbered tasks, distinct for each ``n``."""
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", f"Số: {n}/KH-UBND", "Lào Cai, ngày 5 tháng 3 năm 2026",
             "KẾ HOẠCH", f"Triển khai nhiệm vụ số {n} về quản lý khoáng sản",
             "I. MỤC ĐÍCH, YÊU CẦU", "1. Bảo đảm quản lý chặt chẽ tài nguyên khoáng sản.",
             "II. NHIỆM VỤ CỤ THỂ"]
    lines += [f"{i}. Sở Công Thương chủ trì kiểm tra mỏ đá số {n}-{i}, phối hợp Công an tỉnh "
              f"xử lý vi phạm; hoàn thành trước ngày {i % 28 + 1}/6/2026." for i in range(1, clauses + 1)]
    return "\n".join(lines) + "\n"


def write_plans(folder: Path, count: int, clauses: int = 10) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"kh-{n:03d}.txt" for n in range(count)]
    for n, path in enumerate(paths):
        path.write_text(plan_text(n, clauses), encoding="utf-8")
    return paths


def _service(db: Path) -> Vanban:
    return Vanban(load_config(environ={}, db=str(db)), FakeEmbedder())


def test_a_question_is_answered_while_an_upload_is_in_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN])
    page = Page(vb, vb.config.with_(upload_workers=0))  # read here, so the reader can be held
    before = page.ask(FIRE)
    reading, release = threading.Event(), threading.Event()
    real_parse = pipeline.parse

    def slow_parse(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Bounded:
        reading.set()
        assert release.wait(60)
        return real_parse(path, ocr, limits)

    monkeypatch.setattr(pipeline, "parse", slow_parse)
    job = page.start_upload([str(KE_HOACH)])  # returns at once: the upload runs in the background
    try:
        assert reading.wait(30)
        text, rows, done = page.upload_status(job)
        assert (text, rows, done) == (
            "Đang nạp tệp 1/1: ke-hoach-45-KH-UBND.docx — đã lưu 0 điều khoản. "
            "Vẫn có thể đặt câu hỏi trong lúc nạp.", [], False)
        answered: list[object] = []
        asker = threading.Thread(target=lambda: answered.append(page.ask(FIRE)), daemon=True)
        asker.start()
        asker.join(20)  # the old page held every reader until the upload had finished
        assert answered == [before]  # answered from the snapshot before the upload
        assert [d.file for d in page.documents()] == [CONG_VAN.name]
        assert {r["file"] for r in vb.tasks("Công an tỉnh")} == {CONG_VAN.name}
    finally:
        release.set()
    status = page.uploads.wait(job, 120)
    assert status is not None and status.finished and not status.error
    text, rows, done = page.upload_status(job)
    assert done and rows == [[KE_HOACH.name, "đã nạp", str(status.results[0].clauses),
                              status.results[0].message]]
    assert text.startswith("Đã nạp xong 1 tệp — ")
    assert {r["file"] for r in vb.tasks("Công an tỉnh")} == {CONG_VAN.name, KE_HOACH.name}


def test_uploads_run_one_at_a_time_in_arrival_order(tmp_path: Path) -> None:
    vb = _service(tmp_path / "db")
    page = Page(vb, vb.config)
    plans = write_plans(tmp_path / "in", 3, clauses=3)
    jobs = [page.start_upload([str(p)]) for p in plans]
    finished = [page.uploads.wait(j, 120) for j in jobs]
    assert [s.results[0].status for s in finished if s] == ["ingested"] * 3
    assert [d.file for d in vb.documents()] == [p.name for p in plans]


def test_a_failed_index_check_is_answered_from_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedded Chroma refuses a reconnect while another process writes ("Could not connect
    to tenant"): the question in hand is still answered from the snapshot."""
    monkeypatch.setattr(service_module, "REGISTRY_TTL_S", 0.0)
    vb = _service(tmp_path / "db")
    vb.ingest([CONG_VAN])
    before = vb.ask(FIRE)

    def refused(self: Store, max_age: float = 0.0) -> str:
        raise ValueError("Could not connect to tenant default_tenant. Are you sure it exists?")

    monkeypatch.setattr(Store, "revision", refused)
    assert vb.ask(FIRE) == before


def test_serve_keeps_answering_while_another_process_ingests(tmp_path: Path) -> None:
    """``vanban serve``'s service in this process, ``vanban ingest`` in another, one embedded index."""
    db = tmp_path / "db"
    plans = write_plans(tmp_path / "in", 6)
    reader = _service(db)
    reader.ingest([CONG_VAN])
    reader.refresh()
    writer = subprocess.Popen(
        [sys.executable, "-m", "vanban.cli", "ingest", "-q", "--embedder", "fake", "--db", str(db),
         str(tmp_path / "in")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    answered, failures = 0, []
    while writer.poll() is None:
        try:
            answered += reader.ask(FIRE).found
        except Exception as exc:  # noqa: BLE001 — every failure is a finding here
            failures.append(repr(exc))
        time.sleep(0.01)
    out = writer.stdout.read().decode() if writer.stdout else ""
    assert writer.returncode == 0, out
    assert failures == []
    assert answered >= 5
    time.sleep(service_module.REGISTRY_TTL_S + 0.1)
    reader.ask(FIRE)  # sees the change, rebuilds in the background
    reader.settle()
    assert [d.file for d in reader.documents()] == sorted([CONG_VAN.name, *(p.name for p in plans)])
    assert {r["file"] for r in reader.tasks("Sở Công Thương")} >= {p.name for p in plans}


# ---------------------------------------------------------------- scale-out ingestion


def test_workers_store_what_the_serial_path_stores(tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "in", 5, clauses=4)
    twin = tmp_path / "in" / "ban-sao.txt"  # read by a worker while its original still is
    twin.write_bytes(plans[0].read_bytes())
    files = [plans[0], twin, *plans[1:], CONG_VAN, KE_HOACH, tmp_path / "in" / "khong-co.txt"]
    serial, parallel = _service(tmp_path / "serial"), _service(tmp_path / "parallel")
    one = serial.ingest(files)
    two = parallel.ingest(files, workers=2)
    assert [(r.file, r.status, r.clauses) for r in two] == [(r.file, r.status, r.clauses) for r in one]
    assert two[1].status == "unchanged" and plans[0].name in two[1].message  # stored once
    assert [r.status for r in two][-1] == "error" and len(two) == len(files)
    a, b = serial.store.state(), parallel.store.state()
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert (a.vectors == b.vectors).all()
    assert a.assignments == b.assignments  # extracted in the worker, stored with the record
    assert [r.status for r in parallel.ingest(files, workers=2)][:-1] == ["unchanged"] * (len(files) - 1)


def test_shards_split_an_archive_into_disjoint_parts_by_content() -> None:
    from index.pipeline import Shard

    files = sorted((ROOT / "corpus").iterdir()) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))
    parts = [Shard(i, 3).select(files) for i in (1, 2, 3)]
    assert sorted(p for part in parts for p in part) == sorted(files)  # each file in one part
    assert all(parts)  # none empty on this many files
    with pytest.raises(Exception, match="dùng dạng i/n"):
        Shard.parse("4/3")
