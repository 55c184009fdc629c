"""The reader server behind ``parse_bounded``: imports once, forks a worker per file,
survives being killed, and outlives a worker killed at its wall limit."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from ingest import bounded
from ingest.bounded import ReadLimits, parse_bounded

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "corpus" / "cong-van-612-SCT-QLCN.docx"
PDF = ROOT / "corpus" / "chi-thi-08-CT-UBND.pdf"


def idle_server_pids() -> set[int]:
    return {s.proc.pid for s in bounded._IDLE}


def test_files_are_read_by_workers_of_one_kept_server() -> None:
    first = parse_bounded(DOCX)
    servers = idle_server_pids()
    second = parse_bounded(PDF)
    assert first.document.status == second.document.status == "ok"
    assert len(first.document.clauses) > 0 and len(second.document.clauses) > 0
    assert servers and idle_server_pids() == servers  # the same server read the second file
    assert os.getpid() not in servers


def test_a_server_killed_from_outside_is_replaced() -> None:
    parse_bounded(DOCX)
    for pid in idle_server_pids():
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # the caller's child: reap it so it is gone, not a zombie
    again = parse_bounded(DOCX)
    assert again.document.status == "ok" and len(again.document.clauses) > 0
    assert idle_server_pids() and all(s.alive() for s in bounded._IDLE)


def test_a_worker_past_its_wall_time_is_killed_and_its_server_goes_on(tmp_path: Path) -> None:
    slow = tmp_path / "cham.txt"
    slow.write_text("I. MỤC ĐÍCH\n1. Sở Công Thương chủ trì kiểm tra mỏ.\n" * 40_000, encoding="utf-8")
    parse_bounded(DOCX)
    servers = idle_server_pids()
    result = parse_bounded(slow, ReadLimits(wall_seconds=1.0))
    assert result.document.status == "error" and "quá 1 giây" in result.document.message
    assert result.seconds < 5
    assert idle_server_pids() == servers  # the worker was killed, not its server
    assert parse_bounded(DOCX).document.status == "ok"
