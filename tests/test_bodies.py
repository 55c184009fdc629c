"""Body names: one key per agency whatever the printed variant."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.bodies import (
    body_matches,
    canonical_body,
    display_body,
    expand_abbreviations,
    is_generic_body,
    split_actor_list,
)


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (
            ["UBND tỉnh", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh Lào Cai", "UBND tỉnh."],
            "ủy ban nhân dân tỉnh",
        ),
        (
            ["SCT", "Sở Công thương", "Sở Công Thương tỉnh Lào Cai", "sở công thương"],
            "sở công thương",
        ),
        (["BCT", "Bộ Công Thương"], "bộ công thương"),
        (
            ["Bộ TN&MT", "Bộ TNMT", "BTNMT", "Bộ Tài nguyên và Môi trường"],
            "bộ tài nguyên và môi trường",
        ),
        (["Sở NN&MT", "Sở Nông nghiệp và Môi trường"], "sở nông nghiệp và môi trường"),
        (
            ["Bộ NN&PTNT", "Bộ Nông nghiệp và Phát triển nông thôn"],
            "bộ nông nghiệp và phát triển nông thôn",
        ),
        (["Bộ KH&ĐT", "Bộ Kế hoạch và Đầu tư"], "bộ kế hoạch và đầu tư"),
        (["Bộ GTVT", "Bộ Giao thông vận tải"], "bộ giao thông vận tải"),
        (["Bộ TT&TT", "Bộ TTTT", "Bộ Thông tin và Truyền thông"], "bộ thông tin và truyền thông"),
        (
            ["Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"],
            "sở lao động - thương binh và xã hội",
        ),
        (
            ["Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hoá, Thể thao và Du lịch"],
            "sở văn hóa thể thao và du lịch",
        ),
        (["Sở KH&CN", "Sở Khoa học và Công nghệ"], "sở khoa học và công nghệ"),
        (["Sở GD&ĐT", "Sở Giáo dục và Đào tạo"], "sở giáo dục và đào tạo"),
        (["VPCP", "Văn phòng Chính phủ"], "văn phòng chính phủ"),
        (["CA tỉnh", "Công an tỉnh"], "công an tỉnh"),
        (["BCĐ tỉnh", "Ban Chỉ đạo tỉnh"], "ban chỉ đạo tỉnh"),
        (["HĐND tỉnh", "Hội đồng nhân dân tỉnh"], "hội đồng nhân dân tỉnh"),
        (
            ["Ủy ban MTTQ Việt Nam tỉnh", "Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh"],
            "ủy ban mặt trận tổ quốc tỉnh",
        ),
        (["Sở Y tế", "Sở Y Tế"], "sở y tế"),
        (["Chi cục Thuỷ lợi", "Chi cục Thủy lợi"], "chi cục thủy lợi"),
    ],
)
def test_canonical_body_unifies_variants(variants: list[str], key: str) -> None:
    assert {canonical_body(v) for v in variants} == {key}


def test_canonical_body_keeps_distinct_bodies_apart() -> None:
    names = ["Sở Công Thương", "Bộ Công Thương", "Sở Tư pháp", "Sở Tài chính", "Bộ Tài chính"]
    assert len({canonical_body(n) for n in names}) == len(names)


def test_tone_placement_only_at_syllable_end() -> None:
    assert canonical_body("Hoà Bình") == canonical_body("Hòa Bình") == "hòa bình"
    assert canonical_body("Sở Khoẻ") == "sở khỏe"
    assert canonical_body("hoàn thành") == "hoàn thành"  # "oà" before a consonant stays


def test_decomposed_input() -> None:
    assert canonical_body(unicodedata.normalize("NFD", "Sở Công Thương")) == "sở công thương"


def test_expand_abbreviations_leaves_words_alone() -> None:
    assert expand_abbreviations("Bộ TN&MT") == "Bộ Tài nguyên và Môi trường"
    assert expand_abbreviations("CACAO, SCTX") == "CACAO, SCTX"


def test_display_body() -> None:
    assert display_body("  - Sở Công Thương;") == "Sở Công Thương"
    assert display_body("các   cơ quan liên quan.") == "Các cơ quan liên quan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Các Bộ: Công Thương, Giao thông vận tải, Xây dựng, Nông nghiệp và Phát triển nông thôn, "
            "Tài nguyên và Môi trường",
            [
                "Bộ Công Thương",
                "Bộ Giao thông vận tải",
                "Bộ Xây dựng",
                "Bộ Nông nghiệp và Phát triển nông thôn",
                "Bộ Tài nguyên và Môi trường",
            ],
        ),
        (
            "Sở Tài chính, Sở Xây dựng và UBND các xã",
            ["Sở Tài chính", "Sở Xây dựng", "UBND các xã"],
        ),
        (
            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
            ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"],
        ),
        ("Các Sở, ban, ngành; UBND các xã, phường", ["Các Sở, ban, ngành", "UBND các xã, phường"]),
        (
            "Cục Biến đổi khí hậu, Cục Bảo tồn thiên nhiên và Đa dạng sinh học và các đơn vị có liên quan",
            [
                "Cục Biến đổi khí hậu",
                "Cục Bảo tồn thiên nhiên và Đa dạng sinh học",
                "Các đơn vị có liên quan",
            ],
        ),
        (
            "Trung tâm Truyền thông TN&MT, Báo TN&MT, Tạp chí TN&MT",
            ["Trung tâm Truyền thông TN&MT", "Báo TN&MT", "Tạp chí TN&MT"],
        ),
        (
            "Ban Tuyên giáo Trung ương; các bộ, ngành, địa phương; VTV, VOV, TTXVN",
            ["Ban Tuyên giáo Trung ương", "Các bộ, ngành, địa phương", "VTV", "VOV", "TTXVN"],
        ),
        ("Thuế tỉnh, Sở Công Thương, Sở Xây dựng", ["Thuế tỉnh", "Sở Công Thương", "Sở Xây dựng"]),
    ],
)
def test_split_actor_list(text: str, expected: list[str]) -> None:
    assert split_actor_list(text) == expected


def test_generic_bodies() -> None:
    generic = [
        "các cơ quan liên quan",
        "các Bộ, ngành liên quan",
        "Các cơ quan, đơn vị có liên quan",
        "các Bộ",  # a bare plural class names nobody in particular
        "Các bộ, ngành, địa phương",
        "các cấp, các ngành",
    ]
    specific = ["Sở Tư pháp", "UBND các xã, phường", "Bộ Nội vụ", "Các tổ chức thành viên MTTQ"]
    assert [is_generic_body(n) for n in generic] == [True] * len(generic)
    assert [is_generic_body(n) for n in specific] == [False] * len(specific)


@pytest.mark.parametrize(
    "query", ["SCT", "sở công thương", "Sở Công thương", "Sở Công Thương", "công thương"]
)
def test_body_matches_variants(query: str) -> None:
    assert body_matches(query, "Sở Công Thương")


def test_body_matches_rejects_other_bodies() -> None:
    assert not body_matches("SCT", "Sở Tư pháp")
    assert not body_matches("Sở Công Thương", "Bộ Công Thương")
    assert not body_matches("", "Sở Tư pháp")
    assert body_matches("Bộ TN&MT", "Bộ Tài nguyên và Môi trường")


def test_docstring_examples() -> None:
    import doctest

    import ingest.assignments
    import ingest.bodies
    import ingest.deadlines

    for module in (ingest.bodies, ingest.deadlines, ingest.assignments):
        assert doctest.testmod(module).failed == 0, module.__name__


# --- body names: head noun + qualifier, nothing after the verb (issue 9) -----------

from ingest.bodies import (  # noqa: E402
    body_key,
    is_provincial,
    is_well_formed_body,
    province_of,
    split_body_key,
    trim_body,
)


@pytest.mark.parametrize(
    "name",
    [
        "Sở Nội vụ",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
        "UBND các xã, phường, đặc khu",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Bộ Ngoại giao",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Bộ trưởng Bộ Tài chính",
        "Các sở, ban, ngành thuộc tỉnh",
        "Các tổ chức, cá nhân được cấp giấy phép thăm dò, khai thác khoáng sản",
        "Chủ tịch UBND các xã, phường, đặc khu",
        "Thủ trưởng cơ quan ngang bộ",
        "Ban Quản lý dự án đầu tư xây dựng số 1",
        "Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)",
        "Viện Kiểm sát nhân dân tỉnh",
        "Tòa án nhân dân tối cao",
        "Liên đoàn Lao động tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Đoàn kiểm tra liên ngành",
        "Ủy ban nhân dân phường 2 Bảo Lộc",
        "Thanh tra tỉnh",
        "Chính phủ",
        "VTV",
    ],
)
def test_well_formed_bodies(name: str) -> None:
    assert is_well_formed_body(name)


@pytest.mark.parametrize(
    "name",
    [
        "Sở Nội vụ không tiếp nhận bản giấy của các tài liệu kiểm chứng",
        "Trước ngày 05 của tháng liền kề",
        "Các hoạt động Thường xuyên y tế minh bạch, khoa học",
        "Bộ Ngoại",  # "Bộ Ngoại giao" cut by a line break
        "Bộ Nội Bộ Công an, Đề xuất",  # table columns interleaved
        "Ủy ban nhân dân các",
        "Ủy ban nhân dân các tỉnh, thành phố trực",
        "Phố trực thuộc trung ương",
        "Đơn vị được",
        "Báo",
        "VOV, truyền trong",
        "Thanh tra hoạt động đầu tư",  # "thanh tra" the verb
        "Tổ chức thực hiện",
        "Báo cáo kết quả",
        "Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh",  # two bodies
        "Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng là",
        "Thanh tra tỉnh: 01 cuộc",
        "",
    ],
)
def test_fragments_are_not_bodies(name: str) -> None:
    assert not is_well_formed_body(name)


@pytest.mark.parametrize(
    ("candidate", "name"),
    [
        ("Sở Nội vụ không tiếp nhận bản giấy của các tài liệu kiểm chứng", "Sở Nội vụ"),
        ("Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng là cơ quan phối hợp", "Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng"),
        ("Bộ Tư pháp (đối với các nội dung liên quan đến thủ tục hành chính)", "Bộ Tư pháp"),
        ("Bộ trưởng Bộ Tài chính - Phó Trưởng Ban Chỉ đạo quốc gia chống buôn lậu", "Bộ trưởng Bộ Tài chính"),
        ("Ủy ban nhân dân các xã, phường, đặc khu nơi đơn vị đóng trụ sở", "Ủy ban nhân dân các xã, phường, đặc khu"),
        ("Các bộ, cơ quan, địa phương trong đó mô tả các hoạt động", "Các bộ, cơ quan, địa phương"),
        ("Sở Y tế trước ngày 05/11/2025", "Sở Y tế"),
        ("Đơn vị được", "Đơn vị"),
    ],
)
def test_trim_body(candidate: str, name: str) -> None:
    assert trim_body(candidate) == name


def test_lists_split_at_every_head_of_the_grammar() -> None:
    assert split_actor_list("Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh") == [
        "Viện Kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"]
    assert split_actor_list("Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh, Trưởng Ban Quản lý các khu công nghiệp") == [
        "Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh", "Trưởng Ban Quản lý các khu công nghiệp"]
    assert split_actor_list("Sở Văn hóa, Thể thao và Du lịch") == ["Sở Văn hóa, Thể thao và Du lịch"]


# --- provinces -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Ủy ban nhân dân tỉnh Lâm Đồng", "tỉnh lâm đồng"),
        ("Uỷ ban nhân dân tỉnh Lào Cai", "tỉnh lào cai"),
        ("Sở Công Thương tỉnh Lào Cai", "tỉnh lào cai"),
        ("UBND TP. Huế", "thành phố huế"),
        ("sở công thương tỉnh lâm đồng", "tỉnh lâm đồng"),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", None),
        ("Chính phủ", None),
        (None, None),
    ],
)
def test_province_of(text: str | None, province: str | None) -> None:
    assert province_of(text) == province


def test_provincial_bodies_carry_their_province_and_central_ones_do_not() -> None:
    assert body_key("Sở Công Thương", "tỉnh Lào Cai") == "sở công thương @ tỉnh lào cai"
    assert body_key("Sở Công Thương", "tỉnh Lâm Đồng") == "sở công thương @ tỉnh lâm đồng"
    assert body_key("Sở Công Thương tỉnh Lâm Đồng") == "sở công thương @ tỉnh lâm đồng"
    assert body_key("Công an tỉnh", "tỉnh Lâm Đồng") == "công an tỉnh @ tỉnh lâm đồng"
    assert body_key("UBND các xã, phường, đặc khu", "tỉnh Lâm Đồng") == (
        "ủy ban nhân dân các xã phường đặc khu @ tỉnh lâm đồng")
    assert body_key("Bộ Công Thương", "tỉnh Lào Cai") == "bộ công thương"
    assert body_key("Ủy ban nhân dân các tỉnh, thành phố", "tỉnh Lào Cai") == "ủy ban nhân dân các tỉnh thành phố"
    assert body_key("Sở Công Thương") == "sở công thương"
    assert split_body_key("sở công thương @ tỉnh lào cai") == ("sở công thương", "tỉnh lào cai")
    assert split_body_key("bộ công thương") == ("bộ công thương", None)
    assert not is_provincial("bộ tài chính") and is_provincial("thanh tra tỉnh")


@pytest.mark.parametrize(
    ("query", "key", "expected"),
    [
        ("Sở Công Thương", "sở công thương @ tỉnh lào cai", True),
        ("SCT", "sở công thương @ tỉnh lâm đồng", True),
        ("Sở Công Thương tỉnh Lào Cai", "sở công thương @ tỉnh lào cai", True),
        ("sở công thương tỉnh lào cai", "sở công thương @ tỉnh lào cai", True),
        ("Sở Công Thương tỉnh Lào Cai", "sở công thương @ tỉnh lâm đồng", False),
        ("Sở Công Thương Lâm Đồng", "sở công thương @ tỉnh lào cai", False),
        ("Sở Công Thương tỉnh Lào Cai", "sở công thương", True),
        ("Bộ Công Thương", "sở công thương @ tỉnh lào cai", False),
    ],
)
def test_body_matches_with_or_without_the_province(query: str, key: str, expected: bool) -> None:
    assert body_matches(query, key) is expected


def test_labelled_body_shows_the_province_and_still_matches() -> None:
    from ingest.bodies import labelled_body

    assert labelled_body("Sở Công Thương", "sở công thương @ tỉnh lâm đồng") == "Sở Công Thương (tỉnh Lâm Đồng)"
    assert labelled_body("UBND các xã", "ủy ban nhân dân các xã @ thành phố huế") == "UBND các xã (thành phố Huế)"
    assert labelled_body("Bộ Công Thương", "bộ công thương") == "Bộ Công Thương"
    label = labelled_body("Sở Công Thương", "sở công thương @ tỉnh lào cai")
    assert body_matches(label, "sở công thương @ tỉnh lào cai")
    assert not body_matches(label, "sở công thương @ tỉnh lâm đồng")


def test_a_bare_head_word_after_va_stays_in_the_name() -> None:
    from ingest.bodies import split_actor_list

    assert split_actor_list("Cục Lâm nghiệp và Kiểm lâm") == ["Cục Lâm nghiệp và Kiểm lâm"]
    assert split_actor_list("Sở Tư pháp và Công an tỉnh") == ["Sở Tư pháp", "Công an tỉnh"]
