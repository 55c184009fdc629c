"""Share of extracted assignment records whose body is a well-formed name.

Runs the extractor over every file of ``../shared/corpus`` and of the **dev** half of
``../shared/corpus-wide`` (``evals/wide/split.tsv``; the test half is never read) and
counts, per corpus, the records whose body passes
:func:`ingest.bodies.is_well_formed_body`. Records with an empty body (a deadline whose
owner the text does not name) are counted apart. A random sample of records (seeded) is
written as TSV for a hand audit: fill the ``ok`` column with 1/0 and pass the file back
with ``--audited`` to print the hand-audited share.

Legacy ``.doc`` files that the readers cannot open yet are converted with LibreOffice
(``soffice --headless --convert-to docx``) into a temporary folder, when it is installed.

Usage::

    .venv/bin/python evals/body_wellformed.py [--sample 100] [--out PATH] [--audited PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.assignments import Assignment, extract_assignments  # noqa: E402
from ingest.bodies import is_well_formed_body  # noqa: E402
from ingest.parse import parse_file  # noqa: E402
from vanban.settings import shared_dir  # noqa: E402

SHARED = shared_dir(ROOT)
SPLIT = ROOT / "evals" / "wide" / "split.tsv"
OUT = ROOT / "evals" / "body_wellformed_sample.tsv"


def dev_files(split: Path, corpus: Path) -> list[Path]:
    """The dev-half files of corpus-wide, in split order."""
    with split.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [corpus / r["file"] for r in rows if r["half"] == "dev"]


def _converted(path: Path, tmp: Path) -> Path | None:
    """A .doc converted to .docx by LibreOffice, or None."""
    if shutil.which("soffice") is None:
        return None
    subprocess.run(["soffice", "--headless", "--convert-to", "docx", "--outdir", str(tmp), str(path)],
                   capture_output=True, timeout=120, check=False)
    out = tmp / (path.stem + ".docx")
    return out if out.exists() else None


def records(files: Sequence[Path]) -> Iterator[tuple[str, Assignment]]:
    """(file name, record) for every assignment extracted from ``files``."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            doc = parse_file(path)
            if doc.status != "ok" and path.suffix.lower() in (".doc", ".rtf", ".odt"):
                docx = _converted(path, Path(tmp))
                doc = parse_file(docx) if docx else doc
            if doc.status != "ok":
                print(f"  (bỏ qua {path.name}: {doc.status})", file=sys.stderr)
            for r in extract_assignments(doc):
                yield path.name, r


def share(recs: Sequence[tuple[str, Assignment]]) -> tuple[int, int, int]:
    """(well-formed, with a body, empty body)."""
    named = [r for _, r in recs if r.body]
    good = sum(is_well_formed_body(r.body) for r in named)
    return good, len(named), len(recs) - len(named)


def write_sample(recs: Sequence[tuple[str, Assignment]], n: int, out: Path, seed: int) -> None:
    named = [(f, r) for f, r in recs if r.body]
    sample = random.Random(seed).sample(named, min(n, len(named)))
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["ok", "validator", "file", "clause", "body", "role", "deadline", "task"])
        for f, r in sample:
            w.writerow(["", int(is_well_formed_body(r.body)), f, r.clause, r.body, r.role,
                        r.deadline_text or "", r.task[:160]])


def audited_share(path: Path) -> tuple[int, int]:
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["ok"].strip() in ("0", "1")]
    return sum(r["ok"].strip() == "1" for r in rows), len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tỉ lệ tên cơ quan đúng dạng trong các bản ghi giao việc.")
    ap.add_argument("--sample", type=int, default=100, help="số bản ghi lấy mẫu để kiểm tay")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--out", type=Path, default=OUT, help="tệp TSV mẫu")
    ap.add_argument("--audited", type=Path, help="tệp mẫu đã điền cột ok (1/0)")
    args = ap.parse_args(argv)
    if args.audited:
        good, total = audited_share(args.audited)
        print(f"hand-audited: {good}/{total} = {good / total:.3f}" if total else "chưa có dòng nào được kiểm")
        return 0
    corpus, wide = SHARED / "corpus", SHARED / "corpus-wide"
    if not corpus.exists() or not wide.exists():
        print(f"Không thấy {corpus} hoặc {wide} — đặt VANBAN_SHARED.", file=sys.stderr)
        return 2
    everything: list[tuple[str, Assignment]] = []
    for name, files in (("corpus", sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix != ".tsv")),
                        ("corpus-wide dev", dev_files(SPLIT, wide))):
        recs = list(records(files))
        good, named, empty = share(recs)
        print(f"{name:16} well-formed {good}/{named} = {good / named:.3f}  (records {len(recs)}, "
              f"empty body {empty})")
        everything += recs
    good, named, empty = share(everything)
    print(f"{'both':16} well-formed {good}/{named} = {good / named:.3f}  (records {len(everything)}, "
          f"empty body {empty})")
    write_sample(everything, args.sample, args.out, args.seed)
    print(f"sample of {args.sample} written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
