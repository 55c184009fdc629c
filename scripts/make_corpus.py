"""Generate vanban's own sample corpus: four fictional administrative documents.

The documents belong to a made-up province, *tỉnh Hòa Bình Xanh*; every body,
person and number in them is invented. They follow the layout of real
documents (Nghị định 30/2020/NĐ-CP): a two-column header (issuing body and
``Số: …`` on the left, national motto and ``…, ngày dd tháng mm năm yyyy`` on
the right), the type line and trích yếu, a numbered body (``I.``/``1.``/``1.1.``/
``a)``/``-``), a signature block beside ``Nơi nhận:``, and an appendix task table.

The content below is the single source of truth; small renderers turn it into
DOCX (python-docx) and PDF (reportlab, DejaVu Serif for full Vietnamese
coverage, tables ruled so that pdfplumber finds them). Output is reproducible:
re-running the script gives the same bytes, so ``corpus/`` only changes when
the content does.

Usage::

    python scripts/make_corpus.py            # writes corpus/*.docx, corpus/*.pdf
    python scripts/make_corpus.py --out /tmp/x
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = "Hòa Bình Xanh"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"Serif": "DejaVuSerif.ttf", "Serif-Bold": "DejaVuSerif-Bold.ttf"}
TASK_COLUMNS = ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
# A fixed timestamp for zip entries and document metadata: reproducible bytes.
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- content model


@dataclass(frozen=True)
class Para:
    """One paragraph of the body; ``bold`` for headings, ``center`` for title-like lines."""

    text: str
    bold: bool = False
    center: bool = False


def H(text: str) -> Para:
    """A heading line (``I. MỤC ĐÍCH, YÊU CẦU``, ``1. Mục đích``, ``Điều 1.``)."""
    return Para(text, bold=True)


def P(text: str) -> Para:
    """A plain body paragraph."""
    return Para(text)


@dataclass(frozen=True)
class Appendix:
    """``PHỤ LỤC`` on its own page: title lines, the ``(Kèm theo …)`` note, a task table."""

    title: tuple[str, ...]
    note: str
    rows: tuple[tuple[str, ...], ...]  # data rows; the header row is TASK_COLUMNS


@dataclass(frozen=True)
class Signature:
    authority: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    signer: str
    cc: tuple[str, ...]  # lines under "Nơi nhận:"


@dataclass(frozen=True)
class SampleDoc:
    stem: str  # output file name without extension
    fmt: Literal["docx", "pdf"]
    issuer_parent: str  # first line of the issuer block
    issuer: str  # second line (bold)
    number: str  # "45/KH-UBND"
    date: dt.date
    doc_type: str | None  # "KẾ HOẠCH"; None for a công văn
    title: tuple[str, ...]  # trích yếu lines; for a công văn the "V/v …" line
    recipients: tuple[str, ...]  # "Kính gửi:" lines (công văn)
    body: tuple[Para, ...]
    signature: Signature
    appendix: Appendix | None = None


def date_line(place: str, date: dt.date) -> str:
    """The place-and-date line; day < 10 and months 1–2 take a leading zero (NĐ 30/2020).

    >>> date_line("Hòa Bình Xanh", dt.date(2026, 2, 5))
    'Hòa Bình Xanh, ngày 05 tháng 02 năm 2026'
    >>> date_line("Hòa Bình Xanh", dt.date(2026, 8, 12))
    'Hòa Bình Xanh, ngày 12 tháng 8 năm 2026'
    """
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- the four documents

UBND_CC_TAIL = ("- Lưu: VT, KT.",)

KE_HOACH = SampleDoc(
    stem="ke-hoach-45-KH-UBND",
    fmt="docx",
    issuer_parent="ỦY BAN NHÂN DÂN",
    issuer=f"TỈNH {PROVINCE.upper()}",
    number="45/KH-UBND",
    date=dt.date(2026, 8, 12),
    doc_type="KẾ HOẠCH",
    title=(
        "Triển khai thực hiện Chỉ thị số 08/CT-UBND ngày 20/7/2026 của Chủ tịch Ủy ban nhân dân "
        "tỉnh về tăng cường quản lý an toàn hóa chất và phòng cháy, chữa cháy tại các cụm công "
        "nghiệp trên địa bàn tỉnh",
    ),
    recipients=(),
    body=(
        P(
            "Thực hiện Chỉ thị số 08/CT-UBND ngày 20/7/2026 của Chủ tịch Ủy ban nhân dân tỉnh về "
            "tăng cường quản lý an toàn hóa chất và phòng cháy, chữa cháy tại các cụm công nghiệp "
            "trên địa bàn tỉnh (sau đây gọi tắt là Chỉ thị số 08/CT-UBND), Ủy ban nhân dân tỉnh "
            "ban hành Kế hoạch triển khai thực hiện như sau:"
        ),
        H("I. MỤC ĐÍCH, YÊU CẦU"),
        H("1. Mục đích"),
        P(
            "- Cụ thể hóa các nhiệm vụ, giải pháp tại Chỉ thị số 08/CT-UBND; xác định rõ nhiệm vụ, "
            "trách nhiệm, thời hạn hoàn thành của từng cơ quan, đơn vị."
        ),
        P(
            "- Nâng cao hiệu lực, hiệu quả quản lý nhà nước về an toàn hóa chất, phòng cháy, chữa "
            "cháy tại các cụm công nghiệp; phòng ngừa, hạn chế thấp nhất sự cố hóa chất, cháy, nổ."
        ),
        H("2. Yêu cầu"),
        P(
            "- Các cơ quan, đơn vị chủ động triển khai, phối hợp chặt chẽ trong quá trình thực "
            "hiện; bảo đảm đúng tiến độ, chất lượng."
        ),
        P("- Định kỳ báo cáo kết quả thực hiện đúng thời hạn quy định."),
        H("II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU"),
        H("1. Hoàn thiện cơ chế, chính sách"),
        P(
            "1.1. Rà soát, sửa đổi Quy chế phối hợp quản lý cụm công nghiệp trên địa bàn tỉnh, bổ "
            "sung nội dung phối hợp về an toàn hóa chất và phòng cháy, chữa cháy. Giao Sở Công "
            "Thương chủ trì, phối hợp với Sở Tư pháp, Công an tỉnh và các cơ quan liên quan tham "
            "mưu, trình Ủy ban nhân dân tỉnh trước ngày 15/9/2026."
        ),
        P(
            "1.2. Xây dựng Kế hoạch phòng ngừa, ứng phó sự cố hóa chất cấp tỉnh giai đoạn 2026 - "
            "2030. Giao Sở Công Thương chủ trì, phối hợp với Sở Nông nghiệp và Môi trường, Bộ Chỉ "
            "huy Quân sự tỉnh thực hiện; hoàn thành trong Quý IV/2026."
        ),
        H("2. Rà soát, kiểm tra các cơ sở trong cụm công nghiệp"),
        P(
            "2.1. Lập danh mục cơ sở sản xuất, kinh doanh, sử dụng hóa chất nguy hiểm trong các "
            "cụm công nghiệp:"
        ),
        P(
            "a) Sở Công Thương chủ trì, phối hợp với Ủy ban nhân dân các xã, phường có cụm công "
            "nghiệp thực hiện; hoàn thành trong Quý III/2026;"
        ),
        P(
            "b) Ủy ban nhân dân các xã, phường cung cấp thông tin về các cơ sở trên địa bàn quản "
            "lý cho Sở Công Thương trước ngày 30/8/2026."
        ),
        P("2.2. Kiểm tra việc chấp hành quy định về an toàn hóa chất, phòng cháy, chữa cháy:"),
        P(
            "a) Công an tỉnh chủ trì, phối hợp với Sở Công Thương kiểm tra an toàn phòng cháy, "
            "chữa cháy tại 100% cụm công nghiệp đang hoạt động; thời gian thực hiện: hằng năm, "
            "trước ngày 15/12;"
        ),
        P(
            "b) Sở Công Thương chủ trì kiểm tra việc thực hiện Biện pháp phòng ngừa, ứng phó sự cố "
            "hóa chất của các doanh nghiệp; thời gian thực hiện: Thường xuyên."
        ),
        H("3. Đầu tư hạ tầng phòng cháy, chữa cháy cụm công nghiệp"),
        P(
            "3.1. Sở Tài chính chủ trì, phối hợp với Sở Công Thương tham mưu bố trí kinh phí đầu "
            "tư hệ thống cấp nước chữa cháy cho các cụm công nghiệp đã đi vào hoạt động; trình Ủy "
            "ban nhân dân tỉnh trong Quý I/2027."
        ),
        P(
            "3.2. Ủy ban nhân dân các xã, phường có cụm công nghiệp chỉ đạo chủ đầu tư hạ tầng kỹ "
            "thuật hoàn thiện giao thông nội bộ, trụ nước chữa cháy theo thiết kế được duyệt; hoàn "
            "thành trước ngày 31/12/2027."
        ),
        H("4. Tuyên truyền, nâng cao nhận thức"),
        P(
            "- Sở Văn hóa, Thể thao và Du lịch phối hợp với Báo và Phát thanh, Truyền hình "
            f"{PROVINCE} xây dựng chuyên mục về an toàn hóa chất, phòng cháy, chữa cháy; thời "
            "gian thực hiện: Thường xuyên."
        ),
        P(
            "- Sở Công Thương tổ chức tập huấn cho người quản lý, người lao động tại các cơ sở sử "
            "dụng hóa chất nguy hiểm, tối thiểu 02 lớp mỗi năm."
        ),
        H("III. TỔ CHỨC THỰC HIỆN"),
        P(
            "1. Sở Công Thương là cơ quan thường trực, có trách nhiệm theo dõi, đôn đốc các cơ "
            "quan, đơn vị triển khai Kế hoạch này; tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả "
            "thực hiện hằng năm, trước ngày 20/12."
        ),
        P(
            "2. Các sở, ban, ngành, Ủy ban nhân dân các xã, phường căn cứ chức năng, nhiệm vụ được "
            "giao chủ động triển khai thực hiện; báo cáo kết quả về Sở Công Thương hằng năm, trước "
            "ngày 10/12 để tổng hợp."
        ),
        P(
            "3. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp "
            "thời phản ánh về Sở Công Thương để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, "
            "điều chỉnh cho phù hợp./."
        ),
    ),
    signature=Signature(
        authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        signer="Đỗ Minh Khang",
        cc=(
            "- Bộ Công Thương (b/c);",
            "- TT. Tỉnh ủy, TT. HĐND tỉnh (b/c);",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- UBND các xã, phường;",
            *UBND_CC_TAIL,
        ),
    ),
    appendix=Appendix(
        title=("PHỤ LỤC", "DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH"),
        note="(Kèm theo Kế hoạch số 45/KH-UBND ngày 12/8/2026 của Ủy ban nhân dân tỉnh)",
        rows=(
            ("1", "Rà soát, sửa đổi Quy chế phối hợp quản lý cụm công nghiệp", "Sở Công Thương",
             "Sở Tư pháp, Công an tỉnh", "Trước ngày 15/9/2026"),
            ("2", "Xây dựng Kế hoạch phòng ngừa, ứng phó sự cố hóa chất cấp tỉnh giai đoạn "
             "2026 - 2030", "Sở Công Thương",
             "Sở Nông nghiệp và Môi trường, Bộ Chỉ huy Quân sự tỉnh", "Quý IV/2026"),
            ("3", "Lập danh mục cơ sở sử dụng hóa chất nguy hiểm trong cụm công nghiệp",
             "Sở Công Thương", "UBND các xã, phường có cụm công nghiệp", "Quý III/2026"),
            ("4", "Kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp", "Công an tỉnh",
             "Sở Công Thương", "Hằng năm, trước ngày 15/12"),
            ("5", "Kiểm tra việc thực hiện Biện pháp phòng ngừa, ứng phó sự cố hóa chất",
             "Sở Công Thương", "Công an tỉnh", "Thường xuyên"),
            ("6", "Tham mưu bố trí kinh phí đầu tư hệ thống cấp nước chữa cháy", "Sở Tài chính",
             "Sở Công Thương", "Quý I/2027"),
            ("7", "Hoàn thiện giao thông nội bộ, trụ nước chữa cháy các cụm công nghiệp",
             "UBND các xã, phường có cụm công nghiệp", "Sở Xây dựng, Công an tỉnh",
             "Trước ngày 31/12/2027"),
        ),
    ),
)

CHI_THI = SampleDoc(
    stem="chi-thi-08-CT-UBND",
    fmt="pdf",
    issuer_parent="ỦY BAN NHÂN DÂN",
    issuer=f"TỈNH {PROVINCE.upper()}",
    number="08/CT-UBND",
    date=dt.date(2026, 7, 20),
    doc_type="CHỈ THỊ",
    title=(
        "Về tăng cường quản lý an toàn hóa chất và phòng cháy, chữa cháy tại các cụm công nghiệp "
        "trên địa bàn tỉnh",
    ),
    recipients=(),
    body=(
        P(
            "Trong những năm qua, các cụm công nghiệp trên địa bàn tỉnh đã thu hút nhiều dự án "
            "sản xuất, góp phần quan trọng vào tăng trưởng kinh tế của địa phương. Tuy nhiên, công "
            "tác quản lý an toàn hóa chất, phòng cháy, chữa cháy tại một số cụm công nghiệp còn "
            "hạn chế; hạ tầng phòng cháy, chữa cháy dùng chung chưa được đầu tư đồng bộ; trong 6 "
            "tháng đầu năm 2026 đã xảy ra 03 vụ cháy tại cơ sở sản xuất, gây thiệt hại về tài sản."
        ),
        P(
            "Để chấn chỉnh và nâng cao hiệu quả công tác này, Chủ tịch Ủy ban nhân dân tỉnh yêu "
            "cầu các sở, ban, ngành, Ủy ban nhân dân các xã, phường và các doanh nghiệp trong cụm "
            "công nghiệp thực hiện nghiêm các nội dung sau:"
        ),
        H("1. Sở Công Thương"),
        P(
            "a) Chủ trì, phối hợp với Công an tỉnh, Ủy ban nhân dân các xã, phường rà soát toàn bộ "
            "cơ sở sản xuất, kinh doanh, sử dụng, tồn trữ hóa chất nguy hiểm trong các cụm công "
            "nghiệp; hoàn thành trước ngày 30/9/2026."
        ),
        P(
            "b) Hướng dẫn các doanh nghiệp xây dựng, cập nhật Biện pháp phòng ngừa, ứng phó sự cố "
            "hóa chất theo quy định; kiểm tra việc thực hiện thường xuyên."
        ),
        P(
            "c) Theo dõi, tổng hợp tình hình thực hiện Chỉ thị này, báo cáo Chủ tịch Ủy ban nhân "
            "dân tỉnh hằng năm, trước ngày 15/12."
        ),
        H("2. Công an tỉnh"),
        P(
            "a) Chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp; xử lý "
            "nghiêm các hành vi vi phạm theo quy định của pháp luật."
        ),
        P(
            "b) Tổ chức diễn tập phương án chữa cháy và cứu nạn, cứu hộ có huy động nhiều lực "
            "lượng tại ít nhất 02 cụm công nghiệp trong Quý IV/2026."
        ),
        H("3. Sở Nông nghiệp và Môi trường"),
        P(
            "Chủ trì kiểm tra việc thu gom, lưu giữ, xử lý chất thải nguy hại của các cơ sở trong "
            "cụm công nghiệp; phối hợp với Sở Công Thương xây dựng cơ sở dữ liệu về hóa chất và "
            "chất thải nguy hại, hoàn thành trong năm 2027."
        ),
        H("4. Sở Tài chính"),
        P(
            "Tham mưu Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện các nhiệm vụ tại Chỉ thị này "
            "trong dự toán ngân sách hằng năm của các cơ quan, đơn vị theo phân cấp."
        ),
        H("5. Ủy ban nhân dân các xã, phường có cụm công nghiệp"),
        P(
            "a) Chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh về công tác quản lý an toàn "
            "hóa chất, phòng cháy, chữa cháy tại các cụm công nghiệp trên địa bàn."
        ),
        P(
            "b) Chỉ đạo chủ đầu tư hạ tầng kỹ thuật cụm công nghiệp hoàn thiện hệ thống phòng "
            "cháy, chữa cháy dùng chung; báo cáo kết quả về Sở Công Thương trước ngày 15/11/2026."
        ),
        H("6. Các doanh nghiệp trong cụm công nghiệp"),
        P(
            "- Chấp hành nghiêm các quy định về an toàn hóa chất, phòng cháy, chữa cháy; không "
            "tồn trữ hóa chất nguy hiểm vượt quá khối lượng đã đăng ký."
        ),
        P(
            "- Bố trí người phụ trách an toàn hóa chất; tổ chức huấn luyện định kỳ cho người lao "
            "động ít nhất 01 lần mỗi năm."
        ),
        H("7. Tổ chức thực hiện"),
        P(
            "Giám đốc các sở, Thủ trưởng các ban, ngành, Chủ tịch Ủy ban nhân dân các xã, phường "
            "và các doanh nghiệp trong cụm công nghiệp nghiêm túc thực hiện Chỉ thị này. Giao Sở "
            "Công Thương theo dõi, đôn đốc việc thực hiện, định kỳ báo cáo Chủ tịch Ủy ban nhân "
            "dân tỉnh./."
        ),
    ),
    signature=Signature(
        authority=("CHỦ TỊCH",),
        signer="Vũ Quốc Thái",
        cc=(
            "- Bộ Công Thương, Bộ Công an (b/c);",
            "- TT. Tỉnh ủy, TT. HĐND tỉnh (b/c);",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- UBND các xã, phường;",
            *UBND_CC_TAIL,
        ),
    ),
)

CONG_VAN = SampleDoc(
    stem="cong-van-612-SCT-QLCN",
    fmt="docx",
    issuer_parent=f"UBND TỈNH {PROVINCE.upper()}",
    issuer="SỞ CÔNG THƯƠNG",
    number="612/SCT-QLCN",
    date=dt.date(2026, 9, 3),
    doc_type=None,
    title=(
        "V/v báo cáo kết quả rà soát cơ sở sử dụng hóa chất nguy hiểm trong cụm công nghiệp",
    ),
    recipients=(
        "- Ủy ban nhân dân các xã, phường có cụm công nghiệp;",
        "- Các chủ đầu tư hạ tầng kỹ thuật cụm công nghiệp.",
    ),
    body=(
        P(
            "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/8/2026 của Ủy ban nhân dân tỉnh triển khai "
            "Chỉ thị số 08/CT-UBND về tăng cường quản lý an toàn hóa chất và phòng cháy, chữa cháy "
            "tại các cụm công nghiệp, Sở Công Thương đề nghị các cơ quan, đơn vị thực hiện một số "
            "nội dung sau:"
        ),
        P("1. Ủy ban nhân dân các xã, phường có cụm công nghiệp:"),
        P(
            "a) Rà soát, cung cấp danh sách cơ sở sản xuất, kinh doanh, sử dụng hóa chất nguy hiểm "
            "trong cụm công nghiệp trên địa bàn, gửi về Sở Công Thương trước ngày 20/9/2026;"
        ),
        P(
            "b) Phối hợp với Sở Công Thương, Công an tỉnh trong quá trình kiểm tra tại các cụm "
            "công nghiệp trên địa bàn."
        ),
        P("2. Các chủ đầu tư hạ tầng kỹ thuật cụm công nghiệp:"),
        P(
            "a) Báo cáo hiện trạng hệ thống cấp nước chữa cháy, giao thông nội bộ và bãi tập kết "
            "chất thải của cụm công nghiệp, gửi về Sở Công Thương trước ngày 25/9/2026;"
        ),
        P(
            "b) Cập nhật phương án chữa cháy của cụm công nghiệp, gửi Công an tỉnh thẩm định theo "
            "quy định; thời gian thực hiện: Quý IV/2026."
        ),
        P(
            "3. Giao Phòng Quản lý công nghiệp là đầu mối tiếp nhận, tổng hợp báo cáo của các cơ "
            "quan, đơn vị; báo cáo Giám đốc Sở trước ngày 30/9/2026."
        ),
        P(
            "Thông tin chi tiết xin liên hệ Phòng Quản lý công nghiệp, Sở Công Thương, thư điện "
            "tử: qlcn.sct@hoabinhxanh.example."
        ),
        P("Sở Công Thương đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."),
    ),
    signature=Signature(
        authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        signer="Hà Thị Lan Chi",
        cc=(
            "- Như trên;",
            "- UBND tỉnh (b/c);",
            "- Công an tỉnh (p/h);",
            "- Giám đốc Sở;",
            "- Lưu: VT, QLCN.",
        ),
    ),
)

QUYET_DINH = SampleDoc(
    stem="quyet-dinh-1520-QD-UBND",
    fmt="pdf",
    issuer_parent="ỦY BAN NHÂN DÂN",
    issuer=f"TỈNH {PROVINCE.upper()}",
    number="1520/QĐ-UBND",
    date=dt.date(2026, 9, 15),
    doc_type="QUYẾT ĐỊNH",
    title=(
        "Ban hành Kế hoạch kiểm tra liên ngành về an toàn hóa chất, phòng cháy, chữa cháy tại "
        "các cụm công nghiệp năm 2026",
    ),
    recipients=(),
    body=(
        Para(f"ỦY BAN NHÂN DÂN TỈNH {PROVINCE.upper()}", bold=True, center=True),
        P("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
        P("Căn cứ Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ ngày 29 tháng 11 năm 2024;"),
        P(
            "Căn cứ Chỉ thị số 08/CT-UBND ngày 20 tháng 7 năm 2026 của Chủ tịch Ủy ban nhân dân "
            "tỉnh về tăng cường quản lý an toàn hóa chất và phòng cháy, chữa cháy tại các cụm "
            "công nghiệp trên địa bàn tỉnh;"
        ),
        P(
            "Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 95/TTr-SCT ngày 08 tháng 9 "
            "năm 2026."
        ),
        Para("QUYẾT ĐỊNH:", bold=True, center=True),
        P(
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra liên ngành về an toàn hóa "
            "chất, phòng cháy, chữa cháy tại các cụm công nghiệp năm 2026 (chi tiết tại Phụ lục "
            "kèm theo)."
        ),
        P("Điều 2. Tổ chức thực hiện"),
        P(
            "1. Sở Công Thương chủ trì, phối hợp với Công an tỉnh, Sở Nông nghiệp và Môi trường "
            "thành lập Đoàn kiểm tra liên ngành trước ngày 30/9/2026; tổ chức kiểm tra theo Kế "
            "hoạch; báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 20/12/2026."
        ),
        P(
            "2. Công an tỉnh cử cán bộ tham gia Đoàn kiểm tra; xử lý vi phạm về phòng cháy, chữa "
            "cháy theo thẩm quyền."
        ),
        P(
            "3. Sở Tài chính bảo đảm kinh phí hoạt động của Đoàn kiểm tra từ nguồn ngân sách tỉnh "
            "năm 2026."
        ),
        P(
            "4. Ủy ban nhân dân các xã, phường có cụm công nghiệp thông báo, yêu cầu các cơ sở "
            "chuẩn bị hồ sơ, tài liệu và phối hợp với Đoàn kiểm tra."
        ),
        P("Điều 3. Quyết định này có hiệu lực kể từ ngày ký."),
        P(
            "Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc các sở: Công Thương, Tài chính, Nông "
            "nghiệp và Môi trường; Giám đốc Công an tỉnh; Chủ tịch Ủy ban nhân dân các xã, phường "
            "có cụm công nghiệp và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
            "Quyết định này./."
        ),
    ),
    signature=Signature(
        authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        signer="Phan Thanh Tùng",
        cc=(
            "- Như Điều 3;",
            "- Bộ Công Thương (b/c);",
            "- CT, các PCT UBND tỉnh;",
            *UBND_CC_TAIL,
        ),
    ),
    appendix=Appendix(
        title=("PHỤ LỤC", "KẾ HOẠCH KIỂM TRA LIÊN NGÀNH NĂM 2026"),
        note="(Kèm theo Quyết định số 1520/QĐ-UBND ngày 15/9/2026 của Ủy ban nhân dân tỉnh)",
        rows=(
            ("1", "Thành lập Đoàn kiểm tra liên ngành", "Sở Công Thương",
             "Công an tỉnh, Sở Nông nghiệp và Môi trường", "Trước ngày 30/9/2026"),
            ("2", "Thông báo lịch kiểm tra đến các cơ sở trong cụm công nghiệp", "Sở Công Thương",
             "UBND các xã, phường có cụm công nghiệp", "Trước ngày 05/10/2026"),
            ("3", "Kiểm tra tại Cụm công nghiệp Đồng Xanh và Cụm công nghiệp Bến Lúa",
             "Đoàn kiểm tra liên ngành", "UBND xã Đồng Xanh, UBND phường Bến Lúa", "Tháng 10/2026"),
            ("4", "Kiểm tra tại Cụm công nghiệp Suối Ngọc", "Đoàn kiểm tra liên ngành",
             "UBND xã Suối Ngọc", "Tháng 11/2026"),
            ("5", "Xử lý vi phạm về phòng cháy, chữa cháy phát hiện qua kiểm tra", "Công an tỉnh",
             "Sở Công Thương", "Thường xuyên"),
            ("6", "Tổng hợp, báo cáo kết quả kiểm tra", "Sở Công Thương",
             "Các thành viên Đoàn kiểm tra", "Trước ngày 20/12/2026"),
        ),
    ),
)

DOCUMENTS: tuple[SampleDoc, ...] = (KE_HOACH, CHI_THI, CONG_VAN, QUYET_DINH)


def header_left(doc: SampleDoc) -> tuple[list[str], list[str]]:
    """Left header column: issuer block (row 1) and ``Số:`` (+ ``V/v`` of a công văn) (row 2)."""
    top = [doc.issuer_parent, doc.issuer, "-------"]
    bottom = [f"Số: {doc.number}"]
    if doc.doc_type is None:
        bottom += list(doc.title)
    return top, bottom


def header_right(doc: SampleDoc) -> tuple[list[str], list[str]]:
    top = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------"]
    return top, [date_line(PROVINCE, doc.date)]


# ---------------------------------------------------------------- DOCX renderer


def _docx_cell(cell: Any, lines: list[str], bold_from: int = 0, size: float = 12.0) -> None:
    """Fill a table cell with centred lines; lines from ``bold_from`` on are bold."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.paragraphs[0].text = ""
    for i, line in enumerate(lines):
        par = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = par.add_run(nfc(line))
        run.bold = i >= bold_from and not line.startswith(("Số:", "V/v", "-"))
        run.font.size = Pt(size)


