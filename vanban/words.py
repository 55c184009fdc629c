"""Words every face (``vanban`` CLI, the web page) uses for a file's ingest status.

Declared once, so ``vanban ingest``, ``vanban list``/``parse`` and the page's upload
and document tables say the same thing about the same file.

>>> STATUS_WORDS["unreadable"], STATUS_WORDS["replaced"]
('lỗi lớp chữ', 'thay bản cũ')
"""

from __future__ import annotations

__all__ = ["STATUS_WORDS"]

STATUS_WORDS = {
    "ingested": "đã nạp",
    "unchanged": "không đổi",
    "replaced": "thay bản cũ",
    "needs_ocr": "cần OCR",
    "unreadable": "lỗi lớp chữ",
    "no_structure": "không có cấu trúc văn bản hành chính",
    "error": "lỗi",
    "skipped": "bỏ qua",
    "rejected": "từ chối",
}
