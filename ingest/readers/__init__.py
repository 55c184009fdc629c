"""File readers: every supported file becomes one ``RawDocument``.

``read_file`` picks the reader by extension. Readers raise an ``InputError``
subclass for files that cannot be used at all (empty, wrong format, corrupt,
encrypted) and return a ``RawDocument`` with status ``needs_ocr`` or
``unreadable_text_layer`` when the file opens but its text cannot be trusted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ingest.errors import EmptyFileError, InputError, UnsupportedFormatError
from ingest.model import RawDocument
from ingest.quality import MIN_QUALITY, blocks_text, syllable_quality

__all__ = ["SUPPORTED_EXTENSIONS", "read_file"]

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".pdf", ".docx", ".txt", ".md", ".doc", ".odt", ".rtf")


def _reader_for(suffix: str, ocr: bool = False) -> Callable[[Path], RawDocument] | None:
    # Imported here so reading a .txt never loads pdfplumber or python-docx.
    if suffix == ".pdf":
        from ingest.readers.pdf import read_pdf

        return functools.partial(read_pdf, ocr=ocr)
    if suffix == ".docx":
        from ingest.readers.docx import read_docx

        return read_docx
    if suffix in (".txt", ".md"):
        from ingest.readers.text import read_text

        return read_text
    if suffix in (".doc", ".odt", ".rtf"):
        # Through LibreOffice (or antiword for .doc): see ingest.readers.legacy.
        from ingest.readers.legacy import read_legacy

        return read_legacy
    return None


def read_file(path: str | Path, *, ocr: bool = False) -> RawDocument:
    """Read one file into a ``RawDocument``, choosing the reader by its extension.

    ``ocr=True`` lets a scanned PDF, a PDF with a garbled (legacy-font) text layer,
    or the image-only pages of a typed PDF be read with tesseract instead of being
    flagged ``needs_ocr`` / ``unreadable_text_layer``; other formats ignore it.

    ``.doc``, ``.odt`` and ``.rtf`` are converted with LibreOffice (``.doc`` falls
    back to antiword); ``ConverterMissingError`` when neither is installed.

    Raises ``UnsupportedFormatError`` for other extensions (e.g. ``.xls``, ``.wpd``),
    ``EmptyFileError`` for a zero-byte file, and whatever the reader raises
    (``CorruptFileError``, ``EncryptedFileError``) for files that cannot be opened.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    reader = _reader_for(suffix, ocr)
    if reader is None:
        shown = suffix or "(không có đuôi)"
        raise UnsupportedFormatError(
            p,
            f"định dạng {shown} không được hỗ trợ",
            "hãy lưu lại thành .pdf, .docx, .doc, .odt, .rtf, .txt hoặc .md rồi nạp lại",
        )
    if not p.is_file():
        raise InputError(p, "không tìm thấy tệp", "kiểm tra lại đường dẫn")
    if p.stat().st_size == 0:
        raise EmptyFileError(p, "tệp rỗng (0 byte)", "kiểm tra lại tệp gốc rồi nạp lại")
    return with_quality(reader(p))


def with_quality(doc: RawDocument) -> RawDocument:
    """Score a document the reader did not score (TXT, DOCX) and refuse junk text.

    A .txt or .docx typed in a legacy font encoding (TCVN3 ``.VnTime``, VNI) reads
    as ``Céng hoµ x· héi`` — valid bytes, useless words — and must not be indexed.
    """
    if doc.status != "ok" or doc.quality is not None:
        return doc
    score = round(syllable_quality(blocks_text(doc.blocks)), 4)
    doc = replace(doc, quality=score, metrics={**doc.metrics, doc.extractor: score})
    if score >= MIN_QUALITY:
        return doc
    name = Path(doc.file).name
    return replace(
        doc,
        blocks=(),
        status="unreadable_text_layer",
        message=f"{name}: chữ trong tệp không đọc được như tiếng Việt (chỉ {score:.0%} là âm "
        "tiết hợp lệ; có thể gõ bằng bảng mã cũ TCVN3/VNI) — hãy chuyển sang Unicode "
        "(ví dụ bằng Unikey) rồi nạp lại",
    )
