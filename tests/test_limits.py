"""Bounded requests and safe outputs: question length, spreadsheet cells, login back-off.

Each limit is checked where people meet it: the CLI (``vanban …`` through click),
the page's handlers, the served app over real HTTP, and the files written.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.chunks import SearchFilters
from index.embedders import FakeEmbedder
from vanban.cli import main
from vanban.service import Vanban
from vanban.settings import Config
from vanban.web import view
from vanban.web.throttle import FREE_FAILURES, Backoff

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "tests" / "fixtures" / "eval_tiny" / "corpus" / "ke-hoach-12-KH-UBND.txt"
FORMULA_NAMES = ('=HYPERLINK("https:e.vn","bấm").txt', "=1+2*3.txt", "@SUM(1+1).txt",
                 "+1-2.txt", "-3+4.txt")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(db=str(tmp_path / "db"), embedder="fake", max_question_chars=1000)


# ---------------------------------------------------------------- question length


def test_service_refuses_a_long_question_before_any_work(config: Config) -> None:
    service = Vanban(config, FakeEmbedder())
    with pytest.raises(view.InputError, match=r"dài 100000 ký tự, vượt giới hạn 1000 ký tự"):
        service.ask(("Ai chủ trì? " * 8334)[:100_000])
    assert service._store is None  # refused before the index was even opened


def test_question_at_the_limit_is_answered_normally(config: Config) -> None:
    answer = Vanban(config, FakeEmbedder()).ask("x" * 1000)
    assert set(answer.to_json()) == {"question", "found", "answer", "owners", "citations"}
    assert answer.found is False and "Chưa có văn bản" in answer.text


def test_cli_ask_says_the_limit_in_vietnamese(config: Config) -> None:
    assert Vanban(config, FakeEmbedder()).store is not None  # an empty index: only ingest creates one
    runner = CliRunner()
    args = ["ask", "a" * 1001, "--db", config.db, "--embedder", "fake"]
    out = runner.invoke(main, args)  # vanban.cli.run prints a VanbanError as "Lỗi: …", exit 2
    assert isinstance(out.exception, view.InputError)
    assert "vượt giới hạn 1000 ký tự" in str(out.exception)
    as_json = runner.invoke(main, [*args, "--json"])
    assert as_json.exit_code == 2
    payload = json.loads(as_json.output)
    assert payload["found"] is False and payload["owners"] == [] and payload["citations"] == []
    assert "vượt giới hạn 1000 ký tự" in payload["answer"] == payload["error"]
    assert len(payload["question"]) == 1000 + 2  # echoed at most the limit, then " …"


def test_page_answers_a_long_question_in_the_chat(config: Config) -> None:
    page = view.Page(Vanban(config, FakeEmbedder()), config)
    history, panel = page.chat("Ai chủ trì " + "x" * 5000, [], SearchFilters())
    assert history[-1]["role"] == "assistant"
    assert "vượt giới hạn 1000 ký tự" in history[-1]["content"]
    assert "rút gọn" in history[-1]["content"]
    assert len(history[-2]["content"]) <= 1000 + 2  # the question shown, shortened
    assert "Không có nguồn phù hợp" in panel
    with pytest.raises(view.InputError, match="trống"):
        page.chat("   ", [], SearchFilters())


# ---------------------------------------------------------------- spreadsheets


def test_formula_like_text_is_neutralised_but_numbers_and_dates_are_not() -> None:
    from vanban.export import is_formula_like, neutralised

    for text in ("=1+2", "+84 912", "-x", "@A1", "\tx", "\rx"):
        assert is_formula_like(text) and neutralised(text) == "'" + text
    for value in ("-", "-12", "+3,5", "Hạn 15/9", "", 7, None):
        assert neutralised(value) == value


def _indexed_with_formula_names(tmp_path: Path) -> tuple[Config, list[str]]:
    config = Config(db=str(tmp_path / "db"), embedder="fake")
    files = []
    for name in FORMULA_NAMES[:2]:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        shutil.copy(PLAN, path)
        files.append(path)
    # same content under two names would be refused as a duplicate: vary one clause
    files[1].write_text(PLAN.read_text(encoding="utf-8").replace("30 tháng 6", "31 tháng 7"),
                        encoding="utf-8")
    results = Vanban(config, FakeEmbedder()).ingest(files)
    assert [r.status for r in results] == ["ingested", "ingested"], results
    return config, [p.name for p in files]


def test_exported_xlsx_and_csv_hold_names_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    config, names = _indexed_with_formula_names(tmp_path)
    xlsx, csv_path = tmp_path / "t.xlsx", tmp_path / "t.csv"
    out = CliRunner().invoke(main, ["deadlines", "--db", config.db, "--embedder", "fake",
                                    "--xlsx", str(xlsx), "--csv", str(csv_path)])
    assert out.exit_code == 0, out.output
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    file_col, due_col = header.index("Tệp nguồn"), header.index("Hạn")
    rows = list(ws.iter_rows(min_row=2))
    assert {r[file_col].value for r in rows} == set(names)  # reads exactly as the file is named
    for r in rows:
        cell = r[file_col]
        assert cell.data_type == "s" and cell.quotePrefix, (cell.value, cell.data_type)
        assert all(c.data_type != "f" for c in r)  # no formula anywhere
        assert r[due_col].value is None or r[due_col].is_date  # dates stay date cells
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    col = table[0].index("Tệp nguồn")
    assert {row[col] for row in table[1:]} == {"'" + n for n in names}
    due = table[0].index("Hạn")
    assert all(re.fullmatch(r"(\d{2}/\d{2}/\d{4})?", row[due]) for row in table[1:])  # untouched


def test_page_xlsx_neutralises_too(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    config, names = _indexed_with_formula_names(tmp_path)
    page = view.Page(Vanban(config, FakeEmbedder()), config)
    _, path = page.deadlines(None, None, None, view.SORT_CHOICES[0])
    cells = [c for row in load_workbook(path).active.iter_rows(min_row=2) for c in row]
    named = [c for c in cells if c.value in names]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)
    assert not [c for c in cells if c.data_type == "f"]


# ---------------------------------------------------------------- login back-off


def test_backoff_grows_doubles_caps_and_clears() -> None:
    now = [0.0]
    b = Backoff(base_s=1.0, max_s=8.0, clock=lambda: now[0])
    waits = []
    for _ in range(FREE_FAILURES + 6):
        waits.append(b.wait_for("10.0.0.1"))
        b.failed("10.0.0.1")
    assert waits == [0.0] * FREE_FAILURES + [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert b.wait_for("10.0.0.2") == 0.0  # another address is not slowed
    b.succeeded("10.0.0.1")
    assert b.wait_for("10.0.0.1") == 0.0
    for _ in range(FREE_FAILURES + 2):
        b.failed("10.0.0.1")
    now[0] += 16 * 60  # a quarter of an hour without attempts: forgotten
    assert b.wait_for("10.0.0.1") == 0.0


@pytest.fixture(scope="module")
def served_with_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import app

    tmp = tmp_path_factory.mktemp("auth")
    config = Config(db=str(tmp / "db"), embedder="fake", port=_free_port(), auth="canbo:DungMatKhau",
                    login_backoff_s=0.4, login_backoff_max_s=1.6)
    demo, url = app.start(Vanban(config, FakeEmbedder()), config, block=False)
    try:
        yield url.rstrip("/")
    finally:
        demo.close()


def _login(url: str, password: str, source: str = "127.0.0.1") -> tuple[int, float]:
    import httpx

    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=30) as client:
        start = time.monotonic()
        resp = client.post(f"{url}/login", data={"username": "canbo", "password": password})
        return resp.status_code, time.monotonic() - start


@pytest.mark.slow
def test_wrong_passwords_are_slowed_and_the_right_one_still_works(served_with_auth: str) -> None:
    url = served_with_auth
    timings = [_login(url, f"sai-{i}") for i in range(FREE_FAILURES + 3)]
    assert {code for code, _ in timings} == {400}
    free, slowed = timings[:FREE_FAILURES], [t for _, t in timings[FREE_FAILURES:]]
    # minimum delays only (a loaded machine may be slower, never faster): 0.4, 0.8, 1.6 s
    for seconds, floor in zip(slowed, (0.4, 0.8, 1.6), strict=True):
        assert seconds >= floor
    assert max(t for _, t in free) < 0.4 or slowed[-1] > 2 * min(t for _, t in free)
    # another address is not slowed by this one's failures
    code, seconds = _login(url, "sai-khac", source="127.0.0.2")
    assert code == 400 and seconds < 1.6
    code, seconds = _login(url, "DungMatKhau")
    assert code == 200 and seconds >= 1.6  # capped wait first, then a normal login
    code, seconds = _login(url, "sai-lai")  # the record was cleared by the right password
    assert code == 400 and seconds < 1.6


@pytest.mark.slow
def test_parallel_guesses_queue_and_the_overflow_is_refused(served_with_auth: str) -> None:
    url = served_with_auth
    source = "127.0.0.3"
    for i in range(FREE_FAILURES + 2):
        _login(url, f"sai-{i}", source)

    async def burst() -> list[int]:
        loop = asyncio.get_running_loop()
        tasks = [loop.run_in_executor(None, _login, url, f"song-song-{i}", source) for i in range(8)]
        return [code for code, _ in await asyncio.gather(*tasks)]

    start = time.monotonic()
    codes = asyncio.run(burst())
    assert codes.count(429) >= 1  # more than MAX_QUEUED waiting: refused at once
    assert codes.count(400) >= 1 and set(codes) <= {400, 429}
    assert time.monotonic() - start >= 1.6  # the queued ones waited their turns
    _login(url, "DungMatKhau", source)  # leave this address clean for other tests


# ---------------------------------------------------------------- symlinked folders


def test_symlinked_folders_follow_the_setting(tmp_path: Path) -> None:
    real = tmp_path / "goc"
    real.mkdir()
    shutil.copy(PLAN, real / "ke-hoach.txt")
    folder = tmp_path / "nap"
    folder.mkdir()
    (folder / "lien-ket").symlink_to(real, target_is_directory=True)
    (folder / "vong").symlink_to(folder / "vong")  # a loop: one file's error, never the batch's
    default = Config(db=str(tmp_path / "a"), embedder="fake")
    results = {r.file: r for r in Vanban(default, FakeEmbedder()).ingest([folder])}
    assert results["lien-ket"].status == "skipped" and "không duyệt theo" in results["lien-ket"].message
    assert results["vong"].status == "error" and "vòng lặp" in results["vong"].message
    following = Config(db=str(tmp_path / "b"), embedder="fake", follow_symlinks=True)
    results = {r.file: r for r in Vanban(following, FakeEmbedder()).ingest([folder])}
    assert results["ke-hoach.txt"].status == "ingested" and results["vong"].status == "error"


def test_cli_follow_symlinks_flag_and_named_loop(tmp_path: Path) -> None:
    loop = tmp_path / "a_loop.txt"
    loop.symlink_to(loop)
    good = tmp_path / "good.txt"
    shutil.copy(PLAN, good)
    out = CliRunner().invoke(main, ["ingest", str(loop), str(good), "--db", str(tmp_path / "db"),
                                    "--embedder", "fake", "-q", "--follow-symlinks"])
    assert out.exit_code == 1, out.output  # the loop is an error; the batch still ran
    assert isinstance(out.exception, SystemExit)  # no traceback
    assert "[đã nạp] good.txt" in out.output and "[lỗi] a_loop.txt" in out.output
