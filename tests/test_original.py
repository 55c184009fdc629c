"""Citations know where they are in the original, and the original is kept safely (issue 11.1).

- pages: a real PDF (every clause on the page whose text layer holds its opening
  words), a generated DOCX with and without recorded page breaks, plain text;
  threaded from the reader through chunks, the store and ``Citation``;
- ``index.originals``: content-addressed copies in the index folder, removed with
  their document, never a path outside the folder;
- the served routes: traversal attempts, a planted symlink and a missing login
  are all refused;
- ``vanban ask --json`` citations carry ``page`` (a number, or null).
"""

from __future__ import annotations

import json
import re
import types
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import app
from index import originals
from index.chunks import chunks_from_document
from index.embedders import FakeEmbedder
from index.pipeline import file_sha256, ingest_paths
from index.store import Store
from ingest.normalize import normalize_text
from ingest.parse import parse_file
from vanban.answer.types import Citation
from vanban.cli import main
from vanban.settings import Config
from vanban.web import original as orig

from .conftest import shared_file
from .test_app_browser import CORPUS, _free_port

ROOT = Path(__file__).resolve().parents[1]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# ---------------------------------------------------------------- pages


def test_pdf_clauses_carry_the_page_their_text_is_on() -> None:
    """06_CV (4 pages, 37 clauses): the page of each clause is the page whose text layer,
    read independently with pdfplumber, holds the clause's opening words."""
    import pdfplumber

    path = shared_file("06_")
    doc = parse_file(path)
    with pdfplumber.open(path) as pdf:
        pages = [_fold(normalize_text(p.extract_text() or "")) for p in pdf.pages]
    checked = 0
    for clause in doc.clauses:
        opening = _fold(clause.text)[:40]
        on = [n for n, text in enumerate(pages, start=1) if opening in text]
        if len(on) == 1:
            assert clause.page == on[0], (clause.path, clause.page, on)
            checked += 1
    assert checked >= 30
    assert doc.paged and {c.page for c in doc.clauses} == {1, 2, 3, 4}


def test_pdf_pages_are_threaded_to_the_store_and_the_citation(tmp_path: Path) -> None:
    path = shared_file("06_")
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    [result] = ingest_paths([path], store, FakeEmbedder())
    assert result.status == "ingested"
    expected = {c.path: (c.page, c.paragraph) for c in parse_file(path).clauses}
    stored = store.chunks()
    assert len(stored) == len(expected)
    for chunk in stored:
        cited = Citation.of_chunk(chunk)
        assert (cited.page, cited.paragraph) == expected[chunk.path]
        assert cited.to_json()["page"] == expected[chunk.path][0]
    assert max(p for p, _ in expected.values()) == 4
    paragraphs = [c.paragraph for c in sorted(stored, key=lambda c: c.paragraph)]
    assert paragraphs[0] == 1 and len(set(paragraphs)) == len(paragraphs)


