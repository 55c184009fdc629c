"""Clause tree: markers, wrapped-line joining, paths, labels, headings and spans."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import Line, RawDocument
from ingest.parse import parse_raw
from ingest.structure import (
    ClauseBuilder,
    Marker,
    Para,
    join_lines,
    parse_marker,
    roman_to_int,
)


def _build(lines: list[str]) -> dict[str, object]:
    b = ClauseBuilder()
    for t in lines:
        b.add_paragraph(Para(t))
    text, clauses = b.build()
    return {"text": text, "clauses": clauses, "by_path": {c.path: c for c in clauses}}


def test_markers_of_every_level() -> None:
    assert parse_marker("IV. TỔ CHỨC THỰC HIỆN") == Marker("roman", "IV", 4)
    assert parse_marker("1.1.2. Sở Công Thương") == Marker("dotted", "1.1.2", 7)
    assert parse_marker("3) Công an tỉnh") == Marker("num", "3", 3)
    assert parse_marker("đ) Rà soát, công bố") == Marker("letter", "đ", 3)
    assert parse_marker("Điều 5. Trách nhiệm") == Marker("dieu", "5", 8)
    assert parse_marker("Chương II") == Marker("chuong", "II", 9)
    assert parse_marker("- Như trên;") == Marker("dash", "", 2)
    assert parse_marker("+ Sở Tài chính") == Marker("plus", "", 2)


def test_not_markers() -> None:
    # Years, dates, document numbers and rule lines are not item markers.
    for text in (
        "2024 - 2025",
        "15/6/2026 báo cáo",
        "Số: 28/KH-BCĐCVĐ",
        "-------",
        "V/v triển khai",
        "1.000 tấn than",
        "Điều 3 QĐ;",
    ):
        assert parse_marker(text) is None, text


def test_roman_numerals() -> None:
    assert [roman_to_int(s) for s in ("I", "IV", "IX", "XIV")] == [1, 4, 9, 14]
    assert roman_to_int("IIII") is None and roman_to_int("VX") is None


def test_join_wrapped_lines_keeps_markers_apart() -> None:
    lines = [
        ("Chủ tịch Ủy ban nhân dân tỉnh giao:", 1),
        ("1. Sở Nông nghiệp và Môi trường chủ động nghiên cứu, tổ chức triển khai", 1),
        ("thực hiện các nhiệm vụ thuộc trách nhiệm của tỉnh; tham mưu theo quy định tại khoản", 1),
        ("2 Điều 5 Nghị định số 180/2026/NĐ-CP.", 2),
        ("2. Các sở, ban, ngành cấp tỉnh phối hợp.", 2),
    ]
    paras = join_lines(lines)
    assert [p.text[:8] for p in paras] == ["Chủ tịch", "1. Sở Nô", "2. Các s"]
    assert "khoản 2 Điều 5" in paras[1].text
    assert paras[1].page == 1


def test_plan_paths_labels_and_headings() -> None:
    out = _build(
        [
            "IV. TỔ CHỨC THỰC HIỆN",
            "1. Cấp tỉnh",
            "1.1. Ủy ban MTTQ Việt Nam tỉnh - Thường trực Ban Chỉ đạo",
            "- Hướng dẫn, đôn đốc Ban Chỉ đạo các huyện.",
            "- Phối hợp tổ chức kiểm tra.",
            "+ Báo cáo định kỳ.",
            "1.2. Các thành viên Ban Chỉ đạo.",
            "Tiếp tục thực hiện các nhiệm vụ.",
        ]
    )
    by_path = out["by_path"]
    assert list(by_path) == [
        "IV",
        "IV.1",
        "IV.1.1",
        "IV.1.1.-1",
        "IV.1.1.-2",
        "IV.1.1.-2.+1",
        "IV.1.2",
    ]
    c = by_path["IV.1.1"]
    assert c.label == "Mục IV › 1 › 1.1"
    assert c.heading == ("TỔ CHỨC THỰC HIỆN", "Cấp tỉnh")
    assert c.text.startswith("Ủy ban MTTQ Việt Nam tỉnh")
    assert by_path["IV.1.1.-2"].label == "Mục IV › 1 › 1.1 › gạch đầu dòng 2"
    # An unnumbered paragraph continues the item above it.
    assert by_path["IV.1.2"].text == "Các thành viên Ban Chỉ đạo.\nTiếp tục thực hiện các nhiệm vụ."


def test_legal_paths() -> None:
    out = _build(
        [
            "Căn cứ Luật Tổ chức Chính phủ;",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 5. Trách nhiệm của Sở Công Thương",
            "1. Chủ trì thẩm định.",
            "2. Phối hợp với Sở Tài chính:",
            "a) Lập dự toán;",
            "b) Báo cáo trước ngày 15 tháng 12 hằng năm.",
        ]
    )
    by_path = out["by_path"]
    assert list(by_path) == [
        "preamble.1",
        "Chương I",
        "Điều 5",
        "Điều 5.1",
        "Điều 5.2",
        "Điều 5.2.a",
        "Điều 5.2.b",
    ]
    assert by_path["Điều 5.2.a"].label == "Điều 5 › khoản 2 › điểm a"
    assert by_path["Điều 5.2.b"].heading == (
        "QUY ĐỊNH CHUNG",
        "Trách nhiệm của Sở Công Thương",
        "Phối hợp với Sở Tài chính",
    )
    assert by_path["preamble.1"].kind == "preamble"


def test_implausible_numbers_stay_text() -> None:
    # "5." after "1." is not item 5 but a number that happened to start a line.
    out = _build(["1. Giao Sở Công Thương.", "5. triệu đồng được bố trí.", "2. Công an tỉnh."])
    assert list(out["by_path"]) == ["1", "2"]
    assert "5. triệu" in out["by_path"]["1"].text


def test_sections_prefix_paths() -> None:
    b = ClauseBuilder()
    b.add_paragraph(Para("Điều 1. Ban hành kèm theo Quyết định này Quy chế."))
    b.start_section("QC", ("QUY CHẾ Quản lý cụm công nghiệp",))
    b.add_paragraph(Para("Điều 1. Phạm vi điều chỉnh"))
    _, clauses = b.build()
    assert [c.path for c in clauses] == ["Điều 1", "QC.Điều 1"]
    assert clauses[1].heading == ("QUY CHẾ Quản lý cụm công nghiệp",)


_ITEM = st.text(
    alphabet=st.sampled_from(list("abcdeghiklmnopqrstuvxyàáảãạăâđêôơưĐÀÁ ,;")),
    min_size=1,
    max_size=40,
).map(lambda s: "Nội dung " + " ".join(s.split()) + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), _ITEM), min_size=1, max_size=25))
def test_round_trip_clause_texts_in_order(items: list[tuple[int, str]]) -> None:
    """Clause texts appear, in order, in the body text, exactly at their spans."""
    lines, num, letter = [], 0, 0
    for kind, text in items:
        if kind == 0 or num == 0:
            num, letter = num + 1, 0
            lines.append(f"{num}. {text}")
        elif kind == 1 and letter < 20:
            letter += 1
            lines.append(f"{'abcdeghiklmnopqrstuvxy'[letter - 1]}) {text}")
        elif kind == 2:
            lines.append(f"- {text}")
        else:
            lines.append(text)
    raw = RawDocument("x.txt", "docx", tuple(Line(t) for t in lines), "test")
    doc = parse_raw(raw, "id")
    pos = 0
    for c in doc.clauses:
        s, e = c.span
        assert doc.text[s:e] == c.text
        assert s >= pos
        pos = e
        assert unicodedata.is_normalized("NFC", c.text)
    assert len([c for c in doc.clauses if c.kind == "clause"]) == sum(
        1 for t in lines if parse_marker(t) is not None
    )


_WORDS = st.sampled_from(["giao", "Sở", "Công", "Thương", "chủ", "trì", "phối", "hợp", "với",
                          "các", "cơ", "quan", "liên", "quan,", "báo", "cáo", "trước", "tỉnh",
                          "Lào", "Cai", "thực", "hiện", "kiểm", "tra"])
_PARAGRAPH = st.lists(_WORDS, min_size=3, max_size=60).map(
    lambda ws: " ".join([ws[0][0].upper() + ws[0][1:], *ws[1:]]) + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=8), st.integers(45, 90))
def test_round_trip_wrapped_paragraphs(paragraphs: list[str], width: int) -> None:
    """Numbered paragraphs wrapped at any width are joined back exactly."""
    import textwrap

    numbered = [f"{i}. {p}" for i, p in enumerate(paragraphs, start=1)]
    lines = [(line, 1) for p in numbered for line in textwrap.wrap(p, width)]
    assert [p.text for p in join_lines(lines)] == numbered
