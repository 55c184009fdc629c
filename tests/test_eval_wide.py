"""The corpus-wide part of ``vanban eval``: its scoring rules, and a run on a tiny fixture.

Fixture ``tests/fixtures/eval_tiny/corpus-wide`` (with ``wide/``: split, gold,
questions): a dev Công văn of a province, a broken ``.doc`` (dev), a test Kế hoạch
of a ministry and a test conference paper that assigns nothing. The fake embedder
keeps it fast and needs no ``../shared``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from vanban.evaluation import extraction as E
from vanban.evaluation import wide as W
from vanban.evaluation.paths import EVALS
from vanban.evaluation.runner import EvalInputs, EvalOptions, run_evaluation, wide_rows

TINY = Path(__file__).parent / "fixtures" / "eval_tiny"
PLAN = "ke-hoach-88-KH-BVHTTDL.txt"
LETTER = "cong-van-30-UBND-KT.txt"
PAPER = "tham-luan-van-hoa-doc.txt"
BROKEN = "bao-cao-hong.doc"


# ---------------------------------------------------------------- scoring rules


def _cite(file: str, text: str) -> dict[str, Any]:
    return {"file": file, "text": text}


def test_citation_hit_ignores_case_and_spacing_within_the_top_three() -> None:
    quote = "Chủ trì xây dựng chương trình"
    assert W.citation_hit(quote, PLAN, [_cite(PLAN, "a) CHỦ TRÌ  xây dựng\nchương trình hoạt động")])
    late = [_cite(PLAN, "khác")] * 3 + [_cite(PLAN, quote)]
    assert not W.citation_hit(quote, PLAN, late)  # fourth citation: too late
    assert W.citation_hit(quote, PLAN, late, top=4)
    assert not W.citation_hit(quote, PLAN, [_cite(LETTER, quote)])  # another document's clause
    assert not W.citation_hit("", PLAN, [_cite(PLAN, "x")])


def test_whitespace_is_dropped_only_inside_table_rows() -> None:
    quote = "Xây dựng cơ chế thử nghiệm"
    wrapped = "Xây dựng cơ chế thử nghi ệm"  # a PDF cell wrapped inside a word
    assert W.citation_hit(quote, "a.pdf", [_cite("a.pdf", f"1 | {wrapped} | Bộ Tài chính | Quý IV")])
    assert not W.citation_hit(quote, "a.pdf", [_cite("a.pdf", wrapped)])


def test_meta_hit_reads_names_and_dates_in_any_usual_form() -> None:
    assert W.meta_hit("Lê Thị Hoa", "Người ký: Thứ trưởng LÊ THỊ HOA.")
    assert W.meta_hit("20/10/2025", "Ban hành ngày 20/10/2025.")
    assert W.meta_hit("05/01/2026", "ký ngày 5/1/2026")
    assert W.meta_hit("05/01/2026", "ngày 05 tháng 01 năm 2026")
    assert not W.meta_hit("05/01/2026", "ngày 15/01/2026")
    assert not W.meta_hit("Lê Thị Hoa", "Người ký: Lê Văn Hòa")


def _answer(body: str | None, due: str | None = None, found: bool = True,
            cites: tuple[dict[str, Any], ...] = (), text: str = "") -> dict[str, Any]:
    owners = [{"body": body, "role": "chủ trì", "due": due}] if body else []
    return {"found": found, "answer": text, "owners": owners, "citations": list(cites)}


QUESTIONS: list[dict[str, Any]] = [
    {"id": "who", "kind": "who", "file": PLAN, "expected_body": "Vụ Thư viện",
     "expected_due": "2026-04-10", "quote": "chương trình hoạt động"},
    {"id": "what", "kind": "what", "file": PLAN, "expected_body": "Cục Báo chí",
     "expected_due": None, "quote": "tuyên truyền"},
    {"id": "when", "kind": "when", "file": PLAN, "expected_body": "Vụ Thư viện",
     "expected_due": "2026-05-30", "quote": "báo cáo Bộ trưởng"},
    {"id": "when-undated", "kind": "when", "file": PLAN, "expected_body": "Cục Báo chí",
     "expected_due": None, "quote": "tuyên truyền"},
    {"id": "absent", "kind": "absent", "file": PLAN, "expected_body": None, "quote": None},
    {"id": "meta", "kind": "meta", "file": PLAN, "expected_body": None, "quote": "Lê Thị Hoa",
     "expected_text": "Lê Thị Hoa"},
]
ANSWERS = {
    "who": _answer("Vụ Thư viện", cites=(_cite(PLAN, "Chủ trì xây dựng chương trình hoạt động"),)),
    "what": _answer("Vụ Thư viện", cites=(_cite(PLAN, "Phối hợp tuyên truyền"),)),  # wrong owner
    "when": _answer("Vụ Thư viện", "2026-05-31"),  # right owner, wrong day, no citation
    "when-undated": _answer("Cục Báo chí"),
    "absent": _answer(None, found=False, text="Không thấy nhiệm vụ nào giao cho Cục Điện ảnh"),
    "meta": _answer(None, text="Văn bản do Lê Thị Hoa ký."),
}


def test_each_metric_counts_only_its_questions() -> None:
    by_text = {q["question"]: ANSWERS[q["id"]] for q in
               ({**q, "question": f"câu {q['id']}"} for q in QUESTIONS)}
    questions = [{**q, "question": f"câu {q['id']}"} for q in QUESTIONS]
    report = W.answers_by_half(lambda text: by_text[text], {"test": questions})["test"]
    counts = {name: (report[name]["k"], report[name]["n"]) for name in W.METRICS}
    assert counts == {
        "owner_accuracy": (1, 2),  # who + what; when questions are scored by due@1
        "due_accuracy": (0, 1),  # only the when question that has a due date
        "citation_hit3": (2, 4),  # who, what (the clause is right, the owner is not)
        "absent_not_found": (1, 1),
        "meta_accuracy": (1, 1),
        "found_rate": (5, 5),  # every question but the absent one
    }
    assert report["kinds"]["when"]["owner"] == {"k": 2, "n": 2, "rate": 1.0}
    assert report["misses"]["owner_accuracy"] == ["what"]
    assert {r["id"] for r in report["failures"]} == {"what", "when", "when-undated"}


def test_an_absent_question_answered_with_a_task_fails() -> None:
    q = QUESTIONS[4]
    assert W.score_question(q, _answer("Vụ Thư viện"))["not_found_ok"] is False


def test_documents_without_gold_count_their_records_as_spurious() -> None:
    gold = [{"file": PLAN, "body": "Vụ Thư viện", "role": "chủ trì", "due": None}]
    pred = [*gold, {"file": PAPER, "body": "Thư viện xã", "role": "thực hiện", "due": None}]
    assert E.evaluate(gold, pred)["role"]["precision"] == 1.0  # as for the sample corpus
    scored = E.evaluate(gold, pred, extra_files=[PAPER])
    assert (scored["role"]["precision"], scored["role"]["predicted"]) == (0.5, 2)
    assert scored["per_document"][PAPER]["role"]["predicted"] == 1


def test_legacy_files_must_be_read_or_explained() -> None:
    rows = [{"file": "a.doc", "status": "ingested", "clauses": 5, "message": ""},
            {"file": "b.doc", "status": "error", "clauses": 0, "message": "cần cài antiword"},
            {"file": "c.rtf", "status": "skipped", "clauses": 0, "message": " "},
            {"file": "d.pdf", "status": "error", "clauses": 0, "message": ""}]
    legacy = W.legacy_files(rows)
    assert (legacy["files"], legacy["read"], legacy["silent"]) == (3, 1, ["c.rtf"])
    assert legacy["not_read"]["b.doc"] == "error: cần cài antiword"


class _Rec:
    def __init__(self, file: str, body: str) -> None:
        self.file, self.body = file, body


def test_well_formed_share_per_corpus_and_over_all() -> None:
    records = {"corpus": [_Rec("a", "Sở Y tế"), _Rec("a", "Sở Y tế không tiếp nhận")],
               "corpus-wide test": [_Rec("b", "Bộ Nội vụ")]}
    share = W.well_formed_share(records, lambda body: " không " not in f" {body} ")
    assert share["corpus"]["rate"] == 0.5 and share["corpus"]["bad"] == [["a", "Sở Y tế không tiếp nhận"]]
    assert share["all"] == {"k": 2, "n": 3, "rate": 0.667}


def test_the_real_split_keeps_each_issuer_in_one_half() -> None:
    lines = (EVALS / "wide" / "split.tsv").read_text(encoding="utf-8").splitlines()[1:]
    halves: dict[str, set[str]] = {}
    for line in lines:
        _file, issuer, half = line.split("\t")
        halves.setdefault(issuer, set()).add(half)
    assert all(len(h) == 1 for h in halves.values()), halves
    split = W.read_split(EVALS / "wide" / "split.tsv")
    assert len(split) == 36 and set(split.values()) == {"dev", "test"}


# ---------------------------------------------------------------- a whole run on the fixture


def _run(data: Path, wide: Path, tmp: Path) -> dict[str, Any]:
    inputs = EvalInputs(corpus=tmp / "no-corpus", wide=wide, wide_data=data)
    options = EvalOptions(embedder="fake", baselines=(), skip_alqac=True, cache_dir=None)
    return run_evaluation(inputs, options, log=lambda _: None)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run(TINY / "wide", TINY / "corpus-wide", tmp_path_factory.mktemp("wide"))


def test_ingestion_gives_every_file_of_the_split_a_status(report: dict[str, Any]) -> None:
    ing = report["wide_ingestion"]
    assert {r["file"]: r["status"] for r in ing["per_file"]} == {
        LETTER: "ingested", PLAN: "ingested", PAPER: "ingested", BROKEN: "error"}
    assert ing["legacy"]["files"] == 1 and ing["legacy"]["silent"] == []
    assert "không phải tài liệu Word" in ing["legacy"]["not_read"][BROKEN]
    assert any("MANIFEST.tsv" in n for n in report["notes"])  # not in the split: said, not ingested


def test_extraction_per_half_and_document(report: dict[str, Any]) -> None:
    dev, test = report["wide_extraction"]["dev"], report["wide_extraction"]["test"]
    assert set(dev["per_document"]) == {LETTER, BROKEN}
    assert set(test["per_document"]) == {PLAN, PAPER}  # the paper: no gold, still scored
    assert (dev["role"]["tp"], dev["role"]["gold"], dev["role"]["predicted"]) == (3, 3, 3)
    assert (dev["due"]["tp"], dev["due"]["gold"]) == (2, 2)
    assert (test["role"]["tp"], test["role"]["gold"], test["role"]["predicted"]) == (3, 3, 3)
    assert (test["due"]["tp"], test["due"]["gold"]) == (2, 2)


def test_answers_are_scored_per_half(report: dict[str, Any]) -> None:
    dev, test = report["wide_answers"]["dev"], report["wide_answers"]["test"]
    assert (dev["n"], test["n"]) == (3, 5)
    assert {k: test[k]["n"] for k in W.METRICS} == {
        "owner_accuracy": 2, "due_accuracy": 1, "citation_hit3": 3, "absent_not_found": 1,
        "meta_accuracy": 1, "found_rate": 4}
    assert dev["meta_accuracy"]["n"] == 0 and dev["absent_not_found"]["n"] == 1


def test_rows_put_test_apart_and_mark_it(report: dict[str, Any]) -> None:
    parts = [row[0] for row in wide_rows(report)]
    assert parts.index("wide dev") < parts.index("wide test ★")
    assert {"wide", "wide dev", "wide test ★"} <= set(parts)


def test_a_task_invented_in_the_paper_lowers_test_precision_only(
        report: dict[str, Any], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus-wide"
    shutil.copytree(TINY / "corpus-wide", corpus)
    paper = corpus / PAPER
    # a conference paper assigns nothing by its kind (ingest.assignments._PROPOSING): the invented
    # task is put in the same no-gold test document printed as a notice, which does assign
    text = paper.read_text(encoding="utf-8").replace("THAM LUẬN", "THÔNG BÁO", 1)
    paper.write_text(text + "\n1. Sở Văn hóa và Thể thao chủ trì "
                     "tổ chức hội sách tại các xã, hoàn thành trước ngày 30 tháng 6 năm 2026.\n",
                     encoding="utf-8")
    worse = _run(TINY / "wide", corpus, tmp_path)
    before, after = report["wide_extraction"], worse["wide_extraction"]
    assert after["test"]["role"]["predicted"] > before["test"]["role"]["predicted"]
    assert after["test"]["role"]["precision"] < before["test"]["role"]["precision"]
    assert after["dev"]["role"] == before["dev"]["role"]


def test_well_formed_share_covers_both_corpora_and_each_half(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Wired with any validator (the product's, once it has one): every record is counted."""
    monkeypatch.setattr(W, "well_formed_validator", lambda: lambda body: body.startswith("Sở"))
    inputs = EvalInputs(corpus=TINY / "corpus", devset=TINY / "devset.jsonl",
                        gold=TINY / "gold" / "assignments.jsonl",
                        questions=TINY / "questions.jsonl", wide=TINY / "corpus-wide",
                        wide_data=TINY / "wide")
    options = EvalOptions(embedder="fake", baselines=(), skip_alqac=True, cache_dir=None)
    share = run_evaluation(inputs, options, log=lambda _: None)["well_formed"]
    assert set(share) == {"corpus", "corpus-wide dev", "corpus-wide test", "all"}
    assert share["corpus-wide dev"] == {"k": 3, "n": 3, "rate": 1.0, "bad": []}
    assert share["corpus-wide test"]["k"] == 0 and share["corpus-wide test"]["n"] >= 3
    assert share["all"]["n"] == sum(v["n"] for k, v in share.items() if k != "all")
