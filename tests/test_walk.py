"""The folder walk: every path it passes over is reported, and links never stop a batch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import index.pipeline as pipeline
from index.embedders import FakeEmbedder
from index.pipeline import Skipped, discover, ingest_paths, walk
from index.store import Store
from vanban.settings import Config

from .test_pipeline import line_reader


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder with one of each hazard next to two good files."""
    root = tmp_path / "hop-thu"
    (root / "con").mkdir(parents=True)
    (root / "a.txt").write_text("Sở Công Thương chủ trì kiểm tra.\n", encoding="utf-8")
    (root / "con" / "b.md").write_text("Sở Tài chính phối hợp.\n", encoding="utf-8")
    (root / "MANIFEST.tsv").write_text("x", encoding="utf-8")
    (root / "~$bao-cao.docx").write_bytes(b"owner file")
    (root / ".git").mkdir()
    (root / ".git" / "c.txt").write_text("x", encoding="utf-8")
    (root / "vong.txt").symlink_to("vong.txt")  # a link to itself: ELOOP
    (root / "hong.txt").symlink_to("khong-ton-tai.txt")
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "d.txt").write_text("UBND xã báo cáo.\n", encoding="utf-8")
    (root / "lien-ket").symlink_to(outside, target_is_directory=True)
    return root


def reasons(skipped: tuple[Skipped, ...]) -> dict[str, str]:
    return {s.path.name: s.reason for s in skipped}


def test_walk_reports_every_skipped_path_with_its_reason(tree: Path) -> None:
    found = walk([tree])
    assert [p.name for p in found.files] == ["a.txt", "b.md"]
    assert reasons(found.skipped) == {
        ".git": "hidden",
        "MANIFEST.tsv": "unsupported",
        "hong.txt": "broken_link",
        "lien-ket": "symlinked_dir",
        "vong.txt": "symlink_loop",
        "~$bao-cao.docx": "temporary",
    }
    messages = {s.path.name: s.message for s in found.skipped}
    assert "khong-ton-tai.txt" in messages["hong.txt"]  # says where the link points
    assert "vòng lặp" in messages["vong.txt"]
    assert "định dạng .tsv không được hỗ trợ" in messages["MANIFEST.tsv"]


def test_symlinked_folders_are_followed_only_with_the_flag(tree: Path) -> None:
    followed = walk([tree], follow_symlinks=True)
    assert [p.name for p in followed.files] == ["a.txt", "b.md", "d.txt"]
    assert "lien-ket" not in reasons(followed.skipped)
    assert [p.name for p in discover([tree])] == ["a.txt", "b.md"]


def test_a_link_back_to_an_ancestor_is_a_loop_when_following(tree: Path) -> None:
    (tree / "con" / "len-tren").symlink_to(tree, target_is_directory=True)
    found = walk([tree], follow_symlinks=True)
    assert reasons(found.skipped)["len-tren"] == "symlink_loop"
    assert [p.name for p in found.files] == ["a.txt", "b.md", "d.txt"]  # each file once


def test_links_named_on_the_command_line_are_reported_not_raised(tree: Path) -> None:
    found = walk([tree / "vong.txt", tree / "hong.txt", tree / "khong-co.txt", tree / "a.txt"])
    assert [p.name for p in found.files] == ["a.txt"]
    assert reasons(found.skipped) == {"vong.txt": "symlink_loop", "hong.txt": "broken_link",
                                      "khong-co.txt": "not_found"}
    assert all(s.problem for s in found.skipped)


def test_a_named_symlinked_folder_is_read(tree: Path) -> None:
    assert [p.name for p in walk([tree / "lien-ket"]).files] == ["d.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; permissions cannot be tested")
def test_unreadable_entries_are_reported(tree: Path) -> None:
    locked = tree / "khoa"
    locked.mkdir()
    (tree / "a.txt").chmod(0)
    locked.chmod(0)
    try:
        found = walk([tree])
    finally:
        locked.chmod(0o755)
        (tree / "a.txt").chmod(0o644)
    assert reasons(found.skipped)["khoa"] == "unreadable"
    assert reasons(found.skipped)["a.txt"] == "unreadable"


def test_ingest_gives_each_skipped_path_a_result_and_the_batch_goes_on(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "parse", line_reader)
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    results = ingest_paths([tree / "vong.txt", tree], store, FakeEmbedder())
    assert {r.file: r.status for r in results} == {
        "a.txt": "ingested",
        "b.md": "ingested",
        "vong.txt": "error",  # named first, reported once (also met in the folder)
        "hong.txt": "error",
        "MANIFEST.tsv": "skipped",
        "~$bao-cao.docx": "skipped",
        ".git": "skipped",
        "lien-ket": "skipped",
    }
    assert len(results) == 8 and all(r.message for r in results)
    followed = ingest_paths([tree], store, FakeEmbedder(), follow_symlinks=True)
    assert {r.file: r.status for r in followed}["d.txt"] == "ingested"


def test_cli_ingest_survives_a_symlink_loop(tree: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 row 10: ``vanban ingest a_loop.txt good.txt`` raised a traceback."""
    from click.testing import CliRunner

    from vanban.cli import main

    monkeypatch.setattr(pipeline, "parse", line_reader)
    args = ["ingest", str(tree / "vong.txt"), str(tree / "a.txt"), "--db", str(tmp_path / "db"),
            "--embedder", "fake", "-q"]
    out = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "[đã nạp] a.txt" in out.output
    assert "[lỗi] vong.txt — liên kết tượng trưng vòng lặp" in out.output
    assert out.exit_code == 1


def test_cli_ingest_lists_skipped_files(tree: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from vanban.cli import main

    monkeypatch.setattr(pipeline, "parse", line_reader)
    out = CliRunner().invoke(main, ["ingest", str(tree), "--db", str(tmp_path / "db"),
                                    "--embedder", "fake", "-q"], catch_exceptions=False)
    assert "MANIFEST.tsv — định dạng .tsv không được hỗ trợ" in out.output


@pytest.mark.parametrize(("flags", "env", "followed"), [
    ([], {}, False),
    (["--follow-symlinks"], {}, True),
    ([], {"VANBAN_FOLLOW_SYMLINKS": "1"}, True),
    (["--no-follow-symlinks"], {"VANBAN_FOLLOW_SYMLINKS": "1"}, False),
])
def test_cli_follows_symlinked_folders_by_option_or_setting(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        flags: list[str], env: dict[str, str], followed: bool) -> None:
    """The setting reaches the walk through ``Vanban.ingest``; the option overrides it."""
    from click.testing import CliRunner

    from vanban.cli import main

    monkeypatch.setattr(pipeline, "parse", line_reader)
    args = ["ingest", str(tree), "--db", str(tmp_path / "db"), "--embedder", "fake", "-q", *flags]
    out = CliRunner(env=env).invoke(main, args, catch_exceptions=False).output
    assert ("[đã nạp] d.txt" in out) is followed
    assert ("[bỏ qua] lien-ket" in out) is not followed