def _docx(path: Path, breaks: str | None) -> Path:
    """A small kế hoạch; ``breaks``: "explicit" (a page break before section II),
    "rendered" (Word's lastRenderedPageBreak there) or None (no page information)."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH", "Số: 12/KH-UBND", "KẾ HOẠCH",
                 "Kiểm tra an toàn hóa chất", "I. MỤC ĐÍCH", "1. Sở Công Thương chủ trì kiểm tra."):
        d.add_paragraph(line)
    p = d.add_paragraph()
    if breaks == "explicit":
        p.add_run().add_break(WD_BREAK.PAGE)
    run = p.add_run("II. TỔ CHỨC THỰC HIỆN")
    if breaks == "rendered":
        run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
        assert run._r[0].tag == qn("w:lastRenderedPageBreak")
    d.add_paragraph("1. Sở Y tế phối hợp kiểm tra.")
    d.save(str(path))
    return path


@pytest.mark.parametrize("breaks", ["explicit", "rendered"])
def test_docx_with_recorded_page_breaks_has_pages(tmp_path: Path, breaks: str) -> None:
    doc = parse_file(_docx(tmp_path / "kh.docx", breaks))
    pages = {c.path: c.page for c in doc.clauses}
    assert pages == {"I": 1, "I.1": 1, "II": 2, "II.1": 2}
    assert [c.paragraph for c in doc.clauses] == [1, 2, 3, 4]


def test_docx_without_page_breaks_has_no_page_but_a_paragraph(tmp_path: Path) -> None:
    doc = parse_file(_docx(tmp_path / "kh.docx", None))
    assert not doc.paged
    assert [(c.path, c.page, c.paragraph) for c in doc.clauses] == [
        ("I", None, 1), ("I.1", None, 2), ("II", None, 3), ("II.1", None, 4)]
    chunk = chunks_from_document(doc)[1]
    assert Citation.of_chunk(chunk).where() == "đoạn 2"


def test_text_pages_only_with_form_feeds(tmp_path: Path) -> None:
    body = "KẾ HOẠCH\nKiểm tra\n1. Sở Công Thương chủ trì.\n\f2. Sở Y tế phối hợp.\n"
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    (tmp_path / "b.txt").write_text(body.replace("\f", ""), encoding="utf-8")
    paged = {c.path: c.page for c in parse_file(tmp_path / "a.txt").clauses}
    flat = {c.path: c.page for c in parse_file(tmp_path / "b.txt").clauses}
    assert paged["1"] == 1 and paged["2"] == 2
    assert set(flat.values()) == {None}


# ---------------------------------------------------------------- ask --json


def test_cli_ask_json_citations_carry_the_page(tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    docx_path = _docx(tmp_path / "ke-hoach-12.docx", None)
    runner = CliRunner()
    out = runner.invoke(main, ["ingest", str(CORPUS / "chi-thi-08-CT-UBND.pdf"), str(docx_path),
                               "--db", db, "--embedder", "fake", "-q"])
    assert out.exit_code == 0, out.output
    pdf_q = "Ai chỉ đạo chủ đầu tư hạ tầng kỹ thuật cụm công nghiệp hoàn thiện hồ sơ?"
    got = runner.invoke(main, ["ask", pdf_q, "--db", db, "--embedder", "fake", "--json"])
    assert got.exit_code == 0, got.output
    cites = json.loads(got.output)["citations"]
    assert all("page" in c for c in cites)
    pdf = [c for c in cites if c["file"] == "chi-thi-08-CT-UBND.pdf"]
    assert pdf and all(isinstance(c["page"], int) and c["page"] >= 1 for c in pdf)
    assert {"clause": "5.b", "page": 2} in [{"clause": c["clause"], "page": c["page"]} for c in pdf]
    docx_q = "Ai phối hợp kiểm tra?"
    got = runner.invoke(main, ["ask", docx_q, "--db", db, "--embedder", "fake", "--json"])
    word = [c for c in json.loads(got.output)["citations"] if c["file"] == docx_path.name]
    assert word and all(c["page"] is None and c["paragraph"] >= 1 for c in word)
    plain = runner.invoke(main, ["ask", pdf_q, "--db", db, "--embedder", "fake"])
    assert re.search(r"› 5\.b \(.*\) — chi-thi-08-CT-UBND\.pdf, tr\. 2$", plain.output, re.M), \
        plain.output


# ---------------------------------------------------------------- originals on disk


@pytest.fixture()
def kept(tmp_path: Path) -> tuple[Store, Path]:
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    results = ingest_paths([CORPUS / "cong-van-612-SCT-QLCN.docx", CORPUS / "chi-thi-08-CT-UBND.pdf"],
                           store, FakeEmbedder())
    assert [r.status for r in results] == ["ingested", "ingested"]
    return store, tmp_path / "db"


def test_originals_are_kept_by_hash_and_removed_with_their_document(kept: tuple[Store, Path]) -> None:
    store, db = kept
    pdf = CORPUS / "chi-thi-08-CT-UBND.pdf"
    sha = file_sha256(pdf)
    path = originals.locate(db, sha)
    assert path == (db / "originals" / sha).resolve() and path.read_bytes() == pdf.read_bytes()
    view = originals.load_view(db, sha)
    assert view is not None and view["file"] == pdf.name and view["paged"] is True
    assert {c["path"] for c in view["clauses"]} >= {"5.b"}
    assert store.remove(pdf.name) > 0
    assert originals.locate(db, sha) is None and not (db / "originals" / f"{sha}.json").exists()
    other = file_sha256(CORPUS / "cong-van-612-SCT-QLCN.docx")
    assert originals.locate(db, other) is not None  # the other document keeps its original


def test_an_index_without_originals_keeps_them_on_the_next_ingest(kept: tuple[Store, Path]) -> None:
    store, db = kept
    pdf = CORPUS / "chi-thi-08-CT-UBND.pdf"
    sha = file_sha256(pdf)
    (db / "originals" / sha).unlink()  # as an index made before originals were kept
    [again] = ingest_paths([pdf], store, FakeEmbedder())
    assert again.status != "unchanged" and originals.locate(db, sha) is not None
    [third] = ingest_paths([pdf], store, FakeEmbedder())
    assert third.status == "unchanged"


@pytest.mark.parametrize("name", ["../secret", "/etc/passwd", "%2e%2e%2fsecret", "a" * 63,
                                  "A" * 64, "a" * 64 + "/..", ""])
def test_locate_accepts_only_a_hash(tmp_path: Path, name: str) -> None:
    (tmp_path / "secret").write_text("x")
    assert originals.locate(tmp_path / "db", name) is None
    assert originals.load_view(tmp_path / "db", name) is None


def test_locate_refuses_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("mật khẩu")
    folder = tmp_path / "db" / "originals"
    folder.mkdir(parents=True)
    sha = "b" * 64
    (folder / sha).symlink_to(outside)
    (folder / f"{sha}.json").symlink_to(outside)
    assert originals.locate(tmp_path / "db", sha) is None
    assert originals.load_view(tmp_path / "db", sha) is None


def test_find_looks_up_registered_documents_only(kept: tuple[Store, Path]) -> None:
    store, db = kept
    records = store.documents()
    known = records[0]
    assert orig.find(records, db, known.doc_id) is not None
    for bad in ("../" + known.doc_id, known.doc_id.upper(), "0" * 16, known.sha256, "/etc/passwd"):
        assert orig.find(records, db, bad) is None


# ---------------------------------------------------------------- the rendered page


def test_render_marks_the_cited_clause_and_escapes_everything() -> None:
    view = {"type": "Kế hoạch", "number": "1/KH-<x>", "issuer": "UBND <tỉnh>", "date": "2026-03-05",
            "title": "<img src=x onerror=alert(1)>", "paged": True, "tables": [],
            "clauses": [
                {"path": "1", "label": "Mục 1", "heading": [], "text": "Sở A <b>chủ trì</b>", "page": 1,
                 "paragraph": 1, "kind": "clause"},
                {"path": "Điều 2", "label": "Điều 2", "heading": ["x"], "text": "Sở B & C", "page": 2,
                 "paragraph": 2, "kind": "clause"}]}
    page = orig.render(orig.Original("0" * 16, "a.pdf", "Kế hoạch 1", None, view), "Điều 2", 2)
    assert "<b>chủ trì</b>" not in page and "&lt;b&gt;chủ trì&lt;/b&gt;" in page
    assert "<img" not in page and "1/KH-&lt;x&gt;" in page and "ngày 05/03/2026" in page
    assert f'id="{orig.anchor("Điều 2")}"' in page
    assert page.count("<mark>") == 1 and "<mark>Sở B &amp; C</mark>" in page
    assert '<div class="page" id="trang-2">Trang 2</div>' in page


def test_source_link_opens_at_the_clause() -> None:
    record = types.SimpleNamespace(doc_id="0123456789abcdef")
    c = Citation("a.pdf", "Chỉ thị 8", "Điều 5.b", "Điều 5 › b", page=3, n=1, paragraph=9)
    links = orig.links_html(c, record)
    href = re.search(r'class="vb-open" href="([^"]+)"', links)
    assert href is not None
    url = urllib.parse.urlsplit(href.group(1).replace("&amp;", "&"))
    assert url.path == "original/0123456789abcdef"
    assert urllib.parse.parse_qs(url.query) == {"c": ["Điều 5.b"], "p": ["9"]}
    assert url.fragment == orig.anchor("Điều 5.b")
    assert 'href="original/0123456789abcdef/file#page=3"' in links
    assert orig.links_html(c, types.SimpleNamespace(doc_id="../etc")) == ""
    law = Citation("luat.json#3", "Luật Cư trú", "Điều 5", "Điều 5", n=2)
    assert orig.links_html(law, record) == ""  # a law of a JSON corpus has no file to open


# ---------------------------------------------------------------- the served routes


@pytest.fixture(scope="module")
def served_routes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object, Path]]:
    from vanban.service import Vanban

    tmp = tmp_path_factory.mktemp("routes")
    config = Config(db=str(tmp / "db"), embedder="fake", port=_free_port())
    service = Vanban(config)
    service.ingest([CORPUS / "chi-thi-08-CT-UBND.pdf", CORPUS / "cong-van-612-SCT-QLCN.docx"])
    (tmp / "secret.txt").write_text("mật khẩu quản trị", encoding="utf-8")
    demo, url = app.start(service, config, block=False)
    try:
        yield url.rstrip("/"), service, tmp
    finally:
        demo.close()


@pytest.mark.parametrize("attempt", [
    "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fsecret.txt", "%2fetc%2fpasswd", "/etc/passwd", "..", "%2e%2e",
    "....//....//etc/passwd", "0123456789abcdef", "0123456789ABCDEF", "0123456789abcdef%00",
    "..%5c..%5csecret.txt",
])
def test_routes_refuse_traversal(served_routes: tuple[str, object, Path], attempt: str) -> None:
    """Sent byte for byte (``http.client`` does not resolve ``..`` as httpx would)."""
    import http.client

    url, _, _ = served_routes
    netloc = urllib.parse.urlsplit(url).netloc
    for tail in ("", "/file", "/file?download=1"):
        conn = http.client.HTTPConnection(netloc, timeout=30)
        try:
            conn.request("GET", f"/original/{attempt}{tail}")
            got = conn.getresponse()
            body = got.read().decode("utf-8", "replace")
        finally:
            conn.close()
        assert got.status == 404, (attempt, tail, got.status)
        assert "root:" not in body and "mật khẩu" not in body


def test_routes_refuse_a_symlink_planted_in_the_originals(served_routes: tuple[str, object, Path]) -> None:
    url, service, tmp = served_routes
    record = next(r for r in service.documents() if r.file.endswith(".pdf"))  # type: ignore[attr-defined]
    kept_file = tmp / "db" / "originals" / record.sha256
    saved = kept_file.read_bytes()
    assert httpx.get(f"{url}/original/{record.doc_id}/file").content == saved
    kept_file.unlink()
    kept_file.symlink_to(tmp / "secret.txt")
    try:
        got = httpx.get(f"{url}/original/{record.doc_id}/file")
        assert got.status_code == 404 and "mật khẩu" not in got.text
    finally:
        kept_file.unlink()
        kept_file.write_bytes(saved)


def test_routes_serve_a_registered_original(served_routes: tuple[str, object, Path]) -> None:
    url, service, _ = served_routes
    record = next(r for r in service.documents() if r.file.endswith(".docx"))  # type: ignore[attr-defined]
    page = httpx.get(f"{url}/original/{record.doc_id}", params={"c": "1.a"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.text.count("<mark>") == 1 and f'id="{orig.anchor("1.a")}"' in page.text
    file = httpx.get(f"{url}/original/{record.doc_id}/file")
    assert file.content == (CORPUS / record.file).read_bytes()
    assert file.headers["content-disposition"].startswith("attachment;")  # Word: a download


def test_routes_need_the_login_when_the_page_has_one(tmp_path: Path) -> None:
    from vanban.service import Vanban

    config = Config(db=str(tmp_path / "db"), embedder="fake", port=_free_port(), auth="can:bo-123")
    service = Vanban(config)
    service.ingest([CORPUS / "chi-thi-08-CT-UBND.pdf"])
    doc_id = service.documents()[0].doc_id
    demo, url = app.start(service, config, block=False)
    try:
        base = url.rstrip("/")
        for tail in ("", "/file"):
            assert httpx.get(f"{base}/original/{doc_id}{tail}").status_code == 401
        with httpx.Client(base_url=base) as client:
            login = client.post("/login", data={"username": "can", "password": "bo-123"})
            assert login.status_code == 200, login.text
            got = client.get(f"/original/{doc_id}/file")
            assert got.status_code == 200
            assert got.content == (CORPUS / "chi-thi-08-CT-UBND.pdf").read_bytes()
    finally:
        demo.close()
