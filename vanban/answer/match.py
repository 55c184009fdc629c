"""How well a candidate assignment's task matches the question: meaning and shared words.

Two signals, each computed over the candidates of one question:

- **meaning**: the cosine between the question's vector and the task's vector, both from
  the service's embedder (the one search uses), relative to the best candidate;
- **words**: BM25 of the question's tokens against the task text, the document
  frequencies taken from every task in the index, relative to the best candidate.

:func:`task_scores` is pure: the vectors and the frequencies are given. The service
supplies a :data:`SimilarityFn` that embeds task texts lazily and remembers them per
index snapshot (:class:`TaskVectors`).

>>> scores = task_scores([0.9, 0.8], [["thẩm", "định"], ["tuyên", "truyền"]], ["thẩm", "định", "hồ", "sơ"])
>>> scores[0] > scores[1]
True
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index.textproc import drop_stopwords, syllables

__all__ = [
    "DocFrequencies",
    "SimilarityFn",
    "TaskVectors",
    "acronyms",
    "bm25",
    "coverage",
    "expand_acronyms",
    "task_scores",
    "task_tokens",
]

# (question, task texts) -> cosine of the question with each task (same order)
SimilarityFn = Callable[[str, Sequence[str]], Sequence[float]]

MEANING_SPREAD = 0.08  # a cosine this far below the best candidate's costs one full point
MEANING_WEIGHT = 0.5
WORDS_WEIGHT = 0.5
K1, B = 1.2, 0.75


def task_tokens(text: str) -> list[str]:
    """Content syllables of a question or a task (question words dropped).

    >>> task_tokens("Ai chủ trì thẩm định hồ sơ?")
    ['chủ', 'trì', 'thẩm', 'định', 'hồ', 'sơ']
    """
    return drop_stopwords(syllables(text))


# An acronym a question may use: capitals (``CCHC``, ``VBQPPL``, ``BCĐ``), ``&`` for "và"
# (``GD&ĐT``); not part of a document number (``5689/BCA-C04``).
_ACRONYM = re.compile(r"(?<![\w/&-])([A-ZĐ][A-ZĐ&]*[A-ZĐ])(?![\w/&-])")
_WORD = re.compile(r"[^\W\d_]+")


def acronyms(question: str) -> list[str]:
    """The acronyms a question uses, in order.

    >>> acronyms("Ai chủ trì rà soát VBQPPL theo CV 5689/BCA-C04 và KH CCHC?")
    ['VBQPPL', 'CV', 'KH', 'CCHC']
    """
    return list(dict.fromkeys(_ACRONYM.findall(unicodedata.normalize("NFC", question))))


def _spelled(acronym: str, text: str) -> list[str]:
    """Every run of words of ``text`` whose initials spell ``acronym`` (``&`` = ``và``)."""
    letters = acronym.lower()
    ws = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    n = len(letters)
    out = []
    for i in range(len(ws) - n + 1):
        run = ws[i:i + n]
        if all((w == "và") if ch == "&" else w[0] == ch for ch, w in zip(letters, run, strict=True)):
            out.append(" ".join(run))
    return out


def expand_acronyms(question: str, texts: Sequence[str], keep: bool = True) -> str:
    """The question with each acronym followed by the words that spell it in ``texts``
    (the candidate clauses and tasks), the most frequent spelling when there are several;
    the acronym stays (``keep``), since a task may print it too.

    A document's own words decide what ``CCHC`` or ``PCMT`` stands for, so no table of
    abbreviations has to know every issuer's: an acronym no text spells stays as it is.

    >>> expand_acronyms("Ai chủ trì kiểm tra CCHC?", ["Tổ chức kiểm tra công tác cải cách hành chính"])
    'Ai chủ trì kiểm tra CCHC (cải cách hành chính)?'
    >>> expand_acronyms("Sở GD&ĐT làm gì?", ["Sở Giáo dục và Đào tạo chủ trì"])
    'Sở GD&ĐT (giáo dục và đào tạo) làm gì?'
    >>> expand_acronyms("NHNN khu vực X làm gì?", ["Ngân hàng Nhà nước khu vực X"], keep=False)
    'ngân hàng nhà nước khu vực X làm gì?'
    >>> expand_acronyms("Ai làm XYZ?", ["không có"])
    'Ai làm XYZ?'
    """
    out = question
    for acronym in acronyms(question):
        found = Counter(run for t in texts for run in _spelled(acronym, t))
        if found:
            best = max(found.items(), key=lambda kv: kv[1])[0]
            out = re.sub(rf"(?<![\w/&-]){re.escape(acronym)}(?![\w/&-])", f"{acronym} ({best})" if keep else best, out)
    return out


@dataclass(frozen=True)
class DocFrequencies:
    """In how many tasks of the index each token occurs, and how many tasks there are."""

    df: Mapping[str, int]
    n: int
    avg_len: float

    @classmethod
    def of(cls, texts: Iterable[str]) -> DocFrequencies:
        counts: Counter[str] = Counter()
        n = total = 0
        for text in texts:
            toks = task_tokens(text)
            counts.update(set(toks))
            n += 1
            total += len(toks)
        return cls(dict(counts), n, total / n if n else 1.0)

    def idf(self, token: str) -> float:
        d = self.df.get(token, 0)
        return math.log(1.0 + (self.n - d + 0.5) / (d + 0.5))


def bm25(query: Sequence[str], doc: Sequence[str], freq: DocFrequencies) -> float:
    """Okapi BM25 of one document (a task's tokens) for the query's tokens.

    >>> f = DocFrequencies.of(["thẩm định hồ sơ", "tuyên truyền"])
    >>> bm25(["thẩm", "định"], ["thẩm", "định", "hồ", "sơ"], f) > bm25(["thẩm", "định"], ["tuyên", "truyền"], f)
    True
    """
    tf = Counter(doc)
    norm = K1 * (1 - B + B * len(doc) / (freq.avg_len or 1.0))
    return sum(freq.idf(t) * tf[t] * (K1 + 1) / (tf[t] + norm) for t in set(query) if tf[t])


def coverage(query: Sequence[str], text: Sequence[str], freq: DocFrequencies) -> float:
    """The share of the query's distinct tokens found in ``text``, each weighted by its IDF
    (a rare word such as ``sân bay`` counts for more than ``thực hiện``), 0..1.

    >>> f = DocFrequencies.of(["tổ chức thực hiện", "thực hiện kiểm tra", "xây dựng sân bay"])
    >>> coverage(["thực", "hiện", "sân", "bay"], ["thực", "hiện", "kiểm", "tra"], f) < 0.5
    True
    """
    wanted = set(query)
    total = sum(freq.idf(t) for t in wanted)
    have = set(text)
    return sum(freq.idf(t) for t in wanted if t in have) / total if total > 0 else 0.0


def task_scores(cosines: Sequence[float] | None, tasks: Sequence[Sequence[str]],
                query: Sequence[str], freq: DocFrequencies | None = None) -> list[float]:
    """How well each candidate task matches the question, about 0..1 (best ≈ 1).

    ``cosines``: the question's cosine with each task (None: words only);
    ``tasks``: each task's tokens (:func:`task_tokens`); ``query``: the question's.
    Both signals are taken relative to the best candidate, so the score says which
    task of this question's candidates fits best, not how well it fits in general.
    """
    freq = freq or DocFrequencies.of(" ".join(t) for t in tasks)
    lexical = [bm25(query, t, freq) for t in tasks]
    top = max(lexical, default=0.0)
    words = [x / top if top > 0 else 0.0 for x in lexical]
    if cosines is None or len(cosines) != len(tasks):
        return words
    best = max(cosines, default=0.0)
    meaning = [max(0.0, 1.0 - (best - c) / MEANING_SPREAD) for c in cosines]
    return [MEANING_WEIGHT * m + WORDS_WEIGHT * w for m, w in zip(meaning, words, strict=True)]


@dataclass(frozen=True)
class TaskVectors:
    """Vectors of task texts, embedded on first use and remembered in ``known`` (the
    service keeps one such dict per index snapshot, so a new index starts afresh).

    >>> from index.embedders import FakeEmbedder
    >>> known = {}
    >>> sims = TaskVectors(FakeEmbedder(), known).similarity(
    ...     "Ai thẩm định hồ sơ?", ["thẩm định hồ sơ", "tuyên truyền pháp luật"])
    >>> sims[0] > sims[1], len(known)
    (True, 2)
    """

    embedder: Any  # index.embedders.Embedder: embed_query, embed_passages
    known: dict[str, np.ndarray] = field(default_factory=dict)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.known))
        if todo:
            fresh = np.asarray(self.embedder.embed_passages(todo), dtype=np.float32)
            self.known.update(zip(todo, fresh, strict=True))  # a race only embeds twice
        return np.stack([self.known[t] for t in texts])

    def similarity(self, question: str, texts: Sequence[str]) -> list[float]:
        """The cosine of the question with each text (vectors are unit length)."""
        if not texts:
            return []
        q = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        return [float(x) for x in self.vectors(texts) @ q]
