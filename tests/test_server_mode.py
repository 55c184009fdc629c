"""Server mode: the same store over Chroma's HttpClient.

Uses the server named by ``VANBAN_TEST_CHROMA_URL`` (CI starts one); otherwise
starts ``chroma run`` from the virtualenv on a free port for this module and
stops it afterwards, so the test always runs.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.pipeline as pipeline
from index import originals
from index.chunks import SearchFilters
from index.embedders import FakeEmbedder
from index.errors import StoreError, StoreUnavailableError
from index.store import Store
from ingest.bounded import Bounded, ReadLimits
from vanban.answer.types import Answer
from vanban.service import Vanban
from vanban.settings import Config, load_config

from .test_pipeline import line_reader

pytestmark = [pytest.mark.server, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def start_chroma(data: Path, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """``chroma run`` from the virtualenv on ``port`` (a free one by default), once it answers."""
    chroma = Path(sys.executable).with_name("chroma")
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    with (data / "server.log").open("ab") as log:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while not _alive(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_chroma(proc)
            raise RuntimeError(
                f"chroma run did not start: {(data / 'server.log').read_text()[-2000:]}"
            )
        time.sleep(0.3)
    return proc, url


def stop_chroma(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)  # a frozen one cannot act on SIGTERM
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("VANBAN_TEST_CHROMA_URL")
    if given:
        yield given.rstrip("/")
        return
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    try:
        yield url
    finally:
        stop_chroma(proc)


@pytest.fixture
def config(chroma_url: str, tmp_path: Path) -> Config:
    config = load_config(environ={}, db=str(tmp_path / "local"), chroma_url=chroma_url)
    Store.open(config, FakeEmbedder(), rebuild=True)  # a clean slate on a shared test server
    return config


def test_ingest_and_ask_over_http(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "parse", line_reader)
    doc = tmp_path / "cv-5973.txt"
    doc.write_text(
        "Sở Công Thương chủ trì kiểm tra hoạt động khai thác khoáng sản.\n"
        "Công an tỉnh phối hợp xử lý vi phạm.\n",
        encoding="utf-8",
    )
    service = Vanban(config, FakeEmbedder())
    assert [r.status for r in service.ingest([doc])] == ["ingested"]
    assert [r.status for r in service.ingest([doc])] == ["unchanged"]
    answer = service.ask("Ai chủ trì kiểm tra khai thác khoáng sản?", k=1)
    assert answer.found is True
    assert answer.citations[0].text == "Sở Công Thương chủ trì kiểm tra hoạt động khai thác khoáng sản."
    # The registry lives on the server: a second client with another local dir sees it.
    other = Vanban(config.with_(db=str(tmp_path / "other")), FakeEmbedder())
    assert [d.file for d in other.documents()] == ["cv-5973.txt"]
    assert other.ask("Công an tỉnh phối hợp xử lý gì?", k=1).citations[0].clause == "2"
    assert list((tmp_path / "other" / "snapshot").glob("*/lexical/lexical.json"))  # BM25 kept locally
    # The original is kept in the local index folder of the client that ingested it.
    sha = pipeline.file_sha256(doc)
    assert originals.locate(tmp_path / "local", sha) is not None
    assert originals.locate(tmp_path / "other", sha) is None
    assert other.remove("cv-5973.txt") == 2
    assert service.documents() == []


def test_unreachable_server_is_a_clear_store_error(tmp_path: Path) -> None:
    config = Config(db=str(tmp_path), chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError, match="Không kết nối được máy chủ Chroma"):
        Store.open(config)


# ---------------------------------------------------------------- outages


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """A server of this test's own, to kill or freeze without harming the others."""
    data = tmp_path / "own-chroma"
    data.mkdir()
    proc, url = start_chroma(data)
    try:
        yield proc, url, data
    finally:
        stop_chroma(proc)


def _three_files(folder: Path) -> list[Path]:
    folder.mkdir()
    files = []
    for i, body in enumerate(("Sở Công Thương", "Công an tỉnh", "Sở Tài chính"), start=1):
        path = folder / f"0{i}-cong-van.txt"
        path.write_text(f"{body} chủ trì kiểm tra việc số {i}.\n{body} báo cáo kết quả.\n",
                        encoding="utf-8")
        files.append(path)
    return files


