"""Text normalization at the reading boundary: every string leaving a reader is NFC.

What is repaired, and why:

- Unicode NFC, so ``"Thương"`` typed with combining marks equals the precomposed one;
- legacy glyphs some PDF fonts map Vietnamese letters to (``ƣ`` for ``ư``);
- invisible characters (zero-width space/joiners, BOM, soft hyphen) that split words;
- exotic spaces (no-break, thin, ideographic) and tabs become one plain space;
- runs of spaces collapse, each line is stripped; line breaks are kept.

>>> normalize_text("Bộ  Công Thƣơng\\u00a0\\u00a0tỉnh\\u200b Lào Cai ")
'Bộ Công Thương tỉnh Lào Cai'
"""

from __future__ import annotations

import re
import unicodedata

# Letters some embedded PDF fonts use in place of ư/Ư (Latin "oi"/"OI" with horn
# lookalikes); they never occur in modern Vietnamese text.
LEGACY_GLYPHS: dict[str, str] = {
    "\u01a3": "\u01b0",  # ƣ → ư
    "\u01a2": "\u01af",  # Ƣ → Ư
    # Icelandic eth looks exactly like Đ and some fonts/keyboards type it ("Ðộc lập").
    "\u00d0": "\u0110",  # Ð → Đ
    "\u00f0": "\u0111",  # ð → đ
}

# Characters that carry no text and only break words apart, plus control codes
# (NUL, BEL, ...) that PDF text layers sometimes contain.
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e" + _CONTROLS
# Spaces other than U+0020 (tab, no-break, en/em/thin spaces, ideographic...); a
# form feed inside one line is a space too (normalize_text splits pages first).
_SPACES = "\t\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\v"

_TRANSLATE: dict[int, str | None] = {ord(c): None for c in _INVISIBLE}
_TRANSLATE.update({ord(c): " " for c in _SPACES})
_TRANSLATE.update({ord(k): v for k, v in LEGACY_GLYPHS.items()})

_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_SPACE_RUN = re.compile(r" {2,}")


def normalize_line(line: str) -> str:
    """Normalize one line: NFC, legacy glyphs, invisible chars, spaces collapsed, stripped.

    >>> normalize_line("  1.\\tSở Công Thƣơng  chủ trì ")
    '1. Sở Công Thương chủ trì'
    """
    # Translate before NFC so a repaired ư can still compose with a following
    # combining tone mark (ƣ + U+0301 → ứ).
    text = unicodedata.normalize("NFC", line.translate(_TRANSLATE))
    return _SPACE_RUN.sub(" ", text).strip(" ")


def normalize_text(s: str) -> str:
    """Normalize a whole text, keeping its line breaks (and form feeds).

    Line endings become ``\\n``; a form feed (page break) is kept where it is so
    readers can still count pages.

    >>> normalize_text("Kế hoạch\\r\\n  số 28/KH-BCĐCVĐ \\fTrang 2")
    'Kế hoạch\\nsố 28/KH-BCĐCVĐ\\x0cTrang 2'
    """
    lines = _NEWLINES.sub("\n", s).split("\n")
    return "\n".join("\f".join(normalize_line(part) for part in line.split("\f")) for line in lines)


def rejoin_spaced_letters(line: str) -> str:
    """Glue a syllable that a justified PDF text layer printed with spaces inside it.

    A token that is not a word on its own (``C``, ``h``, ``q``) is joined with the
    tokens after it when together they make one well-formed Vietnamese syllable;
    real one-letter words (``ở``, ``a``) and codes (``UBND``) are left alone.

    >>> rejoin_spaced_letters("C ơ quan chủ trì: C h í nh phủ, T rước ngày ở Trung ương")
    'Cơ quan chủ trì: Chính phủ, Trước ngày ở Trung ương'
    """
    from ingest.quality import is_syllable, is_valid_part

    tokens = line.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.isalpha() and not is_syllable(tok) and (len(tok) == 1 or not is_valid_part(tok)):
            for k in (4, 3, 2):
                glued = "".join(tokens[i:i + k])
                if i + k <= len(tokens) and glued.isalpha() and is_syllable(glued):
                    out.append(glued)
                    i += k
                    break
            else:
                out.append(tok)
                i += 1
            continue
        out.append(tok)
        i += 1
    return " ".join(out)


# Typed without diacritics ("So Cong Thuong"): one folded form to compare on.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Strip Vietnamese diacritics (and ``đ`` → ``d``), keeping case.

    >>> fold("Sở Công Thương chủ trì, Đồng Nai")
    'So Cong Thuong chu tri, Dong Nai'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_unaccented(text: str) -> bool:
    """True when the text has letters but no diacritics at all (typed without accents).

    >>> is_unaccented("ai chu tri ke hoach"), is_unaccented("ai chủ trì")
    (True, False)
    """
    normalized = unicodedata.normalize("NFC", text)
    return any(ch.isalpha() for ch in normalized) and fold(normalized) == normalized
