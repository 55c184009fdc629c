"""click in Vietnamese: help headings, usage line, option errors and metavars.

click wraps every message it prints in ``gettext`` (``from gettext import gettext
as _`` in each of its modules). The standard way to translate them, a compiled
``.mo`` catalogue bound to gettext's global domain, also depends on the user's
``LANGUAGE``/``LANG`` (an office PC in ``C`` or ``en_US`` would get English), so
``vanban`` is always Vietnamese instead: :func:`install` points click's ``_`` and
``ngettext`` at :data:`MESSAGES`, a table keyed by click's own message ids.
``tests/test_cli_vi.py`` checks that every id still occurs in the installed click,
so an upgrade that rewords a message fails a test rather than printing English.

:class:`Command` and :class:`Group` install the table when they run and give
options Vietnamese metavars (``--db CHUỖI``, ``--xlsx ĐƯỜNG_DẪN``).

>>> install(); import click.exceptions
>>> click.exceptions.NoSuchOption("--dbb", possibilities=["--db"]).format_message()
"Không có tùy chọn '--dbb'. Có phải ý bạn là '--db'?"
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

# click's message id → Vietnamese. Placeholders are click's; a translation may leave
# one out (``{number_type}`` is click's English type name, so it is not shown).
MESSAGES: Mapping[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu tên lệnh.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một dãy.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị có/không hợp lệ. Các giá trị được nhận: {states}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{name} {filename!r} does not exist.": "Không có {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "required": "bắt buộc",
    "(dynamic)": "(tính khi chạy)",
    "Aborted!": "Đã dừng.",
    "deprecated": "không còn dùng",
}

# (singular id, plural id) → (Vietnamese for one, for many); Vietnamese nouns do not inflect.
PLURALS: Mapping[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Có phải ý bạn là {possibility}?", "(Có phải ý bạn là một trong: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Thừa tham số ({args})", "Thừa tham số ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Tùy chọn {name!r} cần một giá trị.", "Tùy chọn {name!r} cần {nargs} giá trị."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Cần {nargs} giá trị nhưng chỉ nhận 1.", "Cần {nargs} giá trị nhưng nhận {len}."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} không phải {choice}.", "{value!r} không thuộc {choices}."),
}

# click's type name → the metavar shown after an option (``--db TEXT`` → ``--db CHUỖI``).
METAVARS: Mapping[str, str] = {
    "text": "CHUỖI",
    "integer": "SỐ",
    "integer range": "SỐ",
    "float": "SỐ",
    "float range": "SỐ",
    "path": "ĐƯỜNG_DẪN",
    "file": "TỆP",
    "directory": "THƯ_MỤC",
    "filename": "TỆP",
}

# click's modules that bind ``_``/``ngettext`` at import and print to users.
CLICK_MODULES = ("core", "exceptions", "formatting", "parser", "types", "decorators",
                 "termui", "utils")


def gettext(message: str) -> str:
    """click's message in Vietnamese (unknown ids pass through unchanged).

    >>> gettext("Usage:"), gettext("not a click message")
    ('Cách dùng:', 'not a click message')
    """
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural-aware variant: Vietnamese has one form, but click's ids differ.

    >>> ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
    'Tùy chọn {name!r} cần một giá trị.'
    """
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Point click's ``_`` and ``ngettext`` at the Vietnamese tables (idempotent)."""
    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def vietnamese_metavars(params: list[click.Parameter]) -> None:
    """Options taking a value show a Vietnamese metavar unless one was given."""
    for p in params:
        if isinstance(p, click.Option) and not p.is_flag and p.metavar is None:
            p.metavar = METAVARS.get(p.type.name)


class Command(click.Command):
    """A click command whose help, usage and errors are Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)
        vietnamese_metavars(self.params)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        install()
        return super().main(*args, **kwargs)


class Group(Command, click.Group):
    """A click group whose commands (:class:`Command`) and messages are Vietnamese."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM_SỐ]...")
        super().__init__(*args, **kwargs)
