"""Deadline phrases: exact values for every form the corpus uses, plus round-trips."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.deadlines import Deadline, find_deadlines, parse_deadline, parse_deadlines

SEED_DATE = date(2023, 2, 24)  # Kế hoạch 28/KH-BCĐCVĐ


@pytest.mark.parametrize(
    ("text", "due", "recurrence", "kind"),
    [
        ("trước ngày 15/12", date(2023, 12, 15), None, "date"),
        ("trước ngày 30 tháng 7 năm 2024", date(2024, 7, 30), None, "date"),
        ("chậm nhất đến ngày 01 tháng 7 năm 2028", date(2028, 7, 1), None, "date"),
        ("hoàn thành trong Quý III năm 2024", date(2024, 9, 30), None, "quarter"),
        ("Quý II/2026", date(2026, 6, 30), None, "quarter"),
        ("Quý III, IV/2026", date(2026, 12, 31), None, "quarter"),
        ("Quý IV/2026, 2027", date(2027, 12, 31), None, "quarter"),
        ("xong trong quý II/2026", date(2026, 6, 30), None, "quarter"),
        ("trong tháng 6/2026", date(2026, 6, 30), None, "month"),
        ("Tháng 8/2024", date(2024, 8, 31), None, "month"),
        ("Xong trong tháng 5/2026", date(2026, 5, 31), None, "month"),
        ("6/2025", date(2025, 6, 30), None, "month"),
        ("01/2025", date(2025, 1, 31), None, "month"),
        ("2024 - 2025", date(2025, 12, 31), None, "period"),
        ("2025-2026", date(2026, 12, 31), None, "period"),
        ("Năm 2025", date(2025, 12, 31), None, "year"),
        ("Trong năm 2026", date(2026, 12, 31), None, "year"),
        ("2025 và những năm tiếp theo", date(2025, 12, 31), "hằng năm", "year"),
        ("hằng năm", None, "hằng năm", "recurring"),
        ("Hàng năm", None, "hằng năm", "recurring"),
        ("định kỳ 6 tháng", None, "6 tháng", "recurring"),
        ("Thường xuyên", None, "thường xuyên", "ongoing"),
        ("Nhiệm vụ thường xuyên", None, "thường xuyên", "ongoing"),
        ("trước ngày 15 tháng 02 của năm liền kề", date(2024, 2, 15), "hằng năm", "date"),
        ("trước ngày 30 tháng 6 hằng năm", date(2023, 6, 30), "hằng năm", "date"),
        ("trước ngày 01/01/2030", date(2030, 1, 1), None, "date"),
        ("định kỳ hằng năm (trước ngày 10/12)", date(2023, 12, 10), "hằng năm", "date"),
    ],
)
def test_parse_deadline_forms(
    text: str, due: date | None, recurrence: str | None, kind: str
) -> None:
    d = parse_deadline(text, SEED_DATE)
    assert d is not None
    assert (d.due, d.recurrence, d.kind) == (due, recurrence, kind)
    assert d.text  # the raw phrase is always kept


def test_relative_deadline_keeps_text_and_has_no_date() -> None:
    text = "trong thời hạn 15 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ"
    d = parse_deadline(text, SEED_DATE)
    assert d == Deadline(text, None, None, "relative", (0, len(text)))


def test_two_periodic_reports_in_one_phrase() -> None:
    text = "Báo cáo kết quả (6 tháng: trước ngày 15/6; năm: trước ngày 15/12) gửi về Thường trực"
    found = find_deadlines(text, SEED_DATE)
    assert [(d.text, d.due, d.recurrence) for d in found] == [
        ("trước ngày 15/6", date(2023, 6, 15), "6 tháng"),
        ("trước ngày 15/12", date(2023, 12, 15), "hằng năm"),
    ]


def test_year_less_day_without_document_date_has_no_due() -> None:
    d = parse_deadline("trước ngày 15/6", None)
    assert d is not None and d.due is None and d.text == "trước ngày 15/6"


def test_invalid_date_gives_none_not_an_error() -> None:
    d = parse_deadline("trước ngày 31/02/2024", None)
    assert d is not None and d.due is None
    assert parse_deadline("trước ngày 15/13/2024", None) is not None


def test_reference_dates_are_not_deadlines() -> None:
    text = (
        "dự thảo Nghị định sửa đổi Nghị định số 06/2022/NĐ-CP ngày 07 tháng 01 năm 2022 "
        "của Chính phủ; Kế hoạch ngày 06 tháng 8 năm 2024; trình Chính phủ trước ngày 30 tháng 7 năm 2024."
    )
    assert [d.due for d in find_deadlines(text, None)] == [date(2024, 7, 30)]


def test_free_text_needs_a_cue_for_bare_forms() -> None:
    assert find_deadlines("giai đoạn 2021 - 2030, thường xuyên củng cố", None) == []
    assert parse_deadline("không có thời hạn", None) is None


def test_recurring_from_a_given_year() -> None:
    d = parse_deadline("trước ngày 30 tháng 6 hằng năm kể từ năm 2027", date(2025, 11, 20))
    assert d is not None and (d.due, d.recurrence) == (date(2027, 6, 30), "hằng năm")


def test_quarter_in_a_sentence() -> None:
    text = "trình Chính phủ xem xét, quyết định trong quý III năm 2012."
    assert [(d.text, d.due) for d in find_deadlines(text, None)] == [
        ("trong quý III năm 2012", date(2012, 9, 30))
    ]


def test_cell_with_two_deadlines() -> None:
    found = parse_deadlines("6 tháng: trước ngày 15/6; năm: trước ngày 15/12", SEED_DATE)
    assert [d.due for d in found] == [date(2023, 6, 15), date(2023, 12, 15)]


def test_decomposed_unicode_input() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "hoàn thành trong Quý III năm 2024")
    d = parse_deadline(text, None)
    assert d is not None and d.due == date(2024, 9, 30)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_round_trip_words(day: date, pad: bool) -> None:
    d_s = f"{day.day:02d}" if pad else str(day.day)
    m_s = f"{day.month:02d}" if pad else str(day.month)
    d = parse_deadline(f"ngày {d_s} tháng {m_s} năm {day.year}", None)
    assert d is not None and d.due == day
    d = parse_deadline(f"trước ngày {d_s} tháng {m_s} năm {day.year}", None)
    assert d is not None and d.due == day


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_round_trip_slashes(day: date) -> None:
    d = parse_deadline(f"{day.day}/{day.month}/{day.year}", None)
    assert d is not None and d.due == day
    found = find_deadlines(f"báo cáo trước ngày {day.day}/{day.month}/{day.year}.", None)
    assert [x.due for x in found] == [day]


def test_end_of_a_period_is_not_a_deadline() -> None:
    text = "số liệu tính từ ngày 15 tháng 12 năm trước đến ngày 14 tháng 6 của kỳ báo cáo"
    assert find_deadlines(text, SEED_DATE) == []
    assert [d.due for d in find_deadlines("hoàn thành chậm nhất đến ngày 01 tháng 7 năm 2028", None)] == [
        date(2028, 7, 1)
    ]


def test_target_year_with_comma_is_a_deadline_but_a_horizon_is_not() -> None:
    text = "Đến năm 2015, hoàn thành chương trình hỗ trợ có mục tiêu."
    assert [(d.text, d.due) for d in find_deadlines(text, None)] == [("Đến năm 2015", date(2015, 12, 31))]
    assert find_deadlines("xây dựng cơ sở dữ liệu đến năm 2030 và có tính đến năm 2050", None) == []


def test_year_less_day_is_its_first_occurrence_after_the_document() -> None:
    letter = date(2025, 11, 20)  # CV 9389/BNNMT-BĐKH
    d = parse_deadline("trước ngày 30 tháng 6 hằng năm", letter)
    assert d is not None and (d.due, d.recurrence) == (date(2026, 6, 30), "hằng năm")
    d = parse_deadline("trước ngày 15/12", letter)
    assert d is not None and d.due == date(2025, 12, 15)
    d = parse_deadline("trước ngày 15/1", letter)
    assert d is not None and d.due == date(2026, 1, 15)


def test_recurrence_announced_before_a_comma_marks_the_dated_deadline() -> None:
    [d] = find_deadlines("thời gian thực hiện: hằng năm, trước ngày 15/12;", date(2026, 8, 12))
    assert (d.due, d.recurrence) == (date(2026, 12, 15), "hằng năm")


# --- working-day, relative, monthly and clock-time deadlines (issue 9) ----------------


@pytest.mark.parametrize(
    ("text", "found", "due", "recurrence", "kind"),
    [
        ("báo cáo không quá 10 ngày làm việc kể từ ngày nhận được hồ sơ",
         "không quá 10 ngày làm việc kể từ ngày nhận được hồ sơ", None, None, "relative"),
        ("trả lời trong thời hạn 05 ngày", "trong thời hạn 05 ngày", None, None, "relative"),
        ("trong 05 ngày làm việc kể từ ngày nhận", "trong 05 ngày làm việc kể từ ngày nhận", None, None, "relative"),
        ("trong thời hạn 03 tháng kể từ ngày ký", "trong thời hạn 03 tháng kể từ ngày ký", None, None, "relative"),
        ("gửi trước ngày 05 của tháng liền kề", "trước ngày 05 của tháng liền kề", None, "hằng tháng", "monthly"),
        ("chậm nhất vào ngày 05 hằng tháng", "chậm nhất vào ngày 05 hằng tháng", None, "hằng tháng", "monthly"),
        ("trước ngày 20 tháng cuối quý", "trước ngày 20 tháng cuối quý", None, "hằng quý", "monthly"),
        ("báo cáo định kỳ hằng tuần", "định kỳ hằng tuần", None, "hằng tuần", "recurring"),
        ("gửi trước 14 giờ ngày 08 tháng 10 năm 2025", "trước 14 giờ ngày 08 tháng 10 năm 2025",
         date(2025, 10, 8), None, "date"),
        ("trước 16 giờ 00 ngày 15/10/2025", "trước 16 giờ 00 ngày 15/10/2025", date(2025, 10, 15), None, "date"),
        ("tổ chức trong ngày 10 tháng 01 năm 2026", "trong ngày 10 tháng 01 năm 2026",
         date(2026, 1, 10), None, "date"),
    ],
)
def test_working_day_relative_and_monthly_deadlines(
    text: str, found: str, due: date | None, recurrence: str | None, kind: str
) -> None:
    [d] = find_deadlines(text, date(2025, 10, 1))
    assert (d.text, d.due, d.recurrence, d.kind) == (found, due, recurrence, kind)


def test_months_of_a_year_are_not_a_relative_deadline() -> None:
    assert find_deadlines("trong 3 tháng đầu năm") == []


def test_a_cue_before_a_bare_day_and_month_is_a_deadline() -> None:
    """"báo cáo trước 30/6/2026": the cue word makes the date a deadline, with or without "ngày";
    a fraction after "trước" ("trước 2/3 số hộ") is not a date."""
    ref = date(2025, 10, 15)
    assert [d.due for d in find_deadlines("Sở Y tế báo cáo trước 30/6/2026.", ref)] == [date(2026, 6, 30)]
    assert [d.due for d in find_deadlines("xong trước 20/10", ref)] == [date(2025, 10, 20)]
    assert [d.due for d in find_deadlines("hạn chót 15/11/2025", ref)] == [date(2025, 11, 15)]
    assert find_deadlines("giảm trước 2/3 số hộ nghèo", ref) == []