def _docx_header(document: Any, doc: SampleDoc) -> None:
    """The header as a borderless 2×2 table, as in real Word documents."""
    (lt, lb), (rt, rb) = header_left(doc), header_right(doc)
    table = document.add_table(rows=2, cols=2)  # default "Normal Table": no borders
    _docx_cell(table.cell(0, 0), lt, bold_from=1)
    _docx_cell(table.cell(0, 1), rt, bold_from=0)
    _docx_cell(table.cell(1, 0), lb, bold_from=99)
    _docx_cell(table.cell(1, 1), rb, bold_from=99)
    for par in table.cell(1, 1).paragraphs:
        for run in par.runs:
            run.italic = True


def _docx_par(document: Any, para: Para, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    par = document.add_paragraph()
    par.alignment = (
        WD_ALIGN_PARAGRAPH.CENTER if (para.center or center) else WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    if not (para.center or center):
        par.paragraph_format.first_line_indent = Pt(28)
    par.add_run(nfc(para.text)).bold = para.bold


def _docx_title(document: Any, doc: SampleDoc) -> None:
    if doc.doc_type is None:  # công văn: "Kính gửi:" instead of a type line
        _docx_par(document, Para("Kính gửi:", center=True))
        for line in doc.recipients:
            _docx_par(document, Para(line, center=True))
        return
    _docx_par(document, Para(doc.doc_type, bold=True, center=True))
    for line in doc.title:
        _docx_par(document, Para(line, bold=True, center=True))


def _docx_signature(document: Any, sig: Signature) -> None:
    """``Nơi nhận:`` left, authority and signer right, in one borderless row."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _docx_cell(left, ["Nơi nhận:", *sig.cc], bold_from=0, size=10)
    for par in left.paragraphs:
        par.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _docx_cell(right, [*sig.authority, "", "", "(Đã ký)", "", sig.signer], bold_from=0)


def _docx_task_table(document: Any, rows: tuple[tuple[str, ...], ...]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1 + len(rows), cols=len(TASK_COLUMNS))
    table.style = "Table Grid"
    for r, row in enumerate((TASK_COLUMNS, *rows)):
        for c, text in enumerate(row):
            par = table.cell(r, c).paragraphs[0]
            run = par.add_run(nfc(text))
            run.bold = r == 0
            run.font.size = Pt(11)


def _docx_appendix(document: Any, app: Appendix) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for line in app.title:
        _docx_par(document, Para(line, bold=True, center=True))
    _docx_par(document, Para(app.note, center=True))
    _docx_task_table(document, app.rows)


def render_docx(doc: SampleDoc, path: Path) -> None:
    """Write ``doc`` as a Word file shaped like a real one (header table, numbered body)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    props = document.core_properties
    props.author = f"UBND tỉnh {PROVINCE} (văn bản mẫu hư cấu)"
    props.title = nfc(doc.title[0])
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = "vanban scripts/make_corpus.py"
    _docx_header(document, doc)
    _docx_title(document, doc)
    for para in doc.body:
        _docx_par(document, para)
    _docx_signature(document, doc.signature)
    if doc.appendix:
        _docx_appendix(document, doc.appendix)
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with constant timestamps: python-docx stamps entries with ``now``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- PDF renderer


def find_fonts(dirs: tuple[Path, ...] = FONT_DIRS) -> dict[str, Path]:
    """Locate DejaVu Serif (regular, bold): Debian's fonts-dejavu-core, else matplotlib's copy.

    Raises ``SystemExit`` with what to install when neither is there: a PDF in a
    font without Vietnamese glyphs would silently lose diacritics.
    """
    candidates = list(dirs)
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:  # matplotlib bundles DejaVu; no import needed
        candidates.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    for folder in candidates:
        found = {name: folder / file for name, file in FONT_FILES.items()}
        if all(p.is_file() for p in found.values()):
            return found
    raise SystemExit(
        "make_corpus.py: không tìm thấy phông DejaVu Serif (DejaVuSerif.ttf, "
        f"DejaVuSerif-Bold.ttf) trong {', '.join(map(str, candidates))} — "
        "cài gói Debian fonts-dejavu-core (apt-get install fonts-dejavu-core) rồi chạy lại."
    )


def _pdf_styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in find_fonts().items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(f"DejaVu{name}", str(path)))
    base = ParagraphStyle("body", fontName="DejaVuSerif", fontSize=12, leading=16,
                          alignment=TA_JUSTIFY, firstLineIndent=24, spaceAfter=4)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", parent=base, fontName="DejaVuSerif-Bold"),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, firstLineIndent=0),
        "center_bold": ParagraphStyle("cb", parent=base, alignment=TA_CENTER, firstLineIndent=0,
                                      fontName="DejaVuSerif-Bold"),
        "head": ParagraphStyle("head", parent=base, fontSize=11, leading=14,
                               alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0),
        "head_bold": ParagraphStyle("hb", parent=base, fontSize=11, leading=14,
                                    alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0,
                                    fontName="DejaVuSerif-Bold"),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13, alignment=TA_LEFT,
                               firstLineIndent=0, spaceAfter=0),
        "cell_bold": ParagraphStyle("cellb", parent=base, fontSize=10, leading=13,
                                    alignment=TA_LEFT, firstLineIndent=0, spaceAfter=0,
                                    fontName="DejaVuSerif-Bold"),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=13,
                                alignment=TA_LEFT, firstLineIndent=0, spaceAfter=0),
    }


