"""The one abbreviation table: exact expansions for body names, queries and questions."""

from __future__ import annotations

import unicodedata

import pytest

from index.textproc import spell_out as query_spell_out
from index.textproc import with_expansions
from ingest.abbreviations import (
    AGENCY_TABLE,
    QUERY_TABLE,
    QUESTION_TABLE,
    expansions,
    spell_out,
)
from ingest.bodies import canonical_body, expand_abbreviations


@pytest.mark.parametrize(
    ("printed", "full"),
    [
        ("Bộ TN&MT", "Bộ Tài nguyên và Môi trường"),
        ("Bộ TN & MT", "Bộ Tài nguyên và Môi trường"),
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("SCT", "Sở Công Thương"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("UB MTTQ VN tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("CA tỉnh", "Công an tỉnh"),
        ("BCĐ 389", "Ban Chỉ đạo 389"),
    ],
)
def test_agency_names(printed: str, full: str) -> None:
    assert spell_out(printed, AGENCY_TABLE) == full
    assert expand_abbreviations(printed) == full


def test_agency_table_leaves_terms_and_words_alone() -> None:
    # Document kinds and subjects are not body names; "CA" alone is not "Công an".
    assert spell_out("NĐ 180 về KCN, Sở XD", AGENCY_TABLE) == "NĐ 180 về KCN, Sở XD"
    assert spell_out("CACAO, SCTX, CA", AGENCY_TABLE) == "CACAO, SCTX, CA"
    assert canonical_body("Bộ TN&MT") == canonical_body("Bộ Tài nguyên và Môi trường")


@pytest.mark.parametrize(
    ("query", "full"),
    [
        ("QĐ 1074 của Bộ XD về PCCC", "Quyết định 1074 của Bộ Xây dựng về phòng cháy chữa cháy"),
        ("NĐ 180 về KCN, CCN", "Nghị định 180 về khu công nghiệp, cụm công nghiệp"),
        ("Bộ TC và PTTg", "Bộ Tài chính và Phó Thủ tướng"),
        ("CTr 104 từ ngân sách TW", "Chương trình 104 từ ngân sách trung ương"),
        # document numbers stay as printed, so a query still finds the number
        ("Chỉ thị 13/CT-TTg, Nghị định 06/2022/NĐ-CP", "Chỉ thị 13/CT-TTg, Nghị định 06/2022/NĐ-CP"),
        # "CT" may be Công ty: never spelled out in a search query
        ("CT 13 về KNK", "CT 13 về khí nhà kính"),
    ],
)
def test_query_table(query: str, full: str) -> None:
    assert spell_out(query, QUERY_TABLE) == full
    assert query_spell_out(query) == full


def test_expansions_count_each_occurrence_once() -> None:
    assert expansions("Bộ KH & ĐT gửi KH 28 và NĐ 180", QUERY_TABLE) == [
        "Kế hoạch và Đầu tư", "Nghị định", "Kế hoạch",
    ]
    assert with_expansions("Sở NN&MT triển khai NĐ 180") == (
        "Sở NN&MT triển khai NĐ 180 Nông nghiệp và Môi trường Nghị định"
    )


@pytest.mark.parametrize(
    ("question", "full"),
    [
        ("CT 13 giao Bộ TN&MT việc gì?", "Chỉ thị 13 giao Bộ Tài nguyên và Môi trường việc gì?"),
        ("Ai soạn NĐ sửa NĐ 29/2008 về KCN, KCX?",
         "Ai soạn Nghị định sửa Nghị định 29/2008 về khu công nghiệp, khu chế xuất?"),
        # a term inside a compound name still meets the clause's words
        ("Viện KTTV&BĐKH kiểm kê KNK", "Viện khí tượng thủy văn&biến đổi khí hậu kiểm kê khí nhà kính"),
    ],
)
def test_question_table(question: str, full: str) -> None:
    assert spell_out(question, QUESTION_TABLE) == full


def test_decomposed_input_is_read_as_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Sở TN&MT báo cáo BĐKH")
    assert spell_out(decomposed, QUERY_TABLE) == "Sở Tài nguyên và Môi trường báo cáo biến đổi khí hậu"
