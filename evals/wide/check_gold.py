"""Validate the hand-made gold of ../shared/corpus-wide (both halves, when present).

Pure checks, no product imports: the documents are read with pdfplumber, python-docx and
antiword (or LibreOffice) directly, never with vanban's own reader.

    python evals/wide/check_gold.py [--shared ../shared]

Checks, per half (`dev_*`, `test_*` files in this folder):
* assignments: schema, NFC, role in the README's set, ISO `due`, 6-20 syllable quote that occurs in
  the document text, file listed in split.tsv under the same half;
* questions: schema, unique ids, kind, NFC, quote occurs in the document, no run of >= 7
  consecutive syllables copied from the document, who/what/when tuples
  (file, expected_body, expected_role, expected_due) present in the same half's gold,
  `absent` questions with null body and quote, `meta` questions with an `expected_text`.
Exit status 1 when any problem is found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HALVES = ("dev", "test")
ROLES = {"chủ trì", "phối hợp", "thực hiện", "theo dõi, đôn đốc", "tham mưu"}
KINDS = {"who", "what", "when", "absent", "meta"}
GOLD_KEYS = {"file", "clause", "body", "role", "due", "deadline_text", "quote", "task"}
QUESTION_KEYS = {
    "id",
    "kind",
    "question",
    "file",
    "expected_body",
    "expected_role",
    "expected_due",
    "quote",
}
COPY_LIMIT = 7  # a question may not share this many consecutive syllables with its document
_WORD = re.compile(r"\w+", re.UNICODE)
_SQUEEZE = re.compile(r"[\s\-‐‑‒–—]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """NFC, lower case, whitespace collapsed to single spaces."""
    return re.sub(r"\s+", " ", nfc(text)).strip().lower()


def squeeze(text: str) -> str:
    """`fold` without any whitespace or hyphen/dash: tolerates PDF line-break differences."""
    return _SQUEEZE.sub("", fold(text))


def syllables(text: str) -> list[str]:
    """Word-character runs, lower case (``5689/BCA-C04`` gives three)."""
    return [w.lower() for w in _WORD.findall(nfc(text))]


def syllable_count(text: str) -> int:
    """Whitespace-separated tokens holding a letter or digit (``25/9/2025`` counts once)."""
    return sum(1 for tok in nfc(text).split() if _WORD.search(tok))


# ---------------------------------------------------------------- document text (I/O edge)


def _pdf_text(path: Path) -> str:
    """Page text, each table cell, and each table column read top to bottom.

    The page text interleaves table columns line by line, so quotes from task tables are
    compared with the cells and columns pdfplumber's table finder recovers.
    """
    import pdfplumber

    parts: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            parts.append(page.extract_text() or "")
            for table in page.extract_tables():
                parts.extend(cell for row in table for cell in row if cell)
                # tables whose rows are single text lines: read each column top to bottom
                width = max((len(row) for row in table), default=0)
                for col in range(width):
                    cells = (row[col] or "" for row in table if col < len(row) and row[col])
                    parts.append(" ".join(cells))
    return "\n".join(parts)


def _docx_text(path: Path) -> str:
    from docx import Document
    from docx.table import Table

    parts: list[str] = []
    for block in Document(str(path)).iter_inner_content():
        if not isinstance(block, Table):
            parts.append(block.text)
            continue
        for row in block.rows:
            cells: list[str] = []
            for cell in row.cells:
                if not cells or cells[-1] != cell.text:
                    cells.append(cell.text)
            parts.append(" | ".join(cells))
    return "\n".join(parts)


def _doc_text(path: Path) -> str:
    if shutil.which("antiword"):
        out = subprocess.run(
            ["antiword", "-w", "0", str(path)], capture_output=True, check=True
        ).stdout
        return out.decode("utf-8", "replace")
    if shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                capture_output=True,
                check=True,
                timeout=180,
            )
            return _docx_text(Path(tmp) / (path.stem + ".docx"))
    raise RuntimeError(f"{path.name}: cần antiword hoặc LibreOffice (soffice) để đọc tệp .doc")


@lru_cache(maxsize=64)
def document_text(path: Path) -> str:
    """The document's plain text, NFC; empty for scans without a text layer."""
    name = path.name.lower()
    if name.endswith(".scan.pdf"):
        return ""
    if name.endswith(".pdf"):
        return nfc(_pdf_text(path))
    if name.endswith(".docx"):
        return nfc(_docx_text(path))
    if name.endswith(".doc"):
        return nfc(_doc_text(path))
    return nfc(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- pure checks


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            row["_line"] = n
            rows.append(row)
    return rows


def read_split(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {f: half for f, _group, half in (ln.split("\t") for ln in lines if ln.strip())}


def _is_iso(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _nfc_problems(where: str, row: dict) -> list[str]:
    return [
        f"{where}: field {k!r} is not NFC"
        for k, v in row.items()
        if isinstance(v, str) and v != nfc(v)
    ]


def quote_occurs(quote: str, text: str, pdf: bool) -> bool:
    if fold(quote) in fold(text):
        return True
    return pdf and squeeze(quote) in squeeze(text)


def copied_run(question: str, text: str, limit: int = COPY_LIMIT) -> str | None:
    """The first run of ``limit`` syllables of the question that also occurs in ``text``."""
    q = syllables(question)
    t = syllables(text)
    grams = {tuple(t[i : i + limit]) for i in range(len(t) - limit + 1)}
    for i in range(len(q) - limit + 1):
        if tuple(q[i : i + limit]) in grams:
            return " ".join(q[i : i + limit])
    return None


def check_assignments(
    rows: list[dict], half: str, split: dict[str, str], text_of: Callable[[str], str | None]
) -> list[str]:
    problems: list[str] = []
    for row in rows:
        where = f"{half}_assignments.jsonl:{row['_line']}"
        keys = set(row) - {"_line"}
        if keys != GOLD_KEYS:
            problems.append(f"{where}: keys {sorted(keys ^ GOLD_KEYS)} differ from the schema")
            continue
        problems += _nfc_problems(where, row)
        if split.get(row["file"]) != half:
            problems.append(f"{where}: {row['file']} is not in the {half} half of split.tsv")
        if row["role"] not in ROLES:
            problems.append(f"{where}: role {row['role']!r} not in {sorted(ROLES)}")
        if row["due"] is not None and not _is_iso(row["due"]):
            problems.append(f"{where}: due {row['due']!r} is not an ISO date")
        if row["due"] is not None and not row["deadline_text"]:
            problems.append(f"{where}: due without deadline_text")
        for key in ("body", "quote", "task"):
            if not isinstance(row[key], str) or not row[key].strip():
                problems.append(f"{where}: empty {key}")
        if not isinstance(row["clause"], str):
            problems.append(f"{where}: clause must be a string")
        n = syllable_count(row["quote"] or "")
        if not 6 <= n <= 20:
            problems.append(f"{where}: quote has {n} syllables (6-20)")
        text = text_of(row["file"])
        pdf = row["file"].lower().endswith(".pdf")
        if text is not None:
            for key in ("quote", "deadline_text"):
                value = row[key]
                if value and not quote_occurs(value, text, pdf):
                    problems.append(f"{where}: {key} not in document: {value!r}")
    return problems


def check_questions(
    rows: list[dict],
    gold: list[dict],
    half: str,
    split: dict[str, str],
    text_of: Callable[[str], str | None],
) -> list[str]:
    problems: list[str] = []
    tuples = {(g["file"], g["body"], g["role"], g["due"]) for g in gold}
    ids = Counter(r.get("id") for r in rows)
    problems += [
        f"{half}_questions.jsonl: id {i!r} used {n} times" for i, n in ids.items() if n > 1
    ]
    for row in rows:
        where = f"{half}_questions.jsonl:{row['_line']} ({row.get('id')})"
        keys = set(row) - {"_line", "expected_text"}
        if keys != QUESTION_KEYS:
            problems.append(f"{where}: keys {sorted(keys ^ QUESTION_KEYS)} differ from the schema")
            continue
        problems += _nfc_problems(where, row)
        kind = row["kind"]
        if kind not in KINDS:
            problems.append(f"{where}: kind {kind!r} not in {sorted(KINDS)}")
        if row["file"] is not None and split.get(row["file"]) != half:
            problems.append(f"{where}: {row['file']} is not in the {half} half of split.tsv")
        if row["expected_due"] is not None and not _is_iso(row["expected_due"]):
            problems.append(f"{where}: expected_due is not an ISO date")
        if kind in {"who", "what", "when"}:
            key = (row["file"], row["expected_body"], row["expected_role"], row["expected_due"])
            if key not in tuples:
                problems.append(f"{where}: {key} is not a {half} gold record")
            if not row["quote"]:
                problems.append(f"{where}: {kind} question without quote")
        if kind == "absent" and (row["expected_body"] is not None or row["quote"] is not None):
            problems.append(f"{where}: absent question must have null expected_body and quote")
        if kind == "meta" and not row.get("expected_text"):
            problems.append(f"{where}: meta question without expected_text")
        if row["file"] is None:
            continue
        text = text_of(row["file"])
        if text is None:
            continue
        pdf = row["file"].lower().endswith(".pdf")
        if row["quote"] and not quote_occurs(row["quote"], text, pdf):
            problems.append(f"{where}: quote not in document: {row['quote']!r}")
        if (
            kind == "meta"
            and row.get("expected_text")
            and not _meta_in_text(row["expected_text"], text, pdf)
        ):
            problems.append(f"{where}: expected_text {row['expected_text']!r} not in document")
        run = copied_run(row["question"], text)
        if run:
            problems.append(f"{where}: question copies {COPY_LIMIT} syllables: {run!r}")
    return problems


def _meta_in_text(expected: str, text: str, pdf: bool) -> bool:
    """A signer/issuer appears verbatim; a dd/mm/yyyy date may be written out in words."""
    if quote_occurs(expected, text, pdf):
        return True
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", expected.strip())
    if not m:
        return False
    d, mo, y = (int(x) for x in m.groups())
    pattern = rf"ngày\s*0?{d}\s*tháng\s*0?{mo}\s*năm\s*{y}|0?{d}\s*[/.-]\s*0?{mo}\s*[/.-]\s*{y}"
    return re.search(pattern, fold(text)) is not None


# ---------------------------------------------------------------- driver


def run(shared: Path, folder: Path = HERE) -> tuple[list[str], list[str]]:
    """(problems, summary lines) for every half whose files are present."""
    corpus = shared / "corpus-wide"
    split = read_split(folder / "split.tsv")
    problems: list[str] = []
    summary: list[str] = []

    def text_of(name: str) -> str | None:
        path = corpus / name
        if not path.exists():
            problems.append(f"{name}: not found in {corpus}")
            return None
        text = document_text(path)
        return text or None  # scans: no text layer to compare with

    for half in HALVES:
        gold_path = folder / f"{half}_assignments.jsonl"
        q_path = folder / f"{half}_questions.jsonl"
        if not gold_path.exists() and not q_path.exists():
            summary.append(f"{half}: no files")
            continue
        gold = read_jsonl(gold_path) if gold_path.exists() else []
        questions = read_jsonl(q_path) if q_path.exists() else []
        problems += check_assignments(gold, half, split, text_of)
        problems += check_questions(questions, gold, half, split, text_of)
        kinds = Counter(str(q.get("kind")) for q in questions)
        summary.append(
            f"{half}: {len(gold)} assignments over {len({g['file'] for g in gold})} files, "
            f"{len(questions)} questions ({', '.join(f'{k} {kinds[k]}' for k in sorted(kinds))})"
        )
    return problems, summary


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    if str(ROOT) not in sys.path:  # run as a script from anywhere
        sys.path.insert(0, str(ROOT))
    from vanban.settings import shared_dir

    parser.add_argument("--shared", type=Path, default=shared_dir(ROOT))
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.shared / "corpus-wide").exists():
        print(f"corpus-wide not found under {args.shared}", file=sys.stderr)
        return 2
    problems, summary = run(args.shared)
    for line in summary:
        print(line)
    for line in problems:
        print("PROBLEM", line)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
