"""``vanban eval`` on a tiny fixture: the whole evaluation runs, so it cannot silently break.

Fixture ``tests/fixtures/eval_tiny``: two short documents written for this test
(a Kế hoạch whose tasks sit under body headings, a Công văn whose bodies are
inside numbered sentences), with a devset, a gold set and questions about
them; ALQAC comes from ``tests/fixtures/alqac_tiny``; ``corpus-wide/`` with
``wide/`` (split, gold, questions) stands in for ``../shared/corpus-wide`` (its own
tests are in ``tests/test_eval_wide.py``). The fake embedder keeps it fast and
needs no ``../shared``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from index.embedders import FakeEmbedder
from vanban.cli import main
from vanban.evaluation import extraction as E
from vanban.evaluation.runner import (
    CachedEmbedder,
    EvalInputs,
    EvalOptions,
    render_markdown,
    run_evaluation,
    summary_rows,
    text_key,
)
from vanban.evaluation.wide import well_formed_validator

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "eval_tiny"
ALQAC_TINY = FIXTURES / "alqac_tiny"
PLAN = "ke-hoach-12-KH-UBND.txt"
LETTER = "cong-van-45-SNNMT-KS.txt"
ALQAC_METRICS = {"recall@1", "recall@5", "recall@10", "mrr@10", "f2"}
RETRIEVAL_METRICS = {"recall@1", "recall@5", "mrr@10"}


def _inputs(data: Path = TINY, corpus: Path = TINY / "corpus") -> EvalInputs:
    years = {y: (ALQAC_TINY / "laws.json", ALQAC_TINY / "questions.json") for y in ("2022", "2023")}
    return EvalInputs(corpus=corpus, devset=data / "devset.jsonl",
                      gold=data / "gold" / "assignments.jsonl", questions=data / "questions.jsonl",
                      alqac=years, wide=TINY / "corpus-wide", wide_data=data / "wide")


# the well-formed share runs once the product has its body-name validator
NOT_YET: set[str] = set() if well_formed_validator() else {"well_formed"}


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    options = EvalOptions(embedder="fake", baselines=(), cache_dir=tmp_path_factory.mktemp("cache"))
    return run_evaluation(_inputs(), options, log=_quiet)


def _numbers(obj: Any, names: set[str]) -> Iterator[tuple[str, float]]:
    """Every metric value named in ``names``, anywhere in a nested report."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in names and isinstance(value, int | float):
                yield key, float(value)
            else:
                yield from _numbers(value, names)
    elif isinstance(obj, list):
        for value in obj:
            yield from _numbers(value, names)


def test_report_has_every_part_and_nothing_skipped(report: dict[str, Any]) -> None:
    for part in ("retrieval", "extraction", "ingestion", "alqac", "answers", "wide_ingestion",
                 "wide_extraction", "wide_answers", "well_formed"):
        assert (report[part] is not None) == (part not in NOT_YET), part
    assert set(report["skipped"]) == NOT_YET and report["errors"] == {}
    assert set(report["meta"]) >= {"date", "machine", "embedder", "commit"}
    assert set(report["meta"]["machine"]) >= {"cores", "ram_gb", "python", "cpu"}


def test_alqac_shape_per_year_and_mode(report: dict[str, Any]) -> None:
    assert set(report["alqac"]) == {"2022", "2023"}
    for year, modes in report["alqac"].items():
        assert set(modes) == {"bm25", "dense", "hybrid"}, year
        for mode, values in modes.items():
            assert set(values) == ALQAC_METRICS, (year, mode)
    # the alqac helper's own test pins BM25 on this fixture; the command must report the same
    assert report["alqac"]["2023"]["bm25"]["recall@1"] == 0.9


def test_retrieval_shape(report: dict[str, Any]) -> None:
    r = report["retrieval"]
    assert (r["questions"], r["answerable"], r["chunks"]) == (4, 4, 12)
    assert set(r["modes"]) == {"bm25", "dense", "hybrid"}
    assert all(set(v) == RETRIEVAL_METRICS for v in r["modes"].values())


