"""The CLI speaks Vietnamese end to end: click's help and errors, status words, dates,
a mistyped ``--db``, a busy port, and help examples that name files which exist."""

from __future__ import annotations

import ast
import glob
import json
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from index.errors import StoreError
from ingest.errors import VanbanError
from tests.conftest import ROOT, SAMPLE_CORPUS, shared_file
from vanban import clickvi
from vanban.cli import main

DOCX = SAMPLE_CORPUS / "cong-van-612-SCT-QLCN.docx"
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Error:", "Try '",
           "[OPTIONS]", "Example:", "No such", "Missing", "Invalid value")


def _invoke(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


# --- click's own words ----------------------------------------------------------------------


def _click_strings() -> set[str]:
    """Every string literal of the installed click (message ids are literals there)."""
    found: set[str] = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


def test_every_translated_id_is_still_a_click_message() -> None:
    """A click upgrade that rewords a message must fail here, not print English."""
    ids = set(clickvi.MESSAGES) | {i for pair in clickvi.PLURALS for i in pair}
    assert ids - _click_strings() == set()


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])
def test_help_is_vietnamese(command: str | None) -> None:
    out = _invoke(*([command] if command else []), "--help")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Cách dùng: ") and "[TÙY_CHỌN]" in out.output
    assert "Tùy chọn:" in out.output and "Hiện hướng dẫn này rồi thoát." in out.output
    assert "Ví dụ:" in out.output
    leftovers = [w for w in (*ENGLISH, " TEXT", " PATH", " INTEGER", " FLOAT") if w in out.output]
    assert leftovers == []


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "câu hỏi", "--bogus"], "Lỗi: Không có tùy chọn '--bogus'."),
    (["list", "--dbb", "x"], "Lỗi: Không có tùy chọn '--dbb'. Có phải ý bạn là '--db'?"),
    (["parse"], "Lỗi: Thiếu tham số 'TỆP...'."),
    (["ask"], "Lỗi: Thiếu tham số 'CÂU_HỎI'."),
    (["deadlines", "--window", "abc"],
     "Lỗi: Giá trị không hợp lệ cho '--window': 'abc' không phải là số hợp lệ."),
    (["deadlines", "--due-within", "-3"],
     "Lỗi: Giá trị không hợp lệ cho '--due-within': -3 nằm ngoài khoảng cho phép x>=0."),
    (["ask", "--db"], "Lỗi: Tùy chọn '--db' cần một giá trị."),
    (["remove", "a", "b"], "Lỗi: Thừa tham số (b)"),
    (["xoa"], "Lỗi: Không có lệnh 'xoa'."),
])
def test_option_errors_are_vietnamese(args: list[str], message: str) -> None:
    out = _invoke(*args)
    assert out.exit_code == 2
    assert message in out.output
    if args != ["ask", "--db"]:  # click shows no usage line for a value-less option
        assert "Cách dùng: " in out.output and "Xem hướng dẫn: " in out.output
    assert [w for w in ENGLISH if w in out.output] == []


def test_errors_are_vietnamese_whatever_the_locale() -> None:
    """Not gettext's catalogue lookup: an office PC in LANG=C still reads Vietnamese."""
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "LANGUAGE": "en", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "vanban.cli", "tasks"], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Lỗi: Thiếu tùy chọn '--body'." in proc.stderr
    assert "Traceback" not in proc.stderr


# --- help examples name real files ----------------------------------------------------------


def _examples(command: click.Command) -> Iterator[list[str]]:
    """The argument lists of the ``vanban …`` lines under a command's "Ví dụ:"."""
    for line in (command.help or "").partition("Ví dụ:")[2].splitlines():
        words = shlex.split(line.strip()) if line.strip().startswith("vanban ") else []
        if words:
            yield words[1:]


def test_help_examples_parse_and_name_files_that_exist() -> None:
    """Each example is valid for its command, and every file or folder it reads exists."""
    checked = 0
    for cmd in [main, *main.commands.values()]:
        for words in _examples(cmd):
            sub = main.commands[words[0]]
            ctx = sub.make_context(words[0], words[1:], parent=click.Context(main))
            for param in sub.params:
                if isinstance(param, click.Argument) and isinstance(param.type, click.Path):
                    values = ctx.params[param.name or ""] or ()
                    for value in values if isinstance(values, tuple) else (values,):
                        checked += 1
                        assert glob.glob(str(ROOT / value)), f"'{' '.join(words)}' names {value}"
    assert checked >= 5


# --- status words and dates -----------------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    scan = shared_file("26_")
    path = str(tmp_path_factory.mktemp("vi") / "db")
    out = _invoke("ingest", str(DOCX), str(scan), "--db", path, "--embedder", "fake", "-q")
    assert "[đã nạp]" in out.output and "[cần OCR]" in out.output, out.output
    return path


