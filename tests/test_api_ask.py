"""``POST /api/ask``: the plain JSON route for programs, on a real server over a real index
(the sample corpus through the real parser and an embedded Chroma; the fake embedder)."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import app
from vanban.service import Vanban
from vanban.settings import Config

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIRE = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
sys.path.insert(0, str(ROOT / "evals"))
import load_test  # noqa: E402 — the load generator under evals/, not a package


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(tmp: Path, **settings: object) -> tuple[object, str, Vanban]:
    config = Config(db=str(tmp / "db"), embedder="fake", port=_free_port(), max_question_chars=200,
                    **settings)  # type: ignore[arg-type]
    service = Vanban(config)
    service.ingest([CORPUS / "cong-van-612-SCT-QLCN.docx", CORPUS / "ke-hoach-45-KH-UBND.docx"])
    demo, url = app.start(service, config, block=False)
    return demo, url.rstrip("/"), service


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Vanban]]:
    demo, url, service = _serve(tmp_path_factory.mktemp("api"))
    try:
        yield url, service
    finally:
        demo.close()  # type: ignore[attr-defined]


def test_api_ask_gives_the_same_answer_as_ask_json_and_the_page_api(served: tuple[str, Vanban]) -> None:
    url, service = served
    got = httpx.post(f"{url}/api/ask", json={"question": FIRE}, timeout=60)
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/json")
    body = got.json()
    assert body["found"] is True and "chủ trì" in body["answer"] and body["citations"]
    assert body == json.loads(json.dumps(service.ask(FIRE).to_json(), ensure_ascii=False))
    assert body == load_test.HttpAsker(url + "/", None)(FIRE)  # Gradio's /gradio_api/call/ask


def test_api_ask_refuses_like_ask_json(served: tuple[str, Vanban]) -> None:
    url, _ = served
    long = "Ai chủ trì " + "kiểm tra " * 40
    got = httpx.post(f"{url}/api/ask", json={"question": long}, timeout=60)
    assert got.status_code == 200
    body = got.json()
    assert body["found"] is False and "vượt giới hạn 200 ký tự" in body["error"]
    assert body["answer"] == body["error"] and body["question"].endswith(" …")
    empty = httpx.post(f"{url}/api/ask", json={"question": "  "}, timeout=60).json()
    assert empty["found"] is False and "câu hỏi đang trống" in empty["error"]


@pytest.mark.parametrize("content", [b"not json", b'{"q": "Ai?"}', b'["Ai?"]', b'{"question": 5}',
                                     "{\"question\": \"Ai?\"}".encode("utf-16")])
def test_api_ask_says_in_vietnamese_what_body_it_wants(served: tuple[str, Vanban], content: bytes) -> None:
    url, _ = served
    got = httpx.post(f"{url}/api/ask", content=content,
                     headers={"content-type": "application/json"}, timeout=60)
    assert got.status_code == 400
    body = got.json()
    assert body["found"] is False and '{"question": "câu hỏi"}' in body["error"]


def test_api_ask_refuses_a_huge_body_without_reading_it_all(served: tuple[str, Vanban]) -> None:
    url, _ = served
    blob = json.dumps({"question": "Ai " * 100_000}).encode()
    got = httpx.post(f"{url}/api/ask", content=blob, headers={"content-type": "application/json"},
                     timeout=60)
    assert got.status_code == 400 and "64 KB" in got.json()["error"]


def test_load_test_api_client_asks_through_the_route(served: tuple[str, Vanban],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = served
    # the server runs in this process: its CPU per question includes the askers' own
    report, errors = load_test.load_test(url + "/", users=3, rounds=2, auth=None, client_kind="api",
                                         server_pid=os.getpid())
    assert errors == [] and report.requests == 6 and report.errors == 0
    assert report.server_cpu_ms is not None and report.server_cpu_ms > 0 and report.client_cpu_ms > 0
    assert report.not_found < 6  # the built-in questions are about the indexed documents
    assert load_test.main(["--url", url + "/", "--users", "2", "--rounds", "1", "--client", "api",
                           "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["requests"] == 2 and line["errors"] == 0


def test_api_ask_needs_the_page_login(tmp_path: Path) -> None:
    demo, url, _ = _serve(tmp_path, auth="canbo:DungMatKhau")
    try:
        refused = httpx.post(f"{url}/api/ask", json={"question": FIRE}, timeout=60)
        assert refused.status_code == 401 and "đăng nhập" in refused.json()["detail"]
        with httpx.Client(base_url=url, timeout=60) as client:
            wrong = client.post("/login", data={"username": "canbo", "password": "sai"})
            assert wrong.status_code == 400
            assert client.post("/api/ask", json={"question": FIRE}).status_code == 401
            assert client.post("/login", data={"username": "canbo",
                                               "password": "DungMatKhau"}).status_code == 200
            got = client.post("/api/ask", json={"question": FIRE})
            assert got.status_code == 200 and got.json()["found"] is True
        report, errors = load_test.load_test(url + "/", users=2, rounds=1,
                                             auth=("canbo", "DungMatKhau"), client_kind="api")
        assert errors == [] and report.requests == 2
    finally:
        demo.close()  # type: ignore[attr-defined]
