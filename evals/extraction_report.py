"""Extraction report: how every file of a corpus reads, and which extractor won.

Run from the repository root::

    .venv/bin/python evals/extraction_report.py [CORPUS_DIR]

CORPUS_DIR defaults to ``../shared/corpus``. Prints a Markdown table and writes it to
``evals/extraction_report.md``. ``report_rows`` returns the rows as dicts so other
reports (clause counts, header fields) can extend them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from ingest.errors import InputError  # noqa: E402
from ingest.model import RawDocument, Table  # noqa: E402
from ingest.readers import SUPPORTED_EXTENSIONS, read_file  # noqa: E402
from vanban.settings import shared_dir  # noqa: E402

DEFAULT_CORPUS = shared_dir(ROOT) / "corpus"
OUTPUT = ROOT / "evals" / "extraction_report.md"
COLUMNS = (
    "file",
    "format",
    "pypdf",
    "pdfplumber",
    "extractor",
    "quality",
    "status",
    "lines",
    "tables",
    "pages",
    "seconds",
)


def _fmt_score(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def row_for(doc: RawDocument, seconds: float) -> dict[str, object]:
    """One report row from a read document."""
    tables = sum(1 for b in doc.blocks if isinstance(b, Table))
    return {
        "file": Path(doc.file).name,
        "format": doc.fmt,
        "pypdf": doc.metrics.get("pypdf"),
        "pdfplumber": doc.metrics.get("pdfplumber"),
        "extractor": doc.extractor,
        "quality": doc.quality,
        "status": doc.status,
        "lines": len(doc.blocks) - tables,
        "tables": tables,
        "pages": doc.pages,
        "seconds": round(seconds, 2),
        "message": doc.message,
    }


def error_row(path: Path, err: InputError, seconds: float) -> dict[str, object]:
    """A row for a file a reader refused (empty, corrupt, encrypted...)."""
    return {
        "file": path.name,
        "format": path.suffix.lower().lstrip("."),
        "pypdf": None,
        "pdfplumber": None,
        "extractor": "",
        "quality": None,
        "status": "error",
        "lines": 0,
        "tables": 0,
        "pages": 0,
        "seconds": round(seconds, 2),
        "message": str(err),
    }


def report_rows(corpus_dir: str | Path) -> list[dict[str, object]]:
    """Read every supported file of ``corpus_dir`` (sorted by name) into report rows."""
    rows: list[dict[str, object]] = []
    for path in sorted(Path(corpus_dir).iterdir()):
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            continue
        start = time.perf_counter()
        try:
            doc = read_file(path)
        except InputError as err:
            rows.append(error_row(path, err, time.perf_counter() - start))
            continue
        rows.append(row_for(doc, time.perf_counter() - start))
    return rows


def to_markdown(rows: list[dict[str, object]]) -> str:
    """The rows as a Markdown table, then the messages of files not read as ``ok``."""

    def cell(key: str, value: object) -> str:
        if key in ("pypdf", "pdfplumber", "quality"):
            return _fmt_score(value if isinstance(value, float) else None)
        return str(value)

    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(cell(k, r[k]) for k in COLUMNS) + " |" for r in rows]
    notes = [f"- {r['message']}" for r in rows if r["status"] != "ok" and r["message"]]
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    return "\n".join([f"{len(rows)} files — {summary}", "", *out, "", *notes]) + "\n"


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(
            f"Không tìm thấy thư mục văn bản {corpus} — truyền đường dẫn: "
            "evals/extraction_report.py THU_MUC",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    text = "# Extraction report\n\n" + to_markdown(report_rows(corpus))
    text += f"\nTotal: {time.perf_counter() - started:.1f} s\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print(text)
    print(f"→ {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
