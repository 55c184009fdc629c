"""Normalization and text-layer quality: what every reader relies on."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ingest.model import Line
from ingest.normalize import normalize_line, normalize_text
from ingest.quality import MIN_QUALITY, is_syllable, is_valid_token, syllable_quality

GOOD = (
    "Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các cơ quan có liên quan "
    "tham mưu UBND tỉnh văn bản ủy quyền trước ngày 15/9/2025; báo cáo kết quả về "
    "Ủy ban nhân dân tỉnh (qua Văn phòng UBND tỉnh) theo Kế hoạch số 28/KH-BCĐCVĐ."
)
# A real stretch of the text layer of 16_…pdf (legacy font mapped to wrong glyphs).
LEGACY_JUNK = (
    "UBND 7ӌ1+ LÀO CAI &Ӝ1* HÒA Xˆ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM 6Ӣ CÔNG 7+ѬѪ1* ĈӝF OұS - 7ӵ do - "
    "+ҥQK phœc 6ӕ 4Ĉ6&7 Lào Cai, ngày thÆng 3 năm 2026 48<ӂ7 Ĉӎ1+ KiӇm tra YLӋF FKҩS hành "
    "phÆp OXұW trong sӱ dөng và bҧo quҧn vұt liӋu nә công nghiӋp trŒn ÿӏa bàn tӍnh Lào Cai"
)
# What a TCVN3 (.VnTime) text looks like when its bytes are read as Unicode.
TCVN3_JUNK = "Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc Së C«ng Th­¬ng"


def test_legacy_horn_glyphs_are_repaired() -> None:
    assert normalize_text("Bộ Công Thƣơng") == "Bộ Công Thương"
    assert normalize_text("BỘ CÔNG THƢƠNG") == "BỘ CÔNG THƯƠNG"


def test_repaired_glyph_composes_with_a_following_tone_mark() -> None:
    # ƣ followed by a combining acute must become the single letter ứ.
    assert normalize_line("\u01a3\u0301ng") == "ứng"
    assert len(normalize_line("\u01a3\u0301ng")) == 3


def test_decomposed_text_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh Lào Cai")
    assert nfd != "Ủy ban nhân dân tỉnh Lào Cai"
    assert normalize_text(nfd) == "Ủy ban nhân dân tỉnh Lào Cai"


def test_invisible_characters_and_odd_spaces() -> None:
    raw = "\ufeffSở\u200b Công\u00adThương\u00a0\u00a0tỉnh\tLào  Cai  "
    assert normalize_text(raw) == "Sở CôngThương tỉnh Lào Cai"


def test_line_breaks_kept_each_line_stripped() -> None:
    raw = "  KẾ HOẠCH \r\nTriển khai   thực hiện\r\r\n\fTrang 2 "
    assert normalize_text(raw) == "KẾ HOẠCH\nTriển khai thực hiện\n\n\fTrang 2"


@given(st.text())
def test_normalize_text_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once


@given(st.text())
def test_normalize_text_output_is_nfc_without_invisibles(s: str) -> None:
    out = normalize_text(s)
    assert unicodedata.is_normalized("NFC", out)
    assert not set(out) & {"\u200b", "\u00ad", "\ufeff", "\u00a0", "\t", "\r", "ƣ", "Ƣ"}


def test_syllable_shapes() -> None:
    ok = ["nghiêng", "Thương", "ĐỊNH", "khuyến", "quyết", "giữa", "Ủy", "ở"]
    bad = ["OXұW", "thÆng", "QăP", "t", "7+ѬѪ1*", "nghiêngg", "tỉnhh", "ThƯơng"]
    assert [is_syllable(w) for w in ok] == [True] * len(ok)
    assert [is_syllable(w) for w in bad] == [False] * len(bad)


def test_codes_numbers_and_labels_are_valid_tokens() -> None:
    tokens = [
        "28/KH-BCĐCVĐ",
        "15/9/2025;",
        "(qua",
        "UBND",
        "TN&MT",
        "13/CT-TTg",
        "b)",
        "V/v",
        "II.",
    ]
    assert [is_valid_token(t) for t in tokens] == [True] * len(tokens)
    assert is_valid_token("–") is None  # punctuation only: not counted
    assert is_valid_token("(cid:54)(cid:1250)") is False


def test_quality_separates_real_vietnamese_from_font_junk() -> None:
    assert syllable_quality(GOOD) == 1.0
    assert syllable_quality(LEGACY_JUNK) < 0.5
    assert syllable_quality(TCVN3_JUNK) < MIN_QUALITY
    assert syllable_quality("(cid:54)(cid:1250) CÔNG (cid:55)(cid:43)") < 0.5
    assert syllable_quality("") == 0.0
    assert syllable_quality(" - . ; ") == 0.0


_plain_line = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="|*#\f\r\n\x85\u2028\u2029"),
    max_size=40,
)


@given(st.lists(_plain_line, max_size=12))
def test_text_reader_keeps_every_nonblank_line_in_order(raw_lines: list[str]) -> None:
    from ingest.readers.text import blocks_from_lines, paged_lines

    text = normalize_text("\n".join(raw_lines))
    blocks = blocks_from_lines(paged_lines(text))
    expected = [normalize_line(s) for s in raw_lines if normalize_line(s)]
    assert [b.text for b in blocks if isinstance(b, Line)] == expected
