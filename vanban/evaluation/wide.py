"""corpus-wide: the product measured on documents from issuers it was not tuned on.

``evals/wide/split.tsv`` puts every file of ``../shared/corpus-wide`` in a **dev** or a
**test** half, by issuer. Both halves are ingested into one index, as a user would
ingest the folder; then, per half:

- ``extraction``: P/R/F1 of (body, role) and (body, due) against
  ``{dev,test}_assignments.jsonl``, scored exactly as :mod:`extraction` scores the
  sample corpus (bodies compared by ``canonical_body``). The gold of a half covers
  every document of the half, so a document without gold records (a paper that
  assigns nothing) is scored too: whatever is extracted there is spurious;
- ``answers``: each question of ``{dev,test}_questions.jsonl`` is put to the public
  service (``Vanban.ask``, the ``vanban ask --json`` contract) and scored:

  - owner@1 (who, what): the first owner is the expected body;
  - due@1 (when, with an expected due date): the first owner's due date;
  - citation hit@3 (who, what, when): the gold quote is in one of the first three
    citations of the question's file (:func:`citation_hit`);
  - absent: answered "not found" (``found: false``), counted k of n;
  - meta: the ``expected_text`` (signer, issue date, issuer) is in the answer
    (:func:`meta_hit`);
  - found rate: share of the non-absent questions answered at all.

The test half gives the figures that count; dev is the half one may tune on.

Besides, :func:`well_formed_share` counts the records whose body passes the
product's body-name validator (``ingest.bodies.is_well_formed_body``) when the
product has one.

>>> citation_hit("Sở Y tế chủ trì", "a.pdf", [{"file": "a.pdf", "text": "1. SỞ Y TẾ  chủ trì, …"}])
True
>>> meta_hit("05/01/2026", "Văn bản ban hành ngày 5 tháng 1 năm 2026.")
True
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vanban.evaluation import extraction as E
from vanban.evaluation.answers import same_body
from vanban.evaluation.retrieval import fold_quote

HALVES = ("dev", "test")
COUNTING_HALF = "test"  # the half whose figures count (never tuned on)
LEGACY = (".doc", ".odt", ".rtf")
READ = ("ingested", "replaced", "unchanged")  # statuses of a file that is in the index
CITED_TOP = 3
ANSWERED = ("who", "what", "when")
Ask = Callable[[str], Mapping[str, Any]]
Validator = Callable[[str], bool]


# ---------------------------------------------------------------- data


def read_split(path: Path) -> dict[str, str]:
    """``split.tsv`` (``file``, ``issuer_group``, ``half``) as file → half.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "split.tsv"
    >>> _ = p.write_text("file\\tissuer_group\\thalf\\na.pdf\\tX\\tdev\\n", encoding="utf-8")
    >>> read_split(p)
    {'a.pdf': 'dev'}
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t") if lines else []
    if "file" not in head or "half" not in head:
        raise ValueError(f"{path}: dòng đầu phải có cột file và half (tách bằng tab).")
    i, j = head.index("file"), head.index("half")
    rows = (ln.split("\t") for ln in lines[1:] if ln.strip())
    return {r[i].strip(): r[j].strip() for r in rows}


def files_of(split: Mapping[str, str], half: str) -> list[str]:
    return sorted(f for f, h in split.items() if h == half)


# ---------------------------------------------------------------- answers


def _squeeze(text: str) -> str:
    return fold_quote(text).replace(" ", "")


def citation_hit(quote: str, file: str | None, citations: Sequence[Mapping[str, Any]],
                 top: int = CITED_TOP) -> bool:
    """Is ``quote`` in one of the first ``top`` citations of ``file``?

    Case and whitespace are ignored. A table row (cells joined by ``|``) is also
    compared with all whitespace removed, since cell text wraps where the page did.
    """
    want = fold_quote(quote)
    if not want:
        return False
    name = Path(file).name if file else None
    for c in citations[:top]:
        if name is not None and Path(str(c.get("file", ""))).name != name:
            continue
        text = str(c.get("text", ""))
        if want in fold_quote(text) or ("|" in text and _squeeze(quote) in _squeeze(text)):
            return True
    return False


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def meta_hit(expected: str, answer: str) -> bool:
    """Is ``expected`` (a signer, an issuer, a dd/mm/yyyy date) said in ``answer``?

    A date may be written with or without leading zeros, or in words
    (``ngày 5 tháng 1 năm 2026``).
    """
    text = fold_quote(answer)
    if fold_quote(expected) in text:
        return True
    m = _DMY.fullmatch(expected.strip())
    if not m:
        return False
    d, mo, y = (int(x) for x in m.groups())
    pattern = (rf"(?<!\d)0?{d}\s*[/.-]\s*0?{mo}\s*[/.-]\s*{y}"
               rf"|ngày\s*0?{d}\s*tháng\s*0?{mo}\s*năm\s*{y}")
    return re.search(pattern, text) is not None


