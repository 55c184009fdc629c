"""Every option the README names works on the command it names it with.

The README's ``vanban …`` commands (in console blocks and inline code) are
read, not listed here: a new example or option in the README is checked
without touching this file. Each command's ``--help`` is run and each option
used with it must be there.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from vanban.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"\bvanban\s+([a-z][a-z-]*)((?:\s+[^\s#|;`]+)*)")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b")


def readme_commands(text: str) -> list[tuple[str, list[str], str]]:
    r"""``(command, options, source)`` for each ``vanban CMD …`` in code.

    Options are those written after the command in the same code line or span,
    and options alone in a later code span of the same prose line
    ("`vanban eval` …; `--json` cho máy đọc").

    >>> text = '```console\n$ vanban ask "Ai?" -k 2 --json  # JSON\n```\n`vanban eval` rồi `--skip-alqac`'
    >>> for name, options, _ in readme_commands(text): print(name, options)
    ask ['-k', '--json']
    eval ['--skip-alqac']
    """
    found: list[tuple[str, list[str], str]] = []
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        pieces = [line.split("#", 1)[0]] if in_block else _CODE_SPAN.findall(line)
        last: list[str] | None = None
        for piece in pieces:
            matches = list(_COMMAND.finditer(piece))
            if not matches and last is not None and piece.startswith("-"):
                last += _OPTION.findall(piece.split()[0])  # `--json` after `vanban eval`
            for m in matches:
                # quoted arguments may hold words like "--" in prose: drop them first
                args = re.sub(r'"[^"]*"', "", m.group(2))
                last = _OPTION.findall(args)
                found.append((m.group(1), last, (line if in_block else piece).strip()))
    return found


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def test_the_readme_reader_finds_the_documented_commands() -> None:
    names = {name for name, _, _ in COMMANDS}
    assert {"ingest", "ask", "deadlines", "serve", "parse", "list"} <= names
    assert ("serve", ["--chroma-url"]) in [(n, o) for n, o, _ in COMMANDS]


@pytest.mark.parametrize(("name", "options", "line"), COMMANDS, ids=[c[2][:60] for c in COMMANDS])
def test_readme_command_options_exist(name: str, options: list[str], line: str) -> None:
    assert name in main.commands, f"README names 'vanban {name}', which does not exist: {line}"
    out = CliRunner().invoke(main, [name, "--help"])
    assert out.exit_code == 0, out.output
    missing = [o for o in options if o not in _options(main.commands[name])]
    assert not missing, f"'vanban {name}' has no {missing} (README: {line})"
    for option in options:  # and --help says so, which is what a reader will check
        assert option in out.output or option in {"-h", "--help"}


def test_every_command_that_opens_the_index_takes_chroma_url() -> None:
    """The README says: add --chroma-url to every command that uses the index."""
    opening = {n for n, c in main.commands.items() if "--db" in _options(c)}
    assert {"ingest", "list", "remove", "ask", "tasks", "deadlines", "serve"} <= opening
    assert {n for n in opening if "--chroma-url" not in _options(main.commands[n])} == set()


def test_serve_chroma_url_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import app

    seen = []
    monkeypatch.setattr(app, "launch", seen.append)
    out = CliRunner().invoke(main, ["serve", "--chroma-url", "http://127.0.0.1:8123",
                                    "--db", "/tmp/vb-x", "--embedder", "fake"], env={})
    assert out.exit_code == 0, out.output
    assert (seen[0].chroma_url, seen[0].db, seen[0].embedder) == ("http://127.0.0.1:8123",
                                                                  "/tmp/vb-x", "fake")
