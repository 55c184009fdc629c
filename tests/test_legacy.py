"""Legacy word-processor files (.doc, .odt, .rtf): both converters, for real.

The .doc files are the real ones of ../shared/corpus-wide (Word 97-2003 files of
UBND tỉnh Lâm Đồng and UBND TP Huế). The .odt and .rtf are made at test time by
converting a python-docx file with LibreOffice, so each format runs end to end.
"""

from __future__ import annotations

import functools
import shutil
import time
from pathlib import Path

import pytest

from ingest.errors import ConverterMissingError, CorruptFileError
from ingest.model import Document, RawDocument, Table
from ingest.parse import parse_file, parse_raw
from ingest.readers import read_file, with_quality
from ingest.readers.legacy import read_legacy
from tests.conftest import SHARED

WIDE = SHARED / "corpus-wide"
HAS_SOFFICE = shutil.which("soffice") is not None
HAS_ANTIWORD = shutil.which("antiword") is not None
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="soffice (libreoffice-writer-nogui) "
                                   "is not installed")
needs_antiword = pytest.mark.skipif(not HAS_ANTIWORD, reason="antiword is not installed")

# Every .doc of corpus-wide: (prefix, header number as printed, issuer). Their numbers
# are blank ("Số:   /TB-UBND", e-signed later); 88_ is a speech with no number.
DOCS = {
    "68_": ("/TB-UBND", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "69_": ("/TB-UBND", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "74_": ("/KH-UBND", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "76_": ("/UBND-NC", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "79_": ("/GM-UBND", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "80_": ("/UBND-NC", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    "88_": (None, None),
}


def wide_file(prefix: str) -> Path:
    """The corpus-wide file whose name starts with ``prefix``; skips when absent."""
    if not (WIDE / "MANIFEST.tsv").exists():
        pytest.skip(f"../shared/corpus-wide not found at {WIDE} (set VANBAN_SHARED)")
    hits = sorted(WIDE.glob(f"{prefix}*.doc"))
    if not hits:
        pytest.skip(f"no .doc starting with {prefix!r} in {WIDE}")
    return hits[0]


@functools.cache
def parsed(prefix: str, converter: str) -> tuple[Document, RawDocument, float]:
    """Parse one corpus-wide .doc through one converter only (cached per session)."""
    path = wide_file(prefix)
    start = time.perf_counter()
    raw = with_quality(read_legacy(path, converters=(converter,)))
    seconds = time.perf_counter() - start
    return parse_raw(raw, "test"), raw, seconds


def clause_paths(doc: Document) -> list[str]:
    return [c.path for c in doc.clauses]


# -- the real .doc files, through each converter ------------------------------------------------


@pytest.mark.parametrize("converter", [
    pytest.param("soffice", marks=needs_soffice), pytest.param("antiword", marks=needs_antiword)])
@pytest.mark.parametrize("prefix", sorted(DOCS))
def test_every_corpus_wide_doc_parses(prefix: str, converter: str) -> None:
    doc, raw, seconds = parsed(prefix, converter)
    number, issuer = DOCS[prefix]
    assert doc.status == "ok", doc.message
    assert raw.file == str(wide_file(prefix))  # the user's file, not the temp .docx
    assert raw.extractor == ("soffice+python-docx" if converter == "soffice" else "antiword")
    assert len(doc.clauses) >= 2
    assert raw.quality is not None and raw.quality > 0.9
    assert doc.header.number == number
    if issuer:
        assert doc.header.issuer == issuer
    print(f"{prefix} {converter}: {len(doc.clauses)} clauses in {seconds:.2f} s")


@needs_soffice
@needs_antiword
def test_both_converters_find_the_same_clause_tree() -> None:
    """76_ (a công văn with I./1./2.1/- items): the two routes agree on the structure."""
    by_soffice, _, _ = parsed("76_", "soffice")
    by_antiword, _, _ = parsed("76_", "antiword")
    assert clause_paths(by_soffice)[:12] == [
        "preamble.1", "I", "I.1", "I.1.-1", "I.1.-2", "I.2", "I.3", "I.4", "I.5", "I.6",
        "II", "II.1"]
    assert clause_paths(by_soffice) == clause_paths(by_antiword)
    last = by_soffice.clauses[-1].text
    assert last.startswith("Các sở, ban, ngành tỉnh, UBND cấp xã căn cứ chức năng")
    assert by_antiword.clauses[-1].text == last


@needs_soffice
def test_soffice_keeps_the_task_paragraph_of_80() -> None:
    doc, _, _ = parsed("80_", "soffice")
    task = next(c.text for c in doc.clauses if "giao Sở Nội vụ" in c.text)
    assert "trước ngày 30/9/2025" in task
    assert doc.closing.signer == "Nguyễn Nhân Bản"


@needs_soffice
def test_read_file_routes_doc_through_soffice_first() -> None:
    raw = read_file(wide_file("80_"))
    assert raw.extractor == "soffice+python-docx" and raw.fmt == "docx"
    doc = parse_file(wide_file("80_"))
    assert doc.file.endswith("80_CV_UBND-NC_LamDong_giao-snv-gop-y-theo-cv8151_2025-09.doc")


# -- failures: no converter, broken files ------------------------------------------------------


def test_no_converter_installed_names_the_debian_package(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    legacy = tmp_path / "cong-van.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # neither soffice nor antiword
    with pytest.raises(ConverterMissingError) as info:
        read_file(legacy)
    message = str(info.value)
    assert message.startswith("cong-van.doc: máy chưa có chương trình chuyển đổi để đọc tệp .doc")
    assert "cần cài libreoffice-writer-nogui (hoặc antiword)" in message
    doc = parse_file(legacy)  # in a batch: a status, not an exception
    assert doc.status == "error" and "libreoffice-writer-nogui" in doc.message


def test_odt_without_soffice_names_only_libreoffice(tmp_path: Path) -> None:
    odt = tmp_path / "ke-hoach.odt"
    odt.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ConverterMissingError, match="cần cài libreoffice-writer-nogui "):
        read_legacy(odt, converters=("antiword",))  # antiword reads only .doc


@pytest.mark.parametrize("converters", [
    pytest.param(("soffice",), marks=needs_soffice),
    pytest.param(("antiword",), marks=needs_antiword)])
def test_truncated_doc_is_corrupt_with_each_converter(
        tmp_path: Path, converters: tuple[str, ...]) -> None:
    cut = tmp_path / "cat-do.doc"
    cut.write_bytes(wide_file("80_").read_bytes()[:3000])
    with pytest.raises(CorruptFileError, match=r"^cat-do\.doc: tệp hỏng, không chuyển đổi được"):
        read_legacy(cut, converters=converters)


def test_text_renamed_to_doc_is_refused_before_any_converter(tmp_path: Path) -> None:
    fake = tmp_path / "gia.rtf"
    fake.write_text("Chỉ là chữ thường, không phải RTF", encoding="utf-8")
    with pytest.raises(CorruptFileError, match="không phải tài liệu Word/OpenDocument/RTF"):
        read_legacy(fake)


@needs_antiword
def test_antiword_is_the_fallback_when_soffice_is_not_installed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "antiword").symlink_to(shutil.which("antiword") or "antiword")
    monkeypatch.setenv("PATH", str(bin_dir))
    raw = read_file(wide_file("80_"))
    assert raw.extractor == "antiword"
    assert any("giao Sở Nội vụ" in getattr(b, "text", "") for b in raw.blocks)


# -- .odt and .rtf made at test time -----------------------------------------------------------


@functools.cache
def converted(fmt: str, folder: Path) -> Path:
    """A Vietnamese plan with a numbered list and a task table, saved as ``fmt`` by soffice."""
    import subprocess

    import docx

    source = folder / "ke-hoach-mau.docx"
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 15/KH-UBND", "KẾ HOẠCH",
                 "Kiểm tra an toàn thực phẩm năm 2026", "I. MỤC ĐÍCH, YÊU CẦU",
                 "1. Bảo đảm an toàn thực phẩm trên địa bàn tỉnh.", "II. TỔ CHỨC THỰC HIỆN",
                 "1. Sở Y tế chủ trì, phối hợp với Sở Công Thương kiểm tra, báo cáo "
                 "Ủy ban nhân dân tỉnh trước ngày 30/6/2026."):
        d.add_paragraph(line)
    rows = [("Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"),
            ("Lấy mẫu kiểm nghiệm", "Sở Y tế", "Quý III/2026")]
    table = d.add_table(rows=2, cols=3)
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    d.save(str(source))
    out = folder / fmt
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(folder / 'p').as_uri()}",
                    "--convert-to", fmt, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out / f"ke-hoach-mau.{fmt}"


@needs_soffice
@pytest.mark.parametrize("fmt", ["odt", "rtf"])
def test_odt_and_rtf_keep_clauses_and_table(fmt: str, tmp_path_factory: pytest.TempPathFactory
                                            ) -> None:
    path = converted(fmt, tmp_path_factory.mktemp(fmt))
    assert path.read_bytes().startswith(b"PK" if fmt == "odt" else b"{\\rtf")
    raw = read_file(path)
    assert raw.file == str(path) and raw.extractor == "soffice+python-docx"
    tables = [b for b in raw.blocks if isinstance(b, Table)]
    assert tables and tables[0].rows[1] == ("Lấy mẫu kiểm nghiệm", "Sở Y tế", "Quý III/2026")
    doc = parse_raw(raw, "x")
    assert doc.header.number == "15/KH-UBND" and doc.header.doc_type == "Kế hoạch"
    task = next(c for c in doc.clauses if c.path == "II.1")
    assert task.text.startswith("Sở Y tế chủ trì, phối hợp với Sở Công Thương")


@needs_soffice
def test_concurrent_conversions_do_not_collide(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each call has its own LibreOffice profile, so parallel reads both succeed."""
    from concurrent.futures import ThreadPoolExecutor

    files = [wide_file("80_"), wide_file("69_")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        raws = list(pool.map(lambda p: read_legacy(p, converters=("soffice",)), files))
    assert [Path(r.file).name[:3] for r in raws] == ["80_", "69_"]
    assert all(r.extractor == "soffice+python-docx" and r.blocks for r in raws)
