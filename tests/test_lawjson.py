"""ALQAC-style law corpora → Documents with article / khoản / điểm clauses."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from ingest.errors import CorruptFileError, EmptyFileError, InputError
from ingest.lawjson import (
    article_clauses,
    article_path,
    doc_type_of,
    is_article_path,
    laws_to_documents,
    read_law_corpus,
    split_units,
)

FIXTURE = Path(__file__).parent / "fixtures" / "alqac_tiny" / "laws.json"


@pytest.fixture(scope="module")
def docs():  # type: ignore[no-untyped-def]
    return read_law_corpus(FIXTURE)


def test_one_document_per_law_numbered_by_law_id(docs) -> None:  # type: ignore[no-untyped-def]
    assert [d.header.number for d in docs] == ["Luật Cây xanh đô thị", "45/2030/QH99"]
    assert [d.header.doc_type for d in docs] == ["Luật", "Luật"]
    assert [d.name for d in docs] == ["Luật Cây xanh đô thị", "Luật 45/2030/QH99"]
    assert docs[0].header.title == "Luật Cây xanh đô thị" and docs[1].header.title is None
    assert all(d.status == "ok" and d.extractor == "lawjson" for d in docs)
    assert docs[0].doc_id != docs[1].doc_id


def test_exact_clause_paths(docs) -> None:  # type: ignore[no-untyped-def]
    assert [c.path for c in docs[0].clauses] == [
        "Điều 1",
        "Điều 2",
        "Điều 2.1",
        "Điều 2.2",
        "Điều 2.2.a",
        "Điều 2.2.b",
        "Điều 2.3",
        "Điều 3",
        "Điều 3.a",
        "Điều 3.b",
        "Điều 3.c",
    ]
    assert [c.path for c in docs[1].clauses] == [
        "Điều 10",
        "Điều 10.1",
        "Điều 10.2",
        "Điều 11",
        "Điều 12",
    ]


def test_article_clause_holds_the_whole_article(docs) -> None:  # type: ignore[no-untyped-def]
    art = docs[0].clauses[1]
    assert art.label == "Điều 2. Giải thích từ ngữ" and art.heading == ()
    assert art.text.startswith("Điều 2. Giải thích từ ngữ\nTrong Luật này")
    assert art.text.endswith("3. Chặt hạ cây xanh là việc đốn bỏ cây khỏi vị trí trồng.")


def test_khoan_and_diem_text_label_heading(docs) -> None:  # type: ignore[no-untyped-def]
    by_path = {c.path: c for c in docs[0].clauses}
    khoan = by_path["Điều 2.2"]
    assert khoan.label == "Điều 2 › Khoản 2"
    assert khoan.heading == ("Điều 2. Giải thích từ ngữ",)
    # The paragraph after the last điểm belongs to the khoản, not to điểm b.
    assert khoan.text == (
        "2. Cây cần bảo tồn bao gồm:\na) Cây cổ thụ trên 50 năm tuổi;\n"
        "b) Cây thuộc danh mục loài quý hiếm.\n"
        "Việc xác định cây cần bảo tồn do Ủy ban nhân dân cấp tỉnh quyết định."
    )
    diem = by_path["Điều 2.2.b"]
    assert diem.text == "b) Cây thuộc danh mục loài quý hiếm."
    assert diem.label == "Điều 2 › Khoản 2 › Điểm b"
    assert diem.heading == ("Điều 2. Giải thích từ ngữ", "2. Cây cần bảo tồn bao gồm:")
    assert by_path["Điều 3.c"].label == "Điều 3 › Điểm c"


def test_spans_index_the_document_text(docs) -> None:  # type: ignore[no-untyped-def]
    for doc in docs:
        for c in doc.clauses:
            assert doc.text[c.span[0] : c.span[1]] == c.text, c.path


def test_article_path_maps_children_back() -> None:
    assert article_path("Điều 2.2.b") == "Điều 2" and article_path("Điều 12") == "Điều 12"
    assert is_article_path("Điều 12") and not is_article_path("Điều 2.2")


def test_numbers_must_be_sequential_to_open_a_khoan() -> None:
    lines = [
        "Điều 9. X",
        "Năm áp dụng như sau:",
        "2030. Không phải khoản.",
        "1. Khoản một.",
        "3. Không phải khoản ba.",
        "2. Khoản hai.",
    ]
    assert [u.path for u in split_units("9", lines)] == ["Điều 9.1", "Điều 9.2"]


def test_decomposed_input_is_nfc() -> None:
    text = unicodedata.normalize("NFD", "Điều khoản chuyển tiếp\n\n1. Văn bản hết hiệu lực.")
    block, clauses = article_clauses("20", text)
    assert unicodedata.is_normalized("NFC", block)
    assert [c.path for c in clauses] == ["Điều 20", "Điều 20.1"]
    assert clauses[0].label == "Điều 20. Điều khoản chuyển tiếp"


def test_doc_type_from_name_or_number() -> None:
    assert doc_type_of("Hiến pháp") == "Hiến pháp"
    assert doc_type_of("Bộ luật dân sự") == "Bộ luật"
    assert doc_type_of("01/VBHN-VPQH") == "Văn bản hợp nhất"
    assert doc_type_of("24/2018/QH14") == "Luật"


def test_single_law_object_is_accepted() -> None:
    docs = laws_to_documents(
        {"law_id": "Luật A", "articles": [{"id": 1, "text": "Tiêu đề\n\nNội dung."}]}
    )
    assert [c.path for c in docs[0].clauses] == ["Điều 1"]


@pytest.mark.parametrize(
    ("content", "error", "fragment"),
    [
        (b"", EmptyFileError, "tệp rỗng"),
        (b"{not json", CorruptFileError, "JSON"),
        (json.dumps([{"articles": []}]).encode(), InputError, "cấu trúc"),
        (json.dumps({"laws": 1}).encode(), InputError, "cấu trúc"),
    ],
)
def test_bad_files_raise_input_errors_naming_the_file(
    tmp_path: Path, content: bytes, error: type[Exception], fragment: str
) -> None:
    path = tmp_path / "law.json"
    path.write_bytes(content)
    with pytest.raises(error, match=fragment) as info:
        read_law_corpus(path)
    assert str(info.value).startswith("law.json:")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="không đọc được"):
        read_law_corpus(tmp_path / "nope.json")