def test_parse_uses_the_ingest_status_words() -> None:
    out = _invoke("parse", str(DOCX), str(shared_file("26_")))
    assert f"{DOCX.name}: đọc được — Công văn 612/SCT-QLCN" in out.output
    assert ": cần OCR — " in out.output
    assert not re.search(r": (ok|needs_ocr|error) — ", out.output)


def test_list_uses_the_ingest_status_words_and_dd_mm_yyyy(db: str) -> None:
    out = _invoke("list", "--db", db, "--embedder", "fake")
    assert out.exit_code == 0, out.output
    assert "[cần OCR]" in out.output and "needs_ocr" not in out.output
    docx_line = next(line for line in out.output.splitlines() if DOCX.name in line)
    assert re.search(r"Công văn 612/SCT-QLCN \d{2}/\d{2}/\d{4} — ", docx_line), docx_line
    records = json.loads(_invoke("list", "--db", db, "--embedder", "fake", "--json").output)
    cv = next(r for r in records if r["file"] == DOCX.name)
    y, m, d = cv["date"].split("-")  # ISO kept for programs, dd/mm/yyyy beside it for people
    assert cv["date_shown"] == f"{d}/{m}/{y}"


def test_deadline_json_rows_show_dd_mm_yyyy_beside_iso(db: str) -> None:
    rows = json.loads(_invoke("deadlines", "--db", db, "--embedder", "fake", "--json").output)
    dated = [r for r in rows if r["due"]]
    assert dated
    for r in dated:
        y, m, d = (r["next_due"] or r["due"]).split("-")
        assert r["due_shown"] == f"{d}/{m}/{y}"
    tasks = json.loads(_invoke("tasks", "--body", "SCT", "--db", db, "--embedder", "fake",
                               "--json").output)
    assert all("due_shown" in r for r in tasks)


# --- a mistyped --db ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["list"], ["ask", "Ai chủ trì?"], ["tasks", "--body", "SCT"], ["deadlines"],
    ["remove", "a.docx"], ["check"],
])
def test_a_missing_index_is_an_error_not_a_new_empty_one(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "vanbn"  # a typo of .vanban
    out = _invoke(*args, "--db", str(missing), "--embedder", "fake")
    assert isinstance(out.exception, StoreError), out.output
    assert f"Không có chỉ mục nào ở {missing}" in str(out.exception)
    assert "vanban ingest" in str(out.exception)
    assert not missing.exists()


def test_serve_refuses_a_missing_index(tmp_path: Path) -> None:
    import app
    from vanban.settings import Config

    missing = tmp_path / "khong-co"
    with pytest.raises(StoreError, match="Không có chỉ mục nào"):
        app.launch(Config(db=str(missing), embedder="fake", port=_free_port()))
    assert not missing.exists()


def test_ingest_still_creates_the_index(tmp_path: Path) -> None:
    new = tmp_path / "moi"
    out = _invoke("ingest", str(DOCX), "--db", str(new), "--embedder", "fake", "-q")
    assert out.exit_code == 0, out.output
    assert _invoke("list", "--db", str(new), "--embedder", "fake").exit_code == 0


# --- a busy port ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def test_serve_on_a_busy_port_names_it_and_suggests_another(busy_port: int, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vanban.cli", "serve", "--port", str(busy_port),
         "--db", str(tmp_path), "--embedder", "fake"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert f"Cổng {busy_port} trên 127.0.0.1 đang bận" in proc.stderr
    assert f"--port {busy_port + 1}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_port_taken_while_starting_is_the_same_message(busy_port: int, tmp_path: Path) -> None:
    """gradio's own English OSError (the port taken after the check) is translated too."""
    import app
    from index.embedders import FakeEmbedder
    from vanban.service import Vanban
    from vanban.settings import Config

    config = Config(db=str(tmp_path / "db"), embedder="fake", port=busy_port)
    with pytest.raises(VanbanError, match=f"Cổng {busy_port} trên 127.0.0.1 đang bận"):
        app.start(Vanban(config, FakeEmbedder()), config, block=False)


def test_the_page_and_the_cli_say_the_same_status_words() -> None:
    """A broken font layer was 'lỗi lớp chữ' in the CLI and 'không đọc được' on the page."""
    from vanban import cli
    from vanban.web import view

    shared = set(cli._STATUS_VI) & set(view.STATUS_LABELS)
    assert {"ingested", "replaced", "needs_ocr", "unreadable", "no_structure", "error"} <= shared
    assert all(cli._STATUS_VI[k] == view.STATUS_LABELS[k] for k in shared)
