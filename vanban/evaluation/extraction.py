"""Score ``extract_assignments`` against the hand-made gold set.

Gold: ``evals/gold/assignments.jsonl``, one JSON object a line::

    {"file": "29_CT_13-CT-TTg_….txt", "clause": "2.b", "body": "Bộ Tài nguyên và Môi trường",
     "role": "chủ trì", "due": "2024-07-30", "deadline_text": "trước ngày 30 tháng 7 năm 2024"}

Each gold file is parsed from the shared corpus and its assignments extracted.
Two views are scored as sets, micro-averaged over all files:

* ``role``: (file, body key, role) — who does what;
* ``due``:  (file, body key, due date) — who owes what by when; only records
  whose due date is known (not null) on either side take part.

Bodies are compared by :func:`ingest.bodies.canonical_body`, so ``Bộ TN&MT``
and ``Bộ Tài nguyên và Môi trường`` are the same body. A predicted ``body_key``
may carry the body's province (``sở công thương @ tỉnh lào cai``); triples are
per file, so the province is implied by the file and only the name is compared.

Usage::

    .venv/bin/python evals/extraction_eval.py [--gold PATH] [--corpus DIR] [--json]

(``evals/extraction_eval.py`` is a thin script over this module.)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ingest.bodies import canonical_body, split_body_key
from vanban.evaluation.paths import EVALS, SHARED

GOLD = EVALS / "gold" / "assignments.jsonl"
CORPUS = SHARED / "corpus"

Triple = tuple[str, str, str]


def _as_dict(record: Any) -> dict[str, Any]:
    if is_dataclass(record) and not isinstance(record, type):
        return asdict(record)
    return dict(record)


def _due(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _triples(records: Iterable[Mapping[str, Any]], view: str) -> set[Triple]:
    """The set of (file, body key, role|due) a list of records states."""
    out: set[Triple] = set()
    for r in records:
        key = r.get("body_key")
        body = split_body_key(key)[0] if key else canonical_body(r.get("body") or "")
        if not body:
            continue
        file = Path(str(r["file"])).name
        if view == "role":
            out.add((file, body, str(r["role"])))
        else:
            due = _due(r.get("due"))
            if due:
                out.add((file, body, due))
    return out


def _prf(gold: set[Triple], pred: set[Triple]) -> dict[str, float | int | None]:
    """Set precision/recall/F1; all None when neither side has anything to score."""
    if not gold and not pred:
        return {"precision": None, "recall": None, "f1": None, "tp": 0, "gold": 0, "predicted": 0}
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "tp": tp, "gold": len(gold), "predicted": len(pred)}


def evaluate(gold_records: Sequence[Mapping[str, Any]], predicted: Sequence[Any],
             extra_files: Iterable[str] = ()) -> dict[str, Any]:
    """Precision, recall and F1 of predicted assignments against gold records.

    ``predicted`` holds ``Assignment`` objects or dicts with ``file``, ``body``
    (or ``body_key``), ``role`` and ``due``. Only files present in the gold set
    are scored, plus ``extra_files``: documents whose gold is complete, so that every
    record predicted in a document without gold (one that assigns nothing)
    counts as spurious. Returns ``{"role": {...}, "due": {...}, "per_document": {file:
    {"role": {...}, "due": {...}}}, "errors": {"missed": [...], "spurious": [...]}}``.
    """
    gold = [_as_dict(g) for g in gold_records]
    files = {Path(str(g["file"])).name for g in gold} | {Path(str(f)).name for f in extra_files}
    pred = [p for p in map(_as_dict, predicted) if Path(str(p["file"])).name in files]
    result: dict[str, Any] = {"per_document": {}, "errors": {}}
    for view in ("role", "due"):
        g, p = _triples(gold, view), _triples(pred, view)
        result[view] = _prf(g, p)
        result["errors"][view] = {
            "missed": sorted(g - p),
            "spurious": sorted(p - g),
        }
    for file in sorted(files):
        doc_gold = [r for r in gold if Path(str(r["file"])).name == file]
        doc_pred = [r for r in pred if Path(str(r["file"])).name == file]
        result["per_document"][file] = {
            view: _prf(_triples(doc_gold, view), _triples(doc_pred, view)) for view in ("role", "due")
        }
    return result


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold records, one JSON object per non-empty line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(files: Iterable[str], corpus: Path) -> list[Any]:
    """Parse each corpus file and extract its assignments."""
    from ingest.assignments import extract_assignments
    from ingest.parse import parse_file

    out: list[Any] = []
    for name in sorted(set(files)):
        path = corpus / name
        if not path.exists():
            print(f"Cảnh báo: không thấy {path} — bỏ qua tệp này.", file=sys.stderr)
            continue
        doc = parse_file(path)
        out.extend(extract_assignments(doc))
    return out


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _print_report(result: dict[str, Any], show_errors: bool) -> None:
    for view in ("role", "due"):
        m = result[view]
        print(f"{view:5} P={_num(m['precision'])} R={_num(m['recall'])} F1={_num(m['f1'])} "
              f"(tp={m['tp']} gold={m['gold']} pred={m['predicted']})")
    print("\nper document                                        role F1   due F1  (gold/pred)")
    for file, views in result["per_document"].items():
        r, d = views["role"], views["due"]
        print(f"  {file[:48]:48} {_num(r['f1']):>7} {_num(d['f1']):>8}  ({r['gold']}/{r['predicted']})")
    if show_errors:
        for view in ("role", "due"):
            for kind in ("missed", "spurious"):
                for t in result["errors"][view][kind]:
                    print(f"{view} {kind:8} {t[0][:20]:20} | {t[1]} | {t[2]}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Đánh giá trích xuất giao việc so với tập gold.")
    ap.add_argument("--gold", type=Path, default=GOLD, help="tệp JSONL gold")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="thư mục văn bản thật")
    ap.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ap.add_argument("--errors", action="store_true", help="liệt kê bản ghi thiếu/thừa")
    args = ap.parse_args(argv)
    if not args.gold.exists():
        print(f"Không thấy tập gold {args.gold} — hãy tạo evals/gold/assignments.jsonl "
              "(mỗi dòng một bản ghi JSON) rồi chạy lại.", file=sys.stderr)
        return 2
    if not args.corpus.exists():
        print(f"Không thấy thư mục văn bản {args.corpus} — đặt VANBAN_SHARED hoặc dùng --corpus.",
              file=sys.stderr)
        return 2
    gold = load_gold(args.gold)
    result = evaluate(gold, predict((g["file"] for g in gold), args.corpus))
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_report(result, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
