"""What ``vanban parse`` makes of every file in a corpus: one row per file.

Prints a Markdown table (file, status, type, number, date, clauses, task-table
rows, signer) and writes it to ``evals/parse_report.md``.

Example:

    .venv/bin/python evals/parse_report.py ../shared/corpus
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.parse import parse_files  # noqa: E402
from vanban.settings import shared_dir  # noqa: E402

COLUMNS = ("file", "status", "type", "number", "date", "clauses", "table rows", "signer")


def parse_report_rows(corpus_dir: str | Path) -> list[dict[str, str]]:
    """One row per supported file of ``corpus_dir``, in file-name order."""
    rows = []
    for doc in parse_files([corpus_dir]):
        h = doc.header
        rows.append({
            "file": Path(doc.file).name,
            "status": doc.status,
            "type": h.doc_type or "",
            "number": h.number or "",
            "date": h.date.isoformat() if h.date else "",
            "clauses": str(sum(c.kind != "table_row" for c in doc.clauses)),
            "table rows": str(sum(c.kind == "table_row" for c in doc.clauses)),
            "signer": doc.closing.signer or "",
        })
    return rows


def to_markdown(rows: list[dict[str, str]]) -> str:
    """The rows as a Markdown table, with a totals line."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(r[c].replace("|", "\\|") for c in COLUMNS) + " |")
    ok = [r for r in rows if r["status"] == "ok"]
    lines.append("")
    lines.append(
        f"{len(rows)} files; {len(ok)} ok; with type {sum(bool(r['type']) for r in ok)}, "
        f"with number {sum(bool(r['number']) for r in ok)}, "
        f"with date {sum(bool(r['date']) for r in ok)}, "
        f"with clauses {sum(r['clauses'] != '0' for r in ok)}; "
        f"{sum(int(r['clauses']) for r in rows)} clauses, "
        f"{sum(int(r['table rows']) for r in rows)} task-table rows."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else shared_dir(ROOT) / "corpus"
    text = to_markdown(parse_report_rows(corpus))
    print(text, end="")
    out = ROOT / "evals" / "parse_report.md"
    out.write_text(f"# vanban parse over {corpus.name}/\n\n{text}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
