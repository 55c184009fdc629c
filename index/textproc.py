"""Vietnamese text → tokens for the lexical (BM25) index.

Embedders get raw NFC text (word-segmented text with underscores hurts e5);
only BM25 sees the tokens made here. Three schemes, compared on the dev set
by ``evals/tokenization_eval.py``:

- ``syllables``: lowercase NFC syllables, the unit Vietnamese is written in;
- ``compounds``: syllables plus the multi-syllable words underthesea finds
  (``chủ_trì``), so a phrase match scores above scattered syllables;
- ``words``: underthesea words only.

Query-side helpers drop question words (``ai``, ``gì``, ``khi nào``) that every
clause lacks, and fold diacritics when a user types without them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from ingest.abbreviations import QUERY_TABLE, expansions
from ingest.abbreviations import spell_out as _spell_out
from ingest.normalize import fold, is_unaccented

__all__ = ["SCHEMES", "QUERY_STOPWORDS", "compounds", "drop_stopwords", "fold", "is_unaccented",
           "nfc", "spell_out", "syllables", "tokenize", "with_expansions", "words"]

Scheme = Literal["syllables", "compounds", "words"]
SCHEMES: tuple[Scheme, ...] = ("syllables", "compounds", "words")

# A run of letters/digits; dates, decimals and clause numbers (15/9/2025,
# 1.1, 5,5) stay whole so "15/9/2025" matches itself and not every "9".
_TOKEN = re.compile(r"\d+(?:[/.,:]\d+)+|[^\W_]+")
_NUMBER_PART = re.compile(r"\d+")

# Question and function words that carry no topic. Kept short on purpose:
# domain words such as "thời hạn", "trách nhiệm", "báo cáo" are NOT here,
# since they do discriminate between clauses.
_STOPWORDS = """ai gì nào đâu sao bao nhiêu không chưa có là của và các những được bị
    thì mà với cho theo về trong khi nào lúc nào bao giờ hay hoặc này đó ấy vậy
    nhé ạ hả nhỉ đã đang sẽ cần phải việc gồm thế như tại"""
QUERY_STOPWORDS: frozenset[str] = frozenset(_STOPWORDS.split())

# Old-style tone placement (hoà, thuỷ) → new style (hòa, thủy) at a syllable's
# end; documents use both, and BM25 must see one token.
_TONE_MAP = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RX = re.compile("(" + "|".join(_TONE_MAP) + r")(?!\w)")

def nfc(text: str) -> str:
    """NFC-normalize: decomposed input (``Đ`` + combining marks) equals composed."""
    return unicodedata.normalize("NFC", text)


def syllables(text: str) -> list[str]:
    """Lowercase NFC syllables in new-style tone placement; dates and clause numbers stay whole.

    >>> syllables("Trước ngày 15/9/2025, Sở Công Thương chủ trì (mục 1.1).")
    ['trước', 'ngày', '15/9/2025', '15', '9', '2025', 'sở', 'công', 'thương', 'chủ', 'trì', 'mục', '1.1', '1', '1']
    >>> syllables("Kế hoạch 28/KH-BCĐCVĐ")
    ['kế', 'hoạch', '28', 'kh', 'bcđcvđ']
    >>> syllables("Uỷ ban, thuỷ lợi, hoà giải")
    ['ủy', 'ban', 'thủy', 'lợi', 'hòa', 'giải']
    """
    lowered = _TONE_RX.sub(lambda m: _TONE_MAP[m.group(1)], nfc(text).lower())
    out: list[str] = []
    for token in _TOKEN.findall(lowered):
        out.append(token)
        if not token.isalnum():  # "180/2026" also yields "180": users cite "Nghị định 180"
            out += _NUMBER_PART.findall(token)
    return out


def words(text: str) -> list[str]:
    """Lowercase underthesea words, syllables of a word joined by ``_``; no punctuation.

    >>> words("Giao Sở Công Thương chủ trì")
    ['giao', 'sở', 'công_thương', 'chủ_trì']
    """
    from underthesea import word_tokenize  # heavy: loads a CRF model on first call

    out: list[str] = []
    for word in word_tokenize(nfc(text)):
        parts = syllables(word)
        if parts:
            out.append("_".join(parts))
    return out


def compounds(text: str) -> list[str]:
    """Every syllable, plus each multi-syllable underthesea word as one more token.

    >>> compounds("Sở Công Thương chủ trì")
    ['sở', 'công', 'thương', 'chủ', 'trì', 'công_thương', 'chủ_trì']
    """
    return syllables(text) + [w for w in words(text) if "_" in w]


def tokenize(text: str, scheme: Scheme = "syllables") -> list[str]:
    """Tokens of ``text`` under one of the three ``SCHEMES``."""
    if scheme == "syllables":
        return syllables(text)
    if scheme == "compounds":
        return compounds(text)
    if scheme == "words":
        return words(text)
    raise ValueError(f"unknown tokenization scheme {scheme!r}; expected one of {SCHEMES}")


def drop_stopwords(tokens: Iterable[str]) -> list[str]:
    """Remove question/function words; compounds are checked syllable by syllable.

    >>> drop_stopwords(["ai", "chủ", "trì", "khi", "nào", "báo", "cáo"])
    ['chủ', 'trì', 'báo', 'cáo']
    """
    kept = [t for t in tokens if not all(p in QUERY_STOPWORDS for p in t.split("_"))]
    return kept


def spell_out(text: str) -> str:
    """Replace known abbreviations by their full words (for the dense query).

    Short forms inside document numbers stay as printed; the table is
    :data:`ingest.abbreviations.QUERY_TABLE`.

    >>> spell_out("QĐ 1074 của Bộ XD về PCCC")
    'Quyết định 1074 của Bộ Xây dựng về phòng cháy chữa cháy'
    """
    return _spell_out(text, QUERY_TABLE)


def with_expansions(text: str) -> str:
    """The text followed by the full words of its abbreviations (for BM25 queries).

    >>> with_expansions("Sở NN&MT triển khai NĐ 180")
    'Sở NN&MT triển khai NĐ 180 Nông nghiệp và Môi trường Nghị định'
    >>> with_expansions("Kế hoạch 28/KH-BCĐCVĐ của Bộ KH & ĐT")
    'Kế hoạch 28/KH-BCĐCVĐ của Bộ KH & ĐT Kế hoạch và Đầu tư'
    """
    text = nfc(text)
    return " ".join([text, *expansions(text, QUERY_TABLE)])
