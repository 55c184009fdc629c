"""Diacritics put back into a question typed without them, from the indexed documents' own words.

BM25 matches an unaccented question on folded tokens, but the embedding model
reads ``ai chu tri kiem tra an toan hoa chat`` as noise (on the dev set its
MRR@10 falls from 0.65 to 0.05). Each folded syllable has few accented forms
in the documents (``chu`` → ``chủ``, ``chú``, ``chữ`` …); the sequence most
likely under the documents' syllable bigrams (Viterbi, add-one smoothing) is
the question as it would have been typed with accents.

>>> a = Accents.from_texts(["Sở Công Thương chủ trì kiểm tra an toàn hóa chất", "chữ ký"])
>>> a.restore("ai chu tri kiem tra an toan hoa chat?")
'ai chủ trì kiểm tra an toàn hóa chất?'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from index.textproc import QUERY_STOPWORDS, syllables
from ingest.normalize import fold

_WORD = re.compile(r"[^\W\d_]+")


def _forms(unigrams: Counter[str]) -> dict[str, tuple[str, ...]]:
    """Folded syllable → its accented forms seen, most frequent first."""
    by_fold: dict[str, list[str]] = {}
    for s, _ in unigrams.most_common():
        by_fold.setdefault(fold(s), []).append(s)
    return {k: tuple(v) for k, v in by_fold.items()}


@dataclass(frozen=True)
class Accents:
    """Syllable and syllable-pair counts of a corpus, keyed for restoring diacritics."""

    forms: dict[str, tuple[str, ...]]  # folded syllable → accented forms seen, most frequent first
    unigrams: Counter[str]
    bigrams: Counter[tuple[str, str]]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Accents:
        """Count the syllables of ``texts`` (lower case); question words are always known."""
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            sylls = [s for s in syllables(text) if s.isalpha()]
            unigrams.update(sylls)
            bigrams.update(zip(sylls, sylls[1:], strict=False))
        unigrams.update(w for w in QUERY_STOPWORDS if w not in unigrams)  # "nào", "gì" in questions
        return cls(_forms(unigrams), unigrams, bigrams)

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON values (``from_json`` gives back an equal object)."""
        return {"unigrams": dict(self.unigrams), "bigrams": [[a, b, n] for (a, b), n in self.bigrams.items()]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Accents:
        """The statistics saved by ``to_json``.

        >>> a = Accents.from_texts(["Sở Công Thương chủ trì", "chữ ký"])
        >>> Accents.from_json(a.to_json()) == a
        True
        """
        unigrams = Counter({str(k): int(v) for k, v in data["unigrams"].items()})
        bigrams = Counter({(str(a), str(b)): int(n) for a, b, n in data["bigrams"]})
        return cls(_forms(unigrams), unigrams, bigrams)

    def _cost(self, prev: str | None, cur: str) -> float:
        """Negative log probability of ``cur`` after ``prev`` (add-one smoothed bigram)."""
        if prev is None:
            return -math.log(self.unigrams[cur] + 1)
        return -math.log((self.bigrams[prev, cur] + 0.1) / (self.unigrams[prev] + 1)
                         * (self.unigrams[cur] + 1))

    def _best(self, words: list[str]) -> list[str]:
        """The most likely accented sequence for lower-case folded ``words`` (Viterbi)."""
        paths: dict[str, tuple[float, list[str]]] = {"": (0.0, [])}
        for w in words:
            options = self.forms.get(w, (w,))[:8]
            paths = {c: min(((cost + self._cost(p or None, c), [*seq, c])
                             for p, (cost, seq) in paths.items()), key=lambda t: t[0])
                     for c in options}
        return min(paths.values(), key=lambda t: t[0])[1] if words else []

    def restore(self, text: str) -> str:
        """``text`` with its words' diacritics restored; other characters and case kept."""
        matches = list(_WORD.finditer(text))
        best = self._best([fold(m.group()).lower() for m in matches])
        out, pos = [], 0
        for m, word in zip(matches, best, strict=True):
            out.append(text[pos:m.start()])
            out.append(word.upper() if m.group().isupper() and len(word) > 1
                       else word[:1].upper() + word[1:] if m.group()[:1].isupper() else word)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)