def _pdf_esc(text: str) -> str:
    """Escape for reportlab's mini-markup and normalize to NFC."""
    return nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_lines(lines: list[str], style: Any, bold_style: Any, bold_from: int) -> list[Any]:
    from reportlab.platypus import Paragraph

    return [
        Paragraph(_pdf_esc(t), bold_style if i >= bold_from and not t.startswith(("Số:", "V/v"))
                  else style)
        for i, t in enumerate(lines)
    ]


def _pdf_borderless(cells: list[list[Any]], widths: list[float]) -> Any:
    from reportlab.platypus import Table, TableStyle

    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _pdf_header(doc: SampleDoc, st: dict[str, Any], width: float) -> list[Any]:
    (lt, lb), (rt, rb) = header_left(doc), header_right(doc)
    h, hb = st["head"], st["head_bold"]
    cells = [
        [_pdf_lines(lt, h, hb, 1), _pdf_lines(rt, h, hb, 0)],
        [_pdf_lines(lb, h, hb, 99), _pdf_lines(rb, h, hb, 99)],
    ]
    return [_pdf_borderless(cells, [width * 0.4, width * 0.6])]


def _pdf_title(doc: SampleDoc, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    out: list[Any] = [Spacer(1, 10)]
    if doc.doc_type is None:
        out.append(Paragraph("Kính gửi:", st["center"]))
        out += [Paragraph(_pdf_esc(r), st["center"]) for r in doc.recipients]
        return out
    out.append(Paragraph(_pdf_esc(doc.doc_type), st["center_bold"]))
    out += [Paragraph(_pdf_esc(t), st["center_bold"]) for t in doc.title]
    return out + [Spacer(1, 6)]


def _pdf_para(para: Para, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    if para.center:
        style = st["center_bold"] if para.bold else st["center"]
    else:
        style = st["bold"] if para.bold else st["body"]
    return Paragraph(_pdf_esc(para.text), style)


def _pdf_signature(sig: Signature, st: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import Spacer

    left = _pdf_lines(["Nơi nhận:", *sig.cc], st["small"], st["cell_bold"], 0)
    left[1:] = _pdf_lines(list(sig.cc), st["small"], st["small"], 99)
    right = _pdf_lines([*sig.authority, "", "(Đã ký)", "", sig.signer], st["head"],
                       st["head_bold"], 0)
    return [Spacer(1, 12), _pdf_borderless([[left, right]], [width * 0.5, width * 0.5])]


def _pdf_task_table(rows: tuple[tuple[str, ...], ...], st: dict[str, Any], width: float) -> Any:
    """A ruled table (GRID): pdfplumber's default line strategy extracts it cell by cell."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    head = [Paragraph(_pdf_esc(c), st["cell_bold"]) for c in TASK_COLUMNS]
    body = [[Paragraph(_pdf_esc(c), st["cell"]) for c in row] for row in rows]
    fractions = (0.06, 0.36, 0.18, 0.22, 0.18)
    table = Table([head, *body], colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def render_pdf(doc: SampleDoc, path: Path) -> None:
    """Write ``doc`` as an A4 PDF with a real text layer in DejaVu Serif."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    st = _pdf_styles()
    template = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
        topMargin=20 * mm, bottomMargin=20 * mm, invariant=1,
        title=nfc(doc.title[0]), author=f"UBND tỉnh {PROVINCE} (văn bản mẫu hư cấu)",
    )
    width = template.width
    story: list[Any] = [*_pdf_header(doc, st, width), *_pdf_title(doc, st)]
    story += [_pdf_para(p, st) for p in doc.body]
    story += _pdf_signature(doc.signature, st, width)
    if doc.appendix:
        app = doc.appendix
        story.append(PageBreak())
        story += [Paragraph(_pdf_esc(t), st["center_bold"]) for t in app.title]
        story.append(Paragraph(_pdf_esc(app.note), st["center"]))
        story.append(_pdf_task_table(app.rows, st, width))
    template.build(story)


# ---------------------------------------------------------------- entry point


def build_corpus(out_dir: Path, docs: tuple[SampleDoc, ...] = DOCUMENTS) -> list[Path]:
    """Render every sample document into ``out_dir``; returns the written paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in docs:
        path = out_dir / f"{doc.stem}.{doc.fmt}"
        (render_docx if doc.fmt == "docx" else render_pdf)(doc, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tạo bộ văn bản mẫu (hư cấu) cho vanban.")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus",
                        help="Thư mục ghi tệp (mặc định: corpus/).")
    args = parser.parse_args(argv)
    for path in build_corpus(args.out):
        print(f"{path} ({path.stat().st_size:,} B)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