def test_retrieval_is_also_measured_with_questions_typed_without_diacritics(
        report: dict[str, Any]) -> None:
    """Issue 11 point 5: the loss from stripped diacritics is part of every eval run, on the
    same chunks and vectors; the numbers are those of ``evals/unaccented_eval.py``."""
    from vanban.evaluation import retrieval as R
    from vanban.evaluation.unaccented import compare

    r = report["retrieval"]
    assert set(r["unaccented"]) == set(r["modes"])
    assert all(set(v) == RETRIEVAL_METRICS for v in r["unaccented"].values())
    devset = R.load_devset(TINY / "devset.jsonl")
    chunks = R.parse_corpus(sorted(p.name for p in (TINY / "corpus").iterdir()), TINY / "corpus")
    embedder = FakeEmbedder()
    from index.chunks import embedding_text

    same = compare(devset, chunks, embedder, embedder.embed_passages([embedding_text(c) for c in chunks]))
    assert r["unaccented"] == same["unaccented"] and r["modes"] == same["accented"]
    rows = {item: metrics for part, item, metrics in summary_rows(report) if part == "retrieval"}
    for mode, values in r["unaccented"].items():
        assert rows[f"{r['embedder']} {mode} (câu hỏi không dấu)"] == (
            f"R@1 {values['recall@1']:.3f} · R@5 {values['recall@5']:.3f} · MRR@10 {values['mrr@10']:.3f}")


def test_every_metric_is_a_rate(report: dict[str, Any]) -> None:
    names = ALQAC_METRICS | {"precision", "f1", "owner_accuracy", "due_accuracy", "found_rate"}
    found = list(_numbers(report, names))
    assert len(found) > 40
    assert all(0.0 <= v <= 1.0 for _, v in found), [kv for kv in found if not 0 <= kv[1] <= 1]


def test_ingestion_per_file_exact(report: dict[str, Any]) -> None:
    rows = {r["file"]: r for r in report["ingestion"]["per_file"]}
    assert {f: (r["status"], r["clauses"], r["document"]) for f, r in rows.items()} == {
        LETTER: ("ingested", 3, "Công văn 45/SNNMT-KS"),
        PLAN: ("ingested", 9, "Kế hoạch 12/KH-UBND"),
    }
    assert report["ingestion"]["statuses"] == {"ingested": 2}


def test_extraction_per_document_on_the_plan(report: dict[str, Any]) -> None:
    """The plan's four owners (two with due dates) are found from the index exactly."""
    plan = report["extraction"]["per_document"][PLAN]
    assert (plan["role"]["tp"], plan["role"]["gold"], plan["role"]["precision"]) == (4, 4, 1.0)
    assert (plan["due"]["tp"], plan["due"]["gold"], plan["due"]["precision"]) == (2, 2, 1.0)
    assert set(report["extraction"]["per_document"]) == {PLAN, LETTER}


def test_same_numbers_as_the_extraction_script(report: dict[str, Any]) -> None:
    """Scoring the parsed files directly (evals/extraction_eval.py) agrees with the index path."""
    gold = E.load_gold(TINY / "gold" / "assignments.jsonl")
    direct = E.evaluate(gold, E.predict([PLAN, LETTER], TINY / "corpus"))
    for view in ("role", "due"):
        assert report["extraction"][view] == direct[view], view


def test_a_wrong_gold_record_lowers_precision(report: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY, data, ignore=shutil.ignore_patterns("corpus"))
    gold = data / "gold" / "assignments.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    wrong = [ln.replace('"Công an tỉnh"', '"Bộ Quốc phòng"') for ln in lines]
    assert wrong != lines
    gold.write_text("\n".join(wrong) + "\n", encoding="utf-8")
    options = EvalOptions(embedder="fake", baselines=(), skip_alqac=True, skip_wide=True,
                          cache_dir=None)
    worse = run_evaluation(_inputs(data), options, log=_quiet)
    assert worse["extraction"]["role"]["precision"] < report["extraction"]["role"]["precision"]
    assert worse["skipped"]["alqac"] == "bỏ qua theo yêu cầu (--skip-alqac)."
    for part in ("wide_ingestion", "wide_extraction", "wide_answers"):
        assert worse["skipped"][part] == "bỏ qua theo yêu cầu (--skip-wide).", part