def test_server_killed_mid_ingest_prints_the_summary_so_far_and_exits_nonzero(
    own_server: tuple[subprocess.Popen[bytes], str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from vanban.cli import main

    proc, url, data = own_server
    files = _three_files(tmp_path / "in")

    def parse_then_kill(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Bounded:
        if path.name.startswith("02"):  # the server dies while the second file is read
            proc.kill()
            proc.wait()
        return line_reader(path, ocr)

    monkeypatch.setattr(pipeline, "parse", parse_then_kill)
    # Each file written as soon as it is ready, as with a real embedder (slower than a group's
    # wait); with the fake one the first file would still wait for its group when the server dies.
    monkeypatch.setattr(pipeline, "WRITE_GROUP_WAIT_S", 0.0)
    args = ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "local"), "--chroma-url", url,
            "--embedder", "fake", "-q"]
    env = {"VANBAN_CHROMA_CONNECT_TIMEOUT": "2", "VANBAN_CHROMA_READ_TIMEOUT": "2"}
    out = CliRunner().invoke(main, args, env=env)
    assert out.exit_code == 1, out.output
    assert isinstance(out.exception, SystemExit)  # no traceback: a summary and an exit code
    lines = out.output.splitlines()
    assert lines[0].startswith(f"  [đã nạp] {files[0].name}")
    assert lines[1].startswith(f"  [lỗi] {files[1].name} — bị ngắt, chưa nạp — "
                               f"Không kết nối được máy chủ Chroma {url}")
    assert "chroma run --path" in lines[1] and "--chroma-url" in lines[1]
    assert lines[2].startswith(f"  [lỗi] {files[2].name} — chưa nạp: máy chủ Chroma ngừng")
    assert lines[-1].startswith("Tổng kết: đã nạp 1, lỗi 2")
    # the server back on the same data: the same command finishes the batch, nothing lost
    port = int(url.rsplit(":", 1)[1])
    restarted, _ = start_chroma(data, port)
    try:
        monkeypatch.setattr(pipeline, "parse", line_reader)
        again = CliRunner().invoke(main, args, env=env)
        assert again.exit_code == 0, again.output
        assert [ln.split("]")[0] for ln in again.output.splitlines()[:3]] == [
            "  [không đổi", "  [đã nạp", "  [đã nạp"]
        config = load_config(environ={}, db=str(tmp_path / "local"), chroma_url=url)
        stored = Store.open(config)
        assert [(d.file, d.clauses) for d in stored.documents()] == [(f.name, 2) for f in files]
        assert stored.count() == 6  # no orphan or duplicate chunk
    finally:
        stop_chroma(restarted)


def test_frozen_server_gives_a_vietnamese_timeout_within_the_limit(
    own_server: tuple[subprocess.Popen[bytes], str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app
    from vanban.web import view

    proc, url, _ = own_server
    monkeypatch.setattr(pipeline, "parse", line_reader)
    config = load_config(environ={}, db=str(tmp_path / "local"), chroma_url=url,
                         chroma_connect_timeout_s=2.0, chroma_read_timeout_s=2.0)
    service = Vanban(config, FakeEmbedder())
    service.ingest(_three_files(tmp_path / "in"))
    page = view.Page(service, config)
    api_ask = app._api_ask(page)
    assert api_ask("Ai chủ trì kiểm tra việc số 2?")["found"] is True
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        time.sleep(1.2)  # past the registry's freshness window: the next question asks the server
        limit = 2.0 + 3.0  # the read timeout, and a margin for a loaded machine
        for ask in (
            lambda: service.ask("Ai chủ trì kiểm tra việc số 2?"),  # CLI / service
            lambda: api_ask("Ai chủ trì kiểm tra việc số 2?"),  # /ask
            lambda: page.chat("Ai chủ trì kiểm tra việc số 2?", [], SearchFilters()),  # chat box
            lambda: Vanban(config, FakeEmbedder()).documents(),  # a new command's first request
        ):
            start = time.monotonic()
            try:
                result: object = ask()
                if isinstance(result, Answer):
                    result = result.to_json()
            except StoreUnavailableError as err:
                result = str(err)
            assert time.monotonic() - start < limit
            text = json.dumps(result, ensure_ascii=False)
            assert f"Máy chủ Chroma {url} không trả lời trong 2 s" in text, text
            assert "chroma run" in text and "Errno" not in text
            time.sleep(1.1)
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    time.sleep(1.1)
    assert service.ask("Ai chủ trì kiểm tra việc số 2?").found is True  # back to normal


# ---------------------------------------------------------------- scale-out


def test_three_shards_one_killed_and_rerun_store_every_file_exactly_once(
    config: Config, tmp_path: Path
) -> None:
    """``vanban ingest --shard i/3`` in three processes into one Chroma server; the second
    is killed mid-run and run again: every file once, every clause stored, no strays."""
    from index.chunks import chunks_from_document
    from index.pipeline import Shard, file_sha256
    from ingest.parse import parse_file

    from .test_concurrency import ROOT, write_plans

    plans = write_plans(tmp_path / "kho", 18, clauses=6)
    victim = [p for p in plans if Shard(2, 3).owns(file_sha256(p))]
    assert len(victim) >= 3

    # Each file is written (made visible) on its own, so a kill can fall between two files:
    # with the fake embedder, files come faster than a write group waits, and a shard's
    # whole part would become visible in one group (tests/test_pipeline.py covers groups).
    one_by_one = ("import sys, index.pipeline as p; p.WRITE_GROUP_WAIT_S = 0.0; "
                  "from vanban.cli import run; sys.argv[0] = 'vanban'; run()")

    def shard(i: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", one_by_one, "ingest", "-q", "--embedder", "fake",
             "--chroma-url", str(config.chroma_url), "--db", str(tmp_path / f"may-{i}"),
             "--shard", f"{i}/3", str(tmp_path / "kho")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    procs = {i: shard(i) for i in (1, 2, 3)}
    store = Store.open(config)
    deadline = time.monotonic() + 300
    while not {d.file for d in store.documents()} & {p.name for p in victim}:
        assert procs[2].poll() is None and time.monotonic() < deadline, "shard 2 ended too soon"
        time.sleep(0.05)
    procs[2].kill()  # mid-run: at least one of its files stored, others not yet
    procs[2].wait()
    stored_before = {d.file for d in store.documents()} & {p.name for p in victim}
    assert 0 < len(stored_before) < len(victim)
    for i in (1, 3):
        out = procs[i].communicate(timeout=600)[0].decode()
        assert procs[i].returncode == 0, out
    rerun = shard(2)
    out = rerun.communicate(timeout=600)[0].decode()
    assert rerun.returncode == 0, out
    assert f"không đổi {len(stored_before)}" in out  # the re-run skips what was stored
    docs = Store.open(config).documents()
    assert sorted(d.file for d in docs) == sorted(p.name for p in plans)  # each once, none lost
    checks, strays = Store.open(config).check()
    assert all(c.ok for c in checks) and strays == 0
    expected = sum(len(chunks_from_document(parse_file(p))) for p in plans)
    assert Store.open(config).count() == sum(d.clauses for d in docs) == expected
