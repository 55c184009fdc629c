"""Header fields (thể thức văn bản) from synthetic lines and from real corpus files."""

from __future__ import annotations

import datetime as dt

from ingest.header import (
    parse_header,
    parse_number,
    parse_place_date,
    pretty_case,
    split_issuer,
    split_recipients,
    strip_motto,
    type_from_symbol,
)
from ingest.model import Line, Table
from ingest.parse import parse_file
from tests.conftest import shared_file


def test_number_with_blank_and_spaced_numbers() -> None:
    assert parse_number("Số: 28/KH-BCĐCVĐ") == "28/KH-BCĐCVĐ"
    assert parse_number("Số:      /UBND-KT") == "/UBND-KT"
    assert parse_number("Số: 16 /2026/QĐ-UBND Lào Cai, ngày 25") == "16/2026/QĐ-UBND"
    assert parse_number("Số: 648/VPCP-NN V/v phê duyệt Đề án") == "648/VPCP-NN"
    # "số" inside a sentence, or without a colon, is not the document number.
    assert parse_number("Quyết định số 1050/QĐ-SCT ngày 06/3/2026") is None
    assert parse_number("SỐ 1050/QĐ-SCT") is None


def test_place_and_date() -> None:
    assert parse_place_date("Hà Nội, ngày 02 tháng 5 năm 2024") == (
        "Hà Nội",
        dt.date(2024, 5, 2),
        "",
    )
    assert parse_place_date("Số: 5973 /UBND-KT Lào Cai, ngày 11 tháng 6 năm 2026")[:2] == (
        "Lào Cai",
        dt.date(2026, 6, 11),
    )
    # A draft with blank day and month keeps the place, not a date.
    assert parse_place_date("Lào Cai, ngày       tháng      năm 2026")[:2] == ("Lào Cai", None)
    # A date that does not exist is not invented.
    assert parse_place_date("Huế, ngày 31 tháng 02 năm 2024")[1] is None
    assert parse_place_date("ban hành ngày 02 tháng 5 năm 2024") is None


def test_type_from_symbol() -> None:
    assert [
        type_from_symbol(n)
        for n in ("28/KH-BCĐCVĐ", "16/2026/QĐ-UBND", "467/TB-VPCP", "/UBND-KT", None)
    ] == ["Kế hoạch", "Quyết định", "Thông báo", "Công văn", "Công văn"]


def test_issuer_parent_and_case() -> None:
    assert split_issuer(["UBND TỈNH LÀO CAI", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]) == (
        "UBND tỉnh Lào Cai",
        "Sở Nông nghiệp và Môi trường",
    )
    assert split_issuer(["BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG", "TỈNH BÌNH ĐỊNH"]) == (
        None,
        "Ban Chỉ đạo cuộc vận động tỉnh Bình Định",
    )
    assert pretty_case("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG") == "Bộ Tài nguyên và Môi trường"
    assert strip_motto("THỦ TƯỚNG CHÍNH PHỦ -------") == "THỦ TƯỚNG CHÍNH PHỦ"


def test_recipients_split() -> None:
    assert split_recipients("- Các Sở, ban, ngành thuộc tỉnh; - Công an tỉnh;") == [
        "Các Sở, ban, ngành thuộc tỉnh",
        "Công an tỉnh",
    ]


def test_header_from_two_column_table() -> None:
    blocks = [
        Table(
            rows=(
                ("BỘ CÔNG THƯƠNG\nCỤC HÓA CHẤT\n-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                (
                    "Số: 597/HC-QLHC\nV/v cấp Giấy phép xuất khẩu,\nnhập khẩu hóa chất",
                    "Hà Nội, ngày 27 tháng 3 năm 2026",
                ),
            )
        ),
        Line("Kính gửi: Sở Công Thương tỉnh Quảng Ngãi"),
        Line("Cục Hóa chất nhận được Công văn số 12/SCT-QLTM."),
    ]
    h, start = parse_header(blocks)
    assert (h.issuer_parent, h.issuer, h.number, h.doc_type) == (
        "Bộ Công Thương",
        "Cục Hóa chất",
        "597/HC-QLHC",
        "Công văn",
    )
    assert h.title == "cấp Giấy phép xuất khẩu, nhập khẩu hóa chất"
    assert h.recipients == ("Sở Công Thương tỉnh Quảng Ngãi",)
    assert h.date == dt.date(2026, 3, 27) and start == 2


def test_seed_plan_header_two_columns_on_one_line() -> None:
    h = parse_file(shared_file("000_")).header
    assert (h.number, h.date, h.doc_type, h.place) == (
        "28/KH-BCĐCVĐ",
        dt.date(2023, 2, 24),
        "Kế hoạch",
        "Bình Định",
    )
    assert h.issuer is not None and h.issuer.startswith("Ban Chỉ đạo cuộc vận động")
    assert h.issuer.endswith("tỉnh Bình Định")
    assert h.title == (
        "Triển khai thực hiện Cuộc vận động “Người Việt Nam ưu tiên dùng hàng "
        "Việt Nam” trên địa bàn tỉnh năm 2023"
    )


def test_directive_header_in_markdown_table() -> None:
    h = parse_file(shared_file("29_")).header
    assert (h.number, h.doc_type, h.date, h.issuer) == (
        "13/CT-TTg",
        "Chỉ thị",
        dt.date(2024, 5, 2),
        "Thủ tướng Chính phủ",
    )
    assert h.title is not None and h.title.startswith("VỀ TĂNG CƯỜNG CÔNG TÁC QUẢN LÝ TÍN CHỈ")


def test_cong_van_with_vv_and_recipient_list() -> None:
    h = parse_file(shared_file("04_")).header
    assert (h.doc_type, h.number, h.date) == ("Công văn", "5973/UBND-KT", dt.date(2026, 6, 11))
    assert h.title == (
        "tăng cường công tác quản lý, thanh tra, kiểm tra hoạt động khoáng sản "
        "trên địa bàn tỉnh Lào Cai"
    )
    assert h.recipients == (
        "Các Sở, ban, ngành thuộc UBND tỉnh",
        "Công an tỉnh",
        "Thuế tỉnh Lào Cai",
        "Ủy ban nhân dân các xã, phường",
    )


def test_parent_issuer_and_wrapped_recipient() -> None:
    h = parse_file(shared_file("13_")).header
    assert (h.issuer_parent, h.issuer) == ("UBND tỉnh Lào Cai", "Sở Nông nghiệp và Môi trường")
    assert h.recipients == (
        "Các tổ chức, cá nhân khai thác, thu hồi khoáng sản trên địa bàn tỉnh Lào Cai",
    )


def test_draft_docx_blank_number_and_day() -> None:
    h = parse_file(shared_file("01_")).header
    assert (h.number, h.date, h.place, h.doc_type) == ("/KH-UBND", None, "Lào Cai", "Kế hoạch")