def test_table_and_markdown_name_every_part(report: dict[str, Any]) -> None:
    parts = {row[0] for row in summary_rows(report)}
    assert parts == {"ingestion", "retrieval", "extraction", "answers", "alqac", "wide", "wide dev",
                     "wide test ★", "well_formed" if NOT_YET else "well-formed"}
    md = render_markdown(report)
    for needle in ("## Summary", "| alqac | 2022 hybrid |", "- ALQAC 2023: 5 questions, 6 articles", "## Extraction per document",
                   f"| {PLAN} | ingested | 9 |", report["meta"]["commit"], "## corpus-wide",
                   "| wide test ★ | (body, role) |", "### Extraction per document — test ★"):
        assert needle in md, needle
    summary = md[md.index("## Summary"):md.index("## corpus-wide")]
    assert "wide" not in summary.split("## Data")[0]  # corpus-wide rows only in their section


def _alqac_dir(tmp_path: Path) -> Path:
    """The tiny ALQAC fixture under the real benchmark's file names."""
    bench = tmp_path / "alqac"
    bench.mkdir()
    for name in ("alqac2023_law_v1.1.json", "alqac2022_law.json"):
        shutil.copy(ALQAC_TINY / "laws.json", bench / name)
    for name in ("alqac2023_train.json", "alqac2022_question.json"):
        shutil.copy(ALQAC_TINY / "questions.json", bench / name)
    return bench


def test_cli_json_and_results_file(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    args = ["eval", "--corpus", str(TINY / "corpus"), "--data", str(TINY), "--wide", str(TINY / "corpus-wide"),
            "--alqac", str(_alqac_dir(tmp_path)), "--embedder", "fake", "--no-baseline",
            "--cache-dir", str(tmp_path / "cache"), "--json", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"retrieval", "extraction", "ingestion", "alqac", "answers"} <= set(data)
    assert set(data["alqac"]["2022"]) == {"bm25", "dense", "hybrid"}
    assert set(data["wide_extraction"]) == set(data["wide_answers"]) == {"dev", "test"}
    assert "| extraction | (body, role) |" in out.read_text(encoding="utf-8")


def test_cli_without_shared_says_what_was_skipped(tmp_path: Path) -> None:
    missing = tmp_path / "no-shared"
    args = ["eval", "--corpus", str(missing / "corpus"), "--alqac", str(missing / "alqac"),
            "--wide", str(missing / "corpus-wide"),
            "--embedder", "fake", "--no-baseline", "--out", str(tmp_path / "R.md")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for part in ("ingestion", "retrieval", "extraction", "answers", "alqac", "wide_ingestion",
                 "wide_extraction", "wide_answers", "well_formed"):
        assert f"Bỏ qua {part}:" in result.stderr, part
    assert str(missing / "corpus") in result.stderr and str(missing / "alqac") in result.stderr
    assert str(missing / "corpus-wide") in result.stderr
    assert "BỎ QUA" in result.stdout


class _Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_passages(self, texts: Any) -> Any:
        self.seen += list(texts)
        return super().embed_passages(texts)


def test_cached_embedder_embeds_each_text_once_across_runs(tmp_path: Path) -> None:
    texts = ["Sở Công Thương chủ trì kiểm tra", "Công an tỉnh phối hợp"]
    first = _Counting()
    vecs = CachedEmbedder(first, tmp_path).embed_passages(texts + texts[:1])
    assert first.seen == texts  # the repeated text is embedded once
    second = _Counting()
    again = CachedEmbedder(second, tmp_path)  # a new run: vectors come from the disk
    assert (again.name, again.dim) == (second.name, second.dim)
    assert (again.embed_passages(texts[::-1]) == vecs[1::-1]).all() and second.seen == []
    assert text_key("Sở") == text_key("So\u031b\u0309")  # NFC and NFD are one text
