"""Legacy word-processor files (.doc, .odt, .rtf), read through a converter.

LibreOffice (``soffice --headless --convert-to docx``) turns the file into a
.docx in a private temporary folder, and the DOCX reader reads that, so tables
and automatic list numbers survive. For a .doc, ``antiword`` text is the
fallback when LibreOffice is missing or fails; its tables come out as pipe
rows, which the text reader already understands. The ``RawDocument`` keeps the
user's file name: citations name the file the user gave, never the temp copy.

Each LibreOffice call gets its own profile directory (``-env:UserInstallation``):
two conversions sharing the default profile block or fail on its lock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ingest.errors import ConverterMissingError, CorruptFileError, EmptyFileError, InputError
from ingest.model import RawDocument

__all__ = ["CONVERTERS", "LEGACY_EXTENSIONS", "read_legacy"]

LEGACY_EXTENSIONS: tuple[str, ...] = (".doc", ".odt", ".rtf")
CONVERTERS: tuple[str, ...] = ("soffice", "antiword")
SOFFICE_TIMEOUT = 120.0  # seconds; a first start of LibreOffice takes a few
ANTIWORD_TIMEOUT = 60.0
# Debian packages, named in the message when no converter can read the file.
PACKAGES = {"soffice": "libreoffice-writer-nogui", "antiword": "antiword"}


# What a word-processor file starts with: OLE2 compound file (Word 97-2003), RTF,
# a zip (OpenDocument, or a .docx renamed), Word's HTML/XML "Save as". Anything
# else LibreOffice would silently import as plain text, garbage and all.
_SIGNATURES = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"PK\x03\x04", b"<")


def check_signature(path: Path) -> None:
    """``CorruptFileError`` unless the bytes start like a word-processor document."""
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise EmptyFileError(path, "tệp rỗng (0 byte)", "kiểm tra lại tệp gốc rồi nạp lại")
    if not head.startswith(_SIGNATURES):
        raise CorruptFileError(
            path,
            f"tệp có đuôi {path.suffix.lower()} nhưng không phải tài liệu Word/OpenDocument/RTF "
            "(hỏng hoặc bị cắt)",
            "mở tệp gốc bằng Word hoặc LibreOffice, lưu lại thành .docx rồi nạp lại",
        )


class ConversionFailed(Exception):
    """One converter could not read the file; the next one is tried."""


def usable_converters(suffix: str, allowed: Sequence[str] = CONVERTERS) -> list[str]:
    """The converters in ``allowed`` that can read ``suffix`` and are installed, in order."""
    fit = [c for c in allowed if c in CONVERTERS and (c == "soffice" or suffix == ".doc")]
    return [c for c in fit if shutil.which(c)]


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``cmd`` in its own process group, killed whole on timeout.

    soffice forks ``soffice.bin``; killing only the parent would leave it running.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ConversionFailed(f"quá {timeout:.0f} giây") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def soffice_to_docx(path: Path, workdir: Path, timeout: float = SOFFICE_TIMEOUT) -> Path:
    """Convert ``path`` to a .docx inside ``workdir`` with LibreOffice; the .docx path."""
    profile = workdir / "profile"
    outdir = workdir / "out"
    cmd = [str(shutil.which("soffice") or "soffice"), "--headless", "--norestore", "--nolockcheck",
           "--nodefault", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(path.resolve())]
    done = _run(cmd, timeout)
    result = outdir / f"{path.stem}.docx"
    if done.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        # soffice says "source file could not be loaded" yet exits 0: judge by the output.
        raise ConversionFailed("LibreOffice không mở được tệp")
    return result


def antiword_text(path: Path, timeout: float = ANTIWORD_TIMEOUT) -> str:
    """The text of a .doc by antiword (UTF-8, no line wrapping, tables as ``|`` rows)."""
    cmd = [str(shutil.which("antiword") or "antiword"), "-m", "UTF-8.txt", "-w", "0", str(path)]
    done = _run(cmd, timeout)
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        raise ConversionFailed("antiword không đọc được tệp")
    return text


def _via_soffice(path: Path, timeout: float) -> RawDocument:
    from ingest.readers.docx import read_docx

    with tempfile.TemporaryDirectory(prefix="vanban-soffice-") as tmp:
        converted = soffice_to_docx(path, Path(tmp), timeout)
        try:
            raw = read_docx(converted)
        except InputError as err:  # named after the temp copy: say it of the user's file
            raise ConversionFailed(err.reason) from err
    # fmt stays "docx": the blocks are Word paragraphs, not wrapped lines.
    return replace(raw, file=str(path), extractor="soffice+python-docx")


def _via_antiword(path: Path) -> RawDocument:
    from ingest.normalize import normalize_text
    from ingest.readers.text import blocks_from_lines, paged_lines

    text = normalize_text(antiword_text(path))
    blocks = tuple(blocks_from_lines(paged_lines(text)))
    if not blocks:
        raise ConversionFailed("antiword không thấy chữ nào trong tệp")
    return RawDocument(file=str(path), fmt="doc", blocks=blocks, extractor="antiword",
                       pages=text.count("\f") + 1, paged="\f" in text)


def missing_converters_error(path: Path) -> ConverterMissingError:
    """The error for a legacy file on a machine without any converter that reads it."""
    suffix = path.suffix.lower()
    packages = PACKAGES["soffice"] + (f" (hoặc {PACKAGES['antiword']})" if suffix == ".doc" else "")
    return ConverterMissingError(
        path,
        f"máy chưa có chương trình chuyển đổi để đọc tệp {suffix}",
        f"cần cài {packages} (sudo apt-get install {packages.split()[0]}) "
        "hoặc lưu lại tệp thành .docx rồi nạp lại",
    )


def read_legacy(path: Path, *, converters: Sequence[str] = CONVERTERS,
                timeout: float = SOFFICE_TIMEOUT) -> RawDocument:
    """Read a .doc, .odt or .rtf file through the first converter that succeeds.

    ``converters`` limits which of ``soffice`` and ``antiword`` may be used (tests
    pass one of them, or none, to take each path for real). Raises
    ``ConverterMissingError`` when none is installed, ``CorruptFileError`` when
    every installed one fails. The result's ``extractor`` names the route taken,
    e.g. ``soffice+python-docx`` (``tests/test_legacy.py`` reads real .doc files).
    """
    check_signature(path)
    tools = usable_converters(path.suffix.lower(), converters)
    if not tools:
        raise missing_converters_error(path)
    failures: list[str] = []
    for tool in tools:
        try:
            return _via_soffice(path, timeout) if tool == "soffice" else _via_antiword(path)
        except ConversionFailed as err:
            failures.append(str(err))
        except OSError:  # the program vanished or cannot be started
            failures.append(f"không chạy được {tool}")
    raise CorruptFileError(
        path,
        "tệp hỏng, không chuyển đổi được (" + "; ".join(failures) + ")",
        "mở tệp bằng Word hoặc LibreOffice, lưu lại thành .docx rồi nạp lại",
    )
