"""Server mode: the same store over Chroma's HttpClient.

Uses the server named by ``VANBAN_TEST_CHROMA_URL`` (CI starts one); otherwise
starts ``chroma run`` from the virtualenv on a free port for this module and
stops it afterwards, so the test always runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.pipeline as pipeline
from index.embedders import FakeEmbedder
from index.service import Vanban
from index.settings import Config, load_config
from index.store import Store
from ingest.errors import StoreError

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


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("VANBAN_TEST_CHROMA_URL")
    if given:
        yield given.rstrip("/")
        return
    chroma = Path(sys.executable).with_name("chroma")
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (data / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [
                str(chroma),
                "run",
                "--path",
                str(data / "db"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not _alive(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"chroma run did not start: {(data / 'server.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


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
    assert answer["found"] is True
    assert (
        answer["citations"][0]["text"]
        == "Sở Công Thương chủ trì kiểm tra hoạt động khai thác khoáng sản."
    )
    # The registry lives on the server: a second client with another local dir sees it.
    other = Vanban(config.with_(db=str(tmp_path / "other")), FakeEmbedder())
    assert [d.file for d in other.documents()] == ["cv-5973.txt"]
    assert other.ask("Công an tỉnh phối hợp xử lý gì?", k=1)["citations"][0]["clause"] == "2"
    assert (tmp_path / "other" / "lexical" / "lexical.json").exists()  # BM25 kept locally
    assert other.remove("cv-5973.txt") == 2
    assert service.documents() == []


def test_unreachable_server_is_a_clear_store_error(tmp_path: Path) -> None:
    config = Config(db=str(tmp_path), chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError, match="Không kết nối được máy chủ Chroma"):
        Store.open(config)
