"""Layout health of ``vanban parse`` over one half of ``../shared/corpus-wide``.

Prints one row per file of the chosen half (``evals/wide/split.tsv``): status,
header number / date / issuer, clause count, task-table rows and the count of
*layout symptoms* found in the parsed clauses:

* ``leak``  — a running header/footer or e-signature stamp line left inside a
  clause (``CÔNG BÁO/Số …``, ``Cơ quan phát hành: …``, a bare page number);
* ``mash``  — a body line holding three or more task-table column names
  (``TT Nội dung công việc Cơ quan chủ trì …``): a table read as text, columns
  interleaved;
* ``split`` — a task-table row that is a leftover piece of the row above (its
  task cell starts in lower case, or a duplicated ``~2`` row path).

Example:

    .venv/bin/python evals/wide_parse_report.py --half dev
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.model import Clause, Document  # noqa: E402
from ingest.parse import parse_file  # noqa: E402
from vanban.settings import shared_dir  # noqa: E402

SPLIT = ROOT / "evals" / "wide" / "split.tsv"
_LEAK = re.compile(r"CÔNG BÁO\s*/|Cơ quan phát hành|Thời gian ký|Ký bởi|^\d{1,3}$", re.I)
_COLUMN_WORDS = ("chủ trì", "phối hợp", "thời hạn", "thời gian", "nội dung", "nhiệm vụ",
                 "sản phẩm", "kết quả", "cấp trình")


def files_of(half: str, split: Path = SPLIT) -> list[str]:
    """File names of one half (``dev`` or ``test``) in split order."""
    with split.open(encoding="utf-8") as fh:
        return [r["file"] for r in csv.DictReader(fh, delimiter="\t") if r["half"] == half]


def _mashed(line: str) -> bool:
    low = line.lower()
    return len(line) <= 200 and sum(w in low for w in _COLUMN_WORDS) >= 3


def symptoms(clauses: tuple[Clause, ...]) -> dict[str, int]:
    """Counts of leaked page furniture, mashed table headers and split rows."""
    leak = mash = split = 0
    for c in clauses:
        lines = c.text.split("\n")
        leak += sum(bool(_LEAK.search(s.strip())) for s in lines)
        if c.kind == "table_row":
            task = next((x for x in c.cells[1:] if x.strip()), "")
            split += bool(task[:1].islower()) or "~" in c.path
        else:
            mash += sum(_mashed(s) for s in lines)
    return {"leak": leak, "mash": mash, "split": split}


def report_row(doc: Document) -> dict[str, str]:
    h = doc.header
    s = symptoms(doc.clauses)
    return {
        "file": Path(doc.file).name[:40],
        "status": doc.status,
        "number": h.number or "",
        "date": h.date.isoformat() if h.date else "",
        "issuer": (h.issuer or "")[:40],
        "clauses": str(sum(c.kind != "table_row" for c in doc.clauses)),
        "rows": str(sum(c.kind == "table_row" for c in doc.clauses)),
        **{k: str(v) for k, v in s.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", default="dev", choices=("dev", "test"))
    ap.add_argument("--corpus", default=str(shared_dir(ROOT) / "corpus-wide"))
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        corpus = Path("/work/shared/corpus-wide")
    rows = [report_row(parse_file(corpus / name)) for name in files_of(args.half)]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(r[c] for c in cols) + " |")
    total = {k: sum(int(r[k]) for r in rows) for k in ("clauses", "rows", "leak", "mash", "split")}
    ok = sum(r["status"] == "ok" for r in rows)
    print(f"\n{len(rows)} files, {ok} ok, with number {sum(bool(r['number']) for r in rows)}, "
          f"with date {sum(bool(r['date']) for r in rows)}, "
          f"with issuer {sum(bool(r['issuer']) for r in rows)}; "
          + ", ".join(f"{k} {v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