def score_question(q: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """One question's outcome: the checks that apply to its kind, each True/False."""
    owners = result.get("owners") or []
    first = owners[0] if owners else None
    kind = q["kind"]
    row: dict[str, Any] = {"id": q.get("id"), "kind": kind, "file": q.get("file"),
                           "found": bool(result.get("found")),
                           "got": first["body"] if first else None,
                           "expected": q.get("expected_body")}
    if kind in ANSWERED:
        row["owner_ok"] = first is not None and same_body(first["body"], q.get("expected_body"))
        if q.get("quote"):
            row["cited_ok"] = citation_hit(q["quote"], q.get("file"), result.get("citations") or [])
        if kind == "when" and q.get("expected_due"):
            row["got_due"] = first.get("due") if first else None
            row["due_ok"] = row["got_due"] == q["expected_due"]
    elif kind == "absent":
        row["not_found_ok"] = not row["found"]
    elif kind == "meta":
        row["meta_ok"] = meta_hit(str(q.get("expected_text") or ""), str(result.get("answer", "")))
    return row


# metric name → (check, kinds it is computed over; None: every row carrying the check)
METRICS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "owner_accuracy": ("owner_ok", ("who", "what")),
    "due_accuracy": ("due_ok", None),
    "citation_hit3": ("cited_ok", None),
    "absent_not_found": ("not_found_ok", None),
    "meta_accuracy": ("meta_ok", None),
    "found_rate": ("found", ("who", "what", "when", "meta")),
}


def _rate(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": round(k / n, 3) if n else None}


def _count(values: Sequence[bool]) -> dict[str, Any]:
    return _rate(sum(values), len(values))


def summarize(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every metric as ``{"k", "n", "rate"}``, the per-kind owner@1, and the failed ids."""
    out: dict[str, Any] = {"n": len(rows), "kinds": {}, "misses": {}}
    for name, (check, kinds) in METRICS.items():
        mine = [r for r in rows if check in r and (kinds is None or r["kind"] in kinds)]
        out[name] = _count([bool(r[check]) for r in mine])
        out["misses"][name] = [r["id"] for r in mine if not r[check]]
    for kind in sorted({str(r["kind"]) for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        out["kinds"][kind] = {"n": len(mine), "found": _count([r["found"] for r in mine])}
        if kind in ANSWERED:
            out["kinds"][kind]["owner"] = _count([r["owner_ok"] for r in mine])
    return out


def answers_by_half(ask: Ask, questions: Mapping[str, Sequence[Mapping[str, Any]]]
                    ) -> dict[str, Any]:
    """Per half, the summary and the failed questions (answer text cut short)."""
    out: dict[str, Any] = {}
    for half, qs in questions.items():
        rows = []
        for q in qs:
            result = ask(str(q["question"]))
            row = score_question(q, result)
            row["answer"] = str(result.get("answer", ""))[:300]
            rows.append(row)
        report = summarize(rows)
        failed = [r for r in rows if any(r.get(check) is False
                                         for check, _ in METRICS.values() if check != "found")]
        report["failures"] = failed
        out[half] = report
    return out


# ---------------------------------------------------------------- extraction and ingestion


def extraction_by_half(gold: Mapping[str, Sequence[Mapping[str, Any]]], predicted: Sequence[Any],
                       split: Mapping[str, str], present: Iterable[str]) -> dict[str, Any]:
    """Per half, :func:`extraction.evaluate` over the half's documents that were ingested."""
    have = set(present)
    out: dict[str, Any] = {}
    for half, records in gold.items():
        files = [f for f in files_of(split, half) if f in have]
        result = E.evaluate([r for r in records if r["file"] in have], predicted, extra_files=files)
        result["documents"] = len(result["per_document"])
        out[half] = result
    return out


def legacy_files(per_file: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The word-processor files (.doc, .odt, .rtf): read, or given a status that says why.

    ``silent`` lists those neither read nor explained; it must stay empty.
    """
    mine = [r for r in per_file if Path(str(r["file"])).suffix.lower() in LEGACY]
    read = [r["file"] for r in mine if r["status"] in READ]
    other = {r["file"]: f"{r['status']}: {r['message']}" for r in mine if r["file"] not in read}
    silent = [r["file"] for r in mine if r["file"] not in read and not str(r["message"]).strip()]
    return {"files": len(mine), "read": len(read), "not_read": other, "silent": silent}


# ---------------------------------------------------------------- well-formed bodies


def well_formed_validator() -> Validator | None:
    """``ingest.bodies.is_well_formed_body`` when the product has it, else ``None``."""
    found = getattr(importlib.import_module("ingest.bodies"), "is_well_formed_body", None)
    return found if callable(found) else None


def well_formed_share(records: Mapping[str, Sequence[Any]], valid: Validator,
                      examples: int = 15) -> dict[str, Any]:
    """Per corpus and over all: records whose ``body`` is a well-formed name.

    ``records`` maps a corpus label to its assignments (every one with a body);
    ``bad`` keeps a few (file, body) that fail, for the hand audit.
    """
    out: dict[str, Any] = {}
    good_all = n_all = 0
    for label, recs in records.items():
        bodies = [(Path(str(r.file)).name, str(r.body)) for r in recs if r.body]
        bad = [(f, b) for f, b in bodies if not valid(b)]
        good = len(bodies) - len(bad)
        out[label] = {**_rate(good, len(bodies)),
                      "bad": [list(fb) for fb in bad[:examples]]}
        good_all, n_all = good_all + good, n_all + len(bodies)
    out["all"] = _rate(good_all, n_all)
    return out
